// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of runner/resources.c: /proc/self/status and the live counts. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "runner/resources.h"

static void test_parse_status(void **state)
{
	struct resources r = { 0 };

	(void)state;
	assert_int_equal(resources_parse_status("Name:\thvcheck\n"
						"VmRSS:\t    2168 kB\n"
						"Threads:\t3\n",
						&r),
			 0);
	assert_int_equal(r.threads, 3);
	assert_int_equal(r.rss_kib, 2168);
	/* a key only matches at the start of a line */
	assert_int_equal(resources_parse_status("xThreads:\t3\nVmRSS:\t1 kB\n",
						&r),
			 -EINVAL);
	assert_int_equal(resources_parse_status("Threads:\t3\n", &r), -EINVAL);
	assert_int_equal(resources_parse_status("Threads:\nVmRSS:\t1 kB\n", &r),
			 -EINVAL);
}

static void *park(void *arg)
{
	int *fds = arg;
	char c;

	/* until the test closes the pipe's write end */
	return read(fds[0], &c, 1) < 0 ? NULL : arg;
}

/* One more fd, thread and child are seen, and seen to go. */
static void test_measure(void **state)
{
	struct resources before, during, after;
	int fds[2], status;
	pthread_t thread;
	pid_t child;

	(void)state;
	assert_int_equal(resources_measure(&before), 0);
	assert_true(before.threads >= 1);
	assert_true(before.rss_kib > 0);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(pthread_create(&thread, NULL, park, fds), 0);
	child = fork();
	assert_true(child >= 0);
	if (!child) {
		/* gone by itself if the test fails before it kills it */
		alarm(10);
		pause();
		_exit(0);
	}
	assert_int_equal(resources_measure(&during), 0);
	assert_int_equal(during.fds, before.fds + 2);
	assert_int_equal(during.threads, before.threads + 1);
	assert_int_equal(during.children, before.children + 1);
	/* the child holds the pipe too: it goes first */
	kill(child, SIGKILL);
	assert_int_equal(waitpid(child, &status, 0), child);
	close(fds[1]);
	assert_int_equal(pthread_join(thread, NULL), 0);
	close(fds[0]);
	/*
	 * pthread_join() returns when the thread's tid is cleared, which
	 * can be a moment before the kernel drops it from /proc/self/task.
	 */
	for (int tries = 0; tries < 200; tries++) {
		assert_int_equal(resources_measure(&after), 0);
		if (after.threads == before.threads)
			break;
		usleep(5000);
	}
	assert_int_equal(after.fds, before.fds);
	assert_int_equal(after.threads, before.threads);
	assert_int_equal(after.children, before.children);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_status),
		cmocka_unit_test(test_measure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
