#include "loadfix/save_index.h"

#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"
#include "loadfix/evidence.h"
#include "loadfix/notebook.h"
#include "loadfix/parse.h"
#include "loadfix/report.h"
#include "loadfix/source.h"

/* One save: to `path` from the file `file` (index into the paths). */
typedef struct save_site {
	char *path;  /* normalised literal, owned */
	size_t file; /* index into the index's paths */
	uint32_t at; /* byte offset in the file's (combined, for a notebook) code */
	lf_evidence_kind kind;
	char *where; /* "train.py:12", owned */
} save_site;

struct lf_save_index {
	const char *const *paths; /* borrowed */
	size_t count;
	save_site *sites; /* sorted by (path, file, at) once built */
	size_t site_count, site_cap;
	uint64_t files_parsed;
};

static bool is_name_byte(uint8_t c)
{
	/* bytes of a non-ASCII character count as a name's: `ésave` is
	 * another name */
	return c == '_' || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c >= 0x80;
}

bool lf_save_index_may_save(const uint8_t *bytes, size_t len)
{
	if (!bytes || !memmem(bytes, len, "torch", 5))
		return false;
	for (const uint8_t *at = bytes; (at = memmem(at, len - (size_t)(at - bytes), "save", 4)) != NULL; at++) {
		if (at > bytes && is_name_byte(at[-1]))
			continue;
		const uint8_t *end = bytes + len, *c = at + 4;
		while (c < end && (*c == ' ' || *c == '\t' || *c == '\f' || *c == '\r' || *c == '\n' || *c == '\\'))
			c++;
		if (c < end && *c == '(')
			return true;
	}
	return false;
}

typedef struct collecting {
	lf_save_index *index;
	size_t file;
	const lf_source *src;
	const lf_notebook *notebook; /* or NULL */
	const char *shown;           /* the file's display path */
} collecting;

static void add_site(void *user, const lf_evidence_save *save)
{
	collecting *c = user;
	lf_save_index *index = c->index;
	char *where;
	lf_notebook_position pos;
	if (c->notebook && lf_notebook_locate(c->notebook, save->at, &pos))
		where = lf_xasprintf("%s:cell %u:%u", c->shown, pos.cell, pos.line);
	else
		where = lf_xasprintf("%s:%u", c->shown, lf_source_line_of(c->src, save->at) + 1);
	if (index->site_count == index->site_cap) {
		index->site_cap = index->site_cap ? 2 * index->site_cap : 16;
		index->sites = lf_xrealloc(index->sites, index->site_cap * sizeof *index->sites);
	}
	index->sites[index->site_count++] = (save_site){
	        .path = lf_xstrdup(save->path), .file = c->file, .at = save->at, .kind = save->kind, .where = where};
}

/* The file's code into *code: the file itself, or a notebook's combined
 * code cells (*notebook set; caller destroys).  False when there is none. */
static bool code_of(const char *path, lf_source *file, lf_source *code, lf_notebook **notebook)
{
	*notebook = NULL;
	if (!lf_notebook_path(path)) {
		*code = *file;
		memset(file, 0, sizeof *file);
		return true;
	}
	char *error = NULL;
	*notebook = lf_notebook_parse(file->bytes, file->len, &error);
	free(error); /* the notebook's own check reports it */
	if (!*notebook || !lf_notebook_is_python(*notebook))
		return false;
	uint32_t len;
	const uint8_t *text = lf_notebook_source(*notebook, &len);
	uint8_t *copy = lf_xmalloc((size_t)len + 1); /* lf_source_init wants a spare byte */
	memcpy(copy, text, len);
	lf_source_init(code, copy, len);
	return true;
}

/*
 * Under --fix another worker may be rewriting the file while it is read
 * here: the write is an atomic rename, so the text is the old or the new
 * one, and a fix never touches a save, so both give the same saves.
 */
static void index_file(lf_save_index *index, lf_parser *parser, size_t file, uint64_t max_size)
{
	const char *path = index->paths[file];
	lf_source src, code = {0};
	char *error = NULL;
	if (!lf_source_read(&src, path, max_size, &error)) {
		free(error); /* the file's own check reports why it cannot be read */
		return;
	}
	lf_notebook *notebook = NULL;
	/* A notebook is tested on its code, not its JSON (where escapes may
	 * hide the words). */
	bool may = code_of(path, &src, &code, &notebook) && lf_save_index_may_save(code.bytes, code.len);
	if (may) {
		index->files_parsed++;
		TSTree *tree = lf_parser_parse(parser, code.bytes, code.len);
		lf_evidence_file *evidence = lf_evidence_file_create(tree, &code);
		char *shown = lf_display_path(path);
		collecting c = {.index = index, .file = file, .src = &code, .notebook = notebook, .shown = shown};
		lf_evidence_file_saves(evidence, add_site, &c);
		free(shown);
		lf_evidence_file_destroy(evidence);
		ts_tree_delete(tree);
	}
	lf_notebook_destroy(notebook);
	lf_source_finish(&code);
	lf_source_finish(&src);
}

static int site_order(const void *a, const void *b)
{
	const save_site *x = a, *y = b;
	int by_path = strcmp(x->path, y->path);
	if (by_path)
		return by_path;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

lf_save_index *lf_save_index_build(const char *const *paths, size_t count, uint64_t max_size)
{
	lf_save_index *index = lf_xcalloc(1, sizeof *index);
	index->paths = paths;
	index->count = count;
	lf_parser *parser = lf_parser_create();
	for (size_t i = 0; i < count; i++)
		index_file(index, parser, i, max_size);
	lf_parser_destroy(parser);
	if (index->site_count > 1)
		qsort(index->sites, index->site_count, sizeof *index->sites, site_order);
	return index;
}

void lf_save_index_destroy(lf_save_index *index)
{
	if (!index)
		return;
	for (size_t i = 0; i < index->site_count; i++) {
		free(index->sites[i].path);
		free(index->sites[i].where);
	}
	free(index->sites);
	free(index);
}

bool lf_save_index_find(const lf_save_index *index, const char *asker, const char *path, lf_project_save *out)
{
	size_t low = 0, high = index->site_count;
	while (low < high) {
		size_t mid = low + (high - low) / 2;
		if (strcmp(index->sites[mid].path, path) < 0)
			low = mid + 1;
		else
			high = mid;
	}
	const save_site *safe = NULL;
	for (size_t i = low; i < index->site_count && strcmp(index->sites[i].path, path) == 0; i++) {
		const save_site *site = &index->sites[i];
		if (asker && strcmp(index->paths[site->file], asker) == 0)
			continue;
		if (site->kind > LF_EVIDENCE_STATE_DICT) {
			/* the first unsafe save, in path order, wins */
			*out = (lf_project_save){.kind = site->kind, .where = site->where, .path = site->path};
			return true;
		}
		if (!safe)
			safe = site;
	}
	if (!safe)
		return false;
	*out = (lf_project_save){.kind = safe->kind, .where = safe->where, .path = safe->path};
	return true;
}

uint64_t lf_save_index_files_parsed(const lf_save_index *index)
{
	return index ? index->files_parsed : 0;
}
