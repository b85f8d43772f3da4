// SPDX-License-Identifier: GPL-2.0-only
/* selftest.usermode: usermode_call() really runs code at CPL3. */
#include "alloc.h"
#include "apic.h"
#include "desc.h"
#include "exceptions.h"
#include "percpu.h"
#include "processor.h"
#include "report.h"
#include "test.h"
#include "usermode.h"

#define USER_TIMER_VECTOR 0x51
/* Long enough to be sure to fire after the switch to CPL3: 10 ms. */
#define USER_TIMER_COUNT  10000000

static u64 interrupted_cs;

static u64 user_compute(u64 arg)
{
	return arg * 3 + 1;
}

static u64 user_cs(u64 unused)
{
	(void)unused;
	return read_cs();
}

static u64 user_ss(u64 unused)
{
	(void)unused;
	return read_ss();
}

static u64 user_rsp(u64 unused)
{
	u64 rsp;

	(void)unused;
	asm volatile("mov %%rsp, %0" : "=r"(rsp));
	return rsp;
}

static u64 user_hlt(u64 unused)
{
	(void)unused;
	return (u64)asm_safe("hlt");
}

static u64 user_wait_interrupt(u64 unused)
{
	u64 deadline = rdtsc() + TSC_CYCLES_LONG;

	(void)unused;
	while (!READ_ONCE(interrupted_cs) && !tsc_passed(deadline))
		cpu_relax();
	return READ_ONCE(interrupted_cs) != 0;
}

static void user_timer_interrupt(struct ex_regs *regs)
{
	WRITE_ONCE(interrupted_cs, regs->cs);
	apic_eoi();
}

static void check_interrupt_at_cpl3(void)
{
	u64 arrived;

	interrupted_cs = 0;
	irq_set_handler(USER_TIMER_VECTOR, user_timer_interrupt);
	apic_timer_start(USER_TIMER_VECTOR, APIC_LVT_TIMER_ONESHOT,
			 USER_TIMER_COUNT);
	irq_enable();
	arrived = usermode_call(user_wait_interrupt, 0);
	irq_disable();
	apic_timer_stop();
	irq_set_handler(USER_TIMER_VECTOR, NULL);
	report(arrived && interrupted_cs == GDT_USER_CS,
	       "an interrupt at CPL3 is handled and returns to CPL3");
}

static void test_usermode(void)
{
	u64 rsp, top;

	report(usermode_call(user_compute, 14) == 43,
	       "the CPL3 function's return value comes back");
	/*
	 * RPLs, not whole selectors: KVM on the project's hosts shows CPL3
	 * code its own user selectors (0x33, 0x2b), though interrupt
	 * frames carry the guest's.
	 */
	report((usermode_call(user_cs, 0) & 3) == 3, "code runs with CS.RPL 3");
	report((usermode_call(user_ss, 0) & 3) == 3, "and with SS.RPL 3");
	rsp = usermode_call(user_rsp, 0);
	top = (uintptr_t)this_cpu()->user_stack_top;
	report(rsp < top && rsp > top - PAGE_SIZE,
	       "the function runs on the user stack");
	report((read_cs() & 3) == 0, "the caller is back at CPL0");
	report(usermode_call(user_hlt, 0) == GP_VECTOR,
	       "hlt at CPL3 raises #GP");
	check_interrupt_at_cpl3();
}
DEFINE_TEST(test_usermode, "selftest.usermode");
