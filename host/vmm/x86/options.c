// SPDX-License-Identifier: GPL-2.0-only
/* The x86_64 machine's own `hvcheck run` options: its vPMU's. */

#include "array_size.h"
#include "hvcheck_abi.h"
#include "vmm/x86/options.h"
#include "vpmu/amd.h"
#include "vpmu/pebs.h"

#define X86_OPT(field) offsetof(struct x86_options, field)

static int x86_set_pmu_mode(void *dst, const struct option_spec *spec,
			    const char *value, char *err, size_t errlen)
{
	static const char *const modes[] = {
		[VPMU_MODE_AUTO] = "auto",
		[VPMU_MODE_KVM] = "kvm",
		[VPMU_MODE_EMULATED] = "emulated",
		[VPMU_MODE_OFF] = "off",
	};
	struct x86_options *o = dst;
	int m = option_pick(value, modes, ARRAY_SIZE(modes));

	if (m < 0)
		return option_error(
			err, errlen,
			"%s: '%s' is not auto, kvm, emulated or off",
			spec->name, value);
	o->pmu = m;
	return 0;
}

static int x86_set_pmu_vendor(void *dst, const struct option_spec *spec,
			      const char *value, char *err, size_t errlen)
{
	static const char *const vendors[] = {
		[X86_PMU_VENDOR_AUTO] = "auto",
		[X86_PMU_VENDOR_INTEL] = "intel",
		[X86_PMU_VENDOR_AMD] = "amd",
	};
	struct x86_options *o = dst;
	int v = option_pick(value, vendors, ARRAY_SIZE(vendors));

	if (v < 0)
		return option_error(err, errlen,
				    "%s: '%s' is not auto, intel or amd",
				    spec->name, value);
	o->pmu_vendor = v;
	return 0;
}

static int x86_set_pmu_amd(void *dst, const struct option_spec *spec,
			   const char *value, char *err, size_t errlen)
{
	struct x86_options *o = dst;
	int level = option_pick(value, vpmu_amd_level_names,
				ARRAY_SIZE(vpmu_amd_level_names));

	if (level < 0)
		return option_error(err, errlen,
				    "%s: '%s' is not legacy, core or v2",
				    spec->name, value);
	o->pmu_amd = level;
	return 0;
}

static int x86_set_pmu_pebs(void *dst, const struct option_spec *spec,
			    const char *value, char *err, size_t errlen)
{
	struct x86_options *o = dst;
	unsigned int format;

	if (vpmu_pebs_parse(value, &format, &o->pmu_pebs_baseline))
		return option_error(
			err, errlen,
			"%s: '%s' is not off, fmt3, fmt4, fmt5, fmt4-baseline or baseline",
			spec->name, value);
	o->pmu_pebs_format = (int)format;
	return 0;
}

static int x86_add_pmu_filter(void *dst, const struct option_spec *spec,
			      const char *value, char *err, size_t errlen)
{
	struct x86_options *o = dst;

	if (o->nr_pmu_filters == X86_MAX_PMU_FILTERS)
		return option_error(err, errlen, "%s: at most %d policies",
				    spec->name, X86_MAX_PMU_FILTERS);
	o->pmu_filters[o->nr_pmu_filters++] = value;
	return 0;
}

/*
 * A PMU dimension parses as any small number; which ones a vPMU can be
 * is its back end's business once the mode is known.
 */
