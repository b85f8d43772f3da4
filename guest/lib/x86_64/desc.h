/* SPDX-License-Identifier: GPL-2.0-only */
/* Segment selectors, the TSS, the IDT and the vectors the guest reserves. */
#ifndef GUEST_DESC_H
#define GUEST_DESC_H

/* GDT layout, the same in boot_gdt and in every CPU's own copy. */
#define GDT_KERNEL_CS	0x08
#define GDT_KERNEL_DS	0x10
#define GDT_USER_DS	0x1b /* 0x18, RPL 3 */
#define GDT_USER_CS	0x23 /* 0x20, RPL 3 */
#define GDT_TSS		0x28 /* 16 bytes */
#define GDT_KERNEL_CS32 0x38 /* only for AP start-up */
#define GDT_ENTRIES	8

#define TSS_RSP0_OFFSET 4

/* IST slot 1 gives #DF and #MC a known-good stack. */
#define IST_EMERGENCY	  1
#define IST_STACK_SIZE	  8192
#define KERNEL_STACK_SIZE 16384

/* Real-mode AP start-up code is copied here (SIPI vector 0x08). */
#define TRAMPOLINE_BASE 0x8000

/* Vectors the guest itself uses; tests take theirs from 0x40..0xdf. */
#define SMP_WAKEUP_VECTOR 0xf0
#define SPURIOUS_VECTOR	  0xff

#ifndef __ASSEMBLY__
#include "types.h"

struct tss {
	u32 reserved0;
	u64 rsp0;
	u64 rsp1;
	u64 rsp2;
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;

struct percpu;

/* Loads this CPU's own GDT and TSS, and the shared IDT (vectors.S). */
void cpu_tables_load(struct percpu *pc);
#endif /* __ASSEMBLY__ */

#endif /* GUEST_DESC_H */
