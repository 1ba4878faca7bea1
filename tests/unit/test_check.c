/*
 * lf_check / lf_check_source: the per-file pipeline and its fix loop.
 *
 * Fixes are applied in rounds: a fix that could not join a round's edit set
 * (an overlap) is retried on the re-parsed result, up to a cap of 8 rounds,
 * and when verification refuses a round the whole file is reported against
 * the original text with nothing changed.  On real code no two fixes
 * overlap and verification never refuses, so this test reaches those paths
 * through the linker (-Wl,--wrap, see meson.build), without touching src/:
 *   - lf_edit_set_add_fix: `one_fix_per_round` makes it refuse every fix
 *     but the first of a round, exactly as an overlap would;
 *   - lf_call_append_keyword: `bad_marker` makes the fixers' insertion for
 *     a call whose last argument starts with that text an unbalanced "((",
 *     which the real lf_apply_verified refuses (a bad edit, as
 *     test_verify.c injects one directly);
 *   - lf_apply_verified: counts the rounds that reached verification.
 */
#include "helpers.h"

#include "loadfix/buf.h"
#include "loadfix/check.h"
#include "loadfix/edit.h"
#include "loadfix/fixer.h"
#include "loadfix/verify.h"

/* ---- the hooks ------------------------------------------------------------ */

static bool one_fix_per_round;
static const char *bad_marker;
static int verify_calls;

bool __real_lf_edit_set_add_fix(lf_edit_set *set, const lf_fix *fix, uint32_t source_len);
bool __wrap_lf_edit_set_add_fix(lf_edit_set *set, const lf_fix *fix, uint32_t source_len);
bool __wrap_lf_edit_set_add_fix(lf_edit_set *set, const lf_fix *fix, uint32_t source_len)
{
	if (one_fix_per_round && set->count > 0)
		return false; /* as if it overlapped the fix already in the set */
	return __real_lf_edit_set_add_fix(set, fix, source_len);
}

bool __real_lf_call_append_keyword(const lf_call_args *args, const lf_source *src, const char *keyword, lf_fix *fix);
bool __wrap_lf_call_append_keyword(const lf_call_args *args, const lf_source *src, const char *keyword, lf_fix *fix);
bool __wrap_lf_call_append_keyword(const lf_call_args *args, const lf_source *src, const char *keyword, lf_fix *fix)
{
	if (bad_marker && !ts_node_is_null(args->last)) {
		uint32_t at = ts_node_start_byte(args->last);
		size_t n = strlen(bad_marker);
		if (at + n <= src->len && memcmp(src->bytes + at, bad_marker, n) == 0)
			keyword = "((";
	}
	return __real_lf_call_append_keyword(args, src, keyword, fix);
}

bool __real_lf_apply_verified(lf_parser *parser, const lf_source *src, uint32_t errors_before, const lf_edit_set *edits,
                              uint8_t **out, uint32_t *out_len, TSTree **out_tree);
bool __wrap_lf_apply_verified(lf_parser *parser, const lf_source *src, uint32_t errors_before, const lf_edit_set *edits,
                              uint8_t **out, uint32_t *out_len, TSTree **out_tree);
bool __wrap_lf_apply_verified(lf_parser *parser, const lf_source *src, uint32_t errors_before, const lf_edit_set *edits,
                              uint8_t **out, uint32_t *out_len, TSTree **out_tree)
{
	verify_calls++;
	return __real_lf_apply_verified(parser, src, errors_before, edits, out, out_len, out_tree);
}

static int reset_hooks(void **state)
{
	(void)state;
	one_fix_per_round = false;
	bad_marker = NULL;
	verify_calls = 0;
	return 0;
}

/* ---- helpers -------------------------------------------------------------- */

static lf_check_options all_rules(bool fix, bool unsafe)
{
	lf_check_options options;
	memset(&options, 0, sizeof options);
	for (size_t i = 0; i < lf_fixer_count; i++)
		options.enabled[i] = true;
	options.fix = fix;
	options.unsafe_fixes = unsafe;
	return options;
}

