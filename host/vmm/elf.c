// SPDX-License-Identifier: GPL-2.0-only
/* The arm64 guest loader: an ELF64 AArch64 executable into guest RAM. */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "hvcheck_abi.h"
#include "vmm/arm64/board.h"
#include "vmm/elf.h"

struct elf_loader {
	const uint8_t *image;
	size_t size;
	const struct guest_mem *ram;
	const struct elf_keepout *keepout;
	unsigned int nr_keepout;
	Elf64_Ehdr ehdr;
	char *err;
	size_t errlen;
};

static int elf_fail(struct elf_loader *ld, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int elf_fail(struct elf_loader *ld, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ld->err, ld->errlen, fmt, ap);
	va_end(ap);
	return -ENOEXEC;
}

static bool elf_in_file(const struct elf_loader *ld, uint64_t offset,
			uint64_t len)
{
	return offset <= ld->size && len <= ld->size - offset;
}

/* [a, a + alen) and [b, b + blen) share a byte; neither wraps. */
static bool elf_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

static int elf_check_header(struct elf_loader *ld)
{
	const Elf64_Ehdr *eh = &ld->ehdr;

	if (ld->size < EI_NIDENT || memcmp(ld->image, ELFMAG, SELFMAG))
		return elf_fail(ld, "not an ELF file (no ELF magic)");
	if (ld->size < sizeof(*eh))
		return elf_fail(ld, "truncated ELF file header (%zu bytes)",
				ld->size);
	memcpy(&ld->ehdr, ld->image, sizeof(ld->ehdr));
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return elf_fail(ld, "not a 64-bit ELF (class %u)",
				eh->e_ident[EI_CLASS]);
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return elf_fail(ld,
				"not a little-endian ELF (data encoding %u)",
				eh->e_ident[EI_DATA]);
	if (eh->e_ident[EI_VERSION] != EV_CURRENT)
		return elf_fail(ld, "unknown ELF version %u",
				eh->e_ident[EI_VERSION]);
	if (eh->e_type != ET_EXEC)
		return elf_fail(ld, "not an ELF executable (type %u)",
				eh->e_type);
	if (eh->e_machine != EM_AARCH64)
		return elf_fail(ld, "not an AArch64 ELF (machine %u)",
				eh->e_machine);
	if (!eh->e_phnum)
		return elf_fail(ld, "no program headers");
	if (eh->e_phentsize < sizeof(Elf64_Phdr))
		return elf_fail(ld, "program header entries of %u bytes",
				eh->e_phentsize);
	if (!elf_in_file(ld, eh->e_phoff,
			 (uint64_t)eh->e_phnum * eh->e_phentsize))
		return elf_fail(ld,
				"program headers beyond the end of the file");
	return 0;
}

static void elf_phdr(const struct elf_loader *ld, unsigned int i,
		     Elf64_Phdr *ph)
{
	memcpy(ph, ld->image + ld->ehdr.e_phoff + i * ld->ehdr.e_phentsize,
	       sizeof(*ph));
}

