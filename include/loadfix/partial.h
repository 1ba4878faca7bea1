#ifndef LOADFIX_PARTIAL_H
#define LOADFIX_PARTIAL_H

#include <stdbool.h>
#include <stdint.h>

#include "loadfix/edit.h"
#include "loadfix/segment.h"

/*
 * Partial parsing: which top-level statements a finding can depend on, and
 * the text the parser is given instead of the file: the file with every
 * other statement blanked (each byte but '\n' and '\r' made a space), so
 * that every row, column and offset of the tree is the file's own and the
 * resolver, the fixers and the printers run unchanged.
 *
 * A statement is selected when
 *   - it spells a word of the loader table (any component of a known name,
 *     a deciding or blocking keyword), or a name that a selected statement
 *     of that kind binds at module scope (aliases, to a fixpoint): it is
 *     "relevant", and every name it uses is "used";
 *   - or it binds at module scope a used name (a binder: what shadows
 *     `print` or `torch`, or what an alias is assigned from); the names its
 *     module-scope code uses are used too.
 * "Binds" is over-approximated by "spells in module-scope code".  The
 * README ("Partial parsing") gives the soundness argument.
 */

typedef struct lf_partial {
	uint8_t *text; /* owned; the parser's input, `len` bytes */
	uint32_t len;
	/* The selected byte ranges, sorted, disjoint: start/end pairs. */
	uint32_t *ranges; /* owned */
	uint32_t range_count;
	uint32_t selected_bytes;
	uint32_t statements, selected_statements;
} lf_partial;

/* Selects and blanks.  Returns false (nothing to finish) when the file is
 * better parsed whole: the lexer was unsure, or a star import binds names
 * nothing spells. */
bool lf_partial_init(lf_partial *partial, const uint8_t *bytes, uint32_t len);
void lf_partial_finish(lf_partial *partial);

/* Whether every edit of `edits` lies inside the selection (then applying
 * them to the file and to `text` gives the new file and its blanked text,
 * with the same statements selected). */
bool lf_partial_covers(const lf_partial *partial, const lf_edit_set *edits);
/* After `edits` (lf_partial_covers held) were applied to `text`, giving
 * `text_after` (ownership passes): moves the ranges with them. */
void lf_partial_apply(lf_partial *partial, const lf_edit_set *edits, uint8_t *text_after, uint32_t len_after);

#endif
