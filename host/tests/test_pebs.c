// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the emulated PEBS facility and PMU versions 3 to 5. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "array_size.h"
#include "vpmu/pebs.h"
#include "vpmu/vpmu.h"

#define MASK48	  ((1ULL << 48) - 1)
#define SEL_INSNS (VPMU_EVTSEL_EN | VPMU_EVTSEL_USR | VPMU_EVTSEL_OS | 0xc0)
#define FIXED_ON  (VPMU_FIXED_OS | VPMU_FIXED_USR)

/* A fake guest: linear MEM_BASE..MEM_BASE+MEM_SIZE is mem[]. */
#define MEM_BASE 0x100000ULL
#define MEM_SIZE 0x8000ULL
#define DS	 MEM_BASE
#define BUF	 (MEM_BASE + 0x1000)

struct fake {
	uint8_t mem[MEM_SIZE];
	uint64_t hole; /* a linear page that is not mapped, or 0 */
	struct vpmu_pebs_state st;
	unsigned int xmm_asked, states;
};

static struct fake fake;
static struct vpmu pmu;

static bool mapped(const struct fake *f, uint64_t la, size_t len)
{
	if (la < MEM_BASE || la + len > MEM_BASE + MEM_SIZE)
		return false;
	return !f->hole || la + len <= f->hole || la >= f->hole + 0x1000;
}

static int fake_read(void *ctx, uint64_t la, void *buf, size_t len)
{
	struct fake *f = ctx;

	if (!mapped(f, la, len))
		return -EFAULT;
	memcpy(buf, f->mem + (la - MEM_BASE), len);
	return 0;
}

static int fake_write(void *ctx, uint64_t la, const void *buf, size_t len)
{
	struct fake *f = ctx;

	if (!mapped(f, la, len))
		return -EFAULT;
	memcpy(f->mem + (la - MEM_BASE), buf, len);
	return 0;
}

static int fake_state(void *ctx, struct vpmu_pebs_state *st, bool xmm)
{
	struct fake *f = ctx;

	*st = f->st;
	f->states++;
	f->xmm_asked += xmm;
	return 0;
}

static const struct vpmu_pebs_io io = {
	.ctx = &fake,
	.read = fake_read,
	.write = fake_write,
	.state = fake_state,
};

static uint64_t mem64(uint64_t la)
{
	uint64_t v;

	memcpy(&v, fake.mem + (la - MEM_BASE), sizeof(v));
	return v;
}

static void set64(uint64_t la, uint64_t v)
{
	memcpy(fake.mem + (la - MEM_BASE), &v, sizeof(v));
}

static uint64_t rd(uint32_t msr)
{
	uint64_t val = 0xdeadbeef;

	assert_int_equal(vpmu_rdmsr(&pmu, msr, &val), 0);
	return val;
}

static void wr(uint32_t msr, uint64_t val)
{
	assert_int_equal(vpmu_wrmsr(&pmu, msr, val), 0);
}

static void wr_gp(uint32_t msr, uint64_t val)
{
	assert_int_equal(vpmu_wrmsr(&pmu, msr, val), -EINVAL);
}

static void rd_gp(uint32_t msr)
{
	uint64_t val;

	assert_int_equal(vpmu_rdmsr(&pmu, msr, &val), -EINVAL);
}

/* The model with version 2 and the PEBS mode name; a fresh guest. */
static void init_mode(const char *mode)
{
	struct vpmu_config cfg;

	vpmu_config_default(&cfg);
	assert_int_equal(
		vpmu_pebs_parse(mode, &cfg.pebs_format, &cfg.pebs_baseline), 0);
	assert_int_equal(vpmu_init(&pmu, &cfg), 0);
	memset(&fake, 0, sizeof(fake));
	fake.st.eventing_ip = 0x401000;
	fake.st.rip = 0x401003;
	fake.st.rflags = 0x246;
	for (unsigned int i = 0; i < VPMU_NR_GPRS; i++)
		fake.st.gpr[i] = 0x1000 + i;
	for (unsigned int i = 0; i < 16; i++)
		memset(fake.st.xmm[i], 0x40 + i, 16);
	fake.st.tsc = 0x123456789ULL;
}

static void init_version(unsigned int version)
{
	struct vpmu_config cfg;

	vpmu_config_default(&cfg);
	cfg.version = version;
	assert_int_equal(vpmu_init(&pmu, &cfg), 0);
}

