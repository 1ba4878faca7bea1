#include "loadfix/evidence.h"

#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"
#include "loadfix/project.h"
#include "loadfix/resolve.h"

/*
 * Everything here is syntactic and flow-insensitive within the file, on
 * purpose: evidence only ever moves a fix from safe to unsafe (or confirms
 * it safe), so a false link costs an auto-fix, never a broken program.
 * Node types are compared by name: this runs only for LF001's findings,
 * not on every node of every file.
 */

/* How deep saved_kind follows names and containers (`ckpt = {"args": args}`,
 * `args = parser.parse_args()`): enough for real checkpoints, and it stops
 * `a = b; b = a`. */
#define MAX_FOLLOW 4

const char *const lf_evidence_words[] = {"save", NULL};

static bool is(TSNode node, const char *type)
{
	return !ts_node_is_null(node) && strcmp(ts_node_type(node), type) == 0;
}

static TSNode field(TSNode node, const char *name)
{
	return ts_node_child_by_field_name(node, name, (uint32_t)strlen(name));
}

static bool same_node(TSNode a, TSNode b)
{
	return !ts_node_is_null(a) && !ts_node_is_null(b) && ts_node_eq(a, b);
}

static bool text_is(TSNode node, const lf_source *src, const char *text)
{
	if (ts_node_is_null(node))
		return false;
	uint32_t start = ts_node_start_byte(node), len = ts_node_end_byte(node) - start;
	return strlen(text) == len && memcmp(src->bytes + start, text, len) == 0;
}

static bool same_text(TSNode a, TSNode b, const lf_source *src)
{
	if (ts_node_is_null(a) || ts_node_is_null(b))
		return false;
	uint32_t a0 = ts_node_start_byte(a), alen = ts_node_end_byte(a) - a0;
	uint32_t b0 = ts_node_start_byte(b), blen = ts_node_end_byte(b) - b0;
	return alen == blen && memcmp(src->bytes + a0, src->bytes + b0, alen) == 0;
}

static bool text_starts_with(TSNode node, const lf_source *src, const char *prefix)
{
	uint32_t start = ts_node_start_byte(node), len = ts_node_end_byte(node) - start;
	size_t n = strlen(prefix);
	return len > n && memcmp(src->bytes + start, prefix, n) == 0;
}

/*
 * How far up the tree any search climbs.  tree-sitter 0.20's
 * ts_node_parent descends from the root, so each step costs the node's
 * depth: unbounded climbs are quadratic in it (100,000 nested operators in
 * tests/e2e/hostile.sh).  A handler or scope further up than this from a
 * load is not looked for: no evidence, the fix stays as it was.
 */
#define MAX_CLIMB 64

/* The parent, past any parentheses around `node`. */
static TSNode parent_past_parens(TSNode node)
{
	TSNode parent = ts_node_parent(node);
	for (int i = 0; i < MAX_CLIMB && is(parent, "parenthesized_expression"); i++)
		parent = ts_node_parent(parent);
	return parent;
}

/* Where Python's name lookup (and an except handler's reach) ends. */
static bool is_scope(TSNode node)
{
	return is(node, "function_definition") || is(node, "lambda") || is(node, "class_definition") ||
	       is(node, "module");
}

/* `save` in `torch.save`, `load_state_dict` in `m.load_state_dict`. */
static TSNode callee_tail(TSNode call)
{
	TSNode function = field(call, "function");
	if (is(function, "attribute"))
		return field(function, "attribute");
	return is(function, "identifier") ? function : (TSNode){0};
}

static bool callee_tail_is(TSNode call, const lf_source *src, const char *name)
{
	return is(call, "call") && text_is(callee_tail(call), src, name);
}

static bool text_in(TSNode node, const lf_source *src, const char *const *list)
{
	for (; *list; list++)
		if (text_is(node, src, *list))
			return true;
	return false;
}

/* The value of keyword argument `name` of `call`, or null. */
static TSNode keyword_value(TSNode call, const lf_source *src, const char *name)
{
	TSNode list = field(call, "arguments");
	uint32_t count = is(list, "argument_list") ? ts_node_named_child_count(list) : 0;
	for (uint32_t i = 0; i < count; i++) {
		TSNode arg = ts_node_named_child(list, i);
		if (is(arg, "keyword_argument") && text_is(field(arg, "name"), src, name))
			return lf_node_unparenthesize(field(arg, "value"));
	}
	return (TSNode){0};
}

/* The call's positional argument `index`, or null (splats end the count). */
static TSNode positional(TSNode call, uint32_t index)
{
	TSNode list = field(call, "arguments");
	uint32_t count = is(list, "argument_list") ? ts_node_named_child_count(list) : 0;
	for (uint32_t i = 0, seen = 0; i < count; i++) {
		TSNode arg = ts_node_named_child(list, i);
		if (is(arg, "comment"))
			continue;
		if (is(arg, "keyword_argument") || is(arg, "dictionary_splat") || is(arg, "list_splat"))
			break;
		if (seen++ == index)
			return lf_node_unparenthesize(arg);
	}
	return (TSNode){0};
}

/* Visits `top` and every node below it, depth first; `visit` returns
 * whether to go below the node it is given. */
static void walk(TSNode top, bool (*visit)(TSNode node, void *context), void *context)
{
	TSTreeCursor cursor = ts_tree_cursor_new(top);
	for (;;) {
		if (visit(ts_tree_cursor_current_node(&cursor), context) && ts_tree_cursor_goto_first_child(&cursor))
			continue;
		while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
			if (!ts_tree_cursor_goto_parent(&cursor)) {
				ts_tree_cursor_delete(&cursor);
				return;
			}
		}
	}
}

/* ---- the except handler the call sits in ------------------------------ */

/* `except TypeError`, `except (TypeError, ValueError) as e`,
 * `except builtins.TypeError`. */
