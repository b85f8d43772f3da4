// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the guest CPUID: KVM's supported table, APIC IDs. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fake_ioctl.h"
#include "vmm/x86/cpuid.h"

#define X2APIC_BIT (1u << 21) /* leaf 1 ECX */
#define KVM_FD	   100

/* What a KVM might report: max basic leaf, leaf 1, topology leaves. */
static const struct kvm_cpuid_entry2 host_entries[] = {
	{ .function = 0, .eax = 0x20, .ebx = 0x756e6547 },
	{ .function = 1,
	  .eax = 0x806f8,
	  .ebx = 0x00020800,
	  .ecx = 0x81202000 | X2APIC_BIT,
	  .edx = 0x0f8bfbff },
	{ .function = 4,
	  .index = 0,
	  .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
	  .eax = 0x04000121 },
	{ .function = 0xb,
	  .index = 0,
	  .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX },
	{ .function = 0x1f,
	  .index = 0,
	  .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX },
	{ .function = 0x40000000, .eax = 0x40000001 },
};
#define NR_HOST_ENTRIES (sizeof(host_entries) / sizeof(host_entries[0]))

struct supported_ctx {
	unsigned int min_nent; /* E2BIG below this */
	unsigned int nent_seen[4];
	unsigned int calls;
};

static int fake_supported(int fd, unsigned long request, void *arg, void *ctx)
{
	struct supported_ctx *c = ctx;
	struct kvm_cpuid2 *t = arg;

	assert_int_equal(fd, KVM_FD);
	assert_int_equal(request, KVM_GET_SUPPORTED_CPUID);
	c->nent_seen[c->calls++] = t->nent;
	if (t->nent < c->min_nent) {
		errno = E2BIG;
		return -1;
	}
	t->nent = NR_HOST_ENTRIES;
	memcpy(t->entries, host_entries, sizeof(host_entries));
	return 0;
}

static void get_table(struct vm *vm, struct cpuid *cpuid)
{
	struct supported_ctx ctx = { .min_nent = 1 };

	fake_ioctl_reset();
	fake_ioctl_expect_fn(KVM_GET_SUPPORTED_CPUID, fake_supported, &ctx);
	assert_int_equal(cpuid_get_supported(vm, cpuid), 0);
	fake_ioctl_verify();
}

static void test_supported_grows_on_e2big(void **state)
{
	struct vm vm = { .kvm_fd = KVM_FD };
	struct supported_ctx ctx = { .min_nent = 100 };
	struct cpuid cpuid;

	(void)state;
	fake_ioctl_reset();
	fake_ioctl_expect_fn(KVM_GET_SUPPORTED_CPUID, fake_supported, &ctx);
	fake_ioctl_expect_fn(KVM_GET_SUPPORTED_CPUID, fake_supported, &ctx);
	assert_int_equal(cpuid_get_supported(&vm, &cpuid), 0);
	fake_ioctl_verify();
	assert_int_equal(ctx.calls, 2);
	assert_true(ctx.nent_seen[1] > ctx.nent_seen[0]);
	assert_true(ctx.nent_seen[1] >= 100);
	assert_int_equal(cpuid.table->nent, NR_HOST_ENTRIES);
	assert_true(cpuid.capacity > cpuid.table->nent);
	assert_non_null(cpuid_find(&cpuid, 0x40000000, 0));
	cpuid_free(&cpuid);
	assert_null(cpuid.table);
}

static void test_supported_fails(void **state)
{
	struct vm vm = { .kvm_fd = KVM_FD };
	struct cpuid cpuid = { 0 };

	(void)state;
	fake_ioctl_reset();
	fake_ioctl_expect_fail(KVM_GET_SUPPORTED_CPUID, EINVAL);
	assert_int_equal(cpuid_get_supported(&vm, &cpuid), -EINVAL);
	assert_string_equal(vm.failed, "KVM_GET_SUPPORTED_CPUID");
	assert_null(cpuid.table);
	fake_ioctl_verify();
}

static unsigned int count_leaf(const struct cpuid *cpuid, uint32_t leaf)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < cpuid->table->nent; i++)
		n += cpuid->table->entries[i].function == leaf;
	return n;
}

