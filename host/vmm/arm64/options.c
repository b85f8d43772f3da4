// SPDX-License-Identifier: GPL-2.0-only
/* The arm64 machine's `hvcheck run` options: irqchip, image, initrd, vPMU. */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "array_size.h"
#include "hvcheck_abi.h"
#include "vmm/arm64/board.h"
#include "vmm/arm64/options.h"

#define PMU_NR_EVENT_COUNTERS 31

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

static int arm64_set_pmu(void *dst, const struct option_spec *spec,
			 const char *value, char *err, size_t errlen)
{
	static const char *const modes[] = {
		[ARM64_PMU_AUTO] = "auto",
		[ARM64_PMU_KVM] = "kvm",
		[ARM64_PMU_OFF] = "off",
	};
	struct arm64_options *o = dst;
	int i = option_pick(value, modes, ARRAY_SIZE(modes));

	if (i < 0)
		return option_error(err, errlen,
				    "%s: '%s' is not auto, kvm or off",
				    spec->name, value);
	o->pmu = i;
	return 0;
}

static int arm64_add_pmu_filter(void *dst, const struct option_spec *spec,
				const char *value, char *err, size_t errlen)
{
	struct arm64_options *o = dst;

	if (o->nr_pmu_filters == ARM64_MAX_PMU_FILTERS)
		return option_error(err, errlen, "%s: at most %d policies",
				    spec->name, ARM64_MAX_PMU_FILTERS);
	o->pmu_filters[o->nr_pmu_filters++] = value;
	return 0;
}

/* The registers --pmu-restore names, besides pmevtyperN and pmevcntrN. */
static const struct {
	const char *name;
	uint32_t sysreg;
} pmu_regs[] = {
	{ "pmcr", SYSREG(3, 3, 9, 12, 0) },
	{ "pmcntenset", SYSREG(3, 3, 9, 12, 1) },
	{ "pmselr", SYSREG(3, 3, 9, 12, 5) },
	{ "pmccntr", SYSREG(3, 3, 9, 13, 0) },
	{ "pmuserenr", SYSREG(3, 3, 9, 14, 0) },
	{ "pmovsset", SYSREG(3, 3, 9, 14, 3) },
	{ "pmintenset", SYSREG(3, 0, 9, 14, 1) },
	{ "pmccfiltr", SYSREG(3, 3, 14, 15, 7) },
};

/* pmevtyperN / pmevcntrN: PMEV{TYPER,CNTR}<n>_EL0 = 3, 3, 14, 12|8 + n/8, n%8. */
static bool pmu_reg_counter(const char *name, size_t len, uint32_t *sysreg)
{
	static const struct {
		const char *prefix;
		unsigned int crm;
	} banks[] = { { "pmevtyper", 12 }, { "pmevcntr", 8 } };

	for (size_t b = 0; b < ARRAY_SIZE(banks); b++) {
		size_t plen = strlen(banks[b].prefix);
		unsigned long n = 0;
		size_t i;

		if (len <= plen || len > plen + 2 ||
		    strncasecmp(name, banks[b].prefix, plen))
			continue;
		for (i = plen; i < len && isdigit((unsigned char)name[i]); i++)
			n = n * 10 + (name[i] - '0');
		if (i != len || n >= PMU_NR_EVENT_COUNTERS ||
		    (name[plen] == '0' && len > plen + 1))
			return false;
		*sysreg = SYSREG(3, 3, 14, banks[b].crm + n / 8, n % 8);
		return true;
	}
	return false;
}

static bool pmu_reg_lookup(const char *name, size_t len, uint32_t *sysreg)
{
	for (size_t i = 0; i < ARRAY_SIZE(pmu_regs); i++) {
		if (strlen(pmu_regs[i].name) == len &&
		    !strncasecmp(name, pmu_regs[i].name, len)) {
			*sysreg = pmu_regs[i].sysreg;
			return true;
		}
	}
	return pmu_reg_counter(name, len, sysreg);
}

