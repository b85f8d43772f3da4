// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the emulated AMD PMU model, MSR by MSR. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "array_size.h"
#include "vpmu/amd.h"
#include "vpmu/vpmu.h"
#include "vpmu_msr.h"

#define MASK48 ((1ULL << 48) - 1)

#define EV_INSTRUCTIONS 0x00c0ULL
#define EV_BRANCHES	0x00c2ULL
#define EV_CYCLES	0x0076ULL

#define SEL_ALL (VPMU_EVTSEL_EN | VPMU_EVTSEL_USR | VPMU_EVTSEL_OS)
#define SEL_INT VPMU_EVTSEL_INT

#define LEGACY_SEL(i) (VPMU_AMD_MSR_EVNTSEL0 + (i))
#define LEGACY_CTR(i) (VPMU_AMD_MSR_PERFCTR0 + (i))
#define CORE_SEL(i)   (VPMU_AMD_MSR_CTL0 + 2 * (i))
#define CORE_CTR(i)   (VPMU_AMD_MSR_CTL0 + 2 * (i) + 1)

static struct vpmu pmu_v2;

/* The model of level with nr_gp counters (0: the level's all). */
static struct vpmu *make(enum vpmu_amd_level level, unsigned int nr_gp)
{
	struct vpmu_config cfg;

	vpmu_amd_config(&cfg, level);
	if (nr_gp)
		cfg.nr_gp = nr_gp;
	assert_int_equal(vpmu_init(&pmu_v2, &cfg), 0);
	return &pmu_v2;
}

static int setup(void **state)
{
	*state = make(VPMU_AMD_V2, 0);
	return 0;
}

/* Both directions of msr #GP. */
static void assert_msr_gp(struct vpmu *pmu, uint32_t msr)
{
	assert_rd_gp(pmu, msr);
	assert_wr_gp(pmu, msr, 0);
}

static void test_config_levels(void **state)
{
	struct vpmu_config cfg;

	(void)state;
	vpmu_amd_config(&cfg, VPMU_AMD_LEGACY);
	assert_int_equal(cfg.vendor, VPMU_VENDOR_AMD);
	assert_int_equal(cfg.version, 1);
	assert_false(cfg.amd_core);
	assert_int_equal(cfg.nr_gp, 4);
	assert_int_equal(vpmu_amd_config_level(&cfg), VPMU_AMD_LEGACY);
	vpmu_amd_config(&cfg, VPMU_AMD_CORE);
	assert_int_equal(cfg.version, 1);
	assert_true(cfg.amd_core);
	assert_int_equal(cfg.nr_gp, 6);
	assert_int_equal(vpmu_amd_config_level(&cfg), VPMU_AMD_CORE);
	vpmu_amd_config(&cfg, VPMU_AMD_V2);
	assert_int_equal(cfg.version, 2);
	assert_true(cfg.amd_core);
	assert_int_equal(cfg.nr_gp, 6);
	assert_int_equal(cfg.width, 48);
	assert_int_equal(cfg.nr_fixed, 0);
	assert_false(cfg.pdcm);
	assert_int_equal(vpmu_amd_config_level(&cfg), VPMU_AMD_V2);
	assert_string_equal(vpmu_amd_level_names[VPMU_AMD_CORE], "core");
}

