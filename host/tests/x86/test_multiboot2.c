// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the Multiboot2 loader and boot information builder. */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "le_bytes.h"

#include "hvcheck_abi.h"
#include "vmm/x86/multiboot2.h"

#define RAM_SIZE (4 << 20)
#define IMG_MAX	 0x9000
#define HDR_OFF	 0x200 /* where the builders put the Multiboot2 header */
#define SEG0_OFF 0x1000
#define SEG1_OFF 0x2000
#define SEG0_PA	 0x100000
#define SEG1_PA	 0x200000
#define SEG1_VA	 0xffffffff80200000ULL
#define ENTRY	 (SEG0_PA + 0x10)
#define FILL	 0xcc /* what guest RAM holds before a load */

static const struct elf_keepout keepout[] = {
	{ HV_X86_BOOTINFO_BASE, HV_X86_BOOTINFO_SIZE, "the boot information" },
	{ HV_X86_ACPI_BASE, HV_X86_ACPI_SIZE, "the ACPI tables" },
};

struct img {
	uint8_t buf[IMG_MAX];
	size_t size;
	size_t hdr; /* header offset */
	size_t pos; /* next tag offset */
};

static struct img img;
static struct guest_mem mem;
static char err[256];
static uint32_t entry;

static void put32(size_t off, uint32_t v)
{
	memcpy(img.buf + off, &v, 4);
}

/* A Multiboot2 header at off; tags follow with add_tag(). */
static void hdr_begin(size_t off)
{
	img.hdr = off;
	img.pos = off + 16;
	put32(off, MB2_HEADER_MAGIC);
	put32(off + 4, MB2_ARCH_I386);
}

static void add_tag(uint16_t type, uint16_t flags, const void *payload,
		    uint32_t len)
{
	uint32_t size = 8 + len;

	memcpy(img.buf + img.pos, &type, 2);
	memcpy(img.buf + img.pos + 2, &flags, 2);
	put32(img.pos + 4, size);
	if (len)
		memcpy(img.buf + img.pos + 8, payload, len);
	img.pos += (size + 7) & ~7u;
}

static void fix_checksum(void)
{
	uint32_t sum = get32(img.buf + img.hdr) + get32(img.buf + img.hdr + 4) +
		       get32(img.buf + img.hdr + 8);

	put32(img.hdr + 12, -sum);
}

/* Adds the end tag, sets header_length and the checksum. */
static void hdr_end(void)
{
	add_tag(MB2_HEADER_TAG_END, 0, NULL, 0);
	put32(img.hdr + 8, img.pos - img.hdr);
	fix_checksum();
}

static Elf64_Ehdr *eh64(void)
{
	return (Elf64_Ehdr *)img.buf;
}

static Elf64_Phdr *ph64(unsigned int i)
{
	return (Elf64_Phdr *)(img.buf + sizeof(Elf64_Ehdr) +
			      i * sizeof(Elf64_Phdr));
}

/*
 * An ELF64 kernel: segment 0 holds code and a bss at 1 MiB, segment 1
 * is linked high (p_vaddr != p_paddr) and loaded at 2 MiB.
 */
static void build_elf64(void)
{
	Elf64_Ehdr *eh = eh64();

	memset(&img, 0, sizeof(img));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = ENTRY;
	eh->e_phoff = sizeof(Elf64_Ehdr);
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 3;
	*ph64(0) = (Elf64_Phdr){ .p_type = PT_LOAD,
				 .p_offset = SEG0_OFF,
				 .p_vaddr = SEG0_PA,
				 .p_paddr = SEG0_PA,
				 .p_filesz = 0x100,
				 .p_memsz = 0x2000 };
	*ph64(1) = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = 0x100 };
	*ph64(2) = (Elf64_Phdr){ .p_type = PT_LOAD,
				 .p_offset = SEG1_OFF,
				 .p_vaddr = SEG1_VA,
				 .p_paddr = SEG1_PA,
				 .p_filesz = 0x80,
				 .p_memsz = 0x80 };
	for (int i = 0; i < 0x100; i++)
		img.buf[SEG0_OFF + i] = i;
	for (int i = 0; i < 0x80; i++)
		img.buf[SEG1_OFF + i] = 0x80 | i;
	img.size = SEG1_OFF + 0x80;
	hdr_begin(HDR_OFF);
}

static void build_good_elf64(void)
{
	build_elf64();
	hdr_end();
}

