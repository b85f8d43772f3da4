// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the guest report parser and of the per-test verdict. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hvcheck_abi.h"
#include "runner/guest_log.h"

static void parse_bytes(const char *text, size_t len, struct guest_log *log)
{
	FILE *in = fmemopen((void *)text, len, "r");

	assert_non_null(in);
	assert_int_equal(guest_log_parse(in, log), 0);
	fclose(in);
}

static void parse_text(const char *text, struct guest_log *log)
{
	parse_bytes(text, strlen(text), log);
}

static void test_counts(void **state)
{
	struct guest_log log;

	(void)state;
	parse_text("hvcheck guest: booting\n"
		   "PASS: selftest: report: a\n"
		   "PASS: selftest: report: b\r\n"
		   "FAIL: selftest: report: first failure\n"
		   "FAIL: selftest: report: second failure\n"
		   "SKIP: selftest: ipi: only one CPU\n"
		   "SKIP: selftest: ipi: second skip\n"
		   "XFAIL: selftest: report: known bug\n"
		   "XPASS: selftest: report: fixed bug\n"
		   " PASS: indented, not a report line\n"
		   "PASS:no blank after the colon\n"
		   "pass: lower case\n"
		   "INFO: PASS: not at the start\n"
		   "SUMMARY: 8 tests, 3 unexpected failures, 1 expected "
		   "failures, 2 skipped\n"
		   "EXIT: STATUS=1\n",
		   &log);
	assert_int_equal(log.checks.pass, 2);
	assert_int_equal(log.checks.fail, 2);
	assert_int_equal(log.checks.skip, 2);
	assert_int_equal(log.checks.xfail, 1);
	assert_int_equal(log.checks.xpass, 1);
	assert_int_equal(log.summary_lines, 1);
	assert_true(log.summary_valid);
	assert_int_equal(log.summary.tests, 8);
	assert_int_equal(log.summary.unexpected_failures, 3);
	assert_int_equal(log.summary.expected_failures, 1);
	assert_int_equal(log.summary.skipped, 2);
	assert_int_equal(log.exit_lines, 1);
	assert_true(log.exit_valid);
	assert_int_equal(log.exit_status, 1);
	assert_string_equal(log.first_failure,
			    "FAIL: selftest: report: first failure");
	assert_string_equal(log.first_skip, "selftest: ipi: only one CPU");
	assert_null(log.loader_error);
	guest_log_free(&log);
	assert_null(log.first_failure);
	assert_null(log.report);
	assert_int_equal(log.report_count, 0);
}

/* Each report line is kept in order, its status and the text after it. */
static void test_report_lines(void **state)
{
	static const struct results_check want[] = {
		{ RESULTS_CHECK_PASS, "selftest: report: a" },
		{ RESULTS_CHECK_XFAIL, "selftest: report: known bug" },
		{ RESULTS_CHECK_FAIL, "selftest: report: failure" },
		{ RESULTS_CHECK_SKIP, "selftest: ipi: only one CPU" },
		{ RESULTS_CHECK_XPASS, "selftest: report: fixed bug" },
		{ RESULTS_CHECK_PASS, "" },
		{ RESULTS_CHECK_PASS, "b\tc \x01\xff" },
	};
	struct guest_log log;

	(void)state;
	parse_text("hvcheck guest: booting\n"
		   "PASS: selftest: report: a\r\n"
		   "XFAIL: selftest: report: known bug\n"
		   " PASS: indented, not a report line\n"
		   "FAIL: selftest: report: failure\n"
		   "PASS:no blank after the colon\n"
		   "SKIP: selftest: ipi: only one CPU\n"
		   "XPASS: selftest: report: fixed bug\n"
		   "PASS: \n"
		   "PASS: b\tc \x01\xff\n"
		   "SUMMARY: 7 tests\n",
		   &log);
	assert_int_equal(log.report_count, sizeof(want) / sizeof(*want));
	assert_int_equal(log.report_dropped, 0);
	for (size_t i = 0; i < log.report_count; i++) {
		if (log.report[i].status != want[i].status ||
		    strcmp(log.report[i].text, want[i].text))
			fail_msg(
				"line %zu: got %s '%s'", i,
				results_check_status_name(log.report[i].status),
				log.report[i].text);
	}
	guest_log_free(&log);
	assert_null(log.report);
}

