/*
 * lf_cli_parse: each option of the README's Usage table, the errors for bad
 * or missing values, `--` and `-`.  Runs in an empty temporary directory
 * (no pyproject.toml); the merge with [tool.loadfix] is test_settings.c's.
 */
#include "cli_helpers.h"

static char *temp_dir;

static int group_setup(void **state)
{
	(void)state;
	temp_dir = enter_temp_dir();
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	char *command = lf_xasprintf("rm -rf '%s'", temp_dir);
	int status = system(command);
	free(command);
	free(temp_dir);
	return status == 0 ? 0 : -1;
}

static void test_defaults(void **state)
{
	(void)state;
	test_argv a;
	lf_settings s;
	PARSE(&a, &s, "--isolated");
	assert_int_equal(s.mode, LF_MODE_REPORT);
	assert_int_equal(s.format, LF_FORMAT_TEXT);
	assert_string_equal(enabled_rules(s.check.enabled),
	                    "LF001,LF002,LF003,LF004,LF005,LF006,LF007,LF008,LF101,LF102,LF103,LF104,LF105,LF106");
	assert_false(s.check.fix);
	assert_false(s.check.unsafe_fixes);
	assert_null(s.stdin_filename);
	assert_false(s.exit_zero);
	assert_false(s.quiet);
	assert_false(s.statistics);
	assert_false(s.show_settings);
	assert_true(s.use_gitignore);
	assert_null(s.since);
	assert_int_equal(s.threads, (unsigned)sysconf(_SC_NPROCESSORS_ONLN));
	assert_int_equal(s.max_file_size, 10ull * 1024 * 1024);
	assert_false(s.has_exclude);
	assert_int_equal(s.exclude.count, 0);
	assert_int_equal(s.extend_exclude.count, 0);
	assert_int_equal(s.path_count, 0);
	assert_null(s.config.path);
	lf_settings_finish(&s);
	test_argv_free(&a);
}

static void test_no_config_found_without_isolated(void **state)
{
	(void)state;
	test_argv a;
	lf_settings s;
	PARSE(&a, &s, "x.py");
	assert_null(s.config.path);
	assert_string_equal(enabled_rules(s.check.enabled),
	                    "LF001,LF002,LF003,LF004,LF005,LF006,LF007,LF008,LF101,LF102,LF103,LF104,LF105,LF106");
	lf_settings_finish(&s);
	test_argv_free(&a);
}

static void test_modes(void **state)
{
	(void)state;
	test_argv a;
	lf_settings s;
	PARSE(&a, &s, "--isolated", "--fix");
	assert_int_equal(s.mode, LF_MODE_FIX);
	assert_true(s.check.fix);
	assert_false(s.check.unsafe_fixes);
	lf_settings_finish(&s);
	test_argv_free(&a);

	/* --diff computes the fixes too; only what is done with them differs */
	PARSE(&a, &s, "--isolated", "--diff");
	assert_int_equal(s.mode, LF_MODE_DIFF);
	assert_true(s.check.fix);
	lf_settings_finish(&s);
	test_argv_free(&a);

	PARSE(&a, &s, "--isolated", "--fix", "--unsafe-fixes");
	assert_int_equal(s.mode, LF_MODE_FIX);
	assert_true(s.check.unsafe_fixes);
	lf_settings_finish(&s);
	test_argv_free(&a);

	/* in report mode --unsafe-fixes only marks them [*] */
	PARSE(&a, &s, "--isolated", "--unsafe-fixes");
	assert_int_equal(s.mode, LF_MODE_REPORT);
	assert_false(s.check.fix);
	assert_true(s.check.unsafe_fixes);
	lf_settings_finish(&s);
	test_argv_free(&a);

	EXPECT_EXIT(2, "--fix and --diff cannot be combined", "--isolated", "--fix", "--diff");
	EXPECT_EXIT(2, "--fix and --diff cannot be combined", "--isolated", "--diff", "--fix");
}

