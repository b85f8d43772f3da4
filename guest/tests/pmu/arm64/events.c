// SPDX-License-Identifier: GPL-2.0-only
/* pmu.events: exact instruction and branch counts, PMCEID against counting. */
#include "pmu_test.h"
#include "report.h"
#include "test.h"

#define LOOPS 1000

/*
 * pmu_loop(loops) is two instructions and a branch per loop plus a
 * fixed part; the difference of two lengths cancels the fixed part and
 * whatever enabling and disabling the counter costs.
 */
static void check_exact(unsigned int event, const char *name,
			unsigned int per_loop)
{
	u64 a, b, c;

	if (!need_event(event, name))
		return;
	pmu_evtyper_write(0, event);
	write_sysreg(PMCR_E, pmcr_el0);
	a = count_loop(0, LOOPS);
	b = count_loop(0, 2 * LOOPS);
	c = count_loop(0, 3 * LOOPS);
	report(b - a == per_loop * LOOPS && c - b == per_loop * LOOPS,
	       "%s counts %u per loop exactly: %lu, %lu, %lu for %u, %u, %u "
	       "loops",
	       name, per_loop, a, b, c, LOOPS, 2 * LOOPS, 3 * LOOPS);
	write_sysreg(0, pmcr_el0);
}

/* A workload that loads, stores and branches. */
static u64 workload(void)
{
	static volatile u64 data[64];
	u64 sum = 0;

	for (unsigned int i = 0; i < 64; i++) {
		data[i] = i;
		sum += data[(i * 7) % 64];
	}
	return sum;
}

/* PMCEID agrees with counting: offered events count, the others do not. */
static void check_ceid(void)
{
	static const struct {
		unsigned int event;
		const char *name;
	} events[] = {
		{ PMU_EV_L1D_CACHE, "L1D_CACHE" },
		{ PMU_EV_INST_RETIRED, "INST_RETIRED" },
		{ PMU_EV_CPU_CYCLES, "CPU_CYCLES" },
		{ PMU_EV_BR_PRED, "BR_PRED" },
		{ PMU_EV_MEM_ACCESS, "MEM_ACCESS" },
		{ PMU_EV_INST_SPEC, "INST_SPEC" },
		{ PMU_EV_BR_RETIRED, "BR_RETIRED" },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(events); i++) {
		bool offered = pmu_event_offered(events[i].event);
		u64 n;

		pmu_counter_setup(0, events[i].event, 0);
		write_sysreg(PMCR_E, pmcr_el0);
		isb();
		workload();
		write_sysreg(0, pmcr_el0);
		isb();
		n = pmu_evcntr_read(0);
		report(offered ? n > 0 : n == 0,
		       "%s (0x%x) %s PMCEID and counts %lu over a workload",
		       events[i].name, events[i].event,
		       offered ? "is in" : "is not in", n);
	}
}

/* kvm-unit-tests pmu-basic-event-count: only the preset counter overflows. */
static void check_basic(void)
{
	if (!need_counters(2, "two counters"))
		return;
	pmu_counter_setup(0, PMU_EV_CPU_CYCLES, PRE_OVERFLOW_32);
	pmu_counter_setup(1, PMU_EV_CPU_CYCLES, 0);
	write_sysreg(PMCR_E, pmcr_el0);
	isb();
	pmu_loop(LOOPS);
	write_sysreg(0, pmcr_el0);
	isb();
	report(pmu_evcntr_read(1) > 0 && read_sysreg(pmovsclr_el0) == 0x1,
	       "CPU_CYCLES on counters 0 and 1: both count, only the preset "
	       "counter 0 overflows (%lu, PMOVS 0x%lx)",
	       pmu_evcntr_read(1), read_sysreg(pmovsclr_el0));
	write_sysreg(~0ULL, pmovsclr_el0);
}

