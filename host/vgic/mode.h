/* SPDX-License-Identifier: GPL-2.0-only */
/* The arm64 vGIC modes: their names, and the GIC each gives the guest. */
#ifndef VGIC_MODE_H
#define VGIC_MODE_H

/*
 * Pure, so that the suite runner on any host can name the modes an
 * entry runs on (docs/gic.md).
 */
enum vgic_mode {
	VGIC_MODE_KVM_GICV3,  /* KVM's in-kernel vGICv3 (default) */
	VGIC_MODE_KVM_GICV2,  /* KVM's in-kernel vGICv2 */
	VGIC_MODE_USER_GICV2, /* the userspace GICv2 model (host/vgic) */
	VGIC_NR_MODES,
};

/* "kvm-gicv3", "kvm-gicv2" or "user-gicv2" into *mode; 0 or -EINVAL. */
int vgic_mode_parse(const char *name, enum vgic_mode *mode);
const char *vgic_mode_name(enum vgic_mode mode);
/* The GIC architecture version the guest sees: 2 or 3. */
unsigned int vgic_mode_gic_version(enum vgic_mode mode);

#endif /* VGIC_MODE_H */
