// SPDX-License-Identifier: GPL-2.0-only
/* hvcheck compare: two results.json, what regressed and what else changed. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "array_size.h"
#include "hvcheck_abi.h"
#include "cli/compare.h"
#include "runner/compare.h"
#include "runner/results_read.h"
#include "vmm/options.h"

/* The command line. */
struct compare_cmd {
	bool json;
	bool help;
	const char *base, *new;
};

static const struct option_spec specs[] = {
	{ .name = "--json",
	  .help = "the report as JSON, for tools (docs/bisect.md)",
	  .set = option_set_flag,
	  .offset = offsetof(struct compare_cmd, json) },
	{ .name = "--help",
	  .alias = "-h",
	  .help = "this help",
	  .set = option_set_flag,
	  .offset = offsetof(struct compare_cmd, help) },
};

static const struct option_table compare_options = {
	.title = "options",
	.specs = specs,
	.nr = ARRAY_SIZE(specs),
};

static void print_help(FILE *out)
{
	const struct option_table *tables[] = { &compare_options };

	fputs("usage: hvcheck compare [options] BASE NEW\n"
	      "\n"
	      "Compares two results.json of `hvcheck suite`: BASE, the reference\n"
	      "run, and NEW, the run judged against it.  Lists the tests that\n"
	      "regressed (pass -> fail, or a new failing check in a failing test)\n"
	      "with their checks that differ, the fixes, the tests that appeared,\n"
	      "vanished, became SKIP or stopped being SKIP, the checks that\n"
	      "changed, and warns when the runs' metadata differ where verdicts\n"
	      "can change (CPU, KVM parameters, vPMU, hvcheck build).\n"
	      "\n",
	      out);
	option_help(out, &compare_options,
		    option_help_column(tables, ARRAY_SIZE(tables)));
	fprintf(out,
		"\n"
		"exit status: 0 when no test regressed, 1 when one did, %d for a\n"
		"bad command line, %d for a results file that cannot be read or is\n"
		"not a results.json, %d when memory runs out or the report cannot\n"
		"be written.\n",
		HV_EXIT_USAGE, COMPARE_EXIT_BAD_FILE, HV_EXIT_VMM_ERROR);
}

static int usage_error(FILE *err, const char *why)
{
	fprintf(err,
		"hvcheck compare: %s\n'hvcheck compare --help' lists the options.\n",
		why);
	return HV_EXIT_USAGE;
}

/* 0 to compare, 1 after --help, or an exit status for a bad command line. */
static int parse(struct compare_cmd *cmd, int argc, char **argv, FILE *out,
		 FILE *err)
{
	char why[256];
	int first;

	*cmd = (struct compare_cmd){ 0 };
	first = option_getopt(&compare_options, true, cmd, &cmd->help, argc,
			      argv, why, sizeof(why));
	if (first == -ENOMEM) {
		fprintf(err, "hvcheck compare: %s\n", why);
		return HV_EXIT_VMM_ERROR;
	}
	if (first < 0)
		return usage_error(err, why);
	if (cmd->help) {
		print_help(out);
		return 1;
	}
	if (argc - first != 2) {
		snprintf(why, sizeof(why),
			 "needs two results files, BASE and NEW, not %d words",
			 argc - first);
		return usage_error(err, why);
	}
	cmd->base = argv[first];
	cmd->new = argv[first + 1];
	return 0;
}

/* Compares the two files read; returns the exit status. */
static int report(const struct compare_cmd *cmd,
		  const struct results_file *base,
		  const struct results_file *new, FILE *out, FILE *err)
{
	struct compare_result r;
	int status;

	if (compare_results(base, new, &r)) {
		fprintf(err, "hvcheck compare: out of memory\n");
		return HV_EXIT_VMM_ERROR;
	}
	if (cmd->json ? compare_write_json(out, &r, cmd->base, cmd->new) :
			compare_write_text(out, &r, cmd->base, cmd->new)) {
		fprintf(err, "hvcheck compare: cannot write the report\n");
		status = HV_EXIT_VMM_ERROR;
	} else {
		status = r.count[COMPARE_REGRESSION] ? 1 : 0;
	}
	compare_result_free(&r);
	return status;
}

int compare_cmd_run(int argc, char **argv, FILE *out, FILE *err)
{
	struct results_file base, new;
	struct compare_cmd cmd;
	char why[512];
	int status = parse(&cmd, argc, argv, out, err);

	if (status)
		return status == 1 ? 0 : status;
	if (results_read_file(cmd.base, &base, why, sizeof(why))) {
		fprintf(err, "hvcheck compare: %s\n", why);
		return COMPARE_EXIT_BAD_FILE;
	}
	if (results_read_file(cmd.new, &new, why, sizeof(why))) {
		fprintf(err, "hvcheck compare: %s\n", why);
		results_file_free(&base);
		return COMPARE_EXIT_BAD_FILE;
	}
	status = report(&cmd, &base, &new, out, err);
	results_file_free(&new);
	results_file_free(&base);
	return status;
}

int compare_main(int argc, char **argv)
{
	return compare_cmd_run(argc, argv, stdout, stderr);
}
