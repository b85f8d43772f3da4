// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of `hvcheck run`: command line, serial sink, vCPU driving. */
#include <errno.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "array_size.h"
#include "fake_ioctl.h"
#include "hvcheck_abi.h"
#include "vmm/machine.h"

static struct run_options opts;
static char err[256];

#define PARSE(...)                                                     \
	({                                                             \
		char *argv[] = { "run", __VA_ARGS__, NULL };           \
		memset(err, 0, sizeof(err));                           \
		run_parse_args(ARRAY_SIZE(argv) - 1, argv, &opts, err, \
			       sizeof(err));                           \
	})

static void refused(int ret, const char *what)
{
	assert_int_equal(ret, -EINVAL);
	if (!strstr(err, what))
		fail_msg("'%s' not in '%s'", what, err);
}

static void test_defaults(void **state)
{
	(void)state;
	assert_int_equal(PARSE("guest.elf"), 0);
	assert_string_equal(opts.guest, "guest.elf");
	assert_int_equal(opts.smp, 1);
	assert_int_equal(opts.mem_mib, 64);
	assert_int_equal(opts.timeout_s, 30);
	assert_null(opts.serial_path);
	assert_false(opts.quiet);
	assert_false(opts.timestamps);
	assert_false(opts.help);
	assert_string_equal(opts.cmdline, "");
}

static void test_all_options(void **state)
{
	(void)state;
	assert_int_equal(PARSE("--smp", "4", "--mem=128", "--timeout", "0",
			       "g.elf", "--serial=out.log", "--quiet",
			       "--timestamps"),
			 0);
	assert_string_equal(opts.guest, "g.elf");
	assert_int_equal(opts.smp, 4);
	assert_int_equal(opts.mem_mib, 128);
	assert_int_equal(opts.timeout_s, 0);
	assert_string_equal(opts.serial_path, "out.log");
	assert_true(opts.quiet);
	assert_true(opts.timestamps);

	assert_int_equal(PARSE("g.elf", "--smp=64", "--mem", "3072",
			       "--timeout=86400", "--serial", "s"),
			 0);
	assert_int_equal(opts.smp, 64);
	assert_int_equal(opts.mem_mib, HV_X86_MAX_RAM_MIB);
	assert_int_equal(opts.timeout_s, 86400);
	assert_string_equal(opts.serial_path, "s");
}

static void test_guest_cmdline(void **state)
{
	(void)state;
	/* After "--" nothing is an option. */
	assert_int_equal(PARSE("g.elf", "--smp", "2", "--", "tests=selftest",
			       "--smp", "x=1"),
			 0);
	assert_int_equal(opts.smp, 2);
	assert_string_equal(opts.cmdline, "tests=selftest --smp x=1");
	assert_int_equal(PARSE("g.elf", "--"), 0);
	assert_string_equal(opts.cmdline, "");
}

static void test_cmdline_too_long(void **state)
{
	char *word = malloc(RUN_MAX_CMDLINE + 1);

	(void)state;
	memset(word, 'a', RUN_MAX_CMDLINE);
	word[RUN_MAX_CMDLINE] = '\0';
	refused(PARSE("g.elf", "--", word), "longer than 4095 bytes");
	/* Exactly the limit fits. */
	word[RUN_MAX_CMDLINE - 3] = '\0';
	assert_int_equal(PARSE("g.elf", "--", word, "b"), 0);
	assert_int_equal(strlen(opts.cmdline), RUN_MAX_CMDLINE - 1);
	refused(PARSE("g.elf", "--", word, "bc"), "longer than");
	free(word);
}

static void test_help(void **state)
{
	(void)state;
	assert_int_equal(PARSE("--help"), 0);
	assert_true(opts.help);
	assert_int_equal(PARSE("g.elf", "-h", "--bogus"), 0);
	assert_true(opts.help);
}