static void test_config_refused(void **state)
{
	struct vpmu pmu;
	struct vpmu_config cfg;

	(void)state;
#define REFUSED(level, change)                                    \
	do {                                                      \
		vpmu_amd_config(&cfg, level);                     \
		change;                                           \
		assert_int_equal(vpmu_init(&pmu, &cfg), -EINVAL); \
	} while (0)
	REFUSED(VPMU_AMD_LEGACY, cfg.nr_gp = 6);
	REFUSED(VPMU_AMD_LEGACY, cfg.nr_gp = 3);
	REFUSED(VPMU_AMD_LEGACY, cfg.version = 2); /* v2 needs core */
	REFUSED(VPMU_AMD_CORE, cfg.nr_gp = 7);
	REFUSED(VPMU_AMD_CORE, cfg.nr_gp = 0);
	REFUSED(VPMU_AMD_V2, cfg.version = 3);
	REFUSED(VPMU_AMD_V2, cfg.nr_fixed = 1);
	REFUSED(VPMU_AMD_V2, cfg.width = 40);
	REFUSED(VPMU_AMD_V2, cfg.pdcm = true);
	REFUSED(VPMU_AMD_V2, cfg.pebs_format = 4);
	REFUSED(VPMU_AMD_V2, cfg.events |= 1U << VPMU_ARCH_REF_CYCLES);
	REFUSED(VPMU_AMD_V2, cfg.version = 0); /* no PMU has no counters */
	/* An Intel configuration cannot be PerfCtrExtCore's. */
	vpmu_config_default(&cfg);
	cfg.amd_core = true;
	assert_int_equal(vpmu_init(&pmu, &cfg), -EINVAL);
#undef REFUSED
}

static void test_cpuid(void **state)
{
	static const enum vpmu_amd_level levels[] = { VPMU_AMD_LEGACY,
						      VPMU_AMD_CORE,
						      VPMU_AMD_V2 };
	struct vpmu_cpuid leaf;
	struct vpmu *pmu;

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(levels); i++) {
		pmu = make(levels[i], 0);
		leaf = vpmu_cpuid_0a(pmu);
		assert_int_equal(leaf.eax | leaf.ebx | leaf.ecx | leaf.edx, 0);
		leaf = vpmu_amd_cpuid_perfmon(pmu);
		assert_int_equal(leaf.eax, levels[i] == VPMU_AMD_V2);
		assert_int_equal(leaf.ebx, levels[i] == VPMU_AMD_V2 ? 6 : 0);
	}
	pmu = make(VPMU_AMD_V2, 3);
	assert_int_equal(vpmu_amd_cpuid_perfmon(pmu).ebx, 3);
	/* An Intel model of version 2 is no PerfMonV2. */
	{
		struct vpmu_config cfg;
		struct vpmu intel;

		vpmu_config_default(&cfg);
		assert_int_equal(vpmu_init(&intel, &cfg), 0);
		assert_int_equal(vpmu_amd_cpuid_perfmon(&intel).eax, 0);
	}
}

static void test_owns_msr(void **state)
{
	struct vpmu_config amd, intel;

	(void)state;
	vpmu_amd_config(&amd, VPMU_AMD_LEGACY);
	vpmu_config_default(&intel);
	/* Every AMD range, whatever the level: the rest #GP in the model. */
	for (uint32_t msr = LEGACY_SEL(0); msr <= LEGACY_CTR(3); msr++) {
		assert_true(vpmu_owns_msr(&amd, msr));
		assert_false(vpmu_owns_msr(&intel, msr));
	}
	for (uint32_t msr = CORE_SEL(0); msr <= CORE_CTR(5); msr++)
		assert_true(vpmu_owns_msr(&amd, msr));
	assert_false(vpmu_owns_msr(&amd, CORE_CTR(5) + 1));
	assert_false(vpmu_owns_msr(&amd, LEGACY_CTR(3) + 1));
	for (uint32_t msr = VPMU_AMD_MSR_GLOBAL_STATUS;
	     msr <= VPMU_AMD_MSR_GLOBAL_STATUS_SET; msr++)
		assert_true(vpmu_owns_msr(&amd, msr));
	assert_false(vpmu_owns_msr(&amd, VPMU_AMD_MSR_GLOBAL_STATUS_SET + 1));
	/* Intel's PMU MSRs are the AMD model's too, and #GP there. */
	assert_true(vpmu_owns_msr(&amd, VPMU_MSR_PERFEVTSEL0));
	assert_true(vpmu_owns_msr(&amd, VPMU_MSR_GLOBAL_CTRL));
	assert_msr_gp(make(VPMU_AMD_V2, 0), VPMU_MSR_PERFEVTSEL0);
	assert_msr_gp(&pmu_v2, VPMU_MSR_PMC0);
	assert_msr_gp(&pmu_v2, VPMU_MSR_GLOBAL_CTRL);
	assert_msr_gp(&pmu_v2, VPMU_MSR_PERF_CAPABILITIES);
	assert_msr_gp(&pmu_v2, VPMU_MSR_PEBS_ENABLE);
	/* No MISC_ENABLE: KVM keeps it. */
	assert_false(vpmu_owns_msr(&amd, VPMU_MSR_MISC_ENABLE));
}

