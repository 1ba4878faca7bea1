/* lf_call_args_analyze and lf_call_append_keyword on the first torch.load
 * reference (a call or a partial) of small snippets. */
#include <stdio.h>

#include "helpers.h"

#include "loadfix/call.h"
#include "loadfix/edit.h"
#include "loadfix/parse.h"
#include "loadfix/resolve.h"

/* A parsed snippet with its refs and the arguments of its first ref. */
typedef struct snippet {
	lf_source src;
	lf_parser *parser;
	TSTree *tree;
	lf_refs refs;
	lf_call_args args;
} snippet;

static void snippet_open_bytes(snippet *s, const char *code, uint32_t len)
{
	source_from_bytes(&s->src, code, len);
	s->parser = lf_parser_create();
	s->tree = lf_parser_parse(s->parser, s->src.bytes, s->src.len);
	assert_non_null(s->tree);
	lf_refs_init(&s->refs);
	lf_resolve_load_refs(s->tree, &s->src, &s->refs);
	assert_true(s->refs.count >= 1);
	assert_int_not_equal(s->refs.items[0].kind, LF_REF_VALUE);
	lf_call_args_analyze(&s->refs.items[0], &s->src, &s->args);
}

static void snippet_open(snippet *s, const char *code)
{
	snippet_open_bytes(s, code, (uint32_t)strlen(code));
}

static void snippet_close(snippet *s)
{
	lf_refs_finish(&s->refs);
	ts_tree_delete(s->tree);
	lf_parser_destroy(s->parser);
	lf_source_finish(&s->src);
}

/* Asserts that `node` is not null and spans exactly `text`. */
static void assert_node_text(const snippet *s, TSNode node, const char *text)
{
	assert_false(ts_node_is_null(node));
	uint32_t start = ts_node_start_byte(node), end = ts_node_end_byte(node);
	if (!lf_node_text_is(node, &s->src, text))
		print_error("node text \"%.*s\" != \"%s\"\n", (int)(end - start), (const char *)s->src.bytes + start,
		            text);
	assert_true(lf_node_text_is(node, &s->src, text));
}

/* Appends weights_only=True to the first ref of `code` (len bytes) and
 * checks the exact bytes of the result. */
static void assert_fix_bytes(const char *code, uint32_t len, const char *expected, uint32_t expected_len)
{
	snippet s;
	snippet_open_bytes(&s, code, len);
	lf_fix fix;
	lf_fix_init(&fix);
	assert_true(lf_call_append_keyword(&s.args, &s.src, "weights_only=True", &fix));
	lf_edit_set set;
	lf_edit_set_init(&set);
	assert_true(lf_edit_set_add_fix(&set, &fix, s.src.len));
	uint32_t out_len;
	uint8_t *out = lf_edit_set_apply(&set, s.src.bytes, s.src.len, &out_len);
	if (out_len != expected_len || memcmp(out, expected, out_len) != 0)
		print_error("input:\n%s\nexpected:\n%s\nactual:\n%s\n", code, expected, (const char *)out);
	assert_int_equal(out_len, expected_len);
	assert_memory_equal(out, expected, out_len);
	free(out);
	lf_edit_set_finish(&set);
	lf_fix_finish(&fix);
	snippet_close(&s);
}

static void assert_fix(const char *code, const char *expected)
{
	assert_fix_bytes(code, (uint32_t)strlen(code), expected, (uint32_t)strlen(expected));
}

/* ---- where the keyword goes ------------------------------------------- */

static void test_single_line(void **state)
{
	(void)state;
	assert_fix("import torch\nx = torch.load(p)\n", "import torch\nx = torch.load(p, weights_only=True)\n");
	assert_fix("import torch\nx = torch.load(p, map_location='cpu')  # c\n",
	           "import torch\nx = torch.load(p, map_location='cpu', weights_only=True)  # c\n");
	assert_fix("import torch\nx = torch.load(p)", "import torch\nx = torch.load(p, weights_only=True)");
}

static void test_single_line_trailing_comma(void **state)
{
	(void)state;
	assert_fix("import torch\ntorch.load(p,)\n", "import torch\ntorch.load(p, weights_only=True,)\n");
	assert_fix("import torch\ntorch.load(p , )\n", "import torch\ntorch.load(p, weights_only=True , )\n");
}

static void test_no_arguments(void **state)
{
	(void)state;
	assert_fix("import torch\ntorch.load()\n", "import torch\ntorch.load(weights_only=True)\n");
}

static void test_lambda_last_argument(void **state)
{
	(void)state;
	assert_fix("import torch\ntorch.load(p, map_location=lambda s, l: s)\n",
	           "import torch\ntorch.load(p, map_location=lambda s, l: s, weights_only=True)\n");
}

