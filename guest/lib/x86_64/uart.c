// SPDX-License-Identifier: GPL-2.0-only
/* 16550 UART output on COM1 with LSR polling. */
#include "arch.h"
#include "hvcheck_abi.h"
#include "processor.h"
#include "uart.h"

#define UART_THR 0 /* write, DLAB 0 */
#define UART_DLL 0 /* DLAB 1 */
#define UART_IER 1
#define UART_DLM 1 /* DLAB 1 */
#define UART_IIR 2 /* read */
#define UART_FCR 2 /* write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7

#define UART_LCR_8N1	 0x03
#define UART_LCR_DLAB	 0x80
#define UART_FCR_ENABLE	 0x01
#define UART_FCR_CLR_RX	 0x02
#define UART_FCR_CLR_TX	 0x04
#define UART_IIR_FIFOS	 0xc0 /* both set: FIFOs enabled */
#define UART_MCR_DTR_RTS 0x03
#define UART_LSR_THRE	 0x20

#define UART_FIFO_SIZE 16

static const u16 port = HV_X86_UART_COM1_PORT;
/* Bytes the transmitter takes before LSR must be polled again. */
static unsigned int tx_burst = 1;
static unsigned int tx_room;

void uart_init(void)
{
	outb(0, port + UART_IER);
	outb(UART_LCR_DLAB, port + UART_LCR);
	outb(1, port + UART_DLL); /* 115200 baud */
	outb(0, port + UART_DLM);
	outb(UART_LCR_8N1, port + UART_LCR);
	outb(UART_FCR_ENABLE | UART_FCR_CLR_RX | UART_FCR_CLR_TX,
	     port + UART_FCR);
	outb(UART_MCR_DTR_RTS, port + UART_MCR);
	/*
	 * THRE means "transmit FIFO empty" in FIFO mode, so one poll buys
	 * a whole FIFO's worth of bytes: half the port accesses, each of
	 * which is a VM exit.
	 */
	if ((inb(port + UART_IIR) & UART_IIR_FIFOS) == UART_IIR_FIFOS)
		tx_burst = UART_FIFO_SIZE;
	tx_room = 0;
}

bool uart_answers(void)
{
	bool kept;

	outb(0x5a, port + UART_SCR);
	kept = inb(port + UART_SCR) == 0x5a;
	outb(0xa5, port + UART_SCR);
	return kept && inb(port + UART_SCR) == 0xa5;
}

void arch_console_write(const char *s, size_t n)
{
	while (n) {
		size_t chunk, left;

		if (!tx_room) {
			while (!(inb(port + UART_LSR) & UART_LSR_THRE))
				cpu_relax();
			tx_room = tx_burst;
		}
		/* One REP OUTSB: one exit for a FIFO's worth of bytes. */
		chunk = MIN(n, tx_room);
		left = chunk;
		asm volatile("rep outsb"
			     : "+S"(s), "+c"(left)
			     : "d"(port + UART_THR)
			     : "memory");
		tx_room -= chunk;
		n -= chunk;
	}
}
