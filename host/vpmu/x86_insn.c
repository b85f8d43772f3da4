// SPDX-License-Identifier: GPL-2.0-only
/* Just enough x86 decoding to tell what a single-stepped instruction was. */
#include <errno.h>

#include "vpmu/x86_insn.h"

static bool x86_insn_is_legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0x26: /* ES */
	case 0x2e: /* CS */
	case 0x36: /* SS */
	case 0x3e: /* DS */
	case 0x64: /* FS */
	case 0x65: /* GS */
	case 0x66: /* operand size */
	case 0x67: /* address size */
	case 0xf0: /* LOCK */
	case 0xf2: /* REPNE */
	case 0xf3: /* REP */
		return true;
	}
	return false;
}

/*
 * The branch instructions of "Branch Instructions Retired" (SDM vol. 3,
 * architectural event C4H): near and far JMP, CALL and RET, Jcc taken or
 * not, LOOP/JCXZ, IRET and the fast system calls.  INT n and exceptions
 * are not branch instructions.
 */
static enum x86_insn_kind x86_insn_one_byte(uint8_t op, uint8_t modrm_reg,
					    bool have_modrm)
{
	if (op >= 0x70 && op <= 0x7f) /* Jcc rel8 */
		return X86_INSN_BRANCH;
	switch (op) {
	case 0x9a: /* CALL far */
	case 0xc2: /* RET imm16 */
	case 0xc3: /* RET */
	case 0xca: /* RETF imm16 */
	case 0xcb: /* RETF */
	case 0xcf: /* IRET */
	case 0xe0: /* LOOPNE */
	case 0xe1: /* LOOPE */
	case 0xe2: /* LOOP */
	case 0xe3: /* JrCXZ */
	case 0xe8: /* CALL rel */
	case 0xe9: /* JMP rel */
	case 0xea: /* JMP far */
	case 0xeb: /* JMP rel8 */
		return X86_INSN_BRANCH;
	case 0xff: /* group 5: /2 /3 CALL, /4 /5 JMP indirect */
		if (have_modrm && modrm_reg >= 2 && modrm_reg <= 5)
			return X86_INSN_BRANCH;
		break;
	}
	return X86_INSN_OTHER;
}

static enum x86_insn_kind x86_insn_two_byte(uint8_t op)
{
	if (op >= 0x80 && op <= 0x8f) /* Jcc rel32 */
		return X86_INSN_BRANCH;
	switch (op) {
	case 0x05: /* SYSCALL */
	case 0x07: /* SYSRET */
	case 0x34: /* SYSENTER */
	case 0x35: /* SYSEXIT */
		return X86_INSN_BRANCH;
	case 0x0b:
		return X86_INSN_UD2;
	case 0x33:
		return X86_INSN_RDPMC;
	}
	return X86_INSN_OTHER;
}

int x86_insn_decode(const uint8_t *bytes, size_t n, bool long_mode,
		    struct x86_insn *insn)
{
	size_t i = 0;
	uint8_t op;

	if (n > X86_INSN_MAX_LEN)
		n = X86_INSN_MAX_LEN;
	/*
	 * REX counts only right before the opcode; one followed by a legacy
	 * prefix is ignored, but the prefixes after it still are prefixes.
	 */
	while (i < n && (x86_insn_is_legacy_prefix(bytes[i]) ||
			 (long_mode && (bytes[i] & 0xf0) == 0x40)))
		i++;
	if (i >= n)
		return -EINVAL;
	op = bytes[i++];
	if (op == 0x0f) {
		if (i >= n)
			return -EINVAL;
		insn->kind = x86_insn_two_byte(bytes[i++]);
	} else {
		bool have_modrm = i < n;

		insn->kind = x86_insn_one_byte(
			op, have_modrm ? (bytes[i] >> 3) & 7 : 0, have_modrm);
		if (op == 0xff && !have_modrm)
			return -EINVAL;
	}
	insn->len = i;
	return 0;
}
