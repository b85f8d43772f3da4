/* SPDX-License-Identifier: GPL-2.0-only */
/* The suite runner: runs a test manifest, one fresh VM per entry. */
#ifndef RUNNER_SUITE_H
#define RUNNER_SUITE_H

#include <stdbool.h>

/* How QEMU runs the guests (target qemu). */
enum suite_qemu_accel {
	SUITE_QEMU_ACCEL_AUTO, /* kvm when /dev/kvm opens, else tcg */
	SUITE_QEMU_ACCEL_KVM,
	SUITE_QEMU_ACCEL_TCG,
};

/*
 * What to run and where, as `hvcheck suite` takes it from its options
 * (cli/suite.c, whose --help says more).  A path left NULL is the
 * default of the architecture: guest/tests/ARCH.cfg, build/ARCH/...
 */
struct suite_options {
	const char *arch; /* "x86_64" or "arm64" */
	const char *manifest;
	const char *guest;
	const char *iso;
	const char *out;	   /* the results directory */
	const char *tests;	   /* NULL: the default selection */
	unsigned int gic_versions; /* arm64: MANIFEST_GIC_* to run on */
	unsigned int irqchips;	   /* SUITE_IRQCHIP_BIT()s, 0: unset */
	/* "vmm", "qemu" or "nested", which runs as vmm */
	const char *target_name;
	const char *requested; /* for the results, NULL: @target_name */
	const char *bed;       /* nested: the test bed, NULL: none */
	const char *vmm;       /* NULL: this binary boots the tests */
	/*
	 * libvirt: the connections, one test on each at a time (default
	 * qemu:///system), and where the guest image is staged for the
	 * daemons' QEMU to read (default SUITE_LIBVIRT_STAGE)
	 */
	const char *const *uris;
	size_t uri_count;
	const char *stage;
	/*
	 * libvirt: `hvcheck libvirt`'s main, which a forked child calls with
	 * "libvirt boot ..." (never a re-exec of this binary); NULL in a
	 * build without libvirt, which refuses the target
	 */
	int (*libvirt_main)(int argc, char **argv);
	enum suite_qemu_accel accel;
	unsigned int jobs; /* 0: by target */
	/* every timeout times this, in thousandths (runner/manifest.h) */
	unsigned int timeout_scale;
	bool list;    /* print the selected tests instead of running them */
	bool verbose; /* print the command that boots each test */
	/* print the runner's fds, threads, RSS and children at start and end */
	bool resources;
};

#define SUITE_LIBVIRT_STAGE "/var/lib/libvirt/images/hvcheck"

/* The options of `hvcheck suite` without any: x86_64 guests on vmm. */
void suite_options_init(struct suite_options *opt);

/*
 * Runs the tests @opt selects, --jobs at a time, and writes the results
 * files; or with @opt->list prints those tests.  Says why on stderr when
 * it cannot.  Returns the exit status of `hvcheck suite`: 0 when no test
 * failed, 1 when one did, HV_EXIT_USAGE for a bad option or manifest,
 * HV_EXIT_NO_KVM when vmm or nested has no usable KVM, HV_EXIT_VMM_ERROR
 * when the runner itself failed, 128 + the signal that stopped it.
 */
int suite_run(const struct suite_options *opt);

#endif /* RUNNER_SUITE_H */
