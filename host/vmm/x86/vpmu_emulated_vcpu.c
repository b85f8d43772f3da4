// SPDX-License-Identifier: GPL-2.0-only
/* The emulated vPMU on KVM: MSR exits, single-stepping, cycles, PMIs. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hvcheck_abi.h"
#include "vmm/x86/vcpu.h"
#include "vmm/x86/vpmu_emulated_vcpu.h"
#include "vmm/x86/vm.h"
#include "vmm/x86/regs.h"
#include "vpmu/amd.h"

#define APIC_LVTPC	    0x340
#define APIC_LVT_MASKED	    (1u << 16)
#define APIC_LVT_VECTOR	    0xffu
#define APIC_LVT_MODE(lvt)  (((lvt) >> 8) & 7)
#define APIC_MODE_FIXED	    0
#define APIC_MODE_NMI	    4
#define APIC_MSI_ADDRESS    0xfee00000u
#define APIC_MSI_DEST_SHIFT 12
#define NS_PER_MS	    1000000ULL
#define PAGE_SIZE_4K	    4096ULL
#define MSR_IA32_TSC	    0x10

_Static_assert(VPMU_NR_MSR_RANGES <= KVM_MSR_FILTER_MAX_RANGES,
	       "one KVM MSR filter takes every vpmu_msr_ranges range");

/* A deny-all range for each of the model's MSR ranges cfg turns on. */
static void vcpu_pmu_msr_filter(const struct vpmu_config *cfg,
				struct kvm_msr_filter *filter)
{
	/*
	 * A zero bit denies: every access of the range exits.  KVM copies
	 * the bitmap in whole longs, so it is one even for 8 MSRs.
	 */
	static uint64_t deny_all[(VPMU_MSR_RANGE_MAX + 63) / 64];
	unsigned int i, n = 0;

	for (i = 0; i < VPMU_NR_MSR_RANGES; i++)
		if (vpmu_msr_range_on(cfg, &vpmu_msr_ranges[i]))
			filter->ranges[n++] = (struct kvm_msr_filter_range){
				.flags = KVM_MSR_FILTER_READ |
					 KVM_MSR_FILTER_WRITE,
				.nmsrs = vpmu_msr_ranges[i].nr,
				.base = vpmu_msr_ranges[i].base,
				.bitmap = (uint8_t *)deny_all,
			};
}

int vcpu_pmu_vm_setup(struct vm *vm, const struct vpmu_config *cfg,
		      uint64_t *tsc_khz)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_X86_USER_SPACE_MSR,
		.args = { KVM_MSR_EXIT_REASON_FILTER },
	};
	struct kvm_msr_filter filter = {
		.flags = KVM_MSR_FILTER_DEFAULT_ALLOW,
	};
	int ret;

	/* Both say 1 when offered; the reasons are checked by ENABLE_CAP. */
	ret = vm_check_cap(vm, KVM_CAP_X86_USER_SPACE_MSR,
			   "KVM_CHECK_EXTENSION(KVM_CAP_X86_USER_SPACE_MSR)");
	if (ret == 0) {
		vm->failed = "KVM_CAP_X86_USER_SPACE_MSR";
		return -EOPNOTSUPP;
	}
	if (ret > 0)
		ret = vm_check_cap(
			vm, KVM_CAP_X86_MSR_FILTER,
			"KVM_CHECK_EXTENSION(KVM_CAP_X86_MSR_FILTER)");
	if (ret == 0) {
		vm->failed = "KVM_CAP_X86_MSR_FILTER";
		return -EOPNOTSUPP;
	}
	if (ret < 0)
		return ret;
	ret = vm_ioctl(vm, vm->vm_fd, KVM_ENABLE_CAP, &cap,
		       "KVM_ENABLE_CAP(KVM_CAP_X86_USER_SPACE_MSR)");
	if (ret < 0)
		return ret;
	vcpu_pmu_msr_filter(cfg, &filter);
	ret = vm_ioctl(vm, vm->vm_fd, KVM_X86_SET_MSR_FILTER, &filter,
		       "KVM_X86_SET_MSR_FILTER");
	if (ret < 0)
		return ret;
	ret = vm_ioctl(vm, vm->vm_fd, KVM_GET_TSC_KHZ, NULL,
		       "KVM_GET_TSC_KHZ (of the VM)");
	if (ret < 0)
		return ret;
	if (!ret) {
		vm->failed = "KVM_GET_TSC_KHZ (of the VM) said 0";
		return -EINVAL;
	}
	*tsc_khz = ret;
	return 0;
}

/* sig's 32-bit word n, as CPUID returns a signature in registers. */
static uint32_t vcpu_pmu_sig_word(const char *sig, unsigned int word)
{
	uint32_t v;

	memcpy(&v, sig + 4 * word, sizeof(v));
	return v;
}

/*
 * AMD's PMU leaves as the model is: PerfCtrExtCore, and leaf 0x80000022
 * (the extended range's maximum raised to it) for PerfMonV2; an Intel
 * model clears both.
 */
