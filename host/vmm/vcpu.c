// SPDX-License-Identifier: GPL-2.0-only
/* KVM vCPUs: set-up, the run loop on one thread each, exits, registers. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "hvcheck_abi.h"
#include "vmm/mb2.h"
#include "vmm/vcpu.h"
#include "vmm/vcpu_pmu.h"
#include "vmm/x86.h"

/* Selectors of the Multiboot2 entry state; the values are ours to pick. */
#define VCPU_MB2_CS 0x08
#define VCPU_MB2_DS 0x10

static const char *const vcpu_exit_names[] = {
	[KVM_EXIT_UNKNOWN] = "KVM_EXIT_UNKNOWN",
	[KVM_EXIT_EXCEPTION] = "KVM_EXIT_EXCEPTION",
	[KVM_EXIT_IO] = "KVM_EXIT_IO",
	[KVM_EXIT_HYPERCALL] = "KVM_EXIT_HYPERCALL",
	[KVM_EXIT_DEBUG] = "KVM_EXIT_DEBUG",
	[KVM_EXIT_HLT] = "KVM_EXIT_HLT",
	[KVM_EXIT_MMIO] = "KVM_EXIT_MMIO",
	[KVM_EXIT_IRQ_WINDOW_OPEN] = "KVM_EXIT_IRQ_WINDOW_OPEN",
	[KVM_EXIT_SHUTDOWN] = "KVM_EXIT_SHUTDOWN",
	[KVM_EXIT_FAIL_ENTRY] = "KVM_EXIT_FAIL_ENTRY",
	[KVM_EXIT_INTR] = "KVM_EXIT_INTR",
	[KVM_EXIT_SET_TPR] = "KVM_EXIT_SET_TPR",
	[KVM_EXIT_TPR_ACCESS] = "KVM_EXIT_TPR_ACCESS",
	[KVM_EXIT_NMI] = "KVM_EXIT_NMI",
	[KVM_EXIT_INTERNAL_ERROR] = "KVM_EXIT_INTERNAL_ERROR",
	[KVM_EXIT_WATCHDOG] = "KVM_EXIT_WATCHDOG",
	[KVM_EXIT_EPR] = "KVM_EXIT_EPR",
	[KVM_EXIT_SYSTEM_EVENT] = "KVM_EXIT_SYSTEM_EVENT",
	[KVM_EXIT_IOAPIC_EOI] = "KVM_EXIT_IOAPIC_EOI",
	[KVM_EXIT_HYPERV] = "KVM_EXIT_HYPERV",
	[KVM_EXIT_X86_RDMSR] = "KVM_EXIT_X86_RDMSR",
	[KVM_EXIT_X86_WRMSR] = "KVM_EXIT_X86_WRMSR",
	[KVM_EXIT_DIRTY_RING_FULL] = "KVM_EXIT_DIRTY_RING_FULL",
	[KVM_EXIT_AP_RESET_HOLD] = "KVM_EXIT_AP_RESET_HOLD",
	[KVM_EXIT_X86_BUS_LOCK] = "KVM_EXIT_X86_BUS_LOCK",
	[KVM_EXIT_XEN] = "KVM_EXIT_XEN",
	[KVM_EXIT_NOTIFY] = "KVM_EXIT_NOTIFY",
};

static const char *const vcpu_internal_error_names[] = {
	[KVM_INTERNAL_ERROR_EMULATION] = "instruction emulation failed",
	[KVM_INTERNAL_ERROR_SIMUL_EX] = "exception while injecting one",
	[KVM_INTERNAL_ERROR_DELIVERY_EV] = "exit during event delivery",
	[KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON] = "unexpected exit reason",
};

#define VCPU_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *vcpu_exit_name(uint32_t reason)
{
	if (reason < VCPU_ARRAY_SIZE(vcpu_exit_names) &&
	    vcpu_exit_names[reason])
		return vcpu_exit_names[reason];
	return "unknown to hvcheck";
}

