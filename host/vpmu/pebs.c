// SPDX-License-Identifier: GPL-2.0-only
/* The emulated PEBS facility: MSRs, DS area, record layouts, the assist. */
#include <errno.h>
#include <string.h>

#include "array_size.h"
#include "vpmu/pebs.h"
#include "vpmu/vpmu.h"

#define CANONICAL_BITS 48
#define DS_ALIGN       8

/* The legacy (format 3) record: 8-byte fields at these offsets. */
enum {
	FMT3_RFLAGS = 0x00,
	FMT3_RIP = 0x08,
	FMT3_GPRS = 0x10, /* RAX, RBX, RCX, RDX, RSI, RDI, RBP, RSP, R8.. */
	FMT3_APPLICABLE = 0x90,
	FMT3_DLA = 0x98,
	FMT3_DSE = 0xa0,
	FMT3_LATENCY = 0xa8,
	FMT3_EVENTING_IP = 0xb0,
	FMT3_TSX = 0xb8,
	FMT3_TSC = 0xc0,
};

/* The order of the legacy layout's first eight GPRs. */
static const enum vpmu_gpr fmt3_gpr_order[] = {
	VPMU_RAX, VPMU_RBX, VPMU_RCX, VPMU_RDX,
	VPMU_RSI, VPMU_RDI, VPMU_RBP, VPMU_RSP,
};

static const struct {
	const char *name;
	unsigned int format;
	bool baseline;
} pebs_modes[] = {
	{ "off", 0, false },	      { "fmt3", 3, false },
	{ "fmt4", 4, false },	      { "fmt5", 5, false },
	{ "fmt4-baseline", 4, true }, { "baseline", 5, true },
};

int vpmu_pebs_parse(const char *name, unsigned int *format, bool *baseline)
{
	for (size_t i = 0; i < ARRAY_SIZE(pebs_modes); i++) {
		if (!strcmp(name, pebs_modes[i].name)) {
			*format = pebs_modes[i].format;
			*baseline = pebs_modes[i].baseline;
			return 0;
		}
	}
	return -EINVAL;
}

uint64_t vpmu_pebs_perf_caps(unsigned int format, bool baseline)
{
	if (!format)
		return 0;
	return VPMU_PERF_CAP_PEBS_TRAP | VPMU_PERF_CAP_PEBS_ARCH_REG |
	       VPMU_PERF_CAP_PEBS_FMT(format) |
	       (baseline ? VPMU_PERF_CAP_PEBS_BASELINE : 0);
}

bool vpmu_pebs_config_valid(const struct vpmu_config *cfg)
{
	if (!cfg->pebs_format)
		return !cfg->pebs_baseline;
	if (cfg->pebs_format < 3 || cfg->pebs_format > 5)
		return false;
	/* OvfBuffer is a GLOBAL_STATUS bit; PERF_CAPABILITIES says it all. */
	if (cfg->version < 2 || !cfg->pdcm)
		return false;
	return !cfg->pebs_baseline || cfg->pebs_format >= 4;
}

void vpmu_pebs_cpuid_1(const struct vpmu_config *cfg, uint32_t *ecx,
		       uint32_t *edx)
{
	if (cfg->pebs_format) {
		*ecx |= VPMU_CPUID_1_ECX_DTES64;
		*edx |= VPMU_CPUID_1_EDX_DS;
	} else {
		*ecx &= ~VPMU_CPUID_1_ECX_DTES64;
		*edx &= ~VPMU_CPUID_1_EDX_DS;
	}
}

void vpmu_pebs_init(struct vpmu *pmu)
{
	const struct vpmu_config *cfg = &pmu->cfg;
	unsigned int i;

	pmu->pebs_enable_valid = 0;
	if (!cfg->pebs_format)
		return;
	pmu->pebs_enable_valid = (1ULL << cfg->nr_gp) - 1;
	if (!cfg->pebs_baseline)
		return;
	pmu->pebs_enable_valid |= ((1ULL << cfg->nr_fixed) - 1) << 32;
	pmu->evtsel_valid |= VPMU_EVTSEL_ADAPTIVE;
	for (i = 0; i < cfg->nr_fixed; i++)
		pmu->fixed_ctrl_valid |= VPMU_FIXED_ADAPTIVE(i);
}

