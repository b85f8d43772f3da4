/* SPDX-License-Identifier: GPL-2.0-only */
/* KVM's in-kernel PMUv3 for the arm64 machine: set-up, filter, restore. */
#ifndef VMM_ARM64_VPMU_KVM_H
#define VMM_ARM64_VPMU_KVM_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/arm64/board.h"
#include "vmm/arm64/options.h"
#include "vmm/vm.h"
#include "vpmu/filter_policy.h"

/* The PMU's overflow interrupt: PPI 7, INTID 23, as on QEMU virt. */
#define ARM64_VPMU_INTID   (BOARD_FIRST_PPI + BOARD_PMU_PPI)
/* KVM_ARM_VCPU_PMU_V3 in kvm_vcpu_init.features[0]. */
#define ARM64_VPMU_FEATURE 3
/* Where the VMM looks for the host PMU that KVM_ARM_VCPU_PMU_V3_SET_PMU takes. */
#define ARM64_VPMU_SYSFS   "/sys/bus/event_source/devices"

/*
 * What common event of the host PMU of perf type counts on the calling
 * thread over a short loop at EL0, or -errno.
 */
typedef long long (*arm64_vpmu_count_fn)(int type, unsigned int event);

/* A perf read() with TOTAL_TIME_ENABLED | TOTAL_TIME_RUNNING. */
struct arm64_vpmu_reading {
	uint64_t value;
	uint64_t time_enabled;
	uint64_t time_running;
};

/*
 * The count of a reading, or -EAGAIN when the event never ran on the
 * PMU (time_running 0): unknown, not "counted nothing".
 */
long long arm64_vpmu_reading(const struct arm64_vpmu_reading *r);

struct arm64_vpmu {
	bool on; /* the vCPUs get PMU_V3 */
	const struct arm64_options *opts;
	unsigned int nr_policies;
	struct filter_policy policies[ARM64_MAX_PMU_FILTERS];
	const char *sysfs; /* ARM64_VPMU_SYSFS; tests point it elsewhere */
	int host_pmu;	   /* the SET_PMU id given, or -1 */
	/* the CPUs the VMM may run on; NULL: sched_getaffinity(), tests give theirs */
	const cpu_set_t *cpus;
	/*
	 * the SET_PMU PMU's common events 0x00-0x3f (sysfs events/) less
	 * those that counted nothing when measured
	 */
	bool host_events_known;
	uint64_t host_events;
	arm64_vpmu_count_fn
		count;	 /* NULL: perf_event_open(); tests give theirs */
	uint32_t active; /* the installed policy, HV_HOSTCTL_FILTER_NONE */
};

/*
 * Decides the mode: --pmu=kvm needs KVM_CAP_ARM_PMU_V3, auto takes it
 * where there is one, off never does; parses and checks the
 * --pmu-filter policies (arm64 syntax) against KVM's rules.  0, or
 * -errno with one line in err[errlen]: -ENODEV when kvm was asked for
 * and KVM has no vPMU, -EINVAL for a policy KVM would refuse.
 */
int arm64_vpmu_probe(struct arm64_vpmu *p, struct vm *vm,
		     const struct arm64_options *opts, char *err,
		     size_t errlen);

/* Adds PMU_V3 to a vCPU's KVM_ARM_VCPU_INIT features when the PMU is on. */
void arm64_vpmu_features(const struct arm64_vpmu *p, uint32_t *features0);

/*
 * After KVM_ARM_VCPU_INIT, before the vGIC is initialised, per vCPU:
 * on the first, KVM_ARM_VCPU_PMU_V3_SET_PMU where KVM offers it (the
 * host PMU found under p->sysfs); on each, the --pmu-restore registers
 * (KVM_SET_ONE_REG); on the first, the first policy's ranges
 * (KVM_ARM_VCPU_PMU_V3_FILTER, VM-wide).  0 or -errno, err[errlen]
 * saying which step KVM refused.
 */
int arm64_vpmu_vcpu_config(struct arm64_vpmu *p, struct vm *vm, int vcpu_fd,
			   bool first, char *err, size_t errlen);

/*
 * After the in-kernel vGIC is initialised (or with the userspace GICv2,
 * which takes the line from kvm_run's device_irq_level), per vCPU:
 * KVM_ARM_VCPU_PMU_V3_IRQ = INTID 23 with an in-kernel vGIC, then
 * KVM_ARM_VCPU_PMU_V3_INIT.  0 or -errno with err[errlen].
 */
int arm64_vpmu_vcpu_init(struct arm64_vpmu *p, struct vm *vm, int vcpu_fd,
			 bool kernel_irqchip, char *err, size_t errlen);

/*
 * The host-control channel's FILTER_SELECT, on the asking vCPU's fd:
 * sets policy index's ranges (KVM refuses with -EBUSY once a vCPU has
 * run); HV_HOSTCTL_FILTER_NONE is -EOPNOTSUPP (KVM cannot remove a
 * filter).  0 or -errno.
 */
int arm64_vpmu_filter_select(struct arm64_vpmu *p, struct vm *vm, int vcpu_fd,
			     uint32_t index);

/*
 * The SET_PMU id of the first armv8_* / armv9_* PMU under dir whose
 * "cpus" names every CPU of cpus (on big.LITTLE one per cluster), its
 * name in name[namelen]; -ESRCH when there are such PMUs but none
 * covers cpus, -ENOENT when there are none, or -errno.
 */
int arm64_vpmu_host_pmu(const char *dir, const cpu_set_t *cpus, char *name,
			size_t namelen);

/*
 * The common events 0x00-0x3f PMU name under dir offers, bit n for
 * event n, from its events/ files ("event=0x08"), as the kernel lists
 * them from PMCEID0; -errno when the directory cannot be read.
 */
int arm64_vpmu_host_events(const char *dir, const char *name, uint64_t *events);

void arm64_vpmu_free(struct arm64_vpmu *p);

#endif /* VMM_ARM64_VPMU_KVM_H */
