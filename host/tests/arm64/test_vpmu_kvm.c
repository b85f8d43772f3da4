// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the arm64 vPMU glue: KVM's PMUv3 set-up order, filter, restore. */
#include <errno.h>
#include <linux/kvm.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_ioctl.h"
#include "hvcheck_abi.h"
#include "runner/files.h"
#include "stderr_capture.h"
#include "vmm/arm64/vpmu_kvm.h"

#define VM_FD	42
#define VCPU_FD 43

/* The arm64 uAPI numbers, as Documentation/virt/kvm/devices/vcpu.rst gives them. */
#define ATTR_IRQ     0
#define ATTR_INIT    1
#define ATTR_FILTER  2
#define ATTR_SET_PMU 3
#define REG_SYSREG   0x6030000000130000ULL /* ARM64 | U64 | SYSREG */

/* One KVM_SET_DEVICE_ATTR or KVM_SET_ONE_REG, with what its pointer held. */
struct seen_call {
	unsigned long request;
	uint32_t group;
	uint64_t attr;	   /* the attribute, or the register id */
	uint64_t value;	   /* int / u64 payload */
	uint8_t filter[8]; /* struct kvm_pmu_event_filter */
	bool null_payload;
};

static struct {
	struct seen_call calls[32];
	unsigned int nr;
} seen;

static int record(int fd, unsigned long request, void *arg, void *ctx)
{
	struct seen_call *c = &seen.calls[seen.nr++];
	int err = (int)(intptr_t)ctx;

	assert_int_equal(fd, VCPU_FD);
	c->request = request;
	if (request == KVM_SET_ONE_REG) {
		const struct kvm_one_reg *r = arg;

		c->attr = r->id;
		c->value = *(const uint64_t *)(uintptr_t)r->addr;
	} else {
		const struct kvm_device_attr *a = arg;

		c->group = a->group;
		c->attr = a->attr;
		c->null_payload = !a->addr;
		if (a->addr && a->attr == ATTR_FILTER)
			memcpy(c->filter, (void *)(uintptr_t)a->addr, 8);
		else if (a->addr)
			c->value = *(const int *)(uintptr_t)a->addr;
	}
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

static void expect(unsigned long request, int err)
{
	fake_ioctl_expect_fn(request, record, (void *)(intptr_t)err);
}

static struct vm vm;
static struct arm64_vpmu vpmu;
static struct arm64_options opts;
static char err[MACHINE_ERR_SIZE];

static int setup(void **state)
{
	(void)state;
	memset(&seen, 0, sizeof(seen));
	memset(&vm, 0, sizeof(vm));
	memset(&vpmu, 0, sizeof(vpmu));
	memset(err, 0, sizeof(err));
	vm.vm_fd = VM_FD;
	opts = (struct arm64_options){ .irqchip = VGIC_MODE_KVM_GICV3 };
	vpmu.sysfs = "/nonexistent/hvcheck";
	fake_ioctl_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arm64_vpmu_free(&vpmu);
	return 0;
}

static void assert_err(const char *what)
{
	if (!strstr(err, what))
		fail_msg("'%s' not in '%s'", what, err);
	assert_null(strchr(err, '\n'));
}

static void assert_attr(unsigned int i, uint64_t attr, int value)
{
	assert_true(i < seen.nr);
	assert_int_equal(seen.calls[i].request, KVM_SET_DEVICE_ATTR);
	assert_int_equal(seen.calls[i].group, 0);
	assert_int_equal(seen.calls[i].attr, attr);
	if (value >= 0)
		assert_int_equal(seen.calls[i].value, value);
}

static void assert_filter(unsigned int i, uint16_t base, uint16_t n,
			  uint8_t action)
{
	const uint8_t want[8] = { base, base >> 8, n, n >> 8, action };

	assert_attr(i, ATTR_FILTER, -1);
	assert_memory_equal(seen.calls[i].filter, want, 8);
}

/* auto takes KVM's vPMU where it is offered and goes without elsewhere. */
static void test_probe_modes(void **state)
{
	uint32_t features = 0;

	(void)state;
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1);
	assert_int_equal(arm64_vpmu_probe(&vpmu, &vm, &opts, err, sizeof(err)),
			 0);
	assert_true(vpmu.on);
	assert_int_equal(fake_ioctl_call(0)->arg, KVM_CAP_ARM_PMU_V3);
	assert_int_equal(fake_ioctl_call(0)->fd, VM_FD);
	arm64_vpmu_features(&vpmu, &features);
	assert_int_equal(features, 1u << 3);

	fake_ioctl_expect(KVM_CHECK_EXTENSION, 0);
	assert_int_equal(arm64_vpmu_probe(&vpmu, &vm, &opts, err, sizeof(err)),
			 0);
	assert_false(vpmu.on);
	features = 0;
	arm64_vpmu_features(&vpmu, &features);
	assert_int_equal(features, 0);

	/* off asks KVM nothing. */
	opts.pmu = ARM64_PMU_OFF;
	assert_int_equal(arm64_vpmu_probe(&vpmu, &vm, &opts, err, sizeof(err)),
			 0);
	assert_false(vpmu.on);
	fake_ioctl_verify();
	assert_int_equal(fake_ioctl_nr_calls(), 2);
}