/* DS area: buffer at BUF, max and threshold in records of size. */
static void setup_ds(uint64_t size, unsigned int max, unsigned int threshold)
{
	set64(DS + VPMU_DS_PEBS_BASE, BUF);
	set64(DS + VPMU_DS_PEBS_INDEX, BUF);
	set64(DS + VPMU_DS_PEBS_MAX, BUF + max * size);
	set64(DS + VPMU_DS_PEBS_THRESHOLD, BUF + threshold * size);
	wr(VPMU_MSR_DS_AREA, DS);
}

/* One instruction retired at CPL0, then the assist: a record? */
static bool step(void)
{
	vpmu_count(&pmu, VPMU_EV_INSTRUCTIONS, 0, 1);
	return vpmu_pebs_assist(&pmu, &io);
}

/* GP counter 0 counting instructions, preset n before its overflow. */
static void arm_gp0(uint64_t n, uint64_t reset)
{
	set64(DS + VPMU_DS_GP_RESET(0), reset);
	wr(VPMU_MSR_A_PMC0, (MASK48 + 1 - n) & MASK48);
	wr(VPMU_MSR_PERFEVTSEL0, SEL_INSNS);
	wr(VPMU_MSR_PEBS_ENABLE, 1);
	wr(VPMU_MSR_GLOBAL_CTRL, 1);
}

static uint64_t index_off(void)
{
	return mem64(DS + VPMU_DS_PEBS_INDEX) - BUF;
}

static void test_parse(void **state)
{
	static const struct {
		const char *name;
		unsigned int format;
		bool baseline;
	} ok[] = {
		{ "off", 0, false },	      { "fmt3", 3, false },
		{ "fmt4", 4, false },	      { "fmt5", 5, false },
		{ "fmt4-baseline", 4, true }, { "baseline", 5, true },
	};
	unsigned int format;
	bool baseline;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		assert_int_equal(
			vpmu_pebs_parse(ok[i].name, &format, &baseline), 0);
		assert_int_equal(format, ok[i].format);
		assert_int_equal(baseline, ok[i].baseline);
	}
	assert_int_equal(vpmu_pebs_parse("fmt6", &format, &baseline), -EINVAL);
	assert_int_equal(vpmu_pebs_parse("", &format, &baseline), -EINVAL);
}

static void test_enumeration(void **state)
{
	uint32_t ecx = 0, edx = 0;

	(void)state;
	init_mode("fmt3");
	assert_int_equal(rd(VPMU_MSR_PERF_CAPABILITIES),
			 VPMU_PERF_CAP_FW_WRITE | 0xc0 | 3 << 8);
	assert_int_equal(rd(VPMU_MSR_MISC_ENABLE),
			 VPMU_MISC_EMON | VPMU_MISC_BTS_UNAVAIL);
	vpmu_pebs_cpuid_1(&pmu.cfg, &ecx, &edx);
	assert_int_equal(ecx, VPMU_CPUID_1_ECX_DTES64);
	assert_int_equal(edx, VPMU_CPUID_1_EDX_DS);
	init_mode("baseline");
	assert_int_equal(rd(VPMU_MSR_PERF_CAPABILITIES),
			 VPMU_PERF_CAP_FW_WRITE | 0xc0 | 5 << 8 | 1 << 14);
	init_mode("fmt4-baseline");
	assert_int_equal(rd(VPMU_MSR_PERF_CAPABILITIES),
			 VPMU_PERF_CAP_FW_WRITE | 0xc0 | 4 << 8 | 1 << 14);
	init_mode("off");
	assert_int_equal(rd(VPMU_MSR_PERF_CAPABILITIES),
			 VPMU_PERF_CAP_FW_WRITE);
	assert_int_equal(rd(VPMU_MSR_MISC_ENABLE),
			 VPMU_MISC_EMON | VPMU_MISC_BTS_UNAVAIL |
				 VPMU_MISC_PEBS_UNAVAIL);
	ecx = ~0u;
	edx = ~0u;
	vpmu_pebs_cpuid_1(&pmu.cfg, &ecx, &edx);
	assert_int_equal(ecx, ~VPMU_CPUID_1_ECX_DTES64);
	assert_int_equal(edx, ~VPMU_CPUID_1_EDX_DS);
	rd_gp(VPMU_MSR_PEBS_ENABLE);
	rd_gp(VPMU_MSR_DS_AREA);
	rd_gp(VPMU_MSR_PEBS_DATA_CFG);
	wr_gp(VPMU_MSR_PEBS_ENABLE, 0);
}