static bool names_type_error(TSNode type, const lf_source *src)
{
	type = lf_node_unparenthesize(type);
	if (is(type, "as_pattern"))
		return names_type_error(ts_node_named_child(type, 0), src);
	if (is(type, "tuple")) {
		for (uint32_t i = 0; i < ts_node_named_child_count(type); i++)
			if (names_type_error(ts_node_named_child(type, i), src))
				return true;
		return false;
	}
	if (is(type, "attribute"))
		return text_is(field(type, "attribute"), src, "TypeError");
	return text_is(type, src, "TypeError");
}

/*
 * Whether an except clause can catch a weights-only refusal.  PyTorch
 * raises pickle.UnpicklingError for it (torch/serialization.py, `except
 * pickle.UnpicklingError as e: raise pickle.UnpicklingError(
 * _get_wo_message(str(e))) from None`; 1.13 turns the unpickler's
 * RuntimeError into the same), so a bare `except:`, Exception,
 * BaseException, PickleError and UnpicklingError catch it, and so may any
 * name we do not know; the builtin exceptions below cannot.
 */
static const char *const cannot_catch_refusal[] = {"ArithmeticError",
                                                   "AssertionError",
                                                   "AttributeError",
                                                   "BufferError",
                                                   "EOFError",
                                                   "FloatingPointError",
                                                   "GeneratorExit",
                                                   "ImportError",
                                                   "ModuleNotFoundError",
                                                   "IndexError",
                                                   "KeyError",
                                                   "KeyboardInterrupt",
                                                   "LookupError",
                                                   "MemoryError",
                                                   "NameError",
                                                   "NotImplementedError",
                                                   "OSError",
                                                   "IOError",
                                                   "EnvironmentError",
                                                   "FileNotFoundError",
                                                   "FileExistsError",
                                                   "IsADirectoryError",
                                                   "NotADirectoryError",
                                                   "PermissionError",
                                                   "TimeoutError",
                                                   "ConnectionError",
                                                   "OverflowError",
                                                   "RecursionError",
                                                   "ReferenceError",
                                                   "RuntimeError",
                                                   "StopIteration",
                                                   "StopAsyncIteration",
                                                   "SyntaxError",
                                                   "SystemError",
                                                   "SystemExit",
                                                   "TypeError",
                                                   "UnboundLocalError",
                                                   "UnicodeError",
                                                   "UnicodeDecodeError",
                                                   "ValueError",
                                                   "ZeroDivisionError",
                                                   NULL};

static bool may_catch_refusal(TSNode type, const lf_source *src)
{
	type = lf_node_unparenthesize(type);
	if (ts_node_is_null(type))
		return true; /* a bare except */
	if (is(type, "as_pattern"))
		return may_catch_refusal(ts_node_named_child(type, 0), src);
	if (is(type, "tuple")) {
		for (uint32_t i = 0; i < ts_node_named_child_count(type); i++)
			if (may_catch_refusal(ts_node_named_child(type, i), src))
				return true;
		return false;
	}
	TSNode name = is(type, "attribute") ? field(type, "attribute") : type;
	return !text_in(name, src, cannot_catch_refusal);
}

typedef struct true_load_search {
	const lf_source *src;
	bool found;
	uint32_t at;
} true_load_search;

/* A call passing the literal `weights_only=True`, outside nested scopes
 * (a function defined in the try body does not load there). */
static bool find_true_load(TSNode node, void *context)
{
	true_load_search *search = context;
	if (search->found || is(node, "function_definition") || is(node, "lambda") || is(node, "class_definition"))
		return false;
	if (is(node, "call") && is(keyword_value(node, search->src, "weights_only"), "true")) {
		search->found = true;
		search->at = ts_node_start_byte(node);
		return false;
	}
	return true;
}

/* The innermost except handler of the call's own scope, with the handled
 * types and the try's body; false when there is none. */
typedef struct except_handler {
	TSNode clause;
	TSNode try_body;
} except_handler;

static bool next_handler(TSNode *from, except_handler *out)
{
	TSNode child = *from;
	int climbed = 0;
	for (TSNode node = ts_node_parent(child); !ts_node_is_null(node) && !is_scope(node) && climbed++ < MAX_CLIMB;
	     child = node, node = ts_node_parent(node)) {
		if (is(node, "except_clause") && !same_node(child, field(node, "value"))) {
			out->clause = node;
			out->try_body = field(ts_node_parent(node), "body");
			*from = node;
			return true;
		}
	}
	return false;
}

bool lf_evidence_in_retry(TSNode call, const lf_source *src, uint32_t *first_load)
{
	except_handler handler;
	for (TSNode from = call; next_handler(&from, &handler);) {
		true_load_search search = {.src = src};
		if (!ts_node_is_null(handler.try_body) && may_catch_refusal(field(handler.clause, "value"), src))
			walk(handler.try_body, find_true_load, &search);
		if (search.found) {
			*first_load = search.at;
			return true;
		}
	}
	return false;
}

/* ---- recording ------------------------------------------------------- */

bool lf_evidence_unsafe(const lf_evidence *evidence)
{
	return evidence->kind > LF_EVIDENCE_STATE_DICT;
}

/* Unsafe evidence wins over safe; among unsafe, the first found stays. */
static void offer(lf_evidence *out, lf_evidence_kind kind, uint32_t at)
{
	if (kind == LF_EVIDENCE_NONE || lf_evidence_unsafe(out))
		return;
	if (kind == LF_EVIDENCE_STATE_DICT && out->kind == LF_EVIDENCE_STATE_DICT)
		return;
	out->kind = kind;
	out->at = at;
}

/* ---- the file's index -------------------------------------------------- */

/* A piece of text in the file: a name, an attribute, a path. */
typedef struct span {
	const uint8_t *text;
	uint32_t len;
} span;

static span span_of(TSNode node, const lf_source *src)
{
	uint32_t start = ts_node_start_byte(node);
	return (span){src->bytes + start, ts_node_end_byte(node) - start};
}

