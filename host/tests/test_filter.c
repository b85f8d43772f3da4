// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the PMU event filter engine against KVM's semantics. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "array_size.h"
#include "vpmu/filter.h"

#define ALLOW FILTER_ACTION_ALLOW
#define DENY  FILTER_ACTION_DENY
#define INTEL FILTER_VENDOR_INTEL
#define AMD   FILTER_VENDOR_AMD

/* IA32_PERFEVTSELx bits that must not take part in a decision. */
#define SEL_USR	  (1ULL << 16)
#define SEL_OS	  (1ULL << 17)
#define SEL_EDGE  (1ULL << 18)
#define SEL_INT	  (1ULL << 20)
#define SEL_EN	  (1ULL << 22)
#define SEL_INV	  (1ULL << 23)
#define SEL_CMASK (0xffULL << 24)
#define SEL_IN_TX (3ULL << 32) /* Intel's IN_TX, IN_TXCP: AMD's select */

/*
 * The uAPI encodings, written out here rather than taken from the
 * engine's header so that a wrong macro there cannot hide.
 */
static uint64_t plain(unsigned int sel, unsigned int umask)
{
	return (sel & 0xffULL) | ((sel & 0xf00ULL) << 24) |
	       ((uint64_t)(umask & 0xff) << 8);
}

static uint64_t masked(unsigned int sel, unsigned int mask, unsigned int match,
		       bool exclude)
{
	return (sel & 0xffULL) | ((sel & 0xf00ULL) << 24) |
	       ((uint64_t)(match & 0xff) << 8) | ((uint64_t)exclude << 55) |
	       ((uint64_t)(mask & 0xff) << 56);
}

static struct filter_x86 x86(uint32_t action, uint32_t flags, uint32_t bitmap,
			     uint32_t nevents, uint64_t *events)
{
	return (struct filter_x86){
		.action = action,
		.flags = flags,
		.fixed_bitmap = bitmap,
		.nevents = nevents,
		.events = events,
	};
}

#define MASKED FILTER_FLAG_MASKED_EVENTS
static void compile_ok(const struct filter_x86 *f, enum filter_vendor vendor,
		       struct filter_x86_rules *rules)
{
	char why[160];
	int bad;

	assert_int_equal(filter_x86_compile(f, vendor, rules, &bad, why,
					    sizeof(why)),
			 0);
	assert_int_equal(bad, -1);
	assert_string_equal(why, "");
}

static void expect_refused(const struct filter_x86 *f,
			   enum filter_vendor vendor, int err, int bad_entry,
			   const char *why_has)
{
	struct filter_x86_rules rules;
	char why[160] = "";
	int bad = 1234;

	assert_int_equal(filter_x86_validate(f, vendor, &bad, why, sizeof(why)),
			 err);
	assert_int_equal(bad, bad_entry);
	if (!strstr(why, why_has) || strchr(why, '\n'))
		fail_msg("why \"%s\" does not say \"%s\" in one line", why,
			 why_has);

	memset(&rules, 0x5a, sizeof(rules));
	bad = 1234;
	assert_int_equal(filter_x86_compile(f, vendor, &rules, &bad, why,
					    sizeof(why)),
			 err);
	assert_int_equal(bad, bad_entry);
	assert_null(rules.selects);
	assert_int_equal(rules.nr_selects, 0);
	filter_x86_rules_free(&rules);
}

static uint64_t many[FILTER_X86_MAX_EVENTS + 1];

static void fill_many(uint64_t (*encode)(unsigned int))
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = encode(i);
}

static uint64_t many_plain(unsigned int i)
{
	return plain(i & 0xff, i >> 8);
}

static uint64_t many_masked(unsigned int i)
{
	return masked(i & 0xff, 0xff, i >> 8, false);
}

/* Bits 7:0 and 35:32 of an entry or eventsel, whatever else is set. */
static void test_entry_select(void **state)
{
	(void)state;
	assert_int_equal(filter_x86_entry_select(0x4300c0), 0xc0);
	assert_int_equal(filter_x86_entry_select(0x0000000f000000ffULL), 0xfff);
	assert_int_equal(filter_x86_entry_select(
				 FILTER_MASKED_ENTRY(0x2e5, 0xff, 0x41, true)),
			 0x2e5);
	assert_int_equal(filter_x86_entry_select(
				 ~(FILTER_X86_EVENT_LO | FILTER_X86_EVENT_HI)),
			 0);
}

static void test_errno_name(void **state)
{
	(void)state;
	assert_string_equal(filter_errno_name(-E2BIG), "E2BIG");
	assert_string_equal(filter_errno_name(-EINVAL), "EINVAL");
	assert_string_equal(filter_errno_name(-99999), "an unknown error");
}

static void test_validate_action(void **state)
{
	uint64_t ev[] = { plain(0xc0, 0) };
	struct filter_x86 f = x86(2, 0, 0, 1, ev);

	(void)state;
	expect_refused(&f, INTEL, -EINVAL, -1, "action 2");
	f.action = 0xffffffff;
	expect_refused(&f, AMD, -EINVAL, -1, "action 4294967295");
	f.action = DENY;
	assert_int_equal(filter_x86_validate(&f, INTEL, NULL, NULL, 0), 0);
}

static void test_validate_flags(void **state)
{
	struct filter_x86 f = x86(ALLOW, 2, 0, 0, NULL);

	(void)state;
	expect_refused(&f, INTEL, -EINVAL, -1, "flags 0x2");
	f.flags = 3;
	expect_refused(&f, INTEL, -EINVAL, -1, "flags 0x3");
	f.flags = 0x80000000;
	expect_refused(&f, AMD, -EINVAL, -1, "flags 0x80000000");
	f.flags = MASKED;
	assert_int_equal(filter_x86_validate(&f, INTEL, NULL, NULL, 0), 0);
}

