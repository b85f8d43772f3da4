/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-CPU state, reached through TPIDR_EL1 of each CPU. */
#ifndef GUEST_PERCPU_H
#define GUEST_PERCPU_H

#define MAX_CPUS 64

/* Offsets entry.S uses. */
#define PERCPU_STACK_TOP 0

#ifndef __ASSEMBLY__
#include "sysreg.h"
#include "types.h"

struct percpu {
	void *stack_top; /* PERCPU_STACK_TOP */
	unsigned int cpu;
	u64 mpidr;

	/* The last exception resumed at a fixup, see exceptions.h. */
	int ex_vector;
	u64 ex_error_code;
	u64 ex_address;
	bool in_fatal_trap;

	/* on_cpu(): the function is cleared when it has returned. */
	void (*work_fn)(void *arg);
	void *work_arg;
	bool online;
};

extern struct percpu percpu_area[MAX_CPUS];

static inline struct percpu *this_cpu(void)
{
	return (struct percpu *)read_sysreg(tpidr_el1);
}

/* Makes pc this CPU's per-CPU area; first thing each CPU does. */
static inline void percpu_activate(struct percpu *pc)
{
	write_sysreg(pc, tpidr_el1);
}
#endif /* __ASSEMBLY__ */

#endif /* GUEST_PERCPU_H */
