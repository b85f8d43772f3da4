// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of bisect-run's verdicts (runner/bisect.c) on hand-made runs. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "array_size.h"
#include "runner/bisect.h"
#include "runner/child.h"

enum { OVERFLOW, COUNTERS, SGI_V3, SGI_V2, NR_TESTS };

#define PMI   "pmu: overflow: PMI arrives"
#define WRAPS "pmu: overflow: counter wraps"

/* A results.json as results_read_file() gives it; all passing. */
struct run {
	struct results_file file;
	struct results_read_test test[NR_TESTS];
	struct results_check check[NR_TESTS][2];
	struct results_meta host[3];
};

static void run_init(struct run *r)
{
	static const char *const names[] = { "pmu.overflow", "pmu.counters",
					     "gic.sgi@kvm-gicv3",
					     "gic.sgi@user-gicv2" };

	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < NR_TESTS; i++) {
		r->test[i] = (struct results_read_test){
			.name = (char *)names[i],
			.status = RESULTS_PASS,
			.vpmu = i < SGI_V3 ? "emulated" : NULL,
			.check = r->check[i],
			.check_count = 2,
		};
		r->check[i][0] =
			(struct results_check){ RESULTS_CHECK_PASS, WRAPS };
		r->check[i][1] = (struct results_check){ RESULTS_CHECK_PASS,
							 "other: line" };
	}
	/* the same text in two tests, for TEST:TEXT */
	r->check[OVERFLOW][1].text = PMI;
	r->check[COUNTERS][1].text = PMI;
	r->test[SGI_V3].irqchip = "kvm-gicv3";
	r->test[SGI_V2].irqchip = "user-gicv2";
	r->host[0] = (struct results_meta){ "kernel", "6.1.0-28-amd64" };
	r->host[1] = (struct results_meta){ "cpu_vendor", "GenuineIntel" };
	/* results.json records a Y/N parameter as a boolean */
	r->host[2] = (struct results_meta){ "kvm.enable_pmu", "true" };
	r->file = (struct results_file){
		.arch = "x86_64",
		.target = "vmm",
		.host = r->host,
		.host_count = ARRAY_SIZE(r->host),
		.test = r->test,
		.test_count = NR_TESTS,
	};
}

static void fail_test(struct run *r, int i, const char *reason)
{
	r->test[i].status = RESULTS_FAIL;
	r->test[i].reason = (char *)reason;
}

/* Judges @r under @rules; checks the verdict and a part of the reason. */
static void expect(const struct bisect_rules *rules, const struct run *r,
		   enum bisect_verdict verdict, const char *reason)
{
	struct bisect_outcome out;

	bisect_judge_run(rules, &r->file, &out);
	print_message("%s: %s\n", bisect_verdict_name(out.verdict), out.reason);
	assert_string_equal(bisect_verdict_name(out.verdict),
			    bisect_verdict_name(verdict));
	assert_non_null(strstr(out.reason, reason));
}

static void test_exit_codes(void **state)
{
	(void)state;
	assert_int_equal(bisect_exit_code(BISECT_GOOD), 0);
	assert_int_equal(bisect_exit_code(BISECT_BAD), 1);
	assert_int_equal(bisect_exit_code(BISECT_SKIP), 125);
	/* above 127: git aborts; 126 and 127 would count as bad */
	assert_int_equal(bisect_exit_code(BISECT_ABORT), 128);
}

static void test_all_pass(void **state)
{
	struct bisect_rules rules = { 0 };
	struct run r;

	(void)state;
	run_init(&r);
	expect(&rules, &r, BISECT_GOOD, "all 4 deciding results pass");
}

static void test_any_fail(void **state)
{
	struct bisect_rules rules = { 0 };
	struct run r;

	(void)state;
	run_init(&r);
	fail_test(&r, COUNTERS, "1 unexpected failure");
	fail_test(&r, SGI_V2, "timeout after 20 s");
	expect(&rules, &r, BISECT_BAD,
	       "pmu.counters: FAIL (1 unexpected failure); and 1 more");
}

