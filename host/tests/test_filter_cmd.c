// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of `hvcheck filter check` and `hvcheck filter compile`. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_capture.h"
#include "hvcheck_abi.h"
#include "cli/filter.h"
#include "vpmu/filter_policy.h"

static int run_argv(char **argv)
{
	return cli_capture(filter_cmd_run, argv);
}

#define RUN(...) run_argv((char *[]){ "filter", __VA_ARGS__, NULL })

static void assert_has(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("'%s' not in:\n%s", want, text);
}

static void assert_lines(const char *text, int n)
{
	int lines = 0;

	for (const char *c = text; *c; c++)
		lines += *c == '\n';
	if (lines != n || (n && text[strlen(text) - 1] != '\n'))
		fail_msg("want %d lines, got:\n%s", n, text);
}

/* A usage error: status 64, one line on stderr naming what, no output. */
static void assert_usage(int status, const char *what)
{
	assert_int_equal(status, HV_EXIT_USAGE);
	assert_string_equal(out_text, "");
	assert_lines(err_text, 1);
	assert_has(err_text, "hvcheck filter: ");
	assert_has(err_text, what);
}

/* KVM would refuse: status 1, the error on stderr, nothing on stdout. */
static void assert_refused(int status, const char *line)
{
	assert_int_equal(status, 1);
	assert_string_equal(out_text, "");
	assert_has(err_text, line);
}

static void test_check_plain(void **state)
{
	(void)state;
	assert_int_equal(
		RUN("check",
		    "--policy=deny;events=instructions,branches;fixed=0",
		    "instructions", "0xc0", "0x4300c0", "0xc0:0x01", "5439684",
		    "cycles", "fixed0", "fixed1", "FIXED31"),
		0);
	assert_string_equal(out_text, "instructions DENY\n"
				      "0xc0 DENY\n"
				      "0x4300c0 DENY\n"
				      "0xc0:0x01 ALLOW\n"
				      "5439684 DENY\n"
				      "cycles ALLOW\n"
				      "fixed0 DENY\n"
				      "fixed1 ALLOW\n"
				      "FIXED31 ALLOW\n");
	assert_string_equal(err_text, "");

	/* An ALLOW list: everything else is denied. */
	assert_int_equal(RUN("check", "--policy", "allow 0x2e:0x41",
			     "0x2e:0x41", "llc-references", "llc-misses",
			     "0x2e:0x40"),
			 0);
	assert_string_equal(out_text, "0x2e:0x41 ALLOW\n"
				      "llc-references DENY\n"
				      "llc-misses ALLOW\n"
				      "0x2e:0x40 DENY\n");

	/* KVM drops plain entries with bits beyond select and umask. */
	assert_int_equal(RUN("check", "--policy", "raw 0 0 0 0x4300c0 0xc4",
			     "0xc0", "0x4300c0", "0xc4"),
			 0);
	assert_string_equal(out_text, "0xc0 DENY\n0x4300c0 DENY\n0xc4 ALLOW\n");
}

/* The bitmap alone decides a fixed counter, whatever the event list says. */
static void test_check_fixed_bitmap(void **state)
{
	(void)state;
	assert_int_equal(RUN("check", "--policy", "allow instructions",
			     "fixed0", "fixed1", "fixed2", "instructions",
			     "branches"),
			 0);
	assert_string_equal(out_text, "fixed0 DENY\nfixed1 DENY\nfixed2 DENY\n"
				      "instructions ALLOW\nbranches DENY\n");

	assert_int_equal(RUN("check", "--policy", "allow; fixed 0 2", "fixed0",
			     "fixed1", "fixed2", "fixed31"),
			 0);
	assert_string_equal(out_text,
			    "fixed0 ALLOW\nfixed1 DENY\nfixed2 ALLOW\n"
			    "fixed31 DENY\n");

	assert_int_equal(RUN("check", "--policy", "deny instructions cycles",
			     "fixed0", "fixed1", "instructions"),
			 0);
	assert_string_equal(out_text,
			    "fixed0 ALLOW\nfixed1 ALLOW\ninstructions DENY\n");

	assert_int_equal(RUN("check", "--policy",
			     "deny; fixed-bitmap 0x80000002", "fixed0",
			     "fixed1", "fixed31"),
			 0);
	assert_string_equal(out_text,
			    "fixed0 ALLOW\nfixed1 DENY\nfixed31 DENY\n");
}

