// SPDX-License-Identifier: GPL-2.0-only
/* KVM's in-kernel PMUv3 for the arm64 machine: set-up, filter, restore. */
#include <dirent.h>
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvcheck_abi.h"
#include "vmm/arm64/vpmu_kvm.h"

/*
 * The arm64 uAPI numbers (asm/kvm.h of arm64, Documentation/virt/kvm/
 * devices/vcpu.rst), spelled out so that this glue is unit-tested on
 * any host; an arm64 build checks them against the kernel's headers.
 */
#define PMU_V3_CTRL    0
#define PMU_V3_IRQ     0
#define PMU_V3_INIT    1
#define PMU_V3_FILTER  2
#define PMU_V3_SET_PMU 3
#define REG_ARM64      0x6000000000000000ULL
#define REG_SIZE_U64   0x0030000000000000ULL
#define REG_SYSREG     (0x0013ULL << 16)
#define PMCR_SYSREG    SYSREG(3, 3, 9, 12, 0)
#define PMCR_CONTROL   0xffULL

/* struct kvm_pmu_event_filter */
struct vpmu_kvm_filter {
	uint16_t base_event;
	uint16_t nevents;
	uint8_t action;
	uint8_t pad[3];
};

#ifdef __aarch64__
_Static_assert(PMU_V3_CTRL == KVM_ARM_VCPU_PMU_V3_CTRL, "uAPI");
_Static_assert(PMU_V3_IRQ == KVM_ARM_VCPU_PMU_V3_IRQ, "uAPI");
_Static_assert(PMU_V3_INIT == KVM_ARM_VCPU_PMU_V3_INIT, "uAPI");
_Static_assert(PMU_V3_FILTER == KVM_ARM_VCPU_PMU_V3_FILTER, "uAPI");
_Static_assert(PMU_V3_SET_PMU == KVM_ARM_VCPU_PMU_V3_SET_PMU, "uAPI");
_Static_assert(ARM64_VPMU_FEATURE == KVM_ARM_VCPU_PMU_V3, "uAPI");
_Static_assert(REG_ARM64 == KVM_REG_ARM64 && REG_SYSREG == KVM_REG_ARM64_SYSREG,
	       "uAPI");
_Static_assert(sizeof(struct vpmu_kvm_filter) ==
		       sizeof(struct kvm_pmu_event_filter),
	       "uAPI");
#endif

static int vpmu_attr(struct vm *vm, int fd, unsigned long request,
		     uint64_t attr, void *value, const char *what)
{
	struct kvm_device_attr a = {
		.group = PMU_V3_CTRL,
		.attr = attr,
		.addr = (uintptr_t)value,
	};

	return vm_ioctl(vm, fd, request, &a, what);
}

int arm64_vpmu_probe(struct arm64_vpmu *p, struct vm *vm,
		     const struct arm64_options *opts, char *err, size_t errlen)
{
	int ret = 0;

	p->opts = opts;
	p->host_pmu = -1;
	p->active = HV_HOSTCTL_FILTER_NONE;
	if (!p->sysfs)
		p->sysfs = ARM64_VPMU_SYSFS;
	if (opts->pmu != ARM64_PMU_OFF)
		ret = vm_check_cap(vm, KVM_CAP_ARM_PMU_V3,
				   "KVM_CHECK_EXTENSION(KVM_CAP_ARM_PMU_V3)");
	if (ret < 0) {
		snprintf(err, errlen, "--pmu: %s: %s", vm->failed,
			 strerror(-ret));
		return ret;
	}
	p->on = ret > 0;
	if (!p->on && (opts->pmu == ARM64_PMU_KVM || opts->nr_pmu_filters ||
		       opts->nr_pmu_restore)) {
		snprintf(err, errlen,
			 "%s: this KVM offers no vPMU (no KVM_CAP_ARM_PMU_V3)",
			 opts->pmu == ARM64_PMU_KVM ? "--pmu=kvm" :
			 opts->nr_pmu_filters	    ? "--pmu-filter" :
						      "--pmu-restore");
		return -ENODEV;
	}
	for (unsigned int i = 0; i < opts->nr_pmu_filters; i++) {
		char why[MACHINE_ERR_SIZE];

		ret = filter_policy_load(opts->pmu_filters[i],
					 FILTER_ARCH_ARM64, &p->policies[i],
					 why, sizeof(why));
		if (ret) {
			snprintf(err, errlen, "--pmu-filter %u: %s", i, why);
			return ret;
		}
		p->nr_policies++;
	}
	return 0;
}

