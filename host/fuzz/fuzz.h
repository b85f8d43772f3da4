/* SPDX-License-Identifier: GPL-2.0-only */
/* What the libFuzzer harnesses share: an input reader, checks, guest RAM. */
#ifndef FUZZ_FUZZ_H
#define FUZZ_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/vm.h"

/* The fuzzer's bytes, taken from the front as a program's operands. */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

/* The next n bytes little-endian (zeros past the end); n <= 8. */
uint64_t fuzz_bytes(struct fuzz_in *in, unsigned int n);
#define fuzz_u8(in)  ((uint8_t)fuzz_bytes(in, 1))
#define fuzz_u16(in) ((uint16_t)fuzz_bytes(in, 2))
#define fuzz_u32(in) ((uint32_t)fuzz_bytes(in, 4))
#define fuzz_u64(in) fuzz_bytes(in, 8)

/* The input as a NUL-terminated string, malloc()ed; aborts on ENOMEM. */
char *fuzz_string(const uint8_t *data, size_t size);

/*
 * An invariant of the code under test: when it does not hold, the
 * harness names it and aborts, which libFuzzer reports as a crash and
 * saves the input (docs/reliability.md).
 */
#define FUZZ_CHECK(cond, ...)                                              \
	do {                                                               \
		if (!(cond))                                               \
			fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__); \
	} while (0)
void fuzz_fail(const char *file, int line, const char *cond, const char *fmt,
	       ...) __attribute__((noreturn, format(printf, 4, 5)));

/* An error message is one line, and not empty. */
void fuzz_check_one_line(const char *err);

/*
 * Guest RAM of size bytes (a multiple of the page size) between two
 * inaccessible guard pages, so that a write outside it faults; fresh
 * pages are not resident until written.
 */
void fuzz_ram_init(struct guest_mem *ram, uint64_t size);

/* Whether no page of ram has been written since fuzz_ram_reset(). */
bool fuzz_ram_untouched(const struct guest_mem *ram);

/* Whether no page of [gpa, gpa + len) of ram (at ram_base) was written. */
bool fuzz_ram_range_untouched(const struct guest_mem *ram, uint64_t ram_base,
			      uint64_t gpa, uint64_t len);

/*
 * A loader's refusal: -ENOEXEC, one line in err, no page of ram
 * written.
 */
void fuzz_check_refused(int ret, const char *err, const struct guest_mem *ram);

/* Gives ram back its zero pages, not resident. */
void fuzz_ram_reset(const struct guest_mem *ram);

#endif /* FUZZ_FUZZ_H */
