// SPDX-License-Identifier: GPL-2.0-only
/*
 * The emulated PMU: Intel's architectural MSRs, and the counting,
 * overflow and PMI that AMD's model (vpmu/amd.c) shares.
 */
#include <errno.h>
#include <string.h>

#include "array_size.h"
#include "vpmu/amd.h"
#include "vpmu/vpmu.h"

/* Bit 21 (AnyThread) only exists in versions 3 and 4. */
#define EVTSEL_VALID (0xffffffffULL & ~VPMU_EVTSEL_ANY)
/* Programming modifiers the model cannot honour: see docs/vpmu.md. */
#define EVTSEL_UNMODELLED \
	(VPMU_EVTSEL_CMASK | VPMU_EVTSEL_INV | VPMU_EVTSEL_EDGE)
#define EVTSEL_CODE	(VPMU_EVTSEL_EVENT | VPMU_EVTSEL_UMASK)
/* AMD's event select has 12 bits: 7:0 and 35:32. */
#define AMD_EVTSEL_CODE (EVTSEL_CODE | VPMU_AMD_EVTSEL_EVENT_HI)
#define AMD_EVTSEL_HG	(VPMU_AMD_EVTSEL_HOST_ONLY | VPMU_AMD_EVTSEL_GUEST_ONLY)

#define SIGN_BIT_31 (1ULL << 31)

struct event_desc {
	enum vpmu_arch_event arch;
	uint64_t code; /* event | umask << 8 (| AMD's event 11:8 << 32) */
	int fixed_idx; /* the fixed counter that counts it, or -1 */
};

static const struct event_desc intel_events[VPMU_NR_EVENTS] = {
	[VPMU_EV_INSTRUCTIONS] = { VPMU_ARCH_INSTRUCTIONS, 0x00c0, 0 },
	[VPMU_EV_BRANCHES] = { VPMU_ARCH_BRANCHES, 0x00c4, -1 },
	[VPMU_EV_CORE_CYCLES] = { VPMU_ARCH_CORE_CYCLES, 0x003c, 1 },
	[VPMU_EV_REF_CYCLES] = { VPMU_ARCH_REF_CYCLES, 0x013c, 2 },
};

/*
 * Retired instructions, retired branch instructions, cycles not in
 * halt; AMD has no reference-cycles event (not in the AMD config's
 * events, so never counted).
 */
static const struct event_desc amd_events[VPMU_NR_EVENTS] = {
	[VPMU_EV_INSTRUCTIONS] = { VPMU_ARCH_INSTRUCTIONS, 0x00c0, -1 },
	[VPMU_EV_BRANCHES] = { VPMU_ARCH_BRANCHES, 0x00c2, -1 },
	[VPMU_EV_CORE_CYCLES] = { VPMU_ARCH_CORE_CYCLES, 0x0076, -1 },
	[VPMU_EV_REF_CYCLES] = { VPMU_ARCH_REF_CYCLES, 0, -1 },
};

static bool is_amd(const struct vpmu *pmu)
{
	return pmu->cfg.vendor == VPMU_VENDOR_AMD;
}

static const struct event_desc *event_desc(const struct vpmu *pmu,
					   enum vpmu_event ev)
{
	return is_amd(pmu) ? &amd_events[ev] : &intel_events[ev];
}

const struct vpmu_msr_range vpmu_msr_ranges[] = {
	{ VPMU_MSR_PMC0, VPMU_MAX_GP, false, false },
	{ VPMU_MSR_PERFEVTSEL0, VPMU_MAX_GP, false, false },
	{ VPMU_MSR_FIXED_CTR0, VPMU_MAX_FIXED, false, false },
	{ VPMU_MSR_PERF_CAPABILITIES, 1, false, false },
	/* through GLOBAL_INUSE */
	{ VPMU_MSR_FIXED_CTR_CTRL, 6, false, false },
	{ VPMU_MSR_A_PMC0, VPMU_MAX_GP, false, false },
	{ VPMU_MSR_MISC_ENABLE, 1, true, false },  /* KVM's without PEBS */
	{ VPMU_MSR_PEBS_ENABLE, 2, false, false }, /* and PEBS_DATA_CFG */
	{ VPMU_MSR_DS_AREA, 1, false, false },
	{ VPMU_AMD_MSR_EVNTSEL0, 2 * VPMU_AMD_LEGACY_GP, false, true },
	{ VPMU_AMD_MSR_CTL0, 2 * VPMU_AMD_MAX_GP, false, true },
	{ VPMU_AMD_MSR_GLOBAL_STATUS, 4, false, true },
};

