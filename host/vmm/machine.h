/* SPDX-License-Identifier: GPL-2.0-only */
/* hvcheck run: boot one guest on KVM and exit with its status. */
#ifndef VMM_MACHINE_H
#define VMM_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vmm/bus.h"
#include "vmm/devices/exitdev.h"
#include "vmm/devices/hostctl.h"
#include "vmm/vm.h"

#define RUN_DEFAULT_SMP	    1
#define RUN_MAX_SMP	    64
#define RUN_DEFAULT_MEM_MIB 64
/* Both machines': HV_X86_MAX_RAM_MIB and HV_ARM64_MAX_RAM_MIB. */
#define RUN_MAX_MEM_MIB	    3072
#define RUN_DEFAULT_TIMEOUT 30 /* seconds */
#define RUN_MAX_TIMEOUT	    86400
#define RUN_MAX_CMDLINE	    4096 /* bytes, with the terminating NUL */
#define RUN_MAX_PMU_FILTERS 16	 /* --pmu-filter policies */
#define RUN_ERR_SIZE	    256	 /* a one-line reason */

enum run_pmu_mode {
	RUN_PMU_AUTO, /* kvm when KVM offers a vPMU, else emulated */
	RUN_PMU_KVM,
	RUN_PMU_EMULATED,
	RUN_PMU_OFF,
};

/*
 * --pmu-version, --pmu-gp-counters, --pmu-fixed-counters not given: the
 * x86 machine hands them to KVM as VPMU_KVM_AS_SUPPORTED.
 */
#define RUN_PMU_UNSET (-1)

struct run_options {
	const char *guest;
	unsigned int smp;
	unsigned int mem_mib;
	unsigned int timeout_s; /* 0: wait for ever */
	const char *serial_path;
	bool quiet;
	bool timestamps;
	bool help;
	/* x86_64's vPMU; pmu_opt is the last --pmu* option given, or NULL */
	const char *pmu_opt;
	enum run_pmu_mode pmu;
	int pmu_version; /* or RUN_PMU_UNSET */
	int pmu_gp;
	int pmu_fixed;
	bool pmu_stats;
	/* --pmu-filter arguments as given: policy text or @FILE */
	const char *pmu_filters[RUN_MAX_PMU_FILTERS];
	unsigned int nr_pmu_filters;
	/* arm64's --irqchip as given, or NULL for the machine's default */
	const char *irqchip;
	char cmdline[RUN_MAX_CMDLINE]; /* the words after "--", space-joined */
};

/*
 * Parses `run GUEST [options] [-- guest command line]` (argv[0] is
 * "run"), then lets the machine judge them (run_check_options()).
 * Returns 0, or -EINVAL with a one-line reason in err[errlen].
 */
int run_parse_args(int argc, char **argv, struct run_options *opts, char *err,
		   size_t errlen);

/* argv[0] is "run"; returns the process exit status. */
int run_main(int argc, char **argv);

/* Where the guest's serial output goes; see run_serial_out(). */
struct run_serial {
	bool quiet;		/* not to stdout */
	FILE *file;		/* --serial FILE, or NULL */
	uint64_t first_byte_ns; /* vm_now_ns() of the first byte, or 0 */
};

/* The guest image file; run_main() unmaps it after the machine is done. */
struct run_image {
	const char *path;
	const void *data; /* NULL until mapped, and for an empty file */
	size_t size;
};

/*
 * Maps the image file read-only; the machine calls it where it wants
 * the image, so that the order of its checks is its own.  Returns 0 or
 * HV_EXIT_BAD_IMAGE, said on stderr.
 */
int run_image_map(struct run_image *image);

/* vm_now_ns() of the machine's boot phases; 0 for one that never came. */
struct run_times {
	uint64_t entry_ns; /* just before vCPU 0's first KVM_RUN */
	uint64_t stop_ns;  /* the run's verdict */
};

/* One byte the guest's UART sent; serial is a struct run_serial. */
void run_serial_out(void *serial, uint8_t byte);

/* Formats a one-line reason into err[errlen]; returns -EINVAL. */
int run_arg_error(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "hvcheck: " and one line on stderr; returns status to hand on. */
int run_fail(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The two steps every machine starts with, failures said on stderr:
 * guest RAM of mem_mib (0 or HV_EXIT_VMM_ERROR), and /dev/kvm opened
 * (0 or HV_EXIT_NO_KVM; vm_destroy() is safe after it either way).
 */
int run_mem_alloc(struct guest_mem *mem, unsigned int mem_mib);
int run_kvm_open(struct vm *vm);

/*
 * bus_register() of one of the machine's devices, a failure said as
 * "cannot register WHAT: reason".  Returns 0 or HV_EXIT_VMM_ERROR.
 */
int run_bus_register(struct bus *bus, enum bus_space space,
		     const struct bus_region *region, const char *what);

/*
 * The exit device, its state in *exitdev, at base of space: the guest's
 * write there stops vm with the status written.  Returns as
 * run_bus_register(), which names it what.
 */
int run_exitdev_register(struct bus *bus, enum bus_space space, uint64_t base,
			 struct exitdev *exitdev, struct vm *vm,
			 const char *what);

/*
 * The host-control channel *hostctl, set up by hostctl_init(), as len
 * bytes at base of space (ports on x86, an MMIO page on arm64).
 * Returns as run_bus_register(), which names it what.
 */
int run_hostctl_register(struct bus *bus, enum bus_space space, uint64_t base,
			 uint64_t len, struct hostctl *hostctl,
			 const char *what);

/*
 * The end of every machine's teardown: the bus, the VM (NULL when
 * run_kvm_open() was never called) and guest RAM.
 */
void run_release(struct bus *bus, struct vm *vm, struct guest_mem *mem);

/* How run_vcpus() drives one machine's vCPUs, by index. */
struct run_vcpu_ops {
	int (*start)(void *machine, unsigned int i);
	/* Leaves KVM_RUN for good and joins the thread. */
	void (*stop)(void *machine, unsigned int i);
	int (*dump_regs)(void *machine, unsigned int i, FILE *out);
};

/*
 * Starts nr vCPUs and waits until the guest exits, fails or times out
 * (timeout_s, 0: never), stops the started ones, then says why on stderr
 * with the registers of the vCPU at fault.  Returns the exit status.
 */
int run_vcpus(struct vm *vm, unsigned int nr, unsigned int timeout_s,
	      const struct run_vcpu_ops *ops, void *machine);

/*
 * Each architecture's machine (run_x86.c, arm64/run_arm64.c) provides
 * these two.  run_check_options() refuses options it does not take or
 * values it cannot serve: 0, or -EINVAL with the reason in err[errlen].
 */
int run_check_options(const struct run_options *opts, char *err, size_t errlen);

/*
 * Boots image (mapped with run_image_map()) with opts, its serial output
 * to serial, and tears the machine down.  Returns the process exit
 * status, each failure said in one line on stderr; *times says when the
 * guest started and stopped.
 */
int run_machine(const struct run_options *opts, struct run_image *image,
		struct run_serial *serial, struct run_times *times);

#endif
