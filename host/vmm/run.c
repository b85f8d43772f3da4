// SPDX-License-Identifier: GPL-2.0-only
/* STUB: the 'run' subcommand; replaced by its real implementation. */
#include <stdio.h>

#include "hvcheck_abi.h"
#include "vmm/run.h"

int run_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "hvcheck run: not implemented yet\n");
	return HV_EXIT_VMM_ERROR;
}
