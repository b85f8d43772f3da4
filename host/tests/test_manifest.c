// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the manifest parser and of test selection. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "runner/manifest.h"

static int parse(const char *text, struct manifest *m, char *err,
		 size_t err_size)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	int ret;

	assert_non_null(in);
	err[0] = '\0';
	ret = manifest_parse(in, "t.cfg", m, err, err_size);
	fclose(in);
	return ret;
}

static void parse_ok(const char *text, struct manifest *m)
{
	char err[256];
	int ret = parse(text, m, err, sizeof(err));

	if (ret)
		fail_msg("unexpected parse error %d: %s", ret, err);
}

static void assert_words(const struct manifest_words *w, size_t count, ...)
{
	va_list ap;

	assert_int_equal(w->count, count);
	va_start(ap, count);
	for (size_t i = 0; i < count; i++)
		assert_string_equal(w->word[i], va_arg(ap, const char *));
	va_end(ap);
}

static void test_every_key(void **state)
{
	struct manifest m;

	(void)state;
	parse_ok("[selftest.ipi]\n"
		 "tests = selftest.ipi,selftest.timer\n"
		 "args = a=1 selftest.loops=10\n"
		 "smp = 2\n"
		 "mem = 128\n"
		 "groups = selftest smp\n"
		 "timeout = 7\n"
		 "vmm_opts = --pmu=off --irqchip=kernel\n"
		 "qemu_opts = -cpu max\n"
		 "targets = qemu\n"
		 "gic = 3\n",
		 &m);
	assert_int_equal(m.count, 1);
	assert_string_equal(m.entry[0].name, "selftest.ipi");
	assert_string_equal(m.entry[0].tests, "selftest.ipi,selftest.timer");
	assert_words(&m.entry[0].args, 2, "a=1", "selftest.loops=10");
	assert_int_equal(m.entry[0].smp, 2);
	assert_int_equal(m.entry[0].mem_mib, 128);
	assert_words(&m.entry[0].groups, 2, "selftest", "smp");
	assert_int_equal(m.entry[0].timeout_s, 7);
	assert_words(&m.entry[0].vmm_opts, 2, "--pmu=off", "--irqchip=kernel");
	assert_words(&m.entry[0].qemu_opts, 2, "-cpu", "max");
	assert_int_equal(m.entry[0].targets, MANIFEST_TARGET_QEMU);
	assert_int_equal(m.entry[0].gic_versions, MANIFEST_GIC_V3);
	assert_int_equal(m.entry[0].line, 1);
	manifest_free(&m);
	assert_int_equal(m.count, 0);
	assert_null(m.entry);
}

