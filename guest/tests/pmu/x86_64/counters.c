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
	wrmsr(pmu_evtsel_msr(idx), 0);
}

/* PERFEVTSEL.EN clear: GLOBAL_CTRL alone does not make it count. */
static void check_gp_disabled(unsigned int idx, u64 loops)
{
	struct pmu_wrmsr start = { pmu.msr_global_ctrl, BIT_ULL(idx) };
	struct pmu_wrmsr stop = { pmu.msr_global_ctrl, 0 };

	wrmsr(pmu_gp_msr(idx), 0);
	wrmsr(pmu_evtsel_msr(idx),
	      pmu_evtsel(PMU_EV_INSTRUCTIONS, PMU_EVTSEL_USR | PMU_EVTSEL_OS) &
		      ~PMU_EVTSEL_EN);
	pmu_loop(start, stop, loops);
	pmu_report_value(
		rdmsr(pmu_gp_msr(idx)), 0,
		"GP counter %u with PERFEVTSEL.EN clear counts nothing", idx);
	wrmsr(pmu_evtsel_msr(idx), 0);
}

/*
 * AMD PerfCtrExtCore: legacy PerfEvtSel/PerfCtr i (0xc0010000 + i,
 * 0xc0010004 + i) are extended counter i's.  Programmed and started
 * through the legacy MSRs, it counts and reads through the extended.
 */
static void check_amd_alias_counts(unsigned int idx, u64 loops)
{
	u64 evtsel =
		pmu_evtsel(PMU_EV_INSTRUCTIONS, PMU_EVTSEL_USR | PMU_EVTSEL_OS);
	struct pmu_wrmsr start = { MSR_K7_EVNTSEL0 + idx, evtsel };
	struct pmu_wrmsr stop = { MSR_K7_EVNTSEL0 + idx,
				  evtsel & ~PMU_EVTSEL_EN };
	struct pmu_expect expect;
	u64 tsc;

	pmu_reset();
	wrmsr(MSR_K7_PERFCTR0 + idx, 0);
	if (pmu.msr_global_ctrl)
		wrmsr(pmu.msr_global_ctrl, BIT_ULL(idx));
	tsc = pmu_loop(start, stop, loops);
	expect = pmu_loop_expect(loops, tsc);
	pmu_report_count(PMU_EV_INSTRUCTIONS, rdmsr(pmu_gp_msr(idx)), &expect,
			 "legacy PerfEvtSel%u/PerfCtr%u: extended counter %u "
			 "counts instructions",
			 idx, idx, idx);
	pmu_report_value(rdmsr(pmu_evtsel_msr(idx)), stop.value,
			 "legacy PerfEvtSel%u's value reads through "
			 "extended PerfEvtSel%u",
			 idx, idx);
	pmu_reset();
}

/*
 * AMD: HostOnly and GuestOnly both set count as neither does, in host
 * and guest alike (either alone depends on EFER.SVME and is not
 * checked).
 */
static void check_amd_host_guest(u64 loops)
{
	struct pmu_wrmsr start, stop;
	struct pmu_expect expect;
	u64 tsc;

	pmu_reset();
	pmu_gp_arm(0,
		   pmu_evtsel(PMU_EV_INSTRUCTIONS,
			      PMU_EVTSEL_USR | PMU_EVTSEL_OS |
				      PMU_AMD_EVTSEL_GUESTONLY |
				      PMU_AMD_EVTSEL_HOSTONLY),
		   &start, &stop);
	tsc = pmu_loop(start, stop, loops);
	expect = pmu_loop_expect(loops, tsc);
	pmu_report_count(PMU_EV_INSTRUCTIONS, rdmsr(pmu_gp_msr(0)), &expect,
			 "counter 0 with HostOnly and GuestOnly both set "
			 "counts instructions");
	pmu_reset();
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
		/* AMD: only the events the suite knows AMD's select of. */
		if (pmu.amd && !pmu_events[ev].amd_event)
			continue;
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
	if (pmu.amd_core)
		for (unsigned int i = 0; i < MIN(pmu.nr_gp, PMU_AMD_LEGACY_GP);
		     i++)
			check_amd_alias_counts(i, loops);
	if (pmu.amd)
		check_amd_host_guest(loops);
	for (unsigned int i = 0; i < PMU_MAX_FIXED; i++)
		if (pmu_fixed_exists(i))
			check_fixed(i, loops);
	pmu_reset();
}
DEFINE_TEST(test_counters, "pmu.counters");
