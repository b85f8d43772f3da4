// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of `hvcheck compare`: the comparison, its reports, its CLI. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_capture.h"
#include "array_size.h"
#include "hvcheck_abi.h"
#include "cli/compare.h"
#include "runner/compare.h"

#define CHECK(st, txt)                                      \
	{                                                   \
		.status = RESULTS_CHECK_##st, .text = (txt) \
	}

/* A test with the report lines of the array @lines. */
#define TEST(n, st, why, lines)                                       \
	{                                                             \
		.name = (n), .status = RESULTS_##st, .reason = (why), \
		.check = (lines), .check_count = ARRAY_SIZE(lines)    \
	}

/* A test without report lines. */
#define BARE(n, st, why)                                             \
	{                                                            \
		.name = (n), .status = RESULTS_##st, .reason = (why) \
	}

#define FILE_OF(tests)                                              \
	{                                                           \
		.arch = "x86_64", .target = "vmm", .test = (tests), \
		.test_count = ARRAY_SIZE(tests)                     \
	}

/* @f with the "host" object @host of @count keys. */
static void set_host(struct results_file *f, struct results_meta *host,
		     size_t count)
{
	f->host = host;
	f->host_count = count;
}

static struct compare_result compared(const struct results_file *base,
				      const struct results_file *new)
{
	struct compare_result r;

	assert_int_equal(compare_results(base, new, &r), 0);
	return r;
}

static char *text_of(const struct compare_result *r, bool json)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	assert_non_null(out);
	if (json)
		assert_int_equal(
			compare_write_json(out, r, "base.json", "new.json"), 0);
	else
		assert_int_equal(
			compare_write_text(out, r, "base.json", "new.json"), 0);
	assert_int_equal(fclose(out), 0);
	return text;
}

static void assert_has(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("'%s' not in:\n%s", want, text);
}

static void assert_test(const struct compare_test *t,
			enum compare_test_change change, const char *name)
{
	assert_string_equal(compare_test_change_name(t->change),
			    compare_test_change_name(change));
	assert_string_equal(t->name, name);
}

static void assert_check(const struct compare_check *c,
			 enum compare_check_change change, const char *text,
			 unsigned int occurrence)
{
	const struct results_check *line = c->new ? c->new : c->base;

	assert_string_equal(compare_check_change_name(c->change),
			    compare_check_change_name(change));
	assert_string_equal(line->text, text);
	assert_int_equal(c->occurrence, occurrence);
}

/* ----------------------------------------------------- the planted run */

static struct results_check counters_pass[] = {
	CHECK(PASS, "pmu: counters: GP counter 0 counts instructions"),
	CHECK(PASS, "pmu: counters: fixed counter 1 counts cycles"),
};

static struct results_check counters_fail[] = {
	CHECK(PASS, "pmu: counters: GP counter 0 counts instructions"),
	CHECK(FAIL, "pmu: counters: fixed counter 1 counts cycles"),
};

static struct results_check overflow_pass[] = {
	CHECK(PASS, "pmu: overflow: GP counter 0 overflows into GLOBAL_STATUS"),
};

static struct results_meta base_host[] = {
	{ "kernel", "6.1.0-18-amd64" },
	{ "cpu_vendor", "GenuineIntel" },
	{ "kvm.enable_pmu", "true" },
};

static struct results_meta new_host[] = {
	{ "kernel", "6.1.0-21-amd64" },
	{ "cpu_vendor", "GenuineIntel" },
	{ "kvm.enable_pmu", "true" },
};

static struct results_read_test good_tests[] = {
	TEST("pmu.counters", PASS, NULL, counters_pass),
	TEST("pmu.overflow", PASS, NULL, overflow_pass),
	BARE("selftest.report", PASS, NULL),
};

static struct results_read_test bad_tests[] = {
	TEST("pmu.counters", FAIL,
	     "1 unexpected failure, first: FAIL: pmu: counters: fixed counter 1 counts cycles",
	     counters_fail),
	TEST("pmu.overflow", FAIL, "timeout after 20 s", overflow_pass),
	BARE("selftest.report", PASS, NULL),
};

static const struct results_file good_run = {
	.arch = "x86_64",
	.target = "vmm",
	.host = base_host,
	.host_count = ARRAY_SIZE(base_host),
	.test = good_tests,
	.test_count = ARRAY_SIZE(good_tests),
};

static const struct results_file bad_run = {
	.arch = "x86_64",
	.target = "vmm",
	.host = new_host,
	.host_count = ARRAY_SIZE(new_host),
	.test = bad_tests,
	.test_count = ARRAY_SIZE(bad_tests),
};

static void test_identical(void **state)
{
	struct compare_result r = compared(&good_run, &good_run);
	char *text = text_of(&r, false);

	(void)state;
	assert_int_equal(r.test_count, 0);
	assert_int_equal(r.meta_count, 0);
	assert_string_equal(text, "hvcheck compare: 0 regressions, 0 fixes\n"
				  "BASE base.json: 3 tests\n"
				  "NEW  new.json: 3 tests\n");
	free(text);
	compare_result_free(&r);
}

/*
 * The planted regression: one check that fails, one test that times out
 * with no check line changed; the kernel differs, as in a bisect.
 */
