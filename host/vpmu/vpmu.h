/* SPDX-License-Identifier: GPL-2.0-only */
/* The emulated PMU of one vCPU, Intel's or AMD's: a state machine. */
#ifndef VPMU_VPMU_H
#define VPMU_VPMU_H

#include <stdbool.h>
#include <stdint.h>

#include "vpmu/pebs.h"

#define VPMU_MAX_GP    8
#define VPMU_MAX_FIXED 3
#define VPMU_MAX_WIDTH 48
#define VPMU_MIN_WIDTH 32

/* PMU MSR indices. */
#define VPMU_MSR_PMC0		   0x0c1 /* IA32_PMCx: legacy, 32-bit writes */
#define VPMU_MSR_PERFEVTSEL0	   0x186
#define VPMU_MSR_FIXED_CTR0	   0x309
#define VPMU_MSR_PERF_CAPABILITIES 0x345
#define VPMU_MSR_A_PMC0		   0x4c1 /* IA32_A_PMCx: full-width writes */
#define VPMU_MSR_FIXED_CTR_CTRL	   0x38d
#define VPMU_MSR_GLOBAL_STATUS	   0x38e
#define VPMU_MSR_GLOBAL_CTRL	   0x38f
#define VPMU_MSR_GLOBAL_OVF_CTRL   0x390 /* STATUS_RESET from v4 */
#define VPMU_MSR_GLOBAL_STATUS_SET 0x391 /* version 4 */
#define VPMU_MSR_GLOBAL_INUSE	   0x392 /* version 4 */
#define VPMU_MAX_VERSION	   5

/* IA32_PERFEVTSELx fields. */
#define VPMU_EVTSEL_EVENT 0x000000ffULL
#define VPMU_EVTSEL_UMASK 0x0000ff00ULL
#define VPMU_EVTSEL_USR	  (1ULL << 16)
#define VPMU_EVTSEL_OS	  (1ULL << 17)
#define VPMU_EVTSEL_EDGE  (1ULL << 18)
#define VPMU_EVTSEL_PC	  (1ULL << 19)
#define VPMU_EVTSEL_INT	  (1ULL << 20)
#define VPMU_EVTSEL_ANY	  (1ULL << 21)
#define VPMU_EVTSEL_EN	  (1ULL << 22)
#define VPMU_EVTSEL_INV	  (1ULL << 23)
#define VPMU_EVTSEL_CMASK 0xff000000ULL

/* IA32_FIXED_CTR_CTRL: one 4-bit field per fixed counter. */
#define VPMU_FIXED_OS		 0x1ULL
#define VPMU_FIXED_USR		 0x2ULL
#define VPMU_FIXED_ANY		 0x4ULL
#define VPMU_FIXED_PMI		 0x8ULL
#define VPMU_FIXED_CTRL(i, bits) ((uint64_t)(bits) << (4 * (i)))

/* IA32_PERF_GLOBAL_STATUS / _CTRL / _OVF_CTRL bit of a fixed counter. */
#define VPMU_GLOBAL_FIXED(i)  (1ULL << (32 + (i)))
#define VPMU_GLOBAL_OVF_BUF   (1ULL << 62)
#define VPMU_GLOBAL_COND_CHGD (1ULL << 63)
/* IA32_PERF_GLOBAL_INUSE bit 63: some counter may raise a PMI. */
#define VPMU_INUSE_PMI	      (1ULL << 63)

/* CPUID.0AH:EDX bit 15: AnyThread deprecated (version 5). */
#define VPMU_CPUID_0A_EDX_ANY_DEPRECATED (1u << 15)

#define VPMU_PERF_CAP_FW_WRITE (1ULL << 13)

/* CPUID.1:ECX.PDCM: IA32_PERF_CAPABILITIES exists. */
#define VPMU_CPUID_1_ECX_PDCM (1u << 15)

/* RDPMC's ECX. */
#define VPMU_RDPMC_FIXED (1U << 30)
#define VPMU_RDPMC_FAST	 (1U << 31)

/*
 * Architectural events, numbered as their CPUID.0AH:EBX bits.  The model
 * counts the first four kinds only; the others are always unavailable.
 */
