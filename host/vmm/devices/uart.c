// SPDX-License-Identifier: GPL-2.0-only
/* A 16550A UART register model: a state machine with no KVM underneath. */
#include <string.h>

#include "vmm/devices/uart.h"

/* Modem status inputs: the peer's lines, or our own MCR in loopback. */
static uint8_t uart_modem_lines(const struct uart *uart)
{
	uint8_t mcr = uart->mcr, lines = 0;

	if (!(mcr & UART_MCR_LOOP))
		return UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD;
	if (mcr & UART_MCR_RTS)
		lines |= UART_MSR_CTS;
	if (mcr & UART_MCR_DTR)
		lines |= UART_MSR_DSR;
	if (mcr & UART_MCR_OUT1)
		lines |= UART_MSR_RI;
	if (mcr & UART_MCR_OUT2)
		lines |= UART_MSR_DCD;
	return lines;
}

/* The highest-priority pending interrupt, as IIR bits 3:0 report it. */
static uint8_t uart_pending(const struct uart *uart)
{
	if ((uart->ier & UART_IER_RLSI) && (uart->lsr & UART_LSR_OE))
		return UART_IIR_RLSI;
	if ((uart->ier & UART_IER_RDI) && (uart->lsr & UART_LSR_DR))
		return UART_IIR_RDI;
	if ((uart->ier & UART_IER_THRI) && uart->thr_ipending)
		return UART_IIR_THRI;
	if ((uart->ier & UART_IER_MSI) && (uart->msr & UART_MSR_DELTA))
		return UART_IIR_MSI;
	return UART_IIR_NO_INT;
}

/*
 * The INTR pin follows the pending interrupt.  Like QEMU's UART, and
 * unlike a PC's wiring, OUT2 does not gate it: a guest then behaves the
 * same on both VMMs.
 */
static void uart_update_irq(struct uart *uart)
{
	bool level = uart_pending(uart) != UART_IIR_NO_INT;

	if (level == uart->irq_level)
		return;
	uart->irq_level = level;
	if (uart->set_irq)
		uart->set_irq(uart->opaque, level);
}

static void uart_update_msr(struct uart *uart)
{
	uint8_t old = uart->msr, lines = uart_modem_lines(uart);
	uint8_t delta = 0;

	if ((old ^ lines) & UART_MSR_CTS)
		delta |= UART_MSR_DCTS;
	if ((old ^ lines) & UART_MSR_DSR)
		delta |= UART_MSR_DDSR;
	if ((old & UART_MSR_RI) && !(lines & UART_MSR_RI))
		delta |= UART_MSR_TERI;
	if ((old ^ lines) & UART_MSR_DCD)
		delta |= UART_MSR_DDCD;
	uart->msr = lines | (old & UART_MSR_DELTA) | delta;
}

static void uart_rx_clear(struct uart *uart)
{
	uart->rx_head = 0;
	uart->rx_count = 0;
	uart->lsr &= ~UART_LSR_DR;
}

static void uart_rx_push(struct uart *uart, uint8_t byte)
{
	unsigned int depth = uart->fifo_enabled ? UART_FIFO_SIZE : 1;

	if (uart->rx_count == depth) {
		uart->lsr |= UART_LSR_OE;
		return;
	}
	uart->rx[(uart->rx_head + uart->rx_count) % UART_FIFO_SIZE] = byte;
	uart->rx_count++;
	uart->lsr |= UART_LSR_DR;
}

static uint8_t uart_rx_pop(struct uart *uart)
{
	uint8_t byte;

	if (!uart->rx_count)
		return 0;
	byte = uart->rx[uart->rx_head];
	uart->rx_head = (uart->rx_head + 1) % UART_FIFO_SIZE;
	if (!--uart->rx_count)
		uart->lsr &= ~UART_LSR_DR;
	return byte;
}

void uart_init(struct uart *uart, void (*output)(void *opaque, uint8_t byte),
	       void (*set_irq)(void *opaque, bool level), void *opaque)
{
	memset(uart, 0, sizeof(*uart));
	uart->lsr = UART_LSR_THRE | UART_LSR_TEMT;
	uart->msr = uart_modem_lines(uart);
	uart->output = output;
	uart->set_irq = set_irq;
	uart->opaque = opaque;
}

static void uart_transmit(struct uart *uart, uint8_t byte)
{
	if (uart->mcr & UART_MCR_LOOP)
		uart_rx_push(uart, byte);
	else if (uart->output)
		uart->output(uart->opaque, byte);
	/* Sent at once: the holding register is empty again. */
	uart->thr_ipending = true;
}

uint8_t uart_read(struct uart *uart, unsigned int reg)
{
	bool dlab = uart->lcr & UART_LCR_DLAB;
	uint8_t val = 0;

	switch (reg) {
	case UART_RBR:
		val = dlab ? uart->dll : uart_rx_pop(uart);
		break;
	case UART_IER:
		val = dlab ? uart->dlm : uart->ier;
		break;
	case UART_IIR:
		val = uart_pending(uart);
		/* Reading IIR is how a THRE interrupt is acknowledged. */
		if (val == UART_IIR_THRI)
			uart->thr_ipending = false;
		if (uart->fifo_enabled)
			val |= UART_IIR_FIFO;
		break;
	case UART_LCR:
		val = uart->lcr;
		break;
	case UART_MCR:
		val = uart->mcr;
		break;
	case UART_LSR:
		val = uart->lsr;
		uart->lsr &= ~UART_LSR_OE;
		break;
	case UART_MSR:
		val = uart->msr;
		uart->msr &= ~UART_MSR_DELTA;
		break;
	case UART_SCR:
		val = uart->scr;
		break;
	}
	uart_update_irq(uart);
	return val;
}

void uart_write(struct uart *uart, unsigned int reg, uint8_t val)
{
	bool dlab = uart->lcr & UART_LCR_DLAB;
	uint8_t old;

	switch (reg) {
	case UART_THR:
		if (dlab)
			uart->dll = val;
		else
			uart_transmit(uart, val);
		break;
	case UART_IER:
		if (dlab) {
			uart->dlm = val;
			break;
		}
		old = uart->ier;
		uart->ier = val & 0x0f;
		/* Enabling it with the THR empty raises THRE at once. */
		if (!(old & UART_IER_THRI) && (uart->ier & UART_IER_THRI))
			uart->thr_ipending = true;
		break;
	case UART_FCR:
		/* Switching the FIFOs on or off empties them. */
		if ((val & UART_FCR_CLEAR_RCVR) ||
		    uart->fifo_enabled != (val & UART_FCR_ENABLE))
			uart_rx_clear(uart);
		uart->fifo_enabled = val & UART_FCR_ENABLE;
		break;
	case UART_LCR:
		uart->lcr = val;
		break;
	case UART_MCR:
		uart->mcr = val & 0x1f;
		uart_update_msr(uart);
		break;
	case UART_SCR:
		uart->scr = val;
		break;
	default:
		/* LSR and MSR writes are factory-test features: ignored. */
		break;
	}
	uart_update_irq(uart);
}

static int uart_bus_read(void *opaque, uint64_t offset, unsigned int size,
			 uint64_t *val)
{
	(void)size;
	*val = uart_read(opaque, offset);
	return 0;
}

static int uart_bus_write(void *opaque, uint64_t offset, unsigned int size,
			  uint64_t val)
{
	(void)size;
	uart_write(opaque, offset, val);
	return 0;
}

const struct bus_ops uart_bus_ops = {
	.read = uart_bus_read,
	.write = uart_bus_write,
};
