// SPDX-License-Identifier: GPL-2.0-only
/* The arm64 machine of `hvcheck run`: one guest on KVM, QEMU virt's shape. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "array_size.h"
#include "hvcheck_abi.h"
#include "vmm/arm64/board.h"
#include "vmm/arm64/boot_info.h"
#include "vmm/arm64/image.h"
#include "vmm/arm64/irqchip.h"
#include "vmm/arm64/options.h"
#include "vmm/arm64/vcpu.h"
#include "vmm/arm64/vpmu_kvm.h"
#include "vmm/bus.h"
#include "vmm/devices/exitdev.h"
#include "vmm/devices/hostctl.h"
#include "vmm/devices/pl011.h"
#include "vmm/machine.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"

/* Everything one run owns; arm64_teardown() releases what was made. */
struct arm64_machine {
	const struct machine_config *cfg;
	const struct arm64_options *opts; /* checked: smp fits the irqchip */
	struct machine_image *image;
	struct machine_serial *serial;
	struct machine_core core;
	struct pl011 uart;
	struct kvm_vcpu_init vcpu_init;
	uint64_t *mpidr;
	int vgic_fd;		     /* kvm-gicv3, kvm-gicv2 */
	struct vgic_user vgic_user;  /* user-gicv2 */
	struct machine_image initrd; /* --initrd */
	struct arm64_boot boot;	     /* where the image went */
	struct arm64_vpmu vpmu;
};

/* The image (and initrd) into guest RAM, before KVM is touched. */
static int arm64_load(struct arm64_machine *m)
{
	const struct machine_config *c = m->cfg;
	char err[MACHINE_ERR_SIZE];
	struct arm64_image_request req = {
		.format = m->opts->format,
		.image = { m->image->data, m->image->size },
		.ram = &m->core.mem,
		.err = err,
		.errlen = sizeof(err),
	};
	int ret;

	if (m->opts->initrd) {
		m->initrd.path = m->opts->initrd;
		ret = machine_image_map(&m->initrd);
		if (ret)
			return ret;
		if (!m->initrd.size)
			return machine_fail(HV_EXIT_BAD_IMAGE,
					    "%s: empty initrd", m->initrd.path);
		req.initrd =
			(struct arm64_file){ m->initrd.data, m->initrd.size };
	}
	ret = machine_mem_alloc(&m->core.mem, c->mem_mib);
	if (ret)
		return ret;
	ret = arm64_image_load(&req, &m->boot);
	if (ret)
		return machine_fail(HV_EXIT_BAD_IMAGE, "%s: %s", c->guest, err);
	return 0;
}

static void arm64_serial_out(void *opaque, uint8_t byte)
{
	struct arm64_machine *m = opaque;

	if (machine_serial_out(m->serial, byte))
		vm_stop(&m->core.vm, HV_EXIT_LOG_CAPPED, VM_NO_VCPU,
			"serial output capped at %llu bytes",
			(unsigned long long)m->serial->max_bytes);
}

static int arm64_hostctl_spi(void *opaque, uint32_t intid,
			     enum hostctl_spi_op op)
{
	struct arm64_machine *m = opaque;
	int ret;

	if (m->opts->irqchip != VGIC_MODE_USER_GICV2) {
		if (op == HOSTCTL_SPI_PULSE)
			return vgic_kvm_spi_pulse(&m->core.vm, intid);
		return vgic_kvm_spi(&m->core.vm, intid,
				    op == HOSTCTL_SPI_ASSERT);
	}
	/* Called under the bus lock, like every access to the model. */
	ret = vgic_user_spi(&m->vgic_user, intid, op != HOSTCTL_SPI_DEASSERT);
	if (!ret && op == HOSTCTL_SPI_PULSE)
		ret = vgic_user_spi(&m->vgic_user, intid, false);
	return ret;
}

/* FILTER_SELECT: KVM's filter, set on the asking vCPU (-EBUSY after a run). */
static int arm64_hostctl_filter(void *opaque, uint32_t index)
{
	struct arm64_machine *m = opaque;

	return arm64_vpmu_filter_select(&m->vpmu, &m->core.vm,
					m->core.vcpus[vcpu_current_id()].fd,
					index);
}

