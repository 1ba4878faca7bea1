/*
 * Notebook documents for the language server; see loadfix/lsp/notebooks.h.
 */
#include "loadfix/lsp/notebooks.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"

/* NotebookCellKind (LSP 3.17). */
enum { CELL_MARKUP = 1, CELL_CODE = 2 };

void lf_lsp_notebooks_init(lf_lsp_notebooks *store)
{
	memset(store, 0, sizeof *store);
}

static void notebook_destroy(lf_lsp_notebook *nb)
{
	if (!nb)
		return;
	free(nb->uri);
	free(nb->path);
	for (size_t i = 0; i < nb->count; i++)
		free(nb->cells[i].uri);
	free(nb->cells);
	lf_lsp_documents_finish(&nb->texts);
	lf_notebook_destroy(nb->view);
	lf_doc_finish(&nb->findings);
	free(nb);
}

void lf_lsp_notebooks_finish(lf_lsp_notebooks *store)
{
	for (size_t i = 0; i < store->count; i++)
		notebook_destroy(store->items[i]);
	free(store->items);
	memset(store, 0, sizeof *store);
}

/* Appends a description of what went wrong to *error. */
__attribute__((format(printf, 2, 3))) static void note(char **error, const char *fmt, ...)
{
	va_list args;
	va_start(args, fmt);
	char *text = lf_xvasprintf(fmt, args);
	va_end(args);
	if (*error) {
		char *both = lf_xasprintf("%s; %s", *error, text);
		free(*error);
		free(text);
		*error = both;
	} else {
		*error = text;
	}
}

/* Reads a NotebookCell (kind, document) into *cell; false when malformed. */
static bool read_cell(const json_t *item, lf_lsp_cell *cell)
{
	const char *uri = json_string_value(json_object_get(item, "document"));
	json_t *kind = json_object_get(item, "kind");
	if (!uri || !json_is_integer(kind))
		return false;
	cell->uri = lf_xstrdup(uri);
	cell->code = json_integer_value(kind) == CELL_CODE;
	return true;
}

/* Opens (or replaces) a cell's text from a TextDocumentItem. */
static bool open_text(lf_lsp_notebook *nb, const json_t *item)
{
	const char *uri = json_string_value(json_object_get(item, "uri"));
	json_t *text = json_object_get(item, "text");
	if (!uri || !json_is_string(text) || json_string_length(text) >= UINT32_MAX)
		return false;
	const char *language = json_string_value(json_object_get(item, "languageId"));
	lf_lsp_document *doc =
	        lf_lsp_documents_open(&nb->texts, uri, language, json_string_value(text), json_string_length(text),
	                              json_integer_value(json_object_get(item, "version")));
	/* A cell is Python by its language alone: a client may name cells
	 * with the notebook's file: URI and a fragment, whose path ends in
	 * .ipynb, which would make the store take it for notebook JSON. */
	doc->python = language && strcmp(language, "python") == 0;
	return true;
}

const lf_lsp_document *lf_lsp_notebook_cell_text(const lf_lsp_notebook *nb, size_t i)
{
	return lf_lsp_documents_find(&nb->texts, nb->cells[i].uri);
}

/* Gives every cell a text document: one the client did not send is empty
 * (a code cell stays a code cell). */
static void fill_missing_texts(lf_lsp_notebook *nb, char **error)
{
	for (size_t i = 0; i < nb->count; i++) {
		if (lf_lsp_documents_find(&nb->texts, nb->cells[i].uri))
			continue;
		note(error, "cell %zu (%s) has no text document; checked as empty", i + 1, nb->cells[i].uri);
		lf_lsp_documents_open(&nb->texts, nb->cells[i].uri, "python", "", 0, 0);
	}
}

/* Drops the texts no cell refers to (a removed cell whose didClose the
 * client did not send). */
static void drop_orphan_texts(lf_lsp_notebook *nb)
{
	for (size_t k = nb->texts.count; k-- > 0;) {
		const char *uri = nb->texts.items[k]->uri;
		bool used = false;
		for (size_t i = 0; i < nb->count && !used; i++)
			used = strcmp(nb->cells[i].uri, uri) == 0;
		if (!used)
			lf_lsp_documents_close(&nb->texts, uri);
	}
}

/*
 * The cells written as an nbformat 4 notebook for the adapter.  A code cell
 * whose text document is not Python (a `%%sql`-language cell of some
 * kernels, say) is written as a raw cell: not checked, as on the command
 * line a cell is checked only as Python.
 */
