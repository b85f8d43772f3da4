// SPDX-License-Identifier: GPL-2.0-only
/* gic.priority: preemption, PMR masking, running priority and HPPIR. */
#include "arch.h"
#include "gic_test.h"
#include "processor.h"
#include "report.h"
#include "test.h"

/* The top four priority bits exist on every GIC. */
#define PRIO_HIGH 0x40
#define PRIO_MID  0x80
#define PRIO_LOW  0xa0

enum {
	SGI_PMR_LOW = 1,
	SGI_PMR_MID,
	SGI_PMR_HIGH,
	SGI_OUTER,
	SGI_INNER,
	SGI_POLL_LOW,
	SGI_POLL_HIGH,
};

/* What the nesting handlers saw. */
static struct {
	bool in_outer;
	bool inner_inside_outer;
	unsigned int inner_during_outer;
	u8 rpr_outer, rpr_inner;
	u32 hppir_in_outer;
	unsigned int wait_ms; /* how long the outer handler waits */
} nest;

static void outer_handler(struct gic_irq *irq)
{
	nest.rpr_outer = gic_rpr();
	nest.in_outer = true;
	irq_enable();
	gic_send_sgi(SGI_INNER, GIC_SGI_TO_SELF, 0);
	wait_count(&irq_log[0].count[SGI_INNER], 1, nest.wait_ms);
	nest.inner_during_outer = delivered(0, SGI_INNER);
	nest.hppir_in_outer = gic_hppir();
	irq_disable();
	nest.in_outer = false;
	log_irq(irq);
}

static void inner_handler(struct gic_irq *irq)
{
	nest.rpr_inner = gic_rpr();
	nest.inner_inside_outer = nest.in_outer;
	log_irq(irq);
}

static void check_pmr(void)
{
	log_clear();
	gic_set_pmr(PRIO_MID);
	report(gic_pmr() == PRIO_MID, "PMR reads back 0x%02x (0x%02x)",
	       PRIO_MID, gic_pmr());
	gic_send_sgi(SGI_PMR_LOW, GIC_SGI_TO_SELF, 0);
	gic_send_sgi(SGI_PMR_MID, GIC_SGI_TO_SELF, 0);
	gic_send_sgi(SGI_PMR_HIGH, GIC_SGI_TO_SELF, 0);
	irq_wait(&irq_log[0].count[SGI_PMR_HIGH], 1);
	report(delivered(0, SGI_PMR_HIGH) == 1 && !delivered(0, SGI_PMR_MID) &&
		       !delivered(0, SGI_PMR_LOW),
	       "PMR 0x%02x passes priority 0x%02x, masks 0x%02x (equal) and "
	       "0x%02x (got %u, %u, %u)",
	       PRIO_MID, PRIO_HIGH, PRIO_MID, PRIO_LOW,
	       delivered(0, SGI_PMR_HIGH), delivered(0, SGI_PMR_MID),
	       delivered(0, SGI_PMR_LOW));
	report(gic_irq_pending(SGI_PMR_MID) && gic_irq_pending(SGI_PMR_LOW),
	       "the masked SGIs stay pending");
	gic_set_pmr(GIC_PRIORITY_IDLE);
	irq_wait(&irq_log[0].count[SGI_PMR_LOW], 1);
	report(delivered(0, SGI_PMR_MID) == 1 && delivered(0, SGI_PMR_LOW) == 1,
	       "opening PMR to 0xff delivers them, once each");
}

static void nest_sgis(u8 outer, u8 inner, unsigned int wait_ms)
{
	log_clear();
	nest.inner_inside_outer = false;
	nest.wait_ms = wait_ms;
	gic_irq_set_priority(SGI_OUTER, outer);
	gic_irq_set_priority(SGI_INNER, inner);
	gic_send_sgi(SGI_OUTER, GIC_SGI_TO_SELF, 0);
	irq_wait(&irq_log[0].count[SGI_INNER], 1);
}

