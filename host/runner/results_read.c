// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading a results.json back for compare and bisect-run: the JSON reader
 * gives the tree, this file checks that it is a results file and says
 * where it is not.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array_size.h"
#include "runner/array.h"
#include "runner/json.h"
#include "runner/results_read.h"

/* Field paths in messages: "tests[3]", "tests[3].report[2]". */
#define TEST_PATH_LEN  32
#define CHECK_PATH_LEN 64

struct reader {
	const char *text;
	size_t len;
	char *err;
	size_t err_size;
};

static int bad(struct reader *r, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "line L, column C: what" about the value at offset @at; -EINVAL. */
static int bad(struct reader *r, size_t at, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = json_verror_at(r->text, r->len, at, r->err, r->err_size, fmt, ap);
	va_end(ap);
	return ret;
}

/*
 * Member @key of object @obj (at @path) as a new string in *@out; NULL
 * when absent or null, which @required refuses.
 */
static int get_string(struct reader *r, const struct json_value *obj,
		      const char *path, const char *key, bool required,
		      char **out)
{
	const struct json_value *v = json_get(obj, key);
	const char *dot = *path ? "." : "";

	*out = NULL;
	if (!v || v->type == JSON_NULL)
		return required ? bad(r, obj->offset, "%s%sno \"%s\"", path,
				      *path ? ": " : "", key) :
				  0;
	if (v->type != JSON_STRING)
		return bad(r, v->offset, "%s%s%s: %s, not a string", path, dot,
			   key, json_type_name(v->type));
	if (strlen(v->text) != v->len)
		return bad(r, v->offset, "%s%s%s: a NUL character (\\u0000)",
			   path, dot, key);
	*out = strdup(v->text);
	return *out ? 0 : -ENOMEM;
}

/*
 * Checks that @v, at @path, is of @type (an array or an object) and
 * allocates *@list for its elements, of @size bytes each.
 */
static int new_list(struct reader *r, const struct json_value *v,
		    const char *path, enum json_type type, void **list,
		    size_t size)
{
	if (v->type != type)
		return bad(r, v->offset, "%s: %s, not %s", path,
			   json_type_name(v->type), json_type_name(type));
	*list = calloc(v->count + 1, size);
	return *list ? 0 : -ENOMEM;
}

/* The "status" of a test, at @path. */
static int read_status(struct reader *r, const struct json_value *obj,
		       const char *path, enum results_status *status)
{
	const struct json_value *v = json_get(obj, "status");
	char *word, quoted[40];
	int ret = get_string(r, obj, path, "status", true, &word);

	if (ret)
		return ret;
	for (int s = RESULTS_PASS; s <= RESULTS_NOT_RUN; s++) {
		if (!strcmp(word, results_status_name(s))) {
			*status = s;
			free(word);
			return 0;
		}
	}
	json_quote(word, strlen(word), quoted, sizeof(quoted));
	free(word);
	return bad(
		r, v->offset,
		"%s.status: \"%s\" is not pass, fail, skip, error or not_run",
		path, quoted);
}

/* One {"status": "PASS", "check": "..."} of a test's report. */
static int read_check(struct reader *r, const struct json_value *v,
		      const char *path, struct results_check *c)
{
	const struct json_value *status = json_get(v, "status");
	char *word, quoted[40];
	int ret;

	if (v->type != JSON_OBJECT)
		return bad(r, v->offset, "%s: %s, not an object", path,
			   json_type_name(v->type));
	ret = get_string(r, v, path, "status", true, &word);
	if (ret)
		return ret;
	for (int s = RESULTS_CHECK_PASS; s <= RESULTS_CHECK_XPASS; s++) {
		if (!strcmp(word, results_check_status_name(s))) {
			c->status = s;
			free(word);
			return get_string(r, v, path, "check", true, &c->text);
		}
	}
	json_quote(word, strlen(word), quoted, sizeof(quoted));
	free(word);
	return bad(r, status->offset,
		   "%s.status: \"%s\" is not PASS, FAIL, SKIP, XFAIL or XPASS",
		   path, quoted);
}

/* "report": the guest's report lines; none when absent or null. */
static int read_report(struct reader *r, const struct json_value *obj,
		       const char *path, struct results_read_test *t)
{
	const struct json_value *v = json_get(obj, "report");
	char item_path[CHECK_PATH_LEN];
	int ret;

	if (!v || v->type == JSON_NULL)
		return 0;
	snprintf(item_path, sizeof(item_path), "%s.report", path);
	ret = new_list(r, v, item_path, JSON_ARRAY, (void **)&t->check,
		       sizeof(*t->check));
	for (size_t i = 0; !ret && i < v->count; i++) {
		snprintf(item_path, sizeof(item_path), "%s.report[%zu]", path,
			 i);
		ret = read_check(r, &v->item[i], item_path, &t->check[i]);
		t->check_count = i + 1; /* freed with the test, read or not */
	}
	return ret;
}

/* Member @key of @obj as a count; 0 when absent or null. */
static int read_count(struct reader *r, const struct json_value *obj,
		      const char *path, const char *key, unsigned int *out)
{
	const struct json_value *v = json_get(obj, key);
	unsigned long n;
	char *end;

	*out = 0;
	if (!v || v->type == JSON_NULL)
		return 0;
	if (v->type != JSON_NUMBER || strspn(v->text, "0123456789") != v->len)
		return bad(r, v->offset, "%s.%s: not a count", path, key);
	errno = 0;
	n = strtoul(v->text, &end, 10);
	if (errno || n > UINT_MAX)
		return bad(r, v->offset, "%s.%s: %s is too large", path, key,
			   v->text);
	*out = (unsigned int)n;
	return 0;
}

static int read_test(struct reader *r, const struct json_value *v, size_t index,
		     struct results_read_test *t)
{
	char path[TEST_PATH_LEN];
	int ret;

	snprintf(path, sizeof(path), "tests[%zu]", index);
	if (v->type != JSON_OBJECT)
		return bad(r, v->offset, "%s: %s, not an object", path,
			   json_type_name(v->type));
	ret = get_string(r, v, path, "name", true, &t->name);
	if (!ret && !t->name[0])
		ret = bad(r, json_get(v, "name")->offset, "%s.name: empty",
			  path);
	return ret							   ?:
		       read_status(r, v, path, &t->status)		   ?:
		       get_string(r, v, path, "reason", false, &t->reason) ?:
		       get_string(r, v, path, "vpmu", false, &t->vpmu)	   ?:
		       get_string(r, v, path, "vpmu_config", false, &t->vpmu_config) ?:
		       get_string(r, v, path, "irqchip", false, &t->irqchip) ?:
		       read_count(r, v, path, "report_dropped", &t->check_dropped) ?:
		       read_report(r, v, path, t);
}

static int compare_names(const void *a, const void *b)
{
	const struct results_read_test *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/*
 * Refuses a name that two tests share (results_find_test() would find
 * only one), naming the later one.
 */
static int unique_names(struct reader *r, const struct json_value *tests,
			const struct results_file *f)
{
	char quoted[64];
	size_t at;
	int ret = find_repeated(f->test, f->test_count, sizeof(*f->test),
				compare_names, &at);

	if (ret || at == f->test_count)
		return ret;
	json_quote(f->test[at].name, strlen(f->test[at].name), quoted,
		   sizeof(quoted));
	return bad(r, json_get(&tests->item[at], "name")->offset,
		   "tests[%zu].name: \"%s\" names an earlier test too", at,
		   quoted);
}

static int read_tests(struct reader *r, const struct json_value *root,
		      struct results_file *f)
{
	const struct json_value *v = json_get(root, "tests");
	int ret;

	if (!v)
		return bad(r, root->offset, "not a results file: no \"tests\"");
	ret = new_list(r, v, "tests", JSON_ARRAY, (void **)&f->test,
		       sizeof(*f->test));
	for (size_t i = 0; !ret && i < v->count; i++) {
		ret = read_test(r, &v->item[i], i, &f->test[i]);
		f->test_count = i + 1; /* freed with the file, read or not */
	}
	return ret ?: unique_names(r, v, f);
}

/* One member of "host" into @h: a string, number, boolean or null. */
static int read_meta(struct reader *r, const struct json_member *m,
		     struct results_meta *h)
{
	const struct json_value *v = &m->value;
	const char *text = v->type == JSON_TRUE	 ? "true" :
			   v->type == JSON_FALSE ? "false" :
						   v->text;
	char key[64];

	json_quote(m->key, m->key_len, key, sizeof(key));
	if (v->type == JSON_ARRAY || v->type == JSON_OBJECT)
		return bad(r, v->offset,
			   "host.%s: %s, not a string, number, boolean or null",
			   key, json_type_name(v->type));
	if (strlen(m->key) != m->key_len)
		return bad(r, m->offset, "host.%s: a NUL character (\\u0000)",
			   key);
	if (v->type == JSON_STRING && strlen(v->text) != v->len)
		return bad(r, v->offset, "host.%s: a NUL character (\\u0000)",
			   key);
	h->key = strdup(m->key);
	h->value = text ? strdup(text) : NULL;
	return h->key && (!text || h->value) ? 0 : -ENOMEM;
}

/* The flat "host" object; none when absent or null. */
static int read_host(struct reader *r, const struct json_value *root,
		     struct results_file *f)
{
	const struct json_value *v = json_get(root, "host");
	int ret;

	if (!v || v->type == JSON_NULL)
		return 0;
	ret = new_list(r, v, "host", JSON_OBJECT, (void **)&f->host,
		       sizeof(*f->host));
	for (size_t i = 0; !ret && i < v->count; i++) {
		ret = read_meta(r, &v->member[i], &f->host[i]);
		f->host_count = i + 1; /* freed with the file, read or not */
	}
	return ret;
}

static int read_results(struct reader *r, const struct json_value *root,
			struct results_file *f)
{
	if (root->type != JSON_OBJECT)
		return bad(r, root->offset,
			   "not a results file: %s, not an object",
			   json_type_name(root->type));
	return get_string(r, root, "", "arch", false, &f->arch)		    ?:
		       get_string(r, root, "", "target", false, &f->target) ?:
		       get_string(r, root, "", "bed", false, &f->bed)	    ?:
		       read_host(r, root, f)				    ?:
		       read_tests(r, root, f);
}

int results_read_text(const char *text, size_t len, struct results_file *out,
		      char *err, size_t err_size)
{
	struct reader r = {
		.text = text, .len = len, .err = err, .err_size = err_size
	};
	struct json_value root;
	int ret;

	*out = (struct results_file){ 0 };
	ret = json_parse(text, len, &root, err, err_size);
	if (ret)
		return ret;
	ret = read_results(&r, &root, out);
	json_free(&root);
	if (ret == -ENOMEM)
		snprintf(err, err_size, "out of memory");
	if (ret)
		results_file_free(out);
	return ret;
}

/* The whole of @path into *@text; -EFBIG past RESULTS_READ_MAX. */
static int slurp(const char *path, char **text, size_t *len)
{
	FILE *in = fopen(path, "re");
	size_t cap = 0;
	int ret = 0;

	*text = NULL;
	*len = 0;
	if (!in)
		return -errno;
	while (!ret && !feof(in)) {
		char *bigger;

		if (*len == cap) {
			/* a byte beyond the limit tells a file too large */
			if (cap > RESULTS_READ_MAX) {
				ret = -EFBIG;
				break;
			}
			cap = cap ? 2 * cap : 65536;
			if (cap > RESULTS_READ_MAX)
				cap = RESULTS_READ_MAX + 1;
			bigger = realloc(*text, cap);
			if (!bigger) {
				ret = -ENOMEM;
				break;
			}
			*text = bigger;
		}
		errno = 0;
		*len += fread(*text + *len, 1, cap - *len, in);
		if (ferror(in))
			ret = errno ? -errno : -EIO;
	}
	fclose(in);
	if (ret) {
		free(*text);
		*text = NULL;
	}
	return ret;
}

int results_read_file(const char *path, struct results_file *out, char *err,
		      size_t err_size)
{
	char what[256];
	char *text;
	size_t len;
	int ret = slurp(path, &text, &len);

	*out = (struct results_file){ 0 };
	if (ret) {
		if (ret == -EFBIG)
			snprintf(err, err_size, "%s: larger than %u MiB", path,
				 RESULTS_READ_MAX >> 20);
		else
			snprintf(err, err_size, "%s: %s", path, strerror(-ret));
		return ret;
	}
	ret = results_read_text(text, len, out, what, sizeof(what));
	free(text);
	if (ret)
		snprintf(err, err_size, "%s: %s", path, what);
	return ret;
}

void results_file_free(struct results_file *f)
{
	for (size_t i = 0; i < f->test_count; i++) {
		struct results_read_test *t = &f->test[i];

		for (size_t c = 0; c < t->check_count; c++)
			free(t->check[c].text);
		free(t->check);
		free(t->name);
		free(t->reason);
		free(t->vpmu);
		free(t->vpmu_config);
		free(t->irqchip);
	}
	for (size_t i = 0; i < f->host_count; i++) {
		free(f->host[i].key);
		free(f->host[i].value);
	}
	free(f->test);
	free(f->host);
	free(f->arch);
	free(f->target);
	free(f->bed);
	*f = (struct results_file){ 0 };
}

const struct results_read_test *results_find_test(const struct results_file *f,
						  const char *name)
{
	for (size_t i = 0; i < f->test_count; i++) {
		if (!strcmp(f->test[i].name, name))
			return &f->test[i];
	}
	return NULL;
}

const char *results_host_value(const struct results_file *f, const char *key)
{
	for (size_t i = 0; i < f->host_count; i++) {
		if (!strcmp(f->host[i].key, key))
			return f->host[i].value;
	}
	return NULL;
}

bool results_host_key_affects_pmu(const char *key)
{
	static const char *const keys[] = { "machine", "cpu_vendor",
					    "cpu_model", "nmi_watchdog" };
	/* host_info.c records every parameter as MODULE.PARAM */
	static const char *const modules[] = { "kvm.", "kvm_amd.",
					       "kvm_intel." };

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(key, keys[i]))
			return true;
	for (size_t i = 0; i < ARRAY_SIZE(modules); i++)
		if (!strncmp(key, modules[i], strlen(modules[i])))
			return true;
	return false;
}
