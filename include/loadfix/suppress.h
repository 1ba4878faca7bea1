#ifndef LOADFIX_SUPPRESS_H
#define LOADFIX_SUPPRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <tree_sitter/api.h>

#include "loadfix/source.h"

/*
 * Suppression comments, as ruff/flake8 and Bandit users write them:
 *     # noqa              every rule          # noqa: LF001, LF002   those
 *     # nosec             every rule          # nosec B614           Bandit's torch.load check
 * A finding is suppressed by such a comment on the first or the last line
 * of its span.  Only real comments count (looked up in the syntax tree), so
 * "# noqa" inside a string does not.
 */
bool lf_suppressed(const lf_source *src, TSNode root, uint32_t start, uint32_t end, const char *code);

/* Whether one comment's text suppresses `code` (exposed for tests/fuzzing). */
bool lf_comment_suppresses(const uint8_t *comment, uint32_t len, const char *code);

#endif
