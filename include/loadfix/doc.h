#ifndef LOADFIX_DOC_H
#define LOADFIX_DOC_H

#include <stdbool.h>
#include <stdint.h>
#include <tree_sitter/api.h>

#include "loadfix/diag.h"
#include "loadfix/edit.h"
#include "loadfix/source.h"

/*
 * One document per file: the text as read, the text after fixing, the
 * findings, and the edits each fix round applied.  The pipeline
 * (loadfix/check.h) fills it; the printers, the writer and the notebook
 * adapter read it.  It keeps the findings of the original text, so that a
 * fix that cannot be written (or a round that verification refuses) is
 * undone with lf_doc_revert, without running the pipeline again.
 */

/* Fixes are applied in rounds, as ruff does: a fix dropped because it
 * overlapped another is retried on the re-parsed result.  Each round fixes
 * at least one finding, so this cap is never reached on real code. */
#define LF_MAX_FIX_ROUNDS 8

typedef struct lf_doc {
	lf_source original; /* the input (owned) */
	lf_source fixed;    /* the fixed text; valid only when `changed` */
	bool changed;
	bool parsed;           /* false: the prefilter showed no parse was needed */
	uint32_t parsed_bytes; /* of the first parse: the selected statements' bytes (partial) or all */
	/* The original text parsed whole again after a partial parse (a parse
	 * error in the partial text, or an LF001 finding: see check.c). */
	uint32_t whole_reparses;
	uint32_t fixed_count; /* findings fixed */
	lf_diags diags;       /* findings left, positions in lf_doc_text() */
	/* When `changed`: the findings of the original text (round 0's). */
	lf_diags original_diags;
	/* When `changed`: each round's edits, sorted, in the coordinates of
	 * that round's input (round 0: the original; round k: round k-1's
	 * output).  A notebook maps them into its JSON one round at a time. */
	lf_fix rounds[LF_MAX_FIX_ROUNDS];
	uint32_t round_count;
	char *error; /* why the file could not be checked or fixed (the caller
	                reports it; nothing was changed), or NULL */
	/* With lf_check_options.keep_tree, when not fixing: the parse of
	 * `original` (owned), for the next incremental parse; else NULL. */
	TSTree *tree;
} lf_doc;

void lf_doc_init(lf_doc *doc);
/* Frees everything the document owns and re-initialises it. */
void lf_doc_finish(lf_doc *doc);
/* The text the remaining findings point into. */
const lf_source *lf_doc_text(const lf_doc *doc);
/* Drops the fixes: back to the original text and its findings. */
void lf_doc_revert(lf_doc *doc);

#endif
