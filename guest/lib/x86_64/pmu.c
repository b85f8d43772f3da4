// SPDX-License-Identifier: GPL-2.0-only
/* The x86 PMU, Intel's or AMD's: what CPUID enumerates, and measured loops. */
#include <stdarg.h>

#include "cmdline.h"
#include "exceptions.h"
#include "hvcheck_abi.h"
#include "pmu.h"
#include "printf.h"
#include "processor.h"
#include "report.h"
#include "string.h"

#define CPUID_PMU_LEAF	   0xa
#define CPUID_AMD_EXT_MAX  0x80000000
#define CPUID_AMD_FEATURES 0x80000001
#define CPUID_AMD_PERFMON  0x80000022
/* Written to and read back from PerfCtr0 to find AMD's legacy counters. */
#define PMU_AMD_PROBE	   0x5a5a5a5aULL
#define PMU_DEFAULT_LOOPS  1000
/* Keeps every count of a region far below 2^31 (legacy writes). */
#define PMU_MAX_LOOPS	   10000000

const struct pmu_event_desc pmu_events[PMU_NR_EVENTS] = {
	[PMU_EV_CORE_CYCLES] = { "core cycles", 0x3c, 0x00, 1, 0x76 },
	[PMU_EV_INSTRUCTIONS] = { "instructions", 0xc0, 0x00, 0, 0xc0 },
	[PMU_EV_REF_CYCLES] = { "reference cycles", 0x3c, 0x01, 2, 0 },
	[PMU_EV_LLC_REFERENCES] = { "LLC references", 0x2e, 0x4f, -1, 0 },
	[PMU_EV_LLC_MISSES] = { "LLC misses", 0x2e, 0x41, -1, 0 },
	[PMU_EV_BRANCHES] = { "branches", 0xc4, 0x00, -1, 0xc2 },
	[PMU_EV_BRANCH_MISSES] = { "branch misses", 0xc5, 0x00, -1, 0 },
	[PMU_EV_TOPDOWN_SLOTS] = { "topdown slots", 0xa4, 0x01, 3, 0 },
};

struct pmu_info pmu;
static bool pmu_enumerated;

static bool vendor_is_amd(void)
{
	struct cpuid_regs r = cpuid(0);

	return (!memcmp(&r.ebx, "Auth", 4) && !memcmp(&r.edx, "enti", 4) &&
		!memcmp(&r.ecx, "cAMD", 4)) ||
	       (!memcmp(&r.ebx, "Hygo", 4) && !memcmp(&r.edx, "nGen", 4) &&
		!memcmp(&r.ecx, "uine", 4));
}

static void init_intel(struct cpuid_regs r)
{
	pmu.version = r.eax & 0xff;
	pmu.nr_gp = (r.eax >> 8) & 0xff;
	pmu.gp_width = (r.eax >> 16) & 0xff;
	pmu.events_len = r.eax >> 24;
	pmu.events_unavailable = r.ebx;
	/* EDX is only defined from version 2 on, ECX from version 5. */
	if (pmu.version >= 2) {
		pmu.nr_fixed = r.edx & 0x1f;
		pmu.fixed_width = (r.edx >> 5) & 0xff;
		pmu.msr_global_ctrl = MSR_IA32_PERF_GLOBAL_CTRL;
		pmu.msr_global_status = MSR_IA32_PERF_GLOBAL_STATUS;
		pmu.msr_global_clear = MSR_IA32_PERF_GLOBAL_OVF_CTRL;
	}
	if (pmu.version >= 4)
		pmu.msr_global_set = MSR_IA32_PERF_GLOBAL_STATUS_SET;
	if (pmu.version >= 5)
		pmu.fixed_bitmap = r.ecx;

	pmu.pdcm = cpuid(1).ecx & CPUID_1_ECX_PDCM;
	if (pmu.pdcm && rdmsr_safe(MSR_IA32_PERF_CAPABILITIES,
				   &pmu.perf_capabilities) != EXC_NONE)
		pmu.perf_capabilities = 0;
}