static void build_good_elf32(void)
{
	Elf32_Ehdr *eh = (Elf32_Ehdr *)img.buf;
	Elf32_Phdr *ph = (Elf32_Phdr *)(img.buf + sizeof(*eh));

	memset(&img, 0, sizeof(img));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_version = EV_CURRENT;
	eh->e_entry = ENTRY;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	*ph = (Elf32_Phdr){ .p_type = PT_LOAD,
			    .p_offset = SEG0_OFF,
			    .p_vaddr = SEG0_PA,
			    .p_paddr = SEG0_PA,
			    .p_filesz = 0x100,
			    .p_memsz = 0x1000 };
	for (int i = 0; i < 0x100; i++)
		img.buf[SEG0_OFF + i] = 0xff - i;
	img.size = SEG0_OFF + 0x100;
	hdr_begin(HDR_OFF);
	hdr_end();
}

static int load(void)
{
	memset(err, 0, sizeof(err));
	return mb2_load(img.buf, img.size, &mem, keepout, 2, &entry, err,
			sizeof(err));
}

/* The load fails with a one-line message containing what. */
static void assert_refused(const char *what)
{
	assert_int_equal(load(), -ENOEXEC);
	assert_non_null(strstr(err, what));
	assert_null(strchr(err, '\n'));
	/* Nothing reached guest memory. */
	assert_int_equal(mem.base[SEG0_PA], FILL);
	assert_int_equal(mem.base[SEG1_PA], FILL);
}

/* Refused with exactly the message said. */
static void assert_said(const char *said)
{
	assert_refused(said);
	assert_string_equal(err, said);
}

static void fill_ram(void)
{
	memset(mem.base + SEG0_PA, FILL, 0x3000);
	memset(mem.base + SEG1_PA, FILL, 0x1000);
}

static int setup(void **state)
{
	(void)state;
	assert_int_equal(vm_mem_alloc(&mem, RAM_SIZE), 0);
	fill_ram();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vm_mem_free(&mem);
	return 0;
}

static void test_good_elf64(void **state)
{
	(void)state;
	build_good_elf64();
	assert_int_equal(load(), 0);
	assert_int_equal(entry, ENTRY);
	/* Segment 0: file bytes, then its bss zeroed. */
	for (int i = 0; i < 0x100; i++)
		assert_int_equal(mem.base[SEG0_PA + i], i);
	for (int i = 0x100; i < 0x2000; i++)
		assert_int_equal(mem.base[SEG0_PA + i], 0);
	assert_int_equal(mem.base[SEG0_PA + 0x2000], FILL);
	/* Segment 1 went to p_paddr, not p_vaddr. */
	assert_int_equal(mem.base[SEG1_PA], 0x80);
	assert_int_equal(mem.base[SEG1_PA + 0x7f], 0xff);
	assert_int_equal(mem.base[SEG1_PA + 0x80], FILL);
}

static void test_good_elf32(void **state)
{
	(void)state;
	build_good_elf32();
	assert_int_equal(load(), 0);
	assert_int_equal(entry, ENTRY);
	assert_int_equal(mem.base[SEG0_PA], 0xff);
	assert_int_equal(mem.base[SEG0_PA + 0xff], 0);
	assert_int_equal(mem.base[SEG0_PA + 0x100], 0);
	assert_int_equal(mem.base[SEG0_PA + 0xfff], 0);
	assert_int_equal(mem.base[SEG0_PA + 0x1000], FILL);
}

/* e_entry in a segment linked high is translated to its p_paddr. */
static void test_entry_virtual_translated(void **state)
{
	(void)state;
	build_good_elf64();
	eh64()->e_entry = SEG1_VA + 0x10;
	assert_int_equal(load(), 0);
	assert_int_equal(entry, SEG1_PA + 0x10);
}

static void test_entry_address_tag(void **state)
{
	uint32_t e = SEG1_PA + 0x20;

	(void)state;
	build_elf64();
	add_tag(MB2_HEADER_TAG_ENTRY_ADDRESS, 0, &e, 4);
	hdr_end();
	assert_int_equal(load(), 0);
	assert_int_equal(entry, SEG1_PA + 0x20);
}

/* The a.out kludge: a raw binary placed by its address tag. */
static void test_address_tag_raw_binary(void **state)
{
	/* header_addr, load_addr, load_end_addr, bss_end_addr */
	uint32_t addr[4] = { SEG0_PA + 0x40, SEG0_PA, 0, SEG0_PA + 0x2000 };
	uint32_t e = SEG0_PA + 0x80;

	(void)state;
	memset(&img, 0, sizeof(img));
	for (int i = 0; i < 0x100; i++)
		img.buf[i] = i ^ 0x5a;
	hdr_begin(0x40);
	add_tag(MB2_HEADER_TAG_ADDRESS, 0, addr, sizeof(addr));
	add_tag(MB2_HEADER_TAG_ENTRY_ADDRESS, 0, &e, 4);
	hdr_end();
	img.size = 0x100;
	assert_int_equal(load(), 0);
	assert_int_equal(entry, SEG0_PA + 0x80);
	/* The whole file from load_addr, the header included. */
	assert_memory_equal(mem.base + SEG0_PA, img.buf, 0x100);
	assert_int_equal(mem.base[SEG0_PA + 0x100], 0);
	assert_int_equal(mem.base[SEG0_PA + 0x1fff], 0);
	assert_int_equal(mem.base[SEG0_PA + 0x2000], FILL);
}

