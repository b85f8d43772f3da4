// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the device bus: registration, lookup, access sizes. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/bus.h"

/* A device that logs its accesses and serves bytes from a small array. */
struct log_dev {
	uint8_t regs[64];
	unsigned int nr;
	struct {
		uint64_t offset;
		unsigned int size;
		int write;
	} log[16];
	int fail; /* returned by every access when set */
};

static void log_access(struct log_dev *d, uint64_t offset, unsigned int size,
		       int write)
{
	assert_true(d->nr < 16);
	d->log[d->nr].offset = offset;
	d->log[d->nr].size = size;
	d->log[d->nr].write = write;
	d->nr++;
}

static int log_read(void *opaque, uint64_t offset, unsigned int size,
		    uint64_t *val)
{
	struct log_dev *d = opaque;

	log_access(d, offset, size, 0);
	if (d->fail)
		return d->fail;
	*val = 0;
	memcpy(val, &d->regs[offset % 56], size);
	/* Garbage above size: the bus must mask it. */
	if (size < 8)
		*val |= ~0ULL << (size * 8);
	return 0;
}

static int log_write(void *opaque, uint64_t offset, unsigned int size,
		     uint64_t val)
{
	struct log_dev *d = opaque;

	log_access(d, offset, size, 1);
	if (d->fail)
		return d->fail;
	memcpy(&d->regs[offset % 56], &val, size);
	return 0;
}

static const struct bus_ops log_ops = { .read = log_read, .write = log_write };

static struct bus_region region(uint64_t base, uint64_t len,
				unsigned int max_access, void *opaque)
{
	return (struct bus_region){ .base = base,
				    .len = len,
				    .max_access = max_access,
				    .ops = &log_ops,
				    .opaque = opaque,
				    .name = "test" };
}

static void test_register_and_find(void **state)
{
	struct log_dev a = { 0 }, b = { 0 }, c = { 0 };
	struct bus bus;
	struct bus_region r;

	(void)state;
	bus_init(&bus);
	/* Out of order: the bus keeps them sorted. */
	r = region(0x3f8, 8, 1, &a);
	assert_int_equal(bus_register(&bus, BUS_PIO, &r), 0);
	r = region(0x60, 1, 1, &b);
	assert_int_equal(bus_register(&bus, BUS_PIO, &r), 0);
	r = region(0xf4, 4, 4, &c);
	assert_int_equal(bus_register(&bus, BUS_PIO, &r), 0);

	assert_ptr_equal(bus_find(&bus, BUS_PIO, 0x3f8)->opaque, &a);
	assert_ptr_equal(bus_find(&bus, BUS_PIO, 0x3ff)->opaque, &a);
	assert_null(bus_find(&bus, BUS_PIO, 0x400));
	assert_null(bus_find(&bus, BUS_PIO, 0x3f7));
	assert_ptr_equal(bus_find(&bus, BUS_PIO, 0x60)->opaque, &b);
	assert_null(bus_find(&bus, BUS_PIO, 0x61));
	assert_null(bus_find(&bus, BUS_PIO, 0x5f));
	assert_ptr_equal(bus_find(&bus, BUS_PIO, 0xf7)->opaque, &c);
	assert_null(bus_find(&bus, BUS_PIO, 0));
	assert_null(bus_find(&bus, BUS_PIO, 0xffff));
	/* Spaces are separate. */
	assert_null(bus_find(&bus, BUS_MMIO, 0x3f8));
	assert_null(bus_find(&bus, BUS_MSR, 0x3f8));
	bus_destroy(&bus);
}

/* Enough regions to grow the array and give binary search some depth. */
static void test_many_regions(void **state)
{
	struct log_dev devs[100];
	struct bus bus;

	(void)state;
	bus_init(&bus);
	for (int i = 99; i >= 0; i--) {
		struct bus_region r =
			region(0x1000 + i * 0x100, 0x10, 8, &devs[i]);

		assert_int_equal(bus_register(&bus, BUS_MMIO, &r), 0);
	}
	for (int i = 0; i < 100; i++) {
		uint64_t base = 0x1000 + i * 0x100;

		assert_ptr_equal(bus_find(&bus, BUS_MMIO, base)->opaque,
				 &devs[i]);
		assert_ptr_equal(bus_find(&bus, BUS_MMIO, base + 0xf)->opaque,
				 &devs[i]);
		assert_null(bus_find(&bus, BUS_MMIO, base + 0x10));
		assert_null(bus_find(&bus, BUS_MMIO, base - 1));
	}
	bus_destroy(&bus);
}

