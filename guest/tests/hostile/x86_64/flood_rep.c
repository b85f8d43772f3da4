// SPDX-License-Identifier: GPL-2.0-only
/* hostile.flood_rep: rep outsb to the UART, pages of bytes per VM exit. */
#include "hvcheck_abi.h"
#include "report.h"
#include "string.h"
#include "test.h"

static char page[4096];

static void test_flood_rep(void)
{
	memset(page, 'x', sizeof(page));
	page[sizeof(page) - 1] = '\n';
	report(true,
	       "flooding the UART with rep outsb until the host stops it");
	for (;;) {
		const char *src = page;
		unsigned long n = sizeof(page);

		/* KVM hands the VMM many bytes of one string I/O at once */
		asm volatile("rep outsb"
			     : "+S"(src), "+c"(n)
			     : "d"(HV_X86_UART_COM1_PORT)
			     : "memory");
	}
}
/* Explicit only: `tests=hostile` must finish. */
DEFINE_TEST_FLAGS(test_flood_rep, "hostile.flood_rep", TEST_EXPLICIT_ONLY);
