// SPDX-License-Identifier: GPL-2.0-only
/* The userspace GICv2: distributor registers, CPU interfaces, output lines. */
#include <errno.h>
#include <string.h>

#include "vgic/gicv2.h"

#define BIT(n)		 (1u << (n))
#define SGI_BITS	 0x0000ffffu
#define FIRST_PPI	 16
#define FIRST_SPI	 32
#define NR_INTIDS	 1020 /* 1020..1023 are special */
#define PRIORITY_SHIFT	 (8 - GICV2_PRIORITY_BITS)
#define BANK_REGS_END	 0x400 /* ISENABLER .. ICACTIVER */
#define BANK_REG_STRIDE	 0x80
#define ICFGR_END	 0xd00
#define SGI_PEND_END	 0xf30
#define INTID_OF(value)	 ((value)&0x3ff)
#define SGIR_INTID(sgir) ((sgir)&0xf)

/* The GICD_ISENABLER .. GICD_ICACTIVER blocks, in address order. */
enum bank_reg {
	SET_ENABLE,
	CLEAR_ENABLE,
	SET_PENDING,
	CLEAR_PENDING,
	SET_ACTIVE,
	CLEAR_ACTIVE,
};

static unsigned int nr_intids(const struct gicv2 *gic)
{
	return gic->nr_irqs < NR_INTIDS ? gic->nr_irqs : NR_INTIDS;
}

static bool implemented(const struct gicv2 *gic, unsigned int intid)
{
	return intid < nr_intids(gic);
}

/* The bits of 32-INTID word n that stand for implemented INTIDs. */
static uint32_t word_mask(const struct gicv2 *gic, unsigned int n)
{
	unsigned int first = 32 * n, end = nr_intids(gic);

	if (first >= end)
		return 0;
	return end - first >= 32 ? ~0u : BIT(end - first) - 1;
}

static uint8_t cpu_bits(const struct gicv2 *gic)
{
	return BIT(gic->nr_cpus) - 1;
}

/* Word n of the per-INTID state as cpu sees it: SGIs/PPIs are banked. */
static struct gicv2_bank *bank(struct gicv2 *gic, unsigned int cpu,
			       unsigned int n)
{
	return n ? &gic->spi[n] : &gic->cpu[cpu].private;
}

static uint8_t *priority(struct gicv2 *gic, unsigned int cpu,
			 unsigned int intid)
{
	return intid < GICV2_NR_PRIVATE ? &gic->cpu[cpu].priority[intid] :
					  &gic->priority[intid];
}

/*
 * Pending state of word n for cpu.  An SGI is pending while some CPU's
 * copy is (SGIs have no line and no latch); a level-sensitive interrupt
 * while its line is high or the latch is set, an edge-triggered one
 * while the latch is set.
 */
static uint32_t pending_word(struct gicv2 *gic, unsigned int cpu,
			     unsigned int n)
{
	const struct gicv2_bank *b = bank(gic, cpu, n);
	uint32_t pending = b->latched | (b->line & ~b->edge);

	if (n)
		return pending;
	for (unsigned int sgi = 0; sgi < GICV2_NR_SGIS; sgi++) {
		if (gic->cpu[cpu].sgi_sources[sgi])
			pending |= BIT(sgi);
	}
	return pending;
}

static uint8_t group_priority(const struct gicv2_cpu *c, uint8_t prio)
{
	return prio & (0xff << (c->bpr + 1));
}

static unsigned int running_priority(const struct gicv2_cpu *c)
{
	if (!c->active_prios)
		return GICV2_PRIORITY_IDLE;
	return (unsigned int)__builtin_ctz(c->active_prios) << PRIORITY_SHIFT;
}

/*
 * The highest-priority interrupt that is enabled, pending, not active
 * and targets cpu, whatever PMR and the running priority say; 1023 if
 * none or while the distributor or the CPU interface is disabled.
 */
