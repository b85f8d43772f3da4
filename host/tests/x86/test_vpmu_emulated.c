// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the emulated vPMU's KVM glue, through the wrapped ioctl. */
#include <errno.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <cmocka.h>

#include "fake_ioctl.h"
#include "hvcheck_abi.h"
#include "le_bytes.h"
#include "x86/fake_probe.h"
#include "vmm/x86/vcpu.h"
#include "vmm/x86/vpmu_emulated_vcpu.h"
#include "vpmu/amd.h"

#define VM_FD	     1000
#define VCPU_FD	     1001
#define VCPU_ID	     2
#define RAM_SIZE     (4 << 20)
#define TSC_KHZ	     2500000
#define KICK	     SIGUSR1 /* the signal the overflow timer kicks with */
#define MASK48	     ((1ULL << 48) - 1)
/* Only a timer that never fires waits this long for its kick. */
#define KICK_WAIT_NS 10000000000ULL

/* PMU MSRs and event selections the tests program. */
#define PMC0	       0xc1
#define PERFEVTSEL0    0x186
#define FIXED_CTR0     0x309
#define FIXED_CTR_CTRL 0x38d
#define GLOBAL_CTRL    0x38f
#define SEL_INSTRUCTIONS \
	(0x00c0 | VPMU_EVTSEL_EN | VPMU_EVTSEL_USR | VPMU_EVTSEL_OS)
#define SEL_BRANCHES \
	(0x00c4 | VPMU_EVTSEL_EN | VPMU_EVTSEL_USR | VPMU_EVTSEL_OS)
#define SEL_CYCLES (0x003c | VPMU_EVTSEL_EN | VPMU_EVTSEL_USR | VPMU_EVTSEL_OS)

/*
 * The guest: 64-bit long mode, code at CODE (page 0x400000 maps to
 * guest-physical 0x10000, page 0x401000 to 0x20000; 0x400000 itself is
 * outside RAM, so only a page walk finds the code).
 */
#define CODE	     0x400000ULL
#define CODE_PAGE0   0x10000ULL
#define CODE_PAGE1   0x20000ULL
#define CR0_PE	     0x1ULL
#define CR0_PG	     0x80000000ULL
#define CR4_PAE	     0x20ULL
#define CR4_PCE	     0x100ULL
#define EFER_LME_LMA 0x500ULL
#define PTE_P	     0x1ULL
#define CS_KERNEL    0x08
#define CS_USER	     0x33 /* RPL 3 */

/* LAPIC LVT performance counter register and its fields. */
#define APIC_LVTPC 0x340
#define LVT_MASKED (1u << 16)
#define LVT_NMI	   (4u << 8)
#define LVT_SMI	   (2u << 8)
#define PMI_VECTOR 0xfe

struct fixture {
	struct vm vm;
	struct vcpu vcpu;
	struct guest_mem mem;
	struct vcpu_pmu pmu;
	struct vpmu_config cfg;
	/* what the KVM_X86_SET_MSR_FILTER handler saw */
	struct kvm_msr_filter filter;
	uint8_t bitmaps[KVM_MSR_FILTER_MAX_RANGES][8];
	unsigned int rdpmc_len; /* of the RDPMC the RDPMC tests step */
	/* the run's filter policies, see use_filters() */
	struct filter_slots filters;
	struct filter_x86_rules rules[2];
	const struct filter_x86_rules *slots[3];
	bool have_rules;
};

/*
 * The vPMU's clock in these tests (init_pmu()): the cycles of a run are
 * exact, however long the machine takes.  Every read moves it on by
 * fake_tick, the time the VMM's own work takes.
 */
static uint64_t fake_now, fake_tick;

static uint64_t fake_clock(void)
{
	uint64_t now = fake_now;

	fake_now += fake_tick;
	return now;
}

static void set_pte(struct guest_mem *mem, uint64_t table, unsigned int i,
		    uint64_t entry)
{
	memcpy(mem->base + table + 8 * i, &entry, sizeof(entry));
}

/* Guest code bytes at gva, through the test's own idea of the mapping. */
static void put_code(struct fixture *f, uint64_t gva, const uint8_t *bytes,
		     size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t off = gva + i - CODE;

		assert_true(off < 0x2000);
		f->mem.base[(off < 0x1000 ? CODE_PAGE0 : CODE_PAGE1 - 0x1000) +
			    off] = bytes[i];
	}
}

#define CODE_AT(f, gva, ...)                               \
	put_code(f, gva, (const uint8_t[]){ __VA_ARGS__ }, \
		 sizeof((const uint8_t[]){ __VA_ARGS__ }))

static int setup(void **state)
{
	static struct fixture f;
	struct kvm_sregs *sregs;

	memset(&f, 0, sizeof(f));
	fake_ioctl_reset();
	fake_ioctl_expect(KVM_GET_API_VERSION, KVM_API_VERSION);
	assert_int_equal(vm_open(&f.vm, "/dev/null"), 0);
	f.vm.vm_fd = VM_FD;
	f.vcpu.vm = &f.vm;
	f.vcpu.id = VCPU_ID;
	f.vcpu.fd = VCPU_FD;
	f.vcpu.run = calloc(1, sizeof(*f.vcpu.run));
	assert_non_null(f.vcpu.run);
	assert_int_equal(vm_mem_alloc(&f.mem, RAM_SIZE), 0);
	/* PML4 0x1000 -> PDPT 0x2000 -> PD 0x3000 -> PT 0x4000 */
	set_pte(&f.mem, 0x1000, 0, 0x2000 | PTE_P);
	set_pte(&f.mem, 0x2000, 0, 0x3000 | PTE_P);
	set_pte(&f.mem, 0x3000, 2, 0x4000 | PTE_P);
	set_pte(&f.mem, 0x4000, 0, CODE_PAGE0 | PTE_P);
	set_pte(&f.mem, 0x4000, 1, CODE_PAGE1 | PTE_P);
	sregs = &f.vcpu.run->s.regs.sregs;
	sregs->cr0 = CR0_PE | CR0_PG;
	sregs->cr3 = 0x1000;
	sregs->cr4 = CR4_PAE;
	sregs->efer = EFER_LME_LMA;
	sregs->cs.selector = CS_KERNEL;
	sregs->cs.l = 1;
	vpmu_config_default(&f.cfg);
	fake_now = 1000000000;
	fake_tick = 0;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	vcpu_pmu_destroy(&f->pmu);
	if (f->have_rules) {
		filter_x86_rules_free(&f->rules[0]);
		filter_x86_rules_free(&f->rules[1]);
	}
	free(f->vcpu.run);
	vm_mem_free(&f->mem);
	f->vm.vm_fd = -1;
	vm_destroy(&f->vm);
	return 0;
}

static void init_pmu(struct fixture *f)
{
	fake_ioctl_reset();
	fake_ioctl_expect(KVM_CHECK_EXTENSION, KVM_SYNC_X86_REGS |
						       KVM_SYNC_X86_SREGS |
						       KVM_SYNC_X86_EVENTS);
	assert_int_equal(
		vcpu_pmu_init(&f->vcpu, &f->pmu, &f->cfg, &f->mem, TSC_KHZ), 0);
	fake_ioctl_verify();
	fake_ioctl_reset();
	f->pmu.clock_ns = fake_clock;
}

static void model_wr(struct fixture *f, uint32_t msr, uint64_t val)
{
	assert_int_equal(vpmu_wrmsr(&f->pmu.model, msr, val), 0);
}

static uint64_t model_rd(struct fixture *f, uint32_t msr)
{
	uint64_t val;

	assert_int_equal(vpmu_rdmsr(&f->pmu.model, msr, &val), 0);
	return val;
}

/* A KVM_EXIT_X86_RDMSR/WRMSR at rip; returns run->msr.error. */
static int msr_exit(struct fixture *f, bool write, uint64_t rip, uint32_t msr,
		    uint64_t data)
{
	struct kvm_run *run = f->vcpu.run;

	run->exit_reason = write ? KVM_EXIT_X86_WRMSR : KVM_EXIT_X86_RDMSR;
	run->msr.index = msr;
	run->msr.data = data;
	run->msr.error = 0;
	run->s.regs.regs.rip = rip;
	/* every MSR these tests access is the model's */
	assert_true(vcpu_pmu_msr_exit(&f->vcpu, write));
	return run->msr.error;
}

/* A single-step KVM_EXIT_DEBUG with the vCPU now at rip. */
static void step(struct fixture *f, uint64_t rip)
{
	f->vcpu.run->exit_reason = KVM_EXIT_DEBUG;
	f->vcpu.run->s.regs.regs.rip = rip;
	/* the model asked for the step */
	assert_true(vcpu_pmu_debug_exit(&f->vcpu));
}

#define SINGLESTEP (KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP)

/* What an entry tells KVM of the single-stepping (enter()). */
enum tells {
	TELLS_NOTHING,	 /* not stepping, and KVM knows it */
	TELLS_STEP,	 /* single-step armed again: KVM drops it */
	TELLS_REGS_STEP, /* the registers the VMM changed, then the step */
	TELLS_UNSTEP,	 /* the first entry after the stepping stopped */
};

/*
 * The entry after an exit: vcpu_pmu_before_run(), its KVM calls what
 * tells says, after whatever the test scripted (a PMI goes first).
 */
static void enter(struct fixture *f, enum tells tells)
{
	const struct kvm_guest_debug *dbg;
	const struct fake_ioctl_call *c;

	if (tells == TELLS_REGS_STEP)
		fake_ioctl_expect(KVM_SET_REGS, 0);
	if (tells != TELLS_NOTHING)
		fake_ioctl_expect(KVM_SET_GUEST_DEBUG, 0);
	vcpu_pmu_before_run(&f->vcpu);
	fake_ioctl_verify();
	if (tells == TELLS_NOTHING)
		return;
	c = fake_ioctl_call(fake_ioctl_nr_calls() - 1);
	assert_int_equal(c->fd, VCPU_FD);
	dbg = (const void *)c->data;
	assert_int_equal(dbg->control, tells == TELLS_UNSTEP ? 0 : SINGLESTEP);
}

/* How many times request was called since the last fake_ioctl_reset(). */
static unsigned int nr_calls_of(unsigned long request)
{
	unsigned int n = 0;

	while (fake_ioctl_find(request, n))
		n++;
	return n;
}

/*
 * Counts instructions in PMC0, branches in PMC1 and core cycles in
 * fixed counter 1, all held off by GLOBAL_CTRL; the guest's WRMSR of
 * GLOBAL_CTRL at rip then starts them (and the stepping), and the step
 * that completes it follows.
 */
#define COUNTING_ALL (0xf | 1ULL << 33)

static void start_counting(struct fixture *f, uint64_t rip)
{
	model_wr(f, GLOBAL_CTRL, 0);
	model_wr(f, PERFEVTSEL0, SEL_INSTRUCTIONS);
	model_wr(f, PERFEVTSEL0 + 1, SEL_BRANCHES);
	model_wr(f, FIXED_CTR_CTRL, VPMU_FIXED_CTRL(1, 0x3));
	assert_false(vpmu_needs_stepping(&f->pmu.model));
	fake_ioctl_reset();
	assert_int_equal(msr_exit(f, true, rip, GLOBAL_CTRL, COUNTING_ALL), 0);
	assert_true(f->pmu.stepping);
	enter(f, TELLS_STEP);
	step(f, rip + 2);
	fake_ioctl_reset();
}

/* ---------------------------------------------------- VM set-up ---- */

static int record_filter(int fd, unsigned long request, void *arg, void *ctx)
{
	const struct kvm_msr_filter *filter = arg;
	struct fixture *f = ctx;

	assert_int_equal(fd, VM_FD);
	assert_int_equal(request, KVM_X86_SET_MSR_FILTER);
	f->filter = *filter;
	for (unsigned int i = 0; i < KVM_MSR_FILTER_MAX_RANGES; i++) {
		const struct kvm_msr_filter_range *r = &filter->ranges[i];

		if (!r->nmsrs)
			continue;
		/* KVM copies whole longs of bitmap: all of them must exist. */
		assert_true(r->nmsrs <= 64);
		assert_non_null(r->bitmap);
		memcpy(f->bitmaps[i], r->bitmap, 8);
	}
	return 0;
}

