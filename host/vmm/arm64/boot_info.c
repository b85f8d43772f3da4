// SPDX-License-Identifier: GPL-2.0-only
/* The device tree of the hvcheck arm64 board, shaped like QEMU virt's. */
#include <errno.h>
#include <stdio.h>

#include "array_size.h"
#include "vmm/arm64/boot_info.h"
#include "vmm/arm64/fdt.h"
#include "vmm/devices/pl011.h"

#define DT_PHANDLE_CLOCK 1
#define DT_PHANDLE_GIC	 2

/* Interrupt specifiers of the GIC binding: type, number, flags. */
#define DT_IRQ_TYPE_SPI	     0
#define DT_IRQ_TYPE_PPI	     1
#define DT_IRQ_LEVEL_HIGH    4
#define DT_IRQ_PPI_CPU_SHIFT 8 /* GICv2: the CPUs a PPI goes to */

#define DT_UART_CLOCK_HZ 24000000 /* QEMU's "apb-pclk" */

/* A (64-bit address, 64-bit size) pair: the root has 2 + 2 cells. */
static void dt_reg_cells(uint32_t *cells, uint64_t base, uint64_t size)
{
	cells[0] = base >> 32;
	cells[1] = base;
	cells[2] = size >> 32;
	cells[3] = size;
}

static void dt_node_at(struct fdt *fdt, const char *name, uint64_t addr)
{
	char unit[64];

	snprintf(unit, sizeof(unit), "%s@%llx", name, (unsigned long long)addr);
	fdt_begin_node(fdt, unit);
}

static void dt_memory(struct fdt *fdt, const struct board_dt_config *cfg)
{
	uint32_t reg[4];

	dt_reg_cells(reg, HV_ARM64_RAM_BASE, cfg->ram_size);
	dt_node_at(fdt, "memory", HV_ARM64_RAM_BASE);
	fdt_prop_string(fdt, "device_type", "memory");
	fdt_prop_cells(fdt, "reg", reg, ARRAY_SIZE(reg));
	fdt_end_node(fdt);
}

static void dt_cpus(struct fdt *fdt, const struct board_dt_config *cfg)
{
	fdt_begin_node(fdt, "cpus");
	fdt_prop_u32(fdt, "#address-cells", 1);
	fdt_prop_u32(fdt, "#size-cells", 0);
	for (unsigned int i = 0; i < cfg->nr_cpus; i++) {
		dt_node_at(fdt, "cpu", cfg->mpidr[i]);
		fdt_prop_string(fdt, "device_type", "cpu");
		fdt_prop_string(fdt, "compatible", "arm,arm-v8");
		fdt_prop_u32(fdt, "reg", cfg->mpidr[i]);
		fdt_prop_string(fdt, "enable-method", "psci");
		fdt_end_node(fdt);
	}
	fdt_end_node(fdt);
}

static void dt_psci(struct fdt *fdt)
{
	static const char *const compatible[] = { "arm,psci-0.2", "arm,psci" };

	fdt_begin_node(fdt, "psci");
	fdt_prop_strings(fdt, "compatible", compatible, ARRAY_SIZE(compatible));
	fdt_prop_string(fdt, "method", "hvc");
	fdt_end_node(fdt);
}

