/* SPDX-License-Identifier: GPL-2.0-only */
/* The x86 machine's vPMU: a mode's back end behind one small ops table. */
#ifndef VMM_X86_VPMU_H
#define VMM_X86_VPMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/machine.h"
#include "vmm/x86/cpuid.h"
#include "vmm/x86/options.h"
#include "vpmu/filter_policy.h"
#include "vpmu/vpmu.h"

struct x86_vpmu;

/*
 * One vPMU mode on KVM (docs/vpmu.md): KVM's in-kernel vPMU, hvcheck's
 * emulated model, or no PMU.  Every hook but setup may be NULL.
 * Failures are said on stderr and returned as an exit status.
 */
struct vpmu_backend {
	/*
	 * VM-wide, before any vCPU: the guest CPUID, the filters, the vPMU
	 * line on stderr that the suite's results quote.
	 */
	int (*setup)(struct x86_vpmu *vp);
	/* A created vCPU, before it first runs: 0 or -errno (vm->failed). */
	int (*vcpu_init)(struct x86_vpmu *vp, struct vcpu *vcpu,
			 unsigned int i);
	/* On the vCPU's thread, around each KVM_RUN. */
	void (*before_run)(struct vcpu *vcpu);
	void (*after_run)(struct vcpu *vcpu);
	/* A RDMSR/WRMSR exit: false when the MSR is not the vPMU's. */
	bool (*msr_exit)(struct vcpu *vcpu, bool write);
	/* A KVM_EXIT_DEBUG: false when the vPMU did not ask for it. */
	bool (*debug_exit)(struct vcpu *vcpu);
	/*
	 * The host-control channel's FILTER_SELECT, on the asking vCPU's
	 * thread while the others run: slot below the number of policies,
	 * or HV_HOSTCTL_FILTER_NONE.  0 or -errno.  Called only when
	 * setup set can_select.
	 */
	int (*filter_select)(struct x86_vpmu *vp, uint32_t slot);
	/* --pmu-stats, after the run. */
	void (*print_stats)(const struct x86_vpmu *vp);
	/* Releases the back end's state; the vCPU threads have ended. */
	void (*destroy)(struct x86_vpmu *vp);
};

/* The vPMU of one x86 run, whatever its mode. */
struct x86_vpmu {
	const struct x86_options *opts;
	struct machine_core *core; /* the VM, RAM and vCPUs */
	struct cpuid *cpuid;	   /* the guest's, being built */
	enum vpmu_mode mode;	   /* opts->pmu resolved */
	enum vpmu_vendor vendor;   /* opts->pmu_vendor resolved */
	enum vpmu_vendor host;	   /* the vendor of KVM's vPMU */
	const struct vpmu_backend *backend;
	bool can_select;		/* the back end can switch filters */
	struct filter_policy *policies; /* one per --pmu-filter */
	void *state;			/* the back end's */
};

/*
 * Reads every --pmu-filter policy, before anything else of the run:
 * one that does not parse is a bad argument.  0 or an exit status.
 */
int x86_vpmu_load_filters(struct x86_vpmu *vp);

/*
 * Resolves the vendor (auto: the guest CPUID's, the host's) and the mode
 * (auto: kvm when KVM offers a vPMU of that vendor), refuses the options
 * the other vendor owns, and sets the back end up, the VM created and
 * vp's fields filled in.  0 or an exit status.
 */
int x86_vpmu_setup(struct x86_vpmu *vp);

/* The back end's per-vCPU set-up of vCPU i: 0 or -errno (vm->failed). */
int x86_vpmu_vcpu_init(struct x86_vpmu *vp, struct vcpu *vcpu, unsigned int i);

/* The hostctl callback when vp->can_select: opaque is the x86_vpmu. */
int x86_vpmu_filter_select(void *opaque, uint32_t slot);

/* The slot installed at start: 0, or none without --pmu-filter. */
uint32_t x86_vpmu_first_filter(const struct x86_vpmu *vp);

void x86_vpmu_print_stats(const struct x86_vpmu *vp);
void x86_vpmu_destroy(struct x86_vpmu *vp);

/* For the back ends. */

/*
 * Every policy judged as KVM would judge it for vendor: one KVM would
 * refuse is a bad argument, found before the guest starts rather than
 * when a test selects it.  0 or HV_EXIT_USAGE (said).
 */
int x86_vpmu_check_filters(const struct x86_vpmu *vp,
			   enum filter_vendor vendor);

/*
 * ", filter: deny 4 events, fixed bitmap 0x0" for the vPMU line: the
 * policy installed at start (and how many there are), or nothing.
 */
void x86_vpmu_filter_desc(const struct x86_vpmu *vp, char *buf, size_t len);

extern const struct vpmu_backend vpmu_kvm_backend;
/* --pmu=off where KVM has a vPMU: KVM's, disabled. */
extern const struct vpmu_backend vpmu_kvm_off_backend;
/* --pmu=emulated, and --pmu=off where KVM has no vPMU to disable. */
extern const struct vpmu_backend vpmu_emulated_backend;

#endif /* VMM_X86_VPMU_H */
