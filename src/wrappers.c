#include "loadfix/wrappers.h"

#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"
#include "loadfix/call.h"
#include "loadfix/project.h"
#include "loadfix/report.h"
#include "loadfix/targets.h"

/* How a function hands weights_only on, if it does. */
typedef enum forwarding { FORWARD_NONE, FORWARD_PARAMETER, FORWARD_KWARGS } forwarding;

/* Passes of wrapper-of-wrapper discovery in one module: each pass adds the
 * functions that forward to one found in the pass before, so this bounds
 * the depth of a chain inside one module (across modules it is unbounded,
 * as each module is computed once). */
#define MAX_CHAIN_PASSES 8

static const char KEYWORD[] = "weights_only";

static const char BLOCKED_PICKLE_MODULE[] =
        "the wrapper passes pickle_module to torch.load, which PyTorch refuses together with weights_only=True";
static const char BLOCKED_STAR_ARGS[] = "the wrapper passes *args to torch.load, which may hold pickle_module";
static const char BLOCKED_STAR_KWARGS[] = "the wrapper passes **kwargs to torch.load, which may hold pickle_module";

static bool is(TSNode node, const char *type)
{
	return !ts_node_is_null(node) && strcmp(ts_node_type(node), type) == 0;
}

static char *text_of(TSNode node, const lf_source *src)
{
	uint32_t start = ts_node_start_byte(node), end = ts_node_end_byte(node);
	char *text = lf_xmalloc(end - start + 1);
	memcpy(text, src->bytes + start, end - start);
	text[end - start] = '\0';
	return text;
}

static bool same_text(TSNode a, TSNode b, const lf_source *src)
{
	uint32_t as = ts_node_start_byte(a), al = ts_node_end_byte(a) - as;
	uint32_t bs = ts_node_start_byte(b), bl = ts_node_end_byte(b) - bs;
	return al == bl && memcmp(src->bytes + as, src->bytes + bs, al) == 0;
}

void lf_wrappers_init(lf_wrappers *wrappers)
{
	memset(wrappers, 0, sizeof *wrappers);
}

void lf_wrappers_finish(lf_wrappers *wrappers)
{
	for (size_t i = 0; i < wrappers->count; i++) {
		free(wrappers->items[i].name);
		free(wrappers->items[i].display);
		free(wrappers->items[i].location);
		free(wrappers->items[i].through);
	}
	free(wrappers->items);
	lf_wrappers_init(wrappers);
}

const lf_wrapper *lf_wrappers_find(const lf_wrappers *wrappers, const char *name)
{
	for (size_t i = 0; wrappers && i < wrappers->count; i++)
		if (strcmp(wrappers->items[i].name, name) == 0)
			return &wrappers->items[i];
	return NULL;
}

char *lf_wrapper_describe(const lf_wrapper *w)
{
	if (w->through)
		return lf_xasprintf("`%s` forwards `weights_only` to `torch.load` (%s, through `%s`)", w->display,
		                    w->location, w->through);
	return lf_xasprintf("`%s` forwards `weights_only` to `torch.load` (%s)", w->display, w->location);
}

/* torch.load's row of the loader table: a wrapper call is checked as a
 * torch.load call whose positional arguments are the wrapper's own. */
static const lf_target *torch_load_target(void)
{
	return lf_name_get(lf_name_find("torch.load"))->target;
}

/*
 * The module-level function whose own body holds `node` (not a method, not
 * a nested function, not inside a lambda), or a null node.  Found from the
 * root down: ts_node_parent costs time proportional to the depth, and a
 * call 100,000 attribute accesses deep must not cost that squared.
 */
static TSNode module_level_def(TSNode root, TSNode node)
{
	uint32_t start = ts_node_start_byte(node);
	TSNode def = ts_node_first_named_child_for_byte(root, start);
	if (is(def, "decorated_definition"))
		def = ts_node_child_by_field_name(def, "definition", 10);
	if (!is(def, "function_definition") || ts_node_start_byte(def) > start ||
	    ts_node_end_byte(def) < ts_node_end_byte(node))
		return (TSNode){0};
	/* Siblings do not overlap: the first named child ending after `start`
	 * is the one that holds the node. */
	for (TSNode at = def; !ts_node_eq(at, node);) {
		TSNode next = ts_node_first_named_child_for_byte(at, start);
		if (ts_node_is_null(next) || ts_node_start_byte(next) > start)
			return (TSNode){0};
		if (!ts_node_eq(next, node) &&
		    (is(next, "lambda") || is(next, "class_definition") || is(next, "function_definition")))
			return (TSNode){0};
		at = next;
	}
	return def;
}

