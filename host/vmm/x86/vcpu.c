// SPDX-License-Identifier: GPL-2.0-only
/* x86 vCPUs on the shared core: set-up, entry state, exits, registers. */
#include <string.h>

#include "array_size.h"
#include "hvcheck_abi.h"
#include "vmm/x86/multiboot2.h"
#include "vmm/x86/vcpu.h"
#include "vmm/x86/vpmu.h"
#include "vmm/x86/regs.h"

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

int x86_vcpu_set_mb2_entry(struct vcpu *vcpu, uint32_t entry, uint32_t info)
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

/*
 * The vPMU's MSRs go to its back end (the emulated vPMU's model); any
 * other MSR that exits (none unless a device registers one) to the bus.
 */
static void vcpu_msr(struct vcpu *vcpu, bool write)
{
	const struct vpmu_backend *pmu = vcpu->pmu_backend;
	struct kvm_run *run = vcpu->run;
	uint64_t val;

	if (pmu && pmu->msr_exit && pmu->msr_exit(vcpu, write))
		return;
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

	if (suberror < ARRAY_SIZE(vcpu_internal_error_names) &&
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
		vcpu_mmio_exit(vcpu);
		break;
	case KVM_EXIT_X86_RDMSR:
		vcpu_msr(vcpu, false);
		break;
	case KVM_EXIT_X86_WRMSR:
		vcpu_msr(vcpu, true);
		break;
	case KVM_EXIT_DEBUG:
		if (!vcpu->pmu_backend || !vcpu->pmu_backend->debug_exit ||
		    !vcpu->pmu_backend->debug_exit(vcpu))
			goto unhandled;
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
		vcpu_unhandled_exit(vcpu, vcpu_exit_names,
				    ARRAY_SIZE(vcpu_exit_names));
		break;
	}
}

static void vcpu_x86_before_run(struct vcpu *vcpu)
{
	if (vcpu->pmu_backend && vcpu->pmu_backend->before_run)
		vcpu->pmu_backend->before_run(vcpu);
}

static void vcpu_x86_after_run(struct vcpu *vcpu)
{
	if (vcpu->pmu_backend && vcpu->pmu_backend->after_run)
		vcpu->pmu_backend->after_run(vcpu);
}

static const struct vcpu_arch_ops vcpu_x86_ops = {
	.before_run = vcpu_x86_before_run,
	.after_run = vcpu_x86_after_run,
	.handle_exit = vcpu_handle_exit,
	.dump_regs = x86_vcpu_dump_regs,
};

int x86_vcpu_create(struct vcpu *vcpu, struct vm *vm, struct bus *bus, int id,
		    const struct cpuid *cpuid)
{
	int ret = vcpu_open(vcpu, vm, bus, id, &vcpu_x86_ops);

	if (ret < 0)
		return ret;
	ret = vm_ioctl(vm, vcpu->fd, KVM_SET_CPUID2, cpuid->table,
		       "KVM_SET_CPUID2");
	if (ret < 0)
		vcpu_destroy(vcpu);
	return ret;
}

const char *x86_vcpu_mode_name(const struct kvm_regs *regs,
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

void x86_vcpu_print_regs(FILE *out, int id, const struct kvm_regs *regs,
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
		x86_vcpu_mode_name(regs, sregs));
	for (size_t i = 0; i < ARRAY_SIZE(r); i++)
		fprintf(out, "  %-6s %016llx%s", r[i].name, r[i].val,
			i % 3 == 2 ? "\n" : "");
	fprintf(out, "  CS %04x  SS %04x\n", sregs->cs.selector,
		sregs->ss.selector);
}

int x86_vcpu_dump_regs(struct vcpu *vcpu, FILE *out)
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
	x86_vcpu_print_regs(out, vcpu->id, &regs, &sregs);
	return 0;
}
