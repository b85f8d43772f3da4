// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the arm64 machine's `hvcheck run` options: irqchip, image, initrd, vPMU. */
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
#include "vmm/arm64/board.h"
#include "vmm/arm64/options.h"

static struct run_cmd cmd;
static char err[MACHINE_ERR_SIZE];
/* The arm64 machine's options, as the parse left them in cmd. */
static const struct arm64_options *const opts =
	(const struct arm64_options *)cmd.machine_opts;

#define PARSE(...)                                                           \
	({                                                                   \
		char *argv[] = { "run", __VA_ARGS__, NULL };                 \
		memset(err, 0, sizeof(err));                                 \
		run_cmd_parse(&cmd, &arm64_machine_options,                  \
			      ARRAY_SIZE(argv) - 1, argv, err, sizeof(err)); \
	})

static void refused(int ret, const char *what)
{
	assert_int_equal(ret, -EINVAL);
	if (!strstr(err, what))
		fail_msg("'%s' not in '%s'", what, err);
}

static void test_irqchip(void **state)
{
	(void)state;
	/* KVM's in-kernel GICv3 unless told otherwise. */
	assert_int_equal(PARSE("g.elf"), 0);
	assert_int_equal(opts->irqchip, VGIC_MODE_KVM_GICV3);
	assert_int_equal(PARSE("g.elf", "--irqchip", "kvm-gicv2"), 0);
	assert_int_equal(opts->irqchip, VGIC_MODE_KVM_GICV2);
	assert_int_equal(PARSE("--irqchip=user-gicv2", "g.elf"), 0);
	assert_int_equal(opts->irqchip, VGIC_MODE_USER_GICV2);
	/* The last one given wins. */
	assert_int_equal(PARSE("g.elf", "--irqchip=user-gicv2", "--irqchip",
			       "kvm-gicv3"),
			 0);
	assert_int_equal(opts->irqchip, VGIC_MODE_KVM_GICV3);
	/* After "--" it is a guest word. */
	assert_int_equal(PARSE("g.elf", "--", "--irqchip=kvm-gicv2"), 0);
	assert_int_equal(opts->irqchip, VGIC_MODE_KVM_GICV3);
	assert_string_equal(cmd.cfg.cmdline, "--irqchip=kvm-gicv2");
}

static void test_irqchip_bad_arguments(void **state)
{
	(void)state;
	refused(PARSE("g.elf", "--irqchip=x"),
		"--irqchip: 'x' is not kvm-gicv3, kvm-gicv2 or user-gicv2");
	refused(PARSE("g.elf", "--irqchip", "GICv3"), "--irqchip: 'GICv3'");
	refused(PARSE("g.elf", "--irqchip="), "--irqchip: ''");
	refused(PARSE("g.elf", "--irqchip"), "--irqchip needs a value");
	assert_null(strchr(err, '\n'));
}

static void test_irqchip_smp(void **state)
{
	(void)state;
	/* A GICv2 has 8 CPU interfaces: --smp beyond them is refused. */
	assert_int_equal(BOARD_GICV2_CPUS, 8);
	assert_int_equal(PARSE("g.elf", "--smp=8", "--irqchip=kvm-gicv2"), 0);
	assert_int_equal(cmd.cfg.smp, 8);
	refused(PARSE("g.elf", "--smp=9", "--irqchip=kvm-gicv2"),
		"--smp 9: kvm-gicv2 serves 1 to 8 vCPUs");
	refused(PARSE("--irqchip", "user-gicv2", "g.elf", "--smp", "64"),
		"--smp 64: user-gicv2 serves 1 to 8 vCPUs");
	assert_null(strchr(err, '\n'));
	/* KVM's GICv3 serves all --smp allows; the order does not matter. */
	assert_int_equal(PARSE("g.elf", "--smp=64"), 0);
	assert_int_equal(PARSE("g.elf", "--irqchip=user-gicv2", "--smp=9",
			       "--irqchip=kvm-gicv3"),
			 0);
	assert_int_equal(cmd.cfg.smp, 9);
}

