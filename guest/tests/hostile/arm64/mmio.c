// SPDX-License-Identifier: GPL-2.0-only
/* hostile.mmio: the unassigned pages of the arm64 board's MMIO window. */
#include "exceptions.h"
#include "hvcheck_abi.h"
#include "printf.h"
#include "processor.h"
#include "report.h"
#include "test.h"
#include "uart.h"

#define PAGE_4K 0x1000ull

/*
 * The guest maps the board's window [GIC, MMIO_END) as device memory;
 * between the PL011's page and the exit device nothing is assigned on
 * the hvcheck board.  Every 4 KiB page there gets a 4-byte and a 1-byte
 * read and write (single plain accesses, which KVM can hand over).
 */
static void test_mmio(void)
{
	u64 first = HV_ARM64_UART_BASE + PAGE_4K, end = HV_ARM64_EXIT_BASE;
	unsigned int pages = 0, all_ones = 0, zero = 0, faults = 0;

	for (u64 addr = first; addr < end; addr += PAGE_4K, pages++) {
		u32 v = 0;
		u8 b = 0;

		if (asm_safe("ldr %w[v], [%[p]]",
			     : [v] "+r"(v)
			     : [p] "r"(addr)
			     : "memory") != EXC_NONE) {
			faults++;
			continue;
		}
		all_ones += v == 0xffffffffu;
		zero += !v;
		writel(0, addr);
		b = readb(addr + PAGE_4K - 1);
		writeb(b, addr + PAGE_4K - 1);
	}
	printf("hostile: mmio: %u pages touched from %#llx to %#llx (%u read all ones, %u read 0, %u aborted)\n",
	       pages, (unsigned long long)first, (unsigned long long)end,
	       all_ones, zero, faults);
	report(uart_answers(),
	       "the PL011 still answers its PrimeCell ID after the sweep");
}
DEFINE_TEST(test_mmio, "hostile.mmio");
