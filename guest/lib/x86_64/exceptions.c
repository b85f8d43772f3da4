// SPDX-License-Identifier: GPL-2.0-only
/* Trap dispatch: fixups, installed handlers, and fatal reports. */
#include "arch.h"
#include "exceptions.h"
#include "hvcheck_abi.h"
#include "printf.h"
#include "processor.h"
#include "report.h"
#include "usermode.h"

extern const struct ex_entry __ex_table_start[], __ex_table_end[];

static irq_handler_t handlers[256];

static const char *const exception_names[32] = {
	"#DE",	     "#DB", "NMI", "#BP", "#OF",
	"#BR",	     "#UD", "#NM", "#DF", "coprocessor segment overrun",
	"#TS",	     "#NP", "#SS", "#GP", "#PF",
	"vector 15", "#MF", "#AC", "#MC", "#XM",
	"#VE",	     "#CP",
};

const char *exception_name(unsigned int vector)
{
	if (vector < ARRAY_SIZE(exception_names) && exception_names[vector])
		return exception_names[vector];
	return vector < 32 ? "reserved exception" : "interrupt";
}

const char *exception_text(int vector)
{
	return vector == EXC_NONE ? "no exception" : exception_name(vector);
}

irq_handler_t irq_set_handler(unsigned int vector, irq_handler_t handler)
{
	return __atomic_exchange_n(&handlers[vector & 0xff], handler,
				   __ATOMIC_ACQ_REL);
}

/*
 * NMIs and interrupts arrive between instructions, #DF and #MC are
 * aborts: none of them is "this instruction faulted".
 */
static bool fixup_applies(unsigned int vector)
{
	return vector < 32 && vector != NMI_VECTOR && vector != DF_VECTOR &&
	       vector != MC_VECTOR;
}

static bool apply_fixup(struct ex_regs *regs)
{
	struct percpu *pc = this_cpu();

	for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end;
	     e++) {
		if (e->insn != regs->rip)
			continue;
		pc->ex_vector = (int)regs->vector;
		pc->ex_error_code = regs->error_code;
		pc->ex_address = regs->vector == PF_VECTOR ? read_cr2() : 0;
		regs->rip = e->fixup;
		return true;
	}
	return false;
}

static __noreturn void fatal_trap(struct ex_regs *regs)
{
	struct percpu *pc = this_cpu();

	/* A fault while reporting one: the report cannot be trusted. */
	if (pc->in_fatal_trap)
		arch_exit(HV_STATUS_FAIL);
	pc->in_fatal_trap = true;

	console_lock();
	if (regs->vector == PF_VECTOR)
		report(false,
		       "unexpected exception #PF (vector 14) on CPU %u at "
		       "RIP 0x%lx, error code 0x%lx, CR2 0x%lx",
		       pc->cpu, regs->rip, regs->error_code, read_cr2());
	else if (regs->vector < 32)
		report(false,
		       "unexpected exception %s (vector %lu) on CPU %u at "
		       "RIP 0x%lx, error code 0x%lx",
		       exception_name(regs->vector), regs->vector, pc->cpu,
		       regs->rip, regs->error_code);
	else
		report(false,
		       "unexpected interrupt, vector 0x%lx, on CPU %u at "
		       "RIP 0x%lx",
		       regs->vector, pc->cpu, regs->rip);
	printf("  CS %04lx SS %04lx RFLAGS %016lx RSP %016lx CR2 %016lx\n",
	       regs->cs, regs->ss, regs->rflags, regs->rsp, read_cr2());
	printf("  RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n", regs->rax,
	       regs->rbx, regs->rcx, regs->rdx);
	printf("  RSI %016lx RDI %016lx RBP %016lx R8  %016lx\n", regs->rsi,
	       regs->rdi, regs->rbp, regs->r8);
	printf("  R9  %016lx R10 %016lx R11 %016lx R12 %016lx\n", regs->r9,
	       regs->r10, regs->r11, regs->r12);
	printf("  R13 %016lx R14 %016lx R15 %016lx\n", regs->r13, regs->r14,
	       regs->r15);
	console_unlock();
	report_exit();
}

/* Called by trap_common (vectors.S) for every vector. */
void trap_handler(struct ex_regs *regs)
{
	irq_handler_t handler;

	if (regs->vector == UD_VECTOR && usermode_return(regs))
		return;
	if (fixup_applies(regs->vector) && apply_fixup(regs))
		return;
	handler = __atomic_load_n(&handlers[regs->vector & 0xff],
				  __ATOMIC_ACQUIRE);
	if (!handler)
		fatal_trap(regs);
	handler(regs);
}

int rdmsr_safe(u32 msr, u64 *value)
{
	u32 lo, hi;
	int vector;

	vector = asm_safe("rdmsr", : "=a"(lo), "=d"(hi) : "c"(msr));
	if (vector == EXC_NONE)
		*value = lo | ((u64)hi << 32);
	return vector;
}

int wrmsr_safe(u32 msr, u64 value)
{
	return asm_safe("wrmsr",
			:
			: "c"(msr), "a"((u32)value), "d"((u32)(value >> 32))
			: "memory");
}