static int span_compare(span a, span b)
{
	int by_text = memcmp(a.text, b.text, a.len < b.len ? a.len : b.len);
	if (by_text)
		return by_text;
	return a.len == b.len ? 0 : a.len < b.len ? -1 : 1;
}

/* A name or attribute where it occurs; `binds`: it is an assignment's target. */
typedef struct occurrence {
	span name;
	uint32_t at;
	TSNode node;
	bool binds;
} occurrence;

/* `name = value` anywhere in the file. */
typedef struct binding {
	span name;
	TSNode value;
} binding;

/* How a path links a save to a load. */
typedef enum path_link {
	LINK_NONE,
	LINK_LITERAL, /* the normalised literal is in the buffer */
	LINK_NAME,    /* a name or attribute: its text */
} path_link;

/* A path's links: its name (LINK_NAME) and the literal it stands for,
 * when it is one or the file binds the name to one only. */
typedef struct path_links {
	path_link link;
	span name;
	bool has_literal;
	lf_buf literal;
} path_links;

/* One save's path as a key: its literal or its name. */
typedef struct save_key {
	span key;
	uint32_t save; /* index into the file's saves */
} save_key;

/* A `save(...)` call and, once judged, what it saves and to which path
 * (each computed once: a file's every load compares with every save). */
typedef struct save_entry {
	TSNode call;
	bool judged;
	lf_evidence_kind kind;
	bool linked;
	path_links links;
} save_entry;

#define GROW(items, count, cap)                                                  \
	do {                                                                     \
		if ((count) == (cap)) {                                          \
			(cap) = (cap) ? 2 * (cap) : 16;                          \
			(items) = lf_xrealloc((items), (cap) * sizeof *(items)); \
		}                                                                \
	} while (0)

/*
 * Built in one walk the first time a call of the file is judged, so that
 * judging every call of a file costs about one walk, not one per call.
 */
struct lf_evidence_file {
	const lf_source *src;
	TSNode root;
	bool built;
	occurrence *occurrences; /* sorted by (name, at) */
	uint32_t occurrence_count, occurrence_cap;
	binding *bindings; /* sorted by name */
	uint32_t binding_count, binding_cap;
	save_entry *saves; /* in document order */
	uint32_t save_count, save_cap;
	/* The saves by the literal and by the name of their paths, sorted by
	 * (key, index of the save), built on the first load judged: a load
	 * looks its path up instead of comparing with every save. */
	bool saves_keyed;
	save_key *by_literal, *by_name;
	uint32_t by_literal_count, by_name_count;
	TSNode *classes; /* every class definition */
	uint32_t class_count, class_cap;
	span *module_classes; /* the names of those that are nn.Modules */
	uint32_t module_class_count, module_class_cap;
	bool module_classes_found;
	uint32_t follow_budget; /* names followed for one save; bounds `a = b; b = a` chains */
	TSNode last_target;     /* while indexing: the last assignment's target */
	/* What names torch's save in this file, for saves judged without a
	 * load to compare with (lf_evidence_file_saves): `import torch as
	 * th` makes `th.save` one, `from torch import save` (or `*`) a bare
	 * `save`. */
	span *torch_aliases;
	uint32_t torch_alias_count, torch_alias_cap;
	bool bare_save_is_torch;
	/* The project's other files' saves (lf_evidence_file_set_project);
	 * borrowed, may be NULL. */
	lf_project *project;
	const char *path;
};

lf_evidence_file *lf_evidence_file_create(TSTree *tree, const lf_source *src)
{
	lf_evidence_file *file = lf_xcalloc(1, sizeof *file);
	file->src = src;
	file->root = ts_tree_root_node(tree);
	return file;
}

void lf_evidence_file_destroy(lf_evidence_file *file)
{
	if (!file)
		return;
	free(file->occurrences);
	free(file->bindings);
	for (uint32_t i = 0; i < file->save_count; i++)
		lf_buf_finish(&file->saves[i].links.literal);
	free(file->saves);
	free(file->by_literal);
	free(file->by_name);
	free(file->classes);
	free(file->module_classes);
	free(file->torch_aliases);
	free(file);
}

void lf_evidence_file_set_project(lf_evidence_file *file, lf_project *project, const char *path)
{
	file->project = project;
	file->path = path;
}

/* `import torch as th`: `th` names torch (a plain `import torch` needs no
 * entry: `torch.save` always counts). */
static void index_torch_import(lf_evidence_file *file, TSNode node)
{
	for (uint32_t i = 0; i < ts_node_named_child_count(node); i++) {
		TSNode child = ts_node_named_child(node, i);
		if (is(child, "aliased_import") && text_is(field(child, "name"), file->src, "torch")) {
			GROW(file->torch_aliases, file->torch_alias_count, file->torch_alias_cap);
			file->torch_aliases[file->torch_alias_count++] = span_of(field(child, "alias"), file->src);
		}
	}
}

/* `from torch import save` (or `*`; also from torch.serialization): a bare
 * `save(...)` is torch's.  `from torch import save as persist` is not
 * followed: only calls spelled `save` are indexed. */
static void index_save_import(lf_evidence_file *file, TSNode node)
{
	TSNode module = field(node, "module_name");
	if (!text_is(module, file->src, "torch") && !text_is(module, file->src, "torch.serialization"))
		return;
	for (uint32_t i = 0; i < ts_node_named_child_count(node); i++) {
		TSNode child = ts_node_named_child(node, i);
		if (same_node(child, module))
			continue;
		if (is(child, "wildcard_import") || (is(child, "dotted_name") && text_is(child, file->src, "save")))
			file->bare_save_is_torch = true;
	}
}

