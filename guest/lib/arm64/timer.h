/* SPDX-License-Identifier: GPL-2.0-only */
/* The generic timer's virtual counter and EL1 virtual timer (CNTV). */
#ifndef GUEST_TIMER_H
#define GUEST_TIMER_H

#include "processor.h"
#include "sysreg.h"
#include "types.h"

#define CNTV_CTL_ENABLE	 BIT(0)
#define CNTV_CTL_IMASK	 BIT(1)
#define CNTV_CTL_ISTATUS BIT(2)

/* The virtual timer's PPI by the Server Base System Architecture. */
#define TIMER_VIRT_INTID_DEFAULT 27

/* Reads the virtual timer's INTID from the device tree; boot CPU. */
void timer_init(const void *dtb);
/* That INTID, or 0 when the tree does not name a PPI for it. */
unsigned int timer_virt_intid(void);

/* Counter ticks per second, as the firmware or hypervisor set it. */
static inline u64 timer_frequency(void)
{
	return read_sysreg(cntfrq_el0);
}

/* The isb keeps the read from being hoisted above earlier code. */
static inline u64 timer_count(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

/* Fires when the virtual count reaches cval; ctl is CNTV_CTL_*. */
static inline void timer_set(u64 cval, u64 ctl)
{
	write_sysreg(cval, cntv_cval_el0);
	write_sysreg(ctl, cntv_ctl_el0);
	isb();
}

static inline u64 timer_ctl(void)
{
	return read_sysreg(cntv_ctl_el0);
}

static inline void timer_udelay(u64 us)
{
	u64 end = timer_count() + us * timer_frequency() / 1000000;

	while (timer_count() < end)
		cpu_relax();
}

#endif /* GUEST_TIMER_H */
