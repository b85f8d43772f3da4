// SPDX-License-Identifier: GPL-2.0-only
/* hvcheck suite: the command line of the suite runner (runner/suite.h). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array_size.h"
#include "hvcheck_abi.h"
#include "cli/suite.h"
#include "runner/manifest.h"
#include "runner/suite.h"
#include "runner/target.h"

#define MAX_JOBS     32
#define MAX_JOBS_STR "32"

/*
 * --help's column for an option's help, past at least two blanks after
 * the option, else on the next line.
 */
#define HELP_COLUMN 24

/* getopt_long() returns flags[i]'s long form as this + i. */
#define LONG_FLAG_BASE 256

struct suite_flag;

/*
 * Applies @flag, with its value @arg (NULL when it takes none), to @opt:
 * 0 to go on, 1 when the command is done (--help), -1 on a bad value.
 */
typedef int suite_flag_handler(struct suite_options *opt,
			       const struct suite_flag *flag, const char *arg);

/* An option of `hvcheck suite`: what sets it, how --help shows it. */
struct suite_flag {
	const char *name;  /* --NAME */
	char letter;	   /* -LETTER for it too, 0: none */
	const char *value; /* its value, as --help names it; NULL: none */
	const char *help;  /* lines, joined by '\n' */
	suite_flag_handler *handle;
	/* set_text(), set_target_name(), set_true(): the member they set */
	size_t member;
};

/* The handler, and the member of struct suite_options it sets. */
#define SETS(handler, field) \
	.handle = handler, .member = offsetof(struct suite_options, field)

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Says what is wrong with the command line; returns -1. */
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "hvcheck suite: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n'hvcheck suite --help' lists the options.\n");
	return -1;
}

static void *member_of(struct suite_options *opt, const struct suite_flag *flag)
{
	return (char *)opt + flag->member;
}

static int set_text(struct suite_options *opt, const struct suite_flag *flag,
		    const char *arg)
{
	*(const char **)member_of(opt, flag) = arg;
	return 0;
}

static int set_true(struct suite_options *opt, const struct suite_flag *flag,
		    const char *arg)
{
	(void)arg;
	*(bool *)member_of(opt, flag) = true;
	return 0;
}

/* --target and --requested-target: one of the runner's target names. */
static int set_target_name(struct suite_options *opt,
			   const struct suite_flag *flag, const char *arg)
{
	static const char *const names[] = { "vmm", "qemu", "nested" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(arg, names[i]))
			return set_text(opt, flag, names[i]);
	}
	return usage_error("--%s: unknown target '%s' (vmm, qemu or nested)",
			   flag->name, arg);
}

static int set_bed(struct suite_options *opt, const struct suite_flag *flag,
		   const char *arg)
{
	/* one line: it heads the results files */
	if (!*arg || strpbrk(arg, "\r\n"))
		return usage_error("--%s: '%s' is not one line of text",
				   flag->name, arg);
	opt->bed = arg;
	return 0;
}

static int set_gic(struct suite_options *opt, const struct suite_flag *flag,
		   const char *arg)
{
	if (manifest_gic_versions(arg, &opt->gic_versions))
		return usage_error(
			"--%s: '%s' is not a list of GIC versions (2, 3)",
			flag->name, arg);
	return 0;
}

static int set_irqchip(struct suite_options *opt, const struct suite_flag *flag,
		       const char *arg)
{
	if (suite_irqchip_list(arg, &opt->irqchips))
		return usage_error(
			"--%s: '%s' is not a list of irqchip modes (kvm-gicv3, kvm-gicv2, user-gicv2)",
			flag->name, arg);
	return 0;
}

static int set_jobs(struct suite_options *opt, const struct suite_flag *flag,
		    const char *arg)
{
	char *end;

	errno = 0;
	opt->jobs = (unsigned int)strtoul(arg, &end, 10);
	if (errno || *end || !*arg || opt->jobs < 1 || opt->jobs > MAX_JOBS)
		return usage_error(
			"--%s: '%s' is not a number from 1 to " MAX_JOBS_STR,
			flag->name, arg);
	return 0;
}

