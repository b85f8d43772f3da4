// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer target: the x86 guest page walk and the instruction decoder. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "vmm/x86/regs.h"
#include "vmm/x86/vm.h"
#include "vpmu/x86_insn.h"

#define RAM_SIZE 0x10000 /* page tables the input fills, guard pages around */

/* The walk again, as the SDM's 4-level paging tells it, for comparison. */
static int ref_walk(const struct guest_mem *ram, const struct vm_paging *pg,
		    uint64_t gva, uint64_t *gpa)
{
	uint64_t table = pg->cr3 & X86_PTE_ADDR, e = 0;
	unsigned int shift = 39;

	if (!(pg->cr0 & X86_CR0_PG)) {
		*gpa = (uint32_t)gva;
		return 0;
	}
	if (!(pg->efer & X86_EFER_LMA) || !(pg->cr4 & X86_CR4_PAE) ||
	    (pg->cr4 & X86_CR4_LA57))
		return -EOPNOTSUPP;
	for (;; shift -= 9) {
		uint64_t at = table + (gva >> shift & 0x1ff) * 8;

		if (at >= ram->size || ram->size - at < 8)
			return -EFAULT;
		memcpy(&e, ram->base + at, 8);
		if (!(e & X86_PTE_PRESENT))
			return -EFAULT;
		if (shift == 12 || (shift <= 30 && (e & X86_PTE_LARGE)))
			break;
		table = e & X86_PTE_ADDR;
	}
	*gpa = (e & X86_PTE_ADDR & ~((1ULL << shift) - 1)) |
	       (gva & ((1ULL << shift) - 1));
	return 0;
}

/* A decode: a kind, within the bytes; RDPMC and UD2 end in their opcode. */
static void check_decode(const uint8_t *bytes, size_t n, bool long_mode)
{
	struct x86_insn insn;
	int ret = x86_insn_decode(bytes, n, long_mode, &insn);

	if (ret) {
		FUZZ_CHECK(ret == -EINVAL, "x86_insn_decode() returned %d",
			   ret);
		return;
	}
	FUZZ_CHECK(insn.len >= 1 && insn.len <= n &&
			   insn.len <= X86_INSN_MAX_LEN,
		   "length %u of %zu bytes", insn.len, n);
	if (insn.kind == X86_INSN_RDPMC || insn.kind == X86_INSN_UD2)
		FUZZ_CHECK(insn.len >= 2 && bytes[insn.len - 2] == 0x0f &&
				   bytes[insn.len - 1] ==
					   (insn.kind == X86_INSN_RDPMC ? 0x33 :
									  0x0b),
			   "RDPMC/UD2 of another opcode");
}

/*
 * First 33 bytes: CR0's PG, CR4, EFER (a byte of flags), CR3 and the
 * linear address; the rest fills guest RAM.  The walk reads nothing
 * outside RAM (guard pages fault), agrees with ref_walk(), and the code
 * it finds decodes within its bytes.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct guest_mem ram;
	struct fuzz_in in = { data, size };
	uint8_t flags = fuzz_u8(&in);
	struct vm_paging pg = {
		.cr0 = (flags & 1) ? X86_CR0_PG : 0,
		.cr4 = ((flags & 2) ? X86_CR4_PAE : 0) |
		       ((flags & 4) ? X86_CR4_LA57 : 0),
		.efer = (flags & 8) ? X86_EFER_LMA : 0,
	};
	uint64_t gva, gpa = 0, ref_gpa = 0;
	uint8_t *code;
	int ret, ref;

	if (!ram.base)
		fuzz_ram_init(&ram, RAM_SIZE);
	pg.cr3 = fuzz_u64(&in);
	gva = fuzz_u64(&in);
	check_decode(in.p, in.n < 15 ? in.n : 15, flags & 16);
	memset(ram.base, 0, RAM_SIZE);
	memcpy(ram.base, in.p, in.n < RAM_SIZE ? in.n : RAM_SIZE);
	ret = x86_gva_to_gpa(&ram, &pg, gva, &gpa);
	ref = ref_walk(&ram, &pg, gva, &ref_gpa);
	FUZZ_CHECK(ret == ref && (ret || gpa == ref_gpa),
		   "walk of 0x%llx: %d 0x%llx, the SDM's %d 0x%llx",
		   (unsigned long long)gva, ret, (unsigned long long)gpa, ref,
		   (unsigned long long)ref_gpa);
	code = ret ? NULL : vm_gpa_to_hva(&ram, gpa, 1);
	if (code)
		check_decode(code, RAM_SIZE - gpa < 15 ? RAM_SIZE - gpa : 15,
			     flags & 16);
	return 0;
}
