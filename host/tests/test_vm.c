// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the VM core: RAM, open, create, unwinding, IRQs, stop. */
#include <errno.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_ioctl.h"
#include "hvcheck_abi.h"
#include "vmm/vm.h"

#define RAM_SIZE  (16 << 20)
#define MMAP_SIZE 12288

static void test_gpa_bounds(void **state)
{
	uint8_t backing[64];
	struct guest_mem mem = { backing, sizeof(backing) };

	(void)state;
	assert_ptr_equal(vm_gpa_to_hva(&mem, 0, 64), backing);
	assert_ptr_equal(vm_gpa_to_hva(&mem, 63, 1), backing + 63);
	assert_ptr_equal(vm_gpa_to_hva(&mem, 64, 0), backing + 64);
	assert_null(vm_gpa_to_hva(&mem, 64, 1));
	assert_null(vm_gpa_to_hva(&mem, 63, 2));
	assert_null(vm_gpa_to_hva(&mem, 0, 65));
	assert_null(vm_gpa_to_hva(&mem, 65, 0));
	/* Sums that wrap around must not sneak back in range. */
	assert_null(vm_gpa_to_hva(&mem, 8, UINT64_MAX - 4));
	assert_null(vm_gpa_to_hva(&mem, UINT64_MAX, 2));
}

static void test_mem_alloc(void **state)
{
	struct guest_mem mem;

	(void)state;
	assert_int_equal(vm_mem_alloc(&mem, RAM_SIZE), 0);
	assert_int_equal(mem.size, RAM_SIZE);
	/* Fresh guest RAM reads as zero without anyone clearing it. */
	assert_int_equal(mem.base[0], 0);
	assert_int_equal(mem.base[RAM_SIZE - 1], 0);
	vm_mem_free(&mem);
	assert_null(mem.base);
}

static void test_open_missing_device(void **state)
{
	struct vm vm;

	(void)state;
	fake_ioctl_reset();
	assert_int_equal(vm_open(&vm, "/nonexistent/kvm"), -ENOENT);
	assert_string_equal(vm.failed, "/nonexistent/kvm");
	assert_int_equal(fake_ioctl_nr_calls(), 0);
	vm_destroy(&vm);
}

static void test_open_wrong_api(void **state)
{
	int fds = fake_count_open_fds();
	struct vm vm;

	(void)state;
	fake_ioctl_reset();
	fake_ioctl_expect(KVM_GET_API_VERSION, 11);
	assert_int_equal(vm_open(&vm, "/dev/null"), -EPROTO);
	assert_string_equal(vm.failed, "KVM API version");
	vm_destroy(&vm);
	assert_int_equal(fake_count_open_fds(), fds);
}

/* A fresh script: vm_open(), then the two steps every VM starts with. */
static void script_open_and_slot(void)
{
	fake_ioctl_reset();
	fake_ioctl_expect(KVM_GET_API_VERSION, KVM_API_VERSION);
	fake_ioctl_expect(KVM_CREATE_VM, FAKE_NEW_FD);
	fake_ioctl_expect(KVM_SET_USER_MEMORY_REGION, 0);
}

/*
 * Any machine's shape: RAM's slot where the shape puts it, its own
 * set-up between the slot and the mmap size, and a failing set-up
 * unwinds like any other step.
 */
#define SHAPE_RAM_GPA 0x40000000ULL

static int shape_setup_calls;

static int shape_setup(struct vm *vm)
{
	shape_setup_calls++;
	/* The slot is in: the set-up sees the VM fd and every call so far. */
	assert_int_equal(fake_ioctl_nr_calls(), 3);
	assert_true(vm->vm_fd >= 0);
	return vm_ioctl(vm, vm->vm_fd, KVM_CREATE_IRQCHIP, NULL,
			"shape set-up");
}

