// SPDX-License-Identifier: GPL-2.0-only
/* hvcheck run: boot one guest on KVM and exit with its status. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hvcheck_abi.h"
#include "vmm/acpi.h"
#include "vmm/bus.h"
#include "vmm/cpuid.h"
#include "vmm/exitdev.h"
#include "vmm/hostctl.h"
#include "vmm/mb2.h"
#include "vmm/run.h"
#include "vmm/uart.h"
#include "vmm/vcpu.h"
#include "vmm/vcpu_pmu.h"
#include "vmm/vm.h"
#include "vpmu/filter_policy.h"

#define RUN_KVM_PATH "/dev/kvm"
#define RUN_UART_IRQ 4 /* COM1's ISA IRQ */
#define RUN_ERR_SIZE 256

static const char run_help[] =
	"usage: hvcheck run GUEST [options] [-- guest command line]\n"
	"\n"
	"Boots the Multiboot2 image GUEST on KVM and exits with the status the\n"
	"guest writes to port 0xf4, or with a VMM verdict: 64 bad command\n"
	"line, 65 image refused, 69 no KVM, 70 VMM error, 124 timeout,\n"
	"125 triple fault, 126 KVM internal error, 127 unhandled exit.\n"
	"\n"
	"options:\n"
	"  --smp N          vCPUs, 1..64 (default 1)\n"
	"  --mem MIB        guest RAM in MiB, 1..3072 (default 64)\n"
	"  --timeout S      seconds before the run is stopped, 0 for none\n"
	"                   (default 30)\n"
	"  --serial FILE    also write the guest's serial output to FILE\n"
	"  --quiet          do not copy the serial output to stdout\n"
	"  --timestamps     print boot phase times to stderr\n"
	"  --pmu MODE       the vPMU: auto (default: kvm when KVM offers one,\n"
	"                   else emulated), kvm, emulated or off\n"
	"  --pmu-version N  architectural PMU version: emulated 0..2, kvm up\n"
	"                   to what KVM supports (0: no PMU)\n"
	"  --pmu-gp-counters N     general-purpose counters (emulated: 1..8)\n"
	"  --pmu-fixed-counters N  fixed counters (emulated: 0..3); under kvm\n"
	"                   both up to what KVM supports\n"
	"  --pmu-stats      print the emulated vPMU's exit counts to stderr\n"
	"  --pmu-filter POLICY  a PMU event filter (docs/filter.md): policy\n"
	"                   text, or @FILE; repeatable, up to 16.  The first\n"
	"                   is installed before the guest starts; the guest\n"
	"                   can switch to another by its number (0, 1, ...)\n"
	"                   through the host-control channel (docs/vmm.md)\n"
	"  -h, --help       this text\n";

static int run_arg_error(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int run_arg_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int run_parse_uint(const char *opt, const char *s, unsigned int min,
			  unsigned int max, unsigned int *val, char *err,
			  size_t errlen)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || *s == '-' || v < min || v > max)
		return run_arg_error(err, errlen,
				     "%s: '%s' is not a number from %u to %u",
				     opt, s, min, max);
	*val = v;
	return 0;
}

/*
 * A PMU dimension: any small number here; which ones a vPMU can be is
 * checked when the mode is known.
 */
static int run_parse_int(const char *opt, const char *s, int *val, char *err,
			 size_t errlen)
{
	unsigned int v;
	int ret = run_parse_uint(opt, s, 0, 255, &v, err, errlen);

	if (!ret)
		*val = v;
	return ret;
}

static int run_join_cmdline(struct run_options *opts, int argc, char **argv,
			    char *err, size_t errlen)
{
	size_t len = 0;

	for (int i = 0; i < argc; i++) {
		size_t word = strlen(argv[i]);

		if (len + !!i + word >= sizeof(opts->cmdline))
			return run_arg_error(
				err, errlen,
				"guest command line is longer than %d bytes",
				RUN_MAX_CMDLINE - 1);
		if (i)
			opts->cmdline[len++] = ' ';
		memcpy(opts->cmdline + len, argv[i], word);
		len += word;
	}
	opts->cmdline[len] = '\0';
	return 0;
}

