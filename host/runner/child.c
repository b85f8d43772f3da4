// SPDX-License-Identifier: GPL-2.0-only
/* Child processes of the suite runner. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runner/child.h"

/*
 * In the forked child of @runner: set up and exec, or with @fn call it
 * and exit with its status; or report errno and exit.
 */
static void __attribute__((noreturn))
exec_child(child_main_fn *fn, char *const argv[], const char *output_path,
	   int error_fd, pid_t runner)
{
	sigset_t none;
	int fd, err;

	/* its own group, so that stopping it reaches what it forks */
	if (setpgid(0, 0))
		goto fail;
	/*
	 * Out of the runner's group, the child is not reached by what kills
	 * the runner (timeout -k, a cancelled CI job, the OOM killer) and
	 * would outlive it: the kernel kills it when the runner dies.  The
	 * runner may have died before this took effect.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		goto fail;
	if (getppid() != runner) {
		errno = ESRCH;
		goto fail;
	}
	/* the runner blocks the signals it reads from a signalfd */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	fd = open("/dev/null", O_RDONLY);
	if (fd < 0 || dup2(fd, 0) < 0)
		goto fail;
	close(fd);
	fd = open(output_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		goto fail;
	close(fd);
	if (fn) {
		int argc = 0;

		while (argv[argc])
			argc++;
		close(error_fd); /* started: the parent reads end of file */
		_exit(fn(argc, (char **)argv));
	}
	execvp(argv[0], argv);
fail:
	err = errno;
	if (write(error_fd, &err, sizeof(err)) < 0)
		err = 0; /* the parent then sees an exit status of 127 */
	_exit(127);
}

/*
 * fork() and exec() rather than posix_spawn(): errors of the exec reach
 * the parent through a close-on-exec pipe, and the result also holds
 * under valgrind, which cannot run posix_spawn's CLONE_VFORK faithfully.
 */
static int spawn(child_main_fn *fn, char *const argv[], const char *output_path,
		 pid_t *pid)
{
	pid_t runner = getpid();
	int pipe_fd[2], err = 0;
	ssize_t len;

	*pid = -1;
	if (pipe2(pipe_fd, O_CLOEXEC))
		return -errno;
	/* nothing buffered may be written twice, by the child too */
	fflush(NULL);
	*pid = fork();
	if (*pid < 0) {
		err = errno;
		goto out;
	}
	if (!*pid) {
		close(pipe_fd[0]);
		exec_child(fn, argv, output_path, pipe_fd[1], runner);
	}
	/*
	 * The group is made on both sides so that it exists whichever runs
	 * first; fails harmlessly (EACCES) once the child has exec'd.
	 */
	setpgid(*pid, *pid);
	close(pipe_fd[1]);
	pipe_fd[1] = -1;
	do {
		len = read(pipe_fd[0], &err, sizeof(err));
	} while (len < 0 && errno == EINTR);
	if (len == sizeof(err)) {
		waitpid(*pid, NULL, 0);
		*pid = -1;
	} else {
		err = 0;
	}
out:
	close(pipe_fd[0]);
	if (pipe_fd[1] >= 0)
		close(pipe_fd[1]);
	return -err;
}

int child_spawn(char *const argv[], const char *output_path, pid_t *pid)
{
	return spawn(NULL, argv, output_path, pid);
}

int child_spawn_main(child_main_fn *fn, char *const argv[],
		     const char *output_path, pid_t *pid)
{
	return spawn(fn, argv, output_path, pid);
}

void child_kill_group(pid_t pid, int sig)
{
	/* the leader is not yet reaped, so its group id cannot be reused */
	kill(-pid, sig);
}

int child_poll(pid_t pid, int *wstatus)
{
	siginfo_t info = { 0 };
	pid_t ret;

	/* look without reaping: a zombie leader keeps its group id ours */
	if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT))
		return errno == EINTR ? 0 : -errno;
	if (info.si_pid != pid)
		return 0;
	child_kill_group(pid, SIGKILL);
	do {
		ret = waitpid(pid, wstatus, 0);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : 1;
}

uint64_t child_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int child_stop_step(struct child_stop *stop, uint64_t now_ms)
{
	if (stop->state == CHILD_STOP_STUCK || now_ms < stop->due_ms)
		return 0;
	switch (stop->state) {
	case CHILD_STOP_NONE:
		stop->state = CHILD_STOP_TERM;
		stop->due_ms = now_ms + 1000ULL * (stop->term_grace_s ?:
							   CHILD_TERM_GRACE_S);
		return SIGTERM;
	case CHILD_STOP_TERM:
		stop->state = CHILD_STOP_KILL;
		stop->due_ms = now_ms + 1000 * CHILD_KILL_WAIT_S;
		return SIGKILL;
	default:
		stop->state = CHILD_STOP_STUCK;
		return 0;
	}
}

int child_run(char *const argv[], const char *output_path, int timeout_ms,
	      int *wstatus)
{
	/* for short tools: polling is simpler than owning SIGCHLD here */
	struct timespec nap = { .tv_nsec = 1000000 };
	struct child_stop stop = { .due_ms = child_now_ms() +
					     (uint64_t)timeout_ms };
	pid_t pid;
	int ret = child_spawn(argv, output_path, &pid), sig;

	while (!ret && stop.state != CHILD_STOP_STUCK) {
		ret = child_poll(pid, wstatus);
		if (ret)
			break;
		sig = child_stop_step(&stop, child_now_ms());
		if (sig)
			child_kill_group(pid, sig);
		nanosleep(&nap, NULL);
		if (nap.tv_nsec < 32000000)
			nap.tv_nsec *= 2;
	}
	if (ret < 0)
		return ret;
	return stop.state == CHILD_STOP_NONE ? 0 : -ETIMEDOUT;
}
