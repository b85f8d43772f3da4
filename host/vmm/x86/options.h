/* SPDX-License-Identifier: GPL-2.0-only */
/* The x86_64 machine's own `hvcheck run` options: its vPMU's. */
#ifndef VMM_X86_OPTIONS_H
#define VMM_X86_OPTIONS_H

#include <stdbool.h>

#include "vmm/machine.h"

#define X86_MAX_PMU_FILTERS 16 /* --pmu-filter policies */

enum vpmu_mode {
	VPMU_MODE_AUTO, /* kvm when KVM offers a vPMU, else emulated */
	VPMU_MODE_KVM,
	VPMU_MODE_EMULATED,
	VPMU_MODE_OFF,
};

/* --pmu-vendor: whose PMU the guest gets. */
enum x86_pmu_vendor {
	X86_PMU_VENDOR_AUTO, /* the guest CPUID's vendor: the host's */
	X86_PMU_VENDOR_INTEL,
	X86_PMU_VENDOR_AMD,
};

/*
 * --pmu-version, --pmu-gp-counters, --pmu-fixed-counters not given: the
 * kvm back end hands them to KVM as VPMU_KVM_AS_SUPPORTED.
 */
#define X86_PMU_UNSET (-1)

struct x86_options {
	enum vpmu_mode pmu;
	enum x86_pmu_vendor pmu_vendor;
	int pmu_amd;	 /* --pmu-amd: enum vpmu_amd_level, or X86_PMU_UNSET */
	int pmu_version; /* or X86_PMU_UNSET */
	int pmu_gp;
	int pmu_fixed;
	bool pmu_stats;
	int pmu_pebs_format; /* --pmu-pebs: 0 off, 3..5, or X86_PMU_UNSET */
	bool pmu_pebs_baseline;
	/* --pmu-filter arguments as given: policy text or @FILE */
	const char *pmu_filters[X86_MAX_PMU_FILTERS];
	unsigned int nr_pmu_filters;
};

_Static_assert(sizeof(struct x86_options) <= MACHINE_OPTIONS_MAX,
	       "struct x86_options fits struct run_cmd");

#endif /* VMM_X86_OPTIONS_H */
