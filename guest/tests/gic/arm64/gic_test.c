// SPDX-License-Identifier: GPL-2.0-only
/* Helpers of the gic.* tests: delivery log, IRQ windows, other CPUs. */
#include "arch.h"
#include "gic_test.h"
#include "on_cpu.h"
#include "processor.h"
#include "report.h"
#include "string.h"
#include "timer.h"

struct irq_log irq_log[LOG_CPUS];

static struct gic_stats stats_at_begin[LOG_CPUS];
static bool handled[GIC_MAX_INTID];
static bool listening[LOG_CPUS];
static bool stop_listening[LOG_CPUS];

void log_irq(struct gic_irq *irq)
{
	unsigned int cpu = smp_processor_id();

	if (cpu >= LOG_CPUS)
		return;
	irq_log[cpu].source[irq->intid] = irq->source_cpu;
	__atomic_add_fetch(&irq_log[cpu].count[irq->intid], 1,
			   __ATOMIC_RELEASE);
}

void handle_irqs_of(unsigned int intid, gic_handler_t handler)
{
	handled[intid] = true;
	gic_set_handler(intid, handler);
}

void log_irqs_of(unsigned int intid)
{
	handle_irqs_of(intid, log_irq);
}

unsigned int delivered(unsigned int cpu, unsigned int intid)
{
	return __atomic_load_n(&irq_log[cpu].count[intid], __ATOMIC_ACQUIRE);
}

void log_clear(void)
{
	memset(irq_log, 0, sizeof(irq_log));
	for (unsigned int cpu = 0; cpu < LOG_CPUS; cpu++) {
		for (unsigned int intid = 0; intid < GIC_MAX_INTID; intid++)
			irq_log[cpu].source[intid] = -1;
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

bool gic_test_begin(void)
{
	if (!gic_version()) {
		report(false, "no GIC driver: %s", gic_unavailable());
		return false;
	}
	log_clear();
	for (unsigned int cpu = 0; cpu < LOG_CPUS; cpu++)
		gic_get_stats(cpu, &stats_at_begin[cpu]);
	return true;
}

/* What the tests change, back to gic_init()'s state, on one CPU. */
static void reset_cpu(void *arg)
{
	(void)arg;
	gic_reset_irqs(0, GIC_FIRST_SPI);
	gic_set_pmr(GIC_PRIORITY_IDLE);
	gic_set_eoimode(false);
	gic_cpu_enable(true);
	timer_set(0, 0);
}

void gic_test_end(void)
{
	unsigned int spurious = 0, unhandled = 0, last = 0;
	struct gic_stats now;

	for (unsigned int cpu = 0; cpu < smp_nr_cpus(); cpu++)
		on_cpu(cpu, reset_cpu, NULL);
	for (unsigned int n = 0; n < NR_TEST_SPIS; n++) {
		unsigned int spi = free_spi(n);

		gic_irq_disable(spi);
		gic_irq_clear_pending(spi);
		gic_irq_clear_active(spi);
		gic_irq_set_priority(spi, GIC_PRIORITY_DEFAULT);
		gic_irq_set_level(spi, false);
		gic_spi_route(spi, 0);
	}
	for (unsigned int intid = 0; intid < GIC_MAX_INTID; intid++) {
		if (handled[intid])
			gic_set_handler(intid, NULL);
		handled[intid] = false;
	}
	for (unsigned int cpu = 0; cpu < LOG_CPUS; cpu++) {
		gic_get_stats(cpu, &now);
		spurious += now.spurious - stats_at_begin[cpu].spurious;
		if (now.unhandled != stats_at_begin[cpu].unhandled) {
			unhandled +=
				now.unhandled - stats_at_begin[cpu].unhandled;
			last = now.last_unhandled;
		}
	}
	if (unhandled)
		report(false,
		       "%u interrupts without a handler (the last INTID %u), "
		       "%u spurious",
		       unhandled, last, spurious);
	else
		report(!spurious, "no spurious or unexpected interrupt (%u)",
		       spurious);
}

bool wait_count(const unsigned int *counter, unsigned int want, unsigned int ms)
{
	u64 deadline = timer_count() + (u64)ms * timer_frequency() / 1000;

	while (__atomic_load_n(counter, __ATOMIC_ACQUIRE) < want) {
		if (timer_count() > deadline)
			return false;
		cpu_relax();
	}
	return true;
}

bool irq_wait(const unsigned int *counter, unsigned int want)
{
	bool arrived;

	irq_enable();
	arrived = wait_count(counter, want, ARRIVAL_MS);
	timer_udelay(SETTLE_MS * 1000);
	irq_disable();
	return arrived;
}

void irq_window(unsigned int ms)
{
	irq_enable();
	timer_udelay(ms * 1000);
	irq_disable();
}

static void listen(void *arg)
{
	bool *stop = arg;

	irq_enable();
	while (!__atomic_load_n(stop, __ATOMIC_ACQUIRE))
		cpu_relax();
	irq_disable();
}

bool listen_start(unsigned int cpu)
{
	stop_listening[cpu] = false;
	listening[cpu] = !on_cpu_async(cpu, listen, &stop_listening[cpu]);
	return listening[cpu];
}

void listen_stop(unsigned int cpu)
{
	if (!listening[cpu])
		return;
	__atomic_store_n(&stop_listening[cpu], true, __ATOMIC_RELEASE);
	on_cpu_wait(cpu);
	listening[cpu] = false;
}

unsigned int free_spi(unsigned int n)
{
	return gic_nr_irqs() - 1 - n;
}

bool need_cpus(unsigned int n, const char *what)
{
	unsigned int online = MIN(smp_nr_online(), LOG_CPUS);

	if (online >= n)
		return true;
	report_skip("%s: needs %u CPUs online, %u are", what, n, online);
	return false;
}

bool gic_qemu_gicv3(void)
{
	return gic_version() == 3 &&
	       readl(gic_dist_base() + GICD_IIDR) == GIC_IIDR_IMPLEMENTER_ARM;
}

bool gic_kvm_vgic(void)
{
	return (readl(gic_dist_base() + GICD_IIDR) &
		(GIC_IIDR_PRODUCT | GIC_IIDR_IMPLEMENTER)) == GIC_IIDR_KVM;
}
