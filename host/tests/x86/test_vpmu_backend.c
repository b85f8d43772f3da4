// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the x86 vPMU's modes and back ends (vpmu.h), KVM faked. */
#include <errno.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "array_size.h"
#include "fake_ioctl.h"
#include "stderr_capture.h"
#include "vpmu_msr.h"
#include "x86/fake_probe.h"
#include "hvcheck_abi.h"
#include "vmm/x86/vpmu.h"
#include "vmm/x86/vpmu_emulated_vcpu.h"
#include "vpmu/amd.h"

#define KVM_FD	  100
#define VM_FD	  101
#define VCPU_FD	  102 /* vCPU i's is VCPU_FD + i */
#define NR_VCPUS  2
#define TSC_KHZ	  2500000
#define ERR_ROOM  4096
#define KICK_WAIT 5 /* seconds a vCPU thread waits for its kick */

/* The uAPI numbers, spelled out so that a wrong constant shows. */
#define CAP_PMU_CAPABILITY   212
#define CAP_PMU_EVENT_FILTER 173
#define CAP_MASKED_EVENTS    226
#define CAP_GET_MSR_FEATURES 153
#define PMU_CAP_DISABLE	     1
#define MSR_PERF_CAPS	     0x345
#define MASKED_FLAG	     1 /* KVM_PMU_EVENT_FLAG_MASKED_EVENTS */

#define PDCM	       (1u << 15) /* CPUID.1:ECX */
#define LEAF1_ECX      0xf6fa3203u
#define HOST_PERF_CAPS 0x23c5ULL

/* Event selects as a guest programs them: enabled, user and kernel. */
#define SEL(event)	 ((event) | 1ULL << 22 | 1ULL << 16 | 1ULL << 17)
#define SEL_INSTRUCTIONS SEL(0x00c0)
#define SEL_BRANCHES	 SEL(0x00c4)

/* Leaf 0xA of a KVM with a vPMU: version 2, 8 GP and 3 fixed counters. */
static const struct kvm_cpuid_entry2 leaf_a_v2 = {
	.function = 0xa,
	.eax = 0x08300802,
	.ebx = 0x80,
	.edx = 0x8000 | 48 << 5 | 3,
};

/* A KVM without a vPMU (enable_pmu=N): leaf 0xA all zero. */
static const struct kvm_cpuid_entry2 leaf_a_none = { .function = 0xa };

struct fixture {
	struct x86_options opts;
	struct machine_core core;
	struct vcpu vcpus[NR_VCPUS];
	struct cpuid cpuid;
	struct x86_vpmu vp;
	bool destroyed; /* the test called x86_vpmu_destroy() itself */
};

/* ------------------------------------------------- stderr capture ---- */

static char err_text[ERR_ROOM];
static FILE *capture_file;
static int saved_stderr = -1;

static void capture_start(void)
{
	saved_stderr = stderr_begin(&capture_file);
}

/* Gives stderr back; what it got is in err_text. */
static void capture_end(void)
{
	if (saved_stderr < 0)
		return;
	stderr_end(saved_stderr, capture_file, err_text, sizeof(err_text));
	saved_stderr = -1;
	capture_file = NULL;
}

/* -------------------------------------------------------- fixture ---- */

/*
 * KVM's supported CPUID: leaf 0 of vendor, leaf 1 with leaf1_ecx, leaf
 * 0xA when given; room for the leaves the emulated vPMU adds.
 */
static void make_cpuid(struct cpuid *c, const char *vendor, uint32_t leaf1_ecx,
		       const struct kvm_cpuid_entry2 *leaf_a)
{
	const struct kvm_cpuid_entry2 entries[] = {
		{ .function = 0, .eax = 0x1f },
		{ .function = 1, .eax = 0x806f8, .ecx = leaf1_ecx },
		{ .function = 0x80000000, .eax = 0x80000008 },
		{ .function = 0x80000001, .ecx = 0x121, .edx = 0x2c100800 },
		leaf_a ? *leaf_a : (struct kvm_cpuid_entry2){ 0 },
	};
	unsigned int n = ARRAY_SIZE(entries) - !leaf_a;

	c->capacity = n + 8;
	c->table =
		calloc(1, sizeof(*c->table) + c->capacity * sizeof(entries[0]));
	assert_non_null(c->table);
	c->table->nent = n;
	memcpy(c->table->entries, entries, n * sizeof(entries[0]));
	assert_int_equal(cpuid_set_vendor(c, vendor), 0);
}

static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	fake_ioctl_reset();
	f.opts = (struct x86_options){ .pmu = VPMU_MODE_AUTO,
				       .pmu_version = X86_PMU_UNSET,
				       .pmu_gp = X86_PMU_UNSET,
				       .pmu_fixed = X86_PMU_UNSET,
				       .pmu_pebs_format = X86_PMU_UNSET,
				       .pmu_amd = X86_PMU_UNSET };
	f.core.vm.kvm_fd = KVM_FD;
	f.core.vm.vm_fd = VM_FD;
	f.core.vm.run_mmap_size = PROBE_RUN_SIZE;
	f.core.vm.culprit = VM_NO_VCPU;
	pthread_mutex_init(&f.core.vm.lock, NULL);
	for (unsigned int i = 0; i < NR_VCPUS; i++) {
		f.vcpus[i].vm = &f.core.vm;
		f.vcpus[i].id = i;
		f.vcpus[i].fd = VCPU_FD + i;
		f.vcpus[i].run = calloc(1, sizeof(*f.vcpus[i].run));
		assert_non_null(f.vcpus[i].run);
	}
	f.core.vcpus = f.vcpus;
	f.core.nr_vcpus = NR_VCPUS;
	f.vp = (struct x86_vpmu){ .opts = &f.opts,
				  .core = &f.core,
				  .cpuid = &f.cpuid };
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	/* A failed assertion left stderr captured: show what it said. */
	if (saved_stderr >= 0) {
		capture_end();
		fprintf(stderr, "stderr of the failed test: %s\n", err_text);
	}
	if (!f->destroyed)
		x86_vpmu_destroy(&f->vp);
	if (f->cpuid.table)
		cpuid_free(&f->cpuid);
	for (unsigned int i = 0; i < NR_VCPUS; i++)
		free(f->vcpus[i].run);
	pthread_mutex_destroy(&f->core.vm.lock);
	return 0;
}

static void add_filter(struct fixture *f, const char *policy)
{
	assert_true(f->opts.nr_pmu_filters < X86_MAX_PMU_FILTERS);
	f->opts.pmu_filters[f->opts.nr_pmu_filters++] = policy;
}

/* x86_vpmu_load_filters(), which must succeed and say nothing. */
static void load_filters(struct fixture *f)
{
	int ret;

	capture_start();
	ret = x86_vpmu_load_filters(&f->vp);
	capture_end();
	assert_int_equal(ret, 0);
	assert_string_equal(err_text, "");
}

/* x86_vpmu_setup() with stderr in err_text; its status. */
static int vpmu_setup(struct fixture *f)
{
	int ret;

	capture_start();
	ret = x86_vpmu_setup(&f->vp);
	capture_end();
	return ret;
}

/* How many times request was made since the last fake_ioctl_reset(). */
static unsigned int nr_calls_of(unsigned long request)
{
	unsigned int n = 0;

	while (fake_ioctl_find(request, n))
		n++;
	return n;
}

/*
 * x86_vpmu_setup() refused with the one line want, before any ioctl;
 * then a fresh x86_vpmu for the next attempt.
 */
static void assert_setup_refused(struct fixture *f, const char *want)
{
	fake_ioctl_reset();
	assert_int_equal(vpmu_setup(f), HV_EXIT_USAGE);
	assert_string_equal(err_text, want);
	assert_int_equal(fake_ioctl_nr_calls(), 0);
	x86_vpmu_destroy(&f->vp);
	f->vp = (struct x86_vpmu){ .opts = &f->opts,
				   .core = &f->core,
				   .cpuid = &f->cpuid };
}

/* Policies replaced by the one given. */
static void only_filter(struct fixture *f, const char *policy)
{
	f->opts.nr_pmu_filters = 0;
	add_filter(f, policy);
	load_filters(f);
}

/* ------------------------------------------- KVM_SET_PMU_EVENT_FILTER ---- */

#define MAX_INSTALLS 8
#define MAX_EVENTS   8

/* One KVM_SET_PMU_EVENT_FILTER as KVM read it. */
struct install {
	int fd;
	uint32_t action, nevents, fixed_bitmap, flags;
	uint64_t events[MAX_EVENTS];
};

struct installs {
	unsigned int nr;
	struct install at[MAX_INSTALLS];
};

