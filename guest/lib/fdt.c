// SPDX-License-Identifier: GPL-2.0-only
/* Walks a DTB's structure block for one property; everything bounded. */
#include "errno.h"
#include "fdt.h"
#include "string.h"

#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP	       4
#define FDT_END	       9

#define FDT_HEADER_SIZE	      40
#define FDT_LAST_COMP_VERSION 16

/* Header fields, by byte offset. */
#define FDT_TOTALSIZE	 4
#define FDT_OFF_STRUCT	 8
#define FDT_OFF_STRINGS	 12
#define FDT_LAST_COMP	 24
#define FDT_SIZE_STRINGS 32
#define FDT_SIZE_STRUCT	 36

static u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

u32 fdt_cell(const void *value, unsigned int i)
{
	return be32((const u8 *)value + 4 * i);
}

static u32 field(const void *fdt, unsigned int offset)
{
	return be32((const u8 *)fdt + offset);
}

u32 fdt_total_size(const void *fdt)
{
	return field(fdt, FDT_TOTALSIZE);
}

static bool block_fits(u32 offset, u32 size, u32 total)
{
	return offset >= FDT_HEADER_SIZE && offset <= total &&
	       size <= total - offset;
}

int fdt_check(const void *fdt, u32 max, const char **why)
{
	u32 total = fdt_total_size(fdt);

	if (field(fdt, 0) != FDT_MAGIC) {
		*why = "no FDT magic";
		return -EINVAL;
	}
	if (total < FDT_HEADER_SIZE || total > max) {
		*why = "total size out of range";
		return -EINVAL;
	}
	if (field(fdt, FDT_LAST_COMP) > FDT_LAST_COMP_VERSION + 1) {
		*why = "incompatible version";
		return -EINVAL;
	}
	if (!block_fits(field(fdt, FDT_OFF_STRUCT), field(fdt, FDT_SIZE_STRUCT),
			total) ||
	    !block_fits(field(fdt, FDT_OFF_STRINGS),
			field(fdt, FDT_SIZE_STRINGS), total)) {
		*why = "structure or strings block outside the blob";
		return -EINVAL;
	}
	return 0;
}

/* Whether the node name matches the path component comp[0..len). */
static bool component_matches(const char *comp, size_t len, const char *name)
{
	return !strncmp(comp, name, len) &&
	       (name[len] == '\0' || name[len] == '@');
}

/* The n-th component of path (no leading '/'); its length in *len. */
static const char *component(const char *path, unsigned int n, size_t *len)
{
	const char *slash;

	while (n--)
		path = strchr(path, '/') + 1;
	slash = strchr(path, '/');
	*len = slash ? (size_t)(slash - path) : strlen(path);
	return path;
}

const void *fdt_get_prop_nth(const void *fdt, const char *path,
			     const char *name, unsigned int nth, u32 *len)
{
	const u8 *base = fdt;
	const u8 *p = base + field(fdt, FDT_OFF_STRUCT);
	const u8 *end = p + field(fdt, FDT_SIZE_STRUCT);
	const char *strings = (const char *)base + field(fdt, FDT_OFF_STRINGS);
	u32 strings_size = field(fdt, FDT_SIZE_STRINGS);
	unsigned int depth = 0, matched = 0, wanted = 0;

	/* Node at depth d (the root is 1) is component d - 2 of path. */
	path += *path == '/';
	for (const char *c = path; *c; c++)
		wanted += *c == '/';
	wanted += *path != '\0';

	while (end - p >= 4) {
		u32 token = be32(p), size, name_off;
		size_t comp_len, name_len;
		const char *comp;

		p += 4;
		switch (token) {
		case FDT_BEGIN_NODE:
			name_len = strnlen((const char *)p, end - p);
			if (name_len == (size_t)(end - p))
				return NULL;
			depth++;
			if (depth >= 2 && matched == depth - 2 &&
			    matched < wanted) {
				comp = component(path, matched, &comp_len);
				if (component_matches(comp, comp_len,
						      (const char *)p))
					matched++;
			}
			p += ALIGN_UP(name_len + 1, 4);
			break;
		case FDT_END_NODE:
			if (!depth)
				return NULL;
			if (depth >= 2 && matched == depth - 1)
				matched--;
			depth--;
			break;
		case FDT_PROP:
			if (end - p < 8)
				return NULL;
			size = be32(p);
			name_off = be32(p + 4);
			p += 8;
			if (size > (size_t)(end - p) ||
			    name_off >= strings_size)
				return NULL;
			if (depth == matched + 1 && matched == wanted &&
			    !strncmp(strings + name_off, name,
				     strings_size - name_off) &&
			    !nth--) {
				*len = size;
				return p;
			}
			p += ALIGN_UP(size, 4);
			break;
		case FDT_NOP:
			break;
		default: /* FDT_END or garbage */
			return NULL;
		}
	}
	return NULL;
}

const void *fdt_get_prop(const void *fdt, const char *path, const char *name,
			 u32 *len)
{
	return fdt_get_prop_nth(fdt, path, name, 0, len);
}

const char *fdt_get_string(const void *fdt, const char *path, const char *name)
{
	u32 len;
	const char *s = fdt_get_prop(fdt, path, name, &len);

	if (!s || !len || strnlen(s, len) == len)
		return NULL;
	return s;
}
