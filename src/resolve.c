#include "loadfix/resolve.h"

#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"
#include "loadfix/names.h"
#include "loadfix/parse.h"
#include "loadfix/syntax.h"

/* What a binding makes a name stand for, as a bit set (a name may have
 * several bindings in one scope). */
enum {
	VALUE_TORCH = 1 << 0,          /* the torch module */
	VALUE_SERIALIZATION = 1 << 1,  /* the torch.serialization module */
	VALUE_TORCH_LOAD = 1 << 2,     /* torch.load itself */
	VALUE_FUNCTOOLS = 1 << 3,      /* the functools module */
	VALUE_PARTIAL = 1 << 4,        /* functools.partial */
	VALUE_OTHER = 1 << 5,          /* anything else */
	VALUE_INSPECT = 1 << 6,        /* the inspect module */
	VALUE_INSPECT_MEMBER = 1 << 7, /* a name imported from it */
};

enum binding_kind {
	BINDING_VALUE,  /* bits in `value` */
	BINDING_ALIAS,  /* name = <expression in alias_of> */
	BINDING_GLOBAL, /* `global name` / `nonlocal name`: not a local */
	BINDING_STAR,   /* `from torch import *`: yields to any explicit binding */
};

typedef struct binding {
	uint32_t scope;
	uint32_t name_start, name_len;
	uint8_t *normal_name; /* owned NFKC form of a non-ASCII name, or NULL */
	enum binding_kind kind;
	unsigned value;
	TSNode alias_of;
	uint32_t next; /* next binding with the same name hash, or NONE */
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

static void bind(resolver *r, uint32_t scope_id, TSNode name, enum binding_kind kind, unsigned value, TSNode alias_of)
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
	        .next = NONE,
	};
}

static void bind_value(resolver *r, uint32_t scope_id, TSNode name, unsigned value)
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
			bind_value(r, scope_id, node, VALUE_OTHER);
			continue;
		}
		if (is(node, LF_KIND_ATTRIBUTE) || is(node, LF_KIND_SUBSCRIPT))
			continue; /* binds no name */
		uint32_t n = ts_node_named_child_count(node);
		for (uint32_t i = 0; i < n && depth < 64; i++)
			stack[depth++] = ts_node_named_child(node, i);
	}
}

/* Whether a dotted_name (`torch . serialization` with any spacing, names
 * normalised) spells `text` ("torch.serialization"). */
static bool dotted_is(TSNode dotted, const lf_source *src, const char *text)
{
	if (!is(dotted, LF_KIND_DOTTED_NAME))
		return is(dotted, LF_KIND_IDENTIFIER) && lf_node_text_is(dotted, src, text);
	uint32_t n = ts_node_named_child_count(dotted);
	const char *part = text;
	for (uint32_t i = 0; i < n; i++) {
		TSNode child = ts_node_named_child(dotted, i);
		if (is_extra(child))
			continue;
		const char *dot = strchr(part, '.');
		size_t len = dot ? (size_t)(dot - part) : strlen(part);
		if (!part[0] || len >= 32)
			return false;
		char word[32];
		memcpy(word, part, len);
		word[len] = '\0';
		if (!lf_node_text_is(child, src, word))
			return false;
		part = dot ? dot + 1 : part + len;
	}
	return *part == '\0';
}

/* The value of the module a dotted name such as `torch.serialization` names. */
static unsigned module_value(TSNode dotted, const lf_source *src)
{
	if (dotted_is(dotted, src, "torch"))
		return VALUE_TORCH;
	if (dotted_is(dotted, src, "torch.serialization"))
		return VALUE_SERIALIZATION;
	if (dotted_is(dotted, src, "functools"))
		return VALUE_FUNCTOOLS;
	if (dotted_is(dotted, src, "inspect"))
		return VALUE_INSPECT;
	return VALUE_OTHER;
}