static void check_preemption(void)
{
	nest_sgis(PRIO_LOW, PRIO_HIGH, ARRIVAL_MS);
	report(nest.inner_inside_outer && nest.inner_during_outer == 1,
	       "a higher-priority SGI preempts a lower one's handler");
	report(nest.rpr_outer == PRIO_LOW && nest.rpr_inner == PRIO_HIGH,
	       "RPR is each handler's priority: 0x%02x outer, 0x%02x nested",
	       nest.rpr_outer, nest.rpr_inner);
	report(gic_rpr() == GIC_PRIORITY_IDLE,
	       "RPR is idle again after both EOIs (0x%02x)", gic_rpr());

	nest_sgis(PRIO_HIGH, PRIO_LOW, SETTLE_MS);
	report(!nest.inner_during_outer,
	       "a lower-priority SGI does not preempt a higher one's handler");
	report(nest.hppir_in_outer == SGI_INNER,
	       "meanwhile HPPIR names it (%u)", nest.hppir_in_outer);
	report(delivered(0, SGI_INNER) == 1 && !nest.inner_inside_outer,
	       "it is taken once, after the handler's EOI (%u)",
	       delivered(0, SGI_INNER));

	nest_sgis(PRIO_MID, PRIO_MID, SETTLE_MS);
	report(!nest.inner_during_outer && delivered(0, SGI_INNER) == 1,
	       "an equal-priority SGI does not preempt; it follows the EOI");
}

static void check_polled(void)
{
	u32 high, blocked, low;

	gic_irq_set_priority(SGI_POLL_LOW, PRIO_LOW);
	gic_irq_set_priority(SGI_POLL_HIGH, PRIO_HIGH);
	gic_send_sgi(SGI_POLL_LOW, GIC_SGI_TO_SELF, 0);
	gic_send_sgi(SGI_POLL_HIGH, GIC_SGI_TO_SELF, 0);
	report(gic_hppir() == SGI_POLL_HIGH,
	       "HPPIR names the higher-priority of two pending SGIs (%u)",
	       gic_hppir());
	high = gic_ack();
	report(gic_iar_intid(high) == SGI_POLL_HIGH && gic_rpr() == PRIO_HIGH,
	       "IAR acknowledges it and RPR becomes its priority (%u, 0x%02x)",
	       gic_iar_intid(high), gic_rpr());
	report(gic_hppir() == SGI_POLL_LOW,
	       "HPPIR then names the lower one (%u)", gic_hppir());
	blocked = gic_ack();
	report(gic_iar_intid(blocked) == GIC_SPURIOUS,
	       "which IAR does not hand out while it cannot preempt (%u)",
	       gic_iar_intid(blocked));
	gic_eoi(high);
	report(gic_rpr() == GIC_PRIORITY_IDLE,
	       "EOI drops the running priority to idle (0x%02x)", gic_rpr());
	low = gic_ack();
	report(gic_iar_intid(low) == SGI_POLL_LOW && gic_rpr() == PRIO_LOW,
	       "then IAR hands out the lower one (%u, RPR 0x%02x)",
	       gic_iar_intid(low), gic_rpr());
	gic_eoi(low);
}

static void test_priority(void)
{
	if (!gic_test_begin())
		return;
	report_prefix_pushf("GICv%u", gic_version());
	for (unsigned int sgi = SGI_PMR_LOW; sgi <= SGI_POLL_HIGH; sgi++) {
		log_irqs_of(sgi);
		gic_irq_enable(sgi);
	}
	gic_irq_set_priority(SGI_PMR_LOW, PRIO_LOW);
	gic_irq_set_priority(SGI_PMR_MID, PRIO_MID);
	gic_irq_set_priority(SGI_PMR_HIGH, PRIO_HIGH);
	handle_irqs_of(SGI_OUTER, outer_handler);
	handle_irqs_of(SGI_INNER, inner_handler);
	check_pmr();
	check_preemption();
	check_polled();
	gic_test_end();
	report_prefix_pop();
}
DEFINE_TEST(test_priority, "gic.priority");