static void test_config_refused(void **state)
{
	struct vpmu_config cfg;
	struct vpmu p;

	(void)state;
	vpmu_config_default(&cfg);
	cfg.pebs_format = 2;
	assert_int_equal(vpmu_init(&p, &cfg), -EINVAL);
	cfg.pebs_format = 6;
	assert_int_equal(vpmu_init(&p, &cfg), -EINVAL);
	cfg.pebs_format = 3;
	cfg.pebs_baseline = true;
	assert_int_equal(vpmu_init(&p, &cfg), -EINVAL);
	cfg.pebs_baseline = false;
	cfg.version = 1;
	cfg.nr_fixed = 0;
	assert_int_equal(vpmu_init(&p, &cfg), -EINVAL);
	vpmu_config_default(&cfg);
	cfg.pebs_baseline = true; /* without a format */
	assert_int_equal(vpmu_init(&p, &cfg), -EINVAL);
	vpmu_config_default(&cfg);
	cfg.pebs_format = 4;
	cfg.pdcm = false;
	cfg.perf_capabilities = 0;
	assert_int_equal(vpmu_init(&p, &cfg), -EINVAL);
}

static void test_msrs_without_baseline(void **state)
{
	(void)state;
	init_mode("fmt4");
	wr(VPMU_MSR_PEBS_ENABLE, 0xf);
	assert_int_equal(rd(VPMU_MSR_PEBS_ENABLE), 0xf);
	wr_gp(VPMU_MSR_PEBS_ENABLE, 1ULL << 4);
	wr_gp(VPMU_MSR_PEBS_ENABLE, 1ULL << 32); /* no fixed, no LL bits */
	wr_gp(VPMU_MSR_PEBS_ENABLE, 1ULL << 63);
	rd_gp(VPMU_MSR_PEBS_DATA_CFG);
	wr_gp(VPMU_MSR_PEBS_DATA_CFG, 0);
	wr_gp(VPMU_MSR_PERFEVTSEL0, VPMU_EVTSEL_ADAPTIVE);
	wr_gp(VPMU_MSR_FIXED_CTR_CTRL, VPMU_FIXED_ADAPTIVE(0));
	wr(VPMU_MSR_DS_AREA, 0xffff800000000000ULL);
	assert_int_equal(rd(VPMU_MSR_DS_AREA), 0xffff800000000000ULL);
	wr_gp(VPMU_MSR_DS_AREA, 1ULL << 47);
	wr_gp(VPMU_MSR_DS_AREA, 0x0000800000000000ULL);
	/* The guest test's values: non-canonical at 48 and 57 bits. */
	wr_gp(VPMU_MSR_DS_AREA, 1ULL << 56);
	wr_gp(VPMU_MSR_DS_AREA, 1ULL << 63);
	/*
	 * MISC_ENABLE as KVM: changing PEBS_UNAVAIL or BTS_UNAVAIL #GPs, a
	 * write of EMON is ignored (it keeps its value), the others stick.
	 */
	wr_gp(VPMU_MSR_MISC_ENABLE,
	      rd(VPMU_MSR_MISC_ENABLE) | VPMU_MISC_PEBS_UNAVAIL);
	wr_gp(VPMU_MSR_MISC_ENABLE,
	      rd(VPMU_MSR_MISC_ENABLE) & ~VPMU_MISC_BTS_UNAVAIL);
	wr_gp(VPMU_MSR_MISC_ENABLE, 0);
	wr(VPMU_MSR_MISC_ENABLE, rd(VPMU_MSR_MISC_ENABLE) | 1);
	assert_int_equal(rd(VPMU_MSR_MISC_ENABLE) & 1, 1);
	wr(VPMU_MSR_MISC_ENABLE, VPMU_MISC_BTS_UNAVAIL);
	assert_int_equal(rd(VPMU_MSR_MISC_ENABLE),
			 VPMU_MISC_EMON | VPMU_MISC_BTS_UNAVAIL);
	/* No PMU: EMON clear stays clear. */
	assert_int_equal(vpmu_init(&pmu, &(struct vpmu_config){ 0 }), 0);
	wr(VPMU_MSR_MISC_ENABLE, rd(VPMU_MSR_MISC_ENABLE) | VPMU_MISC_EMON);
	assert_int_equal(rd(VPMU_MSR_MISC_ENABLE),
			 VPMU_MISC_BTS_UNAVAIL | VPMU_MISC_PEBS_UNAVAIL);
}

