/* SPDX-License-Identifier: GPL-2.0-only */
/* The x86 PMU, Intel's or AMD's: enumeration, MSRs, RDPMC, measured loops. */
#ifndef GUEST_PMU_H
#define GUEST_PMU_H

#include "types.h"

#define MSR_IA32_PMC0			0x0c1
#define MSR_IA32_PERFEVTSEL0		0x186
#define MSR_IA32_FIXED_CTR0		0x309
#define MSR_IA32_PERF_CAPABILITIES	0x345
#define MSR_IA32_FIXED_CTR_CTRL		0x38d
#define MSR_IA32_PERF_GLOBAL_STATUS	0x38e
#define MSR_IA32_PERF_GLOBAL_CTRL	0x38f
#define MSR_IA32_PERF_GLOBAL_OVF_CTRL	0x390 /* STATUS_RESET from v4 */
#define MSR_IA32_PERF_GLOBAL_STATUS_SET 0x391 /* version 4 */
#define MSR_IA32_A_PMC0			0x4c1

/* AMD: legacy counters, PerfCtrExtCore's, PerfMonV2's global MSRs. */
#define MSR_K7_EVNTSEL0			    0xc0010000
#define MSR_K7_PERFCTR0			    0xc0010004
#define MSR_F15H_PERF_CTL0		    0xc0010200 /* + 2i */
#define MSR_F15H_PERF_CTR0		    0xc0010201 /* + 2i */
#define MSR_AMD_PERF_CNTR_GLOBAL_STATUS	    0xc0000300
#define MSR_AMD_PERF_CNTR_GLOBAL_CTL	    0xc0000301
#define MSR_AMD_PERF_CNTR_GLOBAL_STATUS_CLR 0xc0000302
#define MSR_AMD_PERF_CNTR_GLOBAL_STATUS_SET 0xc0000303

#define CPUID_80000001_ECX_PERFCTR_CORE BIT(23)
#define CPUID_80000022_EAX_PERFMON_V2	BIT(0)
#define PMU_AMD_LEGACY_GP		4
#define PMU_AMD_CORE_GP			6
#define PMU_AMD_WIDTH			48

#define CPUID_1_ECX_PDCM BIT(15)

/* IA32_PERFEVTSELx */
#define PMU_EVTSEL_USR		   BIT(16)
#define PMU_EVTSEL_OS		   BIT(17)
#define PMU_EVTSEL_INT		   BIT(20)
#define PMU_EVTSEL_ANYTHREAD	   BIT(21)
#define PMU_EVTSEL_EN		   BIT(22)
/* AMD PerfEvtSel: event select bits 11:8 in 35:32. */
#define PMU_AMD_EVTSEL_HIGH(event) ((u64)((event) >> 8) << 32)
#define PMU_AMD_EVTSEL_GUESTONLY   BIT_ULL(40)
#define PMU_AMD_EVTSEL_HOSTONLY	   BIT_ULL(41)

/* IA32_FIXED_CTR_CTRL: four bits per fixed counter, so at most 16. */
#define PMU_MAX_FIXED		   16
#define PMU_FIXED_OS		   BIT(0)
#define PMU_FIXED_USR		   BIT(1)
#define PMU_FIXED_ANYTHREAD	   BIT(2)
#define PMU_FIXED_PMI		   BIT(3)
#define PMU_FIXED_FIELD(idx, bits) ((u64)(bits) << (4 * (idx)))

/* IA32_PERF_GLOBAL_* bit of fixed counter idx; GP counter i is bit i. */
#define PMU_GLOBAL_FIXED(idx) BIT_ULL(32 + (idx))

#define PMU_PERF_CAP_FW_WRITE BIT_ULL(13)

/* RDPMC's ECX: bit 30 selects the fixed counters, bit 31 is "fast". */
#define PMU_RDPMC_FIXED BIT(30)
#define PMU_RDPMC_FAST	BIT(31)

/* Bit positions in CPUID.0AH:EBX, the architectural events. */
enum pmu_event {
	PMU_EV_CORE_CYCLES,
	PMU_EV_INSTRUCTIONS,
	PMU_EV_REF_CYCLES,
	PMU_EV_LLC_REFERENCES,
	PMU_EV_LLC_MISSES,
	PMU_EV_BRANCHES,
	PMU_EV_BRANCH_MISSES,
	PMU_EV_TOPDOWN_SLOTS,
	PMU_NR_EVENTS,
};

struct pmu_event_desc {
	const char *name;
	u8 event;
	u8 umask;
	int fixed;     /* the fixed counter that counts it, or -1 */
	u16 amd_event; /* AMD's 12-bit event select, 0: none modelled */
};

extern const struct pmu_event_desc pmu_events[PMU_NR_EVENTS];

