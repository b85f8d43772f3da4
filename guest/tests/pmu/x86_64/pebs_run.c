// SPDX-License-Identifier: GPL-2.0-only
/* pmu.pebs: the measured region, one PEBS run, and a record's checks. */
#include "apic.h"
#include "exceptions.h"
#include "pebs.h"
#include "pmu.h"
#include "printf.h"
#include "processor.h"
#include "report.h"
#include "string.h"

#define PMI_VECTOR     0x71
#define PAGE	       4096
#define BUFFER_PAGES   4
#define X86_CR4_OSFXSR BIT(9)
#define RFLAGS_ZF      BIT(6)

struct pebs_info pebs;
/* PEBS_DATA_CFG as last written: each write is a VM exit. */
static u64 data_cfg;

static u8 ds_area[PAGE] __aligned(PAGE);
u8 pebs_buffer[BUFFER_PAGES * PAGE] __aligned(PAGE);

/*
 * The region's registers: what pebs_region() loads before its first
 * WRMSR, and the RSP it ran with.  Offsets are the assembly's.
 */
struct region {
	u64 start_msr, start_val;	       /* 0, 8 */
	u64 stop_msr, stop_val;		       /* 16, 24 */
	u64 loops;			       /* 32: RSI */
	u64 r8, r9;			       /* 40, 48 */
	u64 rsp;			       /* 56: out */
	u64 rbx, rbp, r11, r12, r13, r14, r15; /* 64 .. 112 */
	const u8 *xmm;			       /* 120: 256 bytes for XMM0-15 */
};

static const u8 xmm_pattern[256] __aligned(16) = {
#define X4(n)  (n), (n) + 1, (n) + 2, (n) + 3
#define X16(n) X4(n), X4((n) + 4), X4((n) + 8), X4((n) + 12)
	X16(0x10), X16(0x20), X16(0x30), X16(0x40), X16(0x50), X16(0x60),
	X16(0x70), X16(0x80), X16(0x90), X16(0xa0), X16(0xb0), X16(0xc0),
	X16(0xd0), X16(0xe0), X16(0xf0), X16(0x01),
#undef X16
#undef X4
};

void pebs_region(struct region *r);
extern const u8 pebs_i0[], pebs_i1[], pebs_i2[], pebs_i3[], pebs_stop[];

/*
 * WRMSR(start); loops x { add r9, r8; inc r10; dec rsi; jnz }; 3 x mov;
 * WRMSR(stop): 4 x loops + 4 instructions after the first WRMSR, each
 * with its label so that a record's eventing IP is known exactly.
 */
asm(".pushsection .text\n"
    ".globl pebs_region\n"
    "pebs_region:\n\t"
    "push %rbx\n\tpush %rbp\n\tpush %r12\n\t"
    "push %r13\n\tpush %r14\n\tpush %r15\n\t"
    "mov 120(%rdi), %rax\n\t"
    "movdqu 0(%rax), %xmm0\n\tmovdqu 16(%rax), %xmm1\n\t"
    "movdqu 32(%rax), %xmm2\n\tmovdqu 48(%rax), %xmm3\n\t"
    "movdqu 64(%rax), %xmm4\n\tmovdqu 80(%rax), %xmm5\n\t"
    "movdqu 96(%rax), %xmm6\n\tmovdqu 112(%rax), %xmm7\n\t"
    "movdqu 128(%rax), %xmm8\n\tmovdqu 144(%rax), %xmm9\n\t"
    "movdqu 160(%rax), %xmm10\n\tmovdqu 176(%rax), %xmm11\n\t"
    "movdqu 192(%rax), %xmm12\n\tmovdqu 208(%rax), %xmm13\n\t"
    "movdqu 224(%rax), %xmm14\n\tmovdqu 240(%rax), %xmm15\n\t"
    "mov 64(%rdi), %rbx\n\tmov 72(%rdi), %rbp\n\t"
    "mov 80(%rdi), %r11\n\tmov 88(%rdi), %r12\n\t"
    "mov 96(%rdi), %r13\n\tmov 104(%rdi), %r14\n\t"
    "mov 112(%rdi), %r15\n\t"
    "mov 40(%rdi), %r8\n\tmov 48(%rdi), %r9\n\t"
    "xor %r10d, %r10d\n\t"
    "mov 32(%rdi), %rsi\n\t"
    "mov %rsp, 56(%rdi)\n\t"
    "mov 0(%rdi), %ecx\n\tmov 8(%rdi), %eax\n\tmov 12(%rdi), %edx\n\t"
    "wrmsr\n"
    ".globl pebs_i0\npebs_i0:\tadd %r9, %r8\n"
    ".globl pebs_i1\npebs_i1:\tinc %r10\n"
    ".globl pebs_i2\npebs_i2:\tdec %rsi\n"
    ".globl pebs_i3\npebs_i3:\tjnz pebs_i0\n"
    ".globl pebs_stop\npebs_stop:\t"
    "mov 16(%rdi), %ecx\n\tmov 24(%rdi), %eax\n\tmov 28(%rdi), %edx\n\t"
    "wrmsr\n\t"
    "pop %r15\n\tpop %r14\n\tpop %r13\n\t"
    "pop %r12\n\tpop %rbp\n\tpop %rbx\n\t"
    "ret\n"
    ".popsection");

