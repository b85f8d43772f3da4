/* SPDX-License-Identifier: GPL-2.0-only */
/* x86 control registers, MSRs, port I/O and other single instructions. */
#ifndef GUEST_PROCESSOR_H
#define GUEST_PROCESSOR_H

#define X86_CR0_PE 0x00000001
#define X86_CR0_MP 0x00000002
#define X86_CR0_ET 0x00000010
#define X86_CR0_NE 0x00000020
#define X86_CR0_WP 0x00010000
#define X86_CR0_PG 0x80000000

#define X86_CR4_PAE 0x00000020
#define X86_CR4_PCE 0x00000100 /* RDPMC allowed at CPL > 0 */

#define X86_EFER_LME 0x00000100

#define X86_RFLAGS_FIXED 0x00000002 /* bit 1 always reads as one */
#define X86_RFLAGS_IF	 0x00000200

#define MSR_IA32_TSC	   0x00000010
#define MSR_IA32_APIC_BASE 0x0000001b
#define MSR_EFER	   0xc0000080
#define MSR_GS_BASE	   0xc0000101

#define CPUID_1_ECX_X2APIC     (1u << 21)
#define CPUID_1_ECX_HYPERVISOR (1u << 31)
#define CPUID_HYPERVISOR_LEAF  0x40000000

#ifndef __ASSEMBLY__
#include "string.h"
#include "types.h"

struct cpuid_regs {
	u32 eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid_count(u32 leaf, u32 subleaf)
{
	struct cpuid_regs r;

	asm volatile("cpuid"
		     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
		     : "a"(leaf), "c"(subleaf));
	return r;
}

static inline struct cpuid_regs cpuid(u32 leaf)
{
	return cpuid_count(leaf, 0);
}

/*
 * Whether a hypervisor answers leaf with the 12-character signature sig
 * in EBX, ECX, EDX.  Without CPUID.1:ECX.hypervisor, leaves 0x4000xxxx
 * are out of range and return another leaf's data: never trusted.
 */
static inline bool cpuid_hypervisor_is(u32 leaf, const char *sig)
{
	struct cpuid_regs r;

	if (!(cpuid(1).ecx & CPUID_1_ECX_HYPERVISOR))
		return false;
	r = cpuid(leaf);
	return !memcmp(&r.ebx, sig, 4) && !memcmp(&r.ecx, sig + 4, 4) &&
	       !memcmp(&r.edx, sig + 8, 4);
}

static inline u8 inb(u16 port)
{
	u8 v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outb(u8 v, u16 port)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline u32 inl(u16 port)
{
	u32 v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(u32 v, u16 port)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return lo | ((u64)hi << 32);
}

static inline void wrmsr(u32 msr, u64 v)
{
	asm volatile("wrmsr"
		     :
		     : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32))
		     : "memory");
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return lo | ((u64)hi << 32);
}

static inline u64 read_cr2(void)
{
	u64 v;

	asm volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline u64 read_cr3(void)
{
	u64 v;

	asm volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

/* Also flushes the TLB's non-global entries. */
static inline void write_cr3(u64 v)
{
	asm volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline u64 read_cr4(void)
{
	u64 v;

	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(u64 v)
{
	asm volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline u16 read_cs(void)
{
	u16 v;

	asm volatile("mov %%cs, %0" : "=r"(v));
	return v;
}

static inline u16 read_ss(void)
{
	u16 v;

	asm volatile("mov %%ss, %0" : "=r"(v));
	return v;
}

static inline u64 read_rflags(void)
{
	u64 v;

	asm volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

/* Spin-wait hint; generic code gets it through arch.h. */
static inline void cpu_relax(void)
{
	asm volatile("pause" ::: "memory");
}

static inline void irq_enable(void)
{
	asm volatile("sti" ::: "memory");
}

static inline void irq_disable(void)
{
	asm volatile("cli" ::: "memory");
}

/* Enables interrupts and halts, with no window for one to slip past. */
static inline void safe_halt(void)
{
	asm volatile("sti; hlt" ::: "memory");
}

/*
 * Time-outs are counted in TSC cycles: no calibration is needed to
 * bound a wait, and these are generous for any plausible TSC rate.
 */
#define TSC_CYCLES_SHORT (1ULL << 24) /* a few milliseconds */
#define TSC_CYCLES_LONG	 (1ULL << 31) /* around a second */

static inline bool tsc_passed(u64 deadline)
{
	return (s64)(rdtsc() - deadline) >= 0;
}

/*
 * Interrupts on for a few milliseconds, then off again: lets a pending
 * or stray interrupt show.
 */
static inline void irq_linger(void)
{
	u64 deadline = rdtsc() + TSC_CYCLES_SHORT;

	irq_enable();
	while (!tsc_passed(deadline))
		cpu_relax();
	irq_disable();
}
#endif /* __ASSEMBLY__ */

#endif /* GUEST_PROCESSOR_H */
