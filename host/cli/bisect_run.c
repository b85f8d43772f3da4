// SPDX-License-Identifier: GPL-2.0-only
/* hvcheck bisect-run: one step of `git bisect run` (runner/bisect.h). */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "array_size.h"
#include "cli/bisect_run.h"
#include "runner/bisect.h"
#include "runner/child.h"
#include "runner/files.h"
#include "runner/results_read.h"
#include "vmm/options.h"

#define HELP_COLUMN	 24
#define MAX_RUNS	 20
#define MAX_NAMES	 32
#define MAX_TIMEOUT_S	 604800 /* a week: a kernel build and a boot fit */
#define DEFAULT_WORK	 "build/bisect-run"
#define GIT_HEAD_WAIT_MS 10000

/* The command line. */
struct bisect_cmd {
	const char *build;
	const char *install;
	const char *suite_cmd;
	const char *hvcheck;
	const char *baseline;
	const char *work;
	const char *log;
	unsigned int runs;
	unsigned int retry;
	unsigned int timeout_s; /* 0: none */
	const char *tests[MAX_NAMES];
	size_t test_count;
	const char *checks[MAX_NAMES];
	size_t check_count;
	bool skip_is_bad;
	bool missing_is_bad;
	bool help;
	char **suite_args; /* after "--" */
	int suite_argc;
};

/* One invocation: the command line and what it set up. */
struct session {
	struct bisect_cmd cmd;
	struct bisect_rules rules;
	struct results_file baseline;
	char *work; /* --work, absolute: the suite command may cd */
	FILE *log;
	char log_path[PATH_MAX];
	char commit[48];     /* HEAD of the current directory, for the log */
	char self[PATH_MAX]; /* the hvcheck of the default suite */
	bool own_suite;	     /* self is this binary */
	struct bisect_outcome run[2 * MAX_RUNS];
};

#define CMD(field) offsetof(struct bisect_cmd, field)

/* @out becomes an abort for the reason given; the value is -1. */
#define abort_with(out, ...) (bisect_set(out, BISECT_ABORT, __VA_ARGS__), -1)

static int set_test(void *dst, const struct option_spec *spec,
		    const char *value, char *err, size_t errlen)
{
	struct bisect_cmd *cmd = dst;

	if (!*value)
		return option_error(err, errlen, "%s: empty name", spec->name);
	if (cmd->test_count == MAX_NAMES)
		return option_error(err, errlen, "%s: more than %d", spec->name,
				    MAX_NAMES);
	cmd->tests[cmd->test_count++] = value;
	return 0;
}

static int set_check(void *dst, const struct option_spec *spec,
		     const char *value, char *err, size_t errlen)
{
	struct bisect_cmd *cmd = dst;
	struct bisect_check_spec check;

	if (bisect_check_split(value, &check))
		return option_error(err, errlen,
				    "%s: '%s' is not TEXT or TEST:TEXT",
				    spec->name, value);
	if (cmd->check_count == MAX_NAMES)
		return option_error(err, errlen, "%s: more than %d", spec->name,
				    MAX_NAMES);
	cmd->checks[cmd->check_count++] = value;
	return 0;
}

