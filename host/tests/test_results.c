// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the JSON, TAP 13 and JUnit XML results writers. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runner/manifest.h"
#include "runner/results.h"
#include "runner/results_read.h"

static const struct results_check report_lines[] = {
	{ RESULTS_CHECK_PASS, "selftest: report: a" },
	{ RESULTS_CHECK_XFAIL, "selftest: report: known bug" },
};

static const struct results_check timer_lines[] = {
	{ RESULTS_CHECK_PASS, "selftest: timer: ticks" },
	{ RESULTS_CHECK_FAIL, "selftest: timer: \"late\" by 3 ms" },
	{ RESULTS_CHECK_XPASS, "selftest: timer: fixed" },
	{ RESULTS_CHECK_SKIP, "selftest: timer: no TSC deadline" },
};

static const struct results_test three_tests[] = {
	{
		.name = "selftest.report",
		.status = RESULTS_PASS,
		.duration_ms = 8,
		.checks = { .pass = 6, .xfail = 1 },
		.cmdline = "tests=selftest.report",
		.smp = 1,
		.mem_mib = 64,
		.timeout_s = 10,
		.has_exit_status = true,
		.exit_status = 0,
		.has_guest_status = true,
		.guest_status = 0,
		.log = "logs/selftest.report.log",
		.vpmu = "emulated, version 2, 4 GP and 3 fixed counters of 48 bits",
		.report = report_lines,
		.report_count = 2,
	},
	{
		.name = "selftest.timer",
		.status = RESULTS_FAIL,
		.reason = "timeout after 20 s",
		.duration_ms = 20012,
		.checks = { .pass = 1, .fail = 2, .xpass = 1 },
		.cmdline = "tests=selftest.timer x=1",
		.smp = 2,
		.mem_mib = 128,
		.timeout_s = 20,
		.has_exit_status = true,
		.exit_status = 124,
		.log = "logs/selftest.timer.log",
		.report = timer_lines,
		.report_count = 4,
		.report_dropped = 3,
	},
	{
		.name = "selftest.ipi",
		.status = RESULTS_SKIP,
		.reason = "not for TARGET=qemu",
		.cmdline = "tests=selftest.ipi",
		.smp = 2,
		.mem_mib = 64,
		.timeout_s = 20,
	},
};

static const struct results_host_item three_host[] = {
	{ "kernel", "6.1.0-57-amd64", false },
	{ "cpu_model", NULL, false },
	{ "cpu_vendor", "Genuine\"Intel\"\n", false },
	{ "nmi_watchdog", "0", true },
	{ "kvm.enable_pmu", "true", true },
	{ "kvm.odd", NULL, true }, /* a literal without a value is null */
};

static const struct results_run three_run = {
	.arch = "x86_64",
	.target = "qemu",
	.requested_target = "vmm",
	.manifest = "guest/tests/x86_64.cfg",
	.timeout_scale = MANIFEST_SCALE_ONE,
	.started_at = 1700000000,
	.duration_ms = 20345,
	.host = three_host,
	.host_count = 6,
	.test = three_tests,
	.count = 3,
};

/* Runs @writer into memory; the caller frees the text. */
static char *written(int (*writer)(FILE *, const struct results_run *),
		     const struct results_run *run)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	assert_non_null(out);
	assert_int_equal(writer(out, run), 0);
	assert_int_equal(fclose(out), 0);
	return text;
}

static void assert_written(int (*writer)(FILE *, const struct results_run *),
			   const struct results_run *run, const char *want)
{
	char *got = written(writer, run);

	if (strcmp(got, want))
		fail_msg("got:\n%s\nwant:\n%s", got, want);
	free(got);
}

static void test_summary(void **state)
{
	struct results_summary sum = results_summarize(&three_run);

	(void)state;
	assert_int_equal(sum.pass, 1);
	assert_int_equal(sum.fail, 1);
	assert_int_equal(sum.skip, 1);
	assert_int_equal(results_checks_total(&three_tests[1].checks), 4);
	assert_string_equal(results_status_name(RESULTS_PASS), "pass");
	assert_string_equal(results_status_name(RESULTS_FAIL), "fail");
	assert_string_equal(results_status_name(RESULTS_SKIP), "skip");
}