static unsigned int highest_pending(struct gicv2 *gic, unsigned int cpu)
{
	unsigned int best = GICV2_SPURIOUS, best_prio = 0x100;

	if (!gic->enabled || !gic->cpu[cpu].enabled)
		return GICV2_SPURIOUS;
	for (unsigned int n = 0; n < gic->nr_irqs / 32; n++) {
		const struct gicv2_bank *b = bank(gic, cpu, n);
		uint32_t ready = pending_word(gic, cpu, n) & b->enabled &
				 ~b->active;

		while (ready) {
			unsigned int intid = 32 * n + __builtin_ctz(ready);

			ready &= ready - 1;
			if (n && !(gic->targets[intid] & BIT(cpu)))
				continue;
			if (*priority(gic, cpu, intid) < best_prio) {
				best = intid;
				best_prio = *priority(gic, cpu, intid);
			}
		}
	}
	return best;
}

/* What an IAR read would acknowledge now: it must pass PMR and preempt. */
static unsigned int signalled(struct gicv2 *gic, unsigned int cpu)
{
	const struct gicv2_cpu *c = &gic->cpu[cpu];
	unsigned int intid = highest_pending(gic, cpu);
	uint8_t prio;

	if (intid == GICV2_SPURIOUS)
		return intid;
	prio = *priority(gic, cpu, intid);
	if (prio >= c->pmr || group_priority(c, prio) >= running_priority(c))
		return GICV2_SPURIOUS;
	return intid;
}

/* Recomputes every CPU's IRQ output, reporting the ones that changed. */
static void update(struct gicv2 *gic)
{
	for (unsigned int cpu = 0; cpu < gic->nr_cpus; cpu++) {
		struct gicv2_cpu *c = &gic->cpu[cpu];
		bool level = signalled(gic, cpu) != GICV2_SPURIOUS;

		if (level == c->irq_line)
			continue;
		c->irq_line = level;
		if (gic->set_irq)
			gic->set_irq(gic->opaque, cpu, level);
	}
}

int gicv2_init(struct gicv2 *gic, unsigned int nr_cpus, unsigned int nr_irqs,
	       void (*set_irq)(void *opaque, unsigned int cpu, bool level),
	       void *opaque)
{
	if (!nr_cpus || nr_cpus > GICV2_MAX_CPUS || nr_irqs % 32 ||
	    nr_irqs < GICV2_MIN_IRQS || nr_irqs > GICV2_MAX_IRQS)
		return -EINVAL;
	memset(gic, 0, sizeof(*gic));
	gic->nr_cpus = nr_cpus;
	gic->nr_irqs = nr_irqs;
	gic->set_irq = set_irq;
	gic->opaque = opaque;
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		gic->cpu[cpu].private.edge = SGI_BITS;
		gic->cpu[cpu].bpr = GICV2_MIN_BPR;
	}
	return 0;
}

/* GICD_ICFGR<k>: 16 two-bit fields, bit 1 of each set for edge. */
static uint32_t read_icfgr(struct gicv2 *gic, unsigned int cpu, unsigned int k)
{
	uint32_t edge = bank(gic, cpu, k / 2)->edge >> (k % 2 * 16);
	uint32_t value = 0;

	for (unsigned int i = 0; i < 16; i++) {
		if (edge & BIT(i))
			value |= GICD_ICFGR_EDGE << (2 * i);
	}
	return value;
}

static void write_icfgr(struct gicv2 *gic, unsigned int cpu, unsigned int k,
			uint32_t value)
{
	struct gicv2_bank *b = bank(gic, cpu, k / 2);
	unsigned int shift = k % 2 * 16;
	uint32_t edge = 0, fields;

	/* SGIs are edge-triggered, always. */
	if (!k)
		return;
	for (unsigned int i = 0; i < 16; i++) {
		if (value & GICD_ICFGR_EDGE << (2 * i))
			edge |= BIT(i);
	}
	fields = (0xffffu << shift) & word_mask(gic, k / 2);
	b->edge = (b->edge & ~fields) | ((edge << shift) & fields);
}

static uint32_t read_bank_reg(struct gicv2 *gic, unsigned int cpu,
			      enum bank_reg reg, unsigned int n)
{
	const struct gicv2_bank *b = bank(gic, cpu, n);