bool pmu_counter_keeps(u32 msr)
{
	u64 value = 0;

	if (wrmsr_safe(msr, PMU_AMD_PROBE) != EXC_NONE ||
	    rdmsr_safe(msr, &value) != EXC_NONE)
		return false;
	wrmsr_safe(msr, 0);
	return value == PMU_AMD_PROBE;
}

/*
 * AMD enumerates neither the legacy counters nor PerfCtrExtCore's count
 * (6 on hardware, fewer with --pmu-gp-counters): the counters are those
 * that keep a written value, as Linux's check_hw_exists() probes.
 */
static unsigned int amd_probe_counters(void)
{
	unsigned int n = 0;

	if (pmu.amd_core)
		while (n < PMU_AMD_CORE_GP &&
		       pmu_counter_keeps(MSR_F15H_PERF_CTR0 + 2 * n))
			n++;
	else if (pmu_counter_keeps(MSR_K7_PERFCTR0))
		n = PMU_AMD_LEGACY_GP;
	return n;
}

static void init_amd(void)
{
	u32 max = cpuid(CPUID_AMD_EXT_MAX).eax;
	struct cpuid_regs r = { 0 };

	pmu.amd_core = max >= CPUID_AMD_FEATURES &&
		       (cpuid(CPUID_AMD_FEATURES).ecx &
			CPUID_80000001_ECX_PERFCTR_CORE);
	if (max >= CPUID_AMD_PERFMON)
		r = cpuid(CPUID_AMD_PERFMON);
	pmu.amd_v2 = r.eax & CPUID_80000022_EAX_PERFMON_V2;
	pmu.nr_gp = pmu.amd_v2 ? r.ebx & 0xf : amd_probe_counters();
	if (!pmu.nr_gp && !pmu.amd_core && !pmu.amd_v2)
		return;
	pmu.version = pmu.amd_v2 ? 2 : 1;
	pmu.gp_width = PMU_AMD_WIDTH;
	pmu.events_len = PMU_NR_EVENTS;
	for (unsigned int ev = 0; ev < PMU_NR_EVENTS; ev++)
		if (!pmu_events[ev].amd_event)
			pmu.events_unavailable |= BIT(ev);
	if (!pmu.amd_v2)
		return;
	pmu.msr_global_ctrl = MSR_AMD_PERF_CNTR_GLOBAL_CTL;
	pmu.msr_global_status = MSR_AMD_PERF_CNTR_GLOBAL_STATUS;
	pmu.msr_global_clear = MSR_AMD_PERF_CNTR_GLOBAL_STATUS_CLR;
	pmu.msr_global_set = MSR_AMD_PERF_CNTR_GLOBAL_STATUS_SET;
}

static void print_pmu(void)
{
	const char *vpmu = pmu.hvcheck_vpmu ? "hvcheck emulated vPMU" :
					      "not the hvcheck vPMU";

	if (pmu.amd) {
		printf("pmu: AMD, %s, %u counters of %u bits, %s\n",
		       pmu.amd_v2   ? "PerfMonV2" :
		       pmu.amd_core ? "PerfCtrExtCore" :
		       pmu.version  ? "legacy counters" :
				      "no PMU",
		       pmu.nr_gp, pmu.gp_width, vpmu);
		return;
	}
	printf("pmu: version %u, %u GP counters of %u bits, %u fixed of %u "
	       "bits, unavailable events 0x%x of %u, PERF_CAPABILITIES "
	       "0x%lx%s, %s\n",
	       pmu.version, pmu.nr_gp, pmu.gp_width, pmu.nr_fixed,
	       pmu.fixed_width, pmu.events_unavailable, pmu.events_len,
	       pmu.perf_capabilities, pmu.pdcm ? "" : " (no PDCM)", vpmu);
}

/*
 * A CPUID.0AH PMU is Intel's, whatever the vendor (the hvcheck vPMU's
 * Intel model on an AMD host); an AMD CPU without one has AMD's.
 */
