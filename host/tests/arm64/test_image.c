// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the arm64 image loader: formats, placement, initrd, refusals. */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hvcheck_abi.h"
#include "vmm/arm64/image.h"

#define RAM_SIZE    (8 << 20)
#define FILE_SIZE   8192
#define INITRD_SIZE 4096
#define RAM_END	    (HV_ARM64_RAM_BASE + RAM_SIZE)

struct fixture {
	uint8_t file[FILE_SIZE];
	uint8_t initrd[INITRD_SIZE];
	uint8_t ram_backing[RAM_SIZE];
	struct guest_mem ram;
	struct arm64_image_request req;
	struct arm64_boot boot;
	char err[256];
};

/* The file's bytes: i & 0xff, so where each one landed shows. */
static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	for (int i = 0; i < FILE_SIZE; i++)
		f.file[i] = i;
	memset(f.initrd, 0x5a, sizeof(f.initrd));
	memset(f.ram_backing, 0xaa, sizeof(f.ram_backing));
	f.ram = (struct guest_mem){ f.ram_backing, RAM_SIZE };
	f.req = (struct arm64_image_request){
		.format = ARM64_FORMAT_AUTO,
		.image = { f.file, FILE_SIZE },
		.ram = &f.ram,
		.err = f.err,
		.errlen = sizeof(f.err),
	};
	*state = &f;
	return 0;
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

/* An Image header (booting.rst) over the first 64 bytes of the file. */
static void make_image(struct fixture *f, uint64_t text_offset,
		       uint64_t image_size, uint64_t flags)
{
	put_le64(f->file + 8, text_offset);
	put_le64(f->file + 16, image_size);
	put_le64(f->file + 24, flags);
	memcpy(f->file + ARM64_IMAGE_MAGIC_OFFSET, ARM64_IMAGE_MAGIC, 4);
}

static uint8_t *ram_at(struct fixture *f, uint64_t gpa)
{
	return f->ram_backing + (gpa - HV_ARM64_RAM_BASE);
}

static void assert_loaded(struct fixture *f, uint64_t at, uint64_t memsz)
{
	uint8_t *p = ram_at(f, at);

	assert_memory_equal(p, f->file, FILE_SIZE);
	for (uint64_t i = FILE_SIZE; i < memsz; i++)
		assert_int_equal(p[i], 0);
	assert_int_equal(p[memsz], 0xaa);
	assert_int_equal(p[-1], 0xaa);
}

static void assert_refused(struct fixture *f, const char *said)
{
	f->boot.entry = 0xbad;
	assert_int_equal(arm64_image_load(&f->req, &f->boot), -ENOEXEC);
	assert_string_equal(f->err, said);
	assert_null(strchr(f->err, '\n'));
	assert_int_equal(f->boot.entry, 0xbad);
	/* Nothing was written to guest RAM. */
	for (size_t i = 0; i < RAM_SIZE; i += 512)
		assert_int_equal(f->ram_backing[i], 0xaa);
}

static void test_detect(void **state)
{
	struct fixture *f = *state;
	struct arm64_file file = { f->file, FILE_SIZE };

	assert_int_equal(arm64_image_detect(&file), ARM64_FORMAT_FLAT);
	make_image(f, 0, 0x10000, 0);
	assert_int_equal(arm64_image_detect(&file), ARM64_FORMAT_IMAGE);
	/* The magic in a file too short for the header: flat. */
	file.size = ARM64_IMAGE_HEADER_SIZE - 1;
	assert_int_equal(arm64_image_detect(&file), ARM64_FORMAT_FLAT);
	memcpy(f->file, ELFMAG, SELFMAG);
	assert_int_equal(arm64_image_detect(&file), ARM64_FORMAT_ELF);
	assert_string_equal(arm64_image_format_name(ARM64_FORMAT_IMAGE),
			    "Linux arm64 Image");
}

static void test_linux_image(void **state)
{
	struct fixture *f = *state;
	uint64_t at = HV_ARM64_RAM_BASE + HV_ARM64_IMAGE_OFFSET + 0x10000;

	/* LE, 4K pages, anywhere: what Debian's arm64 kernel says. */
	make_image(f, 0x10000, 0x6000, 0xa);
	assert_int_equal(arm64_image_load(&f->req, &f->boot), 0);
	assert_int_equal(f->boot.format, ARM64_FORMAT_IMAGE);
	assert_int_equal(f->boot.entry, at);
	assert_int_equal(f->boot.dtb_base, HV_ARM64_DTB_BASE);
	assert_int_equal(f->boot.dtb_max, HV_ARM64_IMAGE_OFFSET);
	assert_int_equal(f->boot.dtb_copy_max, 0);
	assert_int_equal(f->boot.page_kib, 4);
	assert_int_equal(f->boot.initrd_end, 0);
	assert_loaded(f, at, 0x6000);
}

