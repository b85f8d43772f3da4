// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the x86_64 VM: x86_vm_create() and the page-table walk. */
#include <errno.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fake_ioctl.h"
#include "hvcheck_abi.h"
#include "vmm/vm.h"
#include "vmm/x86/vm.h"

#define RAM_SIZE  (16 << 20)
#define MMAP_SIZE 12288

/* Page-table entry bits and the paging registers of each mode. */
#define PTE_P	 0x001ULL
#define PTE_RW	 0x002ULL
#define PTE_A	 0x020ULL
#define PTE_PS	 0x080ULL
#define PTE_PAT	 0x1000ULL /* bit 12 of a large-page entry */
#define PTE_NX	 (1ULL << 63)
#define CR0_PE	 0x1ULL
#define CR0_PG	 0x80000000ULL
#define CR4_PAE	 0x20ULL
#define CR4_LA57 0x1000ULL
#define EFER_LME 0x100ULL
#define EFER_LMA 0x400ULL
#define WALK_RAM (4 << 20)

#define GVA(l4, l3, l2, l1, off)                                              \
	((uint64_t)(l4) << 39 | (uint64_t)(l3) << 30 | (uint64_t)(l2) << 21 | \
	 (uint64_t)(l1) << 12 | (off))

static const struct vm_paging long_mode = {
	.cr0 = CR0_PE | CR0_PG,
	.cr3 = 0x1000 | 0x5, /* PCID bits below the table address */
	.cr4 = CR4_PAE,
	.efer = EFER_LME | EFER_LMA,
};

static void set_pte(struct guest_mem *mem, uint64_t table, unsigned int i,
		    uint64_t entry)
{
	memcpy(mem->base + table + 8 * i, &entry, sizeof(entry));
}

/*
 * PML4 at 0x1000; PML4[1] -> PDPT 0x2000; PDPT[2] -> PD 0x3000;
 * PD[3] -> PT 0x4000; PT[4] -> the 4 KiB page 0x5000.  PD[5] is a
 * 2 MiB page at 0x200000, PDPT[7] a 1 GiB page at 0x40000000, and
 * PML4[511] / PDPT[510] a 1 GiB page at 0 (a kernel's high mapping).
 */
static int walk_setup(void **state)
{
	static struct guest_mem mem;

	assert_int_equal(vm_mem_alloc(&mem, WALK_RAM), 0);
	set_pte(&mem, 0x1000, 1, 0x2000 | PTE_P | PTE_RW | PTE_A);
	set_pte(&mem, 0x2000, 2, 0x3000 | PTE_P | PTE_RW);
	set_pte(&mem, 0x3000, 3, 0x4000 | PTE_P);
	set_pte(&mem, 0x4000, 4, 0x5000 | PTE_P | PTE_A | PTE_NX);
	set_pte(&mem, 0x3000, 5, 0x200000 | PTE_P | PTE_PS | PTE_PAT);
	set_pte(&mem, 0x2000, 7, 0x40000000 | PTE_P | PTE_PS | PTE_PAT);
	set_pte(&mem, 0x1000, 511, 0x6000 | PTE_P);
	set_pte(&mem, 0x6000, 510, 0 | PTE_P | PTE_PS | PTE_NX);
	*state = &mem;
	return 0;
}

static int walk_teardown(void **state)
{
	vm_mem_free(*state);
	return 0;
}

static uint64_t walk(const struct guest_mem *mem, const struct vm_paging *pg,
		     uint64_t gva)
{
	uint64_t gpa = 0xbad;

	assert_int_equal(x86_gva_to_gpa(mem, pg, gva, &gpa), 0);
	return gpa;
}

static void assert_walk_fails(const struct guest_mem *mem,
			      const struct vm_paging *pg, uint64_t gva, int err)
{
	uint64_t gpa = 0xbad;

	assert_int_equal(x86_gva_to_gpa(mem, pg, gva, &gpa), err);
	assert_int_equal(gpa, 0xbad);
}

