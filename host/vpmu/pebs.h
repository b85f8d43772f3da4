/* SPDX-License-Identifier: GPL-2.0-only */
/* The emulated PEBS facility: MSRs, DS area, record layouts, the assist. */
#ifndef VPMU_PEBS_H
#define VPMU_PEBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vpmu;
struct vpmu_config;

#define VPMU_MSR_MISC_ENABLE   0x1a0
#define VPMU_MSR_PEBS_ENABLE   0x3f1
#define VPMU_MSR_PEBS_DATA_CFG 0x3f2
#define VPMU_MSR_DS_AREA       0x600

/* IA32_MISC_ENABLE's read-only PMU bits. */
#define VPMU_MISC_EMON	       (1ULL << 7)
#define VPMU_MISC_BTS_UNAVAIL  (1ULL << 11)
#define VPMU_MISC_PEBS_UNAVAIL (1ULL << 12)

/* IA32_PERF_CAPABILITIES' PEBS fields. */
#define VPMU_PERF_CAP_PEBS_TRAP	    (1ULL << 6)
#define VPMU_PERF_CAP_PEBS_ARCH_REG (1ULL << 7)
#define VPMU_PERF_CAP_PEBS_FMT(f)   ((uint64_t)(f) << 8)
#define VPMU_PERF_CAP_PEBS_BASELINE (1ULL << 14)

/* CPUID.1: EDX.DS (bit 21), ECX.DTES64 (bit 2). */
#define VPMU_CPUID_1_EDX_DS	(1u << 21)
#define VPMU_CPUID_1_ECX_DTES64 (1u << 2)

/* The adaptive bits: PERFEVTSELx bit 34, FIXED_CTR_CTRL bit 32 + 4i. */
#define VPMU_EVTSEL_ADAPTIVE   (1ULL << 34)
#define VPMU_FIXED_ADAPTIVE(i) (1ULL << (32 + 4 * (i)))

/*
 * PEBS_DATA_CFG: the groups and the LBR entries (value + 1, at most
 * VPMU_PEBS_LBR_MAX, the LBR depth: the record never outgrows
 * VPMU_PEBS_MAX_RECORD).
 */
#define VPMU_PEBS_CFG_MEMINFO	(1ULL << 0)
#define VPMU_PEBS_CFG_GPRS	(1ULL << 1)
#define VPMU_PEBS_CFG_XMMS	(1ULL << 2)
#define VPMU_PEBS_CFG_LBRS	(1ULL << 3)
#define VPMU_PEBS_CFG_LBR_SHIFT 24
#define VPMU_PEBS_CFG_VALID	0xff00000fULL

/* The 64-bit DS save area. */
#define VPMU_DS_PEBS_BASE      0x20
#define VPMU_DS_PEBS_INDEX     0x28
#define VPMU_DS_PEBS_MAX       0x30
#define VPMU_DS_PEBS_THRESHOLD 0x38
#define VPMU_DS_GP_RESET(i)    (0x40 + 8 * (i))
/* Fixed counter j's reset slot: index 8 + j up to format 4, 32 + j after. */
#define VPMU_DS_FIXED_RESET(fmt, j) \
	((fmt) >= 5 ? 0x140 + 8 * (j) : 0x80 + 8 * (j))

/* Record sizes. */
#define VPMU_PEBS_FMT3_SIZE    0xc8
#define VPMU_PEBS_BASIC_SIZE   32
#define VPMU_PEBS_MEMINFO_SIZE 32
#define VPMU_PEBS_GPRS_SIZE    144
#define VPMU_PEBS_XMMS_SIZE    256
#define VPMU_PEBS_LBR_SIZE     24
#define VPMU_PEBS_LBR_MAX      32 /* the LBR depth (Ice Lake, SPR) */
#define VPMU_PEBS_MAX_RECORD                                                   \
	(VPMU_PEBS_BASIC_SIZE + VPMU_PEBS_MEMINFO_SIZE + VPMU_PEBS_GPRS_SIZE + \
	 VPMU_PEBS_XMMS_SIZE + VPMU_PEBS_LBR_MAX * VPMU_PEBS_LBR_SIZE)