/* F of --timeout-scale, in thousandths. */
static void test_timeout_scale(void **state)
{
	static const struct {
		const char *text;
		unsigned int milli;
	} good[] = {
		{ "4", 4000 },	{ "1.5", 1500 },    { "0.5", 500 },
		{ "0.001", 1 }, { "04.250", 4250 }, { "3600", 3600000 },
		{ "1", 1000 },	{ "2.05", 2050 },   { "3599.999", 3599999 },
	};
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "0", "'0' is not above 0" },
		{ "0.000", "'0.000' is not above 0" },
		{ "-1", "'-1' is not a decimal number" },
		{ "-0.5", "'-0.5' is not a decimal number" },
		{ "nan", "'nan' is not a decimal number" },
		{ "inf", "'inf' is not a decimal number" },
		{ "1e3", "'1e3' is not a decimal number" },
		{ "0x10", "'0x10' is not a decimal number" },
		{ "", "'' is not a decimal number" },
		{ "4.", "'4.' is not a decimal number" },
		{ ".5", "'.5' is not a decimal number" },
		{ "1.2345", "'1.2345' is not a decimal number with at most 3" },
		{ " 2", "' 2' is not a decimal number" },
		{ "2x", "'2x' is not a decimal number" },
		{ "1.5.1", "'1.5.1' is not a decimal number" },
		{ "3600.001", "'3600.001' is more than 3600" },
		{ "3601", "'3601' is more than 3600" },
		/* past unsigned long: no wrap-around to a small factor */
		{ "18446744073709551617", "is more than 3600" },
	};
	char err[128], name[MANIFEST_SCALE_NAME_MAX];
	unsigned int milli;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		milli = 0;
		if (manifest_timeout_scale(good[i].text, &milli, err,
					   sizeof(err)))
			fail_msg("%s: %s", good[i].text, err);
		assert_int_equal(milli, good[i].milli);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		milli = 7;
		err[0] = '\0';
		assert_int_equal(manifest_timeout_scale(bad[i].text, &milli,
							err, sizeof(err)),
				 -EINVAL);
		assert_int_equal(milli, 7);
		if (!strstr(err, bad[i].why))
			fail_msg("'%s' not in '%s'", bad[i].why, err);
	}
	/* as results name it: shortest */
	assert_string_equal(manifest_scale_name(4000, name, sizeof(name)), "4");
	assert_string_equal(manifest_scale_name(1500, name, sizeof(name)),
			    "1.5");
	assert_string_equal(manifest_scale_name(2050, name, sizeof(name)),
			    "2.05");
	assert_string_equal(manifest_scale_name(1, name, sizeof(name)),
			    "0.001");
}

/*
 * The scale multiplies the manifest's timeout and the default alike,
 * rounded up to whole seconds; a result past the maximum is refused and
 * leaves the entry as it was.
 */
static void test_scale_timeout(void **state)
{
	struct manifest m;
	char err[256];

	(void)state;
	parse_ok("[a]\ntimeout = 10\n[b]\n[c]\ntimeout = 3\n"
		 "[d]\ntimeout = 1\n[e]\ntimeout = 1000\n",
		 &m);
	assert_int_equal(
		manifest_scale_timeout(&m.entry[0], 4000, err, sizeof(err)), 0);
	assert_int_equal(m.entry[0].timeout_s, 40);
	/* no timeout key: the default, scaled */
	assert_int_equal(
		manifest_scale_timeout(&m.entry[1], 1500, err, sizeof(err)), 0);
	assert_int_equal(m.entry[1].timeout_s,
			 MANIFEST_DEFAULT_TIMEOUT * 3 / 2);
	/* 3 x 0.5 = 1.5 s: rounded up to 2 */
	assert_int_equal(
		manifest_scale_timeout(&m.entry[2], 500, err, sizeof(err)), 0);
	assert_int_equal(m.entry[2].timeout_s, 2);
	/* never below a second: 1 x 0.001 is 1 s */
	assert_int_equal(
		manifest_scale_timeout(&m.entry[3], 1, err, sizeof(err)), 0);
	assert_int_equal(m.entry[3].timeout_s, 1);
	assert_int_equal(manifest_scale_timeout(&m.entry[3], MANIFEST_SCALE_ONE,
						err, sizeof(err)),
			 0);
	assert_int_equal(m.entry[3].timeout_s, 1);
	/* 1000 x 3.6 = 3600 fits; x 3.601 is refused */
	assert_int_equal(manifest_scale_timeout(&m.entry[4], 3601, err,
						sizeof(err)),
			 -ERANGE);
	assert_string_equal(err, "[e]: its timeout of 1000 s times 3.601 is "
				 "3601 s, more than the longest, 3600 s");
	assert_int_equal(m.entry[4].timeout_s, 1000);
	assert_int_equal(
		manifest_scale_timeout(&m.entry[4], 3600, err, sizeof(err)), 0);
	assert_int_equal(m.entry[4].timeout_s, MANIFEST_MAX_TIMEOUT);
	manifest_free(&m);
}

