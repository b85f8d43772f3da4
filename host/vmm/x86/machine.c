// SPDX-License-Identifier: GPL-2.0-only
/* The x86_64 machine of `hvcheck run`: Multiboot2, ACPI, CPUID, vPMU. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array_size.h"
#include "hvcheck_abi.h"
#include "vmm/devices/uart.h"
#include "vmm/machine.h"
#include "vmm/x86/acpi.h"
#include "vmm/x86/cpuid.h"
#include "vmm/x86/multiboot2.h"
#include "vmm/x86/options.h"
#include "vmm/x86/vcpu.h"
#include "vmm/x86/vm.h"
#include "vmm/x86/vpmu.h"
#include "vmm/x86/vpmu_kvm.h"

#define X86_UART_IRQ 4 /* COM1's ISA IRQ */

/* The PMU numbers not given go to KVM as they are. */
_Static_assert(X86_PMU_UNSET == VPMU_KVM_AS_SUPPORTED,
	       "X86_PMU_UNSET is vpmu_kvm's AS_SUPPORTED");

/* Everything one run owns; x86_teardown() releases what was made. */
struct x86_machine {
	const struct machine_config *cfg;
	struct machine_image *image;
	struct machine_serial *serial;
	struct machine_core core;
	struct uart uart;
	struct cpuid cpuid;
	struct x86_vpmu vpmu;
	uint32_t entry;
};

const struct machine_options *const machine_native = &x86_machine_options;

static void x86_uart_out(void *opaque, uint8_t byte)
{
	struct x86_machine *x = opaque;

	if (machine_serial_out(x->serial, byte))
		vm_stop(&x->core.vm, HV_EXIT_LOG_CAPPED, VM_NO_VCPU,
			"serial output capped at %llu bytes",
			(unsigned long long)x->serial->max_bytes);
}

static void x86_uart_irq(void *opaque, bool level)
{
	struct x86_machine *x = opaque;

	/*
	 * KVM_IRQ_LINE only fails on a VM without an irqchip, and a UART
	 * has no way to report it anyway.
	 */
	vm_irq_line(&x->core.vm, X86_UART_IRQ, level);
}

/* Image, ACPI tables and boot information into guest RAM: no KVM yet. */
static int x86_prepare_memory(struct x86_machine *x)
{
	static const struct elf_keepout keepout[] = {
		{ HV_X86_BOOTINFO_BASE, HV_X86_BOOTINFO_SIZE,
		  "the boot information" },
		{ HV_X86_ACPI_BASE, HV_X86_ACPI_SIZE, "the ACPI tables" },
	};
	const struct machine_config *c = x->cfg;
	struct guest_mem *mem = &x->core.mem;
	struct mb2_info_config info = {
		.cmdline = c->cmdline,
		.ram_size = (uint64_t)c->mem_mib << 20,
		.rsdp_size = ACPI_RSDP_SIZE,
	};
	char err[MACHINE_ERR_SIZE];
	long ret;

	ret = machine_image_map(x->image);
	if (!ret)
		ret = machine_mem_alloc(mem, c->mem_mib);
	if (ret)
		return ret;
	ret = mb2_load(x->image->data, x->image->size, mem, keepout,
		       ARRAY_SIZE(keepout), &x->entry, err, sizeof(err));
	if (ret)
		return machine_fail(HV_EXIT_BAD_IMAGE, "%s: %s", c->guest, err);
	ret = acpi_build(mem, HV_X86_ACPI_BASE, HV_X86_ACPI_SIZE, c->smp);
	if (ret < 0)
		return machine_fail(HV_EXIT_VMM_ERROR,
				    "cannot build the ACPI tables: %s",
				    strerror(-ret));
	info.rsdp = vm_gpa_to_hva(mem, HV_X86_ACPI_BASE, ACPI_RSDP_SIZE);
	ret = mb2_build_info(mem, HV_X86_BOOTINFO_BASE, HV_X86_BOOTINFO_SIZE,
			     &info);
	if (ret < 0)
		return machine_fail(
			HV_EXIT_VMM_ERROR,
			"cannot build the Multiboot2 information: %s",
			strerror(-ret));
	return 0;
}

