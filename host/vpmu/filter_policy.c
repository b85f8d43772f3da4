// SPDX-License-Identifier: GPL-2.0-only
/* Event-filter policies: the docs/filter.md syntax turned into KVM's structs. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "array_size.h"
#include "vpmu/filter_policy.h"

#define POLICY_QUOTE_MAX 40 /* statement text quoted in an error */
#define POLICY_WORD_MAX	 64 /* one side of a range: longer is no number */

struct policy_event_name {
	const char *name;
	uint16_t event; /* x86: event select; arm64: event number */
	uint8_t umask;
};

/* Intel's architectural events (CPUID 0xA EBX order). */
static const struct policy_event_name policy_x86_events[] = {
	{ .name = "cycles", .event = 0x3c, .umask = 0x00 },
	{ .name = "instructions", .event = 0xc0, .umask = 0x00 },
	{ .name = "ref-cycles", .event = 0x3c, .umask = 0x01 },
	{ .name = "llc-references", .event = 0x2e, .umask = 0x4f },
	{ .name = "llc-misses", .event = 0x2e, .umask = 0x41 },
	{ .name = "branches", .event = 0xc4, .umask = 0x00 },
	{ .name = "branch-misses", .event = 0xc5, .umask = 0x00 },
	{ .name = "topdown-slots", .event = 0xa4, .umask = 0x01 },
};

/* PMUv3 common events people filter most. */
static const struct policy_event_name policy_arm64_events[] = {
	{ .name = "sw-incr", .event = FILTER_ARM64_SW_INCR },
	{ .name = "inst-retired", .event = FILTER_ARM64_INST_RETIRED },
	{ .name = "exc-taken", .event = 0x09 },
	{ .name = "br-mis-pred", .event = 0x10 },
	{ .name = "cpu-cycles", .event = FILTER_ARM64_CPU_CYCLES },
	{ .name = "br-pred", .event = 0x12 },
	{ .name = "mem-access", .event = 0x13 },
	{ .name = "chain", .event = FILTER_ARM64_CHAIN },
	{ .name = "br-retired", .event = 0x21 },
};

bool filter_policy_x86_event(const char *name, uint16_t *select, uint8_t *umask)
{
	for (size_t i = 0; i < ARRAY_SIZE(policy_x86_events); i++) {
		if (strcasecmp(name, policy_x86_events[i].name))
			continue;
		*select = policy_x86_events[i].event;
		*umask = policy_x86_events[i].umask;
		return true;
	}
	return false;
}

const char *filter_policy_x86_event_name(uint16_t select, uint8_t umask)
{
	for (size_t i = 0; i < ARRAY_SIZE(policy_x86_events); i++)
		if (policy_x86_events[i].event == select &&
		    policy_x86_events[i].umask == umask)
			return policy_x86_events[i].name;
	return NULL;
}

bool filter_policy_arm64_event(const char *name, uint16_t *event)
{
	for (size_t i = 0; i < ARRAY_SIZE(policy_arm64_events); i++) {
		if (strcasecmp(name, policy_arm64_events[i].name))
			continue;
		*event = policy_arm64_events[i].event;
		return true;
	}
	return false;
}

const char *filter_policy_arm64_event_name(uint16_t event)
{
	for (size_t i = 0; i < ARRAY_SIZE(policy_arm64_events); i++)
		if (policy_arm64_events[i].event == event)
			return policy_arm64_events[i].name;
	return NULL;
}

int filter_policy_number(const char *word, uint64_t max, uint64_t *val)
{
	const char *s = word;
	unsigned int base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned int digit;

		if (isdigit((unsigned char)*s))
			digit = *s - '0';
		else if (base == 16 && isxdigit((unsigned char)*s))
			digit = tolower((unsigned char)*s) - 'a' + 10;
		else
			return -EINVAL;
		if (v > (UINT64_MAX - digit) / base)
			return -ERANGE;
		v = v * base + digit;
	}
	if (v > max)
		return -ERANGE;
	*val = v;
	return 0;
}

