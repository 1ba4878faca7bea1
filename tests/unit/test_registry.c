/* The fixer table: sorted by code, complete, and searchable. */
#include <ctype.h>

#include "helpers.h"

#include "loadfix/call.h"
#include "loadfix/check.h"
#include "loadfix/fixer.h"
#include "loadfix/parse.h"

static void test_table_sorted_strictly_ascending(void **state)
{
	(void)state;
	assert_true(lf_fixer_count >= 1);
	for (size_t i = 1; i < lf_fixer_count; i++) {
		if (strcmp(lf_fixers[i - 1]->rule->code, lf_fixers[i]->rule->code) >= 0)
			print_error("lf_fixers[%zu] = %s does not sort after lf_fixers[%zu] = %s\n", i,
			            lf_fixers[i]->rule->code, i - 1, lf_fixers[i - 1]->rule->code);
		assert_true(strcmp(lf_fixers[i - 1]->rule->code, lf_fixers[i]->rule->code) < 0);
	}
}

static void test_table_fits_check_options(void **state)
{
	(void)state;
	/* lf_check_options.enabled is indexed by position in the table */
	assert_true(lf_fixer_count <= LF_MAX_RULES);
}

static void test_entries_complete(void **state)
{
	(void)state;
	for (size_t i = 0; i < lf_fixer_count; i++) {
		const lf_fixer *fixer = lf_fixers[i];
		assert_non_null(fixer);
		assert_non_null(fixer->check);
		const char *code = fixer->rule->code;
		assert_non_null(code);
		/* "LF" and three digits */
		assert_int_equal(strlen(code), 5);
		assert_memory_equal(code, "LF", 2);
		assert_true(isdigit((unsigned char)code[2]) && isdigit((unsigned char)code[3]) &&
		            isdigit((unsigned char)code[4]));
		assert_non_null(fixer->rule->name);
		assert_true(fixer->rule->name[0] != '\0');
		assert_non_null(fixer->rule->summary);
		assert_true(fixer->rule->summary[0] != '\0');
		assert_non_null(fixer->rule->help);
		assert_true(fixer->rule->help[0] != '\0');
	}
}

static void test_known_rules_present(void **state)
{
	(void)state;
	static const char *const codes[] = {"LF001", "LF002", "LF003", "LF004"};
	assert_true(lf_fixer_count >= 4);
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(lf_fixers[i]->rule->code, codes[i]);
}

static void test_find_each(void **state)
{
	(void)state;
	for (size_t i = 0; i < lf_fixer_count; i++) {
		/* a copy: found by content, not by pointer */
		char code[16];
		snprintf(code, sizeof code, "%s", lf_fixers[i]->rule->code);
		assert_ptr_equal(lf_fixer_find(code), lf_fixers[i]);
	}
}

static void test_find_unknown(void **state)
{
	(void)state;
	static const char *const unknown[] = {
	        "", "L", "LF", "LF0", "LF00", "LF0011", "LF001 ", " LF001", "lf001", "LF000", "LF999", "B614", "E501",
	};
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		if (lf_fixer_find(unknown[i]))
			print_error("lf_fixer_find(\"%s\") found something\n", unknown[i]);
		assert_null(lf_fixer_find(unknown[i]));
	}
}

static void test_insert_blocker(void **state)
{
	(void)state;
	lf_call_args args;
	memset(&args, 0, sizeof args);
	args.is_argument_list = true;
	assert_null(lf_fixer_insert_blocker(&args));

	/* each reason on its own */
	lf_call_args with_error = args, generator = args, pickler = args, kwargs = args, star = args;
	with_error.has_error = true;
	generator.is_argument_list = false;
	kwargs.star_kwargs = true;
	star.star_args = true;
	const char *reasons[5];
	reasons[0] = lf_fixer_insert_blocker(&with_error);
	reasons[1] = lf_fixer_insert_blocker(&generator);
	reasons[3] = lf_fixer_insert_blocker(&kwargs);
	reasons[4] = lf_fixer_insert_blocker(&star);
	/* pickle_module is a node: any non-null one will do */
	lf_parser *parser = lf_parser_create();
	TSTree *tree = lf_parser_parse(parser, (const uint8_t *)"x", 1);
	pickler.blocker = ts_tree_root_node(tree);
	reasons[2] = lf_fixer_insert_blocker(&pickler);
	for (int i = 0; i < 5; i++) {
		assert_non_null(reasons[i]);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(reasons[i], reasons[j]);
	}
	/* a syntax error outranks everything else */
	lf_call_args all = pickler;
	all.has_error = all.star_args = all.star_kwargs = true;
	assert_string_equal(lf_fixer_insert_blocker(&all), reasons[0]);
	ts_tree_delete(tree);
	lf_parser_destroy(parser);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_table_sorted_strictly_ascending),
	        cmocka_unit_test(test_table_fits_check_options),
	        cmocka_unit_test(test_entries_complete),
	        cmocka_unit_test(test_known_rules_present),
	        cmocka_unit_test(test_find_each),
	        cmocka_unit_test(test_find_unknown),
	        cmocka_unit_test(test_insert_blocker),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
