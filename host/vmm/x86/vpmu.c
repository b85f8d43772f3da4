// SPDX-License-Identifier: GPL-2.0-only
/* The x86 machine's vPMU: a mode's back end behind one small ops table. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "hvcheck_abi.h"
#include "vmm/x86/vpmu.h"
#include "vmm/x86/vpmu_kvm.h"

int x86_vpmu_load_filters(struct x86_vpmu *vp)
{
	const struct x86_options *o = vp->opts;
	char err[MACHINE_ERR_SIZE];
	int ret;

	if (!o->nr_pmu_filters)
		return 0;
	vp->policies = calloc(o->nr_pmu_filters, sizeof(*vp->policies));
	if (!vp->policies)
		return machine_fail(HV_EXIT_VMM_ERROR, "out of memory");
	for (unsigned int i = 0; i < o->nr_pmu_filters; i++) {
		ret = filter_policy_load(o->pmu_filters[i], FILTER_ARCH_X86,
					 &vp->policies[i], err, sizeof(err));
		if (ret)
			return machine_fail(ret == -ENOMEM ? HV_EXIT_VMM_ERROR :
							     HV_EXIT_USAGE,
					    "run: --pmu-filter %u: %s", i, err);
	}
	return 0;
}

int x86_vpmu_check_filters(const struct x86_vpmu *vp, enum filter_vendor vendor)
{
	char why[MACHINE_ERR_SIZE];
	int ret;

	for (unsigned int i = 0; i < vp->opts->nr_pmu_filters; i++) {
		const struct filter_policy *p = &vp->policies[i];

		if (p->none)
			continue;
		if (filter_policy_check_vendor(p, vendor, why, sizeof(why)))
			return machine_fail(HV_EXIT_USAGE,
					    "run: --pmu-filter %u: %s", i, why);
		ret = filter_x86_validate(&p->x86, vendor, NULL, why,
					  sizeof(why));
		if (ret)
			return machine_fail(
				HV_EXIT_USAGE,
				"run: --pmu-filter %u: KVM would refuse it: %s: %s",
				i, filter_errno_name(ret), why);
	}
	return 0;
}

uint32_t x86_vpmu_first_filter(const struct x86_vpmu *vp)
{
	return vp->opts->nr_pmu_filters ? 0 : HV_HOSTCTL_FILTER_NONE;
}

void x86_vpmu_filter_desc(const struct x86_vpmu *vp, char *buf, size_t len)
{
	unsigned int nr = vp->opts->nr_pmu_filters;
	const struct filter_x86 *f;
	int n;

	buf[0] = '\0';
	if (!nr)
		return;
	f = &vp->policies[0].x86;
	if (vp->policies[0].none)
		n = snprintf(buf, len, ", filter: none");
	else
		n = snprintf(
			buf, len,
			", filter: %s %u %sevent%s, fixed bitmap 0x%x",
			f->action == FILTER_ACTION_ALLOW ? "allow" : "deny",
			f->nevents,
			f->flags & FILTER_FLAG_MASKED_EVENTS ? "masked " : "",
			f->nevents == 1 ? "" : "s", f->fixed_bitmap);
	if (nr > 1 && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, " (policy 0 of %u)", nr);
}

/*
 * No PMU for the guest: KVM's disabled where KVM has one; elsewhere
 * KVM's answers to PMU MSRs differ by host (the P6 counters read 0, an
 * AMD host's counters answer), so hvcheck's model of no PMU answers.
 */
static const struct vpmu_backend *x86_vpmu_backend(enum vpmu_mode mode,
						   bool kvm_has_vpmu)
{
	switch (mode) {
	case VPMU_MODE_KVM:
		return &vpmu_kvm_backend;
	case VPMU_MODE_EMULATED:
		return &vpmu_emulated_backend;
	default:
		return kvm_has_vpmu ? &vpmu_kvm_off_backend :
				      &vpmu_emulated_backend;
	}
}

/*
 * --pmu-vendor resolved, and the options that are the other vendor's
 * refused: --pmu-version, the fixed counters and PEBS are Intel's,
 * --pmu-amd AMD's; KVM's vPMU is the host's vendor only.
 */