static void test_bad_arguments(void **state)
{
	(void)state;
	refused(PARSE("--quiet"), "no guest image given");
	refused(PARSE("a.elf", "b.elf"), "more than one guest image");
	refused(PARSE("g.elf", "--frobnicate"),
		"unknown option '--frobnicate'");
	refused(PARSE("g.elf", "-x"), "unknown option '-x'");
	refused(PARSE("g.elf", "--quiet=1"), "unknown option '--quiet=1'");
	refused(PARSE("g.elf", "--smp"), "--smp needs a value");
	refused(PARSE("g.elf", "--smp", "0"),
		"--smp: '0' is not a number from 1 to 64");
	refused(PARSE("g.elf", "--smp", "65"), "--smp: '65'");
	refused(PARSE("g.elf", "--smp=two"), "--smp: 'two'");
	refused(PARSE("g.elf", "--smp=2x"), "--smp: '2x'");
	refused(PARSE("g.elf", "--smp="), "--smp: ''");
	refused(PARSE("g.elf", "--mem", "0"),
		"--mem: '0' is not a number from 1 to 3072");
	refused(PARSE("g.elf", "--mem", "3073"), "--mem: '3073'");
	refused(PARSE("g.elf", "--mem", "-1"), "--mem: '-1'");
	refused(PARSE("g.elf", "--mem", "99999999999999999999"), "--mem");
	refused(PARSE("g.elf", "--timeout", "-5"), "--timeout: '-5'");
	refused(PARSE("g.elf", "--timeout", "1.5"), "--timeout: '1.5'");
	refused(PARSE("g.elf", "--serial="), "--serial needs a file name");
	/* One line each. */
	assert_null(strchr(err, '\n'));
}

static void test_pmu_defaults(void **state)
{
	(void)state;
	assert_int_equal(PARSE("g.elf"), 0);
	assert_int_equal(opts.pmu, RUN_PMU_AUTO);
	assert_int_equal(opts.pmu_version, RUN_PMU_UNSET);
	assert_int_equal(opts.pmu_gp, RUN_PMU_UNSET);
	assert_int_equal(opts.pmu_fixed, RUN_PMU_UNSET);
	assert_false(opts.pmu_stats);
}

static void test_pmu_modes(void **state)
{
	(void)state;
	assert_int_equal(PARSE("g.elf", "--pmu", "emulated"), 0);
	assert_int_equal(opts.pmu, RUN_PMU_EMULATED);
	assert_int_equal(PARSE("g.elf", "--pmu=kvm"), 0);
	assert_int_equal(opts.pmu, RUN_PMU_KVM);
	assert_int_equal(PARSE("g.elf", "--pmu=off"), 0);
	assert_int_equal(opts.pmu, RUN_PMU_OFF);
	/* The last one given wins, auto included. */
	assert_int_equal(PARSE("g.elf", "--pmu=off", "--pmu", "auto"), 0);
	assert_int_equal(opts.pmu, RUN_PMU_AUTO);
}

static void test_pmu_numbers_and_stats(void **state)
{
	(void)state;
	assert_int_equal(PARSE("--pmu-version", "1", "--pmu-gp-counters=8",
			       "g.elf", "--pmu-fixed-counters", "0",
			       "--pmu-stats"),
			 0);
	assert_int_equal(opts.pmu_version, 1);
	assert_int_equal(opts.pmu_gp, 8);
	assert_int_equal(opts.pmu_fixed, 0);
	assert_true(opts.pmu_stats);
	assert_string_equal(opts.guest, "g.elf");
	/* Which numbers a vPMU takes is the mode's business: 0..255 parse. */
	assert_int_equal(PARSE("g.elf", "--pmu-version=0",
			       "--pmu-gp-counters=255",
			       "--pmu-fixed-counters=255"),
			 0);
	assert_int_equal(opts.pmu_version, 0);
	assert_int_equal(opts.pmu_gp, 255);
	assert_int_equal(opts.pmu_fixed, 255);
	assert_false(opts.pmu_stats);
	/* After "--" they are guest words. */
	assert_int_equal(PARSE("g.elf", "--", "--pmu=off", "--pmu-stats"), 0);
	assert_int_equal(opts.pmu, RUN_PMU_AUTO);
	assert_false(opts.pmu_stats);
	assert_string_equal(opts.cmdline, "--pmu=off --pmu-stats");
}