static int arm64_devices(struct arm64_machine *m)
{
	int ret;

	pl011_init(&m->uart, arm64_serial_out, m);
	ret = machine_bus_register(&m->core.bus, BUS_MMIO,
				   &(struct bus_region){
					   .base = HV_ARM64_UART_BASE,
					   .len = PL011_SIZE,
					   .max_access = 4,
					   .ops = &pl011_bus_ops,
					   .opaque = &m->uart,
					   .name = "PL011",
				   },
				   "the PL011");
	if (ret)
		return ret;
	ret = machine_exitdev_register(&m->core.bus, BUS_MMIO,
				       HV_ARM64_EXIT_BASE, &m->core.exitdev,
				       &m->core.vm, "the exit register");
	if (ret)
		return ret;
	m->core.hostctl = (struct hostctl){
		.spi = arm64_hostctl_spi,
		.filter_select = m->vpmu.on ? arm64_hostctl_filter : NULL,
		.opaque = m,
		.filter_count = m->vpmu.nr_policies,
	};
	hostctl_init(&m->core.hostctl,
		     m->vpmu.nr_policies && !m->vpmu.policies[0].none ?
			     0 :
			     HV_HOSTCTL_FILTER_NONE);
	return machine_hostctl_register(&m->core.bus, BUS_MMIO,
					HV_ARM64_HOSTCTL_BASE,
					HV_ARM64_HOSTCTL_SIZE, &m->core.hostctl,
					"the host-control page");
}

static unsigned int arm64_current_cpu(void *opaque)
{
	(void)opaque;
	return vcpu_current_id();
}

/*
 * After every KVM_RUN that returned, exit or -EINTR alike: the timers'
 * levels KVM reports (run->s.regs.device_irq_level) to the GICv2 model.
 */
static void arm64_user_levels(struct vcpu *vcpu)
{
	struct arm64_machine *m = vcpu->machine;

	vgic_user_device_levels(&m->vgic_user, vcpu->id,
				vcpu->run->s.regs.device_irq_level);
}

/* PSCI's system events end the run with what the guest said, if anything. */
static void arm64_handle_exit(struct vcpu *vcpu)
{
	struct arm64_machine *m = vcpu->machine;

	if (vcpu->run->exit_reason == KVM_EXIT_SYSTEM_EVENT)
		arm64_vcpu_system_event(vcpu, machine_serial_said(m->serial));
	else
		arm64_vcpu_handle_exit(vcpu);
}

static const struct vcpu_arch_ops machine_ops = {
	.handle_exit = arm64_handle_exit,
	.dump_regs = arm64_vcpu_dump_regs,
};

static const struct vcpu_arch_ops machine_user_gicv2_ops = {
	.after_run = arm64_user_levels,
	.handle_exit = arm64_handle_exit,
	.dump_regs = arm64_vcpu_dump_regs,
};

/* The GICv2 model on the bus; the timers' levels after each KVM_RUN. */
static int arm64_user_gicv2(struct arm64_machine *m)
{
	int ret;

	if (vm_check_cap(&m->core.vm, KVM_CAP_ARM_USER_IRQ,
			 "KVM_CHECK_EXTENSION(KVM_CAP_ARM_USER_IRQ)") <= 0)
		return machine_fail(
			HV_EXIT_NO_KVM,
			"user-gicv2: this KVM does not report the timers' interrupt levels to userspace (no KVM_CAP_ARM_USER_IRQ)");
	ret = vgic_user_init(&m->vgic_user, &m->core.vm, &m->core.bus,
			     m->core.nr_vcpus, arm64_current_cpu, m);
	if (ret)
		return machine_fail(
			HV_EXIT_VMM_ERROR,
			"user-gicv2: cannot set the GICv2 model up: %s",
			strerror(-ret));
	for (unsigned int i = 0; i < m->core.nr_vcpus; i++)
		m->core.vcpus[i].ops = &machine_user_gicv2_ops;
	return 0;
}

