// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the vCPU layer: set-up, entry state, exits, threads. */
#include <errno.h>
#include <linux/kvm.h>
#include <signal.h>
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
#include "vmm/devices/exitdev.h"
#include "vmm/x86/multiboot2.h"
#include "vmm/devices/uart.h"
#include "vmm/x86/vcpu.h"
#include "vmm/x86/vpmu.h"
#include "vmm/x86/vpmu_emulated_vcpu.h"

#define MMAP_SIZE 12288
#define VM_FD	  1000	     /* the fake never looks at it */
#define IO_DATA	  4096	     /* where KVM puts port I/O data in kvm_run */
#define KICK	  SIGUSR1    /* the vCPU threads' kick signal */
#define MSR_DEV	  0x4b564d00 /* a test device's two MSRs */
#define MSR_MARK  0x5a5a5a5a5a5a5a5aULL /* RDMSR data the VMM must replace */

/* One KVM_RUN result the fake hands the vCPU. */
struct exit_step {
	uint32_t reason;
	int err; /* KVM_RUN fails with this errno instead */
	/* KVM_EXIT_IO */
	uint8_t dir;
	uint16_t port;
	uint8_t size;
	uint32_t count;
	/* KVM_EXIT_MMIO */
	uint64_t phys;
	uint32_t len;
	uint8_t is_write;
	/* the data written by the guest (I/O out, MMIO write) */
	uint8_t data[8];
	/* KVM_EXIT_X86_RDMSR / _WRMSR */
	uint32_t msr;
	uint64_t msr_data;
	/* anything else an exit carries */
	void (*fill)(struct kvm_run *run);
};

struct fixture {
	struct vm vm;
	struct bus bus;
	struct uart uart;
	struct exitdev exitdev;
	struct cpuid cpuid;
	struct vcpu vcpu;
	char out[64];
	unsigned int nr_out;
	const struct exit_step *steps;
	unsigned int nr_steps, next;
	uint8_t seen[8][8]; /* data the vCPU left for the guest, per step */
	__typeof__(((struct kvm_run *)0)->msr) seen_msr[8]; /* as left */
	int fds;
	uint64_t msr_regs[2]; /* the test MSR device */
	/* KVM_SET_SIGNAL_MASK as the vCPU thread made it */
	unsigned int nr_sigmask;
	uint32_t sigmask_len;
	sigset_t sigmask;
	int sigmask_fd;
	bool kick_blocked_in_thread;
};

static void fx_output(void *opaque, uint8_t byte)
{
	struct fixture *f = opaque;

	assert_true(f->nr_out < sizeof(f->out));
	f->out[f->nr_out++] = byte;
}

static void fx_exit(void *opaque, uint64_t status)
{
	struct fixture *f = opaque;

	vm_stop(&f->vm, (int)status, VM_NO_VCPU, "%s", "");
}

/* MSR 0 is read/write, MSR 1 read-only: a write raises #GP. */
static int fx_msr_read(void *opaque, uint64_t offset, unsigned int size,
		       uint64_t *val)
{
	struct fixture *f = opaque;

	assert_int_equal(size, 8);
	*val = f->msr_regs[offset];
	return 0;
}

static int fx_msr_write(void *opaque, uint64_t offset, unsigned int size,
			uint64_t val)
{
	struct fixture *f = opaque;

	assert_int_equal(size, 8);
	if (offset == 1)
		return -EPERM;
	f->msr_regs[offset] = val;
	return 0;
}

static const struct bus_ops fx_msr_ops = {
	.read = fx_msr_read,
	.write = fx_msr_write,
};

static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	f.vcpu.fd = -1;
	f.fds = fake_count_open_fds();
	fake_ioctl_reset();
	fake_ioctl_expect(KVM_GET_API_VERSION, KVM_API_VERSION);
	assert_int_equal(vm_open(&f.vm, "/dev/null"), 0);
	f.vm.vm_fd = VM_FD;
	f.vm.run_mmap_size = MMAP_SIZE;

	bus_init(&f.bus);
	uart_init(&f.uart, fx_output, NULL, &f);
	assert_int_equal(bus_register(&f.bus, BUS_PIO,
				      &(struct bus_region){
					      .base = HV_X86_UART_COM1_PORT,
					      .len = UART_NR_REGS,
					      .max_access = 1,
					      .ops = &uart_bus_ops,
					      .opaque = &f.uart,
				      }),
			 0);
	f.exitdev = (struct exitdev){ .on_exit = fx_exit, .opaque = &f };
	assert_int_equal(bus_register(&f.bus, BUS_PIO,
				      &(struct bus_region){
					      .base = HV_X86_EXIT_PORT,
					      .len = EXITDEV_NR_PORTS,
					      .max_access = 4,
					      .ops = &exitdev_bus_ops,
					      .opaque = &f.exitdev,
				      }),
			 0);
	assert_int_equal(bus_register(&f.bus, BUS_MSR,
				      &(struct bus_region){
					      .base = MSR_DEV,
					      .len = 2,
					      .max_access = 8,
					      .ops = &fx_msr_ops,
					      .opaque = &f,
				      }),
			 0);
	f.cpuid.capacity = 4;
	f.cpuid.table =
		calloc(1, sizeof(*f.cpuid.table) +
				  4 * sizeof(f.cpuid.table->entries[0]));
	f.cpuid.table->nent = 1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	vcpu_destroy(&f->vcpu);
	cpuid_free(&f->cpuid);
	bus_destroy(&f->bus);
	f->vm.vm_fd = -1;
	vm_destroy(&f->vm);
	/* Every fd the tests' vCPUs got has been closed. */
	assert_int_equal(fake_count_open_fds(), f->fds);
	return 0;
}