static void test_partial(void **state)
{
	(void)state;
	assert_fix(
	        "import functools, torch\nf = functools.partial(torch.load, map_location='cpu')\n",
	        "import functools, torch\nf = functools.partial(torch.load, map_location='cpu', weights_only=True)\n");
	assert_fix("from functools import partial\nimport torch\nf = partial(torch.load)\n",
	           "from functools import partial\nimport torch\nf = partial(torch.load, weights_only=True)\n");
}

static void test_vertical_trailing_comma(void **state)
{
	(void)state;
	assert_fix("import torch\nx = torch.load(\n    p,\n    map_location='cpu',\n)\n",
	           "import torch\nx = torch.load(\n    p,\n    map_location='cpu',\n    weights_only=True,\n)\n");
}

static void test_vertical_no_trailing_comma(void **state)
{
	(void)state;
	assert_fix("import torch\nx = torch.load(\n    p,\n    map_location='cpu'\n)\n",
	           "import torch\nx = torch.load(\n    p,\n    map_location='cpu',\n    weights_only=True\n)\n");
}

static void test_vertical_single_argument(void **state)
{
	(void)state;
	assert_fix("import torch\nx = torch.load(\n        p\n    )\n",
	           "import torch\nx = torch.load(\n        p,\n        weights_only=True\n    )\n");
}

static void test_vertical_comment_after_last_argument(void **state)
{
	(void)state;
	assert_fix("import torch\nx = torch.load(\n    p  # the path\n)\n",
	           "import torch\nx = torch.load(\n    p,  # the path\n    weights_only=True\n)\n");
	assert_fix("import torch\nx = torch.load(\n    p,  # the path\n)\n",
	           "import torch\nx = torch.load(\n    p,  # the path\n    weights_only=True,\n)\n");
	/* a comment line before `)`: the keyword goes after it, right before `)` */
	assert_fix("import torch\nx = torch.load(\n    p,\n    # the end\n)\n",
	           "import torch\nx = torch.load(\n    p,\n    # the end\n    weights_only=True,\n)\n");
}

static void test_vertical_crlf(void **state)
{
	(void)state;
	assert_fix("import torch\r\nx = torch.load(\r\n    p,\r\n)\r\n",
	           "import torch\r\nx = torch.load(\r\n    p,\r\n    weights_only=True,\r\n)\r\n");
	assert_fix("import torch\r\nx = torch.load(\r\n    p\r\n)\r\n",
	           "import torch\r\nx = torch.load(\r\n    p,\r\n    weights_only=True\r\n)\r\n");
}

static void test_vertical_tabs(void **state)
{
	(void)state;
	assert_fix("import torch\ndef f(p):\n\treturn torch.load(\n\t\tp\n\t)\n",
	           "import torch\ndef f(p):\n\treturn torch.load(\n\t\tp,\n\t\tweights_only=True\n\t)\n");
}

static void test_vertical_hanging_indent(void **state)
{
	(void)state;
	assert_fix("import torch\nx = torch.load(p,\n               map_location='cpu'\n)\n",
	           "import torch\nx = torch.load(p,\n               map_location='cpu',\n               "
	           "weights_only=True\n)\n");
}

static void test_vertical_multiline_last_argument(void **state)
{
	(void)state;
	assert_fix("import torch\nx = torch.load(\n    io.BytesIO(\n        data\n    )\n)\n",
	           "import torch\nx = torch.load(\n    io.BytesIO(\n        data\n    ),\n    weights_only=True\n)\n");
}

static void test_vertical_trailing_whitespace(void **state)
{
	(void)state;
	assert_fix("import torch\nx = torch.load(\n    p   \n)\n",
	           "import torch\nx = torch.load(\n    p,   \n    weights_only=True\n)\n");
}

static void test_paren_on_next_line_not_vertical(void **state)
{
	(void)state;
	assert_fix("import torch\nx = torch.load(p\n)\n", "import torch\nx = torch.load(p, weights_only=True\n)\n");
	assert_fix("import torch\nx = torch.load(p,\n)\n", "import torch\nx = torch.load(p, weights_only=True,\n)\n");
}

static void test_paren_after_last_argument_not_vertical(void **state)
{
	(void)state;
	assert_fix("import torch\nx = torch.load(\n    p,\n    map_location='cpu')\n",
	           "import torch\nx = torch.load(\n    p,\n    map_location='cpu', weights_only=True)\n");
}

