/* SPDX-License-Identifier: GPL-2.0-only */
/* The PMU event filter engine: KVM's x86 and arm64 semantics, no KVM calls. */
#ifndef VPMU_FILTER_H
#define VPMU_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* struct kvm_pmu_event_filter (x86): the values KVM takes. */
#define FILTER_ACTION_ALLOW	  0
#define FILTER_ACTION_DENY	  1
#define FILTER_FLAG_MASKED_EVENTS 1u
#define FILTER_X86_MAX_EVENTS	  300 /* KVM_PMU_EVENT_FILTER_MAX_EVENTS */
#define FILTER_X86_NR_FIXED	  32  /* bits of fixed_counter_bitmap */

/* Plain entries: IA32_PERFEVTSELx's event select and unit mask. */
#define FILTER_X86_EVENT_LO 0x00000000000000ffULL
#define FILTER_X86_UMASK    0x000000000000ff00ULL
#define FILTER_X86_EVENT_HI 0x0000000f00000000ULL /* AMD only */

/* Masked entries (KVM_PMU_EVENT_FLAG_MASKED_EVENTS). */
#define FILTER_MASKED_MATCH_SHIFT 8
#define FILTER_MASKED_MATCH	  0x000000000000ff00ULL
#define FILTER_MASKED_EXCLUDE	  (1ULL << 55)
#define FILTER_MASKED_MASK_SHIFT  56
#define FILTER_MASKED_MASK	  0xff00000000000000ULL

/* A 12-bit event select in its two places in an entry or eventsel. */
#define FILTER_X86_EVENT_SELECT(sel) \
	(((uint64_t)(sel)&0xff) | (((uint64_t)(sel)&0xf00) << 24))
#define FILTER_MASKED_ENTRY(sel, mask, match, exclude)             \
	(FILTER_X86_EVENT_SELECT(sel) |                            \
	 ((uint64_t)((mask)&0xff) << FILTER_MASKED_MASK_SHIFT) |   \
	 ((uint64_t)((match)&0xff) << FILTER_MASKED_MATCH_SHIFT) | \
	 ((exclude) ? FILTER_MASKED_EXCLUDE : 0))

/* The 12-bit event select of an entry or eventsel, from its two places. */
uint16_t filter_x86_entry_select(uint64_t e);

/*
 * The errno name of a verdict such as filter_x86_validate()'s: -E2BIG is
 * "E2BIG"; never NULL.
 */
const char *filter_errno_name(int err);

/*
 * Which event select bits the vendor's eventsel has (KVM's
 * EVENTSEL_EVENT): 8 on Intel, 12 on AMD.  It decides which plain entries
 * KVM drops and which masked entries it refuses.
 */
enum filter_vendor {
	FILTER_VENDOR_INTEL,
	FILTER_VENDOR_AMD,
};

/*
 * An x86 filter exactly as userspace passes it to
 * KVM_SET_PMU_EVENT_FILTER: any values, so that what KVM refuses can be
 * written down too.  events has nevents entries (more than
 * FILTER_X86_MAX_EVENTS is representable, and -E2BIG).
 */
struct filter_x86 {
	uint32_t action;
	uint32_t flags;
	uint32_t fixed_bitmap;
	uint32_t nevents;
	uint64_t *events; /* malloc()ed, owned */
};

/*
 * A filter KVM accepted, ready for lookups: per event select the
 * 256-bit set of unit masks that are "in the filter", sorted by event
 * select, so a decision is a binary search and a bit test.
 */
struct filter_x86_select {
	uint16_t event_select; /* 12 bits */
	uint64_t in_filter[4]; /* bit u: umask u is in the filter */
};

struct filter_x86_rules {
	bool allow; /* action is ALLOW */
	uint32_t fixed_bitmap;
	uint64_t event_mask; /* the vendor's event select bits of an eventsel */
	unsigned int nr_selects;
	struct filter_x86_select *selects; /* malloc()ed, owned */
};

/*
 * What KVM_SET_PMU_EVENT_FILTER would return for f, in KVM's order of
 * checks: 0; -EINVAL for an action other than ALLOW/DENY, a flag other
 * than MASKED_EVENTS, or a masked entry with bits outside its fields
 * (event select bits 35:32 included on Intel); -E2BIG above
 * FILTER_X86_MAX_EVENTS entries.  On failure *bad_entry is the index of
 * the offending entry or -1 when the header is at fault, and why[len]
 * says what, in one line.  Plain entries are never refused (see
 * filter_x86_plain_kept()).  bad_entry and why may be NULL; on success
 * *bad_entry is -1 and why is "".
 */
