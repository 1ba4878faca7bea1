#ifndef LOADFIX_WRAPPERS_H
#define LOADFIX_WRAPPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <tree_sitter/api.h>

#include "loadfix/resolve.h"
#include "loadfix/source.h"

/*
 * Project wrappers of torch.load: a module-level function of the checked
 * tree that hands its own `weights_only` parameter to torch.load
 * (`def load(p, weights_only=True): return torch.load(p,
 * weights_only=weights_only)`), or its `**kwargs` (`def load(p, **kw):
 * return torch.load(p, **kw)`), directly or through another wrapper.  A
 * call of one that passes `weights_only=` is checked as torch.load's own
 * keyword would be (LF002, LF003), at that call.
 *
 * Decisions (README, "Wrappers"): only module-level functions (methods and
 * nested functions are skipped: `self.load` cannot be resolved without
 * types); only the parameter named `weights_only` and `**kwargs` forward,
 * and a call counts only when it passes `weights_only` by keyword, so that
 * every file holding a wrapper call spells `weights_only` and the
 * prefilter's word finds it (lf_prefilter_names_weights_only).  A wrapper
 * of a wrapper is followed, in the same module and across modules (cycles
 * end where they close).  What the function does to its argument before
 * forwarding it is not analysed (`kw["weights_only"] = True`): that errs
 * toward reporting.
 */

typedef struct lf_wrapper {
	char *name;          /* the function, as defined: "load" */
	char *display;       /* for messages: "utils.load" (the module's file stem and the name) */
	char *location;      /* where torch.load is called: "utils.py:12" (escaped path, 1-based line) */
	char *through;       /* the wrapper it forwards through ("io.load"), or NULL when it calls torch.load */
	bool kwargs;         /* forwards through **kwargs (else through its weights_only parameter) */
	const char *blocker; /* static: why a caller's `False` -> `True` cannot be applied, or NULL */
} lf_wrapper;

typedef struct lf_wrappers {
	lf_wrapper *items; /* owned */
	size_t count, cap;
} lf_wrappers;

void lf_wrappers_init(lf_wrappers *wrappers);
void lf_wrappers_finish(lf_wrappers *wrappers);
/* The wrapper called `name`, or NULL; borrowed from `wrappers`. */
const lf_wrapper *lf_wrappers_find(const lf_wrappers *wrappers, const char *name);

/*
 * Finds the wrappers a parsed module defines (`context->path` is its file;
 * `refs` its loader references, lf_resolve_load_refs_in) and appends them
 * to `out`.  Wrappers of other modules are asked of `context->project`.
 */
void lf_wrappers_discover(TSTree *tree, const lf_source *src, const lf_resolve_context *context, const lf_refs *refs,
                          lf_wrappers *out);

/*
 * Appends to `refs` one LF_REF_CALL (target torch.load, `wrapper` set) for
 * every call in the tree that passes `weights_only` by keyword to a wrapper:
 * one of `own` (this file's) or of a project module.  A call `refs` already
 * holds is not added twice.  `own`'s and the project's wrappers must outlive
 * the references.
 */
void lf_wrappers_add_calls(TSTree *tree, const lf_source *src, const lf_resolve_context *context,
                           const lf_wrappers *own, lf_refs *refs);

/* "`utils.load` forwards `weights_only` to `torch.load` (utils.py:12)"; caller frees. */
char *lf_wrapper_describe(const lf_wrapper *wrapper);

#endif
