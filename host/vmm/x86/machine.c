// SPDX-License-Identifier: GPL-2.0-only
/* The x86_64 machine of `hvcheck run`: Multiboot2, ACPI, CPUID, vPMU. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array_size.h"
#include "hvcheck_abi.h"
#include "vmm/x86/acpi.h"
#include "vmm/bus.h"
#include "vmm/x86/cpuid.h"
#include "vmm/devices/exitdev.h"
#include "vmm/devices/hostctl.h"
#include "vmm/x86/multiboot2.h"
#include "vmm/machine.h"
#include "vmm/devices/uart.h"
#include "vmm/x86/vcpu.h"
#include "vmm/x86/vpmu_emulated.h"
#include "vmm/vm.h"
#include "vmm/x86/vm.h"
#include "vpmu/filter_policy.h"
#include "vmm/x86/vpmu_kvm.h"

#define RUN_UART_IRQ 4 /* COM1's ISA IRQ */

/* The PMU numbers not given go to KVM as they are. */
_Static_assert(RUN_PMU_UNSET == VPMU_KVM_AS_SUPPORTED,
	       "RUN_PMU_UNSET is vpmu_kvm's AS_SUPPORTED");
_Static_assert(RUN_MAX_MEM_MIB == HV_X86_MAX_RAM_MIB,
	       "--mem's bound is the x86 machine's");

/* Everything one run owns; run_teardown() releases what was made. */
struct run {
	const struct run_options *opts;
	struct run_image *image;
	struct run_serial *serial;
	struct guest_mem mem;
	struct vm vm;
	bool vm_opened;
	struct bus bus; /* initialised first: always destroyed */
	struct uart uart;
	struct exitdev exitdev;
	struct cpuid cpuid;
	enum run_pmu_mode pmu_mode; /* as resolved from opts->pmu */
	struct vpmu_config pmu_cfg; /* the emulated vPMU's */
	struct vcpu_pmu *pmus;	    /* one per vCPU when emulated */
	uint64_t tsc_khz;
	uint64_t perf_caps; /* IA32_PERF_CAPABILITIES under --pmu=kvm */
	struct filter_policy *policies; /* one per --pmu-filter */
	/* emulated: the policies compiled, and the slots the vCPUs see */
	struct filter_x86_rules *filter_rules;
	const struct filter_x86_rules **filter_slots;
	struct vcpu_pmu_filters filters;
	/* --pmu=kvm: each policy's KVM_SET_PMU_EVENT_FILTER argument */
	struct kvm_pmu_event_filter **kvm_filters;
	struct kvm_pmu_event_filter *kvm_no_filter; /* for slot none */
	struct hostctl hostctl;
	struct vcpu *vcpus;
	unsigned int nr_vcpus; /* created so far */
	uint32_t entry;
};

static void run_uart_out(void *opaque, uint8_t byte)
{
	struct run *r = opaque;

	run_serial_out(r->serial, byte);
}

static void run_uart_irq(void *opaque, bool level)
{
	struct run *r = opaque;

	/*
	 * KVM_IRQ_LINE only fails on a VM without an irqchip, and a UART
	 * has no way to report it anyway.
	 */
	vm_irq_line(&r->vm, RUN_UART_IRQ, level);
}

