// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the userspace GICv2 model, register by register. */
/*
 * Every register the guest GIC suite touches (guest/lib/arm64/gic.c,
 * gicv2.c and the tests in guest/tests/gic/arm64/) and the tests of
 * this file that cover it:
 *   GICD_CTLR        test_reset_values, test_dist_ctlr, test_disabled
 *   GICD_TYPER       test_reset_values, test_typer_iidr_read_only
 *   GICD_IIDR        test_typer_iidr_read_only
 *   GICD_ISENABLER   test_enable_set_clear, test_banked_isolation
 *   GICD_ICENABLER   test_enable_set_clear
 *   GICD_ISPENDR     test_pending_set_clear, test_level_resampling
 *   GICD_ICPENDR     test_pending_set_clear, test_level_ispendr_latch
 *   GICD_ISACTIVER   test_active_set_clear
 *   GICD_ICACTIVER   test_active_set_clear
 *   GICD_IPRIORITYR  test_priority_bytes (byte and word access)
 *   GICD_ITARGETSR   test_itargetsr_spi, test_itargetsr_banked
 *   GICD_ICFGR       test_icfgr
 *   GICD_SGIR        test_sgir_filters, test_sgi_two_sources
 *   GICD_CPENDSGIR   test_sgi_pend_registers (byte access)
 *   GICD_SPENDSGIR   test_sgi_pend_registers, test_sgi_two_sources
 *   GICD_ICPIDR2     test_typer_iidr_read_only
 *   GICC_CTLR        test_cpu_ctlr, test_eoimode1_dir, test_disabled
 *   GICC_PMR         test_pmr_masking
 *   GICC_BPR         test_bpr_group_priority
 *   GICC_IAR         test_iar_eoir_eoimode0, test_spurious, ...
 *   GICC_EOIR        test_iar_eoir_eoimode0, test_preemption
 *   GICC_RPR         test_preemption, test_bpr_group_priority
 *   GICC_HPPIR       test_hppir
 *   GICC_IIDR        test_typer_iidr_read_only
 *   GICC_DIR         test_eoimode1_dir
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vgic/gicv2.h"

#define NR_CPUS	      4
#define NR_IRQS	      256
#define SPI	      200
#define SPI2	      201
#define PPI	      27 /* the virtual timer's */
#define SGI	      5
#define REG(off)      ((off) / 32 * 4) /* word of an INTID in a bit register */
#define BIT_OF(intid) (1u << ((intid) % 32))

struct lines {
	bool level[GICV2_MAX_CPUS];
	unsigned int changes[GICV2_MAX_CPUS];
};

struct fixture {
	struct gicv2 gic;
	struct lines lines;
};

static void record_line(void *opaque, unsigned int cpu, bool level)
{
	struct lines *l = opaque;

	assert_true(cpu < NR_CPUS);
	/* The model reports changes only. */
	assert_true(level != l->level[cpu]);
	l->level[cpu] = level;
	l->changes[cpu]++;
}

static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	assert_int_equal(
		gicv2_init(&f.gic, NR_CPUS, NR_IRQS, record_line, &f.lines), 0);
	*state = &f;
	return 0;
}

#define GIC(state)   (&((struct fixture *)*(state))->gic)
#define LINES(state) (&((struct fixture *)*(state))->lines)

static uint32_t dread(struct gicv2 *gic, unsigned int cpu, uint64_t off)
{
	return gicv2_dist_read(gic, cpu, off, 4);
}

static void dwrite(struct gicv2 *gic, unsigned int cpu, uint64_t off,
		   uint32_t value)
{
	gicv2_dist_write(gic, cpu, off, 4, value);
}

static uint8_t dreadb(struct gicv2 *gic, unsigned int cpu, uint64_t off)
{
	return gicv2_dist_read(gic, cpu, off, 1);
}

static void dwriteb(struct gicv2 *gic, unsigned int cpu, uint64_t off,
		    uint8_t value)
{
	gicv2_dist_write(gic, cpu, off, 1, value);
}

static uint32_t cread(struct gicv2 *gic, unsigned int cpu, uint64_t off)
{
	return gicv2_cpu_read(gic, cpu, off, 4);
}

static void cwrite(struct gicv2 *gic, unsigned int cpu, uint64_t off,
		   uint32_t value)
{
	gicv2_cpu_write(gic, cpu, off, 4, value);
}

/* Per-INTID bit registers: one bit, for the accessing CPU's view. */
static void set_bit_reg(struct gicv2 *gic, unsigned int cpu, uint64_t reg,
			unsigned int intid)
{
	dwrite(gic, cpu, reg + REG(intid), BIT_OF(intid));
}

static bool test_bit_reg(struct gicv2 *gic, unsigned int cpu, uint64_t reg,
			 unsigned int intid)
{
	return dread(gic, cpu, reg + REG(intid)) & BIT_OF(intid);
}

/* What the guest's gic_init() and gic_cpu_init() leave: all on, PMR open. */
static void enable_all(struct gicv2 *gic)
{
	dwrite(gic, 0, GICD_CTLR, GICD_CTLR_ENABLE);
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		cwrite(gic, cpu, GICC_PMR, 0xff);
		cwrite(gic, cpu, GICC_CTLR, GICC_CTLR_ENABLE);
	}
}

/* An enabled SPI of priority prio routed to cpu, edge or level. */
static void prepare_spi(struct gicv2 *gic, unsigned int intid, uint8_t prio,
			unsigned int cpu, bool edge)
{
	uint64_t icfgr = GICD_ICFGR + intid / 16 * 4;
	uint32_t field = GICD_ICFGR_EDGE << (intid % 16 * 2);
	uint32_t cfg = dread(gic, 0, icfgr);

	dwrite(gic, 0, icfgr, edge ? cfg | field : cfg & ~field);
	dwriteb(gic, 0, GICD_IPRIORITYR + intid, prio);
	dwriteb(gic, 0, GICD_ITARGETSR + intid, 1u << cpu);
	set_bit_reg(gic, 0, GICD_ISENABLER, intid);
}

static void send_sgi(struct gicv2 *gic, unsigned int from, unsigned int sgi,
		     unsigned int filter, uint8_t targets)
{
	dwrite(gic, from, GICD_SGIR,
	       filter << GICD_SGIR_FILTER_SHIFT |
		       (uint32_t)targets << GICD_SGIR_TARGETS_SHIFT | sgi);
}

static unsigned int intid_of(uint32_t iar)
{
	return iar & 0x3ff;
}

static unsigned int source_of(uint32_t iar)
{
	return (iar >> GICV2_IAR_CPUID_SHIFT) & 7;
}

static void test_init_rejects_bad_config(void **state)
{
	struct gicv2 *gic = GIC(state);

	assert_int_equal(gicv2_init(gic, 0, 64, NULL, NULL), -EINVAL);
	assert_int_equal(gicv2_init(gic, 9, 64, NULL, NULL), -EINVAL);
	assert_int_equal(gicv2_init(gic, 1, 32, NULL, NULL), -EINVAL);
	assert_int_equal(gicv2_init(gic, 1, 80, NULL, NULL), -EINVAL);
	assert_int_equal(gicv2_init(gic, 1, 1056, NULL, NULL), -EINVAL);
	assert_int_equal(gicv2_init(gic, 1, 64, NULL, NULL), 0);
	assert_int_equal(gicv2_init(gic, 8, 1024, NULL, NULL), 0);
}

static void test_reset_values(void **state)
{
	struct gicv2 *gic = GIC(state);

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		assert_int_equal(dread(gic, cpu, GICD_CTLR), 0);
		for (unsigned int n = 0; n < NR_IRQS / 32; n++) {
			assert_int_equal(
				dread(gic, cpu, GICD_ISENABLER + 4 * n), 0);
			assert_int_equal(dread(gic, cpu, GICD_ISPENDR + 4 * n),
					 0);
			assert_int_equal(
				dread(gic, cpu, GICD_ISACTIVER + 4 * n), 0);
		}
		for (unsigned int intid = 0; intid < NR_IRQS; intid += 4) {
			assert_int_equal(
				dread(gic, cpu, GICD_IPRIORITYR + intid), 0);
			if (intid >= GICV2_NR_PRIVATE)
				assert_int_equal(dread(gic, cpu,
						       GICD_ITARGETSR + intid),
						 0);
		}
		/* SGIs edge, PPIs and SPIs level-sensitive. */
		assert_int_equal(dread(gic, cpu, GICD_ICFGR), 0xaaaaaaaa);
		for (unsigned int k = 1; k < NR_IRQS / 16; k++)
			assert_int_equal(dread(gic, cpu, GICD_ICFGR + 4 * k),
					 0);
		assert_int_equal(cread(gic, cpu, GICC_CTLR), 0);
		assert_int_equal(cread(gic, cpu, GICC_PMR), 0);
		assert_int_equal(cread(gic, cpu, GICC_BPR), GICV2_MIN_BPR);
		assert_int_equal(cread(gic, cpu, GICC_RPR), 0xff);
		assert_int_equal(cread(gic, cpu, GICC_HPPIR), GICV2_SPURIOUS);
		assert_int_equal(cread(gic, cpu, GICC_IAR), GICV2_SPURIOUS);
		assert_int_equal(LINES(state)->changes[cpu], 0);
	}
}

