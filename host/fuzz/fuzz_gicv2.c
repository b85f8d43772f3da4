// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer target: the userspace GICv2, MMIO and input lines from 8 CPUs. */
#include <stdint.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "gic_regs.h"
#include "vgic/gicv2.h"

#define MAX_OPS 512

/* The IRQ lines as set_irq() last drove them. */
static bool line[GICV2_MAX_CPUS];

static void set_irq(void *opaque, unsigned int cpu, bool level)
{
	struct gicv2 *gic = opaque;

	FUZZ_CHECK(cpu < gic->nr_cpus, "set_irq() of CPU %u", cpu);
	FUZZ_CHECK(line[cpu] != level, "set_irq() without a change on CPU %u",
		   cpu);
	line[cpu] = level;
}

static bool bit(uint32_t word, unsigned int n)
{
	return word >> (n % 32) & 1;
}

/* Whether intid may be signalled to cpu: enabled, pending, unmasked. */
static bool deliverable(const struct gicv2 *g, unsigned int cpu,
			unsigned int intid)
{
	const struct gicv2_cpu *c = &g->cpu[cpu];
	const struct gicv2_bank *b = intid < 32 ? &c->private :
						  &g->spi[intid / 32];
	uint8_t prio = intid < 32 ? c->priority[intid] : g->priority[intid];
	uint8_t gmask = (uint8_t)(0xff << (c->bpr + 1));
	unsigned int rpr = c->active_prios ?
				   (unsigned int)__builtin_ctz(c->active_prios)
					   << 3 :
				   0x100;
	bool pending = intid < GICV2_NR_SGIS ? c->sgi_sources[intid] != 0 :
					       bit(b->latched, intid) ||
						       (!bit(b->edge, intid) &&
							bit(b->line, intid));

	if (intid >= 32 && !(g->targets[intid] & (1u << cpu)))
		return false;
	return g->enabled && c->enabled && bit(b->enabled, intid) && pending &&
	       !bit(b->active, intid) && prio < c->pmr && (prio & gmask) < rpr;
}

/*
 * After every access: each CPU's IRQ line is high exactly when GICC_IAR
 * (read on a copy) would acknowledge an interrupt, and that interrupt
 * was enabled, pending, unmasked and of a CPU it targets.
 */
static void check_cpus(const struct gicv2 *gic)
{
	for (unsigned int cpu = 0; cpu < gic->nr_cpus; cpu++) {
		struct gicv2 copy = *gic;
		uint32_t iar, intid;

		copy.set_irq = NULL;
		iar = gicv2_cpu_read(&copy, cpu, GICC_IAR, 4);
		intid = iar & 0x3ff;
		FUZZ_CHECK(line[cpu] == gic->cpu[cpu].irq_line,
			   "CPU %u: set_irq() and irq_line differ", cpu);
		FUZZ_CHECK(line[cpu] == (intid != GICV2_SPURIOUS),
			   "CPU %u: IRQ line %d, GICC_IAR %u", cpu, line[cpu],
			   intid);
		if (intid == GICV2_SPURIOUS)
			continue;
		FUZZ_CHECK(intid < gic->nr_irqs && deliverable(gic, cpu, intid),
			   "CPU %u acknowledges INTID %u, not deliverable", cpu,
			   intid);
	}
}

static void step(struct gicv2 *gic, struct fuzz_in *in)
{
	uint8_t op = fuzz_u8(in), size = 1u << (op >> 4 & 3);
	unsigned int cpu = (op >> 6) + 4 * (fuzz_u8(in) & 1);
	uint16_t offset = fuzz_u16(in);
	uint32_t val = fuzz_u32(in);

	switch (op % 6) {
	case 0:
		gicv2_dist_read(gic, cpu, offset & 0xfff, size);
		break;
	case 1:
		gicv2_dist_write(gic, cpu, offset & 0xfff, size, val);
		break;
	case 2:
		gicv2_cpu_read(gic, cpu, offset & 0x1fff, size);
		break;
	case 3:
		gicv2_cpu_write(gic, cpu, offset & 0x1fff, size, val);
		break;
	case 4:
		gicv2_set_spi_level(gic, offset & 0x3ff, val & 1);
		break;
	default:
		gicv2_set_ppi_level(gic, cpu, offset & 0x1f, val & 1);
		break;
	}
}

/*
 * First two bytes: the number of CPUs and of INTIDs; then accesses of
 * 8 bytes each (what, size, CPU, offset, value), on CPUs past nr_cpus
 * too.  The invariants are check_cpus()'.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gicv2 gic;
	struct fuzz_in in = { data, size };
	unsigned int nr_cpus = fuzz_u8(&in) % GICV2_MAX_CPUS + 1;
	unsigned int nr_irqs = (fuzz_u8(&in) % 31 + 2) * 32;

	memset(line, 0, sizeof(line));
	if (gicv2_init(&gic, nr_cpus, nr_irqs, set_irq, &gic))
		fuzz_fail(__FILE__, __LINE__, "gicv2_init", "refused %u CPUs",
			  nr_cpus);
	for (unsigned int i = 0; in.n && i < MAX_OPS; i++) {
		step(&gic, &in);
		check_cpus(&gic);
	}
	return 0;
}
