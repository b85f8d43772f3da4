// SPDX-License-Identifier: GPL-2.0-only
/* hostile.filter_storm: PMU filter switches from every vCPU at once. */
#include "cmdline.h"
#include "errno.h"
#include "hostctl.h"
#include "hvcheck_abi.h"
#include "on_cpu.h"
#include "printf.h"
#include "processor.h"
#include "report.h"
#include "test.h"

/*
 * FILTER_STATUS and FILTER_ACTIVE belong to the VM, not to a vCPU: with
 * both switching, each read may answer the other's last switch.  So a
 * read may only ever say 0 or ENOENT, and name a policy or none.
 */
struct storm {
	u32 count;	/* policies the host has */
	u64 rounds;	/* switches per vCPU */
	u64 refused;	/* FILTER_STATUS ENOENT seen */
	u64 bad_status; /* neither 0 nor ENOENT */
	u64 bad_active; /* FILTER_ACTIVE no policy and not none */
};

static struct storm storms[2];

/*
 * Cycles through every policy, none, and an index past the last, which
 * the host must refuse; the other vCPU does the same at the same time.
 */
static void storm(void *arg)
{
	struct storm *s = arg;
	u32 nr = s->count + 2;

	for (u64 i = 0; i < s->rounds; i++) {
		u32 pick = (u32)(i % nr);
		u32 index = pick < s->count  ? pick :
			    pick == s->count ? HV_HOSTCTL_FILTER_NONE :
					       s->count;
		u32 status, active;

		hostctl_write(HV_HOSTCTL_FILTER_SELECT, index);
		status = hostctl_read(HV_HOSTCTL_FILTER_STATUS);
		active = hostctl_read(HV_HOSTCTL_FILTER_ACTIVE);
		s->refused += status == ENOENT;
		s->bad_status += status && status != ENOENT;
		s->bad_active += active >= s->count &&
				 active != HV_HOSTCTL_FILTER_NONE;
	}
}

static void test_filter_storm(void)
{
	u64 total = cmdline_get_u64("hostile.switches", 100000);
	const unsigned int cpus = 2;
	const char *absent;
	char why[128];
	u32 count;

	absent = hostctl_probe(HV_HOSTCTL_F_PMU_FILTER,
			       "switch PMU event filters", why, sizeof(why));
	if (absent) {
		report_skip("%s", absent);
		return;
	}
	if (smp_nr_online() < cpus) {
		report_skip("a storm needs 2 vCPUs online, %u are",
			    smp_nr_online());
		return;
	}
	count = hostctl_read(HV_HOSTCTL_FILTER_COUNT);
	for (unsigned int c = 0; c < cpus; c++)
		storms[c] = (struct storm){ .count = count,
					    .rounds = total / cpus };
	on_cpu_async(1, storm, &storms[1]);
	storm(&storms[0]);
	on_cpu_wait(1);
	for (unsigned int c = 0; c < cpus; c++) {
		const struct storm *s = &storms[c];

		printf("hostile: filter_storm: vCPU %u: %llu switches over %u policies and none, %llu ENOENT seen\n",
		       c, (unsigned long long)s->rounds, count,
		       (unsigned long long)s->refused);
		report(!s->bad_status && s->refused,
		       "vCPU %u: FILTER_STATUS only ever 0 or ENOENT (%llu other)",
		       c, (unsigned long long)s->bad_status);
		report(!s->bad_active,
		       "vCPU %u: FILTER_ACTIVE only ever a policy or none (%llu other)",
		       c, (unsigned long long)s->bad_active);
	}
	hostctl_write(HV_HOSTCTL_FILTER_SELECT, 0);
	report(!hostctl_read(HV_HOSTCTL_FILTER_STATUS) &&
		       hostctl_read(HV_HOSTCTL_FILTER_ACTIVE) == 0,
	       "after %llu switches on %u vCPUs policy 0 installs and reads back",
	       (unsigned long long)total, cpus);
}
DEFINE_TEST(test_filter_storm, "hostile.filter_storm");
