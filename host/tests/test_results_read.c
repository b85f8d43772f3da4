// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of reading results.json back: new and old files, refusals. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "array_size.h"
#include "runner/results_read.h"

static int read_text(const char *text, struct results_file *f, char *err,
		     size_t err_size)
{
	return results_read_text(text, strlen(text), f, err, err_size);
}

static void read_ok(const char *text, struct results_file *f)
{
	char err[256];

	if (read_text(text, f, err, sizeof(err)))
		fail_msg("refused: %s", err);
}

/* As results_write_json() writes it, trimmed to two tests. */
static const char new_file[] =
	"{\n"
	"  \"arch\": \"arm64\",\n"
	"  \"target\": \"nested\",\n"
	"  \"requested_target\": \"vmm\",\n"
	"  \"bed\": \"linux-image-6.1.0-57-arm64 under qemu TCG\",\n"
	"  \"manifest\": \"arm64.cfg\",\n"
	"  \"started_at\": \"2026-11-21T17:00:00Z\",\n"
	"  \"duration_ms\": 812,\n"
	"  \"host\": {\n"
	"    \"kernel\": \"6.1.0-57-arm64\",\n"
	"    \"cpu_model\": null,\n"
	"    \"nmi_watchdog\": 0,\n"
	"    \"kvm.enable_pmu\": true,\n"
	"    \"kvm.ignore_msrs\": false,\n"
	"    \"hvcheck_commit\": \"6b939a4-dirty\"\n"
	"  },\n"
	"  \"tests\": [\n"
	"    {\n"
	"      \"name\": \"gic.sgi@kvm-gicv3\",\n"
	"      \"status\": \"fail\",\n"
	"      \"reason\": \"1 unexpected failure, first: FAIL: gic: sgi: b\",\n"
	"      \"duration_ms\": 42,\n"
	"      \"checks\": {\"pass\": 1, \"fail\": 1, \"skip\": 0, "
	"\"xfail\": 0, \"xpass\": 0},\n"
	"      \"log\": \"logs/gic.sgi@kvm-gicv3.log\",\n"
	"      \"vpmu\": null,\n"
	"      \"vpmu_config\": null,\n"
	"      \"irqchip\": \"kvm-gicv3\",\n"
	"      \"report_dropped\": 7,\n"
	"      \"report\": [\n"
	"        {\"status\": \"PASS\", \"check\": \"gic: sgi: a\"},\n"
	"        {\"status\": \"FAIL\", \"check\": \"gic: sgi: b \\\"q\\\" \\u00e9\"},\n"
	"        {\"status\": \"SKIP\", \"check\": \"\"},\n"
	"        {\"status\": \"XFAIL\", \"check\": \"x\"},\n"
	"        {\"status\": \"XPASS\", \"check\": \"y\"}\n"
	"      ]\n"
	"    },\n"
	"    {\n"
	"      \"name\": \"pmu.counters\",\n"
	"      \"status\": \"skip\",\n"
	"      \"reason\": \"no PMU\",\n"
	"      \"vpmu\": \"emulated\",\n"
	"      \"vpmu_config\": \"version 2\",\n"
	"      \"irqchip\": null,\n"
	"      \"report_dropped\": 0,\n"
	"      \"report\": []\n"
	"    }\n"
	"  ],\n"
	"  \"summary\": {\"total\": 2, \"pass\": 0, \"fail\": 1, \"skip\": 1}\n"
	"}\n";

