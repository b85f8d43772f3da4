// SPDX-License-Identifier: GPL-2.0-only
/* A flattened device tree (DTB, version 17) writer. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/arm64/fdt.h"

/* Header fields, by byte offset. */
#define FDT_OFF_MAGIC		  0
#define FDT_OFF_TOTALSIZE	  4
#define FDT_OFF_DT_STRUCT	  8
#define FDT_OFF_DT_STRINGS	  12
#define FDT_OFF_MEM_RSVMAP	  16
#define FDT_OFF_VERSION		  20
#define FDT_OFF_LAST_COMP_VERSION 24
#define FDT_OFF_BOOT_CPUID	  28
#define FDT_OFF_SIZE_DT_STRINGS	  32
#define FDT_OFF_SIZE_DT_STRUCT	  36

static void fdt_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

void fdt_init(struct fdt *fdt)
{
	memset(fdt, 0, sizeof(*fdt));
}

void fdt_free(struct fdt *fdt)
{
	free(fdt->dt);
	free(fdt->strings);
	fdt_init(fdt);
}

/* Room for len more bytes in a block that grows by doubling. */
static void *fdt_grow(struct fdt *fdt, void **block, size_t *used, size_t *cap,
		      size_t len)
{
	/* The tree is closed once finished. */
	if (fdt->finished && !fdt->error)
		fdt->error = -EINVAL;
	if (fdt->error)
		return NULL;
	if (len > *cap - *used) {
		size_t want = *cap ? *cap : 256;
		void *grown;

		while (want - *used < len)
			want *= 2;
		grown = realloc(*block, want);
		if (!grown) {
			fdt->error = -ENOMEM;
			return NULL;
		}
		*block = grown;
		*cap = want;
	}
	*used += len;
	return (uint8_t *)*block + *used - len;
}

/* len bytes at the end of the structure block, zero-padded to 4. */
static uint8_t *fdt_dt_append(struct fdt *fdt, size_t len)
{
	size_t padded = (len + 3) & ~(size_t)3;
	uint8_t *p = fdt_grow(fdt, (void **)&fdt->dt, &fdt->dt_len,
			      &fdt->dt_cap, padded);

	if (p)
		memset(p, 0, padded);
	return p;
}

static void fdt_token(struct fdt *fdt, uint32_t token)
{
	uint8_t *p = fdt_dt_append(fdt, 4);

	if (p)
		fdt_put_be32(p, token);
}

/* The offset of name in the strings block, added if new; -1 on error. */
static long fdt_string_offset(struct fdt *fdt, const char *name)
{
	size_t len = strlen(name) + 1;
	char *p;

	for (size_t off = 0; off < fdt->strings_len;
	     off += strlen(fdt->strings + off) + 1)
		if (!strcmp(fdt->strings + off, name))
			return off;
	p = fdt_grow(fdt, (void **)&fdt->strings, &fdt->strings_len,
		     &fdt->strings_cap, len);
	if (!p)
		return -1;
	memcpy(p, name, len);
	return p - fdt->strings;
}

void fdt_begin_node(struct fdt *fdt, const char *name)
{
	size_t len = strlen(name) + 1;
	uint8_t *p;

	fdt_token(fdt, FDT_BEGIN_NODE);
	p = fdt_dt_append(fdt, len);
	if (!p)
		return;
	memcpy(p, name, len);
	fdt->depth++;
}

void fdt_end_node(struct fdt *fdt)
{
	if (!fdt->error && !fdt->depth)
		fdt->error = -EINVAL;
	fdt_token(fdt, FDT_END_NODE);
	if (!fdt->error)
		fdt->depth--;
}

void fdt_prop(struct fdt *fdt, const char *name, const void *value, size_t len)
{
	long name_off;
	uint8_t *p;

	/* A property belongs to a node, and its length to 32 bits. */
	if (!fdt->error && (!fdt->depth || len > UINT32_MAX))
		fdt->error = -EINVAL;
	name_off = fdt_string_offset(fdt, name);
	fdt_token(fdt, FDT_PROP);
	p = fdt_dt_append(fdt, 8 + len);
	if (!p || name_off < 0)
		return;
	fdt_put_be32(p, len);
	fdt_put_be32(p + 4, name_off);
	if (len)
		memcpy(p + 8, value, len);
}

void fdt_prop_empty(struct fdt *fdt, const char *name)
{
	fdt_prop(fdt, name, NULL, 0);
}

void fdt_prop_u32(struct fdt *fdt, const char *name, uint32_t value)
{
	fdt_prop_cells(fdt, name, &value, 1);
}

void fdt_prop_cells(struct fdt *fdt, const char *name, const uint32_t *cells,
		    unsigned int nr)
{
	uint8_t be[64 * 4];

	if (nr > sizeof(be) / 4) {
		if (!fdt->error)
			fdt->error = -EINVAL;
		return;
	}
	for (unsigned int i = 0; i < nr; i++)
		fdt_put_be32(be + 4 * i, cells[i]);
	fdt_prop(fdt, name, be, 4 * nr);
}

void fdt_prop_string(struct fdt *fdt, const char *name, const char *value)
{
	fdt_prop(fdt, name, value, strlen(value) + 1);
}

void fdt_prop_strings(struct fdt *fdt, const char *name,
		      const char *const *values, unsigned int nr)
{
	char list[256];
	size_t len = 0;

	for (unsigned int i = 0; i < nr; i++) {
		size_t n = strlen(values[i]) + 1;

		if (n > sizeof(list) - len) {
			if (!fdt->error)
				fdt->error = -EINVAL;
			return;
		}
		memcpy(list + len, values[i], n);
		len += n;
	}
	fdt_prop(fdt, name, list, len);
}

long fdt_finish(struct fdt *fdt, void *out, size_t max)
{
	size_t off_rsvmap = FDT_HEADER_SIZE; /* 8-byte aligned already */
	size_t off_struct = off_rsvmap + FDT_RSVMAP_ENTRY_SIZE;
	size_t struct_size, off_strings, total;
	uint8_t *blob = out;

	if (!fdt->finished) {
		if (!fdt->error && fdt->depth)
			fdt->error = -EINVAL;
		fdt_token(fdt, FDT_END);
		fdt->finished = true;
	}
	if (fdt->error)
		return fdt->error;
	struct_size = fdt->dt_len;
	off_strings = off_struct + struct_size;
	total = off_strings + fdt->strings_len;
	if (total > max || total > UINT32_MAX)
		return -ENOSPC;

	memset(blob, 0, off_struct);
	fdt_put_be32(blob + FDT_OFF_MAGIC, FDT_MAGIC);
	fdt_put_be32(blob + FDT_OFF_TOTALSIZE, total);
	fdt_put_be32(blob + FDT_OFF_DT_STRUCT, off_struct);
	fdt_put_be32(blob + FDT_OFF_DT_STRINGS, off_strings);
	fdt_put_be32(blob + FDT_OFF_MEM_RSVMAP, off_rsvmap);
	fdt_put_be32(blob + FDT_OFF_VERSION, FDT_VERSION);
	fdt_put_be32(blob + FDT_OFF_LAST_COMP_VERSION, FDT_LAST_COMP_VERSION);
	fdt_put_be32(blob + FDT_OFF_BOOT_CPUID, 0);
	fdt_put_be32(blob + FDT_OFF_SIZE_DT_STRINGS, fdt->strings_len);
	fdt_put_be32(blob + FDT_OFF_SIZE_DT_STRUCT, struct_size);
	memcpy(blob + off_struct, fdt->dt, struct_size);
	memcpy(blob + off_strings, fdt->strings, fdt->strings_len);
	return total;
}
