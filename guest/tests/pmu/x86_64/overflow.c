// SPDX-License-Identifier: GPL-2.0-only
/* pmu.overflow: GLOBAL_STATUS, PMIs by LVTPC (vector, NMI, a train), OVF_CTRL. */
#include "apic.h"
#include "exceptions.h"
#include "pmu.h"
#include "processor.h"
#include "report.h"
#include "test.h"

#define PMI_VECTOR	       0x70
/* Cycles to overflow: any region, even stepped at 1 per instruction. */
#define CYCLES_BEFORE_OVERFLOW 16
/* Overflows in a row on one counter, each with its PMI. */
#define PMI_TRAIN	       3

static struct {
	unsigned int count;
	unsigned int vector;
	u32 lvtpc;
} pmis;

static void pmi_handler(struct ex_regs *regs)
{
	WRITE_ONCE(pmis.vector, (unsigned int)regs->vector);
	WRITE_ONCE(pmis.lvtpc, apic_read(APIC_LVTPC));
	WRITE_ONCE(pmis.count, pmis.count + 1);
	if (regs->vector != NMI_VECTOR)
		apic_eoi();
}

/* With interrupts on until a PMI came or the wait ran out. */
static bool wait_pmi(u64 cycles)
{
	u64 deadline = rdtsc() + cycles;

	irq_enable();
	while (!READ_ONCE(pmis.count) && !tsc_passed(deadline))
		cpu_relax();
	irq_disable();
	return READ_ONCE(pmis.count);
}

/*
 * Increments until c wraps in a measured loop: half the loop's
 * instructions, or CYCLES_BEFORE_OVERFLOW cycles.
 */
static u64 increments_to_overflow(struct pmu_counter c, u64 loops)
{
	if (pmu_counter_event(c) == PMU_EV_INSTRUCTIONS)
		return loops / 2 + 1;
	return CYCLES_BEFORE_OVERFLOW;
}

/*
 * Presets c near the top, runs the measured loop with c counting (and
 * its PMI bit as asked) and returns the TSC cycles the loop took.
 */
static u64 overflow_loop(struct pmu_counter c, u64 loops, bool pmi)
{
	u64 mask = pmu_counter_mask(c);
	u64 preset = mask + 1 - increments_to_overflow(c, loops);
	struct pmu_wrmsr start, stop;

	pmu_reset();
	/* A legacy write of the low 32 bits sign-extends to preset. */
	wrmsr(pmu_counter_msr(c), preset);
	if (c.fixed)
		pmu_fixed_arm(c.idx,
			      PMU_FIXED_OS | PMU_FIXED_USR |
				      (pmi ? PMU_FIXED_PMI : 0),
			      &start, &stop);
	else
		pmu_gp_arm(c.idx,
			   pmu_evtsel(PMU_EV_INSTRUCTIONS,
				      PMU_EVTSEL_USR | PMU_EVTSEL_OS |
					      (pmi ? PMU_EVTSEL_INT : 0)),
			   &start, &stop);
	WRITE_ONCE(pmis.count, 0);
	return pmu_loop(start, stop, loops);
}

/* The whole count of the region: what c holds past 2^width, plus the rest. */
static u64 count_through_wrap(struct pmu_counter c, u64 loops)
{
	return rdmsr(pmu_counter_msr(c)) + increments_to_overflow(c, loops);
}

/*
 * LVTPC after a PMI: Intel sets its mask bit, AMD leaves it (KVM masked
 * it on AMD too from a16eb25b09c0 to 49ff3b4aec51: every PMI after the
 * first was lost).
 */
static u32 lvtpc_after_pmi(u32 lvtpc)
{
	return pmu.amd ? lvtpc : lvtpc | APIC_LVT_MASKED;
}

static const char *lvtpc_after_pmi_text(void)
{
	return pmu.amd ? "stays unmasked (AMD)" : "is masked";
}

static void check_fixed_vector(struct pmu_counter c, u64 loops)
{
	const char *kind = pmu_counter_kind(c);
	u64 bit = pmu_counter_global_bit(c);
	struct pmu_expect expect;

	apic_write(APIC_LVTPC, APIC_DM_FIXED | PMI_VECTOR);
	expect = pmu_loop_expect(loops, overflow_loop(c, loops, true));
	if (pmu.msr_global_status)
		pmu_report_value(rdmsr(pmu.msr_global_status), bit,
				 "%s counter %u: overflow sets its "
				 "GLOBAL_STATUS bit",
				 kind, c.idx);
	pmu_report_count(pmu_counter_event(c), count_through_wrap(c, loops),
			 &expect, "%s counter %u wraps at 2^%u and counts on",
			 kind, c.idx, c.fixed ? pmu.fixed_width : pmu.gp_width);
	wait_pmi(TSC_CYCLES_LONG);
	irq_linger();
	if (pmis.count == 1 && pmis.vector == PMI_VECTOR)
		report(true, "%s counter %u: one PMI with LVTPC's vector", kind,
		       c.idx);
	else
		report(false,
		       "%s counter %u: one PMI with LVTPC's vector, got %u, "
		       "last vector 0x%x",
		       kind, c.idx, pmis.count, pmis.vector);
	pmu_report_value(apic_read(APIC_LVTPC),
			 lvtpc_after_pmi(APIC_DM_FIXED | PMI_VECTOR),
			 "%s counter %u: LVTPC %s after the PMI", kind, c.idx,
			 lvtpc_after_pmi_text());
	if (!pmu.msr_global_clear)
		return;
	wrmsr(pmu.msr_global_clear, bit);
	pmu_report_value(rdmsr(pmu.msr_global_status), 0,
			 "%s counter %u: GLOBAL_OVF_CTRL clears its status bit",
			 kind, c.idx);
}

