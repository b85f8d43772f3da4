// SPDX-License-Identifier: GPL-2.0-only
/* selftest.cmdline: the manifest's parameters arrive exactly. */
#include "boot_info.h"
#include "cmdline.h"
#include "report.h"
#include "string.h"
#include "test.h"

/*
 * The manifest passes: selftest.str=hello-world selftest.num=42
 * selftest.hex=0x2a selftest.dup=1 selftest.dup=2
 */
static void test_cmdline(void)
{
	const char *str = cmdline_get_str("selftest.str", "");

	report(!strcmp(str, "hello-world"),
	       "string parameter selftest.str=hello-world");
	report(cmdline_get_u64("selftest.num", 0) == 42,
	       "decimal parameter selftest.num=42");
	report(cmdline_get_u64("selftest.hex", 0) == 42,
	       "hexadecimal parameter selftest.hex=0x2a");
	report(cmdline_get_u64("selftest.dup", 0) == 2,
	       "a repeated parameter takes its last value");
	report(!cmdline_has("selftest.absent") &&
		       cmdline_get_u64("selftest.absent", 7) == 7 &&
		       !strcmp(cmdline_get_str("selftest.absent", "d"), "d"),
	       "an absent parameter gives the default");
	report(boot_info.loader_name[0] != '\0',
	       "the boot loader gives its name");
}
DEFINE_TEST(test_cmdline, "selftest.cmdline");
