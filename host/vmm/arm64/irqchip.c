// SPDX-License-Identifier: GPL-2.0-only
/* KVM's in-kernel vGIC set-up and the KVM_IRQ_LINE inputs of arm64. */
#include <errno.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "array_size.h"
#include "vmm/arm64/irqchip.h"

/*
 * The arm64 uAPI numbers (asm/kvm.h of arm64).  Spelled out so that
 * this glue also builds, and is unit-tested, on other hosts; an arm64
 * build checks them against the kernel's headers.
 */
#define VGIC_GRP_ADDR		 0
#define VGIC_GRP_NR_IRQS	 3
#define VGIC_GRP_CTRL		 4
#define VGIC_CTRL_INIT		 0
#define VGIC_V2_ADDR_TYPE_DIST	 0
#define VGIC_V2_ADDR_TYPE_CPU	 1
#define VGIC_V3_ADDR_TYPE_DIST	 2
#define VGIC_V3_ADDR_TYPE_REDIST 3
#define VGIC_IRQ_TYPE_SHIFT	 24
#define VGIC_IRQ_VCPU_SHIFT	 16
#define VGIC_IRQ_VCPU2_SHIFT	 28 /* vCPU index bits 11:8 */

#ifdef __aarch64__
_Static_assert(VGIC_GRP_ADDR == KVM_DEV_ARM_VGIC_GRP_ADDR, "uAPI");
_Static_assert(VGIC_GRP_NR_IRQS == KVM_DEV_ARM_VGIC_GRP_NR_IRQS, "uAPI");
_Static_assert(VGIC_GRP_CTRL == KVM_DEV_ARM_VGIC_GRP_CTRL, "uAPI");
_Static_assert(VGIC_CTRL_INIT == KVM_DEV_ARM_VGIC_CTRL_INIT, "uAPI");
_Static_assert(VGIC_V2_ADDR_TYPE_DIST == KVM_VGIC_V2_ADDR_TYPE_DIST, "uAPI");
_Static_assert(VGIC_V2_ADDR_TYPE_CPU == KVM_VGIC_V2_ADDR_TYPE_CPU, "uAPI");
_Static_assert(VGIC_V3_ADDR_TYPE_DIST == KVM_VGIC_V3_ADDR_TYPE_DIST, "uAPI");
_Static_assert(VGIC_V3_ADDR_TYPE_REDIST == KVM_VGIC_V3_ADDR_TYPE_REDIST,
	       "uAPI");
_Static_assert(VGIC_IRQ_TYPE_SHIFT == KVM_ARM_IRQ_TYPE_SHIFT, "uAPI");
_Static_assert(VGIC_IRQ_VCPU_SHIFT == KVM_ARM_IRQ_VCPU_SHIFT, "uAPI");
_Static_assert(VGIC_IRQ_VCPU2_SHIFT == KVM_ARM_IRQ_VCPU2_SHIFT, "uAPI");
_Static_assert(VGIC_IRQ_TYPE_SPI == KVM_ARM_IRQ_TYPE_SPI, "uAPI");
_Static_assert(VGIC_IRQ_TYPE_CPU == KVM_ARM_IRQ_TYPE_CPU, "uAPI");
_Static_assert(VGIC_IRQ_TYPE_PPI == KVM_ARM_IRQ_TYPE_PPI, "uAPI");
#endif

uint32_t vgic_irq_field(enum vgic_irq_type type, unsigned int vcpu,
			unsigned int intid)
{
	return (uint32_t)type << VGIC_IRQ_TYPE_SHIFT |
	       (uint32_t)(vcpu & 0xff) << VGIC_IRQ_VCPU_SHIFT |
	       (uint32_t)((vcpu >> 8) & 0xf) << VGIC_IRQ_VCPU2_SHIFT |
	       (intid & 0xffff);
}

struct vgic_attr {
	uint32_t group;
	uint64_t attr;
	uint64_t value; /* NR_IRQS takes a u32, addresses a u64 */
	const char *what;
};