static int vcpu_pmu_set_amd_cpuid(struct cpuid *cpuid, const struct vpmu *model)
{
	struct kvm_cpuid_entry2 *max = cpuid_find(cpuid, 0x80000000, 0);
	struct kvm_cpuid_entry2 *ext = cpuid_find(cpuid, 0x80000001, 0);
	struct vpmu_cpuid leaf = vpmu_amd_cpuid_perfmon(model);
	const uint32_t core = VPMU_AMD_CPUID_EXT_ECX_PERFCTR_CORE;

	if (ext)
		ext->ecx = model->cfg.amd_core ? ext->ecx | core :
						 ext->ecx & ~core;
	if (!leaf.eax) {
		if (cpuid_find(cpuid, VPMU_AMD_CPUID_PERFMON_LEAF, 0))
			return cpuid_set(cpuid, VPMU_AMD_CPUID_PERFMON_LEAF, 0,
					 0, 0, 0);
		return 0;
	}
	if (!max || !ext)
		return -EINVAL;
	if (max->eax < VPMU_AMD_CPUID_PERFMON_LEAF)
		max->eax = VPMU_AMD_CPUID_PERFMON_LEAF;
	return cpuid_set(cpuid, VPMU_AMD_CPUID_PERFMON_LEAF, leaf.eax, leaf.ebx,
			 leaf.ecx, leaf.edx);
}

/*
 * The guest sees the vendor whose PMU the model is, on any host: its PMU
 * code picks the architecture by vendor (CPUID.0AH is Intel's), as any
 * guest's does.  An AMD model keeps an AMD or Hygon host's.  What KVM
 * does differently by vendor (SYSENTER and VMLOAD on SVM, its
 * emulator's SYSCALL) does not touch the PMU.
 */
static void vcpu_pmu_set_vendor(struct cpuid *cpuid, enum vpmu_vendor vendor)
{
	if (vendor == VPMU_VENDOR_INTEL)
		cpuid_set_vendor(cpuid, VCPU_PMU_GUEST_VENDOR);
	else if (!cpuid_vendor_is_amd(cpuid))
		cpuid_set_vendor(cpuid, VCPU_PMU_GUEST_VENDOR_AMD);
}

int vcpu_pmu_set_cpuid(struct cpuid *cpuid, const struct vpmu_config *cfg,
		       uint64_t tsc_khz, bool user_stepping)
{
	static const char sig[] = HV_CPUID_VPMU_SIGNATURE;
	struct kvm_cpuid_entry2 *leaf0, *leaf1;
	struct vpmu_cpuid leaf;
	struct vpmu model;
	int ret;

	ret = vpmu_init(&model, cfg);
	if (ret)
		return ret;
	leaf0 = cpuid_find(cpuid, 0, 0);
	leaf1 = cpuid_find(cpuid, 1, 0);
	if (!leaf0 || !leaf1)
		return -EINVAL;
	leaf = vpmu_cpuid_0a(&model);
	/* An AMD model's leaf 0xA reads 0, a missing one too. */
	if (leaf0->eax < 0xa && cfg->vendor == VPMU_VENDOR_INTEL)
		leaf0->eax = 0xa;
	vcpu_pmu_set_vendor(cpuid, cfg->vendor);
	if (cfg->vendor == VPMU_VENDOR_INTEL || cpuid_find(cpuid, 0xa, 0))
		ret = cpuid_set(cpuid, 0xa, leaf.eax, leaf.ebx, leaf.ecx,
				leaf.edx);
	if (!ret)
		ret = vcpu_pmu_set_amd_cpuid(cpuid, &model);
	if (ret)
		return ret;
	leaf1->ecx = cfg->pdcm ? leaf1->ecx | VPMU_CPUID_1_ECX_PDCM :
				 leaf1->ecx & ~VPMU_CPUID_1_ECX_PDCM;
	vpmu_pebs_cpuid_1(cfg, &leaf1->ecx, &leaf1->edx);
	ret = cpuid_set(cpuid, HV_CPUID_VPMU_BASE, HV_CPUID_VPMU_FEATURES,
			vcpu_pmu_sig_word(sig, 0), vcpu_pmu_sig_word(sig, 1),
			vcpu_pmu_sig_word(sig, 2));
	if (ret)
		return ret;
	return cpuid_set(cpuid, HV_CPUID_VPMU_FEATURES,
			 HV_VPMU_F_EXACT | HV_VPMU_F_RDPMC_WHILE_STEPPING |
				 (user_stepping ? 0 : HV_VPMU_F_USER_UNSTEPPED),
			 (uint32_t)tsc_khz, 0, 0);
}

/* The probe VM: code, then a PML4, PDPT and PD mapping one 2 MiB page. */
#define PROBE_MEM_SIZE 0x4000
#define PROBE_PML4     0x1000
#define PROBE_PDPT     0x2000
#define PROBE_PD       0x3000
#define PROBE_PTE_UWP  (X86_PTE_PRESENT | X86_PTE_WRITE | X86_PTE_USER)
#define PROBE_PDE_2M   (PROBE_PTE_UWP | X86_PTE_LARGE)
#define PROBE_NOPS     2

