// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the 16550 UART model, register by register. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/devices/uart.h"

struct sink {
	char out[64];
	unsigned int nr_out;
	bool level;
	unsigned int nr_irq_changes;
};

static void sink_output(void *opaque, uint8_t byte)
{
	struct sink *s = opaque;

	assert_true(s->nr_out < sizeof(s->out));
	s->out[s->nr_out++] = byte;
}

static void sink_irq(void *opaque, bool level)
{
	struct sink *s = opaque;

	/* The model only reports changes. */
	assert_true(level != s->level);
	s->level = level;
	s->nr_irq_changes++;
}

struct fixture {
	struct uart uart;
	struct sink sink;
};

static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	uart_init(&f.uart, sink_output, sink_irq, &f.sink);
	*state = &f;
	return 0;
}

#define UART(state) (&((struct fixture *)*(state))->uart)
#define SINK(state) (&((struct fixture *)*(state))->sink)

static void test_reset_values(void **state)
{
	struct uart *u = UART(state);

	assert_int_equal(uart_read(u, UART_IER), 0);
	assert_int_equal(uart_read(u, UART_IIR), UART_IIR_NO_INT);
	assert_int_equal(uart_read(u, UART_LCR), 0);
	assert_int_equal(uart_read(u, UART_MCR), 0);
	assert_int_equal(uart_read(u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	assert_int_equal(uart_read(u, UART_MSR),
			 UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD);
	assert_int_equal(uart_read(u, UART_SCR), 0);
	assert_int_equal(uart_read(u, UART_RBR), 0);
	assert_int_equal(SINK(state)->nr_irq_changes, 0);
}

static void test_thr_transmits(void **state)
{
	struct uart *u = UART(state);
	struct sink *s = SINK(state);

	for (const char *p = "ok\n"; *p; p++) {
		/* What a polling guest does: wait for THRE, then write. */
		assert_true(uart_read(u, UART_LSR) & UART_LSR_THRE);
		uart_write(u, UART_THR, *p);
	}
	assert_int_equal(s->nr_out, 3);
	assert_memory_equal(s->out, "ok\n", 3);
	/* Transmission is instant: the transmitter is empty again. */
	assert_int_equal(uart_read(u, UART_LSR) &
				 (UART_LSR_THRE | UART_LSR_TEMT),
			 UART_LSR_THRE | UART_LSR_TEMT);
}

static void test_dlab_divisor(void **state)
{
	struct uart *u = UART(state);
	struct sink *s = SINK(state);

	uart_write(u, UART_IER, 0x05);
	uart_write(u, UART_LCR, UART_LCR_DLAB | 0x03);
	uart_write(u, UART_DLL, 0x01); /* 115200 baud */
	uart_write(u, UART_DLM, 0x00);
	assert_int_equal(uart_read(u, UART_DLL), 0x01);
	assert_int_equal(uart_read(u, UART_DLM), 0x00);
	assert_int_equal(uart_read(u, UART_LCR), UART_LCR_DLAB | 0x03);
	/* The divisor latch neither transmits nor touches IER. */
	assert_int_equal(s->nr_out, 0);
	uart_write(u, UART_LCR, 0x03);
	assert_int_equal(uart_read(u, UART_IER), 0x05);
	assert_int_equal(uart_read(u, UART_LCR), 0x03);
	/* And the latch keeps its value behind DLAB. */
	uart_write(u, UART_LCR, UART_LCR_DLAB);
	assert_int_equal(uart_read(u, UART_DLL), 0x01);
	uart_write(u, UART_LCR, 0);
}

static void test_ier_masks_reserved_bits(void **state)
{
	struct uart *u = UART(state);

	uart_write(u, UART_IER, 0xf0);
	assert_int_equal(uart_read(u, UART_IER), 0);
	uart_write(u, UART_IER, 0xff);
	assert_int_equal(uart_read(u, UART_IER), 0x0f);
}

static void test_scratch(void **state)
{
	struct uart *u = UART(state);

	uart_write(u, UART_SCR, 0x5a);
	assert_int_equal(uart_read(u, UART_SCR), 0x5a);
	uart_write(u, UART_SCR, 0xa5);
	assert_int_equal(uart_read(u, UART_SCR), 0xa5);
}

static void test_thre_interrupt(void **state)
{
	struct uart *u = UART(state);
	struct sink *s = SINK(state);

	/* Enabling THRI with an empty THR raises it at once. */
	uart_write(u, UART_IER, UART_IER_THRI);
	assert_true(s->level);
	assert_int_equal(uart_read(u, UART_IIR), UART_IIR_THRI);
	/* Reading IIR acknowledged it. */
	assert_false(s->level);
	assert_int_equal(uart_read(u, UART_IIR), UART_IIR_NO_INT);
	/* Each transmitted byte empties the THR again. */
	uart_write(u, UART_THR, 'x');
	assert_true(s->level);
	assert_int_equal(uart_read(u, UART_IIR), UART_IIR_THRI);
	assert_false(s->level);
	/* Masking it drops the line. */
	uart_write(u, UART_THR, 'y');
	assert_true(s->level);
	uart_write(u, UART_IER, 0);
	assert_false(s->level);
	assert_int_equal(uart_read(u, UART_IIR), UART_IIR_NO_INT);
}

static void test_fcr_and_iir_fifo_bits(void **state)
{
	struct uart *u = UART(state);

	uart_write(u, UART_FCR, UART_FCR_ENABLE);
	assert_int_equal(uart_read(u, UART_IIR),
			 UART_IIR_FIFO | UART_IIR_NO_INT);
	uart_write(u, UART_FCR, 0);
	assert_int_equal(uart_read(u, UART_IIR), UART_IIR_NO_INT);
}

static void test_loopback(void **state)
{
	struct uart *u = UART(state);
	struct sink *s = SINK(state);

	uart_write(u, UART_MCR, UART_MCR_LOOP);
	uart_write(u, UART_THR, 'L');
	/* Looped back, not sent. */
	assert_int_equal(s->nr_out, 0);
	assert_int_equal(uart_read(u, UART_LSR) & UART_LSR_DR, UART_LSR_DR);
	assert_int_equal(uart_read(u, UART_RBR), 'L');
	assert_int_equal(uart_read(u, UART_LSR) & UART_LSR_DR, 0);
	assert_int_equal(uart_read(u, UART_MCR), UART_MCR_LOOP);

	/* Without FIFOs one byte fits; the next overruns. */
	uart_write(u, UART_THR, '1');
	uart_write(u, UART_THR, '2');
	assert_int_equal(uart_read(u, UART_LSR) & (UART_LSR_DR | UART_LSR_OE),
			 UART_LSR_DR | UART_LSR_OE);
	/* Reading LSR cleared the overrun. */
	assert_int_equal(uart_read(u, UART_LSR) & UART_LSR_OE, 0);
	assert_int_equal(uart_read(u, UART_RBR), '1');

	/* With FIFOs, 16 bytes queue in order. */
	uart_write(u, UART_FCR, UART_FCR_ENABLE);
	for (int i = 0; i < UART_FIFO_SIZE; i++)
		uart_write(u, UART_THR, 'a' + i);
	assert_int_equal(uart_read(u, UART_LSR) & UART_LSR_OE, 0);
	for (int i = 0; i < UART_FIFO_SIZE; i++)
		assert_int_equal(uart_read(u, UART_RBR), 'a' + i);
	assert_int_equal(uart_read(u, UART_LSR) & UART_LSR_DR, 0);

	/* FCR can flush the receive FIFO. */
	uart_write(u, UART_THR, 'z');
	uart_write(u, UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RCVR);
	assert_int_equal(uart_read(u, UART_LSR) & UART_LSR_DR, 0);

	/* Leaving loopback sends again. */
	uart_write(u, UART_MCR, 0);
	uart_write(u, UART_THR, 'S');
	assert_int_equal(s->nr_out, 1);
	assert_int_equal(s->out[0], 'S');
}

static void test_receive_interrupts(void **state)
{
	struct uart *u = UART(state);
	struct sink *s = SINK(state);

	uart_write(u, UART_MCR, UART_MCR_LOOP);
	uart_write(u, UART_IER, UART_IER_RDI | UART_IER_RLSI);
	assert_false(s->level);
	uart_write(u, UART_THR, 'r');
	assert_true(s->level);
	assert_int_equal(uart_read(u, UART_IIR), UART_IIR_RDI);
	/* Reading IIR does not clear it; reading the data does. */
	assert_true(s->level);
	uart_read(u, UART_RBR);
	assert_false(s->level);

	/* An overrun outranks received data. */
	uart_write(u, UART_THR, '1');
	uart_write(u, UART_THR, '2');
	assert_int_equal(uart_read(u, UART_IIR), UART_IIR_RLSI);
	uart_read(u, UART_LSR);
	assert_int_equal(uart_read(u, UART_IIR), UART_IIR_RDI);
	uart_read(u, UART_RBR);
	assert_int_equal(uart_read(u, UART_IIR), UART_IIR_NO_INT);
	assert_false(s->level);
}

static void test_modem_status_loopback(void **state)
{
	struct uart *u = UART(state);
	struct sink *s = SINK(state);
	uint8_t msr;

	/* Entering loopback with MCR outputs low drops CTS, DSR, DCD. */
	uart_write(u, UART_MCR, UART_MCR_LOOP);
	msr = uart_read(u, UART_MSR);
	assert_int_equal(msr, UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_DDCD);
	assert_int_equal(uart_read(u, UART_MSR), 0); /* deltas cleared */

	uart_write(u, UART_IER, UART_IER_MSI);
	uart_write(u, UART_MCR,
		   UART_MCR_LOOP | UART_MCR_RTS | UART_MCR_DTR | UART_MCR_OUT1 |
			   UART_MCR_OUT2);
	assert_true(s->level);
	assert_int_equal(uart_read(u, UART_IIR), UART_IIR_MSI);
	msr = uart_read(u, UART_MSR);
	assert_int_equal(msr, UART_MSR_CTS | UART_MSR_DSR | UART_MSR_RI |
				      UART_MSR_DCD | UART_MSR_DCTS |
				      UART_MSR_DDSR | UART_MSR_DDCD);
	assert_false(s->level);

	/* RI reports its trailing edge only. */
	uart_write(u, UART_MCR,
		   UART_MCR_LOOP | UART_MCR_RTS | UART_MCR_DTR | UART_MCR_OUT2);
	msr = uart_read(u, UART_MSR);
	assert_int_equal(msr, UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD |
				      UART_MSR_TERI);
}

static void test_lsr_msr_writes_ignored(void **state)
{
	struct uart *u = UART(state);

	uart_write(u, UART_LSR, 0);
	assert_int_equal(uart_read(u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	uart_write(u, UART_MSR, 0);
	assert_int_equal(uart_read(u, UART_MSR),
			 UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD);
}

/* Through the bus adapter, as the VMM wires it at 0x3f8. */
static void test_bus_ops(void **state)
{
	struct uart *u = UART(state);
	struct sink *s = SINK(state);
	struct bus bus;
	uint64_t val;

	bus_init(&bus);
	assert_int_equal(bus_register(&bus, BUS_PIO,
				      &(struct bus_region){
					      .base = 0x3f8,
					      .len = UART_NR_REGS,
					      .max_access = 1,
					      .ops = &uart_bus_ops,
					      .opaque = u,
				      }),
			 0);
	assert_int_equal(bus_write(&bus, BUS_PIO, 0x3f8, 1, 'B'), 0);
	assert_int_equal(s->nr_out, 1);
	assert_int_equal(s->out[0], 'B');
	assert_int_equal(bus_read(&bus, BUS_PIO, 0x3fd, 1, &val), 0);
	assert_int_equal(val, UART_LSR_THRE | UART_LSR_TEMT);
	assert_int_equal(bus_write(&bus, BUS_PIO, 0x3ff, 1, 0x77), 0);
	assert_int_equal(uart_read(u, UART_SCR), 0x77);
	bus_destroy(&bus);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_values, setup),
		cmocka_unit_test_setup(test_thr_transmits, setup),
		cmocka_unit_test_setup(test_dlab_divisor, setup),
		cmocka_unit_test_setup(test_ier_masks_reserved_bits, setup),
		cmocka_unit_test_setup(test_scratch, setup),
		cmocka_unit_test_setup(test_thre_interrupt, setup),
		cmocka_unit_test_setup(test_fcr_and_iir_fifo_bits, setup),
		cmocka_unit_test_setup(test_loopback, setup),
		cmocka_unit_test_setup(test_receive_interrupts, setup),
		cmocka_unit_test_setup(test_modem_status_loopback, setup),
		cmocka_unit_test_setup(test_lsr_msr_writes_ignored, setup),
		cmocka_unit_test_setup(test_bus_ops, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
