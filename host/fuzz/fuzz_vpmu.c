// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer target: the vPMU models (Intel with PEBS, AMD), driven by MSRs and steps. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "vpmu/amd.h"
#include "vpmu/pebs.h"
#include "vpmu/vpmu.h"

#define MAX_OPS	 256
#define MEM_SIZE 0x4000 /* the guest's memory, linear = physical */

/* The guest memory the PEBS assist reads its DS area from and writes to. */
static uint8_t mem[MEM_SIZE];

static uint64_t mem_u64(uint64_t la)
{
	uint64_t v = 0;

	if (la < MEM_SIZE - 8)
		memcpy(&v, mem + la, 8);
	return v;
}

static int mem_read(void *ctx, uint64_t la, void *buf, size_t len)
{
	(void)ctx;
	if (la >= MEM_SIZE || len > MEM_SIZE - la)
		return -EFAULT;
	memcpy(buf, mem + la, len);
	return 0;
}

/*
 * The assist writes a PEBS index into the DS area, or a record at the
 * index the DS area holds, below its absolute maximum and no larger
 * than the largest record (the base is not checked, as on hardware).
 */
static int mem_write(void *ctx, uint64_t la, const void *buf, size_t len)
{
	const struct vpmu *pmu = ctx;
	uint64_t ds = pmu->ds_area;
	uint64_t index = mem_u64(ds + VPMU_DS_PEBS_INDEX);
	uint64_t max = mem_u64(ds + VPMU_DS_PEBS_MAX);

	if (la >= MEM_SIZE || len > MEM_SIZE - la)
		return -EFAULT;
	if (la != ds + VPMU_DS_PEBS_INDEX || len != 8)
		FUZZ_CHECK(
			len <= VPMU_PEBS_MAX_RECORD && la == index &&
				la + len <= max,
			"a %zu-byte record at 0x%llx, index 0x%llx, max 0x%llx",
			len, (unsigned long long)la, (unsigned long long)index,
			(unsigned long long)max);
	memcpy(mem + la, buf, len);
	return 0;
}

static int state(void *ctx, struct vpmu_pebs_state *st, bool xmm)
{
	(void)ctx;
	(void)xmm;
	memset(st, 0x5a, sizeof(*st));
	return 0;
}

/* A filter whose verdict the input flips: bit 0 of the event select. */
static bool allowed(void *ctx, uint64_t eventsel, int fixed_idx)
{
	uint8_t odd = *(const uint8_t *)ctx;

	return fixed_idx >= 0 ? !(odd & 2) : !(eventsel & odd & 1);
}

/* The model's state as the architecture bounds it. */
static void check_state(struct vpmu *pmu)
{
	const struct vpmu_config *c = &pmu->cfg;
	uint64_t v;

	for (unsigned int i = 0; i < c->nr_gp; i++)
		FUZZ_CHECK(!(pmu->gp[i] & ~pmu->counter_mask),
			   "GP counter %u: 0x%llx past its width", i,
			   (unsigned long long)pmu->gp[i]);
	for (unsigned int i = 0; i < c->nr_fixed; i++)
		FUZZ_CHECK(!(pmu->fixed[i] & ~pmu->counter_mask),
			   "fixed counter %u: 0x%llx past its width", i,
			   (unsigned long long)pmu->fixed[i]);
	FUZZ_CHECK(!(pmu->global_ctrl & ~pmu->global_ctrl_valid),
		   "GLOBAL_CTRL 0x%llx", (unsigned long long)pmu->global_ctrl);
	FUZZ_CHECK(!(pmu->global_status & ~pmu->ovf_ctrl_valid),
		   "GLOBAL_STATUS 0x%llx has bits of no counter",
		   (unsigned long long)pmu->global_status);
	if (c->vendor == VPMU_VENDOR_AMD && c->version >= 2 &&
	    !vpmu_rdmsr(pmu, VPMU_AMD_MSR_GLOBAL_STATUS, &v))
		FUZZ_CHECK(v == pmu->global_status,
			   "AMD GLOBAL_STATUS reads 0x%llx",
			   (unsigned long long)v);
	else if (c->version >= 2 &&
		 !vpmu_rdmsr(pmu, VPMU_MSR_GLOBAL_STATUS, &v))
		FUZZ_CHECK(v == pmu->global_status,
			   "GLOBAL_STATUS reads 0x%llx", (unsigned long long)v);
}

