/*
 * lf_resolve_load_refs on the snippets of resolve_cases.h (one cmocka test
 * per snippet), plus a few properties of the refs array.
 */
#include <stdio.h>

#include "helpers.h"

#include "loadfix/parse.h"
#include "loadfix/resolve.h"

#include "resolve_cases.h"

static const char *kind_name(lf_ref_kind kind)
{
	switch (kind) {
	case LF_REF_CALL: return "CALL";
	case LF_REF_PARTIAL: return "PARTIAL";
	case LF_REF_VALUE: return "VALUE";
	case LF_REF_REPLACE: return "REPLACE";
	}
	return "?";
}

/* Checks what the resolver promises about each kind of ref. */
static void check_ref_shape(const lf_load_ref *ref)
{
	switch (ref->kind) {
	case LF_REF_CALL:
		assert_string_equal(ts_node_type(ref->node), "call");
		assert_false(ts_node_is_null(ref->arguments));
		assert_true(ts_node_eq(ref->arguments, ts_node_child_by_field_name(ref->node, "arguments", 9)));
		assert_int_equal(ref->positional_offset, 0);
		break;
	case LF_REF_PARTIAL:
		assert_string_equal(ts_node_type(ref->node), "call");
		assert_string_equal(ts_node_type(ref->arguments), "argument_list");
		assert_int_equal(ref->positional_offset, 1);
		break;
	case LF_REF_VALUE:
		assert_true(ts_node_is_null(ref->arguments));
		assert_int_equal(ref->positional_offset, 0);
		break;
	case LF_REF_REPLACE: {
		/* the statement or call that replaces the load */
		const char *type = ts_node_type(ref->node);
		assert_true(strcmp(type, "assignment") == 0 || strcmp(type, "augmented_assignment") == 0 ||
		            strcmp(type, "call") == 0);
		assert_true(ts_node_is_null(ref->arguments));
		break;
	}
	}
}

/* Resolves `code` and describes its refs as "KIND@LINE:TEXT; ...". */
static void describe_refs(const char *code, char *out, size_t cap)
{
	lf_source src;
	source_from(&src, code);
	lf_parser *parser = lf_parser_create();
	TSTree *tree = lf_parser_parse(parser, src.bytes, src.len);
	assert_non_null(tree);
	lf_refs refs;
	lf_refs_init(&refs);
	lf_resolve_load_refs(tree, &src, &refs);

	size_t len = 0;
	out[0] = '\0';
	uint32_t previous_start = 0;
	for (uint32_t i = 0; i < refs.count; i++) {
		const lf_load_ref *ref = &refs.items[i];
		check_ref_shape(ref);
		uint32_t start = ts_node_start_byte(ref->node), end = ts_node_end_byte(ref->node);
		assert_true(start >= previous_start); /* document order */
		previous_start = start;
		/* torch.load (either spelling) is the default; other targets are named */
		const char *target = ref->target->name;
		bool torch_load = strcmp(target, "torch.load") == 0 || strcmp(target, "torch.serialization.load") == 0;
		int n = snprintf(out + len, cap - len, "%s%s@%u:%.*s%s%s%s", i ? "; " : "", kind_name(ref->kind),
		                 ts_node_start_point(ref->node).row + 1, (int)(end - start),
		                 (const char *)src.bytes + start, torch_load ? "" : " [", torch_load ? "" : target,
		                 torch_load ? "" : "]");
		assert_true(n > 0 && (size_t)n < cap - len);
		len += (size_t)n;
	}
	lf_refs_finish(&refs);
	ts_tree_delete(tree);
	lf_parser_destroy(parser);
	lf_source_finish(&src);
}

static void run_case(void **state)
{
	const resolve_case *c = *state;
	char actual[4096];
	describe_refs(c->code, actual, sizeof actual);
	if (strcmp(actual, c->expected) != 0)
		print_error("case %s:\n%s\n  expected: \"%s\"\n  actual:   \"%s\"\n", c->name, c->code, c->expected,
		            actual);
	assert_string_equal(actual, c->expected);
}

