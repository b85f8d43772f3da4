// SPDX-License-Identifier: GPL-2.0-only
/* The host-control channel's registers: a state machine over callbacks. */
#include <errno.h>

#include "hvcheck_abi.h"
#include "vmm/devices/hostctl.h"

#define HOSTCTL_REG_SIZE 4

void hostctl_init(struct hostctl *hc, uint32_t filter_active)
{
	hc->filter_status = 0;
	hc->filter_active = filter_active;
}

static uint32_t hostctl_features(const struct hostctl *hc)
{
	return (hc->spi ? HV_HOSTCTL_F_SPI : 0) |
	       (hc->filter_select ? HV_HOSTCTL_F_PMU_FILTER : 0) |
	       (hc->host_events_known ? HV_HOSTCTL_F_HOST_EVENTS : 0);
}

/* A width or alignment the registers do not have: nothing is there. */
static bool hostctl_bad_access(uint64_t offset, unsigned int size)
{
	return size != HOSTCTL_REG_SIZE || offset % HOSTCTL_REG_SIZE;
}

static int hostctl_read(void *opaque, uint64_t offset, unsigned int size,
			uint64_t *val)
{
	const struct hostctl *hc = opaque;
	bool filter = hc->filter_select != NULL;

	if (hostctl_bad_access(offset, size)) {
		*val = 0xffffffffu;
		return 0;
	}
	switch (offset) {
	case HV_HOSTCTL_MAGIC:
		*val = HV_HOSTCTL_MAGIC_VALUE;
		break;
	case HV_HOSTCTL_VERSION:
		*val = HV_HOSTCTL_VERSION_1;
		break;
	case HV_HOSTCTL_FEATURES:
		*val = hostctl_features(hc);
		break;
	case HV_HOSTCTL_FILTER_STATUS:
		*val = filter ? hc->filter_status : 0;
		break;
	case HV_HOSTCTL_FILTER_COUNT:
		*val = filter ? hc->filter_count : 0;
		break;
	case HV_HOSTCTL_FILTER_ACTIVE:
		*val = filter ? hc->filter_active : 0;
		break;
	case HV_HOSTCTL_HOST_EVENTS_LO:
		*val = hc->host_events_known ? (uint32_t)hc->host_events : 0;
		break;
	case HV_HOSTCTL_HOST_EVENTS_HI:
		*val = hc->host_events_known ? hc->host_events >> 32 : 0;
		break;
	default: /* the write-only registers too */
		*val = 0;
		break;
	}
	return 0;
}

static void hostctl_filter_select(struct hostctl *hc, uint32_t index)
{
	int ret;

	if (index != HV_HOSTCTL_FILTER_NONE && index >= hc->filter_count) {
		hc->filter_status = ENOENT;
		return;
	}
	ret = hc->filter_select(hc->opaque, index);
	hc->filter_status = -ret;
	if (!ret)
		hc->filter_active = index;
}

static int hostctl_write(void *opaque, uint64_t offset, unsigned int size,
			 uint64_t val)
{
	struct hostctl *hc = opaque;

	if (hostctl_bad_access(offset, size))
		return 0;
	switch (offset) {
	case HV_HOSTCTL_SPI_ASSERT:
		if (hc->spi)
			hc->spi(hc->opaque, (uint32_t)val, HOSTCTL_SPI_ASSERT);
		break;
	case HV_HOSTCTL_SPI_DEASSERT:
		if (hc->spi)
			hc->spi(hc->opaque, (uint32_t)val,
				HOSTCTL_SPI_DEASSERT);
		break;
	case HV_HOSTCTL_SPI_PULSE:
		if (hc->spi)
			hc->spi(hc->opaque, (uint32_t)val, HOSTCTL_SPI_PULSE);
		break;
	case HV_HOSTCTL_FILTER_SELECT:
		if (hc->filter_select)
			hostctl_filter_select(hc, (uint32_t)val);
		break;
	default: /* read-only registers and empty offsets */
		break;
	}
	return 0;
}

const struct bus_ops hostctl_bus_ops = {
	.read = hostctl_read,
	.write = hostctl_write,
};
