// SPDX-License-Identifier: GPL-2.0-only
/* hostile.mmio: guest-physical pages outside RAM and devices touched. */
#include "boot_info.h"
#include "printf.h"
#include "processor.h"
#include "report.h"
#include "test.h"
#include "uart.h"

#define PAGE_4K	       0x1000ull
#define PAGE_2M	       0x200000ull
#define MMIO_TOP       0x100000000ull /* the guest maps the first 4 GiB */
#define APIC_FIRST     0xfec00000ull  /* the IOAPIC's 2 MiB page, */
#define APIC_END       0xff000000ull  /* then the xAPIC's at 0xfee00000 */
#define VGA_HOLE       0xa0000ull
#define VGA_HOLE_END   0xc0000ull
#define PAST_RAM_DENSE 0x100000ull /* every 4 KiB page this far past RAM */

struct mmio_tally {
	unsigned int pages, all_ones, zero;
};

static bool in_ram(u64 addr)
{
	for (unsigned int i = 0; i < boot_info.nr_mem; i++) {
		const struct mem_region *m = &boot_info.mem[i];

		if (addr >= m->base && addr - m->base < m->length)
			return true;
	}
	return false;
}

static u64 ram_end(void)
{
	u64 end = 0;

	for (unsigned int i = 0; i < boot_info.nr_mem; i++) {
		const struct mem_region *m = &boot_info.mem[i];

		if (m->base + m->length > end)
			end = m->base + m->length;
	}
	return end;
}

/* A read, a write of 0 and a read again, of 4, 8 and 1 bytes. */
static void touch(struct mmio_tally *t, u64 addr)
{
	volatile u32 *p32 = (volatile u32 *)addr;
	volatile u64 *p64 = (volatile u64 *)(addr + 8);
	volatile u8 *p8 = (volatile u8 *)(addr + PAGE_4K - 1);
	u32 v = *p32;

	t->all_ones += v == 0xffffffffu;
	t->zero += !v;
	*p32 = 0;
	(void)*p32;
	*p64 = ~0ull;
	(void)*p64;
	*p8 = 0x5a;
	(void)*p8;
	t->pages++;
}

static void sweep(struct mmio_tally *t, u64 first, u64 end, u64 stride)
{
	for (u64 addr = first; addr < end; addr += stride) {
		if (!in_ram(addr) && (addr < APIC_FIRST || addr >= APIC_END))
			touch(t, addr);
	}
}

static void test_mmio(void)
{
	u64 end = (ram_end() + PAGE_4K - 1) & ~(PAGE_4K - 1);
	u64 sparse = (end + PAST_RAM_DENSE + PAGE_2M - 1) & ~(PAGE_2M - 1);
	struct mmio_tally t = { 0 };

	if (!end || end >= APIC_FIRST) {
		report_skip(
			"no RAM map, or RAM reaches the APICs: nothing to touch");
		return;
	}
	sweep(&t, VGA_HOLE, VGA_HOLE_END, PAGE_4K);
	sweep(&t, end, end + PAST_RAM_DENSE, PAGE_4K);
	sweep(&t, sparse, MMIO_TOP, PAGE_2M);
	/* the last page below 4 GiB, and a read across RAM's end */
	touch(&t, MMIO_TOP - PAGE_4K);
	(void)*(volatile u32 *)(end - 2);
	printf("hostile: mmio: %u pages touched from %#llx to 4 GiB and the VGA hole (%u read all ones, %u read 0)\n",
	       t.pages, (unsigned long long)end, t.all_ones, t.zero);
	report(t.pages > 0, "%u unassigned MMIO pages touched", t.pages);
	report(uart_answers(),
	       "the UART's scratch register still answers after the sweep");
}
DEFINE_TEST(test_mmio, "hostile.mmio");