static void test_reset_values(void **state)
{
	struct vpmu *pmu = *state;

	for (unsigned int i = 0; i < 6; i++) {
		assert_int_equal(rd(pmu, CORE_SEL(i)), 0);
		assert_int_equal(rd(pmu, CORE_CTR(i)), 0);
	}
	/* PerfCntrGlobalCtl enables every counter, as KVM resets it. */
	assert_int_equal(rd(pmu, VPMU_AMD_MSR_GLOBAL_CTL), 0x3f);
	assert_int_equal(rd(pmu, VPMU_AMD_MSR_GLOBAL_STATUS), 0);
	assert_int_equal(rd(pmu, VPMU_AMD_MSR_GLOBAL_STATUS_CLR), 0);
	assert_int_equal(rd(pmu, VPMU_AMD_MSR_GLOBAL_STATUS_SET), 0);
	wr(pmu, CORE_SEL(2), SEL_ALL | EV_CYCLES);
	wr(pmu, CORE_CTR(2), 5);
	vpmu_reset(pmu);
	assert_int_equal(rd(pmu, CORE_SEL(2)), 0);
	assert_int_equal(rd(pmu, CORE_CTR(2)), 0);
}

static void test_legacy_msrs(void **state)
{
	struct vpmu *pmu = make(VPMU_AMD_LEGACY, 0);

	(void)state;
	for (unsigned int i = 0; i < 4; i++) {
		wr(pmu, LEGACY_SEL(i), SEL_ALL | EV_INSTRUCTIONS | i << 8);
		wr(pmu, LEGACY_CTR(i), 0x1000 + i);
	}
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(rd(pmu, LEGACY_SEL(i)),
				 SEL_ALL | EV_INSTRUCTIONS | i << 8);
		assert_int_equal(rd(pmu, LEGACY_CTR(i)), 0x1000 + i);
	}
	/* No PerfCtrExtCore, no PerfMonV2: their MSRs #GP. */
	for (unsigned int i = 0; i < 6; i++) {
		assert_msr_gp(pmu, CORE_SEL(i));
		assert_msr_gp(pmu, CORE_CTR(i));
	}
	for (uint32_t msr = VPMU_AMD_MSR_GLOBAL_STATUS;
	     msr <= VPMU_AMD_MSR_GLOBAL_STATUS_SET; msr++)
		assert_msr_gp(pmu, msr);
}

/* PerfCtrExtCore's MSRs alias the legacy ones for counters 0-3. */
static void test_core_aliases_legacy(void **state)
{
	struct vpmu *pmu = make(VPMU_AMD_CORE, 0);

	(void)state;
	for (unsigned int i = 0; i < 4; i++) {
		wr(pmu, CORE_SEL(i), SEL_ALL | EV_BRANCHES | (uint64_t)i << 24);
		assert_int_equal(rd(pmu, LEGACY_SEL(i)),
				 SEL_ALL | EV_BRANCHES | (uint64_t)i << 24);
		wr(pmu, LEGACY_CTR(i), 0x777 + i);
		assert_int_equal(rd(pmu, CORE_CTR(i)), 0x777 + i);
		wr(pmu, LEGACY_SEL(i), EV_CYCLES);
		assert_int_equal(rd(pmu, CORE_SEL(i)), EV_CYCLES);
	}
	/* Counters 4 and 5 are PerfCtrExtCore's only. */
	wr(pmu, CORE_SEL(5), SEL_ALL | EV_CYCLES);
	wr(pmu, CORE_CTR(4), 44);
	assert_int_equal(rd(pmu, CORE_SEL(5)), SEL_ALL | EV_CYCLES);
	assert_int_equal(rd(pmu, CORE_CTR(4)), 44);
	/* Still no PerfMonV2. */
	assert_msr_gp(pmu, VPMU_AMD_MSR_GLOBAL_CTL);
	assert_msr_gp(pmu, VPMU_AMD_MSR_GLOBAL_STATUS);
}

