/* SPDX-License-Identifier: GPL-2.0-only */
/* ACPI table walking: RSDP -> RSDT/XSDT -> MADT processor entries. */
#ifndef GUEST_ACPI_H
#define GUEST_ACPI_H

#include "types.h"

struct acpi_cpu {
	u32 apic_id;
	u32 uid; /* ACPI processor UID */
};

/*
 * Lists the enabled processors (Local APIC and x2APIC entries) of the
 * MADT that the RSDP copy leads to.  Tables are read in place, so they
 * must lie in identity-mapped memory below 4 GiB.  Returns 0, -ENOENT
 * (no MADT), -EINVAL (a malformed table) or -E2BIG (more than max CPUs;
 * the first max are listed); *why names the problem.
 */
int acpi_madt_cpus(const u8 *rsdp, unsigned int rsdp_len, struct acpi_cpu *cpus,
		   unsigned int max, unsigned int *nr, const char **why);

#endif /* GUEST_ACPI_H */
