/* SPDX-License-Identifier: GPL-2.0-only */
/* hvcheck bisect-run: one step of `git bisect run` (runner/bisect.h). */
#ifndef CLI_BISECT_RUN_H
#define CLI_BISECT_RUN_H

/*
 * `hvcheck bisect-run [options] [-- suite arguments]`: argv[0] is
 * "bisect-run"; returns 0 good, 1 bad, 125 skip or 128 abort.
 */
int bisect_run_main(int argc, char **argv);

#endif /* CLI_BISECT_RUN_H */