/* --pmu-gp-counters narrows both ranges: the rest #GP. */
static void test_fewer_counters(void **state)
{
	struct vpmu *pmu = make(VPMU_AMD_V2, 2);
	uint64_t val;

	(void)state;
	wr(pmu, CORE_SEL(1), SEL_ALL);
	wr(pmu, LEGACY_CTR(1), 9);
	for (unsigned int i = 2; i < 6; i++) {
		assert_msr_gp(pmu, CORE_SEL(i));
		assert_msr_gp(pmu, CORE_CTR(i));
	}
	assert_msr_gp(pmu, LEGACY_SEL(2));
	assert_msr_gp(pmu, LEGACY_CTR(3));
	/* The global MSRs know two counters. */
	assert_int_equal(rd(pmu, VPMU_AMD_MSR_GLOBAL_CTL), 0x3);
	assert_int_equal(vpmu_wrmsr(pmu, VPMU_AMD_MSR_GLOBAL_CTL, 0x4),
			 -EINVAL);
	assert_int_equal(vpmu_rdpmc(pmu, 1, &val), 0);
	assert_int_equal(val, 9);
	assert_int_equal(vpmu_rdpmc(pmu, 2, &val), -EINVAL);
}

/*
 * Reserved PerfEvtSel bits never #GP: they are dropped, with KVM's mask
 * (19, 21, 63:36), but for GuestOnly and HostOnly, kept.
 */
static void test_evtsel_reserved_bits(void **state)
{
	struct vpmu *pmu = *state;
	const unsigned int reserved[] = {
		19, 21, 36, 37, 38, 39, 42, 43, 50, 63
	};
	const uint64_t valid = 0xff | 0xff00 | 1ULL << 16 | 1ULL << 17 |
			       1ULL << 18 | 1ULL << 20 | 1ULL << 22 |
			       1ULL << 23 | 0xffULL << 24 | 0xfULL << 32 |
			       1ULL << 40 | 1ULL << 41;

	for (unsigned int i = 0; i < ARRAY_SIZE(reserved); i++) {
		wr(pmu, CORE_SEL(3), SEL_ALL | 1ULL << reserved[i]);
		assert_int_equal(rd(pmu, CORE_SEL(3)), SEL_ALL);
		wr(pmu, LEGACY_SEL(0), 1ULL << reserved[i]);
		assert_int_equal(rd(pmu, LEGACY_SEL(0)), 0);
	}
	wr(pmu, CORE_SEL(3), valid);
	assert_int_equal(rd(pmu, CORE_SEL(3)), valid);
	wr(pmu, CORE_SEL(2), ~0ULL);
	assert_int_equal(rd(pmu, CORE_SEL(2)), valid);
}

/* PerfCtr is 48 bits: the bits above are dropped, as KVM drops them. */
static void test_counter_writes(void **state)
{
	struct vpmu *pmu = *state;

	wr(pmu, CORE_CTR(0), ~0ULL);
	assert_int_equal(rd(pmu, CORE_CTR(0)), MASK48);
	wr(pmu, LEGACY_CTR(1), 0x123456789abcULL);
	assert_int_equal(rd(pmu, LEGACY_CTR(1)), 0x123456789abcULL);
	/* No sign extension from bit 31 as Intel's legacy PMCs do. */
	wr(pmu, CORE_CTR(2), 0x80000000ULL);
	assert_int_equal(rd(pmu, CORE_CTR(2)), 0x80000000ULL);
}

