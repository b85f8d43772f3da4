// SPDX-License-Identifier: GPL-2.0-only
/* Counts the guest's kvm-unit-tests style report lines and judges a run. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/array.h"
#include "hvcheck_abi.h"
#include "runner/guest_log.h"

/* Returns the text after @prefix when @line starts with it, else NULL. */
static const char *after(const char *line, const char *prefix)
{
	size_t len = strlen(prefix);

	return strncmp(line, prefix, len) ? NULL : line + len;
}

/* Parses a decimal number at *s, advancing *s past it. */
static bool parse_number(const char **s, unsigned int *out)
{
	unsigned long v = 0;
	const char *c = *s;

	if (!isdigit((unsigned char)*c))
		return false;
	for (; isdigit((unsigned char)*c); c++) {
		v = v * 10 + (unsigned long)(*c - '0');
		if (v > UINT_MAX)
			return false;
	}
	*out = (unsigned int)v;
	*s = c;
	return true;
}

/* Matches @word or @word plus "s" at *s, advancing past it. */
static bool parse_label(const char **s, const char *word)
{
	const char *rest = after(*s, word);

	if (!rest)
		return false;
	if (*rest == 's')
		rest++;
	*s = rest;
	return true;
}

/*
 * "N tests[, F unexpected failures][, X expected failures][, S skipped]":
 * kvm-unit-tests leaves out the zero counts, hvcheck's guest prints all.
 */
static bool parse_summary(const char *s, struct guest_log_summary *sum)
{
	*sum = (struct guest_log_summary){ 0 };
	if (!parse_number(&s, &sum->tests) || !parse_label(&s, " test"))
		return false;
	while (*s == ',') {
		unsigned int n;

		s++;
		if (*s++ != ' ' || !parse_number(&s, &n))
			return false;
		if (parse_label(&s, " unexpected failure"))
			sum->unexpected_failures = n;
		else if (parse_label(&s, " expected failure"))
			sum->expected_failures = n;
		else if (parse_label(&s, " skipped"))
			sum->skipped = n;
		else
			return false;
	}
	return !*s;
}

static bool parse_exit(const char *s, int *status)
{
	unsigned int v;

	if (!parse_number(&s, &v) || *s || v > INT_MAX)
		return false;
	*status = (int)v;
	return true;
}

/* Keeps the first @text seen in *@slot. */
static int remember(char **slot, const char *text)
{
	if (*slot)
		return 0;
	*slot = strdup(text);
	return *slot ? 0 : -ENOMEM;
}

/* A copy of report text @text, cut to GUEST_LOG_CHECK_MAX bytes. */
static char *check_text(const char *text)
{
	size_t len = strnlen(text, GUEST_LOG_CHECK_MAX + 1);
	char *copy;

	if (len <= GUEST_LOG_CHECK_MAX)
		return strdup(text);
	len = GUEST_LOG_CHECK_MAX - strlen(GUEST_LOG_CUT);
	/* not inside a UTF-8 sequence */
	while (len && ((unsigned char)text[len] & 0xc0) == 0x80)
		len--;
	if (asprintf(&copy, "%.*s" GUEST_LOG_CUT, (int)len, text) < 0)
		return NULL;
	return copy;
}

/* Keeps report line @text of @status, or counts it when there are many. */
static int keep_check(struct guest_log *log, enum results_check_status status,
		      const char *text)
{
	struct results_check *c;

	if (log->report_count == GUEST_LOG_REPORT_MAX) {
		log->report_dropped++;
		return 0;
	}
	if (grow((void **)&log->report, log->report_count, &log->report_cap,
		 sizeof(*log->report)))
		return -ENOMEM;
	c = &log->report[log->report_count];
	c->status = status;
	c->text = check_text(text);
	if (!c->text)
		return -ENOMEM;
	log->report_count++;
	return 0;
}

/* The status of report line @line, its text after "STATUS: " in *@text. */
static bool check_status(const char *line, enum results_check_status *status,
			 const char **text)
{
	for (int s = RESULTS_CHECK_PASS; s <= RESULTS_CHECK_XPASS; s++) {
		const char *name = results_check_status_name(s);
		const char *rest = after(line, name);

		if (rest && rest[0] == ':' && rest[1] == ' ') {
			*status = s;
			*text = rest + 2;
			return true;
		}
	}
	return false;
}

