// SPDX-License-Identifier: GPL-2.0-only
/* Two results.json compared: what changed, as text or as JSON. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "array_size.h"
#include "runner/compare.h"
#include "runner/results.h"

/* No partner: the item is in one file only. */
#define UNPAIRED SIZE_MAX

/*
 * The items of an array named by a char * member: a file's tests by
 * name, a test's checks by text; one matcher pairs both.
 */
struct named {
	const void *item;
	size_t count;
	size_t size;   /* of one item */
	size_t offset; /* of its name */
};

#define NAMED(array, nr, member)                   \
	((struct named){ .item = (array),          \
			 .count = (nr),            \
			 .size = sizeof(*(array)), \
			 .offset = offsetof(__typeof__(*(array)), member) })

static const char *named_at(const struct named *l, size_t i)
{
	const char *item = (const char *)l->item + i * l->size;

	return *(char *const *)(item + l->offset);
}

/* An item of a list and its name, for sorting. */
struct key {
	const char *text;
	size_t index;
};

/*
 * How the items of two lists A and B pair: pair[i] is a[i]'s partner in
 * B or UNPAIRED, paired[j] whether b[j] has one.  For checks, a_nth[i]
 * and b_nth[j] are 1 + how many items before them in their list have
 * the same text: the second "PASS: counter 1 counts" of a test is #2.
 * a_key and b_key are the lists sorted, what pairing works on.
 */
struct pairing {
	struct key *a_key, *b_key;
	size_t *pair;
	bool *paired;
	unsigned int *a_nth, *b_nth; /* NULL for tests */
};

static void pairing_free(struct pairing *p)
{
	free(p->a_key);
	free(p->b_key);
	free(p->pair);
	free(p->paired);
	free(p->a_nth);
	free(p->b_nth);
}

/* @p for lists of @na and @nb items; @nth: with occurrences. */
static int pairing_alloc(struct pairing *p, size_t na, size_t nb, bool nth)
{
	*p = (struct pairing){
		.a_key = calloc(na + 1, sizeof(*p->a_key)),
		.b_key = calloc(nb + 1, sizeof(*p->b_key)),
		.pair = calloc(na + 1, sizeof(*p->pair)),
		.paired = calloc(nb + 1, sizeof(*p->paired)),
		.a_nth = nth ? calloc(na + 1, sizeof(*p->a_nth)) : NULL,
		.b_nth = nth ? calloc(nb + 1, sizeof(*p->b_nth)) : NULL,
	};
	if (p->a_key && p->b_key && p->pair && p->paired &&
	    (!nth || (p->a_nth && p->b_nth)))
		return 0;
	pairing_free(p);
	return -ENOMEM;
}

/* The end of a number at @s, a digit: decimal, hexadecimal or 0x. */
static const char *number_end(const char *s)
{
	while (isxdigit((unsigned char)*s) || *s == 'x')
		s++;
	return s;
}

/*
 * The next part of a text at *@s, which it moves past: -1 at the end, a
 * number as UCHAR_MAX + 1 (all numbers are alike, after every byte), else
 * the byte.
 */
static int shape_part(const char **s)
{
	unsigned char c = (unsigned char)**s;

	if (!c)
		return -1;
	if (isdigit(c)) {
		*s = number_end(*s);
		return UCHAR_MAX + 1;
	}
	(*s)++;
	return c;
}

/*
 * strcmp() of texts with each number as one and the same part: 0 for
 * the same text but for its numbers, as a check that prints what it
 * measured ("TVAL counts down (61741749 ticks)") in both runs.
 */
static int shape_cmp(const char *a, const char *b)
{
	int pa, pb;

	do {
		pa = shape_part(&a);
		pb = shape_part(&b);
	} while (pa == pb && pa >= 0);
	return pa - pb;
}

/* Equal texts keep their list order, so the k-th meets the k-th. */
static int by_index(const struct key *a, const struct key *b)
{
	return (a->index > b->index) - (a->index < b->index);
}

static int by_text(const void *pa, const void *pb)
{
	int diff = strcmp(((const struct key *)pa)->text,
			  ((const struct key *)pb)->text);

	return diff ? diff : by_index(pa, pb);
}

