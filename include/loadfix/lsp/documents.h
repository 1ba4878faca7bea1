#ifndef LOADFIX_LSP_DOCUMENTS_H
#define LOADFIX_LSP_DOCUMENTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loadfix/doc.h"
#include "loadfix/lsp/position.h"
#include "loadfix/source.h"

/*
 * The documents the client has open, by URI, with their text and version
 * (ruff's session index).  The store owns each document; the server fills
 * `findings` after every change.  An editor has a handful of files open,
 * so a plain array searched linearly is enough.
 */
typedef struct lf_lsp_document {
	char *uri;   /* owned, as the client sent it */
	char *path;  /* owned: the file path of a file: URI, else NULL */
	bool python; /* checked: a Python file (notebooks go through notebookDocument, not yet) */
	int64_t version;
	lf_source text; /* owned: the client's current text */
	/* owned: the pipeline's result for the last text checked, with its
	 * parse (findings.tree), which every change edits (ts_tree_edit) so
	 * that the next check re-parses only what changed. */
	lf_doc findings;
} lf_lsp_document;

typedef struct lf_lsp_documents {
	lf_lsp_document **items; /* owned */
	size_t count;
} lf_lsp_documents;

void lf_lsp_documents_init(lf_lsp_documents *store);
void lf_lsp_documents_finish(lf_lsp_documents *store);
/* Opens (or reopens, replacing) a document with a copy of `text`. */
lf_lsp_document *lf_lsp_documents_open(lf_lsp_documents *store, const char *uri, const char *language, const char *text,
                                       size_t len, int64_t version);
lf_lsp_document *lf_lsp_documents_find(const lf_lsp_documents *store, const char *uri);
/* false when the document was not open. */
bool lf_lsp_documents_close(lf_lsp_documents *store, const char *uri);

/*
 * Applies one TextDocumentContentChangeEvent: with a `range`, the range is
 * replaced by `text` (incremental sync); without, `text` is the whole new
 * document.  Returns false with *error set (caller frees) when the event is
 * malformed; the document is then unchanged.
 */
bool lf_lsp_document_apply_change(lf_lsp_document *doc, const json_t *change, lf_lsp_encoding encoding, char **error);

/* The file path of a file: URI (percent-decoded), or NULL; caller frees. */
char *lf_lsp_uri_to_path(const char *uri);
/* A file: URI for an absolute path (percent-encoded); caller frees. */
char *lf_lsp_path_to_uri(const char *path);

#endif
