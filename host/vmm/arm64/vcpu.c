// SPDX-License-Identifier: GPL-2.0-only
/* arm64 KVM glue: the VM, vCPUs with PSCI, their exits and registers. */
#include <stddef.h>
#include <string.h>

#include "array_size.h"
#include "hvcheck_abi.h"
#include "vmm/arm64/board.h"
#include "vmm/arm64/vcpu.h"

#define ARM64_CORE_REG(field)                                  \
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
	 KVM_REG_ARM_CORE_REG(field))
#define ARM64_REG_X(n)	    ARM64_CORE_REG(regs.regs[n])
#define ARM64_REG_PC	    ARM64_CORE_REG(regs.pc)
#define ARM64_REG_PSTATE    ARM64_CORE_REG(regs.pstate)
#define ARM64_REG_SP_EL0    ARM64_CORE_REG(regs.sp)
#define ARM64_REG_SP_EL1    ARM64_CORE_REG(sp_el1)
#define ARM64_REG_ELR_EL1   ARM64_CORE_REG(elr_el1)
#define ARM64_REG_MPIDR_EL1 ARM64_SYS_REG(3, 0, 0, 0, 5)
#define ARM64_REG_ESR_EL1   ARM64_SYS_REG(3, 0, 5, 2, 0)
#define ARM64_REG_FAR_EL1   ARM64_SYS_REG(3, 0, 6, 0, 0)

#define ARM64_MPIDR_AFFINITY 0xff00ffffffULL
#define ARM64_PSTATE_MODE    0xf

static const char *const arm64_exit_names[] = {
	[KVM_EXIT_UNKNOWN] = "KVM_EXIT_UNKNOWN",
	[KVM_EXIT_EXCEPTION] = "KVM_EXIT_EXCEPTION",
	[KVM_EXIT_HYPERCALL] = "KVM_EXIT_HYPERCALL",
	[KVM_EXIT_DEBUG] = "KVM_EXIT_DEBUG",
	[KVM_EXIT_MMIO] = "KVM_EXIT_MMIO",
	[KVM_EXIT_FAIL_ENTRY] = "KVM_EXIT_FAIL_ENTRY",
	[KVM_EXIT_INTR] = "KVM_EXIT_INTR",
	[KVM_EXIT_INTERNAL_ERROR] = "KVM_EXIT_INTERNAL_ERROR",
	[KVM_EXIT_SYSTEM_EVENT] = "KVM_EXIT_SYSTEM_EVENT",
	[KVM_EXIT_ARM_NISV] = "KVM_EXIT_ARM_NISV",
	[KVM_EXIT_DIRTY_RING_FULL] = "KVM_EXIT_DIRTY_RING_FULL",
};

int arm64_vm_create(struct vm *vm, const struct guest_mem *ram,
		    struct kvm_vcpu_init *init)
{
	/* Type 0: the default 40-bit IPA space, far above RAM's 4 GiB. */
	static const struct vm_shape arm64 = { .ram_gpa = HV_ARM64_RAM_BASE };
	int ret = vm_create(vm, ram, &arm64);

	if (ret < 0)
		return ret;
	memset(init, 0, sizeof(*init));
	ret = vm_ioctl(vm, vm->vm_fd, KVM_ARM_PREFERRED_TARGET, init,
		       "KVM_ARM_PREFERRED_TARGET");
	if (ret < 0)
		vm_close(vm);
	return ret;
}

int arm64_vcpu_create(struct vcpu *vcpu, struct vm *vm, struct bus *bus, int id,
		      const struct kvm_vcpu_init *init, bool powered_off,
		      const struct vcpu_arch_ops *ops)
{
	struct kvm_vcpu_init vcpu_init = *init;
	int ret = vcpu_open(vcpu, vm, bus, id, ops);

	if (ret < 0)
		return ret;
	vcpu_init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (powered_off)
		vcpu_init.features[0] |= 1u << KVM_ARM_VCPU_POWER_OFF;
	ret = vm_ioctl(vm, vcpu->fd, KVM_ARM_VCPU_INIT, &vcpu_init,
		       "KVM_ARM_VCPU_INIT");
	if (ret < 0)
		vcpu_destroy(vcpu);
	return ret;
}

int arm64_vcpu_set_entry(struct vcpu *vcpu, uint64_t pc, uint64_t x0)
{
	int ret = vm_set_one_reg(vcpu->vm, vcpu->fd, ARM64_REG_PC, pc);

	return ret ? ret :
		     vm_set_one_reg(vcpu->vm, vcpu->fd, ARM64_REG_X(0), x0);
}

