// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the per-target command lines and exit decoding. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hvcheck_abi.h"
#include "runner/libvirt.h"
#include "runner/target.h"

static struct manifest manifest;

/*
 * [full] sets every key the command lines use; [bare] none; [v3only] and
 * [v2only] narrow the GIC versions.
 */
static int load_manifest(void **state)
{
	static const char text[] = "[full]\n"
				   "tests = selftest.ipi,selftest.timer\n"
				   "args = x=1 selftest.loops=3\n"
				   "smp = 2\n"
				   "mem = 128\n"
				   "timeout = 7\n"
				   "vmm_opts = --pmu=off --timestamps\n"
				   "qemu_opts = -cpu max\n"
				   "[bare]\n"
				   "[v3only]\n"
				   "gic = 3\n"
				   "[v2only]\n"
				   "gic = 2\n";
	FILE *in = fmemopen((void *)text, sizeof(text) - 1, "r");
	char err[128];
	int ret = manifest_parse(in, "t.cfg", &manifest, err, sizeof(err));

	(void)state;
	fclose(in);
	return ret;
}

static int free_manifest(void **state)
{
	(void)state;
	manifest_free(&manifest);
	return 0;
}

static const struct manifest_entry *entry(const char *name)
{
	for (size_t i = 0; i < manifest.count; i++) {
		if (!strcmp(manifest.entry[i].name, name))
			return &manifest.entry[i];
	}
	fail_msg("no entry %s", name);
	return NULL;
}

/* Compares a NULL-terminated argv with a space-joined expectation. */
static void assert_argv(char **argv, const char *want)
{
	char got[1024] = "";

	assert_non_null(argv);
	for (char **a = argv; *a; a++) {
		if (a != argv)
			strcat(got, " ");
		/* an empty or blank-holding word would hide in the join */
		assert_true(**a && !strchr(*a, ' '));
		strcat(got, *a);
	}
	if (strcmp(got, want))
		fail_msg("got  %s\nwant %s", got, want);
	suite_argv_free(argv);
}

static const struct suite_setup vmm_setup = {
	.target = MANIFEST_TARGET_VMM,
	.self = "/opt/hvcheck",
	.guest = "build/x86_64/guest.elf",
	.iso = "build/x86_64/guest.iso",
	.qemu = "qemu-system-x86_64",
};

static const struct suite_setup qemu_setup = {
	.target = MANIFEST_TARGET_QEMU,
	.self = "/opt/hvcheck",
	.guest = "build/x86_64/guest.elf",
	.iso = "build/x86_64/guest.iso",
	.qemu = "qemu-system-x86_64",
	.qemu_kvm = true,
};

/* --vmm NAME, found in PATH: reasons name it as its command line does */
static const struct suite_setup other_vmm_setup = {
	.target = MANIFEST_TARGET_VMM,
	.self = "hvcheck-asan",
	.guest = "build/x86_64/guest.elf",
};

static void test_guest_cmdline(void **state)
{
	char *cmdline;

	(void)state;
	cmdline = suite_guest_cmdline(entry("full"));
	assert_string_equal(
		cmdline,
		"tests=selftest.ipi,selftest.timer x=1 selftest.loops=3");
	free(cmdline);
	cmdline = suite_guest_cmdline(entry("bare"));
	assert_string_equal(cmdline, "tests=bare");
	free(cmdline);
}

static void test_grub_script(void **state)
{
	char *script = suite_grub_script("tests=a x=1,2");

	(void)state;
	assert_string_equal(script, "set hvcheck_cmdline='tests=a x=1,2'\n");
	free(script);
}

static void test_vmm_argv(void **state)
{
	(void)state;
	assert_argv(suite_vmm_argv(&vmm_setup, entry("full"), NULL,
				   "out/logs/full.log"),
		    "/opt/hvcheck run build/x86_64/guest.elf --smp 2 --mem 128 "
		    "--timeout 7 --quiet --serial out/logs/full.log --pmu=off "
		    "--timestamps -- tests=selftest.ipi,selftest.timer x=1 "
		    "selftest.loops=3");
	assert_argv(suite_vmm_argv(&vmm_setup, entry("bare"), NULL, "l.log"),
		    "/opt/hvcheck run build/x86_64/guest.elf --smp 1 --mem 64 "
		    "--timeout 20 --quiet --serial l.log -- tests=bare");
}

static const struct suite_setup arm64_vmm_setup = {
	.target = MANIFEST_TARGET_VMM,
	.self = "/payload/hvcheck",
	.guest = "guest.elf",
	.qemu = "qemu-system-aarch64",
	.arm64 = true,
};

static void test_vmm_argv_irqchip(void **state)
{
	(void)state;
	/* the mode before vmm_opts, so an entry's options come last */
	assert_argv(suite_vmm_argv(&arm64_vmm_setup, entry("full"),
				   "user-gicv2",
				   "out/logs/full@user-gicv2.log"),
		    "/payload/hvcheck run guest.elf --smp 2 --mem 128 "
		    "--timeout 7 --quiet --serial out/logs/full@user-gicv2.log "
		    "--irqchip=user-gicv2 --pmu=off --timestamps -- "
		    "tests=selftest.ipi,selftest.timer x=1 selftest.loops=3");
	assert_argv(suite_vmm_argv(&arm64_vmm_setup, entry("bare"),
				   vgic_mode_name(VGIC_MODE_KVM_GICV3),
				   "l.log"),
		    "/payload/hvcheck run guest.elf --smp 1 --mem 64 "
		    "--timeout 20 --quiet --serial l.log --irqchip=kvm-gicv3 "
		    "-- tests=bare");
}

#define BIT(chip) SUITE_IRQCHIP_BIT(VGIC_MODE_##chip)

/* kvm-gicv2 only when asked for: most GICv3 hosts cannot emulate it. */
static void test_irqchips_default(void **state)
{
	(void)state;
	assert_int_equal(SUITE_IRQCHIPS_DEFAULT,
			 BIT(KVM_GICV3) | BIT(USER_GICV2));
}

static void test_irqchip_list(void **state)
{
	static const struct {
		const char *list;
		int ret;
		unsigned int chips;
	} cases[] = {
		{ "kvm-gicv3", 0, BIT(KVM_GICV3) },
		{ "kvm-gicv2", 0, BIT(KVM_GICV2) },
		{ "user-gicv2", 0, BIT(USER_GICV2) },
		{ "kvm-gicv3,user-gicv2", 0, BIT(KVM_GICV3) | BIT(USER_GICV2) },
		{ " user-gicv2 \tkvm-gicv2,,kvm-gicv3 ", 0,
		  BIT(KVM_GICV3) | BIT(KVM_GICV2) | BIT(USER_GICV2) },
		{ "kvm-gicv3,kvm-gicv3", 0, BIT(KVM_GICV3) },
		{ "", -EINVAL, 0 },
		{ " , ", -EINVAL, 0 },
		{ "kvm-gicv4", -EINVAL, 0 },
		{ "kvm-gicv3,gicv2", -EINVAL, 0 },
		{ "KVM-GICV3", -EINVAL, 0 },
		{ "kvm", -EINVAL, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		unsigned int chips = 0xdead;
		int ret = suite_irqchip_list(cases[i].list, &chips);

		if (ret != cases[i].ret || (!ret && chips != cases[i].chips))
			fail_msg("'%s': got %d chips %#x", cases[i].list, ret,
				 chips);
	}
}

/* The gic key, and --gic, pick the modes by the GIC the guest sees. */
static void test_irqchips_of(void **state)
{
	const unsigned int all = BIT(KVM_GICV3) | BIT(KVM_GICV2) |
				 BIT(USER_GICV2);

	(void)state;
	assert_int_equal(
		suite_irqchips_of(entry("bare"), all, MANIFEST_GIC_ALL), all);
	assert_int_equal(suite_irqchips_of(entry("v3only"), all,
					   MANIFEST_GIC_ALL),
			 BIT(KVM_GICV3));
	assert_int_equal(suite_irqchips_of(entry("v2only"), all,
					   MANIFEST_GIC_ALL),
			 BIT(KVM_GICV2) | BIT(USER_GICV2));
	assert_int_equal(suite_irqchips_of(entry("v2only"),
					   SUITE_IRQCHIPS_DEFAULT,
					   MANIFEST_GIC_ALL),
			 BIT(USER_GICV2));
	assert_int_equal(suite_irqchips_of(entry("bare"), all, MANIFEST_GIC_V3),
			 BIT(KVM_GICV3));
	assert_int_equal(suite_irqchips_of(entry("bare"), all, MANIFEST_GIC_V2),
			 BIT(KVM_GICV2) | BIT(USER_GICV2));
	/* nothing left: the entry does not run */
	assert_int_equal(
		suite_irqchips_of(entry("v3only"), all, MANIFEST_GIC_V2), 0);
	assert_int_equal(suite_irqchips_of(entry("v3only"),
					   BIT(KVM_GICV2) | BIT(USER_GICV2),
					   MANIFEST_GIC_ALL),
			 0);
}

static void test_qemu_argv(void **state)
{
	struct suite_setup tcg = qemu_setup;

	(void)state;
	assert_argv(suite_qemu_argv(&qemu_setup, entry("full"), "/tmp/w/0.img",
				    "out/logs/full.log"),
		    "qemu-system-x86_64 -accel kvm -cpu host -smp 2 -m 128 "
		    "-nodefaults -display none -no-reboot "
		    "-device isa-debug-exit,iobase=0xf4,iosize=0x04 "
		    "-chardev file,id=hvcheck-serial,path=out/logs/full.log "
		    "-serial chardev:hvcheck-serial "
		    "-drive file=build/x86_64/guest.iso,format=raw,if=ide,"
		    "media=cdrom,readonly=on "
		    "-drive file=/tmp/w/0.img,format=raw,if=ide -boot order=d "
		    "-cpu max");
	/* commas in paths would end QEMU option values */
	tcg.qemu_kvm = false;
	tcg.iso = "a,b.iso";
	assert_argv(
		suite_qemu_argv(&tcg, entry("bare"), "d,,.img", "l,.log"),
		"qemu-system-x86_64 -accel tcg -smp 1 -m 64 "
		"-nodefaults -display none -no-reboot "
		"-device isa-debug-exit,iobase=0xf4,iosize=0x04 "
		"-chardev file,id=hvcheck-serial,path=l,,.log "
		"-serial chardev:hvcheck-serial "
		"-drive file=a,,b.iso,format=raw,if=ide,media=cdrom,readonly=on "
		"-drive file=d,,,,.img,format=raw,if=ide -boot order=d");
}

static const struct suite_setup arm64_setup = {
	.target = MANIFEST_TARGET_QEMU,
	.self = "/opt/hvcheck",
	.guest = "build/arm64/guest.elf",
	.iso = "build/arm64/guest.iso",
	.qemu = "qemu-system-aarch64",
	.arm64 = true,
};

/* The word after @word in argv. */
static const char *after(char **argv, const char *word)
{
	for (char **a = argv; *a; a++) {
		if (!strcmp(*a, word))
			return a[1];
	}
	fail_msg("no %s in argv", word);
	return NULL;
}

static void test_qemu_arm64_argv(void **state)
{
	struct suite_setup kvm = arm64_setup;
	char **argv;

	(void)state;
	assert_argv(
		suite_qemu_arm64_argv(&arm64_setup, entry("bare"), 2,
				      "out/logs/bare@gicv2.log"),
		"qemu-system-aarch64 -accel tcg -M virt,gic-version=2 "
		"-cpu max -smp 1 -m 64 -nodefaults -display none "
		"-no-reboot -semihosting "
		"-chardev file,id=hvcheck-serial,path=out/logs/bare@gicv2.log "
		"-serial chardev:hvcheck-serial "
		"-kernel build/arm64/guest.elf -append tests=bare");
	kvm.qemu_kvm = true;
	assert_argv(suite_qemu_arm64_argv(&kvm, entry("bare"), 3, "l,.log"),
		    "qemu-system-aarch64 -accel kvm -M virt,gic-version=3 "
		    "-cpu host -smp 1 -m 64 -nodefaults -display none "
		    "-no-reboot -semihosting "
		    "-chardev file,id=hvcheck-serial,path=l,,.log "
		    "-serial chardev:hvcheck-serial "
		    "-kernel build/arm64/guest.elf -append tests=bare");
	/* the command line is one word; qemu_opts come last */
	argv = suite_qemu_arm64_argv(&arm64_setup, entry("full"), 3, "l.log");
	assert_non_null(argv);
	assert_string_equal(after(argv, "-smp"), "2");
	assert_string_equal(after(argv, "-m"), "128");
	assert_string_equal(
		after(argv, "-append"),
		"tests=selftest.ipi,selftest.timer x=1 selftest.loops=3");
	assert_string_equal(after(argv, after(argv, "-append")), "-cpu");
	suite_argv_free(argv);
}

/* Whether the words hold "-M virtualization=on". */
static bool asks_el2(char *const *word, size_t count)
{
	for (size_t i = 0; i + 1 < count; i++) {
		if (!strcmp(word[i], "-M") &&
		    !strcmp(word[i + 1], "virtualization=on"))
			return true;
	}
	return false;
}

/*
 * Only pmu.el2 in the real arm64 manifest enters the guest at EL2, and
 * its -M virtualization=on follows the runner's own -M (QEMU merges
 * later -M options into the machine's).
 */
static void test_qemu_arm64_el2(void **state)
{
	struct manifest m = { 0 };
	const struct manifest_entry *el2 = NULL;
	char err[256];
	char **argv;
	size_t n;

	(void)state;
	assert_int_equal(manifest_load("guest/tests/arm64.cfg", &m, err,
				       sizeof(err)),
			 0);
	for (size_t i = 0; i < m.count; i++) {
		const struct manifest_entry *e = &m.entry[i];
		bool want = !strcmp(e->name, "pmu.el2");

		if (want)
			el2 = e;
		if (asks_el2(e->qemu_opts.word, e->qemu_opts.count) != want)
			fail_msg("%s: only pmu.el2 asks for EL2", e->name);
	}
	assert_non_null(el2);
	argv = suite_qemu_arm64_argv(&arm64_setup, el2, 3, "l.log");
	assert_non_null(argv);
	assert_string_equal(after(argv, "-M"), "virt,gic-version=3");
	for (n = 0; argv[n]; n++)
		;
	assert_true(asks_el2(argv, n));
	suite_argv_free(argv);
	manifest_free(&m);
}

static void test_run_name(void **state)
{
	char *name = suite_run_name("gic.sgi", 3);

	(void)state;
	assert_string_equal(name, "gic.sgi@gicv3");
	free(name);
	name = suite_irqchip_run_name("gic.sgi", VGIC_MODE_KVM_GICV3);
	assert_string_equal(name, "gic.sgi@kvm-gicv3");
	free(name);
	name = suite_irqchip_run_name("gic.spi", VGIC_MODE_USER_GICV2);
	assert_string_equal(name, "gic.spi@user-gicv2");
	free(name);
}

static void test_deadline(void **state)
{
	(void)state;
	/* hvcheck run times itself out; the runner only backs it up */
	assert_int_equal(suite_deadline_ms(&vmm_setup, entry("full"), 1000, 0),
			 1000 + 1000 * (7 + SUITE_VMM_GRACE_S));
	assert_int_equal(suite_deadline_ms(&vmm_setup, entry("full"), 1000,
					   1500),
			 1000 + 1000 * (7 + SUITE_VMM_GRACE_S));
	/* under QEMU the timeout starts with the first serial output */
	assert_int_equal(suite_deadline_ms(&qemu_setup, entry("bare"), 1000, 0),
			 1000 + 1000 * SUITE_QEMU_BOOT_ALLOWANCE_S);
	assert_int_equal(suite_deadline_ms(&qemu_setup, entry("bare"), 1000,
					   31000),
			 31000 + 1000 * 20);
	/* arm64 has no firmware to wait for */
	assert_int_equal(suite_deadline_ms(&arm64_setup, entry("bare"), 1000,
					   0),
			 1000 + 1000 * SUITE_KERNEL_BOOT_ALLOWANCE_S);
	assert_int_equal(suite_deadline_ms(&arm64_setup, entry("full"), 1000,
					   1200),
			 1200 + 1000 * 7);
}

struct end_case {
	const struct suite_setup *setup;
	struct suite_child_end end;
	const char *log;
	const char *output_line;
	bool has_guest_status;
	int guest_status;
	const char *error;
};

#define EXITED(status)           \
	{                        \
		.code = (status) \
	}
#define SIGNALED(sig)                           \
	{                                       \
		.signaled = true, .code = (sig) \
	}
/* Stopped by the watchdog: @how far it went, @sig the child died of. */
#define STOPPED(how, output, sig)                       \
	{                                               \
		.stop = (how), .output_seen = (output), \
		.signaled = (sig) != 0, .code = (sig)   \
	}
#define KILLED(output) STOPPED(CHILD_STOP_TERM, output, 15)
#define GUEST(setup, end, log, status)                    \
	{                                                 \
		setup, end, log, NULL, true, status, NULL \
	}
#define ERROR(setup, end, log, output_line, error)            \
	{                                                     \
		setup, end, log, output_line, false, 0, error \
	}

static const struct end_case ends[] = {
	GUEST(&vmm_setup, EXITED(0), "", 0),
	GUEST(&vmm_setup, EXITED(1), "", 1),
	GUEST(&vmm_setup, EXITED(63), "", 63),
	ERROR(&vmm_setup, EXITED(HV_EXIT_USAGE), "",
	      "hvcheck run: unknown option '--pmu'",
	      "hvcheck run: bad command line: hvcheck run: unknown option "
	      "'--pmu'"),
	ERROR(&vmm_setup, EXITED(HV_EXIT_BAD_IMAGE), "",
	      "hvcheck: guest.elf: bad Multiboot2 checksum",
	      "image refused: hvcheck: guest.elf: bad Multiboot2 checksum"),
	ERROR(&vmm_setup, EXITED(HV_EXIT_NO_KVM), "", NULL,
	      "no usable /dev/kvm"),
	ERROR(&vmm_setup, EXITED(HV_EXIT_VMM_ERROR), "", "", "VMM error"),
	ERROR(&vmm_setup, EXITED(HV_EXIT_TIMEOUT), "", "x",
	      "timeout after 20 s"),
	ERROR(&vmm_setup, EXITED(HV_EXIT_TRIPLE_FAULT), "", "x",
	      "triple fault"),
	ERROR(&vmm_setup, EXITED(HV_EXIT_INTERNAL_ERROR), "", "x",
	      "KVM internal error"),
	ERROR(&vmm_setup, EXITED(HV_EXIT_UNHANDLED), "", "x",
	      "unhandled VM exit"),
	ERROR(&vmm_setup, EXITED(100), "", "oops",
	      "hvcheck run exited with status 100: oops"),
	ERROR(&vmm_setup, SIGNALED(11), "", NULL,
	      "hvcheck run killed by signal 11 (Segmentation fault)"),
	/* the watchdog: SIGTERM, SIGKILL 2 s later, given up 5 s after */
	ERROR(&vmm_setup, KILLED(false), "", NULL,
	      "timeout after 20 s: hvcheck run still running 5 s later, ended "
	      "by SIGTERM"),
	ERROR(&vmm_setup, STOPPED(CHILD_STOP_KILL, false, 9), "PASS: a\n", NULL,
	      "timeout after 20 s: hvcheck run still running 5 s later, did "
	      "not exit within 2 s of SIGTERM, killed by SIGKILL"),
	ERROR(&vmm_setup, STOPPED(CHILD_STOP_STUCK, false, 0), "PASS: a\n",
	      NULL,
	      "timeout after 20 s: hvcheck run still running 5 s later, did "
	      "not exit 5 s after SIGKILL (stuck in the kernel?)"),
	/* whatever it exited with once SIGTERM was sent */
	ERROR(&vmm_setup, STOPPED(CHILD_STOP_TERM, false, 0), "", NULL,
	      "timeout after 20 s: hvcheck run still running 5 s later, ended "
	      "by SIGTERM"),
	/* another VMM (--vmm) is named by its own basename */
	ERROR(&other_vmm_setup, EXITED(HV_EXIT_USAGE), "", "x",
	      "hvcheck-asan run: bad command line: x"),
	ERROR(&other_vmm_setup, EXITED(100), "", NULL,
	      "hvcheck-asan run exited with status 100"),
	ERROR(&other_vmm_setup, SIGNALED(6), "", NULL,
	      "hvcheck-asan run killed by signal 6 (Aborted)"),
	ERROR(&other_vmm_setup, STOPPED(CHILD_STOP_KILL, false, 9), "", NULL,
	      "timeout after 20 s: hvcheck-asan run still running 5 s later, "
	      "did not exit within 2 s of SIGTERM, killed by SIGKILL"),
	/* QEMU exits (status << 1) | 1 through isa-debug-exit */
	GUEST(&qemu_setup, EXITED(1), "EXIT: STATUS=0\n", 0),
	GUEST(&qemu_setup, EXITED(3), "", 1),
	GUEST(&qemu_setup, EXITED(127), "", 63),
	/* ...but 1 is also how QEMU itself fails */
	ERROR(&qemu_setup, EXITED(1), "",
	      "qemu-system-x86_64: -foo: invalid option",
	      "QEMU failed with status 1: qemu-system-x86_64: -foo: invalid "
	      "option"),
	ERROR(&qemu_setup, EXITED(2), "", NULL, "QEMU failed with status 2"),
	ERROR(&qemu_setup, EXITED(0), "PASS: a\n", NULL,
	      "QEMU exited without a guest exit status (triple fault, reset "
	      "or power-off)"),
	ERROR(&qemu_setup, EXITED(0), "hvcheck-grub: no disk holds x\n", NULL,
	      "GRUB: no disk holds x"),
	ERROR(&qemu_setup, SIGNALED(9), "", NULL,
	      "QEMU killed by signal 9 (Killed)"),
	ERROR(&qemu_setup, KILLED(true), "PASS: a\n", NULL,
	      "timeout after 20 s"),
	ERROR(&qemu_setup, KILLED(false), "", NULL,
	      "timeout: no serial output within 300 s of starting QEMU "
	      "(SeaBIOS, GRUB or the guest hung)"),
	/* QEMU exits 0 on SIGTERM: that is no guest status */
	ERROR(&qemu_setup, STOPPED(CHILD_STOP_TERM, true, 0), "PASS: a\n", NULL,
	      "timeout after 20 s"),
	ERROR(&qemu_setup, STOPPED(CHILD_STOP_KILL, true, 9), "PASS: a\n", NULL,
	      "timeout after 20 s; QEMU did not exit within 2 s of SIGTERM, "
	      "killed by SIGKILL"),
	ERROR(&qemu_setup, STOPPED(CHILD_STOP_STUCK, false, 0), "", NULL,
	      "timeout: no serial output within 300 s of starting QEMU "
	      "(SeaBIOS, GRUB or the guest hung); QEMU did not exit 5 s after "
	      "SIGKILL (stuck in the kernel?)"),
	/* arm64: semihosting passes the guest's status through unchanged */
	GUEST(&arm64_setup, EXITED(0), "EXIT: STATUS=0\n", 0),
	GUEST(&arm64_setup, EXITED(1), "EXIT: STATUS=1\n", 1),
	ERROR(&arm64_setup, EXITED(1), "",
	      "qemu-system-aarch64: -M virt,gic-version=5: bad value",
	      "QEMU failed with status 1: qemu-system-aarch64: -M "
	      "virt,gic-version=5: bad value"),
	ERROR(&arm64_setup, EXITED(0), "PASS: a\n", NULL,
	      "QEMU exited without a guest exit status (reset or power-off)"),
	ERROR(&arm64_setup, EXITED(127), "EXIT: STATUS=1\n", NULL,
	      "QEMU failed with status 127"),
	ERROR(&arm64_setup, KILLED(true), "PASS: a\n", NULL,
	      "timeout after 20 s"),
	ERROR(&arm64_setup, KILLED(false), "", NULL,
	      "timeout: no serial output within 30 s of starting QEMU (the "
	      "guest hung at boot)"),
	ERROR(&arm64_setup, STOPPED(CHILD_STOP_STUCK, true, 0), "PASS: a\n",
	      NULL,
	      "timeout after 20 s; QEMU did not exit 5 s after SIGKILL (stuck "
	      "in the kernel?)"),
};

static void test_decode_end(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(ends) / sizeof(*ends); i++) {
		const struct end_case *c = &ends[i];
		FILE *in = fmemopen((void *)c->log, strlen(c->log) + 1, "r");
		char error[RESULTS_REASON_MAX] = "";
		struct guest_log log;
		int status = -1;
		bool has;

		assert_int_equal(guest_log_parse(in, &log), 0);
		fclose(in);
		has = suite_decode_end(c->setup, entry("bare"), &c->end, &log,
				       c->output_line, &status, error,
				       sizeof(error));
		if (has != c->has_guest_status ||
		    (has && status != c->guest_status) ||
		    (!has && strcmp(error, c->error)))
			fail_msg("case %zu: got %d status %d '%s'", i, has,
				 status, error);
		guest_log_free(&log);
	}
}

static void test_irqchip_unavailable(void **state)
{
	const struct suite_child_end no_kvm = EXITED(HV_EXIT_NO_KVM);
	const struct suite_child_end others[] = {
		EXITED(0),
		EXITED(1),
		EXITED(HV_EXIT_USAGE),
		EXITED(HV_EXIT_VMM_ERROR),
		SIGNALED(9),
		KILLED(false),
		/* 69 after the watchdog's SIGTERM is no verdict either */
		{ .stop = CHILD_STOP_TERM, .code = HV_EXIT_NO_KVM },
	};
	char reason[RESULTS_REASON_MAX];

	(void)state;
	assert_true(suite_irqchip_unavailable(
		&arm64_vmm_setup, VGIC_MODE_KVM_GICV2, &no_kvm,
		"hvcheck: kvm-gicv2: this KVM cannot emulate a GICv2 "
		"(KVM_CREATE_DEVICE: No such device); use user-gicv2",
		reason, sizeof(reason)));
	assert_string_equal(reason,
			    "kvm-gicv2 unavailable on this host: this KVM "
			    "cannot emulate a GICv2 (KVM_CREATE_DEVICE: No "
			    "such device); use user-gicv2");
	assert_true(suite_irqchip_unavailable(
		&arm64_vmm_setup, VGIC_MODE_USER_GICV2, &no_kvm,
		"hvcheck: user-gicv2: this KVM does not report the timers' "
		"interrupt levels to userspace (no KVM_CAP_ARM_USER_IRQ)",
		reason, sizeof(reason)));
	assert_string_equal(reason,
			    "user-gicv2 unavailable on this host: this KVM "
			    "does not report the timers' interrupt levels to "
			    "userspace (no KVM_CAP_ARM_USER_IRQ)");
	/* without the mode's prefix the message is quoted whole */
	assert_true(suite_irqchip_unavailable(
		&arm64_vmm_setup, VGIC_MODE_KVM_GICV3, &no_kvm,
		"hvcheck: cannot use KVM: KVM_CREATE_VM: Invalid argument",
		reason, sizeof(reason)));
	assert_string_equal(reason, "kvm-gicv3 unavailable on this host: "
				    "cannot use KVM: KVM_CREATE_VM: Invalid "
				    "argument");
	assert_true(suite_irqchip_unavailable(&arm64_vmm_setup,
					      VGIC_MODE_KVM_GICV3, &no_kvm,
					      NULL, reason, sizeof(reason)));
	assert_string_equal(reason, "kvm-gicv3 unavailable on this host: "
				    "hvcheck run exited 69 without saying why");
	assert_true(suite_irqchip_unavailable(&arm64_vmm_setup,
					      VGIC_MODE_KVM_GICV3, &no_kvm, "",
					      reason, sizeof(reason)));
	assert_string_equal(reason, "kvm-gicv3 unavailable on this host: "
				    "hvcheck run exited 69 without saying why");
	assert_true(suite_irqchip_unavailable(&other_vmm_setup,
					      VGIC_MODE_KVM_GICV3, &no_kvm,
					      NULL, reason, sizeof(reason)));
	assert_string_equal(reason, "kvm-gicv3 unavailable on this host: "
				    "hvcheck-asan run exited 69 without saying "
				    "why");
	/* a guest's status, another VMM failure or a kill is no verdict */
	for (size_t i = 0; i < sizeof(others) / sizeof(*others); i++) {
		strcpy(reason, "untouched");
		if (suite_irqchip_unavailable(
			    &arm64_vmm_setup, VGIC_MODE_KVM_GICV2, &others[i],
			    "hvcheck: x", reason, sizeof(reason)))
			fail_msg("case %zu taken for an unavailable mode", i);
		assert_string_equal(reason, "untouched");
	}
}

static const struct suite_setup libvirt_setup = {
	.target = MANIFEST_TARGET_QEMU,
	.self = "/b/hvcheck",
	.libvirt = true,
	.arm64 = true,
	.manifest = "m.cfg",
	.image = "/stage/guest.elf",
};

static void test_libvirt_argv(void **state)
{
	(void)state;
	assert_argv(suite_libvirt_argv(&libvirt_setup, entry("bare"), 3,
				       "qemu+tcp://h/system", "vm-7", "l.log"),
		    "/b/hvcheck libvirt boot --arch arm64 --connect "
		    "qemu+tcp://h/system --manifest m.cfg --image "
		    "/stage/guest.elf --gic 3 --timeout 20 --prefix vm-7 "
		    "--serial l.log "
		    "bare");
}

/*
 * `libvirt boot` reads the manifest itself: it is told the timeout the
 * runner decided, --timeout-scale applied (7 s x 1.5 = 10.5, rounded up).
 */
static void test_libvirt_argv_scaled(void **state)
{
	struct manifest_entry scaled = *entry("full");
	char err[128];

	(void)state;
	assert_int_equal(
		manifest_scale_timeout(&scaled, 1500, err, sizeof(err)), 0);
	assert_argv(suite_libvirt_argv(&libvirt_setup, &scaled, 0,
				       "qemu:///system", "p", "l.log"),
		    "/b/hvcheck libvirt boot --arch arm64 --connect "
		    "qemu:///system --manifest m.cfg --image "
		    "/stage/guest.elf --timeout 11 --prefix p "
		    "--serial l.log full");
}

/* The child's status: the guest's, or an error; infra is "error". */
static void test_libvirt_decode(void **state)
{
	struct suite_child_end end = { .code = 2 };
	struct guest_log log = { 0 };
	char error[256];
	int status = -1;

	(void)state;
	assert_true(suite_decode_end(&libvirt_setup, entry("bare"), &end, &log,
				     NULL, &status, error, sizeof(error)));
	assert_int_equal(status, 2);
	assert_false(suite_infra_error(&libvirt_setup, &end));
	end.code = LIBVIRT_EXIT_INFRA;
	assert_false(suite_decode_end(
		&libvirt_setup, entry("bare"), &end, &log,
		"hvcheck libvirt: connection to qemu:///system lost: end of file from the daemon",
		&status, error, sizeof(error)));
	assert_string_equal(
		error,
		"connection to qemu:///system lost: end of file from the daemon");
	assert_true(suite_infra_error(&libvirt_setup, &end));
	end.code = HV_EXIT_TIMEOUT;
	assert_false(suite_decode_end(&libvirt_setup, entry("bare"), &end, &log,
				      "hvcheck libvirt: timeout after 20 s",
				      &status, error, sizeof(error)));
	assert_string_equal(error, "timeout after 20 s");
	assert_false(suite_infra_error(&libvirt_setup, &end));
	/* a watchdog's stop is a timeout, whatever the code */
	end = (struct suite_child_end){ .stop = CHILD_STOP_TERM,
					.code = LIBVIRT_EXIT_INFRA };
	assert_false(suite_infra_error(&libvirt_setup, &end));
}