static int by_shape(const void *pa, const void *pb)
{
	int diff = shape_cmp(((const struct key *)pa)->text,
			     ((const struct key *)pb)->text);

	return diff ? diff : by_index(pa, pb);
}

/*
 * The end of the run of sorted keys from @at whose texts @cmp finds
 * equal; numbers them 1, 2... in @nth, unless NULL.
 */
static size_t run_end(const struct key *key, size_t count, size_t at,
		      int (*cmp)(const char *, const char *), unsigned int *nth)
{
	size_t end = at;

	do {
		if (nth)
			nth[key[end].index] = (unsigned int)(end - at + 1);
	} while (++end < count && !cmp(key[end].text, key[at].text));
	return end;
}

/*
 * Merges p->a_key[0..na) and p->b_key[0..nb), sorted by @cmp then list
 * order: pairs the k-th item of each text in A with the k-th of that
 * text in B and, with @nth, numbers the items of each text in p->a_nth
 * and p->b_nth when the pairing has them.
 */
static void pair_sorted(struct pairing *p, size_t na, size_t nb,
			int (*cmp)(const char *, const char *), bool nth)
{
	size_t i = 0, j = 0;

	while (i < na || j < nb) {
		int diff = i == na ? 1 :
			   j == nb ? -1 :
				     cmp(p->a_key[i].text, p->b_key[j].text);
		size_t a_end = diff > 0 ? i :
					  run_end(p->a_key, na, i, cmp,
						  nth ? p->a_nth : NULL);
		size_t b_end = diff < 0 ? j :
					  run_end(p->b_key, nb, j, cmp,
						  nth ? p->b_nth : NULL);

		for (; !diff && i < a_end && j < b_end; i++, j++) {
			p->pair[p->a_key[i].index] = p->b_key[j].index;
			p->paired[p->b_key[j].index] = true;
		}
		i = a_end;
		j = b_end;
	}
}

/*
 * Pairs the items of @a and @b by name: the k-th of a name in @a with
 * the k-th of that name in @b, so lines that move are no change and a
 * repeated line keeps its order.  O(n log n): a report may hold 4096
 * lines a test.
 */
static void pair_named(const struct named *a, const struct named *b,
		       struct pairing *p)
{
	for (size_t i = 0; i < a->count; i++) {
		p->a_key[i] =
			(struct key){ .text = named_at(a, i), .index = i };
		p->pair[i] = UNPAIRED;
	}
	for (size_t j = 0; j < b->count; j++)
		p->b_key[j] =
			(struct key){ .text = named_at(b, j), .index = j };
	qsort(p->a_key, a->count, sizeof(*p->a_key), by_text);
	qsort(p->b_key, b->count, sizeof(*p->b_key), by_text);
	pair_sorted(p, a->count, b->count, strcmp, true);
}

/*
 * Then pairs, in order, the lines pair_named() left alone whose texts
 * differ only in their numbers: the k-th of a shape in A with the k-th
 * of that shape in B, as giving each line of A the first line of B of
 * its shape still free would.
 */
static void pair_shapes(struct pairing *p, size_t na, size_t nb)
{
	size_t ua = 0, ub = 0;

	for (size_t i = 0; i < na; i++)
		if (p->pair[p->a_key[i].index] == UNPAIRED)
			p->a_key[ua++] = p->a_key[i];
	for (size_t j = 0; j < nb; j++)
		if (!p->paired[p->b_key[j].index])
			p->b_key[ub++] = p->b_key[j];
	qsort(p->a_key, ua, sizeof(*p->a_key), by_shape);
	qsort(p->b_key, ub, sizeof(*p->b_key), by_shape);
	pair_sorted(p, ua, ub, shape_cmp, false);
}

