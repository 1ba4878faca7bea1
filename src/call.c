#include "loadfix/call.h"

#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"

static bool is(TSNode node, const char *type)
{
	return !ts_node_is_null(node) && strcmp(ts_node_type(node), type) == 0;
}

/* A literal None, through any parentheses. */
static bool is_none(TSNode value)
{
	return is(lf_node_unparenthesize(value), "none");
}

/*
 * A number literal's truth: an integer is false when every digit is 0
 * (`0`, `0x0`, `0_0`, `0j`); a float is read as Python reads it, the
 * correctly rounded double (`1e-400` is 0.0, false).  loadfix never calls
 * setlocale, so strtod's decimal point is '.'.
 */
static lf_truth number_truth(TSNode value, const uint8_t *bytes, bool is_float)
{
	uint32_t start = ts_node_start_byte(value), end = ts_node_end_byte(value);
	if (end > start && (bytes[end - 1] == 'j' || bytes[end - 1] == 'J'))
		end--; /* imaginary: its truth is its magnitude's */
	bool hex = end - start > 2 && bytes[start] == '0' && strchr("xX", bytes[start + 1]);
	if (end - start > 2 && bytes[start] == '0' && strchr("xXoObB", bytes[start + 1]))
		start += 2;
	if (is_float) {
		/* Python reads a float literal as the correctly rounded double,
		 * as strtod does (`1e-400` is 0.0, false). */
		char text[128];
		size_t n = 0;
		for (uint32_t i = start; i < end && n + 1 < sizeof text; i++)
			if (bytes[i] != '_')
				text[n++] = (char)bytes[i];
		if (n + 1 >= sizeof text)
			return LF_TRUTH_UNKNOWN;
		text[n] = '\0';
		char *stop;
		double v = strtod(text, &stop);
		if (*stop)
			return LF_TRUTH_UNKNOWN;
		return v != 0.0 ? LF_TRUTH_TRUE : LF_TRUTH_FALSE;
	}
	bool nonzero = false;
	for (uint32_t i = start; i < end; i++) {
		uint8_t c = bytes[i];
		if (c == '_' || c == '0')
			continue;
		if ((c >= '1' && c <= '9') || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))))
			nonzero = true;
		else
			return LF_TRUTH_UNKNOWN;
	}
	return nonzero ? LF_TRUTH_TRUE : LF_TRUTH_FALSE;
}

lf_truth lf_literal_truth_in(TSNode value, const lf_source *src, lf_literal *kind)
{
	if (is(value, "integer") || is(value, "float")) {
		*kind = LF_LITERAL_NUMBER;
		lf_truth truth = number_truth(value, src->bytes, is(value, "float"));
		if (truth == LF_TRUTH_UNKNOWN)
			*kind = LF_LITERAL_NONE;
		return truth;
	}
	return lf_literal_truth(value, kind);
}

lf_truth lf_literal_truth(TSNode value, lf_literal *kind)
{
	*kind = LF_LITERAL_BOOL;
	if (is(value, "true"))
		return LF_TRUTH_TRUE;
	if (is(value, "false"))
		return LF_TRUTH_FALSE;
	*kind = LF_LITERAL_NULL;
	if (is(value, "none"))
		return LF_TRUTH_FALSE;
	*kind = LF_LITERAL_NONE;
	if (!is(value, "string"))
		return LF_TRUTH_UNKNOWN; /* concatenated strings, numbers, names: not judged */
	/* "...", b"...", r"..." and an f-string without fields are known: empty
	 * is false, anything else is true.  A field ({x}) may be empty. */
	bool empty = true;
	uint32_t n = ts_node_named_child_count(value);
	for (uint32_t i = 0; i < n; i++) {
		TSNode child = ts_node_named_child(value, i);
		if (is(child, "interpolation"))
			return LF_TRUTH_UNKNOWN;
		if (is(child, "string_content") && ts_node_end_byte(child) > ts_node_start_byte(child))
			empty = false;
	}
	*kind = LF_LITERAL_STRING;
	return empty ? LF_TRUTH_FALSE : LF_TRUTH_TRUE;
}

bool lf_string_literal_value(TSNode value, const lf_source *src, const uint8_t **text, uint32_t *len)
{
	if (!is(value, "string"))
		return false;
	*text = src->bytes + ts_node_end_byte(value);
	*len = 0;
	bool seen = false;
	uint32_t n = ts_node_named_child_count(value);
	for (uint32_t i = 0; i < n; i++) {
		TSNode child = ts_node_named_child(value, i);
		if (is(child, "interpolation"))
			return false;
		if (!is(child, "string_content"))
			continue;
		/* one content node, with no escape_sequence inside */
		if (seen || ts_node_named_child_count(child) > 0)
			return false;
		seen = true;
		*text = src->bytes + ts_node_start_byte(child);
		*len = ts_node_end_byte(child) - ts_node_start_byte(child);
	}
	return true;
}

/* A keyword argument: the deciding keyword or the blocker. */
static void note_keyword(lf_call_args *args, const lf_target *target, TSNode keyword, const lf_source *src)
{
	TSNode name = ts_node_child_by_field_name(keyword, "name", 4);
	if (ts_node_is_null(name))
		return;
	if (target->keyword && lf_node_text_is(name, src, target->keyword)) {
		args->keyword = keyword;
		args->keyword_value = lf_node_unparenthesize(ts_node_child_by_field_name(keyword, "value", 5));
		args->keyword_positional = false;
	} else if (target->blocker && lf_node_text_is(name, src, target->blocker) &&
	           !is_none(ts_node_child_by_field_name(keyword, "value", 5))) {
		/* pickle_module=None is what weights_only=True wants: PyTorch
		 * refuses only a pickle_module that is not None (torch/serialization.py,
		 * load: `if weights_only: if pickle_module is not None: raise
		 * RuntimeError(...)`, in 1.13 and every later release). */
		args->blocker = keyword;
	}
}

