// SPDX-License-Identifier: GPL-2.0-only
/* selftest.timer: the local APIC timer in one-shot, periodic, masked mode. */
#include "apic.h"
#include "exceptions.h"
#include "processor.h"
#include "report.h"
#include "test.h"

#define TIMER_VECTOR   0x50
/* Divide by 1: at the usual 1 GHz APIC bus of KVM and QEMU, 1 ms. */
#define ONESHOT_COUNT  1000000
#define PERIODIC_COUNT 500000
#define PERIODS	       5

static unsigned int timer_irqs;

static void timer_interrupt(struct ex_regs *regs)
{
	(void)regs;
	WRITE_ONCE(timer_irqs, timer_irqs + 1);
	apic_eoi();
}

/* With interrupts on, waits for n timer interrupts in total. */
static bool wait_irqs(unsigned int n)
{
	u64 deadline = rdtsc() + TSC_CYCLES_LONG;
	bool ok = true;

	irq_enable();
	while (READ_ONCE(timer_irqs) < n) {
		if (tsc_passed(deadline)) {
			ok = false;
			break;
		}
		cpu_relax();
	}
	irq_disable();
	return ok;
}

/* Whether @vector waits in the IRR (interrupts are off while we look). */
static bool irq_pending(u8 vector)
{
	return apic_read(APIC_IRR + 0x10 * (vector / 32)) &
	       (1u << (vector % 32));
}

static void check_oneshot(void)
{
	u32 lvt, count;
	bool arrived, expired;

	WRITE_ONCE(timer_irqs, 0);
	apic_timer_start(TIMER_VECTOR, APIC_LVT_TIMER_ONESHOT, ONESHOT_COUNT);
	/*
	 * First, before the slower reads: on a loaded nested host 1 ms can
	 * pass before this read, and then the count has run down to 0 and
	 * the interrupt waits in the IRR, as the architecture says.
	 */
	count = apic_read(APIC_TMCCT);
	expired = !count && irq_pending(TIMER_VECTOR);
	lvt = apic_read(APIC_LVTT);
	report((lvt & (APIC_LVT_VECTOR_MASK | APIC_LVT_TIMER_MODE_MASK |
		       APIC_LVT_MASKED)) ==
		       (TIMER_VECTOR | APIC_LVT_TIMER_ONESHOT),
	       "LVT timer reads back its vector and one-shot mode");
	report((apic_read(APIC_TDCR) & 0xb) == APIC_TDCR_DIV_1,
	       "divide configuration reads back divide-by-1");
	report((count > 0 && count <= ONESHOT_COUNT) || expired,
	       "current count runs down from the initial count");

	arrived = wait_irqs(1);
	report(arrived, "one-shot interrupt arrived");
	irq_linger();
	report(arrived && READ_ONCE(timer_irqs) == 1,
	       "one-shot timer fired exactly once");
	report(apic_read(APIC_TMCCT) == 0, "current count is 0 after expiry");
}

/*
 * The current count of a running periodic timer, read until it is not
 * 0.  One read can meet the instant of a reload, and KVM reads 0 from a
 * period that has expired until its timer callback starts the next,
 * which a slow (nested) host delays; a timer that does not reload stays
 * at 0 until the deadline.
 */
static u32 periodic_count(void)
{
	u64 deadline = rdtsc() + TSC_CYCLES_LONG;
	u32 count;

	do {
		count = apic_read(APIC_TMCCT);
	} while (!count && !tsc_passed(deadline));
	return count;
}

static void check_periodic(void)
{
	unsigned int seen;
	u32 count;
	bool arrived;

	WRITE_ONCE(timer_irqs, 0);
	apic_timer_start(TIMER_VECTOR, APIC_LVT_TIMER_PERIODIC, PERIODIC_COUNT);
	report((apic_read(APIC_LVTT) & APIC_LVT_TIMER_MODE_MASK) ==
		       APIC_LVT_TIMER_PERIODIC,
	       "LVT timer reads back periodic mode");
	arrived = wait_irqs(PERIODS);
	count = periodic_count();
	report(arrived, "periodic timer fired %d times", PERIODS);
	report(count > 0 && count <= PERIODIC_COUNT,
	       "periodic current count reloads after expiry");

	apic_write(APIC_TMICT, 0);
	/* One interrupt may have been pending at the stop: let it in. */
	irq_linger();
	seen = READ_ONCE(timer_irqs);
	irq_linger();
	report(READ_ONCE(timer_irqs) == seen,
	       "writing initial count 0 stops the periodic timer");
}

static void check_masked(void)
{
	u64 deadline = rdtsc() + TSC_CYCLES_LONG;
	bool expired = false;

	WRITE_ONCE(timer_irqs, 0);
	apic_timer_start(TIMER_VECTOR, APIC_LVT_TIMER_ONESHOT | APIC_LVT_MASKED,
			 ONESHOT_COUNT / 10);
	irq_enable();
	while (!tsc_passed(deadline)) {
		if (apic_read(APIC_TMCCT) == 0) {
			expired = true;
			break;
		}
		cpu_relax();
	}
	irq_disable();
	irq_linger();
	report(expired && READ_ONCE(timer_irqs) == 0,
	       "a masked timer counts down to 0 without an interrupt");
}

static void test_timer(void)
{
	irq_set_handler(TIMER_VECTOR, timer_interrupt);
	check_oneshot();
	check_periodic();
	check_masked();
	apic_timer_stop();
	irq_set_handler(TIMER_VECTOR, NULL);
}
DEFINE_TEST(test_timer, "selftest.timer");