/* NR_IRQS, the frames' addresses, INIT: the selftests' order. */
static unsigned int vgic_plan(enum vgic_mode chip, struct vgic_attr *a)
{
	unsigned int n = 0;

	a[n++] = (struct vgic_attr){ VGIC_GRP_NR_IRQS, 0, BOARD_NR_IRQS,
				     "number of interrupts" };
	if (chip == VGIC_MODE_KVM_GICV3) {
		a[n++] = (struct vgic_attr){ VGIC_GRP_ADDR,
					     VGIC_V3_ADDR_TYPE_DIST,
					     BOARD_GIC_DIST_BASE,
					     "distributor address" };
		a[n++] = (struct vgic_attr){ VGIC_GRP_ADDR,
					     VGIC_V3_ADDR_TYPE_REDIST,
					     BOARD_GICV3_REDIST_BASE,
					     "redistributor address" };
	} else {
		a[n++] = (struct vgic_attr){ VGIC_GRP_ADDR,
					     VGIC_V2_ADDR_TYPE_DIST,
					     BOARD_GIC_DIST_BASE,
					     "distributor address" };
		a[n++] = (struct vgic_attr){ VGIC_GRP_ADDR,
					     VGIC_V2_ADDR_TYPE_CPU,
					     BOARD_GICV2_CPU_BASE,
					     "CPU interface address" };
	}
	a[n++] = (struct vgic_attr){ VGIC_GRP_CTRL, VGIC_CTRL_INIT, 0,
				     "initialisation" };
	return n;
}

static int vgic_set_attr(struct vm *vm, int fd, const struct vgic_attr *a)
{
	uint32_t u32 = a->value;
	uint64_t u64 = a->value;
	struct kvm_device_attr attr = {
		.group = a->group,
		.attr = a->attr,
	};

	if (a->group == VGIC_GRP_NR_IRQS)
		attr.addr = (uintptr_t)&u32;
	else if (a->group == VGIC_GRP_ADDR)
		attr.addr = (uintptr_t)&u64;
	return vm_ioctl(vm, fd, KVM_SET_DEVICE_ATTR, &attr,
			"KVM_SET_DEVICE_ATTR");
}

int vgic_kvm_create(struct vm *vm, enum vgic_mode chip, unsigned int nr_vcpus,
		    int *dev_fd, char *err, size_t errlen)
{
	const char *name = vgic_mode_name(chip);
	unsigned int version = vgic_mode_gic_version(chip);
	struct kvm_create_device create = {
		.type = version == 3 ? KVM_DEV_TYPE_ARM_VGIC_V3 :
				       KVM_DEV_TYPE_ARM_VGIC_V2,
	};
	struct vgic_attr plan[5];
	unsigned int n;
	int ret;

	if (chip == VGIC_MODE_USER_GICV2) {
		snprintf(err, errlen, "%s: not an in-kernel vGIC", name);
		return -EINVAL;
	}
	if (!nr_vcpus || nr_vcpus > board_irqchip_max_cpus(chip)) {
		snprintf(err, errlen, "%s: cannot serve %u vCPUs", name,
			 nr_vcpus);
		return -EINVAL;
	}
	ret = vm_ioctl(vm, vm->vm_fd, KVM_CREATE_DEVICE, &create,
		       "KVM_CREATE_DEVICE");
	if (ret == -ENODEV) {
		snprintf(
			err, errlen,
			"%s: this KVM cannot emulate a GICv%u (KVM_CREATE_DEVICE: %s); use %s",
			name, version, strerror(-ret),
			version == 2 ? "user-gicv2" :
				       "kvm-gicv2 or user-gicv2");
		return ret;
	}
	if (ret < 0) {
		snprintf(err, errlen, "%s: KVM_CREATE_DEVICE: %s", name,
			 strerror(-ret));
		return ret;
	}
	n = vgic_plan(chip, plan);
	for (unsigned int i = 0; i < n; i++) {
		ret = vgic_set_attr(vm, create.fd, &plan[i]);
		if (ret < 0) {
			snprintf(err, errlen,
				 "%s: KVM_SET_DEVICE_ATTR (%s): %s", name,
				 plan[i].what, strerror(-ret));
			close(create.fd);
			return ret;
		}
	}
	*dev_fd = create.fd;
	return 0;
}

int vgic_kvm_spi(struct vm *vm, unsigned int intid, bool level)
{
	if (intid < BOARD_FIRST_SPI || intid >= BOARD_NR_IRQS)
		return -EINVAL;
	return vm_irq_line(vm, vgic_irq_field(VGIC_IRQ_TYPE_SPI, 0, intid),
			   level);
}

int vgic_kvm_spi_pulse(struct vm *vm, unsigned int intid)
{
	int ret = vgic_kvm_spi(vm, intid, true);

	return ret ? ret : vgic_kvm_spi(vm, intid, false);
}

/*
 * The timers and the PMU of KVM_CAP_ARM_USER_IRQ, and the PPIs the
 * device tree gives them.
 */
