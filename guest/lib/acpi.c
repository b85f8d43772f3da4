// SPDX-License-Identifier: GPL-2.0-only
/* Finds the CPUs in the ACPI MADT, checking every table it touches. */
#include "acpi.h"
#include "errno.h"
#include "string.h"

#define ACPI_ADDR_LIMIT	   (1ULL << 32) /* what the guest identity-maps */
#define ACPI_TABLE_MAX_LEN (1u << 20)

#define MADT_TYPE_LAPIC	 0
#define MADT_TYPE_X2APIC 9
#define MADT_CPU_ENABLED BIT(0)

struct acpi_rsdp {
	char signature[8];
	u8 checksum;
	char oem_id[6];
	u8 revision;
	u32 rsdt_address;
	/* ACPI 2.0+ */
	u32 length;
	u64 xsdt_address;
	u8 extended_checksum;
	u8 reserved[3];
} __packed;

struct acpi_header {
	char signature[4];
	u32 length;
	u8 revision;
	u8 checksum;
	char oem_id[6];
	char oem_table_id[8];
	u32 oem_revision;
	u32 creator_id;
	u32 creator_revision;
} __packed;

struct acpi_madt {
	struct acpi_header header;
	u32 lapic_address;
	u32 flags;
} __packed;

struct madt_entry {
	u8 type;
	u8 length;
} __packed;

struct madt_lapic {
	struct madt_entry entry;
	u8 uid;
	u8 apic_id;
	u32 flags;
} __packed;

struct madt_x2apic {
	struct madt_entry entry;
	u16 reserved;
	u32 apic_id;
	u32 flags;
	u32 uid;
} __packed;

static u8 checksum(const void *data, size_t len)
{
	const u8 *p = data;
	u8 sum = 0;

	while (len--)
		sum += *p++;
	return sum;
}

/* Maps a table's physical address after checking its header and sum. */
static const struct acpi_header *table_at(u64 phys, const char **why)
{
	const struct acpi_header *table;

	if (!phys || phys + sizeof(*table) > ACPI_ADDR_LIMIT) {
		*why = "ACPI table address out of range";
		return NULL;
	}
	table = (const void *)(uintptr_t)phys;
	if (table->length < sizeof(*table) ||
	    table->length > ACPI_TABLE_MAX_LEN ||
	    phys + table->length > ACPI_ADDR_LIMIT) {
		*why = "ACPI table has a bad length";
		return NULL;
	}
	if (checksum(table, table->length)) {
		*why = "ACPI table checksum mismatch";
		return NULL;
	}
	return table;
}

static const struct acpi_madt *
find_madt(const struct acpi_rsdp *rsdp, unsigned int rsdp_len, const char **why)
{
	const struct acpi_header *root;
	unsigned int entry_size, nr;
	bool xsdt = rsdp->revision >= 2 && rsdp_len >= sizeof(*rsdp) &&
		    rsdp->xsdt_address;

	root = table_at(xsdt ? rsdp->xsdt_address : rsdp->rsdt_address, why);
	if (!root)
		return NULL;
	if (memcmp(root->signature, xsdt ? "XSDT" : "RSDT", 4)) {
		*why = "ACPI root table has the wrong signature";
		return NULL;
	}
	entry_size = xsdt ? 8 : 4;
	nr = (root->length - sizeof(*root)) / entry_size;
	for (unsigned int i = 0; i < nr; i++) {
		const u8 *slot = (const u8 *)(root + 1) + i * entry_size;
		const struct acpi_header *table;
		u64 phys = 0;

		memcpy(&phys, slot, entry_size);
		table = table_at(phys, why);
		if (!table)
			return NULL;
		if (!memcmp(table->signature, "APIC", 4)) {
			if (table->length < sizeof(struct acpi_madt)) {
				*why = "ACPI MADT is too short";
				return NULL;
			}
			return (const void *)table;
		}
	}
	*why = "no ACPI MADT";
	return NULL;
}

int acpi_madt_cpus(const u8 *rsdp_copy, unsigned int rsdp_len,
		   struct acpi_cpu *cpus, unsigned int max, unsigned int *nr,
		   const char **why)
{
	const struct acpi_rsdp *rsdp = (const void *)rsdp_copy;
	const struct acpi_madt *madt;
	const u8 *pos, *end;
	bool too_many = false;

	*nr = 0;
	if (rsdp_len < 20 || memcmp(rsdp->signature, "RSD PTR ", 8) ||
	    checksum(rsdp, 20)) {
		*why = "no valid ACPI RSDP";
		return -ENOENT;
	}
	if (rsdp->revision >= 2 && rsdp_len >= sizeof(*rsdp) &&
	    checksum(rsdp, sizeof(*rsdp))) {
		*why = "ACPI RSDP extended checksum mismatch";
		return -EINVAL;
	}
	madt = find_madt(rsdp, rsdp_len, why);
	if (!madt)
		return -ENOENT;

	end = (const u8 *)madt + madt->header.length;
	for (pos = (const u8 *)(madt + 1);
	     pos + sizeof(struct madt_entry) <= end;
	     pos += ((const struct madt_entry *)pos)->length) {
		const struct madt_entry *entry = (const void *)pos;
		u32 apic_id, uid, flags;

		if (entry->length < sizeof(*entry) ||
		    entry->length > (size_t)(end - pos)) {
			*why = "ACPI MADT entry runs past the table";
			return -EINVAL;
		}
		if (entry->type == MADT_TYPE_LAPIC &&
		    entry->length >= sizeof(struct madt_lapic)) {
			const struct madt_lapic *lapic = (const void *)entry;

			apic_id = lapic->apic_id;
			uid = lapic->uid;
			flags = lapic->flags;
		} else if (entry->type == MADT_TYPE_X2APIC &&
			   entry->length >= sizeof(struct madt_x2apic)) {
			const struct madt_x2apic *x2apic = (const void *)entry;

			apic_id = x2apic->apic_id;
			uid = x2apic->uid;
			flags = x2apic->flags;
		} else {
			continue;
		}
		if (!(flags & MADT_CPU_ENABLED))
			continue;
		if (*nr == max) {
			too_many = true;
			continue;
		}
		cpus[*nr].apic_id = apic_id;
		cpus[*nr].uid = uid;
		(*nr)++;
	}
	if (too_many) {
		*why = "more CPUs in the ACPI MADT than the guest supports";
		return -E2BIG;
	}
	return 0;
}
