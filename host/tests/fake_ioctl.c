// SPDX-License-Identifier: GPL-2.0-only
/* A scriptable fake ioctl() for unit tests of the KVM glue. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_ioctl.h"

#define FAKE_MAX_STEPS	  64
#define FAKE_MAX_HANDLERS 8
#define FAKE_MAX_CALLS	  256

enum fake_kind { FAKE_RET, FAKE_FAIL, FAKE_OUT, FAKE_FN };

struct fake_step {
	unsigned long request;
	enum fake_kind kind;
	int value; /* return value or errno */
	const void *out;
	size_t out_len;
	fake_ioctl_fn fn;
	void *ctx;
};

static struct {
	pthread_mutex_t lock;
	struct fake_step steps[FAKE_MAX_STEPS];
	unsigned int nr_steps, next_step;
	struct fake_step handlers[FAKE_MAX_HANDLERS];
	unsigned int nr_handlers;
	struct fake_ioctl_call calls[FAKE_MAX_CALLS];
	unsigned int nr_calls;
} fake = { .lock = PTHREAD_MUTEX_INITIALIZER };

void fake_ioctl_reset(void)
{
	pthread_mutex_lock(&fake.lock);
	fake.nr_steps = fake.next_step = 0;
	fake.nr_handlers = 0;
	fake.nr_calls = 0;
	pthread_mutex_unlock(&fake.lock);
}

static void fake_add_step(struct fake_step step)
{
	assert_true(fake.nr_steps < FAKE_MAX_STEPS);
	fake.steps[fake.nr_steps++] = step;
}

void fake_ioctl_expect(unsigned long request, int ret)
{
	fake_add_step((struct fake_step){
		.request = request, .kind = FAKE_RET, .value = ret });
}

void fake_ioctl_expect_fail(unsigned long request, int err)
{
	fake_add_step((struct fake_step){
		.request = request, .kind = FAKE_FAIL, .value = err });
}

void fake_ioctl_expect_out(unsigned long request, const void *out, size_t len)
{
	fake_add_step((struct fake_step){ .request = request,
					  .kind = FAKE_OUT,
					  .out = out,
					  .out_len = len });
}

void fake_ioctl_expect_fn(unsigned long request, fake_ioctl_fn fn, void *ctx)
{
	fake_add_step((struct fake_step){
		.request = request, .kind = FAKE_FN, .fn = fn, .ctx = ctx });
}

void fake_ioctl_on(unsigned long request, fake_ioctl_fn fn, void *ctx)
{
	assert_true(fake.nr_handlers < FAKE_MAX_HANDLERS);
	fake.handlers[fake.nr_handlers++] = (struct fake_step){
		.request = request, .kind = FAKE_FN, .fn = fn, .ctx = ctx
	};
}

void fake_ioctl_verify(void)
{
	if (fake.next_step != fake.nr_steps)
		fail_msg("%u scripted ioctl(s) never came; next: 0x%lx",
			 fake.nr_steps - fake.next_step,
			 fake.steps[fake.next_step].request);
}

unsigned int fake_ioctl_nr_calls(void)
{
	return fake.nr_calls;
}

const struct fake_ioctl_call *fake_ioctl_call(unsigned int i)
{
	return i < fake.nr_calls ? &fake.calls[i] : NULL;
}

const struct fake_ioctl_call *fake_ioctl_find(unsigned long request,
					      unsigned int nth)
{
	for (unsigned int i = 0; i < fake.nr_calls; i++) {
		if (fake.calls[i].request == request && !nth--)
			return &fake.calls[i];
	}
	return NULL;
}

int fake_count_open_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *d;
	int n = 0;

	assert_non_null(dir);
	while ((d = readdir(dir)))
		n += d->d_name[0] != '.';
	closedir(dir);
	return n - 1; /* the directory's own fd */
}

static int fake_new_fd(void)
{
	int fd = memfd_create("fake-kvm", MFD_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, FAKE_FD_SIZE), 0);
	return fd;
}

static int fake_answer(const struct fake_step *s, int fd, unsigned long request,
		       void *arg)
{
	switch (s->kind) {
	case FAKE_RET:
		return s->value == FAKE_NEW_FD ? fake_new_fd() : s->value;
	case FAKE_FAIL:
		errno = s->value;
		return -1;
	case FAKE_OUT:
		memcpy(arg, s->out, s->out_len);
		return 0;
	case FAKE_FN:
		return s->fn(fd, request, arg, s->ctx);
	}
	return -1;
}

int __wrap_ioctl(int fd, unsigned long request, ...);

int __wrap_ioctl(int fd, unsigned long request, ...)
{
	struct fake_step step = { 0 };
	struct fake_ioctl_call *call = NULL;
	bool found = false;
	va_list ap;
	void *arg;
	int ret, saved_errno;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);

	pthread_mutex_lock(&fake.lock);
	for (unsigned int i = 0; i < fake.nr_handlers && !found; i++) {
		if (fake.handlers[i].request == request) {
			step = fake.handlers[i];
			found = true;
		}
	}
	if (!found && fake.next_step < fake.nr_steps) {
		step = fake.steps[fake.next_step++];
		if (step.request != request) {
			pthread_mutex_unlock(&fake.lock);
			fail_msg("ioctl 0x%lx on fd %d, expected 0x%lx",
				 request, fd, step.request);
		}
		found = true;
	}
	if (fake.nr_calls < FAKE_MAX_CALLS) {
		call = &fake.calls[fake.nr_calls++];
		*call = (struct fake_ioctl_call){ .fd = fd,
						  .request = request,
						  .arg = (uintptr_t)arg };
	}
	pthread_mutex_unlock(&fake.lock);
	if (!found)
		fail_msg("unexpected ioctl 0x%lx on fd %d", request, fd);

	/* Handlers may block (KVM_RUN), so no lock around them. */
	ret = fake_answer(&step, fd, request, arg);
	saved_errno = errno;
	if (call && (_IOC_DIR(request) != _IOC_NONE) && arg) {
		call->data_len = _IOC_SIZE(request);
		if (call->data_len > sizeof(call->data))
			call->data_len = sizeof(call->data);
		memcpy(call->data, arg, call->data_len);
	}
	errno = saved_errno;
	return ret;
}
