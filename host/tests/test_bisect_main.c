// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of `hvcheck bisect-run` (cli/bisect_run.c) with /bin/sh steps. */
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/bisect_run.h"
#include "runner/files.h"

static char dir[] = "/tmp/hvcheck-test-bisect.XXXXXX";
static char work[64], log_path[96], fake_hvcheck[64];
static char pass_cp[160], fail_cp[160], text[8192];

/* A results.json as `hvcheck suite` writes it; @status of pmu.overflow. */
static const char results_fmt[] =
	"{\n"
	"  \"arch\": \"x86_64\",\n"
	"  \"target\": \"vmm\",\n"
	"  \"requested_target\": \"vmm\",\n"
	"  \"bed\": null,\n"
	"  \"manifest\": \"guest/tests/x86_64.cfg\",\n"
	"  \"host\": {\"kernel\": \"6.1.0\", \"kvm.enable_pmu\": true},\n"
	"  \"started_at\": \"2025-01-01T00:00:00Z\",\n"
	"  \"duration_ms\": 9,\n"
	"  \"tests\": [\n"
	"    {\n"
	"      \"name\": \"pmu.overflow\",\n"
	"      \"status\": \"%s\",\n"
	"      \"reason\": %s,\n"
	"      \"duration_ms\": 9,\n"
	"      \"checks\": {\"pass\": 1, \"fail\": 0, \"skip\": 0, "
	"\"xfail\": 0, \"xpass\": 0},\n"
	"      \"cmdline\": \"tests=pmu.overflow\",\n"
	"      \"smp\": 1,\n"
	"      \"mem_mib\": 64,\n"
	"      \"exit_status\": 0,\n"
	"      \"guest_status\": 0,\n"
	"      \"log\": \"logs/pmu.overflow.log\",\n"
	"      \"vpmu\": \"emulated\",\n"
	"      \"vpmu_config\": \"version 2\",\n"
	"      \"irqchip\": null,\n"
	"      \"report\": [{\"status\": \"%s\", "
	"\"check\": \"pmu: overflow: PMI arrives\"}]\n"
	"    }\n"
	"  ],\n"
	"  \"summary\": {\"total\": 1, \"pass\": 1, \"fail\": 0, \"skip\": 0}\n"
	"}\n";

/* An `hvcheck` for --hvcheck: its arguments, and a passing run. */
static const char fake_fmt[] = "#!/bin/sh\n"
			       "echo \"$@\" >\"$HVCHECK_RESULTS/args\"\n"
			       "%s\n";

static void write_file(const char *path, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void write_file(const char *path, const char *fmt, ...)
{
	FILE *f = fopen(path, "w");
	va_list ap;

	assert_non_null(f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	assert_int_equal(fclose(f), 0);
}

static int make_fixtures(void **state)
{
	char path[96];

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(work, sizeof(work), "%s/work", dir);
	snprintf(log_path, sizeof(log_path), "%s/bisect-run.log", work);
	snprintf(fake_hvcheck, sizeof(fake_hvcheck), "%s/hvcheck", dir);
	snprintf(path, sizeof(path), "%s/pass.json", dir);
	write_file(path, results_fmt, "pass", "null", "PASS");
	snprintf(pass_cp, sizeof(pass_cp), "cp %s \"$HVCHECK_RESULTS/\"", path);
	strcat(pass_cp, "results.json");
	snprintf(path, sizeof(path), "%s/fail.json", dir);
	write_file(path, results_fmt, "fail", "\"1 unexpected failure\"",
		   "FAIL");
	snprintf(fail_cp, sizeof(fail_cp), "cp %s \"$HVCHECK_RESULTS/\"", path);
	strcat(fail_cp, "results.json");
	write_file(fake_hvcheck, fake_fmt, pass_cp);
	return chmod(fake_hvcheck, 0755);
}

static int remove_fixtures(void **state)
{
	(void)state;
	return files_remove_tree(dir);
}

/* bisect-run --work WORK and the NULL-terminated words; its status. */
static int bisect(const char *first, ...)
{
	char *argv[32] = { "bisect-run", "--work", work };
	int argc = 3;
	va_list ap;

	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	return bisect_run_main(argc, argv);
}

/* The text of WORK/NAME into text[]. */
static const char *read_work(const char *name)
{
	char path[128];
	FILE *f;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", work, name);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	len = fread(text, 1, sizeof(text) - 1, f);
	text[len] = '\0';
	fclose(f);
	return text;
}

static bool work_has(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", work, name);
	return !access(path, F_OK);
}

/* The log holds a line that matches the extended regex @pattern. */
static void assert_logged(const char *pattern)
{
	regex_t re;
	int ret;

	assert_non_null(read_work("bisect-run.log"));
	assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NEWLINE), 0);
	ret = regexec(&re, text, 0, NULL, 0);
	regfree(&re);
	if (ret)
		fail_msg("no line '%s' in:\n%s", pattern, text);
}