_Static_assert(ARRAY_SIZE(vpmu_msr_ranges) == VPMU_NR_MSR_RANGES,
	       "VPMU_NR_MSR_RANGES counts vpmu_msr_ranges");
/* The ranges sized by a constant fit one bitmap; the others are smaller. */
_Static_assert(VPMU_MAX_GP <= VPMU_MSR_RANGE_MAX, "PMC0 range too long");
_Static_assert(VPMU_MAX_FIXED <= VPMU_MSR_RANGE_MAX, "fixed range too long");
_Static_assert(2 * VPMU_AMD_LEGACY_GP <= VPMU_MSR_RANGE_MAX,
	       "AMD legacy range too long");
_Static_assert(2 * VPMU_AMD_MAX_GP <= VPMU_MSR_RANGE_MAX,
	       "AMD core range too long");

void vpmu_config_default(struct vpmu_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->version = 2;
	cfg->nr_gp = 4;
	cfg->nr_fixed = VPMU_MAX_FIXED;
	cfg->width = VPMU_MAX_WIDTH;
	cfg->events = VPMU_MODELLED_EVENTS;
	cfg->pdcm = true;
	cfg->perf_capabilities = VPMU_PERF_CAP_FW_WRITE;
}

static bool config_valid(const struct vpmu_config *cfg)
{
	if (cfg->vendor == VPMU_VENDOR_AMD)
		return vpmu_amd_config_valid(cfg);
	if (cfg->vendor != VPMU_VENDOR_INTEL || cfg->amd_core)
		return false;
	if (cfg->version == 0)
		return !cfg->nr_gp && !cfg->nr_fixed && !cfg->events &&
		       !cfg->pdcm && !cfg->perf_capabilities &&
		       vpmu_pebs_config_valid(cfg);
	if (cfg->version > VPMU_MAX_VERSION || !vpmu_pebs_config_valid(cfg))
		return false;
	if (cfg->nr_gp < 1 || cfg->nr_gp > VPMU_MAX_GP)
		return false;
	if (cfg->nr_fixed > (cfg->version >= 2 ? VPMU_MAX_FIXED : 0))
		return false;
	if (cfg->width < VPMU_MIN_WIDTH || cfg->width > VPMU_MAX_WIDTH)
		return false;
	if (cfg->events & ~VPMU_MODELLED_EVENTS)
		return false;
	if (cfg->perf_capabilities & ~VPMU_PERF_CAP_FW_WRITE)
		return false;
	return cfg->pdcm || !cfg->perf_capabilities;
}

/* AnyThread (bit 21, and bit 2 of each fixed field): versions 3 and 4. */
static bool has_any_thread(const struct vpmu_config *cfg)
{
	return cfg->version == 3 || cfg->version == 4;
}

static void init_valid_masks(struct vpmu *pmu)
{
	const struct vpmu_config *cfg = &pmu->cfg;
	uint64_t gp_bits, fixed_bits, field;
	unsigned int i;

	if (cfg->vendor == VPMU_VENDOR_AMD) {
		vpmu_amd_init_masks(pmu);
		return;
	}
	gp_bits = (1ULL << cfg->nr_gp) - 1;
	fixed_bits = ((1ULL << cfg->nr_fixed) - 1) << 32;
	pmu->global_ctrl_valid = gp_bits | fixed_bits;
	pmu->ovf_ctrl_valid = gp_bits | fixed_bits | VPMU_GLOBAL_OVF_BUF |
			      VPMU_GLOBAL_COND_CHGD;
	pmu->evtsel_valid = EVTSEL_VALID;
	if (has_any_thread(cfg))
		pmu->evtsel_valid |= VPMU_EVTSEL_ANY;
	field = VPMU_FIXED_OS | VPMU_FIXED_USR | VPMU_FIXED_PMI;
	if (has_any_thread(cfg))
		field |= VPMU_FIXED_ANY;
	for (i = 0; i < cfg->nr_fixed; i++)
		pmu->fixed_ctrl_valid |= VPMU_FIXED_CTRL(i, field);
	vpmu_pebs_init(pmu);
}

