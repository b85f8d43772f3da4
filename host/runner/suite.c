// SPDX-License-Identifier: GPL-2.0-only
/* The suite runner: runs a test manifest, one fresh VM per entry. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "array_size.h"
#include "hvcheck_abi.h"
#include "runner/child.h"
#include "runner/files.h"
#include "runner/guest_log.h"
#include "runner/host_info.h"
#include "runner/libvirt_xml.h"
#include "runner/manifest.h"
#include "runner/resources.h"
#include "runner/results.h"
#include "runner/suite.h"
#include "runner/target.h"

#define SUITE_EXIT_FAILED    1 /* a test failed */
#define DISK_TOOL_TIMEOUT_MS 10000
#define QEMU_X86_64	     "qemu-system-x86_64"
#define QEMU_AARCH64	     "qemu-system-aarch64"

/*
 * At the end of the suite, how long children that outlived SIGKILL may
 * still take to be reaped before the runner leaves them to init.
 */
#define SUITE_STRAGGLER_WAIT_S 5

/* One selected manifest entry and its run. */
struct test_run {
	const struct manifest_entry *entry;
	unsigned int gic; /* arm64 on QEMU: its GIC version, else 0 */
	int irqchip;	  /* arm64 on the VMM: enum vgic_mode, else -1 */
	char *name;	  /* "NAME", or on arm64 "NAME@gicvN", "NAME@MODE" */
	struct results_test result;
	struct guest_log log; /* the serial log: result's report lines */
	char *cmdline;
	char *log_path;	   /* OUT/logs/NAME.log */
	char *log_tmp;	   /* what the child writes, renamed to log_path */
	char *log_rel;	   /* logs/NAME.log, as results.json names it */
	char *output_path; /* the child's stdout and stderr */
	char *disk_path;   /* TARGET=qemu: the GRUB command-line disk */
	char *script_path; /* what goes on that disk */
	char *vpmu;	   /* the vPMU line of hvcheck run's stderr */
	char *libvirt;	   /* libvirt boot's line: where the domain ran */
	struct results_host_item libvirt_items[8];
	int uri; /* libvirt: the index of its connection, else -1 */
	pid_t pid;
	bool running;
	bool stopped;		/* running when a stop signal came */
	struct child_stop stop; /* the watchdog's steps */
	bool straggler;		/* given up on, not yet reaped */
	uint64_t started_ms;
	uint64_t output_ms; /* when the serial log first grew; 0: not yet */
};

struct suite {
	struct suite_options opt;
	char *defaults[4]; /* default paths, owned */
	struct suite_setup setup;
	struct manifest manifest;
	struct test_run *run;
	size_t count;
	unsigned int jobs;
	bool arm64; /* --arch arm64 */
	/*
	 * Why each irqchip mode cannot run on this host, found by its first
	 * run; empty while it can.  Its later runs are skipped, and counted.
	 */
	char unavailable[VGIC_NR_MODES][RESULTS_REASON_MAX];
	unsigned int unavailable_runs[VGIC_NR_MODES];
	char *workdir;
	char *staged;	 /* libvirt: the guest image in workdir */
	char prefix[64]; /* libvirt: of the domain names, "HOST-PID" */
	char self[PATH_MAX];
	int stop_signal; /* the first stop signal, 0: none */
	int sigfd;
	sigset_t saved_mask;
	struct sigaction saved_sigchld;
};

/* Prints @argv so that it can be pasted into a shell. */
static void print_command(char **argv)
{
	for (char **a = argv; *a; a++) {
		const char *w = *a;
		bool plain = *w &&
			     strspn(w, "abcdefghijklmnopqrstuvwxyz"
				       "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "0123456789_./:=,+@%^-") == strlen(w);

		if (a != argv)
			putchar(' ');
		if (plain) {
			fputs(w, stdout);
			continue;
		}
		putchar('\'');
		for (; *w; w++) {
			if (*w == '\'')
				fputs("'\\''", stdout);
			else
				putchar(*w);
		}
		putchar('\'');
	}
	putchar('\n');
}

static void print_result(const struct test_run *r)
{
	const struct results_test *t = &r->result;
	const char *status[] = { [RESULTS_PASS] = "PASS",
				 [RESULTS_FAIL] = "FAIL",
				 [RESULTS_SKIP] = "SKIP",
				 [RESULTS_ERROR] = "ERROR",
				 [RESULTS_NOT_RUN] = "NOT RUN" };

	printf("%s %s (%u checks, %" PRIu64 " ms)", status[t->status], t->name,
	       results_checks_total(&t->checks), t->duration_ms);
	if (t->reason[0])
		printf(": %s", t->reason);
	putchar('\n');
	fflush(stdout);
}

static void end_test(struct test_run *r, enum results_status status,
		     const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void end_test(struct test_run *r, enum results_status status,
		     const char *fmt, ...)
{
	va_list ap;

	r->result.status = status;
	va_start(ap, fmt);
	vsnprintf(r->result.reason, sizeof(r->result.reason), fmt, ap);
	va_end(ap);
	print_result(r);
}

/* The first line a child printed that is not a warning, for reasons. */
static void first_output_line(const char *path, char *line, size_t size)
{
	FILE *in = fopen(path, "re");

	line[0] = '\0';
	if (!in)
		return;
	while (fgets(line, (int)size, in)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] && !strstr(line, "warning: ") &&
		    strncmp(line, GUEST_LOG_LIBVIRT_PREFIX,
			    strlen(GUEST_LOG_LIBVIRT_PREFIX)))
			break;
		line[0] = '\0';
	}
	fclose(in);
}

/*
 * The child's own output goes to the end of the test's log, so the log
 * holds everything about the run; the serial part is parsed before.
 */
