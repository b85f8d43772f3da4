/* SPDX-License-Identifier: GPL-2.0-only */
/* What every machine is given, shares and answers: the `hvcheck run` core. */
#ifndef VMM_MACHINE_H
#define VMM_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vmm/bus.h"
#include "vmm/devices/exitdev.h"
#include "vmm/devices/hostctl.h"
#include "vmm/options.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"

#define MACHINE_MAX_SMP	    64
/* Both machines': HV_X86_MAX_RAM_MIB and HV_ARM64_MAX_RAM_MIB. */
#define MACHINE_MAX_MEM_MIB 3072
#define MACHINE_MAX_TIMEOUT 86400 /* seconds */
#define MACHINE_MAX_CMDLINE 4096  /* bytes, with the terminating NUL */
#define MACHINE_ERR_SIZE    256	  /* a one-line reason */
/* The bytes of the largest machine's own options (struct x86_options). */
#define MACHINE_OPTIONS_MAX 512

/* What every machine boots, from the options every machine takes. */
struct machine_config {
	const char *guest; /* the image's path, also in messages */
	unsigned int smp;
	unsigned int mem_mib;
	unsigned int timeout_s;		   /* 0: wait for ever */
	char cmdline[MACHINE_MAX_CMDLINE]; /* the guest's command line */
};

/*
 * One machine's own options: parsed from its table into a struct of
 * size bytes (at most MACHINE_OPTIONS_MAX) that init sets to defaults;
 * both machines' tables are in every build, so that an option of the
 * other architecture is named and refused rather than unknown.
 */
struct machine_options {
	const char *arch; /* "x86_64", "arm64" */
	struct option_table table;
	size_t size;
	void (*init)(void *opts);
	/*
	 * Refuses values it cannot serve together with cfg: 0, or -EINVAL
	 * with the reason in err[errlen].
	 */
	int (*check)(const struct machine_config *cfg, const void *opts,
		     char *err, size_t errlen);
	/* Why this machine takes none of another machine's options. */
	const char *foreign_why;
};

extern const struct machine_options x86_machine_options;
extern const struct machine_options arm64_machine_options;
#define MACHINE_NR 2
/* Every machine's, in the order `hvcheck run --help` lists them. */
extern const struct machine_options *const machine_all_options[MACHINE_NR];

/* "EXIT: STATUS=" and up to 3 digits, a CR: an exit line fits. */
#define MACHINE_EXIT_LINE_MAX 20

/* Where the guest's serial output goes; see machine_serial_out(). */
struct machine_serial {
	bool quiet;		/* not to stdout */
	FILE *file;		/* --serial FILE, or NULL */
	uint64_t first_byte_ns; /* vm_now_ns() of the first byte, or 0 */
	/* The line being sent, up to MACHINE_EXIT_LINE_MAX bytes of it. */
	char line[MACHINE_EXIT_LINE_MAX];
	unsigned int line_len; /* past MACHINE_EXIT_LINE_MAX: no exit line */
	int said;	    /* the last exit line's status + 1; 0: none yet */
	uint64_t max_bytes; /* --serial-max: the cap, 0 for none */
	uint64_t bytes;	    /* sent so far, up to max_bytes */
};

/*
 * One byte the guest's UART sent; serial is a struct machine_serial.
 * A line "EXIT: STATUS=N" (N 0..255, the kvm-unit-tests convention the
 * hvcheck guest follows) is the guest's word on its status, for a
 * power-off that carries none.  Once max_bytes (when not 0) have been
 * sent, the output ends with a line HV_SERIAL_CAPPED_MARKER "N bytes"
 * and later bytes are dropped.  Returns true for the byte that reached
 * the cap, on which the machine ends the run (HV_EXIT_LOG_CAPPED).
 */
bool machine_serial_out(void *serial, uint8_t byte);

/*
 * The run's exit status for a guest status: itself within
 * 0..HV_STATUS_MAX, else HV_EXIT_VMM_ERROR with why (of len bytes) saying
 * so, since a higher one would pass for a VMM verdict; why is "" if not.
 */
int machine_guest_status(uint64_t status, char *why, size_t len);

