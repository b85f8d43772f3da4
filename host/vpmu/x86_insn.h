/* SPDX-License-Identifier: GPL-2.0-only */
/* Just enough x86 decoding to tell what a single-stepped instruction was. */
#ifndef VPMU_X86_INSN_H
#define VPMU_X86_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define X86_INSN_MAX_LEN 15

enum x86_insn_kind {
	X86_INSN_OTHER,	 /* retires and is not a branch */
	X86_INSN_BRANCH, /* counts as a branch instruction retired */
	X86_INSN_RDPMC,
	X86_INSN_UD2, /* always faults: never retires */
};

struct x86_insn {
	enum x86_insn_kind kind;
	/*
	 * Prefixes plus opcode bytes; the whole length only for RDPMC and
	 * UD2, which take no operands and are all the VMM ever skips.
	 */
	unsigned int len;
};

/*
 * Classifies the instruction in bytes[0..n).  long_mode: 64-bit code,
 * where 0x40-0x4f are REX prefixes.  -EINVAL when the bytes run out
 * before the opcode or there are more than 14 prefixes.
 */
int x86_insn_decode(const uint8_t *bytes, size_t n, bool long_mode,
		    struct x86_insn *insn);

#endif /* VPMU_X86_INSN_H */
