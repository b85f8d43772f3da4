// SPDX-License-Identifier: GPL-2.0-only
/* hostile.step_wild: jumps out of guest memory while the vPMU steps. */
#include "exceptions.h"
#include "pmu.h"
#include "printf.h"
#include "processor.h"
#include "report.h"
#include "test.h"

#define PTE_PRESENT_RW	0x3ull
#define PML4_SLOT_VA(i) ((u64)(i) << 39)

/* Where a fault in jump_wild() resumes, and what it saw. */
static volatile u64 recover_rip, fault_cr2;
static volatile int fault_vector = EXC_NONE;

static void wild_recover(struct ex_regs *regs)
{
	fault_vector = (int)regs->vector;
	fault_cr2 = regs->vector == PF_VECTOR ? read_cr2() : 0;
	regs->rip = recover_rip;
}

/* Jumps to @target; the fault it raises resumes right after the jump. */
static int jump_wild(u64 target)
{
	fault_vector = EXC_NONE;
	asm volatile("lea 1f(%%rip), %%rax\n\t"
		     "mov %%rax, %0\n\t"
		     "jmp *%1\n"
		     "1:"
		     : "=m"(recover_rip)
		     : "d"(target)
		     : "rax", "memory");
	return fault_vector;
}

struct wild_case {
	const char *what;
	unsigned int slot; /* PML4 slot given @table, 0: none */
	u64 table;	   /* its PDPT's guest-physical address */
	u64 target;
	int vector;
};

/*
 * The guest maps the first 4 GiB through PML4 slot 0 only.  The host's
 * page walk (the emulated vPMU decodes every next instruction) meets a
 * missing table, a non-canonical IP, and tables in no memory at all.
 */
static const struct wild_case cases[] = {
	{ "an unmapped IP", 0, 0, PML4_SLOT_VA(1), PF_VECTOR },
	{ "a non-canonical IP", 0, 0, 0x0000800000000000ull, GP_VECTOR },
	{ "an IP whose PDPT is unbacked MMIO", 2, 0xc0000000ull,
	  PML4_SLOT_VA(2), PF_VECTOR },
	{ "an IP whose PDPT lies past guest memory", 3, 0x7ffffff000ull,
	  PML4_SLOT_VA(3), PF_VECTOR },
};

static void run_case(const struct wild_case *c, u64 *pml4)
{
	int vector;

	if (c->slot) {
		pml4[c->slot] = c->table | PTE_PRESENT_RW;
		write_cr3(read_cr3());
	}
	vector = jump_wild(c->target);
	if (c->slot) {
		pml4[c->slot] = 0;
		write_cr3(read_cr3());
	}
	report(vector == c->vector, "%s (%#llx): %s", c->what,
	       (unsigned long long)c->target, exception_text(vector));
}

static void test_step_wild(void)
{
	u64 *pml4 = (u64 *)(read_cr3() & ~0xfffull);
	irq_handler_t old_pf, old_gp;
	u64 stepped;

	if (!pmu_require())
		return;
	old_pf = irq_set_handler(PF_VECTOR, wild_recover);
	old_gp = irq_set_handler(GP_VECTOR, wild_recover);
	/* instructions counted: the emulated vPMU steps each one */
	pmu_counter_start_insns((struct pmu_counter){ .fixed = false });
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&cases[i], pml4);
	stepped = rdmsr(pmu_gp_msr(0));
	report(stepped > 0, "counter 0 counted the stepped jumps (%llu)",
	       (unsigned long long)stepped);
	pmu_reset();
	irq_set_handler(PF_VECTOR, old_pf);
	irq_set_handler(GP_VECTOR, old_gp);
}
DEFINE_TEST(test_step_wild, "hostile.step_wild");
