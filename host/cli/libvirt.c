// SPDX-License-Identifier: GPL-2.0-only
/* hvcheck libvirt: one manifest entry's domain XML, or one run of it. */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "array_size.h"
#include "hvcheck_abi.h"
#include "cli/libvirt.h"
#include "runner/guest_log.h"
#include "runner/libvirt.h"
#include "runner/target.h"
#include "vmm/options.h"

#define HELP_COLUMN 24
#define XML_LOG_DIR "/var/log/libvirt/qemu"

struct libvirt_cmd {
	const char *arch;
	const char *uri;
	const char *manifest;
	const char *image;  /* guest.iso (x86_64) or guest.elf (arm64) */
	const char *serial; /* boot: the console log */
	const char *prefix; /* of the domain name */
	unsigned int gic;
	unsigned int timeout_s; /* boot: 0, the entry's */
	bool help;
	bool boot; /* `boot`, else `xml` */
	char image_abs[PATH_MAX];
	char defaults[2][PATH_MAX];
};

#define CMD_OPT(field) offsetof(struct libvirt_cmd, field)

static const struct option_spec specs[] = {
	{ .name = "--arch",
	  .arg = "ARCH",
	  .help = "x86_64 (default) or arm64",
	  .set = option_set_text,
	  .offset = CMD_OPT(arch) },
	{ .name = "--connect",
	  .alias = "-c",
	  .arg = "URI",
	  .help = "libvirt URI (default qemu:///system); it picks\n"
		  "the domain type: kvm where offered, else qemu",
	  .set = option_set_text,
	  .offset = CMD_OPT(uri) },
	{ .name = "--manifest",
	  .arg = "FILE",
	  .help = "default guest/tests/ARCH.cfg",
	  .set = option_set_path,
	  .offset = CMD_OPT(manifest) },
	{ .name = "--image",
	  .arg = "PATH",
	  .help = "x86_64: the GRUB ISO, arm64: guest.elf (default\n"
		  "build/ARCH/guest.iso or guest.elf), where the\n"
		  "connection's host reads it",
	  .set = option_set_path,
	  .offset = CMD_OPT(image) },
	{ .name = "--gic",
	  .arg = "2|3",
	  .help = "arm64: the GIC version (default 3)",
	  .set = option_set_uint,
	  .offset = CMD_OPT(gic),
	  .min = 2,
	  .max = 3 },
	{ .name = "--serial",
	  .arg = "FILE",
	  .help = "boot: where the console's bytes go (required)",
	  .set = option_set_path,
	  .offset = CMD_OPT(serial) },
	{ .name = "--prefix",
	  .arg = "TEXT",
	  .help = "the domain is hvcheck-TEXT-TEST (default: xml)",
	  .set = option_set_path,
	  .offset = CMD_OPT(prefix) },
	{ .name = "--timeout",
	  .arg = "S",
	  .help = "boot: seconds after the first console output\n"
		  "(default: the entry's)",
	  .set = option_set_uint,
	  .offset = CMD_OPT(timeout_s),
	  .min = 1,
	  .max = MANIFEST_MAX_TIMEOUT },
	{ .name = "--help",
	  .alias = "-h",
	  .help = "this help",
	  .set = option_set_flag,
	  .offset = CMD_OPT(help) },
};

static const struct option_table table = {
	.title = "options",
	.specs = specs,
	.nr = ARRAY_SIZE(specs),
};

static void print_help(void)
{
	printf("usage: hvcheck libvirt xml [options] TEST\n"
	       "       hvcheck libvirt boot --serial FILE [options] TEST\n"
	       "\n"
	       "xml prints the libvirt domain XML of manifest entry TEST, for\n"
	       "`virsh define` and `virsh start` as it is; its serial port is\n"
	       "logged to " XML_LOG_DIR "/NAME.serial.log on the host, where\n"
	       "the EXIT: STATUS= line tells the result (docs/libvirt.md).\n"
	       "boot runs it once as a transient domain, for `hvcheck suite\n"
	       "--target libvirt`: exit status the guest's, %d for a libvirt\n"
	       "failure (infrastructure error), %d on a timeout.\n\n",
	       LIBVIRT_EXIT_INFRA, HV_EXIT_TIMEOUT);
	option_help(stdout, &table, HELP_COLUMN);
}