static void test_pmu_bad_arguments(void **state)
{
	(void)state;
	refused(PARSE("g.elf", "--pmu", "emulate"),
		"--pmu: 'emulate' is not auto, kvm, emulated or off");
	refused(PARSE("g.elf", "--pmu=KVM"), "--pmu: 'KVM'");
	refused(PARSE("g.elf", "--pmu="), "--pmu: ''");
	refused(PARSE("g.elf", "--pmu"), "--pmu needs a value");
	refused(PARSE("g.elf", "--pmu-version"), "--pmu-version needs a value");
	refused(PARSE("g.elf", "--pmu-version", "256"),
		"--pmu-version: '256' is not a number from 0 to 255");
	refused(PARSE("g.elf", "--pmu-version=-1"), "--pmu-version: '-1'");
	refused(PARSE("g.elf", "--pmu-gp-counters", "four"),
		"--pmu-gp-counters: 'four' is not a number from 0 to 255");
	refused(PARSE("g.elf", "--pmu-gp-counters="), "--pmu-gp-counters: ''");
	refused(PARSE("g.elf", "--pmu-fixed-counters", "3x"),
		"--pmu-fixed-counters: '3x' is not a number from 0 to 255");
	refused(PARSE("g.elf", "--pmu-fixed-counters=99999999999"),
		"--pmu-fixed-counters: '99999999999'");
	refused(PARSE("g.elf", "--pmu-stats=1"),
		"unknown option '--pmu-stats=1'");
	refused(PARSE("g.elf", "--pmu-counters=2"),
		"unknown option '--pmu-counters=2'");
	/* Longer than any option name: still one clear line. */
	refused(PARSE("g.elf", "--pmu-fixed-counters-and-then-some=1"),
		"unknown option '--pmu-fixed-counters-and-then-some=1'");
	assert_null(strchr(err, '\n'));
}

static void test_pmu_filters(void **state)
{
	(void)state;
	assert_int_equal(PARSE("g.elf"), 0);
	assert_int_equal(opts.nr_pmu_filters, 0);
	/* Both spellings, in order; the text is not parsed here. */
	assert_int_equal(PARSE("--pmu-filter", "deny;events=instructions",
			       "g.elf", "--pmu-filter=none",
			       "--pmu-filter=@policy.txt", "--pmu=emulated"),
			 0);
	assert_int_equal(opts.nr_pmu_filters, 3);
	assert_string_equal(opts.pmu_filters[0], "deny;events=instructions");
	assert_string_equal(opts.pmu_filters[1], "none");
	assert_string_equal(opts.pmu_filters[2], "@policy.txt");
	/* A value with '=' in it keeps everything after the first. */
	assert_int_equal(PARSE("g.elf", "--pmu-filter=raw=1,0x0,0x0"), 0);
	assert_string_equal(opts.pmu_filters[0], "raw=1,0x0,0x0");
	/* After "--" it is a guest word. */
	assert_int_equal(PARSE("g.elf", "--", "--pmu-filter=none"), 0);
	assert_int_equal(opts.nr_pmu_filters, 0);
}

static void test_pmu_filter_limits(void **state)
{
	char *argv[2 + 2 * (RUN_MAX_PMU_FILTERS + 1) + 1] = { "run", "g.elf" };
	int argc = 2;

	(void)state;
	for (int i = 0; i < RUN_MAX_PMU_FILTERS; i++) {
		argv[argc++] = "--pmu-filter";
		argv[argc++] = "none";
	}
	assert_int_equal(run_parse_args(argc, argv, &opts, err, sizeof(err)),
			 0);
	assert_int_equal(opts.nr_pmu_filters, RUN_MAX_PMU_FILTERS);
	argv[argc++] = "--pmu-filter";
	argv[argc++] = "none";
	refused(run_parse_args(argc, argv, &opts, err, sizeof(err)),
		"--pmu-filter: at most 16 policies");

	refused(PARSE("g.elf", "--pmu-filter"), "--pmu-filter needs a value");
	/* No PMU, nothing to filter; with any other mode it is fine. */
	refused(PARSE("g.elf", "--pmu=off", "--pmu-filter=none"),
		"--pmu=off has no PMU to filter: drop --pmu-filter");
	refused(PARSE("--pmu-filter=none", "g.elf", "--pmu", "off"),
		"--pmu=off has no PMU to filter");
	assert_int_equal(PARSE("g.elf", "--pmu=kvm", "--pmu-filter=none"), 0);
	assert_int_equal(PARSE("g.elf", "--pmu=off", "--pmu=auto",
			       "--pmu-filter=none"),
			 0);
	assert_null(strchr(err, '\n'));
}

