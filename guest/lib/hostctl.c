// SPDX-License-Identifier: GPL-2.0-only
/* The host-control channel probe, the same on every architecture. */
#include "hostctl.h"
#include "hvcheck_abi.h"
#include "printf.h"

const char *hostctl_probe(u32 features, const char *what, char *why,
			  size_t size)
{
	u32 magic, offered;

	if (!hostctl_read_magic(&magic, why, size))
		return why;
	if (magic != HV_HOSTCTL_MAGIC_VALUE) {
		snprintf(why, size,
			 "the host-control channel's magic reads 0x%08x, not "
			 "0x%08x: not under the hvcheck VMM",
			 magic, HV_HOSTCTL_MAGIC_VALUE);
		return why;
	}
	offered = hostctl_read(HV_HOSTCTL_FEATURES);
	if ((offered & features) != features) {
		snprintf(why, size,
			 "the host-control channel cannot %s (features 0x%x, "
			 "needs 0x%x)",
			 what, offered, features);
		return why;
	}
	return NULL;
}