int vpmu_init(struct vpmu *pmu, const struct vpmu_config *cfg)
{
	if (!config_valid(cfg))
		return -EINVAL;
	memset(pmu, 0, sizeof(*pmu));
	pmu->cfg = *cfg;
	pmu->counter_mask = (1ULL << cfg->width) - 1;
	init_valid_masks(pmu);
	vpmu_reset(pmu);
	return 0;
}

void vpmu_reset(struct vpmu *pmu)
{
	memset(pmu->gp, 0, sizeof(pmu->gp));
	memset(pmu->evtsel, 0, sizeof(pmu->evtsel));
	memset(pmu->fixed, 0, sizeof(pmu->fixed));
	pmu->fixed_ctrl = 0;
	pmu->global_status = 0;
	pmu->global_ctrl = (1ULL << pmu->cfg.nr_gp) - 1;
	pmu->pmi_pending = false;
	pmu->misc_enable = VPMU_MISC_BTS_UNAVAIL;
	if (pmu->cfg.version)
		pmu->misc_enable |= VPMU_MISC_EMON;
	if (!pmu->cfg.pebs_format)
		pmu->misc_enable |= VPMU_MISC_PEBS_UNAVAIL;
	pmu->pebs_enable = 0;
	pmu->pebs_data_cfg = 0;
	pmu->ds_area = 0;
	pmu->pebs_armed = 0;
	pmu->pebs_fire = 0;
	vpmu_refilter(pmu);
}

/* Asks the filter about one counter; bit is its GLOBAL_CTRL bit. */
static void refilter_counter(struct vpmu *pmu, uint64_t bit, uint64_t eventsel,
			     int fixed_idx)
{
	if (!pmu->allowed ||
	    pmu->allowed(pmu->allowed_ctx, eventsel, fixed_idx))
		pmu->filter_allows |= bit;
	else
		pmu->filter_allows &= ~bit;
}

void vpmu_refilter_counters(struct vpmu *pmu, uint64_t mask)
{
	unsigned int i;

	for (i = 0; i < pmu->cfg.nr_gp; i++)
		if (mask & (1ULL << i))
			refilter_counter(pmu, 1ULL << i, pmu->evtsel[i], -1);
	for (i = 0; i < pmu->cfg.nr_fixed; i++)
		if (mask & VPMU_GLOBAL_FIXED(i))
			refilter_counter(pmu, VPMU_GLOBAL_FIXED(i), 0, (int)i);
}

void vpmu_set_filter(struct vpmu *pmu, vpmu_allowed_fn allowed, void *ctx)
{
	pmu->allowed = allowed;
	pmu->allowed_ctx = ctx;
	vpmu_refilter(pmu);
}

void vpmu_refilter(struct vpmu *pmu)
{
	vpmu_refilter_counters(pmu, ~0ULL);
}

/* The GLOBAL_CTRL-layout bits of the fixed counters whose fields differ. */
static uint64_t fixed_fields_changed(uint64_t old_ctrl, uint64_t new_ctrl)
{
	uint64_t diff = old_ctrl ^ new_ctrl, changed = 0;
	unsigned int i;

	for (i = 0; i < VPMU_MAX_FIXED; i++)
		if (diff & VPMU_FIXED_CTRL(i, 0xf))
			changed |= VPMU_GLOBAL_FIXED(i);
	return changed;
}

struct vpmu_cpuid vpmu_cpuid_0a(const struct vpmu *pmu)
{
	const struct vpmu_config *cfg = &pmu->cfg;
	struct vpmu_cpuid leaf = { 0 };