static void test_typer_iidr_read_only(void **state)
{
	struct gicv2 *gic = GIC(state);
	static const uint64_t regs[] = { GICD_TYPER, GICD_IIDR, GICD_ICPIDR2 };
	uint32_t before;

	/* 256 INTIDs: ITLinesNumber 7; 4 CPUs: CPUNumber 3. */
	assert_int_equal(dread(gic, 0, GICD_TYPER), 7 | 3 << 5);
	assert_int_equal(dread(gic, 0, GICD_IIDR), GICV2_IIDR);
	/* Not QEMU's 0x43b, which the guest's GICv3 checks key on. */
	assert_int_not_equal(dread(gic, 0, GICD_IIDR), 0x43b);
	assert_int_equal((dread(gic, 0, GICD_ICPIDR2) >> 4) & 0xf, 2);
	assert_int_equal((cread(gic, 0, GICC_IIDR) >> 16) & 0xf, 2);
	for (unsigned int i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		before = dread(gic, 1, regs[i]);
		dwrite(gic, 1, regs[i], ~before);
		assert_int_equal(dread(gic, 1, regs[i]), before);
	}
	before = cread(gic, 0, GICC_IIDR);
	cwrite(gic, 0, GICC_IIDR, ~before);
	assert_int_equal(cread(gic, 0, GICC_IIDR), before);

	assert_int_equal(gicv2_init(gic, 1, 64, NULL, NULL), 0);
	assert_int_equal(dread(gic, 0, GICD_TYPER), 1);
	assert_int_equal(gicv2_init(gic, 8, 1024, NULL, NULL), 0);
	assert_int_equal(dread(gic, 7, GICD_TYPER), 31 | 7 << 5);
}

static void test_dist_ctlr(void **state)
{
	struct gicv2 *gic = GIC(state);

	dwrite(gic, 2, GICD_CTLR, ~0u);
	/* Only Enable exists: no grouping. */
	assert_int_equal(dread(gic, 0, GICD_CTLR), GICD_CTLR_ENABLE);
	dwrite(gic, 0, GICD_CTLR, 0);
	assert_int_equal(dread(gic, 3, GICD_CTLR), 0);
}

static void test_cpu_ctlr(void **state)
{
	struct gicv2 *gic = GIC(state);

	/* What the guest's cpu_enable() writes: both group enables. */
	cwrite(gic, 1, GICC_CTLR, 3);
	assert_int_equal(cread(gic, 1, GICC_CTLR), GICC_CTLR_ENABLE);
	cwrite(gic, 1, GICC_CTLR, ~0u);
	assert_int_equal(cread(gic, 1, GICC_CTLR),
			 GICC_CTLR_ENABLE | GICC_CTLR_EOIMODE);
	/* Banked per CPU interface. */
	assert_int_equal(cread(gic, 0, GICC_CTLR), 0);
	cwrite(gic, 1, GICC_CTLR, GICC_CTLR_EOIMODE);
	assert_int_equal(cread(gic, 1, GICC_CTLR), GICC_CTLR_EOIMODE);
}

static void test_enable_set_clear(void **state)
{
	struct gicv2 *gic = GIC(state);

	dwrite(gic, 0, GICD_ISENABLER + REG(SPI), 0x00000f00);
	assert_int_equal(dread(gic, 0, GICD_ISENABLER + REG(SPI)), 0xf00);
	assert_int_equal(dread(gic, 0, GICD_ICENABLER + REG(SPI)), 0xf00);
	/* Zero bits change nothing. */
	dwrite(gic, 0, GICD_ISENABLER + REG(SPI), 0);
	dwrite(gic, 0, GICD_ICENABLER + REG(SPI), 0);
	assert_int_equal(dread(gic, 0, GICD_ISENABLER + REG(SPI)), 0xf00);
	dwrite(gic, 0, GICD_ICENABLER + REG(SPI), 0x00000300);
	assert_int_equal(dread(gic, 0, GICD_ISENABLER + REG(SPI)), 0xc00);
	/* SPIs are shared: another CPU sees the same. */
	assert_int_equal(dread(gic, 3, GICD_ISENABLER + REG(SPI)), 0xc00);

	/* SGI enables are programmable, not RAO/WI. */
	set_bit_reg(gic, 0, GICD_ISENABLER, SGI);
	assert_true(test_bit_reg(gic, 0, GICD_ISENABLER, SGI));
	set_bit_reg(gic, 0, GICD_ICENABLER, SGI);
	assert_false(test_bit_reg(gic, 0, GICD_ISENABLER, SGI));
	dwrite(gic, 0, GICD_ISENABLER, ~0u);
	assert_int_equal(dread(gic, 0, GICD_ISENABLER), ~0u);
	dwrite(gic, 0, GICD_ICENABLER, ~0u);
	assert_int_equal(dread(gic, 0, GICD_ISENABLER), 0);
}

static void test_pending_set_clear(void **state)
{
	struct gicv2 *gic = GIC(state);

	set_bit_reg(gic, 0, GICD_ISPENDR, SPI);
	set_bit_reg(gic, 0, GICD_ISPENDR, SPI2);
	assert_int_equal(dread(gic, 2, GICD_ISPENDR + REG(SPI)),
			 BIT_OF(SPI) | BIT_OF(SPI2));
	assert_int_equal(dread(gic, 2, GICD_ICPENDR + REG(SPI)),
			 BIT_OF(SPI) | BIT_OF(SPI2));
	set_bit_reg(gic, 1, GICD_ICPENDR, SPI);
	assert_int_equal(dread(gic, 0, GICD_ISPENDR + REG(SPI)), BIT_OF(SPI2));

	/* PPIs: banked, settable. */
	set_bit_reg(gic, 1, GICD_ISPENDR, PPI);
	assert_true(test_bit_reg(gic, 1, GICD_ISPENDR, PPI));
	assert_false(test_bit_reg(gic, 0, GICD_ISPENDR, PPI));
	set_bit_reg(gic, 1, GICD_ICPENDR, PPI);
	assert_false(test_bit_reg(gic, 1, GICD_ISPENDR, PPI));

	/* SGI pending bits are read-only here: GICD_SGIR/SPENDSGIR set them. */
	dwrite(gic, 0, GICD_ISPENDR, 0xffff);
	assert_int_equal(dread(gic, 0, GICD_ISPENDR), 0);
	send_sgi(gic, 0, SGI, GICD_SGIR_FILTER_SELF, 0);
	dwrite(gic, 0, GICD_ICPENDR, 0xffff);
	assert_int_equal(dread(gic, 0, GICD_ISPENDR), 1u << SGI);
}

static void test_active_set_clear(void **state)
{
	struct gicv2 *gic = GIC(state);

	set_bit_reg(gic, 0, GICD_ISACTIVER, SPI);
	assert_true(test_bit_reg(gic, 3, GICD_ISACTIVER, SPI));
	assert_true(test_bit_reg(gic, 3, GICD_ICACTIVER, SPI));
	set_bit_reg(gic, 0, GICD_ISACTIVER, SGI);
	set_bit_reg(gic, 0, GICD_ISACTIVER, PPI);
	assert_int_equal(dread(gic, 0, GICD_ISACTIVER), 1u << SGI | 1u << PPI);
	assert_int_equal(dread(gic, 1, GICD_ISACTIVER), 0);
	set_bit_reg(gic, 0, GICD_ICACTIVER, SGI);
	assert_int_equal(dread(gic, 0, GICD_ISACTIVER), 1u << PPI);
	set_bit_reg(gic, 2, GICD_ICACTIVER, SPI);
	assert_false(test_bit_reg(gic, 0, GICD_ISACTIVER, SPI));
	/* Making an interrupt active is not acknowledging: RPR stays idle. */
	assert_int_equal(cread(gic, 0, GICC_RPR), 0xff);
}

