// SPDX-License-Identifier: GPL-2.0-only
/* KVM's in-kernel PMUv3 for the arm64 machine: set-up, filter, restore. */
#include <dirent.h>
#include <errno.h>
#include <linux/kvm.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hvcheck_abi.h"
#include "vmm/arm64/vpmu_kvm.h"

/*
 * The arm64 uAPI numbers (asm/kvm.h of arm64, Documentation/virt/kvm/
 * devices/vcpu.rst), spelled out so that this glue is unit-tested on
 * any host; an arm64 build checks them against the kernel's headers.
 */
#define PMU_V3_CTRL	0
#define PMU_V3_IRQ	0
#define PMU_V3_INIT	1
#define PMU_V3_FILTER	2
#define PMU_V3_SET_PMU	3
#define REG_ARM64	0x6000000000000000ULL
#define REG_SIZE_U64	0x0030000000000000ULL
#define REG_SYSREG	(0x0013ULL << 16)
#define PMCR_SYSREG	SYSREG(3, 3, 9, 12, 0)
#define ONE_REG(sysreg) (REG_ARM64 | REG_SIZE_U64 | REG_SYSREG | (sysreg))
#define PMCR_CONTROL	0xffULL

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

/* The CPUs the VMM may run on: the tests' or sched_getaffinity()'s. */
static int vpmu_affinity(const struct arm64_vpmu *p, cpu_set_t *cpus)
{
	if (p->cpus)
		*cpus = *p->cpus;
	else if (sched_getaffinity(0, sizeof(*cpus), cpus) < 0)
		return -errno;
	return 0;
}

/*
 * big.LITTLE under --pmu=auto: with no armv8 PMU covering every CPU the
 * VMM may run on, KVM's vPMU would count on some of them only; the run
 * goes without it, said in one line (--pmu=kvm, --pmu-filter and
 * --pmu-restore keep the error of vpmu_set_pmu()).
 */
static void vpmu_auto_cover(struct arm64_vpmu *p)
{
	const struct arm64_options *o = p->opts;
	char name[256];
	cpu_set_t cpus;

	if (!p->on || o->pmu != ARM64_PMU_AUTO || o->nr_pmu_filters ||
	    o->nr_pmu_restore || vpmu_affinity(p, &cpus) ||
	    arm64_vpmu_host_pmu(p->sysfs, &cpus, name, sizeof(name)) != -ESRCH)
		return;
	fprintf(stderr,
		"hvcheck: warning: --pmu=auto: no armv8 PMU under %s covers every CPU this VMM may run on: no vPMU (pin it to one PMU's CPUs, taskset, for one)\n",
		p->sysfs);
	p->on = false;
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
	vpmu_auto_cover(p);
	return 0;
}

void arm64_vpmu_features(const struct arm64_vpmu *p, uint32_t *features0)
{
	if (p->on)
		*features0 |= 1u << ARM64_VPMU_FEATURE;
}

/*
 * Whether the cpulist file at path ("0-3,6\n", as the kernel writes a
 * PMU's "cpus") names every CPU of want; an unreadable or malformed
 * file names none.
 */
static bool cpulist_covers(const char *path, const cpu_set_t *want)
{
	char list[1024], *p = list, *end;
	cpu_set_t have;
	FILE *f = fopen(path, "re");
	bool ok = f && fgets(list, sizeof(list), f);

	if (f)
		fclose(f);
	CPU_ZERO(&have);
	while (ok && *p && *p != '\n') {
		unsigned long lo = strtoul(p, &end, 10), hi = lo;

		ok = end != p && lo < CPU_SETSIZE;
		if (ok && *end == '-')
			hi = strtoul(p = end + 1, &end, 10);
		ok = ok && end != p && hi >= lo && hi < CPU_SETSIZE &&
		     (*end == ',' || *end == '\n' || !*end);
		for (unsigned long c = lo; ok && c <= hi; c++)
			CPU_SET(c, &have);
		p = *end == ',' ? end + 1 : end;
	}
	CPU_AND(&have, &have, want);
	return ok && CPU_EQUAL(&have, want);
}

/* Its perf type when dir/d is an armv8_/armv9_ PMU covering cpus, else -1. */
static int host_pmu_type(const char *dir, const char *d, const cpu_set_t *cpus,
			 bool *seen)
{
	char path[512];
	int id = -1;
	FILE *f;

	if (strncmp(d, "armv8_", 6) && strncmp(d, "armv9_", 6))
		return -1;
	*seen = true;
	snprintf(path, sizeof(path), "%s/%s/cpus", dir, d);
	if (!cpulist_covers(path, cpus))
		return -1;
	snprintf(path, sizeof(path), "%s/%s/type", dir, d);
	f = fopen(path, "re");
	if (!f || fscanf(f, "%d", &id) != 1)
		id = -1;
	if (f)
		fclose(f);
	return id;
}

int arm64_vpmu_host_pmu(const char *dir, const cpu_set_t *cpus, char *name,
			size_t namelen)
{
	struct dirent **list;
	bool seen = false;
	int n, id = -1;

	n = scandir(dir, &list, NULL, alphasort);
	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		if (id < 0) {
			id = host_pmu_type(dir, list[i]->d_name, cpus, &seen);
			if (id >= 0)
				snprintf(name, namelen, "%s", list[i]->d_name);
		}
		free(list[i]);
	}
	free(list);
	return id >= 0 ? id : seen ? -ESRCH : -ENOENT;
}

