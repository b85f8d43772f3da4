// SPDX-License-Identifier: GPL-2.0-only
/* hvcheck run: boot one guest on KVM and exit with its status. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "array_size.h"
#include "cli/run.h"
#include "hvcheck_abi.h"

#define RUN_OPT(field) offsetof(struct run_cmd, field)

static const struct option_spec run_specs[] = {
	{ .name = "--smp",
	  .arg = "N",
	  .help = "vCPUs, 1..64 (default 1)",
	  .set = option_set_uint,
	  .offset = RUN_OPT(cfg.smp),
	  .min = 1,
	  .max = MACHINE_MAX_SMP },
	{ .name = "--mem",
	  .arg = "MIB",
	  .help = "guest RAM in MiB, 1..3072 (default 64)",
	  .set = option_set_uint,
	  .offset = RUN_OPT(cfg.mem_mib),
	  .min = 1,
	  .max = MACHINE_MAX_MEM_MIB },
	{ .name = "--timeout",
	  .arg = "S",
	  .help = "seconds before the run is stopped, 0 for none\n"
		  "(default 30)",
	  .set = option_set_uint,
	  .offset = RUN_OPT(cfg.timeout_s),
	  .max = MACHINE_MAX_TIMEOUT },
	{ .name = "--serial",
	  .arg = "FILE",
	  .help = "also write the guest's serial output to FILE",
	  .set = option_set_path,
	  .offset = RUN_OPT(serial_path) },
	{ .name = "--serial-max",
	  .arg = "BYTES",
	  .help = "end the run (status 123) once the guest has sent\n"
		  "BYTES of serial output, the log ending in a marker\n"
		  "line; 0 for no cap (default 64 MiB)",
	  .set = option_set_uint,
	  .offset = RUN_OPT(serial_max),
	  .max = UINT_MAX },
	{ .name = "--quiet",
	  .help = "do not copy the serial output to stdout",
	  .set = option_set_flag,
	  .offset = RUN_OPT(quiet) },
	{ .name = "--timestamps",
	  .help = "print boot phase times to stderr",
	  .set = option_set_flag,
	  .offset = RUN_OPT(timestamps) },
	{ .name = "--help",
	  .alias = "-h",
	  .help = "this text",
	  .set = option_set_flag,
	  .offset = RUN_OPT(help) },
};

static const struct option_table run_options = {
	.title = "options",
	.specs = run_specs,
	.nr = ARRAY_SIZE(run_specs),
};

_Static_assert(MACHINE_MAX_SMP == 64 && MACHINE_MAX_MEM_MIB == 3072,
	       "run_specs' help says the bounds");

void run_cmd_help(FILE *out)
{
	const struct option_table *tables[1 + MACHINE_NR] = { &run_options };
	int column;

	for (size_t m = 0; m < MACHINE_NR; m++)
		tables[1 + m] = &machine_all_options[m]->table;
	column = option_help_column(tables, ARRAY_SIZE(tables));
	fputs("usage: hvcheck run GUEST [options] [-- guest command line]\n"
	      "\n"
	      "Boots GUEST on KVM (x86_64: a Multiboot2 image; arm64: an ELF image\n"
	      "on a QEMU virt-like board) and exits with the status the guest\n"
	      "writes to its exit port, or with a VMM verdict: 64 bad command\n"
	      "line, 65 image refused, 69 no KVM, 70 VMM error, 123 serial\n"
	      "output capped, 124 timeout,\n"
	      "125 triple fault, 126 KVM internal error, 127 unhandled exit.\n",
	      out);
	for (size_t t = 0; t < ARRAY_SIZE(tables); t++) {
		fputc('\n', out);
		option_help(out, tables[t], column);
	}
}

/*
 * The spec of --name and the struct it sets: the common options', the
 * native machine's, or another machine's (*owner set, dst NULL).
 */
static const struct option_spec *
run_cmd_find(struct run_cmd *cmd, const struct machine_options *native,
	     const char *name, void **dst, const struct machine_options **owner)
{
	const struct option_spec *spec;

	*owner = NULL;
	*dst = cmd;
	spec = option_find(&run_options, name);
	if (spec)
		return spec;
	*dst = cmd->machine_opts;
	spec = option_find(&native->table, name);
	if (spec)
		return spec;
	*dst = NULL;
	for (size_t m = 0; m < MACHINE_NR; m++) {
		*owner = machine_all_options[m];
		spec = *owner == native ? NULL :
					  option_find(&(*owner)->table, name);
		if (spec)
			return spec;
	}
	return NULL;
}