struct policy_parser {
	struct filter_policy *policy;
	char *err;
	size_t errlen;

	unsigned int nr; /* the statement being parsed, from 1 */
	char **words;
	size_t nwords;

	bool saw_none;
	bool saw_raw;
	bool saw_filter; /* a statement other than raw, vendor and none */
	bool action_set;
	unsigned int action_stmt;
	bool vendor_set;
	bool event_bits_set;

	/* x86 entries in order; plain[i] marks the ones written as plain */
	uint64_t *entries;
	bool *plain;
	size_t nentries, entries_cap;
	bool masked;

	size_t ranges_cap; /* arm64: room in policy->arm64.ranges */
};

static int policy_error(struct policy_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "statement N ('words'): why", the words joined by one blank. */
static int policy_error(struct policy_parser *p, const char *fmt, ...)
{
	char quote[POLICY_QUOTE_MAX + sizeof("...")], why[256];
	size_t len = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);

	quote[0] = '\0';
	for (size_t i = 0; i < p->nwords && len <= POLICY_QUOTE_MAX; i++)
		len += snprintf(quote + len, POLICY_QUOTE_MAX + 1 - len, "%s%s",
				i ? " " : "", p->words[i]);
	if (len > POLICY_QUOTE_MAX)
		strcpy(quote + POLICY_QUOTE_MAX, "...");
	snprintf(p->err, p->errlen, "statement %u ('%s'): %s", p->nr, quote,
		 why);
	return -EINVAL;
}

/* How a field's bounds read in a message: small ones in decimal. */
static void policy_bounds(char *buf, size_t len, uint64_t max)
{
	snprintf(buf, len, max <= 64 ? "0..%llu" : "0..%#llx",
		 (unsigned long long)max);
}

static int policy_number(struct policy_parser *p, const char *word,
			 const char *what, uint64_t max, uint64_t *val)
{
	char bounds[32];
	int ret = filter_policy_number(word, max, val);

	if (ret == -EINVAL)
		return policy_error(p, "%s '%s' is not a number", what, word);
	if (ret) {
		policy_bounds(bounds, sizeof(bounds), max);
		return policy_error(p, "%s %s is not %s", what, word, bounds);
	}
	return 0;
}

/*
 * A number or an inclusive range A-B of them, for one field of a
 * SEL:UMASK item.  -ENOENT without a message when part is no number at
 * all, so that the caller can say what the whole word should have been.
 */
static int policy_span(const char *part, const char *what, uint64_t max,
		       uint64_t *lo, uint64_t *hi, char *why, size_t len)
{
	char low[POLICY_WORD_MAX], bounds[32];
	const char *dash = strchr(part, '-');
	uint64_t unused;

	policy_bounds(bounds, sizeof(bounds), max);
	if (!dash) {
		if (filter_policy_number(part, UINT64_MAX, &unused) == -EINVAL)
			return -ENOENT;
		if (filter_policy_number(part, max, lo)) {
			snprintf(why, len, "%s %s is not %s", what, part,
				 bounds);
			return -EINVAL;
		}
		*hi = *lo;
		return 0;
	}
	if ((size_t)(dash - part) >= sizeof(low))
		return -ENOENT;
	memcpy(low, part, dash - part);
	low[dash - part] = '\0';
	if (filter_policy_number(low, UINT64_MAX, &unused) == -EINVAL ||
	    filter_policy_number(dash + 1, UINT64_MAX, &unused) == -EINVAL)
		return -ENOENT;
	if (filter_policy_number(low, max, lo) ||
	    filter_policy_number(dash + 1, max, hi)) {
		snprintf(why, len, "%s range %s is not within %s", what, part,
			 bounds);
		return -EINVAL;
	}
	if (*lo > *hi) {
		snprintf(why, len, "%s range %s runs backwards", what, part);
		return -EINVAL;
	}
	return 0;
}

