/* SPDX-License-Identifier: GPL-2.0-only */
/* hvcheck suite: the 'suite' subcommand. */
#ifndef VMM_SUITE_H
#define VMM_SUITE_H

/* argv[0] is "suite"; returns the process exit status. */
int suite_main(int argc, char **argv);

#endif
