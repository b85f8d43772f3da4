// SPDX-License-Identifier: GPL-2.0-only
/* pmu.cpl: USR and OS filtering with code run at CPL3 and at CPL0. */
#include "pmu.h"
#include "processor.h"
#include "report.h"
#include "test.h"
#include "usermode.h"

/*
 * usermode_call() reaches the function through three CPL3 instructions
 * of its trampoline (ring3.S: mov, mov, call) and leaves through a ud2
 * that faults, so does not retire.  The IRETQ into CPL3 executes at
 * CPL0.
 */
#define TRAMPOLINE_INSNS    3
#define TRAMPOLINE_BRANCHES 1

/* loops x { nop; dec; jnz }, ret: 3 * loops + 1 instructions. */
u64 user_loop(u64 loops);
asm(".pushsection .text\n"
    ".type user_loop, @function\n"
    "user_loop:\n\t"
    "1: nop\n\t"
    "dec %rdi\n\t"
    "jnz 1b\n\t"
    "ret\n"
    ".size user_loop, . - user_loop\n"
    ".popsection");

static struct pmu_expect user_expect(u64 loops)
{
	return (struct pmu_expect){
		.insns = 3 * loops + 1 + TRAMPOLINE_INSNS,
		.insns_floor = 3 * loops + 1,
		.branches = loops + 1 + TRAMPOLINE_BRANCHES,
		.branches_floor = loops + 1,
	};
}

static void arm(struct pmu_counter c, enum pmu_event ev, bool usr, bool os,
		struct pmu_wrmsr *start, struct pmu_wrmsr *stop)
{
	wrmsr(pmu_counter_msr(c), 0);
	if (c.fixed)
		pmu_fixed_arm(c.idx,
			      (usr ? PMU_FIXED_USR : 0) |
				      (os ? PMU_FIXED_OS : 0),
			      start, stop);
	else
		pmu_gp_arm(c.idx,
			   pmu_evtsel(ev, (usr ? PMU_EVTSEL_USR : 0) |
						  (os ? PMU_EVTSEL_OS : 0)),
			   start, stop);
}

/* Counts ev with c over user_loop(loops) at CPL3; CPL0 code around it. */
static u64 count_cpl3(struct pmu_counter c, enum pmu_event ev, bool usr,
		      bool os, u64 loops)
{
	struct pmu_wrmsr start, stop;
	u64 count;

	arm(c, ev, usr, os, &start, &stop);
	wrmsr(start.msr, start.value);
	usermode_call(user_loop, loops);
	wrmsr(stop.msr, stop.value);
	count = rdmsr(pmu_counter_msr(c));
	pmu_reset();
	return count;
}

/* Counts ev with c over the measured loop at CPL0. */
static u64 count_cpl0(struct pmu_counter c, enum pmu_event ev, bool usr,
		      bool os, u64 loops, struct pmu_expect *expect)
{
	struct pmu_wrmsr start, stop;
	u64 count, tsc;

	arm(c, ev, usr, os, &start, &stop);
	tsc = pmu_loop(start, stop, loops);
	*expect = pmu_loop_expect(loops, tsc);
	count = rdmsr(pmu_counter_msr(c));
	pmu_reset();
	return count;
}

static void check_counter(struct pmu_counter c, enum pmu_event ev, u64 loops)
{
	const char *kind = pmu_counter_kind(c), *name = pmu_events[ev].name;
	struct pmu_expect expect = user_expect(loops);
	u64 count, once, twice;

	count = count_cpl3(c, ev, true, false, loops);
	if (pmu_user_unstepped())
		report_xfail(true, pmu_count_ok(ev, count, &expect),
			     "%s counter %u, USR only: counts the %s of CPL3 "
			     "code (got %lu; emulated vPMU: this KVM does not "
			     "single-step CPL3 code, so it goes uncounted)",
			     kind, c.idx, name, count);
	else
		pmu_report_count(ev, count, &expect,
				 "%s counter %u, USR only: counts the %s of "
				 "CPL3 code",
				 kind, c.idx, name);

	/*
	 * OS only: the CPL0 path into and out of CPL3 is counted, the CPL3
	 * loop is not, so doubling the loop must not change the count
	 * (interrupts are off: the CPL0 path is the same every time).
	 */
	once = count_cpl3(c, ev, false, true, loops);
	twice = count_cpl3(c, ev, false, true, 2 * loops);
	if (once == twice)
		report(true,
		       "%s counter %u, OS only: does not count the %s of "
		       "CPL3 code",
		       kind, c.idx, name);
	else
		report(false,
		       "%s counter %u, OS only: does not count the %s of "
		       "CPL3 code, got %lu for %lu loops and %lu for %lu",
		       kind, c.idx, name, once, loops, twice, 2 * loops);

	pmu_report_value(count_cpl0(c, ev, true, false, loops, &expect), 0,
			 "%s counter %u, USR only: counts no %s of CPL0 code",
			 kind, c.idx, name);
	pmu_report_count(ev, count_cpl0(c, ev, false, true, loops, &expect),
			 &expect,
			 "%s counter %u, OS only: counts the %s of CPL0 code",
			 kind, c.idx, name);
}

static void check_instructions(struct pmu_counter c, u64 loops)
{
	if (pmu_counter_event(c) == PMU_EV_INSTRUCTIONS)
		check_counter(c, PMU_EV_INSTRUCTIONS, loops);
}

static void test_cpl(void)
{
	u64 loops = pmu_loops();

	if (!pmu_require())
		return;
	if (pmu_event_available(PMU_EV_INSTRUCTIONS))
		pmu_for_each_counter(check_instructions, loops);
	else if (pmu_fixed_exists(0))
		check_instructions((struct pmu_counter){ true, 0 }, loops);
	if (pmu_event_available(PMU_EV_BRANCHES))
		check_counter((struct pmu_counter){ false, 0 }, PMU_EV_BRANCHES,
			      loops);
	else
		report_skip("branches: unavailable (CPUID.0AH:EBX bit 5)");
	pmu_reset();
}
DEFINE_TEST(test_cpl, "pmu.cpl");
