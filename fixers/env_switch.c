/*
 * LF006 in Python: TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD set to a value PyTorch
 * treats as true, through os.environ (item assignment, setdefault, update)
 * or os.putenv.  Report only, as for the files src/project_rules.c reads;
 * the variable's name and its value must both be literals (a computed
 * value is not judged: that is LF006's rule outside Python too).
 */
#include <string.h>

#include "loadfix/buf.h"
#include "loadfix/fixer.h"
#include "loadfix/project_rules.h"

#define ESCAPE_HATCH LF_TORCH_ESCAPE_HATCH

static bool is(TSNode node, const char *type)
{
	return !ts_node_is_null(node) && strcmp(ts_node_type(node), type) == 0;
}

static bool names_hatch(TSNode node, const lf_source *src)
{
	const uint8_t *text;
	uint32_t len;
	return lf_string_literal_value(lf_node_unparenthesize(node), src, &text, &len) && len == strlen(ESCAPE_HATCH) &&
	       memcmp(text, ESCAPE_HATCH, len) == 0;
}

/* PyTorch's own test of the value (lf_project_rules_env_true), on a
 * string literal; anything else is not judged. */
static bool is_true_value(TSNode node, const lf_source *src)
{
	const uint8_t *text;
	uint32_t len;
	return lf_string_literal_value(lf_node_unparenthesize(node), src, &text, &len) &&
	       lf_project_rules_env_true((const char *)text, len);
}

static void report(const lf_rule *rule, TSNode at, const char *how, lf_diags *out)
{
	lf_diags_push(out, rule, ts_node_start_byte(at), ts_node_end_byte(at),
	              lf_xasprintf("%s sets " ESCAPE_HATCH ", which makes every torch.load that does not pass "
	                           "weights_only unpickle anything: crafted checkpoints run code again",
	                           how),
	              NULL);
}

/* The parent of `node`, through parentheses. */
static TSNode parent_of(TSNode node)
{
	TSNode parent = ts_node_parent(node);
	while (is(parent, "parenthesized_expression"))
		parent = ts_node_parent(parent);
	return parent;
}

/* `os.environ["TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"] = "1"`: the reference
 * is os.environ as a value; its subscript must be an assignment's target.
 * In a chain (`a = os.environ[K] = "1"`) the value is the chain's last. */
static void check_item_assignment(const lf_rule *rule, const lf_load_ref *ref, const lf_source *src, lf_diags *out)
{
	TSNode subscript = parent_of(ref->node);
	if (!is(subscript, "subscript") ||
	    !ts_node_eq(lf_node_unparenthesize(ts_node_child_by_field_name(subscript, "value", 5)),
	                lf_node_unparenthesize(ref->node)))
		return;
	TSNode assignment = parent_of(subscript);
	if (!is(assignment, "assignment") ||
	    !ts_node_eq(lf_node_unparenthesize(ts_node_child_by_field_name(assignment, "left", 4)), subscript))
		return;
	if (!names_hatch(ts_node_child_by_field_name(subscript, "subscript", 9), src))
		return;
	TSNode value = ts_node_child_by_field_name(assignment, "right", 5);
	while (is(value, "assignment"))
		value = ts_node_child_by_field_name(value, "right", 5);
	if (is_true_value(value, src))
		report(rule, assignment, "`os.environ[...] =`", out);
}

/* The first two positional arguments (the variable and its value), or
 * none when a splat may hold them (not judged). */
static uint32_t leading_arguments(TSNode list, TSNode out[2])
{
	uint32_t count = 0;
	uint32_t n = ts_node_named_child_count(list);
	for (uint32_t i = 0; i < n; i++) {
		TSNode arg = ts_node_named_child(list, i);
		if (is(arg, "comment"))
			continue;
		if (is(arg, "keyword_argument"))
			continue;
		if (is(arg, "list_splat") || is(arg, "dictionary_splat"))
			return 0;
		else if (count < 2)
			out[count++] = arg;
	}
	return count;
}

/* os.environ.update({"VAR": "1"}) and update(VAR="1"): each pair. */
static void check_update(const lf_rule *rule, const lf_load_ref *ref, const lf_source *src, lf_diags *out)
{
	uint32_t n = ts_node_named_child_count(ref->arguments);
	for (uint32_t i = 0; i < n; i++) {
		TSNode arg = ts_node_named_child(ref->arguments, i);
		if (is(arg, "keyword_argument")) {
			TSNode name = ts_node_child_by_field_name(arg, "name", 4);
			if (lf_node_text_is(name, src, ESCAPE_HATCH) &&
			    is_true_value(ts_node_child_by_field_name(arg, "value", 5), src))
				report(rule, arg, "`os.environ.update(...)`", out);
			continue;
		}
		TSNode dict = lf_node_unparenthesize(arg);
		if (!is(dict, "dictionary"))
			continue;
		uint32_t pairs = ts_node_named_child_count(dict);
		for (uint32_t p = 0; p < pairs; p++) {
			TSNode pair = ts_node_named_child(dict, p);
			if (is(pair, "pair") && names_hatch(ts_node_child_by_field_name(pair, "key", 3), src) &&
			    is_true_value(ts_node_child_by_field_name(pair, "value", 5), src))
				report(rule, pair, "`os.environ.update(...)`", out);
		}
	}
}

void lf_check_env_switch(const lf_rule *rule, const lf_load_ref *ref, const lf_call_args *args, const lf_source *src,
                         lf_diags *out)
{
	(void)args;
	const char *name = ref->target->name;
	if (ref->kind == LF_REF_VALUE) {
		if (strcmp(name, "os.environ") == 0)
			check_item_assignment(rule, ref, src, out);
		return;
	}
	if (ref->kind != LF_REF_CALL || !is(ref->arguments, "argument_list"))
		return;
	if (strcmp(name, "os.environ.update") == 0) {
		check_update(rule, ref, src, out);
		return;
	}
	TSNode pair[2];
	if (leading_arguments(ref->arguments, pair) != 2 || !names_hatch(pair[0], src) || !is_true_value(pair[1], src))
		return;
	if (strcmp(name, "os.environ.setdefault") == 0)
		report(rule, ref->node, "`os.environ.setdefault(...)`", out);
	else if (strcmp(name, "os.putenv") == 0)
		/* putenv changes the process environment, not os.environ (which
		 * torch reads through os.getenv): the processes it starts get it. */
		report(rule, ref->node, "`os.putenv(...)` (for the processes this one starts)", out);
}
