// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the arm64 ELF64 loader: loading and every refusal. */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hvcheck_abi.h"
#include "vmm/arm64/board.h"
#include "vmm/elf.h"

#define RAM_SIZE   (8 << 20)
#define IMAGE_BASE (HV_ARM64_RAM_BASE + HV_ARM64_IMAGE_OFFSET)
#define FILE_SIZE  4096
#define DATA_OFF   1024 /* segment data in the file */

static const struct elf_keepout dtb_keepout[] = {
	{ HV_ARM64_DTB_BASE, HV_ARM64_DTB_MAX, "the device tree" },
};

struct image {
	uint8_t bytes[FILE_SIZE];
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph; /* two program headers */
};

struct fixture {
	struct image img;
	uint8_t ram_backing[RAM_SIZE];
	struct guest_mem ram;
	char err[256];
	uint64_t entry;
};

/*
 * A valid image: segment 0 is 256 bytes of text at IMAGE_BASE plus 256
 * bytes of bss; segment 1 is a note that is not loaded.
 */
static int setup(void **state)
{
	static struct fixture f;
	struct image *img = &f.img;

	memset(&f, 0, sizeof(f));
	img->eh = (Elf64_Ehdr *)img->bytes;
	img->ph = (Elf64_Phdr *)(img->bytes + sizeof(Elf64_Ehdr));
	memcpy(img->eh->e_ident, ELFMAG, SELFMAG);
	img->eh->e_ident[EI_CLASS] = ELFCLASS64;
	img->eh->e_ident[EI_DATA] = ELFDATA2LSB;
	img->eh->e_ident[EI_VERSION] = EV_CURRENT;
	img->eh->e_type = ET_EXEC;
	img->eh->e_machine = EM_AARCH64;
	img->eh->e_version = EV_CURRENT;
	img->eh->e_entry = IMAGE_BASE + 0x40;
	img->eh->e_phoff = sizeof(Elf64_Ehdr);
	img->eh->e_phentsize = sizeof(Elf64_Phdr);
	img->eh->e_phnum = 2;
	img->ph[0] = (Elf64_Phdr){
		.p_type = PT_LOAD,
		.p_offset = DATA_OFF,
		.p_vaddr = IMAGE_BASE,
		.p_paddr = IMAGE_BASE,
		.p_filesz = 256,
		.p_memsz = 512,
	};
	img->ph[1] = (Elf64_Phdr){
		.p_type = PT_NOTE,
		.p_offset = 0xffffff, /* never looked at */
		.p_paddr = 0x1000,
		.p_filesz = 16,
		.p_memsz = 16,
	};
	for (int i = 0; i < 256; i++)
		img->bytes[DATA_OFF + i] = i;
	memset(f.ram_backing, 0xaa, sizeof(f.ram_backing));
	f.ram = (struct guest_mem){ f.ram_backing, RAM_SIZE };
	*state = &f;
	return 0;
}

static int load(struct fixture *f, size_t size)
{
	return elf_load(f->img.bytes, size, &f->ram, dtb_keepout, 1, &f->entry,
			f->err, sizeof(f->err));
}

static void assert_refused(struct fixture *f, size_t size, const char *why)
{
	f->entry = 0xbad;
	assert_int_equal(load(f, size), -ENOEXEC);
	if (!strstr(f->err, why))
		fail_msg("message '%s' does not say '%s'", f->err, why);
	assert_int_equal(f->entry, 0xbad);
	/* Nothing was written to guest RAM. */
	for (size_t i = 0; i < RAM_SIZE; i += 4096)
		assert_int_equal(f->ram_backing[i], 0xaa);
	assert_int_equal(f->ram_backing[HV_ARM64_IMAGE_OFFSET], 0xaa);
}

static void test_load(void **state)
{
	struct fixture *f = *state;
	uint8_t *seg = f->ram_backing + HV_ARM64_IMAGE_OFFSET;

	assert_int_equal(load(f, FILE_SIZE), 0);
	assert_int_equal(f->entry, IMAGE_BASE + 0x40);
	for (int i = 0; i < 256; i++)
		assert_int_equal(seg[i], i);
	/* bss zeroed up to p_memsz, RAM beyond it untouched. */
	for (int i = 256; i < 512; i++)
		assert_int_equal(seg[i], 0);
	assert_int_equal(seg[512], 0xaa);
	assert_int_equal(seg[-1], 0xaa);
}

static void test_entry_translation(void **state)
{
	struct fixture *f = *state;

	/* Linked high, loaded low: e_entry is translated through p_vaddr. */
	f->img.ph[0].p_vaddr = 0xffff000000000000ULL;
	f->img.eh->e_entry = 0xffff000000000080ULL;
	assert_int_equal(load(f, FILE_SIZE), 0);
	assert_int_equal(f->entry, IMAGE_BASE + 0x80);
	/* An entry that is a physical address in a segment is taken as is. */
	f->img.eh->e_entry = IMAGE_BASE + 0x1fc;
	assert_int_equal(load(f, FILE_SIZE), 0);
	assert_int_equal(f->entry, IMAGE_BASE + 0x1fc);
}

