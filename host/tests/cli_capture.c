// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of a subcommand: its output and messages captured. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "cli_capture.h"

char *out_text, *err_text;

int cli_capture(cli_cmd_run_fn *cmd_run, char **argv)
{
	size_t out_len, err_len;
	FILE *out, *err;
	int argc = 0, status;

	free(out_text);
	free(err_text);
	out = open_memstream(&out_text, &out_len);
	err = open_memstream(&err_text, &err_len);
	assert_non_null(out);
	assert_non_null(err);
	while (argv[argc])
		argc++;
	status = cmd_run(argc, argv, out, err);
	fclose(out);
	fclose(err);
	return status;
}

int cli_capture_teardown(void **state)
{
	(void)state;
	free(out_text);
	free(err_text);
	out_text = err_text = NULL;
	return 0;
}
