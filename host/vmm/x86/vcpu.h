/* SPDX-License-Identifier: GPL-2.0-only */
/* x86 vCPUs on the shared core: set-up, entry state, exits, registers. */
#ifndef VMM_X86_VCPU_H
#define VMM_X86_VCPU_H

#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>

#include "vmm/bus.h"
#include "vmm/x86/cpuid.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"
/* The x86 VM, for the code that works on an x86 vCPU (the vPMU). */

/*
 * KVM_CREATE_VCPU, its kvm_run mapping and KVM_SET_CPUID2 with cpuid.
 * Without further set-up the vCPU waits in its in-kernel LAPIC for
 * INIT/SIPI (an AP); x86_vcpu_set_mb2_entry() makes it start the image.
 * Returns 0 or -errno (vm->failed names the call), leaving nothing
 * behind on failure.
 */
int x86_vcpu_create(struct vcpu *vcpu, struct vm *vm, struct bus *bus, int id,
		    const struct cpuid *cpuid);

/*
 * The Multiboot2 machine state: 32-bit protected mode, flat 4 GiB code
 * and data segments, paging and interrupts off, EIP = entry, EAX = the
 * boot loader magic, EBX = the boot information's address.
 */
int x86_vcpu_set_mb2_entry(struct vcpu *vcpu, uint32_t entry, uint32_t info);

/* The execution mode the segment and control registers put it in. */
const char *x86_vcpu_mode_name(const struct kvm_regs *regs,
			       const struct kvm_sregs *sregs);

/* Prints RIP, RSP, RFLAGS, GPRs, CRs, EFER, CS/SS and the mode. */
void x86_vcpu_print_regs(FILE *out, int id, const struct kvm_regs *regs,
			 const struct kvm_sregs *sregs);

/* Reads the vCPU's registers and prints them; returns 0 or -errno. */
int x86_vcpu_dump_regs(struct vcpu *vcpu, FILE *out);

#endif /* VMM_X86_VCPU_H */