static void append_output(const struct suite *s, const struct test_run *r)
{
	FILE *in = fopen(r->output_path, "re"), *log;
	char buf[4096];
	size_t len;

	if (!in)
		return;
	len = fread(buf, 1, sizeof(buf), in);
	log = len ? fopen(r->log_tmp, "ae") : NULL;
	if (log) {
		if (s->setup.libvirt)
			fprintf(log,
				"\n--- %s libvirt boot stdout and stderr ---\n",
				suite_vmm_name(&s->setup));
		else if (s->setup.target == MANIFEST_TARGET_QEMU)
			fprintf(log, "\n--- QEMU stdout and stderr ---\n");
		else
			fprintf(log, "\n--- %s run stdout and stderr ---\n",
				suite_vmm_name(&s->setup));
		do {
			fwrite(buf, 1, len, log);
		} while ((len = fread(buf, 1, sizeof(buf), in)));
		fclose(log);
	}
	fclose(in);
}

/* Runs mtools' @argv for the disk of @r; false with the reason set. */
static bool run_disk_tool(struct test_run *r, char **argv)
{
	char line[160];
	int wstatus, ret;

	ret = child_run(argv, r->output_path, DISK_TOOL_TIMEOUT_MS, &wstatus);
	if (ret == -ENOENT) {
		end_test(r, RESULTS_FAIL, "%s not found (mtools)", argv[0]);
		return false;
	}
	if (ret) {
		end_test(r, RESULTS_FAIL, "%s: %s", argv[0], strerror(-ret));
		return false;
	}
	if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus)) {
		first_output_line(r->output_path, line, sizeof(line));
		end_test(r, RESULTS_FAIL,
			 "making the GRUB command-line disk: %s failed: %s",
			 argv[0], line);
		return false;
	}
	return true;
}

/* The per-test FAT disk that ci/grub.cfg sources its command line from. */
static bool make_disk(struct test_run *r)
{
	char *script = suite_grub_script(r->cmdline);
	char *mformat[] = { "mformat", "-i",   r->disk_path, "-C",
			    "-f",      "1440", "::",	     NULL };
	char *mcopy[] = { "mcopy",
			  "-i",
			  r->disk_path,
			  r->script_path,
			  "::/" SUITE_GRUB_SCRIPT_NAME,
			  NULL };
	FILE *out = script ? fopen(r->script_path, "we") : NULL;
	bool ok = out && fputs(script, out) >= 0;

	if (out && fclose(out))
		ok = false;
	free(script);
	if (!ok) {
		end_test(r, RESULTS_FAIL, "%s: %s", r->script_path,
			 strerror(errno));
		return false;
	}
	unlink(r->disk_path); /* mformat -C refuses to overwrite */
	return run_disk_tool(r, mformat) && run_disk_tool(r, mcopy);
}

/*
 * The command that boots @r on the target, its disk made first under
 * QEMU on x86_64; NULL when the test ended without one.
 */
static char **boot_argv(const struct suite *s, struct test_run *r)
{
	const struct manifest_entry *e = r->entry;
	char **argv;

	if (s->setup.libvirt) {
		argv = suite_libvirt_argv(&s->setup, e, r->gic,
					  s->opt.uris[r->uri], s->prefix,
					  r->log_tmp);
	} else if (s->setup.target == MANIFEST_TARGET_QEMU && s->setup.arm64) {
		argv = suite_qemu_arm64_argv(&s->setup, e, r->gic, r->log_tmp);
	} else if (s->setup.target == MANIFEST_TARGET_QEMU) {
		if (!make_disk(r))
			return NULL;
		argv = suite_qemu_argv(&s->setup, e, r->disk_path, r->log_tmp);
	} else {
		argv = suite_vmm_argv(
			&s->setup, e,
			r->irqchip >= 0 ? vgic_mode_name(r->irqchip) : NULL,
			r->log_tmp);
	}
	if (!argv)
		end_test(r, RESULTS_FAIL, "out of memory");
	return argv;
}

/*
 * libvirt: whether libvirt can express @r's entry (else it is skipped)
 * and, when it can, the free connection it takes.
 */
static bool libvirt_runnable(struct suite *s, struct test_run *r)
{
	struct libvirt_domain d = { .arm64 = s->arm64 };
	char why[RESULTS_REASON_MAX];
	bool *busy;

	if (libvirt_entry_settings(r->entry, &d, why, sizeof(why))) {
		r->result.log = NULL;
		end_test(r, RESULTS_SKIP, "%s", why);
		return false;
	}
	busy = calloc(s->opt.uri_count, sizeof(*busy));
	if (!busy) {
		end_test(r, RESULTS_FAIL, "out of memory");
		return false;
	}
	for (size_t i = 0; i < s->count; i++) {
		if (s->run[i].running)
			busy[s->run[i].uri] = true;
	}
	/* no more tests run than there are connections: one is free */
	for (r->uri = 0; busy[r->uri]; r->uri++)
		;
	free(busy);
	return true;
}

/* Starts @r's child; false when the test ended without one. */
static bool start_test(struct suite *s, struct test_run *r)
{
	char **argv;
	int fd, ret;

	if (s->setup.libvirt && !libvirt_runnable(s, r))
		return false;
	if (!s->setup.libvirt && !(r->entry->targets & s->setup.target)) {
		r->result.log = NULL;
		end_test(r, RESULTS_SKIP, "not for TARGET=%s",
			 s->opt.target_name);
		return false;
	}
	if (r->irqchip >= 0 && s->unavailable[r->irqchip][0]) {
		r->result.log = NULL;
		s->unavailable_runs[r->irqchip]++;
		end_test(r, RESULTS_SKIP, "%s", s->unavailable[r->irqchip]);
		return false;
	}
	/* an old log must not pass for this run's when the child fails */
	fd = open(r->log_tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		r->result.log = NULL;
		end_test(r, RESULTS_FAIL, "%s: %s", r->log_path,
			 strerror(errno));
		return false;
	}
	close(fd);
	argv = boot_argv(s, r);
	if (!argv)
		return false;
	if (s->opt.verbose)
		print_command(argv);
	r->started_ms = child_now_ms();
	/* argv[0] names this binary: the child calls its libvirt command */
	ret = s->setup.libvirt ? child_spawn_main(s->opt.libvirt_main, argv + 1,
						  r->output_path, &r->pid) :
				 child_spawn(argv, r->output_path, &r->pid);
	if (ret) {
		end_test(r, RESULTS_FAIL, "cannot start %s: %s", argv[0],
			 strerror(-ret));
		suite_argv_free(argv);
		return false;
	}
	suite_argv_free(argv);
	r->running = true;
	return true;
}

