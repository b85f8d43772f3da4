// SPDX-License-Identifier: GPL-2.0-only
/* The guest's CPUID: what KVM supports, with a per-vCPU topology. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/x86/cpuid.h"
#include "vmm/x86/regs.h"

#define CPUID_FIRST_GUESS 64
#define CPUID_MAX_ENTRIES 4096
/*
 * The topology leaves add at most 3 subleaves each, the emulated vPMU
 * leaf 0xA or AMD's 0x80000022, and its two hypervisor leaves.
 */
#define CPUID_SPARE	  9

#define CPUID_TOPO_SMT	  1 /* leaf 0xB/0x1F ECX[15:8] level types */
#define CPUID_TOPO_CORE	  2
#define CPUID_TOPO_LEVELS 3 /* SMT, core, and the invalid level ending them */

int cpuid_get_supported(struct vm *vm, struct cpuid *cpuid)
{
	unsigned int nent = CPUID_FIRST_GUESS;
	struct kvm_cpuid2 *table;
	int ret;

	for (;;) {
		table = calloc(1, sizeof(*table) +
					  (nent + CPUID_SPARE) *
						  sizeof(table->entries[0]));
		if (!table)
			return -ENOMEM;
		table->nent = nent;
		ret = vm_ioctl(vm, vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, table,
			       "KVM_GET_SUPPORTED_CPUID");
		if (ret != -E2BIG || nent >= CPUID_MAX_ENTRIES)
			break;
		/* KVM does not say how many it has: guess bigger. */
		free(table);
		nent *= 2;
	}
	if (ret < 0) {
		free(table);
		return ret;
	}
	cpuid->table = table;
	cpuid->capacity = nent + CPUID_SPARE;
	return 0;
}

void cpuid_free(struct cpuid *cpuid)
{
	free(cpuid->table);
	cpuid->table = NULL;
	cpuid->capacity = 0;
}

struct kvm_cpuid_entry2 *cpuid_find(const struct cpuid *cpuid,
				    uint32_t function, uint32_t index)
{
	for (unsigned int i = 0; i < cpuid->table->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->table->entries[i];

		if (e->function != function)
			continue;
		if (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) ||
		    e->index == index)
			return e;
	}
	return NULL;
}

/* A vendor string is in EBX, EDX, ECX, in that order. */
void cpuid_vendor(const struct cpuid *cpuid, char vendor[CPUID_VENDOR_SIZE])
{
	const struct kvm_cpuid_entry2 *e = cpuid_find(cpuid, 0, 0);

	memset(vendor, 0, CPUID_VENDOR_SIZE);
	if (!e)
		return;
	memcpy(vendor, &e->ebx, 4);
	memcpy(vendor + 4, &e->edx, 4);
	memcpy(vendor + 8, &e->ecx, 4);
}

bool cpuid_vendor_is_amd(const struct cpuid *cpuid)
{
	char vendor[CPUID_VENDOR_SIZE];

	cpuid_vendor(cpuid, vendor);
	return !strcmp(vendor, "AuthenticAMD") ||
	       !strcmp(vendor, "HygonGenuine");
}

int cpuid_set_vendor(struct cpuid *cpuid, const char *vendor)
{
	struct kvm_cpuid_entry2 *e = cpuid_find(cpuid, 0, 0);

	if (!e)
		return -EINVAL;
	memcpy(&e->ebx, vendor, 4);
	memcpy(&e->edx, vendor + 4, 4);
	memcpy(&e->ecx, vendor + 8, 4);
	return 0;
}

void cpuid_set_hypervisor(struct cpuid *cpuid)
{
	struct kvm_cpuid_entry2 *e = cpuid_find(cpuid, 1, 0);

	if (e)
		e->ecx |= X86_CPUID_1_ECX_HYPERVISOR;
}

int cpuid_set(struct cpuid *cpuid, uint32_t function, uint32_t eax,
	      uint32_t ebx, uint32_t ecx, uint32_t edx)
{
	struct kvm_cpuid_entry2 *e = cpuid_find(cpuid, function, 0);

	if (!e) {
		if (cpuid->table->nent >= cpuid->capacity)
			return -ENOSPC;
		e = &cpuid->table->entries[cpuid->table->nent++];
		*e = (struct kvm_cpuid_entry2){ .function = function };
	}
	e->eax = eax;
	e->ebx = ebx;
	e->ecx = ecx;
	e->edx = edx;
	return 0;
}

/* Bits of an x2APIC ID that number the cores of nr_cpus. */
static unsigned int cpuid_core_shift(unsigned int nr_cpus)
{
	unsigned int shift = 0;

	while ((1u << shift) < nr_cpus)
		shift++;
	return shift;
}

static int cpuid_set_extended_topology(struct cpuid *cpuid, uint32_t leaf,
				       unsigned int apic_id,
				       unsigned int nr_cpus)
{
	struct kvm_cpuid2 *t = cpuid->table;
	const struct {
		uint32_t eax, ebx, type;
	} level[CPUID_TOPO_LEVELS] = {
		{ 0, 1, CPUID_TOPO_SMT },
		{ cpuid_core_shift(nr_cpus), nr_cpus, CPUID_TOPO_CORE },
		{ 0, 0, 0 },
	};
	unsigned int i, kept = 0;

	/* Drop KVM's subleaves of this leaf, then add ours. */
	for (i = 0; i < t->nent; i++) {
		if (t->entries[i].function != leaf)
			t->entries[kept++] = t->entries[i];
	}
	t->nent = kept;
	if (cpuid->capacity - t->nent < CPUID_TOPO_LEVELS)
		return -ENOSPC;
	for (i = 0; i < CPUID_TOPO_LEVELS; i++) {
		t->entries[t->nent++] = (struct kvm_cpuid_entry2){
			.function = leaf,
			.index = i,
			.flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
			.eax = level[i].eax,
			.ebx = level[i].ebx,
			.ecx = level[i].type << 8 | i,
			.edx = apic_id,
		};
	}
	return 0;
}

int cpuid_set_topology(struct cpuid *cpuid, unsigned int apic_id,
		       unsigned int nr_cpus)
{
	struct kvm_cpuid_entry2 *e;
	uint32_t max_leaf;
	int ret;

	e = cpuid_find(cpuid, 0, 0);
	max_leaf = e ? e->eax : 0;
	e = cpuid_find(cpuid, 1, 0);
	if (e)
		e->ebx = (e->ebx & 0x00ffffff) | apic_id << 24;
	if (max_leaf >= 0xb) {
		ret = cpuid_set_extended_topology(cpuid, 0xb, apic_id, nr_cpus);
		if (ret)
			return ret;
	}
	if (max_leaf >= 0x1f)
		return cpuid_set_extended_topology(cpuid, 0x1f, apic_id,
						   nr_cpus);
	return 0;
}