static struct region region = {
	.r8 = 0x1000,
	.r9 = 0x11,
	.rbx = 0xb0b0b0b0b0b0b0b0ULL,
	.rbp = 0xbebebebebebebebeULL,
	.r11 = 0x1111111111111111ULL,
	.r12 = 0x1212121212121212ULL,
	.r13 = 0x1313131313131313ULL,
	.r14 = 0x1414141414141414ULL,
	.r15 = 0x1515151515151515ULL,
	.xmm = xmm_pattern,
};

static struct {
	unsigned int count;
	u64 status;
	bool drain;
	u64 size; /* of the run's records */
	struct pebs_pmi each[PEBS_MAX_PMIS];
} pmis;

/* The n-th PMI of a draining run (struct pebs_run's drain). */
static void pmi_drain(unsigned int n)
{
	u64 *ds = (u64 *)ds_area;
	u64 ctrl = rdmsr(MSR_IA32_PERF_GLOBAL_CTRL);

	wrmsr(MSR_IA32_PERF_GLOBAL_CTRL, 0);
	if (n < PEBS_MAX_PMIS) {
		pmis.each[n].status = rdmsr(MSR_IA32_PERF_GLOBAL_STATUS);
		pmis.each[n].records = (ds[5] - ds[4]) / pmis.size;
	}
	ds[5] = ds[4];
	wrmsr(MSR_IA32_PERF_GLOBAL_OVF_CTRL, GLOBAL_OVF_BUFFER);
	apic_write(APIC_LVTPC, APIC_DM_FIXED | PMI_VECTOR);
	wrmsr(MSR_IA32_PERF_GLOBAL_CTRL, ctrl);
}

static void pmi_handler(struct ex_regs *regs)
{
	(void)regs;
	if (READ_ONCE(pmis.drain))
		pmi_drain(pmis.count);
	else if (!pmis.count)
		WRITE_ONCE(pmis.status, rdmsr(MSR_IA32_PERF_GLOBAL_STATUS));
	WRITE_ONCE(pmis.count, pmis.count + 1);
	apic_eoi();
}

static void enable_sse(void)
{
	u64 cr0;

	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 &= ~(u64)(BIT(2) | BIT(3)); /* EM, TS */
	cr0 |= X86_CR0_MP;
	asm volatile("mov %0, %%cr0" : : "r"(cr0));
	write_cr4(read_cr4() | X86_CR4_OSFXSR);
}

static const char *absent_reason(void)
{
	struct cpuid_regs r = cpuid(1);
	u64 misc;

	if (!(r.edx & CPUID_1_EDX_DS))
		return "CPUID.1:EDX.DS is clear: no PEBS (TCG, --pmu-pebs=off, "
		       "or KVM without vPEBS)";
	if (!(r.ecx & CPUID_1_ECX_DTES64))
		return "CPUID.1:ECX.DTES64 is clear: no 64-bit DS area";
	if (!pmu.pdcm)
		return "no IA32_PERF_CAPABILITIES (CPUID.1:ECX.PDCM clear)";
	if (rdmsr_safe(MSR_IA32_MISC_ENABLE, &misc) != EXC_NONE ||
	    (misc & MISC_ENABLE_PEBS_UNAVAIL))
		return "IA32_MISC_ENABLE.PEBS_UNAVAIL is set";
	return NULL;
}

