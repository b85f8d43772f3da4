// SPDX-License-Identifier: GPL-2.0-only
/* What the libFuzzer harnesses share: an input reader, checks, guest RAM. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz/fuzz.h"

uint64_t fuzz_bytes(struct fuzz_in *in, unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < n && i < 8; i++) {
		if (in->n) {
			v |= (uint64_t)in->p[0] << (8 * i);
			in->p++;
			in->n--;
		}
	}
	return v;
}

char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt,
	       ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: invariant broken: %s: ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void fuzz_check_one_line(const char *err)
{
	FUZZ_CHECK(err[0] != '\0', "an empty error message");
	FUZZ_CHECK(!strchr(err, '\n'), "an error of several lines: %s", err);
}

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

void fuzz_ram_init(struct guest_mem *ram, uint64_t size)
{
	size_t pg = page_size();
	uint8_t *p = mmap(NULL, size + 2 * pg, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED ||
	    mprotect(p + pg, size, PROT_READ | PROT_WRITE) != 0)
		abort();
	ram->base = p + pg;
	ram->size = size;
}

bool fuzz_ram_range_untouched(const struct guest_mem *ram, uint64_t ram_base,
			      uint64_t gpa, uint64_t len)
{
	size_t pg = page_size();
	uint64_t first = (gpa - ram_base) / pg;
	uint64_t end = (gpa - ram_base + len + pg - 1) / pg;
	unsigned char vec[ram->size / pg];

	if (gpa < ram_base || len > ram->size ||
	    gpa - ram_base > ram->size - len)
		abort(); /* the harness asked for a range outside RAM */
	if (mincore(ram->base + first * pg, (end - first) * pg, vec) != 0)
		abort();
	for (uint64_t i = 0; i < end - first; i++)
		if (vec[i] & 1)
			return false;
	return true;
}

bool fuzz_ram_untouched(const struct guest_mem *ram)
{
	return fuzz_ram_range_untouched(ram, 0, 0, ram->size);
}

void fuzz_check_refused(int ret, const char *err, const struct guest_mem *ram)
{
	FUZZ_CHECK(ret == -ENOEXEC, "refused with %d, not -ENOEXEC", ret);
	fuzz_check_one_line(err);
	FUZZ_CHECK(fuzz_ram_untouched(ram), "a refused image wrote RAM");
}

void fuzz_ram_reset(const struct guest_mem *ram)
{
	if (madvise(ram->base, ram->size, MADV_DONTNEED) != 0)
		abort();
}
