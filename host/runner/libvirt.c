// SPDX-License-Identifier: GPL-2.0-only
/* One test domain through the libvirt C API: create, console, wait, destroy. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "runner/child.h"
#include "runner/libvirt.h"

#define EXIT_LINE     "EXIT: STATUS="
#define WAIT_STEP_MS  200
#define KEEPALIVE_S   5
#define KEEPALIVE_CNT 3

struct libvirt_conn {
	virConnectPtr conn;
	char uri[256];
	char hostname[256];
	pthread_mutex_t lock;
	bool closed;
	int close_reason;
	int wake[2]; /* the event thread wakes the waiter through this */
};

/* What the event thread sees of one running domain. */
struct domain_watch {
	struct libvirt_conn *c;
	int log_fd;
	char line[64]; /* the start of the current console line */
	size_t line_len;
	bool exit_seen;
	bool stopped;
	bool console_gone;
	int stop_event, stop_detail;
	uint64_t first_output_ms;
};

static pthread_once_t event_once = PTHREAD_ONCE_INIT;
static int event_ret;

static void quiet_errors(void *opaque, virErrorPtr err)
{
	(void)opaque;
	(void)err; /* callers report libvirt's message themselves */
}

static void *event_thread(void *arg)
{
	(void)arg;
	for (;;)
		virEventRunDefaultImpl();
	return NULL;
}

/* libvirt's event loop, registered before any connection, in a thread. */
static void start_event_loop(void)
{
	pthread_t thread;

	virSetErrorFunc(NULL, quiet_errors);
	event_ret = virEventRegisterDefaultImpl() ? -EIO : 0;
	if (!event_ret && pthread_create(&thread, NULL, event_thread, NULL))
		event_ret = -EAGAIN;
	if (!event_ret)
		pthread_detach(thread);
}

static void set_err(char *err, size_t size, const char *what)
{
	const char *msg = virGetLastErrorMessage();

	snprintf(err, size, "%s: %s", what, msg ? msg : "unknown error");
}

static void wake(struct libvirt_conn *c)
{
	char b = 0;

	if (write(c->wake[1], &b, 1) < 0) {
		/* full pipe: the waiter is due to look anyway */
	}
}

static void on_close(virConnectPtr conn, int reason, void *opaque)
{
	struct libvirt_conn *c = opaque;

	(void)conn;
	pthread_mutex_lock(&c->lock);
	c->closed = true;
	c->close_reason = reason;
	pthread_mutex_unlock(&c->lock);
	wake(c);
}

static int open_connection(struct libvirt_conn *c, char *err, size_t size)
{
	char *host;

	c->conn = virConnectOpenAuth(c->uri, virConnectAuthPtrDefault, 0);
	if (!c->conn) {
		set_err(err, size, c->uri);
		return -EIO;
	}
	/* a dead daemon or host is noticed within KEEPALIVE_S * (CNT + 1) */
	virConnectSetKeepAlive(c->conn, KEEPALIVE_S, KEEPALIVE_CNT);
	if (virConnectRegisterCloseCallback(c->conn, on_close, c, NULL)) {
		set_err(err, size, c->uri);
		return -EIO;
	}
	host = virConnectGetHostname(c->conn);
	snprintf(c->hostname, sizeof(c->hostname), "%s", host ? host : "");
	free(host);
	return 0;
}

/* Closes what open_connection() opened of @c, and the wake pipe. */
static void close_connection(struct libvirt_conn *c)
{
	if (c->conn) {
		virConnectUnregisterCloseCallback(c->conn, on_close);
		virConnectClose(c->conn);
	}
	close(c->wake[0]);
	close(c->wake[1]);
}

int libvirt_open(const char *uri, struct libvirt_conn **conn, char *err,
		 size_t err_size)
{
	struct libvirt_conn *c = NULL;
	int ret;

	*conn = NULL;
	pthread_once(&event_once, start_event_loop);
	ret = event_ret;
	if (ret) {
		snprintf(err, err_size, "libvirt event loop: %s",
			 strerror(-ret));
		goto out;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		ret = -ENOMEM;
		snprintf(err, err_size, "%s: %s", uri, strerror(ENOMEM));
		goto out;
	}
	snprintf(c->uri, sizeof(c->uri), "%s", uri);
	ret = -pthread_mutex_init(&c->lock, NULL);
	if (ret) {
		snprintf(err, err_size, "mutex: %s", strerror(-ret));
		goto err_free;
	}
	if (pipe2(c->wake, O_CLOEXEC | O_NONBLOCK)) {
		ret = -errno;
		snprintf(err, err_size, "pipe: %s", strerror(-ret));
		goto err_mutex;
	}
	ret = open_connection(c, err, err_size);
	if (ret)
		goto err_close;
	*conn = c;
	return 0;

err_close:
	close_connection(c);
err_mutex:
	pthread_mutex_destroy(&c->lock);
err_free:
	free(c);
out:
	return ret;
}

