// SPDX-License-Identifier: GPL-2.0-only
/* pmu.rdpmc: RDPMC of GP and fixed counters, its #GPs, CR4.PCE at CPL3. */
#include "exceptions.h"
#include "hvcheck_abi.h"
#include "pmu.h"
#include "processor.h"
#include "report.h"
#include "test.h"
#include "usermode.h"

/* Distinct per counter, bit 31 set: legacy writes sign-extend it. */
#define PRESET_GP_LEGACY 0x80001230UL
#define PRESET_FULL	 0xa5a580001230ULL

/* What RDPMC at CPL3 gave; all guest memory is user-accessible. */
static struct {
	int vector;
	u64 value;
} user_result;

static u32 rdpmc_index(struct pmu_counter c)
{
	return c.fixed ? PMU_RDPMC_FIXED | c.idx : c.idx;
}

/* Writes a value unique to c and returns what the counter holds then. */
static u64 preset(struct pmu_counter c)
{
	u64 v = PRESET_FULL + (c.fixed ? 0x100 : 0) + c.idx;

	if (!c.fixed && !pmu_full_width_writes())
		v = (u64)(s64)(s32)(PRESET_GP_LEGACY + c.idx);
	wrmsr(pmu_counter_msr(c), v);
	return v & pmu_counter_mask(c);
}

/*
 * c holds a preset value (*want) and does not count; another counter
 * counts instructions, so the emulated vPMU single-steps and sees the
 * RDPMC.  False when there is no other counter: then the emulated vPMU
 * does not see the RDPMC, which KVM answers as it does without a vPMU
 * (HV_VPMU_F_RDPMC_WHILE_STEPPING).
 */
static bool preset_with_other_counting(struct pmu_counter c, u64 *want)
{
	struct pmu_counter other;

	pmu_reset();
	*want = preset(c);
	if (!pmu_other_counter(c, &other))
		return false;
	pmu_counter_start_insns(other);
	return true;
}

static void report_preset_read(bool stepped, int vector, u64 got, u64 want,
			       struct pmu_counter c, const char *how)
{
	const char *kind = pmu_counter_kind(c);

	if (!stepped && (pmu.hvcheck_flags & HV_VPMU_F_RDPMC_WHILE_STEPPING))
		report_xfail(true, vector == EXC_NONE && got == want,
			     "%s: RDPMC of %s counter %u returns its value "
			     "(emulated vPMU: RDPMC works only while another "
			     "counter counts instructions, and none exists)",
			     how, kind, c.idx);
	else if (vector != EXC_NONE)
		pmu_report_vector(vector, EXC_NONE,
				  "%s: RDPMC of %s counter %u", how, kind,
				  c.idx);
	else
		pmu_report_value(got, want,
				 "%s: RDPMC of %s counter %u returns its value",
				 how, kind, c.idx);
}

static void check_cpl0(struct pmu_counter c, u64 loops)
{
	u64 want, got = 0;
	bool stepped;
	int vector;

	(void)loops;
	stepped = preset_with_other_counting(c, &want);
	write_cr4(read_cr4() & ~X86_CR4_PCE);
	vector = pmu_rdpmc_safe(rdpmc_index(c), &got);
	pmu_reset();
	report_preset_read(stepped, vector, got, want, c, "CPL0, CR4.PCE=0");
}

/*
 * WRMSR(start); loop; mov index, %ecx; RDPMC; 2 x mov; 3 x mov;
 * WRMSR(stop).  RDPMC reads before it retires: it sees the loop and
 * the mov.  Returns the vector RDPMC raised, or EXC_NONE.
 */
