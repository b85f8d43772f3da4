/* SPDX-License-Identifier: GPL-2.0-only */
/* The contract between the hvcheck guest test OS and the hvcheck VMM. */
#ifndef HVCHECK_ABI_H
#define HVCHECK_ABI_H

/*
 * Shared by guest (freestanding) and host code: plain macros only, no
 * types, so it compiles in both worlds and in assembly.
 */

/* x86_64 port I/O devices. */
#define HV_X86_UART_COM1_PORT 0x3f8 /* 16550, 8 ports */
#define HV_X86_EXIT_PORT      0xf4  /* QEMU isa-debug-exit compatible */

/*
 * Guest-physical layout the VMM builds for x86_64 guests.  Multiboot2
 * lets the loader put its information anywhere, so under GRUB the guest
 * must not rely on these; the VMM refuses an image whose segments
 * overlap them.
 */
#define HV_X86_BOOTINFO_BASE 0x10000 /* Multiboot2 information */
#define HV_X86_BOOTINFO_SIZE 0x10000
#define HV_X86_ACPI_BASE     0xe0000 /* RSDP, XSDT, MADT */
#define HV_X86_ACPI_SIZE     0x20000
#define HV_X86_LOW_RAM_END   0x9fc00 /* end of conventional memory */
#define HV_X86_HIGH_RAM_BASE 0x100000
#define HV_X86_MAX_RAM_MIB   3072 /* stay below the APIC/IOAPIC hole */

/* Guest exit statuses written to HV_X86_EXIT_PORT (0..63). */
#define HV_STATUS_PASS 0
#define HV_STATUS_FAIL 1

/*
 * Exit statuses of `hvcheck run` that are the VMM's own verdicts, kept
 * apart from guest statuses (0..63) so a script can tell them apart.
 */
#define HV_EXIT_USAGE	       64  /* bad command line */
#define HV_EXIT_BAD_IMAGE      65  /* image refused by the loader */
#define HV_EXIT_NO_KVM	       69  /* /dev/kvm missing or unusable */
#define HV_EXIT_VMM_ERROR      70  /* set-up failure inside the VMM */
#define HV_EXIT_TIMEOUT	       124 /* guest did not exit in time */
#define HV_EXIT_TRIPLE_FAULT   125 /* KVM_EXIT_SHUTDOWN */
#define HV_EXIT_INTERNAL_ERROR 126 /* KVM_EXIT_INTERNAL_ERROR, FAIL_ENTRY */
#define HV_EXIT_UNHANDLED      127 /* an exit the VMM has no handler for */

#endif /* HVCHECK_ABI_H */
