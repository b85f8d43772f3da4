// SPDX-License-Identifier: GPL-2.0-only
/* pmu.pebs: PEBS enumeration, MSRs, records, thresholds, DATA_CFG, filter. */
#include "cmdline.h"
#include "exceptions.h"
#include "pebs.h"
#include "pmu.h"
#include "processor.h"
#include "report.h"
#include "string.h"
#include "test.h"

/* Single-record runs: the 10th instruction overflows, the 11th records. */
#define SINGLE_PRESET	10
#define SINGLE_LOOPS	6
#define NEVER		1000 /* instructions to an overflow: none in a run */
/* Threshold runs: records at instructions 6, 16, 26 and 36. */
#define MULTI_PRESET	5
#define MULTI_RESET	9
#define MULTI_LOOPS	10
#define MULTI_RECORDS	4
#define MAX_RECORDS	8
/*
 * Draining runs: records at about instruction 101, 402, 703, 1004 of
 * 1104, PMIs after the 2nd and 4th; each PMI handler's own counted
 * instructions (before it stops the counters) only bring the next
 * records closer, by far less than the 200-instruction margin.
 */
#define DRAIN_PRESET	100
#define DRAIN_RESET	300
#define DRAIN_LOOPS	275
#define DRAIN_THRESHOLD 2

static const struct {
	const char *name;
	unsigned int format;
	bool baseline;
} expected_modes[] = {
	{ "off", 0, false },	      { "fmt3", 3, false },
	{ "fmt4", 4, false },	      { "fmt5", 5, false },
	{ "fmt4-baseline", 4, true }, { "baseline", 5, true },
};

/* The counted event of the region where record n lands (1: the first). */
static u64 record_event(const struct pebs_run *run, u64 n)
{
	return run->preset + 1 + n * (run->reset + 1);
}

/*
 * The region's instruction where record n lands: that event, or for
 * branches the JNZ that ends that iteration of the loop.
 */
static u64 record_insn(const struct pebs_run *run, u64 n)
{
	return run->branches ? 4 * record_event(run, n) : record_event(run, n);
}

/* The counter after the region: reloaded at its last record. */
static u64 counter_after(const struct pebs_run *run, u64 records)
{
	struct pmu_counter c = run->c;
	u64 mask = pmu_counter_mask(c);
	u64 events = run->branches ? run->loops : PEBS_REGION_INSNS(run->loops);

	return (mask + 1 - run->reset + events -
		record_event(run, records - 1)) &
	       mask;
}

static struct pebs_run single_run(struct pmu_counter c)
{
	return (struct pebs_run){
		.c = c,
		.preset = SINGLE_PRESET,
		.reset = NEVER,
		.loops = SINGLE_LOOPS,
		.max_records = MAX_RECORDS,
		.threshold_records = 1,
		.pebs_on = true,
		.counter_on = true,
	};
}

static void check_expected_mode(void)
{
	const char *want = cmdline_get_str("pebs.expect", NULL);

	if (!want || !pmu.hvcheck_vpmu) {
		report_skip("no pebs.expect= for the hvcheck vPMU: the "
			    "format is whatever this CPU has");
		return;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(expected_modes); i++) {
		if (strcmp(want, expected_modes[i].name))
			continue;
		pmu_report_value(
			pebs.format, expected_modes[i].format,
			"PERF_CAPABILITIES.PEBS_FORMAT is --pmu-pebs=%s's",
			want);
		pmu_report_value(
			pebs.baseline, expected_modes[i].baseline,
			"PERF_CAPABILITIES.PEBS_BASELINE is --pmu-pebs=%s's",
			want);
		pmu_report_value(
			pmu.perf_capabilities &
				(PERF_CAP_PEBS_TRAP | PERF_CAP_PEBS_ARCH_REG),
			PERF_CAP_PEBS_TRAP | PERF_CAP_PEBS_ARCH_REG,
			"PERF_CAPABILITIES: PEBS_TRAP and PEBS_ARCH_REG");
		return;
	}
	report(false, "pebs.expect=%s is none of the --pmu-pebs names", want);
}

