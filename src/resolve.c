#include "loadfix/resolve.h"

#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"
#include "loadfix/call.h"
#include "loadfix/names.h"
#include "loadfix/parse.h"
#include "loadfix/project.h"
#include "loadfix/syntax.h"
#include "loadfix/targets.h"

/* What a binding makes a name stand for: one node of the tree of known
 * names (loadfix/targets.h), LF_NAME_OTHER for anything else.  A name may
 * have several bindings in one scope; lookups return the set. */
#define OTHER LF_NAME_OTHER

enum binding_kind {
	BINDING_VALUE,  /* the name id in `value` */
	BINDING_ALIAS,  /* name = <expression in alias_of> */
	BINDING_GLOBAL, /* `global name` / `nonlocal name`: not a local */
	BINDING_STAR,   /* `from numpy import *`: yields to any explicit binding */
};

typedef struct binding {
	uint32_t scope;
	uint32_t name_start, name_len;
	uint8_t *normal_name;  /* owned NFKC form of a non-ASCII name, or NULL */
	const char *star_name; /* BINDING_STAR: the name bound (no token spells it) */
	enum binding_kind kind;
	uint32_t value; /* a name id; for BINDING_GLOBAL, 1 for `global`, 0 for `nonlocal` */
	TSNode alias_of;
	TSNode statement; /* the node that made it (an import, a def, ...), for lf_resolve_call_sites */
	uint32_t next;    /* next binding with the same name hash, or NONE */
} binding;

enum scope_kind { SCOPE_MODULE, SCOPE_FUNCTION, SCOPE_CLASS, SCOPE_COMPREHENSION };

typedef struct scope {
	uint32_t parent;
	enum scope_kind kind;
} scope;

#define NONE UINT32_MAX
#define MAX_ALIAS_DEPTH 8

typedef struct resolver {
	const lf_source *src;
	scope *scopes;
	uint32_t scope_count, scope_cap;
	binding *bindings;
	uint32_t binding_count, binding_cap;
	uint32_t *heads; /* hash table: name hash -> first binding */
	uint32_t head_mask;
	lf_refs *refs;
	/* Phase 1 notes the scope number at the start of each top-level
	 * statement, so that phase 2 can step over a statement and still
	 * number the scopes after it as phase 1 did. */
	uint32_t *statement_scopes;
	uint32_t statement_count, statement_cap;
	bool *may_know; /* per binding: whether it may give its name a known value */
	/* per hash slot (heads): whether a binding in its chain may; most
	 * names (`x`, `self`, bound in many scopes) are rejected without
	 * walking their chain, a quarter of a check's time before */
	bool *slot_may_know;
	/* whether a binding that may know has a non-ASCII name (`é = torch`) */
	bool non_ascii_may_know;
	/* statement_may_refer's memo of folds_to_ascii, direct mapped: code
	 * point + 1 (0: empty) and the answer */
	uint32_t fold_code[64];
	bool fold_ascii[64];
	/* Phase 2 of lf_resolve_load_refs_in only: steps over statements that
	 * cannot hold a reference.  A call of a project function (call sites,
	 * for wrappers) is no reference to a known name and may be anywhere. */
	bool step_over_statements;
	/* What each alias binding stands for, per depth (binding_count *
	 * MAX_ALIAS_DEPTH, allocated on first use, after phase 1 is done):
	 * without it, n rebindings `x = x` cost n^MAX_ALIAS_DEPTH lookups (30
	 * lines took minutes).  A pure function of (binding, depth) once the
	 * bindings are collected, so the memo changes no result. */
	lf_values *alias_values;
	bool *alias_known;
	uint32_t partial, inspect, inspect_member; /* ids of known names the walk asks about */
	const lf_resolve_context *context;         /* may be NULL */
	TSNode statement;                          /* phase 1: the node whose bindings are collected */
	/* lf_resolve_call_sites: the caller's filter and visit */
	bool (*wants_site)(void *user, TSNode arguments);
	void (*visit_site)(void *user, const lf_call_site *site);
	void *site_user;
} resolver;

/* ---- small helpers ---------------------------------------------------- */

static bool is(TSNode node, lf_kind kind)
{
	return !ts_node_is_null(node) && lf_kind_of(node) == kind;
}

/* Named nodes that are not part of the syntax: comments, and the named
 * `line_continuation` node tree-sitter-python 0.23 makes of a backslash
 * continuation. */
static bool is_extra(TSNode node)
{
	return is(node, LF_KIND_COMMENT) || is(node, LF_KIND_LINE_CONTINUATION);
}

bool lf_node_text_is(TSNode node, const lf_source *src, const char *text)
{
	uint32_t start = ts_node_start_byte(node), end = ts_node_end_byte(node);
	return lf_name_equals(src->bytes + start, end - start, text);
}

TSNode lf_node_unparenthesize(TSNode node)
{
	while (is(node, LF_KIND_PARENTHESIZED_EXPRESSION)) {
		TSNode inner = {0};
		uint32_t n = ts_node_named_child_count(node);
		for (uint32_t i = 0; i < n; i++) {
			TSNode child = ts_node_named_child(node, i);
			if (!is_extra(child)) {
				inner = child;
				break;
			}
		}
		if (ts_node_is_null(inner))
			break;
		node = inner;
	}
	return node;
}

static uint32_t hash_bytes(const uint8_t *bytes, uint32_t len)
{
	/* FNV-1a: names are short; this only spreads them over buckets. */
	uint32_t h = 2166136261u;
	for (uint32_t i = 0; i < len; i++)
		h = (h ^ bytes[i]) * 16777619u;
	return h;
}

/* ---- scopes and bindings ---------------------------------------------- */

static uint32_t scope_new(resolver *r, uint32_t parent, enum scope_kind kind)
{
	if (r->scope_count == r->scope_cap) {
		r->scope_cap = r->scope_cap ? r->scope_cap * 2 : 16;
		r->scopes = lf_xrealloc(r->scopes, sizeof(scope) * r->scope_cap);
	}
	r->scopes[r->scope_count] = (scope){.parent = parent, .kind = kind};
	return r->scope_count++;
}

static void bind(resolver *r, uint32_t scope_id, TSNode name, enum binding_kind kind, uint32_t value, TSNode alias_of)
{
	if (!is(name, LF_KIND_IDENTIFIER))
		return;
	if (r->binding_count == r->binding_cap) {
		r->binding_cap = r->binding_cap ? r->binding_cap * 2 : 32;
		r->bindings = lf_xrealloc(r->bindings, sizeof(binding) * r->binding_cap);
	}
	uint32_t start = ts_node_start_byte(name);
	size_t normal_len = 0;
	uint8_t *normal = lf_name_normalize(r->src->bytes + start, ts_node_end_byte(name) - start, &normal_len);
	r->bindings[r->binding_count++] = (binding){
	        .scope = scope_id,
	        .name_start = start,
	        .name_len = normal ? (uint32_t)normal_len : ts_node_end_byte(name) - start,
	        .normal_name = normal,
	        .kind = kind,
	        .value = value,
	        .alias_of = alias_of,
	        .statement = r->statement,
	        .next = NONE,
	};
}

static void bind_value(resolver *r, uint32_t scope_id, TSNode name, uint32_t value)
{
	bind(r, scope_id, name, BINDING_VALUE, value, (TSNode){0});
}

/* Binds every plain name in an assignment target or pattern. */
static void bind_targets(resolver *r, uint32_t scope_id, TSNode target)
{
	/* Targets nest only as deep as the source's own tuple patterns; an
	 * explicit stack keeps even absurd nesting off the C stack. */
	if (ts_node_is_null(target))
		return;
	TSNode stack[64];
	uint32_t depth = 0;
	stack[depth++] = target;
	while (depth) {
		TSNode node = stack[--depth];
		if (is(node, LF_KIND_IDENTIFIER)) {
			bind_value(r, scope_id, node, OTHER);
			continue;
		}
		if (is(node, LF_KIND_ATTRIBUTE) || is(node, LF_KIND_SUBSCRIPT))
			continue; /* binds no name */
		uint32_t n = ts_node_named_child_count(node);
		for (uint32_t i = 0; i < n && depth < 64; i++)
			stack[depth++] = ts_node_named_child(node, i);
	}
}

/* The known name a dotted_name spells (`torch . serialization`, with any
 * spacing and comments, names NFKC-compared), or OTHER. */
static uint32_t module_value(TSNode dotted, const lf_source *src)
{
	if (is(dotted, LF_KIND_IDENTIFIER)) {
		uint32_t start = ts_node_start_byte(dotted);
		return lf_name_module(src->bytes + start, ts_node_end_byte(dotted) - start);
	}
	if (!is(dotted, LF_KIND_DOTTED_NAME))
		return OTHER;
	uint32_t id = OTHER;
	bool first = true;
	uint32_t n = ts_node_named_child_count(dotted);
	for (uint32_t i = 0; i < n; i++) {
		TSNode child = ts_node_named_child(dotted, i);
		if (is_extra(child))
			continue;
		uint32_t start = ts_node_start_byte(child), len = ts_node_end_byte(child) - start;
		id = first ? lf_name_module(src->bytes + start, len) : lf_name_child(id, src->bytes + start, len);
		first = false;
		if (id == OTHER)
			return OTHER;
	}
	return id;
}

/* The value of `from <module> import <name>`. */
static uint32_t imported_value(uint32_t module, TSNode name, const lf_source *src)
{
	if (module == OTHER)
		return OTHER;
	if (lf_name_get(module)->role == LF_ROLE_INSPECT)
		return lf_name_find("inspect.<member>");
	if (!is(name, LF_KIND_DOTTED_NAME) && !is(name, LF_KIND_IDENTIFIER))
		return OTHER;
	TSNode word = is(name, LF_KIND_DOTTED_NAME) ? ts_node_named_child(name, 0) : name;
	if (is(name, LF_KIND_DOTTED_NAME) && ts_node_named_child_count(name) != 1)
		return OTHER;
	uint32_t start = ts_node_start_byte(word);
	return lf_name_child(module, src->bytes + start, ts_node_end_byte(word) - start);
}

/*
 * `from <module> import *` binds the module's public names; of those the
 * tree knows the functions and classes (its leaves: torch's `load`,
 * numpy's `load`, PyYAML's loaders), not the submodules, which a star
 * import does not bind (torch.__all__ lists `load`, not `hub`).  There is
 * no token to point at, so each binding carries the name itself.
 */
