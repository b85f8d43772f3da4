/* SPDX-License-Identifier: GPL-2.0-only */
/* AP start-up: real mode at TRAMPOLINE_BASE, then protected, then long mode. */
#include "desc.h"
#include "long_mode.h"

/* Where a trampoline label is once smp_init() copied it. */
#define TR_ADDR(label) (TRAMPOLINE_BASE + (label) - ap_trampoline_start)

	.section .note.GNU-stack, "", @progbits

	.text
	.code16
	.globl ap_trampoline_start
ap_trampoline_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	lgdtl tr_gdt_desc - ap_trampoline_start
	movl $X86_CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $GDT_KERNEL_CS32, $TR_ADDR(tr_protected_mode)

	.code32
tr_protected_mode:
	movw $GDT_KERNEL_DS, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	ENABLE_LONG_MODE
	ljmp $GDT_KERNEL_CS, $ap_long_mode_entry

	.balign 8
tr_gdt_desc:
	.word GDT_ENTRIES * 8 - 1
	.long boot_gdt
	.globl ap_trampoline_end
ap_trampoline_end:

	.code64
ap_long_mode_entry:
	LOAD_KERNEL_DATA_SEGMENTS
	movq ap_boot_stack(%rip), %rsp
	movq ap_boot_cpu(%rip), %rdi
	call ap_main
1:	hlt
	jmp 1b
