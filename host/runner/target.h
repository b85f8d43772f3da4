/* SPDX-License-Identifier: GPL-2.0-only */
/* Suite targets: the command that boots one test, and how it ended. */
#ifndef RUNNER_TARGET_H
#define RUNNER_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vgic/mode.h"
#include "runner/child.h"
#include "runner/guest_log.h"
#include "runner/manifest.h"

/*
 * The runner's watchdog: when it fires, the child is stopped as in
 * runner/child.h.  hvcheck run enforces --timeout itself and gets a grace
 * period beyond it.  QEMU has no timeout of its own, and SeaBIOS
 * plus GRUB take from 0.5 s (TCG) to over a minute (nested KVM, busy
 * host), so the test's timeout starts when the serial log first grows and
 * the boot before that has its own allowance.
 */
#define SUITE_VMM_GRACE_S	      5
#define SUITE_QEMU_BOOT_ALLOWANCE_S   300
/* arm64 guests boot straight from QEMU's -kernel, with no firmware. */
#define SUITE_KERNEL_BOOT_ALLOWANCE_S 30
/*
 * `hvcheck libvirt boot` keeps those deadlines itself and may then spend
 * LIBVIRT_RECONNECT_S on a lost daemon: the runner waits this much more.
 */
#define SUITE_LIBVIRT_GRACE_S	      25
/*
 * SIGTERM to `hvcheck libvirt boot` (a deadline, Ctrl-C) may find the
 * daemon gone: it reconnects for up to LIBVIRT_RECONNECT_S to destroy
 * the domain before exiting, so SIGKILL comes this long after, not
 * CHILD_TERM_GRACE_S.
 */
#define SUITE_LIBVIRT_TERM_GRACE_S    20

/* File on the per-test disk that ci/grub.cfg looks for and sources. */
#define SUITE_GRUB_SCRIPT_NAME "hvcheck.cfg"

struct suite_setup {
	enum manifest_target target;
	const char *self;  /* the VMM (`self run`): this binary or --vmm */
	const char *guest; /* guest.elf, for TARGET=vmm */
	const char *iso;   /* guest.iso, for TARGET=qemu */
	const char *qemu;  /* QEMU binary */
	bool qemu_kvm;	   /* -accel kvm rather than tcg */
	bool arm64;	   /* an arm64 guest: QEMU virt, -kernel guest.elf */
	/*
	 * --target libvirt: QEMU's entries, each booted by `self libvirt
	 * boot` as a transient domain (target is MANIFEST_TARGET_QEMU)
	 */
	bool libvirt;
	const char *manifest; /* libvirt: what `libvirt boot` reads */
	const char *image;    /* libvirt: the staged guest.iso or guest.elf */
};

/* How a test's child process ended. */
struct suite_child_end {
	/* CHILD_STOP_NONE, or how far the watchdog had to go to stop it */
	enum child_stop_state stop;
	bool output_seen; /* the serial log had grown by then */
	bool signaled;	  /* false and 0 when stuck: there is no status */
	int code;	  /* exit status, or the signal when @signaled */
};

/* "tests=NAME args...", the guest kernel command line of @e. */
char *suite_guest_cmdline(const struct manifest_entry *e);

/*
 * The GRUB script put on a test's disk: it sets the command line that
 * ci/grub.cfg passes to multiboot2.  @cmdline must come from a parsed
 * manifest, which keeps quotes and backslashes out of it.
 */
char *suite_grub_script(const char *cmdline);

/*
 * The arm64 VMM's interrupt controllers, `hvcheck run --irqchip=MODE`, are
 * the board's (enum vgic_mode, named by vgic_mode_name()); the
 * suite runs a set of them, as SUITE_IRQCHIP_BIT()s.
 */
#define SUITE_IRQCHIP_BIT(chip) (1u << (chip))
/*
 * --irqchip's default: kvm-gicv2 is left out because most GICv3 hosts
 * cannot emulate a GICv2 (no GICv2-compatible CPU interface).
 */
#define SUITE_IRQCHIPS_DEFAULT                    \
	(SUITE_IRQCHIP_BIT(VGIC_MODE_KVM_GICV3) | \
	 SUITE_IRQCHIP_BIT(VGIC_MODE_USER_GICV2))

