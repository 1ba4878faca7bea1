#ifndef LOADFIX_CHECK_H
#define LOADFIX_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "loadfix/diag.h"
#include "loadfix/source.h"

/*
 * The per-file pipeline:
 *   prefilter -> parse -> resolve -> fixers -> suppress -> (fix: edit set ->
 *   apply -> verify, repeated until nothing more applies) -> findings left.
 * It works on bytes in memory only; reading and writing files is the
 * caller's.
 */

#define LF_MAX_RULES 32

typedef struct lf_check_options {
	bool enabled[LF_MAX_RULES]; /* by index in lf_fixers */
	bool fix;                   /* apply fixes */
	bool unsafe_fixes;          /* unsafe ones too (with fix; and for [*]) */
} lf_check_options;

/* What one thread needs: its own parser and prefilter match data. */
typedef struct lf_worker lf_worker;
lf_worker *lf_worker_create(void);
void lf_worker_destroy(lf_worker *worker);

typedef struct lf_check_result {
	lf_source original; /* the input */
	lf_source fixed;    /* the fixed text; valid only when `changed` */
	bool changed;
	bool parsed;          /* false: the prefilter showed no parse was needed */
	uint32_t fixed_count; /* findings fixed */
	lf_diags diags;       /* findings left, positions in lf_check_result_text() */
	char *error;          /* why the file could not be checked or fixed (the caller
	                         reports it; nothing was changed), or NULL */
} lf_check_result;

/* Runs the pipeline on `bytes` (malloc'd with one spare byte; ownership
 * passes to the result).  Always fills `result`; finish it after use. */
void lf_check(lf_worker *worker, const lf_check_options *options, uint8_t *bytes, uint32_t len,
              lf_check_result *result);
/* The same for a source already read (lf_source_read): ownership of its
 * bytes and line index passes to the result, so nothing is indexed twice. */
void lf_check_source(lf_worker *worker, const lf_check_options *options, lf_source *src, lf_check_result *result);
void lf_check_result_finish(lf_check_result *result);
/* The text the remaining findings point into. */
const lf_source *lf_check_result_text(const lf_check_result *result);
/* Whether a finding's fix is applied under these options. */
bool lf_check_fix_applies(const lf_check_options *options, const lf_diag *diag);

#endif