int run_parse_args(int argc, char **argv, struct run_options *opts, char *err,
		   size_t errlen)
{
	static const char *const with_value[] = {
		"--smp",
		"--mem",
		"--timeout",
		"--serial",
		"--pmu",
		"--pmu-version",
		"--pmu-gp-counters",
		"--pmu-fixed-counters",
		"--pmu-filter",
	};
	static const char *const pmu_modes[] = {
		[RUN_PMU_AUTO] = "auto",
		[RUN_PMU_KVM] = "kvm",
		[RUN_PMU_EMULATED] = "emulated",
		[RUN_PMU_OFF] = "off",
	};
	int i, ret;

	memset(opts, 0, sizeof(*opts));
	opts->smp = RUN_DEFAULT_SMP;
	opts->mem_mib = RUN_DEFAULT_MEM_MIB;
	opts->timeout_s = RUN_DEFAULT_TIMEOUT;
	opts->pmu_version = RUN_PMU_UNSET;
	opts->pmu_gp = RUN_PMU_UNSET;
	opts->pmu_fixed = RUN_PMU_UNSET;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *value = NULL, *eq;
		char name[32];
		size_t name_len;

		if (!strcmp(arg, "--")) {
			i++;
			break;
		}
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			opts->help = true;
			return 0;
		}
		if (arg[0] != '-' || !arg[1]) {
			if (opts->guest)
				return run_arg_error(
					err, errlen,
					"more than one guest image ('%s', '%s'); guest command line words go after '--'",
					opts->guest, arg);
			opts->guest = arg;
			continue;
		}
		if (!strcmp(arg, "--quiet")) {
			opts->quiet = true;
			continue;
		}
		if (!strcmp(arg, "--timestamps")) {
			opts->timestamps = true;
			continue;
		}
		if (!strcmp(arg, "--pmu-stats")) {
			opts->pmu_stats = true;
			continue;
		}

		/* --name VALUE or --name=VALUE */
		eq = strchr(arg, '=');
		name_len = eq ? (size_t)(eq - arg) : strlen(arg);
		if (name_len >= sizeof(name))
			return run_arg_error(err, errlen, "unknown option '%s'",
					     arg);
		memcpy(name, arg, name_len);
		name[name_len] = '\0';
		for (size_t k = 0;
		     k < sizeof(with_value) / sizeof(with_value[0]); k++) {
			if (strcmp(name, with_value[k]))
				continue;
			if (eq)
				value = eq + 1;
			else if (i + 1 < argc)
				value = argv[++i];
			else
				return run_arg_error(err, errlen,
						     "%s needs a value", name);
		}
		if (!value)
			return run_arg_error(err, errlen, "unknown option '%s'",
					     arg);

		if (!strcmp(name, "--smp")) {
			ret = run_parse_uint(name, value, 1, RUN_MAX_SMP,
					     &opts->smp, err, errlen);
		} else if (!strcmp(name, "--mem")) {
			ret = run_parse_uint(name, value, 1, HV_X86_MAX_RAM_MIB,
					     &opts->mem_mib, err, errlen);
		} else if (!strcmp(name, "--timeout")) {
			ret = run_parse_uint(name, value, 0, RUN_MAX_TIMEOUT,
					     &opts->timeout_s, err, errlen);
		} else if (!strcmp(name, "--pmu")) {
			ret = run_arg_error(
				err, errlen,
				"--pmu: '%s' is not auto, kvm, emulated or off",
				value);
			for (size_t m = 0;
			     m < sizeof(pmu_modes) / sizeof(pmu_modes[0]);
			     m++) {
				if (!strcmp(value, pmu_modes[m])) {
					opts->pmu = m;
					ret = 0;
				}
			}
		} else if (!strcmp(name, "--pmu-version")) {
			ret = run_parse_int(name, value, &opts->pmu_version,
					    err, errlen);
		} else if (!strcmp(name, "--pmu-gp-counters")) {
			ret = run_parse_int(name, value, &opts->pmu_gp, err,
					    errlen);
		} else if (!strcmp(name, "--pmu-fixed-counters")) {
			ret = run_parse_int(name, value, &opts->pmu_fixed, err,
					    errlen);
		} else if (!strcmp(name, "--pmu-filter")) {
			ret = 0;
			if (opts->nr_pmu_filters == RUN_MAX_PMU_FILTERS)
				ret = run_arg_error(
					err, errlen,
					"--pmu-filter: at most %d policies",
					RUN_MAX_PMU_FILTERS);
			else
				opts->pmu_filters[opts->nr_pmu_filters++] =
					value;
		} else if (!*value) {
			ret = run_arg_error(err, errlen,
					    "--serial needs a file name");
		} else {
			opts->serial_path = value;
			ret = 0;
		}
		if (ret)
			return ret;
	}
	if (!opts->guest)
		return run_arg_error(err, errlen, "no guest image given");
	if (opts->pmu == RUN_PMU_OFF && opts->nr_pmu_filters)
		return run_arg_error(
			err, errlen,
			"--pmu=off has no PMU to filter: drop --pmu-filter");
	return run_join_cmdline(opts, argc - i, argv + i, err, errlen);
}