static void bind_star(resolver *r, uint32_t scope_id, uint32_t module)
{
	for (uint32_t id = lf_name_get(module)->first_child; id != OTHER; id = lf_name_get(id)->next_sibling) {
		const lf_name *name = lf_name_get(id);
		if (name->first_child != OTHER || name->component[0] == '<')
			continue;
		if (r->binding_count == r->binding_cap) {
			r->binding_cap = r->binding_cap ? r->binding_cap * 2 : 32;
			r->bindings = lf_xrealloc(r->bindings, sizeof(binding) * r->binding_cap);
		}
		r->bindings[r->binding_count++] = (binding){.scope = scope_id,
		                                            .name_start = NONE,
		                                            .name_len = (uint32_t)strlen(name->component),
		                                            .star_name = name->component,
		                                            .kind = BINDING_STAR,
		                                            .value = id,
		                                            .next = NONE};
	}
}

/* Spells an import's module (a dotted_name, or a relative_import: dots and
 * an optional dotted_name) from its parts into `out`, so that spacing and
 * continuations do not matter; `*level` is the number of leading dots. */
static void spell_module(const resolver *r, TSNode module_name, lf_buf *out, unsigned *level)
{
	*level = 0;
	TSNode dotted = module_name;
	if (!is(module_name, LF_KIND_DOTTED_NAME)) { /* relative_import: import_prefix [dotted_name] */
		dotted = (TSNode){0};
		uint32_t n = ts_node_named_child_count(module_name);
		for (uint32_t i = 0; i < n; i++) {
			TSNode part = ts_node_named_child(module_name, i);
			if (is(part, LF_KIND_DOTTED_NAME)) {
				dotted = part;
				continue;
			}
			for (uint32_t b = ts_node_start_byte(part); b < ts_node_end_byte(part); b++)
				*level += r->src->bytes[b] == '.';
		}
	}
	uint32_t n = ts_node_is_null(dotted) ? 0 : ts_node_named_child_count(dotted);
	for (uint32_t i = 0; i < n; i++) {
		TSNode part = ts_node_named_child(dotted, i);
		if (is_extra(part))
			continue;
		if (out->len)
			lf_buf_putc(out, '.');
		lf_buf_append(out, (const char *)r->src->bytes + ts_node_start_byte(part),
		              ts_node_end_byte(part) - ts_node_start_byte(part));
	}
}

/*
 * `from pkg.utils import *` / `from .utils import *` of a module of the
 * project: binds what that module binds (loadfix/project.h).
 */
static void bind_project_star(resolver *r, uint32_t scope_id, TSNode module_name)
{
	if (!r->context || !r->context->project || ts_node_is_null(module_name))
		return;
	unsigned level = 0;
	lf_buf module;
	lf_buf_init(&module);
	spell_module(r, module_name, &module, &level);
	lf_buf_putc(&module, '\0');
	lf_exports exports = lf_project_star_exports(r->context->project, r->context->path, module.data, level);
	lf_buf_finish(&module);
	for (size_t i = 0; i < exports.count; i++) {
		if (r->binding_count == r->binding_cap) {
			r->binding_cap = r->binding_cap ? r->binding_cap * 2 : 32;
			r->bindings = lf_xrealloc(r->bindings, sizeof(binding) * r->binding_cap);
		}
		r->bindings[r->binding_count++] = (binding){.scope = scope_id,
		                                            .name_start = NONE,
		                                            .name_len = (uint32_t)strlen(exports.items[i].name),
		                                            .star_name = exports.items[i].name,
		                                            .kind = BINDING_STAR,
		                                            .value = exports.items[i].id,
		                                            .next = NONE};
	}
}

static void collect_import(resolver *r, uint32_t scope_id, TSNode node)
{
	uint32_t n = ts_node_named_child_count(node);
	for (uint32_t i = 0; i < n; i++) {
		TSNode child = ts_node_named_child(node, i);
		if (is(child, LF_KIND_DOTTED_NAME)) {
			/* `import torch.nn` binds `torch` to the top-level package. */
			TSNode first = ts_node_named_child(child, 0);
			bind_value(r, scope_id, first, module_value(first, r->src));
		} else if (is(child, LF_KIND_ALIASED_IMPORT)) {
			TSNode name = ts_node_child_by_field_id(child, lf_field_id(LF_FIELD_NAME));
			TSNode alias = ts_node_child_by_field_id(child, lf_field_id(LF_FIELD_ALIAS));
			bind_value(r, scope_id, alias, module_value(name, r->src));
		}
	}
}

static void collect_import_from(resolver *r, uint32_t scope_id, TSNode node)
{
	TSNode module_name = ts_node_child_by_field_id(node, lf_field_id(LF_FIELD_MODULE_NAME));
	uint32_t module = is(module_name, LF_KIND_DOTTED_NAME) ? module_value(module_name, r->src) : OTHER;
	uint32_t n = ts_node_named_child_count(node);
	for (uint32_t i = 0; i < n; i++) {
		TSNode child = ts_node_named_child(node, i);
		if (ts_node_eq(child, module_name))
			continue;
		if (is(child, LF_KIND_DOTTED_NAME)) {
			bind_value(r, scope_id, ts_node_named_child(child, 0), imported_value(module, child, r->src));
		} else if (is(child, LF_KIND_ALIASED_IMPORT)) {
			TSNode name = ts_node_child_by_field_id(child, lf_field_id(LF_FIELD_NAME));
			TSNode alias = ts_node_child_by_field_id(child, lf_field_id(LF_FIELD_ALIAS));
			bind_value(r, scope_id, alias, imported_value(module, name, r->src));
		} else if (is(child, LF_KIND_WILDCARD_IMPORT) && module != OTHER) {
			bind_star(r, scope_id, module);
		} else if (is(child, LF_KIND_WILDCARD_IMPORT)) {
			bind_project_star(r, scope_id, module_name);
		}
	}
}

static void collect_parameters(resolver *r, uint32_t scope_id, TSNode params)
{
	uint32_t n = ts_node_named_child_count(params);
	for (uint32_t i = 0; i < n; i++) {
		TSNode param = ts_node_named_child(params, i);
		if (is(param, LF_KIND_IDENTIFIER)) {
			bind_value(r, scope_id, param, OTHER);
		} else if (is(param, LF_KIND_DEFAULT_PARAMETER) || is(param, LF_KIND_TYPED_DEFAULT_PARAMETER)) {
			bind_value(r, scope_id, ts_node_child_by_field_id(param, lf_field_id(LF_FIELD_NAME)), OTHER);
		} else if (is(param, LF_KIND_TYPED_PARAMETER) || is(param, LF_KIND_LIST_SPLAT_PATTERN) ||
		           is(param, LF_KIND_DICTIONARY_SPLAT_PATTERN)) {
			TSNode first = ts_node_named_child(param, 0);
			if (is(first, LF_KIND_LIST_SPLAT_PATTERN) || is(first, LF_KIND_DICTIONARY_SPLAT_PATTERN))
				first = ts_node_named_child(first, 0);
			bind_value(r, scope_id, first, OTHER);
		}
	}
}

/* The nearest enclosing scope that is not a comprehension (walrus target). */
static uint32_t non_comprehension_scope(const resolver *r, uint32_t scope_id)
{
	while (r->scopes[scope_id].kind == SCOPE_COMPREHENSION)
		scope_id = r->scopes[scope_id].parent;
	return scope_id;
}

static bool is_alias_source(TSNode value)
{
	value = lf_node_unparenthesize(value);
	return is(value, LF_KIND_IDENTIFIER) || is(value, LF_KIND_ATTRIBUTE);
}

/* Phase 1: record what each statement binds, in the scope it binds in. */
static void collect_bindings(resolver *r, TSNode node, uint32_t scope_id, uint32_t own_scope, TSNode chain_value)
{
	lf_kind type = lf_kind_of(node);
	r->statement = node;
	if (type == LF_KIND_IMPORT_STATEMENT) {
		collect_import(r, scope_id, node);
	} else if (type == LF_KIND_IMPORT_FROM_STATEMENT) {
		collect_import_from(r, scope_id, node);
	} else if (type == LF_KIND_ASSIGNMENT) {
		TSNode left = ts_node_child_by_field_id(node, lf_field_id(LF_FIELD_LEFT));
		TSNode right = chain_value; /* `a = b = torch.load`: the chain's last value */
		if (is(left, LF_KIND_IDENTIFIER) && !ts_node_is_null(right) && is_alias_source(right))
			bind(r, scope_id, left, BINDING_ALIAS, 0, lf_node_unparenthesize(right));
		else
			bind_targets(r, scope_id, left);
	} else if (type == LF_KIND_AUGMENTED_ASSIGNMENT) {
		bind_targets(r, scope_id, ts_node_child_by_field_id(node, lf_field_id(LF_FIELD_LEFT)));
	} else if (type == LF_KIND_FOR_STATEMENT || type == LF_KIND_FOR_IN_CLAUSE) {
		bind_targets(r, scope_id, ts_node_child_by_field_id(node, lf_field_id(LF_FIELD_LEFT)));
	} else if (type == LF_KIND_AS_PATTERN) {
		bind_targets(r, scope_id, ts_node_child_by_field_id(node, lf_field_id(LF_FIELD_ALIAS)));
	} else if (type == LF_KIND_EXCEPT_CLAUSE) {
		bind_targets(r, scope_id, ts_node_child_by_field_id(node, lf_field_id(LF_FIELD_ALIAS)));
	} else if (type == LF_KIND_NAMED_EXPRESSION) {
		bind_value(r, non_comprehension_scope(r, scope_id),
		           ts_node_child_by_field_id(node, lf_field_id(LF_FIELD_NAME)), OTHER);
	} else if (type == LF_KIND_FUNCTION_DEFINITION || type == LF_KIND_CLASS_DEFINITION) {
		bind_value(r, scope_id, ts_node_child_by_field_id(node, lf_field_id(LF_FIELD_NAME)), OTHER);
		if (type == LF_KIND_FUNCTION_DEFINITION)
			collect_parameters(r, own_scope,
			                   ts_node_child_by_field_id(node, lf_field_id(LF_FIELD_PARAMETERS)));
	} else if (type == LF_KIND_LAMBDA) {
		TSNode params = ts_node_child_by_field_id(node, lf_field_id(LF_FIELD_PARAMETERS));
		if (!ts_node_is_null(params))
			collect_parameters(r, own_scope, params);
	} else if (type == LF_KIND_GLOBAL_STATEMENT || type == LF_KIND_NONLOCAL_STATEMENT) {
		uint32_t module = type == LF_KIND_GLOBAL_STATEMENT;
		uint32_t n = ts_node_named_child_count(node);
		for (uint32_t i = 0; i < n; i++)
			bind(r, scope_id, ts_node_named_child(node, i), BINDING_GLOBAL, module, (TSNode){0});
	}
}

