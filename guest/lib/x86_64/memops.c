// SPDX-License-Identifier: GPL-2.0-only
/* memset/memcpy/memmove as REP string instructions. */
#include "string.h"

/*
 * These replace the weak C loops of string.c.  Where CPL0 code is
 * emulated one instruction at a time (KVM on the project's hosts), a
 * REP instruction costs a fraction of a loop iteration per element.
 */
void *memset(void *dst, int c, size_t n)
{
	u64 pattern = 0x0101010101010101ULL * (u8)c;
	size_t quads = n / 8, bytes = n % 8;
	void *d = dst;

	asm volatile("rep stosq\n\t"
		     "movq %[bytes], %%rcx\n\t"
		     "rep stosb"
		     : "+D"(d), "+c"(quads)
		     : "a"(pattern), [bytes] "r"(bytes)
		     : "memory");
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	size_t quads = n / 8, bytes = n % 8;
	void *d = dst;

	asm volatile("rep movsq\n\t"
		     "movq %[bytes], %%rcx\n\t"
		     "rep movsb"
		     : "+D"(d), "+S"(src), "+c"(quads)
		     : [bytes] "r"(bytes)
		     : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	const u8 *s = src;
	u8 *d = dst;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	/* Overlapping with dst above src: copy backwards. */
	s += n - 1;
	d += n - 1;
	asm volatile("std; rep movsb; cld"
		     : "+D"(d), "+S"(s), "+c"(n)
		     :
		     : "memory");
	return dst;
}