/* A fresh log for the next checks. */
static void clear_log(void)
{
	unlink(log_path);
}

static void test_usage(void **state)
{
	(void)state;
	assert_int_equal(bisect("--help", NULL), 0);
	assert_int_equal(bisect("--runs", "0", NULL), 128);
	assert_int_equal(bisect("--runs", "21", NULL), 128);
	assert_int_equal(bisect("--retry", "-1", NULL), 128);
	assert_int_equal(bisect("--check", "pmu.overflow:", NULL), 128);
	assert_int_equal(bisect("--test", "", NULL), 128);
	assert_int_equal(bisect("suite", NULL), 128);
	assert_int_equal(bisect("--suite-cmd", "true", "--", "-v", NULL), 128);
	assert_int_equal(bisect("--suite-cmd", "true", "--hvcheck", "x", NULL),
			 128);
	assert_int_equal(bisect("--", "--out", "x", NULL), 128);
	assert_int_equal(bisect("--", "--out=x", NULL), 128);
	assert_int_equal(bisect("--bogus", NULL), 128);
}

/* The log's format: time, commit, step, verdict, seconds: reason. */
static void test_build_fails(void **state)
{
	(void)state;
	clear_log();
	assert_int_equal(
		bisect("--build",
		       "echo cc; echo 'cc: error: broken' >&2; echo 'make: *** Error 1'; "
		       "exit 3",
		       "--suite-cmd", "touch \"$HVCHECK_RESULTS/ran\"", NULL),
		125);
	assert_logged("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z [-0-9a-f]+ "
		      "build skip [0-9]+\\.[0-9]{3}s: "
		      "build: exit status 3: cc: error: broken$");
	assert_logged(" verdict skip [0-9.]+s: exit 125: build: exit status 3");
	assert_false(work_has("run-1"));
	assert_non_null(
		strstr(read_work("build.out"), "cc\ncc: error: broken\n"));
}

/* Without a line that says "error", the build's last line. */
static void test_build_fails_quietly(void **state)
{
	(void)state;
	clear_log();
	assert_int_equal(bisect("--build", "echo one; echo two; exit 2", NULL),
			 125);
	assert_logged(" build skip [0-9.]+s: build: exit status 2: two$");
}

static void test_build_killed(void **state)
{
	(void)state;
	clear_log();
	assert_int_equal(bisect("--build", "kill -KILL $$", NULL), 125);
	assert_logged(" build skip .*: build: killed by signal 9 ");
}

static void test_install_fails(void **state)
{
	(void)state;
	clear_log();
	assert_int_equal(bisect("--build", "true", "--install", "exit 1",
				"--suite-cmd", pass_cp, NULL),
			 125);
	assert_logged(" build ok .*: build: exit status 0$");
	assert_logged(" install skip .*: install: exit status 1$");
	assert_false(work_has("run-1"));
}

/* Each run its number and its own directory, all kept. */
static void test_runs(void **state)
{
	char cmd[256];

	(void)state;
	clear_log();
	snprintf(cmd, sizeof(cmd),
		 "echo $HVCHECK_BISECT_RUN >\"$HVCHECK_RESULTS/n\"; %s",
		 pass_cp);
	assert_int_equal(bisect("--suite-cmd", cmd, "--runs", "3", NULL), 0);
	assert_string_equal(read_work("run-1/n"), "1\n");
	assert_string_equal(read_work("run-3/n"), "3\n");
	assert_non_null(read_work("run-2/results.json"));
	assert_logged(" run-2 good .*: pmu.overflow: PASS$");
	assert_logged(
		" verdict good .*: exit 0: pmu.overflow: PASS \\(3 of 3 runs\\)$");
}

