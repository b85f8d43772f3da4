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
 * CPU_ON, which KVM handles in the kernel; ops are the machine's.
 * Returns 0 or -errno (vm->failed names the call), leaving nothing
 * behind on failure.
 */
int arm64_vcpu_create(struct vcpu *vcpu, struct vm *vm, struct bus *bus, int id,
		      const struct kvm_vcpu_init *init, bool powered_off,
		      const struct vcpu_arch_ops *ops);

/* The boot protocol of Linux and of the guest: PC = entry, x0 = DTB. */
int arm64_vcpu_set_entry(struct vcpu *vcpu, uint64_t pc, uint64_t x0);

/* MPIDR_EL1's affinity fields, as KVM set them. */
int arm64_vcpu_mpidr(struct vcpu *vcpu, uint64_t *mpidr);

/*
 * The arm64 exits: MMIO to the bus, the rest to vm_stop(), all but
 * PSCI's system events, which are the machine's: it knows what the
 * guest said (arm64_vcpu_system_event()).  For the machine's own ops.
 */
void arm64_vcpu_handle_exit(struct vcpu *vcpu);

/*
 * KVM_EXIT_SYSTEM_EVENT (PSCI SYSTEM_OFF, SYSTEM_RESET, a crash): ends
 * the run as board_system_event_status() says, said being the status
 * of the guest's last "EXIT: STATUS=N" line, or -1.
 */
void arm64_vcpu_system_event(struct vcpu *vcpu, int said);

/* Reads PC, PSTATE, the stack pointers, ELR/ESR/FAR_EL1 and x0-x30. */
int arm64_vcpu_dump_regs(struct vcpu *vcpu, FILE *out);

#endif /* VMM_ARM64_VCPU_H */
