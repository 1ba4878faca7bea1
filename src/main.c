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
#include "loadfix/notebook_check.h"
#include "loadfix/printer.h"
#include "loadfix/project.h"
#include "loadfix/inspect/cli.h"
#include "loadfix/lsp/server.h"
#include "loadfix/project_rules.h"
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

/* One file of the run: its path, its slot in the ring, and what it printed
 * (buffered so that output stays in path order whatever the thread count). */
typedef struct job {
	const char *path; /* borrowed from the file list; "-" is stdin */
	size_t index;     /* which file of the run this slot holds */
	lf_file_report report;
	bool done;
} job;

static bool machine_format(const lf_settings *s)
{
	return s->format == LF_FORMAT_JSON || s->format == LF_FORMAT_SARIF;
}

/* ---- one file ------------------------------------------------------------ */

/* The bytes of a file as read and as they are now (fixed, when changed):
 * a .py file's are its source, a notebook's are its JSON. */
typedef struct file_bytes {
	const uint8_t *bytes;
	uint32_t len;
} file_bytes;

static void file_bytes_of(const lf_doc *doc, const lf_notebook_check *nb, file_bytes *before, file_bytes *after)
{
	if (nb) {
		before->bytes = lf_notebook_check_original(nb, &before->len);
		after->bytes = lf_notebook_check_json(nb, &after->len);
		return;
	}
	const lf_source *text = lf_doc_text(doc);
	*before = (file_bytes){doc->original.bytes, doc->original.len};
	*after = (file_bytes){text->bytes, text->len};
}

static void process(lf_worker *worker, const lf_settings *s, lf_project *project, job *j)
{
	bool from_stdin = strcmp(j->path, "-") == 0;
	const char *name = from_stdin ? (s->stdin_filename ? s->stdin_filename : "-") : j->path;
	char *display = lf_display_path(name);
	lf_check_options options;
	lf_settings_for_file(s, name, &options);
	options.project = project;
	options.path = name;
	lf_source src;
	char *error = NULL;
	bool too_large = false;
	if (!lf_source_read_limited(&src, from_stdin ? NULL : j->path, s->max_file_size, &too_large, &error)) {
		/* A file over the size limit is skipped with a warning, not an
		 * error; standard input is not a file to skip (--fix - must fail). */
		bool skip = too_large && !from_stdin;
		lf_buf_printf(&j->report.err, "loadfix: %s%s: %s%s\n", skip ? "warning: " : "", display,
		              skip ? "skipped: " : "", error);
		j->report.error = !skip;
		free(error);
		free(display);
		return;
	}
	/* Under `--fix -` stdout carries the file itself, reports go to stderr. */
	bool source_on_stdout = from_stdin && s->mode == LF_MODE_FIX;
	lf_doc plain;
	lf_notebook_check notebook;
	lf_doc *result = &plain;
	const lf_notebook_check *nb = NULL;
	if (lf_notebook_path(name)) {
		if (!lf_notebook_check_run(worker, &options, &src, &notebook, &error)) {
			lf_buf_printf(&j->report.err, "loadfix: %s: %s\n", display, error);
			j->report.error = true;
			/* A filter gives back what it cannot read, unchanged. */
			if (source_on_stdout)
				lf_buf_append(&j->report.out, src.bytes, src.len);
			free(error);
			lf_source_finish(&src);
			free(display);
			return;
		}
		result = &notebook.doc;
		nb = &notebook;
	} else {
		lf_check_source(worker, &options, &src, &plain);
	}
	if (result->error) {
		lf_buf_printf(&j->report.err, "loadfix: %s: %s\n", display, result->error);
		j->report.error = true;
	}
	j->report.fixed = result->fixed_count;
	j->report.changed = result->changed;
	j->report.checked = true;
	j->report.parsed = result->parsed;
	if (result->parsed) {
		j->report.parsed_bytes = result->parsed_bytes;
		j->report.parsed_file_bytes = result->original.len;
		j->report.whole_reparses = result->whole_reparses;
	}

	file_bytes before, after;
	file_bytes_of(result, nb, &before, &after);
	if (s->mode == LF_MODE_FIX && result->changed && !from_stdin &&
	    !lf_write_replace(j->path, before.bytes, before.len, after.bytes, after.len, &error)) {
		lf_buf_printf(&j->report.err, "loadfix: %s: cannot write the fixed file: %s\n", display, error);
		free(error);
		j->report.error = true;
		j->report.fixed = 0;
		j->report.changed = false;
		/* The file is as it was: report its findings as they are, which
		 * the document kept. */
		if (nb)
			lf_notebook_check_revert(&notebook);
		else
			lf_doc_revert(result);
		file_bytes_of(result, nb, &before, &after);
	}
	if (source_on_stdout)
		lf_buf_append(&j->report.out, after.bytes, after.len);
	if (s->mode == LF_MODE_DIFF && result->changed &&
	    !lf_diff_append(&j->report.out, name, before.bytes, before.len, after.bytes, after.len)) {
		lf_buf_printf(&j->report.err, "loadfix: %s: cannot compute the diff\n", display);
		j->report.error = true;
	}
	lf_print_findings(s, &options, result, name, display, nb ? &nb->map : NULL, source_on_stdout, &j->report);
	if (nb)
		lf_notebook_check_finish(&notebook);
	else
		lf_doc_finish(&plain);
	free(display);
}

