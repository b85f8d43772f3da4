// SPDX-License-Identifier: GPL-2.0-only
/* A KVM vCPU of either machine: fd, kvm_run, its thread, kicks, run loop. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "hvcheck_abi.h"
#include "vmm/vcpu.h"

static __thread int vcpu_current = -1;

int vcpu_open(struct vcpu *vcpu, struct vm *vm, struct bus *bus, int id,
	      const struct vcpu_arch_ops *ops)
{
	void *run;
	int ret;

	memset(vcpu, 0, sizeof(*vcpu));
	vcpu->vm = vm;
	vcpu->bus = bus;
	vcpu->id = id;
	vcpu->fd = -1;
	vcpu->ops = ops;

	ret = vm_ioctl(vm, vm->vm_fd, KVM_CREATE_VCPU, (void *)(long)id,
		       "KVM_CREATE_VCPU");
	if (ret < 0)
		return ret;
	vcpu->fd = ret;
	run = mmap(NULL, vm->run_mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu->fd, 0);
	if (run == MAP_FAILED) {
		ret = -errno;
		vm->failed = "mmap of kvm_run";
		vcpu_destroy(vcpu);
		return ret;
	}
	vcpu->run = run;
	return 0;
}

void vcpu_destroy(struct vcpu *vcpu)
{
	if (vcpu->run)
		munmap(vcpu->run, vcpu->vm->run_mmap_size);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	vcpu->run = NULL;
	vcpu->fd = -1;
}

void vcpu_mmio_exit(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	uint64_t val = 0;

	if (run->mmio.len > sizeof(run->mmio.data)) {
		vm_stop(vcpu->vm, HV_EXIT_VMM_ERROR, VM_NO_VCPU,
			"vCPU %d: KVM_EXIT_MMIO of %u bytes", vcpu->id,
			run->mmio.len);
		return;
	}
	if (run->mmio.is_write) {
		memcpy(&val, run->mmio.data, run->mmio.len);
		bus_write(vcpu->bus, BUS_MMIO, run->mmio.phys_addr,
			  run->mmio.len, val);
	} else {
		bus_read(vcpu->bus, BUS_MMIO, run->mmio.phys_addr,
			 run->mmio.len, &val);
		memcpy(run->mmio.data, &val, run->mmio.len);
	}
}

void vcpu_unhandled_exit(struct vcpu *vcpu, const char *const *names,
			 size_t nr_names)
{
	uint32_t reason = vcpu->run->exit_reason;
	const char *name = "unknown to hvcheck";

	if (reason < nr_names && names[reason])
		name = names[reason];
	vm_stop(vcpu->vm, HV_EXIT_UNHANDLED, vcpu->id,
		"vCPU %d: unhandled exit %u (%s)", vcpu->id, reason, name);
}

/*
 * A kick that made KVM_RUN return stays pending once the signal is
 * blocked again (see vcpu_block_kick_outside_run()); take it, or every
 * later KVM_RUN would return at once.
 */
static void vcpu_take_kick(void)
{
	static const struct timespec now;
	sigset_t kick;

	sigemptyset(&kick);
	sigaddset(&kick, VCPU_KICK_SIGNAL);
	sigtimedwait(&kick, NULL, &now);
}

void vcpu_run_loop(struct vcpu *vcpu)
{
	const struct vcpu_arch_ops *ops = vcpu->ops;

	while (!vm_stopping(vcpu->vm)) {
		int ret;

		if (!vcpu->entry_ns)
			vcpu->entry_ns = vm_now_ns();
		if (ops->before_run)
			ops->before_run(vcpu);
		ret = ioctl(vcpu->fd, KVM_RUN, NULL) < 0 ? -errno : 0;
		if (ops->after_run)
			ops->after_run(vcpu);
		if (ret < 0) {
			/*
			 * A kick, a signal meant for someone else, or (arm64's
			 * userspace irqchip) a change of the timer's level:
			 * KVM reports each as -EINTR, its exit reason
			 * KVM_EXIT_INTR, so no handle_exit sees that reason.
			 */
			if (ret == -EINTR || ret == -EAGAIN) {
				vcpu_take_kick();
				continue;
			}
			vm_stop(vcpu->vm, HV_EXIT_VMM_ERROR, VM_NO_VCPU,
				"vCPU %d: KVM_RUN: %s", vcpu->id,
				strerror(-ret));
			return;
		}
		ops->handle_exit(vcpu);
	}
}

