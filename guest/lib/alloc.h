/* SPDX-License-Identifier: GPL-2.0-only */
/* A bump allocator over the RAM the boot loader reported free. */
#ifndef GUEST_ALLOC_H
#define GUEST_ALLOC_H

#include "types.h"

#define PAGE_SIZE 4096

/* Hands [base, base + length) to the allocator; boot code only. */
void alloc_add_region(u64 base, u64 length);
/*
 * Zeroed memory aligned to align (a power of two), or NULL when no
 * region has room.  Nothing is ever freed: a guest lives for one run.
 */
void *alloc(size_t size, size_t align);
u64 alloc_free_bytes(void);

#endif /* GUEST_ALLOC_H */