/* Image, ACPI tables and boot information into guest RAM: no KVM yet. */
static int run_prepare_memory(struct run *r)
{
	static const struct mb2_keepout keepout[] = {
		{ HV_X86_BOOTINFO_BASE, HV_X86_BOOTINFO_SIZE,
		  "the boot information" },
		{ HV_X86_ACPI_BASE, HV_X86_ACPI_SIZE, "the ACPI tables" },
	};
	const struct run_options *o = r->opts;
	struct mb2_info_config info = {
		.cmdline = o->cmdline,
		.ram_size = (uint64_t)o->mem_mib << 20,
		.rsdp_size = ACPI_RSDP_SIZE,
	};
	char err[RUN_ERR_SIZE];
	long ret;

	ret = run_image_map(r->image);
	if (ret)
		return ret;
	ret = run_mem_alloc(&r->mem, o->mem_mib);
	if (ret)
		return ret;
	ret = mb2_load(r->image->data, r->image->size, &r->mem, keepout,
		       ARRAY_SIZE(keepout), &r->entry, err, sizeof(err));
	if (ret)
		return run_fail(HV_EXIT_BAD_IMAGE, "%s: %s", o->guest, err);
	ret = acpi_build(&r->mem, HV_X86_ACPI_BASE, HV_X86_ACPI_SIZE, o->smp);
	if (ret < 0)
		return run_fail(HV_EXIT_VMM_ERROR,
				"cannot build the ACPI tables: %s",
				strerror(-ret));
	info.rsdp = vm_gpa_to_hva(&r->mem, HV_X86_ACPI_BASE, ACPI_RSDP_SIZE);
	ret = mb2_build_info(&r->mem, HV_X86_BOOTINFO_BASE,
			     HV_X86_BOOTINFO_SIZE, &info);
	if (ret < 0)
		return run_fail(HV_EXIT_VMM_ERROR,
				"cannot build the Multiboot2 information: %s",
				strerror(-ret));
	return 0;
}

/* Reads every --pmu-filter policy: one that does not parse is bad. */
static int run_load_filters(struct run *r)
{
	const struct run_options *o = r->opts;
	char err[RUN_ERR_SIZE];
	int ret;

	if (!o->nr_pmu_filters)
		return 0;
	r->policies = calloc(o->nr_pmu_filters, sizeof(*r->policies));
	if (!r->policies)
		return run_fail(HV_EXIT_VMM_ERROR, "out of memory");
	for (unsigned int i = 0; i < o->nr_pmu_filters; i++) {
		ret = filter_policy_load(o->pmu_filters[i], FILTER_ARCH_X86,
					 &r->policies[i], err, sizeof(err));
		if (ret)
			return run_fail(ret == -ENOMEM ? HV_EXIT_VMM_ERROR :
							 HV_EXIT_USAGE,
					"run: --pmu-filter %u: %s", i, err);
	}
	return 0;
}

/*
 * Every policy judged as KVM would judge it for the vPMU's vendor: one
 * KVM would refuse is a bad argument, found before the guest starts
 * rather than when a test selects it.
 */
static int run_check_filters(struct run *r, enum filter_vendor vendor)
{
	char why[RUN_ERR_SIZE];
	int ret;

	for (unsigned int i = 0; i < r->opts->nr_pmu_filters; i++) {
		const struct filter_policy *p = &r->policies[i];

		if (p->none)
			continue;
		if (filter_policy_check_vendor(p, vendor, why, sizeof(why)))
			return run_fail(HV_EXIT_USAGE,
					"run: --pmu-filter %u: %s", i, why);
		ret = filter_x86_validate(&p->x86, vendor, NULL, why,
					  sizeof(why));
		if (ret)
			return run_fail(
				HV_EXIT_USAGE,
				"run: --pmu-filter %u: KVM would refuse it: %s: %s",
				i, filter_errno_name(ret), why);
	}
	return 0;
}

/* The initial slot: the first policy, or none without --pmu-filter. */
static uint32_t run_first_filter(const struct run *r)
{
	return r->opts->nr_pmu_filters ? 0 : HV_HOSTCTL_FILTER_NONE;
}

/*
 * The emulated vPMU's filter slots: each policy compiled, kept until
 * the VM ends; the first installed.
 */
static int run_compile_filters(struct run *r)
{
	unsigned int nr = r->opts->nr_pmu_filters;
	char why[RUN_ERR_SIZE];
	int ret;

	r->filters.nr = nr;
	if (nr) {
		r->filter_rules = calloc(nr, sizeof(*r->filter_rules));
		r->filter_slots = calloc(nr, sizeof(*r->filter_slots));
		if (!r->filter_rules || !r->filter_slots)
			return run_fail(HV_EXIT_VMM_ERROR, "out of memory");
	}
	for (unsigned int i = 0; i < nr; i++) {
		if (r->policies[i].none)
			continue;
		ret = filter_x86_compile(&r->policies[i].x86,
					 FILTER_VENDOR_INTEL,
					 &r->filter_rules[i], NULL, why,
					 sizeof(why));
		if (ret)
			return run_fail(HV_EXIT_VMM_ERROR,
					"--pmu-filter %u: %s", i,
					strerror(-ret));
		r->filter_slots[i] = &r->filter_rules[i];
	}
	r->filters.slots = r->filter_slots;
	vcpu_pmu_filters_select(&r->filters, run_first_filter(r));
	return 0;
}

