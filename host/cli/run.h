/* SPDX-License-Identifier: GPL-2.0-only */
/* hvcheck run: boot one guest on KVM and exit with its status. */
#ifndef CLI_RUN_H
#define CLI_RUN_H

#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>

#include "vmm/machine.h"

#define RUN_DEFAULT_SMP	       1
#define RUN_DEFAULT_MEM_MIB    64
#define RUN_DEFAULT_TIMEOUT    30 /* seconds */
/* The serial output a run may send: far above any hvcheck test's */
#define RUN_DEFAULT_SERIAL_MAX (64u << 20)

/* `hvcheck run`'s command line, parsed. */
struct run_cmd {
	struct machine_config cfg;
	const char *serial_path;
	unsigned int serial_max; /* bytes, 0 for no cap */
	bool quiet;
	bool timestamps;
	bool help;
	/* The machine's own options, as its table set them. */
	alignas(max_align_t) unsigned char machine_opts[MACHINE_OPTIONS_MAX];
	/* The last option of another machine given, and that machine. */
	const char *foreign;
	const struct machine_options *foreign_owner;
};

/*
 * Parses `run GUEST [options] [-- guest command line]` (argv[0] is
 * "run") with the common options' table and native's, an option of
 * another machine refused; then native judges the values.  Returns 0,
 * or -EINVAL with a one-line reason in err[errlen].
 */
int run_cmd_parse(struct run_cmd *cmd, const struct machine_options *native,
		  int argc, char **argv, char *err, size_t errlen);

/* `hvcheck run --help`, generated from every machine's table. */
void run_cmd_help(FILE *out);

/* argv[0] is "run"; returns the process exit status. */
int run_main(int argc, char **argv);

#endif /* CLI_RUN_H */
