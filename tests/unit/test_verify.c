/* lf_apply_verified: the re-parse that refuses edits which break the file. */
#include "helpers.h"

#include "loadfix/edit.h"
#include "loadfix/parse.h"
#include "loadfix/source.h"
#include "loadfix/partial.h"
#include "loadfix/verify.h"

/* Parse errors in `code` as it stands. */
static uint32_t errors_in(lf_parser *parser, const lf_source *src)
{
	TSTree *tree = lf_parser_parse(parser, src->bytes, src->len);
	assert_non_null(tree);
	uint32_t errors = lf_count_parse_errors(ts_tree_root_node(tree));
	ts_tree_delete(tree);
	return errors;
}

/*
 * Applies one edit (replace [start, end) of `code` with `text`) through
 * lf_apply_verified, with errors_before counted on `code` itself.  Returns
 * whether it was accepted; when it was, checks the bytes are `expected`.
 */
static bool verify_edit(const char *code, uint32_t start, uint32_t end, const char *text, const char *expected)
{
	lf_source src;
	source_from(&src, code);
	lf_parser *parser = lf_parser_create();
	uint32_t errors_before = errors_in(parser, &src);
	lf_fix fix;
	lf_fix_init(&fix);
	lf_fix_replace(&fix, start, end, text);
	lf_edit_set set;
	lf_edit_set_init(&set);
	assert_true(lf_edit_set_add_fix(&set, &fix, src.len));

	uint8_t *out = (uint8_t *)"sentinel";
	uint32_t out_len = 0;
	TSTree *out_tree = (TSTree *)&out_len; /* anything but NULL */
	bool ok = lf_apply_verified(parser, &src, errors_before, &set, &out, &out_len, &out_tree);
	if (ok) {
		assert_non_null(out);
		assert_non_null(out_tree);
		assert_non_null(expected);
		assert_int_equal(out_len, strlen(expected));
		assert_memory_equal(out, expected, out_len);
		assert_int_equal(out[out_len], '\0');
		/* the tree is the parse of the new bytes */
		TSNode root = ts_tree_root_node(out_tree);
		assert_int_equal(ts_node_end_byte(root), out_len);
		assert_true(lf_count_parse_errors(root) <= errors_before);
		free(out);
		ts_tree_delete(out_tree);
	} else {
		assert_null(out);
		assert_null(out_tree);
	}
	lf_edit_set_finish(&set);
	lf_fix_finish(&fix);
	lf_parser_destroy(parser);
	lf_source_finish(&src);
	return ok;
}

#define CALL "import torch\nx = torch.load(p)\n"

static void test_good_insertion_accepted(void **state)
{
	(void)state;
	uint32_t at = offset_of(CALL, ")");
	assert_true(verify_edit(CALL, at, at, ", weights_only=True",
	                        "import torch\nx = torch.load(p, weights_only=True)\n"));
}

static void test_good_replacement_accepted(void **state)
{
	(void)state;
	const char *code = "import torch\nx = torch.load(p, weights_only=False)\n";
	uint32_t at = offset_of(code, "False");
	assert_true(verify_edit(code, at, at + 5, "True", "import torch\nx = torch.load(p, weights_only=True)\n"));
}

static void test_unbalanced_insertion_refused(void **state)
{
	(void)state;
	uint32_t at = offset_of(CALL, ")");
	assert_false(verify_edit(CALL, at, at, "((", NULL));
	assert_false(verify_edit(CALL, at, at, ", weights_only=", NULL));
}

static void test_deleted_paren_refused(void **state)
{
	(void)state;
	uint32_t at = offset_of(CALL, ")");
	assert_false(verify_edit(CALL, at, at + 1, "", NULL));
}

static void test_file_with_errors_accepts_harmless_edit(void **state)
{
	(void)state;
	const char *code = "import torch\nx = torch.load(p)\ndef broken(:\n    pass\n";
	lf_source src;
	source_from(&src, code);
	lf_parser *parser = lf_parser_create();
	assert_true(errors_in(parser, &src) > 0);
	lf_parser_destroy(parser);
	lf_source_finish(&src);

	uint32_t at = offset_of(code, ")");
	assert_true(verify_edit(code, at, at, ", weights_only=True",
	                        "import torch\nx = torch.load(p, weights_only=True)\ndef broken(:\n    pass\n"));
	/* ...but still refuses an edit that adds an error of its own */
	assert_false(verify_edit(code, at, at, "((", NULL));
}

static void test_edit_that_repairs_errors_accepted(void **state)
{
	(void)state;
	const char *code = "x = (1\ny = 2\n";
	uint32_t at = offset_of(code, "1") + 1;
	assert_true(verify_edit(code, at, at, ")", "x = (1)\ny = 2\n"));
}

static void test_empty_set_keeps_bytes(void **state)
{
	(void)state;
	const char *code = "def broken(:\n";
	lf_source src;
	source_from(&src, code);
	lf_parser *parser = lf_parser_create();
	lf_edit_set set;
	lf_edit_set_init(&set);
	uint8_t *out;
	uint32_t out_len;
	TSTree *tree;
	assert_true(lf_apply_verified(parser, &src, errors_in(parser, &src), &set, &out, &out_len, &tree));
	assert_int_equal(out_len, src.len);
	assert_memory_equal(out, code, out_len);
	/* errors_before below the real count: even no edit is refused */
	assert_true(errors_in(parser, &src) > 0);
	free(out);
	ts_tree_delete(tree);
	assert_false(lf_apply_verified(parser, &src, 0, &set, &out, &out_len, &tree));
	assert_null(out);
	assert_null(tree);
	lf_edit_set_finish(&set);
	lf_parser_destroy(parser);
	lf_source_finish(&src);
}

static void test_count_parse_errors(void **state)
{
	(void)state;
	lf_parser *parser = lf_parser_create();
	lf_source src;
	source_from(&src, "import torch\nx = torch.load(p)\n");
	assert_int_equal(errors_in(parser, &src), 0);
	lf_source_finish(&src);
	source_from(&src, "");
	assert_int_equal(errors_in(parser, &src), 0);
	lf_source_finish(&src);
	source_from(&src, "x = torch.load(p\n");
	assert_true(errors_in(parser, &src) >= 1);
	lf_source_finish(&src);

	/* deep nesting: iterative, no stack overflow */
	enum { DEPTH = 30000 }; /* libtree-sitter 0.20.7 itself crashes (invalid free) past ~65,000 */
	char *deep = malloc(DEPTH + 2);
	assert_non_null(deep);
	memset(deep, '(', DEPTH);
	deep[DEPTH] = '\n';
	deep[DEPTH + 1] = '\0';
	source_from(&src, deep);
	assert_true(errors_in(parser, &src) >= 1);
	lf_source_finish(&src);
	free(deep);
	lf_parser_destroy(parser);
}

/*
 * The partial, incremental path: one edit through lf_apply_verified_partial.
 * When accepted, the bytes must be `expected`, the partial text must be the
 * old one with the edit, and the incrementally re-parsed tree must be the
 * tree a fresh parse of that text gives (same S-expression).  When refused,
 * nothing may have moved.
 */
static bool verify_partial_edit(const char *code, uint32_t start, uint32_t end, const char *text, const char *expected)
{
	lf_source src;
	source_from(&src, code);
	lf_parser *parser = lf_parser_create();
	lf_partial partial;
	assert_true(lf_partial_init(&partial, src.bytes, src.len));
	char *before = strdup((const char *)partial.text);
	TSTree *tree = lf_parser_parse(parser, partial.text, partial.len);
	assert_int_equal(lf_count_parse_errors(ts_tree_root_node(tree)), 0);
	lf_fix fix;
	lf_fix_init(&fix);
	lf_fix_replace(&fix, start, end, text);
	lf_edit_set set;
	lf_edit_set_init(&set);
	assert_true(lf_edit_set_add_fix(&set, &fix, src.len));
	assert_true(lf_partial_covers(&partial, &set));
	uint8_t *out;
	uint32_t out_len;
	TSTree *out_tree;
	bool ok = lf_apply_verified_partial(parser, &src, &partial, tree, 0, &set, &out, &out_len, &out_tree);
	if (ok) {
		assert_int_equal(out_len, strlen(expected));
		assert_memory_equal(out, expected, out_len);
		uint32_t blank_len;
		uint8_t *blank = lf_edit_set_apply(&set, (const uint8_t *)before, (uint32_t)strlen(before), &blank_len);
		assert_int_equal(partial.len, blank_len);
		assert_memory_equal(partial.text, blank, blank_len);
		TSTree *fresh = lf_parser_parse(parser, partial.text, partial.len);
		char *a = ts_node_string(ts_tree_root_node(fresh)), *b = ts_node_string(ts_tree_root_node(out_tree));
		assert_string_equal(a, b);
		assert_int_equal(ts_node_end_byte(ts_tree_root_node(out_tree)),
		                 ts_node_end_byte(ts_tree_root_node(fresh)));
		free(a);
		free(b);
		free(blank);
		free(out);
		ts_tree_delete(fresh);
		ts_tree_delete(out_tree);
	} else {
		assert_null(out);
		assert_null(out_tree);
		assert_string_equal((const char *)partial.text, before);
	}
	free(before);
	ts_tree_delete(tree);
	lf_edit_set_finish(&set);
	lf_fix_finish(&fix);
	lf_partial_finish(&partial);
	lf_parser_destroy(parser);
	lf_source_finish(&src);
	return ok;
}

#define PARTIAL_CALL "import torch\nimport os\n\ndef f(p):\n    return torch.load(\n        p)\nz = os.sep\n"

static void test_partial_insertion_accepted_incrementally(void **state)
{
	(void)state;
	uint32_t at = offset_of(PARTIAL_CALL, "p)\nz") + 1;
	assert_true(verify_partial_edit(PARTIAL_CALL, at, at, ",\n        weights_only=True",
	                                "import torch\nimport os\n\ndef f(p):\n    return torch.load(\n        p,\n"
	                                "        weights_only=True)\nz = os.sep\n"));
	uint32_t first = offset_of(PARTIAL_CALL, "import torch");
	assert_true(verify_partial_edit(
	        PARTIAL_CALL, first + 7, first + 12, "torch as torch",
	        "import torch as torch\nimport os\n\ndef f(p):\n    return torch.load(\n        p)\n"
	        "z = os.sep\n"));
}

static void test_partial_breaking_edit_refused(void **state)
{
	(void)state;
	uint32_t at = offset_of(PARTIAL_CALL, "p)\nz") + 1;
	assert_false(verify_partial_edit(PARTIAL_CALL, at, at + 1, "", NULL)); /* deletes the ')' */
	assert_false(verify_partial_edit(PARTIAL_CALL, at, at, ", '", NULL));  /* opens a string */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_good_insertion_accepted),
	        cmocka_unit_test(test_good_replacement_accepted),
	        cmocka_unit_test(test_unbalanced_insertion_refused),
	        cmocka_unit_test(test_deleted_paren_refused),
	        cmocka_unit_test(test_file_with_errors_accepts_harmless_edit),
	        cmocka_unit_test(test_edit_that_repairs_errors_accepted),
	        cmocka_unit_test(test_empty_set_keeps_bytes),
	        cmocka_unit_test(test_count_parse_errors),
	        cmocka_unit_test(test_partial_insertion_accepted_incrementally),
	        cmocka_unit_test(test_partial_breaking_edit_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
