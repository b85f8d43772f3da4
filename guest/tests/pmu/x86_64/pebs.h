/* SPDX-License-Identifier: GPL-2.0-only */
/* pmu.pebs: PEBS's MSRs, DS area, records, and the measured region. */
#ifndef GUEST_TESTS_PEBS_H
#define GUEST_TESTS_PEBS_H

#include "pmu.h"
#include "types.h"

#define MSR_IA32_MISC_ENABLE	 0x1a0
#define MSR_IA32_PEBS_ENABLE	 0x3f1
#define MSR_PEBS_DATA_CFG	 0x3f2
#define MSR_IA32_DS_AREA	 0x600
#define MISC_ENABLE_PEBS_UNAVAIL BIT_ULL(12)

#define CPUID_1_EDX_DS	   BIT(21)
#define CPUID_1_ECX_DTES64 BIT(2)

#define PERF_CAP_PEBS_TRAP     BIT_ULL(6)
#define PERF_CAP_PEBS_ARCH_REG BIT_ULL(7)
#define PERF_CAP_PEBS_FMT(cap) (((cap) >> 8) & 0xf)
#define PERF_CAP_PEBS_BASELINE BIT_ULL(14)

#define GLOBAL_OVF_BUFFER BIT_ULL(62)
#define EVTSEL_ADAPTIVE	  BIT_ULL(34)
#define FIXED_ADAPTIVE(i) BIT_ULL(32 + 4 * (i))

#define PEBS_CFG_MEMINFO   BIT_ULL(0)
#define PEBS_CFG_GPRS	   BIT_ULL(1)
#define PEBS_CFG_XMMS	   BIT_ULL(2)
#define PEBS_CFG_LBRS	   BIT_ULL(3)
#define PEBS_CFG_LBR_SHIFT 24

#define PEBS_FMT3_SIZE 0xc8

/* What the CPU enumerates, filled by pebs_require(). */
struct pebs_info {
	unsigned int format;
	bool baseline;
};

extern struct pebs_info pebs;

/*
 * The PMU and PEBS (format 3 to 5, PEBS_UNAVAIL clear), else one SKIP
 * with the reason and false.
 */
bool pebs_require(void);

/* Whether PEBS covers c: every GP counter, fixed ones with baseline. */
bool pebs_covers(struct pmu_counter c);

/* The record size for c's adaptive bit and a PEBS_DATA_CFG. */
u64 pebs_record_size(bool adaptive, u64 cfg);

/*
 * One measured region: instructions at every CPL on c, preset so that
 * the preset-th instruction overflows it, reloaded after each record
 * to overflow reset-th instruction after it.
 */
struct pebs_run {
	struct pmu_counter c;
	u64 others; /* more counters programmed alike (GLOBAL_CTRL bits) */
	u64 preset, reset; /* instructions to an overflow; 0: never */
	u64 loops;
	u64 max_records, threshold_records;
	bool pebs_on, counter_on, adaptive;
	bool branches; /* GP counters count branches, not instructions */
	/*
	 * Interrupts on in the region, and the PMI handler drains as a
	 * real one does: counters off, each
	 * PMI's GLOBAL_STATUS and records noted, the index back to the
	 * base, OvfBuffer cleared, LVTPC unmasked, counters back on.
	 */
	bool drain;
	u64 data_cfg;
};

/* What one draining PMI saw. */
struct pebs_pmi {
	u64 status;  /* GLOBAL_STATUS */
	u64 records; /* in the buffer */
};

#define PEBS_MAX_PMIS 4

/* What a region left. */
struct pebs_outcome {
	u64 size;    /* the expected record size */
	u64 records; /* (index - base) / size */
	u64 index_off;
	u64 status;	  /* GLOBAL_STATUS after the region */
	u64 counter;	  /* the counter after the region */
	u64 counters[64]; /* each of the run's, by GLOBAL_CTRL bit */
	unsigned int pmis;
	u64 pmi_status; /* GLOBAL_STATUS in the (first) PMI */
	struct pebs_pmi each_pmi[PEBS_MAX_PMIS]; /* with drain */
	u64 tsc_before, tsc_after;
};

extern u8 pebs_buffer[];

/* The run's counters as GLOBAL_CTRL bits: c and the others. */
u64 pebs_run_counters(const struct pebs_run *run);

void pebs_run(const struct pebs_run *run, struct pebs_outcome *out);

/* The instructions the region retires after its first WRMSR. */
#define PEBS_REGION_INSNS(loops) (4 * (loops) + 4)

/*
 * Checks record n of a run field by field, the k-th instruction of the
 * region being its eventing one; fmt3 or adaptive.
 */
void pebs_check_record(const struct pebs_run *run,
		       const struct pebs_outcome *out, u64 n, u64 k);

#endif /* GUEST_TESTS_PEBS_H */
