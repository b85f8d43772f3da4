/* SPDX-License-Identifier: GPL-2.0-only */
/* Suite results: the JSON, TAP 13 and JUnit XML writers. */
#ifndef RUNNER_RESULTS_H
#define RUNNER_RESULTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

enum results_status {
	RESULTS_PASS,
	RESULTS_FAIL,
	RESULTS_SKIP,
	/*
	 * The test could not be run to a verdict for a reason outside the
	 * guest and the hypervisor under test: libvirtd unreachable, the
	 * domain refused, the connection lost (--target libvirt).
	 */
	RESULTS_ERROR,
	/*
	 * The suite was stopped (a signal) before this test ended, or
	 * before it began: no verdict, and its log is as far as it went.
	 */
	RESULTS_NOT_RUN,
};

/* Report lines of one guest run, by kind. */
struct results_checks {
	unsigned int pass;
	unsigned int fail;
	unsigned int skip;
	unsigned int xfail;
	unsigned int xpass;
};

/* The status word of one report line: "PASS: ..." is RESULTS_CHECK_PASS. */
enum results_check_status {
	RESULTS_CHECK_PASS,
	RESULTS_CHECK_FAIL,
	RESULTS_CHECK_SKIP,
	RESULTS_CHECK_XFAIL,
	RESULTS_CHECK_XPASS,
};

/* One report line: its status and the text after "STATUS: ". */
struct results_check {
	enum results_check_status status;
	char *text; /* e.g. "pmu: counters: GP counter 0 counts branches" */
};

#define RESULTS_REASON_MAX 256

struct results_test {
	const char *name;
	enum results_status status;
	char reason[RESULTS_REASON_MAX]; /* empty on PASS */
	uint64_t duration_ms;
	struct results_checks checks;
	const char *cmdline; /* the guest command line */
	unsigned int smp;
	unsigned int mem_mib;
	unsigned int timeout_s; /* the test's, --timeout-scale applied */
	bool has_exit_status;
	int exit_status; /* of the child process (hvcheck run or QEMU) */
	bool has_guest_status;
	int guest_status; /* what the guest wrote to the exit port */
	const char *log;  /* relative to the results dir; NULL: did not boot */
	/*
	 * The vPMU hvcheck run reported: its mode, then ", " and how it
	 * was configured ("emulated, version 2, ..."); NULL under QEMU.
	 */
	const char *vpmu;
	const char *irqchip; /* arm64 on the VMM: its vGIC mode; NULL elsewhere */
	/*
	 * --target libvirt: where and how the domain ran (uri, hostname,
	 * domain, type, cpu, pmu, gic), written as the test's "libvirt"
	 * object; none elsewhere.
	 */
	const struct results_host_item *libvirt;
	size_t libvirt_count;
	const struct results_check *report; /* the report lines, in order */
	size_t report_count;
	unsigned int report_dropped; /* report lines not kept (too many) */
};

/* One "key": value of the run's "host" object. */
struct results_host_item {
	char *key;
	char *value;  /* NULL: null */
	bool literal; /* @value is a JSON number or boolean, written bare */
};

struct results_run {
	const char *arch;
	const char *target;	      /* "vmm", "qemu" or "nested" */
	const char *requested_target; /* differs after a caller's fallback */
	const char *bed; /* the nested test bed, in one line; NULL: none */
	const char *manifest;
	/* --timeout-scale, in thousandths (MANIFEST_SCALE_ONE: none) */
	unsigned int timeout_scale;
	time_t started_at;
	uint64_t duration_ms;
	const struct results_host_item *host; /* host_info.h */
	size_t host_count;
	const struct results_test *test;
	size_t count;
	/* the signal that stopped the suite (RESULTS_NOT_RUN tests), 0: none */
	int stop_signal;
};

struct results_summary {
	unsigned int pass;
	unsigned int fail;
	unsigned int skip;
	unsigned int error;
	unsigned int not_run;
};

/* "pass", "fail", "skip", "error", "not_run" */
const char *results_status_name(enum results_status status);

/* "PASS"... for a check status. */
const char *results_check_status_name(enum results_check_status status);

#define RESULTS_SIGNAL_NAME_MAX 32

/* "SIGINT" for SIGINT, "signal N" for one without a name, in @buf. */
const char *results_signal_name(int sig, char *buf, size_t size);

unsigned int results_checks_total(const struct results_checks *c);

struct results_summary results_summarize(const struct results_run *run);

/*
 * Writes @s as a JSON string, escaped as in results.json (null for NULL),
 * for every JSON writer of the runner.
 */
void json_string(FILE *out, const char *s);

/*
 * Writes @s as XML text or attribute value: the five specials as
 * entities, line ends as references, other controls as U+FFFD.
 */
void xml_text(FILE *out, const char *s);

/* Flushes @out: 0, or -EIO when it reported an error (a writer's end). */
int results_flush(FILE *out);

/* Writers return 0, or -EIO when @out reports an error. */
int results_write_json(FILE *out, const struct results_run *run);
int results_write_tap(FILE *out, const struct results_run *run);
int results_write_junit(FILE *out, const struct results_run *run);

/*
 * Writes results.json, results.tap and results.xml into @dir; on failure
 * returns -errno and names the file in @err.
 */
int results_write_files(const char *dir, const struct results_run *run,
			char *err, size_t err_size);

#endif
