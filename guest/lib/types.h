/* SPDX-License-Identifier: GPL-2.0-only */
/* Fixed-width types and small helpers shared by all guest code. */
#ifndef GUEST_TYPES_H
#define GUEST_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#define ARRAY_SIZE(a)	   (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)	   (((x) + (a)-1) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a)   ((x) & ~((__typeof__(x))(a)-1))
#define BIT(n)		   (1UL << (n))
#define BIT_ULL(n)	   (1ULL << (n))
#define MIN(a, b)	   ((a) < (b) ? (a) : (b))
#define MAX(a, b)	   ((a) > (b) ? (a) : (b))
#define BUILD_BUG_ON(cond) _Static_assert(!(cond), #cond)

#define __packed	    __attribute__((packed))
#define __aligned(x)	    __attribute__((aligned(x)))
#define __noreturn	    __attribute__((noreturn))
#define __used		    __attribute__((used))
#define __section(s)	    __attribute__((section(s)))
#define __printf(fmt, args) __attribute__((format(printf, fmt, args)))

/* Force one real access, e.g. to a flag another CPU or a handler sets. */
#define READ_ONCE(x)	 (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define barrier()	 asm volatile("" ::: "memory")

#endif /* GUEST_TYPES_H */
