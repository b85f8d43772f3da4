/* SPDX-License-Identifier: GPL-2.0-only */
/* arm64 instructions generic code and drivers use. */
#ifndef GUEST_PROCESSOR_H
#define GUEST_PROCESSOR_H

#include "types.h"

static inline void cpu_relax(void)
{
	asm volatile("yield" ::: "memory");
}

/*
 * MMIO through single plain loads and stores: a hypervisor can only
 * emulate accesses whose syndrome it is given (no writeback, no pairs).
 */
static inline u32 readl(u64 addr)
{
	u32 v;

	asm volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void writel(u32 v, u64 addr)
{
	asm volatile("str %w0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

static inline u8 readb(u64 addr)
{
	u8 v;

	asm volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void writeb(u8 v, u64 addr)
{
	asm volatile("strb %w0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

/* IRQs (PSTATE.I) on this CPU; FIQ, SError and debug stay masked. */
static inline void irq_enable(void)
{
	asm volatile("msr daifclr, #2" ::: "memory");
}

static inline void irq_disable(void)
{
	asm volatile("msr daifset, #2" ::: "memory");
}

#endif /* GUEST_PROCESSOR_H */
