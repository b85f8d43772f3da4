// SPDX-License-Identifier: GPL-2.0-only
/* The emulated vPMU's CPL3 stepping probe VM, faked for unit tests. */
#include <linux/kvm.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "fake_ioctl.h"
#include "le_bytes.h"
#include "x86/fake_probe.h"

/* The probe's guest memory, as KVM would find it through the memslot. */
static const uint8_t *probe_mem(void)
{
	const struct fake_ioctl_call *c =
		fake_ioctl_find(KVM_SET_USER_MEMORY_REGION, 0);
	const struct kvm_userspace_memory_region *slot = (const void *)c->data;

	return (const uint8_t *)(uintptr_t)slot->userspace_addr;
}

static int probe_run(int fd, unsigned long request, void *arg, void *ctx)
{
	struct probe_script *script = ctx;
	const uint8_t *mem = probe_mem();
	struct kvm_run *run;

	(void)request;
	(void)arg;
	/* RIP 0 is a user page of NOPs in a 4-level table at CR3. */
	assert_int_equal(get64(mem + 0x1000) & 0x7, 0x7);
	assert_int_equal(get64(mem + (get64(mem + 0x1000) & ~0xfffULL)) & 0x7,
			 0x7);
	assert_int_equal(get64(mem + 0x3000) & 0x87, 0x87);
	assert_int_equal(get64(mem + 0x3000) & ~0xfffULL, 0);
	assert_int_equal(mem[0], 0x90);
	assert_int_equal(mem[1], 0x90);
	run = mmap(NULL, PROBE_RUN_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   0);
	assert_true(run != MAP_FAILED);
	script->runs++;
	run->exit_reason = script->reason;
	run->debug.arch.pc = script->runs + script->pc_skew;
	munmap(run, PROBE_RUN_SIZE);
	return 0;
}

void script_probe(struct probe_script *script)
{
	static const struct kvm_sregs reset = { .cr0 = 0x60000010 };

	fake_ioctl_expect(KVM_CREATE_VM, FAKE_NEW_FD);
	fake_ioctl_expect(KVM_SET_USER_MEMORY_REGION, 0);
	fake_ioctl_expect(KVM_CREATE_VCPU, FAKE_NEW_FD);
	fake_ioctl_expect_out(KVM_GET_SREGS, &reset, sizeof(reset));
	fake_ioctl_expect(KVM_SET_SREGS, 0);
	fake_ioctl_expect(KVM_SET_REGS, 0);
	fake_ioctl_expect(KVM_SET_GUEST_DEBUG, 0);
	fake_ioctl_on(KVM_RUN, probe_run, script);
}