static int record_install(int fd, unsigned long request, void *arg, void *ctx)
{
	const struct kvm_pmu_event_filter *kf = arg;
	struct installs *in = ctx;
	struct install *i;

	assert_int_equal(request, KVM_SET_PMU_EVENT_FILTER);
	assert_true(in->nr < MAX_INSTALLS);
	assert_true(kf->nevents <= MAX_EVENTS);
	i = &in->at[in->nr++];
	*i = (struct install){ .fd = fd,
			       .action = kf->action,
			       .nevents = kf->nevents,
			       .fixed_bitmap = kf->fixed_counter_bitmap,
			       .flags = kf->flags };
	for (unsigned int k = 0; k < 4; k++)
		assert_int_equal(kf->pad[k], 0);
	memcpy(i->events, kf->events, kf->nevents * sizeof(kf->events[0]));
	return 0;
}

/* Install n was on the VM and gave exactly this filter. */
static void assert_install(const struct installs *in, unsigned int n,
			   uint32_t action, uint32_t flags, uint32_t bitmap,
			   const uint64_t *events, uint32_t nevents)
{
	const struct install *i;

	assert_true(n < in->nr);
	i = &in->at[n];
	assert_int_equal(i->fd, VM_FD);
	assert_int_equal(i->action, action);
	assert_int_equal(i->flags, flags);
	assert_int_equal(i->fixed_bitmap, bitmap);
	assert_int_equal(i->nevents, nevents);
	if (nevents)
		assert_memory_equal(i->events, events,
				    nevents * sizeof(events[0]));
}

/* KVM's "no filter": a DENY list of nothing, fixed bitmap 0. */
static void assert_no_filter_install(const struct installs *in, unsigned int n)
{
	assert_install(in, n, KVM_PMU_EVENT_DENY, 0, 0, NULL, 0);
}

/* The policies of the kvm tests, and what KVM is given for each. */
#define POLICY_DENY  "deny;events=instructions,branches;fixed=0"
#define POLICY_ALLOW "allow;events=0xc4:0x01;fixed-bitmap=0x3"
static const uint64_t deny_events[] = { 0xc0, 0xc4 };
static const uint64_t allow_events[] = { 0x01c4 };

/* ------------------------------------------------- mode resolution ---- */

static void test_auto_picks_kvm(void **state)
{
	struct fixture *f = *state;

	make_cpuid(&f->cpuid, "GenuineIntel", LEAF1_ECX, &leaf_a_v2);
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1); /* PMU_EVENT_FILTER */
	assert_int_equal(vpmu_setup(f), 0);
	fake_ioctl_verify();
	assert_ptr_equal(f->vp.backend, &vpmu_kvm_backend);
	assert_int_equal(f->vp.mode, VPMU_MODE_KVM);
	assert_string_equal(
		err_text,
		"hvcheck: vpmu: kvm, version 2, 8 GP and 3 fixed counters\n");
	/* The guest keeps KVM's vPMU. */
	assert_memory_equal(cpuid_find(&f->cpuid, 0xa, 0), &leaf_a_v2,
			    sizeof(leaf_a_v2));
	/* Only the filter capability was asked; nothing installed. */
	assert_int_equal(fake_ioctl_nr_calls(), 1);
	assert_int_equal(fake_ioctl_call(0)->fd, VM_FD);
	assert_int_equal(fake_ioctl_call(0)->arg, CAP_PMU_EVENT_FILTER);
	assert_int_equal(x86_vpmu_first_filter(&f->vp), HV_HOSTCTL_FILTER_NONE);
}

/* The emulated vPMU's VM-wide set-up: PMU MSRs exit, the TSC rate. */
static void script_emulated_vm(void)
{
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1); /* USER_SPACE_MSR */
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1); /* MSR_FILTER */
	fake_ioctl_expect(KVM_ENABLE_CAP, 0);
	fake_ioctl_expect(KVM_X86_SET_MSR_FILTER, 0);
	fake_ioctl_expect(KVM_GET_TSC_KHZ, TSC_KHZ);
}

/*
 * Auto on an AMD host without a vPMU: the emulated AMD model, PerfMonV2
 * by default, its CPUID leaves set and the vendor kept.
 */
static void test_auto_picks_emulated_amd(void **state)
{
	struct probe_script probe = { .reason = KVM_EXIT_DEBUG };
	struct fixture *f = *state;
	const struct kvm_cpuid_entry2 *e;
	char vendor[CPUID_VENDOR_SIZE];

	make_cpuid(&f->cpuid, "AuthenticAMD", LEAF1_ECX, &leaf_a_none);
	script_emulated_vm();
	script_probe(&probe);
	assert_int_equal(vpmu_setup(f), 0);
	fake_ioctl_verify();
	assert_ptr_equal(f->vp.backend, &vpmu_emulated_backend);
	assert_int_equal(f->vp.vendor, VPMU_VENDOR_AMD);
	assert_true(f->vp.can_select);
	assert_string_equal(
		err_text,
		"hvcheck: vpmu: emulated, AMD v2, 6 counters of 48 bits, guest CPU vendor AuthenticAMD\n");
	cpuid_vendor(&f->cpuid, vendor);
	assert_string_equal(vendor, "AuthenticAMD");
	e = cpuid_find(&f->cpuid, 0xa, 0);
	assert_int_equal(e->eax | e->ebx | e->ecx | e->edx, 0);
	assert_true(cpuid_find(&f->cpuid, 0x80000001, 0)->ecx & (1u << 23));
	e = cpuid_find(&f->cpuid, 0x80000022, 0);
	assert_non_null(e);
	assert_int_equal(e->eax, 1);
	assert_int_equal(e->ebx, 6);
	assert_int_equal(cpuid_find(&f->cpuid, 0x80000000, 0)->eax, 0x80000022);
	assert_int_equal(nr_calls_of(KVM_SET_PMU_EVENT_FILTER), 0);
}

/* An AMD host whose KVM has a vPMU: PerfCtrExtCore, PerfMonV2 of 6. */
static void make_amd_kvm_cpuid(struct cpuid *c)
{
	make_cpuid(c, "AuthenticAMD", LEAF1_ECX, &leaf_a_none);
	cpuid_find(c, 0x80000001, 0)->ecx |= 1u << 23;
	cpuid_find(c, 0x80000000, 0)->eax = 0x80000022;
	assert_int_equal(cpuid_set(c, 0x80000022, 1, 0x106, 0, 0), 0);
}

/* Auto on an AMD host with a vPMU: KVM's, narrowed by --pmu-amd. */
static void test_auto_picks_kvm_amd(void **state)
{
	struct fixture *f = *state;

	make_amd_kvm_cpuid(&f->cpuid);
	f->opts.pmu_amd = VPMU_AMD_CORE;
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1); /* PMU_EVENT_FILTER */
	assert_int_equal(vpmu_setup(f), 0);
	fake_ioctl_verify();
	assert_ptr_equal(f->vp.backend, &vpmu_kvm_backend);
	assert_int_equal(f->vp.vendor, VPMU_VENDOR_AMD);
	assert_string_equal(err_text,
			    "hvcheck: vpmu: kvm, AMD core, 6 counters\n");
	assert_int_equal(cpuid_find(&f->cpuid, 0x80000022, 0)->eax, 0);
	assert_true(cpuid_find(&f->cpuid, 0x80000001, 0)->ecx & 1u << 23);
	/* No PERF_CAPABILITIES on AMD: no feature MSR asked. */
	assert_int_equal(fake_ioctl_nr_calls(), 1);
}

/*
 * The options of the other vendor, and KVM's vPMU of the other vendor:
 * one line each, before any ioctl.
 */
