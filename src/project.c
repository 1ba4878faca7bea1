#include "loadfix/project.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"
#include "loadfix/parse.h"
#include "loadfix/prefilter.h"
#include "loadfix/resolve.h"
#include "loadfix/save_index.h"
#include "loadfix/source.h"
#include "loadfix/star_summary.h"
#include "loadfix/wrappers.h"

/* The exports of one module file, computed once. */
typedef struct module_entry {
	char *path; /* as walked */
	enum { MODULE_NEW, MODULE_IN_PROGRESS, MODULE_DONE } state;
	lf_export *exports;
	size_t count, cap;
	/* its wrappers of torch.load, found on demand apart from the exports */
	enum { WRAPPERS_NEW, WRAPPERS_IN_PROGRESS, WRAPPERS_DONE } wrappers_state;
	lf_wrappers wrappers;
} module_entry;

struct lf_project {
	char **paths; /* sorted, as walked */
	size_t count;
	module_entry *modules; /* one per path, same order, filled on demand */
	/* Recursive: computing a module's exports may ask for another's
	 * (its own star imports); a cycle is seen as MODULE_IN_PROGRESS.
	 * One lock for all: exports are computed once per module and runs
	 * rarely have many, so waiting here costs less than a finer scheme. */
	pthread_mutex_t lock;
	lf_prefilter *prefilter; /* used under the lock */
	uint64_t modules_parsed; /* under the lock */
	/* Every file's torch.save calls to literal paths (LF001's evidence
	 * across files), built under the lock on the first question. */
	bool saves_built;
	lf_save_index *saves;
};

static int compare_paths(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

lf_project *lf_project_create(const char *const *paths, size_t count)
{
	lf_project *p = lf_xcalloc(1, sizeof *p);
	p->paths = lf_xcalloc(count ? count : 1, sizeof(char *));
	for (size_t i = 0; i < count; i++)
		if (strcmp(paths[i], "-") != 0)
			p->paths[p->count++] = lf_xstrdup(paths[i]);
	qsort(p->paths, p->count, sizeof(char *), compare_paths);
	p->modules = lf_xcalloc(p->count ? p->count : 1, sizeof(module_entry));
	pthread_mutexattr_t attr;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&p->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	p->prefilter = lf_prefilter_create();
	return p;
}

void lf_project_destroy(lf_project *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->count; i++) {
		for (size_t k = 0; k < p->modules[i].count; k++)
			free((char *)p->modules[i].exports[k].name);
		free(p->modules[i].exports);
		lf_wrappers_finish(&p->modules[i].wrappers);
		free(p->paths[i]);
	}
	lf_save_index_destroy(p->saves);
	free(p->modules);
	free(p->paths);
	pthread_mutex_destroy(&p->lock);
	lf_prefilter_destroy(p->prefilter);
	free(p);
}

/* The index of a walked path, or -1. */
static long find_path(const lf_project *p, const char *path)
{
	char *const *found = bsearch(&path, p->paths, p->count, sizeof(char *), compare_paths);
	return found ? (long)(found - p->paths) : -1;
}

/* `dir` + "/" + `rest`, where an empty dir is the current directory. */
static char *join(const char *dir, const char *rest)
{
	return dir[0] ? lf_xasprintf("%s/%s", dir, rest) : lf_xstrdup(rest);
}

/* The directory part of `path` ("" for a bare name); caller frees. */
static char *parent_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return lf_xstrdup("");
	if (slash == path)
		return lf_xstrdup("/");
	char *dir = lf_xmalloc((size_t)(slash - path) + 1);
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	return dir;
}

/* The walked file for module `rel` ("a/b", or "" for a package itself)
 * under `dir`: a/b.py or a/b/__init__.py; -1 when neither is walked. */
static long module_file(const lf_project *p, const char *dir, const char *rel)
{
	long found = -1;
	if (rel[0]) {
		char *file = lf_xasprintf("%s.py", rel);
		char *candidate = join(dir, file);
		found = find_path(p, candidate);
		free(candidate);
		free(file);
		if (found >= 0)
			return found;
	}
	char *init = rel[0] ? lf_xasprintf("%s/__init__.py", rel) : lf_xstrdup("__init__.py");
	char *candidate = join(dir, init);
	found = find_path(p, candidate);
	free(candidate);
	free(init);
	return found;
}