int vcpu_create(struct vcpu *vcpu, struct vm *vm, struct bus *bus, int id,
		const struct cpuid *cpuid)
{
	void *run;
	int ret;

	memset(vcpu, 0, sizeof(*vcpu));
	vcpu->vm = vm;
	vcpu->bus = bus;
	vcpu->id = id;
	vcpu->fd = -1;

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
		goto err_close;
	}
	vcpu->run = run;
	ret = vm_ioctl(vm, vcpu->fd, KVM_SET_CPUID2, cpuid->table,
		       "KVM_SET_CPUID2");
	if (ret < 0)
		goto err_unmap;
	return 0;

err_unmap:
	munmap(vcpu->run, vm->run_mmap_size);
	vcpu->run = NULL;
err_close:
	close(vcpu->fd);
	vcpu->fd = -1;
	return ret;
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

static void vcpu_flat_segment(struct kvm_segment *seg, uint16_t selector,
			      uint8_t type)
{
	*seg = (struct kvm_segment){
		.base = 0,
		.limit = 0xffffffff,
		.selector = selector,
		.type = type,
		.present = 1,
		.dpl = 0,
		.db = 1,
		.s = 1,
		.l = 0,
		.g = 1,
	};
}

int vcpu_set_mb2_entry(struct vcpu *vcpu, uint32_t entry, uint32_t info)
{
	struct kvm_regs regs = {
		.rax = MB2_BOOTLOADER_MAGIC,
		.rbx = info,
		.rip = entry,
		.rflags = X86_RFLAGS_RES1, /* IF clear */
	};
	struct kvm_sregs sregs;
	int ret;

	ret = vm_ioctl(vcpu->vm, vcpu->fd, KVM_GET_SREGS, &sregs,
		       "KVM_GET_SREGS");
	if (ret < 0)
		return ret;
	vcpu_flat_segment(&sregs.cs, VCPU_MB2_CS, X86_SEG_CODE_XR);
	vcpu_flat_segment(&sregs.ds, VCPU_MB2_DS, X86_SEG_DATA_RW);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	/* Caches on (CD and NW clear), as firmware leaves them. */
	sregs.cr0 = X86_CR0_PE | X86_CR0_ET;
	sregs.cr3 = 0;
	sregs.cr4 = 0;
	sregs.efer = 0;
	ret = vm_ioctl(vcpu->vm, vcpu->fd, KVM_SET_SREGS, &sregs,
		       "KVM_SET_SREGS");
	if (ret < 0)
		return ret;
	return vm_ioctl(vcpu->vm, vcpu->fd, KVM_SET_REGS, &regs,
			"KVM_SET_REGS");
}

static void vcpu_io(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	uint64_t bytes = (uint64_t)run->io.size * run->io.count;
	uint64_t room = vcpu->vm->run_mmap_size;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;

	if (run->io.size > sizeof(uint64_t) || run->io.data_offset > room ||
	    bytes > room - run->io.data_offset) {
		vm_stop(vcpu->vm, HV_EXIT_VMM_ERROR, VM_NO_VCPU,
			"vCPU %d: KVM_EXIT_IO data lies outside kvm_run",
			vcpu->id);
		return;
	}
	/* count > 1 for string instructions (rep insb/outsb). */
	for (uint32_t i = 0; i < run->io.count; i++, data += run->io.size) {
		uint64_t val = 0;

		if (run->io.direction == KVM_EXIT_IO_OUT) {
			memcpy(&val, data, run->io.size);
			bus_write(vcpu->bus, BUS_PIO, run->io.port,
				  run->io.size, val);
		} else {
			bus_read(vcpu->bus, BUS_PIO, run->io.port, run->io.size,
				 &val);
			memcpy(data, &val, run->io.size);
		}
	}
}

static void vcpu_mmio(struct vcpu *vcpu)
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

