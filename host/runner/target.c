// SPDX-License-Identifier: GPL-2.0-only
/* Per-target command lines of a suite test and decoding of their ends. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvcheck_abi.h"
#include "runner/libvirt.h"
#include "runner/target.h"

/* A growing, NULL-terminated argv; any allocation failure poisons it. */
struct argv_builder {
	char **argv;
	size_t count;
	bool failed;
};

static void argv_take(struct argv_builder *b, char *arg)
{
	char **grown;

	if (!arg || b->failed)
		goto fail;
	grown = realloc(b->argv, (b->count + 2) * sizeof(*grown));
	if (!grown)
		goto fail;
	b->argv = grown;
	b->argv[b->count++] = arg;
	b->argv[b->count] = NULL;
	return;
fail:
	free(arg);
	b->failed = true;
}

static void argv_add(struct argv_builder *b, const char *arg)
{
	argv_take(b, strdup(arg));
}

static void argv_addf(struct argv_builder *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void argv_addf(struct argv_builder *b, const char *fmt, ...)
{
	char *arg = NULL;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vasprintf(&arg, fmt, ap);
	va_end(ap);
	argv_take(b, len < 0 ? NULL : arg);
}

static void argv_add_words(struct argv_builder *b,
			   const struct manifest_words *w)
{
	for (size_t i = 0; i < w->count; i++)
		argv_add(b, w->word[i]);
}

static char **argv_finish(struct argv_builder *b)
{
	if (b->failed) {
		suite_argv_free(b->argv);
		return NULL;
	}
	return b->argv;
}

void suite_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

char *suite_guest_cmdline(const struct manifest_entry *e)
{
	size_t len = strlen("tests=") + strlen(e->tests) + 1;
	char *cmdline;

	for (size_t i = 0; i < e->args.count; i++)
		len += 1 + strlen(e->args.word[i]);
	cmdline = malloc(len);
	if (!cmdline)
		return NULL;
	strcpy(cmdline, "tests=");
	strcat(cmdline, e->tests);
	for (size_t i = 0; i < e->args.count; i++) {
		strcat(cmdline, " ");
		strcat(cmdline, e->args.word[i]);
	}
	return cmdline;
}

char *suite_grub_script(const char *cmdline)
{
	char *script = NULL;

	/*
	 * Single quotes keep every character but '\'' literal; grub.cfg
	 * expands the variable unquoted, so GRUB splits it into words again.
	 */
	if (asprintf(&script, "set hvcheck_cmdline='%s'\n", cmdline) < 0)
		return NULL;
	return script;
}

int suite_irqchip_list(const char *list, unsigned int *chips)
{
	char *copy = strdup(list), *word, *save;
	int ret = 0;

	*chips = 0;
	if (!copy)
		return -ENOMEM;
	for (word = strtok_r(copy, ", \t", &save); word && !ret;
	     word = strtok_r(NULL, ", \t", &save)) {
		enum vgic_mode chip;

		if (vgic_mode_parse(word, &chip))
			ret = -EINVAL;
		else
			*chips |= SUITE_IRQCHIP_BIT(chip);
	}
	free(copy);
	if (!ret && !*chips)
		ret = -EINVAL;
	return ret;
}

unsigned int suite_irqchips_of(const struct manifest_entry *e,
			       unsigned int chips, unsigned int gic_versions)
{
	unsigned int versions = (e->gic_versions ?: MANIFEST_GIC_ALL) &
				gic_versions;
	unsigned int of = 0;

	/* MANIFEST_GIC_V2 and _V3 are bits 2 and 3 */
	for (int chip = 0; chip < VGIC_NR_MODES; chip++) {
		if ((chips & SUITE_IRQCHIP_BIT(chip)) &&
		    (versions & (1u << vgic_mode_gic_version(chip))))
			of |= SUITE_IRQCHIP_BIT(chip);
	}
	return of;
}

char **suite_vmm_argv(const struct suite_setup *s,
		      const struct manifest_entry *e, const char *irqchip,
		      const char *log)
{
	struct argv_builder b = { 0 };

	argv_add(&b, s->self);
	argv_add(&b, "run");
	argv_add(&b, s->guest);
	argv_add(&b, "--smp");
	argv_addf(&b, "%u", e->smp);
	argv_add(&b, "--mem");
	argv_addf(&b, "%u", e->mem_mib);
	argv_add(&b, "--timeout");
	argv_addf(&b, "%u", e->timeout_s);
	argv_add(&b, "--quiet");
	argv_add(&b, "--serial");
	argv_add(&b, log);
	if (irqchip)
		argv_addf(&b, "--irqchip=%s", irqchip);
	argv_add_words(&b, &e->vmm_opts);
	argv_add(&b, "--");
	argv_addf(&b, "tests=%s", e->tests);
	argv_add_words(&b, &e->args);
	return argv_finish(&b);
}

/* QEMU option values end at a comma; a literal one is written twice. */
static char *qemu_escape(const char *value)
{
	size_t commas = 0;
	char *out, *o;

	for (const char *c = value; *c; c++)
		commas += *c == ',';
	out = malloc(strlen(value) + commas + 1);
	if (!out)
		return NULL;
	o = out;
	for (const char *c = value; *c; c++) {
		*o++ = *c;
		if (*c == ',')
			*o++ = ',';
	}
	*o = '\0';
	return out;
}

/* The entry's CPUs and RAM, and nothing QEMU would add by default. */
static void qemu_add_machine(struct argv_builder *b,
			     const struct manifest_entry *e)
{
	argv_add(b, "-smp");
	argv_addf(b, "%u", e->smp);
	argv_add(b, "-m");
	argv_addf(b, "%u", e->mem_mib);
	/* no NIC option ROM, VGA or default serial: faster, and ours only */
	argv_add(b, "-nodefaults");
	argv_add(b, "-display");
	argv_add(b, "none");
	argv_add(b, "-no-reboot");
}

/* The first serial port into the test's log (log_esc: QEMU-escaped). */
static void qemu_add_serial_log(struct argv_builder *b, const char *log_esc)
{
	argv_add(b, "-chardev");
	argv_addf(b, "file,id=hvcheck-serial,path=%s", log_esc);
	argv_add(b, "-serial");
	argv_add(b, "chardev:hvcheck-serial");
}

char **suite_qemu_argv(const struct suite_setup *s,
		       const struct manifest_entry *e, const char *disk,
		       const char *log)
{
	char *iso = qemu_escape(s->iso), *disk_esc = qemu_escape(disk);
	char *log_esc = qemu_escape(log);
	struct argv_builder b = { .failed = !iso || !disk_esc || !log_esc };

	argv_add(&b, s->qemu);
	argv_add(&b, "-accel");
	if (s->qemu_kvm) {
		argv_add(&b, "kvm");
		argv_add(&b, "-cpu");
		argv_add(&b, "host");
	} else {
		argv_add(&b, "tcg");
	}
	qemu_add_machine(&b, e);
	argv_add(&b, "-device");
	argv_addf(&b, "isa-debug-exit,iobase=%#x,iosize=0x04",
		  HV_X86_EXIT_PORT);
	qemu_add_serial_log(&b, log_esc);
	argv_add(&b, "-drive");
	argv_addf(&b, "file=%s,format=raw,if=ide,media=cdrom,readonly=on", iso);
	argv_add(&b, "-drive");
	argv_addf(&b, "file=%s,format=raw,if=ide", disk_esc);
	argv_add(&b, "-boot");
	argv_add(&b, "order=d");
	argv_add_words(&b, &e->qemu_opts);
	free(iso);
	free(disk_esc);
	free(log_esc);
	return argv_finish(&b);
}

char **suite_qemu_arm64_argv(const struct suite_setup *s,
			     const struct manifest_entry *e, unsigned int gic,
			     const char *log)
{
	char *log_esc = qemu_escape(log);
	struct argv_builder b = { .failed = !log_esc };

	argv_add(&b, s->qemu);
	argv_add(&b, "-accel");
	argv_add(&b, s->qemu_kvm ? "kvm" : "tcg");
	argv_add(&b, "-M");
	argv_addf(&b, "virt,gic-version=%u", gic);
	argv_add(&b, "-cpu");
	argv_add(&b, s->qemu_kvm ? "host" : "max");
	qemu_add_machine(&b, e);
	/* SYS_EXIT_EXTENDED makes the guest's status QEMU's exit status */
	argv_add(&b, "-semihosting");
	qemu_add_serial_log(&b, log_esc);
	argv_add(&b, "-kernel");
	argv_add(&b, s->guest);
	argv_add(&b, "-append");
	argv_take(&b, suite_guest_cmdline(e));
	argv_add_words(&b, &e->qemu_opts);
	free(log_esc);
	return argv_finish(&b);
}

char **suite_libvirt_argv(const struct suite_setup *s,
			  const struct manifest_entry *e, unsigned int gic,
			  const char *uri, const char *prefix, const char *log)
{
	struct argv_builder b = { 0 };

	argv_add(&b, s->self);
	argv_add(&b, "libvirt");
	argv_add(&b, "boot");
	argv_add(&b, "--arch");
	argv_add(&b, s->arm64 ? "arm64" : "x86_64");
	argv_add(&b, "--connect");
	argv_add(&b, uri);
	argv_add(&b, "--manifest");
	argv_add(&b, s->manifest);
	argv_add(&b, "--image");
	argv_add(&b, s->image);
	if (gic) {
		argv_add(&b, "--gic");
		argv_addf(&b, "%u", gic);
	}
	/* the timeout the runner decided, scaled: not the manifest's */
	argv_add(&b, "--timeout");
	argv_addf(&b, "%u", e->timeout_s);
	argv_add(&b, "--prefix");
	argv_add(&b, prefix);
	argv_add(&b, "--serial");
	argv_add(&b, log);
	argv_add(&b, e->name);
	return argv_finish(&b);
}

bool suite_infra_error(const struct suite_setup *s,
		       const struct suite_child_end *end)
{
	return s->libvirt && end->stop == CHILD_STOP_NONE && !end->signaled &&
	       end->code == LIBVIRT_EXIT_INFRA;
}

char *suite_run_name(const char *name, unsigned int gic)
{
	char *run = NULL;

	if (asprintf(&run, "%s@gicv%u", name, gic) < 0)
		return NULL;
	return run;
}

char *suite_irqchip_run_name(const char *name, enum vgic_mode chip)
{
	char *run = NULL;

	if (asprintf(&run, "%s@%s", name, vgic_mode_name(chip)) < 0)
		return NULL;
	return run;
}

uint64_t suite_deadline_ms(const struct suite_setup *s,
			   const struct manifest_entry *e, uint64_t started_ms,
			   uint64_t output_ms)
{
	uint64_t grace = s->libvirt ? 1000ULL * SUITE_LIBVIRT_GRACE_S : 0;

	if (s->target == MANIFEST_TARGET_VMM)
		return started_ms +
		       1000ULL * (e->timeout_s + SUITE_VMM_GRACE_S);
	if (output_ms)
		return output_ms + 1000ULL * e->timeout_s + grace;
	return started_ms + grace +
	       1000ULL * (s->arm64 ? SUITE_KERNEL_BOOT_ALLOWANCE_S :
				     SUITE_QEMU_BOOT_ALLOWANCE_S);
}

const char *suite_vmm_name(const struct suite_setup *s)
{
	const char *slash = strrchr(s->self, '/');

	return slash ? slash + 1 : s->self;
}

/* "what" plus ": output_line" when the child said something. */
static void error_with_output(char *error, size_t size, const char *what,
			      const char *output_line)
{
	if (output_line && *output_line)
		snprintf(error, size, "%s: %s", what, output_line);
	else
		snprintf(error, size, "%s", what);
}

static bool decode_vmm(const struct suite_setup *s,
		       const struct manifest_entry *e, int code,
		       const char *output_line, int *guest_status, char *error,
		       size_t size)
{
	char what[NAME_MAX + 64];

	switch (code) {
	case HV_EXIT_USAGE:
		snprintf(what, sizeof(what), "%s run: bad command line",
			 suite_vmm_name(s));
		error_with_output(error, size, what, output_line);
		break;
	case HV_EXIT_BAD_IMAGE:
		error_with_output(error, size, "image refused", output_line);
		break;
	case HV_EXIT_NO_KVM:
		error_with_output(error, size, "no usable /dev/kvm",
				  output_line);
		break;
	case HV_EXIT_VMM_ERROR:
		error_with_output(error, size, "VMM error", output_line);
		break;
	case HV_EXIT_LOG_CAPPED:
		snprintf(error, size,
			 "serial output capped by %s run --serial-max",
			 suite_vmm_name(s));
		break;
	case HV_EXIT_TIMEOUT:
		snprintf(error, size, "timeout after %u s", e->timeout_s);
		break;
	case HV_EXIT_TRIPLE_FAULT:
		snprintf(error, size, "triple fault");
		break;
	case HV_EXIT_INTERNAL_ERROR:
		snprintf(error, size, "KVM internal error");
		break;
	case HV_EXIT_UNHANDLED:
		snprintf(error, size, "unhandled VM exit");
		break;
	default:
		if (code >= 0 && code < HV_EXIT_USAGE) {
			*guest_status = code;
			return true;
		}
		snprintf(what, sizeof(what), "%s run exited with status %d",
			 suite_vmm_name(s), code);
		error_with_output(error, size, what, output_line);
	}
	return false;
}

/*
 * hvcheck libvirt boot: the guest's status from its EXIT line, or why
 * there is none on its stderr, "hvcheck libvirt: why".
 */
static bool decode_libvirt(int code, const char *output_line, int *guest_status,
			   char *error, size_t size)
{
	const char *prefix = "hvcheck libvirt: ";

	if (code >= 0 && code < HV_EXIT_USAGE) {
		*guest_status = code;
		return true;
	}
	if (output_line && !strncmp(output_line, prefix, strlen(prefix)))
		snprintf(error, size, "%s", output_line + strlen(prefix));
	else
		snprintf(error, size,
			 "hvcheck libvirt boot exited with status %d%s%s", code,
			 output_line && *output_line ? ": " : "",
			 output_line ? output_line : "");
	return false;
}

/* isa-debug-exit makes QEMU exit with (status << 1) | 1. */
static bool decode_qemu(int code, const struct guest_log *log,
			const char *output_line, int *guest_status, char *error,
			size_t size)
{
	char what[64];

	/* 1 is also QEMU's own failure status: only an EXIT line tells */
	if ((code & 1) && (code != 1 || log->exit_lines)) {
		*guest_status = code >> 1;
		return true;
	}
	if (!code && log->loader_error)
		snprintf(error, size, "GRUB: %s", log->loader_error);
	else if (!code)
		snprintf(
			error, size,
			"QEMU exited without a guest exit status (triple fault, reset or power-off)");
	else {
		snprintf(what, sizeof(what), "QEMU failed with status %d",
			 code);
		error_with_output(error, size, what, output_line);
	}
	return false;
}

/* -semihosting: QEMU exits with the status the guest passed. */
static bool decode_semihosting(int code, const struct guest_log *log,
			       const char *output_line, int *guest_status,
			       char *error, size_t size)
{
	char what[64];

	/* QEMU's own failures exit 1 too: only an EXIT line tells */
	if (log->exit_lines && code < HV_EXIT_USAGE) {
		*guest_status = code;
		return true;
	}
	if (!code) {
		snprintf(error, size,
			 "QEMU exited without a guest exit status (reset or "
			 "power-off)");
		return false;
	}
	snprintf(what, sizeof(what), "QEMU failed with status %d", code);
	error_with_output(error, size, what, output_line);
	return false;
}

/* Why the watchdog fired: the child's deadline of suite_deadline_ms(). */
static int watchdog_why(const struct suite_setup *s,
			const struct manifest_entry *e,
			const struct suite_child_end *end, char *error,
			size_t size)
{
	if (s->libvirt)
		return snprintf(
			error, size,
			"timeout: %s libvirt boot still running %u s past its deadline",
			suite_vmm_name(s), SUITE_LIBVIRT_GRACE_S);
	if (s->target == MANIFEST_TARGET_VMM)
		return snprintf(
			error, size,
			"timeout after %u s: %s run still running %u s later",
			e->timeout_s, suite_vmm_name(s), SUITE_VMM_GRACE_S);
	if (end->output_seen)
		return snprintf(error, size, "timeout after %u s",
				e->timeout_s);
	if (s->arm64)
		return snprintf(
			error, size,
			"timeout: no serial output within %u s of starting QEMU (the guest hung at boot)",
			SUITE_KERNEL_BOOT_ALLOWANCE_S);
	return snprintf(
		error, size,
		"timeout: no serial output within %u s of starting QEMU (SeaBIOS, GRUB or the guest hung)",
		SUITE_QEMU_BOOT_ALLOWANCE_S);
}

/*
 * Why the watchdog fired, then how far it went to stop the child.  QEMU
 * exits cleanly on SIGTERM, so that needs no mention; the VMM should
 * have stopped itself.
 */
static void watchdog_reason(const struct suite_setup *s,
			    const struct manifest_entry *e,
			    const struct suite_child_end *end, char *error,
			    size_t size)
{
	bool vmm = s->target == MANIFEST_TARGET_VMM;
	const char *who = vmm ? "," : "; QEMU";
	int len = watchdog_why(s, e, end, error, size);

	if (len < 0 || (size_t)len >= size)
		return;
	error += len;
	size -= (size_t)len;
	if (end->stop == CHILD_STOP_TERM && vmm)
		snprintf(error, size, ", ended by SIGTERM");
	else if (end->stop == CHILD_STOP_KILL)
		snprintf(
			error, size,
			"%s did not exit within %u s of SIGTERM, killed by SIGKILL",
			who,
			s->libvirt ? SUITE_LIBVIRT_TERM_GRACE_S :
				     CHILD_TERM_GRACE_S);
	else if (end->stop == CHILD_STOP_STUCK)
		snprintf(
			error, size,
			"%s did not exit %u s after SIGKILL (stuck in the kernel?)",
			who, CHILD_KILL_WAIT_S);
}

bool suite_decode_end(const struct suite_setup *s,
		      const struct manifest_entry *e,
		      const struct suite_child_end *end,
		      const struct guest_log *log, const char *output_line,
		      int *guest_status, char *error, size_t error_size)
{
	bool qemu = s->target == MANIFEST_TARGET_QEMU && !s->libvirt;

	if (end->stop != CHILD_STOP_NONE) {
		watchdog_reason(s, e, end, error, error_size);
		return false;
	}
	if (end->signaled) {
		snprintf(error, error_size, "%s%s killed by signal %d (%s)",
			 qemu ? "QEMU" : suite_vmm_name(s),
			 s->libvirt ? " libvirt boot" :
			 qemu	    ? "" :
				      " run",
			 end->code, strsignal(end->code));
		return false;
	}
	if (s->libvirt)
		return decode_libvirt(end->code, output_line, guest_status,
				      error, error_size);
	if (s->target == MANIFEST_TARGET_QEMU && s->arm64)
		return decode_semihosting(end->code, log, output_line,
					  guest_status, error, error_size);
	if (s->target == MANIFEST_TARGET_QEMU)
		return decode_qemu(end->code, log, output_line, guest_status,
				   error, error_size);
	return decode_vmm(s, e, end->code, output_line, guest_status, error,
			  error_size);
}

/* @text without @prefix, when it starts with it. */
static const char *skip_prefix(const char *text, const char *prefix)
{
	size_t len = strlen(prefix);

	return strncmp(text, prefix, len) ? text : text + len;
}

bool suite_irqchip_unavailable(const struct suite_setup *s, enum vgic_mode chip,
			       const struct suite_child_end *end,
			       const char *output_line, char *reason,
			       size_t reason_size)
{
	const char *name = vgic_mode_name(chip), *why;
	char mode_prefix[32];

	if (end->stop != CHILD_STOP_NONE || end->signaled ||
	    end->code != HV_EXIT_NO_KVM)
		return false;
	if (!output_line || !*output_line) {
		snprintf(
			reason, reason_size,
			"%s unavailable on this host: %s run exited %d without saying why",
			name, suite_vmm_name(s), HV_EXIT_NO_KVM);
		return true;
	}
	snprintf(mode_prefix, sizeof(mode_prefix), "%s: ", name);
	why = skip_prefix(skip_prefix(output_line, "hvcheck: "), mode_prefix);
	snprintf(reason, reason_size, "%s unavailable on this host: %s", name,
		 why);
	return true;
}
