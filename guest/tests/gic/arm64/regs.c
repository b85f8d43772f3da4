// SPDX-License-Identifier: GPL-2.0-only
/* gic.regs: identification, read-only and RAZ/WI fields, byte access, banking. */
#include "arch.h"
#include "gic_test.h"
#include "gicv2.h"
#include "gicv3.h"
#include "on_cpu.h"
#include "processor.h"
#include "report.h"
#include "smp.h"
#include "sysreg.h"
#include "test.h"
#include "timer.h"

#define PIDR2_ARCHREV(pidr2) (((pidr2) >> 4) & 0xf)
#define PFR0_GIC(pfr0)	     (((pfr0) >> 24) & 0xf)
#define BANKED_SGI	     3

static void check_identification(void)
{
	u64 dist = gic_dist_base();
	u32 rev;

	if (gic_version() == 2) {
		/*
		 * KVM's vGICv2 (Linux 6.1 in the nested bed) reads its
		 * whole ID register space as zero (docs/gic.md).
		 */
		rev = PIDR2_ARCHREV(readl(dist + GICD_ICPIDR2));
		report_xfail(gic_kvm_vgic(), rev == 2,
			     "ICPIDR2.ArchRev is 2 (%u)", rev);
		rev = GICC_IIDR_ARCH(readl(gicv2_cpu_base() + GICC_IIDR));
		report(rev == 2, "GICC_IIDR.ArchitectureVersion is 2 (%u)",
		       rev);
		return;
	}
	rev = PIDR2_ARCHREV(readl(dist + GICD_PIDR2));
	report(rev == 3 || rev == 4, "GICD_PIDR2.ArchRev is 3 or 4 (%u)", rev);
	rev = PIDR2_ARCHREV(readl(gicv3_rd_base() + GICR_PIDR2));
	report(rev == 3 || rev == 4, "GICR_PIDR2.ArchRev is 3 or 4 (%u)", rev);
	rev = PFR0_GIC(read_sysreg(id_aa64pfr0_el1));
	report(rev >= 1,
	       "ID_AA64PFR0_EL1.GIC reports the system register interface (%u)",
	       rev);
	report(read_sysreg(icc_sre_el1) & ICC_SRE_SRE,
	       "ICC_SRE_EL1.SRE is set: ICC_* registers in use");
}

static void check_read_only(const char *name, u64 reg)
{
	u32 before = readl(reg), after;

	writel(~before, reg);
	after = readl(reg);
	report(after == before,
	       "%s is read-only (0x%08x, after writing "
	       "0x%08x: 0x%08x)",
	       name, before, ~before, after);
}

static void check_typer(void)
{
	u64 dist = gic_dist_base();
	u32 typer = readl(dist + GICD_TYPER);
	unsigned int nr = 32 * ((typer & GICD_TYPER_LINES) + 1);

	report(nr >= 64, "TYPER.ITLinesNumber: %u INTIDs, at least 64", nr);
	gic_irq_enable(free_spi(0));
	report(gic_irq_enabled(free_spi(0)),
	       "the last SPI TYPER promises (INTID %u) is implemented",
	       free_spi(0));
	gic_irq_disable(free_spi(0));
	check_read_only("GICD_TYPER", dist + GICD_TYPER);
	check_read_only("GICD_IIDR", dist + GICD_IIDR);
	if (gic_version() == 2) {
		report(GICD_TYPER_CPUS(typer) == smp_nr_cpus(),
		       "TYPER.CPUNumber: %u CPU interfaces for %u CPUs",
		       GICD_TYPER_CPUS(typer), smp_nr_cpus());
		return;
	}
	report(GICD_TYPER_IDBITS(typer) >= 9,
	       "TYPER.IDbits: %u INTID bits, enough for INTIDs up to 1019",
	       GICD_TYPER_IDBITS(typer) + 1);
	check_read_only("GICR_TYPER", gicv3_rd_base() + GICR_TYPER);
}

