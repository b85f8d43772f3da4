// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's metadata for results.json, read from files below a root so
 * that two runs (two bisect steps) can be told apart: which kernel, which
 * CPU, which KVM settings, which hvcheck.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array_size.h"
#include "runner/array.h"
#include "runner/host_info.h"
#include "runner/version.h"

/* Longest value kept of a one-line file (a module parameter, ...). */
#define VALUE_MAX 256

/*
 * The KVM module parameters that change what a vPMU test sees: whether
 * and how KVM gives guests a vPMU (enable_pmu, enable_mediated_pmu,
 * kvm_amd's and kvm_intel's pmu), how MSRs KVM does not know answer
 * (ignore_msrs, report_ignored_msrs), whether tests may force emulation
 * (force_emulation_prefix), and the paging and nesting modes the counts
 * and PMIs of a guest depend on.
 */
static const struct {
	const char *module;
	const char *param;
} kvm_params[] = {
	{ "kvm", "enable_pmu" },
	{ "kvm", "enable_mediated_pmu" },
	{ "kvm", "force_emulation_prefix" },
	{ "kvm", "ignore_msrs" },
	{ "kvm", "report_ignored_msrs" },
	{ "kvm_amd", "pmu" },
	{ "kvm_amd", "nested" },
	{ "kvm_intel", "pmu" },
	{ "kvm_intel", "ept" },
	{ "kvm_intel", "nested" },
};

enum cpu_slot { CPU_VENDOR, CPU_MODEL, CPU_MICROCODE, CPU_SLOTS };

/* /proc/cpuinfo's names for them: x86's, then arm64's. */
static const struct {
	const char *name;
	enum cpu_slot slot;
} cpu_fields[] = {
	{ "vendor_id", CPU_VENDOR },	{ "model name", CPU_MODEL },
	{ "microcode", CPU_MICROCODE }, { "CPU implementer", CPU_VENDOR },
	{ "CPU part", CPU_MODEL },
};

static int add_item(struct host_info *info, const char *key, const char *value,
		    bool literal)
{
	struct results_host_item *it;

	if (grow((void **)&info->item, info->count, &info->cap,
		 sizeof(*info->item)))
		return -ENOMEM;
	it = &info->item[info->count];
	*it = (struct results_host_item){ .key = strdup(key),
					  .value = value ? strdup(value) : NULL,
					  .literal = literal };
	if (!it->key || (value && !it->value)) {
		free(it->key);
		free(it->value);
		return -ENOMEM;
	}
	info->count++;
	return 0;
}

/* A decimal integer that JSON takes as it is (no leading zeros). */
static bool is_integer(const char *s)
{
	size_t digits;

	if (*s == '-')
		s++;
	digits = strspn(s, "0123456789");
	return digits && digits <= 18 && !s[digits] &&
	       (s[0] != '0' || digits == 1);
}

/* A sysfs value: Y and N are booleans, integers numbers, the rest text. */
static int add_value(struct host_info *info, const char *key, const char *value)
{
	if (!strcmp(value, "Y"))
		return add_item(info, key, "true", true);
	if (!strcmp(value, "N"))
		return add_item(info, key, "false", true);
	return add_item(info, key, value, is_integer(value));
}

/* Opens @rel below @root; *@f NULL when it does not open. */
static int open_below(const char *root, const char *rel, FILE **f)
{
	char *path;

	if (asprintf(&path, "%s/%s", root, rel) < 0)
		return -ENOMEM;
	*f = fopen(path, "re");
	free(path);
	return 0;
}

/* @s without the blanks around it, cut in place. */
static char *trim(char *s)
{
	size_t len;

	s += strspn(s, " \t");
	len = strlen(s);
	while (len && strchr(" \t\r\n", s[len - 1]))
		s[--len] = '\0';
	return s;
}

/*
 * The first line of @rel below @root into @value; -ENOENT (or another
 * -errno) when it cannot be read.
 */
static int read_value(const char *root, const char *rel, char *value,
		      size_t size)
{
	char line[VALUE_MAX];
	FILE *f;
	int ret = open_below(root, rel, &f);

	if (ret)
		return ret;
	if (!f)
		return -errno;
	if (!fgets(line, sizeof(line), f)) {
		ret = ferror(f) ? -EIO : 0;
		line[0] = '\0';
	}
	fclose(f);
	snprintf(value, size, "%s", trim(line));
	return ret;
}