/* Each modelled event on each of the 6 counters, exactly. */
static void test_count_every_event(void **state)
{
	static const struct {
		uint64_t sel;
		enum vpmu_event ev;
	} events[] = {
		{ EV_INSTRUCTIONS, VPMU_EV_INSTRUCTIONS },
		{ EV_BRANCHES, VPMU_EV_BRANCHES },
		{ EV_CYCLES, VPMU_EV_CORE_CYCLES },
	};
	struct vpmu *pmu = *state;

	for (unsigned int e = 0; e < ARRAY_SIZE(events); e++) {
		for (unsigned int i = 0; i < 6; i++) {
			vpmu_reset(pmu);
			wr(pmu, CORE_SEL(i), SEL_ALL | events[e].sel);
			for (unsigned int k = 0; k < VPMU_NR_EVENTS; k++)
				vpmu_count(pmu, k, 0, 10 + k);
			assert_int_equal(rd(pmu, CORE_CTR(i)),
					 10 + events[e].ev);
			assert_true(vpmu_counting(pmu, events[e].ev));
		}
	}
}

/* Intel's codes, a unit mask, event bits 11:8: accepted, not counted. */
static void test_other_events_do_not_count(void **state)
{
	const uint64_t sels[] = {
		0x00c4,			      /* Intel's branches */
		0x003c,			      /* Intel's core cycles */
		0x01c0,			      /* a unit mask */
		EV_INSTRUCTIONS | 1ULL << 32, /* event 0x1c0 */
		0x00c1,
	};
	struct vpmu *pmu = *state;

	for (unsigned int i = 0; i < ARRAY_SIZE(sels); i++) {
		vpmu_reset(pmu);
		wr(pmu, CORE_SEL(0), SEL_ALL | sels[i]);
		for (unsigned int k = 0; k < VPMU_NR_EVENTS; k++)
			vpmu_count(pmu, k, 0, 100);
		assert_int_equal(rd(pmu, CORE_CTR(0)), 0);
	}
	/* Reference cycles have no AMD event: nothing counts them. */
	vpmu_reset(pmu);
	wr(pmu, CORE_SEL(0), SEL_ALL | EV_CYCLES);
	vpmu_count(pmu, VPMU_EV_REF_CYCLES, 0, 100);
	assert_int_equal(rd(pmu, CORE_CTR(0)), 0);
	assert_false(vpmu_counting(pmu, VPMU_EV_REF_CYCLES));
}

static void test_count_usr_os(void **state)
{
	struct vpmu *pmu = *state;

	wr(pmu, CORE_SEL(0), VPMU_EVTSEL_EN | VPMU_EVTSEL_OS | EV_INSTRUCTIONS);
	wr(pmu, CORE_SEL(1),
	   VPMU_EVTSEL_EN | VPMU_EVTSEL_USR | EV_INSTRUCTIONS);
	wr(pmu, CORE_SEL(2),
	   EV_INSTRUCTIONS | VPMU_EVTSEL_USR |
		   VPMU_EVTSEL_OS); /* not enabled */
	vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 0, 5);
	vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 3, 7);
	vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 1, 1); /* CPL1 is not OS */
	assert_int_equal(rd(pmu, CORE_CTR(0)), 5);
	assert_int_equal(rd(pmu, CORE_CTR(1)), 8);
	assert_int_equal(rd(pmu, CORE_CTR(2)), 0);
}

/*
 * A guest (EFER.SVME clear) with HostOnly or GuestOnly alone counts
 * nothing; with neither or both it counts.
 */
static void test_host_guest_only(void **state)
{
	struct vpmu *pmu = *state;

	wr(pmu, CORE_SEL(0), SEL_ALL | EV_INSTRUCTIONS);
	wr(pmu, CORE_SEL(1),
	   SEL_ALL | EV_INSTRUCTIONS | VPMU_AMD_EVTSEL_HOST_ONLY);
	wr(pmu, CORE_SEL(2),
	   SEL_ALL | EV_INSTRUCTIONS | VPMU_AMD_EVTSEL_GUEST_ONLY);
	wr(pmu, CORE_SEL(3),
	   SEL_ALL | EV_INSTRUCTIONS | VPMU_AMD_EVTSEL_HOST_ONLY |
		   VPMU_AMD_EVTSEL_GUEST_ONLY);
	vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 0, 3);
	assert_int_equal(rd(pmu, CORE_CTR(0)), 3);
	assert_int_equal(rd(pmu, CORE_CTR(1)), 0);
	assert_int_equal(rd(pmu, CORE_CTR(2)), 0);
	assert_int_equal(rd(pmu, CORE_CTR(3)), 3);
	/* And they read back as written. */
	assert_int_equal(rd(pmu, CORE_SEL(1)),
			 SEL_ALL | EV_INSTRUCTIONS | VPMU_AMD_EVTSEL_HOST_ONLY);
}