static void test_image_format_initrd(void **state)
{
	(void)state;
	/* By the file's magic, no initrd, unless told otherwise. */
	assert_int_equal(PARSE("g.bin"), 0);
	assert_int_equal(opts->format, ARM64_FORMAT_AUTO);
	assert_null(opts->initrd);
	assert_int_equal(PARSE("g.bin", "--image-format", "flat"), 0);
	assert_int_equal(opts->format, ARM64_FORMAT_FLAT);
	assert_int_equal(PARSE("--image-format=image", "Image"), 0);
	assert_int_equal(opts->format, ARM64_FORMAT_IMAGE);
	assert_int_equal(PARSE("g.elf", "--image-format=elf"), 0);
	assert_int_equal(opts->format, ARM64_FORMAT_ELF);
	assert_int_equal(PARSE("g.elf", "--image-format=flat",
			       "--image-format=auto"),
			 0);
	assert_int_equal(opts->format, ARM64_FORMAT_AUTO);
	refused(PARSE("g.elf", "--image-format=uImage"),
		"--image-format: 'uImage' is not auto, elf, image or flat");
	assert_int_equal(PARSE("Image", "--initrd", "initrd.cpio"), 0);
	assert_string_equal(opts->initrd, "initrd.cpio");
	refused(PARSE("Image", "--initrd="), "--initrd");
	assert_null(strchr(err, '\n'));
}

static void test_x86_options_refused(void **state)
{
	(void)state;
	refused(PARSE("g.elf", "--pmu-version", "1"),
		"--pmu-version is an x86_64 option: the arm64 vPMU is KVM's PMUv3, with no x86 PMU dimensions or statistics");
	assert_string_equal(cmd.foreign, "--pmu-version");
	assert_ptr_equal(cmd.foreign_owner, &x86_machine_options);
	assert_null(strchr(err, '\n'));
	/* The last one given is named. */
	refused(PARSE("g.elf", "--pmu-filter=none", "--pmu-stats"),
		"--pmu-stats is an x86_64 option");
	assert_string_equal(cmd.foreign, "--pmu-stats");
	refused(PARSE("g.elf", "--pmu-stats", "--pmu-version", "1"),
		"--pmu-version is an x86_64 option");
	assert_string_equal(cmd.foreign, "--pmu-version");
	refused(PARSE("g.elf", "--pmu-fixed-counters=1"),
		"--pmu-fixed-counters is an x86_64 option");
	refused(PARSE("--pmu-gp-counters", "2", "g.elf", "--irqchip=kvm-gicv2",
		      "--pmu-filter", "@policy.txt"),
		"--pmu-gp-counters is an x86_64 option");
	refused(PARSE("g.elf", "--pmu-stats=1"),
		"unknown option '--pmu-stats=1'");
	/* After "--" they are guest words. */
	assert_int_equal(PARSE("g.elf", "--", "--pmu=off", "--pmu-stats"), 0);
	assert_null(cmd.foreign);
	assert_string_equal(cmd.cfg.cmdline, "--pmu=off --pmu-stats");
}

/* arm64's own --pmu: auto, kvm or off; the last one wins. */
static void test_pmu(void **state)
{
	(void)state;
	assert_int_equal(PARSE("g.elf"), 0);
	assert_int_equal(opts->pmu, ARM64_PMU_AUTO);
	assert_int_equal(opts->nr_pmu_filters, 0);
	assert_int_equal(opts->nr_pmu_restore, 0);
	assert_int_equal(PARSE("g.elf", "--pmu", "kvm"), 0);
	assert_int_equal(opts->pmu, ARM64_PMU_KVM);
	assert_int_equal(PARSE("g.elf", "--pmu=kvm", "--pmu=off"), 0);
	assert_int_equal(opts->pmu, ARM64_PMU_OFF);
	refused(PARSE("g.elf", "--pmu=emulated"),
		"--pmu: 'emulated' is not auto, kvm or off");
	refused(PARSE("g.elf", "--pmu"), "--pmu needs a value");
	assert_int_equal(PARSE("g.elf", "--pmu-filter", "allow cpu-cycles",
			       "--pmu-filter=deny 0x8"),
			 0);
	assert_int_equal(opts->nr_pmu_filters, 2);
	assert_string_equal(opts->pmu_filters[0], "allow cpu-cycles");
	assert_string_equal(opts->pmu_filters[1], "deny 0x8");
	refused(PARSE("g.elf", "--pmu=off", "--pmu-filter=deny 0x8"),
		"--pmu=off has no PMU to filter or restore");
	refused(PARSE("g.elf", "--pmu-restore=pmcr=1", "--pmu=off"),
		"--pmu=off has no PMU to filter or restore");
}

