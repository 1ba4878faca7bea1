/* LF004: torch.load used as a value (passed, stored, or bound by partial). */
#include "loadfix/buf.h"
#include "loadfix/fixer.h"

void lf_check_load_as_value(const lf_rule *rule, const lf_load_ref *ref, const lf_call_args *args, const lf_source *src,
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
	if (ref->kind != LF_REF_PARTIAL || !ts_node_is_null(args->keyword))
		return;
	/* partial(torch.load, ...) fixes the keyword once for every caller. */
	lf_fixer_report_missing(rule, ref, args, src, start, end, "`partial(torch.load, ...)`", NULL, out);
}
