/* SPDX-License-Identifier: GPL-2.0-only */
/* Which CPUs are online, and running a function on another one. */
#ifndef GUEST_ON_CPU_H
#define GUEST_ON_CPU_H

#include "types.h"

/* CPUs the firmware reported; the arch's smp_init() counts them here. */
extern unsigned int smp_cpus;

unsigned int smp_nr_cpus(void);
bool smp_cpu_online(unsigned int cpu);
unsigned int smp_nr_online(void);

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

/* Arch hook: make cpu look at the work just posted for it. */
void arch_smp_kick(unsigned int cpu);

#endif /* GUEST_ON_CPU_H */
