// SPDX-License-Identifier: GPL-2.0-only
/* Directories the runners make and clear: mkdir -p, rm -r. */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "runner/files.h"

/* nftw() opens at most this many directories at once. */
#define FILES_WALK_FDS 16

int files_make_dirs_mode(const char *path, mode_t mode)
{
	char *copy = strdup(path);
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	for (char *c = copy + 1; !ret; c++) {
		bool last = !*c;

		if (*c != '/' && !last)
			continue;
		*c = '\0';
		if (!mkdir(copy, mode ?: 0755)) {
			/* mkdir() took the umask off; the mode asked wins */
			if (mode && chmod(copy, mode))
				ret = -errno;
		} else if (errno != EEXIST) {
			ret = -errno;
		}
		if (last)
			break;
		*c = '/';
	}
	free(copy);
	return ret;
}

int files_make_dirs(const char *path)
{
	return files_make_dirs_mode(path, 0);
}

static int remove_entry(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	/* depth first: a directory comes after what it held */
	if (type == FTW_NS || type == FTW_DNR)
		return EACCES;
	return remove(path) ? errno : 0;
}

int files_remove_tree(const char *path)
{
	struct stat st;
	int ret;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -errno;
	ret = nftw(path, remove_entry, FILES_WALK_FDS, FTW_DEPTH | FTW_PHYS);
	if (ret < 0)
		return -errno;
	return -ret;
}

/* Whether @name is @prefix.PID.* with PID a process that is gone. */
static bool stale_entry(const char *name, const char *prefix)
{
	size_t len = strlen(prefix);
	const char *digits = name + len + 1;
	char *end;
	long pid;

	if (strncmp(name, prefix, len) || name[len] != '.')
		return false;
	errno = 0;
	pid = strtol(digits, &end, 10);
	if (errno || end == digits || *end != '.' || pid <= 0 || pid > INT_MAX)
		return false;
	return kill((pid_t)pid, 0) && errno == ESRCH;
}

int files_remove_stale(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int ret = 0;

	if (!d)
		return -errno;
	/* one runner at a time: the lock goes with closedir() */
	if (flock(dirfd(d), LOCK_EX)) {
		ret = -errno;
		goto out;
	}
	while ((e = readdir(d))) {
		char *path;
		int err;

		if (!stale_entry(e->d_name, prefix))
			continue;
		if (asprintf(&path, "%s/%s", dir, e->d_name) < 0) {
			ret = -ENOMEM;
			goto out;
		}
		err = files_remove_tree(path);
		free(path);
		if (err && !ret)
			ret = err;
	}
out:
	closedir(d);
	return ret;
}
