// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer target: the ELF loader, on targets the input's first bytes pick. */
#include <elf.h>
#include <stdint.h>

#include "fuzz/fuzz.h"
#include "vmm/elf.h"

#define RAM_SIZE (4 << 20)
#define RAM_HIGH 0x40000000 /* where an arm64 machine's RAM begins */

static const struct elf_keepout mmio = { 0x8000000, 0x1000000, "MMIO" };

/*
 * First byte: the target's options, one a bit; second: its RAM's base
 * and keep-out; the rest is the file.  Invariants: a load puts its
 * entry point in RAM and leaves the keep-out alone; a refusal says why
 * in one line and writes nothing to RAM.  The guard pages around RAM
 * fault on a write outside it.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct guest_mem ram;
	struct fuzz_in in = { data, size };
	uint8_t opt = fuzz_u8(&in), where = fuzz_u8(&in);
	struct elf_target t = {
		.name = "fuzz",
		.machine = { (opt & 1) ? EM_AARCH64 : EM_X86_64, EM_386 },
		.elf32 = opt & 2,
		.ram_base = (where & 1) ? RAM_HIGH : 0,
		.entry_align = (opt & 4) ? 4 : 0,
		.mmio = (opt & 8) ? &mmio : NULL,
		.ident_first = opt & 16,
		.check_version = opt & 32,
		.check_sections = opt & 64,
		.skip_empty = opt & 128,
		.segment = (where & 2) ? "segment" : NULL,
	};
	struct elf_keepout keepout = { t.ram_base + (where >> 2) * 0x10000,
				       0x10000, "the keep-out" };
	char err[256] = "";
	struct elf_loader ld = { &t,	   in.p, in.n, &ram,
				 &keepout, 1,	 err,  sizeof(err) };
	uint64_t entry = 0;
	int ret;

	if (!ram.base)
		fuzz_ram_init(&ram, RAM_SIZE);
	ret = elf_load(&ld, NULL, &entry);
	if (ret) {
		fuzz_check_refused(ret, err, &ram);
		return 0;
	}
	FUZZ_CHECK(entry >= t.ram_base && entry - t.ram_base < RAM_SIZE,
		   "entry 0x%llx outside RAM", (unsigned long long)entry);
	FUZZ_CHECK(!t.entry_align || entry % t.entry_align == 0,
		   "entry 0x%llx misaligned", (unsigned long long)entry);
	FUZZ_CHECK(fuzz_ram_range_untouched(&ram, t.ram_base, keepout.base,
					    keepout.size),
		   "an image wrote the keep-out");
	fuzz_ram_reset(&ram);
	return 0;
}
