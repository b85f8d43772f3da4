// SPDX-License-Identifier: GPL-2.0-only
/* pmu.restore: counters the host programmed before the filter (paired). */
#include "cmdline.h"
#include "pmu_test.h"
#include "report.h"
#include "test.h"

#define LOOPS	       10000
#define RESTORED_CNTEN (BIT(0) | PMU_CYCLE_BIT)

/*
 * The host set PMCR.E, PMEVTYPER0 = CPU_CYCLES and PMCNTENSET = counter
 * 0 and the cycle counter with KVM_SET_ONE_REG before its filter and
 * the first run (hvcheck run --pmu-restore, as a VMM does after a
 * migration); restore.denied=1 says the filter denies CPU_CYCLES.  The
 * guest touches no PMU register before these checks.
 */
static void test_restore(void)
{
	bool denied = cmdline_get_u64("restore.denied", 0);
	u64 cnt0, cyc;
	const char *why = pmu_absent();

	if (why) {
		report_skip("%s", why);
		return;
	}
	if (!cmdline_has("restore.denied")) {
		report_skip("no restore.denied= on the command line: the "
			    "host restored nothing to check");
		return;
	}
	report(read_sysreg(pmcr_el0) & PMCR_E, "PMCR.E reads as restored");
	report(pmu_evtyper_read(0) == PMU_EV_CPU_CYCLES,
	       "PMEVTYPER0 reads as restored (0x%lx)", pmu_evtyper_read(0));
	report((read_sysreg(pmcntenset_el0) & RESTORED_CNTEN) == RESTORED_CNTEN,
	       "PMCNTENSET reads as restored (0x%lx)",
	       read_sysreg(pmcntenset_el0));
	cnt0 = pmu_evcntr_read(0);
	cyc = read_sysreg(pmccntr_el0);
	pmu_loop(LOOPS);
	isb();
	if (denied) {
		report(pmu_evcntr_read(0) == cnt0,
		       "CPU_CYCLES denied: restored counter 0 does not count "
		       "(%lu, %lu)",
		       cnt0, pmu_evcntr_read(0));
		report(read_sysreg(pmccntr_el0) == cyc,
		       "CPU_CYCLES denied: the restored cycle counter does not "
		       "count (%lu, %lu)",
		       cyc, read_sysreg(pmccntr_el0));
	} else {
		report(pmu_evcntr_read(0) > cnt0,
		       "CPU_CYCLES allowed: restored counter 0 counts (%lu, "
		       "%lu)",
		       cnt0, pmu_evcntr_read(0));
		report(read_sysreg(pmccntr_el0) > cyc,
		       "CPU_CYCLES allowed: the restored cycle counter counts "
		       "(%lu, %lu)",
		       cyc, read_sysreg(pmccntr_el0));
	}
	pmu_reset();
}
DEFINE_TEST(test_restore, "pmu.restore");
