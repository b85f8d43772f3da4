// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer target: the host-control channel, 16550, PL011 and exit device on the bus. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "hvcheck_abi.h"
#include "vmm/bus.h"
#include "vmm/devices/exitdev.h"
#include "vmm/devices/hostctl.h"
#include "vmm/devices/pl011.h"
#include "vmm/devices/uart.h"

#define MAX_OPS	     512
#define NR_FILTERS   5
/* Where the devices sit, as on the machines, all on one bus. */
#define UART_BASE    0x3f8
#define EXIT_BASE    0x501
#define HOSTCTL_BASE 0x1000 /* MMIO */
#define PL011_BASE   0x9000000

struct devices {
	struct bus bus;
	struct hostctl hc;
	struct uart uart;
	struct pl011 pl011;
	struct exitdev exit;
	uint32_t active;   /* the policy filter_select() last installed */
	int exits;	   /* exit_cb() calls expected */
	bool uart_irq;	   /* as set_irq() last said */
	bool pl011_output; /* a byte may be sent: a write to DR */
};

static int filter_select(void *opaque, uint32_t index)
{
	struct devices *d = opaque;

	FUZZ_CHECK(index < NR_FILTERS || index == HV_HOSTCTL_FILTER_NONE,
		   "policy %u of %u installed", index, NR_FILTERS);
	if (index % 2)
		return -EBUSY;
	d->active = index;
	return 0;
}

static int spi(void *opaque, uint32_t intid, enum hostctl_spi_op op)
{
	(void)opaque;
	(void)intid;
	FUZZ_CHECK(op <= HOSTCTL_SPI_PULSE, "SPI op %d", (int)op);
	return 0;
}

static void uart_out(void *opaque, uint8_t byte)
{
	struct devices *d = opaque;

	(void)byte;
	FUZZ_CHECK(!(d->uart.mcr & UART_MCR_LOOP), "a byte out in loopback");
}

static void uart_irq(void *opaque, bool level)
{
	struct devices *d = opaque;

	FUZZ_CHECK(level != d->uart_irq, "set_irq() without a change");
	d->uart_irq = level;
}

static void pl011_out(void *opaque, uint8_t byte)
{
	struct devices *d = opaque;

	(void)byte;
	FUZZ_CHECK(d->pl011_output, "a PL011 byte out of no DR write");
	d->pl011_output = false;
}

static void exit_cb(void *opaque, uint64_t status)
{
	struct devices *d = opaque;

	(void)status;
	FUZZ_CHECK(d->exits-- > 0, "an exit of no write");
}

static void attach(struct devices *d, enum bus_space space, uint64_t base,
		   uint64_t len, unsigned int max, const struct bus_ops *ops,
		   void *dev)
{
	struct bus_region r = { .base = base,
				.len = len,
				.max_access = max,
				.ops = ops,
				.opaque = dev,
				.name = "fuzz" };

	if (bus_register(&d->bus, space, &r))
		fuzz_fail(__FILE__, __LINE__, "bus_register", "refused");
}

static void setup(struct devices *d)
{
	memset(d, 0, sizeof(*d));
	bus_init(&d->bus);
	d->hc = (struct hostctl){ .spi = spi,
				  .filter_select = filter_select,
				  .opaque = d,
				  .filter_count = NR_FILTERS };
	hostctl_init(&d->hc, HV_HOSTCTL_FILTER_NONE);
	d->active = HV_HOSTCTL_FILTER_NONE;
	uart_init(&d->uart, uart_out, uart_irq, d);
	pl011_init(&d->pl011, pl011_out, d);
	d->exit = (struct exitdev){ exit_cb, d };
	attach(d, BUS_PIO, UART_BASE, UART_NR_REGS, 1, &uart_bus_ops, &d->uart);
	attach(d, BUS_PIO, EXIT_BASE, EXITDEV_NR_PORTS, 4, &exitdev_bus_ops,
	       &d->exit);
	attach(d, BUS_MMIO, HOSTCTL_BASE, 0x1000, 4, &hostctl_bus_ops, &d->hc);
	attach(d, BUS_MMIO, PL011_BASE, PL011_SIZE, 4, &pl011_bus_ops,
	       &d->pl011);
}

/* The devices' state as their registers and callbacks must agree. */
static void check(struct devices *d)
{
	struct uart copy = d->uart;
	uint64_t v;

	copy.set_irq = NULL;
	FUZZ_CHECK(d->uart_irq == d->uart.irq_level, "UART IRQ line");
	FUZZ_CHECK(d->uart_irq ==
			   !(uart_read(&copy, UART_IIR) & UART_IIR_NO_INT),
		   "UART IRQ line %d, IIR says otherwise", d->uart_irq);
	FUZZ_CHECK(d->uart.rx_count <= UART_FIFO_SIZE &&
			   d->uart.rx_head < UART_FIFO_SIZE,
		   "UART FIFO %u at %u", d->uart.rx_count, d->uart.rx_head);
	bus_read(&d->bus, BUS_MMIO, HOSTCTL_BASE + HV_HOSTCTL_FILTER_ACTIVE, 4,
		 &v);
	FUZZ_CHECK(v == d->active, "FILTER_ACTIVE %llu, installed %u",
		   (unsigned long long)v, d->active);
	FUZZ_CHECK(d->exits == 0, "a write to the exit device lost");
}

/* One access: the device, read or write, size, offset, value. */
static void dev_access(struct devices *d, struct fuzz_in *in)
{
	static const struct {
		enum bus_space space;
		uint64_t base, span;
	} at[] = { { BUS_PIO, UART_BASE, 0x10 },
		   { BUS_PIO, EXIT_BASE, 8 },
		   { BUS_MMIO, HOSTCTL_BASE, 0x40 },
		   { BUS_MMIO, PL011_BASE, PL011_SIZE } };
	uint8_t op = fuzz_u8(in);
	unsigned int size = 1u << (op >> 3 & 3), dev = op >> 1 & 3;
	uint64_t addr = at[dev].base + fuzz_u16(in) % at[dev].span;
	uint64_t val = fuzz_u64(in);
	int ret;

	if (!(op & 1)) {
		ret = bus_read(&d->bus, at[dev].space, addr, size, &val);
		FUZZ_CHECK(!ret || ret == -ENOENT, "bus_read() %d", ret);
		return;
	}
	if (dev == 1 && addr >= EXIT_BASE && addr + size <= EXIT_BASE + 4)
		d->exits++;
	if (dev == 3 && addr - PL011_BASE < 4)
		d->pl011_output = true;
	ret = bus_write(&d->bus, at[dev].space, addr, size, val);
	FUZZ_CHECK(!ret || ret == -ENOENT, "bus_write() %d", ret);
	if (ret == -ENOENT && dev == 1)
		d->exits = 0;
	d->pl011_output = false;
}

/* Accesses of 11 bytes each to the four devices; check() after each. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct devices d;
	struct fuzz_in in = { data, size };

	setup(&d);
	for (unsigned int i = 0; in.n && i < MAX_OPS; i++) {
		dev_access(&d, &in);
		check(&d);
	}
	bus_destroy(&d.bus);
	return 0;
}
