// SPDX-License-Identifier: GPL-2.0-only
/* hvcheck filter: what an event-filter policy does, worked out without KVM. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "array_size.h"
#include "hvcheck_abi.h"
#include "cli/filter.h"
#include "vpmu/filter_policy.h"

#define CMD_WHY_SIZE	 256
#define CMD_COMMENT_COL	 44 /* where compile's comments start */
#define CMD_HEADER_BYTES 32 /* struct kvm_pmu_event_filter without events */

static const char filter_help[] =
	"usage: hvcheck filter check --policy P [--arch x86|arm64] [--vendor intel|amd]\n"
	"                            EVENT...\n"
	"       hvcheck filter compile --policy P [--arch x86|arm64]\n"
	"                              [--vendor intel|amd] [--compress]\n"
	"\n"
	"Works out what a PMU event-filter policy (docs/filter.md) does under\n"
	"KVM's semantics, without KVM.  P is the policy text, or @FILE.\n"
	"\n"
	"  check    whether a guest counter programmed with each EVENT counts\n"
	"           (ALLOW) or not (DENY)\n"
	"  compile  the KVM call and structure the policy becomes, or the\n"
	"           error KVM would return\n"
	"\n"
	"Exit status: 0 done, 1 KVM would refuse the filter, 64 bad option,\n"
	"policy or EVENT.  'hvcheck filter check --help' and\n"
	"'hvcheck filter compile --help' say more.\n";

static const char check_help[] =
	"usage: hvcheck filter check --policy P [--arch x86|arm64] [--vendor intel|amd]\n"
	"                            EVENT...\n"
	"\n"
	"Prints one line per EVENT: the EVENT as given, a blank, then ALLOW when\n"
	"a guest counter programmed with it counts under the policy's filter,\n"
	"DENY when the filter stops it.  A 'none' policy allows everything.\n"
	"\n"
	"options:\n"
	"  --policy P       the policy text (docs/filter.md), or @FILE\n"
	"  --arch ARCH      x86 (default) or arm64\n"
	"  --vendor VENDOR  x86: intel or amd semantics, whatever the policy says\n"
	"  -h, --help       this text\n"
	"\n"
	"x86 EVENTs: an IA32_PERFEVTSELx value such as 0x4300c0 (only the event\n"
	"select and unit mask matter, bits 35:32 too on AMD), SEL:UMASK such as\n"
	"0xc0:0x00, an architectural event name such as instructions, or fixedN\n"
	"for fixed counter N (0..31).\n"
	"arm64 EVENTs: an event number such as 0x11 or name such as cpu-cycles,\n"
	"or cycle-counter (PMCCNTR_EL0, which CPU_CYCLES governs).\n"
	"\n"
	"Exit status: 0; 1 when KVM would refuse the filter (the error is printed\n"
	"as compile prints it); 64 for a bad option, policy or EVENT.\n";

static const char compile_help[] =
	"usage: hvcheck filter compile --policy P [--arch x86|arm64]\n"
	"                              [--vendor intel|amd] [--compress]\n"
	"\n"
	"Prints the KVM call and the structure the policy becomes: on x86 the\n"
	"struct kvm_pmu_event_filter of KVM_SET_PMU_EVENT_FILTER, each entry\n"
	"decoded, the capabilities it needs and entries KVM would drop; on\n"
	"arm64 one KVM_ARM_VCPU_PMU_V3_FILTER attribute per range.  Ends with\n"
	"the policy's raw form.  When KVM would refuse the filter, prints the\n"
	"error KVM would return on stderr instead and exits 1.\n"
	"\n"
	"options:\n"
	"  --policy P       the policy text (docs/filter.md), or @FILE\n"
	"  --arch ARCH      x86 (default) or arm64\n"
	"  --vendor VENDOR  x86: intel or amd semantics, whatever the policy says\n"
	"  --compress       x86: the equivalent masked-events filter of a plain\n"
	"                   one, fewest entries (for lists longer than 300)\n"
	"  -h, --help       this text\n"
	"\n"
	"Exit status: 0; 1 when KVM would refuse the filter; 64 for a bad\n"
	"option or policy.\n";

