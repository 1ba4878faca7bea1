/*
 * The loader table, the tree of known names built from it, and the rule
 * table: each row reachable, each family checked by a fixer, every rule
 * complete and in lf_fixers' order.
 */
#include "helpers.h"

#include "loadfix/check.h"
#include "loadfix/fixer.h"
#include "loadfix/rules.h"
#include "loadfix/targets.h"

static void test_every_row_is_a_known_name(void **state)
{
	(void)state;
	size_t named = 0;
	for (size_t i = 0; i < lf_target_count; i++) {
		const lf_target *t = &lf_targets[i];
		if (strcmp(t->name, "*") == 0) {
			assert_ptr_equal(lf_target_any_callee(), t);
			continue;
		}
		uint32_t id = lf_name_find(t->name);
		if (id == LF_NAME_OTHER)
			print_error("row %s is not in the tree\n", t->name);
		assert_int_not_equal(id, LF_NAME_OTHER);
		assert_ptr_equal(lf_name_get(id)->target, t);
		assert_string_equal(lf_name_get(id)->qualified, t->name);
		named++;
	}
	assert_true(named >= 30);
	assert_true(lf_name_count() <= LF_NAME_MAX);
}

static void test_tree_links(void **state)
{
	(void)state;
	uint32_t torch = lf_name_module((const uint8_t *)"torch", 5);
	assert_int_not_equal(torch, LF_NAME_OTHER);
	uint32_t hub = lf_name_child(torch, (const uint8_t *)"hub", 3);
	assert_int_equal(hub, lf_name_find("torch.hub"));
	uint32_t url = lf_name_child(hub, (const uint8_t *)"load_state_dict_from_url", 24);
	assert_int_equal(url, lf_name_find("torch.hub.load_state_dict_from_url"));
	assert_int_equal(lf_name_get(url)->parent, hub);
	/* unknown children and children of "anything else" are "anything else" */
	assert_int_equal(lf_name_child(torch, (const uint8_t *)"jit", 3), LF_NAME_OTHER);
	assert_int_equal(lf_name_child(LF_NAME_OTHER, (const uint8_t *)"load", 4), LF_NAME_OTHER);
	assert_int_equal(lf_name_module((const uint8_t *)"mytorch", 7), LF_NAME_OTHER);
	/* names compare after NFKC: full-width "ｎｕｍｐｙ" is numpy */
	const char *wide = "\xef\xbd\x8e\xef\xbd\x95\xef\xbd\x8d\xef\xbd\x90\xef\xbd\x99";
	assert_int_equal(lf_name_module((const uint8_t *)wide, strlen(wide)), lf_name_find("numpy"));
}

static void test_components(void **state)
{
	(void)state;
	static const char *const known[] = {"load", "loads", "read_pickle", "load_url", "FullLoader", "partial"};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		assert_true(lf_name_is_component((const uint8_t *)known[i], strlen(known[i])));
	static const char *const unknown[] = {"", "lo", "loadx", "save", "dumps", "Load"};
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
		assert_false(lf_name_is_component((const uint8_t *)unknown[i], strlen(unknown[i])));
}

static void test_roles(void **state)
{
	(void)state;
	assert_int_equal(lf_name_get(lf_name_find("functools.partial"))->role, LF_ROLE_PARTIAL);
	assert_int_equal(lf_name_get(lf_name_find("yaml.SafeLoader"))->role, LF_ROLE_YAML_SAFE_LOADER);
	const lf_name *full = lf_name_get(lf_name_find("yaml.FullLoader"));
	assert_int_equal(full->role, LF_ROLE_YAML_UNSAFE_LOADER);
	assert_string_equal(full->replacement, "SafeLoader");
	assert_string_equal(lf_name_get(lf_name_find("yaml.CLoader"))->replacement, "CSafeLoader");
	/* every unsafe loader names a safe one that the tree knows */
	for (uint32_t id = 1; id < lf_name_count(); id++) {
		const lf_name *name = lf_name_get(id);
		if (name->role != LF_ROLE_YAML_UNSAFE_LOADER)
			continue;
		char qualified[64];
		snprintf(qualified, sizeof qualified, "yaml.%s", name->replacement);
		assert_int_equal(lf_name_get(lf_name_find(qualified))->role, LF_ROLE_YAML_SAFE_LOADER);
	}
}

static void test_keyword_specs(void **state)
{
	(void)state;
	for (size_t i = 0; i < lf_target_count; i++) {
		const lf_target *t = &lf_targets[i];
		/* a position needs a keyword; a blocker's position needs a blocker */
		if (t->keyword_position >= 0)
			assert_non_null(t->keyword);
		if (t->blocker_position >= 0)
			assert_non_null(t->blocker);
		if (t->family == LF_FAMILY_TORCH_LOAD) {
			assert_string_equal(t->keyword, "weights_only");
			assert_non_null(t->since);
			assert_non_null(t->library);
		}
		if (t->family == LF_FAMILY_PICKLE || t->family == LF_FAMILY_JOBLIB) {
			assert_non_null(t->remedy);
			assert_non_null(t->library);
		}
		if (t->family == LF_FAMILY_YAML_LOAD)
			assert_non_null(t->safe_name);
	}
	uint32_t load = lf_name_find("torch.load");
	assert_string_equal(lf_name_get(load)->target->blocker, "pickle_module");
	assert_int_equal(lf_name_get(load)->target->blocker_position, 2);
	assert_int_equal(lf_name_get(lf_name_find("numpy.load"))->target->keyword_position, 2);
}

static void test_rules_and_fixers_align(void **state)
{
	(void)state;
	assert_int_equal(lf_fixer_count, lf_rule_count);
	assert_true(lf_rule_count <= LF_MAX_RULES);
	bool family_checked[LF_FAMILY_COUNT] = {false};
	for (size_t i = 0; i < lf_rule_count; i++) {
		const lf_rule *rule = &lf_rules[i];
		assert_ptr_equal(lf_fixers[i]->rule, rule);
		assert_ptr_equal(lf_rule_find(rule->code), rule);
		assert_int_equal(lf_rule_index(rule), i);
		if (i > 0)
			assert_true(strcmp(lf_rules[i - 1].code, rule->code) < 0);
		assert_non_null(rule->security_severity);
		double severity = atof(rule->security_severity);
		assert_true(severity > 0.0 && severity <= 10.0);
		assert_non_null(rule->cwe);
		assert_memory_equal(rule->cwe, "CWE-", 4);
		family_checked[lf_fixers[i]->family] = true;
	}
	for (int f = 0; f < LF_FAMILY_COUNT; f++)
		assert_true(family_checked[f]);
	/* Bandit's codes for `# nosec Bxxx` */
	assert_string_equal(lf_rule_find("LF001")->bandit, "B614");
	assert_string_equal(lf_rule_find("LF101")->bandit, "B301");
	assert_string_equal(lf_rule_find("LF104")->bandit, "B506");
	assert_null(lf_rule_find("LF103")->bandit);
	assert_null(lf_rule_find("LF999"));
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_every_row_is_a_known_name),
	        cmocka_unit_test(test_tree_links),
	        cmocka_unit_test(test_components),
	        cmocka_unit_test(test_roles),
	        cmocka_unit_test(test_keyword_specs),
	        cmocka_unit_test(test_rules_and_fixers_align),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
