// SPDX-License-Identifier: GPL-2.0-only
/* The libvirt domain XML of one manifest entry, and what it cannot say. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/libvirt_xml.h"
#include "runner/results.h"

void libvirt_domain_defaults(struct libvirt_domain *d, bool kvm)
{
	d->type = kvm ? "kvm" : "qemu";
	if (kvm)
		d->cpu = "host-passthrough";
	else
		d->cpu = d->arm64 ? "maximum" : "custom:qemu64";
	/* QEMU's qemu64 has pmu=off; TCG gives x86 guests no PMU anyway */
	d->pmu = kvm || d->arm64;
}

/* The SKIP reason of vmm_opts word @opt, or NULL when @d can say it. */
static const char *vmm_option(const char *opt, struct libvirt_domain *d)
{
	if (!strcmp(opt, "--pmu=off") || !strcmp(opt, "--pmu=kvm")) {
		d->pmu = !strcmp(opt, "--pmu=kvm");
		return NULL;
	}
	if (!strncmp(opt, "--pmu=", 6))
		return "vPMU mode: libvirt has only <pmu state='on|off'>, not hvcheck's own vPMU";
	if (!strncmp(opt, "--pmu-filter", 12))
		return "PMU event filter policy: libvirt's domain XML has none (KVM_SET_PMU_EVENT_FILTER)";
	if (!strncmp(opt, "--irqchip", 9))
		return "irqchip mode: hvcheck's VMM only; libvirt picks the GIC by <gic version>";
	return "an option of hvcheck's VMM only";
}

int libvirt_entry_settings(const struct manifest_entry *e,
			   struct libvirt_domain *d, char *why, size_t why_size)
{
	for (size_t i = 0; i < e->vmm_opts.count; i++) {
		const char *opt = e->vmm_opts.word[i];
		const char *reason = vmm_option(opt, d);

		if (reason) {
			snprintf(why, why_size, "vmm_opts %s: %s", opt, reason);
			return -EOPNOTSUPP;
		}
	}
	if (e->qemu_opts.count) {
		snprintf(
			why, why_size,
			"qemu_opts %s: raw QEMU options have no libvirt domain XML",
			e->qemu_opts.word[0]);
		return -EOPNOTSUPP;
	}
	/* vmm-only entries with settings libvirt can say run; others not */
	if (!(e->targets & MANIFEST_TARGET_QEMU) && !e->vmm_opts.count) {
		snprintf(why, why_size,
			 "not for TARGET=libvirt (manifest targets: vmm)");
		return -EOPNOTSUPP;
	}
	return 0;
}

char *libvirt_domain_name(const char *prefix, const char *name)
{
	char *out = NULL;

	if (asprintf(&out, LIBVIRT_NAME_PREFIX "%s-%s", prefix, name) < 0)
		return NULL;
	for (char *c = out + strlen(LIBVIRT_NAME_PREFIX); *c; c++) {
		if (!strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-",
			    *c))
			*c = '-';
	}
	return out;
}

/* "<tag attrs>" + escaped @text + "</tag>" on a line of its own. */
static void xml_element(FILE *out, const char *indent, const char *open,
			const char *text, const char *close)
{
	fprintf(out, "%s%s", indent, open);
	xml_text(out, text);
	fprintf(out, "%s\n", close);
}

static void xml_cpu(FILE *out, const struct libvirt_domain *d)
{
	if (!d->cpu)
		return;
	if (strncmp(d->cpu, "custom:", 7)) {
		fprintf(out, "  <cpu mode='%s'/>\n", d->cpu);
		return;
	}
	fputs("  <cpu mode='custom' match='exact'>\n", out);
	xml_element(out, "    ", "<model fallback='forbid'>", d->cpu + 7,
		    "</model>");
	fputs("  </cpu>\n", out);
}

/*
 * <os> and <features>.  x86_64 boots the GRUB ISO, whose grub.cfg takes
 * the command line from the one SMBIOS OEM string (type 11); arm64 boots
 * guest.elf directly, on a device tree (no <acpi/>).
 */
static void xml_os(FILE *out, const struct libvirt_domain *d)
{
	if (!d->arm64) {
		fputs("  <sysinfo type='smbios'>\n    <oemStrings>\n", out);
		xml_element(out, "      ", "<entry>", d->cmdline, "</entry>");
		fputs("    </oemStrings>\n  </sysinfo>\n", out);
	}
	fputs("  <os>\n", out);
	fprintf(out, "    <type arch='%s' machine='%s'>hvm</type>\n",
		d->arm64 ? "aarch64" : "x86_64", d->arm64 ? "virt" : "pc");
	if (d->arm64) {
		xml_element(out, "    ", "<kernel>", d->image, "</kernel>");
		xml_element(out, "    ", "<cmdline>", d->cmdline, "</cmdline>");
	} else {
		fputs("    <boot dev='cdrom'/>\n    <smbios mode='sysinfo'/>\n",
		      out);
	}
	fputs("  </os>\n  <features>\n", out);
	if (d->arm64)
		fprintf(out, "    <gic version='%u'/>\n", d->gic);
	else
		fputs("    <acpi/>\n    <apic/>\n", out);
	fprintf(out, "    <pmu state='%s'/>\n  </features>\n",
		d->pmu ? "on" : "off");
}

/* The ISO as an IDE cdrom, the serial port on a PTY, nothing else. */
static void xml_devices(FILE *out, const struct libvirt_domain *d)
{
	fputs("  <devices>\n", out);
	if (!d->arm64) {
		fputs("    <disk type='file' device='cdrom'>\n"
		      "      <driver name='qemu' type='raw'/>\n",
		      out);
		xml_element(out, "      ", "<source file='", d->image, "'/>");
		fputs("      <target dev='hdc' bus='ide'/>\n"
		      "      <readonly/>\n"
		      "    </disk>\n",
		      out);
	}
	fputs("    <serial type='pty'>\n      <target port='0'/>\n", out);
	if (d->serial_log)
		xml_element(out, "      ", "<log file='", d->serial_log,
			    "' append='off'/>");
	fputs("    </serial>\n"
	      "    <console type='pty'>\n"
	      "      <target type='serial' port='0'/>\n"
	      "    </console>\n"
	      "    <controller type='usb' model='none'/>\n"
	      "    <memballoon model='none'/>\n"
	      "  </devices>\n",
	      out);
}

char *libvirt_domain_xml(const struct libvirt_domain *d)
{
	char *xml = NULL;
	size_t len;
	FILE *out = open_memstream(&xml, &len);

	if (!out)
		return NULL;
	fprintf(out, "<domain type='%s'>\n", d->type);
	xml_element(out, "  ", "<name>", d->name, "</name>");
	fprintf(out,
		"  <memory unit='MiB'>%u</memory>\n"
		"  <vcpu>%u</vcpu>\n",
		d->mem_mib, d->smp);
	xml_os(out, d);
	xml_cpu(out, d);
	/* every end destroys the domain: one deterministic event sequence */
	fputs("  <on_poweroff>destroy</on_poweroff>\n"
	      "  <on_reboot>destroy</on_reboot>\n"
	      "  <on_crash>destroy</on_crash>\n",
	      out);
	xml_devices(out, d);
	fputs("</domain>\n", out);
	if (fclose(out)) {
		free(xml);
		return NULL;
	}
	return xml;
}
