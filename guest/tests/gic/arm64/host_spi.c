// SPDX-License-Identifier: GPL-2.0-only
/* gic.host_spi: SPIs whose line the host drives (host-control channel). */
#include "gic_test.h"
#include "hostctl.h"
#include "hvcheck_abi.h"
#include "report.h"
#include "test.h"

#define HELD_DELIVERIES 3

static unsigned int spi;

/* The host keeps the line high until the handler's HELD_DELIVERIES-th run. */
static void held_line_handler(struct gic_irq *irq)
{
	if (delivered(0, irq->intid) + 1 >= HELD_DELIVERIES)
		hostctl_write(HV_HOSTCTL_SPI_DEASSERT, irq->intid);
	log_irq(irq);
}

static void configure(bool level)
{
	gic_irq_disable(spi);
	gic_irq_set_level(spi, level);
	gic_spi_route(spi, 0);
	gic_irq_enable(spi);
	log_clear();
}

static void check_edge(void)
{
	configure(false);
	handle_irqs_of(spi, log_irq);
	hostctl_write(HV_HOSTCTL_SPI_PULSE, spi);
	irq_wait(&irq_log[0].count[spi], 1);
	report(delivered(0, spi) == 1,
	       "an edge the host pulses on SPI %u is delivered once (%u)", spi,
	       delivered(0, spi));
}

static void check_level(void)
{
	configure(true);
	gic_irq_disable(spi);
	hostctl_write(HV_HOSTCTL_SPI_ASSERT, spi);
	report(gic_irq_pending(spi),
	       "a disabled level SPI reads pending while the host holds its "
	       "line high");
	hostctl_write(HV_HOSTCTL_SPI_DEASSERT, spi);
	report(!gic_irq_pending(spi), "and not pending once the line drops");

	handle_irqs_of(spi, held_line_handler);
	gic_irq_enable(spi);
	hostctl_write(HV_HOSTCTL_SPI_ASSERT, spi);
	irq_wait(&irq_log[0].count[spi], HELD_DELIVERIES);
	report(delivered(0, spi) == HELD_DELIVERIES,
	       "a level SPI the host holds high is re-presented after each "
	       "EOI and stops once the line drops (%u deliveries, %u "
	       "expected)",
	       delivered(0, spi), HELD_DELIVERIES);
}

static void test_host_spi(void)
{
	const char *absent;
	char why[128];

	if (!gic_test_begin())
		return;
	report_prefix_pushf("GICv%u", gic_version());
	/* Only the SKIP line, so that the whole test reads as skipped. */
	absent =
		hostctl_probe(HV_HOSTCTL_F_SPI, "drive SPIs", why, sizeof(why));
	if (absent) {
		report_skip("host-asserted SPIs: %s", absent);
		report_prefix_pop();
		return;
	}
	spi = free_spi(0);
	check_edge();
	check_level();
	gic_test_end();
	report_prefix_pop();
}
DEFINE_TEST(test_host_spi, "gic.host_spi");