static void vcpu_kick_handler(int sig)
{
	(void)sig;
}

/*
 * A handler without SA_RESTART, so that the signal makes a blocking
 * KVM_RUN return -EINTR instead of killing the process.
 */
static void vcpu_install_kick_handler(void)
{
	struct sigaction sa = { .sa_handler = vcpu_kick_handler };

	sigemptyset(&sa.sa_mask);
	sigaction(VCPU_KICK_SIGNAL, &sa, NULL);
}

/*
 * The kick signal stays blocked outside KVM_RUN and is unblocked inside
 * it (KVM_SET_SIGNAL_MASK), so one sent just before KVM_RUN (a stop, an
 * emulated vPMU deadline) still interrupts it instead of being lost.
 */
static int vcpu_block_kick_outside_run(struct vcpu *vcpu)
{
	struct {
		struct kvm_signal_mask hdr;
		uint8_t set[8]; /* the kernel's sigset: 64 signals */
	} mask = { .hdr.len = sizeof(mask.set) };
	sigset_t kick, during_run;

	sigemptyset(&kick);
	sigaddset(&kick, VCPU_KICK_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &kick, &during_run);
	sigdelset(&during_run, VCPU_KICK_SIGNAL);
	memcpy(mask.set, &during_run, sizeof(mask.set));
	return vm_ioctl(vcpu->vm, vcpu->fd, KVM_SET_SIGNAL_MASK, &mask,
			"KVM_SET_SIGNAL_MASK");
}

int vcpu_current_id(void)
{
	return vcpu_current;
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;
	int ret = vcpu_block_kick_outside_run(vcpu);

	vcpu_current = vcpu->id;
	if (ret < 0) {
		vm_stop(vcpu->vm, HV_EXIT_VMM_ERROR, VM_NO_VCPU,
			"vCPU %d: %s: %s", vcpu->id, vcpu->vm->failed,
			strerror(-ret));
		return NULL;
	}
	vcpu_run_loop(vcpu);
	return NULL;
}

int vcpu_start(struct vcpu *vcpu)
{
	static pthread_once_t kick_once = PTHREAD_ONCE_INIT;
	int ret;

	pthread_once(&kick_once, vcpu_install_kick_handler);
	ret = pthread_create(&vcpu->thread, NULL, vcpu_thread, vcpu);
	if (ret) {
		vcpu->vm->failed = "pthread_create";
		return -ret;
	}
	pthread_mutex_lock(&vcpu->vm->lock);
	vcpu->started = true;
	pthread_mutex_unlock(&vcpu->vm->lock);
	return 0;
}

void vcpu_stop(struct vcpu *vcpu)
{
	bool started;

	/* No kick may reach the thread once joining it has begun. */
	pthread_mutex_lock(&vcpu->vm->lock);
	started = vcpu->started;
	vcpu->started = false;
	pthread_mutex_unlock(&vcpu->vm->lock);
	if (!started)
		return;
	/*
	 * immediate_exit covers a thread about to enter KVM_RUN; the signal
	 * one already inside it (an AP waiting for SIPI, a halted CPU).
	 */
	__atomic_store_n(&vcpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	pthread_kill(vcpu->thread, VCPU_KICK_SIGNAL);
	pthread_join(vcpu->thread, NULL);
}

void vcpu_kick(struct vcpu *vcpu)
{
	pthread_mutex_lock(&vcpu->vm->lock);
	if (vcpu->started)
		pthread_kill(vcpu->thread, VCPU_KICK_SIGNAL);
	pthread_mutex_unlock(&vcpu->vm->lock);
}

static int vcpu_array_start(void *vcpus, unsigned int i)
{
	return vcpu_start((struct vcpu *)vcpus + i);
}

static void vcpu_array_stop(void *vcpus, unsigned int i)
{
	vcpu_stop((struct vcpu *)vcpus + i);
}

static int vcpu_array_dump_regs(void *vcpus, unsigned int i, FILE *out)
{
	struct vcpu *vcpu = (struct vcpu *)vcpus + i;

	return vcpu->ops->dump_regs(vcpu, out);
}

const struct vcpu_array_ops vcpu_array_ops = {
	.start = vcpu_array_start,
	.stop = vcpu_array_stop,
	.dump_regs = vcpu_array_dump_regs,
};
