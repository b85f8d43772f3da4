/* SPDX-License-Identifier: GPL-2.0-only */
/* GICv3 registers: distributor extras, redistributors, ICC_* sysregs. */
#ifndef GUEST_GICV3_H
#define GUEST_GICV3_H

#include "types.h"

#define GICV3_DIST_SIZE 0x10000
#define GICV3_RD_SIZE	0x20000 /* RD_base and SGI_base frames */
#define GICV3_VLPI_SIZE 0x20000 /* the two more frames of GICv4 */
#define GICV3_SGI_FRAME 0x10000 /* SGI_base, from RD_base */

/* Distributor, GICv3 only. */
#define GICD_CTLR_ENABLE_GRP1	 BIT(1) /* EnableGrp1 (DS=1), EnableGrp1NS */
#define GICD_CTLR_ARE		 BIT(4) /* ARE (DS=1), ARE_NS */
#define GICD_CTLR_RWP		 BIT(31)
#define GICD_TYPER_IDBITS(typer) (((typer) >> 19) & 0x1f)
#define GICD_IROUTER		 0x6000 /* 64 bits per SPI */
#define GICD_PIDR2		 0xffe8 /* ArchRev in bits 7:4 */

/* Redistributor, RD_base frame. */
#define GICR_CTLR		   0x0000
#define GICR_IIDR		   0x0004
#define GICR_TYPER		   0x0008 /* 64 bits */
#define GICR_WAKER		   0x0014
#define GICR_PIDR2		   0xffe8
#define GICR_CTLR_RWP		   BIT(3)
#define GICR_TYPER_VLPIS	   BIT(1)
#define GICR_TYPER_LAST		   BIT(4)
#define GICR_WAKER_PROCESSOR_SLEEP BIT(1)
#define GICR_WAKER_CHILDREN_ASLEEP BIT(2)

#define ICC_CTLR_EOIMODE BIT(1)
#define ICC_SRE_SRE	 BIT(0)
#define ICC_SGI1R_IRM	 BIT_ULL(40)

/* This CPU's redistributor (RD_base frame). */
u64 gicv3_rd_base(void);
/* A CPU's MPIDR affinity as GICR_TYPER bits 63:32 give it. */
u32 gicv3_typer_affinity(u64 mpidr);

#endif /* GUEST_GICV3_H */
