/* SPDX-License-Identifier: GPL-2.0-only */
/* printf family for the guest console and for buffers. */
#ifndef GUEST_PRINTF_H
#define GUEST_PRINTF_H

#include <stdarg.h>

#include "types.h"

/*
 * Conversions: d i u x X o c s p %, flags - 0 + space #, width and
 * precision (digits or *), length modifiers hh h l ll z.
 */
int printf(const char *fmt, ...) __printf(1, 2);
int vprintf(const char *fmt, va_list ap);
/* Return the length the whole output needs, like C99 snprintf. */
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/*
 * Keeps lines of several CPUs from interleaving.  Recursive on the same
 * CPU, so an exception handler may print while its CPU held the lock.
 */
void console_lock(void);
void console_unlock(void);

#endif /* GUEST_PRINTF_H */