static void create_vcpu(struct fixture *f, int id)
{
	fake_ioctl_reset();
	fake_ioctl_expect(KVM_CREATE_VCPU, FAKE_NEW_FD);
	fake_ioctl_expect(KVM_SET_CPUID2, 0);
	assert_int_equal(
		x86_vcpu_create(&f->vcpu, &f->vm, &f->bus, id, &f->cpuid), 0);
	fake_ioctl_verify();
}

static int check_cpuid_table(int fd, unsigned long request, void *arg,
			     void *ctx)
{
	struct fixture *f = ctx;

	assert_int_equal(fd, f->vcpu.fd);
	assert_int_equal(request, KVM_SET_CPUID2);
	assert_ptr_equal(arg, f->cpuid.table);
	return 0;
}

static void test_create_sequence(void **state)
{
	struct fixture *f = *state;
	int before = fake_count_open_fds();

	fake_ioctl_reset();
	fake_ioctl_expect(KVM_CREATE_VCPU, FAKE_NEW_FD);
	fake_ioctl_expect_fn(KVM_SET_CPUID2, check_cpuid_table, f);
	assert_int_equal(
		x86_vcpu_create(&f->vcpu, &f->vm, &f->bus, 3, &f->cpuid), 0);
	fake_ioctl_verify();
	assert_int_equal(fake_ioctl_nr_calls(), 2);
	assert_int_equal(fake_ioctl_call(0)->fd, VM_FD);
	assert_int_equal(fake_ioctl_call(0)->arg, 3); /* vCPU id = APIC ID */
	assert_int_equal(f->vcpu.id, 3);
	assert_true(f->vcpu.fd >= 0);
	assert_non_null(f->vcpu.run);
	/* The kvm_run mapping is live. */
	f->vcpu.run->exit_reason = 77;
	assert_int_equal(fake_count_open_fds(), before + 1);
	vcpu_destroy(&f->vcpu);
	assert_int_equal(fake_count_open_fds(), before);
	assert_null(f->vcpu.run);
}

static void test_create_fails_cleanly(void **state)
{
	struct fixture *f = *state;
	int before = fake_count_open_fds();

	fake_ioctl_reset();
	fake_ioctl_expect_fail(KVM_CREATE_VCPU, EEXIST);
	assert_int_equal(x86_vcpu_create(&f->vcpu, &f->vm, &f->bus, 0,
					 &f->cpuid),
			 -EEXIST);
	assert_string_equal(f->vm.failed, "KVM_CREATE_VCPU");
	assert_int_equal(fake_count_open_fds(), before);

	fake_ioctl_reset();
	fake_ioctl_expect(KVM_CREATE_VCPU, FAKE_NEW_FD);
	fake_ioctl_expect_fail(KVM_SET_CPUID2, E2BIG);
	assert_int_equal(x86_vcpu_create(&f->vcpu, &f->vm, &f->bus, 0,
					 &f->cpuid),
			 -E2BIG);
	assert_string_equal(f->vm.failed, "KVM_SET_CPUID2");
	assert_int_equal(f->vcpu.fd, -1);
	assert_null(f->vcpu.run);
	assert_int_equal(fake_count_open_fds(), before);
	fake_ioctl_verify();
}

static void check_flat_segment(const struct kvm_segment *s, uint16_t sel,
			       uint8_t type)
{
	assert_int_equal(s->base, 0);
	assert_int_equal(s->limit, 0xffffffff);
	assert_int_equal(s->selector, sel);
	assert_int_equal(s->type, type);
	assert_int_equal(s->present, 1);
	assert_int_equal(s->dpl, 0);
	assert_int_equal(s->db, 1);
	assert_int_equal(s->s, 1);
	assert_int_equal(s->l, 0);
	assert_int_equal(s->g, 1);
	assert_int_equal(s->unusable, 0);
}

static void test_mb2_entry_state(void **state)
{
	struct fixture *f = *state;
	struct kvm_sregs reset = {
		.cr0 = 0x60000010, /* CD | NW | ET, as KVM resets it */
		.tr = { .type = 11, .present = 1, .limit = 0xffff },
		.apic_base = 0xfee00900,
	};
	const struct kvm_sregs *sregs;
	const struct kvm_regs *regs;

	create_vcpu(f, 0);
	fake_ioctl_reset();
	fake_ioctl_expect_out(KVM_GET_SREGS, &reset, sizeof(reset));
	fake_ioctl_expect(KVM_SET_SREGS, 0);
	fake_ioctl_expect(KVM_SET_REGS, 0);
	assert_int_equal(x86_vcpu_set_mb2_entry(&f->vcpu, 0x100010, 0x10000),
			 0);
	fake_ioctl_verify();
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(fake_ioctl_call(i)->fd, f->vcpu.fd);

	sregs = (const void *)fake_ioctl_find(KVM_SET_SREGS, 0)->data;
	check_flat_segment(&sregs->cs, 0x08, 0xb); /* code: execute/read */
	check_flat_segment(&sregs->ds, 0x10, 0x3); /* data: read/write */
	check_flat_segment(&sregs->es, 0x10, 0x3);
	check_flat_segment(&sregs->fs, 0x10, 0x3);
	check_flat_segment(&sregs->gs, 0x10, 0x3);
	check_flat_segment(&sregs->ss, 0x10, 0x3);
	assert_int_equal(sregs->cr0 & 1, 1);	      /* PE */
	assert_int_equal(sregs->cr0 & 0x80000000, 0); /* no paging */
	assert_int_equal(sregs->cr0 & 0x60000000, 0); /* caches on */
	assert_int_equal(sregs->cr4, 0);
	assert_int_equal(sregs->efer, 0);
	/* What KVM gave and Multiboot2 says nothing about stays. */
	assert_int_equal(sregs->tr.type, 11);
	assert_int_equal(sregs->apic_base, 0xfee00900);

	regs = (const void *)fake_ioctl_find(KVM_SET_REGS, 0)->data;
	assert_int_equal(regs->rip, 0x100010);
	assert_int_equal(regs->rax, MB2_BOOTLOADER_MAGIC);
	assert_int_equal(regs->rbx, 0x10000);
	assert_int_equal(regs->rflags, 0x2); /* IF clear */
}