/* Runs lf_check on a copy of `code`. */
static void check(const char *code, const lf_check_options *options, lf_doc *result)
{
	size_t len = strlen(code);
	uint8_t *bytes = malloc(len + 1);
	assert_non_null(bytes);
	memcpy(bytes, code, len + 1);
	lf_worker *worker = lf_worker_create();
	lf_check(worker, options, bytes, (uint32_t)len, result);
	lf_worker_destroy(worker);
}

static void assert_text(const lf_source *src, const char *expected)
{
	assert_int_equal(src->len, strlen(expected));
	assert_memory_equal(src->bytes, expected, src->len);
	assert_int_equal(src->bytes[src->len], '\0');
}

/* The finding i's code and the text its span starts with. */
static void assert_diag(const lf_doc *result, uint32_t i, const char *code, const char *starts_with)
{
	assert_true(i < result->diags.count);
	const lf_diag *diag = &result->diags.items[i];
	assert_string_equal(diag->rule->code, code);
	const lf_source *text = lf_doc_text(result);
	assert_true(diag->end <= text->len);
	size_t n = strlen(starts_with);
	assert_true(diag->start + n <= text->len);
	assert_memory_equal(text->bytes + diag->start, starts_with, n);
}

/* ---- report mode ---------------------------------------------------------- */

static void test_report_mode_changes_nothing(void **state)
{
	(void)state;
	const char *code = "import torch\na = torch.load(p)\nb = torch.load(q, weights_only=False)\n";
	lf_check_options options = all_rules(false, true);
	lf_doc result;
	check(code, &options, &result);
	assert_null(result.error);
	assert_true(result.parsed);
	assert_false(result.changed);
	assert_int_equal(result.fixed_count, 0);
	assert_int_equal(verify_calls, 0);
	assert_int_equal(result.diags.count, 2);
	assert_diag(&result, 0, "LF001", "torch.load(p)");
	assert_diag(&result, 1, "LF002", "weights_only=False");
	assert_ptr_equal(lf_doc_text(&result), &result.original);
	assert_text(&result.original, code);
	lf_doc_finish(&result);
}

static void test_prefilter_skips_the_parse(void **state)
{
	(void)state;
	lf_check_options options = all_rules(true, true);
	lf_doc result;
	check("import json\nx = json.load(f)\n", &options, &result);
	assert_false(result.parsed);
	assert_false(result.changed);
	assert_null(result.error);
	assert_int_equal(result.diags.count, 0);
	assert_int_equal(verify_calls, 0);
	lf_doc_finish(&result);
}

static void test_findings_sorted_by_position(void **state)
{
	(void)state;
	/* The outer call is found first, but its LF002 starts at the keyword,
	 * after the inner call's LF001: findings come out in position order. */
	const char *code = "import torch\nf = torch.load\nx = torch.load(torch.load(a), weights_only=False)\n";
	lf_check_options options = all_rules(false, false);
	lf_doc result;
	check(code, &options, &result);
	assert_int_equal(result.diags.count, 3);
	assert_diag(&result, 0, "LF004", "torch.load\n");
	assert_diag(&result, 1, "LF001", "torch.load(a)");
	assert_diag(&result, 2, "LF002", "weights_only=False");
	assert_true(result.diags.items[0].start < result.diags.items[1].start);
	assert_true(result.diags.items[1].start < result.diags.items[2].start);
	lf_doc_finish(&result);
}

static void test_suppressed_finding_dropped(void **state)
{
	(void)state;
	lf_check_options options = all_rules(true, false);
	lf_doc result;
	check("import torch\nx = torch.load(a)  # noqa: LF001\ny = torch.load(b)\n", &options, &result);
	assert_int_equal(result.fixed_count, 1);
	assert_int_equal(result.diags.count, 0);
	assert_text(&result.fixed,
	            "import torch\nx = torch.load(a)  # noqa: LF001\ny = torch.load(b, weights_only=True)\n");
	lf_doc_finish(&result);
}

