// SPDX-License-Identifier: GPL-2.0-only
/*
 * A strict JSON reader (RFC 8259): recursive descent bounded by
 * JSON_MAX_DEPTH, every read checked against the length, errors said once.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/array.h"
#include "runner/json.h"
#include "runner/utf8.h"

struct parser {
	const char *text;
	size_t len;
	size_t pos;
	size_t values; /* parsed so far, against JSON_MAX_VALUES */
	char *err;
	size_t err_size;
};

/* A growing byte buffer, for decoded strings. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};

void json_position(const char *text, size_t len, size_t offset,
		   unsigned int *line, unsigned int *column)
{
	*line = 1;
	*column = 1;
	for (size_t i = 0; i < offset && i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '\n') {
			++*line;
			*column = 1;
		} else if ((c & 0xc0) != 0x80) { /* not a continuation byte */
			++*column;
		}
	}
}

void json_quote(const char *s, size_t len, char *buf, size_t size)
{
	size_t n = 0, room;

	if (!size)
		return;
	room = size - 1;
	if (len > room) /* leave room for "..." */
		room = room > 3 ? room - 3 : 0;
	for (size_t i = 0; i < len && n < room; i++)
		buf[n++] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (n < len && size - 1 - n >= 3) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
}

int json_verror_at(const char *text, size_t len, size_t offset, char *err,
		   size_t err_size, const char *fmt, va_list ap)
{
	unsigned int line, column;
	char what[256];

	vsnprintf(what, sizeof(what), fmt, ap);
	json_position(text, len, offset, &line, &column);
	snprintf(err, err_size, "line %u, column %u: %s", line, column, what);
	return -EINVAL;
}

