/* SPDX-License-Identifier: GPL-2.0-only */
/* hvcheck run: the 'run' subcommand. */
#ifndef VMM_RUN_H
#define VMM_RUN_H

/* argv[0] is "run"; returns the process exit status. */
int run_main(int argc, char **argv);

#endif