/* ---- lookup ------------------------------------------------------------ */

static const uint8_t *binding_name(const resolver *r, const binding *b)
{
	if (b->normal_name)
		return b->normal_name;
	return b->name_start == NONE ? (const uint8_t *)b->star_name : r->src->bytes + b->name_start;
}

static bool binding_named(const resolver *r, const binding *b, const uint8_t *name, uint32_t len)
{
	return b->name_len == len && memcmp(binding_name(r, b), name, len) == 0;
}

/* `global x` in a function: its bindings of x bind the module's x. */
/* Whether scope_id has a binding (not a declaration) of the name. */
static bool scope_binds(const resolver *r, uint32_t scope_id, const binding *like)
{
	for (uint32_t i = 0; i < r->binding_count; i++) {
		const binding *b = &r->bindings[i];
		if (b->kind != BINDING_GLOBAL && b->scope == scope_id &&
		    binding_named(r, b, binding_name(r, like), like->name_len))
			return true;
	}
	return false;
}

/* The scope a `nonlocal` name in scope_id lives in: the nearest enclosing
 * function that binds it (else the nearest enclosing function). */
static uint32_t nonlocal_target(const resolver *r, uint32_t scope_id, const binding *decl)
{
	uint32_t first = NONE;
	for (uint32_t s = r->scopes[scope_id].parent; s != 0; s = r->scopes[s].parent) {
		if (r->scopes[s].kind != SCOPE_FUNCTION)
			continue;
		if (first == NONE)
			first = s;
		if (scope_binds(r, s, decl))
			return s;
	}
	return first == NONE ? 0 : first;
}

/*
 * `global x` / `nonlocal x` in a function: that function's bindings of x
 * (`import torch` after `global torch`) bind the module's or the enclosing
 * function's x.  Repeated so that chains of nonlocal settle; each pass
 * moves bindings strictly outwards, so few passes are ever needed.
 */
static void move_declared_bindings(resolver *r)
{
	for (int pass = 0; pass < 32; pass++) {
		bool moved = false;
		for (uint32_t g = 0; g < r->binding_count; g++) {
			const binding *decl = &r->bindings[g];
			if (decl->kind != BINDING_GLOBAL || decl->scope == 0)
				continue;
			uint32_t target = decl->value ? 0 : nonlocal_target(r, decl->scope, decl);
			for (uint32_t i = 0; i < r->binding_count; i++) {
				binding *b = &r->bindings[i];
				if (b->kind != BINDING_GLOBAL && b->scope == decl->scope &&
				    binding_named(r, b, binding_name(r, decl), decl->name_len)) {
					b->scope = target;
					moved = true;
				}
			}
		}
		if (!moved)
			break;
	}
}

static void index_bindings(resolver *r)
{
	move_declared_bindings(r);
	uint32_t size = 16;
	while (size < r->binding_count * 2)
		size *= 2;
	r->heads = lf_xmalloc(sizeof(uint32_t) * size);
	memset(r->heads, 0xff, sizeof(uint32_t) * size);
	r->head_mask = size - 1;
	for (uint32_t i = r->binding_count; i-- > 0;) {
		binding *b = &r->bindings[i];
		uint32_t slot = hash_bytes(binding_name(r, b), b->name_len) & r->head_mask;
		b->next = r->heads[slot];
		r->heads[slot] = i;
	}
}

static lf_values classify(resolver *r, TSNode node, uint32_t scope_id, int depth);

/*
 * The scope whose bindings of `name` Python uses when it looks the name up
 * from scope_id (following `global` and `nonlocal`, skipping class bodies
 * from the functions inside them), or NONE when no scope binds it.
 */
static uint32_t defining_scope(const resolver *r, const uint8_t *name, uint32_t len, uint32_t scope_id)
{
	uint32_t start = scope_id;
	uint32_t head = r->heads[hash_bytes(name, len) & r->head_mask];
	for (;;) {
		bool found = false, global = false, module_global = false;
		for (uint32_t i = head; i != NONE; i = r->bindings[i].next) {
			const binding *b = &r->bindings[i];
			if (b->scope != scope_id || !binding_named(r, b, name, len))
				continue;
			if (b->kind == BINDING_GLOBAL) {
				global = true;
				module_global = module_global || b->value;
			} else {
				found = true;
			}
		}
		if (global && scope_id != 0) {
			/* `global x`: x lives in the module; `nonlocal x`: in an
			 * enclosing function, found by going on outwards. */
			scope_id = module_global ? 0 : r->scopes[scope_id].parent;
			continue;
		}
		if (found)
			return scope_id;
		if (scope_id == 0)
			return NONE;
		scope_id = r->scopes[scope_id].parent;
		/* Class bodies are not enclosing scopes for the functions in them. */
		while (scope_id != 0 && r->scopes[scope_id].kind == SCOPE_CLASS && scope_id != start)
			scope_id = r->scopes[scope_id].parent;
	}
}

/* classify() of alias binding i's value, at `depth` (1..MAX_ALIAS_DEPTH). */
static lf_values alias_value(resolver *r, uint32_t i, int depth)
{
	if (!r->alias_known) {
		size_t n = (size_t)(r->binding_count ? r->binding_count : 1) * MAX_ALIAS_DEPTH;
		r->alias_values = lf_xmalloc(sizeof(lf_values) * n);
		r->alias_known = lf_xcalloc(n, sizeof(bool));
	}
	size_t slot = (size_t)i * MAX_ALIAS_DEPTH + (size_t)(depth - 1);
	if (!r->alias_known[slot]) {
		/* depth only grows on the way down: (i, depth) is not re-entered */
		const binding *b = &r->bindings[i];
		r->alias_values[slot] = classify(r, b->alias_of, b->scope, depth);
		r->alias_known[slot] = true;
	}
	return r->alias_values[slot];
}

/*
 * What `name` may stand for when looked up from scope_id.  Returns the
 * empty set when no scope binds it.
 */
static lf_values lookup(resolver *r, const uint8_t *name, uint32_t len, uint32_t scope_id, int depth)
{
	scope_id = defining_scope(r, name, len, scope_id);
	if (scope_id == NONE)
		return (lf_values){{0}};
	uint32_t head = r->heads[hash_bytes(name, len) & r->head_mask];
	bool other = false, aliased_other = false;
	lf_values imported = {{0}}, aliased = {{0}}, star = {{0}};
	for (uint32_t i = head; i != NONE; i = r->bindings[i].next) {
		const binding *b = &r->bindings[i];
		if (b->scope != scope_id || !binding_named(r, b, name, len) || b->kind == BINDING_GLOBAL)
			continue;
		if (b->kind == BINDING_STAR) {
			lf_values_add(&star, b->value);
		} else if (b->kind == BINDING_ALIAS) {
			lf_values value = depth < MAX_ALIAS_DEPTH ? alias_value(r, i, depth + 1) : (lf_values){{0}};
			if (lf_values_empty(&value) || lf_values_has(&value, OTHER))
				aliased_other = true;
			lf_values_union(&aliased, &value);
		} else if (b->value == OTHER) {
			other = true;
		} else {
			lf_values_add(&imported, b->value);
		}
	}
	/* Aliases agree only when they name one thing: `fn = torch.load`
	 * and `fn = pickle.load` leave fn unknown, so no torch fix is
	 * ever applied to what may be pickle's load. */
	uint32_t distinct = 0;
	for (uint32_t w = 0; w < LF_NAME_MAX / 64; w++)
		distinct += (uint32_t)__builtin_popcountll(aliased.bits[w]);
	if (distinct > 1)
		aliased_other = true;
	lf_values result = imported;
	/* An alias only counts while nothing else rebinds the name. */
	if (!other && !aliased_other)
		lf_values_union(&result, &aliased);
	if (other || aliased_other)
		lf_values_add(&result, OTHER);
	/* A star import names nothing explicitly: `def load` after
	 * `from torch import *` is the user's own load. */
	if (lf_values_empty(&result))
		result = star;
	return result;
}

/* What an expression may stand for: a name, a dotted attribute chain. */
static lf_values classify(resolver *r, TSNode node, uint32_t scope_id, int depth)
{
	node = lf_node_unparenthesize(node);
	lf_values none = {{0}};
	if (is(node, LF_KIND_IDENTIFIER)) {
		uint32_t start = ts_node_start_byte(node), len = ts_node_end_byte(node) - start;
		size_t normal_len;
		uint8_t *normal = lf_name_normalize(r->src->bytes + start, len, &normal_len);
		if (!normal)
			return lookup(r, r->src->bytes + start, len, scope_id, depth);
		lf_values value = lookup(r, normal, (uint32_t)normal_len, scope_id, depth);
		free(normal);
		return value;
	}
	if (!is(node, LF_KIND_ATTRIBUTE))
		return none;
	TSNode attr = ts_node_child_by_field_id(node, lf_field_id(LF_FIELD_ATTRIBUTE));
	if (ts_node_is_null(attr))
		return none;
	uint32_t attr_start = ts_node_start_byte(attr), attr_len = ts_node_end_byte(attr) - attr_start;
	const uint8_t *attr_text = r->src->bytes + attr_start;
	/* Most attributes name nothing the tree knows: reject them before
	 * classifying their object. */
	if (!lf_name_is_component(attr_text, attr_len))
		return none;
	lf_values object = classify(r, ts_node_child_by_field_id(node, lf_field_id(LF_FIELD_OBJECT)), scope_id, depth);
	lf_values value = none;
	for (uint32_t w = 0; w < LF_NAME_MAX / 64; w++) {
		for (uint64_t bits = object.bits[w]; bits; bits &= bits - 1) {
			uint32_t id = w * 64 + (uint32_t)__builtin_ctzll(bits);
			uint32_t child = id == OTHER ? OTHER : lf_name_child(id, attr_text, attr_len);
			if (child != OTHER)
				lf_values_add(&value, child);
		}
	}
	return value;
}

/* Whether an attribute's object is the inspect module (`inspect.signature`). */
static bool classify_object_is_inspect(resolver *r, TSNode attribute, uint32_t scope_id)
{
	TSNode object = ts_node_child_by_field_id(attribute, lf_field_id(LF_FIELD_OBJECT));
	lf_values value = classify(r, object, scope_id, 0);
	return lf_values_has(&value, r->inspect);
}

/* ---- the walk ------------------------------------------------------------ */

static bool creates_scope(lf_kind type, enum scope_kind *kind)
{
	if (type == LF_KIND_FUNCTION_DEFINITION || type == LF_KIND_LAMBDA) {
		*kind = SCOPE_FUNCTION;
		return true;
	}
	if (type == LF_KIND_CLASS_DEFINITION) {
		*kind = SCOPE_CLASS;
		return true;
	}
	if (type == LF_KIND_LIST_COMPREHENSION || type == LF_KIND_SET_COMPREHENSION ||
	    type == LF_KIND_DICTIONARY_COMPREHENSION || type == LF_KIND_GENERATOR_EXPRESSION) {
		*kind = SCOPE_COMPREHENSION;
		return true;
	}
	return false;
}

/* Whether the child in `field` of a scope-creating node is evaluated inside
 * that node's own scope (function bodies) or in the enclosing one (decorator
 * arguments, default values, base classes). */
static bool field_is_inner(lf_kind parent_type, lf_field field)
{
	if (parent_type == LF_KIND_FUNCTION_DEFINITION || parent_type == LF_KIND_LAMBDA)
		return field == LF_FIELD_PARAMETERS || field == LF_FIELD_BODY;
	if (parent_type == LF_KIND_CLASS_DEFINITION)
		return field == LF_FIELD_BODY;
	return true; /* comprehensions (the first iterable is a known simplification) */
}

/* Whether a parameter's child in `field` is evaluated outside the function. */
static bool parameter_field_is_outer(lf_kind parent_type, lf_field field)
{
	if (parent_type == LF_KIND_DEFAULT_PARAMETER)
		return field == LF_FIELD_VALUE;
	if (parent_type == LF_KIND_TYPED_DEFAULT_PARAMETER)
		return field == LF_FIELD_VALUE || field == LF_FIELD_TYPE;
	if (parent_type == LF_KIND_TYPED_PARAMETER)
		return field == LF_FIELD_TYPE;
	return false;
}

typedef struct frame {
	TSNode node;
	lf_kind type;
	lf_field field;     /* this node's field in its parent */
	uint32_t scope;     /* where expressions at this node are evaluated */
	uint32_t own_scope; /* the scope this node creates, or NONE */
	bool skip_value;    /* partial's function argument: already reported */
	TSNode skip_child;  /* for a partial call: that argument */
	bool in_error;      /* this node or an ancestor is an ERROR node */
	TSNode chain_value; /* an assignment: the last value of its chain */
} frame;

typedef void (*visit_fn)(resolver *r, frame *frames, uint32_t depth);

/*
 * A simple statement that holds a syntax error counts as in error as a
 * whole: `f = load \` / `(path)` after an ERROR in the same assignment is
 * well-formed, but an edit there changes how tree-sitter recovers from
 * the error beside it (the fuzzer found a fix that raised a file's parse
 * errors from 3 to 4 so).  Compound statements are not judged whole: an
 * error in a def's body must not block a fix elsewhere in it.
 */
static bool is_simple_statement(lf_kind type)
{
	switch (type) {
	case LF_KIND_EXPRESSION_STATEMENT:
	case LF_KIND_RETURN_STATEMENT:
	case LF_KIND_ASSERT_STATEMENT:
	case LF_KIND_RAISE_STATEMENT:
	case LF_KIND_DELETE_STATEMENT: return true;
	default: return false;
	}
}

static void push_ref(resolver *r, lf_ref_kind kind, const frame *at, TSNode arguments, uint32_t offset)
{
	TSNode node = at->node;
	lf_refs *refs = r->refs;
	if (refs->count == refs->cap) {
		refs->cap = refs->cap ? refs->cap * 2 : 8;
		refs->items = lf_xrealloc(refs->items, sizeof(lf_load_ref) * refs->cap);
	}
	refs->items[refs->count++] = (lf_load_ref){.kind = kind,
	                                           .node = node,
	                                           .arguments = arguments,
	                                           .positional_offset = offset,
	                                           .in_error = at->in_error};
}

static TSNode first_positional_argument(TSNode arguments)
{
	if (!is(arguments, LF_KIND_ARGUMENT_LIST))
		return (TSNode){0};
	uint32_t n = ts_node_named_child_count(arguments);
	for (uint32_t i = 0; i < n; i++) {
		TSNode arg = ts_node_named_child(arguments, i);
		if (is_extra(arg))
			continue;
		if (is(arg, LF_KIND_KEYWORD_ARGUMENT) || is(arg, LF_KIND_LIST_SPLAT) ||
		    is(arg, LF_KIND_DICTIONARY_SPLAT))
			return (TSNode){0};
		return arg;
	}
	return (TSNode){0};
}

/* Whether the identifier or attribute in frames[depth] is read as a value
 * (as opposed to bound, declared, spelled in an import, or called).
 * Parentheses are transparent: `(torch.load)(p)` is a call. */
static bool is_value_position(const frame *frames, uint32_t depth)
{
	lf_field f = frames[depth].field;
	while (depth > 0 && frames[depth - 1].type == LF_KIND_PARENTHESIZED_EXPRESSION)
		f = frames[--depth].field;
	if (depth == 0)
		return false;
	lf_kind p = frames[depth - 1].type;
	switch (p) {
	case LF_KIND_ATTRIBUTE: /* the object of a longer chain: torch.load.__doc__ is no load */
	case LF_KIND_IMPORT_STATEMENT:
	case LF_KIND_IMPORT_FROM_STATEMENT:
	case LF_KIND_ALIASED_IMPORT:
	case LF_KIND_DOTTED_NAME:
	case LF_KIND_GLOBAL_STATEMENT:
	case LF_KIND_NONLOCAL_STATEMENT:
	case LF_KIND_PARAMETERS:
	case LF_KIND_LAMBDA_PARAMETERS:
	case LF_KIND_TYPED_PARAMETER:
	case LF_KIND_LIST_SPLAT_PATTERN:
	case LF_KIND_DICTIONARY_SPLAT_PATTERN:
	case LF_KIND_PATTERN_LIST:
	case LF_KIND_TUPLE_PATTERN:
	case LF_KIND_LIST_PATTERN:
	case LF_KIND_AS_PATTERN_TARGET:
	case LF_KIND_DELETE_STATEMENT:
	case LF_KIND_KEYWORD_PATTERN:
	case LF_KIND_CASE_PATTERN: return false;
	default: break;
	}
	if (p == LF_KIND_KEYWORD_ARGUMENT || p == LF_KIND_NAMED_EXPRESSION || p == LF_KIND_EXCEPT_CLAUSE)
		return f == LF_FIELD_VALUE;
	if (p == LF_KIND_ASSIGNMENT || p == LF_KIND_AUGMENTED_ASSIGNMENT || p == LF_KIND_FOR_STATEMENT ||
	    p == LF_KIND_FOR_IN_CLAUSE)
		return f != LF_FIELD_LEFT;
	if (p == LF_KIND_FUNCTION_DEFINITION || p == LF_KIND_CLASS_DEFINITION || p == LF_KIND_DEFAULT_PARAMETER ||
	    p == LF_KIND_TYPED_DEFAULT_PARAMETER)
		return f != LF_FIELD_NAME;
	if (p == LF_KIND_CALL)
		return f != LF_FIELD_FUNCTION; /* the call itself is the reference */
	return true;
}

/* Builtins that look at a function without calling it or handing it on. */
static const char *const introspection_builtins[] = {
        "callable", "dir", "hasattr", "hash", "id", "isinstance", "print", "repr", "str", "type", "vars",
};

/*
 * Whether the reference in frames[depth] only inspects torch.load: an
 * operand of a comparison (`torch.load is torch.serialization.load`), or an
 * argument of inspect.* (`inspect.signature(torch.load)`, also imported
 * from inspect) or of an introspection builtin that nothing rebinds
 * (`hasattr(torch.load, "x")`).  Nothing is loaded through such a
 * reference, so it is not LF004's "used as a value"; `pool.map(torch.load,
 * files)` and `loader = torch.load` still are.
 */
static bool is_introspection(resolver *r, const frame *frames, uint32_t depth)
{
	while (depth > 0 && frames[depth - 1].type == LF_KIND_PARENTHESIZED_EXPRESSION)
		depth--;
	if (depth == 0)
		return false;
	if (frames[depth - 1].type == LF_KIND_COMPARISON_OPERATOR)
		return true;
	if (depth < 2 || frames[depth - 1].type != LF_KIND_ARGUMENT_LIST || frames[depth - 2].type != LF_KIND_CALL)
		return false;
	const frame *call = &frames[depth - 2];
	TSNode function = lf_node_unparenthesize(ts_node_child_by_field_id(call->node, lf_field_id(LF_FIELD_FUNCTION)));
	if (is(function, LF_KIND_ATTRIBUTE))
		return classify_object_is_inspect(r, function, call->scope);
	if (!is(function, LF_KIND_IDENTIFIER))
		return false;
	lf_values value = classify(r, function, call->scope, 0);
	if (lf_values_has(&value, r->inspect_member))
		return true;
	if (!lf_values_empty(&value)) /* bound in the file: not the builtin */
		return false;
	for (size_t i = 0; i < sizeof introspection_builtins / sizeof introspection_builtins[0]; i++)
		if (lf_node_text_is(function, r->src, introspection_builtins[i]))
			return true;
	return false;
}

/*
 * The argument that decides a call's safety (`Loader=yaml.FullLoader`, or
 * the second positional argument of yaml.load): the keyword by name, else
 * the positional argument at the target's position (after `offset`
 * positional arguments that precede the function's own).  Returns the
 * value node, or a null node.
 */
