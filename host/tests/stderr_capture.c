// SPDX-License-Identifier: GPL-2.0-only
/* Unit-test helper: what the code under test writes to stderr, captured. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "stderr_capture.h"

int stderr_begin(FILE **tmp)
{
	int saved;

	*tmp = tmpfile();
	assert_non_null(*tmp);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fileno(*tmp), STDERR_FILENO), STDERR_FILENO);
	return saved;
}

void stderr_end(int saved, FILE *tmp, char *buf, size_t len)
{
	size_t n;

	fflush(stderr);
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(buf, 1, len - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
}
