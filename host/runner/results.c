// SPDX-License-Identifier: GPL-2.0-only
/* Suite results as JSON (for tools), TAP 13 and JUnit XML (for CI). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "runner/files.h"
#include "runner/manifest.h"
#include "runner/results.h"
#include "runner/utf8.h"

const char *results_status_name(enum results_status status)
{
	switch (status) {
	case RESULTS_PASS:
		return "pass";
	case RESULTS_FAIL:
		return "fail";
	case RESULTS_SKIP:
		return "skip";
	case RESULTS_ERROR:
		return "error";
	case RESULTS_NOT_RUN:
		return "not_run";
	}
	return "?";
}

const char *results_check_status_name(enum results_check_status status)
{
	switch (status) {
	case RESULTS_CHECK_PASS:
		return "PASS";
	case RESULTS_CHECK_FAIL:
		return "FAIL";
	case RESULTS_CHECK_SKIP:
		return "SKIP";
	case RESULTS_CHECK_XFAIL:
		return "XFAIL";
	case RESULTS_CHECK_XPASS:
		return "XPASS";
	}
	return "?";
}

const char *results_signal_name(int sig, char *buf, size_t size)
{
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev)
		snprintf(buf, size, "SIG%s", abbrev);
	else
		snprintf(buf, size, "signal %d", sig);
	return buf;
}

unsigned int results_checks_total(const struct results_checks *c)
{
	return c->pass + c->fail + c->skip + c->xfail + c->xpass;
}

struct results_summary results_summarize(const struct results_run *run)
{
	struct results_summary sum = { 0 };

	for (size_t i = 0; i < run->count; i++) {
		switch (run->test[i].status) {
		case RESULTS_PASS:
			sum.pass++;
			break;
		case RESULTS_FAIL:
			sum.fail++;
			break;
		case RESULTS_SKIP:
			sum.skip++;
			break;
		case RESULTS_ERROR:
			sum.error++;
			break;
		case RESULTS_NOT_RUN:
			sum.not_run++;
			break;
		}
	}
	return sum;
}

/*
 * JSON strings double as YAML scalars in the TAP diagnostics, and YAML 1.1
 * readers refuse C0 and C1 controls and U+FFFE/U+FFFF even there.
 */
static bool yaml_printable(uint32_t cp)
{
	return (cp >= 0x20 && cp < 0x7f) || cp == 0x85 ||
	       (cp >= 0xa0 && cp != 0xfffe && cp != 0xffff);
}

void json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end;

	if (!s) {
		fputs("null", out);
		return;
	}
	end = p + strlen(s);
	fputc('"', out);
	while (p < end) {
		uint32_t cp;
		size_t len = utf8_decode(p, (size_t)(end - p), &cp);

		if (!len) {
			fprintf(out, "\\u%04x", UTF8_REPLACEMENT);
			p++;
			continue;
		}
		if (cp == '"' || cp == '\\')
			fprintf(out, "\\%c", *p);
		else if (cp == '\n')
			fputs("\\n", out);
		else if (cp == '\t')
			fputs("\\t", out);
		else if (!yaml_printable(cp))
			fprintf(out, "\\u%04x", (unsigned int)cp);
		else
			fwrite(p, 1, len, out);
		p += len;
	}
	fputc('"', out);
}

/* XML 1.0 forbids most control characters even as references. */
void xml_text(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);

	while (p < end) {
		uint32_t cp;
		size_t len = utf8_decode(p, (size_t)(end - p), &cp);

		if (!len) {
			cp = UTF8_REPLACEMENT;
			len = 1;
		}
		switch (cp) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&apos;", out);
			break;
		case '\t':
		case '\n':
		case '\r':
			/* as references, so attribute values keep them */
			fprintf(out, "&#%u;", (unsigned int)cp);
			break;
		default:
			if (cp < 0x20 || cp == 0xfffe || cp == 0xffff ||
			    cp == UTF8_REPLACEMENT)
				fprintf(out, "&#x%X;", UTF8_REPLACEMENT);
			else
				fwrite(p, 1, len, out);
		}
		p += len;
	}
}

/*
 * One line of TAP: control characters would end the line or the
 * directive, and a '#' in a description would start one.
 */
static void tap_text(FILE *out, const char *s, bool escape_hash)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);

	while (p < end) {
		uint32_t cp;
		size_t len = utf8_decode(p, (size_t)(end - p), &cp);

		if (!len) {
			fputs("\xef\xbf\xbd", out); /* U+FFFD */
			p++;
			continue;
		}
		if (!yaml_printable(cp) || cp == 0x85) /* NEL ends lines too */
			fputc(' ', out);
		else if (cp == '#' && escape_hash)
			fputs("\\#", out);
		else if (cp == '\\' && escape_hash)
			fputs("\\\\", out);
		else
			fwrite(p, 1, len, out);
		p += len;
	}
}

