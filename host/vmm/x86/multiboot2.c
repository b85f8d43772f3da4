// SPDX-License-Identifier: GPL-2.0-only
/* Multiboot2 image loader, written from the Multiboot2 specification 2.0. */
#include <elf.h>
#include <stdbool.h>
#include <string.h>

#include "vmm/elf.h"
#include "vmm/x86/multiboot2.h"

#define MB2_HEADER_SIZE 16 /* magic, architecture, header_length, checksum */
#define MB2_TAG_SIZE	8  /* type, flags, size */

static int mb2_elf_words(const struct elf_loader *elf,
			 const struct elf_refusal *r);

/*
 * An x86 image for elf_load(): ELF32 or ELF64, EM_386 or EM_X86_64, RAM
 * from 0, checked and refused as this loader always has.
 */
static const struct elf_target mb2_elf_target = {
	.name = "x86",
	.machine = { EM_386, EM_X86_64 },
	.elf32 = true,
	.ram_base = 0,
	.ident_first = true,
	.check_sections = true,
	.skip_empty = true,
	.segment = "ELF segment",
	.words = mb2_elf_words,
};

struct mb2_loader {
	struct elf_loader elf; /* the image, guest memory, keep-outs, err */

	size_t header_offset;
	bool has_address_tag;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr;
	bool has_entry_tag;
	uint32_t entry_addr;
};

/* A refusal of the image, in ld->elf.err; returns -ENOEXEC. */
#define mb2_fail(ld, ...) elf_fail(&(ld)->elf, __VA_ARGS__)

static uint32_t mb2_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint16_t mb2_u16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static int mb2_find_header(struct mb2_loader *ld)
{
	size_t limit = ld->elf.size < MB2_SEARCH_LIMIT ? ld->elf.size :
							 MB2_SEARCH_LIMIT;

	for (size_t off = 0; off + MB2_HEADER_SIZE <= limit;
	     off += MB2_HEADER_ALIGN) {
		if (mb2_u32(ld->elf.image + off) == MB2_HEADER_MAGIC) {
			ld->header_offset = off;
			return 0;
		}
	}
	return mb2_fail(ld, "no Multiboot2 header in the first %d bytes",
			MB2_SEARCH_LIMIT);
}

/* The fixed size of each known header tag; 0: variable. */
static const uint32_t mb2_header_tag_size[] = {
	[MB2_HEADER_TAG_END] = 8,
	[MB2_HEADER_TAG_INFO_REQUEST] = 0,
	[MB2_HEADER_TAG_ADDRESS] = 24,
	[MB2_HEADER_TAG_ENTRY_ADDRESS] = 12,
	[MB2_HEADER_TAG_CONSOLE_FLAGS] = 12,
	[MB2_HEADER_TAG_FRAMEBUFFER] = 20,
	[MB2_HEADER_TAG_MODULE_ALIGN] = 8,
	[MB2_HEADER_TAG_EFI_BS] = 8,
	[MB2_HEADER_TAG_ENTRY_EFI32] = 12,
	[MB2_HEADER_TAG_ENTRY_EFI64] = 12,
	[MB2_HEADER_TAG_RELOCATABLE] = 24,
};

static int mb2_info_request(struct mb2_loader *ld, const uint8_t *tag,
			    uint32_t size, bool optional)
{
	if ((size - MB2_TAG_SIZE) % 4)
		return mb2_fail(
			ld,
			"Multiboot2 information request tag size %u is not 8 + 4n",
			size);
	for (uint32_t i = MB2_TAG_SIZE; i < size; i += 4) {
		uint32_t type = mb2_u32(tag + i);

		if (!optional && !mb2_info_provides(type))
			return mb2_fail(
				ld,
				"image requires boot information tag type %u, which hvcheck does not provide",
				type);
	}
	return 0;
}

/*
 * One header tag.  Tags that only matter to an EFI or graphical loader,
 * or to one that relocates, are understood and have nothing to do here:
 * hvcheck loads at the linked address, has no framebuffer and no EFI.
 */
static int mb2_header_tag(struct mb2_loader *ld, const uint8_t *tag,
			  uint16_t type, uint16_t flags, uint32_t size)
{
	bool optional = flags & MB2_HEADER_TAG_OPTIONAL;

	if (type >= sizeof(mb2_header_tag_size) / sizeof(uint32_t)) {
		if (optional)
			return 0;
		return mb2_fail(
			ld, "unknown required Multiboot2 header tag type %u",
			type);
	}
	if (mb2_header_tag_size[type] && size != mb2_header_tag_size[type])
		return mb2_fail(
			ld,
			"Multiboot2 header tag type %u has size %u, expected %u",
			type, size, mb2_header_tag_size[type]);

	switch (type) {
	case MB2_HEADER_TAG_INFO_REQUEST:
		return mb2_info_request(ld, tag, size, optional);
	case MB2_HEADER_TAG_ADDRESS:
		ld->has_address_tag = true;
		ld->header_addr = mb2_u32(tag + 8);
		ld->load_addr = mb2_u32(tag + 12);
		ld->load_end_addr = mb2_u32(tag + 16);
		ld->bss_end_addr = mb2_u32(tag + 20);
		return 0;
	case MB2_HEADER_TAG_ENTRY_ADDRESS:
		ld->has_entry_tag = true;
		ld->entry_addr = mb2_u32(tag + 8);
		return 0;
	case MB2_HEADER_TAG_CONSOLE_FLAGS:
		if (!optional && (mb2_u32(tag + 8) & MB2_CONSOLE_REQUIRED))
			return mb2_fail(
				ld,
				"image requires a text console; hvcheck has only a serial port");
		return 0;
	default:
		return 0;
	}
}