/* A failure of a test not named does not steer the bisect. */
static void test_named_test(void **state)
{
	const char *tests[] = { "pmu.overflow" };
	struct bisect_rules rules = { .tests = tests, .test_count = 1 };
	struct run r;

	(void)state;
	run_init(&r);
	fail_test(&r, COUNTERS, "1 unexpected failure");
	expect(&rules, &r, BISECT_GOOD, "pmu.overflow: PASS");
	fail_test(&r, OVERFLOW, "2 unexpected failures");
	expect(&rules, &r, BISECT_BAD, "pmu.overflow: FAIL (2 unexpected");
}

/* --test NAME takes in its runs NAME@MODE, not other names it begins. */
static void test_named_runs(void **state)
{
	const char *sgi[] = { "gic.sgi" }, *gic[] = { "gic" };
	struct bisect_rules rules = { .tests = sgi, .test_count = 1 };
	struct run r;

	(void)state;
	run_init(&r);
	expect(&rules, &r, BISECT_GOOD, "all 2 deciding results pass");
	fail_test(&r, SGI_V2, NULL);
	expect(&rules, &r, BISECT_BAD, "gic.sgi@user-gicv2: FAIL");
	rules.tests = gic;
	expect(&rules, &r, BISECT_SKIP, "test gic: not in the results");
}

static void test_skip(void **state)
{
	const char *tests[] = { "pmu.overflow" };
	struct bisect_rules rules = { .tests = tests, .test_count = 1 };
	struct run r;

	(void)state;
	run_init(&r);
	r.test[OVERFLOW].status = RESULTS_SKIP;
	r.test[OVERFLOW].reason = "needs PMU version 2";
	expect(&rules, &r, BISECT_SKIP,
	       "pmu.overflow: SKIP (needs PMU version 2)");
	rules.skip_is_bad = true;
	expect(&rules, &r, BISECT_BAD, "pmu.overflow: SKIP");
}

/*
 * An infrastructure error (libvirt lost) skips the commit, with
 * --skip-is-bad too, and even beside a FAIL: the run did not test it.
 */
static void test_error_skips(void **state)
{
	struct bisect_rules rules = { .skip_is_bad = true };
	struct run r;

	(void)state;
	run_init(&r);
	r.test[OVERFLOW].status = RESULTS_ERROR;
	r.test[OVERFLOW].reason = "connection to qemu:///system lost";
	expect(&rules, &r, BISECT_SKIP,
	       "infrastructure error: pmu.overflow: ERROR (connection to");
	fail_test(&r, SGI_V3, NULL);
	expect(&rules, &r, BISECT_SKIP, "infrastructure error: pmu.overflow");
	rules.skip_is_bad = false;
	expect(&rules, &r, BISECT_SKIP, "infrastructure error: pmu.overflow");
}

/* A FAIL outweighs a SKIP: the commit is bad whatever else skipped. */
static void test_fail_before_skip(void **state)
{
	struct bisect_rules rules = { 0 };
	struct run r;

	(void)state;
	run_init(&r);
	r.test[OVERFLOW].status = RESULTS_SKIP;
	fail_test(&r, SGI_V3, NULL);
	expect(&rules, &r, BISECT_BAD, "gic.sgi@kvm-gicv3: FAIL");
}

static void test_missing(void **state)
{
	const char *tests[] = { "pmu.pebs" }, *checks[] = { "pmu: pebs: x" };
	struct bisect_rules rules = { .tests = tests, .test_count = 1 };
	struct run r;

	(void)state;
	run_init(&r);
	expect(&rules, &r, BISECT_SKIP, "test pmu.pebs: not in the results");
	rules.missing_is_bad = true;
	expect(&rules, &r, BISECT_BAD, "test pmu.pebs: not in the results");
	rules = (struct bisect_rules){ .checks = checks, .check_count = 1 };
	expect(&rules, &r, BISECT_SKIP,
	       "check 'pmu: pebs: x': not in the results");
	rules.missing_is_bad = true;
	expect(&rules, &r, BISECT_BAD, "check 'pmu: pebs: x'");
}