static void test_select_and_ignore(void **state)
{
	(void)state;
	static const struct {
		const char *option, *value, *rules;
	} cases[] = {
	        {"--select", "LF002", "LF002"},
	        {"--select", "LF00", "LF001,LF002,LF003,LF004,LF005,LF006,LF007,LF008"},
	        {"--select", "LF",
	         "LF001,LF002,LF003,LF004,LF005,LF006,LF007,LF008,LF101,LF102,LF103,LF104,LF105,LF106"},
	        {"--select", "ALL",
	         "LF001,LF002,LF003,LF004,LF005,LF006,LF007,LF008,LF101,LF102,LF103,LF104,LF105,LF106"},
	        {"--select", "LF001,LF003", "LF001,LF003"},
	        {"--select", "LF001, LF004", "LF001,LF004"},
	        {"--ignore", "LF001", "LF002,LF003,LF004,LF005,LF006,LF007,LF008,LF101,LF102,LF103,LF104,LF105,LF106"},
	        {"--ignore", "LF003,LF004", "LF001,LF002,LF005,LF006,LF007,LF008,LF101,LF102,LF103,LF104,LF105,LF106"},
	        {"--ignore", "LF1", "LF001,LF002,LF003,LF004,LF005,LF006,LF007,LF008"},
	        {"--ignore", "ALL", ""},
	        {"--ignore", "LF00", "LF101,LF102,LF103,LF104,LF105,LF106"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		test_argv a;
		lf_settings s;
		PARSE(&a, &s, "--isolated", cases[i].option, cases[i].value);
		if (strcmp(enabled_rules(s.check.enabled), cases[i].rules) != 0)
			fail_msg("%s %s: rules %s, want %s", cases[i].option, cases[i].value,
			         enabled_rules(s.check.enabled), cases[i].rules);
		lf_settings_finish(&s);
		test_argv_free(&a);
	}
	test_argv a;
	lf_settings s;
	/* --select: the last one wins; --ignore: every one counts */
	PARSE(&a, &s, "--isolated", "--select", "LF001", "--select", "LF002,LF003");
	assert_string_equal(enabled_rules(s.check.enabled), "LF002,LF003");
	lf_settings_finish(&s);
	test_argv_free(&a);
	PARSE(&a, &s, "--isolated", "--ignore", "LF001", "--ignore", "LF002");
	assert_string_equal(enabled_rules(s.check.enabled),
	                    "LF003,LF004,LF005,LF006,LF007,LF008,LF101,LF102,LF103,LF104,LF105,LF106");
	lf_settings_finish(&s);
	test_argv_free(&a);
	/* ignore applies after select */
	PARSE(&a, &s, "--isolated", "--ignore", "LF002", "--select", "LF00");
	assert_string_equal(enabled_rules(s.check.enabled), "LF001,LF003,LF004,LF005,LF006,LF007,LF008");
	lf_settings_finish(&s);
	test_argv_free(&a);

	EXPECT_EXIT(2, "unknown rule selector 'XX999'", "--isolated", "--select", "XX999");
	EXPECT_EXIT(2, "unknown rule selector 'LF0011'", "--isolated", "--ignore", "LF0011");
	EXPECT_EXIT(2, "unknown rule selector 'lf001'", "--isolated", "--select", "lf001");
	EXPECT_EXIT(2, "unknown rule selector 'XX1'", "--isolated", "--select", "LF001,XX1");
}

static void test_output_formats(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		lf_format format;
	} formats[] = {
	        {"text", LF_FORMAT_TEXT},
	        {"json", LF_FORMAT_JSON},
	        {"sarif", LF_FORMAT_SARIF},
	        {"github", LF_FORMAT_GITHUB},
	};
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		test_argv a;
		lf_settings s;
		PARSE(&a, &s, "--isolated", "--output-format", formats[i].name);
		assert_int_equal(s.format, formats[i].format);
		lf_settings_finish(&s);
		test_argv_free(&a);
		/* the --opt=value form too */
		char *joined = lf_xasprintf("--output-format=%s", formats[i].name);
		PARSE(&a, &s, "--isolated", joined);
		assert_int_equal(s.format, formats[i].format);
		lf_settings_finish(&s);
		test_argv_free(&a);
		free(joined);
	}
	EXPECT_EXIT(2, "unknown output format 'yaml' (expected text, json, sarif or github)", "--isolated",
	            "--output-format", "yaml");
	EXPECT_EXIT(2, "unknown output format 'JSON'", "--isolated", "--output-format", "JSON");
	EXPECT_EXIT(2, "unknown output format ''", "--isolated", "--output-format", "");
	EXPECT_EXIT(2, "Try 'loadfix --help'", "--isolated", "--output-format");
}