static void test_tags_understood(void **state)
{
	uint32_t provided[] = { MB2_TAG_CMDLINE, MB2_TAG_MMAP,
				MB2_TAG_ACPI_NEW };
	uint32_t missing = 8; /* framebuffer info */
	uint32_t console = 2; /* EGA text supported, not required */
	uint8_t fb[12] = { 0 };
	uint32_t align = 0;

	(void)state;
	build_elf64();
	add_tag(MB2_HEADER_TAG_INFO_REQUEST, 0, provided, sizeof(provided));
	add_tag(MB2_HEADER_TAG_INFO_REQUEST, MB2_HEADER_TAG_OPTIONAL, &missing,
		4);
	add_tag(MB2_HEADER_TAG_CONSOLE_FLAGS, 0, &console, 4);
	add_tag(MB2_HEADER_TAG_FRAMEBUFFER, MB2_HEADER_TAG_OPTIONAL, fb, 12);
	add_tag(MB2_HEADER_TAG_MODULE_ALIGN, 0, &align, 0);
	add_tag(77, MB2_HEADER_TAG_OPTIONAL, fb, 5); /* unknown, optional */
	hdr_end();
	assert_int_equal(load(), 0);
	assert_int_equal(entry, ENTRY);
}

/* The header may sit anywhere 8-byte aligned in the first 32 KiB. */
static void test_header_at_search_limit(void **state)
{
	(void)state;
	build_elf64();
	memset(img.buf + HDR_OFF, 0, 16);
	hdr_begin(MB2_SEARCH_LIMIT - 24);
	hdr_end();
	img.size = MB2_SEARCH_LIMIT + 0x100;
	assert_int_equal(load(), 0);

	fill_ram();
	build_elf64();
	memset(img.buf + HDR_OFF, 0, 16);
	hdr_begin(MB2_SEARCH_LIMIT);
	hdr_end();
	img.size = MB2_SEARCH_LIMIT + 0x100;
	assert_refused("no Multiboot2 header in the first 32768 bytes");
}

static void test_refuse_empty(void **state)
{
	(void)state;
	memset(&img, 0, sizeof(img));
	assert_refused("empty image");
}

static void test_refuse_no_header(void **state)
{
	(void)state;
	memset(&img, 0, sizeof(img));
	memset(img.buf, 0x90, IMG_MAX);
	img.size = IMG_MAX;
	assert_refused("no Multiboot2 header in the first 32768 bytes");
}

static void test_refuse_bad_magic(void **state)
{
	(void)state;
	build_good_elf64();
	put32(HDR_OFF, MB2_HEADER_MAGIC + 1);
	fix_checksum();
	assert_refused("no Multiboot2 header in the first 32768 bytes");
}

static void test_refuse_misaligned_header(void **state)
{
	(void)state;
	build_elf64();
	memset(img.buf + HDR_OFF, 0, 16);
	hdr_begin(HDR_OFF + 4);
	hdr_end();
	assert_refused("no Multiboot2 header");
}

static void test_refuse_bad_checksum(void **state)
{
	(void)state;
	build_good_elf64();
	put32(HDR_OFF + 12, get32(img.buf + HDR_OFF + 12) + 1);
	assert_refused("checksum");
}

static void test_refuse_architecture(void **state)
{
	(void)state;
	build_good_elf64();
	put32(HDR_OFF + 4, 4); /* MIPS */
	fix_checksum();
	assert_refused("architecture 4");
}

static void test_refuse_header_too_short(void **state)
{
	(void)state;
	build_good_elf64();
	put32(HDR_OFF + 8, 16);
	fix_checksum();
	assert_refused("too short");
}

static void test_refuse_header_overruns_search(void **state)
{
	(void)state;
	build_good_elf64();
	put32(HDR_OFF + 8, get32(img.buf + HDR_OFF + 8) + 0x100000);
	fix_checksum();
	assert_refused("overruns the first 32768 bytes");
}

static void test_refuse_header_overruns_file(void **state)
{
	(void)state;
	build_good_elf64();
	img.size = HDR_OFF + 20; /* cuts the end tag off */
	assert_refused("overruns the end of the file");
}

static void test_refuse_tag_overruns_header(void **state)
{
	uint32_t e = ENTRY;

	(void)state;
	build_elf64();
	add_tag(MB2_HEADER_TAG_ENTRY_ADDRESS, 0, &e, 4);
	hdr_end();
	put32(HDR_OFF + 16 + 4, 0x100); /* the entry tag's size */
	assert_refused("overruns the header length");
}

