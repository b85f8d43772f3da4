// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of `hvcheck suite` before its first boot: options, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hvcheck_abi.h"
#include "vmm/suite.h"

static char dir[] = "/tmp/hvcheck-test-suite.XXXXXX";
static char good_cfg[64], bad_cfg[64], nodefault_cfg[64], arm64_cfg[64];
static char out_text[4096], err_text[4096];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int make_fixtures(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(good_cfg, sizeof(good_cfg), "%s/good.cfg", dir);
	snprintf(bad_cfg, sizeof(bad_cfg), "%s/bad.cfg", dir);
	snprintf(nodefault_cfg, sizeof(nodefault_cfg), "%s/nodefault.cfg", dir);
	snprintf(arm64_cfg, sizeof(arm64_cfg), "%s/arm64.cfg", dir);
	write_file(good_cfg, "[selftest.report]\n"
			     "groups = selftest\n"
			     "[selftest.ipi]\n"
			     "smp = 2\n"
			     "args = x=1\n"
			     "groups = selftest smp\n"
			     "targets = vmm\n"
			     "[selftest.must_fail]\n"
			     "groups = selftest nodefault\n");
	write_file(bad_cfg, "[a]\nsmp = lots\n");
	write_file(nodefault_cfg, "[a]\ngroups = nodefault\n");
	write_file(arm64_cfg, "[gic.sgi]\n"
			      "smp = 2\n"
			      "[gic.its]\n"
			      "gic = 3\n"
			      "[gic.v2m]\n"
			      "gic = 2\n"
			      "groups = nodefault\n");
	return 0;
}

static int remove_fixtures(void **state)
{
	(void)state;
	unlink(good_cfg);
	unlink(bad_cfg);
	unlink(nodefault_cfg);
	unlink(arm64_cfg);
	return rmdir(dir);
}

static void read_back(FILE *f, char *text, size_t size)
{
	size_t len;

	rewind(f);
	len = fread(text, 1, size - 1, f);
	text[len] = '\0';
	fclose(f);
}

/*
 * Runs suite_main() on the NULL-terminated words with stdout and stderr
 * captured into out_text and err_text.
 */
static int suite(const char *first, ...)
{
	char *argv[32] = { "suite" };
	FILE *out = tmpfile(), *err = tmpfile();
	int argc = 1, saved_out, saved_err, status;
	va_list ap;

	assert_non_null(out);
	assert_non_null(err);
	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);

	fflush(stdout);
	fflush(stderr);
	saved_out = dup(1);
	saved_err = dup(2);
	dup2(fileno(out), 1);
	dup2(fileno(err), 2);
	status = suite_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	read_back(out, out_text, sizeof(out_text));
	read_back(err, err_text, sizeof(err_text));
	return status;
}

static void assert_contains(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("'%s' not in:\n%s", want, text);
}

static void test_help(void **state)
{
	(void)state;
	assert_int_equal(suite("--help", NULL), 0);
	assert_contains(out_text, "usage: hvcheck suite [options]");
	assert_contains(out_text, "--qemu-accel kvm|tcg");
	assert_string_equal(err_text, "");
}

static void test_bad_options(void **state)
{
	(void)state;
	assert_int_equal(suite("--bogus", NULL), HV_EXIT_USAGE);
	assert_contains(err_text, "bad option or missing value: --bogus");
	assert_int_equal(suite("--manifest", NULL), HV_EXIT_USAGE);
	assert_contains(err_text, "bad option or missing value: --manifest");
	assert_int_equal(suite("--target", "libvirt", NULL), HV_EXIT_USAGE);
	assert_contains(err_text, "--target: unknown target 'libvirt'");
	assert_int_equal(suite("--jobs", "0", NULL), HV_EXIT_USAGE);
	assert_contains(err_text, "--jobs: '0' is not a number from 1 to 32");
	assert_int_equal(suite("--jobs", "33", NULL), HV_EXIT_USAGE);
	assert_int_equal(suite("--jobs", "2x", NULL), HV_EXIT_USAGE);
	assert_int_equal(suite("--jobs", "", NULL), HV_EXIT_USAGE);
	assert_int_equal(suite("--qemu-accel", "hvf", NULL), HV_EXIT_USAGE);
	assert_contains(err_text, "--qemu-accel: 'hvf' is neither kvm nor tcg");
	assert_int_equal(suite("stray", NULL), HV_EXIT_USAGE);
	assert_contains(err_text, "unexpected argument 'stray'");
	assert_int_equal(suite("--arch", "riscv64", "--manifest", good_cfg,
			       NULL),
			 HV_EXIT_USAGE);
	assert_contains(err_text,
			"--arch riscv64: only x86_64 and arm64 are supported");
	assert_int_equal(suite("--gic", "4", NULL), HV_EXIT_USAGE);
	assert_contains(err_text,
			"--gic: '4' is not a list of GIC versions (2, 3)");
	assert_int_equal(suite("--gic", "", NULL), HV_EXIT_USAGE);
	assert_int_equal(suite("--gic", "3", "--manifest", good_cfg, NULL),
			 HV_EXIT_USAGE);
	assert_contains(err_text, "--gic: only for --arch arm64");
	/* the gic key means nothing to an x86_64 guest */
	assert_int_equal(suite("--manifest", arm64_cfg, NULL), HV_EXIT_USAGE);
	assert_contains(err_text, "arm64.cfg:3: [gic.its]: the gic key is only "
				  "for arm64 manifests");
	assert_string_equal(out_text, "");
}

