// SPDX-License-Identifier: GPL-2.0-only
/* CPL3 calls: the user stack, and the way back to CPL0. */
#include "alloc.h"
#include "desc.h"
#include "percpu.h"
#include "processor.h"
#include "report.h"
#include "usermode.h"

#define USER_STACK_SIZE 16384

u64 usermode_enter(u64 (*fn)(u64), u64 arg, void *user_stack_top,
		   struct tss *tss);
extern const u8 usermode_return_insn[], usermode_exit[];

/*
 * CPL3 code comes back through an exception, the one ring transition
 * every hypervisor delivers faithfully: on the project's KVM hosts
 * INT n at CPL3 raises #UD, and SYSCALL leaves the CPU at CPL3.
 */
bool usermode_return(struct ex_regs *regs)
{
	struct percpu *pc = this_cpu();

	if (regs->rip != (uintptr_t)usermode_return_insn ||
	    (regs->cs & 3) != 3 || !pc->user_return_rsp)
		return false;
	regs->rip = (uintptr_t)usermode_exit;
	regs->cs = GDT_KERNEL_CS;
	regs->ss = GDT_KERNEL_DS;
	regs->rsp = pc->user_return_rsp;
	/* usermode_exit restores the caller's flags itself. */
	regs->rflags = X86_RFLAGS_FIXED;
	pc->user_return_rsp = 0;
	return true;
}

u64 usermode_call(u64 (*fn)(u64), u64 arg)
{
	struct percpu *pc = this_cpu();

	if (!pc->user_stack_top) {
		u8 *stack = alloc(USER_STACK_SIZE, PAGE_SIZE);

		if (!stack) {
			report(false, "usermode: no memory for a user stack");
			return 0;
		}
		pc->user_stack_top = stack + USER_STACK_SIZE;
	}
	return usermode_enter(fn, arg, pc->user_stack_top, &pc->tss);
}
