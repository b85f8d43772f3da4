/* SPDX-License-Identifier: GPL-2.0-only */
/* The device bus: port I/O, MMIO and MSR address spaces. */
#ifndef VMM_BUS_H
#define VMM_BUS_H

#include <pthread.h>
#include <stdint.h>

enum bus_space {
	BUS_PIO,  /* x86 I/O ports 0..0xffff */
	BUS_MMIO, /* guest-physical addresses the VM has no RAM at */
	BUS_MSR,  /* MSR indices; each index holds one 64-bit value */
	BUS_NR_SPACES,
};

/*
 * A device's register access handlers.  offset is relative to the start
 * of the device's region and size is 1, 2, 4 or 8 (always 8 for MSRs).
 * They return 0, or -errno when the device refuses the access, which the
 * MSR path turns into #GP; port I/O and MMIO have no way to refuse.
 */
struct bus_ops {
	int (*read)(void *opaque, uint64_t offset, unsigned int size,
		    uint64_t *val);
	int (*write)(void *opaque, uint64_t offset, unsigned int size,
		     uint64_t val);
};

struct bus_region {
	uint64_t base;
	uint64_t len; /* in bytes; in MSR space, in MSR indices */
	/*
	 * The widest access the device takes (1, 2, 4 or 8); the bus splits
	 * wider ones into little-endian pieces of this size, as an ISA bus
	 * would.  MSR regions take 8.
	 */
	unsigned int max_access;
	const struct bus_ops *ops;
	void *opaque;
	const char *name;
};

struct bus_space_map {
	struct bus_region *regions; /* sorted by base, never overlapping */
	unsigned int nr;
	unsigned int capacity;
};

/*
 * One lock serialises every device access, so that devices are plain
 * single-threaded state machines even with several vCPU threads.
 */
struct bus {
	pthread_mutex_t lock;
	struct bus_space_map space[BUS_NR_SPACES];
};

void bus_init(struct bus *bus);
void bus_destroy(struct bus *bus);

/*
 * The one registration call of every address space: adds the region
 * described by *region (copied).  -EEXIST if it overlaps a registered
 * region, -EINVAL if it is empty, leaves the space or has a bad
 * max_access, -ENOMEM.
 */
int bus_register(struct bus *bus, enum bus_space space,
		 const struct bus_region *region);

/* The region holding addr, or NULL.  The bus owns it. */
const struct bus_region *bus_find(struct bus *bus, enum bus_space space,
				  uint64_t addr);

/*
 * A guest access of size bytes at addr.  Returns 0 when a device took
 * it; -ENOENT when no single region holds the whole access; -EINVAL for
 * a bad size; else the device's own -errno.  Unless a device answered,
 * bus_read() stores all-ones (of the access size for -ENOENT): what an
 * x86 bus returns for nothing there.
 */
int bus_read(struct bus *bus, enum bus_space space, uint64_t addr,
	     unsigned int size, uint64_t *val);
int bus_write(struct bus *bus, enum bus_space space, uint64_t addr,
	      unsigned int size, uint64_t val);

#endif /* VMM_BUS_H */
