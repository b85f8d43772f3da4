// SPDX-License-Identifier: GPL-2.0-only
/* Command-line parsing into key=value pairs. */
#include "boot_info.h"
#include "cmdline.h"
#include "printf.h"
#include "report.h"
#include "string.h"

#define CMDLINE_MAX_WORDS 128

struct param {
	const char *key;
	const char *value;
};

static char words[BOOT_CMDLINE_MAX];
static struct param params[CMDLINE_MAX_WORDS];
static unsigned int nr_params;

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void cmdline_init(const char *cmdline)
{
	char *p = words;

	strlcpy(words, cmdline, sizeof(words));
	nr_params = 0;
	while (*p) {
		char *word, *eq;

		while (is_space(*p))
			*p++ = '\0';
		if (!*p)
			break;
		word = p;
		while (*p && !is_space(*p))
			p++;
		if (*p)
			*p++ = '\0';
		eq = strchr(word, '=');
		if (!eq || eq == word || nr_params == CMDLINE_MAX_WORDS)
			continue;
		*eq = '\0';
		params[nr_params].key = word;
		params[nr_params].value = eq + 1;
		nr_params++;
	}
}

static const struct param *find(const char *key)
{
	for (unsigned int i = nr_params; i--;) {
		if (!strcmp(params[i].key, key))
			return &params[i];
	}
	return NULL;
}

bool cmdline_has(const char *key)
{
	return find(key) != NULL;
}

const char *cmdline_get_str(const char *key, const char *def)
{
	const struct param *param = find(key);

	return param ? param->value : def;
}

u64 cmdline_get_u64(const char *key, u64 def)
{
	const struct param *param = find(key);
	u64 value;

	if (!param)
		return def;
	if (str_to_u64(param->value, &value)) {
		report(false, "command line: %s=%s is not a number", key,
		       param->value);
		return def;
	}
	return value;
}

static const char *item_name(const char *const *names, size_t stride,
			     unsigned int i)
{
	return *(const char *const *)((const char *)names + i * stride);
}

/* "a, b, c or none" for the FAIL line. */
static void list_names(char *buf, size_t size, const char *const *names,
		       unsigned int n, size_t stride)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < n && len < size; i++)
		len += snprintf(buf + len, size - len, "%s, ",
				item_name(names, stride, i));
	if (len < size)
		snprintf(buf + len, size - len, "or none");
}

bool cmdline_get_names(const char *key, const char *const *names,
		       unsigned int n, size_t stride, u32 *set)
{
	const char *list = cmdline_get_str(key, "");
	char all[256];

	*set = 0;
	if (!strcmp(list, "none"))
		return true;
	for (const char *p = list; *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		unsigned int i;

		for (i = 0; i < n; i++)
			if (strlen(item_name(names, stride, i)) == len &&
			    !strncmp(item_name(names, stride, i), p, len))
				break;
		if (i == n) {
			list_names(all, sizeof(all), names, n, stride);
			report(false, "%s=%s: '%.*s' is not %s", key, list,
			       (int)len, p, all);
			return false;
		}
		*set |= BIT(i);
		p += len + (comma ? 1 : 0);
	}
	if (*set)
		return true;
	report(false, "%s is empty: name the items or say none", key);
	return false;
}
