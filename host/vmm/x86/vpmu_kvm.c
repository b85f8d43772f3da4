// SPDX-License-Identifier: GPL-2.0-only
/* KVM's in-kernel vPMU: the --pmu=kvm and --pmu=off set-up, its filter. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvcheck_abi.h"
#include "vmm/x86/vpmu.h"
#include "vmm/x86/vpmu_kvm.h"
#include "vpmu/amd.h"
#include "vpmu/vpmu.h"

/* CPUID.0AH fields (SDM vol. 2, CPUID). */
#define CPUID_0A_EAX_VERSION	 0x000000ffu
#define CPUID_0A_EAX_NR_GP	 0x0000ff00u
#define CPUID_0A_EAX_NR_GP_SHIFT 8
#define CPUID_0A_EDX_NR_FIXED	 0x0000001fu
#define CPUID_0A_EDX_FIXED	 0x00001fffu /* the count and the width */

/* Linux 6.3; Debian 12's headers are 6.1. */
#ifndef KVM_CAP_PMU_EVENT_MASKED_EVENTS
#define KVM_CAP_PMU_EVENT_MASKED_EVENTS 226
#endif

/* The first versions with fixed counters and with the ECX bitmap. */
#define PMU_VERSION_FIXED     2
#define PMU_VERSION_FIXED_MAP 5

/* KVM_GET_MSRS / KVM_SET_MSRS of one MSR. */
struct vpmu_kvm_msr {
	struct kvm_msrs head;
	struct kvm_msr_entry entry;
};

_Static_assert(offsetof(struct vpmu_kvm_msr, entry) ==
		       offsetof(struct kvm_msrs, entries),
	       "the entry must be where KVM reads entries[0]");

static int vpmu_kvm_error(char *err, size_t errlen, int ret, const char *fmt,
			  ...) __attribute__((format(printf, 4, 5)));