enum vpmu_arch_event {
	VPMU_ARCH_CORE_CYCLES = 0,
	VPMU_ARCH_INSTRUCTIONS = 1,
	VPMU_ARCH_REF_CYCLES = 2,
	VPMU_ARCH_LLC_REFERENCES = 3,
	VPMU_ARCH_LLC_MISSES = 4,
	VPMU_ARCH_BRANCHES = 5,
	VPMU_ARCH_BRANCH_MISSES = 6,
	VPMU_ARCH_TOPDOWN_SLOTS = 7,
	VPMU_NR_ARCH_EVENTS = 8,
};

/* What the VMM observes and feeds to vpmu_count(). */
enum vpmu_event {
	VPMU_EV_INSTRUCTIONS,
	VPMU_EV_BRANCHES,
	VPMU_EV_CORE_CYCLES,
	VPMU_EV_REF_CYCLES,
	VPMU_NR_EVENTS,
};

#define VPMU_MODELLED_EVENTS                                              \
	((1U << VPMU_ARCH_CORE_CYCLES) | (1U << VPMU_ARCH_INSTRUCTIONS) | \
	 (1U << VPMU_ARCH_REF_CYCLES) | (1U << VPMU_ARCH_BRANCHES))

/* Whose PMU the model is: its MSRs, event selects and CPUID. */
enum vpmu_vendor {
	VPMU_VENDOR_INTEL,
	VPMU_VENDOR_AMD, /* vpmu/amd.h */
};

/*
 * The event filter's decision for one counter: for a GP counter
 * fixed_idx is -1 and eventsel its whole IA32_PERFEVTSELx; for fixed
 * counter i, fixed_idx is i and eventsel 0.  false: the counter does not
 * count.  Asked as KVM asks its filter: when the guest (re)programs the
 * counter and on vpmu_refilter(), never per counted event.
 */
typedef bool (*vpmu_allowed_fn)(void *ctx, uint64_t eventsel, int fixed_idx);

struct vpmu_config {
	enum vpmu_vendor vendor;
	/*
	 * Intel: 0 = no PMU, 1 .. VPMU_MAX_VERSION.  AMD: 1, or 2 with
	 * PerfMonV2's global MSRs (vpmu/amd.h).
	 */
	unsigned int version;
	unsigned int nr_gp;	    /* 1..VPMU_MAX_GP (0 with version 0) */
	unsigned int nr_fixed;	    /* 0..VPMU_MAX_FIXED; 0 below version 2 */
	unsigned int width;	    /* VPMU_MIN_WIDTH..VPMU_MAX_WIDTH bits */
	uint32_t events;	    /* available, a subset of MODELLED_EVENTS */
	bool pdcm;		    /* IA32_PERF_CAPABILITIES exists */
	uint64_t perf_capabilities; /* only VPMU_PERF_CAP_FW_WRITE */
	unsigned int pebs_format;   /* 0: no PEBS; 3, 4 or 5 */
	bool pebs_baseline;	    /* adaptive PEBS, fixed counters too */
	bool amd_core;		    /* AMD: PerfCtrExtCore's MSRs */
};

struct vpmu {
	struct vpmu_config cfg;
	uint64_t counter_mask;
	uint64_t global_ctrl_valid;
	uint64_t ovf_ctrl_valid;
	uint64_t fixed_ctrl_valid;
	uint64_t evtsel_valid;
	uint64_t pebs_enable_valid;

	uint64_t gp[VPMU_MAX_GP];
	uint64_t evtsel[VPMU_MAX_GP];
	uint64_t fixed[VPMU_MAX_FIXED];
	uint64_t fixed_ctrl;
	uint64_t global_status;
	uint64_t global_ctrl;
	bool pmi_pending;

	/* PEBS (vpmu/pebs.h); counters as GLOBAL_CTRL's bits. */
	uint64_t misc_enable;
	uint64_t pebs_enable;
	uint64_t pebs_data_cfg;
	uint64_t ds_area;
	uint64_t pebs_armed; /* overflowed: the next event writes a record */
	uint64_t pebs_fire;  /* armed and hit by this instruction's event */
	struct vpmu_pebs_stats pebs_stats;

	vpmu_allowed_fn allowed;
	void *allowed_ctx;
	/*
	 * The filter's last decision per counter, laid out as GLOBAL_CTRL:
	 * GP counter i at bit i, fixed counter i at bit 32 + i.
	 */
	uint64_t filter_allows;
};

struct vpmu_cpuid {
	uint32_t eax, ebx, ecx, edx;
};