static int usage_error(const char *msg, const char *arg)
{
	fprintf(stderr,
		"hvcheck libvirt: %s%s\n'hvcheck libvirt --help' lists the options.\n",
		msg, arg ? arg : "");
	return HV_EXIT_USAGE;
}

/* The defaults of the paths left unset, by --arch. */
static int apply_defaults(struct libvirt_cmd *cmd)
{
	bool arm64 = !strcmp(cmd->arch, "arm64");

	if (!arm64 && strcmp(cmd->arch, "x86_64"))
		return usage_error("--arch: x86_64 or arm64, not ", cmd->arch);
	snprintf(cmd->defaults[0], PATH_MAX, "guest/tests/%s.cfg", cmd->arch);
	snprintf(cmd->defaults[1], PATH_MAX, "build/%s/guest.%s", cmd->arch,
		 arm64 ? "elf" : "iso");
	cmd->manifest = cmd->manifest ?: cmd->defaults[0];
	cmd->image = cmd->image ?: cmd->defaults[1];
	cmd->uri = cmd->uri ?: "qemu:///system";
	cmd->prefix = cmd->prefix ?: "xml";
	cmd->gic = cmd->gic ?: 3;
	/* the daemon resolves nothing against our working directory */
	if (!realpath(cmd->image, cmd->image_abs)) {
		perror(cmd->image);
		return HV_EXIT_USAGE;
	}
	if (cmd->boot && !cmd->serial)
		return usage_error("boot: needs --serial FILE", NULL);
	return 0;
}

/* 0 with *@test set, -1 after --help, or the exit status of an error. */
static int parse(struct libvirt_cmd *cmd, int argc, char **argv,
		 const char **test)
{
	char err[256];
	int first;

	if (argc < 2)
		return usage_error("xml or boot?", NULL);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		print_help();
		return -1;
	}
	cmd->boot = !strcmp(argv[1], "boot");
	if (!cmd->boot && strcmp(argv[1], "xml"))
		return usage_error("unknown subcommand ", argv[1]);
	cmd->arch = "x86_64";
	first = option_getopt(&table, true, cmd, &cmd->help, argc - 1, argv + 1,
			      err, sizeof(err));
	if (first < 0)
		return usage_error(err, NULL);
	if (cmd->help) {
		print_help();
		return -1;
	}
	if (first + 1 != argc - 1)
		return usage_error("needs one TEST, the manifest entry", NULL);
	*test = argv[first + 1];
	return apply_defaults(cmd);
}

/* The domain of @e on @conn, less its name and log. */
static int describe(const struct libvirt_cmd *cmd, struct libvirt_conn *conn,
		    const struct manifest_entry *e, struct libvirt_domain *d)
{
	char why[RESULTS_REASON_MAX];

	d->arm64 = !strcmp(cmd->arch, "arm64");
	d->gic = d->arm64 ? cmd->gic : 0;
	d->smp = e->smp;
	d->mem_mib = e->mem_mib;
	d->image = cmd->image_abs;
	if (libvirt_pick_type(conn, d, why, sizeof(why))) {
		fprintf(stderr, "hvcheck libvirt: %s\n", why);
		return LIBVIRT_EXIT_INFRA;
	}
	if (libvirt_entry_settings(e, d, why, sizeof(why))) {
		fprintf(stderr, "hvcheck libvirt: %s: %s\n", e->name, why);
		return HV_EXIT_USAGE;
	}
	return 0;
}

/* Blocks the stop signals into a signalfd, before any thread starts. */
static int stop_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* The exit status of a run that ended as @out says. */
static int run_status(const struct libvirt_cmd *cmd,
		      const struct libvirt_outcome *out)
{
	struct guest_log log = { 0 };
	int status = HV_EXIT_VMM_ERROR;

	if (out->end != LIBVIRT_END_EXIT)
		fprintf(stderr, "hvcheck libvirt: %s\n", out->why);
	switch (out->end) {
	case LIBVIRT_END_EXIT:
		if (!guest_log_parse_file(cmd->serial, &log) && log.exit_valid)
			status = log.exit_status;
		guest_log_free(&log);
		return status;
	case LIBVIRT_END_TIMEOUT:
		return HV_EXIT_TIMEOUT;
	case LIBVIRT_END_SIGNAL:
		return 128 + out->signal;
	case LIBVIRT_END_INFRA:
		return LIBVIRT_EXIT_INFRA;
	default:
		return HV_EXIT_VMM_ERROR;
	}
}