/* Refs are appended: an earlier content of `refs` is kept. */
static void test_refs_are_appended(void **state)
{
	(void)state;
	const char *code = "import torch\ntorch.load(a)\n";
	lf_source src;
	source_from(&src, code);
	lf_parser *parser = lf_parser_create();
	TSTree *tree = lf_parser_parse(parser, src.bytes, src.len);
	lf_refs refs;
	lf_refs_init(&refs);
	assert_int_equal(refs.count, 0);
	lf_resolve_load_refs(tree, &src, &refs);
	lf_resolve_load_refs(tree, &src, &refs);
	assert_int_equal(refs.count, 2);
	assert_true(ts_node_eq(refs.items[0].node, refs.items[1].node));
	assert_int_equal(ts_node_start_byte(refs.items[1].node), offset_of(code, "torch.load"));
	lf_refs_finish(&refs);
	assert_int_equal(refs.count, 0);
	assert_null(refs.items);
	ts_tree_delete(tree);
	lf_parser_destroy(parser);
	lf_source_finish(&src);
}

/* Many refs (the refs array grows) in a deeply nested expression. */
static void test_many_refs_and_deep_nesting(void **state)
{
	(void)state;
	enum { CALLS = 100, DEPTH = 5000 };
	size_t cap = 64 + CALLS * 16 + DEPTH * 2;
	char *code = malloc(cap);
	assert_non_null(code);
	size_t len = (size_t)sprintf(code, "import torch\n");
	for (int i = 0; i < CALLS; i++)
		len += (size_t)sprintf(code + len, "torch.load(p)\n");
	len += (size_t)sprintf(code + len, "x = ");
	for (int i = 0; i < DEPTH; i++)
		code[len++] = '(';
	len += (size_t)sprintf(code + len, "torch.load");
	for (int i = 0; i < DEPTH; i++)
		code[len++] = ')';
	code[len++] = '\n';
	code[len] = '\0';
	lf_source src;
	source_from(&src, code);
	lf_parser *parser = lf_parser_create();
	TSTree *tree = lf_parser_parse(parser, src.bytes, src.len);
	lf_refs refs;
	lf_refs_init(&refs);
	lf_resolve_load_refs(tree, &src, &refs);
	assert_int_equal(refs.count, CALLS + 1);
	for (uint32_t i = 0; i < CALLS; i++) {
		assert_int_equal(refs.items[i].kind, LF_REF_CALL);
		assert_int_equal(ts_node_start_point(refs.items[i].node).row, i + 1);
	}
	assert_int_equal(refs.items[CALLS].kind, LF_REF_VALUE);
	assert_int_equal(ts_node_start_byte(refs.items[CALLS].node), offset_of(code, "torch.load)"));
	lf_refs_finish(&refs);
	ts_tree_delete(tree);
	lf_parser_destroy(parser);
	lf_source_finish(&src);
	free(code);
}

static void test_node_text_is(void **state)
{
	(void)state;
	const char *code = "x = ((torch.load))\n";
	lf_source src;
	source_from(&src, code);
	lf_parser *parser = lf_parser_create();
	TSTree *tree = lf_parser_parse(parser, src.bytes, src.len);
	TSNode root = ts_tree_root_node(tree);
	uint32_t at = offset_of(code, "((");
	TSNode outer = ts_node_named_descendant_for_byte_range(root, at, at + 1);
	assert_string_equal(ts_node_type(outer), "parenthesized_expression");
	assert_true(lf_node_text_is(outer, &src, "((torch.load))"));
	assert_false(lf_node_text_is(outer, &src, "((torch.load)"));
	TSNode inner = lf_node_unparenthesize(outer);
	assert_string_equal(ts_node_type(inner), "attribute");
	assert_true(lf_node_text_is(inner, &src, "torch.load"));
	assert_false(lf_node_text_is(inner, &src, "torch.loads"));
	/* a node that is not parenthesized comes back unchanged */
	assert_true(ts_node_eq(lf_node_unparenthesize(inner), inner));
	ts_tree_delete(tree);
	lf_parser_destroy(parser);
	lf_source_finish(&src);
}

/* The refs of `code` with and without phase 2's statement filter are the
 * same (kind, node, target, in that order). */
