/* SPDX-License-Identifier: GPL-2.0-only */
/* The guest's CPUID: what KVM supports, with a per-vCPU topology. */
#ifndef VMM_X86_CPUID_H
#define VMM_X86_CPUID_H

#include <linux/kvm.h>
#include <stdbool.h>

#include "vmm/vm.h"

/* A KVM CPUID table with room to grow. */
struct cpuid {
	struct kvm_cpuid2 *table;
	unsigned int capacity; /* entries allocated */
};

/*
 * KVM_GET_SUPPORTED_CPUID into cpuid (allocated here; free it with
 * cpuid_free()).  Returns 0 or -errno, vm->failed naming the call.
 */
int cpuid_get_supported(struct vm *vm, struct cpuid *cpuid);
void cpuid_free(struct cpuid *cpuid);

/*
 * Makes the table describe vCPU apic_id of nr_cpus: the initial APIC ID
 * in leaf 1 EBX[31:24], and leaves 0xB and 0x1F (when the table's
 * maximum basic leaf reaches them) rewritten as one package of nr_cpus
 * cores of one thread each, EDX holding the x2APIC ID.  Everything else,
 * the x2APIC feature bit included, stays as KVM reported it.  Can be
 * called again for the next vCPU.  Returns 0 or -ENOSPC.
 */
int cpuid_set_topology(struct cpuid *cpuid, unsigned int apic_id,
		       unsigned int nr_cpus);

/*
 * Sets leaf function (subleaf 0 when the index matters) to the given
 * registers, adding the entry when KVM did not report it.  The caller
 * keeps the range's maximum leaf in step.  0 or -ENOSPC.
 */
int cpuid_set(struct cpuid *cpuid, uint32_t function, uint32_t eax,
	      uint32_t ebx, uint32_t ecx, uint32_t edx);

/* The entry for leaf function, subleaf index, or NULL. */
struct kvm_cpuid_entry2 *cpuid_find(const struct cpuid *cpuid,
				    uint32_t function, uint32_t index);

#define CPUID_VENDOR_SIZE 13 /* 12 characters and a NUL */

/* The vendor string of leaf 0 (EBX, EDX, ECX); "" without leaf 0. */
void cpuid_vendor(const struct cpuid *cpuid, char vendor[CPUID_VENDOR_SIZE]);

/* Whether leaf 0 names AMD: AuthenticAMD, or Hygon's HygonGenuine. */
bool cpuid_vendor_is_amd(const struct cpuid *cpuid);

/* Writes the 12-character vendor into leaf 0; -EINVAL without leaf 0. */
int cpuid_set_vendor(struct cpuid *cpuid, const char *vendor);

/*
 * CPUID.1:ECX.hypervisor (bit 31), which KVM's supported CPUID leaves to
 * the VMM, as QEMU sets it: a guest reads the 0x4000xxxx leaves (KVM's,
 * hvcheck's vPMU) only with it.  Nothing without leaf 1.
 */
void cpuid_set_hypervisor(struct cpuid *cpuid);

#endif /* VMM_X86_CPUID_H */