/* One transient domain of @d until its end; the exit status. */
static int boot(const struct libvirt_cmd *cmd, struct libvirt_conn *conn,
		const struct manifest_entry *e, struct libvirt_domain *d,
		int stop_fd)
{
	struct libvirt_run_opts o = {
		.stop_fd = stop_fd,
		.boot_s = d->arm64 ? SUITE_KERNEL_BOOT_ALLOWANCE_S :
				     SUITE_QEMU_BOOT_ALLOWANCE_S,
		.timeout_s = cmd->timeout_s ?: e->timeout_s,
		.create_flags = VIR_DOMAIN_START_PAUSED |
				VIR_DOMAIN_START_AUTODESTROY,
	};
	struct libvirt_outcome out;
	char *xml = libvirt_domain_xml(d);

	o.log_fd = open(cmd->serial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			0644);
	if (!xml || o.log_fd < 0) {
		perror(cmd->serial);
		free(xml);
		return HV_EXIT_VMM_ERROR;
	}
	/* what results.json records of the run, before it starts */
	printf("%suri=%s hostname=%s domain=%s type=%s cpu=%s pmu=%s",
	       GUEST_LOG_LIBVIRT_PREFIX, libvirt_uri(conn),
	       libvirt_hostname(conn), d->name, d->type, d->cpu ?: "default",
	       d->pmu ? "on" : "off");
	if (d->arm64)
		printf(" gic=%u", d->gic);
	printf("\n");
	fflush(stdout);
	libvirt_run(conn, xml, &o, &out);
	close(o.log_fd);
	free(xml);
	return run_status(cmd, &out);
}

/* The connection, the domain and then its XML or its run. */
static int act(const struct libvirt_cmd *cmd, const struct manifest_entry *e,
	       const char *name, int stop_fd)
{
	struct libvirt_domain d = { .cmdline = suite_guest_cmdline(e) };
	char err[512], log[PATH_MAX + 64];
	struct libvirt_conn *conn;
	int status;

	d.name = libvirt_domain_name(cmd->prefix, name);
	if (!d.name || !d.cmdline) {
		status = HV_EXIT_VMM_ERROR;
		goto out;
	}
	if (libvirt_open(cmd->uri, &conn, err, sizeof(err))) {
		fprintf(stderr, "hvcheck libvirt: %s\n", err);
		status = LIBVIRT_EXIT_INFRA;
		goto out;
	}
	status = describe(cmd, conn, e, &d);
	if (!status && cmd->boot) {
		status = boot(cmd, conn, e, &d, stop_fd);
	} else if (!status) {
		char *xml;

		snprintf(log, sizeof(log), XML_LOG_DIR "/%s.serial.log",
			 d.name);
		d.serial_log = log;
		xml = libvirt_domain_xml(&d);
		status = xml ? 0 : HV_EXIT_VMM_ERROR;
		if (xml)
			fputs(xml, stdout);
		free(xml);
	}
	libvirt_close(conn);
out:
	free((char *)d.name);
	free((char *)d.cmdline);
	return status;
}

int libvirt_main(int argc, char **argv)
{
	struct libvirt_cmd cmd = { 0 };
	const struct manifest_entry *e;
	struct manifest m = { 0 };
	const char *test = NULL;
	char err[PATH_MAX + 256], name[256];
	int status = parse(&cmd, argc, argv, &test), stop_fd = -1;

	if (status)
		return status < 0 ? 0 : status;
	if (manifest_load(cmd.manifest, &m, err, sizeof(err))) {
		fprintf(stderr, "hvcheck libvirt: %s\n", err);
		return HV_EXIT_USAGE;
	}
	e = manifest_find(&m, test);
	if (!e) {
		fprintf(stderr, "hvcheck libvirt: no entry [%s] in %s\n", test,
			cmd.manifest);
		manifest_free(&m);
		return HV_EXIT_USAGE;
	}
	snprintf(name, sizeof(name), "%s", test);
	if (!strcmp(cmd.arch, "arm64"))
		snprintf(name, sizeof(name), "%s@gicv%u", test, cmd.gic);
	if (cmd.boot)
		stop_fd = stop_signals();
	status = act(&cmd, e, name, stop_fd);
	if (stop_fd >= 0)
		close(stop_fd);
	manifest_free(&m);
	return status;
}