static void test_mb2_entry_fails(void **state)
{
	struct fixture *f = *state;

	create_vcpu(f, 0);
	fake_ioctl_reset();
	fake_ioctl_expect_fail(KVM_GET_SREGS, EIO);
	assert_int_equal(x86_vcpu_set_mb2_entry(&f->vcpu, 0x100000, 0x10000),
			 -EIO);
	assert_string_equal(f->vm.failed, "KVM_GET_SREGS");
	fake_ioctl_verify();
}

/* KVM_RUN: hands out f->steps one by one, like the kernel would. */
static int fake_run(int fd, unsigned long request, void *arg, void *ctx)
{
	struct fixture *f = ctx;
	struct kvm_run *run = f->vcpu.run;
	const struct exit_step *s;

	(void)request;
	(void)arg;
	assert_int_equal(fd, f->vcpu.fd);
	/* The timestamp is taken before the first entry. */
	assert_true(f->vcpu.entry_ns != 0);
	if (f->next) {
		uint8_t *data = run->exit_reason == KVM_EXIT_MMIO ?
					run->mmio.data :
					(uint8_t *)run + IO_DATA;

		memcpy(f->seen[f->next - 1], data, 8);
		f->seen_msr[f->next - 1] = run->msr;
	}
	assert_true(f->next < f->nr_steps);
	s = &f->steps[f->next++];
	if (s->err) {
		if (s->fill)
			s->fill(run);
		errno = s->err;
		return -1;
	}
	memset(run, 0, sizeof(*run));
	run->exit_reason = s->reason;
	if (s->reason == KVM_EXIT_IO) {
		run->io.direction = s->dir;
		run->io.port = s->port;
		run->io.size = s->size;
		run->io.count = s->count ? s->count : 1;
		run->io.data_offset = IO_DATA;
		/* 0x5a marks what the VMM must not touch on an IN. */
		memset((uint8_t *)run + IO_DATA, 0x5a, 64);
		if (s->dir == KVM_EXIT_IO_OUT)
			memcpy((uint8_t *)run + IO_DATA, s->data,
			       sizeof(s->data));
	} else if (s->reason == KVM_EXIT_MMIO) {
		run->mmio.phys_addr = s->phys;
		run->mmio.len = s->len;
		run->mmio.is_write = s->is_write;
		memcpy(run->mmio.data, s->data, sizeof(s->data));
	} else if (s->reason == KVM_EXIT_X86_RDMSR ||
		   s->reason == KVM_EXIT_X86_WRMSR) {
		/* KVM clears error; RDMSR's data is the VMM's to fill. */
		run->msr.index = s->msr;
		run->msr.data = s->reason == KVM_EXIT_X86_RDMSR ? MSR_MARK :
								  s->msr_data;
	}
	if (s->fill)
		s->fill(run);
	return 0;
}

static void run_steps(struct fixture *f, const struct exit_step *steps,
		      unsigned int nr)
{
	create_vcpu(f, 1);
	f->steps = steps;
	f->nr_steps = nr;
	fake_ioctl_reset();
	fake_ioctl_on(KVM_RUN, fake_run, f);
	vcpu_run_loop(&f->vcpu);
	assert_int_equal(f->next, nr);
	assert_true(vm_stopping(&f->vm));
}

#define OUT(p, sz, ...)                                                     \
	{                                                                   \
		.reason = KVM_EXIT_IO, .dir = KVM_EXIT_IO_OUT, .port = (p), \
		.size = (sz), .data = {                                     \
			__VA_ARGS__                                         \
		}                                                           \
	}
#define IN(p, sz)                                                          \
	{                                                                  \
		.reason = KVM_EXIT_IO, .dir = KVM_EXIT_IO_IN, .port = (p), \
		.size = (sz)                                               \
	}
#define GUEST_EXIT(status) OUT(HV_X86_EXIT_PORT, 4, status, 0, 0, 0)