static void test_probe_refusals(void **state)
{
	(void)state;
	opts.pmu = ARM64_PMU_KVM;
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 0);
	assert_int_equal(arm64_vpmu_probe(&vpmu, &vm, &opts, err, sizeof(err)),
			 -ENODEV);
	assert_err(
		"--pmu=kvm: this KVM offers no vPMU (no KVM_CAP_ARM_PMU_V3)");
	opts.pmu = ARM64_PMU_AUTO;
	opts.nr_pmu_filters = 1;
	opts.pmu_filters[0] = "deny cpu-cycles";
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 0);
	assert_int_equal(arm64_vpmu_probe(&vpmu, &vm, &opts, err, sizeof(err)),
			 -ENODEV);
	assert_err("--pmu-filter: this KVM offers no vPMU");
	fake_ioctl_expect_fail(KVM_CHECK_EXTENSION, EBADF);
	assert_int_equal(arm64_vpmu_probe(&vpmu, &vm, &opts, err, sizeof(err)),
			 -EBADF);
	assert_err("--pmu: KVM_CHECK_EXTENSION(KVM_CAP_ARM_PMU_V3): ");
	/* A policy that does not parse: the x86 syntax is not arm64's. */
	opts.pmu_filters[0] = "deny;events=instructions";
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1);
	assert_int_equal(arm64_vpmu_probe(&vpmu, &vm, &opts, err, sizeof(err)),
			 -EINVAL);
	assert_err(
		"--pmu-filter 0: statement 1 ('deny'): 'deny' needs at least one range");
	fake_ioctl_verify();
}

static void probe_on(const char *const *policies, unsigned int nr)
{
	opts.nr_pmu_filters = nr;
	for (unsigned int i = 0; i < nr; i++)
		opts.pmu_filters[i] = policies[i];
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1);
	assert_int_equal(arm64_vpmu_probe(&vpmu, &vm, &opts, err, sizeof(err)),
			 0);
	assert_true(vpmu.on);
	fake_ioctl_reset();
}

/* KVM's PMCR_EL0: IMP 0x41, N 6, LC set. */
static int kvm_pmcr(int fd, unsigned long request, void *arg, void *ctx)
{
	const struct kvm_one_reg *r = arg;

	(void)ctx;
	(void)request;
	assert_int_equal(fd, VCPU_FD);
	assert_int_equal(r->id, REG_SYSREG | 0xdce0);
	*(uint64_t *)(uintptr_t)r->addr = 0x41003040;
	return 0;
}

/*
 * KVM's order: SET_PMU (VM-wide, first vCPU), the restored registers,
 * the filter (VM-wide, first vCPU); after the vGIC's INIT, IRQ then INIT.
 */
