// SPDX-License-Identifier: GPL-2.0-only
/* Where the device tree wires the virtual timer into the GIC. */
#include "fdt.h"
#include "gic.h"
#include "timer.h"

#define TIMER_IRQ_CELLS	  3 /* the GIC binding: type, number, flags */
#define TIMER_IRQ_VIRTUAL 2 /* secure phys, phys, virtual, hyp phys */
#define GIC_IRQ_TYPE_PPI  1

static unsigned int virt_intid;

void timer_init(const void *dtb)
{
	const unsigned int cell = TIMER_IRQ_VIRTUAL * TIMER_IRQ_CELLS;
	const void *irqs;
	u32 len;

	irqs = fdt_get_prop_compat(dtb, "arm,armv8-timer", "interrupts", &len);
	if (!irqs || len < 4 * (cell + TIMER_IRQ_CELLS) ||
	    fdt_cell(irqs, cell) != GIC_IRQ_TYPE_PPI ||
	    fdt_cell(irqs, cell + 1) >= GIC_FIRST_SPI - GIC_FIRST_PPI)
		return;
	virt_intid = GIC_FIRST_PPI + fdt_cell(irqs, cell + 1);
}

unsigned int timer_virt_intid(void)
{
	return virt_intid;
}