const char *compare_test_change_name(enum compare_test_change change)
{
	static const char *const names[] = {
		[COMPARE_REGRESSION] = "regression",
		[COMPARE_FIX] = "fix",
		[COMPARE_APPEARED] = "appeared",
		[COMPARE_VANISHED] = "vanished",
		[COMPARE_BECAME_SKIP] = "became_skip",
		[COMPARE_NO_LONGER_SKIP] = "no_longer_skip",
		[COMPARE_BECAME_ERROR] = "became_error",
		[COMPARE_NO_LONGER_ERROR] = "no_longer_error",
		[COMPARE_CHECKS_CHANGED] = "checks_changed",
	};

	return (size_t)change < ARRAY_SIZE(names) ? names[change] : "?";
}

const char *compare_check_change_name(enum compare_check_change change)
{
	static const char *const names[] = {
		[COMPARE_CHECK_REGRESSED] = "regressed",
		[COMPARE_CHECK_FIXED] = "fixed",
		[COMPARE_CHECK_APPEARED] = "appeared",
		[COMPARE_CHECK_VANISHED] = "vanished",
		[COMPARE_CHECK_BECAME_SKIP] = "became_skip",
		[COMPARE_CHECK_NO_LONGER_SKIP] = "no_longer_skip",
		[COMPARE_CHECK_STATUS_CHANGED] = "status_changed",
	};

	return (size_t)change < ARRAY_SIZE(names) ? names[change] : "?";
}

static bool check_good(enum results_check_status status)
{
	return status == RESULTS_CHECK_PASS || status == RESULTS_CHECK_XFAIL;
}

/* What became of check @b as @n; COMPARE_CHECK_CHANGES: nothing. */
static enum compare_check_change check_change(const struct results_check *b,
					      const struct results_check *n)
{
	if (!b)
		return COMPARE_CHECK_APPEARED;
	if (!n)
		return COMPARE_CHECK_VANISHED;
	if (b->status == n->status)
		return COMPARE_CHECK_CHANGES;
	if (n->status == RESULTS_CHECK_SKIP)
		return COMPARE_CHECK_BECAME_SKIP;
	if (b->status == RESULTS_CHECK_SKIP)
		return COMPARE_CHECK_NO_LONGER_SKIP;
	if (check_good(b->status) && !check_good(n->status))
		return COMPARE_CHECK_REGRESSED;
	if (!check_good(b->status) && check_good(n->status))
		return COMPARE_CHECK_FIXED;
	return COMPARE_CHECK_STATUS_CHANGED;
}

/*
 * Appends @ct's checks that changed as @change: BASE's lines in order,
 * then, for appeared ones, NEW's unpaired lines in order.
 */
static void checks_of_change(struct compare_test *ct,
			     enum compare_check_change change,
			     const struct pairing *p)
{
	const struct results_read_test *b = ct->base, *n = ct->new;

	for (size_t i = 0; i < b->check_count; i++) {
		const struct results_check *partner =
			p->pair[i] == UNPAIRED ? NULL : &n->check[p->pair[i]];

		if (check_change(&b->check[i], partner) != change)
			continue;
		ct->check[ct->check_count++] = (struct compare_check){
			.change = change,
			.base = &b->check[i],
			.new = partner,
			.occurrence = p->a_nth[i],
		};
	}
	for (size_t j = 0;
	     change == COMPARE_CHECK_APPEARED && j < n->check_count; j++) {
		if (p->paired[j])
			continue;
		ct->check[ct->check_count++] = (struct compare_check){
			.change = change,
			.new = &n->check[j],
			.occurrence = p->b_nth[j],
		};
	}
}

/* @ct->check: the checks of a test in both files that changed, by change. */
static int compare_checks(struct compare_test *ct)
{
	const struct results_read_test *b = ct->base, *n = ct->new;
	struct pairing p;
	int ret = pairing_alloc(&p, b->check_count, n->check_count, true);

	if (ret)
		return ret;
	ct->check =
		calloc(b->check_count + n->check_count + 1, sizeof(*ct->check));
	if (ct->check) {
		pair_named(&NAMED(b->check, b->check_count, text),
			   &NAMED(n->check, n->check_count, text), &p);
		pair_shapes(&p, b->check_count, n->check_count);
		for (int c = 0; c < COMPARE_CHECK_CHANGES; c++)
			checks_of_change(ct, c, &p);
	}
	pairing_free(&p);
	return ct->check ? 0 : -ENOMEM;
}