/*
 * The other vCPUs leave KVM_RUN and pick the new filter up on their way
 * back in, as KVM kicks every vCPU when its filter changes.
 */
static void run_kick_other_vcpus(struct run *r)
{
	for (unsigned int i = 0; i < r->nr_vcpus; i++)
		if (r->vcpus[i].id != vcpu_current_id())
			vcpu_kick(&r->vcpus[i]);
}

/*
 * The host-control channel's FILTER_SELECT, on the asking vCPU's thread
 * while the others run: slot is below the number of policies, or none.
 */
static int run_filter_select(void *opaque, uint32_t slot)
{
	struct run *r = opaque;
	char err[RUN_ERR_SIZE];

	if (r->pmu_mode == RUN_PMU_KVM)
		return vpmu_kvm_install_filter(&r->vm,
					       slot == HV_HOSTCTL_FILTER_NONE ?
						       r->kvm_no_filter :
						       r->kvm_filters[slot],
					       err, sizeof(err));
	vcpu_pmu_filters_select(&r->filters, slot);
	run_kick_other_vcpus(r);
	return 0;
}

/*
 * --pmu=kvm: whether this KVM takes filters at all (without
 * --pmu-filter, that only decides whether the guest may select "no
 * filter"), each policy's KVM_SET_PMU_EVENT_FILTER argument built once,
 * so that a FILTER_SELECT, made while the other vCPUs' I/O waits, is the
 * ioctl alone, and the first policy installed.  *can_filter says
 * whether FILTER_SELECT can work.
 */
static int run_kvm_filters(struct run *r, bool *can_filter)
{
	unsigned int nr = r->opts->nr_pmu_filters;
	struct vpmu_kvm_filter_caps caps;
	char err[RUN_ERR_SIZE];
	bool masked = false;
	int ret;

	for (unsigned int i = 0; i < nr; i++)
		masked |= !r->policies[i].none && (r->policies[i].x86.flags &
						   FILTER_FLAG_MASKED_EVENTS);
	ret = vpmu_kvm_filter_caps(&r->vm, masked, &caps, err, sizeof(err));
	*can_filter = !ret && caps.filter;
	if (!ret && !caps.filter && !nr)
		return 0;
	if (!ret)
		ret = vpmu_kvm_filter_build(&caps, NULL, &r->kvm_no_filter, err,
					    sizeof(err));
	if (!ret && nr) {
		r->kvm_filters = calloc(nr, sizeof(*r->kvm_filters));
		if (!r->kvm_filters)
			return run_fail(HV_EXIT_VMM_ERROR, "out of memory");
	}
	for (unsigned int i = 0; !ret && i < nr; i++) {
		const struct filter_policy *p = &r->policies[i];

		ret = vpmu_kvm_filter_build(&caps, p->none ? NULL : &p->x86,
					    &r->kvm_filters[i], err,
					    sizeof(err));
		if (ret == -EOPNOTSUPP)
			return run_fail(HV_EXIT_USAGE,
					"run: --pmu-filter %u: %s", i, err);
	}
	if (!ret && nr)
		ret = vpmu_kvm_install_filter(&r->vm, r->kvm_filters[0], err,
					      sizeof(err));
	if (ret)
		return run_fail(ret == -EOPNOTSUPP ? HV_EXIT_USAGE :
						     HV_EXIT_VMM_ERROR,
				"--pmu=kvm: %s", err);
	return 0;
}

