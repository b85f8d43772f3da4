// SPDX-License-Identifier: GPL-2.0-only
/* hvcheck suite: the command line of the suite runner (runner/suite.h). */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "array_size.h"
#include "hvcheck_abi.h"
#ifdef HVCHECK_LIBVIRT
#include "cli/libvirt.h"
#endif
#include "cli/suite.h"
#include "runner/manifest.h"
#include "runner/suite.h"
#include "runner/target.h"
#include "vmm/options.h"

/*
 * --help's column for an option's help, past at least two blanks after
 * the option, else on the next line.
 */
#define HELP_COLUMN 24

/* The command line: the runner's options, and --help. */
#define SUITE_MAX_URIS 16

struct suite_cmd {
	struct suite_options opt;
	const char *uris[SUITE_MAX_URIS]; /* --connect, in order */
	bool help;
};

#define SUITE_OPT(field) offsetof(struct suite_cmd, opt.field)

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

/* --target and --requested-target: one of the runner's target names. */
static int set_target_name(void *dst, const struct option_spec *spec,
			   const char *value, char *err, size_t errlen)
{
	static const char *const names[] = { "vmm", "qemu", "nested",
					     "libvirt" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(value, names[i]))
			return option_set_text(dst, spec, names[i], err,
					       errlen);
	}
	return option_error(
		err, errlen,
		"%s: unknown target '%s' (vmm, qemu, nested or libvirt)",
		spec->name, value);
}

/* --connect, once per libvirt connection. */
static int add_uri(void *dst, const struct option_spec *spec, const char *value,
		   char *err, size_t errlen)
{
	struct suite_cmd *cmd = dst;

	if (!*value)
		return option_error(err, errlen, "%s: empty URI", spec->name);
	if (cmd->opt.uri_count == SUITE_MAX_URIS)
		return option_error(err, errlen, "%s: more than %d URIs",
				    spec->name, SUITE_MAX_URIS);
	cmd->uris[cmd->opt.uri_count++] = value;
	return 0;
}

static int set_bed(void *dst, const struct option_spec *spec, const char *value,
		   char *err, size_t errlen)
{
	/* one line: it heads the results files */
	if (!*value || strpbrk(value, "\r\n"))
		return option_error(err, errlen,
				    "%s: '%s' is not one line of text",
				    spec->name, value);
	return option_set_text(dst, spec, value, err, errlen);
}

static int set_gic(void *dst, const struct option_spec *spec, const char *value,
		   char *err, size_t errlen)
{
	struct suite_cmd *cmd = dst;

	if (manifest_gic_versions(value, &cmd->opt.gic_versions))
		return option_error(
			err, errlen,
			"%s: '%s' is not a list of GIC versions (2, 3)",
			spec->name, value);
	return 0;
}

static int set_irqchip(void *dst, const struct option_spec *spec,
		       const char *value, char *err, size_t errlen)
{
	struct suite_cmd *cmd = dst;

	if (suite_irqchip_list(value, &cmd->opt.irqchips))
		return option_error(
			err, errlen,
			"%s: '%s' is not a list of irqchip modes (kvm-gicv3, kvm-gicv2, user-gicv2)",
			spec->name, value);
	return 0;
}

static int set_qemu_accel(void *dst, const struct option_spec *spec,
			  const char *value, char *err, size_t errlen)
{
	struct suite_cmd *cmd = dst;

	if (!strcmp(value, "kvm"))
		cmd->opt.accel = SUITE_QEMU_ACCEL_KVM;
	else if (!strcmp(value, "tcg"))
		cmd->opt.accel = SUITE_QEMU_ACCEL_TCG;
	else
		return option_error(err, errlen,
				    "%s: '%s' is neither kvm nor tcg",
				    spec->name, value);
	return 0;
}

static int set_timeout_scale(void *dst, const struct option_spec *spec,
			     const char *value, char *err, size_t errlen)
{
	struct suite_cmd *cmd = dst;
	char why[128];

	if (manifest_timeout_scale(value, &cmd->opt.timeout_scale, why,
				   sizeof(why)))
		return option_error(err, errlen, "%s: %s", spec->name, why);
	return 0;
}

