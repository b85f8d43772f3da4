// SPDX-License-Identifier: GPL-2.0-only
/* The guest ELF loader of both machines: PT_LOAD segments into guest RAM. */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "vmm/elf.h"

/* The file header's fields, of either class. */
struct elf_file {
	const struct elf_loader *ld;
	bool is64;
	uint16_t type, machine;
	uint64_t entry;
	uint64_t phoff, phentsize, phnum;
	uint64_t shoff, shentsize, shnum;
};

int elf_fail(const struct elf_loader *ld, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ld->err, ld->errlen, fmt, ap);
	va_end(ap);
	return -ENOEXEC;
}

/* elf_words() of a refusal of the file or its header. */
static int elf_words_file(const struct elf_loader *ld,
			  const struct elf_refusal *r)
{
	const struct elf_target *t = ld->target;
	unsigned long long v = r->value;

	switch (r->defect) {
	case ELF_EMPTY:
		return elf_fail(ld, "empty image");
	case ELF_NOT_ELF:
		return elf_fail(ld, "not an ELF file (no ELF magic)");
	case ELF_TRUNCATED:
		return elf_fail(ld, "truncated ELF file header (%zu bytes)",
				ld->size);
	case ELF_BAD_DATA:
		return elf_fail(
			ld, "not a little-endian ELF (data encoding %llu)", v);
	case ELF_BAD_CLASS:
		if (t->elf32)
			return elf_fail(
				ld, "neither ELF32 nor ELF64 (class %llu)", v);
		return elf_fail(ld, "not a 64-bit ELF (class %llu)", v);
	case ELF_BAD_VERSION:
		return elf_fail(ld, "unknown ELF version %llu", v);
	case ELF_BAD_TYPE:
		return elf_fail(ld, "not an ELF executable (type %llu)", v);
	case ELF_BAD_MACHINE:
		return elf_fail(ld, "not an %s ELF (machine %llu)", t->name, v);
	case ELF_NO_PHDRS:
		return elf_fail(ld, "no program headers");
	case ELF_BAD_PHENTSIZE:
		return elf_fail(ld, "program header entries of %llu bytes", v);
	case ELF_PHDRS_BEYOND:
		return elf_fail(ld,
				"program headers beyond the end of the file");
	case ELF_SHDRS_BEYOND:
		return elf_fail(ld,
				"section headers beyond the end of the file");
	case ELF_NO_LOAD:
		return elf_fail(ld, "no loadable segment");
	case ELF_ENTRY_ALIGN:
		return elf_fail(ld, "entry point 0x%llx is not %u-byte aligned",
				v, t->entry_align);
	case ELF_ENTRY_OUTSIDE:
	default:
		return elf_fail(
			ld,
			"entry point 0x%llx is outside every loaded segment",
			v);
	}
}

int elf_words(const struct elf_loader *ld, const struct elf_refusal *r)
{
	const struct elf_range *g = r->range;
	const struct elf_keepout *k = r->keepout;
	unsigned long long ram_base = ld->target->ram_base;

	switch (r->defect) {
	case ELF_MEMSZ_BELOW_FILESZ:
		return elf_fail(ld,
				"%s: memory size 0x%llx below file size 0x%llx",
				r->what, (unsigned long long)g->memsz,
				(unsigned long long)g->filesz);
	case ELF_DATA_BEYOND:
		return elf_fail(ld, "%s: data beyond the end of the file",
				r->what);
	case ELF_WRAPS:
		return elf_fail(ld,
				"%s at 0x%llx wraps around the address space",
				r->what, (unsigned long long)g->paddr);
	case ELF_OUTSIDE_RAM:
		return elf_fail(
			ld,
			"%s (0x%llx-0x%llx) lies outside guest RAM (0x%llx-0x%llx)",
			r->what, (unsigned long long)g->paddr,
			(unsigned long long)(g->paddr + g->memsz), ram_base,
			ram_base + ld->ram->size);
	case ELF_OVERLAPS:
		return elf_fail(
			ld, "%s (0x%llx-0x%llx) overlaps %s (0x%llx-0x%llx)",
			r->what, (unsigned long long)g->paddr,
			(unsigned long long)(g->paddr + g->memsz), k->what,
			(unsigned long long)k->base,
			(unsigned long long)(k->base + k->size));
	default:
		return elf_words_file(ld, r);
	}
}

/* Says why in the target's words; returns -ENOEXEC. */
static int elf_say(const struct elf_loader *ld, const struct elf_refusal *r)
{
	elf_words_fn *words = ld->target->words ?: elf_words;

	words(ld, r);
	return -ENOEXEC;
}

static int elf_refuse(const struct elf_loader *ld, enum elf_defect defect,
		      uint64_t value)
{
	return elf_say(ld, &(const struct elf_refusal){ .defect = defect,
							.value = value });
}

static int elf_refuse_range(const struct elf_loader *ld, enum elf_defect defect,
			    const char *what, const struct elf_range *range,
			    const struct elf_keepout *keepout)
{
	return elf_say(ld, &(const struct elf_refusal){ .defect = defect,
							.what = what,
							.range = range,
							.keepout = keepout });
}