static void test_refuse_tag_too_small(void **state)
{
	uint32_t e = ENTRY;

	(void)state;
	build_elf64();
	add_tag(MB2_HEADER_TAG_ENTRY_ADDRESS, 0, &e, 4);
	hdr_end();
	put32(HDR_OFF + 16 + 4, 4);
	assert_refused("overruns the header length");
}

static void test_refuse_no_end_tag(void **state)
{
	(void)state;
	build_elf64();
	hdr_end();
	/* Turn the end tag into an optional unknown one. */
	img.buf[HDR_OFF + 16] = 99;
	img.buf[HDR_OFF + 18] = MB2_HEADER_TAG_OPTIONAL;
	assert_refused("no end tag");
}

static void test_refuse_bad_tag_size(void **state)
{
	uint32_t e[2] = { ENTRY, 0 };

	(void)state;
	build_elf64();
	add_tag(MB2_HEADER_TAG_ENTRY_ADDRESS, 0, e, 8);
	hdr_end();
	assert_refused("tag type 3 has size 16, expected 12");
}

static void test_refuse_unknown_required_tag(void **state)
{
	uint32_t x = 0;

	(void)state;
	build_elf64();
	add_tag(42, 0, &x, 4);
	hdr_end();
	assert_refused("unknown required Multiboot2 header tag type 42");
}

static void test_refuse_required_info_missing(void **state)
{
	uint32_t want[] = { MB2_TAG_CMDLINE, 8 };

	(void)state;
	build_elf64();
	add_tag(MB2_HEADER_TAG_INFO_REQUEST, 0, want, sizeof(want));
	hdr_end();
	assert_refused("requires boot information tag type 8");
}

static void test_refuse_console_required(void **state)
{
	uint32_t flags = MB2_CONSOLE_REQUIRED;

	(void)state;
	build_elf64();
	add_tag(MB2_HEADER_TAG_CONSOLE_FLAGS, 0, &flags, 4);
	hdr_end();
	assert_refused("console");
}

static void test_refuse_not_elf(void **state)
{
	(void)state;
	build_good_elf64();
	img.buf[0] = 0x7e;
	assert_refused("not an ELF image");
	assert_string_equal(
		err,
		"not an ELF image, and its Multiboot2 header has no address tag");
}

static void test_refuse_truncated_elf_header(void **state)
{
	(void)state;
	memset(&img, 0, sizeof(img));
	memcpy(img.buf, ELFMAG, SELFMAG);
	img.buf[EI_CLASS] = ELFCLASS64;
	img.buf[EI_DATA] = ELFDATA2LSB;
	hdr_begin(16);
	hdr_end();
	img.size = 40; /* header ends here; an Elf64_Ehdr needs 64 */
	assert_refused("truncated ELF: file header");
	assert_string_equal(err, "truncated ELF: file header");
}

static void test_refuse_truncated_phdrs(void **state)
{
	(void)state;
	build_good_elf64();
	eh64()->e_phoff = img.size - sizeof(Elf64_Phdr);
	assert_refused("truncated ELF: program headers");
	assert_string_equal(
		err,
		"truncated ELF: program headers are beyond the end of the file");
}

static void test_refuse_truncated_shdrs(void **state)
{
	(void)state;
	build_good_elf64();
	eh64()->e_shoff = img.size - 0x40;
	eh64()->e_shentsize = sizeof(Elf64_Shdr);
	eh64()->e_shnum = 10;
	assert_refused("truncated ELF: section headers");
	assert_string_equal(
		err,
		"truncated ELF: section headers are beyond the end of the file");
}

static void test_refuse_truncated_segment(void **state)
{
	(void)state;
	build_good_elf64();
	img.size -= 1; /* segment 2 ends one byte past the file */
	assert_refused("truncated image: ELF segment 2 data");
	assert_string_equal(
		err,
		"truncated image: ELF segment 2 data [0x2000, +0x80) is beyond the end of the file (8319 bytes)");
}

static void test_refuse_memsz_below_filesz(void **state)
{
	(void)state;
	build_good_elf64();
	ph64(2)->p_memsz = 0;
	assert_refused("memsz 0x0 is smaller than filesz 0x80");
	assert_string_equal(
		err, "ELF segment 2: memsz 0x0 is smaller than filesz 0x80");
}

static void test_refuse_segment_outside_memory(void **state)
{
	(void)state;
	build_good_elf64();
	ph64(2)->p_paddr = 0x80000000;
	assert_refused(
		"ELF segment 2 [0x80000000, 0x80000080) lies outside guest memory");
	assert_string_equal(
		err,
		"ELF segment 2 [0x80000000, 0x80000080) lies outside guest memory (4 MiB)");
}

