// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the --pmu=kvm and --pmu=off KVM glue, through the fake ioctl. */
#include <errno.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "array_size.h"
#include "fake_ioctl.h"
#include "le_bytes.h"
#include "vmm/x86/options.h"
#include "vmm/x86/vpmu_kvm.h"
#include "vpmu/amd.h"
#include "vpmu/pebs.h"

#define KVM_FD	100
#define VM_FD	101
#define VCPU_FD 102

/* The uAPI numbers, spelled out so that a wrong constant shows. */
#define CAP_GET_MSR_FEATURES 153
#define CAP_PMU_CAPABILITY   212
#define CAP_PMU_EVENT_FILTER 173
#define CAP_MASKED_EVENTS    226
#define SET_PMU_EVENT_FILTER 0x4020aeb2 /* _IOW(KVMIO, 0xb2, 32 bytes) */
#define PMU_CAP_DISABLE	     1
#define MSR_PERF_CAPS	     0x345

#define PDCM	       (1u << 15)  /* CPUID.1:ECX */
#define LEAF1_ECX      0xf6fa3203u /* everything else a host might set */
#define HOST_PERF_CAPS 0x23c5ULL   /* full-width writes, PEBS, LBR format 5 */

/*
 * Leaf 0xA as KVM reports it: version 2, 8 GP counters of 48 bits, an
 * EBX vector of 8 with topdown slots unavailable, 3 fixed counters of 48
 * bits, AnyThread deprecated.
 */
static const struct kvm_cpuid_entry2 leaf_a_v2 = {
	.function = 0xa,
	.eax = 0x08300802,
	.ebx = 0x80,
	.edx = 0x8000 | 48 << 5 | 3,
};

/* A version 5 PMU with a fixed-counter bitmap of four counters. */
static const struct kvm_cpuid_entry2 leaf_a_v5 = {
	.function = 0xa,
	.eax = 0x08300805,
	.ebx = 0x80,
	.ecx = 0xf,
	.edx = 0x8000 | 48 << 5 | 4,
};

/* This machine: enable_pmu=N, leaf 0xA present and all zero. */
static const struct kvm_cpuid_entry2 leaf_a_none = { .function = 0xa };

#define NO_LEAF_A NULL

/* A table of exactly the n entries given. */
static struct cpuid table_of(const struct kvm_cpuid_entry2 *entries,
			     unsigned int n)
{
	struct cpuid c;

	c.table = calloc(1, sizeof(*c.table) + n * sizeof(entries[0]));
	assert_non_null(c.table);
	c.table->nent = n;
	memcpy(c.table->entries, entries, n * sizeof(entries[0]));
	c.capacity = n;
	return c;
}

/* A small supported CPUID with the given leaf 1 ECX and leaf 0xA. */
static struct cpuid make_cpuid(uint32_t leaf1_ecx,
			       const struct kvm_cpuid_entry2 *leaf_a)
{
	const struct kvm_cpuid_entry2 entries[] = {
		{ .function = 0, .eax = 0x1f, .ebx = 0x756e6547 },
		{ .function = 1, .eax = 0x806f8, .ecx = leaf1_ecx },
		{ .function = 0xd,
		  .index = 1,
		  .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
		  .eax = 0xf },
		{ .function = 0x80000001, .ecx = 0x121, .edx = 0x2c100800 },
		leaf_a ? *leaf_a : (struct kvm_cpuid_entry2){ 0 },
	};

	return table_of(entries, ARRAY_SIZE(entries) - !leaf_a);
}

/* Byte-for-byte copy of a table, to prove a refusal changed nothing. */
struct snapshot {
	struct kvm_cpuid_entry2 e[8];
	unsigned int nent;
};

static struct snapshot take_snapshot(const struct cpuid *c)
{
	struct snapshot s = { .nent = c->table->nent };

	assert_true(s.nent <= 8);
	memcpy(s.e, c->table->entries, s.nent * sizeof(s.e[0]));
	return s;
}

static void assert_unchanged(const struct cpuid *c, const struct snapshot *s)
{
	assert_int_equal(c->table->nent, s->nent);
	assert_memory_equal(c->table->entries, s->e, s->nent * sizeof(s->e[0]));
}

/* Every entry but leaf 0xA and leaf 1 ECX is as it was. */
static void assert_only_pmu_touched(const struct cpuid *c,
				    const struct snapshot *s)
{
	assert_int_equal(c->table->nent, s->nent);
	for (unsigned int i = 0; i < s->nent; i++) {
		struct kvm_cpuid_entry2 want = s->e[i];

		if (want.function == 0xa)
			continue;
		if (want.function == 1)
			want.ecx = c->table->entries[i].ecx;
		assert_memory_equal(&c->table->entries[i], &want, sizeof(want));
	}
}

static const struct kvm_cpuid_entry2 *leaf_a(const struct cpuid *c)
{
	const struct kvm_cpuid_entry2 *e = cpuid_find(c, 0xa, 0);

	assert_non_null(e);
	return e;
}

static void test_available(void **state)
{
	struct cpuid v2 = make_cpuid(LEAF1_ECX | PDCM, &leaf_a_v2);
	struct cpuid none = make_cpuid(LEAF1_ECX, &leaf_a_none);
	struct cpuid missing = make_cpuid(LEAF1_ECX, NO_LEAF_A);
	struct kvm_cpuid_entry2 only_counters = leaf_a_v2;
	struct cpuid v0;

	(void)state;
	/* Counters with version 0 are no architectural PMU. */
	only_counters.eax &= ~0xffu;
	v0 = make_cpuid(LEAF1_ECX, &only_counters);
	assert_true(vpmu_kvm_available(&v2));
	assert_false(vpmu_kvm_available(&none));
	assert_false(vpmu_kvm_available(&missing));
	assert_false(vpmu_kvm_available(&v0));
	cpuid_free(&v2);
	cpuid_free(&none);
	cpuid_free(&missing);
	cpuid_free(&v0);
}

/* Narrows a v2 table to lim; asserts success and that no ioctl was made. */
static struct kvm_cpuid_entry2 narrow_v2(int version, int nr_gp, int nr_fixed)
{
	struct cpuid c = make_cpuid(LEAF1_ECX | PDCM, &leaf_a_v2);
	struct vpmu_kvm_limits lim = { .version = version,
				       .nr_gp = nr_gp,
				       .nr_fixed = nr_fixed };
	struct snapshot before = take_snapshot(&c);
	struct kvm_cpuid_entry2 e;
	char err[128] = "";