/*
 * PMI_TRAIN overflows of c in a row, each with one PMI.  On Intel the
 * handler's side re-arms LVTPC (clears the mask the PMI set) before the
 * next; on AMD nothing touches LVTPC between them.
 */
static void check_pmi_train(struct pmu_counter c, u64 loops)
{
	unsigned int single = 0;

	apic_write(APIC_LVTPC, APIC_DM_FIXED | PMI_VECTOR);
	for (unsigned int n = 0; n < PMI_TRAIN; n++) {
		overflow_loop(c, loops, true);
		wait_pmi(TSC_CYCLES_LONG);
		irq_linger();
		if (pmis.count == 1)
			single++;
		if (!pmu.amd)
			apic_write(APIC_LVTPC, APIC_DM_FIXED | PMI_VECTOR);
	}
	pmu_report_value(single, PMI_TRAIN,
			 "%s counter %u: overflows in a row, each with one "
			 "PMI (%s)",
			 pmu_counter_kind(c), c.idx,
			 pmu.amd ? "LVTPC left alone" :
				   "LVTPC re-armed after each");
}

static void check_nmi(struct pmu_counter c, u64 loops)
{
	apic_write(APIC_LVTPC, APIC_DM_NMI);
	overflow_loop(c, loops, true);
	/* An NMI is not held off by IF: it may have come already. */
	wait_pmi(TSC_CYCLES_LONG);
	if (pmis.count == 1 && pmis.vector == NMI_VECTOR)
		report(true,
		       "%s counter %u: one PMI as an NMI (LVTPC NMI mode)",
		       pmu_counter_kind(c), c.idx);
	else
		report(false,
		       "%s counter %u: one PMI as an NMI (LVTPC NMI mode), "
		       "got %u, last vector 0x%x",
		       pmu_counter_kind(c), c.idx, pmis.count, pmis.vector);
	pmu_report_value(pmis.lvtpc & APIC_LVT_MASKED,
			 lvtpc_after_pmi(0) & APIC_LVT_MASKED,
			 "%s counter %u: LVTPC %s in the NMI handler",
			 pmu_counter_kind(c), c.idx, lvtpc_after_pmi_text());
}

static void check_no_int(struct pmu_counter c, u64 loops)
{
	apic_write(APIC_LVTPC, APIC_DM_FIXED | PMI_VECTOR);
	overflow_loop(c, loops, false);
	if (pmu.msr_global_status)
		pmu_report_value(rdmsr(pmu.msr_global_status),
				 pmu_counter_global_bit(c),
				 "%s counter %u: PMI bit clear, overflow still "
				 "sets its GLOBAL_STATUS bit",
				 pmu_counter_kind(c), c.idx);
	irq_linger();
	pmu_report_value(pmis.count, 0, "%s counter %u: PMI bit clear, no PMI",
			 pmu_counter_kind(c), c.idx);
}

static void check_counter(struct pmu_counter c, u64 loops)
{
	if (pmu_counter_event(c) == PMU_NR_EVENTS) {
		report_skip("fixed counter %u: no architectural event known",
			    c.idx);
		return;
	}
	check_fixed_vector(c, loops);
	check_pmi_train(c, loops);
	check_nmi(c, loops);
	check_no_int(c, loops);
	apic_write(APIC_LVTPC, APIC_LVT_MASKED);
}

static void test_overflow(void)
{
	u64 loops = pmu_loops();

	/* AMD's PMIs need no global MSRs; Intel's suite starts at v2. */
	if (!pmu_require() || (!pmu.amd && !pmu_require_v2()))
		return;
	irq_set_handler(PMI_VECTOR, pmi_handler);
	irq_set_handler(NMI_VECTOR, pmi_handler);
	pmu_for_each_counter(check_counter, loops);
	pmu_reset();
	irq_set_handler(NMI_VECTOR, NULL);
	irq_set_handler(PMI_VECTOR, NULL);
}
DEFINE_TEST(test_overflow, "pmu.overflow");