static void test_refuse_segment_straddles_memory_end(void **state)
{
	(void)state;
	build_good_elf64();
	ph64(2)->p_paddr = RAM_SIZE - 0x40;
	assert_refused("lies outside guest memory");
	assert_string_equal(
		err,
		"ELF segment 2 [0x3fffc0, 0x400040) lies outside guest memory (4 MiB)");
}

static void test_refuse_segment_wraps(void **state)
{
	(void)state;
	build_good_elf64();
	ph64(2)->p_paddr = UINT64_MAX - 0x10;
	assert_refused("lies outside guest memory");
	assert_string_equal(
		err,
		"ELF segment 2 [0xffffffffffffffef, 0xffffffffffffffff) lies outside guest memory (4 MiB)");
}

static void test_refuse_segment_overlaps_bootinfo(void **state)
{
	(void)state;
	build_good_elf64();
	ph64(2)->p_paddr = HV_X86_BOOTINFO_BASE + HV_X86_BOOTINFO_SIZE - 1;
	assert_refused("overlaps the boot information");
	assert_string_equal(
		err,
		"ELF segment 2 [0x1ffff, 0x2007f) overlaps the boot information [0x10000, 0x20000)");
}

static void test_refuse_segment_overlaps_acpi(void **state)
{
	(void)state;
	build_good_elf64();
	ph64(2)->p_paddr = HV_X86_ACPI_BASE - 0x40;
	assert_refused("overlaps the ACPI tables");
	assert_string_equal(
		err,
		"ELF segment 2 [0xdffc0, 0xe0040) overlaps the ACPI tables [0xe0000, 0x100000)");
}

static void test_refuse_entry_outside(void **state)
{
	(void)state;
	build_good_elf64();
	eh64()->e_entry = SEG0_PA + 0x2000; /* just past segment 0's bss */
	assert_refused("entry point 0x102000 is outside every loaded segment");
	assert_string_equal(
		err, "entry point 0x102000 is outside every loaded segment");
}

static void test_refuse_entry_tag_outside(void **state)
{
	uint32_t e = 0x300000;

	(void)state;
	build_elf64();
	add_tag(MB2_HEADER_TAG_ENTRY_ADDRESS, 0, &e, 4);
	hdr_end();
	assert_refused("entry point 0x300000");
	assert_string_equal(
		err, "entry point 0x300000 is outside every loaded segment");
}

static void test_refuse_wrong_machine(void **state)
{
	(void)state;
	build_good_elf64();
	eh64()->e_machine = EM_AARCH64;
	assert_refused("not x86");
	assert_string_equal(err, "ELF machine 183 is not x86");
}

static void test_refuse_not_executable(void **state)
{
	(void)state;
	build_good_elf64();
	eh64()->e_type = ET_DYN;
	assert_refused("not an executable");
	assert_string_equal(err, "ELF type 3 is not an executable");
}

static void test_refuse_bad_class(void **state)
{
	(void)state;
	build_good_elf64();
	eh64()->e_ident[EI_CLASS] = 3;
	assert_refused("neither ELF32 nor ELF64");
	assert_string_equal(err, "ELF class 3 is neither ELF32 nor ELF64");
}

static void test_refuse_big_endian(void **state)
{
	(void)state;
	build_good_elf64();
	eh64()->e_ident[EI_DATA] = ELFDATA2MSB;
	assert_refused("not little-endian");
	assert_string_equal(err, "ELF image is not little-endian");
}

static void test_refuse_no_phdrs(void **state)
{
	(void)state;
	build_good_elf64();
	eh64()->e_phnum = 0;
	assert_refused("no program headers");
	assert_string_equal(err, "ELF image has no program headers");
}

static void test_refuse_no_loadable_segment(void **state)
{
	(void)state;
	build_good_elf64();
	ph64(0)->p_type = PT_NOTE;
	ph64(2)->p_type = PT_NOTE;
	assert_refused("no loadable segment");
	assert_string_equal(err, "ELF image has no loadable segment");
}

static void test_refuse_address_tag_without_entry(void **state)
{
	uint32_t addr[4] = { SEG0_PA + HDR_OFF, SEG0_PA, 0, 0 };

	(void)state;
	build_elf64();
	add_tag(MB2_HEADER_TAG_ADDRESS, 0, addr, sizeof(addr));
	hdr_end();
	assert_refused("address tag without an entry address tag");
}