static void test_nothing_decides(void **state)
{
	struct bisect_rules rules = { 0 };
	struct run r;

	(void)state;
	run_init(&r);
	r.file.test_count = 0;
	expect(&rules, &r, BISECT_SKIP,
	       "nothing decides: no test in the results");
}

/* A line decides by its status, whatever its test's status. */
static void test_check_statuses(void **state)
{
	static const struct {
		enum results_check_status status;
		enum bisect_verdict verdict;
		const char *reason;
	} cases[] = {
		{ RESULTS_CHECK_PASS, BISECT_GOOD, "pmu.overflow: PASS: " PMI },
		{ RESULTS_CHECK_XFAIL, BISECT_GOOD,
		  "pmu.overflow: XFAIL: " PMI },
		{ RESULTS_CHECK_FAIL, BISECT_BAD, "pmu.overflow: FAIL: " PMI },
		{ RESULTS_CHECK_XPASS, BISECT_BAD,
		  "pmu.overflow: XPASS: " PMI },
		{ RESULTS_CHECK_SKIP, BISECT_SKIP, "pmu.overflow: SKIP: " PMI },
	};
	const char *checks[] = { "pmu.overflow:" PMI };
	struct bisect_rules rules = { .checks = checks, .check_count = 1 };
	struct run r;

	(void)state;
	run_init(&r);
	fail_test(&r, OVERFLOW, "timeout after 20 s");
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		r.check[OVERFLOW][1].status = cases[i].status;
		expect(&rules, &r, cases[i].verdict, cases[i].reason);
	}
	r.check[OVERFLOW][1].status = RESULTS_CHECK_SKIP;
	rules.skip_is_bad = true;
	expect(&rules, &r, BISECT_BAD, "pmu.overflow: SKIP: " PMI);
}

/* TEXT alone: the line in any test; TEST:TEXT: only in TEST. */
static void test_check_test_text(void **state)
{
	const char *any[] = { PMI }, *one[] = { "pmu.overflow:" PMI };
	struct bisect_rules rules = { .checks = any, .check_count = 1 };
	struct run r;

	(void)state;
	run_init(&r);
	expect(&rules, &r, BISECT_GOOD, "all 2 deciding results pass");
	r.check[COUNTERS][1].status = RESULTS_CHECK_FAIL;
	expect(&rules, &r, BISECT_BAD, "pmu.counters: FAIL: " PMI);
	rules.checks = one;
	expect(&rules, &r, BISECT_GOOD, "pmu.overflow: PASS: " PMI);
}

static void test_check_split(void **state)
{
	struct bisect_check_spec spec;

	(void)state;
	assert_int_equal(bisect_check_split(PMI, &spec), 0);
	assert_int_equal(spec.test_len, 0);
	assert_string_equal(spec.text, PMI);
	assert_int_equal(bisect_check_split("pmu.overflow:" PMI, &spec), 0);
	assert_int_equal(spec.test_len, strlen("pmu.overflow"));
	assert_memory_equal(spec.test, "pmu.overflow", spec.test_len);
	assert_string_equal(spec.text, PMI);
	assert_int_equal(bisect_check_split("gic.sgi@kvm-gicv3:x:y", &spec), 0);
	assert_string_equal(spec.text, "x:y");
	/* a blank before the colon: all text */
	assert_int_equal(bisect_check_split("eventsel 0xc0:0x01", &spec), 0);
	assert_int_equal(spec.test_len, 0);
	assert_int_equal(bisect_check_split("", &spec), -EINVAL);
	assert_int_equal(bisect_check_split(":text", &spec), -EINVAL);
	assert_int_equal(bisect_check_split("pmu.overflow:", &spec), -EINVAL);
}