static bool canonical(uint64_t la)
{
	int64_t sext = (int64_t)(la << (64 - CANONICAL_BITS)) >>
		       (64 - CANONICAL_BITS);

	return (uint64_t)sext == la;
}

/*
 * -ENOENT: msr is not a PEBS MSR; -EINVAL: cfg does not have it (#GP);
 * 0: it exists.  MISC_ENABLE always does, PEBS_DATA_CFG with baseline,
 * PEBS_ENABLE and DS_AREA with a format.
 */
static int pebs_msr_access(const struct vpmu *pmu, uint32_t msr)
{
	const struct vpmu_config *cfg = &pmu->cfg;

	switch (msr) {
	case VPMU_MSR_MISC_ENABLE:
		return 0;
	case VPMU_MSR_PEBS_DATA_CFG:
		return cfg->pebs_baseline ? 0 : -EINVAL;
	case VPMU_MSR_PEBS_ENABLE:
	case VPMU_MSR_DS_AREA:
		return cfg->pebs_format ? 0 : -EINVAL;
	default:
		return -ENOENT;
	}
}

int vpmu_pebs_rdmsr(const struct vpmu *pmu, uint32_t msr, uint64_t *val)
{
	int ret = pebs_msr_access(pmu, msr);

	if (ret)
		return ret;
	switch (msr) {
	case VPMU_MSR_MISC_ENABLE:
		*val = pmu->misc_enable;
		break;
	case VPMU_MSR_PEBS_ENABLE:
		*val = pmu->pebs_enable;
		break;
	case VPMU_MSR_PEBS_DATA_CFG:
		*val = pmu->pebs_data_cfg;
		break;
	default:
		*val = pmu->ds_area;
	}
	return 0;
}

/* As KVM: a change of these #GPs, a write of EMON is ignored. */
#define MISC_PMU_RO (VPMU_MISC_BTS_UNAVAIL | VPMU_MISC_PEBS_UNAVAIL)

int vpmu_pebs_wrmsr(struct vpmu *pmu, uint32_t msr, uint64_t val)
{
	int ret = pebs_msr_access(pmu, msr);

	if (ret)
		return ret;
	switch (msr) {
	case VPMU_MSR_MISC_ENABLE:
		if ((val ^ pmu->misc_enable) & MISC_PMU_RO)
			return -EINVAL;
		pmu->misc_enable = (val & ~VPMU_MISC_EMON) |
				   (pmu->misc_enable & VPMU_MISC_EMON);
		break;
	case VPMU_MSR_PEBS_ENABLE:
		if (val & ~pmu->pebs_enable_valid)
			return -EINVAL;
		pmu->pebs_enable = val;
		pmu->pebs_armed &= val;
		break;
	case VPMU_MSR_PEBS_DATA_CFG:
		if (val & ~VPMU_PEBS_CFG_VALID)
			return -EINVAL;
		pmu->pebs_data_cfg = val;
		break;
	default:
		if (!canonical(val))
			return -EINVAL;
		pmu->ds_area = val;
	}
	return 0;
}

/* Whether a counter in applicable asks for an adaptive record. */
static bool record_adaptive(const struct vpmu *pmu, uint64_t applicable)
{
	unsigned int i;

	if (!pmu->cfg.pebs_baseline)
		return false;
	for (i = 0; i < pmu->cfg.nr_gp; i++)
		if ((applicable & (1ULL << i)) &&
		    (pmu->evtsel[i] & VPMU_EVTSEL_ADAPTIVE))
			return true;
	for (i = 0; i < pmu->cfg.nr_fixed; i++)
		if ((applicable & VPMU_GLOBAL_FIXED(i)) &&
		    (pmu->fixed_ctrl & VPMU_FIXED_ADAPTIVE(i)))
			return true;
	return false;
}

/* The PEBS_DATA_CFG a record follows: 0 for a basic-only record. */
static uint64_t record_cfg(const struct vpmu *pmu, uint64_t applicable)
{
	return record_adaptive(pmu, applicable) ? pmu->pebs_data_cfg : 0;
}

/*
 * DATA_CFG[31:24] + 1 entries, at most the LBR depth: the hardware
 * records no more entries than it has (docs/vpmu.md).
 */
static unsigned int lbr_entries(uint64_t cfg)
{
	unsigned int n =
		(unsigned int)((cfg >> VPMU_PEBS_CFG_LBR_SHIFT) & 0xff) + 1;

	return n < VPMU_PEBS_LBR_MAX ? n : VPMU_PEBS_LBR_MAX;
}

