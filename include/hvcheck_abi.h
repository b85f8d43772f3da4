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

/*
 * arm64 guest-physical layout: QEMU's `virt` machine, which the hvcheck
 * VMM copies, so one image runs on both.  The device tree sits at the
 * base of RAM (where QEMU puts it for an ELF -kernel that leaves room
 * there), the image is linked HV_ARM64_IMAGE_OFFSET above it.
 */
#define HV_ARM64_GIC_BASE     0x08000000 /* GIC distributor ... ITS */
#define HV_ARM64_UART_BASE    0x09000000 /* PL011 */
#define HV_ARM64_MMIO_END     0x0a000000 /* end of the mapped MMIO window */
#define HV_ARM64_RAM_BASE     0x40000000
#define HV_ARM64_DTB_BASE     HV_ARM64_RAM_BASE
#define HV_ARM64_DTB_MAX      0x200000
#define HV_ARM64_IMAGE_OFFSET 0x200000
#define HV_ARM64_MAX_RAM_MIB  3072 /* the guest maps RAM up to 4 GiB */

/*
 * arm64 exit register of the hvcheck VMM: a 32-bit write ends the run
 * with the value as status (0..HV_STATUS_MAX), as HV_X86_EXIT_PORT does.  PSCI
 * SYSTEM_OFF cannot carry the status: it has no argument, and KVM
 * zeroes x1-x3 (the SMCCC results) before userspace sees the exit.
 * Absent under QEMU, where the write aborts (docs/nested.md).
 */
#define HV_ARM64_EXIT_BASE 0x09fe0000

/*
 * Guest exit statuses written to HV_X86_EXIT_PORT (0..HV_STATUS_MAX).  A
 * guest status above HV_STATUS_MAX, by the exit device or an "EXIT:
 * STATUS=N" line, would pass for a VMM verdict: `hvcheck run` refuses it
 * with HV_EXIT_VMM_ERROR instead (docs/design.md).
 */
#define HV_STATUS_PASS 0
#define HV_STATUS_FAIL 1
#define HV_STATUS_MAX  63

/*
 * Exit statuses of `hvcheck run` that are the VMM's own verdicts, kept
 * apart from guest statuses (0..63) so a script can tell them apart.
 */
#define HV_EXIT_USAGE	       64  /* bad command line */
#define HV_EXIT_BAD_IMAGE      65  /* image refused by the loader */
#define HV_EXIT_NO_KVM	       69  /* /dev/kvm missing or unusable */
#define HV_EXIT_VMM_ERROR      70  /* set-up failure inside the VMM */
#define HV_EXIT_LOG_CAPPED     123 /* serial output reached --serial-max */
#define HV_EXIT_TIMEOUT	       124 /* guest did not exit in time */
#define HV_EXIT_TRIPLE_FAULT   125 /* KVM_EXIT_SHUTDOWN */
#define HV_EXIT_INTERNAL_ERROR 126 /* KVM_EXIT_INTERNAL_ERROR, FAIL_ENTRY */
#define HV_EXIT_UNHANDLED      127 /* an exit the VMM has no handler for */

/*
 * The line hvcheck run ends a capped serial log with (after a newline of
 * its own), followed by the cap in bytes: "... capped at 65536 bytes".
 */
#define HV_SERIAL_CAPPED_MARKER "hvcheck: serial output capped at "

/*
 * The emulated vPMU announces itself in a hypervisor CPUID leaf, so that
 * the same guest image knows when its counts must be exact: leaf
 * HV_CPUID_VPMU_BASE gives EAX = the highest leaf of the range and
 * EBX, ECX, EDX = "hvcheck vPMU"; leaf HV_CPUID_VPMU_FEATURES gives the
 * flags in EAX and in EBX the rate in kHz of the cycle model (the TSC's;
 * docs/vpmu.md).  Absent under KVM's own vPMU and under other VMMs.
 */
#define HV_CPUID_VPMU_BASE	       0x40000100
#define HV_CPUID_VPMU_FEATURES	       0x40000101
#define HV_CPUID_VPMU_SIGNATURE	       "hvcheck vPMU" /* 12 bytes, EBX ECX EDX */
/* Instructions and branches retired are counted exactly (docs/vpmu.md). */
#define HV_VPMU_F_EXACT		       (1u << 0)
/*
 * RDPMC is emulated only while a counter counts instructions or
 * branches (the vCPU is being single-stepped); otherwise KVM answers it
 * as it does without a vPMU of its own: a #GP on Intel, the value of its
 * own, idle counter on AMD.
 */
