// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the FDT writer and of the arm64 board's device tree. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hvcheck_abi.h"
#include "vmm/arm64/boot_info.h"
#include "vmm/arm64/fdt.h"

#define BLOB_MAX 8192

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Whether value[0..len) is one or more printable NUL-terminated strings. */
static bool is_string_list(const uint8_t *value, uint32_t len)
{
	if (!len || value[len - 1])
		return false;
	for (uint32_t i = 0; i < len; i++) {
		if (value[i] && (value[i] < 0x20 || value[i] > 0x7e))
			return false;
		if (!value[i] && i && !value[i - 1])
			return false;
	}
	return true;
}

static void text_add(char *text, size_t max, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void text_add(char *text, size_t max, const char *fmt, ...)
{
	size_t len = strlen(text);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text + len, max - len, fmt, ap);
	va_end(ap);
}

/* A blob being decoded into dts-like text. */
struct dts {
	const uint8_t *blob, *p, *end; /* p: the next token, up to end */
	uint32_t off_strings, size_strings;
	unsigned int depth;
	char *text;
	size_t max;
};

/* Checks the header of blob and sets d's bounds from it. */
static void decode_header(struct dts *d, const uint8_t *blob, long size)
{
	uint32_t off_struct, size_struct;

	assert_true(size >= FDT_HEADER_SIZE);
	assert_int_equal(be32(blob), FDT_MAGIC);
	assert_int_equal(be32(blob + 4), size);
	assert_int_equal(be32(blob + 20), FDT_VERSION);
	assert_int_equal(be32(blob + 24), FDT_LAST_COMP_VERSION);
	off_struct = be32(blob + 8);
	d->off_strings = be32(blob + 12);
	d->size_strings = be32(blob + 32);
	size_struct = be32(blob + 36);
	/* An empty memory reservation map: one all-zero entry. */
	assert_int_equal(be32(blob + 16) % 8, 0);
	for (int i = 0; i < FDT_RSVMAP_ENTRY_SIZE; i++)
		assert_int_equal(blob[be32(blob + 16) + i], 0);
	assert_true(off_struct % 4 == 0 && off_struct + size_struct <= size);
	assert_true(d->off_strings + d->size_strings <= (uint32_t)size);
	d->blob = blob;
	d->p = blob + off_struct;
	d->end = d->p + size_struct;
}

/* The property after an FDT_PROP token, as a line "name = value;". */
static void decode_prop(struct dts *d)
{
	uint32_t len = be32(d->p), name_off = be32(d->p + 4);
	const uint8_t *p = d->p + 8;

	assert_true(len <= (size_t)(d->end - p));
	assert_true(name_off < d->size_strings);
	text_add(d->text, d->max, "%*s%s", 2 * d->depth, "",
		 (const char *)d->blob + d->off_strings + name_off);
	if (is_string_list(p, len)) {
		for (uint32_t i = 0; i < len;
		     i += strlen((const char *)p + i) + 1)
			text_add(d->text, d->max, "%s\"%s\"", i ? ", " : " = ",
				 p + i);
	} else if (len) {
		assert_int_equal(len % 4, 0);
		for (uint32_t i = 0; i < len; i += 4)
			text_add(d->text, d->max, "%s0x%x", i ? " " : " = <",
				 be32(p + i));
		text_add(d->text, d->max, ">");
	}
	text_add(d->text, d->max, ";\n");
	d->p = p + ((len + 3) & ~(size_t)3);
}

/*
 * Decodes a blob into dts-like text, one line per node or property,
 * checking the header and every bound on the way.
 */
static void decode(const uint8_t *blob, long size, char *text, size_t max)
{
	struct dts d = { .text = text, .max = max };

	decode_header(&d, blob, size);
	text[0] = '\0';
	for (;;) {
		uint32_t token;
		size_t n;

		assert_true(d.end - d.p >= 4);
		token = be32(d.p);
		d.p += 4;
		if (token == FDT_END)
			break;
		switch (token) {
		case FDT_BEGIN_NODE:
			n = strnlen((const char *)d.p, d.end - d.p);
			assert_true(n < (size_t)(d.end - d.p));
			text_add(text, max, "%*s%s {\n", 2 * d.depth, "",
				 d.depth ? (const char *)d.p : "/");
			d.p += (n + 4) & ~(size_t)3;
			d.depth++;
			break;
		case FDT_END_NODE:
			assert_true(d.depth > 0);
			d.depth--;
			text_add(text, max, "%*s}\n", 2 * d.depth, "");
			break;
		case FDT_PROP:
			decode_prop(&d);
			break;
		default:
			fail_msg("unknown token %u", token);
		}
	}
	assert_int_equal(d.depth, 0);
	assert_ptr_equal(d.p, d.end);
}

