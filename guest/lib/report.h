/* SPDX-License-Identifier: GPL-2.0-only */
/* The report API: one PASS/FAIL/SKIP/XFAIL/XPASS line per check. */
#ifndef GUEST_REPORT_H
#define GUEST_REPORT_H

#include "types.h"

struct report_counts {
	unsigned int pass;
	unsigned int fail;
	unsigned int skip;
	unsigned int xfail;
	unsigned int xpass;
};

/* "PASS: <prefixes>: <message>" when pass, else "FAIL: ...". */
void report(bool pass, const char *fmt, ...) __printf(2, 3);
/* A check that could not run; the message says why. */
void report_skip(const char *fmt, ...) __printf(1, 2);
/*
 * A check known to fail when xfail is true: a failure is an XFAIL
 * (expected), a pass an XPASS (counts as unexpected).  With xfail false
 * it is an ordinary report().
 */
void report_xfail(bool xfail, bool pass, const char *fmt, ...) __printf(3, 4);

/*
 * Prefixes are global and nest; push and pop them from the CPU that
 * runs the test (the boot CPU), other CPUs may report meanwhile.
 */
void report_prefix_push(const char *prefix);
void report_prefix_pushf(const char *fmt, ...) __printf(1, 2);
void report_prefix_pop(void);
/* The current prefix text, e.g. "selftest: timer: " (for checks). */
const char *report_prefix(void);
unsigned int report_prefix_depth(void);
/* Pops back to an earlier depth (the runner cleans up after a test). */
void report_prefix_unwind(unsigned int depth);

void report_get_counts(struct report_counts *counts);
/* The guest status the counts give: HV_STATUS_FAIL on FAIL or XPASS. */
int report_status(const struct report_counts *counts);
/* Prints the SUMMARY line and returns the status. */
int report_summary(void);
/*
 * Prints SUMMARY and "EXIT: STATUS=<s>" and leaves through the exit
 * device.  Safe from any CPU and from exception handlers; only the
 * first caller prints.
 */
__noreturn void report_exit(void);

#endif /* GUEST_REPORT_H */
