/* LF001: a torch.load-family call without weights_only. */
#include <stdlib.h>

#include "loadfix/buf.h"
#include "loadfix/evidence.h"
#include "loadfix/fixer.h"

void lf_check_missing_weights_only(const lf_rule *rule, const lf_load_ref *ref, const lf_call_args *args,
                                   const lf_source *src, lf_diags *out)
{
	/* A wrapper call without weights_only gets the wrapper's own default,
	 * which the wrapper's torch.load call is checked for. */
	if (ref->kind != LF_REF_CALL || ref->wrapper || !ts_node_is_null(args->keyword))
		return;
	/* Only here, for a call LF001 reports, is the file's evidence read. */
	lf_evidence evidence = {.kind = LF_EVIDENCE_NONE};
	if (args->evidence)
		lf_evidence_judge(args->evidence, ref->node, args->first_argument, &evidence);
	char *what = lf_xasprintf("`%s`", ref->target->library);
	lf_fixer_report_missing(rule, ref, args, src, ts_node_start_byte(ref->node), ts_node_end_byte(ref->node), what,
	                        &evidence, out);
	free(what);
}