static void test_priority_bytes(void **state)
{
	struct gicv2 *gic = GIC(state);
	uint64_t reg = GICD_IPRIORITYR + 100;

	dwriteb(gic, 0, reg + 0, 0x10);
	dwriteb(gic, 0, reg + 1, 0xa0);
	dwriteb(gic, 0, reg + 2, 0x30);
	dwriteb(gic, 0, reg + 3, 0xc0);
	assert_int_equal(dread(gic, 1, reg), 0xc030a010);
	dwriteb(gic, 2, reg + 2, 0x50);
	assert_int_equal(dread(gic, 0, reg), 0xc050a010);
	dwrite(gic, 0, reg, 0x40404040);
	assert_int_equal(dreadb(gic, 0, reg + 1), 0x40);
	assert_int_equal(dreadb(gic, 0, reg + 3), 0x40);
	/* Five priority bits: the low three read as zero. */
	dwriteb(gic, 0, reg, 0xff);
	assert_int_equal(dreadb(gic, 0, reg), GICV2_PRIORITY_MASK);
	dwrite(gic, 0, reg, 0x87654321);
	assert_int_equal(dread(gic, 0, reg), 0x80604020);

	/* SGI/PPI priorities are banked. */
	dwriteb(gic, 0, GICD_IPRIORITYR + SGI, 0x40);
	dwriteb(gic, 1, GICD_IPRIORITYR + SGI, 0x80);
	dwriteb(gic, 1, GICD_IPRIORITYR + PPI, 0x18);
	assert_int_equal(dreadb(gic, 0, GICD_IPRIORITYR + SGI), 0x40);
	assert_int_equal(dreadb(gic, 1, GICD_IPRIORITYR + SGI), 0x80);
	assert_int_equal(dreadb(gic, 0, GICD_IPRIORITYR + PPI), 0);
	assert_int_equal(dreadb(gic, 1, GICD_IPRIORITYR + PPI), 0x18);
}

static void test_itargetsr_spi(void **state)
{
	struct gicv2 *gic = GIC(state);
	uint64_t reg = GICD_ITARGETSR + (SPI & ~3u);

	dwrite(gic, 0, reg, 0);
	dwriteb(gic, 0, GICD_ITARGETSR + SPI, 0x8);
	assert_int_equal(dread(gic, 1, reg), 0x8u << (SPI % 4 * 8));
	/* Bits of CPU interfaces that do not exist (4 CPUs) are RAZ/WI. */
	dwrite(gic, 0, reg, 0xff0f3f01);
	assert_int_equal(dread(gic, 0, reg), 0x0f0f0f01);
	assert_int_equal(dreadb(gic, 2, GICD_ITARGETSR + (SPI & ~3u) + 2),
			 0x0f);
}

static void test_itargetsr_banked(void **state)
{
	struct gicv2 *gic = GIC(state);

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		for (unsigned int n = 0; n < GICV2_NR_PRIVATE / 4; n++) {
			uint64_t reg = GICD_ITARGETSR + 4 * n;

			assert_int_equal(dread(gic, cpu, reg),
					 0x01010101u << cpu);
			dwrite(gic, cpu, reg, 0);
			dwriteb(gic, cpu, reg + 1, 0xff);
			assert_int_equal(dread(gic, cpu, reg),
					 0x01010101u << cpu);
		}
		assert_int_equal(dreadb(gic, cpu, GICD_ITARGETSR + PPI),
				 1u << cpu);
	}
	/* Also with one CPU: its own interface, not RAZ. */
	assert_int_equal(gicv2_init(gic, 1, 64, NULL, NULL), 0);
	assert_int_equal(dread(gic, 0, GICD_ITARGETSR), 0x01010101);
}

static void test_icfgr(void **state)
{
	struct gicv2 *gic = GIC(state);
	uint64_t spi_reg = GICD_ICFGR + SPI / 16 * 4;
	uint32_t spi_edge = GICD_ICFGR_EDGE << (SPI % 16 * 2);

	/* SGIs: read-only, all edge. */
	dwrite(gic, 0, GICD_ICFGR, 0);
	assert_int_equal(dread(gic, 0, GICD_ICFGR), 0xaaaaaaaa);
	/* PPIs: programmable, banked; bit 0 of each field is RAZ/WI. */
	dwrite(gic, 1, GICD_ICFGR + 4, 0xffffffff);
	assert_int_equal(dread(gic, 1, GICD_ICFGR + 4), 0xaaaaaaaa);
	assert_int_equal(dread(gic, 0, GICD_ICFGR + 4), 0);
	dwrite(gic, 1, GICD_ICFGR + 4, 0);
	assert_int_equal(dread(gic, 1, GICD_ICFGR + 4), 0);
	/* SPIs: edge and level. */
	dwrite(gic, 0, spi_reg, spi_edge);
	assert_int_equal(dread(gic, 2, spi_reg), spi_edge);
	dwrite(gic, 0, spi_reg, 0x55555555);
	assert_int_equal(dread(gic, 2, spi_reg), 0);
}

static void test_sgir_filters(void **state)
{
	struct gicv2 *gic = GIC(state);
	uint8_t got[NR_CPUS];
	uint32_t iar;

	/* Target list: CPUs 1 and 3, from CPU 2; bits 4-7 do not exist. */
	send_sgi(gic, 2, 1, GICD_SGIR_FILTER_LIST, 0xfa);
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		got[cpu] = dreadb(gic, cpu, GICD_SPENDSGIR + 1);
	assert_int_equal(got[0], 0);
	assert_int_equal(got[1], 1u << 2);
	assert_int_equal(got[2], 0);
	assert_int_equal(got[3], 1u << 2);

	/* All but self, from CPU 1. */
	send_sgi(gic, 1, 2, GICD_SGIR_FILTER_OTHERS, 0x01);
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		assert_int_equal(dreadb(gic, cpu, GICD_SPENDSGIR + 2),
				 cpu == 1 ? 0 : 1u << 1);

	/* Self, from CPU 3: the target list is ignored. */
	send_sgi(gic, 3, 3, GICD_SGIR_FILTER_SELF, 0x01);
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		assert_int_equal(dreadb(gic, cpu, GICD_SPENDSGIR + 3),
				 cpu == 3 ? 1u << 3 : 0);

	/* The reserved filter 3 and an empty list send nothing. */
	send_sgi(gic, 0, 4, 3, 0xff);
	send_sgi(gic, 0, 4, GICD_SGIR_FILTER_LIST, 0);
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		assert_int_equal(dreadb(gic, cpu, GICD_SPENDSGIR + 4), 0);

	/* GICD_SGIR is write-only. */
	assert_int_equal(dread(gic, 0, GICD_SGIR), 0);

	/* Delivered with the sender in IAR.CPUID. */
	enable_all(gic);
	dwrite(gic, 3, GICD_ISENABLER, 1u << 1);
	iar = cread(gic, 3, GICC_IAR);
	assert_int_equal(intid_of(iar), 1);
	assert_int_equal(source_of(iar), 2);
}

static void test_sgi_two_sources(void **state)
{
	struct gicv2 *gic = GIC(state);
	uint32_t iar1, iar2, iar3;

	enable_all(gic);
	set_bit_reg(gic, 0, GICD_ISENABLER, 7);
	send_sgi(gic, 0, 7, GICD_SGIR_FILTER_SELF, 0);
	send_sgi(gic, 1, 7, GICD_SGIR_FILTER_LIST, 1u << 0);
	assert_int_equal(dreadb(gic, 0, GICD_SPENDSGIR + 7), 0x3);
	assert_true(test_bit_reg(gic, 0, GICD_ISPENDR, 7));
	assert_true(LINES(state)->level[0]);

	iar1 = cread(gic, 0, GICC_IAR);
	assert_int_equal(intid_of(iar1), 7);
	/* The other source's copy stays pending, but the SGI is active. */
	assert_int_equal(dreadb(gic, 0, GICD_SPENDSGIR + 7),
			 0x3 & ~(1u << source_of(iar1)));
	assert_true(test_bit_reg(gic, 0, GICD_ISPENDR, 7));
	assert_true(test_bit_reg(gic, 0, GICD_ISACTIVER, 7));
	assert_false(LINES(state)->level[0]);
	iar2 = cread(gic, 0, GICC_IAR);
	assert_int_equal(iar2, GICV2_SPURIOUS);

	cwrite(gic, 0, GICC_EOIR, iar1);
	assert_true(LINES(state)->level[0]);
	iar3 = cread(gic, 0, GICC_IAR);
	assert_int_equal(intid_of(iar3), 7);
	assert_int_not_equal(source_of(iar3), source_of(iar1));
	assert_int_equal(source_of(iar1) | source_of(iar3), 1);
	cwrite(gic, 0, GICC_EOIR, iar3);
	assert_false(test_bit_reg(gic, 0, GICD_ISPENDR, 7));
	assert_false(test_bit_reg(gic, 0, GICD_ISACTIVER, 7));
	assert_int_equal(cread(gic, 0, GICC_IAR), GICV2_SPURIOUS);
}