static void check_write(u32 msr, u64 val, bool gp, const char *what)
{
	pmu_report_vector(wrmsr_safe(msr, val), gp ? GP_VECTOR : EXC_NONE,
			  "%s (MSR 0x%x = 0x%lx)", what, msr, val);
}

/* The bits PEBS_ENABLE takes: GP counters, fixed ones with baseline. */
static u64 pebs_enable_bits(void)
{
	u64 bits = BIT_ULL(pmu.nr_gp) - 1;

	if (pebs.baseline)
		bits |= pmu_global_counters_mask() & ~(BIT_ULL(32) - 1);
	return bits;
}

static void check_pebs_enable(void)
{
	u64 bits = pebs_enable_bits(), got = 0;

	check_write(MSR_IA32_PEBS_ENABLE, bits, false,
		    "PEBS_ENABLE takes every PEBS counter's bit");
	rdmsr_safe(MSR_IA32_PEBS_ENABLE, &got);
	pmu_report_value(got, bits, "PEBS_ENABLE reads back");
	if (pmu.nr_gp < 32)
		check_write(MSR_IA32_PEBS_ENABLE, BIT_ULL(pmu.nr_gp), true,
			    "PEBS_ENABLE: the bit past the GP counters");
	check_write(
		MSR_IA32_PEBS_ENABLE,
		BIT_ULL(32 + (pebs.baseline ? pmu_first_absent_fixed() : 0)),
		true,
		pebs.baseline ?
			"PEBS_ENABLE: the bit past the fixed counters" :
			"PEBS_ENABLE: fixed counter 0 without baseline");
	check_write(MSR_IA32_PEBS_ENABLE, BIT_ULL(63), true,
		    "PEBS_ENABLE: bit 63");
	wrmsr(MSR_IA32_PEBS_ENABLE, 0);
}

static void check_data_cfg(void)
{
	u64 got = 0;

	if (!pebs.baseline) {
		pmu_report_vector(
			rdmsr_safe(MSR_PEBS_DATA_CFG, &got), GP_VECTOR,
			"PEBS_DATA_CFG does not exist without baseline");
		return;
	}
	check_write(MSR_PEBS_DATA_CFG, 0xff00000fULL, false,
		    "PEBS_DATA_CFG takes the groups and the LBR entries");
	rdmsr_safe(MSR_PEBS_DATA_CFG, &got);
	pmu_report_value(got, 0xff00000fULL, "PEBS_DATA_CFG reads back");
	check_write(MSR_PEBS_DATA_CFG, BIT_ULL(4), true,
		    "PEBS_DATA_CFG: reserved bit 4");
	check_write(MSR_PEBS_DATA_CFG, BIT_ULL(23), true,
		    "PEBS_DATA_CFG: reserved bit 23");
	check_write(MSR_PEBS_DATA_CFG, BIT_ULL(32), true,
		    "PEBS_DATA_CFG: reserved bit 32");
	wrmsr(MSR_PEBS_DATA_CFG, 0);
}

static void check_adaptive_bits(void)
{
	check_write(MSR_IA32_PERFEVTSEL0, EVTSEL_ADAPTIVE, !pebs.baseline,
		    pebs.baseline ?
			    "PERFEVTSEL0.ADAPTIVE (bit 34) with baseline" :
			    "PERFEVTSEL0.ADAPTIVE (bit 34) without baseline");
	wrmsr(MSR_IA32_PERFEVTSEL0, 0);
	if (!pmu_fixed_exists(0))
		return;
	check_write(
		MSR_IA32_FIXED_CTR_CTRL, FIXED_ADAPTIVE(0), !pebs.baseline,
		pebs.baseline ?
			"FIXED_CTR_CTRL bit 32 (adaptive) with baseline" :
			"FIXED_CTR_CTRL bit 32 (adaptive) without baseline");
	wrmsr(MSR_IA32_FIXED_CTR_CTRL, 0);
}

