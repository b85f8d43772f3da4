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

#endif /* GUEST_PROCESSOR_H */