/* Appends @n lines "STATUS: PREFIX<i>" to @text at *@len. */
static void add_lines(char *text, size_t *len, size_t n, const char *status)
{
	for (size_t i = 0; i < n; i++)
		*len += (size_t)sprintf(text + *len, "%s: line %zu\n", status,
					i);
}

/*
 * A guest that reports without end: the first GUEST_LOG_REPORT_MAX lines
 * are kept, the rest counted as dropped and still in the counts.
 */
static void test_report_too_many(void **state)
{
	size_t n = GUEST_LOG_REPORT_MAX + 5, len = 0;
	char *text = malloc(n * 32);
	struct guest_log log;

	(void)state;
	assert_non_null(text);
	add_lines(text, &len, GUEST_LOG_REPORT_MAX, "PASS");
	add_lines(text, &len, 5, "FAIL");
	parse_bytes(text, len, &log);
	assert_int_equal(log.report_count, GUEST_LOG_REPORT_MAX);
	assert_int_equal(log.report_dropped, 5);
	assert_int_equal(log.checks.pass, GUEST_LOG_REPORT_MAX);
	assert_int_equal(log.checks.fail, 5);
	assert_string_equal(log.report[GUEST_LOG_REPORT_MAX - 1].text,
			    "line 4095");
	assert_string_equal(log.first_failure, "FAIL: line 0");
	guest_log_free(&log);
	free(text);
}

/*
 * Text longer than GUEST_LOG_CHECK_MAX bytes is cut and marked, never in
 * the middle of a UTF-8 character; a NUL byte ends a line's text.
 */
static void test_report_long_lines(void **state)
{
	size_t big = 1 << 20, len;
	char *text = malloc(big + 1024), *t;
	struct guest_log log;

	(void)state;
	assert_non_null(text);
	len = (size_t)sprintf(text, "FAIL: ");
	memset(text + len, 'x', big);
	len += big;
	text[len++] = '\n';
	/* "é" is two bytes: a cut at byte 509 would split one */
	len += (size_t)sprintf(text + len, "PASS: ab");
	for (int i = 0; i < 400; i++)
		len += (size_t)sprintf(text + len, "\xc3\xa9");
	text[len++] = '\n';
	memcpy(text + len, "SKIP: a\0b\n", 10);
	len += 10;
	parse_bytes(text, len, &log);
	assert_int_equal(log.report_count, 3);
	t = log.report[0].text;
	assert_int_equal(strlen(t), GUEST_LOG_CHECK_MAX);
	assert_string_equal(t + GUEST_LOG_CHECK_MAX - 3, GUEST_LOG_CUT);
	assert_int_equal(strspn(t, "x"), GUEST_LOG_CHECK_MAX - 3);
	t = log.report[1].text;
	assert_int_equal(strlen(t), 2 + 253 * 2 + 3);
	assert_string_equal(t + 2 + 252 * 2, "\xc3\xa9" GUEST_LOG_CUT);
	assert_string_equal(log.report[2].text, "a");
	/* the first failure quotes the whole line, the reason cuts it */
	assert_int_equal(strlen(log.first_failure), strlen("FAIL: ") + big);
	guest_log_free(&log);
	free(text);
}

static void test_xpass_is_first_failure(void **state)
{
	struct guest_log log;

	(void)state;
	parse_text("XPASS: a: b\nFAIL: c\n", &log);
	assert_string_equal(log.first_failure, "XPASS: a: b");
	guest_log_free(&log);
}