static void test_run_serial_then_exit(void **state)
{
	static const struct exit_step steps[] = {
		IN(0x3fd, 1), /* poll LSR */
		OUT(0x3f8, 1, 'o'),
		OUT(0x3f8, 1, 'k'),
		GUEST_EXIT(42),
	};
	struct fixture *f = *state;

	run_steps(f, steps, 4);
	assert_int_equal(f->seen[0][0], UART_LSR_THRE | UART_LSR_TEMT);
	assert_int_equal(f->nr_out, 2);
	assert_memory_equal(f->out, "ok", 2);
	/* The outl to the exit port is the status. */
	assert_int_equal(f->vm.exit_status, 42);
	assert_int_equal(f->vm.culprit, VM_NO_VCPU);
	assert_string_equal(f->vm.why, "");
}

static void test_run_string_io(void **state)
{
	static const struct exit_step steps[] = {
		{ .reason = KVM_EXIT_IO,
		  .dir = KVM_EXIT_IO_OUT,
		  .port = 0x3f8,
		  .size = 1,
		  .count = 3,
		  .data = { 'a', 'b', 'c' } },
		{ .reason = KVM_EXIT_IO,
		  .dir = KVM_EXIT_IO_IN,
		  .port = 0x3ff,
		  .size = 1,
		  .count = 2 },
		GUEST_EXIT(0),
	};
	struct fixture *f = *state;

	f->uart.scr = 0x33;
	run_steps(f, steps, 3);
	assert_int_equal(f->nr_out, 3);
	assert_memory_equal(f->out, "abc", 3);
	/* rep insb filled both bytes, and no more. */
	assert_int_equal(f->seen[1][0], 0x33);
	assert_int_equal(f->seen[1][1], 0x33);
	assert_int_equal(f->seen[1][2], 0x5a);
}

static void test_run_unassigned_io(void **state)
{
	static const struct exit_step steps[] = {
		IN(0x80, 2),
		OUT(0x80, 1, 0x12),
		IN(0x61, 4),
		GUEST_EXIT(0),
	};
	struct fixture *f = *state;

	run_steps(f, steps, 4);
	assert_memory_equal(f->seen[0], "\xff\xff\x5a", 3);
	assert_memory_equal(f->seen[2], "\xff\xff\xff\xff\x5a", 5);
	assert_int_equal(f->vm.exit_status, 0);
}

static void test_run_unassigned_mmio(void **state)
{
	static const struct exit_step steps[] = {
		{ .reason = KVM_EXIT_MMIO,
		  .phys = 0xd0000000,
		  .len = 4,
		  .data = { 1, 2, 3, 4, 5, 6, 7, 8 } },
		{ .reason = KVM_EXIT_MMIO,
		  .phys = 0xd0000000,
		  .len = 8,
		  .is_write = 1,
		  .data = { 1 } },
		{ .reason = KVM_EXIT_MMIO, .phys = 0xd0000000, .len = 2 },
		/* No bus access is 3 bytes wide: still all-ones. */
		{ .reason = KVM_EXIT_MMIO, .phys = 0xd0000000, .len = 3 },
		GUEST_EXIT(5),
	};
	struct fixture *f = *state;

	run_steps(f, steps, 5);
	/* Reads of nothing are all-ones, of the access width only. */
	assert_memory_equal(f->seen[0], "\xff\xff\xff\xff\x05\x06", 6);
	assert_memory_equal(f->seen[2], "\xff\xff\x00", 3);
	assert_memory_equal(f->seen[3], "\xff\xff\xff\x00", 4);
	assert_int_equal(f->vm.exit_status, 5);
}

static void test_run_eintr_is_retried(void **state)
{
	static const struct exit_step steps[] = {
		{ .err = EINTR },
		{ .err = EAGAIN },
		GUEST_EXIT(1),
	};
	struct fixture *f = *state;

	run_steps(f, steps, 3);
	assert_int_equal(f->vm.exit_status, 1);
}

static void test_run_kvm_run_fails(void **state)
{
	static const struct exit_step steps[] = { { .err = EFAULT } };
	struct fixture *f = *state;

	run_steps(f, steps, 1);
	assert_int_equal(f->vm.exit_status, HV_EXIT_VMM_ERROR);
	assert_int_equal(f->vm.culprit, VM_NO_VCPU);
	assert_string_equal(f->vm.why, "vCPU 1: KVM_RUN: Bad address");
}

static void test_run_triple_fault(void **state)
{
	static const struct exit_step steps[] = {
		{ .reason = KVM_EXIT_SHUTDOWN },
	};
	struct fixture *f = *state;

	run_steps(f, steps, 1);
	assert_int_equal(f->vm.exit_status, HV_EXIT_TRIPLE_FAULT);
	assert_int_equal(f->vm.culprit, 1);
	assert_string_equal(f->vm.why,
			    "vCPU 1: triple fault (KVM_EXIT_SHUTDOWN)");
}

static void fill_internal_error(struct kvm_run *run)
{
	run->internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
	run->internal.ndata = 2;
	run->internal.data[0] = 0xabc;
	run->internal.data[1] = 0x10;
}

static void test_run_internal_error(void **state)
{
	static const struct exit_step steps[] = {
		{ .reason = KVM_EXIT_INTERNAL_ERROR,
		  .fill = fill_internal_error },
	};
	struct fixture *f = *state;

	run_steps(f, steps, 1);
	assert_int_equal(f->vm.exit_status, HV_EXIT_INTERNAL_ERROR);
	assert_int_equal(f->vm.culprit, 1);
	assert_string_equal(
		f->vm.why,
		"vCPU 1: KVM internal error (KVM_EXIT_INTERNAL_ERROR): instruction emulation failed, suberror 1, data 0xabc 0x10");
}

