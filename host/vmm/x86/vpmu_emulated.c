// SPDX-License-Identifier: GPL-2.0-only
/* The emulated vPMU back end: hvcheck's model of an Intel or AMD PMU. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvcheck_abi.h"
#include "vmm/x86/vpmu.h"
#include "vmm/x86/vpmu_emulated_vcpu.h"
#include "vpmu/amd.h"
#include "vpmu/filter_slots.h"

_Static_assert(FILTER_SLOT_NONE == HV_HOSTCTL_FILTER_NONE,
	       "a filter slot is the guest's FILTER_SELECT argument");

/* The back end's state; each vCPU's model is its vcpu->pmu. */
struct vpmu_emulated {
	struct vpmu_config cfg;
	uint64_t tsc_khz;
	struct filter_slots filters;
};

/* --pmu-pebs: PEBS needs version 2 (GLOBAL_STATUS.OvfBuffer). */
static int vpmu_emulated_pebs(const struct x86_options *o,
			      struct vpmu_config *cfg, char *err, size_t errlen)
{
	if (o->pmu_pebs_format == X86_PMU_UNSET || !o->pmu_pebs_format)
		return 0;
	if (cfg->version < 2)
		return option_error(
			err, errlen,
			"--pmu-pebs: PEBS needs PMU version 2 or later, not %u",
			cfg->version);
	cfg->pebs_format = o->pmu_pebs_format;
	cfg->pebs_baseline = o->pmu_pebs_baseline;
	return 0;
}

/*
 * The AMD model --pmu-amd (default v2) and --pmu-gp-counters describe
 * (the Intel options were refused with the vendor), or -EINVAL and why.
 */
static int vpmu_emulated_amd_config(const struct x86_options *o,
				    struct vpmu_config *cfg, char *err,
				    size_t errlen)
{
	enum vpmu_amd_level level = o->pmu_amd == X86_PMU_UNSET ? VPMU_AMD_V2 :
								  o->pmu_amd;

	vpmu_amd_config(cfg, level);
	if (o->pmu_gp == X86_PMU_UNSET)
		return 0;
	if (level == VPMU_AMD_LEGACY)
		return option_error(
			err, errlen,
			"--pmu-gp-counters: the legacy AMD PMU has 4 counters; core and v2 take 1 to %d",
			VPMU_AMD_MAX_GP);
	if (o->pmu_gp < 1 || o->pmu_gp > VPMU_AMD_MAX_GP)
		return option_error(
			err, errlen,
			"--pmu-gp-counters %d: the emulated AMD vPMU has 1 to %d",
			o->pmu_gp, VPMU_AMD_MAX_GP);
	cfg->nr_gp = o->pmu_gp;
	return 0;
}

/* The emulated vPMU the options describe, or -EINVAL and why. */
static int vpmu_emulated_config(const struct x86_options *o,
				enum vpmu_vendor vendor,
				struct vpmu_config *cfg, char *err,
				size_t errlen)
{
	if (vendor == VPMU_VENDOR_AMD)
		return vpmu_emulated_amd_config(o, cfg, err, errlen);
	vpmu_config_default(cfg);
	if (o->pmu_version != X86_PMU_UNSET) {
		if (o->pmu_version > VPMU_MAX_VERSION)
			return option_error(
				err, errlen,
				"--pmu-version %d: the emulated vPMU is version 0 to %d",
				o->pmu_version, VPMU_MAX_VERSION);
		cfg->version = o->pmu_version;
	}
	if (cfg->version == 0) {
		if (o->pmu_gp > 0 || o->pmu_fixed > 0)
			return option_error(
				err, errlen,
				"--pmu-version 0 is no PMU: it has no counters");
		memset(cfg, 0, sizeof(*cfg));
		return 0;
	}
	if (cfg->version == 1)
		cfg->nr_fixed = 0;
	if (o->pmu_gp != X86_PMU_UNSET) {
		if (o->pmu_gp < 1 || o->pmu_gp > VPMU_MAX_GP)
			return option_error(
				err, errlen,
				"--pmu-gp-counters %d: the emulated vPMU has 1 to %d",
				o->pmu_gp, VPMU_MAX_GP);
		cfg->nr_gp = o->pmu_gp;
	}
	if (o->pmu_fixed != X86_PMU_UNSET) {
		if (o->pmu_fixed > (cfg->version < 2 ? 0 : VPMU_MAX_FIXED))
			return option_error(
				err, errlen,
				"--pmu-fixed-counters %d: the emulated vPMU of version %u has 0 to %d",
				o->pmu_fixed, cfg->version,
				cfg->version < 2 ? 0 : VPMU_MAX_FIXED);
		cfg->nr_fixed = o->pmu_fixed;
	}
	return vpmu_emulated_pebs(o, cfg, err, errlen);
}

