// SPDX-License-Identifier: GPL-2.0-only
/* What the runner holds, from /proc/self: for the leak checks of long runs. */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "runner/resources.h"

/* The number after "\n@key" (or at the start of @text), in @value. */
static int status_field(const char *text, const char *key, unsigned long *value)
{
	size_t len = strlen(key);
	const char *at = text;
	char *end;

	while (at && strncmp(at, key, len))
		at = (at = strchr(at, '\n')) ? at + 1 : NULL;
	if (!at)
		return -EINVAL;
	errno = 0;
	*value = strtoul(at + len, &end, 10);
	if (errno || end == at + len)
		return -EINVAL;
	return 0;
}

int resources_parse_status(const char *text, struct resources *r)
{
	unsigned long threads, rss;

	if (status_field(text, "Threads:", &threads) ||
	    status_field(text, "VmRSS:", &rss))
		return -EINVAL;
	r->threads = (unsigned int)threads;
	r->rss_kib = rss;
	return 0;
}

/* Entries of /proc/self/fd but . and .., and the one opendir() holds. */
static int count_fds(unsigned int *fds)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d)
		return -errno;
	*fds = 0;
	while ((e = readdir(d)))
		*fds += e->d_name[0] != '.';
	closedir(d);
	(*fds)--;
	return 0;
}

/* The pids listed in /proc/self/task/TID/children, of every thread. */
static int count_children(unsigned int *children)
{
	glob_t g;
	int ret = 0;

	*children = 0;
	if (glob("/proc/self/task/*/children", 0, NULL, &g))
		return -ENOENT;
	for (size_t i = 0; i < g.gl_pathc && !ret; i++) {
		FILE *in = fopen(g.gl_pathv[i], "re");
		unsigned long pid;

		if (!in) {
			ret = -errno;
			break;
		}
		while (fscanf(in, "%lu", &pid) == 1)
			(*children)++;
		fclose(in);
	}
	globfree(&g);
	return ret;
}

int resources_measure(struct resources *r)
{
	char text[4096];
	size_t len;
	FILE *in;
	int ret;

	in = fopen("/proc/self/status", "re");
	if (!in)
		return -errno;
	len = fread(text, 1, sizeof(text) - 1, in);
	fclose(in);
	text[len] = '\0';
	ret = resources_parse_status(text, r);
	if (!ret)
		ret = count_fds(&r->fds);
	if (!ret)
		ret = count_children(&r->children);
	return ret;
}

void resources_print(FILE *out, const char *when, const struct resources *r)
{
	fprintf(out,
		"hvcheck suite: resources at %s: %u fds, %u threads, RSS %lu kB, %u child processes\n",
		when, r->fds, r->threads, r->rss_kib, r->children);
	fflush(out);
}