static TSNode deciding_argument(TSNode arguments, const lf_source *src, const lf_target *target, uint32_t offset)
{
	if (!target->keyword || !is(arguments, LF_KIND_ARGUMENT_LIST))
		return (TSNode){0};
	uint32_t n = ts_node_named_child_count(arguments), positional = 0;
	TSNode by_position = {0};
	for (uint32_t i = 0; i < n; i++) {
		TSNode arg = ts_node_named_child(arguments, i);
		if (is_extra(arg))
			continue;
		if (is(arg, LF_KIND_KEYWORD_ARGUMENT)) {
			TSNode name = ts_node_child_by_field_id(arg, lf_field_id(LF_FIELD_NAME));
			if (!ts_node_is_null(name) && lf_node_text_is(name, src, target->keyword))
				return ts_node_child_by_field_id(arg, lf_field_id(LF_FIELD_VALUE));
		} else if (!is(arg, LF_KIND_LIST_SPLAT) && !is(arg, LF_KIND_DICTIONARY_SPLAT)) {
			if (positional++ == offset + (uint32_t)target->keyword_position &&
			    target->keyword_position >= 0)
				by_position = arg;
		}
	}
	return by_position;
}

/* The single known name `value` resolves to, or OTHER. */
static uint32_t single_name(resolver *r, TSNode value, uint32_t scope_id)
{
	if (ts_node_is_null(value))
		return OTHER;
	lf_values set = classify(r, value, scope_id, 0);
	uint32_t found = OTHER, count = 0;
	for (uint32_t w = 0; w < LF_NAME_MAX / 64; w++)
		for (uint64_t bits = set.bits[w]; bits; bits &= bits - 1) {
			found = w * 64 + (uint32_t)__builtin_ctzll(bits);
			count++;
		}
	return count == 1 ? found : OTHER;
}

static void push_target_ref(resolver *r, lf_ref_kind kind, const frame *at, TSNode arguments, uint32_t offset,
                            const lf_target *target)
{
	push_ref(r, kind, at, arguments, offset);
	lf_load_ref *ref = &r->refs->items[r->refs->count - 1];
	ref->target = target;
	ref->keyword_name = single_name(r, deciding_argument(arguments, r->src, target, offset), at->scope);
}

/* Whether a call passes the keyword `keyword` (LF106: trust_remote_code). */
static bool passes_keyword(TSNode arguments, const lf_source *src, const char *keyword)
{
	if (!is(arguments, LF_KIND_ARGUMENT_LIST))
		return false;
	uint32_t n = ts_node_named_child_count(arguments);
	for (uint32_t i = 0; i < n; i++) {
		TSNode arg = ts_node_named_child(arguments, i);
		if (!is(arg, LF_KIND_KEYWORD_ARGUMENT))
			continue;
		TSNode name = ts_node_child_by_field_id(arg, lf_field_id(LF_FIELD_NAME));
		if (!ts_node_is_null(name) && lf_node_text_is(name, src, keyword))
			return true;
	}
	return false;
}

/* Calls each target in `value` once (several when flow-insensitive
 * resolution leaves more than one), in name-id order. */
#define FOR_EACH_TARGET(value, target)                                             \
	for (uint32_t w_ = 0; w_ < LF_NAME_MAX / 64; w_++)                         \
		for (uint64_t bits_ = (value).bits[w_]; bits_; bits_ &= bits_ - 1) \
			if (((target) = lf_name_get(w_ * 64 + (uint32_t)__builtin_ctzll(bits_))->target))

/* ---- LF007: torch's load replaced at run time ------------------------------ */

/* torch.load or torch.serialization.load (the rows LF004 reports as values,
 * the only ones a replacement defeats): the first in `value`, or NULL. */
static const lf_target *replaceable_in(const lf_values *value)
{
	const lf_target *target;
	FOR_EACH_TARGET(*value, target)
	if (target->value_references && target->family == LF_FAMILY_TORCH_LOAD)
		return target;
	return NULL;
}

/* The load `node` stands for (`torch.load`, `t.serialization.load`, an
 * alias), or NULL. */
static const lf_target *replaceable_load(resolver *r, TSNode node, uint32_t scope_id)
{
	lf_values value = classify(r, node, scope_id, 0);
	return replaceable_in(&value);
}

/* The load whose attribute `name` (a text) an object's replacement would
 * write: `load` of torch or torch.serialization, or NULL. */
static const lf_target *replaceable_member(resolver *r, TSNode object, uint32_t scope_id, const uint8_t *name,
                                           uint32_t len)
{
	lf_values object_value = classify(r, object, scope_id, 0), members = {{0}};
	for (uint32_t w = 0; w < LF_NAME_MAX / 64; w++)
		for (uint64_t bits = object_value.bits[w]; bits; bits &= bits - 1) {
			uint32_t id = w * 64 + (uint32_t)__builtin_ctzll(bits);
			uint32_t child = id == OTHER ? OTHER : lf_name_child(id, name, len);
			if (child != OTHER)
				lf_values_add(&members, child);
		}
	return replaceable_in(&members);
}

static bool text_is(const uint8_t *text, uint32_t len, const char *word)
{
	return strlen(word) == len && memcmp(text, word, len) == 0;
}

static bool is_defaults_name(const uint8_t *text, uint32_t len)
{
	return text_is(text, len, "__kwdefaults__") || text_is(text, len, "__defaults__");
}

/* `torch.load.__kwdefaults__` / `.__defaults__`: the load, or NULL. */
static const lf_target *defaults_of(resolver *r, TSNode node, uint32_t scope_id)
{
	node = lf_node_unparenthesize(node);
	if (!is(node, LF_KIND_ATTRIBUTE))
		return NULL;
	TSNode attr = ts_node_child_by_field_id(node, lf_field_id(LF_FIELD_ATTRIBUTE));
	if (ts_node_is_null(attr) || !is_defaults_name(r->src->bytes + ts_node_start_byte(attr),
	                                               ts_node_end_byte(attr) - ts_node_start_byte(attr)))
		return NULL;
	return replaceable_load(r, ts_node_child_by_field_id(node, lf_field_id(LF_FIELD_OBJECT)), scope_id);
}

/* The positional arguments of a call (at most `max`), and whether one of
 * the keywords `a` or `b` is passed. */
static uint32_t positional_arguments(TSNode arguments, TSNode *out, uint32_t max, const lf_source *src, const char *a,
                                     const char *b, bool *keyword)
{
	uint32_t count = 0;
	*keyword = false;
	if (!is(arguments, LF_KIND_ARGUMENT_LIST))
		return 0;
	uint32_t n = ts_node_named_child_count(arguments);
	for (uint32_t i = 0; i < n; i++) {
		TSNode arg = ts_node_named_child(arguments, i);
		if (is_extra(arg))
			continue;
		if (is(arg, LF_KIND_KEYWORD_ARGUMENT)) {
			TSNode name = ts_node_child_by_field_id(arg, lf_field_id(LF_FIELD_NAME));
			if (!ts_node_is_null(name) &&
			    ((a && lf_node_text_is(name, src, a)) || (b && lf_node_text_is(name, src, b))))
				*keyword = true;
		} else if (!is(arg, LF_KIND_LIST_SPLAT) && !is(arg, LF_KIND_DICTIONARY_SPLAT) && count < max) {
			out[count++] = lf_node_unparenthesize(arg);
		}
	}
	return count;
}

/* setattr-shaped arguments (OBJECT, "NAME", ...): the load replaced, with
 * *defaults set when NAME is __kwdefaults__ / __defaults__ of the load. */
static const lf_target *setattr_target(resolver *r, TSNode object, TSNode name, uint32_t scope_id, bool *defaults)
{
	const uint8_t *text;
	uint32_t len;
	*defaults = false;
	if (!lf_string_literal_value(name, r->src, &text, &len))
		return NULL;
	if (is_defaults_name(text, len)) {
		*defaults = true;
		return replaceable_load(r, object, scope_id);
	}
	return replaceable_member(r, object, scope_id, text, len);
}

/* The load a dotted string names ("torch.load", as monkeypatch.setattr and
 * mock.patch take it: an absolute import path, no alias), or NULL. */
static const lf_target *load_named_by_string(resolver *r, TSNode string)
{
	const uint8_t *text;
	uint32_t len;
	if (!lf_string_literal_value(string, r->src, &text, &len))
		return NULL;
	uint32_t id = OTHER;
	for (uint32_t start = 0, i = 0; i <= len; i++) {
		if (i < len && text[i] != '.')
			continue;
		id = start == 0 ? lf_name_module(text, i) : lf_name_child(id, text + start, i - start);
		if (id == OTHER)
			return NULL;
		start = i + 1;
	}
	const lf_target *target = lf_name_get(id)->target;
	return target && target->value_references && target->family == LF_FAMILY_TORCH_LOAD ? target : NULL;
}

/* The last name of a callee: `patch` for `mock.patch` and `patch`. */
static bool callee_named(TSNode function, const lf_source *src, const char *name)
{
	if (is(function, LF_KIND_ATTRIBUTE))
		function = ts_node_child_by_field_id(function, lf_field_id(LF_FIELD_ATTRIBUTE));
	return is(function, LF_KIND_IDENTIFIER) && lf_node_text_is(function, src, name);
}

static void push_replacement(resolver *r, const frame *at, const lf_target *target, lf_replacement how)
{
	push_ref(r, LF_REF_REPLACE, at, (TSNode){0}, 0);
	lf_load_ref *ref = &r->refs->items[r->refs->count - 1];
	ref->target = target;
	ref->replacement = how;
	ref->keyword_name = OTHER;
}

/* `torch.load = f`, `t.serialization.load = f`, `torch.load.__kwdefaults__
 * = {...}`, `torch.load.__kwdefaults__["weights_only"] = False` (also
 * augmented: `|=`). */
static void visit_store(resolver *r, const frame *self)
{
	TSNode left = lf_node_unparenthesize(ts_node_child_by_field_id(self->node, lf_field_id(LF_FIELD_LEFT)));
	const lf_target *target;
	if (is(left, LF_KIND_ATTRIBUTE) && (target = replaceable_load(r, left, self->scope)))
		push_replacement(r, self, target, LF_REPLACED_ASSIGN);
	else if ((target = defaults_of(r, left, self->scope)))
		push_replacement(r, self, target, LF_REPLACED_DEFAULTS);
	else if (is(left, LF_KIND_SUBSCRIPT) &&
	         (target = defaults_of(r, ts_node_child_by_field_id(left, lf_field_id(LF_FIELD_VALUE)), self->scope)))
		push_replacement(r, self, target, LF_REPLACED_DEFAULTS);
}

