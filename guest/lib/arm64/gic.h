/* SPDX-License-Identifier: GPL-2.0-only */
/* The GIC (v2 or v3, found in the device tree): set-up, IRQ dispatch. */
#ifndef GUEST_GIC_H
#define GUEST_GIC_H

#include "types.h"
#include "gic_regs.h"

/* INTID ranges. */
#define GIC_NR_SGIS	     16
#define GIC_FIRST_PPI	     16
#define GIC_FIRST_SPI	     32
#define GIC_MAX_INTID	     1020 /* 1020..1023 are special */
#define GIC_SPURIOUS	     1023
#define GIC_PRIORITY_IDLE    0xff /* running priority with nothing active */
#define GIC_PRIORITY_DEFAULT 0xa0 /* what gic_init() gives every INTID */

/* Distributor register fields (offsets: gic_regs.h). */
#define GICD_ICFGR_EDGE	 2	    /* of a 2-bit field; 0 is level-sensitive */
#define GICD_ICFGR_SGI	 0xaaaaaaaa /* SGIs: read-only, all edge */
#define GICD_TYPER_LINES 0x1f	    /* ITLinesNumber: 32 * (N + 1) INTIDs */

enum gic_sgi_filter {
	GIC_SGI_TO_LIST,   /* the CPUs in a mask of logical CPU numbers */
	GIC_SGI_TO_OTHERS, /* every CPU but the sender */
	GIC_SGI_TO_SELF,
};

/* One acknowledged interrupt, as a handler sees it. */
struct gic_irq {
	u32 iar; /* the raw IAR value, for EOIR and DIR */
	unsigned int intid;
	int source_cpu; /* GICv2 SGIs: logical sender; else -1 */
	bool ended;	/* the handler did EOI (and DIR) itself */
};

/*
 * Called with IRQs masked on the CPU that acknowledged the interrupt;
 * it may unmask them to be preempted.  Unless it sets irq->ended, the
 * dispatcher ends the interrupt afterwards (EOI, plus DIR when this
 * CPU is in EOImode 1).  Handlers must not print: a report line could
 * wait for the console lock of the code they interrupted.
 */
typedef void (*gic_handler_t)(struct gic_irq *irq);

/* Per-CPU counts of what the dispatcher got without a handler. */
struct gic_stats {
	unsigned long spurious;	 /* IAR said 1020..1023 */
	unsigned long unhandled; /* an INTID with no handler */
	unsigned int last_unhandled;
};

/*
 * Finds the GIC in the device tree ("arm,gic-v3", or "arm,cortex-a15-gic"
 * / "arm,gic-400" for GICv2), checks its registers lie in the mapped
 * device window, and sets up the distributor and the boot CPU's
 * interface: every INTID disabled, inactive, not pending, priority
 * GIC_PRIORITY_DEFAULT, SPIs routed to the boot CPU, PMR open, EOImode
 * 0.  IRQs stay masked in PSTATE.  Returns 0, or -ENODEV with the
 * reason in gic_unavailable().  Boot CPU, before smp_init().
 */
int gic_init(const void *dtb);
/*
 * The same CPU-interface (and GICv3 redistributor) set-up on each
 * other CPU.  Returns 0, or -ENODEV (e.g. no redistributor has this
 * CPU's affinity) and the CPU's interface stays off.
 */
int gic_cpu_init(void);
/* Why there is no GIC driver, or NULL when there is one. */
const char *gic_unavailable(void);

unsigned int gic_version(void); /* 2 or 3; 0 without a GIC */
/* INTIDs the distributor implements (GICD_TYPER), SGIs and PPIs included. */
unsigned int gic_nr_irqs(void);
u64 gic_dist_base(void);

/*
 * Per-INTID state.  SGIs and PPIs are banked: these act on the calling
 * CPU's copy.
 */