/* kvm-unit-tests pmu-mem-access: MEM_ACCESS on two counters, both wrap. */
static void check_mem_access(void)
{
	if (!need_event(PMU_EV_MEM_ACCESS, "MEM_ACCESS on two counters") ||
	    !need_counters(2, "MEM_ACCESS on two counters"))
		return;
	pmu_counter_setup(0, PMU_EV_MEM_ACCESS, PRE_OVERFLOW_32);
	pmu_counter_setup(1, PMU_EV_MEM_ACCESS, PRE_OVERFLOW_32);
	write_sysreg(PMCR_E, pmcr_el0);
	isb();
	workload();
	write_sysreg(0, pmcr_el0);
	isb();
	report(read_sysreg(pmovsclr_el0) == 0x3,
	       "MEM_ACCESS on counters 0 and 1 from 0xfffffff0: both "
	       "overflow (PMOVS 0x%lx)",
	       read_sysreg(pmovsclr_el0));
	write_sysreg(~0ULL, pmovsclr_el0);
}

/* kvm-unit-tests pmu-mem-access-reliability: its loads and margin. */
#define RELIABLE_LOADS	250
#define RELIABLE_MARGIN 100
#define RELIABLE_RUNS	100

/* RELIABLE_LOADS loads from p with PMCR = pmcr around them. */
static void load_loop(const volatile u64 *p, u64 pmcr)
{
	u64 n = RELIABLE_LOADS, tmp;

	asm volatile("	dsb	ish\n"
		     "	msr	pmcr_el0, %[pmcr]\n"
		     "	isb\n"
		     "1:	ldr	%[t], [%[p]]\n"
		     "	subs	%[n], %[n], #1\n"
		     "	b.ne	1b\n"
		     "	dsb	ish\n"
		     "	msr	pmcr_el0, xzr\n"
		     "	isb\n"
		     : [n] "+r"(n), [t] "=&r"(tmp)
		     : [p] "r"(p), [pmcr] "r"(pmcr)
		     : "cc", "memory");
}

/*
 * MEM_ACCESS (EL1 only) from RELIABLE_LOADS + RELIABLE_MARGIN short of
 * the wrap, RELIABLE_RUNS times: each run counts at least its loads and
 * never reaches the wrap.
 */
static void check_mem_reliability(bool lp)
{
	static volatile u64 word;
	u64 top = lp ? ~0ULL : ALL_SET_32;
	u64 pre = top - RELIABLE_LOADS - RELIABLE_MARGIN, min = ~0ULL, max = 0;
	bool wrapped = false;

	if (lp && !pmu_has_64bit_counters()) {
		report_skip("MEM_ACCESS reliability, 64-bit: PMCR.LP needs "
			    "PMUv3p5");
		return;
	}
	for (unsigned int i = 0; i < RELIABLE_RUNS; i++) {
		u64 c;

		pmu_reset();
		pmu_counter_setup(0, PMU_EV_MEM_ACCESS | PMEVTYPER_U, pre);
		load_loop(&word, PMCR_E | (lp ? PMCR_LP : 0));
		c = pmu_evcntr_read(0);
		wrapped = wrapped || c < pre || read_sysreg(pmovsclr_el0);
		min = MIN(min, c - pre);
		max = MAX(max, c - pre);
	}
	report(!wrapped && min >= RELIABLE_LOADS,
	       "MEM_ACCESS, %s: %u runs of %u loads from %u short of the wrap "
	       "each count at least the loads, none overflows (min %lu, max "
	       "%lu)",
	       lp ? "64-bit" : "32-bit", RELIABLE_RUNS, RELIABLE_LOADS,
	       RELIABLE_LOADS + RELIABLE_MARGIN, min, max);
}

static void test_events(void)
{
	if (!pmu_test_begin())
		return;
	check_exact(PMU_EV_INST_RETIRED, "INST_RETIRED", 2);
	check_exact(PMU_EV_BR_RETIRED, "BR_RETIRED", 1);
	pmu_reset();
	check_ceid();
	pmu_reset();
	if (need_event(PMU_EV_CPU_CYCLES, "CPU_CYCLES"))
		check_basic();
	pmu_reset();
	check_mem_access();
	if (need_event(PMU_EV_MEM_ACCESS, "MEM_ACCESS reliability")) {
		check_mem_reliability(false);
		check_mem_reliability(true);
	}
	pmu_test_end();
}
DEFINE_TEST(test_events, "pmu.events");