static void test_validate_length(void **state)
{
	struct filter_x86 f = x86(ALLOW, 0, 0, FILTER_X86_MAX_EVENTS, many);
	struct filter_x86_rules rules;

	(void)state;
	fill_many(many_plain);
	compile_ok(&f, INTEL, &rules);
	filter_x86_rules_free(&rules);
	f.nevents++;
	expect_refused(&f, INTEL, -E2BIG, -1, "301 events");

	fill_many(many_masked);
	f.flags = MASKED;
	f.nevents = FILTER_X86_MAX_EVENTS;
	compile_ok(&f, AMD, &rules);
	filter_x86_rules_free(&rules);
	f.nevents = 0xffffffff;
	expect_refused(&f, AMD, -E2BIG, -1, "4294967295 events");
}

/* KVM: action, then flags, then the length, then the entries. */
static void test_validate_order(void **state)
{
	struct filter_x86 f = x86(ALLOW, MASKED, 0, 301, many);

	(void)state;
	fill_many(many_masked);
	many[0] |= 1ULL << 16;
	expect_refused(&f, INTEL, -E2BIG, -1, "events");
	f.action = 7;
	expect_refused(&f, INTEL, -EINVAL, -1, "action 7");
	f.action = DENY;
	f.flags = 5;
	expect_refused(&f, INTEL, -EINVAL, -1, "flags 0x5");
	f.flags = MASKED;
	f.nevents = 300;
	expect_refused(&f, INTEL, -EINVAL, 0, "events[0]");
}

static void test_validate_masked_bits(void **state)
{
	uint64_t ev[] = {
		masked(0x2e, 0xff, 0x41, false),
		masked(0xc0, 0xf0, 0x10, true),
		masked(0xff, 0xff, 0xff, true),
		masked(0xc4, 0x00, 0x00, false),
	};
	struct filter_x86 f = x86(DENY, MASKED, 0, ARRAY_SIZE(ev), ev);
	struct filter_x86_rules rules;

	(void)state;
	compile_ok(&f, INTEL, &rules);
	filter_x86_rules_free(&rules);

	ev[3] |= 1ULL << 16;
	expect_refused(&f, INTEL, -EINVAL, 3,
		       "events[3] = 0x00000000000100c4 has bits "
		       "0x0000000000010000 outside");
	expect_refused(&f, AMD, -EINVAL, 3, "events[3]");
	ev[3] = masked(0xc4, 0, 0, false) | 1ULL << 54;
	expect_refused(&f, AMD, -EINVAL, 3, "0x0040000000000000");
	ev[3] = masked(0xc4, 0, 0, false) | 0xffULL << 40;
	expect_refused(&f, INTEL, -EINVAL, 3, "0x0000ff0000000000");

	/* Event select bits 11:8 exist on AMD only. */
	ev[3] = masked(0x1c4, 0, 0, false);
	expect_refused(&f, INTEL, -EINVAL, 3,
		       "events[3] = 0x00000001000000c4 has bits 35:32 set");
	compile_ok(&f, AMD, &rules);
	filter_x86_rules_free(&rules);
	ev[1] = masked(0xfff, 0xff, 0xff, true);
	compile_ok(&f, AMD, &rules);
	filter_x86_rules_free(&rules);
	expect_refused(&f, INTEL, -EINVAL, 1, "events[1]");
}

/* Plain entries with stray bits are accepted, then never match. */
static void test_plain_dropped(void **state)
{
	uint64_t ev[] = {
		plain(0xc0, 0) | SEL_USR,
		plain(0xc4, 0) | 1ULL << 54,
		plain(0x1c5, 0),
		plain(0x3c, 0) | FILTER_MASKED_EXCLUDE,
		plain(0x2e, 0x41),
	};
	struct filter_x86 f = x86(ALLOW, 0, 0, ARRAY_SIZE(ev), ev);
	struct filter_x86_rules rules;

	(void)state;
	assert_false(filter_x86_plain_kept(ev[0], INTEL));
	assert_false(filter_x86_plain_kept(ev[1], AMD));
	assert_false(filter_x86_plain_kept(ev[2], INTEL));
	assert_true(filter_x86_plain_kept(ev[2], AMD));
	assert_false(filter_x86_plain_kept(ev[3], AMD));
	assert_true(filter_x86_plain_kept(ev[4], INTEL));

	compile_ok(&f, INTEL, &rules);
	assert_false(filter_x86_gp_allowed(&rules, 0xc0 | SEL_USR));
	assert_false(filter_x86_gp_allowed(&rules, 0xc0));
	assert_false(filter_x86_gp_allowed(&rules, 0xc4));
	assert_false(filter_x86_gp_allowed(&rules, 0xc5));
	assert_false(filter_x86_gp_allowed(&rules, 0x1ULL << 32 | 0xc5));
	assert_false(filter_x86_gp_allowed(&rules, 0x3c));
	assert_true(filter_x86_gp_allowed(&rules, 0x412e));
	filter_x86_rules_free(&rules);

	/* Dropped from a deny list, they deny nothing. */
	f.action = DENY;
	compile_ok(&f, INTEL, &rules);
	assert_true(filter_x86_gp_allowed(&rules, 0xc0));
	assert_true(filter_x86_gp_allowed(&rules, 0xc4));
	assert_true(filter_x86_gp_allowed(&rules, 0x3c));
	assert_false(filter_x86_gp_allowed(&rules, 0x412e));
	filter_x86_rules_free(&rules);

	compile_ok(&f, AMD, &rules);
	assert_false(filter_x86_gp_allowed(&rules, 0x1ULL << 32 | 0xc5));
	assert_true(filter_x86_gp_allowed(&rules, 0xc5));
	filter_x86_rules_free(&rules);
}