static void test_create_shape(void **state)
{
	static const struct vm_shape bare = { .ram_gpa = SHAPE_RAM_GPA };
	static const struct vm_shape with_setup = {
		.ram_gpa = SHAPE_RAM_GPA,
		.setup = shape_setup,
	};
	const struct kvm_userspace_memory_region *slot;
	int fds = fake_count_open_fds();
	struct guest_mem mem;
	struct vm vm;

	(void)state;
	assert_int_equal(vm_mem_alloc(&mem, RAM_SIZE), 0);
	script_open_and_slot();
	fake_ioctl_expect(KVM_GET_VCPU_MMAP_SIZE, MMAP_SIZE);
	assert_int_equal(vm_open(&vm, "/dev/null"), 0);
	assert_int_equal(vm_create(&vm, &mem, &bare), 0);
	fake_ioctl_verify();
	assert_int_equal(fake_ioctl_nr_calls(), 4);
	assert_int_equal(vm.run_mmap_size, MMAP_SIZE);
	slot = (const void *)fake_ioctl_find(KVM_SET_USER_MEMORY_REGION, 0)
		       ->data;
	assert_int_equal(slot->guest_phys_addr, SHAPE_RAM_GPA);
	assert_int_equal(slot->memory_size, RAM_SIZE);
	assert_int_equal(slot->userspace_addr, (uintptr_t)mem.base);
	vm_destroy(&vm);
	assert_int_equal(fake_count_open_fds(), fds);

	script_open_and_slot();
	fake_ioctl_expect_fail(KVM_CREATE_IRQCHIP, ENODEV);
	shape_setup_calls = 0;
	assert_int_equal(vm_open(&vm, "/dev/null"), 0);
	assert_int_equal(vm_create(&vm, &mem, &with_setup), -ENODEV);
	fake_ioctl_verify();
	assert_int_equal(shape_setup_calls, 1);
	assert_string_equal(vm.failed, "shape set-up");
	assert_int_equal(vm.vm_fd, -1);
	vm_destroy(&vm);
	assert_int_equal(fake_count_open_fds(), fds);
	vm_mem_free(&mem);
}

static void test_irq_line(void **state)
{
	struct vm vm = { .vm_fd = 42 };
	const struct kvm_irq_level *line;

	(void)state;
	fake_ioctl_reset();
	fake_ioctl_expect(KVM_IRQ_LINE, 0);
	fake_ioctl_expect(KVM_IRQ_LINE, 0);
	assert_int_equal(vm_irq_line(&vm, 4, true), 0);
	assert_int_equal(vm_irq_line(&vm, 4, false), 0);
	fake_ioctl_verify();
	line = (const void *)fake_ioctl_find(KVM_IRQ_LINE, 0)->data;
	assert_int_equal(fake_ioctl_find(KVM_IRQ_LINE, 0)->fd, 42);
	assert_int_equal(line->irq, 4);
	assert_int_equal(line->level, 1);
	line = (const void *)fake_ioctl_find(KVM_IRQ_LINE, 1)->data;
	assert_int_equal(line->level, 0);
}

/* On the VM's fd, KVM's answer as it is; a failure names the question. */
static void test_check_cap(void **state)
{
	struct vm vm = { .kvm_fd = 41, .vm_fd = 42 };

	(void)state;
	fake_ioctl_reset();
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 0x3);
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 0);
	fake_ioctl_expect_fail(KVM_CHECK_EXTENSION, EBADF);
	assert_int_equal(vm_check_cap(&vm, KVM_CAP_SYNC_REGS, "sync"), 0x3);
	assert_int_equal(vm_check_cap(&vm, KVM_CAP_ARM_USER_IRQ, "user"), 0);
	assert_null(vm.failed);
	assert_int_equal(vm_check_cap(&vm, KVM_CAP_PMU_EVENT_FILTER, "filter"),
			 -EBADF);
	fake_ioctl_verify();
	assert_string_equal(vm.failed, "filter");
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(fake_ioctl_call(i)->fd, 42);
	assert_int_equal(fake_ioctl_call(0)->arg, KVM_CAP_SYNC_REGS);
	assert_int_equal(fake_ioctl_call(1)->arg, KVM_CAP_ARM_USER_IRQ);
	assert_int_equal(fake_ioctl_call(2)->arg, KVM_CAP_PMU_EVENT_FILTER);
}

/* KVM_GET_ONE_REG: the register's id, read into the caller's value. */
static int get_reg(int fd, unsigned long request, void *arg, void *ctx)
{
	const struct kvm_one_reg *reg = arg;

	(void)fd;
	(void)request;
	(void)ctx;
	*(uint64_t *)(uintptr_t)reg->addr = reg->id ^ 0xff;
	return 0;
}