static void test_walk_paging_off(void **state)
{
	const struct vm_paging real = { 0 };
	const struct vm_paging prot = { .cr0 = CR0_PE, .cr3 = 0x1000 };

	/* No tables are read: RAM holds none for these addresses. */
	assert_int_equal(walk(*state, &real, 0xb8000), 0xb8000);
	assert_int_equal(walk(*state, &prot, 0x100010), 0x100010);
	/* A linear address wraps at 4 GiB without paging. */
	assert_int_equal(walk(*state, &prot, 0x100001234ULL), 0x1234);
	assert_int_equal(walk(*state, &prot, 0xfffffff0), 0xfffffff0);
}

static void test_walk_4k_page(void **state)
{
	assert_int_equal(walk(*state, &long_mode, GVA(1, 2, 3, 4, 0x567)),
			 0x5567);
	assert_int_equal(walk(*state, &long_mode, GVA(1, 2, 3, 4, 0xfff)),
			 0x5fff);
	assert_int_equal(walk(*state, &long_mode, GVA(1, 2, 3, 4, 0)), 0x5000);
}

static void test_walk_2m_page(void **state)
{
	/* PAT (bit 12) of the entry is not part of the address. */
	assert_int_equal(walk(*state, &long_mode, GVA(1, 2, 5, 0x12, 0x345)),
			 0x212345);
	assert_int_equal(walk(*state, &long_mode, GVA(1, 2, 5, 511, 0xfff)),
			 0x3fffff);
}

static void test_walk_1g_page(void **state)
{
	/* The page's address need not be RAM: the caller checks that. */
	assert_int_equal(walk(*state, &long_mode,
			      GVA(1, 7, 0x1a, 0x145, 0x789)),
			 0x40000000 + (0x1aULL << 21) + (0x145 << 12) + 0x789);
	/* The top of the canonical address space, sign-extended. */
	assert_int_equal(walk(*state, &long_mode, 0xffffffff80101234ULL),
			 0x101234);
}

static void test_walk_not_present(void **state)
{
	struct guest_mem *mem = *state;

	assert_walk_fails(mem, &long_mode, GVA(2, 2, 3, 4, 0), -EFAULT);
	assert_walk_fails(mem, &long_mode, GVA(1, 3, 3, 4, 0), -EFAULT);
	assert_walk_fails(mem, &long_mode, GVA(1, 2, 4, 4, 0), -EFAULT);
	assert_walk_fails(mem, &long_mode, GVA(1, 2, 3, 5, 0), -EFAULT);
	/* Only the present bit makes an entry valid, whatever else is set. */
	set_pte(mem, 0x4000, 6, 0x7000 | PTE_RW | PTE_A);
	assert_walk_fails(mem, &long_mode, GVA(1, 2, 3, 6, 0), -EFAULT);
	set_pte(mem, 0x4000, 6, 0x7000 | PTE_P);
	assert_int_equal(walk(mem, &long_mode, GVA(1, 2, 3, 6, 8)), 0x7008);
}

static void test_walk_tables_outside_ram(void **state)
{
	struct guest_mem *mem = *state;
	struct vm_paging pg = long_mode;

	pg.cr3 = WALK_RAM;
	assert_walk_fails(mem, &pg, GVA(1, 2, 3, 4, 0), -EFAULT);
	/* At each level a table beyond RAM, or straddling its end. */
	set_pte(mem, 0x1000, 3, 0x80000000ULL | PTE_P);
	assert_walk_fails(mem, &long_mode, GVA(3, 0, 0, 0, 0), -EFAULT);
	set_pte(mem, 0x2000, 8, (1ULL << 51) | PTE_P);
	assert_walk_fails(mem, &long_mode, GVA(1, 8, 0, 0, 0), -EFAULT);
	set_pte(mem, 0x3000, 7, (2ULL * WALK_RAM) | PTE_P);
	assert_walk_fails(mem, &long_mode, GVA(1, 2, 7, 0, 0), -EFAULT);
	/* The last page of RAM is a table like any other. */
	set_pte(mem, 0x3000, 7, (WALK_RAM - 4096) | PTE_P);
	set_pte(mem, WALK_RAM - 4096, 511, 0x9000 | PTE_P);
	assert_int_equal(walk(mem, &long_mode, GVA(1, 2, 7, 511, 1)), 0x9001);
}