/* three_run in JSON. */
static const char three_json[] =
	"{\n"
	"  \"arch\": \"x86_64\",\n"
	"  \"target\": \"qemu\",\n"
	"  \"requested_target\": \"vmm\",\n"
	"  \"bed\": null,\n"
	"  \"manifest\": \"guest/tests/x86_64.cfg\",\n"
	"  \"timeout_scale\": 1,\n"
	"  \"started_at\": \"2023-11-14T22:13:20Z\",\n"
	"  \"duration_ms\": 20345,\n"
	"  \"stopped_by\": null,\n"
	"  \"host\": {\n"
	"    \"kernel\": \"6.1.0-57-amd64\",\n"
	"    \"cpu_model\": null,\n"
	"    \"cpu_vendor\": \"Genuine\\\"Intel\\\"\\n\",\n"
	"    \"nmi_watchdog\": 0,\n"
	"    \"kvm.enable_pmu\": true,\n"
	"    \"kvm.odd\": null\n"
	"  },\n"
	"  \"tests\": [\n"
	"    {\n"
	"      \"name\": \"selftest.report\",\n"
	"      \"status\": \"pass\",\n"
	"      \"reason\": null,\n"
	"      \"duration_ms\": 8,\n"
	"      \"checks\": {\"pass\": 6, \"fail\": 0, \"skip\": 0, "
	"\"xfail\": 1, \"xpass\": 0},\n"
	"      \"cmdline\": \"tests=selftest.report\",\n"
	"      \"smp\": 1,\n"
	"      \"mem_mib\": 64,\n"
	"      \"timeout_s\": 10,\n"
	"      \"exit_status\": 0,\n"
	"      \"guest_status\": 0,\n"
	"      \"log\": \"logs/selftest.report.log\",\n"
	"      \"vpmu\": \"emulated\",\n"
	"      \"vpmu_config\": \"version 2, 4 GP and 3 fixed counters of 48 bits\",\n"
	"      \"irqchip\": null,\n"
	"      \"report_dropped\": 0,\n"
	"      \"report\": [\n"
	"        {\"status\": \"PASS\", \"check\": \"selftest: report: a\"},\n"
	"        {\"status\": \"XFAIL\", \"check\": \"selftest: report: known bug\"}\n"
	"      ]\n"
	"    },\n"
	"    {\n"
	"      \"name\": \"selftest.timer\",\n"
	"      \"status\": \"fail\",\n"
	"      \"reason\": \"timeout after 20 s\",\n"
	"      \"duration_ms\": 20012,\n"
	"      \"checks\": {\"pass\": 1, \"fail\": 2, \"skip\": 0, "
	"\"xfail\": 0, \"xpass\": 1},\n"
	"      \"cmdline\": \"tests=selftest.timer x=1\",\n"
	"      \"smp\": 2,\n"
	"      \"mem_mib\": 128,\n"
	"      \"timeout_s\": 20,\n"
	"      \"exit_status\": 124,\n"
	"      \"guest_status\": null,\n"
	"      \"log\": \"logs/selftest.timer.log\",\n"
	"      \"vpmu\": null,\n"
	"      \"vpmu_config\": null,\n"
	"      \"irqchip\": null,\n"
	"      \"report_dropped\": 3,\n"
	"      \"report\": [\n"
	"        {\"status\": \"PASS\", \"check\": \"selftest: timer: ticks\"},\n"
	"        {\"status\": \"FAIL\", \"check\": \"selftest: timer: \\\"late\\\" by 3 ms\"},\n"
	"        {\"status\": \"XPASS\", \"check\": \"selftest: timer: fixed\"},\n"
	"        {\"status\": \"SKIP\", \"check\": \"selftest: timer: no TSC deadline\"}\n"
	"      ]\n"
	"    },\n"
	"    {\n"
	"      \"name\": \"selftest.ipi\",\n"
	"      \"status\": \"skip\",\n"
	"      \"reason\": \"not for TARGET=qemu\",\n"
	"      \"duration_ms\": 0,\n"
	"      \"checks\": {\"pass\": 0, \"fail\": 0, \"skip\": 0, "
	"\"xfail\": 0, \"xpass\": 0},\n"
	"      \"cmdline\": \"tests=selftest.ipi\",\n"
	"      \"smp\": 2,\n"
	"      \"mem_mib\": 64,\n"
	"      \"timeout_s\": 20,\n"
	"      \"exit_status\": null,\n"
	"      \"guest_status\": null,\n"
	"      \"log\": null,\n"
	"      \"vpmu\": null,\n"
	"      \"vpmu_config\": null,\n"
	"      \"irqchip\": null,\n"
	"      \"report_dropped\": 0,\n"
	"      \"report\": []\n"
	"    }\n"
	"  ],\n"
	"  \"summary\": {\"total\": 3, \"pass\": 1, \"fail\": 1, "
	"\"skip\": 1, \"error\": 0, \"not_run\": 0}\n"
	"}\n";

