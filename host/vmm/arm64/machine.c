// SPDX-License-Identifier: GPL-2.0-only
/* The arm64 machine of `hvcheck run`: one guest on KVM, QEMU virt's shape. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "array_size.h"
#include "hvcheck_abi.h"
#include "vmm/arm64/boot_info.h"
#include "vmm/elf.h"
#include "vmm/arm64/vcpu.h"
#include "vmm/arm64/machine.h"
#include "vmm/devices/pl011.h"
#include "vmm/arm64/irqchip.h"
#include "vmm/bus.h"
#include "vmm/devices/exitdev.h"
#include "vmm/devices/hostctl.h"
#include "vmm/machine.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"

/* Everything one run owns; machine_teardown() releases what was made. */
struct machine {
	const struct arm64_machine_options *opts;
	struct guest_mem ram;
	struct vm vm;
	bool vm_opened;
	struct bus bus; /* initialised first: always destroyed */
	struct pl011 uart;
	struct exitdev exitdev;
	struct hostctl hostctl;
	struct kvm_vcpu_init vcpu_init;
	struct vcpu *vcpus;
	unsigned int nr_vcpus; /* created so far */
	uint64_t *mpidr;
	int vgic_fd;		    /* kvm-gicv3, kvm-gicv2 */
	struct vgic_user vgic_user; /* user-gicv2 */
	uint64_t entry;
};

/* The image into guest RAM, before KVM is touched. */
static int machine_load(struct machine *m)
{
	const struct arm64_machine_options *o = m->opts;
	const struct elf_keepout keepout[] = {
		{ HV_ARM64_DTB_BASE, HV_ARM64_DTB_MAX, "the device tree" },
	};
	char err[RUN_ERR_SIZE];
	int ret;

	ret = run_mem_alloc(&m->ram, o->mem_mib);
	if (ret)
		return ret;
	ret = elf_load(o->image, o->image_size, &m->ram, keepout,
		       ARRAY_SIZE(keepout), &m->entry, err, sizeof(err));
	if (ret)
		return run_fail(HV_EXIT_BAD_IMAGE, "%s: %s", o->guest, err);
	return 0;
}

static void machine_serial_out(void *opaque, uint8_t byte)
{
	struct machine *m = opaque;

	m->opts->serial_out(m->opts->serial_opaque, byte);
}

static int machine_hostctl_spi(void *opaque, uint32_t intid,
			       enum hostctl_spi_op op)
{
	struct machine *m = opaque;
	int ret;

	if (m->opts->irqchip != VGIC_MODE_USER_GICV2) {
		if (op == HOSTCTL_SPI_PULSE)
			return vgic_kvm_spi_pulse(&m->vm, intid);
		return vgic_kvm_spi(&m->vm, intid, op == HOSTCTL_SPI_ASSERT);
	}
	/* Called under the bus lock, like every access to the model. */
	ret = vgic_user_spi(&m->vgic_user, intid, op != HOSTCTL_SPI_DEASSERT);
	if (!ret && op == HOSTCTL_SPI_PULSE)
		ret = vgic_user_spi(&m->vgic_user, intid, false);
	return ret;
}