static void test_planted_text(void **state)
{
	struct compare_result r = compared(&good_run, &bad_run);
	char *text = text_of(&r, false);

	(void)state;
	assert_string_equal(
		text,
		"hvcheck compare: 2 regressions, 0 fixes; 1 metadata note\n"
		"BASE base.json: 3 tests\n"
		"NEW  new.json: 3 tests\n"
		"\n"
		"notes: the runs differ where a bisect expects it:\n"
		"  host.kernel: 6.1.0-18-amd64 -> 6.1.0-21-amd64\n"
		"\n"
		"regressions:\n"
		"  pmu.counters: pass -> fail\n"
		"    reason: none -> 1 unexpected failure, first: FAIL: pmu: counters: fixed counter 1 counts cycles\n"
		"    regressed        PASS -> FAIL   pmu: counters: fixed counter 1 counts cycles\n"
		"  pmu.overflow: pass -> fail, no check line differs\n"
		"    reason: none -> timeout after 20 s\n");
	free(text);
	compare_result_free(&r);
}

/* The other way round, every regression is a fix. */
static void test_planted_reversed(void **state)
{
	struct compare_result r = compared(&bad_run, &good_run);

	(void)state;
	assert_int_equal(r.count[COMPARE_REGRESSION], 0);
	assert_int_equal(r.count[COMPARE_FIX], 2);
	assert_int_equal(r.test_count, 2);
	assert_test(&r.test[0], COMPARE_FIX, "pmu.counters");
	assert_int_equal(r.test[0].check_count, 1);
	assert_check(&r.test[0].check[0], COMPARE_CHECK_FIXED,
		     "pmu: counters: fixed counter 1 counts cycles", 1);
	assert_test(&r.test[1], COMPARE_FIX, "pmu.overflow");
	assert_int_equal(r.test[1].check_count, 0);
	compare_result_free(&r);
}

/* ------------------------------------------------- what became of tests */

static struct results_check one_pass[] = { CHECK(PASS, "a check") };
static struct results_check one_pass_and_more[] = {
	CHECK(PASS, "a check"),
	CHECK(PASS, "a new check"),
};

/* Listed out of order: the report orders them by change, then by name. */
static struct results_read_test every_base[] = {
	BARE("t.same", PASS, NULL),
	BARE("t.regressed.b", PASS, NULL),
	BARE("t.vanished", PASS, NULL),
	BARE("t.fixed", FAIL, "status 1"),
	BARE("t.regressed.a", PASS, NULL),
	BARE("t.to-skip", FAIL, "status 1"),
	BARE("t.from-skip", SKIP, "no PMU"),
	TEST("t.checks", PASS, NULL, one_pass),
	BARE("t.skipped", SKIP, "no PMU"),
	BARE("t.to-error", PASS, NULL),
	BARE("t.from-error", ERROR, "connection to qemu:///system lost"),
};

static struct results_read_test every_new[] = {
	BARE("t.appeared", FAIL, "status 1"),
	BARE("t.regressed.a", FAIL, "status 1"),
	BARE("t.fixed", PASS, NULL),
	BARE("t.same", PASS, NULL),
	BARE("t.to-skip", SKIP, "no PMU"),
	BARE("t.from-skip", FAIL, "status 1"),
	TEST("t.checks", PASS, NULL, one_pass_and_more),
	BARE("t.regressed.b", FAIL, "status 1"),
	BARE("t.skipped", SKIP, "no PMU"),
	BARE("t.from-error", PASS, NULL),
	BARE("t.to-error", ERROR, "connection to qemu:///system lost"),
};

static void test_every_test_change(void **state)
{
	const struct results_file base = FILE_OF(every_base);
	const struct results_file new = FILE_OF(every_new);
	struct compare_result r = compared(&base, &new);

	(void)state;
	assert_int_equal(r.test_count, 10);
	assert_test(&r.test[0], COMPARE_REGRESSION, "t.regressed.a");
	assert_test(&r.test[1], COMPARE_REGRESSION, "t.regressed.b");
	assert_test(&r.test[2], COMPARE_FIX, "t.fixed");
	assert_test(&r.test[3], COMPARE_APPEARED, "t.appeared");
	assert_null(r.test[3].base);
	assert_test(&r.test[4], COMPARE_VANISHED, "t.vanished");
	assert_null(r.test[4].new);
	assert_test(&r.test[5], COMPARE_BECAME_SKIP, "t.to-skip");
	/* a SKIP that now fails was not a pass: no regression */
	assert_test(&r.test[6], COMPARE_NO_LONGER_SKIP, "t.from-skip");
	/* pass -> error is no regression, error -> pass no fix */
	assert_test(&r.test[7], COMPARE_BECAME_ERROR, "t.to-error");
	assert_test(&r.test[8], COMPARE_NO_LONGER_ERROR, "t.from-error");
	assert_test(&r.test[9], COMPARE_CHECKS_CHANGED, "t.checks");
	assert_check(&r.test[9].check[0], COMPARE_CHECK_APPEARED, "a new check",
		     1);
	assert_int_equal(r.count[COMPARE_REGRESSION], 2);
	assert_int_equal(r.count[COMPARE_FIX], 1);
	for (int c = COMPARE_APPEARED; c < COMPARE_TEST_CHANGES; c++)
		assert_int_equal(r.count[c], 1);
	compare_result_free(&r);
}

/* -------------------------------------------- what became of the checks */

static struct results_check every_base_check[] = {
	CHECK(PASS, "same"),	   CHECK(FAIL, "fixed"),
	CHECK(PASS, "regressed"),  CHECK(PASS, "vanished"),
	CHECK(PASS, "to-skip"),	   CHECK(SKIP, "from-skip"),
	CHECK(PASS, "now-xfail"),  CHECK(XFAIL, "xfail-to-xpass"),
	CHECK(FAIL, "fail-xpass"), CHECK(XFAIL, "xfail-to-fail"),
};

static struct results_check every_new_check[] = {
	CHECK(FAIL, "appeared"),    CHECK(XPASS, "xfail-to-xpass"),
	CHECK(PASS, "same"),	    CHECK(PASS, "fixed"),
	CHECK(FAIL, "regressed"),   CHECK(SKIP, "to-skip"),
	CHECK(FAIL, "from-skip"),   CHECK(XFAIL, "now-xfail"),
	CHECK(XPASS, "fail-xpass"), CHECK(FAIL, "xfail-to-fail"),
};

