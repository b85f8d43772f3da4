/* SPDX-License-Identifier: GPL-2.0-only */
/* hvcheck filter: what an event-filter policy does, worked out without KVM. */
#ifndef CLI_FILTER_H
#define CLI_FILTER_H

#include <stdio.h>

/*
 * `hvcheck filter check|compile ...`: argv[0] is "filter".  Results go
 * to out, messages to err; returns the exit status: 0, 1 when KVM would
 * refuse the policy's filter, HV_EXIT_USAGE for a bad option, policy or
 * EVENT, HV_EXIT_VMM_ERROR when memory runs out.
 */
int filter_cmd_run(int argc, char **argv, FILE *out, FILE *err);

/* filter_cmd_run() on stdout and stderr. */
int filter_main(int argc, char **argv);

#endif /* CLI_FILTER_H */
