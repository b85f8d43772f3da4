/* SPDX-License-Identifier: GPL-2.0-only */
/* GICv2 registers beyond the common distributor set (gic.h). */
#ifndef GUEST_GICV2_H
#define GUEST_GICV2_H

#include "types.h"
#include "gic_regs.h"

#define GICV2_DIST_SIZE 0x1000
#define GICV2_CPU_SIZE	0x2000 /* GICC_DIR is in the second page */

/* Distributor, GICv2 only. */
#define GICD_TYPER_CPUS(typer) ((((typer) >> 5) & 7) + 1)

/* GICC_CTLR of a GIC without Security Extensions (or its Secure copy). */
#define GICC_CTLR_ENABLE_GRP0 BIT(0)
#define GICC_CTLR_ENABLE_GRP1 BIT(1)
#define GICC_CTLR_EOIMODE     BIT(9)
#define GICC_IIDR_ARCH(iidr)  (((iidr) >> 16) & 0xf)

u64 gicv2_cpu_base(void);

#endif /* GUEST_GICV2_H */