static void check_ds_area(void)
{
	u64 got = 0;

	check_write(MSR_IA32_DS_AREA, 0xffff800000001000ULL, false,
		    "DS_AREA takes a canonical address");
	rdmsr_safe(MSR_IA32_DS_AREA, &got);
	pmu_report_value(got, 0xffff800000001000ULL, "DS_AREA reads back");
	/* Non-canonical with 48- and with 57-bit (LA57) addresses. */
	check_write(MSR_IA32_DS_AREA, BIT_ULL(56), true,
		    "DS_AREA: 1 << 56, non-canonical");
	check_write(MSR_IA32_DS_AREA, BIT_ULL(63), true,
		    "DS_AREA: 1 << 63, non-canonical");
	wrmsr(MSR_IA32_DS_AREA, 0);
}

static void test_enum(void)
{
	u64 misc;

	if (!pebs_require())
		return;
	report(true,
	       "CPUID.1: DS, DTES64 and PDCM; MISC_ENABLE.PEBS_UNAVAIL "
	       "clear; PEBS format %u%s",
	       pebs.format, pebs.baseline ? " with baseline" : "");
	check_expected_mode();
	misc = rdmsr(MSR_IA32_MISC_ENABLE);
	check_write(MSR_IA32_MISC_ENABLE, misc | MISC_ENABLE_PEBS_UNAVAIL, true,
		    "MISC_ENABLE.PEBS_UNAVAIL is read-only");
	check_pebs_enable();
	check_data_cfg();
	check_adaptive_bits();
	check_ds_area();
}
DEFINE_TEST(test_enum, "pmu.pebs.enum");

/* Calls fn on every counter PEBS covers. */
static void for_each_pebs_counter(void (*fn)(struct pmu_counter c))
{
	unsigned int i;

	for (i = 0; i < pmu.nr_gp; i++)
		fn((struct pmu_counter){ false, i });
	for (i = 0; i < PMU_MAX_FIXED; i++) {
		struct pmu_counter c = { true, i };

		if (pmu_fixed_exists(i) && pebs_covers(c))
			fn(c);
	}
	if (!pebs.baseline)
		report_skip("fixed counters: PEBS on them needs baseline");
}

static void report_no_record(const struct pebs_outcome *out, const char *why,
			     struct pmu_counter c)
{
	pmu_report_value(out->index_off, 0, "%s %u: %s: no record",
			 pmu_counter_kind(c), c.idx, why);
	pmu_report_value(out->status & GLOBAL_OVF_BUFFER, 0,
			 "%s %u: %s: no OvfBuffer", pmu_counter_kind(c), c.idx,
			 why);
	pmu_report_value(out->pmis, 0, "%s %u: %s: no PMI", pmu_counter_kind(c),
			 c.idx, why);
}

static void check_none(struct pmu_counter c)
{
	struct pebs_run run = single_run(c);
	struct pebs_outcome out;
	u64 mask = pmu_counter_mask(c);

	run.pebs_on = false;
	pebs_run(&run, &out);
	report_no_record(&out, "PEBS_ENABLE clear", c);
	pmu_report_value(out.status, pmu_counter_global_bit(c),
			 "%s %u: PEBS_ENABLE clear: a plain overflow",
			 pmu_counter_kind(c), c.idx);
	run = single_run(c);
	run.preset = NEVER;
	pebs_run(&run, &out);
	report_no_record(&out, "no overflow", c);
	run = single_run(c);
	run.counter_on = false;
	pebs_run(&run, &out);
	report_no_record(&out, "counter disabled", c);
	pmu_report_value(out.counter, (mask + 1 - SINGLE_PRESET) & mask,
			 "%s %u: counter disabled: it did not count",
			 pmu_counter_kind(c), c.idx);
}

static void test_none(void)
{
	if (pebs_require())
		for_each_pebs_counter(check_none);
}
DEFINE_TEST(test_none, "pmu.pebs.none");

