/*
 * loadfix: find unsafe torch.load calls and fix them with minimal edits.
 * This file only wires the modules together: settings -> file list (walk or
 * --since) -> per-file pipeline in worker threads -> output in path order ->
 * exit status.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "loadfix/buf.h"
#include "loadfix/changes.h"
#include "loadfix/check.h"
#include "loadfix/cli.h"
#include "loadfix/diff.h"
#include "loadfix/fixer.h"
#include "loadfix/inspect/cli.h"
#include "loadfix/report.h"
#include "loadfix/source.h"
#include "loadfix/walk.h"
#include "loadfix/write.h"

/* Exit statuses, as ruff and ripgrep use them. */
enum exit_status {
	EXIT_CLEAN = 0,    /* nothing left to report */
	EXIT_FINDINGS = 1, /* findings remain, or the diff is not empty */
	EXIT_ERROR = 2,    /* a usage or I/O error (other files were still processed) */
};

/* Everything one file produces, buffered so that output stays in path order
 * whatever the thread count. */
typedef struct job {
	const char *path;  /* borrowed from the file list; "-" is stdin */
	size_t index;      /* which file of the run this slot holds */
	lf_buf out;        /* for stdout */
	lf_buf err;        /* for stderr */
	lf_buf reports;    /* machine-format objects, comma-separated */
	uint32_t findings; /* left after fixing */
	uint32_t fixable;  /* of those, fixable with the current options */
	uint32_t hidden;   /* of those, fixable only with --unsafe-fixes */
	uint32_t fixed;    /* fixed (or, under --diff, that would be) */
	uint32_t per_rule[LF_MAX_RULES];
	uint32_t per_rule_fixable[LF_MAX_RULES];
	uint32_t objects; /* machine-format objects in `reports` */
	bool checked;     /* read and run through the pipeline */
	bool parsed;      /* ... and parsed (the prefilter did not rule it out) */
	bool error;
	bool changed;
	bool done;
} job;

static size_t rule_index(const lf_rule *rule)
{
	for (size_t i = 0; i < lf_fixer_count; i++)
		if (&lf_fixers[i]->rule == rule)
			return i;
	return 0;
}

static bool machine_format(const lf_settings *s)
{
	return s->format == LF_FORMAT_JSON || s->format == LF_FORMAT_SARIF;
}

/* ---- one file ------------------------------------------------------------ */

