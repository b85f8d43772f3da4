/* SPDX-License-Identifier: GPL-2.0-only */
/* The device tree of the hvcheck arm64 board, shaped like QEMU virt's. */
#ifndef VMM_ARM64_BOOT_INFO_H
#define VMM_ARM64_BOOT_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/arm64/board.h"

struct board_dt_config {
	uint64_t ram_size; /* bytes from HV_ARM64_RAM_BASE */
	const char *bootargs;
	unsigned int nr_cpus;
	const uint64_t *mpidr; /* nr_cpus MPIDR_EL1 affinities */
	enum vgic_mode irqchip;
	bool hostctl; /* describe the host-control page */
	/* /chosen linux,initrd-start and -end; both 0: no initrd */
	uint64_t initrd_start, initrd_end;
	bool pmu; /* describe the PMUv3 (arm,armv8-pmuv3, PPI 7) */
};

/*
 * Writes the tree into out[max]: the nodes the hvcheck guest (and a
 * Linux kernel) reads on QEMU virt: /memory, /chosen bootargs and
 * stdout-path (and the initrd's range when there is one), /psci (0.2, HVC), /cpus with enable-method psci, the
 * armv8 timer, the GIC node of the irqchip, the PL011 and its clock,
 * the PMU and the host-control page when asked.  Returns the blob's size or
 * -errno (-ENOSPC when it does not fit, -EINVAL for no CPU).
 */
long board_dt_build(const struct board_dt_config *cfg, void *out, size_t max);

#endif /* VMM_ARM64_BOOT_INFO_H */
