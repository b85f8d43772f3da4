/* SPDX-License-Identifier: GPL-2.0-only */
/* The PL011 UART of the virt machine, driven by polling. */
#ifndef GUEST_UART_H
#define GUEST_UART_H

#include "types.h"

/* 8N1 with FIFOs, interrupts off; the baud rate is left as found. */
void uart_init(void);

/* The UART still answers: its PrimeCell ID reads 0x0d 0xf0 0x05 0xb1. */
bool uart_answers(void);

#endif /* GUEST_UART_H */
