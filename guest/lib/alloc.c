// SPDX-License-Identifier: GPL-2.0-only
/* Bump allocation from the free RAM regions of the boot loader's map. */
#include "alloc.h"
#include "spinlock.h"
#include "string.h"

#define ALLOC_MAX_REGIONS 16

struct region {
	u64 next;
	u64 end;
};

static struct region regions[ALLOC_MAX_REGIONS];
static unsigned int nr_regions;
static struct spinlock alloc_lock;

void alloc_add_region(u64 base, u64 length)
{
	if (!length || nr_regions == ALLOC_MAX_REGIONS)
		return;
	regions[nr_regions].next = base;
	regions[nr_regions].end = base + length;
	nr_regions++;
}

void *alloc(size_t size, size_t align)
{
	void *p = NULL;

	spin_lock(&alloc_lock);
	for (unsigned int i = 0; i < nr_regions; i++) {
		u64 start = ALIGN_UP(regions[i].next, (u64)align);

		if (start >= regions[i].end || regions[i].end - start < size)
			continue;
		regions[i].next = start + size;
		p = (void *)(uintptr_t)start;
		break;
	}
	spin_unlock(&alloc_lock);
	if (p)
		memset(p, 0, size);
	return p;
}

u64 alloc_free_bytes(void)
{
	u64 total = 0;

	spin_lock(&alloc_lock);
	for (unsigned int i = 0; i < nr_regions; i++)
		total += regions[i].end - regions[i].next;
	spin_unlock(&alloc_lock);
	return total;
}