static void test_generator_argument_not_extended(void **state)
{
	(void)state;
	snippet s;
	snippet_open(&s, "import torch\ntorch.load(x for x in y)\n");
	assert_false(s.args.is_argument_list);
	lf_fix fix;
	lf_fix_init(&fix);
	assert_false(lf_call_append_keyword(&s.args, &s.src, "weights_only=True", &fix));
	assert_int_equal(fix.count, 0);
	lf_fix_finish(&fix);
	snippet_close(&s);
}

/* ---- what the arguments say -------------------------------------------- */

static void test_layout_nodes(void **state)
{
	(void)state;
	snippet s;
	snippet_open(&s, "import torch\ntorch.load(p, x,  # c\n)\n");
	assert_true(s.args.is_argument_list);
	assert_false(s.args.has_error);
	assert_node_text(&s, s.args.open_paren, "(");
	assert_int_equal(ts_node_start_byte(s.args.open_paren), 23);
	assert_node_text(&s, s.args.close_paren, ")");
	assert_int_equal(ts_node_start_byte(s.args.close_paren), 35);
	assert_node_text(&s, s.args.last, "x");
	assert_node_text(&s, s.args.trailing_comma, ",");
	assert_int_equal(ts_node_start_byte(s.args.trailing_comma), 28);
	assert_int_equal(s.args.positional, 2);
	snippet_close(&s);

	snippet_open(&s, "import torch\ntorch.load(p, x)\n");
	assert_node_text(&s, s.args.last, "x");
	assert_true(ts_node_is_null(s.args.trailing_comma));
	snippet_close(&s);

	snippet_open(&s, "import torch\ntorch.load()\n");
	assert_true(ts_node_is_null(s.args.last));
	assert_true(ts_node_is_null(s.args.trailing_comma));
	assert_int_equal(s.args.positional, 0);
	snippet_close(&s);
}

static void test_no_flags_on_plain_call(void **state)
{
	(void)state;
	snippet s;
	snippet_open(&s, "import torch\ntorch.load(p, 'cpu')\n");
	assert_int_equal(s.args.positional, 2);
	assert_false(s.args.star_args);
	assert_false(s.args.star_kwargs);
	assert_true(ts_node_is_null(s.args.blocker));
	assert_true(ts_node_is_null(s.args.keyword));
	assert_true(ts_node_is_null(s.args.keyword_value));
	snippet_close(&s);
}

static void test_pickle_module_keyword(void **state)
{
	(void)state;
	snippet s;
	snippet_open(&s, "import torch\ntorch.load(p, pickle_module=dill)\n");
	assert_node_text(&s, s.args.blocker, "pickle_module=dill");
	assert_int_equal(s.args.positional, 1);
	snippet_close(&s);
}

static void test_pickle_module_third_positional(void **state)
{
	(void)state;
	snippet s;
	snippet_open(&s, "import torch\ntorch.load(p, None, dill)\n");
	assert_int_equal(s.args.positional, 3);
	assert_node_text(&s, s.args.blocker, "dill");
	snippet_close(&s);

	snippet_open(&s, "import torch\ntorch.load(p, None, dill, extra)\n");
	assert_int_equal(s.args.positional, 4);
	assert_node_text(&s, s.args.blocker, "dill");
	snippet_close(&s);
}

static void test_partial_positional_offset(void **state)
{
	(void)state;
	snippet s;
	/* partial's first argument is load itself: the pickler is the 4th */
	snippet_open(&s, "import functools, torch\nf = functools.partial(torch.load, p, None)\n");
	assert_int_equal(s.refs.items[0].kind, LF_REF_PARTIAL);
	assert_int_equal(s.args.positional, 2);
	assert_true(ts_node_is_null(s.args.blocker));
	snippet_close(&s);

	snippet_open(&s, "import functools, torch\nf = functools.partial(torch.load, p, None, dill)\n");
	assert_int_equal(s.args.positional, 3);
	assert_node_text(&s, s.args.blocker, "dill");
	snippet_close(&s);

	snippet_open(&s, "import functools, torch\nf = functools.partial(torch.load, pickle_module=dill)\n");
	assert_int_equal(s.args.positional, 0);
	assert_node_text(&s, s.args.blocker, "pickle_module=dill");
	snippet_close(&s);
}

static void test_star_args_and_kwargs(void **state)
{
	(void)state;
	snippet s;
	snippet_open(&s, "import torch\ntorch.load(*args)\n");
	assert_true(s.args.star_args);
	assert_false(s.args.star_kwargs);
	assert_int_equal(s.args.positional, 0);
	snippet_close(&s);

	snippet_open(&s, "import torch\ntorch.load(p, **kwargs)\n");
	assert_false(s.args.star_args);
	assert_true(s.args.star_kwargs);
	assert_int_equal(s.args.positional, 1);
	assert_node_text(&s, s.args.last, "**kwargs");
	snippet_close(&s);

	snippet_open(&s, "import torch\ntorch.load(*a, **k)\n");
	assert_true(s.args.star_args);
	assert_true(s.args.star_kwargs);
	snippet_close(&s);
}

