#include "loadfix/evidence.h"

#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"
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

/* The parent, past any parentheses around `node`. */
static TSNode parent_past_parens(TSNode node)
{
	TSNode parent = ts_node_parent(node);
	while (is(parent, "parenthesized_expression"))
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
	for (TSNode node = ts_node_parent(child); !ts_node_is_null(node) && !is_scope(node);
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

/* ---- what the file saves to the same path ---------------------------- */

typedef struct save_search {
	const lf_source *src;
	TSNode root;
	TSNode load_callee; /* `torch.load`, `th.load`, `load` */
	/* The load's path: a string literal's contents, or a name's text. */
	const uint8_t *key;
	uint32_t key_len;
	bool key_literal;
	/* Classes of this file that are nn.Modules (their name nodes), found
	 * the first time a saved value is a call of a bare name. */
	TSNode *classes;
	uint32_t class_count, class_cap;
	bool classes_found;
	lf_evidence *out;
} save_search;

/* A path's key: a string literal without fields (its contents), or a name
 * or attribute (its text).  False for anything else. */
static bool path_key(TSNode path, const lf_source *src, const uint8_t **key, uint32_t *len, bool *literal)
{
	path = lf_node_unparenthesize(path);
	if (is(path, "string")) {
		uint32_t count = ts_node_named_child_count(path);
		if (count < 2)
			return false;
		for (uint32_t i = 0; i < count; i++)
			if (is(ts_node_named_child(path, i), "interpolation"))
				return false;
		uint32_t start = ts_node_end_byte(ts_node_named_child(path, 0));
		uint32_t end = ts_node_start_byte(ts_node_named_child(path, count - 1));
		*key = src->bytes + start;
		*len = end - start;
		*literal = true;
		return true;
	}
	if (is(path, "identifier") || is(path, "attribute")) {
		*key = src->bytes + ts_node_start_byte(path);
		*len = ts_node_end_byte(path) - ts_node_start_byte(path);
		*literal = false;
		return true;
	}
	return false;
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

static bool is_module_class_name(const save_search *judge, TSNode name)
{
	for (uint32_t i = 0; i < judge->class_count; i++)
		if (same_text(judge->classes[i], name, judge->src))
			return true;
	return false;
}

static bool is_module_base(const save_search *judge, TSNode base)
{
	return is_nn_class(base, judge->src) || text_in(base, judge->src, module_bases) ||
	       (is(base, "identifier") && is_module_class_name(judge, base));
}

typedef struct class_search {
	save_search *judge;
	bool grew;
} class_search;

static bool find_module_class(TSNode node, void *context)
{
	class_search *search = context;
	save_search *judge = search->judge;
	if (!is(node, "class_definition"))
		return true;
	TSNode name = field(node, "name"), bases = field(node, "superclasses");
	if (is_module_class_name(judge, name) || ts_node_is_null(bases))
		return true;
	for (uint32_t i = 0; i < ts_node_named_child_count(bases); i++) {
		if (is_module_base(judge, ts_node_named_child(bases, i))) {
			if (judge->class_count == judge->class_cap) {
				judge->class_cap = judge->class_cap ? 2 * judge->class_cap : 8;
				judge->classes = lf_xrealloc(judge->classes, judge->class_cap * sizeof *judge->classes);
			}
			judge->classes[judge->class_count++] = name;
			search->grew = true;
			break;
		}
	}
	return true;
}

/* The file's module classes: repeated until no class is added, as a class
 * may derive from one defined below it. */
static void find_module_classes(save_search *judge)
{
	if (judge->classes_found)
		return;
	judge->classes_found = true;
	class_search search = {.judge = judge, .grew = true};
	while (search.grew) {
		search.grew = false;
		walk(judge->root, find_module_class, &search);
	}
}

/*
 * A call that builds a whole module: a torch.nn class (`nn.Sequential(...)`),
 * a torchvision model constructor (`models.resnet18()`,
 * `torchvision.models.detection.fasterrcnn_resnet50_fpn()`),
 * `timm.create_model(...)`, or a class of this file deriving from one.
 */
static bool builds_module(save_search *judge, TSNode call)
{
	TSNode function = field(call, "function");
	const lf_source *src = judge->src;
	if (is_nn_class(function, src) || text_is(function, src, "timm.create_model"))
		return true;
	if (is(function, "attribute") &&
	    (text_starts_with(function, src, "models.") || text_starts_with(function, src, "torchvision.models.")))
		return true;
	if (!is(function, "identifier"))
		return false;
	find_module_classes(judge);
	return is_module_class_name(judge, function);
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

static lf_evidence_kind saved_kind(save_search *judge, TSNode value, int depth);

typedef struct assignment_search {
	save_search *judge;
	TSNode name;
	int depth;
	lf_evidence_kind kind;
} assignment_search;

/* `name = value` anywhere in the file: what value is. */
static bool find_assignment(TSNode node, void *context)
{
	assignment_search *search = context;
	if (!is(node, "assignment"))
		return true;
	TSNode left = field(node, "left"), right = field(node, "right");
	if (same_text(left, search->name, search->judge->src) && !ts_node_is_null(right))
		search->kind = combine(search->kind, saved_kind(search->judge, right, search->depth + 1));
	return true;
}

/* What saving `value` puts in the checkpoint, as far as this file says. */
static lf_evidence_kind saved_kind(save_search *judge, TSNode value, int depth)
{
	const lf_source *src = judge->src;
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
		if (builds_module(judge, value))
			return LF_EVIDENCE_MODULE_SAVED;
		if (is(function, "attribute") && text_in(tail, src, module_returning))
			return saved_kind(judge, field(function, "object"), depth + 1);
		if (text_is(function, src, "dict")) {
			lf_evidence_kind kind = LF_EVIDENCE_NONE;
			TSNode list = field(value, "arguments");
			for (uint32_t i = 0; i < ts_node_named_child_count(list); i++) {
				TSNode arg = ts_node_named_child(list, i);
				if (is(arg, "keyword_argument"))
					kind = combine(kind, saved_kind(judge, field(arg, "value"), depth + 1));
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
			kind = combine(kind, saved_kind(judge, is(element, "pair") ? field(element, "value") : element,
			                                depth + 1));
		}
		return kind;
	}
	/* DataParallel's `.module` is the module it wraps. */
	if (is(value, "attribute") && text_is(field(value, "attribute"), src, "module"))
		return saved_kind(judge, field(value, "object"), depth + 1);
	if (is(value, "identifier") || is(value, "attribute")) {
		assignment_search search = {.judge = judge, .name = value, .depth = depth};
		walk(judge->root, find_assignment, &search);
		return search.kind;
	}
	return LF_EVIDENCE_NONE;
}

/* `torch.save` for `torch.load`, `th.save` for `th.load`, `save` for a bare
 * `load`; `torch.save` always. */
static bool is_matching_save(const save_search *judge, TSNode call)
{
	TSNode function = field(call, "function");
	if (!text_is(callee_tail(call), judge->src, "save"))
		return false;
	if (is(function, "identifier"))
		return is(judge->load_callee, "identifier");
	TSNode object = field(function, "object");
	return text_is(object, judge->src, "torch") ||
	       (is(judge->load_callee, "attribute") &&
	        same_text(object, field(judge->load_callee, "object"), judge->src));
}

static bool find_save(TSNode node, void *context)
{
	save_search *judge = context;
	if (!is(node, "call") || !is_matching_save(judge, node))
		return true;
	TSNode object = positional(node, 0), path = positional(node, 1);
	if (ts_node_is_null(object))
		object = keyword_value(node, judge->src, "obj");
	if (ts_node_is_null(path))
		path = keyword_value(node, judge->src, "f");
	const uint8_t *key;
	uint32_t len;
	bool literal;
	if (ts_node_is_null(path) || !path_key(path, judge->src, &key, &len, &literal) ||
	    literal != judge->key_literal || len != judge->key_len || memcmp(key, judge->key, len) != 0)
		return true;
	offer(judge->out, saved_kind(judge, object, 0), ts_node_start_byte(node));
	return true;
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

typedef struct use_search {
	const lf_source *src;
	TSNode name;   /* what the load was assigned to */
	uint32_t from; /* uses after the assignment only */
	lf_evidence *out;
} use_search;

static bool find_use(TSNode node, void *context)
{
	use_search *search = context;
	if (ts_node_start_byte(node) >= search->from && strcmp(ts_node_type(node), ts_node_type(search->name)) == 0 &&
	    same_text(node, search->name, search->src)) {
		judge_use(node, search->src, search->out, 0);
		return false;
	}
	return true;
}

/* `m = torch.load(p)` (or `m = torch.load(p)["model"]`, `self.m = ...`):
 * every later use of `m` in the same scope. */
static void judge_assigned_uses(TSNode call, const lf_source *src, lf_evidence *out)
{
	TSNode value = call;
	for (TSNode parent = parent_past_parens(value);
	     is(parent, "subscript") && same_node(lf_node_unparenthesize(field(parent, "value")), value);
	     parent = parent_past_parens(value))
		value = parent;
	TSNode assignment = parent_past_parens(value);
	if (!is(assignment, "assignment"))
		return;
	TSNode left = field(assignment, "left");
	if (!is(left, "identifier") && !is(left, "attribute"))
		return;
	TSNode scope = assignment;
	while (!ts_node_is_null(scope) && !is_scope(scope))
		scope = ts_node_parent(scope);
	if (ts_node_is_null(scope))
		return;
	use_search search = {.src = src, .name = left, .from = ts_node_end_byte(assignment), .out = out};
	walk(scope, find_use, &search);
}

/* ---- the verdict ----------------------------------------------------- */

void lf_evidence_judge(TSNode call, TSNode path, const lf_source *src, lf_evidence *out)
{
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
	TSNode root = call;
	while (!ts_node_is_null(ts_node_parent(root)))
		root = ts_node_parent(root);
	save_search judge = {.src = src, .root = root, .load_callee = field(call, "function"), .out = out};
	if (!ts_node_is_null(path) && path_key(path, src, &judge.key, &judge.key_len, &judge.key_literal))
		walk(root, find_save, &judge);
	free(judge.classes);
	judge_use(call, src, out, 0);
	judge_assigned_uses(call, src, out);
}

char *lf_evidence_explain(const lf_evidence *evidence, const lf_source *src)
{
	uint32_t line = lf_source_line_of(src, evidence->at) + 1;
	const char *state_dict = "save the state_dict instead (`torch.save(model.state_dict(), path)`, then "
	                         "`model.load_state_dict(torch.load(path, weights_only=True))`)";
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
		return lf_xasprintf("line %u saves a whole module to this path, which `weights_only=True` refuses to "
		                    "load; %s",
		                    line, state_dict);
	case LF_EVIDENCE_NAMESPACE_SAVED:
		return lf_xasprintf("line %u saves an `argparse.Namespace` to this path, which `weights_only=True` "
		                    "refuses to load; save `vars(args)` instead, or allow it with "
		                    "`torch.serialization.add_safe_globals([argparse.Namespace])` (or the "
		                    "`torch.serialization.safe_globals([argparse.Namespace])` context manager)",
		                    line);
	case LF_EVIDENCE_NUMPY_SAVED:
		return lf_xasprintf(
		        "line %u saves numpy values to this path, which `weights_only=True` refuses to "
		        "load; save tensors (`torch.from_numpy`) or plain lists instead, or allow numpy's "
		        "classes with `torch.serialization.add_safe_globals` (`loadfix inspect` names them)",
		        line);
	case LF_EVIDENCE_USED_AS_MODULE:
		return lf_xasprintf("the loaded value is used as a module (line %u), so the checkpoint holds a pickled "
		                    "module, which `weights_only=True` refuses to load; %s",
		                    line, state_dict);
	case LF_EVIDENCE_NONE:
	case LF_EVIDENCE_STATE_DICT: break;
	}
	return lf_xstrdup("");
}
