// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the host-control channel's registers. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "hvcheck_abi.h"
#include "vmm/devices/hostctl.h"

/* The ABI's values, spelled out so that a changed constant shows. */
#define MAGIC_HVCK   0x4b435648
#define F_SPI	     0x1
#define F_PMU_FILTER 0x2
#define FILTER_NONE  0xffffffffu

#define NR_POLICIES 3

/* What the callbacks were asked, and what the filter one answers. */
struct host {
	unsigned int spi_calls;
	uint32_t spi_intid;
	enum hostctl_spi_op spi_op;
	unsigned int select_calls;
	uint32_t selected;
	int select_ret;
};

static int spi_cb(void *opaque, uint32_t intid, enum hostctl_spi_op op)
{
	struct host *h = opaque;

	h->spi_calls++;
	h->spi_intid = intid;
	h->spi_op = op;
	return -EINVAL; /* the guest never sees it */
}

static int select_cb(void *opaque, uint32_t index)
{
	struct host *h = opaque;

	h->select_calls++;
	h->selected = index;
	return h->select_ret;
}

struct fixture {
	struct host host;
	struct hostctl hc;
	struct bus bus;
};

/* The device on a bus as the VMM has it: x86 ports, max_access 4. */
static void attach(struct fixture *f, bool spi, bool filter,
		   uint32_t filter_active)
{
	f->hc = (struct hostctl){
		.spi = spi ? spi_cb : NULL,
		.filter_select = filter ? select_cb : NULL,
		.opaque = &f->host,
		.filter_count = NR_POLICIES,
		/* init must reset these */
		.filter_status = 77,
		.filter_active = 12,
	};
	hostctl_init(&f->hc, filter_active);
	bus_init(&f->bus);
	assert_int_equal(bus_register(&f->bus, BUS_PIO,
				      &(struct bus_region){
					      .base = HV_X86_HOSTCTL_PORT,
					      .len = HV_X86_HOSTCTL_NR_PORTS,
					      .max_access = 4,
					      .ops = &hostctl_bus_ops,
					      .opaque = &f->hc,
				      }),
			 0);
}

static int setup(void **state)
{
	static struct fixture f;

	f = (struct fixture){ 0 };
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	bus_destroy(&f->bus);
	return 0;
}

static uint64_t rd(struct fixture *f, unsigned int reg, unsigned int size)
{
	uint64_t val = 0x5a5a5a5a5a;

	assert_int_equal(bus_read(&f->bus, BUS_PIO, HV_X86_HOSTCTL_PORT + reg,
				  size, &val),
			 0);
	return val;
}

static uint32_t rd32(struct fixture *f, unsigned int reg)
{
	return rd(f, reg, 4);
}

static void wr(struct fixture *f, unsigned int reg, unsigned int size,
	       uint32_t val)
{
	assert_int_equal(bus_write(&f->bus, BUS_PIO, HV_X86_HOSTCTL_PORT + reg,
				   size, val),
			 0);
}

static void test_identity(void **state)
{
	struct fixture *f = *state;

	attach(f, false, false, FILTER_NONE);
	assert_int_equal(rd32(f, 0x000), MAGIC_HVCK);
	assert_int_equal(rd32(f, 0x004), 1);
	assert_int_equal(rd32(f, 0x008), 0);
	/* Read-only: writes change nothing. */
	wr(f, 0x000, 4, 0);
	wr(f, 0x004, 4, 7);
	wr(f, 0x008, 4, 0xffffffff);
	assert_int_equal(rd32(f, 0x000), MAGIC_HVCK);
	assert_int_equal(rd32(f, 0x004), 1);
	assert_int_equal(rd32(f, 0x008), 0);
}

static void test_features_follow_callbacks(void **state)
{
	struct fixture *f = *state;

	attach(f, true, false, FILTER_NONE);
	assert_int_equal(rd32(f, 0x008), F_SPI);
	bus_destroy(&f->bus);
	attach(f, false, true, FILTER_NONE);
	assert_int_equal(rd32(f, 0x008), F_PMU_FILTER);
	bus_destroy(&f->bus);
	attach(f, true, true, FILTER_NONE);
	assert_int_equal(rd32(f, 0x008), F_SPI | F_PMU_FILTER);
}

