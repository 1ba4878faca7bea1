#ifndef LOADFIX_DIFF_H
#define LOADFIX_DIFF_H

#include <stdbool.h>
#include <stdint.h>

#include "loadfix/buf.h"

/*
 * Unified diffs, in git's format (`diff --git a/PATH b/PATH`, quoted the
 * way git quotes unusual names), produced by libgit2 from the two buffers,
 * so `git apply` and `patch -p1` accept them.  lf_diff_init must run once
 * before any thread calls lf_diff_append.
 */
void lf_diff_init(void);
void lf_diff_shutdown(void);
/* Appends the diff turning `old` into `new` to `out`; returns false (with
 * nothing appended) when libgit2 fails. */
bool lf_diff_append(lf_buf *out, const char *path, const uint8_t *old, uint32_t old_len, const uint8_t *new,
                    uint32_t new_len);

#endif
