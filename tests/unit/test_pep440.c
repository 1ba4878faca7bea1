/*
 * PEP 440 versions and specifiers: parsing and normalisation, ordering,
 * contains() on the cases the differential test found worth keeping, and
 * range admission (the LF008 question).
 */
#include <stdio.h>

#include "helpers.h"

#include "loadfix/pep440.h"

static lf_pep440_version V(const char *text)
{
	lf_pep440_version v;
	if (!lf_pep440_version_parse(text, strlen(text), &v))
		fail_msg("not a version: %s", text);
	return v;
}

static void assert_normalises(const char *text, const char *expected)
{
	lf_pep440_version v = V(text);
	char out[128];
	assert_int_equal(lf_pep440_version_format(&v, out, sizeof out), strlen(expected));
	assert_string_equal(out, expected);
}

static void test_version_normalisation(void **state)
{
	(void)state;
	assert_normalises("1.0", "1.0");
	assert_normalises("  v1.0\n", "1.0");
	assert_normalises("01.002.0", "1.2.0");
	assert_normalises("1!2.0", "1!2.0");
	assert_normalises("0!2.0", "2.0");
	assert_normalises("1.0alpha1", "1.0a1");
	assert_normalises("1.0-BETA.2", "1.0b2");
	assert_normalises("1.0c3", "1.0rc3");
	assert_normalises("1.0_pre4", "1.0rc4");
	assert_normalises("1.0preview5", "1.0rc5");
	assert_normalises("1.0a", "1.0a0");
	assert_normalises("1.0a.", "1.0a0");
	assert_normalises("1.0-1", "1.0.post1");
	assert_normalises("1.0.rev2", "1.0.post2");
	assert_normalises("1.0r", "1.0.post0");
	assert_normalises("1.0-post", "1.0.post0");
	assert_normalises("1.0.DEV", "1.0.dev0");
	assert_normalises("1.0rc1-post2_dev3", "1.0rc1.post2.dev3");
	assert_normalises("2.5.1+CU121", "2.5.1+cu121");
	assert_normalises("1.0+Ubuntu-1_001", "1.0+ubuntu.1.1");
}

static void test_version_invalid(void **state)
{
	(void)state;
	static const char *const bad[] = {
	        "",
	        " ",
	        "v",
	        "1.",
	        "1..0",
	        ".1",
	        "1.0+",
	        "1.0+a..b",
	        "1.0-",
	        "1.0 1",
	        "a1.0",
	        "1.0foo",
	        "1!",
	        "1!2!3",
	        "1.0.*",
	        "1.0a1a2",
	        "1.0.post1.post2",
	        "99999999999999999999999",
	        "1.0+\xc3\xa9",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		lf_pep440_version v;
		if (lf_pep440_version_parse(bad[i], strlen(bad[i]), &v))
			fail_msg("accepted: '%s'", bad[i]);
	}
}

static void test_version_order(void **state)
{
	(void)state;
	/* Strictly increasing, as PEP 440's examples and packaging's _cmpkey. */
	static const char *const order[] = {
	        "0.dev0",        "0",
	        "1.0.dev456",    "1.0a1",
	        "1.0a2.dev456",  "1.0a12.dev456",
	        "1.0a12",        "1.0b1.dev456",
	        "1.0b2",         "1.0b2.post345.dev456",
	        "1.0b2.post345", "1.0rc1.dev456",
	        "1.0rc1",        "1.0",
	        "1.0+abc.5",     "1.0+abc.7",
	        "1.0+5",         "1.0.post456.dev34",
	        "1.0.post456",   "1.0.0.1",
	        "1.1.dev1",      "2.6.0rc1",
	        "2.6.0",         "2.10",
	        "1!0.1",
	};
	for (size_t i = 0; i + 1 < sizeof order / sizeof order[0]; i++) {
		lf_pep440_version a = V(order[i]), b = V(order[i + 1]);
		if (lf_pep440_version_compare(&a, &b) >= 0 || lf_pep440_version_compare(&b, &a) <= 0)
			fail_msg("expected %s < %s", order[i], order[i + 1]);
	}
	lf_pep440_version a = V("1.0"), b = V("1.0.0.0");
	assert_int_equal(lf_pep440_version_compare(&a, &b), 0);
	a = V("1.0+01"), b = V("1.0+1");
	assert_int_equal(lf_pep440_version_compare(&a, &b), 0);
	a = V("1.0+a"), b = V("1.0+0");
	assert_true(lf_pep440_version_compare(&a, &b) < 0); /* numbers sort above strings */
	a = V("1.0a1"), b = V("1.0.dev1");
	assert_true(lf_pep440_version_is_prerelease(&a));
	assert_true(lf_pep440_version_is_prerelease(&b));
	a = V("1.0.post1"), b = V("1.0+local");
	assert_false(lf_pep440_version_is_prerelease(&a));
	assert_false(lf_pep440_version_is_prerelease(&b));
}

