// SPDX-License-Identifier: GPL-2.0-only
/* GIC probing, per-INTID registers and the IRQ dispatcher, v2 and v3. */
#include "arch.h"
#include "errno.h"
#include "fdt.h"
#include "gic.h"
#include "hvcheck_abi.h"
#include "processor.h"

#define GIC_MAX_REG 8 /* (address, size) pairs read from the node */

static const struct gic_ops *ops;
static unsigned int version, nr_irqs;
static u64 dist_base;
static const char *unavailable = "gic_init() has not run";
static gic_handler_t handlers[GIC_MAX_INTID];
static struct gic_stats stats[MAX_CPUS];
static bool eoimode_split[MAX_CPUS];

static const struct {
	const char *compatible;
	unsigned int version;
	const struct gic_ops *ops;
} gic_models[] = {
	{ "arm,gic-v3", 3, &gicv3_ops },
	{ "arm,cortex-a15-gic", 2, &gicv2_ops },
	{ "arm,gic-400", 2, &gicv2_ops },
};

bool gic_in_device_window(u64 base, u64 size)
{
	return base >= HV_ARM64_GIC_BASE && base < HV_ARM64_MMIO_END &&
	       size <= HV_ARM64_MMIO_END - base;
}

/* The root's #address-cells and #size-cells are 2 (setup.c checks). */
static unsigned int read_reg(const void *prop, u32 len, u64 (*reg)[2])
{
	unsigned int nr = MIN(len / 16, GIC_MAX_REG);

	for (unsigned int i = 0; i < nr; i++) {
		reg[i][0] = (u64)fdt_cell(prop, 4 * i) << 32 |
			    fdt_cell(prop, 4 * i + 1);
		reg[i][1] = (u64)fdt_cell(prop, 4 * i + 2) << 32 |
			    fdt_cell(prop, 4 * i + 3);
	}
	return nr;
}

int gic_init(const void *dtb)
{
	u64 reg[GIC_MAX_REG][2];
	const void *prop = NULL;
	unsigned int i;
	u32 len;

	for (i = 0; i < ARRAY_SIZE(gic_models); i++) {
		prop = fdt_get_prop_compat(dtb, gic_models[i].compatible, "reg",
					   &len);
		if (prop)
			break;
	}
	if (!prop) {
		unavailable = "no GICv2 or GICv3 node in the device tree";
		return -ENODEV;
	}
	if (!len || len % 16) {
		unavailable = "the GIC node's reg is not (address, size) pairs";
		return -ENODEV;
	}
	if (gic_models[i].ops->probe(dtb, reg, read_reg(prop, len, reg),
				     &unavailable))
		return -ENODEV;
	/* Both bindings list the distributor first. */
	dist_base = reg[0][0];
	ops = gic_models[i].ops;
	version = gic_models[i].version;
	nr_irqs = MIN(
		32 * ((readl(gic_dist_base() + GICD_TYPER) & GICD_TYPER_LINES) +
		      1),
		GIC_MAX_INTID);
	unavailable = NULL;
	ops->dist_init();
	if (gic_cpu_init()) {
		unavailable = "the boot CPU has no GIC CPU interface";
		ops = NULL;
		version = 0;
		return -ENODEV;
	}
	return 0;
}

int gic_cpu_init(void)
{
	if (!ops)
		return -ENODEV;
	eoimode_split[smp_processor_id()] = false;
	return ops->cpu_init();
}

void gic_reset_irqs(unsigned int first, unsigned int end)
{
	u64 regs = gic_irq_regs(first);

	for (unsigned int intid = first; intid < end; intid += 32) {
		writel(~0u, regs + GICD_ICENABLER + intid / 8);
		writel(~0u, regs + GICD_ICPENDR + intid / 8);
		writel(~0u, regs + GICD_ICACTIVER + intid / 8);
	}
	for (unsigned int intid = first; intid < end; intid++)
		gic_irq_set_priority(intid, GIC_PRIORITY_DEFAULT);
	ops->wait_for_write(first);
}

const char *gic_unavailable(void)
{
	return unavailable;
}

unsigned int gic_version(void)
{
	return version;
}

unsigned int gic_nr_irqs(void)
{
	return nr_irqs;
}

u64 gic_irq_regs(unsigned int intid)
{
	return ops->irq_regs(intid);
}

/* Set/clear registers: one bit per INTID, writing 0 changes nothing. */
static void write_bit(u32 reg, unsigned int intid)
{
	writel(BIT(intid % 32), gic_irq_regs(intid) + reg + intid / 32 * 4);
}

static bool read_bit(u32 reg, unsigned int intid)
{
	return readl(gic_irq_regs(intid) + reg + intid / 32 * 4) &
	       BIT(intid % 32);
}

void gic_irq_enable(unsigned int intid)
{
	write_bit(GICD_ISENABLER, intid);
}

