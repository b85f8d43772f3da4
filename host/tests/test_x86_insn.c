// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the instruction classifier behind the stepping counter. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vpmu/x86_insn.h"

#define LONG	    true
#define LEGACY	    false
#define NBYTES(...) sizeof((const uint8_t[]){ __VA_ARGS__ })

/* Decodes the bytes, which must succeed, and checks kind and length. */
#define DECODES(mode, kind_, len_, ...)                                     \
	check_decode((const uint8_t[]){ __VA_ARGS__ }, NBYTES(__VA_ARGS__), \
		     mode, kind_, len_, __LINE__)
#define REFUSED(mode, ...)                                                   \
	check_refused((const uint8_t[]){ __VA_ARGS__ }, NBYTES(__VA_ARGS__), \
		      mode, __LINE__)

static void check_decode(const uint8_t *bytes, size_t n, bool long_mode,
			 enum x86_insn_kind kind, unsigned int len, int line)
{
	struct x86_insn insn = { .kind = -1, .len = 99 };
	int ret = x86_insn_decode(bytes, n, long_mode, &insn);

	if (ret)
		fail_msg("line %d: decode returned %d", line, ret);
	if (insn.kind != kind)
		fail_msg("line %d: kind %d, expected %d", line, insn.kind,
			 kind);
	if (insn.len != len)
		fail_msg("line %d: len %u, expected %u", line, insn.len, len);
}

static void check_refused(const uint8_t *bytes, size_t n, bool long_mode,
			  int line)
{
	struct x86_insn insn;
	int ret = x86_insn_decode(bytes, n, long_mode, &insn);

	if (ret != -EINVAL)
		fail_msg("line %d: decode returned %d, expected -EINVAL", line,
			 ret);
}

static void test_jcc(void **state)
{
	uint8_t bytes[6] = { 0 };

	(void)state;
	for (unsigned int cc = 0; cc < 16; cc++) {
		bytes[0] = 0x70 + cc; /* Jcc rel8 */
		bytes[1] = 0xfe;
		check_decode(bytes, 2, LONG, X86_INSN_BRANCH, 1, __LINE__);
		check_decode(bytes, 2, LEGACY, X86_INSN_BRANCH, 1, __LINE__);
		bytes[0] = 0x0f; /* Jcc rel32 */
		bytes[1] = 0x80 + cc;
		check_decode(bytes, 6, LONG, X86_INSN_BRANCH, 2, __LINE__);
		check_decode(bytes, 6, LEGACY, X86_INSN_BRANCH, 2, __LINE__);
	}
	/* Neighbours of the ranges are not branches. */
	DECODES(LONG, X86_INSN_OTHER, 1, 0x6f);
	DECODES(LONG, X86_INSN_OTHER, 1, 0x80, 0xc0, 0x01);
	DECODES(LONG, X86_INSN_OTHER, 2, 0x0f, 0x7f, 0xc0);
	DECODES(LONG, X86_INSN_OTHER, 2, 0x0f, 0x90, 0xc0); /* SETO */
}

static void test_jmp_call_relative_and_far(void **state)
{
	(void)state;
	DECODES(LONG, X86_INSN_BRANCH, 1, 0xeb, 0xfe);	     /* JMP rel8 */
	DECODES(LONG, X86_INSN_BRANCH, 1, 0xe9, 0, 0, 0, 0); /* JMP rel32 */
	DECODES(LONG, X86_INSN_BRANCH, 1, 0xe8, 0, 0, 0, 0); /* CALL */
	DECODES(LEGACY, X86_INSN_BRANCH, 1, 0xea, 0, 0, 0, 0, 8,
		0); /* JMP far */
	DECODES(LEGACY, X86_INSN_BRANCH, 1, 0x9a, 0, 0, 0, 0, 8,
		0); /* CALL far */
	/* Operand-size prefix: JMP rel16 in 32-bit code. */
	DECODES(LEGACY, X86_INSN_BRANCH, 2, 0x66, 0xe9, 0, 0);
}