	switch (reg) {
	case SET_ENABLE:
	case CLEAR_ENABLE:
		return b->enabled;
	case SET_PENDING:
	case CLEAR_PENDING:
		return pending_word(gic, cpu, n);
	case SET_ACTIVE:
	case CLEAR_ACTIVE:
		return b->active;
	}
	return 0;
}

static void write_bank_reg(struct gicv2 *gic, unsigned int cpu,
			   enum bank_reg reg, unsigned int n, uint32_t value)
{
	struct gicv2_bank *b = bank(gic, cpu, n);

	/* The state never holds INTIDs that do not exist. */
	value &= word_mask(gic, n);
	switch (reg) {
	case SET_ENABLE:
		b->enabled |= value;
		break;
	case CLEAR_ENABLE:
		b->enabled &= ~value;
		break;
	case SET_PENDING:
		/* SGIs go through GICD_SGIR and GICD_SPENDSGIRn instead. */
		b->latched |= n ? value : value & ~SGI_BITS;
		break;
	case CLEAR_PENDING:
		b->latched &= ~value;
		break;
	case SET_ACTIVE:
		b->active |= value;
		break;
	case CLEAR_ACTIVE:
		b->active &= ~value;
		break;
	}
}

static void write_sgir(struct gicv2 *gic, unsigned int cpu, uint32_t sgir)
{
	uint8_t targets;

	switch ((sgir >> GICD_SGIR_FILTER_SHIFT) & 3) {
	case GICD_SGIR_FILTER_LIST:
		targets = sgir >> GICD_SGIR_TARGETS_SHIFT;
		break;
	case GICD_SGIR_FILTER_OTHERS:
		targets = ~BIT(cpu);
		break;
	case GICD_SGIR_FILTER_SELF:
		targets = BIT(cpu);
		break;
	default: /* reserved */
		return;
	}
	for (unsigned int target = 0; target < gic->nr_cpus; target++) {
		if (targets & BIT(target))
			gic->cpu[target].sgi_sources[SGIR_INTID(sgir)] |=
				BIT(cpu);
	}
}

static uint8_t read_dist_byte(struct gicv2 *gic, unsigned int cpu,
			      uint64_t offset)
{
	unsigned int intid;

	if (offset >= GICD_CPENDSGIR)
		return gic->cpu[cpu]
			.sgi_sources[(offset - GICD_CPENDSGIR) % GICV2_NR_SGIS];
	if (offset >= GICD_ITARGETSR) {
		intid = offset - GICD_ITARGETSR;
		if (!implemented(gic, intid))
			return 0;
		return intid < GICV2_NR_PRIVATE ? BIT(cpu) :
						  gic->targets[intid];
	}
	intid = offset - GICD_IPRIORITYR;
	return implemented(gic, intid) ? *priority(gic, cpu, intid) : 0;
}

static void write_dist_byte(struct gicv2 *gic, unsigned int cpu,
			    uint64_t offset, uint8_t value)
{
	unsigned int intid;
	uint8_t *sources;

	if (offset >= GICD_CPENDSGIR) {
		sources = &gic->cpu[cpu].sgi_sources[(offset - GICD_CPENDSGIR) %
						     GICV2_NR_SGIS];
		if (offset >= GICD_SPENDSGIR)
			*sources |= value & cpu_bits(gic);
		else
			*sources &= ~value;
		return;
	}
	if (offset >= GICD_ITARGETSR) {
		intid = offset - GICD_ITARGETSR;
		/* SGI and PPI targets are fixed: the CPU's own interface. */
		if (intid >= GICV2_NR_PRIVATE && implemented(gic, intid))
			gic->targets[intid] = value & cpu_bits(gic);
		return;
	}
	intid = offset - GICD_IPRIORITYR;
	if (implemented(gic, intid))
		*priority(gic, cpu, intid) = value & GICV2_PRIORITY_MASK;
}

static bool byte_register(uint64_t offset)
{
	return (offset >= GICD_IPRIORITYR && offset < GICD_ICFGR) ||
	       (offset >= GICD_CPENDSGIR && offset < SGI_PEND_END);
}