static void test_msrs_with_baseline(void **state)
{
	(void)state;
	init_mode("baseline");
	wr(VPMU_MSR_PEBS_ENABLE, 0x70000000fULL);
	assert_int_equal(rd(VPMU_MSR_PEBS_ENABLE), 0x70000000fULL);
	wr_gp(VPMU_MSR_PEBS_ENABLE, 1ULL << 35);
	wr_gp(VPMU_MSR_PEBS_ENABLE, 1ULL << 4);
	wr(VPMU_MSR_PEBS_DATA_CFG, VPMU_PEBS_CFG_VALID);
	assert_int_equal(rd(VPMU_MSR_PEBS_DATA_CFG), VPMU_PEBS_CFG_VALID);
	for (unsigned int bit = 4; bit < 64; bit++)
		if (!(VPMU_PEBS_CFG_VALID & (1ULL << bit)))
			wr_gp(VPMU_MSR_PEBS_DATA_CFG, 1ULL << bit);
	wr(VPMU_MSR_PERFEVTSEL0, VPMU_EVTSEL_ADAPTIVE | SEL_INSNS);
	wr_gp(VPMU_MSR_PERFEVTSEL0, 1ULL << 35);
	wr(VPMU_MSR_FIXED_CTR_CTRL, VPMU_FIXED_ADAPTIVE(0) |
					    VPMU_FIXED_ADAPTIVE(1) |
					    VPMU_FIXED_ADAPTIVE(2));
	wr_gp(VPMU_MSR_FIXED_CTR_CTRL, VPMU_FIXED_ADAPTIVE(3));
	wr_gp(VPMU_MSR_FIXED_CTR_CTRL, 1ULL << 33);
}

static void test_version3_4_anythread(void **state)
{
	(void)state;
	init_version(2);
	wr_gp(VPMU_MSR_PERFEVTSEL0, VPMU_EVTSEL_ANY);
	wr_gp(VPMU_MSR_FIXED_CTR_CTRL, VPMU_FIXED_ANY);
	for (unsigned int v = 3; v <= 4; v++) {
		init_version(v);
		wr(VPMU_MSR_PERFEVTSEL0, VPMU_EVTSEL_ANY);
		wr(VPMU_MSR_FIXED_CTR_CTRL, VPMU_FIXED_CTRL(2, VPMU_FIXED_ANY));
	}
	init_version(5);
	wr_gp(VPMU_MSR_PERFEVTSEL0, VPMU_EVTSEL_ANY);
	wr_gp(VPMU_MSR_FIXED_CTR_CTRL, VPMU_FIXED_ANY);
}

static void test_version4_status_set_inuse(void **state)
{
	(void)state;
	init_version(3);
	wr_gp(VPMU_MSR_GLOBAL_STATUS_SET, 1);
	rd_gp(VPMU_MSR_GLOBAL_INUSE);
	init_version(4);
	wr(VPMU_MSR_GLOBAL_STATUS_SET, 0x70000000fULL | VPMU_GLOBAL_OVF_BUF);
	assert_int_equal(rd(VPMU_MSR_GLOBAL_STATUS),
			 0x70000000fULL | VPMU_GLOBAL_OVF_BUF);
	assert_int_equal(rd(VPMU_MSR_GLOBAL_STATUS_SET), 0);
	wr_gp(VPMU_MSR_GLOBAL_STATUS_SET, 1ULL << 4);
	wr_gp(VPMU_MSR_GLOBAL_STATUS_SET, 1ULL << 35);
	/* STATUS_RESET (the old OVF_CTRL address) clears. */
	wr(VPMU_MSR_GLOBAL_OVF_CTRL, 0x70000000fULL | VPMU_GLOBAL_OVF_BUF);
	assert_int_equal(rd(VPMU_MSR_GLOBAL_STATUS), 0);
	assert_int_equal(rd(VPMU_MSR_GLOBAL_INUSE), 0);
	wr(VPMU_MSR_PERFEVTSEL0 + 2, 0xc0);
	wr(VPMU_MSR_FIXED_CTR_CTRL, VPMU_FIXED_CTRL(1, VPMU_FIXED_OS));
	assert_int_equal(rd(VPMU_MSR_GLOBAL_INUSE), 0x200000004ULL);
	wr(VPMU_MSR_PERFEVTSEL0 + 3, VPMU_EVTSEL_INT);
	assert_int_equal(rd(VPMU_MSR_GLOBAL_INUSE),
			 0x200000004ULL | VPMU_INUSE_PMI);
	wr_gp(VPMU_MSR_GLOBAL_INUSE, 0);
}