static void script_vm_setup(struct fixture *f)
{
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1);
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1);
	fake_ioctl_expect(KVM_ENABLE_CAP, 0);
	fake_ioctl_expect_fn(KVM_X86_SET_MSR_FILTER, record_filter, f);
	fake_ioctl_expect(KVM_GET_TSC_KHZ, TSC_KHZ);
}

/* The AMD model's own ranges: legacy, PerfCtrExtCore, PerfMonV2. */
#define NR_AMD_RANGES 3

/* Whether the filter's first n ranges cover msr. */
static bool filter_covers(const struct fixture *f, unsigned int n, uint32_t msr)
{
	bool covered = false;

	for (unsigned int i = 0; i < n; i++)
		covered |= msr - f->filter.ranges[i].base <
			   f->filter.ranges[i].nmsrs;
	return covered;
}

/*
 * Everything else allowed; each PMU range cfg turns on denied, so it
 * exits, in vpmu_msr_ranges' order; they cover exactly the MSRs the
 * model owns under cfg.  MISC_ENABLE only with PEBS (KVM's otherwise),
 * AMD's ranges only for the AMD model, which owns Intel's too.
 */
static void check_filter_ranges(const struct fixture *f,
				const struct vpmu_config *cfg)
{
	unsigned int i, n = 0;

	assert_int_equal(f->filter.flags, KVM_MSR_FILTER_DEFAULT_ALLOW);
	for (i = 0; i < VPMU_NR_MSR_RANGES; i++) {
		const struct kvm_msr_filter_range *r = &f->filter.ranges[n];

		if (!vpmu_msr_range_on(cfg, &vpmu_msr_ranges[i]))
			continue;
		assert_int_equal(r->flags,
				 KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE);
		assert_int_equal(r->base, vpmu_msr_ranges[i].base);
		assert_int_equal(r->nmsrs, vpmu_msr_ranges[i].nr);
		assert_int_equal(get64(f->bitmaps[n]), 0);
		n++;
	}
	assert_int_equal(n, VPMU_NR_MSR_RANGES - !cfg->pebs_format -
				    (cfg->vendor == VPMU_VENDOR_AMD ?
					     0 :
					     NR_AMD_RANGES));
	for (i = n; i < KVM_MSR_FILTER_MAX_RANGES; i++)
		assert_int_equal(f->filter.ranges[i].nmsrs, 0);
	for (uint32_t msr = 0xc0000300; msr < 0xc0000310; msr++)
		assert_int_equal(filter_covers(f, n, msr),
				 vpmu_owns_msr(cfg, msr));
	for (uint32_t msr = 0xc0010000; msr < 0xc0010220; msr++)
		assert_int_equal(filter_covers(f, n, msr),
				 vpmu_owns_msr(cfg, msr));
	for (uint32_t msr = 0; msr <= 0x600; msr++) {
		bool covered = filter_covers(f, n, msr);

		assert_int_equal(covered, vpmu_owns_msr(cfg, msr));
		if (msr == VPMU_MSR_MISC_ENABLE)
			assert_int_equal(covered, !!cfg->pebs_format);
	}
}

static void vm_setup_sequence(struct fixture *f, const struct vpmu_config *cfg)
{
	const struct kvm_enable_cap *cap;
	uint64_t khz = 0;
	unsigned int i;

	fake_ioctl_reset();
	script_vm_setup(f);
	assert_int_equal(vcpu_pmu_vm_setup(&f->vm, cfg, &khz), 0);
	fake_ioctl_verify();
	assert_int_equal(fake_ioctl_nr_calls(), 5);
	assert_int_equal(khz, TSC_KHZ);
	for (i = 0; i < 5; i++)
		assert_int_equal(fake_ioctl_call(i)->fd, VM_FD);
	assert_int_equal(fake_ioctl_call(0)->arg, KVM_CAP_X86_USER_SPACE_MSR);
	assert_int_equal(fake_ioctl_call(1)->arg, KVM_CAP_X86_MSR_FILTER);

	cap = (const void *)fake_ioctl_find(KVM_ENABLE_CAP, 0)->data;
	assert_int_equal(cap->cap, KVM_CAP_X86_USER_SPACE_MSR);
	assert_int_equal(cap->flags, 0);
	assert_int_equal(cap->args[0], KVM_MSR_EXIT_REASON_FILTER);
	check_filter_ranges(f, cfg);
}

static void test_vm_setup_sequence(void **state)
{
	struct fixture *f = *state;
	struct vpmu_config cfg;

	vpmu_config_default(&cfg);
	vm_setup_sequence(f, &cfg);
	assert_int_equal(vpmu_pebs_parse("fmt4", &cfg.pebs_format,
					 &cfg.pebs_baseline),
			 0);
	vm_setup_sequence(f, &cfg);
	/* The AMD model: its three ranges exit too. */
	vpmu_amd_config(&cfg, VPMU_AMD_V2);
	vm_setup_sequence(f, &cfg);
	assert_true(vpmu_owns_msr(&cfg, VPMU_AMD_MSR_GLOBAL_STATUS_SET));
	assert_true(vpmu_owns_msr(&cfg, VPMU_AMD_MSR_CTL0 + 11));
	assert_false(vpmu_owns_msr(&cfg, VPMU_AMD_MSR_CTL0 + 12));
	assert_true(vpmu_owns_msr(&cfg, VPMU_MSR_PERFEVTSEL0));
}

static void test_vm_setup_without_capabilities(void **state)
{
	struct fixture *f = *state;
	uint64_t khz = 0;

	fake_ioctl_reset();
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 0);
	assert_int_equal(vcpu_pmu_vm_setup(&f->vm, &f->cfg, &khz), -EOPNOTSUPP);
	assert_string_equal(f->vm.failed, "KVM_CAP_X86_USER_SPACE_MSR");
	fake_ioctl_verify();
	assert_int_equal(fake_ioctl_nr_calls(), 1);

	fake_ioctl_reset();
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1);
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 0);
	assert_int_equal(vcpu_pmu_vm_setup(&f->vm, &f->cfg, &khz), -EOPNOTSUPP);
	assert_string_equal(f->vm.failed, "KVM_CAP_X86_MSR_FILTER");
	fake_ioctl_verify();
	assert_int_equal(fake_ioctl_nr_calls(), 2);
	assert_int_equal(khz, 0);
}

/* Each call failing in turn: its -errno, its name, nothing after it. */
static void test_vm_setup_failures(void **state)
{
	static const struct {
		unsigned long request;
		const char *name;
	} steps[] = {
		{ KVM_CHECK_EXTENSION,
		  "KVM_CHECK_EXTENSION(KVM_CAP_X86_USER_SPACE_MSR)" },
		{ KVM_CHECK_EXTENSION,
		  "KVM_CHECK_EXTENSION(KVM_CAP_X86_MSR_FILTER)" },
		{ KVM_ENABLE_CAP,
		  "KVM_ENABLE_CAP(KVM_CAP_X86_USER_SPACE_MSR)" },
		{ KVM_X86_SET_MSR_FILTER, "KVM_X86_SET_MSR_FILTER" },
		{ KVM_GET_TSC_KHZ, "KVM_GET_TSC_KHZ (of the VM)" },
	};
	struct fixture *f = *state;

	for (unsigned int k = 0; k < 5; k++) {
		uint64_t khz = 0;

		fake_ioctl_reset();
		for (unsigned int i = 0; i < k; i++)
			fake_ioctl_expect(steps[i].request, i < 2 ? 1 : 0);
		fake_ioctl_expect_fail(steps[k].request, EINVAL);
		assert_int_equal(vcpu_pmu_vm_setup(&f->vm, &f->cfg, &khz),
				 -EINVAL);
		fake_ioctl_verify();
		assert_int_equal(fake_ioctl_nr_calls(), k + 1);
		assert_string_equal(f->vm.failed, steps[k].name);
		assert_int_equal(khz, 0);
	}
	/* A TSC rate of 0 would make every cycle deadline a division by 0. */
	fake_ioctl_reset();
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1);
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1);
	fake_ioctl_expect(KVM_ENABLE_CAP, 0);
	fake_ioctl_expect(KVM_X86_SET_MSR_FILTER, 0);
	fake_ioctl_expect(KVM_GET_TSC_KHZ, 0);
	assert_int_equal(vcpu_pmu_vm_setup(&f->vm, &f->cfg, &(uint64_t){ 0 }),
			 -EINVAL);
	assert_string_equal(f->vm.failed, "KVM_GET_TSC_KHZ (of the VM) said 0");
}

/* -------------------------------------------------------- CPUID ---- */

#define PDCM	    (1u << 15)
#define HOST_VENDOR "AuthenticAMD"

/* The 12-character string of registers a, b, c, as CPUID gives one. */
static void regs_string(char str[13], uint32_t a, uint32_t b, uint32_t c)
{
	memcpy(str, &a, 4);
	memcpy(str + 4, &b, 4);
	memcpy(str + 8, &c, 4);
	str[12] = '\0';
}

static void make_cpuid(struct cpuid *cpuid, unsigned int spare,
		       uint32_t max_leaf, uint32_t leaf1_ecx)
{
	struct kvm_cpuid_entry2 *leaf0;

	cpuid->capacity = 3 + spare;
	cpuid->table = calloc(
		1, sizeof(*cpuid->table) +
			   cpuid->capacity * sizeof(cpuid->table->entries[0]));
	assert_non_null(cpuid->table);
	cpuid->table->nent = 3;
	/* The host's vendor, as KVM reports it: EBX, EDX, ECX. */
	leaf0 = &cpuid->table->entries[0];
	*leaf0 = (struct kvm_cpuid_entry2){ .function = 0, .eax = max_leaf };
	memcpy(&leaf0->ebx, HOST_VENDOR, 4);
	memcpy(&leaf0->edx, HOST_VENDOR + 4, 4);
	memcpy(&leaf0->ecx, HOST_VENDOR + 8, 4);
	cpuid->table->entries[1] = (struct kvm_cpuid_entry2){
		.function = 1, .eax = 0x806f8, .ecx = leaf1_ecx
	};
	/* KVM without a vPMU reports leaf 0xA, all zero. */
	cpuid->table->entries[2] = (struct kvm_cpuid_entry2){ .function = 0xa };
}

static void test_set_cpuid(void **state)
{
	struct fixture *f = *state;
	const struct kvm_cpuid_entry2 *e;
	char sig[13];
	struct cpuid cpuid;

	make_cpuid(&cpuid, 2, 0x7, 0x1);
	assert_int_equal(vcpu_pmu_set_cpuid(&cpuid, &f->cfg, TSC_KHZ, true), 0);
	/* The basic range now reaches leaf 0xA, rewritten in place. */
	assert_int_equal(cpuid_find(&cpuid, 0, 0)->eax, 0xa);
	e = cpuid_find(&cpuid, 0xa, 0);
	assert_ptr_equal(e, &cpuid.table->entries[2]);
	/* Version 2, 4 GP x 48 bits, EBX length 8; 3 fixed x 48 bits. */
	assert_int_equal(e->eax, 0x08300402);
	assert_int_equal(e->ebx, 0xd8); /* LLC, misses, slots: unavailable */
	assert_int_equal(e->ecx, 0);
	assert_int_equal(e->edx, 3 | 48 << 5);
	assert_int_equal(cpuid_find(&cpuid, 1, 0)->ecx, 0x1 | PDCM);
	assert_int_equal(cpuid_find(&cpuid, 1, 0)->eax, 0x806f8);

	e = cpuid_find(&cpuid, HV_CPUID_VPMU_BASE, 0);
	assert_non_null(e);
	assert_int_equal(e->eax, HV_CPUID_VPMU_FEATURES);
	regs_string(sig, e->ebx, e->ecx, e->edx);
	assert_string_equal(sig, "hvcheck vPMU");
	e = cpuid_find(&cpuid, HV_CPUID_VPMU_FEATURES, 0);
	assert_non_null(e);
	assert_int_equal(e->eax,
			 HV_VPMU_F_EXACT | HV_VPMU_F_RDPMC_WHILE_STEPPING);
	assert_int_equal(e->ebx, TSC_KHZ);
	assert_int_equal(e->ecx, 0);
	assert_int_equal(e->edx, 0);
	assert_int_equal(cpuid.table->nent, 5);
	cpuid_free(&cpuid);
}

