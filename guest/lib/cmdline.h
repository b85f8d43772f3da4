/* SPDX-License-Identifier: GPL-2.0-only */
/* The guest command line: space-separated key=value words. */
#ifndef GUEST_CMDLINE_H
#define GUEST_CMDLINE_H

#include "types.h"

/* Keeps a copy; words without '=' (e.g. a loader's image path) are ignored. */
void cmdline_init(const char *cmdline);
bool cmdline_has(const char *key);
/* The last value given for key, or def. */
const char *cmdline_get_str(const char *key, const char *def);
/*
 * The value of key as a decimal or 0x-hexadecimal number, or def when
 * absent.  A value that is not a number is a FAIL line (the manifest is
 * wrong) and returns def.
 */
u64 cmdline_get_u64(const char *key, u64 def);

/*
 * key=NAME,NAME,... (or none) as a set: bit i for the name of item i of
 * n (at most 32) items whose names are const char * fields stride bytes
 * apart from *names.  False, with a FAIL line naming the word or the
 * empty list (the manifest is wrong), when a word is no item's name.
 */
bool cmdline_get_names(const char *key, const char *const *names,
		       unsigned int n, size_t stride, u32 *set);

#endif /* GUEST_CMDLINE_H */
