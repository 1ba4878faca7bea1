#ifndef LOADFIX_VERIFY_H
#define LOADFIX_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "loadfix/edit.h"
#include "loadfix/parse.h"
#include "loadfix/partial.h"
#include "loadfix/source.h"

/*
 * The last line of defence: applies an edit set to `src` and re-parses the
 * result.  When the result has more parse errors (ERROR/MISSING nodes) than
 * `errors_before`, the edits broke the file: returns false, *out stays NULL
 * and the caller keeps the original.  This must never trigger; a unit test
 * proves it does by injecting a bad edit.  On success *out (caller frees)
 * holds the new bytes and *out_tree its parse (caller deletes).
 */
bool lf_apply_verified(lf_parser *parser, const lf_source *src, uint32_t errors_before, const lf_edit_set *edits,
                       uint8_t **out, uint32_t *out_len, TSTree **out_tree);

/*
 * The same under partial parsing, incrementally: `edits` (inside the
 * selection: lf_partial_covers) are applied to `src` and to the partial
 * text, a copy of `tree` (the partial text's parse, borrowed) is told of
 * them (ts_tree_edit) and only what they touched is parsed again.  On
 * success `partial` has moved with the edits; on failure it is unchanged.
 */
bool lf_apply_verified_partial(lf_parser *parser, const lf_source *src, lf_partial *partial, const TSTree *tree,
                               uint32_t errors_before, const lf_edit_set *edits, uint8_t **out, uint32_t *out_len,
                               TSTree **out_tree);

#endif
