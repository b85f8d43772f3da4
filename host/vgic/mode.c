// SPDX-License-Identifier: GPL-2.0-only
/* The arm64 vGIC modes: their names, and the GIC each gives the guest. */
#include <errno.h>
#include <string.h>

#include "vgic/mode.h"

static const char *const vgic_mode_names[VGIC_NR_MODES] = {
	[VGIC_MODE_KVM_GICV3] = "kvm-gicv3",
	[VGIC_MODE_KVM_GICV2] = "kvm-gicv2",
	[VGIC_MODE_USER_GICV2] = "user-gicv2",
};

int vgic_mode_parse(const char *name, enum vgic_mode *mode)
{
	for (int i = 0; i < VGIC_NR_MODES; i++) {
		if (!strcmp(name, vgic_mode_names[i])) {
			*mode = i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *vgic_mode_name(enum vgic_mode mode)
{
	return vgic_mode_names[mode];
}

unsigned int vgic_mode_gic_version(enum vgic_mode mode)
{
	return mode == VGIC_MODE_KVM_GICV3 ? 3 : 2;
}