enum cmd_action {
	CMD_CHECK,
	CMD_COMPILE,
};

struct filter_cmd {
	enum cmd_action action;
	const char *name; /* "check" or "compile" */
	const char *policy_arg;
	enum filter_arch arch;
	bool vendor_set;
	enum filter_vendor vendor;
	bool compress;
	bool help;
	char **events; /* check's EVENT arguments */
	int nevents;
	FILE *out, *err;
	struct filter_policy policy;
};

static int cmd_usage(struct filter_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int cmd_usage(struct filter_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("hvcheck filter: ", cmd->err);
	va_start(ap, fmt);
	vfprintf(cmd->err, fmt, ap);
	va_end(ap);
	fputc('\n', cmd->err);
	return HV_EXIT_USAGE;
}

/* What KVM would answer; ENOMEM is ours, not KVM's. */
static int cmd_refused(struct filter_cmd *cmd, int ret, const char *why)
{
	if (ret == -ENOMEM) {
		fprintf(cmd->err, "hvcheck filter: out of memory\n");
		return HV_EXIT_VMM_ERROR;
	}
	fprintf(cmd->err, "hvcheck filter: %s would fail: %s: %s\n",
		cmd->arch == FILTER_ARCH_X86 ? "KVM_SET_PMU_EVENT_FILTER" :
					       "KVM_SET_DEVICE_ATTR",
		filter_errno_name(ret), why);
	return 1;
}

static int cmd_set_value(struct filter_cmd *cmd, const char *option,
			 const char *value)
{
	if (!strcmp(option, "--policy")) {
		if (cmd->policy_arg)
			return cmd_usage(cmd, "--policy given twice");
		cmd->policy_arg = value;
	} else if (!strcmp(option, "--arch")) {
		if (!strcmp(value, "x86") || !strcmp(value, "x86_64"))
			cmd->arch = FILTER_ARCH_X86;
		else if (!strcmp(value, "arm64"))
			cmd->arch = FILTER_ARCH_ARM64;
		else
			return cmd_usage(cmd, "--arch %s: not x86 or arm64",
					 value);
	} else {
		if (!strcmp(value, "intel"))
			cmd->vendor = FILTER_VENDOR_INTEL;
		else if (!strcmp(value, "amd"))
			cmd->vendor = FILTER_VENDOR_AMD;
		else
			return cmd_usage(cmd, "--vendor %s: not intel or amd",
					 value);
		cmd->vendor_set = true;
	}
	return 0;
}

/* argv[1] is the subcommand; options and EVENTs may come in any order. */
static int cmd_parse(struct filter_cmd *cmd, int argc, char **argv)
{
	static const char *const with_value[] = { "--policy", "--arch",
						  "--vendor" };
	bool options_done = false;
	int ret;

	cmd->events = calloc(argc, sizeof(*cmd->events));
	if (!cmd->events)
		return cmd_refused(cmd, -ENOMEM, "");
	for (int i = 2; i < argc; i++) {
		const char *arg = argv[i], *eq, *value = NULL;
		size_t name_len;
		bool known = false;

		if (options_done || arg[0] != '-' || !arg[1]) {
			if (cmd->action == CMD_COMPILE)
				return cmd_usage(
					cmd, "compile takes no EVENT ('%s')",
					arg);
			cmd->events[cmd->nevents++] = argv[i];
			continue;
		}
		if (!strcmp(arg, "--")) {
			options_done = true;
			continue;
		}
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			cmd->help = true;
			return 0;
		}
		if (!strcmp(arg, "--compress") && cmd->action == CMD_COMPILE) {
			cmd->compress = true;
			continue;
		}
		eq = strchr(arg, '=');
		name_len = eq ? (size_t)(eq - arg) : strlen(arg);
		for (size_t k = 0; k < ARRAY_SIZE(with_value); k++) {
			if (strlen(with_value[k]) != name_len ||
			    strncmp(arg, with_value[k], name_len))
				continue;
			known = true;
			if (eq)
				value = eq + 1;
			else if (i + 1 < argc)
				value = argv[++i];
			else
				return cmd_usage(cmd, "%s needs a value",
						 with_value[k]);
			ret = cmd_set_value(cmd, with_value[k], value);
			if (ret)
				return ret;
		}
		if (!known)
			return cmd_usage(cmd, "%s: unknown option '%s'",
					 cmd->name, arg);
	}
	if (!cmd->policy_arg)
		return cmd_usage(cmd, "%s: --policy is required", cmd->name);
	if (cmd->vendor_set && cmd->arch != FILTER_ARCH_X86)
		return cmd_usage(cmd, "--vendor is for --arch x86");
	if (cmd->compress && cmd->arch != FILTER_ARCH_X86)
		return cmd_usage(cmd, "--compress is for --arch x86");
	if (cmd->action == CMD_CHECK && !cmd->nevents)
		return cmd_usage(cmd, "check: no EVENT to check");
	return 0;
}