bool elf_in_file(const struct elf_loader *ld, uint64_t offset, uint64_t len)
{
	return offset <= ld->size && len <= ld->size - offset;
}

/* [a, a + alen) and [b, b + blen) share a byte; neither wraps. */
static bool elf_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

/* The host's view of guest-physical [gpa, gpa + len); NULL: not RAM. */
static void *elf_hva(const struct elf_loader *ld, uint64_t gpa, uint64_t len)
{
	uint64_t base = ld->target->ram_base;

	if (gpa < base)
		return NULL;
	return vm_gpa_to_hva(ld->ram, gpa - base, len);
}

int elf_check_range(const struct elf_loader *ld, const char *what,
		    const struct elf_range *r)
{
	const struct elf_keepout *mmio = ld->target->mmio;

	if (r->memsz < r->filesz)
		return elf_refuse_range(ld, ELF_MEMSZ_BELOW_FILESZ, what, r,
					NULL);
	if (!elf_in_file(ld, r->offset, r->filesz))
		return elf_refuse_range(ld, ELF_DATA_BEYOND, what, r, NULL);
	if (!r->memsz && ld->target->skip_empty)
		return 0;
	if (r->paddr > UINT64_MAX - r->memsz)
		return elf_refuse_range(ld, ELF_WRAPS, what, r, NULL);
	if (mmio && elf_overlap(r->paddr, r->memsz, mmio->base, mmio->size))
		return elf_refuse_range(ld, ELF_OVERLAPS, what, r, mmio);
	if (!elf_hva(ld, r->paddr, r->memsz))
		return elf_refuse_range(ld, ELF_OUTSIDE_RAM, what, r, NULL);
	for (unsigned int i = 0; i < ld->nr_keepout; i++) {
		const struct elf_keepout *k = &ld->keepout[i];

		if (elf_overlap(r->paddr, r->memsz, k->base, k->size))
			return elf_refuse_range(ld, ELF_OVERLAPS, what, r, k);
	}
	return 0;
}

void elf_copy_range(const struct elf_loader *ld, const struct elf_range *r)
{
	uint8_t *dst;

	if (!r->memsz)
		return;
	dst = elf_hva(ld, r->paddr, r->memsz);
	memcpy(dst, ld->image + r->offset, r->filesz);
	memset(dst + r->filesz, 0, r->memsz - r->filesz);
}

/* The ELF32 and ELF64 file headers hold the same fields at two widths. */
#define ELF_READ_EHDR(ehdr_type, f)                      \
	do {                                             \
		ehdr_type eh;                            \
                                                         \
		memcpy(&eh, (f)->ld->image, sizeof(eh)); \
		(f)->type = eh.e_type;                   \
		(f)->machine = eh.e_machine;             \
		(f)->entry = eh.e_entry;                 \
		(f)->phoff = eh.e_phoff;                 \
		(f)->phentsize = eh.e_phentsize;         \
		(f)->phnum = eh.e_phnum;                 \
		(f)->shoff = eh.e_shoff;                 \
		(f)->shentsize = eh.e_shentsize;         \
		(f)->shnum = eh.e_shnum;                 \
	} while (0)

/* e_ident, then the file header of its class. */
static int elf_check_ident(struct elf_file *f)
{
	const struct elf_loader *ld = f->ld;
	const struct elf_target *t = ld->target;
	const uint8_t *id = ld->image;
	bool class_ok, data_ok;
	size_t need;

	if (ld->size < EI_NIDENT || memcmp(id, ELFMAG, SELFMAG))
		return elf_refuse(ld, ELF_NOT_ELF, 0);
	f->is64 = id[EI_CLASS] == ELFCLASS64;
	class_ok = f->is64 || (t->elf32 && id[EI_CLASS] == ELFCLASS32);
	data_ok = id[EI_DATA] == ELFDATA2LSB;
	need = f->is64 || !class_ok ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	/* Of the defects the image has, the target's order says which. */
	if (!t->ident_first && ld->size < need)
		return elf_refuse(ld, ELF_TRUNCATED, ld->size);
	if (t->ident_first && !data_ok)
		return elf_refuse(ld, ELF_BAD_DATA, id[EI_DATA]);
	if (!class_ok)
		return elf_refuse(ld, ELF_BAD_CLASS, id[EI_CLASS]);
	if (!data_ok)
		return elf_refuse(ld, ELF_BAD_DATA, id[EI_DATA]);
	if (ld->size < need)
		return elf_refuse(ld, ELF_TRUNCATED, ld->size);
	if (t->check_version && id[EI_VERSION] != EV_CURRENT)
		return elf_refuse(ld, ELF_BAD_VERSION, id[EI_VERSION]);
	if (f->is64)
		ELF_READ_EHDR(Elf64_Ehdr, f);
	else
		ELF_READ_EHDR(Elf32_Ehdr, f);
	return 0;
}

