/* SPDX-License-Identifier: GPL-2.0-only */
/* A minimal flattened device tree (DTB) reader. */
#ifndef GUEST_FDT_H
#define GUEST_FDT_H

#include "types.h"

#define FDT_MAGIC 0xd00dfeed

/*
 * Checks the header of the blob at fdt (magic, version, block bounds
 * within max bytes).  Returns 0, or -EINVAL with *why naming the defect.
 */
int fdt_check(const void *fdt, u32 max, const char **why);
u32 fdt_total_size(const void *fdt);
/*
 * The value of property name of the node at path ("/" or "/chosen";
 * a component without '@' matches any unit address, "/memory" finds
 * "memory@40000000"), or NULL.  *len gets its length in bytes.
 */
const void *fdt_get_prop(const void *fdt, const char *path, const char *name,
			 u32 *len);
/*
 * The same for the nth node path matches: "/cpus/cpu" walks every
 * cpu@N node in turn.
 */
const void *fdt_get_prop_nth(const void *fdt, const char *path,
			     const char *name, unsigned int nth, u32 *len);
/*
 * The value of property name of the first node whose "compatible" list
 * holds compatible, or NULL; for devices whose node name varies.
 */
const void *fdt_get_prop_compat(const void *fdt, const char *compatible,
				const char *name, u32 *len);
/* A property as a NUL-terminated string, or NULL. */
const char *fdt_get_string(const void *fdt, const char *path, const char *name);
/* Big-endian cell i of a property value. */
u32 fdt_cell(const void *value, unsigned int i);

#endif /* GUEST_FDT_H */
