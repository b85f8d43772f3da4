/* SPDX-License-Identifier: GPL-2.0-only */
/* A scriptable fake ioctl() for unit tests of the KVM glue. */
#ifndef TESTS_FAKE_IOCTL_H
#define TESTS_FAKE_IOCTL_H

#include <stddef.h>
#include <stdint.h>

/*
 * Every test binary is linked with -Wl,--wrap=ioctl, so the library's
 * ioctl() calls land here.  A test scripts the calls it expects, in
 * order, with what each returns; an unexpected call fails the test.
 * Requests answered by fake_ioctl_on() may come in any order and from
 * any thread (KVM_RUN on vCPU threads).
 */

/* Return value asking for a fresh fd (a 64 KiB memfd, so it can be mmapped). */
#define FAKE_NEW_FD  (-1000)
#define FAKE_FD_SIZE 65536

/* Called with the ioctl's own arguments; returns what ioctl() returns. */
typedef int (*fake_ioctl_fn)(int fd, unsigned long request, void *arg,
			     void *ctx);

/* What the fake saw. */
struct fake_ioctl_call {
	int fd;
	unsigned long request;
	uintptr_t arg; /* the argument itself: a pointer or a value */
	unsigned char data[1024]; /* *arg after the call, _IOC_SIZE bytes */
	size_t data_len;
};

/* Forgets every script, handler and recorded call. */
void fake_ioctl_reset(void);

/* The next scripted call is request; it returns ret (FAKE_NEW_FD: an fd). */
void fake_ioctl_expect(unsigned long request, int ret);
/* ... fails with errno err. */
void fake_ioctl_expect_fail(unsigned long request, int err);
/* ... copies out[len] into *arg and returns 0. */
void fake_ioctl_expect_out(unsigned long request, const void *out, size_t len);
/* ... is answered by fn. */
void fake_ioctl_expect_fn(unsigned long request, fake_ioctl_fn fn, void *ctx);

/* Every call of request, whenever it comes, is answered by fn. */
void fake_ioctl_on(unsigned long request, fake_ioctl_fn fn, void *ctx);

/* Fails the test unless every scripted call has happened. */
void fake_ioctl_verify(void);

unsigned int fake_ioctl_nr_calls(void);
const struct fake_ioctl_call *fake_ioctl_call(unsigned int i);
/* The nth (from 0) recorded call of request, or NULL. */
const struct fake_ioctl_call *fake_ioctl_find(unsigned long request,
					      unsigned int nth);

/* Open fds of this process, to prove an error path closed its own. */
int fake_count_open_fds(void);

#endif /* TESTS_FAKE_IOCTL_H */
