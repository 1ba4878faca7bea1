#ifndef LOADFIX_CHECK_H
#define LOADFIX_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <tree_sitter/api.h>

#include "loadfix/advisory.h"
#include "loadfix/diag.h"
#include "loadfix/doc.h"
#include "loadfix/source.h"

/*
 * The per-file pipeline:
 *   prefilter -> parse -> resolve -> fixers -> suppress -> (fix: edit set ->
 *   apply -> verify, repeated until nothing more applies) -> findings left.
 * It works on bytes in memory only; reading and writing files is the
 * caller's.
 */

#define LF_MAX_RULES 32

/* Whether the command line's default is partial parsing (--no-partial
 * turns it off; the differential test compares the two). */
#define LF_PARTIAL_DEFAULT true

typedef struct lf_check_options {
	bool enabled[LF_MAX_RULES]; /* by index in lf_fixers */
	bool fix;                   /* apply fixes */
	bool unsafe_fixes;          /* unsafe ones too (with fix; and for [*]) */
	bool partial;               /* parse only the statements a finding can depend on (loadfix/partial.h) */
	struct lf_project *project; /* the run's project index (star imports), or NULL */
	const char *path;           /* the file being checked, as walked, or NULL */
	lf_torch_versions torch;    /* what the project's torch admits (once per run; LF001's messages, fix safety) */
	/* The language server's incremental parsing: an earlier parse of
	 * this document, edited (ts_tree_edit) to match `bytes`, or NULL
	 * (borrowed); and whether to keep the new parse in lf_doc.tree. */
	const TSTree *previous_tree;
	bool keep_tree;
} lf_check_options;

/* What one thread needs: its own parser and prefilter match data. */
typedef struct lf_worker lf_worker;
lf_worker *lf_worker_create(void);
void lf_worker_destroy(lf_worker *worker);

/* Runs the pipeline on `bytes` (malloc'd with one spare byte; ownership
 * passes to the document).  Always fills `doc`; finish it after use
 * (lf_doc_finish). */
void lf_check(lf_worker *worker, const lf_check_options *options, uint8_t *bytes, uint32_t len, lf_doc *doc);
/* The same for a source already read (lf_source_read): ownership of its
 * bytes and line index passes to the document, so nothing is indexed twice. */
void lf_check_source(lf_worker *worker, const lf_check_options *options, lf_source *src, lf_doc *doc);
/* Whether a finding's fix is applied under these options. */
bool lf_check_fix_applies(const lf_check_options *options, const lf_diag *diag);

#endif
