// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the emulated Intel architectural PMU model. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "array_size.h"
#include "vpmu/vpmu.h"
#include "vpmu_msr.h"

#define MASK48 ((1ULL << 48) - 1)

#define EV_INSTRUCTIONS 0x00c0ULL
#define EV_BRANCHES	0x00c4ULL
#define EV_CORE_CYCLES	0x003cULL
#define EV_REF_CYCLES	0x013cULL
#define EV_LLC_MISSES	0x412eULL

#define SEL_ALL (VPMU_EVTSEL_EN | VPMU_EVTSEL_USR | VPMU_EVTSEL_OS)

static int setup(void **state)
{
	static struct vpmu pmu;
	struct vpmu_config cfg;

	vpmu_config_default(&cfg);
	assert_int_equal(vpmu_init(&pmu, &cfg), 0);
	*state = &pmu;
	return 0;
}

static void test_config_default(void **state)
{
	struct vpmu_config cfg;

	(void)state;
	vpmu_config_default(&cfg);
	assert_int_equal(cfg.version, 2);
	assert_int_equal(cfg.nr_gp, 4);
	assert_int_equal(cfg.nr_fixed, 3);
	assert_int_equal(cfg.width, 48);
	assert_int_equal(cfg.events, VPMU_MODELLED_EVENTS);
	assert_true(cfg.pdcm);
	assert_int_equal(cfg.perf_capabilities, VPMU_PERF_CAP_FW_WRITE);
}

static void test_config_refused(void **state)
{
	struct vpmu pmu;
	struct vpmu_config cfg;

	(void)state;
#define REFUSED(field, value)                                     \
	do {                                                      \
		vpmu_config_default(&cfg);                        \
		cfg.field = (value);                              \
		assert_int_equal(vpmu_init(&pmu, &cfg), -EINVAL); \
	} while (0)
	REFUSED(version, VPMU_MAX_VERSION + 1);
	REFUSED(nr_gp, 0);
	REFUSED(nr_gp, VPMU_MAX_GP + 1);
	REFUSED(nr_fixed, VPMU_MAX_FIXED + 1);
	REFUSED(width, 49);
	REFUSED(width, 31);
	REFUSED(events, 1U << VPMU_ARCH_LLC_MISSES);
	REFUSED(events, 1U << VPMU_ARCH_TOPDOWN_SLOTS);
	REFUSED(perf_capabilities, 1ULL << 14);
	REFUSED(pdcm, false); /* with full-width writes still set */
#undef REFUSED
	vpmu_config_default(&cfg);
	cfg.version = 1; /* no fixed counters before version 2 */
	assert_int_equal(vpmu_init(&pmu, &cfg), -EINVAL);
	cfg.nr_fixed = 0;
	assert_int_equal(vpmu_init(&pmu, &cfg), 0);
	cfg.nr_gp = VPMU_MAX_GP;
	assert_int_equal(vpmu_init(&pmu, &cfg), 0);
}

static void test_cpuid_0a(void **state)
{
	struct vpmu_cpuid leaf = vpmu_cpuid_0a(*state);
	struct vpmu pmu;
	struct vpmu_config cfg;

	/* v2, 4 GP x 48 bits, 8 EBX bits, LLC/misses/slots unavailable. */
	assert_int_equal(leaf.eax, 0x08300402);
	assert_int_equal(leaf.ebx, 0xd8);
	assert_int_equal(leaf.ecx, 0);
	assert_int_equal(leaf.edx, 3 | 48 << 5);

	vpmu_config_default(&cfg);
	cfg.nr_gp = 8;
	cfg.nr_fixed = 1;
	cfg.width = 40;
	cfg.events = 1U << VPMU_ARCH_INSTRUCTIONS;
	assert_int_equal(vpmu_init(&pmu, &cfg), 0);
	leaf = vpmu_cpuid_0a(&pmu);
	assert_int_equal(leaf.eax, 0x08280802);
	assert_int_equal(leaf.ebx, 0xfd);
	assert_int_equal(leaf.edx, 1 | 40 << 5);

	cfg.version = 1;
	cfg.nr_fixed = 0;
	assert_int_equal(vpmu_init(&pmu, &cfg), 0);
	leaf = vpmu_cpuid_0a(&pmu);
	assert_int_equal(leaf.eax & 0xff, 1);
	assert_int_equal(leaf.edx, 0);
}

static void test_version0_everything_gp(void **state)
{
	struct vpmu pmu;
	struct vpmu_config cfg = { 0 };
	struct vpmu_cpuid leaf;
	unsigned int r, i;
	uint64_t val;

	(void)state;
	assert_int_equal(vpmu_init(&pmu, &cfg), 0);
	leaf = vpmu_cpuid_0a(&pmu);
	assert_int_equal(leaf.eax | leaf.ebx | leaf.ecx | leaf.edx, 0);
	for (r = 0; r < VPMU_NR_MSR_RANGES; r++) {
		for (i = 0; i < vpmu_msr_ranges[r].nr; i++) {
			uint32_t msr = vpmu_msr_ranges[r].base + i;

			/* IA32_MISC_ENABLE exists on every CPU. */
			if (msr == VPMU_MSR_MISC_ENABLE)
				continue;
			assert_rd_gp(&pmu, msr);
			assert_wr_gp(&pmu, msr, 0);
		}
	}
	assert_int_equal(vpmu_rdpmc(&pmu, 0, &val), -EINVAL);
	assert_int_equal(vpmu_rdpmc(&pmu, VPMU_RDPMC_FIXED, &val), -EINVAL);
	assert_false(vpmu_needs_stepping(&pmu));
}

static void test_owns_msr(void **state)
{
	static const uint32_t owned[] = {
		0xc1,  0xc8,  0x186, 0x18d, 0x309, 0x30b, 0x345,
		0x38d, 0x38e, 0x38f, 0x390, 0x391, 0x392, 0x4c1,
		0x4c8, 0x1a0, 0x3f1, 0x3f2, 0x600,
	};
	static const uint32_t foreign[] = {
		0xc0,  0xc9,  0x185, 0x18e, 0x308, 0x30c, 0x344,
		0x346, 0x38c, 0x393, 0x4c0, 0x4c9, 0x0,	  0xffffffff,
		0x19f, 0x1a1, 0x3f0, 0x3f3, 0x5ff, 0x601,
	};
	struct vpmu_config cfg;
	unsigned int i;

	(void)state;
	vpmu_config_default(&cfg);
	cfg.pebs_format = 4;
	for (i = 0; i < ARRAY_SIZE(owned); i++)
		assert_true(vpmu_owns_msr(&cfg, owned[i]));
	for (i = 0; i < ARRAY_SIZE(foreign); i++)
		assert_false(vpmu_owns_msr(&cfg, foreign[i]));
	/* Without PEBS, IA32_MISC_ENABLE is KVM's; the rest stays. */
	cfg.pebs_format = 0;
	for (i = 0; i < ARRAY_SIZE(owned); i++)
		assert_int_equal(vpmu_owns_msr(&cfg, owned[i]),
				 owned[i] != VPMU_MSR_MISC_ENABLE);
}

static void test_reset_values(void **state)
{
	struct vpmu *pmu = *state;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		assert_int_equal(rd(pmu, VPMU_MSR_PMC0 + i), 0);
		assert_int_equal(rd(pmu, VPMU_MSR_A_PMC0 + i), 0);
		assert_int_equal(rd(pmu, VPMU_MSR_PERFEVTSEL0 + i), 0);
	}
	for (i = 0; i < 3; i++)
		assert_int_equal(rd(pmu, VPMU_MSR_FIXED_CTR0 + i), 0);
	assert_int_equal(rd(pmu, VPMU_MSR_FIXED_CTR_CTRL), 0);
	assert_int_equal(rd(pmu, VPMU_MSR_GLOBAL_STATUS), 0);
	assert_int_equal(rd(pmu, VPMU_MSR_GLOBAL_CTRL), 0xf);
	assert_int_equal(rd(pmu, VPMU_MSR_GLOBAL_OVF_CTRL), 0);
	assert_int_equal(rd(pmu, VPMU_MSR_PERF_CAPABILITIES),
			 VPMU_PERF_CAP_FW_WRITE);
	assert_false(vpmu_take_pmi(pmu));

	/* vpmu_reset() brings everything back. */
	wr(pmu, VPMU_MSR_PMC0, 5);
	wr(pmu, VPMU_MSR_PERFEVTSEL0, SEL_ALL | EV_INSTRUCTIONS);
	wr(pmu, VPMU_MSR_FIXED_CTR0 + 2, 7);
	wr(pmu, VPMU_MSR_FIXED_CTR_CTRL, 0xbbb);
	wr(pmu, VPMU_MSR_GLOBAL_CTRL, 0);
	vpmu_reset(pmu);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0), 0);
	assert_int_equal(rd(pmu, VPMU_MSR_PERFEVTSEL0), 0);
	assert_int_equal(rd(pmu, VPMU_MSR_FIXED_CTR0 + 2), 0);
	assert_int_equal(rd(pmu, VPMU_MSR_FIXED_CTR_CTRL), 0);
	assert_int_equal(rd(pmu, VPMU_MSR_GLOBAL_CTRL), 0xf);
}