static void test_bad_irqchip(void **state)
{
	(void)state;
	assert_int_equal(suite("--irqchip", "kvm-gicv4", NULL), HV_EXIT_USAGE);
	assert_contains(err_text, "--irqchip: 'kvm-gicv4' is not a list of "
				  "irqchip modes (kvm-gicv3, kvm-gicv2, "
				  "user-gicv2)");
	assert_int_equal(suite("--irqchip", "", NULL), HV_EXIT_USAGE);
	assert_int_equal(suite("--irqchip", "kvm-gicv3,gicv2", NULL),
			 HV_EXIT_USAGE);
	/* the irqchip is the arm64 VMM's */
	assert_int_equal(suite("--irqchip", "kvm-gicv3", "--manifest", good_cfg,
			       NULL),
			 HV_EXIT_USAGE);
	assert_contains(err_text, "--irqchip: only for --arch arm64\n");
	assert_int_equal(suite("--arch", "arm64", "--manifest", arm64_cfg,
			       "--target", "qemu", "--irqchip", "user-gicv2",
			       "--list", NULL),
			 HV_EXIT_USAGE);
	assert_contains(err_text, "--irqchip: only for --target vmm (QEMU's "
				  "GIC is chosen with --gic)\n");
	assert_string_equal(out_text, "");
}

static void test_manifest_errors(void **state)
{
	(void)state;
	assert_int_equal(suite("--manifest", "/nonexistent.cfg", NULL),
			 HV_EXIT_USAGE);
	assert_string_equal(err_text, "hvcheck suite: /nonexistent.cfg: No "
				      "such file or directory\n");
	assert_int_equal(suite("--manifest", bad_cfg, NULL), HV_EXIT_USAGE);
	assert_contains(err_text, "bad.cfg:2: smp: 'lots' is not a number\n");
	assert_int_equal(suite("--manifest", good_cfg, "--tests", "smp nosuch",
			       NULL),
			 HV_EXIT_USAGE);
	assert_contains(err_text,
			"--tests: 'nosuch' names no test and no group in ");
	assert_int_equal(suite("--manifest", nodefault_cfg, NULL),
			 HV_EXIT_USAGE);
	assert_contains(err_text, "no tests selected from ");
}

static void test_list(void **state)
{
	(void)state;
	assert_int_equal(suite("--manifest", good_cfg, "--list", NULL), 0);
	assert_string_equal(out_text,
			    "selftest.report: tests=selftest.report smp=1 "
			    "mem=64 timeout=20 targets=vmm,qemu "
			    "groups=selftest\n"
			    "selftest.ipi: tests=selftest.ipi x=1 smp=2 mem=64 "
			    "timeout=20 targets=vmm groups=selftest,smp\n");
	assert_int_equal(suite("--manifest", good_cfg, "--list", "--tests",
			       "selftest.must_fail,selftest.ipi", NULL),
			 0);
	/* manifest order, whatever the order of --tests */
	assert_string_equal(out_text,
			    "selftest.ipi: tests=selftest.ipi x=1 smp=2 mem=64 "
			    "timeout=20 targets=vmm groups=selftest,smp\n"
			    "selftest.must_fail: tests=selftest.must_fail "
			    "smp=1 mem=64 timeout=20 targets=vmm,qemu "
			    "groups=selftest,nodefault\n");
}

static void test_list_arm64(void **state)
{
	(void)state;
	/* QEMU: one run per GIC version, named after it; gic = 3 keeps to v3 */
	assert_int_equal(suite("--arch", "arm64", "--manifest", arm64_cfg,
			       "--target", "qemu", "--list", NULL),
			 0);
	assert_string_equal(out_text,
			    "gic.sgi@gicv2: tests=gic.sgi smp=2 mem=64 "
			    "timeout=20 targets=vmm,qemu\n"
			    "gic.sgi@gicv3: tests=gic.sgi smp=2 mem=64 "
			    "timeout=20 targets=vmm,qemu\n"
			    "gic.its@gicv3: tests=gic.its smp=1 mem=64 "
			    "timeout=20 targets=vmm,qemu\n");
	assert_int_equal(suite("--arch", "arm64", "--manifest", arm64_cfg,
			       "--target", "qemu", "--gic", "2", "--list",
			       NULL),
			 0);
	assert_string_equal(out_text,
			    "gic.sgi@gicv2: tests=gic.sgi smp=2 mem=64 "
			    "timeout=20 targets=vmm,qemu\n");
	/* an entry with no run left selects nothing */
	assert_int_equal(suite("--arch", "arm64", "--manifest", arm64_cfg,
			       "--target", "qemu", "--gic", "2", "--tests",
			       "gic.its", "--list", NULL),
			 HV_EXIT_USAGE);
	assert_contains(err_text, "no tests selected from ");
}

