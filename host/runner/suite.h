/* SPDX-License-Identifier: GPL-2.0-only */
/* hvcheck suite: the 'suite' subcommand. */
#ifndef RUNNER_SUITE_H
#define RUNNER_SUITE_H

/* argv[0] is "suite"; returns the process exit status. */
int suite_main(int argc, char **argv);

#endif
