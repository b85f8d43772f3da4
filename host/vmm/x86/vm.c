// SPDX-License-Identifier: GPL-2.0-only
/* The x86_64 VM: its KVM set-up and the guest page-table walk. */
#include <errno.h>
#include <linux/kvm.h>

#include "vmm/x86/vm.h"
#include "vmm/x86/regs.h"

/*
 * Intel needs a TSS (3 pages) and an identity-mapped page table (1 page)
 * in guest-physical space to run real-mode and unpaged code without
 * unrestricted guest support.  They go where QEMU puts them: just below
 * the BIOS area at the top of 4 GiB, far above any RAM we map
 * (HV_X86_MAX_RAM_MIB) and clear of the LAPIC and IOAPIC pages.
 */
#define VM_IDENTITY_MAP_GPA 0xfeffc000ULL
#define VM_TSS_GPA	    0xfeffd000UL

int x86_gva_to_gpa(const struct guest_mem *mem, const struct vm_paging *pg,
		   uint64_t gva, uint64_t *gpa)
{
	uint64_t table = pg->cr3 & X86_PTE_ADDR, entry;
	const uint64_t *hva;
	int level;

	if (!(pg->cr0 & X86_CR0_PG)) {
		*gpa = gva & 0xffffffffULL;
		return 0;
	}
	if (!(pg->efer & X86_EFER_LMA) || !(pg->cr4 & X86_CR4_PAE) ||
	    (pg->cr4 & X86_CR4_LA57))
		return -EOPNOTSUPP;
	/* Four levels of 9 bits each above the 12-bit page offset. */
	for (level = 3; level >= 0; level--) {
		unsigned int shift = 12 + 9 * level;

		hva = vm_gpa_to_hva(mem, table + ((gva >> shift) & 511) * 8, 8);
		if (!hva)
			return -EFAULT;
		entry = *hva;
		if (!(entry & X86_PTE_PRESENT))
			return -EFAULT;
		if (level == 0 || (level <= 2 && (entry & X86_PTE_LARGE))) {
			uint64_t offset = gva & ((1ULL << shift) - 1);

			*gpa = ((entry & X86_PTE_ADDR) &
				~((1ULL << shift) - 1)) +
			       offset;
			return 0;
		}
		table = entry & X86_PTE_ADDR;
	}
	return -EFAULT; /* not reached: level 0 always returns */
}

static int vm_x86_setup(struct vm *vm)
{
	__u64 identity_map = VM_IDENTITY_MAP_GPA;
	int ret;

	ret = vm_ioctl(vm, vm->vm_fd, KVM_SET_TSS_ADDR, (void *)VM_TSS_GPA,
		       "KVM_SET_TSS_ADDR");
	if (ret < 0)
		return ret;
	ret = vm_ioctl(vm, vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &identity_map,
		       "KVM_SET_IDENTITY_MAP_ADDR");
	if (ret < 0)
		return ret;
	/* Before any vCPU, so that each gets an in-kernel LAPIC. */
	return vm_ioctl(vm, vm->vm_fd, KVM_CREATE_IRQCHIP, NULL,
			"KVM_CREATE_IRQCHIP");
}

int x86_vm_create(struct vm *vm, const struct guest_mem *mem)
{
	static const struct vm_shape x86 = {
		.ram_gpa = 0,
		.setup = vm_x86_setup,
	};

	return vm_create(vm, mem, &x86);
}
