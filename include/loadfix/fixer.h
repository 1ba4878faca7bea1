#ifndef LOADFIX_FIXER_H
#define LOADFIX_FIXER_H

#include <stddef.h>

#include "loadfix/call.h"
#include "loadfix/diag.h"
#include "loadfix/resolve.h"
#include "loadfix/source.h"

/*
 * A fixer owns one rule: it looks at one reference to torch.load (with its
 * arguments already analysed) and appends at most one finding, with a fix
 * when one can be computed.  Fixers own nothing and keep no state; they live
 * one per file in fixers/ and are listed in fixers/registry.c.
 */
typedef struct lf_fixer {
	lf_rule rule;
	void (*check)(const lf_rule *rule, const lf_load_ref *ref, const lf_call_args *args, const lf_source *src,
	              lf_diags *out);
} lf_fixer;

/* The table, sorted by code (kept that way by a unit test). */
extern const lf_fixer *const lf_fixers[];
extern const size_t lf_fixer_count;

/* The fixer with this exact code, or NULL. */
const lf_fixer *lf_fixer_find(const char *code);

/* Shared by the fixers that insert weights_only=True: why a call that lacks
 * it cannot be fixed mechanically, or NULL when it can. */
const char *lf_fixer_insert_blocker(const lf_call_args *args);

/*
 * Appends the finding for a call that lacks weights_only (`what` names it
 * in the message, e.g. "`torch.load`"): with the safe fix that appends
 * `weights_only=True`, or without a fix and with the reason when a blocker
 * prevents it.  [start, end) is the call's span.
 */
void lf_fixer_report_missing(const lf_rule *rule, const lf_call_args *args, const lf_source *src, uint32_t start,
                             uint32_t end, const char *what, lf_diags *out);

#endif
