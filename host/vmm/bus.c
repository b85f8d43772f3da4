// SPDX-License-Identifier: GPL-2.0-only
/* The device bus: port I/O, MMIO and MSR address spaces. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/bus.h"

/* The last address of each space. */
static const uint64_t bus_space_last[BUS_NR_SPACES] = {
	[BUS_PIO] = 0xffff,
	[BUS_MMIO] = UINT64_MAX,
	[BUS_MSR] = 0xffffffff,
};

static bool bus_valid_size(unsigned int size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

static uint64_t bus_size_mask(unsigned int size)
{
	return size == 8 ? UINT64_MAX : (1ULL << (size * 8)) - 1;
}

void bus_init(struct bus *bus)
{
	memset(bus, 0, sizeof(*bus));
	pthread_mutex_init(&bus->lock, NULL);
}

void bus_destroy(struct bus *bus)
{
	for (int i = 0; i < BUS_NR_SPACES; i++)
		free(bus->space[i].regions);
	pthread_mutex_destroy(&bus->lock);
	memset(bus->space, 0, sizeof(bus->space));
}

/* Index of the first region whose base is above addr. */
static unsigned int bus_upper_bound(const struct bus_space_map *map,
				    uint64_t addr)
{
	unsigned int lo = 0, hi = map->nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (map->regions[mid].base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct bus_region *bus_lookup(const struct bus_space_map *map,
				     uint64_t addr)
{
	unsigned int i = bus_upper_bound(map, addr);
	struct bus_region *r;

	if (!i)
		return NULL;
	r = &map->regions[i - 1];
	return addr - r->base <= r->len - 1 ? r : NULL;
}

int bus_register(struct bus *bus, enum bus_space space,
		 const struct bus_region *region)
{
	struct bus_space_map *map = &bus->space[space];
	uint64_t last = bus_space_last[space];
	const struct bus_region *prev, *next;
	unsigned int i;
	int ret = 0;

	if (!region->len || region->base > last ||
	    region->len - 1 > last - region->base ||
	    !bus_valid_size(region->max_access) ||
	    (space == BUS_MSR && region->max_access != 8) || !region->ops)
		return -EINVAL;

	pthread_mutex_lock(&bus->lock);
	i = bus_upper_bound(map, region->base);
	prev = i ? &map->regions[i - 1] : NULL;
	next = i < map->nr ? &map->regions[i] : NULL;
	if ((prev && region->base - prev->base <= prev->len - 1) ||
	    (next && next->base - region->base <= region->len - 1)) {
		ret = -EEXIST;
		goto out;
	}
	if (map->nr == map->capacity) {
		unsigned int capacity = map->capacity ? map->capacity * 2 : 8;
		struct bus_region *grown;

		grown = realloc(map->regions, capacity * sizeof(*grown));
		if (!grown) {
			ret = -ENOMEM;
			goto out;
		}
		map->regions = grown;
		map->capacity = capacity;
	}
	memmove(&map->regions[i + 1], &map->regions[i],
		(map->nr - i) * sizeof(*map->regions));
	map->regions[i] = *region;
	map->nr++;
out:
	pthread_mutex_unlock(&bus->lock);
	return ret;
}

const struct bus_region *bus_find(struct bus *bus, enum bus_space space,
				  uint64_t addr)
{
	const struct bus_region *r;

	pthread_mutex_lock(&bus->lock);
	r = bus_lookup(&bus->space[space], addr);
	pthread_mutex_unlock(&bus->lock);
	return r;
}

/*
 * The region that holds the whole access, or NULL.  In MSR space an
 * access covers one index whatever its size.
 */
static struct bus_region *bus_claim(struct bus *bus, enum bus_space space,
				    uint64_t addr, unsigned int size)
{
	uint64_t span = space == BUS_MSR ? 1 : size;
	struct bus_region *r = bus_lookup(&bus->space[space], addr);

	if (!r || span - 1 > r->len - 1 - (addr - r->base))
		return NULL;
	return r;
}

static bool bus_valid_access(enum bus_space space, unsigned int size)
{
	return space == BUS_MSR ? size == 8 : bus_valid_size(size);
}

int bus_read(struct bus *bus, enum bus_space space, uint64_t addr,
	     unsigned int size, uint64_t *val)
{
	const struct bus_region *r;
	unsigned int piece;
	uint64_t offset;
	int ret = 0;

	*val = UINT64_MAX;
	if (!bus_valid_access(space, size))
		return -EINVAL;
	pthread_mutex_lock(&bus->lock);
	r = bus_claim(bus, space, addr, size);
	if (!r) {
		*val = bus_size_mask(size);
		ret = -ENOENT;
		goto out;
	}
	offset = addr - r->base;
	piece = size < r->max_access ? size : r->max_access;
	*val = 0;
	for (unsigned int done = 0; done < size && !ret; done += piece) {
		uint64_t part = 0;

		ret = r->ops->read(r->opaque, offset + done, piece, &part);
		*val |= (part & bus_size_mask(piece)) << (done * 8);
	}
out:
	pthread_mutex_unlock(&bus->lock);
	return ret;
}

int bus_write(struct bus *bus, enum bus_space space, uint64_t addr,
	      unsigned int size, uint64_t val)
{
	const struct bus_region *r;
	unsigned int piece;
	uint64_t offset;
	int ret = 0;

	if (!bus_valid_access(space, size))
		return -EINVAL;
	pthread_mutex_lock(&bus->lock);
	r = bus_claim(bus, space, addr, size);
	if (!r) {
		ret = -ENOENT;
		goto out;
	}
	offset = addr - r->base;
	piece = size < r->max_access ? size : r->max_access;
	for (unsigned int done = 0; done < size && !ret; done += piece)
		ret = r->ops->write(r->opaque, offset + done, piece,
				    (val >> (done * 8)) & bus_size_mask(piece));
out:
	pthread_mutex_unlock(&bus->lock);
	return ret;
}