/* Edge, Inv and CntMask cannot be modelled: such a counter is silent. */
static void test_unmodelled_modifiers(void **state)
{
	const uint64_t mods[] = { VPMU_EVTSEL_EDGE, VPMU_EVTSEL_INV,
				  1ULL << 24 };
	struct vpmu *pmu = *state;

	for (unsigned int i = 0; i < ARRAY_SIZE(mods); i++)
		wr(pmu, CORE_SEL(i), SEL_ALL | EV_INSTRUCTIONS | mods[i]);
	vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 0, 3);
	for (unsigned int i = 0; i < ARRAY_SIZE(mods); i++)
		assert_int_equal(rd(pmu, CORE_CTR(i)), 0);
}

static void test_global_ctl_gates(void **state)
{
	struct vpmu *pmu = *state;

	for (unsigned int i = 0; i < 6; i++)
		wr(pmu, CORE_SEL(i), SEL_ALL | EV_BRANCHES);
	wr(pmu, VPMU_AMD_MSR_GLOBAL_CTL, 0x15);
	assert_int_equal(rd(pmu, VPMU_AMD_MSR_GLOBAL_CTL), 0x15);
	vpmu_count(pmu, VPMU_EV_BRANCHES, 3, 2);
	for (unsigned int i = 0; i < 6; i++)
		assert_int_equal(rd(pmu, CORE_CTR(i)), 0x15 >> i & 1 ? 2 : 0);
	wr(pmu, VPMU_AMD_MSR_GLOBAL_CTL, 0);
	assert_false(vpmu_counting(pmu, VPMU_EV_BRANCHES));
	assert_int_equal(vpmu_wrmsr(pmu, VPMU_AMD_MSR_GLOBAL_CTL, 0x40),
			 -EINVAL);
	assert_int_equal(vpmu_wrmsr(pmu, VPMU_AMD_MSR_GLOBAL_CTL, 1ULL << 32),
			 -EINVAL);
	/* Without PerfMonV2 nothing gates the counters. */
	pmu = make(VPMU_AMD_CORE, 0);
	wr(pmu, CORE_SEL(5), SEL_ALL | EV_BRANCHES);
	vpmu_count(pmu, VPMU_EV_BRANCHES, 0, 4);
	assert_int_equal(rd(pmu, CORE_CTR(5)), 4);
}

static void test_overflow_status_and_pmi(void **state)
{
	struct vpmu *pmu = *state;

	wr(pmu, CORE_SEL(4), SEL_ALL | SEL_INT | EV_INSTRUCTIONS);
	wr(pmu, CORE_CTR(4), MASK48 - 1);
	wr(pmu, CORE_SEL(1), SEL_ALL | EV_INSTRUCTIONS); /* no INT */
	wr(pmu, CORE_CTR(1), MASK48);
	vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 0, 1);
	assert_false(vpmu_take_pmi(pmu));
	assert_int_equal(rd(pmu, VPMU_AMD_MSR_GLOBAL_STATUS), 1ULL << 1);
	vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 0, 1);
	assert_true(vpmu_take_pmi(pmu));
	assert_false(vpmu_take_pmi(pmu));
	assert_int_equal(rd(pmu, CORE_CTR(4)), 0);
	assert_int_equal(rd(pmu, VPMU_AMD_MSR_GLOBAL_STATUS),
			 1ULL << 1 | 1ULL << 4);
	/* Again from the top: a second PMI, nothing to unmask here. */
	wr(pmu, CORE_CTR(4), MASK48);
	vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 0, 1);
	assert_true(vpmu_take_pmi(pmu));
	/* Legacy and core: a PMI, no status to set. */
	pmu = make(VPMU_AMD_LEGACY, 0);
	wr(pmu, LEGACY_SEL(3), SEL_ALL | SEL_INT | EV_CYCLES);
	wr(pmu, LEGACY_CTR(3), MASK48 - 9);
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_CORE_CYCLES), 10);
	vpmu_count(pmu, VPMU_EV_CORE_CYCLES, 0, 10);
	assert_true(vpmu_take_pmi(pmu));
	assert_int_equal(pmu->global_status, 0);
}

