/* SPDX-License-Identifier: GPL-2.0-only */
/* The 16550 UART on COM1, driven by polling. */
#ifndef GUEST_UART_H
#define GUEST_UART_H

#include "types.h"

/* 115200 8N1, interrupts off, FIFOs on when the UART has them. */
void uart_init(void);

/* The UART still answers: its scratch register keeps what is written. */
bool uart_answers(void);

#endif /* GUEST_UART_H */