int filter_policy_x86_item(const char *word,
			   struct filter_policy_x86_item *item, char *why,
			   size_t len)
{
	uint64_t sel_lo, sel_hi, umask_lo = 0, umask_hi = 0;
	char select[POLICY_WORD_MAX];
	const char *colon = strchr(word, ':');
	size_t select_len = colon ? (size_t)(colon - word) : strlen(word);
	uint16_t name_select;
	uint8_t name_umask;
	int ret;

	if (filter_policy_x86_event(word, &name_select, &name_umask)) {
		*item = (struct filter_policy_x86_item){
			.select_lo = name_select,
			.select_hi = name_select,
			.umask_lo = name_umask,
			.umask_hi = name_umask,
		};
		return 0;
	}
	if (select_len >= sizeof(select) || (colon && strchr(colon + 1, ':')))
		return -ENOENT;
	memcpy(select, word, select_len);
	select[select_len] = '\0';
	ret = policy_span(select, "event select", 0xfff, &sel_lo, &sel_hi, why,
			  len);
	if (!ret && colon)
		ret = policy_span(colon + 1, "unit mask", 0xff, &umask_lo,
				  &umask_hi, why, len);
	if (ret)
		return ret;
	*item = (struct filter_policy_x86_item){
		.select_lo = sel_lo,
		.select_hi = sel_hi,
		.umask_lo = umask_lo,
		.umask_hi = umask_hi,
	};
	return 0;
}

static int policy_add_entry(struct policy_parser *p, uint64_t entry, bool plain)
{
	if (p->nentries == p->entries_cap) {
		size_t cap = p->entries_cap ? 2 * p->entries_cap : 64;
		uint64_t *entries;
		bool *plains;

		entries = realloc(p->entries, cap * sizeof(*entries));
		if (!entries)
			return -ENOMEM;
		p->entries = entries;
		plains = realloc(p->plain, cap * sizeof(*plains));
		if (!plains)
			return -ENOMEM;
		p->plain = plains;
		p->entries_cap = cap;
	}
	p->entries[p->nentries] = entry;
	p->plain[p->nentries++] = plain;
	return 0;
}

static int policy_room(struct policy_parser *p, uint64_t more)
{
	if (more > FILTER_POLICY_MAX_ENTRIES - p->nentries)
		return policy_error(p, "more than %u entries in the policy",
				    FILTER_POLICY_MAX_ENTRIES);
	return 0;
}

static int policy_plain(struct policy_parser *p, uint64_t select,
			uint64_t umask)
{
	return policy_add_entry(p, FILTER_X86_EVENT_SELECT(select) | umask << 8,
				true);
}

/* An event name or SEL[:UMASK]: every select:umask it spans. */
static int policy_x86_item(struct policy_parser *p, const char *word)
{
	struct filter_policy_x86_item item;
	char why[128];
	int ret;

	ret = filter_policy_x86_item(word, &item, why, sizeof(why));
	if (ret == -ENOENT)
		return policy_error(
			p,
			"'%s' is not an event name or SEL[:UMASK] (0x3c, 0xc0:0x00, 0x00-0xff:0x01)",
			word);
	if (ret)
		return policy_error(p, "%s", why);
	ret = policy_room(p, (uint64_t)(item.select_hi - item.select_lo + 1) *
				     (item.umask_hi - item.umask_lo + 1));
	for (unsigned int sel = item.select_lo; !ret && sel <= item.select_hi;
	     sel++)
		for (unsigned int umask = item.umask_lo;
		     !ret && umask <= item.umask_hi; umask++)
			ret = policy_plain(p, sel, umask);
	return ret;
}

static int policy_x86_items(struct policy_parser *p, size_t first)
{
	int ret = 0;

	for (size_t i = first; !ret && i < p->nwords; i++)
		ret = policy_x86_item(p, p->words[i]);
	return ret;
}

static int policy_action(struct policy_parser *p, uint8_t action)
{
	const char *names[] = { "allow", "deny" };

	if (p->action_set && p->policy->x86.action != action)
		return policy_error(
			p,
			"a policy has one action, and statement %u chose '%s'",
			p->action_stmt, names[p->policy->x86.action]);
	if (!p->action_set)
		p->action_stmt = p->nr;
	p->action_set = true;
	p->policy->x86.action = action;
	return 0;
}

