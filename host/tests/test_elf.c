// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the ELF loader: both machines' targets, loads, refusals. */
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
#include "vmm/elf.h"

#define RAM_SIZE   (8 << 20)
#define IMAGE_BASE (HV_ARM64_RAM_BASE + HV_ARM64_IMAGE_OFFSET)
#define X86_BASE   0x100000 /* where x86 images load, RAM from 0 */
#define FILE_SIZE  4096
#define DATA_OFF   1024 /* segment data in the file */

static const struct elf_keepout dtb_keepout[] = {
	{ HV_ARM64_DTB_BASE, HV_ARM64_DTB_MAX, "the device tree" },
};

static const struct elf_keepout arm64_mmio = {
	.base = HV_ARM64_GIC_BASE,
	.size = HV_ARM64_MMIO_END - HV_ARM64_GIC_BASE,
	.what = "the device window",
};

/* The arm64 machine's target, as host/vmm/arm64/image.c has it. */
static const struct elf_target arm64 = {
	.name = "AArch64",
	.machine = { EM_AARCH64 },
	.ram_base = HV_ARM64_RAM_BASE,
	.entry_align = 4,
	.mmio = &arm64_mmio,
	.check_version = true,
};

/* An x86 target: RAM from 0, ELF32 or ELF64, no alignment, elf.c's words. */
static const struct elf_target x86 = {
	.name = "x86",
	.machine = { EM_386, EM_X86_64 },
	.elf32 = true,
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

/* A load of the first size bytes of the image for target t. */
static struct elf_loader loader(struct fixture *f, const struct elf_target *t,
				size_t size)
{
	return (struct elf_loader){
		.target = t,
		.image = f->img.bytes,
		.size = size,
		.ram = &f->ram,
		.keepout = dtb_keepout,
		.nr_keepout = 1,
		.err = f->err,
		.errlen = sizeof(f->err),
	};
}

static int load_for(struct fixture *f, const struct elf_target *t, size_t size)
{
	struct elf_loader ld = loader(f, t, size);

	return elf_load(&ld, NULL, &f->entry);
}

static int load(struct fixture *f, size_t size)
{
	return load_for(f, &arm64, size);
}

static void assert_refused_for(struct fixture *f, const struct elf_target *t,
			       size_t size, const char *why)
{
	f->entry = 0xbad;
	assert_int_equal(load_for(f, t, size), -ENOEXEC);
	if (!strstr(f->err, why))
		fail_msg("message '%s' does not say '%s'", f->err, why);
	assert_int_equal(f->entry, 0xbad);
	/* Nothing was written to guest RAM. */
	for (size_t i = 0; i < RAM_SIZE; i += 4096)
		assert_int_equal(f->ram_backing[i], 0xaa);
	assert_int_equal(f->ram_backing[HV_ARM64_IMAGE_OFFSET], 0xaa);
}

static void assert_refused(struct fixture *f, size_t size, const char *why)
{
	assert_refused_for(f, &arm64, size, why);
}

/* Refused for t with exactly the message said. */
static void assert_said(struct fixture *f, const struct elf_target *t,
			size_t size, const char *said)
{
	assert_refused_for(f, t, size, said);
	assert_string_equal(f->err, said);
}

/* Guest RAM as it was before any load. */
static void refill(struct fixture *f)
{
	memset(f->ram_backing, 0xaa, sizeof(f->ram_backing));
}

/* Segment 0 loaded at seg: its bytes, then its bss. */
static void assert_segment(const uint8_t *seg)
{
	for (int i = 0; i < 256; i++)
		assert_int_equal(seg[i], i);
	/* bss zeroed up to p_memsz, RAM beyond it untouched. */
	for (int i = 256; i < 512; i++)
		assert_int_equal(seg[i], 0);
	assert_int_equal(seg[512], 0xaa);
	assert_int_equal(seg[-1], 0xaa);
}

static void test_load(void **state)
{
	struct fixture *f = *state;
	uint8_t *seg = f->ram_backing + HV_ARM64_IMAGE_OFFSET;

	assert_int_equal(load(f, FILE_SIZE), 0);
	assert_int_equal(f->entry, IMAGE_BASE + 0x40);
	assert_segment(seg);
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
	/*
	 * An aligned e_entry whose segment is loaded 2 bytes off its link
	 * address: the PC would be misaligned (found by make fuzz, elf).
	 */
	f->img.eh->e_entry = 0xffff000000000040ULL;
	f->img.ph[0].p_vaddr = 0xffff000000000000ULL;
	f->img.ph[0].p_paddr = IMAGE_BASE + 2;
	assert_refused(f, FILE_SIZE,
		       "entry point 0x40200042 is not 4-byte aligned");
}

/* An x86_64 executable, linked at -2 GiB, loaded at 1 MiB of RAM from 0. */
static void test_x86_64(void **state)
{
	struct fixture *f = *state;
	Elf64_Phdr *ph = &f->img.ph[0];
	uint8_t *seg = f->ram_backing + X86_BASE;

	f->img.eh->e_machine = EM_X86_64;
	/* At arm64's address: beyond x86's RAM, which starts at 0. */
	assert_said(
		f, &x86, FILE_SIZE,
		"segment 0 (0x40200000-0x40200200) lies outside guest RAM (0x0-0x800000)");
	ph->p_paddr = X86_BASE;
	ph->p_vaddr = 0xffffffff80100000ULL;
	f->img.eh->e_entry = ph->p_vaddr + 0x41; /* x86: any alignment */
	assert_said(f, &arm64, FILE_SIZE, "not an AArch64 ELF (machine 62)");
	assert_int_equal(load_for(f, &x86, FILE_SIZE), 0);
	assert_int_equal(f->entry, X86_BASE + 0x41);
	assert_segment(seg);

	refill(f);
	f->img.eh->e_machine = EM_AARCH64;
	assert_said(f, &x86, FILE_SIZE, "not an x86 ELF (machine 183)");
	f->img.eh->e_machine = EM_NONE;
	assert_said(f, &x86, FILE_SIZE, "not an x86 ELF (machine 0)");
}

/* An i386 ELF32 executable at 1 MiB: segment 0 is 256 bytes + bss. */
static void build_elf32(struct fixture *f)
{
	Elf32_Ehdr *eh = (Elf32_Ehdr *)f->img.bytes;

	memset(f->img.bytes, 0, DATA_OFF);
	*eh = (Elf32_Ehdr){
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS32,
			     ELFDATA2LSB, EV_CURRENT },
		.e_type = ET_EXEC,
		.e_machine = EM_386,
		.e_version = EV_CURRENT,
		.e_entry = X86_BASE + 0x10,
		.e_phoff = sizeof(Elf32_Ehdr),
		.e_phentsize = sizeof(Elf32_Phdr),
		.e_phnum = 1,
	};
	*(Elf32_Phdr *)(eh + 1) = (Elf32_Phdr){
		.p_type = PT_LOAD,
		.p_offset = DATA_OFF,
		.p_vaddr = X86_BASE,
		.p_paddr = X86_BASE,
		.p_filesz = 256,
		.p_memsz = 0x1000,
	};
}

