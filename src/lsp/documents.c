#include "loadfix/lsp/documents.h"

#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"
#include "loadfix/notebook.h"

void lf_lsp_documents_init(lf_lsp_documents *store)
{
	memset(store, 0, sizeof *store);
}

static void document_destroy(lf_lsp_document *doc)
{
	if (!doc)
		return;
	free(doc->uri);
	free(doc->path);
	lf_source_finish(&doc->text);
	lf_doc_finish(&doc->findings);
	free(doc);
}

void lf_lsp_documents_finish(lf_lsp_documents *store)
{
	for (size_t i = 0; i < store->count; i++)
		document_destroy(store->items[i]);
	free(store->items);
	memset(store, 0, sizeof *store);
}

static void set_text(lf_lsp_document *doc, const char *text, size_t len)
{
	uint8_t *bytes = lf_xmalloc(len + 1);
	memcpy(bytes, text, len);
	lf_source_finish(&doc->text);
	lf_source_init(&doc->text, bytes, (uint32_t)len);
}

lf_lsp_document *lf_lsp_documents_open(lf_lsp_documents *store, const char *uri, const char *language, const char *text,
                                       size_t len, int64_t version)
{
	lf_lsp_documents_close(store, uri);
	lf_lsp_document *doc = lf_xcalloc(1, sizeof *doc);
	doc->uri = lf_xstrdup(uri);
	doc->path = lf_lsp_uri_to_path(uri);
	doc->version = version;
	lf_doc_init(&doc->findings);
	const char *name = doc->path ? doc->path : uri;
	/* A notebook opened as a plain text document is JSON, not Python. */
	doc->python = (language && strcmp(language, "python") == 0) && !lf_notebook_path(name);
	set_text(doc, text, len);
	store->items = lf_xrealloc(store->items, sizeof(lf_lsp_document *) * (store->count + 1));
	store->items[store->count++] = doc;
	return doc;
}

lf_lsp_document *lf_lsp_documents_find(const lf_lsp_documents *store, const char *uri)
{
	for (size_t i = 0; i < store->count; i++)
		if (strcmp(store->items[i]->uri, uri) == 0)
			return store->items[i];
	return NULL;
}

bool lf_lsp_documents_close(lf_lsp_documents *store, const char *uri)
{
	for (size_t i = 0; i < store->count; i++) {
		if (strcmp(store->items[i]->uri, uri) != 0)
			continue;
		document_destroy(store->items[i]);
		memmove(&store->items[i], &store->items[i + 1], sizeof(lf_lsp_document *) * (store->count - i - 1));
		store->count--;
		return true;
	}
	return false;
}

/* tree-sitter's point: rows end where lf_source ends lines (the parser
 * reads a lone \r as \n, see parse.c), columns count bytes. */
static TSPoint point_of(const lf_source *text, uint32_t offset)
{
	uint32_t line = lf_source_line_of(text, offset);
	return (TSPoint){line, offset - text->line_starts[line]};
}

/* The previous parse cannot be reused after a whole-text change. */
static void forget_tree(lf_lsp_document *doc)
{
	if (doc->findings.tree)
		ts_tree_delete(doc->findings.tree);
	doc->findings.tree = NULL;
}

static bool read_position(const json_t *object, lf_lsp_position *out)
{
	json_t *line = json_object_get(object, "line"), *character = json_object_get(object, "character");
	if (!json_is_integer(line) || !json_is_integer(character) || json_integer_value(line) < 0 ||
	    json_integer_value(character) < 0 || json_integer_value(line) > UINT32_MAX ||
	    json_integer_value(character) > UINT32_MAX)
		return false;
	out->line = (uint32_t)json_integer_value(line);
	out->character = (uint32_t)json_integer_value(character);
	return true;
}

