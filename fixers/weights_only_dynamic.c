/* LF003: weights_only=<expression whose value is not known statically>. */
#include <string.h>

#include "loadfix/buf.h"
#include "loadfix/fixer.h"

static void check(const lf_rule *rule, const lf_load_ref *ref, const lf_call_args *args, const lf_source *src,
                  lf_diags *out)
{
	(void)src;
	if (ref->kind == LF_REF_VALUE || ts_node_is_null(args->weights_only))
		return;
	TSNode value = args->weights_only_value;
	const char *type = ts_node_is_null(value) ? "" : ts_node_type(value);
	/* True is safe and False is LF002; anything else, None included (its
	 * meaning changed in PyTorch 2.6 and can be flipped by environment
	 * variables), cannot be proven safe from the source. */
	if (strcmp(type, "true") == 0 || strcmp(type, "false") == 0)
		return;
	lf_diags_push(out, rule, ts_node_start_byte(args->weights_only), ts_node_end_byte(args->weights_only),
	              lf_xstrdup("`weights_only` is not a literal `True`; its value cannot be checked statically"),
	              NULL);
}

const lf_fixer lf_fixer_weights_only_dynamic = {
        .rule =
                {
                        .code = "LF003",
                        .name = "torch-load-weights-only-dynamic",
                        .summary = "`torch.load` called with a non-literal `weights_only`",
                        .help = "The value of weights_only is computed at run time, so nothing proves that untrusted "
                                "checkpoints are loaded with weights_only=True. Pass the literal True where the input "
                                "may be untrusted.",
                },
        .check = check,
};