static const struct results_host_item libvirt_items[] = {
	{ "uri", "qemu+tcp://127.0.0.1/system", false },
	{ "type", "qemu", false },
};

/* An infrastructure error: its own status in every format. */
static const struct results_test error_test = {
	.name = "selftest.hang",
	.status = RESULTS_ERROR,
	.reason = "connection to qemu:///system lost: end of file",
	.cmdline = "tests=selftest.hang",
	.smp = 1,
	.mem_mib = 64,
	.has_exit_status = true,
	.exit_status = 75,
	.libvirt = libvirt_items,
	.libvirt_count = 2,
};

static const struct results_run error_run = {
	.arch = "x86_64",
	.target = "libvirt",
	.requested_target = "libvirt",
	.timeout_scale = MANIFEST_SCALE_ONE,
	.started_at = 1700000000,
	.test = &error_test,
	.count = 1,
};

static void assert_has(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("'%s' not in:\n%s", want, text);
}

static void test_error_status(void **state)
{
	struct results_summary sum = results_summarize(&error_run);
	char *json = written(results_write_json, &error_run);
	char *tap = written(results_write_tap, &error_run);
	char *junit = written(results_write_junit, &error_run);

	(void)state;
	assert_int_equal(sum.error, 1);
	assert_int_equal(sum.fail + sum.pass + sum.skip, 0);
	assert_string_equal(results_status_name(RESULTS_ERROR), "error");
	assert_has(json, "\"status\": \"error\",");
	assert_has(json, "\"libvirt\": {\n"
			 "        \"uri\": \"qemu+tcp://127.0.0.1/system\",\n"
			 "        \"type\": \"qemu\"\n"
			 "      },");
	assert_has(json, "\"skip\": 0, \"error\": 1, \"not_run\": 0}");
	assert_has(tap, "not ok 1 - selftest.hang\n");
	assert_has(tap, "  severity: error\n");
	assert_has(junit, "failures=\"0\" errors=\"1\"");
	assert_has(junit,
		   "<error type=\"infrastructure\" message=\"connection");
	assert_has(junit, "</error>");
	assert_null(strstr(junit, "<failure"));
	free(json);
	free(tap);
	free(junit);
}

/*
 * A suite stopped by SIGINT: one test passed, one was stopped while it
 * ran, one never began.  Each format says "not run" and why, and the run
 * says what stopped it; results.json reads back with the status.
 */
static const struct results_test stopped_tests[] = {
	{ .name = "a", .status = RESULTS_PASS, .cmdline = "tests=a" },
	{ .name = "b",
	  .status = RESULTS_NOT_RUN,
	  .reason = "the suite was stopped by SIGINT while it ran",
	  .cmdline = "tests=b",
	  .log = "logs/b.log" },
	{ .name = "c",
	  .status = RESULTS_NOT_RUN,
	  .reason = "the suite was stopped by SIGINT before it began",
	  .cmdline = "tests=c" },
};

