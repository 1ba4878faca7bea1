/*
 * loadfix: find unsafe torch.load calls and fix them with minimal edits.
 * This file only wires the modules together: options -> walk -> per-file
 * pipeline (in worker threads) -> output in path order -> exit status.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loadfix/buf.h"
#include "loadfix/check.h"
#include "loadfix/diff.h"
#include "loadfix/fixer.h"
#include "loadfix/report.h"
#include "loadfix/source.h"
#include "loadfix/walk.h"
#include "loadfix/write.h"

#ifndef LOADFIX_VERSION
#define LOADFIX_VERSION "0.0.0"
#endif

/* Exit statuses, as ruff and ripgrep use them. */
enum exit_status {
	EXIT_CLEAN = 0,    /* nothing left to report */
	EXIT_FINDINGS = 1, /* findings remain, or the diff is not empty */
	EXIT_ERROR = 2,    /* a usage or I/O error (other files were still processed) */
};

enum mode { MODE_REPORT, MODE_FIX, MODE_DIFF };
enum format { FORMAT_TEXT, FORMAT_JSON };

#define DEFAULT_MAX_FILE_SIZE (10u * 1024 * 1024)

typedef struct options {
	enum mode mode;
	enum format format;
	lf_check_options check;
	const char *stdin_filename;
	bool exit_zero;
	bool quiet;
	unsigned threads;
	unsigned long long max_file_size;
} options;

/* Everything one file produces, buffered so that output stays in path order
 * whatever the thread count. */
typedef struct job {
	const char *path; /* borrowed from the file list; "-" is stdin */
	lf_buf out;       /* for stdout */
	lf_buf err;       /* for stderr */
	uint32_t findings;    /* left after fixing */
	uint32_t fixable;     /* of those, fixable with the current options */
	uint32_t hidden;      /* of those, fixable only with --unsafe-fixes */
	uint32_t fixed;       /* fixed (or, under --diff, that would be) */
	uint32_t json_objects;
	bool error;
	bool changed;
	bool done;
} job;

static const char USAGE[] =
    "Usage: loadfix [OPTIONS] [PATH...]\n"
    "\n"
    "Finds torch.load calls that can run code from a crafted checkpoint (CWE-502)\n"
    "and fixes them with minimal edits (weights_only=True). PATH defaults to '.';\n"
    "'-' reads source from standard input.\n"
    "\n"
    "Options:\n"
    "      --fix                  apply safe fixes in place ('-': fixed source to stdout)\n"
    "      --unsafe-fixes         also apply (with --fix) or show unsafe fixes\n"
    "      --diff                 print a unified diff of the fixes; change nothing\n"
    "      --select CODES         check only these rules (comma-separated codes or prefixes, ALL)\n"
    "      --ignore CODES         do not check these rules\n"
    "      --output-format FMT    text (default) or json\n"
    "      --stdin-filename NAME  name standard input in reports\n"
    "      --exit-zero            exit 0 even when findings remain\n"
    "      --max-file-size BYTES  skip larger files with an error (default 10485760)\n"
    "  -j, --threads N            worker threads (default: number of cores)\n"
    "  -q, --quiet                print findings only, no summary\n"
    "      --version              print the version\n"
    "  -h, --help                 print this help\n"
    "\n"
    "Rules:\n";

static void print_help(void)
{
	fputs(USAGE, stdout);
	for (size_t i = 0; i < lf_fixer_count; i++)
		printf("  %s  %s\n", lf_fixers[i]->rule.code, lf_fixers[i]->rule.summary);
	fputs("\nExit status: 0 nothing to report, 1 findings remain (or the diff is not empty),\n"
	      "2 usage or I/O error.\n",
	      stdout);
}

__attribute__((format(printf, 1, 2), noreturn)) static void usage_error(const char *fmt, ...)
{
	fputs("loadfix: ", stderr);
	va_list args;
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputs("\nTry 'loadfix --help' for more information.\n", stderr);
	exit(EXIT_ERROR);
}

