/* SPDX-License-Identifier: GPL-2.0-only */
/* UTF-8 code points: the results writers and the JSON reader check them. */
#ifndef RUNNER_UTF8_H
#define RUNNER_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_REPLACEMENT 0xfffd

/*
 * Returns the length of the well-formed UTF-8 sequence at @s, of at most
 * @avail bytes, and its code point in *@cp; 0 when the bytes are not one
 * (overlong, surrogate, beyond U+10FFFF, cut short, @avail 0).
 */
size_t utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp);

/*
 * Writes code point @cp (not a surrogate, at most U+10FFFF) as UTF-8 into
 * @out, which has room for 4 bytes; returns the bytes written.
 */
size_t utf8_encode(uint32_t cp, char *out);

#endif