static long locate(const lf_project *p, const char *importer, const char *module, unsigned level)
{
	char *rel = lf_xstrdup(module);
	for (char *c = rel; *c; c++)
		if (*c == '.')
			*c = '/';
	char *dir = parent_of(importer);
	long found = -1;
	if (level > 0) {
		/* `from .x import *`: the importer's package; each further dot
		 * one package up. */
		for (unsigned up = 1; up < level && dir[0] && strcmp(dir, "/") != 0; up++) {
			char *next = parent_of(dir);
			free(dir);
			dir = next;
		}
		found = module_file(p, dir, rel);
	} else {
		/* An absolute import: the importer's directory or any above it,
		 * as the project would put its root on sys.path. */
		for (;;) {
			found = module_file(p, dir, rel);
			if (found >= 0 || !dir[0] || strcmp(dir, "/") == 0 || strcmp(dir, ".") == 0)
				break;
			char *next = parent_of(dir);
			free(dir);
			dir = next;
		}
	}
	free(dir);
	free(rel);
	return found;
}

static void add_export(void *user, const uint8_t *name, size_t len, uint32_t id)
{
	module_entry *m = user;
	if (m->count == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 8;
		m->exports = lf_xrealloc(m->exports, sizeof(lf_export) * m->cap);
	}
	char *copy = lf_xmalloc(len + 1);
	memcpy(copy, name, len);
	copy[len] = '\0';
	m->exports[m->count++] = (lf_export){.name = copy, .id = id};
}

/*
 * Parses the module's summary (loadfix/star_summary.h: its top-level
 * statements with function and class bodies left out, most of a module's
 * bytes) into *summary, or returns NULL when the scan is unsure or the
 * summary does not parse cleanly; then the caller parses the whole module.
 * A module whose summary parses cleanly but whose whole text does not (a
 * syntax error inside a body left out) cannot be imported at run time, so
 * the bindings the whole parse's error recovery might invent are not
 * exports either.
 */
static TSTree *parse_summary(lf_parser *parser, const lf_source *src, lf_source *summary)
{
	lf_buf text;
	lf_buf_init(&text);
	if (!lf_star_summary(src->bytes, src->len, &text) || text.len > UINT32_MAX - 1) {
		lf_buf_finish(&text);
		return NULL;
	}
	size_t len = 0;
	lf_buf_reserve(&text, 1); /* lf_source_init wants one spare byte */
	uint8_t *bytes = (uint8_t *)lf_buf_steal(&text, &len);
	lf_source_init(summary, bytes, (uint32_t)len);
	TSTree *tree = lf_parser_parse(parser, summary->bytes, summary->len);
	if (ts_node_has_error(ts_tree_root_node(tree))) {
		ts_tree_delete(tree);
		lf_source_finish(summary);
		return NULL;
	}
	return tree;
}

static void compute_exports(lf_project *p, module_entry *m, const char *path)
{
	lf_source src;
	char *error = NULL;
	/* the default --max-file-size: a larger module is not read for its
	 * exports either */
	if (!lf_source_read(&src, path, (uint64_t)10 << 20, &error)) {
		/* the file's own check reports why it cannot be read */
		free(error);
		return;
	}
	/* A module that cannot refer to a loader itself, nor through its own
	 * star imports, exports none: no parse. */
	bool may = lf_prefilter_may_bind(p->prefilter, src.bytes, src.len) ||
	           lf_project_star_imports_bind(p, p->prefilter, path, src.bytes, src.len);
	if (!may) {
		lf_source_finish(&src);
		return;
	}
	p->modules_parsed++;
	lf_parser *parser = lf_parser_create();
	lf_source summary;
	TSTree *tree = parse_summary(parser, &src, &summary);
	const lf_source *parsed = &summary;
	if (!tree) {
		parsed = &src;
		tree = lf_parser_parse(parser, src.bytes, src.len);
	}
	lf_resolve_context context = {.project = p, .path = path};
	lf_resolve_module_exports(tree, parsed, &context, add_export, m);
	ts_tree_delete(tree);
	if (parsed == &summary)
		lf_source_finish(&summary);
	lf_parser_destroy(parser);
	lf_source_finish(&src);
}