static void test_include_exclude(void **state)
{
	uint64_t ev[] = {
		masked(0xd0, 0xf0, 0x10, false),
		masked(0xd0, 0xff, 0x1f, true),
		masked(0xd0, 0x03, 0x02, true),
		masked(0xd1, 0xff, 0x00, true),	 /* no include: nothing */
		masked(0xd2, 0x0f, 0x11, false), /* match outside the mask */
		masked(0xd3, 0x00, 0x00, false),
	};
	struct filter_x86 f = x86(ALLOW, MASKED, 0, ARRAY_SIZE(ev), ev);
	struct filter_x86_rules rules;
	unsigned int u;
	bool in;

	(void)state;
	compile_ok(&f, INTEL, &rules);
	for (u = 0; u < 256; u++) {
		in = (u & 0xf0) == 0x10 && u != 0x1f && (u & 3) != 2;
		assert_int_equal(filter_x86_gp_allowed(&rules, 0xd0 | u << 8),
				 in);
		assert_false(filter_x86_gp_allowed(&rules, 0xd1 | u << 8));
		assert_false(filter_x86_gp_allowed(&rules, 0xd2 | u << 8));
		assert_true(filter_x86_gp_allowed(&rules, 0xd3 | u << 8));
		assert_false(filter_x86_gp_allowed(&rules, 0xd4 | u << 8));
	}
	filter_x86_rules_free(&rules);

	f.action = DENY;
	compile_ok(&f, INTEL, &rules);
	for (u = 0; u < 256; u++) {
		in = (u & 0xf0) == 0x10 && u != 0x1f && (u & 3) != 2;
		assert_int_equal(filter_x86_gp_allowed(&rules, 0xd0 | u << 8),
				 !in);
		assert_true(filter_x86_gp_allowed(&rules, 0xd1 | u << 8));
		assert_true(filter_x86_gp_allowed(&rules, 0xd2 | u << 8));
		assert_false(filter_x86_gp_allowed(&rules, 0xd3 | u << 8));
	}
	filter_x86_rules_free(&rules);
}

static void test_eventsel_controls_ignored(void **state)
{
	static const uint64_t controls[] = {
		0,	   SEL_USR | SEL_OS | SEL_EN,
		SEL_EDGE,  SEL_INT | SEL_INV,
		SEL_CMASK,
	};
	uint64_t ev[] = {
		masked(0xc4, 0xff, 0x01, false),
		masked(0x1c4, 0xff, 0x02, false),
	};
	struct filter_x86 f = x86(ALLOW, MASKED, 0, 1, ev);
	struct filter_x86_rules rules;
	unsigned int i;

	(void)state;
	compile_ok(&f, INTEL, &rules);
	for (i = 0; i < ARRAY_SIZE(controls); i++) {
		assert_true(
			filter_x86_gp_allowed(&rules, 0x01c4 | controls[i]));
		/* Intel: bits 35:32 are IN_TX and IN_TXCP, not the select. */
		assert_true(filter_x86_gp_allowed(&rules, 0x01c4 | controls[i] |
								  SEL_IN_TX));
		assert_false(
			filter_x86_gp_allowed(&rules, 0x02c4 | controls[i]));
	}
	filter_x86_rules_free(&rules);

	/* AMD: 12-bit event selects, 0x1c4 is not 0xc4. */
	f.nevents = 2;
	compile_ok(&f, AMD, &rules);
	for (i = 0; i < ARRAY_SIZE(controls); i++) {
		assert_true(
			filter_x86_gp_allowed(&rules, 0x01c4 | controls[i]));
		assert_false(filter_x86_gp_allowed(
			&rules, 0x01c4 | 1ULL << 32 | controls[i]));
		assert_false(
			filter_x86_gp_allowed(&rules, 0x02c4 | controls[i]));
		assert_true(filter_x86_gp_allowed(&rules, 0x02c4 | 1ULL << 32 |
								  controls[i]));
		assert_false(filter_x86_gp_allowed(
			&rules, 0x02c4 | 2ULL << 32 | controls[i]));
	}
	filter_x86_rules_free(&rules);
}

static void test_fixed_bitmap(void **state)
{
	/* The GP list names the fixed counters' events: it must not matter. */
	uint64_t ev[] = { plain(0xc0, 0), plain(0x3c, 0), plain(0x3c, 1) };
	struct filter_x86 f = x86(ALLOW, 0, 0x5, ARRAY_SIZE(ev), ev);
	struct filter_x86_rules rules;
	unsigned int i;

	(void)state;
	compile_ok(&f, INTEL, &rules);
	assert_true(filter_x86_fixed_allowed(&rules, 0));
	assert_false(filter_x86_fixed_allowed(&rules, 1));
	assert_true(filter_x86_fixed_allowed(&rules, 2));
	assert_false(filter_x86_fixed_allowed(&rules, 3));
	assert_false(filter_x86_fixed_allowed(&rules, 32));
	assert_false(filter_x86_fixed_allowed(&rules, 1000));
	assert_true(filter_x86_gp_allowed(&rules, 0xc0));
	filter_x86_rules_free(&rules);

	f.action = DENY;
	compile_ok(&f, INTEL, &rules);
	assert_false(filter_x86_fixed_allowed(&rules, 0));
	assert_true(filter_x86_fixed_allowed(&rules, 1));
	assert_false(filter_x86_fixed_allowed(&rules, 2));
	assert_true(filter_x86_fixed_allowed(&rules, 3));
	assert_true(filter_x86_fixed_allowed(&rules, 32));
	assert_false(filter_x86_gp_allowed(&rules, 0xc0));
	filter_x86_rules_free(&rules);

	/* An allow list with bitmap 0 turns every fixed counter off. */
	f.action = ALLOW;
	f.fixed_bitmap = 0;
	compile_ok(&f, INTEL, &rules);
	for (i = 0; i < 40; i++)
		assert_false(filter_x86_fixed_allowed(&rules, i));
	filter_x86_rules_free(&rules);

	f.fixed_bitmap = 0x80000000;
	compile_ok(&f, INTEL, &rules);
	assert_true(filter_x86_fixed_allowed(&rules, 31));
	assert_false(filter_x86_fixed_allowed(&rules, 30));
	filter_x86_rules_free(&rules);

	/* A deny list with bitmap 0 and no events stops nothing. */
	f = x86(DENY, 0, 0, 0, NULL);
	compile_ok(&f, AMD, &rules);
	for (i = 0; i < 40; i++)
		assert_true(filter_x86_fixed_allowed(&rules, i));
	assert_true(filter_x86_gp_allowed(&rules, 0xc0));
	filter_x86_rules_free(&rules);
}