bool pebs_require(void)
{
	const char *why;

	if (!pmu_require() || !pmu_require_v2())
		return false;
	why = pmu.amd ? "AMD PMU: PEBS is Intel's" : absent_reason();
	if (why) {
		report_skip("%s", why);
		return false;
	}
	pebs.format = PERF_CAP_PEBS_FMT(pmu.perf_capabilities);
	pebs.baseline = pmu.perf_capabilities & PERF_CAP_PEBS_BASELINE;
	if (pebs.format < 3 || pebs.format > 5) {
		report_skip("PEBS record format %u: the suite covers 3 to 5",
			    pebs.format);
		return false;
	}
	enable_sse();
	irq_set_handler(PMI_VECTOR, pmi_handler);
	wrmsr(MSR_IA32_DS_AREA, (u64)ds_area);
	if (pebs.baseline)
		wrmsr(MSR_PEBS_DATA_CFG, 0);
	data_cfg = 0;
	return true;
}

bool pebs_covers(struct pmu_counter c)
{
	return !c.fixed ||
	       (pebs.baseline && pmu_counter_event(c) != PMU_NR_EVENTS);
}

u64 pebs_record_size(bool adaptive, u64 cfg)
{
	u64 size = 32;

	if (pebs.format < 4)
		return PEBS_FMT3_SIZE;
	if (!adaptive || !pebs.baseline)
		return size;
	if (cfg & PEBS_CFG_MEMINFO)
		size += 32;
	if (cfg & PEBS_CFG_GPRS)
		size += 144;
	if (cfg & PEBS_CFG_XMMS)
		size += 256;
	if (cfg & PEBS_CFG_LBRS)
		size += 24 * ((cfg >> PEBS_CFG_LBR_SHIFT) + 1);
	return size;
}

/* The DS area's reset slot of c, as the record format places it. */
static u64 *reset_slot(struct pmu_counter c)
{
	u64 off = c.fixed ? (pebs.format >= 5 ? 0x140 : 0x80) + 8 * c.idx :
			    0x40 + 8 * c.idx;

	return (u64 *)(ds_area + off);
}

/* Counter c preset, its reset slot and its control as the run says. */
static void program_counter(const struct pebs_run *run, struct pmu_counter c,
			    u64 *fixed_ctrl)
{
	u64 mask = pmu_counter_mask(c);

	*reset_slot(c) = run->reset ? (mask + 1 - run->reset) & mask : 0;
	wrmsr(pmu_counter_msr(c), (mask + 1 - run->preset) & mask);
	if (c.fixed)
		*fixed_ctrl |=
			PMU_FIXED_FIELD(c.idx, PMU_FIXED_OS | PMU_FIXED_USR) |
			(run->adaptive ? FIXED_ADAPTIVE(c.idx) : 0);
	else
		wrmsr(MSR_IA32_PERFEVTSEL0 + c.idx,
		      pmu_evtsel(run->branches ? PMU_EV_BRANCHES :
						 PMU_EV_INSTRUCTIONS,
				 PMU_EVTSEL_USR | PMU_EVTSEL_OS) |
			      (run->adaptive ? EVTSEL_ADAPTIVE : 0));
}

/* The counter of GLOBAL_CTRL bit i. */
static struct pmu_counter bit_counter(unsigned int i)
{
	return (struct pmu_counter){ i >= 32, i >= 32 ? i - 32 : i };
}

u64 pebs_run_counters(const struct pebs_run *run)
{
	return pmu_counter_global_bit(run->c) | run->others;
}

static void program(const struct pebs_run *run, u64 size)
{
	u64 *ds = (u64 *)ds_area, bits = pebs_run_counters(run);
	u64 fixed_ctrl = 0;

	memset(ds_area, 0, sizeof(ds_area));
	memset(pebs_buffer, 0, sizeof(pebs_buffer));
	ds[4] = (u64)pebs_buffer;
	ds[5] = ds[4];
	/* never past the buffer, whatever the run asks */
	ds[6] = ds[4] + MIN(run->max_records * size, sizeof(pebs_buffer));
	ds[7] = ds[4] + run->threshold_records * size;
	for (unsigned int i = 0; i < 64; i++)
		if (bits & BIT_ULL(i))
			program_counter(run, bit_counter(i), &fixed_ctrl);
	if (fixed_ctrl)
		wrmsr(MSR_IA32_FIXED_CTR_CTRL, fixed_ctrl);
	if (pebs.baseline && run->data_cfg != data_cfg) {
		wrmsr(MSR_PEBS_DATA_CFG, run->data_cfg);
		data_cfg = run->data_cfg;
	}
	wrmsr(MSR_IA32_PEBS_ENABLE, run->pebs_on ? bits : 0);
	region.start_msr = MSR_IA32_PERF_GLOBAL_CTRL;
	region.start_val = run->counter_on ? bits : 0;
	region.stop_msr = MSR_IA32_PERF_GLOBAL_CTRL;
	region.stop_val = 0;
	region.loops = run->loops;
}