/* Applies a --select/--ignore list: codes or code prefixes, or ALL. */
static void apply_selectors(bool *enabled, const char *list, bool value)
{
	char *copy = lf_xstrdup(list);
	for (char *save = NULL, *token = strtok_r(copy, ", ", &save); token; token = strtok_r(NULL, ", ", &save)) {
		bool matched = false;
		for (size_t i = 0; i < lf_fixer_count; i++) {
			if (strcmp(token, "ALL") == 0 || strncmp(lf_fixers[i]->rule.code, token, strlen(token)) == 0) {
				enabled[i] = value;
				matched = true;
			}
		}
		if (!matched)
			usage_error("unknown rule selector '%s'", token);
	}
	free(copy);
}

static unsigned default_threads(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	return cores > 0 ? (unsigned)cores : 1;
}

static void parse_options(int argc, char **argv, options *opts, int *first_path)
{
	enum {
		OPT_FIX = 256, OPT_UNSAFE, OPT_DIFF, OPT_SELECT, OPT_IGNORE, OPT_FORMAT, OPT_STDIN_NAME,
		OPT_EXIT_ZERO, OPT_VERSION, OPT_MAX_SIZE,
	};
	static const struct option long_options[] = {
	    {"fix", no_argument, NULL, OPT_FIX},
	    {"unsafe-fixes", no_argument, NULL, OPT_UNSAFE},
	    {"diff", no_argument, NULL, OPT_DIFF},
	    {"select", required_argument, NULL, OPT_SELECT},
	    {"ignore", required_argument, NULL, OPT_IGNORE},
	    {"output-format", required_argument, NULL, OPT_FORMAT},
	    {"stdin-filename", required_argument, NULL, OPT_STDIN_NAME},
	    {"exit-zero", no_argument, NULL, OPT_EXIT_ZERO},
	    {"max-file-size", required_argument, NULL, OPT_MAX_SIZE},
	    {"threads", required_argument, NULL, 'j'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"version", no_argument, NULL, OPT_VERSION},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	memset(opts, 0, sizeof *opts);
	opts->threads = default_threads();
	opts->max_file_size = DEFAULT_MAX_FILE_SIZE;
	for (size_t i = 0; i < lf_fixer_count; i++)
		opts->check.enabled[i] = true;
	const char *select = NULL;
	bool fix = false, diff = false;
	lf_buf ignores;
	lf_buf_init(&ignores);
	int c;
	while ((c = getopt_long(argc, argv, "+j:qh", long_options, NULL)) != -1) {
		char *end;
		switch (c) {
		case OPT_FIX: fix = true; break;
		case OPT_UNSAFE: opts->check.unsafe_fixes = true; break;
		case OPT_DIFF: diff = true; break;
		case OPT_SELECT: select = optarg; break;
		case OPT_IGNORE: lf_buf_printf(&ignores, "%s,", optarg); break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0)
				opts->format = FORMAT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				opts->format = FORMAT_JSON;
			else
				usage_error("unknown output format '%s' (expected text or json)", optarg);
			break;
		case OPT_STDIN_NAME: opts->stdin_filename = optarg; break;
		case OPT_EXIT_ZERO: opts->exit_zero = true; break;
		case OPT_MAX_SIZE:
			errno = 0;
			opts->max_file_size = strtoull(optarg, &end, 10);
			if (errno || *end || end == optarg || opts->max_file_size == 0)
				usage_error("invalid --max-file-size '%s'", optarg);
			break;
		case 'j':
			errno = 0;
			opts->threads = (unsigned)strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || opts->threads == 0 || opts->threads > 1024)
				usage_error("invalid thread count '%s'", optarg);
			break;
		case 'q': opts->quiet = true; break;
		case OPT_VERSION: printf("loadfix %s\n", LOADFIX_VERSION); exit(EXIT_CLEAN);
		case 'h': print_help(); exit(EXIT_CLEAN);
		default: fputs("Try 'loadfix --help' for more information.\n", stderr); exit(EXIT_ERROR);
		}
	}
	if (fix && diff)
		usage_error("%s", "--fix and --diff cannot be combined");
	opts->mode = fix ? MODE_FIX : diff ? MODE_DIFF : MODE_REPORT;
	/* Fixes are computed under --diff too; only writing differs. */
	opts->check.fix = fix || diff;
	if (select) {
		for (size_t i = 0; i < lf_fixer_count; i++)
			opts->check.enabled[i] = false;
		apply_selectors(opts->check.enabled, select, true);
	}
	if (ignores.len)
		apply_selectors(opts->check.enabled, ignores.data, false);
	lf_buf_finish(&ignores);
	*first_path = optind;
}

