// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the strict JSON reader: documents, escapes, every error. */
#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runner/json.h"

/*
 * Parses a malloc'd copy of exactly @len bytes, with nothing after them,
 * so that a read past the end is a read past the allocation (ASan).
 */
static int parse_exact(const char *text, size_t len, struct json_value *v,
		       char *err, size_t err_size)
{
	char *copy = malloc(len ? len : 1);
	int ret;

	assert_non_null(copy);
	memcpy(copy, text, len);
	ret = json_parse(copy, len, v, err, err_size);
	free(copy);
	return ret;
}

static void parse_ok(const char *text, struct json_value *v)
{
	char err[200];

	if (parse_exact(text, strlen(text), v, err, sizeof(err)))
		fail_msg("'%s': %s", text, err);
}

static void assert_refused(const char *text, size_t len, const char *want)
{
	struct json_value v;
	char err[200];

	if (parse_exact(text, len, &v, err, sizeof(err)) != -EINVAL)
		fail_msg("'%s' accepted", text);
	if (strcmp(err, want))
		fail_msg("'%s': got '%s', want '%s'", text, err, want);
	assert_int_equal(v.type, JSON_NULL);
	assert_null(v.item);
	assert_null(v.member);
	assert_null(v.text);
}

static const char document[] =
	" {\"arch\": \"x86_64\", \"bed\": null,\n"
	"  \"tests\": [ {\"name\": \"a\", \"ok\": true},\r\n"
	"\t{\"name\": \"b\", \"ok\": false, \"n\": -12.5e+3} ],\n"
	"  \"empty\": {}, \"none\": [] } \n";

static void test_document(void **state)
{
	const struct json_value *tests, *t, *n;
	struct json_value v;

	(void)state;
	parse_ok(document, &v);
	assert_int_equal(v.type, JSON_OBJECT);
	assert_int_equal(v.count, 5);
	assert_string_equal(v.member[0].key, "arch");
	assert_int_equal(v.member[0].offset, 2);
	assert_string_equal(json_get(&v, "arch")->text, "x86_64");
	assert_int_equal(json_get(&v, "arch")->len, 6);
	assert_int_equal(json_get(&v, "bed")->type, JSON_NULL);
	assert_null(json_get(&v, "missing"));
	assert_null(json_get(&v, "arc"));
	tests = json_get(&v, "tests");
	assert_int_equal(tests->type, JSON_ARRAY);
	assert_int_equal(tests->count, 2);
	assert_null(json_get(tests, "name")); /* not an object */
	t = &tests->item[1];
	assert_string_equal(json_get(t, "name")->text, "b");
	assert_int_equal(json_get(&tests->item[0], "ok")->type, JSON_TRUE);
	assert_int_equal(json_get(t, "ok")->type, JSON_FALSE);
	n = json_get(t, "n");
	assert_int_equal(n->type, JSON_NUMBER);
	assert_string_equal(n->text, "-12.5e+3");
	/* offsets point at each value's first byte */
	assert_int_equal(v.offset, 1);
	assert_int_equal(n->offset, strstr(document, "-12.5") - document);
	assert_int_equal(t->offset,
			 strstr(document, "{\"name\": \"b") - document);
	assert_int_equal(json_get(&v, "empty")->count, 0);
	assert_int_equal(json_get(&v, "none")->type, JSON_ARRAY);
	assert_int_equal(json_get(&v, "none")->count, 0);
	json_free(&v);
	assert_int_equal(v.type, JSON_NULL);
	assert_null(v.member);
}

