// SPDX-License-Identifier: GPL-2.0-only
/* PL011 output with flag-register polling. */
#include "arch.h"
#include "hvcheck_abi.h"
#include "processor.h"
#include "uart.h"

#define UART_DR	      0x00
#define UART_FR	      0x18
#define UART_LCRH     0x2c
#define UART_CR	      0x30
#define UART_IMSC     0x38
#define UART_PCELLID0 0xff0 /* PCellID0-3, a byte a word */

#define UART_FR_TXFF	 BIT(5)
#define UART_LCRH_FEN	 BIT(4)
#define UART_LCRH_WLEN_8 (3 << 5)
#define UART_CR_UARTEN	 BIT(0)
#define UART_CR_TXE	 BIT(8)
#define UART_CR_RXE	 BIT(9)

static const u64 base = HV_ARM64_UART_BASE;

void uart_init(void)
{
	/* The PL011 manual: disable before changing the line control. */
	writel(0, base + UART_CR);
	writel(0, base + UART_IMSC);
	writel(UART_LCRH_WLEN_8 | UART_LCRH_FEN, base + UART_LCRH);
	writel(UART_CR_UARTEN | UART_CR_TXE | UART_CR_RXE, base + UART_CR);
}

bool uart_answers(void)
{
	static const u8 id[4] = { 0x0d, 0xf0, 0x05, 0xb1 };

	for (unsigned int i = 0; i < 4; i++)
		if ((readl(base + UART_PCELLID0 + 4 * i) & 0xff) != id[i])
			return false;
	return true;
}

void arch_console_write(const char *s, size_t n)
{
	while (n--) {
		while (readl(base + UART_FR) & UART_FR_TXFF)
			cpu_relax();
		writel((u8)*s++, base + UART_DR);
	}
}
