// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of runner/files.c (mkdir -p, rm -r, atomic writes) in a scratch folder. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "runner/files.h"

static char dir[] = "/tmp/hvcheck-test-files.XXXXXX";

static void path(char *buf, const char *name)
{
	snprintf(buf, 128, "%s/%s", dir, name);
}

static void touch(const char *name)
{
	char p[128];
	FILE *f;

	path(p, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fclose(f);
}

static bool exists(const char *name)
{
	struct stat st;
	char p[128];

	path(p, name);
	return !lstat(p, &st);
}

static int make_dir(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	(void)state;
	return files_remove_tree(dir);
}

static void test_make_dirs(void **state)
{
	char p[128];

	(void)state;
	path(p, "a/b/c");
	assert_int_equal(files_make_dirs(p), 0);
	assert_true(exists("a/b/c"));
	/* again: what exists is no error */
	assert_int_equal(files_make_dirs(p), 0);
	touch("a/file");
	path(p, "a/file/d");
	assert_int_equal(files_make_dirs(p), -ENOTDIR);
}

/* Each directory made gets the mode asked, the umask aside. */
static void test_make_dirs_mode(void **state)
{
	mode_t old = umask(077);
	struct stat st;
	char p[128];

	(void)state;
	path(p, "private");
	assert_int_equal(mkdir(p, 0700), 0);
	path(p, "private/stage/run");
	assert_int_equal(files_make_dirs_mode(p, 0755), 0);
	umask(old);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0755);
	path(p, "private/stage");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0755);
	/* what existed is not ours to open up */
	path(p, "private");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
}

/* rm -r takes the links in a tree, not what they point to. */
static void test_remove_tree(void **state)
{
	char p[128], target[128];

	(void)state;
	path(p, "run-1/logs");
	assert_int_equal(files_make_dirs(p), 0);
	path(p, "keep");
	assert_int_equal(files_make_dirs(p), 0);
	touch("keep/precious");
	touch("run-1/results.json");
	touch("run-1/logs/a.log");
	path(target, "keep");
	path(p, "run-1/link");
	assert_int_equal(symlink(target, p), 0);
	path(p, "run-1");
	assert_int_equal(files_remove_tree(p), 0);
	assert_false(exists("run-1"));
	assert_true(exists("keep/precious"));
	/* nothing there: nothing to do */
	assert_int_equal(files_remove_tree(p), 0);
	/* a plain file */
	path(p, "keep/precious");
	assert_int_equal(files_remove_tree(p), 0);
	assert_false(exists("keep/precious"));
}

