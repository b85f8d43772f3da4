// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the filter slots: compiling policies, installing one. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "vpmu/filter_slots.h"

#define INSTRUCTIONS 0x00c0 /* INST_RETIRED.ANY_P */
#define BRANCHES     0x00c4 /* BR_INST_RETIRED.ALL_BRANCHES */

static uint64_t insns[] = { INSTRUCTIONS };

/* none; deny instructions and fixed counter 0; allow instructions. */
static void three_policies(struct filter_policy p[3])
{
	p[0] = (struct filter_policy){ .arch = FILTER_ARCH_X86, .none = true };
	p[1] = (struct filter_policy){
		.arch = FILTER_ARCH_X86,
		.x86 = { .action = FILTER_ACTION_DENY,
			 .fixed_bitmap = 0x1,
			 .nevents = 1,
			 .events = insns },
	};
	p[2] = (struct filter_policy){
		.arch = FILTER_ARCH_X86,
		.x86 = { .action = FILTER_ACTION_ALLOW,
			 .nevents = 1,
			 .events = insns },
	};
}

static void test_no_policies(void **state)
{
	struct filter_slots fs;
	unsigned int failed = 99;

	(void)state;
	assert_int_equal(filter_slots_build(&fs, NULL, 0, FILTER_VENDOR_INTEL,
					    &failed),
			 0);
	assert_int_equal(fs.nr, 0);
	assert_int_equal(filter_slots_installed(&fs), FILTER_SLOT_NONE);
	assert_null(filter_slots_rules(&fs, filter_slots_installed(&fs)));
	/* Nothing installed filters: every event counts. */
	assert_true(filter_x86_gp_allowed(
		filter_slots_rules(&fs, filter_slots_installed(&fs)),
		INSTRUCTIONS));
	filter_slots_free(&fs);
}

static void test_build_and_select(void **state)
{
	struct filter_policy p[3];
	struct filter_slots fs;
	const struct filter_x86_rules *r;
	unsigned int failed;

	(void)state;
	three_policies(p);
	assert_int_equal(
		filter_slots_build(&fs, p, 3, FILTER_VENDOR_INTEL, &failed), 0);
	assert_int_equal(fs.nr, 3);
	/* Slot 0 is installed first: the policy of no filter. */
	assert_int_equal((uint32_t)filter_slots_installed(&fs), 0);
	assert_null(filter_slots_rules(&fs, filter_slots_installed(&fs)));

	filter_slots_select(&fs, 1);
	r = filter_slots_rules(&fs, filter_slots_installed(&fs));
	assert_non_null(r);
	assert_false(filter_x86_gp_allowed(r, INSTRUCTIONS));
	assert_true(filter_x86_gp_allowed(r, BRANCHES));
	assert_false(filter_x86_fixed_allowed(r, 0));
	assert_true(filter_x86_fixed_allowed(r, 1));

	filter_slots_select(&fs, 2);
	r = filter_slots_rules(&fs, filter_slots_installed(&fs));
	assert_true(filter_x86_gp_allowed(r, INSTRUCTIONS));
	assert_false(filter_x86_gp_allowed(r, BRANCHES));
	assert_false(filter_x86_fixed_allowed(r, 0));

	filter_slots_select(&fs, FILTER_SLOT_NONE);
	assert_null(filter_slots_rules(&fs, filter_slots_installed(&fs)));
	filter_slots_free(&fs);
	assert_int_equal(fs.nr, 0);
	assert_int_equal(filter_slots_installed(&fs), FILTER_SLOT_NONE);
}

/*
 * Every install is a new generation, the same slot again included: a
 * vCPU that saw the old word picks the install up (and decides its
 * counters again) however many installs it slept through.
 */
static void test_generations(void **state)
{
	struct filter_policy p[3];
	struct filter_slots fs;
	uint64_t before, after;
	unsigned int failed;

	(void)state;
	three_policies(p);
	assert_int_equal(
		filter_slots_build(&fs, p, 3, FILTER_VENDOR_INTEL, &failed), 0);
	before = filter_slots_installed(&fs);
	filter_slots_select(&fs, 0);
	after = filter_slots_installed(&fs);
	assert_int_not_equal(before, after);
	assert_int_equal((uint32_t)after, 0);
	assert_int_equal(after >> 32, (before >> 32) + 1);
	filter_slots_select(&fs, 2);
	filter_slots_select(&fs, 0);
	assert_int_equal(filter_slots_installed(&fs) >> 32, (after >> 32) + 2);
	/* A slot past the policies (never asked for) reads as no filter. */
	assert_null(filter_slots_rules(&fs, 3));
	assert_null(filter_slots_rules(&fs, (uint64_t)7 << 32 | 5));
	filter_slots_free(&fs);
}

/* A policy that does not compile: its index, and nothing kept. */
static void test_build_fails(void **state)
{
	uint64_t *many = calloc(FILTER_X86_MAX_EVENTS + 1, sizeof(*many));
	struct filter_policy p[3];
	struct filter_slots fs;
	unsigned int failed = 99;

	(void)state;
	three_policies(p);
	for (unsigned int i = 0; i <= FILTER_X86_MAX_EVENTS; i++)
		many[i] = 0x100 + i;
	p[2].x86.events = many;
	p[2].x86.nevents = FILTER_X86_MAX_EVENTS + 1;
	assert_int_equal(filter_slots_build(&fs, p, 3, FILTER_VENDOR_INTEL,
					    &failed),
			 -E2BIG);
	assert_int_equal(failed, 2);
	assert_int_equal(fs.nr, 0);
	assert_null(fs.rules);
	assert_null(fs.compiled);
	assert_int_equal(filter_slots_installed(&fs), FILTER_SLOT_NONE);
	filter_slots_free(&fs);
	free(many);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_policies),
		cmocka_unit_test(test_build_and_select),
		cmocka_unit_test(test_generations),
		cmocka_unit_test(test_build_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
