// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the x86_64 machine's `hvcheck run` options: the vPMU's. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "array_size.h"
#include "cli/run.h"
#include "vmm/x86/options.h"
#include "vpmu/amd.h"

static struct run_cmd cmd;
static char err[MACHINE_ERR_SIZE];
/* The x86_64 machine's options, as the parse left them in cmd. */
static const struct x86_options *const opts =
	(const struct x86_options *)cmd.machine_opts;

#define PARSE_ARGV(argc, argv)                                             \
	({                                                                 \
		memset(err, 0, sizeof(err));                               \
		run_cmd_parse(&cmd, &x86_machine_options, argc, argv, err, \
			      sizeof(err));                                \
	})

#define PARSE(...)                                           \
	({                                                   \
		char *argv[] = { "run", __VA_ARGS__, NULL }; \
		PARSE_ARGV((int)ARRAY_SIZE(argv) - 1, argv); \
	})

static void refused(int ret, const char *what)
{
	assert_int_equal(ret, -EINVAL);
	if (!strstr(err, what))
		fail_msg("'%s' not in '%s'", what, err);
}

static void test_pmu_defaults(void **state)
{
	(void)state;
	assert_int_equal(PARSE("g.elf"), 0);
	assert_int_equal(opts->pmu, VPMU_MODE_AUTO);
	assert_int_equal(opts->pmu_version, X86_PMU_UNSET);
	assert_int_equal(opts->pmu_gp, X86_PMU_UNSET);
	assert_int_equal(opts->pmu_fixed, X86_PMU_UNSET);
	assert_false(opts->pmu_stats);
	assert_int_equal(opts->nr_pmu_filters, 0);
	assert_int_equal(opts->pmu_vendor, X86_PMU_VENDOR_AUTO);
	assert_int_equal(opts->pmu_amd, X86_PMU_UNSET);
}

/* --pmu-vendor and --pmu-amd: which vendor goes with which is setup's. */
static void test_pmu_vendor_and_amd(void **state)
{
	(void)state;
	assert_int_equal(PARSE("g.elf", "--pmu-vendor=amd", "--pmu-amd=core"),
			 0);
	assert_int_equal(opts->pmu_vendor, X86_PMU_VENDOR_AMD);
	assert_int_equal(opts->pmu_amd, VPMU_AMD_CORE);
	assert_int_equal(PARSE("g.elf", "--pmu-vendor", "intel", "--pmu-amd",
			       "legacy"),
			 0);
	assert_int_equal(opts->pmu_vendor, X86_PMU_VENDOR_INTEL);
	assert_int_equal(opts->pmu_amd, VPMU_AMD_LEGACY);
	assert_int_equal(PARSE("g.elf", "--pmu-amd=v2", "--pmu-vendor=auto"),
			 0);
	assert_int_equal(opts->pmu_vendor, X86_PMU_VENDOR_AUTO);
	assert_int_equal(opts->pmu_amd, VPMU_AMD_V2);
	refused(PARSE("g.elf", "--pmu-vendor=AMD"),
		"--pmu-vendor: 'AMD' is not auto, intel or amd");
	refused(PARSE("g.elf", "--pmu-vendor="), "--pmu-vendor: ''");
	refused(PARSE("g.elf", "--pmu-vendor"), "--pmu-vendor needs a value");
	refused(PARSE("g.elf", "--pmu-amd=v3"),
		"--pmu-amd: 'v3' is not legacy, core or v2");
	refused(PARSE("g.elf", "--pmu-amd", "perfmonv2"),
		"--pmu-amd: 'perfmonv2'");
	assert_null(strchr(err, '\n'));
}

static void test_pmu_modes(void **state)
{
	(void)state;
	assert_int_equal(PARSE("g.elf", "--pmu", "emulated"), 0);
	assert_int_equal(opts->pmu, VPMU_MODE_EMULATED);
	assert_int_equal(PARSE("g.elf", "--pmu=kvm"), 0);
	assert_int_equal(opts->pmu, VPMU_MODE_KVM);
	assert_int_equal(PARSE("g.elf", "--pmu=off"), 0);
	assert_int_equal(opts->pmu, VPMU_MODE_OFF);
	/* The last one given wins, auto included. */
	assert_int_equal(PARSE("g.elf", "--pmu=off", "--pmu", "auto"), 0);
	assert_int_equal(opts->pmu, VPMU_MODE_AUTO);
}