static void test_disabled_rule_not_reported(void **state)
{
	(void)state;
	lf_check_options options = all_rules(true, false);
	options.enabled[0] = false; /* LF001 */
	lf_doc result;
	check("import torch\nx = torch.load(a)\n", &options, &result);
	assert_int_equal(result.diags.count, 0);
	assert_false(result.changed);
	assert_int_equal(result.fixed_count, 0);
	lf_doc_finish(&result);
}

/* ---- fixing --------------------------------------------------------------- */

static void test_nested_calls_fixed_in_one_round(void **state)
{
	(void)state;
	lf_check_options options = all_rules(true, false);
	lf_doc result;
	check("import torch\nx = torch.load(torch.load(a))\n", &options, &result);
	assert_null(result.error);
	assert_true(result.changed);
	assert_int_equal(result.fixed_count, 2);
	assert_int_equal(result.diags.count, 0);
	/* the edits do not overlap: one verified round, then a lint that finds
	 * nothing more to apply */
	assert_int_equal(verify_calls, 1);
	assert_text(&result.fixed,
	            "import torch\nx = torch.load(torch.load(a, weights_only=True), weights_only=True)\n");
	assert_text(&result.original, "import torch\nx = torch.load(torch.load(a))\n");
	assert_ptr_equal(lf_doc_text(&result), &result.fixed);
	lf_doc_finish(&result);
}

static void test_dropped_fix_retried_on_reparsed_result(void **state)
{
	(void)state;
	one_fix_per_round = true;
	lf_check_options options = all_rules(true, false);
	lf_doc result;
	check("import torch\nx = torch.load(torch.load(a))\ny = torch.load(b)\n", &options, &result);
	assert_null(result.error);
	assert_true(result.changed);
	/* each round got one fix in; the others were found again in the
	 * re-parsed text and applied in the next rounds */
	assert_int_equal(verify_calls, 3);
	assert_int_equal(result.fixed_count, 3);
	assert_int_equal(result.diags.count, 0);
	assert_text(&result.fixed, "import torch\nx = torch.load(torch.load(a, weights_only=True), weights_only=True)\n"
	                           "y = torch.load(b, weights_only=True)\n");
	lf_doc_finish(&result);
}

static void test_findings_left_point_into_fixed_text(void **state)
{
	(void)state;
	/* LF001 fixed (it moves everything after it); LF002 left (no
	 * --unsafe-fixes); pickle_module: no fix at all */
	const char *code = "import torch\na = torch.load(p)\nb = torch.load(q, weights_only=False)\n"
	                   "c = torch.load(r, pickle_module=m)\n";
	lf_check_options options = all_rules(true, false);
	lf_doc result;
	check(code, &options, &result);
	assert_null(result.error);
	assert_true(result.changed);
	assert_int_equal(result.fixed_count, 1);
	assert_int_equal(result.diags.count, 2);
	assert_diag(&result, 0, "LF002", "weights_only=False");
	assert_int_equal(result.diags.items[0].fix.applicability, LF_FIX_UNSAFE);
	assert_false(lf_check_fix_applies(&options, &result.diags.items[0]));
	assert_diag(&result, 1, "LF001", "torch.load(r, pickle_module=m)");
	assert_int_equal(result.diags.items[1].fix.applicability, LF_FIX_NONE);
	assert_text(&result.fixed, "import torch\na = torch.load(p, weights_only=True)\n"
	                           "b = torch.load(q, weights_only=False)\nc = torch.load(r, pickle_module=m)\n");
	lf_doc_finish(&result);
}

static void test_unsafe_fixes_applied_when_asked(void **state)
{
	(void)state;
	lf_check_options options = all_rules(true, true);
	lf_doc result;
	check("import torch\nb = torch.load(q, weights_only=False)\n", &options, &result);
	assert_true(result.changed);
	assert_int_equal(result.fixed_count, 1);
	assert_int_equal(result.diags.count, 0);
	assert_text(&result.fixed, "import torch\nb = torch.load(q, weights_only=True)\n");
	lf_doc_finish(&result);
}