static int policy_x86_masked(struct policy_parser *p)
{
	bool have_mask = false, have_match = false, exclude = false;
	uint64_t select, mask = 0, match = 0;
	int ret;

	if (p->nwords < 2)
		return policy_error(p, "'masked' needs an event select");
	ret = policy_number(p, p->words[1], "event select", 0xfff, &select);
	for (size_t i = 2; !ret && i < p->nwords; i++) {
		const char *word = p->words[i];

		if (!strcasecmp(word, "exclude")) {
			if (exclude)
				return policy_error(p, "'exclude' given twice");
			exclude = true;
			continue;
		}
		if (strcasecmp(word, "mask") && strcasecmp(word, "match"))
			return policy_error(
				p, "'%s' is not 'mask', 'match' or 'exclude'",
				word);
		if (i + 1 == p->nwords)
			return policy_error(p, "'%s' needs a value", word);
		if (!strcasecmp(word, "mask")) {
			if (have_mask)
				return policy_error(p, "'mask' given twice");
			have_mask = true;
			ret = policy_number(p, p->words[++i], "mask", 0xff,
					    &mask);
		} else {
			if (have_match)
				return policy_error(p, "'match' given twice");
			have_match = true;
			ret = policy_number(p, p->words[++i], "match", 0xff,
					    &match);
		}
	}
	if (!ret)
		ret = policy_room(p, 1);
	if (ret)
		return ret;
	p->masked = true;
	return policy_add_entry(
		p, FILTER_MASKED_ENTRY(select, mask, match, exclude), false);
}

static int policy_x86_fixed(struct policy_parser *p)
{
	uint32_t bitmap = p->policy->x86.fixed_bitmap;
	uint64_t bit;
	int ret;

	if (p->nwords < 2)
		return policy_error(p,
				    "'fixed' needs counter numbers or 'none'");
	if (!strcasecmp(p->words[1], "none")) {
		if (p->nwords > 2)
			return policy_error(p, "'fixed none' stands alone");
		p->policy->x86.fixed_bitmap = 0;
		return 0;
	}
	for (size_t i = 1; i < p->nwords; i++) {
		ret = policy_number(p, p->words[i], "fixed counter",
				    FILTER_X86_NR_FIXED - 1, &bit);
		if (ret)
			return ret;
		bitmap |= 1u << bit;
	}
	p->policy->x86.fixed_bitmap = bitmap;
	return 0;
}

static int policy_one_value(struct policy_parser *p)
{
	if (p->nwords != 2)
		return policy_error(p, "'%s' takes one value", p->words[0]);
	return 0;
}

static int policy_x86_vendor(struct policy_parser *p)
{
	enum filter_vendor vendor;
	int ret = policy_one_value(p);

	if (ret)
		return ret;
	if (!strcasecmp(p->words[1], "intel"))
		vendor = FILTER_VENDOR_INTEL;
	else if (!strcasecmp(p->words[1], "amd"))
		vendor = FILTER_VENDOR_AMD;
	else
		return policy_error(p, "vendor '%s' is not intel or amd",
				    p->words[1]);
	if (p->vendor_set && p->policy->vendor != vendor)
		return policy_error(p, "a policy has one vendor");
	p->vendor_set = true;
	p->policy->vendor = vendor;
	p->policy->vendor_stated = true;
	return 0;
}

