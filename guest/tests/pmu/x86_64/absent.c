// SPDX-License-Identifier: GPL-2.0-only
/* pmu.absent: with no architectural PMU (version 0) its MSRs and RDPMC #GP. */
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

static void test_absent(void)
{
	u64 value;

	pmu_init();
	if (pmu.amd) {
		report_skip("AMD CPU: CPUID.0AH does not describe its PMU, "
			    "which is not covered yet");
		return;
	}
	if (pmu.version) {
		report_skip("an architectural PMU is present (version %u)",
			    pmu.version);
		return;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(msrs); i++) {
		expect_gp(rdmsr_safe(msrs[i].msr, &value), msrs[i].msr, false,
			  msrs[i].name, " read");
		expect_gp(wrmsr_safe(msrs[i].msr, 0), msrs[i].msr, false,
			  msrs[i].name, " write");
	}
	expect_gp(pmu_rdpmc_safe(0, &value), 0, true, "RDPMC of GP counter 0",
		  "");
	expect_gp(pmu_rdpmc_safe(PMU_RDPMC_FIXED, &value), 0, true,
		  "RDPMC of fixed counter 0", "");
}
DEFINE_TEST(test_absent, "pmu.absent");