static int x86_vpmu_vendor(struct x86_vpmu *vp)
{
	const struct x86_options *o = vp->opts;

	vp->host = vpmu_kvm_vendor(vp->cpuid) == FILTER_VENDOR_AMD ?
			   VPMU_VENDOR_AMD :
			   VPMU_VENDOR_INTEL;
	vp->vendor = vp->host;
	if (o->pmu_vendor != X86_PMU_VENDOR_AUTO)
		vp->vendor = o->pmu_vendor == X86_PMU_VENDOR_AMD ?
				     VPMU_VENDOR_AMD :
				     VPMU_VENDOR_INTEL;
	if (vp->vendor == VPMU_VENDOR_INTEL && o->pmu_amd != X86_PMU_UNSET)
		return machine_fail(
			HV_EXIT_USAGE,
			"run: --pmu-amd is the AMD PMU's; this vPMU is Intel's (--pmu-vendor)");
	if (vp->vendor == VPMU_VENDOR_AMD &&
	    (o->pmu_version != X86_PMU_UNSET || o->pmu_fixed != X86_PMU_UNSET ||
	     o->pmu_pebs_format != X86_PMU_UNSET))
		return machine_fail(
			HV_EXIT_USAGE,
			"run: --pmu-version, --pmu-fixed-counters and --pmu-pebs are the Intel PMU's; this vPMU is AMD's (--pmu-vendor)");
	if (o->pmu == VPMU_MODE_KVM && vp->vendor != vp->host)
		return machine_fail(
			HV_EXIT_USAGE,
			"run: --pmu=kvm: KVM's vPMU is the host's, %s's: drop --pmu-vendor or use --pmu=emulated",
			vp->host == VPMU_VENDOR_AMD ? "AMD" : "Intel");
	return 0;
}

int x86_vpmu_setup(struct x86_vpmu *vp)
{
	const struct x86_options *o = vp->opts;
	bool kvm_has_vpmu = vpmu_kvm_available(vp->cpuid);
	int ret;

	if (o->pmu == VPMU_MODE_OFF &&
	    (o->pmu_version != X86_PMU_UNSET || o->pmu_gp != X86_PMU_UNSET ||
	     o->pmu_fixed != X86_PMU_UNSET || o->pmu_pebs_format > 0 ||
	     o->pmu_amd != X86_PMU_UNSET))
		return machine_fail(
			HV_EXIT_USAGE,
			"run: --pmu=off takes no --pmu-version, --pmu-amd, counter counts or PEBS");
	ret = x86_vpmu_vendor(vp);
	if (ret)
		return ret;
	vp->mode = o->pmu;
	if (vp->mode == VPMU_MODE_AUTO)
		vp->mode = kvm_has_vpmu && vp->vendor == vp->host ?
				   VPMU_MODE_KVM :
				   VPMU_MODE_EMULATED;
	vp->backend = x86_vpmu_backend(vp->mode, kvm_has_vpmu);
	return vp->backend->setup(vp);
}

int x86_vpmu_vcpu_init(struct x86_vpmu *vp, struct vcpu *vcpu, unsigned int i)
{
	return vp->backend->vcpu_init ? vp->backend->vcpu_init(vp, vcpu, i) : 0;
}

int x86_vpmu_filter_select(void *opaque, uint32_t slot)
{
	struct x86_vpmu *vp = opaque;

	return vp->backend->filter_select(vp, slot);
}

void x86_vpmu_print_stats(const struct x86_vpmu *vp)
{
	if (vp->backend && vp->backend->print_stats)
		vp->backend->print_stats(vp);
}

void x86_vpmu_destroy(struct x86_vpmu *vp)
{
	if (vp->backend && vp->backend->destroy)
		vp->backend->destroy(vp);
	for (unsigned int i = 0; vp->policies && i < vp->opts->nr_pmu_filters;
	     i++)
		filter_policy_free(&vp->policies[i]);
	free(vp->policies);
	vp->policies = NULL;
}
