// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the libvirt domain XML and its SKIP reasons. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runner/libvirt_xml.h"

/* Manifest entries with the host-side settings of each case. */
#define ENTRY(entry_name, targets_mask, ...)                               \
	{                                                                  \
		.name = entry_name, .targets = targets_mask,               \
		.vmm_opts = { .word = (char *[]){ __VA_ARGS__ },           \
			      .count = sizeof((char *[]){ __VA_ARGS__ }) / \
				       sizeof(char *) },                   \
	}

static const struct manifest_entry entries[] = {
	{ .name = "plain", .targets = MANIFEST_TARGETS_ALL },
	ENTRY("pmu.off", MANIFEST_TARGET_VMM, "--pmu=off"),
	ENTRY("emulated", MANIFEST_TARGETS_ALL, "--pmu=emulated"),
	ENTRY("filter", MANIFEST_TARGET_VMM, "--pmu-filter=deny;events=cycles"),
	ENTRY("chip", MANIFEST_TARGETS_ALL, "--irqchip=user-gicv2"),
	ENTRY("stamps", MANIFEST_TARGETS_ALL, "--timestamps"),
	{ .name = "raw",
	  .targets = MANIFEST_TARGETS_ALL,
	  .qemu_opts = { .word = (char *[]){ "-cpu", "max" }, .count = 2 } },
	{ .name = "vmmonly", .targets = MANIFEST_TARGET_VMM },
};

static const struct manifest_entry *entry(const char *name)
{
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		if (!strcmp(entries[i].name, name))
			return &entries[i];
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x86_tcg),
		cmocka_unit_test(test_kvm),
		cmocka_unit_test(test_arm64),
		cmocka_unit_test(test_entry_settings),
		cmocka_unit_test(test_pmu_off),
		cmocka_unit_test(test_domain_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
