// SPDX-License-Identifier: GPL-2.0-only
/* pmu.el2: counting at EL2 (PMEVTYPER.NSH includes it, P does not decide). */
#include "pmu_test.h"
#include "psci.h"
#include "report.h"
#include "sysreg.h"
#include "test.h"

#define LOOPS 20000

/*
 * What counter n (31: the cycle counter) with filter type counts over
 * LOOPS iterations run at EL2 by entry.S's service, PMCR.E already set.
 */
static u64 el2_count(u64 n, u64 type)
{
	register u64 x0 asm("x0") = n;
	register u64 x1 asm("x1") = type;
	register u64 x2 asm("x2") = LOOPS;

	asm volatile("hvc %3"
		     : "+r"(x0), "+r"(x1), "+r"(x2)
		     : "i"(EL2_PMU_COUNT_HVC)
		     : "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
		       "x12", "x13", "x14", "x15", "x16", "x17", "cc",
		       "memory");
	return x0;
}

/* An HVC the service does not know: SMCCC's NOT_SUPPORTED, not a hang. */
static void check_unknown_hvc(void)
{
	register u64 x0 asm("x0") = SMCCC_VERSION;

	asm volatile("hvc #0"
		     : "+r"(x0)
		     :
		     : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9",
		       "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17",
		       "cc", "memory");
	report((s64)x0 == -1, "EL2: HVC #0 SMCCC_VERSION returns -1 (%ld)",
	       (s64)x0);
}

/*
 * The service range-checks the counter: PMCR.N (the first counter not
 * implemented), 32 and an all-ones x0 return -2, INVALID_PARAMETER.
 */
static void check_bad_counter(void)
{
	const u64 bad[] = { pmu_nr_counters(), 32, ~0ULL };
	bool ok = true;
	u64 got = 0;

	/* with PMCR.N 31, counter 31 is the cycle counter: a valid one */
	for (unsigned int i = pmu_nr_counters() == 31;
	     i < ARRAY_SIZE(bad) && ok; i++) {
		got = el2_count(bad[i], PMEVTYPER_NSH);
		ok = (s64)got == -2;
	}
	report(ok,
	       "EL2: the service refuses counter PMCR.N (%u), 32 and ~0 with "
	       "-2, INVALID_PARAMETER (%ld)",
	       pmu_nr_counters(), (s64)got);
}

/* Counter n (31: cycles) with base (event or 0) at EL2, then at EL1. */
static void check_filters(unsigned int n, u64 base, const char *name)
{
	u64 min = base == PMU_EV_INST_RETIRED ? LOOPS : 1;
	u64 c;

	c = el2_count(n, base | PMEVTYPER_NSH);
	report(c >= min, "%s at EL2, NSH=1: counts (%lu)", name, c);
	c = el2_count(n, base);
	report(c == 0, "%s at EL2, NSH=0: does not count (%lu)", name, c);
	c = el2_count(n, base | PMEVTYPER_NSH | PMEVTYPER_P);
	report(c >= min, "%s at EL2, P=1 NSH=1: P does not exclude EL2 (%lu)",
	       name, c);
	c = el2_count(n, base | PMEVTYPER_NSH | PMEVTYPER_U);
	report(c >= min, "%s at EL2, U=1 NSH=1: U does not exclude EL2 (%lu)",
	       name, c);
	if (n == 31)
		write_sysreg(PMEVTYPER_NSH, pmccfiltr_el0);
	else
		pmu_evtyper_write(n, base | PMEVTYPER_NSH);
	c = count_loop(n, LOOPS);
	report(c >= min, "%s at EL1, NSH=1 P=0: counts (%lu)", name, c);
	if (n == 31)
		write_sysreg(0, pmccfiltr_el0);
	else
		pmu_evtyper_write(n, base);
	c = count_loop(n, LOOPS);
	report(c >= min, "%s at EL1, NSH=0 P=0: counts (%lu)", name, c);
}

/*
 * The tests run at EL1; entered at EL2, entry.S leaves a counting
 * service there (EL2_PMU_COUNT_HVC).  Without a guest EL2 all SKIPs.
 */
static void test_el2(void)
{
	if (!pmu_test_begin())
		return;
	if (boot_entry_el != 2) {
		report_skip("entered at EL%u: no guest EL2 here (KVM without "
			    "nested virtualization, QEMU without "
			    "virtualization=on)",
			    boot_entry_el);
		goto out;
	}
	check_unknown_hvc();
	check_bad_counter();
	write_sysreg(PMCR_E | PMCR_LC, pmcr_el0);
	isb();
	check_filters(31, 0, "cycle counter (PMCCFILTR)");
	if (!need_counters(1, "event counter checks"))
		goto out;
	check_filters(0, PMU_EV_CPU_CYCLES, "CPU_CYCLES");
	if (need_event(PMU_EV_INST_RETIRED, "INST_RETIRED at EL2"))
		check_filters(0, PMU_EV_INST_RETIRED, "INST_RETIRED");
out:
	pmu_test_end();
}
DEFINE_TEST(test_el2, "pmu.el2");