static int vpmu_kvm_error(char *err, size_t errlen, int ret, const char *fmt,
			  ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

/* Whether the table has AMD's PerfCtrExtCore. */
static bool vpmu_kvm_amd_core(const struct cpuid *cpuid)
{
	const struct kvm_cpuid_entry2 *e = cpuid_find(cpuid, 0x80000001, 0);

	return e && (e->ecx & VPMU_AMD_CPUID_EXT_ECX_PERFCTR_CORE);
}

bool vpmu_kvm_available(const struct cpuid *supported)
{
	const struct kvm_cpuid_entry2 *e = cpuid_find(supported, 0xa, 0);

	if (vpmu_kvm_vendor(supported) == FILTER_VENDOR_AMD)
		return vpmu_kvm_amd_core(supported);
	return e && (e->eax & CPUID_0A_EAX_VERSION);
}

/* Leaf function all zero, when the table has it. */
static void vpmu_kvm_zero_leaf(struct cpuid *cpuid, uint32_t function)
{
	struct kvm_cpuid_entry2 *e = cpuid_find(cpuid, function, 0);

	if (e)
		e->eax = e->ebx = e->ecx = e->edx = 0;
}

/* AMD's PMU CPUID above legacy: PerfCtrExtCore, and leaf 0x80000022. */
static void vpmu_kvm_clear_amd(struct cpuid *cpuid, bool core)
{
	struct kvm_cpuid_entry2 *e = cpuid_find(cpuid, 0x80000001, 0);

	if (e && core)
		e->ecx &= ~VPMU_AMD_CPUID_EXT_ECX_PERFCTR_CORE;
	vpmu_kvm_zero_leaf(cpuid, VPMU_AMD_CPUID_PERFMON_LEAF);
}

/*
 * No PMU for the guest: leaf 0xA all zero, as every field of it depends
 * on the version, and no IA32_PERF_CAPABILITIES, which KVM refuses to
 * set to anything but 0 for a vCPU with no PMU; on AMD no PerfCtrExtCore
 * and no PerfMonV2.
 */
static void vpmu_kvm_clear_cpuid(struct cpuid *cpuid)
{
	struct kvm_cpuid_entry2 *e;

	vpmu_kvm_zero_leaf(cpuid, 0xa);
	e = cpuid_find(cpuid, 1, 0);
	if (e)
		e->ecx &= ~VPMU_CPUID_1_ECX_PDCM;
	vpmu_kvm_clear_amd(cpuid, true);
}

/*
 * One --pmu-* limit against what KVM supports.  Asking for something that
 * only exists from min_version on is an error at a lower version.
 */
static int vpmu_kvm_limit(const char *opt, int want, unsigned int supported,
			  unsigned int version, unsigned int min_version,
			  unsigned int *out, char *err, size_t errlen)
{
	if (want == VPMU_KVM_AS_SUPPORTED) {
		*out = supported;
		return 0;
	}
	if (want < 0)
		return vpmu_kvm_error(err, errlen, -EINVAL,
				      "%s %d: not a count", opt, want);
	if ((unsigned int)want > supported)
		return vpmu_kvm_error(err, errlen, -EINVAL,
				      "%s %d: KVM supports %u", opt, want,
				      supported);
	if (want && version < min_version)
		return vpmu_kvm_error(err, errlen, -EINVAL,
				      "%s %d: PMU version %u has none", opt,
				      want, version);
	*out = want;
	return 0;
}

int vpmu_kvm_narrow_cpuid(struct cpuid *cpuid,
			  const struct vpmu_kvm_limits *lim, char *err,
			  size_t errlen)
{
	struct kvm_cpuid_entry2 *e = cpuid_find(cpuid, 0xa, 0);
	unsigned int version, nr_gp, nr_fixed;
	int ret;

	if (!vpmu_kvm_available(cpuid))
		return vpmu_kvm_error(
			err, errlen, -EOPNOTSUPP,
			"--pmu=kvm: KVM offers no vPMU (its CPUID leaf 0xA is version 0)");
	ret = vpmu_kvm_limit("--pmu-version", lim->version,
			     e->eax & CPUID_0A_EAX_VERSION, 0, 0, &version, err,
			     errlen);
	if (!ret)
		ret = vpmu_kvm_limit("--pmu-gp-counters", lim->nr_gp,
				     (e->eax & CPUID_0A_EAX_NR_GP) >>
					     CPUID_0A_EAX_NR_GP_SHIFT,
				     version, 1, &nr_gp, err, errlen);
	if (!ret)
		ret = vpmu_kvm_limit("--pmu-fixed-counters", lim->nr_fixed,
				     e->edx & CPUID_0A_EDX_NR_FIXED, version,
				     PMU_VERSION_FIXED, &nr_fixed, err, errlen);
	if (ret)
		return ret;

	if (!version) {
		vpmu_kvm_clear_cpuid(cpuid);
		return 0;
	}
	e->eax = (e->eax & ~(CPUID_0A_EAX_VERSION | CPUID_0A_EAX_NR_GP)) |
		 nr_gp << CPUID_0A_EAX_NR_GP_SHIFT | version;
	/*
	 * EDX's fixed counters and their width are defined from version 2;
	 * the AnyThread deprecation bit stays, as KVM sets it at any version.
	 */
	if (version < PMU_VERSION_FIXED)
		e->edx &= ~CPUID_0A_EDX_FIXED;
	else
		e->edx = (e->edx & ~CPUID_0A_EDX_NR_FIXED) | nr_fixed;
	/*
	 * Version 5 enumerates fixed counter i when ECX bit i is set, even
	 * past EDX's count: keep only those below the limit.
	 */
	if (version < PMU_VERSION_FIXED_MAP)
		e->ecx = 0;
	else if (lim->nr_fixed != VPMU_KVM_AS_SUPPORTED)
		e->ecx &= (1u << nr_fixed) - 1;
	return 0;
}

/* The best AMD level the supported CPUID offers, and its counters. */
static int vpmu_kvm_amd_supported(const struct cpuid *cpuid,
				  unsigned int *nr_gp)
{
	const struct kvm_cpuid_entry2 *e =
		cpuid_find(cpuid, VPMU_AMD_CPUID_PERFMON_LEAF, 0);

	*nr_gp = VPMU_AMD_MAX_GP;
	if (e && (e->eax & VPMU_AMD_CPUID_22_EAX_PERFMON_V2)) {
		*nr_gp = e->ebx & VPMU_AMD_CPUID_22_EBX_NR_CORE;
		return VPMU_AMD_V2;
	}
	return VPMU_AMD_CORE;
}

int vpmu_kvm_narrow_amd(struct cpuid *cpuid,
			const struct vpmu_kvm_amd_limits *lim, int *level,
			char *err, size_t errlen)
{
	struct kvm_cpuid_entry2 *e;
	unsigned int nr_gp;
	int best;

	if (!vpmu_kvm_amd_core(cpuid))
		return vpmu_kvm_error(
			err, errlen, -EOPNOTSUPP,
			"--pmu=kvm: KVM offers no vPMU (no PerfCtrExtCore in its CPUID)");
	best = vpmu_kvm_amd_supported(cpuid, &nr_gp);
	*level = lim->level == X86_PMU_UNSET ? best : lim->level;
	if (*level > best)
		return vpmu_kvm_error(err, errlen, -EINVAL,
				      "--pmu-amd %s: KVM supports %s",
				      vpmu_amd_level_names[*level],
				      vpmu_amd_level_names[best]);
	if (lim->nr_gp != X86_PMU_UNSET && *level != VPMU_AMD_V2)
		return vpmu_kvm_error(
			err, errlen, -EINVAL,
			"--pmu-gp-counters: only PerfMonV2 (--pmu-amd v2) narrows KVM's AMD counters");
	if (lim->nr_gp != X86_PMU_UNSET &&
	    (lim->nr_gp < 1 || (unsigned int)lim->nr_gp > nr_gp))
		return vpmu_kvm_error(
			err, errlen, -EINVAL,
			"--pmu-gp-counters %d: KVM supports 1 to %u",
			lim->nr_gp, nr_gp);
	vpmu_kvm_zero_leaf(cpuid, 0xa);
	if (*level != VPMU_AMD_V2) {
		vpmu_kvm_clear_amd(cpuid, *level == VPMU_AMD_LEGACY);
		return 0;
	}
	e = cpuid_find(cpuid, VPMU_AMD_CPUID_PERFMON_LEAF, 0);
	if (lim->nr_gp != X86_PMU_UNSET)
		e->ebx = (e->ebx & ~VPMU_AMD_CPUID_22_EBX_NR_CORE) |
			 (uint32_t)lim->nr_gp;
	return 0;
}

/* IA32_PERF_CAPABILITIES through KVM_GET_MSRS or KVM_SET_MSRS on fd. */
static int vpmu_kvm_perf_caps_msr(struct vm *vm, int fd, unsigned long request,
				  uint64_t *data, const char *what)
{
	struct vpmu_kvm_msr msr = {
		.head.nmsrs = 1,
		.entry = { .index = VPMU_MSR_PERF_CAPABILITIES, .data = *data },
	};
	int ret = vm_ioctl(vm, fd, request, &msr, what);

	if (ret < 0)
		return ret;
	/* They return how many MSRs they did: 0 when KVM refused it. */
	if (ret != 1) {
		vm->failed = what;
		return -EINVAL;
	}
	*data = msr.entry.data;
	return 0;
}

int vpmu_kvm_perf_capabilities(struct vm *vm, const struct cpuid *guest,
			       uint64_t *caps)
{
	const struct kvm_cpuid_entry2 *leaf1 = cpuid_find(guest, 1, 0);
	struct kvm_msr_list probe = { .nmsrs = 0 }, *list;
	bool listed = false;
	int ret;

	*caps = 0;
	if (!leaf1 || !(leaf1->ecx & VPMU_CPUID_1_ECX_PDCM))
		return 0;
	ret = vm_ioctl(vm, vm->kvm_fd, KVM_CHECK_EXTENSION,
		       (void *)(long)KVM_CAP_GET_MSR_FEATURES,
		       "KVM_CHECK_EXTENSION(KVM_CAP_GET_MSR_FEATURES)");
	if (ret <= 0)
		return ret;
	/* Asked for none, KVM says how many it has and fails with E2BIG. */
	ret = vm_ioctl(vm, vm->kvm_fd, KVM_GET_MSR_FEATURE_INDEX_LIST, &probe,
		       "KVM_GET_MSR_FEATURE_INDEX_LIST");
	if (ret != -E2BIG)
		return ret; /* 0: KVM has no feature MSRs at all */
	list = calloc(1,
		      sizeof(*list) + probe.nmsrs * sizeof(list->indices[0]));
	if (!list)
		return -ENOMEM;
	list->nmsrs = probe.nmsrs;
	ret = vm_ioctl(vm, vm->kvm_fd, KVM_GET_MSR_FEATURE_INDEX_LIST, list,
		       "KVM_GET_MSR_FEATURE_INDEX_LIST");
	if (ret < 0)
		goto out;
	for (uint32_t i = 0; i < list->nmsrs && i < probe.nmsrs; i++)
		listed |= list->indices[i] == VPMU_MSR_PERF_CAPABILITIES;
	if (listed)
		ret = vpmu_kvm_perf_caps_msr(
			vm, vm->kvm_fd, KVM_GET_MSRS, caps,
			"KVM_GET_MSRS(IA32_PERF_CAPABILITIES) on /dev/kvm");
out:
	free(list);
	return ret;
}

#define PERF_CAP_PEBS_MASK                                       \
	(VPMU_PERF_CAP_PEBS_TRAP | VPMU_PERF_CAP_PEBS_ARCH_REG | \
	 VPMU_PERF_CAP_PEBS_FMT(0xf) | VPMU_PERF_CAP_PEBS_BASELINE)

int vpmu_kvm_pebs(struct cpuid *cpuid, uint64_t *caps, bool *always,
		  int pebs_format, char *err, size_t errlen)
{
	struct kvm_cpuid_entry2 *leaf1 = cpuid_find(cpuid, 1, 0);
	const struct vpmu_config off = { 0 };

	if (pebs_format == X86_PMU_UNSET)
		return 0;
	if (pebs_format)
		return vpmu_kvm_error(
			err, errlen, -EINVAL,
			"--pmu-pebs: under --pmu=kvm only off: KVM's vPEBS is what KVM offers");
	if (leaf1)
		vpmu_pebs_cpuid_1(&off, &leaf1->ecx, &leaf1->edx);
	*caps &= ~PERF_CAP_PEBS_MASK;
	*always = leaf1 && (leaf1->ecx & VPMU_CPUID_1_ECX_PDCM);
	return 0;
}

int vpmu_kvm_set_perf_capabilities(struct vm *vm, int vcpu_fd, uint64_t caps,
				   bool always)
{
	if (!caps && !always)
		return 0;
	return vpmu_kvm_perf_caps_msr(vm, vcpu_fd, KVM_SET_MSRS, &caps,
				      "KVM_SET_MSRS(IA32_PERF_CAPABILITIES)");
}

int vpmu_kvm_disable(struct vm *vm, struct cpuid *cpuid, char *err,
		     size_t errlen)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_PMU_CAPABILITY,
		.args[0] = KVM_PMU_CAP_DISABLE,
	};
	int ret;

	ret = vm_check_cap(vm, KVM_CAP_PMU_CAPABILITY,
			   "KVM_CHECK_EXTENSION(KVM_CAP_PMU_CAPABILITY)");
	if (ret < 0)
		goto err_ioctl;
	/* KVM offers the capability only while its vPMU is enabled */
	if (!(ret & KVM_PMU_CAP_DISABLE))
		return vpmu_kvm_error(
			err, errlen, -EOPNOTSUPP,
			"--pmu=off: KVM has a vPMU but no KVM_CAP_PMU_CAPABILITY to turn it off");
	ret = vm_ioctl(vm, vm->vm_fd, KVM_ENABLE_CAP, &cap,
		       "KVM_ENABLE_CAP(KVM_CAP_PMU_CAPABILITY)");
	if (ret < 0)
		goto err_ioctl;
	vpmu_kvm_clear_cpuid(cpuid);
	return 0;