static void test_check_masked(void **state)
{
	(void)state;
	/* Include every umask of 0xc0, exclude those with low bits 01. */
	assert_int_equal(
		RUN("check", "--policy",
		    "allow; masked 0xc0; masked 0xc0 mask 0x03 match 0x01 exclude",
		    "0xc0:0", "0xc0:1", "0xc0:5", "0xc0:0xfd", "0xc0:2",
		    "0xc0:0xff", "0xc1:0", "fixed0"),
		0);
	assert_string_equal(out_text, "0xc0:0 ALLOW\n0xc0:1 DENY\n0xc0:5 DENY\n"
				      "0xc0:0xfd DENY\n0xc0:2 ALLOW\n"
				      "0xc0:0xff ALLOW\n0xc1:0 DENY\n"
				      "fixed0 DENY\n");

	/* The same as a deny list; an exclude alone matches nothing. */
	assert_int_equal(
		RUN("check", "--policy",
		    "deny; masked 0xc0; masked 0xc0 mask 0x03 match 0x01 exclude;"
		    "masked 0xc4 mask 0 match 0 exclude",
		    "0xc0:0", "0xc0:1", "0xc4:0"),
		0);
	assert_string_equal(out_text,
			    "0xc0:0 DENY\n0xc0:1 ALLOW\n0xc4:0 ALLOW\n");

	/* Plain items in a masked filter match their umask exactly. */
	assert_int_equal(
		RUN("check", "--policy",
		    "allow 0x3c:0x01; masked 0xc4 mask 0xf0 match 0x20",
		    "ref-cycles", "cycles", "0xc4:0x2f", "0xc4:0x30"),
		0);
	assert_string_equal(out_text, "ref-cycles ALLOW\ncycles DENY\n"
				      "0xc4:0x2f ALLOW\n0xc4:0x30 DENY\n");
}

static void test_check_vendor(void **state)
{
	(void)state;
	/* AMD's event select has 12 bits: bits 35:32 of eventsel count. */
	assert_int_equal(RUN("check", "--policy", "vendor amd; allow 0x1c0",
			     "0x1000000c0", "0xc0", "0x1c0:0", "0x2000000c0"),
			 0);
	assert_string_equal(out_text, "0x1000000c0 ALLOW\n0xc0 DENY\n"
				      "0x1c0:0 ALLOW\n0x2000000c0 DENY\n");

	/* On Intel the entry has bits KVM drops, and bits 35:32 are ignored. */
	assert_int_equal(RUN("check", "--policy", "allow 0x1c0,0xc4",
			     "0x1000000c0", "0xc0", "0x1000000c4"),
			 0);
	assert_string_equal(out_text,
			    "0x1000000c0 DENY\n0xc0 DENY\n0x1000000c4 ALLOW\n");

	/* --vendor wins over the policy's vendor statement. */
	assert_int_equal(RUN("check", "--vendor", "amd", "--policy",
			     "vendor intel; allow 0x1c0", "0x1000000c0"),
			 0);
	assert_string_equal(out_text, "0x1000000c0 ALLOW\n");
	assert_int_equal(RUN("check", "--vendor=intel", "--policy",
			     "vendor amd; allow 0x1c0", "0x1000000c0"),
			 0);
	assert_string_equal(out_text, "0x1000000c0 DENY\n");

	/* A masked entry with bits 35:32 is refused on Intel only. */
	assert_refused(
		RUN("check", "--policy", "allow; masked 0x1c0", "0xc0"),
		"hvcheck filter: KVM_SET_PMU_EVENT_FILTER would fail: EINVAL: ");
	assert_int_equal(RUN("check", "--vendor", "amd", "--policy",
			     "allow; masked 0x1c0", "0x1c0:0x55"),
			 0);
	assert_string_equal(out_text, "0x1c0:0x55 ALLOW\n");
}

