/* SPDX-License-Identifier: GPL-2.0-only */
/* arm64 entry: to EL1, identity-mapped MMU, vectors, stack, then C. */
#include "hvcheck_abi.h"
#include "percpu.h"
#include "sysreg.h"

#define BOOT_STACK_SIZE 16384

	.section .text.boot, "ax"
	.global _start
_start:
	/* A Linux-style loader passes the DTB in x0; QEMU's ELF boot may not. */
	mov	x19, x0
	msr	daifset, #0xf
	mrs	x20, CurrentEL

	bl	drop_to_el1
	bl	cpu_setup
	ldr	x1, =boot_stack_top
	mov	sp, x1
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:	ldr	x1, =boot_entry_el
	lsr	x20, x20, #2
	str	w20, [x1]
	mov	x0, x19
	bl	boot_main
3:	wfi
	b	3b

/*
 * PSCI CPU_ON entry: EL1, MMU off, x0 = the CPU's struct percpu (the
 * context ID), whose stack smp.c allocated.
 */
	.global secondary_entry
secondary_entry:
	mov	x19, x0
	msr	daifset, #0xf
	bl	drop_to_el1
	bl	cpu_setup
	ldr	x1, [x19, #PERCPU_STACK_TOP]
	mov	sp, x1
	mov	x0, x19
	bl	secondary_main
	b	3b

/*
 * QEMU virtualization=on starts CPUs at EL2: the tests belong in EL1,
 * and EL2 keeps only el2_vectors (pmu.el2's counting service).  MDCR_EL2:
 * HPMN = PMCR.N (every counter in the EL1 range, PMCR.E enables them),
 * TPM, TPMCR clear (no PMU traps to EL2), HPMD clear (EL2 may count).
 */
drop_to_el1:
	mrs	x1, CurrentEL
	cmp	x1, #CURRENT_EL_EL2
	b.ne	1f
	ldr	x1, =el2_vectors
	msr	vbar_el2, x1
	mov	x2, xzr
	mrs	x1, id_aa64dfr0_el1
	ubfx	x1, x1, #DFR0_PMUVER_SHIFT, #4
	sub	x1, x1, #1
	cmp	x1, #0xe		/* PMUVer 1..0xe: a PMUv3; 0xf is not */
	b.hs	2f
	mrs	x2, pmcr_el0
	ubfx	x2, x2, #PMCR_N_FIELD_SHIFT, #5
2:	msr	mdcr_el2, x2
	mov	x1, #HCR_EL2_RW
	msr	hcr_el2, x1
	mov	x1, #CNTHCTL_EL2_EL1_ACCESS
	msr	cnthctl_el2, x1
	msr	cntvoff_el2, xzr
	mov	x1, #SPSR_EL1H_MASKED
	msr	spsr_el2, x1
	msr	elr_el2, x30
	eret
1:	ret

/*
 * EL2's vectors: only an HVC from EL1 is expected.  Register-only (the
 * EL2 MMU is off, data accesses would be Device memory); x0-x17 are the
 * caller's to lose (SMCCC).  Anything else at EL2 stops the CPU here.
 */
	.balign	2048
el2_vectors:
	.rept	8			/* from EL2 itself: a bug */
	b	.
	.balign	0x80
	.endr
	b	el2_sync_lower		/* from AArch64 EL1: synchronous */
	.balign	0x80
	.rept	7
	b	.
	.balign	0x80
	.endr

el2_sync_lower:
	mrs	x9, esr_el2
	lsr	x10, x9, #ESR_EC_SHIFT
	cmp	x10, #ESR_EC_HVC64
	b.ne	.			/* a trap nobody configured */
	and	x10, x9, #ESR_ISS_IMM16
	cmp	x10, #EL2_PMU_COUNT_HVC
	b.eq	el2_pmu_count
	mov	x0, #-1			/* PSCI/SMCCC NOT_SUPPORTED */
	eret

/*
 * x0 = counter (31: cycle counter), x1 = its filter, x2 = loops; x0 out.
 * A counter that is neither 31 nor below PMCR.N returns -2 (SMCCC
 * INVALID_PARAMETER) and touches nothing.
 */
el2_pmu_count:
	cmp	x0, #31
	b.eq	2f
	mrs	x9, pmcr_el0
	ubfx	x9, x9, #PMCR_N_FIELD_SHIFT, #5
	cmp	x0, x9
	b.lo	2f
	mov	x0, #-2
	eret
2:	mov	x9, #1
	lsl	x9, x9, x0
	cmp	x0, #31
	b.eq	3f
	msr	pmselr_el0, x0
	isb
	msr	pmxevtyper_el0, x1
	msr	pmxevcntr_el0, xzr
	b	4f
3:	msr	pmccfiltr_el0, x1
	msr	pmccntr_el0, xzr
4:	isb
	msr	pmcntenset_el0, x9
	isb
5:	subs	x2, x2, #1
	b.hi	5b
	isb
	msr	pmcntenclr_el0, x9
	isb
	cmp	x0, #31
	b.eq	6f
	mrs	x0, pmxevcntr_el0
	eret
6:	mrs	x0, pmccntr_el0
	eret

/* Vectors and the identity-mapped MMU, the same on every CPU; no stack. */
cpu_setup:
	ldr	x1, =exception_vectors
	msr	vbar_el1, x1

	/* Identity map (page_tables below); normal memory needs it for caches. */
	ldr	x1, =MAIR_VALUE
	msr	mair_el1, x1
	mrs	x2, id_aa64mmfr0_el1
	ldr	x1, =TCR_VALUE
	bfi	x1, x2, #TCR_IPS_SHIFT, #3
	msr	tcr_el1, x1
	ldr	x1, =l1_table
	msr	ttbr0_el1, x1
	isb
	tlbi	vmalle1
	dsb	nsh
	ic	iallu
	isb
	ldr	x1, =SCTLR_EL1_MMU_ON
	msr	sctlr_el1, x1
	isb

	ret

	.section .bss.stack, "aw", %nobits
	.balign 16
	.global boot_stack_top
	.space BOOT_STACK_SIZE
boot_stack_top:

/*
 * Level 1 covers 512 GiB in 1 GiB blocks: entry 0 points to 2 MiB
 * device blocks for the GIC and PL011 window, entry 1 to 2 MiB normal
 * blocks for RAM's first GiB (l2_ram: el0.c makes the image's EL0
 * block EL0-executable there by a permission change, which needs no
 * break-before-make, where splitting a live 1 GiB block would), entries
 * 2-3 map the rest of RAM up to 4 GiB as normal memory.  Everything
 * else, page 0 included, faults.
 */
	.section .data.page_tables, "aw"
	.balign 4096
	.global l1_table
l1_table:
	.quad	l2_mmio + PTE_TABLE
	.quad	l2_ram + PTE_TABLE
	.set	addr, HV_ARM64_RAM_BASE + (1 << 30)
	.rept	2
	.quad	addr + PTE_NORMAL_BLOCK
	.set	addr, addr + (1 << 30)
	.endr
	.fill	508, 8, 0

	.balign 4096
	.global l2_ram
l2_ram:
	.set	addr, HV_ARM64_RAM_BASE
	.rept	512
	.quad	addr + PTE_NORMAL_BLOCK
	.set	addr, addr + (1 << 21)
	.endr

	.balign 4096
l2_mmio:
	.fill	HV_ARM64_GIC_BASE >> 21, 8, 0
	.set	addr, HV_ARM64_GIC_BASE
	.rept	(HV_ARM64_MMIO_END - HV_ARM64_GIC_BASE) >> 21
	.quad	addr + PTE_DEVICE_BLOCK
	.set	addr, addr + (1 << 21)
	.endr
	.fill	512 - (HV_ARM64_MMIO_END >> 21), 8, 0