static void assert_filter_changes_nothing(const char *name, const uint8_t *bytes, uint32_t len)
{
	lf_source src;
	uint8_t *copy = malloc((size_t)len + 1);
	assert_non_null(copy);
	memcpy(copy, bytes, len);
	copy[len] = 0;
	lf_source_init(&src, copy, len);
	lf_parser *parser = lf_parser_create();
	TSTree *tree = lf_parser_parse(parser, src.bytes, src.len);
	lf_refs filtered, whole;
	lf_refs_init(&filtered);
	lf_refs_init(&whole);
	lf_resolve_load_refs_in(tree, &src, NULL, &filtered);
	lf_resolve_load_refs_unfiltered(tree, &src, NULL, &whole);
	if (filtered.count != whole.count)
		print_error("%s: %u refs with the statement filter, %u without\n", name, filtered.count, whole.count);
	assert_int_equal(filtered.count, whole.count);
	for (uint32_t i = 0; i < whole.count; i++) {
		assert_int_equal(filtered.items[i].kind, whole.items[i].kind);
		assert_true(ts_node_eq(filtered.items[i].node, whole.items[i].node));
		assert_ptr_equal(filtered.items[i].target, whole.items[i].target);
	}
	lf_refs_finish(&filtered);
	lf_refs_finish(&whole);
	ts_tree_delete(tree);
	lf_parser_destroy(parser);
	lf_source_finish(&src);
}

/*
 * The statement filter only saves time: on every case above, on text with
 * non-ASCII names, comments and strings, and on real files (Debian's
 * PyTorch and others, when installed), the refs are those of the whole walk.
 */
static void test_statement_filter_changes_nothing(void **state)
{
	(void)state;
	for (size_t i = 0; i < RESOLVE_CASE_COUNT; i++)
		assert_filter_changes_nothing(resolve_cases[i].name, (const uint8_t *)resolve_cases[i].code,
		                              (uint32_t)strlen(resolve_cases[i].code));
	static const char *const extra[] = {
	        /* fullwidth, ligature, mathematical letters: NFKC folds them */
	        "import pickle\n\xef\xbd\x90ickle.load(f)\n",
	        "import pickle\npickle.\xef\xac\x81le = 1\n\xf0\x9d\x90\xa9ickle.load(f)\n",
	        "import torch\ntorch.load(f, \xef\xbd\x97"
	        "eights_only=False)\n",
	        "import torch as t\xc3\xb6  # caf\xc3\xa9\ndef f(x):\n    s = '\xe2\x80\x9cq\xe2\x80\x9d'\n"
	        "    return t\xc3\xb6.load(x)\n",
	        "import pickle as \xce\xb1\n\xe2\x80\x94\xce\xb1.load(f)\n\xce\xb1\xe2\x80\x94.load(g)\n",
	        "import pickle\n\xc3\xa9pickle.load(f)\npickle\xc3\xa9.load(f)\n\xff pickle.load(f)\n",
	};
	for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
		assert_filter_changes_nothing(extra[i], (const uint8_t *)extra[i], (uint32_t)strlen(extra[i]));
	static const char *const files[] = {
	        "/usr/lib/python3/dist-packages/torch/serialization.py",
	        "/usr/lib/python3/dist-packages/torch/hub.py",
	        "/usr/lib/python3/dist-packages/torch/_tensor_docs.py",
	        "/usr/lib/python3/dist-packages/skorch/tests/test_net.py",
	        "/usr/lib/python3/dist-packages/numpy/core/tests/test_regression.py",
	        "/usr/lib/python3/dist-packages/scipy/stats/tests/test_stats.py",
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		lf_source src;
		char *error = NULL;
		if (!lf_source_read(&src, files[i], UINT32_MAX, &error)) {
			free(error); /* not installed here */
			continue;
		}
		assert_filter_changes_nothing(files[i], src.bytes, src.len);
		lf_source_finish(&src);
	}
}

int main(void)
{
	enum { CASES = RESOLVE_CASE_COUNT };
	struct CMUnitTest tests[CASES + 4];
	for (size_t i = 0; i < CASES; i++)
		tests[i] = (struct CMUnitTest){.name = resolve_cases[i].name,
		                               .test_func = run_case,
		                               .initial_state = (void *)&resolve_cases[i]};
	tests[CASES] = (struct CMUnitTest)cmocka_unit_test(test_refs_are_appended);
	tests[CASES + 1] = (struct CMUnitTest)cmocka_unit_test(test_many_refs_and_deep_nesting);
	tests[CASES + 2] = (struct CMUnitTest)cmocka_unit_test(test_node_text_is);
	tests[CASES + 3] = (struct CMUnitTest)cmocka_unit_test(test_statement_filter_changes_nothing);
	return _cmocka_run_group_tests("resolve", tests, CASES + 4, NULL, NULL);
}
