// SPDX-License-Identifier: GPL-2.0-only
/* What every machine is given, shares and answers: the `hvcheck run` core. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hvcheck_abi.h"
#include "vmm/machine.h"

#define MACHINE_KVM_PATH "/dev/kvm"

const struct machine_options *const machine_all_options[MACHINE_NR] = {
	&x86_machine_options,
	&arm64_machine_options,
};

int machine_fail(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("hvcheck: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

/* A whole line in s->line: an exit line's status is kept. */
static void machine_serial_line(struct machine_serial *s)
{
	static const char prefix[] = "EXIT: STATUS=";
	unsigned int len = s->line_len, i = sizeof(prefix) - 1, status = 0;

	/* line_len past the buffer only marks a line too long to be one */
	if (len > MACHINE_EXIT_LINE_MAX)
		return;
	if (len && s->line[len - 1] == '\r')
		len--;
	if (len <= i || memcmp(s->line, prefix, i))
		return;
	for (; i < len; i++) {
		if (s->line[i] < '0' || s->line[i] > '9')
			return;
		status = status * 10 + (unsigned int)(s->line[i] - '0');
	}
	if (status <= 255)
		__atomic_store_n(&s->said, (int)status + 1, __ATOMIC_RELEASE);
}

int machine_serial_said(const struct machine_serial *serial)
{
	return __atomic_load_n(&serial->said, __ATOMIC_ACQUIRE) - 1;
}

/*
 * One byte to stdout (unless quiet) and to the --serial file, each
 * flushed at once: a line the guest leaves open (U-Boot's "=> ", a
 * shell's prompt) is there for a reader while the guest waits, and a
 * signal that ends the VMM loses nothing.  The byte's exit costs far
 * more than the write.
 */
static void machine_serial_emit(struct machine_serial *s, uint8_t byte)
{
	if (!s->quiet) {
		putchar(byte);
		fflush(stdout);
	}
	if (s->file) {
		fputc(byte, s->file);
		fflush(s->file);
	}
}

/* The marker line that ends a capped log, on a line of its own. */
static void machine_serial_cap(struct machine_serial *s)
{
	char marker[80];
	int len = snprintf(marker, sizeof(marker), "\n%s%llu bytes\n",
			   HV_SERIAL_CAPPED_MARKER,
			   (unsigned long long)s->max_bytes);

	for (int i = 0; i < len && i < (int)sizeof(marker) - 1; i++)
		machine_serial_emit(s, (uint8_t)marker[i]);
}

bool machine_serial_out(void *serial, uint8_t byte)
{
	struct machine_serial *s = serial;

	if (s->max_bytes && s->bytes >= s->max_bytes)
		return false;
	if (!s->first_byte_ns)
		s->first_byte_ns = vm_now_ns();
	if (byte == '\n') {
		machine_serial_line(s);
		s->line_len = 0;
	} else if (s->line_len < MACHINE_EXIT_LINE_MAX) {
		s->line[s->line_len++] = byte;
	} else {
		s->line_len = MACHINE_EXIT_LINE_MAX + 1;
	}
	machine_serial_emit(s, byte);
	if (!s->max_bytes || ++s->bytes < s->max_bytes)
		return false;
	machine_serial_cap(s);
	return true;
}

