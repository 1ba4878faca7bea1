/*
 * The advisory table and its questions: which advisories a specifier, a
 * discovered requirement, a target version or a whole project admits
 * (LF008 and the version facts LF001 needs).  Takes the source root for
 * the fixtures under tests/torchreq/.
 */
#include <stdio.h>

#include "helpers.h"

#include "loadfix/advisory.h"
#include "loadfix/buf.h"

static const char *source_root;

#define NO_WO LF_ADVISORY_NO_WEIGHTS_ONLY
#define DEFAULT LF_ADVISORY_DEFAULT_UNSAFE
#define CVE25 LF_ADVISORY_CVE_2025_32434
#define CVE26 LF_ADVISORY_CVE_2026_24747

static void test_table(void **state)
{
	(void)state;
	for (int i = 0; i < LF_ADVISORY_COUNT; i++) {
		const lf_advisory *a = lf_advisory_get((lf_advisory_id)i);
		assert_non_null(a);
		assert_int_equal(a->id, i);
		lf_pep440_version v;
		assert_true(lf_pep440_version_parse(a->fixed, strlen(a->fixed), &v));
		assert_true(!a->introduced || lf_pep440_version_parse(a->introduced, strlen(a->introduced), &v));
		assert_true(strlen(a->summary) > 10);
	}
	assert_string_equal(lf_advisory_get(CVE25)->name, "CVE-2025-32434");
	assert_string_equal(lf_advisory_get(CVE25)->fixed, "2.6.0");
	assert_true(lf_advisory_get(CVE25)->vulnerability);
	assert_string_equal(lf_advisory_get(CVE26)->name, "CVE-2026-24747");
	assert_string_equal(lf_advisory_get(CVE26)->fixed, "2.10.0");
	assert_string_equal(lf_advisory_get(NO_WO)->fixed, "1.13");
	assert_false(lf_advisory_get(NO_WO)->vulnerability);
	assert_string_equal(lf_advisory_get(DEFAULT)->fixed, "2.6");
	assert_null(lf_advisory_get(LF_ADVISORY_COUNT));
}

/* "1100": which of the four advisories are admitted, in enum order;
 * `witness` the one expected for CVE-2025-32434 (NULL: none). */
static void check_spec(const char *spec, const char *expected, const char *witness)
{
	lf_pep440_set set;
	if (!lf_pep440_set_parse(spec, strlen(spec), &set, NULL))
		fail_msg("bad specifier '%s'", spec);
	lf_advisory_verdict v;
	lf_advisory_check_set(&set, &v);
	char got[LF_ADVISORY_COUNT + 1];
	for (int i = 0; i < LF_ADVISORY_COUNT; i++)
		got[i] = lf_advisory_admitted(&v, (lf_advisory_id)i) ? '1' : '0';
	got[LF_ADVISORY_COUNT] = '\0';
	if (strcmp(got, expected) != 0)
		fail_msg("'%s': admitted %s, expected %s", spec, got, expected);
	assert_int_equal(lf_advisory_any_vulnerability(&v), expected[CVE25] == '1' || expected[CVE26] == '1');
	if (witness) {
		char w[64];
		assert_int_equal(v.admission[CVE25], LF_PEP440_ADMITS_WITNESS);
		lf_pep440_version_format(&v.witness[CVE25], w, sizeof w);
		assert_string_equal(w, witness);
	}
	lf_pep440_set_finish(&set);
}

static void test_specifiers(void **state)
{
	(void)state;
	check_spec("", "1111", "0");           /* unpinned torch: everything, LF008 */
	check_spec(">=2.0,<3", "0111", "2.0"); /* admits 2.5: LF008 */
	check_spec(">=2.10", "0000", NULL);    /* nothing: no LF008 */
	check_spec(">=2.10,<3", "0000", NULL);
	check_spec("==2.6.*", "0001", NULL); /* safe default, but CVE-2026-24747 */
	check_spec(">=2.6", "0001", NULL);
	check_spec("~=2.6", "0001", NULL);
	check_spec("==2.1.*", "0111", "2.1"); /* conda's pytorch=2.1 */
	check_spec("<1.13", "1111", "0");     /* the fix raises TypeError there */
	check_spec(">=1.13,<2", "0111", "1.13");
	check_spec("==2.5.1+cu121", "0111", "2.5.1+cu121");
	check_spec(">=2.6.0rc1", "0111", "2.6.0rc1"); /* names a pre-release: its rc is admitted */
	check_spec("==2.10.0+cu126", "0000", NULL);
	check_spec(">2.9.1", "0001", NULL);
	check_spec(">=2.0,!=2.*", "0000", NULL);
}

