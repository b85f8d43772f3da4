// SPDX-License-Identifier: GPL-2.0-only
/* Secondary CPUs: found in the device tree, started with PSCI CPU_ON. */
#include "alloc.h"
#include "arch.h"
#include "errno.h"
#include "fdt.h"
#include "gic.h"
#include "psci.h"
#include "report.h"
#include "on_cpu.h"
#include "smp.h"
#include "timer.h"

#define MPIDR_AFFINITY 0xff00ffffffULL
#define STACK_SIZE     16384
#define ONLINE_WAIT_MS 1000

extern u8 secondary_entry[];
__noreturn void secondary_main(struct percpu *pc);

u64 smp_cpu_mpidr(unsigned int cpu)
{
	return percpu_area[cpu].mpidr;
}

void secondary_main(struct percpu *pc)
{
	percpu_activate(pc);
	if (gic_version() && gic_cpu_init())
		report(false,
		       "smp: CPU %u (MPIDR 0x%lx) has no GIC CPU interface",
		       pc->cpu, pc->mpidr);
	__atomic_store_n(&pc->online, true, __ATOMIC_RELEASE);
	for (;;) {
		void (*fn)(void *);

		fn = __atomic_load_n(&pc->work_fn, __ATOMIC_ACQUIRE);
		if (!fn) {
			cpu_relax();
			continue;
		}
		fn(pc->work_arg);
		__atomic_store_n(&pc->work_fn, NULL, __ATOMIC_RELEASE);
	}
}

static bool wait_online(struct percpu *pc)
{
	u64 deadline =
		timer_count() + ONLINE_WAIT_MS * timer_frequency() / 1000;

	while (!__atomic_load_n(&pc->online, __ATOMIC_ACQUIRE)) {
		if (timer_count() > deadline)
			return false;
		cpu_relax();
	}
	return true;
}

static void start_cpu(struct percpu *pc)
{
	u8 *stack = alloc(STACK_SIZE, 16);
	s64 ret;

	if (!stack) {
		report(false, "smp: no memory for CPU %u's stack", pc->cpu);
		return;
	}
	pc->stack_top = stack + STACK_SIZE;
	ret = (s64)psci_call(PSCI_CPU_ON_64, pc->mpidr,
			     (uintptr_t)secondary_entry, (uintptr_t)pc);
	if (ret)
		report(false, "smp: PSCI CPU_ON of MPIDR 0x%lx returned %ld",
		       pc->mpidr, ret);
	else if (!wait_online(pc))
		report(false, "smp: CPU %u (MPIDR 0x%lx) did not come online",
		       pc->cpu, pc->mpidr);
}

/* The affinity of /cpus/cpu node nth, or false when there is none. */
static bool cpu_node_mpidr(const void *dtb, unsigned int cells,
			   unsigned int nth, u64 *mpidr)
{
	u32 len;
	const void *reg = fdt_get_prop_nth(dtb, "/cpus/cpu", "reg", nth, &len);

	if (!reg || len != 4 * cells)
		return false;
	*mpidr = cells == 2 ? (u64)fdt_cell(reg, 0) << 32 | fdt_cell(reg, 1) :
			      fdt_cell(reg, 0);
	return true;
}

void smp_init(const void *dtb)
{
	u64 boot_mpidr = read_sysreg(mpidr_el1) & MPIDR_AFFINITY, mpidr;
	const void *cells_prop;
	unsigned int cells;
	u32 len;

	percpu_area[0].mpidr = boot_mpidr;
	percpu_area[0].online = true;
	cells_prop = fdt_get_prop(dtb, "/cpus", "#address-cells", &len);
	cells = cells_prop && len == 4 ? fdt_cell(cells_prop, 0) : 0;
	if (cells != 1 && cells != 2) {
		report(false, "smp: /cpus #address-cells is not 1 or 2");
		return;
	}
	for (unsigned int nth = 0; cpu_node_mpidr(dtb, cells, nth, &mpidr);
	     nth++) {
		struct percpu *pc;

		if (mpidr == boot_mpidr)
			continue;
		if (smp_cpus == MAX_CPUS) {
			report(false, "smp: more than %u CPUs", MAX_CPUS);
			break;
		}
		pc = &percpu_area[smp_cpus];
		pc->cpu = smp_cpus++;
		pc->mpidr = mpidr;
		start_cpu(pc);
	}
}

void arch_smp_kick(unsigned int cpu)
{
	/* Secondaries poll their work slot: nothing to wake. */
	(void)cpu;
}