static int cmd_load_policy(struct filter_cmd *cmd)
{
	char why[CMD_WHY_SIZE];
	int ret = filter_policy_load(cmd->policy_arg, cmd->arch, &cmd->policy,
				     why, sizeof(why));

	if (ret == -ENOMEM)
		return cmd_refused(cmd, ret, why);
	if (ret)
		return cmd_usage(cmd, "--policy: %s", why);
	if (cmd->vendor_set)
		cmd->policy.vendor = cmd->vendor;
	return 0;
}

/* --- check -------------------------------------------------------------- */

struct cmd_query {
	bool fixed;	/* x86: value is a fixed counter index */
	uint64_t value; /* x86: an eventsel; arm64: an event number */
};

static int cmd_bad_event(struct filter_cmd *cmd, const char *arg)
{
	if (cmd->arch == FILTER_ARCH_X86)
		return cmd_usage(
			cmd,
			"EVENT '%s' is not an eventsel number, SEL:UMASK (select 0..0xfff, umask 0..0xff), an event name or fixedN (0..31)",
			arg);
	return cmd_usage(
		cmd,
		"EVENT '%s' is not an event number 0..0xffff, an event name or cycle-counter",
		arg);
}

/* A policy's single-event ITEM, a whole eventsel number, or fixedN. */
static int cmd_x86_query(struct filter_cmd *cmd, const char *arg,
			 struct cmd_query *q)
{
	struct filter_policy_x86_item item;
	char why[128];

	*q = (struct cmd_query){ 0 };
	if (!strncasecmp(arg, "fixed", 5)) {
		q->fixed = true;
		if (filter_policy_number(arg + 5, FILTER_X86_NR_FIXED - 1,
					 &q->value))
			return cmd_bad_event(cmd, arg);
		return 0;
	}
	/* Without a unit mask, a number is a whole IA32_PERFEVTSELx. */
	if (!strchr(arg, ':') && isdigit((unsigned char)arg[0]))
		return filter_policy_number(arg, UINT64_MAX, &q->value) ?
			       cmd_bad_event(cmd, arg) :
			       0;
	if (filter_policy_x86_item(arg, &item, why, sizeof(why)) ||
	    item.select_lo != item.select_hi || item.umask_lo != item.umask_hi)
		return cmd_bad_event(cmd, arg);
	q->value = FILTER_X86_EVENT_SELECT(item.select_lo) |
		   (uint64_t)item.umask_lo << 8;
	return 0;
}

static int cmd_arm64_query(struct filter_cmd *cmd, const char *arg,
			   struct cmd_query *q)
{
	uint16_t event;

	*q = (struct cmd_query){ 0 };
	if (!strcasecmp(arg, "cycle-counter"))
		q->value = FILTER_ARM64_CPU_CYCLES;
	else if (filter_policy_arm64_event(arg, &event))
		q->value = event;
	else if (filter_policy_number(arg, UINT16_MAX, &q->value))
		return cmd_bad_event(cmd, arg);
	return 0;
}

