// SPDX-License-Identifier: GPL-2.0-only
/* gic.ppi: the virtual timer, a level-sensitive PPI, through the GIC. */
#include "arch.h"
#include "gic_test.h"
#include "on_cpu.h"
#include "report.h"
#include "test.h"
#include "timer.h"

#define HELD_DELIVERIES 5

static unsigned int ppi;
/* The handler lowers the timer's line (IMASK) at this delivery. */
static unsigned int drop_at;
static bool istatus_seen[LOG_CPUS];

static void timer_handler(struct gic_irq *irq)
{
	unsigned int cpu = smp_processor_id();

	if (cpu < LOG_CPUS && (timer_ctl() & CNTV_CTL_ISTATUS))
		istatus_seen[cpu] = true;
	if (cpu < LOG_CPUS && delivered(cpu, irq->intid) + 1 >= drop_at)
		timer_set(0, CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
	log_irq(irq);
}

/* The line rises when the count reaches cval and the timer is unmasked. */
static void raise_line_in(u64 us)
{
	timer_set(timer_count() + us * timer_frequency() / 1000000,
		  CNTV_CTL_ENABLE);
}

static void check_wiring(void)
{
	unsigned int from_dt = timer_virt_intid();

	report(from_dt >= GIC_FIRST_PPI && from_dt < GIC_FIRST_SPI,
	       "the device tree names the virtual timer's PPI (INTID %u)",
	       from_dt);
	ppi = from_dt ?: TIMER_VIRT_INTID_DEFAULT;
	gic_irq_set_level(ppi, true);
	report(gic_irq_is_level(ppi),
	       "the timer PPI is configured level-sensitive");
}

static void check_one_shot(void)
{
	log_clear();
	drop_at = 1;
	gic_irq_enable(ppi);
	raise_line_in(1000);
	report(irq_wait(&irq_log[0].count[ppi], 1) && delivered(0, ppi) == 1,
	       "a one-shot timer interrupt arrives once (%u)",
	       delivered(0, ppi));
	report(istatus_seen[0], "the handler saw CNTV_CTL.ISTATUS set");
}

static void check_level_held(void)
{
	log_clear();
	drop_at = HELD_DELIVERIES;
	gic_irq_enable(ppi);
	raise_line_in(0);
	irq_wait(&irq_log[0].count[ppi], HELD_DELIVERIES);
	report(delivered(0, ppi) == HELD_DELIVERIES,
	       "the line held high is re-presented after each EOI, and "
	       "stops once it drops: %u deliveries, the line dropped at "
	       "delivery %u",
	       delivered(0, ppi), HELD_DELIVERIES);
	timer_set(0, 0);
}

static void check_pending_follows_line(void)
{
	bool pending_high, pending_low;

	log_clear();
	drop_at = 1;
	gic_irq_disable(ppi);
	raise_line_in(0);
	timer_udelay(SETTLE_MS * 1000);
	pending_high = gic_irq_pending(ppi);
	irq_window(SETTLE_MS);
	report(pending_high && !delivered(0, ppi),
	       "a disabled PPI whose line is high reads pending and is not "
	       "delivered");
	gic_irq_enable(ppi);
	irq_wait(&irq_log[0].count[ppi], 1);
	report(delivered(0, ppi) == 1, "enabled, it is delivered once (%u)",
	       delivered(0, ppi));

	gic_irq_disable(ppi);
	raise_line_in(0);
	timer_udelay(SETTLE_MS * 1000);
	timer_set(0, CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
	pending_low = gic_irq_pending(ppi);
	report(!pending_low,
	       "its pending state goes when the line drops unacknowledged");
	timer_set(0, 0);
}

static void timer_on_this_cpu(void *arg)
{
	(void)arg;
	gic_irq_set_level(ppi, true);
	gic_irq_enable(ppi);
	raise_line_in(1000);
	irq_wait(&irq_log[smp_processor_id()].count[ppi], 1);
	gic_irq_disable(ppi);
	timer_set(0, 0);
}

static void check_other_cpu(void)
{
	if (!need_cpus(2, "the timer PPI of another CPU"))
		return;
	log_clear();
	drop_at = 1;
	gic_irq_enable(ppi);
	on_cpu(1, timer_on_this_cpu, NULL);
	irq_window(SETTLE_MS);
	report(delivered(1, ppi) == 1 && !delivered(0, ppi),
	       "CPU 1's timer interrupts CPU 1 only (CPU0 %u, CPU1 %u)",
	       delivered(0, ppi), delivered(1, ppi));
}

static void test_ppi(void)
{
	if (!gic_test_begin())
		return;
	report_prefix_pushf("GICv%u", gic_version());
	check_wiring();
	handle_irqs_of(ppi, timer_handler);
	check_one_shot();
	check_level_held();
	check_pending_follows_line();
	check_other_cpu();
	gic_test_end();
	report_prefix_pop();
}
DEFINE_TEST(test_ppi, "gic.ppi");
