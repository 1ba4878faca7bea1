/* lf_fix / lf_edit_set: adding fixes whole or not at all, and applying. */
#include "helpers.h"

#include "loadfix/edit.h"

#define SOURCE "torch.load(p, weights_only=False)\n"

/* Applies `set` to `source` and checks the exact result. */
static void assert_applies_to(const lf_edit_set *set, const char *source, const char *expected)
{
	uint32_t out_len = 12345;
	uint8_t *out = lf_edit_set_apply(set, (const uint8_t *)source, (uint32_t)strlen(source), &out_len);
	assert_non_null(out);
	assert_int_equal(out_len, strlen(expected));
	assert_memory_equal(out, expected, out_len);
	assert_int_equal(out[out_len], '\0');
	free(out);
}

/* A one-edit fix: replaces [start, end) with text. */
static lf_fix one_edit(uint32_t start, uint32_t end, const char *text)
{
	lf_fix fix;
	lf_fix_init(&fix);
	lf_fix_replace(&fix, start, end, text);
	return fix;
}

/* A two-edit fix. */
static lf_fix two_edits(uint32_t s1, uint32_t e1, const char *t1, uint32_t s2, uint32_t e2, const char *t2)
{
	lf_fix fix = one_edit(s1, e1, t1);
	lf_fix_replace(&fix, s2, e2, t2);
	return fix;
}

static void assert_set_starts(const lf_edit_set *set, const uint32_t *starts, const uint32_t *ends, uint32_t count)
{
	assert_int_equal(set->count, count);
	for (uint32_t i = 0; i < count; i++) {
		assert_int_equal(set->edits[i].start, starts[i]);
		assert_int_equal(set->edits[i].end, ends[i]);
	}
}

static void test_fix_builders(void **state)
{
	(void)state;
	lf_fix fix;
	lf_fix_init(&fix);
	assert_int_equal(fix.count, 0);
	assert_null(fix.edits);
	assert_int_equal(fix.applicability, LF_FIX_NONE);
	lf_fix_insert(&fix, 7, "ins");
	lf_fix_replace(&fix, 2, 5, "rep");
	assert_int_equal(fix.count, 2);
	assert_int_equal(fix.edits[0].start, 7);
	assert_int_equal(fix.edits[0].end, 7);
	assert_string_equal(fix.edits[0].text, "ins");
	assert_int_equal(fix.edits[1].start, 2);
	assert_int_equal(fix.edits[1].end, 5);
	assert_string_equal(fix.edits[1].text, "rep");
	lf_fix_finish(&fix);
	assert_int_equal(fix.count, 0);
	assert_null(fix.edits);
}

static void test_insertion(void **state)
{
	(void)state;
	const char *source = "torch.load(p)\n";
	lf_fix fix;
	lf_fix_init(&fix);
	lf_fix_insert(&fix, offset_of(source, ")"), ", weights_only=True");
	lf_edit_set set;
	lf_edit_set_init(&set);
	assert_true(lf_edit_set_add_fix(&set, &fix, (uint32_t)strlen(source)));
	assert_int_equal(set.count, 1);
	assert_applies_to(&set, source, "torch.load(p, weights_only=True)\n");
	lf_edit_set_finish(&set);
	lf_fix_finish(&fix);
}

static void test_replacement(void **state)
{
	(void)state;
	uint32_t at = offset_of(SOURCE, "False");
	lf_fix fix = one_edit(at, at + 5, "True");
	lf_edit_set set;
	lf_edit_set_init(&set);
	assert_true(lf_edit_set_add_fix(&set, &fix, (uint32_t)strlen(SOURCE)));
	assert_applies_to(&set, SOURCE, "torch.load(p, weights_only=True)\n");
	lf_edit_set_finish(&set);
	lf_fix_finish(&fix);
}

