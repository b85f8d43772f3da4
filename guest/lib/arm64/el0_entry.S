/* SPDX-License-Identifier: GPL-2.0-only */
/* EL0 entry and return (el0.c), and the EL0 snippets of el0.h. */
#include "sysreg.h"

#define SPSR_EL0T_MASKED 0x3c0 /* EL0t, D A I F masked */

/* u64 el0_call(const char *snippet, u64 arg): ERET to EL0. */
	.text
	.global	el0_call
el0_call:
	stp	x29, x30, [sp, #-96]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	msr	elr_el1, x0
	mov	x2, #SPSR_EL0T_MASKED
	msr	spsr_el1, x2
	mov	x0, x1
	eret

/* Where el0_svc_return() sends the SVC: SP_EL1 is el0_call's again. */
	.global	el0_return
el0_return:
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #96
	ret

	.macro	el0_snippet name, insn
	.global	\name
\name:
1:	\insn
2:	svc	#0
	.pushsection .ex_table, "a"
	.balign	8
	.quad	1b, 2b
	.popsection
	.endm

	.section .el0.text, "ax"
	el0_snippet el0_mrs_pmccntr, "mrs x0, pmccntr_el0"
	el0_snippet el0_mrs_pmevcntr0, "mrs x0, pmevcntr0_el0"
	el0_snippet el0_mrs_pmcr, "mrs x0, pmcr_el0"
	el0_snippet el0_msr_pmswinc, "msr pmswinc_el0, x0"
	el0_snippet el0_msr_pmselr, "msr pmselr_el0, x0"
	el0_snippet el0_mrs_pmxevcntr, "mrs x0, pmxevcntr_el0"

/* pmu_loop()'s loop: 2 instructions and a branch per loop, at EL0. */
	.global	el0_loop
el0_loop:
	add	x9, x0, #1
1:	subs	x9, x9, #1
	b.ne	1b
	svc	#0
