/* SPDX-License-Identifier: GPL-2.0-only */
/* hvcheck suite: the command line of the suite runner (runner/suite.h). */
#ifndef CLI_SUITE_H
#define CLI_SUITE_H

/* `hvcheck suite [options]`: argv[0] is "suite"; returns the exit status. */
int suite_main(int argc, char **argv);

#endif /* CLI_SUITE_H */
