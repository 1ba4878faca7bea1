#ifndef LOADFIX_RESOLVE_H
#define LOADFIX_RESOLVE_H

#include <stdbool.h>
#include <stdint.h>
#include <tree_sitter/api.h>

#include "loadfix/source.h"
#include "loadfix/targets.h"

/*
 * Name resolution: finds every reference to torch's load function
 * (torch.load == torch.serialization.load) in a parsed file, following
 * Python's scoping rules.
 *
 * A name is resolved in the scope where Python would look it up (function,
 * lambda and comprehension scopes nest; class bodies are not visible from
 * nested functions; `global` sends a name to the module).  In that scope
 * the analysis is flow-insensitive, on purpose: a name counts as torch when
 * ANY import in that scope binds it to torch.  That keeps
 *     try: import torch
 *     except ImportError: torch = None
 * working, and errs on the side of reporting, which is the right side for a
 * security tool.  Plain aliases (`th = torch`, `loader = torch.load`) are
 * followed too, but only while every binding of the alias name agrees, so
 * that `fn = torch.load if a else pickle.load`-style code is never "fixed"
 * into a TypeError.
 */

typedef enum lf_ref_kind {
	LF_REF_CALL,    /* torch.load(...) */
	LF_REF_PARTIAL, /* functools.partial(torch.load, ...) */
	LF_REF_VALUE,   /* torch.load used as a value: loader = torch.load */
	LF_REF_REPLACE, /* torch.load replaced at run time (LF007): node is the
	                   assignment or the call that does it; see `replacement` */
} lf_ref_kind;

/* How an LF_REF_REPLACE replaces torch's load (its target). */
typedef enum lf_replacement {
	LF_REPLACED_ASSIGN,      /* torch.load = f (any alias of torch or torch.serialization) */
	LF_REPLACED_SETATTR,     /* setattr(torch, "load", f) */
	LF_REPLACED_MONKEYPATCH, /* monkeypatch.setattr(torch, "load", f) / ("torch.load", f): pytest */
	LF_REPLACED_MOCK,        /* mock.patch("torch.load", f) / patch.object(torch, "load", f) */
	LF_REPLACED_DEFAULTS,    /* a write to torch.load.__kwdefaults__ or __defaults__ */
} lf_replacement;

typedef struct lf_load_ref {
	lf_ref_kind kind;
	TSNode node;                      /* the call (CALL, PARTIAL) or the reference (VALUE) */
	TSNode arguments;                 /* the call's argument list (CALL, PARTIAL); may be a
	                     generator_expression for `torch.load(x for x in y)` */
	uint32_t positional_offset;       /* positional arguments that precede load's
	                               own: 1 for partial's function argument */
	bool in_error;                    /* inside an ERROR node of the parse */
	const lf_target *target;          /* the loader (loadfix/targets.h) */
	lf_replacement replacement;       /* LF_REF_REPLACE: how */
	uint32_t keyword_name;            /* the known name the deciding argument's value resolves to
	                               (`Loader=yaml.FullLoader`), or LF_NAME_OTHER */
	const struct lf_wrapper *wrapper; /* a call of a project function that forwards weights_only
	                                     to torch.load (loadfix/wrappers.h), or NULL; its arguments
	                                     are the wrapper's, so only keywords count */
} lf_load_ref;

typedef struct lf_refs {
	lf_load_ref *items; /* owned, in document order */
	uint32_t count;
	uint32_t cap;
} lf_refs;

void lf_refs_init(lf_refs *refs);
void lf_refs_finish(lf_refs *refs);

/* Appends the references found in `tree` (whose text is `src`) to `refs`. */
void lf_resolve_load_refs(TSTree *tree, const lf_source *src, lf_refs *refs);

struct lf_project;

/* Where a file sits in the run: star imports of the project's own modules
 * (`from pkg.utils import *`) bind what those modules bind. */
typedef struct lf_resolve_context {
	struct lf_project *project; /* may be NULL: star imports of unknown modules bind nothing */
	const char *path;           /* the file, as walked */
} lf_resolve_context;

/* The same, with the file's place in the project (`context` may be NULL). */
void lf_resolve_load_refs_in(TSTree *tree, const lf_source *src, const lf_resolve_context *context, lf_refs *refs);
/* The same without phase 2's statement filter (every top-level statement
 * is walked, none stepped over): slower, and the same refs; the reference
 * the filter is tested against. */
void lf_resolve_load_refs_unfiltered(TSTree *tree, const lf_source *src, const lf_resolve_context *context,
                                     lf_refs *refs);

/* Calls `visit` for every name a star import of this module binds: each
 * module-level name not starting with `_` that stands for a known name
 * (loadfix/targets.h), once per name id. */
void lf_resolve_module_exports(TSTree *tree, const lf_source *src, const lf_resolve_context *context,
                               void (*visit)(void *user, const uint8_t *name, size_t len, uint32_t id), void *user);

/* Where the callee of a call comes from, for the calls of a project's own
 * functions, which the tree of known names cannot know (loadfix/wrappers.h). */
typedef enum lf_callee_origin {
	LF_CALLEE_DEF,              /* `def name` at module level of this file */
	LF_CALLEE_IMPORT_FROM,      /* `from module import name [as alias]`, called as `alias(...)` */
	LF_CALLEE_MODULE_ATTRIBUTE, /* `import module [as m]` or `from package import m`, called as `m.name(...)` */
} lf_callee_origin;

typedef struct lf_call_site {
	TSNode call, arguments;
	bool in_error; /* inside an ERROR node of the parse */
	lf_callee_origin origin;
	const char *module; /* IMPORT_FROM, MODULE_ATTRIBUTE: the module, dotted, without leading dots */
	unsigned level;     /* its leading dots (0: absolute) */
	const char *name;   /* the function's name in its module */
	TSNode function;    /* DEF: the module-level function_definition of this file */
} lf_call_site;

/*
 * Calls `visit` for every call for which `wants(user, arguments)` is true
 * and whose callee, looked up where Python looks it up, has exactly one
 * binding, of one of the kinds above.  Any other binding (a parameter, an
 * assignment, two defs of one name, a star import) makes the callee
 * unknown: no visit.  The site's strings are valid during the visit only.
 */
void lf_resolve_call_sites(TSTree *tree, const lf_source *src, const lf_resolve_context *context,
                           bool (*wants)(void *user, TSNode arguments),
                           void (*visit)(void *user, const lf_call_site *site), void *user);

/* Text helpers shared by the fixers. */
bool lf_node_text_is(TSNode node, const lf_source *src, const char *text);
/* Strips any number of enclosing parentheses (and comments inside them). */
TSNode lf_node_unparenthesize(TSNode node);

#endif