/*
 * The "k=v k=v" of libvirt boot's line, cut in place into the items of
 * the test's "libvirt" object.
 */
static void libvirt_items(struct test_run *r)
{
	struct results_test *t = &r->result;
	char *save, *word;

	if (!r->libvirt)
		return;
	for (word = strtok_r(r->libvirt, " ", &save);
	     word && t->libvirt_count < ARRAY_SIZE(r->libvirt_items);
	     word = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(word, '=');

		if (!eq)
			continue;
		*eq = '\0';
		r->libvirt_items[t->libvirt_count++] =
			(struct results_host_item){ .key = word,
						    .value = eq + 1 };
	}
	t->libvirt = r->libvirt_items;
}

/*
 * Judges @r from its serial log and how its child ended; false when the
 * log could not be read (the test is then ended).
 */
static bool judge_test(struct test_run *r, const struct suite_setup *setup,
		       const struct suite_child_end *end, const char *line)
{
	struct results_test *t = &r->result;
	char error[RESULTS_REASON_MAX];
	struct guest_log log;
	int ret = guest_log_parse_file(r->log_tmp, &r->log);

	if (ret) {
		end_test(r, RESULTS_FAIL, "%s: %s", r->log_path,
			 strerror(-ret));
		return false;
	}
	t->has_guest_status = suite_decode_end(setup, r->entry, end, &r->log,
					       line, &t->guest_status, error,
					       sizeof(error));
	if (r->entry->expect != MANIFEST_EXPECT_REPORT)
		t->status = guest_log_expected(
			&r->log, r->entry->expect, r->entry->expect_status,
			end->stop == CHILD_STOP_NONE && !end->signaled ?
				end->code :
				-1,
			t->has_guest_status ? NULL : error, t->reason,
			sizeof(t->reason));
	else
		t->status = guest_log_verdict(
			&r->log, t->has_guest_status ? NULL : error,
			t->has_guest_status, t->guest_status, t->reason,
			sizeof(t->reason));
	t->checks = r->log.checks;
	t->report = r->log.report;
	t->report_count = r->log.report_count;
	t->report_dropped = r->log.report_dropped;
	/* libvirt's failures are not the guest's nor the hypervisor's */
	if (suite_infra_error(setup, end)) {
		t->status = RESULTS_ERROR;
		snprintf(t->reason, sizeof(t->reason), "%s", error);
	}
	/*
	 * The child's own output says which vPMU ran (hvcheck run), or
	 * where and how the domain ran (libvirt boot).
	 */
	if (!guest_log_parse_file(r->output_path, &log)) {
		t->vpmu = r->vpmu = log.vpmu;
		r->libvirt = log.libvirt;
		log.vpmu = NULL;
		log.libvirt = NULL;
		guest_log_free(&log);
		libvirt_items(r);
	}
	return true;
}

/*
 * @r's child was reaped with @wstatus, or waiting failed with -@error_no,
 * or the watchdog gave up on it (CHILD_STOP_STUCK: no status, and the
 * log is judged as far as it goes).
 */
static void finish_test(struct suite *s, struct test_run *r, int error_no,
			int wstatus)
{
	struct results_test *t = &r->result;
	struct suite_child_end end = { .stop = r->stop.state,
				       .output_seen = r->output_ms != 0 };
	char line[160];

	r->running = false;
	t->duration_ms = child_now_ms() - r->started_ms;
	if (error_no) {
		end_test(r, RESULTS_FAIL, "waiting for the child: %s",
			 strerror(-error_no));
		return;
	}
	if (end.stop != CHILD_STOP_STUCK) {
		end.signaled = WIFSIGNALED(wstatus);
		end.code = end.signaled ? WTERMSIG(wstatus) :
					  WEXITSTATUS(wstatus);
		t->has_exit_status = !end.signaled;
		t->exit_status = end.code;
	}
	first_output_line(r->output_path, line, sizeof(line));
	if (r->irqchip >= 0 &&
	    suite_irqchip_unavailable(&s->setup, r->irqchip, &end, line,
				      t->reason, sizeof(t->reason))) {
		snprintf(s->unavailable[r->irqchip], RESULTS_REASON_MAX, "%s",
			 t->reason);
		s->unavailable_runs[r->irqchip]++;
		t->status = RESULTS_SKIP;
	} else if (!judge_test(r, &s->setup, &end, line)) {
		return;
	}
	append_output(s, r);
	print_result(r);
}

/*
 * Under QEMU a test's timeout starts with its first serial output, which
 * is watched at this interval until it comes.
 */
#define OUTPUT_WATCH_MS 200

static void watch_output(struct test_run *r, uint64_t now)
{
	struct stat st;

	if (!r->output_ms && !stat(r->log_tmp, &st) && st.st_size > 0)
		r->output_ms = now;
}

static uint64_t deadline(const struct suite *s, const struct test_run *r)
{
	return suite_deadline_ms(&s->setup, r->entry, r->started_ms,
				 r->output_ms);
}

/*
 * Moves @r's watchdog on at @now, signalling the child's group; true when
 * it gave up on the child.  The deadline follows the serial output until
 * the watchdog fires, or until a stop signal brings it forward.
 */
static bool step_watchdog(struct suite *s, struct test_run *r, uint64_t now)
{
	int sig;

	if (r->stop.state == CHILD_STOP_NONE && !s->stop_signal)
		r->stop.due_ms = deadline(s, r);
	sig = child_stop_step(&r->stop, now);
	if (sig)
		child_kill_group(r->pid, sig);
	return r->stop.state == CHILD_STOP_STUCK;
}

/*
 * The test's log, whole or as far as it went, takes its name in the
 * results directory, durably (files_commit()); a test that never began
 * has none.
 */
static void commit_log(const struct test_run *r)
{
	int ret = files_commit(r->log_tmp, r->log_path);

	if (ret && ret != -ENOENT)
		fprintf(stderr, "hvcheck suite: %s: %s\n", r->log_path,
			strerror(-ret));
}

/*
 * @r's child has ended (@ret 1), waiting for it failed (@ret -errno) or
 * the watchdog gave up on it (@ret 1, left a straggler to reap later).
 * Once the suite is stopping no test gets a verdict.
 */