/* One REG=VALUE word of len bytes. */
static int pmu_restore_word(const char *word, size_t len,
			    struct arm64_pmu_reg *reg, char *err, size_t errlen)
{
	const char *eq = memchr(word, '=', len);
	char value[32], *end;
	size_t vlen;

	if (!eq)
		return option_error(err, errlen,
				    "--pmu-restore: '%.*s' is not REG=VALUE",
				    (int)len, word);
	if (!pmu_reg_lookup(word, eq - word, &reg->sysreg))
		return option_error(
			err, errlen,
			"--pmu-restore: '%.*s' is no PMU register hvcheck restores (docs/arm64.md)",
			(int)(eq - word), word);
	vlen = len - (eq + 1 - word);
	if (!vlen || vlen >= sizeof(value))
		goto bad_value;
	memcpy(value, eq + 1, vlen);
	value[vlen] = '\0';
	errno = 0;
	reg->value = strtoull(value, &end, 0);
	if (!errno && !*end && isdigit((unsigned char)value[0]))
		return 0;
bad_value:
	return option_error(
		err, errlen,
		"--pmu-restore: '%.*s': the value is no 64-bit number",
		(int)len, word);
}

int arm64_pmu_restore_parse(const char *spec, struct arm64_pmu_reg *regs,
			    unsigned int max, unsigned int *nr, char *err,
			    size_t errlen)
{
	const char *p = spec;

	while (*p) {
		size_t len = strcspn(p, ",;");
		int ret;

		if (len) {
			if (*nr == max)
				return option_error(
					err, errlen,
					"--pmu-restore: at most %u registers",
					max);
			ret = pmu_restore_word(p, len, &regs[*nr], err, errlen);
			if (ret)
				return ret;
			++*nr;
		}
		p += len + !!p[len];
	}
	return 0;
}

static int arm64_add_pmu_restore(void *dst, const struct option_spec *spec,
				 const char *value, char *err, size_t errlen)
{
	struct arm64_options *o = dst;

	(void)spec;
	return arm64_pmu_restore_parse(value, o->pmu_restore,
				       ARM64_MAX_PMU_RESTORE,
				       &o->nr_pmu_restore, err, errlen);
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
	{ .name = "--pmu",
	  .arg = "MODE",
	  .help = "the vPMU: auto (default: kvm when KVM offers\n"
		  "KVM_CAP_ARM_PMU_V3, else off), kvm or off\n"
		  "(docs/arm64.md)",
	  .set = arm64_set_pmu },
	{ .name = "--pmu-filter",
	  .arg = "POLICY",
	  .help = "an arm64 PMU event filter (docs/filter.md): text\n"
		  "or @FILE; repeatable, up to 16.  The first is\n"
		  "set before the guest starts; a later one asked for\n"
		  "through the host-control channel is KVM's to refuse",
	  .set = arm64_add_pmu_filter },
	{ .name = "--pmu-restore",
	  .arg = "SPEC",
	  .help = "PMU registers set with KVM_SET_ONE_REG before the\n"
		  "filter and the first run, as after a migration:\n"
		  "REG=VALUE,... (docs/arm64.md); repeatable",
	  .set = arm64_add_pmu_restore },
};

/* KVM's in-kernel GICv3: QEMU virt's gic-version=3. */
static void arm64_options_init(void *opts)
{
	*(struct arm64_options *)opts = (struct arm64_options){
		.irqchip = VGIC_MODE_KVM_GICV3,
		.pmu = ARM64_PMU_AUTO,
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
	if (o->pmu == ARM64_PMU_OFF && (o->nr_pmu_filters || o->nr_pmu_restore))
		return option_error(
			err, errlen,
			"--pmu=off has no PMU to filter or restore: drop --pmu-filter and --pmu-restore");
	return 0;
}

_Static_assert(ARM64_MAX_PMU_FILTERS == 16, "--pmu-filter's help says 16");
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
	.foreign_why = "the arm64 vPMU is KVM's PMUv3, with no x86 PMU "
		       "dimensions or statistics",
};
