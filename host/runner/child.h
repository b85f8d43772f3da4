/* SPDX-License-Identifier: GPL-2.0-only */
/* Child processes of the suite runner: spawn, poll, stop by escalation. */
#ifndef RUNNER_CHILD_H
#define RUNNER_CHILD_H

#include <stdint.h>
#include <sys/types.h>

/*
 * A child past its deadline gets SIGTERM (QEMU exits cleanly on it), then
 * SIGKILL this long after, both sent to its whole process group.
 */
#define CHILD_TERM_GRACE_S 2
/*
 * A child not reaped this long after SIGKILL is stuck in the kernel
 * (uninterruptible, e.g. inside KVM under a nested hypervisor): the
 * runner stops waiting for it.
 */
#define CHILD_KILL_WAIT_S  5

/*
 * Starts @argv (argv[0] searched in PATH) in a process group of its own,
 * with stdin from /dev/null, stdout and stderr into @output_path (created
 * or truncated) and no signal blocked.  The child gets SIGKILL when the
 * caller dies (PR_SET_PDEATHSIG, which follows the calling thread: call
 * from one that outlives the child).  Returns 0 or -errno (-ENOENT: no
 * such program).
 */
int child_spawn(char *const argv[], const char *output_path, pid_t *pid);

/* A subcommand's main: argv[0] is its name; returns the exit status. */
typedef int child_main_fn(int argc, char **argv);

/*
 * child_spawn() of a forked child that calls @fn(argc, argv) and exits
 * with its status, instead of exec'ing a program: nothing re-executes
 * the running binary, which in a unit test is the test itself.
 */
int child_spawn_main(child_main_fn *fn, char *const argv[],
		     const char *output_path, pid_t *pid);

/* Sends @sig to the process group of @pid, a child not yet reaped. */
void child_kill_group(pid_t pid, int sig);

/*
 * Reaps the child if it has exited: 1 with *wstatus set, 0 while it runs,
 * or -errno.  Whatever is left of its process group (grandchildren) is
 * killed first, so nothing of a child outlives it.  A runner that blocks
 * SIGCHLD and reads it from a signalfd polls each child when one arrives.
 */
int child_poll(pid_t pid, int *wstatus);

/* The steps of stopping a child, each the last one taken. */
enum child_stop_state {
	CHILD_STOP_NONE,  /* running, before its deadline */
	CHILD_STOP_TERM,  /* SIGTERM sent to its group */
	CHILD_STOP_KILL,  /* SIGKILL sent, term_grace_s later */
	CHILD_STOP_STUCK, /* not reaped CHILD_KILL_WAIT_S after SIGKILL */
};

struct child_stop {
	enum child_stop_state state;
	/*
	 * When the next step is due, on a millisecond clock: the caller sets
	 * the deadline while the state is CHILD_STOP_NONE, and may bring it
	 * forward (to stop a child at once).
	 */
	uint64_t due_ms;
	/* SIGTERM to SIGKILL, set before the first step; 0: CHILD_TERM_GRACE_S */
	unsigned int term_grace_s;
};

/* CLOCK_MONOTONIC in milliseconds: the clock of struct child_stop. */
uint64_t child_now_ms(void);

/*
 * Takes the next step of @stop if it is due at @now_ms.  Returns the
 * signal to send to the child's process group, or 0 when no step was due
 * or the step gave up on the child (CHILD_STOP_STUCK).  Pure: the caller
 * sends the signal and owns the clock.
 */
int child_stop_step(struct child_stop *stop, uint64_t now_ms);

/*
 * child_spawn() then waits up to @timeout_ms; past it stops the child as
 * above and returns -ETIMEDOUT.  *wstatus is set unless the child was
 * still not reaped CHILD_KILL_WAIT_S after SIGKILL; it is then left
 * behind, unreaped.
 */
int child_run(char *const argv[], const char *output_path, int timeout_ms,
	      int *wstatus);

#endif
