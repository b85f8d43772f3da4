// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the machines' helper kit: serial, vCPUs, devices, teardown. */
#include <errno.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_ioctl.h"
#include "hvcheck_abi.h"
#include "stderr_capture.h"
#include "vmm/machine.h"

static void test_serial_out(void **state)
{
	struct machine_serial serial = { .quiet = true, .file = tmpfile() };
	char buf[16] = { 0 };
	uint64_t first;

	(void)state;
	assert_non_null(serial.file);
	machine_serial_out(&serial, 'o');
	first = serial.first_byte_ns;
	assert_true(first > 0);
	machine_serial_out(&serial, 'k');
	machine_serial_out(&serial, '\n');
	assert_int_equal(serial.first_byte_ns, first);
	rewind(serial.file);
	assert_int_equal(fread(buf, 1, sizeof(buf), serial.file), 3);
	assert_string_equal(buf, "ok\n");
	fclose(serial.file);
}

/*
 * A line the guest leaves open (a prompt) reaches the file at once,
 * before any newline: what a reader of the file sees (pread(), past
 * stdio's buffer) while the guest waits.
 */
static void test_serial_open_line(void **state)
{
	struct machine_serial serial = { .quiet = true, .file = tmpfile() };
	char buf[16] = { 0 };

	(void)state;
	assert_non_null(serial.file);
	for (const char *c = "=> "; *c; c++)
		machine_serial_out(&serial, (uint8_t)*c);
	assert_int_equal(pread(fileno(serial.file), buf, sizeof(buf), 0), 3);
	assert_string_equal(buf, "=> ");
	fclose(serial.file);
}

/* The cap: its byte ends the run once, the rest is dropped. */
static void test_serial_cap(void **state)
{
	struct machine_serial serial = { .quiet = true,
					 .file = tmpfile(),
					 .max_bytes = 4 };
	char buf[128] = { 0 };
	int capped = 0;

	(void)state;
	assert_non_null(serial.file);
	for (const char *c = "abcdEXIT: STATUS=0\n"; *c; c++)
		capped += machine_serial_out(&serial, (uint8_t)*c);
	assert_int_equal(capped, 1);
	/* nothing past the cap counts, an EXIT line neither */
	assert_int_equal(machine_serial_said(&serial), -1);
	rewind(serial.file);
	assert_true(fread(buf, 1, sizeof(buf) - 1, serial.file) > 0);
	assert_string_equal(buf, "abcd\n" HV_SERIAL_CAPPED_MARKER "4 bytes\n");
	fclose(serial.file);
}

/* No cap: every byte goes out, none ends the run. */
static void test_serial_uncapped(void **state)
{
	struct machine_serial serial = { .quiet = true, .file = tmpfile() };

	(void)state;
	assert_non_null(serial.file);
	for (unsigned int i = 0; i < 100000; i++)
		assert_false(machine_serial_out(&serial, 'x'));
	assert_int_equal(ftell(serial.file), 100000);
	fclose(serial.file);
}

/* A machine of fake vCPUs for machine_run_vcpus(). */
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

static int fake_start(void *vcpus, unsigned int i)
{
	struct fake_machine *m = vcpus;

	if (i == m->fail_start) {
		m->vm->failed = "KVM_RUN";
		return -EAGAIN;
	}
	m->nr_started++;
	if (i == m->stop_on)
		vm_stop(m->vm, 5, i, "vCPU %u: the guest is done", i);
	return 0;
}

static void fake_stop(void *vcpus, unsigned int i)
{
	struct fake_machine *m = vcpus;

	m->stopped[m->nr_stopped++] = i;
}

static int fake_dump_regs(void *vcpus, unsigned int i, FILE *out)
{
	struct fake_machine *m = vcpus;

	(void)out;
	m->dumped = i;
	return 0;
}

