// SPDX-License-Identifier: GPL-2.0-only
/* selftest.alloc: the allocator's alignment, zeroing and limits. */
#include "alloc.h"
#include "report.h"
#include "test.h"

#define BLOCK_SIZE 100

static bool all_zero(const u8 *p, size_t n)
{
	while (n--) {
		if (*p++)
			return false;
	}
	return true;
}

static void test_alloc(void)
{
	u64 free_before = alloc_free_bytes();
	u8 *a = alloc(BLOCK_SIZE, PAGE_SIZE);
	u8 *b;

	if (a)
		a[0] = 0xaa; /* dirty it: the next block must not share it */
	b = alloc(BLOCK_SIZE, 64);
	report(a && b, "two small allocations succeed");
	if (!a || !b)
		return;
	report((uintptr_t)a % PAGE_SIZE == 0 && (uintptr_t)b % 64 == 0,
	       "allocations honour the requested alignment");
	report(a + BLOCK_SIZE <= b || b + BLOCK_SIZE <= a,
	       "allocations do not overlap");
	report(all_zero(a + 1, BLOCK_SIZE - 1) && all_zero(b, BLOCK_SIZE),
	       "allocations come zeroed");
	report(alloc_free_bytes() <= free_before - 2 * BLOCK_SIZE,
	       "free memory shrinks by what was allocated");
	report(alloc(free_before + 1, 8) == NULL,
	       "an allocation larger than free memory returns NULL");
}
DEFINE_TEST(test_alloc, "selftest.alloc");
