// SPDX-License-Identifier: GPL-2.0-only
/* selftest.triple_fault: shuts the CPU down, to prove the VMM reports it. */
#include "test.h"
#include "types.h"

static void test_triple_fault(void)
{
	/* With an empty IDT, #UD escalates to #GP, #DF and a shutdown. */
	static const struct {
		u16 limit;
		u64 base;
	} __attribute__((packed)) empty_idt = { 0, 0 };

	asm volatile("lidt %0\n\tud2" : : "m"(empty_idt));
}
/* Explicit only: `tests=selftest` must finish. */
DEFINE_TEST_FLAGS(test_triple_fault, "selftest.triple_fault",
		  TEST_EXPLICIT_ONLY);
