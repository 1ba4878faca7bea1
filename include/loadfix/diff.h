#ifndef LOADFIX_DIFF_H
#define LOADFIX_DIFF_H

#include <stdbool.h>
#include <stdint.h>

#include "loadfix/buf.h"

/*
 * Unified diffs, in git's format (`diff --git a/PATH b/PATH`, quoted the
 * way git quotes unusual names), produced by libgit2 from the two buffers,
 * so `git apply` and `patch -p1` accept them.  lf_diff_init initialises
 * libgit2 (for the diff, the ignore rules and --since) and must run before
 * any thread uses it; it costs milliseconds (libgit2 loads TLS
 * certificates), so loadfix calls it only when a run needs git.
 */
void lf_diff_init(void);
void lf_diff_shutdown(void);
/* Appends the diff turning `old` into `new` to `out`; returns false (with
 * nothing appended) when libgit2 fails. */
bool lf_diff_append(lf_buf *out, const char *path, const uint8_t *old, uint32_t old_len, const uint8_t *new,
                    uint32_t new_len);

#endif
