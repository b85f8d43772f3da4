/* SPDX-License-Identifier: GPL-2.0-only */
/* ARRAY_SIZE for host code: the one definition every host file uses. */
#ifndef ARRAY_SIZE_H
#define ARRAY_SIZE_H

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* ARRAY_SIZE_H */
