// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the exit device at port 0xf4. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "hvcheck_abi.h"
#include "vmm/devices/exitdev.h"

struct seen {
	unsigned int calls;
	uint64_t status;
};

static void on_exit_cb(void *opaque, uint64_t status)
{
	struct seen *s = opaque;

	s->calls++;
	s->status = status;
}

static void test_write_widths(void **state)
{
	struct seen seen = { 0 };
	struct exitdev dev = { .on_exit = on_exit_cb, .opaque = &seen };
	struct bus bus;
	uint64_t val = 0xff;

	(void)state;
	bus_init(&bus);
	assert_int_equal(bus_register(&bus, BUS_PIO,
				      &(struct bus_region){
					      .base = HV_X86_EXIT_PORT,
					      .len = EXITDEV_NR_PORTS,
					      .max_access = 4,
					      .ops = &exitdev_bus_ops,
					      .opaque = &dev,
				      }),
			 0);
	/*
	 * outb, outw, outl: one exit each, the whole value the status, for
	 * the machine to refuse one above HV_STATUS_MAX (no 0x17b passing
	 * for 123, a VMM verdict).
	 */
	assert_int_equal(bus_write(&bus, BUS_PIO, HV_X86_EXIT_PORT, 1, 3), 0);
	assert_int_equal(seen.calls, 1);
	assert_int_equal(seen.status, 3);
	assert_int_equal(bus_write(&bus, BUS_PIO, HV_X86_EXIT_PORT, 2, 0x1ff),
			 0);
	assert_int_equal(seen.calls, 2);
	assert_int_equal(seen.status, 0x1ff);
	assert_int_equal(
		bus_write(&bus, BUS_PIO, HV_X86_EXIT_PORT, 4, 0x12345600), 0);
	assert_int_equal(seen.calls, 3);
	assert_int_equal(seen.status, 0x12345600);
	/* Reads are harmless zeros. */
	assert_int_equal(bus_read(&bus, BUS_PIO, HV_X86_EXIT_PORT, 1, &val), 0);
	assert_int_equal(val, 0);
	assert_int_equal(seen.calls, 3);
	bus_destroy(&bus);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_widths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
