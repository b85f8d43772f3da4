// SPDX-License-Identifier: GPL-2.0-only
/* Multiboot2 image loader, written from the Multiboot2 specification 2.0. */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "vmm/x86/multiboot2.h"

#define MB2_HEADER_SIZE 16 /* magic, architecture, header_length, checksum */
#define MB2_TAG_SIZE	8  /* type, flags, size */

/* A range of guest-physical memory to fill from the file. */
struct mb2_chunk {
	uint64_t paddr;
	uint64_t vaddr;	 /* where the image believes it runs (ELF) */
	uint64_t offset; /* in the file */
	uint64_t filesz;
	uint64_t memsz;
};

struct mb2_loader {
	const uint8_t *image;
	size_t size;
	const struct guest_mem *mem;
	const struct mb2_keepout *keepout;
	unsigned int nr_keepout;
	char *err;
	size_t errlen;

	size_t header_offset;
	bool has_address_tag;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr;
	bool has_entry_tag;
	uint32_t entry_addr;
};

struct mb2_elf {
	bool is64;
	uint64_t entry;
	uint64_t phoff, shoff;
	uint64_t phentsize, phnum, shentsize, shnum;
};

static int mb2_fail(struct mb2_loader *ld, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int mb2_fail(struct mb2_loader *ld, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ld->err, ld->errlen, fmt, ap);
	va_end(ap);
	return -ENOEXEC;
}

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

/* Whether [offset, offset + len) lies inside the file. */
static bool mb2_in_file(const struct mb2_loader *ld, uint64_t offset,
			uint64_t len)
{
	return offset <= ld->size && len <= ld->size - offset;
}

