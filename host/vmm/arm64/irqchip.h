/* SPDX-License-Identifier: GPL-2.0-only */
/* KVM's in-kernel vGIC set-up and the KVM_IRQ_LINE inputs of arm64. */
#ifndef VMM_ARM64_IRQCHIP_H
#define VMM_ARM64_IRQCHIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vgic/gicv2.h"
#include "vmm/arm64/board.h"
#include "vmm/bus.h"
#include "vmm/vm.h"

/* KVM_IRQ_LINE's irq field on arm64: which kind of input it drives. */
enum vgic_irq_type {
	VGIC_IRQ_TYPE_CPU = 0, /* a vCPU's IRQ (0) or FIQ (1) line */
	VGIC_IRQ_TYPE_SPI = 1, /* an in-kernel GIC's SPI */
	VGIC_IRQ_TYPE_PPI = 2, /* an in-kernel GIC's PPI of one vCPU */
};

/* The irq field of KVM_IRQ_LINE for intid of type on vcpu. */
uint32_t vgic_irq_field(enum vgic_irq_type type, unsigned int vcpu,
			unsigned int intid);

/*
 * Creates KVM's vGIC for chip (kvm-gicv3 or kvm-gicv2) at the board's
 * addresses with BOARD_NR_IRQS interrupts and initialises it, in the
 * order of the KVM selftests: after every vCPU exists (and before any
 * runs).  *dev_fd gets the device fd.  Returns 0, or -errno with a
 * one-line message in err[errlen]; a KVM that cannot emulate that GIC
 * version (-ENODEV) is told to the user as such.  Leaves nothing open
 * on failure.
 */
int vgic_kvm_create(struct vm *vm, enum vgic_mode chip, unsigned int nr_vcpus,
		    int *dev_fd, char *err, size_t errlen);

/*
 * Drives SPI intid's input line of an in-kernel vGIC: level, or a
 * pulse (high, then low) for an edge.  Returns 0 or -errno; -EINVAL
 * for an INTID that is no implemented SPI.
 */
int vgic_kvm_spi(struct vm *vm, unsigned int intid, bool level);
int vgic_kvm_spi_pulse(struct vm *vm, unsigned int intid);

/*
 * The userspace GICv2 (host/vgic/gicv2.h) wired to KVM: its distributor
 * and CPU interface frames on the bus at the board's addresses, each
 * CPU interface's IRQ output driving that vCPU's IRQ line
 * (KVM_IRQ_LINE, type CPU), and the timers' output levels, which KVM
 * reports in kvm_run (KVM_CAP_ARM_USER_IRQ), fed to their PPIs.
 */
struct vgic_user {
	struct gicv2 gic;
	struct vm *vm;
	struct bus *bus;
	/* The vCPU whose thread makes the current MMIO access. */
	unsigned int (*current_cpu)(void *opaque);
	void *cpu_opaque;
	uint64_t device_levels[GICV2_MAX_CPUS]; /* as last fed to the PPIs */
};

/*
 * Resets the model for nr_cpus vCPUs and BOARD_NR_IRQS interrupts and
 * registers its two frames on bus.  Returns 0 or -errno.
 */
int vgic_user_init(struct vgic_user *vu, struct vm *vm, struct bus *bus,
		   unsigned int nr_cpus,
		   unsigned int (*current_cpu)(void *opaque), void *opaque);

/*
 * After a KVM_RUN of vCPU cpu: levels is its run->s.regs.device_irq_level;
 * a timer whose output changed moves its PPI's line.  Takes the bus
 * lock, as every other access to the model runs under it.
 */
void vgic_user_device_levels(struct vgic_user *vu, unsigned int cpu,
			     uint64_t levels);

/*
 * SPI intid's input line (the host-control channel's requests), under
 * the bus lock the caller holds.  0 or -EINVAL for no implemented SPI.
 */
int vgic_user_spi(struct vgic_user *vu, unsigned int intid, bool level);

#endif /* VMM_ARM64_IRQCHIP_H */