static const struct results_run stopped_run = {
	.arch = "x86_64",
	.target = "nested",
	.requested_target = "vmm",
	.timeout_scale = MANIFEST_SCALE_ONE,
	.started_at = 1700000000,
	.test = stopped_tests,
	.count = 3,
	.stop_signal = SIGINT,
};

static void test_not_run(void **state)
{
	struct results_summary sum = results_summarize(&stopped_run);
	char *json = written(results_write_json, &stopped_run);
	char *tap = written(results_write_tap, &stopped_run);
	char *junit = written(results_write_junit, &stopped_run);
	struct results_file f;
	char err[256];

	(void)state;
	assert_int_equal(sum.pass, 1);
	assert_int_equal(sum.not_run, 2);
	assert_int_equal(sum.fail + sum.skip + sum.error, 0);
	assert_string_equal(results_status_name(RESULTS_NOT_RUN), "not_run");
	assert_has(json, "\"stopped_by\": \"SIGINT\",\n");
	assert_has(
		json,
		"\"status\": \"not_run\",\n"
		"      \"reason\": \"the suite was stopped by SIGINT while it ran\"");
	assert_has(json, "\"error\": 0, \"not_run\": 2}");
	assert_has(
		tap,
		"ok 1 - a\n"
		"ok 2 - b # SKIP not run: the suite was stopped by SIGINT while it ran\n"
		"ok 3 - c # SKIP not run: the suite was stopped by SIGINT before it began\n"
		"Bail out! stopped by SIGINT, 2 not run\n");
	assert_has(junit, "skipped=\"2\"");
	assert_has(junit, "<property name=\"stopped_by\" value=\"SIGINT\"/>");
	assert_has(junit, "<skipped type=\"not-run\" message=\"the suite was "
			  "stopped by SIGINT before it began\"/>");
	assert_int_equal(
		results_read_text(json, strlen(json), &f, err, sizeof(err)), 0);
	assert_int_equal(f.test_count, 3);
	assert_int_equal(f.test[0].status, RESULTS_PASS);
	assert_int_equal(f.test[1].status, RESULTS_NOT_RUN);
	assert_int_equal(f.test[2].status, RESULTS_NOT_RUN);
	results_file_free(&f);
	free(json);
	free(tap);
	free(junit);
}

static void test_json(void **state)
{
	(void)state;
	assert_written(results_write_json, &three_run, three_json);
}

static void test_json_no_tests(void **state)
{
	struct results_run run = three_run;

	(void)state;
	run.count = 0;
	run.host_count = 0;
	assert_written(
		results_write_json, &run,
		"{\n"
		"  \"arch\": \"x86_64\",\n"
		"  \"target\": \"qemu\",\n"
		"  \"requested_target\": \"vmm\",\n"
		"  \"bed\": null,\n"
		"  \"manifest\": \"guest/tests/x86_64.cfg\",\n"
		"  \"timeout_scale\": 1,\n"
		"  \"started_at\": \"2023-11-14T22:13:20Z\",\n"
		"  \"duration_ms\": 20345,\n"
		"  \"stopped_by\": null,\n"
		"  \"host\": {},\n"
		"  \"tests\": [],\n"
		"  \"summary\": {\"total\": 0, \"pass\": 0, \"fail\": 0, "
		"\"skip\": 0, \"error\": 0, \"not_run\": 0}\n"
		"}\n");
}

static void test_tap(void **state)
{
	(void)state;
	assert_written(
		results_write_tap, &three_run,
		"TAP version 13\n"
		"1..3\n"
		"ok 1 - selftest.report\n"
		"not ok 2 - selftest.timer\n"
		"  ---\n"
		"  message: \"timeout after 20 s\"\n"
		"  severity: fail\n"
		"  duration_ms: 20012\n"
		"  checks: {pass: 1, fail: 2, skip: 0, xfail: 0, xpass: 1}\n"
		"  cmdline: \"tests=selftest.timer x=1\"\n"
		"  exit_status: 124\n"
		"  log: \"logs/selftest.timer.log\"\n"
		"  ...\n"
		"ok 3 - selftest.ipi # SKIP not for TARGET=qemu\n");
}

