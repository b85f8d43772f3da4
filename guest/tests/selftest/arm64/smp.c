// SPDX-License-Identifier: GPL-2.0-only
/* selftest.smp: the device tree's CPUs are online and run work. */
#include "arch.h"
#include "cmdline.h"
#include "exceptions.h"
#include "report.h"
#include "smp.h"
#include "sysreg.h"
#include "test.h"

#define MPIDR_AFFINITY 0xff00ffffffULL

struct whoami {
	unsigned int cpu;
	u64 mpidr;
};

static void whoami(void *arg)
{
	struct whoami *me = arg;

	me->cpu = smp_processor_id();
	me->mpidr = read_sysreg(mpidr_el1) & MPIDR_AFFINITY;
}

static void udf_fault(void *arg)
{
	*(int *)arg = asm_safe("udf #0");
}

static void test_smp(void)
{
	u64 expected = cmdline_get_u64("selftest.cpus", 0);
	unsigned int nr = smp_nr_cpus(), right = 0;

	if (!expected)
		report_skip("CPU count: no selftest.cpus= on the command line");
	else if (nr == expected)
		report(true, "the device tree lists %lu CPUs", expected);
	else
		report(false, "the device tree lists %lu CPUs, found %u",
		       expected, nr);
	report(smp_nr_online() == nr, "%u of %u CPUs are online",
	       smp_nr_online(), nr);

	for (unsigned int cpu = 0; cpu < nr; cpu++) {
		struct whoami me = { .cpu = ~0u };

		if (!on_cpu(cpu, whoami, &me) && me.cpu == cpu &&
		    me.mpidr == smp_cpu_mpidr(cpu))
			right++;
	}
	report(right == nr,
	       "on_cpu() runs on the CPU asked for, with its MPIDR (%u of %u)",
	       right, nr);

	if (nr < 2) {
		report_skip("fixups on another CPU: needs smp >= 2");
		return;
	}
	for (unsigned int cpu = 1; cpu < nr; cpu++) {
		int ec = EXC_NONE;

		on_cpu(cpu, udf_fault, &ec);
		report(ec == ESR_EC_UNKNOWN,
		       "CPU %u: udf is caught by the fixup there", cpu);
	}
}
DEFINE_TEST(test_smp, "selftest.smp");
