/* SPDX-License-Identifier: GPL-2.0-only */
/* KVM vCPUs: set-up, the run loop on one thread each, exits, registers. */
#ifndef VMM_VCPU_H
#define VMM_VCPU_H

#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vmm/bus.h"
#include "vmm/cpuid.h"
#include "vmm/vm.h"

/*
 * Interrupts KVM_RUN: when the run is over (see vcpu_stop()), and at the
 * emulated vPMU's overflow deadline.
 */
#define VCPU_KICK_SIGNAL SIGUSR1

struct vcpu_pmu;

struct vcpu {
	struct vm *vm;
	struct bus *bus;
	int id; /* also its APIC ID */
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	bool started;
	uint64_t entry_ns;    /* vm_now_ns() just before the first KVM_RUN */
	struct vcpu_pmu *pmu; /* the emulated vPMU, or NULL */
};

/*
 * KVM_CREATE_VCPU, its kvm_run mapping and KVM_SET_CPUID2 with cpuid.
 * Without further set-up the vCPU waits in its in-kernel LAPIC for
 * INIT/SIPI (an AP); vcpu_set_mb2_entry() makes it start the image.
 * Returns 0 or -errno (vm->failed names the call), leaving nothing
 * behind on failure.
 */
int vcpu_create(struct vcpu *vcpu, struct vm *vm, struct bus *bus, int id,
		const struct cpuid *cpuid);

/* Unmaps and closes; the vCPU's thread must have been joined. */
void vcpu_destroy(struct vcpu *vcpu);

/*
 * The Multiboot2 machine state: 32-bit protected mode, flat 4 GiB code
 * and data segments, paging and interrupts off, EIP = entry, EAX = the
 * boot loader magic, EBX = the boot information's address.
 */
int vcpu_set_mb2_entry(struct vcpu *vcpu, uint32_t entry, uint32_t info);

/*
 * Runs the vCPU until the VM stops: every exit goes to the bus or ends
 * the run through vm_stop() with the vCPU as culprit.
 */
void vcpu_run_loop(struct vcpu *vcpu);

/* vcpu_run_loop() on a new thread. */
int vcpu_start(struct vcpu *vcpu);

/*
 * Makes a started vCPU leave KVM_RUN for good (the VM must be stopping)
 * and waits for its thread.
 */
void vcpu_stop(struct vcpu *vcpu);

/* The execution mode the segment and control registers put it in. */
const char *vcpu_mode_name(const struct kvm_regs *regs,
			   const struct kvm_sregs *sregs);

/* Prints RIP, RSP, RFLAGS, GPRs, CRs, EFER, CS/SS and the mode. */
void vcpu_print_regs(FILE *out, int id, const struct kvm_regs *regs,
		     const struct kvm_sregs *sregs);

/* Reads the vCPU's registers and prints them; returns 0 or -errno. */
int vcpu_dump_regs(struct vcpu *vcpu, FILE *out);

#endif /* VMM_VCPU_H */
