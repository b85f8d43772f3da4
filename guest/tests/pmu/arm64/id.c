// SPDX-License-Identifier: GPL-2.0-only
/* pmu.id: PMUVer, PMCR.N, the events PMCEID advertises, the PMU's PPI. */
#include "pmu_test.h"
#include "report.h"
#include "test.h"

/* Whether an event PMCEID advertises counts over the measured loop. */
static bool advertised_counts(u64 event)
{
	u64 n;

	write_sysreg(PMCR_E, pmcr_el0);
	pmu_evtyper_write(0, event);
	n = count_loop(0, 1000);
	write_sysreg(0, pmcr_el0);
	return n > 0;
}

static void check_events(void)
{
	bool inst = pmu_event_offered(PMU_EV_INST_RETIRED),
	     spec = pmu_event_offered(PMU_EV_INST_SPEC);

	report(pmu_event_offered(PMU_EV_SW_INCR),
	       "PMCEID0 advertises SW_INCR (0x00)");
	report(pmu_event_offered(PMU_EV_CPU_CYCLES),
	       "PMCEID0 advertises CPU_CYCLES (0x11)");
	if (!inst && !spec)
		report_skip("PMCEID0 advertises neither INST_RETIRED nor "
			    "INST_SPEC: no instruction counts here (QEMU TCG "
			    "counts instructions only with -icount)");
	else if (need_counters(1, "an advertised event counting"))
		report(advertised_counts(inst ? PMU_EV_INST_RETIRED :
						PMU_EV_INST_SPEC),
		       "PMCEID0 advertises INST_RETIRED (%s) or "
		       "INST_SPEC (%s), and the first of them counts",
		       inst ? "yes" : "no", spec ? "yes" : "no");
	if (pmu_version() < PMUVER_V3P1) {
		report_skip("PMUv3 for Armv8.0: STALL_FRONTEND/BACKEND "
			    "are optional");
		return;
	}
	report(pmu_event_offered(PMU_EV_STALL_FRONTEND) &&
		       pmu_event_offered(PMU_EV_STALL_BACKEND),
	       "PMUv3p1 and later: PMCEID1 advertises STALL_FRONTEND and "
	       "STALL_BACKEND");
}

static void test_id(void)
{
	unsigned int ver = pmu_version(), n;

	report(ver != PMUVER_NONE && ver != PMUVER_IMP,
	       "ID_AA64DFR0_EL1.PMUVer 0x%x is a PMUv3", ver);
	if (!pmu_test_begin())
		return;
	n = pmu_nr_counters();
	report(n >= 1 && n <= PMU_MAX_COUNTERS, "PMCR.N %u is 1..31", n);
	check_events();
	if (pmu_dt_intid())
		report(pmu_dt_intid() == PMU_INTID_DEFAULT,
		       "the device tree's arm,armv8-pmuv3 node names PPI 7 "
		       "(INTID %u)",
		       pmu_dt_intid());
	else
		report_skip("the device tree has no arm,armv8-pmuv3 node");
	pmu_test_end();
}
DEFINE_TEST(test_id, "pmu.id");
