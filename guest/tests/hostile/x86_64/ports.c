// SPDX-License-Identifier: GPL-2.0-only
/* hostile.ports: every unassigned I/O port read and written. */
#include "hvcheck_abi.h"
#include "printf.h"
#include "processor.h"
#include "report.h"
#include "test.h"
#include "uart.h"

struct port_range {
	u16 first, last;
};

/*
 * The ports something answers: the UART, the exit port and the
 * host-control channel (the VMM's), the PIC and ELCR (KVM's in-kernel
 * irqchip).  Writes there would flood, end the run or reprogram the
 * interrupt controller, so the sweep leaves them alone.
 */
static const struct port_range assigned[] = {
	{ 0x20, 0x21 },
	{ 0xa0, 0xa1 },
	{ HV_X86_EXIT_PORT, HV_X86_EXIT_PORT + 3 },
	{ HV_X86_UART_COM1_PORT, HV_X86_UART_COM1_PORT + 7 },
	{ 0x4d0, 0x4d1 },
	{ HV_X86_HOSTCTL_PORT,
	  HV_X86_HOSTCTL_PORT + HV_X86_HOSTCTL_NR_PORTS - 1 },
};

static bool port_assigned(u32 port)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(assigned); i++) {
		if (port >= assigned[i].first && port <= assigned[i].last)
			return true;
	}
	return false;
}

/*
 * 4-byte accesses that straddle an assigned range's edges, and the end
 * of the port space: the bus must give them to no device (no exit, no
 * UART byte, no filter switch).
 */
static unsigned int straddle(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < ARRAY_SIZE(assigned); i++) {
		u16 edges[2] = { assigned[i].first - 2, assigned[i].last - 1 };

		for (unsigned int e = 0; e < 2; e++, n++) {
			outl(0, edges[e]);
			(void)inl(edges[e]);
		}
	}
	for (u32 port = 0xfffd; port <= 0xffff; port++, n++) {
		outl(0, (u16)port);
		(void)inl((u16)port);
	}
	return n;
}

static void test_ports(void)
{
	unsigned int touched = 0, all_ones = 0, edges;

	for (u32 port = 0; port <= 0xffff; port++) {
		if (port_assigned(port))
			continue;
		all_ones += inb((u16)port) == 0xff;
		outb(0, (u16)port);
		touched++;
	}
	edges = straddle();
	printf("hostile: ports: %u unassigned ports read and written (%u read 0xff), %u straddling 4-byte accesses\n",
	       touched, all_ones, edges);
	report(touched == 0x10000 - 82, "%u unassigned ports touched", touched);
	report(uart_answers(),
	       "the UART's scratch register still answers after the sweep");
}
DEFINE_TEST(test_ports, "hostile.ports");
