/* SPDX-License-Identifier: GPL-2.0-only */
/* arm64 PMUv3: registers, enumeration, counters by number, its interrupt. */
#ifndef GUEST_PMU_H
#define GUEST_PMU_H

#include "sysreg.h"
#include "types.h"

/* PMCR_EL0 */
#define PMCR_E	      BIT(0)
#define PMCR_P	      BIT(1)
#define PMCR_C	      BIT(2)
#define PMCR_D	      BIT(3)
#define PMCR_LC	      BIT(6)
#define PMCR_LP	      BIT(7)
#define PMCR_N_SHIFT  11
#define PMCR_N_MASK   0x1f
#define PMCR_WRITABLE (PMCR_E | PMCR_D | BIT(4) | BIT(5) | PMCR_LC | PMCR_LP)

/* PMEVTYPER<n>_EL0 / PMCCFILTR_EL0 filter bits */
#define PMEVTYPER_P   BIT(31) /* exclude EL1 */
#define PMEVTYPER_U   BIT(30) /* exclude EL0 */
#define PMEVTYPER_NSH BIT(27) /* include EL2 */

/* PMUSERENR_EL0 */
#define PMUSERENR_EN BIT(0)
#define PMUSERENR_SW BIT(1)
#define PMUSERENR_CR BIT(2)
#define PMUSERENR_ER BIT(3)

/* The cycle counter's bit in PMCNTEN, PMINTEN and PMOVS. */
#define PMU_CYCLE_BIT	 BIT(31)
#define PMU_MAX_COUNTERS 31 /* event counters, PMCR.N at most */

/* ID_AA64DFR0_EL1.PMUVer */
#define PMUVER_NONE 0x0
#define PMUVER_V3   0x1
#define PMUVER_V3P1 0x4
#define PMUVER_V3P4 0x5
#define PMUVER_V3P5 0x6
#define PMUVER_IMP  0xf

/* Common events (Arm ARM, PMUv3) */
#define PMU_EV_SW_INCR	      0x00
#define PMU_EV_L1D_CACHE      0x04
#define PMU_EV_INST_RETIRED   0x08
#define PMU_EV_EXC_TAKEN      0x09
#define PMU_EV_BR_PRED	      0x12
#define PMU_EV_CPU_CYCLES     0x11
#define PMU_EV_MEM_ACCESS     0x13
#define PMU_EV_INST_SPEC      0x1b
#define PMU_EV_CHAIN	      0x1e
#define PMU_EV_BR_RETIRED     0x21
#define PMU_EV_STALL_FRONTEND 0x23
#define PMU_EV_STALL_BACKEND  0x24

/* The INTID of the overflow interrupt when the device tree has no PMU node. */
#define PMU_INTID_DEFAULT 23

/* The exception level the boot CPU was entered at (entry.S), 1 or 2. */
extern u32 boot_entry_el;

/* Reads the device tree's "arm,armv8-pmuv3" node; boot CPU, at boot. */
void pmu_init(const void *dtb);
/* Its overflow PPI's INTID, or 0 when the tree describes no PMU. */
unsigned int pmu_dt_intid(void);

/* ID_AA64DFR0_EL1.PMUVer */
unsigned int pmu_version(void);
/* NULL when a PMUv3 is there; else why not, for a SKIP or FAIL. */
const char *pmu_absent(void);
/* PMCR_EL0.N: the event counters. */
unsigned int pmu_nr_counters(void);
/* The implemented bits of PMCNTEN, PMINTEN and PMOVS. */
u64 pmu_counter_mask(void);
/* Whether PMCEID0/1 advertise common event 0x00..0x3f or 0x4000..0x403f. */
bool pmu_event_offered(unsigned int event);
/* Event counters overflow at 64 bits with PMCR.LP: PMUv3p5 and later. */
bool pmu_has_64bit_counters(void);

/* PMEVCNTR<n>_EL0 and PMEVTYPER<n>_EL0 by number, n < PMU_MAX_COUNTERS. */
u64 pmu_evcntr_read(unsigned int n);
void pmu_evcntr_write(unsigned int n, u64 value);
u64 pmu_evtyper_read(unsigned int n);
void pmu_evtyper_write(unsigned int n, u64 value);
/*
 * The same, run through the fixup API: the exception class the access
 * raised (ESR_EC_UNKNOWN for UNDEF), or EXC_NONE.
 */
int pmu_evcntr_read_safe(unsigned int n, u64 *value);
int pmu_evtyper_write_safe(unsigned int n, u64 value);

/*
 * Stops and clears everything the tests touch: PMCR.E off (LC and LP
 * too), every counter disabled and zeroed, no overflow flag, no
 * interrupt enable, PMSELR 0, event types and PMCCFILTR 0, PMUSERENR 0.
 */
void pmu_reset(void);
/* Programs event counter n with type and value and enables it. */
void pmu_counter_setup(unsigned int n, u64 type, u64 value);

/* A loop of exactly 2 + 2 * loops instructions, 1 + loops of them branches. */
void pmu_loop(u64 loops);

#endif /* GUEST_PMU_H */
