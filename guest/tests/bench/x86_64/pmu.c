// SPDX-License-Identifier: GPL-2.0-only
/* bench.pmu: what the emulated vPMU costs the guest (make bench). */
#include "cmdline.h"
#include "hvcheck_abi.h"
#include "pmu.h"
#include "printf.h"
#include "processor.h"
#include "report.h"
#include "test.h"

#define BENCH_MSR_READS 2000

static u64 bench_ns(u64 tsc, u64 tsc_khz)
{
	return tsc * 1000000 / tsc_khz;
}

/*
 * Prints BENCH lines that ci/bench collects: the round trip of a PMU
 * MSR read through the VMM, and how many instructions per second the
 * single-stepping counter retires.
 */
static void bench_pmu(void)
{
	u64 loops = cmdline_get_u64("bench.loops", 20000), tsc_khz, tsc, count;
	struct pmu_wrmsr start, stop;
	struct pmu_expect expect;

	if (!pmu_require())
		return;
	if (!pmu.hvcheck_vpmu) {
		report_skip("bench.pmu measures the hvcheck emulated vPMU");
		return;
	}
	tsc_khz = cpuid(HV_CPUID_VPMU_FEATURES).ebx;
	if (!tsc_khz) {
		report_skip("the hvcheck vPMU gave no TSC rate");
		return;
	}

	tsc = rdtsc();
	for (int i = 0; i < BENCH_MSR_READS; i++)
		rdmsr(MSR_IA32_PERF_GLOBAL_CTRL);
	tsc = rdtsc() - tsc;
	printf("BENCH: msr-exit-roundtrip-ns %llu\n",
	       (unsigned long long)(bench_ns(tsc, tsc_khz) / BENCH_MSR_READS));
	report(tsc > 0, "%d PMU MSR reads timed", BENCH_MSR_READS);

	pmu_gp_arm(0, pmu_evtsel(PMU_EV_INSTRUCTIONS, PMU_EVTSEL_OS), &start,
		   &stop);
	tsc = pmu_loop(start, stop, loops);
	count = rdmsr(pmu_gp_msr(0));
	expect = pmu_loop_expect(loops, tsc);
	printf("BENCH: counted-insns-per-s %llu\n",
	       (unsigned long long)(count * 1000000000ULL /
				    (bench_ns(tsc, tsc_khz) + 1)));
	pmu_report_count(PMU_EV_INSTRUCTIONS, count, &expect,
			 "%llu stepped instructions counted",
			 (unsigned long long)expect.insns);
	pmu_reset();
}
DEFINE_TEST_FLAGS(bench_pmu, "bench.pmu", TEST_EXPLICIT_ONLY);