/* Runs the probe's vCPU at CPL3 in 64-bit mode, stepping two NOPs. */
static int vcpu_pmu_probe_steps(struct vm *vm, int fd, struct kvm_run *run,
				bool *works)
{
	struct kvm_guest_debug dbg = {
		.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP,
	};
	struct kvm_regs regs = { .rip = 0, .rflags = X86_RFLAGS_RES1 };
	struct kvm_segment code = {
		.limit = 0xffffffff,
		.selector = 0x33,
		.type = X86_SEG_CODE_XR,
		.present = 1,
		.dpl = 3,
		.s = 1,
		.l = 1,
		.g = 1,
	};
	struct kvm_sregs sregs;
	int ret;

	ret = vm_ioctl(vm, fd, KVM_GET_SREGS, &sregs, "KVM_GET_SREGS");
	if (ret < 0)
		return ret;
	sregs.cs = code;
	sregs.ss = code;
	sregs.ss.type = X86_SEG_DATA_RW;
	sregs.ss.l = 0;
	sregs.ss.db = 1;
	sregs.ss.selector = 0x2b;
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss;
	sregs.cr0 = X86_CR0_PG | X86_CR0_ET | X86_CR0_PE;
	sregs.cr3 = PROBE_PML4;
	sregs.cr4 = X86_CR4_PAE;
	sregs.efer = X86_EFER_LMA | X86_EFER_LME;
	ret = vm_ioctl(vm, fd, KVM_SET_SREGS, &sregs, "KVM_SET_SREGS");
	if (ret >= 0)
		ret = vm_ioctl(vm, fd, KVM_SET_REGS, &regs, "KVM_SET_REGS");
	if (ret >= 0)
		ret = vm_ioctl(vm, fd, KVM_SET_GUEST_DEBUG, &dbg,
			       "KVM_SET_GUEST_DEBUG");
	*works = true;
	for (int i = 1; ret >= 0 && *works && i <= PROBE_NOPS; i++) {
		ret = vm_ioctl(vm, fd, KVM_RUN, NULL, "KVM_RUN");
		*works = ret >= 0 && run->exit_reason == KVM_EXIT_DEBUG &&
			 run->debug.arch.pc == (uint64_t)i;
	}
	return ret < 0 ? ret : 0;
}

int vcpu_pmu_probe_user_stepping(struct vm *vm, bool *works)
{
	struct vm probe = { .kvm_fd = vm->kvm_fd, .vm_fd = -1 };
	struct kvm_userspace_memory_region slot = {
		.memory_size = PROBE_MEM_SIZE,
	};
	struct kvm_run *run = MAP_FAILED;
	int fd = -1, ret;
	uint8_t *mem;

	/*
	 * kvm_pvm, for one, runs 64-bit CPL3 natively and hands the step's
	 * #DB to the guest; 32-bit or CPL0 code would not show it.
	 */
	mem = mmap(NULL, PROBE_MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		vm->failed = "mmap of the stepping probe";
		return -errno;
	}
	memset(mem, 0x90, PROBE_NOPS + 1); /* NOPs; the last never runs */
	*(uint64_t *)(mem + PROBE_PML4) = PROBE_PDPT | PROBE_PTE_UWP;
	*(uint64_t *)(mem + PROBE_PDPT) = PROBE_PD | PROBE_PTE_UWP;
	*(uint64_t *)(mem + PROBE_PD) = PROBE_PDE_2M;
	slot.userspace_addr = (uintptr_t)mem;

	ret = vm_ioctl(&probe, vm->kvm_fd, KVM_CREATE_VM, NULL,
		       "KVM_CREATE_VM (stepping probe)");
	if (ret < 0)
		goto out;
	probe.vm_fd = ret;
	ret = vm_ioctl(&probe, probe.vm_fd, KVM_SET_USER_MEMORY_REGION, &slot,
		       "KVM_SET_USER_MEMORY_REGION (stepping probe)");
	if (ret < 0)
		goto out;
	ret = vm_ioctl(&probe, probe.vm_fd, KVM_CREATE_VCPU, NULL,
		       "KVM_CREATE_VCPU (stepping probe)");
	if (ret < 0)
		goto out;
	fd = ret;
	run = mmap(NULL, vm->run_mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   fd, 0);
	if (run == MAP_FAILED) {
		ret = -errno;
		probe.failed = "mmap of the probe's kvm_run";
		goto out;
	}
	ret = vcpu_pmu_probe_steps(&probe, fd, run, works);
out:
	if (ret < 0)
		vm->failed = probe.failed;
	if (run != MAP_FAILED)
		munmap(run, vm->run_mmap_size);
	if (fd >= 0)
		close(fd);
	if (probe.vm_fd >= 0)
		close(probe.vm_fd);
	munmap(mem, PROBE_MEM_SIZE);
	return ret < 0 ? ret : 0;
}

int vcpu_pmu_init(struct vcpu *vcpu, struct vcpu_pmu *pmu,
		  const struct vpmu_config *cfg, const struct guest_mem *mem,
		  uint64_t tsc_khz)
{
	struct vm *vm = vcpu->vm;
	int ret;

	memset(pmu, 0, sizeof(*pmu));
	ret = vpmu_init(&pmu->model, cfg);
	if (ret) {
		vm->failed = "vpmu_init";
		return ret;
	}
	pmu->mem = mem;
	pmu->vcpu = vcpu;
	ret = vm_check_cap(vm, KVM_CAP_SYNC_REGS,
			   "KVM_CHECK_EXTENSION(KVM_CAP_SYNC_REGS)");
	if (ret < 0)
		return ret;
	if ((ret & (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS)) !=
	    (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS)) {
		vm->failed = "KVM_CAP_SYNC_REGS (registers and sregs)";
		return -EOPNOTSUPP;
	}
	pmu->tsc_khz = tsc_khz;
	pmu->clock_ns = vm_now_ns;
	vcpu->run->kvm_valid_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
	vcpu->pmu = pmu;
	return 0;
}

/* The model's question: what the rules of the slot last picked up say. */
static bool vcpu_pmu_filter_allows(void *ctx, uint64_t eventsel, int fixed_idx)
{
	const struct vcpu_pmu *pmu = ctx;

	if (fixed_idx < 0)
		return filter_x86_gp_allowed(pmu->rules, eventsel);
	return filter_x86_fixed_allowed(pmu->rules, fixed_idx);
}