/* Secure physical, physical, virtual, hypervisor: QEMU's order. */
static void dt_timer(struct fdt *fdt, const struct board_dt_config *cfg)
{
	static const char *const compatible[] = { "arm,armv8-timer",
						  "arm,armv7-timer" };
	static const uint32_t ppis[] = {
		BOARD_TIMER_PPI_SEC_PHYS,
		BOARD_TIMER_PPI_PHYS,
		BOARD_TIMER_PPI_VIRT,
		BOARD_TIMER_PPI_HYP,
	};
	uint32_t flags = DT_IRQ_LEVEL_HIGH, irqs[3 * ARRAY_SIZE(ppis)];

	/* The GICv2 binding names the CPUs a PPI reaches, as QEMU does. */
	if (vgic_mode_gic_version(cfg->irqchip) == 2)
		flags |= ((1u << cfg->nr_cpus) - 1) << DT_IRQ_PPI_CPU_SHIFT;
	for (unsigned int i = 0; i < ARRAY_SIZE(ppis); i++) {
		irqs[3 * i] = DT_IRQ_TYPE_PPI;
		irqs[3 * i + 1] = ppis[i];
		irqs[3 * i + 2] = flags;
	}
	fdt_begin_node(fdt, "timer");
	fdt_prop_strings(fdt, "compatible", compatible, ARRAY_SIZE(compatible));
	fdt_prop_cells(fdt, "interrupts", irqs, ARRAY_SIZE(irqs));
	fdt_prop_empty(fdt, "always-on");
	fdt_end_node(fdt);
}

/* The PMUv3 and its overflow PPI, as QEMU virt describes them. */
static void dt_pmu(struct fdt *fdt, const struct board_dt_config *cfg)
{
	uint32_t irq[] = { DT_IRQ_TYPE_PPI, BOARD_PMU_PPI, DT_IRQ_LEVEL_HIGH };

	if (vgic_mode_gic_version(cfg->irqchip) == 2)
		irq[2] |= ((1u << cfg->nr_cpus) - 1) << DT_IRQ_PPI_CPU_SHIFT;
	fdt_begin_node(fdt, "pmu");
	fdt_prop_string(fdt, "compatible", "arm,armv8-pmuv3");
	fdt_prop_cells(fdt, "interrupts", irq, 3);
	fdt_end_node(fdt);
}

static void dt_gic(struct fdt *fdt, const struct board_dt_config *cfg)
{
	uint32_t reg[8];

	dt_node_at(fdt, "intc", BOARD_GIC_DIST_BASE);
	if (vgic_mode_gic_version(cfg->irqchip) == 3) {
		dt_reg_cells(reg, BOARD_GIC_DIST_BASE, BOARD_GICV3_DIST_SIZE);
		dt_reg_cells(reg + 4, BOARD_GICV3_REDIST_BASE,
			     (uint64_t)cfg->nr_cpus * BOARD_GICV3_REDIST_SIZE);
		fdt_prop_string(fdt, "compatible", "arm,gic-v3");
		fdt_prop_u32(fdt, "#redistributor-regions", 1);
	} else {
		dt_reg_cells(reg, BOARD_GIC_DIST_BASE, BOARD_GICV2_DIST_SIZE);
		dt_reg_cells(reg + 4, BOARD_GICV2_CPU_BASE,
			     BOARD_GICV2_CPU_SIZE);
		fdt_prop_string(fdt, "compatible", "arm,cortex-a15-gic");
	}
	fdt_prop_cells(fdt, "reg", reg, ARRAY_SIZE(reg));
	fdt_prop_u32(fdt, "#interrupt-cells", 3);
	fdt_prop_empty(fdt, "interrupt-controller");
	fdt_prop_u32(fdt, "#address-cells", 2);
	fdt_prop_u32(fdt, "#size-cells", 2);
	fdt_prop_empty(fdt, "ranges");
	fdt_prop_u32(fdt, "phandle", DT_PHANDLE_GIC);
	fdt_end_node(fdt);
}