static void test_group5(void **state)
{
	(void)state;
	/* FF /2 CALL, /3 CALL far, /4 JMP, /5 JMP far; reg in ModRM 5:3. */
	DECODES(LONG, X86_INSN_BRANCH, 1, 0xff, 0xd0);	     /* call *%rax */
	DECODES(LONG, X86_INSN_BRANCH, 1, 0xff, 0x18);	     /* lcall *(%rax) */
	DECODES(LONG, X86_INSN_BRANCH, 1, 0xff, 0xe0);	     /* jmp *%rax */
	DECODES(LONG, X86_INSN_BRANCH, 1, 0xff, 0x28);	     /* ljmp *(%rax) */
	DECODES(LONG, X86_INSN_BRANCH, 1, 0xff, 0x14, 0x24); /* call *(%rsp) */
	/* /0 INC, /1 DEC, /6 PUSH are not. */
	DECODES(LONG, X86_INSN_OTHER, 1, 0xff, 0xc0);
	DECODES(LONG, X86_INSN_OTHER, 1, 0xff, 0x08);
	DECODES(LONG, X86_INSN_OTHER, 1, 0xff, 0x30);
	DECODES(LONG, X86_INSN_OTHER, 1, 0xff, 0xf8); /* /7: reserved */
	/* Other opcodes with the same ModRM byte stay what they are. */
	DECODES(LONG, X86_INSN_OTHER, 1, 0xfe, 0xd0);
	/* REX.W before FF /2 is still a call. */
	DECODES(LONG, X86_INSN_BRANCH, 2, 0x41, 0xff, 0xd3); /* call *%r11 */
	/* Without its ModRM byte FF cannot be classified. */
	REFUSED(LONG, 0xff);
	REFUSED(LONG, 0x66, 0xff);
}

static void test_returns(void **state)
{
	(void)state;
	DECODES(LONG, X86_INSN_BRANCH, 1, 0xc3);	 /* RET */
	DECODES(LONG, X86_INSN_BRANCH, 1, 0xc2, 8, 0);	 /* RET imm16 */
	DECODES(LONG, X86_INSN_BRANCH, 1, 0xcb);	 /* RETF */
	DECODES(LONG, X86_INSN_BRANCH, 1, 0xca, 8, 0);	 /* RETF imm16 */
	DECODES(LONG, X86_INSN_BRANCH, 1, 0xcf);	 /* IRET */
	DECODES(LONG, X86_INSN_BRANCH, 2, 0x48, 0xcf);	 /* IRETQ */
	DECODES(LONG, X86_INSN_BRANCH, 2, 0xf3, 0xc3);	 /* REP RET */
	DECODES(LEGACY, X86_INSN_BRANCH, 2, 0x66, 0xcf); /* IRETW */
	/* INT n, INT3 and INTO are not branch instructions. */
	DECODES(LONG, X86_INSN_OTHER, 1, 0xcd, 0x80);
	DECODES(LONG, X86_INSN_OTHER, 1, 0xcc);
	DECODES(LEGACY, X86_INSN_OTHER, 1, 0xce);
}

static void test_loops(void **state)
{
	(void)state;
	DECODES(LONG, X86_INSN_BRANCH, 1, 0xe0, 0xfe);	     /* LOOPNE */
	DECODES(LONG, X86_INSN_BRANCH, 1, 0xe1, 0xfe);	     /* LOOPE */
	DECODES(LONG, X86_INSN_BRANCH, 1, 0xe2, 0xfe);	     /* LOOP */
	DECODES(LONG, X86_INSN_BRANCH, 1, 0xe3, 0xfe);	     /* JRCXZ */
	DECODES(LONG, X86_INSN_BRANCH, 2, 0x67, 0xe3, 0xfe); /* JECXZ */
	DECODES(LONG, X86_INSN_OTHER, 1, 0xe4, 0x60);	     /* IN, next */
}