static void test_new_file(void **state)
{
	const struct results_read_test *t;
	struct results_file f;

	(void)state;
	read_ok(new_file, &f);
	assert_string_equal(f.arch, "arm64");
	assert_string_equal(f.target, "nested");
	assert_string_equal(f.bed, "linux-image-6.1.0-57-arm64 under qemu TCG");
	assert_int_equal(f.host_count, 6);
	assert_string_equal(f.host[0].key, "kernel");
	assert_string_equal(results_host_value(&f, "kernel"), "6.1.0-57-arm64");
	assert_string_equal(f.host[1].key, "cpu_model");
	assert_null(f.host[1].value);
	assert_string_equal(results_host_value(&f, "nmi_watchdog"), "0");
	assert_string_equal(results_host_value(&f, "kvm.enable_pmu"), "true");
	assert_string_equal(results_host_value(&f, "kvm.ignore_msrs"), "false");
	assert_null(results_host_value(&f, "cpu_model"));
	assert_null(results_host_value(&f, "kvm"));
	assert_int_equal(f.test_count, 2);
	t = results_find_test(&f, "gic.sgi@kvm-gicv3");
	assert_ptr_equal(t, &f.test[0]);
	assert_int_equal(t->status, RESULTS_FAIL);
	assert_string_equal(t->reason,
			    "1 unexpected failure, first: FAIL: gic: sgi: b");
	assert_null(t->vpmu);
	assert_null(t->vpmu_config);
	assert_string_equal(t->irqchip, "kvm-gicv3");
	assert_int_equal(t->check_dropped, 7);
	assert_int_equal(t->check_count, 5);
	for (int s = RESULTS_CHECK_PASS; s <= RESULTS_CHECK_XPASS; s++)
		assert_int_equal(t->check[s].status, s);
	assert_string_equal(t->check[0].text, "gic: sgi: a");
	assert_string_equal(t->check[1].text, "gic: sgi: b \"q\" \xc3\xa9");
	assert_string_equal(t->check[2].text, "");
	t = results_find_test(&f, "pmu.counters");
	assert_ptr_equal(t, &f.test[1]);
	assert_int_equal(t->status, RESULTS_SKIP);
	assert_string_equal(t->vpmu, "emulated");
	assert_string_equal(t->vpmu_config, "version 2");
	assert_null(t->irqchip);
	assert_int_equal(t->check_count, 0);
	assert_null(results_find_test(&f, "pmu"));
	assert_null(results_find_test(&f, "gic.sgi"));
	results_file_free(&f);
	assert_null(f.test);
	assert_int_equal(f.test_count, 0);
}

/* A file written before "host", "irqchip" and "report" existed. */
static void test_old_file(void **state)
{
	const struct results_read_test *t;
	struct results_file f;

	(void)state;
	read_ok("{\n"
		"  \"arch\": \"x86_64\",\n"
		"  \"target\": \"vmm\",\n"
		"  \"manifest\": \"guest/tests/x86_64.cfg\",\n"
		"  \"started_at\": \"2026-11-21T17:00:00Z\",\n"
		"  \"duration_ms\": 812,\n"
		"  \"tests\": [\n"
		"    {\n"
		"      \"name\": \"selftest.report\",\n"
		"      \"status\": \"pass\",\n"
		"      \"reason\": null,\n"
		"      \"duration_ms\": 42,\n"
		"      \"checks\": {\"pass\": 10, \"fail\": 0, \"skip\": 0, "
		"\"xfail\": 1, \"xpass\": 0},\n"
		"      \"cmdline\": \"tests=selftest.report\",\n"
		"      \"smp\": 1,\n"
		"      \"mem_mib\": 64,\n"
		"      \"exit_status\": 0,\n"
		"      \"guest_status\": 0,\n"
		"      \"log\": \"logs/selftest.report.log\"\n"
		"    }\n"
		"  ],\n"
		"  \"summary\": {\"total\": 1, \"pass\": 1, \"fail\": 0, "
		"\"skip\": 0}\n"
		"}\n",
		&f);
	assert_string_equal(f.arch, "x86_64");
	assert_string_equal(f.target, "vmm");
	assert_null(f.bed);
	assert_null(f.host);
	assert_int_equal(f.host_count, 0);
	assert_null(results_host_value(&f, "kernel"));
	assert_int_equal(f.test_count, 1);
	t = results_find_test(&f, "selftest.report");
	assert_non_null(t);
	assert_int_equal(t->status, RESULTS_PASS);
	assert_null(t->reason);
	assert_null(t->vpmu);
	assert_null(t->vpmu_config);
	assert_null(t->irqchip);
	assert_null(t->check);
	assert_int_equal(t->check_count, 0);
	assert_int_equal(t->check_dropped, 0);
	results_file_free(&f);

	/* the least a results file is */
	read_ok("{\"tests\": []}", &f);
	assert_null(f.arch);
	assert_int_equal(f.test_count, 0);
	results_file_free(&f);
}