/* What a function's parameters offer to forward. */
typedef struct parameters {
	bool weights_only; /* a parameter named weights_only */
	TSNode kwargs;     /* the name of its **kwargs parameter, or null */
} parameters;

static void read_parameters(TSNode def, const lf_source *src, parameters *out)
{
	memset(out, 0, sizeof *out);
	TSNode params = ts_node_child_by_field_name(def, "parameters", 10);
	uint32_t n = ts_node_is_null(params) ? 0 : ts_node_named_child_count(params);
	for (uint32_t i = 0; i < n; i++) {
		TSNode param = ts_node_named_child(params, i);
		TSNode name = param;
		if (is(param, "default_parameter") || is(param, "typed_default_parameter"))
			name = ts_node_child_by_field_name(param, "name", 4);
		else if (is(param, "typed_parameter"))
			name = ts_node_named_child(param, 0);
		if (is(name, "dictionary_splat_pattern")) {
			out->kwargs = ts_node_named_child(name, 0);
			continue;
		}
		if (is(name, "identifier") && lf_node_text_is(name, src, KEYWORD))
			out->weights_only = true;
	}
}

/* How the call with `arguments`, inside a function with `params`, hands
 * the function's weights_only on: `weights_only=weights_only`, or the
 * function's `**kwargs` without a weights_only of its own. */
static forwarding forwarding_of(TSNode arguments, const lf_source *src, const parameters *params)
{
	bool kwargs = false;
	uint32_t n = ts_node_named_child_count(arguments);
	for (uint32_t i = 0; i < n; i++) {
		TSNode arg = ts_node_named_child(arguments, i);
		if (is(arg, "keyword_argument")) {
			TSNode name = ts_node_child_by_field_name(arg, "name", 4);
			if (ts_node_is_null(name) || !lf_node_text_is(name, src, KEYWORD))
				continue;
			TSNode value = lf_node_unparenthesize(ts_node_child_by_field_name(arg, "value", 5));
			/* any other value is the function's own choice */
			return params->weights_only && is(value, "identifier") && lf_node_text_is(value, src, KEYWORD)
			               ? FORWARD_PARAMETER
			               : FORWARD_NONE;
		}
		if (is(arg, "dictionary_splat") && !ts_node_is_null(params->kwargs)) {
			TSNode value = lf_node_unparenthesize(ts_node_named_child(arg, 0));
			kwargs = kwargs || (is(value, "identifier") && same_text(value, params->kwargs, src));
		}
	}
	return kwargs ? FORWARD_KWARGS : FORWARD_NONE;
}

/* Why a caller's `False` -> `True` would not reach torch.load as a safe
 * `True` through this forwarding call, or NULL. */
static const char *forwarding_blocker(const lf_load_ref *ref, const lf_source *src, forwarding how)
{
	lf_call_args args;
	lf_call_args_analyze(ref, src, &args);
	if (!ts_node_is_null(args.blocker))
		return BLOCKED_PICKLE_MODULE;
	if (args.star_args)
		return BLOCKED_STAR_ARGS;
	if (args.star_kwargs && how == FORWARD_PARAMETER)
		return BLOCKED_STAR_KWARGS;
	return NULL;
}

/* "utils" for utils.py (or utils.ipynb), "pkg" for pkg/__init__.py, NULL for
 * standard input without a name; caller frees. */
static char *module_stem(const char *path)
{
	if (!path || strcmp(path, "-") == 0)
		return NULL;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t len = strlen(base);
	if (len > 3 && strcmp(base + len - 3, ".py") == 0)
		len -= 3;
	else if (len > 6 && strcmp(base + len - 6, ".ipynb") == 0)
		len -= 6;
	if (len == 8 && strncmp(base, "__init__", 8) == 0 && base != path) {
		const char *end = base - 1, *start = end;
		while (start > path && start[-1] != '/')
			start--;
		if (end > start) {
			base = start;
			len = (size_t)(end - start);
		}
	}
	char *stem = lf_xmalloc(len + 1);
	memcpy(stem, base, len);
	stem[len] = '\0';
	return stem;
}

