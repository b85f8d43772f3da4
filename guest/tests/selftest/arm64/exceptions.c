// SPDX-License-Identifier: GPL-2.0-only
/* selftest.exceptions: the fixup API catches UNDEF, BRK and data aborts. */
#include "exceptions.h"
#include "printf.h"
#include "report.h"
#include "test.h"

/* Level 1 entry 256: the guest maps only the first 4 GiB. */
#define UNMAPPED_ADDR 0x4000000000ULL

static const char *ec_text(int ec, char *buf, size_t size)
{
	if (ec == EXC_NONE)
		return "no exception";
	snprintf(buf, size, "%s (EC 0x%x)", exception_name(ec), ec);
	return buf;
}

static void expect_ec(int got, int want, const char *what)
{
	char want_buf[64], got_buf[64];

	if (got == want)
		report(true, "%s: %s", what,
		       ec_text(want, want_buf, sizeof(want_buf)));
	else
		report(false, "%s: %s, got %s", what,
		       ec_text(want, want_buf, sizeof(want_buf)),
		       ec_text(got, got_buf, sizeof(got_buf)));
}

static int read_at(u64 addr, u64 *value)
{
	return asm_safe("ldr %[v], [%[p]]", : [v] "+r"(*value) : [p] "r"(addr));
}

static int write_at(u64 addr)
{
	return asm_safe("str xzr, [%[p]]", : : [p] "r"(addr) : "memory");
}

static void check_instructions(void)
{
	u64 value;

	expect_ec(asm_safe("udf #0"), ESR_EC_UNKNOWN, "udf");
	/* EL2 registers do not exist for EL1: the access is undefined. */
	expect_ec(asm_safe("mrs %0, hcr_el2",
			   : "=r"(value)),
		  ESR_EC_UNKNOWN, "mrs of an EL2 register at EL1");
	expect_ec(asm_safe("brk #0x123"), ESR_EC_BRK64, "brk #0x123");
	report(exception_vector() == ESR_EC_BRK64 &&
		       (exception_error_code() & 0xffff) == 0x123,
	       "brk: ESR carries the immediate 0x123");
	expect_ec(asm_safe("nop"), EXC_NONE, "nop");
}

static void check_data_aborts(void)
{
	u64 esr, mapped = 0x5a5a, value = 0xfeed;
	int ec;

	ec = read_at(UNMAPPED_ADDR, &value);
	esr = exception_error_code();
	expect_ec(ec, ESR_EC_DABT_CUR, "read of an unmapped address");
	report(ec == ESR_EC_DABT_CUR && exception_address() == UNMAPPED_ADDR &&
		       ESR_ISS_FSC(esr) == ESR_FSC_TRANSLATION(1) &&
		       !(esr & ESR_ISS_WNR),
	       "read abort: FAR is the address, level 1 translation fault, "
	       "not a write");
	report(value == 0xfeed, "the faulting load left its output alone");

	ec = write_at(UNMAPPED_ADDR);
	esr = exception_error_code();
	report(ec == ESR_EC_DABT_CUR && exception_address() == UNMAPPED_ADDR &&
		       (esr & ESR_ISS_WNR),
	       "write of an unmapped address: data abort with WnR set");

	ec = read_at(0, &value);
	report(ec == ESR_EC_DABT_CUR && exception_address() == 0 &&
		       ESR_ISS_FSC(exception_error_code()) ==
			       ESR_FSC_TRANSLATION(2),
	       "page 0 is unmapped: NULL dereferences abort (level 2)");

	expect_ec(read_at((u64)&mapped, &value), EXC_NONE,
		  "read of mapped RAM");
	report(value == 0x5a5a, "that read returned the stored value");
}

static void test_exceptions(void)
{
	check_instructions();
	check_data_aborts();
}
DEFINE_TEST(test_exceptions, "selftest.exceptions");
