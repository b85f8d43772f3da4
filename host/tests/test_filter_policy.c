// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the event-filter policy syntax (docs/filter.md). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "array_size.h"
#include "vpmu/filter_policy.h"

static struct filter_policy policy;
static char err[256];

static int parse(const char *text, enum filter_arch arch)
{
	filter_policy_free(&policy);
	memset(err, 0, sizeof(err));
	return filter_policy_parse(text, arch, &policy, err, sizeof(err));
}

static void parse_x86(const char *text)
{
	if (parse(text, FILTER_ARCH_X86))
		fail_msg("'%s' refused: %s", text, err);
}

static void parse_arm64(const char *text)
{
	if (parse(text, FILTER_ARCH_ARM64))
		fail_msg("'%s' refused: %s", text, err);
}

static void assert_entries(const uint64_t *want, uint32_t n)
{
	assert_int_equal(policy.x86.nevents, n);
	for (uint32_t i = 0; i < n; i++)
		if (policy.x86.events[i] != want[i])
			fail_msg("events[%u] = 0x%llx, want 0x%llx", i,
				 (unsigned long long)policy.x86.events[i],
				 (unsigned long long)want[i]);
}

static void assert_policy_equal(const struct filter_policy *a,
				const struct filter_policy *b)
{
	assert_int_equal(a->arch, b->arch);
	assert_int_equal(a->none, b->none);
	if (a->arch == FILTER_ARCH_X86) {
		assert_int_equal(a->vendor, b->vendor);
		assert_int_equal(a->x86.action, b->x86.action);
		assert_int_equal(a->x86.flags, b->x86.flags);
		assert_int_equal(a->x86.fixed_bitmap, b->x86.fixed_bitmap);
		assert_int_equal(a->x86.nevents, b->x86.nevents);
		if (a->x86.nevents)
			assert_memory_equal(a->x86.events, b->x86.events,
					    a->x86.nevents * sizeof(uint64_t));
		return;
	}
	assert_int_equal(a->arm64.event_bits, b->arm64.event_bits);
	assert_int_equal(a->arm64.nr, b->arm64.nr);
	for (unsigned int i = 0; i < a->arm64.nr; i++) {
		assert_int_equal(a->arm64.ranges[i].base_event,
				 b->arm64.ranges[i].base_event);
		assert_int_equal(a->arm64.ranges[i].nevents,
				 b->arm64.ranges[i].nevents);
		assert_int_equal(a->arm64.ranges[i].action,
				 b->arm64.ranges[i].action);
	}
}

/* The raw form of policy, parsed again, is the same policy. */
static char *round_trip(void)
{
	struct filter_policy again;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	filter_policy_print_raw(out, &policy);
	fclose(out);
	assert_non_null(strchr(text, '\n'));
	assert_ptr_equal(strchr(text, '\n'), text + len - 1);
	if (filter_policy_parse(text, policy.arch, &again, err, sizeof(err)))
		fail_msg("raw form '%.80s' refused: %s", text, err);
	assert_policy_equal(&policy, &again);
	filter_policy_free(&again);
	return text;
}

static void test_x86_actions_and_names(void **state)
{
	const uint64_t arch_events[] = { 0x3c,	 0xc0, 0x13c, 0x4f2e,
					 0x412e, 0xc4, 0xc5,  0x1a4 };

	(void)state;
	parse_x86("deny;events=instructions,branches;fixed=0");
	assert_false(policy.none);
	assert_int_equal(policy.arch, FILTER_ARCH_X86);
	assert_int_equal(policy.vendor, FILTER_VENDOR_INTEL);
	assert_int_equal(policy.x86.action, FILTER_ACTION_DENY);
	assert_int_equal(policy.x86.flags, 0);
	assert_int_equal(policy.x86.fixed_bitmap, 1);
	assert_entries((const uint64_t[]){ 0xc0, 0xc4 }, 2);

	parse_x86(
		"ALLOW Cycles INSTRUCTIONS ref-cycles, llc-references\n"
		"event llc-misses=branches;EVENTS branch-misses topdown-slots");
	assert_int_equal(policy.x86.action, FILTER_ACTION_ALLOW);
	assert_int_equal(policy.x86.fixed_bitmap, 0);
	assert_entries(arch_events, 8);

	/* Repeating the same action is no conflict. */
	parse_x86("allow 0xc0; allow; events 0xc4");
	assert_int_equal(policy.x86.action, FILTER_ACTION_ALLOW);
	assert_entries((const uint64_t[]){ 0xc0, 0xc4 }, 2);

	/* An action with no items is a whole policy. */
	parse_x86("deny");
	assert_int_equal(policy.x86.action, FILTER_ACTION_DENY);
	assert_int_equal(policy.x86.nevents, 0);

	parse_x86("none");
	assert_true(policy.none);
	parse_x86("  # nothing but\n NONE ; ;\n");
	assert_true(policy.none);
}

