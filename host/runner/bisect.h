/* SPDX-License-Identifier: GPL-2.0-only */
/* hvcheck bisect-run's verdicts: good, bad or skip, from runs and steps. */
#ifndef RUNNER_BISECT_H
#define RUNNER_BISECT_H

#include <stdbool.h>
#include <stddef.h>

#include "runner/results_read.h"

/*
 * `git bisect run` reads 0 as good, 1..127 but 125 as bad, 125 as skip,
 * anything else as a reason to abort the bisect (git-bisect(1)).
 */
#define BISECT_EXIT_GOOD  0
#define BISECT_EXIT_BAD	  1
#define BISECT_EXIT_SKIP  125
#define BISECT_EXIT_ABORT 128

/* Why a verdict was given, in one line. */
#define BISECT_REASON_MAX 1024

enum bisect_verdict {
	BISECT_GOOD, /* a step: it succeeded */
	BISECT_BAD,
	BISECT_SKIP,
	BISECT_ABORT, /* bisect-run's own failure: the bisect must stop */
};

struct bisect_outcome {
	enum bisect_verdict verdict;
	char reason[BISECT_REASON_MAX];
};

/* What decides a run, from the command line. */
struct bisect_rules {
	const char *const *tests; /* --test NAME: NAME and its runs NAME@... */
	size_t test_count;
	const char *const *checks; /* --check TEXT or TEST:TEXT */
	size_t check_count;
	bool skip_is_bad;    /* a deciding SKIP is bad, not skip */
	bool missing_is_bad; /* a named test or check absent is bad */
	/* a known-good run, or NULL */
	const struct results_file *baseline;
};

/* A --check split: test[0..test_len) ("" for any test) and the text. */
struct bisect_check_spec {
	const char *test;
	size_t test_len;
	const char *text;
};

/* Sets @out: @verdict, and the reason, cut short when it is too long. */
void bisect_set(struct bisect_outcome *out, enum bisect_verdict verdict,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Appends to @out's reason, cut short when it is full. */
void bisect_append(struct bisect_outcome *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "good", "bad", "skip", "abort". */
const char *bisect_verdict_name(enum bisect_verdict verdict);

/* The exit status for `git bisect run`. */
int bisect_exit_code(enum bisect_verdict verdict);

/*
 * Splits a --check argument: TEST:TEXT when the part before the first
 * ':' has no blank and the ':' is not followed by one, else all of it is
 * the TEXT (report lines read "pmu: overflow: ..." ).  0, or -EINVAL for
 * an empty TEST or TEXT.
 */
int bisect_check_split(const char *arg, struct bisect_check_spec *spec);

/*
 * The verdict of one suite run's @results under @rules: bad when a
 * deciding test FAILs or a deciding check FAILs or XPASSes, skip for a
 * deciding SKIP or a named test or check absent (unless the rules make
 * them bad), for nothing that decides, or for a baseline whose metadata
 * differ; else good.  A deciding result the baseline has with the same
 * status (FAIL in both) is not counted.
 */
void bisect_judge_run(const struct bisect_rules *rules,
		      const struct results_file *results,
		      struct bisect_outcome *out);

/*
 * The verdict of the @count runs so far of @runs wanted, @retries more
 * allowed when they disagree: the verdict at least @runs of them gave,
 * and more than half of them.  true with @out set once decided (runs that
 * can no longer agree: skip, with what each said); false when one more
 * run is needed.
 */
bool bisect_decide(const struct bisect_outcome *run, size_t count,
		   unsigned int runs, unsigned int retries,
		   struct bisect_outcome *out);

/*
 * How @step's process ended: @ret from child_run() (-ETIMEDOUT past
 * @timeout_s, another -errno when it could not start: abort) and
 * @wstatus.  A signal or a timeout is skip; a non-zero exit status is
 * skip too unless @any_status (the suite, whose verdict is in its
 * results); else good.
 */
void bisect_judge_exit(const char *step, int ret, int wstatus,
		       unsigned int timeout_s, bool any_status,
		       struct bisect_outcome *out);

/*
 * A suite run that exited with @wstatus and left no readable results
 * (@why): skip, as infrastructure; abort when @own_suite (this binary's
 * `hvcheck suite`) refused its command line, which every commit would.
 */
void bisect_judge_no_results(const char *step, int wstatus, bool own_suite,
			     const char *why, struct bisect_outcome *out);

#endif
