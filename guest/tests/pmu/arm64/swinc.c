// SPDX-License-Identifier: GPL-2.0-only
/* pmu.swinc: SW_INCR counts PMSWINC writes exactly, and only where it should. */
#include "pmu_test.h"
#include "report.h"
#include "test.h"

static void check_disabled(void)
{
	pmu_counter_setup(0, PMU_EV_SW_INCR, 0);
	swinc(0x1, SWINC_TIMES);
	report(pmu_evcntr_read(0) == 0,
	       "PMCR.E 0: %u PMSWINC writes leave counter 0 at 0 (%lu)",
	       SWINC_TIMES, pmu_evcntr_read(0));
	write_sysreg(PMCR_E, pmcr_el0);
	write_sysreg(0x1, pmcntenclr_el0);
	isb();
	swinc(0x1, SWINC_TIMES);
	report(pmu_evcntr_read(0) == 0,
	       "PMCNTEN clear: PMSWINC writes leave counter 0 at 0 (%lu)",
	       pmu_evcntr_read(0));
	pmu_counter_setup(0, PMU_EV_CPU_CYCLES | PMEVTYPER_P | PMEVTYPER_U, 0);
	swinc(0x1, SWINC_TIMES);
	report(pmu_evcntr_read(0) == 0,
	       "a counter of another event (CPU_CYCLES, filtered out) is "
	       "not incremented by PMSWINC (%lu)",
	       pmu_evcntr_read(0));
	write_sysreg(0, pmcr_el0);
}

/*
 * kvm-unit-tests pmu-sw-incr: #1 counts exactly, #0 wraps with PMOVS.
 * A 64-bit counter (PMUv3p5) counts on in bits 63:32 when it overflows
 * at 32 bits (AArch64.IncrementEventCounter()).
 */
static void check_counts(u64 pmcr, u64 pre, const char *width)
{
	u64 want0 = (pre + SWINC_TIMES) & pmu_counter_width_mask();

	report_prefix_push(width);
	write_sysreg(~0ULL, pmovsclr_el0);
	pmu_counter_setup(0, PMU_EV_SW_INCR, pre);
	pmu_counter_setup(1, PMU_EV_SW_INCR, 0);
	write_sysreg(pmcr | PMCR_E, pmcr_el0);
	isb();
	swinc(0x3, SWINC_TIMES);
	report(pmu_evcntr_read(1) == SWINC_TIMES,
	       "counter 1 counts %u PMSWINC writes exactly (%lu)", SWINC_TIMES,
	       pmu_evcntr_read(1));
	report(pmu_evcntr_read(0) == want0,
	       "counter 0 from 0x%lx wraps to 0x%lx (0x%lx)", pre, want0,
	       pmu_evcntr_read(0));
	report(read_sysreg(pmovsclr_el0) == 0x1,
	       "PMOVS has counter 0's overflow only (0x%lx)",
	       read_sysreg(pmovsclr_el0));
	write_sysreg(0, pmcr_el0);
	report_prefix_pop();
}

/* With PMCR.LP an event counter passes 2^32 without an overflow. */
static void check_lp_no_wrap(void)
{
	write_sysreg(~0ULL, pmovsclr_el0);
	pmu_counter_setup(0, PMU_EV_SW_INCR, PRE_OVERFLOW_32);
	write_sysreg(PMCR_LP | PMCR_E, pmcr_el0);
	isb();
	swinc(0x1, SWINC_TIMES);
	report(pmu_evcntr_read(0) == PRE_OVERFLOW_32 + SWINC_TIMES &&
		       !read_sysreg(pmovsclr_el0),
	       "64-bit: counter 0 passes 2^32 with no overflow (0x%lx, PMOVS "
	       "0x%lx)",
	       pmu_evcntr_read(0), read_sysreg(pmovsclr_el0));
	write_sysreg(0, pmcr_el0);
}

static void test_swinc(void)
{
	if (!pmu_test_begin())
		return;
	if (!need_counters(2, "SW_INCR on two counters") ||
	    !need_event(PMU_EV_SW_INCR, "SW_INCR"))
		goto out;
	check_disabled();
	check_counts(0, PRE_OVERFLOW_32, "32-bit");
	if (pmu_has_64bit_counters()) {
		check_counts(PMCR_LP, PRE_OVERFLOW_64, "64-bit");
		check_lp_no_wrap();
	} else {
		report_skip("64-bit overflow (PMCR.LP) needs PMUv3p5, "
			    "PMUVer is 0x%x",
			    pmu_version());
	}
out:
	pmu_test_end();
}
DEFINE_TEST(test_swinc, "pmu.swinc");