static void test_set_cpuid_variants(void **state)
{
	struct fixture *f = *state;
	const struct kvm_cpuid_entry2 *e;
	struct cpuid cpuid;

	/* A higher maximum leaf stays; no PDCM without the MSR. */
	make_cpuid(&cpuid, 2, 0x20, 0x1 | PDCM);
	f->cfg.pdcm = false;
	f->cfg.perf_capabilities = 0;
	f->cfg.version = 1;
	f->cfg.nr_fixed = 0;
	f->cfg.nr_gp = 8;
	assert_int_equal(vcpu_pmu_set_cpuid(&cpuid, &f->cfg, 1000, false), 0);
	assert_int_equal(cpuid_find(&cpuid, 0, 0)->eax, 0x20);
	assert_int_equal(cpuid_find(&cpuid, 1, 0)->ecx, 0x1);
	assert_int_equal(cpuid_find(&cpuid, 0xa, 0)->eax, 0x08300801);
	assert_int_equal(cpuid_find(&cpuid, 0xa, 0)->edx, 0);
	e = cpuid_find(&cpuid, HV_CPUID_VPMU_FEATURES, 0);
	assert_int_equal(e->ebx, 1000);
	/* A KVM that cannot step CPL3 code: the guest is told. */
	assert_int_equal(e->eax, HV_VPMU_F_EXACT |
					 HV_VPMU_F_RDPMC_WHILE_STEPPING |
					 HV_VPMU_F_USER_UNSTEPPED);
	cpuid_free(&cpuid);

	/* Version 0: no PMU at all, but the leaves still say who we are. */
	make_cpuid(&cpuid, 2, 0xd, 0x1 | PDCM);
	memset(&f->cfg, 0, sizeof(f->cfg));
	assert_int_equal(vcpu_pmu_set_cpuid(&cpuid, &f->cfg, TSC_KHZ, true), 0);
	assert_int_equal(cpuid_find(&cpuid, 0xa, 0)->eax, 0);
	assert_int_equal(cpuid_find(&cpuid, 0xa, 0)->ebx, 0);
	assert_int_equal(cpuid_find(&cpuid, 0xa, 0)->edx, 0);
	assert_int_equal(cpuid_find(&cpuid, 1, 0)->ecx, 0x1);
	assert_non_null(cpuid_find(&cpuid, HV_CPUID_VPMU_FEATURES, 0));
	cpuid_free(&cpuid);
}

/* A table vcpu_pmu_set_cpuid() refused: just as make_cpuid() made it. */
static void assert_cpuid_untouched(const struct cpuid *cpuid)
{
	const struct kvm_cpuid_entry2 *e = &cpuid->table->entries[0];
	char vendor[13];

	assert_int_equal(cpuid->table->nent, 3);
	assert_int_equal(e->eax, 0x7);
	regs_string(vendor, e->ebx, e->edx, e->ecx);
	assert_string_equal(vendor, HOST_VENDOR);
	assert_int_equal(cpuid->table->entries[1].ecx, 0x1);
	assert_int_equal(cpuid->table->entries[2].eax, 0);
}

static void test_set_cpuid_refused(void **state)
{
	struct fixture *f = *state;
	struct cpuid cpuid;

	/* A PMU the model cannot be: nothing changes. */
	make_cpuid(&cpuid, 2, 0x7, 0x1);
	f->cfg.nr_gp = 9;
	assert_int_equal(vcpu_pmu_set_cpuid(&cpuid, &f->cfg, TSC_KHZ, true),
			 -EINVAL);
	assert_cpuid_untouched(&cpuid);
	cpuid_free(&cpuid);

	/* Room for one of the two hypervisor leaves only. */
	vpmu_config_default(&f->cfg);
	make_cpuid(&cpuid, 1, 0x7, 0x1);
	assert_int_equal(vcpu_pmu_set_cpuid(&cpuid, &f->cfg, TSC_KHZ, true),
			 -ENOSPC);
	assert_int_equal(cpuid.table->nent, cpuid.capacity);
	cpuid_free(&cpuid);
}

/* Whatever the host, the guest sees Intel's vendor, whose PMU the model is. */
static void test_set_cpuid_vendor(void **state)
{
	struct fixture *f = *state;
	const struct kvm_cpuid_entry2 *e;
	struct cpuid cpuid;
	char vendor[13];

	make_cpuid(&cpuid, 2, 0x7, 0);
	f->cfg.pdcm = false;
	f->cfg.perf_capabilities = 0;
	assert_int_equal(vcpu_pmu_set_cpuid(&cpuid, &f->cfg, TSC_KHZ, true), 0);
	e = cpuid_find(&cpuid, 0, 0);
	assert_int_equal(e->ebx, 0x756e6547); /* "Genu" */
	assert_int_equal(e->edx, 0x49656e69); /* "ineI" */
	assert_int_equal(e->ecx, 0x6c65746e); /* "ntel" */
	regs_string(vendor, e->ebx, e->edx, e->ecx);
	assert_string_equal(vendor, VCPU_PMU_GUEST_VENDOR);
	cpuid_free(&cpuid);
}

/* Leaves 0 and 1 are where the vendor and PDCM go. */
static void test_set_cpuid_needs_leaves_0_and_1(void **state)
{
	struct fixture *f = *state;
	struct cpuid cpuid;

	for (unsigned int missing = 0; missing < 2; missing++) {
		make_cpuid(&cpuid, 2, 0x7, 0x1);
		cpuid.table->entries[missing].function = 0x7;
		assert_int_equal(vcpu_pmu_set_cpuid(&cpuid, &f->cfg, TSC_KHZ,
						    true),
				 -EINVAL);
		assert_cpuid_untouched(&cpuid);
		cpuid_free(&cpuid);
	}
}

/* --------------------------------------------------- vCPU set-up ---- */

static void test_init(void **state)
{
	struct fixture *f = *state;
	uint64_t val;

	f->pmu.stats.steps = 99; /* stale state from anything before */
	fake_ioctl_reset();
	fake_ioctl_expect(KVM_CHECK_EXTENSION,
			  KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS);
	assert_int_equal(
		vcpu_pmu_init(&f->vcpu, &f->pmu, &f->cfg, &f->mem, TSC_KHZ), 0);
	fake_ioctl_verify();
	assert_int_equal(fake_ioctl_call(0)->fd, VM_FD);
	assert_int_equal(fake_ioctl_call(0)->arg, KVM_CAP_SYNC_REGS);
	assert_ptr_equal(f->vcpu.pmu, &f->pmu);
	assert_int_equal(f->vcpu.run->kvm_valid_regs,
			 KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS);
	assert_int_equal(f->pmu.tsc_khz, TSC_KHZ);
	assert_int_equal(f->pmu.stats.steps, 0);
	assert_false(f->pmu.stepping);
	assert_false(f->pmu.debug_armed);
	assert_ptr_equal(f->pmu.clock_ns, vm_now_ns);
	/* The model in its reset state, as configured. */
	assert_int_equal(vpmu_rdmsr(&f->pmu.model, GLOBAL_CTRL, &val), 0);
	assert_int_equal(val, 0xf);
}

static void test_init_refused(void **state)
{
	struct fixture *f = *state;

	/* Registers but no sregs to sync: the CPL and CR4 would be stale. */
	fake_ioctl_reset();
	fake_ioctl_expect(KVM_CHECK_EXTENSION, KVM_SYNC_X86_REGS);
	assert_int_equal(vcpu_pmu_init(&f->vcpu, &f->pmu, &f->cfg, &f->mem,
				       TSC_KHZ),
			 -EOPNOTSUPP);
	assert_string_equal(f->vm.failed,
			    "KVM_CAP_SYNC_REGS (registers and sregs)");
	assert_null(f->vcpu.pmu);

	fake_ioctl_reset();
	fake_ioctl_expect_fail(KVM_CHECK_EXTENSION, EBADF);
	assert_int_equal(vcpu_pmu_init(&f->vcpu, &f->pmu, &f->cfg, &f->mem,
				       TSC_KHZ),
			 -EBADF);
	assert_string_equal(f->vm.failed,
			    "KVM_CHECK_EXTENSION(KVM_CAP_SYNC_REGS)");
	assert_null(f->vcpu.pmu);

	fake_ioctl_reset();
	f->cfg.width = 64;
	assert_int_equal(vcpu_pmu_init(&f->vcpu, &f->pmu, &f->cfg, &f->mem,
				       TSC_KHZ),
			 -EINVAL);
	assert_string_equal(f->vm.failed, "vpmu_init");
	assert_int_equal(fake_ioctl_nr_calls(), 0);
	assert_null(f->vcpu.pmu);
	assert_int_equal(f->vcpu.run->kvm_valid_regs, 0);
}

/* ---------------------------------------------------- MSR exits ---- */

static void test_msr_read(void **state)
{
	struct fixture *f = *state;

	init_pmu(f);
	model_wr(f, VPMU_MSR_A_PMC0 + 3, 0x123456789abULL);
	assert_int_equal(msr_exit(f, false, CODE, PMC0 + 3, 0), 0);
	assert_int_equal(f->vcpu.run->msr.data, 0x123456789abULL);
	assert_int_equal(msr_exit(f, false, CODE, GLOBAL_CTRL, 0), 0);
	assert_int_equal(f->vcpu.run->msr.data, 0xf);
	/* A counter the model does not have: #GP, data untouched. */
	assert_int_equal(msr_exit(f, false, CODE, PMC0 + 4, 0x77), 1);
	assert_int_equal(f->vcpu.run->msr.data, 0x77);
	assert_int_equal(f->pmu.stats.msr_exits, 3);
	/* Nothing counts instructions: no stepping. */
	assert_int_equal(fake_ioctl_nr_calls(), 0);
}

static void test_msr_write_refused(void **state)
{
	struct fixture *f = *state;
	struct vpmu before;

	init_pmu(f);
	model_wr(f, PERFEVTSEL0, SEL_CYCLES);
	before = f->pmu.model;
	/* AnyThread is reserved: #GP, the old selection stays. */
	assert_int_equal(msr_exit(f, true, CODE, PERFEVTSEL0,
				  SEL_INSTRUCTIONS | VPMU_EVTSEL_ANY),
			 1);
	assert_memory_equal(&f->pmu.model, &before, sizeof(before));
	/* A refused write that would have started counting: no stepping. */
	assert_false(f->pmu.stepping);
	assert_int_equal(fake_ioctl_nr_calls(), 0);
	assert_int_equal(msr_exit(f, true, CODE, VPMU_MSR_GLOBAL_STATUS, 0), 1);
	assert_int_equal(msr_exit(f, true, CODE, FIXED_CTR_CTRL, 0x4), 1);
	assert_memory_equal(&f->pmu.model, &before, sizeof(before));
	assert_int_equal(f->pmu.stats.msr_exits, 3);
}

