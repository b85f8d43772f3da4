// SPDX-License-Identifier: GPL-2.0-only
/* AP start-up through the real-mode trampoline, and the AP work loop. */
#include "acpi.h"
#include "arch.h"
#include "alloc.h"
#include "apic.h"
#include "boot_info.h"
#include "errno.h"
#include "exceptions.h"
#include "printf.h"
#include "processor.h"
#include "on_cpu.h"
#include "smp.h"
#include "string.h"

extern const u8 ap_trampoline_start[], ap_trampoline_end[];

/* Read by ap_long_mode_entry (trampoline.S) on the AP being started. */
struct percpu *ap_boot_cpu;
u64 ap_boot_stack;

/* As the MADT lists them; each CPU reads its own into percpu. */
static u32 madt_apic_ids[MAX_CPUS];

u32 smp_cpu_apic_id(unsigned int cpu)
{
	return madt_apic_ids[cpu];
}

static void wakeup_interrupt(struct ex_regs *regs)
{
	(void)regs;
	apic_eoi();
}

static __noreturn void ap_work_loop(struct percpu *pc)
{
	for (;;) {
		void (*fn)(void *);

		irq_disable();
		fn = __atomic_load_n(&pc->work_fn, __ATOMIC_ACQUIRE);
		if (!fn) {
			/* Woken by SMP_WAKEUP_VECTOR or any test interrupt. */
			safe_halt();
			continue;
		}
		fn(pc->work_arg);
		__atomic_store_n(&pc->work_fn, NULL, __ATOMIC_RELEASE);
	}
}

/* Called by ap_long_mode_entry on the AP's own stack. */
__noreturn void ap_main(struct percpu *pc)
{
	percpu_activate(pc);
	cpu_tables_load(pc);
	apic_init();
	__atomic_store_n(&pc->online, true, __ATOMIC_RELEASE);
	ap_work_loop(pc);
}

static bool wait_online(struct percpu *pc, u64 cycles)
{
	u64 deadline = rdtsc() + cycles;

	while (!__atomic_load_n(&pc->online, __ATOMIC_ACQUIRE)) {
		if (tsc_passed(deadline))
			return false;
		cpu_relax();
	}
	return true;
}

static bool start_ap(struct percpu *pc)
{
	u32 dest = madt_apic_ids[pc->cpu];
	u8 *stack = alloc(KERNEL_STACK_SIZE, PAGE_SIZE);
	u8 *ist = alloc(IST_STACK_SIZE, PAGE_SIZE);

	if (!stack || !ist) {
		printf("smp: no memory for the stacks of CPU %u\n", pc->cpu);
		return false;
	}
	pc->stack_top = stack + KERNEL_STACK_SIZE;
	pc->ist_stack_top = ist + IST_STACK_SIZE;
	ap_boot_cpu = pc;
	ap_boot_stack = (uintptr_t)pc->stack_top;

	/*
	 * INIT, then SIPI; a second SIPI only if the first was not taken.
	 * Virtual CPUs need none of the delays of the MP specification.
	 */
	apic_send_init(dest);
	apic_send_sipi(dest, TRAMPOLINE_BASE >> 12);
	if (wait_online(pc, TSC_CYCLES_SHORT))
		return true;
	apic_send_sipi(dest, TRAMPOLINE_BASE >> 12);
	if (wait_online(pc, TSC_CYCLES_LONG))
		return true;
	printf("smp: CPU %u (APIC ID %u) did not start\n", pc->cpu, dest);
	return false;
}

void smp_init(void)
{
	static struct acpi_cpu found[MAX_CPUS];
	struct percpu *bsp = this_cpu();
	unsigned int nr_found;
	bool bsp_listed = false;
	const char *why;
	int ret;

	bsp->online = true;
	madt_apic_ids[0] = bsp->apic_id;
	irq_set_handler(SMP_WAKEUP_VECTOR, wakeup_interrupt);
	ret = acpi_madt_cpus(boot_info.rsdp, boot_info.rsdp_len, found,
			     MAX_CPUS, &nr_found, &why);
	if (ret && ret != -E2BIG) {
		printf("smp: %s: only the boot CPU runs\n", why);
		return;
	}
	if (ret)
		printf("smp: %s: using the first %u\n", why, nr_found);

	for (unsigned int i = 0; i < nr_found; i++) {
		struct percpu *pc;

		/* The boot CPU is CPU 0 wherever the MADT lists it. */
		if (found[i].apic_id == bsp->apic_id) {
			bsp_listed = true;
			continue;
		}
		if (smp_cpus == MAX_CPUS)
			continue;
		pc = &percpu_area[smp_cpus];
		pc->cpu = smp_cpus;
		madt_apic_ids[smp_cpus] = found[i].apic_id;
		smp_cpus++;
	}
	if (!bsp_listed)
		printf("smp: the boot CPU (APIC ID %u) is not in the MADT\n",
		       bsp->apic_id);

	memcpy((void *)TRAMPOLINE_BASE, ap_trampoline_start,
	       ap_trampoline_end - ap_trampoline_start);
	for (unsigned int cpu = 1; cpu < smp_cpus; cpu++) {
		/* A late AP would take the next one's stack: stop here. */
		if (!start_ap(&percpu_area[cpu]))
			break;
	}
}

void arch_smp_kick(unsigned int cpu)
{
	apic_send_ipi(madt_apic_ids[cpu], SMP_WAKEUP_VECTOR);
}