static void test_every_check_change(void **state)
{
	struct results_read_test b[] = {
		TEST("t", FAIL, "status 1", every_base_check),
	};
	struct results_read_test n[] = {
		TEST("t", FAIL, "status 1", every_new_check),
	};
	const struct results_file base = FILE_OF(b), new = FILE_OF(n);
	struct compare_result r = compared(&base, &new);
	const struct compare_check *c;

	(void)state;
	/* failing in both, with a check newly failing: a regression */
	assert_int_equal(r.test_count, 1);
	assert_test(&r.test[0], COMPARE_REGRESSION, "t");
	assert_int_equal(r.test[0].check_count, 10);
	c = r.test[0].check;
	/* by change, then in BASE's order */
	assert_check(&c[0], COMPARE_CHECK_REGRESSED, "regressed", 1);
	assert_check(&c[1], COMPARE_CHECK_REGRESSED, "xfail-to-xpass", 1);
	assert_check(&c[2], COMPARE_CHECK_REGRESSED, "xfail-to-fail", 1);
	assert_check(&c[3], COMPARE_CHECK_FIXED, "fixed", 1);
	assert_check(&c[4], COMPARE_CHECK_APPEARED, "appeared", 1);
	assert_null(c[4].base);
	assert_check(&c[5], COMPARE_CHECK_VANISHED, "vanished", 1);
	assert_null(c[5].new);
	assert_check(&c[6], COMPARE_CHECK_BECAME_SKIP, "to-skip", 1);
	assert_check(&c[7], COMPARE_CHECK_NO_LONGER_SKIP, "from-skip", 1);
	assert_check(&c[8], COMPARE_CHECK_STATUS_CHANGED, "now-xfail", 1);
	/* FAIL -> XPASS: bad either way, a change but no regression */
	assert_check(&c[9], COMPARE_CHECK_STATUS_CHANGED, "fail-xpass", 1);
	compare_result_free(&r);
}

/* A test failing in both whose checks only got better is no regression. */
static void test_fail_fail_fixed_check(void **state)
{
	static struct results_check two_fail[] = {
		CHECK(FAIL, "one"),
		CHECK(FAIL, "two"),
	};
	static struct results_check one_fail[] = {
		CHECK(PASS, "one"),
		CHECK(FAIL, "two"),
	};
	struct results_read_test b[] = { TEST("t", FAIL, "two", two_fail) };
	struct results_read_test n[] = { TEST("t", FAIL, "one", one_fail) };
	const struct results_file base = FILE_OF(b), new = FILE_OF(n);
	struct compare_result r = compared(&base, &new);

	(void)state;
	assert_int_equal(r.test_count, 1);
	assert_test(&r.test[0], COMPARE_CHECKS_CHANGED, "t");
	assert_int_equal(r.count[COMPARE_REGRESSION], 0);
	compare_result_free(&r);
	/* and one failing the same way in both is not listed */
	r = compared(&base, &base);
	assert_int_equal(r.test_count, 0);
	compare_result_free(&r);
}

/* ------------------------------------------------------- occurrences */

static void test_repeated_checks(void **state)
{
	static struct results_check three_x[] = {
		CHECK(PASS, "x"),
		CHECK(PASS, "x"),
		CHECK(PASS, "x"),
	};
	static struct results_check two_x[] = {
		CHECK(PASS, "x"),
		CHECK(FAIL, "x"),
	};
	struct results_read_test b[] = { TEST("t", PASS, NULL, three_x) };
	struct results_read_test n[] = { TEST("t", FAIL, "x", two_x) };
	const struct results_file base = FILE_OF(b), new = FILE_OF(n);
	struct compare_result r = compared(&base, &new);
	char *text;

	(void)state;
	/* the second "x" failed, the third vanished */
	assert_int_equal(r.test[0].check_count, 2);
	assert_check(&r.test[0].check[0], COMPARE_CHECK_REGRESSED, "x", 2);
	assert_int_equal(r.test[0].check[0].base->status, RESULTS_CHECK_PASS);
	assert_ptr_equal(r.test[0].check[0].new, &two_x[1]);
	assert_check(&r.test[0].check[1], COMPARE_CHECK_VANISHED, "x", 3);
	text = text_of(&r, false);
	assert_has(text, "    regressed        PASS -> FAIL   x (#2)\n");
	assert_has(text, "    vanished         PASS -> -      x (#3)\n");
	free(text);
	compare_result_free(&r);
}

/* Distinct lines in another order are the same lines. */
static void test_reordered_checks(void **state)
{
	static struct results_check ab[] = {
		CHECK(PASS, "a"),
		CHECK(FAIL, "b"),
	};
	static struct results_check ba[] = {
		CHECK(FAIL, "b"),
		CHECK(PASS, "a"),
	};
	struct results_read_test b[] = { TEST("t", FAIL, "b", ab) };
	struct results_read_test n[] = { TEST("t", FAIL, "b", ba) };
	const struct results_file base = FILE_OF(b), new = FILE_OF(n);
	struct compare_result r = compared(&base, &new);

	(void)state;
	assert_int_equal(r.test_count, 0);
	compare_result_free(&r);
}

/*
 * Lines that differ only in the numbers they measured are the same
 * check; a number never pairs with a word, and exact texts pair first.
 */