/* ---- running jobs in parallel, printing in order ------------------------- */

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
	lf_project *project;
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
		process(worker, r->settings, r->project, j);
		pthread_mutex_lock(&r->lock);
		j->done = true;
		pthread_cond_broadcast(&r->changed);
		pthread_mutex_unlock(&r->lock);
	}
	lf_worker_destroy(worker);
	return NULL;
}

static void emit(job *j, lf_run_totals *t, progress *p)
{
	lf_file_report *f = &j->report;
	if ((f->out.len || f->err.len) && p->enabled)
		progress_clear(p);
	lf_totals_add(t, f, stdout, stderr);
	lf_file_report_finish(f);
}

static void run_jobs(const lf_settings *s, lf_project *project, const char *const *paths, size_t count,
                     lf_run_totals *t)
{
	progress p = {.enabled = !s->quiet && isatty(STDERR_FILENO) && count > 1, .total = count};
	clock_gettime(CLOCK_MONOTONIC, &p.last);
	run r = {.settings = s, .project = project, .paths = paths, .count = count};
	r.slots = lf_xcalloc(WINDOW, sizeof(job));
	unsigned threads = s->threads;
	if (threads > count)
		threads = (unsigned)count;
	if (threads <= 1) {
		lf_worker *worker = lf_worker_create();
		for (size_t i = 0; i < count; i++) {
			job *j = slot_for(&r, i);
			process(worker, s, r.project, j);
			emit(j, t, &p);
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
		emit(j, t, &p);
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
	if (argc > 1 && strcmp(argv[1], "server") == 0)
		return lf_lsp_server_main(argc - 1, argv + 1);
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
	/* --no-default-path: a hook that was handed no file names (pre-commit
	 * can call with none) checks nothing rather than the whole tree. */
	size_t root_count = s.path_count ? s.path_count : s.no_default_path ? 0 : 1;

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
	if (s.since && root_count) {
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

	/* Project-level facts and findings (LF006, LF008; the torch versions
	 * LF001 reads), once per run, printed after the files. */
	const char *first_root = NULL;
	for (size_t i = 0; i < root_count && !first_root; i++)
		if (strcmp(roots[i], "-") != 0)
			first_root = roots[i];
	lf_project_rules project_rules;
	lf_project_rules_init(&project_rules, &s, first_root);
	s.check.torch = project_rules.versions;

	lf_run_totals t;
	lf_run_totals_init(&t);
	/* The project index: star imports of the run's own modules. */
	lf_project *project = lf_project_create((const char *const *)files.paths, files.count);
	run_jobs(&s, project, paths, count, &t);
	t.modules_parsed = lf_project_modules_parsed(project);
	t.save_files_parsed = lf_project_save_files_parsed(project);
	lf_project_destroy(project);
	/* A path that could not be walked (`loadfix missing.py`) was not
	 * checked either: no success line for it. */
	if (!walk_ok)
		t.error = true;
	if (first_root && !(stdin_seen && s.mode == LF_MODE_FIX)) {
		lf_project_rules_check(&project_rules, &s);
		lf_project_rules_emit(&project_rules, &s, &t);
	}
	lf_project_rules_finish(&project_rules);
	bool stdin_fix = stdin_seen && s.mode == LF_MODE_FIX;
	if (machine_format(&s))
		lf_print_document(&s, &t, stdin_fix ? stderr : stdout);
	lf_print_summary(&s, &t, stdin_fix);
	lf_run_totals_finish(&t);

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
