// SPDX-License-Identifier: GPL-2.0-only
/* The Multiboot2 boot information hvcheck hands its guest. */
#include <errno.h>
#include <string.h>

#include "hvcheck_abi.h"
#include "vmm/x86/multiboot2.h"

#define MB2_LOADER_NAME "hvcheck"

struct mb2_writer {
	uint8_t *buf;
	uint64_t max;
	uint64_t pos;
	bool full;
};

static void mb2_put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void mb2_put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* Room for a tag of size bytes at the next 8-byte boundary, or NULL. */
static uint8_t *mb2_put_tag(struct mb2_writer *w, uint32_t type, uint32_t size)
{
	uint64_t start = (w->pos + 7) & ~7ULL;
	uint8_t *tag;

	if (w->full || start > w->max || size > w->max - start) {
		w->full = true;
		return NULL;
	}
	memset(w->buf + w->pos, 0, start - w->pos);
	tag = w->buf + start;
	mb2_put32(tag, type);
	mb2_put32(tag + 4, size);
	w->pos = start + size;
	return tag;
}

static void mb2_put_string(struct mb2_writer *w, uint32_t type, const char *s)
{
	size_t len = strlen(s) + 1;
	uint8_t *tag;

	if (len > UINT32_MAX - 8) {
		w->full = true;
		return;
	}
	tag = mb2_put_tag(w, type, 8 + len);
	if (tag)
		memcpy(tag + 8, s, len);
}

static void mb2_put_mmap_entry(uint8_t **p, uint64_t base, uint64_t len,
			       uint32_t type)
{
	mb2_put64(*p, base);
	mb2_put64(*p + 8, len);
	mb2_put32(*p + 16, type);
	mb2_put32(*p + 20, 0);
	*p += MB2_MMAP_ENTRY_SIZE;
}

/*
 * Conventional memory up to HV_X86_LOW_RAM_END, the legacy hole up to
 * 1 MiB (where the ACPI tables live), then the rest of RAM.
 */
static void mb2_put_mmap(struct mb2_writer *w, uint64_t ram)
{
	uint64_t low = ram < HV_X86_LOW_RAM_END ? ram : HV_X86_LOW_RAM_END;
	bool high = ram > HV_X86_HIGH_RAM_BASE;
	uint32_t nr = 2 + high;
	uint8_t *tag, *p;

	tag = mb2_put_tag(w, MB2_TAG_MMAP, 16 + nr * MB2_MMAP_ENTRY_SIZE);
	if (!tag)
		return;
	mb2_put32(tag + 8, MB2_MMAP_ENTRY_SIZE);
	mb2_put32(tag + 12, 0); /* entry_version */
	p = tag + 16;
	mb2_put_mmap_entry(&p, 0, low, MB2_MMAP_AVAILABLE);
	mb2_put_mmap_entry(&p, HV_X86_LOW_RAM_END,
			   HV_X86_HIGH_RAM_BASE - HV_X86_LOW_RAM_END,
			   MB2_MMAP_RESERVED);
	if (high)
		mb2_put_mmap_entry(&p, HV_X86_HIGH_RAM_BASE,
				   ram - HV_X86_HIGH_RAM_BASE,
				   MB2_MMAP_AVAILABLE);
}

bool mb2_info_provides(uint32_t type)
{
	switch (type) {
	case MB2_TAG_CMDLINE:
	case MB2_TAG_LOADER_NAME:
	case MB2_TAG_BASIC_MEMINFO:
	case MB2_TAG_MMAP:
	case MB2_TAG_ACPI_NEW:
		return true;
	default:
		return false;
	}
}

long mb2_build_info(const struct guest_mem *mem, uint64_t gpa, uint64_t max,
		    const struct mb2_info_config *cfg)
{
	struct mb2_writer w = { .max = max, .pos = 8 };
	uint64_t ram = cfg->ram_size;
	uint8_t *tag;

	w.buf = vm_gpa_to_hva(mem, gpa, max);
	if (!w.buf)
		return -EFAULT;
	if (max < 8)
		return -ENOSPC;

	mb2_put_string(&w, MB2_TAG_CMDLINE, cfg->cmdline);
	mb2_put_string(&w, MB2_TAG_LOADER_NAME, MB2_LOADER_NAME);

	/* In KiB: below 640 KiB, and from 1 MiB to the first hole. */
	tag = mb2_put_tag(&w, MB2_TAG_BASIC_MEMINFO, 16);
	if (tag) {
		uint64_t low = ram < HV_X86_LOW_RAM_END ? ram :
							  HV_X86_LOW_RAM_END;
		uint64_t high = ram > HV_X86_HIGH_RAM_BASE ?
					ram - HV_X86_HIGH_RAM_BASE :
					0;

		mb2_put32(tag + 8, low >> 10);
		mb2_put32(tag + 12, high >> 10);
	}

	mb2_put_mmap(&w, ram);

	tag = mb2_put_tag(&w, MB2_TAG_ACPI_NEW, 8 + cfg->rsdp_size);
	if (tag)
		memcpy(tag + 8, cfg->rsdp, cfg->rsdp_size);

	mb2_put_tag(&w, MB2_TAG_END, 8);
	if (w.full)
		return -ENOSPC;
	mb2_put32(w.buf, w.pos); /* total_size */
	mb2_put32(w.buf + 4, 0); /* reserved */
	return w.pos;
}
