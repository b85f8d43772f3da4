// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer target: the arm64 image loader (ELF, Image, flat, initrd). */
#include <stdint.h>

#include "fuzz/fuzz.h"
#include "hvcheck_abi.h"
#include "vmm/arm64/image.h"

#define RAM_SIZE (8 << 20)

static bool in_ram(uint64_t gpa)
{
	return gpa >= HV_ARM64_RAM_BASE && gpa - HV_ARM64_RAM_BASE < RAM_SIZE;
}

/* A load's layout: everything in RAM, the initrd clear of the image's DTB. */
static void check_boot(const struct arm64_boot *b, size_t initrd_size)
{
	FUZZ_CHECK(b->format != ARM64_FORMAT_AUTO, "a format left AUTO");
	FUZZ_CHECK(in_ram(b->entry), "entry 0x%llx outside RAM",
		   (unsigned long long)b->entry);
	FUZZ_CHECK(in_ram(b->dtb_base) && b->dtb_max &&
			   in_ram(b->dtb_base + b->dtb_max - 1),
		   "the device tree's room outside RAM");
	if (!initrd_size) {
		FUZZ_CHECK(!b->initrd_start && !b->initrd_end,
			   "an initrd where none was given");
		return;
	}
	FUZZ_CHECK(b->initrd_end - b->initrd_start == initrd_size &&
			   in_ram(b->initrd_start) && in_ram(b->initrd_end - 1),
		   "the initrd misplaced");
	FUZZ_CHECK(b->initrd_start >= b->dtb_base + b->dtb_max ||
			   b->initrd_end <= b->dtb_base,
		   "the initrd over the device tree");
}

/*
 * First byte: the format (two bits) and the initrd's share of the rest
 * (none or a part); the rest, the image then the initrd.  Invariants: a
 * load places everything in RAM and leaves the device tree's room
 * unwritten; a refusal says why in one line and writes nothing.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct guest_mem ram;
	struct fuzz_in in = { data, size };
	uint8_t opt = fuzz_u8(&in);
	size_t initrd = (opt >> 2) ? in.n * (opt >> 2) / 64 : 0;
	char err[256] = "";
	struct arm64_image_request req = {
		.format = (enum arm64_image_format)(opt & 3),
		.image = { in.p, in.n - initrd },
		.initrd = { in.p + in.n - initrd, initrd },
		.ram = &ram,
		.err = err,
		.errlen = sizeof(err),
	};
	struct arm64_boot boot = { 0 };
	int ret;

	if (!ram.base)
		fuzz_ram_init(&ram, RAM_SIZE);
	ret = arm64_image_load(&req, &boot);
	if (ret) {
		fuzz_check_refused(ret, err, &ram);
		return 0;
	}
	check_boot(&boot, initrd);
	FUZZ_CHECK(fuzz_ram_range_untouched(&ram, HV_ARM64_RAM_BASE,
					    boot.dtb_base, boot.dtb_max),
		   "the image wrote the device tree's room");
	fuzz_ram_reset(&ram);
	return 0;
}