/* The option at argv[*i], --name VALUE or --name=VALUE. */
static int run_cmd_option(struct run_cmd *cmd,
			  const struct machine_options *native, int argc,
			  char **argv, int *i, char *err, size_t errlen)
{
	const char *arg = argv[*i], *eq = strchr(arg, '='), *value = NULL;
	const struct machine_options *owner;
	const struct option_spec *spec;
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	char name[32];
	void *dst;

	if (len >= sizeof(name))
		return option_error(err, errlen, "unknown option '%s'", arg);
	memcpy(name, arg, len);
	name[len] = '\0';
	spec = run_cmd_find(cmd, native, name, &dst, &owner);
	if (!spec || (!spec->arg && eq))
		return option_error(err, errlen, "unknown option '%s'", arg);
	if (spec->arg && eq)
		value = eq + 1;
	else if (spec->arg && *i + 1 < argc)
		value = argv[++*i];
	else if (spec->arg)
		return option_error(err, errlen, "%s needs a value", name);
	if (dst)
		return spec->set(dst, spec, value, err, errlen);
	cmd->foreign = spec->name;
	cmd->foreign_owner = owner;
	return 0;
}

static int run_cmd_join(struct machine_config *cfg, int argc, char **argv,
			char *err, size_t errlen)
{
	size_t len = 0;

	for (int i = 0; i < argc; i++) {
		size_t word = strlen(argv[i]);

		if (len + !!i + word >= sizeof(cfg->cmdline))
			return option_error(
				err, errlen,
				"guest command line is longer than %d bytes",
				MACHINE_MAX_CMDLINE - 1);
		if (i)
			cfg->cmdline[len++] = ' ';
		memcpy(cfg->cmdline + len, argv[i], word);
		len += word;
	}
	cfg->cmdline[len] = '\0';
	return 0;
}

static void run_cmd_init(struct run_cmd *cmd,
			 const struct machine_options *native)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->cfg.smp = RUN_DEFAULT_SMP;
	cmd->cfg.mem_mib = RUN_DEFAULT_MEM_MIB;
	cmd->cfg.timeout_s = RUN_DEFAULT_TIMEOUT;
	cmd->serial_max = RUN_DEFAULT_SERIAL_MAX;
	native->init(cmd->machine_opts);
}

int run_cmd_parse(struct run_cmd *cmd, const struct machine_options *native,
		  int argc, char **argv, char *err, size_t errlen)
{
	int i, ret;

	run_cmd_init(cmd, native);
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		const char *arg = argv[i];

		if (arg[0] == '-' && arg[1]) {
			ret = run_cmd_option(cmd, native, argc, argv, &i, err,
					     errlen);
			if (ret || cmd->help)
				return ret;
		} else if (cmd->cfg.guest) {
			return option_error(
				err, errlen,
				"more than one guest image ('%s', '%s'); guest command line words go after '--'",
				cmd->cfg.guest, arg);
		} else {
			cmd->cfg.guest = arg;
		}
	}
	if (!cmd->cfg.guest)
		return option_error(err, errlen, "no guest image given");
	if (cmd->foreign)
		return option_error(err, errlen, "%s is an %s option: %s",
				    cmd->foreign, cmd->foreign_owner->arch,
				    native->foreign_why);
	i += i < argc; /* past "--" */
	ret = run_cmd_join(&cmd->cfg, argc - i, argv + i, err, errlen);
	if (!ret)
		ret = native->check(&cmd->cfg, cmd->machine_opts, err, errlen);
	return ret;
}

static void run_timestamp(uint64_t start_ns, const char *phase, uint64_t ns)
{
	if (ns)
		fprintf(stderr, "hvcheck: timestamp: %s %.3f ms\n", phase,
			(ns - start_ns) / 1e6);
}

static void run_timestamps(uint64_t start_ns, const struct machine_times *t,
			   const struct machine_serial *serial)
{
	run_timestamp(start_ns, "vmm-start", start_ns);
	run_timestamp(start_ns, "guest-entry", t->entry_ns);
	run_timestamp(start_ns, "first-serial-byte", serial->first_byte_ns);
	run_timestamp(start_ns, "exit", t->stop_ns);
	run_timestamp(start_ns, "vmm-exit", vm_now_ns());
}

int run_main(int argc, char **argv)
{
	uint64_t start_ns = vm_now_ns();
	struct machine_serial serial = { 0 };
	struct machine_times times = { 0 };
	struct machine_image image = { 0 };
	char err[MACHINE_ERR_SIZE];
	static struct run_cmd cmd;
	int status;

	if (run_cmd_parse(&cmd, machine_native, argc, argv, err, sizeof(err)))
		return machine_fail(HV_EXIT_USAGE,
				    "run: %s (see 'hvcheck run --help')", err);
	if (cmd.help) {
		run_cmd_help(stdout);
		return 0;
	}
	/* A reader that goes away must not kill the run before its verdict. */
	signal(SIGPIPE, SIG_IGN);
	serial.quiet = cmd.quiet;
	serial.max_bytes = cmd.serial_max;
	if (cmd.serial_path) {
		serial.file = fopen(cmd.serial_path, "we");
		if (!serial.file)
			return machine_fail(HV_EXIT_VMM_ERROR,
					    "%s: cannot create: %s",
					    cmd.serial_path, strerror(errno));
	}
	image.path = cmd.cfg.guest;
	status = machine_run(&cmd.cfg, cmd.machine_opts, &image, &serial,
			     &times);
	if (image.data)
		munmap((void *)image.data, image.size);
	if (serial.file)
		fclose(serial.file);
	if (cmd.timestamps)
		run_timestamps(start_ns, &times, &serial);
	return status;
}