static void test_x86_numbers_and_ranges(void **state)
{
	(void)state;
	/* Decimal, hex, SEL bits 11:8 to entry bits 35:32. */
	parse_x86("allow 192 0XC4:0x1 0x1c0:255 0xfff:0");
	assert_entries(
		(const uint64_t[]){ 0xc0, 0x1c4, 0x10000ffc0, 0xf000000ff }, 4);

	/* Select outer, umask inner. */
	parse_x86("deny 0x3c-0x3d:0x00-0x02");
	assert_entries((const uint64_t[]){ 0x3c, 0x13c, 0x23c, 0x3d, 0x13d,
					   0x23d },
		       6);

	parse_x86("allow 0x3c:0x00-0x03");
	assert_entries((const uint64_t[]){ 0x3c, 0x13c, 0x23c, 0x33c }, 4);

	parse_x86("allow 0x00-0xff:0x00");
	assert_int_equal(policy.x86.nevents, 256);
	for (uint32_t i = 0; i < 256; i++)
		assert_int_equal(policy.x86.events[i], i);

	parse_x86("allow 0x00-0xfff:0x00-0xff");
	assert_int_equal(policy.x86.nevents, FILTER_POLICY_MAX_ENTRIES);
	assert_int_equal(policy.x86.events[FILTER_POLICY_MAX_ENTRIES - 1],
			 0xf0000ffffULL);
	assert_int_equal(policy.x86.events[257], 0x101);

	/* A single-number range and a duplicate are kept as written. */
	parse_x86("allow 0xc0-0xc0:0-0,0xc0");
	assert_entries((const uint64_t[]){ 0xc0, 0xc0 }, 2);
}

static void test_x86_fixed_and_vendor(void **state)
{
	(void)state;
	parse_x86("allow; fixed 0 2 31");
	assert_int_equal(policy.x86.fixed_bitmap, 0x80000005);
	parse_x86("allow; fixed 0,1; fixed 3");
	assert_int_equal(policy.x86.fixed_bitmap, 0xb);
	parse_x86("allow; fixed 0 1; fixed none");
	assert_int_equal(policy.x86.fixed_bitmap, 0);
	parse_x86("allow; fixed-bitmap=0xdeadbeef");
	assert_int_equal(policy.x86.fixed_bitmap, 0xdeadbeef);
	parse_x86("allow; fixed-bitmap 4294967295; fixed none; fixed 4");
	assert_int_equal(policy.x86.fixed_bitmap, 0x10);

	parse_x86("vendor=AMD;deny 0x1c0");
	assert_int_equal(policy.vendor, FILTER_VENDOR_AMD);
	assert_entries((const uint64_t[]){ 0x1000000c0 }, 1);
	parse_x86("vendor intel;deny;vendor intel");
	assert_int_equal(policy.vendor, FILTER_VENDOR_INTEL);
}