static void test_load_at_ram_edges(void **state)
{
	struct fixture *f = *state;

	/* The last bytes of RAM are RAM; the DTB's end is free again. */
	f->img.ph[0].p_paddr = HV_ARM64_RAM_BASE + RAM_SIZE - 512;
	f->img.ph[0].p_vaddr = f->img.ph[0].p_paddr;
	f->img.eh->e_entry = f->img.ph[0].p_paddr;
	assert_int_equal(load(f, FILE_SIZE), 0);
	assert_int_equal(f->ram_backing[RAM_SIZE - 512 + 255], 255);
	f->img.ph[0].p_paddr = HV_ARM64_DTB_BASE + HV_ARM64_DTB_MAX;
	f->img.ph[0].p_vaddr = f->img.ph[0].p_paddr;
	f->img.eh->e_entry = f->img.ph[0].p_paddr;
	assert_int_equal(load(f, FILE_SIZE), 0);
}

static void test_refuse_file(void **state)
{
	struct fixture *f = *state;

	assert_refused(f, 0, "empty image");
	assert_refused(f, 3, "no ELF magic");
	assert_refused(f, sizeof(Elf64_Ehdr) - 1, "truncated ELF file header");
	f->img.bytes[1] = 'e';
	assert_refused(f, FILE_SIZE, "no ELF magic");
}

static void test_refuse_header(void **state)
{
	struct fixture *f = *state;
	Elf64_Ehdr *eh = f->img.eh, good = *eh;

	eh->e_ident[EI_CLASS] = ELFCLASS32;
	assert_refused(f, FILE_SIZE, "not a 64-bit ELF (class 1)");
	*eh = good;
	eh->e_ident[EI_DATA] = ELFDATA2MSB;
	assert_refused(f, FILE_SIZE, "not a little-endian ELF");
	*eh = good;
	eh->e_ident[EI_VERSION] = 2;
	assert_refused(f, FILE_SIZE, "unknown ELF version 2");
	*eh = good;
	eh->e_type = ET_DYN;
	assert_refused(f, FILE_SIZE, "not an ELF executable (type 3)");
	*eh = good;
	eh->e_machine = EM_X86_64;
	assert_refused(f, FILE_SIZE, "not an AArch64 ELF (machine 62)");
	*eh = good;
	eh->e_phnum = 0;
	assert_refused(f, FILE_SIZE, "no program headers");
	*eh = good;
	eh->e_phentsize = sizeof(Elf64_Phdr) - 1;
	assert_refused(f, FILE_SIZE, "program header entries of 55 bytes");
	*eh = good;
	eh->e_phoff = FILE_SIZE - sizeof(Elf64_Phdr);
	assert_refused(f, FILE_SIZE, "program headers beyond the end");
	*eh = good;
	eh->e_phoff = UINT64_MAX - 8;
	assert_refused(f, FILE_SIZE, "program headers beyond the end");
	*eh = good;
	eh->e_phnum = 0xffff;
	assert_refused(f, FILE_SIZE, "program headers beyond the end");
}

static void test_refuse_segments(void **state)
{
	struct fixture *f = *state;
	Elf64_Phdr *ph = &f->img.ph[0], good = *ph;

	ph->p_type = PT_NULL;
	assert_refused(f, FILE_SIZE, "no loadable segment");
	*ph = good;
	ph->p_memsz = 255;
	assert_refused(f, FILE_SIZE,
		       "segment 0: memory size 0xff below file size 0x100");
	*ph = good;
	ph->p_filesz = FILE_SIZE;
	ph->p_memsz = FILE_SIZE;
	assert_refused(f, FILE_SIZE, "segment 0: data beyond the end");
	*ph = good;
	ph->p_offset = UINT64_MAX;
	assert_refused(f, FILE_SIZE, "segment 0: data beyond the end");
	*ph = good;
	ph->p_paddr = UINT64_MAX - 16;
	assert_refused(f, FILE_SIZE, "wraps around the address space");
	*ph = good;
	ph->p_paddr = HV_ARM64_UART_BASE;
	assert_refused(
		f, FILE_SIZE,
		"segment 0 (0x9000000-0x9000200) overlaps the device window");
	*ph = good;
	/* Below RAM and the device window: nothing is there at all. */
	ph->p_paddr = 0x1000;
	assert_refused(f, FILE_SIZE,
		       "lies outside guest RAM (0x40000000-0x40800000)");
	*ph = good;
	ph->p_paddr = HV_ARM64_RAM_BASE + RAM_SIZE - 511;
	assert_refused(f, FILE_SIZE, "lies outside guest RAM");
	*ph = good;
	ph->p_paddr = HV_ARM64_DTB_BASE + HV_ARM64_DTB_MAX - 1;
	assert_refused(f, FILE_SIZE,
		       "overlaps the device tree (0x40000000-0x40200000)");
	*ph = good;
	ph->p_paddr = HV_ARM64_RAM_BASE;
	assert_refused(f, FILE_SIZE, "overlaps the device tree");
}

static void test_refuse_entry(void **state)
{
	struct fixture *f = *state;

	f->img.eh->e_entry = IMAGE_BASE + 512;
	assert_refused(
		f, FILE_SIZE,
		"entry point 0x40200200 is outside every loaded segment");
	f->img.eh->e_entry = IMAGE_BASE + 2;
	assert_refused(f, FILE_SIZE,
		       "entry point 0x40200002 is not 4-byte aligned");
	/* The note's address does not count: it is not loaded. */
	f->img.eh->e_entry = 0x1000;
	assert_refused(f, FILE_SIZE, "outside every loaded segment");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_load, setup),
		cmocka_unit_test_setup(test_entry_translation, setup),
		cmocka_unit_test_setup(test_load_at_ram_edges, setup),
		cmocka_unit_test_setup(test_refuse_file, setup),
		cmocka_unit_test_setup(test_refuse_header, setup),
		cmocka_unit_test_setup(test_refuse_segments, setup),
		cmocka_unit_test_setup(test_refuse_entry, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