static const struct results_check round_checks[] = {
	{ RESULTS_CHECK_PASS, "pmu: counters: GP counter 0 counts branches" },
	{ RESULTS_CHECK_FAIL, "q\"b\\n\nt\tc\x01\x7f<&>'\xc2\x85" },
	{ RESULTS_CHECK_SKIP,
	  "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xef\xbf\xbe" },
	{ RESULTS_CHECK_XFAIL, "" },
	{ RESULTS_CHECK_XPASS, "x" },
};

static const struct results_host_item round_host[] = {
	{ "kernel", "6.1.0-57-amd64", false },
	{ "kernel_version", "#1 SMP PREEMPT_DYNAMIC \"x\"\t", false },
	{ "cpu_model", NULL, false },
	{ "nmi_watchdog", "0", true },
	{ "kvm.enable_pmu", "true", true },
	{ "kvm.ignore_msrs", "false", true },
	{ "kvm.force_emulation_prefix", "-1", true },
	{ "hvcheck_commit", "unknown", false },
};

static const struct results_test round_tests[] = {
	{
		.name = "pmu.counters",
		.status = RESULTS_FAIL,
		.reason = "1 unexpected failure, first: FAIL: q\"b",
		.duration_ms = 12,
		.cmdline = "tests=pmu.counters",
		.has_guest_status = true,
		.guest_status = 1,
		.log = "logs/pmu.counters.log",
		.vpmu = "emulated, version 2, 4 GP and 3 fixed counters",
		.report = round_checks,
		.report_count = 5,
		.report_dropped = 4294967295u,
	},
	{
		.name = "gic.sgi@user-gicv2",
		.status = RESULTS_PASS,
		.irqchip = "user-gicv2",
		.vpmu = "off",
	},
	{
		.name = "selftest.ipi",
		.status = RESULTS_SKIP,
		.reason = "not for TARGET=qemu",
	},
};

/* @got as results_write_json() was given @want. */
static void assert_same_test(const struct results_read_test *got,
			     const struct results_test *want)
{
	const char *comma = want->vpmu ? strstr(want->vpmu, ", ") : NULL;

	assert_string_equal(got->name, want->name);
	assert_int_equal(got->status, want->status);
	if (want->reason[0])
		assert_string_equal(got->reason, want->reason);
	else
		assert_null(got->reason);
	if (!want->vpmu)
		assert_null(got->vpmu);
	else if (comma)
		assert_true(strlen(got->vpmu) == (size_t)(comma - want->vpmu) &&
			    !strncmp(got->vpmu, want->vpmu, strlen(got->vpmu)));
	else
		assert_string_equal(got->vpmu, want->vpmu);
	if (comma)
		assert_string_equal(got->vpmu_config, comma + 2);
	else
		assert_null(got->vpmu_config);
	if (want->irqchip)
		assert_string_equal(got->irqchip, want->irqchip);
	else
		assert_null(got->irqchip);
	assert_int_equal(got->check_dropped, want->report_dropped);
	assert_int_equal(got->check_count, want->report_count);
	for (size_t i = 0; i < want->report_count; i++) {
		assert_int_equal(got->check[i].status, want->report[i].status);
		assert_string_equal(got->check[i].text, want->report[i].text);
	}
}

/* results_write_json() then results_read_text(): the same values. */
static void test_round_trip(void **state)
{
	const struct results_run run = {
		.arch = "x86_64",
		.target = "nested",
		.requested_target = "vmm",
		.bed = "a bed <&> \"q\"",
		.manifest = "x86_64.cfg",
		.timeout_scale = 2500, /* a newer field, read past */
		.host = round_host,
		.host_count = ARRAY_SIZE(round_host),
		.test = round_tests,
		.count = ARRAY_SIZE(round_tests),
	};
	struct results_file f;
	char *text = NULL, err[256];
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	(void)state;
	assert_non_null(out);
	assert_int_equal(results_write_json(out, &run), 0);
	assert_int_equal(fclose(out), 0);
	if (results_read_text(text, size, &f, err, sizeof(err)))
		fail_msg("%s in:\n%s", err, text);
	free(text);
	assert_string_equal(f.arch, run.arch);
	assert_string_equal(f.target, run.target);
	assert_string_equal(f.bed, run.bed);
	assert_int_equal(f.host_count, run.host_count);
	for (size_t i = 0; i < run.host_count; i++) {
		assert_string_equal(f.host[i].key, round_host[i].key);
		if (round_host[i].value)
			assert_string_equal(f.host[i].value,
					    round_host[i].value);
		else
			assert_null(f.host[i].value);
	}
	assert_int_equal(f.test_count, run.count);
	for (size_t i = 0; i < run.count; i++)
		assert_same_test(&f.test[i], &round_tests[i]);
	results_file_free(&f);
}

