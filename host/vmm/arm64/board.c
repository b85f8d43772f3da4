// SPDX-License-Identifier: GPL-2.0-only
/* The hvcheck arm64 board: QEMU virt's layout, irqchip modes, exit decode. */
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>

#include "vmm/arm64/board.h"

static const char *const board_irqchip_names[BOARD_NR_IRQCHIPS] = {
	[BOARD_IRQCHIP_KVM_GICV3] = "kvm-gicv3",
	[BOARD_IRQCHIP_KVM_GICV2] = "kvm-gicv2",
	[BOARD_IRQCHIP_USER_GICV2] = "user-gicv2",
};

int board_irqchip_parse(const char *name, enum board_irqchip *chip)
{
	for (int i = 0; i < BOARD_NR_IRQCHIPS; i++) {
		if (!strcmp(name, board_irqchip_names[i])) {
			*chip = i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *board_irqchip_name(enum board_irqchip chip)
{
	return board_irqchip_names[chip];
}

unsigned int board_irqchip_gic_version(enum board_irqchip chip)
{
	return chip == BOARD_IRQCHIP_KVM_GICV3 ? 3 : 2;
}

unsigned int board_irqchip_max_cpus(enum board_irqchip chip)
{
	return chip == BOARD_IRQCHIP_KVM_GICV3 ? BOARD_GICV3_CPUS :
						 BOARD_GICV2_CPUS;
}

void *board_gpa_to_hva(const struct guest_mem *ram, uint64_t gpa, uint64_t len)
{
	if (gpa < HV_ARM64_RAM_BASE)
		return NULL;
	return vm_gpa_to_hva(ram, gpa - HV_ARM64_RAM_BASE, len);
}

int board_system_event_status(uint32_t type, char *why, size_t len)
{
	why[0] = '\0';
	switch (type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		return HV_STATUS_PASS;
	case KVM_SYSTEM_EVENT_RESET:
		/* The arm64 counterpart of an x86 triple fault's reset. */
		snprintf(why, len,
			 "the guest reset the machine (PSCI SYSTEM_RESET)");
		return HV_EXIT_TRIPLE_FAULT;
	case KVM_SYSTEM_EVENT_CRASH:
		snprintf(why, len,
			 "the guest reported a crash (KVM_SYSTEM_EVENT_CRASH)");
		return HV_EXIT_TRIPLE_FAULT;
	default:
		snprintf(why, len,
			 "unhandled system event %u (KVM_EXIT_SYSTEM_EVENT)",
			 type);
		return HV_EXIT_UNHANDLED;
	}
}
