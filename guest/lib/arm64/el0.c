// SPDX-License-Identifier: GPL-2.0-only
/* Running snippets of code at EL0 and returning to EL1 (arm64). */
#include "el0.h"
#include "hvcheck_abi.h"
#include "sysreg.h"

#define BLOCK_SHIFT   21	 /* 2 MiB level-2 blocks */
#define PTE_AP_RO_ALL (3UL << 6) /* AP[2:1] 11: read-only at EL1 and EL0 */

extern u64 l2_ram[];
extern const char __el0_start[], el0_return[];
u64 el0_call(const char *snippet, u64 arg);

static bool mapped;

/*
 * entry.S maps RAM's first GiB with 2 MiB blocks (l2_ram) before the
 * MMU is on; the EL0 block becomes read-only for both levels (EL1
 * executes it too: it is not writable at EL0) and executable at EL0.
 * A permission change of a live entry needs no break-before-make, only
 * the TLB invalidation after it.
 */
static void el0_map(void)
{
	u64 el0 = ((u64)__el0_start - HV_ARM64_RAM_BASE) >> BLOCK_SHIFT;

	l2_ram[el0] |= PTE_AP_RO_ALL;
	asm volatile("dsb ishst\n\ttlbi vmalle1is\n\tdsb ish\n\tisb" ::
			     : "memory");
	mapped = true;
}

u64 el0_run(const char *snippet, u64 arg, int *ec)
{
	u64 ret;

	if (!mapped)
		el0_map();
	exception_reset();
	ret = el0_call(snippet, arg);
	*ec = exception_vector();
	return ret;
}

bool el0_svc_return(struct ex_regs *regs)
{
	if (regs->vector / 4 != 2 || ESR_EC(regs->esr) != ESR_EC_SVC64)
		return false;
	regs->elr = (u64)el0_return;
	regs->spsr = SPSR_EL1H_MASKED;
	return true;
}