static void end_child(struct suite *s, struct test_run *r, int ret, int wstatus)
{
	r->straggler = r->stop.state == CHILD_STOP_STUCK;
	if (s->stop_signal) {
		r->running = false;
		return;
	}
	finish_test(s, r, ret < 0 ? ret : 0, wstatus);
	commit_log(r);
}

/* Reaps the children given up on that have ended; returns those left. */
static size_t reap_stragglers(struct suite *s)
{
	size_t left = 0;
	int wstatus;

	for (size_t i = 0; i < s->count; i++) {
		struct test_run *r = &s->run[i];

		if (r->straggler && child_poll(r->pid, &wstatus))
			r->straggler = false;
		left += r->straggler;
	}
	return left;
}

/*
 * Finishes the tests whose child has ended or been given up on, and moves
 * the watchdogs on.  Returns how many tests ended; *timeout becomes the
 * milliseconds to the next watchdog step or output check.
 */
static int check_tests(struct suite *s, int *timeout)
{
	uint64_t now = child_now_ms();
	int ended = 0;

	for (size_t i = 0; i < s->count; i++) {
		struct test_run *r = &s->run[i];
		int wstatus = 0, ret;

		if (!r->running)
			continue;
		watch_output(r, now);
		ret = child_poll(r->pid, &wstatus);
		if (!ret && step_watchdog(s, r, now))
			ret = 1;
		if (ret) {
			end_child(s, r, ret, wstatus);
			ended++;
			continue;
		}
		if (r->stop.due_ms - now < (uint64_t)*timeout)
			*timeout = (int)(r->stop.due_ms - now);
		if (!r->output_ms && s->setup.target == MANIFEST_TARGET_QEMU &&
		    *timeout > OUTPUT_WATCH_MS)
			*timeout = OUTPUT_WATCH_MS;
	}
	return ended;
}

/* Drains the signalfd; returns the last stop signal read, or 0. */
static int read_signals(struct suite *s)
{
	struct signalfd_siginfo si;
	int sig = 0;

	while (read(s->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo != SIGCHLD)
			sig = (int)si.ssi_signo;
	}
	return sig;
}

/*
 * Finishes the tests whose child has ended or run out of time; when none
 * has, waits for a signal or the next watchdog step.  Never blocks past
 * that, whatever a child does.  Returns the stop signal that came, 0, or
 * -errno.
 */
static int wait_for_tests(struct suite *s)
{
	struct pollfd pfd = { .fd = s->sigfd, .events = POLLIN };
	int timeout = INT_MAX;

	reap_stragglers(s);
	if (check_tests(s, &timeout))
		return 0;
	/* SIGCHLD stays pending in the signalfd until read: no lost wake-up */
	if (poll(&pfd, 1, timeout) < 0)
		return errno == EINTR ? 0 : -errno;
	return read_signals(s);
}

/*
 * A stop signal: the running tests are stopped as at their deadline, at
 * once; each further signal skips the wait before the next step.
 */
static void stop_tests(struct suite *s, int sig)
{
	uint64_t now = child_now_ms();

	if (!s->stop_signal)
		s->stop_signal = sig;
	for (size_t i = 0; i < s->count; i++) {
		struct test_run *r = &s->run[i];

		r->stopped |= r->running;
		if (r->running && r->stop.state < CHILD_STOP_KILL)
			r->stop.due_ms = now;
	}
}

/* The event loop is gone: nothing of a test may outlive the runner. */
static void kill_tests(struct suite *s)
{
	for (size_t i = 0; i < s->count; i++) {
		if (s->run[i].running || s->run[i].straggler)
			child_kill_group(s->run[i].pid, SIGKILL);
	}
}

/*
 * The suite is over: children that outlived SIGKILL get a last chance of
 * @wait_ms to be reaped (a stop signal ends it), then are left to init.
 */
static void wait_for_stragglers(struct suite *s, uint64_t wait_ms)
{
	uint64_t end = child_now_ms() + wait_ms, now;
	struct pollfd pfd = { .fd = s->sigfd, .events = POLLIN };

	while (reap_stragglers(s) && (now = child_now_ms()) < end) {
		if (poll(&pfd, 1, (int)(end - now)) < 0 && errno != EINTR)
			break;
		if (read_signals(s))
			break;
	}
	for (size_t i = 0; i < s->count; i++) {
		if (s->run[i].straggler)
			fprintf(stderr,
				"hvcheck suite: %s: its child (pid %d) did not exit after SIGKILL; left behind\n",
				s->run[i].name, (int)s->run[i].pid);
	}
}

static size_t running_tests(const struct suite *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->count; i++)
		n += s->run[i].running;
	return n;
}

/*
 * Child exits and the signals that stop a suite arrive through one
 * signalfd, so a single poll() waits for all of them.
 */
static int block_signals(struct suite *s)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	/* an inherited SIG_IGN would reap children behind our back */
	if (sigaction(SIGCHLD, &dfl, &s->saved_sigchld))
		return -errno;
	if (sigprocmask(SIG_BLOCK, &set, &s->saved_mask)) {
		sigaction(SIGCHLD, &s->saved_sigchld, NULL);
		return -errno;
	}
	s->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (s->sigfd < 0) {
		sigprocmask(SIG_SETMASK, &s->saved_mask, NULL);
		sigaction(SIGCHLD, &s->saved_sigchld, NULL);
		return -errno;
	}
	return 0;
}

static void restore_signals(struct suite *s)
{
	struct signalfd_siginfo si;

	/* the suite is over: a pending stop signal would only lose results */
	while (read(s->sigfd, &si, sizeof(si)) == sizeof(si))
		;
	close(s->sigfd);
	s->sigfd = -1;
	sigprocmask(SIG_SETMASK, &s->saved_mask, NULL);
	sigaction(SIGCHLD, &s->saved_sigchld, NULL);
}