/*
 * Parses a list of irqchip modes, separated by commas or blanks, into
 * SUITE_IRQCHIP_BIT()s.  Returns 0, -EINVAL when the list is empty or a
 * word names no mode, or -ENOMEM.
 */
int suite_irqchip_list(const char *list, unsigned int *chips);

/*
 * The modes of @chips that entry @e runs on: those whose GIC version is
 * both in the entry's gic key and in @gic_versions (MANIFEST_GIC_* bits).
 */
unsigned int suite_irqchips_of(const struct manifest_entry *e,
			       unsigned int chips, unsigned int gic_versions);

/*
 * NULL-terminated argv of `hvcheck run` for @e, with --irqchip=@irqchip
 * unless it is NULL (x86_64); NULL when out of memory.
 */
char **suite_vmm_argv(const struct suite_setup *s,
		      const struct manifest_entry *e, const char *irqchip,
		      const char *log);

/* NULL-terminated argv of QEMU booting the ISO with the test disk @disk. */
char **suite_qemu_argv(const struct suite_setup *s,
		       const struct manifest_entry *e, const char *disk,
		       const char *log);

/*
 * NULL-terminated argv of qemu-system-aarch64 booting guest.elf on the
 * virt machine with GIC version @gic (2 or 3); the guest's status comes
 * out through semihosting.
 */
char **suite_qemu_arm64_argv(const struct suite_setup *s,
			     const struct manifest_entry *e, unsigned int gic,
			     const char *log);

/*
 * NULL-terminated argv of `hvcheck libvirt boot` running @e on @uri as
 * domain hvcheck-@prefix-NAME, on GIC version @gic (arm64; else 0); NULL
 * when out of memory.
 */
char **suite_libvirt_argv(const struct suite_setup *s,
			  const struct manifest_entry *e, unsigned int gic,
			  const char *uri, const char *prefix, const char *log);

/*
 * Whether the run of @s ended in an infrastructure error (libvirt's,
 * LIBVIRT_EXIT_INFRA), a result of status "error", not "fail".
 */
bool suite_infra_error(const struct suite_setup *s,
		       const struct suite_child_end *end);

/* "NAME@gicvN", the name of entry @name's run on GIC version @gic. */
char *suite_run_name(const char *name, unsigned int gic);

/* "NAME@MODE", the name of entry @name's run on the VMM's @chip. */
char *suite_irqchip_run_name(const char *name, enum vgic_mode chip);

void suite_argv_free(char **argv);

/*
 * When the runner kills the child of @e, started at @started_ms, whose
 * serial log first grew at @output_ms (0: not yet).  Milliseconds on the
 * clock of the arguments.
 */
uint64_t suite_deadline_ms(const struct suite_setup *s,
			   const struct manifest_entry *e, uint64_t started_ms,
			   uint64_t output_ms);

/*
 * The basename of @s->self: reasons name the VMM's child "NAME run", as
 * its command line does ("hvcheck run", or another VMM's with --vmm).
 */
const char *suite_vmm_name(const struct suite_setup *s);

/*
 * Decodes how the child ended: the guest's exit status into
 * *@guest_status (returns true), or why there is none into @error
 * (returns false).  @output_line is the child's first line on
 * stdout/stderr, quoted in errors, or NULL.
 */
bool suite_decode_end(const struct suite_setup *s,
		      const struct manifest_entry *e,
		      const struct suite_child_end *end,
		      const struct guest_log *log, const char *output_line,
		      int *guest_status, char *error, size_t error_size);

/*
 * Whether a run of @s on @chip ended by finding that mode unavailable on
 * this host: hvcheck run exits HV_EXIT_NO_KVM when KVM cannot give the
 * guest that irqchip (no vGICv2 on a GICv3 host without GICv2
 * compatibility, no KVM_CAP_ARM_USER_IRQ...).  Then "MODE unavailable on
 * this host: why" goes into @reason, why being @output_line, the child's
 * first line, less its "hvcheck: MODE: " prefix.
 */
bool suite_irqchip_unavailable(const struct suite_setup *s, enum vgic_mode chip,
			       const struct suite_child_end *end,
			       const char *output_line, char *reason,
			       size_t reason_size);

#endif
