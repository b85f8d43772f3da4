/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the gic.* tests: delivery log, IRQ windows, other CPUs. */
#ifndef GUEST_GIC_TEST_H
#define GUEST_GIC_TEST_H

#include "gic.h"
#include "types.h"

#define LOG_CPUS 8 /* CPUs whose deliveries the log keeps */

/*
 * How long to wait for an interrupt that should come (QEMU TCG on a
 * busy host can take milliseconds; a vCPU of the nested arm64 bed, KVM
 * under TCG, was once late by more than 1 s), and how long to watch for
 * one that should not, or for a second delivery after the first.
 */
#define ARRIVAL_MS 3000
#define SETTLE_MS  20

/* Deliveries per CPU and INTID, and the last GICv2 SGI source. */
struct irq_log {
	unsigned int count[GIC_MAX_INTID];
	int source[GIC_MAX_INTID];
};

extern struct irq_log irq_log[LOG_CPUS];

/*
 * Starts a gic test: FAILs and returns false when there is no GIC,
 * else clears the log, notes the dispatcher's counts and returns true.
 */
bool gic_test_begin(void);
/*
 * Ends it: removes the handlers it installed, restores the GIC state
 * the tests touch, and checks that no CPU took a spurious or unhandled
 * interrupt meanwhile.
 */
void gic_test_end(void);

/* The handler that counts into irq_log; the tests' default. */
void log_irq(struct gic_irq *irq);
/* gic_set_handler() for the test; gic_test_end() removes the handler. */
void handle_irqs_of(unsigned int intid, gic_handler_t handler);
/* handle_irqs_of(intid, log_irq). */
void log_irqs_of(unsigned int intid);
unsigned int delivered(unsigned int cpu, unsigned int intid);
void log_clear(void);

/*
 * Unmasks IRQs on this CPU until *counter reaches want (at most
 * ARRIVAL_MS), then SETTLE_MS more so that extra deliveries show, and
 * masks them again.  Returns whether want was reached.
 */
bool irq_wait(const unsigned int *counter, unsigned int want);
/* Spins until *counter reaches want; false after ms milliseconds. */
bool wait_count(const unsigned int *counter, unsigned int want,
		unsigned int ms);
/* Unmasks IRQs on this CPU for ms milliseconds. */
void irq_window(unsigned int ms);

/* Makes cpu take interrupts until listen_stop(); false if it cannot. */
bool listen_start(unsigned int cpu);
void listen_stop(unsigned int cpu);

/*
 * SPI n (0 <= n < NR_TEST_SPIS), one no device of the machine uses: from
 * the top of the implemented range down.
 */
#define NR_TEST_SPIS 4
unsigned int free_spi(unsigned int n);
/* Whether the test may use a second CPU; SKIPs what with it if not. */
bool need_cpus(unsigned int n, const char *what);

/*
 * Known implementations, by GICD_IIDR, for the XFAILs of their known
 * deviations (docs/gic.md): QEMU's GICv3 model reads 0x43b (Arm,
 * product 0); KVM's in-kernel vGIC, v2 or v3, product 'K', any revision.
 */
#define GIC_IIDR_IMPLEMENTER_ARM 0x43b
#define GIC_IIDR_PRODUCT	 0xff000000u
#define GIC_IIDR_IMPLEMENTER	 0x00000fffu
#define GIC_IIDR_KVM		 (0x4bu << 24 | GIC_IIDR_IMPLEMENTER_ARM)
bool gic_qemu_gicv3(void);
bool gic_kvm_vgic(void);

#endif /* GUEST_GIC_TEST_H */