static void test_arch_options(void **state)
{
	(void)state;
	/* This is the x86_64 machine: arm64's --irqchip is refused. */
	refused(PARSE("g.elf", "--irqchip=user-gicv2"),
		"--irqchip is an arm64 option");
	refused(PARSE("--irqchip", "kvm-gicv3", "g.elf"),
		"--irqchip is an arm64 option");
	assert_null(strchr(err, '\n'));
	refused(PARSE("g.elf", "--irqchip"), "--irqchip needs a value");
	assert_int_equal(PARSE("g.elf", "--", "--irqchip=kvm-gicv2"), 0);
	assert_null(opts.irqchip);
	/* The last --pmu* option is kept for arm64 to name when refusing. */
	assert_int_equal(PARSE("g.elf"), 0);
	assert_null(opts.pmu_opt);
	assert_int_equal(PARSE("g.elf", "--pmu=kvm"), 0);
	assert_string_equal(opts.pmu_opt, "--pmu");
	assert_int_equal(PARSE("g.elf", "--pmu-filter=none", "--pmu-stats"), 0);
	assert_string_equal(opts.pmu_opt, "--pmu-stats");
	assert_int_equal(PARSE("g.elf", "--pmu-stats", "--pmu-version", "1"),
			 0);
	assert_string_equal(opts.pmu_opt, "--pmu-version");
	assert_int_equal(PARSE("g.elf", "--pmu-fixed-counters=1"), 0);
	assert_string_equal(opts.pmu_opt, "--pmu-fixed-counters");
}

static void test_serial_out(void **state)
{
	struct run_serial serial = { .quiet = true, .file = tmpfile() };
	char buf[16] = { 0 };
	uint64_t first;

	(void)state;
	assert_non_null(serial.file);
	run_serial_out(&serial, 'o');
	first = serial.first_byte_ns;
	assert_true(first > 0);
	run_serial_out(&serial, 'k');
	run_serial_out(&serial, '\n');
	assert_int_equal(serial.first_byte_ns, first);
	rewind(serial.file);
	assert_int_equal(fread(buf, 1, sizeof(buf), serial.file), 3);
	assert_string_equal(buf, "ok\n");
	fclose(serial.file);
}

/* A machine of fake vCPUs for run_vcpus(). */
struct fake_machine {
	struct vm *vm;
	unsigned int fail_start; /* this one's start fails */
	unsigned int stop_on;	 /* this one's start decides the run */
	unsigned int nr_started;
	unsigned int stopped[8]; /* stop order */
	unsigned int nr_stopped;
	int dumped;
};

#define FAKE_NONE 99

static int fake_start(void *machine, unsigned int i)
{
	struct fake_machine *m = machine;

	if (i == m->fail_start) {
		m->vm->failed = "KVM_RUN";
		return -EAGAIN;
	}
	m->nr_started++;
	if (i == m->stop_on)
		vm_stop(m->vm, 5, i, "vCPU %u: the guest is done", i);
	return 0;
}

static void fake_stop(void *machine, unsigned int i)
{
	struct fake_machine *m = machine;

	m->stopped[m->nr_stopped++] = i;
}

static int fake_dump_regs(void *machine, unsigned int i, FILE *out)
{
	struct fake_machine *m = machine;

	(void)out;
	m->dumped = i;
	return 0;
}

static const struct run_vcpu_ops fake_ops = {
	.start = fake_start,
	.stop = fake_stop,
	.dump_regs = fake_dump_regs,
};

static void open_vm(struct vm *vm, struct fake_machine *m,
		    unsigned int fail_start, unsigned int stop_on)
{
	fake_ioctl_reset();
	fake_ioctl_expect(KVM_GET_API_VERSION, KVM_API_VERSION);
	assert_int_equal(vm_open(vm, "/dev/null"), 0);
	*m = (struct fake_machine){
		.vm = vm,
		.fail_start = fail_start,
		.stop_on = stop_on,
		.dumped = -1,
	};
}