static void test_walk_unsupported_modes(void **state)
{
	struct guest_mem *mem = *state;
	struct vm_paging pg = long_mode;

	/* 32-bit paging, then PAE paging outside long mode. */
	pg.cr4 = 0;
	pg.efer = 0;
	assert_walk_fails(mem, &pg, 0x1000, -EOPNOTSUPP);
	pg.cr4 = CR4_PAE;
	assert_walk_fails(mem, &pg, 0x1000, -EOPNOTSUPP);
	pg.efer = EFER_LME; /* long mode enabled but not active */
	assert_walk_fails(mem, &pg, 0x1000, -EOPNOTSUPP);
	/* 5-level paging. */
	pg = long_mode;
	pg.cr4 |= CR4_LA57;
	assert_walk_fails(mem, &pg, GVA(1, 2, 3, 4, 0), -EOPNOTSUPP);
}

/*
 * Scripts x86_vm_create(), step by step, up to KVM's answer to the vCPU
 * mapping's size.
 */
static void script_create(int mmap_size)
{
	fake_ioctl_expect(KVM_CREATE_VM, FAKE_NEW_FD);
	fake_ioctl_expect(KVM_SET_USER_MEMORY_REGION, 0);
	fake_ioctl_expect(KVM_SET_TSS_ADDR, 0);
	fake_ioctl_expect(KVM_SET_IDENTITY_MAP_ADDR, 0);
	fake_ioctl_expect(KVM_CREATE_IRQCHIP, 0);
	fake_ioctl_expect(KVM_GET_VCPU_MMAP_SIZE, mmap_size);
}

static void test_create_sequence(void **state)
{
	const struct kvm_userspace_memory_region *slot;
	const struct fake_ioctl_call *c;
	int fds = fake_count_open_fds();
	struct guest_mem mem;
	struct vm vm;
	uint64_t idmap;

	(void)state;
	fake_ioctl_reset();
	assert_int_equal(vm_mem_alloc(&mem, RAM_SIZE), 0);
	fake_ioctl_expect(KVM_GET_API_VERSION, KVM_API_VERSION);
	script_create(MMAP_SIZE);
	assert_int_equal(vm_open(&vm, "/dev/null"), 0);
	assert_int_equal(x86_vm_create(&vm, &mem), 0);
	fake_ioctl_verify();
	assert_int_equal(fake_ioctl_nr_calls(), 7);
	assert_int_equal(vm.run_mmap_size, MMAP_SIZE);

	/* System ioctls on /dev/kvm, VM ioctls on the new VM fd. */
	assert_int_equal(fake_ioctl_call(0)->fd, vm.kvm_fd);
	assert_int_equal(fake_ioctl_call(1)->fd, vm.kvm_fd);
	assert_int_equal(fake_ioctl_call(1)->arg, 0); /* default VM type */
	for (unsigned int i = 2; i <= 5; i++)
		assert_int_equal(fake_ioctl_call(i)->fd, vm.vm_fd);
	assert_int_equal(fake_ioctl_call(6)->fd, vm.kvm_fd);

	/* All RAM in one slot at guest-physical 0. */
	c = fake_ioctl_find(KVM_SET_USER_MEMORY_REGION, 0);
	slot = (const void *)c->data;
	assert_int_equal(slot->slot, 0);
	assert_int_equal(slot->flags, 0);
	assert_int_equal(slot->guest_phys_addr, 0);
	assert_int_equal(slot->memory_size, RAM_SIZE);
	assert_int_equal(slot->userspace_addr, (uintptr_t)mem.base);

	/* Intel's real-mode helpers sit below 4 GiB, above any RAM. */
	c = fake_ioctl_find(KVM_SET_TSS_ADDR, 0);
	assert_true(c->arg >= (uint64_t)HV_X86_MAX_RAM_MIB << 20);
	assert_true(c->arg + 3 * 4096 <= 0xfffc0000);
	c = fake_ioctl_find(KVM_SET_IDENTITY_MAP_ADDR, 0);
	memcpy(&idmap, c->data, sizeof(idmap));
	assert_true(idmap >= (uint64_t)HV_X86_MAX_RAM_MIB << 20);
	/* Not inside the TSS's three pages. */
	assert_true(idmap + 4096 <= fake_ioctl_find(KVM_SET_TSS_ADDR, 0)->arg ||
		    idmap >= fake_ioctl_find(KVM_SET_TSS_ADDR, 0)->arg +
				     3 * 4096);

	vm_destroy(&vm);
	vm_mem_free(&mem);
	assert_int_equal(fake_count_open_fds(), fds);
}

