// SPDX-License-Identifier: GPL-2.0-only
/* The arm64 side of `hvcheck run`: its options, handed to the machine. */
#include "hvcheck_abi.h"
#include "vmm/arm64/board.h"
#include "vmm/arm64/machine.h"
#include "vmm/machine.h"

_Static_assert(RUN_MAX_MEM_MIB == HV_ARM64_MAX_RAM_MIB,
	       "--mem's bound is the arm64 machine's");

/* --irqchip, or KVM's in-kernel GICv3 (QEMU virt's gic-version=3). */
static int run_arm64_irqchip(const struct run_options *opts,
			     enum vgic_mode *chip)
{
	*chip = VGIC_MODE_KVM_GICV3;
	return opts->irqchip ? vgic_mode_parse(opts->irqchip, chip) : 0;
}

int run_check_options(const struct run_options *opts, char *err, size_t errlen)
{
	enum vgic_mode chip;
	unsigned int max;

	if (opts->pmu_opt)
		return run_arg_error(
			err, errlen,
			"%s is an x86_64 option: the arm64 machine has no vPMU settings",
			opts->pmu_opt);
	if (run_arm64_irqchip(opts, &chip))
		return run_arg_error(
			err, errlen,
			"--irqchip: '%s' is not kvm-gicv3, kvm-gicv2 or user-gicv2",
			opts->irqchip);
	max = board_irqchip_max_cpus(chip);
	if (opts->smp > max)
		return run_arg_error(err, errlen,
				     "--smp %u: %s serves 1 to %u vCPUs",
				     opts->smp, vgic_mode_name(chip), max);
	return 0;
}

int run_machine(const struct run_options *opts, struct run_image *image,
		struct run_serial *serial, struct run_times *times)
{
	struct arm64_machine_options machine = {
		.guest = opts->guest,
		.smp = opts->smp,
		.mem_mib = opts->mem_mib,
		.timeout_s = opts->timeout_s,
		.cmdline = opts->cmdline,
		.serial_out = run_serial_out,
		.serial_opaque = serial,
	};

	int status;

	status = run_image_map(image);
	if (status)
		return status;
	machine.image = image->data;
	machine.image_size = image->size;
	/* run_check_options() has refused a bad name. */
	run_arm64_irqchip(opts, &machine.irqchip);
	return arm64_machine_run(&machine, times);
}