static void process(lf_worker *worker, const lf_settings *s, job *j)
{
	bool from_stdin = strcmp(j->path, "-") == 0;
	const char *name = from_stdin ? (s->stdin_filename ? s->stdin_filename : "-") : j->path;
	char *display = lf_display_path(name);
	lf_check_options options;
	lf_settings_for_file(s, name, &options);
	lf_source src;
	char *error = NULL;
	bool too_large = false;
	if (!lf_source_read_limited(&src, from_stdin ? NULL : j->path, s->max_file_size, &too_large, &error)) {
		/* A file over the size limit is skipped with a warning, not an
		 * error; standard input is not a file to skip (--fix - must fail). */
		bool skip = too_large && !from_stdin;
		lf_buf_printf(&j->err, "loadfix: %s%s: %s%s\n", skip ? "warning: " : "", display,
		              skip ? "skipped: " : "", error);
		j->error = !skip;
		free(error);
		free(display);
		return;
	}
	lf_check_result result;
	lf_check_source(worker, &options, &src, &result);
	const lf_source *text = lf_check_result_text(&result);
	if (result.error) {
		lf_buf_printf(&j->err, "loadfix: %s: %s\n", display, result.error);
		j->error = true;
	}
	j->fixed = result.fixed_count;
	j->changed = result.changed;
	j->checked = true;
	j->parsed = result.parsed;

	/* Where reports go: under `--fix -` stdout carries the source. */
	bool source_on_stdout = from_stdin && s->mode == LF_MODE_FIX;
	lf_buf *reports = source_on_stdout ? &j->err : &j->out;
	if (s->mode == LF_MODE_FIX && result.changed && !from_stdin &&
	    !lf_write_replace(j->path, result.original.bytes, result.original.len, result.fixed.bytes, result.fixed.len,
	                      &error)) {
		lf_buf_printf(&j->err, "loadfix: %s: cannot write the fixed file: %s\n", display, error);
		free(error);
		j->error = true;
		j->fixed = 0;
		j->changed = false;
		/* The file is as it was: report its findings as they are. */
		lf_check_options report_only = options;
		report_only.fix = false;
		uint8_t *copy = lf_xmalloc((size_t)result.original.len + 1);
		memcpy(copy, result.original.bytes, result.original.len);
		lf_check_result unfixed;
		lf_check(worker, &report_only, copy, result.original.len, &unfixed);
		lf_check_result_finish(&result);
		result = unfixed;
		text = lf_check_result_text(&result);
	}
	if (source_on_stdout)
		lf_buf_append(&j->out, text->bytes, text->len);
	if (s->mode == LF_MODE_DIFF && result.changed &&
	    !lf_diff_append(&j->out, name, result.original.bytes, result.original.len, result.fixed.bytes,
	                    result.fixed.len)) {
		lf_buf_printf(&j->err, "loadfix: %s: cannot compute the diff\n", display);
		j->error = true;
	}
	for (uint32_t i = 0; i < result.diags.count; i++) {
		const lf_diag *diag = &result.diags.items[i];
		bool fixable = lf_check_fix_applies(&options, diag);
		size_t rule = rule_index(diag->rule);
		j->findings++;
		j->fixable += fixable;
		j->hidden += !fixable && diag->fix.count && diag->fix.applicability == LF_FIX_UNSAFE;
		j->per_rule[rule]++;
		j->per_rule_fixable[rule] += fixable;
		if (s->mode == LF_MODE_DIFF || s->statistics)
			continue; /* the diff (or the table) is the output */
		switch (s->format) {
		case LF_FORMAT_JSON:
		case LF_FORMAT_SARIF:
			if (j->objects++)
				lf_buf_puts(&j->reports, ",\n");
			lf_buf_puts(&j->reports, s->format == LF_FORMAT_JSON ? "  " : "        ");
			if (s->format == LF_FORMAT_JSON)
				lf_report_json(&j->reports, name, text, diag, &options);
			else
				lf_report_sarif_result(&j->reports, name, text, diag, rule);
			break;
		case LF_FORMAT_GITHUB: lf_report_github(reports, name, text, diag); break;
		case LF_FORMAT_TEXT:
			lf_report_text(reports, display, text, diag, fixable && s->mode == LF_MODE_REPORT);
			break;
		}
	}
	lf_check_result_finish(&result);
	free(display);
}

/* ---- running jobs in parallel, printing in order ------------------------- */

typedef struct totals {
	uint64_t findings, fixable, hidden, fixed, changed_files, checked, parsed;
	uint64_t per_rule[LF_MAX_RULES], per_rule_fixable[LF_MAX_RULES];
	lf_buf reports; /* machine-format objects of all files, in order */
	uint64_t objects;
	bool error;
	bool output_failed;
} totals;

typedef struct progress {
	bool enabled;
	struct timespec last;
	size_t total;
} progress;

static void progress_update(progress *p, size_t done)
{
	if (!p->enabled)
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long elapsed_ms = (now.tv_sec - p->last.tv_sec) * 1000 + (now.tv_nsec - p->last.tv_nsec) / 1000000;
	if (elapsed_ms < 100 && done != p->total)
		return;
	p->last = now;
	fprintf(stderr, "\rloadfix: %zu/%zu files", done, p->total);
}

static void progress_clear(progress *p)
{
	if (p->enabled)
		fputs("\r\033[K", stderr);
}

/*
 * Files are processed by worker threads and printed in order.  Only a
 * window of WINDOW files is in flight: a job lives in the ring slot
 * index % WINDOW, so memory is bounded by the window (plus the list of
 * paths), not by the size of the tree.  The window is wide enough that
 * a cluster of slow files does not stall the other workers.
 */
#define WINDOW 1024

typedef struct run {
	const lf_settings *settings;
	const char *const *paths;
	size_t count;
	job *slots;     /* WINDOW of them */
	size_t next;    /* next file to start */
	size_t emitted; /* files already printed */
	pthread_mutex_t lock;
	pthread_cond_t changed;
} run;