static void test_pmu_numbers_and_stats(void **state)
{
	(void)state;
	assert_int_equal(PARSE("--pmu-version", "1", "--pmu-gp-counters=8",
			       "g.elf", "--pmu-fixed-counters", "0",
			       "--pmu-stats"),
			 0);
	assert_int_equal(opts->pmu_version, 1);
	assert_int_equal(opts->pmu_gp, 8);
	assert_int_equal(opts->pmu_fixed, 0);
	assert_true(opts->pmu_stats);
	assert_string_equal(cmd.cfg.guest, "g.elf");
	/* Which numbers a vPMU takes is the mode's business: 0..255 parse. */
	assert_int_equal(PARSE("g.elf", "--pmu-version=0",
			       "--pmu-gp-counters=255",
			       "--pmu-fixed-counters=255"),
			 0);
	assert_int_equal(opts->pmu_version, 0);
	assert_int_equal(opts->pmu_gp, 255);
	assert_int_equal(opts->pmu_fixed, 255);
	assert_false(opts->pmu_stats);
	assert_int_equal(opts->pmu_pebs_format, X86_PMU_UNSET);
	assert_int_equal(PARSE("g.elf", "--pmu-pebs=fmt4-baseline"), 0);
	assert_int_equal(opts->pmu_pebs_format, 4);
	assert_true(opts->pmu_pebs_baseline);
	assert_int_equal(PARSE("g.elf", "--pmu-pebs", "off"), 0);
	assert_int_equal(opts->pmu_pebs_format, 0);
	/* After "--" they are guest words. */
	assert_int_equal(PARSE("g.elf", "--", "--pmu=off", "--pmu-stats"), 0);
	assert_int_equal(opts->pmu, VPMU_MODE_AUTO);
	assert_false(opts->pmu_stats);
	assert_string_equal(cmd.cfg.cmdline, "--pmu=off --pmu-stats");
}

static void test_pmu_bad_arguments(void **state)
{
	(void)state;
	refused(PARSE("g.elf", "--pmu", "emulate"),
		"--pmu: 'emulate' is not auto, kvm, emulated or off");
	refused(PARSE("g.elf", "--pmu=KVM"), "--pmu: 'KVM'");
	refused(PARSE("g.elf", "--pmu="), "--pmu: ''");
	refused(PARSE("g.elf", "--pmu"), "--pmu needs a value");
	refused(PARSE("g.elf", "--pmu-version"), "--pmu-version needs a value");
	refused(PARSE("g.elf", "--pmu-pebs=fmt6"),
		"--pmu-pebs: 'fmt6' is not off, fmt3, fmt4, fmt5, fmt4-baseline or baseline");
	refused(PARSE("g.elf", "--pmu-version", "256"),
		"--pmu-version: '256' is not a number from 0 to 255");
	refused(PARSE("g.elf", "--pmu-version=-1"), "--pmu-version: '-1'");
	refused(PARSE("g.elf", "--pmu-gp-counters", "four"),
		"--pmu-gp-counters: 'four' is not a number from 0 to 255");
	refused(PARSE("g.elf", "--pmu-gp-counters="), "--pmu-gp-counters: ''");
	refused(PARSE("g.elf", "--pmu-fixed-counters", "3x"),
		"--pmu-fixed-counters: '3x' is not a number from 0 to 255");
	refused(PARSE("g.elf", "--pmu-fixed-counters=99999999999"),
		"--pmu-fixed-counters: '99999999999'");
	refused(PARSE("g.elf", "--pmu-stats=1"),
		"unknown option '--pmu-stats=1'");
	refused(PARSE("g.elf", "--pmu-counters=2"),
		"unknown option '--pmu-counters=2'");
	/* Longer than any option name: still one clear line. */
	refused(PARSE("g.elf", "--pmu-fixed-counters-and-then-some=1"),
		"unknown option '--pmu-fixed-counters-and-then-some=1'");
	assert_null(strchr(err, '\n'));
}