static void test_elf32(void **state)
{
	struct fixture *f = *state;
	struct elf_target elf64_only = x86;
	Elf32_Ehdr *eh = (Elf32_Ehdr *)f->img.bytes;

	build_elf32(f);
	elf64_only.elf32 = false;
	assert_said(f, &arm64, FILE_SIZE, "not a 64-bit ELF (class 1)");
	assert_said(f, &elf64_only, FILE_SIZE, "not a 64-bit ELF (class 1)");
	/* The header of the file's class must be there: 52 bytes. */
	assert_said(f, &x86, sizeof(*eh) - 1,
		    "truncated ELF file header (51 bytes)");
	assert_said(f, &x86, sizeof(*eh),
		    "program headers beyond the end of the file");
	eh->e_phentsize = sizeof(Elf32_Phdr) - 1;
	assert_said(f, &x86, FILE_SIZE, "program header entries of 31 bytes");
	eh->e_phentsize = sizeof(Elf32_Phdr);
	eh->e_ident[EI_CLASS] = 7;
	assert_said(f, &x86, FILE_SIZE, "neither ELF32 nor ELF64 (class 7)");
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	assert_int_equal(load_for(f, &x86, FILE_SIZE), 0);
	assert_int_equal(f->entry, X86_BASE + 0x10);
	assert_int_equal(f->ram_backing[X86_BASE + 255], 255);
	assert_int_equal(f->ram_backing[X86_BASE + 256], 0);
	assert_int_equal(f->ram_backing[X86_BASE + 0xfff], 0);
	assert_int_equal(f->ram_backing[X86_BASE + 0x1000], 0xaa);
}

