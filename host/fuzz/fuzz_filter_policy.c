// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer target: filter policies, their raw form, the filter engine. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "vpmu/filter.h"
#include "vpmu/filter_policy.h"

#define ROUND_TRIP_MAX 4096 /* entries: a longer raw form costs too much */

/* Field by field: a range's padding byte is not part of the policy. */
static bool same_arm64(const struct filter_arm64 *a,
		       const struct filter_arm64 *b)
{
	if (a->event_bits != b->event_bits || a->nr != b->nr)
		return false;
	for (unsigned int i = 0; i < a->nr; i++)
		if (a->ranges[i].base_event != b->ranges[i].base_event ||
		    a->ranges[i].nevents != b->ranges[i].nevents ||
		    a->ranges[i].action != b->ranges[i].action)
			return false;
	return true;
}

static bool same_policy(const struct filter_policy *a,
			const struct filter_policy *b)
{
	if (a->arch != b->arch || a->none != b->none || a->vendor != b->vendor)
		return false;
	if (a->arch == FILTER_ARCH_ARM64)
		return same_arm64(&a->arm64, &b->arm64);
	return a->x86.action == b->x86.action && a->x86.flags == b->x86.flags &&
	       a->x86.fixed_bitmap == b->x86.fixed_bitmap &&
	       a->x86.nevents == b->x86.nevents &&
	       (!a->x86.nevents ||
		!memcmp(a->x86.events, b->x86.events,
			a->x86.nevents * sizeof(*a->x86.events)));
}

/* The raw form parses back to the identical policy. */
static void check_raw(const struct filter_policy *p)
{
	struct filter_policy again;
	char *text = NULL, err[256] = "";
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	int ret;

	if (!out)
		abort();
	filter_policy_print_raw(out, p);
	fclose(out);
	ret = filter_policy_parse(text, p->arch, &again, err, sizeof(err));
	FUZZ_CHECK(!ret, "the raw form %s does not parse: %s", text, err);
	FUZZ_CHECK(same_policy(p, &again), "the raw form %s is another policy",
		   text);
	filter_policy_free(&again);
	free(text);
}

/* KVM's verdict for a GP eventsel, by a scan of the entries as given. */
static bool x86_scan(const struct filter_x86 *f, enum filter_vendor v,
		     uint64_t eventsel)
{
	uint16_t sel_mask = v == FILTER_VENDOR_AMD ? 0xfff : 0xff;
	uint16_t sel = filter_x86_entry_select(eventsel) & sel_mask;
	uint8_t umask = eventsel >> 8;
	bool masked = f->flags & FILTER_FLAG_MASKED_EVENTS;
	bool incl = false, excl = false;

	for (uint32_t i = 0; i < f->nevents; i++) {
		uint64_t e = f->events[i];
		uint8_t mask = masked ? e >> FILTER_MASKED_MASK_SHIFT : 0xff;
		uint8_t match = e >> FILTER_MASKED_MATCH_SHIFT;

		if (!masked && !filter_x86_plain_kept(e, v))
			continue;
		if ((filter_x86_entry_select(e) & sel_mask) != sel ||
		    (umask & mask) != match)
			continue;
		if (masked && (e & FILTER_MASKED_EXCLUDE))
			excl = true;
		else
			incl = true;
	}
	return (incl && !excl) == (f->action == FILTER_ACTION_ALLOW);
}

static void x86_ask(const struct filter_x86 *f, enum filter_vendor v,
		    const struct filter_x86_rules *r, uint16_t sel,
		    uint8_t umask)
{
	uint64_t eventsel = FILTER_X86_EVENT_SELECT(sel) | (uint64_t)umask << 8;

	FUZZ_CHECK(
		filter_x86_gp_allowed(r, eventsel) == x86_scan(f, v, eventsel),
		"engine and scan differ on select 0x%x umask 0x%x", sel, umask);
}