/*
 * The emulated vPMU's MSRs go to the vCPU's own model; any other MSR
 * that exits (none unless a device registers one) to the bus.
 */
static void vcpu_msr(struct vcpu *vcpu, bool write)
{
	struct kvm_run *run = vcpu->run;
	uint64_t val;

	if (vcpu->pmu && vpmu_owns_msr(run->msr.index)) {
		vcpu_pmu_msr_exit(vcpu, write);
		return;
	}
	if (write) {
		run->msr.error = bus_write(vcpu->bus, BUS_MSR, run->msr.index,
					   8, run->msr.data) != 0;
	} else {
		run->msr.error = bus_read(vcpu->bus, BUS_MSR, run->msr.index, 8,
					  &val) != 0;
		if (!run->msr.error)
			run->msr.data = val;
	}
}

static void vcpu_internal_error(struct vcpu *vcpu)
{
	const struct kvm_run *run = vcpu->run;
	uint32_t suberror = run->internal.suberror;
	uint32_t ndata = run->internal.ndata;
	const char *what = "unknown suberror";
	char data[128] = "";
	size_t len = 0;

	if (suberror < VCPU_ARRAY_SIZE(vcpu_internal_error_names) &&
	    vcpu_internal_error_names[suberror])
		what = vcpu_internal_error_names[suberror];
	if (ndata > 4)
		ndata = 4;
	for (uint32_t i = 0; i < ndata && len < sizeof(data); i++)
		len += snprintf(data + len, sizeof(data) - len, " 0x%llx",
				(unsigned long long)run->internal.data[i]);
	vm_stop(vcpu->vm, HV_EXIT_INTERNAL_ERROR, vcpu->id,
		"vCPU %d: KVM internal error (KVM_EXIT_INTERNAL_ERROR): %s, suberror %u%s%s",
		vcpu->id, what, suberror, ndata ? ", data" : "", data);
}

static void vcpu_handle_exit(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		vcpu_io(vcpu);
		break;
	case KVM_EXIT_MMIO:
		vcpu_mmio(vcpu);
		break;
	case KVM_EXIT_X86_RDMSR:
		vcpu_msr(vcpu, false);
		break;
	case KVM_EXIT_X86_WRMSR:
		vcpu_msr(vcpu, true);
		break;
	case KVM_EXIT_DEBUG:
		if (!vcpu->pmu || !vcpu->pmu->stepping)
			goto unhandled;
		vcpu_pmu_debug_exit(vcpu);
		break;
	case KVM_EXIT_SHUTDOWN:
		vm_stop(vcpu->vm, HV_EXIT_TRIPLE_FAULT, vcpu->id,
			"vCPU %d: triple fault (KVM_EXIT_SHUTDOWN)", vcpu->id);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		vcpu_internal_error(vcpu);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		vm_stop(vcpu->vm, HV_EXIT_INTERNAL_ERROR, vcpu->id,
			"vCPU %d: VM entry failed (KVM_EXIT_FAIL_ENTRY), hardware reason 0x%llx on host CPU %u",
			vcpu->id,
			(unsigned long long)
				run->fail_entry.hardware_entry_failure_reason,
			run->fail_entry.cpu);
		break;
	default:
unhandled:
		vm_stop(vcpu->vm, HV_EXIT_UNHANDLED, vcpu->id,
			"vCPU %d: unhandled exit %u (%s)", vcpu->id,
			run->exit_reason, vcpu_exit_name(run->exit_reason));
		break;
	}
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
	while (!vm_stopping(vcpu->vm)) {
		int ret;

		if (!vcpu->entry_ns)
			vcpu->entry_ns = vm_now_ns();
		if (vcpu->pmu)
			vcpu_pmu_before_run(vcpu);
		ret = ioctl(vcpu->fd, KVM_RUN, NULL);
		if (vcpu->pmu)
			vcpu_pmu_after_run(vcpu);
		if (ret < 0) {
			/* A kick, or a signal meant for someone else. */
			if (errno == EINTR || errno == EAGAIN) {
				vcpu_take_kick();
				continue;
			}
			vm_stop(vcpu->vm, HV_EXIT_VMM_ERROR, VM_NO_VCPU,
				"vCPU %d: KVM_RUN: %s", vcpu->id,
				strerror(errno));
			return;
		}
		vcpu_handle_exit(vcpu);
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

static void *vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;
	int ret = vcpu_block_kick_outside_run(vcpu);

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
	vcpu->started = true;
	return 0;
}

