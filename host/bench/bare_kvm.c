// SPDX-License-Identifier: GPL-2.0-only
/* bare-kvm: make bench's figures for the KVM uAPI alone, the reference. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sysexits.h>
#include <time.h>

/*
 * hvcheck's devices, written out rather than taken from hvcheck_abi.h:
 * this program is the least a VMM does, and shares no code with hvcheck.
 */
#define UART_PORT  0x3f8
#define IDLE_PORT  0x80	 /* no device: both VMMs drop the write */
#define PMU_MSR	   0x38f /* IA32_PERF_GLOBAL_CTRL, what bench.pmu reads */
#define GUEST_SIZE 4096

/*
 * The guest at guest-physical 0, in flat 32-bit protected mode as
 * hvcheck's Multiboot2 entry is: one loop per figure, entered by setting
 * RIP.  Its first instruction exits, a byte to the UART (RDX holds the
 * port); the VMM moves on from there.  The stepped loop is bench.pmu's:
 * nop, dec, jnz.
 */
enum { GUEST_ENTRY = 0, GUEST_PIO = 1, GUEST_MSR = 5, GUEST_STEP = 9 };
static const uint8_t guest_code[] = {
	0xee,		 /* 0: out %al, (%dx) */
	0xe6, IDLE_PORT, /* 1: out %al, $IDLE_PORT */
	0xeb, 0xfc,	 /* 3: jmp 1 */
	0x0f, 0x32,	 /* 5: rdmsr (ECX = PMU_MSR) */
	0xeb, 0xfc,	 /* 7: jmp 5 */
	0x90,		 /* 9: nop */
	0x4b,		 /* 10: dec %ebx */
	0x75, 0xfc,	 /* 11: jnz 9 */
	0xeb, 0xfa,	 /* 13: jmp 9 */
};

struct bare {
	int kvm_fd, vm_fd, vcpu_fd;
	struct kvm_run *run;
	struct kvm_regs regs;
	char why[128]; /* what failed, for main's message */
};