static void test_pmu_filter_many(void **state)
{
	char *argv[2 + 2 * (ARM64_MAX_PMU_FILTERS + 1)] = { "run", "g.elf" };
	int argc = 2;

	(void)state;
	for (int i = 0; i < ARM64_MAX_PMU_FILTERS; i++) {
		argv[argc++] = "--pmu-filter";
		argv[argc++] = "none";
	}
	assert_int_equal(run_cmd_parse(&cmd, &arm64_machine_options, argc, argv,
				       err, sizeof(err)),
			 0);
	argv[argc++] = "--pmu-filter";
	argv[argc++] = "none";
	assert_int_equal(run_cmd_parse(&cmd, &arm64_machine_options, argc, argv,
				       err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "--pmu-filter: at most 16 policies");
}

/* --pmu-restore: names to system register encodings, in order. */
static void test_pmu_restore(void **state)
{
	(void)state;
	assert_int_equal(
		PARSE("g.elf", "--pmu-restore",
		      "pmcr=0x41,pmcntenset=0x80000001;PMEVTYPER30=8",
		      "--pmu-restore=pmevcntr9=0xffffffff,pmccfiltr=0,"
		      "pmintenset=1,pmovsset=2,pmselr=31,pmuserenr=0xf,"
		      "pmccntr=18446744073709551615"),
		0);
	assert_int_equal(opts->nr_pmu_restore, 10);
	assert_int_equal(opts->pmu_restore[0].sysreg, 0xdce0);
	assert_int_equal(opts->pmu_restore[0].value, 0x41);
	assert_int_equal(opts->pmu_restore[1].sysreg, 0xdce1);
	assert_int_equal(opts->pmu_restore[2].sysreg, 0xdf7e); /* 14, 15, 6 */
	assert_int_equal(opts->pmu_restore[2].value, 8);
	assert_int_equal(opts->pmu_restore[3].sysreg, 0xdf49); /* 14, 9, 1 */
	assert_int_equal(opts->pmu_restore[4].sysreg, 0xdf7f);
	assert_int_equal(opts->pmu_restore[5].sysreg, 0xc4f1);
	assert_int_equal(opts->pmu_restore[6].sysreg, 0xdcf3);
	assert_int_equal(opts->pmu_restore[7].sysreg, 0xdce5);
	assert_int_equal(opts->pmu_restore[8].sysreg, 0xdcf0);
	assert_int_equal(opts->pmu_restore[9].sysreg, 0xdce8);
	assert_true(opts->pmu_restore[9].value == UINT64_MAX);
}

static void test_pmu_restore_refused(void **state)
{
	(void)state;
	refused(PARSE("g.elf", "--pmu-restore=pmcr"),
		"--pmu-restore: 'pmcr' is not REG=VALUE");
	refused(PARSE("g.elf", "--pmu-restore=pmxevtyper=1"),
		"--pmu-restore: 'pmxevtyper' is no PMU register hvcheck restores (docs/arm64.md)");
	refused(PARSE("g.elf", "--pmu-restore=pmevtyper31=1"),
		"'pmevtyper31' is no PMU register");
	refused(PARSE("g.elf", "--pmu-restore=pmevcntr01=1"),
		"'pmevcntr01' is no PMU register");
	refused(PARSE("g.elf", "--pmu-restore=pmevcntr=1"),
		"'pmevcntr' is no PMU register");
	refused(PARSE("g.elf", "--pmu-restore=pmcr=x"),
		"--pmu-restore: 'pmcr=x': the value is no 64-bit number");
	refused(PARSE("g.elf", "--pmu-restore=pmcr="), "'pmcr=': the value");
	refused(PARSE("g.elf", "--pmu-restore=pmcr=-1"),
		"'pmcr=-1': the value");
	/* strtoull() would take these: a blank, a sign before the digits */
	refused(PARSE("g.elf", "--pmu-restore=pmcr= -1"),
		"'pmcr= -1': the value");
	refused(PARSE("g.elf", "--pmu-restore=pmcr=+1"),
		"'pmcr=+1': the value");
	refused(PARSE("g.elf", "--pmu-restore=pmcr=0x10000000000000000"),
		"the value is no 64-bit number");
	refused(PARSE("g.elf", "--pmu-restore",
		      "pmcr=1,pmcr=1,pmcr=1,pmcr=1,pmcr=1,pmcr=1,pmcr=1,"
		      "pmcr=1,pmcr=1,pmcr=1,pmcr=1,pmcr=1,pmcr=1"),
		"--pmu-restore: at most 12 registers");
	assert_null(strchr(err, '\n'));
	/* Empty words are nothing. */
	assert_int_equal(PARSE("g.elf", "--pmu-restore", ",;pmcr=1,"), 0);
	assert_int_equal(opts->nr_pmu_restore, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_irqchip),
		cmocka_unit_test(test_irqchip_bad_arguments),
		cmocka_unit_test(test_irqchip_smp),
		cmocka_unit_test(test_image_format_initrd),
		cmocka_unit_test(test_x86_options_refused),
		cmocka_unit_test(test_pmu),
		cmocka_unit_test(test_pmu_filter_many),
		cmocka_unit_test(test_pmu_restore),
		cmocka_unit_test(test_pmu_restore_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