static int arm64_irqchip(struct arm64_machine *m)
{
	const struct arm64_options *o = m->opts;
	char err[MACHINE_ERR_SIZE];
	int ret;

	if (o->irqchip == VGIC_MODE_USER_GICV2)
		return arm64_user_gicv2(m);
	ret = vgic_kvm_create(&m->core.vm, o->irqchip, m->core.nr_vcpus,
			      &m->vgic_fd, err, sizeof(err));
	if (ret == -ENODEV)
		return machine_fail(HV_EXIT_NO_KVM, "%s", err);
	if (ret)
		return machine_fail(HV_EXIT_VMM_ERROR, "%s", err);
	return 0;
}

/* The device tree where the image wants it, x0 of the boot vCPU. */
static int arm64_device_tree(struct arm64_machine *m)
{
	uint64_t room = HV_ARM64_RAM_BASE + m->core.mem.size - m->boot.dtb_base;
	uint64_t max = room < m->boot.dtb_max ? room : m->boot.dtb_max;
	void *dtb = board_gpa_to_hva(&m->core.mem, m->boot.dtb_base, max);
	struct board_dt_config cfg = {
		.ram_size = m->core.mem.size,
		.bootargs = m->cfg->cmdline,
		.nr_cpus = m->core.nr_vcpus,
		.mpidr = m->mpidr,
		.irqchip = m->opts->irqchip,
		.hostctl = true,
		.initrd_start = m->boot.initrd_start,
		.initrd_end = m->boot.initrd_end,
		.pmu = m->vpmu.on,
	};
	long ret;

	ret = board_dt_build(&cfg, dtb, max);
	/* The copy below a flat binary has less room. */
	if (ret > 0 && m->boot.dtb_copy_max &&
	    (uint64_t)ret > m->boot.dtb_copy_max)
		ret = -ENOSPC;
	if (ret < 0)
		return machine_fail(HV_EXIT_VMM_ERROR,
				    "cannot build the device tree: %s",
				    strerror(-ret));
	if (m->boot.dtb_copy_max)
		memcpy(board_gpa_to_hva(&m->core.mem, HV_ARM64_DTB_BASE, ret),
		       dtb, ret);
	return 0;
}

/* An Image of a page size the vCPU lacks would hang before its first line. */
static int arm64_check_granule(struct arm64_machine *m)
{
	unsigned int kib = m->boot.page_kib;
	uint64_t mmfr0;
	int ret;

	if (!kib)
		return 0;
	ret = vm_get_one_reg(&m->core.vm, m->core.vcpus[0].fd,
			     ARM64_SYS_REG(3, 0, 0, 7, 0), &mmfr0);
	if (ret)
		return machine_fail(HV_EXIT_VMM_ERROR, "%s: %s",
				    m->core.vm.failed, strerror(-ret));
	if (!board_has_granule(mmfr0, kib))
		return machine_fail(
			HV_EXIT_BAD_IMAGE,
			"%s: the Image is built for %u KiB pages, which this vCPU does not have (ID_AA64MMFR0_EL1 0x%llx)",
			m->cfg->guest, kib, (unsigned long long)mmfr0);
	return 0;
}

/* The vPMU's mode and policies, and PMU_V3 in every vCPU's features. */
static int arm64_vpmu(struct arm64_machine *m)
{
	char err[MACHINE_ERR_SIZE];
	int ret;

	ret = arm64_vpmu_probe(&m->vpmu, &m->core.vm, m->opts, err,
			       sizeof(err));
	if (ret)
		return machine_fail(ret == -ENODEV ? HV_EXIT_NO_KVM :
				    ret == -EINVAL ? HV_EXIT_USAGE :
						     HV_EXIT_VMM_ERROR,
				    "%s", err);
	arm64_vpmu_features(&m->vpmu, &m->vcpu_init.features[0]);
	return 0;
}

