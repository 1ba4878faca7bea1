#ifndef LOADFIX_NOTEBOOK_CHECK_H
#define LOADFIX_NOTEBOOK_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "loadfix/buf.h"
#include "loadfix/check.h"
#include "loadfix/doc.h"
#include "loadfix/notebook.h"
#include "loadfix/report.h"
#include "loadfix/source.h"

/*
 * Checking and fixing one notebook: the glue between the notebook adapter
 * (loadfix/notebook.h) and the pipeline (loadfix/check.h), which knows
 * nothing of notebooks.
 *
 *   parse the JSON -> check a copy of the combined source like a .py file
 *   -> replay each fix round (doc.rounds[]) into the JSON with
 *   lf_notebook_apply, re-parsing after each round and requiring that the
 *   new notebook's combined source is exactly the pipeline's text after
 *   that round -> the final JSON.
 *
 * The caller writes, diffs and prints the JSON bytes (lf_notebook_check_json)
 * and prints the findings of `doc` through `map` (cell N:line:col, and the
 * .ipynb file's own lines for SARIF and GitHub).
 */
typedef struct lf_notebook_check {
	lf_doc doc;           /* the pipeline's document on the combined source */
	lf_notebook *input;   /* the notebook as read (owned) */
	lf_notebook *output;  /* the fixed notebook when doc.changed (owned), else NULL */
	lf_source input_file; /* the input JSON as a source (owned): lines for SARIF */
	lf_source output_file;
	lf_report_map map; /* positions of lf_doc_text(&doc) in the notebook shown */
} lf_notebook_check;

/*
 * Takes the file's bytes (`file`: on success ownership passes to the
 * check, which resets it).  Returns false when the bytes are not a
 * notebook loadfix reads (*error: the reason, without the file name;
 * caller frees); then `file` is still the caller's and `check` holds
 * nothing to finish.  Otherwise fills `check` (finish it; it must not be
 * moved: `map` points into it): doc.error is set, and the fix undone,
 * when a round's edits could not be replayed into the JSON.
 */
bool lf_notebook_check_run(lf_worker *worker, const lf_check_options *options, lf_source *file,
                           lf_notebook_check *check, char **error);
/* The notebook's JSON as read, and as it is now (fixed when doc.changed). */
const uint8_t *lf_notebook_check_original(const lf_notebook_check *check, uint32_t *len);
const uint8_t *lf_notebook_check_json(const lf_notebook_check *check, uint32_t *len);
/* Drops the fixes (the file could not be written): back to the input. */
void lf_notebook_check_revert(lf_notebook_check *check);
/* Frees everything; accepts a check that lf_notebook_check_run refused. */
void lf_notebook_check_finish(lf_notebook_check *check);

#endif