static int set_qemu_accel(struct suite_options *opt,
			  const struct suite_flag *flag, const char *arg)
{
	if (!strcmp(arg, "kvm"))
		opt->accel = SUITE_QEMU_ACCEL_KVM;
	else if (!strcmp(arg, "tcg"))
		opt->accel = SUITE_QEMU_ACCEL_TCG;
	else
		return usage_error("--%s: '%s' is neither kvm nor tcg",
				   flag->name, arg);
	return 0;
}

static suite_flag_handler show_help;

/* The options, in the order --help lists them. */
static const struct suite_flag flags[] = {
	{ "arch", 0, "ARCH", "guest architecture: x86_64 (default) or arm64",
	  SETS(set_text, arch) },
	{ "target", 0, "vmm|qemu|nested",
	  "where guests run (default vmm: this VMM on\n"
	  "/dev/kvm; nested: the same, inside the nested\n"
	  "KVM test bed); no fallback to qemu",
	  SETS(set_target_name, target_name) },
	{ "bed", 0, "TEXT",
	  "nested: the test bed, in one line, for results\n"
	  "(required with --target nested)",
	  .handle = set_bed },
	{ "requested-target", 0, "vmm|qemu|nested",
	  "recorded in results.json (default --target)",
	  SETS(set_target_name, requested) },
	{ "vmm", 0, "PATH",
	  "vmm, nested: boot each test with 'PATH run'\n"
	  "instead of this binary; /dev/kvm is then\n"
	  "PATH's business",
	  SETS(set_text, vmm) },
	{ "manifest", 0, "FILE", "default guest/tests/ARCH.cfg",
	  SETS(set_text, manifest) },
	{ "guest", 0, "ELF", "guest for vmm (default build/ARCH/guest.elf)",
	  SETS(set_text, guest) },
	{ "iso", 0, "ISO", "GRUB ISO for qemu (default build/ARCH/guest.iso)",
	  SETS(set_text, iso) },
	{ "out", 0, "DIR", "results directory (default build/ARCH/results)",
	  SETS(set_text, out) },
	{ "tests", 0, "LIST",
	  "test and group names, separated by spaces or\n"
	  "commas (default: all but group nodefault)",
	  SETS(set_text, tests) },
	{ "gic", 0, "LIST",
	  "arm64: GIC versions to run each entry on,\n"
	  "2, 3 or 2,3 (default: the entry's gic key)",
	  .handle = set_gic },
	{ "irqchip", 0, "LIST",
	  "arm64 on vmm: irqchip modes to run each entry\n"
	  "on, of kvm-gicv3, kvm-gicv2, user-gicv2\n"
	  "(default kvm-gicv3,user-gicv2); a mode the\n"
	  "host's KVM cannot give is skipped",
	  .handle = set_irqchip },
	{ "jobs", 0, "N", "tests run at once (default 1 on vmm, 2 on qemu)",
	  .handle = set_jobs },
	{ "qemu-accel", 0, "kvm|tcg",
	  "default kvm when /dev/kvm opens, else tcg",
	  .handle = set_qemu_accel },
	{ "list", 0, NULL, "print the selected tests and exit",
	  SETS(set_true, list) },
	{ "verbose", 'v', NULL, "print the command that boots each test",
	  SETS(set_true, verbose) },
	{ "help", 'h', NULL, "this help", .handle = show_help },
};

/* "  -L, --NAME VALUE", then the help lines from HELP_COLUMN on. */
static void print_flag_help(const struct suite_flag *flag)
{
	const char *line = flag->help;
	int len;

	if (flag->letter)
		len = printf("  -%c, --%s", flag->letter, flag->name);
	else
		len = printf("  --%s", flag->name);
	if (flag->value)
		len += printf(" %s", flag->value);
	if (len > HELP_COLUMN - 2) {
		putchar('\n');
		len = 0;
	}
	do {
		size_t n = strcspn(line, "\n");

		printf("%*s%.*s\n", HELP_COLUMN - len, "", (int)n, line);
		line += n;
		len = 0;
	} while (*line++); /* past the '\n', or done at the '\0' */
}

