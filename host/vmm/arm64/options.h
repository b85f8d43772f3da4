/* SPDX-License-Identifier: GPL-2.0-only */
/* The arm64 machine's `hvcheck run` options: irqchip, image, initrd, vPMU. */
#ifndef VMM_ARM64_OPTIONS_H
#define VMM_ARM64_OPTIONS_H

#include <stdint.h>

#include "vgic/mode.h"
#include "vmm/arm64/image.h"
#include "vmm/machine.h"

enum arm64_pmu_mode {
	ARM64_PMU_AUTO, /* kvm when KVM offers KVM_CAP_ARM_PMU_V3, else off */
	ARM64_PMU_KVM,
	ARM64_PMU_OFF,
};

#define ARM64_MAX_PMU_FILTERS 16
#define ARM64_MAX_PMU_RESTORE 12

/*
 * One PMU register of --pmu-restore: its system register encoding
 * (op0 << 14 | op1 << 11 | CRn << 7 | CRm << 3 | op2, KVM's
 * ARM64_SYS_REG() without the id's top bits) and the value to set.
 */
#define SYSREG(op0, op1, crn, crm, op2) \
	((op0) << 14 | (op1) << 11 | (crn) << 7 | (crm) << 3 | (op2))

struct arm64_pmu_reg {
	uint32_t sysreg;
	uint64_t value;
};

struct arm64_options {
	enum vgic_mode irqchip; /* --irqchip, or KVM's in-kernel GICv3 */
	enum arm64_image_format format; /* --image-format */
	const char *initrd;		/* --initrd FILE, or NULL */
	enum arm64_pmu_mode pmu;
	unsigned int nr_pmu_filters;
	const char *pmu_filters[ARM64_MAX_PMU_FILTERS]; /* policy or @FILE */
	unsigned int nr_pmu_restore;
	struct arm64_pmu_reg pmu_restore[ARM64_MAX_PMU_RESTORE];
};

_Static_assert(sizeof(struct arm64_options) <= MACHINE_OPTIONS_MAX,
	       "struct arm64_options fits struct run_cmd");

/*
 * Parses a --pmu-restore SPEC (docs/arm64.md): REG=VALUE words separated
 * by ',' or ';', REG one of pmcr, pmcntenset, pmintenset, pmovsset,
 * pmuserenr, pmselr, pmccntr, pmccfiltr, pmevtyperN, pmevcntrN (N 0..30),
 * case-insensitive; in the order given, at most max of them (pmcr
 * gives the control bits 7:0 only: the VMM keeps KVM's N and ID
 * fields).  0, or -EINVAL with a one-line reason in err[errlen].
 */
int arm64_pmu_restore_parse(const char *spec, struct arm64_pmu_reg *regs,
			    unsigned int max, unsigned int *nr, char *err,
			    size_t errlen);

#endif /* VMM_ARM64_OPTIONS_H */