int machine_image_map(struct machine_image *image)
{
	const char *path = image->path;
	struct stat st;
	void *map;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return machine_fail(HV_EXIT_BAD_IMAGE, "%s: cannot open: %s",
				    path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		close(fd);
		return machine_fail(HV_EXIT_BAD_IMAGE, "%s: unreadable: %s",
				    path, strerror(errno));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return machine_fail(HV_EXIT_BAD_IMAGE,
				    "%s: unreadable: not a regular file", path);
	}
	image->size = st.st_size;
	if (!image->size) {
		close(fd);
		return 0;
	}
	map = mmap(NULL, image->size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return machine_fail(HV_EXIT_BAD_IMAGE, "%s: unreadable: %s",
				    path, strerror(errno));
	image->data = map;
	return 0;
}

int machine_mem_alloc(struct guest_mem *mem, unsigned int mem_mib)
{
	int ret = vm_mem_alloc(mem, (uint64_t)mem_mib << 20);

	if (ret)
		return machine_fail(
			HV_EXIT_VMM_ERROR,
			"cannot allocate %u MiB of guest memory: %s", mem_mib,
			strerror(-ret));
	return 0;
}

int machine_kvm_open(struct machine_core *core)
{
	int ret;

	core->vm_opened = true;
	ret = vm_open(&core->vm, MACHINE_KVM_PATH);
	if (ret)
		return machine_fail(HV_EXIT_NO_KVM, "cannot use KVM: %s: %s",
				    core->vm.failed, strerror(-ret));
	return 0;
}

int machine_bus_register(struct bus *bus, enum bus_space space,
			 const struct bus_region *region, const char *what)
{
	int ret = bus_register(bus, space, region);

	if (ret)
		return machine_fail(HV_EXIT_VMM_ERROR, "cannot register %s: %s",
				    what, strerror(-ret));
	return 0;
}

int machine_guest_status(uint64_t status, char *why, size_t len)
{
	why[0] = '\0';
	if (status <= HV_STATUS_MAX)
		return (int)status;
	snprintf(why, len, "guest exit status %llu out of range (0..%d)",
		 (unsigned long long)status, HV_STATUS_MAX);
	return HV_EXIT_VMM_ERROR;
}

static void machine_guest_exit(void *vm, uint64_t status)
{
	char why[80];
	int verdict = machine_guest_status(status, why, sizeof(why));

	vm_stop(vm, verdict, VM_NO_VCPU, "%s", why);
}

int machine_exitdev_register(struct bus *bus, enum bus_space space,
			     uint64_t base, struct exitdev *exitdev,
			     struct vm *vm, const char *what)
{
	*exitdev =
		(struct exitdev){ .on_exit = machine_guest_exit, .opaque = vm };
	return machine_bus_register(bus, space,
				    &(struct bus_region){
					    .base = base,
					    .len = EXITDEV_NR_PORTS,
					    .max_access = 4,
					    .ops = &exitdev_bus_ops,
					    .opaque = exitdev,
					    .name = "exit",
				    },
				    what);
}

int machine_hostctl_register(struct bus *bus, enum bus_space space,
			     uint64_t base, uint64_t len,
			     struct hostctl *hostctl, const char *what)
{
	return machine_bus_register(bus, space,
				    &(struct bus_region){
					    .base = base,
					    .len = len,
					    .max_access = 4,
					    .ops = &hostctl_bus_ops,
					    .opaque = hostctl,
					    .name = "host-control",
				    },
				    what);
}

int machine_vcpus_alloc(struct machine_core *core, unsigned int nr)
{
	core->vcpus = calloc(nr, sizeof(*core->vcpus));
	if (!core->vcpus)
		return machine_fail(HV_EXIT_VMM_ERROR, "out of memory");
	return 0;
}

void machine_release(struct machine_core *core)
{
	for (unsigned int i = 0; i < core->nr_vcpus; i++)
		vcpu_destroy(&core->vcpus[i]);
	free(core->vcpus);
	bus_destroy(&core->bus);
	if (core->vm_opened)
		vm_destroy(&core->vm);
	vm_mem_free(&core->mem);
}

int machine_run_vcpus(struct vm *vm, unsigned int nr, unsigned int timeout_s,
		      const struct vcpu_array_ops *ops, void *vcpus)
{
	unsigned int started = 0;
	int ret = 0;

	for (; started < nr; started++) {
		ret = ops->start(vcpus, started);
		if (ret)
			break;
	}
	if (ret)
		vm_stop(vm, HV_EXIT_VMM_ERROR, VM_NO_VCPU, "%s: %s", vm->failed,
			strerror(-ret));
	else if (!vm_wait_stop(vm, (uint64_t)timeout_s * 1000000000))
		vm_stop(vm, HV_EXIT_TIMEOUT, 0,
			"timeout: the guest did not exit within %u s",
			timeout_s);
	for (unsigned int i = 0; i < started; i++)
		ops->stop(vcpus, i);
	fflush(stdout);

	if (vm->why[0])
		fprintf(stderr, "hvcheck: %s\n", vm->why);
	if (vm->culprit != VM_NO_VCPU &&
	    ops->dump_regs(vcpus, vm->culprit, stderr))
		fprintf(stderr, "hvcheck: cannot read vCPU %d registers: %s\n",
			vm->culprit, vm->failed);
	return vm->exit_status;
}
