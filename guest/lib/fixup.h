/* SPDX-License-Identifier: GPL-2.0-only */
/* The exception fixup API, shared by every architecture. */
#ifndef GUEST_FIXUP_H
#define GUEST_FIXUP_H

/*
 * Included by <arch>/exceptions.h, which first defines EXC_NONE and a
 * per-CPU area with ex_vector, ex_error_code and ex_address.  The
 * "vector" is the architecture's exception identifier: the x86 vector,
 * or the arm64 exception class (ESR_EL1.EC); the error code is x86's
 * error code or the whole ESR_EL1; the address is CR2 or FAR_EL1.
 */

/*
 * Exception table, as in Linux: when a fixable exception hits an
 * instruction listed here, the CPU records vector, error code and
 * address, then resumes at the fixup address.
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
 * asm_safe("insn", outputs : inputs) runs one instruction (operands as
 * in an asm statement) and evaluates to the vector it raised, or
 * EXC_NONE.  Outputs are unchanged when it faulted.  x86: works at CPL0
 * and CPL3.  arm64: not for SVC/HVC/SMC, which return past themselves.
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

/* Its error code (x86) or ESR_EL1 (arm64). */
static inline u64 exception_error_code(void)
{
	return READ_ONCE(this_cpu()->ex_error_code);
}

/* Its CR2 (x86 #PF) or FAR_EL1 (arm64 aborts). */
static inline u64 exception_address(void)
{
	return READ_ONCE(this_cpu()->ex_address);
}

#endif /* GUEST_FIXUP_H */