static void check_extended_topology(const struct cpuid *cpuid, uint32_t leaf,
				    uint32_t apic_id, uint32_t core_shift,
				    uint32_t nr_cpus)
{
	struct kvm_cpuid_entry2 *e;

	assert_int_equal(count_leaf(cpuid, leaf), 3);
	/* Subleaf 0: SMT level, one thread per core. */
	e = cpuid_find(cpuid, leaf, 0);
	assert_non_null(e);
	assert_int_equal(e->eax, 0);
	assert_int_equal(e->ebx, 1);
	assert_int_equal(e->ecx, 1 << 8 | 0);
	assert_int_equal(e->edx, apic_id);
	/* Subleaf 1: core level holding every vCPU. */
	e = cpuid_find(cpuid, leaf, 1);
	assert_non_null(e);
	assert_int_equal(e->eax, core_shift);
	assert_int_equal(e->ebx, nr_cpus);
	assert_int_equal(e->ecx, 2 << 8 | 1);
	assert_int_equal(e->edx, apic_id);
	/* Subleaf 2: the invalid level that ends the list. */
	e = cpuid_find(cpuid, leaf, 2);
	assert_non_null(e);
	assert_int_equal(e->eax, 0);
	assert_int_equal(e->ebx, 0);
	assert_int_equal(e->ecx, 2);
	assert_int_equal(e->edx, apic_id);
}

static void test_topology_per_vcpu(void **state)
{
	struct vm vm = { .kvm_fd = KVM_FD };
	struct cpuid cpuid;
	struct kvm_cpuid_entry2 *leaf1;

	(void)state;
	get_table(&vm, &cpuid);

	assert_int_equal(cpuid_set_topology(&cpuid, 3, 4), 0);
	leaf1 = cpuid_find(&cpuid, 1, 0);
	assert_int_equal(leaf1->ebx, 0x03020800); /* APIC ID in 31:24 */
	assert_true(leaf1->ecx & X2APIC_BIT);
	assert_int_equal(leaf1->ecx, host_entries[1].ecx);
	assert_int_equal(leaf1->edx, host_entries[1].edx);
	check_extended_topology(&cpuid, 0xb, 3, 2, 4);
	check_extended_topology(&cpuid, 0x1f, 3, 2, 4);

	/* Again for the next vCPU: rewritten, not piled up. */
	assert_int_equal(cpuid_set_topology(&cpuid, 1, 4), 0);
	leaf1 = cpuid_find(&cpuid, 1, 0);
	assert_int_equal(leaf1->ebx, 0x01020800);
	check_extended_topology(&cpuid, 0xb, 1, 2, 4);
	check_extended_topology(&cpuid, 0x1f, 1, 2, 4);
	/* Leaves it has no business with are untouched. */
	assert_int_equal(cpuid_find(&cpuid, 4, 0)->eax, 0x04000121);
	assert_int_equal(cpuid_find(&cpuid, 0x40000000, 0)->eax, 0x40000001);
	cpuid_free(&cpuid);
}

static void test_core_shift(void **state)
{
	static const uint32_t shift[][2] = { { 1, 0 }, { 2, 1 }, { 3, 2 },
					     { 4, 2 }, { 5, 3 }, { 64, 6 } };
	struct vm vm = { .kvm_fd = KVM_FD };
	struct cpuid cpuid;

	(void)state;
	get_table(&vm, &cpuid);
	for (unsigned int i = 0; i < 6; i++) {
		assert_int_equal(cpuid_set_topology(&cpuid, 0, shift[i][0]), 0);
		check_extended_topology(&cpuid, 0xb, 0, shift[i][1],
					shift[i][0]);
	}
	cpuid_free(&cpuid);
}

/* A CPU whose basic leaves stop below 0xB gets no topology leaves. */
static void test_low_max_leaf(void **state)
{
	struct vm vm = { .kvm_fd = KVM_FD };
	struct cpuid cpuid;

	(void)state;
	get_table(&vm, &cpuid);
	cpuid_find(&cpuid, 0, 0)->eax = 0xa;
	assert_int_equal(cpuid_set_topology(&cpuid, 1, 2), 0);
	assert_int_equal(cpuid_find(&cpuid, 1, 0)->ebx >> 24, 1);
	assert_int_equal(count_leaf(&cpuid, 0xb), 1);
	assert_int_equal(cpuid_find(&cpuid, 0xb, 0)->edx, 0);
	cpuid_free(&cpuid);
}