static void test_flags(void **state)
{
	(void)state;
	test_argv a;
	lf_settings s;
	PARSE(&a, &s, "--isolated", "--exit-zero", "--statistics", "--show-settings", "--no-ignore", "-q");
	assert_true(s.exit_zero);
	assert_true(s.statistics);
	assert_true(s.show_settings);
	assert_false(s.use_gitignore);
	assert_true(s.quiet);
	assert_int_equal(s.mode, LF_MODE_REPORT);
	lf_settings_finish(&s);
	test_argv_free(&a);

	PARSE(&a, &s, "--isolated", "--quiet");
	assert_true(s.quiet);
	lf_settings_finish(&s);
	test_argv_free(&a);
}

static void test_options_with_values(void **state)
{
	(void)state;
	test_argv a;
	lf_settings s;
	PARSE(&a, &s, "--isolated", "--stdin-filename", "model/io.py", "--since", "origin/main", "--max-file-size",
	      "100", "--exclude", "vendored,*_pb2.py", "--extend-exclude", "gen", "--extend-exclude", "a,b");
	assert_string_equal(s.stdin_filename, "model/io.py");
	assert_string_equal(s.since, "origin/main");
	assert_int_equal(s.max_file_size, 100);
	assert_true(s.has_exclude);
	assert_int_equal(s.exclude.count, 2);
	assert_string_equal(s.exclude.items[0], "vendored");
	assert_string_equal(s.exclude.items[1], "*_pb2.py");
	assert_int_equal(s.extend_exclude.count, 3);
	assert_string_equal(s.extend_exclude.items[0], "gen");
	assert_string_equal(s.extend_exclude.items[1], "a");
	assert_string_equal(s.extend_exclude.items[2], "b");
	assert_int_equal(s.path_count, 0);
	lf_settings_finish(&s);
	test_argv_free(&a);

	/* --exclude: the last one wins */
	PARSE(&a, &s, "--isolated", "--exclude", "a", "--exclude", "b");
	assert_int_equal(s.exclude.count, 1);
	assert_string_equal(s.exclude.items[0], "b");
	lf_settings_finish(&s);
	test_argv_free(&a);

	EXPECT_EXIT(2, "Try 'loadfix --help'", "--isolated", "--stdin-filename");
	EXPECT_EXIT(2, "Try 'loadfix --help'", "--isolated", "--since");
	EXPECT_EXIT(2, "Try 'loadfix --help'", "--isolated", "--select");
	EXPECT_EXIT(2, "Try 'loadfix --help'", "--isolated", "--exclude");
	EXPECT_EXIT(2, "Try 'loadfix --help'", "--isolated", "--config");
}

static void test_max_file_size(void **state)
{
	(void)state;
	static const char *const good[] = {"1", "4294967294", "10485760"};
	static const unsigned long long good_values[] = {1, 4294967294ull, 10485760};
	for (size_t i = 0; i < 3; i++) {
		test_argv a;
		lf_settings s;
		PARSE(&a, &s, "--isolated", "--max-file-size", good[i]);
		assert_int_equal(s.max_file_size, good_values[i]);
		lf_settings_finish(&s);
		test_argv_free(&a);
	}
	static const char *const bad[] = {"0", "4294967295", "-1", "", "12x", "1e6", "abc", "99999999999999999999"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *message = lf_xasprintf("invalid --max-file-size '%s' (1 to 4294967294 bytes)", bad[i]);
		EXPECT_EXIT(2, message, "--isolated", "--max-file-size", bad[i]);
		free(message);
	}
}

static void test_threads(void **state)
{
	(void)state;
	static const struct {
		const char *const args[3];
		unsigned threads;
	} cases[] = {
	        {{"-j", "4", NULL}, 4},           {{"-j4", NULL, NULL}, 4}, {{"--threads", "2", NULL}, 2},
	        {{"--threads=3", NULL, NULL}, 3}, {{"-j", "1", NULL}, 1},   {{"-j", "1024", NULL}, 1024},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		test_argv a;
		lf_settings s;
		const char *args[] = {"--isolated", cases[i].args[0], cases[i].args[1], NULL};
		parse_args(&a, &s, args);
		assert_int_equal(s.threads, cases[i].threads);
		lf_settings_finish(&s);
		test_argv_free(&a);
	}
	static const char *const bad[] = {"0", "1025", "-1", "", "x", "2x", "99999999999999999999"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *message = lf_xasprintf("invalid thread count '%s'", bad[i]);
		EXPECT_EXIT(2, message, "--isolated", "-j", bad[i]);
		free(message);
	}
	EXPECT_EXIT(2, "Try 'loadfix --help'", "--isolated", "-j");
}

