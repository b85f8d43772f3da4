// SPDX-License-Identifier: GPL-2.0-only
/* Exception dispatch: fixups, and fatal reports for everything else. */
#include "arch.h"
#include "el0.h"
#include "exceptions.h"
#include "gic.h"
#include "printf.h"
#include "report.h"

BUILD_BUG_ON(sizeof(struct ex_regs) > EX_FRAME_SIZE);
BUILD_BUG_ON(EX_FRAME_SIZE % 16);
BUILD_BUG_ON(offsetof(struct ex_regs, sp) != EX_SP);
BUILD_BUG_ON(offsetof(struct ex_regs, elr) != EX_ELR);
BUILD_BUG_ON(offsetof(struct ex_regs, esr) != EX_ESR);
BUILD_BUG_ON(offsetof(struct ex_regs, vector) != EX_VECTOR);

extern const struct ex_entry __ex_table_start[], __ex_table_end[];

void exception_dispatch(struct ex_regs *regs);

static const char *const kind_names[] = { "synchronous exception", "IRQ", "FIQ",
					  "SError" };
static const char *const source_names[] = { "EL1 with SP_EL0", "EL1",
					    "EL0 (AArch64)", "EL0 (AArch32)" };

const char *exception_name(unsigned int ec)
{
	switch (ec) {
	case ESR_EC_UNKNOWN:
		return "unknown reason (undefined instruction)";
	case ESR_EC_SVC64:
		return "SVC";
	case ESR_EC_HVC64:
		return "HVC";
	case ESR_EC_SYS64:
		return "trapped system register access";
	case ESR_EC_IABT_CUR:
		return "instruction abort";
	case ESR_EC_PC_ALIGN:
		return "PC alignment fault";
	case ESR_EC_DABT_CUR:
		return "data abort";
	case ESR_EC_SP_ALIGN:
		return "SP alignment fault";
	case ESR_EC_SERROR:
		return "SError";
	case ESR_EC_BRK64:
		return "BRK";
	default:
		return "exception";
	}
}

static bool apply_fixup(struct ex_regs *regs)
{
	struct percpu *pc = this_cpu();

	for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end;
	     e++) {
		if (e->insn != regs->elr)
			continue;
		pc->ex_vector = (int)ESR_EC(regs->esr);
		pc->ex_error_code = regs->esr;
		pc->ex_address = regs->far;
		regs->elr = e->fixup;
		return true;
	}
	return false;
}

static void dump_regs(const struct ex_regs *regs)
{
	for (unsigned int i = 0; i < 30; i += 2)
		printf("  x%-2u %016lx  x%-2u %016lx\n", i, regs->regs[i],
		       i + 1, regs->regs[i + 1]);
	printf("  x30 %016lx  sp  %016lx  spsr %08lx\n", regs->regs[30],
	       regs->sp, regs->spsr);
}

static __noreturn void fatal_trap(struct ex_regs *regs)
{
	struct percpu *pc = this_cpu();
	unsigned int kind = regs->vector % 4, source = regs->vector / 4 % 4;

	/* A fault while reporting one: leave at once, failed. */
	if (pc->in_fatal_trap)
		arch_exit(1);
	pc->in_fatal_trap = true;

	console_lock();
	if (kind == EX_SYNC)
		report(false,
		       "unexpected %s (EC 0x%lx) from %s on CPU %u at PC 0x%lx, "
		       "ESR 0x%lx, FAR 0x%lx",
		       exception_name(ESR_EC(regs->esr)), ESR_EC(regs->esr),
		       source_names[source], pc->cpu, regs->elr, regs->esr,
		       regs->far);
	else
		report(false, "unexpected %s from %s on CPU %u at PC 0x%lx",
		       kind_names[kind], source_names[source], pc->cpu,
		       regs->elr);
	dump_regs(regs);
	console_unlock();
	report_exit();
}

void exception_dispatch(struct ex_regs *regs)
{
	/* First: the instruction after an SVC may be another's fixup. */
	if (el0_svc_return(regs))
		return;
	if (regs->vector % 4 == EX_SYNC && apply_fixup(regs))
		return;
	if (regs->vector % 4 == EX_IRQ && gic_handle_irq())
		return;
	fatal_trap(regs);
}