bool lf_lsp_document_apply_change(lf_lsp_document *doc, const json_t *change, lf_lsp_encoding encoding, char **error)
{
	json_t *text = json_object_get(change, "text");
	if (!json_is_string(text)) {
		*error = lf_xstrdup("a content change without a text string");
		return false;
	}
	const char *new_text = json_string_value(text);
	size_t new_len = json_string_length(text);
	json_t *range = json_object_get(change, "range");
	if (!range) {
		if (new_len >= UINT32_MAX) {
			*error = lf_xstrdup("document too large (4 GiB)");
			return false;
		}
		set_text(doc, new_text, new_len);
		forget_tree(doc);
		return true;
	}
	lf_lsp_position start, end;
	if (!json_is_object(range) || !read_position(json_object_get(range, "start"), &start) ||
	    !read_position(json_object_get(range, "end"), &end)) {
		*error = lf_xstrdup("a content change with a malformed range");
		return false;
	}
	uint32_t from = lf_lsp_offset_of(&doc->text, start, encoding);
	uint32_t to = lf_lsp_offset_of(&doc->text, end, encoding);
	if (to < from) {
		*error = lf_xstrdup("a content change whose range ends before it starts");
		return false;
	}
	size_t len = (size_t)doc->text.len - (to - from) + new_len;
	if (len >= UINT32_MAX) {
		*error = lf_xstrdup("document too large (4 GiB)");
		return false;
	}
	uint8_t *bytes = lf_xmalloc(len + 1);
	memcpy(bytes, doc->text.bytes, from);
	memcpy(bytes + from, new_text, new_len);
	memcpy(bytes + from + new_len, doc->text.bytes + to, doc->text.len - to);
	/* A lone \r that the insertion makes half of a \r\n (the parser
	 * reads a lone \r as \n, parse.c) needs no widening of the edit:
	 * tree-sitter re-lexes every token whose lookahead the edit touches.
	 * The random-edit test with lone CRs checks it. */
	TSInputEdit tree_edit = {.start_byte = from,
	                         .old_end_byte = to,
	                         .start_point = point_of(&doc->text, from),
	                         .old_end_point = point_of(&doc->text, to)};
	lf_source_finish(&doc->text);
	lf_source_init(&doc->text, bytes, (uint32_t)len);
	tree_edit.new_end_byte = from + (uint32_t)new_len;
	tree_edit.new_end_point = point_of(&doc->text, tree_edit.new_end_byte);
	if (doc->findings.tree)
		ts_tree_edit(doc->findings.tree, &tree_edit);
	return true;
}

char *lf_lsp_uri_to_path(const char *uri)
{
	static const char SCHEME[] = "file://";
	if (strncmp(uri, SCHEME, sizeof SCHEME - 1) != 0)
		return NULL;
	const char *p = uri + sizeof SCHEME - 1;
	/* file://host/path: only the local host is a path here. */
	if (strncmp(p, "localhost/", 10) == 0)
		p += 9;
	if (*p != '/')
		return NULL;
	lf_buf path;
	lf_buf_init(&path);
	for (; *p && *p != '?' && *p != '#'; p++) {
		int high, low;
		if (*p == '%' && (high = lf_hex_value(p[1])) >= 0 && (low = lf_hex_value(p[2])) >= 0) {
			char byte = (char)(high * 16 + low);
			if (byte == '\0') {
				lf_buf_finish(&path);
				return NULL; /* no path holds a NUL */
			}
			lf_buf_putc(&path, byte);
			p += 2;
		} else {
			lf_buf_putc(&path, *p);
		}
	}
	return lf_buf_steal(&path, NULL);
}

char *lf_lsp_path_to_uri(const char *path)
{
	lf_buf uri;
	lf_buf_init(&uri);
	lf_buf_puts(&uri, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("/-._~", *p))
			lf_buf_putc(&uri, (char)*p);
		else
			lf_buf_printf(&uri, "%%%02X", *p);
	}
	return lf_buf_steal(&uri, NULL);
}
