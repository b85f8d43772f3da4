// SPDX-License-Identifier: GPL-2.0-only
/* Command-line options from tables: lookup, typed setters, --help text. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/options.h"

const struct option_spec *option_find(const struct option_table *t,
				      const char *name)
{
	for (size_t i = 0; i < t->nr; i++)
		if (!strcmp(t->specs[i].name, name) ||
		    (t->specs[i].alias && !strcmp(t->specs[i].alias, name)))
			return &t->specs[i];
	return NULL;
}

int option_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void *option_field(void *dst, const struct option_spec *spec)
{
	return (char *)dst + spec->offset;
}

int option_pick(const char *value, const char *const *names, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		if (names[i] && !strcmp(value, names[i]))
			return (int)i;
	}
	return -1;
}

int option_set_flag(void *dst, const struct option_spec *spec,
		    const char *value, char *err, size_t errlen)
{
	(void)value;
	(void)err;
	(void)errlen;
	*(bool *)option_field(dst, spec) = true;
	return 0;
}

static int option_parse_uint(const struct option_spec *spec, const char *s,
			     unsigned int *val, char *err, size_t errlen)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || *s == '-' || v < spec->min || v > spec->max)
		return option_error(err, errlen,
				    "%s: '%s' is not a number from %u to %u",
				    spec->name, s, spec->min, spec->max);
	*val = v;
	return 0;
}

int option_set_uint(void *dst, const struct option_spec *spec,
		    const char *value, char *err, size_t errlen)
{
	return option_parse_uint(spec, value, option_field(dst, spec), err,
				 errlen);
}

int option_set_int(void *dst, const struct option_spec *spec, const char *value,
		   char *err, size_t errlen)
{
	unsigned int v;
	int ret = option_parse_uint(spec, value, &v, err, errlen);

	if (!ret)
		*(int *)option_field(dst, spec) = v;
	return ret;
}

int option_set_text(void *dst, const struct option_spec *spec,
		    const char *value, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	*(const char **)option_field(dst, spec) = value;
	return 0;
}

int option_set_path(void *dst, const struct option_spec *spec,
		    const char *value, char *err, size_t errlen)
{
	if (!*value)
		return option_error(err, errlen, "%s needs a file name",
				    spec->name);
	*(const char **)option_field(dst, spec) = value;
	return 0;
}

/* getopt_long() returns t->specs[i]'s long form as this + i. */
#define OPTION_LONG_BASE 256

/*
 * @t as getopt_long() takes them: @long_flags (t->nr + 1 of them), and
 * @letters (2 * t->nr + 2 bytes), the aliases' letters after a '+' that
 * stops at the first other word unless @permute.
 */
static void option_getopt_tables(const struct option_table *t, bool permute,
				 struct option *long_flags, char *letters)
{
	if (!permute)
		*letters++ = '+';
	for (size_t i = 0; i < t->nr; i++) {
		const struct option_spec *spec = &t->specs[i];

		long_flags[i] = (struct option){
			.name = spec->name + 2, /* past "--" */
			.has_arg = spec->arg ? required_argument : no_argument,
			.val = OPTION_LONG_BASE + (int)i,
		};
		if (spec->alias) {
			*letters++ = spec->alias[1];
			if (spec->arg)
				*letters++ = ':';
		}
	}
	long_flags[t->nr] = (struct option){ 0 };
	*letters = '\0';
}

/* The spec getopt_long() returned as @c; NULL for '?', a bad option. */
static const struct option_spec *
option_getopt_spec(const struct option_table *t, int c)
{
	if (c >= OPTION_LONG_BASE)
		return &t->specs[c - OPTION_LONG_BASE];
	for (size_t i = 0; i < t->nr; i++)
		if (t->specs[i].alias && t->specs[i].alias[1] == c)
			return &t->specs[i];
	return NULL;
}

int option_getopt(const struct option_table *t, bool permute, void *dst,
		  const bool *stop, int argc, char **argv, char *err,
		  size_t errlen)
{
	struct option *long_flags = calloc(t->nr + 1, sizeof(*long_flags));
	char *letters = malloc(2 * t->nr + 2);
	const struct option_spec *spec;
	int c, ret;

	if (!long_flags || !letters) {
		ret = -ENOMEM;
		option_error(err, errlen, "out of memory");
		goto out;
	}
	option_getopt_tables(t, permute, long_flags, letters);
	optind = 0; /* glibc: restart scanning, even in the same process */
	opterr = 0;
	while (!*stop &&
	       (c = getopt_long(argc, argv, letters, long_flags, NULL)) != -1) {
		spec = option_getopt_spec(t, c);
		if (!spec) {
			ret = option_error(err, errlen,
					   "bad option or missing value: %s",
					   argv[optind - 1]);
			goto out;
		}
		ret = spec->set(dst, spec, optarg, err, errlen);
		if (ret)
			goto out;
	}
	ret = optind;
out:
	free(letters);
	free(long_flags);
	return ret;
}

/* "-h, --help" or "--smp N": the option's column of --help. */
static int option_label_len(const struct option_spec *spec)
{
	return (spec->alias ? strlen(spec->alias) + 2 : 0) +
	       strlen(spec->name) + (spec->arg ? 1 + strlen(spec->arg) : 0);
}

int option_help_column(const struct option_table *const *tables, size_t nr)
{
	int width = 0;

	for (size_t t = 0; t < nr; t++)
		for (size_t i = 0; i < tables[t]->nr; i++)
			if (option_label_len(&tables[t]->specs[i]) > width)
				width = option_label_len(&tables[t]->specs[i]);
	return 2 + width + 2;
}

void option_help(FILE *out, const struct option_table *t, int column)
{
	fprintf(out, "%s:\n", t->title);
	for (size_t i = 0; i < t->nr; i++) {
		const struct option_spec *spec = &t->specs[i];
		int len = 2 + option_label_len(spec);
		const char *line = spec->help;

		fprintf(out, "  %s%s%s%s%s", spec->alias ? spec->alias : "",
			spec->alias ? ", " : "", spec->name,
			spec->arg ? " " : "", spec->arg ? spec->arg : "");
		/* at least two blanks after the option, else the next line */
		if (len + 2 > column) {
			fputc('\n', out);
			len = 0;
		}
		for (;;) {
			size_t n = strcspn(line, "\n");

			fprintf(out, "%*s%.*s\n", column - len, "", (int)n,
				line);
			if (!line[n])
				break;
			line += n + 1;
			len = 0;
		}
	}
}
