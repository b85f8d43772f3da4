// SPDX-License-Identifier: GPL-2.0-only
/* pmu.counters: every GP counter with every available event, every fixed. */
#include "pmu.h"
#include "processor.h"
#include "report.h"
#include "test.h"

static void check_gp(unsigned int idx, enum pmu_event ev, u64 loops)
{
	struct pmu_wrmsr start, stop;
	struct pmu_expect expect;
	u64 tsc;

	wrmsr(pmu_gp_msr(idx), 0);
	pmu_gp_arm(idx, pmu_evtsel(ev, PMU_EVTSEL_USR | PMU_EVTSEL_OS), &start,
		   &stop);
	tsc = pmu_loop(start, stop, loops);
	expect = pmu_loop_expect(loops, tsc);
	pmu_report_count(ev, rdmsr(pmu_gp_msr(idx)), &expect,
			 "GP counter %u counts %s", idx, pmu_events[ev].name);
	wrmsr(MSR_IA32_PERFEVTSEL0 + idx, 0);
}

/* PERFEVTSEL.EN clear: GLOBAL_CTRL alone does not make it count. */
static void check_gp_disabled(unsigned int idx, u64 loops)
{
	struct pmu_wrmsr start = { MSR_IA32_PERF_GLOBAL_CTRL, BIT_ULL(idx) };
	struct pmu_wrmsr stop = { MSR_IA32_PERF_GLOBAL_CTRL, 0 };

	wrmsr(pmu_gp_msr(idx), 0);
	wrmsr(MSR_IA32_PERFEVTSEL0 + idx,
	      pmu_evtsel(PMU_EV_INSTRUCTIONS, PMU_EVTSEL_USR | PMU_EVTSEL_OS) &
		      ~PMU_EVTSEL_EN);
	pmu_loop(start, stop, loops);
	pmu_report_value(
		rdmsr(pmu_gp_msr(idx)), 0,
		"GP counter %u with PERFEVTSEL.EN clear counts nothing", idx);
	wrmsr(MSR_IA32_PERFEVTSEL0 + idx, 0);
}

static void check_fixed(unsigned int idx, u64 loops)
{
	enum pmu_event ev =
		pmu_counter_event((struct pmu_counter){ true, idx });
	struct pmu_wrmsr start, stop;
	struct pmu_expect expect;
	u64 tsc;

	if (ev == PMU_NR_EVENTS) {
		report_skip("fixed counter %u: no architectural event known",
			    idx);
		return;
	}
	wrmsr(MSR_IA32_FIXED_CTR0 + idx, 0);
	pmu_fixed_arm(idx, PMU_FIXED_OS | PMU_FIXED_USR, &start, &stop);
	tsc = pmu_loop(start, stop, loops);
	expect = pmu_loop_expect(loops, tsc);
	pmu_report_count(ev, rdmsr(MSR_IA32_FIXED_CTR0 + idx), &expect,
			 "fixed counter %u counts %s", idx,
			 pmu_events[ev].name);

	/* Neither OS nor USR in its field: GLOBAL_CTRL alone does nothing. */
	wrmsr(MSR_IA32_FIXED_CTR0 + idx, 0);
	wrmsr(MSR_IA32_FIXED_CTR_CTRL, 0);
	pmu_loop(start, stop, loops);
	pmu_report_value(
		rdmsr(MSR_IA32_FIXED_CTR0 + idx), 0,
		"fixed counter %u with neither OS nor USR counts nothing", idx);
}

static void test_counters(void)
{
	u64 loops = pmu_loops();

	if (!pmu_require())
		return;
	for (unsigned int ev = 0; ev < PMU_NR_EVENTS; ev++) {
		if (!pmu_event_available(ev)) {
			report_skip("%s: unavailable (CPUID.0AH:EBX bit %u or "
				    "beyond its length)",
				    pmu_events[ev].name, ev);
			continue;
		}
		for (unsigned int i = 0; i < pmu.nr_gp; i++)
			check_gp(i, ev, loops);
	}
	if (pmu.version >= 2)
		for (unsigned int i = 0; i < pmu.nr_gp; i++)
			check_gp_disabled(i, loops);
	for (unsigned int i = 0; i < PMU_MAX_FIXED; i++)
		if (pmu_fixed_exists(i))
			check_fixed(i, loops);
	pmu_reset();
}
DEFINE_TEST(test_counters, "pmu.counters");
