// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the PL011 UART model, register by register. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "array_size.h"
#include "vmm/devices/pl011.h"

struct sink {
	char out[64];
	unsigned int nr_out;
};

static void sink_output(void *opaque, uint8_t byte)
{
	struct sink *s = opaque;

	assert_true(s->nr_out < sizeof(s->out));
	s->out[s->nr_out++] = byte;
}

struct fixture {
	struct pl011 uart;
	struct sink sink;
	struct bus bus;
};

#define BASE 0x09000000

static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	pl011_init(&f.uart, sink_output, &f.sink);
	bus_init(&f.bus);
	assert_int_equal(bus_register(&f.bus, BUS_MMIO,
				      &(struct bus_region){
					      .base = BASE,
					      .len = PL011_SIZE,
					      .max_access = 4,
					      .ops = &pl011_bus_ops,
					      .opaque = &f.uart,
					      .name = "PL011",
				      }),
			 0);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	bus_destroy(&f->bus);
	return 0;
}

#define UART(state) (&((struct fixture *)*(state))->uart)
#define SINK(state) (&((struct fixture *)*(state))->sink)
#define BUS(state)  (&((struct fixture *)*(state))->bus)

static void test_reset_values(void **state)
{
	struct pl011 *u = UART(state);

	/* The TRM's reset values; the transmit FIFO is always empty. */
	assert_int_equal(pl011_read(u, PL011_CR), PL011_CR_TXE | PL011_CR_RXE);
	assert_int_equal(pl011_read(u, PL011_IFLS), 0x12);
	assert_int_equal(pl011_read(u, PL011_LCR_H), 0);
	assert_int_equal(pl011_read(u, PL011_IBRD), 0);
	assert_int_equal(pl011_read(u, PL011_FBRD), 0);
	assert_int_equal(pl011_read(u, PL011_FR),
			 PL011_FR_TXFE | PL011_FR_RXFE);
	assert_int_equal(pl011_read(u, PL011_FR) & PL011_FR_TXFF, 0);
}

static void test_transmit(void **state)
{
	struct pl011 *u = UART(state);
	struct sink *s = SINK(state);

	/* What the guest's driver does: enable, then poll FR and write DR. */
	pl011_write(u, PL011_CR, 0);
	pl011_write(u, PL011_IMSC, 0);
	pl011_write(u, PL011_LCR_H, 0x70);
	pl011_write(u, PL011_CR, PL011_CR_UARTEN | PL011_CR_TXE | PL011_CR_RXE);
	for (const char *p = "ok\n"; *p; p++) {
		assert_int_equal(pl011_read(u, PL011_FR) & PL011_FR_TXFF, 0);
		pl011_write(u, PL011_DR, 0x100 | (uint8_t)*p);
	}
	assert_int_equal(s->nr_out, 3);
	assert_memory_equal(s->out, "ok\n", 3);
	/* Nothing is ever received. */
	assert_int_equal(pl011_read(u, PL011_DR), 0);
	assert_int_equal(pl011_read(u, PL011_RSR), 0);
}

static void test_control_registers(void **state)
{
	struct pl011 *u = UART(state);

	/* Read back within their widths; reserved bits read as zero. */
	pl011_write(u, PL011_IBRD, 0xffffffff);
	assert_int_equal(pl011_read(u, PL011_IBRD), 0xffff);
	pl011_write(u, PL011_FBRD, 0xffffffff);
	assert_int_equal(pl011_read(u, PL011_FBRD), 0x3f);
	pl011_write(u, PL011_LCR_H, 0xffffffff);
	assert_int_equal(pl011_read(u, PL011_LCR_H), 0xff);
	pl011_write(u, PL011_CR, 0xffffffff);
	assert_int_equal(pl011_read(u, PL011_CR), 0xffff);
	pl011_write(u, PL011_IFLS, 0xffffffff);
	assert_int_equal(pl011_read(u, PL011_IFLS), 0x3f);
	pl011_write(u, PL011_DMACR, 0xffffffff);
	assert_int_equal(pl011_read(u, PL011_DMACR), 0x7);
	pl011_write(u, PL011_ILPR, 0x1234);
	assert_int_equal(pl011_read(u, PL011_ILPR), 0x34);
	/* FR is read-only. */
	pl011_write(u, PL011_FR, 0);
	assert_int_equal(pl011_read(u, PL011_FR),
			 PL011_FR_TXFE | PL011_FR_RXFE);
}

static void test_interrupt_registers_raz_wi(void **state)
{
	struct pl011 *u = UART(state);
	static const uint64_t regs[] = { PL011_IMSC, PL011_RIS, PL011_MIS,
					 PL011_ICR };

	for (size_t i = 0; i < ARRAY_SIZE(regs); i++) {
		pl011_write(u, regs[i], 0x7ff);
		assert_int_equal(pl011_read(u, regs[i]), 0);
	}
	assert_int_equal(SINK(state)->nr_out, 0);
}

static void test_id_registers(void **state)
{
	struct pl011 *u = UART(state);
	static const uint8_t id[8] = { 0x11, 0x10, 0x14, 0x00,
				       0x0d, 0xf0, 0x05, 0xb1 };

	for (unsigned int i = 0; i < 8; i++)
		assert_int_equal(pl011_read(u, PL011_PERIPHID0 + 4 * i), id[i]);
	/* Neither writable nor anywhere else. */
	pl011_write(u, PL011_PERIPHID0, 0);
	assert_int_equal(pl011_read(u, PL011_PERIPHID0), 0x11);
	assert_int_equal(pl011_read(u, 0xf00), 0);
}

static void test_bus_access_widths(void **state)
{
	struct bus *bus = BUS(state);
	struct sink *s = SINK(state);
	uint64_t val;

	/* Narrow reads give their bytes of the register. */
	assert_int_equal(bus_read(bus, BUS_MMIO, BASE + PL011_FR, 1, &val), 0);
	assert_int_equal(val, 0x90);
	assert_int_equal(bus_read(bus, BUS_MMIO, BASE + PL011_CR + 1, 1, &val),
			 0);
	assert_int_equal(val, 0x03);
	assert_int_equal(bus_read(bus, BUS_MMIO, BASE + PL011_CR, 2, &val), 0);
	assert_int_equal(val, 0x300);
	/* A 64-bit read is split into two registers. */
	assert_int_equal(bus_read(bus, BUS_MMIO, BASE + PL011_CR, 8, &val), 0);
	assert_int_equal(val, 0x12ULL << 32 | 0x300);
	/* 8- and 16-bit writes at DR transmit, as Linux's driver does. */
	assert_int_equal(bus_write(bus, BUS_MMIO, BASE + PL011_DR, 1, 'a'), 0);
	assert_int_equal(bus_write(bus, BUS_MMIO, BASE + PL011_DR, 2, 'b'), 0);
	/* An unaligned write reaches no register. */
	assert_int_equal(bus_write(bus, BUS_MMIO, BASE + PL011_DR + 1, 1, 'c'),
			 0);
	assert_int_equal(
		bus_write(bus, BUS_MMIO, BASE + PL011_CR + 2, 2, 0xffff), 0);
	assert_int_equal(pl011_read(UART(state), PL011_CR), 0x300);
	assert_int_equal(s->nr_out, 2);
	assert_memory_equal(s->out, "ab", 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reset_values, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_transmit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_control_registers, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_interrupt_registers_raz_wi,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_id_registers, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bus_access_widths, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