static bool contains(const char *spec, const char *version, lf_pep440_prereleases pre)
{
	lf_pep440_set set;
	char *error = NULL;
	if (!lf_pep440_set_parse(spec, strlen(spec), &set, &error))
		fail_msg("not a specifier set: '%s': %s", spec, error);
	lf_pep440_version v = V(version);
	bool result = lf_pep440_set_contains(&set, &v, pre);
	lf_pep440_set_finish(&set);
	return result;
}

static void test_specifier_parse(void **state)
{
	(void)state;
	lf_pep440_set set;
	const char *text = " >= 2.0 ,, <3 , !=2.5.*,===foo ";
	assert_true(lf_pep440_set_parse(text, strlen(text), &set, NULL));
	assert_int_equal(set.count, 4);
	assert_int_equal(set.clauses[0].op, LF_PEP440_OP_GREATER_EQUAL);
	assert_int_equal(set.clauses[1].op, LF_PEP440_OP_LESS);
	assert_int_equal(set.clauses[2].op, LF_PEP440_OP_NOT_EQUAL);
	assert_true(set.clauses[2].wildcard);
	assert_int_equal(set.clauses[2].prefix_count, 2);
	assert_int_equal(set.clauses[3].op, LF_PEP440_OP_ARBITRARY);
	assert_false(set.clauses[3].version_valid);
	assert_string_equal(set.clauses[3].text, "foo");
	lf_pep440_set_finish(&set);
	assert_true(lf_pep440_set_parse("", 0, &set, NULL));
	assert_int_equal(set.count, 0);
	lf_pep440_set_finish(&set);

	/* Hostile sets are refused past LF_PEP440_MAX_CLAUSES clauses. */
	char many[LF_PEP440_MAX_CLAUSES * 8 + 16] = "";
	for (int i = 0; i < LF_PEP440_MAX_CLAUSES; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many), "%s!=1.%d", i ? "," : "", i);
	assert_true(lf_pep440_set_parse(many, strlen(many), &set, NULL));
	assert_int_equal(set.count, LF_PEP440_MAX_CLAUSES);
	lf_pep440_set_finish(&set);
	strcat(many, ",<3");
	assert_false(lf_pep440_set_parse(many, strlen(many), &set, NULL));
	assert_int_equal(set.count, 0);

	static const char *const bad[] = {
	        "2.0",       "=>2.0",     "=2.0",    "==",     ">=2.0.*", "==2.0a1.*", "~=2",      "~=2.*",
	        ">=2.0+cpu", "~=2.0+cpu", "==2.*.*", "===a b", "<>2.0",   ">=2.0;",    ">=2.0 <3",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *error = NULL;
		if (lf_pep440_set_parse(bad[i], strlen(bad[i]), &set, &error))
			fail_msg("accepted: '%s'", bad[i]);
		assert_non_null(error);
		assert_int_equal(set.count, 0);
		free(error);
	}
}