/* The value of `from <module> import <name>`. */
static unsigned imported_value(unsigned module, TSNode name, const lf_source *src)
{
	if (module == VALUE_TORCH && dotted_is(name, src, "load"))
		return VALUE_TORCH_LOAD;
	if (module == VALUE_TORCH && dotted_is(name, src, "serialization"))
		return VALUE_SERIALIZATION;
	if (module == VALUE_SERIALIZATION && dotted_is(name, src, "load"))
		return VALUE_TORCH_LOAD;
	if (module == VALUE_FUNCTOOLS && dotted_is(name, src, "partial"))
		return VALUE_PARTIAL;
	if (module == VALUE_INSPECT)
		return VALUE_INSPECT_MEMBER;
	return VALUE_OTHER;
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
	unsigned module = is(module_name, LF_KIND_DOTTED_NAME) ? module_value(module_name, r->src) : VALUE_OTHER;
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
		} else if (is(child, LF_KIND_WILDCARD_IMPORT) &&
		           (module == VALUE_TORCH || module == VALUE_SERIALIZATION)) {
			/* torch.__all__ and torch.serialization.__all__ export `load`. */
			if (r->binding_count == r->binding_cap) {
				r->binding_cap = r->binding_cap ? r->binding_cap * 2 : 32;
				r->bindings = lf_xrealloc(r->bindings, sizeof(binding) * r->binding_cap);
			}
			/* There is no `load` token to point at: bind the literal name. */
			r->bindings[r->binding_count++] = (binding){.scope = scope_id,
			                                            .name_start = NONE,
			                                            .name_len = 4,
			                                            .kind = BINDING_STAR,
			                                            .value = VALUE_TORCH_LOAD,
			                                            .next = NONE};
		}
	}
}

