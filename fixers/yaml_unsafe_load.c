/* LF104: PyYAML loads that can construct arbitrary Python objects. */
#include <string.h>

#include "loadfix/buf.h"
#include "loadfix/fixer.h"

static bool has_role(uint32_t name, lf_name_role role)
{
	return name != LF_NAME_OTHER && lf_name_get(name)->role == role;
}

/* The identifier after the last dot of `node`, when it is an attribute
 * (`yaml.load`, `yaml.FullLoader`), else a null node: renaming that one
 * identifier is the whole fix, and a name imported bare (`from yaml
 * import load`) has no safe twin in scope to rename it to. */
static TSNode attribute_name(TSNode node)
{
	node = lf_node_unparenthesize(node);
	if (ts_node_is_null(node) || strcmp(ts_node_type(node), "attribute") != 0)
		return (TSNode){0};
	return ts_node_child_by_field_name(node, "attribute", 9);
}

/* A finding on the call itself, fixed (unsafely) by calling the safe twin. */
static void report_call(const lf_rule *rule, const lf_load_ref *ref, const lf_call_args *args, const char *why,
                        lf_diags *out)
{
	const lf_target *target = ref->target;
	TSNode function = ts_node_child_by_field_name(ref->node, "function", 8);
	TSNode name = attribute_name(function);
	uint32_t start = ts_node_start_byte(ref->node), end = ts_node_end_byte(ref->node);
	/* safe_load takes no Loader: a splat into load/load_all that may carry
	 * one would make the renamed call a TypeError (and `**{"Loader":
	 * yaml.SafeLoader}` was safe already), so it blocks the rename.
	 * unsafe_load and full_load take the stream alone, as safe_load does:
	 * whatever a splat holds fails or works the same after the rename. */
	bool splat = target->keyword && (args->star_args || args->star_kwargs);
	if (args->has_error || ts_node_is_null(name) || splat) {
		lf_diags_push(out, rule, start, end,
		              lf_xasprintf("`%s` %s, so a crafted document runs code (not fixed: %s; call `yaml.%s`)",
		                           target->name, why,
		                           args->has_error ? LF_SYNTAX_ERROR_BLOCKER
		                           : splat         ? "it passes *args or **kwargs, which may hold a Loader"
		                                           : "the function is imported by name",
		                           target->safe_name),
		              NULL);
		return;
	}
	lf_fix fix;
	lf_fix_init(&fix);
	fix.applicability = LF_FIX_UNSAFE;
	lf_fix_replace(&fix, ts_node_start_byte(name), ts_node_end_byte(name), target->safe_name);
	lf_diags_push(out, rule, start, end,
	              lf_xasprintf("`%s` %s, so a crafted document runs code; the fix calls `%s` (documents with "
	                           "Python tags stop loading)",
	                           target->name, why, target->safe_name),
	              &fix);
}

void lf_check_yaml_unsafe_load(const lf_rule *rule, const lf_load_ref *ref, const lf_call_args *args,
                               const lf_source *src, lf_diags *out)
{
	(void)src;
	if (ref->kind != LF_REF_CALL)
		return;
	/* Only load and load_all take a Loader: the rows with a keyword spec. */
	if (!ref->target->keyword) {
		/* unsafe_load, full_load and their _all forms: unsafe by name. */
		report_call(rule, ref, args,
		            strncmp(ref->target->name, "yaml.full", 9) == 0
		                    ? "uses FullLoader, which constructs Python objects (CVE-2020-14343)"
		                    : "constructs any Python object the document names",
		            out);
		return;
	}
	if (ts_node_is_null(args->keyword) && (args->star_args || args->star_kwargs)) {
		lf_diags_push(
		        out, rule, ts_node_start_byte(ref->node), ts_node_end_byte(ref->node),
		        lf_xasprintf("`%s` takes its Loader from *args or **kwargs, which cannot be checked "
		                     "statically; a Loader other than `yaml.SafeLoader` lets a crafted document run "
		                     "code (not fixed)",
		                     ref->target->name),
		        NULL);
		return;
	}
	if (ts_node_is_null(args->keyword)) {
		/* PyYAML 5.1-5.4 default to FullLoader (with a warning); 6.0
		 * requires a Loader.  Either way the safe call is safe_load. */
		report_call(rule, ref, args, "without a safe Loader defaults to FullLoader (PyYAML < 6)", out);
		return;
	}
	if (has_role(ref->keyword_name, LF_ROLE_YAML_SAFE_LOADER))
		return;
	uint32_t start = ts_node_start_byte(args->keyword), end = ts_node_end_byte(args->keyword);
	if (!has_role(ref->keyword_name, LF_ROLE_YAML_UNSAFE_LOADER)) {
		lf_diags_push(out, rule, start, end,
		              lf_xasprintf("`%s` with a Loader that is not one of PyYAML's safe loaders may construct "
		                           "Python objects from a crafted document (not fixed: the Loader is not known "
		                           "statically; use `yaml.SafeLoader`)",
		                           ref->target->name),
		              NULL);
		return;
	}
	const lf_name *loader = lf_name_get(ref->keyword_name);
	TSNode name = attribute_name(args->keyword_value);
	if (args->has_error || ts_node_is_null(name)) {
		lf_diags_push(out, rule, start, end,
		              lf_xasprintf("`%s` constructs Python objects from a crafted document (not fixed: %s; use "
		                           "`Loader=yaml.%s`)",
		                           loader->component,
		                           args->has_error ? LF_SYNTAX_ERROR_BLOCKER : "the loader is imported by name",
		                           loader->replacement),
		              NULL);
		return;
	}
	lf_fix fix;
	lf_fix_init(&fix);
	fix.applicability = LF_FIX_UNSAFE;
	lf_fix_replace(&fix, ts_node_start_byte(name), ts_node_end_byte(name), loader->replacement);
	lf_diags_push(out, rule, start, end,
	              lf_xasprintf("`%s` constructs Python objects from a crafted document; the fix uses `%s` "
	                           "(documents with Python tags stop loading)",
	                           loader->component, loader->replacement),
	              &fix);
}
