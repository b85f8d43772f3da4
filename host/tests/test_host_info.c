// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the host metadata of results.json, on fake /proc and /sys. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cmocka.h>

#include "array_size.h"
#include "runner/files.h"
#include "runner/host_info.h"
#include "runner/version.h"

static char root[] = "/tmp/hvcheck-test-host-info.XXXXXX";

/* Writes @text to @rel below the fake root, its folders made first. */
static void put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	*strrchr(path, '/') = '\0';
	assert_int_equal(files_make_dirs(path), 0);
	path[strlen(path)] = '/';
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

struct file {
	const char *rel;
	const char *text;
};

static void put_all(const struct file *files, size_t count)
{
	for (size_t i = 0; i < count; i++)
		put(files[i].rel, files[i].text);
}

static int make_root(void **state)
{
	(void)state;
	return mkdtemp(root) ? 0 : -1;
}

static int remove_root(void **state)
{
	(void)state;
	return files_remove_tree(root) ? -1 : 0;
}

/* The items expected: key, value (NULL: null), literal. */
struct want {
	const char *key;
	const char *value;
	bool literal;
};

static void assert_items(const struct host_info *info, const struct want *want,
			 size_t count)
{
	for (size_t i = 0; i < info->count && i < count; i++) {
		const struct results_host_item *it = &info->item[i];
		bool same_value = want[i].value && it->value ?
					  !strcmp(want[i].value, it->value) :
					  want[i].value == it->value;

		if (strcmp(it->key, want[i].key) || !same_value ||
		    it->literal != want[i].literal)
			fail_msg(
				"item %zu: got %s = %s (%d), want %s = %s (%d)",
				i, it->key, it->value ?: "null", it->literal,
				want[i].key, want[i].value ?: "null",
				want[i].literal);
	}
	assert_int_equal(info->count, count);
}

/*
 * @info as collected without uname: kernel, kernel_version and machine
 * null, then @want, then hvcheck's version and commit.
 */
static void assert_without_uname(const struct host_info *info,
				 const struct want *want, size_t count)
{
	struct want all[32] = { { "kernel", NULL, false },
				{ "kernel_version", NULL, false },
				{ "machine", NULL, false } };

	assert_true(count + 5 <= ARRAY_SIZE(all));
	memcpy(all + 3, want, count * sizeof(*want));
	all[count + 3] =
		(struct want){ "hvcheck_version", hvcheck_version(), false };
	all[count + 4] =
		(struct want){ "hvcheck_commit", hvcheck_commit(), false };
	assert_items(info, all, count + 5);
}

static const char x86_cpuinfo[] =
	"processor\t: 0\n"
	"vendor_id\t: AuthenticAMD\n"
	"cpu family\t: 25\n"
	"model\t\t: 1\n"
	"model name\t: AMD EPYC 7B13 64-Core Processor\n"
	"microcode\t: 0xa0011d1\n"
	"flags\t\t: fpu vme de pse\n"
	"\n"
	"processor\t: 1\n"
	"vendor_id\t: GenuineIntel\n"
	"model name\t: not the first CPU\n"
	"\n";

static const struct file x86_files[] = {
	{ "proc/cpuinfo", x86_cpuinfo },
	{ "proc/sys/kernel/nmi_watchdog", "0\n" },
	{ "sys/module/kvm/parameters/enable_pmu", "Y\n" },
	{ "sys/module/kvm/parameters/enable_mediated_pmu", "N\n" },
	{ "sys/module/kvm/parameters/force_emulation_prefix", "0\n" },
	{ "sys/module/kvm/parameters/ignore_msrs", "N\n" },
	{ "sys/module/kvm/parameters/report_ignored_msrs", "Y\n" },
	/* not ones that change the vPMU: left out */
	{ "sys/module/kvm/parameters/halt_poll_ns", "200000\n" },
	{ "sys/module/kvm_amd/parameters/avic", "N\n" },
	{ "sys/module/kvm_amd/parameters/pmu", "1\n" },
	{ "sys/module/kvm_amd/parameters/nested", "1\n" },
};

static void test_x86_host(void **state)
{
	struct utsname uts = { .release = "6.1.0-57-amd64",
			       .version = "#1 SMP PREEMPT_DYNAMIC Debian "
					  "6.1.158-1 (2025-11-09)",
			       .machine = "x86_64" };
	const struct want want[] = {
		{ "kernel", "6.1.0-57-amd64", false },
		{ "kernel_version",
		  "#1 SMP PREEMPT_DYNAMIC Debian 6.1.158-1 (2025-11-09)",
		  false },
		{ "machine", "x86_64", false },
		{ "cpu_vendor", "AuthenticAMD", false },
		{ "cpu_model", "AMD EPYC 7B13 64-Core Processor", false },
		{ "cpu_microcode", "0xa0011d1", false },
		{ "nmi_watchdog", "0", true },
		{ "kvm.enable_pmu", "true", true },
		{ "kvm.enable_mediated_pmu", "false", true },
		{ "kvm.force_emulation_prefix", "0", true },
		{ "kvm.ignore_msrs", "false", true },
		{ "kvm.report_ignored_msrs", "true", true },
		{ "kvm_amd.pmu", "1", true },
		{ "kvm_amd.nested", "1", true },
		{ "hvcheck_version", hvcheck_version(), false },
		{ "hvcheck_commit", hvcheck_commit(), false },
	};
	struct host_info info;

	(void)state;
	put_all(x86_files, ARRAY_SIZE(x86_files));
	assert_int_equal(host_info_collect(root, &uts, &info), 0);
	assert_items(&info, want, ARRAY_SIZE(want));
	host_info_free(&info);
	assert_null(info.item);
	assert_int_equal(info.count, 0);
}