static void test_deletion(void **state)
{
	(void)state;
	uint32_t start = offset_of(SOURCE, ", weights_only");
	uint32_t end = offset_of(SOURCE, ")");
	lf_fix fix = one_edit(start, end, "");
	lf_edit_set set;
	lf_edit_set_init(&set);
	assert_true(lf_edit_set_add_fix(&set, &fix, (uint32_t)strlen(SOURCE)));
	assert_applies_to(&set, SOURCE, "torch.load(p)\n");
	lf_edit_set_finish(&set);
	lf_fix_finish(&fix);
}

static void test_fixes_applied_in_sorted_order(void **state)
{
	(void)state;
	const char *source = "0123456789";
	lf_fix late = one_edit(8, 9, "<8>");
	lf_fix early = one_edit(0, 0, "<start>");
	lf_fix middle = two_edits(5, 5, "<5>", 3, 4, "");
	lf_fix end = one_edit(10, 10, "<end>");
	lf_edit_set set;
	lf_edit_set_init(&set);
	assert_true(lf_edit_set_add_fix(&set, &late, 10));
	assert_true(lf_edit_set_add_fix(&set, &end, 10));
	assert_true(lf_edit_set_add_fix(&set, &early, 10));
	assert_true(lf_edit_set_add_fix(&set, &middle, 10));
	static const uint32_t starts[] = {0, 3, 5, 8, 10}, ends[] = {0, 4, 5, 9, 10};
	assert_set_starts(&set, starts, ends, 5);
	assert_applies_to(&set, source, "<start>0124<5>567<8>9<end>");
	lf_edit_set_finish(&set);
	lf_fix_finish(&late);
	lf_fix_finish(&early);
	lf_fix_finish(&middle);
	lf_fix_finish(&end);
}

static void test_overlapping_fix_rejected_whole(void **state)
{
	(void)state;
	const char *source = "0123456789";
	lf_fix accepted = one_edit(2, 5, "ab");
	lf_fix first_conflicts = two_edits(4, 6, "x", 8, 8, "y");
	lf_fix second_conflicts = two_edits(0, 0, "x", 4, 6, "y");
	lf_fix inside = one_edit(3, 3, "z");
	lf_fix covering = one_edit(1, 7, "");
	lf_edit_set set;
	lf_edit_set_init(&set);
	assert_true(lf_edit_set_add_fix(&set, &accepted, 10));
	assert_false(lf_edit_set_add_fix(&set, &first_conflicts, 10));
	assert_false(lf_edit_set_add_fix(&set, &second_conflicts, 10));
	assert_false(lf_edit_set_add_fix(&set, &inside, 10));
	assert_false(lf_edit_set_add_fix(&set, &covering, 10));
	/* Nothing of the rejected fixes made it in, not even their good edits. */
	static const uint32_t starts[] = {2}, ends[] = {5};
	assert_set_starts(&set, starts, ends, 1);
	assert_applies_to(&set, source, "01ab56789");
	lf_edit_set_finish(&set);
	lf_fix_finish(&accepted);
	lf_fix_finish(&first_conflicts);
	lf_fix_finish(&second_conflicts);
	lf_fix_finish(&inside);
	lf_fix_finish(&covering);
}

static void test_adjacent_replacements_do_not_conflict(void **state)
{
	(void)state;
	const char *source = "0123456789";
	lf_fix right = one_edit(4, 6, "R");
	lf_fix left = one_edit(2, 4, "L");
	lf_edit_set set;
	lf_edit_set_init(&set);
	assert_true(lf_edit_set_add_fix(&set, &right, 10));
	assert_true(lf_edit_set_add_fix(&set, &left, 10));
	assert_applies_to(&set, source, "01LR6789");
	lf_edit_set_finish(&set);
	lf_fix_finish(&right);
	lf_fix_finish(&left);
}