static void test_config_order(void **state)
{
	static const char *const policies[] = { "allow 0x8; deny 0x10-0x12",
						"deny cpu-cycles" };
	char restore[] = "pmcr=0x41,PMEVTYPER0=0x11;pmcntenset=0x80000001";

	(void)state;
	assert_int_equal(arm64_pmu_restore_parse(restore, opts.pmu_restore,
						 ARM64_MAX_PMU_RESTORE,
						 &opts.nr_pmu_restore, err,
						 sizeof(err)),
			 0);
	probe_on(policies, 2);
	expect(KVM_HAS_DEVICE_ATTR, ENXIO); /* no SET_PMU: before 5.18 */
	fake_ioctl_expect_fn(KVM_GET_ONE_REG, kvm_pmcr, NULL);
	for (int i = 0; i < 3; i++)
		expect(KVM_SET_ONE_REG, 0);
	expect(KVM_SET_DEVICE_ATTR, 0);
	expect(KVM_SET_DEVICE_ATTR, 0);
	assert_int_equal(arm64_vpmu_vcpu_config(&vpmu, &vm, VCPU_FD, true, err,
						sizeof(err)),
			 0);
	/* A second vCPU: its registers only. */
	fake_ioctl_expect_fn(KVM_GET_ONE_REG, kvm_pmcr, NULL);
	for (int i = 0; i < 3; i++)
		expect(KVM_SET_ONE_REG, 0);
	assert_int_equal(arm64_vpmu_vcpu_config(&vpmu, &vm, VCPU_FD, false, err,
						sizeof(err)),
			 0);
	fake_ioctl_verify();
	assert_int_equal(seen.calls[0].attr, ATTR_SET_PMU);
	/* PMCR: the spec's control bits, KVM's N (6) and IMP. */
	assert_int_equal(seen.calls[1].attr, REG_SYSREG | 0xdce0);
	assert_int_equal(seen.calls[1].value, 0x41003041);
	assert_int_equal(seen.calls[2].attr, REG_SYSREG | 0xdf60); /* TYPER0 */
	assert_int_equal(seen.calls[2].value, 0x11);
	assert_int_equal(seen.calls[3].attr,
			 REG_SYSREG | 0xdce1); /* CNTENSET */
	assert_int_equal(seen.calls[3].value, 0x80000001);
	assert_filter(4, 0x8, 1, 0);
	assert_filter(5, 0x10, 3, 1);
	assert_int_equal(seen.nr, 9);
	assert_int_equal(vpmu.active, 0);
	assert_int_equal(vpmu.host_pmu, -1);
}

static void test_init_irqchips(void **state)
{
	(void)state;
	probe_on(NULL, 0);
	expect(KVM_SET_DEVICE_ATTR, 0);
	expect(KVM_SET_DEVICE_ATTR, 0);
	assert_int_equal(arm64_vpmu_vcpu_init(&vpmu, &vm, VCPU_FD, true, err,
					      sizeof(err)),
			 0);
	/* The userspace GICv2 takes the line from kvm_run: INIT alone. */
	expect(KVM_SET_DEVICE_ATTR, 0);
	assert_int_equal(arm64_vpmu_vcpu_init(&vpmu, &vm, VCPU_FD, false, err,
					      sizeof(err)),
			 0);
	fake_ioctl_verify();
	assert_attr(0, ATTR_IRQ, 23);
	assert_attr(1, ATTR_INIT, -1);
	assert_true(seen.calls[1].null_payload);
	assert_attr(2, ATTR_INIT, -1);
	assert_int_equal(seen.nr, 3);
}

/* With the PMU off, no vCPU call touches KVM. */
static void test_off_is_silent(void **state)
{
	(void)state;
	opts.pmu = ARM64_PMU_OFF;
	assert_int_equal(arm64_vpmu_probe(&vpmu, &vm, &opts, err, sizeof(err)),
			 0);
	assert_int_equal(arm64_vpmu_vcpu_config(&vpmu, &vm, VCPU_FD, true, err,
						sizeof(err)),
			 0);
	assert_int_equal(arm64_vpmu_vcpu_init(&vpmu, &vm, VCPU_FD, true, err,
					      sizeof(err)),
			 0);
	assert_int_equal(fake_ioctl_nr_calls(), 0);
}