/* A top-level scalar is a JSON text too (RFC 8259, unlike RFC 4627). */
static void test_scalars(void **state)
{
	static const struct {
		const char *text;
		enum json_type type;
		const char *spelling;
	} scalars[] = {
		{ "null", JSON_NULL, NULL },
		{ " true ", JSON_TRUE, NULL },
		{ "false", JSON_FALSE, NULL },
		{ "0", JSON_NUMBER, "0" },
		{ "-0", JSON_NUMBER, "-0" },
		{ "7", JSON_NUMBER, "7" },
		{ "1.5", JSON_NUMBER, "1.5" },
		{ "1e9", JSON_NUMBER, "1e9" },
		{ "-0.0E-2", JSON_NUMBER, "-0.0E-2" },
		{ "123456789012345678901234567890", JSON_NUMBER,
		  "123456789012345678901234567890" },
		{ "\"\"", JSON_STRING, "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(scalars) / sizeof(*scalars); i++) {
		struct json_value v;

		parse_ok(scalars[i].text, &v);
		assert_int_equal(v.type, scalars[i].type);
		if (scalars[i].spelling)
			assert_string_equal(v.text, scalars[i].spelling);
		assert_null(json_get(&v, "x"));
		json_free(&v);
	}
}

static void test_escapes(void **state)
{
	static const char want[] = "\"\\/\b\f\n\r\t"
				   "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
				   "\xf4\x8f\xbf\xbf"
				   "\x7f\xc2\x80"
				   "<\0>";
	struct json_value v;

	(void)state;
	parse_ok("\"\\\"\\\\\\/\\b\\f\\n\\r\\t"
		 "\\u0041\\u00E9\\u20ac\\uD83D\\ude00"
		 "\\udbff\\udfff"
		 "\x7f\\u0080"
		 "<\\u0000>\"",
		 &v);
	assert_int_equal(v.type, JSON_STRING);
	assert_int_equal(v.len, sizeof(want) - 1);
	assert_memory_equal(v.text, want, sizeof(want) - 1);
	assert_int_equal(v.text[v.len], '\0');
	json_free(&v);

	/* raw UTF-8 is kept as it is, in keys too */
	parse_ok("{\"cl\xc3\xa9\": \"\xe2\x82\xac \xf0\x9f\x98\x80\"}", &v);
	assert_string_equal(v.member[0].key, "cl\xc3\xa9");
	assert_string_equal(json_get(&v, "cl\xc3\xa9")->text,
			    "\xe2\x82\xac \xf0\x9f\x98\x80");
	json_free(&v);

	/* a key with a NUL in it is not the key before the NUL */
	parse_ok("{\"a\\u0000b\": 1, \"a\": 2}", &v);
	assert_int_equal(v.member[0].key_len, 3);
	assert_string_equal(json_get(&v, "a")->text, "2");
	json_free(&v);
}

static const struct {
	const char *text;
	const char *err;
} refusals[] = {
	/* no value, or more than one */
	{ "", "line 1, column 1: unexpected end of input, expected a value" },
	{ "  \n ",
	  "line 2, column 2: unexpected end of input, expected a value" },
	{ "1 2",
	  "line 1, column 3: unexpected '2', expected the end after the value" },
	{ "{} x",
	  "line 1, column 4: unexpected 'x', expected the end after the value" },
	{ "\xef\xbb\xbf{}",
	  "line 1, column 1: unexpected byte 0xef, expected a value" },
	{ "'a'", "line 1, column 1: unexpected ''', expected a value" },
	{ "+1", "line 1, column 1: unexpected '+', expected a value" },
	{ "\v1", "line 1, column 1: unexpected byte 0x0b, expected a value" },
	/* literals */
	{ "tru", "line 1, column 4: unexpected end of input, expected 'true'" },
	{ "nul1", "line 1, column 4: unexpected '1', expected 'null'" },
	{ "False", "line 1, column 1: unexpected 'F', expected a value" },
	{ "[falsey]", "line 1, column 7: unexpected 'y', expected ',' or ']'" },
	/* numbers */
	{ "-",
	  "line 1, column 2: unexpected end of input, expected a digit in the number" },
	{ "-a",
	  "line 1, column 2: unexpected 'a', expected a digit in the number" },
	{ "01", "line 1, column 1: invalid number: a leading zero" },
	{ "[-007]", "line 1, column 2: invalid number: a leading zero" },
	{ "1.",
	  "line 1, column 3: unexpected end of input, expected a digit after '.'" },
	{ ".5", "line 1, column 1: unexpected '.', expected a value" },
	{ "1.e3",
	  "line 1, column 3: unexpected 'e', expected a digit after '.'" },
	{ "1e",
	  "line 1, column 3: unexpected end of input, expected a digit in the exponent" },
	{ "1e+",
	  "line 1, column 4: unexpected end of input, expected a digit in the exponent" },
	{ "[1E-x]",
	  "line 1, column 5: unexpected 'x', expected a digit in the exponent" },
	/* strings */
	{ "\"abc",
	  "line 1, column 5: unexpected end of input, expected '\"' (the string's end)" },
	{ "\"a\nb\"",
	  "line 1, column 3: control character 0x0a in a string (it must be escaped)" },
	{ "\"a\tb\"",
	  "line 1, column 3: control character 0x09 in a string (it must be escaped)" },
	{ "\"\\x\"", "line 1, column 2: invalid escape '\\x'" },
	{ "\"\\U0041\"", "line 1, column 2: invalid escape '\\U'" },
	{ "\"\\\x01\"",
	  "line 1, column 2: invalid escape: '\\' then byte 0x01" },
	{ "\"\\",
	  "line 1, column 3: unexpected end of input, expected an escaped character" },
	{ "\"\\u12\"",
	  "line 1, column 6: unexpected '\"', expected a hex digit" },
	{ "\"\\u12g4\"",
	  "line 1, column 6: unexpected 'g', expected a hex digit" },
	{ "\"\\u00",
	  "line 1, column 6: unexpected end of input, expected a hex digit" },
	{ "\"\\ud800\"",
	  "line 1, column 2: \\ud800: a high surrogate without a low one" },
	{ "\"\\ud800x\"",
	  "line 1, column 2: \\ud800: a high surrogate without a low one" },
	{ "\"\\ud800\\n\"",
	  "line 1, column 2: \\ud800: a high surrogate without a low one" },
	{ "\"\\ud800\\u0041\"",
	  "line 1, column 2: \\ud800: a high surrogate without a low one" },
	{ "\"\\ud800\\ue000\"",
	  "line 1, column 2: \\ud800: a high surrogate without a low one" },
	{ "\"\\ud800\\ud800\"",
	  "line 1, column 2: \\ud800: a high surrogate without a low one" },
	{ "\"\\ud800\\udc",
	  "line 1, column 12: unexpected end of input, expected a hex digit" },
	{ "\"\\ud800",
	  "line 1, column 8: unexpected end of input, expected a low surrogate" },
	{ "\"\\ud800\\",
	  "line 1, column 9: unexpected end of input, expected a low surrogate" },
	{ "\"x\\udc00\"",
	  "line 1, column 3: \\udc00: a low surrogate without a high one" },
	/* not UTF-8: a stray continuation, overlong, surrogate, cut short */
	{ "\"\x80\"", "line 1, column 2: invalid UTF-8 (byte 0x80)" },
	{ "\"\xc0\xaf\"", "line 1, column 2: invalid UTF-8 (byte 0xc0)" },
	{ "\"\xed\xa0\x80\"", "line 1, column 2: invalid UTF-8 (byte 0xed)" },
	{ "\"\xf4\x90\x80\x80\"",
	  "line 1, column 2: invalid UTF-8 (byte 0xf4)" },
	{ "\"\xe2\x82", "line 1, column 2: invalid UTF-8 (byte 0xe2)" },
	{ "\"\xff\"", "line 1, column 2: invalid UTF-8 (byte 0xff)" },
	/* arrays */
	{ "[", "line 1, column 2: unexpected end of input, expected a value" },
	{ "[1",
	  "line 1, column 3: unexpected end of input, expected ',' or ']'" },
	{ "[1,",
	  "line 1, column 4: unexpected end of input, expected a value" },
	{ "[1,]", "line 1, column 4: unexpected ']', expected a value" },
	{ "[,1]", "line 1, column 2: unexpected ',', expected a value" },
	{ "[1 2]", "line 1, column 4: unexpected '2', expected ',' or ']'" },
	{ "[1}", "line 1, column 3: unexpected '}', expected ',' or ']'" },
	{ "]", "line 1, column 1: unexpected ']', expected a value" },
	/* objects */
	{ "{",
	  "line 1, column 2: unexpected end of input, expected '\"' (a member name)" },
	{ "{1: 2}",
	  "line 1, column 2: unexpected '1', expected '\"' (a member name)" },
	{ "{a: 2}",
	  "line 1, column 2: unexpected 'a', expected '\"' (a member name)" },
	{ "{\"a\" 2}", "line 1, column 6: unexpected '2', expected ':'" },
	{ "{\"a\":}", "line 1, column 6: unexpected '}', expected a value" },
	{ "{\"a\": 1,}",
	  "line 1, column 9: unexpected '}', expected '\"' (a member name)" },
	{ "{\"a\": 1 \"b\": 2}",
	  "line 1, column 9: unexpected '\"', expected ',' or '}'" },
	{ "{\"a\": 1]",
	  "line 1, column 8: unexpected ']', expected ',' or '}'" },
	{ "{\"a\": 1",
	  "line 1, column 8: unexpected end of input, expected ',' or '}'" },
	{ "{\"a\"", "line 1, column 5: unexpected end of input, expected ':'" },
	{ "{\"b\": 1, \"a\": 2,\n \"b\": 3, \"a\": 4}",
	  "line 2, column 2: duplicate member name \"b\"" },
	{ "{\"a\": {\"x\": 1, \"x\": 1}}",
	  "line 1, column 16: duplicate member name \"x\"" },
	{ "{\"\\u0041\": 1, \"A\": 1}",
	  "line 1, column 15: duplicate member name \"A\"" },
	/* positions: lines, CR LF, columns in characters */
	{ "[1,\n 2,\r\n  x]",
	  "line 3, column 3: unexpected 'x', expected a value" },
	{ "[\"\xc3\xa9\xe2\x82\xac\", x]",
	  "line 1, column 8: unexpected 'x', expected a value" },
};

static void test_refusals(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(refusals) / sizeof(*refusals); i++)
		assert_refused(refusals[i].text, strlen(refusals[i].text),
			       refusals[i].err);
}

