// SPDX-License-Identifier: GPL-2.0-only
/* pmu.filter: what counts under the host's PMU event filter (paired test). */
#include "cmdline.h"
#include "exceptions.h"
#include "hostctl.h"
#include "hvcheck_abi.h"
#include "pmu.h"
#include "printf.h"
#include "processor.h"
#include "report.h"
#include "string.h"
#include "test.h"

/*
 * What the command line can name: four architectural events on GP
 * counters, and the fixed counters.  The host gets the policy, the
 * guest only the verdict it implies, filter.denied=ITEM,... (or none).
 */
struct filter_item {
	const char *name;
	bool fixed;
	unsigned int idx; /* enum pmu_event, or the fixed counter */
};

static const struct filter_item items[] = {
	{ "instructions", false, PMU_EV_INSTRUCTIONS },
	{ "branches", false, PMU_EV_BRANCHES },
	{ "cycles", false, PMU_EV_CORE_CYCLES },
	{ "ref-cycles", false, PMU_EV_REF_CYCLES },
	{ "fixed0", true, 0 },
	{ "fixed1", true, 1 },
	{ "fixed2", true, 2 },
};

/* One measured counter: GP counters get their event, fixed ones have it. */
struct filter_slot {
	unsigned int item;
	struct pmu_counter counter;
};

/*
 * The counters that count together; with fewer GP counters than events
 * the events take several rounds.
 */
struct filter_round {
	unsigned int nr;
	struct filter_slot slots[ARRAY_SIZE(items)];
	u64 global_ctrl;
};

/* filter.select: the policy the guest switches to, and what it implies. */
struct filter_change {
	bool wanted;
	u32 index; /* HV_HOSTCTL_FILTER_NONE: no filter */
	const char *name;
	u32 denied_after;
	u32 initial; /* FILTER_ACTIVE before the first switch */
};

static bool parse_items(const char *key, u32 *set)
{
	return cmdline_get_names(key, &items[0].name, ARRAY_SIZE(items),
				 sizeof(items[0]), set);
}

/* filter.select=N|none with filter.denied_after, or neither. */
static bool parse_change(struct filter_change *change)
{
	bool has_after = cmdline_has("filter.denied_after");
	u64 index;

	change->wanted = cmdline_has("filter.select");
	if (change->wanted != has_after) {
		report(false, "filter.select and filter.denied_after go "
			      "together: one is missing");
		return false;
	}
	if (!change->wanted)
		return true;
	change->name = cmdline_get_str("filter.select", "");
	if (!strcmp(change->name, "none")) {
		change->index = HV_HOSTCTL_FILTER_NONE;
	} else if (str_to_u64(change->name, &index) ||
		   index >= HV_HOSTCTL_FILTER_NONE) {
		report(false, "filter.select=%s is not a policy number or none",
		       change->name);
		return false;
	} else {
		change->index = index;
	}
	return parse_items("filter.denied_after", &change->denied_after);
}

/* ev's encoding for messages: Intel's event/umask, AMD's 12-bit select. */
static const char *event_code(enum pmu_event ev, char *buf, size_t size)
{
	if (pmu.amd)
		snprintf(buf, size, "%03x", pmu_events[ev].amd_event);
	else
		snprintf(buf, size, "%02x/%02x", pmu_events[ev].event,
			 pmu_events[ev].umask);
	return buf;
}

static enum pmu_event slot_event(const struct filter_slot *s)
{
	return s->counter.fixed ? pmu_counter_event(s->counter) :
				  (enum pmu_event)items[s->item].idx;
}

/*
 * The items this PMU can measure, in rounds of at most nr_gp GP
 * counters (one where there is no global control: AMD's legacy and
 * PerfCtrExtCore counters), the fixed counters in the first; one SKIP per item it
 * cannot.  Returns the number of rounds.
 */
static unsigned int plan_rounds(struct filter_round *rounds,
				unsigned int max_rounds)
{
	/* without a global control each round starts one counter by EN */
	unsigned int per = pmu.msr_global_ctrl ? pmu.nr_gp : 1;
	unsigned int nr_rounds = 1, gp = 0;

	memset(rounds, 0, max_rounds * sizeof(*rounds));
	for (unsigned int i = 0; i < ARRAY_SIZE(items); i++) {
		const struct filter_item *it = &items[i];
		struct filter_round *r;

		if (it->fixed && !pmu_fixed_exists(it->idx)) {
			report_skip("%s: fixed counter %u does not exist (%u "
				    "fixed counters, bitmap 0x%x)",
				    it->name, it->idx, pmu.nr_fixed,
				    pmu.fixed_bitmap);
			continue;
		}
		if (!it->fixed && !pmu.nr_gp) {
			report_skip("%s: the PMU has no GP counters", it->name);
			continue;
		}
		if (!it->fixed && pmu.amd && !pmu_event_available(it->idx)) {
			report_skip("%s: no AMD event select modelled",
				    it->name);
			continue;
		}
		if (!it->fixed && !pmu_event_available(it->idx)) {
			report_skip(
				"%s (%02x/%02x): unavailable (CPUID.0AH:EBX "
				"bit %u or beyond its length)",
				it->name, pmu_events[it->idx].event,
				pmu_events[it->idx].umask, it->idx);
			continue;
		}
		if (it->fixed) {
			r = &rounds[0];
			r->slots[r->nr].counter =
				(struct pmu_counter){ true, it->idx };
		} else {
			r = &rounds[gp / per];
			r->slots[r->nr].counter =
				(struct pmu_counter){ false, gp % per };
			nr_rounds = MAX(nr_rounds, gp / per + 1);
			gp++;
		}
		r->slots[r->nr].item = i;
		r->global_ctrl |=
			pmu_counter_global_bit(r->slots[r->nr].counter);
		r->nr++;
	}
	return nr_rounds;
}

