/* SPDX-License-Identifier: GPL-2.0-only */
/* arm64 system register fields the boot code and libraries program. */
#ifndef GUEST_SYSREG_H
#define GUEST_SYSREG_H

/* clang-format off */
#define CURRENT_EL_EL2		(2 << 2)
#define HCR_EL2_RW		(1 << 31)	/* EL1 is AArch64 */
#define CNTHCTL_EL2_EL1_ACCESS	0x3		/* EL1PCTEN | EL1PCEN */
#define SPSR_EL1H_MASKED	0x3c5		/* EL1h, D A I F masked */
#define ESR_EC_SHIFT		26
#define ESR_EC_HVC64		0x16		/* HVC from AArch64 */
#define ESR_ISS_IMM16		0xffff
#define DFR0_PMUVER_SHIFT	8		/* ID_AA64DFR0_EL1.PMUVer */
#define PMCR_N_FIELD_SHIFT	11		/* PMCR_EL0.N, bits [15:11] */

/*
 * The EL2 service entry.S leaves behind when entered at EL2: HVC with
 * this immediate, x0 = counter (31: the cycle counter), x1 = its
 * PMEVTYPER (PMCCFILTR) value, x2 = loops (at least 1); it counts a
 * loop of that many iterations at EL2 and returns the count in x0.
 * Any other HVC returns -1 (PSCI NOT_SUPPORTED).
 */
#define EL2_PMU_COUNT_HVC	0xe12		/* fits CMP's immediate */

/* attr0 Device-nGnRnE, attr1 Normal write-back read/write-allocate. */
#define MAIR_VALUE		0xff00
#define MT_DEVICE		0
#define MT_NORMAL		1

/*
 * 4 KiB granule, 39-bit VA (T0SZ 25, walks start at level 1), walks
 * inner-shareable write-back, TTBR1 walks off; IPS comes from PARange.
 */
#define TCR_VALUE		0x803519
#define TCR_IPS_SHIFT		32

/* RES1 bits of ARMv8.0, then M, C, SA, SA0 and I. */
#define SCTLR_EL1_RES1		0x30d00800
#define SCTLR_EL1_MMU_ON	(SCTLR_EL1_RES1 | 0x101d)

/* Descriptor bits: 64-bit values, for entry.S only. */
#define PTE_TABLE		0x3
#define PTE_BLOCK		0x1
#define PTE_ATTRINDX(i)		((i) << 2)
#define PTE_SH_INNER		(3 << 8)
#define PTE_AF			(1 << 10)
#define PTE_PXN			(1 << 53)
#define PTE_UXN			(1 << 54)
#define PTE_NORMAL_BLOCK	(PTE_BLOCK | PTE_ATTRINDX(MT_NORMAL) | \
				 PTE_SH_INNER | PTE_AF)
#define PTE_DEVICE_BLOCK	(PTE_BLOCK | PTE_ATTRINDX(MT_DEVICE) | \
				 PTE_AF | PTE_PXN | PTE_UXN)
/* clang-format on */

#ifndef __ASSEMBLY__
#include "types.h"

#define read_sysreg(reg)                                     \
	({                                                   \
		u64 __val;                                   \
		asm volatile("mrs %0, " #reg : "=r"(__val)); \
		__val;                                       \
	})

#define write_sysreg(val, reg) \
	asm volatile("msr " #reg ", %x0" : : "rZ"((u64)(val)) : "memory")

static inline void isb(void)
{
	asm volatile("isb" ::: "memory");
}
#endif /* __ASSEMBLY__ */

#endif /* GUEST_SYSREG_H */