static void test_global_status_clr_set(void **state)
{
	struct vpmu *pmu = *state;

	wr(pmu, VPMU_AMD_MSR_GLOBAL_STATUS_SET, 0x2d);
	assert_int_equal(rd(pmu, VPMU_AMD_MSR_GLOBAL_STATUS), 0x2d);
	assert_int_equal(rd(pmu, VPMU_AMD_MSR_GLOBAL_STATUS_SET), 0);
	wr(pmu, VPMU_AMD_MSR_GLOBAL_STATUS_CLR, 0x05);
	assert_int_equal(rd(pmu, VPMU_AMD_MSR_GLOBAL_STATUS), 0x28);
	assert_int_equal(rd(pmu, VPMU_AMD_MSR_GLOBAL_STATUS_CLR), 0);
	/* Read-only status. */
	assert_int_equal(vpmu_wrmsr(pmu, VPMU_AMD_MSR_GLOBAL_STATUS, 0),
			 -EINVAL);
	/* As KVM: Set drops the bits of no counter, Clr takes any value. */
	wr(pmu, VPMU_AMD_MSR_GLOBAL_STATUS_SET, ~0ULL << 6 | 0x1);
	assert_int_equal(rd(pmu, VPMU_AMD_MSR_GLOBAL_STATUS), 0x29);
	wr(pmu, VPMU_AMD_MSR_GLOBAL_STATUS_CLR, 1ULL << 63 | 0x8);
	assert_int_equal(rd(pmu, VPMU_AMD_MSR_GLOBAL_STATUS), 0x21);
	wr(pmu, VPMU_AMD_MSR_GLOBAL_STATUS_CLR, ~0ULL);
	assert_int_equal(rd(pmu, VPMU_AMD_MSR_GLOBAL_STATUS), 0);
	/* The MSR after the four is not one. */
	assert_msr_gp(pmu, VPMU_AMD_MSR_GLOBAL_STATUS_SET + 1);
}

static void test_rdpmc(void **state)
{
	struct vpmu *pmu = *state;
	uint64_t val;

	for (unsigned int i = 0; i < 6; i++)
		wr(pmu, CORE_CTR(i), 100 + i);
	for (unsigned int i = 0; i < 6; i++) {
		assert_int_equal(vpmu_rdpmc(pmu, i, &val), 0);
		assert_int_equal(val, 100 + i);
	}
	assert_int_equal(vpmu_rdpmc(pmu, 6, &val), -EINVAL);
	/* No fixed counters, no "fast" reads. */
	assert_int_equal(vpmu_rdpmc(pmu, VPMU_RDPMC_FIXED, &val), -EINVAL);
	assert_int_equal(vpmu_rdpmc(pmu, VPMU_RDPMC_FAST, &val), -EINVAL);
	pmu = make(VPMU_AMD_LEGACY, 0);
	assert_int_equal(vpmu_rdpmc(pmu, 3, &val), 0);
	assert_int_equal(vpmu_rdpmc(pmu, 4, &val), -EINVAL);
}

struct filter_log {
	unsigned int calls;
	uint64_t last_sel;
	int last_fixed;
	uint64_t denied_sel; /* the whole PerfEvtSel denied */
};

static bool filter(void *ctx, uint64_t eventsel, int fixed_idx)
{
	struct filter_log *log = ctx;

	log->calls++;
	log->last_sel = eventsel;
	log->last_fixed = fixed_idx;
	return eventsel != log->denied_sel;
}