/*
 * The wrmsr that starts (on) or stops the round's counters: GLOBAL_CTRL,
 * or, with no global control, the one GP counter's EN.
 */
static struct pmu_wrmsr round_switch(const struct filter_round *r, bool on)
{
	u64 evtsel;

	if (pmu.msr_global_ctrl)
		return (struct pmu_wrmsr){ pmu.msr_global_ctrl,
					   on ? r->global_ctrl : 0 };
	evtsel = pmu_evtsel(slot_event(&r->slots[0]),
			    PMU_EVTSEL_OS | PMU_EVTSEL_USR);
	return (struct pmu_wrmsr){ pmu_evtsel_msr(r->slots[0].counter.idx),
				   on ? evtsel : evtsel & ~PMU_EVTSEL_EN };
}

static void round_set(const struct filter_round *r, bool on)
{
	struct pmu_wrmsr w = round_switch(r, on);

	wrmsr(w.msr, w.value);
}

/*
 * Programs every counter of the round, each write checked: a filter
 * denies counting, never the write (KVM gives no #GP).  They are left
 * stopped in GLOBAL_CTRL.
 */
static void program(const struct filter_round *r)
{
	u64 fixed_ctrl = 0;
	char code[16];

	for (unsigned int i = 0; i < r->nr; i++) {
		const struct filter_slot *s = &r->slots[i];
		enum pmu_event ev = slot_event(s);

		if (s->counter.fixed) {
			fixed_ctrl |= PMU_FIXED_FIELD(
				s->counter.idx, PMU_FIXED_OS | PMU_FIXED_USR);
			continue;
		}
		pmu_report_vector(
			wrmsr_safe(pmu_evtsel_msr(s->counter.idx),
				   pmu_evtsel(ev,
					      PMU_EVTSEL_OS | PMU_EVTSEL_USR)),
			EXC_NONE, "PERFEVTSEL%u programmed with %s (%s)",
			s->counter.idx, items[s->item].name,
			event_code(ev, code, sizeof(code)));
	}
	if (!pmu.msr_global_ctrl) {
		if (r->nr) /* left stopped: EN clear */
			round_set(r, false);
		return;
	}
	if (fixed_ctrl)
		pmu_report_vector(wrmsr_safe(MSR_IA32_FIXED_CTR_CTRL,
					     fixed_ctrl),
				  EXC_NONE, "FIXED_CTR_CTRL 0x%lx programmed",
				  fixed_ctrl);
	pmu_report_vector(wrmsr_safe(pmu.msr_global_ctrl, r->global_ctrl),
			  EXC_NONE, "GLOBAL_CTRL 0x%lx enables them",
			  r->global_ctrl);
	wrmsr(pmu.msr_global_ctrl, 0);
}

static void zero_counters(const struct filter_round *r)
{
	for (unsigned int i = 0; i < r->nr; i++)
		wrmsr(pmu_counter_msr(r->slots[i].counter), 0);
}

/*
 * One region with every counter of the round enabled together, then
 * one check per counter: a denied one holds 0, an allowed one counts
 * the loop (exactly where pmu_exact() says counts are exact).
 */
static void measure(const struct filter_round *r, u32 denied, u64 loops)
{
	struct pmu_wrmsr start = round_switch(r, true);
	struct pmu_wrmsr stop = round_switch(r, false);
	struct pmu_expect expect;
	char code[16];

	expect = pmu_loop_expect(loops, pmu_loop(start, stop, loops));
	for (unsigned int i = 0; i < r->nr; i++) {
		const struct filter_slot *s = &r->slots[i];
		enum pmu_event ev = slot_event(s);
		u64 count = rdmsr(pmu_counter_msr(s->counter));
		char what[96];

		if (s->counter.fixed)
			snprintf(what, sizeof(what), "fixed counter %u (%s)",
				 s->counter.idx, pmu_events[ev].name);
		else
			snprintf(what, sizeof(what),
				 "GP counter %u counting %s (%s)",
				 s->counter.idx, items[s->item].name,
				 event_code(ev, code, sizeof(code)));
		if (denied & BIT(s->item))
			pmu_report_value(count, 0, "%s: denied, counts nothing",
					 what);
		else
			pmu_report_count(ev, count, &expect,
					 "%s: allowed, counts the loop", what);
	}
}

