// SPDX-License-Identifier: GPL-2.0-only
/* selftest.smp: the MADT's CPUs are online, run work and exchange IPIs. */
#include "apic.h"
#include "arch.h"
#include "cmdline.h"
#include "exceptions.h"
#include "processor.h"
#include "report.h"
#include "smp.h"
#include "test.h"

#define IPI_VECTOR 0x60

static unsigned int ipis[MAX_CPUS];
static unsigned int nmis[MAX_CPUS];

struct whoami {
	unsigned int cpu;
	u32 apic_id;
};

static void ipi_interrupt(struct ex_regs *regs)
{
	(void)regs;
	__atomic_add_fetch(&ipis[smp_processor_id()], 1, __ATOMIC_RELEASE);
	apic_eoi();
}

static void nmi_handler(struct ex_regs *regs)
{
	(void)regs;
	__atomic_add_fetch(&nmis[smp_processor_id()], 1, __ATOMIC_RELEASE);
}

static bool wait_count(unsigned int *counter, unsigned int n)
{
	u64 deadline = rdtsc() + TSC_CYCLES_LONG;

	while (__atomic_load_n(counter, __ATOMIC_ACQUIRE) < n) {
		if (tsc_passed(deadline))
			return false;
		cpu_relax();
	}
	return true;
}

static void whoami(void *arg)
{
	struct whoami *me = arg;

	me->cpu = smp_processor_id();
	me->apic_id = apic_id();
}

static void ipi_to_cpu0(void *arg)
{
	(void)arg;
	apic_send_ipi(smp_cpu_apic_id(0), IPI_VECTOR);
}

static void ud2_fault(void *arg)
{
	*(int *)arg = asm_safe("ud2");
}

static void check_cpus(void)
{
	u64 expected = cmdline_get_u64("selftest.cpus", 0);
	unsigned int nr = smp_nr_cpus(), online = 0, right_cpu = 0;

	if (!expected)
		report_skip("CPU count: no selftest.cpus= on the command line");
	else if (nr == expected)
		report(true, "the MADT lists %lu CPUs", expected);
	else
		report(false, "the MADT lists %lu CPUs, found %u", expected,
		       nr);

	for (unsigned int cpu = 0; cpu < nr; cpu++) {
		struct whoami me = { .cpu = ~0u };

		if (!smp_cpu_online(cpu))
			continue;
		online++;
		on_cpu(cpu, whoami, &me);
		if (me.cpu == cpu && me.apic_id == smp_cpu_apic_id(cpu))
			right_cpu++;
	}
	report(online == nr, "all %u CPUs are online", nr);
	report(right_cpu == nr,
	       "on_cpu() runs on each CPU, whose APIC ID matches the MADT");
}

static void check_ipis(void)
{
	int vector = EXC_NONE;
	bool arrived;

	irq_set_handler(IPI_VECTOR, ipi_interrupt);
	apic_send_ipi(smp_cpu_apic_id(1), IPI_VECTOR);
	arrived = wait_count(&ipis[1], 1);
	report(arrived && READ_ONCE(ipis[0]) == 0,
	       "fixed IPI from CPU 0 is handled by CPU 1 only");

	irq_enable();
	on_cpu(1, ipi_to_cpu0, NULL);
	arrived = wait_count(&ipis[0], 1);
	irq_disable();
	report(arrived && READ_ONCE(ipis[1]) == 1,
	       "fixed IPI from CPU 1 is handled by CPU 0");
	irq_set_handler(IPI_VECTOR, NULL);

	irq_set_handler(NMI_VECTOR, nmi_handler);
	apic_send_nmi(smp_cpu_apic_id(1));
	arrived = wait_count(&nmis[1], 1);
	report(arrived && READ_ONCE(nmis[0]) == 0, "NMI IPI reaches CPU 1");
	irq_set_handler(NMI_VECTOR, NULL);

	/* Each CPU records its own exceptions: CPU 0's record stays. */
	exception_reset();
	on_cpu(1, ud2_fault, &vector);
	report(vector == UD_VECTOR && exception_vector() == EXC_NONE,
	       "exception fixup on CPU 1 records #UD there, not on CPU 0");
}

static void test_smp(void)
{
	check_cpus();
	if (smp_nr_cpus() < 2 || !smp_cpu_online(1)) {
		report_skip("IPIs: need CPU 1 online (run with smp >= 2)");
		return;
	}
	check_ipis();
}
DEFINE_TEST(test_smp, "selftest.smp");
