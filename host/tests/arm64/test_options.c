// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the arm64 machine's `hvcheck run` options: irqchip, image format, initrd. */
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
	refused(PARSE("g.elf", "--pmu=kvm"),
		"--pmu is an x86_64 option: the arm64 machine has no vPMU settings");
	assert_string_equal(cmd.foreign, "--pmu");
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
		"--pmu-filter is an x86_64 option");
	/* A value it takes is taken, not a guest image. */
	refused(PARSE("g.elf", "--pmu", "off"), "--pmu is an x86_64 option");
	refused(PARSE("g.elf", "--pmu"), "--pmu needs a value");
	refused(PARSE("g.elf", "--pmu-stats=1"),
		"unknown option '--pmu-stats=1'");
	/* After "--" they are guest words. */
	assert_int_equal(PARSE("g.elf", "--", "--pmu=off", "--pmu-stats"), 0);
	assert_null(cmd.foreign);
	assert_string_equal(cmd.cfg.cmdline, "--pmu=off --pmu-stats");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_irqchip),
		cmocka_unit_test(test_irqchip_bad_arguments),
		cmocka_unit_test(test_irqchip_smp),
		cmocka_unit_test(test_image_format_initrd),
		cmocka_unit_test(test_x86_options_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