void arm64_vpmu_features(const struct arm64_vpmu *p, uint32_t *features0)
{
	if (p->on)
		*features0 |= 1u << ARM64_VPMU_FEATURE;
}

int arm64_vpmu_host_pmu(const char *dir, char *name, size_t namelen)
{
	struct dirent **list;
	int n, id = -ENOENT;

	n = scandir(dir, &list, NULL, alphasort);
	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		const char *d = list[i]->d_name;
		char path[512];
		FILE *f;

		if (id < 0 &&
		    (!strncmp(d, "armv8_", 6) || !strncmp(d, "armv9_", 6))) {
			snprintf(path, sizeof(path), "%s/%s/type", dir, d);
			f = fopen(path, "re");
			if (f && fscanf(f, "%d", &id) == 1 && id >= 0)
				snprintf(name, namelen, "%s", d);
			else
				id = -ENOENT;
			if (f)
				fclose(f);
		}
		free(list[i]);
	}
	free(list);
	return id;
}

/* KVM_ARM_VCPU_PMU_V3_SET_PMU where KVM has it and the host names a PMU. */
static int vpmu_set_pmu(struct arm64_vpmu *p, struct vm *vm, int fd, char *err,
			size_t errlen)
{
	char name[256] = "";
	int id, ret;

	if (vpmu_attr(vm, fd, KVM_HAS_DEVICE_ATTR, PMU_V3_SET_PMU, NULL,
		      "KVM_HAS_DEVICE_ATTR(PMU_V3_SET_PMU)") < 0)
		return 0; /* before Linux 5.18: KVM picks the PMU */
	id = arm64_vpmu_host_pmu(p->sysfs, name, sizeof(name));
	if (id < 0)
		return 0; /* none found: KVM's default, the VMM's CPU's PMU */
	ret = vpmu_attr(vm, fd, KVM_SET_DEVICE_ATTR, PMU_V3_SET_PMU, &id,
			"KVM_SET_DEVICE_ATTR(PMU_V3_SET_PMU)");
	if (ret < 0) {
		snprintf(err, errlen,
			 "--pmu: KVM refuses the host PMU %s (id %d): %s", name,
			 id, strerror(-ret));
		return ret;
	}
	p->host_pmu = id;
	return 0;
}

/*
 * PMCR_EL0's control bits 7:0 from the spec; N and the ID fields stay
 * KVM's (a VMM restores what it saved from the same KVM).
 */
static int vpmu_restore_pmcr(struct vm *vm, int fd, uint64_t *value)
{
	uint64_t kvm = 0;
	struct kvm_one_reg reg = {
		.id = REG_ARM64 | REG_SIZE_U64 | REG_SYSREG | PMCR_SYSREG,
		.addr = (uintptr_t)&kvm,
	};
	int ret = vm_ioctl(vm, fd, KVM_GET_ONE_REG, &reg, "KVM_GET_ONE_REG");

	if (!ret)
		*value = (kvm & ~PMCR_CONTROL) | (*value & PMCR_CONTROL);
	return ret;
}

