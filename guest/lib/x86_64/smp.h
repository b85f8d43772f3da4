/* SPDX-License-Identifier: GPL-2.0-only */
/* Bringing up the other CPUs and running functions on them. */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include "types.h"

/*
 * Finds the CPUs in the ACPI MADT and starts each AP with
 * INIT-SIPI-SIPI.  CPU 0 is the boot CPU, the others are numbered in
 * MADT order.  Boot CPU, once.
 */
void smp_init(void);

/* CPUs the firmware reported (enabled MADT entries). */
unsigned int smp_nr_cpus(void);
bool smp_cpu_online(unsigned int cpu);
unsigned int smp_nr_online(void);
/* The APIC ID the MADT gives for cpu. */
u32 smp_cpu_apic_id(unsigned int cpu);

/*
 * Runs fn(arg) on cpu, with interrupts off there, and waits for it to
 * return.  On the calling CPU it is a plain call.  Returns 0, or
 * -ENODEV for a CPU that is not online.
 */
int on_cpu(unsigned int cpu, void (*fn)(void *arg), void *arg);
/* The same without waiting; on_cpu_wait() waits, on_cpu_done() polls. */
int on_cpu_async(unsigned int cpu, void (*fn)(void *arg), void *arg);
bool on_cpu_done(unsigned int cpu);
void on_cpu_wait(unsigned int cpu);

#endif /* GUEST_SMP_H */
