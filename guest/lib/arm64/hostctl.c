// SPDX-License-Identifier: GPL-2.0-only
/* The host-control channel on arm64: an MMIO page of 32-bit registers. */
#include "exceptions.h"
#include "hostctl.h"
#include "hvcheck_abi.h"
#include "printf.h"
#include "processor.h"

u32 hostctl_read(u32 reg)
{
	return readl(HV_ARM64_HOSTCTL_BASE + reg);
}

void hostctl_write(u32 reg, u32 value)
{
	writel(value, HV_ARM64_HOSTCTL_BASE + reg);
}

/* Under QEMU nothing is mapped there: the read aborts. */
bool hostctl_read_magic(u32 *magic, char *why, size_t size)
{
	u64 base = HV_ARM64_HOSTCTL_BASE + HV_HOSTCTL_MAGIC;
	u32 value = 0;
	int ec;

	ec = asm_safe("ldr %w0, [%1]", : "+r"(value) : "r"(base));
	if (ec != EXC_NONE) {
		snprintf(why, size,
			 "no host-control page at 0x%lx (%s): not under the "
			 "hvcheck VMM",
			 base, exception_name(ec));
		return false;
	}
	*magic = value;
	return true;
}