/* ---- one file ------------------------------------------------------------ */

static void process(lf_worker *worker, const options *opts, job *j)
{
	bool from_stdin = strcmp(j->path, "-") == 0;
	const char *name = from_stdin ? (opts->stdin_filename ? opts->stdin_filename : "-") : j->path;
	char *display = lf_display_path(name);
	lf_source src;
	char *error = NULL;
	if (!lf_source_read(&src, from_stdin ? NULL : j->path, opts->max_file_size, &error)) {
		lf_buf_printf(&j->err, "loadfix: %s: %s\n", display, error);
		j->error = true;
		free(error);
		free(display);
		return;
	}
	/* The pipeline takes the bytes; the source struct's line index is not
	 * needed here. */
	uint8_t *bytes = src.bytes;
	uint32_t len = src.len;
	free(src.line_starts);

	lf_check_result result;
	lf_check(worker, &opts->check, bytes, len, &result);
	const lf_source *text = lf_check_result_text(&result);
	if (result.error) {
		lf_buf_printf(&j->err, "loadfix: %s: %s\n", display, result.error);
		j->error = true;
	}
	j->fixed = result.fixed_count;
	j->changed = result.changed;

	/* Where reports go: under `--fix -` stdout carries the source. */
	lf_buf *reports = (from_stdin && opts->mode == MODE_FIX) ? &j->err : &j->out;
	if (opts->mode == MODE_FIX && result.changed) {
		if (from_stdin) {
			/* the source itself is appended below */
		} else if (!lf_write_atomic(j->path, result.fixed.bytes, result.fixed.len, &error)) {
			lf_buf_printf(&j->err, "loadfix: %s: cannot write the fixed file: %s\n", display, error);
			free(error);
			j->error = true;
			j->fixed = 0;
			j->changed = false;
			/* The file is as it was: report its findings as they are. */
			lf_check_options report_only = opts->check;
			report_only.fix = false;
			uint8_t *copy = lf_xmalloc((size_t)result.original.len + 1);
			memcpy(copy, result.original.bytes, result.original.len);
			lf_check_result unfixed;
			lf_check(worker, &report_only, copy, result.original.len, &unfixed);
			lf_check_result_finish(&result);
			result = unfixed;
			text = lf_check_result_text(&result);
		}
	}
	if (opts->mode == MODE_FIX && from_stdin)
		lf_buf_append(&j->out, text->bytes, text->len);
	if (opts->mode == MODE_DIFF && result.changed &&
	    !lf_diff_append(&j->out, name, result.original.bytes, result.original.len, result.fixed.bytes,
	                    result.fixed.len)) {
		lf_buf_printf(&j->err, "loadfix: %s: cannot compute the diff\n", display);
		j->error = true;
	}
	for (uint32_t i = 0; i < result.diags.count; i++) {
		const lf_diag *diag = &result.diags.items[i];
		bool fixable = lf_check_fix_applies(&opts->check, diag);
		j->findings++;
		j->fixable += fixable;
		j->hidden += !fixable && diag->fix.count && diag->fix.applicability == LF_FIX_UNSAFE;
		if (opts->mode == MODE_DIFF)
			continue; /* the diff is the output; the summary counts the rest */
		if (opts->format == FORMAT_JSON) {
			if (j->json_objects++)
				lf_buf_puts(reports, ",\n");
			lf_buf_puts(reports, "  ");
			lf_report_json(reports, name, text, diag, &opts->check);
		} else {
			lf_report_text(reports, display, text, diag, fixable && opts->mode == MODE_REPORT);
		}
	}
	lf_check_result_finish(&result);
	free(display);
}

/* ---- running jobs in parallel, printing in order ------------------------- */

typedef struct run {
	const options *opts;
	job *jobs;
	size_t count;
	size_t next;    /* next job to start */
	size_t emitted; /* jobs already printed */
	size_t window;  /* how far ahead of printing workers may go */
	pthread_mutex_t lock;
	pthread_cond_t changed;
} run;