static bool index_node(TSNode node, void *context)
{
	lf_evidence_file *file = context;
	const lf_source *src = file->src;
	if (is(node, "identifier") || is(node, "attribute")) {
		GROW(file->occurrences, file->occurrence_count, file->occurrence_cap);
		file->occurrences[file->occurrence_count++] = (occurrence){
		        .name = span_of(node, src),
		        .at = ts_node_start_byte(node),
		        .node = node,
		        .binds = same_node(file->last_target, node),
		};
	} else if (is(node, "assignment")) {
		TSNode left = field(node, "left"), right = field(node, "right");
		/* the walk visits the target next: no ts_node_parent, whose
		 * cost is the node's depth, per name */
		file->last_target = left;
		if ((is(left, "identifier") || is(left, "attribute")) && !ts_node_is_null(right)) {
			GROW(file->bindings, file->binding_count, file->binding_cap);
			file->bindings[file->binding_count++] = (binding){span_of(left, src), right};
		}
	} else if (is(node, "call") && text_is(callee_tail(node), src, "save")) {
		GROW(file->saves, file->save_count, file->save_cap);
		file->saves[file->save_count++] = (save_entry){.call = node};
	} else if (is(node, "class_definition")) {
		GROW(file->classes, file->class_count, file->class_cap);
		file->classes[file->class_count++] = node;
	} else if (is(node, "import_statement")) {
		index_torch_import(file, node);
	} else if (is(node, "import_from_statement")) {
		index_save_import(file, node);
	}
	return true;
}

static int occurrence_order(const void *a, const void *b)
{
	const occurrence *x = a, *y = b;
	int by_name = span_compare(x->name, y->name);
	return by_name ? by_name : x->at < y->at ? -1 : x->at > y->at;
}

static int binding_order(const void *a, const void *b)
{
	const binding *x = a, *y = b;
	int by_name = span_compare(x->name, y->name);
	/* ties by position, so that the order never depends on qsort */
	if (by_name)
		return by_name;
	uint32_t i = ts_node_start_byte(x->value), j = ts_node_start_byte(y->value);
	return i < j ? -1 : i > j;
}

static void build(lf_evidence_file *file)
{
	if (file->built)
		return;
	file->built = true;
	walk(file->root, index_node, file);
	if (file->occurrence_count > 1)
		qsort(file->occurrences, file->occurrence_count, sizeof *file->occurrences, occurrence_order);
	if (file->binding_count > 1)
		qsort(file->bindings, file->binding_count, sizeof *file->bindings, binding_order);
}

/* The first occurrence of `name` at or after `at`. */
static uint32_t first_occurrence(const lf_evidence_file *file, span name, uint32_t at)
{
	uint32_t low = 0, high = file->occurrence_count;
	while (low < high) {
		uint32_t mid = low + (high - low) / 2;
		const occurrence *o = &file->occurrences[mid];
		int c = span_compare(o->name, name);
		if (c < 0 || (c == 0 && o->at < at))
			low = mid + 1;
		else
			high = mid;
	}
	return low;
}

static uint32_t first_binding(const lf_evidence_file *file, span name)
{
	uint32_t low = 0, high = file->binding_count;
	while (low < high) {
		uint32_t mid = low + (high - low) / 2;
		if (span_compare(file->bindings[mid].name, name) < 0)
			low = mid + 1;
		else
			high = mid;
	}
	return low;
}

/* ---- what the file saves to the same path ---------------------------- */

/* Appends the contents of the string literal `string` (without fields) to
 * the path in `out`, as posixpath.join does: after a "/", and restarting
 * the path when it starts with "/".  False for anything else, and for a
 * literal holding a control character or a double quote (the message
 * quotes the path). */
static bool append_literal(TSNode string, const lf_source *src, lf_buf *out)
{
	string = lf_node_unparenthesize(string);
	if (!is(string, "string"))
		return false;
	uint32_t count = ts_node_named_child_count(string);
	if (count < 2)
		return false;
	for (uint32_t i = 0; i < count; i++)
		if (is(ts_node_named_child(string, i), "interpolation"))
			return false;
	uint32_t start = ts_node_end_byte(ts_node_named_child(string, 0));
	uint32_t end = ts_node_start_byte(ts_node_named_child(string, count - 1));
	for (uint32_t i = start; i < end; i++)
		if (src->bytes[i] < 0x20 || src->bytes[i] == '"' || src->bytes[i] == 0x7f)
			return false;
	if (end > start && src->bytes[start] == '/')
		out->len = 0; /* posixpath.join: an absolute part restarts */
	else if (out->len && out->data[out->len - 1] != '/')
		lf_buf_putc(out, '/');
	lf_buf_append(out, src->bytes + start, end - start);
	return true;
}

static void normalise_path(lf_buf *path)
{
	lf_buf clean;
	lf_buf_init(&clean);
	const char *text = path->data;
	size_t len = path->len, i = 0;
	if (len && text[0] == '/')
		lf_buf_putc(&clean, '/');
	while (i < len) {
		size_t j = i;
		while (j < len && text[j] != '/')
			j++;
		bool skip = j == i || (j - i == 1 && text[i] == '.');
		if (!skip) {
			if (clean.len && clean.data[clean.len - 1] != '/')
				lf_buf_putc(&clean, '/');
			lf_buf_append(&clean, text + i, j - i);
		}
		i = j + 1;
	}
	lf_buf_finish(path);
	*path = clean;
}

/*
 * A literal path, normalised, into `out`: a string literal without fields
 * (its contents as written: `"a.pt"` is `'a.pt'`), or `os.path.join` of
 * such literals.  Normalised by dropping empty and "." segments
 * (`./ckpt.pt` is `ckpt.pt`, `out//m.pt` is `out/m.pt`); ".." is kept (a
 * symbolic link makes `a/../b` other than `b`).  False for anything else
 * and for an empty path.
 */
static bool literal_path(TSNode path, const lf_source *src, lf_buf *out)
{
	path = lf_node_unparenthesize(path);
	out->len = 0;
	bool ok = false;
	if (is(path, "string")) {
		ok = append_literal(path, src, out);
	} else if (is(path, "call") && text_is(field(path, "function"), src, "os.path.join")) {
		TSNode list = field(path, "arguments");
		uint32_t count = is(list, "argument_list") ? ts_node_named_child_count(list) : 0;
		ok = count > 0;
		for (uint32_t i = 0; i < count && ok; i++) {
			TSNode arg = ts_node_named_child(list, i);
			ok = is(arg, "comment") || append_literal(arg, src, out);
		}
	}
	if (ok)
		normalise_path(out);
	return ok && out->len > 0 && !(out->len == 1 && out->data[0] == '/');
}

