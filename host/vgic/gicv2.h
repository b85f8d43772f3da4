/* SPDX-License-Identifier: GPL-2.0-only */
/* The userspace GICv2 (distributor + CPU interfaces): a state machine, no KVM. */
#ifndef VGIC_GICV2_H
#define VGIC_GICV2_H

#include <stdbool.h>
#include <stdint.h>

#include "gic_regs.h"

/*
 * A GICv2 (Arm IHI 0048B) without Security Extensions, interrupt
 * grouping or virtualisation extensions, for a VMM that emulates the
 * GIC in userspace: it forwards the guest's MMIO accesses to the
 * distributor (4 KiB) and CPU interface (8 KiB) frames with the
 * accessing vCPU's index, feeds SPI and PPI input lines, and drives
 * each vCPU's IRQ line from set_irq().
 *
 * Implemented, per the spec:
 *   GICD_CTLR (bit 0, Enable), GICD_TYPER, GICD_IIDR, GICD_ISENABLERn,
 *   GICD_ICENABLERn, GICD_ISPENDRn, GICD_ICPENDRn, GICD_ISACTIVERn,
 *   GICD_ICACTIVERn, GICD_IPRIORITYRn, GICD_ITARGETSRn, GICD_ICFGRn,
 *   GICD_SGIR, GICD_CPENDSGIRn, GICD_SPENDSGIRn, GICD_ICPIDR2;
 *   GICC_CTLR (bit 0 Enable, bit 9 EOImode), GICC_PMR, GICC_BPR,
 *   GICC_IAR, GICC_EOIR, GICC_RPR, GICC_HPPIR, GICC_IIDR, GICC_DIR.
 * RAZ/WI: every other offset of both frames, among them GICD_IGROUPRn
 * (every interrupt is Group 0, signalled as IRQ), GICD_NSACRn, the
 * PPI/SPI status registers, the other ID registers, GICC_ABPR,
 * GICC_AIAR, GICC_AEOIR, GICC_AHPPIR, GICC_APRn and GICC_NSAPRn (the
 * active priorities are kept, but not exposed), and every field not
 * listed above (GICD_CTLR.EnableGrp1, GICC_CTLR.EnableGrp1, AckCtl,
 * FIQEn, CBPR, the bypass bits, EOImodeNS).
 *
 * Accesses: 32-bit words at aligned offsets; bytes as well for
 * GICD_IPRIORITYRn, GICD_ITARGETSRn, GICD_CPENDSGIRn and
 * GICD_SPENDSGIRn.  Any other size or alignment, an offset outside the
 * frame, registers of INTIDs the distributor does not implement and a
 * cpu index >= nr_cpus read as zero and ignore writes (RAZ/WI): a
 * hostile guest cannot crash the model.
 *
 * Choices where the spec leaves room:
 *   - 5 priority bits (32 levels, as GIC-400 and KVM's vGIC): the low
 *     three bits of IPRIORITYR and PMR read as zero; GICC_BPR's minimum
 *     (and reset value) is 2, so preemption looks at all five bits.
 *   - SGI enables are programmable (not RAO/WI).  SGI active state is
 *     per target CPU and SGI, pending state per source CPU as well.
 *   - ICFGR: SGIs are edge-triggered, read-only; PPIs and SPIs are
 *     programmable, level-sensitive after reset.  Int_config[0] is RAZ/WI.
 *   - ITARGETSR0-7 (SGIs, PPIs) read the accessing CPU's own bit, also
 *     with one CPU.  SPI targets keep only implemented CPU bits.
 *   - Among pending interrupts of equal priority the lowest INTID wins;
 *     an SGI pending from several CPUs is acknowledged for the lowest
 *     source CPU first.
 *   - GICC_HPPIR ignores PMR and the running priority, and reads 1023
 *     while the distributor or the CPU interface is disabled.
 *   - EOIR of INTID 1020-1023 or of an unimplemented INTID, EOIR with no
 *     active priority, and DIR in EOImode 0 are ignored.
 *   - GICD_IIDR is GICV2_IIDR: product 'H' (hvcheck), variant and
 *     revision 0, implementer 0x43b (the JEP106 code QEMU and KVM
 *     use too).  GICC_IIDR carries the same product and implementer.
 *
 * nr_irqs counts INTIDs (SGIs and PPIs included): a multiple of 32 from
 * 64 to 1024, GICD_TYPER.ITLinesNumber = nr_irqs / 32 - 1.  With 1024,
 * INTIDs 1020-1023 (special) are not implemented.
 *
 * Not thread-safe: the caller serialises every call on one struct
 * gicv2 (the VMM does all device accesses under its bus lock).
 */

#define GICV2_DIST_SIZE 0x1000
#define GICV2_CPU_SIZE	0x2000

