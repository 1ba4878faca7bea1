/*
 * The settings merge of lf_cli_parse: the command line against the
 * [tool.loadfix] table of the nearest pyproject.toml (README, "Walking, pull
 * requests and configuration"): --select replaces the configured selection,
 * --ignore adds to the configured ignores, --exclude replaces the
 * configured exclusions, --extend-exclude adds to them; unsafe-fixes;
 * per-file-ignores through lf_settings_for_file; how the file is found.
 * Each test works in a fresh temporary directory.
 */
#include "cli_helpers.h"

#include <limits.h>
#include <sys/stat.h>

static char *start_dir;

static int enter(void **state)
{
	*state = enter_temp_dir();
	return 0;
}

static int leave(void **state)
{
	char *dir = *state;
	assert_int_equal(chdir(start_dir), 0);
	char *command = lf_xasprintf("rm -rf '%s'", dir);
	int status = system(command);
	free(command);
	free(dir);
	return status == 0 ? 0 : -1;
}

#define PROJECT(toml) write_file("pyproject.toml", "[project]\nname = \"p\"\n\n[tool.loadfix]\n" toml)

static void assert_list(const lf_string_list *list, const char *const *want)
{
	size_t n = 0;
	while (want[n])
		n++;
	if (list->count != n)
		fail_msg("%zu items, want %zu", list->count, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(list->items[i], want[i]);
}

#define ASSERT_LIST(list, ...) assert_list((list), (const char *const[]){__VA_ARGS__, NULL})

/* ---- selection ------------------------------------------------------------ */

static void test_config_select_and_ignore(void **state)
{
	(void)state;
	PROJECT("select = [\"LF00\"]\nignore = [\"LF003\"]\n");
	test_argv a;
	lf_settings s;
	PARSE(&a, &s, ".");
	assert_non_null(s.config.path);
	assert_true(s.config.found);
	assert_string_equal(enabled_rules(s.check.enabled), "LF001,LF002,LF004,LF005,LF006,LF007,LF008");
	lf_settings_finish(&s);
	test_argv_free(&a);
}

static void test_cli_select_replaces_config_select(void **state)
{
	(void)state;
	PROJECT("select = [\"LF002\", \"LF003\"]\n");
	test_argv a;
	lf_settings s;
	PARSE(&a, &s, ".");
	assert_string_equal(enabled_rules(s.check.enabled), "LF002,LF003");
	lf_settings_finish(&s);
	test_argv_free(&a);
	PARSE(&a, &s, "--select", "LF001", ".");
	assert_string_equal(enabled_rules(s.check.enabled), "LF001");
	lf_settings_finish(&s);
	test_argv_free(&a);
}

static void test_cli_select_keeps_config_ignore(void **state)
{
	(void)state;
	/* --select replaces only the selection: the configured ignores stay */
	PROJECT("ignore = [\"LF004\"]\n");
	test_argv a;
	lf_settings s;
	PARSE(&a, &s, "--select", "ALL", ".");
	assert_string_equal(enabled_rules(s.check.enabled),
	                    "LF001,LF002,LF003,LF005,LF006,LF007,LF008,LF101,LF102,LF103,LF104,LF105,LF106");
	lf_settings_finish(&s);
	test_argv_free(&a);
}

static void test_cli_ignore_adds_to_config_ignore(void **state)
{
	(void)state;
	PROJECT("ignore = [\"LF004\"]\n");
	test_argv a;
	lf_settings s;
	PARSE(&a, &s, ".");
	assert_string_equal(enabled_rules(s.check.enabled),
	                    "LF001,LF002,LF003,LF005,LF006,LF007,LF008,LF101,LF102,LF103,LF104,LF105,LF106");
	lf_settings_finish(&s);
	test_argv_free(&a);
	PARSE(&a, &s, "--ignore", "LF001", ".");
	assert_string_equal(enabled_rules(s.check.enabled),
	                    "LF002,LF003,LF005,LF006,LF007,LF008,LF101,LF102,LF103,LF104,LF105,LF106");
	lf_settings_finish(&s);
	test_argv_free(&a);
}

static void test_cli_ignore_applies_to_config_select(void **state)
{
	(void)state;
	PROJECT("select = [\"LF001\", \"LF002\"]\n");
	test_argv a;
	lf_settings s;
	PARSE(&a, &s, "--ignore", "LF002", ".");
	assert_string_equal(enabled_rules(s.check.enabled), "LF001");
	lf_settings_finish(&s);
	test_argv_free(&a);
}

static void test_config_bad_selectors_exit(void **state)
{
	(void)state;
	PROJECT("select = [\"XX1\"]\n");
	EXPECT_EXIT(2, "unknown rule selector 'XX1' in [tool.loadfix] select", ".");
	PROJECT("ignore = [\"LF9\"]\n");
	EXPECT_EXIT(2, "unknown rule selector 'LF9' in [tool.loadfix] ignore", ".");
	PROJECT("select = [\"\"]\n");
	EXPECT_EXIT(2, "empty rule selector in [tool.loadfix] select", ".");
	PROJECT("per-file-ignores = { \"tests/*\" = [\"XX2\"] }\n");
	EXPECT_EXIT(2, "unknown rule selector 'XX2' in [tool.loadfix] per-file-ignores", ".");
	PROJECT("selct = [\"LF001\"]\n");
	EXPECT_EXIT(2, "pyproject.toml: line 5: ", ".");
}

/* ---- exclusions ----------------------------------------------------------- */

static void test_exclude_merge(void **state)
{
	(void)state;
	PROJECT("exclude = [\"vendored\", \"third_party\"]\nextend-exclude = [\"*_pb2.py\"]\n");
	test_argv a;
	lf_settings s;
	PARSE(&a, &s, ".");
	assert_true(s.has_exclude);
	ASSERT_LIST(&s.exclude, "vendored", "third_party");
	ASSERT_LIST(&s.extend_exclude, "*_pb2.py");
	lf_settings_finish(&s);
	test_argv_free(&a);

	/* --exclude replaces; --extend-exclude adds after the configured ones */
	PARSE(&a, &s, "--exclude", "gen", "--extend-exclude", "a,b", ".");
	assert_true(s.has_exclude);
	ASSERT_LIST(&s.exclude, "gen");
	ASSERT_LIST(&s.extend_exclude, "*_pb2.py", "a", "b");
	lf_settings_finish(&s);
	test_argv_free(&a);
}

static void test_no_configured_exclude_keeps_defaults(void **state)
{
	(void)state;
	PROJECT("extend-exclude = [\"gen\"]\n");
	test_argv a;
	lf_settings s;
	PARSE(&a, &s, ".");
	assert_false(s.has_exclude); /* the walker's defaults apply */
	assert_int_equal(s.exclude.count, 0);
	ASSERT_LIST(&s.extend_exclude, "gen");
	lf_settings_finish(&s);
	test_argv_free(&a);
}

/* ---- unsafe-fixes --------------------------------------------------------- */

static void test_unsafe_fixes(void **state)
{
	(void)state;
	static const struct {
		const char *toml;
		bool cli, want;
	} cases[] = {
	        {"unsafe-fixes = true\n", false, true}, {"unsafe-fixes = false\n", false, false},
	        {"unsafe-fixes = false\n", true, true}, {"select = [\"ALL\"]\n", false, false},
	        {"select = [\"ALL\"]\n", true, true},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *toml = lf_xasprintf("[tool.loadfix]\n%s", cases[i].toml);
		write_file("pyproject.toml", toml);
		free(toml);
		test_argv a;
		lf_settings s;
		if (cases[i].cli)
			PARSE(&a, &s, "--unsafe-fixes", ".");
		else
			PARSE(&a, &s, ".");
		if (s.check.unsafe_fixes != cases[i].want)
			fail_msg("case %zu: unsafe_fixes %d, want %d", i, s.check.unsafe_fixes, cases[i].want);
		lf_settings_finish(&s);
		test_argv_free(&a);
	}
}

/* ---- per-file-ignores ----------------------------------------------------- */

static void test_per_file_ignores(void **state)
{
	(void)state;
	PROJECT("per-file-ignores = { \"tests/*\" = [\"LF001\"], \"legacy.py\" = [\"LF00\"] }\n");
	test_argv a;
	lf_settings s;
	PARSE(&a, &s, "--ignore", "LF004", ".");
	assert_int_equal(s.config.per_file_ignore_count, 2);
	/* the run's selection is untouched; the ignores apply per file */
	assert_string_equal(enabled_rules(s.check.enabled),
	                    "LF001,LF002,LF003,LF005,LF006,LF007,LF008,LF101,LF102,LF103,LF104,LF105,LF106");
	lf_check_options options;
	lf_settings_for_file(&s, "./tests/test_a.py", &options);
	assert_string_equal(enabled_rules(options.enabled),
	                    "LF002,LF003,LF005,LF006,LF007,LF008,LF101,LF102,LF103,LF104,LF105,LF106");
	lf_settings_for_file(&s, "tests/test_a.py", &options);
	assert_string_equal(enabled_rules(options.enabled),
	                    "LF002,LF003,LF005,LF006,LF007,LF008,LF101,LF102,LF103,LF104,LF105,LF106");
	lf_settings_for_file(&s, "./src/a.py", &options);
	assert_string_equal(enabled_rules(options.enabled),
	                    "LF001,LF002,LF003,LF005,LF006,LF007,LF008,LF101,LF102,LF103,LF104,LF105,LF106");
	/* a glob without '/' matches the name in any directory */
	lf_settings_for_file(&s, "./src/legacy.py", &options);
	assert_string_equal(enabled_rules(options.enabled), "LF101,LF102,LF103,LF104,LF105,LF106");
	/* the other options are the run's */
	assert_false(options.fix);
	lf_settings_finish(&s);
	test_argv_free(&a);
}

static void test_per_file_ignores_relative_to_config(void **state)
{
	(void)state;
	/* walked from the parent: proj/tests/x.py is tests/x.py from the
	 * configuration's directory */
	assert_int_equal(mkdir("proj", 0777), 0);
	assert_int_equal(mkdir("proj/tests", 0777), 0);
	assert_int_equal(mkdir("other", 0777), 0);
	assert_int_equal(mkdir("other/tests", 0777), 0);
	write_file("proj/pyproject.toml",
	           "[tool.loadfix]\n[tool.loadfix.per-file-ignores]\n\"tests/*\" = [\"LF001\"]\n");
	write_file("proj/tests/x.py", "");
	write_file("other/tests/x.py", "");
	test_argv a;
	lf_settings s;
	PARSE(&a, &s, "--fix", "proj");
	assert_non_null(s.config.path);
	assert_string_equal(s.config.path + strlen(s.config.path) - strlen("proj/pyproject.toml"),
	                    "proj/pyproject.toml");
	lf_check_options options;
	lf_settings_for_file(&s, "proj/tests/x.py", &options);
	assert_string_equal(enabled_rules(options.enabled),
	                    "LF002,LF003,LF004,LF005,LF006,LF007,LF008,LF101,LF102,LF103,LF104,LF105,LF106");
	assert_true(options.fix);
	/* the same relative path outside the configuration's directory */
	lf_settings_for_file(&s, "other/tests/x.py", &options);
	assert_string_equal(enabled_rules(options.enabled),
	                    "LF001,LF002,LF003,LF004,LF005,LF006,LF007,LF008,LF101,LF102,LF103,LF104,LF105,LF106");
	lf_settings_finish(&s);
	test_argv_free(&a);
}

/* ---- which file ----------------------------------------------------------- */

static void test_nearest_config_from_first_path(void **state)
{
	(void)state;
	assert_int_equal(mkdir("proj", 0777), 0);
	assert_int_equal(mkdir("proj/src", 0777), 0);
	assert_int_equal(mkdir("proj/src/sub", 0777), 0);
	write_file("proj/pyproject.toml", "[tool.loadfix]\nselect = [\"LF002\"]\n");
	/* a pyproject.toml without the table is passed over */
	write_file("proj/src/pyproject.toml", "[project]\nname = \"sub\"\n");
	write_file("proj/src/sub/a.py", "");
	test_argv a;
	lf_settings s;
	PARSE(&a, &s, "proj/src/sub/a.py", "elsewhere");
	assert_non_null(s.config.path);
	char *want = realpath("proj/pyproject.toml", NULL);
	assert_non_null(want);
	char *got = realpath(s.config.path, NULL);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
	free(want);
	assert_string_equal(enabled_rules(s.check.enabled), "LF002");
	lf_settings_finish(&s);
	test_argv_free(&a);

	/* --isolated reads none */
	PARSE(&a, &s, "--isolated", "proj/src/sub/a.py");
	assert_null(s.config.path);
	assert_string_equal(enabled_rules(s.check.enabled),
	                    "LF001,LF002,LF003,LF004,LF005,LF006,LF007,LF008,LF101,LF102,LF103,LF104,LF105,LF106");
	lf_settings_finish(&s);
	test_argv_free(&a);
}

static void test_stdin_searches_from_current_directory(void **state)
{
	(void)state;
	PROJECT("select = [\"LF003\"]\n");
	assert_int_equal(mkdir("elsewhere", 0777), 0);
	test_argv a;
	lf_settings s;
	PARSE(&a, &s, "-");
	assert_non_null(s.config.path);
	assert_string_equal(enabled_rules(s.check.enabled), "LF003");
	lf_settings_finish(&s);
	test_argv_free(&a);
	/* no path: the current directory too */
	PARSE(&a, &s, "--fix");
	assert_non_null(s.config.path);
	assert_string_equal(enabled_rules(s.check.enabled), "LF003");
	lf_settings_finish(&s);
	test_argv_free(&a);
}

static void test_explicit_config_file(void **state)
{
	(void)state;
	PROJECT("select = [\"LF003\"]\n");
	write_file("other.toml", "[tool.loadfix]\nselect = [\"LF004\"]\nunsafe-fixes = true\n");
	test_argv a;
	lf_settings s;
	PARSE(&a, &s, "--config", "other.toml", ".");
	assert_string_equal(s.config.path, "other.toml");
	assert_string_equal(s.config.directory, ".");
	assert_string_equal(enabled_rules(s.check.enabled), "LF004");
	assert_true(s.check.unsafe_fixes);
	lf_settings_finish(&s);
	test_argv_free(&a);
}

int main(void)
{
	char cwd[PATH_MAX];
	assert_non_null(getcwd(cwd, sizeof cwd));
	start_dir = cwd;
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_config_select_and_ignore, enter, leave),
	        cmocka_unit_test_setup_teardown(test_cli_select_replaces_config_select, enter, leave),
	        cmocka_unit_test_setup_teardown(test_cli_select_keeps_config_ignore, enter, leave),
	        cmocka_unit_test_setup_teardown(test_cli_ignore_adds_to_config_ignore, enter, leave),
	        cmocka_unit_test_setup_teardown(test_cli_ignore_applies_to_config_select, enter, leave),
	        cmocka_unit_test_setup_teardown(test_config_bad_selectors_exit, enter, leave),
	        cmocka_unit_test_setup_teardown(test_exclude_merge, enter, leave),
	        cmocka_unit_test_setup_teardown(test_no_configured_exclude_keeps_defaults, enter, leave),
	        cmocka_unit_test_setup_teardown(test_unsafe_fixes, enter, leave),
	        cmocka_unit_test_setup_teardown(test_per_file_ignores, enter, leave),
	        cmocka_unit_test_setup_teardown(test_per_file_ignores_relative_to_config, enter, leave),
	        cmocka_unit_test_setup_teardown(test_nearest_config_from_first_path, enter, leave),
	        cmocka_unit_test_setup_teardown(test_stdin_searches_from_current_directory, enter, leave),
	        cmocka_unit_test_setup_teardown(test_explicit_config_file, enter, leave),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