	fake_ioctl_reset();
	assert_int_equal(vpmu_kvm_narrow_cpuid(&c, &lim, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(fake_ioctl_nr_calls(), 0);
	assert_only_pmu_touched(&c, &before);
	/* Only a PMU of version 0 loses PERF_CAPABILITIES. */
	assert_int_equal(cpuid_find(&c, 1, 0)->ecx,
			 version ? LEAF1_ECX | PDCM : LEAF1_ECX);
	e = *leaf_a(&c);
	cpuid_free(&c);
	return e;
}

static void test_narrow_as_supported(void **state)
{
	struct kvm_cpuid_entry2 e = narrow_v2(-1, -1, -1);

	(void)state;
	assert_memory_equal(&e, &leaf_a_v2, sizeof(e));
	/* Asking for exactly what KVM supports is the same. */
	e = narrow_v2(2, 8, 3);
	assert_memory_equal(&e, &leaf_a_v2, sizeof(e));
}

static void test_narrow_counters(void **state)
{
	struct kvm_cpuid_entry2 e = narrow_v2(-1, 3, 1);

	(void)state;
	/* GP count in EAX 15:8; width, vector length, version kept. */
	assert_int_equal(e.eax, 0x08300302);
	assert_int_equal(e.ebx, 0x80);
	assert_int_equal(e.ecx, 0);
	/* Fixed count in EDX 4:0; width and AnyThread deprecation kept. */
	assert_int_equal(e.edx, 0x8000 | 48 << 5 | 1);

	e = narrow_v2(2, 0, 0);
	assert_int_equal(e.eax, 0x08300002);
	assert_int_equal(e.edx, 0x8000 | 48 << 5);

	/* Each limit alone leaves the other count as supported. */
	e = narrow_v2(-1, 5, -1);
	assert_int_equal(e.eax, 0x08300502);
	assert_int_equal(e.edx, leaf_a_v2.edx);
	e = narrow_v2(-1, -1, 2);
	assert_int_equal(e.eax, leaf_a_v2.eax);
	assert_int_equal(e.edx, 0x8000 | 48 << 5 | 2);
}

static void test_narrow_version1_drops_fixed(void **state)
{
	struct kvm_cpuid_entry2 e = narrow_v2(1, -1, -1);

	(void)state;
	assert_int_equal(e.eax, 0x08300801);
	assert_int_equal(e.ebx, 0x80);
	assert_int_equal(e.ecx, 0);
	/* No fixed counters nor their width; KVM's AnyThread bit stays. */
	assert_int_equal(e.edx, 0x8000);

	/* Asking for none explicitly is fine too. */
	e = narrow_v2(1, 2, 0);
	assert_int_equal(e.eax, 0x08300201);
	assert_int_equal(e.edx, 0x8000);
}

static void test_narrow_version0_clears_leaf(void **state)
{
	struct kvm_cpuid_entry2 e = narrow_v2(0, -1, -1);

	(void)state;
	assert_int_equal(e.eax, 0);
	assert_int_equal(e.ebx, 0);
	assert_int_equal(e.ecx, 0);
	assert_int_equal(e.edx, 0);
	e = narrow_v2(0, 0, 0);
	assert_int_equal(e.eax | e.ebx | e.ecx | e.edx, 0);
}

/* Version 0 has no PDCM, so KVM is not asked for PERF_CAPABILITIES. */
static void test_narrow_version0_no_perf_caps(void **state)
{
	struct cpuid c = make_cpuid(LEAF1_ECX | PDCM, &leaf_a_v2);
	struct vpmu_kvm_limits lim = { .version = 0,
				       .nr_gp = -1,
				       .nr_fixed = -1 };
	struct vm vm = { .kvm_fd = KVM_FD, .vm_fd = VM_FD };
	uint64_t caps = 0xdead;
	char err[128];

	(void)state;
	fake_ioctl_reset();
	assert_int_equal(vpmu_kvm_narrow_cpuid(&c, &lim, err, sizeof(err)), 0);
	assert_int_equal(vpmu_kvm_perf_capabilities(&vm, &c, &caps), 0);
	assert_int_equal(caps, 0);
	assert_int_equal(fake_ioctl_nr_calls(), 0);
	cpuid_free(&c);
}

static void test_narrow_refusals(void **state)
{
	static const struct {
		struct vpmu_kvm_limits lim;
		const char *why;
	} bad[] = {
		{ { 3, -1, -1 }, "--pmu-version 3: KVM supports 2" },
		{ { 255, -1, -1 }, "--pmu-version 255: KVM supports 2" },
		{ { -1, 9, -1 }, "--pmu-gp-counters 9: KVM supports 8" },
		{ { -1, -1, 4 }, "--pmu-fixed-counters 4: KVM supports 3" },
		{ { 1, -1, 2 },
		  "--pmu-fixed-counters 2: PMU version 1 has none" },
		{ { 0, 1, -1 }, "--pmu-gp-counters 1: PMU version 0 has none" },
		{ { 0, -1, 1 },
		  "--pmu-fixed-counters 1: PMU version 0 has none" },
		{ { -2, -1, -1 }, "--pmu-version -2: not a count" },
		{ { -1, -5, -1 }, "--pmu-gp-counters -5: not a count" },
		/* The first bad limit is the one reported. */
		{ { 7, 9, 4 }, "--pmu-version 7: KVM supports 2" },
	};
	struct cpuid c = make_cpuid(LEAF1_ECX | PDCM, &leaf_a_v2);
	struct snapshot before = take_snapshot(&c);

	(void)state;
	fake_ioctl_reset();
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		char err[128] = "";

		assert_int_equal(vpmu_kvm_narrow_cpuid(&c, &bad[i].lim, err,
						       sizeof(err)),
				 -EINVAL);
		assert_string_equal(err, bad[i].why);
		assert_unchanged(&c, &before);
	}
	assert_int_equal(fake_ioctl_nr_calls(), 0);
	cpuid_free(&c);
}

static void test_narrow_without_vpmu(void **state)
{
	static const struct vpmu_kvm_limits as_supported = { -1, -1, -1 };
	struct cpuid none = make_cpuid(LEAF1_ECX, &leaf_a_none);
	struct cpuid missing = make_cpuid(LEAF1_ECX, NO_LEAF_A);
	struct snapshot before = take_snapshot(&none);
	char err[128] = "";

	(void)state;
	assert_int_equal(vpmu_kvm_narrow_cpuid(&none, &as_supported, err,
					       sizeof(err)),
			 -EOPNOTSUPP);
	assert_string_equal(
		err,
		"--pmu=kvm: KVM offers no vPMU (its CPUID leaf 0xA is version 0)");
	assert_unchanged(&none, &before);
	err[0] = '\0';
	assert_int_equal(vpmu_kvm_narrow_cpuid(&missing, &as_supported, err,
					       sizeof(err)),
			 -EOPNOTSUPP);
	assert_non_null(strstr(err, "KVM offers no vPMU"));
	assert_null(cpuid_find(&missing, 0xa, 0));
	cpuid_free(&none);
	cpuid_free(&missing);
}

static struct kvm_cpuid_entry2 narrow_v5(int version, int nr_fixed)
{
	struct cpuid c = make_cpuid(LEAF1_ECX | PDCM, &leaf_a_v5);
	struct vpmu_kvm_limits lim = { .version = version,
				       .nr_gp = -1,
				       .nr_fixed = nr_fixed };
	struct kvm_cpuid_entry2 e;
	char err[128];

