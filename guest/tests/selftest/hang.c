// SPDX-License-Identifier: GPL-2.0-only
/* selftest.hang: never finishes, to prove the VMM and runner time out. */
#include "arch.h"
#include "test.h"

static void test_hang(void)
{
	/* Busy, not halted: a timeout must stop a guest that keeps running. */
	for (;;)
		cpu_relax();
}
/* Explicit only: `tests=selftest` must finish. */
DEFINE_TEST_FLAGS(test_hang, "selftest.hang", TEST_EXPLICIT_ONLY);