static void fill_fail_entry(struct kvm_run *run)
{
	run->fail_entry.hardware_entry_failure_reason = 0x80000021;
	run->fail_entry.cpu = 1;
}

static void test_run_fail_entry(void **state)
{
	static const struct exit_step steps[] = {
		{ .reason = KVM_EXIT_FAIL_ENTRY, .fill = fill_fail_entry },
	};
	struct fixture *f = *state;

	run_steps(f, steps, 1);
	assert_int_equal(f->vm.exit_status, HV_EXIT_INTERNAL_ERROR);
	assert_int_equal(f->vm.culprit, 1);
	assert_non_null(strstr(f->vm.why, "KVM_EXIT_FAIL_ENTRY"));
	assert_non_null(strstr(f->vm.why, "0x80000021"));
}

static void test_run_unhandled_exit(void **state)
{
	static const struct exit_step hlt[] = { { .reason = KVM_EXIT_HLT } };
	static const struct exit_step odd[] = { { .reason = 1000 } };
	struct fixture *f = *state;

	run_steps(f, hlt, 1);
	assert_int_equal(f->vm.exit_status, HV_EXIT_UNHANDLED);
	assert_int_equal(f->vm.culprit, 1);
	assert_string_equal(f->vm.why,
			    "vCPU 1: unhandled exit 5 (KVM_EXIT_HLT)");

	vcpu_destroy(&f->vcpu);
	f->next = 0;
	f->vm.stopping = false;
	run_steps(f, odd, 1);
	assert_string_equal(f->vm.why,
			    "vCPU 1: unhandled exit 1000 (unknown to hvcheck)");
}

static void fill_bad_io_offset(struct kvm_run *run)
{
	run->io.data_offset = MMAP_SIZE - 1;
	run->io.size = 4;
}

static void test_run_io_outside_kvm_run(void **state)
{
	static const struct exit_step steps[] = {
		{ .reason = KVM_EXIT_IO,
		  .dir = KVM_EXIT_IO_IN,
		  .port = 0x3f8,
		  .size = 4,
		  .fill = fill_bad_io_offset },
	};
	struct fixture *f = *state;

	run_steps(f, steps, 1);
	assert_int_equal(f->vm.exit_status, HV_EXIT_VMM_ERROR);
	assert_non_null(strstr(f->vm.why, "outside kvm_run"));
}

#define RDMSR(i)                                         \
	{                                                \
		.reason = KVM_EXIT_X86_RDMSR, .msr = (i) \
	}
#define WRMSR(i, v)                                                       \
	{                                                                 \
		.reason = KVM_EXIT_X86_WRMSR, .msr = (i), .msr_data = (v) \
	}

static void test_run_msr_to_bus(void **state)
{
	static const struct exit_step steps[] = {
		WRMSR(MSR_DEV, 0x1122334455667788ULL),
		RDMSR(MSR_DEV),
		WRMSR(MSR_DEV + 1, 5), /* the device refuses */
		RDMSR(MSR_DEV + 1),
		RDMSR(0x12345), /* no device */
		WRMSR(0x12345, 1),
		RDMSR(0xc1), /* IA32_PMC0 without a vPMU: nothing there */
		GUEST_EXIT(0),
	};
	struct fixture *f = *state;

	f->msr_regs[1] = 0xabcd;
	run_steps(f, steps, 8);
	assert_int_equal(f->vm.exit_status, 0);
	assert_int_equal(f->msr_regs[0], 0x1122334455667788ULL);
	assert_int_equal(f->seen_msr[0].error, 0);
	assert_int_equal(f->seen_msr[1].error, 0);
	assert_int_equal(f->seen_msr[1].data, 0x1122334455667788ULL);
	/* A refused write: #GP (error), the register unchanged. */
	assert_int_equal(f->seen_msr[2].error, 1);
	assert_int_equal(f->msr_regs[1], 0xabcd);
	assert_int_equal(f->seen_msr[3].error, 0);
	assert_int_equal(f->seen_msr[3].data, 0xabcd);
	/* Nothing there: #GP both ways, no data made up. */
	for (unsigned int i = 4; i < 7; i++) {
		assert_int_equal(f->seen_msr[i].error, 1);
		assert_int_equal(f->seen_msr[i].index, steps[i].msr);
	}
	assert_int_equal(f->seen_msr[4].data, MSR_MARK);
	assert_int_equal(f->seen_msr[6].data, MSR_MARK);
}