static const struct {
	const char *text;
	const char *err;
} refusals[] = {
	/* not JSON: the JSON reader's line */
	{ "{\"tests\": [}",
	  "line 1, column 12: unexpected '}', expected a value" },
	{ "", "line 1, column 1: unexpected end of input, expected a value" },
	/* JSON, not a results file */
	{ "[]",
	  "line 1, column 1: not a results file: an array, not an object" },
	{ "\"tests\"",
	  "line 1, column 1: not a results file: a string, not an object" },
	{ "{}", "line 1, column 1: not a results file: no \"tests\"" },
	{ "{\"test\": []}",
	  "line 1, column 1: not a results file: no \"tests\"" },
	{ "{\"tests\": {}}",
	  "line 1, column 11: tests: an object, not an array" },
	{ "{\"tests\": null}", "line 1, column 11: tests: null, not an array" },
	{ "{\"tests\": [1]}",
	  "line 1, column 12: tests[0]: a number, not an object" },
	/* a test's name and status */
	{ "{\"tests\": [{\"status\": \"pass\"}]}",
	  "line 1, column 12: tests[0]: no \"name\"" },
	{ "{\"tests\": [{\"name\": null, \"status\": \"pass\"}]}",
	  "line 1, column 12: tests[0]: no \"name\"" },
	{ "{\"tests\": [{\"name\": 7, \"status\": \"pass\"}]}",
	  "line 1, column 21: tests[0].name: a number, not a string" },
	{ "{\"tests\": [{\"name\": \"\", \"status\": \"pass\"}]}",
	  "line 1, column 21: tests[0].name: empty" },
	{ "{\"tests\": [{\"name\": \"a\\u0000b\", \"status\": \"pass\"}]}",
	  "line 1, column 21: tests[0].name: a NUL character (\\u0000)" },
	{ "{\"tests\": [{\"name\": \"a\", \"status\": \"pass\"},\n {\"name\": \"b\"}]}",
	  "line 2, column 2: tests[1]: no \"status\"" },
	{ "{\"tests\": [{\"name\": \"a\", \"status\": \"passed\"}]}",
	  "line 1, column 36: tests[0].status: \"passed\" is not pass, fail, skip, error or not_run" },
	{ "{\"tests\": [{\"name\": \"a\", \"status\": \"PASS\"}]}",
	  "line 1, column 36: tests[0].status: \"PASS\" is not pass, fail, skip, error or not_run" },
	{ "{\"tests\": [{\"name\": \"a\", \"status\": true}]}",
	  "line 1, column 36: tests[0].status: a boolean, not a string" },
	{ "{\"tests\": [{\"name\": \"a\", \"status\": \"pass\"},\n"
	  "  {\"name\": \"b\", \"status\": \"pass\"},\n"
	  "  {\"name\": \"a\", \"status\": \"fail\"}]}",
	  "line 3, column 12: tests[2].name: \"a\" names an earlier test too" },
	/* other fields of a test */
	{ "{\"tests\": [{\"name\": \"a\", \"status\": \"fail\", \"reason\": 1}]}",
	  "line 1, column 54: tests[0].reason: a number, not a string" },
	{ "{\"tests\": [{\"name\": \"a\", \"status\": \"pass\", \"vpmu\": []}]}",
	  "line 1, column 52: tests[0].vpmu: an array, not a string" },
	{ "{\"tests\": [{\"name\": \"a\", \"status\": \"pass\", \"irqchip\": {}}]}",
	  "line 1, column 55: tests[0].irqchip: an object, not a string" },
	{ "{\"tests\": [{\"name\": \"a\", \"status\": \"pass\", \"report_dropped\": -1}]}",
	  "line 1, column 62: tests[0].report_dropped: not a count" },
	{ "{\"tests\": [{\"name\": \"a\", \"status\": \"pass\", \"report_dropped\": 1.0}]}",
	  "line 1, column 62: tests[0].report_dropped: not a count" },
	{ "{\"tests\": [{\"name\": \"a\", \"status\": \"pass\", \"report_dropped\": \"1\"}]}",
	  "line 1, column 62: tests[0].report_dropped: not a count" },
	{ "{\"tests\": [{\"name\": \"a\", \"status\": \"pass\", \"report_dropped\": 4294967296}]}",
	  "line 1, column 62: tests[0].report_dropped: 4294967296 is too large" },
	/* its report */
	{ "{\"tests\": [{\"name\": \"a\", \"status\": \"pass\", \"report\": {}}]}",
	  "line 1, column 54: tests[0].report: an object, not an array" },
	{ "{\"tests\": [{\"name\": \"a\", \"status\": \"pass\", \"report\": [\"PASS: x\"]}]}",
	  "line 1, column 55: tests[0].report[0]: a string, not an object" },
	{ "{\"tests\": [{\"name\": \"a\", \"status\": \"pass\", \"report\": [{\"check\": \"x\"}]}]}",
	  "line 1, column 55: tests[0].report[0]: no \"status\"" },
	{ "{\"tests\": [{\"name\": \"a\", \"status\": \"pass\", \"report\": [{\"status\": \"PASS\"}]}]}",
	  "line 1, column 55: tests[0].report[0]: no \"check\"" },
	{ "{\"tests\": [{\"name\": \"a\", \"status\": \"pass\", \"report\": [\n"
	  "  {\"status\": \"PASS\", \"check\": \"x\"},\n"
	  "  {\"status\": \"pass\", \"check\": \"y\"}]}]}",
	  "line 3, column 14: tests[0].report[1].status: \"pass\" is not PASS, FAIL, SKIP, XFAIL or XPASS" },
	{ "{\"tests\": [{\"name\": \"a\", \"status\": \"pass\", \"report\": [{\"status\": \"PASS\", \"check\": null}]}]}",
	  "line 1, column 55: tests[0].report[0]: no \"check\"" },
	{ "{\"tests\": [{\"name\": \"a\", \"status\": \"pass\", \"report\": [{\"status\": \"PASS\", \"check\": 1}]}]}",
	  "line 1, column 83: tests[0].report[0].check: a number, not a string" },
	/* the top level's other fields */
	{ "{\"arch\": 64, \"tests\": []}",
	  "line 1, column 10: arch: a number, not a string" },
	{ "{\"bed\": true, \"tests\": []}",
	  "line 1, column 9: bed: a boolean, not a string" },
	{ "{\"host\": [], \"tests\": []}",
	  "line 1, column 10: host: an array, not an object" },
	{ "{\"host\": {\"kvm\": {\"pmu\": 1}}, \"tests\": []}",
	  "line 1, column 18: host.kvm: an object, not a string, number, boolean or null" },
	{ "{\"host\": {\"a\": \"x\\u0000y\"}, \"tests\": []}",
	  "line 1, column 16: host.a: a NUL character (\\u0000)" },
	{ "{\"host\": {\"a\\u0000\": 1}, \"tests\": []}",
	  "line 1, column 11: host.a?: a NUL character (\\u0000)" },
};

