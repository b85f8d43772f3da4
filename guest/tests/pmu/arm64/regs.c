// SPDX-License-Identifier: GPL-2.0-only
/* pmu.regs: PMCR, PMSELR aliases, unimplemented counters, RAZ/WI bits, widths. */
#include "exceptions.h"
#include "pmu_test.h"
#include "report.h"
#include "test.h"

static void check_pmcr(void)
{
	unsigned int n = pmu_nr_counters();
	u64 pmcr;

	for (unsigned int i = 0; i < n; i++)
		pmu_evcntr_write(i, 0x1000 + i);
	write_sysreg(0x2000, pmccntr_el0);
	write_sysreg(PMCR_P, pmcr_el0);
	isb();
	pmcr = read_sysreg(pmcr_el0);
	report(!(pmcr & PMCR_P), "PMCR.P reads 0 after a write of 1");
	report(!pmu_evcntr_read(0) && !pmu_evcntr_read(n - 1),
	       "PMCR.P resets the event counters");
	report(read_sysreg(pmccntr_el0) >= 0x2000,
	       "PMCR.P leaves the cycle counter alone");
	pmu_evcntr_write(0, 0x1000);
	write_sysreg(PMCR_C, pmcr_el0);
	isb();
	report(!(read_sysreg(pmcr_el0) & PMCR_C),
	       "PMCR.C reads 0 after a write of 1");
	report(read_sysreg(pmccntr_el0) < 0x2000,
	       "PMCR.C resets the cycle counter");
	report(pmu_evcntr_read(0) == 0x1000,
	       "PMCR.C leaves the event counters alone");
	write_sysreg(PMCR_E, pmcr_el0);
	isb();
	report(read_sysreg(pmcr_el0) & PMCR_E, "PMCR.E reads back 1");
	write_sysreg(0, pmcr_el0);
	isb();
	report(!(read_sysreg(pmcr_el0) & PMCR_E), "PMCR.E reads back 0");
	report(((read_sysreg(pmcr_el0) >> PMCR_N_SHIFT) & PMCR_N_MASK) == n,
	       "PMCR.N is read-only");
}

/* PMSELR.SEL n: PMXEVTYPER/PMXEVCNTR are PMEVTYPER<n>/PMEVCNTR<n>. */
static void check_aliases(void)
{
	unsigned int n = pmu_nr_counters();
	u64 type = PMU_EV_CPU_CYCLES | PMEVTYPER_P | PMEVTYPER_U;

	for (unsigned int i = 0; i < n; i++) {
		write_sysreg(i, pmselr_el0);
		isb();
		write_sysreg(type + i, pmxevtyper_el0);
		isb();
		report(pmu_evtyper_read(i) == type + i &&
			       read_sysreg(pmselr_el0) == i,
		       "counter %u: PMXEVTYPER writes PMEVTYPER%u", i, i);
		pmu_evcntr_write(i, 0xdeadbeef - i);
		isb();
		report(read_sysreg(pmxevcntr_el0) == 0xdeadbeef - i,
		       "counter %u: PMXEVCNTR reads PMEVCNTR%u", i, i);
	}
	write_sysreg(31, pmselr_el0);
	isb();
	write_sysreg(PMEVTYPER_P, pmxevtyper_el0);
	isb();
	report(read_sysreg(pmccfiltr_el0) == PMEVTYPER_P,
	       "PMSELR.SEL 31: PMXEVTYPER writes PMCCFILTR");
	write_sysreg(0, pmccfiltr_el0);
	write_sysreg(0, pmselr_el0);
}

/* Counter N does not exist: UNDEF directly; via PMSELR UNDEF or RAZ/WI. */
static void check_unimplemented(void)
{
	unsigned int n = pmu_nr_counters();
	u64 value = 0;
	int ec;

	if (n == PMU_MAX_COUNTERS) {
		report_skip("all 31 event counters exist");
		return;
	}
	ec = pmu_evcntr_read_safe(n, &value);
	report(ec == ESR_EC_UNKNOWN,
	       "MRS PMEVCNTR%u_EL0 (>= PMCR.N) is "
	       "UNDEFINED (%s)",
	       n, ec == EXC_NONE ? "no exception" : exception_name(ec));
	ec = pmu_evtyper_write_safe(n, PMU_EV_CPU_CYCLES);
	report(ec == ESR_EC_UNKNOWN,
	       "MSR PMEVTYPER%u_EL0 (>= PMCR.N) is "
	       "UNDEFINED (%s)",
	       n, ec == EXC_NONE ? "no exception" : exception_name(ec));
	write_sysreg(n, pmselr_el0);
	isb();
	value = 1;
	ec = asm_safe("msr pmxevcntr_el0, %1\n\tmrs %0, pmxevcntr_el0",
		      : "+r"(value)
		      : "r"(0x1234UL));
	report(ec == ESR_EC_UNKNOWN || (ec == EXC_NONE && !value),
	       "PMSELR.SEL %u: PMXEVCNTR is UNDEFINED or RAZ/WI (%s, 0x%lx)", n,
	       ec == EXC_NONE ? "no exception" : exception_name(ec), value);
	write_sysreg(0, pmselr_el0);
}

#define RAZ_WI(set, clr)                                                  \
	do {                                                              \
		write_sysreg(~0ULL, set);                                 \
		isb();                                                    \
		report(read_sysreg(set) == mask,                          \
		       #set ": only the %u "                              \
			    "counters' and the "                          \
			    "cycle counter's bits "                       \
			    "(0x%lx)",                                    \
		       pmu_nr_counters(), read_sysreg(set));              \
		report(read_sysreg(clr) == mask, #clr " reads the same"); \
		write_sysreg(~0ULL, clr);                                 \
		isb();                                                    \
		report(!read_sysreg(set), #clr " clears them all");       \
	} while (0)

static void check_raz_wi(void)
{
	u64 mask = pmu_counter_mask();

	RAZ_WI(pmcntenset_el0, pmcntenclr_el0);
	RAZ_WI(pmintenset_el1, pmintenclr_el1);
	RAZ_WI(pmovsset_el0, pmovsclr_el0);
}

static void check_widths(void)
{
	bool wide = pmu_has_64bit_counters();
	u64 want = wide ? ~0ULL : 0xffffffffULL;

	pmu_evcntr_write(0, ~0ULL);
	isb();
	report(pmu_evcntr_read(0) == want,
	       "event counters are %u bits wide (PMUVer 0x%x): 0x%lx",
	       wide ? 64 : 32, pmu_version(), pmu_evcntr_read(0));
	write_sysreg(~0ULL, pmccntr_el0);
	isb();
	report(read_sysreg(pmccntr_el0) == ~0ULL,
	       "the cycle counter is 64 bits wide");
}

static void test_regs(void)
{
	if (!pmu_test_begin())
		return;
	check_pmcr();
	check_aliases();
	check_unimplemented();
	check_raz_wi();
	check_widths();
	pmu_test_end();
}
DEFINE_TEST(test_regs, "pmu.regs");