/* What became of test @ct; COMPARE_TEST_CHANGES: nothing. */
static enum compare_test_change test_change(const struct compare_test *ct)
{
	enum results_status b, n;

	if (!ct->base)
		return COMPARE_APPEARED;
	if (!ct->new)
		return COMPARE_VANISHED;
	b = ct->base->status;
	n = ct->new->status;
	/* an infrastructure error tested nothing: no regression, no fix */
	if (b != n && n == RESULTS_ERROR)
		return COMPARE_BECAME_ERROR;
	if (b != n && b == RESULTS_ERROR)
		return COMPARE_NO_LONGER_ERROR;
	/* a test a stopped suite did not run tested nothing either */
	if (b != n && (n == RESULTS_SKIP || n == RESULTS_NOT_RUN))
		return COMPARE_BECAME_SKIP;
	if (b != n && (b == RESULTS_SKIP || b == RESULTS_NOT_RUN))
		return COMPARE_NO_LONGER_SKIP;
	if (b == RESULTS_PASS && n == RESULTS_FAIL)
		return COMPARE_REGRESSION;
	if (b == RESULTS_FAIL && n == RESULTS_PASS)
		return COMPARE_FIX;
	/* the same status: a test failing for one more reason regressed */
	if (ct->check_count && ct->check[0].change == COMPARE_CHECK_REGRESSED)
		return COMPARE_REGRESSION;
	return ct->check_count ? COMPARE_CHECKS_CHANGED : COMPARE_TEST_CHANGES;
}

/* Adds test @b of BASE and its partner @n of NEW when something changed. */
static int add_test(struct compare_result *r, const struct results_read_test *b,
		    const struct results_read_test *n)
{
	struct compare_test ct = {
		.name = b ? b->name : n->name,
		.base = b,
		.new = n,
	};
	int ret = b && n ? compare_checks(&ct) : 0;

	if (ret) {
		free(ct.check);
		return ret;
	}
	ct.change = test_change(&ct);
	if (ct.change == COMPARE_TEST_CHANGES) {
		free(ct.check);
		return 0;
	}
	r->count[ct.change]++;
	r->test[r->test_count++] = ct;
	return 0;
}

static bool same_text(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static void push_meta(struct compare_result *r, enum compare_severity severity,
		      enum compare_meta_where where, const char *key,
		      const char *test, const char *b, const char *n)
{
	r->meta[r->meta_count++] = (struct compare_meta){
		.severity = severity,
		.where = where,
		.key = key,
		.test = test,
		.base = b,
		.new = n,
	};
}

/* Adds @key when its values @b and @n differ. */
static void add_meta(struct compare_result *r, enum compare_severity severity,
		     enum compare_meta_where where, const char *key,
		     const char *test, const char *b, const char *n)
{
	if (!same_text(b, n))
		push_meta(r, severity, where, key, test, b, n);
}

/*
 * A different CPU, KVM module parameter, NMI watchdog or hvcheck build
 * (other tests) can change verdicts by itself: a warning.  The kernel is
 * what a bisect changes, and keys unknown here tell nothing known about
 * the PMU: notes.
 */
static enum compare_severity host_key_severity(const char *key)
{
	return results_host_key_affects_pmu(key) ||
			       !strcmp(key, "hvcheck_version") ||
			       !strcmp(key, "hvcheck_commit") ?
		       COMPARE_WARNING :
		       COMPARE_NOTE;
}

/* Whether @f's "host" has @key, even as null. */
static bool host_has(const struct results_file *f, const char *key)
{
	for (size_t i = 0; i < f->host_count; i++)
		if (!strcmp(f->host[i].key, key))
			return true;
	return false;
}

static void meta_host(struct compare_result *r, const struct results_file *b,
		      const struct results_file *n)
{
	for (size_t i = 0; i < b->host_count; i++) {
		const char *key = b->host[i].key;

		add_meta(r, host_key_severity(key), COMPARE_META_HOST, key,
			 NULL, b->host[i].value, results_host_value(n, key));
	}
	for (size_t j = 0; j < n->host_count; j++) {
		const char *key = n->host[j].key;

		if (!host_has(b, key))
			add_meta(r, host_key_severity(key), COMPARE_META_HOST,
				 key, NULL, NULL, n->host[j].value);
	}
}

/*
 * A test's vPMU and irqchip are what its verdict was reached on.  Report
 * lines dropped on either side (the guest printed more than the runner
 * keeps) leave its checks compared in part only: a warning, even with
 * the same count on both sides.
 */
static void meta_test(struct compare_result *r,
		      const struct results_read_test *b,
		      const struct results_read_test *n)
{
	char(*count)[COMPARE_COUNT_LEN] = &r->dropped[r->dropped_count];

	add_meta(r, COMPARE_WARNING, COMPARE_META_TEST, "vpmu", b->name,
		 b->vpmu, n->vpmu);
	add_meta(r, COMPARE_WARNING, COMPARE_META_TEST, "irqchip", b->name,
		 b->irqchip, n->irqchip);
	if (!b->check_dropped && !n->check_dropped)
		return;
	snprintf(count[0], sizeof(count[0]), "%u", b->check_dropped);
	snprintf(count[1], sizeof(count[1]), "%u", n->check_dropped);
	r->dropped_count += 2;
	push_meta(r, COMPARE_WARNING, COMPARE_META_TEST, "report_dropped",
		  b->name, count[0], count[1]);
}

static int compare_str(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) : (a != NULL) - (b != NULL);
}