static void test_version5_cpuid(void **state)
{
	struct vpmu_cpuid leaf;

	(void)state;
	init_version(5);
	leaf = vpmu_cpuid_0a(&pmu);
	assert_int_equal(leaf.eax & 0xff, 5);
	assert_int_equal(leaf.ecx, 0x7);
	assert_int_equal(leaf.edx, 3 | 48 << 5 | 1 << 15);
	init_version(4);
	leaf = vpmu_cpuid_0a(&pmu);
	assert_int_equal(leaf.ecx, 0);
	assert_int_equal(leaf.edx, 3 | 48 << 5);
}

/* The record sizes of every PEBS_DATA_CFG, adaptive or not. */
static void test_record_sizes(void **state)
{
	(void)state;
	init_mode("fmt3");
	assert_int_equal(vpmu_pebs_record_size(&pmu, 1), 0xc8);
	init_mode("fmt5"); /* no baseline: basic records only */
	assert_int_equal(vpmu_pebs_record_size(&pmu, 1), 32);
	init_mode("baseline");
	wr(VPMU_MSR_PERFEVTSEL0, VPMU_EVTSEL_ADAPTIVE);
	for (uint64_t cfg = 0; cfg < 16; cfg++) {
		size_t want = 32 + (cfg & 1 ? 32 : 0) + (cfg & 2 ? 144 : 0) +
			      (cfg & 4 ? 256 : 0) + (cfg & 8 ? 24 : 0);

		wr(VPMU_MSR_PEBS_DATA_CFG, cfg);
		assert_int_equal(vpmu_pebs_record_size(&pmu, 1), want);
		/* GP 1 is not adaptive: a basic record. */
		assert_int_equal(vpmu_pebs_record_size(&pmu, 2), 32);
	}
	wr(VPMU_MSR_PEBS_DATA_CFG, 0x8 | 31ULL << 24);
	assert_int_equal(vpmu_pebs_record_size(&pmu, 1), 32 + 32 * 24);
	assert_int_equal(VPMU_PEBS_MAX_RECORD, 32 + 32 + 144 + 256 + 32 * 24);
}

static void test_fmt3_layout(void **state)
{
	uint8_t buf[VPMU_PEBS_MAX_RECORD];
	const uint64_t *f = (const uint64_t *)buf;
	static const unsigned int order[8] = { 0, 3, 1, 2, 6, 7, 5, 4 };

	(void)state;
	init_mode("fmt3");
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(vpmu_pebs_record(&pmu, 0x5, &fake.st, buf), 0xc8);
	assert_int_equal(f[0], 0x246);
	assert_int_equal(f[1], 0x401003);
	for (unsigned int i = 0; i < 8; i++)
		assert_int_equal(f[2 + i], 0x1000 + order[i]);
	for (unsigned int i = 8; i < 16; i++)
		assert_int_equal(f[2 + i], 0x1000 + i);
	assert_int_equal(f[0x90 / 8], 0x5);
	assert_int_equal(f[0x98 / 8], 0);
	assert_int_equal(f[0xa0 / 8], 0);
	assert_int_equal(f[0xa8 / 8], 0);
	assert_int_equal(f[0xb0 / 8], 0x401000);
	assert_int_equal(f[0xb8 / 8], 0);
	assert_int_equal(f[0xc0 / 8], 0x123456789ULL);
	assert_int_equal(buf[0xc8], 0xee);
}