/* Writes the results files and prints the summary; the exit status. */
static int write_results(struct suite *s, time_t started_at,
			 uint64_t duration_ms)
{
	struct results_run run = {
		.arch = s->opt.arch,
		.target = s->opt.target_name,
		.requested_target = s->opt.requested ?: s->opt.target_name,
		.bed = s->opt.bed,
		.manifest = s->opt.manifest,
		.timeout_scale = s->opt.timeout_scale,
		.started_at = started_at,
		.duration_ms = duration_ms,
		.count = s->count,
		.stop_signal = s->stop_signal,
	};
	struct results_test *tests = calloc(s->count, sizeof(*tests));
	struct results_summary sum;
	char err[PATH_MAX + 64];
	struct host_info host;
	struct utsname uts;
	int ret;

	/* in the nested bed, the bed's kernel: the KVM the tests ran on */
	if (!tests ||
	    host_info_collect("/", uname(&uts) ? NULL : &uts, &host)) {
		free(tests);
		return HV_EXIT_VMM_ERROR;
	}
	for (size_t i = 0; i < s->count; i++)
		tests[i] = s->run[i].result;
	run.test = tests;
	run.host = host.item;
	run.host_count = host.count;
	ret = results_write_files(s->opt.out, &run, err, sizeof(err));
	sum = results_summarize(&run);
	free(tests);
	host_info_free(&host);
	/* Said once more, next to the counts it explains. */
	for (int chip = 0; chip < VGIC_NR_MODES; chip++) {
		if (s->unavailable[chip][0])
			printf("hvcheck suite: %s (%u run%s skipped)\n",
			       s->unavailable[chip], s->unavailable_runs[chip],
			       s->unavailable_runs[chip] == 1 ? "" : "s");
	}
	if (sum.error)
		printf("hvcheck suite: %u test%s ended in an infrastructure error (status error)\n",
		       sum.error, sum.error == 1 ? "" : "s");
	if (sum.not_run)
		printf("hvcheck suite: %u test%s not run (stopped by a signal)\n",
		       sum.not_run, sum.not_run == 1 ? "" : "s");
	printf("%u passed, %u failed, %u skipped\n", sum.pass, sum.fail,
	       sum.skip);
	fflush(stdout);
	if (ret) {
		fprintf(stderr, "hvcheck suite: %s\n", err);
		return HV_EXIT_VMM_ERROR;
	}
	if (sum.fail)
		return SUITE_EXIT_FAILED;
	return sum.error ? HV_EXIT_VMM_ERROR : 0;
}

/* --resources: what the runner holds, as the leak checks read it. */
static void print_resources(const char *when)
{
	struct resources r;
	int ret = resources_measure(&r);

	if (ret)
		fprintf(stderr, "hvcheck suite: /proc/self: %s\n",
			strerror(-ret));
	else
		resources_print(stdout, when, &r);
}

/*
 * The suite was stopped: the tests from @next on never began, those
 * running then were stopped before their verdict (their partial logs
 * kept).  Both are "not run", saying which.
 */
static void mark_not_run(struct suite *s, size_t next)
{
	char sig[RESULTS_SIGNAL_NAME_MAX];

	results_signal_name(s->stop_signal, sig, sizeof(sig));
	for (size_t i = 0; i < s->count; i++) {
		struct test_run *r = &s->run[i];

		if (i >= next) {
			r->result.log = NULL;
			end_test(r, RESULTS_NOT_RUN,
				 "the suite was stopped by %s before it began",
				 sig);
		} else if (r->stopped) {
			r->result.duration_ms = child_now_ms() - r->started_ms;
			append_output(s, r);
			commit_log(r);
			end_test(
				r, RESULTS_NOT_RUN,
				"the suite was stopped by %s while it ran; its log is partial",
				sig);
		}
	}
}

/*
 * Runs the selected tests, --jobs at a time.  A stop signal stops the
 * running ones (stop_tests()) and starts no more; the loop ends once no
 * child is left running, each reaped or given up on.
 */
static int run_tests(struct suite *s)
{
	time_t started_at = time(NULL);
	uint64_t started = child_now_ms();
	size_t next = 0;
	int ret;

	if (s->opt.resources)
		print_resources("start");
	ret = block_signals(s);
	if (ret) {
		fprintf(stderr, "hvcheck suite: signalfd: %s\n",
			strerror(-ret));
		return HV_EXIT_VMM_ERROR;
	}
	while (ret >= 0) {
		while (!s->stop_signal && next < s->count &&
		       running_tests(s) < s->jobs)
			start_test(s, &s->run[next++]);
		if (!running_tests(s))
			break;
		ret = wait_for_tests(s);
		if (ret > 0)
			stop_tests(s, ret);
	}
	if (ret < 0) {
		kill_tests(s);
		fprintf(stderr, "hvcheck suite: poll: %s\n", strerror(-ret));
		ret = HV_EXIT_VMM_ERROR;
	} else if (s->stop_signal) {
		mark_not_run(s, next);
		write_results(s, started_at, child_now_ms() - started);
		wait_for_stragglers(s, 0);
		fprintf(stderr, "hvcheck suite: stopped by signal %d (%s)\n",
			s->stop_signal, strsignal(s->stop_signal));
		ret = 128 + s->stop_signal;
	} else {
		ret = write_results(s, started_at, child_now_ms() - started);
		wait_for_stragglers(s, 1000 * SUITE_STRAGGLER_WAIT_S);
	}
	restore_signals(s);
	if (s->opt.resources)
		print_resources("end");
	return ret;
}

/* asprintf() that leaves NULL, not garbage, when it fails. */
static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *format(const char *fmt, ...)
{
	char *text;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vasprintf(&text, fmt, ap);
	va_end(ap);
	return len < 0 ? NULL : text;
}

static int set_default(struct suite *s, const char **opt, int slot,
		       const char *fmt)
{
	if (*opt)
		return 0;
	s->defaults[slot] = format(fmt, s->opt.arch);
	if (!s->defaults[slot])
		return -ENOMEM;
	*opt = s->defaults[slot];
	return 0;
}

static int apply_defaults(struct suite *s)
{
	struct suite_options *o = &s->opt;

	if (set_default(s, &o->manifest, 0, "guest/tests/%s.cfg") ||
	    set_default(s, &o->guest, 1, "build/%s/guest.elf") ||
	    set_default(s, &o->iso, 2, "build/%s/guest.iso") ||
	    set_default(s, &o->out, 3, "build/%s/results"))
		return -ENOMEM;
	return 0;
}