static void test_pmu_filters(void **state)
{
	(void)state;
	assert_int_equal(PARSE("g.elf"), 0);
	assert_int_equal(opts->nr_pmu_filters, 0);
	/* Both spellings, in order; the text is not parsed here. */
	assert_int_equal(PARSE("--pmu-filter", "deny;events=instructions",
			       "g.elf", "--pmu-filter=none",
			       "--pmu-filter=@policy.txt", "--pmu=emulated"),
			 0);
	assert_int_equal(opts->nr_pmu_filters, 3);
	assert_string_equal(opts->pmu_filters[0], "deny;events=instructions");
	assert_string_equal(opts->pmu_filters[1], "none");
	assert_string_equal(opts->pmu_filters[2], "@policy.txt");
	/* A value with '=' in it keeps everything after the first. */
	assert_int_equal(PARSE("g.elf", "--pmu-filter=raw=1,0x0,0x0"), 0);
	assert_string_equal(opts->pmu_filters[0], "raw=1,0x0,0x0");
	/* After "--" it is a guest word. */
	assert_int_equal(PARSE("g.elf", "--", "--pmu-filter=none"), 0);
	assert_int_equal(opts->nr_pmu_filters, 0);
}

static void test_pmu_filter_limits(void **state)
{
	char *argv[2 + 2 * (X86_MAX_PMU_FILTERS + 1) + 1] = { "run", "g.elf" };
	int argc = 2;

	(void)state;
	for (int i = 0; i < X86_MAX_PMU_FILTERS; i++) {
		argv[argc++] = "--pmu-filter";
		argv[argc++] = "none";
	}
	assert_int_equal(PARSE_ARGV(argc, argv), 0);
	assert_int_equal(opts->nr_pmu_filters, X86_MAX_PMU_FILTERS);
	argv[argc++] = "--pmu-filter";
	argv[argc++] = "none";
	refused(PARSE_ARGV(argc, argv), "--pmu-filter: at most 16 policies");

	refused(PARSE("g.elf", "--pmu-filter"), "--pmu-filter needs a value");
	/* No PMU, nothing to filter; with any other mode it is fine. */
	refused(PARSE("g.elf", "--pmu=off", "--pmu-filter=none"),
		"--pmu=off has no PMU to filter: drop --pmu-filter");
	refused(PARSE("--pmu-filter=none", "g.elf", "--pmu", "off"),
		"--pmu=off has no PMU to filter");
	assert_int_equal(PARSE("g.elf", "--pmu=kvm", "--pmu-filter=none"), 0);
	assert_int_equal(PARSE("g.elf", "--pmu=off", "--pmu=auto",
			       "--pmu-filter=none"),
			 0);
	assert_null(strchr(err, '\n'));
}

static void test_arch_options(void **state)
{
	(void)state;
	/* This is the x86_64 machine: arm64's --irqchip is refused. */
	refused(PARSE("g.elf", "--irqchip=user-gicv2"),
		"--irqchip is an arm64 option: x86_64 guests are Multiboot2 images on KVM's in-kernel PIC, IOAPIC and LAPICs");
	assert_ptr_equal(cmd.foreign_owner, &arm64_machine_options);
	refused(PARSE("--irqchip", "kvm-gicv3", "g.elf"),
		"--irqchip is an arm64 option");
	assert_null(strchr(err, '\n'));
	/* Its value is not judged here: the option is refused all the same. */
	refused(PARSE("g.elf", "--irqchip=bogus"),
		"--irqchip is an arm64 option");
	refused(PARSE("g.elf", "--irqchip"), "--irqchip needs a value");
	/* The guest image is missing first. */
	refused(PARSE("--irqchip=kvm-gicv2"), "no guest image given");
	assert_int_equal(PARSE("g.elf", "--", "--irqchip=kvm-gicv2"), 0);
	assert_null(cmd.foreign);
	assert_string_equal(cmd.cfg.cmdline, "--irqchip=kvm-gicv2");
	/* The x86_64 options are this machine's own. */
	assert_int_equal(PARSE("g.elf", "--pmu=kvm", "--pmu-stats"), 0);
	assert_null(cmd.foreign);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pmu_defaults),
		cmocka_unit_test(test_pmu_modes),
		cmocka_unit_test(test_pmu_vendor_and_amd),
		cmocka_unit_test(test_pmu_numbers_and_stats),
		cmocka_unit_test(test_pmu_bad_arguments),
		cmocka_unit_test(test_pmu_filters),
		cmocka_unit_test(test_pmu_filter_limits),
		cmocka_unit_test(test_arch_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