static void test_writer_small_tree(void **state)
{
	static const char *const list[] = { "one", "two" };
	const uint32_t cells[] = { 1, 0xdeadbeef };
	uint8_t blob[512];
	char text[1024];
	struct fdt fdt;
	long size;

	(void)state;
	fdt_init(&fdt);
	fdt_begin_node(&fdt, "");
	fdt_prop_string(&fdt, "model", "m");
	fdt_begin_node(&fdt, "child@1");
	fdt_prop_u32(&fdt, "reg", 1);
	fdt_prop_cells(&fdt, "cells", cells, 2);
	fdt_prop_strings(&fdt, "compatible", list, 2);
	fdt_prop_empty(&fdt, "flag");
	fdt_end_node(&fdt);
	fdt_begin_node(&fdt, "other");
	fdt_prop_u32(&fdt, "reg", 2);
	fdt_end_node(&fdt);
	fdt_end_node(&fdt);
	size = fdt_finish(&fdt, blob, sizeof(blob));
	fdt_free(&fdt);
	assert_true(size > 0);
	decode(blob, size, text, sizeof(text));
	assert_string_equal(text, "/ {\n"
				  "  model = \"m\";\n"
				  "  child@1 {\n"
				  "    reg = <0x1>;\n"
				  "    cells = <0x1 0xdeadbeef>;\n"
				  "    compatible = \"one\", \"two\";\n"
				  "    flag;\n"
				  "  }\n"
				  "  other {\n"
				  "    reg = <0x2>;\n"
				  "  }\n"
				  "}\n");
	/* Each property name once in the strings block. */
	assert_int_equal(be32(blob + 32),
			 sizeof("model") + sizeof("reg") + sizeof("cells") +
				 sizeof("compatible") + sizeof("flag"));
}

static void test_writer_errors(void **state)
{
	uint8_t blob[256];
	struct fdt fdt;

	(void)state;
	/* A node left open. */
	fdt_init(&fdt);
	fdt_begin_node(&fdt, "");
	assert_int_equal(fdt_finish(&fdt, blob, sizeof(blob)), -EINVAL);
	fdt_free(&fdt);
	/* An end without a begin; a later begin does not repair it. */
	fdt_init(&fdt);
	fdt_end_node(&fdt);
	fdt_begin_node(&fdt, "");
	fdt_end_node(&fdt);
	assert_int_equal(fdt_finish(&fdt, blob, sizeof(blob)), -EINVAL);
	fdt_free(&fdt);
	/* A property outside every node. */
	fdt_init(&fdt);
	fdt_prop_u32(&fdt, "x", 1);
	fdt_begin_node(&fdt, "");
	fdt_end_node(&fdt);
	assert_int_equal(fdt_finish(&fdt, blob, sizeof(blob)), -EINVAL);
	fdt_free(&fdt);
	/* Too small an output buffer: nothing beyond max is written. */
	fdt_init(&fdt);
	fdt_begin_node(&fdt, "");
	fdt_prop_string(&fdt, "model", "a long enough model name");
	fdt_end_node(&fdt);
	memset(blob, 0xaa, sizeof(blob));
	assert_int_equal(fdt_finish(&fdt, blob, 64), -ENOSPC);
	for (size_t i = 0; i < sizeof(blob); i++)
		assert_int_equal(blob[i], 0xaa);
	fdt_free(&fdt);
}

/*
 * Finishing closes the tree: again, even after -ENOSPC, gives the same
 * blob, and nothing may be added to it any more.
 */
static void test_writer_finish_twice(void **state)
{
	uint8_t first[256], second[256];
	char text[256];
	struct fdt fdt;
	long size;

	(void)state;
	fdt_init(&fdt);
	fdt_begin_node(&fdt, "");
	fdt_prop_u32(&fdt, "reg", 7);
	fdt_end_node(&fdt);
	assert_int_equal(fdt_finish(&fdt, first, 16), -ENOSPC);
	size = fdt_finish(&fdt, first, sizeof(first));
	assert_true(size > 0);
	memset(second, 0xaa, sizeof(second));
	assert_int_equal(fdt_finish(&fdt, second, sizeof(second)), size);
	assert_memory_equal(first, second, size);
	decode(second, size, text, sizeof(text));
	assert_string_equal(text, "/ {\n"
				  "  reg = <0x7>;\n"
				  "}\n");
	fdt_begin_node(&fdt, "late");
	fdt_end_node(&fdt);
	assert_int_equal(fdt_finish(&fdt, second, sizeof(second)), -EINVAL);
	fdt_free(&fdt);
}

