/* SPDX-License-Identifier: GPL-2.0-only */
/* The x86_64 VM: its KVM set-up and the guest page-table walk. */
#ifndef VMM_X86_VM_H
#define VMM_X86_VM_H

#include <stdint.h>

#include "vmm/vm.h"

/* The registers that decide how a vCPU translates addresses. */
struct vm_paging {
	uint64_t cr0, cr3, cr4, efer;
};

/*
 * Walks the guest's page tables (paging off, or 4-level long mode) for
 * gva.  -EOPNOTSUPP for other paging modes, -EFAULT when a table lies
 * outside RAM or the address is not mapped.  Access rights are not
 * checked: the VMM only reads code the vCPU is executing.
 */
int x86_gva_to_gpa(const struct guest_mem *mem, const struct vm_paging *pg,
		   uint64_t gva, uint64_t *gpa);

/*
 * vm_create() with RAM at guest-physical 0, Intel's real-mode helpers
 * and the in-kernel PIC, IOAPIC and LAPICs.
 */
int x86_vm_create(struct vm *vm, const struct guest_mem *mem);

#endif /* VMM_X86_VM_H */
