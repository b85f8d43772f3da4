// SPDX-License-Identifier: GPL-2.0-only
/* pmu.absent: with no PMU (Intel's or AMD's) its MSRs and RDPMC #GP. */
#include "exceptions.h"
#include "hvcheck_abi.h"
#include "pmu.h"
#include "processor.h"
#include "report.h"
#include "test.h"

struct pmu_msr {
	u32 msr;
	const char *name;
};

static const struct pmu_msr msrs[] = {
	{ MSR_IA32_PMC0, "IA32_PMC0" },
	{ MSR_IA32_PERFEVTSEL0, "IA32_PERFEVTSEL0" },
	{ MSR_IA32_A_PMC0, "IA32_A_PMC0" },
	{ MSR_IA32_FIXED_CTR0, "IA32_FIXED_CTR0" },
	{ MSR_IA32_FIXED_CTR_CTRL, "IA32_FIXED_CTR_CTRL" },
	{ MSR_IA32_PERF_GLOBAL_STATUS, "IA32_PERF_GLOBAL_STATUS" },
	{ MSR_IA32_PERF_GLOBAL_CTRL, "IA32_PERF_GLOBAL_CTRL" },
	{ MSR_IA32_PERF_GLOBAL_OVF_CTRL, "IA32_PERF_GLOBAL_OVF_CTRL" },
};

/*
 * Known deviations from "#GP", each checked only where it applies so
 * that anywhere else the same check is a plain FAIL:
 * - KVM without a vPMU reads 0 from, and drops writes to, the P6 MSRs
 *   PERFCTR0/1 and EVNTSEL0/1 (kvm_get/set_msr_common), which old guests
 *   probe without looking at CPUID;
 * - QEMU's TCG reads 0 from, and ignores writes to, MSRs it does not
 *   know, and raises #UD for RDPMC, which it does not implement (with
 *   an Intel CPU model; its default one is AMD, which SKIPs);
 * - hvcheck's model of no PMU sees RDPMC only while it single-steps,
 *   which it never does with nothing counting: KVM answers it, with a
 *   #GP where it has no vPMU on Intel, from its own counters on AMD.
 */
static const char *known_gap(u32 msr, bool rdpmc)
{
	if (cpuid_hypervisor_is(CPUID_HYPERVISOR_LEAF, "TCGTCGTCGTCG"))
		return "QEMU TCG does not fault unknown MSRs or RDPMC";
	if (rdpmc && (pmu.hvcheck_flags & HV_VPMU_F_RDPMC_WHILE_STEPPING))
		return "hvcheck's model of no PMU leaves RDPMC to KVM";
	if (!rdpmc && (msr == MSR_IA32_PMC0 || msr == MSR_IA32_PERFEVTSEL0) &&
	    cpuid_hypervisor_is(CPUID_HYPERVISOR_LEAF, "KVMKVMKVM\0\0\0"))
		return "KVM without a vPMU ignores the P6 PERFCTR0/EVNTSEL0";
	return NULL;
}

static void expect_gp(int vector, u32 msr, bool rdpmc, const char *what,
		      const char *how)
{
	const char *gap = known_gap(msr, rdpmc);

	if (vector != GP_VECTOR && gap)
		report_xfail(true, false, "%s%s: #GP (%s)", what, how, gap);
	else
		pmu_report_vector(vector, GP_VECTOR, "%s%s", what, how);
}

static const struct pmu_msr amd_msrs[] = {
	{ MSR_F15H_PERF_CTL0, "PerfEvtSel0 (PerfCtrExtCore)" },
	{ MSR_F15H_PERF_CTR0, "PerfCtr0 (PerfCtrExtCore)" },
	{ MSR_AMD_PERF_CNTR_GLOBAL_STATUS, "PerfCntrGlobalStatus" },
	{ MSR_AMD_PERF_CNTR_GLOBAL_CTL, "PerfCntrGlobalCtl" },
};

static void check_msrs(const struct pmu_msr *list, unsigned int nr)
{
	u64 value;

	for (unsigned int i = 0; i < nr; i++) {
		expect_gp(rdmsr_safe(list[i].msr, &value), list[i].msr, false,
			  list[i].name, " read");
		expect_gp(wrmsr_safe(list[i].msr, 0), list[i].msr, false,
			  list[i].name, " write");
	}
}

static void test_absent_amd(void)
{
	u32 ext = cpuid(0x80000000).eax;
	u64 value;

	report(ext < 0x80000001 || !(cpuid(0x80000001).ecx &
				     CPUID_80000001_ECX_PERFCTR_CORE),
	       "CPUID 0x80000001 ECX bit 23 (PerfCtrExtCore) is clear");
	report(ext < 0x80000022 ||
		       !(cpuid(0x80000022).eax & CPUID_80000022_EAX_PERFMON_V2),
	       "CPUID 0x80000022 EAX bit 0 (PerfMonV2) is clear");
	/* no CPUID bit for the legacy counters: PerfCtr0 must keep nothing */
	report(!pmu_counter_keeps(MSR_K7_PERFCTR0),
	       "legacy PerfCtr0 (0xc0010004) keeps no value");
	check_msrs(amd_msrs, ARRAY_SIZE(amd_msrs));
	expect_gp(pmu_rdpmc_safe(0, &value), 0, true, "RDPMC of counter 0", "");
}

static void test_absent(void)
{
	u64 value;

	pmu_init();
	if (pmu.version) {
		report_skip("%s PMU is present (version %u)",
			    pmu.amd ? "an AMD" : "an architectural",
			    pmu.version);
		return;
	}
	if (pmu.amd) {
		test_absent_amd();
		return;
	}
	check_msrs(msrs, ARRAY_SIZE(msrs));
	expect_gp(pmu_rdpmc_safe(0, &value), 0, true, "RDPMC of GP counter 0",
		  "");
	expect_gp(pmu_rdpmc_safe(PMU_RDPMC_FIXED, &value), 0, true,
		  "RDPMC of fixed counter 0", "");
}
DEFINE_TEST(test_absent, "pmu.absent");