/* One record, OvfBuffer and one PMI; the counter reloaded. */
static void check_single_outcome(const struct pebs_run *run,
				 const struct pebs_outcome *out)
{
	struct pmu_counter c = run->c;
	const char *kind = pmu_counter_kind(c);

	pmu_report_value(out->index_off, out->size,
			 "%s %u: one record of %lu bytes", kind, c.idx,
			 out->size);
	pmu_report_value(out->status & (GLOBAL_OVF_BUFFER |
					pmu_counter_global_bit(c)),
			 GLOBAL_OVF_BUFFER,
			 "%s %u: OvfBuffer set, the counter's overflow bit "
			 "cleared by the record",
			 kind, c.idx);
	pmu_report_value(out->pmis, 1, "%s %u: one PMI", kind, c.idx);
	pmu_report_value(out->pmi_status & GLOBAL_OVF_BUFFER, GLOBAL_OVF_BUFFER,
			 "%s %u: the PMI sees OvfBuffer", kind, c.idx);
	if (pmu_exact())
		pmu_report_value(out->counter, counter_after(run, 1),
				 "%s %u: reloaded from its DS reset slot", kind,
				 c.idx);
}

static void check_single(struct pmu_counter c)
{
	struct pebs_run run = single_run(c);
	struct pebs_outcome out;

	pebs_run(&run, &out);
	check_single_outcome(&run, &out);
	if (out.records >= 1)
		pebs_check_record(&run, &out, 0, record_insn(&run, 0));
}

static void test_single(void)
{
	if (pebs_require())
		for_each_pebs_counter(check_single);
}
DEFINE_TEST(test_single, "pmu.pebs.single");

/*
 * Branches on every GP counter: the 3rd JNZ overflows it, the 4th writes
 * the record, whose eventing IP is that JNZ and whose RIP the loop's top.
 */
static void test_branches(void)
{
	struct pebs_run run;
	struct pebs_outcome out;

	if (!pebs_require())
		return;
	for (unsigned int i = 0; i < pmu.nr_gp; i++) {
		run = single_run((struct pmu_counter){ false, i });
		run.branches = true;
		run.preset = 3;
		pebs_run(&run, &out);
		check_single_outcome(&run, &out);
		if (out.records >= 1)
			pebs_check_record(&run, &out, 0, record_insn(&run, 0));
	}
}
DEFINE_TEST(test_branches, "pmu.pebs.branches");

static struct pebs_run multi_run(struct pmu_counter c, u64 threshold)
{
	struct pebs_run run = single_run(c);

	run.preset = MULTI_PRESET;
	run.reset = MULTI_RESET;
	run.loops = MULTI_LOOPS;
	run.threshold_records = threshold;
	return run;
}

static void check_threshold(struct pmu_counter c)
{
	const char *kind = pmu_counter_kind(c);
	struct pebs_run run = multi_run(c, MULTI_RECORDS);
	struct pebs_outcome out;

	pebs_run(&run, &out);
	pmu_report_value(out.records, MULTI_RECORDS,
			 "%s %u: threshold %u: %u records", kind, c.idx,
			 MULTI_RECORDS, MULTI_RECORDS);
	pmu_report_value(out.status & GLOBAL_OVF_BUFFER, GLOBAL_OVF_BUFFER,
			 "%s %u: threshold %u reached: OvfBuffer", kind, c.idx,
			 MULTI_RECORDS);
	pmu_report_value(out.pmis, 1, "%s %u: threshold %u reached: one PMI",
			 kind, c.idx, MULTI_RECORDS);
	if (pmu_exact())
		pmu_report_value(out.counter,
				 counter_after(&run, MULTI_RECORDS),
				 "%s %u: reloaded after each record", kind,
				 c.idx);
	for (u64 n = 0; n < out.records && n < MULTI_RECORDS; n++)
		pebs_check_record(&run, &out, n, record_insn(&run, n));

	run = multi_run(c, MULTI_RECORDS + 1);
	pebs_run(&run, &out);
	pmu_report_value(out.records, MULTI_RECORDS,
			 "%s %u: threshold %u: %u records", kind, c.idx,
			 MULTI_RECORDS + 1, MULTI_RECORDS);
	pmu_report_value(out.status & GLOBAL_OVF_BUFFER, 0,
			 "%s %u: threshold %u not reached: no OvfBuffer", kind,
			 c.idx, MULTI_RECORDS + 1);
	pmu_report_value(out.pmis, 0, "%s %u: threshold %u not reached: no PMI",
			 kind, c.idx, MULTI_RECORDS + 1);
}