/* One 64-bit register by id on the vCPU's fd, both ways; failures named. */
static void test_one_reg(void **state)
{
	struct vm vm = { .vm_fd = 42 };
	const struct kvm_one_reg *reg;
	uint64_t val = 0;

	(void)state;
	fake_ioctl_reset();
	fake_ioctl_expect_fn(KVM_GET_ONE_REG, get_reg, NULL);
	fake_ioctl_expect(KVM_SET_ONE_REG, 0);
	fake_ioctl_expect_fail(KVM_GET_ONE_REG, ENOENT);
	fake_ioctl_expect_fail(KVM_SET_ONE_REG, EINVAL);
	assert_int_equal(vm_get_one_reg(&vm, 7, 0x6030000000138cd0ULL, &val),
			 0);
	assert_true(val == (0x6030000000138cd0ULL ^ 0xff));
	assert_int_equal(vm_set_one_reg(&vm, 7, 0x6030000000138ce0ULL, 0x41),
			 0);
	reg = (const void *)fake_ioctl_find(KVM_SET_ONE_REG, 0)->data;
	assert_true(reg->id == 0x6030000000138ce0ULL);
	assert_null(vm.failed);
	assert_int_equal(vm_get_one_reg(&vm, 7, 1, &val), -ENOENT);
	assert_string_equal(vm.failed, "KVM_GET_ONE_REG");
	assert_int_equal(vm_set_one_reg(&vm, 7, 1, 0), -EINVAL);
	assert_string_equal(vm.failed, "KVM_SET_ONE_REG");
	fake_ioctl_verify();
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(fake_ioctl_call(i)->fd, 7);
}

static void open_plain_vm(struct vm *vm)
{
	fake_ioctl_reset();
	fake_ioctl_expect(KVM_GET_API_VERSION, KVM_API_VERSION);
	assert_int_equal(vm_open(vm, "/dev/null"), 0);
}

static void test_stop_first_wins(void **state)
{
	struct vm vm;

	(void)state;
	open_plain_vm(&vm);
	assert_false(vm_stopping(&vm));
	assert_int_equal(vm.culprit, VM_NO_VCPU);
	assert_true(vm_stop(&vm, HV_EXIT_TRIPLE_FAULT, 1, "vCPU %d: %s", 1,
			    "triple fault"));
	assert_true(vm_stopping(&vm));
	assert_false(vm_stop(&vm, HV_EXIT_TIMEOUT, 0, "too late"));
	assert_int_equal(vm.exit_status, HV_EXIT_TRIPLE_FAULT);
	assert_int_equal(vm.culprit, 1);
	assert_string_equal(vm.why, "vCPU 1: triple fault");
	assert_true(vm.stop_ns > 0);
	vm_destroy(&vm);
}

static void test_wait_times_out(void **state)
{
	struct vm vm;
	uint64_t t0;

	(void)state;
	open_plain_vm(&vm);
	t0 = vm_now_ns();
	assert_false(vm_wait_stop(&vm, 20 * 1000000));
	assert_true(vm_now_ns() - t0 >= 20 * 1000000);
	vm_stop(&vm, 3, VM_NO_VCPU, "%s", "");
	assert_true(vm_wait_stop(&vm, 20 * 1000000));
	vm_destroy(&vm);
}

static void *stop_later(void *arg)
{
	usleep(10000);
	vm_stop(arg, 7, VM_NO_VCPU, "%s", "");
	return NULL;
}

static void test_wait_wakes_on_stop(void **state)
{
	struct vm vm;
	pthread_t thread;
	uint64_t t0;

	(void)state;
	open_plain_vm(&vm);
	t0 = vm_now_ns();
	assert_int_equal(pthread_create(&thread, NULL, stop_later, &vm), 0);
	/* 0: no timeout at all. */
	assert_true(vm_wait_stop(&vm, 0));
	assert_true(vm_now_ns() - t0 < 5000000000ULL);
	assert_int_equal(vm.exit_status, 7);
	pthread_join(thread, NULL);
	vm_destroy(&vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gpa_bounds),
		cmocka_unit_test(test_mem_alloc),
		cmocka_unit_test(test_open_missing_device),
		cmocka_unit_test(test_open_wrong_api),
		cmocka_unit_test(test_create_shape),
		cmocka_unit_test(test_irq_line),
		cmocka_unit_test(test_check_cap),
		cmocka_unit_test(test_one_reg),
		cmocka_unit_test(test_stop_first_wins),
		cmocka_unit_test(test_wait_times_out),
		cmocka_unit_test(test_wait_wakes_on_stop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
