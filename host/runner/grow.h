/* SPDX-License-Identifier: GPL-2.0-only */
/* Growing arrays: the runner's readers keep lists of unknown length. */
#ifndef RUNNER_GROW_H
#define RUNNER_GROW_H

#include <stddef.h>

/*
 * Makes room for element @count of *@array, of @size bytes each and
 * *@cap allocated, doubling *@cap when it is full.  0 or -ENOMEM (the
 * array then unchanged).
 */
int grow(void **array, size_t count, size_t *cap, size_t size);

#endif
