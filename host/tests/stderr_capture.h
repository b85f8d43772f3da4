/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit-test helper: what the code under test writes to stderr, captured. */
#ifndef TESTS_STDERR_CAPTURE_H
#define TESTS_STDERR_CAPTURE_H

#include <stddef.h>
#include <stdio.h>

/* stderr into a temporary file until stderr_end(); returns the saved fd. */
int stderr_begin(FILE **tmp);

/* stderr given back; what it got, NUL-terminated, in buf[len]. */
void stderr_end(int saved, FILE *tmp, char *buf, size_t len);

#endif /* TESTS_STDERR_CAPTURE_H */
