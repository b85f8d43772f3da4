// SPDX-License-Identifier: GPL-2.0-only
/* Growing arrays by doubling, with the multiplication checked. */
#include <errno.h>
#include <stdlib.h>

#include "runner/grow.h"

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