/* Guest-physical addresses are taken relative to the target's RAM base. */
static void test_ram_base(void **state)
{
	struct fixture *f = *state;
	struct elf_target t = arm64;
	uint8_t *seg = f->ram_backing + HV_ARM64_IMAGE_OFFSET - 0x100000;

	/* RAM 1 MiB higher: the segment lands 1 MiB lower in it. */
	t.ram_base = HV_ARM64_RAM_BASE + 0x100000;
	assert_int_equal(load_for(f, &t, FILE_SIZE), 0);
	assert_int_equal(f->entry, IMAGE_BASE + 0x40);
	assert_segment(seg);
	refill(f);
	/* Its last bytes, and one byte beyond them. */
	f->img.ph[0].p_paddr = t.ram_base + RAM_SIZE - 512;
	f->img.eh->e_entry = f->img.ph[0].p_paddr;
	assert_int_equal(load_for(f, &t, FILE_SIZE), 0);
	assert_int_equal(f->ram_backing[RAM_SIZE - 512 + 255], 255);
	refill(f);
	f->img.ph[0].p_paddr++;
	assert_said(
		f, &t, FILE_SIZE,
		"segment 0 (0x408ffe01-0x40900001) lies outside guest RAM (0x40100000-0x40900000)");
}

/* A physical entry point given by the caller replaces e_entry. */
static void test_phys_entry(void **state)
{
	struct fixture *f = *state;
	struct elf_loader ld = loader(f, &arm64, FILE_SIZE);
	uint64_t phys = IMAGE_BASE + 0x100;

	f->img.ph[0].p_vaddr = 0xffff000000000000ULL;
	f->img.eh->e_entry = 7; /* not looked at */
	assert_int_equal(elf_load(&ld, &phys, &f->entry), 0);
	assert_int_equal(f->entry, IMAGE_BASE + 0x100);
	/* Physical: p_vaddr does not translate it. */
	refill(f);
	phys = 0xffff000000000100ULL;
	f->entry = 0xbad;
	assert_int_equal(elf_load(&ld, &phys, &f->entry), -ENOEXEC);
	assert_string_equal(
		f->err,
		"entry point 0xffff000000000100 is outside every loaded segment");
	assert_int_equal(f->entry, 0xbad);
	assert_int_equal(f->ram_backing[HV_ARM64_IMAGE_OFFSET], 0xaa);
}

/* check_version and check_sections: which header fields are looked at. */
static void test_header_rules(void **state)
{
	struct fixture *f = *state;
	struct elf_target t = arm64;

	f->img.eh->e_ident[EI_VERSION] = 0;
	assert_said(f, &arm64, FILE_SIZE, "unknown ELF version 0");
	t.check_version = false;
	assert_int_equal(load_for(f, &t, FILE_SIZE), 0);
	refill(f);

	f->img.eh->e_shoff = FILE_SIZE - sizeof(Elf64_Shdr);
	f->img.eh->e_shentsize = sizeof(Elf64_Shdr);
	f->img.eh->e_shnum = 2;
	assert_int_equal(load_for(f, &t, FILE_SIZE), 0);
	refill(f);
	t.check_sections = true;
	assert_said(f, &t, FILE_SIZE,
		    "section headers beyond the end of the file");
	f->img.eh->e_shnum = 1;
	assert_int_equal(load_for(f, &t, FILE_SIZE), 0);
}

