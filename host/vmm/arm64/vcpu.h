/* SPDX-License-Identifier: GPL-2.0-only */
/* arm64 KVM glue: the VM, vCPUs with PSCI, their exits and registers. */
#ifndef VMM_ARM64_VCPU_H
#define VMM_ARM64_VCPU_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vmm/bus.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"

/*
 * KVM_CREATE_VM with the default IPA size, guest RAM as one memslot at
 * HV_ARM64_RAM_BASE, the kvm_run mapping size, and the preferred vCPU
 * target into *init.  On failure nothing is left open and vm->failed
 * names the step.
 */
int arm64_vm_create(struct vm *vm, const struct guest_mem *ram,
		    struct kvm_vcpu_init *init);

/*
 * KVM_CREATE_VCPU, its kvm_run mapping and KVM_ARM_VCPU_INIT with
 * init's target and PSCI 0.2; powered_off makes it wait for a PSCI
 * CPU_ON, which KVM handles in the kernel.  Returns 0 or -errno
 * (vm->failed names the call), leaving nothing behind on failure.
 */
int arm64_vcpu_create(struct vcpu *vcpu, struct vm *vm, struct bus *bus, int id,
		      const struct kvm_vcpu_init *init, bool powered_off);

/* A 64-bit register by KVM_{GET,SET}_ONE_REG id. */
int arm64_vcpu_get_reg(struct vcpu *vcpu, uint64_t id, uint64_t *val);
int arm64_vcpu_set_reg(struct vcpu *vcpu, uint64_t id, uint64_t val);

/* The boot protocol of Linux and of the guest: PC = entry, x0 = DTB. */
int arm64_vcpu_set_entry(struct vcpu *vcpu, uint64_t pc, uint64_t x0);

/* MPIDR_EL1's affinity fields, as KVM set them. */
int arm64_vcpu_mpidr(struct vcpu *vcpu, uint64_t *mpidr);

/*
 * The arm64 exits: MMIO to the bus, PSCI's system events, the rest to
 * vm_stop().  The vCPUs' handle_exit, for a machine that sets its own
 * ops (the userspace irqchip's after_run).
 */
void arm64_vcpu_handle_exit(struct vcpu *vcpu);

/* Reads PC, PSTATE, the stack pointers, ELR/ESR/FAR_EL1 and x0-x30. */
int arm64_vcpu_dump_regs(struct vcpu *vcpu, FILE *out);

#endif /* VMM_ARM64_VCPU_H */