size_t vpmu_pebs_record_size(const struct vpmu *pmu, uint64_t applicable)
{
	uint64_t cfg = record_cfg(pmu, applicable);
	size_t size = VPMU_PEBS_BASIC_SIZE;

	if (pmu->cfg.pebs_format < 4)
		return VPMU_PEBS_FMT3_SIZE;
	if (cfg & VPMU_PEBS_CFG_MEMINFO)
		size += VPMU_PEBS_MEMINFO_SIZE;
	if (cfg & VPMU_PEBS_CFG_GPRS)
		size += VPMU_PEBS_GPRS_SIZE;
	if (cfg & VPMU_PEBS_CFG_XMMS)
		size += VPMU_PEBS_XMMS_SIZE;
	if (cfg & VPMU_PEBS_CFG_LBRS)
		size += lbr_entries(cfg) * VPMU_PEBS_LBR_SIZE;
	return size;
}

static void put64(uint8_t *buf, size_t off, uint64_t v)
{
	memcpy(buf + off, &v, sizeof(v));
}

/*
 * Format 3: the architectural state, then the applicable counters, no
 * memory data (DLA, DSE, latency 0), the eventing IP, no TSX, the TSC.
 */
static size_t record_fmt3(uint64_t applicable, const struct vpmu_pebs_state *st,
			  uint8_t *buf)
{
	size_t i;

	memset(buf, 0, VPMU_PEBS_FMT3_SIZE);
	put64(buf, FMT3_RFLAGS, st->rflags);
	put64(buf, FMT3_RIP, st->rip);
	for (i = 0; i < ARRAY_SIZE(fmt3_gpr_order); i++)
		put64(buf, FMT3_GPRS + 8 * i, st->gpr[fmt3_gpr_order[i]]);
	for (i = VPMU_R8; i < VPMU_NR_GPRS; i++)
		put64(buf, FMT3_GPRS + 8 * i, st->gpr[i]);
	put64(buf, FMT3_APPLICABLE, applicable);
	put64(buf, FMT3_EVENTING_IP, st->eventing_ip);
	put64(buf, FMT3_TSC, st->tsc);
	return VPMU_PEBS_FMT3_SIZE;
}

/*
 * The adaptive groups in hardware's order: basic, memory info (no data:
 * zeros), GPRs (RFLAGS, RIP, then encoding order), XMMs, LBRs (no
 * LBRs: zeros).
 */
static size_t record_adaptive_groups(uint64_t cfg, size_t size,
				     uint64_t applicable,
				     const struct vpmu_pebs_state *st,
				     uint8_t *buf)
{
	size_t off = VPMU_PEBS_BASIC_SIZE, i;

	memset(buf, 0, size);
	put64(buf, 0, (uint64_t)size << 48 | (cfg & ((1ULL << 48) - 1)));
	put64(buf, 8, st->eventing_ip);
	put64(buf, 16, applicable);
	put64(buf, 24, st->tsc);
	if (cfg & VPMU_PEBS_CFG_MEMINFO)
		off += VPMU_PEBS_MEMINFO_SIZE;
	if (cfg & VPMU_PEBS_CFG_GPRS) {
		put64(buf, off, st->rflags);
		put64(buf, off + 8, st->rip);
		for (i = 0; i < VPMU_NR_GPRS; i++)
			put64(buf, off + 16 + 8 * i, st->gpr[i]);
		off += VPMU_PEBS_GPRS_SIZE;
	}
	if (cfg & VPMU_PEBS_CFG_XMMS)
		memcpy(buf + off, st->xmm, VPMU_PEBS_XMMS_SIZE);
	return size;
}

size_t vpmu_pebs_record(const struct vpmu *pmu, uint64_t applicable,
			const struct vpmu_pebs_state *st, uint8_t *buf)
{
	if (pmu->cfg.pebs_format < 4)
		return record_fmt3(applicable, st, buf);
	return record_adaptive_groups(record_cfg(pmu, applicable),
				      vpmu_pebs_record_size(pmu, applicable),
				      applicable, st, buf);
}

