/* SPDX-License-Identifier: GPL-2.0-only */
/* The guest's serial report: counting its lines and judging a run. */
#ifndef RUNNER_GUEST_LOG_H
#define RUNNER_GUEST_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "runner/manifest.h"
#include "runner/results.h"

/* What the guest claimed on its SUMMARY line. */
struct guest_log_summary {
	unsigned int tests;
	unsigned int unexpected_failures; /* FAIL + XPASS */
	unsigned int expected_failures;	  /* XFAIL */
	unsigned int skipped;
};

/*
 * How much of the report a log keeps, so that hostile guest output cannot
 * make the runner hold much: lines beyond the first GUEST_LOG_REPORT_MAX
 * are only counted, a text longer than GUEST_LOG_CHECK_MAX bytes is cut
 * and ends in GUEST_LOG_CUT.
 */
#define GUEST_LOG_REPORT_MAX 4096
#define GUEST_LOG_CHECK_MAX  512
#define GUEST_LOG_CUT	     "..."

struct guest_log {
	struct results_checks checks; /* report lines counted */
	struct results_check *report; /* the report lines kept, in order */
	size_t report_count;
	size_t report_cap;	     /* allocated */
	unsigned int report_dropped; /* counted but not kept */
	unsigned int summary_lines;
	bool summary_valid; /* the last SUMMARY line parsed */
	struct guest_log_summary summary;
	unsigned int exit_lines;
	bool exit_valid; /* the last EXIT line parsed */
	int exit_status;
	char *first_failure; /* the first FAIL or XPASS line */
	char *first_skip;    /* the first SKIP line, without "SKIP: " */
	char *loader_error;  /* what follows "hvcheck-grub: " (ci/grub.cfg) */
	char *vpmu;	     /* what follows "hvcheck: vpmu: " (hvcheck run) */
	char *libvirt;	     /* what follows GUEST_LOG_LIBVIRT_PREFIX */
	unsigned long lines; /* every line, report or not */
	bool capped; /* the last line is hvcheck run's HV_SERIAL_CAPPED_MARKER */
};

/* Line ci/grub.cfg prints on the serial port when it cannot boot. */
#define GUEST_LOG_GRUB_PREFIX "hvcheck-grub: "

/*
 * Line hvcheck run prints on stderr, which the suite appends to the log:
 * the vPMU mode that ran ("emulated, version 2, ...", "kvm, ...", "off").
 */
#define GUEST_LOG_VPMU_PREFIX	 "hvcheck: vpmu: "
/*
 * Line hvcheck libvirt boot prints on stdout: "uri=URI hostname=H
 * domain=NAME type=T cpu=C pmu=on|off [gic=N]", where the domain ran.
 */
#define GUEST_LOG_LIBVIRT_PREFIX "hvcheck: libvirt: "

/* Counts the report lines in @in.  0, or -errno when reading failed. */
int guest_log_parse(FILE *in, struct guest_log *log);

/* guest_log_parse() on a file; a missing file is an empty log. */
int guest_log_parse_file(const char *path, struct guest_log *log);

void guest_log_free(struct guest_log *log);

/*
 * Judges one run from its log and from how it ended.  @run_error is the
 * runner's or the VMM's verdict (timeout, triple fault, ...) or NULL when
 * the guest exited by itself; @guest_status is then what it wrote to the
 * exit port (valid when @has_guest_status).  Writes the reason for FAIL
 * and SKIP into @reason (empty on PASS).
 */
enum results_status guest_log_verdict(const struct guest_log *log,
				      const char *run_error,
				      bool has_guest_status, int guest_status,
				      char *reason, size_t reason_size);

/*
 * Judges a run whose manifest entry expects it to end in a stated way
 * (@expect, not MANIFEST_EXPECT_REPORT; @expect_status for exit:N):
 * PASS when @vmm_status, hvcheck run's exit status (-1 when it did not
 * exit by itself: killed, or given up on by the watchdog), is that
 * ending, the log shows it (a log kept on a timeout, the cap marker as
 * the last line of a capped one, the EXIT line of exit:N) and, except
 * for exit:N, the guest reported no FAIL or XPASS.  @run_error is
 * suite_decode_end()'s reason, or NULL when the guest exited itself.
 */
enum results_status guest_log_expected(const struct guest_log *log,
				       enum manifest_expect expect,
				       int expect_status, int vmm_status,
				       const char *run_error, char *reason,
				       size_t reason_size);

#endif