static void test_refusals(void **state)
{
	static const char *const policies[] = {
		"allow 0x8; raw 0xfff0 0x100 0"
	};

	(void)state;
	probe_on(policies, 1);
	expect(KVM_HAS_DEVICE_ATTR, ENXIO);
	expect(KVM_SET_DEVICE_ATTR, 0);
	expect(KVM_SET_DEVICE_ATTR, EINVAL);
	assert_int_equal(arm64_vpmu_vcpu_config(&vpmu, &vm, VCPU_FD, true, err,
						sizeof(err)),
			 -EINVAL);
	assert_err(
		"--pmu-filter 0: KVM refuses range 1 (events 0xfff0 + 256): ");
	assert_int_equal(vpmu.active, HV_HOSTCTL_FILTER_NONE);
	expect(KVM_SET_DEVICE_ATTR, EINVAL);
	assert_int_equal(arm64_vpmu_vcpu_init(&vpmu, &vm, VCPU_FD, true, err,
					      sizeof(err)),
			 -EINVAL);
	assert_err("--pmu: KVM refuses the PMU interrupt INTID 23: ");
	expect(KVM_SET_DEVICE_ATTR, 0);
	expect(KVM_SET_DEVICE_ATTR, ENODEV);
	assert_int_equal(arm64_vpmu_vcpu_init(&vpmu, &vm, VCPU_FD, true, err,
					      sizeof(err)),
			 -ENODEV);
	assert_err("--pmu: KVM's PMU_V3_INIT fails: ");
	fake_ioctl_verify();
}

static void test_restore_refused(void **state)
{
	(void)state;
	opts.nr_pmu_restore = 1;
	opts.pmu_restore[0] = (struct arm64_pmu_reg){ 0xdce0, 0x1 };
	probe_on(NULL, 0);
	expect(KVM_HAS_DEVICE_ATTR, ENXIO);
	fake_ioctl_expect_fn(KVM_GET_ONE_REG, kvm_pmcr, NULL);
	expect(KVM_SET_ONE_REG, EINVAL);
	assert_int_equal(arm64_vpmu_vcpu_config(&vpmu, &vm, VCPU_FD, true, err,
						sizeof(err)),
			 -EINVAL);
	assert_err("--pmu-restore: KVM refuses register 0 (sysreg 0xdce0) = "
		   "0x41003001: ");
	/* KVM's PMCR unreadable: said the same way. */
	expect(KVM_HAS_DEVICE_ATTR, ENXIO);
	fake_ioctl_expect_fail(KVM_GET_ONE_REG, EIO);
	assert_int_equal(arm64_vpmu_vcpu_config(&vpmu, &vm, VCPU_FD, true, err,
						sizeof(err)),
			 -EIO);
	assert_err("--pmu-restore: KVM refuses register 0 (sysreg 0xdce0) = "
		   "0x1: ");
	fake_ioctl_verify();
}

/* After the first run KVM answers -EBUSY: reported, the first filter stays. */
static void test_filter_select(void **state)
{
	static const char *const policies[] = { "deny cpu-cycles",
						"allow cpu-cycles", "none" };

	(void)state;
	probe_on(policies, 3);
	vpmu.active = 0;
	expect(KVM_SET_DEVICE_ATTR, EBUSY);
	assert_int_equal(arm64_vpmu_filter_select(&vpmu, &vm, VCPU_FD, 1),
			 -EBUSY);
	assert_int_equal(vpmu.active, 0);
	assert_filter(0, 0x11, 1, 0);
	expect(KVM_SET_DEVICE_ATTR, 0);
	assert_int_equal(arm64_vpmu_filter_select(&vpmu, &vm, VCPU_FD, 1), 0);
	assert_int_equal(vpmu.active, 1);
	/* KVM has no call that removes a filter. */
	assert_int_equal(arm64_vpmu_filter_select(&vpmu, &vm, VCPU_FD, 2),
			 -EOPNOTSUPP);
	assert_int_equal(arm64_vpmu_filter_select(&vpmu, &vm, VCPU_FD,
						  HV_HOSTCTL_FILTER_NONE),
			 -EOPNOTSUPP);
	assert_int_equal(arm64_vpmu_filter_select(&vpmu, &vm, VCPU_FD, 3),
			 -EINVAL);
	fake_ioctl_verify();
	assert_int_equal(vpmu.active, 1);
}

#define BIT64(n)       (1ULL << (n))
#define SYSFS_TEMPLATE "/tmp/hvcheck-test-vpmu.XXXXXX"
static char sysfs[sizeof(SYSFS_TEMPLATE)];

