/* SPDX-License-Identifier: GPL-2.0-only */
/* Two results.json compared: regressions, fixes, and what else changed. */
#ifndef RUNNER_COMPARE_H
#define RUNNER_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "runner/results_read.h"

/*
 * What became of a test, in the order the reports list them.  A test is
 * matched by its name (results_read_text() refuses a file with two tests
 * of one name); one in both whose status stayed the same and whose
 * checks did too is not reported.
 */
enum compare_test_change {
	/* pass -> fail, or a test failing in both with a check regressed */
	COMPARE_REGRESSION,
	COMPARE_FIX,		/* fail -> pass */
	COMPARE_APPEARED,	/* only in NEW */
	COMPARE_VANISHED,	/* only in BASE */
	COMPARE_BECAME_SKIP,	/* pass or fail -> skip */
	COMPARE_NO_LONGER_SKIP, /* skip -> pass or fail */
	/* any -> error (infrastructure, libvirt): never a regression */
	COMPARE_BECAME_ERROR,
	COMPARE_NO_LONGER_ERROR, /* error -> any other */
	COMPARE_CHECKS_CHANGED,	 /* the same status, its checks not */
	COMPARE_TEST_CHANGES,	 /* how many kinds there are */
};

/*
 * What became of a report line ("check") of a test in both files,
 * matched by its text: the k-th line of a text in BASE with the k-th in
 * NEW.  PASS and XFAIL are the good statuses, FAIL and XPASS the bad.
 */
enum compare_check_change {
	COMPARE_CHECK_REGRESSED, /* good -> bad */
	COMPARE_CHECK_FIXED,	 /* bad -> good */
	COMPARE_CHECK_APPEARED,
	COMPARE_CHECK_VANISHED,
	COMPARE_CHECK_BECAME_SKIP,
	COMPARE_CHECK_NO_LONGER_SKIP,
	/* PASS <-> XFAIL, FAIL <-> XPASS: no better, no worse */
	COMPARE_CHECK_STATUS_CHANGED,
	COMPARE_CHECK_CHANGES,
};

struct compare_check {
	enum compare_check_change change;
	const struct results_check *base; /* NULL: appeared */
	const struct results_check *new;  /* NULL: vanished */
	unsigned int occurrence; /* 1: the first line of its text in the test */
};

struct compare_test {
	enum compare_test_change change;
	const char *name;
	const struct results_read_test *base; /* NULL: appeared */
	const struct results_read_test *new;  /* NULL: vanished */
	struct compare_check *check;	      /* by change, then line order */
	size_t check_count;
};

/*
 * A warning: a difference that can change the verdicts by itself (another
 * CPU, KVM parameter, vPMU, hvcheck build) or report lines dropped, which
 * leave a test's checks compared in part; a note: one that is expected
 * while bisecting or tells nothing about the PMU (the kernel).
 */
enum compare_severity {
	COMPARE_WARNING,
	COMPARE_NOTE,
};

/* Where a metadata key is: the top level, "host" or one test. */
enum compare_meta_where {
	COMPARE_META_RUN,
	COMPARE_META_HOST,
	COMPARE_META_TEST,
};

struct compare_meta {
	enum compare_severity severity;
	enum compare_meta_where where;
	/* "arch", "kernel", "kvm.enable_pmu", "vpmu", "report_dropped"... */
	const char *key;
	const char *test; /* COMPARE_META_TEST: the test's name */
	const char *base; /* NULL: absent, or null */
	const char *new;
};

/* A count as text: "4294967295". */
#define COMPARE_COUNT_LEN 11

/*
 * A comparison; it points into the two results files, which must outlive
 * it.  Tests by change, then name; metadata by severity, where, key, test.
 */
struct compare_result {
	struct compare_test *test;
	size_t test_count;
	size_t count[COMPARE_TEST_CHANGES]; /* tests of each change */
	struct compare_meta *meta;
	size_t meta_count;
	size_t base_tests, new_tests;
	/* the "report_dropped" counts, BASE's then NEW's, metadata quote */
	char (*dropped)[COMPARE_COUNT_LEN];
	size_t dropped_count;
};

/* Compares @base with @new into @out: 0, or -ENOMEM (nothing to free). */
int compare_results(const struct results_file *base,
		    const struct results_file *new, struct compare_result *out);

void compare_result_free(struct compare_result *r);

/* How many metadata differences of @severity @r has. */
size_t compare_meta_count(const struct compare_result *r,
			  enum compare_severity severity);

/* "regression", "fix"...: the JSON names of the changes. */
const char *compare_test_change_name(enum compare_test_change change);
const char *compare_check_change_name(enum compare_check_change change);

/*
 * The report for people (a summary line, then one section a change) and
 * for tools (docs/bisect.md, "Reading `hvcheck compare`"); @base_name and
 * @new_name name the files.  0, or -EIO when @out reports an error.
 */
int compare_write_text(FILE *out, const struct compare_result *r,
		       const char *base_name, const char *new_name);
int compare_write_json(FILE *out, const struct compare_result *r,
		       const char *base_name, const char *new_name);

#endif /* RUNNER_COMPARE_H */