/* The type of the weights_only value node, and the keyword's own text. */
static void check_weights_only(const char *code, const char *keyword_text, const char *value_type,
                               const char *value_text)
{
	snippet s;
	snippet_open(&s, code);
	assert_node_text(&s, s.args.keyword, keyword_text);
	assert_string_equal(ts_node_type(s.args.keyword), "keyword_argument");
	assert_false(ts_node_is_null(s.args.keyword_value));
	assert_string_equal(ts_node_type(s.args.keyword_value), value_type);
	assert_node_text(&s, s.args.keyword_value, value_text);
	snippet_close(&s);
}

static void test_weights_only_values(void **state)
{
	(void)state;
	check_weights_only("import torch\ntorch.load(p, weights_only=True)\n", "weights_only=True", "true", "True");
	check_weights_only("import torch\ntorch.load(p, weights_only=False)\n", "weights_only=False", "false", "False");
	check_weights_only("import torch\ntorch.load(p, weights_only=(False))\n", "weights_only=(False)", "false",
	                   "False");
	check_weights_only("import torch\ntorch.load(p, weights_only=((  # why\n  False)))\n",
	                   "weights_only=((  # why\n  False))", "false", "False");
	check_weights_only("import torch\ntorch.load(p, weights_only=None)\n", "weights_only=None", "none", "None");
	check_weights_only("import torch\ntorch.load(p, weights_only=safe)\n", "weights_only=safe", "identifier",
	                   "safe");
	check_weights_only("import torch\ntorch.load(weights_only=not x, f=p)\n", "weights_only=not x", "not_operator",
	                   "not x");
}

static void test_syntax_error_in_call(void **state)
{
	(void)state;
	snippet s;
	snippet_open(&s, "import torch\ndef f(p):\n    return torch.load(p, map_location=)\n");
	assert_true(s.args.has_error);
	snippet_close(&s);
}

/* A well-formed call beside an ERROR in the same simple statement: an edit
 * would change tree-sitter's recovery (fuzz input
 * statement-with-error-beside-the-call.py).  An error in another statement
 * of the same body does not count. */
static void test_syntax_error_beside_call(void **state)
{
	(void)state;
	static const char code[] = "from torch import *\ndef f(path):\n    x = 1\n    y = [load(p) f = load \\\n"
	                           "        (path)\n    return load(path)\n";
	snippet s;
	snippet_open(&s, code);
	assert_int_equal(s.refs.count, 3);
	for (uint32_t i = 0; i < 3; i++) {
		lf_call_args args;
		lf_call_args_analyze(&s.refs.items[i], &s.src, &args);
		/* load(p) in the ERROR, load \ (path) beside it, the clean return */
		assert_int_equal(args.has_error, i < 2);
	}
	snippet_close(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_single_line),
	        cmocka_unit_test(test_single_line_trailing_comma),
	        cmocka_unit_test(test_no_arguments),
	        cmocka_unit_test(test_lambda_last_argument),
	        cmocka_unit_test(test_partial),
	        cmocka_unit_test(test_vertical_trailing_comma),
	        cmocka_unit_test(test_vertical_no_trailing_comma),
	        cmocka_unit_test(test_vertical_single_argument),
	        cmocka_unit_test(test_vertical_comment_after_last_argument),
	        cmocka_unit_test(test_vertical_crlf),
	        cmocka_unit_test(test_vertical_tabs),
	        cmocka_unit_test(test_vertical_hanging_indent),
	        cmocka_unit_test(test_vertical_multiline_last_argument),
	        cmocka_unit_test(test_vertical_trailing_whitespace),
	        cmocka_unit_test(test_paren_on_next_line_not_vertical),
	        cmocka_unit_test(test_paren_after_last_argument_not_vertical),
	        cmocka_unit_test(test_generator_argument_not_extended),
	        cmocka_unit_test(test_layout_nodes),
	        cmocka_unit_test(test_no_flags_on_plain_call),
	        cmocka_unit_test(test_pickle_module_keyword),
	        cmocka_unit_test(test_pickle_module_third_positional),
	        cmocka_unit_test(test_partial_positional_offset),
	        cmocka_unit_test(test_star_args_and_kwargs),
	        cmocka_unit_test(test_weights_only_values),
	        cmocka_unit_test(test_syntax_error_in_call),
	        cmocka_unit_test(test_syntax_error_beside_call),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
