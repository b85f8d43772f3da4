/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the arm64 pmu.* tests: set-up, measured loops, the overflow IRQ. */
#ifndef GUEST_PMU_TEST_H
#define GUEST_PMU_TEST_H

#include "pmu.h"
#include "types.h"

/* kvm-unit-tests' presets: 16 increments before a 32- or 64-bit wrap. */
#define PRE_OVERFLOW_32 0xfffffff0ULL
#define PRE_OVERFLOW_64 0xfffffffffffffff0ULL
#define ALL_SET_32	0xffffffffULL
#define SWINC_TIMES	100

/* How long an overflow interrupt may take, and a window that shows none. */
#define PMU_IRQ_ARRIVAL_MS 3000
#define PMU_IRQ_SETTLE_MS  20

/*
 * Starts a pmu test: SKIPs and returns false without a PMUv3, else
 * resets the PMU (pmu_reset()) and returns true.
 */
bool pmu_test_begin(void);
/* Leaves the PMU reset for the next test. */
void pmu_test_end(void);

/* SKIPs what and returns false unless PMCEID offers event. */
bool need_event(unsigned int event, const char *what);
/*
 * Whether CHAIN counts: PMCEID offers it, or the host is KVM, which
 * implements CHAIN always but advertised it only from Linux 6.3 (its
 * missing bit an XFAIL, said once); else what SKIPs.
 */
bool chain_implemented(const char *what);

/* KVM's cycle counter ignores PMCR.LC 0 (seen on Linux 6.1). */
#define KVM_LC_DEVIATION                                                 \
	"; KVM counts PMCCNTR on past 2^32 with PMCR.LC 0, no overflow " \
	"(seen on Linux 6.1)"

/* SKIPs what and returns false unless there are n event counters. */
bool need_counters(unsigned int n, const char *what);

/* Writes mask to PMSWINC_EL0 times times. */
void swinc(u64 mask, unsigned int times);

/*
 * What counter n (PMU_CYCLE_BIT's 31: the cycle counter) counts over
 * pmu_loop(loops), enabled just around it, PMCR.E already set.
 */
u64 count_loop(unsigned int n, u64 loops);

/*
 * The overflow interrupt: its handler records the PMOVS bits it finds
 * and clears them (the line drops).  Arming enables the INTID; waiting
 * unmasks IRQs until want deliveries came (or the arrival time passed),
 * then the settle window.
 */
struct pmu_irq_log {
	unsigned int count;
	u64 ovs; /* the PMOVS bits the handler found, ORed */
};
extern struct pmu_irq_log pmu_irqs;
unsigned int pmu_irq_intid(void);
void pmu_irq_arm(void);
bool pmu_irq_wait(unsigned int want);
void pmu_irq_disarm(void);

/* The bits an event counter holds: 64 from PMUv3p5, else 32. */
u64 pmu_counter_width_mask(void);

/* Whether the guest identifies KVM (SMCCC vendor hypervisor UID). */
bool host_is_kvm(void);
/* Whether it identifies QEMU's own PMU: QEMU virt's model, not KVM. */
bool host_is_qemu_tcg(void);
/*
 * Whether the CPU is QEMU TCG's -cpu max (MIDR implementer 0, "reserved
 * for software use", part 0x051 'Q'), also as KVM passes it on to its
 * guests when it runs under QEMU TCG itself (the nested bed).
 */
bool cpu_is_qemu_max(void);

#endif /* GUEST_PMU_TEST_H */
