/* SPDX-License-Identifier: GPL-2.0-only */
/* GIC register offsets (Arm IHI 0048B, IHI 0069): the guest's and host's. */
#ifndef GIC_REGS_H
#define GIC_REGS_H

/*
 * Plain macros, like hvcheck_abi.h: the guest's drivers and the host's
 * userspace GICv2 model name the same architectural registers.
 *
 * Distributor, offsets from its base.  GICv3 keeps the per-INTID
 * registers of INTIDs 0-31 at the same offsets in each redistributor's
 * SGI frame instead.
 */
#define GICD_CTLR	0x000
#define GICD_TYPER	0x004
#define GICD_IIDR	0x008
#define GICD_IGROUPR	0x080
#define GICD_ISENABLER	0x100
#define GICD_ICENABLER	0x180
#define GICD_ISPENDR	0x200
#define GICD_ICPENDR	0x280
#define GICD_ISACTIVER	0x300
#define GICD_ICACTIVER	0x380
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR	0x800
#define GICD_ICFGR	0xc00

/* Distributor, GICv2 only. */
#define GICD_SGIR      0xf00
#define GICD_CPENDSGIR 0xf10 /* a byte per SGI: a bit per source CPU */
#define GICD_SPENDSGIR 0xf20
#define GICD_ICPIDR2   0xfe8 /* ArchRev in bits 7:4 */

/* GICv2 CPU interface, offsets from its base. */
#define GICC_CTLR  0x0000
#define GICC_PMR   0x0004
#define GICC_BPR   0x0008
#define GICC_IAR   0x000c
#define GICC_EOIR  0x0010
#define GICC_RPR   0x0014
#define GICC_HPPIR 0x0018
#define GICC_APR   0x00d0
#define GICC_IIDR  0x00fc
#define GICC_DIR   0x1000

#endif /* GIC_REGS_H */