void libvirt_close(struct libvirt_conn *c)
{
	if (!c)
		return;
	close_connection(c);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

const char *libvirt_uri(const struct libvirt_conn *c)
{
	return c->uri;
}

const char *libvirt_hostname(const struct libvirt_conn *c)
{
	return c->hostname;
}

/* Whether the connection can run @d's guest as a domain of @type. */
static bool offers(struct libvirt_conn *c, const struct libvirt_domain *d,
		   const char *type)
{
	char *caps = virConnectGetDomainCapabilities(
		c->conn, NULL, d->arm64 ? "aarch64" : "x86_64",
		d->arm64 ? "virt" : "pc", type, 0);

	free(caps);
	return caps != NULL;
}

/* The first <domain type='...'/> the driver's capabilities name. */
static int driver_type(struct libvirt_conn *c, char *type, size_t size)
{
	char *caps = virConnectGetCapabilities(c->conn);
	const char *at = caps ? strstr(caps, "<domain type='") : NULL;
	int ret = -EIO;

	if (at) {
		at += strlen("<domain type='");
		snprintf(type, size, "%.*s", (int)strcspn(at, "'"), at);
		ret = 0;
	}
	free(caps);
	return ret;
}

int libvirt_pick_type(struct libvirt_conn *c, struct libvirt_domain *d,
		      char *err, size_t err_size)
{
	static char other[32]; /* the type of a driver that is not QEMU */

	if (offers(c, d, "kvm")) {
		libvirt_domain_defaults(d, true);
		return 0;
	}
	libvirt_domain_defaults(d, false);
	if (offers(c, d, "qemu"))
		return 0;
	if (driver_type(c, other, sizeof(other))) {
		set_err(err, err_size, "capabilities");
		return -EIO;
	}
	d->type = other;
	d->cpu = NULL; /* models are QEMU's */
	return 0;
}

/* Keeps the start of each console line, to see the EXIT line whole. */
static void scan_console(struct domain_watch *w, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			w->line[w->line_len] = '\0';
			if (!strncmp(w->line, EXIT_LINE, strlen(EXIT_LINE)))
				w->exit_seen = true;
			w->line_len = 0;
		} else if (w->line_len < sizeof(w->line) - 1) {
			w->line[w->line_len++] = buf[i];
		}
	}
}

static void on_console(virStreamPtr st, int events, void *opaque)
{
	struct domain_watch *w = opaque;
	char buf[4096];
	int got = 0;

	if (events & VIR_STREAM_EVENT_READABLE)
		got = virStreamRecv(st, buf, sizeof(buf));
	pthread_mutex_lock(&w->c->lock);
	if (got > 0) {
		if (!w->first_output_ms)
			w->first_output_ms = child_now_ms();
		if (write(w->log_fd, buf, (size_t)got) != got)
			w->console_gone = true;
		scan_console(w, buf, (size_t)got);
	} else if (got != -2) { /* -2: nothing now; 0: EOF; -1: error */
		w->console_gone = true;
		virStreamEventRemoveCallback(st);
	}
	pthread_mutex_unlock(&w->c->lock);
	wake(w->c);
}

static int on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event,
			int detail, void *opaque)
{
	struct domain_watch *w = opaque;

	(void)conn;
	(void)dom;
	if (event != VIR_DOMAIN_EVENT_STOPPED &&
	    event != VIR_DOMAIN_EVENT_CRASHED)
		return 0;
	pthread_mutex_lock(&w->c->lock);
	if (!w->stopped) {
		w->stopped = true;
		w->stop_event = event;
		w->stop_detail = detail;
	}
	pthread_mutex_unlock(&w->c->lock);
	wake(w->c);
	return 0;
}

/* The lifecycle event that stopped the domain, in words. */
static const char *stop_words(int event, int detail)
{
	if (event == VIR_DOMAIN_EVENT_CRASHED)
		return detail == VIR_DOMAIN_EVENT_CRASHED_PANICKED ?
			       "guest panicked" :
			       "guest crashed";
	switch (detail) {
	case VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN:
		return "shut down (triple fault, reset or power-off)";
	case VIR_DOMAIN_EVENT_STOPPED_DESTROYED:
		return "destroyed by someone else";
	case VIR_DOMAIN_EVENT_STOPPED_CRASHED:
		return "QEMU crashed";
	case VIR_DOMAIN_EVENT_STOPPED_FAILED:
		return "QEMU failed";
	default:
		return "stopped";
	}
}