err_ioctl:
	return vpmu_kvm_error(err, errlen, ret, "%s: %s", vm->failed,
			      strerror(-ret));
}

enum filter_vendor vpmu_kvm_vendor(const struct cpuid *supported)
{
	return cpuid_vendor_is_amd(supported) ? FILTER_VENDOR_AMD :
						FILTER_VENDOR_INTEL;
}

/* One capability of the VM: *has says whether KVM offers it. */
static int vpmu_kvm_cap(struct vm *vm, long cap, const char *what, bool *has,
			char *err, size_t errlen)
{
	int ret = vm_check_cap(vm, cap, what);

	if (ret < 0)
		return vpmu_kvm_error(err, errlen, ret, "%s: %s", what,
				      strerror(-ret));
	*has = ret > 0;
	return 0;
}

int vpmu_kvm_filter_caps(struct vm *vm, bool want_masked,
			 struct vpmu_kvm_filter_caps *caps, char *err,
			 size_t errlen)
{
	int ret;

	memset(caps, 0, sizeof(*caps));
	ret = vpmu_kvm_cap(vm, KVM_CAP_PMU_EVENT_FILTER,
			   "KVM_CHECK_EXTENSION(KVM_CAP_PMU_EVENT_FILTER)",
			   &caps->filter, err, errlen);
	if (ret || !caps->filter || !want_masked)
		return ret;
	return vpmu_kvm_cap(
		vm, KVM_CAP_PMU_EVENT_MASKED_EVENTS,
		"KVM_CHECK_EXTENSION(KVM_CAP_PMU_EVENT_MASKED_EVENTS)",
		&caps->masked, err, errlen);
}