	assert_int_equal(vpmu_kvm_narrow_cpuid(&c, &lim, err, sizeof(err)), 0);
	e = *leaf_a(&c);
	cpuid_free(&c);
	return e;
}

/* The version 5 fixed-counter bitmap in ECX follows the limits too. */
static void test_narrow_v5_bitmap(void **state)
{
	struct kvm_cpuid_entry2 e = narrow_v5(-1, -1);

	(void)state;
	assert_memory_equal(&e, &leaf_a_v5, sizeof(e));
	e = narrow_v5(-1, 2);
	assert_int_equal(e.ecx, 0x3);
	assert_int_equal(e.edx, 0x8000 | 48 << 5 | 2);
	e = narrow_v5(5, 0);
	assert_int_equal(e.ecx, 0);
	assert_int_equal(e.edx, 0x8000 | 48 << 5);
	/* Below version 5 ECX is reserved, whatever the fixed count. */
	e = narrow_v5(4, -1);
	assert_int_equal(e.eax, 0x08300804);
	assert_int_equal(e.ecx, 0);
	assert_int_equal(e.edx, leaf_a_v5.edx);
	e = narrow_v5(2, 3);
	assert_int_equal(e.eax, 0x08300802);
	assert_int_equal(e.ecx, 0);
	assert_int_equal(e.edx, 0x8000 | 48 << 5 | 3);
}

/* KVM_GET_MSR_FEATURE_INDEX_LIST as KVM answers it. */
struct feature_list {
	const uint32_t *indices;
	uint32_t nr;
	uint32_t room[2]; /* nmsrs the VMM offered, per call */
	unsigned int calls;
};

static int fake_feature_list(int fd, unsigned long request, void *arg,
			     void *ctx)
{
	struct feature_list *fl = ctx;
	struct kvm_msr_list *list = arg;
	uint32_t room = list->nmsrs;

	assert_int_equal(fd, KVM_FD);
	assert_int_equal(request, KVM_GET_MSR_FEATURE_INDEX_LIST);
	assert_true(fl->calls < 2);
	fl->room[fl->calls++] = room;
	list->nmsrs = fl->nr;
	if (room < fl->nr) {
		errno = E2BIG;
		return -1;
	}
	memcpy(list->indices, fl->indices, fl->nr * sizeof(fl->indices[0]));
	return 0;
}

/* KVM_GET_MSRS / KVM_SET_MSRS: records the request, answers ret. */
struct msr_call {
	int ret;	   /* MSRs done, as KVM returns it */
	uint64_t data_out; /* what KVM_GET_MSRS reads */
	int fd;
	uint32_t nmsrs, index;
	uint64_t data_in;
};

static int fake_msrs(int fd, unsigned long request, void *arg, void *ctx)
{
	struct msr_call *m = ctx;
	struct kvm_msrs *msrs = arg;

	m->fd = fd;
	m->nmsrs = msrs->nmsrs;
	assert_int_equal(msrs->nmsrs, 1);
	assert_int_equal(msrs->pad, 0);
	m->index = msrs->entries[0].index;
	m->data_in = msrs->entries[0].data;
	assert_int_equal(msrs->entries[0].reserved, 0);
	if (request == KVM_GET_MSRS && m->ret == 1)
		msrs->entries[0].data = m->data_out;
	return m->ret;
}

static const uint32_t features_with_caps[] = { 0x10a, 0x345, 0x48b };
static const uint32_t features_without_caps[] = { 0x10a, 0x48b, 0x48c, 0x8b };

/* KVM's answers to vpmu_kvm_perf_capabilities(): the MSR is listed. */
static void script_perf_caps_read(struct feature_list *fl, struct msr_call *get)
{
	fake_ioctl_reset();
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1);
	fake_ioctl_expect_fn(KVM_GET_MSR_FEATURE_INDEX_LIST, fake_feature_list,
			     fl);
	fake_ioctl_expect_fn(KVM_GET_MSR_FEATURE_INDEX_LIST, fake_feature_list,
			     fl);
	fake_ioctl_expect_fn(KVM_GET_MSRS, fake_msrs, get);
}

static void test_perf_caps_read(void **state)
{
	struct feature_list fl = { .indices = features_with_caps, .nr = 3 };
	struct msr_call get = { .ret = 1, .data_out = HOST_PERF_CAPS };
	struct vm vm = { .kvm_fd = KVM_FD, .vm_fd = VM_FD };
	struct cpuid c = make_cpuid(LEAF1_ECX | PDCM, &leaf_a_v2);
	uint64_t caps = 0;

	(void)state;
	script_perf_caps_read(&fl, &get);
	assert_int_equal(vpmu_kvm_perf_capabilities(&vm, &c, &caps), 0);
	fake_ioctl_verify();
	assert_int_equal(caps, HOST_PERF_CAPS);

	/* Everything on /dev/kvm: these are system ioctls. */
	assert_int_equal(fake_ioctl_nr_calls(), 4);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(fake_ioctl_call(i)->fd, KVM_FD);
	assert_int_equal(fake_ioctl_call(0)->arg, CAP_GET_MSR_FEATURES);
	/* Asked for none to learn the count, then for exactly that many. */
	assert_int_equal(fl.room[0], 0);
	assert_int_equal(fl.room[1], 3);
	assert_int_equal(get.fd, KVM_FD);
	assert_int_equal(get.index, MSR_PERF_CAPS);
	cpuid_free(&c);
}

/*
 * KVM with vPEBS: full-width writes, LBR format 5, PEBS format 4 with
 * baseline, PEBS_TRAP and PEBS_ARCH_REG; and that without the PEBS bits.
 */
#define PEBS_CAPS    0x64c5ULL
#define NO_PEBS_CAPS 0x2005ULL

/*
 * KVM's PEBS as KVM reports it: CPUID.1 DS and DTES64 and the PEBS
 * fields read through KVM_GET_MSRS stay; --pmu-pebs=off clears them
 * and nothing else; another format is refused.
 */
static void test_perf_caps_pebs(void **state)
{
	struct feature_list fl = { .indices = features_with_caps, .nr = 3 };
	struct msr_call get = { .ret = 1, .data_out = PEBS_CAPS };
	struct vm vm = { .kvm_fd = KVM_FD, .vm_fd = VM_FD };
	struct cpuid c = make_cpuid(LEAF1_ECX | PDCM | VPMU_CPUID_1_ECX_DTES64,
				    &leaf_a_v2);
	struct kvm_cpuid_entry2 *leaf1 = cpuid_find(&c, 1, 0);
	char err[128];
	uint64_t caps = 0;
	bool always = false;

	(void)state;
	leaf1->edx |= VPMU_CPUID_1_EDX_DS;
	script_perf_caps_read(&fl, &get);
	assert_int_equal(vpmu_kvm_perf_capabilities(&vm, &c, &caps), 0);
	fake_ioctl_verify();
	assert_int_equal(caps, PEBS_CAPS);
	/* Unset: as KVM reports it. */
	assert_int_equal(vpmu_kvm_pebs(&c, &caps, &always, X86_PMU_UNSET, err,
				       sizeof(err)),
			 0);
	assert_int_equal(caps, PEBS_CAPS);
	assert_false(always);
	assert_true(leaf1->edx & VPMU_CPUID_1_EDX_DS);
	assert_true(leaf1->ecx & VPMU_CPUID_1_ECX_DTES64);
	/* A format: refused, nothing changed. */
	assert_int_equal(vpmu_kvm_pebs(&c, &caps, &always, 5, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(
		err,
		"--pmu-pebs: under --pmu=kvm only off: KVM's vPEBS is what KVM offers");
	assert_int_equal(caps, PEBS_CAPS);
	/* Off: the PEBS bits go, the rest stays. */
	assert_int_equal(vpmu_kvm_pebs(&c, &caps, &always, 0, err, sizeof(err)),
			 0);
	assert_int_equal(caps, NO_PEBS_CAPS);
	assert_true(always);
	assert_false(leaf1->edx & VPMU_CPUID_1_EDX_DS);
	assert_false(leaf1->ecx & VPMU_CPUID_1_ECX_DTES64);
	assert_true(leaf1->ecx & PDCM);
	cpuid_free(&c);
}

/*
 * --pmu-pebs=off when KVM's PERF_CAPABILITIES has only PEBS bits: the
 * 0 left is still written, else KVM's default (the host's PEBS format)
 * would stay visible with DS hidden.  Without PDCM nothing is written.
 */
static void test_perf_caps_pebs_off_zero(void **state)
{
	struct msr_call set = { .ret = 1 };
	struct vm vm = { .kvm_fd = KVM_FD, .vm_fd = VM_FD };
	struct cpuid c = make_cpuid(LEAF1_ECX | PDCM | VPMU_CPUID_1_ECX_DTES64,
				    &leaf_a_v2);
	struct kvm_cpuid_entry2 *leaf1 = cpuid_find(&c, 1, 0);
	uint64_t caps = PEBS_CAPS & ~NO_PEBS_CAPS;
	bool always = false;
	char err[128];

	(void)state;
	assert_int_equal(vpmu_kvm_pebs(&c, &caps, &always, 0, err, sizeof(err)),
			 0);
	assert_int_equal(caps, 0);
	assert_true(always);
	fake_ioctl_reset();
	set.data_in = 0xdead;
	fake_ioctl_expect_fn(KVM_SET_MSRS, fake_msrs, &set);
	assert_int_equal(
		vpmu_kvm_set_perf_capabilities(&vm, VCPU_FD, caps, always), 0);
	fake_ioctl_verify();
	assert_int_equal(fake_ioctl_nr_calls(), 1);
	assert_int_equal(set.index, MSR_PERF_CAPS);
	assert_int_equal(set.data_in, 0);
	/* No PDCM: no PERF_CAPABILITIES to write. */
	leaf1->ecx &= ~PDCM;
	assert_int_equal(vpmu_kvm_pebs(&c, &caps, &always, 0, err, sizeof(err)),
			 0);
	assert_false(always);
	cpuid_free(&c);
}

/* Runs vpmu_kvm_perf_capabilities() expecting 0 and caps 0 after n calls. */
static void expect_no_caps(struct vm *vm, const struct cpuid *c,
			   unsigned int nr_calls)
{
	uint64_t caps = 0xdead;

	assert_int_equal(vpmu_kvm_perf_capabilities(vm, c, &caps), 0);
	fake_ioctl_verify();
	assert_int_equal(caps, 0);
	assert_int_equal(fake_ioctl_nr_calls(), nr_calls);
}

static void test_perf_caps_not_offered(void **state)
{
	struct feature_list without = { .indices = features_without_caps,
					.nr = 4 };
	struct feature_list empty = { .indices = NULL, .nr = 0 };
	struct vm vm = { .kvm_fd = KVM_FD, .vm_fd = VM_FD };
	struct cpuid pdcm = make_cpuid(LEAF1_ECX | PDCM, &leaf_a_v2);
	struct cpuid no_pdcm = make_cpuid(LEAF1_ECX, &leaf_a_v2);

	(void)state;
	/* No PDCM: KVM is not even asked. */
	fake_ioctl_reset();
	expect_no_caps(&vm, &no_pdcm, 0);

	/* No feature MSRs in this KVM. */
	fake_ioctl_reset();
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 0);
	expect_no_caps(&vm, &pdcm, 1);

	/* Feature MSRs, but an empty list. */
	fake_ioctl_reset();
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1);
	fake_ioctl_expect_fn(KVM_GET_MSR_FEATURE_INDEX_LIST, fake_feature_list,
			     &empty);
	expect_no_caps(&vm, &pdcm, 2);

	/* A list without IA32_PERF_CAPABILITIES: it is not read. */
	fake_ioctl_reset();
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1);
	fake_ioctl_expect_fn(KVM_GET_MSR_FEATURE_INDEX_LIST, fake_feature_list,
			     &without);
	fake_ioctl_expect_fn(KVM_GET_MSR_FEATURE_INDEX_LIST, fake_feature_list,
			     &without);
	expect_no_caps(&vm, &pdcm, 3);
	assert_int_equal(without.room[1], 4);
	cpuid_free(&pdcm);
	cpuid_free(&no_pdcm);
}

