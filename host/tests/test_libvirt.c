// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the libvirt glue against libvirt's test:///default driver. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>
#include <libvirt/libvirt.h>

#include "runner/libvirt.h"

#define TEST_URI "test:///default"

/* The XML of a small x86_64 domain of the driver's type. */
static char *test_xml(struct libvirt_conn *conn, const char *name)
{
	struct libvirt_domain d = { .name = name,
				    .smp = 1,
				    .mem_mib = 64,
				    .image = "/nonexistent/guest.iso",
				    .cmdline = "tests=selftest.report" };
	char err[256];

	assert_int_equal(libvirt_pick_type(conn, &d, err, sizeof(err)), 0);
	return libvirt_domain_xml(&d);
}

/* Whether the shared test:///default state holds domain @name. */
static bool domain_exists(const char *name)
{
	virConnectPtr conn = virConnectOpen(TEST_URI);
	virDomainPtr dom;

	assert_non_null(conn);
	dom = virDomainLookupByName(conn, name);
	if (dom)
		virDomainFree(dom);
	virConnectClose(conn);
	return dom != NULL;
}

/*
 * A stop seen with the console still open: the drain starts then, and
 * the run is not over before LIBVIRT_DRAIN_MS or the console's end.
 */
static void test_drain_after_stop(void **state)
{
	uint64_t t0 = 123456789, stopped_ms = 0;

	(void)state;
	assert_false(libvirt_drain_over(false, &stopped_ms, t0));
	assert_int_equal(stopped_ms, t0);
	assert_false(libvirt_drain_over(false, &stopped_ms,
					t0 + LIBVIRT_DRAIN_MS - 1));
	assert_int_equal(stopped_ms, t0);
	assert_true(
		libvirt_drain_over(false, &stopped_ms, t0 + LIBVIRT_DRAIN_MS));
	stopped_ms = 0;
	assert_true(libvirt_drain_over(true, &stopped_ms, t0));
}

static void test_open(void **state)
{
	struct libvirt_conn *conn;
	char err[256] = "";

	(void)state;
	assert_int_equal(libvirt_open(TEST_URI, &conn, err, sizeof(err)), 0);
	assert_string_equal(libvirt_uri(conn), TEST_URI);
	assert_true(libvirt_hostname(conn)[0]);
	libvirt_close(conn);
}

/* An unreachable daemon: -EIO and libvirt's message with the URI. */
static void test_open_fails(void **state)
{
	struct libvirt_conn *conn = (void *)1;
	char err[256] = "";

	(void)state;
	assert_int_equal(libvirt_open("test:///nonexistent/node.xml", &conn,
				      err, sizeof(err)),
			 -EIO);
	assert_null(conn);
	assert_non_null(strstr(err, "test:///nonexistent/node.xml: "));
	assert_true(strlen(err) > strlen("test:///nonexistent/node.xml: "));
}

/*
 * No descriptor left for the wake pipe: -EMFILE with "pipe: ..." and no
 * connection (the unwinding path of libvirt_open()).
 */
static void test_open_no_fds(void **state)
{
	struct libvirt_conn *conn = (void *)1;
	struct rlimit old, low;
	int fds[64], n = 0, ret;
	char err[256] = "";

	(void)state;
	/* the event loop thread first, with descriptors to spare */
	assert_int_equal(libvirt_open(TEST_URI, &conn, err, sizeof(err)), 0);
	libvirt_close(conn);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = 32;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	while (n < 64 && (fds[n] = dup(0)) >= 0)
		n++;
	ret = libvirt_open(TEST_URI, &conn, err, sizeof(err));
	while (n)
		close(fds[--n]);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	assert_int_equal(ret, -EMFILE);
	assert_null(conn);
	assert_string_equal(err, "pipe: Too many open files");
	/* nothing it did not open closed: the wake pipe's zeroed fds */
	assert_int_not_equal(fcntl(0, F_GETFD), -1);
}