static path_link path_key(TSNode path, const lf_source *src, lf_buf *literal, span *name)
{
	path = lf_node_unparenthesize(path);
	if (literal_path(path, src, literal))
		return LINK_LITERAL;
	if (is(path, "identifier") || is(path, "attribute")) {
		*name = span_of(path, src);
		return LINK_NAME;
	}
	return LINK_NONE;
}

/*
 * The literal a name stands for, for links across files (where names mean
 * nothing): `CKPT = "ckpt.pt"` then `torch.save(m, CKPT)`.  Only when the
 * file binds the name (anywhere, flow-insensitively, as for the values
 * saved) and every binding is the same literal path.  A name bound more
 * often than MAX_LITERAL_BINDINGS is no constant: every save and load of
 * the file may ask, and 20,000 assignments of one name must not cost
 * 20,000 steps each.
 */
#define MAX_LITERAL_BINDINGS 64

static bool literal_of_name(const lf_evidence_file *file, span name, lf_buf *out)
{
	lf_buf other;
	lf_buf_init(&other);
	bool found = false, agree = true;
	uint32_t first = first_binding(file, name);
	for (uint32_t i = first; agree && i < file->binding_count && span_compare(file->bindings[i].name, name) == 0;
	     i++) {
		lf_buf *into = found ? &other : out;
		if (i - first >= MAX_LITERAL_BINDINGS || !literal_path(file->bindings[i].value, file->src, into))
			agree = false;
		else if (found && (other.len != out->len || memcmp(other.data, out->data, out->len) != 0))
			agree = false;
		found = true;
	}
	lf_buf_finish(&other);
	return found && agree;
}

/* torch.nn's classes are modules, except Parameter (a tensor, which
 * weights_only loads): `nn.Linear`, `torch.nn.Sequential`. */
static bool is_nn_class(TSNode name, const lf_source *src)
{
	uint32_t start = ts_node_start_byte(name), len = ts_node_end_byte(name) - start;
	const char *text = (const char *)src->bytes + start;
	uint32_t skip = len > 3 && memcmp(text, "nn.", 3) == 0         ? 3
	                : len > 9 && memcmp(text, "torch.nn.", 9) == 0 ? 9
	                                                               : 0;
	if (skip == 0 || text[skip] < 'A' || text[skip] > 'Z' || memchr(text + skip, '.', len - skip))
		return false;
	return !(len - skip == 9 && memcmp(text + skip, "Parameter", 9) == 0);
}

/* Base classes that make a class a module, besides torch.nn's own. */
static const char *const module_bases[] = {"Module", "LightningModule", "pl.LightningModule", "L.LightningModule",
                                           NULL};

static bool is_module_class_name(const lf_evidence_file *file, TSNode name)
{
	span text = span_of(name, file->src);
	for (uint32_t i = 0; i < file->module_class_count; i++)
		if (span_compare(file->module_classes[i], text) == 0)
			return true;
	return false;
}

static bool is_module_base(const lf_evidence_file *file, TSNode base)
{
	return is_nn_class(base, file->src) || text_in(base, file->src, module_bases) ||
	       (is(base, "identifier") && is_module_class_name(file, base));
}

/* The file's module classes: repeated until no class is added, as a class
 * may derive from one defined below it. */
static void find_module_classes(lf_evidence_file *file)
{
	if (file->module_classes_found)
		return;
	file->module_classes_found = true;
	for (bool grew = true; grew;) {
		grew = false;
		for (uint32_t c = 0; c < file->class_count; c++) {
			TSNode name = field(file->classes[c], "name"), bases = field(file->classes[c], "superclasses");
			if (ts_node_is_null(name) || ts_node_is_null(bases) || is_module_class_name(file, name))
				continue;
			for (uint32_t i = 0; i < ts_node_named_child_count(bases); i++) {
				if (is_module_base(file, ts_node_named_child(bases, i))) {
					GROW(file->module_classes, file->module_class_count, file->module_class_cap);
					file->module_classes[file->module_class_count++] = span_of(name, file->src);
					grew = true;
					break;
				}
			}
		}
	}
}

/*
 * A call that builds a whole module: a torch.nn class (`nn.Sequential(...)`),
 * a torchvision model constructor (`models.resnet18()`,
 * `torchvision.models.detection.fasterrcnn_resnet50_fpn()`),
 * `timm.create_model(...)`, or a class of this file deriving from one.
 */
static bool builds_module(lf_evidence_file *file, TSNode call)
{
	TSNode function = field(call, "function");
	const lf_source *src = file->src;
	if (is_nn_class(function, src) || text_is(function, src, "timm.create_model"))
		return true;
	if (is(function, "attribute") &&
	    (text_starts_with(function, src, "models.") || text_starts_with(function, src, "torchvision.models.")))
		return true;
	if (!is(function, "identifier"))
		return false;
	find_module_classes(file);
	return is_module_class_name(file, function);
}

/* Methods that return the module they are called on. */
static const char *const module_returning[] = {"to",   "cuda",  "cpu",    "eval",           "train",
                                               "half", "float", "double", "requires_grad_", NULL};

static lf_evidence_kind combine(lf_evidence_kind a, lf_evidence_kind b)
{
	if (a > LF_EVIDENCE_STATE_DICT)
		return a;
	if (b > LF_EVIDENCE_STATE_DICT)
		return b;
	return a == LF_EVIDENCE_STATE_DICT ? a : b;
}