static void *worker_main(void *arg)
{
	run *r = arg;
	lf_worker *worker = lf_worker_create();
	for (;;) {
		pthread_mutex_lock(&r->lock);
		/* Bound memory: never run far ahead of the printer. */
		while (r->next < r->count && r->next >= r->emitted + r->window)
			pthread_cond_wait(&r->changed, &r->lock);
		size_t i = r->next < r->count ? r->next++ : r->count;
		pthread_mutex_unlock(&r->lock);
		if (i >= r->count)
			break;
		process(worker, r->opts, &r->jobs[i]);
		pthread_mutex_lock(&r->lock);
		r->jobs[i].done = true;
		pthread_cond_broadcast(&r->changed);
		pthread_mutex_unlock(&r->lock);
	}
	lf_worker_destroy(worker);
	return NULL;
}

typedef struct totals {
	uint64_t findings, fixable, hidden, fixed, changed_files, json_objects;
	bool error;
	bool output_failed;
} totals;

static void emit(const options *opts, job *j, totals *t)
{
	if (opts->format == FORMAT_JSON && j->json_objects && t->json_objects && opts->mode != MODE_DIFF) {
		bool to_err = strcmp(j->path, "-") == 0 && opts->mode == MODE_FIX;
		fputs(",\n", to_err ? stderr : stdout);
	}
	if (j->out.len && fwrite(j->out.data, 1, j->out.len, stdout) != j->out.len)
		t->output_failed = true;
	if (j->err.len)
		fwrite(j->err.data, 1, j->err.len, stderr);
	t->findings += j->findings;
	t->fixable += j->fixable;
	t->hidden += j->hidden;
	t->fixed += j->fixed;
	t->changed_files += j->changed;
	t->json_objects += j->json_objects;
	t->error |= j->error;
	lf_buf_finish(&j->out);
	lf_buf_finish(&j->err);
}