static void test_adaptive_layout(void **state)
{
	uint8_t buf[VPMU_PEBS_MAX_RECORD];
	const uint64_t *f = (const uint64_t *)buf;
	uint64_t cfg = 0xf | 1ULL << 24;
	size_t size = 32 + 32 + 144 + 256 + 2 * 24;

	(void)state;
	init_mode("baseline");
	wr(VPMU_MSR_FIXED_CTR_CTRL, VPMU_FIXED_ADAPTIVE(1));
	wr(VPMU_MSR_PEBS_DATA_CFG, cfg);
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(vpmu_pebs_record(&pmu, VPMU_GLOBAL_FIXED(1), &fake.st,
					  buf),
			 size);
	/* basic: size and format, eventing IP, applicable, TSC */
	assert_int_equal(f[0], (uint64_t)size << 48 | cfg);
	assert_int_equal(f[1], 0x401000);
	assert_int_equal(f[2], VPMU_GLOBAL_FIXED(1));
	assert_int_equal(f[3], 0x123456789ULL);
	/* memory info: no data */
	for (unsigned int i = 4; i < 8; i++)
		assert_int_equal(f[i], 0);
	/* GPRs: RFLAGS, RIP, then encoding order */
	assert_int_equal(f[8], 0x246);
	assert_int_equal(f[9], 0x401003);
	for (unsigned int i = 0; i < 16; i++)
		assert_int_equal(f[10 + i], 0x1000 + i);
	/* XMM0-15 */
	assert_memory_equal(buf + 208, fake.st.xmm, 256);
	/* two LBR entries of zeros */
	for (size_t off = 464; off < size; off++)
		assert_int_equal(buf[off], 0);
	assert_int_equal(buf[size], 0xee);
	/* Not adaptive: basic only, format 0. */
	wr(VPMU_MSR_FIXED_CTR_CTRL, 0);
	assert_int_equal(vpmu_pebs_record(&pmu, VPMU_GLOBAL_FIXED(1), &fake.st,
					  buf),
			 32);
	assert_int_equal(f[0], 32ULL << 48);
}

static void test_overflow_arms_next_event_records(void **state)
{
	(void)state;
	init_mode("fmt3");
	setup_ds(0xc8, 10, 1);
	arm_gp0(3, (MASK48 + 1 - 100) & MASK48);
	assert_false(step());
	assert_false(step());
	assert_false(step()); /* the overflow: armed, nothing written */
	assert_int_equal(index_off(), 0);
	assert_int_equal(rd(VPMU_MSR_GLOBAL_STATUS), 1);
	assert_true(vpmu_needs_stepping(&pmu));
	assert_true(step()); /* the next event writes it */
	assert_int_equal(index_off(), 0xc8);
	assert_int_equal(mem64(BUF + 0xb0), 0x401000);
	assert_int_equal(mem64(BUF + 0x90), 1);
	/* reloaded from the GP 0 slot (0x40), overflow bit consumed */
	assert_int_equal(rd(VPMU_MSR_A_PMC0), (MASK48 + 1 - 100) & MASK48);
	assert_int_equal(rd(VPMU_MSR_GLOBAL_STATUS), VPMU_GLOBAL_OVF_BUF);
	assert_true(vpmu_take_pmi(&pmu));
	assert_int_equal(pmu.pebs_stats.records, 1);
	assert_int_equal(fake.xmm_asked, 0);
}

static void test_threshold_of_n(void **state)
{
	(void)state;
	init_mode("fmt4");
	setup_ds(32, 10, 3);
	arm_gp0(1, MASK48); /* every second event records */
	for (unsigned int n = 1; n <= 3; n++) {
		assert_false(step());
		assert_true(step());
		assert_int_equal(index_off(), 32 * n);
		assert_int_equal(vpmu_take_pmi(&pmu), n == 3);
		assert_int_equal(!!(rd(VPMU_MSR_GLOBAL_STATUS) &
				    VPMU_GLOBAL_OVF_BUF),
				 n == 3);
	}
	/* basic record, not adaptive: format 0, size 32 */
	assert_int_equal(mem64(BUF), 32ULL << 48);
	assert_int_equal(mem64(BUF + 8), 0x401000);
	assert_int_equal(mem64(BUF + 16), 1);
	assert_int_equal(mem64(BUF + 24), 0x123456789ULL);
}

