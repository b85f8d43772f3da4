/* SPDX-License-Identifier: GPL-2.0-only */
/* ACPI tables for the guest: RSDP 2.0, XSDT and MADT. */
#ifndef VMM_X86_ACPI_H
#define VMM_X86_ACPI_H

#include <stdint.h>

#include "vmm/vm.h"

#define ACPI_RSDP_SIZE	36 /* ACPI 2.0 RSDP, with the XSDT address */
#define ACPI_LAPIC_GPA	0xfee00000
#define ACPI_IOAPIC_GPA 0xfec00000
#define ACPI_MAX_CPUS	255 /* MADT Processor Local APIC IDs are 8-bit */

/*
 * Writes the tables at guest-physical gpa (16-byte aligned, so a guest
 * scanning the BIOS area finds the RSDP too), using at most max bytes:
 * the RSDP first, then the XSDT, then a MADT that lists the in-kernel
 * IOAPIC and one enabled Processor Local APIC per vCPU, with ACPI
 * processor UIDs and APIC IDs 0..nr_cpus-1 (KVM's APIC ID is the vCPU
 * id).  Returns the bytes used, or -EINVAL / -ENOSPC / -EFAULT.
 */
long acpi_build(const struct guest_mem *mem, uint64_t gpa, uint64_t max,
		unsigned int nr_cpus);

#endif /* VMM_X86_ACPI_H */
