/* SPDX-License-Identifier: GPL-2.0-only */
/* Interrupt and exception handling, and the exception fixup API. */
#ifndef GUEST_EXCEPTIONS_H
#define GUEST_EXCEPTIONS_H

#define DE_VECTOR  0
#define DB_VECTOR  1
#define NMI_VECTOR 2
#define BP_VECTOR  3
#define UD_VECTOR  6
#define DF_VECTOR  8
#define GP_VECTOR  13
#define PF_VECTOR  14
#define MC_VECTOR  18

#ifndef __ASSEMBLY__
#include "percpu.h"
#include "types.h"

#define PF_ERR_PRESENT BIT(0)
#define PF_ERR_WRITE   BIT(1)
#define PF_ERR_USER    BIT(2)

/* "No exception": vector 0 is #DE, so it cannot mean that. */
#define EXC_NONE (-1)

/* The frame trap_common builds: pushed registers, then the CPU's frame. */
struct ex_regs {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector;
	u64 error_code; /* 0 for vectors without one */
	u64 rip, cs, rflags, rsp, ss;
};

/*
 * A handler for an interrupt or exception vector, called with
 * interrupts off.  Interrupt handlers send their own EOI (apic_eoi()).
 * A vector with no handler and no fixup is a FAIL that ends the run.
 */
typedef void (*irq_handler_t)(struct ex_regs *regs);

/* Installs handler (NULL removes it); returns the previous one. */
irq_handler_t irq_set_handler(unsigned int vector, irq_handler_t handler);

#include "fixup.h"

/* Return EXC_NONE, or the vector (e.g. GP_VECTOR) the access raised. */
int rdmsr_safe(u32 msr, u64 *value);
int wrmsr_safe(u32 msr, u64 value);

const char *exception_name(unsigned int vector);
/* exception_name(), or "no exception" for EXC_NONE: for asm_safe() results. */
const char *exception_text(int vector);
#endif /* __ASSEMBLY__ */

#endif /* GUEST_EXCEPTIONS_H */
