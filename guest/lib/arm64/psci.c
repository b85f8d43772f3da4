// SPDX-License-Identifier: GPL-2.0-only
/* PSCI through the conduit the device tree names. */
#include "errno.h"
#include "psci.h"
#include "string.h"

static bool use_smc;

int psci_set_conduit(const char *method)
{
	if (!method || !strcmp(method, "hvc"))
		use_smc = false;
	else if (!strcmp(method, "smc"))
		use_smc = true;
	else
		return -EINVAL;
	return 0;
}

u64 psci_call(u32 fn, u64 arg0, u64 arg1, u64 arg2)
{
	register u64 x0 asm("x0") = fn;
	register u64 x1 asm("x1") = arg0;
	register u64 x2 asm("x2") = arg1;
	register u64 x3 asm("x3") = arg2;

	/* SMCCC: x0-x17 may be clobbered by the callee. */
	if (use_smc)
		asm volatile("smc #0"
			     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			     :
			     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
			       "x12", "x13", "x14", "x15", "x16", "x17",
			       "memory");
	else
		asm volatile("hvc #0"
			     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			     :
			     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
			       "x12", "x13", "x14", "x15", "x16", "x17",
			       "memory");
	return x0;
}