/* NUL bytes: refused outside strings, and as raw bytes inside them. */
static void test_nul_bytes(void **state)
{
	(void)state;
	assert_refused(
		"[1,\0 2]", 7,
		"line 1, column 4: unexpected byte 0x00, expected a value");
	assert_refused(
		"[1]\0", 4,
		"line 1, column 4: unexpected byte 0x00, expected the end after the value");
	assert_refused(
		"\"a\0b\"", 5,
		"line 1, column 3: control character 0x00 in a string (it must be escaped)");
	assert_refused(
		"\0", 1,
		"line 1, column 1: unexpected byte 0x00, expected a value");
}

/* Nests @depth arrays, or objects {"a": ...}, around a 1. */
static char *nested(unsigned int depth, bool objects)
{
	size_t open_len = objects ? 6 : 1;
	char *text = malloc(depth * (open_len + 1) + 2), *p = text;

	assert_non_null(text);
	for (unsigned int i = 0; i < depth; i++) {
		memcpy(p, objects ? "{\"a\": " : "[", open_len);
		p += open_len;
	}
	*p++ = '1';
	for (unsigned int i = 0; i < depth; i++)
		*p++ = objects ? '}' : ']';
	*p = '\0';
	return text;
}

static void test_depth(void **state)
{
	char err[200], want[200];
	struct json_value v;

	(void)state;
	for (int objects = 0; objects <= 1; objects++) {
		char *ok = nested(JSON_MAX_DEPTH, objects);
		char *deep = nested(JSON_MAX_DEPTH + 1, objects);
		const struct json_value *inner = &v;

		parse_ok(ok, &v);
		for (int i = 0; i < JSON_MAX_DEPTH; i++)
			inner = objects ? json_get(inner, "a") :
					  &inner->item[0];
		assert_string_equal(inner->text, "1");
		json_free(&v);
		snprintf(
			want, sizeof(want),
			"line 1, column %d: arrays and objects nested more than %d deep",
			JSON_MAX_DEPTH * (objects ? 6 : 1) + 1, JSON_MAX_DEPTH);
		assert_refused(deep, strlen(deep), want);
		free(ok);
		free(deep);
	}
	/* a million levels: refused at the limit, no stack overflow */
	{
		size_t len = 1000000;
		char *deep = malloc(len);

		assert_non_null(deep);
		memset(deep, '[', len);
		assert_int_equal(parse_exact(deep, len, &v, err, sizeof(err)),
				 -EINVAL);
		assert_string_equal(
			err,
			"line 1, column 65: arrays and objects nested more than 64 deep");
		free(deep);
	}
}

