// SPDX-License-Identifier: GPL-2.0-only
/* The arm64 machine's own `hvcheck run` options: irqchip, image format, initrd. */
#include <stddef.h>

#include "array_size.h"
#include "hvcheck_abi.h"
#include "vmm/arm64/board.h"
#include "vmm/arm64/options.h"

static int arm64_set_irqchip(void *dst, const struct option_spec *spec,
			     const char *value, char *err, size_t errlen)
{
	struct arm64_options *o = dst;

	if (vgic_mode_parse(value, &o->irqchip))
		return option_error(
			err, errlen,
			"%s: '%s' is not kvm-gicv3, kvm-gicv2 or user-gicv2",
			spec->name, value);
	return 0;
}

static int arm64_set_format(void *dst, const struct option_spec *spec,
			    const char *value, char *err, size_t errlen)
{
	static const char *const names[] = {
		[ARM64_FORMAT_AUTO] = "auto",
		[ARM64_FORMAT_ELF] = "elf",
		[ARM64_FORMAT_IMAGE] = "image",
		[ARM64_FORMAT_FLAT] = "flat",
	};
	struct arm64_options *o = dst;
	int i = option_pick(value, names, ARRAY_SIZE(names));

	if (i < 0)
		return option_error(err, errlen,
				    "%s: '%s' is not auto, elf, image or flat",
				    spec->name, value);
	o->format = i;
	return 0;
}

static const struct option_spec arm64_specs[] = {
	{ .name = "--irqchip",
	  .arg = "CHIP",
	  .help = "the GIC: kvm-gicv3 (default: KVM's in-kernel\n"
		  "GICv3), kvm-gicv2, or user-gicv2 (the VMM's own\n"
		  "GICv2, docs/gic.md)",
	  .set = arm64_set_irqchip },
	{ .name = "--image-format",
	  .arg = "FMT",
	  .help = "what GUEST is: auto (default: an ELF by its\n"
		  "magic, a Linux arm64 Image by its \"ARM\\x64\"\n"
		  "magic at 0x38, else a flat binary), elf, image\n"
		  "or flat (docs/arm64-images.md)",
	  .set = arm64_set_format },
	{ .name = "--initrd",
	  .arg = "FILE",
	  .help = "an initrd at the top of RAM, named in the\n"
		  "device tree's /chosen (linux,initrd-start/end)",
	  .set = option_set_path,
	  .offset = offsetof(struct arm64_options, initrd) },
};

/* KVM's in-kernel GICv3: QEMU virt's gic-version=3. */
static void arm64_options_init(void *opts)
{
	*(struct arm64_options *)opts = (struct arm64_options){
		.irqchip = VGIC_MODE_KVM_GICV3,
	};
}

static int arm64_options_check(const struct machine_config *cfg,
			       const void *opts, char *err, size_t errlen)
{
	const struct arm64_options *o = opts;
	unsigned int max = board_irqchip_max_cpus(o->irqchip);

	if (cfg->smp > max)
		return option_error(err, errlen,
				    "--smp %u: %s serves 1 to %u vCPUs",
				    cfg->smp, vgic_mode_name(o->irqchip), max);
	return 0;
}

_Static_assert(MACHINE_MAX_MEM_MIB == HV_ARM64_MAX_RAM_MIB,
	       "--mem's bound is the arm64 machine's");

const struct machine_options arm64_machine_options = {
	.arch = "arm64",
	.table = { .title = "arm64 only",
		   .specs = arm64_specs,
		   .nr = ARRAY_SIZE(arm64_specs) },
	.size = sizeof(struct arm64_options),
	.init = arm64_options_init,
	.check = arm64_options_check,
	.foreign_why = "the arm64 machine has no vPMU settings",
};
