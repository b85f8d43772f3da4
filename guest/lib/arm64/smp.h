/* SPDX-License-Identifier: GPL-2.0-only */
/* Bringing up the other CPUs and running functions on them. */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include "on_cpu.h"
#include "types.h"

/*
 * Finds the CPUs in the device tree (/cpus/cpu@N "reg", the MPIDR
 * affinity) and starts each with PSCI CPU_ON.  CPU 0 is the boot CPU,
 * the others are numbered in device-tree order.  Boot CPU, once.
 */
void smp_init(const void *dtb);

/* The MPIDR affinity the device tree gives for cpu. */
u64 smp_cpu_mpidr(unsigned int cpu);

#endif /* GUEST_SMP_H */