static void test_fast_system_calls(void **state)
{
	(void)state;
	DECODES(LONG, X86_INSN_BRANCH, 2, 0x0f, 0x05);	     /* SYSCALL */
	DECODES(LONG, X86_INSN_BRANCH, 2, 0x0f, 0x07);	     /* SYSRET */
	DECODES(LONG, X86_INSN_BRANCH, 3, 0x48, 0x0f, 0x07); /* SYSRETQ */
	DECODES(LEGACY, X86_INSN_BRANCH, 2, 0x0f, 0x34);     /* SYSENTER */
	DECODES(LEGACY, X86_INSN_BRANCH, 2, 0x0f, 0x35);     /* SYSEXIT */
	/* Their two-byte neighbours are not. */
	DECODES(LONG, X86_INSN_OTHER, 2, 0x0f, 0x06); /* CLTS */
	DECODES(LONG, X86_INSN_OTHER, 2, 0x0f, 0x31); /* RDTSC */
	DECODES(LONG, X86_INSN_OTHER, 2, 0x0f, 0x32); /* RDMSR */
	DECODES(LONG, X86_INSN_OTHER, 2, 0x0f, 0x30); /* WRMSR */
	DECODES(LONG, X86_INSN_OTHER, 2, 0x0f, 0xa2); /* CPUID */
}

static void test_plain_instructions(void **state)
{
	(void)state;
	DECODES(LONG, X86_INSN_OTHER, 1, 0x90);		    /* NOP */
	DECODES(LONG, X86_INSN_OTHER, 1, 0xf4);		    /* HLT */
	DECODES(LONG, X86_INSN_OTHER, 2, 0x48, 0x89, 0xc3); /* mov */
	DECODES(LONG, X86_INSN_OTHER, 2, 0x0f, 0x1f, 0x00); /* NOP Ev */
	/* The three-byte maps are plain too (PSHUFB here). */
	DECODES(LONG, X86_INSN_OTHER, 2, 0x0f, 0x38, 0x00, 0xc1);
}

static void test_rdpmc_and_ud2_lengths(void **state)
{
	(void)state;
	DECODES(LONG, X86_INSN_RDPMC, 2, 0x0f, 0x33);
	DECODES(LEGACY, X86_INSN_RDPMC, 2, 0x0f, 0x33);
	DECODES(LONG, X86_INSN_UD2, 2, 0x0f, 0x0b);
	DECODES(LEGACY, X86_INSN_UD2, 2, 0x0f, 0x0b);
	/* Prefixes are part of what the VMM skips. */
	DECODES(LONG, X86_INSN_RDPMC, 3, 0x48, 0x0f, 0x33);
	DECODES(LONG, X86_INSN_RDPMC, 5, 0x66, 0x2e, 0xf3, 0x0f, 0x33);
	DECODES(LONG, X86_INSN_RDPMC, 4, 0x66, 0x41, 0x0f, 0x33);
	DECODES(LEGACY, X86_INSN_RDPMC, 4, 0x3e, 0x67, 0x0f, 0x33);
	DECODES(LONG, X86_INSN_UD2, 4, 0xf0, 0x26, 0x0f, 0x0b);
	DECODES(LONG, X86_INSN_UD2, 3, 0x4f, 0x0f, 0x0b);
	/* Bytes after the instruction do not change it. */
	DECODES(LONG, X86_INSN_RDPMC, 2, 0x0f, 0x33, 0x0f, 0x0b);
}

static void test_rex_only_in_64_bit(void **state)
{
	(void)state;
	/* 64-bit: 0x40-0x4f are REX and belong to the next opcode. */
	for (uint8_t rex = 0x40; rex <= 0x4f; rex++) {
		const uint8_t ret[] = { rex, 0xc3 };
		const uint8_t rdpmc[] = { rex, 0x0f, 0x33 };

		check_decode(ret, 2, LONG, X86_INSN_BRANCH, 2, __LINE__);
		check_decode(rdpmc, 3, LONG, X86_INSN_RDPMC, 3, __LINE__);
		/* 32-bit: INC/DEC, an instruction of its own. */
		check_decode(ret, 2, LEGACY, X86_INSN_OTHER, 1, __LINE__);
		check_decode(rdpmc, 3, LEGACY, X86_INSN_OTHER, 1, __LINE__);
	}
	/* Several REX bytes: only the last counts, all are skipped. */
	DECODES(LONG, X86_INSN_RDPMC, 4, 0x40, 0x48, 0x0f, 0x33);
	/* A legacy prefix after a REX: the REX is ignored, not the opcode. */
	DECODES(LONG, X86_INSN_RDPMC, 4, 0x48, 0x66, 0x0f, 0x33);
	DECODES(LONG, X86_INSN_BRANCH, 3, 0x41, 0xf3, 0xc3);
	DECODES(LONG, X86_INSN_RDPMC, 5, 0x66, 0x48, 0x2e, 0x0f, 0x33);
}

