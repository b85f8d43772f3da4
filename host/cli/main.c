// SPDX-License-Identifier: GPL-2.0-only
/* hvcheck: the command-line entry point; dispatches to the subcommands. */
#include <stdio.h>
#include <string.h>

#include "hvcheck_abi.h"
#include "cli/bisect_run.h"
#include "cli/filter.h"
#include "cli/run.h"
#include "cli/suite.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: hvcheck COMMAND [OPTIONS]\n"
		"\n"
		"commands:\n"
		"  run GUEST [options] [-- guest command line]\n"
		"                boot one guest and exit with its status\n"
		"  suite [options]\n"
		"                run a test manifest, one fresh VM per entry\n"
		"  filter check|compile --policy P [options]\n"
		"                what a PMU event-filter policy does under KVM\n"
		"  bisect-run [options] [-- suite arguments]\n"
		"                one step of `git bisect run`: good, bad or skip\n"
		"\n"
		"'hvcheck COMMAND --help' describes a command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return HV_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "run"))
		return run_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "suite"))
		return suite_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "filter"))
		return filter_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "bisect-run"))
		return bisect_run_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "hvcheck: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return HV_EXIT_USAGE;
}