/* A pid that was a process of ours and is gone (reaped). */
static pid_t dead_pid(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (!pid)
		_exit(0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	return pid;
}

/*
 * The staged directories of dead runners go with what they hold; those
 * of live ones, other names and a PID not all digits stay.
 */
static void test_remove_stale(void **state)
{
	char p[128], dead[64], live[64];

	(void)state;
	snprintf(dead, sizeof(dead), "st/hvcheck-suite.%d.abc", dead_pid());
	snprintf(live, sizeof(live), "st/hvcheck-suite.%d.def", getpid());
	path(p, dead);
	assert_int_equal(files_make_dirs(p), 0);
	path(p, live);
	assert_int_equal(files_make_dirs(p), 0);
	path(p, "st/hvcheck-suite.12x.ghi");
	assert_int_equal(files_make_dirs(p), 0);
	path(p, "st/other.1.jkl");
	assert_int_equal(files_make_dirs(p), 0);
	touch("st/hvcheck-suite.X");
	strcat(dead, "/guest.iso");
	touch(dead);
	path(p, "st");
	assert_int_equal(files_remove_stale(p, "hvcheck-suite"), 0);
	*strrchr(dead, '/') = '\0';
	assert_false(exists(dead));
	assert_true(exists(live));
	assert_true(exists("st/hvcheck-suite.12x.ghi"));
	assert_true(exists("st/other.1.jkl"));
	assert_true(exists("st/hvcheck-suite.X"));
	path(p, "nonexistent");
	assert_int_equal(files_remove_stale(p, "hvcheck-suite"), -ENOENT);
}

/* The whole content of the scratch file @name, or "" when absent. */
static const char *content(const char *name)
{
	static char buf[256];
	char p[128];
	size_t len = 0;
	FILE *f;

	path(p, name);
	f = fopen(p, "r");
	if (f) {
		len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[len] = '\0';
	return buf;
}

/* Writes "@text" into @name atomically, with the writer's verdict @verdict. */
static int write_atomic(const char *name, const char *text, int verdict)
{
	struct files_atomic f;
	char p[128];
	int ret;

	path(p, name);
	ret = files_atomic_open(&f, p);
	if (ret)
		return ret;
	fputs(text, f.out);
	return files_atomic_close(&f, verdict);
}

/* The temporary file of @name by this process, as files_atomic_open() names it. */
static void tmp_name(char *buf, const char *name)
{
	snprintf(buf, 64, "%s.%d.tmp", name, (int)getpid());
}

/*
 * A reader sees the old file until the new one is whole: while the writer
 * writes, the name holds the old content; after it, the new, and no
 * temporary file is left.
 */
static void test_atomic_write(void **state)
{
	struct files_atomic f;
	char p[128], tmp[64];

	(void)state;
	assert_int_equal(write_atomic("r.json", "old\n", 0), 0);
	assert_string_equal(content("r.json"), "old\n");
	path(p, "r.json");
	assert_int_equal(files_atomic_open(&f, p), 0);
	fputs("new, half", f.out);
	fflush(f.out);
	/* a runner killed now: the old file is intact */
	assert_string_equal(content("r.json"), "old\n");
	tmp_name(tmp, "r.json");
	assert_true(exists(tmp));
	fputs(" and the rest\n", f.out);
	assert_int_equal(files_atomic_close(&f, 0), 0);
	assert_string_equal(content("r.json"), "new, half and the rest\n");
	assert_false(exists(tmp));
	assert_null(f.out);
}

/* A writer that failed, or a directory gone, leaves the old file as it was. */
static void test_atomic_write_fails(void **state)
{
	struct files_atomic f;
	char p[128], tmp[64];

	(void)state;
	assert_int_equal(write_atomic("f.tap", "old\n", 0), 0);
	assert_int_equal(write_atomic("f.tap", "broken", -EIO), -EIO);
	assert_string_equal(content("f.tap"), "old\n");
	tmp_name(tmp, "f.tap");
	assert_false(exists(tmp));
	path(p, "no/such/dir/f.tap");
	assert_int_equal(files_atomic_open(&f, p), -ENOENT);
	assert_null(f.out);
}

/* A child's log made durable under its final name; a missing one is an error. */
static void test_commit(void **state)
{
	char from[128], to[128];

	(void)state;
	touch("t.log.tmp");
	path(from, "t.log.tmp");
	path(to, "t.log");
	assert_int_equal(files_commit(from, to), 0);
	assert_true(exists("t.log"));
	assert_false(exists("t.log.tmp"));
	assert_int_equal(files_commit(from, to), -ENOENT);
}

/* A temporary file a killed writer left goes with files_remove_stale(). */
static void test_atomic_stale(void **state)
{
	char p[128], name[64];

	(void)state;
	snprintf(name, sizeof(name), "r.xml.%d.tmp", dead_pid());
	touch(name);
	path(p, "");
	assert_int_equal(files_remove_stale(p, "r.xml"), 0);
	assert_false(exists(name));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_make_dirs),
		cmocka_unit_test(test_make_dirs_mode),
		cmocka_unit_test(test_remove_tree),
		cmocka_unit_test(test_remove_stale),
		cmocka_unit_test(test_atomic_write),
		cmocka_unit_test(test_atomic_write_fails),
		cmocka_unit_test(test_commit),
		cmocka_unit_test(test_atomic_stale),
	};

	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