static void add_run(struct suite *s, const struct manifest_entry *e,
		    unsigned int gic, int irqchip)
{
	s->run[s->count++] =
		(struct test_run){ .entry = e, .gic = gic, .irqchip = irqchip };
}

/*
 * The run or runs of entry @e: on arm64 one per irqchip mode on the VMM,
 * one per GIC version on QEMU.
 */
static void add_runs(struct suite *s, const struct manifest_entry *e)
{
	unsigned int versions = e->gic_versions ?: MANIFEST_GIC_ALL;
	unsigned int chips;

	if (!s->arm64) {
		add_run(s, e, 0, -1);
		return;
	}
	if (s->setup.target == MANIFEST_TARGET_VMM) {
		chips = suite_irqchips_of(
			e, s->opt.irqchips ?: SUITE_IRQCHIPS_DEFAULT,
			s->opt.gic_versions);
		for (int chip = 0; chip < VGIC_NR_MODES; chip++) {
			if (chips & SUITE_IRQCHIP_BIT(chip))
				add_run(s, e, 0, chip);
		}
		return;
	}
	versions &= s->opt.gic_versions;
	for (unsigned int gic = 2; gic <= 3; gic++) {
		if (versions & (gic == 2 ? MANIFEST_GIC_V2 : MANIFEST_GIC_V3))
			add_run(s, e, gic, -1);
	}
}

/*
 * Fills s->run with the entries the options select, in manifest order;
 * on arm64 each entry once per irqchip mode or GIC version.
 */
static int select_tests(struct suite *s)
{
	bool *selected = calloc(s->manifest.count + 1, sizeof(*selected));
	char err[256];
	int ret;

	if (!selected)
		return -ENOMEM;
	ret = manifest_select(&s->manifest, s->opt.tests, selected, err,
			      sizeof(err));
	if (ret) {
		fprintf(stderr, "hvcheck suite: --tests: %s in %s\n", err,
			s->opt.manifest);
		goto out;
	}
	/* arm64 entries run once per irqchip mode or GIC version */
	s->run = calloc(VGIC_NR_MODES * s->manifest.count + 1, sizeof(*s->run));
	if (!s->run) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < s->manifest.count; i++) {
		if (!selected[i])
			continue;
		/* the one place a timeout is decided: every target's */
		ret = manifest_scale_timeout(&s->manifest.entry[i],
					     s->opt.timeout_scale, err,
					     sizeof(err));
		if (ret) {
			fprintf(stderr,
				"hvcheck suite: --timeout-scale: %s in %s\n",
				err, s->opt.manifest);
			ret = -EINVAL;
			goto out;
		}
		add_runs(s, &s->manifest.entry[i]);
	}
	if (!s->count) {
		fprintf(stderr, "hvcheck suite: no tests selected from %s\n",
			s->opt.manifest);
		ret = -EINVAL;
	}
out:
	free(selected);
	return ret;
}

static void list_tests(const struct suite *s)
{
	for (size_t i = 0; i < s->count; i++) {
		const struct manifest_entry *e = s->run[i].entry;

		printf("%s: %s smp=%u mem=%u timeout=%u targets=%s%s%s",
		       s->run[i].name, s->run[i].cmdline, e->smp, e->mem_mib,
		       e->timeout_s,
		       e->targets & MANIFEST_TARGET_VMM ? "vmm" : "",
		       e->targets == MANIFEST_TARGETS_ALL ? "," : "",
		       e->targets & MANIFEST_TARGET_QEMU ? "qemu" : "");
		for (size_t g = 0; g < e->groups.count; g++)
			printf("%s%s", g ? "," : " groups=", e->groups.word[g]);
		putchar('\n');
	}
}

static bool host_is_arm64(void)
{
	struct utsname u;

	return !uname(&u) && !strcmp(u.machine, "aarch64");
}

/*
 * The host checks of the target, and its set-up; 0 or the exit status.
 * vmm and nested need a usable /dev/kvm and a host of the guest's
 * architecture, unless --vmm names another VMM, whose business KVM then
 * is.  There is no fallback to QEMU: it runs only when asked for.
 */
static int setup_target(struct suite *s)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int kvm_errno = fd < 0 ? errno : 0;
	bool own_vmm = s->setup.target == MANIFEST_TARGET_VMM && !s->opt.vmm;
	bool foreign = s->arm64 && !host_is_arm64(); /* no KVM for it here */

	if (fd >= 0)
		close(fd);
	if (own_vmm && foreign) {
		fprintf(stderr,
			"hvcheck suite: --target %s: arm64 guests cannot run on this host's KVM: use --target qemu, or make run-tests ARCH=arm64 TARGET=nested\n",
			s->opt.target_name);
		return HV_EXIT_NO_KVM;
	}
	if (s->setup.libvirt && !s->opt.libvirt_main) {
		fprintf(stderr,
			"hvcheck suite: --target libvirt: this hvcheck is built without libvirt (a cross build)\n");
		return HV_EXIT_USAGE;
	}
	if (own_vmm && kvm_errno) {
		fprintf(stderr,
			"hvcheck suite: --target %s: cannot open /dev/kvm (%s): use --target qemu, or run inside the nested KVM test bed: make run-tests TARGET=nested\n",
			s->opt.target_name, strerror(kvm_errno));
		return HV_EXIT_NO_KVM;
	}
	s->setup.arm64 = s->arm64;
	s->setup.qemu = s->arm64 ? QEMU_AARCH64 : QEMU_X86_64;
	s->setup.qemu_kvm = s->opt.accel == SUITE_QEMU_ACCEL_KVM ||
			    (s->opt.accel == SUITE_QEMU_ACCEL_AUTO &&
			     !kvm_errno && !foreign);
	s->setup.guest = s->opt.guest;
	s->setup.iso = s->opt.iso;
	s->jobs = s->opt.jobs;
	/* libvirt: one test per connection at a time */
	if (s->setup.libvirt)
		s->jobs = s->opt.uri_count;
	if (!s->jobs) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		/* vmm boots take milliseconds; QEMU's firmware takes seconds */
		s->jobs = s->setup.target == MANIFEST_TARGET_QEMU && cpus > 1 ?
				  2 :
				  1;
	}
	return 0;
}

