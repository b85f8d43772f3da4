/* SPDX-License-Identifier: GPL-2.0-only */
/* Local APIC driver: x2APIC through MSRs when offered, else xAPIC MMIO. */
#ifndef GUEST_APIC_H
#define GUEST_APIC_H

#include "types.h"

/* Register offsets (xAPIC MMIO; x2APIC MSR = 0x800 + offset / 16). */
#define APIC_ID	     0x020
#define APIC_LVR     0x030
#define APIC_TASKPRI 0x080
#define APIC_EOI     0x0b0
#define APIC_SPIV    0x0f0
#define APIC_ISR     0x100 /* 8 registers, 0x10 apart */
#define APIC_TMR     0x180
#define APIC_IRR     0x200
#define APIC_ESR     0x280
#define APIC_ICR     0x300
#define APIC_ICR2    0x310 /* xAPIC only */
#define APIC_LVTT    0x320
#define APIC_LVTPC   0x340
#define APIC_LVT0    0x350
#define APIC_LVT1    0x360
#define APIC_LVTERR  0x370
#define APIC_TMICT   0x380
#define APIC_TMCCT   0x390
#define APIC_TDCR    0x3e0

#define APIC_SPIV_ENABLE BIT(8)

/* LVT entries */
#define APIC_LVT_VECTOR_MASK	 0xff
#define APIC_LVT_MASKED		 BIT(16)
#define APIC_LVT_TIMER_ONESHOT	 0
#define APIC_LVT_TIMER_PERIODIC	 BIT(17)
#define APIC_LVT_TIMER_MODE_MASK (3UL << 17)

/* ICR and LVT delivery modes */
#define APIC_DM_FIXED	0x000
#define APIC_DM_NMI	0x400
#define APIC_DM_INIT	0x500
#define APIC_DM_STARTUP 0x600
#define APIC_DM_EXTINT	0x700

#define APIC_ICR_BUSY	      BIT(12)
#define APIC_ICR_LEVEL_ASSERT BIT(14)
#define APIC_DEST_SELF	      (1UL << 18)
#define APIC_DEST_ALLINC      (2UL << 18)
#define APIC_DEST_ALLBUT      (3UL << 18)

#define APIC_TDCR_DIV_1 0xb

/*
 * Enables this CPU's local APIC: x2APIC mode when CPUID offers it and
 * the command line does not say x2apic=0, software-enabled with the
 * spurious vector, every LVT masked except LINT1 (NMI) on the boot CPU.
 * The boot CPU also masks the legacy PICs.
 */
void apic_init(void);
bool apic_x2apic_mode(void);

u32 apic_read(u32 reg);
void apic_write(u32 reg, u32 value);
u32 apic_id(void);
void apic_eoi(void);

/* Sends an IPI: icr holds vector, delivery mode and shorthand bits. */
void apic_icr_write(u32 dest_apic_id, u32 icr);
void apic_send_ipi(u32 dest_apic_id, u8 vector);
void apic_send_nmi(u32 dest_apic_id);
void apic_send_init(u32 dest_apic_id);
/* Start-up IPI: the target starts in real mode at page * 4096. */
void apic_send_sipi(u32 dest_apic_id, u8 page);

/*
 * Starts the timer, divide by 1: mode is APIC_LVT_TIMER_ONESHOT or
 * APIC_LVT_TIMER_PERIODIC, optionally | APIC_LVT_MASKED.
 */
void apic_timer_start(u8 vector, u32 mode, u32 count);
/* Stops the count and masks the timer LVT. */
void apic_timer_stop(void);

#endif /* GUEST_APIC_H */