int vpmu_kvm_filter_build(const struct vpmu_kvm_filter_caps *caps,
			  const struct filter_x86 *f,
			  struct kvm_pmu_event_filter **out, char *err,
			  size_t errlen)
{
	uint32_t nevents = f ? f->nevents : 0;
	struct kvm_pmu_event_filter *kf;

	*out = NULL;
	if (!caps->filter)
		return vpmu_kvm_error(
			err, errlen, -EOPNOTSUPP,
			"this KVM has no PMU event filter (no KVM_CAP_PMU_EVENT_FILTER)");
	if (f && (f->flags & FILTER_FLAG_MASKED_EVENTS) && !caps->masked)
		return vpmu_kvm_error(
			err, errlen, -EOPNOTSUPP,
			"this KVM does not take masked events (no KVM_CAP_PMU_EVENT_MASKED_EVENTS)");
	kf = calloc(1, sizeof(*kf) + (size_t)nevents * sizeof(kf->events[0]));
	if (!kf)
		return vpmu_kvm_error(err, errlen, -ENOMEM, "%s",
				      strerror(ENOMEM));
	if (f) {
		kf->action = f->action;
		kf->nevents = nevents;
		kf->fixed_counter_bitmap = f->fixed_bitmap;
		kf->flags = f->flags;
		if (nevents)
			memcpy(kf->events, f->events,
			       nevents * sizeof(kf->events[0]));
	} else {
		kf->action = KVM_PMU_EVENT_DENY;
	}
	*out = kf;
	return 0;
}