static int test_order(const void *pa, const void *pb)
{
	const struct compare_test *a = pa, *b = pb;
	int diff = (int)a->change - (int)b->change;

	return diff ? diff : strcmp(a->name, b->name);
}

static int meta_order(const void *pa, const void *pb)
{
	const struct compare_meta *a = pa, *b = pb;
	int diff = (int)a->severity - (int)b->severity;

	if (!diff)
		diff = (int)a->where - (int)b->where;
	if (!diff)
		diff = strcmp(a->key, b->key);
	return diff ? diff : compare_str(a->test, b->test);
}

/*
 * Pairs the tests by name (a results file has each name once); adds
 * those that changed and their metadata.
 */
static int compare_tests(struct compare_result *r,
			 const struct results_file *base,
			 const struct results_file *new)
{
	struct pairing p;
	int ret = pairing_alloc(&p, base->test_count, new->test_count, false);

	if (ret)
		return ret;
	pair_named(&NAMED(base->test, base->test_count, name),
		   &NAMED(new->test, new->test_count, name), &p);
	for (size_t i = 0; !ret && i < base->test_count; i++) {
		const struct results_read_test *partner =
			p.pair[i] == UNPAIRED ? NULL : &new->test[p.pair[i]];

		if (partner)
			meta_test(r, &base->test[i], partner);
		ret = add_test(r, &base->test[i], partner);
	}
	for (size_t j = 0; !ret && j < new->test_count; j++)
		if (!p.paired[j])
			ret = add_test(r, NULL, &new->test[j]);
	pairing_free(&p);
	return ret;
}

/* What follows the last " under " of a bed: its emulator. */
static const char *bed_emulator(const char *bed)
{
	const char *under = NULL;

	for (const char *p = bed; (p = strstr(p, " under ")); p++)
		under = p;
	return under;
}

/*
 * A bed names its kernel, then " under " its emulator: another kernel is
 * what a bisect changes (a note, as host.kernel), another emulator or
 * accelerator a warning.
 */
static enum compare_severity bed_severity(const char *b, const char *n)
{
	const char *eb = b ? bed_emulator(b) : NULL;
	const char *en = n ? bed_emulator(n) : NULL;

	return eb && en && !strcmp(eb, en) ? COMPARE_NOTE : COMPARE_WARNING;
}

