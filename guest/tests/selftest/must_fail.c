// SPDX-License-Identifier: GPL-2.0-only
/* selftest.must_fail: one deliberate FAIL, to prove runners notice. */
#include "report.h"
#include "test.h"

static void test_must_fail(void)
{
	report(false, "this check fails on purpose");
}
/* Explicit only: `tests=selftest` must stay green. */
DEFINE_TEST_FLAGS(test_must_fail, "selftest.must_fail", TEST_EXPLICIT_ONLY);