/* vCPU i's PMU: configured before the vGIC's INIT, initialised after. */
static int arm64_vpmu_vcpu(struct arm64_machine *m, unsigned int i,
			   bool after_vgic)
{
	bool kernel_irqchip = m->opts->irqchip != VGIC_MODE_USER_GICV2;
	char err[MACHINE_ERR_SIZE];
	int fd = m->core.vcpus[i].fd, ret;

	if (after_vgic)
		ret = arm64_vpmu_vcpu_init(&m->vpmu, &m->core.vm, fd,
					   kernel_irqchip, err, sizeof(err));
	else
		ret = arm64_vpmu_vcpu_config(&m->vpmu, &m->core.vm, fd, !i, err,
					     sizeof(err));
	if (ret)
		return machine_fail(HV_EXIT_VMM_ERROR, "%s", err);
	/* what pmu.filter needs to tell a vacuous "denied" from a real one */
	m->core.hostctl.host_events_known = m->vpmu.host_events_known;
	m->core.hostctl.host_events = m->vpmu.host_events;
	return 0;
}

static int arm64_create(struct arm64_machine *m)
{
	unsigned int smp = m->cfg->smp;
	struct vm *vm = &m->core.vm;
	int ret;

	ret = machine_kvm_open(&m->core);
	if (ret)
		return ret;
	ret = arm64_vm_create(vm, &m->core.mem, &m->vcpu_init);
	if (ret)
		goto err_kvm;
	ret = arm64_vpmu(m);
	if (ret)
		return ret;
	ret = arm64_devices(m);
	if (ret)
		return ret;

	ret = machine_vcpus_alloc(&m->core, smp);
	if (ret)
		return ret;
	m->mpidr = calloc(smp, sizeof(*m->mpidr));
	if (!m->mpidr)
		return machine_fail(HV_EXIT_VMM_ERROR, "out of memory");
	for (unsigned int i = 0; i < smp; i++) {
		ret = arm64_vcpu_create(&m->core.vcpus[i], vm, &m->core.bus, i,
					&m->vcpu_init, i > 0, &machine_ops);
		if (ret)
			goto err_kvm;
		m->core.vcpus[i].machine = m;
		m->core.nr_vcpus++;
		ret = arm64_vcpu_mpidr(&m->core.vcpus[i], &m->mpidr[i]);
		if (ret)
			goto err_kvm;
		ret = arm64_vpmu_vcpu(m, i, false);
		if (ret)
			return ret;
	}
	ret = arm64_check_granule(m);
	if (ret)
		return ret;
	/* The vGIC wants every vCPU to exist before its INIT. */
	ret = arm64_irqchip(m);
	if (ret)
		return ret;
	for (unsigned int i = 0; i < smp; i++) {
		ret = arm64_vpmu_vcpu(m, i, true);
		if (ret)
			return ret;
	}
	ret = arm64_device_tree(m);
	if (ret)
		return ret;
	ret = arm64_vcpu_set_entry(&m->core.vcpus[0], m->boot.entry,
				   m->boot.dtb_base);
	if (ret)
		goto err_kvm;
	return 0;

err_kvm:
	return machine_fail(HV_EXIT_VMM_ERROR, "%s: %s", vm->failed,
			    strerror(-ret));
}

static void arm64_teardown(struct arm64_machine *m)
{
	if (m->initrd.data)
		munmap((void *)m->initrd.data, m->initrd.size);
	free(m->mpidr);
	arm64_vpmu_free(&m->vpmu);
	if (m->vgic_fd >= 0)
		close(m->vgic_fd);
	machine_release(&m->core);
}

const struct machine_options *const machine_native = &arm64_machine_options;

int machine_run(const struct machine_config *cfg, const void *opts,
		struct machine_image *image, struct machine_serial *serial,
		struct machine_times *times)
{
	struct arm64_machine m = {
		.cfg = cfg,
		.opts = opts,
		.image = image,
		.serial = serial,
		.vgic_fd = -1,
	};
	int status;

	bus_init(&m.core.bus);
	status = machine_image_map(image);
	if (!status)
		status = arm64_load(&m);
	if (!status)
		status = arm64_create(&m);
	if (!status) {
		status = machine_run_vcpus(&m.core.vm, m.core.nr_vcpus,
					   cfg->timeout_s, &vcpu_array_ops,
					   m.core.vcpus);
		times->entry_ns = m.core.vcpus[0].entry_ns;
		times->stop_ns = m.core.vm.stop_ns;
	}
	arm64_teardown(&m);
	return status;
}
