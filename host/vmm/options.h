/* SPDX-License-Identifier: GPL-2.0-only */
/* Command-line options from tables: lookup, typed setters, --help text. */
#ifndef VMM_OPTIONS_H
#define VMM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct option_spec;

/*
 * Stores value (NULL for a flag) into the struct at dst as spec says:
 * 0, or -EINVAL with a one-line reason in err[errlen].
 */
typedef int option_set_fn(void *dst, const struct option_spec *spec,
			  const char *value, char *err, size_t errlen);

struct option_spec {
	const char *name;  /* "--smp" */
	const char *alias; /* "-h" for "--help", or NULL */
	const char *arg;   /* "N" in the help; NULL: a flag, no value */
	const char *help;  /* lines joined by '\n' */
	option_set_fn *set;
	size_t offset; /* of the field set in the struct at dst */
	unsigned int min, max;
};

struct option_table {
	const char *title; /* the --help section, "x86_64 only" */
	const struct option_spec *specs;
	size_t nr;
};

/* The spec of the option called name in t, or NULL. */
const struct option_spec *option_find(const struct option_table *t,
				      const char *name);

/* Formats a one-line reason into err[errlen]; returns -EINVAL. */
int option_error(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The index of value among names[0..nr), or -1: a choice's setter. */
int option_pick(const char *value, const char *const *names, size_t nr);

/* A flag: the bool at offset becomes true. */
option_set_fn option_set_flag;
/* A decimal number min..max into the unsigned int at offset. */
option_set_fn option_set_uint;
/* The same into an int (an option whose absence the int marks). */
option_set_fn option_set_int;
/* The value as it is into the const char * at offset. */
option_set_fn option_set_text;
/* A file name into the const char * at offset; empty is refused. */
option_set_fn option_set_path;

/*
 * Sets @dst from the options in argv[1..argc) by @t's setters, with
 * getopt_long(): each option's name, its alias, "--name=VALUE".  With
 * @permute, options and other words may mix (GNU getopt moves the others
 * to the end); without it, options end at the first other word.  Stops
 * after an option that makes *@stop true (--help).  Returns the index in
 * argv of the first other word, or -EINVAL with a one-line reason in
 * err[errlen], or -ENOMEM.
 */
int option_getopt(const struct option_table *t, bool permute, void *dst,
		  const bool *stop, int argc, char **argv, char *err,
		  size_t errlen);

/* The help column past the widest "  NAME ARG" of tables and two blanks. */
int option_help_column(const struct option_table *const *tables, size_t nr);

/*
 * t's section of --help: its title, then each option, its help lines
 * from column on (on the next line when the option reaches past it).
 */
void option_help(FILE *out, const struct option_table *t, int column);

#endif /* VMM_OPTIONS_H */
