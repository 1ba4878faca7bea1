/* LF002: an explicit weights_only=False (or a false literal: ""). */
#include <string.h>

#include "loadfix/buf.h"
#include "loadfix/fixer.h"

/* Why `False` -> `True` cannot be applied even as an unsafe fix, or NULL. */
static const char *blocker_of(const lf_call_args *args)
{
	if (args->has_error)
		return "the call is in or contains a syntax error";
	if (!ts_node_is_null(args->pickle_module))
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

static void check(const lf_rule *rule, const lf_load_ref *ref, const lf_call_args *args, const lf_source *src,
                  lf_diags *out)
{
	if (ref->kind == LF_REF_VALUE || ts_node_is_null(args->weights_only))
		return;
	bool is_string;
	if (lf_literal_truth(args->weights_only_value, &is_string) != LF_TRUTH_FALSE)
		return;
	uint32_t start = ts_node_start_byte(args->weights_only), end = ts_node_end_byte(args->weights_only);
	/* An empty string is false as far as torch.load's `if weights_only:`
	 * is concerned (torch/serialization.py, load). */
	const char *what = is_string ? "`weights_only` is an empty string, which is false: it" : "`weights_only=False`";
	const char *blocker = blocker_of(args);
	if (blocker) {
		lf_diags_push(out, rule, start, end,
		              lf_xasprintf("%s lets a crafted checkpoint run code (not fixed: %s)", what, blocker),
		              NULL);
		return;
	}
	/* Unsafe, not safe: weights_only=True refuses numpy arrays,
	 * argparse.Namespace and pickled modules that the code may rely on. */
	lf_fix fix;
	lf_fix_init(&fix);
	fix.applicability = LF_FIX_UNSAFE;
	TSNode value = args->weights_only_value;
	lf_fix_replace(&fix, ts_node_start_byte(value), ts_node_end_byte(value), "True");
	(void)src;
	lf_diags_push(out, rule, start, end,
	              lf_xasprintf("%s lets a crafted checkpoint run code; the fix to `True` may "
	                           "reject checkpoints holding numpy arrays or other objects",
	                           what),
	              &fix);
}

const lf_fixer lf_fixer_weights_only_false = {
        .rule =
                {
                        .code = "LF002",
                        .name = "torch-load-weights-only-false",
                        .summary = "`torch.load` called with `weights_only=False`",
                        .help = "weights_only=False unpickles arbitrary objects (CWE-502). Switch to "
                                "weights_only=True; "
                                "if the checkpoint holds numpy arrays, argparse.Namespace or other classes, allow "
                                "exactly "
                                "those with torch.serialization.add_safe_globals or the safe_globals context manager.",
                },
        .check = check,
};