static void test_defaults(void **state)
{
	struct manifest m;
	const struct manifest_entry *e;

	(void)state;
	parse_ok("[selftest.report]\n", &m);
	assert_int_equal(m.count, 1);
	e = &m.entry[0];
	assert_string_equal(e->tests, "selftest.report");
	assert_int_equal(e->args.count, 0);
	assert_int_equal(e->groups.count, 0);
	assert_int_equal(e->vmm_opts.count, 0);
	assert_int_equal(e->qemu_opts.count, 0);
	assert_int_equal(e->smp, MANIFEST_DEFAULT_SMP);
	assert_int_equal(e->mem_mib, MANIFEST_DEFAULT_MEM_MIB);
	assert_int_equal(e->timeout_s, MANIFEST_DEFAULT_TIMEOUT);
	assert_int_equal(e->targets, MANIFEST_TARGETS_ALL);
	assert_int_equal(e->gic_versions, 0);
	manifest_free(&m);
}

static void test_comments_and_whitespace(void **state)
{
	struct manifest m;

	(void)state;
	parse_ok("# a manifest\n"
		 "\n"
		 "   # indented comment\n"
		 "[a]   # comment after a header\n"
		 "\tsmp\t=\t3   # comment after a value\n"
		 "args=x=1    y=2\r\n"
		 "vmm_opts = --opt=a#b\n"
		 "  \n"
		 "[b]\r\n"
		 "targets = vmm   qemu\n"
		 "# trailing comment",
		 &m);
	assert_int_equal(m.count, 2);
	assert_string_equal(m.entry[0].name, "a");
	assert_int_equal(m.entry[0].smp, 3);
	assert_words(&m.entry[0].args, 2, "x=1", "y=2");
	/* '#' inside a word is not a comment */
	assert_words(&m.entry[0].vmm_opts, 1, "--opt=a#b");
	assert_string_equal(m.entry[1].name, "b");
	assert_int_equal(m.entry[1].line, 9);
	assert_int_equal(m.entry[1].targets, MANIFEST_TARGETS_ALL);
	manifest_free(&m);
}

static void test_empty_manifest(void **state)
{
	struct manifest m;

	(void)state;
	parse_ok("# nothing here\n\n", &m);
	assert_int_equal(m.count, 0);
	manifest_free(&m);
}

struct bad_manifest {
	const char *text;
	const char *message;
};