/* skip_empty: a PT_LOAD of p_memsz 0 is neither placed nor counted. */
static void test_skip_empty(void **state)
{
	struct fixture *f = *state;
	struct elf_target t = arm64;
	Elf64_Phdr *ph = f->img.ph;

	t.skip_empty = true;
	ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_paddr = 0x1000 };
	assert_said(
		f, &arm64, FILE_SIZE,
		"segment 1 (0x1000-0x1000) lies outside guest RAM (0x40000000-0x40800000)");
	assert_int_equal(load_for(f, &t, FILE_SIZE), 0);
	refill(f);
	ph[1].p_filesz = 1;
	assert_said(f, &t, FILE_SIZE,
		    "segment 1: memory size 0x0 below file size 0x1");
	ph[1].p_filesz = 0;
	/* Nothing but empty segments. */
	ph[0].p_filesz = 0;
	ph[0].p_memsz = 0;
	assert_said(f, &t, FILE_SIZE, "no loadable segment");
	ph[1].p_paddr = IMAGE_BASE;
	assert_said(f, &arm64, FILE_SIZE,
		    "entry point 0x40200040 is outside every loaded segment");
}

/* ident_first: of several defects of e_ident, which one is said. */
static void test_ident_order(void **state)
{
	struct fixture *f = *state;
	struct elf_target t = arm64;

	t.ident_first = true;
	f->img.eh->e_ident[EI_DATA] = ELFDATA2MSB;
	assert_said(f, &arm64, 40, "truncated ELF file header (40 bytes)");
	assert_said(f, &t, 40, "not a little-endian ELF (data encoding 2)");
	f->img.eh->e_ident[EI_CLASS] = ELFCLASS32;
	assert_said(f, &arm64, FILE_SIZE, "not a 64-bit ELF (class 1)");
	assert_said(f, &t, FILE_SIZE,
		    "not a little-endian ELF (data encoding 2)");
	f->img.eh->e_ident[EI_DATA] = ELFDATA2LSB;
	assert_said(f, &t, 40, "not a 64-bit ELF (class 1)");
	f->img.eh->e_ident[EI_CLASS] = ELFCLASS64;
	assert_said(f, &t, 40, "truncated ELF file header (40 bytes)");
	assert_said(f, &t, 15, "not an ELF file (no ELF magic)");
}

/* entry_align, mmio and segment: what they change. */
static void test_target_details(void **state)
{
	struct fixture *f = *state;
	struct elf_target t = arm64;

	f->img.eh->e_entry = IMAGE_BASE + 0x44;
	t.entry_align = 16;
	assert_said(f, &t, FILE_SIZE,
		    "entry point 0x40200044 is not 16-byte aligned");
	t.entry_align = 0;
	f->img.eh->e_entry = IMAGE_BASE + 3;
	assert_int_equal(load_for(f, &t, FILE_SIZE), 0);
	assert_int_equal(f->entry, IMAGE_BASE + 3);
	refill(f);

	t = arm64;
	f->img.eh->e_entry = IMAGE_BASE;
	f->img.ph[0].p_paddr = HV_ARM64_UART_BASE;
	assert_said(
		f, &arm64, FILE_SIZE,
		"segment 0 (0x9000000-0x9000200) overlaps the device window (0x8000000-0xa000000)");
	t.mmio = NULL;
	assert_said(
		f, &t, FILE_SIZE,
		"segment 0 (0x9000000-0x9000200) lies outside guest RAM (0x40000000-0x40800000)");
	t.segment = "ELF segment";
	assert_said(
		f, &t, FILE_SIZE,
		"ELF segment 0 (0x9000000-0x9000200) lies outside guest RAM (0x40000000-0x40800000)");
}