static void test_junit(void **state)
{
	(void)state;
	assert_written(
		results_write_junit, &three_run,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites tests=\"3\" failures=\"1\" errors=\"0\" "
		"skipped=\"1\" time=\"20.345\">\n"
		"  <testsuite name=\"hvcheck.x86_64.qemu\" tests=\"3\" "
		"failures=\"1\" errors=\"0\" skipped=\"1\" "
		"timestamp=\"2023-11-14T22:13:20\" time=\"20.345\">\n"
		"    <testcase name=\"selftest.report\" "
		"classname=\"hvcheck.x86_64.qemu\" time=\"0.008\"/>\n"
		"    <testcase name=\"selftest.timer\" "
		"classname=\"hvcheck.x86_64.qemu\" time=\"20.012\">\n"
		"      <failure type=\"fail\" message=\"timeout after 20 s\">"
		"cmdline: tests=selftest.timer x=1\n"
		"exit status: 124\n"
		"log: logs/selftest.timer.log</failure>\n"
		"    </testcase>\n"
		"    <testcase name=\"selftest.ipi\" "
		"classname=\"hvcheck.x86_64.qemu\" time=\"0.000\">\n"
		"      <skipped message=\"not for TARGET=qemu\"/>\n"
		"    </testcase>\n"
		"  </testsuite>\n"
		"</testsuites>\n");
}

/*
 * The nested test bed, when there is one, is in every format, and so is
 * a --timeout-scale other than 1.
 */
static void test_bed(void **state)
{
	struct results_run run = {
		.arch = "x86_64",
		.target = "nested",
		.requested_target = "vmm",
		.bed = "linux-image-6.1.0-57-amd64 6.1.192-3 under "
		       "qemu-system-x86_64 7.2.0 TCG <#1 & \"q\">",
		.manifest = "x.cfg",
		.timeout_scale = 1500,
		.started_at = 1700000000,
		.duration_ms = 5,
	};

	(void)state;
	assert_written(
		results_write_json, &run,
		"{\n"
		"  \"arch\": \"x86_64\",\n"
		"  \"target\": \"nested\",\n"
		"  \"requested_target\": \"vmm\",\n"
		"  \"bed\": \"linux-image-6.1.0-57-amd64 6.1.192-3 under "
		"qemu-system-x86_64 7.2.0 TCG <#1 & \\\"q\\\">\",\n"
		"  \"manifest\": \"x.cfg\",\n"
		"  \"timeout_scale\": 1.5,\n"
		"  \"started_at\": \"2023-11-14T22:13:20Z\",\n"
		"  \"duration_ms\": 5,\n"
		"  \"stopped_by\": null,\n"
		"  \"host\": {},\n"
		"  \"tests\": [],\n"
		"  \"summary\": {\"total\": 0, \"pass\": 0, \"fail\": 0, "
		"\"skip\": 0, \"error\": 0, \"not_run\": 0}\n"
		"}\n");
	assert_written(results_write_tap, &run,
		       "TAP version 13\n"
		       "1..0\n"
		       "# bed: linux-image-6.1.0-57-amd64 6.1.192-3 under "
		       "qemu-system-x86_64 7.2.0 TCG <#1 & \"q\">\n"
		       "# timeout_scale: 1.5\n");
	assert_written(
		results_write_junit, &run,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites tests=\"0\" failures=\"0\" errors=\"0\" "
		"skipped=\"0\" time=\"0.005\">\n"
		"  <testsuite name=\"hvcheck.x86_64.nested\" tests=\"0\" "
		"failures=\"0\" errors=\"0\" skipped=\"0\" "
		"timestamp=\"2023-11-14T22:13:20\" time=\"0.005\">\n"
		"    <properties>\n"
		"      <property name=\"bed\" value=\"linux-image-6.1.0-57-amd64 "
		"6.1.192-3 under qemu-system-x86_64 7.2.0 TCG &lt;#1 &amp; "
		"&quot;q&quot;&gt;\"/>\n"
		"      <property name=\"timeout_scale\" value=\"1.5\"/>\n"
		"    </properties>\n"
		"  </testsuite>\n"
		"</testsuites>\n");
}