static void test_vendor_refusals(void **state)
{
	static const struct {
		enum x86_pmu_vendor vendor;
		enum vpmu_mode mode;
		int version, fixed, pebs, amd, gp;
		const char *err;
	} cases[] = {
		{ X86_PMU_VENDOR_INTEL, VPMU_MODE_EMULATED, -1, -1, -1,
		  VPMU_AMD_V2, -1,
		  "hvcheck: run: --pmu-amd is the AMD PMU's; this vPMU is Intel's (--pmu-vendor)\n" },
		{ X86_PMU_VENDOR_AMD, VPMU_MODE_EMULATED, 2, -1, -1, -1, -1,
		  "hvcheck: run: --pmu-version, --pmu-fixed-counters and --pmu-pebs are the Intel PMU's; this vPMU is AMD's (--pmu-vendor)\n" },
		{ X86_PMU_VENDOR_AUTO, VPMU_MODE_AUTO, -1, 0, -1, -1, -1,
		  "hvcheck: run: --pmu-version, --pmu-fixed-counters and --pmu-pebs are the Intel PMU's; this vPMU is AMD's (--pmu-vendor)\n" },
		{ X86_PMU_VENDOR_AMD, VPMU_MODE_EMULATED, -1, -1, 0, -1, -1,
		  "hvcheck: run: --pmu-version, --pmu-fixed-counters and --pmu-pebs are the Intel PMU's; this vPMU is AMD's (--pmu-vendor)\n" },
		{ X86_PMU_VENDOR_INTEL, VPMU_MODE_KVM, -1, -1, -1, -1, -1,
		  "hvcheck: run: --pmu=kvm: KVM's vPMU is the host's, AMD's: drop --pmu-vendor or use --pmu=emulated\n" },
		{ X86_PMU_VENDOR_AMD, VPMU_MODE_EMULATED, -1, -1, -1,
		  VPMU_AMD_LEGACY, 4,
		  "hvcheck: run: --pmu-gp-counters: the legacy AMD PMU has 4 counters; core and v2 take 1 to 6\n" },
		{ X86_PMU_VENDOR_AMD, VPMU_MODE_EMULATED, -1, -1, -1, -1, 7,
		  "hvcheck: run: --pmu-gp-counters 7: the emulated AMD vPMU has 1 to 6\n" },
		{ X86_PMU_VENDOR_AMD, VPMU_MODE_EMULATED, -1, -1, -1, -1, 0,
		  "hvcheck: run: --pmu-gp-counters 0: the emulated AMD vPMU has 1 to 6\n" },
	};
	struct fixture *f = *state;

	make_cpuid(&f->cpuid, "AuthenticAMD", LEAF1_ECX, &leaf_a_none);
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		f->opts.pmu_vendor = cases[i].vendor;
		f->opts.pmu = cases[i].mode;
		f->opts.pmu_version = cases[i].version;
		f->opts.pmu_fixed = cases[i].fixed;
		f->opts.pmu_pebs_format = cases[i].pebs;
		f->opts.pmu_amd = cases[i].amd;
		f->opts.pmu_gp = cases[i].gp;
		assert_setup_refused(f, cases[i].err);
	}
}

/* The emulated AMD levels: their CPUID, PerfCtrExtCore's counters. */
static void test_emulated_amd_levels(void **state)
{
	static const struct {
		int level, gp;
		uint32_t core, leaf22_eax, leaf22_ebx;
		const char *line;
	} cases[] = {
		{ VPMU_AMD_LEGACY, -1, 0, 0, 0,
		  "hvcheck: vpmu: emulated, AMD legacy, 4 counters of 48 bits, guest CPU vendor AuthenticAMD\n" },
		{ VPMU_AMD_CORE, 5, 1u << 23, 0, 0,
		  "hvcheck: vpmu: emulated, AMD core, 5 counters of 48 bits, guest CPU vendor AuthenticAMD\n" },
		{ VPMU_AMD_V2, 2, 1u << 23, 1, 2,
		  "hvcheck: vpmu: emulated, AMD v2, 2 counters of 48 bits, guest CPU vendor AuthenticAMD (host GenuineIntel)\n" },
	};
	struct fixture *f = *state;
	const struct kvm_cpuid_entry2 *e;

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		struct probe_script probe = { .reason = KVM_EXIT_DEBUG };

		f->vp = (struct x86_vpmu){ .opts = &f->opts,
					   .core = &f->core,
					   .cpuid = &f->cpuid };
		f->opts.pmu = VPMU_MODE_EMULATED;
		f->opts.pmu_vendor = X86_PMU_VENDOR_AMD;
		f->opts.pmu_amd = cases[i].level;
		f->opts.pmu_gp = cases[i].gp;
		/* The last on an Intel host: the guest sees AMD's vendor. */
		make_cpuid(&f->cpuid,
			   cases[i].level == VPMU_AMD_V2 ? "GenuineIntel" :
							   "AuthenticAMD",
			   LEAF1_ECX | PDCM, &leaf_a_v2);
		fake_ioctl_reset();
		script_emulated_vm();
		script_probe(&probe);
		assert_int_equal(vpmu_setup(f), 0);
		fake_ioctl_verify();
		assert_string_equal(err_text, cases[i].line);
		e = cpuid_find(&f->cpuid, 0xa, 0);
		assert_int_equal(e->eax | e->ebx | e->ecx | e->edx, 0);
		assert_int_equal(cpuid_find(&f->cpuid, 1, 0)->ecx & PDCM, 0);
		assert_int_equal(cpuid_find(&f->cpuid, 0x80000001, 0)->ecx &
					 1u << 23,
				 cases[i].core);
		e = cpuid_find(&f->cpuid, 0x80000022, 0);
		assert_int_equal(e ? e->eax : 0, cases[i].leaf22_eax);
		assert_int_equal(e ? e->ebx : 0, cases[i].leaf22_ebx);
		x86_vpmu_destroy(&f->vp);
		cpuid_free(&f->cpuid);
	}
}

/* --pmu=off on an AMD host without a vPMU: the AMD model of no PMU. */
static void test_off_amd(void **state)
{
	struct fixture *f = *state;

	f->opts.pmu = VPMU_MODE_OFF;
	make_cpuid(&f->cpuid, "AuthenticAMD", LEAF1_ECX, &leaf_a_none);
	script_emulated_vm();
	assert_int_equal(vpmu_setup(f), 0);
	fake_ioctl_verify();
	assert_int_equal(f->vp.vendor, VPMU_VENDOR_AMD);
	assert_string_equal(
		err_text,
		"hvcheck: vpmu: off, no PMU, hvcheck's model (KVM has no vPMU to disable), guest CPU vendor AuthenticAMD\n");
	assert_int_equal(cpuid_find(&f->cpuid, 0x80000001, 0)->ecx & 1u << 23,
			 0);
}

/* --pmu-vendor=intel on an AMD host: the Intel model, as before. */
static void test_auto_picks_emulated(void **state)
{
	struct probe_script probe = { .reason = KVM_EXIT_DEBUG };
	struct fixture *f = *state;
	const struct kvm_cpuid_entry2 *leaf_a;
	char vendor[CPUID_VENDOR_SIZE];
	int fds = fake_count_open_fds();

	f->opts.pmu_vendor = X86_PMU_VENDOR_INTEL;
	make_cpuid(&f->cpuid, "AuthenticAMD", LEAF1_ECX, &leaf_a_none);
	script_emulated_vm();
	script_probe(&probe);
	assert_int_equal(vpmu_setup(f), 0);
	fake_ioctl_verify();
	/* The probe VM is gone again. */
	assert_int_equal(fake_count_open_fds(), fds);
	assert_ptr_equal(f->vp.backend, &vpmu_emulated_backend);
	assert_int_equal(f->vp.mode, VPMU_MODE_EMULATED);
	assert_true(f->vp.can_select);
	assert_int_equal(probe.runs, 2);
	assert_string_equal(
		err_text,
		"hvcheck: vpmu: emulated, version 2, 4 GP and 3 fixed counters of 48 bits, guest CPU vendor GenuineIntel (host AuthenticAMD)\n");
	/* The guest sees the model: an Intel PMU of version 2. */
	cpuid_vendor(&f->cpuid, vendor);
	assert_string_equal(vendor, "GenuineIntel");
	leaf_a = cpuid_find(&f->cpuid, 0xa, 0);
	assert_non_null(leaf_a);
	assert_int_equal(leaf_a->eax & 0xff, 2);
	assert_int_equal((leaf_a->eax >> 8) & 0xff, 4);
	assert_int_equal(leaf_a->edx & 0x1f, 3);
	/* No KVM vPMU was touched: no filter, no PMU capability. */
	assert_int_equal(nr_calls_of(KVM_SET_PMU_EVENT_FILTER), 0);
}

/* A KVM whose CPL3 code is not stepped: the line says so. */
static void test_emulated_unstepped(void **state)
{
	struct probe_script probe = { .reason = KVM_EXIT_EXCEPTION };
	struct fixture *f = *state;

	f->opts.pmu = VPMU_MODE_EMULATED;
	make_cpuid(&f->cpuid, "GenuineIntel", LEAF1_ECX, &leaf_a_none);
	script_emulated_vm();
	script_probe(&probe);
	assert_int_equal(vpmu_setup(f), 0);
	fake_ioctl_verify();
	assert_string_equal(
		err_text,
		"hvcheck: vpmu: emulated, version 2, 4 GP and 3 fixed counters of 48 bits, guest CPU vendor GenuineIntel, CPL3 not stepped by this KVM\n");
	assert_non_null(cpuid_find(&f->cpuid, HV_CPUID_VPMU_FEATURES, 0));
	assert_true(cpuid_find(&f->cpuid, HV_CPUID_VPMU_FEATURES, 0)->eax &
		    HV_VPMU_F_USER_UNSTEPPED);
}

