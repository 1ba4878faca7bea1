/*
 * Shared by the libFuzzer harnesses in tests/fuzz (test code, not part of
 * loadfix): failing with a message, a byte-exact reference applier for the
 * unified diffs loadfix prints, and an independent (naive) edit applier.
 */
#ifndef LOADFIX_FUZZ_COMMON_H
#define LOADFIX_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loadfix/buf.h"
#include "loadfix/edit.h"

/* An invariant does not hold: print why (and a hex dump of `bytes`, when
 * given, so the report is readable without the artifact) and abort(), which
 * libFuzzer turns into a crash artifact. */
__attribute__((format(printf, 1, 2), noreturn)) void fuzz_fail(const char *fmt, ...);
void fuzz_dump(const char *label, const uint8_t *bytes, size_t len);

/*
 * Applies a unified diff in git's format (as lf_diff_append prints it) to
 * `old`, strictly: every context and removed line must match `old` byte for
 * byte, the hunk headers' line counts must match their bodies, hunks must
 * be in order, "\ No newline at end of file" is honoured, and only the
 * header lines git writes for a content change may precede the first hunk.
 * An empty diff means "no change".  Returns false with *why set (a static
 * string) when the diff is malformed or does not apply; on success `out`
 * holds the new text.
 */
bool fuzz_apply_unified(const uint8_t *old, size_t old_len, const char *diff, size_t diff_len, lf_buf *out,
                        const char **why);

/* True when no two edits overlap by the rule lf_edit_set_add_fix documents
 * (two insertions at one offset overlap; an insertion at either end of a
 * replacement does not). */
bool fuzz_edits_overlap(uint32_t a_start, uint32_t a_end, uint32_t b_start, uint32_t b_end);

/*
 * The reference applier: `edits` (count of them, any order, already known
 * not to overlap) applied to `src` by sorting a copy by (start, end) and
 * copying, written as plainly as possible.  Returns a malloc'd buffer.
 */
uint8_t *fuzz_naive_apply(const uint8_t *src, uint32_t len, const lf_edit *edits, uint32_t count, uint32_t *out_len);

#endif