/* No KVM nor QEMU there: the driver's own type, and no QEMU CPU model. */
static void test_pick_type(void **state)
{
	struct libvirt_domain d = { 0 };
	struct libvirt_conn *conn;
	char err[256];

	(void)state;
	assert_int_equal(libvirt_open(TEST_URI, &conn, err, sizeof(err)), 0);
	assert_int_equal(libvirt_pick_type(conn, &d, err, sizeof(err)), 0);
	assert_string_equal(d.type, "test");
	assert_null(d.cpu);
	libvirt_close(conn);
}

/* The XML passes libvirt's own schema (VIR_DOMAIN_DEFINE_VALIDATE). */
static void test_schema(void **state)
{
	struct libvirt_conn *conn;
	virConnectPtr raw = virConnectOpen(TEST_URI);
	char err[256], *xml, *bad;
	virDomainPtr dom;

	(void)state;
	assert_int_equal(libvirt_open(TEST_URI, &conn, err, sizeof(err)), 0);
	xml = test_xml(conn, "hvcheck-schema");
	dom = virDomainDefineXMLFlags(raw, xml, VIR_DOMAIN_DEFINE_VALIDATE);
	assert_non_null(dom);
	virDomainUndefine(dom);
	virDomainFree(dom);
	/* and the check bites: a <pmu> state the schema does not know */
	bad = strdup(xml);
	memcpy(strstr(bad, "state='o") + 7, "xx", 2);
	assert_null(
		virDomainDefineXMLFlags(raw, bad, VIR_DOMAIN_DEFINE_VALIDATE));
	free(bad);
	free(xml);
	virConnectClose(raw);
	libvirt_close(conn);
}

/*
 * A domain the daemon refuses (the test driver takes neither paused
 * nor autodestroy): an infrastructure error with libvirt's message.
 */
static void test_refused(void **state)
{
	struct libvirt_run_opts o = {
		.log_fd = -1,
		.stop_fd = -1,
		.boot_s = 1,
		.timeout_s = 1,
		.create_flags = VIR_DOMAIN_START_PAUSED |
				VIR_DOMAIN_START_AUTODESTROY,
	};
	struct libvirt_outcome out;
	struct libvirt_conn *conn;
	char err[256], *xml;

	(void)state;
	assert_int_equal(libvirt_open(TEST_URI, &conn, err, sizeof(err)), 0);
	xml = test_xml(conn, "hvcheck-refused");
	libvirt_run(conn, xml, &o, &out);
	assert_int_equal(out.end, LIBVIRT_END_INFRA);
	assert_non_null(strstr(out.why, "domain refused: "));
	assert_non_null(strstr(out.why, "unsupported flags"));
	assert_false(domain_exists("hvcheck-refused"));
	free(xml);
	libvirt_close(conn);
}

/*
 * Created, then the console cannot be had: an infrastructure error, and
 * the domain is destroyed all the same.
 */
static void test_console_fails_domain_gone(void **state)
{
	struct libvirt_run_opts o = {
		.log_fd = -1, .stop_fd = -1, .boot_s = 1, .timeout_s = 1
	};
	struct libvirt_outcome out;
	struct libvirt_conn *conn;
	char err[256], *xml;

	(void)state;
	assert_int_equal(libvirt_open(TEST_URI, &conn, err, sizeof(err)), 0);
	xml = test_xml(conn, "hvcheck-console");
	libvirt_run(conn, xml, &o, &out);
	assert_int_equal(out.end, LIBVIRT_END_INFRA);
	assert_non_null(strstr(out.why, "console: "));
	assert_false(domain_exists("hvcheck-console"));
	free(xml);
	libvirt_close(conn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drain_after_stop),
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_open_fails),
		cmocka_unit_test(test_open_no_fds),
		cmocka_unit_test(test_pick_type),
		cmocka_unit_test(test_schema),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_console_fails_domain_gone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