void lf_call_args_analyze(const lf_load_ref *ref, const lf_source *src, lf_call_args *args)
{
	memset(args, 0, sizeof *args);
	/* A call inside an ERROR region (ref->in_error) is well-formed text in a
	 * context tree-sitter only guessed; an edit there can change the guess
	 * (the fuzzer found fixes that added parse errors, or new findings,
	 * that way).  Such calls are reported, not fixed. */
	args->has_error = ts_node_has_error(ref->node) || ref->in_error;
	TSNode list = ref->arguments;
	args->is_argument_list = is(list, "argument_list");
	if (!args->is_argument_list)
		return;
	const lf_target *target = ref->target;
	uint32_t n = ts_node_child_count(list);
	uint32_t positional_seen = 0;
	for (uint32_t i = 0; i < n; i++) {
		TSNode child = ts_node_child(list, i);
		const char *type = ts_node_type(child);
		if (!ts_node_is_named(child)) {
			if (strcmp(type, "(") == 0 && ts_node_is_null(args->open_paren))
				args->open_paren = child;
			else if (strcmp(type, ")") == 0)
				args->close_paren = child;
			else if (strcmp(type, ",") == 0 && !ts_node_is_null(args->last) &&
			         ts_node_is_null(args->trailing_comma))
				args->trailing_comma = child;
			continue;
		}
		/* Extras, not arguments: a comment, and the backslash-newline of a
		 * backslash continuation, which tree-sitter-python 0.23 makes a
		 * named `line_continuation` node (taking it for the last argument
		 * put the keyword on the next line). */
		if (strcmp(type, "comment") == 0 || strcmp(type, "line_continuation") == 0)
			continue;
		args->last = child;
		args->trailing_comma = (TSNode){0};
		if (strcmp(type, "list_splat") == 0) {
			args->star_args = true;
		} else if (strcmp(type, "dictionary_splat") == 0) {
			args->star_kwargs = true;
		} else if (strcmp(type, "keyword_argument") == 0) {
			note_keyword(args, target, child, src);
		} else if (positional_seen++ >= ref->positional_offset) {
			uint32_t index = args->positional++;
			if (index == 0)
				args->first_argument = child;
			/* load(f, map_location, pickle_module): the third is the pickler */
			if (target->blocker && (int)index == target->blocker_position &&
			    ts_node_is_null(args->blocker) && !is_none(child))
				args->blocker = child;
			if (target->keyword && (int)index == target->keyword_position &&
			    ts_node_is_null(args->keyword)) {
				args->keyword = child;
				args->keyword_value = lf_node_unparenthesize(child);
				args->keyword_positional = true;
			}
		}
	}
}

/*
 * Where the keyword goes, in the file's own layout:
 *
 *  - Vertical layout: the closing parenthesis and the last argument each
 *    start their own line.  The keyword gets a line of its own just before
 *    the `)` line, indented like the last argument's line, ending with the
 *    file's line ending, and followed by a comma exactly when the last
 *    argument had one (if it had none, one is added right after it, before
 *    any comment).  This is what a person (and black) would write, and
 *    what TorchFix gets wrong by starting the new line at column 0.
 *
 *  - Anything else: `, keyword` right after the last argument.  Inserting
 *    after the argument rather than before `)` keeps a trailing comma
 *    valid (`load(p,)` -> `load(p, weights_only=True,)`) and keeps lambda
 *    bodies intact (`map_location=lambda s, l: s, weights_only=True`).
 *
 *  - No argument at all: the keyword alone, right after `(`.
 */
bool lf_call_append_keyword(const lf_call_args *args, const lf_source *src, const char *keyword, lf_fix *fix)
{
	if (!args->is_argument_list || ts_node_is_null(args->open_paren) || ts_node_is_null(args->close_paren))
		return false;
	if (ts_node_is_null(args->last)) {
		lf_fix_insert(fix, ts_node_end_byte(args->open_paren), keyword);
		return true;
	}
	uint32_t last_start = ts_node_start_byte(args->last);
	uint32_t last_end = ts_node_end_byte(args->last);
	uint32_t close = ts_node_start_byte(args->close_paren);
	bool vertical = lf_source_first_on_line(src, close) && lf_source_first_on_line(src, last_start) &&
	                lf_source_line_of(src, last_end) < lf_source_line_of(src, close);
	if (!vertical) {
		char *text = lf_xasprintf(", %s", keyword);
		lf_fix_insert(fix, last_end, text);
		free(text);
		return true;
	}
	uint32_t indent_start = lf_source_line_start(src, last_start);
	uint32_t anchor = ts_node_is_null(args->trailing_comma) ? last_end : ts_node_end_byte(args->trailing_comma);
	const char *eol = lf_source_line_ending(src, anchor);
	lf_buf line;
	lf_buf_init(&line);
	lf_buf_append(&line, src->bytes + indent_start, last_start - indent_start);
	lf_buf_puts(&line, keyword);
	if (!ts_node_is_null(args->trailing_comma))
		lf_buf_putc(&line, ',');
	lf_buf_puts(&line, eol);
	if (ts_node_is_null(args->trailing_comma))
		lf_fix_insert(fix, last_end, ",");
	lf_fix_insert(fix, lf_source_line_start(src, close), line.data);
	lf_buf_finish(&line);
	return true;
}