void vcpu_pmu_set_filters(struct vcpu_pmu *pmu, const struct filter_slots *fs)
{
	pmu->filters = fs;
	pmu->filter_seen = filter_slots_installed(fs);
	pmu->rules = filter_slots_rules(fs, pmu->filter_seen);
	vpmu_set_filter(&pmu->model, vcpu_pmu_filter_allows, pmu);
}

void vcpu_pmu_destroy(struct vcpu_pmu *pmu)
{
	if (pmu->have_timer)
		timer_delete(pmu->timer);
	pmu->have_timer = false;
}

/* The privilege level of the instruction at the synchronised RIP. */
static unsigned int vcpu_pmu_cpl(const struct kvm_sregs *sregs)
{
	if (!(sregs->cr0 & X86_CR0_PE)) /* real mode */
		return 0;
	return sregs->cs.selector & 3;
}

/* One instruction retired at cpl: the events it is. */
static void vcpu_pmu_count(struct vcpu_pmu *pmu, unsigned int cpl,
			   enum x86_insn_kind kind)
{
	vpmu_count(&pmu->model, VPMU_EV_INSTRUCTIONS, cpl, 1);
	if (kind == X86_INSN_BRANCH)
		vpmu_count(&pmu->model, VPMU_EV_BRANCHES, cpl, 1);
	/* While stepping, the cycle model is one cycle per instruction. */
	vpmu_count(&pmu->model, VPMU_EV_CORE_CYCLES, cpl, 1);
	vpmu_count(&pmu->model, VPMU_EV_REF_CYCLES, cpl, 1);
}

/* How the vCPU translates addresses now. */
static struct vm_paging vcpu_pmu_paging(const struct kvm_sregs *sregs)
{
	return (struct vm_paging){
		.cr0 = sregs->cr0,
		.cr3 = sregs->cr3,
		.cr4 = sregs->cr4,
		.efer = sregs->efer,
	};
}

/* Up to X86_INSN_MAX_LEN bytes of code at rip, or -EFAULT. */
static int vcpu_pmu_fetch(const struct vcpu_pmu *pmu,
			  const struct kvm_sregs *sregs, uint64_t rip,
			  uint8_t *buf, size_t *len)
{
	const struct vm_paging pg = vcpu_pmu_paging(sregs);
	uint64_t linear = rip + sregs->cs.base;
	size_t got = 0;

	while (got < X86_INSN_MAX_LEN) {
		uint64_t gva = linear + got, gpa;
		uint64_t chunk = PAGE_SIZE_4K - (gva & (PAGE_SIZE_4K - 1));
		const void *hva;

		if (chunk > X86_INSN_MAX_LEN - got)
			chunk = X86_INSN_MAX_LEN - got;
		if (x86_gva_to_gpa(pmu->mem, &pg, gva, &gpa))
			break;
		hva = vm_gpa_to_hva(pmu->mem, gpa, chunk);
		if (!hva)
			break;
		memcpy(buf + got, hva, chunk);
		got += chunk;
	}
	*len = got;
	return got ? 0 : -EFAULT;
}

/*
 * The PEBS assist's guest memory: len bytes (up to a page, so at most
 * two pages) at linear address la, every page translated through the
 * guest's tables and bounds-checked against RAM before a byte moves:
 * all or nothing.  Access rights are not checked (docs/vpmu.md).
 */
static int vcpu_pmu_guest_copy(const struct vcpu_pmu *pmu, uint64_t la,
			       void *buf, size_t len, bool write)
{
	const struct vm_paging pg =
		vcpu_pmu_paging(&pmu->vcpu->run->s.regs.sregs);
	uint8_t *hva[2], *p = buf;
	size_t chunk[2], done = 0, n = 0;
	uint64_t gpa;

	if (len > PAGE_SIZE_4K || la + len < la)
		return -EFAULT;
	while (done < len) {
		chunk[n] = PAGE_SIZE_4K - ((la + done) & (PAGE_SIZE_4K - 1));
		if (chunk[n] > len - done)
			chunk[n] = len - done;
		if (x86_gva_to_gpa(pmu->mem, &pg, la + done, &gpa))
			return -EFAULT;
		hva[n] = vm_gpa_to_hva(pmu->mem, gpa, chunk[n]);
		if (!hva[n])
			return -EFAULT;
		done += chunk[n++];
	}
	for (size_t i = 0; i < n; p += chunk[i], i++)
		memcpy(write ? hva[i] : p, write ? p : hva[i], chunk[i]);
	return 0;
}

static int vcpu_pmu_pebs_read(void *ctx, uint64_t la, void *buf, size_t len)
{
	return vcpu_pmu_guest_copy(ctx, la, buf, len, false);
}

static int vcpu_pmu_pebs_write(void *ctx, uint64_t la, const void *buf,
			       size_t len)
{
	return vcpu_pmu_guest_copy(ctx, la, (void *)buf, len, true);
}

/*
 * The state a record samples: the registers after the eventing
 * instruction, the guest's TSC, and its XMM registers when asked.
 */
