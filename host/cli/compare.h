/* SPDX-License-Identifier: GPL-2.0-only */
/* hvcheck compare: two results.json, what regressed and what else changed. */
#ifndef CLI_COMPARE_H
#define CLI_COMPARE_H

#include <stdio.h>

#include "hvcheck_abi.h"

/*
 * A results file that cannot be read or is not a results.json: the
 * status `hvcheck run` gives an image it refuses (sysexits' EX_DATAERR),
 * apart from the verdicts 0 and 1 and from a bad command line.
 */
#define COMPARE_EXIT_BAD_FILE HV_EXIT_BAD_IMAGE

/*
 * `hvcheck compare [--json] BASE NEW`: argv[0] is "compare".  The report
 * goes to out, messages to err; returns the exit status: 0, 1 when a
 * test regressed, HV_EXIT_USAGE for a bad command line,
 * COMPARE_EXIT_BAD_FILE for a results file that cannot be read,
 * HV_EXIT_VMM_ERROR when memory runs out or out cannot be written.
 */
int compare_cmd_run(int argc, char **argv, FILE *out, FILE *err);

/* compare_cmd_run() on stdout and stderr. */
int compare_main(int argc, char **argv);

#endif /* CLI_COMPARE_H */