/*
 * Threshold 2, 4 records, a handler that drains the buffer each PMI:
 * two PMIs, each seeing OvfBuffer and 2 records (LVTPC unmasked, bit 62
 * cleared and the index reset by the handler between them).
 */
static void check_drain(struct pmu_counter c)
{
	const char *kind = pmu_counter_kind(c);
	struct pebs_run run = multi_run(c, DRAIN_THRESHOLD);
	struct pebs_outcome out;

	run.preset = DRAIN_PRESET;
	run.reset = DRAIN_RESET;
	run.loops = DRAIN_LOOPS;
	run.drain = true;
	pebs_run(&run, &out);
	pmu_report_value(out.pmis, 2, "%s %u: drained, threshold %u: two PMIs",
			 kind, c.idx, DRAIN_THRESHOLD);
	for (unsigned int n = 0; n < 2; n++) {
		pmu_report_value(out.each_pmi[n].status & GLOBAL_OVF_BUFFER,
				 GLOBAL_OVF_BUFFER, "%s %u: PMI %u: OvfBuffer",
				 kind, c.idx, n + 1);
		pmu_report_value(out.each_pmi[n].records, DRAIN_THRESHOLD,
				 "%s %u: PMI %u: %u records", kind, c.idx,
				 n + 1, DRAIN_THRESHOLD);
	}
	pmu_report_value(out.records, 0, "%s %u: drained: buffer empty after",
			 kind, c.idx);
}

static void test_threshold(void)
{
	if (!pebs_require())
		return;
	for_each_pebs_counter(check_threshold);
	/* The counters that count instructions: the margins are in those. */
	for (unsigned int i = 0; i < pmu.nr_gp; i++)
		check_drain((struct pmu_counter){ false, i });
	if (pmu_fixed_exists(0) && pebs_covers((struct pmu_counter){ true, 0 }))
		check_drain((struct pmu_counter){ true, 0 });
}
DEFINE_TEST(test_threshold, "pmu.pebs.threshold");

static void check_max(struct pmu_counter c)
{
	const char *kind = pmu_counter_kind(c);
	struct pebs_run run = multi_run(c, MAX_RECORDS);
	struct pebs_outcome out;

	run.max_records = 2;
	pebs_run(&run, &out);
	pmu_report_value(out.index_off, 2 * out.size,
			 "%s %u: absolute maximum of 2 records: the index "
			 "stops there",
			 kind, c.idx);
	report(*(u64 *)(pebs_buffer + 2 * out.size) == 0,
	       "%s %u: nothing written past the absolute maximum", kind, c.idx);
	pmu_report_value(out.status & GLOBAL_OVF_BUFFER, 0,
			 "%s %u: absolute maximum: no OvfBuffer", kind, c.idx);
	pmu_report_value(out.pmis, 0, "%s %u: absolute maximum: no PMI", kind,
			 c.idx);
	for (u64 n = 0; n < out.records && n < 2; n++)
		pebs_check_record(&run, &out, n, record_insn(&run, n));
}

static void test_max(void)
{
	if (pebs_require())
		for_each_pebs_counter(check_max);
}
DEFINE_TEST(test_max, "pmu.pebs.max");

/*
 * Every covered fixed counter and the even GP counters, as
 * kvm-unit-tests' multiple-counter run: they overflow on the same
 * instruction, so one record names them all, and each reloads.
 */
