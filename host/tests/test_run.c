// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of `hvcheck run`'s command line: common options and --help. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "array_size.h"
#include "cli/run.h"

static struct run_cmd cmd;
static char err[MACHINE_ERR_SIZE];

/* The common options parse the same whichever machine is native. */
#define PARSE(...)                                                           \
	({                                                                   \
		char *argv[] = { "run", __VA_ARGS__, NULL };                 \
		memset(err, 0, sizeof(err));                                 \
		run_cmd_parse(&cmd, &x86_machine_options,                    \
			      ARRAY_SIZE(argv) - 1, argv, err, sizeof(err)); \
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
	assert_string_equal(cmd.cfg.guest, "guest.elf");
	assert_int_equal(cmd.cfg.smp, 1);
	assert_int_equal(cmd.cfg.mem_mib, 64);
	assert_int_equal(cmd.cfg.timeout_s, 30);
	assert_null(cmd.serial_path);
	assert_int_equal(cmd.serial_max, RUN_DEFAULT_SERIAL_MAX);
	assert_false(cmd.quiet);
	assert_false(cmd.timestamps);
	assert_false(cmd.help);
	assert_string_equal(cmd.cfg.cmdline, "");
	assert_null(cmd.foreign);
	assert_null(cmd.foreign_owner);
}

static void test_all_options(void **state)
{
	(void)state;
	assert_int_equal(PARSE("--smp", "4", "--mem=128", "--timeout", "0",
			       "g.elf", "--serial=out.log", "--quiet",
			       "--timestamps", "--serial-max", "0"),
			 0);
	assert_int_equal(cmd.serial_max, 0);
	assert_string_equal(cmd.cfg.guest, "g.elf");
	assert_int_equal(cmd.cfg.smp, 4);
	assert_int_equal(cmd.cfg.mem_mib, 128);
	assert_int_equal(cmd.cfg.timeout_s, 0);
	assert_string_equal(cmd.serial_path, "out.log");
	assert_true(cmd.quiet);
	assert_true(cmd.timestamps);

	assert_int_equal(PARSE("g.elf", "--smp=64", "--mem", "3072",
			       "--timeout=86400", "--serial", "s",
			       "--serial-max=4294967295"),
			 0);
	assert_int_equal(cmd.serial_max, 4294967295u);
	assert_int_equal(cmd.cfg.smp, MACHINE_MAX_SMP);
	assert_int_equal(cmd.cfg.mem_mib, MACHINE_MAX_MEM_MIB);
	assert_int_equal(cmd.cfg.timeout_s, MACHINE_MAX_TIMEOUT);
	assert_string_equal(cmd.serial_path, "s");
}

static void test_guest_cmdline(void **state)
{
	(void)state;
	/* After "--" nothing is an option. */
	assert_int_equal(PARSE("g.elf", "--smp", "2", "--", "tests=selftest",
			       "--smp", "x=1"),
			 0);
	assert_int_equal(cmd.cfg.smp, 2);
	assert_string_equal(cmd.cfg.cmdline, "tests=selftest --smp x=1");
	assert_int_equal(PARSE("g.elf", "--"), 0);
	assert_string_equal(cmd.cfg.cmdline, "");
}

static void test_cmdline_too_long(void **state)
{
	char *word = malloc(MACHINE_MAX_CMDLINE + 1);

	(void)state;
	assert_non_null(word);
	memset(word, 'a', MACHINE_MAX_CMDLINE);
	word[MACHINE_MAX_CMDLINE] = '\0';
	refused(PARSE("g.elf", "--", word), "longer than 4095 bytes");
	/* Exactly the limit fits. */
	word[MACHINE_MAX_CMDLINE - 3] = '\0';
	assert_int_equal(PARSE("g.elf", "--", word, "b"), 0);
	assert_int_equal(strlen(cmd.cfg.cmdline), MACHINE_MAX_CMDLINE - 1);
	refused(PARSE("g.elf", "--", word, "bc"), "longer than");
	free(word);
}

static void test_help(void **state)
{
	(void)state;
	assert_int_equal(PARSE("--help"), 0);
	assert_true(cmd.help);
	/* "-h" stops the parse: what follows is not looked at. */
	assert_int_equal(PARSE("g.elf", "-h", "--bogus"), 0);
	assert_true(cmd.help);
	assert_int_equal(PARSE("-h", "a.elf", "b.elf", "--pmu=off",
			       "--pmu-filter=none"),
			 0);
	assert_true(cmd.help);
	refused(PARSE("--help=1"), "unknown option '--help=1'");
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
	refused(PARSE("g.elf", "--timeout", "86401"),
		"--timeout: '86401' is not a number from 0 to 86400");
	refused(PARSE("g.elf", "--serial="), "--serial needs a file name");
	refused(PARSE("g.elf", "--serial-max", "4294967296"),
		"--serial-max: '4294967296' is not a number from 0 to 4294967295");
	refused(PARSE("g.elf", "--serial-max", "1M"), "--serial-max: '1M'");
	/* One line each. */
	assert_null(strchr(err, '\n'));
}

/* An option as --help shows it; the common ones are run.c's own. */
struct help_opt {
	const char *alias, *name, *arg, *help;
};

static const struct help_opt common_opts[] = {
	{ NULL, "--smp", "N", "vCPUs, 1..64 (default 1)" },
	{ NULL, "--mem", "MIB", "guest RAM in MiB, 1..3072 (default 64)" },
	{ NULL, "--timeout", "S",
	  "seconds before the run is stopped, 0 for none\n(default 30)" },
	{ NULL, "--serial", "FILE",
	  "also write the guest's serial output to FILE" },
	{ NULL, "--serial-max", "BYTES",
	  "end the run (status 123) once the guest has sent\nBYTES of serial "
	  "output, the log ending in a marker\nline; 0 for no cap (default "
	  "64 MiB)" },
	{ NULL, "--quiet", NULL, "do not copy the serial output to stdout" },
	{ NULL, "--timestamps", NULL, "print boot phase times to stderr" },
	{ "-h", "--help", NULL, "this text" },
};

/*
 * The section of text titled "title:", up to the blank line or the end
 * that closes it, in a new string.
 */
static char *help_section(const char *text, const char *title)
{
	char head[64];
	const char *start, *end;

	snprintf(head, sizeof(head), "\n\n%s:\n", title);
	start = strstr(text, head);
	if (!start)
		fail_msg("no '%s:' section in:\n%s", title, text);
	start += 2;
	end = strstr(start, "\n\n");
	return strndup(start, end ? (size_t)(end - start + 1) : strlen(start));
}

/*
 * Checks that section lists o: its label, then its help's lines, each
 * at the column the first one starts at, which is returned.
 */
static int help_has(const char *section, const struct help_opt *o)
{
	char label[64], *line;
	const char *at, *text;
	int col;

	snprintf(label, sizeof(label), "\n  %s%s%s%s%s  ", o->alias ?: "",
		 o->alias ? ", " : "", o->name, o->arg ? " " : "",
		 o->arg ?: "");
	at = strstr(section, label);
	if (!at)
		fail_msg("'%s' not in:\n%s", label + 1, section);
	at++; /* the line, past its '\n' */
	text = at + strlen(label + 1);
	text += strspn(text, " ");
	col = text - at;
	for (const char *h = o->help;;) {
		size_t len = strcspn(h, "\n");

		line = strndup(h, len);
		if (strncmp(text, h, len) || text[len] != '\n')
			fail_msg("%s: '%s' not at column %d in:\n%s", o->name,
				 line, col, section);
		free(line);
		if (!h[len])
			break;
		h += len + 1;
		text += len + 1;
		assert_int_equal(strspn(text, " "), col);
		text += col;
	}
	return col;
}

/* Every option of table, with its help, in the section titled title. */
static void help_has_table(const char *text, const char *title,
			   const struct option_table *t, int col)
{
	char *section = help_section(text, title);

	assert_string_equal(t->title, title);
	for (size_t i = 0; i < t->nr; i++) {
		const struct option_spec *s = &t->specs[i];
		const struct help_opt o = { s->alias, s->name, s->arg,
					    s->help };

		assert_non_null(s->help);
		assert_int_equal(help_has(section, &o), col);
	}
	free(section);
}

static const struct machine_options *machine_of(const char *arch)
{
	for (size_t m = 0; m < MACHINE_NR; m++)
		if (!strcmp(machine_all_options[m]->arch, arch))
			return machine_all_options[m];
	fail_msg("no %s machine in machine_all_options", arch);
	return NULL;
}

static void test_help_text(void **state)
{
	static const char usage[] =
		"usage: hvcheck run GUEST [options] [-- guest command line]\n";
	char *text = NULL, *section;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	int col = 0;

	(void)state;
	assert_non_null(out);
	run_cmd_help(out);
	assert_int_equal(fclose(out), 0);
	assert_true(!strncmp(text, usage, strlen(usage)));
	/* The sections in this order, each option aligned as the first. */
	assert_true(strstr(text, "\n\noptions:\n") <
		    strstr(text, "\n\nx86_64 only:\n"));
	assert_true(strstr(text, "\n\nx86_64 only:\n") <
		    strstr(text, "\n\narm64 only:\n"));
	section = help_section(text, "options");
	for (size_t i = 0; i < ARRAY_SIZE(common_opts); i++) {
		int c = help_has(section, &common_opts[i]);

		if (!col)
			col = c;
		assert_int_equal(c, col);
	}
	free(section);
	help_has_table(text, "x86_64 only", &machine_of("x86_64")->table, col);
	help_has_table(text, "arm64 only", &machine_of("arm64")->table, col);
	/* The x86_64 table's longest label sets the column. */
	assert_non_null(strstr(text, "\n  --pmu-fixed-counters N  fixed"));
	assert_int_equal(text[size - 1], '\n');
	/* It fits a terminal. */
	for (const char *line = text; *line; line += strcspn(line, "\n") + 1)
		assert_in_range(strcspn(line, "\n"), 0, 80);
	free(text);
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
		cmocka_unit_test(test_help_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
