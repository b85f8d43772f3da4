// SPDX-License-Identifier: GPL-2.0-only
/* gic.sgi: SGIs to self, to a list, to all others; sources; exactly once. */
#include "arch.h"
#include "gic_test.h"
#include "gicv2.h"
#include "on_cpu.h"
#include "printf.h"
#include "processor.h"
#include "report.h"
#include "test.h"

enum {
	SGI_SELF = 1,
	SGI_LIST_ONE,
	SGI_LIST_ALL,
	SGI_OTHERS,
	SGI_FROM_CPU1,
	SGI_REPEATED,
	SGI_TWO_SOURCES,
};

/* What each CPU got of sgi, as "CPU0 n, CPU1 m" text for messages. */
static const char *counts_text(unsigned int sgi, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned int cpu = 0; cpu < MIN(smp_nr_cpus(), LOG_CPUS); cpu++)
		used += snprintf(buf + used, used < size ? size - used : 0,
				 "%sCPU%u %u", cpu ? ", " : "", cpu,
				 delivered(cpu, sgi));
	return buf;
}

/* Whether every CPU got sgi exactly as often as want[cpu] says. */
static bool got_exactly(unsigned int sgi, const unsigned int *want)
{
	bool ok = true;

	for (unsigned int cpu = 0; cpu < MIN(smp_nr_cpus(), LOG_CPUS); cpu++)
		ok &= delivered(cpu, sgi) == want[cpu];
	return ok;
}

/* Sends sgi from CPU 0 while CPU 1 listens; waits for target's copy. */
static void send_and_wait(unsigned int sgi, enum gic_sgi_filter filter,
			  u64 cpus, unsigned int target)
{
	log_clear();
	listen_start(1);
	gic_send_sgi(sgi, filter, cpus);
	irq_wait(&irq_log[target].count[sgi], 1);
	listen_stop(1);
}

static void check_source(unsigned int cpu, unsigned int sgi, int want)
{
	int got = irq_log[cpu].source[sgi];

	if (gic_version() == 2)
		report(got == want,
		       "SGI %u: IAR.CPUID names the sender, CPU %d (got %d)",
		       sgi, want, got);
}

static void check_targets(void)
{
	static const unsigned int self[LOG_CPUS] = { 1 },
				  one[LOG_CPUS] = { 0, 1 },
				  all[LOG_CPUS] = { 1, 1 },
				  others[LOG_CPUS] = { 0, 1 };
	char buf[64];

	send_and_wait(SGI_SELF, GIC_SGI_TO_SELF, 0, 0);
	report(got_exactly(SGI_SELF, self),
	       "SGI to self: once to the sender only (%s)",
	       counts_text(SGI_SELF, buf, sizeof(buf)));
	check_source(0, SGI_SELF, 0);

	send_and_wait(SGI_LIST_ONE, GIC_SGI_TO_LIST, BIT(1), 1);
	report(got_exactly(SGI_LIST_ONE, one),
	       "SGI to target list {1}: once to CPU 1 only (%s)",
	       counts_text(SGI_LIST_ONE, buf, sizeof(buf)));
	check_source(1, SGI_LIST_ONE, 0);

	send_and_wait(SGI_LIST_ALL, GIC_SGI_TO_LIST, BIT(0) | BIT(1), 1);
	irq_wait(&irq_log[0].count[SGI_LIST_ALL], 1);
	report(got_exactly(SGI_LIST_ALL, all),
	       "SGI to target list {0, 1}: once to each (%s)",
	       counts_text(SGI_LIST_ALL, buf, sizeof(buf)));

	send_and_wait(SGI_OTHERS, GIC_SGI_TO_OTHERS, 0, 1);
	report(got_exactly(SGI_OTHERS, others),
	       "SGI to all but self: once to CPU 1, not to the sender (%s)",
	       counts_text(SGI_OTHERS, buf, sizeof(buf)));
	check_source(1, SGI_OTHERS, 0);
}

static void send_to_cpu0(void *arg)
{
	gic_send_sgi((unsigned int)(uintptr_t)arg, GIC_SGI_TO_LIST, BIT(0));
}

static void check_from_other_cpu(void)
{
	static const unsigned int to0[LOG_CPUS] = { 1 };
	char buf[64];

	/* CPU 0 has IRQs masked meanwhile: the SGI waits pending for it. */
	log_clear();
	on_cpu(1, send_to_cpu0, (void *)SGI_FROM_CPU1);
	irq_wait(&irq_log[0].count[SGI_FROM_CPU1], 1);
	report(got_exactly(SGI_FROM_CPU1, to0),
	       "SGI from CPU 1 to CPU 0: once to CPU 0 (%s)",
	       counts_text(SGI_FROM_CPU1, buf, sizeof(buf)));
	check_source(0, SGI_FROM_CPU1, 1);
}

