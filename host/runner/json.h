/* SPDX-License-Identifier: GPL-2.0-only */
/* A strict JSON reader (RFC 8259) into a tree, for results.json. */
#ifndef RUNNER_JSON_H
#define RUNNER_JSON_H

#include <stdarg.h>
#include <stddef.h>

/* Deeper arrays and objects are refused: the parser recurses per level. */
#define JSON_MAX_DEPTH 64

/*
 * More values in one text are refused: each takes some 70 bytes of tree,
 * so a hostile "[0,0,0,...]" would cost 35 times its size.  A results
 * file needs about 3 a report line.
 */
#define JSON_MAX_VALUES (1 << 21)

enum json_type {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_member;

struct json_value {
	enum json_type type;
	size_t offset; /* of its first byte in the text, for json_position() */
	/*
	 * JSON_STRING: the decoded UTF-8, @len bytes and a NUL after them
	 * (\u0000 puts a NUL inside); JSON_NUMBER: its spelling in the text.
	 */
	char *text;
	size_t len;
	struct json_value *item;    /* JSON_ARRAY: @count items */
	struct json_member *member; /* JSON_OBJECT: @count members, in order */
	size_t count;
};

struct json_member {
	char *key; /* decoded like a string's text, @key_len bytes */
	size_t key_len;
	size_t offset; /* of the key in the text */
	struct json_value value;
};

/*
 * Parses the @len bytes at @text, which need no NUL after them, into
 * @root.  Returns 0; -EINVAL with "line L, column C: what" in @err for
 * text that is not one JSON value (columns count characters, from 1);
 * or -ENOMEM.  On error @root holds nothing to free.  Duplicate member
 * names in an object are refused.
 */
int json_parse(const char *text, size_t len, struct json_value *root, char *err,
	       size_t err_size);

/* Frees what json_parse() put in @v (not @v itself). */
void json_free(struct json_value *v);

/* The value of member @key of @object; NULL when absent or not an object. */
const struct json_value *json_get(const struct json_value *object,
				  const char *key);

/* "a string", "an array"...: for messages about a value's type. */
const char *json_type_name(enum json_type type);

/*
 * "line L, column C: " and the message @fmt makes into @err, L and C
 * those of byte @offset of the @len bytes at @text; returns -EINVAL.
 */
int json_verror_at(const char *text, size_t len, size_t offset, char *err,
		   size_t err_size, const char *fmt, va_list ap)
	__attribute__((format(printf, 6, 0)));

/* The line and column, from 1, of byte @offset of the @len bytes at @text. */
void json_position(const char *text, size_t len, size_t offset,
		   unsigned int *line, unsigned int *column);

/*
 * Copies the @len bytes at @s into @buf for a one-line message: bytes
 * other than printable ASCII become '?', and "..." ends a cut copy.
 */
void json_quote(const char *s, size_t len, char *buf, size_t size);

#endif
