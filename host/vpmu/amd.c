// SPDX-License-Identifier: GPL-2.0-only
/* The emulated AMD PMU: legacy, PerfCtrExtCore and PerfMonV2 MSRs. */
#include <errno.h>
#include <string.h>

#include "vpmu/amd.h"

/*
 * PerfEvtSel: event 7:0 and 35:32, unit mask, USR, OS, Edge, Int, En,
 * Inv, CntMask, GuestOnly, HostOnly.  A write never #GPs: the other bits
 * are dropped with KVM's reserved mask (amd_pmu_set_msr()), bits 19, 21
 * and 63:36, except GuestOnly and HostOnly, which KVM drops too but the
 * model keeps as hardware does.  Hardware keeps more (Zen 3: 19 and 42).
 */
#define AMD_KVM_EVTSEL_RESERVED 0xfffffff000280000ULL
#define AMD_EVTSEL_VALID                                         \
	(~AMD_KVM_EVTSEL_RESERVED | VPMU_AMD_EVTSEL_GUEST_ONLY | \
	 VPMU_AMD_EVTSEL_HOST_ONLY)

/* What the model counts: retired instructions, branches, cycles. */
#define AMD_EVENTS                                                        \
	((1U << VPMU_ARCH_CORE_CYCLES) | (1U << VPMU_ARCH_INSTRUCTIONS) | \
	 (1U << VPMU_ARCH_BRANCHES))

const char *const vpmu_amd_level_names[VPMU_AMD_NR_LEVELS] = {
	[VPMU_AMD_LEGACY] = "legacy",
	[VPMU_AMD_CORE] = "core",
	[VPMU_AMD_V2] = "v2",
};

void vpmu_amd_config(struct vpmu_config *cfg, enum vpmu_amd_level level)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->vendor = VPMU_VENDOR_AMD;
	cfg->version = level == VPMU_AMD_V2 ? 2 : 1;
	cfg->amd_core = level != VPMU_AMD_LEGACY;
	cfg->nr_gp = cfg->amd_core ? VPMU_AMD_MAX_GP : VPMU_AMD_LEGACY_GP;
	cfg->width = VPMU_MAX_WIDTH;
	cfg->events = AMD_EVENTS;
}

enum vpmu_amd_level vpmu_amd_config_level(const struct vpmu_config *cfg)
{
	if (cfg->version >= 2)
		return VPMU_AMD_V2;
	return cfg->amd_core ? VPMU_AMD_CORE : VPMU_AMD_LEGACY;
}

bool vpmu_amd_config_valid(const struct vpmu_config *cfg)
{
	if (cfg->nr_fixed || cfg->pdcm || cfg->perf_capabilities ||
	    cfg->pebs_format || cfg->pebs_baseline ||
	    (cfg->events & ~AMD_EVENTS))
		return false;
	if (cfg->version == 0) /* no PMU */
		return !cfg->nr_gp && !cfg->amd_core && !cfg->events;
	if (cfg->version > 2 || cfg->width != VPMU_MAX_WIDTH)
		return false;
	if (!cfg->amd_core)
		return cfg->version == 1 && cfg->nr_gp == VPMU_AMD_LEGACY_GP;
	return cfg->nr_gp >= 1 && cfg->nr_gp <= VPMU_AMD_MAX_GP;
}

void vpmu_amd_init_masks(struct vpmu *pmu)
{
	uint64_t gp_bits = (1ULL << pmu->cfg.nr_gp) - 1;

	pmu->global_ctrl_valid = gp_bits;
	pmu->ovf_ctrl_valid = gp_bits; /* what PerfCntrGlobalStatusSet sets */
	pmu->evtsel_valid = AMD_EVTSEL_VALID;
}

struct vpmu_cpuid vpmu_amd_cpuid_perfmon(const struct vpmu *pmu)
{
	struct vpmu_cpuid leaf = { 0 };

	if (pmu->cfg.vendor == VPMU_VENDOR_AMD && pmu->cfg.version >= 2) {
		leaf.eax = VPMU_AMD_CPUID_22_EAX_PERFMON_V2;
		leaf.ebx = pmu->cfg.nr_gp;
	}
	return leaf;
}

