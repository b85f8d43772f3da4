// SPDX-License-Identifier: GPL-2.0-only
/* The hvcheck arm64 board: QEMU virt's layout, vCPUs per vGIC mode, exit decode. */
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>

#include "vmm/arm64/board.h"
#include "vmm/machine.h"

unsigned int board_irqchip_max_cpus(enum vgic_mode chip)
{
	return chip == VGIC_MODE_KVM_GICV3 ? BOARD_GICV3_CPUS :
					     BOARD_GICV2_CPUS;
}

void *board_gpa_to_hva(const struct guest_mem *ram, uint64_t gpa, uint64_t len)
{
	if (gpa < HV_ARM64_RAM_BASE)
		return NULL;
	return vm_gpa_to_hva(ram, gpa - HV_ARM64_RAM_BASE, len);
}

bool board_has_granule(uint64_t mmfr0, unsigned int page_kib)
{
	switch (page_kib) {
	case 4: /* TGran4, bits 31:28: 0xf is none */
		return ((mmfr0 >> 28) & 0xf) != 0xf;
	case 16: /* TGran16, bits 23:20: 0 is none */
		return ((mmfr0 >> 20) & 0xf) != 0;
	case 64: /* TGran64, bits 27:24: 0xf is none */
		return ((mmfr0 >> 24) & 0xf) != 0xf;
	default:
		return false;
	}
}

int board_system_event_status(uint32_t type, int said, char *why, size_t len)
{
	why[0] = '\0';
	switch (type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		if (said >= 0)
			return machine_guest_status((uint64_t)said, why, len);
		snprintf(
			why, len,
			"the guest powered off (PSCI SYSTEM_OFF) without a status: no write to the exit register, no 'EXIT: STATUS=N' line");
		return HV_STATUS_FAIL;
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
