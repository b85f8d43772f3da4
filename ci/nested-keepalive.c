// SPDX-License-Identifier: GPL-2.0-only
/* Holds KVM's static keys enabled in the x86_64 test bed (ci/nested). */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/*
 * KVM flips static keys when a VM or vCPU comes and goes: the preempt
 * notifiers (any VM), kvm_has_noapic_vcpu (a vCPU without an in-kernel
 * LAPIC), apic_sw_disabled (a LAPIC not yet software-enabled).  Each
 * flip patches kernel text through INT3, and the bed's kernel under
 * QEMU TCG froze, both CPUs looping on a half-patched jump label in
 * __schedule, once in a few hundred VMs (docs/nested.md).  Holding one
 * of each for the whole run keeps every key on: nothing is patched.
 */
static int hold_vcpu(int kvm, int with_irqchip)
{
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);

	if (vm < 0)
		return -errno;
	if (with_irqchip && ioctl(vm, KVM_CREATE_IRQCHIP, 0) < 0)
		return -errno;
	if (ioctl(vm, KVM_CREATE_VCPU, 0) < 0)
		return -errno;
	return 0;
}

int main(void)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int ret;

	if (kvm < 0) {
		fprintf(stderr, "keepalive: /dev/kvm: %s\n", strerror(errno));
		return 1;
	}
	ret = hold_vcpu(kvm, 0);
	if (!ret)
		ret = hold_vcpu(kvm, 1);
	if (ret) {
		fprintf(stderr, "keepalive: %s\n", strerror(-ret));
		return 1;
	}
	/* the caller goes on once the keys are held; a child holds them */
	ret = fork();
	if (ret < 0) {
		fprintf(stderr, "keepalive: fork: %s\n", strerror(errno));
		return 1;
	}
	if (ret)
		return 0;
	for (;;)
		pause();
}