/* The compiled x86 filter agrees with the scan near every entry. */
static void check_x86(const struct filter_policy *p)
{
	const struct filter_x86 *f = &p->x86;
	struct filter_x86_rules r;

	if (filter_x86_compile(f, p->vendor, &r, NULL, NULL, 0))
		return;
	for (uint32_t i = 0; i < f->nevents && i < 64; i++) {
		uint64_t e = f->events[i];
		uint16_t sel = filter_x86_entry_select(e);
		uint8_t match = e >> FILTER_MASKED_MATCH_SHIFT;
		uint8_t mask = e >> FILTER_MASKED_MASK_SHIFT;

		x86_ask(f, p->vendor, &r, sel, match);
		x86_ask(f, p->vendor, &r, sel, match | ~mask);
		x86_ask(f, p->vendor, &r, sel, match ^ 1);
		x86_ask(f, p->vendor, &r, sel + 1, match);
	}
	x86_ask(f, p->vendor, &r, 0xc0, 0);
	for (unsigned int i = 0; i < 34; i++) {
		bool bit = i < 32 && (f->fixed_bitmap >> i & 1);

		FUZZ_CHECK(filter_x86_fixed_allowed(&r, i) ==
				   (bit == (f->action == FILTER_ACTION_ALLOW)),
			   "fixed counter %u", i);
	}
	filter_x86_rules_free(&r);
}

/* KVM's verdict for an arm64 event: the ranges applied in order. */
static bool arm64_scan(const struct filter_arm64 *f, uint16_t event)
{
	bool allowed = true;

	event &= (1u << f->event_bits) - 1;
	if (event == FILTER_ARM64_SW_INCR || event == FILTER_ARM64_CHAIN)
		return true;
	for (unsigned int i = 0; i < f->nr; i++) {
		const struct filter_arm64_range *r = &f->ranges[i];

		if (i == 0)
			allowed = r->action != FILTER_ACTION_ALLOW;
		if (event >= r->base_event &&
		    event - r->base_event < r->nevents)
			allowed = r->action == FILTER_ACTION_ALLOW;
	}
	return allowed;
}

static void check_arm64(const struct filter_arm64 *f)
{
	struct filter_arm64_rules r;

	if (filter_arm64_compile(f, &r, NULL, NULL, 0))
		return;
	for (unsigned int i = 0; i < f->nr && i < 64; i++) {
		const struct filter_arm64_range *g = &f->ranges[i];
		uint16_t ask[] = { g->base_event, g->base_event - 1,
				   g->base_event + g->nevents,
				   g->base_event + g->nevents - 1,
				   FILTER_ARM64_CPU_CYCLES };

		for (unsigned int j = 0; j < sizeof(ask) / sizeof(*ask); j++)
			FUZZ_CHECK(filter_arm64_allowed(&r, ask[j]) ==
					   arm64_scan(f, ask[j]),
				   "engine and scan differ on event 0x%x",
				   ask[j]);
	}
	filter_arm64_rules_free(&r);
}

/*
 * First byte: the architecture; the rest is the policy's text.  A
 * refusal is one line; a policy's raw form parses back to it; the
 * engine's lookups agree with a linear scan of the policy.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum filter_arch arch = size && (data[0] & 1) ? FILTER_ARCH_ARM64 :
							FILTER_ARCH_X86;
	char *text = fuzz_string(data + !!size, size - !!size);
	struct filter_policy p;
	char err[256] = "";
	int ret;

	ret = filter_policy_parse(text, arch, &p, err, sizeof(err));
	free(text);
	if (ret) {
		FUZZ_CHECK(ret == -EINVAL, "filter_policy_parse() returned %d",
			   ret);
		fuzz_check_one_line(err);
		return 0;
	}
	if (p.x86.nevents <= ROUND_TRIP_MAX && p.arm64.nr <= ROUND_TRIP_MAX)
		check_raw(&p);
	if (!p.none && arch == FILTER_ARCH_X86)
		check_x86(&p);
	else if (!p.none)
		check_arm64(&p.arm64);
	filter_policy_free(&p);
	return 0;
}
