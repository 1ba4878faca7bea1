/*
 * LF007: torch's load replaced at run time.  A call fixed to
 * `torch.load(p, weights_only=True)` proves nothing when the program has
 * swapped the function for one that drops or overrides the keyword
 * (`torch.load = lambda f, **k: orig(f, weights_only=False)`), or has made
 * the keyword-less call unsafe by writing its defaults.  Report only: what
 * the replacement does is not known statically, and removing it changes the
 * program.  The resolver finds the forms (LF_REF_REPLACE in
 * loadfix/resolve.h); this file words them.
 */
#include "loadfix/buf.h"
#include "loadfix/fixer.h"

void lf_check_load_replaced(const lf_rule *rule, const lf_load_ref *ref, const lf_call_args *args, const lf_source *src,
                            lf_diags *out)
{
	(void)args, (void)src;
	if (ref->kind != LF_REF_REPLACE)
		return;
	const char *name = ref->target->name;
	char *message = NULL;
	switch (ref->replacement) {
	case LF_REPLACED_ASSIGN:
	case LF_REPLACED_SETATTR:
		message =
		        lf_xasprintf("`%s` is replaced at run time%s; every later call runs the replacement, which can "
		                     "drop or override `weights_only=True` and let a crafted checkpoint run code (not "
		                     "fixed: call the original with `weights_only=True`)",
		                     name, ref->replacement == LF_REPLACED_SETATTR ? " by `setattr`" : "");
		break;
	case LF_REPLACED_MONKEYPATCH:
		message = lf_xasprintf("`monkeypatch.setattr` replaces `%s` in a test; tests run in CI, often with "
		                       "secrets, and a checkpoint loaded through a replacement that drops "
		                       "`weights_only=True` can run code there (not fixed)",
		                       name);
		break;
	case LF_REPLACED_MOCK:
		message =
		        lf_xasprintf("`mock.patch` replaces `%s` with the given function while it is active; tests "
		                     "run in CI, often with secrets, and a replacement that drops `weights_only=True` "
		                     "lets a crafted checkpoint run code there (not fixed)",
		                     name);
		break;
	case LF_REPLACED_DEFAULTS:
		message =
		        lf_xasprintf("a write to `%s`'s defaults (`__kwdefaults__`/`__defaults__`) decides what every "
		                     "call without `weights_only` does; `weights_only=False` there lets a crafted "
		                     "checkpoint run code (not fixed: pass `weights_only=True` at each call)",
		                     name);
		break;
	}
	lf_diags_push(out, rule, ts_node_start_byte(ref->node), ts_node_end_byte(ref->node), message, NULL);
}