static void test_sgi_pend_registers(void **state)
{
	struct gicv2 *gic = GIC(state);

	/* SPENDSGIR adds sources (only existing CPUs), banked per target. */
	dwriteb(gic, 2, GICD_SPENDSGIR + 9, 0xf3);
	assert_int_equal(dreadb(gic, 2, GICD_SPENDSGIR + 9), 0x03);
	assert_int_equal(dreadb(gic, 2, GICD_CPENDSGIR + 9), 0x03);
	assert_int_equal(dreadb(gic, 1, GICD_SPENDSGIR + 9), 0);
	assert_true(test_bit_reg(gic, 2, GICD_ISPENDR, 9));
	/* Word access covers four SGIs. */
	assert_int_equal(dread(gic, 2, GICD_SPENDSGIR + 8), 0x0300);
	dwrite(gic, 2, GICD_SPENDSGIR + 8, 0x04000001);
	assert_int_equal(dread(gic, 2, GICD_SPENDSGIR + 8), 0x04000301);
	/* CPENDSGIR removes only the sources written. */
	dwriteb(gic, 2, GICD_CPENDSGIR + 9, 0x02);
	assert_int_equal(dreadb(gic, 2, GICD_SPENDSGIR + 9), 0x01);
	dwrite(gic, 2, GICD_CPENDSGIR + 8, 0xffffffff);
	assert_int_equal(dread(gic, 2, GICD_SPENDSGIR + 8), 0);
	assert_false(test_bit_reg(gic, 2, GICD_ISPENDR, 9));

	/* A pending SGI cleared before it is taken is not taken. */
	enable_all(gic);
	set_bit_reg(gic, 1, GICD_ISENABLER, 9);
	send_sgi(gic, 0, 9, GICD_SGIR_FILTER_LIST, 1u << 1);
	assert_true(LINES(state)->level[1]);
	dwriteb(gic, 1, GICD_CPENDSGIR + 9, 1u << 0);
	assert_false(LINES(state)->level[1]);
	assert_int_equal(cread(gic, 1, GICC_IAR), GICV2_SPURIOUS);
}

static void test_iar_eoir_eoimode0(void **state)
{
	struct gicv2 *gic = GIC(state);
	uint32_t iar;

	enable_all(gic);
	prepare_spi(gic, SPI, 0x80, 0, true);
	set_bit_reg(gic, 0, GICD_ISPENDR, SPI);
	assert_int_equal(cread(gic, 0, GICC_HPPIR), SPI);
	iar = cread(gic, 0, GICC_IAR);
	assert_int_equal(iar, SPI);
	assert_true(test_bit_reg(gic, 0, GICD_ISACTIVER, SPI));
	assert_false(test_bit_reg(gic, 0, GICD_ISPENDR, SPI));
	assert_int_equal(cread(gic, 0, GICC_RPR), 0x80);
	cwrite(gic, 0, GICC_EOIR, iar);
	assert_false(test_bit_reg(gic, 0, GICD_ISACTIVER, SPI));
	assert_int_equal(cread(gic, 0, GICC_RPR), 0xff);
	assert_int_equal(cread(gic, 0, GICC_IAR), GICV2_SPURIOUS);
}

static void test_eoimode1_dir(void **state)
{
	struct gicv2 *gic = GIC(state);
	uint32_t iar;

	enable_all(gic);
	prepare_spi(gic, SPI, 0x80, 0, true);
	prepare_spi(gic, SPI2, 0xa0, 0, true);

	/* EOImode 0: DIR is ignored. */
	set_bit_reg(gic, 0, GICD_ISACTIVER, SPI);
	cwrite(gic, 0, GICC_DIR, SPI);
	assert_true(test_bit_reg(gic, 0, GICD_ISACTIVER, SPI));
	set_bit_reg(gic, 0, GICD_ICACTIVER, SPI);

	cwrite(gic, 0, GICC_CTLR, GICC_CTLR_ENABLE | GICC_CTLR_EOIMODE);
	assert_true(cread(gic, 0, GICC_CTLR) & GICC_CTLR_EOIMODE);
	set_bit_reg(gic, 0, GICD_ISPENDR, SPI);
	iar = cread(gic, 0, GICC_IAR);
	assert_int_equal(iar, SPI);
	cwrite(gic, 0, GICC_EOIR, iar);
	/* Priority dropped, still active. */
	assert_true(test_bit_reg(gic, 0, GICD_ISACTIVER, SPI));
	assert_int_equal(cread(gic, 0, GICC_RPR), 0xff);
	/* A lower-priority SPI is taken now; the active one is not. */
	set_bit_reg(gic, 0, GICD_ISPENDR, SPI);
	set_bit_reg(gic, 0, GICD_ISPENDR, SPI2);
	assert_int_equal(cread(gic, 0, GICC_IAR), SPI2);
	cwrite(gic, 0, GICC_EOIR, SPI2);
	cwrite(gic, 0, GICC_DIR, SPI2);
	assert_false(test_bit_reg(gic, 0, GICD_ISACTIVER, SPI2));
	assert_false(LINES(state)->level[0]);
	/* DIR deactivates, leaving the pending copy, which is then taken. */
	cwrite(gic, 0, GICC_DIR, iar);
	assert_false(test_bit_reg(gic, 0, GICD_ISACTIVER, SPI));
	assert_true(test_bit_reg(gic, 0, GICD_ISPENDR, SPI));
	assert_true(LINES(state)->level[0]);
	assert_int_equal(cread(gic, 0, GICC_IAR), SPI);

	cwrite(gic, 0, GICC_CTLR, GICC_CTLR_ENABLE);
	assert_false(cread(gic, 0, GICC_CTLR) & GICC_CTLR_EOIMODE);
}

static void test_pmr_masking(void **state)
{
	struct gicv2 *gic = GIC(state);
	static const uint8_t prio[] = { 0xa0, 0x80, 0x40 };

	enable_all(gic);
	cwrite(gic, 0, GICC_PMR, 0xff);
	assert_int_equal(cread(gic, 0, GICC_PMR), GICV2_PRIORITY_MASK);
	cwrite(gic, 0, GICC_PMR, 0x80);
	assert_int_equal(cread(gic, 0, GICC_PMR), 0x80);
	for (unsigned int i = 0; i < 3; i++) {
		dwriteb(gic, 0, GICD_IPRIORITYR + 1 + i, prio[i]);
		set_bit_reg(gic, 0, GICD_ISENABLER, 1 + i);
		send_sgi(gic, 0, 1 + i, GICD_SGIR_FILTER_SELF, 0);
	}
	/* 0x40 passes PMR 0x80; 0x80 (equal) and 0xa0 do not. */
	assert_int_equal(intid_of(cread(gic, 0, GICC_IAR)), 3);
	cwrite(gic, 0, GICC_EOIR, 3);
	assert_false(LINES(state)->level[0]);
	assert_int_equal(cread(gic, 0, GICC_IAR), GICV2_SPURIOUS);
	assert_int_equal(dread(gic, 0, GICD_ISPENDR), 0x6);
	/* Opening the mask delivers them. */
	cwrite(gic, 0, GICC_PMR, 0xf8);
	assert_true(LINES(state)->level[0]);
	assert_int_equal(intid_of(cread(gic, 0, GICC_IAR)), 2);
	cwrite(gic, 0, GICC_EOIR, 2);
	assert_int_equal(intid_of(cread(gic, 0, GICC_IAR)), 1);
	cwrite(gic, 0, GICC_EOIR, 1);
	/* Priority 0xf8 is never signalled with PMR 0xf8. */
	dwriteb(gic, 0, GICD_IPRIORITYR + 1, 0xff);
	send_sgi(gic, 0, 1, GICD_SGIR_FILTER_SELF, 0);
	assert_false(LINES(state)->level[0]);
	assert_int_equal(cread(gic, 0, GICC_IAR), GICV2_SPURIOUS);
	/* PMR is per CPU interface. */
	assert_int_equal(cread(gic, 1, GICC_PMR), 0xf8);
	cwrite(gic, 1, GICC_PMR, 0);
	assert_int_equal(cread(gic, 0, GICC_PMR), 0xf8);
}