/* What saving `value` puts in the checkpoint, as far as this file says. */
static lf_evidence_kind saved_kind(lf_evidence_file *file, TSNode value, int depth)
{
	const lf_source *src = file->src;
	value = lf_node_unparenthesize(value);
	if (ts_node_is_null(value) || depth > MAX_FOLLOW)
		return LF_EVIDENCE_NONE;
	if (is(value, "call")) {
		TSNode function = field(value, "function"), tail = callee_tail(value);
		if (text_is(tail, src, "state_dict"))
			return LF_EVIDENCE_STATE_DICT;
		/* parse_known_args returns (Namespace, extras): a Namespace too. */
		if (text_is(tail, src, "parse_args") || text_is(tail, src, "parse_known_args"))
			return LF_EVIDENCE_NAMESPACE_SAVED;
		if (text_starts_with(function, src, "np.") || text_starts_with(function, src, "numpy.") ||
		    (is(function, "attribute") && text_is(tail, src, "numpy")))
			return LF_EVIDENCE_NUMPY_SAVED;
		if (builds_module(file, value))
			return LF_EVIDENCE_MODULE_SAVED;
		if (is(function, "attribute") && text_in(tail, src, module_returning))
			return saved_kind(file, field(function, "object"), depth + 1);
		if (text_is(function, src, "dict")) {
			lf_evidence_kind kind = LF_EVIDENCE_NONE;
			TSNode list = field(value, "arguments");
			for (uint32_t i = 0; i < ts_node_named_child_count(list); i++) {
				TSNode arg = ts_node_named_child(list, i);
				if (is(arg, "keyword_argument"))
					kind = combine(kind, saved_kind(file, field(arg, "value"), depth + 1));
			}
			return kind;
		}
		/* vars(args) and any other call: plain values as far as we know. */
		return LF_EVIDENCE_NONE;
	}
	if (is(value, "dictionary") || is(value, "list") || is(value, "tuple")) {
		lf_evidence_kind kind = LF_EVIDENCE_NONE;
		for (uint32_t i = 0; i < ts_node_named_child_count(value); i++) {
			TSNode element = ts_node_named_child(value, i);
			kind = combine(kind, saved_kind(file, is(element, "pair") ? field(element, "value") : element,
			                                depth + 1));
		}
		return kind;
	}
	/* DataParallel's `.module` is the module it wraps. */
	if (is(value, "attribute") && text_is(field(value, "attribute"), src, "module"))
		return saved_kind(file, field(value, "object"), depth + 1);
	if (is(value, "identifier") || is(value, "attribute")) {
		/* every assignment to the name, anywhere in the file */
		lf_evidence_kind kind = LF_EVIDENCE_NONE;
		span name = span_of(value, src);
		for (uint32_t i = first_binding(file, name);
		     i < file->binding_count && span_compare(file->bindings[i].name, name) == 0 &&
		     file->follow_budget > 0;
		     i++) {
			file->follow_budget--;
			kind = combine(kind, saved_kind(file, file->bindings[i].value, depth + 1));
		}
		return kind;
	}
	return LF_EVIDENCE_NONE;
}

/* How many assignments one save's value may be followed through. */
#define FOLLOW_BUDGET 64

static lf_evidence_kind save_kind(lf_evidence_file *file, save_entry *save)
{
	if (!save->judged) {
		TSNode object = positional(save->call, 0);
		if (ts_node_is_null(object))
			object = keyword_value(save->call, file->src, "obj");
		file->follow_budget = FOLLOW_BUDGET;
		save->kind = saved_kind(file, object, 0);
		save->judged = true;
	}
	return save->kind;
}

/* `torch.save` for `torch.load`, `th.save` for `th.load`, `save` for a bare
 * `load`; `torch.save` always. */
static bool is_matching_save(const lf_evidence_file *file, TSNode load_callee, TSNode call)
{
	TSNode function = field(call, "function");
	if (is(function, "identifier"))
		return is(load_callee, "identifier");
	TSNode object = field(function, "object");
	return text_is(object, file->src, "torch") ||
	       (is(load_callee, "attribute") && same_text(object, field(load_callee, "object"), file->src));
}

/* The save's path argument (second positional, or `f=`), or null. */
static TSNode save_path_of(const lf_evidence_file *file, TSNode call)
{
	TSNode path = positional(call, 1);
	return ts_node_is_null(path) ? keyword_value(call, file->src, "f") : path;
}

static void links_of(const lf_evidence_file *file, TSNode path, path_links *out)
{
	out->link = ts_node_is_null(path) ? LINK_NONE : path_key(path, file->src, &out->literal, &out->name);
	out->has_literal = out->link == LINK_LITERAL ||
	                   (out->link == LINK_NAME && literal_of_name(file, out->name, &out->literal));
}

/* The save's path links, computed the first time they are asked for. */
static const path_links *save_links(lf_evidence_file *file, save_entry *save)
{
	if (!save->linked) {
		save->linked = true;
		lf_buf_init(&save->links.literal);
		links_of(file, save_path_of(file, save->call), &save->links);
	}
	return &save->links;
}

static int save_key_order(const void *a, const void *b)
{
	const save_key *x = a, *y = b;
	int by_key = span_compare(x->key, y->key);
	return by_key ? by_key : x->save < y->save ? -1 : x->save > y->save;
}

static void key_saves(lf_evidence_file *file)
{
	if (file->saves_keyed)
		return;
	file->saves_keyed = true;
	uint32_t n = file->save_count;
	file->by_literal = lf_xcalloc(n ? n : 1, sizeof *file->by_literal);
	file->by_name = lf_xcalloc(n ? n : 1, sizeof *file->by_name);
	for (uint32_t i = 0; i < n; i++) {
		const path_links *links = save_links(file, &file->saves[i]);
		if (links->has_literal)
			file->by_literal[file->by_literal_count++] =
			        (save_key){{(const uint8_t *)links->literal.data, (uint32_t)links->literal.len}, i};
		if (links->link == LINK_NAME)
			file->by_name[file->by_name_count++] = (save_key){links->name, i};
	}
	qsort(file->by_literal, file->by_literal_count, sizeof *file->by_literal, save_key_order);
	qsort(file->by_name, file->by_name_count, sizeof *file->by_name, save_key_order);
}

