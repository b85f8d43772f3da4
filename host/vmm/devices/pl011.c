// SPDX-License-Identifier: GPL-2.0-only
/* A PL011 UART register model, transmit side: no KVM underneath. */
#include "vmm/devices/pl011.h"

/* PeriphID0-3 and PCellID0-3 of an Arm PL011 r1p5, as QEMU gives them. */
static const uint8_t pl011_id[8] = { 0x11, 0x10, 0x14, 0x00,
				     0x0d, 0xf0, 0x05, 0xb1 };

void pl011_init(struct pl011 *uart, void (*output)(void *opaque, uint8_t byte),
		void *opaque)
{
	*uart = (struct pl011){
		.cr = PL011_CR_TXE | PL011_CR_RXE,
		.ifls = 0x12, /* both FIFO levels at half */
		.output = output,
		.opaque = opaque,
	};
}

uint32_t pl011_read(struct pl011 *uart, uint64_t offset)
{
	switch (offset) {
	case PL011_FR:
		return PL011_FR_TXFE | PL011_FR_RXFE;
	case PL011_ILPR:
		return uart->ilpr;
	case PL011_IBRD:
		return uart->ibrd;
	case PL011_FBRD:
		return uart->fbrd;
	case PL011_LCR_H:
		return uart->lcr_h;
	case PL011_CR:
		return uart->cr;
	case PL011_IFLS:
		return uart->ifls;
	case PL011_DMACR:
		return uart->dmacr;
	default:
		if (offset >= PL011_PERIPHID0 && offset <= PL011_PCELLID3 &&
		    offset % 4 == 0)
			return pl011_id[(offset - PL011_PERIPHID0) / 4];
		/* DR (nothing received), RSR, the interrupt registers. */
		return 0;
	}
}

void pl011_write(struct pl011 *uart, uint64_t offset, uint32_t val)
{
	switch (offset) {
	case PL011_DR:
		/* Sent whatever CR says, as QEMU does: no output is lost. */
		uart->output(uart->opaque, val & 0xff);
		break;
	case PL011_ILPR:
		uart->ilpr = val & 0xff;
		break;
	case PL011_IBRD:
		uart->ibrd = val & 0xffff;
		break;
	case PL011_FBRD:
		uart->fbrd = val & 0x3f;
		break;
	case PL011_LCR_H:
		uart->lcr_h = val & 0xff;
		break;
	case PL011_CR:
		uart->cr = val & 0xffff;
		break;
	case PL011_IFLS:
		uart->ifls = val & 0x3f;
		break;
	case PL011_DMACR:
		uart->dmacr = val & 0x7;
		break;
	default:
		/* RSR's error clear, IMSC, ICR, the read-only registers. */
		break;
	}
}

static int pl011_bus_read(void *opaque, uint64_t offset, unsigned int size,
			  uint64_t *val)
{
	uint32_t reg = pl011_read(opaque, offset & ~3ULL);

	*val = reg >> (8 * (offset & 3));
	if (size < 4)
		*val &= (1u << (8 * size)) - 1;
	return 0;
}

static int pl011_bus_write(void *opaque, uint64_t offset, unsigned int size,
			   uint64_t val)
{
	(void)size;
	if (offset % 4 == 0)
		pl011_write(opaque, offset, val);
	return 0;
}

const struct bus_ops pl011_bus_ops = {
	.read = pl011_bus_read,
	.write = pl011_bus_write,
};