#define HV_VPMU_F_RDPMC_WHILE_STEPPING (1u << 1)
/*
 * This KVM cannot single-step 64-bit CPL3 code (measured at start-up):
 * instructions and branches at CPL3 go uncounted and RDPMC at CPL3 is
 * never emulated (docs/vpmu.md).
 */
#define HV_VPMU_F_USER_UNSTEPPED       (1u << 2)

/*
 * The host-control channel: 32-bit registers through which a paired
 * test asks the hvcheck VMM to act mid-run.  The same offsets on both
 * architectures: x86_64 reaches them as I/O ports HV_X86_HOSTCTL_PORT +
 * offset (inl/outl), arm64 as an MMIO page at HV_ARM64_HOSTCTL_BASE.
 * Absent under other VMMs (an x86 port read gives all-ones, an arm64
 * read aborts under QEMU): the guest probes HV_HOSTCTL_MAGIC and SKIPs
 * paired checks without it (docs/vmm.md).
 */
#define HV_X86_HOSTCTL_PORT	0x0fc0
#define HV_X86_HOSTCTL_NR_PORTS 0x40
#define HV_ARM64_HOSTCTL_BASE	0x09ff0000
#define HV_ARM64_HOSTCTL_SIZE	0x1000

#define HV_HOSTCTL_MAGIC	  0x000 /* RO: HV_HOSTCTL_MAGIC_VALUE */
#define HV_HOSTCTL_VERSION	  0x004 /* RO: 1 */
#define HV_HOSTCTL_FEATURES	  0x008 /* RO: HV_HOSTCTL_F_* */
#define HV_HOSTCTL_SPI_ASSERT	  0x010 /* WO: INTID; its line goes high */
#define HV_HOSTCTL_SPI_DEASSERT	  0x014 /* WO: INTID; its line goes low */
#define HV_HOSTCTL_SPI_PULSE	  0x018 /* WO: INTID; high, then low (edge) */
/*
 * WO: install the host's PMU event-filter policy number N (0-based, in
 * the order of `hvcheck run --pmu-filter` options; N = 0 is the one
 * installed at start) for the whole VM; every vCPU's counters obey it
 * from its next entry on.  HV_HOSTCTL_FILTER_NONE removes the filter.
 */
#define HV_HOSTCTL_FILTER_SELECT  0x020
/* RO: 0 if the last FILTER_SELECT worked, else a positive errno. */
#define HV_HOSTCTL_FILTER_STATUS  0x024
#define HV_HOSTCTL_FILTER_COUNT	  0x028 /* RO: how many policies the host has */
#define HV_HOSTCTL_FILTER_ACTIVE  0x02c /* RO: the installed one, or _NONE */
#define HV_HOSTCTL_FILTER_NONE	  0xffffffffu
/*
 * RO: the common events 0x00-0x1f (LO) and 0x20-0x3f (HI) the host's
 * own PMU offers (its PMCEID0), less those that counted nothing in a
 * busy loop the host measured (one it could not measure stays), bit n
 * for event n, where the host knows (HV_HOSTCTL_F_HOST_EVENTS): the
 * events that counted in a busy loop, not a promise that one left out
 * never counts.
 */
#define HV_HOSTCTL_HOST_EVENTS_LO 0x030
#define HV_HOSTCTL_HOST_EVENTS_HI 0x034

#define HV_HOSTCTL_MAGIC_VALUE	 0x4b435648 /* "HVCK" little-endian */
#define HV_HOSTCTL_VERSION_1	 1
#define HV_HOSTCTL_F_SPI	 (1u << 0) /* the SPI registers work */
#define HV_HOSTCTL_F_PMU_FILTER	 (1u << 1) /* the FILTER registers work */
#define HV_HOSTCTL_F_HOST_EVENTS (1u << 2) /* HOST_EVENTS_LO/HI are known */

#endif /* HVCHECK_ABI_H */
