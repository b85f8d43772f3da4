// SPDX-License-Identifier: GPL-2.0-only
/* selftest.printf: snprintf conversions, padding and truncation. */
#include <stdarg.h>

#include "printf.h"
#include "report.h"
#include "string.h"
#include "test.h"

static void __printf(2, 3) expect(const char *want, const char *fmt, ...)
{
	char buf[96];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!strcmp(buf, want) && len == (int)strlen(want))
		report(true, "\"%s\" gives \"%s\"", fmt, want);
	else
		report(false, "\"%s\" gives \"%s\", got \"%s\" (length %d)",
		       fmt, want, buf, len);
}

static void test_printf(void)
{
	char small[4];
	int len;

	expect("-42 42", "%d %i", -42, 42);
	expect("4294967295", "%u", 4294967295u);
	expect("-9223372036854775808", "%ld",
	       (long)(-9223372036854775807L - 1));
	expect("deadbeef DEADBEEF", "%x %X", 0xdeadbeefu, 0xdeadbeefu);
	expect("123456789abcdef0", "%lx", 0x123456789abcdef0ul);
	expect("ffffffffffffffff", "%llx", 0xffffffffffffffffull);
	expect("[   42|42   ]", "[%5d|%-5d]", 42, 42);
	expect("-0042 0000beef", "%05d %08lx", -42, 0xbeeful);
	expect("0x1f 017", "%#x %#o", 0x1fu, 15u);
	expect("hello|hel|    hi", "%s|%.3s|%6s", "hello", "hello", "hi");
	expect("ok", "%c%c", 'o', 'k');
	expect("0x1000", "%p", (void *)0x1000);
	expect("100%", "%d%%", 100);
	expect("[  7]", "[%*d]", 3, 7);

	len = snprintf(small, sizeof(small), "%s", "hello");
	report(len == 5 && !strcmp(small, "hel"),
	       "snprintf truncates, terminates and returns the full length");
	len = snprintf(NULL, 0, "%d", 12345);
	report(len == 5, "snprintf with size 0 writes nothing, returns length");
}
DEFINE_TEST(test_printf, "selftest.printf");
