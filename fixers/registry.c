#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"
#include "loadfix/fixer.h"

/* Each fixer file defines its entry; keep this table sorted by code (a unit
 * test checks), as lf_fixer_find searches it with bsearch. */
extern const lf_fixer lf_fixer_missing_weights_only;
extern const lf_fixer lf_fixer_weights_only_false;
extern const lf_fixer lf_fixer_weights_only_dynamic;
extern const lf_fixer lf_fixer_load_as_value;

const lf_fixer *const lf_fixers[] = {
        &lf_fixer_missing_weights_only, /* LF001 */
        &lf_fixer_weights_only_false,   /* LF002 */
        &lf_fixer_weights_only_dynamic, /* LF003 */
        &lf_fixer_load_as_value,        /* LF004 */
};

const size_t lf_fixer_count = sizeof lf_fixers / sizeof lf_fixers[0];

static int compare_code(const void *key, const void *entry)
{
	return strcmp(key, (*(const lf_fixer *const *)entry)->rule.code);
}

const lf_fixer *lf_fixer_find(const char *code)
{
	const lf_fixer *const *found = bsearch(code, lf_fixers, lf_fixer_count, sizeof lf_fixers[0], compare_code);
	return found ? *found : NULL;
}

const char *lf_fixer_insert_blocker(const lf_call_args *args)
{
	if (args->has_error)
		return "the call is in or contains a syntax error";
	if (!args->is_argument_list)
		return "the argument is a bare generator expression";
	if (!ts_node_is_null(args->pickle_module))
		return "it passes pickle_module, which PyTorch refuses together with weights_only=True";
	if (args->star_kwargs)
		return "it passes **kwargs, which may already hold weights_only";
	if (args->star_args)
		return "it passes *args, which may hold pickle_module";
	return NULL;
}

void lf_fixer_report_missing(const lf_rule *rule, const lf_call_args *args, const lf_source *src, uint32_t start,
                             uint32_t end, const char *what, lf_diags *out)
{
	const char *blocker = lf_fixer_insert_blocker(args);
	lf_fix fix;
	lf_fix_init(&fix);
	if (!blocker) {
		fix.applicability = LF_FIX_SAFE;
		if (!lf_call_append_keyword(args, src, "weights_only=True", &fix)) {
			lf_fix_finish(&fix);
			blocker = "the call has no argument list to extend";
		}
	}
	char *message =
	        blocker ? lf_xasprintf("%s without `weights_only=True` can run code from a crafted checkpoint "
	                               "(not fixed: %s)",
	                               what, blocker)
	                : lf_xasprintf("%s without `weights_only=True` can run code from a crafted checkpoint", what);
	lf_diags_push(out, rule, start, end, message, blocker ? NULL : &fix);
}