int arm64_vcpu_mpidr(struct vcpu *vcpu, uint64_t *mpidr)
{
	int ret =
		vm_get_one_reg(vcpu->vm, vcpu->fd, ARM64_REG_MPIDR_EL1, mpidr);

	*mpidr &= ARM64_MPIDR_AFFINITY;
	return ret;
}

void arm64_vcpu_system_event(struct vcpu *vcpu, int said)
{
	char why[160];
	int status = board_system_event_status(vcpu->run->system_event.type,
					       said, why, sizeof(why));

	if (why[0])
		vm_stop(vcpu->vm, status, vcpu->id, "vCPU %d: %s", vcpu->id,
			why);
	else
		vm_stop(vcpu->vm, status, VM_NO_VCPU, "%s", "");
}

void arm64_vcpu_handle_exit(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	uint32_t reason = run->exit_reason;

	switch (reason) {
	case KVM_EXIT_MMIO:
		vcpu_mmio_exit(vcpu);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		vm_stop(vcpu->vm, HV_EXIT_INTERNAL_ERROR, vcpu->id,
			"vCPU %d: KVM internal error (KVM_EXIT_INTERNAL_ERROR), suberror %u",
			vcpu->id, run->internal.suberror);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		vm_stop(vcpu->vm, HV_EXIT_INTERNAL_ERROR, vcpu->id,
			"vCPU %d: VM entry failed (KVM_EXIT_FAIL_ENTRY), hardware reason 0x%llx",
			vcpu->id,
			(unsigned long long)
				run->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_ARM_NISV:
		vm_stop(vcpu->vm, HV_EXIT_UNHANDLED, vcpu->id,
			"vCPU %d: an access KVM cannot decode (KVM_EXIT_ARM_NISV) at IPA 0x%llx",
			vcpu->id, (unsigned long long)run->arm_nisv.fault_ipa);
		break;
	default:
		vcpu_unhandled_exit(vcpu, arm64_exit_names,
				    ARRAY_SIZE(arm64_exit_names));
		break;
	}
}

static const char *arm64_mode_name(uint64_t pstate)
{
	switch (pstate & ARM64_PSTATE_MODE) {
	case 0x0:
		return "EL0t";
	case 0x4:
		return "EL1t";
	case 0x5:
		return "EL1h";
	case 0x8:
		return "EL2t";
	case 0x9:
		return "EL2h";
	default:
		return "unknown mode";
	}
}

int arm64_vcpu_dump_regs(struct vcpu *vcpu, FILE *out)
{
	static const struct {
		const char *name;
		uint64_t id;
	} sys[] = {
		{ "PC", ARM64_REG_PC },
		{ "PSTATE", ARM64_REG_PSTATE },
		{ "SP_EL0", ARM64_REG_SP_EL0 },
		{ "SP_EL1", ARM64_REG_SP_EL1 },
		{ "ELR_EL1", ARM64_REG_ELR_EL1 },
		{ "ESR_EL1", ARM64_REG_ESR_EL1 },
		{ "FAR_EL1", ARM64_REG_FAR_EL1 },
	};
	uint64_t val[ARRAY_SIZE(sys)], x[31];
	int ret;

	for (size_t i = 0; i < ARRAY_SIZE(sys); i++) {
		ret = vm_get_one_reg(vcpu->vm, vcpu->fd, sys[i].id, &val[i]);
		if (ret)
			return ret;
	}
	for (unsigned int i = 0; i < 31; i++) {
		ret = vm_get_one_reg(vcpu->vm, vcpu->fd, ARM64_REG_X(i), &x[i]);
		if (ret)
			return ret;
	}
	fprintf(out, "hvcheck: vCPU %d registers (%s):\n", vcpu->id,
		arm64_mode_name(val[1]));
	for (size_t i = 0; i < ARRAY_SIZE(sys); i++)
		fprintf(out, "  %-7s %016llx%s", sys[i].name,
			(unsigned long long)val[i], i % 3 == 2 ? "\n" : "");
	fputc('\n', out);
	for (unsigned int i = 0; i < 31; i++)
		fprintf(out, "  X%-6u %016llx%s", i, (unsigned long long)x[i],
			i % 3 == 2 || i == 30 ? "\n" : "");
	return 0;
}