struct bare_counts {
	uint64_t io, msr, steps;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* An error's message; errno's value after it, negated. */
static int bare_fail(struct bare *b, const char *what)
{
	int err = errno;

	snprintf(b->why, sizeof(b->why), "%s: %s", what, strerror(err));
	return -err;
}

static int bare_ioctl(struct bare *b, int fd, unsigned long req, void *arg,
		      const char *what)
{
	int ret = ioctl(fd, req, arg);

	return ret < 0 ? bare_fail(b, what) : ret;
}

static int bare_set_sregs(struct bare *b)
{
	struct kvm_segment seg = {
		.limit = 0xffffffff,
		.selector = 0x10,
		.type = 3, /* data, read/write, accessed */
		.present = 1,
		.db = 1,
		.s = 1,
		.g = 1,
	};
	struct kvm_sregs sregs;
	int ret;

	ret = bare_ioctl(b, b->vcpu_fd, KVM_GET_SREGS, &sregs, "KVM_GET_SREGS");
	if (ret < 0)
		return ret;
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = seg;
	seg.selector = 0x08;
	seg.type = 11; /* code, execute/read, accessed */
	sregs.cs = seg;
	sregs.cr0 |= 1; /* PE */
	return bare_ioctl(b, b->vcpu_fd, KVM_SET_SREGS, &sregs,
			  "KVM_SET_SREGS");
}

static int bare_set_rip(struct bare *b, uint64_t rip)
{
	b->regs.rip = rip;
	return bare_ioctl(b, b->vcpu_fd, KVM_SET_REGS, &b->regs,
			  "KVM_SET_REGS");
}

/* One VM with one page of memory and one vCPU at the guest's entry. */
static int bare_create(struct bare *b)
{
	struct kvm_userspace_memory_region mem = { .memory_size = GUEST_SIZE };
	void *ram;
	int ret;

	ret = b->vm_fd =
		bare_ioctl(b, b->kvm_fd, KVM_CREATE_VM, 0, "KVM_CREATE_VM");
	if (ret < 0)
		return ret;
	ram = mmap(NULL, GUEST_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED)
		return bare_fail(b, "mmap of guest memory");
	memcpy(ram, guest_code, sizeof(guest_code));
	mem.userspace_addr = (uintptr_t)ram;
	ret = bare_ioctl(b, b->vm_fd, KVM_SET_USER_MEMORY_REGION, &mem,
			 "KVM_SET_USER_MEMORY_REGION");
	if (ret >= 0)
		ret = bare_ioctl(b, b->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0,
				 "KVM_GET_VCPU_MMAP_SIZE");
	if (ret < 0)
		return ret;
	b->vcpu_fd =
		bare_ioctl(b, b->vm_fd, KVM_CREATE_VCPU, 0, "KVM_CREATE_VCPU");
	if (b->vcpu_fd < 0)
		return b->vcpu_fd;
	b->run = mmap(NULL, ret, PROT_READ | PROT_WRITE, MAP_SHARED, b->vcpu_fd,
		      0);
	if (b->run == MAP_FAILED)
		return bare_fail(b, "mmap of kvm_run");
	ret = bare_set_sregs(b);
	b->regs = (struct kvm_regs){ .rflags = 2, .rdx = UART_PORT };
	return ret < 0 ? ret : bare_set_rip(b, GUEST_ENTRY);
}

/*
 * One entry that must end in the exit `want` (for KVM_EXIT_IO, a write
 * to `port`); an RDMSR exit is answered with 0, as a VMM would.
 */
static int bare_run(struct bare *b, uint32_t want, uint16_t port)
{
	struct kvm_run *run = b->run;
	int ret;

	ret = bare_ioctl(b, b->vcpu_fd, KVM_RUN, NULL, "KVM_RUN");
	if (ret < 0)
		return ret;
	if (run->exit_reason != want ||
	    (want == KVM_EXIT_IO &&
	     (run->io.port != port || run->io.direction != KVM_EXIT_IO_OUT))) {
		snprintf(
			b->why, sizeof(b->why),
			"KVM_RUN: exit reason %u (port 0x%x), not %u (port 0x%x)",
			run->exit_reason, run->io.port, want, port);
		return -EPROTO;
	}
	if (want == KVM_EXIT_X86_RDMSR) {
		run->msr.data = 0;
		run->msr.error = 0;
	}
	return 0;
}

/* Process start to the first KVM_RUN, and to the UART byte it gives. */
static int bare_boot(struct bare *b, uint64_t start_ns)
{
	uint64_t entry_ns;
	int ret;

	b->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (b->kvm_fd < 0)
		return bare_fail(b, "/dev/kvm");
	ret = bare_create(b);
	if (ret < 0)
		return ret;
	entry_ns = now_ns();
	ret = bare_run(b, KVM_EXIT_IO, UART_PORT);
	if (ret < 0)
		return ret;
	printf("bare-kvm: guest-entry %.3f ms\n", (entry_ns - start_ns) / 1e6);
	printf("bare-kvm: first-serial-byte %.3f ms\n",
	       (now_ns() - start_ns) / 1e6);
	return 0;
}

/* n entries from the loop at rip, each ending in the exit want; ns. */
static int bare_loop(struct bare *b, uint64_t rip, uint64_t n, uint32_t want,
		     uint16_t port, uint64_t *ns)
{
	uint64_t start_ns;
	int ret;

	ret = bare_set_rip(b, rip);
	start_ns = now_ns();
	for (uint64_t i = 0; ret >= 0 && i < n; i++)
		ret = bare_run(b, want, port);
	*ns = now_ns() - start_ns;
	return ret;
}

/*
 * As hvcheck's emulated vPMU: PMU MSR accesses exit to userspace through
 * an MSR filter that denies them (one MSR here).
 */
static int bare_msr_filter(struct bare *b)
{
	/* KVM copies the bitmap in whole longs; a zero bit denies. */
	static uint64_t deny;
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_X86_USER_SPACE_MSR,
		.args = { KVM_MSR_EXIT_REASON_FILTER },
	};
	struct kvm_msr_filter filter = {
		.flags = KVM_MSR_FILTER_DEFAULT_ALLOW,
		.ranges[0] = { .flags = KVM_MSR_FILTER_READ |
					KVM_MSR_FILTER_WRITE,
			       .nmsrs = 1,
			       .base = PMU_MSR,
			       .bitmap = (uint8_t *)&deny },
	};
	uint64_t start_ns = now_ns();
	int ret;

	ret = bare_ioctl(b, b->vm_fd, KVM_ENABLE_CAP, &cap,
			 "KVM_ENABLE_CAP(KVM_CAP_X86_USER_SPACE_MSR)");
	if (ret >= 0)
		ret = bare_ioctl(b, b->vm_fd, KVM_X86_SET_MSR_FILTER, &filter,
				 "KVM_X86_SET_MSR_FILTER");
	if (ret >= 0)
		printf("bare-kvm: msr-filter-setup %.3f ms\n",
		       (now_ns() - start_ns) / 1e6);
	return ret;
}

