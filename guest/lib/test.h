/* SPDX-License-Identifier: GPL-2.0-only */
/* The test registry: tests register themselves in a linker section. */
#ifndef GUEST_TEST_H
#define GUEST_TEST_H

#include "types.h"

/* Runs only when named exactly, never as part of its group. */
#define TEST_EXPLICIT_ONLY BIT(0)

struct test_case {
	const char *name; /* "group.test"; each dot-separated part is a prefix */
	void (*run)(void);
	unsigned long flags;
};

/*
 * DEFINE_TEST(fn, "group.name") registers fn.  `tests=group` selects
 * every test of the group, `tests=group.name` just this one.
 */
#define DEFINE_TEST_FLAGS(fn, test_name, test_flags)                     \
	static const struct test_case test_case_##fn __used __aligned(8) \
		__section(".tests") = {                                  \
			.name = test_name,                               \
			.run = fn,                                       \
			.flags = test_flags,                             \
		}
#define DEFINE_TEST(fn, test_name) DEFINE_TEST_FLAGS(fn, test_name, 0)

/*
 * Runs the tests `tests=` selects, in command-line order, each once,
 * then prints the summary and exits.  Called by the boot code.
 */
__noreturn void test_main(void);

#endif /* GUEST_TEST_H */