/* Everything one run owns; run_teardown() releases what was made. */
struct run {
	const struct run_options *opts;
	const void *image;
	size_t image_size;
	struct guest_mem mem;
	FILE *serial;
	struct vm vm;
	bool vm_opened;
	struct bus bus;
	bool bus_ready;
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
	struct hostctl hostctl;
	struct vcpu *vcpus;
	unsigned int nr_vcpus; /* created so far */
	/*
	 * vCPU threads an installed filter may kick: those started, until
	 * the main thread starts joining them (a joined thread's id is
	 * gone).
	 */
	pthread_mutex_t kick_lock;
	unsigned int nr_kickable;
	uint32_t entry;
	uint64_t start_ns;
	uint64_t first_byte_ns;
};

/* One line on stderr; returns status for the caller to hand on. */
static int run_fail(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int run_fail(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("hvcheck: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

static void run_serial_out(void *opaque, uint8_t byte)
{
	struct run *r = opaque;

	if (!r->first_byte_ns)
		r->first_byte_ns = vm_now_ns();
	if (!r->opts->quiet) {
		putchar(byte);
		if (byte == '\n')
			fflush(stdout);
	}
	if (r->serial) {
		fputc(byte, r->serial);
		if (byte == '\n')
			fflush(r->serial);
	}
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

static void run_guest_exit(void *opaque, uint8_t status)
{
	struct run *r = opaque;

	vm_stop(&r->vm, status, VM_NO_VCPU, "%s", "");
}

static int run_map_image(struct run *r)
{
	const char *path = r->opts->guest;
	struct stat st;
	void *image;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return run_fail(HV_EXIT_BAD_IMAGE, "%s: cannot open: %s", path,
				strerror(errno));
	if (fstat(fd, &st) < 0) {
		close(fd);
		return run_fail(HV_EXIT_BAD_IMAGE, "%s: unreadable: %s", path,
				strerror(errno));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return run_fail(HV_EXIT_BAD_IMAGE,
				"%s: unreadable: not a regular file", path);
	}
	r->image_size = st.st_size;
	if (!r->image_size) {
		close(fd);
		return 0;
	}
	image = mmap(NULL, r->image_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (image == MAP_FAILED)
		return run_fail(HV_EXIT_BAD_IMAGE, "%s: unreadable: %s", path,
				strerror(errno));
	r->image = image;
	return 0;
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

	ret = run_map_image(r);
	if (ret)
		return ret;
	ret = vm_mem_alloc(&r->mem, info.ram_size);
	if (ret)
		return run_fail(HV_EXIT_VMM_ERROR,
				"cannot allocate %u MiB of guest memory: %s",
				o->mem_mib, strerror(-ret));
	ret = mb2_load(r->image, r->image_size, &r->mem, keepout,
		       sizeof(keepout) / sizeof(keepout[0]), &r->entry, err,
		       sizeof(err));
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
		/*
		 * A policy is Intel's unless it says otherwise, so only an
		 * AMD one can be told apart from the vPMU's vendor.
		 */
		if (p->vendor == FILTER_VENDOR_AMD &&
		    vendor != FILTER_VENDOR_AMD)
			return run_fail(
				HV_EXIT_USAGE,
				"run: --pmu-filter %u: the policy is for AMD, the vPMU is Intel's",
				i);
		ret = filter_x86_validate(&p->x86, vendor, NULL, why,
					  sizeof(why));
		if (ret)
			return run_fail(
				HV_EXIT_USAGE,
				"run: --pmu-filter %u: KVM would refuse it: %s: %s",
				i, strerrorname_np(-ret), why);
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

/* The policy in slot, as KVM takes it: NULL for no filter. */
static const struct filter_x86 *run_kvm_filter(const struct run *r,
					       uint32_t slot)
{
	if (slot == HV_HOSTCTL_FILTER_NONE || r->policies[slot].none)
		return NULL;
	return &r->policies[slot].x86;
}

/*
 * The other vCPUs leave KVM_RUN and pick the new filter up on their way
 * back in, as KVM kicks every vCPU when its filter changes.
 */
static void run_kick_other_vcpus(struct run *r)
{
	pthread_mutex_lock(&r->kick_lock);
	for (unsigned int i = 0; i < r->nr_kickable; i++)
		if (!pthread_equal(r->vcpus[i].thread, pthread_self()))
			pthread_kill(r->vcpus[i].thread, VCPU_KICK_SIGNAL);
	pthread_mutex_unlock(&r->kick_lock);
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
		return vpmu_kvm_set_filter(&r->vm, run_kvm_filter(r, slot), err,
					   sizeof(err));
	vcpu_pmu_filters_select(&r->filters, slot);
	run_kick_other_vcpus(r);
	return 0;
}

/*
 * --pmu=kvm: whether this KVM takes filters at all (without
 * --pmu-filter, that only decides whether the guest may select "no
 * filter"), every policy's capabilities, and the first policy
 * installed.  *can_filter says whether FILTER_SELECT can work.
 */
static int run_kvm_filters(struct run *r, bool *can_filter)
{
	unsigned int nr = r->opts->nr_pmu_filters;
	char err[RUN_ERR_SIZE];
	int ret;

	ret = vpmu_kvm_filter_supported(&r->vm, NULL, err, sizeof(err));
	*can_filter = !ret;
	if (ret == -EOPNOTSUPP && !nr)
		return 0;
	for (unsigned int i = 0; !ret && i < nr; i++) {
		ret = vpmu_kvm_filter_supported(&r->vm, run_kvm_filter(r, i),
						err, sizeof(err));
		if (ret == -EOPNOTSUPP)
			return run_fail(HV_EXIT_USAGE,
					"run: --pmu-filter %u: %s", i, err);
	}
	if (!ret && nr)
		ret = vpmu_kvm_set_filter(&r->vm, run_kvm_filter(r, 0), err,
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

static int run_setup_emulated_pmu(struct run *r)
{
	char err[RUN_ERR_SIZE];
	bool user_stepping;
	int ret;

	if (run_emulated_pmu_config(r->opts, &r->pmu_cfg, err, sizeof(err)))
		return run_fail(HV_EXIT_USAGE, "run: %s", err);
	/* The model is an Intel PMU, whatever the host. */
	ret = run_check_filters(r, FILTER_VENDOR_INTEL);
	if (!ret)
		ret = run_compile_filters(r);
	if (ret)
		return ret;
	ret = vcpu_pmu_vm_setup(&r->vm, &r->tsc_khz);
	if (ret)
		return run_fail(HV_EXIT_VMM_ERROR, "emulated vPMU: %s: %s",
				r->vm.failed, strerror(-ret));
	ret = vcpu_pmu_probe_user_stepping(&r->vm, &user_stepping);
	if (ret)
		return run_fail(HV_EXIT_VMM_ERROR, "emulated vPMU: %s: %s",
				r->vm.failed, strerror(-ret));
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
	fprintf(stderr,
		"hvcheck: vpmu: emulated, version %u, %u GP and %u fixed counters of %u bits%s%s\n",
		r->pmu_cfg.version, r->pmu_cfg.nr_gp, r->pmu_cfg.nr_fixed,
		r->pmu_cfg.width,
		user_stepping ? "" : ", CPL3 not stepped by this KVM", err);
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
		return run_setup_emulated_pmu(r);
	case RUN_PMU_KVM:
		return run_setup_kvm_pmu(r);
	default:
		if (o->pmu_version != RUN_PMU_UNSET ||
		    o->pmu_gp != RUN_PMU_UNSET || o->pmu_fixed != RUN_PMU_UNSET)
			return run_fail(
				HV_EXIT_USAGE,
				"run: --pmu=off takes no --pmu-version or counter counts");
		if (vpmu_kvm_disable(&r->vm, &r->cpuid, err, sizeof(err)))
			return run_fail(HV_EXIT_VMM_ERROR, "--pmu=off: %s",
					err);
		fprintf(stderr, "hvcheck: vpmu: off\n");
		return 0;
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
	ret = vm_open(vm, RUN_KVM_PATH);
	if (ret)
		return run_fail(HV_EXIT_NO_KVM, "cannot use KVM: %s: %s",
				vm->failed, strerror(-ret));
	ret = vm_create(vm, &r->mem);
	if (ret)
		goto err_kvm;

	bus_init(&r->bus);
	r->bus_ready = true;
	uart_init(&r->uart, run_serial_out, run_uart_irq, r);
	ret = bus_register(&r->bus, BUS_PIO,
			   &(struct bus_region){
				   .base = HV_X86_UART_COM1_PORT,
				   .len = UART_NR_REGS,
				   .max_access = 1,
				   .ops = &uart_bus_ops,
				   .opaque = &r->uart,
				   .name = "COM1",
			   });
	if (ret)
		return run_fail(HV_EXIT_VMM_ERROR, "cannot register COM1: %s",
				strerror(-ret));
	r->exitdev = (struct exitdev){ .on_exit = run_guest_exit, .opaque = r };
	ret = bus_register(&r->bus, BUS_PIO,
			   &(struct bus_region){
				   .base = HV_X86_EXIT_PORT,
				   .len = EXITDEV_NR_PORTS,
				   .max_access = 4,
				   .ops = &exitdev_bus_ops,
				   .opaque = &r->exitdev,
				   .name = "exit",
			   });
	if (ret)
		return run_fail(HV_EXIT_VMM_ERROR,
				"cannot register the exit device: %s",
				strerror(-ret));

	ret = cpuid_get_supported(vm, &r->cpuid);
	if (ret)
		goto err_kvm;
	ret = run_setup_pmu(r);
	if (ret)
		return ret;
	/* Every run has the channel; its features say what works. */
	r->hostctl.opaque = r;
	r->hostctl.filter_count = o->nr_pmu_filters;
	hostctl_init(&r->hostctl, run_first_filter(r));
	ret = bus_register(&r->bus, BUS_PIO,
			   &(struct bus_region){
				   .base = HV_X86_HOSTCTL_PORT,
				   .len = HV_X86_HOSTCTL_NR_PORTS,
				   .max_access = 4,
				   .ops = &hostctl_bus_ops,
				   .opaque = &r->hostctl,
				   .name = "hostctl",
			   });
	if (ret)
		return run_fail(HV_EXIT_VMM_ERROR,
				"cannot register the host-control channel: %s",
				strerror(-ret));
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
			if (!ret)
				vcpu_pmu_set_filters(&r->pmus[i], &r->filters);
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

/* Runs the vCPUs until the guest exits, fails or times out. */
static int run_vcpus(struct run *r)
{
	const struct run_options *o = r->opts;
	struct vm *vm = &r->vm;
	unsigned int started = 0;
	int ret = 0;

	for (; started < r->nr_vcpus; started++) {
		ret = vcpu_start(&r->vcpus[started]);
		if (ret)
			break;
		pthread_mutex_lock(&r->kick_lock);
		r->nr_kickable = started + 1;
		pthread_mutex_unlock(&r->kick_lock);
	}
	if (ret)
		vm_stop(vm, HV_EXIT_VMM_ERROR, VM_NO_VCPU, "%s: %s", vm->failed,
			strerror(-ret));
	else if (!vm_wait_stop(vm, (uint64_t)o->timeout_s * 1000000000))
		vm_stop(vm, HV_EXIT_TIMEOUT, 0,
			"timeout: the guest did not exit within %u s",
			o->timeout_s);
	pthread_mutex_lock(&r->kick_lock);
	r->nr_kickable = 0;
	pthread_mutex_unlock(&r->kick_lock);
	for (unsigned int i = 0; i < started; i++)
		vcpu_stop(&r->vcpus[i]);
	fflush(stdout);

	if (vm->why[0])
		fprintf(stderr, "hvcheck: %s\n", vm->why);
	if (vm->culprit != VM_NO_VCPU &&
	    vcpu_dump_regs(&r->vcpus[vm->culprit], stderr))
		fprintf(stderr, "hvcheck: cannot read vCPU %d registers: %s\n",
			vm->culprit, vm->failed);
	return vm->exit_status;
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
	for (unsigned int i = 0; r->policies && i < r->opts->nr_pmu_filters;
	     i++)
		filter_policy_free(&r->policies[i]);
	free(r->policies);
	cpuid_free(&r->cpuid);
	if (r->bus_ready)
		bus_destroy(&r->bus);
	if (r->vm_opened)
		vm_destroy(&r->vm);
	vm_mem_free(&r->mem);
	if (r->image)
		munmap((void *)r->image, r->image_size);
	if (r->serial)
		fclose(r->serial);
}

static void run_timestamp(const struct run *r, const char *phase, uint64_t ns)
{
	if (ns)
		fprintf(stderr, "hvcheck: timestamp: %s %.3f ms\n", phase,
			(ns - r->start_ns) / 1e6);
}

int run_main(int argc, char **argv)
{
	struct run_options opts;
	struct run r = {
		.opts = &opts,
		.start_ns = vm_now_ns(),
		.kick_lock = PTHREAD_MUTEX_INITIALIZER,
	};
	char err[RUN_ERR_SIZE];
	uint64_t entry_ns = 0, stop_ns = 0;
	int status;

	if (run_parse_args(argc, argv, &opts, err, sizeof(err)))
		return run_fail(HV_EXIT_USAGE,
				"run: %s (see 'hvcheck run --help')", err);
	if (opts.help) {
		fputs(run_help, stdout);
		return 0;
	}
	/* A reader that goes away must not kill the run before its verdict. */
	signal(SIGPIPE, SIG_IGN);
	if (opts.serial_path) {
		r.serial = fopen(opts.serial_path, "we");
		if (!r.serial)
			return run_fail(HV_EXIT_VMM_ERROR,
					"%s: cannot create: %s",
					opts.serial_path, strerror(errno));
	}

	status = run_load_filters(&r);
	if (!status)
		status = run_prepare_memory(&r);
	if (!status)
		status = run_create_machine(&r);
	if (!status) {
		status = run_vcpus(&r);
		entry_ns = r.vcpus[0].entry_ns;
		stop_ns = r.vm.stop_ns;
		if (opts.pmu_stats)
			run_print_pmu_stats(&r);
	}
	run_teardown(&r);

	if (opts.timestamps) {
		run_timestamp(&r, "vmm-start", r.start_ns);
		run_timestamp(&r, "guest-entry", entry_ns);
		run_timestamp(&r, "first-serial-byte", r.first_byte_ns);
		run_timestamp(&r, "exit", stop_ns);
		run_timestamp(&r, "vmm-exit", vm_now_ns());
	}
	return status;
}