static bool dist_access_ok(const struct gicv2 *gic, unsigned int cpu,
			   uint64_t offset, unsigned int size)
{
	if (cpu >= gic->nr_cpus || offset >= GICV2_DIST_SIZE)
		return false;
	if (size == 4)
		return !(offset % 4);
	return size == 1 && byte_register(offset);
}

uint32_t gicv2_dist_read(struct gicv2 *gic, unsigned int cpu, uint64_t offset,
			 unsigned int size)
{
	uint32_t value = 0;

	if (!dist_access_ok(gic, cpu, offset, size))
		return 0;
	if (byte_register(offset)) {
		for (unsigned int i = 0; i < size; i++)
			value |= (uint32_t)read_dist_byte(gic, cpu, offset + i)
				 << (8 * i);
		return value;
	}
	if (offset >= GICD_ISENABLER && offset < BANK_REGS_END)
		return read_bank_reg(
			gic, cpu, (offset - GICD_ISENABLER) / BANK_REG_STRIDE,
			offset % BANK_REG_STRIDE / 4);
	if (offset >= GICD_ICFGR && offset < ICFGR_END) {
		if (!word_mask(gic, (offset - GICD_ICFGR) / 8))
			return 0;
		return read_icfgr(gic, cpu, (offset - GICD_ICFGR) / 4);
	}
	switch (offset) {
	case GICD_CTLR:
		return gic->enabled ? GICD_CTLR_ENABLE : 0;
	case GICD_TYPER:
		return (gic->nr_irqs / 32 - 1) |
		       (gic->nr_cpus - 1) << GICD_TYPER_CPUS_SHIFT;
	case GICD_IIDR:
		return GICV2_IIDR;
	case GICD_ICPIDR2:
		return GICV2_ICPIDR2;
	}
	return 0;
}

void gicv2_dist_write(struct gicv2 *gic, unsigned int cpu, uint64_t offset,
		      unsigned int size, uint32_t value)
{
	if (!dist_access_ok(gic, cpu, offset, size))
		return;
	if (byte_register(offset)) {
		for (unsigned int i = 0; i < size; i++)
			write_dist_byte(gic, cpu, offset + i, value >> (8 * i));
	} else if (offset >= GICD_ISENABLER && offset < BANK_REGS_END) {
		write_bank_reg(gic, cpu,
			       (offset - GICD_ISENABLER) / BANK_REG_STRIDE,
			       offset % BANK_REG_STRIDE / 4, value);
	} else if (offset >= GICD_ICFGR && offset < ICFGR_END) {
		write_icfgr(gic, cpu, (offset - GICD_ICFGR) / 4, value);
	} else if (offset == GICD_CTLR) {
		gic->enabled = value & GICD_CTLR_ENABLE;
	} else if (offset == GICD_SGIR) {
		write_sgir(gic, cpu, value);
	} else {
		return;
	}
	update(gic);
}

static void deactivate(struct gicv2 *gic, unsigned int cpu, unsigned int intid)
{
	bank(gic, cpu, intid / 32)->active &= ~BIT(intid % 32);
}

/* GICC_IAR: pending to active, the running priority rises. */
static uint32_t acknowledge(struct gicv2 *gic, unsigned int cpu)
{
	struct gicv2_cpu *c = &gic->cpu[cpu];
	unsigned int intid = signalled(gic, cpu), source;
	struct gicv2_bank *b;
	uint32_t iar = intid;

	if (intid == GICV2_SPURIOUS)
		return iar;
	b = bank(gic, cpu, intid / 32);
	if (intid < GICV2_NR_SGIS) {
		source = __builtin_ctz(c->sgi_sources[intid]);
		c->sgi_sources[intid] &= ~BIT(source);
		iar |= source << GICV2_IAR_CPUID_SHIFT;
	} else {
		/* A level interrupt's line, if high, keeps it pending. */
		b->latched &= ~BIT(intid % 32);
	}
	b->active |= BIT(intid % 32);
	c->active_prios |= BIT(group_priority(c, *priority(gic, cpu, intid)) >>
			       PRIORITY_SHIFT);
	update(gic);
	return iar;
}