/* The calls that replace the load (README, LF007). */
static void visit_replacing_call(resolver *r, const frame *self, TSNode function, TSNode arguments)
{
	function = lf_node_unparenthesize(function);
	TSNode args[3];
	bool replacement_keyword;
	uint32_t count = positional_arguments(arguments, args, 3, r->src, "new", "side_effect", &replacement_keyword);
	const lf_target *target = NULL;
	bool defaults = false;
	if (is(function, LF_KIND_IDENTIFIER) && callee_named(function, r->src, "setattr")) {
		/* the builtin, unless the file binds the name */
		lf_values bound = classify(r, function, self->scope, 0);
		if (lf_values_empty(&bound) && count >= 2 &&
		    (target = setattr_target(r, args[0], args[1], self->scope, &defaults)))
			push_replacement(r, self, target, defaults ? LF_REPLACED_DEFAULTS : LF_REPLACED_SETATTR);
		return;
	}
	if (is(function, LF_KIND_ATTRIBUTE) && callee_named(function, r->src, "setattr")) {
		/* pytest's monkeypatch (any name: fixtures are renamed) */
		if (count >= 1 && (target = load_named_by_string(r, args[0])))
			push_replacement(r, self, target, LF_REPLACED_MONKEYPATCH);
		else if (count >= 2 && (target = setattr_target(r, args[0], args[1], self->scope, &defaults)))
			push_replacement(r, self, target, defaults ? LF_REPLACED_DEFAULTS : LF_REPLACED_MONKEYPATCH);
		return;
	}
	if (callee_named(function, r->src, "patch")) {
		/* mock.patch("torch.load", new) / new=, side_effect=: without a
		 * replacement the MagicMock loads nothing at all */
		if ((count >= 2 || replacement_keyword) && count >= 1 && (target = load_named_by_string(r, args[0])))
			push_replacement(r, self, target, LF_REPLACED_MOCK);
		return;
	}
	if (is(function, LF_KIND_ATTRIBUTE) && callee_named(function, r->src, "object") &&
	    callee_named(lf_node_unparenthesize(ts_node_child_by_field_id(function, lf_field_id(LF_FIELD_OBJECT))),
	                 r->src, "patch")) {
		/* mock.patch.object(torch, "load", new) */
		if ((count >= 3 || replacement_keyword) && count >= 2 &&
		    (target = setattr_target(r, args[0], args[1], self->scope, &defaults)))
			push_replacement(r, self, target, defaults ? LF_REPLACED_DEFAULTS : LF_REPLACED_MOCK);
		return;
	}
	if (is(function, LF_KIND_ATTRIBUTE) &&
	    (callee_named(function, r->src, "update") || callee_named(function, r->src, "setdefault") ||
	     callee_named(function, r->src, "__setitem__")) &&
	    (target = defaults_of(r, ts_node_child_by_field_id(function, lf_field_id(LF_FIELD_OBJECT)), self->scope)))
		/* torch.load.__kwdefaults__.update(weights_only=False) */
		push_replacement(r, self, target, LF_REPLACED_DEFAULTS);
}

/* Phase 2: classify calls and value references. */
static void visit_references(resolver *r, frame *frames, uint32_t depth)
{
	frame *self = &frames[depth];
	const lf_target *target;
	if (self->type == LF_KIND_CALL) {
		TSNode function = ts_node_child_by_field_id(self->node, lf_field_id(LF_FIELD_FUNCTION));
		TSNode arguments = ts_node_child_by_field_id(self->node, lf_field_id(LF_FIELD_ARGUMENTS));
		lf_values value = classify(r, function, self->scope, 0);
		FOR_EACH_TARGET(value, target)
		push_target_ref(r, LF_REF_CALL, self, arguments, 0, target);
		if (lf_values_has(&value, r->partial)) {
			TSNode first = first_positional_argument(arguments);
			lf_values inner =
			        ts_node_is_null(first) ? (lf_values){{0}} : classify(r, first, self->scope, 0);
			FOR_EACH_TARGET(inner, target)
			if (target->value_references) {
				push_target_ref(r, LF_REF_PARTIAL, self, arguments, 1, target);
				/* its function argument is part of this reference */
				self->skip_child = first;
			}
		}
		const lf_target *any = lf_target_any_callee();
		if (any && passes_keyword(arguments, r->src, any->keyword))
			push_target_ref(r, LF_REF_CALL, self, arguments, 0, any);
		visit_replacing_call(r, self, function, arguments);
		return;
	}
	if (self->type == LF_KIND_ASSIGNMENT || self->type == LF_KIND_AUGMENTED_ASSIGNMENT) {
		visit_store(r, self);
		return;
	}
	if (self->type != LF_KIND_IDENTIFIER && self->type != LF_KIND_ATTRIBUTE)
		return;
	if (self->skip_value || !is_value_position(frames, depth))
		return;
	lf_values value = classify(r, self->node, self->scope, 0);
	const lf_target *referenced = NULL;
	FOR_EACH_TARGET(value, target)
	if (target->value_references && !referenced)
		referenced = target;
	if (referenced && !is_introspection(r, frames, depth))
		push_target_ref(r, LF_REF_VALUE, self, (TSNode){0}, 0, referenced);
}

static void visit_bindings(resolver *r, frame *frames, uint32_t depth)
{
	frame *self = &frames[depth];
	TSNode chain_value = {0};
	if (self->type == LF_KIND_ASSIGNMENT) {
		/* Every target of `a = b = ... = value` gets the last value.  The
		 * outermost assignment walks the chain once; the inner ones take it
		 * from their parent, so a long chain costs linear time. */
		if (depth > 0 && frames[depth - 1].type == LF_KIND_ASSIGNMENT && self->field == LF_FIELD_RIGHT) {
			chain_value = frames[depth - 1].chain_value;
		} else {
			chain_value = ts_node_child_by_field_id(self->node, lf_field_id(LF_FIELD_RIGHT));
			while (is(chain_value, LF_KIND_ASSIGNMENT))
				chain_value = ts_node_child_by_field_id(chain_value, lf_field_id(LF_FIELD_RIGHT));
		}
		self->chain_value = chain_value;
	}
	collect_bindings(r, self->node, self->scope, self->own_scope, chain_value);
}

/* `[x for x in ITERABLE ...]`: the first iterable is evaluated outside the
 * comprehension's scope; later ones inside. */
static bool is_first_comprehension_iterable(const frame *parent, lf_field field)
{
	if (parent->type != LF_KIND_FOR_IN_CLAUSE || field != LF_FIELD_RIGHT)
		return false;
	TSNode previous = ts_node_prev_named_sibling(parent->node);
	while (is_extra(previous))
		previous = ts_node_prev_named_sibling(previous);
	return !is(previous, LF_KIND_FOR_IN_CLAUSE) && !is(previous, LF_KIND_IF_CLAUSE);
}

/* Whether some binding may give `name` a known value (an import of a
 * known module, a star import, an alias of such a name): lookup finds
 * nothing else. */
static bool may_be_known(const resolver *r, const uint8_t *name, uint32_t len)
{
	uint32_t slot = hash_bytes(name, len) & r->head_mask;
	if (!r->slot_may_know[slot])
		return false;
	for (uint32_t i = r->heads[slot]; i != NONE; i = r->bindings[i].next)
		if (r->may_know[i] && binding_named(r, &r->bindings[i], name, len))
			return true;
	return false;
}

static void note_may_know(resolver *r, const binding *b)
{
	r->slot_may_know[hash_bytes(binding_name(r, b), b->name_len) & r->head_mask] = true;
	r->non_ascii_may_know = r->non_ascii_may_know || b->normal_name;
}

/*
 * Which bindings may give their name a known value, over-approximated
 * without classifying anything: imports of known names and star imports
 * may; an alias may when the root name of its value (`a` in `x = a.b.c`)
 * has a binding that may, in any scope, to a fixed point.  A root that is
 * not plain ASCII may, whatever NFKC makes of it.
 */
static void mark_known_bindings(resolver *r)
{
	r->may_know = lf_xcalloc(r->binding_count ? r->binding_count : 1, sizeof(bool));
	r->slot_may_know = lf_xcalloc((size_t)r->head_mask + 1, sizeof(bool));
	for (uint32_t i = 0; i < r->binding_count; i++) {
		const binding *b = &r->bindings[i];
		r->may_know[i] = b->kind == BINDING_STAR || (b->kind == BINDING_VALUE && b->value != OTHER);
		if (r->may_know[i])
			note_may_know(r, b);
	}
	for (bool changed = true; changed;) {
		changed = false;
		for (uint32_t i = 0; i < r->binding_count; i++) {
			const binding *b = &r->bindings[i];
			if (r->may_know[i] || b->kind != BINDING_ALIAS)
				continue;
			TSNode root = lf_node_unparenthesize(b->alias_of);
			while (is(root, LF_KIND_ATTRIBUTE))
				root = lf_node_unparenthesize(
				        ts_node_child_by_field_id(root, lf_field_id(LF_FIELD_OBJECT)));
			bool may = true;
			if (is(root, LF_KIND_IDENTIFIER)) {
				uint32_t start = ts_node_start_byte(root), len = ts_node_end_byte(root) - start;
				bool ascii = true;
				for (uint32_t k = 0; k < len && ascii; k++)
					ascii = r->src->bytes[start + k] < 0x80;
				may = !ascii || may_be_known(r, r->src->bytes + start, len);
			} else if (!ts_node_is_null(root)) {
				may = false; /* classify knows only names and attribute chains */
			}
			if (may) {
				r->may_know[i] = true;
				note_may_know(r, b);
				changed = true;
			}
		}
	}
}

static bool ascii_word_char(uint8_t c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (!first && c >= '0' && c <= '9');
}

/*
 * Whether the UTF-8 character at `p` (its size in *size, 1 for a byte that
 * starts no valid sequence) is one whose NFKC form holds an ASCII byte
 * (fullwidth `ｐ`, the `ﬁ` ligature, mathematical letters, a no-break
 * space); an invalid sequence is answered yes.
 */
