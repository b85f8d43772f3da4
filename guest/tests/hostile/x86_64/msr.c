// SPDX-License-Identifier: GPL-2.0-only
/* hostile.msr: every MSR index of the swept ranges read and written. */
#include "exceptions.h"
#include "printf.h"
#include "processor.h"
#include "report.h"
#include "test.h"

struct msr_range {
	u32 first, last, stride;
	const char *what;
};

/*
 * Every index of the architectural, paravirtual and AMD ranges (the
 * Intel and AMD vPMU MSRs among them), then a stride through all 2^32.
 */
static const struct msr_range ranges[] = {
	{ 0x00000000, 0x00001fff, 1, "0x0-0x1fff" },
	{ 0x40000000, 0x400001ff, 1, "0x40000000-0x400001ff (hypervisor)" },
	{ 0x4b564d00, 0x4b564dff, 1, "0x4b564d00-0x4b564dff (KVM)" },
	{ 0xc0000000, 0xc0001fff, 1, "0xc0000000-0xc0001fff" },
	{ 0xc0010000, 0xc0011fff, 1, "0xc0010000-0xc0011fff (AMD)" },
	{ 0x00002000, 0xfffff000, 0x00100001, "stride 0x100001 over the rest" },
};

/* The Intel and AMD vPMU MSRs, which also get 0 and all ones written. */
static bool pmu_msr(u32 msr)
{
	return (msr >= 0xc1 && msr <= 0xc8) ||	 /* PMCs */
	       (msr >= 0x186 && msr <= 0x18f) || /* event selects */
	       msr == 0x1d9 ||			 /* DEBUGCTL */
	       (msr >= 0x309 && msr <= 0x30f) || /* fixed counters */
	       msr == 0x345 ||			 /* PERF_CAPABILITIES */
	       (msr >= 0x38d && msr <= 0x392) || /* global and fixed ctrl */
	       (msr >= 0x3f1 && msr <= 0x3f7) || /* PEBS */
	       (msr >= 0x4c1 && msr <= 0x4c8) || /* full-width PMCs */
	       msr == 0x600 ||			 /* DS_AREA */
	       (msr >= 0xc0000300 && msr <= 0xc0000303) || /* AMD global */
	       (msr >= 0xc0010000 && msr <= 0xc0010007) || /* AMD legacy */
	       (msr >= 0xc0010200 && msr <= 0xc001020b);   /* AMD core */
}

struct msr_tally {
	u64 touched, read_ok, write_ok, gp, other;
	u32 first_other_msr;
	int first_other_vector;
};

static void count(struct msr_tally *t, u32 msr, int vector, bool write)
{
	if (vector == EXC_NONE) {
		if (write)
			t->write_ok++;
		else
			t->read_ok++;
	} else if (vector == GP_VECTOR) {
		t->gp++;
	} else if (!t->other++) {
		t->first_other_msr = msr;
		t->first_other_vector = vector;
	}
}

/*
 * Reads @msr, then writes it: the vPMU's with all ones and 0 first, and
 * every one with the value read back (0 when unreadable), so that the
 * guest's own state survives the sweep.
 */
static void touch(struct msr_tally *t, u32 msr)
{
	u64 value = 0;
	int vector = rdmsr_safe(msr, &value);

	t->touched++;
	count(t, msr, vector, false);
	if (vector != EXC_NONE)
		value = 0;
	if (pmu_msr(msr)) {
		count(t, msr, wrmsr_safe(msr, ~0ull), true);
		count(t, msr, wrmsr_safe(msr, 0), true);
	}
	count(t, msr, wrmsr_safe(msr, value), true);
}

static void sweep(const struct msr_range *r, struct msr_tally *all)
{
	struct msr_tally t = { 0 };
	u64 msr;

	for (msr = r->first; msr <= r->last; msr += r->stride)
		touch(&t, (u32)msr);
	printf("hostile: msr: %s: %llu MSRs, %llu reads and %llu writes worked, %llu #GP\n",
	       r->what, (unsigned long long)t.touched,
	       (unsigned long long)t.read_ok, (unsigned long long)t.write_ok,
	       (unsigned long long)t.gp);
	report(!t.other, "%s: every access worked or raised #GP%s", r->what,
	       t.other ? " (not so: see the next line)" : "");
	if (t.other)
		printf("hostile: msr: %llu other exceptions, first %s on MSR %#x\n",
		       (unsigned long long)t.other,
		       exception_name(t.first_other_vector), t.first_other_msr);
	all->touched += t.touched;
	all->read_ok += t.read_ok;
	all->write_ok += t.write_ok;
	all->gp += t.gp;
}

static void test_msr(void)
{
	struct msr_tally all = { 0 };

	for (unsigned int i = 0; i < ARRAY_SIZE(ranges); i++)
		sweep(&ranges[i], &all);
	printf("hostile: msr: %llu MSRs touched, %llu reads and %llu writes worked, %llu #GP\n",
	       (unsigned long long)all.touched, (unsigned long long)all.read_ok,
	       (unsigned long long)all.write_ok, (unsigned long long)all.gp);
	/* the run goes on: the VMM survived and the guest can still talk */
	report(all.touched > 0, "%llu MSRs touched, the VMM still answers",
	       (unsigned long long)all.touched);
}
DEFINE_TEST(test_msr, "hostile.msr");
