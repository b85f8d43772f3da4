/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-CPU state, reached through the GS base of each CPU. */
#ifndef GUEST_PERCPU_H
#define GUEST_PERCPU_H

#define MAX_CPUS 64

/* Offsets usermode.S uses. */
#define PERCPU_USER_RETURN_RSP 8

#ifndef __ASSEMBLY__
#include "desc.h"
#include "types.h"

struct percpu {
	struct percpu *self; /* %gs:0 */
	u64 user_return_rsp; /* kernel RSP to resume at after CPL3 */
	unsigned int cpu;
	u32 apic_id;

	/* The last exception resumed at a fixup, see exceptions.h. */
	int ex_vector;
	u64 ex_error_code;
	u64 ex_address;
	bool in_fatal_trap;

	void *stack_top;
	void *ist_stack_top;
	void *user_stack_top;

	/* on_cpu(): the function is cleared when it has returned. */
	void (*work_fn)(void *arg);
	void *work_arg;
	bool online;

	u64 gdt[GDT_ENTRIES];
	struct tss tss;
};

extern struct percpu percpu_area[MAX_CPUS];

static inline struct percpu *this_cpu(void)
{
	struct percpu *pc;

	asm volatile("mov %%gs:0, %0" : "=r"(pc));
	return pc;
}

/* Makes pc this CPU's per-CPU area; first thing each CPU does. */
void percpu_activate(struct percpu *pc);
#endif /* __ASSEMBLY__ */

#endif /* GUEST_PERCPU_H */