static void collect_parameters(resolver *r, uint32_t scope_id, TSNode params)
{
	uint32_t n = ts_node_named_child_count(params);
	for (uint32_t i = 0; i < n; i++) {
		TSNode param = ts_node_named_child(params, i);
		if (is(param, LF_KIND_IDENTIFIER)) {
			bind_value(r, scope_id, param, VALUE_OTHER);
		} else if (is(param, LF_KIND_DEFAULT_PARAMETER) || is(param, LF_KIND_TYPED_DEFAULT_PARAMETER)) {
			bind_value(r, scope_id, ts_node_child_by_field_id(param, lf_field_id(LF_FIELD_NAME)),
			           VALUE_OTHER);
		} else if (is(param, LF_KIND_TYPED_PARAMETER) || is(param, LF_KIND_LIST_SPLAT_PATTERN) ||
		           is(param, LF_KIND_DICTIONARY_SPLAT_PATTERN)) {
			TSNode first = ts_node_named_child(param, 0);
			if (is(first, LF_KIND_LIST_SPLAT_PATTERN) || is(first, LF_KIND_DICTIONARY_SPLAT_PATTERN))
				first = ts_node_named_child(first, 0);
			bind_value(r, scope_id, first, VALUE_OTHER);
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
		           ts_node_child_by_field_id(node, lf_field_id(LF_FIELD_NAME)), VALUE_OTHER);
	} else if (type == LF_KIND_FUNCTION_DEFINITION || type == LF_KIND_CLASS_DEFINITION) {
		bind_value(r, scope_id, ts_node_child_by_field_id(node, lf_field_id(LF_FIELD_NAME)), VALUE_OTHER);
		if (type == LF_KIND_FUNCTION_DEFINITION)
			collect_parameters(r, own_scope,
			                   ts_node_child_by_field_id(node, lf_field_id(LF_FIELD_PARAMETERS)));
	} else if (type == LF_KIND_LAMBDA) {
		TSNode params = ts_node_child_by_field_id(node, lf_field_id(LF_FIELD_PARAMETERS));
		if (!ts_node_is_null(params))
			collect_parameters(r, own_scope, params);
	} else if (type == LF_KIND_GLOBAL_STATEMENT || type == LF_KIND_NONLOCAL_STATEMENT) {
		unsigned module = type == LF_KIND_GLOBAL_STATEMENT;
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
	return b->name_start == NONE ? (const uint8_t *)"load" : r->src->bytes + b->name_start;
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

static unsigned classify(resolver *r, TSNode node, uint32_t scope_id, int depth);

/*
 * What `name` may stand for when looked up from scope_id.  Returns 0 when
 * no scope binds it.
 */
static unsigned lookup(resolver *r, const uint8_t *name, uint32_t len, uint32_t scope_id, int depth)
{
	uint32_t start = scope_id;
	uint32_t head = r->heads[hash_bytes(name, len) & r->head_mask];
	for (;;) {
		bool found = false, global = false, module_global = false;
		unsigned imported = 0, aliased = 0, other = 0, star = 0;
		for (uint32_t i = head; i != NONE; i = r->bindings[i].next) {
			const binding *b = &r->bindings[i];
			if (b->scope != scope_id || !binding_named(r, b, name, len))
				continue;
			if (b->kind == BINDING_GLOBAL) {
				global = true;
				module_global = module_global || b->value;
				continue;
			}
			found = true;
			if (b->kind == BINDING_STAR) {
				star |= b->value;
			} else if (b->kind == BINDING_ALIAS) {
				unsigned value =
				        depth < MAX_ALIAS_DEPTH ? classify(r, b->alias_of, b->scope, depth + 1) : 0;
				aliased |= value ? value : VALUE_OTHER;
			} else if (b->value == VALUE_OTHER) {
				other |= VALUE_OTHER;
			} else {
				imported |= b->value;
			}
		}
		if (global && scope_id != 0) {
			/* `global x`: x lives in the module; `nonlocal x`: in an
			 * enclosing function, found by going on outwards. */
			scope_id = module_global ? 0 : r->scopes[scope_id].parent;
			continue;
		}
		if (found) {
			/* An alias only counts while nothing else rebinds the name. */
			if (other || (aliased & VALUE_OTHER))
				aliased = 0;
			/* A star import names nothing explicitly: `def load` after
			 * `from torch import *` is the user's own load. */
			if (imported | aliased | other)
				star = 0;
			return imported | aliased | other | star;
		}
		if (scope_id == 0)
			return 0;
		scope_id = r->scopes[scope_id].parent;
		/* Class bodies are not enclosing scopes for the functions in them. */
		while (scope_id != 0 && r->scopes[scope_id].kind == SCOPE_CLASS && scope_id != start)
			scope_id = r->scopes[scope_id].parent;
	}
}

/* What an expression may stand for: a name, a dotted attribute chain. */
static unsigned classify(resolver *r, TSNode node, uint32_t scope_id, int depth)
{
	node = lf_node_unparenthesize(node);
	if (is(node, LF_KIND_IDENTIFIER)) {
		uint32_t start = ts_node_start_byte(node), len = ts_node_end_byte(node) - start;
		size_t normal_len;
		uint8_t *normal = lf_name_normalize(r->src->bytes + start, len, &normal_len);
		if (!normal)
			return lookup(r, r->src->bytes + start, len, scope_id, depth);
		unsigned value = lookup(r, normal, (uint32_t)normal_len, scope_id, depth);
		free(normal);
		return value;
	}
	if (!is(node, LF_KIND_ATTRIBUTE))
		return 0;
	TSNode attr = ts_node_child_by_field_id(node, lf_field_id(LF_FIELD_ATTRIBUTE));
	if (ts_node_is_null(attr))
		return 0;
	bool load = lf_node_text_is(attr, r->src, "load");
	bool serialization = lf_node_text_is(attr, r->src, "serialization");
	bool partial = lf_node_text_is(attr, r->src, "partial");
	if (!load && !serialization && !partial)
		return 0;
	unsigned object = classify(r, ts_node_child_by_field_id(node, lf_field_id(LF_FIELD_OBJECT)), scope_id, depth);
	unsigned value = 0;
	if (load && (object & (VALUE_TORCH | VALUE_SERIALIZATION)))
		value |= VALUE_TORCH_LOAD;
	if (serialization && (object & VALUE_TORCH))
		value |= VALUE_SERIALIZATION;
	if (partial && (object & VALUE_FUNCTOOLS))
		value |= VALUE_PARTIAL;
	return value;
}

/* Whether an attribute's object is the inspect module (`inspect.signature`). */
static bool classify_object_is_inspect(resolver *r, TSNode attribute, uint32_t scope_id)
{
	TSNode object = ts_node_child_by_field_id(attribute, lf_field_id(LF_FIELD_OBJECT));
	return (classify(r, object, scope_id, 0) & VALUE_INSPECT) != 0;
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
	unsigned value = classify(r, function, call->scope, 0);
	if (value & VALUE_INSPECT_MEMBER)
		return true;
	if (value != 0) /* bound in the file: not the builtin */
		return false;
	for (size_t i = 0; i < sizeof introspection_builtins / sizeof introspection_builtins[0]; i++)
		if (lf_node_text_is(function, r->src, introspection_builtins[i]))
			return true;
	return false;
}

/* Phase 2: classify calls and value references. */
static void visit_references(resolver *r, frame *frames, uint32_t depth)
{
	frame *self = &frames[depth];
	if (self->type == LF_KIND_CALL) {
		TSNode function = ts_node_child_by_field_id(self->node, lf_field_id(LF_FIELD_FUNCTION));
		TSNode arguments = ts_node_child_by_field_id(self->node, lf_field_id(LF_FIELD_ARGUMENTS));
		unsigned value = classify(r, function, self->scope, 0);
		if (value & VALUE_TORCH_LOAD) {
			push_ref(r, LF_REF_CALL, self, arguments, 0);
		} else if (value & VALUE_PARTIAL) {
			TSNode first = first_positional_argument(arguments);
			if (!ts_node_is_null(first) && (classify(r, first, self->scope, 0) & VALUE_TORCH_LOAD)) {
				push_ref(r, LF_REF_PARTIAL, self, arguments, 1);
				/* its function argument is part of this reference */
				self->skip_child = first;
			}
		}
		return;
	}
	if (self->type != LF_KIND_IDENTIFIER && self->type != LF_KIND_ATTRIBUTE)
		return;
	if (self->skip_value || !is_value_position(frames, depth))
		return;
	if ((classify(r, self->node, self->scope, 0) & VALUE_TORCH_LOAD) && !is_introspection(r, frames, depth))
		push_ref(r, LF_REF_VALUE, self, (TSNode){0}, 0);
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

/*
 * Depth-first walk with a tree cursor (no recursion: 100,000 nested
 * brackets must not overflow the stack), computing for each node the scope
 * its expressions are evaluated in.  Scopes are numbered in walk order, so
 * both phases see the same numbers.
 */
static void walk(resolver *r, TSNode root, visit_fn visit, bool create_scopes)
{
	uint32_t cap = 256, depth = 0, next_scope = 1;
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
		self->in_error = lf_node_is_error(node) || (depth > 0 && frames[depth - 1].in_error);
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
		enum scope_kind kind;
		if (creates_scope(self->type, &kind)) {
			self->own_scope = create_scopes ? scope_new(r, self->scope, kind) : next_scope;
			next_scope++;
		}
		visit(r, frames, depth);
		if (ts_tree_cursor_goto_first_child(&cursor)) {
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

void lf_resolve_load_refs(TSTree *tree, const lf_source *src, lf_refs *refs)
{
	resolver r = {.src = src, .refs = refs};
	scope_new(&r, 0, SCOPE_MODULE);
	TSNode root = ts_tree_root_node(tree);
	walk(&r, root, visit_bindings, true);
	index_bindings(&r);
	walk(&r, root, visit_references, false);
	free(r.scopes);
	for (uint32_t i = 0; i < r.binding_count; i++)
		free(r.bindings[i].normal_name);
	free(r.bindings);
	free(r.heads);
}