static void put_file(const char *pmu, const char *file, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", sysfs, pmu);
	assert_int_equal(files_make_dirs(path), 0);
	strcat(path, "/");
	strcat(path, file);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void put(const char *pmu, const char *type, const char *cpus)
{
	put_file(pmu, "type", type);
	if (cpus)
		put_file(pmu, "cpus", cpus);
}

static cpu_set_t cpu_range(unsigned int lo, unsigned int hi)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	for (unsigned int c = lo; c <= hi; c++)
		CPU_SET(c, &set);
	return set;
}

static uint64_t measured;

/* The host's measured counts: INST_RETIRED none, CPU_CYCLES unknown. */
static long long fake_count(int type, unsigned int event)
{
	assert_int_equal(type, 9);
	measured |= BIT64(event);
	return event == 0x08 ? 0 : event == 0x11 ? -EACCES : 1000;
}

/* The first vCPU's config with the fake sysfs and cpus: SET_PMU of type. */
static void set_pmu_on(const cpu_set_t *cpus, int type)
{
	vpmu.sysfs = sysfs;
	vpmu.cpus = cpus;
	vpmu.count = fake_count;
	probe_on(NULL, 0);
	expect(KVM_HAS_DEVICE_ATTR, 0);
	expect(KVM_SET_DEVICE_ATTR, 0);
	assert_int_equal(arm64_vpmu_vcpu_config(&vpmu, &vm, VCPU_FD, true, err,
						sizeof(err)),
			 0);
	assert_attr(1, ATTR_SET_PMU, type);
}

/* SET_PMU where KVM offers it, with the host PMU's perf type. */
static void test_set_pmu(void **state)
{
	cpu_set_t cpus = cpu_range(0, 1);
	char name[64] = "";

	(void)state;
	strcpy(sysfs, SYSFS_TEMPLATE);
	assert_non_null(mkdtemp(sysfs));
	put("breakpoint", "5\n", NULL);
	assert_int_equal(arm64_vpmu_host_pmu(sysfs, &cpus, name, sizeof(name)),
			 -ENOENT);
	put("armv8_pmuv3_0", "8\n", "0-1\n");
	put("armv8_pmuv3_1", "9\n", "0-1\n");
	assert_int_equal(arm64_vpmu_host_pmu(sysfs, &cpus, name, sizeof(name)),
			 8);
	assert_string_equal(name, "armv8_pmuv3_0");
	set_pmu_on(&cpus, 8);
	assert_int_equal(vpmu.host_pmu, 8);
	assert_false(vpmu.host_events_known); /* no events/ directory */
	expect(KVM_HAS_DEVICE_ATTR, 0);
	expect(KVM_SET_DEVICE_ATTR, ENXIO);
	assert_int_equal(arm64_vpmu_vcpu_config(&vpmu, &vm, VCPU_FD, true, err,
						sizeof(err)),
			 -ENXIO);
	assert_err("--pmu: KVM refuses the host PMU armv8_pmuv3_0 (id 8): ");
	fake_ioctl_verify();
	assert_int_equal(files_remove_tree(sysfs), 0);
}

/*
 * big.LITTLE: one PMU per cluster; SET_PMU takes the one whose "cpus"
 * covers the VMM's affinity, and none covering it is a one-line error.
 */