static void test_check_none_and_refused(void **state)
{
	(void)state;
	assert_int_equal(RUN("check", "--policy", "none", "0xc0", "fixed0",
			     "fixed31", "0xffffffffffffffff"),
			 0);
	assert_string_equal(out_text,
			    "0xc0 ALLOW\nfixed0 ALLOW\nfixed31 ALLOW\n"
			    "0xffffffffffffffff ALLOW\n");
	assert_int_equal(RUN("check", "--arch", "arm64", "--policy", "none",
			     "cycle-counter", "0x8"),
			 0);
	assert_string_equal(out_text, "cycle-counter ALLOW\n0x8 ALLOW\n");

	/* A filter KVM refuses does not exist: no decisions. */
	assert_refused(RUN("check", "--policy", "raw 2 0 0", "0xc0"),
		       "KVM_SET_PMU_EVENT_FILTER would fail: EINVAL: action 2");
	assert_lines(err_text, 1);
	assert_refused(
		RUN("check", "--policy", "allow 0-0xff:0-1", "0xc0"),
		"KVM_SET_PMU_EVENT_FILTER would fail: E2BIG: 512 events");
	assert_refused(RUN("check", "--arch", "arm64", "--policy",
			   "deny 1; pmuver 8.0; allow 0x3ff-0x400", "0x8"),
		       "KVM_SET_DEVICE_ATTR would fail: EINVAL: range 1");
}

static void test_check_arm64(void **state)
{
	(void)state;
	/* The first range is ALLOW: everything else is denied. */
	assert_int_equal(RUN("check", "--arch", "arm64", "--policy",
			     "allow inst-retired", "0x8", "inst-retired",
			     "0x11", "cycle-counter", "br-retired", "sw-incr",
			     "chain", "0x1e", "0"),
			 0);
	assert_string_equal(out_text,
			    "0x8 ALLOW\ninst-retired ALLOW\n0x11 DENY\n"
			    "cycle-counter DENY\nbr-retired DENY\n"
			    "sw-incr ALLOW\nchain ALLOW\n0x1e ALLOW\n"
			    "0 ALLOW\n");

	/* The first range is DENY: everything else is allowed. */
	assert_int_equal(RUN("check", "--arch=arm64", "--policy",
			     "deny cpu-cycles", "cycle-counter", "cpu-cycles",
			     "0x8", "0xffff"),
			 0);
	assert_string_equal(out_text, "cycle-counter DENY\ncpu-cycles DENY\n"
				      "0x8 ALLOW\n0xffff ALLOW\n");

	/* Later ranges override earlier ones; SW_INCR/CHAIN stay unfiltered. */
	assert_int_equal(RUN("check", "--arch", "arm64", "--policy",
			     "deny 0x0-0x3f; allow 0x10-0x11; deny 0x10",
			     "0x10", "0x11", "0x12", "0x40", "0x0", "0x1e"),
			 0);
	assert_string_equal(out_text, "0x10 DENY\n0x11 ALLOW\n0x12 DENY\n"
				      "0x40 ALLOW\n0x0 ALLOW\n0x1e ALLOW\n");

	/* 10-bit event numbers: the guest's event is cut to 10 bits. */
	assert_int_equal(RUN("check", "--arch", "arm64", "--policy",
			     "pmuver 8.0; allow 0x8", "0x408", "0x8", "0x409"),
			 0);
	assert_string_equal(out_text, "0x408 ALLOW\n0x8 ALLOW\n0x409 DENY\n");
}

static void test_compile_x86(void **state)
{
	struct filter_policy parsed;
	char err[256];
	const char *raw;

	(void)state;
	assert_int_equal(
		RUN("compile", "--policy",
		    "deny;events=instructions,branches,0x1c4:0x02;fixed=0"),
		0);
	assert_string_equal(err_text, "");
	assert_has(
		out_text,
		"ioctl(vm_fd, KVM_SET_PMU_EVENT_FILTER, &filter), vendor intel\n");
	assert_has(out_text, "needs KVM_CAP_PMU_EVENT_FILTER\n");
	assert_has(out_text,
		   "/* 56 bytes: a 32-byte header and 3 events of 8 */");
	assert_has(out_text, ".action = 1,");
	assert_has(out_text, "/* KVM_PMU_EVENT_DENY */");
	assert_has(out_text, ".nevents = 3,\n");
	assert_has(out_text, ".fixed_counter_bitmap = 0x00000001,");
	assert_has(out_text, "/* counter 0 */");
	assert_has(out_text, ".flags = 0x0,");
	assert_has(out_text, "/* plain entries */");
	assert_has(out_text, "[0] = 0x00000000000000c0,");
	assert_has(out_text, "/* select 0xc0, umask 0x00: instructions */");
	assert_has(out_text, "[1] = 0x00000000000000c4,");
	assert_has(out_text, "[2] = 0x00000001000002c4,");
	assert_has(
		out_text,
		"note: events[2] has bits outside the Intel event select and the unit mask: KVM drops it");
	assert_has(out_text,
		   "GP counters: an event counts unless the filter has it\n");
	assert_has(out_text, "fixed counters: all count but counter 0\n");
	assert_has(out_text, "\nraw=1,0x0,0x1,0xc0,0xc4,0x1000002c4\n");
	assert_null(strstr(out_text, "note: events[0]"));
	assert_null(strstr(out_text, "note: events[1]"));

	/* The raw line is the same filter. */
	raw = strstr(out_text, "\nraw=") + 1;
	assert_int_equal(filter_policy_parse(raw, FILTER_ARCH_X86, &parsed, err,
					     sizeof(err)),
			 0);
	assert_int_equal(parsed.x86.nevents, 3);
	assert_int_equal(parsed.x86.events[2], 0x1000002c4ULL);
	filter_policy_free(&parsed);
}

