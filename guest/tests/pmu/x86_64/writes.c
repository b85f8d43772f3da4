// SPDX-License-Identifier: GPL-2.0-only
/* pmu.writes: counter write widths, reserved bits, absent and read-only MSRs. */
#include "exceptions.h"
#include "pmu.h"
#include "processor.h"
#include "report.h"
#include "test.h"

/* Bit 31 clear, junk in 47:32: legacy writes take bits 31:0 only. */
#define LEGACY_POSITIVE 0x00005a5a7ffffff0ULL
#define LEGACY_NEGATIVE 0x0000000080000001ULL
#define FULL_WIDTH	0x0000432187654321ULL
#define EVTSEL_RESERVED BIT_ULL(63)
#define CTRL_RESERVED	BIT_ULL(63)

/* A PERFEVTSEL value that counts nothing (EN clear) but sets fields. */
#define EVTSEL_PATTERN                                            \
	(0xc0 | PMU_EVTSEL_USR | PMU_EVTSEL_OS | PMU_EVTSEL_INT | \
	 (0x5aULL << 24))

static void check_gp_writes(unsigned int i)
{
	u32 pmc = MSR_IA32_PMC0 + i, apmc = MSR_IA32_A_PMC0 + i;
	u32 evtsel = MSR_IA32_PERFEVTSEL0 + i;
	u64 value = 0;

	wrmsr(evtsel, EVTSEL_PATTERN);
	pmu_report_value(rdmsr(evtsel), EVTSEL_PATTERN,
			 "PERFEVTSEL%u reads back what was written", i);
	pmu_report_vector(wrmsr_safe(evtsel, EVTSEL_PATTERN | EVTSEL_RESERVED),
			  GP_VECTOR, "PERFEVTSEL%u with reserved bit 63", i);
	pmu_report_value(rdmsr(evtsel), EVTSEL_PATTERN,
			 "PERFEVTSEL%u: the refused write changed nothing", i);
	if (pmu.version < 3)
		pmu_report_vector(
			wrmsr_safe(evtsel,
				   EVTSEL_PATTERN | PMU_EVTSEL_ANYTHREAD),
			GP_VECTOR,
			"PERFEVTSEL%u with AnyThread (bit 21, version "
			"3 and later)",
			i);
	wrmsr(evtsel, 0);

	wrmsr(pmc, LEGACY_POSITIVE);
	pmu_report_value(rdmsr(pmc), LEGACY_POSITIVE & 0xffffffffULL,
			 "PMC%u legacy write: bits 31:0 only, bit 31 clear is "
			 "not extended",
			 i);
	wrmsr(pmc, LEGACY_NEGATIVE);
	pmu_report_value(rdmsr(pmc),
			 (u64)(s64)(s32)LEGACY_NEGATIVE & pmu_gp_mask(),
			 "PMC%u legacy write: bit 31 is sign-extended to the "
			 "counter width",
			 i);

	if (!pmu_full_width_writes()) {
		pmu_report_vector(rdmsr_safe(apmc, &value), GP_VECTOR,
				  "A_PMC%u read without full-width writes", i);
		pmu_report_vector(wrmsr_safe(apmc, 0), GP_VECTOR,
				  "A_PMC%u write without full-width writes", i);
		return;
	}
	wrmsr(apmc, FULL_WIDTH & pmu_gp_mask());
	value = rdmsr(apmc);
	if (value == (FULL_WIDTH & pmu_gp_mask()))
		value = rdmsr(pmc);
	pmu_report_value(value, FULL_WIDTH & pmu_gp_mask(),
			 "A_PMC%u full-width write: all bits, read through "
			 "A_PMC%u and PMC%u",
			 i, i, i);
	if (pmu.gp_width < 64)
		pmu_report_vector(wrmsr_safe(apmc, BIT_ULL(pmu.gp_width)),
				  GP_VECTOR,
				  "A_PMC%u full-width write above the counter "
				  "width",
				  i);
	wrmsr(pmc, 0);
}

