// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer target: the results.json reader of compare and bisect-run. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "runner/results_read.h"

/* Each test as compare and bisect-run rely on: named uniquely, a status. */
static void check_test(const struct results_file *f, size_t i)
{
	const struct results_read_test *t = &f->test[i];

	FUZZ_CHECK(t->name && t->name[0], "test %zu without a name", i);
	FUZZ_CHECK(results_find_test(f, t->name) == t, "%s not unique",
		   t->name);
	FUZZ_CHECK(strcmp(results_status_name(t->status), "?"), "%s: status %d",
		   t->name, (int)t->status);
	FUZZ_CHECK(t->check_count == 0 || t->check, "%s: no checks", t->name);
	for (size_t j = 0; j < t->check_count; j++)
		FUZZ_CHECK(t->check[j].text &&
				   strcmp(results_check_status_name(
						  t->check[j].status),
					  "?"),
			   "%s: check %zu", t->name, j);
}

/* The input is a results.json.  A refusal is one line. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct results_file f;
	char err[256] = "";
	int ret;

	ret = results_read_text((const char *)data, size, &f, err, sizeof(err));
	if (ret) {
		FUZZ_CHECK(ret == -EINVAL, "results_read_text() returned %d",
			   ret);
		fuzz_check_one_line(err);
		return 0;
	}
	for (size_t i = 0; i < f.test_count; i++)
		check_test(&f, i);
	for (size_t i = 0; i < f.host_count; i++)
		FUZZ_CHECK(f.host[i].key, "host item %zu without a key", i);
	results_file_free(&f);
	return 0;
}