/* Each of the four calls failing in turn: -errno, and vm->failed says which. */
static void test_perf_caps_errors(void **state)
{
	static const struct {
		int err;
		const char *failed;
	} step[] = {
		{ EBADF, "KVM_CHECK_EXTENSION(KVM_CAP_GET_MSR_FEATURES)" },
		{ EFAULT, "KVM_GET_MSR_FEATURE_INDEX_LIST" },
		{ ENOMEM, "KVM_GET_MSR_FEATURE_INDEX_LIST" },
		{ EIO, "KVM_GET_MSRS(IA32_PERF_CAPABILITIES) on /dev/kvm" },
	};
	struct cpuid c = make_cpuid(LEAF1_ECX | PDCM, &leaf_a_v2);

	(void)state;
	for (unsigned int fail = 0; fail < 4; fail++) {
		struct feature_list fl = { .indices = features_with_caps,
					   .nr = 3 };
		struct vm vm = { .kvm_fd = KVM_FD, .vm_fd = VM_FD };
		uint64_t caps = 0xdead;

		fake_ioctl_reset();
		if (fail == 0)
			fake_ioctl_expect_fail(KVM_CHECK_EXTENSION,
					       step[0].err);
		else
			fake_ioctl_expect(KVM_CHECK_EXTENSION, 1);
		if (fail == 1)
			fake_ioctl_expect_fail(KVM_GET_MSR_FEATURE_INDEX_LIST,
					       step[1].err);
		else if (fail > 1)
			fake_ioctl_expect_fn(KVM_GET_MSR_FEATURE_INDEX_LIST,
					     fake_feature_list, &fl);
		if (fail == 2)
			fake_ioctl_expect_fail(KVM_GET_MSR_FEATURE_INDEX_LIST,
					       step[2].err);
		else if (fail > 2)
			fake_ioctl_expect_fn(KVM_GET_MSR_FEATURE_INDEX_LIST,
					     fake_feature_list, &fl);
		if (fail == 3)
			fake_ioctl_expect_fail(KVM_GET_MSRS, step[3].err);
		assert_int_equal(vpmu_kvm_perf_capabilities(&vm, &c, &caps),
				 -step[fail].err);
		fake_ioctl_verify();
		assert_int_equal(fake_ioctl_nr_calls(), fail + 1);
		assert_string_equal(vm.failed, step[fail].failed);
		assert_int_equal(caps, 0);
	}

	/* KVM listed the MSR, then read none: refused, not zero. */
	{
		struct feature_list fl = { .indices = features_with_caps,
					   .nr = 3 };
		struct vm vm = { .kvm_fd = KVM_FD, .vm_fd = VM_FD };
		struct msr_call get = { .ret = 0, .data_out = HOST_PERF_CAPS };
		uint64_t caps;

		fake_ioctl_reset();
		fake_ioctl_expect(KVM_CHECK_EXTENSION, 1);
		fake_ioctl_expect_fn(KVM_GET_MSR_FEATURE_INDEX_LIST,
				     fake_feature_list, &fl);
		fake_ioctl_expect_fn(KVM_GET_MSR_FEATURE_INDEX_LIST,
				     fake_feature_list, &fl);
		fake_ioctl_expect_fn(KVM_GET_MSRS, fake_msrs, &get);
		assert_int_equal(vpmu_kvm_perf_capabilities(&vm, &c, &caps),
				 -EINVAL);
		fake_ioctl_verify();
		assert_string_equal(
			vm.failed,
			"KVM_GET_MSRS(IA32_PERF_CAPABILITIES) on /dev/kvm");
		assert_int_equal(caps, 0);
	}
	cpuid_free(&c);
}

static void test_set_perf_caps(void **state)
{
	struct msr_call set = { .ret = 1 };
	struct vm vm = { .kvm_fd = KVM_FD, .vm_fd = VM_FD };

	(void)state;
	fake_ioctl_reset();
	fake_ioctl_expect_fn(KVM_SET_MSRS, fake_msrs, &set);
	assert_int_equal(vpmu_kvm_set_perf_capabilities(&vm, VCPU_FD,
							HOST_PERF_CAPS, false),
			 0);
	fake_ioctl_verify();
	assert_int_equal(fake_ioctl_nr_calls(), 1);
	assert_int_equal(set.fd, VCPU_FD);
	assert_int_equal(set.index, MSR_PERF_CAPS);
	assert_int_equal(set.data_in, HOST_PERF_CAPS);
	assert_null(vm.failed);

	/* Nothing offered: KVM's own default stays, no call. */
	fake_ioctl_reset();
	assert_int_equal(vpmu_kvm_set_perf_capabilities(&vm, VCPU_FD, 0, false),
			 0);
	assert_int_equal(fake_ioctl_nr_calls(), 0);
}

