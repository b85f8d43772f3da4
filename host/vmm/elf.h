/* SPDX-License-Identifier: GPL-2.0-only */
/* The guest ELF loader of both machines: PT_LOAD segments into guest RAM. */
#ifndef VMM_ELF_H
#define VMM_ELF_H

#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/vm.h"

/* A guest-physical range the image must leave alone. */
struct elf_keepout {
	uint64_t base;
	uint64_t size;
	const char *what; /* "the device tree", in messages */
};

/* A part of the file for guest RAM: an ELF segment, or a raw range. */
struct elf_range {
	uint64_t paddr;
	uint64_t vaddr;	 /* where the image believes it runs */
	uint64_t offset; /* in the file */
	uint64_t filesz; /* bytes copied from the file */
	uint64_t memsz;	 /* bytes in guest RAM: the rest is zeroed */
};

/* Why an image is refused: the check that failed. */
enum elf_defect {
	ELF_EMPTY,
	ELF_NOT_ELF,	   /* no ELF magic */
	ELF_TRUNCATED,	   /* the file header is cut off */
	ELF_BAD_DATA,	   /* not little-endian */
	ELF_BAD_CLASS,	   /* neither ELF64 nor, where accepted, ELF32 */
	ELF_BAD_VERSION,   /* e_ident[EI_VERSION] */
	ELF_BAD_TYPE,	   /* not ET_EXEC */
	ELF_BAD_MACHINE,   /* not an e_machine of the target */
	ELF_NO_PHDRS,	   /* e_phnum is 0 */
	ELF_BAD_PHENTSIZE, /* program header entries too small */
	ELF_PHDRS_BEYOND,  /* program headers beyond the end of the file */
	ELF_SHDRS_BEYOND,  /* section headers beyond the end of the file */
	ELF_MEMSZ_BELOW_FILESZ,
	ELF_DATA_BEYOND, /* a range's data beyond the end of the file */
	ELF_WRAPS,	 /* a range wraps around the address space */
	ELF_OUTSIDE_RAM, /* a range not all in guest RAM */
	ELF_OVERLAPS,	 /* a range overlaps a keep-out */
	ELF_NO_LOAD,	 /* no loadable segment */
	ELF_ENTRY_ALIGN, /* the entry point is misaligned */
	ELF_ENTRY_OUTSIDE,
};

/* A refusal, for the target's words. */
struct elf_refusal {
	enum elf_defect defect;
	uint64_t value; /* the field or entry point refused; the file's size */
	/* A range refused: which ("segment 2"), where, what it overlaps. */
	const char *what;
	const struct elf_range *range;
	const struct elf_keepout *keepout;
};

struct elf_loader;

/* Words refusal r into ld->err (elf_fail()); returns -ENOEXEC. */
typedef int elf_words_fn(const struct elf_loader *ld,
			 const struct elf_refusal *r);

/* What differs between the machines an image is loaded for. */
struct elf_target {
	const char *name;	  /* the machine in elf_words(): "AArch64" */
	uint16_t machine[2];	  /* e_machine values accepted; EM_NONE: none */
	bool elf32;		  /* ELF32 accepted as well as ELF64 */
	uint64_t ram_base;	  /* the guest-physical address of ram->base */
	unsigned int entry_align; /* of the entry point; 0 or 1: any */
	/* A device window, refused before RAM is looked at; or NULL. */
	const struct elf_keepout *mmio;
	/*
	 * Of several defects of e_ident, the one said: the data encoding,
	 * the class, then the file header's size; else the size first, the
	 * class, the encoding.
	 */
	bool ident_first;
	bool check_version;  /* e_ident[EI_VERSION] must be EV_CURRENT */
	bool check_sections; /* section headers must lie inside the file */
	bool skip_empty; /* a PT_LOAD of p_memsz 0: not placed, not counted */
	/* How messages name segment 2: "<segment> 2"; NULL: "segment 2". */
	const char *segment;
	elf_words_fn *words; /* NULL: elf_words() */
};

/* One load: for which machine, from which file, into which RAM. */
struct elf_loader {
	const struct elf_target *target;
	const uint8_t *image;
	size_t size;
	const struct guest_mem *ram;
	const struct elf_keepout *keepout; /* inside RAM: checked after it */
	unsigned int nr_keepout;
	char *err; /* a refusal, one line */
	size_t errlen;
};

/*
 * Checks ld->image as a little-endian ET_EXEC ELF for ld->target and
 * loads its PT_LOAD segments at p_paddr into guest RAM: p_filesz bytes
 * copied, the rest up to p_memsz zeroed.  Stores the entry point as a
 * physical address: phys_entry if given (a boot protocol's), else
 * e_entry translated through the segment whose p_vaddr range holds it,
 * else taken as physical.  A pure function: no KVM, no I/O.  Returns 0,
 * or -ENOEXEC with a one-line description of the defect in ld->err;
 * nothing is written to RAM unless the whole image is valid.
 */
int elf_load(const struct elf_loader *ld, const uint64_t *phys_entry,
	     uint64_t *entry);

/*
 * For a loader that places raw file ranges itself (Multiboot2's address
 * tag): elf_check_range() applies elf_load()'s checks of a segment to r,
 * named what in messages; elf_copy_range() then loads it.
 */
int elf_check_range(const struct elf_loader *ld, const char *what,
		    const struct elf_range *r);
void elf_copy_range(const struct elf_loader *ld, const struct elf_range *r);

/* Whether [offset, offset + len) lies inside the file. */
bool elf_in_file(const struct elf_loader *ld, uint64_t offset, uint64_t len);

/* Writes a refusal to ld->err; returns -ENOEXEC. */
int elf_fail(const struct elf_loader *ld, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The loader's own words for refusal r: a target's words may defer here. */
int elf_words(const struct elf_loader *ld, const struct elf_refusal *r);

#endif /* VMM_ELF_H */