static int mb2_parse_header(struct mb2_loader *ld)
{
	const uint8_t *hdr = ld->elf.image + ld->header_offset;
	uint32_t arch = mb2_u32(hdr + 4);
	uint32_t length = mb2_u32(hdr + 8);
	uint32_t checksum = mb2_u32(hdr + 12);
	size_t room = MB2_SEARCH_LIMIT - ld->header_offset;
	bool ended = false;
	uint32_t pos;
	int ret;

	if ((uint32_t)(MB2_HEADER_MAGIC + arch + length + checksum))
		return mb2_fail(
			ld,
			"bad Multiboot2 header checksum 0x%08x (magic + architecture + header_length + checksum must be 0)",
			checksum);
	if (arch != MB2_ARCH_I386)
		return mb2_fail(
			ld, "Multiboot2 header architecture %u is not i386 (0)",
			arch);
	if (length < MB2_HEADER_SIZE + MB2_TAG_SIZE)
		return mb2_fail(ld, "Multiboot2 header length %u is too short",
				length);
	if (length > room)
		return mb2_fail(
			ld,
			"Multiboot2 header length %u overruns the first %d bytes",
			length, MB2_SEARCH_LIMIT);
	if (!elf_in_file(&ld->elf, ld->header_offset, length))
		return mb2_fail(
			ld,
			"truncated image: Multiboot2 header length %u overruns the end of the file",
			length);

	for (pos = MB2_HEADER_SIZE; pos + MB2_TAG_SIZE <= length;) {
		const uint8_t *tag = hdr + pos;
		uint16_t type = mb2_u16(tag);
		uint16_t flags = mb2_u16(tag + 2);
		uint32_t size = mb2_u32(tag + 4);

		if (size < MB2_TAG_SIZE || size > length - pos)
			return mb2_fail(
				ld,
				"Multiboot2 header tag type %u at offset %u, size %u, overruns the header length %u",
				type, pos, size, length);
		if (type == MB2_HEADER_TAG_END) {
			ended = size == MB2_TAG_SIZE;
			if (!ended)
				return mb2_fail(
					ld,
					"Multiboot2 header end tag has size %u, expected 8",
					size);
			break;
		}
		ret = mb2_header_tag(ld, tag, type, flags, size);
		if (ret)
			return ret;
		/* Tags start 8-byte aligned; the padding is not in size. */
		pos += (size + 7) & ~7u;
	}
	if (!ended)
		return mb2_fail(ld, "Multiboot2 header has no end tag");
	return 0;
}

/* The a.out kludge: the address tag says what to load where. */
static int mb2_load_by_address_tag(struct mb2_loader *ld, uint32_t *entry)
{
	struct elf_range c = { 0 };
	uint64_t load_addr = ld->load_addr;
	int ret;

	if (!ld->has_entry_tag)
		return mb2_fail(
			ld,
			"Multiboot2 address tag without an entry address tag");
	if (ld->load_addr == UINT32_MAX) {
		/* -1: load from the start of the file. */
		if (ld->header_addr < ld->header_offset)
			return mb2_fail(
				ld,
				"Multiboot2 address tag: header_addr 0x%x is below the header's file offset",
				ld->header_addr);
		load_addr = ld->header_addr - ld->header_offset;
	} else if (ld->load_addr > ld->header_addr ||
		   ld->header_addr - ld->load_addr > ld->header_offset) {
		return mb2_fail(
			ld,
			"Multiboot2 address tag: load_addr 0x%x is not within the file before header_addr 0x%x",
			ld->load_addr, ld->header_addr);
	}
	c.paddr = c.vaddr = load_addr;
	c.offset = ld->header_offset - (ld->header_addr - load_addr);
	if (!ld->load_end_addr) {
		c.filesz = ld->elf.size - c.offset;
	} else if (ld->load_end_addr < load_addr) {
		return mb2_fail(
			ld,
			"Multiboot2 address tag: load_end_addr 0x%x is below load_addr 0x%llx",
			ld->load_end_addr, (unsigned long long)load_addr);
	} else {
		c.filesz = ld->load_end_addr - load_addr;
	}
	c.memsz = c.filesz;
	if (ld->bss_end_addr) {
		if (ld->bss_end_addr < load_addr + c.filesz)
			return mb2_fail(
				ld,
				"Multiboot2 address tag: bss_end_addr 0x%x is below the end of the loaded data",
				ld->bss_end_addr);
		c.memsz = ld->bss_end_addr - load_addr;
	}
	ret = elf_check_range(&ld->elf, "address tag load range", &c);
	if (ret)
		return ret;
	if (ld->entry_addr < c.paddr || ld->entry_addr - c.paddr >= c.memsz)
		return mb2_fail(
			ld,
			"entry point 0x%x is outside the loaded image [0x%llx, 0x%llx)",
			ld->entry_addr, (unsigned long long)c.paddr,
			(unsigned long long)(c.paddr + c.memsz));
	elf_copy_range(&ld->elf, &c);
	*entry = ld->entry_addr;
	return 0;
}