static struct {
	enum elf_defect defect;
	char what[40];
	uint64_t paddr;
	const struct elf_keepout *keepout;
} said;

/* A target's own words for one defect; elf.c's for the rest. */
static int words(const struct elf_loader *ld, const struct elf_refusal *r)
{
	said.defect = r->defect;
	snprintf(said.what, sizeof(said.what), "%s", r->what ?: "");
	said.paddr = r->range ? r->range->paddr : 0;
	said.keepout = r->keepout;
	if (r->defect == ELF_BAD_MACHINE)
		return elf_fail(ld, "machine %llu is not ours",
				(unsigned long long)r->value);
	return elf_words(ld, r);
}

static void test_target_words(void **state)
{
	struct fixture *f = *state;
	struct elf_target t = arm64;

	t.words = words;
	f->img.eh->e_machine = EM_RISCV;
	assert_said(f, &t, FILE_SIZE, "machine 243 is not ours");
	assert_int_equal(said.defect, ELF_BAD_MACHINE);
	f->img.eh->e_machine = EM_AARCH64;
	f->img.ph[0].p_paddr = HV_ARM64_RAM_BASE + 0x100;
	assert_said(
		f, &t, FILE_SIZE,
		"segment 0 (0x40000100-0x40000300) overlaps the device tree (0x40000000-0x40200000)");
	assert_int_equal(said.defect, ELF_OVERLAPS);
	assert_string_equal(said.what, "segment 0");
	assert_int_equal(said.paddr, HV_ARM64_RAM_BASE + 0x100);
	assert_ptr_equal(said.keepout, &dtb_keepout[0]);
}

/* A raw range of the file, checked and placed as a segment would be. */
static void test_raw_range(void **state)
{
	struct fixture *f = *state;
	struct elf_loader ld = loader(f, &arm64, FILE_SIZE);
	struct elf_range r = { .paddr = IMAGE_BASE + 0x1000,
			       .offset = DATA_OFF,
			       .filesz = 16,
			       .memsz = 32 };
	uint8_t *dst = f->ram_backing + HV_ARM64_IMAGE_OFFSET + 0x1000;

	assert_true(elf_in_file(&ld, FILE_SIZE, 0));
	assert_false(elf_in_file(&ld, FILE_SIZE, 1));
	assert_false(elf_in_file(&ld, UINT64_MAX, 2));
	assert_int_equal(elf_check_range(&ld, "the range", &r), 0);
	elf_copy_range(&ld, &r);
	for (int i = 0; i < 16; i++)
		assert_int_equal(dst[i], i);
	for (int i = 16; i < 32; i++)
		assert_int_equal(dst[i], 0);
	assert_int_equal(dst[32], 0xaa);
	assert_int_equal(dst[-1], 0xaa);
	r.paddr = HV_ARM64_DTB_BASE + 0x10;
	assert_int_equal(elf_check_range(&ld, "the range", &r), -ENOEXEC);
	assert_string_equal(
		f->err,
		"the range (0x40000010-0x40000030) overlaps the device tree (0x40000000-0x40200000)");
	r.offset = FILE_SIZE - 15;
	assert_int_equal(elf_check_range(&ld, "the range", &r), -ENOEXEC);
	assert_string_equal(f->err,
			    "the range: data beyond the end of the file");
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
		cmocka_unit_test_setup(test_x86_64, setup),
		cmocka_unit_test_setup(test_elf32, setup),
		cmocka_unit_test_setup(test_ram_base, setup),
		cmocka_unit_test_setup(test_phys_entry, setup),
		cmocka_unit_test_setup(test_header_rules, setup),
		cmocka_unit_test_setup(test_skip_empty, setup),
		cmocka_unit_test_setup(test_ident_order, setup),
		cmocka_unit_test_setup(test_target_details, setup),
		cmocka_unit_test_setup(test_target_words, setup),
		cmocka_unit_test_setup(test_raw_range, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