static lf_wrapper *add_wrapper(lf_wrappers *out, TSNode def, const lf_source *src, const char *path)
{
	if (out->count == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 4;
		out->items = lf_xrealloc(out->items, sizeof(lf_wrapper) * out->cap);
	}
	lf_wrapper *w = &out->items[out->count++];
	memset(w, 0, sizeof *w);
	w->name = text_of(ts_node_child_by_field_name(def, "name", 4), src);
	char *stem = module_stem(path);
	w->display = stem ? lf_xasprintf("%s.%s", stem, w->name) : lf_xstrdup(w->name);
	free(stem);
	return w;
}

/* The function a call forwards from, with what it forwards, when it is a
 * module-level function not yet known as a wrapper. */
static forwarding forwarding_function(TSNode root, TSNode call, TSNode arguments, const lf_source *src,
                                      const lf_wrappers *known, TSNode *def)
{
	*def = module_level_def(root, call);
	if (ts_node_is_null(*def))
		return FORWARD_NONE;
	char *name = text_of(ts_node_child_by_field_name(*def, "name", 4), src);
	bool seen = lf_wrappers_find(known, name) != NULL;
	free(name);
	if (seen)
		return FORWARD_NONE;
	parameters params;
	read_parameters(*def, src, &params);
	return forwarding_of(arguments, src, &params);
}

/* A call site inside a module-level function that may forward to another
 * wrapper (copied out of the resolver's visit). */
typedef struct site {
	TSNode call, arguments;
	lf_callee_origin origin;
	char *module, *name;
	unsigned level;
} site;

typedef struct sites {
	TSNode root;
	site *items;
	size_t count, cap;
} sites;

static bool wants_forwarding(void *user, TSNode arguments)
{
	(void)user;
	uint32_t n = ts_node_named_child_count(arguments);
	for (uint32_t i = 0; i < n; i++) {
		TSNode arg = ts_node_named_child(arguments, i);
		if (is(arg, "dictionary_splat") || is(arg, "keyword_argument"))
			return true;
	}
	return false;
}

static void collect_site(void *user, const lf_call_site *s)
{
	sites *all = user;
	if (ts_node_is_null(module_level_def(all->root, s->call)))
		return;
	if (all->count == all->cap) {
		all->cap = all->cap ? all->cap * 2 : 8;
		all->items = lf_xrealloc(all->items, sizeof(site) * all->cap);
	}
	all->items[all->count++] = (site){.call = s->call,
	                                  .arguments = s->arguments,
	                                  .origin = s->origin,
	                                  .module = lf_xstrdup(s->module ? s->module : ""),
	                                  .name = lf_xstrdup(s->name),
	                                  .level = s->level};
}

/* The wrapper a call site's callee is: one of this module's, or another
 * module's through the project. */
static const lf_wrapper *callee_wrapper(const lf_resolve_context *context, const lf_wrappers *own,
                                        lf_callee_origin origin, const char *module, unsigned level, const char *name)
{
	if (origin == LF_CALLEE_DEF)
		return lf_wrappers_find(own, name);
	if (!context || !context->project || !context->path)
		return NULL;
	return lf_project_wrapper(context->project, context->path, module, level, name);
}

static char *location_of(TSNode call, const lf_source *src, const char *path)
{
	char *shown = lf_display_path(path ? path : "-");
	char *location = lf_xasprintf("%s:%u", shown, lf_source_line_of(src, ts_node_start_byte(call)) + 1);
	free(shown);
	return location;
}

