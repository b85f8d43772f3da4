/* SPDX-License-Identifier: GPL-2.0-only */
/* The emulated vPMU on KVM: MSR exits, single-stepping, cycles, PMIs. */
#ifndef VMM_X86_VPMU_EMULATED_VCPU_H
#define VMM_X86_VPMU_EMULATED_VCPU_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "vmm/x86/cpuid.h"
#include "vmm/vm.h"
#include "vpmu/filter_slots.h"
#include "vpmu/vpmu.h"
#include "vpmu/x86_insn.h"

struct vcpu;

/* The instruction the vCPU executes next, as decoded before a step. */
struct vcpu_pmu_next {
	bool valid;
	uint64_t rip;
	unsigned int cpl;
	enum x86_insn_kind kind;
	/*
	 * rip follows an MSR access the VMM completed: a step that stops
	 * at rip only finished that access, which is already counted.
	 */
	bool after_msr;
};

/* What one vCPU's emulated vPMU did, for --pmu-stats and the bench. */
struct vcpu_pmu_stats {
	uint64_t msr_exits;
	uint64_t steps;
	/* timed only: two clock reads a step are too dear otherwise */
	bool timed;
	uint64_t step_run_ns; /* in KVM_RUN while stepping: KVM's cost */
	/* from a step's exit to the next entry: decoding, counting, re-arming */
	uint64_t step_vmm_ns;
	uint64_t rdpmc_emulated;
	uint64_t pmis;
};

struct vcpu_pmu {
	struct vpmu model;
	const struct filter_slots *filters; /* NULL: no filter ever */
	uint64_t filter_seen; /* filters->installed at the last pick-up */
	const struct filter_x86_rules *rules; /* what the model obeys */
	const struct guest_mem *mem;
	struct vcpu *vcpu; /* whose registers a PEBS record samples */
	/* the PEBS assist's eventing instruction and the one after it */
	uint64_t pebs_ip, pebs_next_rip;
	uint64_t tsc_khz; /* the rate of the cycle model */
	bool stepping;	  /* instructions or branches count: step */
	/*
	 * Some counter enabled at the last entry: whether another vCPU's
	 * filter switch must kick this one (vcpu_pmu_counters_enabled()).
	 */
	bool counters_enabled;
	bool debug_armed; /* KVM_SET_GUEST_DEBUG single-step is on */
	/*
	 * The clock of the cycle model and of the steps' times: vm_now_ns(),
	 * or a test's, so that cycles follow time without a test sleeping.
	 */
	uint64_t (*clock_ns)(void);
	uint64_t run_ns;       /* clock_ns() at the last KVM_RUN entry */
	uint64_t step_exit_ns; /* timed: when the last stepped KVM_RUN ended */
	uint64_t cycle_frac;   /* sub-cycle remainder, in kHz x ns */
	struct vcpu_pmu_next next;
	bool have_timer;
	timer_t timer;	     /* kicks the vCPU when a cycle counter overflows */
	bool deadline_armed; /* timer set, or expired without a disarm */
	struct vcpu_pmu_stats stats;
};

/*
 * VM-wide set-up before any vCPU: every PMU MSR (the vpmu_msr_ranges
 * cfg turns on) exits to userspace through KVM_CAP_X86_USER_SPACE_MSR
 * and a KVM MSR filter.  Gives the guest's TSC rate, which is the cycle
 * model's.
 */
int vcpu_pmu_vm_setup(struct vm *vm, const struct vpmu_config *cfg,
		      uint64_t *tsc_khz);

/* The CPU vendor a guest of the emulated Intel vPMU sees. */
#define VCPU_PMU_GUEST_VENDOR	  "GenuineIntel"
/* The one an AMD model's guest sees on a host that is neither AMD's nor Hygon's. */
#define VCPU_PMU_GUEST_VENDOR_AMD "AuthenticAMD"

/*
 * The guest CPUID of a model: the vendor whose PMU it is (an Intel
 * model's VCPU_PMU_GUEST_VENDOR; an AMD model's the host's AMD or Hygon
 * one, else VCPU_PMU_GUEST_VENDOR_AMD), leaf 0xA (0 for AMD),
 * CPUID.1:ECX.PDCM, AMD's PerfCtrExtCore (0x80000001 ECX bit 23) and
 * leaf 0x80000022 (PerfMonV2; cleared for Intel), and the hvcheck vPMU
 * leaves (include/hvcheck_abi.h), which give the guest the cycle rate
 * too, and whether CPL3 code is stepped.  0, -EINVAL for a bad cfg or a
 * table without leaves 0 and 1 (and 0x80000000 for PerfMonV2), or
 * -ENOSPC.
 */
int vcpu_pmu_set_cpuid(struct cpuid *cpuid, const struct vpmu_config *cfg,
		       uint64_t tsc_khz, bool user_stepping);

/*
 * Whether this KVM single-steps 64-bit CPL3 code: a throw-away VM (no
 * irqchip, 16 KiB) steps two NOPs at CPL3, under 1 ms.  *works false
 * means the guest is told HV_VPMU_F_USER_UNSTEPPED.  0 or -errno.
 */
int vcpu_pmu_probe_user_stepping(struct vm *vm, bool *works);

/*
 * Per vCPU, after x86_vcpu_create(): the model in its reset state and the
 * synchronised registers the stepping needs, and vm_now_ns() as
 * clock_ns.  The caller sets stats.timed afterwards for the steps'
 * times (--pmu-stats).
 */
int vcpu_pmu_init(struct vcpu *vcpu, struct vcpu_pmu *pmu,
		  const struct vpmu_config *cfg, const struct guest_mem *mem,
		  uint64_t tsc_khz);

/*
 * Before the vCPU's first entry: its model obeys fs, starting with the
 * slot installed now.
 */
void vcpu_pmu_set_filters(struct vcpu_pmu *pmu, const struct filter_slots *fs);

/* Releases the overflow timer; the vCPU thread must have ended. */
void vcpu_pmu_destroy(struct vcpu_pmu *pmu);

/*
 * Whether the vCPU had a counter enabled at its last entry, for a
 * filter installer, after filter_slots_select(): the flag's store and
 * this load, the slot's store and the vCPU's load of it are all
 * sequentially consistent, so either this vCPU's next entry sees the
 * new filter, or the installer sees true here and must kick it.  (No
 * fences: GCC's ThreadSanitizer does not support them.)
 */
bool vcpu_pmu_counters_enabled(const struct vcpu_pmu *pmu);

/*
 * Before each KVM_RUN: a filter installed since the last entry, a
 * pending PMI, the overflow deadline.
 */
void vcpu_pmu_before_run(struct vcpu *vcpu);

/* After each KVM_RUN: the cycles of the time spent in the guest. */
void vcpu_pmu_after_run(struct vcpu *vcpu);

/*
 * KVM_EXIT_X86_RDMSR / KVM_EXIT_X86_WRMSR: false when the MSR is not
 * the model's (vpmu_owns_msr() of its configuration).
 */
bool vcpu_pmu_msr_exit(struct vcpu *vcpu, bool write);

/*
 * KVM_EXIT_DEBUG: while stepping, one instruction retired; false when
 * the model is not stepping, so the exit is not its.
 */
bool vcpu_pmu_debug_exit(struct vcpu *vcpu);

/* The --pmu-stats line of vCPU i. */
void vcpu_pmu_print_stats(const struct vcpu_pmu *pmu, unsigned int i,
			  FILE *out);

#endif /* VMM_X86_VPMU_EMULATED_VCPU_H */