/*
 * Reasons quote guest output: quotes, backslashes, C0 and C1 controls,
 * markup, valid multi-byte UTF-8, a noncharacter (U+FFFE) and bytes that
 * are not UTF-8 (stray, overlong, surrogate, cut short).
 */
#define HOSTILE                                \
	"q\"b\\n\nt\tc\x01\x7f"                \
	"<&>'"                                 \
	"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" \
	"|\xc2\x80\xef\xbf\xbe"                \
	"|\xff|\xc0\xaf|\xed\xa0\x80|\xe2\x82"

static struct results_test hostile_test(enum results_status status)
{
	struct results_test t = {
		.name = "a#b",
		.status = status,
		.cmdline = "tests=a#b",
		.log = "logs/a#b.log",
	};

	snprintf(t.reason, sizeof(t.reason), "%s", HOSTILE);
	return t;
}

static struct results_run one_test_run(const struct results_test *t)
{
	struct results_run run = three_run;

	run.test = t;
	run.count = 1;
	return run;
}

static void test_json_escaping(void **state)
{
	struct results_test t = hostile_test(RESULTS_FAIL);
	struct results_run run = one_test_run(&t);
	char *got = written(results_write_json, &run);

	(void)state;
	if (!strstr(got, "\"reason\": \"q\\\"b\\\\n\\nt\\tc\\u0001\\u007f"
			 "<&>'\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
			 "|\\u0080\\ufffe"
			 "|\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd"
			 "|\\ufffd\\ufffd\",\n"))
		fail_msg("bad escaping in:\n%s", got);
	free(got);
}

/* An arm64 run on the VMM names its irqchip; report text is escaped. */
static void test_json_irqchip_report(void **state)
{
	const struct results_check lines[] = {
		{ RESULTS_CHECK_FAIL, HOSTILE },
	};
	struct results_test t = hostile_test(RESULTS_FAIL);
	struct results_run run = one_test_run(&t);
	char *got;

	(void)state;
	t.irqchip = "user-gicv2";
	t.report = lines;
	t.report_count = 1;
	got = written(results_write_json, &run);
	if (!strstr(got, "      \"irqchip\": \"user-gicv2\",\n"
			 "      \"report_dropped\": 0,\n"
			 "      \"report\": [\n"
			 "        {\"status\": \"FAIL\", \"check\": "
			 "\"q\\\"b\\\\n\\nt\\tc\\u0001\\u007f"
			 "<&>'\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
			 "|\\u0080\\ufffe"
			 "|\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd"
			 "|\\ufffd\\ufffd\"}\n"
			 "      ]\n"
			 "    }\n"))
		fail_msg("bad irqchip or report in:\n%s", got);
	free(got);
	assert_string_equal(results_check_status_name(RESULTS_CHECK_PASS),
			    "PASS");
	assert_string_equal(results_check_status_name(RESULTS_CHECK_FAIL),
			    "FAIL");
	assert_string_equal(results_check_status_name(RESULTS_CHECK_SKIP),
			    "SKIP");
	assert_string_equal(results_check_status_name(RESULTS_CHECK_XFAIL),
			    "XFAIL");
	assert_string_equal(results_check_status_name(RESULTS_CHECK_XPASS),
			    "XPASS");
}