	if (cfg->version == 0 || is_amd(pmu))
		return leaf;
	leaf.eax = cfg->version | cfg->nr_gp << 8 | cfg->width << 16 |
		   VPMU_NR_ARCH_EVENTS << 24;
	leaf.ebx = ~cfg->events & ((1U << VPMU_NR_ARCH_EVENTS) - 1);
	if (cfg->version >= 2)
		leaf.edx = cfg->nr_fixed | cfg->width << 5;
	if (cfg->version >= 5) {
		leaf.ecx = (1U << cfg->nr_fixed) - 1;
		leaf.edx |= VPMU_CPUID_0A_EDX_ANY_DEPRECATED;
	}
	return leaf;
}

bool vpmu_msr_range_on(const struct vpmu_config *cfg,
		       const struct vpmu_msr_range *r)
{
	if (r->amd)
		return cfg->vendor == VPMU_VENDOR_AMD;
	return !r->pebs || cfg->pebs_format;
}

bool vpmu_owns_msr(const struct vpmu_config *cfg, uint32_t msr)
{
	const struct vpmu_msr_range *r;
	unsigned int i;

	for (i = 0; i < VPMU_NR_MSR_RANGES; i++) {
		r = &vpmu_msr_ranges[i];
		if (msr - r->base < r->nr && vpmu_msr_range_on(cfg, r))
			return true;
	}
	return false;
}

int vpmu_msr_index(uint32_t msr, uint32_t base, unsigned int nr)
{
	return msr - base < nr ? (int)(msr - base) : -1;
}

static bool full_width(const struct vpmu *pmu)
{
	return pmu->cfg.perf_capabilities & VPMU_PERF_CAP_FW_WRITE;
}

static bool has_global_msrs(const struct vpmu *pmu)
{
	return pmu->cfg.version >= 2;
}

/*
 * GLOBAL_INUSE: a GP counter whose event select is not 0, a fixed
 * counter whose ring bits are not 0, and bit 63 when some counter or
 * PEBS may raise a PMI.
 */
static uint64_t global_inuse(const struct vpmu *pmu)
{
	uint64_t inuse = 0;
	unsigned int i;

	for (i = 0; i < pmu->cfg.nr_gp; i++) {
		if (pmu->evtsel[i] & VPMU_EVTSEL_EVENT)
			inuse |= 1ULL << i;
		if (pmu->evtsel[i] & VPMU_EVTSEL_INT)
			inuse |= VPMU_INUSE_PMI;
	}
	for (i = 0; i < pmu->cfg.nr_fixed; i++) {
		if (pmu->fixed_ctrl &
		    VPMU_FIXED_CTRL(i, VPMU_FIXED_OS | VPMU_FIXED_USR))
			inuse |= VPMU_GLOBAL_FIXED(i);
		if (pmu->fixed_ctrl & VPMU_FIXED_CTRL(i, VPMU_FIXED_PMI))
			inuse |= VPMU_INUSE_PMI;
	}
	if (pmu->pebs_enable)
		inuse |= VPMU_INUSE_PMI;
	return inuse;
}

/* The version-4 MSRs: STATUS_SET (write-only) and INUSE (read-only). */
static int v4_rdmsr(const struct vpmu *pmu, uint32_t msr, uint64_t *val)
{
	if (pmu->cfg.version < 4)
		return -EINVAL;
	*val = msr == VPMU_MSR_GLOBAL_INUSE ? global_inuse(pmu) : 0;
	return 0;
}

static int v4_wrmsr(struct vpmu *pmu, uint32_t msr, uint64_t val)
{
	if (pmu->cfg.version < 4 || msr == VPMU_MSR_GLOBAL_INUSE ||
	    (val & ~pmu->ovf_ctrl_valid))
		return -EINVAL;
	pmu->global_status |= val;
	return 0;
}