static void test_overlap_refused(void **state)
{
	struct log_dev d = { 0 };
	struct bus bus;
	struct bus_region r;

	(void)state;
	bus_init(&bus);
	r = region(0x100, 0x10, 1, &d);
	assert_int_equal(bus_register(&bus, BUS_PIO, &r), 0);

	r = region(0x100, 0x10, 1, &d); /* same */
	assert_int_equal(bus_register(&bus, BUS_PIO, &r), -EEXIST);
	r = region(0xf8, 0x9, 1, &d); /* ends on its first port */
	assert_int_equal(bus_register(&bus, BUS_PIO, &r), -EEXIST);
	r = region(0x10f, 0x4, 1, &d); /* starts on its last port */
	assert_int_equal(bus_register(&bus, BUS_PIO, &r), -EEXIST);
	r = region(0x104, 0x2, 1, &d); /* inside */
	assert_int_equal(bus_register(&bus, BUS_PIO, &r), -EEXIST);
	r = region(0x0, 0x1000, 1, &d); /* around */
	assert_int_equal(bus_register(&bus, BUS_PIO, &r), -EEXIST);

	/* Adjacent on both sides is fine. */
	r = region(0xf0, 0x10, 1, &d);
	assert_int_equal(bus_register(&bus, BUS_PIO, &r), 0);
	r = region(0x110, 0x10, 1, &d);
	assert_int_equal(bus_register(&bus, BUS_PIO, &r), 0);
	/* The same range in another space is no overlap. */
	r = region(0x100, 0x10, 1, &d);
	assert_int_equal(bus_register(&bus, BUS_MMIO, &r), 0);
	bus_destroy(&bus);
}

static void test_invalid_regions(void **state)
{
	struct log_dev d = { 0 };
	struct bus bus;
	struct bus_region r;

	(void)state;
	bus_init(&bus);
	r = region(0x100, 0, 1, &d); /* empty */
	assert_int_equal(bus_register(&bus, BUS_PIO, &r), -EINVAL);
	r = region(0xfff0, 0x20, 1, &d); /* past port 0xffff */
	assert_int_equal(bus_register(&bus, BUS_PIO, &r), -EINVAL);
	r = region(0xfff0, 0x10, 1, &d); /* up to it exactly */
	assert_int_equal(bus_register(&bus, BUS_PIO, &r), 0);
	r = region(UINT64_MAX - 0xf, 0x20, 8, &d); /* wraps */
	assert_int_equal(bus_register(&bus, BUS_MMIO, &r), -EINVAL);
	r = region(UINT64_MAX - 0xf, 0x10, 8, &d);
	assert_int_equal(bus_register(&bus, BUS_MMIO, &r), 0);
	r = region(0x100, 0x10, 3, &d); /* no such access width */
	assert_int_equal(bus_register(&bus, BUS_MMIO, &r), -EINVAL);
	r = region(0x100, 0x10, 4, &d); /* MSRs are 64-bit */
	assert_int_equal(bus_register(&bus, BUS_MSR, &r), -EINVAL);
	r = region(0xffffff00, 0x200, 8, &d); /* past MSR 0xffffffff */
	assert_int_equal(bus_register(&bus, BUS_MSR, &r), -EINVAL);
	r = region(0x100, 0x10, 1, &d);
	r.ops = NULL;
	assert_int_equal(bus_register(&bus, BUS_PIO, &r), -EINVAL);
	bus_destroy(&bus);
}

static void test_unassigned(void **state)
{
	struct log_dev d = { 0 };
	struct bus bus;
	struct bus_region r = region(0x3f8, 8, 1, &d);
	uint64_t val;

	(void)state;
	bus_init(&bus);
	assert_int_equal(bus_register(&bus, BUS_PIO, &r), 0);

	/* Nothing there reads as all-ones of the access size. */
	assert_int_equal(bus_read(&bus, BUS_PIO, 0x80, 1, &val), -ENOENT);
	assert_int_equal(val, 0xff);
	assert_int_equal(bus_read(&bus, BUS_PIO, 0x80, 2, &val), -ENOENT);
	assert_int_equal(val, 0xffff);
	assert_int_equal(bus_read(&bus, BUS_PIO, 0x80, 4, &val), -ENOENT);
	assert_int_equal(val, 0xffffffff);
	assert_int_equal(bus_read(&bus, BUS_MMIO, 0xfeb00000, 8, &val),
			 -ENOENT);
	assert_true(val == UINT64_MAX);
	assert_int_equal(bus_write(&bus, BUS_PIO, 0x80, 1, 0x12), -ENOENT);

	/* Straddling the region's end is not the device's either. */
	assert_int_equal(bus_read(&bus, BUS_PIO, 0x3ff, 2, &val), -ENOENT);
	assert_int_equal(val, 0xffff);
	assert_int_equal(bus_write(&bus, BUS_PIO, 0x3f6, 4, 0), -ENOENT);
	assert_int_equal(d.nr, 0);
	bus_destroy(&bus);
}

static void test_bad_access_size(void **state)
{
	struct log_dev d = { 0 };
	struct bus bus;
	struct bus_region r = region(0x1000, 0x10, 8, &d);
	uint64_t val;

	(void)state;
	bus_init(&bus);
	assert_int_equal(bus_register(&bus, BUS_MMIO, &r), 0);
	assert_int_equal(bus_read(&bus, BUS_MMIO, 0x1000, 3, &val), -EINVAL);
	assert_true(val == UINT64_MAX);
	assert_int_equal(bus_write(&bus, BUS_MMIO, 0x1000, 16, 0), -EINVAL);
	assert_int_equal(bus_read(&bus, BUS_MMIO, 0x1000, 0, &val), -EINVAL);
	assert_int_equal(d.nr, 0);
	bus_destroy(&bus);
}

