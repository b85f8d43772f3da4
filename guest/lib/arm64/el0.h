/* SPDX-License-Identifier: GPL-2.0-only */
/* Running snippets of code at EL0 and returning to EL1 (arm64). */
#ifndef GUEST_EL0_H
#define GUEST_EL0_H

#include "exceptions.h"
#include "types.h"

/*
 * Snippets in el0_entry.S, in the EL0 block: each takes x0, does its one
 * thing and returns x0 to EL1 with an SVC.  The PMU accesses are in
 * the exception table: one that faults leaves x0 as it was.
 */
extern const char el0_mrs_pmccntr[], el0_mrs_pmevcntr0[], el0_mrs_pmcr[],
	el0_msr_pmswinc[], el0_msr_pmselr[], el0_mrs_pmxevcntr[], el0_loop[];

/*
 * Runs snippet at EL0 with x0 = arg and IRQs masked on this CPU; returns
 * its x0, and in *ec the exception class its access raised (EXC_NONE:
 * none).  The first call maps the EL0 block (boot CPU, before others
 * use it).
 */
u64 el0_run(const char *snippet, u64 arg, int *ec);

/*
 * For exception_dispatch(): an SVC from EL0 ends el0_run(); true when
 * regs was that (then it returns to el0_run's caller).
 */
bool el0_svc_return(struct ex_regs *regs);

#endif /* GUEST_EL0_H */