static void test_refusals(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(refusals); i++) {
		struct results_file f = { .test_count = 99 };
		char err[256];
		int ret = read_text(refusals[i].text, &f, err, sizeof(err));

		if (ret != -EINVAL)
			fail_msg("'%s': %d", refusals[i].text, ret);
		if (strcmp(err, refusals[i].err))
			fail_msg("'%s': got '%s', want '%s'", refusals[i].text,
				 err, refusals[i].err);
		assert_null(f.test);
		assert_int_equal(f.test_count, 0);
		assert_null(f.host);
	}
}

/* Every cut of a results file is refused, not read as a shorter one. */
static void test_truncated(void **state)
{
	(void)state;
	for (size_t len = 0; len < sizeof(new_file) - 2; len++) {
		/* exact length: a read past the cut is an ASan error */
		char *cut = malloc(len ? len : 1), err[256];
		struct results_file f;

		assert_non_null(cut);
		memcpy(cut, new_file, len);
		if (results_read_text(cut, len, &f, err, sizeof(err)) !=
		    -EINVAL)
			fail_msg("%zu bytes read", len);
		free(cut);
	}
}

static void test_read_file(void **state)
{
	char dir[] = "/tmp/hvcheck-test-results-read.XXXXXX";
	char path[64], want[128], err[256];
	struct results_file f;
	FILE *out;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/results.json", dir);
	out = fopen(path, "w");
	assert_non_null(out);
	fputs(new_file, out);
	fclose(out);
	assert_int_equal(results_read_file(path, &f, err, sizeof(err)), 0);
	assert_int_equal(f.test_count, 2);
	results_file_free(&f);

	out = fopen(path, "w");
	assert_non_null(out);
	fputs("{\"tests\": [7]}", out);
	fclose(out);
	assert_int_equal(results_read_file(path, &f, err, sizeof(err)),
			 -EINVAL);
	snprintf(want, sizeof(want),
		 "%s: line 1, column 12: tests[0]: a number, not an object",
		 path);
	assert_string_equal(err, want);

	assert_int_equal(results_read_file(dir, &f, err, sizeof(err)), -EISDIR);
	snprintf(want, sizeof(want), "%s: Is a directory", dir);
	assert_string_equal(err, want);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(results_read_file(path, &f, err, sizeof(err)),
			 -ENOENT);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	assert_string_equal(err, want);
	assert_int_equal(rmdir(dir), 0);
}