static void test_pmc_legacy_write_sign_extends(void **state)
{
	struct vpmu *pmu = *state;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		uint32_t msr = VPMU_MSR_PMC0 + i;

		wr(pmu, msr, 0x7fffffff);
		assert_int_equal(rd(pmu, msr), 0x7fffffff);
		wr(pmu, msr, 0x80000000);
		assert_int_equal(rd(pmu, msr), 0xffff80000000ULL);
		/* Bits 63:32 of the value are ignored, not #GP. */
		wr(pmu, msr, 0x1234567800000001ULL);
		assert_int_equal(rd(pmu, msr), 1);
		wr(pmu, msr, 0xfffffffffffffffeULL);
		assert_int_equal(rd(pmu, msr), 0xfffffffffffeULL);
		/* Both aliases show the same counter. */
		assert_int_equal(rd(pmu, VPMU_MSR_A_PMC0 + i),
				 0xfffffffffffeULL);
	}
}

static void test_pmc_full_width_writes(void **state)
{
	struct vpmu *pmu = *state;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		uint32_t msr = VPMU_MSR_A_PMC0 + i;

		wr(pmu, msr, 0x0000912345678abcULL);
		assert_int_equal(rd(pmu, msr), 0x912345678abcULL);
		assert_int_equal(rd(pmu, VPMU_MSR_PMC0 + i), 0x912345678abcULL);
		wr(pmu, msr, MASK48);
		assert_int_equal(rd(pmu, msr), MASK48);
		/* Bits above the width are reserved here. */
		assert_wr_gp(pmu, msr, 1ULL << 48);
		assert_wr_gp(pmu, msr, 1ULL << 63);
		assert_int_equal(rd(pmu, msr), MASK48);
	}
}

static void test_pmc_full_width_refused(void **state)
{
	struct vpmu pmu;
	struct vpmu_config cfg;
	uint64_t val;

	(void)state;
	vpmu_config_default(&cfg);
	cfg.perf_capabilities = 0;
	assert_int_equal(vpmu_init(&pmu, &cfg), 0);
	assert_int_equal(rd(&pmu, VPMU_MSR_PERF_CAPABILITIES), 0);
	assert_rd_gp(&pmu, VPMU_MSR_A_PMC0);
	assert_wr_gp(&pmu, VPMU_MSR_A_PMC0, 1);
	/* The legacy alias still works. */
	wr(&pmu, VPMU_MSR_PMC0, 0x80000000);
	assert_int_equal(rd(&pmu, VPMU_MSR_PMC0), 0xffff80000000ULL);

	/* Without PDCM PERF_CAPABILITIES does not exist either. */
	cfg.pdcm = false;
	assert_int_equal(vpmu_init(&pmu, &cfg), 0);
	assert_rd_gp(&pmu, VPMU_MSR_PERF_CAPABILITIES);
	assert_int_equal(vpmu_rdmsr(&pmu, VPMU_MSR_A_PMC0, &val), -EINVAL);
}

static void test_counter_width_40(void **state)
{
	struct vpmu pmu;
	struct vpmu_config cfg;
	uint64_t mask40 = (1ULL << 40) - 1;

	(void)state;
	vpmu_config_default(&cfg);
	cfg.width = 40;
	assert_int_equal(vpmu_init(&pmu, &cfg), 0);
	wr(&pmu, VPMU_MSR_PMC0, 0xffffffff);
	assert_int_equal(rd(&pmu, VPMU_MSR_PMC0), mask40);
	assert_wr_gp(&pmu, VPMU_MSR_A_PMC0, 1ULL << 40);
	wr(&pmu, VPMU_MSR_FIXED_CTR0, ~0ULL);
	assert_int_equal(rd(&pmu, VPMU_MSR_FIXED_CTR0), mask40);

	wr(&pmu, VPMU_MSR_PERFEVTSEL0, SEL_ALL | EV_BRANCHES);
	vpmu_count(&pmu, VPMU_EV_BRANCHES, 0, 2);
	assert_int_equal(rd(&pmu, VPMU_MSR_PMC0), 1);
	assert_int_equal(rd(&pmu, VPMU_MSR_GLOBAL_STATUS), 1);
}

static void test_nonexistent_counters_gp(void **state)
{
	struct vpmu *pmu = *state;
	uint32_t i;

	for (i = 4; i < VPMU_MAX_GP; i++) {
		assert_rd_gp(pmu, VPMU_MSR_PMC0 + i);
		assert_wr_gp(pmu, VPMU_MSR_PMC0 + i, 0);
		assert_rd_gp(pmu, VPMU_MSR_A_PMC0 + i);
		assert_wr_gp(pmu, VPMU_MSR_A_PMC0 + i, 0);
		assert_rd_gp(pmu, VPMU_MSR_PERFEVTSEL0 + i);
		assert_wr_gp(pmu, VPMU_MSR_PERFEVTSEL0 + i, 0);
	}
	/* Fixed counter 3 (topdown slots) is not modelled. */
	assert_rd_gp(pmu, VPMU_MSR_FIXED_CTR0 + 3);
	assert_wr_gp(pmu, VPMU_MSR_FIXED_CTR0 + 3, 0);
	/* Neither are v4's GLOBAL_STATUS_SET nor foreign MSRs. */
	assert_rd_gp(pmu, 0x391);
	assert_wr_gp(pmu, 0x391, 0);
	assert_rd_gp(pmu, 0x10);
}

static void test_fewer_counters_configured(void **state)
{
	struct vpmu pmu;
	struct vpmu_config cfg;

	(void)state;
	vpmu_config_default(&cfg);
	cfg.nr_gp = 2;
	cfg.nr_fixed = 1;
	assert_int_equal(vpmu_init(&pmu, &cfg), 0);
	wr(&pmu, VPMU_MSR_PMC0 + 1, 1);
	assert_wr_gp(&pmu, VPMU_MSR_PMC0 + 2, 1);
	assert_wr_gp(&pmu, VPMU_MSR_PERFEVTSEL0 + 2, 0);
	wr(&pmu, VPMU_MSR_FIXED_CTR0, 1);
	assert_wr_gp(&pmu, VPMU_MSR_FIXED_CTR0 + 1, 1);
	assert_rd_gp(&pmu, VPMU_MSR_FIXED_CTR0 + 2);
	/* Control bits of absent counters are reserved. */
	assert_int_equal(rd(&pmu, VPMU_MSR_GLOBAL_CTRL), 0x3);
	assert_wr_gp(&pmu, VPMU_MSR_GLOBAL_CTRL, 0x4);
	assert_wr_gp(&pmu, VPMU_MSR_GLOBAL_CTRL, VPMU_GLOBAL_FIXED(1));
	wr(&pmu, VPMU_MSR_GLOBAL_CTRL, 0x3 | VPMU_GLOBAL_FIXED(0));
	assert_wr_gp(&pmu, VPMU_MSR_FIXED_CTR_CTRL, 0x10);
	wr(&pmu, VPMU_MSR_FIXED_CTR_CTRL, 0xb);
	assert_wr_gp(&pmu, VPMU_MSR_GLOBAL_OVF_CTRL, 0x4);
	wr(&pmu, VPMU_MSR_GLOBAL_OVF_CTRL, 0x3 | VPMU_GLOBAL_FIXED(0));
}

