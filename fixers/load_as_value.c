/* LF004: torch.load used as a value (passed, stored, or bound by partial). */
#include "loadfix/buf.h"
#include "loadfix/fixer.h"

static void check(const lf_rule *rule, const lf_load_ref *ref, const lf_call_args *args, const lf_source *src,
                  lf_diags *out)
{
	uint32_t start = ts_node_start_byte(ref->node), end = ts_node_end_byte(ref->node);
	if (ref->kind == LF_REF_VALUE) {
		lf_diags_push(out, rule, start, end,
		              lf_xstrdup("`torch.load` is used as a value; its eventual callers must pass "
		                         "`weights_only=True` (not fixed: the call sites are not known)"),
		              NULL);
		return;
	}
	if (ref->kind != LF_REF_PARTIAL || !ts_node_is_null(args->weights_only))
		return;
	/* partial(torch.load, ...) fixes the keyword once for every caller. */
	lf_fixer_report_missing(rule, args, src, start, end, "`partial(torch.load, ...)`", out);
}

const lf_fixer lf_fixer_load_as_value = {
        .rule =
                {
                        .code = "LF004",
                        .name = "torch-load-as-value",
                        .summary = "`torch.load` used as a value",
                        .help = "A reference to torch.load that is not a call (a callback, an alias, "
                                "functools.partial) "
                                "hides the eventual call's arguments. Bind weights_only=True where the reference is "
                                "made, "
                                "e.g. functools.partial(torch.load, weights_only=True).",
                },
        .check = check,
};