/*
 * ", filter: deny 4 events, fixed bitmap 0x0" for the vPMU line: the
 * policy installed at start (and how many there are), or nothing.
 */
static void run_filter_desc(const struct run *r, char *buf, size_t len)
{
	unsigned int nr = r->opts->nr_pmu_filters;
	const struct filter_x86 *f;
	int n;

	buf[0] = '\0';
	if (!nr)
		return;
	f = &r->policies[0].x86;
	if (r->policies[0].none)
		n = snprintf(buf, len, ", filter: none");
	else
		n = snprintf(
			buf, len,
			", filter: %s %u %sevent%s, fixed bitmap 0x%x",
			f->action == FILTER_ACTION_ALLOW ? "allow" : "deny",
			f->nevents,
			f->flags & FILTER_FLAG_MASKED_EVENTS ? "masked " : "",
			f->nevents == 1 ? "" : "s", f->fixed_bitmap);
	if (nr > 1 && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, " (policy 0 of %u)", nr);
}

/* The emulated vPMU the options describe, or -EINVAL and why. */
static int run_emulated_pmu_config(const struct run_options *o,
				   struct vpmu_config *cfg, char *err,
				   size_t errlen)
{
	vpmu_config_default(cfg);
	if (o->pmu_version != RUN_PMU_UNSET) {
		if (o->pmu_version > 2)
			return run_arg_error(
				err, errlen,
				"--pmu-version %d: the emulated vPMU is version 0, 1 or 2",
				o->pmu_version);
		cfg->version = o->pmu_version;
	}
	if (cfg->version == 0) {
		if (o->pmu_gp > 0 || o->pmu_fixed > 0)
			return run_arg_error(
				err, errlen,
				"--pmu-version 0 is no PMU: it has no counters");
		memset(cfg, 0, sizeof(*cfg));
		return 0;
	}
	if (cfg->version == 1)
		cfg->nr_fixed = 0;
	if (o->pmu_gp != RUN_PMU_UNSET) {
		if (o->pmu_gp < 1 || o->pmu_gp > VPMU_MAX_GP)
			return run_arg_error(
				err, errlen,
				"--pmu-gp-counters %d: the emulated vPMU has 1 to %d",
				o->pmu_gp, VPMU_MAX_GP);
		cfg->nr_gp = o->pmu_gp;
	}
	if (o->pmu_fixed != RUN_PMU_UNSET) {
		if (o->pmu_fixed > (cfg->version < 2 ? 0 : VPMU_MAX_FIXED))
			return run_arg_error(
				err, errlen,
				"--pmu-fixed-counters %d: the emulated vPMU of version %u has 0 to %d",
				o->pmu_fixed, cfg->version,
				cfg->version < 2 ? 0 : VPMU_MAX_FIXED);
		cfg->nr_fixed = o->pmu_fixed;
	}
	return 0;
}

/* The vPMU line's description of the model in r->pmu_cfg. */
static void run_model_desc(const struct run *r, char *buf, size_t len)
{
	const struct vpmu_config *c = &r->pmu_cfg;

	if (r->pmu_mode == RUN_PMU_OFF)
		snprintf(
			buf, len,
			"no PMU, hvcheck's model (KVM has no vPMU to disable)");
	else if (!c->version)
		snprintf(buf, len, "version 0: no PMU");
	else
		snprintf(buf, len,
			 "version %u, %u GP and %u fixed counters of %u bits",
			 c->version, c->nr_gp, c->nr_fixed, c->width);
}

/*
 * hvcheck's own vPMU model of r->pmu_cfg on KVM (version 0: no PMU):
 * every PMU MSR exits to it, the guest CPUID says what it is, the
 * vCPUs get one model each.
 */