static void test_measured_checks(void **state)
{
	static struct results_check base_lines[] = {
		CHECK(PASS, "timer: TVAL counts down (61764011 ticks)"),
		CHECK(PASS, "timer: TVAL is negative (-948314 ticks)"),
		CHECK(PASS, "GP counter 0 counts"),
		CHECK(PASS, "GP counter 1 counts"),
		CHECK(PASS, "status 0x1d after wrap"),
		CHECK(PASS, "count 7 of N"),
	};
	static struct results_check new_lines[] = {
		CHECK(PASS, "timer: TVAL counts down (61741749 ticks)"),
		CHECK(FAIL, "timer: TVAL is negative (-1005625 ticks)"),
		CHECK(PASS, "GP counter 1 counts"),
		CHECK(PASS, "GP counter 2 counts"),
		CHECK(PASS, "status 0x0 after wrap"),
		CHECK(PASS, "count 7 of 8"),
	};
	struct results_read_test b[] = { TEST("t", PASS, NULL, base_lines) };
	struct results_read_test n[] = { TEST("t", FAIL, "x", new_lines) };
	const struct results_file base = FILE_OF(b), new = FILE_OF(n);
	struct compare_result r = compared(&base, &new);

	(void)state;
	assert_int_equal(r.test_count, 1);
	assert_test(&r.test[0], COMPARE_REGRESSION, "t");
	/* counter 1 paired exactly; counter 0 then takes counter 2 */
	assert_int_equal(r.test[0].check_count, 3);
	assert_check(&r.test[0].check[0], COMPARE_CHECK_REGRESSED,
		     "timer: TVAL is negative (-1005625 ticks)", 1);
	assert_ptr_equal(r.test[0].check[0].base, &base_lines[1]);
	assert_check(&r.test[0].check[1], COMPARE_CHECK_APPEARED,
		     "count 7 of 8", 1);
	assert_check(&r.test[0].check[2], COMPARE_CHECK_VANISHED,
		     "count 7 of N", 1);
	compare_result_free(&r);
}

/* Lines of a test in each run: four times what a report keeps. */
#define MANY_LINES 16384

static double cpu_seconds(void)
{
	struct timespec ts;

	assert_int_equal(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts), 0);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Line @i of @side (0: BASE): the odd ones reworded, the even measured. */
static void many_line(struct results_check *line, char *text, size_t size,
		      int side, size_t i)
{
	if (i % 2)
		snprintf(text, size, "pmu: check %zu %s", i,
			 side ? "beta" : "alpha");
	else
		snprintf(text, size, "pmu: counter %zu counts (%zu ticks)", i,
			 side ? 5000 + i : 1000 + i);
	line->status = side ? RESULTS_CHECK_FAIL : RESULTS_CHECK_PASS;
	line->text = text;
}

/*
 * Pairing sorts (O(n log n)): a test whose lines all changed, half in
 * their words (none pairs), half in their numbers only (each pairs with
 * its own, in order), compares in well under a second of CPU; pairing
 * each line by a scan of the other run took seconds a test.
 */
static void test_many_lines(void **state)
{
	struct results_check *line = calloc(2 * MANY_LINES, sizeof(*line));
	char(*text)[48] = calloc(2 * MANY_LINES, sizeof(*text));
	struct results_read_test b[] = { BARE("t", PASS, NULL) };
	struct results_read_test n[] = { BARE("t", FAIL, "x") };
	const struct results_file base = FILE_OF(b), new = FILE_OF(n);
	const size_t half = MANY_LINES / 2;
	struct compare_result r;
	const struct compare_check *c;
	double cpu;

	(void)state;
	assert_non_null(line);
	assert_non_null(text);
	for (size_t i = 0; i < 2 * MANY_LINES; i++)
		many_line(&line[i], text[i], sizeof(text[i]), i >= MANY_LINES,
			  i % MANY_LINES);
	b[0].check = line;
	n[0].check = line + MANY_LINES;
	b[0].check_count = n[0].check_count = MANY_LINES;
	cpu = cpu_seconds();
	r = compared(&base, &new);
	cpu = cpu_seconds() - cpu;
	assert_int_equal(r.test_count, 1);
	assert_int_equal(r.test[0].check_count, 3 * half);
	c = r.test[0].check;
	for (size_t k = 0; k < half; k++) {
		assert_int_equal(c[k].change, COMPARE_CHECK_REGRESSED);
		assert_ptr_equal(c[k].base, &b[0].check[2 * k]);
		assert_ptr_equal(c[k].new, &n[0].check[2 * k]);
		assert_int_equal(c[half + k].change, COMPARE_CHECK_APPEARED);
		assert_ptr_equal(c[half + k].new, &n[0].check[2 * k + 1]);
		assert_int_equal(c[2 * half + k].change,
				 COMPARE_CHECK_VANISHED);
		assert_ptr_equal(c[2 * half + k].base, &b[0].check[2 * k + 1]);
	}
	if (cpu > 1.0)
		fail_msg("%.2f s of CPU for %d lines", cpu, MANY_LINES);
	compare_result_free(&r);
	free(text);
	free(line);
}

/* ----------------------------------------------------------- metadata */