/* On AMD the entry KVM drops on Intel (0x1c4:0x02 above) is kept. */
static void test_compile_x86_amd(void **state)
{
	(void)state;
	assert_int_equal(RUN("compile", "--vendor", "amd", "--policy",
			     "deny 0x1c4:0x02"),
			 0);
	assert_has(out_text, "vendor amd\n");
	assert_has(out_text, "/* select 0x1c4, umask 0x02 */");
	assert_null(strstr(out_text, "note:"));
	assert_has(out_text, "raw=1,0x0,0x0,0x1000002c4;vendor=amd\n");
	assert_has(out_text,
		   "/* 40 bytes: a 32-byte header and 1 event of 8 */");
	assert_has(out_text, "fixed counters: all count\n");
}

/* Fixed counters allowed by number; a masked filter. */
static void test_compile_x86_masked(void **state)
{
	(void)state;
	assert_int_equal(RUN("compile", "--policy", "allow; fixed 5"), 0);
	assert_has(out_text, "/* counter 5 */");
	assert_has(out_text, "fixed counters: only counter 5 counts\n");

	assert_int_equal(
		RUN("compile", "--policy",
		    "allow cycles; masked 0xc4 mask 0x0f match 0x01 exclude; fixed 1 2"),
		0);
	assert_has(
		out_text,
		"needs KVM_CAP_PMU_EVENT_FILTER and KVM_CAP_PMU_EVENT_MASKED_EVENTS\n");
	assert_has(out_text, ".flags = 0x1,");
	assert_has(out_text, "/* KVM_PMU_EVENT_FLAG_MASKED_EVENTS */");
	assert_has(out_text, "/* KVM_PMU_EVENT_ALLOW */");
	assert_has(out_text, "[0] = 0xff0000000000003c,");
	assert_has(
		out_text,
		"/* select 0x3c, mask 0xff, match 0x00, include (1 umask): cycles */");
	assert_has(out_text, "[1] = 0x0f800000000001c4,");
	assert_has(
		out_text,
		"/* select 0xc4, mask 0x0f, match 0x01, exclude (16 umasks) */");
	assert_has(out_text, "/* counters 1 2 */");
	assert_has(out_text, "fixed counters: only counters 1 2 count\n");
	assert_has(out_text,
		   "GP counters: an event counts only if the filter has it\n");
}

/* An empty list, and no filter at all. */
static void test_compile_x86_empty(void **state)
{
	(void)state;
	assert_int_equal(RUN("compile", "--policy", "allow"), 0);
	assert_has(out_text,
		   "/* 32 bytes: a 32-byte header and 0 events of 8 */");
	assert_has(out_text, "fixed counters: none counts\n");
	assert_has(out_text, "raw=0,0x0,0x0\n");

	assert_int_equal(RUN("compile", "--policy", "none"), 0);
	assert_string_equal(
		out_text,
		"no filter: a 'none' policy makes no KVM_SET_PMU_EVENT_FILTER call, so every event counts\n"
		"none\n");
}