static void check_raz_wi(void)
{
	unsigned int nr = gic_nr_irqs(), spi = free_spi(0);
	u64 dist = gic_dist_base(), sgi_regs = gic_irq_regs(0);
	u32 value;

	if (nr < GIC_MAX_INTID) {
		writel(~0u, dist + GICD_ISENABLER + nr / 8);
		writeb(0xff, dist + GICD_IPRIORITYR + nr);
		report_xfail(gic_qemu_gicv3(),
			     !readl(dist + GICD_ISENABLER + nr / 8) &&
				     !readb(dist + GICD_IPRIORITYR + nr),
			     "ISENABLER and IPRIORITYR of INTIDs %u-%u beyond "
			     "ITLinesNumber are RAZ/WI",
			     nr, nr + 31);
		writel(~0u, dist + GICD_ICENABLER + nr / 8);
		writeb(0, dist + GICD_IPRIORITYR + nr);
	} else {
		report_skip(
			"RAZ/WI beyond ITLinesNumber: all 1020 INTIDs exist");
	}

	writel(0, sgi_regs + GICD_ICFGR);
	value = readl(sgi_regs + GICD_ICFGR);
	report(value == GICD_ICFGR_SGI,
	       "ICFGR0 (SGIs) is read-only, every SGI edge (0x%08x)", value);

	gic_irq_set_level(spi, true);
	report(gic_irq_is_level(spi), "ICFGR: SPI %u can be made level", spi);
	gic_irq_set_level(spi, false);
	report(!gic_irq_is_level(spi), "ICFGR: SPI %u can be made edge", spi);

	if (gic_version() == 3) {
		/* With affinity routing the SGI/PPI bank is redistributor's. */
		writel(BIT(BANKED_SGI), dist + GICD_ISENABLER);
		writeb(0x40, dist + GICD_IPRIORITYR + BANKED_SGI);
		report(!readl(dist + GICD_ISENABLER) &&
			       !readb(dist + GICD_IPRIORITYR + BANKED_SGI) &&
			       !gic_irq_enabled(BANKED_SGI),
		       "GICD_ISENABLER0 and GICD_IPRIORITYR0 are RAZ/WI "
		       "with affinity routing");
		value = readl(dist + GICD_CTLR);
		report(value & GICD_CTLR_ARE, "GICD_CTLR.ARE reads 1 (0x%08x)",
		       value);
	}
}

static u32 lanes_word(const u8 *lane)
{
	return lane[0] | lane[1] << 8 | lane[2] << 16 | (u32)lane[3] << 24;
}

static void check_priority_bytes(void)
{
	unsigned int base = free_spi(3) & ~3u;
	u64 reg = gic_dist_base() + GICD_IPRIORITYR + base;
	u8 lane[4] = { 0x10, 0xa0, 0x30, 0xc0 }, implemented;
	u32 word;

	/* The top four bits exist on every GIC (16 levels at least). */
	for (unsigned int i = 0; i < 4; i++)
		writeb(lane[i], reg + i);
	word = readl(reg);
	report(word == lanes_word(lane),
	       "IPRIORITYR byte writes land in their byte lanes (0x%08x)",
	       word);
	lane[2] = 0x50;
	writeb(lane[2], reg + 2);
	word = readl(reg);
	report(word == lanes_word(lane),
	       "a byte write changes only its lane (0x%08x)", word);
	writel(0x40404040, reg);
	report(readb(reg + 1) == 0x40 && readb(reg + 3) == 0x40,
	       "IPRIORITYR byte reads of a word write");

	writeb(0xff, reg);
	implemented = readb(reg);
	report((u8)(implemented | (implemented - 1)) == 0xff &&
		       implemented >= 0xf0,
	       "IPRIORITYR keeps the top priority bits, at least 4 (0xff "
	       "reads 0x%02x)",
	       implemented);
	for (unsigned int i = 0; i < 4; i++)
		gic_irq_set_priority(base + i, GIC_PRIORITY_DEFAULT);
}

static void check_routing_registers(void)
{
	unsigned int spi = free_spi(0), base = spi & ~3u,
		     last = smp_nr_cpus() - 1;
	u64 dist = gic_dist_base(), reg;
	u32 word, want;

	if (gic_version() == 2) {
		reg = dist + GICD_ITARGETSR + base;
		writel(0, reg);
		gic_spi_route(spi, last);
		want = (u32)readb(dist + GICD_ITARGETSR + spi) << (spi % 4 * 8);
		word = readl(reg);
		report(want && word == want,
		       "ITARGETSR byte write for SPI %u lands in its lane "
		       "(0x%08x)",
		       spi, word);
		gic_spi_route(spi, 0);
		return;
	}
	reg = dist + GICD_IROUTER + 8 * spi;
	gic_spi_route(spi, last);
	want = (u32)smp_cpu_mpidr(last);
	report(readl(reg) == want &&
		       readl(reg + 4) == (u32)(smp_cpu_mpidr(last) >> 32),
	       "IROUTER of SPI %u holds CPU %u's affinity (0x%08x)", spi, last,
	       readl(reg));
	gic_spi_route(spi, 0);
}