static void test_refuse_address_tag_load_after_header(void **state)
{
	uint32_t addr[4] = { SEG0_PA, SEG0_PA + 0x10, 0, 0 };
	uint32_t e = SEG0_PA;

	(void)state;
	build_elf64();
	add_tag(MB2_HEADER_TAG_ADDRESS, 0, addr, sizeof(addr));
	add_tag(MB2_HEADER_TAG_ENTRY_ADDRESS, 0, &e, 4);
	hdr_end();
	assert_refused("load_addr 0x100010 is not within the file");
}

static void test_refuse_address_tag_truncated(void **state)
{
	/* load_end_addr asks for more than the file holds */
	uint32_t addr[4] = { SEG0_PA + HDR_OFF, SEG0_PA, SEG0_PA + IMG_MAX, 0 };
	uint32_t e = SEG0_PA;

	(void)state;
	build_elf64();
	add_tag(MB2_HEADER_TAG_ADDRESS, 0, addr, sizeof(addr));
	add_tag(MB2_HEADER_TAG_ENTRY_ADDRESS, 0, &e, 4);
	hdr_end();
	assert_refused("truncated image: address tag load range");
	assert_string_equal(
		err,
		"truncated image: address tag load range data [0x0, +0x9000) is beyond the end of the file (8320 bytes)");
}

static void test_refuse_address_tag_bss_below_data(void **state)
{
	uint32_t addr[4] = { SEG0_PA + HDR_OFF, SEG0_PA, SEG0_PA + 0x400,
			     SEG0_PA + 0x300 };
	uint32_t e = SEG0_PA;

	(void)state;
	build_elf64();
	add_tag(MB2_HEADER_TAG_ADDRESS, 0, addr, sizeof(addr));
	add_tag(MB2_HEADER_TAG_ENTRY_ADDRESS, 0, &e, 4);
	hdr_end();
	assert_refused(
		"bss_end_addr 0x100300 is below the end of the loaded data");
}

static void test_refuse_address_tag_overlaps_bootinfo(void **state)
{
	uint32_t addr[4] = { HV_X86_BOOTINFO_BASE + HDR_OFF,
			     HV_X86_BOOTINFO_BASE, 0, 0 };
	uint32_t e = HV_X86_BOOTINFO_BASE;

	(void)state;
	build_elf64();
	add_tag(MB2_HEADER_TAG_ADDRESS, 0, addr, sizeof(addr));
	add_tag(MB2_HEADER_TAG_ENTRY_ADDRESS, 0, &e, 4);
	hdr_end();
	assert_refused(
		"address tag load range [0x10000, 0x12080) overlaps the boot information");
	assert_string_equal(
		err,
		"address tag load range [0x10000, 0x12080) overlaps the boot information [0x10000, 0x20000)");
}

/* The ELF loader's x86 rules: what it does not look at. */
static void test_elf_version_not_checked(void **state)
{
	(void)state;
	build_good_elf64();
	eh64()->e_ident[EI_VERSION] = 0;
	assert_int_equal(load(), 0);
	assert_int_equal(entry, ENTRY);
}

/* A PT_LOAD of p_memsz 0 is not placed, and does not count. */
static void test_empty_segment_not_placed(void **state)
{
	(void)state;
	build_good_elf64();
	*ph64(1) = (Elf64_Phdr){ .p_type = PT_LOAD, .p_paddr = 0x80000000 };
	assert_int_equal(load(), 0);
	assert_int_equal(entry, ENTRY);
	fill_ram();
	ph64(0)->p_filesz = ph64(0)->p_memsz = 0;
	ph64(2)->p_filesz = ph64(2)->p_memsz = 0;
	assert_said("ELF image has no loadable segment");
}

/* Of several defects of e_ident, the encoding, then the class. */
static void test_refuse_ident_order(void **state)
{
	(void)state;
	memset(&img, 0, sizeof(img));
	memcpy(img.buf, ELFMAG, SELFMAG);
	img.buf[EI_CLASS] = 3;
	img.buf[EI_DATA] = ELFDATA2MSB;
	hdr_begin(16);
	hdr_end();
	img.size = 40;
	assert_said("ELF image is not little-endian");
	img.buf[EI_DATA] = ELFDATA2LSB;
	assert_said("ELF class 3 is neither ELF32 nor ELF64");
	img.buf[EI_CLASS] = ELFCLASS32; /* an Elf32_Ehdr needs 52 */
	assert_said("truncated ELF: file header");
}

/* An entry address tag is physical, and e_entry is not looked at. */
static void test_entry_tag_replaces_e_entry(void **state)
{
	uint32_t e = SEG0_PA + 4;

	(void)state;
	build_elf64();
	eh64()->e_entry = 0xdead;
	add_tag(MB2_HEADER_TAG_ENTRY_ADDRESS, 0, &e, 4);
	hdr_end();
	assert_int_equal(load(), 0);
	assert_int_equal(entry, SEG0_PA + 4);
	fill_ram();
	put32(HDR_OFF + 16 + 8, SEG0_PA + 0x2000);
	assert_said("entry point 0x102000 is outside every loaded segment");
}