static void iso8601_utc(time_t t, char *buf, size_t size, bool zone)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, zone ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%dT%H:%M:%S",
		 &tm);
}

int results_flush(FILE *out)
{
	return fflush(out) || ferror(out) ? -EIO : 0;
}

static void json_int_or_null(FILE *out, bool valid, int value)
{
	if (valid)
		fprintf(out, "%d", value);
	else
		fputs("null", out);
}

/* "vpmu": the mode, "vpmu_config": the rest; both null when unknown. */
static void json_vpmu(FILE *out, const char *vpmu)
{
	const char *comma = vpmu ? strstr(vpmu, ", ") : NULL;
	char mode[32] = "";

	if (vpmu) {
		size_t len = comma ? (size_t)(comma - vpmu) : strlen(vpmu);

		if (len >= sizeof(mode))
			len = sizeof(mode) - 1;
		memcpy(mode, vpmu, len);
		mode[len] = '\0';
	}
	fputs(",\n      \"vpmu\": ", out);
	json_string(out, vpmu ? mode : NULL);
	fputs(",\n      \"vpmu_config\": ", out);
	json_string(out, comma ? comma + 2 : NULL);
}

/* An object of key/value items, one a line indented by @indent. */
static void json_items(FILE *out, const struct results_host_item *item,
		       size_t count, const char *indent)
{
	fputc('{', out);
	for (size_t i = 0; i < count; i++) {
		const struct results_host_item *h = &item[i];

		fprintf(out, "%s\n%s  ", i ? "," : "", indent);
		json_string(out, h->key);
		fputs(": ", out);
		if (h->literal && h->value)
			fputs(h->value, out);
		else
			json_string(out, h->value);
	}
	fprintf(out, "%s%s}", count ? "\n" : "", count ? indent : "");
}

/* The guest's report lines, one a line, each {"status", "check"}. */
static void json_report(FILE *out, const struct results_test *t)
{
	fprintf(out, ",\n      \"report_dropped\": %u,\n      \"report\": [",
		t->report_dropped);
	for (size_t i = 0; i < t->report_count; i++) {
		const struct results_check *c = &t->report[i];

		fprintf(out, "%s\n        {\"status\": \"%s\", \"check\": ",
			i ? "," : "", results_check_status_name(c->status));
		json_string(out, c->text);
		fputc('}', out);
	}
	fputs(t->report_count ? "\n      ]" : "]", out);
}

static void json_test(FILE *out, const struct results_test *t)
{
	const struct results_checks *c = &t->checks;

	fputs("    {\n      \"name\": ", out);
	json_string(out, t->name);
	fprintf(out, ",\n      \"status\": \"%s\",\n      \"reason\": ",
		results_status_name(t->status));
	json_string(out, t->reason[0] ? t->reason : NULL);
	fprintf(out,
		",\n      \"duration_ms\": %" PRIu64 ",\n"
		"      \"checks\": {\"pass\": %u, \"fail\": %u, \"skip\": %u, "
		"\"xfail\": %u, \"xpass\": %u},\n"
		"      \"cmdline\": ",
		t->duration_ms, c->pass, c->fail, c->skip, c->xfail, c->xpass);
	json_string(out, t->cmdline);
	fprintf(out,
		",\n      \"smp\": %u,\n      \"mem_mib\": %u,\n"
		"      \"timeout_s\": %u,\n",
		t->smp, t->mem_mib, t->timeout_s);
	fputs("      \"exit_status\": ", out);
	json_int_or_null(out, t->has_exit_status, t->exit_status);
	fputs(",\n      \"guest_status\": ", out);
	json_int_or_null(out, t->has_guest_status, t->guest_status);
	fputs(",\n      \"log\": ", out);
	json_string(out, t->log);
	json_vpmu(out, t->vpmu);
	fputs(",\n      \"irqchip\": ", out);
	json_string(out, t->irqchip);
	if (t->libvirt_count) {
		fputs(",\n      \"libvirt\": ", out);
		json_items(out, t->libvirt, t->libvirt_count, "      ");
	}
	json_report(out, t);
	fputs("\n    }", out);
}

/* The "host" object, one "key": value a line. */
static void json_host(FILE *out, const struct results_run *run)
{
	fputs(",\n  \"host\": ", out);
	json_items(out, run->host, run->host_count, "  ");
}