static void test_insertions_at_same_offset_conflict(void **state)
{
	(void)state;
	const char *source = "abc";
	lf_fix first = one_edit(1, 1, "X");
	lf_fix second = one_edit(1, 1, "Y");
	lf_fix same_text = one_edit(1, 1, "X");
	lf_edit_set set;
	lf_edit_set_init(&set);
	assert_true(lf_edit_set_add_fix(&set, &first, 3));
	assert_false(lf_edit_set_add_fix(&set, &second, 3));
	assert_false(lf_edit_set_add_fix(&set, &same_text, 3));
	assert_int_equal(set.count, 1);
	assert_applies_to(&set, source, "aXbc");
	lf_edit_set_finish(&set);
	lf_fix_finish(&first);
	lf_fix_finish(&second);
	lf_fix_finish(&same_text);
}

/* Insertions at either end of a replacement touch it but do not overlap it;
 * one at its start goes before the replaced text, whatever the add order. */
static void check_insertions_around_replacement(bool replacement_first)
{
	const char *source = "abcdef";
	lf_fix replacement = one_edit(2, 4, "XY");
	lf_fix before = one_edit(2, 2, "<");
	lf_fix after = one_edit(4, 4, ">");
	lf_edit_set set;
	lf_edit_set_init(&set);
	if (replacement_first)
		assert_true(lf_edit_set_add_fix(&set, &replacement, 6));
	assert_true(lf_edit_set_add_fix(&set, &after, 6));
	assert_true(lf_edit_set_add_fix(&set, &before, 6));
	if (!replacement_first)
		assert_true(lf_edit_set_add_fix(&set, &replacement, 6));
	static const uint32_t starts[] = {2, 2, 4}, ends[] = {2, 4, 4};
	assert_set_starts(&set, starts, ends, 3);
	assert_applies_to(&set, source, "ab<XY>ef");
	lf_edit_set_finish(&set);
	lf_fix_finish(&replacement);
	lf_fix_finish(&before);
	lf_fix_finish(&after);
}

static void test_insertion_at_replacement_ends_replacement_first(void **state)
{
	(void)state;
	check_insertions_around_replacement(true);
}

static void test_insertion_at_replacement_ends_insertions_first(void **state)
{
	(void)state;
	check_insertions_around_replacement(false);
}

static void test_insertion_at_deletion_start_and_end(void **state)
{
	(void)state;
	const char *source = "abcdef";
	/* One fix: delete "cd" and insert on both sides of the hole. */
	lf_fix fix = two_edits(4, 4, "]", 2, 4, "");
	lf_fix_insert(&fix, 2, "[");
	lf_edit_set set;
	lf_edit_set_init(&set);
	assert_true(lf_edit_set_add_fix(&set, &fix, 6));
	assert_applies_to(&set, source, "ab[]ef");
	lf_edit_set_finish(&set);
	lf_fix_finish(&fix);
}

static void test_out_of_bounds_rejected(void **state)
{
	(void)state;
	const char *source = "abc";
	lf_fix past_end = one_edit(2, 4, "x");
	lf_fix insert_past_end = one_edit(4, 4, "x");
	lf_fix reversed = one_edit(2, 1, "x");
	lf_fix good_then_bad = two_edits(0, 0, "x", 3, 9, "y");
	lf_fix at_end = one_edit(3, 3, "!");
	lf_edit_set set;
	lf_edit_set_init(&set);
	assert_false(lf_edit_set_add_fix(&set, &past_end, 3));
	assert_false(lf_edit_set_add_fix(&set, &insert_past_end, 3));
	assert_false(lf_edit_set_add_fix(&set, &reversed, 3));
	assert_false(lf_edit_set_add_fix(&set, &good_then_bad, 3));
	assert_int_equal(set.count, 0);
	assert_true(lf_edit_set_add_fix(&set, &at_end, 3));
	assert_applies_to(&set, source, "abc!");
	lf_edit_set_finish(&set);
	lf_fix_finish(&past_end);
	lf_fix_finish(&insert_past_end);
	lf_fix_finish(&reversed);
	lf_fix_finish(&good_then_bad);
	lf_fix_finish(&at_end);
}

