// SPDX-License-Identifier: GPL-2.0-only
/* The boot CPU's C entry: from long mode to the test runner. */
#include "alloc.h"
#include "apic.h"
#include "boot_info.h"
#include "cmdline.h"
#include "desc.h"
#include "mb2.h"
#include "percpu.h"
#include "printf.h"
#include "report.h"
#include "smp.h"
#include "test.h"
#include "uart.h"

#define LOW_MEMORY_END	 0x100000ULL  /* real-mode area, trampoline */
#define MAPPED_RAM_LIMIT (3ULL << 30) /* above: uncached MMIO mappings */

struct boot_info boot_info;

extern u8 boot_stack_top[], __image_end[];

/* Stacks need no zeroing: .bss.stack lies outside __bss_start..end. */
static u8 boot_ist_stack[IST_STACK_SIZE] __aligned(16) __section(".bss.stack");

/* Gives the allocator the free RAM above the image and below 3 GiB. */
static void add_free_memory(void)
{
	u64 floor = ALIGN_UP((uintptr_t)__image_end, PAGE_SIZE);

	floor = MAX(floor, LOW_MEMORY_END);
	for (unsigned int i = 0; i < boot_info.nr_mem; i++) {
		u64 base = boot_info.mem[i].base;
		u64 end = base + boot_info.mem[i].length;

		base = MAX(ALIGN_UP(base, PAGE_SIZE), floor);
		end = MIN(ALIGN_DOWN(end, PAGE_SIZE), MAPPED_RAM_LIMIT);
		if (base < end)
			alloc_add_region(base, end - base);
	}
}

__noreturn void boot_main(u32 magic, u64 info)
{
	struct percpu *bsp = &percpu_area[0];
	const char *why;

	bsp->stack_top = boot_stack_top;
	bsp->ist_stack_top = boot_ist_stack + sizeof(boot_ist_stack);
	percpu_activate(bsp);
	cpu_tables_load(bsp);
	uart_init();

	/* Before anything else claims memory the information may be in. */
	if (mb2_parse(magic, (const void *)(uintptr_t)info, &boot_info, &why)) {
		report(false, "boot: %s", why);
		report_exit();
	}
	printf("hvcheck guest (x86_64), loader '%s', command line '%s'\n",
	       boot_info.loader_name, boot_info.cmdline);
	if (boot_info.cmdline_truncated)
		report(false, "boot: command line longer than %u bytes",
		       BOOT_CMDLINE_MAX - 1);
	cmdline_init(boot_info.cmdline);
	add_free_memory();

	apic_init();
	smp_init();
	printf("%u of %u CPUs online, local APICs in %s mode\n",
	       smp_nr_online(), smp_nr_cpus(),
	       apic_x2apic_mode() ? "x2APIC" : "xAPIC");
	test_main();
}