/* With an emulated vPMU its MSRs go to the model, the others still not. */
static void test_run_msr_to_vpmu(void **state)
{
	static const struct exit_step steps[] = {
		RDMSR(0x38f),	   /* IA32_PERF_GLOBAL_CTRL */
		WRMSR(0xc1, 1234), /* IA32_PMC0 */
		RDMSR(0xc1),
		RDMSR(0xc5),	/* IA32_PMC4: the model has 4 GP counters */
		RDMSR(MSR_DEV), /* not a PMU MSR: the bus */
		GUEST_EXIT(0),
	};
	struct fixture *f = *state;
	struct vpmu_config cfg;
	/* as vcpu_pmu_init() sets it */
	struct vcpu_pmu pmu = { .clock_ns = vm_now_ns };

	vpmu_config_default(&cfg);
	assert_int_equal(vpmu_init(&pmu.model, &cfg), 0);
	f->msr_regs[0] = 77;
	create_vcpu(f, 1);
	f->vcpu.pmu = &pmu;
	f->vcpu.pmu_backend = &vpmu_emulated_backend;
	f->steps = steps;
	f->nr_steps = 6;
	fake_ioctl_reset();
	fake_ioctl_on(KVM_RUN, fake_run, f);
	vcpu_run_loop(&f->vcpu);
	vcpu_pmu_destroy(&pmu);
	assert_int_equal(f->next, 6);
	assert_int_equal(f->vm.exit_status, 0);
	assert_int_equal(f->seen_msr[0].error, 0);
	assert_int_equal(f->seen_msr[0].data, 0xf);
	assert_int_equal(f->seen_msr[1].error, 0);
	assert_int_equal(pmu.model.gp[0], 1234);
	assert_int_equal(f->seen_msr[2].data, 1234);
	assert_int_equal(f->seen_msr[3].error, 1);
	assert_int_equal(f->seen_msr[4].error, 0);
	assert_int_equal(f->seen_msr[4].data, 77);
	assert_int_equal(pmu.stats.msr_exits, 4);
	/* Nothing counts instructions: no stepping, no other ioctl. */
	assert_false(pmu.stepping);
	assert_null(fake_ioctl_find(KVM_SET_GUEST_DEBUG, 0));
}

/* Only the emulated vPMU single-steps; a stray debug exit is a bug. */
static void test_run_debug_exit_unhandled(void **state)
{
	static const struct exit_step steps[] = {
		{ .reason = KVM_EXIT_DEBUG },
	};
	struct fixture *f = *state;
	struct vpmu_config cfg;
	/* as vcpu_pmu_init() sets it */
	struct vcpu_pmu pmu = { .clock_ns = vm_now_ns };

	run_steps(f, steps, 1);
	assert_int_equal(f->vm.exit_status, HV_EXIT_UNHANDLED);
	assert_int_equal(f->vm.culprit, 1);
	assert_string_equal(f->vm.why,
			    "vCPU 1: unhandled exit 4 (KVM_EXIT_DEBUG)");

	/* A vPMU that is not stepping did not ask for it either. */
	vcpu_destroy(&f->vcpu);
	f->next = 0;
	f->vm.stopping = false;
	vpmu_config_default(&cfg);
	assert_int_equal(vpmu_init(&pmu.model, &cfg), 0);
	create_vcpu(f, 1);
	f->vcpu.pmu = &pmu;
	f->vcpu.pmu_backend = &vpmu_emulated_backend;
	f->steps = steps;
	f->nr_steps = 1;
	fake_ioctl_reset();
	fake_ioctl_on(KVM_RUN, fake_run, f);
	vcpu_run_loop(&f->vcpu);
	vcpu_pmu_destroy(&pmu);
	assert_int_equal(f->vm.exit_status, HV_EXIT_UNHANDLED);
	assert_int_equal(pmu.stats.steps, 0);
}

/* KVM_RUN interrupted by a kick that is still pending once it returns. */
static void fill_pending_kick(struct kvm_run *run)
{
	(void)run;
	raise(KICK);
}

static void test_run_eintr_takes_pending_kick(void **state)
{
	static const struct exit_step steps[] = {
		{ .err = EINTR, .fill = fill_pending_kick },
		GUEST_EXIT(3),
	};
	struct fixture *f = *state;
	sigset_t kick, old, pending;
	const struct timespec none = { 0 };

	/* As on a vCPU thread: the kick is blocked outside KVM_RUN. */
	sigemptyset(&kick);
	sigaddset(&kick, KICK);
	pthread_sigmask(SIG_BLOCK, &kick, &old);
	run_steps(f, steps, 2);
	sigpending(&pending);
	/* Clean up before asserting, so a failure cannot kill the test. */
	sigtimedwait(&kick, NULL, &none);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	assert_false(sigismember(&pending, KICK));
	assert_int_equal(f->vm.exit_status, 3);
}

/*
 * KVM_SET_SIGNAL_MASK, on the vCPU thread: records the mask, and whether
 * the thread itself now blocks the kick, for the test to check.
 */
static int record_sigmask(int fd, unsigned long request, void *arg, void *ctx)
{
	const struct kvm_signal_mask *mask = arg;
	struct fixture *f = ctx;
	sigset_t now;

	(void)request;
	f->nr_sigmask++;
	f->sigmask_fd = fd;
	f->sigmask_len = mask->len;
	sigemptyset(&f->sigmask);
	memcpy(&f->sigmask, mask->sigset,
	       mask->len < sizeof(f->sigmask) ? mask->len : sizeof(f->sigmask));
	pthread_sigmask(SIG_BLOCK, NULL, &now);
	f->kick_blocked_in_thread = sigismember(&now, KICK);
	return 0;
}

/* The mask KVM_RUN runs with: the thread's own, less the kick. */
static void check_sigmask(const struct fixture *f, int also_blocked)
{
	assert_int_equal(f->nr_sigmask, 1);
	assert_int_equal(f->sigmask_fd, f->vcpu.fd);
	assert_int_equal(f->sigmask_len, 8); /* the kernel's sigset_t */
	assert_false(sigismember(&f->sigmask, KICK));
	if (also_blocked)
		assert_true(sigismember(&f->sigmask, also_blocked));
	assert_true(f->kick_blocked_in_thread);
}