/* COM1 and the exit port, on the bus before any vCPU. */
static int x86_devices(struct x86_machine *x)
{
	struct machine_core *core = &x->core;
	int ret;

	uart_init(&x->uart, x86_uart_out, x86_uart_irq, x);
	ret = machine_bus_register(&core->bus, BUS_PIO,
				   &(struct bus_region){
					   .base = HV_X86_UART_COM1_PORT,
					   .len = UART_NR_REGS,
					   .max_access = 1,
					   .ops = &uart_bus_ops,
					   .opaque = &x->uart,
					   .name = "COM1",
				   },
				   "COM1");
	if (ret)
		return ret;
	return machine_exitdev_register(&core->bus, BUS_PIO, HV_X86_EXIT_PORT,
					&core->exitdev, &core->vm,
					"the exit device");
}

/*
 * The host-control channel: every run has it, its features say what
 * works, FILTER_SELECT goes to the vPMU's back end.
 */
static int x86_hostctl(struct x86_machine *x)
{
	struct hostctl *hc = &x->core.hostctl;

	hc->opaque = &x->vpmu;
	hc->filter_count = x->vpmu.opts->nr_pmu_filters;
	if (x->vpmu.can_select)
		hc->filter_select = x86_vpmu_filter_select;
	hostctl_init(hc, x86_vpmu_first_filter(&x->vpmu));
	return machine_hostctl_register(&x->core.bus, BUS_PIO,
					HV_X86_HOSTCTL_PORT,
					HV_X86_HOSTCTL_NR_PORTS, hc,
					"the host-control channel");
}

/* Each vCPU with its topology in CPUID and its vPMU; 0 or -errno. */
static int x86_create_vcpus(struct x86_machine *x)
{
	struct machine_core *core = &x->core;
	unsigned int smp = x->cfg->smp;
	int ret;

	for (unsigned int i = 0; i < smp; i++) {
		struct vcpu *vcpu = &core->vcpus[i];

		ret = cpuid_set_topology(&x->cpuid, i, smp);
		if (ret) {
			core->vm.failed = "guest CPUID";
			return ret;
		}
		ret = x86_vcpu_create(vcpu, &core->vm, &core->bus, i,
				      &x->cpuid);
		if (ret)
			return ret;
		core->nr_vcpus++;
		ret = x86_vpmu_vcpu_init(&x->vpmu, vcpu, i);
		if (ret)
			return ret;
	}
	return x86_vcpu_set_mb2_entry(&core->vcpus[0], x->entry,
				      HV_X86_BOOTINFO_BASE);
}

static int x86_create(struct x86_machine *x)
{
	struct machine_core *core = &x->core;
	int ret;

	ret = machine_kvm_open(core);
	if (ret)
		return ret;
	ret = x86_vm_create(&core->vm, &core->mem);
	if (ret)
		goto err_kvm;
	ret = x86_devices(x);
	if (ret)
		return ret;
	ret = cpuid_get_supported(&core->vm, &x->cpuid);
	if (ret)
		goto err_kvm;
	cpuid_set_hypervisor(&x->cpuid);
	ret = x86_vpmu_setup(&x->vpmu);
	if (!ret)
		ret = x86_hostctl(x);
	if (!ret)
		ret = machine_vcpus_alloc(core, x->cfg->smp);
	if (ret)
		return ret;
	ret = x86_create_vcpus(x);
	if (ret)
		goto err_kvm;
	return 0;

err_kvm:
	return machine_fail(HV_EXIT_VMM_ERROR, "%s: %s", core->vm.failed,
			    strerror(-ret));
}

static void x86_teardown(struct x86_machine *x)
{
	x86_vpmu_destroy(&x->vpmu);
	cpuid_free(&x->cpuid);
	machine_release(&x->core);
}

int machine_run(const struct machine_config *cfg, const void *opts,
		struct machine_image *image, struct machine_serial *serial,
		struct machine_times *times)
{
	struct x86_machine x = {
		.cfg = cfg,
		.image = image,
		.serial = serial,
		.vpmu = { .opts = opts, .cpuid = &x.cpuid, .core = &x.core },
	};
	int status;

	bus_init(&x.core.bus);
	status = x86_vpmu_load_filters(&x.vpmu);
	if (!status)
		status = x86_prepare_memory(&x);
	if (!status)
		status = x86_create(&x);
	if (!status) {
		status = machine_run_vcpus(&x.core.vm, x.core.nr_vcpus,
					   cfg->timeout_s, &vcpu_array_ops,
					   x.core.vcpus);
		times->entry_ns = x.core.vcpus[0].entry_ns;
		times->stop_ns = x.core.vm.stop_ns;
		if (x.vpmu.opts->pmu_stats)
			x86_vpmu_print_stats(&x.vpmu);
	}
	x86_teardown(&x);
	return status;
}