static struct results_meta meta_base_host[] = {
	{ "kernel", "6.1.0-18-amd64" },
	{ "kernel_version", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1" },
	{ "cpu_model", "Intel(R) Xeon(R) Gold 6338" },
	{ "nmi_watchdog", "0" },
	{ "kvm.enable_pmu", "true" },
	{ "kvm.ignore_msrs", "false" },
	{ "hvcheck_commit", "8ddb90d" },
	{ "cpu_vendor", "GenuineIntel" },
	{ "kvm.force_emulation_prefix", NULL },
};

static struct results_meta meta_new_host[] = {
	{ "kvm.force_emulation_prefix", NULL },
	{ "cpu_vendor", "GenuineIntel" },
	{ "kernel", "6.1.0-21-amd64" },
	{ "kernel_version", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.90-1" },
	{ "cpu_model", "Intel(R) Xeon(R) Gold 6338" },
	{ "nmi_watchdog", "1" },
	{ "kvm.enable_pmu", "false" },
	{ "hvcheck_commit", "8ddb90d-dirty" },
	{ "kvm.enable_mediated_pmu", "true" },
	{ "bogomips", "4000" },
};

static struct results_read_test meta_base_tests[] = {
	{ .name = "pmu.counters", .vpmu = "kvm" },
	{ .name = "gic.sgi", .irqchip = "kvm-gicv3" },
	{ .name = "gic.ppi", .irqchip = "user-gicv2" },
};

static struct results_read_test meta_new_tests[] = {
	{ .name = "pmu.counters", .vpmu = "emulated" },
	{ .name = "gic.sgi", .irqchip = "kvm-gicv2" },
	{ .name = "gic.ppi", .irqchip = "user-gicv2" },
};

static void assert_meta(const struct compare_meta *m,
			enum compare_severity severity,
			enum compare_meta_where where, const char *key,
			const char *test, const char *b, const char *n)
{
	assert_int_equal(m->severity, severity);
	assert_int_equal(m->where, where);
	assert_string_equal(m->key, key);
	if (test)
		assert_string_equal(m->test, test);
	else
		assert_null(m->test);
	if (b)
		assert_string_equal(m->base, b);
	else
		assert_null(m->base);
	if (n)
		assert_string_equal(m->new, n);
	else
		assert_null(m->new);
}

static void test_metadata(void **state)
{
	const struct results_file base = {
		.arch = "x86_64",
		.target = "vmm",
		.host = meta_base_host,
		.host_count = ARRAY_SIZE(meta_base_host),
		.test = meta_base_tests,
		.test_count = ARRAY_SIZE(meta_base_tests),
	};
	const struct results_file new = {
		.arch = "x86_64",
		.target = "nested",
		.bed = "Debian 12 x86_64 KVM bed",
		.host = meta_new_host,
		.host_count = ARRAY_SIZE(meta_new_host),
		.test = meta_new_tests,
		.test_count = ARRAY_SIZE(meta_new_tests),
	};
	struct compare_result r = compared(&base, &new);
	const struct compare_meta *m = r.meta;

	(void)state;
	assert_int_equal(r.test_count, 0); /* no verdict changed */
	assert_int_equal(r.meta_count, 12);
	assert_int_equal(compare_meta_count(&r, COMPARE_WARNING), 9);
	assert_int_equal(compare_meta_count(&r, COMPARE_NOTE), 3);
	/* warnings, then notes; the run, the host, tests; by key */
	assert_meta(&m[0], COMPARE_WARNING, COMPARE_META_RUN, "bed", NULL, NULL,
		    "Debian 12 x86_64 KVM bed");
	assert_meta(&m[1], COMPARE_WARNING, COMPARE_META_RUN, "target", NULL,
		    "vmm", "nested");
	assert_meta(&m[2], COMPARE_WARNING, COMPARE_META_HOST, "hvcheck_commit",
		    NULL, "8ddb90d", "8ddb90d-dirty");
	assert_meta(&m[3], COMPARE_WARNING, COMPARE_META_HOST,
		    "kvm.enable_mediated_pmu", NULL, NULL, "true");
	assert_meta(&m[4], COMPARE_WARNING, COMPARE_META_HOST, "kvm.enable_pmu",
		    NULL, "true", "false");
	/* a parameter the new kernel no longer has */
	assert_meta(&m[5], COMPARE_WARNING, COMPARE_META_HOST,
		    "kvm.ignore_msrs", NULL, "false", NULL);
	assert_meta(&m[6], COMPARE_WARNING, COMPARE_META_HOST, "nmi_watchdog",
		    NULL, "0", "1");
	assert_meta(&m[7], COMPARE_WARNING, COMPARE_META_TEST, "irqchip",
		    "gic.sgi", "kvm-gicv3", "kvm-gicv2");
	assert_meta(&m[8], COMPARE_WARNING, COMPARE_META_TEST, "vpmu",
		    "pmu.counters", "kvm", "emulated");
	/* the kernel is what a bisect changes; unknown keys tell nothing */
	assert_meta(&m[9], COMPARE_NOTE, COMPARE_META_HOST, "bogomips", NULL,
		    NULL, "4000");
	assert_meta(&m[10], COMPARE_NOTE, COMPARE_META_HOST, "kernel", NULL,
		    "6.1.0-18-amd64", "6.1.0-21-amd64");
	assert_meta(&m[11], COMPARE_NOTE, COMPARE_META_HOST, "kernel_version",
		    NULL, "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1",
		    "#1 SMP PREEMPT_DYNAMIC Debian 6.1.90-1");
	compare_result_free(&r);
}

/* kvm_amd's and kvm_intel's parameters are KVM's as much as kvm's. */
static void test_kvm_module_keys(void **state)
{
	struct results_meta bh[] = {
		{ "kvm_intel.pmu", "true" },
		{ "kvm_amd.pmu", "true" },
		{ "kvm_intel.ept", "true" },
	};
	struct results_meta nh[] = {
		{ "kvm_intel.pmu", "false" },
		{ "kvm_amd.pmu", "false" },
		{ "kvm_intel.ept", "false" },
	};
	struct results_file base = FILE_OF(good_tests);
	struct results_file new = FILE_OF(good_tests);
	struct compare_result r;

	(void)state;
	set_host(&base, bh, ARRAY_SIZE(bh));
	set_host(&new, nh, ARRAY_SIZE(nh));
	r = compared(&base, &new);
	assert_int_equal(r.meta_count, 3);
	assert_meta(&r.meta[0], COMPARE_WARNING, COMPARE_META_HOST,
		    "kvm_amd.pmu", NULL, "true", "false");
	assert_meta(&r.meta[1], COMPARE_WARNING, COMPARE_META_HOST,
		    "kvm_intel.ept", NULL, "true", "false");
	assert_meta(&r.meta[2], COMPARE_WARNING, COMPARE_META_HOST,
		    "kvm_intel.pmu", NULL, "true", "false");
	compare_result_free(&r);
}

/*
 * Report lines dropped on either side leave a test's checks compared in
 * part: a warning, with the same count on both sides too.
 */
static void test_report_dropped(void **state)
{
	struct results_read_test b[] = {
		{ .name = "t.both", .check_dropped = 3 },
		{ .name = "t.new" },
		{ .name = "t.none" },
		{ .name = "t.gone", .check_dropped = 5 },
	};
	struct results_read_test n[] = {
		{ .name = "t.both", .check_dropped = 3 },
		{ .name = "t.new", .check_dropped = 4294967295u },
		{ .name = "t.none" },
		{ .name = "t.came", .check_dropped = 1 },
	};
	const struct results_file base = FILE_OF(b), new = FILE_OF(n);
	struct compare_result r = compared(&base, &new);
	char *text;

	(void)state;
	/* a test in one run only has no checks compared */
	assert_int_equal(r.meta_count, 2);
	assert_meta(&r.meta[0], COMPARE_WARNING, COMPARE_META_TEST,
		    "report_dropped", "t.both", "3", "3");
	assert_meta(&r.meta[1], COMPARE_WARNING, COMPARE_META_TEST,
		    "report_dropped", "t.new", "0", "4294967295");
	text = text_of(&r, false);
	assert_has(text,
		   "warnings: the runs differ where verdicts can change:\n"
		   "  report_dropped of t.both: 3 -> 3\n"
		   "  report_dropped of t.new: 0 -> 4294967295\n");
	free(text);
	text = text_of(&r, true);
	assert_has(text, "{\"severity\": \"warning\", \"where\": \"test\", "
			 "\"key\": \"report_dropped\", \"test\": \"t.both\", "
			 "\"base\": \"3\", \"new\": \"3\"}");
	free(text);
	compare_result_free(&r);
}

/* Another kernel in the bed is a note; another emulator a warning. */
static void test_bed_kernel(void **state)
{
	static char *const beds[][3] = {
		{ "6.1.0-50-arm64 #1 from a under qemu-system-aarch64 7.2.22 TCG",
		  "6.1.0-57-arm64 #1 from b under qemu-system-aarch64 7.2.22 TCG",
		  "note" },
		{ "6.1.0-57-arm64 under qemu-system-aarch64 7.2.22 TCG",
		  "6.1.0-57-arm64 under qemu-system-aarch64 8.2.0 TCG",
		  "warning" },
		{ "k under x under qemu TCG", "k2 under y under qemu TCG",
		  "note" },
		{ "a Debian bed", "another Debian bed", "warning" },
		{ "k under qemu TCG", NULL, "warning" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(beds); i++) {
		struct results_file base = FILE_OF(good_tests);
		struct results_file new = FILE_OF(good_tests);
		struct compare_result r;

		base.bed = beds[i][0];
		new.bed = beds[i][1];
		r = compared(&base, &new);
		assert_int_equal(r.meta_count, 1);
		assert_string_equal(r.meta[0].key, "bed");
		assert_int_equal(r.meta[0].severity,
				 strcmp(beds[i][2], "note") ? COMPARE_WARNING :
							      COMPARE_NOTE);
		compare_result_free(&r);
	}
}

static void test_metadata_text(void **state)
{
	struct results_meta intel[] = { { "cpu_vendor", "GenuineIntel" } };
	struct results_meta amd[] = { { "cpu_vendor", "AuthenticAMD" } };
	struct results_read_test b[] = { { .name = "t", .vpmu = "kvm" } };
	struct results_read_test n[] = { { .name = "t" } };
	struct results_file base = FILE_OF(b), new = FILE_OF(n);
	struct compare_result r;
	char *text;

	(void)state;
	set_host(&base, intel, 1);
	set_host(&new, amd, 1);
	new.arch = "arm64";
	r = compared(&base, &new);
	text = text_of(&r, false);
	assert_string_equal(
		text,
		"hvcheck compare: 0 regressions, 0 fixes; 3 metadata warnings\n"
		"BASE base.json: 1 tests\n"
		"NEW  new.json: 1 tests\n"
		"\n"
		"warnings: the runs differ where verdicts can change:\n"
		"  arch: x86_64 -> arm64\n"
		"  host.cpu_vendor: GenuineIntel -> AuthenticAMD\n"
		"  vpmu of t: kvm -> none\n");
	free(text);
	compare_result_free(&r);
}

/*
 * Control characters of a hostile results.json are shown escaped: a
 * name, reason, check or host value cannot forge a line or drive the
 * terminal.
 */
static void test_text_escaped(void **state)
{
	static struct results_check forged[] = {
		CHECK(FAIL, "x\n  pmu.fake: fail -> pass\x1b[2J\t\x7f"),
	};
	struct results_meta bh[] = { { "kernel", "6.1\r" } };
	struct results_meta nh[] = { { "kernel", "6.2\x01" } };
	struct results_read_test b[] = { BARE("t\nx", PASS, NULL) };
	struct results_read_test n[] = { TEST("t\nx", FAIL, "a\nb", forged) };
	struct results_file base = FILE_OF(b), new = FILE_OF(n);
	struct compare_result r;
	char *text;

	(void)state;
	set_host(&base, bh, 1);
	set_host(&new, nh, 1);
	r = compared(&base, &new);
	text = text_of(&r, false);
	assert_string_equal(
		text,
		"hvcheck compare: 1 regression, 0 fixes; 1 metadata note\n"
		"BASE base.json: 1 tests\n"
		"NEW  new.json: 1 tests\n"
		"\n"
		"notes: the runs differ where a bisect expects it:\n"
		"  host.kernel: 6.1\\x0d -> 6.2\\x01\n"
		"\n"
		"regressions:\n"
		"  t\\nx: pass -> fail\n"
		"    reason: none -> a\\nb\n"
		"    appeared            - -> FAIL   "
		"x\\n  pmu.fake: fail -> pass\\x1b[2J\\t\\x7f\n");
	free(text);
	compare_result_free(&r);
}

/* --------------------------------------------------------------- JSON */

static void test_json(void **state)
{
	struct compare_result r = compared(&good_run, &bad_run);
	char *text = text_of(&r, true);

	(void)state;
	assert_has(text, "{\n  \"base\": \"base.json\",\n"
			 "  \"new\": \"new.json\",\n"
			 "  \"regression\": true,\n");
	assert_has(
		text,
		"  \"summary\": {\"base_tests\": 3, \"new_tests\": 3, "
		"\"regression\": 2, \"fix\": 0, \"appeared\": 0, "
		"\"vanished\": 0, \"became_skip\": 0, \"no_longer_skip\": 0, "
		"\"became_error\": 0, \"no_longer_error\": 0, "
		"\"checks_changed\": 0, \"warnings\": 0, \"notes\": 1},\n");
	assert_has(
		text,
		"  \"metadata\": [\n"
		"    {\"severity\": \"note\", \"where\": \"host\", "
		"\"key\": \"kernel\", \"test\": null, "
		"\"base\": \"6.1.0-18-amd64\", \"new\": \"6.1.0-21-amd64\"}\n"
		"  ],\n");
	assert_has(
		text,
		"    {\n      \"name\": \"pmu.counters\",\n"
		"      \"change\": \"regression\",\n"
		"      \"base\": {\"status\": \"pass\", \"reason\": null},\n"
		"      \"new\": {\"status\": \"fail\", \"reason\": "
		"\"1 unexpected failure, first: FAIL: pmu: counters: fixed counter 1 counts cycles\"},\n"
		"      \"checks\": [\n"
		"        {\"change\": \"regressed\", "
		"\"text\": \"pmu: counters: fixed counter 1 counts cycles\", "
		"\"occurrence\": 1, \"base\": \"PASS\", \"new\": \"FAIL\"}\n"
		"      ]\n    },\n");
	assert_has(text, "      \"name\": \"pmu.overflow\",\n");
	assert_has(text, "      \"checks\": []\n    }\n  ]\n}\n");
	free(text);
	compare_result_free(&r);
}

static void test_json_empty_and_escaped(void **state)
{
	static struct results_check quoted[] = {
		CHECK(PASS, "a \"quoted\"\ttext"),
	};
	struct results_read_test b[] = { BARE("t", PASS, NULL) };
	struct results_read_test n[] = { TEST("t", PASS, NULL, quoted) };
	const struct results_file base = FILE_OF(b), new = FILE_OF(n);
	struct compare_result r = compared(&base, &base);
	char *text = text_of(&r, true);

	(void)state;
	assert_has(text, "  \"regression\": false,\n");
	assert_has(text, "  \"metadata\": [],\n  \"tests\": []\n}\n");
	free(text);
	compare_result_free(&r);
	r = compared(&base, &new);
	text = text_of(&r, true);
	assert_has(text,
		   "{\"change\": \"appeared\", "
		   "\"text\": \"a \\\"quoted\\\"\\ttext\", "
		   "\"occurrence\": 1, \"base\": null, \"new\": \"PASS\"}");
	free(text);
	compare_result_free(&r);
}

static void test_write_error(void **state)
{
	struct compare_result r = compared(&good_run, &bad_run);
	FILE *full = fopen("/dev/full", "w");

	(void)state;
	assert_non_null(full);
	assert_int_equal(compare_write_text(full, &r, "a", "b"), -EIO);
	clearerr(full);
	assert_int_equal(compare_write_json(full, &r, "a", "b"), -EIO);
	fclose(full);
	compare_result_free(&r);
}

/* ---------------------------------------------------------------- CLI */

static int run_argv(char **argv)
{
	return cli_capture(compare_cmd_run, argv);
}

#define RUN(...) run_argv((char *[]){ "compare", __VA_ARGS__, NULL })

/* One line on stderr, nothing on stdout. */
static void assert_one_error_line(const char *what)
{
	assert_string_equal(out_text, "");
	assert_has(err_text, what);
	assert_non_null(strchr(err_text, '\n'));
	assert_string_equal(strchr(err_text, '\n'), "\n");
}

static void test_usage(void **state)
{
	(void)state;
	assert_int_equal(run_argv((char *[]){ "compare", NULL }),
			 HV_EXIT_USAGE);
	assert_has(err_text, "needs two results files, BASE and NEW, not 0");
	assert_int_equal(RUN("a.json"), HV_EXIT_USAGE);
	assert_has(err_text, "not 1 words");
	assert_int_equal(RUN("a.json", "b.json", "c.json"), HV_EXIT_USAGE);
	assert_int_equal(RUN("--bogus", "a.json", "b.json"), HV_EXIT_USAGE);
	assert_has(err_text,
		   "hvcheck compare: bad option or missing value: --bogus\n"
		   "'hvcheck compare --help' lists the options.\n");
	assert_int_equal(RUN("--json=yes", "a.json", "b.json"), HV_EXIT_USAGE);
	assert_string_equal(out_text, "");
	assert_int_equal(RUN("a.json", "--help"), 0);
	assert_has(out_text, "usage: hvcheck compare [options] BASE NEW\n");
	assert_has(out_text, "  --json      the report as JSON");
	assert_has(out_text, "  -h, --help  this help\n");
	assert_has(out_text, "exit status: 0 when no test regressed, 1 when");
	assert_int_equal(RUN("-h"), 0);
	assert_string_equal(err_text, "");
}

static void test_unreadable_file(void **state)
{
	char path[] = "/tmp/hvcheck-test-compare.XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"arch\": ", 9), 9);
	close(fd);
	assert_int_equal(RUN("/nonexistent/base.json", path),
			 COMPARE_EXIT_BAD_FILE);
	assert_one_error_line("/nonexistent/base.json");
	assert_int_equal(RUN(path, path), COMPARE_EXIT_BAD_FILE);
	assert_one_error_line(path);
	unlink(path);
}

/* A results.json as `hvcheck suite` writes it; @planted fails a check. */
static void write_results(const char *path, bool planted)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f,
		"{\n  \"arch\": \"x86_64\",\n  \"target\": \"vmm\",\n"
		"  \"requested_target\": \"vmm\",\n  \"bed\": null,\n"
		"  \"manifest\": \"guest/tests/x86_64.cfg\",\n"
		"  \"started_at\": \"2026-11-21T17:00:00Z\",\n"
		"  \"duration_ms\": 812,\n"
		"  \"host\": {\"kernel\": \"%s\", \"nmi_watchdog\": 0, "
		"\"kvm.enable_pmu\": true, \"hvcheck_commit\": \"8ddb90d\"},\n"
		"  \"tests\": [\n    {\n"
		"      \"name\": \"pmu.counters\",\n      \"status\": \"%s\",\n"
		"      \"reason\": %s,\n      \"duration_ms\": 42,\n"
		"      \"checks\": {\"pass\": %d, \"fail\": %d, \"skip\": 0, "
		"\"xfail\": 0, \"xpass\": 0},\n"
		"      \"cmdline\": \"tests=pmu.counters\",\n"
		"      \"smp\": 1,\n      \"mem_mib\": 64,\n"
		"      \"exit_status\": %d,\n      \"guest_status\": %d,\n"
		"      \"log\": \"logs/pmu.counters.log\",\n"
		"      \"vpmu\": \"kvm\",\n      \"vpmu_config\": null,\n"
		"      \"irqchip\": null,\n      \"report_dropped\": 0,\n"
		"      \"report\": [\n"
		"        {\"status\": \"PASS\", \"check\": \"pmu: counters: GP counter 0 counts instructions\"},\n"
		"        {\"status\": \"%s\", \"check\": \"pmu: counters: fixed counter 1 counts cycles\"}\n"
		"      ]\n    }\n  ],\n"
		"  \"summary\": {\"total\": 1, \"pass\": %d, \"fail\": %d, "
		"\"skip\": 0}\n}\n",
		planted ? "6.1.0-21-amd64" : "6.1.0-18-amd64",
		planted ? "fail" : "pass",
		planted ? "\"1 unexpected failure\"" : "null", planted ? 1 : 2,
		planted, planted, planted, planted ? "FAIL" : "PASS", !planted,
		planted);
	assert_int_equal(fclose(f), 0);
}