/*
 * MSR ranges the model owns, whatever its configuration, except that a
 * pebs range is the model's only when the configuration offers PEBS
 * (IA32_MISC_ENABLE: KVM keeps it otherwise), and an amd range only
 * when the model is AMD's.  The Intel ranges are the AMD model's too:
 * they #GP there, rather than reach KVM's own vPMU.
 */
struct vpmu_msr_range {
	uint32_t base;
	uint32_t nr;
	bool pebs;
	bool amd;
};

/* The most MSRs of one range: a bitmap of the MSR filter covers it. */
#define VPMU_MSR_RANGE_MAX 12

/* How many (vpmu.c asserts it): each is one range of the KVM MSR filter. */
#define VPMU_NR_MSR_RANGES 12

extern const struct vpmu_msr_range vpmu_msr_ranges[];

/*
 * Intel: version 2, 4 GP and 3 fixed 48-bit counters, full-width writes,
 * no PEBS.  vpmu_amd_config() gives an AMD one.
 */
void vpmu_config_default(struct vpmu_config *cfg);

/* -EINVAL if cfg describes a PMU the model cannot be. Then resets. */
int vpmu_init(struct vpmu *pmu, const struct vpmu_config *cfg);

/* Power-on/INIT state: counters and controls 0, GLOBAL_CTRL = GP bits. */
void vpmu_reset(struct vpmu *pmu);

/*
 * Installs the event filter (NULL: every counter may count) and asks it
 * about every counter.  Later it is asked again about a counter when the
 * guest writes its PERFEVTSELx, its FIXED_CTR_CTRL field or its
 * GLOBAL_CTRL bit, the writes that make KVM reprogram a counter.
 */
void vpmu_set_filter(struct vpmu *pmu, vpmu_allowed_fn allowed, void *ctx);

/*
 * Asks the filter about every counter again: the VMM calls it at the
 * vCPU's next entry after the filter's answers changed.
 */
void vpmu_refilter(struct vpmu *pmu);

/* Leaf 0xA: all 0 for the AMD model and with no PMU. */
struct vpmu_cpuid vpmu_cpuid_0a(const struct vpmu *pmu);

/* Whether range r is the model's (and exits to the VMM) under cfg. */
bool vpmu_msr_range_on(const struct vpmu_config *cfg,
		       const struct vpmu_msr_range *r);

/* Whether msr is in a range that is the model's under cfg. */
bool vpmu_owns_msr(const struct vpmu_config *cfg, uint32_t msr);

/* 0, or -EINVAL: the access raises #GP. */
int vpmu_rdmsr(struct vpmu *pmu, uint32_t msr, uint64_t *val);
int vpmu_wrmsr(struct vpmu *pmu, uint32_t msr, uint64_t val);

/*
 * RDPMC's counter selection and value.  -EINVAL: #GP.  The CR4.PCE and
 * CPL check is the caller's, which knows the vCPU's state.
 */
int vpmu_rdpmc(struct vpmu *pmu, uint32_t ecx, uint64_t *val);

/* n occurrences of ev at privilege level cpl (0..3). */
void vpmu_count(struct vpmu *pmu, enum vpmu_event ev, unsigned int cpl,
		uint64_t n);

/*
 * Whether some counter would count ev at some CPL now; a counter the
 * filter denies does not.
 */
bool vpmu_counting(const struct vpmu *pmu, enum vpmu_event ev);

/*
 * Whether the guest has enabled some counter, whatever the filter
 * decides: only then can another filter change what this PMU counts.
 */
bool vpmu_any_enabled(const struct vpmu *pmu);

/* Whether instructions or branches are counted: the VMM must step. */
bool vpmu_needs_stepping(const struct vpmu *pmu);

/*
 * How many more occurrences of ev make a counter that counts it with its
 * PMI enabled overflow: the VMM's deadline for cycles.  0 when none.
 */
uint64_t vpmu_until_pmi(const struct vpmu *pmu, enum vpmu_event ev);

/* Whether an overflow asked for a PMI since the last call; clears it. */
bool vpmu_take_pmi(struct vpmu *pmu);

/* For the vendor models (vpmu/amd.c). */

/* Asks the filter about the counters in mask (GLOBAL_CTRL's layout). */
void vpmu_refilter_counters(struct vpmu *pmu, uint64_t mask);

/*
 * Where msr falls in [base, base + nr): its index, or -1.  Unsigned
 * wrap-around makes an msr below base fail too.
 */
int vpmu_msr_index(uint32_t msr, uint32_t base, unsigned int nr);

#endif /* VPMU_VPMU_H */