static void test_absolute_maximum(void **state)
{
	(void)state;
	init_mode("fmt4");
	setup_ds(32, 2, 5);
	arm_gp0(1, MASK48);
	for (unsigned int n = 0; n < 4; n++) {
		assert_false(step());
		assert_int_equal(step(), n < 2);
	}
	assert_int_equal(index_off(), 64);
	assert_int_equal(mem64(BUF + 64), 0);
	assert_false(vpmu_take_pmi(&pmu));
	assert_int_equal(rd(VPMU_MSR_GLOBAL_STATUS), 0);
	assert_int_equal(pmu.pebs_stats.full, 2);
	/* the counter still reloads at the maximum */
	assert_int_equal(rd(VPMU_MSR_A_PMC0), MASK48);
}

/*
 * DATA_CFG 0xff00000f (256 LBR entries asked, every group) with room for
 * a 6608-byte record: the LBR depth caps it at 32 entries, 1232 bytes.
 */
static void test_lbr_entries_capped(void **state)
{
	const size_t size = VPMU_PEBS_MAX_RECORD;

	(void)state;
	init_mode("baseline");
	setup_ds(6608, 3, 1);
	arm_gp0(1, MASK48);
	wr(VPMU_MSR_PERFEVTSEL0, VPMU_EVTSEL_ADAPTIVE | SEL_INSNS);
	wr(VPMU_MSR_PEBS_DATA_CFG, 0xff00000fULL);
	assert_int_equal(vpmu_pebs_record_size(&pmu, 1), 1232);
	assert_false(step());
	assert_true(step());
	assert_int_equal(pmu.pebs_stats.records, 1);
	assert_int_equal(pmu.pebs_stats.dropped, 0);
	assert_int_equal(index_off(), size);
	assert_int_equal(mem64(BUF), (uint64_t)size << 48 | 0xff00000fULL);
	assert_memory_equal(fake.mem + (BUF - MEM_BASE) + 208, fake.st.xmm,
			    256);
	for (size_t off = 464; off < 3 * 6608; off++)
		assert_int_equal(fake.mem[BUF - MEM_BASE + off], 0);
	assert_false(vpmu_take_pmi(&pmu)); /* below base + 6608 */
}

/* Fixed counter 1's reset slot: 0x80 + 8 up to fmt 4, 0x140 + 8 after. */
static void check_fixed_slot(const char *mode, uint64_t slot)
{
	init_mode(mode);
	setup_ds(32, 10, 10);
	set64(DS + 0x88, 0x111);
	set64(DS + 0x148, 0x222);
	wr(VPMU_MSR_FIXED_CTR0 + 1, MASK48);
	wr(VPMU_MSR_FIXED_CTR_CTRL, VPMU_FIXED_CTRL(1, FIXED_ON));
	wr(VPMU_MSR_PEBS_ENABLE, VPMU_GLOBAL_FIXED(1));
	wr(VPMU_MSR_GLOBAL_CTRL, VPMU_GLOBAL_FIXED(1));
	vpmu_count(&pmu, VPMU_EV_CORE_CYCLES, 0, 1);
	assert_false(vpmu_pebs_assist(&pmu, &io));
	vpmu_count(&pmu, VPMU_EV_CORE_CYCLES, 0, 1);
	assert_true(vpmu_pebs_assist(&pmu, &io));
	assert_int_equal(rd(VPMU_MSR_FIXED_CTR0 + 1), mem64(DS + slot));
	assert_int_equal(mem64(BUF + 16), VPMU_GLOBAL_FIXED(1));
}

static void test_fixed_reset_slots(void **state)
{
	(void)state;
	check_fixed_slot("fmt4-baseline", 0x88);
	check_fixed_slot("baseline", 0x148);
}

static void test_xmm_only_when_asked(void **state)
{
	(void)state;
	init_mode("baseline");
	setup_ds(32 + 256, 10, 10);
	wr(VPMU_MSR_PEBS_DATA_CFG, VPMU_PEBS_CFG_XMMS);
	arm_gp0(1, MASK48);
	wr(VPMU_MSR_PERFEVTSEL0, SEL_INSNS | VPMU_EVTSEL_ADAPTIVE);
	assert_false(step());
	assert_true(step());
	assert_int_equal(fake.xmm_asked, 1);
	assert_int_equal(mem64(BUF), (32ULL + 256) << 48 | 4);
	assert_memory_equal(fake.mem + (BUF - MEM_BASE) + 32, fake.st.xmm, 256);
}