static const struct {
	uint64_t level_bit;
	unsigned int intid;
} vgic_user_timers[] = {
	{ KVM_ARM_DEV_EL1_VTIMER, BOARD_FIRST_PPI + BOARD_TIMER_PPI_VIRT },
	{ KVM_ARM_DEV_EL1_PTIMER, BOARD_FIRST_PPI + BOARD_TIMER_PPI_PHYS },
	{ KVM_ARM_DEV_PMU, BOARD_FIRST_PPI + BOARD_PMU_PPI },
};

static void vgic_user_set_irq(void *opaque, unsigned int cpu, bool level)
{
	struct vgic_user *vu = opaque;

	/*
	 * KVM_IRQ_LINE only fails for a vCPU that does not exist, and the
	 * model has no way to report it anyway.
	 */
	vm_irq_line(vu->vm, vgic_irq_field(VGIC_IRQ_TYPE_CPU, cpu, 0), level);
}

static int vgic_user_dist_read(void *opaque, uint64_t offset, unsigned int size,
			       uint64_t *val)
{
	struct vgic_user *vu = opaque;

	*val = gicv2_dist_read(&vu->gic, vu->current_cpu(vu->cpu_opaque),
			       offset, size);
	return 0;
}

static int vgic_user_dist_write(void *opaque, uint64_t offset,
				unsigned int size, uint64_t val)
{
	struct vgic_user *vu = opaque;

	gicv2_dist_write(&vu->gic, vu->current_cpu(vu->cpu_opaque), offset,
			 size, val);
	return 0;
}

static int vgic_user_cpu_read(void *opaque, uint64_t offset, unsigned int size,
			      uint64_t *val)
{
	struct vgic_user *vu = opaque;

	*val = gicv2_cpu_read(&vu->gic, vu->current_cpu(vu->cpu_opaque), offset,
			      size);
	return 0;
}

static int vgic_user_cpu_write(void *opaque, uint64_t offset, unsigned int size,
			       uint64_t val)
{
	struct vgic_user *vu = opaque;

	gicv2_cpu_write(&vu->gic, vu->current_cpu(vu->cpu_opaque), offset, size,
			val);
	return 0;
}

static const struct bus_ops vgic_user_dist_ops = {
	.read = vgic_user_dist_read,
	.write = vgic_user_dist_write,
};

static const struct bus_ops vgic_user_cpu_ops = {
	.read = vgic_user_cpu_read,
	.write = vgic_user_cpu_write,
};

int vgic_user_init(struct vgic_user *vu, struct vm *vm, struct bus *bus,
		   unsigned int nr_cpus,
		   unsigned int (*current_cpu)(void *opaque), void *opaque)
{
	int ret;

	memset(vu, 0, sizeof(*vu));
	vu->vm = vm;
	vu->bus = bus;
	vu->current_cpu = current_cpu;
	vu->cpu_opaque = opaque;
	ret = gicv2_init(&vu->gic, nr_cpus, BOARD_NR_IRQS, vgic_user_set_irq,
			 vu);
	if (ret)
		return ret;
	ret = bus_register(bus, BUS_MMIO,
			   &(struct bus_region){
				   .base = BOARD_GIC_DIST_BASE,
				   .len = GICV2_DIST_SIZE,
				   .max_access = 4,
				   .ops = &vgic_user_dist_ops,
				   .opaque = vu,
				   .name = "GICv2 distributor",
			   });
	if (ret)
		return ret;
	return bus_register(bus, BUS_MMIO,
			    &(struct bus_region){
				    .base = BOARD_GICV2_CPU_BASE,
				    .len = GICV2_CPU_SIZE,
				    .max_access = 4,
				    .ops = &vgic_user_cpu_ops,
				    .opaque = vu,
				    .name = "GICv2 CPU interface",
			    });
}

void vgic_user_device_levels(struct vgic_user *vu, unsigned int cpu,
			     uint64_t levels)
{
	uint64_t changed;

	if (cpu >= vu->gic.nr_cpus)
		return;
	changed = levels ^ vu->device_levels[cpu];
	if (!changed)
		return;
	pthread_mutex_lock(&vu->bus->lock);
	for (size_t i = 0; i < ARRAY_SIZE(vgic_user_timers); i++)
		if (changed & vgic_user_timers[i].level_bit)
			gicv2_set_ppi_level(
				&vu->gic, cpu, vgic_user_timers[i].intid,
				levels & vgic_user_timers[i].level_bit);
	pthread_mutex_unlock(&vu->bus->lock);
	vu->device_levels[cpu] = levels;
}

int vgic_user_spi(struct vgic_user *vu, unsigned int intid, bool level)
{
	return gicv2_set_spi_level(&vu->gic, intid, level);
}