static void test_refuse_small_phentsize(void **state)
{
	(void)state;
	build_good_elf64();
	eh64()->e_phentsize = sizeof(Elf64_Phdr) - 1;
	assert_said("ELF program header size 55 is too small");
}

/* An ELF image placed by its address tag, entered at e. */
static void build_address_tagged(const uint32_t addr[4], uint32_t e)
{
	build_elf64();
	add_tag(MB2_HEADER_TAG_ADDRESS, 0, addr, 16);
	add_tag(MB2_HEADER_TAG_ENTRY_ADDRESS, 0, &e, 4);
	hdr_end();
}

static void test_refuse_address_tag_outside_memory(void **state)
{
	uint32_t addr[4] = { 0x3ff000 + HDR_OFF, 0x3ff000, 0, 0 };

	(void)state;
	build_address_tagged(addr, 0x3ff000);
	assert_said(
		"address tag load range [0x3ff000, 0x401080) lies outside guest memory (4 MiB)");
	addr[0] = 0x300000 + HDR_OFF;
	addr[1] = 0x300000;
	build_address_tagged(addr, 0x3ff000);
	assert_said(
		"entry point 0x3ff000 is outside the loaded image [0x300000, 0x302080)");
}

/* --- boot information --------------------------------------------- */

static const uint8_t rsdp[36] = "RSD PTR \x42 rest of an RSDP copy...";

/* Walks the info at gpa; returns the tag of type, or NULL. */
static const uint8_t *find_info_tag(uint64_t gpa, uint32_t type)
{
	const uint8_t *info = mem.base + gpa;
	uint32_t total = get32(info), pos = 8;

	while (pos + 8 <= total) {
		const uint8_t *tag = info + pos;

		assert_int_equal(pos % 8, 0);
		if (get32(tag) == type)
			return tag;
		if (get32(tag) == MB2_TAG_END)
			break;
		pos += (get32(tag + 4) + 7) & ~7u;
	}
	return NULL;
}

static long build_info(uint64_t ram, uint64_t max)
{
	struct mb2_info_config cfg = {
		.cmdline = "tests=selftest x=1",
		.ram_size = ram,
		.rsdp = rsdp,
		.rsdp_size = sizeof(rsdp),
	};

	return mb2_build_info(&mem, HV_X86_BOOTINFO_BASE, max, &cfg);
}

static void test_info_tags(void **state)
{
	const uint64_t ram = 64 << 20;
	const uint8_t *info = mem.base + HV_X86_BOOTINFO_BASE, *tag;
	long size;

	(void)state;
	size = build_info(ram, HV_X86_BOOTINFO_SIZE);
	assert_true(size > 0);
	assert_int_equal(get32(info), size);
	assert_int_equal(get32(info + 4), 0);

	tag = find_info_tag(HV_X86_BOOTINFO_BASE, MB2_TAG_CMDLINE);
	assert_non_null(tag);
	assert_int_equal(get32(tag + 4), 8 + sizeof("tests=selftest x=1"));
	assert_string_equal((const char *)tag + 8, "tests=selftest x=1");

	tag = find_info_tag(HV_X86_BOOTINFO_BASE, MB2_TAG_LOADER_NAME);
	assert_non_null(tag);
	assert_string_equal((const char *)tag + 8, "hvcheck");

	tag = find_info_tag(HV_X86_BOOTINFO_BASE, MB2_TAG_BASIC_MEMINFO);
	assert_non_null(tag);
	assert_int_equal(get32(tag + 4), 16);
	assert_int_equal(get32(tag + 8), 639);
	assert_int_equal(get32(tag + 12), (64 - 1) * 1024);

	tag = find_info_tag(HV_X86_BOOTINFO_BASE, MB2_TAG_MMAP);
	assert_non_null(tag);
	assert_int_equal(get32(tag + 4), 16 + 3 * 24);
	assert_int_equal(get32(tag + 8), 24); /* entry_size */
	assert_int_equal(get32(tag + 12), 0); /* entry_version */
	assert_int_equal(get64(tag + 16), 0);
	assert_int_equal(get64(tag + 24), HV_X86_LOW_RAM_END);
	assert_int_equal(get32(tag + 32), MB2_MMAP_AVAILABLE);
	assert_int_equal(get64(tag + 40), HV_X86_LOW_RAM_END);
	assert_int_equal(get64(tag + 48), 0x100000 - HV_X86_LOW_RAM_END);
	assert_int_equal(get32(tag + 56), MB2_MMAP_RESERVED);
	assert_int_equal(get64(tag + 64), 0x100000);
	assert_int_equal(get64(tag + 72), ram - 0x100000);
	assert_int_equal(get32(tag + 80), MB2_MMAP_AVAILABLE);

	tag = find_info_tag(HV_X86_BOOTINFO_BASE, MB2_TAG_ACPI_NEW);
	assert_non_null(tag);
	assert_int_equal(get32(tag + 4), 8 + sizeof(rsdp));
	assert_memory_equal(tag + 8, rsdp, sizeof(rsdp));

	/* The end tag closes it exactly at total_size. */
	tag = find_info_tag(HV_X86_BOOTINFO_BASE, MB2_TAG_END);
	assert_non_null(tag);
	assert_int_equal(get32(tag + 4), 8);
	assert_int_equal(tag + 8 - info, size);
}