/* Event file path's "event=0xNN" common event below 64, or -1. */
static int event_file(const char *path)
{
	FILE *f = fopen(path, "re");
	unsigned int ev;
	int ret = -1;

	if (f && fscanf(f, "event=%x", &ev) == 1 && ev < 64)
		ret = ev;
	if (f)
		fclose(f);
	return ret;
}

int arm64_vpmu_host_events(const char *dir, const char *name, uint64_t *events)
{
	char path[512];
	struct dirent **list;
	int n;

	snprintf(path, sizeof(path), "%s/%s/events", dir, name);
	n = scandir(path, &list, NULL, alphasort);
	if (n < 0)
		return -errno;
	*events = 0;
	for (int i = 0; i < n; i++) {
		char file[1024];
		int ev;

		snprintf(file, sizeof(file), "%s/%s", path, list[i]->d_name);
		ev = list[i]->d_name[0] == '.' ? -1 : event_file(file);
		if (ev >= 0)
			*events |= 1ULL << ev;
		free(list[i]);
	}
	free(list);
	return 0;
}

#define MEASURE_LOOPS 100000

long long arm64_vpmu_reading(const struct arm64_vpmu_reading *r)
{
	/* never on the PMU (multiplexed out, or no counter free): unknown */
	if (!r->time_running)
		return -EAGAIN;
	return (long long)r->value;
}

/* arm64_vpmu_count_fn of the host: a perf counter of this thread at EL0. */
static long long vpmu_host_count(int type, unsigned int event)
{
	struct perf_event_attr a = {
		.type = type,
		.size = sizeof(a),
		.config = event,
		.exclude_kernel = 1,
		.exclude_hv = 1,
		.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED |
			       PERF_FORMAT_TOTAL_TIME_RUNNING,
	};
	struct arm64_vpmu_reading r;
	long long count;
	int fd = syscall(SYS_perf_event_open, &a, 0, -1, -1,
			 PERF_FLAG_FD_CLOEXEC);

	if (fd < 0)
		return -errno;
	for (volatile unsigned int i = 0; i < MEASURE_LOOPS; i++)
		;
	if (read(fd, &r, sizeof(r)) != sizeof(r))
		count = -EIO;
	else
		count = arm64_vpmu_reading(&r);
	close(fd);
	return count;
}

/*
 * The host PMU's offered events, less those that counted nothing over
 * a measured loop while on the PMU (one that cannot be measured, or was
 * never scheduled on it, stays: unknown).
 */
static void vpmu_measure_events(struct arm64_vpmu *p, int type)
{
	arm64_vpmu_count_fn count = p->count ? p->count : vpmu_host_count;

	for (unsigned int ev = 0; ev < 64; ev++)
		if ((p->host_events >> ev & 1) && !count(type, ev))
			p->host_events &= ~(1ULL << ev);
}

/* KVM_ARM_VCPU_PMU_V3_SET_PMU where KVM has it and the host names a PMU. */
static int vpmu_set_pmu(struct arm64_vpmu *p, struct vm *vm, int fd, char *err,
			size_t errlen)
{
	char name[256] = "";
	cpu_set_t cpus;
	int id, ret;

	if (vpmu_attr(vm, fd, KVM_HAS_DEVICE_ATTR, PMU_V3_SET_PMU, NULL,
		      "KVM_HAS_DEVICE_ATTR(PMU_V3_SET_PMU)") < 0)
		return 0; /* before Linux 5.18: KVM picks the PMU */
	ret = vpmu_affinity(p, &cpus);
	if (ret) {
		snprintf(err, errlen, "--pmu: sched_getaffinity: %s",
			 strerror(-ret));
		return ret;
	}
	id = arm64_vpmu_host_pmu(p->sysfs, &cpus, name, sizeof(name));
	if (id == -ESRCH) {
		snprintf(
			err, errlen,
			"--pmu: no armv8 PMU under %s covers every CPU this VMM may run on: pin it to one PMU's CPUs (taskset)",
			p->sysfs);
		return id;
	}
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
	p->host_events_known =
		!arm64_vpmu_host_events(p->sysfs, name, &p->host_events);
	if (p->host_events_known)
		vpmu_measure_events(p, id);
	return 0;
}

/*
 * PMCR_EL0's control bits 7:0 from the spec; N and the ID fields stay
 * KVM's (a VMM restores what it saved from the same KVM).
 */
static int vpmu_restore_pmcr(struct vm *vm, int fd, uint64_t *value)
{
	uint64_t kvm = 0;
	int ret = vm_get_one_reg(vm, fd, ONE_REG(PMCR_SYSREG), &kvm);

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
		int ret = 0;

		if (r->sysreg == PMCR_SYSREG)
			ret = vpmu_restore_pmcr(vm, fd, &value);
		if (!ret)
			ret = vm_set_one_reg(vm, fd, ONE_REG(r->sysreg), value);
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