/* A record that cannot be written whole is dropped and counted. */
static void check_dropped(uint64_t ds_area, uint64_t index)
{
	init_mode("fmt3");
	setup_ds(0xc8, 10, 1);
	set64(DS + VPMU_DS_PEBS_INDEX, index);
	set64(DS + VPMU_DS_PEBS_MAX, index + 10 * 0xc8);
	arm_gp0(1, MASK48);
	if (ds_area != DS)
		wr(VPMU_MSR_DS_AREA, ds_area);
	assert_false(step());
	assert_false(step());
	assert_int_equal(pmu.pebs_stats.dropped, 1);
	assert_int_equal(pmu.pebs_stats.records, 0);
	assert_false(vpmu_take_pmi(&pmu));
	assert_int_equal(mem64(DS + VPMU_DS_PEBS_INDEX), index);
	for (size_t i = 0x1000; i < MEM_SIZE; i++)
		assert_int_equal(fake.mem[i], 0);
}

static void test_drops(void **state)
{
	(void)state;
	check_dropped(DS + 4, BUF);		    /* DS area unaligned */
	check_dropped(0x7ffffffff000ULL, BUF);	    /* DS outside memory */
	check_dropped(DS, BUF + 4);		    /* index unaligned */
	check_dropped(DS, MEM_BASE + MEM_SIZE - 8); /* runs off memory */
	init_mode("fmt3");
	fake.hole = MEM_BASE + 0x3000; /* crosses an unmapped page */
	setup_ds(0xc8, 10, 1);
	set64(DS + VPMU_DS_PEBS_INDEX, fake.hole - 0x40);
	set64(DS + VPMU_DS_PEBS_MAX, fake.hole + 0x1000);
	arm_gp0(1, MASK48);
	assert_false(step());
	assert_false(step());
	assert_int_equal(pmu.pebs_stats.dropped, 1);
	assert_int_equal(mem64(fake.hole - 0x40), 0);
}

static bool deny_all(void *ctx, uint64_t eventsel, int fixed_idx)
{
	(void)ctx;
	(void)eventsel;
	(void)fixed_idx;
	return false;
}

static void test_no_record_cases(void **state)
{
	(void)state;
	/* A filter-denied counter never overflows: no record. */
	init_mode("fmt3");
	setup_ds(0xc8, 10, 1);
	vpmu_set_filter(&pmu, deny_all, NULL);
	arm_gp0(1, MASK48);
	assert_false(vpmu_needs_stepping(&pmu)); /* nothing counts */
	for (unsigned int i = 0; i < 4; i++)
		assert_false(step());
	assert_int_equal(index_off(), 0);
	/* PEBS_ENABLE clear: a plain overflow. */
	init_mode("fmt3");
	setup_ds(0xc8, 10, 1);
	arm_gp0(1, MASK48);
	wr(VPMU_MSR_PEBS_ENABLE, 0);
	for (unsigned int i = 0; i < 4; i++)
		assert_false(step());
	assert_int_equal(index_off(), 0);
	assert_int_equal(rd(VPMU_MSR_GLOBAL_STATUS), 1);
	/* Disarmed when PEBS_ENABLE is cleared after the overflow. */
	init_mode("fmt3");
	setup_ds(0xc8, 10, 1);
	arm_gp0(1, MASK48);
	assert_false(step());
	wr(VPMU_MSR_PEBS_ENABLE, 0);
	assert_false(step());
	assert_int_equal(index_off(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_enumeration),
		cmocka_unit_test(test_config_refused),
		cmocka_unit_test(test_msrs_without_baseline),
		cmocka_unit_test(test_msrs_with_baseline),
		cmocka_unit_test(test_version3_4_anythread),
		cmocka_unit_test(test_version4_status_set_inuse),
		cmocka_unit_test(test_version5_cpuid),
		cmocka_unit_test(test_record_sizes),
		cmocka_unit_test(test_fmt3_layout),
		cmocka_unit_test(test_adaptive_layout),
		cmocka_unit_test(test_overflow_arms_next_event_records),
		cmocka_unit_test(test_threshold_of_n),
		cmocka_unit_test(test_absolute_maximum),
		cmocka_unit_test(test_lbr_entries_capped),
		cmocka_unit_test(test_fixed_reset_slots),
		cmocka_unit_test(test_xmm_only_when_asked),
		cmocka_unit_test(test_drops),
		cmocka_unit_test(test_no_record_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