static void test_stepping_follows_counters(void **state)
{
	struct fixture *f = *state;

	init_pmu(f);
	CODE_AT(f, CODE, 0x0f, 0x30, 0x0f, 0x30, 0x0f, 0x30, 0x0f, 0x30);
	/* Counting cycles needs no stepping. */
	assert_int_equal(msr_exit(f, true, CODE, PERFEVTSEL0, SEL_CYCLES), 0);
	assert_false(f->pmu.stepping);
	enter(f, TELLS_NOTHING);
	/* Counting instructions does: the exit decides, the entry steps. */
	assert_int_equal(msr_exit(f, true, CODE + 2, PERFEVTSEL0 + 1,
				  SEL_INSTRUCTIONS),
			 0);
	assert_true(f->pmu.stepping);
	assert_int_equal(fake_ioctl_nr_calls(), 0);
	enter(f, TELLS_STEP);
	/* Another counter starting changes nothing. */
	step(f, CODE + 4);
	assert_int_equal(
		msr_exit(f, true, CODE + 4, PERFEVTSEL0 + 2, SEL_BRANCHES), 0);
	assert_true(f->pmu.stepping);
	assert_int_equal(fake_ioctl_nr_calls(), 1);
	enter(f, TELLS_STEP);
	/* Both gone (globally): stepping off. */
	step(f, CODE + 6);
	assert_int_equal(msr_exit(f, true, CODE + 6, GLOBAL_CTRL, 0x1), 0);
	assert_false(f->pmu.stepping);
	assert_int_equal(nr_calls_of(KVM_SET_GUEST_DEBUG), 2);
	enter(f, TELLS_UNSTEP);
}

/*
 * KVM drops its trap flag (a guest IRET or POPF, its own emulator, RFLAGS
 * written at another RIP), so every entry while stepping arms it again,
 * the first one after the stepping stopped disarms it, once, and no
 * entry otherwise tells KVM anything.
 */
static void test_stepping_rearmed_each_entry(void **state)
{
	struct fixture *f = *state;

	init_pmu(f);
	CODE_AT(f, CODE, 0x0f, 0x30, 0x90, 0x90, 0x90, 0x90, 0x0f, 0x30);
	enter(f, TELLS_NOTHING);
	enter(f, TELLS_NOTHING);
	start_counting(f, CODE);
	for (unsigned int i = 0; i < 4; i++) {
		enter(f, TELLS_STEP);
		step(f, CODE + 3 + i);
	}
	assert_int_equal(nr_calls_of(KVM_SET_GUEST_DEBUG), 4);
	assert_int_equal(msr_exit(f, true, CODE + 6, GLOBAL_CTRL, 0), 0);
	assert_int_equal(fake_ioctl_nr_calls(), 4);
	enter(f, TELLS_UNSTEP);
	for (unsigned int i = 0; i < 3; i++)
		enter(f, TELLS_NOTHING);
	assert_int_equal(nr_calls_of(KVM_SET_GUEST_DEBUG), 5);
	assert_int_equal(fake_ioctl_nr_calls(), 5);
	/* Four NOPs and the WRMSR that stopped the counting. */
	assert_int_equal(model_rd(f, PMC0), 5);
}

/* KVM refuses the step at the entry: the VM stops, no stepping. */
static void test_stepping_ioctl_fails(void **state)
{
	struct fixture *f = *state;

	init_pmu(f);
	CODE_AT(f, CODE, 0x0f, 0x30);
	assert_int_equal(msr_exit(f, true, CODE, PERFEVTSEL0, SEL_INSTRUCTIONS),
			 0);
	fake_ioctl_expect_fail(KVM_SET_GUEST_DEBUG, EINVAL);
	vcpu_pmu_before_run(&f->vcpu);
	fake_ioctl_verify();
	assert_false(f->pmu.stepping);
	assert_true(vm_stopping(&f->vm));
	assert_int_equal(f->vm.exit_status, HV_EXIT_VMM_ERROR);
	assert_string_equal(
		f->vm.why,
		"vCPU 2: emulated vPMU: KVM_SET_GUEST_DEBUG: Invalid argument");
}

/* ------------------------------------------- exact counting ---- */

static void test_exact_counts(void **state)
{
	struct fixture *f = *state;

	init_pmu(f);
	CODE_AT(f, CODE, 0x0f, 0x30,	     /* 00 wrmsr: counters on */
		0x90,			     /* 02 nop */
		0x74, 0x00,		     /* 03 jz .+2 */
		0x0f, 0x32,		     /* 05 rdmsr PMC0 */
		0xff, 0xd0,		     /* 07 call *%rax (to 0x100) */
		0x48, 0xff, 0xc0,	     /* 09 inc %rax */
		0x0f, 0x30);		     /* 0c wrmsr: counters off */
	CODE_AT(f, CODE + 0x100, 0xff, 0xc0, /* 100 inc %eax */
		0xc3);			     /* 102 ret */
	start_counting(f, CODE);
	/*
	 * Neither the WRMSR that starts the counters nor the step that only
	 * completes it (RIP past the WRMSR) is counted.
	 */
	assert_int_equal(f->pmu.model.gp[0], 0);
	assert_int_equal(f->pmu.model.fixed[1], 0);
	step(f, CODE + 3);
	assert_int_equal(f->pmu.model.gp[0], 1);
	assert_int_equal(f->pmu.model.gp[1], 0);
	step(f, CODE + 5);
	assert_int_equal(f->pmu.model.gp[0], 2);
	assert_int_equal(f->pmu.model.gp[1], 1);
	/* RDMSR reads before it retires, and its completion step is not one. */
	assert_int_equal(msr_exit(f, false, CODE + 5, PMC0, 0), 0);
	assert_int_equal(f->vcpu.run->msr.data, 2);
	assert_int_equal(f->pmu.model.gp[0], 3);
	step(f, CODE + 7);
	assert_int_equal(f->pmu.model.gp[0], 3);
	step(f, CODE + 0x100);
	step(f, CODE + 0x102);
	step(f, CODE + 9);
	step(f, CODE + 0xc);
	assert_int_equal(f->pmu.model.gp[0], 7);
	assert_int_equal(f->pmu.model.gp[1], 3);
	/* The WRMSR that stops them is counted: it retires before. */
	assert_int_equal(msr_exit(f, true, CODE + 0xc, GLOBAL_CTRL, 0), 0);
	assert_false(f->pmu.stepping);
	enter(f, TELLS_UNSTEP);
	assert_int_equal(model_rd(f, PMC0), 8);
	assert_int_equal(model_rd(f, PMC0 + 1), 3);
	/* One cycle per instruction while stepping. */
	assert_int_equal(model_rd(f, FIXED_CTR0 + 1), 8);
	/* Eight debug exits, the two completion steps among them. */
	assert_int_equal(f->pmu.stats.steps, 8);
}

/* PEBS: the DS area at 0x402000, the buffer at 0x403000; 0x404000 unmapped. */
#define DS_GVA	   (CODE + 0x2000)
#define DS_GPA	   0x30000ULL
#define BUF_GVA	   (CODE + 0x3000)
#define BUF_GPA	   0x31000ULL
#define GUEST_TSC  0x123456789aULL
#define A_PMC0	   0x4c1
#define PEBS_START 0x1

static int fake_tsc(int fd, unsigned long request, void *arg, void *ctx)
{
	struct kvm_msrs *msrs = arg;

	(void)fd;
	(void)request;
	(void)ctx;
	assert_int_equal(msrs->nmsrs, 1);
	assert_int_equal(msrs->entries[0].index, 0x10);
	msrs->entries[0].data = GUEST_TSC;
	return 1;
}

static uint64_t gpa64(struct fixture *f, uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, f->mem.base + gpa, sizeof(v));
	return v;
}

/*
 * GP counter 0 with PEBS (format 3) overflows on the NOP at CODE + 2;
 * the JZ after it fires the record, written through the guest's page
 * tables at the PEBS index, whose first byte is at index_gva.
 */
static void pebs_run_two(struct fixture *f, uint64_t index_gva)
{
	uint64_t ds[4] = { BUF_GVA, index_gva, BUF_GVA + 0x2000, BUF_GVA + 1 };

	f->cfg.pebs_format = 3;
	init_pmu(f);
	set_pte(&f->mem, 0x4000, 2, DS_GPA | PTE_P);
	set_pte(&f->mem, 0x4000, 3, BUF_GPA | PTE_P);
	memcpy(f->mem.base + DS_GPA + 0x20, ds, sizeof(ds));
	CODE_AT(f, CODE, 0x0f, 0x30, /* 00 wrmsr: counters on */
		0x90,		     /* 02 nop: the overflow */
		0x74, 0x00,	     /* 03 jz .+2: the record */
		0x90);		     /* 05 nop */
	model_wr(f, GLOBAL_CTRL, 0);
	model_wr(f, PERFEVTSEL0, SEL_INSTRUCTIONS);
	model_wr(f, A_PMC0, MASK48);
	model_wr(f, VPMU_MSR_PEBS_ENABLE, PEBS_START);
	model_wr(f, VPMU_MSR_DS_AREA, DS_GVA);
	f->vcpu.run->s.regs.regs.r15 = 0x1515;
	assert_int_equal(msr_exit(f, true, CODE, GLOBAL_CTRL, PEBS_START), 0);
	enter(f, TELLS_STEP);
	step(f, CODE + 2);
	step(f, CODE + 3);
	fake_ioctl_reset();
	fake_ioctl_expect_fn(KVM_GET_MSRS, fake_tsc, NULL);
}

static void test_pebs_record_in_guest_memory(void **state)
{
	struct fixture *f = *state;

	pebs_run_two(f, BUF_GVA);
	step(f, CODE + 5);
	fake_ioctl_verify();
	assert_int_equal(gpa64(f, DS_GPA + 0x28), BUF_GVA + 0xc8);
	assert_int_equal(gpa64(f, BUF_GPA + 0x08), CODE + 5); /* RIP after */
	assert_int_equal(gpa64(f, BUF_GPA + 0x88), 0x1515);   /* R15 */
	assert_int_equal(gpa64(f, BUF_GPA + 0x90), 1);	      /* GP 0 */
	assert_int_equal(gpa64(f, BUF_GPA + 0xb0), CODE + 3); /* the JZ */
	assert_int_equal(gpa64(f, BUF_GPA + 0xc0), GUEST_TSC);
	assert_int_equal(f->pmu.model.pebs_stats.records, 1);
	/* threshold crossed: OvfBuffer and a PMI at the next entry */
	assert_true(model_rd(f, 0x38e) & VPMU_GLOBAL_OVF_BUF);
}

/* A buffer running into an unmapped page: nothing written, counted. */
static void test_pebs_record_dropped_at_unmapped_page(void **state)
{
	struct fixture *f = *state;

	pebs_run_two(f, BUF_GVA + 0xfc0);
	step(f, CODE + 5);
	fake_ioctl_verify();
	assert_int_equal(gpa64(f, DS_GPA + 0x28), BUF_GVA + 0xfc0);
	for (size_t i = 0; i < 0x1000; i++)
		assert_int_equal(f->mem.base[BUF_GPA + i], 0);
	assert_int_equal(f->pmu.model.pebs_stats.dropped, 1);
	assert_false(model_rd(f, 0x38e) & VPMU_GLOBAL_OVF_BUF);
}

/* The instruction counts at the privilege level it ran at. */
static void test_counts_by_cpl(void **state)
{
	struct fixture *f = *state;

	init_pmu(f);
	CODE_AT(f, CODE, 0x0f, 0x30, 0x90, 0x90, 0x90);
	model_wr(f, PERFEVTSEL0 + 2, 0x00c0 | VPMU_EVTSEL_EN | VPMU_EVTSEL_USR);
	start_counting(f, CODE);
	step(f, CODE + 3); /* a CPL 0 nop */
	f->vcpu.run->s.regs.sregs.cs.selector = CS_USER;
	step(f, CODE + 4); /* another CPL 0 nop: decoded before the switch */
	step(f, CODE + 5); /* a CPL 3 nop */
	assert_int_equal(f->pmu.model.gp[0], 3);
	assert_int_equal(f->pmu.model.gp[2], 1);
}

