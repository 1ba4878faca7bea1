/* LF101 (the pickle family) and LF102 (joblib): loaders with no safe mode.
 * Report only: no keyword makes them safe, so the remedy is a different
 * format, which the target's row names. */
#include "loadfix/buf.h"
#include "loadfix/fixer.h"

void lf_check_unsafe_loader(const lf_rule *rule, const lf_load_ref *ref, const lf_call_args *args, const lf_source *src,
                            lf_diags *out)
{
	(void)args;
	(void)src;
	if (ref->kind != LF_REF_CALL)
		return;
	const lf_target *target = ref->target;
	lf_diags_push(out, rule, ts_node_start_byte(ref->node), ts_node_end_byte(ref->node),
	              lf_xasprintf("`%s` (%s) rebuilds arbitrary objects, so a crafted file runs code as it is "
	                           "loaded (not fixed: %s)",
	                           target->name, target->library, target->remedy),
	              NULL);
}