int compare_results(const struct results_file *base,
		    const struct results_file *new, struct compare_result *out)
{
	/* the run's keys, every host key, three per test in both */
	size_t meta_max =
		3 + base->host_count + new->host_count + 3 * base->test_count;
	int ret = -ENOMEM;

	memset(out, 0, sizeof(*out));
	out->base_tests = base->test_count;
	out->new_tests = new->test_count;
	out->test = calloc(base->test_count + new->test_count + 1,
			   sizeof(*out->test));
	out->meta = calloc(meta_max, sizeof(*out->meta));
	out->dropped = calloc(2 * base->test_count + 1, sizeof(*out->dropped));
	if (!out->test || !out->meta || !out->dropped)
		goto fail;
	add_meta(out, COMPARE_WARNING, COMPARE_META_RUN, "arch", NULL,
		 base->arch, new->arch);
	add_meta(out, COMPARE_WARNING, COMPARE_META_RUN, "target", NULL,
		 base->target, new->target);
	add_meta(out, bed_severity(base->bed, new->bed), COMPARE_META_RUN,
		 "bed", NULL, base->bed, new->bed);
	meta_host(out, base, new);
	ret = compare_tests(out, base, new);
	if (ret)
		goto fail;
	qsort(out->test, out->test_count, sizeof(*out->test), test_order);
	qsort(out->meta, out->meta_count, sizeof(*out->meta), meta_order);
	return 0;
fail:
	compare_result_free(out);
	return ret;
}

void compare_result_free(struct compare_result *r)
{
	for (size_t i = 0; r->test && i < r->test_count; i++)
		free(r->test[i].check);
	free(r->test);
	free(r->meta);
	free(r->dropped);
	memset(r, 0, sizeof(*r));
}

size_t compare_meta_count(const struct compare_result *r,
			  enum compare_severity severity)
{
	size_t n = 0;

	for (size_t i = 0; i < r->meta_count; i++)
		n += r->meta[i].severity == severity;
	return n;
}

/* ------------------------------------------------------------ text ---- */

/* The section titles, by change. */
static const char *const test_titles[COMPARE_TEST_CHANGES] = {
	[COMPARE_REGRESSION] = "regressions",
	[COMPARE_FIX] = "fixes",
	[COMPARE_APPEARED] = "appeared (only in NEW)",
	[COMPARE_VANISHED] = "vanished (only in BASE)",
	[COMPARE_BECAME_SKIP] = "became SKIP",
	[COMPARE_NO_LONGER_SKIP] = "no longer SKIP",
	[COMPARE_BECAME_ERROR] = "became ERROR (infrastructure)",
	[COMPARE_NO_LONGER_ERROR] = "no longer ERROR",
	[COMPARE_CHECKS_CHANGED] = "checks changed (test status unchanged)",
};

/*
 * Puts @s (NULL: "none") with its control characters escaped: a name,
 * check or value of a hostile results.json must not forge a line or
 * drive the terminal.  The JSON report has the exact text.
 */
