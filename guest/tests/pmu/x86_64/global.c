// SPDX-License-Identifier: GPL-2.0-only
/* pmu.global: GLOBAL_CTRL (AMD PerfCntrGlobalCtl) gates counters; stop, rewrite. */
#include "exceptions.h"
#include "pmu.h"
#include "processor.h"
#include "report.h"
#include "test.h"

#define REWRITE_VALUE 0x100000 /* positive in 32 bits: no sign extension */

/*
 * Every GP counter counts instructions, every fixed counter its event;
 * nothing counts until GLOBAL_CTRL says so.
 */
static u64 program_all(void)
{
	u64 fixed_ctrl = 0;

	for (unsigned int i = 0; i < pmu.nr_gp; i++) {
		wrmsr(pmu_gp_msr(i), 0);
		wrmsr(pmu_evtsel_msr(i),
		      pmu_evtsel(PMU_EV_INSTRUCTIONS,
				 PMU_EVTSEL_USR | PMU_EVTSEL_OS));
	}
	for (unsigned int i = 0; i < PMU_MAX_FIXED; i++) {
		if (!pmu_fixed_exists(i))
			continue;
		wrmsr(MSR_IA32_FIXED_CTR0 + i, 0);
		fixed_ctrl |= PMU_FIXED_FIELD(i, PMU_FIXED_OS | PMU_FIXED_USR);
	}
	if (!pmu.amd)
		wrmsr(MSR_IA32_FIXED_CTR_CTRL, fixed_ctrl);
	return fixed_ctrl;
}

static void check_ctrl_and_status(void)
{
	u64 all = pmu_global_counters_mask();

	pmu_report_value(pmu.global_ctrl_at_boot, BIT_ULL(pmu.nr_gp) - 1,
			 "GLOBAL_CTRL comes out of reset with the GP counter "
			 "bits set and no other");
	wrmsr(pmu.msr_global_ctrl, all);
	pmu_report_value(rdmsr(pmu.msr_global_ctrl), all,
			 "GLOBAL_CTRL reads back every counter's bit");
	wrmsr(pmu.msr_global_ctrl, 0);
	pmu_report_value(rdmsr(pmu.msr_global_status), 0,
			 "GLOBAL_STATUS is 0 when no counter overflowed");
}

/* GLOBAL_CTRL with every counter's bit but c's: c counts nothing. */
static void check_gated(struct pmu_counter c, u64 loops)
{
	struct pmu_wrmsr start = { pmu.msr_global_ctrl,
				   pmu_global_counters_mask() &
					   ~pmu_counter_global_bit(c) };
	struct pmu_wrmsr stop = { pmu.msr_global_ctrl, 0 };
	struct pmu_counter other;
	struct pmu_expect expect;
	u64 tsc, count;

	program_all();
	tsc = pmu_loop(start, stop, loops);
	count = rdmsr(pmu_counter_msr(c));
	pmu_report_value(count, 0,
			 "%s counter %u: its GLOBAL_CTRL bit clear, it counts "
			 "nothing",
			 pmu_counter_kind(c), c.idx);
	if (!pmu_other_counter(c, &other))
		return;
	expect = pmu_loop_expect(loops, tsc);
	pmu_report_count(PMU_EV_INSTRUCTIONS, rdmsr(pmu_counter_msr(other)),
			 &expect,
			 "%s counter %u: %s counter %u counts meanwhile",
			 pmu_counter_kind(c), c.idx, pmu_counter_kind(other),
			 other.idx);
}

/* The write that clears c's own enable (PERFEVTSEL.EN, its CTRL field). */
static struct pmu_wrmsr local_disable(struct pmu_counter c, u64 fixed_ctrl)
{
	if (c.fixed)
		return (struct pmu_wrmsr){ MSR_IA32_FIXED_CTR_CTRL,
					   fixed_ctrl & ~PMU_FIXED_FIELD(c.idx,
									 0xf) };
	return (struct pmu_wrmsr){ pmu_evtsel_msr(c.idx),
				   pmu_evtsel(PMU_EV_INSTRUCTIONS,
					      PMU_EVTSEL_USR | PMU_EVTSEL_OS) &
					   ~PMU_EVTSEL_EN };
}

/*
 * Counting, then its own enable cleared mid-region: it keeps the count
 * it had (with the disabling WRMSR) and stays there while others count.
 */
