// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the arm64 vGIC glue: KVM's vGIC set-up, IRQ lines, user GICv2. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_ioctl.h"
#include "hvcheck_abi.h"
#include "vmm/arm64/irqchip.h"

#define VM_FD 42

/* The arm64 uAPI numbers (asm/kvm.h), as the KVM documentation gives them. */
#define GRP_ADDR	 0
#define GRP_NR_IRQS	 3
#define GRP_CTRL	 4
#define CTRL_INIT	 0
#define ADDR_V2_DIST	 0
#define ADDR_V2_CPU	 1
#define ADDR_V3_DIST	 2
#define ADDR_V3_REDIST	 3
#define DEV_TYPE_VGIC_V2 5
#define DEV_TYPE_VGIC_V3 7

struct attr_seen {
	uint32_t group;
	uint64_t attr;
	uint64_t value;
};

static struct {
	uint32_t created_type;
	int dev_fd;
	struct attr_seen attrs[8];
	unsigned int nr_attrs;
} seen;

static int fake_create_device(int fd, unsigned long request, void *arg,
			      void *ctx)
{
	struct kvm_create_device *cd = arg;

	(void)request;
	(void)ctx;
	assert_int_equal(fd, VM_FD);
	seen.created_type = cd->type;
	seen.dev_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	cd->fd = seen.dev_fd;
	return 0;
}

/* Records the attribute and the value its pointer holds during the call. */
static int fake_set_attr(int fd, unsigned long request, void *arg, void *ctx)
{
	const struct kvm_device_attr *a = arg;
	struct attr_seen *s = &seen.attrs[seen.nr_attrs++];

	(void)request;
	(void)ctx;
	assert_int_equal(fd, seen.dev_fd);
	s->group = a->group;
	s->attr = a->attr;
	if (a->group == GRP_NR_IRQS)
		s->value = *(const uint32_t *)(uintptr_t)a->addr;
	else if (a->group == GRP_ADDR)
		s->value = *(const uint64_t *)(uintptr_t)a->addr;
	return 0;
}

static int fake_fail_attr(int fd, unsigned long request, void *arg, void *ctx)
{
	fake_set_attr(fd, request, arg, ctx);
	errno = EINVAL;
	return -1;
}

static int setup(void **state)
{
	static struct vm vm;

	memset(&seen, 0, sizeof(seen));
	memset(&vm, 0, sizeof(vm));
	vm.vm_fd = VM_FD;
	fake_ioctl_reset();
	*state = &vm;
	return 0;
}

static void assert_attr(unsigned int i, uint32_t group, uint64_t attr,
			uint64_t value)
{
	assert_true(i < seen.nr_attrs);
	assert_int_equal(seen.attrs[i].group, group);
	assert_int_equal(seen.attrs[i].attr, attr);
	assert_int_equal(seen.attrs[i].value, value);
}

static void test_kvm_gicv3(void **state)
{
	char err[256] = "";
	int dev_fd = -1;

	fake_ioctl_expect_fn(KVM_CREATE_DEVICE, fake_create_device, NULL);
	for (int i = 0; i < 4; i++)
		fake_ioctl_expect_fn(KVM_SET_DEVICE_ATTR, fake_set_attr, NULL);
	assert_int_equal(vgic_kvm_create(*state, VGIC_MODE_KVM_GICV3, 4,
					 &dev_fd, err, sizeof(err)),
			 0);
	fake_ioctl_verify();
	assert_int_equal(seen.created_type, DEV_TYPE_VGIC_V3);
	assert_int_equal(dev_fd, seen.dev_fd);
	/* The selftests' order, QEMU virt's addresses. */
	assert_attr(0, GRP_NR_IRQS, 0, 288);
	assert_attr(1, GRP_ADDR, ADDR_V3_DIST, 0x08000000);
	assert_attr(2, GRP_ADDR, ADDR_V3_REDIST, 0x080a0000);
	assert_attr(3, GRP_CTRL, CTRL_INIT, 0);
	close(dev_fd);
}