/* Counters past what CPUID.0AH enumerates do not exist. */
static void check_absent_gp(void)
{
	unsigned int i = pmu.nr_gp;
	u64 value;

	/* IA32_PMC7 and IA32_PERFEVTSEL7 are the last architectural MSRs. */
	if (i >= 8) {
		report_skip("all 8 architectural GP counters exist");
		return;
	}
	pmu_report_vector(rdmsr_safe(MSR_IA32_PMC0 + i, &value), GP_VECTOR,
			  "PMC%u read (beyond CPUID.0AH)", i);
	pmu_report_vector(wrmsr_safe(MSR_IA32_PMC0 + i, 0), GP_VECTOR,
			  "PMC%u write (beyond CPUID.0AH)", i);
	pmu_report_vector(rdmsr_safe(MSR_IA32_PERFEVTSEL0 + i, &value),
			  GP_VECTOR, "PERFEVTSEL%u read (beyond CPUID.0AH)", i);
	pmu_report_vector(wrmsr_safe(MSR_IA32_PERFEVTSEL0 + i, 0), GP_VECTOR,
			  "PERFEVTSEL%u write (beyond CPUID.0AH)", i);
	if (pmu_full_width_writes())
		pmu_report_vector(wrmsr_safe(MSR_IA32_A_PMC0 + i, 0), GP_VECTOR,
				  "A_PMC%u write (beyond CPUID.0AH)", i);
}

static void check_fixed_writes(unsigned int i)
{
	u32 msr = MSR_IA32_FIXED_CTR0 + i;

	wrmsr(msr, FULL_WIDTH & pmu_fixed_mask());
	pmu_report_value(rdmsr(msr), FULL_WIDTH & pmu_fixed_mask(),
			 "FIXED_CTR%u keeps a full-width write", i);
	wrmsr(msr, 0);
}

static void check_fixed_ctrl(void)
{
	unsigned int absent = pmu_first_absent_fixed();
	u64 ctrl = 0, value;

	for (unsigned int i = 0; i < absent; i++)
		ctrl |= PMU_FIXED_FIELD(i, PMU_FIXED_OS | PMU_FIXED_PMI);
	wrmsr(MSR_IA32_FIXED_CTR_CTRL, ctrl);
	pmu_report_value(rdmsr(MSR_IA32_FIXED_CTR_CTRL), ctrl,
			 "FIXED_CTR_CTRL reads back OS and PMI of every fixed "
			 "counter");
	wrmsr(MSR_IA32_FIXED_CTR_CTRL, 0);
	if (pmu.version < 3 && absent)
		pmu_report_vector(
			wrmsr_safe(MSR_IA32_FIXED_CTR_CTRL,
				   PMU_FIXED_FIELD(0, PMU_FIXED_ANYTHREAD)),
			GP_VECTOR,
			"FIXED_CTR_CTRL with AnyThread (version 3 and "
			"later)");
	pmu_report_vector(wrmsr_safe(MSR_IA32_FIXED_CTR_CTRL, CTRL_RESERVED),
			  GP_VECTOR, "FIXED_CTR_CTRL with reserved bit 63");
	/* FIXED_CTR3 (0x30c) is the last architectural fixed counter MSR. */
	if (absent < 4) {
		pmu_report_vector(
			wrmsr_safe(MSR_IA32_FIXED_CTR_CTRL,
				   PMU_FIXED_FIELD(absent, PMU_FIXED_OS)),
			GP_VECTOR,
			"FIXED_CTR_CTRL enabling fixed counter %u "
			"(beyond CPUID.0AH)",
			absent);
		pmu_report_vector(
			rdmsr_safe(MSR_IA32_FIXED_CTR0 + absent, &value),
			GP_VECTOR, "FIXED_CTR%u read (beyond CPUID.0AH)",
			absent);
		pmu_report_vector(wrmsr_safe(MSR_IA32_FIXED_CTR0 + absent, 0),
				  GP_VECTOR,
				  "FIXED_CTR%u write (beyond CPUID.0AH)",
				  absent);
	}
}