static void run_jobs(const options *opts, job *jobs, size_t count, totals *t)
{
	unsigned threads = opts->threads;
	if (threads > count)
		threads = (unsigned)count;
	if (threads <= 1) {
		lf_worker *worker = lf_worker_create();
		for (size_t i = 0; i < count; i++) {
			process(worker, opts, &jobs[i]);
			emit(opts, &jobs[i], t);
		}
		lf_worker_destroy(worker);
		return;
	}
	run r = {.opts = opts, .jobs = jobs, .count = count, .window = (size_t)threads * 8};
	pthread_mutex_init(&r.lock, NULL);
	pthread_cond_init(&r.changed, NULL);
	pthread_t *ids = lf_xcalloc(threads, sizeof(pthread_t));
	for (unsigned i = 0; i < threads; i++)
		if (pthread_create(&ids[i], NULL, worker_main, &r) != 0) {
			fputs("loadfix: cannot start a worker thread\n", stderr);
			exit(EXIT_ERROR);
		}
	for (size_t i = 0; i < count; i++) {
		pthread_mutex_lock(&r.lock);
		while (!jobs[i].done)
			pthread_cond_wait(&r.changed, &r.lock);
		pthread_mutex_unlock(&r.lock);
		emit(opts, &jobs[i], t);
		pthread_mutex_lock(&r.lock);
		r.emitted = i + 1;
		pthread_cond_broadcast(&r.changed);
		pthread_mutex_unlock(&r.lock);
	}
	for (unsigned i = 0; i < threads; i++)
		pthread_join(ids[i], NULL);
	free(ids);
	pthread_mutex_destroy(&r.lock);
	pthread_cond_destroy(&r.changed);
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void print_summary(const options *opts, const totals *t, bool stdin_fix)
{
	if (opts->quiet || opts->format == FORMAT_JSON)
		return;
	FILE *out = (opts->mode == MODE_REPORT && !stdin_fix) ? stdout : stderr;
	uint64_t n = t->findings;
	if (opts->mode == MODE_REPORT) {
		if (n == 0) {
			fputs("All checks passed!\n", out);
			return;
		}
		fprintf(out, "Found %llu %s (%llu fixable with --fix).\n", (unsigned long long)n,
		        plural(n, "finding", "findings"), (unsigned long long)t->fixable);
		if (t->hidden)
			fprintf(out, "%llu more %s available with --unsafe-fixes.\n", (unsigned long long)t->hidden,
			        plural(t->hidden, "fix is", "fixes are"));
	} else if (opts->mode == MODE_FIX) {
		uint64_t total = n + t->fixed;
		if (total == 0)
			fputs("All checks passed!\n", out);
		else
			fprintf(out, "Found %llu %s (%llu fixed, %llu remaining).\n", (unsigned long long)total,
			        plural(total, "finding", "findings"), (unsigned long long)t->fixed, (unsigned long long)n);
		if (t->hidden)
			fprintf(out, "%llu more %s available with --unsafe-fixes.\n", (unsigned long long)t->hidden,
			        plural(t->hidden, "fix is", "fixes are"));
	} else {
		fprintf(out, "Would fix %llu %s (%llu not fixable).\n", (unsigned long long)t->fixed,
		        plural(t->fixed, "finding", "findings"), (unsigned long long)n);
	}
}

int main(int argc, char **argv)
{
	options opts;
	int first_path;
	parse_options(argc, argv, &opts, &first_path);
	/* A closed pipe is an error we report, not a signal that kills us. */
	signal(SIGPIPE, SIG_IGN);
	lf_diff_init();

	const char *default_path = ".";
	const char *const *roots = argc > first_path ? (const char *const *)argv + first_path : &default_path;
	size_t root_count = argc > first_path ? (size_t)(argc - first_path) : 1;

	/* '-' is standard input; everything else is walked. */
	lf_file_list files;
	lf_file_list_init(&files);
	lf_buf walk_errors;
	lf_buf_init(&walk_errors);
	bool stdin_seen = false;
	const char **walk_roots = lf_xcalloc(root_count, sizeof(char *));
	size_t walk_count = 0;
	for (size_t i = 0; i < root_count; i++) {
		if (strcmp(roots[i], "-") == 0)
			stdin_seen = true;
		else
			walk_roots[walk_count++] = roots[i];
	}
	if (stdin_seen && walk_count && opts.mode == MODE_FIX)
		usage_error("%s", "'--fix -' reads one file from stdin and cannot be combined with other paths");
	bool walk_ok = lf_walk(walk_roots, walk_count, &files, &walk_errors);
	free(walk_roots);
	if (walk_errors.len) {
		/* Each line is "path: reason"; names are escaped for the terminal. */
		char *save = NULL;
		for (char *line = strtok_r(walk_errors.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char *shown = lf_display_path(line);
			fprintf(stderr, "loadfix: %s\n", shown);
			free(shown);
		}
	}
	lf_buf_finish(&walk_errors);

	size_t count = files.count + stdin_seen;
	job *jobs = lf_xcalloc(count ? count : 1, sizeof(job));
	size_t k = 0;
	if (stdin_seen)
		jobs[k++].path = "-";
	for (size_t i = 0; i < files.count; i++)
		jobs[k++].path = files.paths[i];

	totals t = {0};
	if (opts.format == FORMAT_JSON && opts.mode != MODE_DIFF)
		fputs("[\n", stdin_seen && opts.mode == MODE_FIX ? stderr : stdout);
	run_jobs(&opts, jobs, count, &t);
	if (opts.format == FORMAT_JSON && opts.mode != MODE_DIFF)
		fputs(t.json_objects ? "\n]\n" : "]\n", stdin_seen && opts.mode == MODE_FIX ? stderr : stdout);
	print_summary(&opts, &t, stdin_seen && opts.mode == MODE_FIX);

	if (fflush(stdout) != 0 || ferror(stdout))
		t.output_failed = true;
	if (t.output_failed)
		fprintf(stderr, "loadfix: cannot write to standard output: %s\n", strerror(errno ? errno : EPIPE));

	free(jobs);
	lf_file_list_finish(&files);
	lf_diff_shutdown();

	if (!walk_ok || t.error || t.output_failed)
		return EXIT_ERROR;
	if (opts.exit_zero)
		return EXIT_CLEAN;
	if (opts.mode == MODE_DIFF)
		return t.changed_files ? EXIT_FINDINGS : EXIT_CLEAN;
	return t.findings ? EXIT_FINDINGS : EXIT_CLEAN;
}
