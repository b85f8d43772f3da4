/* SPDX-License-Identifier: GPL-2.0-only */
/* What the boot loader told the guest, copied out of its memory early. */
#ifndef GUEST_BOOT_INFO_H
#define GUEST_BOOT_INFO_H

#include "types.h"

#define BOOT_CMDLINE_MAX     4096
#define BOOT_LOADER_NAME_MAX 64
#define BOOT_MEM_REGIONS_MAX 32
#define BOOT_RSDP_MAX	     36 /* ACPI 2.0 RSDP */

struct mem_region {
	u64 base;
	u64 length;
};

struct boot_info {
	char cmdline[BOOT_CMDLINE_MAX];
	bool cmdline_truncated;
	char loader_name[BOOT_LOADER_NAME_MAX]; /* "" when not given */
	/* Available RAM only, as the loader's memory map reports it. */
	struct mem_region mem[BOOT_MEM_REGIONS_MAX];
	unsigned int nr_mem;
	bool mem_truncated;
	/* A copy of the ACPI RSDP, rsdp_len 0 when the loader gave none. */
	u8 rsdp[BOOT_RSDP_MAX];
	unsigned int rsdp_len;
};

/* Filled by the architecture's boot code before anything else runs. */
extern struct boot_info boot_info;

#endif /* GUEST_BOOT_INFO_H */
