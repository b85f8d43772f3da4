// SPDX-License-Identifier: GPL-2.0-only
/* GICv3: affinity routing, redistributors and the ICC_* system registers. */
#include "arch.h"
#include "errno.h"
#include "fdt.h"
#include "gic.h"
#include "gicv3.h"
#include "on_cpu.h"
#include "processor.h"
#include "smp.h"
#include "sysreg.h"

#define MAX_RD_REGIONS	  7
#define MPIDR_AFFINITY	  0xff00ffffffULL
#define RWP_POLL_LIMIT	  1000000
#define SGI1R_AFF1_SHIFT  16
#define SGI1R_INTID_SHIFT 24
#define SGI1R_AFF2_SHIFT  32
#define SGI1R_RS_SHIFT	  44
#define SGI1R_AFF3_SHIFT  48

static u64 dist;
static u64 rd_region[MAX_RD_REGIONS][2];
static unsigned int nr_rd_regions;
static u64 rd_base[MAX_CPUS];

static int probe(const void *dtb, const u64 (*reg)[2], unsigned int nr,
		 const char **why)
{
	const void *prop;
	u32 len, regions = 1;

	prop = fdt_get_prop_compat(dtb, "arm,gic-v3", "#redistributor-regions",
				   &len);
	if (prop && len == 4)
		regions = fdt_cell(prop, 0);
	if (!regions || regions > MAX_RD_REGIONS || nr < 1 + regions) {
		*why = "GICv3 node: reg lacks the redistributor regions";
		return -ENODEV;
	}
	if (!gic_in_device_window(reg[0][0], GICV3_DIST_SIZE) ||
	    reg[0][1] < GICV3_DIST_SIZE) {
		*why = "GICv3 distributor outside the mapped device window";
		return -ENODEV;
	}
	for (unsigned int i = 0; i < regions; i++) {
		if (!gic_in_device_window(reg[1 + i][0], reg[1 + i][1]) ||
		    reg[1 + i][1] < GICV3_RD_SIZE) {
			*why = "GICv3 redistributors outside the mapped device window";
			return -ENODEV;
		}
		rd_region[i][0] = reg[1 + i][0];
		rd_region[i][1] = reg[1 + i][1];
	}
	nr_rd_regions = regions;
	dist = reg[0][0];
	return 0;
}

u32 gicv3_typer_affinity(u64 mpidr)
{
	return (u32)((mpidr >> 8) & 0xff000000) | (u32)(mpidr & 0xffffff);
}

u64 gicv3_rd_base(void)
{
	return rd_base[smp_processor_id()];
}

/* The frame whose GICR_TYPER names this CPU's affinity, or 0. */
static u64 find_rd(void)
{
	u32 aff = gicv3_typer_affinity(read_sysreg(mpidr_el1));

	for (unsigned int i = 0; i < nr_rd_regions; i++) {
		u64 base = rd_region[i][0], end = base + rd_region[i][1];

		while (end - base >= GICV3_RD_SIZE) {
			u32 typer = readl(base + GICR_TYPER);

			if (readl(base + GICR_TYPER + 4) == aff)
				return base;
			if (typer & GICR_TYPER_LAST)
				break;
			base += GICV3_RD_SIZE;
			if (typer & GICR_TYPER_VLPIS)
				base += GICV3_VLPI_SIZE;
		}
	}
	return 0;
}

static void poll_clear(u64 reg, u32 bit)
{
	for (unsigned int i = 0; i < RWP_POLL_LIMIT && (readl(reg) & bit); i++)
		cpu_relax();
}

static void wait_for_write(unsigned int intid)
{
	if (intid < GIC_FIRST_SPI)
		poll_clear(gicv3_rd_base() + GICR_CTLR, GICR_CTLR_RWP);
	else
		poll_clear(dist + GICD_CTLR, GICD_CTLR_RWP);
}

static void spi_route(unsigned int intid, unsigned int cpu)
{
	u64 route = smp_cpu_mpidr(cpu) & MPIDR_AFFINITY;
	u64 reg = dist + GICD_IROUTER + 8 * intid;

	/* 32-bit halves: every GICv3 accepts those for 64-bit registers. */
	writel((u32)route, reg);
	writel((u32)(route >> 32), reg + 4);
}

static void dist_init(void)
{
	unsigned int nr = gic_nr_irqs();
	u64 boot = read_sysreg(mpidr_el1) & MPIDR_AFFINITY;

	/* ARE may only change while the groups are disabled. */
	writel(0, dist + GICD_CTLR);
	poll_clear(dist + GICD_CTLR, GICD_CTLR_RWP);
	writel(GICD_CTLR_ARE, dist + GICD_CTLR);
	poll_clear(dist + GICD_CTLR, GICD_CTLR_RWP);
	for (unsigned int intid = GIC_FIRST_SPI; intid < nr; intid += 32)
		writel(~0u, dist + GICD_IGROUPR + intid / 8);
	gic_reset_irqs(GIC_FIRST_SPI, nr);
	for (unsigned int intid = GIC_FIRST_SPI; intid < nr; intid++) {
		writel((u32)boot, dist + GICD_IROUTER + 8 * intid);
		writel((u32)(boot >> 32), dist + GICD_IROUTER + 8 * intid + 4);
	}
	writel(GICD_CTLR_ARE | GICD_CTLR_ENABLE_GRP1, dist + GICD_CTLR);
	poll_clear(dist + GICD_CTLR, GICD_CTLR_RWP);
}

