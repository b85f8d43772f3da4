// SPDX-License-Identifier: GPL-2.0-only
/* hvcheck: the command-line entry point; dispatches to the subcommands. */
#include <stdio.h>
#include <string.h>

#include "hvcheck_abi.h"
#include "cli/bisect_run.h"
#include "cli/compare.h"
#include "cli/filter.h"
#ifdef HVCHECK_LIBVIRT
#include "cli/libvirt.h"
#endif
#include "cli/run.h"
#include "cli/suite.h"
#include "runner/version.h"

struct command {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *synopsis;
	const char *summary;
};

static const struct command commands[] = {
	{ "run", run_main, "run GUEST [options] [-- guest command line]",
	  "boot one guest and exit with its status" },
	{ "suite", suite_main, "suite [options]",
	  "run a test manifest, one fresh VM per entry" },
	{ "compare", compare_main, "compare [--json] BASE NEW",
	  "two results.json: regressions, fixes, changes;\n"
	  "                exit 1 when a test regressed" },
	{ "bisect-run", bisect_run_main,
	  "bisect-run [options] [-- suite arguments]",
	  "one step of `git bisect run`: good, bad or skip" },
	{ "filter", filter_main, "filter check|compile --policy P [options]",
	  "what a PMU event-filter policy does under KVM" },
#ifdef HVCHECK_LIBVIRT
	{ "libvirt", libvirt_main,
	  "libvirt xml [--arch A] [--connect URI] TEST",
	  "the libvirt domain XML of a manifest entry" },
#endif
};

static void usage(FILE *out)
{
	fputs("usage: hvcheck COMMAND [OPTIONS]\n\ncommands:\n", out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %s\n                %s\n", commands[i].synopsis,
			commands[i].summary);
	fputs("\n'hvcheck COMMAND --help' describes a command's options;\n"
	      "'hvcheck --version' prints the version and the commit.\n",
	      out);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return HV_EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version")) {
		printf("hvcheck %s (commit %s)\n", hvcheck_version(),
		       hvcheck_commit());
		return 0;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "hvcheck: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return HV_EXIT_USAGE;
}