/* Each step of vm_create() failing in turn leaves no fd behind. */
static void test_create_unwinds(void **state)
{
	static const struct {
		unsigned long request;
		const char *name;
	} steps[] = {
		{ KVM_CREATE_VM, "KVM_CREATE_VM" },
		{ KVM_SET_USER_MEMORY_REGION, "KVM_SET_USER_MEMORY_REGION" },
		{ KVM_SET_TSS_ADDR, "KVM_SET_TSS_ADDR" },
		{ KVM_SET_IDENTITY_MAP_ADDR, "KVM_SET_IDENTITY_MAP_ADDR" },
		{ KVM_CREATE_IRQCHIP, "KVM_CREATE_IRQCHIP" },
		{ KVM_GET_VCPU_MMAP_SIZE, "KVM_GET_VCPU_MMAP_SIZE" },
	};
	struct guest_mem mem;

	(void)state;
	assert_int_equal(vm_mem_alloc(&mem, RAM_SIZE), 0);
	for (unsigned int k = 0; k < 6; k++) {
		int fds = fake_count_open_fds();
		struct vm vm;

		fake_ioctl_reset();
		fake_ioctl_expect(KVM_GET_API_VERSION, KVM_API_VERSION);
		for (unsigned int i = 0; i < k; i++)
			fake_ioctl_expect(steps[i].request,
					  i ? 0 : FAKE_NEW_FD);
		fake_ioctl_expect_fail(steps[k].request, EINVAL);
		assert_int_equal(vm_open(&vm, "/dev/null"), 0);
		assert_int_equal(x86_vm_create(&vm, &mem), -EINVAL);
		fake_ioctl_verify();
		assert_string_equal(vm.failed, steps[k].name);
		assert_int_equal(vm.vm_fd, -1);
		/* Only /dev/kvm is left open, and vm_destroy() closes it. */
		assert_int_equal(fake_count_open_fds(), fds + 1);
		vm_destroy(&vm);
		assert_int_equal(fake_count_open_fds(), fds);
	}
	vm_mem_free(&mem);
}

static void test_create_mmap_size_too_small(void **state)
{
	int fds = fake_count_open_fds();
	struct guest_mem mem;
	struct vm vm;

	(void)state;
	assert_int_equal(vm_mem_alloc(&mem, RAM_SIZE), 0);
	fake_ioctl_reset();
	fake_ioctl_expect(KVM_GET_API_VERSION, KVM_API_VERSION);
	script_create(64);
	assert_int_equal(vm_open(&vm, "/dev/null"), 0);
	assert_int_equal(x86_vm_create(&vm, &mem), -EPROTO);
	vm_destroy(&vm);
	vm_mem_free(&mem);
	assert_int_equal(fake_count_open_fds(), fds);
}

#define WALK_TEST(fn) \
	cmocka_unit_test_setup_teardown(fn, walk_setup, walk_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		WALK_TEST(test_walk_paging_off),
		WALK_TEST(test_walk_4k_page),
		WALK_TEST(test_walk_2m_page),
		WALK_TEST(test_walk_1g_page),
		WALK_TEST(test_walk_not_present),
		WALK_TEST(test_walk_tables_outside_ram),
		WALK_TEST(test_walk_unsupported_modes),
		cmocka_unit_test(test_create_sequence),
		cmocka_unit_test(test_create_unwinds),
		cmocka_unit_test(test_create_mmap_size_too_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