/* Every cut of a document is refused, with its end named, or parsed. */
static void test_truncated(void **state)
{
	static const char doc[] =
		"{\"tests\": [{\"name\": \"x\\u00e9\\ud83d\\ude00\", "
		"\"n\": -1.25e+10, \"ok\": true, \"no\": false, \"z\": null}]}";
	char err[200];

	(void)state;
	for (size_t len = 0; len < sizeof(doc) - 1; len++) {
		struct json_value v;
		int ret = parse_exact(doc, len, &v, err, sizeof(err));

		if (ret != -EINVAL)
			fail_msg("%zu bytes: %d", len, ret);
		if (!strstr(err, "unexpected end of input"))
			fail_msg("%zu bytes: '%s'", len, err);
	}
}

static void test_errors_fit(void **state)
{
	struct json_value v;
	char err[12];

	(void)state;
	assert_int_equal(json_parse("[x", 2, &v, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "line 1, col");
	assert_int_equal(json_parse("[x", 2, &v, NULL, 0), -EINVAL);
	assert_int_equal(json_parse(NULL, 0, &v, NULL, 0), -EINVAL);
}

static void test_helpers(void **state)
{
	char buf[10];
	unsigned int line, column;

	(void)state;
	json_quote("abc", 3, buf, sizeof(buf));
	assert_string_equal(buf, "abc");
	json_quote("a\nb\xc3\xa9", 5, buf, sizeof(buf));
	assert_string_equal(buf, "a?b??");
	json_quote("0123456789", 10, buf, sizeof(buf));
	assert_string_equal(buf, "012345...");
	json_quote("012345678", 9, buf, sizeof(buf));
	assert_string_equal(buf, "012345678");
	json_position("ab\ncd", 5, 4, &line, &column);
	assert_int_equal(line, 2);
	assert_int_equal(column, 2);
	json_position("ab", 2, 99, &line, &column);
	assert_int_equal(line, 1);
	assert_int_equal(column, 3);
	assert_string_equal(json_type_name(JSON_NULL), "null");
	assert_string_equal(json_type_name(JSON_TRUE), "a boolean");
	assert_string_equal(json_type_name(JSON_FALSE), "a boolean");
	assert_string_equal(json_type_name(JSON_NUMBER), "a number");
	assert_string_equal(json_type_name(JSON_STRING), "a string");
	assert_string_equal(json_type_name(JSON_ARRAY), "an array");
	assert_string_equal(json_type_name(JSON_OBJECT), "an object");
}

/* JSON_MAX_VALUES values are read; one more is refused where it starts. */
static void test_value_limit(void **state)
{
	size_t n = JSON_MAX_VALUES; /* the array itself is one */
	char *text = malloc(2 * n + 1), err[100];
	struct json_value v;

	(void)state;
	assert_non_null(text);
	/* "[0,0,...,0]": the array and n - 1 zeros */
	text[0] = '[';
	for (size_t i = 0; i < n - 1; i++)
		memcpy(text + 1 + 2 * i, "0,", 2);
	text[2 * n - 2] = ']';
	if (parse_exact(text, 2 * n - 1, &v, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(v.count, n - 1);
	json_free(&v);
	/* one zero more: the n-th starts at column 2n */
	memcpy(text + 2 * n - 2, ",0]", 3);
	snprintf(err, sizeof(err), "line 1, column %zu: more than %d values",
		 2 * n, JSON_MAX_VALUES);
	assert_refused(text, 2 * n + 1, err);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_document),
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_value_limit),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_errors_fit),
		cmocka_unit_test(test_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