static int rdpmc_in_loop(struct pmu_wrmsr start, struct pmu_wrmsr stop,
			 u64 loops, u32 index, u64 *value)
{
	u32 ecx = start.msr, eax = (u32)start.value;
	u32 edx = (u32)(start.value >> 32);
	u32 lo, hi;

	exception_reset();
	asm volatile("wrmsr\n\t"
		     "1: nop\n\t"
		     "dec %[loops]\n\t"
		     "jnz 1b\n\t"
		     "mov %[index], %%ecx\n\t"
		     "2: rdpmc\n\t"
		     "mov %%eax, %[lo]\n\t"
		     "mov %%edx, %[hi]\n\t"
		     "3: mov %[stop_msr], %%ecx\n\t"
		     "mov %[stop_lo], %%eax\n\t"
		     "mov %[stop_hi], %%edx\n\t"
		     "wrmsr\n\t" ASM_EXTABLE("2b", "3b")
		     : [loops] "+r"(loops), "+c"(ecx), "+a"(eax),
		       "+d"(edx), [lo] "=&r"(lo), [hi] "=&r"(hi)
		     : [index] "rm"(index), [stop_msr] "rm"(stop.msr),
		       [stop_lo] "rm"((u32)stop.value),
		       [stop_hi] "rm"((u32)(stop.value >> 32))
		     : "memory", "cc");
	if (exception_vector() == EXC_NONE)
		*value = lo | (u64)hi << 32;
	return exception_vector();
}

/* RDPMC of a counter counting instructions, in the middle of a region. */
static void check_running(struct pmu_counter c, u64 loops)
{
	struct pmu_wrmsr start, stop;
	struct pmu_expect expect = {
		.insns = PMU_LOOP_BODY_INSNS(loops) + 1,
		.insns_floor = PMU_LOOP_BODY_INSNS(loops),
	};
	u64 value = 0;
	int vector;

	if (pmu_counter_event(c) != PMU_EV_INSTRUCTIONS)
		return;
	pmu_reset();
	if (c.fixed)
		pmu_fixed_arm(c.idx, PMU_FIXED_OS | PMU_FIXED_USR, &start,
			      &stop);
	else
		pmu_gp_arm(c.idx,
			   pmu_evtsel(PMU_EV_INSTRUCTIONS,
				      PMU_EVTSEL_USR | PMU_EVTSEL_OS),
			   &start, &stop);
	vector = rdpmc_in_loop(start, stop, loops, rdpmc_index(c), &value);
	pmu_reset();
	if (vector != EXC_NONE)
		pmu_report_vector(vector, EXC_NONE,
				  "RDPMC of running %s counter %u",
				  pmu_counter_kind(c), c.idx);
	else
		pmu_report_count(PMU_EV_INSTRUCTIONS, value, &expect,
				 "RDPMC of running %s counter %u reads the "
				 "instructions retired so far",
				 pmu_counter_kind(c), c.idx);
}

static u64 user_rdpmc(u64 index)
{
	user_result.value = 0;
	user_result.vector = pmu_rdpmc_safe(index, &user_result.value);
	return 0;
}

static void rdpmc_at_cpl3(struct pmu_counter c, bool pce)
{
	u64 cr4 = read_cr4();

	write_cr4(pce ? cr4 | X86_CR4_PCE : cr4 & ~X86_CR4_PCE);
	usermode_call(user_rdpmc, rdpmc_index(c));
	write_cr4(cr4);
}

static void check_cpl3(struct pmu_counter c, u64 loops)
{
	bool stepped;
	u64 want;

	(void)loops;
	stepped = preset_with_other_counting(c, &want);
	rdpmc_at_cpl3(c, true);
	pmu_reset();
	if (pmu_user_unstepped())
		report_xfail(true,
			     user_result.vector == EXC_NONE &&
				     user_result.value == want,
			     "CPL3, CR4.PCE=1: RDPMC of %s counter %u returns "
			     "its value (emulated vPMU: this KVM does not "
			     "single-step CPL3 code, so the RDPMC reaches KVM, "
			     "which has no vPMU)",
			     pmu_counter_kind(c), c.idx);
	else
		report_preset_read(stepped, user_result.vector,
				   user_result.value, want, c,
				   "CPL3, CR4.PCE=1");
}

static void check_cpl3_no_pce(struct pmu_counter c)
{
	u64 want;

	preset_with_other_counting(c, &want);
	rdpmc_at_cpl3(c, false);
	pmu_reset();
	pmu_report_vector(user_result.vector, GP_VECTOR,
			  "CPL3, CR4.PCE=0: RDPMC of %s counter %u",
			  pmu_counter_kind(c), c.idx);
}

static int rdpmc_vector(struct pmu_counter driver, u32 index)
{
	u64 value;
	int vector;

	pmu_reset();
	pmu_counter_start_insns(driver);
	vector = pmu_rdpmc_safe(index, &value);
	pmu_reset();
	return vector;
}