/* The GPRs, in x86 encoding order (RAX, RCX, RDX, RBX, RSP, ... R15). */
enum vpmu_gpr {
	VPMU_RAX,
	VPMU_RCX,
	VPMU_RDX,
	VPMU_RBX,
	VPMU_RSP,
	VPMU_RBP,
	VPMU_RSI,
	VPMU_RDI,
	VPMU_R8,
	VPMU_NR_GPRS = 16,
};

/*
 * The machine state a record samples: the eventing instruction's
 * address, then the architectural state after it retired (rip is the
 * next instruction's: PERF_CAPABILITIES.PEBS_TRAP), and the guest TSC.
 */
struct vpmu_pebs_state {
	uint64_t eventing_ip;
	uint64_t rflags, rip;
	uint64_t gpr[VPMU_NR_GPRS];
	uint8_t xmm[16][16];
	uint64_t tsc;
};

/*
 * What the assist needs from the VMM.  read and write copy len bytes at
 * a guest linear address, all or nothing, after a bounds-checked walk:
 * 0 or -EFAULT.  state fills in the machine state (XMM only when asked).
 */
struct vpmu_pebs_io {
	void *ctx;
	int (*read)(void *ctx, uint64_t la, void *buf, size_t len);
	int (*write)(void *ctx, uint64_t la, const void *buf, size_t len);
	int (*state)(void *ctx, struct vpmu_pebs_state *st, bool xmm);
};

/* What the assist did, for --pmu-stats. */
struct vpmu_pebs_stats {
	uint64_t records;
	/* DS area or buffer unreadable, unaligned, unmapped; oversized */
	uint64_t dropped;
	uint64_t full; /* the index was at the absolute maximum */
};

/* The option's names: off, fmt3, fmt4, fmt5, fmt4-baseline, baseline. */
int vpmu_pebs_parse(const char *name, unsigned int *format, bool *baseline);

/* PERF_CAPABILITIES' PEBS bits of a configuration. */
uint64_t vpmu_pebs_perf_caps(unsigned int format, bool baseline);

/* Whether cfg's PEBS part is one the model can be. */
bool vpmu_pebs_config_valid(const struct vpmu_config *cfg);

/* CPUID.1 ECX and EDX with DTES64 and DS set as cfg says. */
void vpmu_pebs_cpuid_1(const struct vpmu_config *cfg, uint32_t *ecx,
		       uint32_t *edx);

/* The valid masks, set by vpmu_init(). */
void vpmu_pebs_init(struct vpmu *pmu);

/* -ENOENT: not a PEBS MSR (or one absent in cfg); else as vpmu_rdmsr(). */
int vpmu_pebs_rdmsr(const struct vpmu *pmu, uint32_t msr, uint64_t *val);
int vpmu_pebs_wrmsr(struct vpmu *pmu, uint32_t msr, uint64_t val);

/*
 * The record for the counters in applicable (GLOBAL_CTRL's layout) as
 * cfg and the MSRs say, written to buf (VPMU_PEBS_MAX_RECORD bytes):
 * its size.
 */
size_t vpmu_pebs_record(const struct vpmu *pmu, uint64_t applicable,
			const struct vpmu_pebs_state *st, uint8_t *buf);

/* The record's size, without building it. */
size_t vpmu_pebs_record_size(const struct vpmu *pmu, uint64_t applicable);

/* Whether some counter that counts has its PEBS_ENABLE bit: step. */
bool vpmu_pebs_active(const struct vpmu *pmu);

/*
 * After the VMM counted one instruction: the counters an event hit after
 * their overflow armed them write one record (docs/vpmu.md), reload
 * from their reset slots, and a crossed threshold raises a PMI.
 * Returns whether a record was written.
 */
bool vpmu_pebs_assist(struct vpmu *pmu, const struct vpmu_pebs_io *io);

#endif /* VPMU_PEBS_H */
