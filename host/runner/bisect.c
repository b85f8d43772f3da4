// SPDX-License-Identifier: GPL-2.0-only
/* hvcheck bisect-run's verdicts: good, bad or skip, from runs and steps. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "array_size.h"
#include "hvcheck_abi.h"
#include "runner/bisect.h"

/* The longest part of a reason one deciding result or run gets. */
#define WHAT_MAX 256

/* How one deciding result counts. */
enum bisect_item {
	ITEM_PASS,
	ITEM_FAIL,
	ITEM_SKIP,
	ITEM_MISSING,
	ITEM_ERROR, /* an infrastructure error: the commit is not judged */
};

/* One run's deciding results, counted; the first of each kind named. */
struct tally {
	const struct bisect_rules *rules;
	unsigned int pass, bad, skip, known, error;
	char pass_what[WHAT_MAX];
	char error_what[WHAT_MAX];
	char bad_what[WHAT_MAX];
	char skip_what[WHAT_MAX];
	char known_what[WHAT_MAX]; /* not passing in the baseline either */
	char meta_why[WHAT_MAX];   /* how the baseline's metadata differ */
};

static const char *const test_status_word[] = {
	[RESULTS_PASS] = "PASS",       [RESULTS_FAIL] = "FAIL",
	[RESULTS_SKIP] = "SKIP",       [RESULTS_ERROR] = "ERROR",
	[RESULTS_NOT_RUN] = "NOT RUN",
};

static const char *const verdict_names[] = {
	[BISECT_GOOD] = "good",
	[BISECT_BAD] = "bad",
	[BISECT_SKIP] = "skip",
	[BISECT_ABORT] = "abort",
};

static const int exit_codes[] = {
	[BISECT_GOOD] = BISECT_EXIT_GOOD,
	[BISECT_BAD] = BISECT_EXIT_BAD,
	[BISECT_SKIP] = BISECT_EXIT_SKIP,
	[BISECT_ABORT] = BISECT_EXIT_ABORT,
};

const char *bisect_verdict_name(enum bisect_verdict verdict)
{
	return verdict_names[verdict];
}

int bisect_exit_code(enum bisect_verdict verdict)
{
	return exit_codes[verdict];
}

/* Appends to the text in buf[size], cut short when it is full. */
static void append_v(char *buf, size_t size, const char *fmt, va_list ap)
{
	size_t len = strlen(buf);

	if (len + 1 < size)
		vsnprintf(buf + len, size - len, fmt, ap);
}

void bisect_append(struct bisect_outcome *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	append_v(out->reason, sizeof(out->reason), fmt, ap);
	va_end(ap);
}

/* snprintf() for reasons, which are cut short rather than refused. */
static void say(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	buf[0] = '\0';
	va_start(ap, fmt);
	append_v(buf, size, fmt, ap);
	va_end(ap);
}

void bisect_set(struct bisect_outcome *out, enum bisect_verdict verdict,
		const char *fmt, ...)
{
	va_list ap;

	out->verdict = verdict;
	out->reason[0] = '\0';
	va_start(ap, fmt);
	append_v(out->reason, sizeof(out->reason), fmt, ap);
	va_end(ap);
}

int bisect_check_split(const char *arg, struct bisect_check_spec *spec)
{
	const char *colon = strchr(arg, ':');
	size_t len = colon ? (size_t)(colon - arg) : 0;

	*spec = (struct bisect_check_spec){ .test = "", .text = arg };
	if (colon && colon[1] != ' ' && !memchr(arg, ' ', len)) {
		spec->test = arg;
		spec->test_len = len;
		spec->text = colon + 1;
		if (!len)
			return -EINVAL;
	}
	return *spec->text ? 0 : -EINVAL;
}

/* @name is the test @want[0..len) or one of its runs, "NAME@MODE". */
static bool test_matches(const char *name, const char *want, size_t len)
{
	return !strncmp(name, want, len) && (!name[len] || name[len] == '@');
}