static int vcpu_pmu_pebs_state(void *ctx, struct vpmu_pebs_state *st, bool xmm)
{
	struct vcpu_pmu *pmu = ctx;
	struct vcpu *vcpu = pmu->vcpu;
	const struct kvm_regs *r = &vcpu->run->s.regs.regs;
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry tsc;
	} msrs = { .hdr.nmsrs = 1, .tsc.index = MSR_IA32_TSC };
	const uint64_t gpr[VPMU_NR_GPRS] = {
		r->rax, r->rcx, r->rdx, r->rbx, r->rsp, r->rbp, r->rsi, r->rdi,
		r->r8,	r->r9,	r->r10, r->r11, r->r12, r->r13, r->r14, r->r15,
	};
	struct kvm_fpu fpu;

	if (vm_ioctl(vcpu->vm, vcpu->fd, KVM_GET_MSRS, &msrs,
		     "KVM_GET_MSRS(IA32_TSC)") != 1)
		return -EIO;
	if (xmm) {
		if (vm_ioctl(vcpu->vm, vcpu->fd, KVM_GET_FPU, &fpu,
			     "KVM_GET_FPU") < 0)
			return -EIO;
		memcpy(st->xmm, fpu.xmm, sizeof(st->xmm));
	}
	memcpy(st->gpr, gpr, sizeof(gpr));
	st->eventing_ip = pmu->pebs_ip;
	st->rip = pmu->pebs_next_rip;
	st->rflags = r->rflags;
	st->tsc = msrs.tsc.data;
	return 0;
}

/*
 * One instruction retired at cpl: the events it is, then the PEBS
 * assist for a counter it hit after an overflow.  ip is its address,
 * next_rip the one after it.
 */
static void vcpu_pmu_retire(struct vcpu_pmu *pmu, unsigned int cpl,
			    enum x86_insn_kind kind, uint64_t ip,
			    uint64_t next_rip)
{
	const struct vpmu_pebs_io io = {
		.ctx = pmu,
		.read = vcpu_pmu_pebs_read,
		.write = vcpu_pmu_pebs_write,
		.state = vcpu_pmu_pebs_state,
	};

	vcpu_pmu_count(pmu, cpl, kind);
	if (!pmu->model.pebs_fire)
		return;
	pmu->pebs_ip = ip;
	pmu->pebs_next_rip = next_rip;
	vpmu_pebs_assist(&pmu->model, &io);
}

/*
 * RDPMC at CPL > 0 with CR4.PCE clear, or of a counter that does not
 * exist, faults: false then.  Otherwise the VMM executes it: EDX:EAX,
 * RIP past it, and the RDPMC itself retired after reading, as hardware
 * reads before it retires.
 */
static bool vcpu_pmu_emulate_rdpmc(struct vcpu *vcpu, unsigned int cpl,
				   unsigned int len)
{
	struct kvm_regs *regs = &vcpu->run->s.regs.regs;
	const struct kvm_sregs *sregs = &vcpu->run->s.regs.sregs;
	struct vcpu_pmu *pmu = vcpu->pmu;
	uint64_t val;

	if (cpl && !(sregs->cr4 & X86_CR4_PCE))
		return false;
	if (vpmu_rdpmc(&pmu->model, (uint32_t)regs->rcx, &val))
		return false;
	regs->rax = (uint32_t)val;
	regs->rdx = val >> 32;
	regs->rip += len;
	vcpu->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	vcpu_pmu_retire(pmu, cpl, X86_INSN_OTHER, regs->rip - len, regs->rip);
	pmu->stats.rdpmc_emulated++;
	return true;
}

/*
 * The #GP(0) of a refused RDPMC, raised by the VMM: what KVM would do
 * differs by host (a #GP without an in-kernel vPMU on Intel, the value
 * of its own AMD counter on AMD).
 */
static void vcpu_pmu_raise_gp(struct vcpu *vcpu)
{
	struct kvm_vcpu_events events;
	int ret;

	ret = vm_ioctl(vcpu->vm, vcpu->fd, KVM_GET_VCPU_EVENTS, &events,
		       "KVM_GET_VCPU_EVENTS");
	if (ret >= 0) {
		events.exception.injected = 1;
		events.exception.nr = X86_GP_VECTOR;
		events.exception.has_error_code = 1;
		events.exception.error_code = 0;
		events.flags = 0;
		ret = vm_ioctl(vcpu->vm, vcpu->fd, KVM_SET_VCPU_EVENTS, &events,
			       "KVM_SET_VCPU_EVENTS");
	}
	if (ret < 0)
		vm_stop(vcpu->vm, HV_EXIT_VMM_ERROR, VM_NO_VCPU,
			"vCPU %d: emulated vPMU: #GP of an RDPMC: %s: %s",
			vcpu->id, vcpu->vm->failed, strerror(-ret));
}

/*
 * Decodes the instruction at the synchronised RIP into pmu->next.  An
 * RDPMC there is executed by the VMM (and the one after it, ...), but
 * not right after an MSR exit: KVM still has to move RIP past the MSR
 * instruction, after the registers are written back.
 */
static void vcpu_pmu_decode_next(struct vcpu *vcpu, uint64_t rip,
				 bool after_msr)
{
	const struct kvm_sregs *sregs = &vcpu->run->s.regs.sregs;
	struct vcpu_pmu *pmu = vcpu->pmu;
	bool long_mode = (sregs->efer & X86_EFER_LMA) && sregs->cs.l;
	uint8_t bytes[X86_INSN_MAX_LEN];
	struct x86_insn insn;
	size_t len;

	for (;;) {
		pmu->next = (struct vcpu_pmu_next){
			.valid = true,
			.rip = rip,
			.cpl = vcpu_pmu_cpl(sregs),
			.kind = X86_INSN_OTHER,
			.after_msr = after_msr,
		};
		/* Code the VMM cannot read still retires: count it plain. */
		if (vcpu_pmu_fetch(pmu, sregs, rip, bytes, &len) ||
		    x86_insn_decode(bytes, len, long_mode, &insn))
			return;
		pmu->next.kind = insn.kind;
		if (insn.kind != X86_INSN_RDPMC || after_msr)
			return;
		if (!vcpu_pmu_emulate_rdpmc(vcpu, pmu->next.cpl, insn.len)) {
			vcpu_pmu_raise_gp(vcpu);
			pmu->next.kind = X86_INSN_UD2; /* faults: no retire */
			return;
		}
		rip = vcpu->run->s.regs.regs.rip;
	}
}