/* The options, in the order --help lists them. */
static const struct option_spec specs[] = {
	{ .name = "--arch",
	  .arg = "ARCH",
	  .help = "guest architecture: x86_64 (default) or arm64",
	  .set = option_set_text,
	  .offset = SUITE_OPT(arch) },
	{ .name = "--target",
	  .arg = "vmm|qemu|nested|libvirt",
	  .help = "where guests run (default vmm: this VMM on\n"
		  "/dev/kvm; nested: the same, inside the nested\n"
		  "KVM test bed; libvirt: transient domains, see\n"
		  "--connect); no fallback to qemu",
	  .set = set_target_name,
	  .offset = SUITE_OPT(target_name) },
	{ .name = "--connect",
	  .alias = "-c",
	  .arg = "URI",
	  .help = "libvirt: a connection (default qemu:///system);\n"
		  "once per connection: each runs one test at a\n"
		  "time, the next as it becomes free",
	  .set = add_uri },
	{ .name = "--stage",
	  .arg = "DIR",
	  .help = "libvirt: where the guest image is copied for\n"
		  "QEMU to read (default " SUITE_LIBVIRT_STAGE ")",
	  .set = option_set_path,
	  .offset = SUITE_OPT(stage) },
	{ .name = "--bed",
	  .arg = "TEXT",
	  .help = "nested: the test bed, in one line, for results\n"
		  "(required with --target nested)",
	  .set = set_bed,
	  .offset = SUITE_OPT(bed) },
	{ .name = "--requested-target",
	  .arg = "TARGET",
	  .help = "recorded in results.json (default --target)",
	  .set = set_target_name,
	  .offset = SUITE_OPT(requested) },
	{ .name = "--vmm",
	  .arg = "PATH",
	  .help = "vmm, nested: boot each test with 'PATH run'\n"
		  "instead of this binary; /dev/kvm is then\n"
		  "PATH's business",
	  .set = option_set_text,
	  .offset = SUITE_OPT(vmm) },
	{ .name = "--manifest",
	  .arg = "FILE",
	  .help = "default guest/tests/ARCH.cfg",
	  .set = option_set_text,
	  .offset = SUITE_OPT(manifest) },
	{ .name = "--guest",
	  .arg = "ELF",
	  .help = "guest for vmm (default build/ARCH/guest.elf)",
	  .set = option_set_text,
	  .offset = SUITE_OPT(guest) },
	{ .name = "--iso",
	  .arg = "ISO",
	  .help = "GRUB ISO for qemu (default build/ARCH/guest.iso)",
	  .set = option_set_text,
	  .offset = SUITE_OPT(iso) },
	{ .name = "--out",
	  .arg = "DIR",
	  .help = "results directory (default build/ARCH/results)",
	  .set = option_set_text,
	  .offset = SUITE_OPT(out) },
	{ .name = "--tests",
	  .arg = "LIST",
	  .help = "test and group names, separated by spaces or\n"
		  "commas (default: all but group nodefault)",
	  .set = option_set_text,
	  .offset = SUITE_OPT(tests) },
	{ .name = "--gic",
	  .arg = "LIST",
	  .help = "arm64: GIC versions to run each entry on,\n"
		  "2, 3 or 2,3 (default: the entry's gic key)",
	  .set = set_gic },
	{ .name = "--irqchip",
	  .arg = "LIST",
	  .help = "arm64 on vmm: irqchip modes to run each entry\n"
		  "on, of kvm-gicv3, kvm-gicv2, user-gicv2\n"
		  "(default kvm-gicv3,user-gicv2); a mode the\n"
		  "host's KVM cannot give is skipped",
	  .set = set_irqchip },
	{ .name = "--jobs",
	  .arg = "N",
	  .help = "tests run at once (default 1 on vmm, 2 on qemu)",
	  .set = option_set_uint,
	  .offset = SUITE_OPT(jobs),
	  .min = 1,
	  .max = 32 },
	{ .name = "--timeout-scale",
	  .arg = "F",
	  .help = "every test's timeout times F, a decimal such as\n"
		  "4 or 1.5 (sanitizers, valgrind, a slow host);\n"
		  "rounded up to whole seconds",
	  .set = set_timeout_scale },
	{ .name = "--resources",
	  .help = "print the runner's open fds, threads, RSS and\n"
		  "child processes before the first test and\n"
		  "after the last (leak checks of long runs)",
	  .set = option_set_flag,
	  .offset = SUITE_OPT(resources) },
	{ .name = "--qemu-accel",
	  .arg = "kvm|tcg",
	  .help = "default kvm when /dev/kvm opens, else tcg",
	  .set = set_qemu_accel },
	{ .name = "--list",
	  .help = "print the selected tests and exit",
	  .set = option_set_flag,
	  .offset = SUITE_OPT(list) },
	{ .name = "--verbose",
	  .alias = "-v",
	  .help = "print the command that boots each test",
	  .set = option_set_flag,
	  .offset = SUITE_OPT(verbose) },
	{ .name = "--help",
	  .alias = "-h",
	  .help = "this help",
	  .set = option_set_flag,
	  .offset = offsetof(struct suite_cmd, help) },
};