static void test_linux_image_pre_3_17(void **state)
{
	struct fixture *f = *state;
	uint64_t at = HV_ARM64_RAM_BASE + HV_ARM64_IMAGE_OFFSET +
		      ARM64_IMAGE_OLD_TEXT_OFFSET;

	/* image_size 0: text_offset 0x80000, flags unknown (ignored). */
	make_image(f, 0x1234, 0, ARM64_IMAGE_FLAG_BE);
	f->req.format = ARM64_FORMAT_IMAGE;
	assert_int_equal(arm64_image_load(&f->req, &f->boot), 0);
	assert_int_equal(f->boot.entry, at);
	assert_int_equal(f->boot.page_kib, 0);
	assert_loaded(f, at, FILE_SIZE);
}

static void test_flat(void **state)
{
	struct fixture *f = *state;
	uint64_t at = HV_ARM64_RAM_BASE + ARM64_FLAT_OFFSET;

	assert_int_equal(arm64_image_load(&f->req, &f->boot), 0);
	assert_int_equal(f->boot.format, ARM64_FORMAT_FLAT);
	assert_int_equal(f->boot.entry, at);
	/* The device tree above it, at a 2 MiB boundary; a copy below. */
	assert_int_equal(f->boot.dtb_base, HV_ARM64_RAM_BASE + 0x200000);
	assert_int_equal(f->boot.dtb_max, HV_ARM64_DTB_MAX);
	assert_int_equal(f->boot.dtb_copy_max, ARM64_FLAT_OFFSET);
	assert_loaded(f, at, FILE_SIZE);
	/* Forced, an Image is loaded as its bytes. */
	make_image(f, 0, 0x100000, 0);
	memset(f->ram_backing, 0xaa, sizeof(f->ram_backing));
	f->req.format = ARM64_FORMAT_FLAT;
	assert_int_equal(arm64_image_load(&f->req, &f->boot), 0);
	assert_int_equal(f->boot.entry, at);
	assert_loaded(f, at, FILE_SIZE);
}

/* A one-segment ELF64 at the ELF images' address, entry at its start. */
static void make_elf(struct fixture *f)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)f->file;
	Elf64_Phdr *ph = (Elf64_Phdr *)(f->file + sizeof(*eh));
	uint64_t at = HV_ARM64_RAM_BASE + HV_ARM64_IMAGE_OFFSET;

	memset(f->file, 0, 256);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_AARCH64;
	eh->e_entry = at;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	*ph = (Elf64_Phdr){ .p_type = PT_LOAD,
			    .p_offset = 4096,
			    .p_vaddr = at,
			    .p_paddr = at,
			    .p_filesz = 4096,
			    .p_memsz = 4096 };
}

static void test_elf(void **state)
{
	struct fixture *f = *state;
	uint64_t at = HV_ARM64_RAM_BASE + HV_ARM64_IMAGE_OFFSET;

	make_elf(f);
	assert_int_equal(arm64_image_load(&f->req, &f->boot), 0);
	assert_int_equal(f->boot.format, ARM64_FORMAT_ELF);
	assert_int_equal(f->boot.entry, at);
	assert_int_equal(f->boot.dtb_base, HV_ARM64_DTB_BASE);
	assert_int_equal(f->boot.dtb_max, HV_ARM64_DTB_MAX);
	assert_memory_equal(ram_at(f, at), f->file + 4096, 4096);
}

static void test_initrd(void **state)
{
	struct fixture *f = *state;
	uint64_t start = (RAM_END - INITRD_SIZE) & ~(uint64_t)0xffff;

	f->req.initrd = (struct arm64_file){ f->initrd, INITRD_SIZE };
	assert_int_equal(arm64_image_load(&f->req, &f->boot), 0);
	assert_int_equal(f->boot.initrd_start, start);
	assert_int_equal(f->boot.initrd_end, start + INITRD_SIZE);
	assert_memory_equal(ram_at(f, start), f->initrd, INITRD_SIZE);
	assert_int_equal(*ram_at(f, start + INITRD_SIZE), 0xaa);
	/* An ELF gets it too. */
	make_elf(f);
	memset(f->ram_backing, 0xaa, sizeof(f->ram_backing));
	assert_int_equal(arm64_image_load(&f->req, &f->boot), 0);
	assert_int_equal(f->boot.initrd_start, start);
	assert_memory_equal(ram_at(f, start), f->initrd, INITRD_SIZE);
}

