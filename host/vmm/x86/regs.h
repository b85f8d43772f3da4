/* SPDX-License-Identifier: GPL-2.0-only */
/* x86 control-register, flag and page-table bits the VMM sets or reads. */
#ifndef VMM_X86_REGS_H
#define VMM_X86_REGS_H

#define X86_CR0_PE 0x00000001ULL
#define X86_CR0_ET 0x00000010ULL
#define X86_CR0_PG 0x80000000ULL

#define X86_CR4_PAE  0x00000020ULL
#define X86_CR4_PCE  0x00000100ULL
#define X86_CR4_LA57 0x00001000ULL

#define X86_EFER_LME 0x00000100ULL
#define X86_EFER_LMA 0x00000400ULL

#define X86_RFLAGS_RES1 0x00000002ULL /* bit 1 always reads as 1 */
#define X86_RFLAGS_VM	0x00020000ULL

#define X86_GP_VECTOR 13 /* #GP, general protection */

/* CPUID.1:ECX[31]: a hypervisor is present, its leaves at 0x4000xxxx */
#define X86_CPUID_1_ECX_HYPERVISOR (1u << 31)

/* Segment descriptor types (code/data segments, S = 1). */
#define X86_SEG_CODE_XR 0xb /* execute/read, accessed */
#define X86_SEG_DATA_RW 0x3 /* read/write, accessed */

#define X86_PTE_PRESENT 0x001ULL
#define X86_PTE_WRITE	0x002ULL
#define X86_PTE_USER	0x004ULL
#define X86_PTE_LARGE	0x080ULL /* PS: a 1 GiB or 2 MiB page */
#define X86_PTE_ADDR	0x000ffffffffff000ULL

#endif /* VMM_X86_REGS_H */