static void test_run_vcpus(void **state)
{
	struct fake_machine m;
	struct vm vm;

	(void)state;
	/* The guest's verdict: every vCPU started, stopped, culprit dumped. */
	open_vm(&vm, &m, FAKE_NONE, 3);
	assert_int_equal(run_vcpus(&vm, 4, 30, &fake_ops, &m), 5);
	assert_int_equal(m.nr_started, 4);
	assert_int_equal(m.nr_stopped, 4);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(m.stopped[i], i);
	assert_int_equal(m.dumped, 3);
	vm_destroy(&vm);

	/* A vCPU that cannot start: only those before it are stopped. */
	open_vm(&vm, &m, 2, FAKE_NONE);
	assert_int_equal(run_vcpus(&vm, 4, 30, &fake_ops, &m),
			 HV_EXIT_VMM_ERROR);
	assert_int_equal(m.nr_stopped, 2);
	assert_string_equal(vm.why,
			    "KVM_RUN: Resource temporarily unavailable");
	assert_int_equal(m.dumped, -1);
	vm_destroy(&vm);

	/* Nobody decides: the timeout does, with vCPU 0's registers. */
	open_vm(&vm, &m, FAKE_NONE, FAKE_NONE);
	assert_int_equal(run_vcpus(&vm, 2, 1, &fake_ops, &m), HV_EXIT_TIMEOUT);
	assert_int_equal(m.nr_stopped, 2);
	assert_string_equal(vm.why,
			    "timeout: the guest did not exit within 1 s");
	assert_int_equal(m.dumped, 0);
	vm_destroy(&vm);
}

/* stderr into a temporary file until stderr_end(), which returns it. */
static int stderr_begin(FILE **tmp)
{
	int saved;

	*tmp = tmpfile();
	assert_non_null(*tmp);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fileno(*tmp), STDERR_FILENO), STDERR_FILENO);
	return saved;
}