static void test_evtsel_reserved_bits(void **state)
{
	struct vpmu *pmu = *state;
	unsigned int i, bit;

	for (i = 0; i < 4; i++) {
		uint32_t msr = VPMU_MSR_PERFEVTSEL0 + i;

		/* Every defined v2 bit is writable and reads back. */
		wr(pmu, msr, 0xffdfffffULL);
		assert_int_equal(rd(pmu, msr), 0xffdfffffULL);
		assert_wr_gp(pmu, msr, VPMU_EVTSEL_ANY);
		for (bit = 32; bit < 64; bit++)
			assert_wr_gp(pmu, msr, 1ULL << bit);
		/* A refused write leaves the old value. */
		assert_int_equal(rd(pmu, msr), 0xffdfffffULL);
	}
}

static void test_fixed_counters_rw(void **state)
{
	struct vpmu *pmu = *state;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		uint32_t msr = VPMU_MSR_FIXED_CTR0 + i;

		wr(pmu, msr, 0x876543210fedULL + i);
		assert_int_equal(rd(pmu, msr), 0x876543210fedULL + i);
		/* Bits above the width are dropped, as KVM does. */
		wr(pmu, msr, 0xffff000000000005ULL);
		assert_int_equal(rd(pmu, msr), 5);
	}
}

static void test_fixed_ctr_ctrl_reserved_bits(void **state)
{
	struct vpmu *pmu = *state;
	unsigned int i, bit;

	wr(pmu, VPMU_MSR_FIXED_CTR_CTRL, 0xbbb);
	assert_int_equal(rd(pmu, VPMU_MSR_FIXED_CTR_CTRL), 0xbbb);
	for (i = 0; i < 3; i++)
		assert_wr_gp(pmu, VPMU_MSR_FIXED_CTR_CTRL,
			     VPMU_FIXED_CTRL(i, VPMU_FIXED_ANY));
	for (bit = 12; bit < 64; bit++)
		assert_wr_gp(pmu, VPMU_MSR_FIXED_CTR_CTRL, 1ULL << bit);
	assert_int_equal(rd(pmu, VPMU_MSR_FIXED_CTR_CTRL), 0xbbb);
}

static void test_global_ctrl(void **state)
{
	struct vpmu *pmu = *state;
	uint64_t valid = 0xf | 0x7ULL << 32;
	unsigned int bit;

	wr(pmu, VPMU_MSR_GLOBAL_CTRL, valid);
	assert_int_equal(rd(pmu, VPMU_MSR_GLOBAL_CTRL), valid);
	for (bit = 0; bit < 64; bit++)
		if (!(valid & (1ULL << bit)))
			assert_wr_gp(pmu, VPMU_MSR_GLOBAL_CTRL, 1ULL << bit);
	assert_int_equal(rd(pmu, VPMU_MSR_GLOBAL_CTRL), valid);
	wr(pmu, VPMU_MSR_GLOBAL_CTRL, 0);
	assert_int_equal(rd(pmu, VPMU_MSR_GLOBAL_CTRL), 0);
}

static void test_global_status_read_only(void **state)
{
	struct vpmu *pmu = *state;

	assert_wr_gp(pmu, VPMU_MSR_GLOBAL_STATUS, 0);
	assert_wr_gp(pmu, VPMU_MSR_GLOBAL_STATUS, 1);
	assert_int_equal(rd(pmu, VPMU_MSR_GLOBAL_STATUS), 0);
	assert_wr_gp(pmu, VPMU_MSR_PERF_CAPABILITIES, 0);
	assert_wr_gp(pmu, VPMU_MSR_PERF_CAPABILITIES, VPMU_PERF_CAP_FW_WRITE);
	assert_int_equal(rd(pmu, VPMU_MSR_PERF_CAPABILITIES),
			 VPMU_PERF_CAP_FW_WRITE);
}

static void test_global_ovf_ctrl_reserved_bits(void **state)
{
	struct vpmu *pmu = *state;
	uint64_t valid = 0xf | 0x7ULL << 32 | VPMU_GLOBAL_OVF_BUF |
			 VPMU_GLOBAL_COND_CHGD;
	unsigned int bit;

	wr(pmu, VPMU_MSR_GLOBAL_OVF_CTRL, valid);
	for (bit = 0; bit < 64; bit++)
		if (!(valid & (1ULL << bit)))
			assert_wr_gp(pmu, VPMU_MSR_GLOBAL_OVF_CTRL,
				     1ULL << bit);
	assert_int_equal(rd(pmu, VPMU_MSR_GLOBAL_OVF_CTRL), 0);
}

static void test_count_gp_every_event(void **state)
{
	static const struct {
		enum vpmu_event ev;
		uint64_t code;
	} map[] = {
		{ VPMU_EV_INSTRUCTIONS, EV_INSTRUCTIONS },
		{ VPMU_EV_BRANCHES, EV_BRANCHES },
		{ VPMU_EV_CORE_CYCLES, EV_CORE_CYCLES },
		{ VPMU_EV_REF_CYCLES, EV_REF_CYCLES },
	};
	struct vpmu *pmu = *state;
	unsigned int i, e, other;

	/* Counter i counts event i only. */
	for (i = 0; i < 4; i++)
		wr(pmu, VPMU_MSR_PERFEVTSEL0 + i, SEL_ALL | map[i].code);
	for (e = 0; e < 4; e++)
		vpmu_count(pmu, map[e].ev, 0, 10 + e);
	for (i = 0; i < 4; i++)
		assert_int_equal(rd(pmu, VPMU_MSR_PMC0 + i), 10 + i);

	/* Every counter can count every event. */
	for (e = 0; e < 4; e++) {
		for (i = 0; i < 4; i++) {
			wr(pmu, VPMU_MSR_PERFEVTSEL0 + i, 0);
			wr(pmu, VPMU_MSR_PMC0 + i, 0);
		}
		for (i = 0; i < 4; i++)
			wr(pmu, VPMU_MSR_PERFEVTSEL0 + i,
			   SEL_ALL | map[e].code);
		for (other = 0; other < 4; other++)
			vpmu_count(pmu, map[other].ev, 3,
				   other == e ? 100 : 1000);
		for (i = 0; i < 4; i++)
			assert_int_equal(rd(pmu, VPMU_MSR_PMC0 + i), 100);
	}
}

static void test_count_unavailable_event(void **state)
{
	struct vpmu *pmu = *state;
	struct vpmu pmu_no_branches;
	struct vpmu_config cfg;

	/* An encoding of no modelled event never counts. */
	wr(pmu, VPMU_MSR_PERFEVTSEL0, SEL_ALL | EV_LLC_MISSES);
	vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 0, 5);
	vpmu_count(pmu, VPMU_EV_BRANCHES, 0, 5);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0), 0);

	/* Nor does an event the configuration marks unavailable. */
	vpmu_config_default(&cfg);
	cfg.events &= ~(1U << VPMU_ARCH_BRANCHES);
	assert_int_equal(vpmu_init(&pmu_no_branches, &cfg), 0);
	wr(&pmu_no_branches, VPMU_MSR_PERFEVTSEL0, SEL_ALL | EV_BRANCHES);
	vpmu_count(&pmu_no_branches, VPMU_EV_BRANCHES, 0, 5);
	assert_int_equal(rd(&pmu_no_branches, VPMU_MSR_PMC0), 0);
	assert_false(vpmu_counting(&pmu_no_branches, VPMU_EV_BRANCHES));
}

static void test_count_usr_os_by_cpl(void **state)
{
	struct vpmu *pmu = *state;
	unsigned int cpl;

	wr(pmu, VPMU_MSR_PERFEVTSEL0,
	   VPMU_EVTSEL_EN | VPMU_EVTSEL_USR | EV_INSTRUCTIONS);
	wr(pmu, VPMU_MSR_PERFEVTSEL0 + 1,
	   VPMU_EVTSEL_EN | VPMU_EVTSEL_OS | EV_INSTRUCTIONS);
	wr(pmu, VPMU_MSR_PERFEVTSEL0 + 2, SEL_ALL | EV_INSTRUCTIONS);
	/* Neither USR nor OS: counts nothing. */
	wr(pmu, VPMU_MSR_PERFEVTSEL0 + 3, VPMU_EVTSEL_EN | EV_INSTRUCTIONS);
	for (cpl = 0; cpl < 4; cpl++)
		vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, cpl, 1ULL << cpl);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0), 2 + 4 + 8);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0 + 1), 1);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0 + 2), 15);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0 + 3), 0);
}

