/* SPDX-License-Identifier: GPL-2.0-only */
/* The hvcheck arm64 board: QEMU virt's layout, vCPUs per vGIC mode, exit decode. */
#ifndef VMM_ARM64_BOARD_H
#define VMM_ARM64_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hvcheck_abi.h"
#include "vgic/mode.h"
#include "vmm/vm.h"

/*
 * The GIC frames where QEMU virt has them (include/hvcheck_abi.h gives
 * the window), so the guest's device tree reader and page tables need
 * nothing new.  The sizes in the device tree are QEMU's; KVM backs the
 * architectural ones and accesses beyond them exit to the bus.
 */
#define BOARD_GIC_DIST_BASE	HV_ARM64_GIC_BASE
#define BOARD_GICV3_DIST_SIZE	0x10000
#define BOARD_GICV3_REDIST_BASE 0x080a0000
#define BOARD_GICV3_REDIST_SIZE 0x20000 /* per vCPU: RD_base + SGI_base */
#define BOARD_GICV2_DIST_SIZE	0x10000
#define BOARD_GICV2_CPU_BASE	0x08010000
#define BOARD_GICV2_CPU_SIZE	0x10000

/* SGIs, PPIs and 256 SPIs: what QEMU virt's GIC implements. */
#define BOARD_NR_IRQS	 288
#define BOARD_FIRST_PPI	 16
#define BOARD_FIRST_SPI	 32
#define BOARD_UART_SPI	 1 /* the device tree's SPI number: INTID 33 */
#define BOARD_GICV2_CPUS 8 /* a GICv2 has 8 CPU interfaces at most */
/*
 * vCPUs whose redistributors fit below the PL011: QEMU virt's first
 * redistributor region holds 123.  --smp stops at MACHINE_MAX_SMP (64)
 * first, so a kvm-gicv3 run gets 1..64.
 */
#define BOARD_GICV3_CPUS                                  \
	((HV_ARM64_UART_BASE - BOARD_GICV3_REDIST_BASE) / \
	 BOARD_GICV3_REDIST_SIZE)

/* The timer PPIs as QEMU's device tree gives them (PPI numbers). */
#define BOARD_TIMER_PPI_SEC_PHYS 13
#define BOARD_TIMER_PPI_PHYS	 14
#define BOARD_TIMER_PPI_VIRT	 11
#define BOARD_TIMER_PPI_HYP	 10
/* The PMU's overflow interrupt, as QEMU virt's (INTID 23). */
#define BOARD_PMU_PPI		 7

/* How many vCPUs the irqchip can serve. */
unsigned int board_irqchip_max_cpus(enum vgic_mode chip);

/*
 * Guest RAM starts at HV_ARM64_RAM_BASE, so the host's view of it is
 * offset: the host pointer for [gpa, gpa + len), or NULL when any byte
 * lies outside RAM.
 */
void *board_gpa_to_hva(const struct guest_mem *ram, uint64_t gpa, uint64_t len);

/*
 * Whether a vCPU whose ID_AA64MMFR0_EL1 is mmfr0 has the translation
 * granule of page_kib (4, 16 or 64) KiB: TGran4, TGran16, TGran64.
 */
bool board_has_granule(uint64_t mmfr0, unsigned int page_kib);

/*
 * The run's verdict for a KVM_EXIT_SYSTEM_EVENT of type.  PSCI
 * SYSTEM_OFF carries no status (KVM clears x1-x3), so a power-off ends
 * the run with said, the status of the guest's last "EXIT: STATUS=N"
 * console line (machine_serial_said()), or fails when said is -1: the
 * guest said nothing (the hvcheck guest ends the run through
 * HV_ARM64_EXIT_BASE before it powers off, so it never gets here).  A
 * reset or crash is a failure.  Returns the process exit status and,
 * for a failure, says why in why[len].
 */
int board_system_event_status(uint32_t type, int said, char *why, size_t len);

#endif /* VMM_ARM64_BOARD_H */
