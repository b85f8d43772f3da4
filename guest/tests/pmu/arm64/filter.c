// SPDX-License-Identifier: GPL-2.0-only
/* pmu.filter: what counts under the host's arm64 PMU event filter (paired). */
#include "cmdline.h"
#include "hostctl.h"
#include "hvcheck_abi.h"
#include "pmu_test.h"
#include "report.h"
#include "string.h"
#include "test.h"

#define LOOPS 10000

/*
 * The host gets a policy (--pmu-filter), the guest only the verdict it
 * implies: filter.denied=ITEM,... or none.  KVM never filters SW_INCR,
 * ignores CHAIN in a filter and filters the cycle counter through
 * CPU_CYCLES, so a verdict that denies sw-incr or chain is the
 * manifest's mistake, said as a FAIL.
 */
enum item {
	SW_INCR,
	CHAIN,
	CPU_CYCLES,
	CYCLE_COUNTER,
	INST_RETIRED,
	BR_RETIRED,
	NR_ITEMS
};

static const struct {
	const char *name;
	unsigned int event;
} items[NR_ITEMS] = {
	[SW_INCR] = { "sw-incr", PMU_EV_SW_INCR },
	[CHAIN] = { "chain", PMU_EV_CHAIN },
	[CPU_CYCLES] = { "cpu-cycles", PMU_EV_CPU_CYCLES },
	[CYCLE_COUNTER] = { "cycle-counter", PMU_EV_CPU_CYCLES },
	[INST_RETIRED] = { "inst-retired", PMU_EV_INST_RETIRED },
	[BR_RETIRED] = { "br-retired", PMU_EV_BR_RETIRED },
};

/* The deniable items: all but SW_INCR and CHAIN. */
static bool parse_items(const char *key, u32 *set)
{
	if (!cmdline_get_names(key, &items[0].name, NR_ITEMS, sizeof(items[0]),
			       set))
		return false;
	if (!(*set & (BIT(SW_INCR) | BIT(CHAIN))))
		return true;
	report(false, "%s: KVM never filters sw-incr or chain", key);
	return false;
}

/* What item counts over its workload. */
static u64 measure(enum item it)
{
	u64 n;

	pmu_reset();
	write_sysreg(PMCR_E, pmcr_el0);
	switch (it) {
	case SW_INCR:
		pmu_counter_setup(0, PMU_EV_SW_INCR, 0);
		swinc(0x1, SWINC_TIMES);
		n = pmu_evcntr_read(0);
		break;
	case CHAIN:
		pmu_counter_setup(0, PMU_EV_SW_INCR, PRE_OVERFLOW_32);
		pmu_counter_setup(1, PMU_EV_CHAIN, 0);
		swinc(0x1, SWINC_TIMES);
		n = pmu_evcntr_read(1);
		break;
	case CYCLE_COUNTER:
		n = count_loop(31, LOOPS);
		break;
	default:
		pmu_evtyper_write(0, items[it].event);
		n = count_loop(0, LOOPS);
		break;
	}
	pmu_reset();
	return n;
}

/*
 * Whether a denied item's "counts nothing" says anything: not when the
 * host's own PMU lacks its event or counted none of it when the VMM
 * measured it (HV_HOSTCTL_HOST_EVENTS: its PMCEID, measured),
 * so that it would count nothing unfiltered either (as INST_RETIRED
 * and BR_RETIRED in the nested bed, whose L0 QEMU runs without
 * -icount); then the line is a SKIP with that reason.  Unknown: real.
 */
static bool counts_unfiltered(enum item it)
{
	unsigned int ev = items[it].event;
	u64 host;

	if (!(hostctl_read(HV_HOSTCTL_FEATURES) & HV_HOSTCTL_F_HOST_EVENTS))
		return true;
	host = hostctl_read(HV_HOSTCTL_HOST_EVENTS_LO) |
	       (u64)hostctl_read(HV_HOSTCTL_HOST_EVENTS_HI) << 32;
	if (host & BIT_ULL(ev))
		return true;
	report_skip("%s (0x%x) denied: the host's PMU does not count it "
		    "(host events 0x%lx), so it never counts unfiltered: "
		    "its denial is not observable here",
		    items[it].name, ev, host);
	return false;
}

static void check_item(enum item it, bool denied)
{
	unsigned int ev = items[it].event;
	u64 n = measure(it);

	if (denied && !counts_unfiltered(it))
		return;
	if (denied) {
		report(n == 0, "%s (0x%x) denied: counts nothing (%lu)",
		       items[it].name, ev, n);
		if (it != CYCLE_COUNTER)
			report(!pmu_event_offered(ev),
			       "%s (0x%x) denied: PMCEID does not offer it",
			       items[it].name, ev);
	} else if (it == SW_INCR || it == CHAIN) {
		report(n == (it == SW_INCR ? SWINC_TIMES : 1),
		       "%s (0x%x) is never filtered: counts %lu",
		       items[it].name, ev, n);
	} else if (!pmu_event_offered(ev)) {
		report_skip("%s (0x%x) allowed, but PMCEID does not offer it",
			    items[it].name, ev);
	} else {
		report(n > 0, "%s (0x%x) allowed: counts (%lu)", items[it].name,
		       ev, n);
	}
}

static void check_all(u32 denied)
{
	for (unsigned int i = 0; i < NR_ITEMS; i++)
		check_item(i, denied & BIT(i));
}

/*
 * filter.select=N asks the host for policy N after the first run; KVM
 * refuses any filter change then (-EBUSY, Linux 5.18 and later): the
 * host reports filter.select_status (an errno) and counting follows
 * the first filter.
 */
static void check_change(u32 denied)
{
	u32 index = cmdline_get_u64("filter.select", 0);
	u32 want = cmdline_get_u64("filter.select_status", 0);
	u32 active = hostctl_read(HV_HOSTCTL_FILTER_ACTIVE);

	hostctl_write(HV_HOSTCTL_FILTER_SELECT, index);
	report(hostctl_read(HV_HOSTCTL_FILTER_STATUS) == want,
	       "FILTER_SELECT=%u after the first run: the host reports "
	       "errno %u (%u)",
	       index, want, hostctl_read(HV_HOSTCTL_FILTER_STATUS));
	report(hostctl_read(HV_HOSTCTL_FILTER_ACTIVE) == active,
	       "FILTER_ACTIVE stays %u", active);
	report_prefix_push("after the refused change");
	check_all(denied);
	report_prefix_pop();
}

static void test_filter(void)
{
	char why[160];
	u32 denied;

	if (!pmu_test_begin())
		return;
	if (!cmdline_has("filter.denied")) {
		report_skip("no filter.denied= on the command line: nothing "
			    "to expect of the host's filter");
		goto out;
	}
	if (hostctl_probe(HV_HOSTCTL_F_PMU_FILTER, "switch PMU filters", why,
			  sizeof(why))) {
		report_skip("%s", why);
		goto out;
	}
	if (!need_counters(2, "the filter's items") ||
	    !parse_items("filter.denied", &denied))
		goto out;
	check_all(denied);
	if (cmdline_has("filter.select"))
		check_change(denied);
out:
	pmu_test_end();
}
DEFINE_TEST(test_filter, "pmu.filter");