static const struct option_spec x86_specs[] = {
	{ .name = "--pmu",
	  .arg = "MODE",
	  .help = "the vPMU: auto (default: kvm when KVM offers one,\n"
		  "else emulated), kvm, emulated or off",
	  .set = x86_set_pmu_mode },
	{ .name = "--pmu-vendor",
	  .arg = "VENDOR",
	  .help = "whose PMU: auto (default: the guest CPUID's\n"
		  "vendor, the host's), intel or amd; kvm only\n"
		  "the host's",
	  .set = x86_set_pmu_vendor },
	{ .name = "--pmu-amd",
	  .arg = "LEVEL",
	  .help = "the AMD PMU (docs/vpmu.md): legacy (4 counters),\n"
		  "core (PerfCtrExtCore, 6) or v2 (PerfMonV2, the\n"
		  "emulated default; kvm: as KVM supports)",
	  .set = x86_set_pmu_amd },
	{ .name = "--pmu-version",
	  .arg = "N",
	  .help = "Intel's architectural PMU version: emulated\n"
		  "0..5, kvm up to what KVM supports (0: no PMU)",
	  .set = option_set_int,
	  .offset = X86_OPT(pmu_version),
	  .max = 255 },
	{ .name = "--pmu-gp-counters",
	  .arg = "N",
	  .help = "general-purpose counters (emulated: 1..8;\n"
		  "AMD core and v2: 1..6)",
	  .set = option_set_int,
	  .offset = X86_OPT(pmu_gp),
	  .max = 255 },
	{ .name = "--pmu-fixed-counters",
	  .arg = "N",
	  .help = "fixed counters, Intel's (emulated: 0..3); under\n"
		  "kvm both up to what KVM supports",
	  .set = option_set_int,
	  .offset = X86_OPT(pmu_fixed),
	  .max = 255 },
	{ .name = "--pmu-pebs",
	  .arg = "MODE",
	  .help = "PEBS (docs/vpmu.md): off, or emulated fmt3\n"
		  "(Skylake), fmt4 (Ice Lake server), fmt5\n"
		  "(Sapphire Rapids) as KVM shows them, without\n"
		  "baseline; fmt4-baseline (Ice Lake), baseline\n"
		  "(Sapphire Rapids) with adaptive PEBS; kvm: off\n"
		  "hides KVM's",
	  .set = x86_set_pmu_pebs },
	{ .name = "--pmu-stats",
	  .help = "print the emulated vPMU's exit counts to stderr",
	  .set = option_set_flag,
	  .offset = X86_OPT(pmu_stats) },
	{ .name = "--pmu-filter",
	  .arg = "POLICY",
	  .help = "a PMU event filter (docs/filter.md): policy\n"
		  "text, or @FILE; repeatable, up to 16.  The first\n"
		  "is installed before the guest starts; the guest\n"
		  "can switch to another by its number (0, 1, ...)\n"
		  "through the host-control channel (docs/vmm.md)",
	  .set = x86_add_pmu_filter },
};

static void x86_options_init(void *opts)
{
	*(struct x86_options *)opts = (struct x86_options){
		.pmu = VPMU_MODE_AUTO,
		.pmu_amd = X86_PMU_UNSET,
		.pmu_version = X86_PMU_UNSET,
		.pmu_gp = X86_PMU_UNSET,
		.pmu_fixed = X86_PMU_UNSET,
		.pmu_pebs_format = X86_PMU_UNSET,
	};
}

static int x86_options_check(const struct machine_config *cfg, const void *opts,
			     char *err, size_t errlen)
{
	const struct x86_options *o = opts;

	(void)cfg;
	if (o->pmu == VPMU_MODE_OFF && o->nr_pmu_filters)
		return option_error(
			err, errlen,
			"--pmu=off has no PMU to filter: drop --pmu-filter");
	return 0;
}

_Static_assert(X86_MAX_PMU_FILTERS == 16, "--pmu-filter's help says 16");
_Static_assert(MACHINE_MAX_MEM_MIB == HV_X86_MAX_RAM_MIB,
	       "--mem's bound is the x86 machine's");

const struct machine_options x86_machine_options = {
	.arch = "x86_64",
	.table = { .title = "x86_64 only",
		   .specs = x86_specs,
		   .nr = ARRAY_SIZE(x86_specs) },
	.size = sizeof(struct x86_options),
	.init = x86_options_init,
	.check = x86_options_check,
	.foreign_why = "x86_64 guests are Multiboot2 images on KVM's in-kernel "
		       "PIC, IOAPIC and LAPICs, with an x86 PMU",
};
