// SPDX-License-Identifier: GPL-2.0-only
/* A run's x86 event-filter policies by slot, and the one installed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vpmu/filter_slots.h"

int filter_slots_build(struct filter_slots *fs,
		       const struct filter_policy *policies, unsigned int nr,
		       enum filter_vendor vendor, unsigned int *failed)
{
	char why[128];
	int ret = 0;

	memset(fs, 0, sizeof(*fs));
	fs->installed = nr ? 0 : FILTER_SLOT_NONE;
	if (!nr)
		return 0;
	fs->compiled = calloc(nr, sizeof(*fs->compiled));
	fs->rules = calloc(nr, sizeof(*fs->rules));
	*failed = 0;
	if (!fs->compiled || !fs->rules) {
		ret = -ENOMEM;
		goto err;
	}
	for (fs->nr = 0; fs->nr < nr; fs->nr++) {
		const struct filter_policy *p = &policies[fs->nr];

		if (p->none)
			continue;
		*failed = fs->nr;
		ret = filter_x86_compile(&p->x86, vendor, &fs->compiled[fs->nr],
					 NULL, why, sizeof(why));
		if (ret)
			goto err;
		fs->rules[fs->nr] = &fs->compiled[fs->nr];
	}
	return 0;

err:
	filter_slots_free(fs);
	return ret;
}

void filter_slots_free(struct filter_slots *fs)
{
	for (unsigned int i = 0; i < fs->nr; i++)
		if (fs->rules[i])
			filter_x86_rules_free(&fs->compiled[i]);
	free(fs->rules);
	free(fs->compiled);
	memset(fs, 0, sizeof(*fs));
	fs->installed = FILTER_SLOT_NONE;
}

void filter_slots_select(struct filter_slots *fs, uint32_t slot)
{
	uint64_t installed = __atomic_load_n(&fs->installed, __ATOMIC_RELAXED);
	uint64_t gen = (installed >> 32) + 1;

	__atomic_store_n(&fs->installed, gen << 32 | slot, __ATOMIC_SEQ_CST);
}

uint64_t filter_slots_installed(const struct filter_slots *fs)
{
	return __atomic_load_n(&fs->installed, __ATOMIC_SEQ_CST);
}

const struct filter_x86_rules *filter_slots_rules(const struct filter_slots *fs,
						  uint64_t installed)
{
	uint32_t slot = (uint32_t)installed;

	return slot < fs->nr ? fs->rules[slot] : NULL;
}
