// SPDX-License-Identifier: GPL-2.0-only
/* Test manifest parser and test selection. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "array_size.h"
#include "hvcheck_abi.h"
#include "runner/manifest.h"

#define WORD_SEPARATORS " \t"

enum manifest_key {
	KEY_TESTS,
	KEY_ARGS,
	KEY_SMP,
	KEY_MEM,
	KEY_GROUPS,
	KEY_TIMEOUT,
	KEY_VMM_OPTS,
	KEY_QEMU_OPTS,
	KEY_TARGETS,
	KEY_GIC,
	KEY_EXPECT,
	KEY_COUNT,
};

static const char *const key_names[KEY_COUNT] = {
	[KEY_TESTS] = "tests",	     [KEY_ARGS] = "args",
	[KEY_SMP] = "smp",	     [KEY_MEM] = "mem",
	[KEY_GROUPS] = "groups",     [KEY_TIMEOUT] = "timeout",
	[KEY_VMM_OPTS] = "vmm_opts", [KEY_QEMU_OPTS] = "qemu_opts",
	[KEY_TARGETS] = "targets",   [KEY_GIC] = "gic",
	[KEY_EXPECT] = "expect",
};

static const char *const expect_names[] = {
	[MANIFEST_EXPECT_EXIT] = "exit:",
	[MANIFEST_EXPECT_TIMEOUT] = "timeout",
	[MANIFEST_EXPECT_LOG_CAPPED] = "log-capped",
	[MANIFEST_EXPECT_TRIPLE_FAULT] = "triple-fault",
};

struct parser {
	const char *path;
	unsigned int line;
	struct manifest *m;
	/* Line of each key already set in the current section, 0 if unset. */
	unsigned int key_line[KEY_COUNT];
	char *err;
	size_t err_size;
};