static job *slot_for(run *r, size_t i)
{
	job *j = &r->slots[i % WINDOW];
	memset(j, 0, sizeof *j);
	j->path = r->paths[i];
	j->index = i;
	return j;
}

static void *worker_main(void *arg)
{
	run *r = arg;
	lf_worker *worker = lf_worker_create();
	for (;;) {
		pthread_mutex_lock(&r->lock);
		/* Bound memory: never run a window ahead of the printer. */
		while (r->next < r->count && r->next >= r->emitted + WINDOW)
			pthread_cond_wait(&r->changed, &r->lock);
		size_t i = r->next < r->count ? r->next++ : r->count;
		pthread_mutex_unlock(&r->lock);
		if (i >= r->count)
			break;
		/* The slot's previous file (i - WINDOW) has been printed. */
		job *j = slot_for(r, i);
		process(worker, r->settings, j);
		pthread_mutex_lock(&r->lock);
		j->done = true;
		pthread_cond_broadcast(&r->changed);
		pthread_mutex_unlock(&r->lock);
	}
	lf_worker_destroy(worker);
	return NULL;
}

static void emit(const lf_settings *s, job *j, totals *t, progress *p)
{
	if ((j->out.len || j->err.len) && p->enabled)
		progress_clear(p);
	if (j->out.len && fwrite(j->out.data, 1, j->out.len, stdout) != j->out.len)
		t->output_failed = true;
	if (j->err.len)
		fwrite(j->err.data, 1, j->err.len, stderr);
	if (j->objects) {
		if (t->objects)
			lf_buf_puts(&t->reports, ",\n");
		lf_buf_append(&t->reports, j->reports.data, j->reports.len);
		t->objects += j->objects;
	}
	t->findings += j->findings;
	t->fixable += j->fixable;
	t->hidden += j->hidden;
	t->fixed += j->fixed;
	t->changed_files += j->changed;
	t->checked += j->checked;
	t->parsed += j->parsed;
	for (size_t i = 0; i < LF_MAX_RULES; i++) {
		t->per_rule[i] += j->per_rule[i];
		t->per_rule_fixable[i] += j->per_rule_fixable[i];
	}
	t->error |= j->error;
	lf_buf_finish(&j->out);
	lf_buf_finish(&j->err);
	lf_buf_finish(&j->reports);
	(void)s;
}

