/* SPDX-License-Identifier: GPL-2.0-only */
/* IDT entry stubs for all 256 vectors, the common trap frame, the IDT. */
#include "desc.h"
#include "exceptions.h"

	.section .note.GNU-stack, "", @progbits

	.text
	.code64

/*
 * One 16-byte slot per vector, so the IDT entry for vector v is
 * trap_stubs + 16 * v; a stub takes at most 12 bytes (push imm8, push
 * imm32, jmp rel32).  Vectors without a CPU error code push a zero
 * one, so every frame has the same shape (struct ex_regs).  Page
 * aligned, so all stubs share address bits 16-31 (see idt_table).
 */
	.balign 4096
	.globl trap_stubs
trap_stubs:
	vector = 0
	.rept 256
	.balign 16
	.if !(vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 || vector == 29 || vector == 30)
	pushq $0
	.endif
	pushq $vector
	jmp trap_common
	vector = vector + 1
	.endr

trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	/* 22 quadwords on a 16-byte aligned frame: aligned for the call. */
	movq %rsp, %rdi
	cld
	call trap_handler
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp /* vector and error code */
	iretq

/*
 * The IDT every CPU shares, as static data: building it would cost
 * thousands of instructions where CPL0 code is emulated.  The linker
 * script splits trap_stubs into the gate's address fields.  Interrupt
 * gates, DPL 0; #DF and #MC on the emergency IST stack.
 */
	.data
	.balign 16
	.globl idt_table
idt_table:
	vector = 0
	.rept 256
	.word trap_stubs_low + 16 * vector
	.word GDT_KERNEL_CS
	.if vector == DF_VECTOR || vector == MC_VECTOR
	.byte IST_EMERGENCY
	.else
	.byte 0
	.endif
	.byte 0x8e /* present, 64-bit interrupt gate */
	.word trap_stubs_mid
	.long 0 /* the image lies below 4 GiB */
	.long 0
	vector = vector + 1
	.endr
	.globl idt_table_end
idt_table_end:
