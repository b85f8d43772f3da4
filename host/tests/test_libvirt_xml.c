// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the libvirt domain XML, its SKIP reasons and its argv. */
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

static int load_manifest(void **state)
{
	static const char text[] =
		"[plain]\n"
		"args = a=1 b=2\n"
		"smp = 2\n"
		"mem = 96\n"
		"[pmu.off]\n"
		"tests = pmu\n"
		"vmm_opts = --pmu=off\n"
		"targets = vmm\n"
		"[emulated]\n"
		"vmm_opts = --pmu=emulated\n"
		"[filter]\n"
		"vmm_opts = --pmu-filter=deny;events=cycles\n"
		"targets = vmm\n"
		"[chip]\n"
		"vmm_opts = --irqchip=user-gicv2\n"
		"[stamps]\n"
		"vmm_opts = --timestamps\n"
		"[raw]\n"
		"qemu_opts = -cpu max\n"
		"[vmmonly]\n"
		"targets = vmm\n";
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

static void assert_contains(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("no '%s' in:\n%s", want, text);
}

/* x86_64 under TCG: qemu64 with its PMU off, as TARGET=qemu's QEMU. */
static void test_x86_tcg(void **state)
{
	struct libvirt_domain d = { .name = "hvcheck-t-a",
				    .smp = 2,
				    .mem_mib = 96,
				    .image = "/s/guest.iso",
				    .cmdline = "tests=a b=<&'\">" };
	char *xml;

	(void)state;
	libvirt_domain_defaults(&d, false);
	xml = libvirt_domain_xml(&d);
	assert_non_null(xml);
	assert_contains(xml, "<domain type='qemu'>");
	assert_contains(xml, "<vcpu>2</vcpu>");
	assert_contains(xml, "<memory unit='MiB'>96</memory>");
	assert_contains(xml, "<type arch='x86_64' machine='pc'>hvm</type>");
	assert_contains(xml, "<model fallback='forbid'>qemu64</model>");
	assert_contains(xml, "<pmu state='off'/>");
	assert_contains(xml, "<source file='/s/guest.iso'/>");
	/* the command line is GRUB's SMBIOS OEM string, escaped */
	assert_contains(xml,
			"<entry>tests=a b=&lt;&amp;&apos;&quot;&gt;</entry>");
	assert_contains(xml, "<smbios mode='sysinfo'/>");
	assert_contains(xml, "<serial type='pty'>");
	assert_true(!strstr(xml, "<log file="));
	assert_true(!strstr(xml, "<gic"));
	free(xml);
}

/* KVM: host-passthrough with its PMU, the CPU of TARGET=qemu's -cpu host. */
static void test_kvm(void **state)
{
	struct libvirt_domain d = { .arm64 = true };

	(void)state;
	libvirt_domain_defaults(&d, true);
	assert_string_equal(d.type, "kvm");
	assert_string_equal(d.cpu, "host-passthrough");
	assert_true(d.pmu);
	d.arm64 = false;
	libvirt_domain_defaults(&d, true);
	assert_string_equal(d.cpu, "host-passthrough");
	assert_true(d.pmu);
}

/* arm64: direct kernel boot, <gic version>, -cpu max with its PMU. */
static void test_arm64(void **state)
{
	struct libvirt_domain d = { .name = "n",
				    .arm64 = true,
				    .gic = 2,
				    .smp = 1,
				    .mem_mib = 64,
				    .image = "/s/guest.elf",
				    .cmdline = "tests=gic.sgi",
				    .serial_log = "/l/n.log" };
	char *xml;

	(void)state;
	libvirt_domain_defaults(&d, false);
	xml = libvirt_domain_xml(&d);
	assert_non_null(xml);
	assert_contains(xml, "<type arch='aarch64' machine='virt'>hvm</type>");
	assert_contains(xml, "<kernel>/s/guest.elf</kernel>");
	assert_contains(xml, "<cmdline>tests=gic.sgi</cmdline>");
	assert_contains(xml, "<gic version='2'/>");
	assert_contains(xml, "<cpu mode='maximum'/>");
	assert_contains(xml, "<pmu state='on'/>");
	assert_contains(xml, "<log file='/l/n.log' append='off'/>");
	assert_true(!strstr(xml, "<acpi/>"));
	assert_true(!strstr(xml, "cdrom"));
	free(xml);
}

/* What libvirt cannot say makes the entry SKIP, with the reason. */
static void test_entry_settings(void **state)
{
	static const struct {
		const char *name;
		const char *reason; /* NULL: runs */
	} cases[] = {
		{ "plain", NULL },
		{ "pmu.off", NULL },
		{ "emulated", "vmm_opts --pmu=emulated: vPMU mode" },
		{ "filter", "PMU event filter policy" },
		{ "chip", "vmm_opts --irqchip=user-gicv2: irqchip mode" },
		{ "stamps",
		  "vmm_opts --timestamps: an option of hvcheck's VMM" },
		{ "raw", "qemu_opts -cpu: raw QEMU options" },
		{ "vmmonly", "not for TARGET=libvirt (manifest targets: vmm)" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct libvirt_domain d = { .pmu = true };
		char why[256] = "";
		int ret = libvirt_entry_settings(entry(cases[i].name), &d, why,
						 sizeof(why));

		if (!cases[i].reason) {
			assert_int_equal(ret, 0);
			continue;
		}
		assert_int_equal(ret, -EOPNOTSUPP);
		assert_contains(why, cases[i].reason);
	}
}

/* vmm_opts --pmu=off is <pmu state='off'>. */
static void test_pmu_off(void **state)
{
	struct libvirt_domain d = { .pmu = true };
	char why[64];

	(void)state;
	assert_int_equal(libvirt_entry_settings(entry("pmu.off"), &d, why,
						sizeof(why)),
			 0);
	assert_false(d.pmu);
}

static void test_domain_name(void **state)
{
	char *name = libvirt_domain_name("host-42", "gic.sgi@gicv2 x/y");

	(void)state;
	assert_string_equal(name, "hvcheck-host-42-gic.sgi-gicv2-x-y");
	free(name);
}

static const struct suite_setup libvirt_setup = {
	.target = MANIFEST_TARGET_QEMU,
	.self = "/b/hvcheck",
	.libvirt = true,
	.arm64 = true,
	.manifest = "m.cfg",
	.image = "/stage/guest.elf",
};

static void test_argv(void **state)
{
	char **argv = suite_libvirt_argv(&libvirt_setup, entry("plain"), 3,
					 "qemu+tcp://h/system", "vm-7",
					 "l.log");
	char got[512] = "";

	(void)state;
	assert_non_null(argv);
	for (char **a = argv; *a; a++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s",
			 a == argv ? "" : " ", *a);
	assert_string_equal(
		got,
		"/b/hvcheck libvirt boot --arch arm64 --connect qemu+tcp://h/system --manifest m.cfg --image /stage/guest.elf --gic 3 --prefix vm-7 --serial l.log plain");
	suite_argv_free(argv);
}

/* The child's status: the guest's, or an error; infra is "error". */
static void test_decode(void **state)
{
	struct suite_child_end end = { .code = 2 };
	struct guest_log log = { 0 };
	char error[256];
	int status = -1;

	(void)state;
	assert_true(suite_decode_end(&libvirt_setup, entry("plain"), &end, &log,
				     NULL, &status, error, sizeof(error)));
	assert_int_equal(status, 2);
	assert_false(suite_infra_error(&libvirt_setup, &end));
	end.code = LIBVIRT_EXIT_INFRA;
	assert_false(suite_decode_end(
		&libvirt_setup, entry("plain"), &end, &log,
		"hvcheck libvirt: connection to qemu:///system lost: end of file from the daemon",
		&status, error, sizeof(error)));
	assert_string_equal(
		error,
		"connection to qemu:///system lost: end of file from the daemon");
	assert_true(suite_infra_error(&libvirt_setup, &end));
	end.code = HV_EXIT_TIMEOUT;
	assert_false(suite_decode_end(&libvirt_setup, entry("plain"), &end,
				      &log,
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
static void test_deadline(void **state)
{
	(void)state;
	assert_int_equal(suite_deadline_ms(&libvirt_setup, entry("plain"), 1000,
					   0),
			 1000 + 1000 * (SUITE_KERNEL_BOOT_ALLOWANCE_S +
					SUITE_LIBVIRT_GRACE_S));
	assert_int_equal(suite_deadline_ms(&libvirt_setup, entry("plain"), 1000,
					   5000),
			 5000 + 1000 * (MANIFEST_DEFAULT_TIMEOUT +
					SUITE_LIBVIRT_GRACE_S));
	assert_true(SUITE_LIBVIRT_GRACE_S > LIBVIRT_RECONNECT_S);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x86_tcg),
		cmocka_unit_test(test_kvm),
		cmocka_unit_test(test_arm64),
		cmocka_unit_test(test_entry_settings),
		cmocka_unit_test(test_pmu_off),
		cmocka_unit_test(test_domain_name),
		cmocka_unit_test(test_argv),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_deadline),
	};

	return cmocka_run_group_tests(tests, load_manifest, free_manifest);
}
