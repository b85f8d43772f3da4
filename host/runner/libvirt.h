/* SPDX-License-Identifier: GPL-2.0-only */
/* One test domain through the libvirt C API: create, console, wait, destroy. */
#ifndef RUNNER_LIBVIRT_H
#define RUNNER_LIBVIRT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runner/libvirt_xml.h"

/*
 * `hvcheck libvirt boot` exits with this when libvirt itself failed
 * (unreachable, refused, connection lost): EX_TEMPFAIL, an
 * infrastructure error that the suite records as "error", not "fail".
 */
#define LIBVIRT_EXIT_INFRA 75

/* How long a lost connection is retried to destroy the domain left. */
#define LIBVIRT_RECONNECT_S 15

/*
 * After a stop event the console stream still carries what libvirtd had
 * not yet read from the PTY; its end of file says all came.  This bounds
 * the wait when it never says so.
 */
#define LIBVIRT_DRAIN_MS 10000

struct libvirt_conn;

/* How a test domain ended. */
enum libvirt_end {
	LIBVIRT_END_EXIT,    /* the guest printed its EXIT line */
	LIBVIRT_END_STOPPED, /* the domain stopped without one */
	LIBVIRT_END_TIMEOUT, /* destroyed at the deadline */
	LIBVIRT_END_SIGNAL,  /* destroyed on a stop signal */
	LIBVIRT_END_INFRA,   /* libvirt failed: @why has its message */
};

struct libvirt_outcome {
	enum libvirt_end end;
	int signal; /* LIBVIRT_END_SIGNAL */
	char why[512];
};

struct libvirt_run_opts {
	int log_fd;	     /* the console's bytes go here */
	int stop_fd;	     /* readable on a stop signal (a signalfd), or -1 */
	unsigned int boot_s; /* allowance before the first output */
	unsigned int timeout_s;	   /* after the first output */
	unsigned int create_flags; /* virDomainCreateXML() flags */
};

/*
 * Opens @uri (the event loop thread started first).  0, or -EIO with
 * libvirt's message in @err.
 */
int libvirt_open(const char *uri, struct libvirt_conn **conn, char *err,
		 size_t err_size);
void libvirt_close(struct libvirt_conn *conn);

/*
 * Whether the connection offers KVM for the guest of @d (its domain
 * capabilities), and so the domain type: "kvm", else "qemu" (TCG), else
 * the first the driver's capabilities name ("test").  Sets @d as
 * libvirt_domain_defaults() does.  0, or -EIO with the message in @err.
 */
int libvirt_pick_type(struct libvirt_conn *conn, struct libvirt_domain *d,
		      char *err, size_t err_size);

/* The connection's URI and host name (static storage of @conn). */
const char *libvirt_uri(const struct libvirt_conn *conn);
const char *libvirt_hostname(const struct libvirt_conn *conn);

/*
 * Runs the domain of @xml, @o->create_flags (paused: the console is
 * attached, then the domain resumed) until its EXIT line, its end, the
 * deadline or a stop signal; destroys it and detaches the console.
 * Always fills @out.
 */
void libvirt_run(struct libvirt_conn *conn, const char *xml,
		 const struct libvirt_run_opts *o, struct libvirt_outcome *out);

/*
 * Whether the console's drain after the domain stopped is over at @now
 * (monotonic ms): its end of file seen, or LIBVIRT_DRAIN_MS since the
 * stop was first seen, which the first call records in @stopped_ms
 * (0 before).
 */
bool libvirt_drain_over(bool console_gone, uint64_t *stopped_ms, uint64_t now);

#endif