static void test_preemption(void **state)
{
	struct gicv2 *gic = GIC(state);
	uint32_t low, high;

	enable_all(gic);
	prepare_spi(gic, SPI, 0xa0, 0, true);
	prepare_spi(gic, SPI2, 0x40, 0, true);
	set_bit_reg(gic, 0, GICD_ISPENDR, SPI);
	low = cread(gic, 0, GICC_IAR);
	assert_int_equal(low, SPI);
	assert_int_equal(cread(gic, 0, GICC_RPR), 0xa0);
	assert_false(LINES(state)->level[0]);
	/* Higher priority preempts. */
	set_bit_reg(gic, 0, GICD_ISPENDR, SPI2);
	assert_true(LINES(state)->level[0]);
	high = cread(gic, 0, GICC_IAR);
	assert_int_equal(high, SPI2);
	assert_int_equal(cread(gic, 0, GICC_RPR), 0x40);
	/* EOIs drop priorities in turn. */
	cwrite(gic, 0, GICC_EOIR, high);
	assert_int_equal(cread(gic, 0, GICC_RPR), 0xa0);
	cwrite(gic, 0, GICC_EOIR, low);
	assert_int_equal(cread(gic, 0, GICC_RPR), 0xff);

	/* Lower and equal priorities do not preempt. */
	set_bit_reg(gic, 0, GICD_ISPENDR, SPI2);
	high = cread(gic, 0, GICC_IAR);
	set_bit_reg(gic, 0, GICD_ISPENDR, SPI);
	assert_false(LINES(state)->level[0]);
	assert_int_equal(cread(gic, 0, GICC_HPPIR), SPI);
	assert_int_equal(cread(gic, 0, GICC_IAR), GICV2_SPURIOUS);
	dwriteb(gic, 0, GICD_IPRIORITYR + SPI, 0x40);
	assert_false(LINES(state)->level[0]);
	assert_int_equal(cread(gic, 0, GICC_IAR), GICV2_SPURIOUS);
	cwrite(gic, 0, GICC_EOIR, high);
	assert_true(LINES(state)->level[0]);
	assert_int_equal(cread(gic, 0, GICC_IAR), SPI);
}

static void test_bpr_group_priority(void **state)
{
	struct gicv2 *gic = GIC(state);
	uint32_t first;

	enable_all(gic);
	/* Below the minimum reads as the minimum. */
	cwrite(gic, 0, GICC_BPR, 0);
	assert_int_equal(cread(gic, 0, GICC_BPR), GICV2_MIN_BPR);
	cwrite(gic, 0, GICC_BPR, 0xfffffff3);
	assert_int_equal(cread(gic, 0, GICC_BPR), 3);

	/* BPR 3: group priority bits 7:4, so 0x40 does not preempt 0x48. */
	prepare_spi(gic, SPI, 0x48, 0, true);
	prepare_spi(gic, SPI2, 0x40, 0, true);
	set_bit_reg(gic, 0, GICD_ISPENDR, SPI);
	first = cread(gic, 0, GICC_IAR);
	assert_int_equal(first, SPI);
	/* The running priority is the group priority. */
	assert_int_equal(cread(gic, 0, GICC_RPR), 0x40);
	set_bit_reg(gic, 0, GICD_ISPENDR, SPI2);
	assert_false(LINES(state)->level[0]);
	assert_int_equal(cread(gic, 0, GICC_IAR), GICV2_SPURIOUS);
	cwrite(gic, 0, GICC_EOIR, first);
	assert_int_equal(cread(gic, 0, GICC_IAR), SPI2);
	cwrite(gic, 0, GICC_EOIR, SPI2);

	/* BPR 2: all five bits count, and it does. */
	cwrite(gic, 0, GICC_BPR, 2);
	set_bit_reg(gic, 0, GICD_ISPENDR, SPI);
	first = cread(gic, 0, GICC_IAR);
	assert_int_equal(first, SPI);
	assert_int_equal(cread(gic, 0, GICC_RPR), 0x48);
	set_bit_reg(gic, 0, GICD_ISPENDR, SPI2);
	assert_true(LINES(state)->level[0]);
	assert_int_equal(cread(gic, 0, GICC_IAR), SPI2);
	cwrite(gic, 0, GICC_EOIR, SPI2);
	cwrite(gic, 0, GICC_EOIR, first);
	assert_int_equal(cread(gic, 0, GICC_RPR), 0xff);
	/* BPR is per CPU interface. */
	assert_int_equal(cread(gic, 1, GICC_BPR), GICV2_MIN_BPR);
}

static void test_hppir(void **state)
{
	struct gicv2 *gic = GIC(state);

	enable_all(gic);
	prepare_spi(gic, SPI, 0xa0, 0, true);
	prepare_spi(gic, SPI2, 0x60, 0, true);
	set_bit_reg(gic, 0, GICD_ISPENDR, SPI);
	set_bit_reg(gic, 0, GICD_ISPENDR, SPI2);
	assert_int_equal(cread(gic, 0, GICC_HPPIR), SPI2);
	/* Reading it acknowledges nothing. */
	assert_true(test_bit_reg(gic, 0, GICD_ISPENDR, SPI2));
	/* It ignores PMR. */
	cwrite(gic, 0, GICC_PMR, 0);
	assert_int_equal(cread(gic, 0, GICC_HPPIR), SPI2);
	assert_int_equal(cread(gic, 0, GICC_IAR), GICV2_SPURIOUS);
	cwrite(gic, 0, GICC_PMR, 0xff);
	/* Equal priorities: the lowest INTID. */
	dwriteb(gic, 0, GICD_IPRIORITYR + SPI2, 0xa0);
	assert_int_equal(cread(gic, 0, GICC_HPPIR), SPI);
	/* Disabled interrupts and other CPUs' SPIs do not count. */
	set_bit_reg(gic, 0, GICD_ICENABLER, SPI);
	assert_int_equal(cread(gic, 0, GICC_HPPIR), SPI2);
	assert_int_equal(cread(gic, 1, GICC_HPPIR), GICV2_SPURIOUS);
	/* SGIs carry their source. */
	set_bit_reg(gic, 0, GICD_ISENABLER, SGI);
	send_sgi(gic, 2, SGI, GICD_SGIR_FILTER_LIST, 1u << 0);
	assert_int_equal(cread(gic, 0, GICC_HPPIR),
			 SGI | 2u << GICV2_IAR_CPUID_SHIFT);
	/* 1023 with the distributor or the CPU interface disabled. */
	cwrite(gic, 0, GICC_CTLR, 0);
	assert_int_equal(cread(gic, 0, GICC_HPPIR), GICV2_SPURIOUS);
	cwrite(gic, 0, GICC_CTLR, GICC_CTLR_ENABLE);
	dwrite(gic, 0, GICD_CTLR, 0);
	assert_int_equal(cread(gic, 0, GICC_HPPIR), GICV2_SPURIOUS);
}

static void test_spurious(void **state)
{
	struct gicv2 *gic = GIC(state);
	uint32_t iar;

	enable_all(gic);
	assert_int_equal(cread(gic, 0, GICC_IAR), GICV2_SPURIOUS);
	assert_int_equal(cread(gic, 0, GICC_HPPIR), GICV2_SPURIOUS);
	assert_int_equal(cread(gic, 0, GICC_RPR), 0xff);
	/* EOIR of the spurious ID does not drop an active priority. */
	prepare_spi(gic, SPI, 0x80, 0, true);
	set_bit_reg(gic, 0, GICD_ISPENDR, SPI);
	iar = cread(gic, 0, GICC_IAR);
	cwrite(gic, 0, GICC_EOIR, GICV2_SPURIOUS);
	assert_int_equal(cread(gic, 0, GICC_RPR), 0x80);
	assert_true(test_bit_reg(gic, 0, GICD_ISACTIVER, SPI));
	cwrite(gic, 0, GICC_EOIR, iar);
	assert_int_equal(cread(gic, 0, GICC_RPR), 0xff);
	/* EOIR with nothing acknowledged deactivates nothing. */
	set_bit_reg(gic, 0, GICD_ISACTIVER, SPI);
	cwrite(gic, 0, GICC_EOIR, SPI);
	assert_true(test_bit_reg(gic, 0, GICD_ISACTIVER, SPI));
}