static void test_kvm_gicv2(void **state)
{
	char err[256] = "";
	int dev_fd = -1;

	fake_ioctl_expect_fn(KVM_CREATE_DEVICE, fake_create_device, NULL);
	for (int i = 0; i < 4; i++)
		fake_ioctl_expect_fn(KVM_SET_DEVICE_ATTR, fake_set_attr, NULL);
	assert_int_equal(vgic_kvm_create(*state, VGIC_MODE_KVM_GICV2, 8,
					 &dev_fd, err, sizeof(err)),
			 0);
	fake_ioctl_verify();
	assert_int_equal(seen.created_type, DEV_TYPE_VGIC_V2);
	assert_attr(0, GRP_NR_IRQS, 0, 288);
	assert_attr(1, GRP_ADDR, ADDR_V2_DIST, 0x08000000);
	assert_attr(2, GRP_ADDR, ADDR_V2_CPU, 0x08010000);
	assert_attr(3, GRP_CTRL, CTRL_INIT, 0);
	close(dev_fd);
}

static void test_kvm_without_gicv2(void **state)
{
	int fds = fake_count_open_fds(), dev_fd = -1;
	char err[256] = "";

	fake_ioctl_expect_fail(KVM_CREATE_DEVICE, ENODEV);
	assert_int_equal(vgic_kvm_create(*state, VGIC_MODE_KVM_GICV2, 1,
					 &dev_fd, err, sizeof(err)),
			 -ENODEV);
	fake_ioctl_verify();
	assert_string_equal(
		err, "kvm-gicv2: this KVM cannot emulate a GICv2 "
		     "(KVM_CREATE_DEVICE: No such device); use user-gicv2");
	assert_int_equal(dev_fd, -1);
	assert_int_equal(fake_count_open_fds(), fds);

	fake_ioctl_expect_fail(KVM_CREATE_DEVICE, ENODEV);
	assert_int_equal(vgic_kvm_create(*state, VGIC_MODE_KVM_GICV3, 1,
					 &dev_fd, err, sizeof(err)),
			 -ENODEV);
	assert_string_equal(err, "kvm-gicv3: this KVM cannot emulate a GICv3 "
				 "(KVM_CREATE_DEVICE: No such device); use "
				 "kvm-gicv2 or user-gicv2");
}

static void test_kvm_attr_failure(void **state)
{
	int fds = fake_count_open_fds(), dev_fd = -1;
	char err[256] = "";

	fake_ioctl_expect_fn(KVM_CREATE_DEVICE, fake_create_device, NULL);
	fake_ioctl_expect_fn(KVM_SET_DEVICE_ATTR, fake_set_attr, NULL);
	fake_ioctl_expect_fn(KVM_SET_DEVICE_ATTR, fake_set_attr, NULL);
	fake_ioctl_expect_fn(KVM_SET_DEVICE_ATTR, fake_fail_attr, NULL);
	assert_int_equal(vgic_kvm_create(*state, VGIC_MODE_KVM_GICV3, 2,
					 &dev_fd, err, sizeof(err)),
			 -EINVAL);
	fake_ioctl_verify();
	assert_string_equal(err, "kvm-gicv3: KVM_SET_DEVICE_ATTR "
				 "(redistributor address): Invalid argument");
	/* The device fd is closed again, none handed out. */
	assert_int_equal(dev_fd, -1);
	assert_int_equal(fake_count_open_fds(), fds);
}