/* What fails in the baseline as well is no regression. */
static void test_baseline_failing(void **state)
{
	const char *tests[] = { "pmu.overflow" };
	struct bisect_rules rules = { .baseline = NULL };
	struct run r, base;

	(void)state;
	run_init(&r);
	run_init(&base);
	rules.baseline = &base.file;
	fail_test(&base, OVERFLOW, "1 unexpected failure");
	fail_test(&r, OVERFLOW, "1 unexpected failure");
	expect(&rules, &r, BISECT_GOOD,
	       "all 3 deciding results pass; not counted, as in the baseline: pmu.overflow: FAIL");
	rules.tests = tests;
	rules.test_count = 1;
	expect(&rules, &r, BISECT_SKIP,
	       "nothing decides: no deciding result passes in the baseline either: pmu.overflow: FAIL");
	/* a regression against the baseline */
	base.test[OVERFLOW].status = RESULTS_PASS;
	expect(&rules, &r, BISECT_BAD, "pmu.overflow: FAIL");
}

static void test_baseline_failing_check(void **state)
{
	const char *checks[] = { PMI };
	struct bisect_rules rules = { .checks = checks, .check_count = 1 };
	struct run r, base;

	(void)state;
	run_init(&r);
	run_init(&base);
	rules.baseline = &base.file;
	base.check[COUNTERS][1].status = RESULTS_CHECK_FAIL;
	r.check[COUNTERS][1].status = RESULTS_CHECK_FAIL;
	expect(&rules, &r, BISECT_GOOD,
	       "pmu.overflow: PASS: " PMI
	       "; not counted, as in the baseline: pmu.counters: FAIL: " PMI);
	/* FAIL in the baseline, XPASS here: another failure */
	r.check[COUNTERS][1].status = RESULTS_CHECK_XPASS;
	expect(&rules, &r, BISECT_BAD, "pmu.counters: XPASS: " PMI);
	/* absent from both: not counted either */
	checks[0] = "pmu: gone";
	expect(&rules, &r, BISECT_SKIP, "nothing decides");
}

static void test_baseline_metadata(void **state)
{
	struct bisect_rules rules = { 0 };
	struct run r, base;

	(void)state;
	run_init(&r);
	run_init(&base);
	rules.baseline = &base.file;
	base.host[0].value = "6.12.0"; /* the kernel: what a bisect changes */
	expect(&rules, &r, BISECT_GOOD, "all 4 deciding results pass");
	base.host[2].key = "kvm.enable_mediated_pmu"; /* only one side */
	expect(&rules, &r, BISECT_GOOD, "all 4");
	base.host[2] = (struct results_meta){ "kvm.enable_pmu", "false" };
	fail_test(&r, OVERFLOW, NULL); /* not counted: not comparable */
	expect(&rules, &r, BISECT_SKIP,
	       "not comparable: host kvm.enable_pmu true here, false in the baseline");
	/* the vendor modules' parameters too */
	r.host[2] = (struct results_meta){ "kvm_intel.pmu", "true" };
	base.host[2] = (struct results_meta){ "kvm_intel.pmu", "false" };
	expect(&rules, &r, BISECT_SKIP, "host kvm_intel.pmu true here");
	r.host[2].key = base.host[2].key = "kvm_amd.pmu";
	expect(&rules, &r, BISECT_SKIP, "host kvm_amd.pmu true here");
	r.host[2] = (struct results_meta){ "kvm.enable_pmu", "true" };
	run_init(&base);
	base.file.target = "qemu";
	expect(&rules, &r, BISECT_SKIP,
	       "not comparable: target vmm here, qemu in the baseline");
	run_init(&base);
	base.test[OVERFLOW].vpmu = "kvm";
	expect(&rules, &r, BISECT_SKIP,
	       "pmu.overflow: vPMU emulated here, kvm in the baseline");
	run_init(&base);
	base.test[SGI_V2].irqchip = NULL;
	expect(&rules, &r, BISECT_SKIP,
	       "gic.sgi@user-gicv2: irqchip user-gicv2 here, none in the baseline");
	run_init(&base);
	base.file.arch = "arm64";
	expect(&rules, &r, BISECT_SKIP, "arch x86_64 here, arm64");
}

static void outcome(struct bisect_outcome *o, enum bisect_verdict v,
		    const char *reason)
{
	o->verdict = v;
	strcpy(o->reason, reason);
}