static int policy_x86_raw(struct policy_parser *p)
{
	struct filter_x86 *f = &p->policy->x86;
	uint64_t action, flags, bitmap, entry;
	int ret;

	if (p->saw_raw)
		return policy_error(p, "a policy has one 'raw' statement");
	if (p->nwords < 4)
		return policy_error(
			p, "'raw' needs ACTION FLAGS FIXED_BITMAP [ENTRY...]");
	ret = policy_number(p, p->words[1], "action", UINT32_MAX, &action);
	if (!ret)
		ret = policy_number(p, p->words[2], "flags", UINT32_MAX,
				    &flags);
	if (!ret)
		ret = policy_number(p, p->words[3], "fixed bitmap", UINT32_MAX,
				    &bitmap);
	if (!ret)
		ret = policy_room(p, p->nwords - 4);
	for (size_t i = 4; !ret && i < p->nwords; i++) {
		ret = policy_number(p, p->words[i], "entry", UINT64_MAX,
				    &entry);
		if (!ret)
			ret = policy_add_entry(p, entry, false);
	}
	if (ret)
		return ret;
	p->saw_raw = true;
	f->action = action;
	f->flags = flags;
	f->fixed_bitmap = bitmap;
	return 0;
}

static int policy_x86_statement(struct policy_parser *p)
{
	const char *keyword = p->words[0];
	bool is_raw = !strcasecmp(keyword, "raw");
	uint64_t bitmap;
	int ret;

	if (!is_raw && strcasecmp(keyword, "vendor")) {
		if (p->saw_raw)
			return policy_error(
				p,
				"a raw policy has nothing but 'vendor' besides 'raw'");
		p->saw_filter = true;
	} else if (is_raw && p->saw_filter) {
		return policy_error(
			p,
			"'raw' states the whole filter: only 'vendor' may go with it");
	}

	if (!strcasecmp(keyword, "allow") || !strcasecmp(keyword, "deny")) {
		ret = policy_action(p,
				    tolower((unsigned char)keyword[0]) == 'a' ?
					    FILTER_ACTION_ALLOW :
					    FILTER_ACTION_DENY);
		return ret ? ret : policy_x86_items(p, 1);
	}
	if (!strcasecmp(keyword, "events") || !strcasecmp(keyword, "event")) {
		if (p->nwords < 2)
			return policy_error(p, "'%s' needs at least one event",
					    keyword);
		return policy_x86_items(p, 1);
	}
	if (!strcasecmp(keyword, "masked"))
		return policy_x86_masked(p);
	if (!strcasecmp(keyword, "fixed"))
		return policy_x86_fixed(p);
	if (!strcasecmp(keyword, "fixed-bitmap")) {
		ret = policy_one_value(p);
		if (!ret)
			ret = policy_number(p, p->words[1], "fixed bitmap",
					    UINT32_MAX, &bitmap);
		if (!ret)
			p->policy->x86.fixed_bitmap = bitmap;
		return ret;
	}
	if (!strcasecmp(keyword, "vendor"))
		return policy_x86_vendor(p);
	if (is_raw)
		return policy_x86_raw(p);
	return policy_error(
		p,
		"unknown x86 statement '%s' (allow, deny, events, masked, fixed, fixed-bitmap, vendor, raw, none)",
		keyword);
}

static int policy_arm64_add(struct policy_parser *p, uint64_t base,
			    uint64_t nevents, uint64_t action)
{
	struct filter_arm64 *f = &p->policy->arm64;

	if (f->nr == p->ranges_cap) {
		size_t cap = p->ranges_cap ? 2 * p->ranges_cap : 8;
		struct filter_arm64_range *ranges;

		ranges = realloc(f->ranges, cap * sizeof(*ranges));
		if (!ranges)
			return -ENOMEM;
		f->ranges = ranges;
		p->ranges_cap = cap;
	}
	f->ranges[f->nr++] = (struct filter_arm64_range){
		.base_event = base,
		.nevents = nevents,
		.action = action,
	};
	return 0;
}

/* 0, -EINVAL when word is neither a name nor a number, -ERANGE. */
static int policy_arm64_event(const char *word, uint64_t *event)
{
	uint16_t named;

	if (filter_policy_arm64_event(word, &named)) {
		*event = named;
		return 0;
	}
	return filter_policy_number(word, UINT16_MAX, event);
}