static bool same_text(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static const char *or_none(const char *text)
{
	return text ? text : "none";
}

static void note_meta(struct tally *t, const char *what, const char *here,
		      const char *there)
{
	if (!t->meta_why[0])
		say(t->meta_why, sizeof(t->meta_why),
		    "%s %s here, %s in the baseline", what, or_none(here),
		    or_none(there));
}

/*
 * Only host keys that change what the PMU tests see count: the kernel is
 * what a bisect changes, hvcheck's own commit may be what it bisects.  A
 * key only one side has is not a difference: an older kernel lacks newer
 * module parameters, an older results.json the host object.
 */
static void compare_run_meta(struct tally *t, const struct results_file *base,
			     const struct results_file *run)
{
	char what[WHAT_MAX];

	if (!same_text(run->arch, base->arch))
		note_meta(t, "arch", run->arch, base->arch);
	if (!same_text(run->target, base->target))
		note_meta(t, "target", run->target, base->target);
	for (size_t i = 0; i < run->host_count; i++) {
		const struct results_meta *m = &run->host[i];
		const char *there = results_host_value(base, m->key);

		if (!there || same_text(m->value, there) ||
		    !results_host_key_affects_pmu(m->key))
			continue;
		say(what, sizeof(what), "host %s", m->key);
		note_meta(t, what, m->value, there);
	}
}

static void compare_test_meta(struct tally *t,
			      const struct results_read_test *base,
			      const struct results_read_test *test)
{
	char what[WHAT_MAX];

	say(what, sizeof(what), "%s: vPMU", test->name);
	if (!same_text(test->vpmu, base->vpmu))
		note_meta(t, what, test->vpmu, base->vpmu);
	say(what, sizeof(what), "%s: irqchip", test->name);
	if (!same_text(test->irqchip, base->irqchip))
		note_meta(t, what, test->irqchip, base->irqchip);
}

/* The baseline's test of the name of @test, its metadata compared. */
static const struct results_read_test *
baseline_test(struct tally *t, const struct results_read_test *test)
{
	const struct results_read_test *base;

	if (!t->rules->baseline)
		return NULL;
	base = results_find_test(t->rules->baseline, test->name);
	if (base)
		compare_test_meta(t, base, test);
	return base;
}

static void name_first(char *buf, size_t size, const char *what)
{
	if (!buf[0])
		say(buf, size, "%s", what);
}

/*
 * Counts one deciding result, described by @what; @as_in_baseline: the
 * baseline has it with the same status, so it is no regression.
 */
static void count(struct tally *t, enum bisect_item item, bool as_in_baseline,
		  const char *what)
{
	bool bad = item == ITEM_FAIL ||
		   (item == ITEM_SKIP && t->rules->skip_is_bad) ||
		   (item == ITEM_MISSING && t->rules->missing_is_bad);

	if (item == ITEM_ERROR) {
		t->error++;
		name_first(t->error_what, sizeof(t->error_what), what);
	} else if (item != ITEM_PASS && as_in_baseline) {
		t->known++;
		name_first(t->known_what, sizeof(t->known_what), what);
	} else if (item == ITEM_PASS) {
		t->pass++;
		name_first(t->pass_what, sizeof(t->pass_what), what);
	} else if (bad) {
		t->bad++;
		name_first(t->bad_what, sizeof(t->bad_what), what);
	} else {
		t->skip++;
		name_first(t->skip_what, sizeof(t->skip_what), what);
	}
}

static void judge_test(struct tally *t, const struct results_read_test *test)
{
	const struct results_read_test *base = baseline_test(t, test);
	enum bisect_item item = test->status == RESULTS_PASS  ? ITEM_PASS :
				test->status == RESULTS_FAIL  ? ITEM_FAIL :
				test->status == RESULTS_ERROR ? ITEM_ERROR :
								ITEM_SKIP;
	char what[WHAT_MAX];

	say(what, sizeof(what), "%s: %s%s%s%s", test->name,
	    test_status_word[test->status], test->reason ? " (" : "",
	    test->reason ? test->reason : "", test->reason ? ")" : "");
	count(t, item, base && base->status == test->status, what);
}

static bool has_test(const struct results_file *f, const char *name)
{
	for (size_t i = 0; i < f->test_count; i++)
		if (test_matches(f->test[i].name, name, strlen(name)))
			return true;
	return false;
}

static void judge_named_test(struct tally *t, const struct results_file *run,
			     const char *name)
{
	const struct results_file *base = t->rules->baseline;
	char what[WHAT_MAX];

	if (has_test(run, name)) {
		for (size_t i = 0; i < run->test_count; i++)
			if (test_matches(run->test[i].name, name, strlen(name)))
				judge_test(t, &run->test[i]);
		return;
	}
	say(what, sizeof(what), "test %s: not in the results", name);
	count(t, ITEM_MISSING, base && !has_test(base, name), what);
}

static enum bisect_item check_item(enum results_check_status status)
{
	if (status == RESULTS_CHECK_FAIL || status == RESULTS_CHECK_XPASS)
		return ITEM_FAIL;
	return status == RESULTS_CHECK_SKIP ? ITEM_SKIP : ITEM_PASS;
}

/* Whether @base has the line @text with @status. */
static bool has_check(const struct results_read_test *base, const char *text,
		      enum results_check_status status)
{
	for (size_t i = 0; base && i < base->check_count; i++)
		if (base->check[i].status == status &&
		    !strcmp(base->check[i].text, text))
			return true;
	return false;
}

/* Counts the lines of @test that @spec names into @t (unless NULL). */
static unsigned int judge_lines(struct tally *t,
				const struct results_read_test *test,
				const struct bisect_check_spec *spec)
{
	const struct results_read_test *base = NULL;
	unsigned int found = 0;
	char what[WHAT_MAX];

	if (spec->test_len &&
	    !test_matches(test->name, spec->test, spec->test_len))
		return 0;
	for (size_t i = 0; i < test->check_count; i++) {
		const struct results_check *c = &test->check[i];

		if (strcmp(c->text, spec->text))
			continue;
		if (t && !found)
			base = baseline_test(t, test);
		found++;
		if (!t)
			continue;
		say(what, sizeof(what), "%s: %s: %s", test->name,
		    results_check_status_name(c->status), c->text);
		count(t, check_item(c->status),
		      has_check(base, c->text, c->status), what);
	}
	return found;
}

static unsigned int judge_all_lines(struct tally *t,
				    const struct results_file *f,
				    const struct bisect_check_spec *spec)
{
	unsigned int found = 0;

	for (size_t i = 0; i < f->test_count; i++)
		found += judge_lines(t, &f->test[i], spec);
	return found;
}

static void judge_check(struct tally *t, const struct results_file *run,
			const char *arg)
{
	const struct results_file *base = t->rules->baseline;
	struct bisect_check_spec spec;
	char what[WHAT_MAX];

	/* the command line refuses what does not split */
	if (bisect_check_split(arg, &spec))
		spec = (struct bisect_check_spec){ .test = "", .text = arg };
	if (judge_all_lines(t, run, &spec))
		return;
	say(what, sizeof(what), "check '%s': not in the results", arg);
	count(t, ITEM_MISSING, base && !judge_all_lines(NULL, base, &spec),
	      what);
}

static void add_more(struct bisect_outcome *out, unsigned int n)
{
	if (n > 1)
		bisect_append(out, "; and %u more", n - 1);
}

static void tally_verdict(const struct tally *t, struct bisect_outcome *out)
{
	if (t->meta_why[0]) {
		bisect_set(out, BISECT_SKIP, "not comparable: %s", t->meta_why);
		return;
	}
	/* the run did not test the commit, whatever --skip-is-bad says */
	if (t->error) {
		bisect_set(out, BISECT_SKIP, "infrastructure error: %s",
			   t->error_what);
		add_more(out, t->error);
		return;
	}
	if (t->bad) {
		bisect_set(out, BISECT_BAD, "%s", t->bad_what);
		add_more(out, t->bad);
	} else if (t->skip) {
		bisect_set(out, BISECT_SKIP, "%s", t->skip_what);
		add_more(out, t->skip);
	} else if (t->pass == 1) {
		bisect_set(out, BISECT_GOOD, "%s", t->pass_what);
	} else if (t->pass) {
		bisect_set(out, BISECT_GOOD, "all %u deciding results pass",
			   t->pass);
	} else if (t->known) {
		bisect_set(
			out, BISECT_SKIP,
			"nothing decides: no deciding result passes in the baseline either: %s",
			t->known_what);
		add_more(out, t->known);
		return;
	} else {
		bisect_set(out, BISECT_SKIP,
			   "nothing decides: no test in the results");
	}
	if (t->known)
		bisect_append(out, "; not counted, as in the baseline: %s%s",
			      t->known_what, t->known > 1 ? " and more" : "");
}

void bisect_judge_run(const struct bisect_rules *rules,
		      const struct results_file *results,
		      struct bisect_outcome *out)
{
	struct tally t = { .rules = rules };

	if (rules->baseline)
		compare_run_meta(&t, rules->baseline, results);
	if (!rules->test_count && !rules->check_count)
		for (size_t i = 0; i < results->test_count; i++)
			judge_test(&t, &results->test[i]);
	for (size_t i = 0; i < rules->test_count; i++)
		judge_named_test(&t, results, rules->tests[i]);
	for (size_t i = 0; i < rules->check_count; i++)
		judge_check(&t, results, rules->checks[i]);
	tally_verdict(&t, out);
}

/* Runs that can no longer agree: what each said. */
static void disagree(const struct bisect_outcome *run, size_t count,
		     struct bisect_outcome *out)
{
	bisect_set(out, BISECT_SKIP, "runs disagree:");
	for (size_t i = 0; i < count; i++)
		bisect_append(out, "%s run %zu %s: %.*s", i ? ";" : "", i + 1,
			      bisect_verdict_name(run[i].verdict), WHAT_MAX,
			      run[i].reason);
}

bool bisect_decide(const struct bisect_outcome *run, size_t count,
		   unsigned int runs, unsigned int retries,
		   struct bisect_outcome *out)
{
	/* good, bad and skip, the verdicts before BISECT_ABORT */
	unsigned int votes[BISECT_ABORT] = { 0 };
	size_t left = runs + retries - count;

	for (size_t i = 0; i < count; i++) {
		if (run[i].verdict == BISECT_ABORT) {
			*out = run[i];
			return true;
		}
		votes[run[i].verdict]++;
	}
	for (size_t v = 0; v < ARRAY_SIZE(votes); v++) {
		size_t first = 0;

		if (votes[v] < runs || 2 * votes[v] <= count)
			continue;
		while (run[first].verdict != v)
			first++;
		*out = run[first];
		if (count > 1)
			bisect_append(out, " (%u of %zu runs)", votes[v],
				      count);
		return true;
	}
	/* one more run is worth it while a verdict can still win */
	for (size_t v = 0; v < ARRAY_SIZE(votes); v++)
		if (votes[v] + left >= runs &&
		    2 * (votes[v] + left) > count + left)
			return false;
	disagree(run, count, out);
	return true;
}

void bisect_judge_exit(const char *step, int ret, int wstatus,
		       unsigned int timeout_s, bool any_status,
		       struct bisect_outcome *out)
{
	if (ret == -ETIMEDOUT)
		bisect_set(out, BISECT_SKIP,
			   "%s: timed out after %u s, its process group killed",
			   step, timeout_s);
	else if (ret < 0)
		bisect_set(out, BISECT_ABORT, "%s: cannot start: %s", step,
			   strerror(-ret));
	else if (WIFSIGNALED(wstatus))
		bisect_set(out, BISECT_SKIP, "%s: killed by signal %d (%s)",
			   step, WTERMSIG(wstatus),
			   strsignal(WTERMSIG(wstatus)));
	else if (WEXITSTATUS(wstatus) && !any_status)
		bisect_set(out, BISECT_SKIP, "%s: exit status %d", step,
			   WEXITSTATUS(wstatus));
	else
		bisect_set(out, BISECT_GOOD, "%s: exit status %d", step,
			   WEXITSTATUS(wstatus));
}

void bisect_judge_no_results(const char *step, int wstatus, bool own_suite,
			     const char *why, struct bisect_outcome *out)
{
	int status = WEXITSTATUS(wstatus);

	if (own_suite && status == HV_EXIT_USAGE)
		bisect_set(
			out, BISECT_ABORT,
			"%s: hvcheck suite refused its arguments (exit status %d), as it would at every commit",
			step, status);
	else
		bisect_set(out, BISECT_SKIP,
			   "%s: no results (suite exit status %d): %s", step,
			   status, why);
}
