/* SPDX-License-Identifier: GPL-2.0-only */
/* The step from 32-bit protected mode to long mode, shared by all CPUs. */
#ifndef GUEST_BOOT_LONG_MODE_H
#define GUEST_BOOT_LONG_MODE_H

#include "processor.h"

/* Everything else a loader may have left in CR0 is cleared. */
#define BOOT_CR0                                                          \
	(X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | \
	 X86_CR0_PG)

#ifdef __ASSEMBLY__
/*
 * In 32-bit protected mode with paging off: PAE, the boot page tables,
 * EFER.LME, then paging on.  A far jump to a 64-bit code segment must
 * follow.  Clobbers %eax, %ecx, %edx.
 */
/* clang-format off */
.macro ENABLE_LONG_MODE
	movl	$X86_CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$boot_pml4, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	movl	$X86_EFER_LME, %eax
	xorl	%edx, %edx
	wrmsr
	movl	$BOOT_CR0, %eax
	movl	%eax, %cr0
.endm

/* In 64-bit code: flat data segments, null FS/GS (GS base is set later). */
.macro LOAD_KERNEL_DATA_SEGMENTS
	movw	$GDT_KERNEL_DS, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorl	%eax, %eax
	movw	%ax, %fs
	movw	%ax, %gs
.endm
/* clang-format on */
#endif

#endif /* GUEST_BOOT_LONG_MODE_H */