static void test_set_replaces(void **state)
{
	struct vm vm = { .kvm_fd = KVM_FD };
	struct kvm_cpuid_entry2 *e;
	struct cpuid cpuid;

	(void)state;
	get_table(&vm, &cpuid);
	e = cpuid_find(&cpuid, 0x40000000, 0);
	assert_int_equal(cpuid_set(&cpuid, 0x40000000, 1, 2, 3, 4), 0);
	assert_int_equal(cpuid.table->nent, NR_HOST_ENTRIES);
	/* The same entry, rewritten whole. */
	assert_ptr_equal(cpuid_find(&cpuid, 0x40000000, 0), e);
	assert_int_equal(e->eax, 1);
	assert_int_equal(e->ebx, 2);
	assert_int_equal(e->ecx, 3);
	assert_int_equal(e->edx, 4);
	/* A leaf with subleaves: subleaf 0 changes and keeps its flags. */
	assert_int_equal(cpuid_set(&cpuid, 4, 5, 6, 7, 8), 0);
	assert_int_equal(cpuid.table->nent, NR_HOST_ENTRIES);
	e = cpuid_find(&cpuid, 4, 0);
	assert_int_equal(e->eax, 5);
	assert_int_equal(e->edx, 8);
	assert_int_equal(e->flags, KVM_CPUID_FLAG_SIGNIFCANT_INDEX);
	assert_int_equal(count_leaf(&cpuid, 4), 1);
	/* Its neighbours are untouched. */
	assert_int_equal(cpuid_find(&cpuid, 1, 0)->eax, host_entries[1].eax);
	cpuid_free(&cpuid);
}

static void test_set_appends(void **state)
{
	struct vm vm = { .kvm_fd = KVM_FD };
	struct kvm_cpuid_entry2 *e;
	struct cpuid cpuid;

	(void)state;
	get_table(&vm, &cpuid);
	assert_null(cpuid_find(&cpuid, 0xa, 0));
	assert_int_equal(cpuid_set(&cpuid, 0xa, 0x11, 0x22, 0x33, 0x44), 0);
	assert_int_equal(cpuid.table->nent, NR_HOST_ENTRIES + 1);
	e = &cpuid.table->entries[NR_HOST_ENTRIES];
	assert_ptr_equal(cpuid_find(&cpuid, 0xa, 0), e);
	assert_int_equal(e->function, 0xa);
	assert_int_equal(e->index, 0);
	assert_int_equal(e->flags, 0);
	assert_int_equal(e->eax, 0x11);
	assert_int_equal(e->ebx, 0x22);
	assert_int_equal(e->ecx, 0x33);
	assert_int_equal(e->edx, 0x44);
	/* Setting it again rewrites the appended entry. */
	assert_int_equal(cpuid_set(&cpuid, 0xa, 9, 0, 0, 0), 0);
	assert_int_equal(cpuid.table->nent, NR_HOST_ENTRIES + 1);
	assert_int_equal(e->eax, 9);
	assert_int_equal(e->ebx, 0);
	cpuid_free(&cpuid);
}

static void test_set_full_table(void **state)
{
	struct vm vm = { .kvm_fd = KVM_FD };
	struct cpuid cpuid;
	unsigned int spare;

	(void)state;
	get_table(&vm, &cpuid);
	/* Next to both topology leaves, the emulated vPMU's three fit. */
	assert_int_equal(cpuid_set_topology(&cpuid, 0, 2), 0);
	spare = cpuid.capacity - cpuid.table->nent;
	assert_true(spare >= 3);
	for (unsigned int i = 0; i < spare; i++)
		assert_int_equal(cpuid_set(&cpuid, 0x40000100 + i, i, 0, 0, 0),
				 0);
	assert_int_equal(cpuid.table->nent, cpuid.capacity);
	assert_int_equal(cpuid_set(&cpuid, 0xa, 1, 2, 3, 4), -ENOSPC);
	assert_int_equal(cpuid.table->nent, cpuid.capacity);
	assert_null(cpuid_find(&cpuid, 0xa, 0));
	/* A full table still takes new values for its own leaves. */
	assert_int_equal(cpuid_set(&cpuid, 0x40000100, 7, 0, 0, 0), 0);
	assert_int_equal(cpuid_find(&cpuid, 0x40000100, 0)->eax, 7);
	cpuid_free(&cpuid);
}

