/* SPDX-License-Identifier: GPL-2.0-only */
/* Arrays of the runner's readers: growing them, finding repeated keys. */
#ifndef RUNNER_ARRAY_H
#define RUNNER_ARRAY_H

#include <stddef.h>

/*
 * Makes room for element @count of *@array, of @size bytes each and
 * *@cap allocated, doubling *@cap when it is full.  0 or -ENOMEM (the
 * array then unchanged).
 */
int grow(void **array, size_t count, size_t *cap, size_t size);

/*
 * Finds the first of the @count elements of @size bytes at @base whose
 * key an earlier element has, @compare_keys ordering two elements by key
 * as strcmp() does: its index in *@index, or @count when every key is
 * unique.  O(n log n).  0 or -ENOMEM.
 */
int find_repeated(const void *base, size_t count, size_t size,
		  int (*compare_keys)(const void *, const void *),
		  size_t *index);

#endif