/* EV or EV-EV; names have dashes too, so try each split. */
static int policy_arm64_range(struct policy_parser *p, const char *word,
			      uint64_t *base, uint64_t *nevents)
{
	char low[POLICY_WORD_MAX];
	uint64_t first, last;
	int ret = policy_arm64_event(word, &first);

	if (ret == -ERANGE)
		return policy_error(p, "event %s is not 0..0xffff", word);
	if (!ret) {
		*base = first;
		*nevents = 1;
		return 0;
	}
	for (const char *dash = strchr(word, '-'); dash;
	     dash = strchr(dash + 1, '-')) {
		int ret_last;

		if ((size_t)(dash - word) >= sizeof(low))
			break;
		memcpy(low, word, dash - word);
		low[dash - word] = '\0';
		ret = policy_arm64_event(low, &first);
		ret_last = policy_arm64_event(dash + 1, &last);
		if (ret == -EINVAL || ret_last == -EINVAL)
			continue;
		if (ret || ret_last)
			return policy_error(
				p, "range %s is not within 0..0xffff", word);
		if (first > last)
			return policy_error(p, "range %s runs backwards", word);
		if (last - first + 1 > UINT16_MAX)
			return policy_error(
				p,
				"range %s covers %llu events, more than one filter's 65535",
				word, (unsigned long long)(last - first + 1));
		*base = first;
		*nevents = last - first + 1;
		return 0;
	}
	return policy_error(
		p,
		"'%s' is not an event (0..0xffff or a name) or a range EV-EV",
		word);
}

static int policy_event_bits(struct policy_parser *p, unsigned int bits)
{
	if (p->event_bits_set && p->policy->arm64.event_bits != bits)
		return policy_error(
			p,
			"a policy has one event number width, and it is %u bits",
			p->policy->arm64.event_bits);
	p->event_bits_set = true;
	p->policy->arm64.event_bits = bits;
	return 0;
}

/* "8.0" (or "8") has 10-bit event numbers, 8.1 and later 16. */
static int policy_pmuver(struct policy_parser *p)
{
	const char *word = p->words[1];
	unsigned long major, minor = 0;
	char *end;

	if (!isdigit((unsigned char)*word))
		goto bad;
	major = strtoul(word, &end, 10);
	if (*end == '.') {
		if (!isdigit((unsigned char)end[1]))
			goto bad;
		minor = strtoul(end + 1, &end, 10);
	}
	if (*end || major < 8)
		goto bad;
	return policy_event_bits(p, major == 8 && minor == 0 ? 10 : 16);

bad:
	return policy_error(p, "PMU version '%s' is not 8.0, 8.1 or later",
			    word);
}

static int policy_arm64_statement(struct policy_parser *p)
{
	const char *keyword = p->words[0];
	uint64_t base, nevents, action;
	int ret;

	if (!strcasecmp(keyword, "allow") || !strcasecmp(keyword, "deny")) {
		action = tolower((unsigned char)keyword[0]) == 'a' ?
				 FILTER_ACTION_ALLOW :
				 FILTER_ACTION_DENY;
		if (p->nwords < 2)
			return policy_error(p, "'%s' needs at least one range",
					    keyword);
		for (size_t i = 1; i < p->nwords; i++) {
			ret = policy_arm64_range(p, p->words[i], &base,
						 &nevents);
			if (!ret)
				ret = policy_arm64_add(p, base, nevents,
						       action);
			if (ret)
				return ret;
		}
		return 0;
	}
	if (!strcasecmp(keyword, "raw")) {
		if (p->nwords != 4)
			return policy_error(p,
					    "'raw' needs BASE NEVENTS ACTION");
		ret = policy_number(p, p->words[1], "base event", UINT16_MAX,
				    &base);
		if (!ret)
			ret = policy_number(p, p->words[2], "nevents",
					    UINT16_MAX, &nevents);
		if (!ret)
			ret = policy_number(p, p->words[3], "action", UINT8_MAX,
					    &action);
		return ret ? ret : policy_arm64_add(p, base, nevents, action);
	}
	if (!strcasecmp(keyword, "event-bits")) {
		ret = policy_one_value(p);
		if (ret)
			return ret;
		if (strcmp(p->words[1], "10") && strcmp(p->words[1], "16"))
			return policy_error(p, "event-bits %s is not 10 or 16",
					    p->words[1]);
		return policy_event_bits(p, atoi(p->words[1]));
	}
	if (!strcasecmp(keyword, "pmuver")) {
		ret = policy_one_value(p);
		return ret ? ret : policy_pmuver(p);
	}
	return policy_error(
		p,
		"unknown arm64 statement '%s' (allow, deny, raw, event-bits, pmuver, none)",
		keyword);
}