/* GLOBAL_CTRL and GLOBAL_OVF_CTRL take only existing counters' bits. */
static void check_global_reserved(u32 msr, const char *name)
{
	unsigned int absent = pmu_first_absent_fixed();

	if (pmu.nr_gp < 32)
		pmu_report_vector(wrmsr_safe(msr, BIT_ULL(pmu.nr_gp)),
				  GP_VECTOR,
				  "%s with the bit of GP counter %u (beyond "
				  "%s)",
				  name, pmu.nr_gp,
				  pmu.amd ? "NumCorePmc" : "CPUID.0AH");
	if (absent < PMU_MAX_FIXED && !pmu.amd)
		pmu_report_vector(wrmsr_safe(msr, PMU_GLOBAL_FIXED(absent)),
				  GP_VECTOR,
				  "%s with the bit of fixed counter %u (beyond "
				  "CPUID.0AH)",
				  name, absent);
}

static void check_read_only(void)
{
	u64 value = 0;

	pmu_report_vector(wrmsr_safe(MSR_IA32_PERF_GLOBAL_STATUS, 0), GP_VECTOR,
			  "GLOBAL_STATUS write (read-only)");
	if (!pmu.pdcm) {
		pmu_report_vector(rdmsr_safe(MSR_IA32_PERF_CAPABILITIES,
					     &value),
				  GP_VECTOR,
				  "PERF_CAPABILITIES read without CPUID.1:ECX."
				  "PDCM");
		return;
	}
	pmu_report_vector(rdmsr_safe(MSR_IA32_PERF_CAPABILITIES, &value),
			  EXC_NONE, "PERF_CAPABILITIES read with PDCM");
	pmu_report_vector(wrmsr_safe(MSR_IA32_PERF_CAPABILITIES,
				     pmu.perf_capabilities),
			  GP_VECTOR, "PERF_CAPABILITIES write (read-only)");
}

/*
 * AMD PerfEvtSel: event select 11:8 in 35:32; 19, 21 and 63:42 reserved
 * (39:36 too, as KVM masks them).  KVM and hvcheck's model drop such
 * bits, older KVMs #GP: either way the bit is never stored.
 */
#define AMD_EVTSEL_PATTERN (EVTSEL_PATTERN | PMU_AMD_EVTSEL_HIGH(0x100))
static const u64 amd_evtsel_reserved[] = { BIT_ULL(19), BIT_ULL(21),
					   BIT_ULL(36), BIT_ULL(63) };

static void check_amd_reserved(u32 evtsel, unsigned int i, u64 bit)
{
	int vector = wrmsr_safe(evtsel, AMD_EVTSEL_PATTERN | bit);
	u64 got = rdmsr(evtsel);

	if ((vector == EXC_NONE || vector == GP_VECTOR) &&
	    got == AMD_EVTSEL_PATTERN)
		report(true,
		       "PerfEvtSel%u with reserved bit %u: refused or dropped, "
		       "never stored",
		       i, __builtin_ctzll(bit));
	else
		report(false,
		       "PerfEvtSel%u with reserved bit %u: refused or dropped, "
		       "never stored, got %s and 0x%lx",
		       i, __builtin_ctzll(bit), exception_text(vector), got);
}

static void check_amd_gp_writes(unsigned int i)
{
	u32 evtsel = pmu_evtsel_msr(i), ctr = pmu_gp_msr(i);

	wrmsr(evtsel, AMD_EVTSEL_PATTERN);
	pmu_report_value(rdmsr(evtsel), AMD_EVTSEL_PATTERN,
			 "PerfEvtSel%u reads back a 12-bit event select and "
			 "its fields",
			 i);
	for (unsigned int b = 0; b < ARRAY_SIZE(amd_evtsel_reserved); b++) {
		wrmsr(evtsel, AMD_EVTSEL_PATTERN);
		check_amd_reserved(evtsel, i, amd_evtsel_reserved[b]);
	}
	wrmsr(evtsel, 0);
	wrmsr(ctr, FULL_WIDTH);
	pmu_report_value(rdmsr(ctr), FULL_WIDTH,
			 "PerfCtr%u keeps a 48-bit write", i);
	wrmsr(ctr, 0);
}

/*
 * PerfCtrExtCore's MSRs: legacy counter i is extended counter i, both
 * ways; without PerfCtrExtCore they do not exist.  Past the counters
 * there are none.
 */
