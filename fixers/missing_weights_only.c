/* LF001: torch.load(...) called without weights_only. */
#include "loadfix/buf.h"
#include "loadfix/fixer.h"

static void check(const lf_rule *rule, const lf_load_ref *ref, const lf_call_args *args, const lf_source *src,
                  lf_diags *out)
{
	if (ref->kind != LF_REF_CALL || !ts_node_is_null(args->weights_only))
		return;
	uint32_t start = ts_node_start_byte(ref->node), end = ts_node_end_byte(ref->node);
	const char *blocker = lf_fixer_insert_blocker(args);
	if (blocker) {
		lf_diags_push(out, rule, start, end,
		              lf_xasprintf("`torch.load` without `weights_only=True` can run code from a crafted "
		                           "checkpoint (not fixed: %s)", blocker),
		              NULL);
		return;
	}
	lf_fix fix;
	lf_fix_init(&fix);
	fix.applicability = LF_FIX_SAFE;
	if (!lf_call_append_keyword(args, src, "weights_only=True", &fix))
		fix.applicability = LF_FIX_NONE;
	lf_diags_push(out, rule, start, end,
	              lf_xstrdup("`torch.load` without `weights_only=True` can run code from a crafted checkpoint"),
	              &fix);
}

const lf_fixer lf_fixer_missing_weights_only = {
    .rule = {
        .code = "LF001",
        .name = "torch-load-without-weights-only",
        .summary = "`torch.load` called without `weights_only=True`",
        .help = "torch.load unpickles arbitrary objects, so a crafted checkpoint runs code as it is loaded "
                "(CWE-502). Pass weights_only=True, which restricts unpickling to tensors and plain "
                "containers; allow other types with torch.serialization.add_safe_globals.",
    },
    .check = check,
};