static int run_setup_model(struct run *r)
{
	char host_vendor[CPUID_VENDOR_SIZE], vendor[64] = "";
	char desc[RUN_ERR_SIZE], err[RUN_ERR_SIZE];
	/* a model with no counters never steps: no probe VM for it */
	bool user_stepping = true;
	int ret;

	/* The model is an Intel PMU, whatever the host. */
	ret = run_check_filters(r, FILTER_VENDOR_INTEL);
	if (!ret)
		ret = run_compile_filters(r);
	if (ret)
		return ret;
	ret = vcpu_pmu_vm_setup(&r->vm, &r->tsc_khz);
	if (!ret && r->pmu_cfg.version)
		ret = vcpu_pmu_probe_user_stepping(&r->vm, &user_stepping);
	if (ret)
		return run_fail(HV_EXIT_VMM_ERROR, "emulated vPMU: %s: %s",
				r->vm.failed, strerror(-ret));
	cpuid_vendor(&r->cpuid, host_vendor);
	ret = vcpu_pmu_set_cpuid(&r->cpuid, &r->pmu_cfg, r->tsc_khz,
				 user_stepping);
	if (ret)
		return run_fail(HV_EXIT_VMM_ERROR,
				"emulated vPMU: guest CPUID: %s",
				strerror(-ret));
	r->pmus = calloc(r->opts->smp, sizeof(*r->pmus));
	if (!r->pmus)
		return run_fail(HV_EXIT_VMM_ERROR, "out of memory");
	r->hostctl.filter_select = run_filter_select;
	run_filter_desc(r, err, sizeof(err));
	run_model_desc(r, desc, sizeof(desc));
	if (strcmp(host_vendor, VCPU_PMU_GUEST_VENDOR))
		snprintf(vendor, sizeof(vendor), " (host %s)", host_vendor);
	fprintf(stderr, "hvcheck: vpmu: %s, %s, guest CPU vendor %s%s%s%s\n",
		r->pmu_mode == RUN_PMU_OFF ? "off" : "emulated", desc,
		VCPU_PMU_GUEST_VENDOR, vendor,
		user_stepping ? "" : ", CPL3 not stepped by this KVM", err);
	return 0;
}

/*
 * No PMU for the guest: KVM's disabled where KVM has one; elsewhere
 * KVM's answers to PMU MSRs differ by host (the P6 counters read 0, an
 * AMD host's counters answer), so hvcheck's model of no PMU answers.
 */
static int run_setup_no_pmu(struct run *r)
{
	const struct run_options *o = r->opts;
	char err[RUN_ERR_SIZE];

	if (o->pmu_version != RUN_PMU_UNSET || o->pmu_gp != RUN_PMU_UNSET ||
	    o->pmu_fixed != RUN_PMU_UNSET)
		return run_fail(
			HV_EXIT_USAGE,
			"run: --pmu=off takes no --pmu-version or counter counts");
	if (!vpmu_kvm_available(&r->cpuid)) {
		memset(&r->pmu_cfg, 0, sizeof(r->pmu_cfg));
		return run_setup_model(r);
	}
	if (vpmu_kvm_disable(&r->vm, &r->cpuid, err, sizeof(err)))
		return run_fail(HV_EXIT_VMM_ERROR, "--pmu=off: %s", err);
	fprintf(stderr, "hvcheck: vpmu: off, KVM's disabled\n");
	return 0;
}

/* KVM's in-kernel vPMU, as KVM supports it or narrowed. */
static int run_setup_kvm_pmu(struct run *r)
{
	const struct run_options *o = r->opts;
	const struct vpmu_kvm_limits lim = {
		.version = o->pmu_version,
		.nr_gp = o->pmu_gp,
		.nr_fixed = o->pmu_fixed,
	};
	const struct kvm_cpuid_entry2 *leaf;
	char err[RUN_ERR_SIZE];
	bool can_filter;
	int ret;

	ret = run_check_filters(r, vpmu_kvm_vendor(&r->cpuid));
	if (ret)
		return ret;
	if (vpmu_kvm_narrow_cpuid(&r->cpuid, &lim, err, sizeof(err)))
		return run_fail(HV_EXIT_USAGE, "run: %s", err);
	ret = vpmu_kvm_perf_capabilities(&r->vm, &r->cpuid, &r->perf_caps);
	if (ret)
		return run_fail(HV_EXIT_VMM_ERROR, "--pmu=kvm: %s: %s",
				r->vm.failed, strerror(-ret));
	ret = run_kvm_filters(r, &can_filter);
	if (ret)
		return ret;
	if (can_filter)
		r->hostctl.filter_select = run_filter_select;
	leaf = cpuid_find(&r->cpuid, 0xa, 0);
	run_filter_desc(r, err, sizeof(err));
	fprintf(stderr,
		"hvcheck: vpmu: kvm, version %u, %u GP and %u fixed counters%s\n",
		leaf ? leaf->eax & 0xff : 0, leaf ? (leaf->eax >> 8) & 0xff : 0,
		leaf ? leaf->edx & 0x1f : 0, err);
	return 0;
}

