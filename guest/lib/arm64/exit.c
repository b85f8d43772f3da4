// SPDX-License-Identifier: GPL-2.0-only
/* Leaving the run: semihosting exit with the status, else SYSTEM_OFF. */
#include "arch.h"
#include "exceptions.h"
#include "psci.h"

#define SEMIHOST_SYS_EXIT_EXTENDED    0x20
#define SEMIHOST_ADP_APPLICATION_EXIT 0x20026

void arch_exit(int status)
{
	u64 block[2] = { SEMIHOST_ADP_APPLICATION_EXIT, (u64)status };
	register u64 x0 asm("x0") = SEMIHOST_SYS_EXIT_EXTENDED;
	register u64 x1 asm("x1") = (u64)block;

	/*
	 * PSCI SYSTEM_OFF carries no status (QEMU then exits 0), so try
	 * semihosting first: QEMU with -semihosting exits with status.
	 * Without it, HLT #0xf000 is an undefined instruction and the
	 * fixup falls through to SYSTEM_OFF; whoever runs the guest then
	 * takes the status from the EXIT: line.
	 */
	asm_safe("hlt #0xf000", : "+r"(x0) : "r"(x1) : "memory");
	psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		asm volatile("msr daifset, #0xf; wfi");
}
