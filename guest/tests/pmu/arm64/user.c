// SPDX-License-Identifier: GPL-2.0-only
/* pmu.user: PMUSERENR's EL0 accesses, and U/P filtering with code at EL0. */
#include "el0.h"
#include "pmu_test.h"
#include "report.h"
#include "test.h"

#define LOOPS	   20000
#define LONG_LOOPS 1000000

/* One EL0 access under PMUSERENR = enr: whether it ran (no exception). */
static bool el0_ok(u64 enr, const char *snippet, u64 arg, u64 *value)
{
	int ec;
	u64 v;

	write_sysreg(enr, pmuserenr_el0);
	isb();
	v = el0_run(snippet, arg, &ec);
	write_sysreg(0, pmuserenr_el0);
	isb();
	if (value)
		*value = v;
	return ec == EXC_NONE;
}

/*
 * One EL0 access that PMUSERENR = enr forbids: the architecture traps it
 * to EL1 as a system register access (EC 0x18); KVM injects an
 * UNDEFINED exception (EC 0) instead, its XFAIL.
 */
static void el0_trapped(u64 enr, const char *snippet, const char *what)
{
	bool kvm = host_is_kvm();
	int ec;

	write_sysreg(enr, pmuserenr_el0);
	isb();
	el0_run(snippet, 0, &ec);
	write_sysreg(0, pmuserenr_el0);
	isb();
	report_xfail(kvm && ec == ESR_EC_UNKNOWN, ec == ESR_EC_SYS64,
		     "%s at EL0 traps to EL1 as a system register access "
		     "(EC 0x%x)%s",
		     what, ec,
		     kvm && ec == ESR_EC_UNKNOWN ?
			     "; KVM injects an UNDEFINED exception instead" :
			     "");
}

static void check_off(void)
{
	el0_trapped(0, el0_mrs_pmccntr, "PMUSERENR 0: MRS PMCCNTR");
	el0_trapped(0, el0_mrs_pmevcntr0, "PMUSERENR 0: MRS PMEVCNTR0");
	el0_trapped(0, el0_msr_pmswinc, "PMUSERENR 0: MSR PMSWINC");
	el0_trapped(0, el0_mrs_pmcr, "PMUSERENR 0: MRS PMCR");
}

static void check_en(void)
{
	u64 v;

	pmu_evcntr_write(0, 0x1234);
	report(el0_ok(PMUSERENR_EN, el0_mrs_pmcr, 0, &v) &&
		       v == read_sysreg(pmcr_el0),
	       "EN: EL0 reads PMCR (0x%lx)", v);
	report(el0_ok(PMUSERENR_EN, el0_mrs_pmevcntr0, 0, &v) && v == 0x1234,
	       "EN: EL0 reads PMEVCNTR0 (0x%lx)", v);
	report(el0_ok(PMUSERENR_EN, el0_mrs_pmccntr, 0, NULL),
	       "EN: EL0 reads PMCCNTR");
	pmu_counter_setup(1, PMU_EV_SW_INCR, 0);
	write_sysreg(PMCR_E, pmcr_el0);
	isb();
	report(el0_ok(PMUSERENR_EN, el0_msr_pmswinc, 0x2, NULL) &&
		       pmu_evcntr_read(1) == 1,
	       "EN: EL0 writes PMSWINC, SW_INCR counts it (%lu)",
	       pmu_evcntr_read(1));
	write_sysreg(0, pmcr_el0);
}

static void check_bits(void)
{
	u64 v;

	report(el0_ok(PMUSERENR_CR, el0_mrs_pmccntr, 0, NULL),
	       "CR: EL0 reads PMCCNTR");
	el0_trapped(PMUSERENR_CR, el0_mrs_pmevcntr0, "CR alone: PMEVCNTR0");
	el0_trapped(PMUSERENR_CR, el0_msr_pmswinc, "CR alone: PMSWINC");
	pmu_evcntr_write(1, 0x4321);
	report(el0_ok(PMUSERENR_ER, el0_mrs_pmevcntr0, 0, &v) && v == 0,
	       "ER: EL0 reads PMEVCNTR0 (0x%lx)", v);
	report(el0_ok(PMUSERENR_ER, el0_msr_pmselr, 1, NULL) &&
		       el0_ok(PMUSERENR_ER, el0_mrs_pmxevcntr, 0, &v) &&
		       v == 0x4321,
	       "ER: EL0 writes PMSELR and reads PMXEVCNTR (0x%lx)", v);
	write_sysreg(0, pmselr_el0);
	el0_trapped(PMUSERENR_ER, el0_mrs_pmccntr, "ER alone: PMCCNTR");
	pmu_counter_setup(1, PMU_EV_SW_INCR, 0);
	write_sysreg(PMCR_E, pmcr_el0);
	isb();
	report(el0_ok(PMUSERENR_SW, el0_msr_pmswinc, 0x2, NULL) &&
		       pmu_evcntr_read(1) == 1,
	       "SW: EL0 writes PMSWINC (%lu)", pmu_evcntr_read(1));
	write_sysreg(0, pmcr_el0);
	el0_trapped(PMUSERENR_SW, el0_mrs_pmccntr, "SW alone: PMCCNTR");
}