/* One domain's run: what libvirt gave, what the callbacks saw. */
struct run_state {
	virDomainPtr dom;
	virStreamPtr st;
	int event_id;
	struct domain_watch w;
	uint64_t started_ms;
	uint64_t stopped_ms; /* when the waiter first saw the stop; 0: not yet */
};

static void infra(struct libvirt_outcome *out, const char *what)
{
	out->end = LIBVIRT_END_INFRA;
	set_err(out->why, sizeof(out->why), what);
}

/* Creates the domain, attaches events and console, resumes it. */
static int attach(struct libvirt_conn *c, const char *xml,
		  const struct libvirt_run_opts *o, struct run_state *rs,
		  struct libvirt_outcome *out)
{
	rs->dom = virDomainCreateXML(c->conn, xml, o->create_flags);
	if (!rs->dom) {
		infra(out, "domain refused");
		return -EIO;
	}
	rs->event_id = virConnectDomainEventRegisterAny(
		c->conn, rs->dom, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
		VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle), &rs->w, NULL);
	rs->st = virStreamNew(c->conn, VIR_STREAM_NONBLOCK);
	if (rs->event_id < 0 || !rs->st) {
		infra(out, "lifecycle events");
		return -EIO;
	}
	/* a PTY drops what the guest writes while nobody reads it */
	if (virDomainOpenConsole(rs->dom, NULL, rs->st,
				 VIR_DOMAIN_CONSOLE_FORCE) ||
	    virStreamEventAddCallback(rs->st,
				      VIR_STREAM_EVENT_READABLE |
					      VIR_STREAM_EVENT_ERROR |
					      VIR_STREAM_EVENT_HANGUP,
				      on_console, &rs->w, NULL)) {
		infra(out, "console");
		return -EIO;
	}
	rs->started_ms = child_now_ms();
	if ((o->create_flags & VIR_DOMAIN_START_PAUSED) &&
	    virDomainResume(rs->dom)) {
		infra(out, "resume");
		return -EIO;
	}
	return 0;
}

static const char *close_words(int reason)
{
	switch (reason) {
	case VIR_CONNECT_CLOSE_REASON_EOF:
		return "end of file from the daemon";
	case VIR_CONNECT_CLOSE_REASON_KEEPALIVE:
		return "keepalive timeout";
	case VIR_CONNECT_CLOSE_REASON_CLIENT:
		return "closed by the client";
	default:
		return "I/O error";
	}
}

bool libvirt_drain_over(bool console_gone, uint64_t *stopped_ms, uint64_t now)
{
	if (!*stopped_ms)
		*stopped_ms = now ? now : 1;
	return console_gone || now >= *stopped_ms + LIBVIRT_DRAIN_MS;
}

/* Whether the run is over at @now, then how in @out; under the lock. */
static bool run_over(const struct libvirt_conn *c, struct run_state *rs,
		     const struct libvirt_run_opts *o, uint64_t now,
		     struct libvirt_outcome *out)
{
	const struct domain_watch *w = &rs->w;
	uint64_t due = w->first_output_ms ?
			       w->first_output_ms + 1000ULL * o->timeout_s :
			       rs->started_ms + 1000ULL * o->boot_s;

	if (w->exit_seen) {
		out->end = LIBVIRT_END_EXIT;
	} else if (c->closed) {
		out->end = LIBVIRT_END_INFRA;
		snprintf(out->why, sizeof(out->why),
			 "connection to %s lost: %s", c->uri,
			 close_words(c->close_reason));
	} else if (w->stopped &&
		   libvirt_drain_over(w->console_gone, &rs->stopped_ms, now)) {
		out->end = LIBVIRT_END_STOPPED;
		snprintf(out->why, sizeof(out->why),
			 "domain ended without an EXIT line: %s",
			 stop_words(w->stop_event, w->stop_detail));
	} else if (now >= due) {
		out->end = LIBVIRT_END_TIMEOUT;
		if (w->first_output_ms)
			snprintf(out->why, sizeof(out->why),
				 "timeout after %u s", o->timeout_s);
		else
			snprintf(
				out->why, sizeof(out->why),
				"timeout: no console output within %u s of resuming the domain",
				o->boot_s);
	} else {
		return false;
	}
	return true;
}