static void test_contains(void **state)
{
	(void)state;
	const lf_pep440_prereleases A = LF_PEP440_PRERELEASES_AUTO, Y = LF_PEP440_PRERELEASES_ALLOW,
	                            N = LF_PEP440_PRERELEASES_DENY;
	assert_true(contains(">=2.0,<3", "2.5", A));
	assert_false(contains(">=2.0,<3", "3.0rc1", A));
	assert_false(contains(">=2.0,<3", "3.0rc1", Y)); /* <3 drops pre-releases of 3 */
	assert_true(contains(">=2.0,<3", "2.9rc1", Y));
	assert_false(contains("", "1.0a1", A));
	assert_true(contains("", "1.0a1", Y));
	assert_true(contains(">=1.0a1", "1.0a2", A)); /* names a pre-release: opts in */
	assert_false(contains(">=1.0a1", "1.0a2", N));
	assert_false(contains("<2.6.0", "2.6.0rc1", Y));
	assert_false(contains("<2.6.0rc1", "2.6.0a1", A)); /* < never opts in */
	assert_true(contains("<2.6.0rc1", "2.6.0a1", Y));
	assert_false(contains(">2.5", "2.5.post1", A));
	assert_false(contains(">2.5", "2.5+cu121", A));
	assert_true(contains(">2.5.post1", "2.5.post2", A));
	assert_true(contains("==2.6.*", "2.6.3+cu124", A));
	assert_true(contains("==2.6.*", "2.6.post1", A));
	assert_false(contains("==2.6.*", "2.60", A));
	assert_true(contains("==2.0.*", "2", A));
	assert_false(contains("!=2.6.*", "2.6.1", A));
	assert_true(contains("==2.1", "2.1+cu118", A));
	assert_false(contains("==2.1+cu118", "2.1", A));
	assert_true(contains("<=2.1", "2.1+cpu", A));
	assert_false(contains("<2.1", "2.1+cpu", A));
	assert_true(contains("~=2.2", "2.9", A));
	assert_false(contains("~=2.2", "3.0", A));
	assert_false(contains("~=2.2.0", "2.3", A));
	assert_true(contains("~=1.0c1", "1.0.5", A)); /* packaging keeps "0" of "0c1": ==1.0.* */
	assert_false(contains("~=1.0c1", "1.5", A));
	assert_true(contains("===1.0", "1.0", A));
	assert_false(contains("===1.0", "1.0.0", A));
	assert_true(contains("===1.0+LOCAL", "1.0+local", A));
	assert_false(contains("===foo", "1.0", A));
	assert_true(contains("~=1!2.0.0", "1!2.0", A)); /* PEP 440, not packaging 23 */
	assert_false(contains(">=1!0", "9999", A));
}

static lf_pep440_admission admits(const char *spec, const char *below, char *witness, size_t size)
{
	lf_pep440_set set;
	if (!lf_pep440_set_parse(spec, strlen(spec), &set, NULL))
		fail_msg("not a specifier set: '%s'", spec);
	lf_pep440_range range = {.has_upper = true, .upper = V(below)};
	lf_pep440_version w;
	lf_pep440_admission a = lf_pep440_set_admits(&set, &range, &w);
	witness[0] = '\0';
	if (a == LF_PEP440_ADMITS_WITNESS)
		lf_pep440_version_format(&w, witness, size);
	lf_pep440_set_finish(&set);
	return a;
}

static void assert_admits(const char *spec, const char *below, const char *expected_witness)
{
	char w[128];
	lf_pep440_admission a = admits(spec, below, w, sizeof w);
	if (a != LF_PEP440_ADMITS_WITNESS || strcmp(w, expected_witness) != 0)
		fail_msg("'%s' below %s: expected witness %s, got %s %s", spec, below, expected_witness,
		         a == LF_PEP440_ADMITS_NONE    ? "none"
		         : a == LF_PEP440_ADMITS_MAYBE ? "maybe"
		                                       : "witness",
		         w);
}

static void assert_admits_none(const char *spec, const char *below)
{
	char w[128];
	lf_pep440_admission a = admits(spec, below, w, sizeof w);
	if (a != LF_PEP440_ADMITS_NONE)
		fail_msg("'%s' below %s: expected none, got %s %s", spec, below,
		         a == LF_PEP440_ADMITS_MAYBE ? "maybe" : "witness", w);
}