/*
 * The counter an MSR of the legacy or PerfCtrExtCore range belongs to,
 * *ctl saying whether it is its PerfEvtSel: the legacy MSRs alias the
 * first four.  -1 for no implemented counter.
 */
static int amd_counter(const struct vpmu *pmu, uint32_t msr, bool *ctl)
{
	unsigned int nr = pmu->cfg.nr_gp;
	unsigned int legacy = nr < VPMU_AMD_LEGACY_GP ? nr : VPMU_AMD_LEGACY_GP;
	int i;

	*ctl = true;
	if ((i = vpmu_msr_index(msr, VPMU_AMD_MSR_EVNTSEL0, legacy)) >= 0)
		return i;
	*ctl = false;
	if ((i = vpmu_msr_index(msr, VPMU_AMD_MSR_PERFCTR0, legacy)) >= 0)
		return i;
	if (!pmu->cfg.amd_core ||
	    (i = vpmu_msr_index(msr, VPMU_AMD_MSR_CTL0, 2 * nr)) < 0)
		return -1;
	*ctl = !(i & 1);
	return i / 2;
}

/* PerfMonV2's four MSRs: -EINVAL below version 2. */
static int amd_global_rdmsr(const struct vpmu *pmu, uint32_t msr, uint64_t *val)
{
	if (pmu->cfg.version < 2)
		return -EINVAL;
	switch (msr) {
	case VPMU_AMD_MSR_GLOBAL_STATUS:
		*val = pmu->global_status;
		return 0;
	case VPMU_AMD_MSR_GLOBAL_CTL:
		*val = pmu->global_ctrl;
		return 0;
	case VPMU_AMD_MSR_GLOBAL_STATUS_CLR:
	case VPMU_AMD_MSR_GLOBAL_STATUS_SET:
		*val = 0; /* write-only commands */
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * As KVM does: reserved bits #GP only in PerfCntrGlobalCtl
 * (kvm_valid_perf_global_ctrl()); StatusClr clears whatever is written,
 * StatusSet sets the written bits of existing counters.
 */
static int amd_global_wrmsr(struct vpmu *pmu, uint32_t msr, uint64_t val)
{
	uint64_t changed;

	if (pmu->cfg.version < 2)
		return -EINVAL;
	switch (msr) {
	case VPMU_AMD_MSR_GLOBAL_CTL:
		if (val & ~pmu->global_ctrl_valid)
			return -EINVAL;
		changed = pmu->global_ctrl ^ val;
		pmu->global_ctrl = val;
		vpmu_refilter_counters(pmu, changed);
		return 0;
	case VPMU_AMD_MSR_GLOBAL_STATUS_CLR:
		pmu->global_status &= ~val;
		return 0;
	case VPMU_AMD_MSR_GLOBAL_STATUS_SET:
		pmu->global_status |= val & pmu->ovf_ctrl_valid;
		return 0;
	default: /* GLOBAL_STATUS is read-only */
		return -EINVAL;
	}
}

int vpmu_amd_rdmsr(struct vpmu *pmu, uint32_t msr, uint64_t *val)
{
	bool ctl;
	int i = amd_counter(pmu, msr, &ctl);

	if (i < 0)
		return amd_global_rdmsr(pmu, msr, val);
	*val = ctl ? pmu->evtsel[i] : pmu->gp[i];
	return 0;
}

int vpmu_amd_wrmsr(struct vpmu *pmu, uint32_t msr, uint64_t val)
{
	bool ctl;
	int i = amd_counter(pmu, msr, &ctl);

	if (i < 0)
		return amd_global_wrmsr(pmu, msr, val);
	if (!ctl) {
		/* As KVM does: the bits above the width are dropped. */
		pmu->gp[i] = val & pmu->counter_mask;
		return 0;
	}
	pmu->evtsel[i] = val & pmu->evtsel_valid;
	vpmu_refilter_counters(pmu, 1ULL << i);
	return 0;
}

int vpmu_amd_rdpmc(struct vpmu *pmu, uint32_t ecx, uint64_t *val)
{
	/* ECX is the counter's number; any other value #GPs. */
	if (ecx >= pmu->cfg.nr_gp)
		return -EINVAL;
	*val = pmu->gp[ecx];
	return 0;
}