/* The vPMU line's description of the model. */
static void vpmu_emulated_desc(const struct x86_vpmu *vp, char *buf, size_t len)
{
	const struct vpmu_emulated *em = vp->state;
	const struct vpmu_config *c = &em->cfg;

	if (vp->mode == VPMU_MODE_OFF)
		snprintf(
			buf, len,
			"no PMU, hvcheck's model (KVM has no vPMU to disable)");
	else if (!c->version)
		snprintf(buf, len, "version 0: no PMU");
	else if (c->vendor == VPMU_VENDOR_AMD)
		snprintf(buf, len, "AMD %s, %u counters of %u bits",
			 vpmu_amd_level_names[vpmu_amd_config_level(c)],
			 c->nr_gp, c->width);
	else
		snprintf(
			buf, len,
			"version %u, %u GP and %u fixed counters of %u bits%s%.0u%s",
			c->version, c->nr_gp, c->nr_fixed, c->width,
			c->pebs_format ? ", PEBS format " : "", c->pebs_format,
			c->pebs_baseline ? " with baseline" : "");
}

/* The filter slots, every policy compiled for the model's vendor. */
static int vpmu_emulated_filters(struct x86_vpmu *vp)
{
	struct vpmu_emulated *em = vp->state;
	enum filter_vendor vendor = vp->vendor == VPMU_VENDOR_AMD ?
					    FILTER_VENDOR_AMD :
					    FILTER_VENDOR_INTEL;
	unsigned int failed;
	int ret;

	/* The model's vendor, whatever the host. */
	ret = x86_vpmu_check_filters(vp, vendor);
	if (ret)
		return ret;
	ret = filter_slots_build(&em->filters, vp->policies,
				 vp->opts->nr_pmu_filters, vendor, &failed);
	if (ret == -ENOMEM)
		return machine_fail(HV_EXIT_VMM_ERROR, "out of memory");
	if (ret)
		return machine_fail(HV_EXIT_VMM_ERROR, "--pmu-filter %u: %s",
				    failed, strerror(-ret));
	return 0;
}

/*
 * Every PMU MSR exits to the model, the guest CPUID says what it is;
 * a model with no counters never steps: no probe VM for it.
 */
static int vpmu_emulated_vm(struct x86_vpmu *vp, bool *user_stepping)
{
	struct vpmu_emulated *em = vp->state;
	struct vm *vm = &vp->core->vm;
	int ret;

	*user_stepping = true;
	ret = vcpu_pmu_vm_setup(vm, &em->cfg, &em->tsc_khz);
	if (!ret && em->cfg.version)
		ret = vcpu_pmu_probe_user_stepping(vm, user_stepping);
	if (ret)
		return machine_fail(HV_EXIT_VMM_ERROR, "emulated vPMU: %s: %s",
				    vm->failed, strerror(-ret));
	ret = vcpu_pmu_set_cpuid(vp->cpuid, &em->cfg, em->tsc_khz,
				 *user_stepping);
	if (ret)
		return machine_fail(HV_EXIT_VMM_ERROR,
				    "emulated vPMU: guest CPUID: %s",
				    strerror(-ret));
	return 0;
}