/* The options, in the order --help lists them. */
static const struct option_spec specs[] = {
	{ .name = "--build",
	  .arg = "CMD",
	  .help = "first run CMD with /bin/sh -c; its failure\n"
		  "answers skip (125)",
	  .set = option_set_text,
	  .offset = CMD(build) },
	{ .name = "--install",
	  .arg = "CMD",
	  .help = "then CMD (install, boot); failure: skip",
	  .set = option_set_text,
	  .offset = CMD(install) },
	{ .name = "--suite-cmd",
	  .arg = "CMD",
	  .help = "the suite: CMD, which leaves results.json in\n"
		  "$HVCHECK_RESULTS (default: hvcheck suite with\n"
		  "the arguments after '--')",
	  .set = option_set_text,
	  .offset = CMD(suite_cmd) },
	{ .name = "--hvcheck",
	  .arg = "PATH",
	  .help = "the hvcheck that runs the default suite\n"
		  "(default: this one)",
	  .set = option_set_path,
	  .offset = CMD(hvcheck) },
	{ .name = "--runs",
	  .arg = "N",
	  .help = "suite runs that must agree, 1..20 (default 1)",
	  .set = option_set_uint,
	  .offset = CMD(runs),
	  .min = 1,
	  .max = MAX_RUNS },
	{ .name = "--retry",
	  .arg = "K",
	  .help = "when runs disagree, up to K more, 0..20; a\n"
		  "verdict of N runs and of more than half wins",
	  .set = option_set_uint,
	  .offset = CMD(retry),
	  .max = MAX_RUNS },
	{ .name = "--test",
	  .arg = "NAME",
	  .help = "a test that decides (and its runs NAME@...);\n"
		  "repeatable (default: every test)",
	  .set = set_test },
	{ .name = "--check",
	  .arg = "TEXT",
	  .help = "a report line that decides, its text after\n"
		  "'STATUS: ', or TEST:TEXT; repeatable",
	  .set = set_check },
	{ .name = "--skip-is-bad",
	  .help = "a deciding SKIP is bad (default: skip)",
	  .set = option_set_flag,
	  .offset = CMD(skip_is_bad) },
	{ .name = "--missing-is-bad",
	  .help = "a named test or check absent is bad\n"
		  "(default: skip)",
	  .set = option_set_flag,
	  .offset = CMD(missing_is_bad) },
	{ .name = "--baseline",
	  .arg = "FILE",
	  .help = "a known-good results.json: what fails there\n"
		  "too does not count; other metadata: skip",
	  .set = option_set_path,
	  .offset = CMD(baseline) },
	{ .name = "--timeout",
	  .arg = "S",
	  .help = "seconds each step may take, 0 for none\n"
		  "(default 0); past them: skip",
	  .set = option_set_uint,
	  .offset = CMD(timeout_s),
	  .max = MAX_TIMEOUT_S },
	{ .name = "--work",
	  .arg = "DIR",
	  .help = "step outputs and run-I/ results\n"
		  "(default " DEFAULT_WORK ")",
	  .set = option_set_path,
	  .offset = CMD(work) },
	{ .name = "--log",
	  .arg = "FILE",
	  .help = "one line a step is appended to it\n"
		  "(default WORK/bisect-run.log)",
	  .set = option_set_path,
	  .offset = CMD(log) },
	{ .name = "--help",
	  .alias = "-h",
	  .help = "this help",
	  .set = option_set_flag,
	  .offset = CMD(help) },
};

static const struct option_table bisect_options_table = {
	.title = "options",
	.specs = specs,
	.nr = ARRAY_SIZE(specs),
};

static void print_help(void)
{
	printf("usage: hvcheck bisect-run [options] [-- suite arguments]\n"
	       "\n"
	       "One step of `git bisect run`: builds, installs, runs the suite\n"
	       "(--runs times) and answers good, bad or skip from the named tests\n"
	       "and checks of its results.json, not from its exit status.\n"
	       "\n");
	option_help(stdout, &bisect_options_table, HELP_COLUMN);
	printf("\n"
	       "exit status: %d good, %d bad, %d skip (a step failed, runs\n"
	       "disagree, a deciding SKIP, a test or check absent, no results),\n"
	       "%d abort (a bad command line or baseline, bisect-run's own\n"
	       "failure): git bisect run stops.  Each suite run has\n"
	       "HVCHECK_BISECT_RUN=I (1, 2, ...) and HVCHECK_RESULTS=WORK/run-I\n"
	       "in its environment.\n",
	       BISECT_EXIT_GOOD, BISECT_EXIT_BAD, BISECT_EXIT_SKIP,
	       BISECT_EXIT_ABORT);
}

static bool is_out_option(const char *arg)
{
	return !strcmp(arg, "--out") || !strncmp(arg, "--out=", 6);
}

/* What the options mean together; 0, or -EINVAL with the reason. */
static int check_combination(const struct bisect_cmd *cmd, char *err,
			     size_t errlen)
{
	if (cmd->suite_cmd && cmd->suite_argc)
		return option_error(
			err, errlen,
			"--suite-cmd: the arguments after '--' are for the default suite");
	if (cmd->suite_cmd && cmd->hvcheck)
		return option_error(
			err, errlen,
			"--hvcheck: runs the default suite, not --suite-cmd");
	for (int i = 0; i < cmd->suite_argc; i++)
		if (is_out_option(cmd->suite_args[i]))
			return option_error(
				err, errlen,
				"%s: each run's results go to WORK/run-I",
				cmd->suite_args[i]);
	return 0;
}

