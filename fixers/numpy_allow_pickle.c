/* LF103: numpy.load with allow_pickle true. */
#include "loadfix/buf.h"
#include "loadfix/fixer.h"

void lf_check_numpy_allow_pickle(const lf_rule *rule, const lf_load_ref *ref, const lf_call_args *args,
                                 const lf_source *src, lf_diags *out)
{
	/* No allow_pickle: False, the default since NumPy 1.16.3. */
	if (ref->kind != LF_REF_CALL || ts_node_is_null(args->keyword))
		return;
	lf_literal kind;
	/* numpy.load tests it for truth (`if not allow_pickle: raise`, in
	 * numpy/lib/npyio.py), so None, 0 and "" are as safe as False, and
	 * 1 or 'False' as dangerous as True. */
	lf_truth truth = lf_literal_truth_in(args->keyword_value, src, &kind);
	if (truth == LF_TRUTH_FALSE)
		return;
	uint32_t start = ts_node_start_byte(args->keyword), end = ts_node_end_byte(args->keyword);
	if (truth == LF_TRUTH_UNKNOWN) {
		lf_diags_push(out, rule, start, end,
		              lf_xstrdup("`allow_pickle` is not a literal `False`, so `numpy.load` may unpickle object "
		                         "arrays from a crafted file (not fixed: its value is not known statically)"),
		              NULL);
		return;
	}
	const char *what = kind == LF_LITERAL_STRING   ? "`allow_pickle` is a non-empty string, which is true: "
	                   : kind == LF_LITERAL_NUMBER ? "`allow_pickle` is a non-zero number, which is true: "
	                                               : "";
	if (args->has_error) {
		lf_diags_push(
		        out, rule, start, end,
		        lf_xasprintf("%s`numpy.load` unpickles object arrays, so a crafted .npy or .npz file runs "
		                     "code (not fixed: " LF_SYNTAX_ERROR_BLOCKER ")",
		                     what),
		        NULL);
		return;
	}
	/* Unsafe: files that really hold object arrays stop loading. */
	lf_fix fix;
	lf_fix_init(&fix);
	fix.applicability = LF_FIX_UNSAFE;
	lf_fix_replace(&fix, ts_node_start_byte(args->keyword_value), ts_node_end_byte(args->keyword_value), "False");
	lf_diags_push(out, rule, start, end,
	              lf_xasprintf("%s`numpy.load` unpickles object arrays, so a crafted .npy or .npz file runs code; "
	                           "the fix to `False` stops object arrays from loading",
	                           what),
	              &fix);
}
