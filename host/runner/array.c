// SPDX-License-Identifier: GPL-2.0-only
/* Arrays: grown by doubling, the multiplication checked; repeated keys. */
#include <errno.h>
#include <stdlib.h>

#include "runner/array.h"

int grow(void **array, size_t count, size_t *cap, size_t size)
{
	size_t want = *cap ? 2 * *cap : 8;
	void *bigger;

	if (count < *cap)
		return 0;
	if (want <= count)
		want = count + 1;
	bigger = reallocarray(*array, want, size);
	if (!bigger)
		return -ENOMEM;
	*array = bigger;
	*cap = want;
	return 0;
}

/* By key, then by place in the array: equal keys in their order. */
static int by_key_then_place(const void *a, const void *b, void *compare_keys)
{
	const char *x = *(const char *const *)a;
	const char *y = *(const char *const *)b;
	int (*compare)(const void *, const void *) =
		*(int (**)(const void *, const void *))compare_keys;
	int c = compare(x, y);

	return c ? c : (x > y) - (x < y);
}

int find_repeated(const void *base, size_t count, size_t size,
		  int (*compare_keys)(const void *, const void *),
		  size_t *index)
{
	const char **sorted = calloc(count + 1, sizeof(*sorted));

	*index = count;
	if (!sorted)
		return -ENOMEM;
	for (size_t i = 0; i < count; i++)
		sorted[i] = (const char *)base + i * size;
	qsort_r(sorted, count, sizeof(*sorted), by_key_then_place,
		&compare_keys);
	/* of equal keys, each after the first is a repeat */
	for (size_t i = 1; i < count; i++) {
		size_t at = (size_t)(sorted[i] - (const char *)base) / size;

		if (!compare_keys(sorted[i - 1], sorted[i]) && at < *index)
			*index = at;
	}
	free(sorted);
	return 0;
}