static void test_spi_registers(void **state)
{
	struct fixture *f = *state;
	static const struct {
		unsigned int reg;
		enum hostctl_spi_op op;
	} regs[] = {
		{ 0x010, HOSTCTL_SPI_ASSERT },
		{ 0x014, HOSTCTL_SPI_DEASSERT },
		{ 0x018, HOSTCTL_SPI_PULSE },
	};

	attach(f, true, false, FILTER_NONE);
	for (unsigned int i = 0; i < 3; i++) {
		wr(f, regs[i].reg, 4, 40 + i);
		assert_int_equal(f->host.spi_calls, i + 1);
		assert_int_equal(f->host.spi_intid, 40 + i);
		assert_int_equal(f->host.spi_op, regs[i].op);
		/* Write-only: they read 0 and call nothing. */
		assert_int_equal(rd32(f, regs[i].reg), 0);
		assert_int_equal(f->host.spi_calls, i + 1);
	}
}

static void test_spi_inert_without_callback(void **state)
{
	struct fixture *f = *state;

	attach(f, false, true, FILTER_NONE);
	wr(f, 0x010, 4, 33);
	wr(f, 0x014, 4, 33);
	wr(f, 0x018, 4, 33);
	assert_int_equal(f->host.spi_calls, 0);
	assert_int_equal(f->host.select_calls, 0);
}

static void test_filter_initial_state(void **state)
{
	struct fixture *f = *state;

	attach(f, false, true, 0);
	assert_int_equal(rd32(f, 0x024), 0);
	assert_int_equal(rd32(f, 0x028), NR_POLICIES);
	assert_int_equal(rd32(f, 0x02c), 0);
	assert_int_equal(rd32(f, 0x020), 0); /* write-only */
	bus_destroy(&f->bus);

	/* No policy installed at start. */
	attach(f, false, true, FILTER_NONE);
	assert_int_equal(rd32(f, 0x02c), FILTER_NONE);
	assert_int_equal(rd32(f, 0x024), 0);
}

static void test_filter_select(void **state)
{
	struct fixture *f = *state;

	attach(f, false, true, 0);
	wr(f, 0x020, 4, 2);
	assert_int_equal(f->host.select_calls, 1);
	assert_int_equal(f->host.selected, 2);
	assert_int_equal(rd32(f, 0x024), 0);
	assert_int_equal(rd32(f, 0x02c), 2);

	/* NONE is always a valid choice. */
	wr(f, 0x020, 4, FILTER_NONE);
	assert_int_equal(f->host.select_calls, 2);
	assert_int_equal(f->host.selected, FILTER_NONE);
	assert_int_equal(rd32(f, 0x024), 0);
	assert_int_equal(rd32(f, 0x02c), FILTER_NONE);

	wr(f, 0x020, 4, 0);
	assert_int_equal(f->host.selected, 0);
	assert_int_equal(rd32(f, 0x02c), 0);
	/* The count and the registers written to stay as they are. */
	wr(f, 0x024, 4, 5);
	wr(f, 0x028, 4, 9);
	wr(f, 0x02c, 4, 1);
	assert_int_equal(rd32(f, 0x024), 0);
	assert_int_equal(rd32(f, 0x028), NR_POLICIES);
	assert_int_equal(rd32(f, 0x02c), 0);
	assert_int_equal(f->host.select_calls, 3);
}

static void test_filter_select_out_of_range(void **state)
{
	struct fixture *f = *state;

	attach(f, false, true, 1);
	wr(f, 0x020, 4, NR_POLICIES);
	assert_int_equal(rd32(f, 0x024), ENOENT);
	assert_int_equal(rd32(f, 0x02c), 1);
	wr(f, 0x020, 4, 0xfffffffe);
	assert_int_equal(rd32(f, 0x024), ENOENT);
	assert_int_equal(rd32(f, 0x02c), 1);
	assert_int_equal(f->host.select_calls, 0);
	/* The next good select clears the status. */
	wr(f, 0x020, 4, NR_POLICIES - 1);
	assert_int_equal(rd32(f, 0x024), 0);
	assert_int_equal(rd32(f, 0x02c), NR_POLICIES - 1);
}

static void test_filter_select_fails(void **state)
{
	struct fixture *f = *state;

	attach(f, false, true, 0);
	f->host.select_ret = -E2BIG;
	wr(f, 0x020, 4, 1);
	assert_int_equal(f->host.select_calls, 1);
	assert_int_equal(rd32(f, 0x024), E2BIG);
	/* The old policy stays installed. */
	assert_int_equal(rd32(f, 0x02c), 0);
	f->host.select_ret = -EOPNOTSUPP;
	wr(f, 0x020, 4, FILTER_NONE);
	assert_int_equal(rd32(f, 0x024), EOPNOTSUPP);
	assert_int_equal(rd32(f, 0x02c), 0);
	f->host.select_ret = 0;
	wr(f, 0x020, 4, 1);
	assert_int_equal(rd32(f, 0x024), 0);
	assert_int_equal(rd32(f, 0x02c), 1);
}