static void test_verdicts(void **state)
{
	char flaky[400];

	(void)state;
	assert_int_equal(bisect("--suite-cmd", fail_cp, NULL), 1);
	assert_int_equal(bisect("--suite-cmd", pass_cp, "--check",
				"pmu: overflow: PMI arrives", NULL),
			 0);
	assert_int_equal(bisect("--suite-cmd", fail_cp, "--test", "pmu.other",
				NULL),
			 125);
	assert_int_equal(bisect("--suite-cmd", fail_cp, "--test", "pmu.other",
				"--missing-is-bad", NULL),
			 1);
	snprintf(flaky, sizeof(flaky),
		 "if [ $HVCHECK_BISECT_RUN = 2 ]; then %s; else %s; fi",
		 fail_cp, pass_cp);
	clear_log();
	assert_int_equal(bisect("--suite-cmd", flaky, "--runs", "2", NULL),
			 125);
	assert_logged(" verdict skip .*: runs disagree: run 1 good: "
		      "pmu.overflow: PASS; run 2 bad: pmu.overflow: FAIL");
	assert_int_equal(bisect("--suite-cmd", flaky, "--runs", "2", "--retry",
				"1", NULL),
			 0);
}

static void test_no_results(void **state)
{
	(void)state;
	clear_log();
	assert_int_equal(bisect("--suite-cmd", "echo oops; exit 3", NULL), 125);
	assert_logged(" run-1 skip .*: run-1: no results \\(suite exit "
		      "status 3\\): .*results.json: .*: oops$");
	assert_int_equal(bisect("--suite-cmd",
				"echo '{' >\"$HVCHECK_RESULTS/results.json\"",
				NULL),
			 125);
	assert_int_equal(
		bisect("--suite-cmd", "sleep 30", "--timeout", "1", NULL), 125);
	assert_logged(" run-1 skip .*: run-1: timed out after 1 s");
}

/* Earlier run directories go, the log and other files stay. */
static void test_clears_work(void **state)
{
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/run-7/logs", work);
	assert_int_equal(files_make_dirs(path), 0);
	snprintf(path, sizeof(path), "%s/keep", work);
	write_file(path, "x");
	write_file(log_path, "earlier line\n");
	assert_int_equal(bisect("--suite-cmd", pass_cp, NULL), 0);
	assert_false(work_has("run-7"));
	assert_true(work_has("keep"));
	assert_logged("^earlier line$");
	assert_logged(" verdict good ");
}

static void test_default_suite(void **state)
{
	char want[160];

	(void)state;
	assert_int_equal(bisect("--hvcheck", fake_hvcheck, "--", "--tests",
				"pmu.overflow", NULL),
			 0);
	snprintf(want, sizeof(want),
		 "suite --tests pmu.overflow --out %s/run-1\n", work);
	assert_string_equal(read_work("run-1/args"), want);
	/* another hvcheck's usage error: its commit's business, skip */
	write_file(fake_hvcheck, fake_fmt, "exit 64");
	assert_int_equal(bisect("--hvcheck", fake_hvcheck, NULL), 125);
	write_file(fake_hvcheck, fake_fmt, pass_cp);
	assert_int_equal(bisect("--hvcheck", "/nonexistent/hvcheck", NULL),
			 125);
}

static void test_aborts(void **state)
{
	char path[96];

	(void)state;
	assert_int_equal(bisect("--suite-cmd", pass_cp, "--log",
				"/nonexistent/dir/log", NULL),
			 128);
	assert_int_equal(bisect("--suite-cmd", pass_cp, "--baseline",
				"/nonexistent.json", NULL),
			 128);
	snprintf(path, sizeof(path), "%s/pass.json", dir);
	assert_int_equal(
		bisect("--suite-cmd", pass_cp, "--baseline", path, NULL), 0);
	snprintf(path, sizeof(path), "%s/fail.json", dir);
	/* failing in the baseline as well: nothing decides */
	assert_int_equal(
		bisect("--suite-cmd", fail_cp, "--baseline", path, NULL), 125);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_build_fails),
		cmocka_unit_test(test_build_fails_quietly),
		cmocka_unit_test(test_build_killed),
		cmocka_unit_test(test_install_fails),
		cmocka_unit_test(test_runs),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_no_results),
		cmocka_unit_test(test_clears_work),
		cmocka_unit_test(test_default_suite),
		cmocka_unit_test(test_aborts),
	};

	return cmocka_run_group_tests(tests, make_fixtures, remove_fixtures);
}