/* A stated vendor must be the vPMU's; an unstated one is the vPMU's. */
static void test_x86_vendor_check(void **state)
{
	char err[128];

	(void)state;
	parse_x86("deny 0xc0");
	assert_false(policy.vendor_stated);
	assert_int_equal(filter_policy_check_vendor(&policy,
						    FILTER_VENDOR_INTEL, err,
						    sizeof(err)),
			 0);
	assert_int_equal(filter_policy_check_vendor(&policy, FILTER_VENDOR_AMD,
						    err, sizeof(err)),
			 0);

	parse_x86("vendor amd; deny 0xc0");
	assert_true(policy.vendor_stated);
	assert_int_equal(filter_policy_check_vendor(&policy, FILTER_VENDOR_AMD,
						    err, sizeof(err)),
			 0);
	assert_int_equal(filter_policy_check_vendor(&policy,
						    FILTER_VENDOR_INTEL, err,
						    sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "the policy is for AMD, the vPMU is Intel's");

	parse_x86("vendor intel; deny 0xc0");
	assert_int_equal(filter_policy_check_vendor(&policy, FILTER_VENDOR_AMD,
						    err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "the policy is for Intel, the vPMU is AMD's");
}

static void test_x86_masked(void **state)
{
	(void)state;
	parse_x86(
		"allow; masked 0xc0 mask 0xf0 match 0x10; masked 0x1c4 exclude match=3 mask=0xff");
	assert_int_equal(policy.x86.flags, FILTER_FLAG_MASKED_EVENTS);
	assert_entries(
		(const uint64_t[]){
			FILTER_MASKED_ENTRY(0xc0, 0xf0, 0x10, false),
			FILTER_MASKED_ENTRY(0x1c4, 0xff, 3, true) },
		2);
	assert_int_equal(policy.x86.events[0], 0xf0000000000010c0ULL);
	assert_int_equal(policy.x86.events[1], 0xff800001000003c4ULL);

	/* mask and match default to 0: every unit mask. */
	parse_x86("deny; masked 0x2e");
	assert_entries((const uint64_t[]){ 0x2e }, 1);
	assert_int_equal(policy.x86.flags, FILTER_FLAG_MASKED_EVENTS);

	/* Plain items in a masked policy become exact masked entries, in order. */
	parse_x86("allow instructions; masked 0xc4 mask 0x0f match 1 exclude;"
		  "events 0x1c5:0x10-0x11; masked 0x3c");
	assert_int_equal(policy.x86.flags, FILTER_FLAG_MASKED_EVENTS);
	assert_entries((const uint64_t[]){ 0xff000000000000c0ULL,
					   0x0f800000000001c4ULL,
					   0xff000001000010c5ULL,
					   0xff000001000011c5ULL, 0x3c },
		       5);
}

static void test_x86_raw(void **state)
{
	char text[8192];
	size_t len;

	(void)state;
	parse_x86("raw 1 0 0x7 0xc0 0xffffffffffffffff");
	assert_int_equal(policy.x86.action, 1);
	assert_int_equal(policy.x86.flags, 0);
	assert_int_equal(policy.x86.fixed_bitmap, 7);
	assert_entries((const uint64_t[]){ 0xc0, UINT64_MAX }, 2);

	/* What KVM refuses can be written down. */
	parse_x86("vendor amd; raw=0xffffffff,0xfffffffe,0xffffffff");
	assert_int_equal(policy.vendor, FILTER_VENDOR_AMD);
	assert_int_equal(policy.x86.action, UINT32_MAX);
	assert_int_equal(policy.x86.flags, 0xfffffffe);
	assert_int_equal(policy.x86.nevents, 0);

	len = snprintf(text, sizeof(text), "raw 0 0 0");
	for (int i = 0; i < 301; i++)
		len += snprintf(text + len, sizeof(text) - len, ",%d", i);
	parse_x86(text);
	assert_int_equal(policy.x86.nevents, 301);
	assert_int_equal(policy.x86.events[300], 300);
}

static void test_arm64_forms(void **state)
{
	(void)state;
	parse_arm64("allow 0x8 cpu-cycles;deny 0x10-0x12 sw-incr-inst-retired");
	assert_int_equal(policy.arch, FILTER_ARCH_ARM64);
	assert_int_equal(policy.arm64.event_bits, 16);
	assert_int_equal(policy.arm64.nr, 4);
	assert_int_equal(policy.arm64.ranges[0].base_event, 8);
	assert_int_equal(policy.arm64.ranges[0].nevents, 1);
	assert_int_equal(policy.arm64.ranges[0].action, FILTER_ACTION_ALLOW);
	assert_int_equal(policy.arm64.ranges[1].base_event, 0x11);
	assert_int_equal(policy.arm64.ranges[2].base_event, 0x10);
	assert_int_equal(policy.arm64.ranges[2].nevents, 3);
	assert_int_equal(policy.arm64.ranges[2].action, FILTER_ACTION_DENY);
	assert_int_equal(policy.arm64.ranges[3].base_event, 0);
	assert_int_equal(policy.arm64.ranges[3].nevents, 9);

	parse_arm64("ALLOW EXC-TAKEN BR-MIS-PRED br-pred mem-access chain "
		    "br-retired 0-0xfffe 65535");
	assert_int_equal(policy.arm64.nr, 8);
	assert_int_equal(policy.arm64.ranges[0].base_event, 0x09);
	assert_int_equal(policy.arm64.ranges[1].base_event, 0x10);
	assert_int_equal(policy.arm64.ranges[2].base_event, 0x12);
	assert_int_equal(policy.arm64.ranges[3].base_event, 0x13);
	assert_int_equal(policy.arm64.ranges[4].base_event, 0x1e);
	assert_int_equal(policy.arm64.ranges[5].base_event, 0x21);
	assert_int_equal(policy.arm64.ranges[6].nevents, 0xffff);
	assert_int_equal(policy.arm64.ranges[7].base_event, 0xffff);

	parse_arm64("raw 0x10 0 1; raw=65535,65535,255; deny 8");
	assert_int_equal(policy.arm64.nr, 3);
	assert_int_equal(policy.arm64.ranges[0].nevents, 0);
	assert_int_equal(policy.arm64.ranges[1].base_event, 0xffff);
	assert_int_equal(policy.arm64.ranges[1].nevents, 0xffff);
	assert_int_equal(policy.arm64.ranges[1].action, 255);
	assert_int_equal(policy.arm64.ranges[2].action, FILTER_ACTION_DENY);

	parse_arm64("event-bits 10; deny 1");
	assert_int_equal(policy.arm64.event_bits, 10);
	parse_arm64("deny 1; event-bits=16");
	assert_int_equal(policy.arm64.event_bits, 16);
	parse_arm64("pmuver 8.0; deny 1");
	assert_int_equal(policy.arm64.event_bits, 10);
	parse_arm64("pmuver 8; deny 1; event-bits 10");
	assert_int_equal(policy.arm64.event_bits, 10);
	parse_arm64("pmuver 8.1; deny 1");
	assert_int_equal(policy.arm64.event_bits, 16);
	parse_arm64("pmuver=9.4; deny 1");
	assert_int_equal(policy.arm64.event_bits, 16);
	parse_arm64("none");
	assert_true(policy.none);
}

struct bad_policy {
	enum filter_arch arch;
	const char *text;
	const char *message;
};

static const struct bad_policy bad_policies[] = {
	{ FILTER_ARCH_X86, "", "empty policy: write 'none' for no filter" },
	{ FILTER_ARCH_X86, " ;\n# only a comment\n;", "empty policy" },
	{ FILTER_ARCH_X86, "events 0xc0", "the policy has no action" },
	{ FILTER_ARCH_X86, "vendor amd; fixed 1", "no action" },
	{ FILTER_ARCH_X86, "allow;fixed 40",
	  "statement 2 ('fixed 40'): fixed counter 40 is not 0..31" },
	{ FILTER_ARCH_X86, "allow\n# c\n\nfrobnicate 1",
	  "statement 2 ('frobnicate 1'): unknown x86 statement 'frobnicate'" },
	{ FILTER_ARCH_X86, "allow 0xc0; deny",
	  "statement 2 ('deny'): a policy has one action, and statement 1 chose 'allow'" },
	{ FILTER_ARCH_X86, "allow 0x1000",
	  "event select 0x1000 is not 0..0xfff" },
	{ FILTER_ARCH_X86, "allow 0xc0:0x100",
	  "unit mask 0x100 is not 0..0xff" },
	{ FILTER_ARCH_X86,
	  "allow 0xc0:", "'0xc0:' is not an event name or SEL[:UMASK]" },
	{ FILTER_ARCH_X86, "allow 0xc0:1:2",
	  "'0xc0:1:2' is not an event name" },
	{ FILTER_ARCH_X86, "allow cycels", "'cycels' is not an event name" },
	{ FILTER_ARCH_X86, "allow 0xg0", "'0xg0' is not an event name" },
	{ FILTER_ARCH_X86, "allow -1", "'-1' is not an event name" },
	{ FILTER_ARCH_X86, "allow 0x", "'0x' is not an event name" },
	{ FILTER_ARCH_X86, "allow 99999999999999999999999",
	  "event select 99999999999999999999999 is not 0..0xfff" },
	{ FILTER_ARCH_X86, "allow 0x10-0x5",
	  "event select range 0x10-0x5 runs backwards" },
	{ FILTER_ARCH_X86, "allow 0xc0:3-1",
	  "unit mask range 3-1 runs backwards" },
	{ FILTER_ARCH_X86, "allow 0xff-0x1000",
	  "event select range 0xff-0x1000 is not within 0..0xfff" },
	{ FILTER_ARCH_X86, "allow 0x0-0xfff:0-0xff,0xc0",
	  "more than 1048576 entries in the policy" },
	{ FILTER_ARCH_X86, "allow; events",
	  "'events' needs at least one event" },
	{ FILTER_ARCH_X86, "allow; masked", "'masked' needs an event select" },
	{ FILTER_ARCH_X86, "allow; masked instructions",
	  "event select 'instructions' is not a number" },
	{ FILTER_ARCH_X86, "allow; masked 0x1000",
	  "event select 0x1000 is not 0..0xfff" },
	{ FILTER_ARCH_X86, "allow; masked 0xc0 mask 0x100",
	  "mask 0x100 is not 0..0xff" },
	{ FILTER_ARCH_X86, "allow; masked 0xc0 match 256",
	  "match 256 is not 0..0xff" },
	{ FILTER_ARCH_X86, "allow; masked 0xc0 mask", "'mask' needs a value" },
	{ FILTER_ARCH_X86, "allow; masked 0xc0 mask 1 mask 2",
	  "'mask' given twice" },
	{ FILTER_ARCH_X86, "allow; masked 0xc0 match 1 match 2",
	  "'match' given twice" },
	{ FILTER_ARCH_X86, "allow; masked 0xc0 exclude exclude",
	  "'exclude' given twice" },
	{ FILTER_ARCH_X86, "allow; masked 0xc0 include",
	  "'include' is not 'mask', 'match' or 'exclude'" },
	{ FILTER_ARCH_X86, "allow; fixed",
	  "'fixed' needs counter numbers or 'none'" },
	{ FILTER_ARCH_X86, "allow; fixed none 1", "'fixed none' stands alone" },
	{ FILTER_ARCH_X86, "allow; fixed 0x",
	  "fixed counter '0x' is not a number" },
	{ FILTER_ARCH_X86, "allow; fixed-bitmap 0x100000000",
	  "fixed bitmap 0x100000000 is not 0..0xffffffff" },
	{ FILTER_ARCH_X86, "allow; fixed-bitmap",
	  "'fixed-bitmap' takes one value" },
	{ FILTER_ARCH_X86, "allow; vendor", "'vendor' takes one value" },
	{ FILTER_ARCH_X86, "allow; vendor via",
	  "vendor 'via' is not intel or amd" },
	{ FILTER_ARCH_X86, "vendor amd; allow; vendor intel",
	  "a policy has one vendor" },
	{ FILTER_ARCH_X86, "raw 0 0", "'raw' needs ACTION FLAGS FIXED_BITMAP" },
	{ FILTER_ARCH_X86, "raw 0x100000000 0 0",
	  "action 0x100000000 is not 0..0xffffffff" },
	{ FILTER_ARCH_X86, "raw 0 x 0", "flags 'x' is not a number" },
	{ FILTER_ARCH_X86, "raw 0 0 0 0x1ffffffffffffffff",
	  "entry 0x1ffffffffffffffff is not 0..0xffffffffffffffff" },
	{ FILTER_ARCH_X86, "raw 0 0 0; raw 0 0 0",
	  "a policy has one 'raw' statement" },
	{ FILTER_ARCH_X86, "raw 0 0 0; fixed 1",
	  "statement 2 ('fixed 1'): a raw policy has nothing but 'vendor'" },
	{ FILTER_ARCH_X86, "allow; raw 0 0 0",
	  "statement 2 ('raw 0 0 0'): 'raw' states the whole filter" },
	{ FILTER_ARCH_X86, "none; allow",
	  "statement 2 ('allow'): 'none' is the whole policy" },
	{ FILTER_ARCH_X86, "vendor amd; none",
	  "statement 2 ('none'): 'none' is the whole policy" },
	{ FILTER_ARCH_X86, "none 1",
	  "statement 1 ('none 1'): 'none' is the whole policy" },
	{ FILTER_ARCH_X86, "allow; event-bits 10",
	  "unknown x86 statement 'event-bits'" },
	{ FILTER_ARCH_X86,
	  "allow 0x3c 0x3d 0x3e 0x3f 0x40 0x41 0x42 0x43 0x44 0x45 nope",
	  "statement 1 ('allow 0x3c 0x3d 0x3e 0x3f 0x40 0x41 0x42...'): 'nope'" },
	{ FILTER_ARCH_X86, "allow 0x3c 0x3d 0x3e 0x3f 0x40 0x41 nop1",
	  "statement 1 ('allow 0x3c 0x3d 0x3e 0x3f 0x40 0x41 nop1'): 'nop1'" },
	{ FILTER_ARCH_ARM64, "", "empty policy" },
	{ FILTER_ARCH_ARM64, "event-bits 10", "the policy sets no range" },
	{ FILTER_ARCH_ARM64, "allow", "'allow' needs at least one range" },
	{ FILTER_ARCH_ARM64, "deny 0x10000", "event 0x10000 is not 0..0xffff" },
	{ FILTER_ARCH_ARM64, "deny 0-0x10000",
	  "range 0-0x10000 is not within 0..0xffff" },
	{ FILTER_ARCH_ARM64, "deny 0-0xffff",
	  "range 0-0xffff covers 65536 events, more than one filter's 65535" },
	{ FILTER_ARCH_ARM64, "deny 0x12-0x11",
	  "range 0x12-0x11 runs backwards" },
	{ FILTER_ARCH_ARM64, "deny cpu-cycle", "'cpu-cycle' is not an event" },
	{ FILTER_ARCH_ARM64, "deny cycles", "'cycles' is not an event" },
	{ FILTER_ARCH_ARM64, "allow 1; deny 2; allow 3 4; deny instructions",
	  "statement 4 ('deny instructions'): 'instructions' is not an event" },
	{ FILTER_ARCH_ARM64, "raw 1 1", "'raw' needs BASE NEVENTS ACTION" },
	{ FILTER_ARCH_ARM64, "raw 1 1 0 0", "'raw' needs BASE NEVENTS ACTION" },
	{ FILTER_ARCH_ARM64, "raw 0x10000 1 0",
	  "base event 0x10000 is not 0..0xffff" },
	{ FILTER_ARCH_ARM64, "raw 0 65536 0",
	  "nevents 65536 is not 0..0xffff" },
	{ FILTER_ARCH_ARM64, "raw 0 1 256", "action 256 is not 0..0xff" },
	{ FILTER_ARCH_ARM64, "deny 1; event-bits 12",
	  "event-bits 12 is not 10 or 16" },
	{ FILTER_ARCH_ARM64, "deny 1; event-bits 10; pmuver 8.1",
	  "statement 3 ('pmuver 8.1'): a policy has one event number width, and it is 10 bits" },
	{ FILTER_ARCH_ARM64, "deny 1; pmuver 7.9",
	  "PMU version '7.9' is not 8.0, 8.1 or later" },
	{ FILTER_ARCH_ARM64, "deny 1; pmuver 8.", "PMU version '8.' is not" },
	{ FILTER_ARCH_ARM64, "deny 1; pmuver v8", "PMU version 'v8' is not" },
	{ FILTER_ARCH_ARM64, "deny 1; pmuver", "'pmuver' takes one value" },
	{ FILTER_ARCH_ARM64, "deny 1; vendor amd",
	  "unknown arm64 statement 'vendor'" },
	{ FILTER_ARCH_ARM64, "allow 1; events 0xc0",
	  "unknown arm64 statement 'events'" },
	{ FILTER_ARCH_ARM64, "none; deny 1", "'none' is the whole policy" },
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_policies); i++) {
		const struct bad_policy *b = &bad_policies[i];
		int ret = parse(b->text, b->arch);

		if (ret != -EINVAL)
			fail_msg("'%s': %d, want -EINVAL", b->text, ret);
		if (!strstr(err, b->message))
			fail_msg("'%s': '%s' not in '%s'", b->text, b->message,
				 err);
		if (strchr(err, '\n'))
			fail_msg("'%s': message of more than one line",
				 b->text);
		/* Nothing is left behind to free. */
		assert_null(policy.x86.events);
		assert_null(policy.arm64.ranges);
		assert_false(policy.none);
	}
}

