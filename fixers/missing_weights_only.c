/* LF001: torch.load(...) called without weights_only. */
#include "loadfix/fixer.h"

static void check(const lf_rule *rule, const lf_load_ref *ref, const lf_call_args *args, const lf_source *src,
                  lf_diags *out)
{
	if (ref->kind != LF_REF_CALL || !ts_node_is_null(args->weights_only))
		return;
	lf_fixer_report_missing(rule, args, src, ts_node_start_byte(ref->node), ts_node_end_byte(ref->node),
	                        "`torch.load`", out);
}

const lf_fixer lf_fixer_missing_weights_only = {
        .rule =
                {
                        .code = "LF001",
                        .name = "torch-load-without-weights-only",
                        .summary = "`torch.load` called without `weights_only=True`",
                        .help = "torch.load unpickles arbitrary objects, so a crafted checkpoint runs code as it is "
                                "loaded "
                                "(CWE-502). Pass weights_only=True, which restricts unpickling to tensors and plain "
                                "containers; allow other types with torch.serialization.add_safe_globals.",
                },
        .check = check,
};
