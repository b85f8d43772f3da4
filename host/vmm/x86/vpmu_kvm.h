/* SPDX-License-Identifier: GPL-2.0-only */
/* KVM's in-kernel vPMU: the --pmu=kvm and --pmu=off set-up, its filter. */
#ifndef VMM_X86_VPMU_KVM_H
#define VMM_X86_VPMU_KVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/x86/cpuid.h"
#include "vmm/vm.h"
#include "vpmu/filter.h"

/* A limit that was not given: keep what KVM supports. */
#define VPMU_KVM_AS_SUPPORTED (-1)

/* --pmu-version, --pmu-gp-counters, --pmu-fixed-counters. */
struct vpmu_kvm_limits {
	int version;
	int nr_gp;
	int nr_fixed;
};

/*
 * KVM's supported CPUID enumerates a vPMU of the host's vendor: on Intel
 * an architectural PMU (0xA version != 0), on AMD PerfCtrExtCore
 * (0x80000001 ECX bit 23, which KVM clears when its vPMU is off).
 */
bool vpmu_kvm_available(const struct cpuid *supported);

/* --pmu-amd (or X86_PMU_UNSET) and --pmu-gp-counters on an AMD host. */
struct vpmu_kvm_amd_limits {
	int level;
	int nr_gp;
};

/*
 * --pmu=kvm on an AMD host: narrows cpuid, a copy of KVM's supported
 * CPUID, to lim: legacy clears PerfCtrExtCore and leaf 0x80000022, core
 * clears leaf 0x80000022 (its 6 counters cannot be narrowed), v2 sets
 * its EBX NumPerfCtrCore.  Unset, the level is the best KVM supports.
 * *level says the one chosen.  -EOPNOTSUPP when KVM offers no vPMU,
 * -EINVAL for a limit KVM cannot meet; err then says why in one line
 * and cpuid is unchanged.
 */
int vpmu_kvm_narrow_amd(struct cpuid *cpuid,
			const struct vpmu_kvm_amd_limits *lim, int *level,
			char *err, size_t errlen);

/*
 * --pmu=kvm: narrows leaf 0xA of cpuid, a copy of KVM's supported CPUID,
 * to lim.  A lower version also drops what that version lacks: the fixed
 * counters and their width (EDX 12:0) below 2, the fixed-counter bitmap
 * (ECX) below 5; version 0 is no PMU at all, leaf 0xA and
 * CPUID.1:ECX.PDCM cleared.  -EOPNOTSUPP when KVM offers no vPMU, -EINVAL
 * for a limit KVM cannot meet; err then says why in one line and cpuid
 * is unchanged.
 */
int vpmu_kvm_narrow_cpuid(struct cpuid *cpuid,
			  const struct vpmu_kvm_limits *lim, char *err,
			  size_t errlen);

/*
 * IA32_PERF_CAPABILITIES as KVM offers it, read as a feature MSR on
 * /dev/kvm; 0 when the guest's CPUID (as narrowed) has no PDCM or KVM
 * does not list the MSR.  0 or -errno, vm->failed naming the call.
 */
int vpmu_kvm_perf_capabilities(struct vm *vm, const struct cpuid *guest,
			       uint64_t *caps);

/*
 * --pmu-pebs under --pmu=kvm: unset keeps KVM's PEBS as KVM reports it
 * (CPUID.1 DS and DTES64, PERF_CAPABILITIES' PEBS fields); 0 (off)
 * clears them in cpuid and *caps and sets *always when the CPUID has
 * PDCM, so that *caps is written even when it became 0 (KVM's default
 * would keep the host's PEBS format); any other format is refused
 * (-EINVAL, err says why), as only KVM decides what its vPEBS is.
 */
int vpmu_kvm_pebs(struct cpuid *cpuid, uint64_t *caps, bool *always,
		  int pebs_format, char *err, size_t errlen);

/*
 * Per vCPU, after KVM_SET_CPUID2 (KVM checks the value against the PMU
 * that the vCPU's CPUID defines) and before its first KVM_RUN: sets
 * IA32_PERF_CAPABILITIES to caps; nothing when caps is 0 unless always
 * (vpmu_kvm_pebs()).  0 or -errno, vm->failed naming the call.
 */
int vpmu_kvm_set_perf_capabilities(struct vm *vm, int vcpu_fd, uint64_t caps,
				   bool always);

/*
 * --pmu=off on a KVM with a vPMU (vpmu_kvm_available()), before any vCPU
 * exists: turns KVM's vPMU off for this VM with KVM_CAP_PMU_CAPABILITY,
 * then clears leaf 0xA, CPUID.1:ECX.PDCM, PerfCtrExtCore and leaf
 * 0x80000022 in cpuid, a copy of KVM's supported CPUID.  -EOPNOTSUPP when KVM cannot turn it off; on any
 * failure err says why in one line and cpuid is unchanged.
 */
int vpmu_kvm_disable(struct vm *vm, struct cpuid *cpuid, char *err,
		     size_t errlen);

/*
 * Whose event select KVM's filter matches: the host CPU's vendor, from
 * leaf 0 of KVM's supported CPUID (AuthenticAMD and HygonGenuine: AMD).
 */
enum filter_vendor vpmu_kvm_vendor(const struct cpuid *supported);

/* What this KVM's PMU event filter can take, asked once at start-up. */
struct vpmu_kvm_filter_caps {
	bool filter; /* KVM_CAP_PMU_EVENT_FILTER: any filter at all */
	bool masked; /* KVM_CAP_PMU_EVENT_MASKED_EVENTS */
};

/*
 * KVM_CHECK_EXTENSION on the VM: KVM_CAP_PMU_EVENT_FILTER, then, when
 * KVM has it and want_masked, KVM_CAP_PMU_EVENT_MASKED_EVENTS (otherwise
 * caps->masked is false).  0, or the ioctl's -errno with err saying why.
 */
int vpmu_kvm_filter_caps(struct vm *vm, bool want_masked,
			 struct vpmu_kvm_filter_caps *caps, char *err,
			 size_t errlen);

/*
 * KVM_SET_PMU_EVENT_FILTER's argument for f, built once so that
 * installing it later is the ioctl alone; *kf is the caller's to free().
 * f NULL is no filter: KVM has no call that removes one, so it gets a
 * DENY filter of no events and fixed-counter bitmap 0, which denies
 * nothing.  -EOPNOTSUPP when caps say KVM cannot take f, -ENOMEM; err
 * then says why in one line.  Whether KVM accepts f's contents is
 * filter_x86_validate()'s question.
 */
int vpmu_kvm_filter_build(const struct vpmu_kvm_filter_caps *caps,
			  const struct filter_x86 *f,
			  struct kvm_pmu_event_filter **kf, char *err,
			  size_t errlen);

/*
 * KVM_SET_PMU_EVENT_FILTER of kf on the VM, which replaces the filter
 * for every vCPU.  0 or -errno with err saying why; safe while vCPUs
 * run.
 */
int vpmu_kvm_install_filter(struct vm *vm,
			    const struct kvm_pmu_event_filter *kf, char *err,
			    size_t errlen);

#endif /* VMM_X86_VPMU_KVM_H */
