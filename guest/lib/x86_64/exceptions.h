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

/*
 * Exception table, as in Linux: when an exception (not NMI, #DF or
 * #MC) hits an instruction listed here, the CPU records the vector,
 * error code and, for #PF, CR2, then resumes at the fixup address.
 */
struct ex_entry {
	u64 insn;
	u64 fixup;
};

#define ASM_EXTABLE(insn, fixup)            \
	".pushsection .ex_table, \"a\"\n\t" \
	".balign 8\n\t"                     \
	".quad " insn ", " fixup "\n\t"     \
	".popsection\n\t"

/*
 * asm_safe("rdpmc", : "=a"(lo), "=d"(hi) : "c"(idx)) runs one
 * instruction (operands as in an asm statement) and evaluates to the
 * vector it raised, or EXC_NONE.  Outputs are unchanged when it
 * faulted.  Works at CPL0 and CPL3.
 */
#define asm_safe(insn, ...)                                                \
	({                                                                 \
		exception_reset();                                         \
		asm volatile("1: " insn "\n2:\n\t" ASM_EXTABLE("1b", "2b") \
				     __VA_ARGS__);                         \
		barrier();                                                 \
		exception_vector();                                        \
	})

static inline void exception_reset(void)
{
	WRITE_ONCE(this_cpu()->ex_vector, EXC_NONE);
	barrier();
}

/* The vector of the last fixed-up exception on this CPU, or EXC_NONE. */
static inline int exception_vector(void)
{
	return READ_ONCE(this_cpu()->ex_vector);
}

static inline u64 exception_error_code(void)
{
	return READ_ONCE(this_cpu()->ex_error_code);
}

/* CR2 of the last fixed-up #PF. */
static inline u64 exception_address(void)
{
	return READ_ONCE(this_cpu()->ex_address);
}

/* Return EXC_NONE, or the vector (e.g. GP_VECTOR) the access raised. */
int rdmsr_safe(u32 msr, u64 *value);
int wrmsr_safe(u32 msr, u64 value);

const char *exception_name(unsigned int vector);
#endif /* __ASSEMBLY__ */

#endif /* GUEST_EXCEPTIONS_H */