static int parse_error(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int parse_error(struct parser *p, const char *fmt, ...)
{
	int len = snprintf(p->err, p->err_size, "%s:%u: ", p->path, p->line);
	va_list ap;

	if (len >= 0 && (size_t)len < p->err_size) {
		va_start(ap, fmt);
		vsnprintf(p->err + len, p->err_size - len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static void words_free(struct manifest_words *w)
{
	for (size_t i = 0; i < w->count; i++)
		free(w->word[i]);
	free(w->word);
	w->word = NULL;
	w->count = 0;
}

/* Splits @s at any of @seps into @out (emptied first); no quoting. */
static int words_split(const char *s, const char *seps,
		       struct manifest_words *out)
{
	struct manifest_words w = { 0 };

	while (*s) {
		size_t len = strcspn(s, seps);
		char **grown;

		if (!len) {
			s++;
			continue;
		}
		grown = realloc(w.word, (w.count + 1) * sizeof(*w.word));
		if (!grown)
			goto fail;
		w.word = grown;
		w.word[w.count] = strndup(s, len);
		if (!w.word[w.count])
			goto fail;
		w.count++;
		s += len;
	}
	words_free(out);
	*out = w;
	return 0;
fail:
	words_free(&w);
	return -ENOMEM;
}

/*
 * Names of entries and groups become file names (logs/NAME.log), so they
 * keep to a portable set and cannot be "." or "..".
 */
static bool valid_name(const char *s, size_t len)
{
	if (!len || !isalnum((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return false;
	}
	return true;
}

/*
 * Guest command-line words go through GRUB under TARGET=qemu: it rewrites
 * '"' and '\', cannot carry '\'' or blanks inside a word, and the words
 * are printed for copying into a shell.  Keep to characters that survive
 * all three unchanged.
 */
static bool valid_cmdline_char(char c)
{
	return isalnum((unsigned char)c) || strchr("_.,:=/+-%@^", c);
}

static int parse_uint(struct parser *p, const char *key, const char *value,
		      unsigned int min, unsigned int max, unsigned int *out)
{
	unsigned long v = 0;

	for (const char *c = value; *c; c++) {
		if (!isdigit((unsigned char)*c))
			return parse_error(p, "%s: '%s' is not a number", key,
					   value);
		v = v * 10 + (unsigned long)(*c - '0');
		if (v > max)
			break;
	}
	if (v < min || v > max)
		return parse_error(p, "%s: %s is out of range %u..%u", key,
				   value, min, max);
	*out = (unsigned int)v;
	return 0;
}

static int parse_tests(struct parser *p, struct manifest_entry *e,
		       const char *value)
{
	const char *s = value;

	for (;;) {
		size_t len = strcspn(s, ",");

		if (!valid_name(s, len))
			return parse_error(
				p,
				"tests: '%s' is not a comma-separated list of test names",
				value);
		if (!s[len])
			break;
		s += len + 1;
	}
	free(e->tests);
	e->tests = strdup(value);
	return e->tests ? 0 : -ENOMEM;
}

static int parse_args(struct parser *p, struct manifest_entry *e,
		      const char *value)
{
	int ret = words_split(value, WORD_SEPARATORS, &e->args);

	if (ret)
		return ret;
	for (size_t i = 0; i < e->args.count; i++) {
		const char *w = e->args.word[i];

		for (const char *c = w; *c; c++) {
			if (!valid_cmdline_char(*c))
				return parse_error(
					p,
					"args: '%c' in '%s' would not reach the guest intact (allowed: letters, digits, _.,:=/+-%%@^)",
					*c, w);
		}
		if (!strncmp(w, "tests=", 6))
			return parse_error(
				p,
				"args: '%s': set the guest's tests= with the 'tests' key",
				w);
	}
	return 0;
}

static int parse_groups(struct parser *p, struct manifest_entry *e,
			const char *value)
{
	int ret = words_split(value, WORD_SEPARATORS, &e->groups);

	if (ret)
		return ret;
	for (size_t i = 0; i < e->groups.count; i++) {
		const char *g = e->groups.word[i];

		if (!valid_name(g, strlen(g)))
			return parse_error(
				p, "groups: '%s' is not a valid name", g);
	}
	return 0;
}

/* Host options are split on blanks and passed without a shell. */
static int parse_opts(struct parser *p, const char *key, const char *value,
		      struct manifest_words *out)
{
	const char *quote = strpbrk(value, "'\"\\");

	if (quote)
		return parse_error(
			p,
			"%s: quoting (%c) is not supported: options are split on blanks and passed without a shell",
			key, *quote);
	return words_split(value, WORD_SEPARATORS, out);
}

static int parse_targets(struct parser *p, struct manifest_entry *e,
			 const char *value)
{
	struct manifest_words w = { 0 };
	unsigned int targets = 0;
	int ret = words_split(value, WORD_SEPARATORS, &w);

	for (size_t i = 0; !ret && i < w.count; i++) {
		enum manifest_target t = manifest_target_from_name(w.word[i]);

		/* the suite's nested target is vmm in the nested test bed */
		if (!t && !strcmp(w.word[i], "nested"))
			ret = parse_error(
				p,
				"targets: nested is no manifest target: vmm entries also run under --target nested");
		else if (!t)
			ret = parse_error(
				p,
				"targets: unknown target '%s' (known: vmm qemu)",
				w.word[i]);
		targets |= t;
	}
	words_free(&w);
	if (!ret)
		e->targets = targets;
	return ret;
}

/* F of --timeout-scale: digits, then maybe a point and 1 to 3 digits. */
static bool scale_syntax(const char *s)
{
	size_t whole = strspn(s, "0123456789"), frac;

	if (!whole)
		return false;
	if (!s[whole])
		return true;
	frac = strspn(s + whole + 1, "0123456789");
	return s[whole] == '.' && frac >= 1 && frac <= 3 &&
	       !s[whole + 1 + frac];
}

int manifest_timeout_scale(const char *text, unsigned int *milli, char *err,
			   size_t err_size)
{
	unsigned int frac = 0, place = MANIFEST_SCALE_ONE / 10;
	unsigned long whole;
	char *end;

	if (!scale_syntax(text)) {
		snprintf(
			err, err_size,
			"'%s' is not a decimal number with at most 3 decimals (4, 1.5, 0.25)",
			text);
		return -EINVAL;
	}
	whole = strtoul(text, &end, 10); /* ULONG_MAX when it overflows */
	for (const char *c = *end ? end + 1 : end; *c; c++, place /= 10)
		frac += (unsigned int)(*c - '0') * place;
	if (whole > MANIFEST_MAX_TIMEOUT ||
	    (whole == MANIFEST_MAX_TIMEOUT && frac)) {
		snprintf(
			err, err_size,
			"'%s' is more than %u, which makes any timeout too long",
			text, MANIFEST_MAX_TIMEOUT);
		return -EINVAL;
	}
	if (!whole && !frac) {
		snprintf(err, err_size, "'%s' is not above 0", text);
		return -EINVAL;
	}
	*milli = (unsigned int)whole * MANIFEST_SCALE_ONE + frac;
	return 0;
}

const char *manifest_scale_name(unsigned int milli, char *buf, size_t size)
{
	unsigned int frac = milli % MANIFEST_SCALE_ONE;
	int digits = 3;

	while (frac && frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	if (frac)
		snprintf(buf, size, "%u.%0*u", milli / MANIFEST_SCALE_ONE,
			 digits, frac);
	else
		snprintf(buf, size, "%u", milli / MANIFEST_SCALE_ONE);
	return buf;
}

int manifest_scale_timeout(struct manifest_entry *e, unsigned int milli,
			   char *err, size_t err_size)
{
	uint64_t ms = (uint64_t)e->timeout_s * milli; /* s x 1000ths = ms */
	uint64_t s = (ms + 999) / 1000;
	char f[MANIFEST_SCALE_NAME_MAX];

	if (s > MANIFEST_MAX_TIMEOUT) {
		snprintf(err, err_size,
			 "[%s]: its timeout of %u s times %s is %" PRIu64
			 " s, more than the longest, %u s",
			 e->name, e->timeout_s,
			 manifest_scale_name(milli, f, sizeof(f)), s,
			 MANIFEST_MAX_TIMEOUT);
		return -ERANGE;
	}
	e->timeout_s = (unsigned int)s;
	return 0;
}

int manifest_gic_versions(const char *list, unsigned int *versions)
{
	struct manifest_words w = { 0 };
	int ret = words_split(list, WORD_SEPARATORS ",", &w);

	*versions = 0;
	for (size_t i = 0; !ret && i < w.count; i++) {
		if (!strcmp(w.word[i], "2"))
			*versions |= MANIFEST_GIC_V2;
		else if (!strcmp(w.word[i], "3"))
			*versions |= MANIFEST_GIC_V3;
		else
			ret = -EINVAL;
	}
	if (!ret && !*versions)
		ret = -EINVAL;
	words_free(&w);
	return ret;
}

static int parse_gic(struct parser *p, struct manifest_entry *e,
		     const char *value)
{
	int ret = manifest_gic_versions(value, &e->gic_versions);

	if (ret == -EINVAL)
		return parse_error(
			p, "gic: '%s' is not a list of GIC versions (2, 3)",
			value);
	return ret;
}

void manifest_expect_name(enum manifest_expect expect, int status, char *buf,
			  size_t size)
{
	if (expect == MANIFEST_EXPECT_EXIT)
		snprintf(buf, size, "exit:%d", status);
	else if (expect > MANIFEST_EXPECT_EXIT &&
		 expect < ARRAY_SIZE(expect_names))
		snprintf(buf, size, "%s", expect_names[expect]);
	else
		snprintf(buf, size, "report");
}

/* timeout, log-capped, triple-fault or exit:N with N a guest status. */
static int parse_expect(struct parser *p, struct manifest_entry *e,
			const char *value)
{
	const char *exit_prefix = expect_names[MANIFEST_EXPECT_EXIT];
	unsigned int status;

	e->expect_line = p->line;
	if (!strncmp(value, exit_prefix, strlen(exit_prefix))) {
		e->expect = MANIFEST_EXPECT_EXIT;
		if (!value[strlen(exit_prefix)])
			return parse_error(p,
					   "expect: exit:N needs the status N");
		if (parse_uint(p, "expect: exit", value + strlen(exit_prefix),
			       0, HV_EXIT_USAGE - 1, &status))
			return -EINVAL;
		e->expect_status = (int)status;
		return 0;
	}
	for (size_t i = MANIFEST_EXPECT_TIMEOUT; i < ARRAY_SIZE(expect_names);
	     i++) {
		if (!strcmp(value, expect_names[i])) {
			e->expect = (enum manifest_expect)i;
			return 0;
		}
	}
	return parse_error(
		p,
		"expect: unknown ending '%s' (known: exit:N timeout log-capped triple-fault)",
		value);
}

static int parse_key(struct parser *p, struct manifest_entry *e,
		     enum manifest_key key, const char *value)
{
	switch (key) {
	case KEY_TESTS:
		return parse_tests(p, e, value);
	case KEY_ARGS:
		return parse_args(p, e, value);
	case KEY_SMP:
		return parse_uint(p, "smp", value, 1, MANIFEST_MAX_SMP,
				  &e->smp);
	case KEY_MEM:
		return parse_uint(p, "mem", value, MANIFEST_MIN_MEM_MIB,
				  HV_X86_MAX_RAM_MIB, &e->mem_mib);
	case KEY_GROUPS:
		return parse_groups(p, e, value);
	case KEY_TIMEOUT:
		return parse_uint(p, "timeout", value, 1, MANIFEST_MAX_TIMEOUT,
				  &e->timeout_s);
	case KEY_VMM_OPTS:
		return parse_opts(p, "vmm_opts", value, &e->vmm_opts);
	case KEY_QEMU_OPTS:
		return parse_opts(p, "qemu_opts", value, &e->qemu_opts);
	case KEY_TARGETS:
		return parse_targets(p, e, value);
	case KEY_GIC:
		return parse_gic(p, e, value);
	case KEY_EXPECT:
		return parse_expect(p, e, value);
	case KEY_COUNT:
		break;
	}
	return -EINVAL;
}

static void entry_free(struct manifest_entry *e)
{
	free(e->name);
	free(e->tests);
	words_free(&e->args);
	words_free(&e->groups);
	words_free(&e->vmm_opts);
	words_free(&e->qemu_opts);
}

struct manifest_entry *manifest_find(const struct manifest *m, const char *name)
{
	for (size_t i = 0; i < m->count; i++) {
		if (!strcmp(m->entry[i].name, name))
			return &m->entry[i];
	}
	return NULL;
}

static int parse_section(struct parser *p, char *line)
{
	struct manifest *m = p->m;
	struct manifest_entry *e, *grown;
	char *name = line + 1, *end = strchr(line, ']');

	if (!end || end[1])
		return parse_error(p, "section header must be '[name]'");
	*end = '\0';
	if (!valid_name(name, strlen(name)))
		return parse_error(
			p,
			"section name '%s' must start with a letter or digit and use only letters, digits and ._-",
			name);
	e = manifest_find(m, name);
	if (e)
		return parse_error(p,
				   "duplicate section [%s] (first at line %u)",
				   name, e->line);

	grown = realloc(m->entry, (m->count + 1) * sizeof(*m->entry));
	if (!grown)
		return -ENOMEM;
	m->entry = grown;
	e = &m->entry[m->count];
	*e = (struct manifest_entry){
		.smp = MANIFEST_DEFAULT_SMP,
		.mem_mib = MANIFEST_DEFAULT_MEM_MIB,
		.timeout_s = MANIFEST_DEFAULT_TIMEOUT,
		.targets = MANIFEST_TARGETS_ALL,
		.line = p->line,
	};
	e->name = strdup(name);
	e->tests = strdup(name);
	m->count++;
	memset(p->key_line, 0, sizeof(p->key_line));
	return e->name && e->tests ? 0 : -ENOMEM;
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}

static int parse_assignment(struct parser *p, char *line)
{
	char *eq = strchr(line, '='), *key_str, *value;
	int key;

	if (!eq)
		return parse_error(p, "expected '[section]' or 'key = value'");
	*eq = '\0';
	key_str = trim(line);
	value = trim(eq + 1);
	for (key = 0; key < KEY_COUNT; key++) {
		if (!strcmp(key_str, key_names[key]))
			break;
	}
	if (key == KEY_COUNT) {
		char known[128] = "";

		for (key = 0; key < KEY_COUNT; key++) {
			strcat(known, key ? " " : "");
			strcat(known, key_names[key]);
		}
		return parse_error(p, "unknown key '%s' (known: %s)", key_str,
				   known);
	}
	if (!p->m->count)
		return parse_error(p, "'%s' outside a [section]", key_str);
	if (p->key_line[key])
		return parse_error(p, "duplicate key '%s' (first at line %u)",
				   key_str, p->key_line[key]);
	if (!*value)
		return parse_error(p, "'%s' has no value", key_str);
	p->key_line[key] = p->line;
	return parse_key(p, &p->m->entry[p->m->count - 1], key, value);
}

/* A '#' that starts a word starts a comment; one inside a word does not. */
static void strip_comment(char *line)
{
	for (char *c = line; *c; c++) {
		if (*c == '#' && (c == line || isspace((unsigned char)c[-1]))) {
			*c = '\0';
			return;
		}
	}
}

static int parse_line(struct parser *p, char *raw)
{
	char *line;

	strip_comment(raw);
	line = trim(raw);
	if (!*line)
		return 0;
	if (*line == '[')
		return parse_section(p, line);
	return parse_assignment(p, line);
}

/*
 * An expected ending is judged from hvcheck run's status, which only the
 * VMM (and the nested bed) gives: such entries must be for vmm alone.
 */
static int check_expect(struct parser *p)
{
	for (size_t i = 0; i < p->m->count; i++) {
		const struct manifest_entry *e = &p->m->entry[i];

		if (e->expect == MANIFEST_EXPECT_REPORT ||
		    e->targets == MANIFEST_TARGET_VMM)
			continue;
		p->line = e->expect_line;
		return parse_error(
			p,
			"expect: [%s] is judged from hvcheck run's status: add 'targets = vmm'",
			e->name);
	}
	return 0;
}

int manifest_parse(FILE *in, const char *path, struct manifest *m, char *err,
		   size_t err_size)
{
	struct parser p = {
		.path = path, .m = m, .err = err, .err_size = err_size
	};
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	int ret = 0;

	*m = (struct manifest){ 0 };
	while ((len = getline(&buf, &cap, in)) >= 0) {
		p.line++;
		if (strlen(buf) != (size_t)len) {
			ret = parse_error(&p, "NUL byte in line");
			break;
		}
		ret = parse_line(&p, buf);
		if (ret)
			break;
	}
	if (!ret && ferror(in)) {
		snprintf(err, err_size, "%s: read error", path);
		ret = -EIO;
	}
	if (!ret)
		ret = check_expect(&p);
	if (ret == -ENOMEM)
		snprintf(err, err_size, "%s: out of memory", path);
	free(buf);
	if (ret)
		manifest_free(m);
	return ret;
}

int manifest_load(const char *path, struct manifest *m, char *err,
		  size_t err_size)
{
	FILE *in = fopen(path, "re");
	int ret;

	if (!in) {
		ret = -errno;
		snprintf(err, err_size, "%s: %s", path, strerror(-ret));
		*m = (struct manifest){ 0 };
		return ret;
	}
	ret = manifest_parse(in, path, m, err, err_size);
	fclose(in);
	return ret;
}

void manifest_free(struct manifest *m)
{
	for (size_t i = 0; i < m->count; i++)
		entry_free(&m->entry[i]);
	free(m->entry);
	*m = (struct manifest){ 0 };
}

enum manifest_target manifest_target_from_name(const char *name)
{
	if (!strcmp(name, "vmm"))
		return MANIFEST_TARGET_VMM;
	if (!strcmp(name, "qemu"))
		return MANIFEST_TARGET_QEMU;
	return 0;
}

bool manifest_entry_in_group(const struct manifest_entry *e, const char *group)
{
	for (size_t i = 0; i < e->groups.count; i++) {
		if (!strcmp(e->groups.word[i], group))
			return true;
	}
	return false;
}

enum word_match {
	WORD_MATCHES_NOTHING,
	WORD_MATCHES_ONLY_NODEFAULT, /* a group of nodefault entries */
	WORD_SELECTS,
};

/* Marks in @selected what one --tests word picks. */
static enum word_match select_word(const struct manifest *m, const char *word,
				   bool *selected)
{
	bool nodefault_group = !strcmp(word, MANIFEST_GROUP_NODEFAULT);
	enum word_match match = WORD_MATCHES_NOTHING;

	for (size_t i = 0; i < m->count; i++) {
		const struct manifest_entry *e = &m->entry[i];
		bool by_name = !strcmp(e->name, word);
		bool by_group = manifest_entry_in_group(e, word);

		if (by_group && !nodefault_group &&
		    manifest_entry_in_group(e, MANIFEST_GROUP_NODEFAULT)) {
			if (match == WORD_MATCHES_NOTHING)
				match = WORD_MATCHES_ONLY_NODEFAULT;
			by_group = false;
		}
		if (by_name || by_group) {
			selected[i] = true;
			match = WORD_SELECTS;
		}
	}
	return match;
}

int manifest_select(const struct manifest *m, const char *list, bool *selected,
		    char *err, size_t err_size)
{
	struct manifest_words words = { 0 };
	int ret;

	memset(selected, 0, m->count * sizeof(*selected));
	if (!list) {
		for (size_t i = 0; i < m->count; i++)
			selected[i] = !manifest_entry_in_group(
				&m->entry[i], MANIFEST_GROUP_NODEFAULT);
		return 0;
	}
	ret = words_split(list, WORD_SEPARATORS ",", &words);
	if (ret) {
		snprintf(err, err_size, "out of memory");
		return ret;
	}
	if (!words.count) {
		snprintf(err, err_size, "no test or group names given");
		ret = -EINVAL;
	}
	for (size_t i = 0; !ret && i < words.count; i++) {
		const char *w = words.word[i];

		switch (select_word(m, w, selected)) {
		case WORD_MATCHES_NOTHING:
			snprintf(err, err_size,
				 "'%s' names no test and no group", w);
			ret = -EINVAL;
			break;
		case WORD_MATCHES_ONLY_NODEFAULT:
			snprintf(
				err, err_size,
				"group '%s' only holds tests of group " MANIFEST_GROUP_NODEFAULT
				", which run only when named or with '" MANIFEST_GROUP_NODEFAULT
				"'",
				w);
			ret = -EINVAL;
			break;
		case WORD_SELECTS:
			break;
		}
	}
	words_free(&words);
	return ret;
}
