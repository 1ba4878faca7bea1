/* LF002: an explicit weights_only=False (or a false literal: ""). */
#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"
#include "loadfix/fixer.h"
#include "loadfix/wrappers.h"

/* Why `False` -> `True` cannot be applied even as an unsafe fix, or NULL. */
static const char *blocker_of(const lf_load_ref *ref, const lf_call_args *args)
{
	if (ref->wrapper && ref->wrapper->blocker)
		return ref->wrapper->blocker;
	if (args->has_error)
		return LF_SYNTAX_ERROR_BLOCKER;
	if (!ts_node_is_null(args->blocker))
		return "it passes pickle_module, which PyTorch refuses together with weights_only=True";
	/* A splat cannot carry weights_only (it is already given: a duplicate
	 * keyword is a TypeError), but it can carry pickle_module, and then
	 * True raises RuntimeError where False loaded. */
	if (args->star_kwargs)
		return "it passes **kwargs, which may hold pickle_module";
	if (args->star_args)
		return "it passes *args, which may hold pickle_module";
	return NULL;
}

void lf_check_weights_only_false(const lf_rule *rule, const lf_load_ref *ref, const lf_call_args *args,
                                 const lf_source *src, lf_diags *out)
{
	if (ref->kind == LF_REF_VALUE || ts_node_is_null(args->keyword))
		return;
	lf_literal kind;
	if (lf_literal_truth(args->keyword_value, &kind) != LF_TRUTH_FALSE || kind == LF_LITERAL_NULL)
		return;
	bool is_string = kind == LF_LITERAL_STRING;
	uint32_t start = ts_node_start_byte(args->keyword), end = ts_node_end_byte(args->keyword);
	/* An empty string is false as far as torch.load's `if weights_only:`
	 * is concerned (torch/serialization.py, load). */
	const char *what = is_string ? "`weights_only` is an empty string, which is false: it" : "`weights_only=False`";
	const char *blocker = blocker_of(ref, args);
	/* A wrapper call: say which function hands the value to torch.load. */
	char *via = ref->wrapper ? lf_wrapper_describe(ref->wrapper) : NULL;
	const char *sep = via ? "; " : "";
	if (blocker) {
		lf_diags_push(out, rule, start, end,
		              lf_xasprintf("%s lets a crafted checkpoint run code%s%s (not fixed: %s)", what, sep,
		                           via ? via : "", blocker),
		              NULL);
		free(via);
		return;
	}
	/* Unsafe, not safe: weights_only=True refuses numpy arrays,
	 * argparse.Namespace and pickled modules that the code may rely on.
	 * Through a wrapper the same holds: it forwards the value unchanged. */
	lf_fix fix;
	lf_fix_init(&fix);
	fix.applicability = LF_FIX_UNSAFE;
	TSNode value = args->keyword_value;
	lf_fix_replace(&fix, ts_node_start_byte(value), ts_node_end_byte(value), "True");
	(void)src;
	lf_diags_push(out, rule, start, end,
	              lf_xasprintf("%s lets a crafted checkpoint run code%s%s; the fix to `True` may "
	                           "reject checkpoints holding numpy arrays or other objects",
	                           what, sep, via ? via : ""),
	              &fix);
	free(via);
}
