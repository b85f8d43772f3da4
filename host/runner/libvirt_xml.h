/* SPDX-License-Identifier: GPL-2.0-only */
/* The libvirt domain XML of one manifest entry, and what it cannot say. */
#ifndef RUNNER_LIBVIRT_XML_H
#define RUNNER_LIBVIRT_XML_H

#include <stdbool.h>
#include <stddef.h>

#include "runner/manifest.h"

/* Domain names start with this, so that leftovers can be told apart. */
#define LIBVIRT_NAME_PREFIX "hvcheck-"

/* What the domain XML of one test run says. */
struct libvirt_domain {
	const char *name;
	bool arm64;	  /* aarch64 virt, direct kernel boot; else x86_64 pc */
	const char *type; /* "kvm", "qemu" (TCG), or the driver's ("test") */
	/*
	 * <cpu mode=...>: "host-passthrough", "maximum", or "custom:MODEL";
	 * NULL writes no <cpu> (the test driver knows no models).
	 */
	const char *cpu;
	bool pmu;	  /* <pmu state='on'> or 'off', always written */
	unsigned int gic; /* arm64: <gic version>, 2 or 3 */
	unsigned int smp; /* <vcpu> */
	unsigned int mem_mib;
	const char *image;   /* x86_64: the GRUB ISO; arm64: guest.elf */
	const char *cmdline; /* the guest's: SMBIOS OEM string or <cmdline> */
	const char *serial_log; /* <log file> of the serial port, or NULL */
};

/*
 * The domain type and CPU of an @arm64 guest when the connection offers
 * KVM (@kvm) or only TCG: host-passthrough under KVM, as TARGET=qemu's
 * -cpu host; under TCG the CPU TARGET=qemu gives (x86_64 qemu64, whose
 * PMU QEMU turns off; arm64 max, with a PMU).  Sets type, cpu and pmu.
 */
void libvirt_domain_defaults(struct libvirt_domain *d, bool kvm);

/*
 * Applies entry @e's host-side settings to @d: vmm_opts --pmu=off or
 * --pmu=kvm become <pmu state>.  Returns 0, or -EOPNOTSUPP with the reason
 * the entry cannot run under libvirt (its SKIP reason) in @why: a vPMU
 * mode, filter policy, irqchip or other option only hvcheck's VMM has,
 * raw QEMU options, or an entry for the VMM alone.
 */
int libvirt_entry_settings(const struct manifest_entry *e,
			   struct libvirt_domain *d, char *why,
			   size_t why_size);

/*
 * "hvcheck-PREFIX-NAME" with every character but [A-Za-z0-9_.-] of
 * @name made '-'; NULL when out of memory.
 */
char *libvirt_domain_name(const char *prefix, const char *name);

/* The domain XML of @d; NULL when out of memory. */
char *libvirt_domain_xml(const struct libvirt_domain *d);

#endif