/*
 * A file of exactly RESULTS_READ_MAX bytes is read (and refused as JSON:
 * it is blanks and a 0); one byte more is refused by its size, unread.
 */
static void test_size_limit(void **state)
{
	char dir[] = "/tmp/hvcheck-test-results-size.XXXXXX";
	char path[64], want[128], err[256];
	struct results_file f;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/results.json", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	/* blanks, then the one value the whole text holds */
	for (size_t done = 0; done < RESULTS_READ_MAX - 1;) {
		static char blanks[65536];
		size_t n = RESULTS_READ_MAX - 1 - done;

		memset(blanks, ' ', sizeof(blanks));
		if (n > sizeof(blanks))
			n = sizeof(blanks);
		assert_int_equal(write(fd, blanks, n), (ssize_t)n);
		done += n;
	}
	assert_int_equal(write(fd, "0", 1), 1);
	assert_int_equal(results_read_file(path, &f, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "not an object"));
	assert_int_equal(write(fd, " ", 1), 1);
	assert_int_equal(results_read_file(path, &f, err, sizeof(err)), -EFBIG);
	snprintf(want, sizeof(want), "%s: larger than 64 MiB", path);
	assert_string_equal(err, want);
	assert_int_equal(close(fd), 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* The host keys compare warns about and bisect-run refuses to mix. */
static void test_pmu_keys(void **state)
{
	static const char *const yes[] = {
		"machine",	 "cpu_vendor",	   "cpu_model",
		"nmi_watchdog",	 "kvm.enable_pmu", "kvm.ignore_msrs",
		"kvm_amd.pmu",	 "kvm_amd.nested", "kvm_intel.pmu",
		"kvm_intel.ept",
	};
	static const char *const no[] = {
		"kernel",	  "kernel_version", "hvcheck_version",
		"hvcheck_commit", "bogomips",	    "kvm",
		"kvm_amd",	  "kvmx.pmu",	    "machine.x",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++)
		if (!results_host_key_affects_pmu(yes[i]))
			fail_msg("%s: not a PMU key", yes[i]);
	for (size_t i = 0; i < ARRAY_SIZE(no); i++)
		if (results_host_key_affects_pmu(no[i]))
			fail_msg("%s: a PMU key", no[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_file),
		cmocka_unit_test(test_old_file),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_pmu_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