/* Behaves like a vCPU thread blocked in the kernel: only a kick ends it. */
static int blocking_run(int fd, unsigned long request, void *arg, void *ctx)
{
	struct fixture *f = ctx;
	struct kvm_run *run = f->vcpu.run;

	(void)fd;
	(void)request;
	(void)arg;
	while (!__atomic_load_n(&run->immediate_exit, __ATOMIC_SEQ_CST))
		usleep(1000);
	errno = EINTR;
	return -1;
}

static void test_thread_stops_on_kick(void **state)
{
	struct fixture *f = *state;
	sigset_t inherited, old;

	create_vcpu(f, 2);
	fake_ioctl_reset();
	fake_ioctl_expect_fn(KVM_SET_SIGNAL_MASK, record_sigmask, f);
	fake_ioctl_on(KVM_RUN, blocking_run, f);
	/*
	 * What the starting thread blocks stays blocked in KVM_RUN, but for
	 * the kick.
	 */
	sigemptyset(&inherited);
	sigaddset(&inherited, SIGUSR2);
	sigaddset(&inherited, KICK);
	pthread_sigmask(SIG_BLOCK, &inherited, &old);
	assert_int_equal(vcpu_start(&f->vcpu), 0);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	assert_true(f->vcpu.started);
	/* Still running after a while: nothing ended the run. */
	assert_false(vm_wait_stop(&f->vm, 20 * 1000000));
	vm_stop(&f->vm, HV_EXIT_TIMEOUT, 2, "timed out");
	vcpu_stop(&f->vcpu);
	assert_false(f->vcpu.started);
	fake_ioctl_verify();
	check_sigmask(f, SIGUSR2);
	/* The mask is set before the first KVM_RUN. */
	assert_true(fake_ioctl_nr_calls() >= 2);
	assert_int_equal(fake_ioctl_call(0)->request, KVM_SET_SIGNAL_MASK);
	assert_int_equal(fake_ioctl_call(1)->request, KVM_RUN);
	/* Stopping a stopped vCPU is harmless. */
	vcpu_stop(&f->vcpu);
}

static void test_thread_guest_exit_wakes_waiter(void **state)
{
	static const struct exit_step steps[] = { GUEST_EXIT(9) };
	struct fixture *f = *state;

	create_vcpu(f, 0);
	f->steps = steps;
	f->nr_steps = 1;
	fake_ioctl_reset();
	fake_ioctl_on(KVM_SET_SIGNAL_MASK, record_sigmask, f);
	fake_ioctl_on(KVM_RUN, fake_run, f);
	assert_int_equal(vcpu_start(&f->vcpu), 0);
	assert_true(vm_wait_stop(&f->vm, 5000000000ULL));
	vcpu_stop(&f->vcpu);
	assert_int_equal(f->vm.exit_status, 9);
	check_sigmask(f, 0);
}

/*
 * Stays in "KVM_RUN" until the kick is pending on the vCPU thread (KVM
 * would return -EINTR), then, on the next entry, ends the run.
 */
static unsigned int kicked_runs;

static int kickable_run(int fd, unsigned long request, void *arg, void *ctx)
{
	struct fixture *f = ctx;
	sigset_t pending;

	(void)fd;
	(void)request;
	(void)arg;
	if (kicked_runs++) {
		vm_stop(&f->vm, 5, VM_NO_VCPU, "%s", "");
		errno = EINTR;
		return -1;
	}
	/* immediate_exit too, so that a lost kick fails, not hangs. */
	while (!__atomic_load_n(&f->vcpu.run->immediate_exit,
				__ATOMIC_SEQ_CST)) {
		sigpending(&pending);
		if (sigismember(&pending, KICK))
			break;
		usleep(1000);
	}
	errno = EINTR;
	return -1;
}

/* A kick makes the vCPU leave KVM_RUN once and go back in. */
static void test_thread_kick(void **state)
{
	struct fixture *f = *state;

	create_vcpu(f, 1);
	fake_ioctl_reset();
	fake_ioctl_on(KVM_SET_SIGNAL_MASK, record_sigmask, f);
	fake_ioctl_on(KVM_RUN, kickable_run, f);
	kicked_runs = 0;
	assert_int_equal(vcpu_start(&f->vcpu), 0);
	/* Not even a kick ends the run by itself. */
	assert_false(vm_wait_stop(&f->vm, 20 * 1000000));
	vcpu_kick(&f->vcpu);
	assert_true(vm_wait_stop(&f->vm, 5000000000ULL));
	vcpu_stop(&f->vcpu);
	assert_int_equal(kicked_runs, 2);
	assert_int_equal(f->vm.exit_status, 5);
	/* A stopped vCPU's thread is gone: a kick must not reach for it. */
	vcpu_kick(&f->vcpu);
}

static int fail_sigmask(int fd, unsigned long request, void *arg, void *ctx)
{
	(void)fd;
	(void)request;
	(void)arg;
	(void)ctx;
	errno = EINVAL;
	return -1;
}

/* Without the mask a kick could be lost: the vCPU never runs. */
static void test_thread_signal_mask_fails(void **state)
{
	struct fixture *f = *state;

	create_vcpu(f, 3);
	fake_ioctl_reset();
	fake_ioctl_on(KVM_SET_SIGNAL_MASK, fail_sigmask, f);
	assert_int_equal(vcpu_start(&f->vcpu), 0);
	assert_true(vm_wait_stop(&f->vm, 5000000000ULL));
	vcpu_stop(&f->vcpu);
	assert_int_equal(f->vm.exit_status, HV_EXIT_VMM_ERROR);
	assert_int_equal(f->vm.culprit, VM_NO_VCPU);
	assert_string_equal(f->vm.why,
			    "vCPU 3: KVM_SET_SIGNAL_MASK: Invalid argument");
	assert_null(fake_ioctl_find(KVM_RUN, 0));
}