static int vpmu_emulated_setup(struct x86_vpmu *vp)
{
	char host_vendor[CPUID_VENDOR_SIZE], guest_vendor[CPUID_VENDOR_SIZE];
	char vendor[64] = "";
	char desc[MACHINE_ERR_SIZE], filter[MACHINE_ERR_SIZE];
	struct vpmu_emulated *em = calloc(1, sizeof(*em));
	bool user_stepping;
	int ret;

	vp->state = em;
	if (!em)
		return machine_fail(HV_EXIT_VMM_ERROR, "out of memory");
	/* --pmu=off: the vendor's model of no PMU, version 0. */
	em->cfg.vendor = vp->vendor;
	if (vp->mode == VPMU_MODE_EMULATED &&
	    vpmu_emulated_config(vp->opts, vp->vendor, &em->cfg, desc,
				 sizeof(desc)))
		return machine_fail(HV_EXIT_USAGE, "run: %s", desc);
	cpuid_vendor(vp->cpuid, host_vendor);
	ret = vpmu_emulated_filters(vp);
	if (!ret)
		ret = vpmu_emulated_vm(vp, &user_stepping);
	if (ret)
		return ret;
	vp->can_select = true;
	x86_vpmu_filter_desc(vp, filter, sizeof(filter));
	vpmu_emulated_desc(vp, desc, sizeof(desc));
	cpuid_vendor(vp->cpuid, guest_vendor);
	if (strcmp(host_vendor, guest_vendor))
		snprintf(vendor, sizeof(vendor), " (host %s)", host_vendor);
	fprintf(stderr, "hvcheck: vpmu: %s, %s, guest CPU vendor %s%s%s%s\n",
		vp->mode == VPMU_MODE_OFF ? "off" : "emulated", desc,
		guest_vendor, vendor,
		user_stepping ? "" : ", CPL3 not stepped by this KVM", filter);
	return 0;
}

static int vpmu_emulated_vcpu_init(struct x86_vpmu *vp, struct vcpu *vcpu,
				   unsigned int i)
{
	struct vpmu_emulated *em = vp->state;
	struct vcpu_pmu *pmu = calloc(1, sizeof(*pmu));
	int ret;

	(void)i;
	if (!pmu) {
		vcpu->vm->failed = "the emulated vPMU";
		return -ENOMEM;
	}
	ret = vcpu_pmu_init(vcpu, pmu, &em->cfg, &vp->core->mem, em->tsc_khz);
	if (ret) {
		free(pmu);
		return ret;
	}
	pmu->stats.timed = vp->opts->pmu_stats;
	vcpu_pmu_set_filters(pmu, &em->filters);
	vcpu->pmu_backend = &vpmu_emulated_backend;
	return 0;
}

/*
 * KVM kicks every vCPU when its filter changes; this back end kicks the
 * other vCPUs that have a counter enabled, which leave KVM_RUN and pick
 * the new filter up on their way back in.  One with none enabled counts
 * nothing a filter decides,
 * and enabling one is an MSR exit after which its entry reads the filter:
 * it runs on unkicked, so a storm of switches between vCPUs that do not
 * count sends no signal at all.
 */
static void vpmu_emulated_kick_counting(const struct x86_vpmu *vp)
{
	const struct machine_core *core = vp->core;

	for (unsigned int i = 0; i < core->nr_vcpus; i++) {
		struct vcpu *vcpu = &core->vcpus[i];

		if (vcpu->id != vcpu_current_id() && vcpu->pmu &&
		    vcpu_pmu_counters_enabled(vcpu->pmu))
			vcpu_kick(vcpu);
	}
}

static int vpmu_emulated_filter_select(struct x86_vpmu *vp, uint32_t slot)
{
	struct vpmu_emulated *em = vp->state;

	filter_slots_select(&em->filters, slot);
	vpmu_emulated_kick_counting(vp);
	return 0;
}

static void vpmu_emulated_print_stats(const struct x86_vpmu *vp)
{
	for (unsigned int i = 0; i < vp->core->nr_vcpus; i++) {
		const struct vcpu_pmu *pmu = vp->core->vcpus[i].pmu;

		if (pmu)
			vcpu_pmu_print_stats(pmu, i, stderr);
	}
}

static void vpmu_emulated_destroy(struct x86_vpmu *vp)
{
	struct vpmu_emulated *em = vp->state;

	for (unsigned int i = 0; i < vp->core->nr_vcpus; i++) {
		struct vcpu *vcpu = &vp->core->vcpus[i];

		if (vcpu->pmu)
			vcpu_pmu_destroy(vcpu->pmu);
		free(vcpu->pmu);
		vcpu->pmu = NULL;
		vcpu->pmu_backend = NULL;
	}
	if (em)
		filter_slots_free(&em->filters);
	free(em);
	vp->state = NULL;
}

const struct vpmu_backend vpmu_emulated_backend = {
	.setup = vpmu_emulated_setup,
	.vcpu_init = vpmu_emulated_vcpu_init,
	.before_run = vcpu_pmu_before_run,
	.after_run = vcpu_pmu_after_run,
	.msr_exit = vcpu_pmu_msr_exit,
	.debug_exit = vcpu_pmu_debug_exit,
	.filter_select = vpmu_emulated_filter_select,
	.print_stats = vpmu_emulated_print_stats,
	.destroy = vpmu_emulated_destroy,
};