/* What CPUID (and PERF_CAPABILITIES) enumerate; filled by pmu_init(). */
struct pmu_info {
	unsigned int version; /* 0: no architectural PMU */
	unsigned int nr_gp;
	unsigned int gp_width;
	unsigned int nr_fixed;
	unsigned int fixed_width;
	unsigned int events_len; /* valid bits of the EBX vector */
	u32 events_unavailable;	 /* CPUID.0AH:EBX */
	u32 fixed_bitmap;	 /* CPUID.0AH:ECX, version 5 */
	bool pdcm;
	u64 perf_capabilities; /* 0 without PDCM */
	/* IA32_PERF_GLOBAL_CTRL as found, before any test wrote it. */
	u64 global_ctrl_at_boot;
	/* The hvcheck emulated vPMU's HV_VPMU_F_* flags; 0 elsewhere. */
	bool hvcheck_vpmu;
	u32 hvcheck_flags;
	/*
	 * An AMD CPU with no CPUID.0AH PMU: AMD's PMU, version 1 for the
	 * legacy counters or PerfCtrExtCore's, 2 with PerfMonV2 (as KVM
	 * numbers them), 0 without one.
	 */
	bool amd;
	bool amd_core; /* CPUID 0x80000001 ECX bit 23, PerfCtrExtCore */
	bool amd_v2;   /* CPUID 0x80000022 EAX bit 0, PerfMonV2 */
	/*
	 * IA32_PERF_GLOBAL_CTRL/STATUS/OVF_CTRL/STATUS_SET or AMD's
	 * PerfCntrGlobalCtl/Status/StatusClr/StatusSet; 0 when absent.
	 */
	u32 msr_global_ctrl, msr_global_status, msr_global_clear;
	u32 msr_global_set;
};

extern struct pmu_info pmu;

/* Fills `pmu` from CPUID and MSRs; only the first call does anything. */
void pmu_init(void);
/*
 * pmu_init(), then puts the PMU in a known state (pmu_reset()) and
 * returns true; with no PMU (version 0) reports one SKIP with the
 * reason and returns false.  Every PMU test but pmu.absent starts here.
 */
bool pmu_require(void);
/*
 * Loop iterations per measured region: `pmu.loops=N` on the command
 * line (default 1000).  The emulated vPMU single-steps every counted
 * instruction, so its manifest entries pass a small N.
 */
u64 pmu_loops(void);
/*
 * Version 2 or later (IA32_PERF_GLOBAL_*, AMD's PerfMonV2), else one
 * SKIP with the reason; after pmu_require().
 */
bool pmu_require_v2(void);
/*
 * All counters disabled and zeroed, GLOBAL_CTRL 0, overflow status
 * cleared.  Tests call it again before returning.
 */
void pmu_reset(void);

bool pmu_event_available(enum pmu_event ev);
bool pmu_fixed_exists(unsigned int idx);
/* The first fixed counter that does not exist, or PMU_MAX_FIXED. */
unsigned int pmu_first_absent_fixed(void);
/* Counter writes take every bit (Intel's full-width writes, AMD). */
bool pmu_full_width_writes(void);
/* Counts are exact (the hvcheck emulated vPMU), not just bounded. */
bool pmu_exact(void);

u64 pmu_gp_mask(void);
u64 pmu_fixed_mask(void);
/*
 * The GP counter MSR to use: IA32_A_PMCx when full-width writes exist;
 * on AMD PerfCtrExtCore's, else the legacy one.
 */
u32 pmu_gp_msr(unsigned int idx);
/* GP counter idx's event select MSR (PERFEVTSELx, AMD's PerfEvtSel). */
u32 pmu_evtsel_msr(unsigned int idx);
/* An enabled PERFEVTSEL value for ev, with ring bits rings. */
u64 pmu_evtsel(enum pmu_event ev, u64 rings);
/* The counter bits of IA32_PERF_GLOBAL_CTRL/STATUS/OVF_CTRL. */
u64 pmu_global_counters_mask(void);

/* A counter: GP counter idx, or fixed counter idx. */
struct pmu_counter {
	bool fixed;
	unsigned int idx;
};

/* "GP" or "fixed", for messages. */
const char *pmu_counter_kind(struct pmu_counter c);
/* Its counter MSR (pmu_gp_msr() for GP counters). */
u32 pmu_counter_msr(struct pmu_counter c);
/* Its bit in GLOBAL_CTRL, GLOBAL_STATUS and GLOBAL_OVF_CTRL. */
u64 pmu_counter_global_bit(struct pmu_counter c);
/* Its width's mask: pmu_fixed_mask() or pmu_gp_mask(). */
u64 pmu_counter_mask(struct pmu_counter c);
/*
 * The event a fixed counter counts (PMU_NR_EVENTS when it is none of
 * the architectural ones); for GP counters the tests' usual one,
 * instructions.
 */
enum pmu_event pmu_counter_event(struct pmu_counter c);
/*
 * Another counter than c that can count instructions: a GP counter,
 * else fixed counter 0.  False when there is none.
 */
bool pmu_other_counter(struct pmu_counter c, struct pmu_counter *other);
/*
 * Programs c to count instructions at every CPL and makes it the only
 * counter enabled (GLOBAL_CTRL, or PERFEVTSEL.EN in version 1).  Under
 * the emulated vPMU that also makes RDPMC work (HV_VPMU_F_RDPMC_WHILE_
 * STEPPING).  pmu_reset() stops it.
 */