static void text_put(FILE *out, const char *s)
{
	for (s = s ? s : "none"; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
}

/* "BASE -> NEW" and the line's end. */
static void text_change(FILE *out, const char *base, const char *new)
{
	text_put(out, base);
	fputs(" -> ", out);
	text_put(out, new);
	fputc('\n', out);
}

static const char *check_status(const struct results_check *c)
{
	return c ? results_check_status_name(c->status) : "-";
}

/*
 * The counts, those of regressions and fixes always, the others when
 * there are any, then the files.
 */
static void text_summary(FILE *out, const struct compare_result *r,
			 const char *base_name, const char *new_name)
{
	static const char *const others[COMPARE_TEST_CHANGES] = {
		[COMPARE_APPEARED] = "appeared",
		[COMPARE_VANISHED] = "vanished",
		[COMPARE_BECAME_SKIP] = "became SKIP",
		[COMPARE_NO_LONGER_SKIP] = "no longer SKIP",
		[COMPARE_BECAME_ERROR] = "became ERROR",
		[COMPARE_NO_LONGER_ERROR] = "no longer ERROR",
		[COMPARE_CHECKS_CHANGED] = "with checks changed",
	};
	size_t warnings = compare_meta_count(r, COMPARE_WARNING);
	size_t notes = compare_meta_count(r, COMPARE_NOTE);

	fprintf(out, "hvcheck compare: %zu regression%s, %zu fix%s",
		r->count[COMPARE_REGRESSION],
		r->count[COMPARE_REGRESSION] == 1 ? "" : "s",
		r->count[COMPARE_FIX], r->count[COMPARE_FIX] == 1 ? "" : "es");
	for (int c = COMPARE_APPEARED; c < COMPARE_TEST_CHANGES; c++)
		if (r->count[c])
			fprintf(out, ", %zu %s", r->count[c], others[c]);
	if (warnings)
		fprintf(out, "; %zu metadata warning%s", warnings,
			warnings == 1 ? "" : "s");
	if (notes)
		fprintf(out, "%s %zu metadata note%s", warnings ? "," : ";",
			notes, notes == 1 ? "" : "s");
	fputs("\nBASE ", out);
	text_put(out, base_name);
	fprintf(out, ": %zu tests\nNEW  ", r->base_tests);
	text_put(out, new_name);
	fprintf(out, ": %zu tests\n", r->new_tests);
}

static void text_meta(FILE *out, const struct compare_result *r,
		      enum compare_severity severity)
{
	static const char *const where[] = {
		[COMPARE_META_RUN] = "",
		[COMPARE_META_HOST] = "host.",
		[COMPARE_META_TEST] = "",
	};

	if (!compare_meta_count(r, severity))
		return;
	fputs(severity == COMPARE_WARNING ?
		      "\nwarnings: the runs differ where verdicts can change:\n" :
		      "\nnotes: the runs differ where a bisect expects it:\n",
	      out);
	for (size_t i = 0; i < r->meta_count; i++) {
		const struct compare_meta *m = &r->meta[i];

		if (m->severity != severity)
			continue;
		fprintf(out, "  %s", where[m->where]);
		text_put(out, m->key);
		if (m->test) {
			fputs(" of ", out);
			text_put(out, m->test);
		}
		fputs(": ", out);
		text_change(out, m->base, m->new);
	}
}

static void text_check(FILE *out, const struct compare_check *c)
{
	const struct results_check *line = c->new ? c->new : c->base;

	fprintf(out, "    %-14s  %5s -> %-5s  ",
		compare_check_change_name(c->change), check_status(c->base),
		check_status(c->new));
	text_put(out, line->text);
	if (c->occurrence > 1)
		fprintf(out, " (#%u)", c->occurrence);
	fputc('\n', out);
}

/*
 * One test: its name, its statuses, the reasons when they differ (always
 * for a regression, whose reason may be all there is: a timeout, a
 * crash), then its checks that changed.
 */
static void text_test(FILE *out, const struct compare_test *t)
{
	const char *b_reason = t->base ? t->base->reason : NULL;
	const char *n_reason = t->new ? t->new->reason : NULL;

	fputs("  ", out);
	text_put(out, t->name);
	fprintf(out, ": %s -> %s",
		t->base ? results_status_name(t->base->status) : "-",
		t->new ? results_status_name(t->new->status) : "-");
	if (t->change == COMPARE_REGRESSION && !t->check_count)
		fputs(", no check line differs", out);
	fputc('\n', out);
	if (!same_text(b_reason, n_reason) || t->change == COMPARE_REGRESSION) {
		fputs("    reason: ", out);
		text_change(out, b_reason, n_reason);
	}
	for (size_t i = 0; i < t->check_count; i++)
		text_check(out, &t->check[i]);
}

int compare_write_text(FILE *out, const struct compare_result *r,
		       const char *base_name, const char *new_name)
{
	text_summary(out, r, base_name, new_name);
	text_meta(out, r, COMPARE_WARNING);
	text_meta(out, r, COMPARE_NOTE);
	for (int c = 0; c < COMPARE_TEST_CHANGES; c++) {
		if (!r->count[c])
			continue;
		fprintf(out, "\n%s:\n", test_titles[c]);
		for (size_t i = 0; i < r->test_count; i++)
			if (r->test[i].change == (enum compare_test_change)c)
				text_test(out, &r->test[i]);
	}
	return results_flush(out);
}

/* ------------------------------------------------------------ JSON ---- */

static void json_side(FILE *out, const struct results_read_test *t)
{
	if (!t) {
		fputs("null", out);
		return;
	}
	fprintf(out, "{\"status\": \"%s\", \"reason\": ",
		results_status_name(t->status));
	json_string(out, t->reason);
	fputc('}', out);
}

static void json_check_status(FILE *out, const struct results_check *c)
{
	if (c)
		fprintf(out, "\"%s\"", results_check_status_name(c->status));
	else
		fputs("null", out);
}

static void json_check(FILE *out, const struct compare_check *c)
{
	fprintf(out, "        {\"change\": \"%s\", \"text\": ",
		compare_check_change_name(c->change));
	json_string(out, (c->new ? c->new : c->base)->text);
	fprintf(out, ", \"occurrence\": %u, \"base\": ", c->occurrence);
	json_check_status(out, c->base);
	fputs(", \"new\": ", out);
	json_check_status(out, c->new);
	fputc('}', out);
}

static void json_test(FILE *out, const struct compare_test *t)
{
	fputs("    {\n      \"name\": ", out);
	json_string(out, t->name);
	fprintf(out, ",\n      \"change\": \"%s\",\n      \"base\": ",
		compare_test_change_name(t->change));
	json_side(out, t->base);
	fputs(",\n      \"new\": ", out);
	json_side(out, t->new);
	fputs(",\n      \"checks\": [", out);
	for (size_t i = 0; i < t->check_count; i++) {
		fputs(i ? ",\n" : "\n", out);
		json_check(out, &t->check[i]);
	}
	fprintf(out, "%s]\n    }", t->check_count ? "\n      " : "");
}

static void json_meta(FILE *out, const struct compare_meta *m)
{
	static const char *const where[] = {
		[COMPARE_META_RUN] = "run",
		[COMPARE_META_HOST] = "host",
		[COMPARE_META_TEST] = "test",
	};

	const char *const fields[][2] = {
		{ "key", m->key },
		{ "test", m->test },
		{ "base", m->base },
		{ "new", m->new },
	};

	fprintf(out, "    {\"severity\": \"%s\", \"where\": \"%s\"",
		m->severity == COMPARE_WARNING ? "warning" : "note",
		where[m->where]);
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		fprintf(out, ", \"%s\": ", fields[i][0]);
		json_string(out, fields[i][1]);
	}
	fputc('}', out);
}

