// SPDX-License-Identifier: GPL-2.0-only
/* selftest.timer: the virtual counter runs and CNTV reports expiry. */
#include "processor.h"
#include "report.h"
#include "test.h"
#include "timer.h"

/* Interrupt delivery needs the GIC (the gic group); here it stays masked. */
#define TIMER_CTL_POLLED (CNTV_CTL_ENABLE | CNTV_CTL_IMASK)

/*
 * ISTATUS is architecturally live, but QEMU TCG only updates it when its
 * own host timer fires, which a busy host delays: poll a while.
 */
static bool istatus_within(u64 ticks)
{
	u64 deadline = timer_count() + ticks;

	while (!(timer_ctl() & CNTV_CTL_ISTATUS)) {
		if (timer_count() > deadline)
			return false;
		cpu_relax();
	}
	return true;
}

static void test_timer(void)
{
	u64 freq = timer_frequency(), start, ms = freq / 1000;
	s64 tval;

	report(freq > 0, "CNTFRQ_EL0 is set (%lu Hz)", freq);
	if (!freq)
		return;
	start = timer_count();
	timer_udelay(1000);
	report(timer_count() - start >= ms,
	       "the virtual counter advances across a 1 ms delay");

	timer_set(timer_count() + 1000 * ms, TIMER_CTL_POLLED);
	report(!(timer_ctl() & CNTV_CTL_ISTATUS),
	       "a compare value 1 s ahead is not yet met");
	tval = (s32)read_sysreg(cntv_tval_el0);
	report(tval > 0 && (u64)tval <= 1000 * ms,
	       "TVAL counts down from at most 1 s (%ld ticks)", tval);

	timer_set(timer_count() + ms, TIMER_CTL_POLLED);
	timer_udelay(2000);
	report(istatus_within(1000 * ms),
	       "ISTATUS is set once the count passes the compare value");
	tval = (s32)read_sysreg(cntv_tval_el0);
	report(tval < 0, "TVAL is negative after expiry (%ld ticks)", tval);
	timer_set(0, 0);
}
DEFINE_TEST(test_timer, "selftest.timer");