static void test_nothing_to_fix_is_unchanged(void **state)
{
	(void)state;
	lf_check_options options = all_rules(true, true);
	lf_doc result;
	check("import torch\nx = torch.load(a, weights_only=True)\ny = torch.load(b, **kw)\n", &options, &result);
	assert_null(result.error);
	assert_false(result.changed);
	assert_int_equal(result.fixed_count, 0);
	assert_int_equal(verify_calls, 0);
	assert_int_equal(result.diags.count, 1);
	assert_diag(&result, 0, "LF001", "torch.load(b, **kw)");
	assert_ptr_equal(lf_doc_text(&result), &result.original);
	lf_doc_finish(&result);
}

static void test_round_cap(void **state)
{
	(void)state;
	one_fix_per_round = true;
	lf_buf code;
	lf_buf_init(&code);
	lf_buf_puts(&code, "import torch\n");
	for (int i = 0; i < 10; i++)
		lf_buf_printf(&code, "x%d = torch.load(p%d)\n", i, i);
	lf_check_options options = all_rules(true, false);
	lf_doc result;
	check(code.data, &options, &result);
	/* 8 rounds of one fix each, then the loop stops with two fixable
	 * findings left (in the text as fixed so far) and no error */
	assert_int_equal(verify_calls, 8);
	assert_null(result.error);
	assert_true(result.changed);
	assert_int_equal(result.fixed_count, 8);
	assert_int_equal(result.diags.count, 2);
	assert_diag(&result, 0, "LF001", "torch.load(p8)");
	assert_diag(&result, 1, "LF001", "torch.load(p9)");
	assert_true(lf_check_fix_applies(&options, &result.diags.items[0]));
	lf_buf expected;
	lf_buf_init(&expected);
	lf_buf_puts(&expected, "import torch\n");
	for (int i = 0; i < 10; i++)
		lf_buf_printf(&expected,
		              i < 8 ? "x%d = torch.load(p%d, weights_only=True)\n" : "x%d = torch.load(p%d)\n", i, i);
	assert_text(&result.fixed, expected.data);
	lf_buf_finish(&expected);
	lf_buf_finish(&code);
	lf_doc_finish(&result);
}

/* ---- the revert ----------------------------------------------------------- */

static void check_reverted(lf_doc *result, const char *code, uint32_t findings)
{
	assert_non_null(result->error);
	assert_non_null(strstr(result->error, "would have introduced a syntax error"));
	assert_false(result->changed);
	assert_int_equal(result->fixed_count, 0);
	assert_ptr_equal(lf_doc_text(result), &result->original);
	assert_text(&result->original, code);
	/* every finding of the original, reported against the original */
	assert_int_equal(result->diags.count, findings);
}

static void test_refused_first_round_reverts(void **state)
{
	(void)state;
	bad_marker = "bad";
	const char *code = "import torch\na = torch.load(good)\nb = torch.load(bad)\n";
	lf_check_options options = all_rules(true, false);
	lf_doc result;
	check(code, &options, &result);
	assert_int_equal(verify_calls, 1);
	check_reverted(&result, code, 2);
	assert_diag(&result, 0, "LF001", "torch.load(good)");
	assert_diag(&result, 1, "LF001", "torch.load(bad)");
	lf_doc_finish(&result);
}

static void test_refused_later_round_reverts_earlier_rounds(void **state)
{
	(void)state;
	bad_marker = "bad";
	one_fix_per_round = true;
	/* round 1 fixes `good`; round 2's `bad` is refused: round 1 is undone */
	const char *code =
	        "import torch\na = torch.load(good)\nb = torch.load(bad)\nc = torch.load(q, weights_only=False)\n";
	lf_check_options options = all_rules(true, false);
	lf_doc result;
	check(code, &options, &result);
	assert_int_equal(verify_calls, 2);
	check_reverted(&result, code, 3);
	assert_diag(&result, 0, "LF001", "torch.load(good)");
	assert_diag(&result, 1, "LF001", "torch.load(bad)");
	assert_diag(&result, 2, "LF002", "weights_only=False");
	/* reported, not fixed: the fixes are still there for the report */
	assert_int_equal(result.diags.items[0].fix.applicability, LF_FIX_SAFE);
	lf_doc_finish(&result);
}