static void test_set_perf_caps_errors(void **state)
{
	struct msr_call refused = { .ret = 0 };
	struct vm vm = { .kvm_fd = KVM_FD, .vm_fd = VM_FD };

	(void)state;
	fake_ioctl_reset();
	fake_ioctl_expect_fail(KVM_SET_MSRS, EFAULT);
	assert_int_equal(vpmu_kvm_set_perf_capabilities(&vm, VCPU_FD,
							HOST_PERF_CAPS, false),
			 -EFAULT);
	fake_ioctl_verify();
	assert_string_equal(vm.failed, "KVM_SET_MSRS(IA32_PERF_CAPABILITIES)");

	/* KVM_SET_MSRS "succeeds" having set none: KVM refused the value. */
	vm.failed = NULL;
	fake_ioctl_reset();
	fake_ioctl_expect_fn(KVM_SET_MSRS, fake_msrs, &refused);
	assert_int_equal(vpmu_kvm_set_perf_capabilities(&vm, VCPU_FD,
							HOST_PERF_CAPS, false),
			 -EINVAL);
	fake_ioctl_verify();
	assert_string_equal(vm.failed, "KVM_SET_MSRS(IA32_PERF_CAPABILITIES)");
	assert_int_equal(refused.data_in, HOST_PERF_CAPS);
}

/* CPUID after a successful --pmu=off: no leaf 0xA, no PDCM, the rest kept. */
static void assert_pmu_cleared(const struct cpuid *c,
			       const struct snapshot *before)
{
	const struct kvm_cpuid_entry2 *e = leaf_a(c);

	assert_int_equal(e->eax, 0);
	assert_int_equal(e->ebx, 0);
	assert_int_equal(e->ecx, 0);
	assert_int_equal(e->edx, 0);
	assert_int_equal(cpuid_find(c, 1, 0)->ecx, LEAF1_ECX);
	assert_only_pmu_touched(c, before);
}

static void test_disable_with_capability(void **state)
{
	struct vm vm = { .kvm_fd = KVM_FD, .vm_fd = VM_FD };
	struct cpuid c = make_cpuid(LEAF1_ECX | PDCM, &leaf_a_v2);
	struct snapshot before = take_snapshot(&c);
	const struct kvm_enable_cap *cap;
	const struct fake_ioctl_call *call;
	char err[128] = "";

	(void)state;
	fake_ioctl_reset();
	fake_ioctl_expect(KVM_CHECK_EXTENSION, PMU_CAP_DISABLE);
	fake_ioctl_expect(KVM_ENABLE_CAP, 0);
	assert_int_equal(vpmu_kvm_disable(&vm, &c, err, sizeof(err)), 0);
	fake_ioctl_verify();
	assert_string_equal(err, "");
	assert_int_equal(fake_ioctl_nr_calls(), 2);

	/* Both on the VM fd: the capability is per VM. */
	call = fake_ioctl_call(0);
	assert_int_equal(call->fd, VM_FD);
	assert_int_equal(call->arg, CAP_PMU_CAPABILITY);
	call = fake_ioctl_call(1);
	assert_int_equal(call->fd, VM_FD);
	assert_int_equal(call->data_len, sizeof(*cap));
	cap = (const void *)call->data;
	assert_int_equal(cap->cap, CAP_PMU_CAPABILITY);
	assert_int_equal(cap->flags, 0);
	assert_int_equal(cap->args[0], PMU_CAP_DISABLE);
	assert_int_equal(cap->args[1] | cap->args[2] | cap->args[3], 0);

	assert_pmu_cleared(&c, &before);
	cpuid_free(&c);
}

/* A vPMU KVM cannot turn off: refused, CPUID untouched, no ENABLE_CAP. */
static void test_disable_impossible(void **state)
{
	/* No capability; a capability without the DISABLE bit. */
	static const int check[] = { 0, 2 };
	struct vm vm = { .kvm_fd = KVM_FD, .vm_fd = VM_FD };
	struct cpuid c = make_cpuid(LEAF1_ECX | PDCM, &leaf_a_v2);
	struct snapshot before = take_snapshot(&c);

	(void)state;
	for (unsigned int i = 0; i < 2; i++) {
		char err[128] = "";

		fake_ioctl_reset();
		fake_ioctl_expect(KVM_CHECK_EXTENSION, check[i]);
		assert_int_equal(vpmu_kvm_disable(&vm, &c, err, sizeof(err)),
				 -EOPNOTSUPP);
		fake_ioctl_verify();
		assert_int_equal(fake_ioctl_nr_calls(), 1);
		assert_string_equal(
			err,
			"--pmu=off: KVM has a vPMU but no KVM_CAP_PMU_CAPABILITY to turn it off");
		assert_unchanged(&c, &before);
	}
	cpuid_free(&c);
}

static void test_disable_errors(void **state)
{
	struct cpuid c = make_cpuid(LEAF1_ECX | PDCM, &leaf_a_v2);
	struct snapshot before = take_snapshot(&c);
	struct vm vm = { .kvm_fd = KVM_FD, .vm_fd = VM_FD };
	char err[128] = "";

	(void)state;
	fake_ioctl_reset();
	fake_ioctl_expect_fail(KVM_CHECK_EXTENSION, EBADF);
	assert_int_equal(vpmu_kvm_disable(&vm, &c, err, sizeof(err)), -EBADF);
	fake_ioctl_verify();
	assert_string_equal(vm.failed,
			    "KVM_CHECK_EXTENSION(KVM_CAP_PMU_CAPABILITY)");
	assert_string_equal(
		err,
		"KVM_CHECK_EXTENSION(KVM_CAP_PMU_CAPABILITY): Bad file descriptor");
	assert_unchanged(&c, &before);

	/* KVM refuses once a vCPU exists. */
	vm.failed = NULL;
	fake_ioctl_reset();
	fake_ioctl_expect(KVM_CHECK_EXTENSION, PMU_CAP_DISABLE);
	fake_ioctl_expect_fail(KVM_ENABLE_CAP, EINVAL);
	assert_int_equal(vpmu_kvm_disable(&vm, &c, err, sizeof(err)), -EINVAL);
	fake_ioctl_verify();
	assert_string_equal(vm.failed,
			    "KVM_ENABLE_CAP(KVM_CAP_PMU_CAPABILITY)");
	assert_string_equal(
		err,
		"KVM_ENABLE_CAP(KVM_CAP_PMU_CAPABILITY): Invalid argument");
	/* The guest must not be told "no PMU" while KVM still has one. */
	assert_unchanged(&c, &before);
	cpuid_free(&c);
}

/* ---------------------------------------------------- AMD hosts ---- */

#define PERFCTR_CORE (1u << 23)	 /* CPUID.80000001H:ECX */
#define AMD_EXT_ECX  0x004001fbu /* a Zen's other bits */

/*
 * An AMD host's supported CPUID: leaf 0 says AuthenticAMD, leaf
 * 0x80000001 ECX ext_ecx, leaf 0x80000022 (PerfMonV2 with nr counters)
 * when nr, and leaf 0xA all zero, as KVM reports it on AMD.
 */
static struct cpuid make_amd_cpuid(uint32_t ext_ecx, unsigned int nr)
{
	const struct kvm_cpuid_entry2 entries[] = {
		{ .function = 0,
		  .eax = 0x10,
		  .ebx = 0x68747541,
		  .edx = 0x69746e65,
		  .ecx = 0x444d4163 },
		{ .function = 1, .eax = 0xa00f11, .ecx = LEAF1_ECX },
		{ .function = 0xa },
		{ .function = 0x80000000, .eax = 0x80000022 },
		{ .function = 0x80000001, .ecx = ext_ecx, .edx = 0x2fd3fbff },
		{ .function = 0x80000022, .eax = 1, .ebx = 0x100 | nr },
	};