static void test_summary_forms(void **state)
{
	static const struct {
		const char *line;
		bool valid;
		unsigned int tests, unexpected, expected, skipped;
	} forms[] = {
		/* kvm-unit-tests leaves out zero counts */
		{ "SUMMARY: 3 tests", true, 3, 0, 0, 0 },
		{ "SUMMARY: 1 test", true, 1, 0, 0, 0 },
		{ "SUMMARY: 4 tests, 1 unexpected failures", true, 4, 1, 0, 0 },
		{ "SUMMARY: 4 tests, 2 skipped", true, 4, 0, 0, 2 },
		{ "SUMMARY: 5 tests, 1 unexpected failure, 1 expected failure, "
		  "1 skipped",
		  true, 5, 1, 1, 1 },
		{ "SUMMARY: three tests", false, 0, 0, 0, 0 },
		{ "SUMMARY: 3 tests,", false, 0, 0, 0, 0 },
		{ "SUMMARY: 3 tests, 1 failures", false, 0, 0, 0, 0 },
		{ "SUMMARY: 3 tests and more", false, 0, 0, 0, 0 },
		{ "SUMMARY: 99999999999 tests", false, 0, 0, 0, 0 },
		{ "SUMMARY: ", false, 0, 0, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(*forms); i++) {
		struct guest_log log;
		char text[160];

		snprintf(text, sizeof(text), "%s\n", forms[i].line);
		parse_text(text, &log);
		assert_int_equal(log.summary_lines, 1);
		if (log.summary_valid != forms[i].valid)
			fail_msg("'%s': valid %d", forms[i].line,
				 log.summary_valid);
		if (forms[i].valid) {
			assert_int_equal(log.summary.tests, forms[i].tests);
			assert_int_equal(log.summary.unexpected_failures,
					 forms[i].unexpected);
			assert_int_equal(log.summary.expected_failures,
					 forms[i].expected);
			assert_int_equal(log.summary.skipped, forms[i].skipped);
		}
		guest_log_free(&log);
	}
}

static void test_exit_forms(void **state)
{
	static const struct {
		const char *text;
		bool valid;
		int status;
	} forms[] = {
		{ "EXIT: STATUS=0\n", true, 0 },
		{ "EXIT: STATUS=63\r\n", true, 63 },
		{ "EXIT: STATUS=\n", false, 0 },
		{ "EXIT: STATUS=1x\n", false, 0 },
		{ "EXIT: STATUS=-1\n", false, 0 },
		{ "EXIT: 0\n", false, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(*forms); i++) {
		struct guest_log log;

		parse_text(forms[i].text, &log);
		assert_int_equal(log.exit_lines, 1);
		if (log.exit_valid != forms[i].valid)
			fail_msg("'%s': valid %d", forms[i].text,
				 log.exit_valid);
		if (forms[i].valid)
			assert_int_equal(log.exit_status, forms[i].status);
		guest_log_free(&log);
	}
}

static void test_grub_error(void **state)
{
	struct guest_log log;

	(void)state;
	/* as GRUB's serial terminal prints it */
	parse_text("\x1b[H\x1b[J\x1b[1;1Hhvcheck-grub: no disk holds "
		   "/hvcheck.cfg\n"
		   "\rhvcheck-grub: second\n",
		   &log);
	assert_string_equal(log.loader_error, "no disk holds /hvcheck.cfg");
	guest_log_free(&log);
}

static void test_vpmu_line(void **state)
{
	struct guest_log log;

	(void)state;
	parse_text("PASS: pmu: x\n"
		   "\n--- selftest stdout and stderr ---\n"
		   "hvcheck: vpmu: emulated, version 2, 4 GP\n"
		   "hvcheck: vpmu: off\n",
		   &log);
	/* the first one counts, as for the other remembered lines */
	assert_string_equal(log.vpmu, "emulated, version 2, 4 GP");
	assert_int_equal(log.checks.pass, 1);
	guest_log_free(&log);
	parse_text("hvcheck: vpmux: no\n", &log);
	assert_null(log.vpmu);
	guest_log_free(&log);
}

static void test_missing_file(void **state)
{
	struct guest_log log = { .summary_lines = 7 };

	(void)state;
	assert_int_equal(guest_log_parse_file("/nonexistent/x.log", &log), 0);
	assert_int_equal(log.summary_lines, 0);
	assert_int_equal(results_checks_total(&log.checks), 0);
}

static void test_unreadable_file(void **state)
{
	struct guest_log log;

	(void)state;
	/* a directory opens but cannot be read */
	assert_int_equal(guest_log_parse_file("/", &log), -EISDIR);
	assert_null(log.first_failure);
}

#define GOOD_LOG                                                         \
	"PASS: a\nPASS: b\nXFAIL: c\nSKIP: d\n"                          \
	"SUMMARY: 4 tests, 0 unexpected failures, 1 expected failures, " \
	"1 skipped\nEXIT: STATUS=0\n"

static const struct verdict_case {
	const char *log;
	const char *run_error;
	bool has_guest_status;
	int guest_status;
	enum results_status status;
	const char *reason;
} verdicts[] = {
	{ GOOD_LOG, NULL, true, 0, RESULTS_PASS, "" },
	{ GOOD_LOG, "triple fault", false, 0, RESULTS_FAIL, "triple fault" },
	{ GOOD_LOG, NULL, false, 0, RESULTS_FAIL, "no guest exit status" },
	{ "PASS: a\nFAIL: b: c\nFAIL: d\nXPASS: e\n"
	  "SUMMARY: 4 tests, 3 unexpected failures\nEXIT: STATUS=1\n",
	  NULL, true, 1, RESULTS_FAIL,
	  "3 unexpected failures, first: FAIL: b: c" },
	{ "PASS: a\nXPASS: e\nSUMMARY: 2 tests, 1 unexpected failures\n"
	  "EXIT: STATUS=0\n",
	  NULL, true, 0, RESULTS_FAIL,
	  "1 unexpected failure, first: XPASS: e" },
	/* the run error wins over what the log says */
	{ "FAIL: x\n", "timeout after 20 s", false, 0, RESULTS_FAIL,
	  "timeout after 20 s" },
	{ "PASS: a\nEXIT: STATUS=0\n", NULL, true, 0, RESULTS_FAIL,
	  "no SUMMARY line" },
	{ "PASS: a\nSUMMARY: 1 tests\n", NULL, true, 0, RESULTS_FAIL,
	  "no EXIT line" },
	{ "PASS: a\nSUMMARY: 1 tests\nEXIT: STATUS=0\n"
	  "PASS: a\nSUMMARY: 1 tests\nEXIT: STATUS=0\n",
	  NULL, true, 0, RESULTS_FAIL,
	  "2 SUMMARY lines, expected one (did the guest reboot?)" },
	{ "PASS: a\nSUMMARY: 1 tests\nEXIT: STATUS=0\nEXIT: STATUS=0\n", NULL,
	  true, 0, RESULTS_FAIL,
	  "2 EXIT lines, expected one (did the guest reboot?)" },
	{ "PASS: a\nSUMMARY: one test\nEXIT: STATUS=0\n", NULL, true, 0,
	  RESULTS_FAIL, "malformed SUMMARY line" },
	{ "PASS: a\nSUMMARY: 1 tests\nEXIT: STATUS=zero\n", NULL, true, 0,
	  RESULTS_FAIL, "malformed EXIT line" },
	{ "PASS: a\nSUMMARY: 2 tests\nEXIT: STATUS=0\n", NULL, true, 0,
	  RESULTS_FAIL,
	  "SUMMARY says 2 tests, 0 unexpected failures, 0 expected failures, "
	  "0 skipped; the log has 1, 0, 0, 0" },
	{ "PASS: a\nSUMMARY: 1 tests, 1 skipped\nEXIT: STATUS=0\n", NULL, true,
	  0, RESULTS_FAIL,
	  "SUMMARY says 1 tests, 0 unexpected failures, 0 expected failures, "
	  "1 skipped; the log has 1, 0, 0, 0" },
	{ GOOD_LOG, NULL, true, 1, RESULTS_FAIL,
	  "EXIT line says status 0, the exit port got 1" },
	{ "PASS: a\nSUMMARY: 1 tests\nEXIT: STATUS=3\n", NULL, true, 3,
	  RESULTS_FAIL, "guest exit status 3" },
	{ "SUMMARY: 0 tests\nEXIT: STATUS=0\n", NULL, true, 0, RESULTS_FAIL,
	  "the guest ran no checks" },
	{ "SKIP: ipi: only one CPU\nSKIP: x\nSUMMARY: 2 tests, 2 skipped\n"
	  "EXIT: STATUS=0\n",
	  NULL, true, 0, RESULTS_SKIP, "ipi: only one CPU" },
	{ "SKIP: a\nXFAIL: b\nSUMMARY: 2 tests, 1 expected failures, "
	  "1 skipped\nEXIT: STATUS=0\n",
	  NULL, true, 0, RESULTS_SKIP, "a" },
	{ "XFAIL: b\nSUMMARY: 1 tests, 1 expected failures\nEXIT: STATUS=0\n",
	  NULL, true, 0, RESULTS_PASS, "" },
};

static void test_verdicts(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(verdicts) / sizeof(*verdicts); i++) {
		const struct verdict_case *v = &verdicts[i];
		char reason[RESULTS_REASON_MAX] = "stale";
		struct guest_log log;
		enum results_status status;

		parse_text(v->log, &log);
		status = guest_log_verdict(&log, v->run_error,
					   v->has_guest_status, v->guest_status,
					   reason, sizeof(reason));
		if (status != v->status || strcmp(reason, v->reason))
			fail_msg("case %zu: got %s '%s', want %s '%s'", i,
				 results_status_name(status), reason,
				 results_status_name(v->status), v->reason);
		guest_log_free(&log);
	}
}

#define CAPPED_LOG "PASS: flood\nxxxx\n" HV_SERIAL_CAPPED_MARKER "64 bytes\n"

static const struct expect_case {
	const char *log;
	enum manifest_expect expect;
	int expect_status;
	int vmm_status; /* -1: killed or given up on */
	const char *run_error;
	enum results_status status;
	const char *reason;
} expects[] = {
	{ CAPPED_LOG, MANIFEST_EXPECT_LOG_CAPPED, 0, HV_EXIT_LOG_CAPPED,
	  "serial output capped", RESULTS_PASS, "" },
	/* a guest that prints the marker itself is not capped */
	{ CAPPED_LOG, MANIFEST_EXPECT_LOG_CAPPED, 0, HV_EXIT_TIMEOUT,
	  "timeout after 20 s", RESULTS_FAIL,
	  "expected log-capped, got: timeout after 20 s" },
	/* nor one that writes 123 to the exit port: the VMM refuses it */
	{ CAPPED_LOG, MANIFEST_EXPECT_LOG_CAPPED, 0, HV_EXIT_VMM_ERROR,
	  "guest exit status 123 out of range (0..63)", RESULTS_FAIL,
	  "expected log-capped, got: guest exit status 123 out of range "
	  "(0..63)" },
	{ "PASS: flood\nxxxx\n", MANIFEST_EXPECT_LOG_CAPPED, 0,
	  HV_EXIT_LOG_CAPPED, "serial output capped", RESULTS_FAIL,
	  "ended as expected (log-capped) but the log does not end in the "
	  "cap marker" },
	{ CAPPED_LOG "more\n", MANIFEST_EXPECT_LOG_CAPPED, 0,
	  HV_EXIT_LOG_CAPPED, "serial output capped", RESULTS_FAIL,
	  "ended as expected (log-capped) but the log does not end in the "
	  "cap marker" },
	{ "PASS: spin\n", MANIFEST_EXPECT_TIMEOUT, 0, HV_EXIT_TIMEOUT,
	  "timeout after 2 s", RESULTS_PASS, "" },
	{ "", MANIFEST_EXPECT_TIMEOUT, 0, HV_EXIT_TIMEOUT, "timeout after 2 s",
	  RESULTS_FAIL,
	  "ended as expected (timeout) but no PASS line: the test never "
	  "started" },
	/* a guest stuck at boot is no hostile test's timeout */
	{ "hvcheck guest booting\nSKIP: nothing\n", MANIFEST_EXPECT_TIMEOUT, 0,
	  HV_EXIT_TIMEOUT, "timeout after 2 s", RESULTS_FAIL,
	  "ended as expected (timeout) but no PASS line: the test never "
	  "started" },
	/* an exception message looping into the cap is no flood test's */
	{ "unexpected exception 14 at 0x1000\nunexpected exception 14 at "
	  "0x1000\n" HV_SERIAL_CAPPED_MARKER "64 bytes\n",
	  MANIFEST_EXPECT_LOG_CAPPED, 0, HV_EXIT_LOG_CAPPED,
	  "serial output capped", RESULTS_FAIL,
	  "ended as expected (log-capped) but no PASS line: the test never "
	  "started" },
	{ "PASS: a\nFAIL: b\n", MANIFEST_EXPECT_TIMEOUT, 0, HV_EXIT_TIMEOUT,
	  "timeout after 2 s", RESULTS_FAIL,
	  "1 unexpected failure, first: FAIL: b" },
	/* the watchdog had to end it: the VMM did not end itself */
	{ "PASS: spin\n", MANIFEST_EXPECT_TIMEOUT, 0, -1,
	  "timeout after 2 s: hvcheck run still running 5 s later, ended by "
	  "SIGTERM",
	  RESULTS_FAIL,
	  "expected timeout, got: timeout after 2 s: hvcheck run still "
	  "running 5 s later, ended by SIGTERM" },
	{ "PASS: a\nSUMMARY: 1 tests\nEXIT: STATUS=0\n",
	  MANIFEST_EXPECT_TIMEOUT, 0, 0, NULL, RESULTS_FAIL,
	  "expected timeout, got: guest exit status 0" },
	{ "FAIL: a\nSUMMARY: 1 tests, 1 unexpected failures\nEXIT: STATUS=1\n",
	  MANIFEST_EXPECT_EXIT, 1, 1, NULL, RESULTS_PASS, "" },
	/* any other status does not excuse a FAIL line */
	{ "FAIL: a\nEXIT: STATUS=3\n", MANIFEST_EXPECT_EXIT, 3, 3, NULL,
	  RESULTS_FAIL, "1 unexpected failure, first: FAIL: a" },
	{ "FAIL: a\nSUMMARY: 1 tests, 1 unexpected failures\n",
	  MANIFEST_EXPECT_EXIT, 1, 1, NULL, RESULTS_FAIL,
	  "ended as expected (exit:1) but no EXIT line with that status" },
	{ "PASS: a\n", MANIFEST_EXPECT_EXIT, 1, HV_EXIT_TRIPLE_FAULT,
	  "triple fault", RESULTS_FAIL, "expected exit:1, got: triple fault" },
	{ "PASS: a\n", MANIFEST_EXPECT_TRIPLE_FAULT, 0, HV_EXIT_TRIPLE_FAULT,
	  "triple fault", RESULTS_PASS, "" },
	{ "PASS: a\n", MANIFEST_EXPECT_TRIPLE_FAULT, 0, -1,
	  "hvcheck run killed by signal 11 (Segmentation fault)", RESULTS_FAIL,
	  "expected triple-fault, got: hvcheck run killed by signal 11 "
	  "(Segmentation fault)" },
};

static void test_expected(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(expects) / sizeof(*expects); i++) {
		const struct expect_case *v = &expects[i];
		char reason[RESULTS_REASON_MAX] = "stale";
		struct guest_log log;
		enum results_status status;

		parse_text(v->log, &log);
		status = guest_log_expected(&log, v->expect, v->expect_status,
					    v->vmm_status, v->run_error, reason,
					    sizeof(reason));
		if (status != v->status || strcmp(reason, v->reason))
			fail_msg("case %zu: got %s '%s', want %s '%s'", i,
				 results_status_name(status), reason,
				 results_status_name(v->status), v->reason);
		guest_log_free(&log);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_report_lines),
		cmocka_unit_test(test_report_too_many),
		cmocka_unit_test(test_report_long_lines),
		cmocka_unit_test(test_xpass_is_first_failure),
		cmocka_unit_test(test_summary_forms),
		cmocka_unit_test(test_exit_forms),
		cmocka_unit_test(test_grub_error),
		cmocka_unit_test(test_vpmu_line),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_unreadable_file),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_expected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