static void test_count_fixed_counters(void **state)
{
	struct vpmu *pmu = *state;

	wr(pmu, VPMU_MSR_GLOBAL_CTRL, 0x7ULL << 32);
	wr(pmu, VPMU_MSR_FIXED_CTR_CTRL,
	   VPMU_FIXED_CTRL(0, VPMU_FIXED_OS | VPMU_FIXED_USR) |
		   VPMU_FIXED_CTRL(1, VPMU_FIXED_OS) |
		   VPMU_FIXED_CTRL(2, VPMU_FIXED_USR));
	vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 0, 3);
	vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 3, 4);
	vpmu_count(pmu, VPMU_EV_CORE_CYCLES, 0, 30);
	vpmu_count(pmu, VPMU_EV_CORE_CYCLES, 3, 40);
	vpmu_count(pmu, VPMU_EV_REF_CYCLES, 0, 300);
	vpmu_count(pmu, VPMU_EV_REF_CYCLES, 2, 400);
	vpmu_count(pmu, VPMU_EV_BRANCHES, 0, 5000);
	assert_int_equal(rd(pmu, VPMU_MSR_FIXED_CTR0), 7);
	assert_int_equal(rd(pmu, VPMU_MSR_FIXED_CTR0 + 1), 30);
	assert_int_equal(rd(pmu, VPMU_MSR_FIXED_CTR0 + 2), 400);

	/* A fixed counter with neither OS nor USR counts nothing. */
	wr(pmu, VPMU_MSR_FIXED_CTR_CTRL, VPMU_FIXED_CTRL(0, VPMU_FIXED_PMI));
	vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 0, 3);
	assert_int_equal(rd(pmu, VPMU_MSR_FIXED_CTR0), 7);
}

static void test_global_ctrl_gates_counting(void **state)
{
	struct vpmu *pmu = *state;
	struct vpmu v1;
	struct vpmu_config cfg;

	wr(pmu, VPMU_MSR_PERFEVTSEL0, SEL_ALL | EV_INSTRUCTIONS);
	wr(pmu, VPMU_MSR_PERFEVTSEL0 + 1, SEL_ALL | EV_INSTRUCTIONS);
	wr(pmu, VPMU_MSR_FIXED_CTR_CTRL, 0x3);
	wr(pmu, VPMU_MSR_GLOBAL_CTRL, 0);
	vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 0, 10);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0), 0);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0 + 1), 0);
	assert_int_equal(rd(pmu, VPMU_MSR_FIXED_CTR0), 0);
	assert_false(vpmu_needs_stepping(pmu));

	wr(pmu, VPMU_MSR_GLOBAL_CTRL, 0x2 | VPMU_GLOBAL_FIXED(0));
	assert_true(vpmu_needs_stepping(pmu));
	vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 0, 10);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0), 0);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0 + 1), 10);
	assert_int_equal(rd(pmu, VPMU_MSR_FIXED_CTR0), 10);

	/* Version 1 has no GLOBAL_CTRL: EN alone enables. */
	vpmu_config_default(&cfg);
	cfg.version = 1;
	cfg.nr_fixed = 0;
	assert_int_equal(vpmu_init(&v1, &cfg), 0);
	assert_rd_gp(&v1, VPMU_MSR_GLOBAL_CTRL);
	assert_wr_gp(&v1, VPMU_MSR_GLOBAL_CTRL, 0);
	assert_rd_gp(&v1, VPMU_MSR_GLOBAL_STATUS);
	assert_wr_gp(&v1, VPMU_MSR_GLOBAL_OVF_CTRL, 0);
	assert_rd_gp(&v1, VPMU_MSR_FIXED_CTR_CTRL);
	assert_rd_gp(&v1, VPMU_MSR_FIXED_CTR0);
	wr(&v1, VPMU_MSR_PERFEVTSEL0 + 3, SEL_ALL | EV_INSTRUCTIONS);
	vpmu_count(&v1, VPMU_EV_INSTRUCTIONS, 0, 10);
	assert_int_equal(rd(&v1, VPMU_MSR_PMC0 + 3), 10);
}

static void test_disable_stops_counting(void **state)
{
	struct vpmu *pmu = *state;

	wr(pmu, VPMU_MSR_PERFEVTSEL0, SEL_ALL | EV_BRANCHES);
	vpmu_count(pmu, VPMU_EV_BRANCHES, 0, 10);
	wr(pmu, VPMU_MSR_PERFEVTSEL0,
	   (SEL_ALL & ~VPMU_EVTSEL_EN) | EV_BRANCHES);
	assert_false(vpmu_counting(pmu, VPMU_EV_BRANCHES));
	vpmu_count(pmu, VPMU_EV_BRANCHES, 0, 10);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0), 10);

	/* Rewriting a counter while it runs continues from the new value. */
	wr(pmu, VPMU_MSR_PERFEVTSEL0, SEL_ALL | EV_BRANCHES);
	wr(pmu, VPMU_MSR_PMC0, 1000);
	vpmu_count(pmu, VPMU_EV_BRANCHES, 0, 1);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0), 1001);
}

static void test_unmodelled_modifiers_do_not_count(void **state)
{
	struct vpmu *pmu = *state;

	wr(pmu, VPMU_MSR_PERFEVTSEL0,
	   SEL_ALL | EV_INSTRUCTIONS | 1ULL << 24); /* CMASK = 1 */
	wr(pmu, VPMU_MSR_PERFEVTSEL0 + 1,
	   SEL_ALL | EV_INSTRUCTIONS | VPMU_EVTSEL_INV);
	wr(pmu, VPMU_MSR_PERFEVTSEL0 + 2,
	   SEL_ALL | EV_INSTRUCTIONS | VPMU_EVTSEL_EDGE);
	/* Pin control has no effect on counting. */
	wr(pmu, VPMU_MSR_PERFEVTSEL0 + 3,
	   SEL_ALL | EV_INSTRUCTIONS | VPMU_EVTSEL_PC);
	vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 0, 10);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0), 0);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0 + 1), 0);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0 + 2), 0);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0 + 3), 10);
}

static void test_gp_overflow_status_and_pmi(void **state)
{
	struct vpmu *pmu = *state;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		uint32_t sel = VPMU_MSR_PERFEVTSEL0 + i;

		/* Without INT: status bit, no PMI. */
		wr(pmu, sel, SEL_ALL | EV_INSTRUCTIONS);
		wr(pmu, VPMU_MSR_PMC0 + i, -2ULL);
		vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 0, 1);
		assert_int_equal(rd(pmu, VPMU_MSR_PMC0 + i), MASK48);
		assert_int_equal(rd(pmu, VPMU_MSR_GLOBAL_STATUS), 0);
		vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 0, 3);
		assert_int_equal(rd(pmu, VPMU_MSR_PMC0 + i), 2);
		assert_int_equal(rd(pmu, VPMU_MSR_GLOBAL_STATUS), 1ULL << i);
		assert_false(vpmu_take_pmi(pmu));
		wr(pmu, VPMU_MSR_GLOBAL_OVF_CTRL, 1ULL << i);
		assert_int_equal(rd(pmu, VPMU_MSR_GLOBAL_STATUS), 0);

		/* With INT: a PMI, taken once. */
		wr(pmu, sel, SEL_ALL | VPMU_EVTSEL_INT | EV_INSTRUCTIONS);
		wr(pmu, VPMU_MSR_PMC0 + i, -1ULL);
		vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 0, 1);
		assert_int_equal(rd(pmu, VPMU_MSR_PMC0 + i), 0);
		assert_int_equal(rd(pmu, VPMU_MSR_GLOBAL_STATUS), 1ULL << i);
		assert_true(vpmu_take_pmi(pmu));
		assert_false(vpmu_take_pmi(pmu));
		wr(pmu, VPMU_MSR_GLOBAL_OVF_CTRL, 1ULL << i);
		wr(pmu, sel, 0);
	}
}