static int mb2_find_header(struct mb2_loader *ld)
{
	size_t limit = ld->size < MB2_SEARCH_LIMIT ? ld->size :
						     MB2_SEARCH_LIMIT;

	for (size_t off = 0; off + MB2_HEADER_SIZE <= limit;
	     off += MB2_HEADER_ALIGN) {
		if (mb2_u32(ld->image + off) == MB2_HEADER_MAGIC) {
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
	const uint8_t *hdr = ld->image + ld->header_offset;
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
	if (!mb2_in_file(ld, ld->header_offset, length))
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

/*
 * Checks that [paddr, paddr + memsz) is guest RAM and leaves the VMM's
 * own areas alone; what names it in messages.
 */
static int mb2_check_placement(struct mb2_loader *ld, const char *what,
			       uint64_t paddr, uint64_t memsz)
{
	uint64_t end = paddr + memsz;

	if (!vm_gpa_to_hva(ld->mem, paddr, memsz))
		return mb2_fail(
			ld,
			"%s [0x%llx, 0x%llx) lies outside guest memory (%llu MiB)",
			what, (unsigned long long)paddr,
			end < paddr ? ~0ULL : (unsigned long long)end,
			(unsigned long long)(ld->mem->size >> 20));
	for (unsigned int i = 0; i < ld->nr_keepout; i++) {
		const struct mb2_keepout *k = &ld->keepout[i];

		if (paddr < k->base + k->size && k->base < end)
			return mb2_fail(
				ld,
				"%s [0x%llx, 0x%llx) overlaps %s [0x%llx, 0x%llx)",
				what, (unsigned long long)paddr,
				(unsigned long long)end, k->what,
				(unsigned long long)k->base,
				(unsigned long long)(k->base + k->size));
	}
	return 0;
}

static int mb2_check_chunk(struct mb2_loader *ld, const char *what,
			   const struct mb2_chunk *c)
{
	if (c->filesz > c->memsz)
		return mb2_fail(
			ld, "%s: memsz 0x%llx is smaller than filesz 0x%llx",
			what, (unsigned long long)c->memsz,
			(unsigned long long)c->filesz);
	if (!mb2_in_file(ld, c->offset, c->filesz))
		return mb2_fail(
			ld,
			"truncated image: %s data [0x%llx, +0x%llx) is beyond the end of the file (%zu bytes)",
			what, (unsigned long long)c->offset,
			(unsigned long long)c->filesz, ld->size);
	if (!c->memsz)
		return 0;
	return mb2_check_placement(ld, what, c->paddr, c->memsz);
}

/* Only called on checked chunks. */
static void mb2_copy_chunk(struct mb2_loader *ld, const struct mb2_chunk *c)
{
	uint8_t *dst = vm_gpa_to_hva(ld->mem, c->paddr, c->memsz);

	memcpy(dst, ld->image + c->offset, c->filesz);
	memset(dst + c->filesz, 0, c->memsz - c->filesz);
}

static bool mb2_chunk_holds(const struct mb2_chunk *c, uint64_t paddr)
{
	return paddr >= c->paddr && paddr - c->paddr < c->memsz;
}

/* The a.out kludge: the address tag says what to load where. */
static int mb2_load_by_address_tag(struct mb2_loader *ld, uint32_t *entry)
{
	struct mb2_chunk c = { 0 };
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
		c.filesz = ld->size - c.offset;
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
	ret = mb2_check_chunk(ld, "address tag load range", &c);
	if (ret)
		return ret;
	if (!mb2_chunk_holds(&c, ld->entry_addr))
		return mb2_fail(
			ld,
			"entry point 0x%x is outside the loaded image [0x%llx, 0x%llx)",
			ld->entry_addr, (unsigned long long)c.paddr,
			(unsigned long long)(c.paddr + c.memsz));
	mb2_copy_chunk(ld, &c);
	*entry = ld->entry_addr;
	return 0;
}

/* The ELF32 and ELF64 file headers hold the same fields at two widths. */
#define MB2_READ_EHDR(ehdr_type, ld, elf, type, machine)                   \
	do {                                                               \
		ehdr_type eh;                                              \
                                                                           \
		if ((ld)->size < sizeof(eh))                               \
			return mb2_fail(ld, "truncated ELF: file header"); \
		memcpy(&eh, (ld)->image, sizeof(eh));                      \
		(type) = eh.e_type;                                        \
		(machine) = eh.e_machine;                                  \
		(elf)->entry = eh.e_entry;                                 \
		(elf)->phoff = eh.e_phoff;                                 \
		(elf)->phentsize = eh.e_phentsize;                         \
		(elf)->phnum = eh.e_phnum;                                 \
		(elf)->shoff = eh.e_shoff;                                 \
		(elf)->shentsize = eh.e_shentsize;                         \
		(elf)->shnum = eh.e_shnum;                                 \
	} while (0)

static int mb2_parse_elf(struct mb2_loader *ld, struct mb2_elf *elf)
{
	const uint8_t *ident = ld->image;
	uint16_t machine, type;

	if (ld->size < SELFMAG || memcmp(ident, ELFMAG, SELFMAG))
		return mb2_fail(
			ld,
			"not an ELF image, and its Multiboot2 header has no address tag");
	if (ld->size < EI_NIDENT)
		return mb2_fail(ld, "truncated ELF: file header");
	if (ident[EI_DATA] != ELFDATA2LSB)
		return mb2_fail(ld, "ELF image is not little-endian");
	if (ident[EI_CLASS] == ELFCLASS64) {
		MB2_READ_EHDR(Elf64_Ehdr, ld, elf, type, machine);
		elf->is64 = true;
	} else if (ident[EI_CLASS] == ELFCLASS32) {
		MB2_READ_EHDR(Elf32_Ehdr, ld, elf, type, machine);
		elf->is64 = false;
	} else {
		return mb2_fail(ld, "ELF class %u is neither ELF32 nor ELF64",
				ident[EI_CLASS]);
	}
	if (type != ET_EXEC)
		return mb2_fail(ld, "ELF type %u is not an executable", type);
	if (machine != EM_386 && machine != EM_X86_64)
		return mb2_fail(ld, "ELF machine %u is not x86", machine);
	if (!elf->phnum)
		return mb2_fail(ld, "ELF image has no program headers");
	if (elf->phentsize <
	    (elf->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)))
		return mb2_fail(ld, "ELF program header size %llu is too small",
				(unsigned long long)elf->phentsize);
	if (!mb2_in_file(ld, elf->phoff, elf->phnum * elf->phentsize))
		return mb2_fail(
			ld,
			"truncated ELF: program headers are beyond the end of the file");
	if (elf->shnum &&
	    !mb2_in_file(ld, elf->shoff, elf->shnum * elf->shentsize))
		return mb2_fail(
			ld,
			"truncated ELF: section headers are beyond the end of the file");
	return 0;
}

/* Program header i as a chunk; returns whether it is PT_LOAD. */
static bool mb2_elf_segment(const struct mb2_loader *ld,
			    const struct mb2_elf *elf, uint64_t i,
			    struct mb2_chunk *c)
{
	const uint8_t *ph = ld->image + elf->phoff + i * elf->phentsize;

	if (elf->is64) {
		Elf64_Phdr p;

		memcpy(&p, ph, sizeof(p));
		*c = (struct mb2_chunk){ p.p_paddr, p.p_vaddr, p.p_offset,
					 p.p_filesz, p.p_memsz };
		return p.p_type == PT_LOAD;
	} else {
		Elf32_Phdr p;

		memcpy(&p, ph, sizeof(p));
		*c = (struct mb2_chunk){ p.p_paddr, p.p_vaddr, p.p_offset,
					 p.p_filesz, p.p_memsz };
		return p.p_type == PT_LOAD;
	}
}

/*
 * The physical entry point.  e_entry is a virtual address; a segment
 * whose virtual range holds it translates it (an image linked to run
 * high), else it must be physical already.  An entry address tag gives
 * a physical address directly.
 */
static int mb2_elf_entry(struct mb2_loader *ld, const struct mb2_elf *elf,
			 uint32_t *entry)
{
	uint64_t want = ld->has_entry_tag ? ld->entry_addr : elf->entry;
	struct mb2_chunk c;
	uint64_t i;

	if (!ld->has_entry_tag) {
		for (i = 0; i < elf->phnum; i++) {
			if (!mb2_elf_segment(ld, elf, i, &c) || !c.memsz)
				continue;
			if (want >= c.vaddr && want - c.vaddr < c.memsz) {
				*entry = want - c.vaddr + c.paddr;
				return 0;
			}
		}
	}
	for (i = 0; i < elf->phnum; i++) {
		if (mb2_elf_segment(ld, elf, i, &c) &&
		    mb2_chunk_holds(&c, want)) {
			*entry = want;
			return 0;
		}
	}
	return mb2_fail(ld,
			"entry point 0x%llx is outside every loaded segment",
			(unsigned long long)want);
}

static int mb2_load_elf(struct mb2_loader *ld, uint32_t *entry)
{
	struct mb2_elf elf;
	struct mb2_chunk c;
	unsigned int nr_loads = 0;
	char what[40];
	uint64_t i;
	int ret;

	ret = mb2_parse_elf(ld, &elf);
	if (ret)
		return ret;
	for (i = 0; i < elf.phnum; i++) {
		if (!mb2_elf_segment(ld, &elf, i, &c))
			continue;
		snprintf(what, sizeof(what), "ELF segment %llu",
			 (unsigned long long)i);
		ret = mb2_check_chunk(ld, what, &c);
		if (ret)
			return ret;
		nr_loads += c.memsz != 0;
	}
	if (!nr_loads)
		return mb2_fail(ld, "ELF image has no loadable segment");
	ret = mb2_elf_entry(ld, &elf, entry);
	if (ret)
		return ret;
	for (i = 0; i < elf.phnum; i++) {
		if (mb2_elf_segment(ld, &elf, i, &c) && c.memsz)
			mb2_copy_chunk(ld, &c);
	}
	return 0;
}

int mb2_load(const void *image, size_t size, const struct guest_mem *mem,
	     const struct mb2_keepout *keepout, unsigned int nr_keepout,
	     uint32_t *entry, char *err, size_t errlen)
{
	struct mb2_loader ld = {
		.image = image,
		.size = size,
		.mem = mem,
		.keepout = keepout,
		.nr_keepout = nr_keepout,
		.err = err,
		.errlen = errlen,
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
