// SPDX-License-Identifier: GPL-2.0-only
/* bench.pmu, bench.pebs: what exits, the emulated vPMU and PEBS cost. */
#include "cmdline.h"
#include "hvcheck_abi.h"
#include "pebs.h"
#include "pmu.h"
#include "printf.h"
#include "processor.h"
#include "report.h"
#include "test.h"

#define BENCH_EXITS	2000
/* No device there: the VMM drops the write, so it costs only its exit. */
#define BENCH_IDLE_PORT 0x80

static u64 bench_ns(u64 tsc, u64 tsc_khz)
{
	return tsc * 1000000 / tsc_khz;
}

/*
 * The round trips through the VMM of a port write and of a PMU MSR read,
 * beside which ci/bench puts bare-kvm's.
 */
static void bench_exits(u64 tsc_khz)
{
	u64 tsc = rdtsc();

	for (int i = 0; i < BENCH_EXITS; i++)
		outb(0, BENCH_IDLE_PORT);
	tsc = rdtsc() - tsc;
	printf("BENCH: pio-exit-roundtrip-ns %llu\n",
	       (unsigned long long)(bench_ns(tsc, tsc_khz) / BENCH_EXITS));
	report(tsc > 0, "%d port writes timed", BENCH_EXITS);

	tsc = rdtsc();
	for (int i = 0; i < BENCH_EXITS; i++)
		rdmsr(MSR_IA32_PERF_GLOBAL_CTRL);
	tsc = rdtsc() - tsc;
	printf("BENCH: msr-exit-roundtrip-ns %llu\n",
	       (unsigned long long)(bench_ns(tsc, tsc_khz) / BENCH_EXITS));
	report(tsc > 0, "%d PMU MSR reads timed", BENCH_EXITS);
}

/*
 * Prints BENCH lines that ci/bench collects: exit round trips, and how
 * many instructions per second the single-stepping counter retires.
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

	bench_exits(tsc_khz);

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

/*
 * bench.pebs' region: 404 stepped instructions, a record on every second
 * one (202 basic records of 32 bytes with baseline, adaptive off) or none;
 * the fastest of BENCH_PEBS_ROUNDS runs of each, taken in turn.
 */
#define BENCH_PEBS_LOOPS  100
#define BENCH_PEBS_EVERY  1
#define BENCH_PEBS_ROUNDS 5

static u64 bench_pebs_tsc(struct pebs_run *run, bool on, u64 *records)
{
	struct pebs_outcome out;

	run->pebs_on = on;
	pebs_run(run, &out);
	*records = out.records;
	return out.tsc_after - out.tsc_before;
}

/*
 * What one PEBS record costs: the same stepped region on GP counter 0,
 * with PEBS and without, the difference per record written.
 */
static void bench_pebs(void)
{
	struct pebs_run run = {
		.preset = BENCH_PEBS_EVERY,
		.reset = BENCH_PEBS_EVERY,
		.loops = BENCH_PEBS_LOOPS,
		.max_records = 512,
		.threshold_records = 512,
		.counter_on = true,
	};
	u64 tsc_khz, plain = ~0ULL, on = ~0ULL, records = 0, n, t;

	if (!pebs_require())
		return;
	tsc_khz = cpuid(HV_CPUID_VPMU_FEATURES).ebx;
	if (!pmu.hvcheck_vpmu || !tsc_khz) {
		report_skip("bench.pebs measures the hvcheck emulated vPMU");
		return;
	}
	for (int i = 0; i < BENCH_PEBS_ROUNDS; i++) {
		t = bench_pebs_tsc(&run, false, &n);
		plain = t < plain ? t : plain;
		t = bench_pebs_tsc(&run, true, &records);
		on = t < on ? t : on;
	}
	report(records > 0, "%lu PEBS records a run timed", records);
	if (!records)
		return;
	printf("BENCH: pebs-record-ns %llu\n",
	       (unsigned long long)(on > plain ? bench_ns(on - plain, tsc_khz) /
							 records :
						 0));
	printf("BENCH: pebs-region-plain-ns %llu\n",
	       (unsigned long long)bench_ns(plain, tsc_khz));
}
DEFINE_TEST_FLAGS(bench_pebs, "bench.pebs", TEST_EXPLICIT_ONLY);