/* --pmu=kvm and --pmu=emulated are what they say, whatever KVM has. */
static void test_explicit_modes(void **state)
{
	struct probe_script probe = { .reason = KVM_EXIT_DEBUG };
	struct fixture *f = *state;

	/* Emulated where KVM has a vPMU of its own. */
	f->opts.pmu = VPMU_MODE_EMULATED;
	make_cpuid(&f->cpuid, "GenuineIntel", LEAF1_ECX | PDCM, &leaf_a_v2);
	script_emulated_vm();
	script_probe(&probe);
	assert_int_equal(vpmu_setup(f), 0);
	fake_ioctl_verify();
	assert_ptr_equal(f->vp.backend, &vpmu_emulated_backend);
	assert_int_equal(f->vp.mode, VPMU_MODE_EMULATED);
	assert_string_equal(
		err_text,
		"hvcheck: vpmu: emulated, version 2, 4 GP and 3 fixed counters of 48 bits, guest CPU vendor GenuineIntel\n");
	x86_vpmu_destroy(&f->vp);
	cpuid_free(&f->cpuid);

	/* KVM's where KVM has none: a bad command line, no ioctl. */
	f->vp = (struct x86_vpmu){ .opts = &f->opts,
				   .core = &f->core,
				   .cpuid = &f->cpuid };
	f->opts.pmu = VPMU_MODE_KVM;
	make_cpuid(&f->cpuid, "GenuineIntel", LEAF1_ECX, &leaf_a_none);
	fake_ioctl_reset();
	assert_int_equal(vpmu_setup(f), HV_EXIT_USAGE);
	assert_ptr_equal(f->vp.backend, &vpmu_kvm_backend);
	assert_string_equal(
		err_text,
		"hvcheck: run: --pmu=kvm: KVM offers no vPMU (its CPUID leaf 0xA is version 0)\n");
	assert_int_equal(fake_ioctl_nr_calls(), 0);
}

static void test_off_disables_kvm_vpmu(void **state)
{
	struct fixture *f = *state;
	const struct kvm_enable_cap *cap;
	const struct fake_ioctl_call *c;
	const struct kvm_cpuid_entry2 *e;

	f->opts.pmu = VPMU_MODE_OFF;
	make_cpuid(&f->cpuid, "GenuineIntel", LEAF1_ECX | PDCM, &leaf_a_v2);
	fake_ioctl_expect(KVM_CHECK_EXTENSION, PMU_CAP_DISABLE);
	fake_ioctl_expect(KVM_ENABLE_CAP, 0);
	assert_int_equal(vpmu_setup(f), 0);
	fake_ioctl_verify();
	assert_ptr_equal(f->vp.backend, &vpmu_kvm_off_backend);
	assert_int_equal(f->vp.mode, VPMU_MODE_OFF);
	assert_false(f->vp.can_select);
	assert_string_equal(err_text, "hvcheck: vpmu: off, KVM's disabled\n");
	assert_int_equal(fake_ioctl_nr_calls(), 2);
	c = fake_ioctl_call(0);
	assert_int_equal(c->fd, VM_FD);
	assert_int_equal(c->arg, CAP_PMU_CAPABILITY);
	c = fake_ioctl_find(KVM_ENABLE_CAP, 0);
	assert_int_equal(c->fd, VM_FD);
	cap = (const void *)c->data;
	assert_int_equal(cap->cap, CAP_PMU_CAPABILITY);
	assert_int_equal(cap->args[0], PMU_CAP_DISABLE);
	/* And the guest is told there is no PMU. */
	e = cpuid_find(&f->cpuid, 0xa, 0);
	assert_int_equal(e->eax | e->ebx | e->ecx | e->edx, 0);
	assert_int_equal(cpuid_find(&f->cpuid, 1, 0)->ecx, LEAF1_ECX);
	/* No per-vCPU work, nothing to select. */
	fake_ioctl_reset();
	assert_int_equal(x86_vpmu_vcpu_init(&f->vp, &f->vcpus[0], 0), 0);
	assert_int_equal(fake_ioctl_nr_calls(), 0);
	assert_null(f->vcpus[0].pmu_backend);
}

/* --pmu=off where KVM has no vPMU: hvcheck's model of no PMU, no probe. */
static void test_off_without_kvm_vpmu(void **state)
{
	struct fixture *f = *state;
	const struct kvm_cpuid_entry2 *e;

	f->opts.pmu = VPMU_MODE_OFF;
	make_cpuid(&f->cpuid, "GenuineIntel", LEAF1_ECX, &leaf_a_none);
	script_emulated_vm();
	assert_int_equal(vpmu_setup(f), 0);
	fake_ioctl_verify();
	assert_ptr_equal(f->vp.backend, &vpmu_emulated_backend);
	assert_int_equal(f->vp.mode, VPMU_MODE_OFF);
	assert_string_equal(
		err_text,
		"hvcheck: vpmu: off, no PMU, hvcheck's model (KVM has no vPMU to disable), guest CPU vendor GenuineIntel\n");
	assert_int_equal(nr_calls_of(KVM_CREATE_VM), 0);
	assert_int_equal(nr_calls_of(KVM_ENABLE_CAP), 1); /* USER_SPACE_MSR */
	e = cpuid_find(&f->cpuid, 0xa, 0);
	assert_int_equal(e->eax & 0xff, 0);
}

static void test_off_refuses_pmu_limits(void **state)
{
	struct fixture *f = *state;
	int *const limits[] = { &f->opts.pmu_version, &f->opts.pmu_gp,
				&f->opts.pmu_fixed, &f->opts.pmu_amd };

	f->opts.pmu = VPMU_MODE_OFF;
	make_cpuid(&f->cpuid, "GenuineIntel", LEAF1_ECX, &leaf_a_v2);
	for (unsigned int i = 0; i < ARRAY_SIZE(limits); i++) {
		fake_ioctl_reset();
		*limits[i] = i == 0 ? 2 : 1;
		assert_int_equal(vpmu_setup(f), HV_EXIT_USAGE);
		assert_string_equal(
			err_text,
			"hvcheck: run: --pmu=off takes no --pmu-version, --pmu-amd, counter counts or PEBS\n");
		assert_int_equal(fake_ioctl_nr_calls(), 0);
		assert_null(f->vp.backend);
		*limits[i] = X86_PMU_UNSET;
	}
	/* Also where KVM has no vPMU, and --pmu-version 0 alike. */
	cpuid_free(&f->cpuid);
	make_cpuid(&f->cpuid, "GenuineIntel", LEAF1_ECX, &leaf_a_none);
	f->opts.pmu_version = 0;
	assert_int_equal(vpmu_setup(f), HV_EXIT_USAGE);
	assert_string_equal(
		err_text,
		"hvcheck: run: --pmu=off takes no --pmu-version, --pmu-amd, counter counts or PEBS\n");
	assert_int_equal(fake_ioctl_nr_calls(), 0);
}

/* ------------------------------------------------------ the policies ---- */

static void test_load_filters(void **state)
{
	struct fixture *f = *state;
	const struct filter_policy *p;

	/* None given: nothing to load. */
	load_filters(f);
	assert_null(f->vp.policies);

	add_filter(f, POLICY_DENY);
	add_filter(f, "none");
	add_filter(f, POLICY_ALLOW);
	load_filters(f);
	assert_non_null(f->vp.policies);
	p = &f->vp.policies[0];
	assert_false(p->none);
	assert_int_equal(p->x86.action, FILTER_ACTION_DENY);
	assert_int_equal(p->x86.fixed_bitmap, 0x1);
	assert_int_equal(p->x86.nevents, 2);
	assert_memory_equal(p->x86.events, deny_events, sizeof(deny_events));
	assert_true(f->vp.policies[1].none);
	p = &f->vp.policies[2];
	assert_int_equal(p->x86.action, FILTER_ACTION_ALLOW);
	assert_int_equal(p->x86.fixed_bitmap, 0x3);
	assert_int_equal(p->x86.nevents, 1);
	assert_int_equal(p->x86.events[0], allow_events[0]);
	assert_int_equal(x86_vpmu_first_filter(&f->vp), 0);
}

static void test_load_filters_refused(void **state)
{
	struct fixture *f = *state;
	int ret;

	add_filter(f, POLICY_DENY);
	add_filter(f, "bogus");
	add_filter(f, POLICY_ALLOW);
	capture_start();
	ret = x86_vpmu_load_filters(&f->vp);
	capture_end();
	assert_int_equal(ret, HV_EXIT_USAGE);
	assert_string_equal(
		err_text,
		"hvcheck: run: --pmu-filter 1: statement 1 ('bogus'): unknown x86 statement 'bogus' (allow, deny, events, masked, fixed, fixed-bitmap, vendor, raw, none)\n");
	assert_int_equal(fake_ioctl_nr_calls(), 0);
	/* Freed with what was loaded before it (ASan: no leak). */
	x86_vpmu_destroy(&f->vp);
	f->destroyed = true;
	assert_null(f->vp.policies);
}