static void test_level_resampling(void **state)
{
	struct gicv2 *gic = GIC(state);
	struct lines *l = LINES(state);

	enable_all(gic);
	prepare_spi(gic, SPI, 0x80, 1, false);
	assert_int_equal(gicv2_set_spi_level(gic, SPI, true), 0);
	assert_true(test_bit_reg(gic, 0, GICD_ISPENDR, SPI));
	assert_true(l->level[1]);
	assert_false(l->level[0]);

	/* Acknowledged with the line high: active and pending. */
	assert_int_equal(cread(gic, 1, GICC_IAR), SPI);
	assert_true(test_bit_reg(gic, 0, GICD_ISACTIVER, SPI));
	assert_true(test_bit_reg(gic, 0, GICD_ISPENDR, SPI));
	assert_false(l->level[1]);
	/* Still high at EOI: presented again. */
	cwrite(gic, 1, GICC_EOIR, SPI);
	assert_true(l->level[1]);
	assert_int_equal(cread(gic, 1, GICC_IAR), SPI);
	/* The handler quiets the device before EOI: not again. */
	assert_int_equal(gicv2_set_spi_level(gic, SPI, false), 0);
	assert_false(test_bit_reg(gic, 0, GICD_ISPENDR, SPI));
	cwrite(gic, 1, GICC_EOIR, SPI);
	assert_false(l->level[1]);
	assert_int_equal(cread(gic, 1, GICC_IAR), GICV2_SPURIOUS);

	/* Disabled: pending follows the line, nothing is signalled. */
	set_bit_reg(gic, 0, GICD_ICENABLER, SPI);
	gicv2_set_spi_level(gic, SPI, true);
	assert_true(test_bit_reg(gic, 0, GICD_ISPENDR, SPI));
	assert_false(l->level[1]);
	gicv2_set_spi_level(gic, SPI, false);
	assert_false(test_bit_reg(gic, 0, GICD_ISPENDR, SPI));
	set_bit_reg(gic, 0, GICD_ISENABLER, SPI);
	assert_false(l->level[1]);
}

static void test_level_ispendr_latch(void **state)
{
	struct gicv2 *gic = GIC(state);

	enable_all(gic);
	prepare_spi(gic, SPI, 0x80, 0, false);
	/* ISPENDR with the line low: delivered once, the ack clears it. */
	set_bit_reg(gic, 0, GICD_ISPENDR, SPI);
	assert_int_equal(cread(gic, 0, GICC_IAR), SPI);
	assert_false(test_bit_reg(gic, 0, GICD_ISPENDR, SPI));
	cwrite(gic, 0, GICC_EOIR, SPI);
	assert_int_equal(cread(gic, 0, GICC_IAR), GICV2_SPURIOUS);
	/* ICPENDR clears the latch ... */
	set_bit_reg(gic, 0, GICD_ISPENDR, SPI);
	set_bit_reg(gic, 0, GICD_ICPENDR, SPI);
	assert_false(test_bit_reg(gic, 0, GICD_ISPENDR, SPI));
	assert_false(LINES(state)->level[0]);
	/* ... but not a pending state the line holds. */
	gicv2_set_spi_level(gic, SPI, true);
	set_bit_reg(gic, 0, GICD_ICPENDR, SPI);
	assert_true(test_bit_reg(gic, 0, GICD_ISPENDR, SPI));
	/* Latch and line both: the line keeps it pending after the ack. */
	set_bit_reg(gic, 0, GICD_ISPENDR, SPI);
	assert_int_equal(cread(gic, 0, GICC_IAR), SPI);
	gicv2_set_spi_level(gic, SPI, false);
	assert_false(test_bit_reg(gic, 0, GICD_ISPENDR, SPI));
	cwrite(gic, 0, GICC_EOIR, SPI);
	assert_int_equal(cread(gic, 0, GICC_IAR), GICV2_SPURIOUS);
}

static void test_edge_latching(void **state)
{
	struct gicv2 *gic = GIC(state);
	struct lines *l = LINES(state);

	enable_all(gic);
	prepare_spi(gic, SPI, 0x80, 0, true);
	/* Rising edge: pending, and it stays when the line falls. */
	gicv2_set_spi_level(gic, SPI, true);
	gicv2_set_spi_level(gic, SPI, false);
	assert_true(test_bit_reg(gic, 0, GICD_ISPENDR, SPI));
	/* Two edges before the ack: one pending state. */
	gicv2_set_spi_level(gic, SPI, true);
	gicv2_set_spi_level(gic, SPI, false);
	assert_int_equal(cread(gic, 0, GICC_IAR), SPI);
	assert_false(test_bit_reg(gic, 0, GICD_ISPENDR, SPI));
	/* A line held high is not an edge: nothing after EOI ... */
	gicv2_set_spi_level(gic, SPI, true);
	assert_true(test_bit_reg(gic, 0, GICD_ISPENDR, SPI));
	assert_false(l->level[0]);
	cwrite(gic, 0, GICC_EOIR, SPI);
	assert_int_equal(cread(gic, 0, GICC_IAR), SPI);
	cwrite(gic, 0, GICC_EOIR, SPI);
	gicv2_set_spi_level(gic, SPI, true);
	assert_false(test_bit_reg(gic, 0, GICD_ISPENDR, SPI));
	assert_false(l->level[0]);
	/* ... and the fall changes nothing either. */
	gicv2_set_spi_level(gic, SPI, false);
	assert_false(test_bit_reg(gic, 0, GICD_ISPENDR, SPI));
	/* A disabled edge SPI latches too, and is taken when enabled. */
	set_bit_reg(gic, 0, GICD_ICENABLER, SPI);
	gicv2_set_spi_level(gic, SPI, true);
	gicv2_set_spi_level(gic, SPI, false);
	assert_false(l->level[0]);
	set_bit_reg(gic, 0, GICD_ISENABLER, SPI);
	assert_true(l->level[0]);
}

static void test_pending_while_active(void **state)
{
	struct gicv2 *gic = GIC(state);

	/* A source that sets its SPI pending again in the handler. */
	enable_all(gic);
	prepare_spi(gic, SPI, 0x80, 0, true);
	set_bit_reg(gic, 0, GICD_ISPENDR, SPI);
	assert_int_equal(cread(gic, 0, GICC_IAR), SPI);
	set_bit_reg(gic, 0, GICD_ISPENDR, SPI);
	assert_true(test_bit_reg(gic, 0, GICD_ISACTIVER, SPI));
	assert_true(test_bit_reg(gic, 0, GICD_ISPENDR, SPI));
	assert_false(LINES(state)->level[0]);
	/* Even with the priority dropped, an active interrupt waits. */
	cwrite(gic, 0, GICC_CTLR, GICC_CTLR_ENABLE | GICC_CTLR_EOIMODE);
	cwrite(gic, 0, GICC_EOIR, SPI);
	assert_false(LINES(state)->level[0]);
	cwrite(gic, 0, GICC_DIR, SPI);
	assert_true(LINES(state)->level[0]);
	assert_int_equal(cread(gic, 0, GICC_IAR), SPI);
}

static void test_ppi_lines_banked(void **state)
{
	struct gicv2 *gic = GIC(state);
	struct lines *l = LINES(state);

	enable_all(gic);
	for (unsigned int cpu = 0; cpu < 2; cpu++) {
		set_bit_reg(gic, cpu, GICD_ISENABLER, PPI);
		dwriteb(gic, cpu, GICD_IPRIORITYR + PPI, 0xa0);
	}
	assert_int_equal(gicv2_set_ppi_level(gic, 1, PPI, true), 0);
	assert_true(test_bit_reg(gic, 1, GICD_ISPENDR, PPI));
	assert_false(test_bit_reg(gic, 0, GICD_ISPENDR, PPI));
	assert_true(l->level[1]);
	assert_false(l->level[0]);
	assert_int_equal(cread(gic, 0, GICC_IAR), GICV2_SPURIOUS);
	assert_int_equal(cread(gic, 1, GICC_IAR), PPI);
	/* Level-sensitive after reset: re-presented while high. */
	cwrite(gic, 1, GICC_EOIR, PPI);
	assert_true(l->level[1]);
	assert_int_equal(cread(gic, 1, GICC_IAR), PPI);
	gicv2_set_ppi_level(gic, 1, PPI, false);
	cwrite(gic, 1, GICC_EOIR, PPI);
	assert_false(l->level[1]);
	/* Made edge-triggered, the PPI latches a rising edge. */
	dwrite(gic, 0, GICD_ICFGR + 4, GICD_ICFGR_EDGE << ((PPI - 16) * 2));
	gicv2_set_ppi_level(gic, 0, PPI, true);
	gicv2_set_ppi_level(gic, 0, PPI, false);
	assert_true(l->level[0]);
	assert_int_equal(cread(gic, 0, GICC_IAR), PPI);
	cwrite(gic, 0, GICC_EOIR, PPI);
	assert_false(l->level[0]);
}

