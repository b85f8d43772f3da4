/* SPDX-License-Identifier: GPL-2.0-only */
/* Exception handling and the exception fixup API (arm64). */
#ifndef GUEST_EXCEPTIONS_H
#define GUEST_EXCEPTIONS_H

/* struct ex_regs as vectors.S builds it. */
#define EX_FRAME_SIZE 304
#define EX_SP	      248
#define EX_ELR	      256
#define EX_ESR	      272
#define EX_VECTOR     288

#ifndef __ASSEMBLY__
#include "percpu.h"
#include "types.h"

/* ESR_EL1.EC values: the "vector" the fixup API reports on arm64. */
#define ESR_EC_UNKNOWN		   0x00 /* undefined instruction, among others */
#define ESR_EC_SVC64		   0x15
#define ESR_EC_HVC64		   0x16
#define ESR_EC_SYS64		   0x18 /* trapped MSR/MRS/system instruction */
#define ESR_EC_IABT_CUR		   0x21
#define ESR_EC_PC_ALIGN		   0x22
#define ESR_EC_DABT_CUR		   0x25
#define ESR_EC_SP_ALIGN		   0x26
#define ESR_EC_SERROR		   0x2f
#define ESR_EC_BRK64		   0x3c
#define ESR_EC(esr)		   (((esr) >> 26) & 0x3f)
#define ESR_ISS_WNR		   BIT(6) /* data abort: a write */
#define ESR_ISS_FSC(esr)	   ((esr)&0x3f)
#define ESR_FSC_TRANSLATION(level) (0x04 + (level))

/* "No exception": EC 0 is a real class, so it cannot mean that. */
#define EXC_NONE (-1)

/* Vector table slot: which of the four kinds, from which source. */
enum ex_kind { EX_SYNC, EX_IRQ, EX_FIQ, EX_SERROR };

struct ex_regs {
	u64 regs[31]; /* x0..x30 */
	u64 sp;	      /* at the exception */
	u64 elr, spsr, esr, far;
	u64 vector; /* VBAR slot 0..15: source * 4 + enum ex_kind */
};

#include "fixup.h"

const char *exception_name(unsigned int ec);
#endif /* __ASSEMBLY__ */

#endif /* GUEST_EXCEPTIONS_H */