static void test_admits(void **state)
{
	(void)state;
	assert_admits(">=2.0,<3", "2.6.0", "2.0");
	assert_admits("", "2.6.0", "0");
	assert_admits(">2.5", "2.6.0", "2.5.1");
	assert_admits(">2.5.99", "2.6.0", "2.5.99.1");
	assert_admits("<=2.5.1", "2.6.0", "0");
	assert_admits("==2.5.1+cu121", "2.6.0", "2.5.1+cu121");
	assert_admits("~=2.4", "2.6.0", "2.4");
	assert_admits("==2.*", "2.6.0", "2");
	assert_admits(">=2.0,!=2.0,!=2.1.*", "2.6.0", "2.0.post0");
	assert_admits("==2.5.*", "2.10.0", "2.5");
	assert_admits(">=2.6.0rc1", "2.6.0", "2.6.0rc1"); /* names a pre-release: its rc counts */
	assert_admits(">=1.0,<1.13", "1.13", "1.0");
	assert_admits(">=2.9,<2.11", "2.10.0", "2.9");
	assert_admits_none(">=2.6", "2.6.0");
	assert_admits_none(">=2.6.0", "2.6.0");
	assert_admits_none(">2.5.99,>=2.6", "2.6.0");
	assert_admits_none("==2.6.*", "2.6.0"); /* 2.6.0rc1 is below but not admitted */
	assert_admits_none("~=2.6", "2.6.0");
	assert_admits_none(">=2.10", "2.10.0");
	assert_admits_none(">=2.10,<3", "2.6.0");
	assert_admits_none("==2.6.0+cu124", "2.6.0");
	assert_admits_none(">=2.0,<2.6,!=2.*", "2.6.0");
	assert_admits_none(">=2.5,<=2.5,!=2.5", "2.6.0");
	assert_admits_none(">2.6", "2.6.0");
	assert_admits_none(">=1.13", "1.13");
	assert_admits_none("===foo", "2.6.0");
	assert_admits_none("<2.0,>3.0", "9.0");
	char w[128];
	/* Empty in truth, but only the < rule knows: MAYBE, never NONE. */
	assert_int_equal(admits("<0.1.0.post2,==0.1.dev0", "2.6.0", w, sizeof w), LF_PEP440_ADMITS_MAYBE);
	/* Only 2.5's local versions are in (2.5, 2.5.post0), and > drops them. */
	assert_int_equal(admits(">2.5,<2.5.post0", "2.6.0", w, sizeof w), LF_PEP440_ADMITS_MAYBE);
	/* A lower bound on the range. */
	lf_pep440_set set;
	assert_true(lf_pep440_set_parse(">=2.0,<3", 8, &set, NULL));
	lf_pep440_range ge26 = {.has_lower = true, .lower = V("2.6")};
	lf_pep440_version witness;
	assert_int_equal(lf_pep440_set_admits(&set, &ge26, &witness), LF_PEP440_ADMITS_WITNESS);
	lf_pep440_version_format(&witness, w, sizeof w);
	assert_string_equal(w, "2.6");
	lf_pep440_range at25 = {.has_lower = true, .lower = V("2.5"), .has_upper = true, .upper = V("2.5.1")};
	assert_int_equal(lf_pep440_set_admits(&set, &at25, &witness), LF_PEP440_ADMITS_WITNESS);
	lf_pep440_version_format(&witness, w, sizeof w);
	assert_string_equal(w, "2.5"); /* >=2.0,<3 admits 2.5 */
	lf_pep440_range ge3 = {.has_lower = true, .lower = V("3")};
	assert_int_equal(lf_pep440_set_admits(&set, &ge3, NULL), LF_PEP440_ADMITS_NONE);
	lf_pep440_set_finish(&set);
}

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_version_normalisation),
	        cmocka_unit_test(test_version_invalid),
	        cmocka_unit_test(test_version_order),
	        cmocka_unit_test(test_specifier_parse),
	        cmocka_unit_test(test_contains),
	        cmocka_unit_test(test_admits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