int results_write_json(FILE *out, const struct results_run *run)
{
	struct results_summary sum = results_summarize(run);
	char started[32], sig[RESULTS_SIGNAL_NAME_MAX];
	char scale[MANIFEST_SCALE_NAME_MAX];

	iso8601_utc(run->started_at, started, sizeof(started), true);
	fputs("{\n  \"arch\": ", out);
	json_string(out, run->arch);
	fputs(",\n  \"target\": ", out);
	json_string(out, run->target);
	fputs(",\n  \"requested_target\": ", out);
	json_string(out, run->requested_target);
	fputs(",\n  \"bed\": ", out);
	json_string(out, run->bed);
	fputs(",\n  \"manifest\": ", out);
	json_string(out, run->manifest);
	fprintf(out, ",\n  \"timeout_scale\": %s",
		manifest_scale_name(run->timeout_scale, scale, sizeof(scale)));
	fprintf(out,
		",\n  \"started_at\": \"%s\",\n"
		"  \"duration_ms\": %" PRIu64 ",\n  \"stopped_by\": ",
		started, run->duration_ms);
	json_string(out, run->stop_signal ?
				 results_signal_name(run->stop_signal, sig,
						     sizeof(sig)) :
				 NULL);
	json_host(out, run);
	fputs(",\n  \"tests\": [", out);
	for (size_t i = 0; i < run->count; i++) {
		fputs(i ? ",\n" : "\n", out);
		json_test(out, &run->test[i]);
	}
	fprintf(out,
		"%s],\n  \"summary\": {\"total\": %zu, \"pass\": %u, "
		"\"fail\": %u, \"skip\": %u, \"error\": %u, \"not_run\": %u}\n}\n",
		run->count ? "\n  " : "", run->count, sum.pass, sum.fail,
		sum.skip, sum.error, sum.not_run);
	return results_flush(out);
}

/* The YAML diagnostics block of a failed TAP test point. */
static void tap_diagnostics(FILE *out, const struct results_test *t)
{
	const struct results_checks *c = &t->checks;

	fputs("  ---\n  message: ", out);
	json_string(out, t->reason); /* JSON strings are YAML scalars */
	fprintf(out,
		"\n  severity: %s\n  duration_ms: %" PRIu64 "\n"
		"  checks: {pass: %u, fail: %u, skip: %u, xfail: %u, xpass: %u}\n",
		results_status_name(t->status), t->duration_ms, c->pass,
		c->fail, c->skip, c->xfail, c->xpass);
	fputs("  cmdline: ", out);
	json_string(out, t->cmdline);
	fputs("\n", out);
	if (t->has_exit_status)
		fprintf(out, "  exit_status: %d\n", t->exit_status);
	if (t->log) {
		fputs("  log: ", out);
		json_string(out, t->log);
		fputs("\n", out);
	}
	fputs("  ...\n", out);
}

int results_write_tap(FILE *out, const struct results_run *run)
{
	char sig[RESULTS_SIGNAL_NAME_MAX], scale[MANIFEST_SCALE_NAME_MAX];

	fprintf(out, "TAP version 13\n1..%zu\n", run->count);
	if (run->bed) {
		fputs("# bed: ", out);
		tap_text(out, run->bed, false);
		fputc('\n', out);
	}
	if (run->timeout_scale != MANIFEST_SCALE_ONE)
		fprintf(out, "# timeout_scale: %s\n",
			manifest_scale_name(run->timeout_scale, scale,
					    sizeof(scale)));
	for (size_t i = 0; i < run->count; i++) {
		const struct results_test *t = &run->test[i];

		bool bad = t->status == RESULTS_FAIL ||
			   t->status == RESULTS_ERROR;

		fprintf(out, "%s %zu - ", bad ? "not ok" : "ok", i + 1);
		tap_text(out, t->name, true);
		if (t->status == RESULTS_SKIP) {
			fputs(" # SKIP ", out);
			tap_text(out, t->reason, false);
		} else if (t->status == RESULTS_NOT_RUN) {
			fputs(" # SKIP not run: ", out);
			tap_text(out, t->reason, false);
		}
		fputc('\n', out);
		if (bad)
			tap_diagnostics(out, t);
	}
	/* the TAP way of saying the run ended early: consumers fail it */
	if (run->stop_signal)
		fprintf(out, "Bail out! stopped by %s, %u not run\n",
			results_signal_name(run->stop_signal, sig, sizeof(sig)),
			results_summarize(run).not_run);
	return results_flush(out);
}

static void junit_seconds(FILE *out, uint64_t ms)
{
	fprintf(out, "%" PRIu64 ".%03u", ms / 1000, (unsigned int)(ms % 1000));
}

static const char *junit_element(enum results_status status)
{
	return status == RESULTS_ERROR ? "error" : "failure";
}

