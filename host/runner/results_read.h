/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading a results.json back: what `compare` and `bisect-run` judge. */
#ifndef RUNNER_RESULTS_READ_H
#define RUNNER_RESULTS_READ_H

#include <stddef.h>

#include "runner/results.h"

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

/* One entry of "tests". */
struct results_read_test {
	char *name;
	enum results_status status;
	char *reason;  /* NULL on PASS */
	char *vpmu;    /* NULL when not recorded */
	char *irqchip; /* arm64 on the VMM; NULL elsewhere */
	struct results_check *check;
	size_t check_count;
};

/* One "key": "value" of the "host" object, both as strings. */
struct results_meta {
	char *key;
	char *value; /* numbers and booleans in their JSON spelling */
};

/* A whole results.json. */
struct results_file {
	char *arch;
	char *target;
	char *bed;		   /* NULL: not nested */
	struct results_meta *host; /* the "host" object, flattened */
	size_t host_count;
	struct results_read_test *test;
	size_t test_count;
};

/*
 * Parses results.json text of @len bytes into @out.  Returns 0, or
 * -EINVAL with one line in @err (what is wrong and where) for text that
 * is not JSON or not a results file, or -ENOMEM.  On error @out holds
 * nothing to free.
 */
int results_read_text(const char *text, size_t len, struct results_file *out,
		      char *err, size_t err_size);

/* results_read_text() on a file; -errno naming the file in @err. */
int results_read_file(const char *path, struct results_file *out, char *err,
		      size_t err_size);

void results_file_free(struct results_file *f);

/* The test named @name, or NULL. */
const struct results_read_test *results_find_test(const struct results_file *f,
						  const char *name);

/* The "host" value of @key, or NULL. */
const char *results_host_value(const struct results_file *f, const char *key);

/* "PASS"... for a check status. */
const char *results_check_status_name(enum results_check_status status);

#endif
