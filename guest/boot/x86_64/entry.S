/* SPDX-License-Identifier: GPL-2.0-only */
/* Multiboot2 header, 32-bit entry, identity page tables, long mode. */
#include "desc.h"
#include "long_mode.h"
#include "mb2.h"

#define BOOT_STACK_SIZE 16384

#define PTE_PRESENT  0x001
#define PTE_WRITE    0x002
#define PTE_USER     0x004 /* everything is user-accessible: CPL3 tests */
#define PTE_PWT	     0x008
#define PTE_PCD	     0x010
#define PTE_LARGE    0x080
#define PTE_FLAGS    (PTE_PRESENT | PTE_WRITE | PTE_USER)
/* 2 MiB pages from 3 GiB up are uncached: LAPIC, IOAPIC, other MMIO. */
#define PD_FIRST_MMIO 1536

	.section .note.GNU-stack, "", @progbits

/* ------------------------------------------------------------------ */
	.section .mb2_header, "a"
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long 0x100000000 - (MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

	/* Optional: the guest copes with any of these missing. */
	.balign 8
mb2_info_request:
	.word MB2_HEADER_TAG_INFO_REQ
	.word MB2_HEADER_TAG_OPTIONAL
	.long mb2_info_request_end - mb2_info_request
	.long MB2_TAG_CMDLINE
	.long MB2_TAG_LOADER_NAME
	.long MB2_TAG_MMAP
	.long MB2_TAG_ACPI_OLD
	.long MB2_TAG_ACPI_NEW
mb2_info_request_end:

	.balign 8
	.word MB2_HEADER_TAG_END
	.word 0
	.long 8
mb2_header_end:

/* ------------------------------------------------------------------ */
	.section .text.boot, "ax"
	.code32
	.globl _start
_start:
	/* Multiboot2: EAX magic, EBX information, flat segments, no paging. */
	cli
	cld
	movl %eax, %ebp
	movl %ebx, %esi
	/*
	 * As little as possible before long mode: 32-bit code may be
	 * emulated one instruction at a time (it is on KVM on the
	 * project's hosts), so the page tables are static data.
	 */
	lgdt boot_gdt_desc
	movw $GDT_KERNEL_DS, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	ENABLE_LONG_MODE
	ljmp $GDT_KERNEL_CS, $boot_long_mode

	.code64
boot_long_mode:
	/* Null FS/GS now: loading a selector later would zero GS base. */
	LOAD_KERNEL_DATA_SEGMENTS

	/* The loader should have zeroed .bss; do not count on it. */
	movq $__bss_start, %rdi
	movq $__bss_end, %rcx
	subq %rdi, %rcx
	shrq $3, %rcx
	rep stosq

	movq $boot_stack_top, %rsp
	movl %ebp, %edi /* Multiboot2 magic */
	movl %esi, %esi /* information address */
	call boot_main
5:	hlt
	jmp 5b

/* ------------------------------------------------------------------ */
	.data
	.balign 16
/* The GDT layout of desc.h; each CPU runs on its own copy later. */
	.globl boot_gdt
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff /* GDT_KERNEL_CS: 64-bit code, DPL 0 */
	.quad 0x00cf92000000ffff /* GDT_KERNEL_DS */
	.quad 0x00cff2000000ffff /* GDT_USER_DS: DPL 3 */
	.quad 0x00affa000000ffff /* GDT_USER_CS: 64-bit code, DPL 3 */
	.quad 0, 0		 /* GDT_TSS, filled per CPU */
	.quad 0x00cf9a000000ffff /* GDT_KERNEL_CS32: 32-bit code, DPL 0 */
boot_gdt_end:
	.if boot_gdt_end - boot_gdt != GDT_ENTRIES * 8
	.error "boot_gdt does not match GDT_ENTRIES"
	.endif

boot_gdt_desc:
	.word GDT_ENTRIES * 8 - 1
	.long boot_gdt

/*
 * Identity map of the first 4 GiB: 2 MiB pages, except the first 2 MiB
 * in 4 KiB pages with page 0 left out so that NULL dereferences fault.
 */
	.section .data.page_tables, "aw"
	.balign 4096
	.globl boot_pml4
boot_pml4:
	.quad boot_pdpt + PTE_FLAGS
	.fill 511, 8, 0
boot_pdpt:
	.quad boot_pd + 0 * 4096 + PTE_FLAGS
	.quad boot_pd + 1 * 4096 + PTE_FLAGS
	.quad boot_pd + 2 * 4096 + PTE_FLAGS
	.quad boot_pd + 3 * 4096 + PTE_FLAGS
	.fill 508, 8, 0
boot_pd:
	.quad boot_pt0 + PTE_FLAGS
	page = 1
	.rept 2047
	.if page < PD_FIRST_MMIO
	.quad (page << 21) | PTE_FLAGS | PTE_LARGE
	.else
	.quad (page << 21) | PTE_FLAGS | PTE_LARGE | PTE_PCD | PTE_PWT
	.endif
	page = page + 1
	.endr
boot_pt0:
	.quad 0
	page = 1
	.rept 511
	.quad (page << 12) | PTE_FLAGS
	page = page + 1
	.endr

/* ------------------------------------------------------------------ */
	.section .bss.stack, "aw", @nobits
	.balign 16
boot_stack:
	.skip BOOT_STACK_SIZE
	.globl boot_stack_top
boot_stack_top:
