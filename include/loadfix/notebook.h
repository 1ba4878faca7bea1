#ifndef LOADFIX_NOTEBOOK_H
#define LOADFIX_NOTEBOOK_H

#include <stdbool.h>
#include <stdint.h>

#include "loadfix/buf.h"
#include "loadfix/edit.h"

/*
 * A Jupyter notebook (.ipynb, nbformat 4) seen as one Python source, as
 * ruff's notebook crate does (crates/ruff_notebook/src/notebook.rs,
 * index.rs): the code cells are concatenated in cell order into one source
 * with cell offsets; positions in that source map back to `cell N:line:col`
 * and to the line of the .ipynb file; edits on that source are spliced back
 * into the JSON text.  The notebook is an adapter around a source, not a
 * second pipeline: the pipeline checks lf_notebook_source() like any file
 * and never sees JSON.
 *
 * The combined source:
 *  - every code cell's source (the list elements joined, or the one
 *    string), in order; a cell whose text does not end in a line ending
 *    gets a synthetic "\n" that is not in the notebook (an empty cell adds
 *    nothing);
 *  - IPython syntax masked, byte for byte (same length, so offsets need no
 *    table): the line is kept up to its indentation and the rest replaced
 *    by "0" and spaces, an expression statement that parses as Python,
 *    keeps an indented block valid and can hold no finding.  Masked: line
 *    magics (`%matplotlib inline`), shell escapes (`!pip install x`,
 *    `x = !ls`, `x = %env`), help (`obj?`, `obj??`, `?obj`), and the
 *    backslash-continued lines that follow them (blanked to spaces);
 *    `%%time`-style cell magics (body runs as Python) mask their first line
 *    only; every other cell magic (`%%bash`, `%%writefile`, ...) makes the
 *    cell opaque: it contributes no text at all.  Only lines that start a
 *    logical Python line are considered (not inside brackets, strings or
 *    after a backslash), so a `!` inside a docstring stays.
 *  - a notebook whose kernel language is not Python is opaque: no text.
 *
 * Offsets are uint32_t bytes, as everywhere in loadfix.
 *
 * How the pipeline uses it (not wired yet): for a path (or
 * --stdin-filename) ending in .ipynb, parse the bytes (on failure print
 * `path: reason`, exit status 2, leave the file, go on); check a copy of
 * lf_notebook_source() like a .py file; print each finding at
 * lf_notebook_locate(start): text `path:cell N:LINE:COL`, JSON "cell": N,
 * SARIF and GitHub at json_line/json_column with the cell in a property.
 * To fix, give each round's edit set to lf_notebook_apply, re-parse the
 * new JSON and run the next round on its source (a round's offsets are in
 * that round's source); the final JSON is what --fix writes, --diff
 * compares with the original, and `--fix -` prints.
 */

/* Whether a path names a notebook: it ends in ".ipynb" (a file is a
 * notebook by its name, as for ruff and Jupyter; the same for
 * --stdin-filename). */
bool lf_notebook_path(const char *path);

/* Bounds on hostile input (errors, not truncation): a code cell's decoded
 * source over LF_NOTEBOOK_MAX_CELL bytes, JSON nested deeper than
 * LF_NOTEBOOK_MAX_DEPTH (checked before jansson sees the text, so neither
 * its recursion nor ours can be driven deep). Real notebooks: cells of a
 * few KB, depth under 20 (widget state in metadata included). */
#define LF_NOTEBOOK_MAX_CELL (16u * 1024 * 1024)
#define LF_NOTEBOOK_MAX_DEPTH 128

typedef struct lf_notebook lf_notebook;

typedef enum lf_notebook_cell_type {
	LF_CELL_CODE,
	LF_CELL_MARKDOWN,
	LF_CELL_RAW,
	LF_CELL_OTHER, /* an unknown cell_type: skipped like markdown */
} lf_notebook_cell_type;

typedef struct lf_notebook_cell {
	uint32_t number; /* 1-based among ALL cells (ruff's "cell N") */
	lf_notebook_cell_type type;
	bool opaque;     /* code cell not checked: cell magic, or non-Python kernel */
	uint32_t start;  /* offset of its text in the combined source */
	uint32_t length; /* its bytes there (0 when not code or opaque), synthetic "\n" included */
	/* The cell's "source" value in the JSON text, [json_start, json_end):
	 * the string with its quotes, or the list with its brackets; 0, 0 when
	 * the cell has none.  Edits change bytes inside these spans only. */
	uint32_t json_start, json_end;
} lf_notebook_cell;

/* Where an offset of the combined source is. */
typedef struct lf_notebook_position {
	uint32_t cell;        /* 1-based among all cells */
	uint32_t line;        /* 1-based line inside the cell */
	uint32_t column;      /* 1-based column inside the line, in characters (as lf_source_column_of) */
	uint32_t json_offset; /* byte offset in the .ipynb text of that character */
	uint32_t json_line;   /* 1-based line of the .ipynb file holding it (for SARIF) */
	uint32_t json_column; /* 1-based column there, in characters */
} lf_notebook_position;

/*
 * Reads a notebook from `json` (len bytes; borrowed only during the call:
 * the notebook keeps a copy).  Returns NULL on failure with *error set to a
 * reason without the file name (caller frees; the caller names the file):
 * invalid JSON (jansson's words, with line and column), duplicate keys,
 * nesting deeper than LF_NOTEBOOK_MAX_DEPTH, not nbformat 4, no cells
 * array, a code cell whose source is neither a string nor a list of
 * strings, a cell over LF_NOTEBOOK_MAX_CELL.
 */
lf_notebook *lf_notebook_parse(const uint8_t *json, uint32_t len, char **error);
/* Frees everything; accepts NULL. */
void lf_notebook_destroy(lf_notebook *nb);

/* The combined Python source, borrowed (valid until destroy), NUL-terminated. */
const uint8_t *lf_notebook_source(const lf_notebook *nb, uint32_t *len);
/* The original JSON text, borrowed. */
const uint8_t *lf_notebook_json(const lf_notebook *nb, uint32_t *len);
/* False when the kernel language is not Python (then there is no code). */
bool lf_notebook_is_python(const lf_notebook *nb);
/* All cells, code or not. */
uint32_t lf_notebook_cell_count(const lf_notebook *nb);
/* Cell i (0-based, i < cell_count). */
const lf_notebook_cell *lf_notebook_cell_at(const lf_notebook *nb, uint32_t i);

/* Maps an offset of the combined source (0..len) to its position.  False
 * when the source is empty (nothing to point at). */
bool lf_notebook_locate(const lf_notebook *nb, uint32_t offset, lf_notebook_position *pos);

/*
 * Splices `edits` (offsets in the combined source, sorted by (start, end),
 * not overlapping: what an lf_edit_set holds) into the original JSON and
 * appends the new notebook text to `out`.  Only bytes inside the edited
 * source strings change; inserted text is JSON-escaped in the notebook's
 * style (\uXXXX for non-ASCII when the notebook escapes non-ASCII, in its
 * hex case); in a list-of-lines source each new line of text becomes its
 * own list element, separated like its neighbours.  Zero edits give the
 * input back, byte for byte.
 *
 * Refuses (false, *error set, caller frees; `out` unchanged) the whole set
 * when an edit touches masked text, crosses a cell boundary or a synthetic
 * newline, splits an escape or a character, is out of range or out of
 * order, or inserts text that is not UTF-8.
 */
bool lf_notebook_apply(const lf_notebook *nb, const lf_edit *edits, uint32_t count, lf_buf *out, char **error);
/* The same for an edit set. */
bool lf_notebook_apply_set(const lf_notebook *nb, const lf_edit_set *set, lf_buf *out, char **error);

#endif