int vpmu_kvm_install_filter(struct vm *vm,
			    const struct kvm_pmu_event_filter *kf, char *err,
			    size_t errlen)
{
	/* KVM only reads it: its copy_from_user() takes a const source. */
	int ret = vm_ioctl(vm, vm->vm_fd, KVM_SET_PMU_EVENT_FILTER, (void *)kf,
			   "KVM_SET_PMU_EVENT_FILTER");

	if (ret < 0)
		return vpmu_kvm_error(err, errlen, ret,
				      "KVM_SET_PMU_EVENT_FILTER: %s",
				      strerror(-ret));
	return 0;
}

/* The kvm back end's state: what every vCPU and filter switch needs. */
struct vpmu_kvm_state {
	uint64_t perf_caps;    /* IA32_PERF_CAPABILITIES for every vCPU */
	bool perf_caps_always; /* written even when 0 (--pmu-pebs=off) */
	/* each policy's KVM_SET_PMU_EVENT_FILTER argument */
	struct kvm_pmu_event_filter **filters;
	struct kvm_pmu_event_filter *no_filter; /* for slot none */
};

/* Whether any policy has masked events, which KVM must support. */
static bool vpmu_kvm_wants_masked(const struct x86_vpmu *vp)
{
	for (unsigned int i = 0; i < vp->opts->nr_pmu_filters; i++)
		if (!vp->policies[i].none &&
		    (vp->policies[i].x86.flags & FILTER_FLAG_MASKED_EVENTS))
			return true;
	return false;
}

/*
 * Each policy's KVM_SET_PMU_EVENT_FILTER argument, the first installed:
 * 0 or -errno and why, with *bad the policy this KVM cannot take.
 */
