// SPDX-License-Identifier: GPL-2.0-only
/* Report lines, prefixes and the pass/fail counters behind SUMMARY. */
#include <stdarg.h>

#include "arch.h"
#include "hvcheck_abi.h"
#include "printf.h"
#include "report.h"
#include "string.h"

#define PREFIX_MAX_DEPTH 16

/* Counters and prefixes are guarded by the console lock. */
static struct report_counts counts;
static char prefix[256];
static size_t prefix_len_at[PREFIX_MAX_DEPTH];
static unsigned int prefix_depth;

static void push_text(const char *text, size_t len)
{
	size_t used = strlen(prefix);

	/* Too deep: count it so pops pair up, but show no more text. */
	if (prefix_depth++ >= PREFIX_MAX_DEPTH)
		return;
	prefix_len_at[prefix_depth - 1] = used;
	snprintf(prefix + used, sizeof(prefix) - used, "%.*s: ", (int)len,
		 text);
}

void report_prefix_push(const char *text)
{
	console_lock();
	push_text(text, strlen(text));
	console_unlock();
}

void report_prefix_pushf(const char *fmt, ...)
{
	char text[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	report_prefix_push(text);
}

void report_prefix_pop(void)
{
	console_lock();
	if (prefix_depth) {
		prefix_depth--;
		if (prefix_depth < PREFIX_MAX_DEPTH)
			prefix[prefix_len_at[prefix_depth]] = '\0';
	}
	console_unlock();
}

const char *report_prefix(void)
{
	return prefix;
}

unsigned int report_prefix_depth(void)
{
	return prefix_depth;
}

void report_prefix_unwind(unsigned int depth)
{
	while (prefix_depth > depth)
		report_prefix_pop();
}

static void va_report(const char *kind, unsigned int *counter, const char *fmt,
		      va_list ap)
{
	console_lock();
	(*counter)++;
	printf("%s: %s", kind, prefix);
	vprintf(fmt, ap);
	printf("\n");
	console_unlock();
}

void report(bool pass, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (pass)
		va_report("PASS", &counts.pass, fmt, ap);
	else
		va_report("FAIL", &counts.fail, fmt, ap);
	va_end(ap);
}

void report_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	va_report("SKIP", &counts.skip, fmt, ap);
	va_end(ap);
}

void report_xfail(bool xfail, bool pass, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!xfail)
		va_report(pass ? "PASS" : "FAIL",
			  pass ? &counts.pass : &counts.fail, fmt, ap);
	else if (pass)
		va_report("XPASS", &counts.xpass, fmt, ap);
	else
		va_report("XFAIL", &counts.xfail, fmt, ap);
	va_end(ap);
}

void report_get_counts(struct report_counts *out)
{
	console_lock();
	*out = counts;
	console_unlock();
}

int report_status(const struct report_counts *c)
{
	return c->fail || c->xpass ? HV_STATUS_FAIL : HV_STATUS_PASS;
}

int report_summary(void)
{
	struct report_counts c;

	report_get_counts(&c);
	printf("SUMMARY: %u tests, %u unexpected failures, "
	       "%u expected failures, %u skipped\n",
	       c.pass + c.fail + c.skip + c.xfail + c.xpass, c.fail + c.xpass,
	       c.xfail, c.skip);
	return report_status(&c);
}

static int exit_owner = -1;

void report_exit(void)
{
	int me = (int)smp_processor_id();
	int expected = -1;
	int status;

	if (!__atomic_compare_exchange_n(&exit_owner, &expected, me, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		/* Failed while already exiting: just leave, failed. */
		if (expected == me)
			arch_exit(HV_STATUS_FAIL);
		/* Another CPU prints the summary and ends the run. */
		for (;;)
			cpu_relax();
	}
	status = report_summary();
	printf("EXIT: STATUS=%d\n", status);
	arch_exit(status);
}