void lf_wrappers_discover(TSTree *tree, const lf_source *src, const lf_resolve_context *context, const lf_refs *refs,
                          lf_wrappers *out)
{
	const char *path = context ? context->path : NULL;
	TSNode root = ts_tree_root_node(tree);
	/* Direct wrappers: a torch.load call in a module-level function that
	 * hands on the function's weights_only or **kwargs. */
	for (uint32_t i = 0; i < refs->count; i++) {
		const lf_load_ref *ref = &refs->items[i];
		if (ref->kind != LF_REF_CALL || ref->wrapper || ref->target->family != LF_FAMILY_TORCH_LOAD ||
		    !ref->target->keyword || strcmp(ref->target->keyword, KEYWORD) != 0 ||
		    !is(ref->arguments, "argument_list"))
			continue;
		TSNode def;
		forwarding how = forwarding_function(root, ref->node, ref->arguments, src, out, &def);
		if (how == FORWARD_NONE)
			continue;
		lf_wrapper *w = add_wrapper(out, def, src, path);
		w->kwargs = how == FORWARD_KWARGS;
		w->location = location_of(ref->node, src, path);
		w->blocker = forwarding_blocker(ref, src, how);
	}
	/* Wrappers of wrappers: a forwarding call of a known wrapper.  Any
	 * such call spells `weights_only` or `**`. */
	if (!memmem(src->bytes, src->len, "**", 2) && !memmem(src->bytes, src->len, KEYWORD, strlen(KEYWORD)))
		return;
	sites all = {.root = root};
	lf_resolve_call_sites(tree, src, context, wants_forwarding, collect_site, &all);
	for (int pass = 0; pass < MAX_CHAIN_PASSES; pass++) {
		bool added = false;
		for (size_t i = 0; i < all.count; i++) {
			const site *s = &all.items[i];
			TSNode def;
			forwarding how = forwarding_function(root, s->call, s->arguments, src, out, &def);
			if (how == FORWARD_NONE)
				continue;
			const lf_wrapper *inner = callee_wrapper(context, out, s->origin, s->module, s->level, s->name);
			if (!inner)
				continue;
			/* `out` may grow (and move) below: copy what is needed first */
			char *location = lf_xstrdup(inner->location), *through = lf_xstrdup(inner->display);
			const char *blocker = inner->blocker;
			lf_load_ref as_call = {.kind = LF_REF_CALL,
			                       .node = s->call,
			                       .arguments = s->arguments,
			                       .target = torch_load_target(),
			                       .wrapper = inner};
			const char *own_blocker = forwarding_blocker(&as_call, src, how);
			lf_wrapper *w = add_wrapper(out, def, src, path);
			w->kwargs = how == FORWARD_KWARGS;
			w->location = location;
			w->through = through;
			w->blocker = blocker ? blocker : own_blocker;
			added = true;
		}
		if (!added)
			break;
	}
	for (size_t i = 0; i < all.count; i++) {
		free(all.items[i].module);
		free(all.items[i].name);
	}
	free(all.items);
}

/* ---- calls of wrappers ---------------------------------------------------- */

typedef struct call_search {
	const lf_source *src;
	const lf_resolve_context *context;
	const lf_wrappers *own;
	lf_refs *refs;
	uint32_t known; /* refs before the search: the loader calls already found */
} call_search;

static bool passes_weights_only(void *user, TSNode arguments)
{
	const call_search *search = user;
	uint32_t n = ts_node_named_child_count(arguments);
	for (uint32_t i = 0; i < n; i++) {
		TSNode arg = ts_node_named_child(arguments, i);
		if (!is(arg, "keyword_argument"))
			continue;
		TSNode name = ts_node_child_by_field_name(arg, "name", 4);
		if (!ts_node_is_null(name) && lf_node_text_is(name, search->src, KEYWORD))
			return true;
	}
	return false;
}

static void add_call(void *user, const lf_call_site *s)
{
	call_search *search = user;
	const lf_wrapper *w = callee_wrapper(search->context, search->own, s->origin, s->module, s->level, s->name);
	if (!w)
		return;
	/* a call the resolver already ties to torch's load is checked as that
	 * (trust_remote_code's rows may share the node: they do not count) */
	for (uint32_t i = 0; i < search->known; i++)
		if (search->refs->items[i].target->family == LF_FAMILY_TORCH_LOAD &&
		    ts_node_eq(search->refs->items[i].node, s->call))
			return;
	lf_refs *refs = search->refs;
	if (refs->count == refs->cap) {
		refs->cap = refs->cap ? refs->cap * 2 : 8;
		refs->items = lf_xrealloc(refs->items, sizeof(lf_load_ref) * refs->cap);
	}
	refs->items[refs->count++] = (lf_load_ref){.kind = LF_REF_CALL,
	                                           .node = s->call,
	                                           .arguments = s->arguments,
	                                           .in_error = s->in_error,
	                                           .target = torch_load_target(),
	                                           .keyword_name = LF_NAME_OTHER,
	                                           .wrapper = w};
}

void lf_wrappers_add_calls(TSTree *tree, const lf_source *src, const lf_resolve_context *context,
                           const lf_wrappers *own, lf_refs *refs)
{
	if (!own->count && (!context || !context->project))
		return;
	call_search search = {.src = src, .context = context, .own = own, .refs = refs, .known = refs->count};
	lf_resolve_call_sites(tree, src, context, passes_weights_only, add_call, &search);
}