/* Counts report line @line of @status and keeps its @text. */
static int count_check(struct guest_log *log, const char *line,
		       enum results_check_status status, const char *text)
{
	int ret = 0;

	switch (status) {
	case RESULTS_CHECK_PASS:
		log->checks.pass++;
		break;
	case RESULTS_CHECK_XFAIL:
		log->checks.xfail++;
		break;
	case RESULTS_CHECK_FAIL:
		log->checks.fail++;
		ret = remember(&log->first_failure, line);
		break;
	case RESULTS_CHECK_XPASS:
		log->checks.xpass++;
		ret = remember(&log->first_failure, line);
		break;
	case RESULTS_CHECK_SKIP:
		log->checks.skip++;
		ret = remember(&log->first_skip, text);
		break;
	}
	return ret ?: keep_check(log, status, text);
}

static int parse_line(struct guest_log *log, const char *line)
{
	enum results_check_status status;
	const char *rest;

	log->lines++;
	log->capped = after(line, HV_SERIAL_CAPPED_MARKER);
	if (check_status(line, &status, &rest))
		return count_check(log, line, status, rest);
	if ((rest = after(line, "SUMMARY: "))) {
		log->summary_lines++;
		log->summary_valid = parse_summary(rest, &log->summary);
	} else if ((rest = after(line, "EXIT: STATUS="))) {
		log->exit_lines++;
		log->exit_valid = parse_exit(rest, &log->exit_status);
	} else if (after(line, "EXIT: ")) {
		log->exit_lines++;
		log->exit_valid = false;
	} else if ((rest = after(line, GUEST_LOG_VPMU_PREFIX))) {
		return remember(&log->vpmu, rest);
	} else if ((rest = after(line, GUEST_LOG_LIBVIRT_PREFIX))) {
		return remember(&log->libvirt, rest);
	} else if ((rest = strstr(line, GUEST_LOG_GRUB_PREFIX))) {
		/* GRUB's serial terminal starts with escape sequences */
		return remember(&log->loader_error,
				rest + strlen(GUEST_LOG_GRUB_PREFIX));
	}
	return 0;
}

int guest_log_parse(FILE *in, struct guest_log *log)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int ret = 0;

	*log = (struct guest_log){ 0 };
	errno = 0;
	while (!ret && (len = getline(&line, &cap, in)) >= 0) {
		/* the UART may send CR LF */
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		ret = parse_line(log, line);
	}
	free(line);
	if (!ret && ferror(in))
		ret = errno ? -errno : -EIO;
	if (ret)
		guest_log_free(log);
	return ret;
}

int guest_log_parse_file(const char *path, struct guest_log *log)
{
	FILE *in = fopen(path, "re");
	int ret;

	if (!in) {
		*log = (struct guest_log){ 0 };
		return errno == ENOENT ? 0 : -errno;
	}
	ret = guest_log_parse(in, log);
	fclose(in);
	return ret;
}

void guest_log_free(struct guest_log *log)
{
	for (size_t i = 0; i < log->report_count; i++)
		free(log->report[i].text);
	free(log->report);
	free(log->first_failure);
	free(log->first_skip);
	free(log->loader_error);
	free(log->vpmu);
	free(log->libvirt);
	*log = (struct guest_log){ 0 };
}

static bool summary_matches(const struct guest_log *log)
{
	const struct results_checks *c = &log->checks;
	const struct guest_log_summary *s = &log->summary;

	return s->tests == results_checks_total(c) &&
	       s->unexpected_failures == c->fail + c->xpass &&
	       s->expected_failures == c->xfail && s->skipped == c->skip;
}

static void line_count_problem(char *reason, size_t reason_size,
			       const char *kind, unsigned int count)
{
	if (!count)
		snprintf(reason, reason_size, "no %s line", kind);
	else
		snprintf(reason, reason_size,
			 "%u %s lines, expected one (did the guest reboot?)",
			 count, kind);
}

