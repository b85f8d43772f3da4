/* SPDX-License-Identifier: GPL-2.0-only */
/* Multiboot2: the image loader and the boot information builder. */
#ifndef VMM_X86_MULTIBOOT2_H
#define VMM_X86_MULTIBOOT2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/elf.h"
#include "vmm/vm.h"

#define MB2_HEADER_MAGIC     0xe85250d6
#define MB2_BOOTLOADER_MAGIC 0x36d76289 /* EAX at entry */
#define MB2_SEARCH_LIMIT     32768	/* the header lies within these bytes */
#define MB2_HEADER_ALIGN     8
#define MB2_ARCH_I386	     0 /* 32-bit protected mode */

/* Header tags (the image asks the loader). */
#define MB2_HEADER_TAG_END	     0
#define MB2_HEADER_TAG_INFO_REQUEST  1
#define MB2_HEADER_TAG_ADDRESS	     2
#define MB2_HEADER_TAG_ENTRY_ADDRESS 3
#define MB2_HEADER_TAG_CONSOLE_FLAGS 4
#define MB2_HEADER_TAG_FRAMEBUFFER   5
#define MB2_HEADER_TAG_MODULE_ALIGN  6
#define MB2_HEADER_TAG_EFI_BS	     7
#define MB2_HEADER_TAG_ENTRY_EFI32   8
#define MB2_HEADER_TAG_ENTRY_EFI64   9
#define MB2_HEADER_TAG_RELOCATABLE   10
#define MB2_HEADER_TAG_OPTIONAL	     1 /* flags bit 0 */
#define MB2_CONSOLE_REQUIRED	     1 /* console_flags bit 0 */

/* Boot information tags (the loader tells the image). */
#define MB2_TAG_END	      0
#define MB2_TAG_CMDLINE	      1
#define MB2_TAG_LOADER_NAME   2
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_MMAP	      6
#define MB2_TAG_ACPI_NEW      15
#define MB2_MMAP_AVAILABLE    1
#define MB2_MMAP_RESERVED     2
#define MB2_MMAP_ENTRY_SIZE   24

/*
 * Finds and checks the Multiboot2 header of image[0..size), loads the
 * image (by its address tag, else its ELF32/ELF64 PT_LOAD segments at
 * p_paddr, through elf_load()) into mem, leaving keepout[] ("the boot
 * information") alone, and stores its guest-physical entry point.  A
 * pure function: no KVM, no I/O.  Returns 0, or -ENOEXEC with a one-line
 * description of the defect in err[errlen].  Nothing is written to mem
 * unless the whole image is valid.
 */
int mb2_load(const void *image, size_t size, const struct guest_mem *mem,
	     const struct elf_keepout *keepout, unsigned int nr_keepout,
	     uint32_t *entry, char *err, size_t errlen);

struct mb2_info_config {
	const char *cmdline;
	uint64_t ram_size;
	const void *rsdp; /* an ACPI 2.0 RSDP to copy into tag 15 */
	size_t rsdp_size;
};

/* Whether mb2_build_info() provides boot information tag type. */
bool mb2_info_provides(uint32_t type);

/*
 * Writes the boot information (command line, loader name, basic memory
 * information, memory map, ACPI RSDP) at guest-physical gpa, using at
 * most max bytes.  Returns its size, or -ENOSPC / -EFAULT.
 */
long mb2_build_info(const struct guest_mem *mem, uint64_t gpa, uint64_t max,
		    const struct mb2_info_config *cfg);

#endif /* VMM_X86_MULTIBOOT2_H */