static int policy_statement(struct policy_parser *p)
{
	if (p->saw_none)
		return policy_error(
			p, "'none' is the whole policy: nothing goes with it");
	if (!strcasecmp(p->words[0], "none")) {
		if (p->nr > 1 || p->nwords > 1)
			return policy_error(
				p,
				"'none' is the whole policy: nothing goes with it");
		p->saw_none = true;
		return 0;
	}
	if (p->policy->arch == FILTER_ARCH_X86)
		return policy_x86_statement(p);
	return policy_arm64_statement(p);
}

/* Splits statement text in place into p->words. */
static int policy_words(struct policy_parser *p, char *text)
{
	static const char separators[] = " \t\r\v\f,=";
	size_t cap = strlen(text) / 2 + 1;
	char *save, *word;

	p->nwords = 0;
	p->words = calloc(cap, sizeof(*p->words));
	if (!p->words)
		return -ENOMEM;
	for (word = strtok_r(text, separators, &save); word;
	     word = strtok_r(NULL, separators, &save))
		p->words[p->nwords++] = word;
	return 0;
}

static int policy_finish(struct policy_parser *p)
{
	struct filter_policy *policy = p->policy;
	struct filter_x86 *f = &policy->x86;

	if (!p->nr) {
		snprintf(p->err, p->errlen,
			 "empty policy: write 'none' for no filter");
		return -EINVAL;
	}
	if (p->saw_none) {
		policy->none = true;
		return 0;
	}
	if (policy->arch == FILTER_ARCH_ARM64) {
		if (policy->arm64.nr)
			return 0;
		snprintf(
			p->err, p->errlen,
			"the policy sets no range: write 'none' for no filter");
		return -EINVAL;
	}
	if (!p->saw_raw && !p->action_set) {
		snprintf(p->err, p->errlen,
			 "the policy has no action: add 'allow' or 'deny'");
		return -EINVAL;
	}
	if (p->masked) {
		/* What KVM does with plain entries in a masked filter. */
		for (size_t i = 0; i < p->nentries; i++)
			if (p->plain[i])
				p->entries[i] |= FILTER_MASKED_MASK;
		f->flags = FILTER_FLAG_MASKED_EVENTS;
	}
	f->events = p->entries;
	f->nevents = p->nentries;
	p->entries = NULL;
	return 0;
}

int filter_policy_parse(const char *text, enum filter_arch arch,
			struct filter_policy *policy, char *err, size_t errlen)
{
	struct policy_parser p = {
		.policy = policy,
		.err = err,
		.errlen = errlen,
	};
	char *copy, *statement, *next;
	int ret = 0;

	memset(policy, 0, sizeof(*policy));
	policy->arch = arch;
	policy->vendor = FILTER_VENDOR_INTEL;
	policy->arm64.event_bits = 16;
	if (errlen)
		err[0] = '\0';

	copy = strdup(text);
	if (!copy)
		return -ENOMEM;
	for (char *hash = strchr(copy, '#'); hash; hash = strchr(hash, '#'))
		while (*hash && *hash != '\n')
			*hash++ = ' ';

	for (statement = copy; !ret && statement; statement = next) {
		next = strpbrk(statement, ";\n");
		if (next)
			*next++ = '\0';
		ret = policy_words(&p, statement);
		if (!ret && p.nwords) {
			p.nr++;
			ret = policy_statement(&p);
		}
		free(p.words);
		p.words = NULL;
		p.nwords = 0;
	}
	if (!ret)
		ret = policy_finish(&p);