static void test_fixed_overflow_status_and_pmi(void **state)
{
	static const enum vpmu_event ev[] = {
		VPMU_EV_INSTRUCTIONS,
		VPMU_EV_CORE_CYCLES,
		VPMU_EV_REF_CYCLES,
	};
	struct vpmu *pmu = *state;
	unsigned int i;

	wr(pmu, VPMU_MSR_GLOBAL_CTRL, 0x7ULL << 32);
	for (i = 0; i < 3; i++) {
		uint32_t ctr = VPMU_MSR_FIXED_CTR0 + i;

		wr(pmu, VPMU_MSR_FIXED_CTR_CTRL, VPMU_FIXED_CTRL(i, 0x3));
		wr(pmu, ctr, MASK48);
		vpmu_count(pmu, ev[i], 0, 1);
		assert_int_equal(rd(pmu, ctr), 0);
		assert_int_equal(rd(pmu, VPMU_MSR_GLOBAL_STATUS),
				 VPMU_GLOBAL_FIXED(i));
		assert_false(vpmu_take_pmi(pmu));
		wr(pmu, VPMU_MSR_GLOBAL_OVF_CTRL, VPMU_GLOBAL_FIXED(i));

		wr(pmu, VPMU_MSR_FIXED_CTR_CTRL, VPMU_FIXED_CTRL(i, 0xb));
		wr(pmu, ctr, MASK48 - 1);
		vpmu_count(pmu, ev[i], 0, 5);
		assert_int_equal(rd(pmu, ctr), 3);
		assert_int_equal(rd(pmu, VPMU_MSR_GLOBAL_STATUS),
				 VPMU_GLOBAL_FIXED(i));
		assert_true(vpmu_take_pmi(pmu));
		assert_false(vpmu_take_pmi(pmu));
		wr(pmu, VPMU_MSR_GLOBAL_OVF_CTRL, VPMU_GLOBAL_FIXED(i));
	}
	assert_int_equal(rd(pmu, VPMU_MSR_GLOBAL_STATUS), 0);
}

static void test_ovf_ctrl_clears_only_its_bits(void **state)
{
	struct vpmu *pmu = *state;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		wr(pmu, VPMU_MSR_PERFEVTSEL0 + i, SEL_ALL | EV_BRANCHES);
		wr(pmu, VPMU_MSR_A_PMC0 + i, MASK48);
	}
	wr(pmu, VPMU_MSR_GLOBAL_CTRL, 0xf | VPMU_GLOBAL_FIXED(2));
	wr(pmu, VPMU_MSR_FIXED_CTR_CTRL, VPMU_FIXED_CTRL(2, VPMU_FIXED_OS));
	wr(pmu, VPMU_MSR_FIXED_CTR0 + 2, MASK48);
	vpmu_count(pmu, VPMU_EV_BRANCHES, 0, 1);
	vpmu_count(pmu, VPMU_EV_REF_CYCLES, 0, 1);
	assert_int_equal(rd(pmu, VPMU_MSR_GLOBAL_STATUS),
			 0xf | VPMU_GLOBAL_FIXED(2));
	wr(pmu, VPMU_MSR_GLOBAL_OVF_CTRL, 0x5);
	assert_int_equal(rd(pmu, VPMU_MSR_GLOBAL_STATUS),
			 0xa | VPMU_GLOBAL_FIXED(2));
	/* A refused write clears nothing. */
	assert_wr_gp(pmu, VPMU_MSR_GLOBAL_OVF_CTRL, 0xa | 1ULL << 4);
	assert_int_equal(rd(pmu, VPMU_MSR_GLOBAL_STATUS),
			 0xa | VPMU_GLOBAL_FIXED(2));
	wr(pmu, VPMU_MSR_GLOBAL_OVF_CTRL,
	   0xa | VPMU_GLOBAL_FIXED(2) | VPMU_GLOBAL_COND_CHGD);
	assert_int_equal(rd(pmu, VPMU_MSR_GLOBAL_STATUS), 0);
}

static void test_huge_count_overflows_once(void **state)
{
	struct vpmu *pmu = *state;

	wr(pmu, VPMU_MSR_PERFEVTSEL0, SEL_ALL | VPMU_EVTSEL_INT | EV_BRANCHES);
	wr(pmu, VPMU_MSR_A_PMC0, 10);
	vpmu_count(pmu, VPMU_EV_BRANCHES, 0, ~0ULL);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0), (10 + ~0ULL) & MASK48);
	assert_int_equal(rd(pmu, VPMU_MSR_GLOBAL_STATUS), 1);
	assert_true(vpmu_take_pmi(pmu));
	/* Exactly up to the top is not an overflow. */
	wr(pmu, VPMU_MSR_GLOBAL_OVF_CTRL, 1);
	wr(pmu, VPMU_MSR_A_PMC0, 10);
	vpmu_count(pmu, VPMU_EV_BRANCHES, 0, MASK48 - 10);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0), MASK48);
	assert_int_equal(rd(pmu, VPMU_MSR_GLOBAL_STATUS), 0);
	assert_false(vpmu_take_pmi(pmu));
}

static void test_rdpmc(void **state)
{
	struct vpmu *pmu = *state;
	uint64_t val;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		wr(pmu, VPMU_MSR_A_PMC0 + i, 0xabc000000000ULL + i);
		assert_int_equal(vpmu_rdpmc(pmu, i, &val), 0);
		assert_int_equal(val, 0xabc000000000ULL + i);
	}
	for (i = 0; i < 3; i++) {
		wr(pmu, VPMU_MSR_FIXED_CTR0 + i, 0x123000000000ULL + i);
		assert_int_equal(vpmu_rdpmc(pmu, VPMU_RDPMC_FIXED | i, &val),
				 0);
		assert_int_equal(val, 0x123000000000ULL + i);
	}
	assert_int_equal(vpmu_rdpmc(pmu, 4, &val), -EINVAL);
	assert_int_equal(vpmu_rdpmc(pmu, VPMU_RDPMC_FIXED | 3, &val), -EINVAL);
	assert_int_equal(vpmu_rdpmc(pmu, VPMU_RDPMC_FAST, &val), -EINVAL);
	assert_int_equal(vpmu_rdpmc(pmu, VPMU_RDPMC_FAST | VPMU_RDPMC_FIXED,
				    &val),
			 -EINVAL);
	assert_int_equal(vpmu_rdpmc(pmu, 1U << 16, &val), -EINVAL);
	assert_int_equal(vpmu_rdpmc(pmu, VPMU_RDPMC_FIXED | 1U << 16, &val),
			 -EINVAL);
}

/*
 * A filter whose answers the test changes at will, as the VMM's changes
 * when another policy is installed; it logs every question.
 */
struct filter_log {
	uint64_t denied_sel; /* GP eventsel code to refuse */
	int denied_fixed;
	unsigned int calls;
	unsigned int gp_calls[VPMU_MAX_GP];
	unsigned int fixed_calls[VPMU_MAX_FIXED];
	uint64_t last_sel;
};

static bool filter(void *ctx, uint64_t eventsel, int fixed_idx)
{
	struct filter_log *log = ctx;

	log->calls++;
	if (fixed_idx >= 0) {
		assert_int_equal(eventsel, 0);
		assert_true(fixed_idx < VPMU_MAX_FIXED);
		log->fixed_calls[fixed_idx]++;
		return fixed_idx != log->denied_fixed;
	}
	log->last_sel = eventsel;
	return (eventsel & 0xffff) != log->denied_sel;
}

static void reset_log(struct filter_log *log)
{
	log->calls = 0;
	memset(log->gp_calls, 0, sizeof(log->gp_calls));
	memset(log->fixed_calls, 0, sizeof(log->fixed_calls));
}

static void test_filter_hook(void **state)
{
	struct vpmu *pmu = *state;
	struct filter_log log = { .denied_sel = EV_BRANCHES,
				  .denied_fixed = 1 };

	vpmu_set_filter(pmu, filter, &log);
	/* Installing it asks about every counter: 4 GP, 3 fixed. */
	assert_int_equal(log.calls, 4 + 3);
	wr(pmu, VPMU_MSR_PERFEVTSEL0, SEL_ALL | EV_BRANCHES);
	wr(pmu, VPMU_MSR_PERFEVTSEL0 + 1, SEL_ALL | EV_INSTRUCTIONS);
	wr(pmu, VPMU_MSR_GLOBAL_CTRL, 0x3 | 0x3ULL << 32);
	wr(pmu, VPMU_MSR_FIXED_CTR_CTRL, 0x33);

	assert_false(vpmu_counting(pmu, VPMU_EV_BRANCHES));
	assert_false(vpmu_counting(pmu, VPMU_EV_CORE_CYCLES));
	assert_true(vpmu_counting(pmu, VPMU_EV_INSTRUCTIONS));
	reset_log(&log);
	vpmu_count(pmu, VPMU_EV_BRANCHES, 0, 10);
	vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 0, 20);
	vpmu_count(pmu, VPMU_EV_CORE_CYCLES, 0, 30);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0), 0);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0 + 1), 20);
	assert_int_equal(rd(pmu, VPMU_MSR_FIXED_CTR0), 20);
	assert_int_equal(rd(pmu, VPMU_MSR_FIXED_CTR0 + 1), 0);
	/* Decided when programmed: counting asks nothing. */
	assert_int_equal(log.calls, 0);

	/* Without the hook everything counts again. */
	vpmu_set_filter(pmu, NULL, NULL);
	vpmu_count(pmu, VPMU_EV_BRANCHES, 0, 10);
	vpmu_count(pmu, VPMU_EV_CORE_CYCLES, 0, 30);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0), 10);
	assert_int_equal(rd(pmu, VPMU_MSR_FIXED_CTR0 + 1), 30);
	assert_int_equal(log.calls, 0);
}