static void test_no_filter(void **state)
{
	struct filter_x86_rules rules = { 0 };
	struct filter_arm64_rules arm = { 0 };
	struct filter_x86 f = { 0 };
	struct filter_arm64 af = { 0 };

	(void)state;
	assert_true(filter_x86_gp_allowed(NULL, 0xc0));
	assert_true(filter_x86_gp_allowed(NULL, ~0ULL));
	assert_true(filter_x86_fixed_allowed(NULL, 0));
	assert_true(filter_x86_fixed_allowed(NULL, 99));
	assert_true(filter_arm64_allowed(NULL, FILTER_ARM64_CPU_CYCLES));
	assert_true(filter_arm64_allowed(NULL, 0xffff));
	filter_x86_rules_free(&rules);
	filter_x86_free(&f);
	filter_arm64_rules_free(&arm);
	filter_arm64_free(&af);
}

static void test_owned_memory(void **state)
{
	struct filter_x86 f = x86(DENY, 0, 1, 2, calloc(2, sizeof(uint64_t)));
	struct filter_arm64 af = {
		.event_bits = 16,
		.nr = 1,
		.ranges = calloc(1, sizeof(struct filter_arm64_range)),
	};

	(void)state;
	assert_non_null(f.events);
	assert_non_null(af.ranges);
	filter_x86_free(&f);
	assert_null(f.events);
	assert_int_equal(f.nevents, 0);
	filter_arm64_free(&af);
	assert_null(af.ranges);
	assert_int_equal(af.nr, 0);
}

/* A small PRNG (splitmix64) so that every run checks the same cases. */
static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int below(unsigned int n)
{
	return rnd() % n;
}

/*
 * The reference: KVM's rules read straight off the raw entries, one
 * linear scan per decision.
 */
static bool ref_gp_allowed(const struct filter_x86 *f,
			   enum filter_vendor vendor, uint64_t eventsel)
{
	uint64_t select_bits = vendor == AMD ? 0xf000000ffULL : 0xffULL;
	uint64_t sel = eventsel & select_bits, e;
	unsigned int umask = (eventsel >> 8) & 0xff, mask, match, i;
	bool included = false, excluded = false, exclude;

	for (i = 0; i < f->nevents; i++) {
		e = f->events[i];
		if (f->flags & MASKED) {
			mask = e >> 56;
			match = (e >> 8) & 0xff;
			exclude = (e >> 55) & 1;
		} else {
			if (e & ~(select_bits | 0xff00))
				continue;
			mask = 0xff;
			match = (e >> 8) & 0xff;
			exclude = false;
		}
		if ((e & 0xf000000ffULL) != sel || (umask & mask) != match)
			continue;
		if (exclude)
			excluded = true;
		else
			included = true;
	}
	return (included && !excluded) == (f->action == ALLOW);
}

static uint64_t random_stray_bit(enum filter_vendor vendor)
{
	static const uint64_t stray[] = {
		1ULL << 16, 1ULL << 22, 1ULL << 31, 1ULL << 40,
		1ULL << 55, 1ULL << 63, 1ULL << 32, 1ULL << 35,
	};

	/* AMD has bits 35:32 in its event select. */
	return stray[below(vendor == AMD ? 6 : 8)];
}

static unsigned int random_select(enum filter_vendor vendor)
{
	return vendor == AMD && below(2) ? below(0x1000) : below(0x100);
}

static void random_policy(struct filter_x86 *f, enum filter_vendor vendor,
			  uint64_t *events, unsigned int *pool,
			  unsigned int *npool)
{
	static const uint8_t masks[] = { 0xff, 0xf0, 0x0f, 0x00, 0x81, 0xfe };
	static const uint8_t umasks[] = { 0x00, 0x01, 0x41, 0x4f, 0xff };
	unsigned int i, n = below(41), sel, mask, match;

	*npool = 1 + below(6);
	for (i = 0; i < *npool; i++)
		pool[i] = random_select(vendor);
	*f = x86(below(2), below(3) ? MASKED : 0, rnd(), n, events);
	for (i = 0; i < n; i++) {
		sel = pool[below(*npool)];
		if (f->flags & MASKED) {
			mask = below(3) ? masks[below(ARRAY_SIZE(masks))] :
					  below(256);
			match = below(256);
			if (below(4))
				match &= mask;
			events[i] = masked(sel, mask, match, !below(3));
		} else {
			match = below(3) ? umasks[below(ARRAY_SIZE(umasks))] :
					   below(256);
			events[i] = plain(sel, match);
			if (!below(6))
				events[i] |= random_stray_bit(vendor);
		}
	}
}

static const uint64_t random_controls[8] = {
	0,
	SEL_EN | SEL_USR | SEL_OS,
	SEL_EDGE,
	SEL_INV | SEL_CMASK,
	SEL_INT,
	SEL_IN_TX, /* only chosen on Intel */
	SEL_IN_TX | SEL_EN,
	SEL_IN_TX | SEL_CMASK,
};

static void check_select(const struct filter_x86 *f, enum filter_vendor vendor,
			 const struct filter_x86_rules *rules, unsigned int sel)
{
	uint64_t eventsel;
	unsigned int u, ctl;

	for (u = 0; u < 256; u++) {
		ctl = (sel ^ u) % (vendor == AMD ? 5 : 8);
		eventsel = plain(sel, u) | random_controls[ctl];
		if (filter_x86_gp_allowed(rules, eventsel) !=
		    ref_gp_allowed(f, vendor, eventsel))
			fail_msg("select 0x%x umask 0x%02x (eventsel 0x%llx): "
				 "the engine and the reference disagree",
				 sel, u, (unsigned long long)eventsel);
	}
}