static void junit_test(FILE *out, const struct results_test *t,
		       const char *classname)
{
	fputs("    <testcase name=\"", out);
	xml_text(out, t->name);
	fputs("\" classname=\"", out);
	xml_text(out, classname);
	fputs("\" time=\"", out);
	junit_seconds(out, t->duration_ms);
	fputs("\"", out);
	switch (t->status) {
	case RESULTS_PASS:
		fputs("/>\n", out);
		return;
	case RESULTS_SKIP:
	case RESULTS_NOT_RUN:
		fprintf(out, ">\n      <skipped %smessage=\"",
			t->status == RESULTS_NOT_RUN ? "type=\"not-run\" " :
						       "");
		xml_text(out, t->reason);
		fputs("\"/>\n", out);
		break;
	case RESULTS_FAIL:
	case RESULTS_ERROR:
		/* JUnit's error: the test could not run, not a wrong result */
		fprintf(out, ">\n      <%s type=\"%s\" message=\"",
			junit_element(t->status),
			t->status == RESULTS_FAIL ? "fail" : "infrastructure");
		xml_text(out, t->reason);
		fputs("\">cmdline: ", out);
		xml_text(out, t->cmdline);
		if (t->has_exit_status)
			fprintf(out, "\nexit status: %d", t->exit_status);
		if (t->log) {
			fputs("\nlog: ", out);
			xml_text(out, t->log);
		}
		fprintf(out, "</%s>\n", junit_element(t->status));
		break;
	}
	fputs("    </testcase>\n", out);
}

static void junit_properties(FILE *out, const struct results_run *run)
{
	char sig[RESULTS_SIGNAL_NAME_MAX], scale[MANIFEST_SCALE_NAME_MAX];

	fputs("    <properties>\n", out);
	if (run->bed) {
		fputs("      <property name=\"bed\" value=\"", out);
		xml_text(out, run->bed);
		fputs("\"/>\n", out);
	}
	if (run->timeout_scale != MANIFEST_SCALE_ONE)
		fprintf(out,
			"      <property name=\"timeout_scale\" value=\"%s\"/>\n",
			manifest_scale_name(run->timeout_scale, scale,
					    sizeof(scale)));
	if (run->stop_signal)
		fprintf(out,
			"      <property name=\"stopped_by\" value=\"%s\"/>\n",
			results_signal_name(run->stop_signal, sig,
					    sizeof(sig)));
	fputs("    </properties>\n", out);
}

int results_write_junit(FILE *out, const struct results_run *run)
{
	struct results_summary sum = results_summarize(run);
	char started[32], *classname = NULL;
	int ret;

	if (asprintf(&classname, "hvcheck.%s.%s", run->arch, run->target) < 0)
		return -ENOMEM;
	iso8601_utc(run->started_at, started, sizeof(started), false);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fprintf(out,
		"<testsuites tests=\"%zu\" failures=\"%u\" errors=\"%u\" "
		"skipped=\"%u\" time=\"",
		run->count, sum.fail, sum.error, sum.skip + sum.not_run);
	junit_seconds(out, run->duration_ms);
	fputs("\">\n  <testsuite name=\"", out);
	xml_text(out, classname);
	fprintf(out,
		"\" tests=\"%zu\" failures=\"%u\" errors=\"%u\" skipped=\"%u\" "
		"timestamp=\"%s\" time=\"",
		run->count, sum.fail, sum.error, sum.skip + sum.not_run,
		started);
	junit_seconds(out, run->duration_ms);
	fputs("\">\n", out);
	if (run->bed || run->stop_signal ||
	    run->timeout_scale != MANIFEST_SCALE_ONE)
		junit_properties(out, run);
	for (size_t i = 0; i < run->count; i++)
		junit_test(out, &run->test[i], classname);
	fputs("  </testsuite>\n</testsuites>\n", out);
	ret = results_flush(out);
	free(classname);
	return ret;
}

static int write_file(const char *dir, const char *name,
		      int (*writer)(FILE *, const struct results_run *),
		      const struct results_run *run, char *err, size_t err_size)
{
	struct files_atomic f;
	char *path = NULL;
	int ret;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return -ENOMEM;
	/* what a runner killed while writing left */
	files_remove_stale(dir, name);
	ret = files_atomic_open(&f, path);
	if (!ret)
		ret = files_atomic_close(&f, writer(f.out, run));
	if (ret)
		snprintf(err, err_size, "%s: %s", path, strerror(-ret));
	free(path);
	return ret;
}

int results_write_files(const char *dir, const struct results_run *run,
			char *err, size_t err_size)
{
	int ret = write_file(dir, "results.json", results_write_json, run, err,
			     err_size);

	if (!ret)
		ret = write_file(dir, "results.tap", results_write_tap, run,
				 err, err_size);
	if (!ret)
		ret = write_file(dir, "results.xml", results_write_junit, run,
				 err, err_size);
	return ret;
}