static void test_number(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(filter_policy_number("0", 0, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(filter_policy_number("010", 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(filter_policy_number("0xFfFf", 0xffff, &v), 0);
	assert_int_equal(v, 0xffff);
	assert_int_equal(
		filter_policy_number("0XFFFFFFFFFFFFFFFF", UINT64_MAX, &v), 0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(filter_policy_number("18446744073709551615",
					      UINT64_MAX, &v),
			 0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(filter_policy_number("18446744073709551616",
					      UINT64_MAX, &v),
			 -ERANGE);
	assert_int_equal(filter_policy_number("0x10000000000000000", UINT64_MAX,
					      &v),
			 -ERANGE);
	assert_int_equal(filter_policy_number("0x100", 0xff, &v), -ERANGE);
	assert_int_equal(filter_policy_number("256", 255, &v), -ERANGE);
	assert_int_equal(filter_policy_number("", 1, &v), -EINVAL);
	assert_int_equal(filter_policy_number("0x", 1, &v), -EINVAL);
	assert_int_equal(filter_policy_number("ff", 1000, &v), -EINVAL);
	assert_int_equal(filter_policy_number("+1", 1000, &v), -EINVAL);
	assert_int_equal(filter_policy_number("1 ", 1000, &v), -EINVAL);
	assert_int_equal(filter_policy_number("0x1g", 1000, &v), -EINVAL);
}

static void test_event_names(void **state)
{
	uint16_t select, event;
	uint8_t umask;

	(void)state;
	assert_true(filter_policy_x86_event("LLC-Misses", &select, &umask));
	assert_int_equal(select, 0x2e);
	assert_int_equal(umask, 0x41);
	assert_false(filter_policy_x86_event("cpu-cycles", &select, &umask));
	assert_string_equal(filter_policy_x86_event_name(0x3c, 1),
			    "ref-cycles");
	assert_string_equal(filter_policy_x86_event_name(0xa4, 1),
			    "topdown-slots");
	assert_null(filter_policy_x86_event_name(0xc0, 1));

	assert_true(filter_policy_arm64_event("Br-Retired", &event));
	assert_int_equal(event, 0x21);
	assert_false(filter_policy_arm64_event("instructions", &event));
	assert_string_equal(filter_policy_arm64_event_name(0x1e), "chain");
	assert_string_equal(filter_policy_arm64_event_name(0), "sw-incr");
	assert_null(filter_policy_arm64_event_name(0x14));
}

/* One ITEM alone, as `hvcheck filter check` reads its EVENTs too. */
static void test_x86_item(void **state)
{
	struct filter_policy_x86_item item;
	char why[128];

	(void)state;
	assert_int_equal(
		filter_policy_x86_item("Branches", &item, why, sizeof(why)), 0);
	assert_int_equal(item.select_lo, 0xc4);
	assert_int_equal(item.select_hi, 0xc4);
	assert_int_equal(item.umask_lo, 0);
	assert_int_equal(item.umask_hi, 0);
	assert_int_equal(
		filter_policy_x86_item("0x1c4", &item, why, sizeof(why)), 0);
	assert_int_equal(item.select_lo, 0x1c4);
	assert_int_equal(item.umask_hi, 0);
	assert_int_equal(filter_policy_x86_item("0x3c-0x3d:1-0x4f", &item, why,
						sizeof(why)),
			 0);
	assert_int_equal(item.select_lo, 0x3c);
	assert_int_equal(item.select_hi, 0x3d);
	assert_int_equal(item.umask_lo, 1);
	assert_int_equal(item.umask_hi, 0x4f);

	/* No item's form: the caller says what the word should have been. */
	assert_int_equal(filter_policy_x86_item("cycle", &item, why,
						sizeof(why)),
			 -ENOENT);
	assert_int_equal(filter_policy_x86_item("1:2:3", &item, why,
						sizeof(why)),
			 -ENOENT);
	assert_int_equal(filter_policy_x86_item("0xc0:x", &item, why,
						sizeof(why)),
			 -ENOENT);
	assert_int_equal(filter_policy_x86_item("", &item, why, sizeof(why)),
			 -ENOENT);
	/* The form but not the bounds: why says which. */
	assert_int_equal(filter_policy_x86_item("0xc0:0x100", &item, why,
						sizeof(why)),
			 -EINVAL);
	assert_string_equal(why, "unit mask 0x100 is not 0..0xff");
	assert_int_equal(filter_policy_x86_item("0xff-0x1000", &item, why,
						sizeof(why)),
			 -EINVAL);
	assert_string_equal(
		why, "event select range 0xff-0x1000 is not within 0..0xfff");
	assert_int_equal(filter_policy_x86_item("0:3-1", &item, why,
						sizeof(why)),
			 -EINVAL);
	assert_string_equal(why, "unit mask range 3-1 runs backwards");
}

static void test_raw_form(void **state)
{
	char *text;

	(void)state;
	parse_x86("deny;events=instructions,branches;fixed=0");
	text = round_trip();
	assert_string_equal(text, "raw=1,0x0,0x1,0xc0,0xc4\n");
	free(text);

	parse_x86(
		"vendor amd; allow 0x1c0; masked 0xc4 mask 0x0f match 1 exclude");
	text = round_trip();
	assert_string_equal(
		text,
		"raw=0,0x1,0x0,0xff000001000000c0,0xf800000000001c4;vendor=amd\n");
	free(text);

	parse_x86("none");
	text = round_trip();
	assert_string_equal(text, "none\n");
	free(text);

	parse_arm64("allow inst-retired 0x11-0x13; deny 0; event-bits 10");
	text = round_trip();
	assert_string_equal(
		text, "raw=0x8,1,0;raw=0x11,3,0;raw=0x0,1,1;event-bits=10\n");
	free(text);

	parse_arm64("raw 0xffff 0xffff 0xff");
	text = round_trip();
	assert_string_equal(text, "raw=0xffff,65535,255\n");
	free(text);
}

/* parse(print(p)) == p for filters of every shape, valid or not. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void test_raw_round_trip_random(void **state)
{
	(void)state;
	for (int round = 0; round < 300; round++) {
		uint32_t n = rng() % 320;
		char *first, *second;

		filter_policy_free(&policy);
		memset(&policy, 0, sizeof(policy));
		policy.arch = FILTER_ARCH_X86;
		policy.vendor = rng() & 1 ? FILTER_VENDOR_AMD :
					    FILTER_VENDOR_INTEL;
		policy.x86.action = rng() % 4 ? rng() % 2 : (uint32_t)rng();
		policy.x86.flags = rng() % 4 ? rng() % 2 : (uint32_t)rng();
		policy.x86.fixed_bitmap = rng();
		policy.x86.nevents = n;
		policy.x86.events = calloc(n ?: 1, sizeof(uint64_t));
		assert_non_null(policy.x86.events);
		for (uint32_t i = 0; i < n; i++)
			policy.x86.events[i] = rng() >> (rng() % 64);
		first = round_trip();
		/* The printed form is stable too. */
		parse_x86(first);
		second = round_trip();
		assert_string_equal(first, second);
		free(first);
		free(second);
	}
	for (int round = 0; round < 300; round++) {
		unsigned int n = 1 + rng() % 20;

		filter_policy_free(&policy);
		memset(&policy, 0, sizeof(policy));
		policy.arch = FILTER_ARCH_ARM64;
		policy.arm64.event_bits = rng() & 1 ? 10 : 16;
		policy.arm64.nr = n;
		policy.arm64.ranges = calloc(n, sizeof(*policy.arm64.ranges));
		assert_non_null(policy.arm64.ranges);
		for (unsigned int i = 0; i < n; i++)
			policy.arm64.ranges[i] = (struct filter_arm64_range){
				.base_event = rng(),
				.nevents = rng() >> (rng() % 64),
				.action = rng() % 4 ? rng() % 2 : rng(),
			};
		free(round_trip());
	}
}

/* Written statements survive the trip through the raw form. */
static void test_round_trip_texts(void **state)
{
	static const char *const x86[] = {
		"allow 0x00-0x10:0x00-0x03; fixed 1 2",
		"deny; masked 0xc0 mask 0x3 match 0x1 exclude; events cycles",
		"vendor amd; deny 0xfff:0xff; fixed-bitmap 0xffffffff",
		"raw 7 0x2 0 0xdeadbeef",
	};
	static const char *const arm64[] = {
		"deny 0x11; allow 0x0-0x3ff; pmuver 8.0",
		"raw 0x3ff 2 3",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(x86); i++) {
		parse_x86(x86[i]);
		free(round_trip());
	}
	for (size_t i = 0; i < ARRAY_SIZE(arm64); i++) {
		parse_arm64(arm64[i]);
		free(round_trip());
	}
}

static char *write_temp(const char *text, size_t len)
{
	char *path = strdup("/tmp/hvcheck-policy-XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

static int load(const char *path_or_text, enum filter_arch arch)
{
	filter_policy_free(&policy);
	memset(err, 0, sizeof(err));
	return filter_policy_load(path_or_text, arch, &policy, err,
				  sizeof(err));
}

static void test_load(void **state)
{
	static const char file_text[] =
		"# a policy file\n"
		"deny                 # the action\n"
		"events instructions  # and what it denies\n"
		"fixed 1\n";
	char arg[64], *path;

	(void)state;
	assert_int_equal(load("deny 0xc0", FILTER_ARCH_X86), 0);
	assert_entries((const uint64_t[]){ 0xc0 }, 1);

	path = write_temp(file_text, strlen(file_text));
	snprintf(arg, sizeof(arg), "@%s", path);
	assert_int_equal(load(arg, FILTER_ARCH_X86), 0);
	assert_int_equal(policy.x86.action, FILTER_ACTION_DENY);
	assert_int_equal(policy.x86.fixed_bitmap, 2);
	assert_entries((const uint64_t[]){ 0xc0 }, 1);
	/* The same file is no arm64 policy, and the message says which file. */
	assert_int_equal(load(arg, FILTER_ARCH_ARM64), -EINVAL);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(
		err, "statement 1 ('deny'): 'deny' needs at least one range"));
	unlink(path);

	assert_int_equal(load(arg, FILTER_ARCH_X86), -ENOENT);
	assert_non_null(strstr(err, "cannot open policy file"));
	assert_non_null(strstr(err, path));
	free(path);

	assert_int_equal(load("@", FILTER_ARCH_X86), -EINVAL);
	assert_non_null(strstr(err, "'@' needs a file name"));
}

/* Policy files that cannot be policies: a NUL byte, too big, a folder. */
static void test_load_bad_files(void **state)
{
	char arg[64], *path, *big;

	(void)state;
	path = write_temp("deny\0x", 6);
	snprintf(arg, sizeof(arg), "@%s", path);
	assert_int_equal(load(arg, FILTER_ARCH_X86), -EINVAL);
	assert_non_null(strstr(err, "NUL byte"));
	unlink(path);
	free(path);

	/* Exactly the limit is fine, one byte more is not. */
	big = malloc(FILTER_POLICY_MAX_FILE + 1);
	assert_non_null(big);
	memset(big, ' ', FILTER_POLICY_MAX_FILE + 1);
	memcpy(big, "deny", 4);
	path = write_temp(big, FILTER_POLICY_MAX_FILE);
	snprintf(arg, sizeof(arg), "@%s", path);
	assert_int_equal(load(arg, FILTER_ARCH_X86), 0);
	unlink(path);
	free(path);
	path = write_temp(big, FILTER_POLICY_MAX_FILE + 1);
	snprintf(arg, sizeof(arg), "@%s", path);
	assert_int_equal(load(arg, FILTER_ARCH_X86), -EFBIG);
	assert_non_null(strstr(err, "larger than 1024 KiB"));
	unlink(path);
	free(path);
	free(big);

	assert_int_equal(load("@/", FILTER_ARCH_X86), -EISDIR);
	assert_non_null(strstr(err, "cannot read policy file '/'"));
}

static int teardown(void **state)
{
	(void)state;
	filter_policy_free(&policy);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x86_actions_and_names),
		cmocka_unit_test(test_x86_numbers_and_ranges),
		cmocka_unit_test(test_x86_fixed_and_vendor),
		cmocka_unit_test(test_x86_vendor_check),
		cmocka_unit_test(test_x86_item),
		cmocka_unit_test(test_x86_masked),
		cmocka_unit_test(test_x86_raw),
		cmocka_unit_test(test_arm64_forms),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_event_names),
		cmocka_unit_test(test_raw_form),
		cmocka_unit_test(test_raw_round_trip_random),
		cmocka_unit_test(test_round_trip_texts),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_load_bad_files),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