/* Each policy judged for the vPMU's vendor before anything is made. */
static void test_policies_judged_for_vendor(void **state)
{
	struct fixture *f = *state;

	/* kvm on an AMD host: a policy for Intel is not its. */
	f->opts.pmu = VPMU_MODE_KVM;
	add_filter(f, POLICY_DENY);
	add_filter(f, "vendor intel; deny instructions");
	load_filters(f);
	make_cpuid(&f->cpuid, "AuthenticAMD", LEAF1_ECX, &leaf_a_v2);
	assert_setup_refused(
		f,
		"hvcheck: run: --pmu-filter 1: the policy is for Intel, the vPMU is AMD's\n");

	/* The emulated vPMU is --pmu-vendor's, whatever the host. */
	f->opts.pmu = VPMU_MODE_EMULATED;
	f->opts.pmu_vendor = X86_PMU_VENDOR_INTEL;
	only_filter(f, "vendor amd; deny 0x1c0");
	assert_setup_refused(
		f,
		"hvcheck: run: --pmu-filter 0: the policy is for AMD, the vPMU is Intel's\n");
	f->opts.pmu_vendor = X86_PMU_VENDOR_AMD;
	only_filter(f, "vendor intel; deny instructions");
	assert_setup_refused(
		f,
		"hvcheck: run: --pmu-filter 0: the policy is for Intel, the vPMU is AMD's\n");

	/* One KVM would refuse. */
	f->opts.pmu = VPMU_MODE_KVM;
	f->opts.pmu_vendor = X86_PMU_VENDOR_AUTO;
	f->opts.nr_pmu_filters = 0;
	add_filter(f, "none");
	add_filter(f, "raw 2 0 0");
	load_filters(f);
	assert_setup_refused(
		f,
		"hvcheck: run: --pmu-filter 1: KVM would refuse it: EINVAL: action 2 is neither 0 (allow) nor 1 (deny)\n");
}

/* ------------------------------------------------ the kvm back end ---- */

/* --pmu=kvm on an Intel KVM with a filter, the tests' three policies. */
static void setup_kvm_with_filters(struct fixture *f, struct installs *in)
{
	f->opts.pmu = VPMU_MODE_KVM;
	add_filter(f, POLICY_DENY);
	add_filter(f, POLICY_ALLOW);
	add_filter(f, "none");
	load_filters(f);
	make_cpuid(&f->cpuid, "GenuineIntel", LEAF1_ECX, &leaf_a_v2);
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1); /* PMU_EVENT_FILTER */
	fake_ioctl_on(KVM_SET_PMU_EVENT_FILTER, record_install, in);
	assert_int_equal(vpmu_setup(f), 0);
	fake_ioctl_verify();
}

static void test_kvm_first_filter_installed(void **state)
{
	struct fixture *f = *state;
	struct installs in = { 0 };

	setup_kvm_with_filters(f, &in);
	assert_ptr_equal(f->vp.backend, &vpmu_kvm_backend);
	assert_true(f->vp.can_select);
	/* Asked once, plain policies only: no masked-events question. */
	assert_int_equal(nr_calls_of(KVM_CHECK_EXTENSION), 1);
	assert_int_equal(fake_ioctl_call(0)->arg, CAP_PMU_EVENT_FILTER);
	/* Policy 0, and it alone, is in KVM before the guest runs. */
	assert_int_equal(in.nr, 1);
	assert_install(&in, 0, KVM_PMU_EVENT_DENY, 0, 0x1, deny_events,
		       ARRAY_SIZE(deny_events));
	assert_int_equal(x86_vpmu_first_filter(&f->vp), 0);
	assert_string_equal(
		err_text,
		"hvcheck: vpmu: kvm, version 2, 8 GP and 3 fixed counters, filter: deny 2 events, fixed bitmap 0x1 (policy 0 of 3)\n");
}

/* A policy of no filter first: KVM gets the filter that denies nothing. */
static void test_kvm_first_filter_none(void **state)
{
	struct fixture *f = *state;
	struct installs in = { 0 };

	f->opts.pmu = VPMU_MODE_KVM;
	add_filter(f, "none");
	load_filters(f);
	make_cpuid(&f->cpuid, "GenuineIntel", LEAF1_ECX, &leaf_a_v2);
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1);
	fake_ioctl_on(KVM_SET_PMU_EVENT_FILTER, record_install, &in);
	assert_int_equal(vpmu_setup(f), 0);
	fake_ioctl_verify();
	assert_int_equal(in.nr, 1);
	assert_no_filter_install(&in, 0);
	assert_string_equal(
		err_text,
		"hvcheck: vpmu: kvm, version 2, 8 GP and 3 fixed counters, filter: none\n");
}

/*
 * Each FILTER_SELECT is the one ioctl of an argument built at set-up:
 * what the policies say later does not matter.
 */
static void test_kvm_filter_select(void **state)
{
	struct fixture *f = *state;
	struct installs in = { 0 };

	setup_kvm_with_filters(f, &in);
	f->vp.policies[1].x86.events[0] = 0xdead;
	f->vp.policies[1].x86.action = FILTER_ACTION_DENY;
	fake_ioctl_reset();
	in.nr = 0;
	fake_ioctl_on(KVM_SET_PMU_EVENT_FILTER, record_install, &in);
	assert_int_equal(x86_vpmu_filter_select(&f->vp, 1), 0);
	assert_int_equal(fake_ioctl_nr_calls(), 1);
	assert_install(&in, 0, KVM_PMU_EVENT_ALLOW, 0, 0x3, allow_events,
		       ARRAY_SIZE(allow_events));
	assert_int_equal(x86_vpmu_filter_select(&f->vp, HV_HOSTCTL_FILTER_NONE),
			 0);
	assert_no_filter_install(&in, 1);
	/* A policy of "none" is the same as no filter. */
	assert_int_equal(x86_vpmu_filter_select(&f->vp, 2), 0);
	assert_no_filter_install(&in, 2);
	assert_int_equal(x86_vpmu_filter_select(&f->vp, 0), 0);
	assert_install(&in, 3, KVM_PMU_EVENT_DENY, 0, 0x1, deny_events,
		       ARRAY_SIZE(deny_events));
	assert_int_equal(in.nr, 4);
	assert_int_equal(fake_ioctl_nr_calls(), 4);
}

/* KVM's refusal of a switch comes back as its -errno. */
static int refuse_install(int fd, unsigned long request, void *arg, void *ctx)
{
	(void)fd;
	(void)request;
	(void)arg;
	(void)ctx;
	errno = EBUSY;
	return -1;
}

static void test_kvm_filter_select_fails(void **state)
{
	struct fixture *f = *state;
	struct installs in = { 0 };

	setup_kvm_with_filters(f, &in);
	fake_ioctl_reset();
	fake_ioctl_on(KVM_SET_PMU_EVENT_FILTER, refuse_install, NULL);
	assert_int_equal(x86_vpmu_filter_select(&f->vp, 1), -EBUSY);
	assert_string_equal(f->core.vm.failed, "KVM_SET_PMU_EVENT_FILTER");
}

/* Without --pmu-filter, a KVM with filters still lets the guest pick none. */
static void test_kvm_select_none_without_policies(void **state)
{
	struct fixture *f = *state;
	struct installs in = { 0 };

	f->opts.pmu = VPMU_MODE_KVM;
	make_cpuid(&f->cpuid, "GenuineIntel", LEAF1_ECX, &leaf_a_v2);
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1);
	fake_ioctl_on(KVM_SET_PMU_EVENT_FILTER, record_install, &in);
	assert_int_equal(vpmu_setup(f), 0);
	fake_ioctl_verify();
	assert_true(f->vp.can_select);
	assert_int_equal(in.nr, 0); /* nothing installed at start */
	assert_int_equal(x86_vpmu_filter_select(&f->vp, HV_HOSTCTL_FILTER_NONE),
			 0);
	assert_int_equal(in.nr, 1);
	assert_no_filter_install(&in, 0);
}

/* No KVM_CAP_PMU_EVENT_FILTER: fine without --pmu-filter, nothing to select. */
static void test_kvm_without_filter_cap(void **state)
{
	struct fixture *f = *state;

	f->opts.pmu = VPMU_MODE_KVM;
	make_cpuid(&f->cpuid, "GenuineIntel", LEAF1_ECX, &leaf_a_v2);
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 0);
	assert_int_equal(vpmu_setup(f), 0);
	fake_ioctl_verify();
	assert_false(f->vp.can_select);
	assert_int_equal(fake_ioctl_nr_calls(), 1);
	assert_int_equal(nr_calls_of(KVM_SET_PMU_EVENT_FILTER), 0);
	assert_string_equal(
		err_text,
		"hvcheck: vpmu: kvm, version 2, 8 GP and 3 fixed counters\n");
}