static bool folds_to_ascii(resolver *r, const uint8_t *p, uint32_t left, uint32_t *size)
{
	uint32_t n = p[0] >= 0xF0 && p[0] <= 0xF4   ? 4
	             : p[0] >= 0xE0 && p[0] < 0xF0  ? 3
	             : p[0] >= 0xC2 && p[0] <= 0xDF ? 2
	                                            : 0;
	*size = 1;
	if (n == 0 || n > left)
		return true;
	uint32_t code = p[0] & (0x7F >> n);
	for (uint32_t k = 1; k < n; k++) {
		if ((p[k] & 0xC0) != 0x80)
			return true;
		code = code << 6 | (p[k] & 0x3F);
	}
	*size = n;
	uint32_t slot = code & 63;
	if (r->fold_code[slot] == code + 1)
		return r->fold_ascii[slot];
	size_t len;
	uint8_t *normal = lf_name_normalize(p, n, &len);
	bool ascii = !normal; /* overlong, a surrogate, past U+10FFFF: yes */
	for (size_t k = 0; normal && k < len && !ascii; k++)
		ascii = normal[k] < 0x80;
	free(normal);
	r->fold_code[slot] = code + 1;
	r->fold_ascii[slot] = ascii;
	return ascii;
}

/*
 * Phase 2 needs to walk only the top-level statements that can hold a
 * reference: every reference is a call or a name whose lookup (of an
 * identifier, or of an attribute chain's root) reaches a binding that may
 * be known, or a call passing the keyword of the rules that look at any
 * call.  A statement whose text names no such binding and holds neither
 * the keyword nor non-ASCII text that may spell such a name is stepped
 * over; in typical files that is most of them, and walking the tree was a
 * third of the editor hook's time.
 *
 * Non-ASCII text: a name spelled with a non-ASCII character is one the
 * file binds under a non-ASCII name (`é = torch`), or one that NFKC folds
 * into an ASCII name (`ｐickle`).  In a file where no binding that may be
 * known has a non-ASCII name (nearly all), only the second kind can refer,
 * and NFKC makes an identifier ASCII only when each of its characters
 * contributes ASCII (decomposition is per character, composition makes no
 * ASCII character): so a statement is walked when it holds a character
 * that folds into ASCII, and `é`, CJK or emoji in its comments and strings
 * no longer make it walked.  Otherwise any non-ASCII byte does, as before
 * (no need to know where tree-sitter's identifiers end).
 */
static bool statement_may_refer(resolver *r, TSNode statement)
{
	const uint8_t *bytes = r->src->bytes;
	uint32_t start = ts_node_start_byte(statement), end = ts_node_end_byte(statement);
	const lf_target *any = lf_target_any_callee();
	if (any && memmem(bytes + start, end - start, any->keyword, strlen(any->keyword)))
		return true;
	/* LF007 names its target in a string (`monkeypatch.setattr("torch.load",
	 * f)`, `mock.patch("torch.load", f)`), which no binding gives a value;
	 * a call of a project wrapper passes `weights_only` (loadfix/wrappers.h). */
	if (memmem(bytes + start, end - start, "torch", 5) || memmem(bytes + start, end - start, "weights_only", 12))
		return true;
	for (uint32_t at = start; at < end;) {
		uint8_t c = bytes[at];
		if (c >= 0x80) {
			uint32_t size;
			if (r->non_ascii_may_know || folds_to_ascii(r, bytes + at, end - at, &size))
				return true;
			at += size; /* a separator, like punctuation */
			continue;
		}
		if (!ascii_word_char(c, true)) {
			at++;
			continue;
		}
		uint32_t word = at;
		while (at < end && ascii_word_char(bytes[at], false))
			at++;
		if (may_be_known(r, bytes + word, at - word))
			return true;
	}
	return false;
}

/*
 * Depth-first walk with a tree cursor (no recursion: 100,000 nested
 * brackets must not overflow the stack), computing for each node the scope
 * its expressions are evaluated in.  Scopes are numbered in walk order, so
 * both phases see the same numbers.
 */
static void walk(resolver *r, TSNode root, visit_fn visit, bool create_scopes)
{
	uint32_t cap = 256, depth = 0, next_scope = 1, statement = 0;
	frame *frames = lf_xmalloc(sizeof(frame) * cap);
	TSTreeCursor cursor = ts_tree_cursor_new(root);
	for (;;) {
		TSNode node = ts_tree_cursor_current_node(&cursor);
		frame *self = &frames[depth];
		self->node = node;
		self->type = lf_kind_of(node);
		/* The field is only ever asked of children of node kinds loadfix
		 * knows; ts_tree_cursor_current_field_id costs time proportional to
		 * the parent's children, so a million-element list must not pay it
		 * for every element. */
		self->field = depth > 0 && frames[depth - 1].type != LF_KIND_OTHER
		                      ? lf_field_of(ts_tree_cursor_current_field_id(&cursor))
		                      : LF_FIELD_OTHER;
		self->own_scope = NONE;
		self->skip_value = false;
		self->skip_child = (TSNode){0};
		self->in_error = lf_node_is_error(node) || (depth > 0 && frames[depth - 1].in_error) ||
		                 (is_simple_statement(self->type) && ts_node_has_error(node));
		if (depth == 0) {
			self->scope = 0;
		} else {
			frame *parent = &frames[depth - 1];
			self->scope = parent->scope;
			if (parent->own_scope != NONE && field_is_inner(parent->type, self->field))
				self->scope = parent->own_scope;
			else if (parameter_field_is_outer(parent->type, self->field) ||
			         is_first_comprehension_iterable(parent, self->field))
				/* a default, an annotation, or a comprehension's first
				 * iterable: evaluated in the enclosing scope */
				self->scope = r->scopes[parent->scope].parent;
			self->skip_value = parent->skip_value && parent->type == LF_KIND_PARENTHESIZED_EXPRESSION;
			if (depth >= 2 && !ts_node_is_null(frames[depth - 2].skip_child) &&
			    ts_node_eq(frames[depth - 2].skip_child, node))
				self->skip_value = true;
		}
		bool descend = true;
		if (depth == 1 && create_scopes) {
			if (r->statement_count == r->statement_cap) {
				r->statement_cap = r->statement_cap ? r->statement_cap * 2 : 64;
				r->statement_scopes =
				        lf_xrealloc(r->statement_scopes, sizeof(uint32_t) * r->statement_cap);
			}
			r->statement_scopes[r->statement_count++] = next_scope;
		} else if (depth == 1 && r->step_over_statements && statement < r->statement_count &&
		           !statement_may_refer(r, node)) {
			/* stepped over: its scopes are numbered as phase 1 did */
			next_scope = statement + 1 < r->statement_count ? r->statement_scopes[statement + 1]
			                                                : r->scope_count;
			descend = false;
		}
		statement += depth == 1;
		enum scope_kind kind;
		if (descend && creates_scope(self->type, &kind)) {
			self->own_scope = create_scopes ? scope_new(r, self->scope, kind) : next_scope;
			next_scope++;
		}
		if (descend)
			visit(r, frames, depth);
		if (descend && ts_tree_cursor_goto_first_child(&cursor)) {
			if (++depth == cap) {
				cap *= 2;
				frames = lf_xrealloc(frames, sizeof(frame) * cap);
			}
			continue;
		}
		while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
			if (!ts_tree_cursor_goto_parent(&cursor))
				goto done;
			depth--;
		}
	}
done:
	ts_tree_cursor_delete(&cursor);
	free(frames);
}

void lf_refs_init(lf_refs *refs)
{
	memset(refs, 0, sizeof *refs);
}

void lf_refs_finish(lf_refs *refs)
{
	free(refs->items);
	lf_refs_init(refs);
}

/* Phase 1 for a tree: scopes and bindings, indexed for lookups. */
static void resolver_open(resolver *r, TSTree *tree, const lf_source *src, const lf_resolve_context *context,
                          lf_refs *refs)
{
	*r = (resolver){.src = src,
	                .refs = refs,
	                .partial = lf_name_find("functools.partial"),
	                .inspect = lf_name_find("inspect"),
	                .inspect_member = lf_name_find("inspect.<member>"),
	                .context = context};
	scope_new(r, 0, SCOPE_MODULE);
	walk(r, ts_tree_root_node(tree), visit_bindings, true);
	index_bindings(r);
	mark_known_bindings(r);
}

static void resolver_close(resolver *r)
{
	free(r->scopes);
	for (uint32_t i = 0; i < r->binding_count; i++)
		free(r->bindings[i].normal_name);
	free(r->bindings);
	free(r->heads);
	free(r->statement_scopes);
	free(r->may_know);
	free(r->slot_may_know);
	free(r->alias_values);
	free(r->alias_known);
}

static void load_refs(TSTree *tree, const lf_source *src, const lf_resolve_context *context, lf_refs *refs,
                      bool step_over)
{
	resolver r;
	resolver_open(&r, tree, src, context, refs);
	r.step_over_statements = step_over;
	walk(&r, ts_tree_root_node(tree), visit_references, false);
	resolver_close(&r);
}

void lf_resolve_load_refs_in(TSTree *tree, const lf_source *src, const lf_resolve_context *context, lf_refs *refs)
{
	load_refs(tree, src, context, refs, true);
}

void lf_resolve_load_refs_unfiltered(TSTree *tree, const lf_source *src, const lf_resolve_context *context,
                                     lf_refs *refs)
{
	load_refs(tree, src, context, refs, false);
}

/* The only binding of `name` where a lookup from scope_id finds it, or
 * NULL (unbound, several bindings, a star import). */
static const binding *only_binding(const resolver *r, TSNode name, uint32_t scope_id)
{
	if (!is(name, LF_KIND_IDENTIFIER))
		return NULL;
	uint32_t start = ts_node_start_byte(name), len = ts_node_end_byte(name) - start;
	size_t normal_len;
	uint8_t *normal = lf_name_normalize(r->src->bytes + start, len, &normal_len);
	const uint8_t *text = normal ? normal : r->src->bytes + start;
	if (normal)
		len = (uint32_t)normal_len;
	uint32_t defining = defining_scope(r, text, len, scope_id);
	const binding *only = NULL;
	uint32_t count = 0;
	if (defining != NONE)
		for (uint32_t i = r->heads[hash_bytes(text, len) & r->head_mask]; i != NONE; i = r->bindings[i].next) {
			const binding *b = &r->bindings[i];
			if (b->scope == defining && b->kind != BINDING_GLOBAL && binding_named(r, b, text, len)) {
				only = b;
				count++;
			}
		}
	free(normal);
	return count == 1 && only->kind == BINDING_VALUE ? only : NULL;
}

