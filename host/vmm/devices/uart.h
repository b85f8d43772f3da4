/* SPDX-License-Identifier: GPL-2.0-only */
/* A 16550A UART register model: a state machine with no KVM underneath. */
#ifndef VMM_DEVICES_UART_H
#define VMM_DEVICES_UART_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/bus.h"

/* Register offsets from the UART's base port. */
#define UART_RBR     0 /* read, DLAB=0: receive buffer */
#define UART_THR     0 /* write, DLAB=0: transmit holding */
#define UART_DLL     0 /* DLAB=1: divisor latch, low byte */
#define UART_IER     1 /* DLAB=0: interrupt enable */
#define UART_DLM     1 /* DLAB=1: divisor latch, high byte */
#define UART_IIR     2 /* read: interrupt identification */
#define UART_FCR     2 /* write: FIFO control */
#define UART_LCR     3 /* line control */
#define UART_MCR     4 /* modem control */
#define UART_LSR     5 /* line status */
#define UART_MSR     6 /* modem status */
#define UART_SCR     7 /* scratch */
#define UART_NR_REGS 8

#define UART_IER_RDI  0x01 /* received data available */
#define UART_IER_THRI 0x02 /* transmit holding register empty */
#define UART_IER_RLSI 0x04 /* receiver line status */
#define UART_IER_MSI  0x08 /* modem status */

#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI	0x00
#define UART_IIR_THRI	0x02
#define UART_IIR_RDI	0x04
#define UART_IIR_RLSI	0x06
#define UART_IIR_FIFO	0xc0 /* both FIFO-enabled bits */

#define UART_FCR_ENABLE	    0x01
#define UART_FCR_CLEAR_RCVR 0x02
#define UART_FCR_CLEAR_XMIT 0x04

#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR  0x01
#define UART_MCR_RTS  0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10

#define UART_LSR_DR   0x01 /* data ready */
#define UART_LSR_OE   0x02 /* overrun */
#define UART_LSR_THRE 0x20 /* transmit holding register empty */
#define UART_LSR_TEMT 0x40 /* transmitter empty */

#define UART_MSR_DCTS  0x01
#define UART_MSR_DDSR  0x02
#define UART_MSR_TERI  0x04
#define UART_MSR_DDCD  0x08
#define UART_MSR_DELTA 0x0f
#define UART_MSR_CTS   0x10
#define UART_MSR_DSR   0x20
#define UART_MSR_RI    0x40
#define UART_MSR_DCD   0x80

#define UART_FIFO_SIZE 16

struct uart {
	uint8_t ier, lcr, mcr, lsr, msr, scr, dll, dlm;
	bool fifo_enabled;
	bool thr_ipending; /* THR-empty interrupt armed, not yet seen in IIR */
	bool irq_level;
	uint8_t rx[UART_FIFO_SIZE];
	unsigned int rx_head, rx_count;

	/* Every transmitted byte (never called in loopback mode). */
	void (*output)(void *opaque, uint8_t byte);
	/* The interrupt line changed level; may be NULL. */
	void (*set_irq)(void *opaque, bool level);
	void *opaque;
};

/*
 * A UART after reset.  Transmission is instant, so the guest sees THRE
 * and TEMT whenever it polls LSR; outside loopback the modem lines say
 * a ready peer is attached (CTS, DSR, DCD), as QEMU's UART does.
 */
void uart_init(struct uart *uart, void (*output)(void *opaque, uint8_t byte),
	       void (*set_irq)(void *opaque, bool level), void *opaque);

uint8_t uart_read(struct uart *uart, unsigned int reg);
void uart_write(struct uart *uart, unsigned int reg, uint8_t val);

/* Byte-wide register access for bus_register(); opaque is the uart. */
extern const struct bus_ops uart_bus_ops;

#endif /* VMM_DEVICES_UART_H */
