// SPDX-License-Identifier: GPL-2.0-only
/* Shared by the arm64 pmu.* tests: set-up, measured loops, the overflow IRQ. */
#include "boot_info.h"
#include "gic.h"
#include "pmu_test.h"
#include "processor.h"
#include "psci.h"
#include "report.h"
#include "string.h"
#include "timer.h"

#define PSCI_FEATURES		  0x8400000a
#define SMCCC_VENDOR_HYP_CALL_UID 0x8600ff01
#define SMCCC_KVM_UID_0		  0xb66fb428 /* KVM's UID, its first word */
#define MIDR_IMPLEMENTER(midr)	  (((midr) >> 24) & 0xff)
#define MIDR_PARTNUM(midr)	  (((midr) >> 4) & 0xfff)
#define MIDR_IMPL_SOFTWARE	  0x00	/* reserved for software use */
#define MIDR_PART_QEMU_MAX	  0x051 /* 'Q' */

struct pmu_irq_log pmu_irqs;

bool pmu_test_begin(void)
{
	const char *why = pmu_absent();

	if (why) {
		report_skip("%s", why);
		return false;
	}
	pmu_reset();
	return true;
}

void pmu_test_end(void)
{
	pmu_irq_disarm();
	pmu_reset();
}

bool need_event(unsigned int event, const char *what)
{
	if (pmu_event_offered(event))
		return true;
	report_skip("%s: PMCEID does not offer event 0x%x", what, event);
	return false;
}

bool chain_implemented(const char *what)
{
	if (pmu_event_offered(PMU_EV_CHAIN))
		return true;
	if (!host_is_kvm())
		return need_event(PMU_EV_CHAIN, what);
	report_xfail(true, false,
		     "PMCEID0 advertises CHAIN (0x1e): KVM implements CHAIN "
		     "but advertises it only from Linux 6.3");
	return true;
}

bool need_counters(unsigned int n, const char *what)
{
	if (pmu_nr_counters() >= n)
		return true;
	report_skip("%s: needs %u event counters, PMCR.N is %u", what, n,
		    pmu_nr_counters());
	return false;
}

void swinc(u64 mask, unsigned int times)
{
	for (unsigned int i = 0; i < times; i++)
		write_sysreg(mask, pmswinc_el0);
	isb();
}

static u64 counter_read(unsigned int n)
{
	return n == 31 ? read_sysreg(pmccntr_el0) : pmu_evcntr_read(n);
}

u64 count_loop(unsigned int n, u64 loops)
{
	if (n == 31)
		write_sysreg(0, pmccntr_el0);
	else
		pmu_evcntr_write(n, 0);
	write_sysreg(BIT_ULL(n), pmcntenset_el0);
	isb();
	pmu_loop(loops);
	isb();
	write_sysreg(BIT_ULL(n), pmcntenclr_el0);
	isb();
	return counter_read(n);
}

static void pmu_irq_handler(struct gic_irq *irq)
{
	u64 ovs = read_sysreg(pmovsclr_el0);

	(void)irq;
	pmu_irqs.ovs |= ovs;
	pmu_irqs.count++;
	write_sysreg(ovs, pmovsclr_el0);
	isb();
}

unsigned int pmu_irq_intid(void)
{
	return pmu_dt_intid() ?: PMU_INTID_DEFAULT;
}

void pmu_irq_arm(void)
{
	pmu_irqs = (struct pmu_irq_log){ 0 };
	gic_set_handler(pmu_irq_intid(), pmu_irq_handler);
	gic_irq_enable(pmu_irq_intid());
}

static bool wait_ms(unsigned int want, u64 ms)
{
	u64 end = timer_count() + ms * timer_frequency() / 1000;

	while (READ_ONCE(pmu_irqs.count) < want && timer_count() < end)
		cpu_relax();
	return READ_ONCE(pmu_irqs.count) >= want;
}

bool pmu_irq_wait(unsigned int want)
{
	bool ok;

	irq_enable();
	ok = want ? wait_ms(want, PMU_IRQ_ARRIVAL_MS) : true;
	wait_ms(~0u, PMU_IRQ_SETTLE_MS);
	irq_disable();
	return ok;
}

void pmu_irq_disarm(void)
{
	if (gic_unavailable())
		return;
	gic_irq_disable(pmu_irq_intid());
	gic_irq_clear_pending(pmu_irq_intid());
	gic_set_handler(pmu_irq_intid(), NULL);
}

bool host_is_kvm(void)
{
	if ((s64)psci_call(PSCI_FEATURES, SMCCC_VERSION, 0, 0) < 0)
		return false;
	return (u32)psci_call(SMCCC_VENDOR_HYP_CALL_UID, 0, 0, 0) ==
	       SMCCC_KVM_UID_0;
}

bool host_is_qemu_tcg(void)
{
	return !strcmp(boot_info.loader_name, "linux,dummy-virt") &&
	       !host_is_kvm();
}

bool cpu_is_qemu_max(void)
{
	u64 midr = read_sysreg(midr_el1);

	return MIDR_IMPLEMENTER(midr) == MIDR_IMPL_SOFTWARE &&
	       MIDR_PARTNUM(midr) == MIDR_PART_QEMU_MAX;
}

u64 pmu_counter_width_mask(void)
{
	return pmu_has_64bit_counters() ? ~0ULL : ALL_SET_32;
}
