/* SPDX-License-Identifier: GPL-2.0-only */
/* The KVM virtual machine: /dev/kvm, the VM fd, guest RAM, the run verdict. */
#ifndef VMM_VM_H
#define VMM_VM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Guest RAM as the host sees it: guest-physical 0..size lives at host
 * address base.  Kept apart from struct vm so that the loader and the
 * table builders work on a plain memory view, with no KVM underneath.
 */
struct guest_mem {
	uint8_t *base;
	uint64_t size;
};

/*
 * The host's only way into guest memory: the host pointer for
 * [gpa, gpa + len), or NULL when any byte of it lies outside RAM.
 */
void *vm_gpa_to_hva(const struct guest_mem *mem, uint64_t gpa, uint64_t len);

/* Zero-filled, lazily backed guest RAM; returns 0 or -errno. */
int vm_mem_alloc(struct guest_mem *mem, uint64_t size);
void vm_mem_free(struct guest_mem *mem);

/* The verdict's vcpu when no vCPU's registers explain it. */
#define VM_NO_VCPU (-1)

struct vm {
	int kvm_fd;
	int vm_fd;
	int run_mmap_size;  /* bytes of each vCPU's struct kvm_run mapping */
	const char *failed; /* the KVM call that failed, for the message */

	/* How the run ended; the first vm_stop() decides. */
	pthread_mutex_t lock; /* also orders vcpu_kick() with vcpu_stop() */
	pthread_cond_t stopped_cond;
	bool stopping;
	int exit_status;
	int culprit;	  /* vCPU whose registers explain it, or VM_NO_VCPU */
	uint64_t stop_ns; /* vm_now_ns() of the deciding vm_stop() */
	char why[256];
};

/*
 * Opens the KVM device at kvm_path and checks its API version.  On
 * failure vm->failed names the step; vm_destroy() is always safe after
 * vm_open(), whatever it returned.
 */
int vm_open(struct vm *vm, const char *kvm_path);

/* What sets one machine's VM apart from the other's at creation. */
struct vm_shape {
	uint64_t ram_gpa; /* where the one memslot puts guest RAM */
	/*
	 * VM-wide set-up after the memslot and before any vCPU, or NULL;
	 * returns 0 or -errno with vm->failed naming the call.
	 */
	int (*setup)(struct vm *vm);
};

/*
 * Creates the VM (of the default type) with RAM from mem as one memslot
 * at shape->ram_gpa, runs shape->setup and learns the size of the vCPUs'
 * kvm_run mapping.  On failure nothing it made is left behind and
 * vm->failed names the step.
 */
int vm_create(struct vm *vm, const struct guest_mem *mem,
	      const struct vm_shape *shape);

/* Closes the VM fd vm_create() made; vm_destroy() is still safe after. */
void vm_close(struct vm *vm);

/* Closes everything vm_open() and vm_create() made. */
void vm_destroy(struct vm *vm);

/*
 * ioctl() that records what failed in vm->failed; returns the ioctl's
 * result or -errno.
 */
int vm_ioctl(struct vm *vm, int fd, unsigned long request, void *arg,
	     const char *what);

/*
 * A 64-bit register of the vCPU at vcpu_fd by its KVM_{GET,SET}_ONE_REG
 * id; 0 or -errno with vm->failed naming the call.
 */
int vm_get_one_reg(struct vm *vm, int vcpu_fd, uint64_t id, uint64_t *val);
int vm_set_one_reg(struct vm *vm, int vcpu_fd, uint64_t id, uint64_t val);

/*
 * KVM_CHECK_EXTENSION(cap) on the VM, whose answer can differ from
 * /dev/kvm's: 0 when KVM lacks cap, else KVM's positive answer (a
 * bitmask for some capabilities), or -errno with vm->failed set to what.
 */
int vm_check_cap(struct vm *vm, long cap, const char *what);

/* Drives an in-kernel PIC/IOAPIC input line. */
int vm_irq_line(struct vm *vm, unsigned int irq, bool level);

/*
 * Ends the run with the process exit status.  The first call decides:
 * it records status, culprit and the message and wakes vm_wait_stop();
 * later calls change nothing.  Returns true for the deciding call.
 */
bool vm_stop(struct vm *vm, int status, int culprit, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* True once vm_stop() has been called; cheap enough for every exit. */
bool vm_stopping(struct vm *vm);

/*
 * Waits for vm_stop() for at most timeout_ns (0: for ever); returns true
 * when the run was stopped, false on timeout.
 */
bool vm_wait_stop(struct vm *vm, uint64_t timeout_ns);

/* CLOCK_MONOTONIC in nanoseconds: the clock of every VMM timestamp. */
uint64_t vm_now_ns(void);

#endif /* VMM_VM_H */