/* The x86 words of a refused ELF range: the address tag's too. */
static int mb2_range_words(const struct elf_loader *elf,
			   const struct elf_refusal *r)
{
	const struct elf_range *c = r->range;
	const struct elf_keepout *k = r->keepout;
	unsigned long long start = c->paddr, end = c->paddr + c->memsz;

	switch (r->defect) {
	case ELF_MEMSZ_BELOW_FILESZ:
		return elf_fail(
			elf, "%s: memsz 0x%llx is smaller than filesz 0x%llx",
			r->what, (unsigned long long)c->memsz,
			(unsigned long long)c->filesz);
	case ELF_DATA_BEYOND:
		return elf_fail(
			elf,
			"truncated image: %s data [0x%llx, +0x%llx) is beyond the end of the file (%zu bytes)",
			r->what, (unsigned long long)c->offset,
			(unsigned long long)c->filesz, elf->size);
	case ELF_OVERLAPS:
		return elf_fail(
			elf, "%s [0x%llx, 0x%llx) overlaps %s [0x%llx, 0x%llx)",
			r->what, start, end, k->what,
			(unsigned long long)k->base,
			(unsigned long long)(k->base + k->size));
	case ELF_WRAPS:
	case ELF_OUTSIDE_RAM:
	default:
		return elf_fail(
			elf,
			"%s [0x%llx, 0x%llx) lies outside guest memory (%llu MiB)",
			r->what, start, end < start ? ~0ULL : end,
			(unsigned long long)(elf->ram->size >> 20));
	}
}

/* The x86 words of a refused ELF image, where they are not elf.c's. */
static int mb2_elf_words(const struct elf_loader *elf,
			 const struct elf_refusal *r)
{
	unsigned long long v = r->value;

	if (r->range)
		return mb2_range_words(elf, r);
	switch (r->defect) {
	case ELF_NOT_ELF:
		return elf_fail(
			elf,
			"not an ELF image, and its Multiboot2 header has no address tag");
	case ELF_TRUNCATED:
		return elf_fail(elf, "truncated ELF: file header");
	case ELF_BAD_DATA:
		return elf_fail(elf, "ELF image is not little-endian");
	case ELF_BAD_CLASS:
		return elf_fail(elf,
				"ELF class %llu is neither ELF32 nor ELF64", v);
	case ELF_BAD_TYPE:
		return elf_fail(elf, "ELF type %llu is not an executable", v);
	case ELF_BAD_MACHINE:
		return elf_fail(elf, "ELF machine %llu is not x86", v);
	case ELF_NO_PHDRS:
		return elf_fail(elf, "ELF image has no program headers");
	case ELF_BAD_PHENTSIZE:
		return elf_fail(elf,
				"ELF program header size %llu is too small", v);
	case ELF_PHDRS_BEYOND:
		return elf_fail(
			elf,
			"truncated ELF: program headers are beyond the end of the file");
	case ELF_SHDRS_BEYOND:
		return elf_fail(
			elf,
			"truncated ELF: section headers are beyond the end of the file");
	case ELF_NO_LOAD:
		return elf_fail(elf, "ELF image has no loadable segment");
	default: /* empty image, entry point outside every segment */
		return elf_words(elf, r);
	}
}

/* ELF: the address tag is absent, an entry address tag overrides e_entry. */
static int mb2_load_elf(struct mb2_loader *ld, uint32_t *entry)
{
	uint64_t tag_entry = ld->entry_addr, at;
	int ret;

	ret = elf_load(&ld->elf, ld->has_entry_tag ? &tag_entry : NULL, &at);
	if (!ret)
		*entry = at; /* in guest RAM, which ends below 4 GiB */
	return ret;
}

int mb2_load(const void *image, size_t size, const struct guest_mem *mem,
	     const struct elf_keepout *keepout, unsigned int nr_keepout,
	     uint32_t *entry, char *err, size_t errlen)
{
	struct mb2_loader ld = {
		.elf = {
			.target = &mb2_elf_target,
			.image = image,
			.size = size,
			.ram = mem,
			.keepout = keepout,
			.nr_keepout = nr_keepout,
			.err = err,
			.errlen = errlen,
		},
	};
	int ret;

	if (!size)
		return mb2_fail(&ld, "empty image");
	ret = mb2_find_header(&ld);
	if (ret)
		return ret;
	ret = mb2_parse_header(&ld);
	if (ret)
		return ret;
	if (ld.has_address_tag)
		return mb2_load_by_address_tag(&ld, entry);
	return mb2_load_elf(&ld, entry);
}