static void test_runs_agree(void **state)
{
	struct bisect_outcome run[3], out;

	(void)state;
	outcome(&run[0], BISECT_BAD, "pmu.overflow: FAIL");
	outcome(&run[1], BISECT_BAD, "pmu.overflow: FAIL (again)");
	outcome(&run[2], BISECT_BAD, "x");
	assert_true(bisect_decide(run, 1, 1, 0, &out));
	assert_int_equal(out.verdict, BISECT_BAD);
	assert_string_equal(out.reason, "pmu.overflow: FAIL");
	assert_false(bisect_decide(run, 2, 3, 0, &out));
	assert_true(bisect_decide(run, 3, 3, 0, &out));
	assert_int_equal(out.verdict, BISECT_BAD);
	assert_string_equal(out.reason, "pmu.overflow: FAIL (3 of 3 runs)");
}

static void test_runs_disagree(void **state)
{
	struct bisect_outcome run[3], out;

	(void)state;
	outcome(&run[0], BISECT_GOOD, "pmu.overflow: PASS");
	outcome(&run[1], BISECT_BAD, "pmu.overflow: FAIL");
	assert_true(bisect_decide(run, 2, 2, 0, &out));
	assert_int_equal(out.verdict, BISECT_SKIP);
	assert_string_equal(
		out.reason,
		"runs disagree: run 1 good: pmu.overflow: PASS; run 2 bad: pmu.overflow: FAIL");
	/* of 3 runs wanted, no third can make them agree: stop at once */
	assert_true(bisect_decide(run, 2, 3, 0, &out));
	assert_int_equal(out.verdict, BISECT_SKIP);
	/* a skipped run disagrees with good ones too */
	outcome(&run[1], BISECT_SKIP, "run-2: no results");
	assert_true(bisect_decide(run, 2, 2, 0, &out));
	assert_int_equal(out.verdict, BISECT_SKIP);
	assert_non_null(strstr(out.reason, "run 2 skip: run-2: no results"));
}

/* --retry: more runs; a verdict of --runs runs and a majority wins. */
static void test_retry(void **state)
{
	struct bisect_outcome run[4], out;

	(void)state;
	outcome(&run[0], BISECT_GOOD, "g1");
	outcome(&run[1], BISECT_BAD, "b2");
	outcome(&run[2], BISECT_GOOD, "g3");
	assert_false(bisect_decide(run, 2, 2, 2, &out));
	assert_true(bisect_decide(run, 3, 2, 2, &out));
	assert_int_equal(out.verdict, BISECT_GOOD);
	assert_string_equal(out.reason, "g1 (2 of 3 runs)");
	outcome(&run[2], BISECT_BAD, "b3");
	assert_true(bisect_decide(run, 3, 2, 2, &out));
	assert_int_equal(out.verdict, BISECT_BAD);
	assert_string_equal(out.reason, "b2 (2 of 3 runs)");
	/* good, bad, skip: one run left cannot give any a majority */
	outcome(&run[2], BISECT_SKIP, "s3");
	assert_true(bisect_decide(run, 3, 2, 2, &out));
	assert_int_equal(out.verdict, BISECT_SKIP);
	assert_non_null(strstr(out.reason, "runs disagree: run 1 good: g1;"));
	/* the retries spent without agreement */
	assert_true(bisect_decide(run, 2, 2, 0, &out));
	assert_int_equal(out.verdict, BISECT_SKIP);
}

static void test_abort_run(void **state)
{
	struct bisect_outcome run[2], out;

	(void)state;
	outcome(&run[0], BISECT_GOOD, "g1");
	outcome(&run[1], BISECT_ABORT, "run-2: cannot start: x");
	assert_true(bisect_decide(run, 2, 3, 0, &out));
	assert_int_equal(out.verdict, BISECT_ABORT);
}

static void expect_exit(int ret, int wstatus, bool any_status,
			enum bisect_verdict verdict, const char *reason)
{
	struct bisect_outcome out;

	bisect_judge_exit("build", ret, wstatus, 60, any_status, &out);
	assert_string_equal(bisect_verdict_name(out.verdict),
			    bisect_verdict_name(verdict));
	assert_string_equal(out.reason, reason);
}