static int vpmu_kvm_build_filters(struct x86_vpmu *vp,
				  const struct vpmu_kvm_filter_caps *caps,
				  int *bad, char *err, size_t errlen)
{
	struct vpmu_kvm_state *st = vp->state;
	unsigned int nr = vp->opts->nr_pmu_filters;
	int ret;

	*bad = -1;
	ret = vpmu_kvm_filter_build(caps, NULL, &st->no_filter, err, errlen);
	if (ret || !nr)
		return ret;
	st->filters = calloc(nr, sizeof(*st->filters));
	if (!st->filters)
		return vpmu_kvm_error(err, errlen, -ENOMEM, "out of memory");
	for (unsigned int i = 0; i < nr; i++) {
		const struct filter_policy *p = &vp->policies[i];

		ret = vpmu_kvm_filter_build(caps, p->none ? NULL : &p->x86,
					    &st->filters[i], err, errlen);
		if (ret == -EOPNOTSUPP)
			*bad = i;
		if (ret)
			return ret;
	}
	return vpmu_kvm_install_filter(&vp->core->vm, st->filters[0], err,
				       errlen);
}

/*
 * Whether this KVM takes filters at all (without --pmu-filter, that
 * only decides whether the guest may select "no filter"), each policy's
 * argument built once, so that a FILTER_SELECT, made while the other
 * vCPUs' I/O waits, is the ioctl alone, and the first one installed.
 */
static int vpmu_kvm_filters(struct x86_vpmu *vp)
{
	struct vpmu_kvm_filter_caps caps;
	char err[MACHINE_ERR_SIZE];
	int ret, bad = -1;

	ret = vpmu_kvm_filter_caps(&vp->core->vm, vpmu_kvm_wants_masked(vp),
				   &caps, err, sizeof(err));
	vp->can_select = !ret && caps.filter;
	if (!ret && !caps.filter && !vp->opts->nr_pmu_filters)
		return 0;
	if (!ret)
		ret = vpmu_kvm_build_filters(vp, &caps, &bad, err, sizeof(err));
	if (bad >= 0)
		return machine_fail(HV_EXIT_USAGE, "run: --pmu-filter %d: %s",
				    bad, err);
	if (ret)
		return machine_fail(ret == -EOPNOTSUPP ? HV_EXIT_USAGE :
							 HV_EXIT_VMM_ERROR,
				    "--pmu=kvm: %s", err);
	return 0;
}

/* The vPMU line's description of an AMD host's vPMU as narrowed. */
static void vpmu_kvm_amd_desc(const struct cpuid *cpuid, int level, char *buf,
			      size_t len)
{
	unsigned int nr_gp = level == VPMU_AMD_LEGACY ? VPMU_AMD_LEGACY_GP :
							VPMU_AMD_MAX_GP;

	if (level == VPMU_AMD_V2)
		vpmu_kvm_amd_supported(cpuid, &nr_gp);
	snprintf(buf, len, "AMD %s, %u counters", vpmu_amd_level_names[level],
		 nr_gp);
}

/* Leaf 0xA (Intel) or the AMD leaves narrowed, and the vPMU line's words. */
static int vpmu_kvm_narrow(struct x86_vpmu *vp, char *desc, size_t len)
{
	const struct x86_options *o = vp->opts;
	const struct vpmu_kvm_limits lim = {
		.version = o->pmu_version,
		.nr_gp = o->pmu_gp,
		.nr_fixed = o->pmu_fixed,
	};
	const struct vpmu_kvm_amd_limits amd = {
		.level = o->pmu_amd,
		.nr_gp = o->pmu_gp,
	};
	const struct kvm_cpuid_entry2 *leaf;
	char err[MACHINE_ERR_SIZE];
	int level;

	if (vp->host == VPMU_VENDOR_AMD) {
		if (vpmu_kvm_narrow_amd(vp->cpuid, &amd, &level, err,
					sizeof(err)))
			return machine_fail(HV_EXIT_USAGE, "run: %s", err);
		vpmu_kvm_amd_desc(vp->cpuid, level, desc, len);
		return 0;
	}
	if (vpmu_kvm_narrow_cpuid(vp->cpuid, &lim, err, sizeof(err)))
		return machine_fail(HV_EXIT_USAGE, "run: %s", err);
	leaf = cpuid_find(vp->cpuid, 0xa, 0);
	snprintf(desc, len, "version %u, %u GP and %u fixed counters",
		 leaf ? leaf->eax & 0xff : 0,
		 leaf ? (leaf->eax >> 8) & 0xff : 0,
		 leaf ? leaf->edx & 0x1f : 0);
	return 0;
}

