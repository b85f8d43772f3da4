// SPDX-License-Identifier: GPL-2.0-only
/* GICv2: banked distributor registers and the MMIO CPU interface. */
#include "arch.h"
#include "errno.h"
#include "gic.h"
#include "gicv2.h"
#include "on_cpu.h"
#include "processor.h"

#define GICD_SGIR_FILTER_SHIFT 24
#define GICD_SGIR_TARGET_SHIFT 16
#define GICC_IAR_CPUID(iar)    (((iar) >> 10) & 7)
#define GICD_CTLR_ENABLE       BIT(0)

static u64 dist, cpuif;
/* The CPU interface bit of each logical CPU, from its banked ITARGETSR0. */
static u8 cpu_mask[MAX_CPUS];

u64 gicv2_cpu_base(void)
{
	return cpuif;
}

static int probe(const void *dtb, const u64 (*reg)[2], unsigned int nr,
		 const char **why)
{
	(void)dtb;
	if (nr < 2) {
		*why = "GICv2 node: reg lacks the CPU interface";
		return -ENODEV;
	}
	if (!gic_in_device_window(reg[0][0], GICV2_DIST_SIZE) ||
	    !gic_in_device_window(reg[1][0], GICV2_CPU_SIZE) ||
	    reg[0][1] < GICV2_DIST_SIZE || reg[1][1] < GICV2_CPU_SIZE) {
		*why = "GICv2 registers outside the mapped device window";
		return -ENODEV;
	}
	dist = reg[0][0];
	cpuif = reg[1][0];
	return 0;
}

/* A uniprocessor GIC may read ITARGETSR as zero: it has interface 0. */
static u8 this_cpu_mask(void)
{
	return readb(dist + GICD_ITARGETSR) ?: 1;
}

static void dist_init(void)
{
	unsigned int nr = gic_nr_irqs();
	u8 boot = this_cpu_mask();

	writel(0, dist + GICD_CTLR);
	gic_reset_irqs(GIC_FIRST_SPI, nr);
	for (unsigned int intid = GIC_FIRST_SPI; intid < nr; intid++)
		writeb(boot, dist + GICD_ITARGETSR + intid);
	writel(GICD_CTLR_ENABLE, dist + GICD_CTLR);
}

static void cpu_enable(bool enable)
{
	u32 ctlr = readl(cpuif + GICC_CTLR);

	ctlr &= ~(GICC_CTLR_ENABLE_GRP0 | GICC_CTLR_ENABLE_GRP1);
	if (enable)
		ctlr |= GICC_CTLR_ENABLE_GRP0 | GICC_CTLR_ENABLE_GRP1;
	writel(ctlr, cpuif + GICC_CTLR);
}

static int cpu_init(void)
{
	cpu_mask[smp_processor_id()] = this_cpu_mask();
	gic_reset_irqs(0, GIC_FIRST_SPI);
	writel(GIC_PRIORITY_IDLE, cpuif + GICC_PMR);
	writel(0, cpuif + GICC_BPR);
	writel(0, cpuif + GICC_CTLR);
	cpu_enable(true);
	return 0;
}

static u64 irq_regs(unsigned int intid)
{
	(void)intid;
	return dist;
}

static void wait_for_write(unsigned int intid)
{
	/* GICv2 distributor writes take effect at once. */
	(void)intid;
}

static void spi_route(unsigned int intid, unsigned int cpu)
{
	writeb(cpu_mask[cpu], dist + GICD_ITARGETSR + intid);
}

static void send_sgi(unsigned int sgi, enum gic_sgi_filter filter, u64 cpus)
{
	u32 targets = 0;

	for (unsigned int cpu = 0; cpu < smp_nr_cpus(); cpu++) {
		if (cpus & BIT_ULL(cpu))
			targets |= cpu_mask[cpu];
	}
	/* What the sender wrote before must be visible to the target. */
	asm volatile("dsb ishst" ::: "memory");
	writel((u32)filter << GICD_SGIR_FILTER_SHIFT |
		       targets << GICD_SGIR_TARGET_SHIFT | sgi,
	       dist + GICD_SGIR);
}

static u32 read_iar(void)
{
	return readl(cpuif + GICC_IAR);
}

static int iar_source(u32 iar)
{
	if ((iar & 0x3ff) >= GIC_NR_SGIS)
		return -1;
	for (unsigned int cpu = 0; cpu < smp_nr_cpus(); cpu++) {
		if (cpu_mask[cpu] == BIT(GICC_IAR_CPUID(iar)))
			return (int)cpu;
	}
	return -1;
}

static void write_eoir(u32 iar)
{
	writel(iar, cpuif + GICC_EOIR);
}

static void write_dir(u32 iar)
{
	writel(iar, cpuif + GICC_DIR);
}

static u32 read_hppir(void)
{
	return readl(cpuif + GICC_HPPIR);
}

static u8 read_rpr(void)
{
	return readl(cpuif + GICC_RPR) & 0xff;
}

static void write_pmr(u8 mask)
{
	writel(mask, cpuif + GICC_PMR);
}

static u8 read_pmr(void)
{
	return readl(cpuif + GICC_PMR) & 0xff;
}

static void set_eoimode(bool split)
{
	u32 ctlr = readl(cpuif + GICC_CTLR) & ~GICC_CTLR_EOIMODE;

	writel(split ? ctlr | GICC_CTLR_EOIMODE : ctlr, cpuif + GICC_CTLR);
}

static bool read_eoimode(void)
{
	return readl(cpuif + GICC_CTLR) & GICC_CTLR_EOIMODE;
}

const struct gic_ops gicv2_ops = {
	.probe = probe,
	.dist_init = dist_init,
	.cpu_init = cpu_init,
	.irq_regs = irq_regs,
	.wait_for_write = wait_for_write,
	.spi_route = spi_route,
	.send_sgi = send_sgi,
	.read_iar = read_iar,
	.iar_source = iar_source,
	.write_eoir = write_eoir,
	.write_dir = write_dir,
	.read_hppir = read_hppir,
	.read_rpr = read_rpr,
	.write_pmr = write_pmr,
	.read_pmr = read_pmr,
	.set_eoimode = set_eoimode,
	.read_eoimode = read_eoimode,
	.cpu_enable = cpu_enable,
};