void vcpu_stop(struct vcpu *vcpu)
{
	if (!vcpu->started)
		return;
	/*
	 * immediate_exit covers a thread about to enter KVM_RUN; the signal
	 * one already inside it (an AP waiting for SIPI, a halted CPU).
	 */
	__atomic_store_n(&vcpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	pthread_kill(vcpu->thread, VCPU_KICK_SIGNAL);
	pthread_join(vcpu->thread, NULL);
	vcpu->started = false;
}

const char *vcpu_mode_name(const struct kvm_regs *regs,
			   const struct kvm_sregs *sregs)
{
	if (!(sregs->cr0 & X86_CR0_PE))
		return "real mode";
	if (regs->rflags & X86_RFLAGS_VM)
		return "virtual-8086 mode";
	if (sregs->efer & X86_EFER_LMA)
		return sregs->cs.l ? "64-bit long mode" : "compatibility mode";
	if (!sregs->cs.db)
		return "16-bit protected mode";
	return sregs->cr0 & X86_CR0_PG ? "32-bit protected mode, paging" :
					 "32-bit protected mode";
}

void vcpu_print_regs(FILE *out, int id, const struct kvm_regs *regs,
		     const struct kvm_sregs *sregs)
{
	const struct {
		const char *name;
		unsigned long long val;
	} r[] = {
		{ "RIP", regs->rip },	    { "RSP", regs->rsp },
		{ "RFLAGS", regs->rflags }, { "RAX", regs->rax },
		{ "RBX", regs->rbx },	    { "RCX", regs->rcx },
		{ "RDX", regs->rdx },	    { "RSI", regs->rsi },
		{ "RDI", regs->rdi },	    { "RBP", regs->rbp },
		{ "R8", regs->r8 },	    { "R9", regs->r9 },
		{ "R10", regs->r10 },	    { "R11", regs->r11 },
		{ "R12", regs->r12 },	    { "R13", regs->r13 },
		{ "R14", regs->r14 },	    { "R15", regs->r15 },
		{ "CR0", sregs->cr0 },	    { "CR2", sregs->cr2 },
		{ "CR3", sregs->cr3 },	    { "CR4", sregs->cr4 },
		{ "EFER", sregs->efer },
	};

	fprintf(out, "hvcheck: vCPU %d registers (%s):\n", id,
		vcpu_mode_name(regs, sregs));
	for (size_t i = 0; i < VCPU_ARRAY_SIZE(r); i++)
		fprintf(out, "  %-6s %016llx%s", r[i].name, r[i].val,
			i % 3 == 2 ? "\n" : "");
	fprintf(out, "  CS %04x  SS %04x\n", sregs->cs.selector,
		sregs->ss.selector);
}

int vcpu_dump_regs(struct vcpu *vcpu, FILE *out)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	int ret;

	ret = vm_ioctl(vcpu->vm, vcpu->fd, KVM_GET_REGS, &regs, "KVM_GET_REGS");
	if (ret < 0)
		return ret;
	ret = vm_ioctl(vcpu->vm, vcpu->fd, KVM_GET_SREGS, &sregs,
		       "KVM_GET_SREGS");
	if (ret < 0)
		return ret;
	vcpu_print_regs(out, vcpu->id, &regs, &sregs);
	return 0;
}