/* ... and a bad command line with one. */
static void test_kvm_without_filter_cap_refuses_filters(void **state)
{
	struct fixture *f = *state;

	f->opts.pmu = VPMU_MODE_KVM;
	add_filter(f, POLICY_DENY);
	load_filters(f);
	make_cpuid(&f->cpuid, "GenuineIntel", LEAF1_ECX, &leaf_a_v2);
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 0);
	assert_int_equal(vpmu_setup(f), HV_EXIT_USAGE);
	fake_ioctl_verify();
	assert_false(f->vp.can_select);
	assert_int_equal(nr_calls_of(KVM_SET_PMU_EVENT_FILTER), 0);
	assert_string_equal(
		err_text,
		"hvcheck: --pmu=kvm: this KVM has no PMU event filter (no KVM_CAP_PMU_EVENT_FILTER)\n");
}

#define POLICY_MASKED "allow; masked 0xc0 mask 0xf0 match 0x10"

/* Masked events on a KVM without them: named by policy, nothing installed. */
static void test_kvm_masked_without_cap(void **state)
{
	struct fixture *f = *state;
	const char *const orders[2][2] = {
		{ POLICY_MASKED, POLICY_DENY },
		{ POLICY_DENY, POLICY_MASKED },
	};
	static const char *const want[2] = {
		"hvcheck: run: --pmu-filter 0: this KVM does not take masked events (no KVM_CAP_PMU_EVENT_MASKED_EVENTS)\n",
		"hvcheck: run: --pmu-filter 1: this KVM does not take masked events (no KVM_CAP_PMU_EVENT_MASKED_EVENTS)\n",
	};

	f->opts.pmu = VPMU_MODE_KVM;
	make_cpuid(&f->cpuid, "GenuineIntel", LEAF1_ECX, &leaf_a_v2);
	for (unsigned int k = 0; k < 2; k++) {
		f->opts.nr_pmu_filters = 0;
		add_filter(f, orders[k][0]);
		add_filter(f, orders[k][1]);
		load_filters(f);
		fake_ioctl_reset();
		fake_ioctl_expect(KVM_CHECK_EXTENSION, 1); /* EVENT_FILTER */
		fake_ioctl_expect(KVM_CHECK_EXTENSION, 0); /* MASKED_EVENTS */
		assert_int_equal(vpmu_setup(f), HV_EXIT_USAGE);
		fake_ioctl_verify();
		assert_int_equal(fake_ioctl_call(1)->arg, CAP_MASKED_EVENTS);
		assert_int_equal(nr_calls_of(KVM_SET_PMU_EVENT_FILTER), 0);
		assert_string_equal(err_text, want[k]);
		/* What was built so far is freed (ASan). */
		x86_vpmu_destroy(&f->vp);
		f->vp = (struct x86_vpmu){ .opts = &f->opts,
					   .core = &f->core,
					   .cpuid = &f->cpuid };
	}
}

static void test_kvm_masked_with_cap(void **state)
{
	struct fixture *f = *state;
	struct installs in = { 0 };
	/* mask 0xf0 in bits 63:56, match 0x10 in 15:8, an include */
	static const uint64_t masked[] = { 0xf0000000000010c0ULL };

	f->opts.pmu = VPMU_MODE_KVM;
	add_filter(f, POLICY_MASKED);
	load_filters(f);
	make_cpuid(&f->cpuid, "GenuineIntel", LEAF1_ECX, &leaf_a_v2);
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1);
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1);
	fake_ioctl_on(KVM_SET_PMU_EVENT_FILTER, record_install, &in);
	assert_int_equal(vpmu_setup(f), 0);
	fake_ioctl_verify();
	assert_int_equal(in.nr, 1);
	assert_install(&in, 0, KVM_PMU_EVENT_ALLOW, MASKED_FLAG, 0, masked,
		       ARRAY_SIZE(masked));
	assert_string_equal(
		err_text,
		"hvcheck: vpmu: kvm, version 2, 8 GP and 3 fixed counters, filter: allow 1 masked event, fixed bitmap 0x0\n");
}

/* KVM_GET_MSR_FEATURE_INDEX_LIST: IA32_PERF_CAPABILITIES among three. */
static int feature_list(int fd, unsigned long request, void *arg, void *ctx)
{
	static const uint32_t indices[] = { 0x10a, MSR_PERF_CAPS, 0x48b };
	struct kvm_msr_list *list = arg;
	uint32_t room = list->nmsrs;

	(void)request;
	(void)ctx;
	assert_int_equal(fd, KVM_FD);
	list->nmsrs = ARRAY_SIZE(indices);
	if (room < ARRAY_SIZE(indices)) {
		errno = E2BIG;
		return -1;
	}
	memcpy(list->indices, indices, sizeof(indices));
	return 0;
}

/* KVM_GET_MSRS on /dev/kvm, KVM_SET_MSRS on a vCPU: one MSR each. */
struct msr_calls {
	unsigned int nr;
	int fd[4];
	uint32_t index[4];
	uint64_t data[4];
};

static int perf_caps_msr(int fd, unsigned long request, void *arg, void *ctx)
{
	struct kvm_msrs *msrs = arg;
	struct msr_calls *m = ctx;

	assert_true(m->nr < 4);
	assert_int_equal(msrs->nmsrs, 1);
	m->fd[m->nr] = fd;
	m->index[m->nr] = msrs->entries[0].index;
	m->data[m->nr] = msrs->entries[0].data;
	m->nr++;
	if (request == KVM_GET_MSRS)
		msrs->entries[0].data = HOST_PERF_CAPS;
	return 1;
}

/* vcpu_init: every vCPU gets the PERF_CAPABILITIES KVM offers. */
/* KVM's answers to the kvm back end's set-up: PERF_CAPABILITIES listed. */
static void script_kvm_setup(struct msr_calls *get)
{
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1); /* GET_MSR_FEATURES */
	fake_ioctl_expect_fn(KVM_GET_MSR_FEATURE_INDEX_LIST, feature_list,
			     NULL);
	fake_ioctl_expect_fn(KVM_GET_MSR_FEATURE_INDEX_LIST, feature_list,
			     NULL);
	fake_ioctl_expect_fn(KVM_GET_MSRS, perf_caps_msr, get);
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1); /* PMU_EVENT_FILTER */
}

static void test_kvm_vcpu_init_perf_caps(void **state)
{
	struct fixture *f = *state;
	struct msr_calls get = { 0 }, set = { 0 };

	f->opts.pmu = VPMU_MODE_KVM;
	make_cpuid(&f->cpuid, "GenuineIntel", LEAF1_ECX | PDCM, &leaf_a_v2);
	script_kvm_setup(&get);
	assert_int_equal(vpmu_setup(f), 0);
	fake_ioctl_verify();
	assert_int_equal(fake_ioctl_call(0)->fd, KVM_FD);
	assert_int_equal(fake_ioctl_call(0)->arg, CAP_GET_MSR_FEATURES);
	assert_int_equal(get.nr, 1);
	assert_int_equal(get.index[0], MSR_PERF_CAPS);

	for (unsigned int i = 0; i < NR_VCPUS; i++) {
		fake_ioctl_reset();
		fake_ioctl_expect_fn(KVM_SET_MSRS, perf_caps_msr, &set);
		assert_int_equal(x86_vpmu_vcpu_init(&f->vp, &f->vcpus[i], i),
				 0);
		fake_ioctl_verify();
		assert_int_equal(fake_ioctl_nr_calls(), 1);
		assert_int_equal(set.fd[i], VCPU_FD + i);
		assert_int_equal(set.index[i], MSR_PERF_CAPS);
		assert_int_equal(set.data[i], HOST_PERF_CAPS);
		/* KVM's vPMU needs no hooks around KVM_RUN. */
		assert_null(f->vcpus[i].pmu_backend);
	}
}

/*
 * --pmu-pebs=off under kvm: every vCPU gets KVM's PERF_CAPABILITIES
 * without the PEBS fields, and the guest CPUID loses DS and DTES64.
 */
static void test_kvm_pebs_off(void **state)
{
	struct fixture *f = *state;
	struct msr_calls get = { 0 }, set = { 0 };
	struct kvm_cpuid_entry2 *leaf1;

	f->opts.pmu = VPMU_MODE_KVM;
	f->opts.pmu_pebs_format = 0;
	make_cpuid(&f->cpuid, "GenuineIntel",
		   LEAF1_ECX | PDCM | VPMU_CPUID_1_ECX_DTES64, &leaf_a_v2);
	leaf1 = cpuid_find(&f->cpuid, 1, 0);
	leaf1->edx |= VPMU_CPUID_1_EDX_DS;
	script_kvm_setup(&get);
	assert_int_equal(vpmu_setup(f), 0);
	fake_ioctl_verify();
	assert_false(leaf1->edx & VPMU_CPUID_1_EDX_DS);
	assert_false(leaf1->ecx & VPMU_CPUID_1_ECX_DTES64);
	fake_ioctl_reset();
	fake_ioctl_expect_fn(KVM_SET_MSRS, perf_caps_msr, &set);
	assert_int_equal(x86_vpmu_vcpu_init(&f->vp, &f->vcpus[0], 0), 0);
	fake_ioctl_verify();
	/* HOST_PERF_CAPS has PEBS format 3, PEBS_TRAP and PEBS_ARCH_REG. */
	assert_int_equal(set.data[0], HOST_PERF_CAPS & ~0x4fc0ULL);
}

