/* LF105: Keras load_model that can run code stored in the model file. */
#include <ctype.h>
#include <string.h>

#include "loadfix/buf.h"
#include "loadfix/fixer.h"

/* Whether a string literal's text (quotes included) ends in `suffix`,
 * compared without case, just before its closing quote. */
static bool literal_ends_with(TSNode node, const lf_source *src, const char *suffix)
{
	uint32_t start = ts_node_start_byte(node), end = ts_node_end_byte(node);
	while (end > start && (src->bytes[end - 1] == '"' || src->bytes[end - 1] == '\''))
		end--;
	size_t n = strlen(suffix);
	if (end - start < n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (tolower(src->bytes[end - n + i]) != suffix[i])
			return false;
	return true;
}

void lf_check_keras_load_model(const lf_rule *rule, const lf_load_ref *ref, const lf_call_args *args,
                               const lf_source *src, lf_diags *out)
{
	if (ref->kind != LF_REF_CALL)
		return;
	lf_literal kind;
	if (!ts_node_is_null(args->keyword) && lf_literal_truth(args->keyword_value, &kind) == LF_TRUTH_FALSE &&
	    kind == LF_LITERAL_BOOL) {
		uint32_t start = ts_node_start_byte(args->keyword), end = ts_node_end_byte(args->keyword);
		lf_fix fix;
		lf_fix_init(&fix);
		if (!args->has_error) {
			fix.applicability = LF_FIX_UNSAFE;
			lf_fix_replace(&fix, ts_node_start_byte(args->keyword_value),
			               ts_node_end_byte(args->keyword_value), "True");
		}
		lf_diags_push(
		        out, rule, start, end,
		        lf_xstrdup(args->has_error
		                           ? "`safe_mode=False` lets Keras deserialize Lambda layers, which run code "
		                             "from the model file (not fixed: " LF_SYNTAX_ERROR_BLOCKER ")"
		                           : "`safe_mode=False` lets Keras deserialize Lambda layers, which run code "
		                             "from the model file; the fix to `True` stops such models from loading"),
		        args->has_error ? NULL : &fix);
		return;
	}
	/* The legacy HDF5 format predates safe_mode, which does not apply to
	 * it (keras/src/saving/saving_api.py loads .h5 through legacy_h5_format
	 * without it). */
	TSNode path = args->first_argument;
	if (!ts_node_is_null(path) && lf_literal_truth(lf_node_unparenthesize(path), &kind) != LF_TRUTH_UNKNOWN &&
	    kind == LF_LITERAL_STRING && (literal_ends_with(path, src, ".h5") || literal_ends_with(path, src, ".hdf5")))
		lf_diags_push(
		        out, rule, ts_node_start_byte(ref->node), ts_node_end_byte(ref->node),
		        lf_xstrdup("a legacy HDF5 model file is loaded without `safe_mode` protection, so a "
		                   "crafted file can run code through Lambda layers (not fixed: convert it to the "
		                   ".keras format and load that)"),
		        NULL);
}
