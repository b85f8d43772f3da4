// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer target: the Multiboot2 loader (its header, address tag, ELF). */
#include <stdint.h>

#include "array_size.h"
#include "fuzz/fuzz.h"
#include "hvcheck_abi.h"
#include "vmm/x86/multiboot2.h"

#define RAM_SIZE (4 << 20)

/* The x86 machine's keep-outs (host/vmm/x86/machine.c). */
static const struct elf_keepout keepout[] = {
	{ HV_X86_BOOTINFO_BASE, HV_X86_BOOTINFO_SIZE, "the boot information" },
	{ HV_X86_ACPI_BASE, HV_X86_ACPI_SIZE, "the ACPI tables" },
};

/*
 * The input is the image.  Invariants: a load puts its 32-bit entry
 * point in RAM and leaves the keep-outs alone; a refusal says why in
 * one line and writes nothing.  Guard pages fault on writes outside RAM.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct guest_mem ram;
	char err[256] = "";
	uint32_t entry = 0;
	int ret;

	if (!ram.base)
		fuzz_ram_init(&ram, RAM_SIZE);
	ret = mb2_load(data, size, &ram, keepout, ARRAY_SIZE(keepout), &entry,
		       err, sizeof(err));
	if (ret) {
		fuzz_check_refused(ret, err, &ram);
		return 0;
	}
	FUZZ_CHECK(entry < RAM_SIZE, "entry 0x%x outside RAM", entry);
	for (unsigned int i = 0; i < ARRAY_SIZE(keepout); i++)
		FUZZ_CHECK(fuzz_ram_range_untouched(&ram, 0, keepout[i].base,
						    keepout[i].size),
			   "an image wrote %s", keepout[i].what);
	fuzz_ram_reset(&ram);
	return 0;
}