static void test_ud2_never_retires(void **state)
{
	struct fixture *f = *state;

	init_pmu(f);
	CODE_AT(f, CODE, 0x0f, 0x30, 0x66, 0x0f, 0x0b);
	CODE_AT(f, CODE + 0x200, 0xeb, 0xfe); /* the #UD handler */
	start_counting(f, CODE);
	/* Wherever the #UD leaves the vCPU, UD2 did not retire. */
	step(f, CODE + 0x200);
	assert_int_equal(f->pmu.model.gp[0], 0);
	step(f, CODE + 0x200);
	assert_int_equal(f->pmu.model.gp[0], 1);
	assert_int_equal(f->pmu.model.gp[1], 1);
}

/* Code the VMM cannot read still retires, as a plain instruction. */
static void test_unreadable_code_still_counts(void **state)
{
	struct fixture *f = *state;

	init_pmu(f);
	CODE_AT(f, CODE, 0x0f, 0x30, 0xeb, 0x00);
	start_counting(f, CODE);
	step(f, 0x7fff0000); /* not mapped */
	assert_int_equal(f->pmu.model.gp[0], 1);
	assert_int_equal(f->pmu.model.gp[1], 1);
	step(f, CODE + 4);
	assert_int_equal(f->pmu.model.gp[0], 2);
	assert_int_equal(f->pmu.model.gp[1], 1);
}

/* A refused access faults: it is not counted, nor is the step after. */
static void test_refused_msr_not_counted(void **state)
{
	struct fixture *f = *state;

	init_pmu(f);
	CODE_AT(f, CODE, 0x0f, 0x30, 0x0f, 0x32, 0x90);
	CODE_AT(f, CODE + 0x300, 0x90, 0x90); /* the #GP handler */
	start_counting(f, CODE);
	assert_int_equal(msr_exit(f, false, CODE + 2, PMC0 + 7, 0), 1);
	assert_int_equal(f->pmu.model.gp[0], 0);
	/* KVM injects the #GP; wherever the next step ends, no RDMSR. */
	step(f, CODE + 0x301);
	assert_int_equal(f->pmu.model.gp[0], 0);
	step(f, CODE + 0x302);
	assert_int_equal(f->pmu.model.gp[0], 1);
	assert_true(f->pmu.stepping);
}

/* -------------------------------------------------------- RDPMC ---- */

/*
 * WRMSR at 0x400ffc starts the counters, a NOP follows at CPL 0; RDPMC
 * straddles the two code pages (0x400fff and 0x401000, not adjacent in
 * guest-physical memory) and another NOP follows.
 */
#define RDPMC_WRMSR 0x400ffcULL
#define RDPMC_RIP   0x400fffULL

static void rdpmc_code(struct fixture *f)
{
	CODE_AT(f, RDPMC_WRMSR, 0x0f, 0x30, 0x90, 0x0f, 0x33, 0x90);
	f->rdpmc_len = 2;
	f->vcpu.run->s.regs.regs.rcx = 0;
	f->vcpu.run->s.regs.regs.rax = 0xaaaa;
	f->vcpu.run->s.regs.regs.rdx = 0xdddd;
	f->vcpu.run->kvm_dirty_regs = 0;
}

/*
 * What KVM_GET_VCPU_EVENTS gives before the #GP of a refused RDPMC:
 * state that KVM_SET_VCPU_EVENTS must leave alone.
 */
static const struct kvm_vcpu_events kvm_events = {
	.interrupt = { .shadow = 1 },
	.nmi = { .pending = 1 },
	.sipi_vector = 0x12,
	.flags = KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SHADOW,
};

/* KVM's part in the #GP of a refused RDPMC (step_to_rdpmc()). */
enum gp {
	NO_GP,	      /* the VMM executes the RDPMC */
	GP_RAISED,    /* the VMM raises the #GP */
	GP_GET_FAILS, /* KVM_GET_VCPU_EVENTS fails */
	GP_SET_FAILS, /* KVM_SET_VCPU_EVENTS fails */
};

/* Steps over the first NOP; the RDPMC comes next, at cs's CPL. */
static void step_to_rdpmc(struct fixture *f, uint16_t cs, enum gp gp)
{
	start_counting(f, RDPMC_WRMSR);
	f->vcpu.run->s.regs.sregs.cs.selector = cs;
	if (gp == GP_GET_FAILS)
		fake_ioctl_expect_fail(KVM_GET_VCPU_EVENTS, EIO);
	else if (gp != NO_GP)
		fake_ioctl_expect_out(KVM_GET_VCPU_EVENTS, &kvm_events,
				      sizeof(kvm_events));
	if (gp == GP_RAISED)
		fake_ioctl_expect(KVM_SET_VCPU_EVENTS, 0);
	else if (gp == GP_SET_FAILS)
		fake_ioctl_expect_fail(KVM_SET_VCPU_EVENTS, EIO);
	step(f, RDPMC_RIP);
	fake_ioctl_verify();
}

static void check_rdpmc_emulated(struct fixture *f, uint64_t preset)
{
	struct kvm_regs *regs = &f->vcpu.run->s.regs.regs;

	/* The NOP before it counted. */
	preset = (preset + 1) & MASK48;
	assert_int_equal(regs->rax, (uint32_t)preset);
	assert_int_equal(regs->rdx, preset >> 32);
	assert_int_equal(regs->rip, RDPMC_RIP + f->rdpmc_len);
	assert_true(f->vcpu.run->kvm_dirty_regs & KVM_SYNC_X86_REGS);
	assert_int_equal(f->pmu.stats.rdpmc_emulated, 1);
	/* Read before it retired, then counted. */
	assert_int_equal(f->pmu.model.gp[0], (preset + 1) & MASK48);
	/* The NOP after it is the next one to count. */
	step(f, RDPMC_RIP + f->rdpmc_len + 1);
	assert_int_equal(f->pmu.model.gp[0], (preset + 2) & MASK48);
	assert_int_equal(f->pmu.model.gp[1], 0);
}

static void test_rdpmc_cpl0(void **state)
{
	struct fixture *f = *state;

	init_pmu(f);
	rdpmc_code(f);
	model_wr(f, VPMU_MSR_A_PMC0, 0x123456789aULL);
	step_to_rdpmc(f, CS_KERNEL, NO_GP);
	check_rdpmc_emulated(f, 0x123456789aULL);
	assert_int_equal(fake_ioctl_nr_calls(), 0);
}

static void test_rdpmc_cpl3_with_pce(void **state)
{
	struct fixture *f = *state;

	init_pmu(f);
	rdpmc_code(f);
	/* REX.W RDPMC: the VMM skips the prefix too. */
	CODE_AT(f, RDPMC_RIP, 0x48, 0x0f, 0x33, 0x90);
	f->rdpmc_len = 3;
	f->vcpu.run->s.regs.sregs.cr4 |= CR4_PCE;
	model_wr(f, VPMU_MSR_A_PMC0, MASK48 - 5);
	step_to_rdpmc(f, CS_USER, NO_GP);
	check_rdpmc_emulated(f, MASK48 - 5);
}

/*
 * The registers of an RDPMC the VMM executed reach KVM at the entry,
 * before the step is armed again: KVM steps from the new RIP.
 */
static void test_rdpmc_regs_before_rearm(void **state)
{
	struct fixture *f = *state;
	const struct kvm_regs *regs;

	init_pmu(f);
	rdpmc_code(f);
	model_wr(f, VPMU_MSR_A_PMC0, 0x123456789aULL);
	step_to_rdpmc(f, CS_KERNEL, NO_GP);
	assert_int_equal(fake_ioctl_nr_calls(), 0);
	enter(f, TELLS_REGS_STEP);
	assert_int_equal(fake_ioctl_call(0)->request, KVM_SET_REGS);
	assert_int_equal(fake_ioctl_call(0)->fd, VCPU_FD);
	assert_int_equal(fake_ioctl_call(1)->request, KVM_SET_GUEST_DEBUG);
	regs = (const void *)fake_ioctl_call(0)->data;
	assert_int_equal(regs->rip, RDPMC_RIP + 2);
	/* PMC0 as the RDPMC read it, the NOP before it counted. */
	assert_int_equal(regs->rax, 0x3456789b);
	assert_int_equal(regs->rdx, 0x12);
	assert_int_equal(regs->rcx, 0);
	assert_false(f->vcpu.run->kvm_dirty_regs & KVM_SYNC_X86_REGS);
	/* Written once: the next entry only arms the step. */
	enter(f, TELLS_STEP);
	assert_int_equal(nr_calls_of(KVM_SET_REGS), 1);
}

/*
 * Refused: the VMM raised #GP(0) with KVM's other events left as they
 * were (flags 0); nothing else changes and the RDPMC never retires.
 */
static void check_rdpmc_refused(struct fixture *f)
{
	struct kvm_regs *regs = &f->vcpu.run->s.regs.regs;
	struct kvm_vcpu_events want = kvm_events;
	const struct fake_ioctl_call *get = fake_ioctl_call(0);
	const struct fake_ioctl_call *set = fake_ioctl_call(1);

	assert_int_equal(fake_ioctl_nr_calls(), 2);
	assert_int_equal(get->request, KVM_GET_VCPU_EVENTS);
	assert_int_equal(get->fd, VCPU_FD);
	assert_int_equal(set->request, KVM_SET_VCPU_EVENTS);
	assert_int_equal(set->fd, VCPU_FD);
	want.exception.injected = 1;
	want.exception.nr = 13; /* #GP */
	want.exception.has_error_code = 1;
	want.exception.error_code = 0;
	want.flags = 0;
	assert_int_equal(set->data_len, sizeof(want));
	assert_memory_equal(set->data, &want, sizeof(want));
	assert_false(vm_stopping(&f->vm));
	assert_int_equal(regs->rip, RDPMC_RIP);
	assert_int_equal(regs->rax, 0xaaaa);
	assert_int_equal(regs->rdx, 0xdddd);
	assert_int_equal(f->vcpu.run->kvm_dirty_regs, 0);
	assert_int_equal(f->pmu.stats.rdpmc_emulated, 0);
	step(f, CODE + 0x500);			 /* in the #GP handler */
	assert_int_equal(f->pmu.model.gp[0], 1); /* the NOP only */
}

static void test_rdpmc_cpl3_without_pce(void **state)
{
	struct fixture *f = *state;

	init_pmu(f);
	rdpmc_code(f);
	step_to_rdpmc(f, CS_USER, GP_RAISED);
	check_rdpmc_refused(f);
}

static void test_rdpmc_bad_counter(void **state)
{
	struct fixture *f = *state;

	init_pmu(f);
	rdpmc_code(f);
	f->vcpu.run->s.regs.regs.rcx = 4; /* the model has PMC0..3 */
	step_to_rdpmc(f, CS_KERNEL, GP_RAISED);
	check_rdpmc_refused(f);
}

/* KVM fails the #GP: the VM stops; the RDPMC still did not run. */
static void rdpmc_gp_fails(struct fixture *f, enum gp gp, const char *why)
{
	struct kvm_regs *regs = &f->vcpu.run->s.regs.regs;

	init_pmu(f);
	rdpmc_code(f);
	step_to_rdpmc(f, CS_USER, gp);
	assert_int_equal(fake_ioctl_nr_calls(), gp == GP_GET_FAILS ? 1 : 2);
	assert_true(vm_stopping(&f->vm));
	assert_int_equal(f->vm.exit_status, HV_EXIT_VMM_ERROR);
	assert_string_equal(f->vm.why, why);
	assert_int_equal(regs->rip, RDPMC_RIP);
	assert_int_equal(regs->rax, 0xaaaa);
	assert_int_equal(f->vcpu.run->kvm_dirty_regs, 0);
	step(f, CODE + 0x500);
	assert_int_equal(f->pmu.model.gp[0], 1);
}

static void test_rdpmc_gp_get_fails(void **state)
{
	rdpmc_gp_fails(*state, GP_GET_FAILS,
		       "vCPU 2: emulated vPMU: #GP of an RDPMC: "
		       "KVM_GET_VCPU_EVENTS: Input/output error");
}

