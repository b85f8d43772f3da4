// SPDX-License-Identifier: GPL-2.0-only
/* Runs the registered tests the command line selects. */
#include "cmdline.h"
#include "report.h"
#include "string.h"
#include "test.h"

extern const struct test_case __tests_start[], __tests_end[];

static bool selects(const char *selector, size_t len,
		    const struct test_case *test)
{
	/* An exact name, or a group: "selftest" matches "selftest.x". */
	if (!strncmp(test->name, selector, len) && !test->name[len])
		return true;
	return !(test->flags & TEST_EXPLICIT_ONLY) &&
	       !strncmp(test->name, selector, len) && test->name[len] == '.';
}

static void run_test(const struct test_case *test)
{
	unsigned int depth = report_prefix_depth();
	const char *part = test->name;

	/* "selftest.timer" reports as "selftest: timer: ...". */
	for (;;) {
		const char *dot = strchr(part, '.');
		size_t len = dot ? (size_t)(dot - part) : strlen(part);

		report_prefix_pushf("%.*s", (int)len, part);
		if (!dot)
			break;
		part = dot + 1;
	}
	test->run();
	report_prefix_unwind(depth);
}

/* Whether a selector before `upto` in the list already ran this test. */
static bool selected_before(const char *list, const char *upto,
			    const struct test_case *test)
{
	while (list < upto) {
		const char *comma = strchr(list, ',');
		size_t len = comma ? (size_t)(comma - list) : strlen(list);

		if (len && selects(list, len, test))
			return true;
		list += len + 1;
	}
	return false;
}

void test_main(void)
{
	const char *list = cmdline_get_str("tests", "");
	unsigned int nr_selectors = 0;

	for (const char *p = list; *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		bool matched = false;

		for (const struct test_case *t = __tests_start;
		     len && t < __tests_end; t++) {
			if (!selects(p, len, t))
				continue;
			matched = true;
			if (!selected_before(list, p, t))
				run_test(t);
		}
		if (len) {
			nr_selectors++;
			if (!matched)
				report(false,
				       "tests=: no test or group named '%.*s'",
				       (int)len, p);
		}
		p += len + (comma ? 1 : 0);
	}
	if (!nr_selectors)
		report(false, "no tests selected (tests= is missing or empty)");
	report_exit();
}
