// SPDX-License-Identifier: GPL-2.0-only
/* Child processes of the suite runner. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmm/child.h"

/* In the forked child: set up and exec, or report errno and exit. */
static void __attribute__((noreturn))
exec_child(char *const argv[], const char *output_path, int error_fd)
{
	sigset_t none;
	int fd, err;

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
int child_spawn(char *const argv[], const char *output_path, pid_t *pid)
{
	int pipe_fd[2], err = 0;
	ssize_t len;

	*pid = -1;
	if (pipe2(pipe_fd, O_CLOEXEC))
		return -errno;
	*pid = fork();
	if (*pid < 0) {
		err = errno;
		goto out;
	}
	if (!*pid) {
		close(pipe_fd[0]);
		exec_child(argv, output_path, pipe_fd[1]);
	}
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

void child_kill(pid_t pid)
{
	/* not yet reaped, so the pid cannot have been reused */
	kill(pid, SIGKILL);
}

int child_wait(pid_t pid, int *wstatus)
{
	pid_t ret;

	do {
		ret = waitpid(pid, wstatus, 0);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : 0;
}

int child_poll(pid_t pid, int *wstatus)
{
	pid_t ret = waitpid(pid, wstatus, WNOHANG);

	if (ret < 0)
		return errno == EINTR ? 0 : -errno;
	return ret == pid;
}

static long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

int child_run(char *const argv[], const char *output_path, int timeout_ms,
	      int *wstatus)
{
	/* for short tools: polling is simpler than owning SIGCHLD here */
	struct timespec nap = { .tv_nsec = 1000000 };
	long deadline = now_ns() + timeout_ms * 1000000L;
	pid_t pid;
	int ret = child_spawn(argv, output_path, &pid);

	while (!ret) {
		ret = child_poll(pid, wstatus);
		if (ret)
			break;
		if (now_ns() >= deadline) {
			child_kill(pid);
			child_wait(pid, wstatus);
			return -ETIMEDOUT;
		}
		nanosleep(&nap, NULL);
		if (nap.tv_nsec < 32000000)
			nap.tv_nsec *= 2;
	}
	return ret < 0 ? ret : 0;
}