static void cpu_enable(bool enable)
{
	write_sysreg(enable, icc_igrpen1_el1);
	isb();
}

static int cpu_init(void)
{
	u64 rd = find_rd();

	if (!rd)
		return -ENODEV;
	rd_base[smp_processor_id()] = rd;
	writel(readl(rd + GICR_WAKER) & ~GICR_WAKER_PROCESSOR_SLEEP,
	       rd + GICR_WAKER);
	poll_clear(rd + GICR_WAKER, GICR_WAKER_CHILDREN_ASLEEP);

	/* Group 1: what a kernel in EL1 gets as IRQs. */
	writel(~0u, rd + GICV3_SGI_FRAME + GICD_IGROUPR);
	gic_reset_irqs(0, GIC_FIRST_SPI);

	write_sysreg(read_sysreg(icc_sre_el1) | ICC_SRE_SRE, icc_sre_el1);
	isb();
	if (!(read_sysreg(icc_sre_el1) & ICC_SRE_SRE))
		return -ENODEV;
	write_sysreg(GIC_PRIORITY_IDLE, icc_pmr_el1);
	write_sysreg(0, icc_bpr1_el1);
	write_sysreg(0, icc_ctlr_el1);
	cpu_enable(true);
	return 0;
}

static u64 irq_regs(unsigned int intid)
{
	return intid < GIC_FIRST_SPI ? gicv3_rd_base() + GICV3_SGI_FRAME : dist;
}

/* One SGI1R write reaches the CPUs of one Aff3.Aff2.Aff1 cluster and RS. */
static u64 sgi1r_cluster(u64 mpidr)
{
	return ((mpidr >> 32) & 0xff) << SGI1R_AFF3_SHIFT |
	       ((mpidr >> 16) & 0xff) << SGI1R_AFF2_SHIFT |
	       ((mpidr >> 8) & 0xff) << SGI1R_AFF1_SHIFT |
	       ((mpidr & 0xff) / 16) << SGI1R_RS_SHIFT;
}

static void write_sgi1r(u64 value)
{
	/* What the sender wrote before must be visible to the target. */
	asm volatile("dsb ishst" ::: "memory");
	write_sysreg(value, icc_sgi1r_el1);
	isb();
}

static void send_sgi(unsigned int sgi, enum gic_sgi_filter filter, u64 cpus)
{
	u64 intid = (u64)sgi << SGI1R_INTID_SHIFT;

	if (filter == GIC_SGI_TO_OTHERS) {
		write_sgi1r(ICC_SGI1R_IRM | intid);
		return;
	}
	if (filter == GIC_SGI_TO_SELF)
		cpus = BIT_ULL(smp_processor_id());
	while (cpus) {
		u64 cluster =
			sgi1r_cluster(smp_cpu_mpidr(__builtin_ctzll(cpus)));
		u64 list = 0;

		for (unsigned int cpu = 0; cpu < smp_nr_cpus(); cpu++) {
			u64 mpidr = smp_cpu_mpidr(cpu);

			if (!(cpus & BIT_ULL(cpu)) ||
			    sgi1r_cluster(mpidr) != cluster)
				continue;
			list |= BIT((mpidr & 0xff) % 16);
			cpus &= ~BIT_ULL(cpu);
		}
		write_sgi1r(cluster | intid | list);
	}
}

static u32 read_iar(void)
{
	u32 iar = read_sysreg(icc_iar1_el1);

	/* The acknowledge must be complete before the handler's accesses. */
	asm volatile("dsb sy" ::: "memory");
	return iar;
}

static int iar_source(u32 iar)
{
	(void)iar;
	return -1;
}

static void write_eoir(u32 iar)
{
	write_sysreg(iar, icc_eoir1_el1);
	isb();
}

static void write_dir(u32 iar)
{
	write_sysreg(iar, icc_dir_el1);
	isb();
}

static u32 read_hppir(void)
{
	return read_sysreg(icc_hppir1_el1);
}

static u8 read_rpr(void)
{
	return read_sysreg(icc_rpr_el1) & 0xff;
}

static void write_pmr(u8 mask)
{
	write_sysreg(mask, icc_pmr_el1);
	isb();
}

static u8 read_pmr(void)
{
	return read_sysreg(icc_pmr_el1) & 0xff;
}

static void set_eoimode(bool split)
{
	u64 ctlr = read_sysreg(icc_ctlr_el1) & ~ICC_CTLR_EOIMODE;

	write_sysreg(split ? ctlr | ICC_CTLR_EOIMODE : ctlr, icc_ctlr_el1);
	isb();
}

static bool read_eoimode(void)
{
	return read_sysreg(icc_ctlr_el1) & ICC_CTLR_EOIMODE;
}

const struct gic_ops gicv3_ops = {
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
