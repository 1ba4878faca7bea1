/* LF003: weights_only=<a value other than a literal True or False>. */
#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"
#include "loadfix/fixer.h"
#include "loadfix/wrappers.h"

void lf_check_weights_only_dynamic(const lf_rule *rule, const lf_load_ref *ref, const lf_call_args *args,
                                   const lf_source *src, lf_diags *out)
{
	(void)src;
	if (ref->kind == LF_REF_VALUE || ts_node_is_null(args->keyword))
		return;
	TSNode value = args->keyword_value;
	uint32_t start = ts_node_start_byte(args->keyword), end = ts_node_end_byte(args->keyword);
	lf_literal kind;
	lf_truth truth = lf_literal_truth(value, &kind);
	bool is_string = kind == LF_LITERAL_STRING;
	/* None is not judged by its truth: it means "the default", which
	 * PyTorch 2.6 changed and environment variables can flip. */
	if (kind == LF_LITERAL_NULL)
		truth = LF_TRUTH_UNKNOWN;
	if (truth == LF_TRUTH_FALSE || (truth == LF_TRUTH_TRUE && !is_string))
		return; /* False (or "") is LF002; True is what we want */
	if (truth == LF_TRUTH_TRUE) {
		/* weights_only="False" reads as off but is a non-empty string, so
		 * torch.load's `if weights_only:` (torch/serialization.py, load, in
		 * 1.13 and every later release) runs the weights-only unpickler.
		 * The literal True means exactly that: the fix changes nothing at
		 * run time, so it is safe. */
		lf_fix fix;
		lf_fix_init(&fix);
		const char *blocker = args->has_error ? LF_SYNTAX_ERROR_BLOCKER : NULL;
		if (!blocker) {
			fix.applicability = LF_FIX_SAFE;
			lf_fix_replace(&fix, ts_node_start_byte(value), ts_node_end_byte(value), "True");
		}
		char *via = ref->wrapper ? lf_wrapper_describe(ref->wrapper) : NULL;
		char *message =
		        lf_xasprintf("`weights_only` is a non-empty string, which is true: the call runs weights-only "
		                     "whatever the text says; write `True`%s%s%s%s%s",
		                     via ? "; " : "", via ? via : "", blocker ? " (not fixed: " : "",
		                     blocker ? blocker : "", blocker ? ")" : "");
		free(via);
		lf_diags_push(out, rule, start, end, message, blocker ? NULL : &fix);
		return;
	}
	/* Anything else, None included (its meaning changed in PyTorch 2.6 and
	 * environment variables can flip it), cannot be proven safe from the
	 * source. */
	char *via = ref->wrapper ? lf_wrapper_describe(ref->wrapper) : NULL;
	lf_diags_push(out, rule, start, end,
	              lf_xasprintf("`weights_only` is not a literal `True`; its value cannot be checked statically%s%s",
	                           via ? "; " : "", via ? via : ""),
	              NULL);
	free(via);
}