/* N of the guest's last "EXIT: STATUS=N" line, or -1; any thread. */
int machine_serial_said(const struct machine_serial *serial);

/* The guest image file; the caller unmaps it after the machine is done. */
struct machine_image {
	const char *path;
	const void *data; /* NULL until mapped, and for an empty file */
	size_t size;
};

/* vm_now_ns() of the machine's boot phases; 0 for one that never came. */
struct machine_times {
	uint64_t entry_ns; /* just before vCPU 0's first KVM_RUN */
	uint64_t stop_ns;  /* the run's verdict */
};

/*
 * The machine built into this binary (x86/machine.c, arm64/machine.c):
 * its options, and the run of one guest.
 */
extern const struct machine_options *const machine_native;

/*
 * Boots image with cfg and the machine's own opts (checked), its serial
 * output to serial, and tears the machine down.  Returns the process
 * exit status, each failure said in one line on stderr; *times says
 * when the guest started and stopped.
 */
int machine_run(const struct machine_config *cfg, const void *opts,
		struct machine_image *image, struct machine_serial *serial,
		struct machine_times *times);

/* "hvcheck: " and one line on stderr; returns status to hand on. */
int machine_fail(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Maps the image file read-only; the machine calls it where it wants
 * the image, so that the order of its checks is its own.  Returns 0 or
 * HV_EXIT_BAD_IMAGE, said on stderr.
 */
int machine_image_map(struct machine_image *image);

/* What both machines own: RAM, the VM, the bus, the VMM's devices, vCPUs. */
struct machine_core {
	struct guest_mem mem;
	struct vm vm;
	bool vm_opened; /* vm_open() was called: vm_destroy() it */
	struct bus bus; /* initialised first: always destroyed */
	struct exitdev exitdev;
	struct hostctl hostctl;
	struct vcpu *vcpus;
	unsigned int nr_vcpus; /* created so far */
};

/*
 * The steps every machine starts with, failures said on stderr: guest
 * RAM of mem_mib (0 or HV_EXIT_VMM_ERROR), and /dev/kvm opened (0 or
 * HV_EXIT_NO_KVM; machine_release() is safe after it either way).
 */
int machine_mem_alloc(struct guest_mem *mem, unsigned int mem_mib);
int machine_kvm_open(struct machine_core *core);

/*
 * bus_register() of one of the machine's devices, a failure said as
 * "cannot register WHAT: reason".  Returns 0 or HV_EXIT_VMM_ERROR.
 */
int machine_bus_register(struct bus *bus, enum bus_space space,
			 const struct bus_region *region, const char *what);

/*
 * The exit device, its state in *exitdev, at base of space: the guest's
 * write there stops vm with the status written.  Returns as
 * machine_bus_register(), which names it what.
 */
int machine_exitdev_register(struct bus *bus, enum bus_space space,
			     uint64_t base, struct exitdev *exitdev,
			     struct vm *vm, const char *what);

/*
 * The host-control channel *hostctl, set up by hostctl_init(), as len
 * bytes at base of space (ports on x86, an MMIO page on arm64).
 * Returns as machine_bus_register(), which names it what.
 */
int machine_hostctl_register(struct bus *bus, enum bus_space space,
			     uint64_t base, uint64_t len,
			     struct hostctl *hostctl, const char *what);

/*
 * Room for nr vCPUs in core->vcpus: 0 or HV_EXIT_VMM_ERROR (said).  The
 * machine creates them one by one, counting core->nr_vcpus.
 */
int machine_vcpus_alloc(struct machine_core *core, unsigned int nr);

/*
 * Starts nr vCPUs and waits until the guest exits, fails or times out
 * (timeout_s, 0: never), stops the started ones, then says why on stderr
 * with the registers of the vCPU at fault.  Returns the exit status.
 */
int machine_run_vcpus(struct vm *vm, unsigned int nr, unsigned int timeout_s,
		      const struct vcpu_array_ops *ops, void *vcpus);

/*
 * The end of every machine's teardown, after the machine's own: the
 * vCPUs (their threads joined), the bus, the VM (when core->vm_opened)
 * and guest RAM.
 */
void machine_release(struct machine_core *core);

#endif /* VMM_MACHINE_H */