static void check_every_sgi(void)
{
	unsigned int total = 0, once = 0;

	log_clear();
	for (unsigned int sgi = 0; sgi < GIC_NR_SGIS; sgi++)
		gic_send_sgi(sgi, GIC_SGI_TO_SELF, 0);
	/* Deliveries of all 16 sum up in one counter: wait on the last. */
	irq_wait(&irq_log[0].count[GIC_NR_SGIS - 1], 1);
	for (unsigned int sgi = 0; sgi < GIC_NR_SGIS; sgi++) {
		total += delivered(0, sgi);
		once += delivered(0, sgi) == 1;
	}
	report(once == GIC_NR_SGIS,
	       "each of the 16 SGIs sent to self arrives once (%u of 16, %u "
	       "deliveries)",
	       once, total);
}

static void check_repeated(void)
{
	/* Sent three times before IRQs are unmasked: one pending state. */
	log_clear();
	for (unsigned int i = 0; i < 3; i++)
		gic_send_sgi(SGI_REPEATED, GIC_SGI_TO_SELF, 0);
	report(gic_irq_pending(SGI_REPEATED),
	       "an SGI sent with IRQs masked reads pending");
	irq_wait(&irq_log[0].count[SGI_REPEATED], 1);
	report(delivered(0, SGI_REPEATED) == 1,
	       "sent three times while pending, it is delivered once (%u)",
	       delivered(0, SGI_REPEATED));
	report(!gic_irq_pending(SGI_REPEATED) && !gic_irq_active(SGI_REPEATED),
	       "after its handler it is neither pending nor active");
}

static void read_own_mask(void *arg)
{
	*(u8 *)arg = readb(gic_dist_base() + GICD_ITARGETSR);
}

/* GICv2 keeps one pending bit per SGI and source CPU. */
static void check_per_source_pending(void)
{
	u64 spend = gic_dist_base() + GICD_SPENDSGIR + SGI_TWO_SOURCES;
	u64 cpend = gic_dist_base() + GICD_CPENDSGIR + SGI_TWO_SOURCES;
	u8 sources, mask[2];
	int first, second;
	u32 iar1, iar2;

	if (gic_version() != 2)
		return;
	for (unsigned int cpu = 0; cpu < 2; cpu++)
		on_cpu(cpu, read_own_mask, &mask[cpu]);
	gic_send_sgi(SGI_TWO_SOURCES, GIC_SGI_TO_SELF, 0);
	on_cpu(1, send_to_cpu0, (void *)SGI_TWO_SOURCES);
	sources = readb(spend);
	report(sources == (mask[0] | mask[1]),
	       "SPENDSGIR: SGI %u pending from CPUs 0 and 1 (0x%02x)",
	       SGI_TWO_SOURCES, sources);

	iar1 = gic_ack();
	iar2 = gic_ack();
	report(gic_iar_intid(iar1) == SGI_TWO_SOURCES &&
		       gic_iar_intid(iar2) == GIC_SPURIOUS,
	       "the second source's copy waits for the first's EOI (IAR 0x%x, "
	       "then 0x%x)",
	       iar1, iar2);
	gic_eoi(iar1);
	iar2 = gic_ack();
	first = gic_iar_source(iar1);
	second = gic_iar_source(iar2);
	report(gic_iar_intid(iar2) == SGI_TWO_SOURCES && first >= 0 &&
		       second >= 0 && first != second,
	       "the two acknowledges of SGI %u name both sources (CPU %d, "
	       "CPU %d)",
	       SGI_TWO_SOURCES, first, second);
	gic_eoi(iar2);

	on_cpu(1, send_to_cpu0, (void *)SGI_TWO_SOURCES);
	sources = readb(spend);
	writeb(mask[1], cpend);
	report(sources == mask[1] && !readb(spend) &&
		       gic_iar_intid(gic_ack()) == GIC_SPURIOUS,
	       "CPENDSGIR clears CPU 1's pending bit (0x%02x, then 0x%02x)",
	       sources, readb(spend));
}

static void enable_sgis(void *arg)
{
	(void)arg;
	for (unsigned int sgi = 0; sgi < GIC_NR_SGIS; sgi++)
		gic_irq_enable(sgi);
}

static void test_sgi(void)
{
	if (!gic_test_begin())
		return;
	report_prefix_pushf("GICv%u", gic_version());
	for (unsigned int sgi = 0; sgi < GIC_NR_SGIS; sgi++)
		log_irqs_of(sgi);
	for (unsigned int cpu = 0; cpu < smp_nr_cpus(); cpu++)
		on_cpu(cpu, enable_sgis, NULL);
	check_every_sgi();
	check_repeated();
	if (need_cpus(2, "SGIs between CPUs")) {
		check_targets();
		check_from_other_cpu();
		check_per_source_pending();
	}
	gic_test_end();
	report_prefix_pop();
}
DEFINE_TEST(test_sgi, "gic.sgi");