static const struct option_table suite_options_table = {
	.title = "options",
	.specs = specs,
	.nr = ARRAY_SIZE(specs),
};

static void print_help(void)
{
	printf("usage: hvcheck suite [options]\n"
	       "\n"
	       "Runs the tests of a manifest, one fresh VM per entry; writes\n"
	       "results.json, results.tap, results.xml and logs/NAME.log into the\n"
	       "results directory.\n"
	       "\n");
	option_help(stdout, &suite_options_table, HELP_COLUMN);
	printf("\n"
	       "exit status: 0 when no test failed, 1 when one did, %d for a bad\n"
	       "command line or manifest, %d when vmm or nested has no usable KVM,\n"
	       "%d when the runner itself failed or, with no test failed, a test\n"
	       "ended in an infrastructure error (libvirt).\n",
	       HV_EXIT_USAGE, HV_EXIT_NO_KVM, HV_EXIT_VMM_ERROR);
}

/* What the options mean together; 0, or -1 on a bad combination. */
static int check_combination(const struct suite_options *opt)
{
	bool nested = !strcmp(opt->target_name, "nested");
	bool libvirt = !strcmp(opt->target_name, "libvirt");

	if (opt->bed && !nested)
		return usage_error("--bed: only for --target nested");
	/* "nested" in the results must mean a bed: one named there */
	if (nested && !opt->bed)
		return usage_error(
			"--target nested: needs --bed (the test bed it runs in)");
	if ((opt->uri_count || opt->stage) && !libvirt)
		return usage_error(
			"--connect, --stage: only for --target libvirt");
	if (opt->vmm && (!strcmp(opt->target_name, "qemu") || libvirt))
		return usage_error(
			"--vmm: only for --target vmm or nested (QEMU or libvirt boots the guest)");
	return 0;
}

/* 0 to run, 1 after --help, -1 on a bad command line. */
static int parse_options(struct suite_cmd *cmd, int argc, char **argv)
{
	char err[256];
	int first;

	memset(cmd, 0, sizeof(*cmd));
	suite_options_init(&cmd->opt);
	first = option_getopt(&suite_options_table, false, cmd, &cmd->help,
			      argc, argv, err, sizeof(err));
	if (first < 0)
		return usage_error("%s", err);
	if (cmd->help) {
		print_help();
		return 1;
	}
	if (first < argc)
		return usage_error("unexpected argument '%s'", argv[first]);
	if (check_combination(&cmd->opt))
		return -1;
	if (!cmd->opt.uri_count)
		cmd->uris[cmd->opt.uri_count++] = "qemu:///system";
	cmd->opt.uris = cmd->uris;
#ifdef HVCHECK_LIBVIRT
	cmd->opt.libvirt_main = libvirt_main;
#endif
	return 0;
}

int suite_main(int argc, char **argv)
{
	struct suite_cmd cmd;
	int status = parse_options(&cmd, argc, argv);

	if (status)
		return status > 0 ? 0 : HV_EXIT_USAGE;
	return suite_run(&cmd.opt);
}