static void rebuild(lf_lsp_notebook *nb, char **error)
{
	lf_notebook_destroy(nb->view);
	nb->view = NULL;
	json_t *cells = json_array();
	for (size_t i = 0; i < nb->count; i++) {
		const lf_lsp_document *text = lf_lsp_notebook_cell_text(nb, i);
		const char *type = nb->cells[i].code ? (text->python ? "code" : "raw") : "markdown";
		json_t *cell = json_pack("{s:s, s:{}, s:s%}", "cell_type", type, "metadata", "source",
		                         (const char *)text->text.bytes, (size_t)text->text.len);
		if (!cell) { /* not UTF-8: jansson refuses it */
			note(error, "cell %zu: its text is not UTF-8; checked as empty", i + 1);
			cell = json_pack("{s:s, s:{}, s:s}", "cell_type", type, "metadata", "source", "");
		}
		if (strcmp(type, "code") == 0) {
			json_object_set_new(cell, "outputs", json_array());
			json_object_set_new(cell, "execution_count", json_null());
		}
		json_array_append_new(cells, cell);
	}
	json_t *root = json_pack("{s:i, s:i, s:{s:{s:s}}, s:o}", "nbformat", 4, "nbformat_minor", 5, "metadata",
	                         "language_info", "name", "python", "cells", cells);
	char *json = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	char *why = NULL;
	nb->view = lf_notebook_parse((const uint8_t *)json, (uint32_t)strlen(json), &why);
	free(json);
	if (!nb->view) {
		note(error, "the cells do not make a notebook loadfix reads (%s); not checked", why);
		free(why);
	}
}

lf_lsp_notebook *lf_lsp_notebooks_open(lf_lsp_notebooks *store, const json_t *params, char **error)
{
	*error = NULL;
	json_t *document = json_object_get(params, "notebookDocument");
	const char *uri = json_string_value(json_object_get(document, "uri"));
	json_t *cells = json_object_get(document, "cells");
	if (!uri || !json_is_array(cells)) {
		*error = lf_xstrdup("notebookDocument/didOpen without notebookDocument.uri and cells");
		return NULL;
	}
	lf_lsp_notebooks_close(store, uri);
	lf_lsp_notebook *nb = lf_xcalloc(1, sizeof *nb);
	nb->uri = lf_xstrdup(uri);
	nb->path = lf_lsp_uri_to_path(uri);
	nb->version = json_integer_value(json_object_get(document, "version"));
	lf_lsp_documents_init(&nb->texts);
	lf_doc_init(&nb->findings);
	nb->cells = lf_xcalloc(json_array_size(cells) + 1, sizeof *nb->cells);
	size_t i;
	json_t *item;
	json_array_foreach(cells, i, item)
	{
		if (read_cell(item, &nb->cells[nb->count]))
			nb->count++;
		else
			note(error, "cell %zu is malformed (no document or kind); skipped", i + 1);
	}
	json_array_foreach(json_object_get(params, "cellTextDocuments"), i, item)
	{
		if (!open_text(nb, item))
			note(error, "cellTextDocuments[%zu] is malformed; skipped", i);
	}
	drop_orphan_texts(nb);
	fill_missing_texts(nb, error);
	rebuild(nb, error);
	store->items = lf_xrealloc(store->items, sizeof(lf_lsp_notebook *) * (store->count + 1));
	store->items[store->count++] = nb;
	return nb;
}

lf_lsp_notebook *lf_lsp_notebooks_find(const lf_lsp_notebooks *store, const char *uri)
{
	for (size_t i = 0; i < store->count; i++)
		if (strcmp(store->items[i]->uri, uri) == 0)
			return store->items[i];
	return NULL;
}

lf_lsp_notebook *lf_lsp_notebooks_find_cell(const lf_lsp_notebooks *store, const char *cell_uri, size_t *index)
{
	for (size_t n = 0; n < store->count; n++) {
		lf_lsp_notebook *nb = store->items[n];
		for (size_t i = 0; i < nb->count; i++)
			if (strcmp(nb->cells[i].uri, cell_uri) == 0) {
				*index = i;
				return nb;
			}
	}
	return NULL;
}

bool lf_lsp_notebooks_close(lf_lsp_notebooks *store, const char *uri)
{
	for (size_t i = 0; i < store->count; i++) {
		if (strcmp(store->items[i]->uri, uri) != 0)
			continue;
		notebook_destroy(store->items[i]);
		memmove(&store->items[i], &store->items[i + 1], sizeof(lf_lsp_notebook *) * (store->count - i - 1));
		store->count--;
		return true;
	}
	return false;
}

/* NotebookCellArrayChange: delete `deleteCount` cells at `start`, insert
 * `cells` there. */
