// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of `hvcheck run` command-line parsing. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hvcheck_abi.h"
#include "vmm/run.h"

static struct run_options opts;
static char err[256];

#define PARSE(...)                                                       \
	({                                                               \
		char *argv[] = { "run", __VA_ARGS__, NULL };             \
		memset(err, 0, sizeof(err));                             \
		run_parse_args(sizeof(argv) / sizeof(argv[0]) - 1, argv, \
			       &opts, err, sizeof(err));                 \
	})

static void refused(int ret, const char *what)
{
	assert_int_equal(ret, -EINVAL);
	if (!strstr(err, what))
		fail_msg("'%s' not in '%s'", what, err);
}

static void test_defaults(void **state)
{
	(void)state;
	assert_int_equal(PARSE("guest.elf"), 0);
	assert_string_equal(opts.guest, "guest.elf");
	assert_int_equal(opts.smp, 1);
	assert_int_equal(opts.mem_mib, 64);
	assert_int_equal(opts.timeout_s, 30);
	assert_null(opts.serial_path);
	assert_false(opts.quiet);
	assert_false(opts.timestamps);
	assert_false(opts.help);
	assert_string_equal(opts.cmdline, "");
}

static void test_all_options(void **state)
{
	(void)state;
	assert_int_equal(PARSE("--smp", "4", "--mem=128", "--timeout", "0",
			       "g.elf", "--serial=out.log", "--quiet",
			       "--timestamps"),
			 0);
	assert_string_equal(opts.guest, "g.elf");
	assert_int_equal(opts.smp, 4);
	assert_int_equal(opts.mem_mib, 128);
	assert_int_equal(opts.timeout_s, 0);
	assert_string_equal(opts.serial_path, "out.log");
	assert_true(opts.quiet);
	assert_true(opts.timestamps);

	assert_int_equal(PARSE("g.elf", "--smp=64", "--mem", "3072",
			       "--timeout=86400", "--serial", "s"),
			 0);
	assert_int_equal(opts.smp, 64);
	assert_int_equal(opts.mem_mib, HV_X86_MAX_RAM_MIB);
	assert_int_equal(opts.timeout_s, 86400);
	assert_string_equal(opts.serial_path, "s");
}

static void test_guest_cmdline(void **state)
{
	(void)state;
	/* After "--" nothing is an option. */
	assert_int_equal(PARSE("g.elf", "--smp", "2", "--", "tests=selftest",
			       "--smp", "x=1"),
			 0);
	assert_int_equal(opts.smp, 2);
	assert_string_equal(opts.cmdline, "tests=selftest --smp x=1");
	assert_int_equal(PARSE("g.elf", "--"), 0);
	assert_string_equal(opts.cmdline, "");
}

static void test_cmdline_too_long(void **state)
{
	char *word = malloc(RUN_MAX_CMDLINE + 1);

	(void)state;
	memset(word, 'a', RUN_MAX_CMDLINE);
	word[RUN_MAX_CMDLINE] = '\0';
	refused(PARSE("g.elf", "--", word), "longer than 4095 bytes");
	/* Exactly the limit fits. */
	word[RUN_MAX_CMDLINE - 3] = '\0';
	assert_int_equal(PARSE("g.elf", "--", word, "b"), 0);
	assert_int_equal(strlen(opts.cmdline), RUN_MAX_CMDLINE - 1);
	refused(PARSE("g.elf", "--", word, "bc"), "longer than");
	free(word);
}

static void test_help(void **state)
{
	(void)state;
	assert_int_equal(PARSE("--help"), 0);
	assert_true(opts.help);
	assert_int_equal(PARSE("g.elf", "-h", "--bogus"), 0);
	assert_true(opts.help);
}

static void test_bad_arguments(void **state)
{
	(void)state;
	refused(PARSE("--quiet"), "no guest image given");
	refused(PARSE("a.elf", "b.elf"), "more than one guest image");
	refused(PARSE("g.elf", "--frobnicate"),
		"unknown option '--frobnicate'");
	refused(PARSE("g.elf", "-x"), "unknown option '-x'");
	refused(PARSE("g.elf", "--quiet=1"), "unknown option '--quiet=1'");
	refused(PARSE("g.elf", "--smp"), "--smp needs a value");
	refused(PARSE("g.elf", "--smp", "0"),
		"--smp: '0' is not a number from 1 to 64");
	refused(PARSE("g.elf", "--smp", "65"), "--smp: '65'");
	refused(PARSE("g.elf", "--smp=two"), "--smp: 'two'");
	refused(PARSE("g.elf", "--smp=2x"), "--smp: '2x'");
	refused(PARSE("g.elf", "--smp="), "--smp: ''");
	refused(PARSE("g.elf", "--mem", "0"),
		"--mem: '0' is not a number from 1 to 3072");
	refused(PARSE("g.elf", "--mem", "3073"), "--mem: '3073'");
	refused(PARSE("g.elf", "--mem", "-1"), "--mem: '-1'");
	refused(PARSE("g.elf", "--mem", "99999999999999999999"), "--mem");
	refused(PARSE("g.elf", "--timeout", "-5"), "--timeout: '-5'");
	refused(PARSE("g.elf", "--timeout", "1.5"), "--timeout: '1.5'");
	refused(PARSE("g.elf", "--serial="), "--serial needs a file name");
	/* One line each. */
	assert_null(strchr(err, '\n'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_all_options),
		cmocka_unit_test(test_guest_cmdline),
		cmocka_unit_test(test_cmdline_too_long),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
