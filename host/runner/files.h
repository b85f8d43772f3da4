/* SPDX-License-Identifier: GPL-2.0-only */
/* Directories the runners make and clear: mkdir -p, rm -r. */
#ifndef RUNNER_FILES_H
#define RUNNER_FILES_H

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

#endif
