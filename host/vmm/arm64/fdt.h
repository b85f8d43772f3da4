/* SPDX-License-Identifier: GPL-2.0-only */
/* A flattened device tree (DTB, version 17) writer. */
#ifndef VMM_ARM64_FDT_H
#define VMM_ARM64_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_MAGIC	      0xd00dfeed
#define FDT_VERSION	      17
#define FDT_LAST_COMP_VERSION 16
#define FDT_HEADER_SIZE	      40
#define FDT_RSVMAP_ENTRY_SIZE 16

#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_END	       9

/*
 * The tree is written in document order: begin a node, its properties,
 * its subnodes, end it.  Errors are sticky, so a builder makes its calls
 * and checks once, at fdt_finish().
 */
struct fdt {
	uint8_t *dt; /* structure block */
	size_t dt_len, dt_cap;
	char *strings; /* strings block, each name once */
	size_t strings_len, strings_cap;
	unsigned int depth;
	bool finished; /* FDT_END written: no more nodes or properties */
	int error;     /* the first -errno, or 0 */
};

void fdt_init(struct fdt *fdt);
void fdt_free(struct fdt *fdt);

/* The root node's name is "". */
void fdt_begin_node(struct fdt *fdt, const char *name);
void fdt_end_node(struct fdt *fdt);

void fdt_prop(struct fdt *fdt, const char *name, const void *value, size_t len);
void fdt_prop_empty(struct fdt *fdt, const char *name);
void fdt_prop_u32(struct fdt *fdt, const char *name, uint32_t value);
/* Host-order cells, written big-endian. */
void fdt_prop_cells(struct fdt *fdt, const char *name, const uint32_t *cells,
		    unsigned int nr);
void fdt_prop_string(struct fdt *fdt, const char *name, const char *value);
/* A string list: each string with its NUL, one after the other. */
void fdt_prop_strings(struct fdt *fdt, const char *name,
		      const char *const *values, unsigned int nr);

/*
 * The blob (header, an empty memory reservation map, structure and
 * strings blocks) into out[max].  Returns its size, or the first error:
 * -ENOMEM, -EINVAL (a node left open, an end without a begin, a node or
 * property added after finishing), -ENOSPC when it does not fit.  It
 * closes the tree; calling it again (say with a bigger out after
 * -ENOSPC) writes the same blob.
 */
long fdt_finish(struct fdt *fdt, void *out, size_t max);

#endif /* VMM_ARM64_FDT_H */
