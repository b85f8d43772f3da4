// SPDX-License-Identifier: GPL-2.0-only
/* The boot CPU's C entry: from the device tree to the test runner. */
#include "alloc.h"
#include "boot_info.h"
#include "cmdline.h"
#include "fdt.h"
#include "gic.h"
#include "hvcheck_abi.h"
#include "percpu.h"
#include "pmu.h"
#include "printf.h"
#include "psci.h"
#include "report.h"
#include "smp.h"
#include "string.h"
#include "test.h"
#include "timer.h"
#include "uart.h"

/* entry.S maps RAM from HV_ARM64_RAM_BASE to here as normal memory. */
#define MAPPED_RAM_END (1ULL << 32)

struct boot_info boot_info;
struct percpu percpu_area[MAX_CPUS];

extern u8 __image_start[], __image_end[];

static bool in_mapped_ram(u64 addr, u64 size)
{
	return addr >= HV_ARM64_RAM_BASE && addr < MAPPED_RAM_END &&
	       size <= MAPPED_RAM_END - addr;
}

/*
 * A Linux-style loader hands over the DTB in x0; QEMU's ELF boot puts
 * it at the base of RAM and leaves x0 zero (docs/guest.md).
 */
static const void *find_dtb(u64 x0)
{
	if (x0 && x0 % 8 == 0 && in_mapped_ram(x0, HV_ARM64_DTB_MAX))
		return (const void *)x0;
	return (const void *)HV_ARM64_DTB_BASE;
}

static __noreturn void boot_fail(const char *what, const char *why)
{
	report(false, "boot: %s: %s", what, why);
	report_exit();
}

static void read_cmdline(const void *dtb)
{
	u32 len;
	const char *args = fdt_get_prop(dtb, "/chosen", "bootargs", &len);

	/* No bootargs is an empty command line: test_main() says so. */
	if (!args || !len)
		return;
	if (strnlen(args, len) == len)
		boot_fail("device tree", "/chosen/bootargs is not a string");
	if (strlcpy(boot_info.cmdline, args, sizeof(boot_info.cmdline)) >=
	    sizeof(boot_info.cmdline))
		boot_info.cmdline_truncated = true;
}

/* RAM from /memory "reg": (address, size) pairs of two cells each. */
static void read_memory(const void *dtb)
{
	const void *cells, *reg;
	u32 len;

	cells = fdt_get_prop(dtb, "/", "#address-cells", &len);
	if (!cells || len != 4 || fdt_cell(cells, 0) != 2)
		boot_fail("device tree", "root #address-cells is not 2");
	cells = fdt_get_prop(dtb, "/", "#size-cells", &len);
	if (!cells || len != 4 || fdt_cell(cells, 0) != 2)
		boot_fail("device tree", "root #size-cells is not 2");
	reg = fdt_get_prop(dtb, "/memory", "reg", &len);
	if (!reg || !len || len % 16)
		boot_fail("device tree", "no usable /memory reg property");
	for (unsigned int i = 0; i < len / 16; i++) {
		struct mem_region *r = &boot_info.mem[boot_info.nr_mem];

		if (boot_info.nr_mem == BOOT_MEM_REGIONS_MAX) {
			boot_info.mem_truncated = true;
			break;
		}
		r->base = (u64)fdt_cell(reg, 4 * i) << 32 |
			  fdt_cell(reg, 4 * i + 1);
		r->length = (u64)fdt_cell(reg, 4 * i + 2) << 32 |
			    fdt_cell(reg, 4 * i + 3);
		boot_info.nr_mem++;
	}
}

/* Free RAM: mapped, above the image, and above the DTB if it is higher. */
static void add_free_memory(const void *dtb)
{
	u64 floor = ALIGN_UP((uintptr_t)__image_end, PAGE_SIZE);
	u64 dtb_end = (uintptr_t)dtb + fdt_total_size(dtb);

	if ((uintptr_t)dtb >= (uintptr_t)__image_start)
		floor = MAX(floor, ALIGN_UP(dtb_end, PAGE_SIZE));
	for (unsigned int i = 0; i < boot_info.nr_mem; i++) {
		u64 base = boot_info.mem[i].base;
		u64 end = base + boot_info.mem[i].length;

		base = MAX(ALIGN_UP(base, PAGE_SIZE), floor);
		end = MIN(ALIGN_DOWN(end, PAGE_SIZE), MAPPED_RAM_END);
		if (base < end)
			alloc_add_region(base, end - base);
	}
}

__noreturn void boot_main(u64 x0)
{
	const void *dtb = find_dtb(x0);
	const char *model, *why;

	percpu_activate(&percpu_area[0]);
	uart_init();

	if (fdt_check(dtb, HV_ARM64_DTB_MAX, &why))
		boot_fail("device tree", why);
	read_cmdline(dtb);
	/* The machine's model names what booted the guest. */
	model = fdt_get_string(dtb, "/", "model") ?:
			fdt_get_string(dtb, "/", "compatible");
	strlcpy(boot_info.loader_name, model ?: "",
		sizeof(boot_info.loader_name));
	printf("hvcheck guest (arm64), machine '%s', command line '%s'\n",
	       boot_info.loader_name, boot_info.cmdline);
	if (boot_info.cmdline_truncated)
		report(false, "boot: command line longer than %u bytes",
		       BOOT_CMDLINE_MAX - 1);
	cmdline_init(boot_info.cmdline);
	read_memory(dtb);
	add_free_memory(dtb);
	if (psci_set_conduit(fdt_get_string(dtb, "/psci", "method")))
		boot_fail("device tree", "/psci method is neither hvc nor smc");
	timer_init(dtb);
	pmu_init(dtb);
	/* Without a GIC only the gic tests fail: they say why. */
	if (gic_init(dtb))
		printf("no GIC driver: %s\n", gic_unavailable());
	else
		printf("GICv%u, %u INTIDs\n", gic_version(), gic_nr_irqs());
	smp_init(dtb);
	printf("%u of %u CPUs online\n", smp_nr_online(), smp_nr_cpus());
	test_main();
}
