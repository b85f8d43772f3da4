// SPDX-License-Identifier: GPL-2.0-only
/* hostile.irqoff_spin: a vCPU spinning with interrupts off, for the timeout. */
#include "arch.h"
#include "report.h"
#include "test.h"

static void test_irqoff_spin(void)
{
	report(true, "spinning with interrupts off until the host stops it");
	irq_disable();
	for (;;)
		cpu_relax();
}
/* Explicit only: `tests=hostile` must finish. */
DEFINE_TEST_FLAGS(test_irqoff_spin, "hostile.irqoff_spin", TEST_EXPLICIT_ONLY);