/* The filter sees the whole 12-bit select, and only on reprogramming. */
static void test_filter(void **state)
{
	const uint64_t wide = SEL_ALL | EV_INSTRUCTIONS | 1ULL << 32;
	struct filter_log log = { .denied_sel = SEL_ALL | EV_BRANCHES };
	struct vpmu *pmu = *state;

	vpmu_set_filter(pmu, filter, &log);
	assert_int_equal(log.calls, 6); /* every counter, no fixed one */
	log.calls = 0;
	wr(pmu, LEGACY_SEL(2), wide);
	assert_int_equal(log.calls, 1);
	assert_int_equal(log.last_sel, wide);
	assert_int_equal(log.last_fixed, -1);
	wr(pmu, CORE_SEL(2), SEL_ALL | EV_BRANCHES);
	wr(pmu, CORE_SEL(3), SEL_ALL | EV_INSTRUCTIONS);
	log.calls = 0;
	vpmu_count(pmu, VPMU_EV_BRANCHES, 0, 7);
	vpmu_count(pmu, VPMU_EV_INSTRUCTIONS, 0, 7);
	assert_int_equal(log.calls, 0);
	assert_int_equal(rd(pmu, CORE_CTR(2)), 0);
	assert_int_equal(rd(pmu, CORE_CTR(3)), 7);
	/* A PerfCntrGlobalCtl change asks again about the changed ones. */
	wr(pmu, VPMU_AMD_MSR_GLOBAL_CTL, 0x3f & ~0x4);
	assert_int_equal(log.calls, 1);
	/* Denied counters need no stepping. */
	wr(pmu, CORE_SEL(3), 0);
	assert_false(vpmu_needs_stepping(pmu));
}

static void test_needs_stepping_and_deadline(void **state)
{
	struct vpmu *pmu = *state;

	assert_false(vpmu_needs_stepping(pmu));
	wr(pmu, CORE_SEL(0), SEL_ALL | SEL_INT | EV_CYCLES);
	wr(pmu, CORE_CTR(0), MASK48 - 99);
	assert_false(vpmu_needs_stepping(pmu));
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_CORE_CYCLES), 100);
	assert_int_equal(vpmu_until_pmi(pmu, VPMU_EV_REF_CYCLES), 0);
	wr(pmu, CORE_SEL(5), VPMU_EVTSEL_EN | VPMU_EVTSEL_USR | EV_BRANCHES);
	assert_true(vpmu_needs_stepping(pmu));
	wr(pmu, VPMU_AMD_MSR_GLOBAL_CTL, 0x1f);
	assert_false(vpmu_needs_stepping(pmu));
}

/* The AMD model of no PMU (--pmu=off): every AMD MSR #GPs. */
static void test_no_pmu(void **state)
{
	struct vpmu_config cfg = { .vendor = VPMU_VENDOR_AMD };
	struct vpmu pmu;
	uint64_t val;

	(void)state;
	assert_int_equal(vpmu_init(&pmu, &cfg), 0);
	assert_true(vpmu_owns_msr(&cfg, LEGACY_SEL(0)));
	assert_msr_gp(&pmu, LEGACY_SEL(0));
	assert_msr_gp(&pmu, LEGACY_CTR(3));
	assert_msr_gp(&pmu, CORE_SEL(0));
	assert_msr_gp(&pmu, VPMU_AMD_MSR_GLOBAL_CTL);
	assert_msr_gp(&pmu, VPMU_MSR_PERFEVTSEL0);
	assert_int_equal(vpmu_rdpmc(&pmu, 0, &val), -EINVAL);
	assert_int_equal(vpmu_amd_cpuid_perfmon(&pmu).eax, 0);
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_config_levels),
		T(test_config_refused),
		T(test_cpuid),
		T(test_owns_msr),
		T(test_reset_values),
		T(test_legacy_msrs),
		T(test_core_aliases_legacy),
		T(test_fewer_counters),
		T(test_evtsel_reserved_bits),
		T(test_counter_writes),
		T(test_count_every_event),
		T(test_other_events_do_not_count),
		T(test_count_usr_os),
		T(test_host_guest_only),
		T(test_unmodelled_modifiers),
		T(test_global_ctl_gates),
		T(test_overflow_status_and_pmi),
		T(test_global_status_clr_set),
		T(test_rdpmc),
		T(test_filter),
		T(test_needs_stepping_and_deadline),
		T(test_no_pmu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
