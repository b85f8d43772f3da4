/* SPDX-License-Identifier: GPL-2.0-only */
/* The errno values guest library functions return (negated). */
#ifndef GUEST_ERRNO_H
#define GUEST_ERRNO_H

#define ENOENT 2
#define E2BIG  7
#define ENODEV 19
#define EINVAL 22
#define ERANGE 34

#endif /* GUEST_ERRNO_H */
