// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of `hvcheck suite` before its first boot: options, errors. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cmocka.h>

#include "hvcheck_abi.h"
#include "cli/suite.h"
#include "runner/suite.h"
#include "runner/version.h"

static char dir[] = "/tmp/hvcheck-test-suite.XXXXXX";
static char good_cfg[64], bad_cfg[64], nodefault_cfg[64], arm64_cfg[64];
static char targets_cfg[64], fake_vmm[64], out_dir[64];
static char out_text[4096], err_text[4096];

/*
 * A stand-in for `hvcheck run` (--vmm): a passing report into the log of
 * --serial, and its arguments on stdout, which the runner appends to it.
 */
static const char fake_vmm_script[] =
	"#!/bin/sh\n"
	"echo \"fake run: $*\"\n"
	"while [ $# -gt 0 ]; do\n"
	"\t[ \"$1\" = --serial ] && log=$2\n"
	"\tshift\n"
	"done\n"
	"printf 'PASS: fake: one\\nPASS: fake: two\\n' >\"$log\"\n"
	"printf 'SUMMARY: 2 tests, 0 unexpected failures\\n' >>\"$log\"\n"
	"printf 'EXIT: STATUS=0\\n' >>\"$log\"\n";

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
	snprintf(targets_cfg, sizeof(targets_cfg), "%s/targets.cfg", dir);
	snprintf(fake_vmm, sizeof(fake_vmm), "%s/fake-vmm", dir);
	snprintf(out_dir, sizeof(out_dir), "%s/out", dir);
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
	write_file(targets_cfg, "[a]\n"
				"targets = vmm\n"
				"[b]\n"
				"targets = qemu\n");
	write_file(fake_vmm, fake_vmm_script);
	return chmod(fake_vmm, 0755);
}