	return table_of(entries, ARRAY_SIZE(entries) - !nr);
}

static void test_amd_available(void **state)
{
	struct cpuid core = make_amd_cpuid(AMD_EXT_ECX | PERFCTR_CORE, 0);
	struct cpuid off = make_amd_cpuid(AMD_EXT_ECX, 6);
	struct kvm_cpuid_entry2 *e;

	(void)state;
	assert_true(vpmu_kvm_available(&core));
	/* KVM clears PerfCtrExtCore when its vPMU is off. */
	assert_false(vpmu_kvm_available(&off));
	/* On AMD, an Intel leaf 0xA says nothing. */
	e = cpuid_find(&off, 0xa, 0);
	*e = leaf_a_v2;
	assert_false(vpmu_kvm_available(&off));
	cpuid_free(&core);
	cpuid_free(&off);
}

/* The AMD limits, level first (X86_PMU_UNSET: as supported). */
static int narrow_amd(struct cpuid *c, int level, int nr_gp, int *chosen,
		      char *err, size_t errlen)
{
	const struct vpmu_kvm_amd_limits lim = { .level = level,
						 .nr_gp = nr_gp };

	return vpmu_kvm_narrow_amd(c, &lim, chosen, err, errlen);
}

static void test_narrow_amd(void **state)
{
	struct cpuid c = make_amd_cpuid(AMD_EXT_ECX | PERFCTR_CORE, 6);
	struct snapshot before = take_snapshot(&c);
	char err[128] = "";
	int level = -1;

	(void)state;
	/* As supported: PerfMonV2, nothing changed. */
	assert_int_equal(narrow_amd(&c, X86_PMU_UNSET, X86_PMU_UNSET, &level,
				    err, sizeof(err)),
			 0);
	assert_int_equal(level, VPMU_AMD_V2);
	assert_unchanged(&c, &before);
	/* v2 with 3 counters: NumPerfCtrCore only. */
	assert_int_equal(
		narrow_amd(&c, VPMU_AMD_V2, 3, &level, err, sizeof(err)), 0);
	assert_int_equal(cpuid_find(&c, 0x80000022, 0)->ebx, 0x103);
	assert_int_equal(cpuid_find(&c, 0x80000022, 0)->eax, 1);
	/* core: no PerfMonV2 leaf, PerfCtrExtCore kept. */
	assert_int_equal(narrow_amd(&c, VPMU_AMD_CORE, X86_PMU_UNSET, &level,
				    err, sizeof(err)),
			 0);
	assert_int_equal(level, VPMU_AMD_CORE);
	assert_int_equal(cpuid_find(&c, 0x80000022, 0)->eax |
				 cpuid_find(&c, 0x80000022, 0)->ebx,
			 0);
	assert_int_equal(cpuid_find(&c, 0x80000001, 0)->ecx,
			 AMD_EXT_ECX | PERFCTR_CORE);
	cpuid_free(&c);
	/* legacy: PerfCtrExtCore cleared too, the other bits kept. */
	c = make_amd_cpuid(AMD_EXT_ECX | PERFCTR_CORE, 6);
	assert_int_equal(narrow_amd(&c, VPMU_AMD_LEGACY, X86_PMU_UNSET, &level,
				    err, sizeof(err)),
			 0);
	assert_int_equal(cpuid_find(&c, 0x80000001, 0)->ecx, AMD_EXT_ECX);
	assert_int_equal(cpuid_find(&c, 0x80000022, 0)->eax, 0);
	assert_string_equal(err, "");
	cpuid_free(&c);
	/* A KVM with PerfCtrExtCore and no PerfMonV2: core is its best. */
	c = make_amd_cpuid(AMD_EXT_ECX | PERFCTR_CORE, 0);
	assert_int_equal(narrow_amd(&c, X86_PMU_UNSET, X86_PMU_UNSET, &level,
				    err, sizeof(err)),
			 0);
	assert_int_equal(level, VPMU_AMD_CORE);
	assert_null(cpuid_find(&c, 0x80000022, 0));
	cpuid_free(&c);
}

static void test_narrow_amd_refusals(void **state)
{
	static const struct {
		uint32_t ext_ecx;
		unsigned int nr;
		int level, nr_gp, ret;
		const char *err;
	} cases[] = {
		{ AMD_EXT_ECX, 6, X86_PMU_UNSET, X86_PMU_UNSET, -EOPNOTSUPP,
		  "--pmu=kvm: KVM offers no vPMU (no PerfCtrExtCore in its CPUID)" },
		{ AMD_EXT_ECX | PERFCTR_CORE, 0, VPMU_AMD_V2, X86_PMU_UNSET,
		  -EINVAL, "--pmu-amd v2: KVM supports core" },
		{ AMD_EXT_ECX | PERFCTR_CORE, 6, VPMU_AMD_CORE, 4, -EINVAL,
		  "--pmu-gp-counters: only PerfMonV2 (--pmu-amd v2) narrows KVM's AMD counters" },
		{ AMD_EXT_ECX | PERFCTR_CORE, 0, X86_PMU_UNSET, 6, -EINVAL,
		  "--pmu-gp-counters: only PerfMonV2 (--pmu-amd v2) narrows KVM's AMD counters" },
		{ AMD_EXT_ECX | PERFCTR_CORE, 4, VPMU_AMD_V2, 5, -EINVAL,
		  "--pmu-gp-counters 5: KVM supports 1 to 4" },
		{ AMD_EXT_ECX | PERFCTR_CORE, 4, X86_PMU_UNSET, 0, -EINVAL,
		  "--pmu-gp-counters 0: KVM supports 1 to 4" },
	};

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cpuid c = make_amd_cpuid(cases[i].ext_ecx, cases[i].nr);
		struct snapshot before = take_snapshot(&c);
		char err[128] = "";
		int level;

		assert_int_equal(narrow_amd(&c, cases[i].level, cases[i].nr_gp,
					    &level, err, sizeof(err)),
				 cases[i].ret);
		assert_string_equal(err, cases[i].err);
		assert_unchanged(&c, &before);
		cpuid_free(&c);
	}
}

/* --pmu=off on an AMD host: PerfCtrExtCore and PerfMonV2 gone too. */
static void test_disable_amd(void **state)
{
	struct vm vm = { .kvm_fd = KVM_FD, .vm_fd = VM_FD };
	struct cpuid c = make_amd_cpuid(AMD_EXT_ECX | PERFCTR_CORE, 6);
	char err[128] = "";

	(void)state;
	fake_ioctl_reset();
	fake_ioctl_expect(KVM_CHECK_EXTENSION, PMU_CAP_DISABLE);
	fake_ioctl_expect(KVM_ENABLE_CAP, 0);
	assert_int_equal(vpmu_kvm_disable(&vm, &c, err, sizeof(err)), 0);
	fake_ioctl_verify();
	assert_int_equal(cpuid_find(&c, 0x80000001, 0)->ecx, AMD_EXT_ECX);
	assert_int_equal(cpuid_find(&c, 0x80000022, 0)->eax |
				 cpuid_find(&c, 0x80000022, 0)->ebx,
			 0);
	assert_int_equal(cpuid_find(&c, 0x80000000, 0)->eax, 0x80000022);
	cpuid_free(&c);
}