static const struct bad_manifest bad_manifests[] = {
	{ "smp = 2\n", "t.cfg:1: 'smp' outside a [section]" },
	{ "[a]\ncolor = red\n",
	  "t.cfg:2: unknown key 'color' (known: tests args smp mem groups "
	  "timeout vmm_opts qemu_opts targets gic expect)" },
	{ "[a]\n[b]\n\n[a]\n",
	  "t.cfg:4: duplicate section [a] (first at line 1)" },
	{ "[a]\nsmp = 1\nsmp = 2\n",
	  "t.cfg:3: duplicate key 'smp' (first at line 2)" },
	{ "[a]\nsmp =\n", "t.cfg:2: 'smp' has no value" },
	{ "[a]\nsmp = two\n", "t.cfg:2: smp: 'two' is not a number" },
	{ "[a]\nsmp = -1\n", "t.cfg:2: smp: '-1' is not a number" },
	{ "[a]\nsmp = 0\n", "t.cfg:2: smp: 0 is out of range 1..255" },
	{ "[a]\nsmp = 256\n", "t.cfg:2: smp: 256 is out of range 1..255" },
	{ "[a]\nmem = 1\n", "t.cfg:2: mem: 1 is out of range 2..3072" },
	{ "[a]\nmem = 99999999999999999999999\n",
	  "t.cfg:2: mem: 99999999999999999999999 is out of range 2..3072" },
	{ "[a]\ntimeout = 0\n", "t.cfg:2: timeout: 0 is out of range 1..3600" },
	{ "[a]\ntimeout = 1.5\n", "t.cfg:2: timeout: '1.5' is not a number" },
	{ "[a\n", "t.cfg:1: section header must be '[name]'" },
	{ "[a] x\n", "t.cfg:1: section header must be '[name]'" },
	{ "[]\n",
	  "t.cfg:1: section name '' must start with a letter or digit and "
	  "use only letters, digits and ._-" },
	{ "[..]\n",
	  "t.cfg:1: section name '..' must start with a letter or digit and "
	  "use only letters, digits and ._-" },
	{ "[a/b]\n",
	  "t.cfg:1: section name 'a/b' must start with a letter or digit and "
	  "use only letters, digits and ._-" },
	{ "[a]\njust words\n",
	  "t.cfg:2: expected '[section]' or 'key = value'" },
	{ "[a]\ntests = x,,y\n",
	  "t.cfg:2: tests: 'x,,y' is not a comma-separated list of test names" },
	{ "[a]\ntests = x y\n",
	  "t.cfg:2: tests: 'x y' is not a comma-separated list of test names" },
	{ "[a]\nargs = ok=1 msg='hi'\n",
	  "t.cfg:2: args: ''' in 'msg='hi'' would not reach the guest intact "
	  "(allowed: letters, digits, _.,:=/+-%@^)" },
	{ "[a]\nargs = x=\"y\"\n",
	  "t.cfg:2: args: '\"' in 'x=\"y\"' would not reach the guest intact "
	  "(allowed: letters, digits, _.,:=/+-%@^)" },
	{ "[a]\nargs = a\\b\n",
	  "t.cfg:2: args: '\\' in 'a\\b' would not reach the guest intact "
	  "(allowed: letters, digits, _.,:=/+-%@^)" },
	{ "[a]\nargs = $HOME\n",
	  "t.cfg:2: args: '$' in '$HOME' would not reach the guest intact "
	  "(allowed: letters, digits, _.,:=/+-%@^)" },
	{ "[a]\nargs = x;reboot\n",
	  "t.cfg:2: args: ';' in 'x;reboot' would not reach the guest intact "
	  "(allowed: letters, digits, _.,:=/+-%@^)" },
	{ "[a]\nargs = tests=b\n",
	  "t.cfg:2: args: 'tests=b': set the guest's tests= with the 'tests' "
	  "key" },
	{ "[a]\ngroups = ok b/c\n",
	  "t.cfg:2: groups: 'b/c' is not a valid name" },
	{ "[a]\ntargets = vmm libvirt\n",
	  "t.cfg:2: targets: unknown target 'libvirt' (known: vmm qemu)" },
	{ "[a]\ntargets = nested\n",
	  "t.cfg:2: targets: nested is no manifest target: vmm entries also "
	  "run under --target nested" },
	{ "[a]\ngic = 4\n",
	  "t.cfg:2: gic: '4' is not a list of GIC versions (2, 3)" },
	{ "[a]\ngic = 2 v3\n",
	  "t.cfg:2: gic: '2 v3' is not a list of GIC versions (2, 3)" },
	{ "[a]\ngic = ,\n",
	  "t.cfg:2: gic: ',' is not a list of GIC versions (2, 3)" },
	{ "[a]\nexpect = crash\ntargets = vmm\n",
	  "t.cfg:2: expect: unknown ending 'crash' (known: exit:N timeout "
	  "log-capped triple-fault)" },
	{ "[a]\nexpect = exit:64\ntargets = vmm\n",
	  "t.cfg:2: expect: exit: 64 is out of range 0..63" },
	{ "[a]\nexpect = exit:\ntargets = vmm\n",
	  "t.cfg:2: expect: exit:N needs the status N" },
	{ "[a]\nexpect = exit:x\ntargets = vmm\n",
	  "t.cfg:2: expect: exit: 'x' is not a number" },
	{ "[a]\ntargets = vmm\n[b]\nsmp = 2\nexpect = timeout\n",
	  "t.cfg:5: expect: [b] is judged from hvcheck run's status: add "
	  "'targets = vmm'" },
	{ "[a]\nvmm_opts = --x 'a b'\n",
	  "t.cfg:2: vmm_opts: quoting (') is not supported: options are split "
	  "on blanks and passed without a shell" },
	{ "[a]\nqemu_opts = -append \"x\"\n",
	  "t.cfg:2: qemu_opts: quoting (\") is not supported: options are "
	  "split on blanks and passed without a shell" },
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_manifests) / sizeof(*bad_manifests);
	     i++) {
		struct manifest m = { .count = 99 };
		char err[512];
		int ret = parse(bad_manifests[i].text, &m, err, sizeof(err));

		if (ret != -EINVAL || strcmp(err, bad_manifests[i].message))
			fail_msg("manifest %zu: got %d '%s', want '%s'", i, ret,
				 err, bad_manifests[i].message);
		/* nothing half-parsed is left behind */
		assert_int_equal(m.count, 0);
		assert_null(m.entry);
	}
}

