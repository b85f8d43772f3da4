/* SPDX-License-Identifier: GPL-2.0-only */
/* The PL011 UART of the virt machine, driven by polling. */
#ifndef GUEST_UART_H
#define GUEST_UART_H

/* 8N1 with FIFOs, interrupts off; the baud rate is left as found. */
void uart_init(void);

#endif /* GUEST_UART_H */