/*
 * Resolves --pmu and makes the VM-wide set-up of the mode, before any
 * vCPU exists; says which mode runs on stderr, for the suite's results.
 */
static int run_setup_pmu(struct run *r)
{
	const struct run_options *o = r->opts;
	char err[RUN_ERR_SIZE];

	r->pmu_mode = o->pmu;
	if (r->pmu_mode == RUN_PMU_AUTO)
		r->pmu_mode = vpmu_kvm_available(&r->cpuid) ? RUN_PMU_KVM :
							      RUN_PMU_EMULATED;
	switch (r->pmu_mode) {
	case RUN_PMU_EMULATED:
		if (run_emulated_pmu_config(o, &r->pmu_cfg, err, sizeof(err)))
			return run_fail(HV_EXIT_USAGE, "run: %s", err);
		return run_setup_model(r);
	case RUN_PMU_KVM:
		return run_setup_kvm_pmu(r);
	default:
		return run_setup_no_pmu(r);
	}
}

static void run_print_pmu_stats(const struct run *r)
{
	for (unsigned int i = 0; r->pmus && i < r->nr_vcpus; i++) {
		const struct vcpu_pmu_stats *st = &r->pmus[i].stats;
		double run_s = st->step_run_ns / 1e9;
		double all_s = (st->step_run_ns + st->step_vmm_ns) / 1e9;

		fprintf(stderr,
			"hvcheck: vpmu stats: vCPU %u: %llu MSR exits, %llu RDPMC emulated, %llu PMIs, %llu steps",
			i, (unsigned long long)st->msr_exits,
			(unsigned long long)st->rdpmc_emulated,
			(unsigned long long)st->pmis,
			(unsigned long long)st->steps);
		if (st->steps && run_s > 0)
			fprintf(stderr,
				" (KVM single-step rate %.0f/s, counted %.0f/s)",
				st->steps / run_s, st->steps / all_s);
		fputc('\n', stderr);
	}
}