static void test_kvm_cpu_limits(void **state)
{
	char err[256] = "";
	int dev_fd = -1;

	/* Refused before any KVM call: the fake expects none. */
	assert_int_equal(vgic_kvm_create(*state, VGIC_MODE_KVM_GICV2, 9,
					 &dev_fd, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "kvm-gicv2: cannot serve 9 vCPUs");
	assert_int_equal(vgic_kvm_create(*state, VGIC_MODE_KVM_GICV3, 0,
					 &dev_fd, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(vgic_kvm_create(*state, VGIC_MODE_USER_GICV2, 1,
					 &dev_fd, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "user-gicv2: not an in-kernel vGIC");
	assert_int_equal(fake_ioctl_nr_calls(), 0);
}

static void test_irq_field(void **state)
{
	(void)state;
	/* 27:24 type, 23:16 vCPU index (bits 7:0), 31:28 its bits 11:8. */
	assert_int_equal(vgic_irq_field(VGIC_IRQ_TYPE_SPI, 0, 40), 0x01000028);
	assert_int_equal(vgic_irq_field(VGIC_IRQ_TYPE_PPI, 2, 27), 0x0202001b);
	assert_int_equal(vgic_irq_field(VGIC_IRQ_TYPE_CPU, 3, 0), 0x00030000);
	assert_int_equal(vgic_irq_field(VGIC_IRQ_TYPE_CPU, 300, 1), 0x102c0001);
}

static int fake_ok(int fd, unsigned long request, void *arg, void *ctx)
{
	(void)fd;
	(void)request;
	(void)arg;
	(void)ctx;
	return 0;
}

/* The nth KVM_IRQ_LINE: its irq field and level. */
static void assert_irq_line(unsigned int nth, uint32_t irq, uint32_t level)
{
	const struct fake_ioctl_call *call = fake_ioctl_find(KVM_IRQ_LINE, nth);
	struct kvm_irq_level line;

	assert_non_null(call);
	assert_int_equal(call->fd, VM_FD);
	memcpy(&line, call->data, sizeof(line));
	assert_int_equal(line.irq, irq);
	assert_int_equal(line.level, level);
}

static void test_kvm_spi(void **state)
{
	fake_ioctl_on(KVM_IRQ_LINE, fake_ok, NULL);
	assert_int_equal(vgic_kvm_spi(*state, 40, true), 0);
	assert_int_equal(vgic_kvm_spi(*state, 287, false), 0);
	assert_int_equal(vgic_kvm_spi_pulse(*state, 33), 0);
	assert_irq_line(0, 0x01000028, 1);
	assert_irq_line(1, 0x0100011f, 0);
	assert_irq_line(2, 0x01000021, 1);
	assert_irq_line(3, 0x01000021, 0);
	/* SGIs, PPIs and INTIDs beyond the implemented ones are no SPIs. */
	assert_int_equal(vgic_kvm_spi(*state, 31, true), -EINVAL);
	assert_int_equal(vgic_kvm_spi(*state, 288, true), -EINVAL);
	assert_int_equal(vgic_kvm_spi_pulse(*state, 0), -EINVAL);
	assert_int_equal(fake_ioctl_nr_calls(), 4);
}

static unsigned int current_cpu;

static unsigned int test_current_cpu(void *opaque)
{
	assert_int_equal((uintptr_t)opaque, 0x1234);
	return current_cpu;
}

static uint32_t mmio_read(struct bus *bus, uint64_t addr)
{
	uint64_t val;

	assert_int_equal(bus_read(bus, BUS_MMIO, addr, 4, &val), 0);
	return val;
}

static void mmio_write(struct bus *bus, uint64_t addr, uint32_t val)
{
	assert_int_equal(bus_write(bus, BUS_MMIO, addr, 4, val), 0);
}

#define DIST	     0x08000000ULL
#define CPUIF	     0x08010000ULL
#define VTIMER_INTID 27
#define PTIMER_INTID 30

static void test_user_gicv2(void **state)
{
	static struct vgic_user vu;
	struct bus bus;

	bus_init(&bus);
	fake_ioctl_on(KVM_IRQ_LINE, fake_ok, NULL);
	assert_int_equal(vgic_user_init(&vu, *state, &bus, 2, test_current_cpu,
					(void *)0x1234),
			 0);
	/* Both frames at QEMU virt's addresses, with the model's sizes. */
	assert_int_equal(bus_find(&bus, BUS_MMIO, DIST)->len, 0x1000);
	assert_null(bus_find(&bus, BUS_MMIO, DIST + 0x1000));
	assert_int_equal(bus_find(&bus, BUS_MMIO, CPUIF)->len, 0x2000);

	/* Accesses reach the accessing vCPU's banked registers. */
	current_cpu = 1;
	assert_int_equal(mmio_read(&bus, DIST + GICD_ITARGETSR), 0x02020202);
	current_cpu = 0;
	assert_int_equal(mmio_read(&bus, DIST + GICD_ITARGETSR), 0x01010101);
	assert_int_equal(mmio_read(&bus, DIST + GICD_TYPER) & 0x1f,
			 288 / 32 - 1);

	/* vCPU 1 takes its virtual timer's PPI. */
	mmio_write(&bus, DIST + GICD_CTLR, GICD_CTLR_ENABLE);
	current_cpu = 1;
	mmio_write(&bus, DIST + GICD_ISENABLER, 1u << VTIMER_INTID);
	mmio_write(&bus, CPUIF + GICC_PMR, 0xff);
	mmio_write(&bus, CPUIF + GICC_CTLR, GICC_CTLR_ENABLE);
	assert_int_equal(fake_ioctl_nr_calls(), 0);

	/* KVM reports the timer's output high: vCPU 1's IRQ line rises. */
	vgic_user_device_levels(&vu, 1, KVM_ARM_DEV_EL1_VTIMER);
	assert_int_equal(fake_ioctl_nr_calls(), 1);
	assert_irq_line(0, 0x00010000, 1);
	/* The same levels again change nothing. */
	vgic_user_device_levels(&vu, 1, KVM_ARM_DEV_EL1_VTIMER);
	assert_int_equal(fake_ioctl_nr_calls(), 1);
	assert_int_equal(mmio_read(&bus, DIST + GICD_ISPENDR),
			 1u << VTIMER_INTID);
	/* Acknowledged, it is active and the line drops. */
	assert_int_equal(mmio_read(&bus, CPUIF + GICC_IAR), VTIMER_INTID);
	assert_irq_line(1, 0x00010000, 0);
	/* The timer's output drops (the guest masked it), then the EOI. */
	vgic_user_device_levels(&vu, 1, 0);
	assert_int_equal(mmio_read(&bus, DIST + GICD_ISPENDR), 0);
	mmio_write(&bus, CPUIF + GICC_EOIR, VTIMER_INTID);
	assert_int_equal(fake_ioctl_nr_calls(), 2);

	/* The physical timer's PPI follows its bit; vCPU 0 is apart. */
	vgic_user_device_levels(&vu, 0, KVM_ARM_DEV_EL1_PTIMER);
	current_cpu = 0;
	assert_int_equal(mmio_read(&bus, DIST + GICD_ISPENDR),
			 1u << PTIMER_INTID);
	current_cpu = 1;
	assert_int_equal(mmio_read(&bus, DIST + GICD_ISPENDR), 0);
	/* A vCPU the model does not have is ignored. */
	vgic_user_device_levels(&vu, 2, KVM_ARM_DEV_EL1_VTIMER);
	/* The PMU's overflow line is PPI 23 of that vCPU alone. */
	vgic_user_device_levels(&vu, 1, KVM_ARM_DEV_PMU);
	assert_int_equal(mmio_read(&bus, DIST + GICD_ISPENDR), 1u << 23);
	current_cpu = 0;
	assert_int_equal(mmio_read(&bus, DIST + GICD_ISPENDR),
			 1u << PTIMER_INTID);
	current_cpu = 1;
	vgic_user_device_levels(&vu, 1, 0);
	assert_int_equal(mmio_read(&bus, DIST + GICD_ISPENDR), 0);

	/* A host-driven SPI targeted at vCPU 0 raises its line. */
	current_cpu = 0;
	mmio_write(&bus, CPUIF + GICC_PMR, 0xff);
	mmio_write(&bus, CPUIF + GICC_CTLR, GICC_CTLR_ENABLE);
	mmio_write(&bus, DIST + GICD_ITARGETSR + 40, 0x01);
	mmio_write(&bus, DIST + GICD_ISENABLER + 4, 1u << (40 - 32));
	assert_int_equal(vgic_user_spi(&vu, 40, true), 0);
	assert_irq_line(2, 0x00000000, 1);
	assert_int_equal(vgic_user_spi(&vu, 31, true), -EINVAL);
	assert_int_equal(vgic_user_spi(&vu, 288, true), -EINVAL);
	bus_destroy(&bus);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_kvm_gicv3, setup),
		cmocka_unit_test_setup(test_kvm_gicv2, setup),
		cmocka_unit_test_setup(test_kvm_without_gicv2, setup),
		cmocka_unit_test_setup(test_kvm_attr_failure, setup),
		cmocka_unit_test_setup(test_kvm_cpu_limits, setup),
		cmocka_unit_test_setup(test_irq_field, setup),
		cmocka_unit_test_setup(test_kvm_spi, setup),
		cmocka_unit_test_setup(test_user_gicv2, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
