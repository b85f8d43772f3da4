// SPDX-License-Identifier: GPL-2.0-only
/* Multiboot2 boot information parsing into struct boot_info. */
#include "errno.h"
#include "mb2.h"
#include "string.h"

/* Far more than any loader writes; guards against a garbage size. */
#define MB2_INFO_MAX_SIZE (1u << 20)

struct mb2_info_header {
	u32 total_size;
	u32 reserved;
};

struct mb2_tag {
	u32 type;
	u32 size;
};

struct mb2_mmap_tag {
	struct mb2_tag tag;
	u32 entry_size;
	u32 entry_version;
};

struct mb2_mmap_entry {
	u64 base;
	u64 length;
	u32 type;
	u32 reserved;
};

static void copy_string(char *dst, size_t size, const struct mb2_tag *tag,
			bool *truncated)
{
	const char *src = (const char *)(tag + 1);
	size_t max = tag->size - sizeof(*tag);
	size_t len = strnlen(src, max);

	if (truncated)
		*truncated = len >= size;
	len = MIN(len, size - 1);
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static int parse_mmap(const struct mb2_tag *tag, struct boot_info *bi)
{
	const struct mb2_mmap_tag *mmap = (const void *)tag;
	const u8 *entry, *end = (const u8 *)tag + tag->size;

	if (tag->size < sizeof(*mmap) ||
	    mmap->entry_size < sizeof(struct mb2_mmap_entry) ||
	    mmap->entry_size % 8)
		return -EINVAL;
	for (entry = (const u8 *)(mmap + 1); entry + mmap->entry_size <= end;
	     entry += mmap->entry_size) {
		const struct mb2_mmap_entry *e = (const void *)entry;

		if (e->type != MB2_MMAP_AVAILABLE || !e->length)
			continue;
		if (bi->nr_mem == BOOT_MEM_REGIONS_MAX) {
			bi->mem_truncated = true;
			break;
		}
		bi->mem[bi->nr_mem].base = e->base;
		bi->mem[bi->nr_mem].length = e->length;
		bi->nr_mem++;
	}
	return 0;
}

int mb2_parse(u32 magic, const void *info, struct boot_info *bi,
	      const char **why)
{
	const struct mb2_info_header *header = info;
	const u8 *pos, *end;
	unsigned int acpi_type = 0;

	memset(bi, 0, sizeof(*bi));
	if (magic != MB2_BOOTLOADER_MAGIC) {
		*why = "not entered by a Multiboot2 loader (bad EAX magic)";
		return -EINVAL;
	}
	if ((uintptr_t)info % 8 || header->total_size < sizeof(*header) ||
	    header->total_size > MB2_INFO_MAX_SIZE) {
		*why = "Multiboot2 information is misaligned or has a bad size";
		return -EINVAL;
	}

	end = (const u8 *)info + header->total_size;
	for (pos = (const u8 *)(header + 1);
	     pos + sizeof(struct mb2_tag) <= end;
	     pos += ALIGN_UP(((const struct mb2_tag *)pos)->size, 8)) {
		const struct mb2_tag *tag = (const void *)pos;

		if (tag->size < sizeof(*tag) ||
		    tag->size > (size_t)(end - pos)) {
			*why = "Multiboot2 tag runs past the information";
			return -EINVAL;
		}
		switch (tag->type) {
		case MB2_TAG_END:
			return 0;
		case MB2_TAG_CMDLINE:
			copy_string(bi->cmdline, sizeof(bi->cmdline), tag,
				    &bi->cmdline_truncated);
			break;
		case MB2_TAG_LOADER_NAME:
			copy_string(bi->loader_name, sizeof(bi->loader_name),
				    tag, NULL);
			break;
		case MB2_TAG_MMAP:
			if (parse_mmap(tag, bi)) {
				*why = "Multiboot2 memory map tag is malformed";
				return -EINVAL;
			}
			break;
		case MB2_TAG_ACPI_OLD:
		case MB2_TAG_ACPI_NEW:
			/* Prefer the ACPI 2.0 RSDP when a loader gives both. */
			if (acpi_type == MB2_TAG_ACPI_NEW)
				break;
			acpi_type = tag->type;
			bi->rsdp_len =
				MIN(tag->size - sizeof(*tag), sizeof(bi->rsdp));
			memcpy(bi->rsdp, tag + 1, bi->rsdp_len);
			break;
		}
	}
	*why = "Multiboot2 information has no end tag";
	return -EINVAL;
}