static void test_property_x86(void **state)
{
	uint64_t events[40];
	unsigned int pool[6], npool, p, sel, nr_amd = 0;
	struct filter_x86_rules rules;
	enum filter_vendor vendor;
	struct filter_x86 f;

	(void)state;
	rng_state = 0x5eed0001;
	for (p = 0; p < 300; p++) {
		vendor = below(2) ? AMD : INTEL;
		random_policy(&f, vendor, events, pool, &npool);
		compile_ok(&f, vendor, &rules);
		for (sel = 0; sel < 0x100; sel++)
			check_select(&f, vendor, &rules, sel);
		if (vendor == AMD) {
			/* Every 8th AMD policy: all 4096 selects. */
			if (nr_amd++ % 8 == 0)
				for (sel = 0x100; sel < 0x1000; sel++)
					check_select(&f, vendor, &rules, sel);
			for (sel = 0; sel < npool; sel++)
				check_select(&f, vendor, &rules, pool[sel]);
		}
		filter_x86_rules_free(&rules);
	}
}

static void test_compress_examples(void **state)
{
	uint64_t ev[320];
	struct filter_x86 f = x86(ALLOW, 0, 0x3, 0, ev), m;
	unsigned int u, n = 0;

	(void)state;
	/* A whole select, then a cube, then all but one, given unsorted. */
	for (u = 0; u < 0x100; u++)
		if (u != 0x05)
			ev[n++] = plain(0x3c, u);
	for (u = 0x10; u < 0x20; u++)
		ev[n++] = plain(0x2e, u);
	ev[n++] = plain(0xc4, 0x41);
	ev[n++] = plain(0xc4, 0x4f);
	ev[n++] = plain(0xc0, 0) | SEL_USR; /* dropped */
	for (u = 0; u < 0x20; u++)
		ev[n++] = plain(0x10, u * 8); /* umask bits 2:0 = 0 */
	f.nevents = n;
	assert_int_equal(filter_x86_compress(&f, INTEL, &m), 0);
	assert_int_equal(m.action, ALLOW);
	assert_int_equal(m.flags, MASKED);
	assert_int_equal(m.fixed_bitmap, 0x3);
	assert_int_equal(m.nevents, 6);
	assert_int_equal(m.events[0], masked(0x10, 0x07, 0x00, false));
	assert_int_equal(m.events[1], masked(0x2e, 0xf0, 0x10, false));
	assert_int_equal(m.events[2], masked(0x3c, 0x00, 0x00, false));
	assert_int_equal(m.events[3], masked(0x3c, 0xff, 0x05, true));
	assert_int_equal(m.events[4], masked(0xc4, 0xff, 0x41, false));
	assert_int_equal(m.events[5], masked(0xc4, 0xff, 0x4f, false));
	filter_x86_free(&m);
}

/* Two includes or an include and an exclude: includes win ties. */
static void test_compress_ties(void **state)
{
	uint64_t ev[256];
	struct filter_x86 f = x86(ALLOW, 0, 0x3, 0, ev), m;
	unsigned int u;

	(void)state;
	for (u = 0; u < 0x100; u++)
		if (u & 3)
			ev[f.nevents++] = plain(0x24, u);
	assert_int_equal(filter_x86_compress(&f, INTEL, &m), 0);
	assert_int_equal(m.nevents, 2);
	assert_int_equal(m.events[0], masked(0x24, 0x03, 0x02, false));
	assert_int_equal(m.events[1], masked(0x24, 0x01, 0x01, false));
	filter_x86_free(&m);
}

/* A whole select, what KVM drops, and what is no plain list. */
static void test_compress_full_empty_refused(void **state)
{
	uint64_t ev[256];
	struct filter_x86 f = x86(DENY, 0, 0x3, 0, ev), m;
	unsigned int u, n = 0;

	(void)state;
	/* The full set is one entry, the empty list none. */
	for (u = 0; u < 0x100; u++)
		ev[n++] = plain(0x1a0, u);
	f.nevents = n;
	assert_int_equal(filter_x86_compress(&f, AMD, &m), 0);
	assert_int_equal(m.action, DENY);
	assert_int_equal(m.nevents, 1);
	assert_int_equal(m.events[0], masked(0x1a0, 0, 0, false));
	filter_x86_free(&m);
	assert_int_equal(filter_x86_compress(&f, INTEL, &m), 0);
	assert_int_equal(m.nevents, 0);
	filter_x86_free(&m);

	f.flags = MASKED;
	assert_int_equal(filter_x86_compress(&f, INTEL, &m), -EINVAL);
	assert_null(m.events);
	f.flags = 2;
	assert_int_equal(filter_x86_compress(&f, INTEL, &m), -EINVAL);
	f.flags = 0;
	f.action = 2;
	assert_int_equal(filter_x86_compress(&f, INTEL, &m), -EINVAL);
	assert_null(m.events);
}

/* A plain list's unit masks per select, straight from its entries. */
static uint64_t plain_in[0x1000][4];

static bool plain_in_filter(unsigned int sel, unsigned int u)
{
	return plain_in[sel][u / 64] >> (u % 64) & 1;
}

static unsigned int entry_select(uint64_t e)
{
	return (e & 0xff) | (e >> 24 & 0xf00);
}

static bool in_pool(const unsigned int *pool, unsigned int npool,
		    unsigned int sel)
{
	while (npool--)
		if (pool[npool] == sel)
			return true;
	return false;
}