static int elf_check_segment(struct elf_loader *ld, unsigned int i,
			     const Elf64_Phdr *ph)
{
	uint64_t ram_end = HV_ARM64_RAM_BASE + ld->ram->size;

	if (ph->p_memsz < ph->p_filesz)
		return elf_fail(
			ld,
			"segment %u: memory size 0x%llx below file size 0x%llx",
			i, (unsigned long long)ph->p_memsz,
			(unsigned long long)ph->p_filesz);
	if (!elf_in_file(ld, ph->p_offset, ph->p_filesz))
		return elf_fail(
			ld, "segment %u: data beyond the end of the file", i);
	if (ph->p_paddr > UINT64_MAX - ph->p_memsz)
		return elf_fail(
			ld,
			"segment %u at 0x%llx wraps around the address space",
			i, (unsigned long long)ph->p_paddr);
	if (elf_overlap(ph->p_paddr, ph->p_memsz, HV_ARM64_GIC_BASE,
			HV_ARM64_MMIO_END - HV_ARM64_GIC_BASE))
		return elf_fail(
			ld,
			"segment %u (0x%llx-0x%llx) overlaps the device window (0x%x-0x%x)",
			i, (unsigned long long)ph->p_paddr,
			(unsigned long long)(ph->p_paddr + ph->p_memsz),
			HV_ARM64_GIC_BASE, HV_ARM64_MMIO_END);
	if (!board_gpa_to_hva(ld->ram, ph->p_paddr, ph->p_memsz))
		return elf_fail(
			ld,
			"segment %u (0x%llx-0x%llx) lies outside guest RAM (0x%llx-0x%llx)",
			i, (unsigned long long)ph->p_paddr,
			(unsigned long long)(ph->p_paddr + ph->p_memsz),
			(unsigned long long)HV_ARM64_RAM_BASE,
			(unsigned long long)ram_end);
	for (unsigned int k = 0; k < ld->nr_keepout; k++) {
		const struct elf_keepout *ko = &ld->keepout[k];

		if (elf_overlap(ph->p_paddr, ph->p_memsz, ko->base, ko->size))
			return elf_fail(
				ld,
				"segment %u (0x%llx-0x%llx) overlaps %s (0x%llx-0x%llx)",
				i, (unsigned long long)ph->p_paddr,
				(unsigned long long)(ph->p_paddr + ph->p_memsz),
				ko->what, (unsigned long long)ko->base,
				(unsigned long long)(ko->base + ko->size));
	}
	return 0;
}

/*
 * e_entry is a virtual address: translated through the loaded segment
 * whose virtual range holds it, else it must be a physical address in
 * one.  AArch64 instructions are 4-byte aligned.
 */
static int elf_find_entry(struct elf_loader *ld, uint64_t *entry)
{
	uint64_t va = ld->ehdr.e_entry;
	Elf64_Phdr ph;

	if (va % 4)
		return elf_fail(ld, "entry point 0x%llx is not 4-byte aligned",
				(unsigned long long)va);
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned int i = 0; i < ld->ehdr.e_phnum; i++) {
			uint64_t start;

			elf_phdr(ld, i, &ph);
			start = pass ? ph.p_paddr : ph.p_vaddr;
			if (ph.p_type != PT_LOAD || va < start ||
			    va - start >= ph.p_memsz)
				continue;
			*entry = ph.p_paddr + (va - start);
			return 0;
		}
	}
	return elf_fail(ld,
			"entry point 0x%llx is outside every loaded segment",
			(unsigned long long)va);
}

int elf_load(const void *image, size_t size, const struct guest_mem *ram,
	     const struct elf_keepout *keepout, unsigned int nr_keepout,
	     uint64_t *entry, char *err, size_t errlen)
{
	struct elf_loader ld = {
		.image = image,
		.size = size,
		.ram = ram,
		.keepout = keepout,
		.nr_keepout = nr_keepout,
		.err = err,
		.errlen = errlen,
	};
	unsigned int nr_loads = 0;
	Elf64_Phdr ph;
	int ret;

	if (!size)
		return elf_fail(&ld, "empty image");
	ret = elf_check_header(&ld);
	if (ret)
		return ret;
	/* Everything is checked before the first byte is written. */
	for (unsigned int i = 0; i < ld.ehdr.e_phnum; i++) {
		elf_phdr(&ld, i, &ph);
		if (ph.p_type != PT_LOAD)
			continue;
		ret = elf_check_segment(&ld, i, &ph);
		if (ret)
			return ret;
		nr_loads++;
	}
	if (!nr_loads)
		return elf_fail(&ld, "no loadable segment");
	ret = elf_find_entry(&ld, entry);
	if (ret)
		return ret;
	for (unsigned int i = 0; i < ld.ehdr.e_phnum; i++) {
		uint8_t *dst;

		elf_phdr(&ld, i, &ph);
		if (ph.p_type != PT_LOAD)
			continue;
		dst = board_gpa_to_hva(ram, ph.p_paddr, ph.p_memsz);
		memcpy(dst, ld.image + ph.p_offset, ph.p_filesz);
		memset(dst + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
	}
	return 0;
}
