// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the ACPI tables: RSDP 2.0, XSDT, MADT. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "le_bytes.h"

#include "hvcheck_abi.h"
#include "vmm/x86/acpi.h"

static struct guest_mem mem;

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

/* Follows RSDP -> XSDT -> MADT by the offsets of the ACPI spec. */
static const uint8_t *find_madt(uint64_t gpa)
{
	const uint8_t *rsdp = mem.base + gpa, *xsdt;
	uint64_t xsdt_gpa, madt_gpa;

	assert_memory_equal(rsdp, "RSD PTR ", 8);
	assert_int_equal(sum(rsdp, 20), 0);
	assert_int_equal(rsdp[15], 2);		/* revision: ACPI 2.0+ */
	assert_int_equal(get32(rsdp + 20), 36); /* length */
	assert_int_equal(sum(rsdp, 36), 0);
	xsdt_gpa = get64(rsdp + 24);
	assert_true(xsdt_gpa >= gpa && xsdt_gpa < gpa + HV_X86_ACPI_SIZE);

	xsdt = mem.base + xsdt_gpa;
	assert_memory_equal(xsdt, "XSDT", 4);
	assert_int_equal(get32(xsdt + 4), 36 + 8); /* one entry */
	assert_int_equal(sum(xsdt, get32(xsdt + 4)), 0);
	madt_gpa = get64(xsdt + 36);
	assert_true(madt_gpa >= gpa && madt_gpa < gpa + HV_X86_ACPI_SIZE);
	return mem.base + madt_gpa;
}

static void check_tables(unsigned int nr_cpus)
{
	const uint8_t *madt, *e, *end;
	unsigned int nr_lapic = 0, nr_ioapic = 0;
	long used;

	memset(mem.base + HV_X86_ACPI_BASE, 0xee, HV_X86_ACPI_SIZE);
	used = acpi_build(&mem, HV_X86_ACPI_BASE, HV_X86_ACPI_SIZE, nr_cpus);
	assert_true(used > 0 && used <= HV_X86_ACPI_SIZE);

	madt = find_madt(HV_X86_ACPI_BASE);
	assert_memory_equal(madt, "APIC", 4);
	assert_int_equal(sum(madt, get32(madt + 4)), 0);
	assert_true(madt + get32(madt + 4) <=
		    mem.base + HV_X86_ACPI_BASE + used);
	assert_int_equal(get32(madt + 36), 0xfee00000); /* LAPIC address */
	assert_int_equal(get32(madt + 40) & 1, 1);	/* PCAT_COMPAT */

	end = madt + get32(madt + 4);
	for (e = madt + 44; e < end; e += e[1]) {
		assert_true(e[1] >= 2);
		switch (e[0]) {
		case 0: /* Processor Local APIC */
			assert_int_equal(e[1], 8);
			assert_int_equal(e[2], nr_lapic); /* processor UID */
			assert_int_equal(e[3], nr_lapic); /* APIC ID */
			assert_int_equal(get32(e + 4) & 1, 1); /* enabled */
			nr_lapic++;
			break;
		case 1: /* I/O APIC */
			assert_int_equal(e[1], 12);
			assert_int_equal(get32(e + 4), 0xfec00000);
			assert_int_equal(get32(e + 8), 0); /* GSI base */
			nr_ioapic++;
			break;
		default:
			fail_msg("unexpected MADT entry type %u", e[0]);
		}
	}
	assert_ptr_equal(e, end);
	assert_int_equal(nr_lapic, nr_cpus);
	assert_int_equal(nr_ioapic, 1);
}

static void test_one_cpu(void **state)
{
	(void)state;
	check_tables(1);
}

static void test_two_cpus(void **state)
{
	(void)state;
	check_tables(2);
}

static void test_many_cpus(void **state)
{
	(void)state;
	check_tables(64);
	check_tables(ACPI_MAX_CPUS);
}

static void test_refused(void **state)
{
	(void)state;
	assert_int_equal(acpi_build(&mem, HV_X86_ACPI_BASE, HV_X86_ACPI_SIZE,
				    0),
			 -EINVAL);
	assert_int_equal(acpi_build(&mem, HV_X86_ACPI_BASE, HV_X86_ACPI_SIZE,
				    ACPI_MAX_CPUS + 1),
			 -EINVAL);
	/* The RSDP must be 16-byte aligned to be found by a scan. */
	assert_int_equal(acpi_build(&mem, HV_X86_ACPI_BASE + 8,
				    HV_X86_ACPI_SIZE, 1),
			 -EINVAL);
	assert_int_equal(acpi_build(&mem, HV_X86_ACPI_BASE, 100, 2), -ENOSPC);
	/* Not in guest RAM: the bounds check refuses. */
	assert_int_equal(acpi_build(&mem, mem.size - 0x80, 0x1000, 2), -EFAULT);
}

static int setup(void **state)
{
	(void)state;
	return vm_mem_alloc(&mem, 2 << 20);
}

static int teardown(void **state)
{
	(void)state;
	vm_mem_free(&mem);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_cpu),
		cmocka_unit_test(test_two_cpus),
		cmocka_unit_test(test_many_cpus),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