static void test_output_line_callback(void **state)
{
	struct gicv2 *gic = GIC(state);
	struct lines *l = LINES(state);

	prepare_spi(gic, SPI, 0x80, 2, true);
	set_bit_reg(gic, 0, GICD_ISPENDR, SPI);
	/* Not before the distributor, the CPU interface and PMR allow it. */
	assert_int_equal(l->changes[2], 0);
	dwrite(gic, 0, GICD_CTLR, GICD_CTLR_ENABLE);
	cwrite(gic, 2, GICC_CTLR, GICC_CTLR_ENABLE);
	assert_int_equal(l->changes[2], 0);
	cwrite(gic, 2, GICC_PMR, 0xff);
	assert_true(l->level[2]);
	assert_int_equal(l->changes[2], 1);
	/* Unrelated state changes do not call again. */
	dwriteb(gic, 0, GICD_IPRIORITYR + SPI2, 0x10);
	set_bit_reg(gic, 0, GICD_ISPENDR, SPI2);
	assert_int_equal(l->changes[2], 1);
	/* Each enable drops it. */
	dwrite(gic, 0, GICD_CTLR, 0);
	assert_false(l->level[2]);
	dwrite(gic, 0, GICD_CTLR, GICD_CTLR_ENABLE);
	cwrite(gic, 2, GICC_CTLR, 0);
	assert_false(l->level[2]);
	cwrite(gic, 2, GICC_CTLR, GICC_CTLR_ENABLE);
	set_bit_reg(gic, 0, GICD_ICENABLER, SPI);
	assert_false(l->level[2]);
	set_bit_reg(gic, 0, GICD_ISENABLER, SPI);
	assert_true(l->level[2]);
	assert_int_equal(l->changes[2], 7);
	/* The acknowledge lowers it, and the EOI leaves it low. */
	assert_int_equal(cread(gic, 2, GICC_IAR), SPI);
	assert_false(l->level[2]);
	cwrite(gic, 2, GICC_EOIR, SPI);
	assert_false(l->level[2]);
	assert_int_equal(l->changes[2], 8);
	/* Retargeting moves it. */
	set_bit_reg(gic, 0, GICD_ISPENDR, SPI);
	assert_true(l->level[2]);
	cwrite(gic, 3, GICC_PMR, 0xff);
	cwrite(gic, 3, GICC_CTLR, GICC_CTLR_ENABLE);
	dwriteb(gic, 0, GICD_ITARGETSR + SPI, 1u << 3);
	assert_false(l->level[2]);
	assert_true(l->level[3]);
	assert_int_equal(l->changes[0] + l->changes[1], 0);
}

static void test_spi_targets(void **state)
{
	struct gicv2 *gic = GIC(state);
	struct lines *l = LINES(state);

	enable_all(gic);
	prepare_spi(gic, SPI, 0x80, 0, true);
	/* No target: pending, not forwarded. */
	dwriteb(gic, 0, GICD_ITARGETSR + SPI, 0);
	set_bit_reg(gic, 0, GICD_ISPENDR, SPI);
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		assert_false(l->level[cpu]);
	/* Two targets: both signalled, the first to acknowledge takes it. */
	dwriteb(gic, 0, GICD_ITARGETSR + SPI, 0x6);
	assert_true(l->level[1]);
	assert_true(l->level[2]);
	assert_false(l->level[0]);
	assert_int_equal(cread(gic, 2, GICC_IAR), SPI);
	assert_false(l->level[1]);
	assert_int_equal(cread(gic, 1, GICC_IAR), GICV2_SPURIOUS);
	cwrite(gic, 2, GICC_EOIR, SPI);
	assert_false(test_bit_reg(gic, 0, GICD_ISACTIVER, SPI));
}

static void test_disabled(void **state)
{
	struct gicv2 *gic = GIC(state);

	enable_all(gic);
	prepare_spi(gic, SPI, 0x80, 0, true);
	set_bit_reg(gic, 0, GICD_ICENABLER, SPI);
	set_bit_reg(gic, 0, GICD_ISPENDR, SPI);
	assert_false(LINES(state)->level[0]);
	assert_int_equal(cread(gic, 0, GICC_IAR), GICV2_SPURIOUS);
	assert_true(test_bit_reg(gic, 0, GICD_ISPENDR, SPI));
	set_bit_reg(gic, 0, GICD_ISENABLER, SPI);
	dwrite(gic, 0, GICD_CTLR, 0);
	assert_int_equal(cread(gic, 0, GICC_IAR), GICV2_SPURIOUS);
	dwrite(gic, 0, GICD_CTLR, GICD_CTLR_ENABLE);
	cwrite(gic, 0, GICC_CTLR, 0);
	assert_int_equal(cread(gic, 0, GICC_IAR), GICV2_SPURIOUS);
	assert_true(test_bit_reg(gic, 0, GICD_ISPENDR, SPI));
	cwrite(gic, 0, GICC_CTLR, GICC_CTLR_ENABLE);
	assert_int_equal(cread(gic, 0, GICC_IAR), SPI);
}

static void test_banked_isolation(void **state)
{
	struct gicv2 *gic = GIC(state);

	enable_all(gic);
	dwrite(gic, 0, GICD_ISENABLER, 1u << SGI | 1u << PPI);
	dwriteb(gic, 0, GICD_IPRIORITYR + SGI, 0x40);
	set_bit_reg(gic, 0, GICD_ISACTIVER, 3);
	set_bit_reg(gic, 0, GICD_ISPENDR, 20);
	send_sgi(gic, 0, SGI, GICD_SGIR_FILTER_SELF, 0);
	for (unsigned int cpu = 1; cpu < NR_CPUS; cpu++) {
		assert_int_equal(dread(gic, cpu, GICD_ISENABLER), 0);
		assert_int_equal(dread(gic, cpu, GICD_ISACTIVER), 0);
		assert_int_equal(dread(gic, cpu, GICD_ISPENDR), 0);
		assert_int_equal(dreadb(gic, cpu, GICD_IPRIORITYR + SGI), 0);
		assert_int_equal(dread(gic, cpu, GICD_SPENDSGIR + 4), 0);
		assert_false(LINES(state)->level[cpu]);
		assert_int_equal(cread(gic, cpu, GICC_IAR), GICV2_SPURIOUS);
	}
	assert_int_equal(dread(gic, 0, GICD_ISENABLER), 1u << SGI | 1u << PPI);
	assert_int_equal(dread(gic, 0, GICD_ISPENDR), 1u << SGI | 1u << 20);
	assert_true(LINES(state)->level[0]);
	/* CPU 0's acknowledge and running priority are its own. */
	assert_int_equal(intid_of(cread(gic, 0, GICC_IAR)), SGI);
	assert_int_equal(cread(gic, 0, GICC_RPR), 0x40);
	assert_int_equal(cread(gic, 1, GICC_RPR), 0xff);
}

/*
 * What the bad accesses below must leave alone: all on, SPI enabled
 * (in the returned GICD_ISENABLER word) at priority 0x80.
 */
static uint64_t prepare_bad_accesses(struct gicv2 *gic)
{
	uint64_t reg = GICD_ISENABLER + REG(SPI);

	enable_all(gic);
	dwrite(gic, 0, reg, BIT_OF(SPI));
	dwriteb(gic, 0, GICD_IPRIORITYR + SPI, 0x80);
	return reg;
}