/* The command line, and with @files the paths, of @r. */
static int init_test(struct suite *s, struct test_run *r, size_t index,
		     bool files)
{
	const char *name;
	char *logs;

	r->pid = -1;
	r->uri = -1;
	if (s->setup.libvirt)
		r->stop.term_grace_s = SUITE_LIBVIRT_TERM_GRACE_S;
	if (r->irqchip >= 0)
		r->name = suite_irqchip_run_name(r->entry->name, r->irqchip);
	else if (r->gic)
		r->name = suite_run_name(r->entry->name, r->gic);
	else
		r->name = strdup(r->entry->name);
	r->cmdline = suite_guest_cmdline(r->entry);
	if (!r->name || !r->cmdline)
		return -ENOMEM;
	name = r->name;
	if (!files)
		goto out;
	r->log_path = format("%s/logs/%s.log", s->opt.out, name);
	r->log_rel = format("logs/%s.log", name);
	r->log_tmp = format("%s.%d.tmp", r->log_path, (int)getpid());
	logs = format("%s/logs", s->opt.out);
	/* what a runner killed in this directory left of the log */
	if (logs && r->log_path)
		files_remove_stale(logs, r->log_path + strlen(logs) + 1);
	free(logs);
	r->output_path = format("%s/%zu.out", s->workdir, index);
	r->disk_path = format("%s/%zu.img", s->workdir, index);
	r->script_path = format("%s/%zu.cfg", s->workdir, index);
	if (!r->log_path || !r->log_rel || !r->log_tmp || !r->output_path ||
	    !r->disk_path || !r->script_path)
		return -ENOMEM;
out:
	r->result = (struct results_test){
		.name = name,
		.status = RESULTS_FAIL,
		.cmdline = r->cmdline,
		.smp = r->entry->smp,
		.mem_mib = r->entry->mem_mib,
		.timeout_s = r->entry->timeout_s,
		.log = r->log_rel,
		.irqchip = r->irqchip >= 0 ? vgic_mode_name(r->irqchip) : NULL,
	};
	return 0;
}

/* What the chosen target needs from the file system. */
static int check_inputs(struct suite *s)
{
	/* Only x86_64 under QEMU boots the GRUB ISO; the rest the ELF. */
	bool iso = s->setup.target == MANIFEST_TARGET_QEMU && !s->arm64;
	const char *what = iso ? "--iso" : "--guest";
	const char *path = iso ? s->opt.iso : s->opt.guest;
	ssize_t len;

	if (access(path, R_OK)) {
		fprintf(stderr, "hvcheck suite: %s %s: %s\n", what, path,
			strerror(errno));
		return HV_EXIT_USAGE;
	}
	/* without a slash, exec looks the name up in PATH */
	if (s->opt.vmm && strchr(s->opt.vmm, '/') && access(s->opt.vmm, X_OK)) {
		fprintf(stderr, "hvcheck suite: --vmm %s: %s\n", s->opt.vmm,
			strerror(errno));
		return HV_EXIT_USAGE;
	}
	if (s->opt.vmm) {
		s->setup.self = s->opt.vmm;
		return 0;
	}
	len = readlink("/proc/self/exe", s->self, sizeof(s->self) - 1);
	if (len < 0) {
		fprintf(stderr, "hvcheck suite: /proc/self/exe: %s\n",
			strerror(errno));
		return HV_EXIT_VMM_ERROR;
	}
	s->self[len] = '\0';
	s->setup.self = s->self;
	return 0;
}

/* Copies @from to the new file @to; 0 or -errno. */
static int copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out, ret = 0;
	char buf[65536];
	ssize_t len;

	if (in < 0)
		return -errno;
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	/* readable by libvirt-qemu whatever our umask */
	if (out < 0 || fchmod(out, 0644)) {
		ret = -errno;
		if (out >= 0)
			close(out);
		close(in);
		return ret;
	}
	while ((len = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, (size_t)len) != len) {
			ret = -EIO;
			break;
		}
	}
	if (len < 0)
		ret = -errno;
	if (close(out) && !ret)
		ret = -errno;
	close(in);
	return ret;
}

/* The staged directories: STAGE_PREFIX.PID.XXXXXX, under --stage. */
#define STAGE_PREFIX "hvcheck-suite"

/*
 * mkdir -p @stage, searchable by libvirt-qemu whatever our umask (each
 * directory made on the way too); what runners killed before their
 * cleanup left there goes (a warning else).
 */
static int prepare_stage(const char *stage)
{
	int ret = files_make_dirs_mode(stage, 0755);
	struct stat st;

	if (!ret && stat(stage, &st))
		ret = -errno;
	if (!ret && (st.st_mode & 0755) != 0755 &&
	    chmod(stage, st.st_mode | 0755))
		ret = -errno;
	if (ret)
		return ret;
	ret = files_remove_stale(stage, STAGE_PREFIX);
	if (ret)
		fprintf(stderr,
			"hvcheck suite: --stage %s: removing what dead runs left: %s\n",
			stage, strerror(-ret));
	return 0;
}

/*
 * libvirt: the work directory is made under --stage, where the daemon's
 * QEMU (user libvirt-qemu, AppArmor) may read the guest image copied
 * there; it goes at the end, with everything in it.
 */
static int make_stage(struct suite *s)
{
	const char *stage = s->opt.stage ?: SUITE_LIBVIRT_STAGE;
	const char *image = s->arm64 ? s->opt.guest : s->opt.iso;
	struct utsname u;
	int ret = prepare_stage(stage);

	snprintf(s->prefix, sizeof(s->prefix), "%.40s-%d",
		 uname(&u) ? "host" : u.nodename, (int)getpid());
	s->workdir = ret ? NULL :
			   format("%s/" STAGE_PREFIX ".%d.XXXXXX", stage,
				  (int)getpid());
	if (!ret && (!s->workdir || !mkdtemp(s->workdir)))
		ret = s->workdir ? -errno : -ENOMEM;
	if (!ret && chmod(s->workdir, 0755))
		ret = -errno;
	if (!ret) {
		s->staged = format("%s/%s", s->workdir,
				   s->arm64 ? "guest.elf" : "guest.iso");
		ret = s->staged ? copy_file(image, s->staged) : -ENOMEM;
	}
	if (ret) {
		fprintf(stderr, "hvcheck suite: --stage %s: %s\n", stage,
			strerror(-ret));
		return ret;
	}
	s->setup.image = s->staged;
	s->setup.manifest = s->opt.manifest;
	return 0;
}