/* The vendor string in EBX, EDX, ECX, read and written. */
static void test_vendor(void **state)
{
	struct vm vm = { .kvm_fd = KVM_FD };
	char vendor[CPUID_VENDOR_SIZE];
	struct kvm_cpuid_entry2 *e;
	struct cpuid cpuid;

	(void)state;
	get_table(&vm, &cpuid);
	e = cpuid_find(&cpuid, 0, 0);
	e->ebx = 0x68747541; /* "Auth" */
	e->edx = 0x69746e65; /* "enti" */
	e->ecx = 0x444d4163; /* "cAMD" */
	cpuid_vendor(&cpuid, vendor);
	assert_string_equal(vendor, "AuthenticAMD");
	assert_true(cpuid_vendor_is_amd(&cpuid));
	assert_int_equal(cpuid_set_vendor(&cpuid, "HygonGenuine"), 0);
	assert_true(cpuid_vendor_is_amd(&cpuid));
	assert_int_equal(cpuid_set_vendor(&cpuid, "GenuineIntel"), 0);
	assert_false(cpuid_vendor_is_amd(&cpuid));
	assert_int_equal(e->ebx, 0x756e6547); /* "Genu" */
	assert_int_equal(e->edx, 0x49656e69); /* "ineI" */
	assert_int_equal(e->ecx, 0x6c65746e); /* "ntel" */
	assert_int_equal(e->eax, 0x20);	      /* the maximum leaf stays */
	cpuid_vendor(&cpuid, vendor);
	assert_string_equal(vendor, "GenuineIntel");
	/* No leaf 0: no vendor, and none written. */
	e->function = 0x7;
	cpuid_vendor(&cpuid, vendor);
	assert_string_equal(vendor, "");
	assert_false(cpuid_vendor_is_amd(&cpuid));
	assert_int_equal(cpuid_set_vendor(&cpuid, "AuthenticAMD"), -EINVAL);
	assert_int_equal(e->ebx, 0x756e6547);
	cpuid_free(&cpuid);
}

/* CPUID.1:ECX bit 31 set, every other bit kept; nothing without leaf 1. */
static void test_hypervisor_bit(void **state)
{
	struct vm vm = { .kvm_fd = KVM_FD };
	struct kvm_cpuid_entry2 *e;
	struct cpuid cpuid;

	(void)state;
	get_table(&vm, &cpuid);
	e = cpuid_find(&cpuid, 1, 0);
	e->ecx &= ~(1u << 31);
	cpuid_set_hypervisor(&cpuid);
	assert_int_equal(e->ecx, 0x81202000 | X2APIC_BIT);
	cpuid_set_hypervisor(&cpuid);
	assert_int_equal(e->ecx, 0x81202000 | X2APIC_BIT);
	e->function = 0x7;
	e->ecx = 0;
	cpuid_set_hypervisor(&cpuid);
	assert_int_equal(e->ecx, 0);
	assert_int_equal(cpuid.table->nent, NR_HOST_ENTRIES);
	cpuid_free(&cpuid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_supported_grows_on_e2big),
		cmocka_unit_test(test_supported_fails),
		cmocka_unit_test(test_topology_per_vcpu),
		cmocka_unit_test(test_core_shift),
		cmocka_unit_test(test_low_max_leaf),
		cmocka_unit_test(test_set_replaces),
		cmocka_unit_test(test_set_appends),
		cmocka_unit_test(test_set_full_table),
		cmocka_unit_test(test_vendor),
		cmocka_unit_test(test_hypervisor_bit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