static void test_filter_inert_without_callback(void **state)
{
	struct fixture *f = *state;

	attach(f, true, false, 0);
	wr(f, 0x020, 4, 1);
	assert_int_equal(f->host.select_calls, 0);
	assert_int_equal(f->host.spi_calls, 0);
	assert_int_equal(rd32(f, 0x024), 0);
	assert_int_equal(rd32(f, 0x028), 0);
	assert_int_equal(rd32(f, 0x02c), 0);
}

/* The host PMU's events: read-only, 0 and no feature bit when unknown. */
static void test_host_events(void **state)
{
	struct fixture *f = *state;

	attach(f, true, true, 0);
	f->hc.host_events = 0x8000000300020001ULL;
	assert_int_equal(rd32(f, 0x030), 0);
	assert_int_equal(rd32(f, 0x034), 0);
	assert_int_equal(rd32(f, 0x008), F_SPI | F_PMU_FILTER);
	f->hc.host_events_known = true;
	assert_int_equal(rd32(f, 0x008),
			 F_SPI | F_PMU_FILTER | HV_HOSTCTL_F_HOST_EVENTS);
	assert_int_equal(rd32(f, 0x030), 0x00020001);
	assert_int_equal(rd32(f, 0x034), 0x80000003);
	wr(f, 0x030, 4, 0);
	wr(f, 0x034, 4, 0);
	assert_int_equal(rd32(f, 0x030), 0x00020001);
	assert_int_equal(rd32(f, 0x034), 0x80000003);
	assert_int_equal(f->host.select_calls, 0);
}

static void test_other_widths(void **state)
{
	struct fixture *f = *state;

	attach(f, true, true, 0);
	/* inb and inw of a register: all-ones of their width. */
	assert_int_equal(rd(f, 0x000, 1), 0xff);
	assert_int_equal(rd(f, 0x000, 2), 0xffff);
	assert_int_equal(rd(f, 0x02c, 2), 0xffff);
	/* outb and outw do nothing. */
	wr(f, 0x010, 1, 5);
	wr(f, 0x010, 2, 5);
	wr(f, 0x020, 1, 1);
	wr(f, 0x020, 2, 1);
	assert_int_equal(f->host.spi_calls, 0);
	assert_int_equal(f->host.select_calls, 0);
	assert_int_equal(rd32(f, 0x02c), 0);
}

static void test_misaligned(void **state)
{
	struct fixture *f = *state;

	attach(f, true, true, 0);
	assert_int_equal(rd32(f, 0x002), 0xffffffff);
	assert_int_equal(rd32(f, 0x021), 0xffffffff);
	wr(f, 0x012, 4, 5);
	wr(f, 0x022, 4, 1);
	assert_int_equal(f->host.spi_calls, 0);
	assert_int_equal(f->host.select_calls, 0);
}

static void test_unknown_offsets(void **state)
{
	struct fixture *f = *state;
	uint64_t val;

	attach(f, true, true, 0);
	/* Between and after the registers, to the last port. */
	for (unsigned int reg = 0x00c; reg < HV_X86_HOSTCTL_NR_PORTS;
	     reg += 4) {
		if (reg >= 0x010 && reg <= 0x02c && reg != 0x01c)
			continue;
		assert_int_equal(rd32(f, reg), 0);
		wr(f, reg, 4, 1);
	}
	assert_int_equal(f->host.spi_calls, 0);
	assert_int_equal(f->host.select_calls, 0);
	assert_int_equal(rd32(f, 0x02c), 0);
	/* Past the device the bus has nothing: all-ones, not 0. */
	assert_int_equal(bus_read(&f->bus, BUS_PIO,
				  HV_X86_HOSTCTL_PORT + HV_X86_HOSTCTL_NR_PORTS,
				  4, &val),
			 -ENOENT);
	assert_int_equal(val, 0xffffffff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_features_follow_callbacks,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_spi_registers, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_host_events, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_spi_inert_without_callback,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_initial_state,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_select, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_filter_select_out_of_range,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_select_fails, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_filter_inert_without_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_widths, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_misaligned, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unknown_offsets, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, 0, NULL);
}