static void run_jobs(const lf_settings *s, const char *const *paths, size_t count, totals *t)
{
	progress p = {.enabled = !s->quiet && isatty(STDERR_FILENO) && count > 1, .total = count};
	clock_gettime(CLOCK_MONOTONIC, &p.last);
	run r = {.settings = s, .paths = paths, .count = count};
	r.slots = lf_xcalloc(WINDOW, sizeof(job));
	unsigned threads = s->threads;
	if (threads > count)
		threads = (unsigned)count;
	if (threads <= 1) {
		lf_worker *worker = lf_worker_create();
		for (size_t i = 0; i < count; i++) {
			job *j = slot_for(&r, i);
			process(worker, s, j);
			emit(s, j, t, &p);
			progress_update(&p, i + 1);
		}
		lf_worker_destroy(worker);
		progress_clear(&p);
		free(r.slots);
		return;
	}
	pthread_mutex_init(&r.lock, NULL);
	pthread_cond_init(&r.changed, NULL);
	pthread_t *ids = lf_xcalloc(threads, sizeof(pthread_t));
	for (unsigned i = 0; i < threads; i++)
		if (pthread_create(&ids[i], NULL, worker_main, &r) != 0) {
			fputs("loadfix: cannot start a worker thread\n", stderr);
			exit(EXIT_ERROR);
		}
	for (size_t i = 0; i < count; i++) {
		job *j = &r.slots[i % WINDOW];
		pthread_mutex_lock(&r.lock);
		while (!(j->done && j->index == i))
			pthread_cond_wait(&r.changed, &r.lock);
		pthread_mutex_unlock(&r.lock);
		emit(s, j, t, &p);
		progress_update(&p, i + 1);
		pthread_mutex_lock(&r.lock);
		r.emitted = i + 1;
		pthread_cond_broadcast(&r.changed);
		pthread_mutex_unlock(&r.lock);
	}
	progress_clear(&p);
	for (unsigned i = 0; i < threads; i++)
		pthread_join(ids[i], NULL);
	free(ids);
	free(r.slots);
	pthread_mutex_destroy(&r.lock);
	pthread_cond_destroy(&r.changed);
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void print_statistics(const totals *t, FILE *out)
{
	/* How much work the prefilter saved: files read vs files parsed. */
	fprintf(out, "files\t%llu checked, %llu parsed\n", (unsigned long long)t->checked,
	        (unsigned long long)t->parsed);
	for (size_t i = 0; i < lf_fixer_count; i++) {
		if (!t->per_rule[i])
			continue;
		fprintf(out, "%5llu\t%s\t%s%s\n", (unsigned long long)t->per_rule[i], lf_fixers[i]->rule.code,
		        t->per_rule_fixable[i] ? "[*] " : "", lf_fixers[i]->rule.name);
	}
}

static void print_summary(const lf_settings *s, const totals *t, bool stdin_fix)
{
	FILE *out = (s->mode == LF_MODE_REPORT && !stdin_fix) ? stdout : stderr;
	if (s->statistics && s->mode != LF_MODE_DIFF)
		print_statistics(t, out);
	if (s->quiet || s->format != LF_FORMAT_TEXT)
		return;
	uint64_t n = t->findings;
	if (s->mode == LF_MODE_REPORT) {
		if (n == 0) {
			/* Not after an error: a file that was not checked did not pass. */
			if (!t->error)
				fputs("All checks passed!\n", out);
			return;
		}
		fprintf(out, "Found %llu %s (%llu fixable with --fix).\n", (unsigned long long)n,
		        plural(n, "finding", "findings"), (unsigned long long)t->fixable);
		if (t->hidden)
			fprintf(out, "%llu more %s available with --unsafe-fixes.\n", (unsigned long long)t->hidden,
			        plural(t->hidden, "fix is", "fixes are"));
	} else if (s->mode == LF_MODE_FIX) {
		uint64_t total = n + t->fixed;
		if (total == 0 && !t->error)
			fputs("All checks passed!\n", out);
		else if (total > 0)
			fprintf(out, "Found %llu %s (%llu fixed, %llu remaining).\n", (unsigned long long)total,
			        plural(total, "finding", "findings"), (unsigned long long)t->fixed,
			        (unsigned long long)n);
		if (t->hidden)
			fprintf(out, "%llu more %s available with --unsafe-fixes.\n", (unsigned long long)t->hidden,
			        plural(t->hidden, "fix is", "fixes are"));
	} else {
		fprintf(out, "Would fix %llu %s (%llu not fixable).\n", (unsigned long long)t->fixed,
		        plural(t->fixed, "finding", "findings"), (unsigned long long)n);
	}
}

/* Machine formats are whole documents, printed once at the end. */
static void print_document(const lf_settings *s, const totals *t, FILE *out)
{
	if (s->mode == LF_MODE_DIFF || s->statistics)
		return;
	if (s->format == LF_FORMAT_JSON) {
		fputs("[\n", out);
		if (t->objects) {
			fwrite(t->reports.data, 1, t->reports.len, out);
			fputc('\n', out);
		}
		fputs("]\n", out);
	} else if (s->format == LF_FORMAT_SARIF) {
		lf_buf doc;
		lf_buf_init(&doc);
		lf_report_sarif_document(&doc, t->reports.data ? t->reports.data : "", t->reports.len);
		fwrite(doc.data, 1, doc.len, out);
		lf_buf_finish(&doc);
	}
}

static void print_walk_errors(lf_buf *errors)
{
	if (!errors->len)
		return;
	/* Each line is "path: reason"; names are escaped for the terminal. */
	char *save = NULL;
	for (char *line = strtok_r(errors->data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *shown = lf_display_path(line);
		fprintf(stderr, "loadfix: %s\n", shown);
		free(shown);
	}
}

/* Frees what main() holds, for early exits too (LeakSanitizer runs on
 * every exit in the sanitizer build). */
static int finish(lf_settings *s, lf_file_list *files, int status)
{
	lf_file_list_finish(files);
	lf_settings_finish(s);
	lf_diff_shutdown();
	return status;
}

int main(int argc, char **argv)
{
	/* Subcommands, as `ruff check`: only when the first argument is
	 * exactly the name (a file called inspect stays ./inspect). */
	if (argc > 1 && strcmp(argv[1], "inspect") == 0)
		return lf_inspect_main(argc - 1, argv + 1);
	lf_settings s;
	lf_cli_parse(argc, argv, &s);
	if (s.show_settings) {
		lf_settings_print(&s);
		lf_settings_finish(&s);
		return EXIT_CLEAN;
	}
	/* A closed pipe is an error we report, not a signal that kills us. */
	signal(SIGPIPE, SIG_IGN);
	/* SIGINT/SIGTERM remove temporary files; closed 0/1/2 stay reserved. */
	lf_write_protect_process();

	static const char *const default_paths[] = {"."};
	const char *const *roots = s.path_count ? s.paths : default_paths;
	size_t root_count = s.path_count ? s.path_count : 1;

	/* '-' is standard input; everything else is walked (or diffed). */
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
	/* libgit2 only when git is needed: an editor hook on stdin must start
	 * in a few milliseconds. */
	if (s.mode == LF_MODE_DIFF || s.since || (s.use_gitignore && walk_count > 0))
		lf_diff_init();
	bool walk_ok = true;
	if (stdin_seen && walk_count && s.mode == LF_MODE_FIX) {
		fputs("loadfix: '--fix -' reads one file from stdin and cannot be combined with other paths\n", stderr);
		free(walk_roots);
		return finish(&s, &files, EXIT_ERROR);
	}
	if (s.since) {
		char *error = NULL;
		if (!lf_changed_files(s.since, walk_roots, s.path_count ? walk_count : 0, &files, &error)) {
			fprintf(stderr, "loadfix: --since %s: %s\n", s.since, error);
			free(error);
			free(walk_roots);
			return finish(&s, &files, EXIT_ERROR);
		}
	} else if (walk_count) {
		lf_walk_options walk = {
		        .use_gitignore = s.use_gitignore,
		        .exclude = s.has_exclude ? &s.exclude : NULL,
		        .extend_exclude = &s.extend_exclude,
		        .base = s.config.directory,
		};
		walk_ok = lf_walk(walk_roots, walk_count, &walk, &files, &walk_errors);
	}
	free(walk_roots);
	print_walk_errors(&walk_errors);
	lf_buf_finish(&walk_errors);

	size_t count = files.count + stdin_seen;
	const char **paths = lf_xcalloc(count ? count : 1, sizeof(char *));
	size_t k = 0;
	if (stdin_seen)
		paths[k++] = "-";
	for (size_t i = 0; i < files.count; i++)
		paths[k++] = files.paths[i];

	totals t = {0};
	lf_buf_init(&t.reports);
	run_jobs(&s, paths, count, &t);
	bool stdin_fix = stdin_seen && s.mode == LF_MODE_FIX;
	if (machine_format(&s))
		print_document(&s, &t, stdin_fix ? stderr : stdout);
	print_summary(&s, &t, stdin_fix);
	lf_buf_finish(&t.reports);

	if (fflush(stdout) != 0 || ferror(stdout))
		t.output_failed = true;
	if (t.output_failed)
		fprintf(stderr, "loadfix: cannot write to standard output: %s\n", strerror(errno ? errno : EPIPE));

	free(paths);
	lf_file_list_finish(&files);
	lf_settings_finish(&s);
	lf_diff_shutdown();

	if (!walk_ok || t.error || t.output_failed)
		return EXIT_ERROR;
	if (s.exit_zero)
		return EXIT_CLEAN;
	if (s.mode == LF_MODE_DIFF)
		return t.changed_files ? EXIT_FINDINGS : EXIT_CLEAN;
	return t.findings ? EXIT_FINDINGS : EXIT_CLEAN;
}
