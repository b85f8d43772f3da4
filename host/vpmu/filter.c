// SPDX-License-Identifier: GPL-2.0-only
/* The PMU event filter engine: KVM's x86 and arm64 semantics, no KVM calls. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vpmu/filter.h"

#define UMASK_SHIFT 8
#define NR_UMASKS   256u

/* A masked entry's fields, or a plain entry's as KVM converts it. */
struct filter_cube {
	uint16_t event_select;
	uint8_t mask;
	uint8_t match;
	bool exclude;
};

static void filter_say(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void filter_say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!why || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

static uint64_t vendor_event_mask(enum filter_vendor vendor)
{
	if (vendor == FILTER_VENDOR_AMD)
		return FILTER_X86_EVENT_LO | FILTER_X86_EVENT_HI;
	return FILTER_X86_EVENT_LO;
}

uint16_t filter_x86_entry_select(uint64_t e)
{
	return (e & FILTER_X86_EVENT_LO) | ((e & FILTER_X86_EVENT_HI) >> 24);
}

const char *filter_errno_name(int err)
{
	return strerrorname_np(-err) ?: "an unknown error";
}

static uint64_t masked_entry_fields(enum filter_vendor vendor)
{
	return vendor_event_mask(vendor) | FILTER_MASKED_MATCH |
	       FILTER_MASKED_EXCLUDE | FILTER_MASKED_MASK;
}

static int filter_x86_check_entry(uint64_t e, unsigned int i,
				  enum filter_vendor vendor, char *why,
				  size_t len)
{
	uint64_t bad = e & ~masked_entry_fields(vendor);

	if (!bad)
		return 0;
	if (bad == (e & FILTER_X86_EVENT_HI))
		filter_say(
			why, len,
			"events[%u] = 0x%016" PRIx64
			" has bits 35:32 set: Intel has no event select bits 11:8",
			i, e);
	else
		filter_say(why, len,
			   "events[%u] = 0x%016" PRIx64
			   " has bits 0x%016" PRIx64
			   " outside a masked entry's fields",
			   i, e, bad);
	return -EINVAL;
}

int filter_x86_validate(const struct filter_x86 *f, enum filter_vendor vendor,
			int *bad_entry, char *why, size_t len)
{
	unsigned int i;
	int ret;

	if (bad_entry)
		*bad_entry = -1;
	filter_say(why, len, "%s", "");

	/* KVM checks the header first, in this order, then the entries. */
	if (f->action != FILTER_ACTION_ALLOW &&
	    f->action != FILTER_ACTION_DENY) {
		filter_say(why, len,
			   "action %" PRIu32
			   " is neither 0 (allow) nor 1 (deny)",
			   f->action);
		return -EINVAL;
	}
	if (f->flags & ~FILTER_FLAG_MASKED_EVENTS) {
		filter_say(why, len,
			   "flags 0x%" PRIx32
			   " has bits other than 0x1 (masked events)",
			   f->flags);
		return -EINVAL;
	}
	if (f->nevents > FILTER_X86_MAX_EVENTS) {
		filter_say(why, len, "%" PRIu32 " events: KVM takes at most %d",
			   f->nevents, FILTER_X86_MAX_EVENTS);
		return -E2BIG;
	}
	/* Plain entries are never refused: KVM drops what cannot match. */
	if (!(f->flags & FILTER_FLAG_MASKED_EVENTS))
		return 0;
	for (i = 0; i < f->nevents; i++) {
		ret = filter_x86_check_entry(f->events[i], i, vendor, why, len);
		if (ret) {
			if (bad_entry)
				*bad_entry = i;
			return ret;
		}
	}
	return 0;
}

bool filter_x86_plain_kept(uint64_t e, enum filter_vendor vendor)
{
	return !(e & ~(vendor_event_mask(vendor) | FILTER_X86_UMASK));
}

static int cube_cmp(const void *a, const void *b)
{
	const struct filter_cube *x = a, *y = b;

	return (int)x->event_select - (int)y->event_select;
}

/* Sets every unit mask u with (u & mask) == match, if there is one. */
static void umask_set_add(uint64_t set[4], uint8_t mask, uint8_t match)
{
	uint8_t free_bits = ~mask, sub = 0;
	unsigned int u;

	if (match & ~mask)
		return;
	/* Walk the subsets of the bits the mask leaves free. */
	do {
		u = match | sub;
		set[u / 64] |= 1ULL << (u % 64);
		sub = (sub - free_bits) & free_bits;
	} while (sub);
}

/*
 * The entries as KVM keeps them, sorted by event select: plain entries
 * with stray bits dropped, the others as masked entries.
 */
static int filter_x86_cubes(const struct filter_x86 *f,
			    enum filter_vendor vendor, struct filter_cube **out,
			    unsigned int *nr)
{
	bool masked = f->flags & FILTER_FLAG_MASKED_EVENTS;
	struct filter_cube *cubes;
	unsigned int i, n = 0;
	uint64_t e;

	*out = NULL;
	*nr = 0;
	if (!f->nevents)
		return 0;
	cubes = calloc(f->nevents, sizeof(*cubes));
	if (!cubes)
		return -ENOMEM;
	for (i = 0; i < f->nevents; i++) {
		e = f->events[i];
		if (!masked && !filter_x86_plain_kept(e, vendor))
			continue;
		cubes[n].event_select = filter_x86_entry_select(e);
		cubes[n].match = (e & FILTER_MASKED_MATCH) >> UMASK_SHIFT;
		if (masked) {
			cubes[n].mask = e >> FILTER_MASKED_MASK_SHIFT;
			cubes[n].exclude = e & FILTER_MASKED_EXCLUDE;
		} else {
			cubes[n].mask = 0xff;
		}
		n++;
	}
	if (!n) {
		free(cubes);
		return 0;
	}
	qsort(cubes, n, sizeof(*cubes), cube_cmp);
	*out = cubes;
	*nr = n;
	return 0;
}

/*
 * Per event select, the unit masks that are in the filter: matched by an
 * include entry and by no exclude entry.  Selects with none are left
 * out, which is what "not in the filter" means anyway.
 */
static int filter_x86_selects(const struct filter_x86 *f,
			      enum filter_vendor vendor,
			      struct filter_x86_select **out, unsigned int *nr)
{
	struct filter_x86_select *sel = NULL;
	struct filter_cube *cubes;
	unsigned int n, i, j, k, w, nr_sel = 0;
	uint64_t incl[4], excl[4];
	int ret;

	*out = NULL;
	*nr = 0;
	ret = filter_x86_cubes(f, vendor, &cubes, &n);
	if (ret || !n)
		return ret;
	sel = calloc(n, sizeof(*sel));
	if (!sel) {
		free(cubes);
		return -ENOMEM;
	}
	for (i = 0; i < n; i = j) {
		memset(incl, 0, sizeof(incl));
		memset(excl, 0, sizeof(excl));
		for (j = i;
		     j < n && cubes[j].event_select == cubes[i].event_select;
		     j++)
			umask_set_add(cubes[j].exclude ? excl : incl,
				      cubes[j].mask, cubes[j].match);
		for (w = 0, k = 0; w < 4; w++) {
			sel[nr_sel].in_filter[w] = incl[w] & ~excl[w];
			k |= sel[nr_sel].in_filter[w] != 0;
		}
		if (k)
			sel[nr_sel++].event_select = cubes[i].event_select;
	}
	free(cubes);
	if (!nr_sel) {
		free(sel);
		sel = NULL;
	}
	*out = sel;
	*nr = nr_sel;
	return 0;
}

int filter_x86_compile(const struct filter_x86 *f, enum filter_vendor vendor,
		       struct filter_x86_rules *rules, int *bad_entry,
		       char *why, size_t len)
{
	int ret;

	memset(rules, 0, sizeof(*rules));
	ret = filter_x86_validate(f, vendor, bad_entry, why, len);
	if (ret)
		return ret;
	ret = filter_x86_selects(f, vendor, &rules->selects,
				 &rules->nr_selects);
	if (ret) {
		filter_say(why, len, "out of memory");
		return ret;
	}
	rules->allow = f->action == FILTER_ACTION_ALLOW;
	rules->fixed_bitmap = f->fixed_bitmap;
	rules->event_mask = vendor_event_mask(vendor);
	return 0;
}

void filter_x86_rules_free(struct filter_x86_rules *rules)
{
	free(rules->selects);
	memset(rules, 0, sizeof(*rules));
}

static const struct filter_x86_select *
filter_x86_find(const struct filter_x86_rules *rules, uint16_t event_select)
{
	unsigned int lo = 0, hi = rules->nr_selects, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (rules->selects[mid].event_select == event_select)
			return &rules->selects[mid];
		if (rules->selects[mid].event_select < event_select)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool filter_x86_gp_allowed(const struct filter_x86_rules *rules,
			   uint64_t eventsel)
{
	const struct filter_x86_select *sel;
	unsigned int umask = (eventsel & FILTER_X86_UMASK) >> UMASK_SHIFT;
	bool in_filter;

	if (!rules)
		return true;
	sel = filter_x86_find(
		rules, filter_x86_entry_select(eventsel & rules->event_mask));
	in_filter = sel && (sel->in_filter[umask / 64] >> (umask % 64) & 1);
	return in_filter == rules->allow;
}

bool filter_x86_fixed_allowed(const struct filter_x86_rules *rules,
			      unsigned int idx)
{
	bool listed;

	if (!rules)
		return true;
	listed = idx < FILTER_X86_NR_FIXED && (rules->fixed_bitmap >> idx & 1);
	return listed == rules->allow;
}

/*
 * Covering a set of unit masks with (mask, match) cubes.  A cube is
 * named by one base-3 digit per umask bit: 0 or 1 when the cube fixes
 * the bit to that value, 2 when it leaves it free; the whole space is
 * all 2s.  best[] is the fewest disjoint cubes that cover exactly the
 * set's part of a cube when it is split one free bit at a time, choosing
 * the best bit at each step (a memoised search over all 3^8 cubes).
 */
#define NR_CUBES   6561 /* 3^8 */
#define WHOLE_CUBE (NR_CUBES - 1)

struct umask_cover {
	uint64_t set[4];
	int16_t best[NR_CUBES]; /* -1: not known yet */
	int8_t split[NR_CUBES]; /* the bit split on, -1 for empty/full */
};

static const uint16_t pow3[8] = { 1, 3, 9, 27, 81, 243, 729, 2187 };

/* Within a 64-bit word of the set, the umasks whose bit b is 1. */
static const uint64_t umask_lane[6] = {
	0xaaaaaaaaaaaaaaaaULL, 0xccccccccccccccccULL, 0xf0f0f0f0f0f0f0f0ULL,
	0xff00ff00ff00ff00ULL, 0xffff0000ffff0000ULL, 0xffffffff00000000ULL,
};

static unsigned int cube_count(const uint64_t set[4], unsigned int mask,
			       unsigned int match)
{
	uint64_t lane = ~0ULL;
	unsigned int b, w, n = 0;

	for (b = 0; b < 6; b++) {
		if (!(mask >> b & 1))
			continue;
		lane &= (match >> b & 1) ? umask_lane[b] : ~umask_lane[b];
	}
	for (w = 0; w < 4; w++)
		if ((w & mask >> 6) == match >> 6)
			n += __builtin_popcountll(set[w] & lane);
	return n;
}

static int cover_best(struct umask_cover *cv, unsigned int mask,
		      unsigned int match, unsigned int cube)
{
	unsigned int n, b, bit;
	int fewest, both;

	if (cv->best[cube] >= 0)
		return cv->best[cube];
	n = cube_count(cv->set, mask, match);
	cv->split[cube] = -1;
	if (!n || n == NR_UMASKS >> __builtin_popcount(mask)) {
		fewest = n ? 1 : 0;
	} else {
		fewest = INT16_MAX;
		for (b = 0; b < 8; b++) {
			bit = 1u << b;
			if (mask & bit)
				continue;
			both = cover_best(cv, mask | bit, match,
					  cube - 2 * pow3[b]) +
			       cover_best(cv, mask | bit, match | bit,
					  cube - pow3[b]);
			if (both < fewest) {
				fewest = both;
				cv->split[cube] = b;
			}
		}
	}
	cv->best[cube] = fewest;
	return fewest;
}

static int cover_solve(struct umask_cover *cv, const uint64_t set[4])
{
	memcpy(cv->set, set, sizeof(cv->set));
	memset(cv->best, 0xff, sizeof(cv->best));
	return cover_best(cv, 0, 0, WHOLE_CUBE);
}

static void cover_emit(const struct umask_cover *cv, uint16_t event_select,
		       bool exclude, unsigned int mask, unsigned int match,
		       unsigned int cube, uint64_t *out, uint32_t *n)
{
	int b = cv->split[cube];
	unsigned int bit;

	if (!cv->best[cube])
		return;
	if (b < 0) {
		out[(*n)++] =
			FILTER_MASKED_ENTRY(event_select, mask, match, exclude);
		return;
	}
	bit = 1u << b;
	cover_emit(cv, event_select, exclude, mask | bit, match,
		   cube - 2 * pow3[b], out, n);
	cover_emit(cv, event_select, exclude, mask | bit, match | bit,
		   cube - pow3[b], out, n);
}

/* No event select needs more: one cube per pair of umasks does. */
#define MAX_CUBES_PER_SELECT (NR_UMASKS / 2)

int filter_x86_compress(const struct filter_x86 *f, enum filter_vendor vendor,
			struct filter_x86 *masked)
{
	struct umask_cover *in = NULL, *out = NULL;
	struct filter_x86_select *sel;
	uint64_t complement[4], *events;
	unsigned int nr_sel, i, w;
	uint32_t n = 0;
	int ret;

	memset(masked, 0, sizeof(*masked));
	if (f->flags || (f->action != FILTER_ACTION_ALLOW &&
			 f->action != FILTER_ACTION_DENY))
		return -EINVAL;
	ret = filter_x86_selects(f, vendor, &sel, &nr_sel);
	if (ret)
		return ret;
	events = calloc(nr_sel ? nr_sel * MAX_CUBES_PER_SELECT : 1,
			sizeof(*events));
	in = malloc(sizeof(*in));
	out = malloc(sizeof(*out));
	ret = -ENOMEM;
	if (!events || !in || !out)
		goto out;
	for (i = 0; i < nr_sel; i++) {
		for (w = 0; w < 4; w++)
			complement[w] = ~sel[i].in_filter[w];
		/* Ties go to includes alone, the plainer reading. */
		if (cover_solve(in, sel[i].in_filter) <=
		    1 + cover_solve(out, complement)) {
			cover_emit(in, sel[i].event_select, false, 0, 0,
				   WHOLE_CUBE, events, &n);
		} else {
			events[n++] = FILTER_MASKED_ENTRY(sel[i].event_select,
							  0, 0, false);
			cover_emit(out, sel[i].event_select, true, 0, 0,
				   WHOLE_CUBE, events, &n);
		}
	}
	masked->action = f->action;
	masked->flags = FILTER_FLAG_MASKED_EVENTS;
	masked->fixed_bitmap = f->fixed_bitmap;
	masked->nevents = n;
	masked->events = events;
	events = NULL;
	ret = 0;
out:
	free(events);
	free(out);
	free(in);
	free(sel);
	return ret;
}

void filter_x86_free(struct filter_x86 *f)
{
	free(f->events);
	memset(f, 0, sizeof(*f));
}

/*
 * arm64, as KVM_ARM_VCPU_PMU_V3_FILTER handles each range (read in
 * arch/arm64/kvm/pmu-emul.c): -EINVAL when (u32)base + nevents exceeds
 * the number of events or the action is neither ALLOW nor DENY; the
 * first accepted range allocates the bitmap, cleared for ALLOW and set
 * for DENY, then ALLOW sets and DENY clears [base, base + nevents).  The
 * number of events is the event mask + 1 of a PMU version: that of the
 * VM's host PMU instance (arm_pmu->pmuver) in older kernels; newer ones
 * take the host's sanitised PMUVer limit (kvm_arm_pmu_get_pmuver_limit),
 * "rather than the guest's PMUVer", so a guest offered PMUv3 for
 * Armv8.0 on an Armv8.1+ host still gets 16-bit ranges while its event
 * numbers are cut to 10 bits (kvm_pmu_event_mask() uses the VM's
 * ID_AA64DFR0_EL1).  KVM takes one range per call and keeps the ones
 * before a refused range; a policy is taken here as a whole.
 */
int filter_arm64_compile(const struct filter_arm64 *f,
			 struct filter_arm64_rules *rules, int *bad_range,
			 char *why, size_t len)
{
	const struct filter_arm64_range *r;
	uint32_t nr_events, e;
	unsigned int i;

	memset(rules, 0, sizeof(*rules));
	if (bad_range)
		*bad_range = -1;
	filter_say(why, len, "%s", "");
	if (f->event_bits != 10 && f->event_bits != 16) {
		filter_say(
			why, len,
			"event number width %u: PMUv3 has 10 (Armv8.0) or 16 (Armv8.1 and later)",
			f->event_bits);
		return -EINVAL;
	}
	nr_events = 1u << f->event_bits;
	for (i = 0; i < f->nr; i++) {
		r = &f->ranges[i];
		if ((uint32_t)r->base_event + r->nevents > nr_events)
			filter_say(
				why, len,
				"range %u: events 0x%x + %u go past the %" PRIu32
				" event numbers of %u bits",
				i, r->base_event, r->nevents, nr_events,
				f->event_bits);
		else if (r->action != FILTER_ACTION_ALLOW &&
			 r->action != FILTER_ACTION_DENY)
			filter_say(
				why, len,
				"range %u: action %u is neither 0 (allow) nor 1 (deny)",
				i, r->action);
		else
			continue;
		if (bad_range)
			*bad_range = i;
		return -EINVAL;
	}
	rules->event_bits = f->event_bits;
	if (!f->nr)
		return 0;
	rules->allowed = malloc(nr_events / 8);
	if (!rules->allowed) {
		filter_say(why, len, "out of memory");
		return -ENOMEM;
	}
	memset(rules->allowed,
	       f->ranges[0].action == FILTER_ACTION_ALLOW ? 0 : 0xff,
	       nr_events / 8);
	for (i = 0; i < f->nr; i++) {
		r = &f->ranges[i];
		for (e = r->base_event;
		     e < (uint32_t)r->base_event + r->nevents; e++) {
			if (r->action == FILTER_ACTION_ALLOW)
				rules->allowed[e / 64] |= 1ULL << (e % 64);
			else
				rules->allowed[e / 64] &= ~(1ULL << (e % 64));
		}
	}
	rules->filtered = true;
	return 0;
}

void filter_arm64_rules_free(struct filter_arm64_rules *rules)
{
	free(rules->allowed);
	memset(rules, 0, sizeof(*rules));
}

bool filter_arm64_allowed(const struct filter_arm64_rules *rules,
			  uint16_t event)
{
	if (!rules || !rules->filtered)
		return true;
	event &= (1u << rules->event_bits) - 1;
	/* KVM counts these itself, past the filter check. */
	if (event == FILTER_ARM64_SW_INCR || event == FILTER_ARM64_CHAIN)
		return true;
	return rules->allowed[event / 64] >> (event % 64) & 1;
}

void filter_arm64_free(struct filter_arm64 *f)
{
	free(f->ranges);
	memset(f, 0, sizeof(*f));
}