static void test_expect(void **state)
{
	static const struct {
		const char *value;
		enum manifest_expect expect;
		int status;
	} cases[] = {
		{ "timeout", MANIFEST_EXPECT_TIMEOUT, 0 },
		{ "log-capped", MANIFEST_EXPECT_LOG_CAPPED, 0 },
		{ "triple-fault", MANIFEST_EXPECT_TRIPLE_FAULT, 0 },
		{ "exit:0", MANIFEST_EXPECT_EXIT, 0 },
		{ "exit:63", MANIFEST_EXPECT_EXIT, 63 },
	};
	struct manifest m;
	char text[128], name[32];

	(void)state;
	parse_ok("[a]\n", &m);
	assert_int_equal(m.entry[0].expect, MANIFEST_EXPECT_REPORT);
	manifest_free(&m);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		snprintf(text, sizeof(text),
			 "[a]\nexpect = %s\ntargets = vmm\n", cases[i].value);
		parse_ok(text, &m);
		assert_int_equal(m.entry[0].expect, cases[i].expect);
		assert_int_equal(m.entry[0].expect_status, cases[i].status);
		/* the name reads back as the manifest spells it */
		manifest_expect_name(m.entry[0].expect,
				     m.entry[0].expect_status, name,
				     sizeof(name));
		assert_string_equal(name, cases[i].value);
		manifest_free(&m);
	}
}

