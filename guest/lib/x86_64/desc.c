// SPDX-License-Identifier: GPL-2.0-only
/* Per-CPU areas, each CPU's GDT and TSS, and loading the shared IDT. */
#include "desc.h"
#include "exceptions.h"
#include "percpu.h"
#include "processor.h"
#include "string.h"

struct desc_ptr {
	u16 limit;
	u64 base;
} __packed;

BUILD_BUG_ON(offsetof(struct percpu, self) != 0);
BUILD_BUG_ON(offsetof(struct percpu, user_return_rsp) !=
	     PERCPU_USER_RETURN_RSP);
BUILD_BUG_ON(offsetof(struct tss, rsp0) != TSS_RSP0_OFFSET);
BUILD_BUG_ON(sizeof(struct tss) != 104);

struct percpu percpu_area[MAX_CPUS];

extern const u8 idt_table[], idt_table_end[];
extern const u64 boot_gdt[GDT_ENTRIES];

void percpu_activate(struct percpu *pc)
{
	pc->self = pc;
	pc->ex_vector = EXC_NONE;
	wrmsr(MSR_GS_BASE, (uintptr_t)pc);
}

/* A 64-bit available TSS descriptor, 16 bytes over two GDT slots. */
static void set_tss_descriptor(u64 *slot, const struct tss *tss)
{
	u64 base = (uintptr_t)tss;
	u64 limit = sizeof(*tss) - 1;

	slot[0] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ULL << 40 |
		  ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
	slot[1] = base >> 32;
}

void cpu_tables_load(struct percpu *pc)
{
	struct desc_ptr gdt_ptr = { sizeof(pc->gdt) - 1, (uintptr_t)pc->gdt };
	struct desc_ptr idt_ptr = { idt_table_end - idt_table - 1,
				    (uintptr_t)idt_table };

	memset(&pc->tss, 0, sizeof(pc->tss));
	pc->tss.rsp0 = (uintptr_t)pc->stack_top;
	pc->tss.ist[IST_EMERGENCY - 1] = (uintptr_t)pc->ist_stack_top;
	pc->tss.iomap_base = sizeof(pc->tss); /* no I/O bitmap: CPL3 gets #GP */

	memcpy(pc->gdt, boot_gdt, sizeof(pc->gdt));
	set_tss_descriptor(&pc->gdt[GDT_TSS / 8], &pc->tss);

	asm volatile("lgdt %0\n\t"
		     "pushq %1\n\t"
		     "leaq 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:\n\t"
		     "movl %2, %%eax\n\t"
		     "movl %%eax, %%ds\n\t"
		     "movl %%eax, %%es\n\t"
		     "movl %%eax, %%ss\n\t"
		     "ltr %w3\n\t"
		     "lidt %4"
		     :
		     : "m"(gdt_ptr), "i"(GDT_KERNEL_CS), "i"(GDT_KERNEL_DS),
		       "r"(GDT_TSS), "m"(idt_ptr)
		     : "rax", "memory");
}
