/* SPDX-License-Identifier: GPL-2.0-only */
/* The arm64 guest image loader: ELF, Linux arm64 Image, flat binary, initrd. */
#ifndef VMM_ARM64_IMAGE_H
#define VMM_ARM64_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/vm.h"

/* --image-format: what the guest file is taken for. */
enum arm64_image_format {
	ARM64_FORMAT_AUTO, /* ELF magic: ELF; Image magic: Image; else flat */
	ARM64_FORMAT_ELF,
	ARM64_FORMAT_IMAGE, /* Linux arm64 Image (booting.rst's header) */
	ARM64_FORMAT_FLAT,  /* raw bytes run from their first one */
};

/* The Image header (Documentation/arch/arm64/booting.rst), 64 bytes. */
#define ARM64_IMAGE_HEADER_SIZE	    64
#define ARM64_IMAGE_MAGIC_OFFSET    0x38
#define ARM64_IMAGE_MAGIC	    "ARM\x64"
#define ARM64_IMAGE_FLAG_BE	    (1u << 0) /* a big-endian kernel */
#define ARM64_IMAGE_PAGE_SHIFT	    1 /* bits 1-2: 0 unsaid, 1 4K, 2 16K, 3 64K */
/* image_size 0 (before Linux 3.17): the text_offset every kernel had. */
#define ARM64_IMAGE_OLD_TEXT_OFFSET 0x80000
/* Where QEMU and kvmtool put a flat binary: RAM base + 512 KiB. */
#define ARM64_FLAT_OFFSET	    0x80000
/* The initrd's start: on a page of the largest granule, 64 KiB. */
#define ARM64_INITRD_ALIGN	    0x10000

/* A file for guest RAM: the guest image, or the initrd. */
struct arm64_file {
	const uint8_t *data;
	size_t size;
};

/* What to load, into which RAM; a refusal's one line into err[errlen]. */
struct arm64_image_request {
	enum arm64_image_format format;
	struct arm64_file image;
	struct arm64_file initrd;    /* size 0: none */
	const struct guest_mem *ram; /* at HV_ARM64_RAM_BASE */
	char *err;
	size_t errlen;
};

/* Where things went, in guest-physical addresses. */
struct arm64_boot {
	enum arm64_image_format format; /* as loaded: never AUTO */
	uint64_t entry;
	uint64_t dtb_base; /* the device tree's, x0 at entry */
	uint64_t dtb_max;  /* its room there */
	/* A copy at RAM's base in this room too (a flat binary's); or 0. */
	uint64_t dtb_copy_max;
	uint64_t initrd_start; /* and its end; both 0 without an initrd */
	uint64_t initrd_end;
	unsigned int page_kib; /* an Image's page size, 0 when unsaid */
};

/*
 * The format of image as --image-format auto decides: "\x7fELF" at 0 is
 * an ELF, "ARM\x64" at 0x38 (in a file of 64 bytes or more) an Image,
 * anything else a flat binary.
 */
enum arm64_image_format arm64_image_detect(const struct arm64_file *image);

/* "ELF", "Linux arm64 Image", "flat binary". */
const char *arm64_image_format_name(enum arm64_image_format format);

/*
 * Checks req's image (and initrd) and loads them into guest RAM, the
 * device tree's room kept free:
 *  - ELF: its PT_LOAD segments (vmm/elf.c), the device tree at RAM's
 *    base, HV_ARM64_DTB_MAX of room;
 *  - Image: at RAM base + HV_ARM64_IMAGE_OFFSET (2 MiB, the 2 MiB
 *    aligned base booting.rst asks for) + text_offset, image_size bytes
 *    (the file, then zeros), entry at its first byte; the device tree
 *    in the 2 MiB block below;
 *  - flat: at RAM base + ARM64_FLAT_OFFSET, entry at its first byte;
 *    the device tree at the first 2 MiB boundary above it, as QEMU's
 *    -kernel puts it (kvm-unit-tests wants it above itself), HV_ARM64_
 *    DTB_MAX of room, and a copy in the 512 KiB below it, at RAM's base,
 *    where QEMU's -bios leaves it (U-Boot's qemu_arm64 reads it there);
 *  - the initrd: at the top of RAM, its start ARM64_INITRD_ALIGN
 *    aligned.
 * A pure function: no KVM, no I/O.  Returns 0, or -ENOEXEC with one
 * line in req->err; nothing is written to RAM unless all is valid.
 */
int arm64_image_load(const struct arm64_image_request *req,
		     struct arm64_boot *boot);

#endif /* VMM_ARM64_IMAGE_H */
