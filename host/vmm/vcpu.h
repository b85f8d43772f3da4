/* SPDX-License-Identifier: GPL-2.0-only */
/* A KVM vCPU of either machine: fd, kvm_run, its thread, kicks, run loop. */
#ifndef VMM_VCPU_H
#define VMM_VCPU_H

#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vmm/bus.h"
#include "vmm/vm.h"

/*
 * Interrupts KVM_RUN: when the run is over (see vcpu_stop()), and on
 * x86 at a PMU filter switch and at the emulated vPMU's overflow
 * deadline.
 */
#define VCPU_KICK_SIGNAL SIGUSR1

struct vcpu;
struct vpmu_backend;

/* What the vCPU's architecture (and its machine) adds to the core. */
struct vcpu_arch_ops {
	/*
	 * On the vCPU's thread around every KVM_RUN, exit or -EINTR alike;
	 * either may be NULL.
	 */
	void (*before_run)(struct vcpu *vcpu);
	void (*after_run)(struct vcpu *vcpu);
	/* Every exit KVM_RUN returned with: to the bus, or vm_stop(). */
	void (*handle_exit)(struct vcpu *vcpu);
	/* Reads the registers and prints them; returns 0 or -errno. */
	int (*dump_regs)(struct vcpu *vcpu, FILE *out);
};

struct vcpu {
	struct vm *vm;
	struct bus *bus;
	int id; /* x86: also its APIC ID */
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	bool started;	   /* written under vm->lock, which vcpu_kick() takes */
	uint64_t entry_ns; /* vm_now_ns() just before the first KVM_RUN */
	const struct vcpu_arch_ops *ops;
	void *machine; /* the machine's, for ops it set */
	/* The machine's vPMU back end with per-vCPU hooks, or NULL */
	const struct vpmu_backend *pmu_backend;
	void *pmu; /* the back end's state for this vCPU */
};

/*
 * KVM_CREATE_VCPU and its kvm_run mapping, for the architecture's
 * create to go on from.  Returns 0 or -errno (vm->failed names the
 * call), leaving nothing behind on failure.
 */
int vcpu_open(struct vcpu *vcpu, struct vm *vm, struct bus *bus, int id,
	      const struct vcpu_arch_ops *ops);

/* Unmaps and closes; the vCPU's thread must have been joined. */
void vcpu_destroy(struct vcpu *vcpu);

/*
 * Runs the vCPU until the VM stops: every exit goes to ops->handle_exit,
 * a failed KVM_RUN ends the run through vm_stop().
 */
void vcpu_run_loop(struct vcpu *vcpu);

/* vcpu_run_loop() on a new thread. */
int vcpu_start(struct vcpu *vcpu);

/*
 * Makes a started vCPU leave KVM_RUN for good (the VM must be stopping)
 * and waits for its thread.
 */
void vcpu_stop(struct vcpu *vcpu);

/*
 * Makes a started vCPU leave KVM_RUN once, to pick up a change on its
 * way back in; nothing once vcpu_stop() has begun.
 */
void vcpu_kick(struct vcpu *vcpu);

/*
 * The id of the vCPU whose thread calls it (a device needs to know which
 * CPU accesses it), or -1 on any other thread.
 */
int vcpu_current_id(void);

/* KVM_EXIT_MMIO: the access to the bus, a read's data back to KVM. */
void vcpu_mmio_exit(struct vcpu *vcpu);

/*
 * Ends the run for an exit the VMM does not handle; names[reason] is
 * the architecture's name for it, if it has one.
 */
void vcpu_unhandled_exit(struct vcpu *vcpu, const char *const *names,
			 size_t nr_names);

/* How machine_run_vcpus() drives a machine's vCPUs, by index. */
struct vcpu_array_ops {
	int (*start)(void *vcpus, unsigned int i);
	/* Leaves KVM_RUN for good and joins the thread. */
	void (*stop)(void *vcpus, unsigned int i);
	int (*dump_regs)(void *vcpus, unsigned int i, FILE *out);
};

/* The operations on an array of struct vcpu. */
extern const struct vcpu_array_ops vcpu_array_ops;

#endif /* VMM_VCPU_H */