/* Accesses of a bad size or alignment are RAZ/WI. */
static void test_bad_access_sizes(void **state)
{
	struct gicv2 *gic = GIC(state);
	static const unsigned int bad_sizes[] = { 0, 2, 3, 8 };
	uint64_t reg = prepare_bad_accesses(gic);

	for (unsigned int i = 0; i < 4; i++) {
		unsigned int size = bad_sizes[i];

		assert_int_equal(gicv2_dist_read(gic, 0, reg, size), 0);
		gicv2_dist_write(gic, 0, GICD_ICENABLER + REG(SPI), size, ~0u);
		gicv2_dist_write(gic, 0, GICD_IPRIORITYR + SPI, size, 0);
		assert_int_equal(gicv2_cpu_read(gic, 0, GICC_PMR, size), 0);
		gicv2_cpu_write(gic, 0, GICC_PMR, size, 0);
	}
	/* Byte access to word-only registers, unaligned words. */
	assert_int_equal(gicv2_dist_read(gic, 0, reg, 1), 0);
	gicv2_dist_write(gic, 0, GICD_ICENABLER + REG(SPI), 1, 0xff);
	gicv2_dist_write(gic, 0, GICD_IPRIORITYR + SPI - 1, 4, 0);
	assert_int_equal(gicv2_dist_read(gic, 0, GICD_IPRIORITYR + SPI - 1, 4),
			 0);
	assert_int_equal(gicv2_cpu_read(gic, 0, GICC_PMR, 1), 0);
	gicv2_cpu_write(gic, 0, GICC_PMR + 1, 4, 0);
	/* Nothing changed. */
	assert_int_equal(dread(gic, 0, reg), BIT_OF(SPI));
	assert_int_equal(dreadb(gic, 0, GICD_IPRIORITYR + SPI), 0x80);
	assert_int_equal(cread(gic, 0, GICC_PMR), 0xf8);
}

/* Out-of-range offsets and CPU indices. */
static void test_bad_offsets_and_cpus(void **state)
{
	struct gicv2 *gic = GIC(state);

	prepare_bad_accesses(gic);
	assert_int_equal(gicv2_dist_read(gic, 0, GICV2_DIST_SIZE, 4), 0);
	assert_int_equal(gicv2_dist_read(gic, 0, ~0ull - 3, 4), 0);
	gicv2_dist_write(gic, 0, GICV2_DIST_SIZE + GICD_CTLR, 4, 0);
	assert_int_equal(gicv2_cpu_read(gic, 0, GICV2_CPU_SIZE, 4), 0);
	gicv2_cpu_write(gic, 0, GICV2_CPU_SIZE + GICC_CTLR, 4, 0);
	assert_int_equal(gicv2_dist_read(gic, NR_CPUS, GICD_TYPER, 4), 0);
	gicv2_dist_write(gic, NR_CPUS, GICD_CTLR, 4, 0);
	gicv2_dist_write(gic, 99, GICD_SGIR, 4, 2u << 24);
	gicv2_cpu_write(gic, NR_CPUS, GICC_PMR, 4, 0xff);
	assert_int_equal(gicv2_cpu_read(gic, NR_CPUS, GICC_PMR, 4), 0);
	assert_int_equal(gicv2_cpu_read(gic, 99, GICC_RPR, 4), 0);
	gicv2_cpu_write(gic, NR_CPUS, GICC_CTLR, 4, 0);
	assert_int_equal(dread(gic, 0, GICD_CTLR), GICD_CTLR_ENABLE);
	assert_int_equal(cread(gic, 0, GICC_CTLR), GICC_CTLR_ENABLE);
}

/* What is not there reads as zero, takes no write and raises no line. */
static void test_unimplemented_and_missing_intids(void **state)
{
	struct gicv2 *gic = GIC(state);

	prepare_bad_accesses(gic);
	/* Not implemented: RAZ/WI. */
	dwrite(gic, 0, GICD_IGROUPR + REG(SPI), ~0u);
	assert_int_equal(dread(gic, 0, GICD_IGROUPR + REG(SPI)), 0);
	cwrite(gic, 0, GICC_APR, ~0u);
	assert_int_equal(cread(gic, 0, GICC_APR), 0);
	/* INTIDs beyond ITLinesNumber. */
	dwrite(gic, 0, GICD_ISENABLER + NR_IRQS / 8, ~0u);
	assert_int_equal(dread(gic, 0, GICD_ISENABLER + NR_IRQS / 8), 0);
	dwriteb(gic, 0, GICD_IPRIORITYR + NR_IRQS, 0xff);
	assert_int_equal(dreadb(gic, 0, GICD_IPRIORITYR + NR_IRQS), 0);
	dwriteb(gic, 0, GICD_ITARGETSR + NR_IRQS, 0xff);
	assert_int_equal(dreadb(gic, 0, GICD_ITARGETSR + NR_IRQS), 0);
	dwrite(gic, 0, GICD_ICFGR + NR_IRQS / 4, ~0u);
	assert_int_equal(dread(gic, 0, GICD_ICFGR + NR_IRQS / 4), 0);
	dwrite(gic, 0, GICD_ISPENDR + NR_IRQS / 8, ~0u);
	assert_int_equal(dread(gic, 0, GICD_ISPENDR + NR_IRQS / 8), 0);
	assert_int_equal(gicv2_set_spi_level(gic, NR_IRQS, true), -EINVAL);
	assert_int_equal(gicv2_set_spi_level(gic, 31, true), -EINVAL);
	assert_int_equal(gicv2_set_ppi_level(gic, 0, 15, true), -EINVAL);
	assert_int_equal(gicv2_set_ppi_level(gic, 0, 32, true), -EINVAL);
	assert_int_equal(gicv2_set_ppi_level(gic, NR_CPUS, PPI, true), -EINVAL);
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		assert_false(LINES(state)->level[cpu]);
}

/* With 1024 INTIDs, 1020-1023 (special) do not exist. */
static void test_special_intids(void **state)
{
	struct gicv2 *gic = GIC(state);

	assert_int_equal(gicv2_init(gic, 1, 1024, NULL, NULL), 0);
	dwrite(gic, 0, GICD_ISENABLER + 124, ~0u);
	assert_int_equal(dread(gic, 0, GICD_ISENABLER + 124), 0x0fffffff);
	dwrite(gic, 0, GICD_IPRIORITYR + 1016, ~0u);
	assert_int_equal(dread(gic, 0, GICD_IPRIORITYR + 1016), 0xf8f8f8f8);
	dwrite(gic, 0, GICD_IPRIORITYR + 1020, ~0u);
	assert_int_equal(dread(gic, 0, GICD_IPRIORITYR + 1020), 0);
	assert_int_equal(gicv2_set_spi_level(gic, 1019, true), 0);
	assert_int_equal(gicv2_set_spi_level(gic, 1020, true), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_rejects_bad_config, setup),
		cmocka_unit_test_setup(test_reset_values, setup),
		cmocka_unit_test_setup(test_typer_iidr_read_only, setup),
		cmocka_unit_test_setup(test_dist_ctlr, setup),
		cmocka_unit_test_setup(test_cpu_ctlr, setup),
		cmocka_unit_test_setup(test_enable_set_clear, setup),
		cmocka_unit_test_setup(test_pending_set_clear, setup),
		cmocka_unit_test_setup(test_active_set_clear, setup),
		cmocka_unit_test_setup(test_priority_bytes, setup),
		cmocka_unit_test_setup(test_itargetsr_spi, setup),
		cmocka_unit_test_setup(test_itargetsr_banked, setup),
		cmocka_unit_test_setup(test_icfgr, setup),
		cmocka_unit_test_setup(test_sgir_filters, setup),
		cmocka_unit_test_setup(test_sgi_two_sources, setup),
		cmocka_unit_test_setup(test_sgi_pend_registers, setup),
		cmocka_unit_test_setup(test_iar_eoir_eoimode0, setup),
		cmocka_unit_test_setup(test_eoimode1_dir, setup),
		cmocka_unit_test_setup(test_pmr_masking, setup),
		cmocka_unit_test_setup(test_preemption, setup),
		cmocka_unit_test_setup(test_bpr_group_priority, setup),
		cmocka_unit_test_setup(test_hppir, setup),
		cmocka_unit_test_setup(test_spurious, setup),
		cmocka_unit_test_setup(test_level_resampling, setup),
		cmocka_unit_test_setup(test_level_ispendr_latch, setup),
		cmocka_unit_test_setup(test_edge_latching, setup),
		cmocka_unit_test_setup(test_pending_while_active, setup),
		cmocka_unit_test_setup(test_ppi_lines_banked, setup),
		cmocka_unit_test_setup(test_output_line_callback, setup),
		cmocka_unit_test_setup(test_spi_targets, setup),
		cmocka_unit_test_setup(test_disabled, setup),
		cmocka_unit_test_setup(test_banked_isolation, setup),
		cmocka_unit_test_setup(test_bad_access_sizes, setup),
		cmocka_unit_test_setup(test_bad_offsets_and_cpus, setup),
		cmocka_unit_test_setup(test_unimplemented_and_missing_intids,
				       setup),
		cmocka_unit_test_setup(test_special_intids, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