static void test_step_exit(void **state)
{
	(void)state;
	expect_exit(0, W_EXITCODE(0, 0), false, BISECT_GOOD,
		    "build: exit status 0");
	expect_exit(0, W_EXITCODE(2, 0), false, BISECT_SKIP,
		    "build: exit status 2");
	/* a shell's "not found" is no verdict of bad */
	expect_exit(0, W_EXITCODE(127, 0), false, BISECT_SKIP,
		    "build: exit status 127");
	expect_exit(0, W_EXITCODE(0, SIGSEGV), false, BISECT_SKIP,
		    "build: killed by signal 11 (Segmentation fault)");
	expect_exit(-ETIMEDOUT, 0, false, BISECT_SKIP,
		    "build: timed out after 60 s, its process group killed");
	expect_exit(-EAGAIN, 0, false, BISECT_ABORT,
		    "build: cannot start: Resource temporarily unavailable");
	/* the suite: its exit status is not the verdict */
	expect_exit(0, W_EXITCODE(1, 0), true, BISECT_GOOD,
		    "build: exit status 1");
	expect_exit(0, W_EXITCODE(0, SIGKILL), true, BISECT_SKIP,
		    "build: killed by signal 9 (Killed)");
}

/* The same through child_run() and /bin/sh, as bisect-run runs steps. */
static void sh_step(const char *script, int timeout_ms,
		    enum bisect_verdict verdict, const char *reason)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
	int wstatus = 0,
	    ret = child_run(argv, "/dev/null", timeout_ms, &wstatus);
	struct bisect_outcome out;

	bisect_judge_exit("install", ret, wstatus, 1, false, &out);
	assert_int_equal(out.verdict, verdict);
	assert_string_equal(out.reason, reason);
}

static void test_step_processes(void **state)
{
	(void)state;
	sh_step("true", 10000, BISECT_GOOD, "install: exit status 0");
	sh_step("exit 3", 10000, BISECT_SKIP, "install: exit status 3");
	sh_step("no-such-command-here", 10000, BISECT_SKIP,
		"install: exit status 127");
	sh_step("kill -TERM $$", 10000, BISECT_SKIP,
		"install: killed by signal 15 (Terminated)");
	sh_step("sleep 100", 100, BISECT_SKIP,
		"install: timed out after 1 s, its process group killed");
}

static void test_no_results(void **state)
{
	struct bisect_outcome out;

	(void)state;
	bisect_judge_no_results("run-1", W_EXITCODE(64, 0), true, "bad option",
				&out);
	assert_int_equal(out.verdict, BISECT_ABORT);
	bisect_judge_no_results("run-1", W_EXITCODE(64, 0), false, "bad option",
				&out);
	assert_int_equal(out.verdict, BISECT_SKIP);
	bisect_judge_no_results("run-2", W_EXITCODE(69, 0), true,
				"results.json: No such file or directory",
				&out);
	assert_int_equal(out.verdict, BISECT_SKIP);
	assert_string_equal(
		out.reason,
		"run-2: no results (suite exit status 69): results.json: No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_all_pass),
		cmocka_unit_test(test_any_fail),
		cmocka_unit_test(test_named_test),
		cmocka_unit_test(test_named_runs),
		cmocka_unit_test(test_skip),
		cmocka_unit_test(test_error_skips),
		cmocka_unit_test(test_fail_before_skip),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_nothing_decides),
		cmocka_unit_test(test_check_statuses),
		cmocka_unit_test(test_check_test_text),
		cmocka_unit_test(test_check_split),
		cmocka_unit_test(test_baseline_failing),
		cmocka_unit_test(test_baseline_failing_check),
		cmocka_unit_test(test_baseline_metadata),
		cmocka_unit_test(test_runs_agree),
		cmocka_unit_test(test_runs_disagree),
		cmocka_unit_test(test_retry),
		cmocka_unit_test(test_abort_run),
		cmocka_unit_test(test_step_exit),
		cmocka_unit_test(test_step_processes),
		cmocka_unit_test(test_no_results),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
