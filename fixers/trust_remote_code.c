/* LF106: any call passing trust_remote_code=True. */
#include "loadfix/buf.h"
#include "loadfix/fixer.h"

void lf_check_trust_remote_code(const lf_rule *rule, const lf_load_ref *ref, const lf_call_args *args,
                                const lf_source *src, lf_diags *out)
{
	if (ref->kind != LF_REF_CALL || ts_node_is_null(args->keyword))
		return;
	lf_literal kind;
	if (lf_literal_truth_in(args->keyword_value, src, &kind) != LF_TRUTH_TRUE)
		return;
	/* Report only: the model class the code defines has no drop-in
	 * replacement that a text edit could name. */
	lf_diags_push(out, rule, ts_node_start_byte(args->keyword), ts_node_end_byte(args->keyword),
	              lf_xstrdup("`trust_remote_code=True` downloads Python code from the model or dataset "
	                         "repository and runs it on this machine (not fixed: use a class the library "
	                         "ships, or pin a reviewed `revision` and vendor its code)"),
	              NULL);
}