/*
 * Stepping is switched in the model's terms here and in KVM's by
 * vcpu_pmu_sync_stepping() before the next entry.
 */
static void vcpu_pmu_set_stepping(struct vcpu *vcpu, bool on)
{
	struct vcpu_pmu *pmu = vcpu->pmu;

	pmu->stepping = on;
	pmu->next.valid = false;
}

static int vcpu_pmu_guest_debug(struct vcpu *vcpu, uint32_t control)
{
	struct kvm_guest_debug dbg = { .control = control };

	return vm_ioctl(vcpu->vm, vcpu->fd, KVM_SET_GUEST_DEBUG, &dbg,
			"KVM_SET_GUEST_DEBUG");
}

/*
 * KVM single-steps by setting the trap flag, which it hides from
 * userspace, and the flag does not survive: an IRET, POPF or SYSRET the
 * guest runs loads RFLAGS without it, and KVM itself drops it when its
 * instruction emulator completes an instruction (a MOV to CR4 without
 * SVM decode assists, an MMIO access) or userspace writes RFLAGS at
 * another RIP.  So while stepping, the VMM arms it again before every
 * entry, after writing back the registers it changed; as QEMU's
 * gdbstub does.
 */
static void vcpu_pmu_sync_stepping(struct vcpu *vcpu)
{
	struct vcpu_pmu *pmu = vcpu->pmu;
	struct kvm_run *run = vcpu->run;
	int ret = 0;

	if (!pmu->stepping && !pmu->debug_armed)
		return;
	if (pmu->stepping && (run->kvm_dirty_regs & KVM_SYNC_X86_REGS)) {
		ret = vm_ioctl(vcpu->vm, vcpu->fd, KVM_SET_REGS,
			       &run->s.regs.regs, "KVM_SET_REGS");
		run->kvm_dirty_regs &= ~KVM_SYNC_X86_REGS;
	}
	if (ret >= 0)
		ret = vcpu_pmu_guest_debug(
			vcpu, pmu->stepping ? KVM_GUESTDBG_ENABLE |
						      KVM_GUESTDBG_SINGLESTEP :
					      0);
	if (ret < 0) {
		vm_stop(vcpu->vm, HV_EXIT_VMM_ERROR, VM_NO_VCPU,
			"vCPU %d: emulated vPMU: %s: %s", vcpu->id,
			vcpu->vm->failed, strerror(-ret));
		pmu->stepping = false;
		return;
	}
	pmu->debug_armed = pmu->stepping;
}

/*
 * A PMI as the LAPIC raises one from LVTPC: nothing while it is masked;
 * else, for the Intel model, LVTPC becomes masked, as on Intel hardware
 * (AMD's leaves it unmasked: KVM's 49ff3b4aec51), and the fixed vector
 * or an NMI goes to this vCPU.
 */
static void vcpu_pmu_deliver_pmi(struct vcpu *vcpu)
{
	struct vcpu_pmu *pmu = vcpu->pmu;
	struct kvm_lapic_state lapic;
	struct vm *vm = vcpu->vm;
	uint32_t lvtpc;
	int ret;

	ret = vm_ioctl(vm, vcpu->fd, KVM_GET_LAPIC, &lapic, "KVM_GET_LAPIC");
	if (ret < 0)
		goto fail;
	memcpy(&lvtpc, lapic.regs + APIC_LVTPC, sizeof(lvtpc));
	if (lvtpc & APIC_LVT_MASKED)
		return;
	if (pmu->model.cfg.vendor == VPMU_VENDOR_INTEL) {
		lvtpc |= APIC_LVT_MASKED;
		memcpy(lapic.regs + APIC_LVTPC, &lvtpc, sizeof(lvtpc));
		ret = vm_ioctl(vm, vcpu->fd, KVM_SET_LAPIC, &lapic,
			       "KVM_SET_LAPIC");
		if (ret < 0)
			goto fail;
	}
	switch (APIC_LVT_MODE(lvtpc)) {
	case APIC_MODE_FIXED: {
		struct kvm_msi msi = {
			.address_lo = APIC_MSI_ADDRESS |
				      (uint32_t)vcpu->id << APIC_MSI_DEST_SHIFT,
			.data = lvtpc & APIC_LVT_VECTOR,
		};

		ret = vm_ioctl(vm, vm->vm_fd, KVM_SIGNAL_MSI, &msi,
			       "KVM_SIGNAL_MSI");
		break;
	}
	case APIC_MODE_NMI:
		ret = vm_ioctl(vm, vcpu->fd, KVM_NMI, NULL, "KVM_NMI");
		break;
	default: /* SMI, INIT, ExtINT: not a PMI a guest can take here */
		return;
	}
	if (ret < 0)
		goto fail;
	pmu->stats.pmis++;
	return;
fail:
	vm_stop(vm, HV_EXIT_VMM_ERROR, VM_NO_VCPU,
		"vCPU %d: emulated vPMU: PMI delivery: %s failed", vcpu->id,
		vm->failed);
}