/* Without PDCM there is nothing to set, and KVM is not asked. */
static void test_kvm_vcpu_init_without_perf_caps(void **state)
{
	struct fixture *f = *state;

	f->opts.pmu = VPMU_MODE_KVM;
	make_cpuid(&f->cpuid, "GenuineIntel", LEAF1_ECX, &leaf_a_v2);
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1);
	assert_int_equal(vpmu_setup(f), 0);
	fake_ioctl_verify();
	fake_ioctl_reset();
	assert_int_equal(x86_vpmu_vcpu_init(&f->vp, &f->vcpus[0], 0), 0);
	assert_int_equal(fake_ioctl_nr_calls(), 0);
}

/* A refused SET_MSRS fails the vCPU, named. */
static int refuse_msrs(int fd, unsigned long request, void *arg, void *ctx)
{
	(void)fd;
	(void)request;
	(void)arg;
	(void)ctx;
	return 0; /* no MSR done */
}

static void test_kvm_vcpu_init_refused(void **state)
{
	struct fixture *f = *state;
	struct msr_calls get = { 0 };

	f->opts.pmu = VPMU_MODE_KVM;
	make_cpuid(&f->cpuid, "GenuineIntel", LEAF1_ECX | PDCM, &leaf_a_v2);
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1);
	fake_ioctl_expect_fn(KVM_GET_MSR_FEATURE_INDEX_LIST, feature_list,
			     NULL);
	fake_ioctl_expect_fn(KVM_GET_MSR_FEATURE_INDEX_LIST, feature_list,
			     NULL);
	fake_ioctl_expect_fn(KVM_GET_MSRS, perf_caps_msr, &get);
	fake_ioctl_expect(KVM_CHECK_EXTENSION, 1);
	assert_int_equal(vpmu_setup(f), 0);
	fake_ioctl_reset();
	fake_ioctl_expect_fn(KVM_SET_MSRS, refuse_msrs, NULL);
	assert_int_equal(x86_vpmu_vcpu_init(&f->vp, &f->vcpus[1], 1), -EINVAL);
	assert_string_equal(f->core.vm.failed,
			    "KVM_SET_MSRS(IA32_PERF_CAPABILITIES)");
}

static void test_kvm_destroy(void **state)
{
	struct fixture *f = *state;
	struct installs in = { 0 };

	setup_kvm_with_filters(f, &in);
	assert_non_null(f->vp.state);
	fake_ioctl_reset();
	x86_vpmu_destroy(&f->vp);
	f->destroyed = true;
	/* Everything freed (ASan), and no ioctl to do it. */
	assert_null(f->vp.state);
	assert_null(f->vp.policies);
	assert_int_equal(fake_ioctl_nr_calls(), 0);
	/* --pmu-stats has nothing to say of KVM's vPMU. */
	capture_start();
	x86_vpmu_print_stats(&f->vp);
	capture_end();
	assert_string_equal(err_text, "");
}

/* ------------------------------------------- the emulated back end ---- */

static void test_emulated_bad_version(void **state)
{
	struct fixture *f = *state;

	f->opts.pmu = VPMU_MODE_EMULATED;
	f->opts.pmu_version = 6;
	make_cpuid(&f->cpuid, "GenuineIntel", LEAF1_ECX, &leaf_a_none);
	assert_int_equal(vpmu_setup(f), HV_EXIT_USAGE);
	assert_string_equal(
		err_text,
		"hvcheck: run: --pmu-version 6: the emulated vPMU is version 0 to 5\n");
	assert_int_equal(fake_ioctl_nr_calls(), 0);
	assert_false(f->vp.can_select);
}

/* The emulated vPMU with the policies of its filter tests. */
static void setup_emulated_with_filters(struct fixture *f)
{
	struct probe_script probe = { .reason = KVM_EXIT_DEBUG };

	f->opts.pmu = VPMU_MODE_EMULATED;
	f->opts.pmu_vendor = X86_PMU_VENDOR_INTEL;
	add_filter(f, "deny instructions");
	add_filter(f, "allow instructions; fixed 1");
	load_filters(f);
	make_cpuid(&f->cpuid, "AuthenticAMD", LEAF1_ECX, &leaf_a_none);
	script_emulated_vm();
	script_probe(&probe);
	assert_int_equal(vpmu_setup(f), 0);
	fake_ioctl_verify();
	assert_true(f->vp.can_select);
	assert_string_equal(
		err_text,
		"hvcheck: vpmu: emulated, version 2, 4 GP and 3 fixed counters of 48 bits, guest CPU vendor GenuineIntel (host AuthenticAMD), filter: deny 1 event, fixed bitmap 0x0 (policy 0 of 2)\n");
}

/* vcpu_init of vCPU i: its model, hooked to the back end. */
static struct vcpu_pmu *emulated_vcpu_init(struct fixture *f, unsigned int i)
{
	struct vcpu *vcpu = &f->vcpus[i];

	fake_ioctl_reset();
	fake_ioctl_expect(KVM_CHECK_EXTENSION, KVM_SYNC_X86_REGS |
						       KVM_SYNC_X86_SREGS |
						       KVM_SYNC_X86_EVENTS);
	assert_int_equal(x86_vpmu_vcpu_init(&f->vp, vcpu, i), 0);
	fake_ioctl_verify();
	assert_ptr_equal(vcpu->pmu_backend, &vpmu_emulated_backend);
	assert_non_null(vcpu->pmu);
	return vcpu->pmu;
}

/*
 * The emulated AMD model compiles policies for AMD (an Intel one is
 * refused: test_policies_judged_for_vendor).
 */
static void test_emulated_amd_filters(void **state)
{
	struct probe_script probe = { .reason = KVM_EXIT_DEBUG };
	struct fixture *f = *state;
	struct vcpu_pmu *pmu;

	f->opts.pmu = VPMU_MODE_EMULATED;
	make_cpuid(&f->cpuid, "AuthenticAMD", LEAF1_ECX, &leaf_a_none);
	add_filter(f, "vendor amd; deny 0x1c0");
	load_filters(f);
	script_emulated_vm();
	script_probe(&probe);
	assert_int_equal(vpmu_setup(f), 0);
	fake_ioctl_verify();
	assert_string_equal(
		err_text,
		"hvcheck: vpmu: emulated, AMD v2, 6 counters of 48 bits, guest CPU vendor AuthenticAMD, filter: deny 1 event, fixed bitmap 0x0\n");
	assert_true(f->vp.can_select);
	/* A vCPU's model obeys it on the 12-bit select: 0x1c0, not 0xc0. */
	pmu = emulated_vcpu_init(f, 0);
	wr(&pmu->model, VPMU_AMD_MSR_CTL0, SEL_INSTRUCTIONS | 1ULL << 32);
	assert_false(pmu->model.filter_allows & 1);
	wr(&pmu->model, VPMU_AMD_MSR_CTL0, SEL_INSTRUCTIONS);
	assert_true(pmu->model.filter_allows & 1);
	assert_true(vpmu_counting(&pmu->model, VPMU_EV_INSTRUCTIONS));
}

/* The entry of vCPU i after a kick, as its run loop makes it. */
static void before_run(struct fixture *f, unsigned int i)
{
	struct vcpu *vcpu = &f->vcpus[i];

	vcpu->run->exit_reason = KVM_EXIT_INTR;
	fake_ioctl_reset();
	vcpu->pmu_backend->before_run(vcpu);
	/* Nothing counts: no single-step to arm. */
	assert_int_equal(fake_ioctl_nr_calls(), 0);
}

/* Whether the rules of pmu count instructions, branches, fixed 0 and 1. */
static void assert_rules(const struct vcpu_pmu *pmu, bool insns, bool branches,
			 bool fixed0, bool fixed1)
{
	assert_int_equal(filter_x86_gp_allowed(pmu->rules, SEL_INSTRUCTIONS),
			 insns);
	assert_int_equal(filter_x86_gp_allowed(pmu->rules, SEL_BRANCHES),
			 branches);
	assert_int_equal(filter_x86_fixed_allowed(pmu->rules, 0), fixed0);
	assert_int_equal(filter_x86_fixed_allowed(pmu->rules, 1), fixed1);
}

