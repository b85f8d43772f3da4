// SPDX-License-Identifier: GPL-2.0-only
/* gic.active: active state, ISACTIVER/ICACTIVER, EOImode 0 and 1. */
#include "arch.h"
#include "gic_test.h"
#include "report.h"
#include "test.h"

#define PRIO_FIRST  0x80
#define PRIO_SECOND 0xa0

static unsigned int spi, spi2;

static void prepare(unsigned int intid, u8 priority)
{
	log_irqs_of(intid);
	gic_irq_set_level(intid, false);
	gic_spi_route(intid, 0);
	gic_irq_set_priority(intid, priority);
	gic_irq_enable(intid);
}

static void check_acknowledge(void)
{
	u32 iar;

	gic_irq_set_pending(spi);
	iar = gic_ack();
	report(gic_iar_intid(iar) == spi, "IAR acknowledges SPI %u (%u)", spi,
	       gic_iar_intid(iar));
	report(gic_irq_active(spi) && !gic_irq_pending(spi),
	       "acknowledged, it reads active and no longer pending");
	report(gic_rpr() == PRIO_FIRST, "RPR is its priority 0x%02x (0x%02x)",
	       PRIO_FIRST, gic_rpr());
	gic_eoi(iar);
	report(!gic_irq_active(spi) && gic_rpr() == GIC_PRIORITY_IDLE,
	       "EOImode 0: EOIR deactivates it and drops the running priority");
}

static void check_active_registers(void)
{
	log_clear();
	gic_irq_set_active(spi);
	report(gic_irq_active(spi), "ISACTIVER makes an idle SPI active");
	gic_irq_set_pending(spi);
	irq_window(SETTLE_MS);
	report(!delivered(0, spi) && gic_irq_active(spi) &&
		       gic_irq_pending(spi),
	       "made pending while active, it is active and pending, and not "
	       "delivered");
	gic_irq_clear_active(spi);
	report(!gic_irq_active(spi), "ICACTIVER clears the active state");
	irq_wait(&irq_log[0].count[spi], 1);
	report(delivered(0, spi) == 1,
	       "then the pending copy is delivered, once (%u)",
	       delivered(0, spi));
}

static void check_split_eoi(void)
{
	u32 iar;

	log_clear();
	gic_set_eoimode(true);
	report(gic_eoimode(), "EOImode reads back 1");
	gic_irq_set_pending(spi);
	iar = gic_ack();
	gic_eoi(iar);
	report(gic_iar_intid(iar) == spi && gic_irq_active(spi) &&
		       gic_rpr() == GIC_PRIORITY_IDLE,
	       "EOImode 1: EOIR drops the priority, SPI %u stays active", spi);
	gic_irq_set_pending(spi);
	gic_irq_set_pending(spi2);
	irq_wait(&irq_log[0].count[spi2], 1);
	report(delivered(0, spi2) == 1 && !delivered(0, spi),
	       "after the drop a lower-priority SPI is taken, the still active "
	       "one is not (%u, %u)",
	       delivered(0, spi2), delivered(0, spi));
	gic_dir(iar);
	report(!gic_irq_active(spi) && gic_irq_pending(spi),
	       "DIR deactivates it, leaving the pending copy");
	irq_wait(&irq_log[0].count[spi], 1);
	report(delivered(0, spi) == 1 && !gic_irq_active(spi),
	       "and its pending copy is delivered once, ended with EOIR and "
	       "DIR (%u)",
	       delivered(0, spi));
	gic_set_eoimode(false);
	report(!gic_eoimode(), "EOImode reads back 0");
}

static void test_active(void)
{
	if (!gic_test_begin())
		return;
	report_prefix_pushf("GICv%u", gic_version());
	spi = free_spi(0);
	spi2 = free_spi(1);
	prepare(spi, PRIO_FIRST);
	prepare(spi2, PRIO_SECOND);
	check_acknowledge();
	check_active_registers();
	check_split_eoi();
	gic_test_end();
	report_prefix_pop();
}
DEFINE_TEST(test_active, "gic.active");
