// SPDX-License-Identifier: GPL-2.0-only
/* Running functions on other CPUs: the arch-neutral work slot protocol. */
#include "arch.h"
#include "errno.h"
#include "on_cpu.h"
#include "percpu.h"

unsigned int smp_cpus = 1;

unsigned int smp_nr_cpus(void)
{
	return smp_cpus;
}

bool smp_cpu_online(unsigned int cpu)
{
	return cpu < smp_cpus &&
	       __atomic_load_n(&percpu_area[cpu].online, __ATOMIC_ACQUIRE);
}

unsigned int smp_nr_online(void)
{
	unsigned int online = 0;

	for (unsigned int cpu = 0; cpu < smp_cpus; cpu++)
		online += smp_cpu_online(cpu);
	return online;
}

int on_cpu_async(unsigned int cpu, void (*fn)(void *), void *arg)
{
	struct percpu *pc = &percpu_area[cpu];

	if (!smp_cpu_online(cpu) || cpu == smp_processor_id())
		return -ENODEV;
	on_cpu_wait(cpu);
	pc->work_arg = arg;
	__atomic_store_n(&pc->work_fn, fn, __ATOMIC_RELEASE);
	arch_smp_kick(cpu);
	return 0;
}

bool on_cpu_done(unsigned int cpu)
{
	return !__atomic_load_n(&percpu_area[cpu].work_fn, __ATOMIC_ACQUIRE);
}

void on_cpu_wait(unsigned int cpu)
{
	while (!on_cpu_done(cpu))
		cpu_relax();
}

int on_cpu(unsigned int cpu, void (*fn)(void *), void *arg)
{
	int ret;

	if (cpu == smp_processor_id()) {
		fn(arg);
		return 0;
	}
	ret = on_cpu_async(cpu, fn, arg);
	if (!ret)
		on_cpu_wait(cpu);
	return ret;
}
