// SPDX-License-Identifier: GPL-2.0-only
/* pmu.el2: counting at EL2 (PMEVTYPER.NSH): where it would run, and why not. */
#include "pmu_test.h"
#include "report.h"
#include "test.h"

/*
 * The checks of counting at EL2 need the tests to run there; the boot
 * code drops to EL1 (guest/boot/arm64/entry.S), so they SKIP, saying
 * whether EL2 was offered at all.
 */
static void test_el2(void)
{
	if (!pmu_test_begin())
		return;
	if (boot_entry_el == 2)
		report_skip("entered at EL2, but the tests run at EL1 (entry.S "
			    "drops to EL1): NSH and P at EL2 are not checked "
			    "yet");
	else
		report_skip("entered at EL%u: no guest EL2 here (KVM without "
			    "nested virtualization, QEMU without "
			    "virtualization=on)",
			    boot_entry_el);
	pmu_test_end();
}
DEFINE_TEST(test_el2, "pmu.el2");