	free(p.entries);
	free(p.plain);
	free(copy);
	if (ret) {
		if (ret == -ENOMEM)
			snprintf(err, errlen, "out of memory");
		filter_policy_free(policy);
	}
	return ret;
}

int filter_policy_load(const char *arg, enum filter_arch arch,
		       struct filter_policy *policy, char *err, size_t errlen)
{
	const char *path = arg + 1;
	char *text, why[256];
	size_t len;
	FILE *file;
	int ret;

	if (arg[0] != '@')
		return filter_policy_parse(arg, arch, policy, err, errlen);

	memset(policy, 0, sizeof(*policy));
	if (!*path) {
		snprintf(err, errlen, "'@' needs a file name: @FILE");
		return -EINVAL;
	}
	file = fopen(path, "r");
	if (!file) {
		ret = -errno;
		snprintf(err, errlen, "cannot open policy file '%s': %s", path,
			 strerror(-ret));
		return ret;
	}
	text = malloc(FILTER_POLICY_MAX_FILE + 1);
	if (!text) {
		fclose(file);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	len = fread(text, 1, FILTER_POLICY_MAX_FILE + 1, file);
	if (ferror(file)) {
		ret = -(errno ?: EIO);
		snprintf(err, errlen, "cannot read policy file '%s': %s", path,
			 strerror(-ret));
	} else if (len > FILTER_POLICY_MAX_FILE) {
		ret = -EFBIG;
		snprintf(err, errlen, "policy file '%s' is larger than %d KiB",
			 path, FILTER_POLICY_MAX_FILE / 1024);
	} else if (memchr(text, '\0', len)) {
		ret = -EINVAL;
		snprintf(err, errlen,
			 "policy file '%s' holds a NUL byte: not text", path);
	} else {
		text[len] = '\0';
		ret = filter_policy_parse(text, arch, policy, why, sizeof(why));
		if (ret)
			snprintf(err, errlen, "%s: %s", path, why);
	}
	free(text);
	fclose(file);
	return ret;
}

void filter_policy_free(struct filter_policy *policy)
{
	filter_x86_free(&policy->x86);
	filter_arm64_free(&policy->arm64);
	policy->none = false;
}

void filter_policy_print_raw(FILE *out, const struct filter_policy *policy)
{
	const struct filter_arm64 *arm64 = &policy->arm64;
	const struct filter_x86 *x86 = &policy->x86;

	if (policy->none || (policy->arch == FILTER_ARCH_ARM64 && !arm64->nr)) {
		fputs("none\n", out);
		return;
	}
	if (policy->arch == FILTER_ARCH_ARM64) {
		for (unsigned int i = 0; i < arm64->nr; i++)
			fprintf(out, "%sraw=0x%x,%u,%u", i ? ";" : "",
				arm64->ranges[i].base_event,
				arm64->ranges[i].nevents,
				arm64->ranges[i].action);
		if (arm64->event_bits != 16)
			fprintf(out, ";event-bits=%u", arm64->event_bits);
		fputc('\n', out);
		return;
	}
	fprintf(out, "raw=%u,0x%x,0x%x", x86->action, x86->flags,
		x86->fixed_bitmap);
	for (uint32_t i = 0; i < x86->nevents; i++)
		fprintf(out, ",0x%llx", (unsigned long long)x86->events[i]);
	if (policy->vendor == FILTER_VENDOR_AMD)
		fputs(";vendor=amd", out);
	fputc('\n', out);
}

static const char *policy_vendor_name(enum filter_vendor vendor)
{
	return vendor == FILTER_VENDOR_AMD ? "AMD" : "Intel";
}

int filter_policy_check_vendor(const struct filter_policy *policy,
			       enum filter_vendor vendor, char *err,
			       size_t errlen)
{
	if (policy->none || !policy->vendor_stated || policy->vendor == vendor)
		return 0;
	snprintf(err, errlen, "the policy is for %s, the vPMU is %s's",
		 policy_vendor_name(policy->vendor),
		 policy_vendor_name(vendor));
	return -EINVAL;
}