void pmu_init(void)
{
	struct cpuid_regs r = { 0 };

	if (pmu_enumerated)
		return;
	if (cpuid(0).eax >= CPUID_PMU_LEAF)
		r = cpuid(CPUID_PMU_LEAF);
	pmu.amd = !(r.eax & 0xff) && vendor_is_amd();
	if (pmu.amd)
		init_amd();
	else
		init_intel(r);
	if (pmu.msr_global_ctrl &&
	    rdmsr_safe(pmu.msr_global_ctrl, &pmu.global_ctrl_at_boot) !=
		    EXC_NONE)
		pmu.global_ctrl_at_boot = 0;

	if (cpuid_hypervisor_is(HV_CPUID_VPMU_BASE, HV_CPUID_VPMU_SIGNATURE) &&
	    cpuid(HV_CPUID_VPMU_BASE).eax >= HV_CPUID_VPMU_FEATURES) {
		pmu.hvcheck_vpmu = true;
		pmu.hvcheck_flags = cpuid(HV_CPUID_VPMU_FEATURES).eax;
	}
	pmu_enumerated = true;
	print_pmu();
}

bool pmu_require(void)
{
	pmu_init();
	if (pmu.amd && !pmu.version) {
		report_skip("AMD CPU without a PMU: neither PerfCtrExtCore "
			    "nor PerfMonV2 in CPUID, and PerfCtr0 (0xc0010004) "
			    "does not keep a written value");
		return false;
	}
	if (!pmu.version) {
		report_skip(
			"no architectural PMU: CPUID.0AH reports version 0");
		return false;
	}
	pmu_reset();
	return true;
}

bool pmu_require_v2(void)
{
	if (pmu.version >= 2)
		return true;
	if (pmu.amd) {
		report_skip("AMD PMU without PerfMonV2 (CPUID 0x80000022 EAX "
			    "bit 0): no PerfCntrGlobal* MSRs");
		return false;
	}
	report_skip("architectural PMU version %u: IA32_PERF_GLOBAL_* and "
		    "fixed counters need version 2",
		    pmu.version);
	return false;
}

u64 pmu_loops(void)
{
	u64 loops = cmdline_get_u64("pmu.loops", PMU_DEFAULT_LOOPS);

	if (loops >= 1 && loops <= PMU_MAX_LOOPS)
		return loops;
	report(false, "pmu.loops=%lu is outside 1..%u, using %u", loops,
	       PMU_MAX_LOOPS, PMU_DEFAULT_LOOPS);
	return PMU_DEFAULT_LOOPS;
}

void pmu_reset(void)
{
	if (pmu.msr_global_ctrl)
		wrmsr(pmu.msr_global_ctrl, 0);
	for (unsigned int i = 0; i < pmu.nr_gp; i++) {
		wrmsr(pmu_evtsel_msr(i), 0);
		wrmsr(pmu_gp_msr(i), 0);
	}
	if (!pmu.msr_global_ctrl)
		return;
	if (!pmu.amd) {
		wrmsr(MSR_IA32_FIXED_CTR_CTRL, 0);
		for (unsigned int i = 0; i < PMU_MAX_FIXED; i++)
			if (pmu_fixed_exists(i))
				wrmsr(MSR_IA32_FIXED_CTR0 + i, 0);
	}
	wrmsr(pmu.msr_global_clear, pmu_global_counters_mask());
}

bool pmu_event_available(enum pmu_event ev)
{
	return ev < pmu.events_len && !(pmu.events_unavailable & BIT(ev));
}

bool pmu_fixed_exists(unsigned int idx)
{
	return idx < PMU_MAX_FIXED &&
	       (idx < pmu.nr_fixed || (pmu.fixed_bitmap & BIT(idx)));
}

unsigned int pmu_first_absent_fixed(void)
{
	unsigned int idx = 0;

	while (idx < PMU_MAX_FIXED && pmu_fixed_exists(idx))
		idx++;
	return idx;
}

bool pmu_full_width_writes(void)
{
	return pmu.amd || (pmu.perf_capabilities & PMU_PERF_CAP_FW_WRITE);
}

bool pmu_exact(void)
{
	return pmu.hvcheck_flags & HV_VPMU_F_EXACT;
}

