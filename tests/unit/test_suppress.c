/* Suppression comments: lf_comment_suppresses on comment text, and
 * lf_suppressed on real comments of a parsed file. */
#include "helpers.h"

#include "loadfix/parse.h"
#include "loadfix/source.h"
#include "loadfix/suppress.h"

static bool suppresses(const char *comment, const char *code)
{
	return lf_comment_suppresses((const uint8_t *)comment, (uint32_t)strlen(comment), code);
}

typedef struct comment_case {
	const char *comment;
	const char *code;
	bool suppressed;
} comment_case;

static const comment_case comment_cases[] = {
        /* blanket directives */
        {"# noqa", "LF001", true},
        {"#noqa", "LF001", true},
        {"# NOQA", "LF001", true},
        {"# NoQa", "LF004", true},
        {"#   noqa", "LF001", true},
        {"# nosec", "LF001", true},
        {"#nosec", "LF002", true},
        {"# NOSEC", "LF001", true},
        /* code lists */
        {"# noqa: LF001", "LF001", true},
        {"# noqa: LF001", "LF002", false},
        {"# noqa:LF001,LF002", "LF001", true},
        {"# noqa:LF001,LF002", "LF002", true},
        {"# noqa:LF001,LF002", "LF003", false},
        {"# noqa : LF001", "LF001", true},
        {"# noqa: E501", "LF001", false},
        {"# noqa: E501, LF001", "LF001", true},
        {"# noqa: E501 LF001", "LF001", true},
        {"# noqa: LF0011", "LF001", false},
        {"# noqa: LF00", "LF001", false},
        {"# noqa: XLF001", "LF001", false},
        /* Bandit: B614 is its torch.load check; codes work too */
        {"# nosec B614", "LF001", true},
        {"# nosec B614", "LF004", true},
        {"# nosec: B614", "LF001", true},
        {"# nosec B301", "LF001", false},
        {"# nosec B301, B614", "LF003", true},
        {"# nosec LF001", "LF001", true},
        {"# nosec LF001", "LF002", false},
        {"# noqa: B614", "LF001", false},
        /* the directive anywhere in the comment */
        {"# type: ignore  # noqa: LF001", "LF001", true},
        {"# type: ignore  # noqa: LF001", "LF002", false},
        {"# pylint: disable=foo # nosec", "LF002", true},
        /* not a directive */
        {"# noqanope", "LF001", false},
        {"# nosecurity", "LF001", false},
        {"# noqa-ish", "LF001", false},
        {"# this mentions noqa", "LF001", false},
        {"# this mentions nosec too", "LF001", false},
        {"#", "LF001", false},
        {"# load the weights", "LF001", false},
};

static void test_comment_cases(void **state)
{
	(void)state;
	int failures = 0;
	for (size_t i = 0; i < sizeof comment_cases / sizeof comment_cases[0]; i++) {
		const comment_case *c = &comment_cases[i];
		bool actual = suppresses(c->comment, c->code);
		if (actual != c->suppressed) {
			print_error("\"%s\" for %s: expected %s, got %s\n", c->comment, c->code,
			            c->suppressed ? "suppressed" : "not suppressed",
			            actual ? "suppressed" : "not suppressed");
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

static void test_length_is_respected(void **state)
{
	(void)state;
	/* only the first `len` bytes are the comment */
	assert_false(lf_comment_suppresses((const uint8_t *)"# nosec", 5, "LF001"));
	assert_false(lf_comment_suppresses((const uint8_t *)"# x # noqa", 4, "LF001"));
	assert_true(lf_comment_suppresses((const uint8_t *)"# noqa: LF001", 13, "LF001"));
	assert_false(lf_comment_suppresses((const uint8_t *)"# noqa: E501, LF001", 12, "LF001"));
	assert_false(lf_comment_suppresses((const uint8_t *)"", 0, "LF001"));
}

/* ---- lf_suppressed on a parsed file ------------------------------------ */

static const char FILE_TEXT[] = "import torch\n"
                                "a = torch.load(  # noqa: LF001\n"
                                "    p,\n"
                                ")\n"
                                "b = torch.load(\n"
                                "    p,\n"
                                ")  # nosec B614\n"
                                "c = torch.load(\n"
                                "    p,  # noqa\n"
                                ")\n"
                                "d = '# noqa'; torch.load(p)\n"
                                "e = torch.load(p)  # noqa: LF002\n"
                                "f = torch.load(p)  # noqa\n"
                                "g = torch.load('''\n"
                                "''', '# noqa')\n";

/* Whether the call starting at the n-th "torch.load(" is suppressed for code. */
static bool call_suppressed(int n, const char *code)
{
	lf_source src;
	source_from(&src, FILE_TEXT);
	lf_parser *parser = lf_parser_create();
	TSTree *tree = lf_parser_parse(parser, src.bytes, src.len);
	TSNode root = ts_tree_root_node(tree);
	uint32_t start = offset_of_nth(FILE_TEXT, "torch.load(", n);
	TSNode node = ts_node_named_descendant_for_byte_range(root, start, start + 5);
	while (strcmp(ts_node_type(node), "call") != 0)
		node = ts_node_parent(node);
	assert_int_equal(ts_node_start_byte(node), start);
	bool suppressed = lf_suppressed(&src, root, start, ts_node_end_byte(node), code);
	ts_tree_delete(tree);
	lf_parser_destroy(parser);
	lf_source_finish(&src);
	return suppressed;
}

static void test_first_line_of_span(void **state)
{
	(void)state;
	assert_true(call_suppressed(0, "LF001"));
	assert_false(call_suppressed(0, "LF002"));
}

static void test_last_line_of_span(void **state)
{
	(void)state;
	assert_true(call_suppressed(1, "LF001"));
	assert_true(call_suppressed(1, "LF004"));
}

static void test_middle_line_does_not_count(void **state)
{
	(void)state;
	assert_false(call_suppressed(2, "LF001"));
}

static void test_directive_in_string_does_not_count(void **state)
{
	(void)state;
	assert_false(call_suppressed(3, "LF001"));
	assert_false(call_suppressed(6, "LF001"));
}

static void test_single_line_codes(void **state)
{
	(void)state;
	assert_false(call_suppressed(4, "LF001"));
	assert_true(call_suppressed(4, "LF002"));
	assert_true(call_suppressed(5, "LF001"));
	assert_true(call_suppressed(5, "LF003"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_comment_cases),
	        cmocka_unit_test(test_length_is_respected),
	        cmocka_unit_test(test_first_line_of_span),
	        cmocka_unit_test(test_last_line_of_span),
	        cmocka_unit_test(test_middle_line_does_not_count),
	        cmocka_unit_test(test_directive_in_string_does_not_count),
	        cmocka_unit_test(test_single_line_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