/* A denied counter is only silent: its MSRs work, nothing faults. */
static void test_filter_denied_counter_msrs(void **state)
{
	struct vpmu *pmu = *state;
	struct filter_log log = { .denied_sel = EV_INSTRUCTIONS,
				  .denied_fixed = 0 };
	uint64_t val;

	vpmu_set_filter(pmu, filter, &log);
	wr(pmu, VPMU_MSR_PERFEVTSEL0,
	   SEL_ALL | VPMU_EVTSEL_INT | EV_INSTRUCTIONS);
	wr(pmu, VPMU_MSR_PMC0, 0xfffffffe);
	wr(pmu, VPMU_MSR_FIXED_CTR0, MASK48 - 1);
	wr(pmu, VPMU_MSR_FIXED_CTR_CTRL, VPMU_FIXED_CTRL(0, 0xb));
	wr(pmu, VPMU_MSR_GLOBAL_CTRL, 0x1 | 0x1ULL << 32);
	assert_int_equal(rd(pmu, VPMU_MSR_PERFEVTSEL0),
			 SEL_ALL | VPMU_EVTSEL_INT | EV_INSTRUCTIONS);
	assert_int_equal(rd(pmu, VPMU_MSR_FIXED_CTR_CTRL),
			 VPMU_FIXED_CTRL(0, 0xb));
	assert_int_equal(rd(pmu, VPMU_MSR_GLOBAL_CTRL), 0x1 | 0x1ULL << 32);

	/* Past both tops, yet no count, no overflow, no PMI. */
	vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 0, 5);
	vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 3, 5);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0), MASK48 - 1);
	assert_int_equal(rd(pmu, VPMU_MSR_FIXED_CTR0), MASK48 - 1);
	assert_int_equal(rd(pmu, VPMU_MSR_GLOBAL_STATUS), 0);
	assert_false(vpmu_take_pmi(pmu));
	assert_int_equal(vpmu_rdpmc(pmu, 0, &val), 0);
	assert_int_equal(val, MASK48 - 1);
	assert_int_equal(vpmu_rdpmc(pmu, VPMU_RDPMC_FIXED, &val), 0);
	assert_int_equal(val, MASK48 - 1);
	/* Writes still land in a denied counter. */
	wr(pmu, VPMU_MSR_A_PMC0, 7);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0), 7);
	/* The same counters, allowed, count and overflow. */
	log.denied_sel = 0;
	log.denied_fixed = -1;
	vpmu_refilter(pmu);
	wr(pmu, VPMU_MSR_PMC0, 0xffffffff);
	vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 0, 2);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0), 1);
	assert_int_equal(rd(pmu, VPMU_MSR_FIXED_CTR0), 0);
	assert_int_equal(rd(pmu, VPMU_MSR_GLOBAL_STATUS), 0x1 | 0x1ULL << 32);
	assert_true(vpmu_take_pmi(pmu));
}

/*
 * A filter that changes under counters already programmed: those keep
 * the decision they had until vpmu_refilter() (the VMM's next entry) or
 * until the guest reprograms them.
 */
static void test_filter_change_needs_refilter(void **state)
{
	struct vpmu *pmu = *state;
	struct filter_log log = { .denied_fixed = -1 };

	vpmu_set_filter(pmu, filter, &log);
	wr(pmu, VPMU_MSR_PERFEVTSEL0, SEL_ALL | EV_INSTRUCTIONS);
	wr(pmu, VPMU_MSR_PERFEVTSEL0 + 1, SEL_ALL | EV_INSTRUCTIONS);
	wr(pmu, VPMU_MSR_FIXED_CTR_CTRL, 0x33);
	wr(pmu, VPMU_MSR_GLOBAL_CTRL, 0x3 | 0x3ULL << 32);
	vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 0, 10);

	log.denied_sel = EV_INSTRUCTIONS;
	log.denied_fixed = 0;
	vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 0, 10);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0), 20);
	assert_int_equal(rd(pmu, VPMU_MSR_FIXED_CTR0), 20);
	assert_true(vpmu_needs_stepping(pmu));

	/* Reprogramming counter 1 alone makes it obey now. */
	wr(pmu, VPMU_MSR_PERFEVTSEL0 + 1, SEL_ALL | EV_INSTRUCTIONS);
	vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 0, 10);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0), 30);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0 + 1), 20);
	assert_int_equal(rd(pmu, VPMU_MSR_FIXED_CTR0), 30);

	vpmu_refilter(pmu);
	vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 0, 10);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0), 30);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0 + 1), 20);
	assert_int_equal(rd(pmu, VPMU_MSR_FIXED_CTR0), 30);
	assert_false(vpmu_counting(pmu, VPMU_EV_INSTRUCTIONS));
	assert_false(vpmu_needs_stepping(pmu));

	/* And back: allowed again from the next refilter on. */
	log.denied_sel = 0;
	log.denied_fixed = -1;
	vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 0, 10);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0), 30);
	vpmu_refilter(pmu);
	vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 0, 10);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0), 40);
	assert_int_equal(rd(pmu, VPMU_MSR_PMC0 + 1), 30);
	assert_int_equal(rd(pmu, VPMU_MSR_FIXED_CTR0), 40);
}

/* Which writes ask the filter again, and about which counters. */
static void test_filter_asked_on_reprogramming(void **state)
{
	struct vpmu *pmu = *state;
	struct filter_log log = { .denied_fixed = -1 };
	uint64_t val;

	vpmu_set_filter(pmu, filter, &log);
	reset_log(&log);
	wr(pmu, VPMU_MSR_PERFEVTSEL0 + 2, SEL_ALL | EV_BRANCHES);
	assert_int_equal(log.calls, 1);
	assert_int_equal(log.last_sel, SEL_ALL | EV_BRANCHES);

	/* FIXED_CTR_CTRL: the counters whose field changed. */
	reset_log(&log);
	wr(pmu, VPMU_MSR_FIXED_CTR_CTRL, VPMU_FIXED_CTRL(2, VPMU_FIXED_OS));
	assert_int_equal(log.calls, 1);
	assert_int_equal(log.fixed_calls[2], 1);
	wr(pmu, VPMU_MSR_FIXED_CTR_CTRL,
	   VPMU_FIXED_CTRL(2, VPMU_FIXED_OS) |
		   VPMU_FIXED_CTRL(0, VPMU_FIXED_PMI));
	assert_int_equal(log.calls, 2);
	assert_int_equal(log.fixed_calls[0], 1);

	/* GLOBAL_CTRL: the counters whose bit changed (reset: 0xf). */
	reset_log(&log);
	wr(pmu, VPMU_MSR_GLOBAL_CTRL, 0x7 | 0x2ULL << 32);
	assert_int_equal(log.calls, 2);
	assert_int_equal(log.fixed_calls[1], 1);
	assert_int_equal(log.last_sel, 0); /* GP 3's PERFEVTSEL */

	/* Nothing else asks: counters, status, reads, RDPMC. */
	reset_log(&log);
	wr(pmu, VPMU_MSR_PMC0, 5);
	wr(pmu, VPMU_MSR_FIXED_CTR0, 5);
	wr(pmu, VPMU_MSR_GLOBAL_OVF_CTRL, 1);
	rd(pmu, VPMU_MSR_PERFEVTSEL0);
	vpmu_rdpmc(pmu, 0, &val);
	vpmu_count(pmu, VPMU_EV_BRANCHES, 0, 1);
	vpmu_counting(pmu, VPMU_EV_BRANCHES);
	vpmu_needs_stepping(pmu);
	vpmu_until_pmi(pmu, VPMU_EV_CORE_CYCLES);
	assert_int_equal(log.calls, 0);
	/* A refused write asks nothing either. */
	assert_wr_gp(pmu, VPMU_MSR_PERFEVTSEL0, VPMU_EVTSEL_ANY);
	assert_int_equal(log.calls, 0);

	/* Reset and refilter: every counter. */
	vpmu_reset(pmu);
	assert_int_equal(log.calls, 4 + 3);
	vpmu_refilter(pmu);
	assert_int_equal(log.calls, 2 * (4 + 3));
}

