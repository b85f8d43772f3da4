// SPDX-License-Identifier: GPL-2.0-only
/* pmu.chain: CHAIN on an odd counter counts the even one's overflows. */
#include "pmu_test.h"
#include "report.h"
#include "test.h"

#define LOOPS 10000

/* kvm-unit-tests pmu-chained-sw-incr, 32-bit overflow. */
static void check_sw_incr_32(void)
{
	u64 want0 = (PRE_OVERFLOW_32 + SWINC_TIMES) & pmu_counter_width_mask();

	pmu_counter_setup(0, PMU_EV_SW_INCR, PRE_OVERFLOW_32);
	pmu_counter_setup(1, PMU_EV_CHAIN, 0);
	write_sysreg(PMCR_E, pmcr_el0);
	isb();
	swinc(0x1, SWINC_TIMES);
	report(pmu_evcntr_read(0) == want0 && pmu_evcntr_read(1) == 1,
	       "32-bit: counter 0 wraps to %lu, CHAIN counter 1 counts its "
	       "overflow (%lu, %lu)",
	       want0, pmu_evcntr_read(0), pmu_evcntr_read(1));
	report(read_sysreg(pmovsclr_el0) == 0x1,
	       "32-bit: PMOVS has counter 0 only (0x%lx)",
	       read_sysreg(pmovsclr_el0));
	write_sysreg(~0ULL, pmovsclr_el0);
	pmu_evcntr_write(0, PRE_OVERFLOW_32);
	pmu_evcntr_write(1, ALL_SET_32);
	isb();
	swinc(0x1, SWINC_TIMES);
	report(pmu_evcntr_read(0) == want0 && pmu_evcntr_read(1) == 0,
	       "32-bit: the carry wraps CHAIN counter 1 too (%lu, %lu)",
	       pmu_evcntr_read(0), pmu_evcntr_read(1));
	report(read_sysreg(pmovsclr_el0) == 0x3,
	       "32-bit: PMOVS has both overflows (0x%lx)",
	       read_sysreg(pmovsclr_el0));
	write_sysreg(0, pmcr_el0);
	write_sysreg(~0ULL, pmovsclr_el0);
}

/* With PMCR.LP the even counter is 64-bit itself: nothing is chained. */
static void check_sw_incr_64(void)
{
	pmu_counter_setup(0, PMU_EV_SW_INCR, PRE_OVERFLOW_64);
	pmu_counter_setup(1, PMU_EV_CHAIN, 0);
	write_sysreg(PMCR_E | PMCR_LP, pmcr_el0);
	isb();
	swinc(0x1, SWINC_TIMES);
	report(pmu_evcntr_read(0) == (PRE_OVERFLOW_64 + SWINC_TIMES) &&
		       pmu_evcntr_read(1) == 0,
	       "64-bit: counter 0 wraps at 2^64 and CHAIN counter 1 stays 0 "
	       "(%lu, %lu)",
	       pmu_evcntr_read(0), pmu_evcntr_read(1));
	report(read_sysreg(pmovsclr_el0) == 0x1,
	       "64-bit: PMOVS has counter 0 only (0x%lx)",
	       read_sysreg(pmovsclr_el0));
	write_sysreg(0, pmcr_el0);
	write_sysreg(~0ULL, pmovsclr_el0);
}

/* kvm-unit-tests pmu-chained-counters: CPU_CYCLES carried into CHAIN. */
static void check_cycles(void)
{
	pmu_counter_setup(0, PMU_EV_CPU_CYCLES, ALL_SET_32 - 0x100);
	pmu_counter_setup(1, PMU_EV_CHAIN, 0);
	write_sysreg(PMCR_E, pmcr_el0);
	isb();
	pmu_loop(LOOPS);
	write_sysreg(0, pmcr_el0);
	isb();
	report(pmu_evcntr_read(1) == 1 && read_sysreg(pmovsclr_el0) == 0x1,
	       "CPU_CYCLES counter 0 wraps once: CHAIN counter 1 reads 1, "
	       "PMOVS 0x1 (%lu, 0x%lx)",
	       pmu_evcntr_read(1), read_sysreg(pmovsclr_el0));
	write_sysreg(~0ULL, pmovsclr_el0);
}

/* kvm-unit-tests pmu-chain-promotion: each half of a pair enabled alone. */
static void check_halves(void)
{
	pmu_reset();
	pmu_evtyper_write(0, PMU_EV_SW_INCR);
	pmu_evcntr_write(0, PRE_OVERFLOW_32);
	pmu_counter_setup(1, PMU_EV_CHAIN, 0);
	write_sysreg(PMCR_E, pmcr_el0);
	isb();
	swinc(0x1, SWINC_TIMES);
	report(pmu_evcntr_read(0) == PRE_OVERFLOW_32 &&
		       pmu_evcntr_read(1) == 0 && !read_sysreg(pmovsclr_el0),
	       "only the CHAIN counter enabled: neither counts (%lu, %lu)",
	       pmu_evcntr_read(0), pmu_evcntr_read(1));
	write_sysreg(0x2, pmcntenclr_el0);
	write_sysreg(0x1, pmcntenset_el0);
	isb();
	swinc(0x1, SWINC_TIMES);
	report(pmu_evcntr_read(1) == 0 && read_sysreg(pmovsclr_el0) == 0x1,
	       "only the even counter enabled: it overflows, the disabled "
	       "CHAIN counter stays 0 (%lu, 0x%lx)",
	       pmu_evcntr_read(1), read_sysreg(pmovsclr_el0));
	write_sysreg(0, pmcr_el0);
	write_sysreg(~0ULL, pmovsclr_el0);
}