static void dt_uart(struct fdt *fdt)
{
	static const char *const compatible[] = { "arm,pl011",
						  "arm,primecell" };
	static const char *const clock_names[] = { "uartclk", "apb_pclk" };
	const uint32_t clocks[] = { DT_PHANDLE_CLOCK, DT_PHANDLE_CLOCK };
	const uint32_t irq[] = { DT_IRQ_TYPE_SPI, BOARD_UART_SPI,
				 DT_IRQ_LEVEL_HIGH };
	uint32_t reg[4];

	fdt_begin_node(fdt, "apb-pclk");
	fdt_prop_string(fdt, "compatible", "fixed-clock");
	fdt_prop_u32(fdt, "#clock-cells", 0);
	fdt_prop_u32(fdt, "clock-frequency", DT_UART_CLOCK_HZ);
	fdt_prop_string(fdt, "clock-output-names", "clk24mhz");
	fdt_prop_u32(fdt, "phandle", DT_PHANDLE_CLOCK);
	fdt_end_node(fdt);

	dt_reg_cells(reg, HV_ARM64_UART_BASE, PL011_SIZE);
	dt_node_at(fdt, "pl011", HV_ARM64_UART_BASE);
	fdt_prop_strings(fdt, "compatible", compatible, ARRAY_SIZE(compatible));
	fdt_prop_cells(fdt, "reg", reg, ARRAY_SIZE(reg));
	fdt_prop_cells(fdt, "interrupts", irq, ARRAY_SIZE(irq));
	fdt_prop_cells(fdt, "clocks", clocks, ARRAY_SIZE(clocks));
	fdt_prop_strings(fdt, "clock-names", clock_names,
			 ARRAY_SIZE(clock_names));
	fdt_end_node(fdt);
}

/* The guest finds the page at its fixed address; this is for people. */
static void dt_hostctl(struct fdt *fdt)
{
	uint32_t reg[4];

	dt_reg_cells(reg, HV_ARM64_HOSTCTL_BASE, HV_ARM64_HOSTCTL_SIZE);
	dt_node_at(fdt, "hostctl", HV_ARM64_HOSTCTL_BASE);
	fdt_prop_string(fdt, "compatible", "hvcheck,hostctl");
	fdt_prop_cells(fdt, "reg", reg, ARRAY_SIZE(reg));
	fdt_end_node(fdt);
}

/* Linux takes 1 or 2 cells for each; U-Boot and QEMU write 2. */
static void dt_initrd(struct fdt *fdt, const struct board_dt_config *cfg)
{
	const uint32_t start[] = { cfg->initrd_start >> 32, cfg->initrd_start };
	const uint32_t end[] = { cfg->initrd_end >> 32, cfg->initrd_end };

	fdt_prop_cells(fdt, "linux,initrd-start", start, ARRAY_SIZE(start));
	fdt_prop_cells(fdt, "linux,initrd-end", end, ARRAY_SIZE(end));
}

long board_dt_build(const struct board_dt_config *cfg, void *out, size_t max)
{
	char stdout_path[64];
	struct fdt fdt;
	long ret;

	if (!cfg->nr_cpus)
		return -EINVAL;
	fdt_init(&fdt);
	fdt_begin_node(&fdt, "");
	fdt_prop_string(&fdt, "model", "hvcheck");
	fdt_prop_string(&fdt, "compatible", "hvcheck,virt");
	fdt_prop_u32(&fdt, "#address-cells", 2);
	fdt_prop_u32(&fdt, "#size-cells", 2);
	fdt_prop_u32(&fdt, "interrupt-parent", DT_PHANDLE_GIC);

	snprintf(stdout_path, sizeof(stdout_path), "/pl011@%x",
		 HV_ARM64_UART_BASE);
	fdt_begin_node(&fdt, "chosen");
	fdt_prop_string(&fdt, "bootargs", cfg->bootargs);
	fdt_prop_string(&fdt, "stdout-path", stdout_path);
	if (cfg->initrd_end)
		dt_initrd(&fdt, cfg);
	fdt_end_node(&fdt);

	dt_memory(&fdt, cfg);
	dt_cpus(&fdt, cfg);
	dt_psci(&fdt);
	dt_timer(&fdt, cfg);
	if (cfg->pmu)
		dt_pmu(&fdt, cfg);
	dt_gic(&fdt, cfg);
	dt_uart(&fdt);
	if (cfg->hostctl)
		dt_hostctl(&fdt);
	fdt_end_node(&fdt);

	ret = fdt_finish(&fdt, out, max);
	fdt_free(&fdt);
	return ret;
}