static const uint64_t mpidr[] = { 0x0, 0x1 };

/* The board's tree for cfg, as text (static: valid until the next call). */
static const char *board_text(const struct board_dt_config *cfg)
{
	static uint8_t blob[BLOB_MAX];
	static char text[16384];
	long size = board_dt_build(cfg, blob, sizeof(blob));

	assert_true(size > 0);
	decode(blob, size, text, sizeof(text));
	return text;
}

/* The board's tree on a GICv3 with two vCPUs and hostctl. */
static const char board_gicv3_dts[] =
	"/ {\n"
	"  model = \"hvcheck\";\n"
	"  compatible = \"hvcheck,virt\";\n"
	"  #address-cells = <0x2>;\n"
	"  #size-cells = <0x2>;\n"
	"  interrupt-parent = <0x2>;\n"
	"  chosen {\n"
	"    bootargs = \"tests=gic.regs x=1\";\n"
	"    stdout-path = \"/pl011@9000000\";\n"
	"  }\n"
	"  memory@40000000 {\n"
	"    device_type = \"memory\";\n"
	"    reg = <0x0 0x40000000 0x0 0x4000000>;\n"
	"  }\n"
	"  cpus {\n"
	"    #address-cells = <0x1>;\n"
	"    #size-cells = <0x0>;\n"
	"    cpu@0 {\n"
	"      device_type = \"cpu\";\n"
	"      compatible = \"arm,arm-v8\";\n"
	"      reg = <0x0>;\n"
	"      enable-method = \"psci\";\n"
	"    }\n"
	"    cpu@1 {\n"
	"      device_type = \"cpu\";\n"
	"      compatible = \"arm,arm-v8\";\n"
	"      reg = <0x1>;\n"
	"      enable-method = \"psci\";\n"
	"    }\n"
	"  }\n"
	"  psci {\n"
	"    compatible = \"arm,psci-0.2\", \"arm,psci\";\n"
	"    method = \"hvc\";\n"
	"  }\n"
	"  timer {\n"
	"    compatible = \"arm,armv8-timer\", \"arm,armv7-timer\";\n"
	"    interrupts = <0x1 0xd 0x4 0x1 0xe 0x4 0x1 0xb 0x4 0x1 0xa 0x4>;\n"
	"    always-on;\n"
	"  }\n"
	"  intc@8000000 {\n"
	"    compatible = \"arm,gic-v3\";\n"
	"    #redistributor-regions = <0x1>;\n"
	"    reg = <0x0 0x8000000 0x0 0x10000 0x0 0x80a0000 0x0 0x40000>;\n"
	"    #interrupt-cells = <0x3>;\n"
	"    interrupt-controller;\n"
	"    #address-cells = <0x2>;\n"
	"    #size-cells = <0x2>;\n"
	"    ranges;\n"
	"    phandle = <0x2>;\n"
	"  }\n"
	"  apb-pclk {\n"
	"    compatible = \"fixed-clock\";\n"
	"    #clock-cells = <0x0>;\n"
	"    clock-frequency = <0x16e3600>;\n"
	"    clock-output-names = \"clk24mhz\";\n"
	"    phandle = <0x1>;\n"
	"  }\n"
	"  pl011@9000000 {\n"
	"    compatible = \"arm,pl011\", \"arm,primecell\";\n"
	"    reg = <0x0 0x9000000 0x0 0x1000>;\n"
	"    interrupts = <0x0 0x1 0x4>;\n"
	"    clocks = <0x1 0x1>;\n"
	"    clock-names = \"uartclk\", \"apb_pclk\";\n"
	"  }\n"
	"  hostctl@9ff0000 {\n"
	"    compatible = \"hvcheck,hostctl\";\n"
	"    reg = <0x0 0x9ff0000 0x0 0x1000>;\n"
	"  }\n"
	"}\n";

static void test_board_gicv3(void **state)
{
	const struct board_dt_config cfg = {
		.ram_size = 64 << 20,
		.bootargs = "tests=gic.regs x=1",
		.nr_cpus = 2,
		.mpidr = mpidr,
		.irqchip = VGIC_MODE_KVM_GICV3,
		.hostctl = true,
	};

	(void)state;
	assert_string_equal(board_text(&cfg), board_gicv3_dts);
}