int vpmu_rdmsr(struct vpmu *pmu, uint32_t msr, uint64_t *val)
{
	const struct vpmu_config *cfg = &pmu->cfg;
	int i;

	if (is_amd(pmu))
		return vpmu_amd_rdmsr(pmu, msr, val);
	if ((i = vpmu_pebs_rdmsr(pmu, msr, val)) != -ENOENT)
		return i;
	if ((i = vpmu_msr_index(msr, VPMU_MSR_PMC0, cfg->nr_gp)) >= 0) {
		*val = pmu->gp[i];
	} else if (full_width(pmu) && (i = vpmu_msr_index(msr, VPMU_MSR_A_PMC0,
							  cfg->nr_gp)) >= 0) {
		*val = pmu->gp[i];
	} else if ((i = vpmu_msr_index(msr, VPMU_MSR_PERFEVTSEL0,
				       cfg->nr_gp)) >= 0) {
		*val = pmu->evtsel[i];
	} else if ((i = vpmu_msr_index(msr, VPMU_MSR_FIXED_CTR0,
				       cfg->nr_fixed)) >= 0) {
		*val = pmu->fixed[i];
	} else if (msr == VPMU_MSR_PERF_CAPABILITIES && cfg->pdcm) {
		*val = cfg->perf_capabilities |
		       vpmu_pebs_perf_caps(cfg->pebs_format,
					   cfg->pebs_baseline);
	} else if (!has_global_msrs(pmu)) {
		return -EINVAL;
	} else if (msr == VPMU_MSR_FIXED_CTR_CTRL) {
		*val = pmu->fixed_ctrl;
	} else if (msr == VPMU_MSR_GLOBAL_STATUS) {
		*val = pmu->global_status;
	} else if (msr == VPMU_MSR_GLOBAL_CTRL) {
		*val = pmu->global_ctrl;
	} else if (msr == VPMU_MSR_GLOBAL_OVF_CTRL) {
		/* A write-only clear command: reads as 0. */
		*val = 0;
	} else if (msr == VPMU_MSR_GLOBAL_STATUS_SET ||
		   msr == VPMU_MSR_GLOBAL_INUSE) {
		return v4_rdmsr(pmu, msr, val);
	} else {
		return -EINVAL;
	}
	return 0;
}

int vpmu_wrmsr(struct vpmu *pmu, uint32_t msr, uint64_t val)
{
	const struct vpmu_config *cfg = &pmu->cfg;
	uint64_t changed; /* counters to reprogram, as GLOBAL_CTRL bits */
	int i;

	if (is_amd(pmu))
		return vpmu_amd_wrmsr(pmu, msr, val);
	if ((i = vpmu_pebs_wrmsr(pmu, msr, val)) != -ENOENT)
		return i;
	if ((i = vpmu_msr_index(msr, VPMU_MSR_PMC0, cfg->nr_gp)) >= 0) {
		/* Legacy writes give bits 31:0; bit 31 fills the rest. */
		if (val & SIGN_BIT_31)
			val |= ~0ULL << 32;
		else
			val &= 0xffffffffULL;
		pmu->gp[i] = val & pmu->counter_mask;
	} else if (full_width(pmu) && (i = vpmu_msr_index(msr, VPMU_MSR_A_PMC0,
							  cfg->nr_gp)) >= 0) {
		if (val & ~pmu->counter_mask)
			return -EINVAL;
		pmu->gp[i] = val;
	} else if ((i = vpmu_msr_index(msr, VPMU_MSR_PERFEVTSEL0,
				       cfg->nr_gp)) >= 0) {
		if (val & ~pmu->evtsel_valid)
			return -EINVAL;
		pmu->evtsel[i] = val;
		vpmu_refilter_counters(pmu, 1ULL << i);
	} else if ((i = vpmu_msr_index(msr, VPMU_MSR_FIXED_CTR0,
				       cfg->nr_fixed)) >= 0) {
		/* As KVM does: the bits above the width are dropped. */
		pmu->fixed[i] = val & pmu->counter_mask;
	} else if (!has_global_msrs(pmu)) {
		return -EINVAL;
	} else if (msr == VPMU_MSR_FIXED_CTR_CTRL) {
		if (val & ~pmu->fixed_ctrl_valid)
			return -EINVAL;
		changed = fixed_fields_changed(pmu->fixed_ctrl, val);
		pmu->fixed_ctrl = val;
		vpmu_refilter_counters(pmu, changed);
	} else if (msr == VPMU_MSR_GLOBAL_CTRL) {
		if (val & ~pmu->global_ctrl_valid)
			return -EINVAL;
		changed = pmu->global_ctrl ^ val;
		pmu->global_ctrl = val;
		vpmu_refilter_counters(pmu, changed);
	} else if (msr == VPMU_MSR_GLOBAL_OVF_CTRL) {
		if (val & ~pmu->ovf_ctrl_valid)
			return -EINVAL;
		pmu->global_status &= ~val;
	} else if (msr == VPMU_MSR_GLOBAL_STATUS_SET ||
		   msr == VPMU_MSR_GLOBAL_INUSE) {
		return v4_wrmsr(pmu, msr, val);
	} else {
		/* GLOBAL_STATUS and PERF_CAPABILITIES are read-only. */
		return -EINVAL;
	}
	return 0;
}