static u64 width_mask(unsigned int width)
{
	return width >= 64 ? ~0ULL : BIT_ULL(width) - 1;
}

u64 pmu_gp_mask(void)
{
	return width_mask(pmu.gp_width);
}

u64 pmu_fixed_mask(void)
{
	return width_mask(pmu.fixed_width);
}

u32 pmu_gp_msr(unsigned int idx)
{
	if (pmu.amd)
		return pmu.amd_core ? MSR_F15H_PERF_CTR0 + 2 * idx :
				      MSR_K7_PERFCTR0 + idx;
	return (pmu_full_width_writes() ? MSR_IA32_A_PMC0 : MSR_IA32_PMC0) +
	       idx;
}

u32 pmu_evtsel_msr(unsigned int idx)
{
	if (pmu.amd)
		return pmu.amd_core ? MSR_F15H_PERF_CTL0 + 2 * idx :
				      MSR_K7_EVNTSEL0 + idx;
	return MSR_IA32_PERFEVTSEL0 + idx;
}

u64 pmu_evtsel(enum pmu_event ev, u64 rings)
{
	u16 amd = pmu_events[ev].amd_event;

	if (pmu.amd)
		return (amd & 0xff) | PMU_AMD_EVTSEL_HIGH(amd) | rings |
		       PMU_EVTSEL_EN;
	return pmu_events[ev].event | (u64)pmu_events[ev].umask << 8 | rings |
	       PMU_EVTSEL_EN;
}

u64 pmu_global_counters_mask(void)
{
	u64 mask = BIT_ULL(pmu.nr_gp) - 1;

	for (unsigned int i = 0; i < PMU_MAX_FIXED; i++)
		if (pmu_fixed_exists(i))
			mask |= PMU_GLOBAL_FIXED(i);
	return mask;
}

const char *pmu_counter_kind(struct pmu_counter c)
{
	return c.fixed ? "fixed" : "GP";
}

u32 pmu_counter_msr(struct pmu_counter c)
{
	return c.fixed ? MSR_IA32_FIXED_CTR0 + c.idx : pmu_gp_msr(c.idx);
}

u64 pmu_counter_global_bit(struct pmu_counter c)
{
	return c.fixed ? PMU_GLOBAL_FIXED(c.idx) : BIT_ULL(c.idx);
}

u64 pmu_counter_mask(struct pmu_counter c)
{
	return c.fixed ? pmu_fixed_mask() : pmu_gp_mask();
}

enum pmu_event pmu_counter_event(struct pmu_counter c)
{
	if (!c.fixed)
		return PMU_EV_INSTRUCTIONS;
	for (unsigned int ev = 0; ev < PMU_NR_EVENTS; ev++)
		if (pmu_events[ev].fixed == (int)c.idx)
			return ev;
	return PMU_NR_EVENTS;
}

bool pmu_other_counter(struct pmu_counter c, struct pmu_counter *other)
{
	for (unsigned int i = 0; i < pmu.nr_gp; i++) {
		if (!c.fixed && c.idx == i)
			continue;
		*other = (struct pmu_counter){ false, i };
		return true;
	}
	*other = (struct pmu_counter){ true, 0 };
	return !(c.fixed && c.idx == 0) && pmu_fixed_exists(0);
}

void pmu_counter_start_insns(struct pmu_counter c)
{
	u64 evtsel =
		pmu_evtsel(PMU_EV_INSTRUCTIONS, PMU_EVTSEL_USR | PMU_EVTSEL_OS);

	if (c.fixed)
		wrmsr(MSR_IA32_FIXED_CTR_CTRL,
		      PMU_FIXED_FIELD(c.idx, PMU_FIXED_OS | PMU_FIXED_USR));
	else
		wrmsr(pmu_evtsel_msr(c.idx), evtsel);
	if (pmu.msr_global_ctrl)
		wrmsr(pmu.msr_global_ctrl, pmu_counter_global_bit(c));
}