/* What counter 0, programmed with type, counts over an EL0 loop. */
static u64 count_el0(u64 type, u64 loops)
{
	int ec;

	pmu_evtyper_write(0, type);
	pmu_evcntr_write(0, 0);
	write_sysreg(PMCR_E, pmcr_el0);
	write_sysreg(0x1, pmcntenset_el0);
	isb();
	el0_run(el0_loop, loops, &ec);
	write_sysreg(0x1, pmcntenclr_el0);
	write_sysreg(0, pmcr_el0);
	isb();
	return pmu_evcntr_read(0);
}

/*
 * Cycles are time: the EL1 part around an EL0 loop (ERET, SVC, traps to
 * the hypervisor) varies, so U is judged on a loop long enough that its
 * EL0 part dwarfs the rest.
 */
static void check_cycle_filters(void)
{
	u64 el0 = count_el0(PMU_EV_CPU_CYCLES | PMEVTYPER_P, LONG_LOOPS),
	    none = count_el0(PMU_EV_CPU_CYCLES | PMEVTYPER_P | PMEVTYPER_U,
			     LONG_LOOPS),
	    el1 = count_el0(PMU_EV_CPU_CYCLES | PMEVTYPER_U, LONG_LOOPS);

	report(el0 > 0, "P: CPU_CYCLES of an EL0 loop count (%lu)", el0);
	report(none == 0, "P and U: nothing counts (%lu)", none);
	report(el1 < el0,
	       "U: the EL0 loop's cycles are left out (%lu, EL0 "
	       "alone %lu)",
	       el1, el0);
}

/* Exact, with instructions: the EL0 loop is 2 instructions per loop. */
static void check_inst_filters(void)
{
	u64 type = PMU_EV_INST_RETIRED;
	u64 a, b;

	if (!need_event(PMU_EV_INST_RETIRED, "U/P with INST_RETIRED"))
		return;
	a = count_el0(type | PMEVTYPER_P, LOOPS);
	b = count_el0(type | PMEVTYPER_P, 2 * LOOPS);
	report(b - a == 2 * LOOPS,
	       "P: INST_RETIRED counts the EL0 loop "
	       "exactly (%lu, %lu)",
	       a, b);
	a = count_el0(type | PMEVTYPER_U, LOOPS);
	b = count_el0(type | PMEVTYPER_U, 2 * LOOPS);
	report(a == b,
	       "U: INST_RETIRED counts none of the EL0 loop (%lu, "
	       "%lu)",
	       a, b);
}

/*
 * Under KVM in the nested bed, EL0 reaches the L1 host's PMU directly:
 * KVM sets the hardware PMUSERENR to all ones and traps EL0 through
 * MDCR_EL2.TPM, but QEMU TCG (L0) lets PMUSERENR allow CR, ER and SW
 * accesses before it checks TPM.  Then no EL0 access check means
 * anything: one XFAIL says so and they SKIP.  Only where the guest sees
 * both KVM and QEMU's CPU (-cpu max's MIDR, passed on by KVM): on any
 * other KVM host the same bypass is a FAIL.
 */
static bool el0_bypasses_kvm(void)
{
	int ec;

	if (!host_is_kvm() || !cpu_is_qemu_max())
		return false;
	write_sysreg(0, pmuserenr_el0);
	isb();
	el0_run(el0_mrs_pmccntr, 0, &ec);
	if (ec != EXC_NONE)
		return false;
	report_xfail(true, false,
		     "PMUSERENR 0: MRS PMCCNTR at EL0 traps to EL1 (no "
		     "exception): EL0 bypasses KVM's MDCR_EL2.TPM trap here, "
		     "as under QEMU TCG (the nested bed: MIDR 0x%lx), which "
		     "checks PMUSERENR first",
		     read_sysreg(midr_el1));
	report_skip("EL0 PMU accesses: they bypass KVM on this host");
	return true;
}

static void test_user(void)
{
	if (!pmu_test_begin())
		return;
	if (!need_counters(2, "EL0 accesses"))
		goto out;
	if (!el0_bypasses_kvm()) {
		check_off();
		check_en();
		pmu_reset();
		check_bits();
		pmu_reset();
	}
	if (pmu_event_offered(PMU_EV_CPU_CYCLES))
		check_cycle_filters();
	else
		report_skip("PMCEID does not offer CPU_CYCLES");
	check_inst_filters();
out:
	pmu_test_end();
}
DEFINE_TEST(test_user, "pmu.user");