static void test_vendor(void **state)
{
	/* Leaf 0 names the vendor in EBX, EDX, ECX. */
	static const struct {
		uint32_t ebx, edx, ecx;
		enum filter_vendor vendor;
	} cases[] = {
		{ 0x756e6547, 0x49656e69, 0x6c65746e, FILTER_VENDOR_INTEL },
		{ 0x68747541, 0x69746e65, 0x444d4163, FILTER_VENDOR_AMD },
		{ 0x6f677948, 0x6e65476e, 0x656e6975, FILTER_VENDOR_AMD },
		/* Only the whole string counts. */
		{ 0x68747541, 0x69746e65, 0x00000000, FILTER_VENDOR_INTEL },
	};
	struct cpuid c = make_cpuid(LEAF1_ECX, NO_LEAF_A);
	struct kvm_cpuid_entry2 *leaf0 = cpuid_find(&c, 0, 0);

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		leaf0->ebx = cases[i].ebx;
		leaf0->edx = cases[i].edx;
		leaf0->ecx = cases[i].ecx;
		assert_int_equal(vpmu_kvm_vendor(&c), cases[i].vendor);
	}
	cpuid_free(&c);
}

/* What KVM_SET_PMU_EVENT_FILTER was given: the header and every event. */
struct filter_call {
	int ret_errno; /* 0: success */
	int fd;
	unsigned char bytes[32 + 8 * 8];
	size_t len;
};

static int fake_set_filter(int fd, unsigned long request, void *arg, void *ctx)
{
	struct filter_call *fc = ctx;
	uint32_t nevents;

	assert_int_equal(request, SET_PMU_EVENT_FILTER);
	fc->fd = fd;
	/* As KVM does: the header first, then nevents entries. */
	nevents = get32((const unsigned char *)arg + 4);
	assert_true(nevents <= 8);
	fc->len = 32 + 8 * nevents;
	memcpy(fc->bytes, arg, fc->len);
	if (fc->ret_errno) {
		errno = fc->ret_errno;
		return -1;
	}
	return 0;
}

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void assert_check_extension(unsigned int nth, long cap)
{
	const struct fake_ioctl_call *c = fake_ioctl_call(nth);

	assert_non_null(c);
	assert_int_equal(c->request, KVM_CHECK_EXTENSION);
	assert_int_equal(c->fd, VM_FD);
	assert_int_equal(c->arg, cap);
}

/* The filter capabilities, asked once for the whole run. */
static void test_filter_caps(void **state)
{
	struct vm vm = { .kvm_fd = KVM_FD, .vm_fd = VM_FD };
	struct vpmu_kvm_filter_caps caps;
	char err[128] = "";

	(void)state;
	/* Plain policies only: the masked-events question is not asked. */
	fake_ioctl_reset();
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1);
	assert_int_equal(
		vpmu_kvm_filter_caps(&vm, false, &caps, err, sizeof(err)), 0);
	fake_ioctl_verify();
	assert_int_equal(fake_ioctl_nr_calls(), 1);
	assert_check_extension(0, CAP_PMU_EVENT_FILTER);
	assert_true(caps.filter);
	assert_false(caps.masked);

	fake_ioctl_reset();
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1);
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1);
	assert_int_equal(
		vpmu_kvm_filter_caps(&vm, true, &caps, err, sizeof(err)), 0);
	fake_ioctl_verify();
	assert_check_extension(0, CAP_PMU_EVENT_FILTER);
	assert_check_extension(1, CAP_MASKED_EVENTS);
	assert_true(caps.filter);
	assert_true(caps.masked);

	fake_ioctl_reset();
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1);
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 0);
	assert_int_equal(
		vpmu_kvm_filter_caps(&vm, true, &caps, err, sizeof(err)), 0);
	fake_ioctl_verify();
	assert_true(caps.filter);
	assert_false(caps.masked);

	/* No filter at all: nothing more to ask. */
	fake_ioctl_reset();
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 0);
	assert_int_equal(
		vpmu_kvm_filter_caps(&vm, true, &caps, err, sizeof(err)), 0);
	fake_ioctl_verify();
	assert_int_equal(fake_ioctl_nr_calls(), 1);
	assert_false(caps.filter);
	assert_false(caps.masked);
	assert_string_equal(err, "");
}

static void test_filter_caps_errors(void **state)
{
	struct vm vm = { .kvm_fd = KVM_FD, .vm_fd = VM_FD };
	struct vpmu_kvm_filter_caps caps;
	char err[128] = "";

	(void)state;
	fake_ioctl_reset();
	fake_ioctl_expect_fail(KVM_CHECK_EXTENSION, EBADF);
	assert_int_equal(vpmu_kvm_filter_caps(&vm, true, &caps, err,
					      sizeof(err)),
			 -EBADF);
	fake_ioctl_verify();
	assert_int_equal(fake_ioctl_nr_calls(), 1);
	assert_string_equal(
		err,
		"KVM_CHECK_EXTENSION(KVM_CAP_PMU_EVENT_FILTER): Bad file descriptor");

	fake_ioctl_reset();
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1);
	fake_ioctl_expect_fail(KVM_CHECK_EXTENSION, EINVAL);
	assert_int_equal(vpmu_kvm_filter_caps(&vm, true, &caps, err,
					      sizeof(err)),
			 -EINVAL);
	fake_ioctl_verify();
	assert_string_equal(
		err,
		"KVM_CHECK_EXTENSION(KVM_CAP_PMU_EVENT_MASKED_EVENTS): Invalid argument");
}

/* Built once, from a copy; every install is the one ioctl, no questions. */
static void test_install_filter_plain(void **state)
{
	uint64_t events[] = { 0x00c0, 0x01003c, 0x4f2e };
	struct filter_x86 f = {
		.action = FILTER_ACTION_DENY,
		.fixed_bitmap = 0x5,
		.nevents = 3,
		.events = events,
	};
	const struct vpmu_kvm_filter_caps caps = { .filter = true };
	struct vm vm = { .kvm_fd = KVM_FD, .vm_fd = VM_FD };
	struct kvm_pmu_event_filter *kf;
	struct filter_call fc = { 0 };
	unsigned char want[32 + 3 * 8] = { 0 };
	char err[128] = "";

	(void)state;
	put32(want, 1);	     /* action: DENY */
	put32(want + 4, 3);  /* nevents */
	put32(want + 8, 5);  /* fixed_counter_bitmap */
	put32(want + 12, 0); /* flags; pad[4] stays 0 */
	put64(want + 32, 0x00c0);
	put64(want + 40, 0x01003c);
	put64(want + 48, 0x4f2e);

	fake_ioctl_reset();
	/* A plain filter needs no masked-events capability. */
	assert_int_equal(
		vpmu_kvm_filter_build(&caps, &f, &kf, err, sizeof(err)), 0);
	assert_int_equal(fake_ioctl_nr_calls(), 0);
	events[0] = 0xdead; /* the policy may change: kf is a copy */
	for (int i = 0; i < 2; i++) {
		fake_ioctl_reset();
		fake_ioctl_expect_fn(KVM_SET_PMU_EVENT_FILTER, fake_set_filter,
				     &fc);
		assert_int_equal(
			vpmu_kvm_install_filter(&vm, kf, err, sizeof(err)), 0);
		fake_ioctl_verify();
		assert_int_equal(fake_ioctl_nr_calls(), 1);
		assert_int_equal(fc.fd, VM_FD);
		assert_int_equal(fc.len, sizeof(want));
		assert_memory_equal(fc.bytes, want, sizeof(want));
	}
	assert_string_equal(err, "");
	free(kf);
}