static void vcpu_pmu_create_timer(struct vcpu *vcpu)
{
	struct vcpu_pmu *pmu = vcpu->pmu;
	struct sigevent sev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = VCPU_KICK_SIGNAL,
	};

	sev._sigev_un._tid = syscall(SYS_gettid);
	if (timer_create(CLOCK_MONOTONIC, &sev, &pmu->timer)) {
		vm_stop(vcpu->vm, HV_EXIT_VMM_ERROR, VM_NO_VCPU,
			"vCPU %d: emulated vPMU: timer_create: %s", vcpu->id,
			strerror(errno));
		return;
	}
	pmu->have_timer = true;
}

/*
 * Without stepping, cycles advance with time, so an overflow PMI needs
 * a deadline: the timer kicks the vCPU out of KVM_RUN then.
 */
static void vcpu_pmu_arm_deadline(struct vcpu_pmu *pmu)
{
	struct itimerspec its = { 0 };
	uint64_t core, ref, cycles = 0;

	/* Stepping counts cycles per instruction: no deadline then. */
	if (!pmu->stepping) {
		core = vpmu_until_pmi(&pmu->model, VPMU_EV_CORE_CYCLES);
		ref = vpmu_until_pmi(&pmu->model, VPMU_EV_REF_CYCLES);
		cycles = core && (!ref || core < ref) ? core : ref;
	}
	/* Most entries have no deadline: spare them the system call. */
	if (!cycles && !pmu->deadline_armed)
		return;
	if (cycles) {
		/* Whole nanoseconds, rounded up so the overflow has happened. */
		uint64_t ns =
			cycles / pmu->tsc_khz * NS_PER_MS +
			((cycles % pmu->tsc_khz) * NS_PER_MS + pmu->tsc_khz -
			 1) / pmu->tsc_khz;

		its.it_value.tv_sec = ns / 1000000000ULL;
		its.it_value.tv_nsec = ns % 1000000000ULL;
		if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
			its.it_value.tv_nsec = 1;
	}
	timer_settime(pmu->timer, 0, &its, NULL);
	pmu->deadline_armed = cycles != 0;
}

/*
 * After an OUT or IN, or an MMIO read, RIP is still at the instruction
 * that exited, and KVM completes it when the vCPU enters again.  An MMIO
 * write is complete before its exit: KVM's emulator has moved RIP past
 * it, and the instruction at RIP has yet to start, as after a kick.
 */
static bool vcpu_pmu_completes_on_entry(const struct kvm_run *run)
{
	return run->exit_reason == KVM_EXIT_IO ||
	       (run->exit_reason == KVM_EXIT_MMIO && !run->mmio.is_write);
}

/*
 * A filter installed since the last entry, as KVM applies one: every
 * counter is decided again before the guest runs on.  An instruction
 * that exited and completes on this entry (the OUT that installed the
 * new filter, an MMIO read) counts under the old filter; everything
 * after it under the new one.
 */
static void vcpu_pmu_pick_up_filter(struct vcpu *vcpu)
{
	struct vcpu_pmu *pmu = vcpu->pmu;
	struct kvm_run *run = vcpu->run;
	uint64_t installed;
	bool step, enabled;

	if (!pmu->filters)
		return;
	/*
	 * Published before the filter is read (vcpu_pmu_counters_enabled()),
	 * stored only when it changes: other vCPUs' installers read its line.
	 */
	enabled = vpmu_any_enabled(&pmu->model);
	if (enabled != pmu->counters_enabled)
		__atomic_store_n(&pmu->counters_enabled, enabled,
				 __ATOMIC_SEQ_CST);
	installed = filter_slots_installed(pmu->filters);
	if (installed == pmu->filter_seen)
		return;
	if (pmu->stepping && pmu->next.valid &&
	    vcpu_pmu_completes_on_entry(run) &&
	    pmu->next.rip == run->s.regs.regs.rip) {
		vcpu_pmu_retire(pmu, pmu->next.cpl, pmu->next.kind,
				pmu->next.rip, run->s.regs.regs.rip);
		/* so its debug exit, after it completed, counts nothing */
		pmu->next.valid = false;
	}
	pmu->filter_seen = installed;
	pmu->rules = filter_slots_rules(pmu->filters, installed);
	vpmu_refilter(&pmu->model);
	step = vpmu_needs_stepping(&pmu->model);
	if (step == pmu->stepping)
		return;
	vcpu_pmu_set_stepping(vcpu, step);
	/*
	 * After a kick or an MMIO write the instruction at RIP has not
	 * started: it counts, under the new filter.  After an MSR exit or an
	 * instruction completed on entry, RIP is still at the instruction
	 * that exited, which counts under the old one.
	 */
	if (step && (run->exit_reason == KVM_EXIT_INTR ||
		     (run->exit_reason == KVM_EXIT_MMIO && run->mmio.is_write)))
		vcpu_pmu_decode_next(vcpu, run->s.regs.regs.rip, false);
}

bool vcpu_pmu_counters_enabled(const struct vcpu_pmu *pmu)
{
	return __atomic_load_n(&pmu->counters_enabled, __ATOMIC_SEQ_CST);
}

void vcpu_pmu_before_run(struct vcpu *vcpu)
{
	struct vcpu_pmu *pmu = vcpu->pmu;

	if (!pmu->have_timer) {
		vcpu_pmu_create_timer(vcpu);
		if (!pmu->have_timer)
			return;
	}
	vcpu_pmu_pick_up_filter(vcpu);
	if (vpmu_take_pmi(&pmu->model))
		vcpu_pmu_deliver_pmi(vcpu);
	vcpu_pmu_sync_stepping(vcpu);
	vcpu_pmu_arm_deadline(pmu);
	/* Time in the guest is cycles only while not stepping. */
	if (!pmu->stepping || pmu->stats.timed)
		pmu->run_ns = pmu->clock_ns();
	/* A step's VMM time: all from its exit to the next entry. */
	if (pmu->stepping && pmu->step_exit_ns)
		pmu->stats.step_vmm_ns += pmu->run_ns - pmu->step_exit_ns;
	pmu->step_exit_ns = 0;
}