/* Instructions counted only by denied counters need no stepping. */
static void test_filter_denied_needs_no_stepping(void **state)
{
	struct vpmu *pmu = *state;
	struct filter_log log = { .denied_sel = EV_INSTRUCTIONS,
				  .denied_fixed = 0 };

	vpmu_set_filter(pmu, filter, &log);
	wr(pmu, VPMU_MSR_PERFEVTSEL0, SEL_ALL | EV_INSTRUCTIONS);
	wr(pmu, VPMU_MSR_FIXED_CTR_CTRL, 0x3);
	wr(pmu, VPMU_MSR_GLOBAL_CTRL, 0xf | 0x7ULL << 32);
	assert_false(vpmu_counting(pmu, VPMU_EV_INSTRUCTIONS));
	assert_false(vpmu_needs_stepping(pmu));
	/* Branches are allowed: they do. */
	wr(pmu, VPMU_MSR_PERFEVTSEL0 + 1, SEL_ALL | EV_BRANCHES);
	assert_true(vpmu_needs_stepping(pmu));
	wr(pmu, VPMU_MSR_PERFEVTSEL0 + 1, 0);
	assert_false(vpmu_needs_stepping(pmu));
	/* The fixed counter alone, allowed, does. */
	log.denied_fixed = -1;
	vpmu_refilter(pmu);
	assert_true(vpmu_needs_stepping(pmu));
}

/* A denied cycle counter sets no overflow deadline. */
static void test_filter_denied_no_deadline(void **state)
{
	struct vpmu *pmu = *state;
	struct filter_log log = { .denied_sel = EV_CORE_CYCLES,
				  .denied_fixed = 1 };

	vpmu_set_filter(pmu, filter, &log);
	wr(pmu, VPMU_MSR_PERFEVTSEL0,
	   SEL_ALL | VPMU_EVTSEL_INT | EV_CORE_CYCLES);
	wr(pmu, VPMU_MSR_PMC0, 0xffffff00);
	wr(pmu, VPMU_MSR_FIXED_CTR_CTRL, VPMU_FIXED_CTRL(1, 0xb));
	wr(pmu, VPMU_MSR_GLOBAL_CTRL, 0xf | 0x7ULL << 32);
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_CORE_CYCLES), 0);
	log.denied_fixed = -1;
	vpmu_refilter(pmu);
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_CORE_CYCLES), MASK48 + 1);
	log.denied_sel = 0;
	vpmu_refilter(pmu);
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_CORE_CYCLES), 0x100);
}

/*
 * Enabled is the guest's EN (or a fixed counter's USR/OS) under
 * GLOBAL_CTRL, whatever the filter: another filter could make it count.
 */
static void test_any_enabled(void **state)
{
	struct vpmu *pmu = *state;
	struct filter_log log = { .denied_sel = EV_INSTRUCTIONS,
				  .denied_fixed = 1 };

	vpmu_set_filter(pmu, filter, &log);
	assert_false(vpmu_any_enabled(pmu));
	wr(pmu, VPMU_MSR_GLOBAL_CTRL, 0);
	wr(pmu, VPMU_MSR_PERFEVTSEL0 + 2, SEL_ALL | EV_INSTRUCTIONS);
	assert_false(vpmu_any_enabled(pmu));
	wr(pmu, VPMU_MSR_GLOBAL_CTRL, 0x4);
	assert_false(vpmu_counting(pmu, VPMU_EV_INSTRUCTIONS));
	assert_true(vpmu_any_enabled(pmu));
	wr(pmu, VPMU_MSR_PERFEVTSEL0 + 2, SEL_ALL & ~VPMU_EVTSEL_EN);
	assert_false(vpmu_any_enabled(pmu));
	/* Fixed counter 1: its PMI bit alone enables nothing. */
	wr(pmu, VPMU_MSR_FIXED_CTR_CTRL, VPMU_FIXED_CTRL(1, VPMU_FIXED_PMI));
	wr(pmu, VPMU_MSR_GLOBAL_CTRL, 0xf | 0x7ULL << 32);
	assert_false(vpmu_any_enabled(pmu));
	wr(pmu, VPMU_MSR_FIXED_CTR_CTRL, VPMU_FIXED_CTRL(1, VPMU_FIXED_USR));
	assert_true(vpmu_any_enabled(pmu));
	wr(pmu, VPMU_MSR_GLOBAL_CTRL, 0xf | 0x5ULL << 32);
	assert_false(vpmu_any_enabled(pmu));
}

static void test_needs_stepping(void **state)
{
	struct vpmu *pmu = *state;

	assert_false(vpmu_needs_stepping(pmu));
	/* Cycles alone need no stepping. */
	wr(pmu, VPMU_MSR_PERFEVTSEL0, SEL_ALL | EV_CORE_CYCLES);
	wr(pmu, VPMU_MSR_GLOBAL_CTRL, 0xf | 0x6ULL << 32);
	wr(pmu, VPMU_MSR_FIXED_CTR_CTRL, 0x333);
	assert_true(vpmu_counting(pmu, VPMU_EV_CORE_CYCLES));
	assert_true(vpmu_counting(pmu, VPMU_EV_REF_CYCLES));
	assert_false(vpmu_needs_stepping(pmu));
	/* Fixed 0 is globally disabled; enabling it needs stepping. */
	wr(pmu, VPMU_MSR_GLOBAL_CTRL, 0xf | 0x7ULL << 32);
	assert_true(vpmu_counting(pmu, VPMU_EV_INSTRUCTIONS));
	assert_true(vpmu_needs_stepping(pmu));
	wr(pmu, VPMU_MSR_FIXED_CTR_CTRL, 0x330);
	assert_false(vpmu_needs_stepping(pmu));
	/* A branch counter at USR only still needs it. */
	wr(pmu, VPMU_MSR_PERFEVTSEL0 + 3,
	   VPMU_EVTSEL_EN | VPMU_EVTSEL_USR | EV_BRANCHES);
	assert_true(vpmu_counting(pmu, VPMU_EV_BRANCHES));
	assert_true(vpmu_needs_stepping(pmu));
	wr(pmu, VPMU_MSR_PERFEVTSEL0 + 3, VPMU_EVTSEL_EN | EV_BRANCHES);
	assert_false(vpmu_needs_stepping(pmu));
}

static void test_until_pmi_gp(void **state)
{
	struct vpmu *pmu = *state;

	/* Nothing counts: no deadline. */
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_CORE_CYCLES), 0);
	/* Counting without INT overflows silently: no deadline either. */
	wr(pmu, VPMU_MSR_PERFEVTSEL0 + 2, SEL_ALL | EV_CORE_CYCLES);
	wr(pmu, VPMU_MSR_A_PMC0 + 2, MASK48 - 9);
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_CORE_CYCLES), 0);
	wr(pmu, VPMU_MSR_PERFEVTSEL0 + 2,
	   SEL_ALL | VPMU_EVTSEL_INT | EV_CORE_CYCLES);
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_CORE_CYCLES), 10);
	/* Only for its own event. */
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_REF_CYCLES), 0);
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_INSTRUCTIONS), 0);
	/* It is the exact count: one fewer does not raise the PMI. */
	vpmu_count(pmu, VPMU_EV_CORE_CYCLES, 0, 9);
	assert_false(vpmu_take_pmi(pmu));
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_CORE_CYCLES), 1);
	vpmu_count(pmu, VPMU_EV_CORE_CYCLES, 3, 1);
	assert_true(vpmu_take_pmi(pmu));
	/* From 0 the whole width is left. */
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_CORE_CYCLES), 1ULL << 48);
	/* A USR-only counter counts at some CPL: it has a deadline. */
	wr(pmu, VPMU_MSR_PERFEVTSEL0 + 2,
	   VPMU_EVTSEL_EN | VPMU_EVTSEL_USR | VPMU_EVTSEL_INT | EV_CORE_CYCLES);
	wr(pmu, VPMU_MSR_A_PMC0 + 2, MASK48);
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_CORE_CYCLES), 1);
}