static void test_install_filter_masked(void **state)
{
	uint64_t events[] = {
		FILTER_MASKED_ENTRY(0xc0, 0xff, 0x00, false),
		FILTER_MASKED_ENTRY(0x2e, 0xf0, 0x40, true),
	};
	struct filter_x86 f = {
		.action = FILTER_ACTION_ALLOW,
		.flags = FILTER_FLAG_MASKED_EVENTS,
		.fixed_bitmap = 0x2,
		.nevents = 2,
		.events = events,
	};
	const struct vpmu_kvm_filter_caps caps = { .filter = true,
						   .masked = true };
	struct vm vm = { .kvm_fd = KVM_FD, .vm_fd = VM_FD };
	struct kvm_pmu_event_filter *kf;
	struct filter_call fc = { 0 };
	unsigned char want[32 + 2 * 8] = { 0 };
	char err[128] = "";

	(void)state;
	put32(want, 0); /* ALLOW */
	put32(want + 4, 2);
	put32(want + 8, 2);
	put32(want + 12, 1); /* KVM_PMU_EVENT_FLAG_MASKED_EVENTS */
	put64(want + 32, 0xff000000000000c0ULL);
	put64(want + 40, 0xf08000000000402eULL);

	fake_ioctl_reset();
	assert_int_equal(
		vpmu_kvm_filter_build(&caps, &f, &kf, err, sizeof(err)), 0);
	fake_ioctl_expect_fn(KVM_SET_PMU_EVENT_FILTER, fake_set_filter, &fc);
	assert_int_equal(vpmu_kvm_install_filter(&vm, kf, err, sizeof(err)), 0);
	fake_ioctl_verify();
	assert_int_equal(fake_ioctl_nr_calls(), 1);
	assert_int_equal(fc.len, sizeof(want));
	assert_memory_equal(fc.bytes, want, sizeof(want));
	free(kf);
}

/* No filter: a DENY list of nothing, which denies nothing. */
static void test_install_filter_none(void **state)
{
	const struct vpmu_kvm_filter_caps caps = { .filter = true };
	struct filter_x86 empty = { .action = FILTER_ACTION_DENY };
	struct vm vm = { .kvm_fd = KVM_FD, .vm_fd = VM_FD };
	const struct filter_x86 *fs[] = { NULL, &empty };
	struct kvm_pmu_event_filter *kf;
	struct filter_call fc = { 0 };
	unsigned char want[32] = { 0 };
	char err[128] = "";

	(void)state;
	put32(want, 1);
	/* A filter of no events is the same structure. */
	for (size_t i = 0; i < ARRAY_SIZE(fs); i++) {
		fake_ioctl_reset();
		assert_int_equal(vpmu_kvm_filter_build(&caps, fs[i], &kf, err,
						       sizeof(err)),
				 0);
		fake_ioctl_expect_fn(KVM_SET_PMU_EVENT_FILTER, fake_set_filter,
				     &fc);
		assert_int_equal(
			vpmu_kvm_install_filter(&vm, kf, err, sizeof(err)), 0);
		fake_ioctl_verify();
		assert_int_equal(fc.len, 32);
		assert_memory_equal(fc.bytes, want, sizeof(want));
		free(kf);
	}
}

/* What the capabilities rule out is refused while building, no ioctl. */
static void test_build_filter_refusals(void **state)
{
	uint64_t events[] = { FILTER_MASKED_ENTRY(0xc0, 0xff, 0, false) };
	struct filter_x86 masked = {
		.flags = FILTER_FLAG_MASKED_EVENTS,
		.nevents = 1,
		.events = events,
	};
	const struct vpmu_kvm_filter_caps none = { 0 };
	const struct vpmu_kvm_filter_caps plain = { .filter = true };
	struct kvm_pmu_event_filter *kf = (void *)1;
	char err[128] = "";

	(void)state;
	fake_ioctl_reset();
	/* No filter at all: not even "no filter" can be installed. */
	assert_int_equal(vpmu_kvm_filter_build(&none, NULL, &kf, err,
					       sizeof(err)),
			 -EOPNOTSUPP);
	assert_null(kf);
	assert_string_equal(
		err,
		"this KVM has no PMU event filter (no KVM_CAP_PMU_EVENT_FILTER)");
	kf = (void *)1;
	assert_int_equal(vpmu_kvm_filter_build(&plain, &masked, &kf, err,
					       sizeof(err)),
			 -EOPNOTSUPP);
	assert_null(kf);
	assert_string_equal(
		err,
		"this KVM does not take masked events (no KVM_CAP_PMU_EVENT_MASKED_EVENTS)");
	assert_int_equal(fake_ioctl_nr_calls(), 0);
}

/* KVM's own verdict comes back as it is. */
static void test_install_filter_errors(void **state)
{
	uint64_t events[] = { 0xc0 };
	struct filter_x86 f = { .nevents = 1, .events = events };
	const struct vpmu_kvm_filter_caps caps = { .filter = true };
	struct vm vm = { .kvm_fd = KVM_FD, .vm_fd = VM_FD };
	struct filter_call fc = { .ret_errno = E2BIG };
	struct kvm_pmu_event_filter *kf;
	char err[128] = "";

	(void)state;
	assert_int_equal(
		vpmu_kvm_filter_build(&caps, &f, &kf, err, sizeof(err)), 0);
	fake_ioctl_reset();
	fake_ioctl_expect_fn(KVM_SET_PMU_EVENT_FILTER, fake_set_filter, &fc);
	assert_int_equal(vpmu_kvm_install_filter(&vm, kf, err, sizeof(err)),
			 -E2BIG);
	fake_ioctl_verify();
	assert_string_equal(err,
			    "KVM_SET_PMU_EVENT_FILTER: Argument list too long");
	assert_string_equal(vm.failed, "KVM_SET_PMU_EVENT_FILTER");
	fc.ret_errno = EINVAL;
	fake_ioctl_reset();
	fake_ioctl_expect_fn(KVM_SET_PMU_EVENT_FILTER, fake_set_filter, &fc);
	assert_int_equal(vpmu_kvm_install_filter(&vm, kf, err, sizeof(err)),
			 -EINVAL);
	fake_ioctl_verify();
	assert_string_equal(err, "KVM_SET_PMU_EVENT_FILTER: Invalid argument");
	free(kf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_available),
		cmocka_unit_test(test_amd_available),
		cmocka_unit_test(test_narrow_amd),
		cmocka_unit_test(test_narrow_amd_refusals),
		cmocka_unit_test(test_disable_amd),
		cmocka_unit_test(test_narrow_as_supported),
		cmocka_unit_test(test_narrow_counters),
		cmocka_unit_test(test_narrow_version1_drops_fixed),
		cmocka_unit_test(test_narrow_version0_clears_leaf),
		cmocka_unit_test(test_narrow_version0_no_perf_caps),
		cmocka_unit_test(test_narrow_refusals),
		cmocka_unit_test(test_narrow_without_vpmu),
		cmocka_unit_test(test_narrow_v5_bitmap),
		cmocka_unit_test(test_perf_caps_read),
		cmocka_unit_test(test_perf_caps_pebs),
		cmocka_unit_test(test_perf_caps_pebs_off_zero),
		cmocka_unit_test(test_perf_caps_not_offered),
		cmocka_unit_test(test_perf_caps_errors),
		cmocka_unit_test(test_set_perf_caps),
		cmocka_unit_test(test_set_perf_caps_errors),
		cmocka_unit_test(test_disable_with_capability),
		cmocka_unit_test(test_disable_impossible),
		cmocka_unit_test(test_disable_errors),
		cmocka_unit_test(test_vendor),
		cmocka_unit_test(test_filter_caps),
		cmocka_unit_test(test_filter_caps_errors),
		cmocka_unit_test(test_install_filter_plain),
		cmocka_unit_test(test_install_filter_masked),
		cmocka_unit_test(test_install_filter_none),
		cmocka_unit_test(test_build_filter_refusals),
		cmocka_unit_test(test_install_filter_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
