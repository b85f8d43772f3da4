// SPDX-License-Identifier: GPL-2.0-only
/* Leaving the run: semihosting, the VMM's exit register, SYSTEM_OFF. */
#include "arch.h"
#include "exceptions.h"
#include "hvcheck_abi.h"
#include "psci.h"

#define SEMIHOST_SYS_EXIT_EXTENDED    0x20
#define SEMIHOST_ADP_APPLICATION_EXIT 0x20026

void arch_exit(int status)
{
	u64 block[2] = { SEMIHOST_ADP_APPLICATION_EXIT, (u64)status };
	register u64 x0 asm("x0") = SEMIHOST_SYS_EXIT_EXTENDED;
	register u64 x1 asm("x1") = (u64)block;

	/*
	 * PSCI SYSTEM_OFF carries no status, so first the ways that do:
	 * QEMU with -semihosting exits with status on this HLT; without
	 * it, HLT #0xf000 is an undefined instruction and the fixup falls
	 * through.  The hvcheck VMM ends the run on the write to its exit
	 * register; elsewhere that write aborts and falls through too, to
	 * SYSTEM_OFF, and whoever runs the guest takes the status from the
	 * EXIT: line.
	 */
	asm_safe("hlt #0xf000", : "+r"(x0) : "r"(x1) : "memory");
	asm_safe("str %w0, [%1]",
		 :
		 : "r"(status), "r"(HV_ARM64_EXIT_BASE)
		 : "memory");
	psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		asm volatile("msr daifset, #0xf; wfi");
}