/* 0 to run, 1 after --help, -EINVAL with the reason in @err. */
static int parse_options(struct bisect_cmd *cmd, int argc, char **argv,
			 char *err, size_t errlen)
{
	int first;

	memset(cmd, 0, sizeof(*cmd));
	cmd->runs = 1;
	cmd->work = DEFAULT_WORK;
	first = option_getopt(&bisect_options_table, false, cmd, &cmd->help,
			      argc, argv, err, errlen);
	if (first < 0)
		return first;
	if (cmd->help) {
		print_help();
		return 1;
	}
	/* getopt_long() stops past "--", or at the first other word */
	if (first < argc && strcmp(argv[first - 1], "--"))
		return option_error(
			err, errlen,
			"unexpected argument '%s' (suite arguments go after '--')",
			argv[first]);
	cmd->suite_args = argv + first;
	cmd->suite_argc = argc - first;
	return check_combination(cmd, err, errlen);
}

/* DIR/NAME into path[PATH_MAX]; -ENAMETOOLONG when it does not fit. */
static int path_in(char *path, const char *dir, const char *name)
{
	int len = snprintf(path, PATH_MAX, "%s/%s", dir, name);

	return len < PATH_MAX ? 0 : -ENAMETOOLONG;
}

/*
 * Adds the first non-empty line of @path to the reason, or with @last
 * the last one that says "error:" (a compiler's, not make's closing
 * "Error 1"), else the last one.
 */
static void add_output_line(struct bisect_outcome *out, const char *path,
			    bool last)
{
	char line[256], keep[256] = "", error[256] = "";
	FILE *in = fopen(path, "re");

	if (!in)
		return;
	while (fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0])
			continue;
		memcpy(keep, line, sizeof(keep));
		if (!last)
			break;
		if (strcasestr(line, "error:"))
			memcpy(error, line, sizeof(error));
	}
	fclose(in);
	if (error[0] || keep[0])
		bisect_append(out, ": %s", error[0] ? error : keep);
}

/* "run-3", "run-12": what an earlier invocation left. */
static bool is_run_dir(const char *name)
{
	if (strncmp(name, "run-", 4) || !name[4])
		return false;
	return strspn(name + 4, "0123456789") == strlen(name + 4);
}

/* Clears what an earlier invocation left in WORK (not the log). */
static int clear_work(struct session *s)
{
	static const char *const files[] = { "build.out", "install.out" };
	DIR *dir = opendir(s->work);
	char path[PATH_MAX];
	struct dirent *e;
	int ret = dir ? 0 : -errno;

	while (!ret && (e = readdir(dir)))
		if (is_run_dir(e->d_name) &&
		    !(ret = path_in(path, s->work, e->d_name)))
			ret = files_remove_tree(path);
	for (size_t i = 0; !ret && i < ARRAY_SIZE(files); i++)
		if (!(ret = path_in(path, s->work, files[i])))
			ret = files_remove_tree(path);
	if (dir)
		closedir(dir);
	return ret;
}

static int timeout_ms(const struct session *s)
{
	return s->cmd.timeout_s ? (int)s->cmd.timeout_s * 1000 : INT_MAX;
}

/* HEAD of the current directory, abbreviated, or "-" outside git. */
static void read_commit(struct session *s)
{
	char *argv[] = { "git", "rev-parse", "--short=12", "HEAD", NULL };
	char path[PATH_MAX];
	int wstatus = 1;
	FILE *in;

	strcpy(s->commit, "-");
	if (path_in(path, s->work, "git-head.out"))
		return;
	in = child_run(argv, path, GIT_HEAD_WAIT_MS, &wstatus) || wstatus ?
		     NULL :
		     fopen(path, "re");
	if (in && fgets(s->commit, sizeof(s->commit), in))
		s->commit[strcspn(s->commit, "\r\n")] = '\0';
	if (in)
		fclose(in);
	unlink(path);
}

/* Appends a line for @step; its errors are found when the log closes. */
static void log_step(struct session *s, const char *step, const char *verdict,
		     uint64_t ms, const char *reason)
{
	time_t now = time(NULL);
	char when[32];
	struct tm tm;

	if (!s->log)
		return;
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	fprintf(s->log, "%s %s %s %s %" PRIu64 ".%03us: %s\n", when, s->commit,
		step, verdict, ms / 1000, (unsigned int)(ms % 1000), reason);
	fflush(s->log);
}