/* The disable is only certain once the GIC says the write completed. */
void gic_irq_disable(unsigned int intid)
{
	write_bit(GICD_ICENABLER, intid);
	ops->wait_for_write(intid);
}

bool gic_irq_enabled(unsigned int intid)
{
	return read_bit(GICD_ISENABLER, intid);
}

void gic_irq_set_pending(unsigned int intid)
{
	write_bit(GICD_ISPENDR, intid);
}

void gic_irq_clear_pending(unsigned int intid)
{
	write_bit(GICD_ICPENDR, intid);
}

bool gic_irq_pending(unsigned int intid)
{
	return read_bit(GICD_ISPENDR, intid);
}

void gic_irq_set_active(unsigned int intid)
{
	write_bit(GICD_ISACTIVER, intid);
}

void gic_irq_clear_active(unsigned int intid)
{
	write_bit(GICD_ICACTIVER, intid);
}

bool gic_irq_active(unsigned int intid)
{
	return read_bit(GICD_ISACTIVER, intid);
}

/* IPRIORITYR is byte-accessible on both versions. */
void gic_irq_set_priority(unsigned int intid, u8 priority)
{
	writeb(priority, gic_irq_regs(intid) + GICD_IPRIORITYR + intid);
}

u8 gic_irq_priority(unsigned int intid)
{
	return readb(gic_irq_regs(intid) + GICD_IPRIORITYR + intid);
}

void gic_irq_set_level(unsigned int intid, bool level)
{
	u64 reg = gic_irq_regs(intid) + GICD_ICFGR + intid / 16 * 4;
	u32 edge = GICD_ICFGR_EDGE << (intid % 16 * 2);
	u32 cfg = readl(reg);

	writel(level ? cfg & ~edge : cfg | edge, reg);
}

bool gic_irq_is_level(unsigned int intid)
{
	u64 reg = gic_irq_regs(intid) + GICD_ICFGR + intid / 16 * 4;

	return !(readl(reg) & GICD_ICFGR_EDGE << (intid % 16 * 2));
}

void gic_spi_route(unsigned int intid, unsigned int cpu)
{
	ops->spi_route(intid, cpu);
}

void gic_send_sgi(unsigned int sgi, enum gic_sgi_filter filter, u64 cpus)
{
	ops->send_sgi(sgi, filter, cpus);
}

u32 gic_ack(void)
{
	return ops->read_iar();
}

unsigned int gic_iar_intid(u32 iar)
{
	/* GICv2 puts the SGI source CPU above INTID bits 9:0. */
	return version == 2 ? iar & 0x3ff : iar & 0xffffff;
}

int gic_iar_source(u32 iar)
{
	return ops->iar_source(iar);
}

void gic_eoi(u32 iar)
{
	ops->write_eoir(iar);
}

void gic_dir(u32 iar)
{
	ops->write_dir(iar);
}

void gic_end(u32 iar)
{
	ops->write_eoir(iar);
	if (eoimode_split[smp_processor_id()])
		ops->write_dir(iar);
}

u32 gic_hppir(void)
{
	return gic_iar_intid(ops->read_hppir());
}

u8 gic_rpr(void)
{
	return ops->read_rpr();
}

void gic_set_pmr(u8 mask)
{
	ops->write_pmr(mask);
}

u8 gic_pmr(void)
{
	return ops->read_pmr();
}

void gic_set_eoimode(bool split)
{
	eoimode_split[smp_processor_id()] = split;
	ops->set_eoimode(split);
}

bool gic_eoimode(void)
{
	return ops->read_eoimode();
}

void gic_cpu_enable(bool enable)
{
	ops->cpu_enable(enable);
}

void gic_set_handler(unsigned int intid, gic_handler_t handler)
{
	WRITE_ONCE(handlers[intid], handler);
}

bool gic_handle_irq(void)
{
	struct gic_stats *st = &stats[smp_processor_id()];
	struct gic_irq irq = { .source_cpu = -1 };
	gic_handler_t handler;

	if (!ops)
		return false;
	irq.iar = ops->read_iar();
	irq.intid = gic_iar_intid(irq.iar);
	if (irq.intid >= GIC_MAX_INTID) {
		st->spurious++;
		return true;
	}
	irq.source_cpu = ops->iar_source(irq.iar);
	handler = READ_ONCE(handlers[irq.intid]);
	if (handler) {
		handler(&irq);
		/* A handler may have let itself be preempted. */
		irq_disable();
	} else {
		st->unhandled++;
		st->last_unhandled = irq.intid;
	}
	if (!irq.ended)
		gic_end(irq.iar);
	return true;
}

void gic_get_stats(unsigned int cpu, struct gic_stats *out)
{
	*out = stats[cpu];
}

u64 gic_dist_base(void)
{
	return dist_base;
}
