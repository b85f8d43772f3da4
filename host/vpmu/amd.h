/* SPDX-License-Identifier: GPL-2.0-only */
/* The emulated AMD PMU: legacy, PerfCtrExtCore and PerfMonV2 MSRs. */
#ifndef VPMU_AMD_H
#define VPMU_AMD_H

#include <stdbool.h>
#include <stdint.h>

#include "vpmu/vpmu.h"

/* The legacy (K7) counters: PerfEvtSel0-3, then PerfCtr0-3. */
#define VPMU_AMD_MSR_EVNTSEL0 0xc0010000
#define VPMU_AMD_MSR_PERFCTR0 0xc0010004
#define VPMU_AMD_LEGACY_GP    4

/* PerfCtrExtCore: counter i's PerfEvtSel at CTL0 + 2i, PerfCtr one above. */
#define VPMU_AMD_MSR_CTL0 0xc0010200
#define VPMU_AMD_MAX_GP	  6

/* PerfMonV2. */
#define VPMU_AMD_MSR_GLOBAL_STATUS     0xc0000300
#define VPMU_AMD_MSR_GLOBAL_CTL	       0xc0000301
#define VPMU_AMD_MSR_GLOBAL_STATUS_CLR 0xc0000302
#define VPMU_AMD_MSR_GLOBAL_STATUS_SET 0xc0000303

/* PerfEvtSel fields beside the ones Intel's PERFEVTSEL shares. */
#define VPMU_AMD_EVTSEL_EVENT_HI   0xf00000000ULL /* EventSelect[11:8] */
#define VPMU_AMD_EVTSEL_GUEST_ONLY (1ULL << 40)
#define VPMU_AMD_EVTSEL_HOST_ONLY  (1ULL << 41)

/* CPUID.80000001H:ECX.PerfCtrExtCore. */
#define VPMU_AMD_CPUID_EXT_ECX_PERFCTR_CORE (1u << 23)
/* CPUID.80000022H: EAX bit 0 PerfMonV2, EBX[3:0] NumPerfCtrCore. */
#define VPMU_AMD_CPUID_PERFMON_LEAF	    0x80000022u
#define VPMU_AMD_CPUID_22_EAX_PERFMON_V2    (1u << 0)
#define VPMU_AMD_CPUID_22_EBX_NR_CORE	    0xfu

/* --pmu-amd: which of AMD's PMU generations the model is. */
enum vpmu_amd_level {
	VPMU_AMD_LEGACY, /* 4 counters, no CPUID bit */
	VPMU_AMD_CORE,	 /* PerfCtrExtCore: 6 counters */
	VPMU_AMD_V2,	 /* and PerfMonV2's global MSRs */
	VPMU_AMD_NR_LEVELS,
};

/* Their names, as --pmu-amd takes them: legacy, core, v2. */
extern const char *const vpmu_amd_level_names[VPMU_AMD_NR_LEVELS];

/* The AMD model of level: the most counters, 48 bits wide. */
void vpmu_amd_config(struct vpmu_config *cfg, enum vpmu_amd_level level);

/* The level cfg describes (cfg->vendor is AMD). */
enum vpmu_amd_level vpmu_amd_config_level(const struct vpmu_config *cfg);

/* Whether the AMD model can be cfg (vpmu_init()'s check). */
bool vpmu_amd_config_valid(const struct vpmu_config *cfg);

/* vpmu_init()'s valid-bit masks for the AMD model. */
void vpmu_amd_init_masks(struct vpmu *pmu);

/* Leaf 0x80000022 of the model: all 0 below PerfMonV2 and for Intel. */
struct vpmu_cpuid vpmu_amd_cpuid_perfmon(const struct vpmu *pmu);

/* vpmu_rdmsr(), vpmu_wrmsr(), vpmu_rdpmc() of the AMD model. */
int vpmu_amd_rdmsr(struct vpmu *pmu, uint32_t msr, uint64_t *val);
int vpmu_amd_wrmsr(struct vpmu *pmu, uint32_t msr, uint64_t val);
int vpmu_amd_rdpmc(struct vpmu *pmu, uint32_t ecx, uint64_t *val);

#endif /* VPMU_AMD_H */