/* An MSR of the model's ranges, or now and then any index. */
static uint32_t pick_msr(struct fuzz_in *in)
{
	uint8_t r = fuzz_u8(in), i = fuzz_u8(in);

	if (r >= 0xf0)
		return fuzz_u32(in);
	r %= VPMU_NR_MSR_RANGES;
	return vpmu_msr_ranges[r].base + i % (vpmu_msr_ranges[r].nr + 1);
}

static const struct vpmu_pebs_io io = { NULL, mem_read, mem_write, state };

static void step(struct vpmu *pmu, struct fuzz_in *in, uint8_t *odd)
{
	uint8_t op = fuzz_u8(in);
	struct vpmu_pebs_io pio = io;
	uint64_t v;
	bool pending;

	switch (op % 7) {
	case 0:
		vpmu_wrmsr(pmu, pick_msr(in), fuzz_u64(in));
		break;
	case 1:
		vpmu_rdmsr(pmu, pick_msr(in), &v);
		break;
	case 2:
		if (!vpmu_rdpmc(pmu, fuzz_u32(in), &v))
			FUZZ_CHECK(!(v & ~pmu->counter_mask),
				   "RDPMC read 0x%llx", (unsigned long long)v);
		break;
	case 3:
		vpmu_count(pmu, (enum vpmu_event)(op >> 3 & 3), op >> 5 & 3,
			   fuzz_u16(in));
		pio.ctx = pmu;
		if (vpmu_pebs_active(pmu))
			vpmu_pebs_assist(pmu, &pio);
		break;
	case 4:
		pending = pmu->pmi_pending;
		FUZZ_CHECK(vpmu_take_pmi(pmu) == pending && !pmu->pmi_pending,
			   "a PMI taken that was not pending");
		break;
	case 5:
		*odd = op >> 3;
		vpmu_set_filter(pmu, allowed, odd);
		break;
	default:
		memcpy(mem + (fuzz_u16(in) % (MEM_SIZE - 8)), in->p,
		       in->n < 8 ? in->n : 8);
		fuzz_u64(in);
		break;
	}
}

/*
 * A configuration from 4 bytes, AMD's when d's top bit is set; vpmu_init()
 * refuses what it cannot be.
 */
static void pick_config(struct vpmu_config *c, struct fuzz_in *in)
{
	static const unsigned int fmt[] = { 0, 3, 4, 5 };
	uint8_t a = fuzz_u8(in), b = fuzz_u8(in), d = fuzz_u8(in);

	if (d & 0x80) {
		vpmu_amd_config(c,
				(enum vpmu_amd_level)(a % VPMU_AMD_NR_LEVELS));
		if (c->amd_core)
			c->nr_gp = b % VPMU_AMD_MAX_GP + 1;
		return;
	}
	vpmu_config_default(c);
	c->version = a % (VPMU_MAX_VERSION + 1);
	c->nr_gp = (a >> 3) % (VPMU_MAX_GP + 1);
	c->nr_fixed = b % (VPMU_MAX_FIXED + 1);
	c->width = VPMU_MIN_WIDTH +
		   (b >> 2) % (VPMU_MAX_WIDTH - VPMU_MIN_WIDTH + 1);
	c->events = fuzz_u8(in) & VPMU_MODELLED_EVENTS;
	c->pdcm = d & 1;
	c->perf_capabilities = (d & 2) ? VPMU_PERF_CAP_FW_WRITE : 0;
	c->pebs_format = fmt[d >> 2 & 3];
	c->pebs_baseline = d & 16;
}

/*
 * First 4 bytes: the PMU; then MSR writes and reads, RDPMC, counted
 * events (with the PEBS assist after each), PMIs taken, filters set and
 * guest memory written.  check_state() after each.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct vpmu_config cfg;
	struct vpmu pmu;
	uint8_t odd = 0;

	pick_config(&cfg, &in);
	if (vpmu_init(&pmu, &cfg))
		return 0;
	memset(mem, 0, sizeof(mem));
	for (unsigned int i = 0; in.n && i < MAX_OPS; i++) {
		step(&pmu, &in, &odd);
		check_state(&pmu);
	}
	return 0;
}
