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

/* One structure-block token, as next_token() decodes it. */
struct fdt_token {
	u32 type;
	const char *name;  /* FDT_BEGIN_NODE: node name; FDT_PROP: property */
	const void *value; /* FDT_PROP */
	u32 len;	   /* FDT_PROP: value length */
};

/*
 * Decodes the token at *p and moves *p past it.  Returns false at
 * FDT_END, at the end of the block or on anything malformed.
 */
static bool next_token(const void *fdt, const u8 **p, const u8 *end,
		       struct fdt_token *t)
{
	const char *strings = (const char *)fdt + field(fdt, FDT_OFF_STRINGS);
	u32 strings_size = field(fdt, FDT_SIZE_STRINGS), name_off;
	size_t name_len;

	if (end - *p < 4)
		return false;
	t->type = be32(*p);
	*p += 4;
	switch (t->type) {
	case FDT_BEGIN_NODE:
		name_len = strnlen((const char *)*p, end - *p);
		if (name_len == (size_t)(end - *p))
			return false;
		t->name = (const char *)*p;
		*p += ALIGN_UP(name_len + 1, 4);
		return *p <= end;
	case FDT_PROP:
		if (end - *p < 8)
			return false;
		t->len = be32(*p);
		name_off = be32(*p + 4);
		*p += 8;
		if (t->len > (size_t)(end - *p) || name_off >= strings_size ||
		    strnlen(strings + name_off, strings_size - name_off) ==
			    strings_size - name_off)
			return false;
		t->name = strings + name_off;
		t->value = *p;
		*p += ALIGN_UP(t->len, 4);
		return *p <= end;
	case FDT_END_NODE:
	case FDT_NOP:
		return true;
	default: /* FDT_END or garbage */
		return false;
	}
}

static const u8 *struct_block(const void *fdt, const u8 **end)
{
	const u8 *p = (const u8 *)fdt + field(fdt, FDT_OFF_STRUCT);

	*end = p + field(fdt, FDT_SIZE_STRUCT);
	return p;
}

const void *fdt_get_prop_nth(const void *fdt, const char *path,
			     const char *name, unsigned int nth, u32 *len)
{
	const u8 *end, *p = struct_block(fdt, &end);
	unsigned int depth = 0, matched = 0, wanted = 0;
	struct fdt_token t;

	/* Node at depth d (the root is 1) is component d - 2 of path. */
	path += *path == '/';
	for (const char *c = path; *c; c++)
		wanted += *c == '/';
	wanted += *path != '\0';

	while (next_token(fdt, &p, end, &t)) {
		size_t comp_len;
		const char *comp;

		switch (t.type) {
		case FDT_BEGIN_NODE:
			depth++;
			if (depth >= 2 && matched == depth - 2 &&
			    matched < wanted) {
				comp = component(path, matched, &comp_len);
				if (component_matches(comp, comp_len, t.name))
					matched++;
			}
			break;
		case FDT_END_NODE:
			if (!depth)
				return NULL;
			if (depth >= 2 && matched == depth - 1)
				matched--;
			depth--;
			break;
		case FDT_PROP:
			if (depth == matched + 1 && matched == wanted &&
			    !strcmp(t.name, name) && !nth--) {
				*len = t.len;
				return t.value;
			}
			break;
		}
	}
	return NULL;
}

/* Whether the string list value[0..len) holds s. */
static bool string_list_has(const char *value, u32 len, const char *s)
{
	while (len) {
		size_t n = strnlen(value, len);

		if (n == len)
			return false;
		if (!strcmp(value, s))
			return true;
		value += n + 1;
		len -= n + 1;
	}
	return false;
}

/* Property name among the properties that start at p; NULL if absent. */
static const void *node_prop(const void *fdt, const u8 *p, const u8 *end,
			     const char *name, u32 *len)
{
	struct fdt_token t;

	while (next_token(fdt, &p, end, &t) &&
	       (t.type == FDT_PROP || t.type == FDT_NOP)) {
		if (t.type == FDT_PROP && !strcmp(t.name, name)) {
			*len = t.len;
			return t.value;
		}
	}
	return NULL;
}

const void *fdt_get_prop_compat(const void *fdt, const char *compatible,
				const char *name, u32 *len)
{
	const u8 *end, *p = struct_block(fdt, &end), *props = NULL;
	struct fdt_token t;

	/*
	 * A node's properties come before its subnodes, so the properties
	 * that follow the last FDT_BEGIN_NODE belong to that node.
	 */
	while (next_token(fdt, &p, end, &t)) {
		if (t.type == FDT_BEGIN_NODE)
			props = p;
		else if (t.type == FDT_PROP && props &&
			 !strcmp(t.name, "compatible") &&
			 string_list_has(t.value, t.len, compatible))
			return node_prop(fdt, props, end, name, len);
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
