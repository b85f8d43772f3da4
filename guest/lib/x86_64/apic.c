// SPDX-License-Identifier: GPL-2.0-only
/* Local APIC access in xAPIC (MMIO) and x2APIC (MSR) mode. */
#include "apic.h"
#include "arch.h"
#include "cmdline.h"
#include "desc.h"
#include "exceptions.h"
#include "percpu.h"
#include "processor.h"

#define APIC_BASE_X2APIC BIT(10)
#define APIC_BASE_ENABLE BIT(11)
#define APIC_BASE_ADDR	 0xfffff000UL

#define X2APIC_MSR_BASE 0x800
#define X2APIC_ICR_MSR	(X2APIC_MSR_BASE + (APIC_ICR >> 4))

#define PIC_MASTER_DATA 0x21
#define PIC_SLAVE_DATA	0xa1

/* Chosen by the boot CPU; the other CPUs follow it. */
static bool x2apic_mode;
static uintptr_t xapic_base;

bool apic_x2apic_mode(void)
{
	return x2apic_mode;
}

u32 apic_read(u32 reg)
{
	if (x2apic_mode)
		return (u32)rdmsr(X2APIC_MSR_BASE + (reg >> 4));
	return *(volatile u32 *)(xapic_base + reg);
}

void apic_write(u32 reg, u32 value)
{
	if (x2apic_mode)
		wrmsr(X2APIC_MSR_BASE + (reg >> 4), value);
	else
		*(volatile u32 *)(xapic_base + reg) = value;
}

u32 apic_id(void)
{
	u32 id = apic_read(APIC_ID);

	return x2apic_mode ? id : id >> 24;
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

void apic_icr_write(u32 dest, u32 icr)
{
	u64 rflags = read_rflags();

	if (x2apic_mode) {
		wrmsr(X2APIC_ICR_MSR, (u64)dest << 32 | icr);
		return;
	}
	/* ICR2 then ICR: an interrupt between them must not send its own. */
	irq_disable();
	while (apic_read(APIC_ICR) & APIC_ICR_BUSY)
		cpu_relax();
	apic_write(APIC_ICR2, dest << 24);
	apic_write(APIC_ICR, icr);
	while (apic_read(APIC_ICR) & APIC_ICR_BUSY)
		cpu_relax();
	if (rflags & X86_RFLAGS_IF)
		irq_enable();
}

void apic_send_ipi(u32 dest, u8 vector)
{
	apic_icr_write(dest, APIC_DM_FIXED | vector);
}

void apic_send_nmi(u32 dest)
{
	apic_icr_write(dest, APIC_DM_NMI);
}

void apic_send_init(u32 dest)
{
	apic_icr_write(dest, APIC_DM_INIT | APIC_ICR_LEVEL_ASSERT);
}

void apic_send_sipi(u32 dest, u8 page)
{
	apic_icr_write(dest, APIC_DM_STARTUP | page);
}

void apic_timer_start(u8 vector, u32 mode, u32 count)
{
	apic_write(APIC_TMICT, 0);
	apic_write(APIC_TDCR, APIC_TDCR_DIV_1);
	apic_write(APIC_LVTT, mode | vector);
	apic_write(APIC_TMICT, count);
}

void apic_timer_stop(void)
{
	apic_write(APIC_TMICT, 0);
	apic_write(APIC_LVTT, APIC_LVT_MASKED);
}

static void spurious_interrupt(struct ex_regs *regs)
{
	/* Spurious interrupts are not in service: no EOI. */
	(void)regs;
}

void apic_init(void)
{
	bool boot_cpu = this_cpu()->cpu == 0;
	u64 base = rdmsr(MSR_IA32_APIC_BASE);

	if (boot_cpu) {
		x2apic_mode = (cpuid(1).ecx & CPUID_1_ECX_X2APIC) &&
			      cmdline_get_u64("x2apic", 1);
		xapic_base = base & APIC_BASE_ADDR;
		irq_set_handler(SPURIOUS_VECTOR, spurious_interrupt);
		/* The loader may leave PIC lines unmasked, e.g. the PIT. */
		outb(0xff, PIC_MASTER_DATA);
		outb(0xff, PIC_SLAVE_DATA);
	}
	/* x2APIC can only be entered from enabled xAPIC mode. */
	if (!(base & APIC_BASE_ENABLE)) {
		base |= APIC_BASE_ENABLE;
		wrmsr(MSR_IA32_APIC_BASE, base);
	}
	if (x2apic_mode && !(base & APIC_BASE_X2APIC))
		wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_X2APIC);

	apic_write(APIC_TASKPRI, 0);
	apic_write(APIC_SPIV, APIC_SPIV_ENABLE | SPURIOUS_VECTOR);
	apic_write(APIC_LVTT, APIC_LVT_MASKED);
	apic_write(APIC_LVT0, APIC_LVT_MASKED | APIC_DM_EXTINT);
	apic_write(APIC_LVT1, boot_cpu ? APIC_DM_NMI : APIC_LVT_MASKED);
	apic_write(APIC_LVTERR, APIC_LVT_MASKED);
	/* ESR latches on write; two writes clear anything left over. */
	apic_write(APIC_ESR, 0);
	apic_write(APIC_ESR, 0);
	this_cpu()->apic_id = apic_id();
}
