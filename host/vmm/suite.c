// SPDX-License-Identifier: GPL-2.0-only
/* STUB: the 'suite' subcommand; replaced by its real implementation. */
#include <stdio.h>

#include "hvcheck_abi.h"
#include "vmm/suite.h"

int suite_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "hvcheck suite: not implemented yet\n");
	return HV_EXIT_VMM_ERROR;
}