/* The controls of the run's counters back to 0. */
static void unprogram(const struct pebs_run *run)
{
	u64 bits = pebs_run_counters(run);

	if (bits >> 32)
		wrmsr(MSR_IA32_FIXED_CTR_CTRL, 0);
	for (unsigned int i = 0; i < 32; i++)
		if (bits & BIT_ULL(i))
			wrmsr(MSR_IA32_PERFEVTSEL0 + i, 0);
}

void pebs_run(const struct pebs_run *run, struct pebs_outcome *out)
{
	u64 *ds = (u64 *)ds_area;

	memset(out, 0, sizeof(*out));
	out->size = pebs_record_size(run->adaptive, run->data_cfg);
	program(run, out->size);
	memset(&pmis, 0, sizeof(pmis));
	pmis.size = out->size;
	WRITE_ONCE(pmis.drain, run->drain);
	apic_write(APIC_LVTPC, APIC_DM_FIXED | PMI_VECTOR);
	out->tsc_before = rdtsc();
	if (run->drain) /* its PMIs come inside the region */
		irq_enable();
	pebs_region(&region);
	irq_disable();
	out->tsc_after = rdtsc();
	out->status = rdmsr(MSR_IA32_PERF_GLOBAL_STATUS);
	for (unsigned int i = 0; i < 64; i++)
		if (pebs_run_counters(run) & BIT_ULL(i))
			out->counters[i] =
				rdmsr(pmu_counter_msr(bit_counter(i)));
	out->counter = rdmsr(pmu_counter_msr(run->c));
	wrmsr(MSR_IA32_PEBS_ENABLE, 0);
	out->index_off = ds[5] - ds[4];
	out->records = out->index_off / out->size;
	irq_linger();
	out->pmis = READ_ONCE(pmis.count);
	out->pmi_status = READ_ONCE(pmis.status);
	WRITE_ONCE(pmis.drain, false);
	memcpy(out->each_pmi, pmis.each, sizeof(out->each_pmi));
	wrmsr(MSR_IA32_PERF_GLOBAL_OVF_CTRL,
	      pmu_global_counters_mask() | GLOBAL_OVF_BUFFER);
	unprogram(run);
	apic_write(APIC_LVTPC, APIC_LVT_MASKED);
}

/* The architectural state after the region's k-th instruction. */
struct expect_state {
	u64 ip, rip, rflags;
	u64 gpr[16]; /* RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8..R15 */
};

static void expect_state(const struct pebs_run *run, u64 k,
			 struct expect_state *e)
{
	static const u8 *const labels[] = { pebs_i0, pebs_i1, pebs_i2,
					    pebs_i3 };
	u64 it = (k - 1) / 4, p = (k - 1) % 4;
	u64 rsi = run->loops - it - (p >= 2);

	e->ip = (u64)labels[p];
	e->rip = p < 3 ? (u64)labels[p + 1] :
		 rsi   ? (u64)pebs_i0 :
			 (u64)pebs_stop;
	e->rflags = X86_RFLAGS_FIXED | (p >= 2 && !rsi ? RFLAGS_ZF : 0);
	e->gpr[0] = (u32)region.start_val;
	e->gpr[1] = region.start_msr;
	e->gpr[2] = (u32)(region.start_val >> 32);
	e->gpr[3] = region.rbx;
	e->gpr[4] = region.rsp;
	e->gpr[5] = region.rbp;
	e->gpr[6] = rsi;
	e->gpr[7] = (u64)&region;
	e->gpr[8] = region.r8 + region.r9 * (it + 1);
	e->gpr[9] = region.r9;
	e->gpr[10] = it + (p >= 1);
	e->gpr[11] = region.r11;
	e->gpr[12] = region.r12;
	e->gpr[13] = region.r13;
	e->gpr[14] = region.r14;
	e->gpr[15] = region.r15;
}

/* The first differing GPR of a record (in its layout's order), or -1. */
static int gpr_mismatch(const u64 *got, const struct expect_state *e,
			const u8 *order)
{
	for (int i = 0; i < 16; i++)
		if (got[i] != e->gpr[order[i]])
			return i;
	return -1;
}