static void test_rdpmc_gp_set_fails(void **state)
{
	rdpmc_gp_fails(*state, GP_SET_FAILS,
		       "vCPU 2: emulated vPMU: #GP of an RDPMC: "
		       "KVM_SET_VCPU_EVENTS: Input/output error");
}

/* KVM refuses the registers at the entry: the VM stops, no step armed. */
static void test_rdpmc_set_regs_fails(void **state)
{
	struct fixture *f = *state;

	init_pmu(f);
	rdpmc_code(f);
	step_to_rdpmc(f, CS_KERNEL, NO_GP);
	fake_ioctl_expect_fail(KVM_SET_REGS, EFAULT);
	vcpu_pmu_before_run(&f->vcpu);
	fake_ioctl_verify();
	assert_int_equal(fake_ioctl_nr_calls(), 1);
	assert_false(f->pmu.stepping);
	assert_true(vm_stopping(&f->vm));
	assert_int_equal(f->vm.exit_status, HV_EXIT_VMM_ERROR);
	assert_string_equal(f->vm.why,
			    "vCPU 2: emulated vPMU: KVM_SET_REGS: Bad address");
}

/* ---------------------------------------------------------- PMI ---- */

static struct kvm_lapic_state lapic_with_lvtpc(uint32_t lvtpc)
{
	struct kvm_lapic_state lapic;

	for (size_t i = 0; i < sizeof(lapic.regs); i++)
		lapic.regs[i] = (char)(i * 7);
	memcpy(lapic.regs + APIC_LVTPC, &lvtpc, sizeof(lvtpc));
	return lapic;
}

/* A GP counter with INT that overflows on the next instruction. */
static void pending_pmi(struct fixture *f)
{
	model_wr(f, PERFEVTSEL0, SEL_INSTRUCTIONS | VPMU_EVTSEL_INT);
	model_wr(f, VPMU_MSR_A_PMC0, MASK48);
	vpmu_count(&f->pmu.model, VPMU_EV_INSTRUCTIONS, 0, 1);
}

/* KVM_SET_LAPIC wrote back what KVM_GET_LAPIC gave, LVTPC masked. */
static void check_set_lapic(const struct kvm_lapic_state *got, uint32_t lvtpc)
{
	const struct fake_ioctl_call *c = fake_ioctl_find(KVM_SET_LAPIC, 0);
	struct kvm_lapic_state want = *got;

	assert_non_null(c);
	assert_int_equal(c->fd, VCPU_FD);
	assert_int_equal(c->data_len, sizeof(want));
	lvtpc |= LVT_MASKED;
	memcpy(want.regs + APIC_LVTPC, &lvtpc, sizeof(lvtpc));
	assert_memory_equal(c->data, &want, sizeof(want));
}

static void test_pmi_fixed_vector(void **state)
{
	struct fixture *f = *state;
	static struct kvm_lapic_state lapic;
	const struct kvm_msi *msi;

	lapic = lapic_with_lvtpc(PMI_VECTOR);
	init_pmu(f);
	pending_pmi(f);
	fake_ioctl_expect_out(KVM_GET_LAPIC, &lapic, sizeof(lapic));
	fake_ioctl_expect(KVM_SET_LAPIC, 0);
	fake_ioctl_expect(KVM_SIGNAL_MSI, 0);
	vcpu_pmu_before_run(&f->vcpu);
	fake_ioctl_verify();
	assert_int_equal(fake_ioctl_call(0)->fd, VCPU_FD);
	check_set_lapic(&lapic, PMI_VECTOR);
	/* A fixed-mode interrupt to this vCPU's APIC ID. */
	assert_int_equal(fake_ioctl_call(2)->fd, VM_FD);
	msi = (const void *)fake_ioctl_call(2)->data;
	assert_int_equal(msi->address_lo, 0xfee00000 | VCPU_ID << 12);
	assert_int_equal(msi->address_hi, 0);
	assert_int_equal(msi->data, PMI_VECTOR);
	assert_int_equal(msi->flags, 0);
	assert_int_equal(f->pmu.stats.pmis, 1);
	/* Delivered once. */
	fake_ioctl_reset();
	vcpu_pmu_before_run(&f->vcpu);
	assert_int_equal(fake_ioctl_nr_calls(), 0);
}

static void test_pmi_nmi(void **state)
{
	struct fixture *f = *state;
	static struct kvm_lapic_state lapic;

	lapic = lapic_with_lvtpc(LVT_NMI | 0x12);
	init_pmu(f);
	pending_pmi(f);
	fake_ioctl_expect_out(KVM_GET_LAPIC, &lapic, sizeof(lapic));
	fake_ioctl_expect(KVM_SET_LAPIC, 0);
	fake_ioctl_expect(KVM_NMI, 0);
	vcpu_pmu_before_run(&f->vcpu);
	fake_ioctl_verify();
	check_set_lapic(&lapic, LVT_NMI | 0x12);
	assert_int_equal(fake_ioctl_find(KVM_NMI, 0)->fd, VCPU_FD);
	assert_int_equal(f->pmu.stats.pmis, 1);
}

/*
 * The AMD model: LVTPC is left unmasked, as AMD hardware leaves it
 * (KVM's 49ff3b4aec51), so no KVM_SET_LAPIC, and the next overflow's PMI
 * arrives without the handler unmasking anything.
 */
static void test_pmi_amd_leaves_lvtpc_unmasked(void **state)
{
	struct fixture *f = *state;
	static struct kvm_lapic_state lapic;

	lapic = lapic_with_lvtpc(PMI_VECTOR);
	vpmu_amd_config(&f->cfg, VPMU_AMD_V2);
	init_pmu(f);
	for (unsigned int n = 1; n <= 2; n++) {
		model_wr(f, VPMU_AMD_MSR_CTL0 + 6,
			 SEL_INSTRUCTIONS | VPMU_EVTSEL_INT);
		model_wr(f, VPMU_AMD_MSR_CTL0 + 7, MASK48);
		vpmu_count(&f->pmu.model, VPMU_EV_INSTRUCTIONS, 0, 1);
		fake_ioctl_reset();
		fake_ioctl_expect_out(KVM_GET_LAPIC, &lapic, sizeof(lapic));
		fake_ioctl_expect(KVM_SIGNAL_MSI, 0);
		vcpu_pmu_before_run(&f->vcpu);
		fake_ioctl_verify();
		assert_int_equal(fake_ioctl_nr_calls(), 2);
		assert_null(fake_ioctl_find(KVM_SET_LAPIC, 0));
		assert_int_equal(f->pmu.stats.pmis, n);
	}
}

static void test_pmi_masked_lvtpc(void **state)
{
	struct fixture *f = *state;
	static struct kvm_lapic_state lapic;

	lapic = lapic_with_lvtpc(LVT_MASKED | PMI_VECTOR);
	init_pmu(f);
	pending_pmi(f);
	fake_ioctl_expect_out(KVM_GET_LAPIC, &lapic, sizeof(lapic));
	vcpu_pmu_before_run(&f->vcpu);
	fake_ioctl_verify();
	assert_int_equal(fake_ioctl_nr_calls(), 1);
	assert_int_equal(f->pmu.stats.pmis, 0);
	/* The overflow still shows in GLOBAL_STATUS; the PMI is gone. */
	assert_int_equal(model_rd(f, VPMU_MSR_GLOBAL_STATUS), 1);
	fake_ioctl_reset();
	vcpu_pmu_before_run(&f->vcpu);
	assert_int_equal(fake_ioctl_nr_calls(), 0);

	/* Neither fixed nor NMI (an SMI): nothing to deliver either. */
	lapic = lapic_with_lvtpc(LVT_SMI);
	pending_pmi(f);
	fake_ioctl_expect_out(KVM_GET_LAPIC, &lapic, sizeof(lapic));
	fake_ioctl_expect(KVM_SET_LAPIC, 0);
	vcpu_pmu_before_run(&f->vcpu);
	fake_ioctl_verify();
	assert_int_equal(f->pmu.stats.pmis, 0);
}

static void test_pmi_delivery_fails(void **state)
{
	struct fixture *f = *state;
	static struct kvm_lapic_state lapic;

	lapic = lapic_with_lvtpc(PMI_VECTOR);
	init_pmu(f);
	pending_pmi(f);
	fake_ioctl_expect_out(KVM_GET_LAPIC, &lapic, sizeof(lapic));
	fake_ioctl_expect(KVM_SET_LAPIC, 0);
	fake_ioctl_expect_fail(KVM_SIGNAL_MSI, EINVAL);
	vcpu_pmu_before_run(&f->vcpu);
	fake_ioctl_verify();
	assert_int_equal(f->vm.exit_status, HV_EXIT_VMM_ERROR);
	assert_string_equal(
		f->vm.why,
		"vCPU 2: emulated vPMU: PMI delivery: KVM_SIGNAL_MSI failed");
	assert_int_equal(f->pmu.stats.pmis, 0);
}

/* The PMI of a counter that overflows on a counted step. */
static void test_pmi_from_step(void **state)
{
	struct fixture *f = *state;
	static struct kvm_lapic_state lapic;

	lapic = lapic_with_lvtpc(PMI_VECTOR);
	init_pmu(f);
	CODE_AT(f, CODE, 0x0f, 0x30, 0x90, 0x90);
	model_wr(f, VPMU_MSR_A_PMC0, MASK48);
	start_counting(f, CODE);
	model_wr(f, PERFEVTSEL0, SEL_INSTRUCTIONS | VPMU_EVTSEL_INT);
	enter(f, TELLS_STEP); /* no PMI yet */
	step(f, CODE + 3);
	assert_int_equal(f->pmu.model.gp[0], 0);
	/* The PMI first, then the step armed for the guest's next one. */
	fake_ioctl_expect_out(KVM_GET_LAPIC, &lapic, sizeof(lapic));
	fake_ioctl_expect(KVM_SET_LAPIC, 0);
	fake_ioctl_expect(KVM_SIGNAL_MSI, 0);
	enter(f, TELLS_STEP);
	assert_int_equal(f->pmu.stats.pmis, 1);
}

/* ------------------------------------------------------- cycles ---- */

static bool kick_within(uint64_t ns)
{
	const struct timespec wait = { .tv_sec = ns / 1000000000ULL,
				       .tv_nsec = ns % 1000000000ULL };
	sigset_t kick;

	sigemptyset(&kick);
	sigaddset(&kick, KICK);
	return sigtimedwait(&kick, NULL, &wait) == KICK;
}

/*
 * A cycle counter's overflow, without stepping, kicks KVM_RUN: the real
 * timer, so only whether the kick comes is asserted, not when.
 */
static void test_cycle_deadline(void **state)
{
	struct fixture *f = *state;

	init_pmu(f);
	/* 1000 cycles at 2.5 GHz: 400 ns. */
	model_wr(f, PERFEVTSEL0, SEL_CYCLES | VPMU_EVTSEL_INT);
	model_wr(f, VPMU_MSR_A_PMC0, MASK48 - 999);
	enter(f, TELLS_NOTHING);
	assert_true(f->pmu.have_timer);
	assert_true(f->pmu.deadline_armed);
	assert_true(kick_within(KICK_WAIT_NS));
	/* Without INT there is no deadline. */
	model_wr(f, PERFEVTSEL0, SEL_CYCLES);
	enter(f, TELLS_NOTHING);
	assert_false(f->pmu.deadline_armed);
	assert_false(kick_within(20000000));
}

/* A KVM_RUN of ns on the fake clock, not stepping. */
static void run_for(struct fixture *f, uint64_t ns)
{
	enter(f, TELLS_NOTHING);
	fake_now += ns;
	vcpu_pmu_after_run(&f->vcpu);
}