static void print_help(void)
{
	printf("usage: hvcheck suite [options]\n"
	       "\n"
	       "Runs the tests of a manifest, one fresh VM per entry; writes\n"
	       "results.json, results.tap, results.xml and logs/NAME.log into the\n"
	       "results directory.\n"
	       "\n"
	       "options:\n");
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
		print_flag_help(&flags[i]);
	printf("\n"
	       "exit status: 0 when no test failed, 1 when one did, %d for a bad\n"
	       "command line or manifest, %d when vmm or nested has no usable KVM,\n"
	       "%d when the runner itself failed.\n",
	       HV_EXIT_USAGE, HV_EXIT_NO_KVM, HV_EXIT_VMM_ERROR);
}

static int show_help(struct suite_options *opt, const struct suite_flag *flag,
		     const char *arg)
{
	(void)opt;
	(void)flag;
	(void)arg;
	print_help();
	return 1;
}

/*
 * flags[] as getopt_long() takes them: @long_flags, and @letters, the
 * short ones after a '+' (no option after the first other word).
 */
static void getopt_tables(struct option *long_flags, char *letters)
{
	*letters++ = '+';
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		long_flags[i] = (struct option){
			.name = flags[i].name,
			.has_arg = flags[i].value ? required_argument :
						    no_argument,
			.val = LONG_FLAG_BASE + (int)i,
		};
		if (flags[i].letter)
			*letters++ = flags[i].letter;
	}
	long_flags[ARRAY_SIZE(flags)] = (struct option){ 0 };
	*letters = '\0';
}

/* The flag getopt_long() returned as @c; NULL for '?', a bad option. */
static const struct suite_flag *flag_of(int c)
{
	if (c >= LONG_FLAG_BASE)
		return &flags[c - LONG_FLAG_BASE];
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		if (flags[i].letter == c)
			return &flags[i];
	}
	return NULL;
}

/* What the options mean together; 0, or -1 on a bad combination. */
static int check_combination(const struct suite_options *opt)
{
	bool nested = !strcmp(opt->target_name, "nested");

	if (opt->bed && !nested)
		return usage_error("--bed: only for --target nested");
	/* "nested" in the results must mean a bed: one named there */
	if (nested && !opt->bed)
		return usage_error(
			"--target nested: needs --bed (the test bed it runs in)");
	if (opt->vmm && !strcmp(opt->target_name, "qemu"))
		return usage_error(
			"--vmm: only for --target vmm or nested (QEMU boots the guest itself)");
	return 0;
}

/* 0 to run, 1 after --help, -1 on a bad command line. */
static int parse_options(struct suite_options *opt, int argc, char **argv)
{
	struct option long_flags[ARRAY_SIZE(flags) + 1];
	char letters[ARRAY_SIZE(flags) + 2];
	const struct suite_flag *flag;
	int c, ret;

	suite_options_init(opt);
	getopt_tables(long_flags, letters);
	optind = 0; /* glibc: restart scanning, even in the same process */
	opterr = 0;
	while ((c = getopt_long(argc, argv, letters, long_flags, NULL)) != -1) {
		flag = flag_of(c);
		if (!flag)
			return usage_error("bad option or missing value: %s",
					   argv[optind - 1]);
		ret = flag->handle(opt, flag, optarg);
		if (ret)
			return ret;
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	return check_combination(opt);
}

int suite_main(int argc, char **argv)
{
	struct suite_options opt;
	int status = parse_options(&opt, argc, argv);

	if (status)
		return status > 0 ? 0 : HV_EXIT_USAGE;
	return suite_run(&opt);
}