static void stderr_end(int saved, FILE *tmp, char *buf, size_t len)
{
	size_t n;

	fflush(stderr);
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(buf, 1, len - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
}

static int dummy_read(void *opaque, uint64_t offset, unsigned int size,
		      uint64_t *val)
{
	(void)opaque;
	(void)offset;
	(void)size;
	*val = 0;
	return 0;
}

static const struct bus_ops dummy_ops = { .read = dummy_read };

static void test_bus_register(void **state)
{
	const struct bus_region uart = {
		.base = 0x3f8,
		.len = 8,
		.max_access = 1,
		.ops = &dummy_ops,
		.name = "COM1",
	};
	char said[128];
	struct bus bus;
	FILE *tmp;
	int saved;

	(void)state;
	bus_init(&bus);
	saved = stderr_begin(&tmp);
	assert_int_equal(run_bus_register(&bus, BUS_PIO, &uart, "COM1"), 0);
	stderr_end(saved, tmp, said, sizeof(said));
	assert_string_equal(said, "");
	assert_string_equal(bus_find(&bus, BUS_PIO, 0x3ff)->name, "COM1");

	/* The bus's refusal, said the one way every machine says it. */
	saved = stderr_begin(&tmp);
	assert_int_equal(run_bus_register(&bus, BUS_PIO, &uart, "COM1"),
			 HV_EXIT_VMM_ERROR);
	stderr_end(saved, tmp, said, sizeof(said));
	assert_string_equal(said,
			    "hvcheck: cannot register COM1: File exists\n");
	bus_destroy(&bus);
}

static void test_exitdev_register(void **state)
{
	struct fake_machine m;
	struct exitdev dev;
	char said[128];
	struct bus bus;
	struct vm vm;
	FILE *tmp;
	int saved;

	(void)state;
	open_vm(&vm, &m, FAKE_NONE, FAKE_NONE);
	bus_init(&bus);
	assert_int_equal(run_exitdev_register(&bus, BUS_MMIO, 0x9010000, &dev,
					      &vm, "the exit register"),
			 0);
	assert_int_equal(bus_find(&bus, BUS_MMIO, 0x9010000)->len,
			 EXITDEV_NR_PORTS);

	/* The guest's write is the verdict, with no vCPU to blame. */
	assert_false(vm.stopping);
	assert_int_equal(bus_write(&bus, BUS_MMIO, 0x9010000, 4, 3), 0);
	assert_true(vm.stopping);
	assert_int_equal(vm.exit_status, 3);
	assert_int_equal(vm.culprit, VM_NO_VCPU);
	assert_string_equal(vm.why, "");
	/* The first verdict stands. */
	assert_int_equal(bus_write(&bus, BUS_MMIO, 0x9010003, 1, 4), 0);
	assert_int_equal(vm.exit_status, 3);

	saved = stderr_begin(&tmp);
	assert_int_equal(run_exitdev_register(&bus, BUS_MMIO, 0x9010002, &dev,
					      &vm, "the exit register"),
			 HV_EXIT_VMM_ERROR);
	stderr_end(saved, tmp, said, sizeof(said));
	assert_string_equal(
		said,
		"hvcheck: cannot register the exit register: File exists\n");
	bus_destroy(&bus);
	vm_destroy(&vm);
}

/* The channel answers at its base with 32-bit registers only. */
static void test_hostctl_register(void **state)
{
	struct hostctl hc = { 0 };
	char said[128];
	struct bus bus;
	uint64_t val;
	FILE *tmp;
	int saved;

	(void)state;
	hostctl_init(&hc, HV_HOSTCTL_FILTER_NONE);
	bus_init(&bus);
	assert_int_equal(run_hostctl_register(&bus, BUS_PIO,
					      HV_X86_HOSTCTL_PORT,
					      HV_X86_HOSTCTL_NR_PORTS, &hc,
					      "the host-control channel"),
			 0);
	assert_int_equal(bus_find(&bus, BUS_PIO, HV_X86_HOSTCTL_PORT)->len,
			 HV_X86_HOSTCTL_NR_PORTS);
	assert_int_equal(
		bus_find(&bus, BUS_PIO, HV_X86_HOSTCTL_PORT)->max_access, 4);
	assert_int_equal(bus_read(&bus, BUS_PIO,
				  HV_X86_HOSTCTL_PORT + HV_HOSTCTL_MAGIC, 4,
				  &val),
			 0);
	assert_int_equal(val, HV_HOSTCTL_MAGIC_VALUE);

	saved = stderr_begin(&tmp);
	assert_int_equal(run_hostctl_register(&bus, BUS_PIO,
					      HV_X86_HOSTCTL_PORT + 0x20, 4,
					      &hc, "the host-control channel"),
			 HV_EXIT_VMM_ERROR);
	stderr_end(saved, tmp, said, sizeof(said));
	assert_string_equal(
		said,
		"hvcheck: cannot register the host-control channel: File exists\n");
	bus_destroy(&bus);
}

static void test_release(void **state)
{
	struct guest_mem mem;
	struct fake_machine m;
	struct bus bus;
	struct vm vm;
	int fds;

	(void)state;
	/* Everything made: the VM's fd goes, RAM and the bus's regions. */
	open_vm(&vm, &m, FAKE_NONE, FAKE_NONE);
	fds = fake_count_open_fds();
	bus_init(&bus);
	assert_int_equal(run_bus_register(&bus, BUS_PIO,
					  &(struct bus_region){
						  .base = 0x80,
						  .len = 1,
						  .max_access = 1,
						  .ops = &dummy_ops,
					  },
					  "a port"),
			 0);
	assert_int_equal(vm_mem_alloc(&mem, 1 << 20), 0);
	run_release(&bus, &vm, &mem);
	assert_int_equal(fake_count_open_fds(), fds - 1);
	assert_int_equal(vm.kvm_fd, -1);
	assert_null(mem.base);
	assert_null(bus_find(&bus, BUS_PIO, 0x80));

	/* A VM never opened is left alone: its zero fds are not KVM's. */
	memset(&vm, 0, sizeof(vm));
	bus_init(&bus);
	fds = fake_count_open_fds();
	run_release(&bus, NULL, &mem);
	assert_int_equal(fake_count_open_fds(), fds);
	assert_int_equal(vm.kvm_fd, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_all_options),
		cmocka_unit_test(test_guest_cmdline),
		cmocka_unit_test(test_cmdline_too_long),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_pmu_defaults),
		cmocka_unit_test(test_pmu_modes),
		cmocka_unit_test(test_pmu_numbers_and_stats),
		cmocka_unit_test(test_pmu_bad_arguments),
		cmocka_unit_test(test_pmu_filters),
		cmocka_unit_test(test_pmu_filter_limits),
		cmocka_unit_test(test_arch_options),
		cmocka_unit_test(test_serial_out),
		cmocka_unit_test(test_run_vcpus),
		cmocka_unit_test(test_bus_register),
		cmocka_unit_test(test_exitdev_register),
		cmocka_unit_test(test_hostctl_register),
		cmocka_unit_test(test_release),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