static void test_truncated(void **state)
{
	uint8_t nothing = 0x90;

	(void)state;
	REFUSED(LONG, 0x0f);
	REFUSED(LONG, 0x66);
	REFUSED(LONG, 0x66, 0xf3, 0x2e);
	REFUSED(LONG, 0x48);
	REFUSED(LONG, 0x66, 0x48, 0x0f);
	REFUSED(LEGACY, 0x0f);
	check_refused(&nothing, 0, LONG, __LINE__);
	/* A 32-bit 0x48 is DEC eAX and needs nothing after it. */
	DECODES(LEGACY, X86_INSN_OTHER, 1, 0x48);
}

static void test_fifteen_byte_limit(void **state)
{
	uint8_t bytes[32];
	struct x86_insn insn;

	(void)state;
	memset(bytes, 0x66, sizeof(bytes));
	/* 13 prefixes + RDPMC = 15 bytes: the longest instruction. */
	bytes[13] = 0x0f;
	bytes[14] = 0x33;
	check_decode(bytes, 15, LONG, X86_INSN_RDPMC, 15, __LINE__);
	check_decode(bytes, sizeof(bytes), LONG, X86_INSN_RDPMC, 15, __LINE__);
	/* 14 prefixes + RDPMC = 16 bytes: not an instruction (#GP). */
	memset(bytes, 0x66, sizeof(bytes));
	bytes[14] = 0x0f;
	bytes[15] = 0x33;
	assert_int_equal(x86_insn_decode(bytes, sizeof(bytes), LONG, &insn),
			 -EINVAL);
	/* 14 prefixes + a one-byte opcode still fit. */
	bytes[14] = 0xc3;
	check_decode(bytes, sizeof(bytes), LONG, X86_INSN_BRANCH, 15, __LINE__);
	/* 15 prefixes: no opcode within the limit. */
	memset(bytes, 0xf3, sizeof(bytes));
	bytes[15] = 0xc3;
	assert_int_equal(x86_insn_decode(bytes, sizeof(bytes), LONG, &insn),
			 -EINVAL);
	/* REX bytes count towards the limit as well. */
	memset(bytes, 0x40, sizeof(bytes));
	bytes[15] = 0x90;
	assert_int_equal(x86_insn_decode(bytes, sizeof(bytes), LONG, &insn),
			 -EINVAL);
}

static void test_every_legacy_prefix(void **state)
{
	static const uint8_t prefixes[] = { 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65,
					    0x66, 0x67, 0xf0, 0xf2, 0xf3 };

	(void)state;
	for (size_t i = 0; i < sizeof(prefixes); i++) {
		const uint8_t ud2[] = { prefixes[i], 0x0f, 0x0b };
		const uint8_t jcc[] = { prefixes[i], 0x74, 0x00 };

		check_decode(ud2, 3, LONG, X86_INSN_UD2, 3, __LINE__);
		check_decode(ud2, 3, LEGACY, X86_INSN_UD2, 3, __LINE__);
		check_decode(jcc, 3, LONG, X86_INSN_BRANCH, 2, __LINE__);
	}
	/* Opcodes next to prefix bytes are opcodes. */
	DECODES(LONG, X86_INSN_OTHER, 1, 0x27); /* DAA: invalid, not a prefix */
	DECODES(LONG, X86_INSN_OTHER, 1, 0xf1); /* INT1 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jcc),
		cmocka_unit_test(test_jmp_call_relative_and_far),
		cmocka_unit_test(test_group5),
		cmocka_unit_test(test_returns),
		cmocka_unit_test(test_loops),
		cmocka_unit_test(test_fast_system_calls),
		cmocka_unit_test(test_plain_instructions),
		cmocka_unit_test(test_rdpmc_and_ud2_lengths),
		cmocka_unit_test(test_rex_only_in_64_bit),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_fifteen_byte_limit),
		cmocka_unit_test(test_every_legacy_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
