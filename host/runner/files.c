// SPDX-License-Identifier: GPL-2.0-only
/* Files the runners make and clear: mkdir -p, rm -r, atomic writes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

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

int files_atomic_open(struct files_atomic *f, const char *path)
{
	*f = (struct files_atomic){ .path = strdup(path) };
	if (!f->path ||
	    asprintf(&f->tmp, "%s.%d.tmp", path, (int)getpid()) < 0) {
		free(f->path);
		*f = (struct files_atomic){ 0 };
		return -ENOMEM;
	}
	f->out = fopen(f->tmp, "we");
	if (!f->out) {
		int ret = -errno;

		free(f->tmp);
		free(f->path);
		*f = (struct files_atomic){ 0 };
		return ret;
	}
	return 0;
}

/* fsync()s the directory that holds @path: a rename in it is then kept. */
static int sync_dir_of(const char *path)
{
	char *copy = strdup(path);
	int fd, ret = 0;

	if (!copy)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd))
		ret = -errno;
	if (fd >= 0)
		close(fd);
	free(copy);
	return ret;
}

/* Renames @from over @to and makes the rename durable. */
static int rename_synced(const char *from, const char *to)
{
	if (rename(from, to))
		return -errno;
	return sync_dir_of(to);
}

int files_atomic_close(struct files_atomic *f, int ret)
{
	if (!ret && (fflush(f->out) || ferror(f->out)))
		ret = errno ? -errno : -EIO;
	if (!ret && fsync(fileno(f->out)))
		ret = -errno;
	if (fclose(f->out) && !ret)
		ret = -errno;
	if (!ret)
		ret = rename_synced(f->tmp, f->path);
	if (ret)
		unlink(f->tmp);
	free(f->tmp);
	free(f->path);
	*f = (struct files_atomic){ 0 };
	return ret;
}

int files_commit(const char *from, const char *to)
{
	int fd = open(from, O_RDONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd))
		ret = -errno;
	close(fd);
	return ret ?: rename_synced(from, to);
}
