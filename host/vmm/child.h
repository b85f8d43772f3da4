/* SPDX-License-Identifier: GPL-2.0-only */
/* Child processes of the suite runner: spawn, wait with a deadline, kill. */
#ifndef VMM_CHILD_H
#define VMM_CHILD_H

#include <sys/types.h>

/*
 * Starts @argv (argv[0] searched in PATH) with stdin from /dev/null,
 * stdout and stderr into @output_path (created or truncated) and no
 * signal blocked.  Returns 0 or -errno (-ENOENT: no such program).
 */
int child_spawn(char *const argv[], const char *output_path, pid_t *pid);

/* Sends SIGKILL; the child must still be reaped. */
void child_kill(pid_t pid);

/* Waits for the child to exit and reaps it; *wstatus as waitpid(). */
int child_wait(pid_t pid, int *wstatus);

/*
 * Reaps the child if it has exited: 1 with *wstatus set, 0 while it runs,
 * or -errno.  A runner that blocks SIGCHLD and reads it from a signalfd
 * polls each child when one arrives.
 */
int child_poll(pid_t pid, int *wstatus);

/*
 * child_spawn() then waits up to @timeout_ms; on timeout kills the child
 * and returns -ETIMEDOUT.
 */
int child_run(char *const argv[], const char *output_path, int timeout_ms,
	      int *wstatus);

#endif