static void test_cycles_follow_time(void **state)
{
	struct fixture *f = *state;

	init_pmu(f);
	f->pmu.tsc_khz = 1000; /* 1 cycle per microsecond */
	model_wr(f, PERFEVTSEL0, SEL_CYCLES);
	run_for(f, 2000000);
	assert_int_equal(f->pmu.model.gp[0], 2000);
	/* A fraction of a cycle is carried to the next run. */
	run_for(f, 1500);
	assert_int_equal(f->pmu.model.gp[0], 2001);
	run_for(f, 499);
	assert_int_equal(f->pmu.model.gp[0], 2001);
	run_for(f, 1);
	assert_int_equal(f->pmu.model.gp[0], 2002);
	/* 2.5 cycles a nanosecond: 2, then 3 with the half carried. */
	f->pmu.tsc_khz = TSC_KHZ;
	run_for(f, 1);
	assert_int_equal(f->pmu.model.gp[0], 2004);
	run_for(f, 1);
	assert_int_equal(f->pmu.model.gp[0], 2007);
	run_for(f, 400);
	assert_int_equal(f->pmu.model.gp[0], 3007);
	/* At CPL 3 an OS-only counter does not see that time. */
	model_wr(f, PERFEVTSEL0, 0x003c | VPMU_EVTSEL_EN | VPMU_EVTSEL_OS);
	model_wr(f, VPMU_MSR_A_PMC0, 0);
	f->vcpu.run->s.regs.sregs.cs.selector = CS_USER;
	run_for(f, 2000000);
	assert_int_equal(f->pmu.model.gp[0], 0);
}

static void test_no_time_cycles_while_stepping(void **state)
{
	struct fixture *f = *state;

	init_pmu(f);
	f->pmu.tsc_khz = 1000;
	CODE_AT(f, CODE, 0x0f, 0x30, 0x90, 0x90, 0x90);
	start_counting(f, CODE);
	/* Stepping: cycles are one per instruction, whatever the time. */
	enter(f, TELLS_STEP);
	fake_now += 2000000;
	vcpu_pmu_after_run(&f->vcpu);
	assert_int_equal(model_rd(f, FIXED_CTR0 + 1), 0);
	/* The steps are timed only for --pmu-stats. */
	assert_int_equal(f->pmu.stats.step_run_ns, 0);
	fake_tick = 300;
	step(f, CODE + 3);
	assert_int_equal(model_rd(f, FIXED_CTR0 + 1), 1);
	assert_int_equal(f->pmu.stats.step_vmm_ns, 0);

	f->pmu.stats.timed = true;
	fake_tick = 0;
	enter(f, TELLS_STEP);
	fake_now += 2000000;
	vcpu_pmu_after_run(&f->vcpu);
	assert_int_equal(model_rd(f, FIXED_CTR0 + 1), 1);
	assert_int_equal(f->pmu.stats.step_run_ns, 2000000);
	/*
	 * The VMM's time for a step: decoding and counting it, re-arming
	 * the stepping, from its exit to the next entry.
	 */
	step(f, CODE + 4);
	assert_int_equal(model_rd(f, FIXED_CTR0 + 1), 2);
	fake_now += 300;
	enter(f, TELLS_STEP);
	assert_int_equal(f->pmu.stats.step_vmm_ns, 300);
}

/* ---------------------------------------------- event filter ---- */

#define SLOT_NONE	0 /* policy "none" */
#define SLOT_DENY_INSNS 1 /* deny instructions, and fixed counter 0 */
#define SLOT_ONLY_INSNS 2 /* allow instructions alone, no fixed counter */
#define OUT_DX_EAX	0xef

static void compile(struct filter_x86_rules *rules, uint32_t action,
		    uint32_t fixed_bitmap, uint64_t event)
{
	uint64_t events[] = { event };
	struct filter_x86 f = {
		.action = action,
		.fixed_bitmap = fixed_bitmap,
		.nevents = 1,
		.events = events,
	};
	char why[128];
	int bad;

	assert_int_equal(filter_x86_compile(&f, FILTER_VENDOR_INTEL, rules,
					    &bad, why, sizeof(why)),
			 0);
}

/* The run's three policies, slot installed; the vCPU obeys them. */
static void use_filters(struct fixture *f, uint32_t slot)
{
	compile(&f->rules[0], FILTER_ACTION_DENY, 0x1, 0x00c0);
	compile(&f->rules[1], FILTER_ACTION_ALLOW, 0, 0x00c0);
	f->have_rules = true;
	f->slots[SLOT_NONE] = NULL;
	f->slots[SLOT_DENY_INSNS] = &f->rules[0];
	f->slots[SLOT_ONLY_INSNS] = &f->rules[1];
	f->filters = (struct filter_slots){ .nr = 3, .rules = f->slots };
	filter_slots_select(&f->filters, slot);
	vcpu_pmu_set_filters(&f->pmu, &f->filters);
}

/* Instructions (PMC0), branches (PMC1), core cycles (fixed counter 1). */
static void assert_counts(struct fixture *f, uint64_t insns, uint64_t branches,
			  uint64_t cycles)
{
	assert_int_equal(model_rd(f, PMC0), insns);
	assert_int_equal(model_rd(f, PMC0 + 1), branches);
	assert_int_equal(model_rd(f, FIXED_CTR0 + 1), cycles);
}

/* The vCPU enters again after an exit of reason at rip. */
static void enter_after(struct fixture *f, uint32_t reason, uint64_t rip,
			enum tells tells)
{
	f->vcpu.run->exit_reason = reason;
	f->vcpu.run->s.regs.regs.rip = rip;
	enter(f, tells);
}

/* A denied counter: its MSRs work, it does not count, needs no steps. */
static void test_filter_denied_counters(void **state)
{
	struct fixture *f = *state;

	init_pmu(f);
	use_filters(f, SLOT_DENY_INSNS);
	CODE_AT(f, CODE, 0x0f, 0x30, 0x0f, 0x30, 0x0f, 0x30, 0x0f, 0x32, 0x0f,
		0x30);
	assert_int_equal(msr_exit(f, true, CODE, PERFEVTSEL0, SEL_INSTRUCTIONS),
			 0);
	assert_int_equal(msr_exit(f, true, CODE + 2, FIXED_CTR_CTRL, 0x3), 0);
	assert_int_equal(
		msr_exit(f, true, CODE + 4, GLOBAL_CTRL, 0x3 | 1ULL << 32), 0);
	assert_false(f->pmu.stepping);
	assert_int_equal(fake_ioctl_nr_calls(), 0);
	assert_int_equal(msr_exit(f, false, CODE + 6, PERFEVTSEL0, 0), 0);
	assert_int_equal(f->vcpu.run->msr.data, SEL_INSTRUCTIONS);
	/* A branch counter is allowed: stepping, and it alone counts. */
	assert_int_equal(
		msr_exit(f, true, CODE + 8, PERFEVTSEL0 + 1, SEL_BRANCHES), 0);
	assert_true(f->pmu.stepping);
	enter(f, TELLS_STEP);
	CODE_AT(f, CODE + 10, 0x74, 0x00); /* jz .+2 */
	step(f, CODE + 10);
	step(f, CODE + 12);
	assert_int_equal(model_rd(f, PMC0 + 1), 1);
	assert_int_equal(model_rd(f, PMC0), 0);
	assert_int_equal(model_rd(f, FIXED_CTR0), 0);
}

/*
 * Another policy installed while counters run: the vCPU goes on under
 * the old one until its next entry.
 */
static void test_filter_select_at_next_entry(void **state)
{
	struct fixture *f = *state;

	init_pmu(f);
	use_filters(f, SLOT_NONE);
	CODE_AT(f, CODE, 0x0f, 0x30, 0x74, 0x00, 0x74, 0x00, 0x74, 0x00, 0x74,
		0x00);
	start_counting(f, CODE);
	step(f, CODE + 4);
	assert_counts(f, 1, 1, 1);

	filter_slots_select(&f->filters, SLOT_ONLY_INSNS);
	step(f, CODE + 6);
	assert_counts(f, 2, 2, 2);
	/* Entry: instructions alone from the next one on, still stepped. */
	enter_after(f, KVM_EXIT_DEBUG, CODE + 6, TELLS_STEP);
	assert_true(f->pmu.stepping);
	step(f, CODE + 8);
	assert_counts(f, 3, 2, 2);

	/* Instructions denied, branches and cycles back: still stepped. */
	filter_slots_select(&f->filters, SLOT_DENY_INSNS);
	enter_after(f, KVM_EXIT_DEBUG, CODE + 8, TELLS_STEP);
	assert_true(f->pmu.stepping);
	step(f, CODE + 10);
	assert_counts(f, 3, 3, 3);

	/* The same slot again is a new install that changes nothing. */
	filter_slots_select(&f->filters, SLOT_DENY_INSNS);
	enter_after(f, KVM_EXIT_INTR, CODE + 10, TELLS_STEP);
	assert_true(f->pmu.stepping);
	assert_counts(f, 3, 3, 3);
}

/*
 * The OUT that installs a filter counts under the old one: it has
 * exited but completes on the next entry.
 */
static void test_filter_out_counts_under_old(void **state)
{
	struct fixture *f = *state;

	init_pmu(f);
	use_filters(f, SLOT_NONE);
	CODE_AT(f, CODE, 0x0f, 0x30, OUT_DX_EAX, 0x90, 0x74, 0x00);
	start_counting(f, CODE);
	/* The OUT exits to the host, which installs slot 1. */
	filter_slots_select(&f->filters, SLOT_DENY_INSNS);
	enter_after(f, KVM_EXIT_IO, CODE + 2, TELLS_STEP);
	assert_counts(f, 1, 0, 1);
	/* Branches still count: the stepping goes on. */
	assert_true(f->pmu.stepping);
	step(f, CODE + 3); /* the OUT completed: already counted */
	assert_counts(f, 1, 0, 1);
	step(f, CODE + 4); /* nop */
	step(f, CODE + 6); /* jz */
	assert_counts(f, 1, 1, 3);
}

/* The reverse: an OUT that allows instructions is not counted itself. */
static void test_filter_out_starts_stepping(void **state)
{
	struct fixture *f = *state;

	init_pmu(f);
	use_filters(f, SLOT_DENY_INSNS);
	CODE_AT(f, CODE, OUT_DX_EAX, 0x90, 0x90);
	model_wr(f, PERFEVTSEL0, SEL_INSTRUCTIONS);
	assert_false(vpmu_needs_stepping(&f->pmu.model));
	filter_slots_select(&f->filters, SLOT_NONE);
	enter_after(f, KVM_EXIT_IO, CODE, TELLS_STEP);
	assert_true(f->pmu.stepping);
	step(f, CODE + 1);
	assert_int_equal(model_rd(f, PMC0), 0);
	step(f, CODE + 2);
	assert_int_equal(model_rd(f, PMC0), 1);
}

/*
 * A vCPU kicked out of KVM_RUN by another's install: the instruction at
 * RIP has not run and counts under the new filter.
 */
static void test_filter_kicked_vcpu_counts_next(void **state)
{
	struct fixture *f = *state;

	init_pmu(f);
	use_filters(f, SLOT_DENY_INSNS);
	CODE_AT(f, CODE, 0x90, 0x90, 0x90);
	model_wr(f, PERFEVTSEL0, SEL_INSTRUCTIONS);
	filter_slots_select(&f->filters, FILTER_SLOT_NONE);
	enter_after(f, KVM_EXIT_INTR, CODE, TELLS_STEP);
	assert_true(f->pmu.stepping);
	step(f, CODE + 1);
	assert_int_equal(model_rd(f, PMC0), 1);
	step(f, CODE + 2);
	assert_int_equal(model_rd(f, PMC0), 2);
	/* Denied again: nothing left to step for. */
	filter_slots_select(&f->filters, SLOT_DENY_INSNS);
	enter_after(f, KVM_EXIT_INTR, CODE + 2, TELLS_UNSTEP);
	assert_false(f->pmu.stepping);
	assert_int_equal(model_rd(f, PMC0), 2);
}

/* The vCPU enters again after an MMIO exit at rip. */
static void enter_mmio(struct fixture *f, bool write, uint64_t rip,
		       enum tells tells)
{
	f->vcpu.run->mmio.is_write = write;
	enter_after(f, KVM_EXIT_MMIO, rip, tells);
}

