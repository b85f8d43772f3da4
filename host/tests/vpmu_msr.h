/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit-test helpers: a vPMU model's MSRs read and written, or #GP. */
#ifndef TESTS_VPMU_MSR_H
#define TESTS_VPMU_MSR_H

#include <errno.h>
#include <stdint.h>

#include "vpmu/vpmu.h"

/* Include after <cmocka.h>. */

static inline uint64_t rd(struct vpmu *pmu, uint32_t msr)
{
	uint64_t val = 0xdeadbeef;

	assert_int_equal(vpmu_rdmsr(pmu, msr, &val), 0);
	return val;
}

static inline void wr(struct vpmu *pmu, uint32_t msr, uint64_t val)
{
	assert_int_equal(vpmu_wrmsr(pmu, msr, val), 0);
}

static inline void assert_rd_gp(struct vpmu *pmu, uint32_t msr)
{
	uint64_t val;

	assert_int_equal(vpmu_rdmsr(pmu, msr, &val), -EINVAL);
}

static inline void assert_wr_gp(struct vpmu *pmu, uint32_t msr, uint64_t val)
{
	assert_int_equal(vpmu_wrmsr(pmu, msr, val), -EINVAL);
}

#endif
