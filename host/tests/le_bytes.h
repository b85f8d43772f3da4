/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit-test helpers: little-endian loads from unaligned byte buffers. */
#ifndef TESTS_LE_BYTES_H
#define TESTS_LE_BYTES_H

#include <stdint.h>
#include <string.h>

static inline uint32_t get32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static inline uint64_t get64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

#endif