static void test_multi(void)
{
	struct pebs_run run;
	struct pebs_outcome out;
	u64 bits;

	if (!pebs_require())
		return;
	run = single_run((struct pmu_counter){ false, 0 });
	for (unsigned int i = 2; i < pmu.nr_gp; i += 2)
		run.others |= BIT_ULL(i);
	for (unsigned int i = 0; i < PMU_MAX_FIXED; i++)
		if (pmu_fixed_exists(i) &&
		    pebs_covers((struct pmu_counter){ true, i }))
			run.others |= PMU_GLOBAL_FIXED(i);
	bits = pebs_run_counters(&run);
	pebs_run(&run, &out);
	pmu_report_value(out.index_off, out.size,
			 "counters 0x%lx: one record for all", bits);
	pmu_report_value(out.status & (GLOBAL_OVF_BUFFER | bits),
			 GLOBAL_OVF_BUFFER,
			 "counters 0x%lx: OvfBuffer, no overflow bit left",
			 bits);
	pmu_report_value(out.pmis, 1, "counters 0x%lx: one PMI", bits);
	for (unsigned int i = 0; i < 64 && pmu_exact(); i++)
		if (bits & BIT_ULL(i))
			pmu_report_value(out.counters[i],
					 counter_after(&run, 1),
					 "counter bit %u: reloaded from its "
					 "DS reset slot",
					 i);
	if (out.records >= 1)
		pebs_check_record(&run, &out, 0, record_insn(&run, 0));
}
DEFINE_TEST(test_multi, "pmu.pebs.multi");

/* Every group combination, and LBR entry counts 32 and 4. */
static const u64 data_cfgs[] = {
	0x0,
	0x1,
	0x2,
	0x3,
	0x4,
	0x5,
	0x6,
	0x7,
	0x8,
	0x9,
	0xa,
	0xb,
	0xc,
	0xd,
	0xe,
	0xf,
	0x8 | 31ULL << PEBS_CFG_LBR_SHIFT,
	0xf | 3ULL << PEBS_CFG_LBR_SHIFT,
};

static void check_data_cfgs(struct pmu_counter c)
{
	struct pebs_run run = single_run(c);
	struct pebs_outcome out;

	for (unsigned int i = 0; i < ARRAY_SIZE(data_cfgs); i++) {
		for (int adaptive = 1; adaptive >= 0; adaptive--) {
			run.data_cfg = data_cfgs[i];
			run.adaptive = adaptive;
			pebs_run(&run, &out);
			pmu_report_value(out.index_off, out.size,
					 "%s %u: DATA_CFG 0x%lx, adaptive %s: "
					 "one record",
					 pmu_counter_kind(c), c.idx,
					 run.data_cfg, adaptive ? "on" : "off");
			if (out.records >= 1)
				pebs_check_record(&run, &out, 0,
						  record_insn(&run, 0));
		}
	}
}

static void test_data_cfg(void)
{
	if (!pebs_require())
		return;
	if (!pebs.baseline) {
		report_skip("PEBS format %u without baseline: no PEBS_DATA_CFG",
			    pebs.format);
		return;
	}
	for_each_pebs_counter(check_data_cfgs);
}
DEFINE_TEST(test_data_cfg, "pmu.pebs.data_cfg");

/*
 * Paired with a host filter that denies instructions on GP counters
 * (pebs.denied=gp): their overflows never come, so no record; fixed
 * counters, which the filter leaves alone, still write theirs.
 */
static void check_filtered(struct pmu_counter c)
{
	bool denied = !c.fixed;
	struct pebs_run run = single_run(c);
	struct pebs_outcome out;

	pebs_run(&run, &out);
	if (denied)
		report_no_record(&out, "event denied by the host filter", c);
	else
		check_single_outcome(&run, &out);
}

static void test_filter(void)
{
	const char *denied = cmdline_get_str("pebs.denied", "");

	if (!pebs_require())
		return;
	if (strcmp(denied, "gp")) {
		report_skip("pebs.denied=gp missing: not paired with the host "
			    "filter");
		return;
	}
	for_each_pebs_counter(check_filtered);
}
DEFINE_TEST_FLAGS(test_filter, "pmu.pebs.filter", TEST_EXPLICIT_ONLY);