static void test_target_version(void **state)
{
	(void)state;
	static const struct {
		const char *version, *expected;
	} cases[] = {
	        {"1.12.1", "1111"}, {"1.13.0", "0111"}, {"2.5.1+cu121", "0111"}, {"2.6.0rc1", "0111"},
	        {"2.6.0", "0001"},  {"2.9.1", "0001"},  {"2.10.0", "0000"},      {"2.10.0.dev20251001", "0001"},
	        {"3.0", "0000"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		lf_advisory_verdict v;
		assert_true(lf_advisory_check_version(cases[i].version, strlen(cases[i].version), &v));
		char got[LF_ADVISORY_COUNT + 1] = "";
		for (int k = 0; k < LF_ADVISORY_COUNT; k++) {
			got[k] = lf_advisory_admitted(&v, (lf_advisory_id)k) ? '1' : '0';
			if (got[k] == '1')
				assert_int_equal(v.admission[k], LF_PEP440_ADMITS_WITNESS);
		}
		if (strcmp(got, cases[i].expected) != 0)
			fail_msg("%s: admitted %s, expected %s", cases[i].version, got, cases[i].expected);
	}
	lf_advisory_verdict v;
	assert_false(lf_advisory_check_version("latest", 6, &v));
	assert_false(lf_advisory_check_version("", 0, &v));
}

static void test_requirement_unparsed_is_unpinned(void **state)
{
	(void)state;
	lf_torchreq req;
	const char *text = "torch @ git+https://github.com/pytorch/pytorch";
	assert_true(lf_torchreq_parse_pep508(text, strlen(text), &req));
	assert_false(req.parsed);
	lf_advisory_verdict v;
	lf_advisory_check_requirement(&req, &v);
	for (int k = 0; k < LF_ADVISORY_COUNT; k++)
		assert_true(lf_advisory_admitted(&v, (lf_advisory_id)k));
	lf_torchreq_finish(&req);
	text = "torch>=2.10";
	assert_true(lf_torchreq_parse_pep508(text, strlen(text), &req));
	lf_advisory_check_requirement(&req, &v);
	assert_false(lf_advisory_any_vulnerability(&v));
	lf_torchreq_finish(&req);
}

/* The project's verdict from a fixture. */
static bool project(const char *name, char *got)
{
	char *dir = lf_xasprintf("%s/tests/torchreq/%s", source_root, name);
	lf_torchreq_list list;
	lf_torchreq_list_init(&list);
	lf_torchreq_discover(dir, &list);
	lf_advisory_verdict v;
	bool declared = lf_advisory_check_project(&list, &v);
	for (int k = 0; k < LF_ADVISORY_COUNT; k++)
		got[k] = lf_advisory_admitted(&v, (lf_advisory_id)k) ? '1' : '0';
	got[LF_ADVISORY_COUNT] = '\0';
	lf_torchreq_list_finish(&list);
	free(dir);
	return declared;
}

static void test_projects(void **state)
{
	(void)state;
	char got[LF_ADVISORY_COUNT + 1];
	assert_true(project("pyproject", got));
	assert_string_equal(got, "1111"); /* the "old" extra admits 1.10 */
	assert_true(project("setupcfg", got));
	assert_string_equal(got, "1111");
	assert_true(project("conda", got));
	assert_string_equal(got, "1111"); /* pytorch-gpu is unpinned */
	/* Nothing declared: nothing is known, so everything may be admitted. */
	assert_false(project("none", got));
	assert_string_equal(got, "1111");
}

static void test_constraints_narrow(void **state)
{
	(void)state;
	lf_torchreq_list list;
	lf_torchreq_list_init(&list);
	const char *texts[] = {"torch>=2.0", "torch>=2.6", "torch<2.10"};
	bool constraint[] = {false, true, true};
	list.items = lf_xcalloc(3, sizeof *list.items);
	for (int i = 0; i < 3; i++) {
		assert_true(lf_torchreq_parse_pep508(texts[i], strlen(texts[i]), &list.items[i]));
		list.items[i].constraint = constraint[i];
	}
	list.count = 1;
	lf_advisory_verdict v;
	assert_true(lf_advisory_check_project(&list, &v));
	assert_true(lf_advisory_admitted(&v, CVE25)); /* torch>=2.0 alone admits 2.0 */
	list.count = 2;
	assert_true(lf_advisory_check_project(&list, &v));
	assert_false(lf_advisory_admitted(&v, CVE25)); /* constrained to >=2.6 */
	assert_true(lf_advisory_admitted(&v, CVE26));
	lf_advisory_check_listed(&list, 0, &v); /* the line LF008 would report on */
	assert_false(lf_advisory_admitted(&v, CVE25));
	assert_true(lf_advisory_admitted(&v, CVE26));
	list.items[0].constraint = true;
	assert_false(lf_advisory_check_project(&list, &v)); /* constraints alone install nothing */
	list.count = 3;
	lf_torchreq_list_finish(&list);
}

/* The summary LF001 reads: below 1.13 / 2.1 / 2.6, from a list or a version. */
static void test_torch_versions(void **state)
{
	(void)state;
	static const struct {
		const char *requirement;
		bool below_113, below_21, below_26;
	} cases[] = {
	        {"torch>=2.6", false, false, false},     {"torch>=1.10", true, true, true},
	        {"torch>=2.1,<2.6", false, false, true}, {"torch", false, true, true}, /* unpinned: see advisory.c */
	        {"torch==1.13.1", false, true, true},    {"torch>=2.6.0rc1", false, false, true},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		lf_torchreq_list list;
		lf_torchreq_list_init(&list);
		list.items = lf_xcalloc(1, sizeof *list.items);
		assert_true(
		        lf_torchreq_parse_pep508(cases[i].requirement, strlen(cases[i].requirement), &list.items[0]));
		list.count = 1;
		lf_torch_versions v;
		lf_torch_versions_from_list(&list, &v);
		assert_true(v.known);
		if (lf_torch_versions_at_least(&v, "1.13") == cases[i].below_113 ||
		    lf_torch_versions_at_least(&v, "2.1") == cases[i].below_21 ||
		    lf_torch_versions_at_least(&v, "2.6") == cases[i].below_26)
			fail_msg("%s: wrong summary", cases[i].requirement);
		assert_false(lf_torch_versions_at_least(&v, "2.2")); /* not a threshold */
		lf_torchreq_list_finish(&list);
	}
	lf_torch_versions v;
	assert_true(lf_torch_versions_from_version("2.6", &v));
	assert_true(lf_torch_versions_at_least(&v, "2.6"));
	assert_true(lf_torch_versions_from_version("2.6.0rc1", &v));
	assert_false(lf_torch_versions_at_least(&v, "2.6"));
	assert_true(lf_torch_versions_at_least(&v, "2.1"));
	assert_false(lf_torch_versions_from_version("latest", &v));
	/* nothing declared: nothing known, nothing assumed */
	lf_torchreq_list empty;
	lf_torchreq_list_init(&empty);
	lf_torch_versions_from_list(&empty, &v);
	assert_false(v.known);
	assert_false(lf_torch_versions_at_least(&v, "1.13"));
	assert_false(lf_torch_versions_at_least(NULL, "1.13"));
}

int main(int argc, char **argv)
{
	source_root = argc > 1 ? argv[1] : ".";
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_table),          cmocka_unit_test(test_specifiers),
	        cmocka_unit_test(test_target_version), cmocka_unit_test(test_requirement_unparsed_is_unpinned),
	        cmocka_unit_test(test_projects),       cmocka_unit_test(test_constraints_narrow),
	        cmocka_unit_test(test_torch_versions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