static int cmd_check(struct filter_cmd *cmd)
{
	struct filter_x86_rules x86 = { 0 };
	struct filter_arm64_rules arm64 = { 0 };
	struct cmd_query *queries;
	char why[CMD_WHY_SIZE];
	int bad, ret = 0, status = 0;

	queries = calloc(cmd->nevents, sizeof(*queries));
	if (!queries)
		return cmd_refused(cmd, -ENOMEM, "");
	for (int i = 0; !status && i < cmd->nevents; i++)
		status = cmd->arch == FILTER_ARCH_X86 ?
				 cmd_x86_query(cmd, cmd->events[i],
					       &queries[i]) :
				 cmd_arm64_query(cmd, cmd->events[i],
						 &queries[i]);
	if (status)
		goto out;

	if (!cmd->policy.none && cmd->arch == FILTER_ARCH_X86)
		ret = filter_x86_compile(&cmd->policy.x86, cmd->policy.vendor,
					 &x86, &bad, why, sizeof(why));
	else if (!cmd->policy.none)
		ret = filter_arm64_compile(&cmd->policy.arm64, &arm64, &bad,
					   why, sizeof(why));
	if (ret) {
		status = cmd_refused(cmd, ret, why);
		goto out;
	}

	for (int i = 0; i < cmd->nevents; i++) {
		const struct cmd_query *q = &queries[i];
		bool allowed;

		if (cmd->policy.none)
			allowed = true;
		else if (cmd->arch == FILTER_ARCH_ARM64)
			allowed = filter_arm64_allowed(&arm64, q->value);
		else if (q->fixed)
			allowed = filter_x86_fixed_allowed(&x86, q->value);
		else
			allowed = filter_x86_gp_allowed(&x86, q->value);
		fprintf(cmd->out, "%s %s\n", cmd->events[i],
			allowed ? "ALLOW" : "DENY");
	}
out:
	filter_x86_rules_free(&x86);
	filter_arm64_rules_free(&arm64);
	free(queries);
	return status;
}

/* --- compile ------------------------------------------------------------ */