static int machine_devices(struct machine *m)
{
	int ret;

	pl011_init(&m->uart, machine_serial_out, m);
	ret = run_bus_register(&m->bus, BUS_MMIO,
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
	ret = run_exitdev_register(&m->bus, BUS_MMIO, HV_ARM64_EXIT_BASE,
				   &m->exitdev, &m->vm, "the exit register");
	if (ret)
		return ret;
	m->hostctl = (struct hostctl){
		.spi = machine_hostctl_spi,
		.opaque = m,
	};
	hostctl_init(&m->hostctl, HV_HOSTCTL_FILTER_NONE);
	return run_hostctl_register(&m->bus, BUS_MMIO, HV_ARM64_HOSTCTL_BASE,
				    HV_ARM64_HOSTCTL_SIZE, &m->hostctl,
				    "the host-control page");
}

static unsigned int machine_current_cpu(void *opaque)
{
	(void)opaque;
	return vcpu_current_id();
}

/*
 * After every KVM_RUN that returned, exit or -EINTR alike: the timers'
 * levels KVM reports (run->s.regs.device_irq_level) to the GICv2 model.
 */
static void machine_user_levels(struct vcpu *vcpu)
{
	struct machine *m = vcpu->machine;

	vgic_user_device_levels(&m->vgic_user, vcpu->id,
				vcpu->run->s.regs.device_irq_level);
}

static const struct vcpu_arch_ops machine_user_gicv2_ops = {
	.after_run = machine_user_levels,
	.handle_exit = arm64_vcpu_handle_exit,
	.dump_regs = arm64_vcpu_dump_regs,
};

/* The GICv2 model on the bus; the timers' levels after each KVM_RUN. */
static int machine_user_gicv2(struct machine *m)
{
	int ret;

	if (vm_check_cap(&m->vm, KVM_CAP_ARM_USER_IRQ,
			 "KVM_CHECK_EXTENSION(KVM_CAP_ARM_USER_IRQ)") <= 0)
		return run_fail(
			HV_EXIT_NO_KVM,
			"user-gicv2: this KVM does not report the timers' interrupt levels to userspace (no KVM_CAP_ARM_USER_IRQ)");
	ret = vgic_user_init(&m->vgic_user, &m->vm, &m->bus, m->nr_vcpus,
			     machine_current_cpu, m);
	if (ret)
		return run_fail(HV_EXIT_VMM_ERROR,
				"user-gicv2: cannot set the GICv2 model up: %s",
				strerror(-ret));
	for (unsigned int i = 0; i < m->nr_vcpus; i++) {
		m->vcpus[i].ops = &machine_user_gicv2_ops;
		m->vcpus[i].machine = m;
	}
	return 0;
}

static int machine_irqchip(struct machine *m)
{
	const struct arm64_machine_options *o = m->opts;
	char err[RUN_ERR_SIZE];
	int ret;

	if (o->irqchip == VGIC_MODE_USER_GICV2)
		return machine_user_gicv2(m);
	ret = vgic_kvm_create(&m->vm, o->irqchip, m->nr_vcpus, &m->vgic_fd, err,
			      sizeof(err));
	if (ret == -ENODEV)
		return run_fail(HV_EXIT_NO_KVM, "%s", err);
	if (ret)
		return run_fail(HV_EXIT_VMM_ERROR, "%s", err);
	return 0;
}

/* The device tree at the base of RAM, x0 of the boot vCPU. */
static int machine_device_tree(struct machine *m)
{
	const struct arm64_machine_options *o = m->opts;
	uint64_t max = m->ram.size < HV_ARM64_DTB_MAX ? m->ram.size :
							HV_ARM64_DTB_MAX;
	struct board_dt_config cfg = {
		.ram_size = m->ram.size,
		.bootargs = o->cmdline,
		.nr_cpus = m->nr_vcpus,
		.mpidr = m->mpidr,
		.irqchip = o->irqchip,
		.hostctl = true,
	};
	long ret;

	ret = board_dt_build(
		&cfg, board_gpa_to_hva(&m->ram, HV_ARM64_DTB_BASE, max), max);
	if (ret < 0)
		return run_fail(HV_EXIT_VMM_ERROR,
				"cannot build the device tree: %s",
				strerror(-ret));
	return 0;
}

static int machine_create(struct machine *m)
{
	const struct arm64_machine_options *o = m->opts;
	struct vm *vm = &m->vm;
	int ret;

	m->vm_opened = true;
	ret = run_kvm_open(vm);
	if (ret)
		return ret;
	ret = arm64_vm_create(vm, &m->ram, &m->vcpu_init);
	if (ret)
		goto err_kvm;
	ret = machine_devices(m);
	if (ret)
		return ret;

	m->vcpus = calloc(o->smp, sizeof(*m->vcpus));
	m->mpidr = calloc(o->smp, sizeof(*m->mpidr));
	if (!m->vcpus || !m->mpidr)
		return run_fail(HV_EXIT_VMM_ERROR, "out of memory");
	for (unsigned int i = 0; i < o->smp; i++) {
		ret = arm64_vcpu_create(&m->vcpus[i], vm, &m->bus, i,
					&m->vcpu_init, i > 0);
		if (ret)
			goto err_kvm;
		m->nr_vcpus++;
		ret = arm64_vcpu_mpidr(&m->vcpus[i], &m->mpidr[i]);
		if (ret)
			goto err_kvm;
	}
	/* The vGIC wants every vCPU to exist before its INIT. */
	ret = machine_irqchip(m);
	if (ret)
		return ret;
	ret = machine_device_tree(m);
	if (ret)
		return ret;
	ret = arm64_vcpu_set_entry(&m->vcpus[0], m->entry, HV_ARM64_DTB_BASE);
	if (ret)
		goto err_kvm;
	return 0;

err_kvm:
	return run_fail(HV_EXIT_VMM_ERROR, "%s: %s", vm->failed,
			strerror(-ret));
}

static void machine_teardown(struct machine *m)
{
	for (unsigned int i = 0; i < m->nr_vcpus; i++)
		vcpu_destroy(&m->vcpus[i]);
	free(m->vcpus);
	free(m->mpidr);
	if (m->vgic_fd >= 0)
		close(m->vgic_fd);
	run_release(&m->bus, m->vm_opened ? &m->vm : NULL, &m->ram);
}

int arm64_machine_run(const struct arm64_machine_options *opts,
		      struct run_times *times)
{
	struct machine m = { .opts = opts, .vgic_fd = -1 };
	int status;

	memset(times, 0, sizeof(*times));
	bus_init(&m.bus);
	status = machine_load(&m);
	if (!status)
		status = machine_create(&m);
	if (!status) {
		status = run_vcpus(&m.vm, m.nr_vcpus, opts->timeout_s,
				   &vcpu_run_ops, m.vcpus);
		times->entry_ns = m.vcpus[0].entry_ns;
		times->stop_ns = m.vm.stop_ns;
	}
	machine_teardown(&m);
	return status;
}
