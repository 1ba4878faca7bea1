/*
 * LF005: a fallback that defeats the fix.  `try: torch.load(p,
 * weights_only=True)` / `except ...: torch.load(p, weights_only=False)`
 * unpickles exactly the checkpoints the check refused, a crafted one
 * first among them.  Report only: what the retry should do instead is the
 * author's decision (allow the checkpoint's classes, or fail).
 */
#include <stdlib.h>
#include <string.h>

#include "loadfix/advisory.h"
#include "loadfix/buf.h"
#include "loadfix/evidence.h"
#include "loadfix/fixer.h"

#define REMEDY                                                         \
	"remove the fallback, or allow the checkpoint's classes with " \
	"`torch.serialization.add_safe_globals` and keep `weights_only=True`"

void lf_check_retry_fallback(const lf_rule *rule, const lf_load_ref *ref, const lf_call_args *args,
                             const lf_source *src, lf_diags *out)
{
	if (ref->kind != LF_REF_CALL)
		return;
	lf_literal literal = LF_LITERAL_NONE;
	bool missing = ts_node_is_null(args->keyword);
	/* weights_only=None means the default, as an omitted keyword does. */
	if (!missing) {
		if (lf_literal_truth(args->keyword_value, &literal) != LF_TRUTH_FALSE)
			return;
		missing = literal == LF_LITERAL_NULL;
	}
	/* torch.load's omitted weights_only means True from 2.6; the hub
	 * functions keep False (their `since` is not torch.load's 1.13). */
	const char *since = ref->target->since;
	bool defaults_true_from_26 = since && strcmp(since, "1.13") == 0;
	const lf_torch_versions *versions = args->torch;
	if (missing && defaults_true_from_26 && lf_torch_versions_at_least(versions, "2.6"))
		return;
	uint32_t first_load;
	if (!lf_evidence_in_retry(ref->node, src, &first_load))
		return;
	uint32_t line = lf_source_line_of(src, first_load) + 1;
	const char *what = ref->target->library;
	const char *given = literal == LF_LITERAL_NULL ? "with `weights_only=None`" : "without `weights_only`";
	char *message;
	if (!missing)
		message = lf_xasprintf("`%s` with `weights_only=False` retries the `weights_only=True` load of line %u "
		                       "when it fails: every checkpoint the check refuses, a crafted one included, is "
		                       "unpickled and runs code; " REMEDY,
		                       what, line);
	else if (!defaults_true_from_26)
		message =
		        lf_xasprintf("`%s` %s (False for this function) retries the `weights_only=True` "
		                     "load of line %u when it fails: every checkpoint the check refuses, a crafted one "
		                     "included, is unpickled and runs code; " REMEDY,
		                     what, given, line);
	else if (versions && versions->known)
		message = lf_xasprintf("`%s` %s retries the `weights_only=True` load of line %u when "
		                       "it fails, and on the releases before 2.6 that the project's torch requirement "
		                       "admits that means `weights_only=False`: every checkpoint the check refuses, a "
		                       "crafted one included, is unpickled and runs code; " REMEDY,
		                       what, given, line);
	else
		message =
		        lf_xasprintf("`%s` %s retries the `weights_only=True` load of line %u when "
		                     "it fails; with no torch version facts it is taken as `weights_only=False` (the "
		                     "default before 2.6): every checkpoint the check refuses, a crafted one included, "
		                     "is unpickled and runs code; " REMEDY,
		                     what, given, line);
	lf_diags_push(out, rule, ts_node_start_byte(ref->node), ts_node_end_byte(ref->node), message, NULL);
}