/* Decides as the plain list f over every pair of select and umask. */
static void check_compressed(const struct filter_x86 *f,
			     enum filter_vendor vendor,
			     const struct filter_x86 *m,
			     const unsigned int *pool, unsigned int npool)
{
	unsigned int i, sel, u, nr_selects = vendor == AMD ? 0x1000 : 0x100;
	struct filter_x86_rules rules;
	uint64_t eventsel;
	bool want;

	/* The reference, over the selects that have entries... */
	for (i = 0; i < npool; i++) {
		for (u = 0; u < 256; u++) {
			eventsel = plain(pool[i], u);
			want = plain_in_filter(pool[i], u) ==
			       (f->action == ALLOW);
			if (ref_gp_allowed(f, vendor, eventsel) != want ||
			    ref_gp_allowed(m, vendor, eventsel) != want)
				fail_msg("select 0x%x umask 0x%02x: the "
					 "compressed list decides otherwise",
					 pool[i], u);
		}
	}
	/* ...which are the only ones the compressed list names. */
	for (i = 0; i < m->nevents; i++)
		assert_true(in_pool(pool, npool, entry_select(m->events[i])));
	if (m->nevents > FILTER_X86_MAX_EVENTS)
		return;
	/* And the engine on the compressed list, over every pair. */
	compile_ok(m, vendor, &rules);
	for (sel = 0; sel < nr_selects; sel++) {
		for (u = 0; u < 256; u++) {
			want = plain_in_filter(sel, u) == (f->action == ALLOW);
			if (filter_x86_gp_allowed(&rules, plain(sel, u)) !=
			    want)
				fail_msg("select 0x%x umask 0x%02x: the "
					 "compiled compressed list decides "
					 "otherwise",
					 sel, u);
		}
	}
	filter_x86_rules_free(&rules);
}

/*
 * A random plain list of up to 600 entries (in ev) over the selects of
 * pool into f, and into plain_in the unit masks KVM keeps of it: mostly
 * those of one cube, or every one but those of a cube.  Returns how many
 * entries KVM keeps.
 */
static unsigned int random_plain_list(struct filter_x86 *f,
				      enum filter_vendor vendor,
				      const unsigned int *pool,
				      unsigned int npool, uint64_t *ev)
{
	unsigned int i, sel, umask, free_bits, base, kept;
	bool dense;

	*f = x86(below(2), 0, rnd(), below(601), ev);
	memset(plain_in, 0, sizeof(plain_in));
	kept = 0;
	free_bits = below(256);
	base = below(256);
	dense = !below(3);
	if (dense)
		f->nevents = 256 + below(345);
	for (i = 0; i < f->nevents; i++) {
		sel = pool[below(npool)];
		umask = below(256);
		if (dense) {
			/* Every umask outside one cube, in order. */
			sel = pool[i / 256 % npool];
			umask = i % 256;
			if ((umask & ~free_bits) == (base & ~free_bits))
				umask ^= ~free_bits & 0xff;
		} else if (below(8)) {
			/* Mostly umasks of one cube, to compress. */
			umask = (base & ~free_bits) | (umask & free_bits);
		}
		ev[i] = plain(sel, umask);
		if (!below(20))
			ev[i] |= random_stray_bit(vendor);
		if (!filter_x86_plain_kept(ev[i], vendor))
			continue;
		kept++;
		plain_in[sel][umask / 64] |= 1ULL << (umask % 64);
	}
	return kept;
}

static void test_property_compress(void **state)
{
	static uint64_t ev[600];
	unsigned int p, i, pool[8], npool, kept;
	unsigned int nr_compiled = 0, nr_excludes = 0;
	enum filter_vendor vendor;
	struct filter_x86 f, m;
	char why[160];
	int bad;

	(void)state;
	rng_state = 0x5eed0002;
	for (p = 0; p < 40; p++) {
		vendor = below(2) ? AMD : INTEL;
		npool = 1 + below(8);
		for (i = 0; i < npool; i++)
			pool[i] = random_select(vendor);
		kept = random_plain_list(&f, vendor, pool, npool, ev);
		assert_int_equal(filter_x86_compress(&f, vendor, &m), 0);
		assert_int_equal(m.action, f.action);
		assert_int_equal(m.flags, MASKED);
		assert_int_equal(m.fixed_bitmap, f.fixed_bitmap);
		assert_true(m.nevents <= kept);
		for (i = 1; i < m.nevents; i++)
			assert_true(entry_select(m.events[i - 1]) <=
				    entry_select(m.events[i]));
		assert_int_equal(
			filter_x86_validate(&m, vendor, &bad, why, sizeof(why)),
			m.nevents > FILTER_X86_MAX_EVENTS ? -E2BIG : 0);
		check_compressed(&f, vendor, &m, pool, npool);
		nr_compiled += m.nevents <= FILTER_X86_MAX_EVENTS;
		for (i = 0; i < m.nevents; i++)
			nr_excludes += m.events[i] >> 55 & 1;
		filter_x86_free(&m);
	}
	/* Most lists were checked over every pair, both forms were made. */
	assert_true(nr_compiled >= 30);
	assert_true(nr_excludes > 0);
}

/* A dense 290-entry list, as in the manifest, fits after compression. */
static void test_compress_dense(void **state)
{
	struct filter_x86 f = x86(DENY, 0, 0, 0, many), m;
	unsigned int u;

	(void)state;
	for (u = 0; u < 290; u++)
		many[f.nevents++] = plain(0xd0 + u / 64, (u % 64) | 0x80);
	assert_int_equal(filter_x86_compress(&f, INTEL, &m), 0);
	/* 0xd0..0xd3 take umasks 0x80..0xbf, 0xd4 takes 0x80..0xa1. */
	assert_int_equal(m.nevents, 4 + 2);
	assert_int_equal(m.events[0], masked(0xd0, 0xc0, 0x80, false));
	assert_int_equal(m.events[4], masked(0xd4, 0xe0, 0x80, false));
	assert_int_equal(m.events[5], masked(0xd4, 0xfe, 0xa0, false));
	filter_x86_free(&m);
}

static void arm_compile_ok(struct filter_arm64 *f,
			   struct filter_arm64_rules *rules)
{
	char why[160];
	int bad;