static int vpmu_restore(struct arm64_vpmu *p, struct vm *vm, int fd, char *err,
			size_t errlen)
{
	for (unsigned int i = 0; i < p->opts->nr_pmu_restore; i++) {
		const struct arm64_pmu_reg *r = &p->opts->pmu_restore[i];
		uint64_t value = r->value;
		struct kvm_one_reg reg = {
			.id = REG_ARM64 | REG_SIZE_U64 | REG_SYSREG | r->sysreg,
			.addr = (uintptr_t)&value,
		};
		int ret = 0;

		if (r->sysreg == PMCR_SYSREG)
			ret = vpmu_restore_pmcr(vm, fd, &value);
		if (!ret)
			ret = vm_ioctl(vm, fd, KVM_SET_ONE_REG, &reg,
				       "KVM_SET_ONE_REG");
		if (ret < 0) {
			snprintf(
				err, errlen,
				"--pmu-restore: KVM refuses register %u (sysreg 0x%x) = 0x%llx: %s",
				i, r->sysreg, (unsigned long long)value,
				strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/* Policy index's ranges, in order; *bad the range KVM refused. */
static int vpmu_set_filter(struct arm64_vpmu *p, struct vm *vm, int fd,
			   uint32_t index, unsigned int *bad)
{
	const struct filter_arm64 *f = &p->policies[index].arm64;

	for (unsigned int i = 0; i < f->nr; i++) {
		struct vpmu_kvm_filter kf = {
			.base_event = f->ranges[i].base_event,
			.nevents = f->ranges[i].nevents,
			.action = f->ranges[i].action,
		};
		int ret = vpmu_attr(vm, fd, KVM_SET_DEVICE_ATTR, PMU_V3_FILTER,
				    &kf, "KVM_SET_DEVICE_ATTR(PMU_V3_FILTER)");

		if (ret < 0) {
			*bad = i;
			return ret;
		}
	}
	p->active = index;
	return 0;
}

int arm64_vpmu_vcpu_config(struct arm64_vpmu *p, struct vm *vm, int vcpu_fd,
			   bool first, char *err, size_t errlen)
{
	unsigned int bad = 0;
	int ret;

	if (!p->on)
		return 0;
	if (first) {
		ret = vpmu_set_pmu(p, vm, vcpu_fd, err, errlen);
		if (ret)
			return ret;
	}
	ret = vpmu_restore(p, vm, vcpu_fd, err, errlen);
	if (ret || !first || !p->nr_policies || p->policies[0].none)
		return ret;
	ret = vpmu_set_filter(p, vm, vcpu_fd, 0, &bad);
	if (ret < 0)
		snprintf(
			err, errlen,
			"--pmu-filter 0: KVM refuses range %u (events 0x%x + %u): %s",
			bad, p->policies[0].arm64.ranges[bad].base_event,
			p->policies[0].arm64.ranges[bad].nevents,
			strerror(-ret));
	return ret;
}

int arm64_vpmu_vcpu_init(struct arm64_vpmu *p, struct vm *vm, int vcpu_fd,
			 bool kernel_irqchip, char *err, size_t errlen)
{
	int irq = ARM64_VPMU_INTID, ret;

	if (!p->on)
		return 0;
	if (kernel_irqchip) {
		ret = vpmu_attr(vm, vcpu_fd, KVM_SET_DEVICE_ATTR, PMU_V3_IRQ,
				&irq, "KVM_SET_DEVICE_ATTR(PMU_V3_IRQ)");
		if (ret < 0) {
			snprintf(
				err, errlen,
				"--pmu: KVM refuses the PMU interrupt INTID %d: %s",
				irq, strerror(-ret));
			return ret;
		}
	}
	ret = vpmu_attr(vm, vcpu_fd, KVM_SET_DEVICE_ATTR, PMU_V3_INIT, NULL,
			"KVM_SET_DEVICE_ATTR(PMU_V3_INIT)");
	if (ret < 0)
		snprintf(err, errlen, "--pmu: KVM's PMU_V3_INIT fails: %s",
			 strerror(-ret));
	return ret;
}

int arm64_vpmu_filter_select(struct arm64_vpmu *p, struct vm *vm, int vcpu_fd,
			     uint32_t index)
{
	unsigned int bad;

	if (index == HV_HOSTCTL_FILTER_NONE)
		return -EOPNOTSUPP;
	if (index >= p->nr_policies)
		return -EINVAL;
	if (p->policies[index].none)
		return -EOPNOTSUPP;
	return vpmu_set_filter(p, vm, vcpu_fd, index, &bad);
}

void arm64_vpmu_free(struct arm64_vpmu *p)
{
	for (unsigned int i = 0; i < p->nr_policies; i++)
		filter_policy_free(&p->policies[i]);
	p->nr_policies = 0;
}
