/* SPDX-License-Identifier: GPL-2.0-only */
/* The arm64 guest loader: an ELF64 AArch64 executable into guest RAM. */
#ifndef VMM_ELF_H
#define VMM_ELF_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/vm.h"

/* A guest-physical range inside RAM that the image must leave alone. */
struct elf_keepout {
	uint64_t base;
	uint64_t size;
	const char *what; /* "the device tree", in messages */
};

/*
 * Checks image[0..size) as a little-endian ELF64 ET_EXEC for EM_AARCH64
 * and loads its PT_LOAD segments at p_paddr into ram (guest RAM from
 * HV_ARM64_RAM_BASE): p_filesz bytes copied, the rest up to p_memsz
 * zeroed.  Stores the entry point translated to a physical address.
 * A pure function: no KVM, no I/O.  Returns 0, or -ENOEXEC with a
 * one-line description of the defect in err[errlen]; nothing is written
 * to ram unless the whole image is valid.
 */
int elf_load(const void *image, size_t size, const struct guest_mem *ram,
	     const struct elf_keepout *keepout, unsigned int nr_keepout,
	     uint64_t *entry, char *err, size_t errlen);

#endif /* VMM_ELF_H */