void gic_irq_enable(unsigned int intid);
void gic_irq_disable(unsigned int intid);
bool gic_irq_enabled(unsigned int intid);
void gic_irq_set_pending(unsigned int intid);
void gic_irq_clear_pending(unsigned int intid);
bool gic_irq_pending(unsigned int intid);
void gic_irq_set_active(unsigned int intid);
void gic_irq_clear_active(unsigned int intid);
bool gic_irq_active(unsigned int intid);
void gic_irq_set_priority(unsigned int intid, u8 priority);
u8 gic_irq_priority(unsigned int intid);
/* SPIs (PPIs where the GIC allows it): level-sensitive or edge. */
void gic_irq_set_level(unsigned int intid, bool level);
bool gic_irq_is_level(unsigned int intid);
/*
 * The base of the per-INTID registers (GICD_ISENABLER ...) holding
 * intid for the calling CPU: the distributor, or on GICv3 for INTIDs
 * below 32 this CPU's redistributor SGI frame.
 */
u64 gic_irq_regs(unsigned int intid);
/* Routes an SPI to one logical CPU. */
void gic_spi_route(unsigned int intid, unsigned int cpu);

/* Sends SGI sgi; cpus is a mask of logical CPUs for GIC_SGI_TO_LIST. */
void gic_send_sgi(unsigned int sgi, enum gic_sgi_filter filter, u64 cpus);

/* This CPU's interface. */
u32 gic_ack(void);		     /* IAR; marks it active */
unsigned int gic_iar_intid(u32 iar); /* 1023: nothing pending */
int gic_iar_source(u32 iar);	     /* GICv2 SGIs, else -1 */
void gic_eoi(u32 iar);		     /* priority drop (+ deactivate) */
void gic_dir(u32 iar);		     /* deactivate, EOImode 1 */
void gic_end(u32 iar);		     /* EOI, and DIR in EOImode 1 */
u32 gic_hppir(void);		     /* highest pending INTID */
u8 gic_rpr(void);		     /* running priority */
void gic_set_pmr(u8 mask);
u8 gic_pmr(void);
void gic_set_eoimode(bool split); /* split: EOI only drops priority */
bool gic_eoimode(void);		  /* as the CPU interface reads back */
void gic_cpu_enable(bool enable); /* signalling of this CPU's interrupts */

/* Installs handler for intid on every CPU (NULL removes it). */
void gic_set_handler(unsigned int intid, gic_handler_t handler);
/* The IRQ vector's entry: false when there is no GIC to ask. */
bool gic_handle_irq(void);
void gic_get_stats(unsigned int cpu, struct gic_stats *stats);

/* -- for gic.c, gicv2.c and gicv3.c only ---------------------------- */

struct gic_ops {
	/* reg: the GIC node's (address, size) pairs, nr of them. */
	int (*probe)(const void *dtb, const u64 (*reg)[2], unsigned int nr,
		     const char **why);
	void (*dist_init)(void);
	int (*cpu_init)(void);
	u64 (*irq_regs)(unsigned int intid);
	void (*wait_for_write)(unsigned int intid);
	void (*spi_route)(unsigned int intid, unsigned int cpu);
	void (*send_sgi)(unsigned int sgi, enum gic_sgi_filter filter,
			 u64 cpus);
	u32 (*read_iar)(void);
	int (*iar_source)(u32 iar);
	void (*write_eoir)(u32 iar);
	void (*write_dir)(u32 iar);
	u32 (*read_hppir)(void);
	u8 (*read_rpr)(void);
	void (*write_pmr)(u8 mask);
	u8 (*read_pmr)(void);
	void (*set_eoimode)(bool split);
	bool (*read_eoimode)(void);
	void (*cpu_enable)(bool enable);
};

extern const struct gic_ops gicv2_ops, gicv3_ops;

/* Whether [base, base + size) lies in the guest's device mapping. */
bool gic_in_device_window(u64 base, u64 size);
/*
 * Disables INTIDs first..end-1 and clears their pending and active
 * state; gives them GIC_PRIORITY_DEFAULT.  first and end: multiples
 * of 32.
 */
void gic_reset_irqs(unsigned int first, unsigned int end);

#endif /* GUEST_GIC_H */