static bool all_zero(const u8 *p, u64 len)
{
	for (u64 i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static void check_common(const char *what, u64 got_ip, u64 applicable, u64 tsc,
			 const struct pebs_run *run,
			 const struct pebs_outcome *out,
			 const struct expect_state *e)
{
	if (pmu_exact())
		pmu_report_value(got_ip, e->ip, "%s: eventing IP", what);
	else
		report_skip("%s: eventing IP: counts are not exact on this "
			    "host",
			    what);
	pmu_report_value(applicable, pebs_run_counters(run),
			 "%s: applicable counters", what);
	report(tsc > out->tsc_before && tsc < out->tsc_after,
	       "%s: TSC between the RDTSCs around the region (0x%lx)", what,
	       tsc);
}

static void check_gprs(const char *what, const u64 *f, const u8 *order,
		       const struct expect_state *e)
{
	int bad = gpr_mismatch(f + 2, e, order);

	if (!pmu_exact()) {
		report_skip("%s: RFLAGS, RIP, GPRs: counts are not exact on "
			    "this host",
			    what);
		return;
	}
	pmu_report_value(f[0] & (X86_RFLAGS_FIXED | RFLAGS_ZF | X86_RFLAGS_IF),
			 e->rflags, "%s: RFLAGS (bit 1, ZF, IF)", what);
	pmu_report_value(f[1], e->rip,
			 "%s: RIP after the eventing "
			 "instruction",
			 what);
	if (bad < 0)
		report(true, "%s: GPRs the region set", what);
	else
		report(false,
		       "%s: GPRs the region set: slot %d is 0x%lx, "
		       "want 0x%lx",
		       what, bad, f[2 + bad], e->gpr[order[bad]]);
}

static void check_fmt3(const char *what, const u64 *f,
		       const struct pebs_run *run,
		       const struct pebs_outcome *out,
		       const struct expect_state *e)
{
	static const u8 order[16] = { 0, 3, 1,	2,  6,	7,  5,	4,
				      8, 9, 10, 11, 12, 13, 14, 15 };

	check_gprs(what, f, order, e);
	check_common(what, f[0xb0 / 8], f[0x90 / 8], f[0xc0 / 8], run, out, e);
	report(!f[0x98 / 8] && !f[0xa0 / 8] && !f[0xa8 / 8] && !f[0xb8 / 8],
	       "%s: no memory or TSX data (DLA, DSE, latency, TSX 0)", what);
}

static void check_adaptive(const char *what, const u8 *rec,
			   const struct pebs_run *run,
			   const struct pebs_outcome *out,
			   const struct expect_state *e)
{
	static const u8 order[16] = { 0, 1, 2,	3,  4,	5,  6,	7,
				      8, 9, 10, 11, 12, 13, 14, 15 };
	const u64 *basic = (const u64 *)rec;
	bool adaptive = run->adaptive && pebs.baseline;
	u64 cfg = adaptive ? run->data_cfg : 0, off = 32;

	pmu_report_value(basic[0], out->size << 48 | cfg,
			 "%s: size and format (DATA_CFG 0x%lx, adaptive %s)",
			 what, run->data_cfg, run->adaptive ? "on" : "off");
	check_common(what, basic[1], basic[2], basic[3], run, out, e);
	if (cfg & PEBS_CFG_MEMINFO) {
		report(all_zero(rec + off, 32), "%s: memory info group 0",
		       what);
		off += 32;
	}
	if (cfg & PEBS_CFG_GPRS) {
		check_gprs(what, (const u64 *)(rec + off), order, e);
		off += 144;
	}
	if (cfg & PEBS_CFG_XMMS) {
		report(!memcmp(rec + off, xmm_pattern, 256),
		       "%s: XMM0-15 the region set", what);
		off += 256;
	}
	if (cfg & PEBS_CFG_LBRS)
		report(all_zero(rec + off, out->size - off),
		       "%s: %lu LBR entries, all 0", what,
		       (cfg >> PEBS_CFG_LBR_SHIFT) + 1);
}

void pebs_check_record(const struct pebs_run *run,
		       const struct pebs_outcome *out, u64 n, u64 k)
{
	const u8 *rec = pebs_buffer + n * out->size;
	struct expect_state e;
	char what[48];

	snprintf(what, sizeof(what), "%s %u: record %lu",
		 pmu_counter_kind(run->c), run->c.idx, n);
	if (k < 1 || k > 4 * run->loops) {
		report(false, "%s: instruction %lu is outside the loop", what,
		       k);
		return;
	}
	expect_state(run, k, &e);
	if (pebs.format < 4)
		check_fmt3(what, (const u64 *)rec, run, out, &e);
	else
		check_adaptive(what, rec, run, out, &e);
}