static void test_paths(void **state)
{
	(void)state;
	test_argv a;
	lf_settings s;
	/* options and paths in any order (GNU permutation) */
	PARSE(&a, &s, "--isolated", "a.py", "--fix", "dir");
	assert_int_equal(s.mode, LF_MODE_FIX);
	assert_int_equal(s.path_count, 2);
	assert_string_equal(s.paths[0], "a.py");
	assert_string_equal(s.paths[1], "dir");
	lf_settings_finish(&s);
	test_argv_free(&a);

	/* `-` is a path (standard input), not an option */
	PARSE(&a, &s, "--isolated", "--fix", "-");
	assert_int_equal(s.mode, LF_MODE_FIX);
	assert_int_equal(s.path_count, 1);
	assert_string_equal(s.paths[0], "-");
	lf_settings_finish(&s);
	test_argv_free(&a);

	/* after `--`, everything is a path */
	PARSE(&a, &s, "--isolated", "--", "--fix", "-q", "-");
	assert_int_equal(s.mode, LF_MODE_REPORT);
	assert_false(s.quiet);
	assert_int_equal(s.path_count, 3);
	assert_string_equal(s.paths[0], "--fix");
	assert_string_equal(s.paths[1], "-q");
	assert_string_equal(s.paths[2], "-");
	lf_settings_finish(&s);
	test_argv_free(&a);
}

static void test_config_options(void **state)
{
	(void)state;
	EXPECT_EXIT(2, "--config and --isolated cannot be combined", "--config", "x.toml", "--isolated");
	EXPECT_EXIT(2, "loadfix: nowhere.toml: No such file or directory", "--config", "nowhere.toml");
	write_file("bad.toml", "[tool.loadfix]\nselect = \"LF001\"\n");
	EXPECT_EXIT(2, "loadfix: bad.toml: line 2: ", "--config", "bad.toml");
	write_file("good.toml", "[tool.loadfix]\nselect = [\"LF002\"]\n");
	test_argv a;
	lf_settings s;
	PARSE(&a, &s, "--config", "good.toml");
	assert_string_equal(s.config.path, "good.toml");
	assert_string_equal(enabled_rules(s.check.enabled), "LF002");
	lf_settings_finish(&s);
	test_argv_free(&a);
	unlink("bad.toml");
	unlink("good.toml");
}

static void test_unknown_option(void **state)
{
	(void)state;
	EXPECT_EXIT(2, "Try 'loadfix --help' for more information.", "--frobnicate");
	EXPECT_EXIT(2, "Try 'loadfix --help' for more information.", "-x");
	EXPECT_EXIT(2, "Try 'loadfix --help' for more information.", "--fix=yes");
}

static void test_help_and_version(void **state)
{
	(void)state;
	EXPECT_EXIT(0, "Usage: loadfix [OPTIONS] [PATH...]", "--help");
	EXPECT_EXIT(0, "Usage: loadfix [OPTIONS] [PATH...]", "-h");
	char *output;
	assert_int_equal(parse_exit_status((const char *const[]){"--help", NULL}, &output), 0);
	for (size_t i = 0; i < lf_fixer_count; i++)
		assert_non_null(strstr(output, lf_fixers[i]->rule->code));
	assert_non_null(strstr(output, "--output-format"));
	free(output);
	/* --help wins over what follows it */
	EXPECT_EXIT(0, "Usage:", "--help", "--frobnicate");
	EXPECT_EXIT(0, "loadfix 0.", "--version");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_defaults),
	        cmocka_unit_test(test_no_config_found_without_isolated),
	        cmocka_unit_test(test_modes),
	        cmocka_unit_test(test_select_and_ignore),
	        cmocka_unit_test(test_output_formats),
	        cmocka_unit_test(test_flags),
	        cmocka_unit_test(test_options_with_values),
	        cmocka_unit_test(test_max_file_size),
	        cmocka_unit_test(test_threads),
	        cmocka_unit_test(test_paths),
	        cmocka_unit_test(test_config_options),
	        cmocka_unit_test(test_unknown_option),
	        cmocka_unit_test(test_help_and_version),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
