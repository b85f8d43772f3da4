/* SPDX-License-Identifier: GPL-2.0-only */
/* The emulated vPMU's CPL3 stepping probe VM, faked for unit tests. */
#ifndef TESTS_X86_FAKE_PROBE_H
#define TESTS_X86_FAKE_PROBE_H

#include <stdint.h>

/* The probe VM's kvm_run mapping: set the VM's run_mmap_size to it. */
#define PROBE_RUN_SIZE 12288

struct probe_script {
	uint32_t reason; /* every KVM_RUN's exit */
	int pc_skew;	 /* added to the right RIP after each step */
	unsigned int runs;
};

/*
 * Expects the probe's ioctls in order; each KVM_RUN checks the probe's
 * page tables and NOPs and exits with script->reason at the next RIP.
 */
void script_probe(struct probe_script *script);

#endif /* TESTS_X86_FAKE_PROBE_H */
