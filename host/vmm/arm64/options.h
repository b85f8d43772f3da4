/* SPDX-License-Identifier: GPL-2.0-only */
/* The arm64 machine's own `hvcheck run` options: irqchip, image format, initrd. */
#ifndef VMM_ARM64_OPTIONS_H
#define VMM_ARM64_OPTIONS_H

#include "vgic/mode.h"
#include "vmm/arm64/image.h"
#include "vmm/machine.h"

struct arm64_options {
	enum vgic_mode irqchip; /* --irqchip, or KVM's in-kernel GICv3 */
	enum arm64_image_format format; /* --image-format */
	const char *initrd;		/* --initrd FILE, or NULL */
};

_Static_assert(sizeof(struct arm64_options) <= MACHINE_OPTIONS_MAX,
	       "struct arm64_options fits struct run_cmd");

#endif /* VMM_ARM64_OPTIONS_H */