int vpmu_rdpmc(struct vpmu *pmu, uint32_t ecx, uint64_t *val)
{
	/*
	 * The "fast" bit 31, like any other stray bit, stays in idx and puts
	 * it out of range: #GP, as under KVM.
	 */
	uint32_t idx = ecx & ~VPMU_RDPMC_FIXED;

	if (is_amd(pmu))
		return vpmu_amd_rdpmc(pmu, ecx, val);
	if (ecx & VPMU_RDPMC_FIXED) {
		if (idx >= pmu->cfg.nr_fixed)
			return -EINVAL;
		*val = pmu->fixed[idx];
	} else {
		if (idx >= pmu->cfg.nr_gp)
			return -EINVAL;
		*val = pmu->gp[idx];
	}
	return 0;
}

static bool globally_enabled(const struct vpmu *pmu, uint64_t global_bit)
{
	return !has_global_msrs(pmu) || (pmu->global_ctrl & global_bit);
}

/*
 * Whether an AMD PerfEvtSel's HostOnly and GuestOnly bits let it count
 * in a guest.  This assumes the guest's EFER.SVME is clear (the model
 * does not track EFER; hvcheck's guest never sets SVME): then with one
 * of them alone the counter counts nothing, with neither or both it
 * counts.  Intel's PERFEVTSELx cannot have them.
 */
static bool host_guest_counts(uint64_t sel)
{
	uint64_t hg = sel & AMD_EVTSEL_HG;

	return !hg || hg == AMD_EVTSEL_HG;
}

/* Whether GP counter i counts ev at a privilege level in priv (USR, OS). */
static bool gp_counts(const struct vpmu *pmu, unsigned int i,
		      const struct event_desc *ev, uint64_t priv)
{
	uint64_t sel = pmu->evtsel[i];
	uint64_t code = is_amd(pmu) ? AMD_EVTSEL_CODE : EVTSEL_CODE;

	return (sel & VPMU_EVTSEL_EN) && (sel & priv) &&
	       (sel & code) == ev->code && !(sel & EVTSEL_UNMODELLED) &&
	       host_guest_counts(sel) && (pmu->cfg.events & (1U << ev->arch)) &&
	       globally_enabled(pmu, 1ULL << i) &&
	       (pmu->filter_allows & (1ULL << i));
}

/* Whether ev's fixed counter counts at a privilege level in priv. */
static bool fixed_counts(const struct vpmu *pmu, const struct event_desc *ev,
			 uint64_t priv)
{
	int i = ev->fixed_idx;

	return i >= 0 && (unsigned int)i < pmu->cfg.nr_fixed &&
	       (pmu->fixed_ctrl & VPMU_FIXED_CTRL(i, priv)) &&
	       globally_enabled(pmu, VPMU_GLOBAL_FIXED(i)) &&
	       (pmu->filter_allows & VPMU_GLOBAL_FIXED(i));
}

/* Occurrences until *counter passes its top: at least 1. */
static uint64_t until_overflow(const struct vpmu *pmu, uint64_t counter)
{
	return pmu->counter_mask - counter + 1;
}

/* Adds n to *counter, wrapping at the width; an overflow sets status. */
static void counter_add(struct vpmu *pmu, uint64_t *counter, uint64_t n,
			uint64_t status_bit, bool pmi)
{
	uint64_t room = until_overflow(pmu, *counter);

	/* An armed PEBS counter's next event writes the record. */
	if (pmu->pebs_armed & status_bit)
		pmu->pebs_fire |= status_bit;
	*counter = (*counter + n) & pmu->counter_mask;
	if (n < room)
		return;
	if (has_global_msrs(pmu))
		pmu->global_status |= status_bit;
	if (pmi)
		pmu->pmi_pending = true;
	if (pmu->pebs_enable & status_bit)
		pmu->pebs_armed |= status_bit;
}

