/* SPDX-License-Identifier: GPL-2.0-only */
/* The freestanding subset of <string.h> plus number parsing. */
#ifndef GUEST_STRING_H
#define GUEST_STRING_H

#include "types.h"

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Copies at most size - 1 bytes, always terminates; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);
/*
 * Parses a whole string as an unsigned number: decimal, or hexadecimal
 * with a 0x prefix.  Returns 0, -EINVAL (not a number) or -ERANGE.
 */
int str_to_u64(const char *s, u64 *value);

#endif /* GUEST_STRING_H */