#define GICV2_MAX_CPUS	      8
#define GICV2_MIN_IRQS	      64
#define GICV2_MAX_IRQS	      1024
#define GICV2_NR_SGIS	      16
#define GICV2_NR_PRIVATE      32 /* SGIs and PPIs, banked per CPU */
#define GICV2_SPURIOUS	      1023
#define GICV2_PRIORITY_BITS   5
#define GICV2_PRIORITY_MASK   0xf8 /* the implemented priority bits */
#define GICV2_PRIORITY_IDLE   0xff /* GICC_RPR with nothing active */
#define GICV2_MIN_BPR	      2
#define GICV2_IIDR	      0x4800043b
#define GICV2_GICC_IIDR	      0x0482043b /* ArchitectureVersion 2 */
#define GICV2_ICPIDR2	      0x2b	 /* ArchRev 2, JEP106 Arm */
#define GICV2_IAR_CPUID_SHIFT 10

/* Register fields (the offsets are in gic_regs.h). */
#define GICD_CTLR_ENABLE	(1u << 0)
#define GICD_TYPER_CPUS_SHIFT	5
#define GICD_ICFGR_EDGE		2u /* of each 2-bit field */
#define GICD_SGIR_FILTER_SHIFT	24
#define GICD_SGIR_TARGETS_SHIFT 16
#define GICD_SGIR_FILTER_LIST	0
#define GICD_SGIR_FILTER_OTHERS 1
#define GICD_SGIR_FILTER_SELF	2

#define GICC_CTLR_ENABLE  (1u << 0)
#define GICC_CTLR_EOIMODE (1u << 9)

/* The state of 32 INTIDs, one bit each. */
struct gicv2_bank {
	uint32_t enabled;
	uint32_t latched; /* pending by ISPENDR or an edge (not SGIs) */
	uint32_t active;
	uint32_t line; /* the input line is high */
	uint32_t edge; /* edge-triggered, else level-sensitive */
};

struct gicv2_cpu {
	struct gicv2_bank private; /* its SGIs and PPIs */
	uint8_t priority[GICV2_NR_PRIVATE];
	uint8_t sgi_sources[GICV2_NR_SGIS]; /* a bit per sending CPU */
	bool enabled;			    /* GICC_CTLR.Enable */
	bool eoimode;			    /* GICC_CTLR.EOImode */
	uint8_t pmr, bpr;
	/* Bit n: an interrupt of group priority n << 3 is active, not dropped. */
	uint32_t active_prios;
	bool irq_line; /* the level last reported through set_irq */
};

struct gicv2 {
	unsigned int nr_cpus, nr_irqs;
	bool enabled; /* GICD_CTLR.Enable */
	struct gicv2_cpu cpu[GICV2_MAX_CPUS];
	struct gicv2_bank spi[GICV2_MAX_IRQS / 32]; /* [0]: see cpu[].private */
	uint8_t priority[GICV2_MAX_IRQS];	    /* SPIs only */
	uint8_t targets[GICV2_MAX_IRQS];	    /* SPIs only */
	/* A CPU's IRQ output changed level; called on changes only. */
	void (*set_irq)(void *opaque, unsigned int cpu, bool level);
	void *opaque;
};

/*
 * A GIC after reset: everything disabled, inactive, not pending,
 * priority 0, SPI targets 0, PMR 0, BPR GICV2_MIN_BPR, every IRQ line
 * low.  set_irq may be NULL.  -EINVAL for nr_cpus outside 1..8 or a
 * bad nr_irqs (see above).
 */
int gicv2_init(struct gicv2 *gic, unsigned int nr_cpus, unsigned int nr_irqs,
	       void (*set_irq)(void *opaque, unsigned int cpu, bool level),
	       void *opaque);

/*
 * Register accesses by CPU interface cpu, at offset into the
 * distributor or CPU interface frame, of size bytes; reads return the
 * value (zero-extended).  Reading GICC_IAR acknowledges.
 */
uint32_t gicv2_dist_read(struct gicv2 *gic, unsigned int cpu, uint64_t offset,
			 unsigned int size);
void gicv2_dist_write(struct gicv2 *gic, unsigned int cpu, uint64_t offset,
		      unsigned int size, uint32_t value);
uint32_t gicv2_cpu_read(struct gicv2 *gic, unsigned int cpu, uint64_t offset,
			unsigned int size);
void gicv2_cpu_write(struct gicv2 *gic, unsigned int cpu, uint64_t offset,
		     unsigned int size, uint32_t value);

/*
 * Input lines.  An edge-triggered interrupt becomes pending on a rising
 * edge; a level-sensitive one is pending while its line is high (or
 * while latched by ISPENDR), so it is presented again after its
 * deactivation for as long as the line stays high.  -EINVAL unless
 * intid is an implemented SPI (32..), or a PPI (16..31) of an existing
 * cpu.
 */
int gicv2_set_spi_level(struct gicv2 *gic, unsigned int intid, bool level);
int gicv2_set_ppi_level(struct gicv2 *gic, unsigned int cpu, unsigned int intid,
			bool level);

#endif /* VGIC_GICV2_H */
