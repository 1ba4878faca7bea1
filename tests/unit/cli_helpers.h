/* Helpers for the tests that drive lf_cli_parse (test_cli.c,
 * test_settings.c): parsing an argument list in this process, and running
 * one that must exit (usage errors, --help) in a child. */
#ifndef LOADFIX_TEST_CLI_HELPERS_H
#define LOADFIX_TEST_CLI_HELPERS_H

#include <getopt.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

#include "loadfix/buf.h"
#include "loadfix/cli.h"
#include "loadfix/fixer.h"

#define MAX_ARGS 32

/* An argv that outlives the parse: lf_settings borrows its paths, and
 * getopt permutes it. */
typedef struct test_argv {
	char *argv[MAX_ARGS + 1];
	int argc;
} test_argv;

static inline void test_argv_make(test_argv *a, const char *const *args)
{
	a->argc = 0;
	a->argv[a->argc++] = strdup("loadfix");
	for (; *args; args++) {
		assert_true(a->argc < MAX_ARGS);
		a->argv[a->argc++] = strdup(*args);
	}
	a->argv[a->argc] = NULL;
}

static inline void test_argv_free(test_argv *a)
{
	for (int i = 0; i < a->argc; i++)
		free(a->argv[i]);
	a->argc = 0;
}

/* Parses `args` (NULL-terminated, without the program name). */
static inline void parse_args(test_argv *a, lf_settings *s, const char *const *args)
{
	test_argv_make(a, args);
	optind = 0; /* glibc: start a fresh scan */
	lf_cli_parse(a->argc, a->argv, s);
}

#define PARSE(a, s, ...) parse_args((a), (s), (const char *const[]){__VA_ARGS__, NULL})

/*
 * Runs lf_cli_parse on `args` in a child, which must exit: returns its exit
 * status (100 when lf_cli_parse returned instead) and its stdout and stderr
 * together in *output (caller frees).
 */
static inline int parse_exit_status(const char *const *args, char **output)
{
	char path[] = "/tmp/loadfix-cli-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		test_argv a;
		test_argv_make(&a, args);
		optind = 0;
		lf_settings s;
		lf_cli_parse(a.argc, a.argv, &s);
		fflush(stdout);
		fflush(stderr);
		_exit(100);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	off_t size = lseek(fd, 0, SEEK_END);
	assert_true(size >= 0);
	char *text = malloc((size_t)size + 1);
	assert_non_null(text);
	assert_int_equal(pread(fd, text, (size_t)size, 0), size);
	text[size] = '\0';
	close(fd);
	unlink(path);
	*output = text;
	return WEXITSTATUS(status);
}

/* Asserts that `args` exit with `status` and print `message` (a substring). */
static inline void expect_exit(int status, const char *message, const char *const *args)
{
	char *output;
	int got = parse_exit_status(args, &output);
	if (got != status || !strstr(output, message))
		fail_msg("exit %d (want %d), output: %s (want it to contain: %s)", got, status, output, message);
	free(output);
}

#define EXPECT_EXIT(status, message, ...) expect_exit((status), (message), (const char *const[]){__VA_ARGS__, NULL})

/* Index of the rule with this code in lf_fixers. */
static inline size_t rule_at(const char *code)
{
	for (size_t i = 0; i < lf_fixer_count; i++)
		if (strcmp(lf_fixers[i]->rule->code, code) == 0)
			return i;
	fail_msg("no rule %s", code);
	return 0;
}

/* The enabled rules as a string, e.g. "LF001,LF004". */
static inline const char *enabled_rules(const bool *enabled)
{
	static char text[LF_MAX_RULES * 6 + 1];
	text[0] = '\0';
	for (size_t i = 0; i < lf_fixer_count; i++) {
		if (!enabled[i])
			continue;
		if (text[0])
			strcat(text, ",");
		strcat(text, lf_fixers[i]->rule->code);
	}
	return text;
}

/* A fresh empty directory, made the current one, so that no pyproject.toml
 * of the machine is found.  Returns its path (caller frees). */
static inline char *enter_temp_dir(void)
{
	char *dir = strdup("/tmp/loadfix-unit-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chdir(dir), 0);
	return dir;
}

static inline void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

#endif