static void test_until_pmi_disabled_counters(void **state)
{
	struct vpmu *pmu = *state;

	wr(pmu, VPMU_MSR_PERFEVTSEL0,
	   SEL_ALL | VPMU_EVTSEL_INT | EV_REF_CYCLES);
	wr(pmu, VPMU_MSR_A_PMC0, MASK48 - 4);
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_REF_CYCLES), 5);
	/* Globally disabled. */
	wr(pmu, VPMU_MSR_GLOBAL_CTRL, 0xe);
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_REF_CYCLES), 0);
	wr(pmu, VPMU_MSR_GLOBAL_CTRL, 0xf);
	/* EN clear. */
	wr(pmu, VPMU_MSR_PERFEVTSEL0,
	   VPMU_EVTSEL_USR | VPMU_EVTSEL_OS | VPMU_EVTSEL_INT | EV_REF_CYCLES);
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_REF_CYCLES), 0);
	/* Neither USR nor OS. */
	wr(pmu, VPMU_MSR_PERFEVTSEL0,
	   VPMU_EVTSEL_EN | VPMU_EVTSEL_INT | EV_REF_CYCLES);
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_REF_CYCLES), 0);
	/* A modifier the model does not count with. */
	wr(pmu, VPMU_MSR_PERFEVTSEL0,
	   SEL_ALL | VPMU_EVTSEL_INT | VPMU_EVTSEL_INV | EV_REF_CYCLES);
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_REF_CYCLES), 0);
}

static void test_until_pmi_fixed(void **state)
{
	struct vpmu *pmu = *state;

	wr(pmu, VPMU_MSR_GLOBAL_CTRL, 0xf | 0x7ULL << 32);
	wr(pmu, VPMU_MSR_FIXED_CTR0 + 1, MASK48 - 99);
	/* Counting without the PMI bit: no deadline. */
	wr(pmu, VPMU_MSR_FIXED_CTR_CTRL, VPMU_FIXED_CTRL(1, 0x3));
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_CORE_CYCLES), 0);
	wr(pmu, VPMU_MSR_FIXED_CTR_CTRL, VPMU_FIXED_CTRL(1, 0xa)); /* USR */
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_CORE_CYCLES), 100);
	/* The PMI bit alone does not count. */
	wr(pmu, VPMU_MSR_FIXED_CTR_CTRL, VPMU_FIXED_CTRL(1, 0x8));
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_CORE_CYCLES), 0);
	/* Fixed counter 2 is reference cycles, not core cycles. */
	wr(pmu, VPMU_MSR_FIXED_CTR_CTRL, VPMU_FIXED_CTRL(2, 0xb));
	wr(pmu, VPMU_MSR_FIXED_CTR0 + 2, MASK48 - 6);
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_CORE_CYCLES), 0);
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_REF_CYCLES), 7);
	/* Globally disabled. */
	wr(pmu, VPMU_MSR_GLOBAL_CTRL, 0xf | 0x3ULL << 32);
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_REF_CYCLES), 0);
	/* Branches have no fixed counter. */
	wr(pmu, VPMU_MSR_GLOBAL_CTRL, 0xf | 0x7ULL << 32);
	wr(pmu, VPMU_MSR_FIXED_CTR_CTRL, 0xbbb);
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_BRANCHES), 0);
}

static void test_until_pmi_least_of_several(void **state)
{
	struct vpmu *pmu = *state;

	wr(pmu, VPMU_MSR_GLOBAL_CTRL, 0xf | 0x7ULL << 32);
	wr(pmu, VPMU_MSR_PERFEVTSEL0,
	   SEL_ALL | VPMU_EVTSEL_INT | EV_INSTRUCTIONS);
	wr(pmu, VPMU_MSR_A_PMC0, MASK48 - 499);
	wr(pmu, VPMU_MSR_PERFEVTSEL0 + 3,
	   SEL_ALL | VPMU_EVTSEL_INT | EV_INSTRUCTIONS);
	wr(pmu, VPMU_MSR_A_PMC0 + 3, MASK48 - 299);
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_INSTRUCTIONS), 300);
	/* A nearer fixed counter wins... */
	wr(pmu, VPMU_MSR_FIXED_CTR_CTRL, VPMU_FIXED_CTRL(0, 0x9));
	wr(pmu, VPMU_MSR_FIXED_CTR0, MASK48 - 49);
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_INSTRUCTIONS), 50);
	/* ... and a nearer GP counter without INT does not. */
	wr(pmu, VPMU_MSR_PERFEVTSEL0 + 1, SEL_ALL | EV_INSTRUCTIONS);
	wr(pmu, VPMU_MSR_A_PMC0 + 1, MASK48);
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_INSTRUCTIONS), 50);
	/* A nearer GP counter with INT does. */
	wr(pmu, VPMU_MSR_PERFEVTSEL0 + 1,
	   SEL_ALL | VPMU_EVTSEL_INT | EV_INSTRUCTIONS);
	wr(pmu, VPMU_MSR_A_PMC0 + 1, MASK48 - 1);
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_INSTRUCTIONS), 2);
	/* The fixed counter alone, after the GP ones are disabled. */
	wr(pmu, VPMU_MSR_GLOBAL_CTRL, 0x7ULL << 32);
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_INSTRUCTIONS), 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_default),
		cmocka_unit_test(test_config_refused),
		cmocka_unit_test_setup(test_cpuid_0a, setup),
		cmocka_unit_test(test_version0_everything_gp),
		cmocka_unit_test(test_owns_msr),
		cmocka_unit_test_setup(test_reset_values, setup),
		cmocka_unit_test_setup(test_pmc_legacy_write_sign_extends,
				       setup),
		cmocka_unit_test_setup(test_pmc_full_width_writes, setup),
		cmocka_unit_test(test_pmc_full_width_refused),
		cmocka_unit_test(test_counter_width_40),
		cmocka_unit_test_setup(test_nonexistent_counters_gp, setup),
		cmocka_unit_test(test_fewer_counters_configured),
		cmocka_unit_test_setup(test_evtsel_reserved_bits, setup),
		cmocka_unit_test_setup(test_fixed_counters_rw, setup),
		cmocka_unit_test_setup(test_fixed_ctr_ctrl_reserved_bits,
				       setup),
		cmocka_unit_test_setup(test_global_ctrl, setup),
		cmocka_unit_test_setup(test_global_status_read_only, setup),
		cmocka_unit_test_setup(test_global_ovf_ctrl_reserved_bits,
				       setup),
		cmocka_unit_test_setup(test_count_gp_every_event, setup),
		cmocka_unit_test_setup(test_count_unavailable_event, setup),
		cmocka_unit_test_setup(test_count_usr_os_by_cpl, setup),
		cmocka_unit_test_setup(test_count_fixed_counters, setup),
		cmocka_unit_test_setup(test_global_ctrl_gates_counting, setup),
		cmocka_unit_test_setup(test_disable_stops_counting, setup),
		cmocka_unit_test_setup(test_unmodelled_modifiers_do_not_count,
				       setup),
		cmocka_unit_test_setup(test_gp_overflow_status_and_pmi, setup),
		cmocka_unit_test_setup(test_fixed_overflow_status_and_pmi,
				       setup),
		cmocka_unit_test_setup(test_ovf_ctrl_clears_only_its_bits,
				       setup),
		cmocka_unit_test_setup(test_huge_count_overflows_once, setup),
		cmocka_unit_test_setup(test_rdpmc, setup),
		cmocka_unit_test_setup(test_filter_hook, setup),
		cmocka_unit_test_setup(test_filter_denied_counter_msrs, setup),
		cmocka_unit_test_setup(test_filter_change_needs_refilter,
				       setup),
		cmocka_unit_test_setup(test_filter_asked_on_reprogramming,
				       setup),
		cmocka_unit_test_setup(test_filter_denied_needs_no_stepping,
				       setup),
		cmocka_unit_test_setup(test_filter_denied_no_deadline, setup),
		cmocka_unit_test_setup(test_any_enabled, setup),
		cmocka_unit_test_setup(test_needs_stepping, setup),
		cmocka_unit_test_setup(test_until_pmi_gp, setup),
		cmocka_unit_test_setup(test_until_pmi_disabled_counters, setup),
		cmocka_unit_test_setup(test_until_pmi_fixed, setup),
		cmocka_unit_test_setup(test_until_pmi_least_of_several, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