/* ---- inputs and errors ---------------------------------------------------- */

static void test_check_source_takes_ownership(void **state)
{
	(void)state;
	const char *code = "import torch\nx = torch.load(a)\n";
	lf_source src;
	source_from(&src, code);
	uint8_t *bytes = src.bytes;
	lf_check_options options = all_rules(true, false);
	lf_doc result;
	lf_worker *worker = lf_worker_create();
	lf_check_source(worker, &options, &src, &result);
	lf_worker_destroy(worker);
	assert_null(src.bytes);
	assert_null(src.line_starts);
	assert_ptr_equal(result.original.bytes, bytes);
	assert_true(result.changed);
	assert_int_equal(result.fixed_count, 1);
	assert_text(&result.fixed, "import torch\nx = torch.load(a, weights_only=True)\n");
	lf_doc_finish(&result);
}

static void test_too_deep_refused_before_parsing(void **state)
{
	(void)state;
	lf_buf code;
	lf_buf_init(&code);
	lf_buf_puts(&code, "import torch\nx = torch.load(");
	for (int i = 0; i < 10001; i++)
		lf_buf_putc(&code, '[');
	lf_buf_putc(&code, '\n');
	lf_check_options options = all_rules(true, false);
	lf_doc result;
	check(code.data, &options, &result);
	assert_non_null(result.error);
	assert_non_null(strstr(result.error, "nested more than 10000 deep"));
	assert_false(result.parsed);
	assert_false(result.changed);
	assert_int_equal(result.diags.count, 0);
	lf_doc_finish(&result);
	lf_buf_finish(&code);
}

static void test_worker_reused_across_files(void **state)
{
	(void)state;
	lf_worker *worker = lf_worker_create();
	lf_check_options options = all_rules(true, false);
	const char *codes[] = {"import torch\nx = torch.load(a)\n", "import torch\nx = torch.load(\n",
	                       "import torch\ny = torch.load(b)\n"};
	uint32_t fixed[] = {1, 0, 1};
	for (int i = 0; i < 3; i++) {
		size_t len = strlen(codes[i]);
		uint8_t *bytes = malloc(len + 1);
		assert_non_null(bytes);
		memcpy(bytes, codes[i], len + 1);
		lf_doc result;
		lf_check(worker, &options, bytes, (uint32_t)len, &result);
		assert_null(result.error);
		assert_int_equal(result.fixed_count, fixed[i]);
		assert_int_equal(result.changed, fixed[i] > 0);
		lf_doc_finish(&result);
	}
	lf_worker_destroy(worker);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_report_mode_changes_nothing, reset_hooks),
	        cmocka_unit_test_setup(test_prefilter_skips_the_parse, reset_hooks),
	        cmocka_unit_test_setup(test_findings_sorted_by_position, reset_hooks),
	        cmocka_unit_test_setup(test_suppressed_finding_dropped, reset_hooks),
	        cmocka_unit_test_setup(test_disabled_rule_not_reported, reset_hooks),
	        cmocka_unit_test_setup(test_nested_calls_fixed_in_one_round, reset_hooks),
	        cmocka_unit_test_setup(test_dropped_fix_retried_on_reparsed_result, reset_hooks),
	        cmocka_unit_test_setup(test_findings_left_point_into_fixed_text, reset_hooks),
	        cmocka_unit_test_setup(test_unsafe_fixes_applied_when_asked, reset_hooks),
	        cmocka_unit_test_setup(test_nothing_to_fix_is_unchanged, reset_hooks),
	        cmocka_unit_test_setup(test_round_cap, reset_hooks),
	        cmocka_unit_test_setup(test_refused_first_round_reverts, reset_hooks),
	        cmocka_unit_test_setup(test_refused_later_round_reverts_earlier_rounds, reset_hooks),
	        cmocka_unit_test_setup(test_check_source_takes_ownership, reset_hooks),
	        cmocka_unit_test_setup(test_too_deep_refused_before_parsing, reset_hooks),
	        cmocka_unit_test_setup(test_worker_reused_across_files, reset_hooks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