/* The first key of `keys` equal to `key` (or `count`), and through *end
 * the one past the last. */
static uint32_t key_range(const save_key *keys, uint32_t count, span key, uint32_t *end)
{
	uint32_t low = 0, high = count;
	while (low < high) {
		uint32_t mid = low + (high - low) / 2;
		if (span_compare(keys[mid].key, key) < 0)
			low = mid + 1;
		else
			high = mid;
	}
	uint32_t last = low;
	while (last < count && span_compare(keys[last].key, key) == 0)
		last++;
	*end = last;
	return low;
}

/* Every save of this file to the load's path: the same name, or the same
 * literal (also through a name bound to one only: `CKPT = "m.pt"`), in
 * document order (the first unsafe one is told). */
static void judge_saves(lf_evidence_file *file, TSNode call, TSNode path, lf_evidence *out)
{
	path_links load = {0};
	lf_buf_init(&load.literal);
	links_of(file, path, &load);
	key_saves(file);
	uint32_t l = 0, l_end = 0, n = 0, n_end = 0;
	if (load.has_literal)
		l = key_range(file->by_literal, file->by_literal_count,
		              (span){(const uint8_t *)load.literal.data, (uint32_t)load.literal.len}, &l_end);
	if (load.link == LINK_NAME)
		n = key_range(file->by_name, file->by_name_count, load.name, &n_end);
	TSNode load_callee = field(call, "function");
	/* the two ranges merged by the saves' order; a save in both is
	 * offered twice, which changes nothing */
	while (l < l_end || n < n_end) {
		uint32_t save;
		if (n >= n_end || (l < l_end && file->by_literal[l].save <= file->by_name[n].save))
			save = file->by_literal[l++].save;
		else
			save = file->by_name[n++].save;
		save_entry *entry = &file->saves[save];
		if (is_matching_save(file, load_callee, entry->call))
			offer(out, save_kind(file, entry), ts_node_start_byte(entry->call));
	}
	lf_buf_finish(&load.literal);
}

/* What the project's other files save to the load's literal path (only
 * literals link across files, a name means nothing in another file; also
 * a name this file binds to one literal only).  Asked last: this file's
 * own evidence is told first. */
static void judge_project_saves(lf_evidence_file *file, TSNode path, lf_evidence *out)
{
	if (!file->project || ts_node_is_null(path) || lf_evidence_unsafe(out))
		return;
	path_links load = {0};
	lf_buf_init(&load.literal);
	links_of(file, path, &load);
	lf_project_save found;
	if (load.has_literal && lf_project_saved(file->project, file->path, load.literal.data, &found) &&
	    (found.kind > LF_EVIDENCE_STATE_DICT || out->kind == LF_EVIDENCE_NONE))
		*out = (lf_evidence){.kind = found.kind, .where = found.where, .path = found.path};
	lf_buf_finish(&load.literal);
}

/* Whether a save call is torch's, with no load to compare it with:
 * `torch.save`, `th.save` after `import torch as th`, a bare `save` after
 * `from torch import save` (or `*`). */
static bool is_torch_save(const lf_evidence_file *file, TSNode call)
{
	TSNode function = field(call, "function");
	if (is(function, "identifier"))
		return file->bare_save_is_torch;
	TSNode object = field(function, "object");
	if (text_is(object, file->src, "torch"))
		return true;
	if (!is(object, "identifier"))
		return false;
	span text = span_of(object, file->src);
	for (uint32_t i = 0; i < file->torch_alias_count; i++)
		if (span_compare(file->torch_aliases[i], text) == 0)
			return true;
	return false;
}

void lf_evidence_file_saves(lf_evidence_file *file, void (*visit)(void *user, const lf_evidence_save *save), void *user)
{
	build(file);
	for (uint32_t i = 0; i < file->save_count; i++) {
		save_entry *save = &file->saves[i];
		if (!is_torch_save(file, save->call))
			continue;
		const path_links *links = save_links(file, save);
		if (!links->has_literal)
			continue;
		lf_evidence_kind kind = save_kind(file, save);
		if (kind == LF_EVIDENCE_NONE)
			continue;
		lf_evidence_save found = {
		        .path = links->literal.data, .kind = kind, .at = ts_node_start_byte(save->call)};
		visit(user, &found);
	}
}

/* ---- how the loaded value is used ------------------------------------ */

/* Methods of nn.Module that neither tensors nor dicts have (`.to()` and
 * `.cuda()` are left out: a loaded tensor has them and loads fine). */
static const char *const module_methods[] = {
        "eval",       "train",   "parameters", "named_parameters", "modules",       "named_modules",  "children",
        "state_dict", "forward", "zero_grad",  "buffers",          "named_buffers", "named_children", NULL};

/* What one use of the loaded value (the load itself, a name bound to it,
 * a subscript of either) says. */
static void judge_use(TSNode value, const lf_source *src, lf_evidence *out, int depth)
{
	TSNode parent = parent_past_parens(value);
	if (is(parent, "attribute") && same_node(lf_node_unparenthesize(field(parent, "object")), value)) {
		TSNode call = ts_node_parent(parent);
		if (is(call, "call") && same_node(field(call, "function"), parent) &&
		    text_in(field(parent, "attribute"), src, module_methods))
			offer(out, LF_EVIDENCE_USED_AS_MODULE, ts_node_start_byte(call));
	} else if (is(parent, "call") && same_node(lf_node_unparenthesize(field(parent, "function")), value)) {
		offer(out, LF_EVIDENCE_USED_AS_MODULE, ts_node_start_byte(parent));
	} else if (is(parent, "argument_list")) {
		TSNode call = ts_node_parent(parent);
		if (callee_tail_is(call, src, "load_state_dict"))
			offer(out, LF_EVIDENCE_STATE_DICT, ts_node_start_byte(call));
	} else if (is(parent, "subscript") && same_node(lf_node_unparenthesize(field(parent, "value")), value) &&
	           depth < MAX_FOLLOW) {
		/* `ckpt["model"].eval()`, `m.load_state_dict(ckpt["state_dict"])` */
		judge_use(parent, src, out, depth + 1);
	}
}