/* AMD: indexes past the core counters (6-9 NB, 10-15 L2I when those exist). */
#define AMD_RDPMC_INVALID 32

static void check_invalid_indexes(void)
{
	struct pmu_counter gp0 = { false, 0 };
	unsigned int fixed = pmu_first_absent_fixed();

	if (pmu.amd) {
		pmu_report_vector(rdpmc_vector(gp0, pmu.nr_gp), GP_VECTOR,
				  "RDPMC of counter %u (beyond the AMD PMU's "
				  "%u)",
				  pmu.nr_gp, pmu.nr_gp);
		pmu_report_vector(rdpmc_vector(gp0, AMD_RDPMC_INVALID),
				  GP_VECTOR,
				  "RDPMC of counter %u (no such "
				  "AMD counter)",
				  AMD_RDPMC_INVALID);
		return;
	}
	pmu_report_vector(rdpmc_vector(gp0, PMU_RDPMC_FAST), GP_VECTOR,
			  "RDPMC with ECX bit 31 (\"fast\", reserved with an "
			  "architectural PMU)");
	pmu_report_vector(rdpmc_vector(gp0, pmu.nr_gp), GP_VECTOR,
			  "RDPMC of GP counter %u (beyond CPUID.0AH)",
			  pmu.nr_gp);
	if (fixed < PMU_MAX_FIXED)
		pmu_report_vector(
			rdpmc_vector(gp0, PMU_RDPMC_FIXED | fixed), GP_VECTOR,
			"RDPMC of fixed counter %u (beyond CPUID.0AH)", fixed);
}

/*
 * RDPMC while only cycles count.  The emulated vPMU single-steps only
 * while instructions or branches count; otherwise KVM answers RDPMC (a
 * #GP without an in-kernel vPMU on Intel, its own, idle counter on
 * AMD): a known gap, said so.
 */
static void check_cycles_only(void)
{
	bool gap = pmu.hvcheck_flags & HV_VPMU_F_RDPMC_WHILE_STEPPING;
	struct pmu_counter c = { true, 1 };
	u64 value = 0;
	int vector;

	pmu_reset();
	if (pmu_fixed_exists(1)) {
		wrmsr(MSR_IA32_FIXED_CTR_CTRL,
		      PMU_FIXED_FIELD(1, PMU_FIXED_OS | PMU_FIXED_USR));
	} else if (pmu_event_available(PMU_EV_CORE_CYCLES)) {
		c = (struct pmu_counter){ false, 0 };
		wrmsr(pmu_evtsel_msr(0),
		      pmu_evtsel(PMU_EV_CORE_CYCLES,
				 PMU_EVTSEL_USR | PMU_EVTSEL_OS));
	} else {
		report_skip("no counter counts core cycles");
		return;
	}
	if (pmu.msr_global_ctrl)
		wrmsr(pmu.msr_global_ctrl, pmu_counter_global_bit(c));
	vector = pmu_rdpmc_safe(rdpmc_index(c), &value);
	pmu_reset();
	if (gap)
		report_xfail(true, vector == EXC_NONE && value,
			     "RDPMC of a running core cycles counter, nothing "
			     "else counting (emulated vPMU: RDPMC works only "
			     "while it single-steps)");
	else if (vector != EXC_NONE)
		pmu_report_vector(vector, EXC_NONE,
				  "RDPMC of a running core cycles counter, "
				  "nothing else counting");
	else
		report(value > 0,
		       "RDPMC of a running core cycles counter, nothing else "
		       "counting, reads a count");
}

static void test_rdpmc(void)
{
	u64 loops = pmu_loops();

	if (!pmu_require())
		return;
	pmu_for_each_counter(check_cpl0, loops);
	pmu_for_each_counter(check_running, loops);
	pmu_for_each_counter(check_cpl3, loops);
	check_cpl3_no_pce((struct pmu_counter){ false, 0 });
	if (pmu_fixed_exists(0))
		check_cpl3_no_pce((struct pmu_counter){ true, 0 });
	check_invalid_indexes();
	check_cycles_only();
	pmu_reset();
}
DEFINE_TEST(test_rdpmc, "pmu.rdpmc");