static int fail_at(struct parser *p, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail_at(struct parser *p, size_t at, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = json_verror_at(p->text, p->len, at, p->err, p->err_size, fmt, ap);
	va_end(ap);
	return ret;
}

/* The byte at the parser's position, or -1 at the end of the text. */
static int peek(const struct parser *p)
{
	return p->pos < p->len ? (unsigned char)p->text[p->pos] : -1;
}

/* "unexpected 'x', expected @expected", at the parser's position. */
static int unexpected(struct parser *p, const char *expected)
{
	int c = peek(p);

	if (c < 0)
		return fail_at(p, p->pos,
			       "unexpected end of input, expected %s",
			       expected);
	if (c > 0x20 && c < 0x7f)
		return fail_at(p, p->pos, "unexpected '%c', expected %s", c,
			       expected);
	return fail_at(p, p->pos, "unexpected byte 0x%02x, expected %s", c,
		       expected);
}

static void skip_space(struct parser *p)
{
	for (int c = peek(p); c == ' ' || c == '\t' || c == '\n' || c == '\r';
	     c = peek(p))
		p->pos++;
}

static int buf_add(struct buf *b, const char *bytes, size_t n)
{
	int ret = grow((void **)&b->data, b->len + n, &b->cap, 1);

	if (ret)
		return ret;
	memcpy(b->data + b->len, bytes, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

/* Four hex digits at the parser's position, into *@v. */
static int hex4(struct parser *p, unsigned int *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		int c = peek(p);

		if (c < 0)
			return unexpected(p, "a hex digit");
		if (c >= '0' && c <= '9')
			c -= '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			c = (c | 0x20) - 'a' + 10;
		else
			return unexpected(p, "a hex digit");
		*v = *v << 4 | (unsigned int)c;
		p->pos++;
	}
	return 0;
}

/* The \uXXXX low surrogate after high surrogate @hi, escaped at @at. */
static int low_surrogate(struct parser *p, size_t at, unsigned int hi,
			 unsigned int *lo)
{
	int ret;

	for (const char *w = "\\u"; *w; w++) {
		if (peek(p) < 0)
			return unexpected(p, "a low surrogate");
		if (peek(p) != *w)
			goto unpaired;
		p->pos++;
	}
	ret = hex4(p, lo);
	if (ret)
		return ret;
	if (*lo >= 0xdc00 && *lo <= 0xdfff)
		return 0;
unpaired:
	return fail_at(p, at, "\\u%04x: a high surrogate without a low one",
		       hi);
}

/* \uXXXX, or a surrogate pair of them, from the 'u' on; @at: the '\'. */
static int unicode_escape(struct parser *p, size_t at, struct buf *b)
{
	unsigned int cp, lo;
	char utf8[4];
	int ret;

	p->pos++;
	ret = hex4(p, &cp);
	if (ret)
		return ret;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail_at(p, at,
			       "\\u%04x: a low surrogate without a high one",
			       cp);
	if (cp >= 0xd800 && cp <= 0xdbff) {
		ret = low_surrogate(p, at, cp, &lo);
		if (ret)
			return ret;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	return buf_add(b, utf8, utf8_encode(cp, utf8));
}

/* One escape sequence, at its '\'. */
static int escape(struct parser *p, struct buf *b)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	size_t at = p->pos++;
	int c = peek(p);
	const char *known = c > 0 ? strchr(from, c) : NULL;

	if (c < 0)
		return unexpected(p, "an escaped character");
	if (c == 'u')
		return unicode_escape(p, at, b);
	if (!known)
		return c > 0x20 && c < 0x7f ?
			       fail_at(p, at, "invalid escape '\\%c'", c) :
			       fail_at(p, at,
				       "invalid escape: '\\' then byte 0x%02x",
				       c);
	p->pos++;
	return buf_add(b, &to[known - from], 1);
}

/* One character of a string that is not '"' nor '\'. */
static int plain_char(struct parser *p, struct buf *b)
{
	const unsigned char *s = (const unsigned char *)p->text + p->pos;
	uint32_t cp;
	size_t n;

	if (*s < 0x20)
		return fail_at(
			p, p->pos,
			"control character 0x%02x in a string (it must be escaped)",
			*s);
	n = utf8_decode(s, p->len - p->pos, &cp);
	if (!n)
		return fail_at(p, p->pos, "invalid UTF-8 (byte 0x%02x)", *s);
	p->pos += n;
	return buf_add(b, (const char *)s, n);
}

/* The string at the parser's '"', decoded into *@out of *@len bytes. */
static int parse_string(struct parser *p, char **out, size_t *len)
{
	struct buf b = { 0 };
	int ret = buf_add(&b, "", 0); /* "" is an empty string, not NULL */

	p->pos++;
	while (!ret) {
		int c = peek(p);

		if (c < 0) {
			ret = unexpected(p, "'\"' (the string's end)");
		} else if (c == '"') {
			p->pos++;
			*out = b.data;
			*len = b.len;
			return 0;
		} else if (c == '\\') {
			ret = escape(p, &b);
		} else {
			ret = plain_char(p, &b);
		}
	}
	free(b.data);
	return ret;
}

/* One or more digits, else an error expecting them @where. */
static int digits(struct parser *p, const char *where)
{
	char expected[40];

	if (peek(p) < '0' || peek(p) > '9') {
		snprintf(expected, sizeof(expected), "a digit %s", where);
		return unexpected(p, expected);
	}
	while (peek(p) >= '0' && peek(p) <= '9')
		p->pos++;
	return 0;
}

static int parse_number(struct parser *p, struct json_value *v)
{
	size_t start = p->pos;
	int ret;

	if (peek(p) == '-')
		p->pos++;
	if (peek(p) == '0') {
		p->pos++;
		if (peek(p) >= '0' && peek(p) <= '9')
			return fail_at(p, start,
				       "invalid number: a leading zero");
	} else {
		ret = digits(p, "in the number");
		if (ret)
			return ret;
	}
	if (peek(p) == '.') {
		p->pos++;
		ret = digits(p, "after '.'");
		if (ret)
			return ret;
	}
	if (peek(p) == 'e' || peek(p) == 'E') {
		p->pos++;
		if (peek(p) == '+' || peek(p) == '-')
			p->pos++;
		ret = digits(p, "in the exponent");
		if (ret)
			return ret;
	}
	v->type = JSON_NUMBER;
	v->len = p->pos - start;
	v->text = strndup(p->text + start, v->len);
	return v->text ? 0 : -ENOMEM;
}

static int parse_literal(struct parser *p, struct json_value *v,
			 const char *word, enum json_type type)
{
	for (const char *w = word; *w; w++) {
		if (peek(p) != *w) {
			char expected[16];

			snprintf(expected, sizeof(expected), "'%s'", word);
			return unexpected(p, expected);
		}
		p->pos++;
	}
	v->type = type;
	return 0;
}

static int parse_value(struct parser *p, struct json_value *v,
		       unsigned int depth);

/* Member names in byte order, as find_repeated() wants them. */
static int compare_keys(const void *a, const void *b)
{
	const struct json_member *x = a, *y = b;
	int c = memcmp(x->key, y->key,
		       x->key_len < y->key_len ? x->key_len : y->key_len);

	return c ? c : (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

/* Refuses the first repeated member name of object @v. */
static int check_duplicates(struct parser *p, const struct json_value *v)
{
	const struct json_member *m;
	char name[64];
	size_t at;
	int ret = find_repeated(v->member, v->count, sizeof(*v->member),
				compare_keys, &at);

	if (ret || at == v->count)
		return ret;
	m = &v->member[at];
	json_quote(m->key, m->key_len, name, sizeof(name));
	return fail_at(p, m->offset, "duplicate member name \"%s\"", name);
}

/* Appends one value to array @v, room for *@cap items. */
static int array_item(struct parser *p, struct json_value *v, size_t *cap,
		      unsigned int depth)
{
	int ret = grow((void **)&v->item, v->count, cap, sizeof(*v->item));

	if (ret)
		return ret;
	v->item[v->count] = (struct json_value){ 0 };
	return parse_value(p, &v->item[v->count++], depth);
}

/* Appends one "key": value to object @v, room for *@cap members. */
static int object_member(struct parser *p, struct json_value *v, size_t *cap,
			 unsigned int depth)
{
	struct json_member *m;
	int ret;

	skip_space(p);
	if (peek(p) != '"')
		return unexpected(p, "'\"' (a member name)");
	ret = grow((void **)&v->member, v->count, cap, sizeof(*v->member));
	if (ret)
		return ret;
	m = &v->member[v->count++];
	*m = (struct json_member){ .offset = p->pos };
	ret = parse_string(p, &m->key, &m->key_len);
	if (ret)
		return ret;
	skip_space(p);
	if (peek(p) != ':')
		return unexpected(p, "':'");
	p->pos++;
	return parse_value(p, &m->value, depth);
}

/*
 * The elements of the array or object @v from its '[' or '{' to its
 * @close, each appended by @element.
 */
static int parse_elements(struct parser *p, struct json_value *v,
			  unsigned int depth, char close,
			  int (*element)(struct parser *, struct json_value *,
					 size_t *, unsigned int))
{
	size_t cap = 0;
	int ret;

	p->pos++;
	skip_space(p);
	if (peek(p) == close) {
		p->pos++;
		return 0;
	}
	for (;;) {
		ret = element(p, v, &cap, depth);
		if (ret)
			return ret;
		skip_space(p);
		if (peek(p) != ',')
			break;
		p->pos++;
	}
	if (peek(p) != close)
		return unexpected(p,
				  close == ']' ? "',' or ']'" : "',' or '}'");
	p->pos++;
	return 0;
}

static int parse_value(struct parser *p, struct json_value *v,
		       unsigned int depth)
{
	int c;

	skip_space(p);
	v->offset = p->pos;
	if (++p->values > JSON_MAX_VALUES)
		return fail_at(p, p->pos, "more than %d values",
			       JSON_MAX_VALUES);
	c = peek(p);
	if ((c == '[' || c == '{') && depth >= JSON_MAX_DEPTH)
		return fail_at(p, p->pos,
			       "arrays and objects nested more than %d deep",
			       JSON_MAX_DEPTH);
	switch (c) {
	case '[':
		v->type = JSON_ARRAY;
		return parse_elements(p, v, depth + 1, ']', array_item);
	case '{':
		v->type = JSON_OBJECT;
		return parse_elements(p, v, depth + 1, '}', object_member) ?:
			       check_duplicates(p, v);
	case '"':
		v->type = JSON_STRING;
		return parse_string(p, &v->text, &v->len);
	case 't':
		return parse_literal(p, v, "true", JSON_TRUE);
	case 'f':
		return parse_literal(p, v, "false", JSON_FALSE);
	case 'n':
		return parse_literal(p, v, "null", JSON_NULL);
	}
	if (c == '-' || (c >= '0' && c <= '9'))
		return parse_number(p, v);
	return unexpected(p, "a value");
}

int json_parse(const char *text, size_t len, struct json_value *root, char *err,
	       size_t err_size)
{
	struct parser p = {
		.text = text, .len = len, .err = err, .err_size = err_size
	};
	int ret;

	*root = (struct json_value){ 0 };
	if (err_size)
		err[0] = '\0';
	ret = parse_value(&p, root, 0);
	if (!ret) {
		skip_space(&p);
		if (p.pos < len)
			ret = unexpected(&p, "the end after the value");
	}
	if (ret == -ENOMEM)
		snprintf(err, err_size, "out of memory");
	if (ret)
		json_free(root);
	return ret;
}

void json_free(struct json_value *v)
{
	for (size_t i = 0; v->type == JSON_ARRAY && i < v->count; i++)
		json_free(&v->item[i]);
	for (size_t i = 0; v->type == JSON_OBJECT && i < v->count; i++) {
		free(v->member[i].key);
		json_free(&v->member[i].value);
	}
	free(v->text);
	free(v->item);
	free(v->member);
	*v = (struct json_value){ 0 };
}

const struct json_value *json_get(const struct json_value *object,
				  const char *key)
{
	size_t len = strlen(key);

	if (object->type != JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < object->count; i++) {
		const struct json_member *m = &object->member[i];

		if (m->key_len == len && !memcmp(m->key, key, len))
			return &m->value;
	}
	return NULL;
}

const char *json_type_name(enum json_type type)
{
	switch (type) {
	case JSON_NULL:
		return "null";
	case JSON_FALSE:
	case JSON_TRUE:
		return "a boolean";
	case JSON_NUMBER:
		return "a number";
	case JSON_STRING:
		return "a string";
	case JSON_ARRAY:
		return "an array";
	case JSON_OBJECT:
		return "an object";
	}
	return "?";
}
