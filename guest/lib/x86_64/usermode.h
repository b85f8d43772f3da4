/* SPDX-License-Identifier: GPL-2.0-only */
/* Running a function at CPL3. */
#ifndef GUEST_USERMODE_H
#define GUEST_USERMODE_H

#include "exceptions.h"
#include "types.h"

/*
 * Runs fn(arg) at CPL3 on this CPU's user stack and returns its value.
 * All guest memory is user-accessible, so fn may be any guest function
 * that avoids privileged instructions (no printf, no report: port I/O
 * faults at CPL3); asm_safe() works there.  Interrupts stay as enabled
 * or disabled as they were, and are taken on this CPU's kernel stack.
 * Returns 0 with a FAIL line when no user stack can be allocated.
 */
u64 usermode_call(u64 (*fn)(u64 arg), u64 arg);

/*
 * For trap_handler(): when regs is the #UD that ends a usermode_call(),
 * redirects it to resume the caller at CPL0 and returns true.
 */
bool usermode_return(struct ex_regs *regs);

#endif /* GUEST_USERMODE_H */
