/* SPDX-License-Identifier: GPL-2.0-only */
/* Directories the runners make and clear: mkdir -p, rm -r. */
#ifndef RUNNER_FILES_H
#define RUNNER_FILES_H

/* mkdir -p @path: 0 or -errno. */
int files_make_dirs(const char *path);

/*
 * rm -r @path: a file, or a directory and all below it, links removed,
 * not followed.  0 (also when @path does not exist) or the first -errno.
 */
int files_remove_tree(const char *path);

#endif
