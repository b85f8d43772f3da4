// SPDX-License-Identifier: GPL-2.0-only
/* The exit device: the guest ends the run by writing its status to it. */
#include "vmm/devices/exitdev.h"

static int exitdev_read(void *opaque, uint64_t offset, unsigned int size,
			uint64_t *val)
{
	(void)opaque;
	(void)offset;
	(void)size;
	*val = 0;
	return 0;
}

static int exitdev_write(void *opaque, uint64_t offset, unsigned int size,
			 uint64_t val)
{
	struct exitdev *dev = opaque;

	(void)offset;
	(void)size;
	dev->on_exit(dev->opaque, val);
	return 0;
}

const struct bus_ops exitdev_bus_ops = {
	.read = exitdev_read,
	.write = exitdev_write,
};
