/* SPDX-License-Identifier: GPL-2.0-only */
/* A run's x86 event-filter policies by slot, and the one installed. */
#ifndef VPMU_FILTER_SLOTS_H
#define VPMU_FILTER_SLOTS_H

#include <stddef.h>
#include <stdint.h>

#include "vpmu/filter.h"
#include "vpmu/filter_policy.h"

/* The slot of no filter (HV_HOSTCTL_FILTER_NONE in the guest ABI). */
#define FILTER_SLOT_NONE 0xffffffffu

/*
 * The policies of a run (--pmu-filter), compiled before the guest
 * starts and kept until the VM ends, so that every vCPU uses a slot's
 * rules without a lock; one of them (or none) is installed at a time.
 */
struct filter_slots {
	unsigned int nr;
	struct filter_x86_rules *compiled; /* nr of them */
	/* compiled[i], or NULL for a policy of no filter */
	const struct filter_x86_rules **rules;
	/*
	 * The installed slot (or FILTER_SLOT_NONE) in bits 31:0 and a
	 * generation, bumped by every install, in bits 63:32: one word, so
	 * that one atomic load gives a vCPU both.
	 */
	uint64_t installed;
};

/*
 * Compiles the nr policies for vendor into fs, installs slot 0 (or
 * none when nr is 0).  Returns 0, or -errno of policy *failed (fs then
 * holds nothing).
 */
int filter_slots_build(struct filter_slots *fs,
		       const struct filter_policy *policies, unsigned int nr,
		       enum filter_vendor vendor, unsigned int *failed);

void filter_slots_free(struct filter_slots *fs);

/*
 * Installs slot (below fs->nr, or FILTER_SLOT_NONE) with a new
 * generation.  Safe while vCPUs read; installers must not race each
 * other.  The store and filter_slots_installed()'s load are
 * sequentially consistent, so that an installer that then reads a
 * vCPU's flag and a vCPU that set it before reading the slot cannot
 * both miss the other (vcpu_pmu_counters_enabled()).
 */
void filter_slots_select(struct filter_slots *fs, uint32_t slot);

/* The installed word, as a vCPU reads it before an entry. */
uint64_t filter_slots_installed(const struct filter_slots *fs);

/* The rules of the slot in installed: NULL for no filter. */
const struct filter_x86_rules *filter_slots_rules(const struct filter_slots *fs,
						  uint64_t installed);

#endif /* VPMU_FILTER_SLOTS_H */
