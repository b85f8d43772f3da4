/* SPDX-License-Identifier: GPL-2.0-only */
/* Files the runners make and clear: mkdir -p, rm -r, atomic writes. */
#ifndef RUNNER_FILES_H
#define RUNNER_FILES_H

#include <stdio.h>
#include <sys/types.h>

/* mkdir -p @path: 0 or -errno. */
int files_make_dirs(const char *path);

/*
 * mkdir -p @path, each directory it makes given @mode whatever the
 * umask (0: 0755 less the umask); what exists is left as it is.
 */
int files_make_dirs_mode(const char *path, mode_t mode);

/*
 * rm -r @path: a file, or a directory and all below it, links removed,
 * not followed.  0 (also when @path does not exist) or the first -errno.
 */
int files_remove_tree(const char *path);

/*
 * Under an exclusive flock() of the directory @dir, rm -r each entry
 * @dir/@prefix.PID.* whose process PID is gone (kill(PID, 0): ESRCH),
 * what a runner killed before its cleanup left.  A PID of another
 * machine sharing @dir (NFS) is taken as one of this machine's.  0 or
 * the first -errno.
 */
int files_remove_stale(const char *dir, const char *prefix);

/* A file written atomically: under a temporary name, then renamed. */
struct files_atomic {
	FILE *out;
	char *path; /* the file's name */
	char *tmp;  /* PATH.PID.tmp, where @out writes */
};

/*
 * Opens @f->out on @path.PID.tmp, beside @path, for writing: 0 or -errno
 * (@f is then empty).  A runner killed before files_atomic_close() leaves
 * the temporary file, which files_remove_stale(DIR, NAME) removes.
 */
int files_atomic_open(struct files_atomic *f, const char *path);

/*
 * Ends what files_atomic_open() began.  With @ret 0 (the writer's
 * verdict) it flushes @f->out, fsync()s it, renames it over @path and
 * fsync()s the directory, so that a reader, even after a crash, finds the
 * old file or the whole new one, never a part.  Otherwise, or when a step
 * fails, it removes the temporary file and leaves @path as it was.
 * Returns @ret, else 0 or the first step's -errno.
 */
int files_atomic_close(struct files_atomic *f, int ret);

/*
 * Makes the file @from, written by someone else (a child's log), durable
 * as @to: fsync()s it, renames it over @to and fsync()s the directory.
 * 0 or -errno.
 */
int files_commit(const char *from, const char *to);

#endif
