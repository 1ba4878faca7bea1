#include <stdlib.h>
#include <string.h>

#include "loadfix/advisory.h"
#include "loadfix/buf.h"
#include "loadfix/fixer.h"

/* Rules checked once per run on the project's non-Python files
 * (src/project_rules.c): no loader reference ever reaches them. */
static void check_nothing(const lf_rule *rule, const lf_load_ref *ref, const lf_call_args *args, const lf_source *src,
                          lf_diags *out)
{
	(void)rule, (void)ref, (void)args, (void)src, (void)out;
}

/* Every rule of lf_rules (same order: a unit test checks) gets its family
 * and its check. */
static const lf_fixer table[] = {
        {&lf_rules[0], LF_FAMILY_TORCH_LOAD, lf_check_missing_weights_only}, /* LF001 */
        {&lf_rules[1], LF_FAMILY_TORCH_LOAD, lf_check_weights_only_false},   /* LF002 */
        {&lf_rules[2], LF_FAMILY_TORCH_LOAD, lf_check_weights_only_dynamic}, /* LF003 */
        {&lf_rules[3], LF_FAMILY_TORCH_LOAD, lf_check_load_as_value},        /* LF004 */
        {&lf_rules[4], LF_FAMILY_TORCH_LOAD, lf_check_retry_fallback},       /* LF005 */
        /* LF006 in Python; its files are src/project_rules.c's */
        {&lf_rules[5], LF_FAMILY_ENV_SWITCH, lf_check_env_switch},          /* LF006 */
        {&lf_rules[6], LF_FAMILY_TORCH_LOAD, lf_check_load_replaced},       /* LF007 */
        {&lf_rules[7], LF_FAMILY_PROJECT, check_nothing},                   /* LF008 */
        {&lf_rules[8], LF_FAMILY_PICKLE, lf_check_unsafe_loader},           /* LF101 */
        {&lf_rules[9], LF_FAMILY_JOBLIB, lf_check_unsafe_loader},           /* LF102 */
        {&lf_rules[10], LF_FAMILY_NUMPY_LOAD, lf_check_numpy_allow_pickle}, /* LF103 */
        {&lf_rules[11], LF_FAMILY_YAML_LOAD, lf_check_yaml_unsafe_load},    /* LF104 */
        {&lf_rules[12], LF_FAMILY_KERAS_LOAD, lf_check_keras_load_model},   /* LF105 */
        {&lf_rules[13], LF_FAMILY_REMOTE_CODE, lf_check_trust_remote_code}, /* LF106 */
};

const lf_fixer *const lf_fixers[] = {
        &table[0], &table[1], &table[2], &table[3],  &table[4],  &table[5],  &table[6],
        &table[7], &table[8], &table[9], &table[10], &table[11], &table[12], &table[13],
};

const size_t lf_fixer_count = sizeof lf_fixers / sizeof lf_fixers[0];

const lf_fixer *lf_fixer_find(const char *code)
{
	const lf_rule *rule = lf_rule_find(code);
	return rule && lf_rule_index(rule) < lf_fixer_count ? lf_fixers[lf_rule_index(rule)] : NULL;
}

const char *lf_fixer_insert_blocker(const lf_call_args *args)
{
	if (args->has_error)
		return LF_SYNTAX_ERROR_BLOCKER;
	if (!args->is_argument_list)
		return "the argument is a bare generator expression";
	if (!ts_node_is_null(args->blocker))
		return "it passes pickle_module, which PyTorch refuses together with weights_only=True";
	if (args->star_kwargs)
		return "it passes **kwargs, which may already hold weights_only";
	if (args->star_args)
		return "it passes *args, which may hold pickle_module";
	return NULL;
}

/* The release where every torch target's weights_only is taken for granted
 * (torch.load's, since 1.13): a target whose keyword came later gets an
 * unsafe fix, as it raises TypeError on the releases in between. */
#define WEIGHTS_ONLY_BASELINE "1.13"

void lf_fixer_report_missing(const lf_rule *rule, const lf_load_ref *ref, const lf_call_args *args,
                             const lf_source *src, uint32_t start, uint32_t end, const char *what,
                             const lf_evidence *evidence, lf_diags *out)
{
	const char *blocker = lf_fixer_insert_blocker(args);
	const char *since = ref->target->since;
	const lf_torch_versions *versions = args->torch;
	bool known = versions && versions->known;
	bool newer = since && strcmp(since, WEIGHTS_ONLY_BASELINE) != 0;
	/* Without version facts, a target whose keyword came after the
	 * baseline gets an unsafe fix; with them, any target whose keyword
	 * some admitted release lacks does (torch.load's too, when the
	 * project admits torch < 1.13), and a newer one whose keyword every
	 * admitted release has gets a safe fix. */
	bool lacking = since && (known ? !lf_torch_versions_at_least(versions, since) : newer);
	/* From 2.6 torch.load's omitted weights_only means True (the hub
	 * functions keep their own default, False): the fix only makes it
	 * explicit, which TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD cannot undo. */
	bool default_true = !newer && lf_torch_versions_at_least(versions, "2.6");
	/* The code's own evidence that True breaks this load outranks the
	 * version facts: it is about this call, they are about the project. */
	bool breaks = evidence && lf_evidence_unsafe(evidence);
	lf_fix fix;
	lf_fix_init(&fix);
	if (!blocker) {
		fix.applicability = lacking || breaks ? LF_FIX_UNSAFE : LF_FIX_SAFE;
		if (!lf_call_append_keyword(args, src, "weights_only=True", &fix)) {
			lf_fix_finish(&fix);
			blocker = "the call has no argument list to extend";
		}
	}
	char *message;
	if (blocker)
		message = lf_xasprintf("%s without `weights_only=True` can run code from a crafted checkpoint "
		                       "(not fixed: %s)",
		                       what, blocker);
	else if (breaks) {
		char *why = lf_evidence_explain(evidence, src);
		message = lf_xasprintf("%s without `weights_only=True` can run code from a crafted checkpoint; the fix "
		                       "is unsafe: %s",
		                       what, why);
		free(why);
	} else if (lacking && known)
		message =
		        lf_xasprintf("%s without `weights_only=True` can run code from a crafted checkpoint; the fix "
		                     "is unsafe: the project's torch requirement admits releases before %s, where `%s` "
		                     "has no `weights_only` (TypeError)",
		                     what, since, ref->target->name);
	else if (lacking)
		message = lf_xasprintf("%s without `weights_only=True` can run code from a crafted checkpoint; the fix "
		                       "is unsafe: `%s` takes `weights_only` only since PyTorch %s (TypeError before)",
		                       what, ref->target->name, since);
	else if (default_true)
		message =
		        lf_xasprintf("%s without `weights_only=True` is already weights-only by default on every torch "
		                     "the project admits (>= 2.6); the fix makes it explicit, so that "
		                     "TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD cannot switch it off",
		                     what);
	else
		message = lf_xasprintf("%s without `weights_only=True` can run code from a crafted checkpoint", what);
	lf_diags_push(out, rule, start, end, message, blocker ? NULL : &fix);
}