/* Per-CPU facts, gathered on each CPU. */
struct cpu_view {
	u8 sgi_priority;
	bool ppi_enabled;
	u32 itargetsr0;
	u32 itargetsr0_after_write;
	u32 rd_affinity;
	u64 rd_base;
};

static struct cpu_view views[LOG_CPUS];

static void set_banked(void *arg)
{
	unsigned int cpu = smp_processor_id();

	(void)arg;
	gic_irq_set_priority(BANKED_SGI, 0x40 + 0x40 * (cpu % 2));
}

static void read_banked(void *arg)
{
	struct cpu_view *v = &views[smp_processor_id()];
	u64 itargetsr0 = gic_dist_base() + GICD_ITARGETSR;

	(void)arg;
	v->sgi_priority = gic_irq_priority(BANKED_SGI);
	v->ppi_enabled =
		gic_irq_enabled(timer_virt_intid() ?: TIMER_VIRT_INTID_DEFAULT);
	if (gic_version() == 2) {
		v->itargetsr0 = readl(itargetsr0);
		writel(0, itargetsr0);
		v->itargetsr0_after_write = readl(itargetsr0);
	} else {
		v->rd_base = gicv3_rd_base();
		v->rd_affinity = readl(v->rd_base + GICR_TYPER + 4);
	}
}

static void check_banked(void)
{
	unsigned int ppi = timer_virt_intid() ?: TIMER_VIRT_INTID_DEFAULT;
	bool prio_ok = true, rd_ok = true, targets_ok = true;

	if (!need_cpus(2, "banked SGI/PPI registers"))
		return;
	for (unsigned int cpu = 0; cpu < 2; cpu++)
		on_cpu(cpu, set_banked, NULL);
	gic_irq_enable(ppi);
	for (unsigned int cpu = 0; cpu < 2; cpu++)
		on_cpu(cpu, read_banked, NULL);
	gic_irq_disable(ppi);

	for (unsigned int cpu = 0; cpu < 2; cpu++)
		prio_ok &= views[cpu].sgi_priority == 0x40 + 0x40 * cpu;
	report(prio_ok,
	       "SGI %u priority is banked: CPU 0 reads 0x%02x, CPU 1 0x%02x",
	       BANKED_SGI, views[0].sgi_priority, views[1].sgi_priority);
	report(views[0].ppi_enabled && !views[1].ppi_enabled,
	       "PPI %u enabled on CPU 0 only: CPU 0 sees it %s, CPU 1 %s", ppi,
	       views[0].ppi_enabled ? "enabled" : "disabled",
	       views[1].ppi_enabled ? "enabled" : "disabled");
	if (gic_version() == 2) {
		for (unsigned int cpu = 0; cpu < 2; cpu++) {
			u32 t = views[cpu].itargetsr0;
			u8 own = t & 0xff;

			targets_ok &= own && !(own & (own - 1)) &&
				      t == own * 0x01010101u &&
				      views[cpu].itargetsr0_after_write == t;
		}
		report(targets_ok && views[0].itargetsr0 != views[1].itargetsr0,
		       "ITARGETSR0 is banked and read-only: each CPU reads its "
		       "own interface (0x%08x, 0x%08x)",
		       views[0].itargetsr0, views[1].itargetsr0);
		return;
	}
	for (unsigned int cpu = 0; cpu < 2; cpu++)
		rd_ok &= views[cpu].rd_affinity ==
			 gicv3_typer_affinity(smp_cpu_mpidr(cpu));
	report(rd_ok && views[0].rd_base != views[1].rd_base,
	       "each CPU has its own redistributor, GICR_TYPER naming its "
	       "affinity (0x%x, 0x%x)",
	       views[0].rd_affinity, views[1].rd_affinity);
}

static void check_spurious(void)
{
	u32 iar = gic_ack();

	report(gic_iar_intid(iar) == GIC_SPURIOUS,
	       "IAR reads 1023 when nothing is pending (0x%x)", iar);
	report(gic_hppir() == GIC_SPURIOUS,
	       "HPPIR reads 1023 when nothing is pending (%u)", gic_hppir());
	report(gic_rpr() == GIC_PRIORITY_IDLE,
	       "RPR reads the idle priority 0xff when nothing is active "
	       "(0x%02x)",
	       gic_rpr());
}

static void test_regs(void)
{
	if (!gic_test_begin())
		return;
	report_prefix_pushf("GICv%u", gic_version());
	check_identification();
	check_typer();
	check_raz_wi();
	check_priority_bytes();
	check_routing_registers();
	check_banked();
	check_spurious();
	gic_test_end();
	report_prefix_pop();
}
DEFINE_TEST(test_regs, "gic.regs");
