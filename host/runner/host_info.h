/* SPDX-License-Identifier: GPL-2.0-only */
/* What results.json says about the host: kernel, CPU, KVM, hvcheck. */
#ifndef RUNNER_HOST_INFO_H
#define RUNNER_HOST_INFO_H

#include <stddef.h>
#include <sys/utsname.h>

#include "runner/results.h"

struct host_info {
	struct results_host_item *item;
	size_t count;
	size_t cap; /* allocated */
};

/*
 * Collects the "host" object of results.json: @uts's release, version
 * and machine (null without @uts), the CPU's vendor and model from
 * /proc/cpuinfo, /proc/sys/kernel/nmi_watchdog, the KVM module
 * parameters that change how the vPMU behaves (only those that exist),
 * then hvcheck's version and commit.  Files are read below @root ("/"
 * on the host itself); an unreadable one is left out or null, not an
 * error.  Returns 0 or -ENOMEM; @info is then empty.
 */
int host_info_collect(const char *root, const struct utsname *uts,
		      struct host_info *info);

void host_info_free(struct host_info *info);

#endif