	assert_int_equal(filter_arm64_compile(f, rules, &bad, why, sizeof(why)),
			 0);
	assert_int_equal(bad, -1);
	assert_string_equal(why, "");
}

static void arm_refused(struct filter_arm64 *f, int bad_range,
			const char *why_has)
{
	struct filter_arm64_rules rules;
	char why[160];
	int bad = 1234;

	memset(&rules, 0x5a, sizeof(rules));
	assert_int_equal(filter_arm64_compile(f, &rules, &bad, why,
					      sizeof(why)),
			 -EINVAL);
	assert_int_equal(bad, bad_range);
	assert_non_null(strstr(why, why_has));
	assert_null(rules.allowed);
	assert_false(rules.filtered);
	filter_arm64_rules_free(&rules);
}

static void test_arm64_default(void **state)
{
	struct filter_arm64_range r[] = { { 0x11, 1, ALLOW } };
	struct filter_arm64 f = { .event_bits = 16, .nr = 1, .ranges = r };
	struct filter_arm64_rules rules;

	(void)state;
	arm_compile_ok(&f, &rules);
	assert_true(rules.filtered);
	assert_true(filter_arm64_allowed(&rules, FILTER_ARM64_CPU_CYCLES));
	assert_false(filter_arm64_allowed(&rules, FILTER_ARM64_INST_RETIRED));
	assert_false(filter_arm64_allowed(&rules, 0x12));
	assert_false(filter_arm64_allowed(&rules, 0xffff));
	filter_arm64_rules_free(&rules);

	r[0].action = DENY;
	arm_compile_ok(&f, &rules);
	assert_false(filter_arm64_allowed(&rules, FILTER_ARM64_CPU_CYCLES));
	assert_true(filter_arm64_allowed(&rules, FILTER_ARM64_INST_RETIRED));
	assert_true(filter_arm64_allowed(&rules, 0xffff));
	filter_arm64_rules_free(&rules);

	/* No ranges: no filter at all. */
	f.nr = 0;
	arm_compile_ok(&f, &rules);
	assert_false(rules.filtered);
	assert_true(filter_arm64_allowed(&rules, FILTER_ARM64_CPU_CYCLES));
	filter_arm64_rules_free(&rules);
}

static void test_arm64_order(void **state)
{
	struct filter_arm64_range r[] = {
		{ 0x00, 0x40, ALLOW },
		{ 0x10, 0x10, DENY },
		{ 0x18, 0x01, ALLOW },
	};
	struct filter_arm64 f = { .event_bits = 10, .nr = 3, .ranges = r };
	struct filter_arm64_rules rules;

	(void)state;
	arm_compile_ok(&f, &rules);
	assert_true(filter_arm64_allowed(&rules, 0x08));
	assert_false(filter_arm64_allowed(&rules, 0x11));
	assert_false(filter_arm64_allowed(&rules, 0x1f));
	assert_true(filter_arm64_allowed(&rules, 0x18));
	assert_true(filter_arm64_allowed(&rules, 0x20));
	assert_false(filter_arm64_allowed(&rules, 0x40));
	filter_arm64_rules_free(&rules);

	/* Deny first: the default is allow, and a later allow re-allows. */
	r[0] = (struct filter_arm64_range){ 0x10, 0x10, DENY };
	r[1] = (struct filter_arm64_range){ 0x00, 0x14, ALLOW };
	f.nr = 2;
	arm_compile_ok(&f, &rules);
	assert_true(filter_arm64_allowed(&rules, 0x11));
	assert_false(filter_arm64_allowed(&rules, 0x14));
	assert_false(filter_arm64_allowed(&rules, 0x1f));
	assert_true(filter_arm64_allowed(&rules, 0x20));
	assert_true(filter_arm64_allowed(&rules, 0x3ff));
	filter_arm64_rules_free(&rules);
}

static void test_arm64_bounds(void **state)
{
	struct filter_arm64_range r[] = {
		{ 0x11, 1, DENY },
		{ 1000, 24, ALLOW },
	};
	struct filter_arm64 f = { .event_bits = 10, .nr = 2, .ranges = r };
	struct filter_arm64_rules rules;

	(void)state;
	arm_compile_ok(&f, &rules);
	assert_true(filter_arm64_allowed(&rules, 1023));
	filter_arm64_rules_free(&rules);
	r[1].nevents = 25;
	arm_refused(&f, 1, "range 1");
	r[1] = (struct filter_arm64_range){ 1024, 0, ALLOW };
	arm_compile_ok(&f, &rules);
	filter_arm64_rules_free(&rules);
	r[1].base_event = 1025;
	arm_refused(&f, 1, "range 1");

	f.event_bits = 16;
	r[1] = (struct filter_arm64_range){ 1, 0xffff, ALLOW };
	arm_compile_ok(&f, &rules);
	assert_true(filter_arm64_allowed(&rules, 0xffff));
	filter_arm64_rules_free(&rules);
	r[1].base_event = 2;
	arm_refused(&f, 1, "range 1");
	r[1] = (struct filter_arm64_range){ 0xffff, 1, ALLOW };
	arm_compile_ok(&f, &rules);
	filter_arm64_rules_free(&rules);

	r[0].action = 2;
	arm_refused(&f, 0, "action 2");
	r[0].action = 0xff;
	arm_refused(&f, 0, "range 0");

	r[0].action = DENY;
	f.event_bits = 12;
	arm_refused(&f, -1, "width 12");
	f.event_bits = 0;
	arm_refused(&f, -1, "width 0");
	f.nr = 0;
	arm_refused(&f, -1, "width 0");
}

