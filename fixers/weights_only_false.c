/* LF002: an explicit weights_only=False. */
#include <string.h>

#include "loadfix/buf.h"
#include "loadfix/fixer.h"

static bool is_false(TSNode value)
{
	return !ts_node_is_null(value) && strcmp(ts_node_type(value), "false") == 0;
}

static void check(const lf_rule *rule, const lf_load_ref *ref, const lf_call_args *args, const lf_source *src,
                  lf_diags *out)
{
	(void)src;
	if (ref->kind == LF_REF_VALUE || !is_false(args->weights_only_value))
		return;
	uint32_t start = ts_node_start_byte(args->weights_only), end = ts_node_end_byte(args->weights_only);
	/* Unsafe, not safe: weights_only=True refuses numpy arrays,
	 * argparse.Namespace and pickled modules that the code may rely on. */
	const char *blocker = NULL;
	if (args->has_error)
		blocker = "the call is in or contains a syntax error";
	else if (!ts_node_is_null(args->pickle_module))
		blocker = "it passes pickle_module, which PyTorch refuses together with weights_only=True";
	if (blocker) {
		lf_diags_push(out, rule, start, end,
		              lf_xasprintf("`weights_only=False` lets a crafted checkpoint run code (not fixed: %s)",
		                           blocker),
		              NULL);
		return;
	}
	lf_fix fix;
	lf_fix_init(&fix);
	fix.applicability = LF_FIX_UNSAFE;
	TSNode value = args->weights_only_value;
	lf_fix_replace(&fix, ts_node_start_byte(value), ts_node_end_byte(value), "True");
	lf_diags_push(out, rule, start, end,
	              lf_xstrdup("`weights_only=False` lets a crafted checkpoint run code; the fix to `True` may "
	                         "reject checkpoints holding numpy arrays or other objects"),
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
