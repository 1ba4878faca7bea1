/*
 * explain.c and color.c: every rule is documented in the rule table and
 * rendered the same for --explain, the man page and SARIF; the colour
 * decision follows the flag, NO_COLOR, FORCE_COLOR and the terminal
 * (README, "Usage").
 */
#include <string.h>

#include "helpers.h"

#include "loadfix/buf.h"
#include "loadfix/color.h"
#include "loadfix/explain.h"
#include "loadfix/rules.h"

static void test_every_rule_is_documented(void **state)
{
	(void)state;
	for (size_t i = 0; i < lf_rule_count; i++) {
		const lf_rule *rule = &lf_rules[i];
		assert_non_null(rule->example);
		assert_non_null(rule->applicability);
		assert_true(rule->example[strlen(rule->example) - 1] == '\n');
		/* a fix is shown exactly when the rule has one */
		if (rule->example_fixed)
			assert_non_null(rule->fix_title);
		lf_buf out;
		lf_buf_init(&out);
		lf_explain(&out, rule, LF_EXPLAIN_TEXT);
		char *text = lf_buf_steal(&out, NULL);
		assert_true(strncmp(text, rule->code, 5) == 0);
		assert_non_null(strstr(text, rule->help));
		assert_non_null(strstr(text, "Example:\n"));
		assert_non_null(strstr(text, "Applicability: "));
		assert_true((strstr(text, "\nFix (") != NULL) == (rule->example_fixed != NULL));
		free(text);
	}
}

static void test_scdoc_escapes_markup(void **state)
{
	(void)state;
	lf_buf out;
	lf_buf_init(&out);
	lf_explain(&out, lf_rule_find("LF001"), LF_EXPLAIN_SCDOC);
	char *text = lf_buf_steal(&out, NULL);
	assert_true(strncmp(text, "*LF001* torch-load-without-weights-only\n", 40) == 0);
	/* `weights_only` and `**kwargs` would be markup: escaped */
	assert_non_null(strstr(text, "weights\\_only"));
	assert_non_null(strstr(text, "\\*\\*kwargs"));
	/* examples are literal blocks, not escaped */
	assert_non_null(
	        strstr(text, "```\nimport torch\n\nstate = torch.load(\"model.pt\", weights_only=True)\n```\n"));
	free(text);
}

static const char *env_no_color, *env_force_color, *env_term;

static const char *fake_getenv(const char *name)
{
	if (strcmp(name, "NO_COLOR") == 0)
		return env_no_color;
	if (strcmp(name, "FORCE_COLOR") == 0)
		return env_force_color;
	if (strcmp(name, "TERM") == 0)
		return env_term;
	return NULL;
}

static bool colour(lf_color_choice choice, const char *no_color, const char *force_color, const char *term, bool tty)
{
	env_no_color = no_color;
	env_force_color = force_color;
	env_term = term;
	return lf_color_enabled(choice, fake_getenv, tty);
}

static void test_colour_decision(void **state)
{
	(void)state;
	/* auto: a terminal with a real TERM */
	assert_true(colour(LF_COLOR_AUTO, NULL, NULL, "xterm", true));
	assert_false(colour(LF_COLOR_AUTO, NULL, NULL, "xterm", false));
	assert_false(colour(LF_COLOR_AUTO, NULL, NULL, "dumb", true));
	assert_false(colour(LF_COLOR_AUTO, NULL, NULL, NULL, true));
	/* NO_COLOR: any non-empty value; empty is unset */
	assert_false(colour(LF_COLOR_AUTO, "1", NULL, "xterm", true));
	assert_false(colour(LF_COLOR_AUTO, "0", NULL, "xterm", true));
	assert_true(colour(LF_COLOR_AUTO, "", NULL, "xterm", true));
	/* FORCE_COLOR: colour into a pipe; NO_COLOR wins over it */
	assert_true(colour(LF_COLOR_AUTO, NULL, "1", NULL, false));
	assert_false(colour(LF_COLOR_AUTO, NULL, "", NULL, false));
	assert_false(colour(LF_COLOR_AUTO, "1", "1", "xterm", true));
	/* the flag wins over the environment */
	assert_true(colour(LF_COLOR_ALWAYS, "1", NULL, "dumb", false));
	assert_false(colour(LF_COLOR_NEVER, NULL, "1", "xterm", true));
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_every_rule_is_documented),
	        cmocka_unit_test(test_scdoc_escapes_markup),
	        cmocka_unit_test(test_colour_decision),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
