/* SPDX-License-Identifier: GPL-2.0-only */
/* The arm64 machine of `hvcheck run`: one guest on KVM, QEMU virt's shape. */
#ifndef VMM_ARM64_MACHINE_H
#define VMM_ARM64_MACHINE_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/arm64/board.h"
#include "vmm/machine.h"

/* As arm64_machine_options.check has checked them: smp fits the irqchip. */
struct arm64_machine_options {
	const char *guest; /* the image's name, for messages */
	const void *image; /* the image file's bytes */
	size_t image_size;
	unsigned int smp;
	unsigned int mem_mib;	/* 1..HV_ARM64_MAX_RAM_MIB */
	unsigned int timeout_s; /* 0: wait for ever */
	enum vgic_mode irqchip;
	const char *cmdline; /* /chosen/bootargs */
	/* Every byte the guest's UART transmits. */
	void (*serial_out)(void *opaque, uint8_t byte);
	void *serial_opaque;
};

/*
 * Loads the ELF image, builds the device tree, creates the VM, its
 * vCPUs (PSCI 0.2; 1..N-1 powered off until CPU_ON) and irqchip, runs
 * until the guest powers off, fails or times out, and tears everything
 * down.  Returns the process exit status: the guest's status from
 * HV_ARM64_EXIT_BASE, or an HV_EXIT_* verdict, each with one line on
 * stderr (plus the registers of the vCPU at fault).
 */
int arm64_machine_run(const struct arm64_machine_options *opts,
		      struct machine_times *times);

#endif /* VMM_ARM64_MACHINE_H */
