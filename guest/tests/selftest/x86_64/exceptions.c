// SPDX-License-Identifier: GPL-2.0-only
/* selftest.exceptions: the fixup API catches #GP, #UD, #DE, #PF at CPL0/3. */
#include "apic.h"
#include "exceptions.h"
#include "processor.h"
#include "report.h"
#include "test.h"
#include "usermode.h"

/*
 * Outside every MSR range Intel or AMD define (0-0x1fff, 0x4000xxxx,
 * 0xc000xxxx, 0xc001xxxx): no CPU or hypervisor implements it.
 */
#define NONEXISTENT_MSR	  0x12345678
/* IA32_PKRS: bits 63:32 are reserved, or the MSR does not exist. */
#define MSR_IA32_PKRS	  0x000006e1
/* PML4 entry 1 is not present: the guest maps only the first 4 GiB. */
#define UNMAPPED_ADDR	  0x8000000000ULL
#define NONCANONICAL_ADDR 0x8000000000000000ULL

#define APIC_BASE_ENABLE BIT(11)

static void expect_vector(int got, int want, const char *what)
{
	if (got == want)
		report(true, "%s: %s", what, exception_text(want));
	else
		report(false, "%s: %s, got %s", what, exception_text(want),
		       exception_text(got));
}

static int read_at(u64 addr)
{
	u64 value;

	return asm_safe("movq (%[p]), %[v]", : [v] "=r"(value) : [p] "r"(addr));
}

static int write_at(u64 addr)
{
	return asm_safe("movq %[v], (%[p])",
			:
			: [p] "r"(addr), [v] "r"(0UL)
			: "memory");
}

/*
 * QEMU's TCG returns 0 from RDMSR and ignores WRMSR of MSRs it does not
 * know ("XXX: exception?" in target/i386 helper_rdmsr/helper_wrmsr)
 * instead of raising #GP.  It identifies itself in the hypervisor
 * CPUID leaf.  So a non-existent MSR must #GP; on TCG a miss is that
 * known gap.
 */
static void expect_nonexistent_msr_gp(int vector, const char *what)
{
	if (vector != GP_VECTOR &&
	    cpuid_hypervisor_is(CPUID_HYPERVISOR_LEAF, "TCGTCGTCGTCG"))
		report_xfail(true, false,
			     "%s: #GP, got %s (QEMU TCG ignores unknown MSRs)",
			     what, exception_text(vector));
	else
		expect_vector(vector, GP_VECTOR, what);
}

static void check_msrs(void)
{
	u64 value = 0;
	int vector;

	expect_nonexistent_msr_gp(rdmsr_safe(NONEXISTENT_MSR, &value),
				  "rdmsr of a non-existent MSR");
	expect_nonexistent_msr_gp(wrmsr_safe(NONEXISTENT_MSR, 0),
				  "wrmsr of a non-existent MSR");
	vector = wrmsr_safe(MSR_IA32_PKRS, BIT_ULL(32));
	expect_vector(vector, GP_VECTOR,
		      "wrmsr of IA32_PKRS with reserved bit 32 set");
	report(vector == GP_VECTOR && exception_error_code() == 0,
	       "that #GP has error code 0");
	vector = rdmsr_safe(MSR_IA32_APIC_BASE, &value);
	report(vector == EXC_NONE && (value & APIC_BASE_ENABLE),
	       "rdmsr of IA32_APIC_BASE succeeds, APIC enabled");
}

static void check_instructions(void)
{
	u64 lo = 1, hi = 0, divisor = 0;

	expect_vector(asm_safe("ud2"), UD_VECTOR, "ud2");
	expect_vector(asm_safe("divq %[d]",
			       : "+a"(lo), "+d"(hi)
			       : [d] "r"(divisor)),
		      DE_VECTOR, "divide by zero");
	/* 2^64 / 1 does not fit in 64 bits. */
	lo = 0;
	hi = 1;
	divisor = 1;
	expect_vector(asm_safe("divq %[d]",
			       : "+a"(lo), "+d"(hi)
			       : [d] "r"(divisor)),
		      DE_VECTOR, "divide overflow");
	lo = 10;
	hi = 0;
	divisor = 2;
	expect_vector(asm_safe("divq %[d]",
			       : "+a"(lo), "+d"(hi)
			       : [d] "r"(divisor)),
		      EXC_NONE, "a valid divide");
	report(lo == 5 && hi == 0, "the valid divide computed 10 / 2 = 5");
}

static void check_page_faults(void)
{
	int vector;

	vector = read_at(UNMAPPED_ADDR);
	expect_vector(vector, PF_VECTOR, "read of an unmapped address");
	report(vector == PF_VECTOR && exception_address() == UNMAPPED_ADDR &&
		       !(exception_error_code() &
			 (PF_ERR_PRESENT | PF_ERR_WRITE | PF_ERR_USER)),
	       "read #PF: CR2 is the address, error code not-present read");
	vector = write_at(UNMAPPED_ADDR);
	report(vector == PF_VECTOR && exception_address() == UNMAPPED_ADDR &&
		       (exception_error_code() & PF_ERR_WRITE),
	       "write of an unmapped address: #PF with the write bit");
	vector = read_at(0);
	report(vector == PF_VECTOR && exception_address() == 0,
	       "page 0 is unmapped: NULL dereferences raise #PF");
	expect_vector(read_at(NONCANONICAL_ADDR), GP_VECTOR,
		      "read of a non-canonical address");
}

enum user_result {
	USER_RDMSR_GP = BIT(0),
	USER_UD2_UD = BIT(1),
	USER_PF_USER_BIT = BIT(2),
	USER_STILL_CPL3 = BIT(3),
};

static u64 user_faults(u64 unused)
{
	u64 result = 0, value;

	(void)unused;
	if (rdmsr_safe(MSR_IA32_TSC, &value) == GP_VECTOR)
		result |= USER_RDMSR_GP;
	if (asm_safe("ud2") == UD_VECTOR)
		result |= USER_UD2_UD;
	if (read_at(UNMAPPED_ADDR) == PF_VECTOR &&
	    (exception_error_code() & PF_ERR_USER))
		result |= USER_PF_USER_BIT;
	if ((read_cs() & 3) == 3)
		result |= USER_STILL_CPL3;
	return result;
}

static void check_user_mode(void)
{
	u64 result = usermode_call(user_faults, 0);

	report(result & USER_RDMSR_GP,
	       "CPL3: rdmsr (privileged) raises #GP, caught by the fixup");
	report(result & USER_UD2_UD, "CPL3: ud2 raises #UD, caught");
	report(result & USER_PF_USER_BIT,
	       "CPL3: #PF caught, error code has the user bit");
	report(result & USER_STILL_CPL3,
	       "CPL3: execution continues at CPL3 after the fixups");
}

static void test_exceptions(void)
{
	check_msrs();
	check_instructions();
	check_page_faults();
	check_user_mode();
}
DEFINE_TEST(test_exceptions, "selftest.exceptions");