/* @key from file @rel below @root; null with @keep_null, else left out. */
static int add_file(struct host_info *info, const char *key, const char *root,
		    const char *rel, bool keep_null)
{
	char value[VALUE_MAX];
	int ret = read_value(root, rel, value, sizeof(value));

	if (ret == -ENOMEM)
		return ret;
	if (ret)
		return keep_null ? add_item(info, key, NULL, false) : 0;
	return add_value(info, key, value);
}

static int add_kvm_params(struct host_info *info, const char *root)
{
	char key[64], rel[128];
	int ret = 0;

	for (size_t i = 0; !ret && i < ARRAY_SIZE(kvm_params); i++) {
		snprintf(key, sizeof(key), "%s.%s", kvm_params[i].module,
			 kvm_params[i].param);
		snprintf(rel, sizeof(rel), "sys/module/%s/parameters/%s",
			 kvm_params[i].module, kvm_params[i].param);
		ret = add_file(info, key, root, rel, false);
	}
	return ret;
}

/* "NAME : VALUE" into the slot of NAME, when it is one and still empty. */
static int cpu_field(char *line, char *slot[])
{
	char *colon = strchr(line, ':'), *name, *value;

	*colon = '\0';
	name = trim(line);
	value = trim(colon + 1);
	for (size_t i = 0; i < ARRAY_SIZE(cpu_fields); i++) {
		char **s = &slot[cpu_fields[i].slot];

		if (strcmp(name, cpu_fields[i].name) || *s)
			continue;
		*s = strdup(value);
		return *s ? 0 : -ENOMEM;
	}
	return 0;
}

/* The first processor's block of /proc/cpuinfo, into @slot. */
static int read_cpuinfo(const char *root, char *slot[])
{
	char *line = NULL;
	size_t cap = 0;
	bool in_block = false;
	FILE *f;
	int ret = open_below(root, "proc/cpuinfo", &f);

	if (ret || !f)
		return ret;
	while (!ret && getline(&line, &cap, f) > 0) {
		if (!strchr(line, ':')) {
			if (in_block) /* a blank line ends the block */
				break;
			continue;
		}
		in_block = true;
		ret = cpu_field(line, slot);
	}
	free(line);
	fclose(f);
	return ret;
}

/* cpu_vendor and cpu_model, null when unknown; cpu_microcode (x86). */
static int add_cpu(struct host_info *info, const char *root)
{
	char *slot[CPU_SLOTS] = { NULL };
	int ret = read_cpuinfo(root, slot);

	if (!ret)
		ret = add_item(info, "cpu_vendor", slot[CPU_VENDOR], false) ?:
			      add_item(info, "cpu_model", slot[CPU_MODEL],
				       false);
	if (!ret && slot[CPU_MICROCODE])
		ret = add_item(info, "cpu_microcode", slot[CPU_MICROCODE],
			       false);
	for (int i = 0; i < CPU_SLOTS; i++)
		free(slot[i]);
	return ret;
}

int host_info_collect(const char *root, const struct utsname *uts,
		      struct host_info *info)
{
	int ret;

	*info = (struct host_info){ 0 };
	ret = add_item(info, "kernel", uts ? uts->release : NULL, false) ?:
		      add_item(info, "kernel_version", uts ? uts->version : NULL, false) ?:
		      add_item(info, "machine", uts ? uts->machine : NULL, false) ?:
		      add_cpu(info, root) ?:
		      add_file(info, "nmi_watchdog", root, "proc/sys/kernel/nmi_watchdog", true) ?:
		      add_kvm_params(info, root) ?:
		      add_item(info, "hvcheck_version", hvcheck_version(), false) ?:
		      add_item(info, "hvcheck_commit", hvcheck_commit(), false);
	if (ret)
		host_info_free(info);
	return ret;
}

void host_info_free(struct host_info *info)
{
	for (size_t i = 0; i < info->count; i++) {
		free(info->item[i].key);
		free(info->item[i].value);
	}
	free(info->item);
	*info = (struct host_info){ 0 };
}
