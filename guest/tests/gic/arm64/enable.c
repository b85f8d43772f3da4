// SPDX-License-Identifier: GPL-2.0-only
/* gic.enable: disabled interrupts stay pending; distributor, CPU interface. */
#include "arch.h"
#include "gic_test.h"
#include "gicv3.h"
#include "processor.h"
#include "report.h"
#include "test.h"

#define SGI 9

static unsigned int spi;

static void check_disabled_spi(void)
{
	log_clear();
	gic_irq_disable(spi);
	report(!gic_irq_enabled(spi), "ICENABLER disables SPI %u", spi);
	gic_irq_set_pending(spi);
	irq_window(SETTLE_MS);
	report(!delivered(0, spi) && gic_irq_pending(spi),
	       "a disabled SPI made pending stays pending, undelivered");
	gic_irq_enable(spi);
	report(gic_irq_enabled(spi), "ISENABLER enables it");
	irq_wait(&irq_log[0].count[spi], 1);
	report(delivered(0, spi) == 1, "enabled, it is delivered once (%u)",
	       delivered(0, spi));
}

static void check_disabled_sgi(void)
{
	log_clear();
	gic_irq_disable(SGI);
	/* GICv2 lets SGI enable bits be RAO/WI, GICv3 does not. */
	if (gic_version() == 2 && gic_irq_enabled(SGI)) {
		report_skip(
			"disabled SGI: this GICv2's SGI enables are RAO/WI");
		return;
	}
	report(!gic_irq_enabled(SGI), "ICENABLER disables SGI %u", SGI);
	gic_send_sgi(SGI, GIC_SGI_TO_SELF, 0);
	irq_window(SETTLE_MS);
	report(!delivered(0, SGI) && gic_irq_pending(SGI),
	       "a disabled SGI stays pending, undelivered");
	gic_irq_enable(SGI);
	irq_wait(&irq_log[0].count[SGI], 1);
	report(delivered(0, SGI) == 1, "enabled, it is delivered once (%u)",
	       delivered(0, SGI));
}

/* The distributor's group enable, with affinity routing kept on v3. */
static void dist_enable(bool enable)
{
	u64 ctlr = gic_dist_base() + GICD_CTLR;

	if (gic_version() == 2) {
		writel(enable, ctlr);
		return;
	}
	writel(GICD_CTLR_ARE | (enable ? GICD_CTLR_ENABLE_GRP1 : 0), ctlr);
	while (readl(ctlr) & GICD_CTLR_RWP)
		cpu_relax();
}

static void check_distributor(void)
{
	log_clear();
	dist_enable(false);
	gic_irq_set_pending(spi);
	irq_window(SETTLE_MS);
	report(!delivered(0, spi) && gic_irq_pending(spi),
	       "with the distributor disabled a pending SPI is not forwarded");
	dist_enable(true);
	irq_wait(&irq_log[0].count[spi], 1);
	/*
	 * KVM's vGIC, v2 and v3 (Linux 6.1 in the nested bed), never
	 * delivers an SPI made pending while the distributor was off
	 * (docs/gic.md).
	 */
	report_xfail(gic_kvm_vgic(), delivered(0, spi) == 1,
		     "re-enabled, it is delivered once (%u)",
		     delivered(0, spi));
}

static void check_cpu_interface(void)
{
	u32 iar;

	log_clear();
	gic_cpu_enable(false);
	gic_send_sgi(SGI, GIC_SGI_TO_SELF, 0);
	irq_window(SETTLE_MS);
	iar = gic_ack();
	report(!delivered(0, SGI) && gic_iar_intid(iar) == GIC_SPURIOUS,
	       "with the CPU interface disabled nothing is signalled and IAR "
	       "reads 1023 (%u)",
	       gic_iar_intid(iar));
	gic_cpu_enable(true);
	irq_wait(&irq_log[0].count[SGI], 1);
	report(delivered(0, SGI) == 1,
	       "re-enabled, the pending SGI is delivered once (%u)",
	       delivered(0, SGI));
}

static void test_enable(void)
{
	if (!gic_test_begin())
		return;
	report_prefix_pushf("GICv%u", gic_version());
	spi = free_spi(0);
	log_irqs_of(spi);
	log_irqs_of(SGI);
	gic_irq_set_level(spi, false);
	gic_spi_route(spi, 0);
	gic_irq_enable(SGI);
	check_disabled_spi();
	check_disabled_sgi();
	check_distributor();
	check_cpu_interface();
	gic_test_end();
	report_prefix_pop();
}
DEFINE_TEST(test_enable, "gic.enable");