static void test_nul_byte(void **state)
{
	static const char text[] = "[a]\nsmp = 1\0 2\n";
	FILE *in = fmemopen((void *)text, sizeof(text) - 1, "r");
	struct manifest m;
	char err[128];

	(void)state;
	assert_int_equal(manifest_parse(in, "t.cfg", &m, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "t.cfg:2: NUL byte in line");
	fclose(in);
}

static void test_message_truncated(void **state)
{
	struct manifest m;
	char err[12];

	(void)state;
	assert_int_equal(parse("[a]\nfoo = 1\n", &m, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "t.cfg:2: un");
}

static void test_load_missing_file(void **state)
{
	struct manifest m;
	char err[256];

	(void)state;
	assert_int_equal(manifest_load("/nonexistent/x.cfg", &m, err,
				       sizeof(err)),
			 -ENOENT);
	assert_string_equal(err,
			    "/nonexistent/x.cfg: No such file or directory");
	assert_int_equal(m.count, 0);
}

static void test_gic_versions(void **state)
{
	unsigned int v = 99;

	(void)state;
	assert_int_equal(manifest_gic_versions("2", &v), 0);
	assert_int_equal(v, MANIFEST_GIC_V2);
	assert_int_equal(manifest_gic_versions("3 2", &v), 0);
	assert_int_equal(v, MANIFEST_GIC_ALL);
	assert_int_equal(manifest_gic_versions("2,3,3", &v), 0);
	assert_int_equal(v, MANIFEST_GIC_ALL);
	assert_int_equal(manifest_gic_versions("", &v), -EINVAL);
	assert_int_equal(manifest_gic_versions("23", &v), -EINVAL);
	assert_int_equal(manifest_gic_versions("3 4", &v), -EINVAL);
}

static void test_target_names(void **state)
{
	(void)state;
	assert_int_equal(manifest_target_from_name("vmm"), MANIFEST_TARGET_VMM);
	assert_int_equal(manifest_target_from_name("qemu"),
			 MANIFEST_TARGET_QEMU);
	assert_int_equal(manifest_target_from_name("QEMU"), 0);
	assert_int_equal(manifest_target_from_name(""), 0);
}

static const char selection_manifest[] = "[selftest.report]\n"
					 "groups = selftest quick\n"
					 "[selftest.ipi]\n"
					 "groups = selftest smp\n"
					 "[selftest.must_fail]\n"
					 "groups = selftest nodefault\n"
					 "[pmu.basic]\n"
					 "groups = pmu quick\n"
					 "[slow.only]\n"
					 "groups = slow nodefault\n";

/* Selects @list and compares with @want, one '1' or '0' per entry. */
static void check_selection(const char *list, const char *want)
{
	struct manifest m;
	bool selected[5];
	char err[256], got[6] = { 0 };
	int ret;

	parse_ok(selection_manifest, &m);
	assert_int_equal(m.count, 5);
	ret = manifest_select(&m, list, selected, err, sizeof(err));
	if (ret)
		fail_msg("selecting '%s': %s", list ? list : "(default)", err);
	for (size_t i = 0; i < 5; i++)
		got[i] = selected[i] ? '1' : '0';
	if (strcmp(got, want))
		fail_msg("selecting '%s': got %s, want %s",
			 list ? list : "(default)", got, want);
	manifest_free(&m);
}

static void test_select(void **state)
{
	(void)state;
	check_selection(NULL, "11010");
	check_selection("selftest.ipi", "01000");
	check_selection("selftest", "11000");
	check_selection("quick", "10010");
	check_selection("smp,pmu.basic", "01010");
	check_selection("  smp , , pmu.basic  ", "01010");
	check_selection("selftest.ipi selftest.report", "11000");
	/* nodefault entries: by their name, or by the nodefault group */
	check_selection("selftest.must_fail", "00100");
	check_selection("selftest selftest.must_fail", "11100");
	check_selection("nodefault", "00101");
	check_selection("slow.only", "00001");
}

/* An entry by its exact name; a group or a prefix is none. */
static void test_find(void **state)
{
	struct manifest m;

	(void)state;
	parse_ok(selection_manifest, &m);
	assert_ptr_equal(manifest_find(&m, "selftest.ipi"), &m.entry[1]);
	assert_string_equal(manifest_find(&m, "slow.only")->name, "slow.only");
	assert_null(manifest_find(&m, "selftest"));
	assert_null(manifest_find(&m, "selftest.ip"));
	manifest_free(&m);
}

static void check_select_error(const char *list, const char *message)
{
	struct manifest m;
	bool selected[5];
	char err[256];

	parse_ok(selection_manifest, &m);
	assert_int_equal(manifest_select(&m, list, selected, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, message);
	manifest_free(&m);
}

static void test_select_errors(void **state)
{
	(void)state;
	check_select_error("selftest nosuch",
			   "'nosuch' names no test and no group");
	check_select_error("selftest.rep",
			   "'selftest.rep' names no test and no group");
	check_select_error(" , ", "no test or group names given");
	check_select_error("slow",
			   "group 'slow' only holds tests of group nodefault, "
			   "which run only when named or with 'nodefault'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_timeout_scale),
		cmocka_unit_test(test_scale_timeout),
		cmocka_unit_test(test_comments_and_whitespace),
		cmocka_unit_test(test_empty_manifest),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_expect),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_message_truncated),
		cmocka_unit_test(test_load_missing_file),
		cmocka_unit_test(test_gic_versions),
		cmocka_unit_test(test_target_names),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_select_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