static void test_compile_refused(void **state)
{
	char policy[4096];
	size_t len;

	(void)state;
	assert_refused(
		RUN("compile", "--policy", "raw 2 0 0"),
		"hvcheck filter: KVM_SET_PMU_EVENT_FILTER would fail: EINVAL: action 2");
	assert_lines(err_text, 1);
	assert_refused(RUN("compile", "--policy", "raw 0 2 0"),
		       "would fail: EINVAL: flags 0x2");
	assert_refused(RUN("compile", "--policy", "raw 0 1 0 0xc0 0x100c4"),
		       "would fail: EINVAL: events[1]");
	assert_refused(RUN("compile", "--policy", "allow; masked 0x1c0"),
		       "would fail: EINVAL: events[0]");
	assert_int_equal(RUN("compile", "--vendor", "amd", "--policy",
			     "allow; masked 0x1c0"),
			 0);

	/* A masked list: E2BIG, and no compression to offer. */
	len = snprintf(policy, sizeof(policy), "raw 0 1 0");
	for (int i = 0; i < 301; i++)
		len += snprintf(policy + len, sizeof(policy) - len, " %d", i);
	assert_refused(
		RUN("compile", "--policy", policy),
		"hvcheck filter: KVM_SET_PMU_EVENT_FILTER would fail: E2BIG: 301 events");
	assert_lines(err_text, 1);

	/* Exactly 300 entries is fine. */
	policy[strlen(policy) - 4] = '\0';
	assert_int_equal(RUN("compile", "--policy", policy), 0);
	assert_has(out_text, ".nevents = 300,");

	/* A plain list: E2BIG with the hint. 8 umasks of 64 selects. */
	assert_refused(
		RUN("compile", "--policy", "allow 0x00-0x3f:0x00-0x07"),
		"hvcheck filter: KVM_SET_PMU_EVENT_FILTER would fail: E2BIG: 512 events");
	assert_has(
		err_text,
		"\nhvcheck filter: hint: --compress gives an equivalent masked filter of 64 entries\n");
	assert_lines(err_text, 2);

	/* Umasks {0, 3} take two masked entries per select. */
	assert_refused(RUN("compile", "--policy",
			   "deny 0x00-0xff:0x00,0x00-0xff:0x03"),
		       "E2BIG");
	assert_has(
		err_text,
		"hint: --compress gives an equivalent masked filter of 512 entries, still too many\n");
	assert_refused(RUN("compile", "--compress", "--policy",
			   "deny 0x00-0xff:0x00,0x00-0xff:0x03"),
		       "would fail: E2BIG: compressed: 512 events");
	assert_lines(err_text, 1);
}

static void test_compile_compress(void **state)
{
	struct filter_x86_rules rules;
	struct filter_policy masked;
	char err[256];

	(void)state;
	assert_int_equal(RUN("compile", "--compress", "--policy",
			     "deny 0x00-0x3f:0x00-0x07, 0xc0:0x10; fixed 2"),
			 0);
	assert_string_equal(err_text, "");
	assert_has(
		out_text,
		"needs KVM_CAP_PMU_EVENT_FILTER and KVM_CAP_PMU_EVENT_MASKED_EVENTS\n");
	assert_has(out_text, ".nevents = 65,\n");
	assert_has(out_text, ".fixed_counter_bitmap = 0x00000004,");
	assert_has(out_text, "/* KVM_PMU_EVENT_DENY */");
	assert_has(out_text, "[0] = 0xf800000000000000,");
	assert_has(
		out_text,
		"/* select 0x00, mask 0xf8, match 0x00, include (8 umasks) */");
	assert_has(out_text, "[64] = 0xff000000000010c0,");

	/* The compressed filter decides every event as the plain list does. */
	assert_int_equal(filter_policy_parse(strstr(out_text, "\nraw=") + 1,
					     FILTER_ARCH_X86, &masked, err,
					     sizeof(err)),
			 0);
	assert_int_equal(masked.x86.flags, FILTER_FLAG_MASKED_EVENTS);
	assert_int_equal(filter_x86_compile(&masked.x86, FILTER_VENDOR_INTEL,
					    &rules, NULL, err, sizeof(err)),
			 0);
	for (uint64_t sel = 0; sel < 0x100; sel++)
		for (uint64_t umask = 0; umask < 0x100; umask++) {
			bool listed = (sel < 0x40 && umask < 8) ||
				      (sel == 0xc0 && umask == 0x10);

			assert_int_equal(
				filter_x86_gp_allowed(&rules, sel | umask << 8),
				!listed);
		}
	filter_x86_rules_free(&rules);
	filter_policy_free(&masked);

	assert_usage(RUN("compile", "--compress", "--policy",
			 "allow; masked 0xc0"),
		     "--compress: the policy is a masked filter already");
	assert_refused(RUN("compile", "--compress", "--policy",
			   "raw 3 0 0 0xc0"),
		       "would fail: EINVAL: action 3");
	assert_int_equal(RUN("compile", "--compress", "--policy", "none"), 0);
	assert_has(out_text, "no filter");
}