/* WORK made, the log opened, the run directories cleared. */
static int open_work(struct session *s, struct bisect_outcome *out)
{
	int ret = files_make_dirs(s->cmd.work);

	if (ret)
		return abort_with(out, "--work %s: %s", s->cmd.work,
				  strerror(-ret));
	s->work = realpath(s->cmd.work, NULL);
	if (!s->work)
		return abort_with(out, "--work %s: %s", s->cmd.work,
				  strerror(errno));
	if (s->cmd.log)
		snprintf(s->log_path, sizeof(s->log_path), "%s", s->cmd.log);
	else if (path_in(s->log_path, s->work, "bisect-run.log"))
		return abort_with(out, "--work %s: path too long", s->work);
	s->log = fopen(s->log_path, "ae");
	if (!s->log)
		return abort_with(out, "--log %s: %s", s->log_path,
				  strerror(errno));
	read_commit(s);
	ret = clear_work(s);
	if (ret)
		return abort_with(out, "cannot clear %s: %s", s->work,
				  strerror(-ret));
	return 0;
}

/* The suite's hvcheck, the baseline and the rules. */
static int prepare(struct session *s, struct bisect_outcome *out)
{
	char err[512];
	ssize_t len;

	if (open_work(s, out))
		return -1;
	s->own_suite = !s->cmd.hvcheck && !s->cmd.suite_cmd;
	if (s->cmd.hvcheck) {
		snprintf(s->self, sizeof(s->self), "%s", s->cmd.hvcheck);
	} else {
		len = readlink("/proc/self/exe", s->self, sizeof(s->self) - 1);
		if (len < 0)
			return abort_with(out, "/proc/self/exe: %s",
					  strerror(errno));
		s->self[len] = '\0';
	}
	if (s->cmd.baseline &&
	    results_read_file(s->cmd.baseline, &s->baseline, err, sizeof(err)))
		return abort_with(out, "--baseline: %s", err);
	s->rules = (struct bisect_rules){
		.tests = s->cmd.tests,
		.test_count = s->cmd.test_count,
		.checks = s->cmd.checks,
		.check_count = s->cmd.check_count,
		.skip_is_bad = s->cmd.skip_is_bad,
		.missing_is_bad = s->cmd.missing_is_bad,
		.baseline = s->cmd.baseline ? &s->baseline : NULL,
	};
	return 0;
}

/* --build or --install; false with @out set when the step failed. */
static bool command_step(struct session *s, const char *step,
			 const char *command, struct bisect_outcome *out)
{
	char *argv[] = { "/bin/sh", "-c", (char *)command, NULL };
	uint64_t started = child_now_ms();
	char output[PATH_MAX], name[32];
	struct bisect_outcome o;
	int wstatus = 0, ret;

	snprintf(name, sizeof(name), "%s.out", step);
	ret = path_in(output, s->work, name);
	if (!ret)
		ret = child_run(argv, output, timeout_ms(s), &wstatus);
	bisect_judge_exit(step, ret, wstatus, s->cmd.timeout_s, false, &o);
	if (o.verdict == BISECT_SKIP)
		add_output_line(&o, output, true);
	log_step(s, step,
		 o.verdict == BISECT_GOOD ? "ok" :
					    bisect_verdict_name(o.verdict),
		 child_now_ms() - started, o.reason);
	if (o.verdict != BISECT_GOOD)
		*out = o;
	return o.verdict == BISECT_GOOD;
}

/* The suite's command line for results into @dir; NULL: no memory. */
static char **suite_argv(const struct session *s, const char *dir)
{
	char **argv = calloc(s->cmd.suite_argc + 5, sizeof(*argv));
	int n = 0;

	if (!argv)
		return NULL;
	if (s->cmd.suite_cmd) {
		argv[n++] = "/bin/sh";
		argv[n++] = "-c";
		argv[n++] = (char *)s->cmd.suite_cmd;
		return argv;
	}
	argv[n++] = (char *)s->self;
	argv[n++] = "suite";
	for (int i = 0; i < s->cmd.suite_argc; i++)
		argv[n++] = s->cmd.suite_args[i];
	argv[n++] = "--out";
	argv[n++] = (char *)dir;
	return argv;
}

/* Starts the suite in @dir, run @index; -errno when it cannot start. */
static int start_suite(const struct session *s, unsigned int index,
		       const char *dir, const char *output, int *wstatus)
{
	char **argv = suite_argv(s, dir), number[16];
	int ret;

	snprintf(number, sizeof(number), "%u", index);
	if (!argv || setenv("HVCHECK_BISECT_RUN", number, 1) ||
	    setenv("HVCHECK_RESULTS", dir, 1))
		ret = -ENOMEM;
	else
		ret = child_run(argv, output, timeout_ms(s), wstatus);
	free(argv);
	return ret;
}

