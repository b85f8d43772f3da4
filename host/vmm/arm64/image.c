// SPDX-License-Identifier: GPL-2.0-only
/* The arm64 guest image loader: ELF, Linux arm64 Image, flat binary, initrd. */
#include <elf.h>
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "array_size.h"
#include "hvcheck_abi.h"
#include "vmm/arm64/image.h"
#include "vmm/elf.h"

_Static_assert(HV_ARM64_IMAGE_OFFSET % 0x200000 == 0,
	       "an Image's base is 2 MiB aligned");

static const struct elf_keepout arm64_mmio = {
	.base = HV_ARM64_GIC_BASE,
	.size = HV_ARM64_MMIO_END - HV_ARM64_GIC_BASE,
	.what = "the device window",
};

static const struct elf_target arm64_target = {
	.name = "AArch64",
	.machine = { EM_AARCH64 },
	.ram_base = HV_ARM64_RAM_BASE,
	.entry_align = 4,
	.mmio = &arm64_mmio,
	.check_version = true,
};

/* One load's ranges: what it keeps out, and the loader they go through. */
struct image_load {
	const struct arm64_image_request *req;
	struct arm64_boot *boot;
	struct elf_keepout keepout[3]; /* the device tree (2), the initrd */
	unsigned int nr_keepout;
};

enum arm64_image_format arm64_image_detect(const struct arm64_file *image)
{
	if (image->size >= SELFMAG && !memcmp(image->data, ELFMAG, SELFMAG))
		return ARM64_FORMAT_ELF;
	if (image->size >= ARM64_IMAGE_HEADER_SIZE &&
	    !memcmp(image->data + ARM64_IMAGE_MAGIC_OFFSET, ARM64_IMAGE_MAGIC,
		    4))
		return ARM64_FORMAT_IMAGE;
	return ARM64_FORMAT_FLAT;
}

const char *arm64_image_format_name(enum arm64_image_format format)
{
	static const char *const names[] = {
		[ARM64_FORMAT_AUTO] = "image",
		[ARM64_FORMAT_ELF] = "ELF",
		[ARM64_FORMAT_IMAGE] = "Linux arm64 Image",
		[ARM64_FORMAT_FLAT] = "flat binary",
	};

	return format < ARRAY_SIZE(names) ? names[format] : "image";
}

/* The ELF loader's view of file for load l. */
static struct elf_loader image_elf_loader(const struct image_load *l,
					  const struct arm64_file *file)
{
	return (struct elf_loader){
		.target = &arm64_target,
		.image = file->data,
		.size = file->size,
		.ram = l->req->ram,
		.keepout = l->keepout,
		.nr_keepout = l->nr_keepout,
		.err = l->req->err,
		.errlen = l->req->errlen,
	};
}

static void image_keep_out(struct image_load *l, uint64_t base, uint64_t size,
			   const char *what)
{
	l->keepout[l->nr_keepout++] = (struct elf_keepout){ base, size, what };
}

/* The whole of file as range r, checked against RAM and the keep-outs. */
static int image_place(const struct image_load *l,
		       const struct arm64_file *file, const char *what,
		       const struct elf_range *r)
{
	const struct elf_loader ld = image_elf_loader(l, file);

	return elf_check_range(&ld, what, r);
}

/* The initrd at the top of RAM, kept out of the kernel's way. */
static int image_initrd(struct image_load *l)
{
	const struct arm64_image_request *req = l->req;
	const struct elf_loader ld = image_elf_loader(l, &req->initrd);
	uint64_t size = req->initrd.size, end, start;
	struct elf_range r;
	int ret;

	if (!size)
		return 0;
	end = HV_ARM64_RAM_BASE + req->ram->size;
	if (size > req->ram->size)
		return elf_fail(
			&ld,
			"the initrd (%zu bytes) is larger than guest RAM (0x%llx bytes)",
			req->initrd.size, (unsigned long long)req->ram->size);
	start = (end - size) & ~(uint64_t)(ARM64_INITRD_ALIGN - 1);
	r = (struct elf_range){ start, start, 0, size, size };
	ret = image_place(l, &req->initrd, "the initrd", &r);
	if (ret)
		return ret;
	l->boot->initrd_start = start;
	l->boot->initrd_end = start + size;
	image_keep_out(l, start, size, "the initrd");
	return 0;
}

/* The Image header's text_offset and image_size: where and how much. */
static int image_linux_header(const struct image_load *l, uint64_t *offset,
			      uint64_t *memsz)
{
	const struct arm64_image_request *req = l->req;
	const struct elf_loader ld = image_elf_loader(l, &req->image);
	uint64_t hdr[3]; /* text_offset, image_size, flags */
	uint64_t flags;

	if (req->image.size < ARM64_IMAGE_HEADER_SIZE)
		return elf_fail(
			&ld,
			"truncated Linux arm64 Image header (%zu bytes of %u)",
			req->image.size, ARM64_IMAGE_HEADER_SIZE);
	if (memcmp(req->image.data + ARM64_IMAGE_MAGIC_OFFSET,
		   ARM64_IMAGE_MAGIC, 4))
		return elf_fail(
			&ld,
			"not a Linux arm64 Image (no \"ARM\\x64\" magic at offset 0x%x)",
			ARM64_IMAGE_MAGIC_OFFSET);
	memcpy(hdr, req->image.data + 8, sizeof(hdr));
	*offset = le64toh(hdr[0]);
	*memsz = le64toh(hdr[1]);
	flags = le64toh(hdr[2]);
	if (!*memsz) {
		/* Before 3.17: no size, the offset in the kernel's order. */
		*offset = ARM64_IMAGE_OLD_TEXT_OFFSET;
		*memsz = req->image.size;
		flags = 0;
	}
	if (flags & ARM64_IMAGE_FLAG_BE)
		return elf_fail(
			&ld,
			"a big-endian Linux arm64 Image (flags 0x%llx): hvcheck's vCPUs start little-endian",
			(unsigned long long)flags);
	if (*offset >= HV_ARM64_IMAGE_OFFSET)
		return elf_fail(
			&ld,
			"text_offset 0x%llx of the Image header is not below 2 MiB",
			(unsigned long long)*offset);
	if (*memsz < req->image.size)
		return elf_fail(
			&ld,
			"image_size 0x%llx of the Image header is below the file's 0x%zx bytes",
			(unsigned long long)*memsz, req->image.size);
	l->boot->page_kib = (const unsigned int[]){
		0, 4, 16, 64
	}[(flags >> ARM64_IMAGE_PAGE_SHIFT) & 3];
	return 0;
}

