// SPDX-License-Identifier: GPL-2.0-only
/* arm64 PMUv3: registers, enumeration, counters by number, its interrupt. */
#include "exceptions.h"
#include "fdt.h"
#include "gic.h"
#include "pmu.h"

#define DFR0_PMUVER_SHIFT 8
#define DT_IRQ_TYPE_PPI	  1

static unsigned int dt_intid;
u32 boot_entry_el; /* written by entry.S after the BSS is cleared */

void pmu_init(const void *dtb)
{
	const void *irq;
	u32 len;

	irq = fdt_get_prop_compat(dtb, "arm,armv8-pmuv3", "interrupts", &len);
	if (irq && len >= 12 && fdt_cell(irq, 0) == DT_IRQ_TYPE_PPI &&
	    fdt_cell(irq, 1) < GIC_FIRST_SPI - GIC_FIRST_PPI)
		dt_intid = GIC_FIRST_PPI + fdt_cell(irq, 1);
}

unsigned int pmu_dt_intid(void)
{
	return dt_intid;
}

unsigned int pmu_version(void)
{
	return (read_sysreg(id_aa64dfr0_el1) >> DFR0_PMUVER_SHIFT) & 0xf;
}

const char *pmu_absent(void)
{
	switch (pmu_version()) {
	case PMUVER_NONE:
		return "ID_AA64DFR0_EL1.PMUVer is 0: no PMU";
	case PMUVER_IMP:
		return "ID_AA64DFR0_EL1.PMUVer is 0xf: an IMPLEMENTATION "
		       "DEFINED PMU, not PMUv3";
	default:
		return NULL;
	}
}

unsigned int pmu_nr_counters(void)
{
	return (read_sysreg(pmcr_el0) >> PMCR_N_SHIFT) & PMCR_N_MASK;
}

u64 pmu_counter_mask(void)
{
	return (BIT_ULL(pmu_nr_counters()) - 1) | PMU_CYCLE_BIT;
}

bool pmu_event_offered(unsigned int event)
{
	u64 ceid;

	if (event < 0x20)
		ceid = read_sysreg(pmceid0_el0);
	else if (event < 0x40)
		ceid = read_sysreg(pmceid1_el0);
	else if (event >= 0x4000 && event < 0x4020)
		ceid = read_sysreg(pmceid0_el0) >> 32;
	else if (event >= 0x4020 && event < 0x4040)
		ceid = read_sysreg(pmceid1_el0) >> 32;
	else
		return false;
	return ceid & BIT_ULL(event % 32);
}

bool pmu_has_64bit_counters(void)
{
	unsigned int v = pmu_version();

	return v >= PMUVER_V3P5 && v != PMUVER_IMP;
}

/* One case per counter number: the register names carry it. */
/* clang-format off */
#define PMU_CASES(X)                                                    \
	X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)   \
	X(12) X(13) X(14) X(15) X(16) X(17) X(18) X(19) X(20) X(21)     \
	X(22) X(23) X(24) X(25) X(26) X(27) X(28) X(29) X(30)
/* clang-format on */

u64 pmu_evcntr_read(unsigned int n)
{
#define X(i)    \
	case i: \
		return read_sysreg(pmevcntr##i##_el0);
	switch (n) {
		PMU_CASES(X)
	}
#undef X
	return 0;
}

void pmu_evcntr_write(unsigned int n, u64 value)
{
#define X(i)                                            \
	case i:                                         \
		write_sysreg(value, pmevcntr##i##_el0); \
		break;
	switch (n) {
		PMU_CASES(X)
	}
#undef X
}

u64 pmu_evtyper_read(unsigned int n)
{
#define X(i)    \
	case i: \
		return read_sysreg(pmevtyper##i##_el0);
	switch (n) {
		PMU_CASES(X)
	}
#undef X
	return 0;
}

void pmu_evtyper_write(unsigned int n, u64 value)
{
#define X(i)                                             \
	case i:                                          \
		write_sysreg(value, pmevtyper##i##_el0); \
		break;
	switch (n) {
		PMU_CASES(X)
	}
#undef X
}

int pmu_evcntr_read_safe(unsigned int n, u64 *value)
{
	u64 v = 0;
	int ec = EXC_NONE;

#define X(i)                                                              \
	case i:                                                           \
		ec = asm_safe("mrs %0, pmevcntr" #i "_el0", : "+r"(v) :); \
		break;
	switch (n) {
		PMU_CASES(X)
	}
#undef X
	*value = v;
	return ec;
}

int pmu_evtyper_write_safe(unsigned int n, u64 value)
{
	int ec = EXC_NONE;

#define X(i)                                                                  \
	case i:                                                               \
		ec = asm_safe("msr pmevtyper" #i "_el0, %0", : : "r"(value)); \
		break;
	switch (n) {
		PMU_CASES(X)
	}
#undef X
	return ec;
}

void pmu_reset(void)
{
	unsigned int n = pmu_nr_counters();

	write_sysreg(0, pmcr_el0);
	write_sysreg(~0ULL, pmcntenclr_el0);
	write_sysreg(~0ULL, pmintenclr_el1);
	write_sysreg(~0ULL, pmovsclr_el0);
	write_sysreg(0, pmselr_el0);
	write_sysreg(0, pmuserenr_el0);
	write_sysreg(0, pmccfiltr_el0);
	write_sysreg(0, pmccntr_el0);
	for (unsigned int i = 0; i < n; i++) {
		pmu_evtyper_write(i, 0);
		pmu_evcntr_write(i, 0);
	}
	isb();
}

void pmu_counter_setup(unsigned int n, u64 type, u64 value)
{
	pmu_evtyper_write(n, type);
	pmu_evcntr_write(n, value);
	write_sysreg(BIT_ULL(n), pmcntenset_el0);
	isb();
}

void __attribute__((noinline)) pmu_loop(u64 loops)
{
	asm volatile("	mov	x9, %0\n"
		     "	add	x9, x9, #1\n"
		     "1:	subs	x9, x9, #1\n"
		     "	b.ne	1b\n"
		     :
		     : "r"(loops)
		     : "x9", "cc");
}