/* rm -r of the results the runner wrote into out_dir. */
static void remove_results(void)
{
	const char *files[] = { "results.json", "results.tap", "results.xml",
				"logs/a.log", "logs/gic.sgi@user-gicv2.log" };
	char path[128];

	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		snprintf(path, sizeof(path), "%s/%s", out_dir, files[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/logs", out_dir);
	rmdir(path);
	rmdir(out_dir);
}

static int remove_fixtures(void **state)
{
	(void)state;
	unlink(good_cfg);
	unlink(bad_cfg);
	unlink(nodefault_cfg);
	unlink(arm64_cfg);
	unlink(targets_cfg);
	unlink(fake_vmm);
	remove_results();
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

/* stdout and stderr, sent to files while the code under test runs. */
struct capture {
	FILE *out, *err;
	int saved_out, saved_err;
};

static void capture_start(struct capture *c)
{
	c->out = tmpfile();
	c->err = tmpfile();
	assert_non_null(c->out);
	assert_non_null(c->err);
	fflush(stdout);
	fflush(stderr);
	c->saved_out = dup(1);
	c->saved_err = dup(2);
	dup2(fileno(c->out), 1);
	dup2(fileno(c->err), 2);
}

/* Gives stdout and stderr back; what they got goes to out_text, err_text. */
static void capture_end(struct capture *c)
{
	fflush(stdout);
	fflush(stderr);
	dup2(c->saved_out, 1);
	dup2(c->saved_err, 2);
	close(c->saved_out);
	close(c->saved_err);
	read_back(c->out, out_text, sizeof(out_text));
	read_back(c->err, err_text, sizeof(err_text));
}

/*
 * Runs suite_main() on the NULL-terminated words with stdout and stderr
 * captured into out_text and err_text.
 */
static int suite(const char *first, ...)
{
	char *argv[32] = { "suite" };
	struct capture c;
	int argc = 1, status;
	va_list ap;

	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);

	capture_start(&c);
	status = suite_main(argc, argv);
	capture_end(&c);
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
	assert_contains(out_text, "\n  --timeout-scale F     every test's "
				  "timeout times F");
	assert_contains(out_text,
			"--resources           print the runner's open fds");
	assert_string_equal(err_text, "");
	/* an option too long for the help's column has it on the next line */
	assert_contains(
		out_text,
		"\n  --target vmm|qemu|nested|libvirt\n"
		"                        where guests run (default vmm: "
		"this VMM on\n"
		"                        /dev/kvm; nested: the same, "
		"inside the nested\n");
	/* one that just fits has it after two blanks */
	assert_contains(out_text, "\n  --qemu-accel kvm|tcg  default kvm when "
				  "/dev/kvm opens, else tcg\n"
				  "  --list                print the selected "
				  "tests and exit\n"
				  "  -v, --verbose         print the command "
				  "that boots each test\n"
				  "  -h, --help            this help\n\n");
}

static void test_bad_options(void **state)
{
	(void)state;
	assert_int_equal(suite("--bogus", NULL), HV_EXIT_USAGE);
	assert_contains(err_text, "bad option or missing value: --bogus");
	assert_int_equal(suite("--manifest", NULL), HV_EXIT_USAGE);
	assert_contains(err_text, "bad option or missing value: --manifest");
	assert_int_equal(suite("--target", "xen", NULL), HV_EXIT_USAGE);
	assert_contains(err_text, "--target: unknown target 'xen' (vmm, "
				  "qemu, nested or libvirt)");
	assert_int_equal(suite("--requested-target", "kvm", NULL),
			 HV_EXIT_USAGE);
	assert_contains(err_text, "--requested-target: unknown target 'kvm' "
				  "(vmm, qemu, nested or libvirt)");
	assert_int_equal(suite("--jobs", "0", NULL), HV_EXIT_USAGE);
	assert_contains(err_text, "--jobs: '0' is not a number from 1 to 32");
	assert_int_equal(suite("--jobs", "33", NULL), HV_EXIT_USAGE);
	assert_int_equal(suite("--jobs", "2x", NULL), HV_EXIT_USAGE);
	assert_int_equal(suite("--jobs", "", NULL), HV_EXIT_USAGE);
	/* 2^32 + 1 is no 1 in disguise */
	assert_int_equal(suite("--jobs", "4294967297", NULL), HV_EXIT_USAGE);
	assert_contains(err_text,
			"--jobs: '4294967297' is not a number from 1 to 32");
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

/*
 * --timeout-scale: F a positive decimal; each refusal is one line and the
 * usage status, like the other options; so is a scaled timeout past the
 * longest.
 */
static void test_bad_timeout_scale(void **state)
{
	static const char *const bad[] = { "0",	  "-2", "nan", "inf", "4x",
					   "1e2", "",	"0.0", "3601" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		assert_int_equal(suite("--timeout-scale", bad[i], "--manifest",
				       good_cfg, "--list", NULL),
				 HV_EXIT_USAGE);
		assert_contains(err_text, "hvcheck suite: --timeout-scale: '");
		assert_string_equal(out_text, "");
	}
	assert_contains(err_text, "'3601' is more than 3600");
	assert_int_equal(suite("--timeout-scale", "0", NULL), HV_EXIT_USAGE);
	assert_string_equal(err_text,
			    "hvcheck suite: --timeout-scale: '0' is not above "
			    "0\n'hvcheck suite --help' lists the options.\n");
	assert_int_equal(suite("--timeout-scale", "-1", NULL), HV_EXIT_USAGE);
	assert_contains(err_text, "--timeout-scale: '-1' is not a decimal "
				  "number with at most 3 decimals");
	/* 20 s x 181 = 3620 s: past the longest timeout */
	assert_int_equal(suite("--timeout-scale", "181", "--manifest", good_cfg,
			       "--list", NULL),
			 HV_EXIT_USAGE);
	assert_contains(err_text, "hvcheck suite: --timeout-scale: "
				  "[selftest.report]: its timeout of 20 s "
				  "times 181 is 3620 s, more than the "
				  "longest, 3600 s in ");
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
	assert_contains(err_text, "--irqchip: only for --target vmm or nested "
				  "(QEMU's GIC is chosen with --gic)\n");
	assert_string_equal(out_text, "");
}

/*
 * --bed is for the nested target, and that target needs it: "nested"
 * names a bed.  --vmm is for the VMM's targets.
 */
static void test_target_options(void **state)
{
	(void)state;
	assert_int_equal(suite("--target", "nested", "--manifest", targets_cfg,
			       "--list", NULL),
			 HV_EXIT_USAGE);
	assert_string_equal(err_text,
			    "hvcheck suite: --target nested: needs --bed (the "
			    "test bed it runs in)\n'hvcheck suite --help' "
			    "lists the options.\n");
	assert_string_equal(out_text, "");
	assert_int_equal(suite("--bed", "x", NULL), HV_EXIT_USAGE);
	assert_contains(err_text, "hvcheck suite: --bed: only for --target "
				  "nested\n");
	assert_int_equal(suite("--target", "qemu", "--bed", "x", NULL),
			 HV_EXIT_USAGE);
	assert_contains(err_text, "--bed: only for --target nested\n");
	assert_int_equal(suite("--target", "nested", "--bed", "", NULL),
			 HV_EXIT_USAGE);
	assert_contains(err_text, "--bed: '' is not one line of text\n");
	assert_int_equal(suite("--target", "nested", "--bed", "a\nb", NULL),
			 HV_EXIT_USAGE);
	assert_contains(err_text, "is not one line of text\n");
	assert_int_equal(suite("--target", "qemu", "--vmm", fake_vmm, NULL),
			 HV_EXIT_USAGE);
	assert_contains(err_text, "--vmm: only for --target vmm or nested "
				  "(QEMU or libvirt boots the guest)\n");
	assert_int_equal(suite("--target", "libvirt", "--vmm", fake_vmm, NULL),
			 HV_EXIT_USAGE);
	assert_int_equal(suite("--target", "qemu", "--connect",
			       "qemu:///system", NULL),
			 HV_EXIT_USAGE);
	assert_contains(err_text,
			"--connect, --stage: only for --target libvirt\n");
	assert_int_equal(suite("--stage", "/tmp", NULL), HV_EXIT_USAGE);
	assert_int_equal(suite("--target", "libvirt", "--connect", "", NULL),
			 HV_EXIT_USAGE);
	assert_contains(err_text, "--connect: empty URI\n");
	assert_int_equal(suite("--manifest", good_cfg, "--guest", good_cfg,
			       "--vmm", "/nonexistent/hvcheck", "--out",
			       out_dir, NULL),
			 HV_EXIT_USAGE);
	assert_string_equal(err_text, "hvcheck suite: --vmm "
				      "/nonexistent/hvcheck: No such file or "
				      "directory\n");
	/* nested is vmm in the bed: its entries, its irqchip runs */
	assert_int_equal(suite("--target", "nested", "--bed", "x", "--manifest",
			       targets_cfg, "--list", NULL),
			 0);
	assert_string_equal(out_text, "a: tests=a smp=1 mem=64 timeout=20 "
				      "targets=vmm\n"
				      "b: tests=b smp=1 mem=64 timeout=20 "
				      "targets=qemu\n");
	assert_int_equal(suite("--arch", "arm64", "--target", "nested", "--bed",
			       "x", "--manifest", arm64_cfg, "--irqchip",
			       "user-gicv2", "--tests", "gic.sgi", "--list",
			       NULL),
			 0);
	assert_string_equal(out_text,
			    "gic.sgi@user-gicv2: tests=gic.sgi smp=2 mem=64 "
			    "timeout=20 targets=vmm,qemu\n");
}

static bool host_is_arm64(void)
{
	struct utsname u;

	return !uname(&u) && !strcmp(u.machine, "aarch64");
}

/* No fallback to QEMU: vmm and nested without KVM exit 69, saying why. */
static void test_no_kvm(void **state)
{
	(void)state;
	if (host_is_arm64())
		skip();
	assert_int_equal(suite("--arch", "arm64", "--manifest", arm64_cfg,
			       "--guest", arm64_cfg, "--out", out_dir, NULL),
			 HV_EXIT_NO_KVM);
	assert_string_equal(err_text,
			    "hvcheck suite: --target vmm: arm64 guests cannot "
			    "run on this host's KVM: use --target qemu, or "
			    "make run-tests ARCH=arm64 TARGET=nested\n");
	assert_string_equal(out_text, "");
	if (!access("/dev/kvm", R_OK | W_OK))
		skip();
	assert_int_equal(suite("--target", "nested", "--bed", "x", "--manifest",
			       good_cfg, "--guest", good_cfg, "--out", out_dir,
			       NULL),
			 HV_EXIT_NO_KVM);
	assert_contains(err_text, "hvcheck suite: --target nested: cannot "
				  "open /dev/kvm (");
	assert_contains(err_text, "): use --target qemu, or run inside the "
				  "nested KVM test bed: make run-tests "
				  "TARGET=nested\n");
	assert_string_equal(out_text, "");
}

static char *read_text(const char *name)
{
	static char text[4096];
	char path[128];
	FILE *in;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", out_dir, name);
	in = fopen(path, "r");
	assert_non_null(in);
	len = fread(text, 1, sizeof(text) - 1, in);
	text[len] = '\0';
	fclose(in);
	return text;
}

/*
 * --vmm runs another VMM, with no /dev/kvm check of the runner's own;
 * --target nested and its fields reach every results file.
 */
static void test_nested_run(void **state)
{
	struct utsname uts;
	char want[512];

	(void)state;
	assert_int_equal(suite("--target", "nested", "--bed", "a bed <&>",
			       "--requested-target", "vmm", "--vmm", fake_vmm,
			       "--manifest", targets_cfg, "--guest",
			       targets_cfg, "--out", out_dir, NULL),
			 0);
	assert_contains(out_text, "PASS a (2 checks, ");
	assert_contains(out_text, "SKIP b (0 checks, 0 ms): not for "
				  "TARGET=nested\n");
	assert_contains(out_text, "1 passed, 0 failed, 1 skipped\n");
	assert_string_equal(err_text, "");
	assert_contains(read_text("results.json"),
			"  \"target\": \"nested\",\n"
			"  \"requested_target\": \"vmm\",\n"
			"  \"bed\": \"a bed <&>\",\n");
	/* the host: the runner's kernel first, hvcheck's build last */
	assert_int_equal(uname(&uts), 0);
	snprintf(want, sizeof(want), "  \"host\": {\n    \"kernel\": \"%s\",\n",
		 uts.release);
	assert_contains(read_text("results.json"), want);
	snprintf(want, sizeof(want),
		 "    \"hvcheck_version\": \"%s\",\n"
		 "    \"hvcheck_commit\": \"%s\"\n  },\n  \"tests\": [\n",
		 hvcheck_version(), hvcheck_commit());
	assert_contains(read_text("results.json"), want);
	/* the guest's report lines, in order; no irqchip on x86_64 */
	assert_contains(
		read_text("results.json"),
		"      \"irqchip\": null,\n"
		"      \"report_dropped\": 0,\n"
		"      \"report\": [\n"
		"        {\"status\": \"PASS\", \"check\": \"fake: one\"},\n"
		"        {\"status\": \"PASS\", \"check\": \"fake: two\"}\n"
		"      ]\n");
	assert_contains(read_text("results.tap"), "1..2\n# bed: a bed <&>\n");
	assert_contains(read_text("results.xml"),
			"<testsuite name=\"hvcheck.x86_64.nested\"");
	assert_contains(
		read_text("results.xml"),
		"<property name=\"bed\" value=\"a bed &lt;&amp;&gt;\"/>");
	/* the fake got hvcheck run's command line; the log names it */
	assert_contains(
		read_text("logs/a.log"),
		"--- fake-vmm run stdout and stderr ---\nfake run: run ");
	remove_results();
}

/*
 * --timeout-scale: the VMM gets the scaled timeout (20 s x 2.5, the
 * default), the results record it and the factor.
 */
static void test_timeout_scale_run(void **state)
{
	(void)state;
	assert_int_equal(suite("--target", "nested", "--bed", "b", "--vmm",
			       fake_vmm, "--manifest", targets_cfg, "--guest",
			       targets_cfg, "--out", out_dir, "--timeout-scale",
			       "2.5", NULL),
			 0);
	assert_contains(read_text("logs/a.log"), " --timeout 50 ");
	assert_contains(read_text("results.json"), "  \"manifest\": \"");
	assert_contains(read_text("results.json"),
			"targets.cfg\",\n  \"timeout_scale\": 2.5,\n");
	assert_contains(read_text("results.json"),
			"      \"mem_mib\": 64,\n      \"timeout_s\": 50,\n");
	assert_contains(read_text("results.tap"),
			"# bed: b\n# timeout_scale: 2.5\n");
	assert_contains(read_text("results.xml"),
			"<property name=\"timeout_scale\" value=\"2.5\"/>");
	remove_results();
}

/* An arm64 run on the VMM records the irqchip mode it ran on. */
static void test_nested_arm64_run(void **state)
{
	(void)state;
	assert_int_equal(suite("--arch", "arm64", "--target", "nested", "--bed",
			       "b", "--vmm", fake_vmm, "--manifest", arm64_cfg,
			       "--guest", arm64_cfg, "--tests", "gic.sgi",
			       "--irqchip", "user-gicv2", "--out", out_dir,
			       NULL),
			 0);
	assert_contains(out_text, "PASS gic.sgi@user-gicv2 (2 checks, ");
	assert_contains(read_text("results.json"),
			"      \"name\": \"gic.sgi@user-gicv2\",\n");
	assert_contains(
		read_text("results.json"),
		"      \"irqchip\": \"user-gicv2\",\n"
		"      \"report_dropped\": 0,\n"
		"      \"report\": [\n"
		"        {\"status\": \"PASS\", \"check\": \"fake: one\"},\n");
	remove_results();
}

/*
 * The runner without its command line, as other commands use it: from
 * suite_options_init(), with no requested target the results name the
 * target the suite ran on.
 */
static void test_run_options(void **state)
{
	struct suite_options opt;
	struct capture c;
	int status;

	(void)state;
	suite_options_init(&opt);
	opt.target_name = "nested";
	opt.bed = "a bed";
	opt.vmm = fake_vmm;
	opt.manifest = targets_cfg;
	opt.guest = targets_cfg;
	opt.out = out_dir;
	capture_start(&c);
	status = suite_run(&opt);
	capture_end(&c);
	assert_int_equal(status, 0);
	assert_contains(out_text, "1 passed, 0 failed, 1 skipped\n");
	assert_string_equal(err_text, "");
	assert_contains(read_text("results.json"),
			"  \"target\": \"nested\",\n"
			"  \"requested_target\": \"nested\",\n");
	remove_results();
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

/* --list shows each timeout scaled, rounded up: 20 s x 0.333 = 6.66 s. */
static void test_list_timeout_scale(void **state)
{
	(void)state;
	assert_int_equal(suite("--manifest", good_cfg, "--list", "--tests",
			       "selftest.report", "--timeout-scale", "0.333",
			       NULL),
			 0);
	assert_string_equal(out_text,
			    "selftest.report: tests=selftest.report smp=1 "
			    "mem=64 timeout=7 targets=vmm,qemu "
			    "groups=selftest\n");
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
	 * asked for, even on a host whose KVM could not run it.
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
	/* vmm needs the guest, checked before /dev/kvm; QEMU the ISO */
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
		cmocka_unit_test(test_bad_timeout_scale),
		cmocka_unit_test(test_bad_irqchip),
		cmocka_unit_test(test_target_options),
		cmocka_unit_test(test_no_kvm),
		cmocka_unit_test(test_nested_run),
		cmocka_unit_test(test_timeout_scale_run),
		cmocka_unit_test(test_nested_arm64_run),
		cmocka_unit_test(test_run_options),
		cmocka_unit_test(test_manifest_errors),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_list_timeout_scale),
		cmocka_unit_test(test_list_arm64),
		cmocka_unit_test(test_list_arm64_vmm),
		cmocka_unit_test(test_missing_images),
	};

	return cmocka_run_group_tests(tests, make_fixtures, remove_fixtures);
}