void pmu_for_each_counter(void (*fn)(struct pmu_counter c, u64 loops),
			  u64 loops)
{
	for (unsigned int i = 0; i < pmu.nr_gp; i++)
		fn((struct pmu_counter){ false, i }, loops);
	for (unsigned int i = 0; i < PMU_MAX_FIXED; i++)
		if (pmu_fixed_exists(i))
			fn((struct pmu_counter){ true, i }, loops);
}

int pmu_rdpmc_safe(u32 index, u64 *value)
{
	u32 lo, hi;
	int vector;

	vector = asm_safe("rdpmc", : "=a"(lo), "=d"(hi) : "c"(index));
	if (vector == EXC_NONE)
		*value = lo | (u64)hi << 32;
	return vector;
}

/*
 * The measured loop body, PMU_LOOP_INSNS() counts these: `loops` times
 * nop, dec, jnz, with a numeric label.
 */
#define PMU_ASM_LOOP(label) label ": nop\n\tdec %[loops]\n\tjnz " label "b\n\t"
/* The WRMSR of operands [op_msr], [op_lo], [op_hi]: 3 moves and it. */
#define PMU_ASM_WRMSR(op)              \
	"mov %[" op "_msr], %%ecx\n\t" \
	"mov %[" op "_lo], %%eax\n\t"  \
	"mov %[" op "_hi], %%edx\n\t"  \
	"wrmsr"

u64 pmu_loop(struct pmu_wrmsr start, struct pmu_wrmsr stop, u64 loops)
{
	u32 ecx = start.msr, eax = (u32)start.value;
	u32 edx = (u32)(start.value >> 32);
	u64 tsc = rdtsc();

	asm volatile(
		"wrmsr\n\t" PMU_ASM_LOOP("1") PMU_ASM_WRMSR("stop")
		: [loops] "+r"(loops), "+c"(ecx), "+a"(eax), "+d"(edx)
		: [stop_msr] "rm"(stop.msr), [stop_lo] "rm"((u32)stop.value),
		  [stop_hi] "rm"((u32)(stop.value >> 32))
		: "memory", "cc");
	return rdtsc() - tsc;
}

u64 pmu_loop2(struct pmu_wrmsr start, u64 loops1, struct pmu_wrmsr mid,
	      u64 loops2, struct pmu_wrmsr stop)
{
	u32 ecx = start.msr, eax = (u32)start.value;
	u32 edx = (u32)(start.value >> 32);
	u64 tsc = rdtsc();

	asm volatile(
		"wrmsr\n\t" PMU_ASM_LOOP("1") PMU_ASM_WRMSR(
			"mid") "\n\t"
			       "mov %[loops2], %[loops]\n\t" PMU_ASM_LOOP("2")
				       PMU_ASM_WRMSR("stop")
		: [loops] "+r"(loops1), "+c"(ecx), "+a"(eax), "+d"(edx)
		: [mid_msr] "rm"(mid.msr), [mid_lo] "rm"((u32)mid.value),
		  [mid_hi] "rm"((u32)(mid.value >> 32)), [loops2] "rm"(loops2),
		  [stop_msr] "rm"(stop.msr), [stop_lo] "rm"((u32)stop.value),
		  [stop_hi] "rm"((u32)(stop.value >> 32))
		: "memory", "cc");
	return rdtsc() - tsc;
}

void pmu_gp_arm(unsigned int idx, u64 evtsel, struct pmu_wrmsr *start,
		struct pmu_wrmsr *stop)
{
	u32 msr = pmu_evtsel_msr(idx);

	evtsel |= PMU_EVTSEL_EN;
	if (pmu.msr_global_ctrl) {
		wrmsr(msr, evtsel);
		*start =
			(struct pmu_wrmsr){ pmu.msr_global_ctrl, BIT_ULL(idx) };
		*stop = (struct pmu_wrmsr){ pmu.msr_global_ctrl, 0 };
		return;
	}
	wrmsr(msr, evtsel & ~PMU_EVTSEL_EN);
	*start = (struct pmu_wrmsr){ msr, evtsel };
	*stop = (struct pmu_wrmsr){ msr, evtsel & ~PMU_EVTSEL_EN };
}

