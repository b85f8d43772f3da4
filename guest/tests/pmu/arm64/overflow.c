// SPDX-License-Identifier: GPL-2.0-only
/* pmu.overflow: PMOVS, PMINTEN and the overflow interrupt on PPI 23. */
#include "gic.h"
#include "pmu_test.h"
#include "report.h"
#include "test.h"

/* kvm-unit-tests pmu-overflow-interrupt, with SW_INCR on both counters. */
static void check_masked(void)
{
	pmu_counter_setup(0, PMU_EV_SW_INCR, PRE_OVERFLOW_32);
	pmu_counter_setup(1, PMU_EV_SW_INCR, PRE_OVERFLOW_32);
	write_sysreg(PMCR_E, pmcr_el0);
	isb();
	pmu_irq_arm();
	swinc(0x3, SWINC_TIMES);
	pmu_irq_wait(0);
	report(read_sysreg(pmovsclr_el0) == 0x3 && !pmu_irqs.count,
	       "PMINTEN clear: both overflow (PMOVS 0x%lx), no interrupt "
	       "(%u)",
	       read_sysreg(pmovsclr_el0), pmu_irqs.count);
	write_sysreg(0, pmcr_el0);
	isb();
	write_sysreg(0x3, pmintenset_el1);
	isb();
	pmu_irq_wait(0);
	report(!pmu_irqs.count,
	       "PMCR.E 0: pending overflows with PMINTEN set raise nothing "
	       "(%u)",
	       pmu_irqs.count);
	write_sysreg(PMCR_E, pmcr_el0);
	isb();
	pmu_irq_wait(1);
	report_xfail(
		host_is_qemu_tcg(), pmu_irqs.count >= 1 && pmu_irqs.ovs == 0x3,
		"PMCR.E 1: the interrupt comes for both (%u, PMOVS 0x%lx)%s",
		pmu_irqs.count, pmu_irqs.ovs,
		host_is_qemu_tcg() ? "; QEMU TCG re-evaluates the PMU "
				     "interrupt on PMINTEN and PMOVS "
				     "writes, not on PMCR.E" :
				     "");
	write_sysreg(~0ULL, pmintenclr_el1);
	write_sysreg(0, pmcr_el0);
	pmu_irq_disarm();
}

static void check_irq(void)
{
	pmu_counter_setup(0, PMU_EV_SW_INCR, PRE_OVERFLOW_32);
	pmu_counter_setup(1, PMU_EV_SW_INCR, PRE_OVERFLOW_32 + 4);
	write_sysreg(0x3, pmintenset_el1);
	write_sysreg(PMCR_E, pmcr_el0);
	isb();
	pmu_irq_arm();
	swinc(0x1, SWINC_TIMES);
	report(pmu_irq_wait(1) && pmu_irqs.count == 1 && pmu_irqs.ovs == 0x1,
	       "counter 0 overflows: one interrupt on INTID %u, PMOVS 0x1 "
	       "(%u, 0x%lx)",
	       pmu_irq_intid(), pmu_irqs.count, pmu_irqs.ovs);
	report(!read_sysreg(pmovsclr_el0) && !gic_irq_pending(pmu_irq_intid()),
	       "PMOVSCLR by the handler drops the line: nothing pending");
	pmu_irqs = (struct pmu_irq_log){ 0 };
	swinc(0x2, 8);
	report(!pmu_irqs.count && !read_sysreg(pmovsclr_el0),
	       "counter 1 short of its overflow: nothing");
	swinc(0x2, 8);
	report(pmu_irq_wait(1) && pmu_irqs.ovs == 0x2,
	       "counter 1 overflows: its interrupt, PMOVS 0x2 (%u, 0x%lx)",
	       pmu_irqs.count, pmu_irqs.ovs);
	write_sysreg(~0ULL, pmintenclr_el1);
	write_sysreg(0, pmcr_el0);
	pmu_irq_disarm();
}

static void check_cycle_irq(void)
{
	write_sysreg(ALL_SET_32 - 0x100, pmccntr_el0);
	write_sysreg(PMU_CYCLE_BIT, pmintenset_el1);
	write_sysreg(PMCR_E, pmcr_el0);
	isb();
	pmu_irq_arm();
	write_sysreg(PMU_CYCLE_BIT, pmcntenset_el0);
	isb();
	if (read_sysreg(pmcr_el0) & PMCR_LC) {
		report_skip("PMCR.LC is RES1: the cycle counter overflows only "
			    "at 2^64");
	} else {
		bool ok = pmu_irq_wait(1) && pmu_irqs.ovs == PMU_CYCLE_BIT;
		/* only KVM's own deviation is expected: past 2^32, no PMOVS */
		bool deviation = !ok && host_is_kvm() &&
				 read_sysreg(pmccntr_el0) > ALL_SET_32 &&
				 !(read_sysreg(pmovsclr_el0) & PMU_CYCLE_BIT);

		report_xfail(deviation, ok,
			     "the cycle counter's 32-bit overflow interrupts, "
			     "PMOVS bit 31 (%u, 0x%lx)%s",
			     pmu_irqs.count, pmu_irqs.ovs,
			     deviation ? KVM_LC_DEVIATION : "");
	}
	write_sysreg(~0ULL, pmintenclr_el1);
	write_sysreg(0, pmcr_el0);
	pmu_irq_disarm();
}

/* With CHAIN on counter 1 only counter 0's overflow interrupts. */
static void check_chain_irq(void)
{
	if (!chain_implemented("the chained overflow interrupt"))
		return;
	pmu_counter_setup(0, PMU_EV_SW_INCR, PRE_OVERFLOW_32);
	pmu_counter_setup(1, PMU_EV_CHAIN, 0);
	write_sysreg(0x3, pmintenset_el1);
	write_sysreg(PMCR_E, pmcr_el0);
	isb();
	pmu_irq_arm();
	swinc(0x1, SWINC_TIMES);
	report(pmu_irq_wait(1) && pmu_irqs.ovs == 0x1,
	       "CHAIN on counter 1: counter 0's overflow alone interrupts "
	       "(PMOVS 0x%lx)",
	       pmu_irqs.ovs);
	pmu_irqs = (struct pmu_irq_log){ 0 };
	pmu_evcntr_write(0, PRE_OVERFLOW_32);
	pmu_evcntr_write(1, ALL_SET_32);
	isb();
	swinc(0x1, SWINC_TIMES);
	report(pmu_irq_wait(1) && pmu_irqs.ovs == 0x3,
	       "then the CHAIN counter's own overflow interrupts too (PMOVS "
	       "0x%lx)",
	       pmu_irqs.ovs);
	write_sysreg(~0ULL, pmintenclr_el1);
	write_sysreg(0, pmcr_el0);
	pmu_irq_disarm();
}

static void test_overflow(void)
{
	if (!pmu_test_begin())
		return;
	if (gic_unavailable()) {
		report(false, "no GIC for the overflow interrupt: %s",
		       gic_unavailable());
		goto out;
	}
	if (!need_counters(2, "two overflowing counters"))
		goto out;
	check_masked();
	pmu_reset();
	check_irq();
	pmu_reset();
	if (pmu_event_offered(PMU_EV_CPU_CYCLES))
		check_cycle_irq();
	else
		report_skip("PMCEID does not offer CPU_CYCLES");
	pmu_reset();
	check_chain_irq();
out:
	pmu_test_end();
}
DEFINE_TEST(test_overflow, "pmu.overflow");
