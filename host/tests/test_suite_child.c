// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the runner's child processes, driven with /bin/sh. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "vmm/child.h"

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
	pid_t pid;
	int ret = child_spawn(argv, out_path, &pid);

	if (ret)
		return ret;
	assert_true(pid > 0);
	return child_wait(pid, wstatus);
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
	assert_int_equal(sh("grep SigBlk /proc/$$/status", &wstatus), 0);
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
	for (int i = 0; !(ret = child_poll(b, &wstatus)) && i < 5000; i++)
		usleep(1000);
	assert_int_equal(ret, 1);
	assert_int_equal(WEXITSTATUS(wstatus), 7);
	/* reaped: polling it again is an error */
	assert_int_equal(child_poll(b, &wstatus), -ECHILD);
	assert_int_equal(child_poll(a, &wstatus), 0);

	child_kill(a);
	assert_int_equal(child_wait(a, &wstatus), 0);
	assert_true(WIFSIGNALED(wstatus));
	assert_int_equal(WTERMSIG(wstatus), SIGKILL);
}

static void test_run_timeout(void **state)
{
	char *argv[] = { "sleep", "10", NULL };
	struct timespec t0, t1;
	int wstatus;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(child_run(argv, out_path, 100, &wstatus), -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(WIFSIGNALED(wstatus));
	assert_int_equal(WTERMSIG(wstatus), SIGKILL);
	assert_true(t1.tv_sec - t0.tv_sec < 3);
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
		cmocka_unit_test(test_run_timeout),
		cmocka_unit_test(test_run_in_time),
	};

	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