static int elf_check_header(struct elf_file *f)
{
	const struct elf_loader *ld = f->ld;
	const struct elf_target *t = ld->target;
	int ret;

	ret = elf_check_ident(f);
	if (ret)
		return ret;
	if (f->type != ET_EXEC)
		return elf_refuse(ld, ELF_BAD_TYPE, f->type);
	if (f->machine == EM_NONE ||
	    (f->machine != t->machine[0] && f->machine != t->machine[1]))
		return elf_refuse(ld, ELF_BAD_MACHINE, f->machine);
	if (!f->phnum)
		return elf_refuse(ld, ELF_NO_PHDRS, 0);
	if (f->phentsize < (f->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)))
		return elf_refuse(ld, ELF_BAD_PHENTSIZE, f->phentsize);
	if (!elf_in_file(ld, f->phoff, f->phnum * f->phentsize))
		return elf_refuse(ld, ELF_PHDRS_BEYOND, 0);
	if (t->check_sections && f->shnum &&
	    !elf_in_file(ld, f->shoff, f->shnum * f->shentsize))
		return elf_refuse(ld, ELF_SHDRS_BEYOND, 0);
	return 0;
}

/* Program header ph as a range r; whether it is a PT_LOAD. */
#define ELF_READ_PHDR(phdr_type, ph, r)                          \
	({                                                       \
		phdr_type p;                                     \
                                                                 \
		memcpy(&p, (ph), sizeof(p));                     \
		*(r) = (struct elf_range){ .paddr = p.p_paddr,   \
					   .vaddr = p.p_vaddr,   \
					   .offset = p.p_offset, \
					   .filesz = p.p_filesz, \
					   .memsz = p.p_memsz }; \
		p.p_type == PT_LOAD;                             \
	})

/* Program header i as a range; returns whether it is a PT_LOAD. */
static bool elf_segment(const struct elf_file *f, uint64_t i,
			struct elf_range *r)
{
	const uint8_t *ph = f->ld->image + f->phoff + i * f->phentsize;

	if (f->is64)
		return ELF_READ_PHDR(Elf64_Phdr, ph, r);
	return ELF_READ_PHDR(Elf32_Phdr, ph, r);
}

static int elf_check_segments(const struct elf_file *f)
{
	const struct elf_target *t = f->ld->target;
	unsigned int nr_loads = 0;
	struct elf_range r;
	char what[40];
	int ret;

	for (uint64_t i = 0; i < f->phnum; i++) {
		if (!elf_segment(f, i, &r))
			continue;
		snprintf(what, sizeof(what), "%s %llu", t->segment ?: "segment",
			 (unsigned long long)i);
		ret = elf_check_range(f->ld, what, &r);
		if (ret)
			return ret;
		nr_loads += r.memsz || !t->skip_empty;
	}
	if (!nr_loads)
		return elf_refuse(f->ld, ELF_NO_LOAD, 0);
	return 0;
}

/*
 * e_entry is a virtual address: translated through the loaded segment
 * whose virtual range holds it, else it must be a physical address in
 * one.  A physical entry given instead is looked for as such.  Both the
 * address asked for and the physical one found must be aligned: a
 * segment whose p_paddr and p_vaddr differ modulo the alignment would
 * otherwise start the vCPU at a misaligned PC.
 */
static int elf_find_entry(const struct elf_file *f, const uint64_t *phys,
			  uint64_t *entry)
{
	const struct elf_target *t = f->ld->target;
	uint64_t want = phys ? *phys : f->entry, found;
	struct elf_range r;

	if (t->entry_align > 1 && want % t->entry_align)
		return elf_refuse(f->ld, ELF_ENTRY_ALIGN, want);
	for (int pass = phys ? 1 : 0; pass < 2; pass++) {
		for (uint64_t i = 0; i < f->phnum; i++) {
			uint64_t start;

			if (!elf_segment(f, i, &r))
				continue;
			start = pass ? r.paddr : r.vaddr;
			if (want < start || want - start >= r.memsz)
				continue;
			found = r.paddr + (want - start);
			if (t->entry_align > 1 && found % t->entry_align)
				return elf_refuse(f->ld, ELF_ENTRY_ALIGN,
						  found);
			*entry = found;
			return 0;
		}
	}
	return elf_refuse(f->ld, ELF_ENTRY_OUTSIDE, want);
}

int elf_load(const struct elf_loader *ld, const uint64_t *phys_entry,
	     uint64_t *entry)
{
	struct elf_file f = { .ld = ld };
	struct elf_range r;
	uint64_t at;
	int ret;

	if (!ld->size)
		return elf_refuse(ld, ELF_EMPTY, 0);
	ret = elf_check_header(&f);
	if (ret)
		return ret;
	/* Everything is checked before the first byte is written. */
	ret = elf_check_segments(&f);
	if (ret)
		return ret;
	ret = elf_find_entry(&f, phys_entry, &at);
	if (ret)
		return ret;
	for (uint64_t i = 0; i < f.phnum; i++) {
		if (elf_segment(&f, i, &r))
			elf_copy_range(ld, &r);
	}
	*entry = at;
	return 0;
}
