/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading a results.json back: what `compare` and `bisect-run` judge. */
#ifndef RUNNER_RESULTS_READ_H
#define RUNNER_RESULTS_READ_H

#include <stdbool.h>
#include <stddef.h>

#include "runner/results.h"

/*
 * One entry of "tests".  Fields a file does not have (one written before
 * they were) are NULL or 0, as are those written as null.
 */
struct results_read_test {
	char *name;
	enum results_status status;
	char *reason;	   /* NULL on PASS */
	char *vpmu;	   /* the mode: "emulated", "kvm", "off"; NULL: none */
	char *vpmu_config; /* how it was configured; NULL: none */
	char *irqchip;	   /* arm64 on the VMM; NULL elsewhere */
	struct results_check *check; /* "report": the guest's report lines */
	size_t check_count;
	unsigned int check_dropped; /* "report_dropped": lines not kept */
};

/* One "key": "value" of the "host" object, both as strings. */
struct results_meta {
	char *key;
	char *value; /* numbers and booleans in their JSON spelling; null: NULL */
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
 * A results.json larger than this is refused, not read into memory (with
 * JSON_MAX_VALUES, it bounds what a hostile file costs).
 */
#define RESULTS_READ_MAX (64u << 20)

/*
 * Parses results.json text of @len bytes into @out.  Returns 0, or
 * -EINVAL with one line in @err (what is wrong and where) for text that
 * is not JSON or not a results file, or -ENOMEM.  On error @out holds
 * nothing to free.  A results file is an object with a "tests" array,
 * each test an object with a "name" (unique, not empty) and a "status";
 * every other field may be missing (an older file) or null.
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

/* The "host" value of @key, or NULL (absent, or null). */
const char *results_host_value(const struct results_file *f, const char *key);

/*
 * Whether "host" key @key names what changes what a PMU test sees: the
 * CPU ("machine", "cpu_vendor", "cpu_model"), "nmi_watchdog" (the host's
 * watchdog holds a counter) or a KVM module parameter ("kvm.*",
 * "kvm_amd.*", "kvm_intel.*").  Two runs that differ there are not
 * comparable; compare and bisect-run judge by this one list.
 */
bool results_host_key_affects_pmu(const char *key);

#endif