static int bare_guest_debug(struct bare *b, uint32_t control)
{
	struct kvm_guest_debug dbg = { .control = control };

	return bare_ioctl(b, b->vcpu_fd, KVM_SET_GUEST_DEBUG, &dbg,
			  "KVM_SET_GUEST_DEBUG");
}

/*
 * n single steps; with rearm, KVM_SET_GUEST_DEBUG before every entry as
 * hvcheck's emulated vPMU does (KVM's trap flag does not survive every
 * instruction), else armed once.
 */
static int bare_steps(struct bare *b, uint64_t n, bool rearm)
{
	const uint32_t step = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP;
	uint64_t start_ns, ns;
	int ret;

	ret = bare_set_rip(b, GUEST_STEP);
	if (ret >= 0)
		ret = bare_guest_debug(b, step);
	start_ns = now_ns();
	for (uint64_t i = 0; ret >= 0 && i < n; i++) {
		if (rearm)
			ret = bare_guest_debug(b, step);
		if (ret >= 0)
			ret = bare_run(b, KVM_EXIT_DEBUG, 0);
	}
	ns = now_ns() - start_ns;
	if (ret < 0)
		return ret;
	printf("bare-kvm: %s %.0f steps/s\n",
	       rearm ? "step-rate-rearm" : "step-rate", n * 1e9 / ns);
	return bare_guest_debug(b, 0);
}

static void bare_print_exit(const char *what, uint64_t n, uint64_t ns)
{
	printf("bare-kvm: %s %.3f us\n", what, ns / 1e3 / n);
}

/*
 * The loops, in an order that never moves RIP away from an RDMSR that
 * exited: KVM completes one at the next entry by skipping it, from
 * wherever RIP then is.
 */
static int bare_figures(struct bare *b, const struct bare_counts *n)
{
	uint64_t ns;
	int ret = 0;

	if (n->io) {
		ret = bare_loop(b, GUEST_PIO, n->io, KVM_EXIT_IO, IDLE_PORT,
				&ns);
		if (ret < 0)
			return ret;
		bare_print_exit("pio-exit-roundtrip", n->io, ns);
	}
	if (n->msr)
		ret = bare_msr_filter(b);
	if (ret >= 0 && n->steps)
		ret = bare_steps(b, n->steps, false);
	if (ret >= 0 && n->steps)
		ret = bare_steps(b, n->steps, true);
	if (ret < 0 || !n->msr)
		return ret;
	b->regs.rcx = PMU_MSR;
	ret = bare_loop(b, GUEST_MSR, n->msr, KVM_EXIT_X86_RDMSR, 0, &ns);
	if (ret >= 0)
		bare_print_exit("msr-exit-roundtrip", n->msr, ns);
	return ret;
}

static const char usage[] =
	"usage: bare-kvm [--io N] [--msr N] [--steps N]\n"
	"  Times a bare KVM VM as make bench times hvcheck: process start to\n"
	"  the first KVM_RUN and to the guest's first UART byte, then N port\n"
	"  I/O exits (default 2000), N RDMSR exits through an MSR filter\n"
	"  (2000) and N single steps (20000), not re-armed and re-armed.\n"
	"  N = 0 skips a loop.  Exits 69 when /dev/kvm does not open.\n";

/* 0 with the counts read, 1 for --help, or -EINVAL. */
static int bare_parse(int argc, char **argv, struct bare_counts *n)
{
	static const struct option opts[] = {
		{ "io", required_argument, NULL, 'i' },
		{ "msr", required_argument, NULL, 'm' },
		{ "steps", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	uint64_t *count;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'h')
			return 1;
		count = c == 'i' ? &n->io : c == 'm' ? &n->msr : &n->steps;
		if (c == '?' || optarg[0] == '-')
			return -EINVAL;
		errno = 0;
		*count = strtoull(optarg, &end, 0);
		if (errno || end == optarg || *end)
			return -EINVAL;
	}
	return optind == argc ? 0 : -EINVAL;
}

int main(int argc, char **argv)
{
	uint64_t start_ns = now_ns();
	struct bare_counts n = { .io = 2000, .msr = 2000, .steps = 20000 };
	struct bare b = { .kvm_fd = -1 };
	int ret;

	ret = bare_parse(argc, argv, &n);
	if (ret) {
		fputs(usage, ret > 0 ? stdout : stderr);
		return ret > 0 ? 0 : EX_USAGE;
	}
	ret = bare_boot(&b, start_ns);
	if (ret >= 0)
		ret = bare_figures(&b, &n);
	if (ret < 0) {
		fprintf(stderr, "bare-kvm: %s\n", b.why);
		return b.kvm_fd < 0 ? EX_UNAVAILABLE : EXIT_FAILURE;
	}
	return 0;
}