static const struct kvm_regs sample_regs = {
	.rax = 0x36d76289,
	.rbx = 0x10000,
	.rcx = 3,
	.rdx = 4,
	.rsi = 5,
	.rdi = 6,
	.rsp = 0x7000,
	.rbp = 8,
	.r8 = 0x88,
	.r9 = 9,
	.r10 = 10,
	.r11 = 11,
	.r12 = 12,
	.r13 = 13,
	.r14 = 14,
	.r15 = 0xf15,
	.rip = 0x100010,
	.rflags = 0x2,
};

static const struct kvm_sregs sample_sregs = {
	.cs = { .selector = 0x8, .db = 1 },
	.ss = { .selector = 0x10, .db = 1 },
	.cr0 = 0x11,
	.cr2 = 0xc2,
	.cr3 = 0xc3,
	.cr4 = 0xc4,
	.efer = 0x100,
};

static void check_dump(const char *text)
{
	static const char *const want[] = {
		"hvcheck: vCPU 1 registers (32-bit protected mode):\n",
		"RIP    0000000000100010",
		"RSP    0000000000007000",
		"RFLAGS 0000000000000002",
		"RAX    0000000036d76289",
		"RBX    0000000000010000",
		"R8     0000000000000088",
		"R15    0000000000000f15",
		"CR0    0000000000000011",
		"CR2    00000000000000c2",
		"CR3    00000000000000c3",
		"CR4    00000000000000c4",
		"EFER   0000000000000100",
		"CS 0008  SS 0010\n",
	};

	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		if (!strstr(text, want[i]))
			fail_msg("'%s' missing from:\n%s", want[i], text);
	/* Lines fit a terminal. */
	for (const char *l = text; *l;) {
		const char *nl = strchr(l, '\n');

		assert_non_null(nl);
		assert_true(nl - l <= 80);
		l = nl + 1;
	}
}

static void test_print_regs(void **state)
{
	char *text = NULL;
	size_t len;
	FILE *out;

	(void)state;
	out = open_memstream(&text, &len);
	x86_vcpu_print_regs(out, 1, &sample_regs, &sample_sregs);
	fclose(out);
	check_dump(text);
	free(text);
}

static void test_dump_regs_reads_kvm(void **state)
{
	struct fixture *f = *state;
	char *text = NULL;
	size_t len;
	FILE *out;

	create_vcpu(f, 1);
	fake_ioctl_reset();
	fake_ioctl_expect_out(KVM_GET_REGS, &sample_regs, sizeof(sample_regs));
	fake_ioctl_expect_out(KVM_GET_SREGS, &sample_sregs,
			      sizeof(sample_sregs));
	out = open_memstream(&text, &len);
	assert_int_equal(x86_vcpu_dump_regs(&f->vcpu, out), 0);
	fclose(out);
	fake_ioctl_verify();
	check_dump(text);
	free(text);
}

static void test_mode_names(void **state)
{
	struct kvm_regs regs = { .rflags = 2 };
	struct kvm_sregs s = { 0 };

	(void)state;
	assert_string_equal(x86_vcpu_mode_name(&regs, &s), "real mode");
	s.cr0 = 1;
	assert_string_equal(x86_vcpu_mode_name(&regs, &s),
			    "16-bit protected mode");
	s.cs.db = 1;
	assert_string_equal(x86_vcpu_mode_name(&regs, &s),
			    "32-bit protected mode");
	s.cr0 |= 0x80000000;
	assert_string_equal(x86_vcpu_mode_name(&regs, &s),
			    "32-bit protected mode, paging");
	s.efer = 0x500; /* LME | LMA */
	s.cs.db = 0;
	s.cs.l = 1;
	assert_string_equal(x86_vcpu_mode_name(&regs, &s), "64-bit long mode");
	s.cs.l = 0;
	assert_string_equal(x86_vcpu_mode_name(&regs, &s),
			    "compatibility mode");
	s.efer = 0;
	regs.rflags |= 0x20000;
	assert_string_equal(x86_vcpu_mode_name(&regs, &s), "virtual-8086 mode");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_create_sequence),
		T(test_create_fails_cleanly),
		T(test_mb2_entry_state),
		T(test_mb2_entry_fails),
		T(test_run_serial_then_exit),
		T(test_run_string_io),
		T(test_run_unassigned_io),
		T(test_run_unassigned_mmio),
		T(test_run_eintr_is_retried),
		T(test_run_kvm_run_fails),
		T(test_run_triple_fault),
		T(test_run_internal_error),
		T(test_run_fail_entry),
		T(test_run_unhandled_exit),
		T(test_run_io_outside_kvm_run),
		T(test_run_msr_to_bus),
		T(test_run_msr_to_vpmu),
		T(test_run_debug_exit_unhandled),
		T(test_run_eintr_takes_pending_kick),
		T(test_thread_stops_on_kick),
		T(test_thread_kick),
		T(test_thread_guest_exit_wakes_waiter),
		T(test_thread_signal_mask_fails),
		T(test_print_regs),
		T(test_dump_regs_reads_kvm),
		T(test_mode_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