void pmu_fixed_arm(unsigned int idx, u64 bits, struct pmu_wrmsr *start,
		   struct pmu_wrmsr *stop)
{
	wrmsr(MSR_IA32_FIXED_CTR_CTRL, PMU_FIXED_FIELD(idx, bits));
	*start = (struct pmu_wrmsr){ MSR_IA32_PERF_GLOBAL_CTRL,
				     PMU_GLOBAL_FIXED(idx) };
	*stop = (struct pmu_wrmsr){ MSR_IA32_PERF_GLOBAL_CTRL, 0 };
}

struct pmu_expect pmu_loop_expect(u64 loops, u64 tsc)
{
	return (struct pmu_expect){
		.insns = PMU_LOOP_INSNS(loops),
		.insns_floor = PMU_LOOP_BODY_INSNS(loops),
		.branches = PMU_LOOP_BRANCHES(loops),
		.branches_floor = PMU_LOOP_BRANCHES(loops),
		.tsc = tsc,
	};
}

/*
 * Upper bounds for real PMUs.  Instructions and branches: KVM may add
 * an emulated instruction or two around each VM exit.  Cycles: a core
 * can run well above its TSC rate in turbo; topdown slots are cycles
 * times the issue width (at most 8).  The LLC and miss events have no
 * architectural lower bound for a loop that touches no data.
 */
static u64 slack(u64 exact)
{
	return exact + exact / 8 + 64;
}

static bool count_in_bounds(enum pmu_event ev, u64 count,
			    const struct pmu_expect *e, u64 *lo, u64 *hi)
{
	u64 cycles = 4 * e->tsc + 4096;

	*lo = 0;
	switch (ev) {
	case PMU_EV_INSTRUCTIONS:
		*lo = pmu_exact() ? e->insns : e->insns_floor;
		*hi = pmu_exact() ? e->insns : slack(e->insns);
		break;
	case PMU_EV_BRANCHES:
		*lo = pmu_exact() ? e->branches : e->branches_floor;
		*hi = pmu_exact() ? e->branches : slack(e->branches);
		break;
	case PMU_EV_CORE_CYCLES:
	case PMU_EV_REF_CYCLES:
		*lo = 1;
		*hi = cycles;
		break;
	case PMU_EV_TOPDOWN_SLOTS:
		*lo = 1;
		*hi = 8 * cycles;
		break;
	case PMU_EV_BRANCH_MISSES:
		*hi = slack(e->branches);
		break;
	default:
		*hi = slack(e->insns);
		break;
	}
	return count >= *lo && count <= *hi;
}

bool pmu_user_unstepped(void)
{
	return pmu.hvcheck_flags & HV_VPMU_F_USER_UNSTEPPED;
}

bool pmu_count_ok(enum pmu_event ev, u64 count, const struct pmu_expect *expect)
{
	u64 lo, hi;

	return count_in_bounds(ev, count, expect, &lo, &hi);
}

void pmu_report_count(enum pmu_event ev, u64 count,
		      const struct pmu_expect *expect, const char *fmt, ...)
{
	bool exact = pmu_exact() &&
		     (ev == PMU_EV_INSTRUCTIONS || ev == PMU_EV_BRANCHES);
	char what[160];
	u64 lo, hi;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (count_in_bounds(ev, count, expect, &lo, &hi))
		report(true, "%s (%s)", what, exact ? "exact" : "bounds");
	else if (exact)
		report(false, "%s (exact), got %lu, expected %lu", what, count,
		       lo);
	else
		report(false, "%s (bounds), got %lu, expected %lu..%lu", what,
		       count, lo, hi);
}

void pmu_report_value(u64 got, u64 want, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (got == want)
		report(true, "%s", what);
	else
		report(false, "%s, got 0x%lx, expected 0x%lx", what, got, want);
}

void pmu_report_vector(int got, int want, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (got == want)
		report(true, "%s: %s", what, exception_text(want));
	else
		report(false, "%s: %s, got %s", what, exception_text(want),
		       exception_text(got));
}