void vpmu_count(struct vpmu *pmu, enum vpmu_event ev, unsigned int cpl,
		uint64_t n)
{
	const struct event_desc *desc = event_desc(pmu, ev);
	uint64_t gp_priv = cpl ? VPMU_EVTSEL_USR : VPMU_EVTSEL_OS;
	uint64_t fixed_priv = cpl ? VPMU_FIXED_USR : VPMU_FIXED_OS;
	unsigned int i;

	if (!n)
		return;
	for (i = 0; i < pmu->cfg.nr_gp; i++)
		if (gp_counts(pmu, i, desc, gp_priv))
			counter_add(pmu, &pmu->gp[i], n, 1ULL << i,
				    pmu->evtsel[i] & VPMU_EVTSEL_INT);
	if (fixed_counts(pmu, desc, fixed_priv)) {
		i = desc->fixed_idx;
		counter_add(pmu, &pmu->fixed[i], n, VPMU_GLOBAL_FIXED(i),
			    pmu->fixed_ctrl &
				    VPMU_FIXED_CTRL(i, VPMU_FIXED_PMI));
	}
}

bool vpmu_counting(const struct vpmu *pmu, enum vpmu_event ev)
{
	const struct event_desc *desc = event_desc(pmu, ev);
	unsigned int i;

	for (i = 0; i < pmu->cfg.nr_gp; i++)
		if (gp_counts(pmu, i, desc, VPMU_EVTSEL_USR | VPMU_EVTSEL_OS))
			return true;
	return fixed_counts(pmu, desc, VPMU_FIXED_USR | VPMU_FIXED_OS);
}

bool vpmu_any_enabled(const struct vpmu *pmu)
{
	unsigned int i;

	for (i = 0; i < pmu->cfg.nr_gp; i++)
		if ((pmu->evtsel[i] & VPMU_EVTSEL_EN) &&
		    globally_enabled(pmu, 1ULL << i))
			return true;
	for (i = 0; i < pmu->cfg.nr_fixed; i++)
		if ((pmu->fixed_ctrl &
		     VPMU_FIXED_CTRL(i, VPMU_FIXED_USR | VPMU_FIXED_OS)) &&
		    globally_enabled(pmu, VPMU_GLOBAL_FIXED(i)))
			return true;
	return false;
}

bool vpmu_needs_stepping(const struct vpmu *pmu)
{
	return vpmu_counting(pmu, VPMU_EV_INSTRUCTIONS) ||
	       vpmu_counting(pmu, VPMU_EV_BRANCHES) || vpmu_pebs_active(pmu);
}

uint64_t vpmu_until_pmi(const struct vpmu *pmu, enum vpmu_event ev)
{
	const struct event_desc *desc = event_desc(pmu, ev);
	uint64_t any = VPMU_EVTSEL_USR | VPMU_EVTSEL_OS;
	uint64_t least = 0, n;
	unsigned int i;

	for (i = 0; i < pmu->cfg.nr_gp; i++) {
		if (!(pmu->evtsel[i] & VPMU_EVTSEL_INT) ||
		    !gp_counts(pmu, i, desc, any))
			continue;
		n = until_overflow(pmu, pmu->gp[i]);
		if (!least || n < least)
			least = n;
	}
	i = desc->fixed_idx;
	if (fixed_counts(pmu, desc, VPMU_FIXED_USR | VPMU_FIXED_OS) &&
	    (pmu->fixed_ctrl & VPMU_FIXED_CTRL(i, VPMU_FIXED_PMI))) {
		n = until_overflow(pmu, pmu->fixed[i]);
		if (!least || n < least)
			least = n;
	}
	return least;
}

bool vpmu_take_pmi(struct vpmu *pmu)
{
	bool pending = pmu->pmi_pending;

	pmu->pmi_pending = false;
	return pending;
}
