// SPDX-License-Identifier: GPL-2.0-only
/* hvcheck run: boot one guest on KVM and exit with its status. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hvcheck_abi.h"
#include "vmm/machine.h"
#include "vmm/vm.h"

#define RUN_KVM_PATH "/dev/kvm"

static const char run_help[] =
	"usage: hvcheck run GUEST [options] [-- guest command line]\n"
	"\n"
	"Boots GUEST on KVM (x86_64: a Multiboot2 image; arm64: an ELF image\n"
	"on a QEMU virt-like board) and exits with the status the guest\n"
	"writes to its exit port, or with a VMM verdict: 64 bad command\n"
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
	"  -h, --help       this text\n"
	"\n"
	"x86_64 only:\n"
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
	"\n"
	"arm64 only:\n"
	"  --irqchip CHIP   the GIC: kvm-gicv3 (default: KVM's in-kernel\n"
	"                   GICv3), kvm-gicv2, or user-gicv2 (the VMM's own\n"
	"                   GICv2, docs/gic.md)\n";

int run_arg_error(char *err, size_t errlen, const char *fmt, ...)
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
		"--irqchip",
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
		const char *arg = argv[i], *value = NULL, *known = NULL, *eq;
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
			opts->pmu_opt = arg;
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
			known = with_value[k];
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
		if (!strncmp(known, "--pmu", 5))
			opts->pmu_opt = known;

		if (!strcmp(name, "--smp")) {
			ret = run_parse_uint(name, value, 1, RUN_MAX_SMP,
					     &opts->smp, err, errlen);
		} else if (!strcmp(name, "--mem")) {
			ret = run_parse_uint(name, value, 1, RUN_MAX_MEM_MIB,
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
		} else if (!strcmp(name, "--irqchip")) {
			opts->irqchip = value;
			ret = 0;
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
	ret = run_join_cmdline(opts, argc - i, argv + i, err, errlen);
	if (!ret)
		ret = run_check_options(opts, err, errlen);
	return ret;
}

int run_fail(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("hvcheck: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

void run_serial_out(void *serial, uint8_t byte)
{
	struct run_serial *s = serial;

	if (!s->first_byte_ns)
		s->first_byte_ns = vm_now_ns();
	if (!s->quiet) {
		putchar(byte);
		if (byte == '\n')
			fflush(stdout);
	}
	if (s->file) {
		fputc(byte, s->file);
		if (byte == '\n')
			fflush(s->file);
	}
}

int run_image_map(struct run_image *image)
{
	const char *path = image->path;
	struct stat st;
	void *map;
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
	image->size = st.st_size;
	if (!image->size) {
		close(fd);
		return 0;
	}
	map = mmap(NULL, image->size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return run_fail(HV_EXIT_BAD_IMAGE, "%s: unreadable: %s", path,
				strerror(errno));
	image->data = map;
	return 0;
}

int run_mem_alloc(struct guest_mem *mem, unsigned int mem_mib)
{
	int ret = vm_mem_alloc(mem, (uint64_t)mem_mib << 20);

	if (ret)
		return run_fail(HV_EXIT_VMM_ERROR,
				"cannot allocate %u MiB of guest memory: %s",
				mem_mib, strerror(-ret));
	return 0;
}

int run_kvm_open(struct vm *vm)
{
	int ret = vm_open(vm, RUN_KVM_PATH);

	if (ret)
		return run_fail(HV_EXIT_NO_KVM, "cannot use KVM: %s: %s",
				vm->failed, strerror(-ret));
	return 0;
}

int run_bus_register(struct bus *bus, enum bus_space space,
		     const struct bus_region *region, const char *what)
{
	int ret = bus_register(bus, space, region);

	if (ret)
		return run_fail(HV_EXIT_VMM_ERROR, "cannot register %s: %s",
				what, strerror(-ret));
	return 0;
}

static void run_guest_exit(void *vm, uint8_t status)
{
	vm_stop(vm, status, VM_NO_VCPU, "%s", "");
}

int run_exitdev_register(struct bus *bus, enum bus_space space, uint64_t base,
			 struct exitdev *exitdev, struct vm *vm,
			 const char *what)
{
	*exitdev = (struct exitdev){ .on_exit = run_guest_exit, .opaque = vm };
	return run_bus_register(bus, space,
				&(struct bus_region){
					.base = base,
					.len = EXITDEV_NR_PORTS,
					.max_access = 4,
					.ops = &exitdev_bus_ops,
					.opaque = exitdev,
					.name = "exit",
				},
				what);
}

int run_hostctl_register(struct bus *bus, enum bus_space space, uint64_t base,
			 uint64_t len, struct hostctl *hostctl,
			 const char *what)
{
	return run_bus_register(bus, space,
				&(struct bus_region){
					.base = base,
					.len = len,
					.max_access = 4,
					.ops = &hostctl_bus_ops,
					.opaque = hostctl,
					.name = "host-control",
				},
				what);
}

void run_release(struct bus *bus, struct vm *vm, struct guest_mem *mem)
{
	bus_destroy(bus);
	if (vm)
		vm_destroy(vm);
	vm_mem_free(mem);
}

int run_vcpus(struct vm *vm, unsigned int nr, unsigned int timeout_s,
	      const struct run_vcpu_ops *ops, void *machine)
{
	unsigned int started = 0;
	int ret = 0;

	for (; started < nr; started++) {
		ret = ops->start(machine, started);
		if (ret)
			break;
	}
	if (ret)
		vm_stop(vm, HV_EXIT_VMM_ERROR, VM_NO_VCPU, "%s: %s", vm->failed,
			strerror(-ret));
	else if (!vm_wait_stop(vm, (uint64_t)timeout_s * 1000000000))
		vm_stop(vm, HV_EXIT_TIMEOUT, 0,
			"timeout: the guest did not exit within %u s",
			timeout_s);
	for (unsigned int i = 0; i < started; i++)
		ops->stop(machine, i);
	fflush(stdout);

	if (vm->why[0])
		fprintf(stderr, "hvcheck: %s\n", vm->why);
	if (vm->culprit != VM_NO_VCPU &&
	    ops->dump_regs(machine, vm->culprit, stderr))
		fprintf(stderr, "hvcheck: cannot read vCPU %d registers: %s\n",
			vm->culprit, vm->failed);
	return vm->exit_status;
}

static void run_timestamp(uint64_t start_ns, const char *phase, uint64_t ns)
{
	if (ns)
		fprintf(stderr, "hvcheck: timestamp: %s %.3f ms\n", phase,
			(ns - start_ns) / 1e6);
}

int run_main(int argc, char **argv)
{
	uint64_t start_ns = vm_now_ns();
	struct run_options opts;
	struct run_serial serial = { 0 };
	struct run_times times = { 0 };
	struct run_image image = { 0 };
	char err[RUN_ERR_SIZE];
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
	serial.quiet = opts.quiet;
	if (opts.serial_path) {
		serial.file = fopen(opts.serial_path, "we");
		if (!serial.file)
			return run_fail(HV_EXIT_VMM_ERROR,
					"%s: cannot create: %s",
					opts.serial_path, strerror(errno));
	}

	image.path = opts.guest;
	status = run_machine(&opts, &image, &serial, &times);
	if (image.data)
		munmap((void *)image.data, image.size);
	if (serial.file)
		fclose(serial.file);

	if (opts.timestamps) {
		run_timestamp(start_ns, "vmm-start", start_ns);
		run_timestamp(start_ns, "guest-entry", times.entry_ns);
		run_timestamp(start_ns, "first-serial-byte",
			      serial.first_byte_ns);
		run_timestamp(start_ns, "exit", times.stop_ns);
		run_timestamp(start_ns, "vmm-exit", vm_now_ns());
	}
	return status;
}