static void check_amd_alias_msrs(unsigned int i)
{
	wrmsr(MSR_F15H_PERF_CTL0 + 2 * i, EVTSEL_PATTERN);
	pmu_report_value(rdmsr(MSR_K7_EVNTSEL0 + i), EVTSEL_PATTERN,
			 "extended PerfEvtSel%u reads through legacy "
			 "PerfEvtSel%u",
			 i, i);
	wrmsr(MSR_K7_PERFCTR0 + i, FULL_WIDTH);
	pmu_report_value(rdmsr(MSR_F15H_PERF_CTR0 + 2 * i), FULL_WIDTH,
			 "legacy PerfCtr%u reads through extended PerfCtr%u", i,
			 i);
	wrmsr(MSR_K7_PERFCTR0 + i, 0);
	wrmsr(MSR_K7_EVNTSEL0 + i, 0);
}

static void check_amd_absent(u32 ctl, u32 ctr, const char *why)
{
	u64 value;

	pmu_report_vector(rdmsr_safe(ctl, &value), GP_VECTOR,
			  "MSR 0x%x (PerfEvtSel) read, %s", ctl, why);
	pmu_report_vector(wrmsr_safe(ctl, 0), GP_VECTOR,
			  "MSR 0x%x (PerfEvtSel) write, %s", ctl, why);
	pmu_report_vector(rdmsr_safe(ctr, &value), GP_VECTOR,
			  "MSR 0x%x (PerfCtr) read, %s", ctr, why);
	pmu_report_vector(wrmsr_safe(ctr, 0), GP_VECTOR,
			  "MSR 0x%x (PerfCtr) write, %s", ctr, why);
}

/*
 * PerfCntrGlobalCtl #GPs with an absent counter's bit; StatusSet (KVM:
 * no #GP) sets no status bit of an absent counter.
 */
static void check_amd_global(void)
{
	pmu_report_vector(wrmsr_safe(pmu.msr_global_status, 0), GP_VECTOR,
			  "PerfCntrGlobalStatus write (read-only)");
	check_global_reserved(pmu.msr_global_ctrl, "PerfCntrGlobalCtl");
	if (pmu.nr_gp >= 32)
		return;
	wrmsr_safe(pmu.msr_global_set, BIT_ULL(pmu.nr_gp));
	pmu_report_value(rdmsr(pmu.msr_global_status), 0,
			 "PerfCntrGlobalStatusSet sets no status bit for "
			 "counter %u (beyond NumCorePmc)",
			 pmu.nr_gp);
	wrmsr(pmu.msr_global_clear, pmu_global_counters_mask());
}

static void test_writes_amd(void)
{
	for (unsigned int i = 0; i < pmu.nr_gp; i++)
		check_amd_gp_writes(i);
	if (!pmu.amd_core)
		check_amd_absent(MSR_F15H_PERF_CTL0, MSR_F15H_PERF_CTR0,
				 "without PerfCtrExtCore");
	else if (pmu.nr_gp < PMU_AMD_CORE_GP)
		check_amd_absent(MSR_F15H_PERF_CTL0 + 2 * pmu.nr_gp,
				 MSR_F15H_PERF_CTR0 + 2 * pmu.nr_gp,
				 "past the counters");
	if (pmu.amd_core)
		for (unsigned int i = 0; i < MIN(pmu.nr_gp, PMU_AMD_LEGACY_GP);
		     i++)
			check_amd_alias_msrs(i);
	if (pmu.amd_v2)
		check_amd_global();
	pmu_reset();
}

static void test_writes(void)
{
	if (!pmu_require())
		return;
	if (pmu.amd) {
		test_writes_amd();
		return;
	}
	for (unsigned int i = 0; i < pmu.nr_gp; i++)
		check_gp_writes(i);
	check_absent_gp();
	check_read_only();
	if (pmu.version >= 2) {
		for (unsigned int i = 0; i < PMU_MAX_FIXED; i++)
			if (pmu_fixed_exists(i))
				check_fixed_writes(i);
		check_fixed_ctrl();
		check_global_reserved(MSR_IA32_PERF_GLOBAL_CTRL, "GLOBAL_CTRL");
		check_global_reserved(MSR_IA32_PERF_GLOBAL_OVF_CTRL,
				      "GLOBAL_OVF_CTRL");
	}
	pmu_reset();
}
DEFINE_TEST(test_writes, "pmu.writes");
