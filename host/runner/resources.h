/* SPDX-License-Identifier: GPL-2.0-only */
/* What the runner holds: descriptors, threads, memory, child processes. */
#ifndef RUNNER_RESOURCES_H
#define RUNNER_RESOURCES_H

#include <stdio.h>

struct resources {
	unsigned int fds;      /* open file descriptors */
	unsigned int threads;  /* Threads: of /proc/self/status */
	unsigned long rss_kib; /* VmRSS: of /proc/self/status */
	unsigned int children; /* child processes, zombies included */
};

/*
 * Reads Threads: and VmRSS: from the text of a /proc/PID/status into @r;
 * 0, or -EINVAL when one is missing or malformed.
 */
int resources_parse_status(const char *text, struct resources *r);

/* Measures this process from /proc/self: 0 or -errno. */
int resources_measure(struct resources *r);

/* "hvcheck suite: resources at WHEN: N fds, N threads, RSS N kB, N child processes" */
void resources_print(FILE *out, const char *when, const struct resources *r);

#endif
