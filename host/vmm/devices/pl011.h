/* SPDX-License-Identifier: GPL-2.0-only */
/* A PL011 UART register model, transmit side: no KVM underneath. */
#ifndef VMM_DEVICES_PL011_H
#define VMM_DEVICES_PL011_H

#include <stdint.h>

#include "vmm/bus.h"

/* Register offsets (PL011 TRM, DDI 0183). */
#define PL011_DR	0x000
#define PL011_RSR	0x004 /* read: receive status; write: error clear */
#define PL011_FR	0x018
#define PL011_ILPR	0x020
#define PL011_IBRD	0x024
#define PL011_FBRD	0x028
#define PL011_LCR_H	0x02c
#define PL011_CR	0x030
#define PL011_IFLS	0x034
#define PL011_IMSC	0x038
#define PL011_RIS	0x03c
#define PL011_MIS	0x040
#define PL011_ICR	0x044
#define PL011_DMACR	0x048
#define PL011_PERIPHID0 0xfe0 /* PeriphID0-3, then PCellID0-3 */
#define PL011_PCELLID3	0xffc
#define PL011_SIZE	0x1000

#define PL011_FR_RXFE 0x10 /* receive FIFO empty */
#define PL011_FR_TXFF 0x20 /* transmit FIFO full */
#define PL011_FR_TXFE 0x80 /* transmit FIFO empty */

#define PL011_CR_UARTEN 0x001
#define PL011_CR_TXE	0x100
#define PL011_CR_RXE	0x200

struct pl011 {
	uint32_t ilpr, ibrd, fbrd, lcr_h, cr, ifls, dmacr;
	/* Every transmitted byte. */
	void (*output)(void *opaque, uint8_t byte);
	void *opaque;
};

/*
 * A PL011 after reset.  Transmission is instant, so FR always shows the
 * transmit FIFO empty and never full; nothing is ever received.  The
 * interrupt registers read as zero and ignore writes: the UART never
 * interrupts, as nothing in the guest waits for it.
 */
void pl011_init(struct pl011 *uart, void (*output)(void *opaque, uint8_t byte),
		void *opaque);

/* 32-bit register access at a 4-byte aligned offset. */
uint32_t pl011_read(struct pl011 *uart, uint64_t offset);
void pl011_write(struct pl011 *uart, uint64_t offset, uint32_t val);

/*
 * For bus_register() with max_access 4; opaque is the pl011.  A
 * narrower read gives its bytes of the register; a narrower write at a
 * register's offset writes the value zero-extended (Linux's driver uses
 * 16-bit accesses), one elsewhere is dropped.
 */
extern const struct bus_ops pl011_bus_ops;

#endif /* VMM_DEVICES_PL011_H */