static void test_list_arm64_vmm(void **state)
{
	(void)state;
	/*
	 * The VMM: one run per irqchip mode, kvm-gicv3 and user-gicv2 by
	 * default; gic = 3 keeps to kvm-gicv3.  --list shows the target
	 * asked for, even on a host that would fall back to QEMU.
	 */
	assert_int_equal(suite("--arch", "arm64", "--manifest", arm64_cfg,
			       "--list", NULL),
			 0);
	assert_string_equal(out_text,
			    "gic.sgi@kvm-gicv3: tests=gic.sgi smp=2 mem=64 "
			    "timeout=20 targets=vmm,qemu\n"
			    "gic.sgi@user-gicv2: tests=gic.sgi smp=2 mem=64 "
			    "timeout=20 targets=vmm,qemu\n"
			    "gic.its@kvm-gicv3: tests=gic.its smp=1 mem=64 "
			    "timeout=20 targets=vmm,qemu\n");
	assert_int_equal(suite("--arch", "arm64", "--manifest", arm64_cfg,
			       "--irqchip", "user-gicv2,kvm-gicv2,kvm-gicv3",
			       "--tests", "gic.sgi,gic.v2m", "--list", NULL),
			 0);
	assert_string_equal(out_text,
			    "gic.sgi@kvm-gicv3: tests=gic.sgi smp=2 mem=64 "
			    "timeout=20 targets=vmm,qemu\n"
			    "gic.sgi@kvm-gicv2: tests=gic.sgi smp=2 mem=64 "
			    "timeout=20 targets=vmm,qemu\n"
			    "gic.sgi@user-gicv2: tests=gic.sgi smp=2 mem=64 "
			    "timeout=20 targets=vmm,qemu\n"
			    "gic.v2m@kvm-gicv2: tests=gic.v2m smp=1 mem=64 "
			    "timeout=20 targets=vmm,qemu groups=nodefault\n"
			    "gic.v2m@user-gicv2: tests=gic.v2m smp=1 mem=64 "
			    "timeout=20 targets=vmm,qemu groups=nodefault\n");
	/* --gic narrows the modes by the GIC version they give */
	assert_int_equal(suite("--arch", "arm64", "--manifest", arm64_cfg,
			       "--gic", "2", "--list", NULL),
			 0);
	assert_string_equal(out_text,
			    "gic.sgi@user-gicv2: tests=gic.sgi smp=2 mem=64 "
			    "timeout=20 targets=vmm,qemu\n");
	/* a GICv3-only entry has no run on GICv2 modes */
	assert_int_equal(suite("--arch", "arm64", "--manifest", arm64_cfg,
			       "--irqchip", "kvm-gicv2,user-gicv2", "--tests",
			       "gic.its", "--list", NULL),
			 HV_EXIT_USAGE);
	assert_contains(err_text, "no tests selected from ");
}

static void test_missing_images(void **state)
{
	(void)state;
	/* vmm needs the guest, or QEMU the ISO when /dev/kvm is unusable */
	assert_int_equal(suite("--manifest", good_cfg, "--guest",
			       "/nonexistent.elf", "--iso", "/nonexistent.iso",
			       "--out", dir, NULL),
			 HV_EXIT_USAGE);
	assert_contains(err_text, ": No such file or directory\n");
	assert_int_equal(suite("--manifest", good_cfg, "--target", "qemu",
			       "--iso", "/nonexistent.iso", "--out", dir, NULL),
			 HV_EXIT_USAGE);
	assert_string_equal(err_text, "hvcheck suite: --iso /nonexistent.iso: "
				      "No such file or directory\n");
	/* arm64 boots the ELF under QEMU: no ISO involved */
	assert_int_equal(suite("--arch", "arm64", "--manifest", arm64_cfg,
			       "--target", "qemu", "--guest",
			       "/nonexistent.elf", "--iso", "/nonexistent.iso",
			       "--out", dir, NULL),
			 HV_EXIT_USAGE);
	assert_string_equal(err_text,
			    "hvcheck suite: --guest /nonexistent.elf: No such "
			    "file or directory\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_bad_irqchip),
		cmocka_unit_test(test_manifest_errors),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_list_arm64),
		cmocka_unit_test(test_list_arm64_vmm),
		cmocka_unit_test(test_missing_images),
	};

	return cmocka_run_group_tests(tests, make_fixtures, remove_fixtures);
}
