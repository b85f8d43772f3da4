/* SPDX-License-Identifier: GPL-2.0-only */
/* PSCI calls to the hypervisor or firmware (power off, CPU on). */
#ifndef GUEST_PSCI_H
#define GUEST_PSCI_H

#include "types.h"

#define PSCI_SYSTEM_OFF 0x84000008
#define PSCI_CPU_ON_64	0xc4000003
#define SMCCC_VERSION	0x80000000

/*
 * The device tree's /psci "method": "hvc" (QEMU virt without EL2, KVM)
 * or "smc"; NULL keeps the default, HVC.  Returns -EINVAL for others.
 */
int psci_set_conduit(const char *method);
u64 psci_call(u32 fn, u64 arg0, u64 arg1, u64 arg2);

#endif /* GUEST_PSCI_H */