static void test_compile_arm64(void **state)
{
	(void)state;
	assert_int_equal(
		RUN("compile", "--arch", "arm64", "--policy",
		    "allow 0x8 cpu-cycles; deny 0x10-0x12; pmuver 8.0"),
		0);
	assert_string_equal(err_text, "");
	assert_has(
		out_text,
		"ioctl(vcpu_fd, KVM_SET_DEVICE_ATTR, &attr) with .group = KVM_ARM_VCPU_PMU_V3_CTRL, .attr = KVM_ARM_VCPU_PMU_V3_FILTER");
	assert_has(out_text, "event numbers of 10 bits (PMUv3 for Armv8.0)");
	assert_has(out_text, "range 0: struct kvm_pmu_event_filter filter = {");
	assert_has(out_text, ".base_event = 0x0008,");
	assert_has(out_text, "/* inst-retired */");
	assert_has(out_text, "range 2: struct kvm_pmu_event_filter filter = {");
	assert_has(out_text, ".base_event = 0x0010,");
	assert_has(out_text, "/* events 0x0010..0x0012 */");
	assert_has(out_text, ".nevents = 3,\n");
	assert_has(out_text, "/* KVM_PMU_EVENT_DENY */");
	assert_null(strstr(out_text, "range 3:"));
	assert_has(
		out_text,
		"default: range 0 allows, so an event no range names does not count");
	/* Range 2 takes back what range 1 allowed. */
	assert_has(
		out_text,
		"cycle counter: does not count (CPU_CYCLES, 0x11, is denied)\n");
	assert_has(out_text,
		   "\nraw=0x8,1,0;raw=0x11,1,0;raw=0x10,3,1;event-bits=10\n");

	assert_int_equal(RUN("compile", "--arch", "arm64", "--policy",
			     "deny inst-retired"),
			 0);
	assert_has(out_text, "event numbers of 16 bits");
	assert_has(
		out_text,
		"default: range 0 denies, so an event no range names counts");
	assert_has(out_text,
		   "cycle counter: counts (CPU_CYCLES, 0x11, is allowed)\n");

	assert_refused(
		RUN("compile", "--arch", "arm64", "--policy",
		    "allow 1; raw 0 1 2"),
		"hvcheck filter: KVM_SET_DEVICE_ATTR would fail: EINVAL: range 1: action 2");
	assert_lines(err_text, 1);
	assert_refused(RUN("compile", "--arch", "arm64", "--policy",
			   "event-bits 10; deny 0x3ff-0x400"),
		       "KVM_SET_DEVICE_ATTR would fail: EINVAL: range 0");
	assert_int_equal(RUN("compile", "--arch", "arm64", "--policy", "none"),
			 0);
	assert_has(out_text, "no KVM_ARM_VCPU_PMU_V3_FILTER call");
}

static void test_usage_errors(void **state)
{
	(void)state;
	assert_usage(RUN(NULL), "no subcommand");
	assert_usage(RUN("frob"), "unknown subcommand 'frob'");
	assert_usage(RUN("check", "0xc0"), "check: --policy is required");
	assert_usage(RUN("compile"), "compile: --policy is required");
	assert_usage(RUN("check", "--policy"), "--policy needs a value");
	assert_usage(RUN("check", "--policy", "deny", "--policy", "deny", "0"),
		     "--policy given twice");
	assert_usage(RUN("check", "--policy", "deny", "--arch", "mips", "0"),
		     "--arch mips: not x86 or arm64");
	assert_usage(RUN("check", "--policy", "deny", "--vendor", "via", "0"),
		     "--vendor via: not intel or amd");
	assert_usage(RUN("check", "--arch", "arm64", "--vendor", "amd",
			 "--policy", "deny 1", "1"),
		     "--vendor is for --arch x86");
	assert_usage(RUN("compile", "--arch", "arm64", "--compress", "--policy",
			 "deny 1"),
		     "--compress is for --arch x86");
	assert_usage(RUN("check", "--compress", "--policy", "deny", "0"),
		     "check: unknown option '--compress'");
	assert_usage(RUN("check", "--policy", "deny", "-x", "0"),
		     "unknown option '-x'");
	assert_usage(RUN("check", "--policy", "deny", "--policyx=1", "0"),
		     "unknown option '--policyx=1'");
	assert_usage(RUN("compile", "--policy", "deny", "0xc0"),
		     "compile takes no EVENT ('0xc0')");
	assert_usage(RUN("check", "--policy", "deny"),
		     "check: no EVENT to check");
}

