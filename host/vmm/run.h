/* SPDX-License-Identifier: GPL-2.0-only */
/* hvcheck run: boot one guest on KVM and exit with its status. */
#ifndef VMM_RUN_H
#define VMM_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "vpmu/vpmu_kvm.h"

#define RUN_DEFAULT_SMP	    1
#define RUN_MAX_SMP	    64
#define RUN_DEFAULT_MEM_MIB 64
#define RUN_DEFAULT_TIMEOUT 30 /* seconds */
#define RUN_MAX_TIMEOUT	    86400
#define RUN_MAX_CMDLINE	    4096 /* bytes, with the terminating NUL */
#define RUN_MAX_PMU_FILTERS 16	 /* --pmu-filter policies */

enum run_pmu_mode {
	RUN_PMU_AUTO, /* kvm when KVM offers a vPMU, else emulated */
	RUN_PMU_KVM,
	RUN_PMU_EMULATED,
	RUN_PMU_OFF,
};

/* --pmu-version, --pmu-gp-counters, --pmu-fixed-counters not given. */
#define RUN_PMU_UNSET VPMU_KVM_AS_SUPPORTED

struct run_options {
	const char *guest;
	unsigned int smp;
	unsigned int mem_mib;
	unsigned int timeout_s; /* 0: wait for ever */
	const char *serial_path;
	bool quiet;
	bool timestamps;
	bool help;
	enum run_pmu_mode pmu;
	int pmu_version; /* or RUN_PMU_UNSET */
	int pmu_gp;
	int pmu_fixed;
	bool pmu_stats;
	/* --pmu-filter arguments as given: policy text or @FILE */
	const char *pmu_filters[RUN_MAX_PMU_FILTERS];
	unsigned int nr_pmu_filters;
	char cmdline[RUN_MAX_CMDLINE]; /* the words after "--", space-joined */
};

/*
 * Parses `run GUEST [options] [-- guest command line]` (argv[0] is
 * "run").  Returns 0, or -EINVAL with a one-line reason in err[errlen].
 */
int run_parse_args(int argc, char **argv, struct run_options *opts, char *err,
		   size_t errlen);

/* argv[0] is "run"; returns the process exit status. */
int run_main(int argc, char **argv);

#endif
