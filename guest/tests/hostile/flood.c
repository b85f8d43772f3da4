// SPDX-License-Identifier: GPL-2.0-only
/* hostile.flood: serial output without end, for the VMM's log cap. */
#include "arch.h"
#include "printf.h"
#include "report.h"
#include "test.h"

static void test_flood(void)
{
	report(true, "flooding the serial port until the host stops it");
	/* Never a report line: the cap, not the guest, ends this run. */
	for (u64 line = 0;; line++)
		printf("flood %016llx abcdefghijklmnopqrstuvwxyz0123456789\n",
		       (unsigned long long)line);
}
/* Explicit only: `tests=hostile` must finish. */
DEFINE_TEST_FLAGS(test_flood, "hostile.flood", TEST_EXPLICIT_ONLY);
