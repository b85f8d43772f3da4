// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the arm64 board: irqchip modes, RAM view, system events. */
#include <errno.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hvcheck_abi.h"
#include "vmm/arm64/board.h"

static void test_irqchip_names(void **state)
{
	static const char *const names[] = { "kvm-gicv3", "kvm-gicv2",
					     "user-gicv2" };
	enum vgic_mode chip = VGIC_NR_MODES;

	(void)state;
	for (int i = 0; i < VGIC_NR_MODES; i++) {
		assert_int_equal(vgic_mode_parse(names[i], &chip), 0);
		assert_int_equal(chip, i);
		assert_string_equal(vgic_mode_name(chip), names[i]);
	}
	chip = VGIC_MODE_USER_GICV2;
	assert_int_equal(vgic_mode_parse("kvm-gicv4", &chip), -EINVAL);
	assert_int_equal(vgic_mode_parse("", &chip), -EINVAL);
	assert_int_equal(vgic_mode_parse("KVM-GICV3", &chip), -EINVAL);
	assert_int_equal(vgic_mode_parse("kvm-gicv3 ", &chip), -EINVAL);
	assert_int_equal(chip, VGIC_MODE_USER_GICV2);
}

static void test_irqchip_limits(void **state)
{
	(void)state;
	assert_int_equal(vgic_mode_gic_version(VGIC_MODE_KVM_GICV3), 3);
	assert_int_equal(vgic_mode_gic_version(VGIC_MODE_KVM_GICV2), 2);
	assert_int_equal(vgic_mode_gic_version(VGIC_MODE_USER_GICV2), 2);
	/* 8 GICv2 CPU interfaces; GICv3 redistributors up to the PL011. */
	assert_int_equal(board_irqchip_max_cpus(VGIC_MODE_KVM_GICV2), 8);
	assert_int_equal(board_irqchip_max_cpus(VGIC_MODE_USER_GICV2), 8);
	assert_int_equal(board_irqchip_max_cpus(VGIC_MODE_KVM_GICV3), 123);
	assert_true(BOARD_GICV3_REDIST_BASE +
			    123ULL * BOARD_GICV3_REDIST_SIZE <=
		    HV_ARM64_UART_BASE);
}

static void test_gpa_to_hva(void **state)
{
	uint8_t backing[64];
	const struct guest_mem ram = { backing, sizeof(backing) };

	(void)state;
	assert_ptr_equal(board_gpa_to_hva(&ram, HV_ARM64_RAM_BASE, 64),
			 backing);
	assert_ptr_equal(board_gpa_to_hva(&ram, HV_ARM64_RAM_BASE + 63, 1),
			 backing + 63);
	assert_null(board_gpa_to_hva(&ram, HV_ARM64_RAM_BASE + 63, 2));
	assert_null(board_gpa_to_hva(&ram, HV_ARM64_RAM_BASE - 1, 1));
	assert_null(board_gpa_to_hva(&ram, 0, 1));
	assert_null(board_gpa_to_hva(&ram, HV_ARM64_UART_BASE, 4));
	assert_null(board_gpa_to_hva(&ram, UINT64_MAX, 2));
}

static void test_granules(void **state)
{
	(void)state;
	/* QEMU's -cpu max: all three granules (TGran4 0, 16 1, 64 0). */
	assert_true(board_has_granule(0x00100000, 4));
	assert_true(board_has_granule(0x00100000, 16));
	assert_true(board_has_granule(0x00100000, 64));
	/* A CPU with 4K only: TGran64 0xf, TGran16 0. */
	assert_true(board_has_granule(0x0f000000, 4));
	assert_false(board_has_granule(0x0f000000, 16));
	assert_false(board_has_granule(0x0f000000, 64));
	/* TGran4 0xf: no 4K pages; 52-bit 4K (1) is 4K pages. */
	assert_false(board_has_granule(0xf0000000, 4));
	assert_true(board_has_granule(0x10000000, 4));
	assert_false(board_has_granule(0, 8));
}

static void test_system_events(void **state)
{
	char why[160];

	(void)state;
	/* A power-off ends the run with what the guest's EXIT line said. */
	strcpy(why, "stale");
	assert_int_equal(board_system_event_status(KVM_SYSTEM_EVENT_SHUTDOWN, 0,
						   why, sizeof(why)),
			 HV_STATUS_PASS);
	assert_string_equal(why, "");
	assert_int_equal(board_system_event_status(KVM_SYSTEM_EVENT_SHUTDOWN, 3,
						   why, sizeof(why)),
			 3);
	assert_string_equal(why, "");
	assert_int_equal(board_system_event_status(KVM_SYSTEM_EVENT_SHUTDOWN,
						   HV_STATUS_MAX, why,
						   sizeof(why)),
			 HV_STATUS_MAX);
	assert_string_equal(why, "");
	/* A status above 63 would forge a VMM verdict: refused. */
	assert_int_equal(board_system_event_status(KVM_SYSTEM_EVENT_SHUTDOWN,
						   HV_EXIT_LOG_CAPPED, why,
						   sizeof(why)),
			 HV_EXIT_VMM_ERROR);
	assert_string_equal(why, "guest exit status 123 out of range (0..63)");
	assert_int_equal(board_system_event_status(KVM_SYSTEM_EVENT_SHUTDOWN,
						   64, why, sizeof(why)),
			 HV_EXIT_VMM_ERROR);
	/* Nothing said: a failure, said so. */
	assert_int_equal(board_system_event_status(KVM_SYSTEM_EVENT_SHUTDOWN,
						   -1, why, sizeof(why)),
			 HV_STATUS_FAIL);
	assert_string_equal(
		why,
		"the guest powered off (PSCI SYSTEM_OFF) without a status: no write to the exit register, no 'EXIT: STATUS=N' line");
	assert_int_equal(board_system_event_status(KVM_SYSTEM_EVENT_RESET, 0,
						   why, sizeof(why)),
			 HV_EXIT_TRIPLE_FAULT);
	assert_string_equal(why,
			    "the guest reset the machine (PSCI SYSTEM_RESET)");
	assert_int_equal(board_system_event_status(KVM_SYSTEM_EVENT_CRASH, 0,
						   why, sizeof(why)),
			 HV_EXIT_TRIPLE_FAULT);
	assert_non_null(strstr(why, "crash"));
	assert_int_equal(board_system_event_status(KVM_SYSTEM_EVENT_SUSPEND, 0,
						   why, sizeof(why)),
			 HV_EXIT_UNHANDLED);
	assert_string_equal(why,
			    "unhandled system event 5 (KVM_EXIT_SYSTEM_EVENT)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_irqchip_names),
		cmocka_unit_test(test_irqchip_limits),
		cmocka_unit_test(test_gpa_to_hva),
		cmocka_unit_test(test_granules),
		cmocka_unit_test(test_system_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