static uint32_t read_hppir(struct gicv2 *gic, unsigned int cpu)
{
	unsigned int intid = highest_pending(gic, cpu);

	if (intid >= GICV2_NR_SGIS)
		return intid;
	return intid |
	       (unsigned int)__builtin_ctz(gic->cpu[cpu].sgi_sources[intid])
		       << GICV2_IAR_CPUID_SHIFT;
}

/* GICC_EOIR: drops the highest active priority; EOImode 0 deactivates. */
static void end_of_interrupt(struct gicv2 *gic, unsigned int cpu, uint32_t eoir)
{
	struct gicv2_cpu *c = &gic->cpu[cpu];

	if (!implemented(gic, INTID_OF(eoir)) || !c->active_prios)
		return;
	c->active_prios &= c->active_prios - 1;
	if (!c->eoimode)
		deactivate(gic, cpu, INTID_OF(eoir));
}

static bool cpu_access_ok(const struct gicv2 *gic, unsigned int cpu,
			  uint64_t offset, unsigned int size)
{
	return cpu < gic->nr_cpus && offset < GICV2_CPU_SIZE && size == 4 &&
	       !(offset % 4);
}

uint32_t gicv2_cpu_read(struct gicv2 *gic, unsigned int cpu, uint64_t offset,
			unsigned int size)
{
	const struct gicv2_cpu *c;

	if (!cpu_access_ok(gic, cpu, offset, size))
		return 0;
	c = &gic->cpu[cpu];
	switch (offset) {
	case GICC_CTLR:
		return (c->enabled ? GICC_CTLR_ENABLE : 0) |
		       (c->eoimode ? GICC_CTLR_EOIMODE : 0);
	case GICC_PMR:
		return c->pmr;
	case GICC_BPR:
		return c->bpr;
	case GICC_IAR:
		return acknowledge(gic, cpu);
	case GICC_RPR:
		return running_priority(c);
	case GICC_HPPIR:
		return read_hppir(gic, cpu);
	case GICC_IIDR:
		return GICV2_GICC_IIDR;
	}
	return 0;
}

void gicv2_cpu_write(struct gicv2 *gic, unsigned int cpu, uint64_t offset,
		     unsigned int size, uint32_t value)
{
	struct gicv2_cpu *c;

	if (!cpu_access_ok(gic, cpu, offset, size))
		return;
	c = &gic->cpu[cpu];
	switch (offset) {
	case GICC_CTLR:
		c->enabled = value & GICC_CTLR_ENABLE;
		c->eoimode = value & GICC_CTLR_EOIMODE;
		break;
	case GICC_PMR:
		c->pmr = value & GICV2_PRIORITY_MASK;
		break;
	case GICC_BPR:
		c->bpr = (value & 7) < GICV2_MIN_BPR ? GICV2_MIN_BPR :
						       value & 7;
		break;
	case GICC_EOIR:
		end_of_interrupt(gic, cpu, value);
		break;
	case GICC_DIR:
		if (c->eoimode && implemented(gic, INTID_OF(value)))
			deactivate(gic, cpu, INTID_OF(value));
		break;
	default:
		return;
	}
	update(gic);
}

static void set_line(struct gicv2 *gic, struct gicv2_bank *b,
		     unsigned int intid, bool level)
{
	uint32_t bit = BIT(intid % 32);

	if (level && !(b->line & bit) && (b->edge & bit))
		b->latched |= bit;
	if (level)
		b->line |= bit;
	else
		b->line &= ~bit;
	update(gic);
}

int gicv2_set_spi_level(struct gicv2 *gic, unsigned int intid, bool level)
{
	if (intid < FIRST_SPI || !implemented(gic, intid))
		return -EINVAL;
	set_line(gic, &gic->spi[intid / 32], intid, level);
	return 0;
}

int gicv2_set_ppi_level(struct gicv2 *gic, unsigned int cpu, unsigned int intid,
			bool level)
{
	if (cpu >= gic->nr_cpus || intid < FIRST_PPI || intid >= FIRST_SPI)
		return -EINVAL;
	set_line(gic, &gic->cpu[cpu].private, intid, level);
	return 0;
}