static const struct vcpu_array_ops fake_ops = {
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

static void serial_text(struct machine_serial *serial, const char *text)
{
	for (; *text; text++)
		machine_serial_out(serial, *text);
}

/* The guest's "EXIT: STATUS=N" lines, for a power-off without a status. */
static void test_serial_said(void **state)
{
	struct machine_serial serial = { .quiet = true };

	(void)state;
	assert_int_equal(machine_serial_said(&serial), -1);
	/* Not a whole line yet, not at a line's start, not a number. */
	serial_text(&serial, "EXIT: STATUS=0");
	assert_int_equal(machine_serial_said(&serial), -1);
	serial_text(&serial, "x\n  EXIT: STATUS=0\nEXIT: STATUS=\n");
	serial_text(&serial, "EXIT: STATUS=1x\nEXIT: STATUS=-1\n");
	serial_text(&serial, "EXIT: STATUS=256\nexit: status=0\n");
	assert_int_equal(machine_serial_said(&serial), -1);
	/* kvm-unit-tests' line, after a CR LF; the last one counts. */
	serial_text(&serial, "SUMMARY: 3 tests\r\n\nEXIT: STATUS=1\r\n");
	assert_int_equal(machine_serial_said(&serial), 1);
	serial_text(&serial, "EXIT: STATUS=0\n");
	assert_int_equal(machine_serial_said(&serial), 0);
	serial_text(&serial, "EXIT: STATUS=255\n");
	assert_int_equal(machine_serial_said(&serial), 255);
	/* A long line that begins like one is not one. */
	serial_text(&serial, "EXIT: STATUS=0000000000000000000000003\n");
	assert_int_equal(machine_serial_said(&serial), 255);
	serial_text(&serial, "EXIT: STATUS=007\n");
	assert_int_equal(machine_serial_said(&serial), 7);
}

static void test_run_vcpus(void **state)
{
	struct fake_machine m;
	struct vm vm;

	(void)state;
	/* The guest's verdict: every vCPU started, stopped, culprit dumped. */
	open_vm(&vm, &m, FAKE_NONE, 3);
	assert_int_equal(machine_run_vcpus(&vm, 4, 30, &fake_ops, &m), 5);
	assert_int_equal(m.nr_started, 4);
	assert_int_equal(m.nr_stopped, 4);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(m.stopped[i], i);
	assert_int_equal(m.dumped, 3);
	vm_destroy(&vm);

	/* A vCPU that cannot start: only those before it are stopped. */
	open_vm(&vm, &m, 2, FAKE_NONE);
	assert_int_equal(machine_run_vcpus(&vm, 4, 30, &fake_ops, &m),
			 HV_EXIT_VMM_ERROR);
	assert_int_equal(m.nr_stopped, 2);
	assert_string_equal(vm.why,
			    "KVM_RUN: Resource temporarily unavailable");
	assert_int_equal(m.dumped, -1);
	vm_destroy(&vm);

	/* Nobody decides: the timeout does, with vCPU 0's registers. */
	open_vm(&vm, &m, FAKE_NONE, FAKE_NONE);
	assert_int_equal(machine_run_vcpus(&vm, 2, 1, &fake_ops, &m),
			 HV_EXIT_TIMEOUT);
	assert_int_equal(m.nr_stopped, 2);
	assert_string_equal(vm.why,
			    "timeout: the guest did not exit within 1 s");
	assert_int_equal(m.dumped, 0);
	vm_destroy(&vm);
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
	assert_int_equal(machine_bus_register(&bus, BUS_PIO, &uart, "COM1"), 0);
	stderr_end(saved, tmp, said, sizeof(said));
	assert_string_equal(said, "");
	assert_string_equal(bus_find(&bus, BUS_PIO, 0x3ff)->name, "COM1");

	/* The bus's refusal, said the one way every machine says it. */
	saved = stderr_begin(&tmp);
	assert_int_equal(machine_bus_register(&bus, BUS_PIO, &uart, "COM1"),
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
	assert_int_equal(machine_exitdev_register(&bus, BUS_MMIO, 0x9010000,
						  &dev, &vm,
						  "the exit register"),
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
	assert_int_equal(machine_exitdev_register(&bus, BUS_MMIO, 0x9010002,
						  &dev, &vm,
						  "the exit register"),
			 HV_EXIT_VMM_ERROR);
	stderr_end(saved, tmp, said, sizeof(said));
	assert_string_equal(
		said,
		"hvcheck: cannot register the exit register: File exists\n");
	bus_destroy(&bus);
	vm_destroy(&vm);
}

/* A guest status the VMM's verdicts own, written whole, or 63. */
static int exitdev_verdict(uint64_t status, char *why, size_t len)
{
	struct fake_machine m;
	struct exitdev dev;
	struct bus bus;
	struct vm vm;
	int verdict;

	open_vm(&vm, &m, FAKE_NONE, FAKE_NONE);
	bus_init(&bus);
	assert_int_equal(machine_exitdev_register(&bus, BUS_PIO,
						  HV_X86_EXIT_PORT, &dev, &vm,
						  "the exit port"),
			 0);
	assert_int_equal(bus_write(&bus, BUS_PIO, HV_X86_EXIT_PORT, 4, status),
			 0);
	assert_true(vm.stopping);
	verdict = vm.exit_status;
	snprintf(why, len, "%s", vm.why);
	bus_destroy(&bus);
	vm_destroy(&vm);
	return verdict;
}

/* No guest write forges a VMM verdict (123 log capped, 124 timeout...). */
static void test_exitdev_forged(void **state)
{
	char why[sizeof(((struct vm *)0)->why)];

	(void)state;
	assert_int_equal(exitdev_verdict(HV_STATUS_MAX, why, sizeof(why)),
			 HV_STATUS_MAX);
	assert_string_equal(why, "");
	assert_int_equal(exitdev_verdict(HV_EXIT_LOG_CAPPED, why, sizeof(why)),
			 HV_EXIT_VMM_ERROR);
	assert_string_equal(why, "guest exit status 123 out of range (0..63)");
	assert_int_equal(exitdev_verdict(HV_EXIT_TIMEOUT, why, sizeof(why)),
			 HV_EXIT_VMM_ERROR);
	assert_int_equal(exitdev_verdict(64, why, sizeof(why)),
			 HV_EXIT_VMM_ERROR);
	/* Not its low 8 bits: 0x17b is no 123, nor 0x100 a pass. */
	assert_int_equal(exitdev_verdict(0x17b, why, sizeof(why)),
			 HV_EXIT_VMM_ERROR);
	assert_string_equal(why, "guest exit status 379 out of range (0..63)");
	assert_int_equal(exitdev_verdict(0x100, why, sizeof(why)),
			 HV_EXIT_VMM_ERROR);
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
	assert_int_equal(machine_hostctl_register(&bus, BUS_PIO,
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
	assert_int_equal(machine_hostctl_register(
				 &bus, BUS_PIO, HV_X86_HOSTCTL_PORT + 0x20, 4,
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
	struct machine_core core = { 0 };
	struct fake_machine m;
	int fds;

	(void)state;
	/* Everything made: the VM's fd goes, RAM, vCPUs, the bus's regions. */
	open_vm(&core.vm, &m, FAKE_NONE, FAKE_NONE);
	core.vm_opened = true;
	fds = fake_count_open_fds();
	bus_init(&core.bus);
	assert_int_equal(machine_bus_register(&core.bus, BUS_PIO,
					      &(struct bus_region){
						      .base = 0x80,
						      .len = 1,
						      .max_access = 1,
						      .ops = &dummy_ops,
					      },
					      "a port"),
			 0);
	assert_int_equal(machine_mem_alloc(&core.mem, 1), 0);
	assert_int_equal(core.mem.size, 1 << 20);
	/* Room for vCPUs none of which was created: only the room goes. */
	assert_int_equal(machine_vcpus_alloc(&core, 2), 0);
	assert_non_null(core.vcpus);
	assert_int_equal(core.nr_vcpus, 0);
	machine_release(&core);
	assert_int_equal(fake_count_open_fds(), fds - 1);
	assert_int_equal(core.vm.kvm_fd, -1);
	assert_null(core.mem.base);
	assert_null(bus_find(&core.bus, BUS_PIO, 0x80));

	/* A VM never opened is left alone: its zero fds are not KVM's. */
	memset(&core, 0, sizeof(core));
	bus_init(&core.bus);
	fds = fake_count_open_fds();
	machine_release(&core);
	assert_int_equal(fake_count_open_fds(), fds);
	assert_int_equal(core.vm.kvm_fd, 0);
	assert_int_equal(core.vm.vm_fd, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serial_out),
		cmocka_unit_test(test_serial_open_line),
		cmocka_unit_test(test_serial_cap),
		cmocka_unit_test(test_serial_uncapped),
		cmocka_unit_test(test_serial_said),
		cmocka_unit_test(test_run_vcpus),
		cmocka_unit_test(test_bus_register),
		cmocka_unit_test(test_exitdev_register),
		cmocka_unit_test(test_exitdev_forged),
		cmocka_unit_test(test_hostctl_register),
		cmocka_unit_test(test_release),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