/* Waits for a callback or a step; a stop signal's number, or 0. */
static int wait_step(struct libvirt_conn *c, int stop_fd)
{
	struct pollfd pfd[2] = { { .fd = c->wake[0], .events = POLLIN },
				 { .fd = stop_fd, .events = POLLIN } };
	struct signalfd_siginfo si;
	char drain[64];

	if (poll(pfd, stop_fd >= 0 ? 2 : 1, WAIT_STEP_MS) <= 0)
		return 0;
	while (read(c->wake[0], drain, sizeof(drain)) > 0)
		;
	if (stop_fd >= 0 && (pfd[1].revents & POLLIN) &&
	    read(stop_fd, &si, sizeof(si)) == sizeof(si))
		return (int)si.ssi_signo;
	return 0;
}

static void wait_end(struct libvirt_conn *c, struct run_state *rs,
		     const struct libvirt_run_opts *o,
		     struct libvirt_outcome *out)
{
	for (;;) {
		int sig;
		bool over;

		pthread_mutex_lock(&c->lock);
		over = run_over(c, rs, o, child_now_ms(), out);
		pthread_mutex_unlock(&c->lock);
		if (over)
			return;
		sig = wait_step(c, o->stop_fd);
		if (sig) {
			out->end = LIBVIRT_END_SIGNAL;
			out->signal = sig;
			snprintf(out->why, sizeof(out->why),
				 "stopped by signal %d", sig);
			return;
		}
	}
}

/*
 * The daemon went away with the domain still running (QEMU outlives
 * libvirtd, and autodestroy dies with the connection): reconnects for up
 * to LIBVIRT_RECONNECT_S and destroys it, and says which in @out.
 */
static void destroy_after_reconnect(struct libvirt_conn *c, const char *name,
				    int stop_fd, struct libvirt_outcome *out)
{
	uint64_t until = child_now_ms() + 1000ULL * LIBVIRT_RECONNECT_S;
	size_t len = strlen(out->why);
	char *tail = out->why + len;
	size_t room = sizeof(out->why) - len;

	while (child_now_ms() < until) {
		virConnectPtr conn = virConnectOpen(c->uri);
		virDomainPtr dom = conn ? virDomainLookupByName(conn, name) :
					  NULL;

		if (conn) {
			if (dom)
				virDomainDestroy(dom);
			snprintf(tail, room,
				 dom ? "; domain %s destroyed on reconnecting" :
				       "; domain %s gone on reconnecting",
				 name);
			if (dom)
				virDomainFree(dom);
			virConnectClose(conn);
			return;
		}
		if (wait_step(c, stop_fd))
			break;
		usleep(1000 * 1000);
	}
	snprintf(tail, room, "; domain %s may be left on %s", name, c->uri);
}

/* The last error says the domain ended by itself meanwhile (power-off). */
static bool already_gone(void)
{
	int code = virGetLastErrorCode();

	return code == VIR_ERR_NO_DOMAIN || code == VIR_ERR_OPERATION_INVALID;
}

static void detach(struct libvirt_conn *c, struct run_state *rs, int stop_fd,
		   struct libvirt_outcome *out)
{
	char name[256] = "";
	bool closed;

	pthread_mutex_lock(&c->lock);
	closed = c->closed;
	pthread_mutex_unlock(&c->lock);
	if (rs->st) {
		virStreamEventRemoveCallback(rs->st);
		virStreamAbort(rs->st);
		virStreamFree(rs->st);
	}
	if (rs->event_id >= 0)
		virConnectDomainEventDeregisterAny(c->conn, rs->event_id);
	if (!rs->dom)
		return;
	snprintf(name, sizeof(name), "%s", virDomainGetName(rs->dom) ?: "");
	if (!closed && virDomainIsActive(rs->dom) > 0 &&
	    virDomainDestroy(rs->dom) && !already_gone() &&
	    out->end != LIBVIRT_END_INFRA)
		infra(out, "destroying the domain");
	virDomainFree(rs->dom);
	if (closed)
		destroy_after_reconnect(c, name, stop_fd, out);
}

void libvirt_run(struct libvirt_conn *c, const char *xml,
		 const struct libvirt_run_opts *o, struct libvirt_outcome *out)
{
	struct run_state rs = { .event_id = -1,
				.w = { .c = c, .log_fd = o->log_fd } };

	memset(out, 0, sizeof(*out));
	if (!attach(c, xml, o, &rs, out))
		wait_end(c, &rs, o, out);
	detach(c, &rs, o->stop_fd, out);
}