/* Asks the host for policy index; both registers must agree it did. */
static void select_policy(u32 index, const char *name)
{
	hostctl_write(HV_HOSTCTL_FILTER_SELECT, index);
	pmu_report_value(hostctl_read(HV_HOSTCTL_FILTER_STATUS), 0,
			 "FILTER_SELECT=%s: FILTER_STATUS reports no error",
			 name);
	pmu_report_value(hostctl_read(HV_HOSTCTL_FILTER_ACTIVE), index,
			 "FILTER_SELECT=%s: FILTER_ACTIVE reads it back", name);
}

/*
 * The switch happens with every counter still programmed and enabled
 * in its PERFEVTSEL/FIXED_CTR_CTRL: only the counts are reset.  So the
 * host must apply the new policy to counters the guest did not
 * reprogram, as KVM does when a filter is replaced.
 */
static void measure_after_change(const struct filter_round *r,
				 const struct filter_change *change, u64 loops)
{
	zero_counters(r);
	select_policy(change->index, change->name);
	report_prefix_pushf("after FILTER_SELECT=%s", change->name);
	measure(r, change->denied_after, loops);
	report_prefix_pop();
}

/*
 * The switch while the counters run: GLOBAL_CTRL stays enabled across
 * FILTER_SELECT and only RDMSR touches the PMU until the end, so only
 * the host's own re-check at the vCPU's next entry can apply the new
 * policy.  A denied counter must hold its value from the first read
 * after the switch on; an allowed one must move.
 */
static void measure_live_change(const struct filter_round *r,
				const struct filter_change *change, u64 loops)
{
	u64 before[ARRAY_SIZE(items)];

	zero_counters(r);
	round_set(r, true);
	hostctl_write(HV_HOSTCTL_FILTER_SELECT, change->index);
	for (unsigned int i = 0; i < r->nr; i++)
		before[i] = rdmsr(pmu_counter_msr(r->slots[i].counter));
	for (u64 n = 0; n < loops; n++)
		asm volatile("" ::: "memory");
	report_prefix_pushf("FILTER_SELECT=%s while counting", change->name);
	for (unsigned int i = 0; i < r->nr; i++) {
		const struct filter_slot *s = &r->slots[i];
		u64 after = rdmsr(pmu_counter_msr(s->counter));

		if (change->denied_after & BIT(s->item))
			pmu_report_value(after, before[i],
					 "%s: denied, holds its count",
					 items[s->item].name);
		else
			report(after > before[i],
			       "%s: allowed, counts on (%lu after %lu)",
			       items[s->item].name, after, before[i]);
	}
	report_prefix_pop();
	round_set(r, false);
	pmu_report_value(hostctl_read(HV_HOSTCTL_FILTER_STATUS), 0,
			 "FILTER_SELECT=%s while counting: no error",
			 change->name);
}

/* The first policy again, so that each round starts under it. */
static void restore_initial(const struct filter_change *change)
{
	hostctl_write(HV_HOSTCTL_FILTER_SELECT, change->initial);
	pmu_report_value(hostctl_read(HV_HOSTCTL_FILTER_STATUS), 0,
			 "FILTER_SELECT back to the first policy (0x%x) "
			 "reports no error",
			 change->initial);
}

static void test_filter(void)
{
	struct filter_round rounds[ARRAY_SIZE(items)];
	struct filter_change change = { 0 };
	unsigned int nr_rounds;
	const char *absent;
	u64 loops = pmu_loops();
	char why[160];
	u32 denied;

	if (!cmdline_has("filter.denied")) {
		report_skip("no filter.denied= on the command line: nothing "
			    "to expect of the host's filter");
		return;
	}
	if (!parse_items("filter.denied", &denied) || !parse_change(&change))
		return;
	/* AMD's legacy and core counters start by EN: no v2 needed */
	if (!pmu_require() || (!pmu.amd && !pmu_require_v2()))
		return;
	if (change.wanted) {
		absent = hostctl_probe(HV_HOSTCTL_F_PMU_FILTER,
				       "switch PMU event filters", why,
				       sizeof(why));
		if (absent) {
			report_skip("filter.select=%s: %s", change.name,
				    absent);
			change.wanted = false;
		} else {
			change.initial = hostctl_read(HV_HOSTCTL_FILTER_ACTIVE);
		}
	}

	nr_rounds = plan_rounds(rounds, ARRAY_SIZE(rounds));
	for (unsigned int i = 0; i < nr_rounds; i++) {
		if (nr_rounds > 1)
			report_prefix_pushf("round %u", i);
		if (i && change.wanted)
			restore_initial(&change);
		program(&rounds[i]);
		zero_counters(&rounds[i]);
		measure(&rounds[i], denied, loops);
		if (change.wanted) {
			measure_after_change(&rounds[i], &change, loops);
			restore_initial(&change);
			measure_live_change(&rounds[i], &change, loops);
		}
		pmu_reset();
		if (nr_rounds > 1)
			report_prefix_pop();
	}
}
DEFINE_TEST(test_filter, "pmu.filter");