static void test_tap_escaping(void **state)
{
	struct results_test t[2] = { hostile_test(RESULTS_SKIP),
				     hostile_test(RESULTS_FAIL) };
	struct results_run run = one_test_run(t);
	char *got;

	(void)state;
	run.count = 2;
	got = written(results_write_tap, &run);
	/* one line per test point: control characters become blanks */
	if (!strstr(got, "ok 1 - a\\#b # SKIP q\"b\\n t c  <&>'"
			 "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
			 "|  "
			 "|\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|"
			 "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|"
			 "\xef\xbf\xbd\xef\xbf\xbd\n"
			 "not ok 2 - a\\#b\n"))
		fail_msg("bad TAP lines in:\n%s", got);
	/* the YAML block quotes like JSON */
	if (!strstr(got, "  message: \"q\\\"b\\\\n\\nt\\tc\\u0001"))
		fail_msg("bad YAML message in:\n%s", got);
	free(got);
}

static void test_junit_escaping(void **state)
{
	struct results_test t[2] = { hostile_test(RESULTS_SKIP),
				     hostile_test(RESULTS_FAIL) };
	struct results_run run = one_test_run(t);
	const char *want_reason =
		"q&quot;b\\n&#10;t&#9;c&#xFFFD;\x7f&lt;&amp;&gt;&apos;"
		"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
		"|\xc2\x80&#xFFFD;"
		"|&#xFFFD;|&#xFFFD;&#xFFFD;|&#xFFFD;&#xFFFD;&#xFFFD;"
		"|&#xFFFD;&#xFFFD;";
	char *got, want[512];

	(void)state;
	run.count = 2;
	got = written(results_write_junit, &run);
	snprintf(want, sizeof(want), "<skipped message=\"%s\"/>", want_reason);
	if (!strstr(got, want))
		fail_msg("want %s in:\n%s", want, got);
	snprintf(want, sizeof(want), "<failure type=\"fail\" message=\"%s\">",
		 want_reason);
	if (!strstr(got, want))
		fail_msg("want %s in:\n%s", want, got);
	free(got);
}

static void test_write_error(void **state)
{
	FILE *full = fopen("/dev/full", "w");

	(void)state;
	assert_non_null(full);
	/* enough output that stdio must flush into the full device */
	assert_int_equal(results_write_json(full, &three_run), -EIO);
	clearerr(full);
	assert_int_equal(results_write_tap(full, &three_run), -EIO);
	clearerr(full);
	assert_int_equal(results_write_junit(full, &three_run), -EIO);
	fclose(full);
}

static void test_write_files(void **state)
{
	char dir[] = "/tmp/hvcheck-test-results.XXXXXX", path[64], err[256];
	const char *names[] = { "results.json", "results.tap", "results.xml" };
	int (*writers[])(FILE *, const struct results_run *) = {
		results_write_json, results_write_tap, results_write_junit
	};

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(results_write_files(dir, &three_run, err, sizeof(err)),
			 0);
	for (size_t i = 0; i < 3; i++) {
		char *want = written(writers[i], &three_run), *got = NULL;
		size_t size = 0;
		FILE *in;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		in = fopen(path, "r");
		assert_non_null(in);
		assert_true(getdelim(&got, &size, '\0', in) > 0);
		assert_string_equal(got, want);
		fclose(in);
		free(got);
		free(want);
		assert_int_equal(unlink(path), 0);
	}
	assert_int_equal(rmdir(dir), 0);

	/* the directory is gone now */
	assert_int_equal(results_write_files(dir, &three_run, err, sizeof(err)),
			 -ENOENT);
	snprintf(path, sizeof(path), "%s/results.json: No such file", dir);
	assert_memory_equal(err, path, strlen(path));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_error_status),
		cmocka_unit_test(test_not_run),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_no_tests),
		cmocka_unit_test(test_tap),
		cmocka_unit_test(test_junit),
		cmocka_unit_test(test_bed),
		cmocka_unit_test(test_json_escaping),
		cmocka_unit_test(test_json_irqchip_report),
		cmocka_unit_test(test_tap_escaping),
		cmocka_unit_test(test_junit_escaping),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_write_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
