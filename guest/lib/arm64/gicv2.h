/* SPDX-License-Identifier: GPL-2.0-only */
/* GICv2 registers beyond the common distributor set (gic.h). */
#ifndef GUEST_GICV2_H
#define GUEST_GICV2_H

#include "types.h"

#define GICV2_DIST_SIZE 0x1000
#define GICV2_CPU_SIZE	0x2000 /* GICC_DIR is in the second page */

/* Distributor, GICv2 only. */
#define GICD_SGIR	       0xf00
#define GICD_CPENDSGIR	       0xf10 /* a byte per SGI: a bit per source CPU */
#define GICD_SPENDSGIR	       0xf20
#define GICD_ICPIDR2	       0xfe8 /* ArchRev in bits 7:4 */
#define GICD_TYPER_CPUS(typer) ((((typer) >> 5) & 7) + 1)

/* CPU interface. */
#define GICC_CTLR  0x0000
#define GICC_PMR   0x0004
#define GICC_BPR   0x0008
#define GICC_IAR   0x000c
#define GICC_EOIR  0x0010
#define GICC_RPR   0x0014
#define GICC_HPPIR 0x0018
#define GICC_IIDR  0x00fc
#define GICC_DIR   0x1000

/* GICC_CTLR of a GIC without Security Extensions (or its Secure copy). */
#define GICC_CTLR_ENABLE_GRP0 BIT(0)
#define GICC_CTLR_ENABLE_GRP1 BIT(1)
#define GICC_CTLR_EOIMODE     BIT(9)
#define GICC_IIDR_ARCH(iidr)  (((iidr) >> 16) & 0xf)

u64 gicv2_cpu_base(void);

#endif /* GUEST_GICV2_H */
