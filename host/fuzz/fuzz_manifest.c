// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer target: the test manifest parser and test selection. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "runner/manifest.h"

/* Every entry as the runner relies on: named uniquely, in its bounds. */
static void check_entry(const struct manifest *m, size_t i)
{
	const struct manifest_entry *e = &m->entry[i];

	FUZZ_CHECK(e->name && e->name[0], "entry %zu without a name", i);
	FUZZ_CHECK(manifest_find(m, e->name) == e, "[%s] not unique", e->name);
	FUZZ_CHECK(e->smp >= 1 && e->smp <= MANIFEST_MAX_SMP, "[%s] smp %u",
		   e->name, e->smp);
	FUZZ_CHECK(e->mem_mib >= MANIFEST_MIN_MEM_MIB, "[%s] mem %u", e->name,
		   e->mem_mib);
	FUZZ_CHECK(e->timeout_s >= 1 && e->timeout_s <= MANIFEST_MAX_TIMEOUT,
		   "[%s] timeout %u", e->name, e->timeout_s);
	FUZZ_CHECK(e->targets && !(e->targets & ~MANIFEST_TARGETS_ALL),
		   "[%s] targets 0x%x", e->name, e->targets);
	FUZZ_CHECK(!(e->gic_versions & ~MANIFEST_GIC_ALL), "[%s] gic 0x%x",
		   e->name, e->gic_versions);
}

/*
 * Selecting every default entry, and the last entry by name and by its
 * first group: a verdict, never a write past the entries.
 */
static void check_select(const struct manifest *m)
{
	const struct manifest_entry *last = &m->entry[m->count - 1];
	const char *lists[] = { NULL, last->name,
				last->groups.count ? last->groups.word[0] :
						     last->name };
	bool *selected = calloc(m->count, sizeof(*selected));
	char err[256] = "";

	if (!selected)
		abort();
	for (unsigned int i = 0; i < 3; i++) {
		err[0] = '\0';
		if (manifest_select(m, lists[i], selected, err, sizeof(err)))
			fuzz_check_one_line(err);
		else if (i == 1)
			FUZZ_CHECK(selected[m->count - 1], "[%s] not selected",
				   last->name);
	}
	free(selected);
}

/* The input is a manifest.  A refusal is one line naming its place. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	FILE *in = fmemopen(text, size ? size : 1, "r");
	struct manifest m;
	char err[256] = "";
	int ret;

	if (!in)
		abort();
	ret = manifest_parse(in, "fuzz.cfg", &m, err, sizeof(err));
	fclose(in);
	if (ret) {
		FUZZ_CHECK(ret == -EINVAL, "manifest_parse() returned %d", ret);
		fuzz_check_one_line(err);
		FUZZ_CHECK(!strncmp(err, "fuzz.cfg:", 9), "unplaced: %s", err);
		free(text);
		return 0;
	}
	for (size_t i = 0; i < m.count; i++)
		check_entry(&m, i);
	if (m.count)
		check_select(&m);
	manifest_free(&m);
	free(text);
	return 0;
}