/*
 * A flat binary's device tree: above it, a copy below it.  Returns 0,
 * or -ENOEXEC when RAM has no room for it.
 */
static int image_flat_dtb(struct image_load *l, uint64_t end)
{
	const struct elf_loader ld = image_elf_loader(l, &l->req->image);
	struct arm64_boot *boot = l->boot;
	uint64_t ram_end = HV_ARM64_RAM_BASE + l->req->ram->size;
	uint64_t align = HV_ARM64_DTB_MAX,
		 base = (end + align - 1) & ~(align - 1);

	if (base > ram_end || ram_end - base < HV_ARM64_DTB_MAX)
		return elf_fail(
			&ld,
			"no room for the device tree above the flat binary (0x%llx-0x%llx) in guest RAM (0x%llx-0x%llx)",
			(unsigned long long)(HV_ARM64_RAM_BASE +
					     ARM64_FLAT_OFFSET),
			(unsigned long long)end,
			(unsigned long long)HV_ARM64_RAM_BASE,
			(unsigned long long)ram_end);
	boot->dtb_base = base;
	boot->dtb_max = HV_ARM64_DTB_MAX;
	boot->dtb_copy_max = ARM64_FLAT_OFFSET;
	image_keep_out(l, HV_ARM64_DTB_BASE, ARM64_FLAT_OFFSET,
		       "the device tree's copy");
	image_keep_out(l, base, HV_ARM64_DTB_MAX, "the device tree");
	return 0;
}

/* An Image or a flat binary: the whole file as one range r. */
static int image_raw(struct image_load *l, struct elf_range *r)
{
	const struct arm64_image_request *req = l->req;
	struct arm64_boot *boot = l->boot;
	bool is_linux = boot->format == ARM64_FORMAT_IMAGE;
	uint64_t offset = ARM64_FLAT_OFFSET, memsz = req->image.size;
	int ret;

	if (is_linux) {
		ret = image_linux_header(l, &offset, &memsz);
		if (ret)
			return ret;
		offset += HV_ARM64_IMAGE_OFFSET;
		boot->dtb_base = HV_ARM64_DTB_BASE;
		boot->dtb_max = HV_ARM64_IMAGE_OFFSET;
		image_keep_out(l, HV_ARM64_DTB_BASE, boot->dtb_max,
			       "the device tree");
	} else {
		ret = image_flat_dtb(l, HV_ARM64_RAM_BASE + offset + memsz);
		if (ret)
			return ret;
	}
	ret = image_initrd(l);
	if (ret)
		return ret;
	boot->entry = HV_ARM64_RAM_BASE + offset;
	*r = (struct elf_range){ boot->entry, boot->entry, 0, req->image.size,
				 memsz };
	return image_place(l, &req->image,
			   is_linux ? "the Image" : "the flat binary", r);
}

static int image_elf(struct image_load *l)
{
	struct elf_loader ld;
	int ret;

	l->boot->dtb_base = HV_ARM64_DTB_BASE;
	l->boot->dtb_max = HV_ARM64_DTB_MAX;
	image_keep_out(l, HV_ARM64_DTB_BASE, HV_ARM64_DTB_MAX,
		       "the device tree");
	ret = image_initrd(l);
	if (ret)
		return ret;
	ld = image_elf_loader(l, &l->req->image); /* the initrd kept out */
	return elf_load(&ld, NULL, &l->boot->entry);
}

/* Copies file as range r, which image_place() checked. */
static void image_copy(const struct image_load *l,
		       const struct arm64_file *file, const struct elf_range *r)
{
	const struct elf_loader ld = image_elf_loader(l, file);

	elf_copy_range(&ld, r);
}

int arm64_image_load(const struct arm64_image_request *req,
		     struct arm64_boot *boot)
{
	struct arm64_boot b = { .format = req->format };
	struct image_load l = { .req = req, .boot = &b };
	struct elf_range r;
	int ret;

	if (!req->image.size)
		return elf_fail(
			&(const struct elf_loader){ .err = req->err,
						    .errlen = req->errlen },
			"empty image");
	if (b.format == ARM64_FORMAT_AUTO)
		b.format = arm64_image_detect(&req->image);
	if (b.format == ARM64_FORMAT_ELF) {
		/* elf_load() writes the segments once all is checked. */
		ret = image_elf(&l);
	} else {
		ret = image_raw(&l, &r);
		if (!ret)
			image_copy(&l, &req->image, &r);
	}
	if (ret)
		return ret;
	if (b.initrd_end) {
		r = (struct elf_range){ b.initrd_start, b.initrd_start, 0,
					req->initrd.size, req->initrd.size };
		image_copy(&l, &req->initrd, &r);
	}
	*boot = b;
	return 0;
}