/* The acceptance: one planted regression exits 1 and names it. */
static void test_files(void **state)
{
	char good[] = "/tmp/hvcheck-test-compare-good.XXXXXX";
	char bad[] = "/tmp/hvcheck-test-compare-bad.XXXXXX";

	(void)state;
	close(mkstemp(good));
	close(mkstemp(bad));
	write_results(good, false);
	write_results(bad, true);
	assert_int_equal(RUN(good, good), 0);
	assert_has(out_text, "hvcheck compare: 0 regressions, 0 fixes\n");
	assert_string_equal(err_text, "");
	assert_int_equal(RUN(good, bad), 1);
	assert_has(out_text, "hvcheck compare: 1 regression, 0 fixes; "
			     "1 metadata note\n");
	assert_has(
		out_text,
		"regressions:\n  pmu.counters: pass -> fail\n"
		"    reason: none -> 1 unexpected failure\n"
		"    regressed        PASS -> FAIL   pmu: counters: fixed counter 1 counts cycles\n");
	assert_int_equal(RUN(bad, good), 0);
	assert_has(out_text, "fixes:\n  pmu.counters: fail -> pass\n");
	/* options after the files too */
	assert_int_equal(RUN(good, bad, "--json"), 1);
	assert_has(out_text, "  \"regression\": true,\n");
	assert_has(out_text, "\"key\": \"kernel\"");
	unlink(good);
	unlink(bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical),
		cmocka_unit_test(test_planted_text),
		cmocka_unit_test(test_planted_reversed),
		cmocka_unit_test(test_every_test_change),
		cmocka_unit_test(test_every_check_change),
		cmocka_unit_test(test_fail_fail_fixed_check),
		cmocka_unit_test(test_repeated_checks),
		cmocka_unit_test(test_reordered_checks),
		cmocka_unit_test(test_measured_checks),
		cmocka_unit_test(test_many_lines),
		cmocka_unit_test(test_metadata),
		cmocka_unit_test(test_kvm_module_keys),
		cmocka_unit_test(test_report_dropped),
		cmocka_unit_test(test_bed_kernel),
		cmocka_unit_test(test_metadata_text),
		cmocka_unit_test(test_text_escaped),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_empty_and_escaped),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_unreadable_file),
		cmocka_unit_test(test_files),
	};

	return cmocka_run_group_tests(tests, NULL, cli_capture_teardown);
}
