/* SPDX-License-Identifier: GPL-2.0-only */
/* The exit device: the guest ends the run by writing its status to it. */
#ifndef VMM_DEVICES_EXITDEV_H
#define VMM_DEVICES_EXITDEV_H

#include <stdint.h>

#include "vmm/bus.h"

/*
 * QEMU's isa-debug-exit at HV_X86_EXIT_PORT: a write of any width ends
 * the run.  QEMU exits with (s << 1) | 1; hvcheck hands on s itself, the
 * whole value written, for the VMM to refuse one out of range (no low
 * 8 bits of 0x17b passing for 123).
 */
#define EXITDEV_NR_PORTS 4 /* an outl covers 4 ports */

struct exitdev {
	void (*on_exit)(void *opaque, uint64_t status);
	void *opaque;
};

/* For bus_register(); opaque is the exitdev.  Reads return 0. */
extern const struct bus_ops exitdev_bus_ops;

#endif /* VMM_DEVICES_EXITDEV_H */
