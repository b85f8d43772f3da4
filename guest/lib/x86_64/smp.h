/* SPDX-License-Identifier: GPL-2.0-only */
/* Bringing up the other CPUs and running functions on them. */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include "on_cpu.h"
#include "types.h"

/*
 * Finds the CPUs in the ACPI MADT and starts each AP with
 * INIT-SIPI-SIPI.  CPU 0 is the boot CPU, the others are numbered in
 * MADT order.  Boot CPU, once.
 */
void smp_init(void);

/* The APIC ID the MADT gives for cpu. */
u32 smp_cpu_apic_id(unsigned int cpu);

#endif /* GUEST_SMP_H */
