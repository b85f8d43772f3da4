// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the runner's child processes, driven with /bin/sh. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "runner/child.h"

static char dir[] = "/tmp/hvcheck-test-child.XXXXXX";
static char out_path[64];

static int make_dir(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(out_path, sizeof(out_path), "%s/out", dir);
	return 0;
}

static int remove_dir(void **state)
{
	(void)state;
	unlink(out_path);
	return rmdir(dir);
}

static char *read_output(void)
{
	static char buf[512];
	FILE *in = fopen(out_path, "r");
	size_t len;

	assert_non_null(in);
	len = fread(buf, 1, sizeof(buf) - 1, in);
	buf[len] = '\0';
	fclose(in);
	return buf;
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static int sh(const char *script, int *wstatus)
{
	char *argv[] = { "sh", "-c", (char *)script, NULL };

	return child_run(argv, out_path, 10000, wstatus);
}

/* Polls @pid until it is reaped, for up to 5 s. */
static int poll_reaped(pid_t pid, int *wstatus)
{
	int ret;

	for (int i = 0; !(ret = child_poll(pid, wstatus)) && i < 5000; i++)
		usleep(1000);
	return ret;
}

/* Whether @pid is a live process: not gone, and not a zombie. */
static bool alive(pid_t pid)
{
	char path[64], line[128];
	bool live = false;
	FILE *in;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	in = fopen(path, "r");
	if (!in)
		return false;
	while (fgets(line, sizeof(line), in)) {
		if (!strncmp(line, "State:", 6))
			live = !strchr(line, 'Z');
	}
	fclose(in);
	return live;
}

/* Waits up to 2 s for @pid to die (its new parent may reap it later). */
static bool dies(pid_t pid)
{
	for (int i = 0; alive(pid) && i < 2000; i++)
		usleep(1000);
	return !alive(pid);
}

static void test_exit_status_and_output(void **state)
{
	FILE *old = fopen(out_path, "w");
	int wstatus, fds;

	(void)state;
	/* a longer old file must not show through */
	fputs("stale output from an earlier run\n", old);
	fclose(old);
	fds = open_fds();
	assert_int_equal(sh("echo out; echo err >&2; exit 3", &wstatus), 0);
	assert_true(WIFEXITED(wstatus));
	assert_int_equal(WEXITSTATUS(wstatus), 3);
	assert_string_equal(read_output(), "out\nerr\n");
	assert_int_equal(open_fds(), fds);
}

static void test_stdin_is_null(void **state)
{
	int wstatus;

	(void)state;
	assert_int_equal(sh("if read x; then exit 1; fi; exit 0", &wstatus), 0);
	assert_true(WIFEXITED(wstatus));
	assert_int_equal(WEXITSTATUS(wstatus), 0);
}

static void test_no_signal_blocked(void **state)
{
	sigset_t block, saved;
	int wstatus;

	(void)state;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	assert_int_equal(sigprocmask(SIG_BLOCK, &block, &saved), 0);
	/*
	 * The program's own mask: exec'd by the shell, not forked, as dash
	 * blocks every signal around its vfork and /proc/$$ may catch that.
	 */
	assert_int_equal(sh("exec grep SigBlk /proc/self/status", &wstatus), 0);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	assert_int_equal(WEXITSTATUS(wstatus), 0);
	assert_string_equal(read_output(), "SigBlk:\t0000000000000000\n");
}

static void test_missing_program(void **state)
{
	char *argv[] = { "hvcheck-no-such-program", NULL };
	pid_t pid;
	int fds = open_fds();

	(void)state;
	assert_int_equal(child_spawn(argv, out_path, &pid), -ENOENT);
	assert_int_equal(pid, -1);
	assert_int_equal(open_fds(), fds);
}

static void test_unwritable_output(void **state)
{
	char *argv[] = { "true", NULL };
	pid_t pid;

	(void)state;
	assert_int_equal(child_spawn(argv, "/nonexistent/dir/out", &pid),
			 -ENOENT);
}

static void test_signaled(void **state)
{
	int wstatus;

	(void)state;
	assert_int_equal(sh("kill -SEGV $$", &wstatus), 0);
	assert_true(WIFSIGNALED(wstatus));
	assert_int_equal(WTERMSIG(wstatus), SIGSEGV);
}

/* Polling tells a running child from one that has exited. */
static void test_poll(void **state)
{
	char *slow[] = { "sleep", "10", NULL };
	char *fast[] = { "sh", "-c", "exit 7", NULL };
	pid_t a, b;
	int wstatus, ret;

	(void)state;
	assert_int_equal(child_spawn(slow, "/dev/null", &a), 0);
	assert_int_equal(child_spawn(fast, "/dev/null", &b), 0);
	ret = poll_reaped(b, &wstatus);
	assert_int_equal(ret, 1);
	assert_int_equal(WEXITSTATUS(wstatus), 7);
	/* reaped: polling it again is an error */
	assert_int_equal(child_poll(b, &wstatus), -ECHILD);
	assert_int_equal(child_poll(a, &wstatus), 0);

	child_kill_group(a, SIGKILL);
	assert_int_equal(poll_reaped(a, &wstatus), 1);
	assert_true(WIFSIGNALED(wstatus));
	assert_int_equal(WTERMSIG(wstatus), SIGKILL);
}

/* Each child leads a process group of its own, not the runner's. */
static void test_own_group(void **state)
{
	char *argv[] = { "sh", "-c", "sleep 10 & wait", NULL };
	pid_t pid;
	int wstatus;

	(void)state;
	assert_int_equal(child_spawn(argv, out_path, &pid), 0);
	assert_int_equal(getpgid(pid), pid);
	assert_int_not_equal(getpgid(pid), getpgrp());
	/* its grandchildren are in it: a group signal ends them all */
	child_kill_group(pid, SIGTERM);
	assert_int_equal(poll_reaped(pid, &wstatus), 1);
	assert_true(WIFSIGNALED(wstatus));
	assert_int_equal(WTERMSIG(wstatus), SIGTERM);
}

/* What a child leaves of its group is killed when it is reaped. */
static void test_group_outlived(void **state)
{
	int wstatus;
	pid_t left;

	(void)state;
	assert_int_equal(sh("sleep 100 & echo $!", &wstatus), 0);
	assert_int_equal(WEXITSTATUS(wstatus), 0);
	left = (pid_t)atoi(read_output());
	assert_true(left > 0);
	assert_true(dies(left));
}

/*
 * A runner killed by SIGKILL takes its children with it, though they are
 * out of its process group: a helper process spawns one and dies so.
 */
static void test_runner_killed(void **state)
{
	char *argv[] = { "sleep", "100", NULL };
	pid_t helper, orphan = -1;
	int fd[2], wstatus;
	bool gone;

	(void)state;
	assert_int_equal(pipe(fd), 0);
	helper = fork();
	assert_true(helper >= 0);
	if (!helper) {
		close(fd[0]);
		if (child_spawn(argv, "/dev/null", &orphan))
			orphan = -1;
		if (write(fd[1], &orphan, sizeof(orphan)) != sizeof(orphan))
			_exit(1);
		raise(SIGKILL);
	}
	close(fd[1]);
	assert_int_equal(read(fd[0], &orphan, sizeof(orphan)), sizeof(orphan));
	close(fd[0]);
	assert_int_equal(waitpid(helper, &wstatus, 0), helper);
	assert_true(WIFSIGNALED(wstatus));
	assert_int_equal(WTERMSIG(wstatus), SIGKILL);
	assert_true(orphan > 0);
	/* reparented, it may stay a zombie: dies() counts that as dead */
	gone = dies(orphan);
	if (!gone)
		kill(orphan, SIGKILL);
	assert_true(gone);
}

static void test_run_timeout(void **state)
{
	char *argv[] = { "sleep", "10", NULL };
	uint64_t t0 = child_now_ms();
	int wstatus;

	(void)state;
	assert_int_equal(child_run(argv, out_path, 100, &wstatus), -ETIMEDOUT);
	assert_true(WIFSIGNALED(wstatus));
	assert_int_equal(WTERMSIG(wstatus), SIGTERM);
	assert_true(child_now_ms() - t0 < 1000 * CHILD_TERM_GRACE_S);
}

/*
 * SIGTERM goes to the whole group: the shell ignores it, but ends when
 * its grandchild, which does not, dies of it.
 */
static void test_run_term_group(void **state)
{
	char *argv[] = { "sh", "-c",
			 "trap '' TERM; (trap - TERM; exec sleep 10) & "
			 "wait $!; exit 3",
			 NULL };
	uint64_t t0 = child_now_ms();
	int wstatus;

	(void)state;
	assert_int_equal(child_run(argv, out_path, 200, &wstatus), -ETIMEDOUT);
	assert_true(WIFEXITED(wstatus));
	assert_int_equal(WEXITSTATUS(wstatus), 3);
	assert_true(child_now_ms() - t0 < 1000 * CHILD_TERM_GRACE_S);
}

/* A child that ignores SIGTERM gets SIGKILL after the grace. */
static void test_run_kill(void **state)
{
	char *argv[] = { "sh", "-c", "trap '' TERM; sleep 10; sleep 10", NULL };
	uint64_t t0 = child_now_ms(), took;
	int wstatus;

	(void)state;
	assert_int_equal(child_run(argv, out_path, 100, &wstatus), -ETIMEDOUT);
	took = child_now_ms() - t0;
	assert_true(WIFSIGNALED(wstatus));
	assert_int_equal(WTERMSIG(wstatus), SIGKILL);
	assert_true(took >= 100 + 1000 * CHILD_TERM_GRACE_S);
	assert_true(took < 1000 + 1000 * CHILD_TERM_GRACE_S);
}

/* The escalation's steps and timing, without real time. */
static void test_stop_steps(void **state)
{
	struct child_stop stop = { .due_ms = 1000 };

	(void)state;
	assert_int_equal(child_stop_step(&stop, 999), 0);
	assert_int_equal(stop.state, CHILD_STOP_NONE);
	assert_int_equal(child_stop_step(&stop, 1000), SIGTERM);
	assert_int_equal(stop.state, CHILD_STOP_TERM);
	assert_int_equal(stop.due_ms, 1000 + 1000 * CHILD_TERM_GRACE_S);
	assert_int_equal(child_stop_step(&stop, 2999), 0);
	assert_int_equal(stop.state, CHILD_STOP_TERM);
	assert_int_equal(child_stop_step(&stop, 3000), SIGKILL);
	assert_int_equal(stop.state, CHILD_STOP_KILL);
	assert_int_equal(stop.due_ms, 3000 + 1000 * CHILD_KILL_WAIT_S);
	assert_int_equal(child_stop_step(&stop, 7999), 0);
	assert_int_equal(stop.state, CHILD_STOP_KILL);
	/* given up on: nothing more to send, ever */
	assert_int_equal(child_stop_step(&stop, 8000), 0);
	assert_int_equal(stop.state, CHILD_STOP_STUCK);
	assert_int_equal(child_stop_step(&stop, 1000000), 0);
	assert_int_equal(stop.state, CHILD_STOP_STUCK);
}

/* A child's own grace between SIGTERM and SIGKILL (libvirt's: longer). */
static void test_stop_own_grace(void **state)
{
	struct child_stop stop = { .due_ms = 1000, .term_grace_s = 20 };

	(void)state;
	assert_int_equal(child_stop_step(&stop, 1000), SIGTERM);
	assert_int_equal(stop.due_ms, 1000 + 20 * 1000);
	assert_int_equal(child_stop_step(&stop, 20999), 0);
	assert_int_equal(stop.state, CHILD_STOP_TERM);
	assert_int_equal(child_stop_step(&stop, 21000), SIGKILL);
}

/* Waits count from when a step is taken; a step can be brought forward. */
static void test_stop_late_and_forward(void **state)
{
	struct child_stop stop = { .due_ms = 1000 };

	(void)state;
	/* a busy runner takes the step late: the grace still runs in full */
	assert_int_equal(child_stop_step(&stop, 5000), SIGTERM);
	assert_int_equal(stop.due_ms, 5000 + 1000 * CHILD_TERM_GRACE_S);
	/* a second stop signal: SIGKILL at once */
	stop.due_ms = 5001;
	assert_int_equal(child_stop_step(&stop, 5001), SIGKILL);
	assert_int_equal(stop.due_ms, 5001 + 1000 * CHILD_KILL_WAIT_S);
	/* one step per call, however late */
	stop = (struct child_stop){ .due_ms = 0 };
	assert_int_equal(child_stop_step(&stop, 100000), SIGTERM);
	assert_int_equal(stop.state, CHILD_STOP_TERM);
}

static void test_run_in_time(void **state)
{
	char *argv[] = { "sh", "-c", "echo done; exit 2", NULL };
	int wstatus;

	(void)state;
	assert_int_equal(child_run(argv, out_path, 5000, &wstatus), 0);
	assert_int_equal(WEXITSTATUS(wstatus), 2);
	assert_string_equal(read_output(), "done\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_status_and_output),
		cmocka_unit_test(test_stdin_is_null),
		cmocka_unit_test(test_no_signal_blocked),
		cmocka_unit_test(test_missing_program),
		cmocka_unit_test(test_unwritable_output),
		cmocka_unit_test(test_signaled),
		cmocka_unit_test(test_poll),
		cmocka_unit_test(test_own_group),
		cmocka_unit_test(test_group_outlived),
		cmocka_unit_test(test_runner_killed),
		cmocka_unit_test(test_run_timeout),
		cmocka_unit_test(test_run_term_group),
		cmocka_unit_test(test_run_kill),
		cmocka_unit_test(test_stop_steps),
		cmocka_unit_test(test_stop_own_grace),
		cmocka_unit_test(test_stop_late_and_forward),
		cmocka_unit_test(test_run_in_time),
	};

	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