/* Bad EVENTs: nothing is printed, not even the good ones. */
static void test_usage_bad_events(void **state)
{
	(void)state;
	assert_usage(RUN("check", "--policy", "deny", "0xc0", "fixed32"),
		     "EVENT 'fixed32' is not");
	assert_usage(RUN("check", "--policy", "deny", "fixed"),
		     "EVENT 'fixed' is not");
	assert_usage(RUN("check", "--policy", "deny", "0xc0:0x100"),
		     "EVENT '0xc0:0x100' is not");
	assert_usage(RUN("check", "--policy", "deny", "0x1000:0"),
		     "EVENT '0x1000:0' is not");
	assert_usage(RUN("check", "--policy", "deny", "0x10000000000000000"),
		     "EVENT '0x10000000000000000' is not");
	assert_usage(RUN("check", "--policy", "deny", "cpu-cycles"),
		     "EVENT 'cpu-cycles' is not an eventsel number");
	assert_usage(RUN("check", "--arch", "arm64", "--policy", "deny 1",
			 "0x10000"),
		     "EVENT '0x10000' is not an event number 0..0xffff");
	assert_usage(RUN("check", "--arch", "arm64", "--policy", "deny 1",
			 "instructions"),
		     "EVENT 'instructions' is not");
}

/* Policy syntax and files. */
static void test_usage_bad_policies(void **state)
{
	(void)state;
	assert_usage(
		RUN("check", "--policy", "allow;fixed 40", "0"),
		"hvcheck filter: --policy: statement 2 ('fixed 40'): fixed counter 40 is not 0..31");
	assert_usage(RUN("compile", "--policy", "@/nonexistent/policy"),
		     "cannot open policy file '/nonexistent/policy'");
	assert_usage(RUN("compile", "--arch", "arm64", "--policy",
			 "deny instructions"),
		     "'instructions' is not an event");
}

static void test_options_and_help(void **state)
{
	(void)state;
	/* EVENTs anywhere; after "--" even ones that look like options. */
	assert_int_equal(RUN("check", "0xc0", "--policy=deny 0xc0",
			     "--arch=x86", "0xc4", "--", "--policy"),
			 HV_EXIT_USAGE);
	assert_has(err_text, "EVENT '--policy' is not");
	assert_int_equal(RUN("check", "0xc0", "--policy=deny 0xc0",
			     "--arch=x86_64", "0xc4"),
			 0);
	assert_string_equal(out_text, "0xc0 DENY\n0xc4 ALLOW\n");

	assert_int_equal(RUN("--help"), 0);
	assert_has(out_text, "usage: hvcheck filter check --policy P");
	assert_has(out_text, "hvcheck filter compile --policy P");
	assert_string_equal(err_text, "");
	assert_int_equal(RUN("check", "--help"), 0);
	assert_has(out_text, "usage: hvcheck filter check");
	assert_has(out_text, "fixedN");
	assert_has(out_text, "cycle-counter");
	assert_int_equal(RUN("compile", "--policy", "deny", "-h"), 0);
	assert_has(out_text, "usage: hvcheck filter compile");
	assert_has(out_text, "--compress");
	assert_string_equal(err_text, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_plain),
		cmocka_unit_test(test_check_fixed_bitmap),
		cmocka_unit_test(test_check_masked),
		cmocka_unit_test(test_check_vendor),
		cmocka_unit_test(test_check_none_and_refused),
		cmocka_unit_test(test_check_arm64),
		cmocka_unit_test(test_compile_x86),
		cmocka_unit_test(test_compile_x86_amd),
		cmocka_unit_test(test_compile_x86_masked),
		cmocka_unit_test(test_compile_x86_empty),
		cmocka_unit_test(test_compile_refused),
		cmocka_unit_test(test_compile_compress),
		cmocka_unit_test(test_compile_arm64),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_usage_bad_events),
		cmocka_unit_test(test_usage_bad_policies),
		cmocka_unit_test(test_options_and_help),
	};

	return cmocka_run_group_tests(tests, NULL, cli_capture_teardown);
}
