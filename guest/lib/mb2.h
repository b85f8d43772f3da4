/* SPDX-License-Identifier: GPL-2.0-only */
/* Multiboot2: header constants and boot information parsing. */
#ifndef GUEST_MB2_H
#define GUEST_MB2_H

#define MB2_HEADER_MAGIC     0xe85250d6
#define MB2_ARCH_I386	     0
#define MB2_BOOTLOADER_MAGIC 0x36d76289

#define MB2_HEADER_TAG_END	0
#define MB2_HEADER_TAG_INFO_REQ 1
#define MB2_HEADER_TAG_OPTIONAL 1

#define MB2_TAG_END	    0
#define MB2_TAG_CMDLINE	    1
#define MB2_TAG_LOADER_NAME 2
#define MB2_TAG_MMAP	    6
#define MB2_TAG_ACPI_OLD    14
#define MB2_TAG_ACPI_NEW    15

#define MB2_MMAP_AVAILABLE 1

#ifndef __ASSEMBLY__
#include "boot_info.h"

/*
 * Copies what the guest needs out of the information at info (which
 * the loader may have put anywhere, so this runs before the guest uses
 * any free memory).  Returns 0, or -EINVAL with *why naming the defect.
 */
int mb2_parse(u32 magic, const void *info, struct boot_info *bi,
	      const char **why);
#endif

#endif /* GUEST_MB2_H */
