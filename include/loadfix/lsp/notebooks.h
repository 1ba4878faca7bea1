#ifndef LOADFIX_LSP_NOTEBOOKS_H
#define LOADFIX_LSP_NOTEBOOKS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loadfix/doc.h"
#include "loadfix/lsp/documents.h"
#include "loadfix/lsp/position.h"
#include "loadfix/notebook.h"

/*
 * The notebooks the client has open through the notebookDocument methods
 * (LSP 3.17):
 * each is an ordered list of cells, and each cell's text is a text document
 * of its own (a `vscode-notebook-cell:` URI) that the client edits like any
 * other.  The store keeps the order and the cell texts; the checking goes
 * through the command line's notebook adapter (loadfix/notebook.h): the
 * cells are written as an nbformat 4 notebook, which lf_notebook_parse
 * turns into one Python source (code cells in order, IPython syntax masked
 * byte for byte, cell magics opaque), so that a notebook in the editor is
 * checked exactly as `loadfix x.ipynb` checks it and one cell's import
 * names another cell's call.
 */

typedef struct lf_lsp_cell {
	char *uri; /* owned: the cell's text document */
	bool code; /* NotebookCellKind.Code (2); markup cells are not Python */
} lf_lsp_cell;

typedef struct lf_lsp_notebook {
	char *uri;  /* owned: the notebook document */
	char *path; /* owned: its file path (a file: URI), else NULL */
	int64_t version;
	lf_lsp_cell *cells; /* owned, in notebook order */
	size_t count;
	/* The cells' text documents, by URI (owned).  A cell moved by a
	 * structure change keeps its text; a text no cell refers to after a
	 * change is dropped. */
	lf_lsp_documents texts;
	/* The cells as one notebook (owned; rebuilt after every change), or
	 * NULL when it could not be built. */
	lf_notebook *view;
	/* The pipeline's result on lf_notebook_source(view) (owned; the
	 * server fills it). */
	lf_doc findings;
} lf_lsp_notebook;

typedef struct lf_lsp_notebooks {
	lf_lsp_notebook **items; /* owned */
	size_t count;
} lf_lsp_notebooks;

void lf_lsp_notebooks_init(lf_lsp_notebooks *store);
void lf_lsp_notebooks_finish(lf_lsp_notebooks *store);

/*
 * Opens (or reopens, replacing) a notebook from notebookDocument/didOpen's
 * params (notebookDocument, cellTextDocuments) and builds its view.  NULL
 * with *error set (caller frees) when the params are malformed.  A cell
 * whose text document was not sent is empty (and logged through *error
 * with a non-NULL result: the caller logs and frees it).
 */
lf_lsp_notebook *lf_lsp_notebooks_open(lf_lsp_notebooks *store, const json_t *params, char **error);
lf_lsp_notebook *lf_lsp_notebooks_find(const lf_lsp_notebooks *store, const char *uri);
/* The notebook holding the cell text document `cell_uri` and the cell's
 * index in it, or NULL. */
lf_lsp_notebook *lf_lsp_notebooks_find_cell(const lf_lsp_notebooks *store, const char *cell_uri, size_t *index);
bool lf_lsp_notebooks_close(lf_lsp_notebooks *store, const char *uri);

/*
 * Applies notebookDocument/didChange's `change` (a NotebookDocumentChangeEvent):
 * cells.structure (the array splice, didOpen, didClose), cells.data (a
 * cell's kind), cells.textContent (full or incremental text changes, as
 * for a text document).  Metadata and execution summaries do not change
 * the code and are ignored.  Then rebuilds the view.  What is malformed is
 * skipped and described in *error (caller frees; NULL when all applied).
 */
void lf_lsp_notebook_apply_change(lf_lsp_notebook *nb, const json_t *change, lf_lsp_encoding encoding, char **error);

/* Cell i's text document (never NULL: a cell without one has empty text). */
const lf_lsp_document *lf_lsp_notebook_cell_text(const lf_lsp_notebook *nb, size_t i);

/*
 * Where an offset of the view's combined source falls: the index of the
 * code cell holding it (the last code cell for the end of the source) and
 * the offset inside that cell's text (clamped to the text: a cell's
 * synthetic newline is not in the editor).  False when no code cell holds
 * it.
 */
bool lf_lsp_notebook_locate(const lf_lsp_notebook *nb, uint32_t offset, size_t *cell, uint32_t *local);
/* The span of cell i in the combined source: [start, start + length),
 * its synthetic newline included; false when the cell contributes nothing. */
bool lf_lsp_notebook_cell_span(const lf_lsp_notebook *nb, size_t i, uint32_t *start, uint32_t *length);

#endif
