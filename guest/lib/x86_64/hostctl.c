// SPDX-License-Identifier: GPL-2.0-only
/* The host-control channel on x86_64: 32-bit I/O ports. */
#include "hostctl.h"
#include "hvcheck_abi.h"
#include "processor.h"

u32 hostctl_read(u32 reg)
{
	return inl(HV_X86_HOSTCTL_PORT + reg);
}

void hostctl_write(u32 reg, u32 value)
{
	outl(value, HV_X86_HOSTCTL_PORT + reg);
}

/* A port nobody decodes reads all-ones: the magic comparison tells. */
bool hostctl_read_magic(u32 *magic, char *why, size_t size)
{
	(void)why;
	(void)size;
	*magic = hostctl_read(HV_HOSTCTL_MAGIC);
	return true;
}