static void cmd_field(FILE *out, const char *indent, const char *comment,
		      const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* One line of a struct: indent, the field, and a comment in its column. */
static void cmd_field(FILE *out, const char *indent, const char *comment,
		      const char *fmt, ...)
{
	char field[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(field, sizeof(field), fmt, ap);
	va_end(ap);
	if (!comment) {
		fprintf(out, "%s%s\n", indent, field);
		return;
	}
	fprintf(out, "%s%-*s /* %s */\n", indent,
		(int)(CMD_COMMENT_COL - strlen(indent)), field, comment);
}

static unsigned int cmd_umasks_matched(uint8_t mask, uint8_t match)
{
	return match & ~mask ? 0 : 1u << (8 - __builtin_popcount(mask));
}

static void cmd_describe_entry(const struct filter_policy *policy, uint64_t e,
			       char *buf, size_t len)
{
	uint16_t select = filter_x86_entry_select(e);
	uint8_t umask = (e & FILTER_X86_UMASK) >> 8;
	uint8_t mask = e >> FILTER_MASKED_MASK_SHIFT;
	const char *name;
	uint64_t stray;
	size_t n;

	if (!(policy->x86.flags & FILTER_FLAG_MASKED_EVENTS)) {
		name = filter_policy_x86_event_name(select, umask);
		n = snprintf(buf, len, "select 0x%02x, umask 0x%02x%s%s",
			     select, umask, name ? ": " : "", name ?: "");
		stray = e & ~(FILTER_X86_EVENT_LO | FILTER_X86_EVENT_HI |
			      FILTER_X86_UMASK);
		if (!filter_x86_plain_kept(e, policy->vendor) && n < len)
			snprintf(buf + n, len - n, ", %s: dropped",
				 stray ? "stray bits" : "bits 35:32 on Intel");
		return;
	}
	name = mask == 0xff ? filter_policy_x86_event_name(select, umask) :
			      NULL;
	snprintf(
		buf, len,
		"select 0x%02x, mask 0x%02x, match 0x%02x, %s (%u umask%s)%s%s",
		select, mask, umask,
		e & FILTER_MASKED_EXCLUDE ? "exclude" : "include",
		cmd_umasks_matched(mask, umask),
		cmd_umasks_matched(mask, umask) == 1 ? "" : "s",
		name ? ": " : "", name ?: "");
}

/* "counter 1" or "counters 0 2": the bits set in a fixed bitmap. */
static void cmd_fixed_list(char *buf, size_t len, uint32_t bitmap)
{
	size_t n = snprintf(buf, len, "counter%s",
			    bitmap & (bitmap - 1) ? "s" : "");

	for (unsigned int i = 0; i < FILTER_X86_NR_FIXED && n < len; i++)
		if (bitmap >> i & 1)
			n += snprintf(buf + n, len - n, " %u", i);
}

/* Which fixed counters count: the bitmap decides, whatever the events. */
static void cmd_x86_fixed_effect(FILE *out, const struct filter_x86 *f)
{
	bool allow = f->action == FILTER_ACTION_ALLOW;
	char list[128];

	cmd_fixed_list(list, sizeof(list), f->fixed_bitmap);
	if (!f->fixed_bitmap)
		fprintf(out, "fixed counters: %s\n",
			allow ? "none counts" : "all count");
	else if (allow)
		fprintf(out, "fixed counters: only %s count%s\n", list,
			f->fixed_bitmap & (f->fixed_bitmap - 1) ? "" : "s");
	else
		fprintf(out, "fixed counters: all count but %s\n", list);
}

static void cmd_print_x86(struct filter_cmd *cmd,
			  const struct filter_policy *policy)
{
	const struct filter_x86 *f = &policy->x86;
	bool masked = f->flags & FILTER_FLAG_MASKED_EVENTS;
	char comment[160];
	FILE *out = cmd->out;

	fprintf(out,
		"ioctl(vm_fd, KVM_SET_PMU_EVENT_FILTER, &filter), vendor %s\n",
		policy->vendor == FILTER_VENDOR_AMD ? "amd" : "intel");
	fprintf(out, "needs KVM_CAP_PMU_EVENT_FILTER%s\n",
		masked ? " and KVM_CAP_PMU_EVENT_MASKED_EVENTS" : "");
	snprintf(comment, sizeof(comment),
		 "%u bytes: a %d-byte header and %u event%s of 8",
		 CMD_HEADER_BYTES + 8 * f->nevents, CMD_HEADER_BYTES,
		 f->nevents, f->nevents == 1 ? "" : "s");
	cmd_field(out, "", comment, "struct kvm_pmu_event_filter filter = {");
	cmd_field(out, "    ",
		  f->action == FILTER_ACTION_ALLOW ? "KVM_PMU_EVENT_ALLOW" :
						     "KVM_PMU_EVENT_DENY",
		  ".action = %u,", f->action);
	cmd_field(out, "    ", NULL, ".nevents = %u,", f->nevents);
	cmd_fixed_list(comment, sizeof(comment), f->fixed_bitmap);
	cmd_field(out, "    ", f->fixed_bitmap ? comment : NULL,
		  ".fixed_counter_bitmap = 0x%08x,", f->fixed_bitmap);
	cmd_field(out, "    ",
		  masked ? "KVM_PMU_EVENT_FLAG_MASKED_EVENTS" : "plain entries",
		  ".flags = 0x%x,", f->flags);
	cmd_field(out, "    ", NULL, ".events = {");
	for (unsigned int i = 0; i < f->nevents; i++) {
		cmd_describe_entry(policy, f->events[i], comment,
				   sizeof(comment));
		cmd_field(out, "        ", comment, "[%u] = 0x%016llx,", i,
			  (unsigned long long)f->events[i]);
	}
	cmd_field(out, "    ", NULL, "},");
	fputs("};\n", out);
	for (unsigned int i = 0; !masked && i < f->nevents; i++)
		if (!filter_x86_plain_kept(f->events[i], policy->vendor))
			fprintf(out,
				"note: events[%u] has bits outside the %s event select and the unit mask: KVM drops it without an error\n",
				i,
				policy->vendor == FILTER_VENDOR_AMD ? "AMD" :
								      "Intel");
	fprintf(out, "GP counters: %s\n",
		f->action == FILTER_ACTION_ALLOW ?
			"an event counts only if the filter has it" :
			"an event counts unless the filter has it");
	cmd_x86_fixed_effect(out, f);
	filter_policy_print_raw(out, policy);
}

static void cmd_print_arm64(struct filter_cmd *cmd,
			    const struct filter_arm64_rules *rules)
{
	const struct filter_arm64 *f = &cmd->policy.arm64;
	char comment[96];
	FILE *out = cmd->out;

	fputs("ioctl(vcpu_fd, KVM_SET_DEVICE_ATTR, &attr) with .group = KVM_ARM_VCPU_PMU_V3_CTRL, .attr = KVM_ARM_VCPU_PMU_V3_FILTER, .addr = &filter\n"
	      "once per range, in this order, before the VM first runs (EBUSY after)\n",
	      out);
	fprintf(out,
		"needs the KVM_ARM_VCPU_PMU_V3 vCPU feature; event numbers of %u bits (%s)\n",
		f->event_bits,
		f->event_bits == 10 ? "PMUv3 for Armv8.0" :
				      "PMUv3 for Armv8.1 and later");
	for (unsigned int i = 0; i < f->nr; i++) {
		const struct filter_arm64_range *r = &f->ranges[i];
		const char *name =
			filter_policy_arm64_event_name(r->base_event);

		cmd_field(out, "", "8 bytes",
			  "range %u: struct kvm_pmu_event_filter filter = {",
			  i);
		if (r->nevents == 1 && name)
			snprintf(comment, sizeof(comment), "%s", name);
		else if (r->nevents)
			snprintf(comment, sizeof(comment),
				 "events 0x%04x..0x%04x", r->base_event,
				 r->base_event + r->nevents - 1);
		else
			snprintf(comment, sizeof(comment), "no event");
		cmd_field(out, "    ", comment, ".base_event = 0x%04x,",
			  r->base_event);
		cmd_field(out, "    ", NULL, ".nevents = %u,", r->nevents);
		cmd_field(out, "    ",
			  r->action == FILTER_ACTION_ALLOW ?
				  "KVM_PMU_EVENT_ALLOW" :
				  "KVM_PMU_EVENT_DENY",
			  ".action = %u,", r->action);
		fputs("};\n", out);
	}
	fprintf(out,
		"default: range 0 %s, so an event no range names %s; SW_INCR (0x00) and CHAIN (0x1e) always count\n",
		f->ranges[0].action == FILTER_ACTION_ALLOW ? "allows" :
							     "denies",
		f->ranges[0].action == FILTER_ACTION_ALLOW ? "does not count" :
							     "counts");
	fprintf(out, "cycle counter: %s (CPU_CYCLES, 0x11, is %s)\n",
		filter_arm64_allowed(rules, FILTER_ARM64_CPU_CYCLES) ?
			"counts" :
			"does not count",
		filter_arm64_allowed(rules, FILTER_ARM64_CPU_CYCLES) ?
			"allowed" :
			"denied");
	filter_policy_print_raw(out, &cmd->policy);
}

static int cmd_compile_arm64(struct filter_cmd *cmd)
{
	struct filter_arm64_rules rules;
	char why[CMD_WHY_SIZE];
	int bad, ret;

	ret = filter_arm64_compile(&cmd->policy.arm64, &rules, &bad, why,
				   sizeof(why));
	if (ret)
		return cmd_refused(cmd, ret, why);
	cmd_print_arm64(cmd, &rules);
	filter_arm64_rules_free(&rules);
	return 0;
}

/*
 * A plain list refused only for its length: say how long its masked
 * equivalent is.  E2BIG comes after KVM's header checks, and plain
 * entries are never refused, so nothing else is wrong with it.
 */
static void cmd_hint_compress(struct filter_cmd *cmd)
{
	struct filter_x86 masked;

	if (filter_x86_compress(&cmd->policy.x86, cmd->policy.vendor, &masked))
		return;
	fprintf(cmd->err,
		"hvcheck filter: hint: --compress gives an equivalent masked filter of %u entries%s\n",
		masked.nevents,
		masked.nevents > FILTER_X86_MAX_EVENTS ? ", still too many" :
							 "");
	filter_x86_free(&masked);
}

static int cmd_compile_x86(struct filter_cmd *cmd)
{
	struct filter_x86 *f = &cmd->policy.x86;
	struct filter_x86 masked;
	char why[CMD_WHY_SIZE], compressed_why[CMD_WHY_SIZE - 16];
	int bad, ret;

	ret = filter_x86_validate(f, cmd->policy.vendor, &bad, why,
				  sizeof(why));
	if (ret == -E2BIG && !(f->flags & FILTER_FLAG_MASKED_EVENTS) &&
	    !cmd->compress) {
		cmd_refused(cmd, ret, why);
		cmd_hint_compress(cmd);
		return 1;
	}
	if (ret && !(ret == -E2BIG && cmd->compress))
		return cmd_refused(cmd, ret, why);
	if (cmd->compress) {
		if (f->flags & FILTER_FLAG_MASKED_EVENTS)
			return cmd_usage(
				cmd,
				"--compress: the policy is a masked filter already");
		ret = filter_x86_compress(f, cmd->policy.vendor, &masked);
		if (ret)
			return cmd_refused(cmd, ret, "");
		filter_x86_free(f);
		*f = masked;
		ret = filter_x86_validate(f, cmd->policy.vendor, &bad,
					  compressed_why,
					  sizeof(compressed_why));
		snprintf(why, sizeof(why), "compressed: %s", compressed_why);
		if (ret)
			return cmd_refused(cmd, ret, why);
	}
	cmd_print_x86(cmd, &cmd->policy);
	return 0;
}

static int cmd_compile(struct filter_cmd *cmd)
{
	if (cmd->policy.none) {
		fprintf(cmd->out,
			"no filter: a 'none' policy makes no %s call, so every event counts\n",
			cmd->arch == FILTER_ARCH_X86 ?
				"KVM_SET_PMU_EVENT_FILTER" :
				"KVM_ARM_VCPU_PMU_V3_FILTER");
		filter_policy_print_raw(cmd->out, &cmd->policy);
		return 0;
	}
	if (cmd->arch == FILTER_ARCH_ARM64)
		return cmd_compile_arm64(cmd);
	return cmd_compile_x86(cmd);
}

int filter_cmd_run(int argc, char **argv, FILE *out, FILE *err)
{
	struct filter_cmd cmd = { .out = out, .err = err };
	const char *help;
	int status;

	if (argc < 2)
		return cmd_usage(
			&cmd,
			"no subcommand: check or compile (see 'hvcheck filter --help')");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(filter_help, out);
		return 0;
	}
	if (!strcmp(argv[1], "check")) {
		cmd.action = CMD_CHECK;
		help = check_help;
	} else if (!strcmp(argv[1], "compile")) {
		cmd.action = CMD_COMPILE;
		help = compile_help;
	} else {
		return cmd_usage(&cmd,
				 "unknown subcommand '%s' (check, compile)",
				 argv[1]);
	}
	cmd.name = argv[1];

	status = cmd_parse(&cmd, argc, argv);
	if (!status && cmd.help)
		fputs(help, out);
	else if (!status)
		status = cmd_load_policy(&cmd);
	if (!status && !cmd.help)
		status = cmd.action == CMD_CHECK ? cmd_check(&cmd) :
						   cmd_compile(&cmd);
	filter_policy_free(&cmd.policy);
	free(cmd.events);
	return status;
}

int filter_main(int argc, char **argv)
{
	return filter_cmd_run(argc, argv, stdout, stderr);
}
