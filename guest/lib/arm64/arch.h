/* SPDX-License-Identifier: GPL-2.0-only */
/* What generic guest code needs from the architecture (arm64). */
#ifndef GUEST_ARCH_H
#define GUEST_ARCH_H

#include "percpu.h"
#include "processor.h" /* cpu_relax() */
#include "types.h"

/* Logical CPU number: 0 is the boot CPU. */
static inline unsigned int smp_processor_id(void)
{
	return this_cpu()->cpu;
}

/* Writes to the console (PL011); the caller holds the console lock. */
void arch_console_write(const char *s, size_t n);
/* Hands status to whoever runs the guest and stops this CPU. */
__noreturn void arch_exit(int status);

#endif /* GUEST_ARCH_H */