/* KVM's in-kernel vPMU, as KVM supports it or narrowed. */
static int vpmu_kvm_setup(struct x86_vpmu *vp)
{
	const struct x86_options *o = vp->opts;
	char err[MACHINE_ERR_SIZE], desc[MACHINE_ERR_SIZE];
	struct vpmu_kvm_state *st;
	int ret;

	ret = x86_vpmu_check_filters(vp, vpmu_kvm_vendor(vp->cpuid));
	if (!ret)
		ret = vpmu_kvm_narrow(vp, desc, sizeof(desc));
	if (ret)
		return ret;
	st = vp->state = calloc(1, sizeof(*st));
	if (!st)
		return machine_fail(HV_EXIT_VMM_ERROR, "out of memory");
	ret = vpmu_kvm_perf_capabilities(&vp->core->vm, vp->cpuid,
					 &st->perf_caps);
	if (ret)
		return machine_fail(HV_EXIT_VMM_ERROR, "--pmu=kvm: %s: %s",
				    vp->core->vm.failed, strerror(-ret));
	if (vpmu_kvm_pebs(vp->cpuid, &st->perf_caps, &st->perf_caps_always,
			  o->pmu_pebs_format, err, sizeof(err)))
		return machine_fail(HV_EXIT_USAGE, "run: %s", err);
	ret = vpmu_kvm_filters(vp);
	if (ret)
		return ret;
	x86_vpmu_filter_desc(vp, err, sizeof(err));
	fprintf(stderr, "hvcheck: vpmu: kvm, %s%s\n", desc, err);
	return 0;
}

static int vpmu_kvm_vcpu_init(struct x86_vpmu *vp, struct vcpu *vcpu,
			      unsigned int i)
{
	const struct vpmu_kvm_state *st = vp->state;

	(void)i;
	return vpmu_kvm_set_perf_capabilities(
		&vp->core->vm, vcpu->fd, st->perf_caps, st->perf_caps_always);
}

static int vpmu_kvm_filter_select(struct x86_vpmu *vp, uint32_t slot)
{
	const struct vpmu_kvm_state *st = vp->state;
	char err[MACHINE_ERR_SIZE];

	return vpmu_kvm_install_filter(&vp->core->vm,
				       slot == HV_HOSTCTL_FILTER_NONE ?
					       st->no_filter :
					       st->filters[slot],
				       err, sizeof(err));
}

static void vpmu_kvm_destroy(struct x86_vpmu *vp)
{
	struct vpmu_kvm_state *st = vp->state;

	if (!st)
		return;
	for (unsigned int i = 0; st->filters && i < vp->opts->nr_pmu_filters;
	     i++)
		free(st->filters[i]);
	free(st->filters);
	free(st->no_filter);
	free(st);
	vp->state = NULL;
}

const struct vpmu_backend vpmu_kvm_backend = {
	.setup = vpmu_kvm_setup,
	.vcpu_init = vpmu_kvm_vcpu_init,
	.filter_select = vpmu_kvm_filter_select,
	.destroy = vpmu_kvm_destroy,
};

/* --pmu=off where KVM has a vPMU: KVM_CAP_PMU_CAPABILITY disables it. */
static int vpmu_kvm_off_setup(struct x86_vpmu *vp)
{
	char err[MACHINE_ERR_SIZE];

	if (vpmu_kvm_disable(&vp->core->vm, vp->cpuid, err, sizeof(err)))
		return machine_fail(HV_EXIT_VMM_ERROR, "--pmu=off: %s", err);
	fprintf(stderr, "hvcheck: vpmu: off, KVM's disabled\n");
	return 0;
}

const struct vpmu_backend vpmu_kvm_off_backend = {
	.setup = vpmu_kvm_off_setup,
};