uint64_t lf_project_modules_parsed(const lf_project *project)
{
	return project ? project->modules_parsed : 0;
}

typedef struct star_query {
	lf_project *project;
	const char *importer;
} star_query;

static bool star_binds(void *user, const char *module, unsigned level)
{
	const star_query *q = user;
	return lf_project_star_exports(q->project, q->importer, module, level).count > 0;
}

bool lf_project_star_imports_bind(lf_project *project, lf_prefilter *prefilter, const char *importer,
                                  const uint8_t *bytes, size_t len)
{
	if (!project || !importer || !project->count)
		return false;
	star_query q = {project, importer};
	return lf_prefilter_star_imports(prefilter, bytes, len, star_binds, &q);
}

lf_exports lf_project_star_exports(lf_project *p, const char *importer, const char *module, unsigned level)
{
	lf_exports none = {NULL, 0};
	if (!p || !importer)
		return none;
	long index = locate(p, importer, module, level);
	if (index < 0)
		return none;
	pthread_mutex_lock(&p->lock);
	module_entry *m = &p->modules[index];
	if (m->state == MODULE_NEW) {
		m->state = MODULE_IN_PROGRESS;
		compute_exports(p, m, p->paths[index]);
		m->state = MODULE_DONE;
	}
	/* MODULE_IN_PROGRESS here: a cycle closes; it binds nothing. */
	lf_exports result = m->state == MODULE_DONE ? (lf_exports){m->exports, m->count} : none;
	pthread_mutex_unlock(&p->lock);
	return result;
}

static void compute_wrappers(lf_project *p, module_entry *m, const char *path)
{
	lf_source src;
	char *error = NULL;
	/* the default --max-file-size, as for the exports */
	if (!lf_source_read(&src, path, (uint64_t)10 << 20, &error)) {
		free(error);
		return;
	}
	/* Only asked for when a call of one of its names passes weights_only:
	 * rare enough that the module is parsed without a prefilter (a
	 * wrapper of a wrapper need not name torch). */
	p->modules_parsed++;
	lf_parser *parser = lf_parser_create();
	TSTree *tree = lf_parser_parse(parser, src.bytes, src.len);
	lf_resolve_context context = {.project = p, .path = path};
	lf_refs refs;
	lf_refs_init(&refs);
	lf_resolve_load_refs_in(tree, &src, &context, &refs);
	lf_wrappers_discover(tree, &src, &context, &refs, &m->wrappers);
	lf_refs_finish(&refs);
	ts_tree_delete(tree);
	lf_parser_destroy(parser);
	lf_source_finish(&src);
}

const lf_wrapper *lf_project_wrapper(lf_project *p, const char *importer, const char *module, unsigned level,
                                     const char *name)
{
	if (!p || !importer)
		return NULL;
	long index = locate(p, importer, module, level);
	if (index < 0)
		return NULL;
	pthread_mutex_lock(&p->lock);
	module_entry *m = &p->modules[index];
	if (m->wrappers_state == WRAPPERS_NEW) {
		m->wrappers_state = WRAPPERS_IN_PROGRESS;
		compute_wrappers(p, m, p->paths[index]);
		m->wrappers_state = WRAPPERS_DONE;
	}
	/* WRAPPERS_IN_PROGRESS here: a cycle of wrappers closes; none. */
	const lf_wrapper *found = m->wrappers_state == WRAPPERS_DONE ? lf_wrappers_find(&m->wrappers, name) : NULL;
	pthread_mutex_unlock(&p->lock);
	return found;
}

bool lf_project_saved(lf_project *p, const char *asker, const char *path, lf_project_save *out)
{
	if (!p || !p->count || !path)
		return false;
	pthread_mutex_lock(&p->lock);
	if (!p->saves_built) {
		p->saves_built = true;
		/* the default --max-file-size, as for the exports */
		p->saves = lf_save_index_build((const char *const *)p->paths, p->count, (uint64_t)10 << 20);
	}
	bool found = lf_save_index_find(p->saves, asker, path, out);
	pthread_mutex_unlock(&p->lock);
	return found;
}

uint64_t lf_project_save_files_parsed(const lf_project *project)
{
	return project ? lf_save_index_files_parsed(project->saves) : 0;
}
