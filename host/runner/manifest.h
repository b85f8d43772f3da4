/* SPDX-License-Identifier: GPL-2.0-only */
/* Test manifests (guest/tests/ARCH.cfg): parsing and test selection. */
#ifndef RUNNER_MANIFEST_H
#define RUNNER_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Where an entry may run; a bit mask in manifest_entry.targets. */
enum manifest_target {
	MANIFEST_TARGET_VMM = 1 << 0,
	MANIFEST_TARGET_QEMU = 1 << 1,
};
#define MANIFEST_TARGETS_ALL (MANIFEST_TARGET_VMM | MANIFEST_TARGET_QEMU)

#define MANIFEST_DEFAULT_SMP	 1
#define MANIFEST_DEFAULT_MEM_MIB 64
#define MANIFEST_DEFAULT_TIMEOUT 20 /* seconds */
#define MANIFEST_MAX_SMP	 255
#define MANIFEST_MIN_MEM_MIB	 2
#define MANIFEST_MAX_TIMEOUT	 3600

/*
 * `hvcheck suite --timeout-scale F` multiplies every entry's timeout by F,
 * kept in thousandths: F is a decimal with at most three decimals, from
 * 0.001 up to MANIFEST_MAX_TIMEOUT (past it no timeout fits).
 */
#define MANIFEST_SCALE_ONE	1000 /* F = 1: the timeouts as written */
#define MANIFEST_SCALE_NAME_MAX 16

/*
 * GIC versions an arm64 entry runs on, a bit mask in
 * manifest_entry.gic_versions; 0 (the key unset) means every version.
 */
#define MANIFEST_GIC_V2	 (1u << 2)
#define MANIFEST_GIC_V3	 (1u << 3)
#define MANIFEST_GIC_ALL (MANIFEST_GIC_V2 | MANIFEST_GIC_V3)

/* Entries in this group run only when selected by name or by the group. */
#define MANIFEST_GROUP_NODEFAULT "nodefault"

/*
 * How an entry's run must end (the `expect` key).  The default judges
 * the guest's report; the others are judged from hvcheck run's status
 * (so only on the VMM) and pass when the run ends that way.
 */
enum manifest_expect {
	MANIFEST_EXPECT_REPORT,	      /* unset: the report decides */
	MANIFEST_EXPECT_EXIT,	      /* exit:N, the guest's status N */
	MANIFEST_EXPECT_TIMEOUT,      /* hvcheck run --timeout ended it */
	MANIFEST_EXPECT_LOG_CAPPED,   /* --serial-max ended it */
	MANIFEST_EXPECT_TRIPLE_FAULT, /* the guest triple-faulted */
};

/* "timeout", "exit:3", ... the way @e's `expect` value spells it. */
void manifest_expect_name(enum manifest_expect expect, int status, char *buf,
			  size_t size);

struct manifest_words {
	char **word;
	size_t count;
};

struct manifest_entry {
	char *name;
	char *tests;		    /* the guest's tests= value */
	struct manifest_words args; /* extra guest command-line words */
	struct manifest_words groups;
	struct manifest_words vmm_opts;
	struct manifest_words qemu_opts;
	unsigned int smp;
	unsigned int mem_mib;
	unsigned int timeout_s;
	unsigned int targets;	   /* enum manifest_target bits */
	unsigned int gic_versions; /* MANIFEST_GIC_* bits, 0: all */
	enum manifest_expect expect;
	int expect_status;	  /* MANIFEST_EXPECT_EXIT's N */
	unsigned int expect_line; /* of the expect key, 0 if unset */
	unsigned int line;	  /* of the [section] header */
};

struct manifest {
	struct manifest_entry *entry;
	size_t count;
};

/*
 * Parses a manifest read from @in; @path only names it in messages.
 * Returns 0, or -EINVAL with "path:line: message" in @err (and @m empty),
 * or -ENOMEM.
 */
int manifest_parse(FILE *in, const char *path, struct manifest *m, char *err,
		   size_t err_size);

/* manifest_parse() on the file at @path; -errno with a message if unreadable. */
int manifest_load(const char *path, struct manifest *m, char *err,
		  size_t err_size);

void manifest_free(struct manifest *m);

/* The entry of @m named @name exactly, or NULL. */
struct manifest_entry *manifest_find(const struct manifest *m,
				     const char *name);

/* The bit named @name, or 0 when no target has that name. */
enum manifest_target manifest_target_from_name(const char *name);

bool manifest_entry_in_group(const struct manifest_entry *e, const char *group);

/*
 * Parses a list of GIC versions ("2 3", "2,3" or "3") into MANIFEST_GIC_*
 * bits.  Returns 0, -EINVAL when the list is empty or a word is not 2 or
 * 3, or -ENOMEM.
 */
int manifest_gic_versions(const char *list, unsigned int *versions);

/*
 * Parses F of --timeout-scale ("4", "1.5", "0.25") into thousandths in
 * *@milli.  Returns 0, or -EINVAL with the reason in @err: not such a
 * decimal, 0, or more than MANIFEST_MAX_TIMEOUT.
 */
int manifest_timeout_scale(const char *text, unsigned int *milli, char *err,
			   size_t err_size);

/* @milli thousandths as F is written, shortest: "4", "1.5", "0.125". */
const char *manifest_scale_name(unsigned int milli, char *buf, size_t size);

/*
 * Multiplies @e's timeout by @milli thousandths, rounded up to a whole
 * second (the unit of every timeout the runner hands on).  Returns 0, or
 * -ERANGE with the reason in @err (@e unchanged) when the result is past
 * MANIFEST_MAX_TIMEOUT.
 */
int manifest_scale_timeout(struct manifest_entry *e, unsigned int milli,
			   char *err, size_t err_size);

/*
 * Sets selected[i] for every entry @list picks.  @list holds entry names
 * and group names separated by spaces or commas; NULL picks every entry
 * not in the "nodefault" group.  A nodefault entry is picked only by its
 * name or by the nodefault group itself.  A word that selects nothing
 * (no such entry or group, or a group of nodefault entries only) is an
 * error: -EINVAL with the message in @err.
 */
int manifest_select(const struct manifest *m, const char *list, bool *selected,
		    char *err, size_t err_size);

#endif