/* The uses of a name looked at after a load is assigned to it: each costs
 * a ts_node_parent, and real code shows what it does with a model at once. */
#define MAX_USES 64

/* `m = torch.load(p)` (or `m = torch.load(p)["model"]`, `self.m = ...`):
 * the later uses of `m` in the same scope (the first MAX_USES), up to the
 * next assignment to it. */
static void judge_assigned_uses(lf_evidence_file *file, TSNode call, lf_evidence *out)
{
	TSNode value = call;
	int climbed = 0;
	for (TSNode parent = parent_past_parens(value);
	     climbed++ < MAX_CLIMB && is(parent, "subscript") &&
	     same_node(lf_node_unparenthesize(field(parent, "value")), value);
	     parent = parent_past_parens(value))
		value = parent;
	TSNode assignment = parent_past_parens(value);
	if (!is(assignment, "assignment"))
		return;
	TSNode left = field(assignment, "left");
	if (!is(left, "identifier") && !is(left, "attribute"))
		return;
	TSNode scope = assignment;
	for (int i = 0; i < MAX_CLIMB && !ts_node_is_null(scope) && !is_scope(scope); i++)
		scope = ts_node_parent(scope);
	if (ts_node_is_null(scope) || !is_scope(scope))
		return;
	span name = span_of(left, file->src);
	uint32_t end = ts_node_end_byte(scope);
	uint32_t first = first_occurrence(file, name, ts_node_end_byte(assignment));
	for (uint32_t i = first;
	     i < file->occurrence_count && i - first < MAX_USES && span_compare(file->occurrences[i].name, name) == 0 &&
	     file->occurrences[i].at < end && !file->occurrences[i].binds;
	     i++)
		judge_use(file->occurrences[i].node, file->src, out, 0);
}

/* ---- the verdict ----------------------------------------------------- */

void lf_evidence_judge(lf_evidence_file *file, TSNode call, TSNode path, lf_evidence *out)
{
	const lf_source *src = file->src;
	*out = (lf_evidence){.kind = LF_EVIDENCE_NONE};
	except_handler handler;
	for (TSNode from = call; next_handler(&from, &handler);) {
		if (names_type_error(field(handler.clause, "value"), src)) {
			offer(out, LF_EVIDENCE_TYPEERROR_FALLBACK, ts_node_start_byte(handler.clause));
			return;
		}
	}
	uint32_t first_load;
	if (lf_evidence_in_retry(call, src, &first_load)) {
		offer(out, LF_EVIDENCE_RETRY_FALLBACK, first_load);
		return;
	}
	build(file);
	judge_saves(file, call, path, out);
	judge_use(call, src, out, 0);
	judge_assigned_uses(file, call, out);
	judge_project_saves(file, path, out);
}

/* What the save is and where, for the message: "line 13 saves a whole
 * module to this path", or "`train.py:12` saves a whole module to
 * "ckpt.pt"" for another file's. */
static char *saves_what(const lf_evidence *evidence, uint32_t line, const char *what)
{
	if (evidence->where)
		return lf_xasprintf("`%s` saves %s to \"%s\"", evidence->where, what, evidence->path);
	return lf_xasprintf("line %u saves %s to this path", line, what);
}

char *lf_evidence_explain(const lf_evidence *evidence, const lf_source *src)
{
	uint32_t line = lf_source_line_of(src, evidence->at) + 1;
	const char *state_dict = "save the state_dict instead (`torch.save(model.state_dict(), path)`, then "
	                         "`model.load_state_dict(torch.load(path, weights_only=True))`)";
	char *what = NULL, *message = NULL;
	switch (evidence->kind) {
	case LF_EVIDENCE_TYPEERROR_FALLBACK:
		return lf_xasprintf(
		        "the call is the `except TypeError` fallback (line %u) for a torch without "
		        "`weights_only`, where the keyword raises the TypeError it exists to avoid; require "
		        "torch>=1.13 and drop the fallback",
		        line);
	case LF_EVIDENCE_RETRY_FALLBACK:
		return lf_xasprintf("the call retries the `weights_only=True` load of line %u after it failed, and "
		                    "the fix would reverse what the code means; remove the retry and allow the "
		                    "checkpoint's classes with `torch.serialization.add_safe_globals`",
		                    line);
	case LF_EVIDENCE_MODULE_SAVED:
		what = saves_what(evidence, line, "a whole module");
		message = lf_xasprintf("%s, which `weights_only=True` refuses to load; %s", what, state_dict);
		break;
	case LF_EVIDENCE_NAMESPACE_SAVED:
		what = saves_what(evidence, line, "an `argparse.Namespace`");
		message = lf_xasprintf("%s, which `weights_only=True` refuses to load; save `vars(args)` instead, or "
		                       "allow it with `torch.serialization.add_safe_globals([argparse.Namespace])` "
		                       "(or the `torch.serialization.safe_globals([argparse.Namespace])` context "
		                       "manager)",
		                       what);
		break;
	case LF_EVIDENCE_NUMPY_SAVED:
		what = saves_what(evidence, line, "numpy values");
		message = lf_xasprintf("%s, which `weights_only=True` refuses to load; save tensors "
		                       "(`torch.from_numpy`) or plain lists instead, or allow numpy's classes with "
		                       "`torch.serialization.add_safe_globals` (`loadfix inspect` names them)",
		                       what);
		break;
	case LF_EVIDENCE_USED_AS_MODULE:
		return lf_xasprintf("the loaded value is used as a module (line %u), so the checkpoint holds a pickled "
		                    "module, which `weights_only=True` refuses to load; %s",
		                    line, state_dict);
	case LF_EVIDENCE_NONE:
	case LF_EVIDENCE_STATE_DICT: break;
	}
	free(what);
	return message ? message : lf_xstrdup("");
}
