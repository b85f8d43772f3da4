/* SPDX-License-Identifier: GPL-2.0-only */
/* Entering CPL3 with IRETQ; the way back is a #UD at a known address. */
#include "desc.h"
#include "percpu.h"
#include "processor.h"

	.section .note.GNU-stack, "", @progbits

	.text
	.code64

/*
 * u64 usermode_enter(u64 (*fn)(u64) %rdi, u64 arg %rsi,
 *		      void *user_stack_top %rdx, struct tss *tss %rcx)
 */
	.globl usermode_enter
usermode_enter:
	pushfq
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	/* Traps from CPL3 land below this frame; the return resumes on it. */
	movq %rsp, TSS_RSP0_OFFSET(%rcx)
	movq %rsp, %gs:PERCPU_USER_RETURN_RSP
	pushq $GDT_USER_DS
	pushq %rdx
	pushfq
	andq $X86_RFLAGS_IF, (%rsp)
	orq $X86_RFLAGS_FIXED, (%rsp)
	pushq $GDT_USER_CS
	pushq $usermode_trampoline
	iretq

/* CPL3: fn(arg), then back to the kernel with the result in %rax. */
usermode_trampoline:
	movq %rdi, %rax
	movq %rsi, %rdi
	call *%rax
	.globl usermode_return_insn
usermode_return_insn:
	ud2 /* usermode_return() turns this #UD into the return */

/* CPL0 again, on the frame usermode_enter left. */
	.globl usermode_exit
usermode_exit:
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	popfq
	ret