static void splice_cells(lf_lsp_notebook *nb, const json_t *array, char **error)
{
	json_t *start = json_object_get(array, "start"), *delete_count = json_object_get(array, "deleteCount");
	if (!json_is_integer(start) || !json_is_integer(delete_count) || json_integer_value(start) < 0 ||
	    json_integer_value(delete_count) < 0 || (uint64_t)json_integer_value(start) > nb->count ||
	    (uint64_t)json_integer_value(delete_count) > nb->count - (size_t)json_integer_value(start)) {
		note(error, "a cell structure change with a malformed or out-of-range start/deleteCount; skipped");
		return;
	}
	size_t at = (size_t)json_integer_value(start), removed = (size_t)json_integer_value(delete_count);
	json_t *inserted = json_object_get(array, "cells");
	size_t added_max = json_array_size(inserted);
	lf_lsp_cell *added = lf_xcalloc(added_max + 1, sizeof *added);
	size_t added_count = 0;
	size_t i;
	json_t *item;
	json_array_foreach(inserted, i, item)
	{
		if (read_cell(item, &added[added_count]))
			added_count++;
		else
			note(error, "an inserted cell is malformed (no document or kind); skipped");
	}
	for (i = at; i < at + removed; i++)
		free(nb->cells[i].uri);
	size_t count = nb->count - removed + added_count;
	lf_lsp_cell *cells = lf_xcalloc(count + 1, sizeof *cells);
	memcpy(cells, nb->cells, at * sizeof *cells);
	memcpy(cells + at, added, added_count * sizeof *cells);
	memcpy(cells + at + added_count, nb->cells + at + removed, (nb->count - at - removed) * sizeof *cells);
	free(added);
	free(nb->cells);
	nb->cells = cells;
	nb->count = count;
}

static void apply_structure(lf_lsp_notebook *nb, const json_t *structure, char **error)
{
	if (json_object_get(structure, "array"))
		splice_cells(nb, json_object_get(structure, "array"), error);
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(structure, "didClose"), i, item)
	{
		const char *uri = json_string_value(json_object_get(item, "uri"));
		if (uri)
			lf_lsp_documents_close(&nb->texts, uri);
	}
	json_array_foreach(json_object_get(structure, "didOpen"), i, item)
	{
		if (!open_text(nb, item))
			note(error, "structure.didOpen[%zu] is malformed; skipped", i);
	}
}

/* NotebookCell[] of changed data: only the kind matters to the code. */
static void apply_data(lf_lsp_notebook *nb, const json_t *data)
{
	size_t i;
	json_t *item;
	json_array_foreach(data, i, item)
	{
		const char *uri = json_string_value(json_object_get(item, "document"));
		json_t *kind = json_object_get(item, "kind");
		for (size_t k = 0; uri && json_is_integer(kind) && k < nb->count; k++)
			if (strcmp(nb->cells[k].uri, uri) == 0)
				nb->cells[k].code = json_integer_value(kind) == CELL_CODE;
	}
}

static void apply_text_content(lf_lsp_notebook *nb, const json_t *text_content, lf_lsp_encoding encoding, char **error)
{
	size_t i;
	json_t *item;
	json_array_foreach(text_content, i, item)
	{
		json_t *document = json_object_get(item, "document");
		const char *uri = json_string_value(json_object_get(document, "uri"));
		lf_lsp_document *doc = uri ? lf_lsp_documents_find(&nb->texts, uri) : NULL;
		if (!doc) {
			note(error, "a text change for %s, not a cell of this notebook; skipped", uri ? uri : "no uri");
			continue;
		}
		size_t k;
		json_t *change;
		json_array_foreach(json_object_get(item, "changes"), k, change)
		{
			char *why = NULL;
			if (!lf_lsp_document_apply_change(doc, change, encoding, &why)) {
				note(error, "%s: %s; change ignored", uri, why);
				free(why);
			}
		}
		json_t *version = json_object_get(document, "version");
		if (json_is_integer(version))
			doc->version = json_integer_value(version);
	}
}

void lf_lsp_notebook_apply_change(lf_lsp_notebook *nb, const json_t *change, lf_lsp_encoding encoding, char **error)
{
	*error = NULL;
	json_t *cells = json_object_get(change, "cells");
	if (json_object_get(cells, "structure"))
		apply_structure(nb, json_object_get(cells, "structure"), error);
	apply_data(nb, json_object_get(cells, "data"));
	apply_text_content(nb, json_object_get(cells, "textContent"), encoding, error);
	drop_orphan_texts(nb);
	fill_missing_texts(nb, error);
	rebuild(nb, error);
}

bool lf_lsp_notebook_cell_span(const lf_lsp_notebook *nb, size_t i, uint32_t *start, uint32_t *length)
{
	if (!nb->view || i >= lf_notebook_cell_count(nb->view))
		return false;
	const lf_notebook_cell *cell = lf_notebook_cell_at(nb->view, (uint32_t)i);
	if (cell->type != LF_CELL_CODE || cell->opaque || cell->length == 0)
		return false;
	*start = cell->start;
	*length = cell->length;
	return true;
}

bool lf_lsp_notebook_locate(const lf_lsp_notebook *nb, uint32_t offset, size_t *cell, uint32_t *local)
{
	bool found = false;
	for (size_t i = 0; i < nb->count; i++) {
		uint32_t start, length;
		if (!lf_lsp_notebook_cell_span(nb, i, &start, &length) || offset < start)
			continue;
		/* the last cell starting at or before the offset holds it */
		*cell = i;
		uint32_t len = lf_lsp_notebook_cell_text(nb, i)->text.len;
		*local = offset - start < len ? offset - start : len;
		found = true;
		if (offset < start + length)
			break;
	}
	return found;
}