/*
 * A vCPU thread in KVM_RUN, as far as a kick is concerned; it waits
 * KICK_WAIT seconds, or wait_ms when that is set.
 */
struct kick_waiter {
	pthread_t thread;
	int sig;
	long wait_ms;
};

static void *wait_for_kick(void *arg)
{
	struct kick_waiter *w = arg;
	struct timespec wait = { .tv_sec = KICK_WAIT };
	sigset_t kick;

	if (w->wait_ms)
		wait = (struct timespec){ .tv_sec = w->wait_ms / 1000,
					  .tv_nsec =
						  w->wait_ms % 1000 * 1000000 };
	sigemptyset(&kick);
	sigaddset(&kick, VCPU_KICK_SIGNAL);
	w->sig = sigtimedwait(&kick, NULL, &wait);
	return NULL;
}

/* vCPU i "started": its thread takes the kick (blocked, so never lost). */
static void start_waiter(struct fixture *f, unsigned int i,
			 struct kick_waiter *w)
{
	sigset_t kick, old;

	sigemptyset(&kick);
	sigaddset(&kick, VCPU_KICK_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &kick, &old);
	assert_int_equal(pthread_create(&w->thread, NULL, wait_for_kick, w), 0);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	f->vcpus[i].thread = w->thread;
	f->vcpus[i].started = true;
}

/*
 * FILTER_SELECT of slot on vCPU 0 while vCPU 1 is "in KVM_RUN" (a
 * waiter of wait_ms, or KICK_WAIT s): the signal vCPU 1 got, or -1.  An
 * emulated filter is no KVM call.
 */
static int select_kicks_vcpu1(struct fixture *f, uint32_t slot, long wait_ms)
{
	struct kick_waiter w = { .sig = -1, .wait_ms = wait_ms };

	start_waiter(f, 1, &w);
	fake_ioctl_reset();
	assert_int_equal(x86_vpmu_filter_select(&f->vp, slot), 0);
	assert_int_equal(fake_ioctl_nr_calls(), 0);
	assert_int_equal(pthread_join(w.thread, NULL), 0);
	f->vcpus[1].started = false;
	return w.sig;
}

/* The guest of pmu enables core cycles (fixed counter 1): no stepping. */
static void enable_cycles(struct vcpu_pmu *pmu)
{
	wr(&pmu->model, VPMU_MSR_FIXED_CTR_CTRL,
	   VPMU_FIXED_CTRL(1, VPMU_FIXED_OS));
	wr(&pmu->model, VPMU_MSR_GLOBAL_CTRL, VPMU_GLOBAL_FIXED(1));
}

/*
 * FILTER_SELECT installs the slot at once; each vCPU obeys it from its
 * next entry, and the others that count are kicked so that they make one.
 */
static void test_emulated_filter_select(void **state)
{
	struct fixture *f = *state;
	struct vcpu_pmu *pmu0, *pmu1;

	setup_emulated_with_filters(f);
	pmu0 = emulated_vcpu_init(f, 0);
	pmu1 = emulated_vcpu_init(f, 1);
	assert_non_null(pmu0->filters);
	assert_ptr_equal(pmu0->filters, pmu1->filters);
	/* Policy 0 from the start: no instructions. */
	assert_int_equal((uint32_t)filter_slots_installed(pmu0->filters), 0);
	assert_non_null(pmu0->rules);
	assert_rules(pmu0, false, true, true, true);
	assert_rules(pmu1, false, true, true, true);
	enable_cycles(pmu1);
	before_run(f, 1);
	assert_true(vcpu_pmu_counters_enabled(pmu1));

	assert_int_equal(select_kicks_vcpu1(f, 1, 0), VCPU_KICK_SIGNAL);
	assert_int_equal((uint32_t)filter_slots_installed(pmu0->filters), 1);
	/* Still the old rules until the next entry... */
	assert_rules(pmu0, false, true, true, true);
	before_run(f, 0);
	/* ... then only instructions and fixed counter 1. */
	assert_rules(pmu0, true, false, false, true);
	assert_rules(pmu1, false, true, true, true);
	before_run(f, 1);
	assert_rules(pmu1, true, false, false, true);

	/* No filter: everything counts. */
	assert_int_equal(x86_vpmu_filter_select(&f->vp, HV_HOSTCTL_FILTER_NONE),
			 0);
	assert_int_equal((uint32_t)filter_slots_installed(pmu0->filters),
			 HV_HOSTCTL_FILTER_NONE);
	before_run(f, 0);
	assert_null(pmu0->rules);
	assert_rules(pmu0, true, true, true, true);
	assert_int_equal(x86_vpmu_filter_select(&f->vp, 0), 0);
	before_run(f, 0);
	assert_rules(pmu0, false, true, true, true);
}

/*
 * A vCPU that counts nothing is not kicked by a switch (a storm of them
 * sends no signal); once it enabled a counter, as from its next entry,
 * it is.
 */
static void test_emulated_filter_select_kicks_counting(void **state)
{
	struct fixture *f = *state;
	struct vcpu_pmu *pmu1;

	setup_emulated_with_filters(f);
	emulated_vcpu_init(f, 0);
	pmu1 = emulated_vcpu_init(f, 1);
	before_run(f, 1);
	assert_false(vcpu_pmu_counters_enabled(pmu1));
	assert_int_equal(select_kicks_vcpu1(f, 1, 200), -1);

	/* Enabled, but not yet entered: its entry picks the filter up. */
	enable_cycles(pmu1);
	assert_false(vcpu_pmu_counters_enabled(pmu1));
	before_run(f, 1);
	assert_true(vcpu_pmu_counters_enabled(pmu1));
	assert_int_equal(select_kicks_vcpu1(f, 0, 0), VCPU_KICK_SIGNAL);
}

/* A vCPU created after a switch starts with the slot installed then. */
static void test_emulated_late_vcpu_gets_installed(void **state)
{
	struct fixture *f = *state;
	struct vcpu_pmu *pmu;

	setup_emulated_with_filters(f);
	assert_int_equal(x86_vpmu_filter_select(&f->vp, 1), 0);
	pmu = emulated_vcpu_init(f, 0);
	assert_rules(pmu, true, false, false, true);
}

static void test_emulated_destroy(void **state)
{
	struct fixture *f = *state;

	setup_emulated_with_filters(f);
	emulated_vcpu_init(f, 0);
	emulated_vcpu_init(f, 1);
	before_run(f, 0); /* its overflow timer exists now */
	capture_start();
	x86_vpmu_print_stats(&f->vp);
	capture_end();
	assert_string_equal(
		err_text,
		"hvcheck: vpmu stats: vCPU 0: 0 MSR exits, 0 RDPMC emulated, 0 PMIs, 0 steps\n"
		"hvcheck: vpmu stats: vCPU 1: 0 MSR exits, 0 RDPMC emulated, 0 PMIs, 0 steps\n");
	fake_ioctl_reset();
	x86_vpmu_destroy(&f->vp);
	f->destroyed = true;
	assert_int_equal(fake_ioctl_nr_calls(), 0);
	assert_null(f->vp.state);
	assert_null(f->vp.policies);
	for (unsigned int i = 0; i < NR_VCPUS; i++) {
		assert_null(f->vcpus[i].pmu);
		assert_null(f->vcpus[i].pmu_backend);
	}
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_auto_picks_kvm),
		T(test_auto_picks_emulated_amd),
		T(test_auto_picks_kvm_amd),
		T(test_vendor_refusals),
		T(test_emulated_amd_levels),
		T(test_off_amd),
		T(test_emulated_amd_filters),
		T(test_auto_picks_emulated),
		T(test_emulated_unstepped),
		T(test_explicit_modes),
		T(test_off_disables_kvm_vpmu),
		T(test_off_without_kvm_vpmu),
		T(test_off_refuses_pmu_limits),
		T(test_load_filters),
		T(test_load_filters_refused),
		T(test_policies_judged_for_vendor),
		T(test_kvm_first_filter_installed),
		T(test_kvm_first_filter_none),
		T(test_kvm_filter_select),
		T(test_kvm_filter_select_fails),
		T(test_kvm_select_none_without_policies),
		T(test_kvm_without_filter_cap),
		T(test_kvm_without_filter_cap_refuses_filters),
		T(test_kvm_masked_without_cap),
		T(test_kvm_masked_with_cap),
		T(test_kvm_vcpu_init_perf_caps),
		T(test_kvm_pebs_off),
		T(test_kvm_vcpu_init_without_perf_caps),
		T(test_kvm_vcpu_init_refused),
		T(test_kvm_destroy),
		T(test_emulated_bad_version),
		T(test_emulated_filter_select),
		T(test_emulated_filter_select_kicks_counting),
		T(test_emulated_late_vcpu_gets_installed),
		T(test_emulated_destroy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