static void test_empty_set_returns_copy(void **state)
{
	(void)state;
	lf_edit_set set;
	lf_edit_set_init(&set);
	assert_int_equal(set.count, 0);
	const char *source = "x = 1\r\n\xff\n";
	uint32_t out_len = 0;
	uint8_t *out = lf_edit_set_apply(&set, (const uint8_t *)source, 9, &out_len);
	assert_non_null(out);
	assert_ptr_not_equal(out, source);
	assert_int_equal(out_len, 9);
	assert_memory_equal(out, source, 9);
	assert_int_equal(out[9], '\0');
	free(out);
	/* an empty source gives an empty, NUL-terminated buffer */
	out_len = 99;
	out = lf_edit_set_apply(&set, (const uint8_t *)"", 0, &out_len);
	assert_non_null(out);
	assert_int_equal(out_len, 0);
	assert_int_equal(out[0], '\0');
	free(out);
	lf_edit_set_finish(&set);
}

static void test_fix_overlapping_itself_rejected(void **state)
{
	(void)state;
	lf_fix overlapping = two_edits(1, 4, "x", 3, 5, "y");
	lf_fix same_insertions = two_edits(2, 2, "x", 2, 2, "y");
	lf_fix nested = two_edits(0, 6, "x", 2, 2, "y");
	lf_edit_set set;
	lf_edit_set_init(&set);
	assert_false(lf_edit_set_add_fix(&set, &overlapping, 6));
	assert_false(lf_edit_set_add_fix(&set, &same_insertions, 6));
	assert_false(lf_edit_set_add_fix(&set, &nested, 6));
	assert_int_equal(set.count, 0);
	assert_applies_to(&set, "abcdef", "abcdef");
	lf_edit_set_finish(&set);
	lf_fix_finish(&overlapping);
	lf_fix_finish(&same_insertions);
	lf_fix_finish(&nested);
}

static void test_many_fixes_stay_sorted(void **state)
{
	(void)state;
	/* Enough edits to grow the set several times, added back to front. */
	char source[64];
	char expected[128];
	for (int i = 0; i < 63; i++)
		source[i] = (char)('0' + i % 10);
	source[63] = '\0';
	lf_fix fixes[63];
	lf_edit_set set;
	lf_edit_set_init(&set);
	for (int i = 62; i >= 0; i--) {
		fixes[i] = one_edit((uint32_t)i, (uint32_t)i, "-");
		assert_true(lf_edit_set_add_fix(&set, &fixes[i], 63));
	}
	for (int i = 0; i < 63; i++) {
		expected[2 * i] = '-';
		expected[2 * i + 1] = source[i];
	}
	expected[126] = '\0';
	assert_int_equal(set.count, 63);
	assert_applies_to(&set, source, expected);
	lf_edit_set_finish(&set);
	for (int i = 0; i < 63; i++)
		lf_fix_finish(&fixes[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_fix_builders),
	        cmocka_unit_test(test_insertion),
	        cmocka_unit_test(test_replacement),
	        cmocka_unit_test(test_deletion),
	        cmocka_unit_test(test_fixes_applied_in_sorted_order),
	        cmocka_unit_test(test_overlapping_fix_rejected_whole),
	        cmocka_unit_test(test_adjacent_replacements_do_not_conflict),
	        cmocka_unit_test(test_insertions_at_same_offset_conflict),
	        cmocka_unit_test(test_insertion_at_replacement_ends_replacement_first),
	        cmocka_unit_test(test_insertion_at_replacement_ends_insertions_first),
	        cmocka_unit_test(test_insertion_at_deletion_start_and_end),
	        cmocka_unit_test(test_out_of_bounds_rejected),
	        cmocka_unit_test(test_empty_set_returns_copy),
	        cmocka_unit_test(test_fix_overlapping_itself_rejected),
	        cmocka_unit_test(test_many_fixes_stay_sorted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