static void test_set_pmu_big_little(void **state)
{
	cpu_set_t little = cpu_range(0, 3), big = cpu_range(4, 5);
	cpu_set_t both = cpu_range(3, 4), one_big = cpu_range(5, 5);
	char name[64] = "";

	(void)state;
	strcpy(sysfs, SYSFS_TEMPLATE);
	assert_non_null(mkdtemp(sysfs));
	put("armv8_cortex_a53", "8\n", "0-3\n");
	put("armv8_cortex_a72", "9\n", "4-5\n");
	put("armv8_nocpus", "10\n", NULL);
	put("armv8_zbad", "11\n", "4-x\n");
	put_file("armv8_cortex_a72/events", "cpu_cycles", "event=0x11\n");
	put_file("armv8_cortex_a72/events", "inst_retired", "event=0x08\n");
	put_file("armv8_cortex_a72/events", "br_mis_pred", "event=0x10\n");
	put_file("armv8_cortex_a72/events", "l3d_cache_lmiss_rd",
		 "event=0x4009\n");
	put_file("armv8_cortex_a72/events", "bogus", "config=0x3\n");
	assert_int_equal(
		arm64_vpmu_host_pmu(sysfs, &little, name, sizeof(name)), 8);
	assert_int_equal(arm64_vpmu_host_pmu(sysfs, &big, name, sizeof(name)),
			 9);
	assert_string_equal(name, "armv8_cortex_a72");
	assert_int_equal(
		arm64_vpmu_host_pmu(sysfs, &one_big, name, sizeof(name)), 9);
	assert_int_equal(arm64_vpmu_host_pmu(sysfs, &both, name, sizeof(name)),
			 -ESRCH);
	set_pmu_on(&big, 9);
	assert_true(vpmu.host_events_known);
	/* 0x08 measured 0: dropped; 0x11 unmeasurable: kept; 0x10 counts */
	assert_true(vpmu.host_events == (BIT64(0x11) | BIT64(0x10)));
	assert_int_equal(measured, BIT64(0x11) | BIT64(0x10) | BIT64(0x08));
	vpmu.cpus = &both;
	expect(KVM_HAS_DEVICE_ATTR, 0);
	assert_int_equal(arm64_vpmu_vcpu_config(&vpmu, &vm, VCPU_FD, true, err,
						sizeof(err)),
			 -ESRCH);
	assert_err("--pmu: no armv8 PMU under ");
	assert_non_null(strstr(err, "covers every CPU this VMM may run on"));
	fake_ioctl_verify();
	assert_int_equal(files_remove_tree(sysfs), 0);
}

/*
 * big.LITTLE under --pmu=auto: no PMU covers the VMM's CPUs, so the run
 * goes without a vPMU, said in one line; --pmu=kvm and --pmu-filter
 * keep it on, for vpmu_set_pmu()'s error.
 */
static void test_auto_big_little(void **state)
{
	static const char *const deny[] = { "deny cpu-cycles" };
	cpu_set_t both = cpu_range(3, 4), big = cpu_range(4, 5);
	char said[512];
	FILE *tmp;
	int saved;

	(void)state;
	strcpy(sysfs, SYSFS_TEMPLATE);
	assert_non_null(mkdtemp(sysfs));
	put("armv8_cortex_a53", "8\n", "0-3\n");
	put("armv8_cortex_a72", "9\n", "4-5\n");
	vpmu.sysfs = sysfs;
	vpmu.cpus = &both;
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1);
	saved = stderr_begin(&tmp);
	assert_int_equal(arm64_vpmu_probe(&vpmu, &vm, &opts, err, sizeof(err)),
			 0);
	stderr_end(saved, tmp, said, sizeof(said));
	assert_false(vpmu.on);
	assert_non_null(strstr(
		said, "hvcheck: warning: --pmu=auto: no armv8 PMU under "));
	assert_non_null(
		strstr(said, "covers every CPU this VMM may run on: no vPMU"));
	assert_ptr_equal(strchr(said, '\n'), said + strlen(said) - 1);
	/* covered: on, silently */
	vpmu.cpus = &big;
	probe_on(NULL, 0);
	/* asked for: on, for the error at SET_PMU */
	vpmu.cpus = &both;
	probe_on(deny, 1);
	arm64_vpmu_free(&vpmu);
	vpmu = (struct arm64_vpmu){ .sysfs = sysfs, .cpus = &both };
	opts.nr_pmu_filters = 0;
	opts.pmu = ARM64_PMU_KVM;
	probe_on(NULL, 0);
	fake_ioctl_verify();
	assert_int_equal(files_remove_tree(sysfs), 0);
}

/* A measurement that never ran on the PMU is unknown, not zero. */
static void test_reading(void **state)
{
	struct arm64_vpmu_reading r = { .value = 0, .time_enabled = 100 };

	(void)state;
	assert_int_equal(arm64_vpmu_reading(&r), -EAGAIN);
	r.time_running = 40; /* multiplexed, on the PMU part of the time */
	assert_int_equal(arm64_vpmu_reading(&r), 0);
	r.value = 1234;
	assert_int_equal(arm64_vpmu_reading(&r), 1234);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_probe_modes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_probe_refusals, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_auto_big_little, setup,
						teardown),
		cmocka_unit_test(test_reading),
		cmocka_unit_test_setup_teardown(test_config_order, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_init_irqchips, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_off_is_silent, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restore_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_filter_select, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_set_pmu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_pmu_big_little, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