static int run_create_machine(struct run *r)
{
	const struct run_options *o = r->opts;
	struct vm *vm = &r->vm;
	int ret;

	r->vm_opened = true;
	ret = run_kvm_open(vm);
	if (ret)
		return ret;
	ret = vm_x86_create(vm, &r->mem);
	if (ret)
		goto err_kvm;

	uart_init(&r->uart, run_uart_out, run_uart_irq, r);
	ret = run_bus_register(&r->bus, BUS_PIO,
			       &(struct bus_region){
				       .base = HV_X86_UART_COM1_PORT,
				       .len = UART_NR_REGS,
				       .max_access = 1,
				       .ops = &uart_bus_ops,
				       .opaque = &r->uart,
				       .name = "COM1",
			       },
			       "COM1");
	if (ret)
		return ret;
	ret = run_exitdev_register(&r->bus, BUS_PIO, HV_X86_EXIT_PORT,
				   &r->exitdev, vm, "the exit device");
	if (ret)
		return ret;

	ret = cpuid_get_supported(vm, &r->cpuid);
	if (ret)
		goto err_kvm;
	cpuid_set_hypervisor(&r->cpuid);
	ret = run_setup_pmu(r);
	if (ret)
		return ret;
	/* Every run has the channel; its features say what works. */
	r->hostctl.opaque = r;
	r->hostctl.filter_count = o->nr_pmu_filters;
	hostctl_init(&r->hostctl, run_first_filter(r));
	ret = run_hostctl_register(&r->bus, BUS_PIO, HV_X86_HOSTCTL_PORT,
				   HV_X86_HOSTCTL_NR_PORTS, &r->hostctl,
				   "the host-control channel");
	if (ret)
		return ret;
	r->vcpus = calloc(o->smp, sizeof(*r->vcpus));
	if (!r->vcpus)
		return run_fail(HV_EXIT_VMM_ERROR, "out of memory");
	for (unsigned int i = 0; i < o->smp; i++) {
		ret = cpuid_set_topology(&r->cpuid, i, o->smp);
		if (ret) {
			vm->failed = "guest CPUID";
			goto err_kvm;
		}
		ret = vcpu_create(&r->vcpus[i], vm, &r->bus, i, &r->cpuid);
		if (ret)
			goto err_kvm;
		r->nr_vcpus++;
		if (r->pmus) {
			ret = vcpu_pmu_init(&r->vcpus[i], &r->pmus[i],
					    &r->pmu_cfg, &r->mem, r->tsc_khz);
			if (!ret) {
				r->pmus[i].stats.timed = o->pmu_stats;
				vcpu_pmu_set_filters(&r->pmus[i], &r->filters);
			}
		} else if (r->pmu_mode == RUN_PMU_KVM)
			ret = vpmu_kvm_set_perf_capabilities(vm, r->vcpus[i].fd,
							     r->perf_caps);
		if (ret)
			goto err_kvm;
	}
	ret = vcpu_set_mb2_entry(&r->vcpus[0], r->entry, HV_X86_BOOTINFO_BASE);
	if (ret)
		goto err_kvm;
	return 0;

err_kvm:
	return run_fail(HV_EXIT_VMM_ERROR, "%s: %s", vm->failed,
			strerror(-ret));
}

static void run_teardown(struct run *r)
{
	for (unsigned int i = 0; i < r->nr_vcpus; i++) {
		if (r->pmus)
			vcpu_pmu_destroy(&r->pmus[i]);
		vcpu_destroy(&r->vcpus[i]);
	}
	free(r->pmus);
	free(r->vcpus);
	for (unsigned int i = 0; r->filter_slots && i < r->filters.nr; i++)
		if (r->filter_slots[i])
			filter_x86_rules_free(&r->filter_rules[i]);
	free(r->filter_slots);
	free(r->filter_rules);
	for (unsigned int i = 0; r->kvm_filters && i < r->opts->nr_pmu_filters;
	     i++)
		free(r->kvm_filters[i]);
	free(r->kvm_filters);
	free(r->kvm_no_filter);
	for (unsigned int i = 0; r->policies && i < r->opts->nr_pmu_filters;
	     i++)
		filter_policy_free(&r->policies[i]);
	free(r->policies);
	cpuid_free(&r->cpuid);
	run_release(&r->bus, r->vm_opened ? &r->vm : NULL, &r->mem);
}

int run_check_options(const struct run_options *opts, char *err, size_t errlen)
{
	if (opts->irqchip)
		return run_arg_error(
			err, errlen,
			"--irqchip is an arm64 option: x86_64 guests get KVM's in-kernel PIC, IOAPIC and LAPICs");
	return 0;
}

int run_machine(const struct run_options *opts, struct run_image *image,
		struct run_serial *serial, struct run_times *times)
{
	struct run r = {
		.opts = opts,
		.image = image,
		.serial = serial,
	};
	int status;

	bus_init(&r.bus);
	status = run_load_filters(&r);
	if (!status)
		status = run_prepare_memory(&r);
	if (!status)
		status = run_create_machine(&r);
	if (!status) {
		status = run_vcpus(&r.vm, r.nr_vcpus, opts->timeout_s,
				   &vcpu_run_ops, r.vcpus);
		times->entry_ns = r.vcpus[0].entry_ns;
		times->stop_ns = r.vm.stop_ns;
		if (opts->pmu_stats)
			run_print_pmu_stats(&r);
	}
	run_teardown(&r);
	return status;
}
