// SPDX-License-Identifier: GPL-2.0-only
/* selftest.report: the report API counts and prefixes as documented. */
#include "hvcheck_abi.h"
#include "report.h"
#include "string.h"
#include "test.h"

static bool only_pass_moved(const struct report_counts *before,
			    const struct report_counts *after)
{
	return after->pass == before->pass + 1 && after->fail == before->fail &&
	       after->skip == before->skip && after->xfail == before->xfail &&
	       after->xpass == before->xpass;
}

static void check_counters(void)
{
	struct report_counts before, after;

	report_get_counts(&before);
	report(true, "a passing check");
	report_get_counts(&after);
	report(only_pass_moved(&before, &after),
	       "report(true) counts exactly one PASS");

	report_get_counts(&before);
	report_xfail(false, true, "a check not expected to fail, passing");
	report_get_counts(&after);
	report(only_pass_moved(&before, &after),
	       "report_xfail() with xfail false counts as a plain PASS");
}

static void check_status(void)
{
	const struct report_counts clean = { .pass = 3, .skip = 1, .xfail = 2 };
	const struct report_counts failed = { .pass = 3, .fail = 1 };
	const struct report_counts xpassed = { .pass = 3, .xpass = 1 };

	report(report_status(&clean) == HV_STATUS_PASS,
	       "passes, skips and expected failures give status 0");
	report(report_status(&failed) == HV_STATUS_FAIL,
	       "an unexpected failure gives status 1");
	report(report_status(&xpassed) == HV_STATUS_FAIL,
	       "an unexpected pass (XPASS) gives status 1");
}

static void check_prefixes(void)
{
	unsigned int depth = report_prefix_depth();
	char outer[256];
	bool nested_ok, popped_ok, unwound_ok;

	strlcpy(outer, report_prefix(), sizeof(outer));
	report(!strcmp(outer, "selftest: report: "),
	       "the runner pushed the test name as prefixes");

	report_prefix_push("outer");
	report_prefix_pushf("inner%d", 2);
	nested_ok =
		!strcmp(report_prefix(), "selftest: report: outer: inner2: ") &&
		report_prefix_depth() == depth + 2;
	report_prefix_pop();
	popped_ok = !strcmp(report_prefix(), "selftest: report: outer: ");
	report_prefix_push("a");
	report_prefix_push("b");
	report_prefix_unwind(depth);
	unwound_ok = !strcmp(report_prefix(), outer) &&
		     report_prefix_depth() == depth;

	report(nested_ok, "push and pushf nest prefixes");
	report(popped_ok, "pop removes only the innermost prefix");
	report(unwound_ok, "unwind restores an earlier depth");
}

static void test_report(void)
{
	check_counters();
	check_status();
	check_prefixes();
}
DEFINE_TEST(test_report, "selftest.report");