static void json_summary(FILE *out, const struct compare_result *r)
{
	fprintf(out, "  \"summary\": {\"base_tests\": %zu, \"new_tests\": %zu",
		r->base_tests, r->new_tests);
	for (int c = 0; c < COMPARE_TEST_CHANGES; c++)
		fprintf(out, ", \"%s\": %zu", compare_test_change_name(c),
			r->count[c]);
	fprintf(out, ", \"warnings\": %zu, \"notes\": %zu},\n",
		compare_meta_count(r, COMPARE_WARNING),
		compare_meta_count(r, COMPARE_NOTE));
}

int compare_write_json(FILE *out, const struct compare_result *r,
		       const char *base_name, const char *new_name)
{
	fputs("{\n  \"base\": ", out);
	json_string(out, base_name);
	fputs(",\n  \"new\": ", out);
	json_string(out, new_name);
	fprintf(out, ",\n  \"regression\": %s,\n",
		r->count[COMPARE_REGRESSION] ? "true" : "false");
	json_summary(out, r);
	fputs("  \"metadata\": [", out);
	for (size_t i = 0; i < r->meta_count; i++) {
		fputs(i ? ",\n" : "\n", out);
		json_meta(out, &r->meta[i]);
	}
	fprintf(out, "%s],\n  \"tests\": [", r->meta_count ? "\n  " : "");
	for (size_t i = 0; i < r->test_count; i++) {
		fputs(i ? ",\n" : "\n", out);
		json_test(out, &r->test[i]);
	}
	fprintf(out, "%s]\n}\n", r->test_count ? "\n  " : "");
	return results_flush(out);
}