static void test_offsets_and_widths(void **state)
{
	struct log_dev d = { 0 };
	struct bus bus;
	struct bus_region r = region(0x2000, 0x20, 4, &d);
	uint64_t val;

	(void)state;
	bus_init(&bus);
	assert_int_equal(bus_register(&bus, BUS_MMIO, &r), 0);

	assert_int_equal(bus_write(&bus, BUS_MMIO, 0x2004, 4, 0xdeadbeef), 0);
	assert_int_equal(d.nr, 1);
	assert_int_equal(d.log[0].offset, 4);
	assert_int_equal(d.log[0].size, 4);
	assert_int_equal(d.log[0].write, 1);
	assert_int_equal(bus_read(&bus, BUS_MMIO, 0x2004, 2, &val), 0);
	assert_int_equal(val, 0xbeef); /* garbage above masked off */
	assert_int_equal(d.log[1].offset, 4);
	assert_int_equal(d.log[1].size, 2);

	/* Wider than the device takes: split into little-endian pieces. */
	d.nr = 0;
	assert_int_equal(
		bus_write(&bus, BUS_MMIO, 0x2010, 8, 0x1122334455667788ULL), 0);
	assert_int_equal(d.nr, 2);
	assert_int_equal(d.log[0].offset, 0x10);
	assert_int_equal(d.log[0].size, 4);
	assert_int_equal(d.log[1].offset, 0x14);
	assert_int_equal(d.log[1].size, 4);
	assert_int_equal(d.regs[0x10], 0x88);
	assert_int_equal(d.regs[0x17], 0x11);
	assert_int_equal(bus_read(&bus, BUS_MMIO, 0x2010, 8, &val), 0);
	assert_true(val == 0x1122334455667788ULL);
	assert_int_equal(d.nr, 4);
	bus_destroy(&bus);
}

static void test_byte_device_split(void **state)
{
	struct log_dev d = { 0 };
	struct bus bus;
	struct bus_region r = region(0x3f8, 8, 1, &d);
	uint64_t val;

	(void)state;
	bus_init(&bus);
	assert_int_equal(bus_register(&bus, BUS_PIO, &r), 0);
	assert_int_equal(bus_write(&bus, BUS_PIO, 0x3f8, 4, 0x04030201), 0);
	assert_int_equal(d.nr, 4);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(d.log[i].offset, i);
		assert_int_equal(d.log[i].size, 1);
		assert_int_equal(d.regs[i], i + 1);
	}
	assert_int_equal(bus_read(&bus, BUS_PIO, 0x3fa, 2, &val), 0);
	assert_int_equal(val, 0x0403);
	bus_destroy(&bus);
}

static void test_msr_space(void **state)
{
	struct log_dev d = { 0 };
	struct bus bus;
	/* Eight MSRs from 0xc1, like IA32_PMC0..7. */
	struct bus_region r = region(0xc1, 8, 8, &d);
	uint64_t val;

	(void)state;
	bus_init(&bus);
	assert_int_equal(bus_register(&bus, BUS_MSR, &r), 0);

	/* One index per MSR: the last one is at 0xc8 and is 64 bits wide. */
	assert_int_equal(bus_write(&bus, BUS_MSR, 0xc8, 8, 42), 0);
	assert_int_equal(d.log[0].offset, 7);
	assert_int_equal(d.log[0].size, 8);
	assert_int_equal(bus_read(&bus, BUS_MSR, 0xc8, 8, &val), 0);
	assert_int_equal(val, 42);
	assert_int_equal(bus_read(&bus, BUS_MSR, 0xc9, 8, &val), -ENOENT);
	assert_int_equal(bus_read(&bus, BUS_MSR, 0xc0, 8, &val), -ENOENT);
	/* MSR accesses are always 64-bit. */
	assert_int_equal(bus_read(&bus, BUS_MSR, 0xc1, 4, &val), -EINVAL);

	/* A device refusal reaches the caller (the MSR path raises #GP). */
	d.fail = -EPERM;
	assert_int_equal(bus_write(&bus, BUS_MSR, 0xc1, 8, 1), -EPERM);
	assert_int_equal(bus_read(&bus, BUS_MSR, 0xc1, 8, &val), -EPERM);
	bus_destroy(&bus);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_and_find),
		cmocka_unit_test(test_many_regions),
		cmocka_unit_test(test_overlap_refused),
		cmocka_unit_test(test_invalid_regions),
		cmocka_unit_test(test_unassigned),
		cmocka_unit_test(test_bad_access_size),
		cmocka_unit_test(test_offsets_and_widths),
		cmocka_unit_test(test_byte_device_split),
		cmocka_unit_test(test_msr_space),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