int filter_x86_validate(const struct filter_x86 *f, enum filter_vendor vendor,
			int *bad_entry, char *why, size_t len);

/*
 * Whether KVM keeps plain entry e: it silently drops plain entries with
 * bits outside the vendor's event select and the unit mask.
 */
bool filter_x86_plain_kept(uint64_t e, enum filter_vendor vendor);

/*
 * filter_x86_validate(), then the lookup tables.  -ENOMEM too.  On
 * failure *rules is left empty, harmless to filter_x86_rules_free().
 */
int filter_x86_compile(const struct filter_x86 *f, enum filter_vendor vendor,
		       struct filter_x86_rules *rules, int *bad_entry,
		       char *why, size_t len);

void filter_x86_rules_free(struct filter_x86_rules *rules);

/*
 * Whether a GP counter programmed with eventsel (a whole
 * IA32_PERFEVTSELx; only the vendor's event select bits and the unit
 * mask matter) counts.  rules NULL is no filter: everything counts.
 * A binary search over the event selects and a bit test.
 */
bool filter_x86_gp_allowed(const struct filter_x86_rules *rules,
			   uint64_t eventsel);

/*
 * Whether fixed counter idx counts: the bitmap alone decides, an index
 * past its 32 bits reading as a clear bit.  rules NULL: it counts.
 */
bool filter_x86_fixed_allowed(const struct filter_x86_rules *rules,
			      unsigned int idx);

/*
 * An equivalent masked-events filter of f (plain, valid apart from its
 * length): the same action and bitmap, each event select's unit masks
 * covered by (mask, match) include entries, or by an include of all
 * unit masks and exclude entries, whichever is shorter.  The result may
 * still exceed FILTER_X86_MAX_EVENTS.  Entries KVM would drop are left
 * out; entries come sorted by event select, includes first.  -EINVAL if
 * f is masked already or its action or flags are invalid; -ENOMEM.  On
 * failure *masked is left empty.
 */
int filter_x86_compress(const struct filter_x86 *f, enum filter_vendor vendor,
			struct filter_x86 *masked);

void filter_x86_free(struct filter_x86 *f);

/* arm64: KVM_ARM_VCPU_PMU_V3_FILTER's struct kvm_pmu_event_filter. */
#define FILTER_ARM64_SW_INCR	  0x00
#define FILTER_ARM64_INST_RETIRED 0x08
#define FILTER_ARM64_CPU_CYCLES	  0x11
#define FILTER_ARM64_CHAIN	  0x1e

struct filter_arm64_range {
	uint16_t base_event;
	uint16_t nevents;
	uint8_t action;
};

/*
 * The ranges in the order userspace sets them, one KVM_SET_DEVICE_ATTR
 * each; event_bits is the PMU's event number width: 10 (PMUv3 for
 * Armv8.0) or 16 (Armv8.1 and later).  It is the host PMU's width, which
 * bounds the ranges; a guest offered an older PMUVer has its event
 * numbers cut to its own width, which callers do before asking.
 */
struct filter_arm64 {
	unsigned int event_bits;
	unsigned int nr;
	struct filter_arm64_range *ranges; /* malloc()ed, owned */
};

struct filter_arm64_rules {
	unsigned int event_bits;
	bool filtered;	   /* some range was set: the bitmap decides */
	uint64_t *allowed; /* 1 << event_bits bits, malloc()ed */
};

/*
 * Applies f's ranges in order as KVM would: 0, or -EINVAL for a range
 * past the event number space or an action other than ALLOW/DENY, with
 * *bad_range its index and why[len] the reason; -ENOMEM.  The first
 * range sets the default: ALLOW denies every other event, DENY allows
 * them.  An event_bits other than 10 or 16 is -EINVAL with *bad_range
 * -1; no ranges at all is no filtering.  bad_range and why may be NULL.
 * On failure *rules is left empty, harmless to filter_arm64_rules_free().
 */
int filter_arm64_compile(const struct filter_arm64 *f,
			 struct filter_arm64_rules *rules, int *bad_range,
			 char *why, size_t len);

void filter_arm64_rules_free(struct filter_arm64_rules *rules);

/*
 * Whether a counter programmed with event counts.  The event number is
 * first cut to event_bits; SW_INCR and CHAIN are never filtered.  The
 * cycle counter counts iff CPU_CYCLES is allowed: ask for
 * FILTER_ARM64_CPU_CYCLES.  rules NULL is no filter: everything counts.
 */
bool filter_arm64_allowed(const struct filter_arm64_rules *rules,
			  uint16_t event);

void filter_arm64_free(struct filter_arm64 *f);

#endif /* VPMU_FILTER_H */
