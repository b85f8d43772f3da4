/* SPDX-License-Identifier: GPL-2.0-only */
/* Bringing up the other CPUs and running functions on them. */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include "types.h"

/*
 * Finds the CPUs in the device tree (/cpus/cpu@N "reg", the MPIDR
 * affinity) and starts each with PSCI CPU_ON.  CPU 0 is the boot CPU,
 * the others are numbered in device-tree order.  Boot CPU, once.
 */
void smp_init(const void *dtb);

/* CPUs the device tree lists. */
unsigned int smp_nr_cpus(void);
bool smp_cpu_online(unsigned int cpu);
unsigned int smp_nr_online(void);
/* The MPIDR affinity the device tree gives for cpu. */
u64 smp_cpu_mpidr(unsigned int cpu);

/*
 * Runs fn(arg) on cpu, with interrupts masked there, and waits for it
 * to return.  On the calling CPU it is a plain call.  Returns 0, or
 * -ENODEV for a CPU that is not online.
 */
int on_cpu(unsigned int cpu, void (*fn)(void *arg), void *arg);
/* The same without waiting; on_cpu_wait() waits, on_cpu_done() polls. */
int on_cpu_async(unsigned int cpu, void (*fn)(void *arg), void *arg);
bool on_cpu_done(unsigned int cpu);
void on_cpu_wait(unsigned int cpu);

#endif /* GUEST_SMP_H */
