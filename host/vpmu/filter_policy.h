/* SPDX-License-Identifier: GPL-2.0-only */
/* Event-filter policies as people write them (docs/filter.md), parsed. */
#ifndef VPMU_FILTER_POLICY_H
#define VPMU_FILTER_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vpmu/filter.h"

#define FILTER_POLICY_MAX_FILE (1 << 20) /* bytes of an @FILE policy */
#define FILTER_POLICY_MAX_ENTRIES \
	(1 << 20) /* x86 entries, every select:umask */

enum filter_arch {
	FILTER_ARCH_X86,
	FILTER_ARCH_ARM64,
};

/*
 * One policy: "none" (no filter installed at all), or the filter KVM
 * would be given for arch, valid or not: validity is the engine's
 * verdict (filter_x86_validate(), filter_arm64_compile()), not the
 * parser's.
 */
struct filter_policy {
	enum filter_arch arch;
	bool none;
	enum filter_vendor vendor; /* x86 */
	bool vendor_stated; /* by a `vendor` statement, not the default */
	struct filter_x86 x86;
	struct filter_arm64 arm64;
};

/*
 * Parses policy text (docs/filter.md): statements separated by ';' or
 * newlines, words by blanks, ',' or '='; '#' comments.  0, or -EINVAL
 * with a one-line reason naming the statement in err[errlen], or
 * -ENOMEM.
 */
int filter_policy_parse(const char *text, enum filter_arch arch,
			struct filter_policy *policy, char *err, size_t errlen);

/*
 * A policy argument as given to --policy or --pmu-filter: "@FILE" reads
 * the policy text from FILE (at most FILTER_POLICY_MAX_FILE bytes),
 * anything else is the text itself.  As filter_policy_parse(), or -errno
 * when FILE cannot be read; errors in a file's text start "FILE: ".
 */
int filter_policy_load(const char *arg, enum filter_arch arch,
		       struct filter_policy *policy, char *err, size_t errlen);

/*
 * Whether policy may be applied to a vPMU of vendor: 0, or -EINVAL with
 * err[errlen] naming both when the policy states another vendor.  A
 * policy that states none is judged by the vPMU's vendor.
 */
int filter_policy_check_vendor(const struct filter_policy *policy,
			       enum filter_vendor vendor, char *err,
			       size_t errlen);

void filter_policy_free(struct filter_policy *policy);

/*
 * A number as policies write them: 0x hex or decimal, at most max.  0,
 * -EINVAL when word is not a number, -ERANGE when it is above max.
 */
int filter_policy_number(const char *word, uint64_t max, uint64_t *val);

/* x86 architectural event names (case-insensitive), e.g. "instructions". */
bool filter_policy_x86_event(const char *name, uint16_t *select,
			     uint8_t *umask);
/* The name of an architectural event, or NULL. */
const char *filter_policy_x86_event_name(uint16_t select, uint8_t umask);

/* What one x86 ITEM spans: every select:umask in both ranges. */
struct filter_policy_x86_item {
	uint16_t select_lo, select_hi; /* 0..0xfff */
	uint8_t umask_lo, umask_hi;
};

/*
 * One x86 ITEM as policies write it: an architectural event name, or
 * SEL[:UMASK] with each field a number or an inclusive range A-B (the
 * unit mask 0 when not given).  0; -ENOENT when word has no item's form
 * at all; -EINVAL for a number past its field or a range that runs
 * backwards, why[len] then saying which.
 */
int filter_policy_x86_item(const char *word,
			   struct filter_policy_x86_item *item, char *why,
			   size_t len);

/* arm64 common event names (case-insensitive), e.g. "cpu-cycles". */
bool filter_policy_arm64_event(const char *name, uint16_t *event);
/* The name of a named arm64 event, or NULL. */
const char *filter_policy_arm64_event_name(uint16_t event);

/*
 * The raw form of a policy, one line that parses back to the identical
 * policy: "raw=1,0x0,0x1,0xc0,0xc4" on x86 (";vendor=amd" added for
 * AMD), "raw=0x8,1,0;raw=0x11,1,0" on arm64 (";event-bits=10" added
 * for PMUv3 for Armv8.0), "none" for no filter.
 */
void filter_policy_print_raw(FILE *out, const struct filter_policy *policy);

#endif /* VPMU_FILTER_POLICY_H */