/* The import that made binding `b` in an import statement: its dotted_name
 * or aliased_import child, or a null node. */
static TSNode import_clause_of(const binding *b)
{
	uint32_t n = ts_node_named_child_count(b->statement);
	for (uint32_t i = 0; i < n; i++) {
		TSNode child = ts_node_named_child(b->statement, i);
		TSNode bound = child;
		if (is(child, LF_KIND_ALIASED_IMPORT))
			bound = ts_node_child_by_field_id(child, lf_field_id(LF_FIELD_ALIAS));
		else if (is(child, LF_KIND_DOTTED_NAME))
			bound = ts_node_named_child(child, 0);
		else
			continue;
		if (!ts_node_is_null(bound) && ts_node_start_byte(bound) == b->name_start)
			return child;
	}
	return (TSNode){0};
}

/* Appends the name an import clause imports (`x` of `from m import x as
 * y`, `a.b` of `import a.b`) to `out`, parts joined by dots. */
static void spell_imported(const resolver *r, TSNode clause, lf_buf *out)
{
	TSNode name = is(clause, LF_KIND_ALIASED_IMPORT) ? ts_node_child_by_field_id(clause, lf_field_id(LF_FIELD_NAME))
	                                                 : clause;
	unsigned level;
	spell_module(r, name, out, &level);
}

/* A module path is a few names long; a longer chain is no module's. */
#define MAX_MODULE_CHAIN 32

/* Appends an attribute chain's parts after its first name (`.b.c` of
 * `a.b.c`) to `out`; false when the chain is not made of names alone or
 * is longer than any module path.  `root` gets its first name. */
static bool spell_chain(const resolver *r, TSNode node, lf_buf *out, TSNode *root)
{
	TSNode parts[MAX_MODULE_CHAIN];
	uint32_t count = 0;
	node = lf_node_unparenthesize(node);
	while (is(node, LF_KIND_ATTRIBUTE)) {
		TSNode attr = ts_node_child_by_field_id(node, lf_field_id(LF_FIELD_ATTRIBUTE));
		if (ts_node_is_null(attr) || count == MAX_MODULE_CHAIN)
			return false;
		parts[count++] = attr;
		node = lf_node_unparenthesize(ts_node_child_by_field_id(node, lf_field_id(LF_FIELD_OBJECT)));
	}
	if (!is(node, LF_KIND_IDENTIFIER))
		return false;
	*root = node;
	while (count-- > 0) {
		lf_buf_putc(out, '.');
		lf_buf_append(out, (const char *)r->src->bytes + ts_node_start_byte(parts[count]),
		              ts_node_end_byte(parts[count]) - ts_node_start_byte(parts[count]));
	}
	return true;
}

/* Joins a module spelled so far (`out`, may be empty) and more parts. */
static void append_part(lf_buf *out, const char *part, size_t len)
{
	if (out->len && len)
		lf_buf_putc(out, '.');
	lf_buf_append(out, part, len);
}

static void visit_call_site(resolver *r, frame *frames, uint32_t depth)
{
	frame *self = &frames[depth];
	if (self->type != LF_KIND_CALL)
		return;
	TSNode arguments = ts_node_child_by_field_id(self->node, lf_field_id(LF_FIELD_ARGUMENTS));
	if (!is(arguments, LF_KIND_ARGUMENT_LIST) || !r->wants_site(r->site_user, arguments))
		return;
	TSNode function = lf_node_unparenthesize(ts_node_child_by_field_id(self->node, lf_field_id(LF_FIELD_FUNCTION)));
	lf_call_site site = {.call = self->node, .arguments = arguments, .in_error = self->in_error};
	lf_buf module, name;
	lf_buf_init(&module);
	lf_buf_init(&name);
	bool known = false;
	if (is(function, LF_KIND_IDENTIFIER)) {
		const binding *b = only_binding(r, function, self->scope);
		if (b && is(b->statement, LF_KIND_FUNCTION_DEFINITION) && b->scope == 0) {
			TSNode def_name = ts_node_child_by_field_id(b->statement, lf_field_id(LF_FIELD_NAME));
			if (!ts_node_is_null(def_name) && ts_node_start_byte(def_name) == b->name_start) {
				site.origin = LF_CALLEE_DEF;
				site.function = b->statement;
				lf_buf_append(&name, (const char *)r->src->bytes + ts_node_start_byte(def_name),
				              ts_node_end_byte(def_name) - ts_node_start_byte(def_name));
				known = true;
			}
		} else if (b && is(b->statement, LF_KIND_IMPORT_FROM_STATEMENT)) {
			TSNode clause = import_clause_of(b);
			if (!ts_node_is_null(clause)) {
				site.origin = LF_CALLEE_IMPORT_FROM;
				spell_module(r,
				             ts_node_child_by_field_id(b->statement, lf_field_id(LF_FIELD_MODULE_NAME)),
				             &module, &site.level);
				spell_imported(r, clause, &name);
				known = true;
			}
		}
	} else if (is(function, LF_KIND_ATTRIBUTE)) {
		/* `m.f(...)` / `pkg.utils.f(...)`: the module is the chain before
		 * the attribute, rooted at an import. */
		TSNode attr = ts_node_child_by_field_id(function, lf_field_id(LF_FIELD_ATTRIBUTE));
		lf_buf chain;
		lf_buf_init(&chain);
		TSNode root = {0};
		if (!ts_node_is_null(attr) &&
		    spell_chain(r, ts_node_child_by_field_id(function, lf_field_id(LF_FIELD_OBJECT)), &chain, &root)) {
			const binding *b = only_binding(r, root, self->scope);
			TSNode clause = b && (is(b->statement, LF_KIND_IMPORT_STATEMENT) ||
			                      is(b->statement, LF_KIND_IMPORT_FROM_STATEMENT))
			                        ? import_clause_of(b)
			                        : (TSNode){0};
			if (!ts_node_is_null(clause)) {
				site.origin = LF_CALLEE_MODULE_ATTRIBUTE;
				if (is(b->statement, LF_KIND_IMPORT_FROM_STATEMENT))
					spell_module(r,
					             ts_node_child_by_field_id(b->statement,
					                                       lf_field_id(LF_FIELD_MODULE_NAME)),
					             &module, &site.level);
				/* `import a.b` binds `a`: the chain spells the module
				 * from the root on; an alias stands for the module it
				 * names, and the chain goes on from there. */
				const char *rest = chain.data ? chain.data : "";
				if (is(clause, LF_KIND_ALIASED_IMPORT) ||
				    is(b->statement, LF_KIND_IMPORT_FROM_STATEMENT)) {
					lf_buf imported;
					lf_buf_init(&imported);
					spell_imported(r, clause, &imported);
					append_part(&module, imported.data ? imported.data : "", imported.len);
					lf_buf_finish(&imported);
				} else {
					append_part(&module, (const char *)r->src->bytes + ts_node_start_byte(root),
					            ts_node_end_byte(root) - ts_node_start_byte(root));
				}
				append_part(&module, rest + (rest[0] == '.'), chain.len - (rest[0] == '.'));
				lf_buf_append(&name, (const char *)r->src->bytes + ts_node_start_byte(attr),
				              ts_node_end_byte(attr) - ts_node_start_byte(attr));
				known = true;
			}
		}
		lf_buf_finish(&chain);
	}
	if (known) {
		lf_buf_putc(&module, '\0');
		lf_buf_putc(&name, '\0');
		site.module = module.data;
		site.name = name.data;
		r->visit_site(r->site_user, &site);
	}
	lf_buf_finish(&module);
	lf_buf_finish(&name);
}

void lf_resolve_call_sites(TSTree *tree, const lf_source *src, const lf_resolve_context *context,
                           bool (*wants)(void *user, TSNode arguments),
                           void (*visit)(void *user, const lf_call_site *site), void *user)
{
	resolver r;
	resolver_open(&r, tree, src, context, NULL);
	r.wants_site = wants;
	r.visit_site = visit;
	r.site_user = user;
	walk(&r, ts_tree_root_node(tree), visit_call_site, false);
	resolver_close(&r);
}

void lf_resolve_load_refs(TSTree *tree, const lf_source *src, lf_refs *refs)
{
	lf_resolve_load_refs_in(tree, src, NULL, refs);
}

/* A module-level binding that may stand for a known name. */
static bool exportable(const binding *b)
{
	return b->kind != BINDING_GLOBAL && !(b->kind == BINDING_VALUE && b->value == OTHER);
}

void lf_resolve_module_exports(TSTree *tree, const lf_source *src, const lf_resolve_context *context,
                               void (*visit)(void *user, const uint8_t *name, size_t len, uint32_t id), void *user)
{
	resolver r;
	resolver_open(&r, tree, src, context, NULL);
	for (uint32_t i = 0; i < r.binding_count; i++) {
		const binding *b = &r.bindings[i];
		if (b->scope != 0 || b->kind == BINDING_GLOBAL)
			continue;
		const uint8_t *name = binding_name(&r, b);
		if (b->name_len == 0 || name[0] == '_' || !exportable(b))
			continue;
		/* each name once: at its first exportable binding (most bindings
		 * are functions and classes, which are not) */
		bool seen = false;
		for (uint32_t k = 0; k < i && !seen; k++)
			seen = r.bindings[k].scope == 0 && exportable(&r.bindings[k]) &&
			       binding_named(&r, &r.bindings[k], name, b->name_len);
		if (seen)
			continue;
		lf_values value = lookup(&r, name, b->name_len, 0, 0);
		for (uint32_t w = 0; w < LF_NAME_MAX / 64; w++)
			for (uint64_t bits = value.bits[w]; bits; bits &= bits - 1) {
				uint32_t id = w * 64 + (uint32_t)__builtin_ctzll(bits);
				if (id != OTHER)
					visit(user, name, b->name_len, id);
			}
	}
	resolver_close(&r);
}
