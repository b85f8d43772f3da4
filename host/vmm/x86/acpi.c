// SPDX-License-Identifier: GPL-2.0-only
/* ACPI tables for the guest: RSDP 2.0, XSDT and MADT. */
#include <errno.h>
#include <string.h>

#include "vmm/x86/acpi.h"

#define ACPI_OEM_ID	  "HVCHCK"
#define ACPI_OEM_TABLE_ID "HVCHECK "
#define ACPI_CREATOR_ID	  "HVCK"

#define ACPI_MADT_PCAT_COMPAT 1 /* an 8259 pair is present too */
#define ACPI_MADT_LAPIC	      0
#define ACPI_MADT_IOAPIC      1
#define ACPI_MADT_ENABLED     1

/* KVM's in-kernel IOAPIC resets with ID 0; QEMU's tables say 0 too. */
#define ACPI_IOAPIC_ID 0

struct acpi_rsdp {
	char signature[8];
	uint8_t checksum; /* over the first 20 bytes (ACPI 1.0 part) */
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt_address;
	uint32_t length;
	uint64_t xsdt_address;
	uint8_t extended_checksum; /* over all 36 bytes */
	uint8_t reserved[3];
} __attribute__((packed));

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __attribute__((packed));

struct acpi_madt {
	struct acpi_header header;
	uint32_t lapic_address;
	uint32_t flags;
} __attribute__((packed));

struct acpi_madt_lapic {
	uint8_t type;
	uint8_t length;
	uint8_t processor_uid;
	uint8_t apic_id;
	uint32_t flags;
} __attribute__((packed));

struct acpi_madt_ioapic {
	uint8_t type;
	uint8_t length;
	uint8_t id;
	uint8_t reserved;
	uint32_t address;
	uint32_t gsi_base;
} __attribute__((packed));

_Static_assert(sizeof(struct acpi_rsdp) == ACPI_RSDP_SIZE, "RSDP layout");
_Static_assert(sizeof(struct acpi_header) == 36, "SDT header layout");
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "MADT LAPIC layout");
_Static_assert(sizeof(struct acpi_madt_ioapic) == 12, "MADT IOAPIC layout");

/* The value that makes len bytes sum to zero. */
static uint8_t acpi_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return -sum;
}

static void acpi_fill_header(struct acpi_header *h, const char *signature,
			     uint32_t length, uint8_t revision)
{
	memcpy(h->signature, signature, sizeof(h->signature));
	h->length = length;
	h->revision = revision;
	h->checksum = 0;
	memcpy(h->oem_id, ACPI_OEM_ID, sizeof(h->oem_id));
	memcpy(h->oem_table_id, ACPI_OEM_TABLE_ID, sizeof(h->oem_table_id));
	h->oem_revision = 1;
	memcpy(h->creator_id, ACPI_CREATOR_ID, sizeof(h->creator_id));
	h->creator_revision = 1;
}

long acpi_build(const struct guest_mem *mem, uint64_t gpa, uint64_t max,
		unsigned int nr_cpus)
{
	const uint64_t xsdt_off = 64, madt_off = 128;
	const uint32_t xsdt_len = sizeof(struct acpi_header) + sizeof(uint64_t);
	const uint32_t madt_len = sizeof(struct acpi_madt) +
				  sizeof(struct acpi_madt_ioapic) +
				  nr_cpus * sizeof(struct acpi_madt_lapic);
	struct acpi_madt_ioapic *ioapic;
	struct acpi_madt_lapic *lapic;
	struct acpi_header *xsdt;
	struct acpi_rsdp *rsdp;
	struct acpi_madt *madt;
	uint64_t madt_gpa;
	uint8_t *base;

	if (!nr_cpus || nr_cpus > ACPI_MAX_CPUS || gpa % 16)
		return -EINVAL;
	if (max < madt_off + madt_len)
		return -ENOSPC;
	base = vm_gpa_to_hva(mem, gpa, madt_off + madt_len);
	if (!base)
		return -EFAULT;
	madt_gpa = gpa + madt_off;

	madt = (struct acpi_madt *)(base + madt_off);
	acpi_fill_header(&madt->header, "APIC", madt_len, 3);
	madt->lapic_address = ACPI_LAPIC_GPA;
	madt->flags = ACPI_MADT_PCAT_COMPAT;
	ioapic = (struct acpi_madt_ioapic *)(madt + 1);
	*ioapic = (struct acpi_madt_ioapic){
		.type = ACPI_MADT_IOAPIC,
		.length = sizeof(*ioapic),
		.id = ACPI_IOAPIC_ID,
		.address = ACPI_IOAPIC_GPA,
		.gsi_base = 0,
	};
	lapic = (struct acpi_madt_lapic *)(ioapic + 1);
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++)
		lapic[cpu] = (struct acpi_madt_lapic){
			.type = ACPI_MADT_LAPIC,
			.length = sizeof(*lapic),
			.processor_uid = cpu,
			.apic_id = cpu,
			.flags = ACPI_MADT_ENABLED,
		};
	madt->header.checksum = acpi_checksum(madt, madt_len);

	xsdt = (struct acpi_header *)(base + xsdt_off);
	acpi_fill_header(xsdt, "XSDT", xsdt_len, 1);
	memcpy(xsdt + 1, &madt_gpa, sizeof(madt_gpa));
	xsdt->checksum = acpi_checksum(xsdt, xsdt_len);

	rsdp = (struct acpi_rsdp *)base;
	*rsdp = (struct acpi_rsdp){
		.signature = "RSD PTR ",
		.revision = 2,
		.rsdt_address = 0, /* XSDT only: every table is 64-bit */
		.length = ACPI_RSDP_SIZE,
		.xsdt_address = gpa + xsdt_off,
	};
	memcpy(rsdp->oem_id, ACPI_OEM_ID, sizeof(rsdp->oem_id));
	rsdp->checksum = acpi_checksum(rsdp, 20);
	rsdp->extended_checksum = acpi_checksum(rsdp, ACPI_RSDP_SIZE);
	return madt_off + madt_len;
}