static void test_arm64_unfilterable(void **state)
{
	struct filter_arm64_range r[] = { { 0x00, 0x40, DENY } };
	struct filter_arm64 f = { .event_bits = 16, .nr = 1, .ranges = r };
	struct filter_arm64_rules rules;

	(void)state;
	arm_compile_ok(&f, &rules);
	assert_true(filter_arm64_allowed(&rules, FILTER_ARM64_SW_INCR));
	assert_true(filter_arm64_allowed(&rules, FILTER_ARM64_CHAIN));
	assert_false(filter_arm64_allowed(&rules, 0x1d));
	assert_false(filter_arm64_allowed(&rules, FILTER_ARM64_CPU_CYCLES));
	filter_arm64_rules_free(&rules);

	/* An allow list of nothing: only SW_INCR and CHAIN still count. */
	r[0] = (struct filter_arm64_range){ 0x100, 0, ALLOW };
	arm_compile_ok(&f, &rules);
	assert_true(rules.filtered);
	assert_true(filter_arm64_allowed(&rules, FILTER_ARM64_SW_INCR));
	assert_true(filter_arm64_allowed(&rules, FILTER_ARM64_CHAIN));
	assert_false(filter_arm64_allowed(&rules, FILTER_ARM64_CPU_CYCLES));
	assert_false(filter_arm64_allowed(&rules, 0x100));
	filter_arm64_rules_free(&rules);

	/* A deny list of nothing stops nothing. */
	r[0].action = DENY;
	arm_compile_ok(&f, &rules);
	assert_true(filter_arm64_allowed(&rules, FILTER_ARM64_CPU_CYCLES));
	assert_true(filter_arm64_allowed(&rules, 0x100));
	filter_arm64_rules_free(&rules);
}

/* A 10-bit PMU sees only the low 10 bits of the event number. */
static void test_arm64_event_cut(void **state)
{
	struct filter_arm64_range r[] = { { 0x11, 1, DENY } };
	struct filter_arm64 f = { .event_bits = 10, .nr = 1, .ranges = r };
	struct filter_arm64_rules rules;

	(void)state;
	arm_compile_ok(&f, &rules);
	assert_false(filter_arm64_allowed(&rules, 0x411));
	assert_false(filter_arm64_allowed(&rules, 0xfc11));
	filter_arm64_rules_free(&rules);

	r[0] = (struct filter_arm64_range){ 0, 0x400, DENY };
	arm_compile_ok(&f, &rules);
	assert_true(filter_arm64_allowed(&rules, 0x41e));
	assert_true(filter_arm64_allowed(&rules, 0x400));
	assert_false(filter_arm64_allowed(&rules, 0x411));
	filter_arm64_rules_free(&rules);

	f.event_bits = 16;
	r[0] = (struct filter_arm64_range){ 0x11, 1, DENY };
	arm_compile_ok(&f, &rules);
	assert_true(filter_arm64_allowed(&rules, 0x411));
	assert_false(filter_arm64_allowed(&rules, 0x11));
	filter_arm64_rules_free(&rules);
}

static void test_property_arm64(void **state)
{
	static bool ref[0x10000];
	struct filter_arm64_range r[8];
	struct filter_arm64 f = { .ranges = r };
	struct filter_arm64_rules rules;
	unsigned int p, i, e, cut, nr_events;
	int want_bad, bad;
	bool want;

	(void)state;
	rng_state = 0x5eed0003;
	for (p = 0; p < 200; p++) {
		f.event_bits = below(2) ? 16 : 10;
		nr_events = 1u << f.event_bits;
		f.nr = below(9);
		want_bad = -1;
		for (i = 0; i < f.nr; i++) {
			r[i].base_event = below(nr_events);
			r[i].nevents = below(nr_events - r[i].base_event + 1);
			if (!below(4))
				r[i].nevents = below(64);
			r[i].action = below(2);
			if (!below(40))
				r[i].action = 2 + below(254);
			if (want_bad < 0 &&
			    ((uint32_t)r[i].base_event + r[i].nevents >
				     nr_events ||
			     r[i].action > DENY))
				want_bad = i;
		}
		if (want_bad >= 0) {
			assert_int_equal(filter_arm64_compile(&f, &rules, &bad,
							      NULL, 0),
					 -EINVAL);
			assert_int_equal(bad, want_bad);
			continue;
		}
		for (e = 0; e < nr_events; e++)
			ref[e] = f.nr && r[0].action == DENY;
		for (i = 0; i < f.nr; i++)
			for (e = r[i].base_event;
			     e < (uint32_t)r[i].base_event + r[i].nevents; e++)
				ref[e] = r[i].action == ALLOW;
		arm_compile_ok(&f, &rules);
		for (e = 0; e < 0x10000; e++) {
			cut = e & (nr_events - 1);
			want = !f.nr || cut == 0 || cut == 0x1e || ref[cut];
			if (filter_arm64_allowed(&rules, e) != want)
				fail_msg("policy %u event 0x%x: expected %d", p,
					 e, want);
		}
		filter_arm64_rules_free(&rules);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_select),
		cmocka_unit_test(test_errno_name),
		cmocka_unit_test(test_validate_action),
		cmocka_unit_test(test_validate_flags),
		cmocka_unit_test(test_validate_length),
		cmocka_unit_test(test_validate_order),
		cmocka_unit_test(test_validate_masked_bits),
		cmocka_unit_test(test_plain_dropped),
		cmocka_unit_test(test_include_exclude),
		cmocka_unit_test(test_eventsel_controls_ignored),
		cmocka_unit_test(test_fixed_bitmap),
		cmocka_unit_test(test_no_filter),
		cmocka_unit_test(test_owned_memory),
		cmocka_unit_test(test_property_x86),
		cmocka_unit_test(test_compress_examples),
		cmocka_unit_test(test_compress_ties),
		cmocka_unit_test(test_compress_full_empty_refused),
		cmocka_unit_test(test_property_compress),
		cmocka_unit_test(test_compress_dense),
		cmocka_unit_test(test_arm64_default),
		cmocka_unit_test(test_arm64_order),
		cmocka_unit_test(test_arm64_bounds),
		cmocka_unit_test(test_arm64_unfilterable),
		cmocka_unit_test(test_arm64_event_cut),
		cmocka_unit_test(test_property_arm64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