/* Past the child's own deadlines, by the reconnect's grace. */
static void test_libvirt_deadline(void **state)
{
	(void)state;
	assert_int_equal(suite_deadline_ms(&libvirt_setup, entry("bare"), 1000,
					   0),
			 1000 + 1000 * (SUITE_KERNEL_BOOT_ALLOWANCE_S +
					SUITE_LIBVIRT_GRACE_S));
	assert_int_equal(suite_deadline_ms(&libvirt_setup, entry("bare"), 1000,
					   5000),
			 5000 + 1000 * (MANIFEST_DEFAULT_TIMEOUT +
					SUITE_LIBVIRT_GRACE_S));
	assert_true(SUITE_LIBVIRT_GRACE_S > LIBVIRT_RECONNECT_S);
	/* SIGTERM leaves it the time to reconnect and destroy the domain */
	assert_true(SUITE_LIBVIRT_TERM_GRACE_S > LIBVIRT_RECONNECT_S);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guest_cmdline),
		cmocka_unit_test(test_grub_script),
		cmocka_unit_test(test_vmm_argv),
		cmocka_unit_test(test_vmm_argv_irqchip),
		cmocka_unit_test(test_irqchips_default),
		cmocka_unit_test(test_irqchip_list),
		cmocka_unit_test(test_irqchips_of),
		cmocka_unit_test(test_qemu_argv),
		cmocka_unit_test(test_qemu_arm64_argv),
		cmocka_unit_test(test_qemu_arm64_el2),
		cmocka_unit_test(test_run_name),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_decode_end),
		cmocka_unit_test(test_irqchip_unavailable),
		cmocka_unit_test(test_libvirt_argv),
		cmocka_unit_test(test_libvirt_argv_scaled),
		cmocka_unit_test(test_libvirt_decode),
		cmocka_unit_test(test_libvirt_deadline),
	};

	return cmocka_run_group_tests(tests, load_manifest, free_manifest);
}