static void test_refused_image(void **state)
{
	struct fixture *f = *state;

	f->req.image.size = 0;
	assert_refused(f, "empty image");
	f->req.format = ARM64_FORMAT_IMAGE;
	f->req.image.size = ARM64_IMAGE_HEADER_SIZE - 1;
	assert_refused(f,
		       "truncated Linux arm64 Image header (63 bytes of 64)");
	f->req.image.size = FILE_SIZE;
	assert_refused(
		f,
		"not a Linux arm64 Image (no \"ARM\\x64\" magic at offset 0x38)");
	make_image(f, 0, 0x4000, 0xb);
	assert_refused(
		f,
		"a big-endian Linux arm64 Image (flags 0xb): hvcheck's vCPUs start little-endian");
	make_image(f, 0x200000, 0x4000, 0);
	assert_refused(
		f,
		"text_offset 0x200000 of the Image header is not below 2 MiB");
	make_image(f, 0, 0x1000, 0);
	assert_refused(
		f,
		"image_size 0x1000 of the Image header is below the file's 0x2000 bytes");
	/* image_size reaching beyond RAM: its bss would be outside. */
	make_image(f, 0, RAM_SIZE, 0);
	assert_refused(
		f,
		"the Image (0x40200000-0x40a00000) lies outside guest RAM (0x40000000-0x40800000)");
	f->req.format = ARM64_FORMAT_ELF;
	assert_refused(f, "not an ELF file (no ELF magic)");
}

static void test_refused_initrd(void **state)
{
	struct fixture *f = *state;

	/* The initrd at the top of RAM would land on the Image. */
	f->req.initrd = (struct arm64_file){ f->initrd, INITRD_SIZE };
	make_image(f, 0, RAM_SIZE - HV_ARM64_IMAGE_OFFSET - 0x8000, 0);
	assert_refused(
		f,
		"the Image (0x40200000-0x407f8000) overlaps the initrd (0x407f0000-0x407f1000)");
	/* A flat binary's device tree above it, the initrd on it. */
	f->ram.size = 4 << 20;
	f->req.initrd.size = 3 << 20;
	f->req.format = ARM64_FORMAT_FLAT;
	assert_refused(
		f,
		"the initrd (0x40100000-0x40400000) overlaps the device tree (0x40200000-0x40400000)");
	/* In 1 MiB of RAM a 900 KiB initrd reaches the copy's room. */
	f->ram.size = 1 << 20;
	f->req.initrd.size = 900 << 10;
	f->req.format = ARM64_FORMAT_ELF;
	make_elf(f);
	assert_refused(
		f,
		"the initrd (0x40010000-0x400f1000) overlaps the device tree (0x40000000-0x40200000)");
	f->req.format = ARM64_FORMAT_FLAT;
	assert_refused(
		f,
		"no room for the device tree above the flat binary (0x40080000-0x40082000) in guest RAM (0x40000000-0x40100000)");
	f->req.initrd.size = (1 << 20) + 1;
	f->req.format = ARM64_FORMAT_IMAGE;
	make_image(f, 0, 0x4000, 0);
	assert_refused(
		f,
		"the initrd (1048577 bytes) is larger than guest RAM (0x100000 bytes)");
	/* An ELF segment on the initrd. */
	f->ram.size = RAM_SIZE;
	f->req.initrd.size = INITRD_SIZE;
	f->req.format = ARM64_FORMAT_AUTO;
	make_elf(f);
	((Elf64_Phdr *)(f->file + sizeof(Elf64_Ehdr)))->p_paddr =
		RAM_END - 0x10000;
	assert_refused(
		f,
		"segment 0 (0x407f0000-0x407f1000) overlaps the initrd (0x407f0000-0x407f1000)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_detect, setup),
		cmocka_unit_test_setup(test_linux_image, setup),
		cmocka_unit_test_setup(test_linux_image_pre_3_17, setup),
		cmocka_unit_test_setup(test_flat, setup),
		cmocka_unit_test_setup(test_elf, setup),
		cmocka_unit_test_setup(test_initrd, setup),
		cmocka_unit_test_setup(test_refused_image, setup),
		cmocka_unit_test_setup(test_refused_initrd, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