void vcpu_pmu_after_run(struct vcpu *vcpu)
{
	struct vcpu_pmu *pmu = vcpu->pmu;
	uint64_t scaled, cycles;
	unsigned int cpl;

	if (pmu->stepping) {
		if (pmu->stats.timed) {
			pmu->step_exit_ns = pmu->clock_ns();
			pmu->stats.step_run_ns +=
				pmu->step_exit_ns - pmu->run_ns;
		}
		return;
	}
	if (!vpmu_counting(&pmu->model, VPMU_EV_CORE_CYCLES) &&
	    !vpmu_counting(&pmu->model, VPMU_EV_REF_CYCLES))
		return;
	cpl = vcpu_pmu_cpl(&vcpu->run->s.regs.sregs);
	/* cycles = ns x kHz / 10^6, the remainder carried to the next run */
	scaled = (pmu->clock_ns() - pmu->run_ns) * pmu->tsc_khz +
		 pmu->cycle_frac;
	cycles = scaled / NS_PER_MS;
	pmu->cycle_frac = scaled % NS_PER_MS;
	vpmu_count(&pmu->model, VPMU_EV_CORE_CYCLES, cpl, cycles);
	vpmu_count(&pmu->model, VPMU_EV_REF_CYCLES, cpl, cycles);
}

/* A PMU MSR access the model took: it retires, then takes effect. */
static void vcpu_pmu_msr_done(struct vcpu *vcpu, bool write, uint64_t val)
{
	struct vcpu_pmu *pmu = vcpu->pmu;
	struct kvm_run *run = vcpu->run;
	uint64_t rip = run->s.regs.regs.rip;
	bool step;

	/* It retires under the old settings, a read after reading. */
	if (pmu->stepping)
		vcpu_pmu_retire(pmu, vcpu_pmu_cpl(&run->s.regs.sregs),
				X86_INSN_OTHER, rip, rip + 2);
	if (write)
		vpmu_wrmsr(&pmu->model, run->msr.index, run->msr.data);
	else
		run->msr.data = val;
	step = vpmu_needs_stepping(&pmu->model);
	if (step != pmu->stepping)
		vcpu_pmu_set_stepping(vcpu, step);
	if (step)
		/* RDMSR and WRMSR are 0F 32 and 0F 30: two bytes. */
		vcpu_pmu_decode_next(vcpu, rip + 2, true);
}

bool vcpu_pmu_msr_exit(struct vcpu *vcpu, bool write)
{
	struct vcpu_pmu *pmu = vcpu->pmu;
	struct kvm_run *run = vcpu->run;
	uint32_t msr = run->msr.index;
	struct vpmu trial;
	uint64_t val = 0;

	if (!vpmu_owns_msr(&pmu->model.cfg, msr))
		return false;
	pmu->stats.msr_exits++;
	/* A refused access faults: it does not retire, nothing changes. */
	if (write) {
		trial = pmu->model;
		run->msr.error = vpmu_wrmsr(&trial, msr, run->msr.data) != 0;
	} else {
		run->msr.error = vpmu_rdmsr(&pmu->model, msr, &val) != 0;
	}
	if (run->msr.error)
		pmu->next.valid = false;
	else
		vcpu_pmu_msr_done(vcpu, write, val);
	return true;
}

bool vcpu_pmu_debug_exit(struct vcpu *vcpu)
{
	struct vcpu_pmu *pmu = vcpu->pmu;
	uint64_t rip = vcpu->run->s.regs.regs.rip;
	const struct vcpu_pmu_next *next = &pmu->next;

	if (!pmu->stepping)
		return false;
	pmu->stats.steps++;
	if (next->valid && next->kind != X86_INSN_UD2 &&
	    !(next->after_msr && rip == next->rip))
		vcpu_pmu_retire(pmu, next->cpl, next->kind, next->rip, rip);
	vcpu_pmu_decode_next(vcpu, rip, false);
	return true;
}

void vcpu_pmu_print_stats(const struct vcpu_pmu *pmu, unsigned int i, FILE *out)
{
	const struct vcpu_pmu_stats *st = &pmu->stats;
	double run_s = st->step_run_ns / 1e9;
	double all_s = (st->step_run_ns + st->step_vmm_ns) / 1e9;

	fprintf(out,
		"hvcheck: vpmu stats: vCPU %u: %llu MSR exits, %llu RDPMC emulated, %llu PMIs, %llu steps",
		i, (unsigned long long)st->msr_exits,
		(unsigned long long)st->rdpmc_emulated,
		(unsigned long long)st->pmis, (unsigned long long)st->steps);
	if (st->steps && run_s > 0)
		fprintf(out, " (KVM single-step rate %.0f/s, counted %.0f/s)",
			st->steps / run_s, st->steps / all_s);
	if (pmu->model.cfg.pebs_format)
		fprintf(out,
			", PEBS: %llu records, %llu dropped, %llu at the absolute maximum",
			(unsigned long long)pmu->model.pebs_stats.records,
			(unsigned long long)pmu->model.pebs_stats.dropped,
			(unsigned long long)pmu->model.pebs_stats.full);
	fputc('\n', out);
}