static void check_stopped(struct pmu_counter c, u64 loops)
{
	enum pmu_event ev = pmu_counter_event(c);
	struct pmu_wrmsr start = { pmu.msr_global_ctrl,
				   pmu_global_counters_mask() };
	struct pmu_wrmsr stop = { pmu.msr_global_ctrl, 0 };
	struct pmu_expect expect;
	struct pmu_wrmsr mid;
	u64 tsc, count;

	mid = local_disable(c, program_all());
	tsc = pmu_loop2(start, loops, mid, loops, stop);
	count = rdmsr(pmu_counter_msr(c));
	/* The first loop is what it saw; cycles are bounded by the whole. */
	expect = pmu_loop_expect(loops, tsc);
	pmu_report_count(ev, count, &expect,
			 "%s counter %u counts until its enable bit is cleared",
			 pmu_counter_kind(c), c.idx);
	pmu_loop(start, stop, loops);
	pmu_report_value(rdmsr(pmu_counter_msr(c)), count,
			 "%s counter %u: disabled, it keeps its value",
			 pmu_counter_kind(c), c.idx);
}

/*
 * A write to a counting counter: it goes on from the written value.  By
 * the convention the writing WRMSR counts under the old value.
 */
static void check_rewritten(struct pmu_counter c, u64 loops)
{
	enum pmu_event ev = pmu_counter_event(c);
	struct pmu_wrmsr start = { pmu.msr_global_ctrl,
				   pmu_global_counters_mask() };
	struct pmu_wrmsr stop = { pmu.msr_global_ctrl, 0 };
	struct pmu_wrmsr mid = { pmu_counter_msr(c), REWRITE_VALUE };
	struct pmu_expect expect;
	u64 tsc;

	program_all();
	tsc = pmu_loop2(start, loops, mid, loops, stop);
	expect = pmu_loop_expect(loops, tsc);
	expect.insns++; /* the mov that reloads the loop count */
	pmu_report_count(ev, rdmsr(pmu_counter_msr(c)) - REWRITE_VALUE, &expect,
			 "%s counter %u: written while counting, it counts on "
			 "from the written value",
			 pmu_counter_kind(c), c.idx);
}

/*
 * Version 4 adds GLOBAL_STATUS_SET, and OVF_CTRL becomes STATUS_RESET;
 * before that MSR 0x391 does not exist.  AMD's PerfMonV2 has both,
 * PerfCntrGlobalStatusSet and PerfCntrGlobalStatusClr.
 */
static void check_status_set(struct pmu_counter c, u64 loops)
{
	u64 bit = pmu_counter_global_bit(c);
	int vector;

	(void)loops;
	/* KVM emulates AMD's StatusSet only since 2025: older ones #GP */
	vector = wrmsr_safe(pmu.msr_global_set, bit);
	pmu_report_vector(vector, EXC_NONE,
			  "%s counter %u: GLOBAL_STATUS_SET write",
			  pmu_counter_kind(c), c.idx);
	if (vector != EXC_NONE)
		return;
	pmu_report_value(rdmsr(pmu.msr_global_status), bit,
			 "%s counter %u: GLOBAL_STATUS_SET sets its status bit",
			 pmu_counter_kind(c), c.idx);
	wrmsr(pmu.msr_global_clear, bit);
	pmu_report_value(rdmsr(pmu.msr_global_status), 0,
			 "%s counter %u: GLOBAL_STATUS_RESET clears it",
			 pmu_counter_kind(c), c.idx);
}

static void test_global(void)
{
	u64 loops = pmu_loops();

	if (!pmu_require() || !pmu_require_v2())
		return;
	check_ctrl_and_status();
	if (pmu.msr_global_set)
		pmu_for_each_counter(check_status_set, loops);
	else
		pmu_report_vector(
			wrmsr_safe(MSR_IA32_PERF_GLOBAL_STATUS_SET, BIT_ULL(0)),
			GP_VECTOR,
			"GLOBAL_STATUS_SET write (version 4 and later)");
	pmu_for_each_counter(check_gated, loops);
	pmu_reset();
	pmu_for_each_counter(check_stopped, loops);
	pmu_reset();
	pmu_for_each_counter(check_rewritten, loops);
	pmu_reset();
}
DEFINE_TEST(test_global, "pmu.global");