bool vpmu_pebs_active(const struct vpmu *pmu)
{
	uint64_t on = pmu->pebs_enable & pmu->global_ctrl & pmu->filter_allows;
	unsigned int i;

	for (i = 0; i < pmu->cfg.nr_gp; i++)
		if ((on & (1ULL << i)) && (pmu->evtsel[i] & VPMU_EVTSEL_EN))
			return true;
	for (i = 0; i < pmu->cfg.nr_fixed; i++)
		if ((on & VPMU_GLOBAL_FIXED(i)) &&
		    (pmu->fixed_ctrl &
		     VPMU_FIXED_CTRL(i, VPMU_FIXED_OS | VPMU_FIXED_USR)))
			return true;
	return false;
}

/* The DS area's PEBS words: base, index, absolute maximum, threshold. */
struct ds_pebs {
	uint64_t base, index, max, threshold;
};

/* Each fired counter takes its reset slot's value; false: unreadable. */
static bool reload(struct vpmu *pmu, const struct vpmu_pebs_io *io,
		   uint64_t fire)
{
	uint64_t val[VPMU_MAX_GP + VPMU_MAX_FIXED];
	unsigned int i, n = 0;

	for (i = 0; i < pmu->cfg.nr_gp; i++)
		if ((fire & (1ULL << i)) &&
		    io->read(io->ctx, pmu->ds_area + VPMU_DS_GP_RESET(i),
			     &val[n++], 8))
			return false;
	for (i = 0; i < pmu->cfg.nr_fixed; i++)
		if ((fire & VPMU_GLOBAL_FIXED(i)) &&
		    io->read(io->ctx,
			     pmu->ds_area + VPMU_DS_FIXED_RESET(
						    pmu->cfg.pebs_format, i),
			     &val[n++], 8))
			return false;
	n = 0;
	for (i = 0; i < pmu->cfg.nr_gp; i++)
		if (fire & (1ULL << i))
			pmu->gp[i] = val[n++] & pmu->counter_mask;
	for (i = 0; i < pmu->cfg.nr_fixed; i++)
		if (fire & VPMU_GLOBAL_FIXED(i))
			pmu->fixed[i] = val[n++] & pmu->counter_mask;
	return true;
}

/* Writes the record and advances the index: false drops it. */
static bool write_record(struct vpmu *pmu, const struct vpmu_pebs_io *io,
			 const struct ds_pebs *ds, uint64_t fire)
{
	uint8_t buf[VPMU_PEBS_MAX_RECORD];
	struct vpmu_pebs_state st;
	uint64_t cfg = record_cfg(pmu, fire), index;
	size_t size;

	/* Defensive: a record larger than buf is dropped, never built. */
	if (vpmu_pebs_record_size(pmu, fire) > sizeof(buf))
		return false;
	memset(&st, 0, sizeof(st));
	if (io->state(io->ctx, &st, cfg & VPMU_PEBS_CFG_XMMS))
		return false;
	size = vpmu_pebs_record(pmu, fire, &st, buf);
	if (io->write(io->ctx, ds->index, buf, size))
		return false;
	index = ds->index + size;
	return !io->write(io->ctx, pmu->ds_area + VPMU_DS_PEBS_INDEX, &index,
			  sizeof(index));
}

bool vpmu_pebs_assist(struct vpmu *pmu, const struct vpmu_pebs_io *io)
{
	uint64_t fire = pmu->pebs_fire;
	struct ds_pebs ds;
	size_t size;

	if (!fire)
		return false;
	pmu->pebs_fire = 0;
	pmu->pebs_armed &= ~fire;
	if ((pmu->ds_area % DS_ALIGN) ||
	    io->read(io->ctx, pmu->ds_area + VPMU_DS_PEBS_BASE, &ds,
		     sizeof(ds)) ||
	    (ds.index % DS_ALIGN) || !reload(pmu, io, fire)) {
		pmu->pebs_stats.dropped++;
		return false;
	}
	/* The assist consumes the counters' overflow. */
	pmu->global_status &= ~fire;
	size = vpmu_pebs_record_size(pmu, fire);
	if (ds.index >= ds.max || ds.max - ds.index < size) {
		pmu->pebs_stats.full++;
		return false;
	}
	if (!write_record(pmu, io, &ds, fire)) {
		pmu->pebs_stats.dropped++;
		return false;
	}
	pmu->pebs_stats.records++;
	if (ds.index + size >= ds.threshold) {
		pmu->global_status |= VPMU_GLOBAL_OVF_BUF;
		pmu->pmi_pending = true;
	}
	return true;
}
