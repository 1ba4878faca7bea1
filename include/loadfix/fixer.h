#ifndef LOADFIX_FIXER_H
#define LOADFIX_FIXER_H

#include <stddef.h>

#include "loadfix/call.h"
#include "loadfix/diag.h"
#include "loadfix/evidence.h"
#include "loadfix/resolve.h"
#include "loadfix/rules.h"
#include "loadfix/source.h"
#include "loadfix/targets.h"

/* Why a call with lf_call_args.has_error is not fixed: the call holds a
 * syntax error, sits in an error region, or shares its simple statement
 * with one (loadfix/call.h). */
#define LF_SYNTAX_ERROR_BLOCKER "the call's statement has a syntax error"

/*
 * A fixer checks one rule: it looks at one reference to a loader of its
 * family (with the call's arguments already analysed) and appends at most
 * one finding, with a fix when one can be computed.  Fixers own nothing and
 * keep no state; they live one per file in fixers/ (a report-only check may
 * serve several rules) and are listed in fixers/registry.c, one entry per
 * rule, in the order of lf_rules.
 */
typedef struct lf_fixer {
	const lf_rule *rule;
	lf_family family; /* the loaders it looks at */
	void (*check)(const lf_rule *rule, const lf_load_ref *ref, const lf_call_args *args, const lf_source *src,
	              lf_diags *out);
} lf_fixer;

/* The table: lf_fixers[i] checks lf_rules[i] (kept that way by a unit test). */
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
 * prevents it.  [start, end) is the call's span.  `evidence` (may be NULL)
 * is what the code says about the call (loadfix/evidence.h): unsafe
 * evidence makes the fix unsafe and the message tells why.
 */
void lf_fixer_report_missing(const lf_rule *rule, const lf_load_ref *ref, const lf_call_args *args,
                             const lf_source *src, uint32_t start, uint32_t end, const char *what,
                             const lf_evidence *evidence, lf_diags *out);

/* The checks, one per fixer file (fixers/<name>.c). */
void lf_check_missing_weights_only(const lf_rule *, const lf_load_ref *, const lf_call_args *, const lf_source *,
                                   lf_diags *);
void lf_check_weights_only_false(const lf_rule *, const lf_load_ref *, const lf_call_args *, const lf_source *,
                                 lf_diags *);
void lf_check_weights_only_dynamic(const lf_rule *, const lf_load_ref *, const lf_call_args *, const lf_source *,
                                   lf_diags *);
void lf_check_retry_fallback(const lf_rule *, const lf_load_ref *, const lf_call_args *, const lf_source *, lf_diags *);
void lf_check_load_as_value(const lf_rule *, const lf_load_ref *, const lf_call_args *, const lf_source *, lf_diags *);
void lf_check_env_switch(const lf_rule *, const lf_load_ref *, const lf_call_args *, const lf_source *, lf_diags *);
void lf_check_load_replaced(const lf_rule *, const lf_load_ref *, const lf_call_args *, const lf_source *, lf_diags *);
void lf_check_unsafe_loader(const lf_rule *, const lf_load_ref *, const lf_call_args *, const lf_source *, lf_diags *);
void lf_check_numpy_allow_pickle(const lf_rule *, const lf_load_ref *, const lf_call_args *, const lf_source *,
                                 lf_diags *);
void lf_check_yaml_unsafe_load(const lf_rule *, const lf_load_ref *, const lf_call_args *, const lf_source *,
                               lf_diags *);
void lf_check_keras_load_model(const lf_rule *, const lf_load_ref *, const lf_call_args *, const lf_source *,
                               lf_diags *);
void lf_check_trust_remote_code(const lf_rule *, const lf_load_ref *, const lf_call_args *, const lf_source *,
                                lf_diags *);

#endif