/* The verdict of the results.json a run left in @dir. */
static void judge_results(const struct session *s, const char *step,
			  const char *dir, int wstatus,
			  struct bisect_outcome *out)
{
	char path[PATH_MAX], err[512];
	struct results_file results;

	if (path_in(path, dir, "results.json")) {
		bisect_set(out, BISECT_ABORT, "%s: path too long", step);
		return;
	}
	if (results_read_file(path, &results, err, sizeof(err))) {
		bisect_judge_no_results(step, wstatus, s->own_suite, err, out);
		if (path_in(path, dir, "suite.out") == 0)
			add_output_line(out, path, false);
		return;
	}
	bisect_judge_run(&s->rules, &results, out);
	results_file_free(&results);
}

/* Suite run @index (1, 2, ...) into WORK/run-INDEX. */
static void suite_step(struct session *s, unsigned int index,
		       struct bisect_outcome *out)
{
	char step[16], dir[PATH_MAX], output[PATH_MAX];
	uint64_t started = child_now_ms();
	int wstatus = 0, ret;

	snprintf(step, sizeof(step), "run-%u", index);
	ret = path_in(dir, s->work, step);
	if (!ret)
		ret = files_make_dirs(dir);
	if (!ret)
		ret = path_in(output, dir, "suite.out");
	if (ret) {
		bisect_set(out, BISECT_ABORT, "%s: %s", step, strerror(-ret));
	} else if (s->cmd.hvcheck && strchr(s->self, '/') &&
		   access(s->self, X_OK)) {
		/* the step that should have made it failed quietly */
		bisect_set(out, BISECT_SKIP, "%s: --hvcheck %s: %s", step,
			   s->self, strerror(errno));
	} else {
		ret = start_suite(s, index, dir, output, &wstatus);
		bisect_judge_exit(step, ret, wstatus, s->cmd.timeout_s, true,
				  out);
		if (out->verdict == BISECT_GOOD)
			judge_results(s, step, dir, wstatus, out);
	}
	log_step(s, step, bisect_verdict_name(out->verdict),
		 child_now_ms() - started, out->reason);
}

static void run_steps(struct session *s, struct bisect_outcome *out)
{
	if (s->cmd.build && !command_step(s, "build", s->cmd.build, out))
		return;
	if (s->cmd.install && !command_step(s, "install", s->cmd.install, out))
		return;
	for (unsigned int i = 0;; i++) {
		suite_step(s, i + 1, &s->run[i]);
		if (bisect_decide(s->run, i + 1, s->cmd.runs, s->cmd.retry,
				  out))
			return;
	}
}

/* The verdict into the log and onto stdout; abort if the log failed. */
static void finish(struct session *s, struct bisect_outcome *out, uint64_t ms)
{
	char reason[BISECT_REASON_MAX + 16];

	snprintf(reason, sizeof(reason), "exit %d: %s",
		 bisect_exit_code(out->verdict), out->reason);
	log_step(s, "verdict", bisect_verdict_name(out->verdict), ms, reason);
	if (s->log && (ferror(s->log) | fclose(s->log)))
		bisect_set(out, BISECT_ABORT, "--log %s: cannot write: %s",
			   s->log_path, strerror(errno));
	s->log = NULL;
	printf("bisect-run: %s (exit %d): %s\n",
	       bisect_verdict_name(out->verdict),
	       bisect_exit_code(out->verdict), out->reason);
	fflush(stdout);
}

int bisect_run_main(int argc, char **argv)
{
	static struct session s;
	uint64_t started = child_now_ms();
	struct bisect_outcome out;
	char err[256];
	int status;

	memset(&s, 0, sizeof(s)); /* the unit tests call again */
	status = parse_options(&s.cmd, argc, argv, err, sizeof(err));
	if (status > 0)
		return 0;
	if (status) {
		fprintf(stderr,
			"hvcheck bisect-run: %s\n"
			"'hvcheck bisect-run --help' lists the options.\n",
			err);
		return BISECT_EXIT_ABORT;
	}
	if (!prepare(&s, &out))
		run_steps(&s, &out);
	finish(&s, &out, child_now_ms() - started);
	if (s.rules.baseline)
		results_file_free(&s.baseline);
	free(s.work);
	return bisect_exit_code(out.verdict);
}