static void test_info_one_mib(void **state)
{
	const uint8_t *tag;

	(void)state;
	assert_true(build_info(1 << 20, HV_X86_BOOTINFO_SIZE) > 0);
	tag = find_info_tag(HV_X86_BOOTINFO_BASE, MB2_TAG_BASIC_MEMINFO);
	assert_int_equal(get32(tag + 12), 0);
	tag = find_info_tag(HV_X86_BOOTINFO_BASE, MB2_TAG_MMAP);
	assert_int_equal(get32(tag + 4), 16 + 2 * 24);
}

static void test_info_no_room(void **state)
{
	(void)state;
	assert_int_equal(build_info(64 << 20, 64), -ENOSPC);
	assert_int_equal(build_info(64 << 20, 4), -ENOSPC);
	/* Info beyond RAM: the bounds check refuses it. */
	assert_int_equal(mb2_build_info(&mem, RAM_SIZE - 0x100, 0x1000,
					&(struct mb2_info_config){
						.cmdline = "",
						.ram_size = RAM_SIZE,
						.rsdp = rsdp,
						.rsdp_size = sizeof(rsdp) }),
			 -EFAULT);
}

static void test_info_provides(void **state)
{
	(void)state;
	for (uint32_t type = 0; type < 32; type++) {
		bool want = type == MB2_TAG_CMDLINE ||
			    type == MB2_TAG_LOADER_NAME ||
			    type == MB2_TAG_BASIC_MEMINFO ||
			    type == MB2_TAG_MMAP || type == MB2_TAG_ACPI_NEW;

		assert_int_equal(mb2_info_provides(type), want);
	}
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_good_elf64),
		T(test_good_elf32),
		T(test_entry_virtual_translated),
		T(test_entry_address_tag),
		T(test_address_tag_raw_binary),
		T(test_tags_understood),
		T(test_header_at_search_limit),
		T(test_refuse_empty),
		T(test_refuse_no_header),
		T(test_refuse_bad_magic),
		T(test_refuse_misaligned_header),
		T(test_refuse_bad_checksum),
		T(test_refuse_architecture),
		T(test_refuse_header_too_short),
		T(test_refuse_header_overruns_search),
		T(test_refuse_header_overruns_file),
		T(test_refuse_tag_overruns_header),
		T(test_refuse_tag_too_small),
		T(test_refuse_no_end_tag),
		T(test_refuse_bad_tag_size),
		T(test_refuse_unknown_required_tag),
		T(test_refuse_required_info_missing),
		T(test_refuse_console_required),
		T(test_refuse_not_elf),
		T(test_refuse_truncated_elf_header),
		T(test_refuse_truncated_phdrs),
		T(test_refuse_truncated_shdrs),
		T(test_refuse_truncated_segment),
		T(test_refuse_memsz_below_filesz),
		T(test_refuse_segment_outside_memory),
		T(test_refuse_segment_straddles_memory_end),
		T(test_refuse_segment_wraps),
		T(test_refuse_segment_overlaps_bootinfo),
		T(test_refuse_segment_overlaps_acpi),
		T(test_refuse_entry_outside),
		T(test_refuse_entry_tag_outside),
		T(test_refuse_wrong_machine),
		T(test_refuse_not_executable),
		T(test_refuse_bad_class),
		T(test_refuse_big_endian),
		T(test_refuse_no_phdrs),
		T(test_refuse_no_loadable_segment),
		T(test_refuse_address_tag_without_entry),
		T(test_refuse_address_tag_load_after_header),
		T(test_refuse_address_tag_truncated),
		T(test_refuse_address_tag_bss_below_data),
		T(test_refuse_address_tag_overlaps_bootinfo),
		T(test_elf_version_not_checked),
		T(test_empty_segment_not_placed),
		T(test_refuse_ident_order),
		T(test_entry_tag_replaces_e_entry),
		T(test_refuse_small_phentsize),
		T(test_refuse_address_tag_outside_memory),
		T(test_info_tags),
		T(test_info_one_mib),
		T(test_info_no_room),
		T(test_info_provides),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