static int make_work_dirs(struct suite *s)
{
	const char *tmp = getenv("TMPDIR");
	char *logs = format("%s/logs", s->opt.out);
	int ret;

	if (!logs)
		return -ENOMEM;
	ret = files_make_dirs(logs);
	if (ret)
		fprintf(stderr, "hvcheck suite: %s: %s\n", logs,
			strerror(-ret));
	free(logs);
	if (ret)
		return ret;
	if (s->setup.libvirt)
		return make_stage(s);
	s->workdir =
		format("%s/hvcheck-suite.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!s->workdir)
		return -ENOMEM;
	if (!mkdtemp(s->workdir)) {
		ret = -errno;
		fprintf(stderr, "hvcheck suite: %s: %s\n", s->workdir,
			strerror(-ret));
		free(s->workdir);
		s->workdir = NULL;
	}
	return ret;
}

/*
 * The gic key and --gic only mean something to arm64 guests, --irqchip
 * only to arm64 guests on the VMM.
 */
static int check_arm64_options(const struct suite *s)
{
	if (s->opt.irqchips && !s->arm64) {
		fprintf(stderr,
			"hvcheck suite: --irqchip: only for --arch arm64\n");
		return HV_EXIT_USAGE;
	}
	if (s->opt.irqchips && s->setup.target != MANIFEST_TARGET_VMM) {
		fprintf(stderr,
			"hvcheck suite: --irqchip: only for --target vmm or nested (QEMU's GIC is chosen with --gic)\n");
		return HV_EXIT_USAGE;
	}
	if (s->arm64)
		return 0;
	if (s->opt.gic_versions != MANIFEST_GIC_ALL) {
		fprintf(stderr,
			"hvcheck suite: --gic: only for --arch arm64\n");
		return HV_EXIT_USAGE;
	}
	for (size_t i = 0; i < s->manifest.count; i++) {
		const struct manifest_entry *e = &s->manifest.entry[i];

		if (e->gic_versions) {
			fprintf(stderr,
				"hvcheck suite: %s:%u: [%s]: the gic key is only for arm64 manifests\n",
				s->opt.manifest, e->line, e->name);
			return HV_EXIT_USAGE;
		}
	}
	return 0;
}

/* Everything before the first boot; 0 or the exit status. */
static int prepare(struct suite *s)
{
	char err[PATH_MAX + 256];
	int ret;

	s->arm64 = !strcmp(s->opt.arch, "arm64");
	if (!s->arm64 && strcmp(s->opt.arch, "x86_64")) {
		fprintf(stderr,
			"hvcheck suite: --arch %s: only x86_64 and arm64 are supported\n",
			s->opt.arch);
		return HV_EXIT_USAGE;
	}
	if (apply_defaults(s))
		return HV_EXIT_VMM_ERROR;
	ret = manifest_load(s->opt.manifest, &s->manifest, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "hvcheck suite: %s\n", err);
		return ret == -ENOMEM ? HV_EXIT_VMM_ERROR : HV_EXIT_USAGE;
	}
	/* nested is the vmm target, run inside the nested KVM test bed */
	s->setup.libvirt = !strcmp(s->opt.target_name, "libvirt");
	s->setup.target = strcmp(s->opt.target_name, "qemu") &&
					  !s->setup.libvirt ?
				  MANIFEST_TARGET_VMM :
				  MANIFEST_TARGET_QEMU;
	ret = check_arm64_options(s);
	if (ret)
		return ret;
	ret = select_tests(s);
	if (ret)
		return ret == -ENOMEM ? HV_EXIT_VMM_ERROR : HV_EXIT_USAGE;
	/* --list looks at neither the files nor the host */
	if (!s->opt.list) {
		ret = check_inputs(s) ?: setup_target(s);
		if (ret)
			return ret;
		if (make_work_dirs(s))
			return HV_EXIT_VMM_ERROR;
	}
	for (size_t i = 0; i < s->count; i++) {
		if (init_test(s, &s->run[i], i, !s->opt.list))
			return HV_EXIT_VMM_ERROR;
	}
	return 0;
}

static void remove_file(const char *path)
{
	if (path)
		unlink(path);
}

static void cleanup(struct suite *s)
{
	for (size_t i = 0; s->run && i < s->count; i++) {
		struct test_run *r = &s->run[i];

		if (s->workdir) {
			remove_file(r->output_path);
			remove_file(r->disk_path);
			remove_file(r->script_path);
		}
		free(r->name);
		free(r->cmdline);
		free(r->log_path);
		free(r->log_rel);
		free(r->log_tmp);
		free(r->vpmu);
		free(r->libvirt);
		guest_log_free(&r->log);
		free(r->output_path);
		free(r->disk_path);
		free(r->script_path);
	}
	free(s->staged);
	/* libvirt's stage directory holds what libvirt left too */
	if (s->workdir && s->setup.libvirt)
		files_remove_tree(s->workdir);
	else if (s->workdir)
		rmdir(s->workdir);
	free(s->workdir);
	free(s->run);
	manifest_free(&s->manifest);
	for (size_t i = 0; i < sizeof(s->defaults) / sizeof(*s->defaults); i++)
		free(s->defaults[i]);
}

void suite_options_init(struct suite_options *opt)
{
	*opt = (struct suite_options){ .arch = "x86_64",
				       .gic_versions = MANIFEST_GIC_ALL,
				       .target_name = "vmm",
				       .timeout_scale = MANIFEST_SCALE_ONE };
}

int suite_run(const struct suite_options *opt)
{
	struct suite s = { .opt = *opt, .sigfd = -1 };
	int status = prepare(&s);

	if (!status && s.opt.list)
		list_tests(&s);
	else if (!status)
		status = run_tests(&s);
	cleanup(&s);
	return status;
}