/*
 * An MMIO read exits with RIP at it and completes on the next entry,
 * like an OUT: it counts under the old filter.
 */
static void test_filter_mmio_read_counts_under_old(void **state)
{
	struct fixture *f = *state;

	init_pmu(f);
	use_filters(f, SLOT_NONE);
	CODE_AT(f, CODE, 0x0f, 0x30, 0x8b, 0x00, 0x74, 0x00); /* mov (%rax) */
	start_counting(f, CODE);
	filter_slots_select(&f->filters, SLOT_DENY_INSNS);
	enter_mmio(f, false, CODE + 2, TELLS_STEP);
	assert_counts(f, 1, 0, 1);
	assert_true(f->pmu.stepping);
	step(f, CODE + 4); /* the read completed: already counted */
	assert_counts(f, 1, 0, 1);
	step(f, CODE + 6); /* jz */
	assert_counts(f, 1, 1, 2);
}

/*
 * An MMIO write is complete, RIP past it, before it exits: its exit
 * retires nothing under the old filter.
 */
static void test_filter_mmio_write_not_retired(void **state)
{
	struct fixture *f = *state;

	init_pmu(f);
	use_filters(f, SLOT_NONE);
	CODE_AT(f, CODE, 0x0f, 0x30, 0x89, 0x00, 0x74,
		0x00); /* mov to (%rax) */
	start_counting(f, CODE);
	filter_slots_select(&f->filters, SLOT_DENY_INSNS);
	enter_mmio(f, true, CODE + 4, TELLS_STEP);
	assert_counts(f, 0, 0, 0);
	assert_true(f->pmu.stepping);
}

/*
 * A new filter that starts the stepping at an MMIO write's exit: the
 * instruction at RIP has yet to run, and counts.
 */
static void test_filter_mmio_write_starts_stepping(void **state)
{
	struct fixture *f = *state;

	init_pmu(f);
	use_filters(f, SLOT_DENY_INSNS);
	CODE_AT(f, CODE, 0x89, 0x00, 0x90, 0x90);
	model_wr(f, PERFEVTSEL0, SEL_INSTRUCTIONS);
	assert_false(vpmu_needs_stepping(&f->pmu.model));
	filter_slots_select(&f->filters, SLOT_NONE);
	enter_mmio(f, true, CODE + 2, TELLS_STEP);
	assert_true(f->pmu.stepping);
	step(f, CODE + 3);
	assert_int_equal(model_rd(f, PMC0), 1);
}

/* A denied cycle counter gets neither time nor a deadline. */
static void test_filter_denied_cycles(void **state)
{
	struct fixture *f = *state;

	init_pmu(f);
	use_filters(f, SLOT_ONLY_INSNS);
	f->pmu.tsc_khz = 1000;
	model_wr(f, PERFEVTSEL0, SEL_CYCLES | VPMU_EVTSEL_INT);
	model_wr(f, VPMU_MSR_A_PMC0, MASK48 - 9);
	run_for(f, 2000000);
	assert_int_equal(model_rd(f, PMC0), MASK48 - 9);
	assert_false(f->pmu.deadline_armed);
	assert_false(kick_within(20000000));
	/* Allowed from the next entry: the deadline kicks, time counts. */
	filter_slots_select(&f->filters, SLOT_NONE);
	enter(f, TELLS_NOTHING);
	assert_true(f->pmu.deadline_armed);
	assert_true(kick_within(KICK_WAIT_NS));
	fake_now += 12000; /* 12 cycles: 10 to overflow, 2 after */
	vcpu_pmu_after_run(&f->vcpu);
	assert_int_equal(model_rd(f, PMC0), 2);
	assert_int_equal(model_rd(f, VPMU_MSR_GLOBAL_STATUS), 1);
}

/* ------------------------------------------ CPL3 stepping probe ---- */

static void test_probe_user_stepping(void **state)
{
	struct probe_script script = { .reason = KVM_EXIT_DEBUG };
	struct fixture *f = *state;
	const struct kvm_userspace_memory_region *slot;
	const struct kvm_guest_debug *dbg;
	const struct kvm_sregs *sregs;
	const struct kvm_regs *regs;
	int fds = fake_count_open_fds();
	bool works = false;

	f->vm.run_mmap_size = PROBE_RUN_SIZE;
	fake_ioctl_reset();
	script_probe(&script);
	assert_int_equal(vcpu_pmu_probe_user_stepping(&f->vm, &works), 0);
	fake_ioctl_verify();
	assert_true(works);
	assert_int_equal(script.runs, 2);
	/* A VM of its own, closed again. */
	assert_int_equal(fake_ioctl_call(0)->fd, f->vm.kvm_fd);
	assert_int_equal(fake_count_open_fds(), fds);
	slot = (const void *)fake_ioctl_find(KVM_SET_USER_MEMORY_REGION, 0)
		       ->data;
	assert_int_equal(slot->guest_phys_addr, 0);
	assert_true(slot->memory_size >= 0x4000);
	/* 64-bit code at CPL3 with paging. */
	sregs = (const void *)fake_ioctl_find(KVM_SET_SREGS, 0)->data;
	assert_int_equal(sregs->cs.selector & 3, 3);
	assert_int_equal(sregs->cs.dpl, 3);
	assert_int_equal(sregs->cs.l, 1);
	assert_int_equal(sregs->cs.db, 0);
	assert_int_equal(sregs->ss.selector & 3, 3);
	assert_int_equal(sregs->ss.dpl, 3);
	assert_true(sregs->cr0 & CR0_PG);
	assert_true(sregs->cr0 & CR0_PE);
	assert_int_equal(sregs->cr3, 0x1000);
	assert_true(sregs->cr4 & CR4_PAE);
	assert_int_equal(sregs->efer & EFER_LME_LMA, EFER_LME_LMA);
	regs = (const void *)fake_ioctl_find(KVM_SET_REGS, 0)->data;
	assert_int_equal(regs->rip, 0);
	dbg = (const void *)fake_ioctl_find(KVM_SET_GUEST_DEBUG, 0)->data;
	assert_int_equal(dbg->control,
			 KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP);
}

static void test_probe_user_stepping_broken(void **state)
{
	struct probe_script skipped = { .reason = KVM_EXIT_DEBUG,
					.pc_skew = 1 };
	struct probe_script other = { .reason = KVM_EXIT_EXCEPTION };
	struct fixture *f = *state;
	int fds = fake_count_open_fds();
	bool works = true;

	f->vm.run_mmap_size = PROBE_RUN_SIZE;
	/* A step that did not stop after one instruction. */
	fake_ioctl_reset();
	script_probe(&skipped);
	assert_int_equal(vcpu_pmu_probe_user_stepping(&f->vm, &works), 0);
	assert_false(works);
	assert_int_equal(skipped.runs, 1);
	/* The #DB went to the guest instead. */
	works = true;
	fake_ioctl_reset();
	script_probe(&other);
	assert_int_equal(vcpu_pmu_probe_user_stepping(&f->vm, &works), 0);
	assert_false(works);
	assert_int_equal(fake_count_open_fds(), fds);
}

/* Each call failing in turn: its -errno and name, and no fd left open. */
static void test_probe_user_stepping_fails(void **state)
{
	static const struct {
		unsigned long request;
		const char *name;
	} steps[] = {
		{ KVM_CREATE_VM, "KVM_CREATE_VM (stepping probe)" },
		{ KVM_SET_USER_MEMORY_REGION,
		  "KVM_SET_USER_MEMORY_REGION (stepping probe)" },
		{ KVM_CREATE_VCPU, "KVM_CREATE_VCPU (stepping probe)" },
		{ KVM_GET_SREGS, "KVM_GET_SREGS" },
		{ KVM_SET_SREGS, "KVM_SET_SREGS" },
		{ KVM_SET_REGS, "KVM_SET_REGS" },
		{ KVM_SET_GUEST_DEBUG, "KVM_SET_GUEST_DEBUG" },
		{ KVM_RUN, "KVM_RUN" },
	};
	static const struct kvm_sregs reset;
	struct fixture *f = *state;
	int fds = fake_count_open_fds();

	f->vm.run_mmap_size = PROBE_RUN_SIZE;
	for (unsigned int k = 0; k < 8; k++) {
		bool works = false;

		fake_ioctl_reset();
		for (unsigned int i = 0; i < k; i++) {
			if (steps[i].request == KVM_GET_SREGS)
				fake_ioctl_expect_out(KVM_GET_SREGS, &reset,
						      sizeof(reset));
			else
				fake_ioctl_expect(
					steps[i].request,
					i == 0 || i == 2 ? FAKE_NEW_FD : 0);
		}
		fake_ioctl_expect_fail(steps[k].request, EINVAL);
		f->vm.failed = NULL;
		assert_int_equal(vcpu_pmu_probe_user_stepping(&f->vm, &works),
				 -EINVAL);
		fake_ioctl_verify();
		assert_non_null(f->vm.failed);
		assert_string_equal(f->vm.failed, steps[k].name);
		assert_int_equal(fake_count_open_fds(), fds);
	}
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

/* The tests, by subject: main() runs them as one group. */
static const struct CMUnitTest tests[] = {
	/* The VM and vCPU set-up: capabilities, the MSR filter, CPUID, init. */
	T(test_vm_setup_sequence),
	T(test_vm_setup_without_capabilities),
	T(test_vm_setup_failures),
	T(test_set_cpuid),
	T(test_set_cpuid_variants),
	T(test_set_cpuid_refused),
	T(test_set_cpuid_vendor),
	T(test_set_cpuid_needs_leaves_0_and_1),
	T(test_init),
	T(test_init_refused),
	/* MSR exits, stepping and exact counting. */
	T(test_msr_read),
	T(test_msr_write_refused),
	T(test_stepping_follows_counters),
	T(test_stepping_rearmed_each_entry),
	T(test_stepping_ioctl_fails),
	T(test_exact_counts),
	T(test_pebs_record_in_guest_memory),
	T(test_pebs_record_dropped_at_unmapped_page),
	T(test_counts_by_cpl),
	T(test_ud2_never_retires),
	T(test_unreadable_code_still_counts),
	T(test_refused_msr_not_counted),
	/* RDPMC emulated and refused. */
	T(test_rdpmc_cpl0),
	T(test_rdpmc_cpl3_with_pce),
	T(test_rdpmc_regs_before_rearm),
	T(test_rdpmc_cpl3_without_pce),
	T(test_rdpmc_bad_counter),
	T(test_rdpmc_gp_get_fails),
	T(test_rdpmc_gp_set_fails),
	T(test_rdpmc_set_regs_fails),
	/* PMI delivery, cycles and time. */
	T(test_pmi_fixed_vector),
	T(test_pmi_nmi),
	T(test_pmi_masked_lvtpc),
	T(test_pmi_amd_leaves_lvtpc_unmasked),
	T(test_pmi_delivery_fails),
	T(test_pmi_from_step),
	T(test_cycle_deadline),
	T(test_cycles_follow_time),
	T(test_no_time_cycles_while_stepping),
	/* The event filter switched at run time; the CPL3 stepping probe. */
	T(test_filter_denied_counters),
	T(test_filter_select_at_next_entry),
	T(test_filter_out_counts_under_old),
	T(test_filter_out_starts_stepping),
	T(test_filter_kicked_vcpu_counts_next),
	T(test_filter_mmio_read_counts_under_old),
	T(test_filter_mmio_write_not_retired),
	T(test_filter_mmio_write_starts_stepping),
	T(test_filter_denied_cycles),
	T(test_probe_user_stepping),
	T(test_probe_user_stepping_broken),
	T(test_probe_user_stepping_fails),
};

int main(void)
{
	sigset_t kick;

	/* The overflow timer's kick is taken with sigtimedwait(), not fatal. */
	sigemptyset(&kick);
	sigaddset(&kick, KICK);
	pthread_sigmask(SIG_BLOCK, &kick, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
