/* SPDX-License-Identifier: GPL-2.0-only */
/* The host-control channel: a paired test asks the VMM to act mid-run. */
#ifndef VMM_DEVICES_HOSTCTL_H
#define VMM_DEVICES_HOSTCTL_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/bus.h"

/*
 * The registers of include/hvcheck_abi.h (HV_HOSTCTL_*) as a plain state
 * machine: the actions are callbacks, so the same device sits behind x86
 * ports (HV_X86_HOSTCTL_PORT) and an arm64 MMIO page
 * (HV_ARM64_HOSTCTL_BASE), and is unit-tested without KVM.  A NULL
 * callback leaves its feature bit clear and its registers inert: they
 * read 0 and ignore writes, like offsets with no register.
 */
enum hostctl_spi_op {
	HOSTCTL_SPI_ASSERT,
	HOSTCTL_SPI_DEASSERT,
	HOSTCTL_SPI_PULSE,
};

struct hostctl {
	/* Drives SPI intid's input line; 0 or -errno (ignored by the guest). */
	int (*spi)(void *opaque, uint32_t intid, enum hostctl_spi_op op);
	/*
	 * Installs event-filter policy index, below filter_count, or
	 * HV_HOSTCTL_FILTER_NONE: no filter.  0 or -errno, which
	 * FILTER_STATUS reports as a positive errno.  It runs under the
	 * bus lock, on the thread of the vCPU that asked.
	 */
	int (*filter_select)(void *opaque, uint32_t index);
	void *opaque;
	uint32_t filter_count;	/* policies the host holds */
	bool host_events_known; /* HV_HOSTCTL_F_HOST_EVENTS */
	uint64_t host_events;	/* the host PMU's common events 0x00-0x3f */

	uint32_t filter_status; /* of the last FILTER_SELECT */
	uint32_t filter_active; /* the installed policy, or _NONE */
};

/*
 * With the callbacks, opaque and filter_count filled in: the state after
 * reset, FILTER_STATUS 0 and FILTER_ACTIVE filter_active (the policy
 * installed before the guest starts, or HV_HOSTCTL_FILTER_NONE).
 */
void hostctl_init(struct hostctl *hc, uint32_t filter_active);

/*
 * For bus_register(); opaque is the hostctl.  Aligned 32-bit accesses
 * only: any other reads all-ones and is ignored when written.
 */
extern const struct bus_ops hostctl_bus_ops;

#endif /* VMM_DEVICES_HOSTCTL_H */