/* Only what differs from GICv3: the GIC node and the timer's CPU mask. */
static void test_board_gicv2(void **state)
{
	const struct board_dt_config cfg = {
		.ram_size = 0x80000000ULL,
		.bootargs = "",
		.nr_cpus = 2,
		.mpidr = mpidr,
		.irqchip = VGIC_MODE_USER_GICV2,
		.initrd_start = 0x7ff00000,
		.initrd_end = 0x7ff81234,
	};
	const char *text;

	(void)state;
	text = board_text(&cfg);
	/* An initrd: its range in /chosen, two cells each. */
	assert_non_null(strstr(text,
			       "    stdout-path = \"/pl011@9000000\";\n"
			       "    linux,initrd-start = <0x0 0x7ff00000>;\n"
			       "    linux,initrd-end = <0x0 0x7ff81234>;\n"
			       "  }\n"));
	assert_non_null(
		strstr(text, "    reg = <0x0 0x40000000 0x0 0x80000000>;\n"));
	assert_non_null(strstr(
		text, "    interrupts = <0x1 0xd 0x304 0x1 0xe 0x304 0x1 0xb "
		      "0x304 0x1 0xa 0x304>;\n"));
	assert_non_null(strstr(text,
			       "  intc@8000000 {\n"
			       "    compatible = \"arm,cortex-a15-gic\";\n"
			       "    reg = <0x0 0x8000000 0x0 0x10000 0x0 "
			       "0x8010000 0x0 0x10000>;\n"));
	assert_null(strstr(text, "gic-v3"));
	assert_null(strstr(text, "hostctl"));
	assert_null(strstr(text, "pmu"));
	assert_non_null(strstr(text, "    bootargs = \"\";\n"));
}

/* The PMU node, QEMU virt's: PPI 7 (INTID 23), after the timer. */
static void test_board_pmu(void **state)
{
	struct board_dt_config cfg = {
		.ram_size = 64 << 20,
		.bootargs = "",
		.nr_cpus = 2,
		.mpidr = mpidr,
		.irqchip = VGIC_MODE_KVM_GICV3,
		.pmu = true,
	};
	static const char pmu_node[] = "  }\n"
				       "  pmu {\n"
				       "    compatible = \"arm,armv8-pmuv3\";\n"
				       "    interrupts = <0x1 0x7 0x%x>;\n"
				       "  }\n"
				       "  intc@8000000 {\n";
	char want[256];

	(void)state;
	snprintf(want, sizeof(want), pmu_node, 0x4);
	assert_non_null(strstr(board_text(&cfg), want));
	/* The GICv2 binding names the CPUs the PPI reaches. */
	cfg.irqchip = VGIC_MODE_KVM_GICV2;
	snprintf(want, sizeof(want), pmu_node, 0x304);
	assert_non_null(strstr(board_text(&cfg), want));
}

static void test_board_cpu_affinity(void **state)
{
	static uint64_t many[20];
	struct board_dt_config cfg = {
		.ram_size = 64 << 20,
		.bootargs = "",
		.nr_cpus = 20,
		.mpidr = many,
		.irqchip = VGIC_MODE_KVM_GICV3,
	};
	uint8_t blob[100];
	const char *text;

	(void)state;
	/* KVM's MPIDRs: vCPU i is Aff1 i / 16, Aff0 i % 16. */
	for (unsigned int i = 0; i < 20; i++)
		many[i] = (i / 16) << 8 | i % 16;
	text = board_text(&cfg);
	assert_non_null(strstr(text, "    cpu@101 {\n"));
	assert_non_null(strstr(text, "      reg = <0x101>;\n"));
	assert_non_null(strstr(text, "0x0 0x80a0000 0x0 0x280000>;\n"));
	cfg.nr_cpus = 0;
	assert_int_equal(board_dt_build(&cfg, blob, sizeof(blob)), -EINVAL);
	cfg.nr_cpus = 2;
	assert_int_equal(board_dt_build(&cfg, blob, sizeof(blob)), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writer_small_tree),
		cmocka_unit_test(test_writer_errors),
		cmocka_unit_test(test_writer_finish_twice),
		cmocka_unit_test(test_board_gicv3),
		cmocka_unit_test(test_board_gicv2),
		cmocka_unit_test(test_board_pmu),
		cmocka_unit_test(test_board_cpu_affinity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
