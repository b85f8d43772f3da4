/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests of a subcommand: its output and messages captured. */
#ifndef TESTS_CLI_CAPTURE_H
#define TESTS_CLI_CAPTURE_H

#include <stdio.h>

/* A subcommand's entry point that writes to the streams it is given. */
typedef int cli_cmd_run_fn(int argc, char **argv, FILE *out, FILE *err);

/* What the last cli_capture() got on the subcommand's out and err. */
extern char *out_text, *err_text;

/*
 * Runs @cmd_run on @argv (NULL-terminated) with out and err captured in
 * out_text and err_text; returns its exit status.
 */
int cli_capture(cli_cmd_run_fn *cmd_run, char **argv);

/* A cmocka group teardown: frees out_text and err_text. */
int cli_capture_teardown(void **state);

#endif /* TESTS_CLI_CAPTURE_H */