/* arm64 names its CPU by implementer and part; no nmi_watchdog: null. */
static void test_arm64_host(void **state)
{
	char sub_root[sizeof(root) + 8];
	const struct want want[] = {
		{ "cpu_vendor", "0x41", false },
		{ "cpu_model", "0xd0c", false },
		{ "nmi_watchdog", NULL, false },
		{ "kvm_intel.ept", "true", true },
	};
	struct host_info info;

	(void)state;
	put("arm64/proc/cpuinfo", "processor\t: 0\n"
				  "BogoMIPS\t: 50.00\n"
				  "Features\t: fp asimd evtstrm\n"
				  "CPU implementer\t: 0x41\n"
				  "CPU architecture: 8\n"
				  "CPU variant\t: 0x1\n"
				  "CPU part\t: 0xd0c\n"
				  "CPU revision\t: 1\n"
				  "\n"
				  "processor\t: 1\n"
				  "CPU implementer\t: 0x51\n");
	/* a root with a trailing slash reads the same */
	put("arm64/sys/module/kvm_intel/parameters/ept", "Y");
	snprintf(sub_root, sizeof(sub_root), "%s/arm64/", root);
	assert_int_equal(host_info_collect(sub_root, NULL, &info), 0);
	assert_without_uname(&info, want, ARRAY_SIZE(want));
	host_info_free(&info);
}

/* Nothing readable: every fixed key null, no KVM parameter invented. */
static void test_nothing_readable(void **state)
{
	char sub_root[sizeof(root) + 8];
	const struct want want[] = {
		{ "cpu_vendor", NULL, false },
		{ "cpu_model", NULL, false },
		{ "nmi_watchdog", NULL, false },
	};
	struct host_info info;

	(void)state;
	assert_int_equal(host_info_collect("/nonexistent", NULL, &info), 0);
	assert_without_uname(&info, want, ARRAY_SIZE(want));
	host_info_free(&info);
	/* a folder where a file should be, and cpuinfo without colons */
	put("odd/proc/cpuinfo", "garbage\n\n\n");
	put("odd/proc/sys/kernel/nmi_watchdog/x", "");
	snprintf(sub_root, sizeof(sub_root), "%s/odd", root);
	assert_int_equal(host_info_collect(sub_root, NULL, &info), 0);
	assert_without_uname(&info, want, ARRAY_SIZE(want));
	host_info_free(&info);
}

/*
 * Values as JSON: integers without leading zeros are numbers, Y and N
 * booleans, anything else (empty, odd, too long) a string, cut to 255.
 */
static void test_values(void **state)
{
	char sub_root[sizeof(root) + 8];
	char long_value[400];
	struct host_info info;

	(void)state;
	memset(long_value, 'v', sizeof(long_value) - 1);
	long_value[sizeof(long_value) - 1] = '\0';
	{
		const struct file files[] = {
			{ "v/proc/sys/kernel/nmi_watchdog", "-5\n" },
			{ "v/sys/module/kvm/parameters/enable_pmu", "007\n" },
			{ "v/sys/module/kvm/parameters/enable_mediated_pmu",
			  "" },
			{ "v/sys/module/kvm/parameters/force_emulation_prefix",
			  " hello world \n second line\n" },
			{ "v/sys/module/kvm/parameters/ignore_msrs", "yes\n" },
			{ "v/sys/module/kvm/parameters/report_ignored_msrs",
			  "1234567890123456789\n" },
			{ "v/sys/module/kvm_amd/parameters/pmu", long_value },
		};

		put_all(files, ARRAY_SIZE(files));
	}
	snprintf(sub_root, sizeof(sub_root), "%s/v", root);
	assert_int_equal(host_info_collect(sub_root, NULL, &info), 0);
	{
		const struct want want[] = {
			{ "cpu_vendor", NULL, false },
			{ "cpu_model", NULL, false },
			{ "nmi_watchdog", "-5", true },
			{ "kvm.enable_pmu", "007", false },
			{ "kvm.enable_mediated_pmu", "", false },
			{ "kvm.force_emulation_prefix", "hello world", false },
			{ "kvm.ignore_msrs", "yes", false },
			{ "kvm.report_ignored_msrs", "1234567890123456789",
			  false },
			{ "kvm_amd.pmu", long_value + sizeof(long_value) - 256,
			  false },
		};

		assert_without_uname(&info, want, ARRAY_SIZE(want));
	}
	host_info_free(&info);
}

/* The version is VERSION's; the commit git's, or "unknown". */
static void test_version(void **state)
{
	FILE *f = fopen("VERSION", "r");
	char line[64] = "";

	(void)state;
	assert_non_null(f); /* unit tests run from the top of the tree */
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	assert_string_equal(hvcheck_version(), line);
	assert_true(strlen(hvcheck_commit()) > 0);
	assert_null(strchr(hvcheck_commit(), '"'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x86_host),
		cmocka_unit_test(test_arm64_host),
		cmocka_unit_test(test_nothing_readable),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_version),
	};

	return cmocka_run_group_tests(tests, make_root, remove_root);
}