enum results_status guest_log_verdict(const struct guest_log *log,
				      const char *run_error,
				      bool has_guest_status, int guest_status,
				      char *reason, size_t reason_size)
{
	const struct results_checks *c = &log->checks;
	const struct guest_log_summary *s = &log->summary;
	unsigned int failures = c->fail + c->xpass;

	reason[0] = '\0';
	if (run_error) {
		snprintf(reason, reason_size, "%s", run_error);
	} else if (!has_guest_status) {
		snprintf(reason, reason_size, "no guest exit status");
	} else if (failures) {
		snprintf(reason, reason_size,
			 "%u unexpected failure%s, first: %s", failures,
			 failures == 1 ? "" : "s", log->first_failure);
	} else if (log->summary_lines != 1) {
		line_count_problem(reason, reason_size, "SUMMARY",
				   log->summary_lines);
	} else if (log->exit_lines != 1) {
		line_count_problem(reason, reason_size, "EXIT",
				   log->exit_lines);
	} else if (!log->summary_valid) {
		snprintf(reason, reason_size, "malformed SUMMARY line");
	} else if (!log->exit_valid) {
		snprintf(reason, reason_size, "malformed EXIT line");
	} else if (!summary_matches(log)) {
		snprintf(
			reason, reason_size,
			"SUMMARY says %u tests, %u unexpected failures, %u expected failures, %u skipped; the log has %u, %u, %u, %u",
			s->tests, s->unexpected_failures, s->expected_failures,
			s->skipped, results_checks_total(c), failures, c->xfail,
			c->skip);
	} else if (log->exit_status != guest_status) {
		snprintf(reason, reason_size,
			 "EXIT line says status %d, the exit port got %d",
			 log->exit_status, guest_status);
	} else if (guest_status) {
		snprintf(reason, reason_size, "guest exit status %d",
			 guest_status);
	} else if (!results_checks_total(c)) {
		snprintf(reason, reason_size, "the guest ran no checks");
	} else if (!c->pass && c->skip) {
		snprintf(reason, reason_size, "%s", log->first_skip);
		return RESULTS_SKIP;
	} else {
		return RESULTS_PASS;
	}
	return RESULTS_FAIL;
}

/*
 * A hang or a flood proves nothing unless the test got there: each
 * hostile test reports a PASS before its hostile part, so a guest stuck
 * at boot or looping on an exception message is no expected ending.
 */
#define NO_START "no PASS line: the test never started"

/* Whether the run ended as @expect says and the log shows it; why not. */
static bool expected_end(const struct guest_log *log,
			 enum manifest_expect expect, int expect_status,
			 int vmm_status, const char **why)
{
	*why = NULL;
	switch (expect) {
	case MANIFEST_EXPECT_EXIT:
		if (vmm_status != expect_status)
			return false;
		if (log->exit_lines != 1 || !log->exit_valid ||
		    log->exit_status != expect_status)
			*why = "no EXIT line with that status";
		return true;
	case MANIFEST_EXPECT_TIMEOUT:
		if (vmm_status != HV_EXIT_TIMEOUT)
			return false;
		if (!log->checks.pass)
			*why = NO_START;
		return true;
	case MANIFEST_EXPECT_LOG_CAPPED:
		if (vmm_status != HV_EXIT_LOG_CAPPED)
			return false;
		if (!log->checks.pass)
			*why = NO_START;
		else if (!log->capped)
			*why = "the log does not end in the cap marker";
		return true;
	case MANIFEST_EXPECT_TRIPLE_FAULT:
		return vmm_status == HV_EXIT_TRIPLE_FAULT;
	case MANIFEST_EXPECT_REPORT:
		break;
	}
	return false;
}

enum results_status guest_log_expected(const struct guest_log *log,
				       enum manifest_expect expect,
				       int expect_status, int vmm_status,
				       const char *run_error, char *reason,
				       size_t reason_size)
{
	unsigned int failures = log->checks.fail + log->checks.xpass;
	char want[32];
	const char *why;

	manifest_expect_name(expect, expect_status, want, sizeof(want));
	if (!expected_end(log, expect, expect_status, vmm_status, &why)) {
		if (run_error)
			snprintf(reason, reason_size, "expected %s, got: %s",
				 want, run_error);
		else
			snprintf(reason, reason_size,
				 "expected %s, got: guest exit status %d", want,
				 vmm_status);
	} else if (why) {
		snprintf(reason, reason_size, "ended as expected (%s) but %s",
			 want, why);
	} else if (failures && (expect != MANIFEST_EXPECT_EXIT ||
				expect_status != HV_STATUS_FAIL)) {
		/* exit:1 alone is the report's own "there was a FAIL" */
		snprintf(reason, reason_size,
			 "%u unexpected failure%s, first: %s", failures,
			 failures == 1 ? "" : "s", log->first_failure);
	} else {
		reason[0] = '\0';
		return RESULTS_PASS;
	}
	return RESULTS_FAIL;
}