void pmu_counter_start_insns(struct pmu_counter c);
/* Calls fn for every GP counter, then every fixed counter. */
void pmu_for_each_counter(void (*fn)(struct pmu_counter c, u64 loops),
			  u64 loops);

/* EXC_NONE or the vector; value is set only without an exception. */
int pmu_rdpmc_safe(u32 index, u64 *value);

/* One WRMSR of a measured region. */
struct pmu_wrmsr {
	u32 msr;
	u64 value;
};

/*
 * The measured loop.  By the convention the emulated vPMU implements
 * (docs/vpmu.md), a region starts with the WRMSR that enables counting,
 * which is not counted, and ends with the WRMSR that disables it, which
 * is.  pmu_loop() runs, with interrupts off:
 *
 *	WRMSR(start); loops x { nop; dec; jnz }; 3 x mov; WRMSR(stop)
 *
 * PMU_LOOP_INSNS() instructions and PMU_LOOP_BRANCHES() branches
 * retire after the first WRMSR; the loop itself is the architectural
 * lower bound, PMU_LOOP_BODY_INSNS().  loops >= 1.  Returns the TSC
 * cycles around the region.
 */
#define PMU_LOOP_BODY_INSNS(loops) (3 * (loops))
#define PMU_LOOP_INSNS(loops)	   (3 * (loops) + 4)
#define PMU_LOOP_BRANCHES(loops)   (loops)
u64 pmu_loop(struct pmu_wrmsr start, struct pmu_wrmsr stop, u64 loops);

/*
 * Two loops with a WRMSR between them:
 *
 *	WRMSR(start); loop1; 3 x mov; WRMSR(mid);
 *	mov; loop2; 3 x mov; WRMSR(stop)
 *
 * Up to and including WRMSR(mid) PMU_LOOP_INSNS(loops1) retire, after
 * it PMU_LOOP_INSNS(loops2) + 1.  Returns the TSC cycles around it.
 */
u64 pmu_loop2(struct pmu_wrmsr start, u64 loops1, struct pmu_wrmsr mid,
	      u64 loops2, struct pmu_wrmsr stop);

/*
 * Programs GP counter idx with evtsel (EN is added) and gives the
 * WRMSRs that start and stop it: GLOBAL_CTRL from version 2, before
 * that PERFEVTSEL's EN bit.  The counter does not count in between.
 */
void pmu_gp_arm(unsigned int idx, u64 evtsel, struct pmu_wrmsr *start,
		struct pmu_wrmsr *stop);
/*
 * The same for fixed counter idx (version 2+): FIXED_CTR_CTRL becomes
 * bits in idx's field and nothing else.
 */
void pmu_fixed_arm(unsigned int idx, u64 bits, struct pmu_wrmsr *start,
		   struct pmu_wrmsr *stop);

/*
 * What a measured region should count: exact values by the convention
 * above, the architectural floors, and the TSC cycles around it.
 */
struct pmu_expect {
	u64 insns, insns_floor;
	u64 branches, branches_floor;
	u64 tsc;
};

/* pmu_expect for pmu_loop(loops), with tsc measured around it. */
struct pmu_expect pmu_loop_expect(u64 loops, u64 tsc);

/*
 * Reports whether count is right for ev: instructions and branches
 * exactly under the hvcheck vPMU, else within architectural bounds;
 * cycles are positive and bounded by the TSC.  The message gets
 * " (exact)" or " (bounds)" and, on failure, what was counted.
 */
void pmu_report_count(enum pmu_event ev, u64 count,
		      const struct pmu_expect *expect, const char *fmt, ...)
	__printf(4, 5);

/* What pmu_report_count() checks, for a check that may be an XFAIL. */
bool pmu_count_ok(enum pmu_event ev, u64 count,
		  const struct pmu_expect *expect);

/*
 * The hvcheck emulated vPMU runs on a KVM that cannot single-step CPL3
 * code (HV_VPMU_F_USER_UNSTEPPED): CPL3 instructions go uncounted and
 * RDPMC at CPL3 reaches KVM.  Checks that need either are XFAIL there.
 */
bool pmu_user_unstepped(void);

/* PASS when got == want; a FAIL line says both. */
void pmu_report_value(u64 got, u64 want, const char *fmt, ...) __printf(3, 4);
/*
 * PASS when an access raised vector want (EXC_NONE: no exception); the
 * message gets ": #GP" or ": no exception", and on failure what came.
 */
void pmu_report_vector(int got, int want, const char *fmt, ...) __printf(3, 4);

/*
 * Whether counter MSR msr exists: it keeps a written value, then is
 * zeroed (KVM without a vPMU and QEMU's TCG read 0 from AMD's legacy
 * counters; a missing one may #GP).
 */
bool pmu_counter_keeps(u32 msr);

#endif /* GUEST_PMU_H */