/*
 * kvm-unit-tests pmu-chain-promotion's reprogramming subtests, with
 * SW_INCR, exact: counter 0 starts PROMOTE_ROOM short of its 32-bit
 * wrap, so the first SWINC_TIMES increments leave it short and the
 * second wrap it; between the two the pair is reprogrammed.
 */
#define PROMOTE_ROOM (3 * SWINC_TIMES / 2)
#define PROMOTE_PRE  (ALL_SET_32 - PROMOTE_ROOM)

/* Counter 0 after both batches, and the verdict line's common part. */
static bool promoted_ok(u64 want1, u64 *c0, u64 *c1, u64 *ovs)
{
	u64 want0 = (PROMOTE_PRE + 2 * SWINC_TIMES) & pmu_counter_width_mask();

	*c0 = pmu_evcntr_read(0);
	*c1 = pmu_evcntr_read(1);
	*ovs = read_sysreg(pmovsclr_el0);
	return *c0 == want0 && *c1 == want1 && *ovs == 0x1;
}

/* The first batch: counter 0 counts SWINC_TIMES without a wrap. */
static void promote_first(void)
{
	write_sysreg(PMCR_E, pmcr_el0);
	isb();
	swinc(0x1, SWINC_TIMES);
}

/* The second batch and its verdict; leaves the PMU reset. */
static void promote_second(u64 want1, const char *what)
{
	u64 c0, c1, ovs;

	swinc(0x1, SWINC_TIMES);
	report(promoted_ok(want1, &c0, &c1, &ovs),
	       "%s (counter 0 0x%lx, counter 1 %lu, PMOVS 0x%lx)", what, c0, c1,
	       ovs);
	pmu_reset();
}

static void check_promotion(bool cycles)
{
	pmu_reset();
	pmu_counter_setup(0, PMU_EV_SW_INCR, PROMOTE_PRE);
	pmu_counter_setup(1, PMU_EV_CHAIN, 0);
	promote_first();
	write_sysreg(0x2, pmcntenclr_el0);
	isb();
	promote_second(0, "chained, then CHAIN counter disabled: counter 0 "
			  "wraps alone, counter 1 stays 0");

	pmu_counter_setup(0, PMU_EV_SW_INCR, PROMOTE_PRE);
	promote_first();
	pmu_counter_setup(1, PMU_EV_CHAIN, 0);
	promote_second(1, "counter 0 alone, then CHAIN counter enabled: its "
			  "wrap carries, counter 1 reads 1");
	if (!cycles)
		return;
	pmu_counter_setup(0, PMU_EV_SW_INCR, PROMOTE_PRE);
	pmu_counter_setup(1, PMU_EV_CPU_CYCLES, 0);
	promote_first();
	write_sysreg(0x3, pmcntenclr_el0);
	isb();
	pmu_counter_setup(1, PMU_EV_CHAIN, 0);
	write_sysreg(0x1, pmcntenset_el0);
	isb();
	promote_second(1, "32-bit to chained 64-bit: counter 1 made CHAIN "
			  "while counter 0 counts, its wrap carries into 1");

	pmu_counter_setup(0, PMU_EV_SW_INCR, PROMOTE_PRE);
	pmu_counter_setup(1, PMU_EV_CHAIN, 0);
	promote_first();
	write_sysreg(0x2, pmcntenclr_el0);
	isb();
	pmu_counter_setup(1, PMU_EV_CPU_CYCLES | PMEVTYPER_P, 0);
	promote_second(0, "chained 64-bit back to 32-bit: counter 1 made "
			  "CPU_CYCLES (P: not at EL1), counter 0 wraps alone");
}

static void test_chain(void)
{
	if (!pmu_test_begin())
		return;
	if (!need_counters(2, "a counter pair") || !chain_implemented("CHAIN"))
		goto out;
	check_sw_incr_32();
	check_halves();
	check_promotion(pmu_event_offered(PMU_EV_CPU_CYCLES));
	if (pmu_event_offered(PMU_EV_CPU_CYCLES))
		check_cycles();
	else
		report_skip("PMCEID does not offer CPU_CYCLES: neither its "
			    "CHAIN carry nor its promotions");
	if (pmu_has_64bit_counters())
		check_sw_incr_64();
	else
		report_skip("64-bit overflow (PMCR.LP) needs PMUv3p5");
out:
	pmu_test_end();
}
DEFINE_TEST(test_chain, "pmu.chain");
