/*
 * The [tool.loadfix] reader (lf_config_parse, src/config.c) on arbitrary
 * bytes, passed as an exact-size buffer with no NUL terminator:
 *  C1 no crash, no leak, no read past `len` (ASan), bounded time;
 *  C2 either success with *error untouched, or failure with *error set to
 *     "line N: reason" where N is a line of the input;
 *  C3 a success yields a well-formed config (non-NULL strings, counts that
 *     match), and nothing is found without the text "loadfix" in it;
 *  C4 parsing twice gives the same outcome and the same config;
 *  C5 appending "\n# comment\n" to a valid file keeps it valid and changes
 *     nothing;
 *  C6 an error message holds no control character: keys and values quoted
 *     into it come from the file and must not reach a terminal raw (file
 *     names are escaped for the same reason).  Bug B5; not checked under
 *     LOADFIX_FUZZ_ALLOW_KNOWN.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "loadfix/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void dump_and_fail(const uint8_t *data, size_t size, const char *what, const char *error)
{
	fuzz_dump("toml", data, size);
	fuzz_fail("%s%s%s", what, error ? ": " : "", error ? error : "");
}

static bool lists_equal(const lf_string_list *a, const lf_string_list *b)
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++)
		if (strcmp(a->items[i], b->items[i]) != 0)
			return false;
	return true;
}

static bool configs_equal(const lf_config *a, const lf_config *b)
{
	if (a->found != b->found || a->has_select != b->has_select || a->has_ignore != b->has_ignore ||
	    a->has_exclude != b->has_exclude || a->has_extend_exclude != b->has_extend_exclude ||
	    a->has_unsafe_fixes != b->has_unsafe_fixes || a->unsafe_fixes != b->unsafe_fixes ||
	    !lists_equal(&a->select, &b->select) || !lists_equal(&a->ignore, &b->ignore) ||
	    !lists_equal(&a->exclude, &b->exclude) || !lists_equal(&a->extend_exclude, &b->extend_exclude) ||
	    a->per_file_ignore_count != b->per_file_ignore_count)
		return false;
	for (size_t i = 0; i < a->per_file_ignore_count; i++)
		if (strcmp(a->per_file_ignores[i].pattern, b->per_file_ignores[i].pattern) != 0 ||
		    !lists_equal(&a->per_file_ignores[i].codes, &b->per_file_ignores[i].codes))
			return false;
	return true;
}

static bool list_ok(const lf_string_list *l)
{
	if (l->count && !l->items)
		return false;
	for (size_t i = 0; i < l->count; i++)
		if (!l->items[i])
			return false;
	return true;
}

static bool parse(const uint8_t *data, size_t size, lf_config *config, char **error)
{
	char *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	lf_config_init(config);
	*error = NULL;
	bool ok = lf_config_parse(copy, size, config, error);
	free(copy);
	return ok;
}

static void check_outcome(const uint8_t *data, size_t size, bool ok, const lf_config *config, const char *error)
{
	if (ok) {
		if (error)
			dump_and_fail(data, size, "C2: success with an error message", error);
		if (!list_ok(&config->select) || !list_ok(&config->ignore) || !list_ok(&config->exclude) ||
		    !list_ok(&config->extend_exclude) || (config->per_file_ignore_count && !config->per_file_ignores))
			dump_and_fail(data, size, "C3: a malformed config", NULL);
		for (size_t i = 0; i < config->per_file_ignore_count; i++)
			if (!config->per_file_ignores[i].pattern || !list_ok(&config->per_file_ignores[i].codes))
				dump_and_fail(data, size, "C3: a malformed per-file-ignores entry", NULL);
		bool mentions = memmem(data, size, "loadfix", 7) != NULL;
		if (!mentions &&
		    (config->found || config->has_select || config->has_ignore || config->has_exclude ||
		     config->has_extend_exclude || config->has_unsafe_fixes || config->per_file_ignore_count))
			dump_and_fail(data, size, "C3: settings found in a file that never says loadfix", NULL);
		return;
	}
	if (!error)
		dump_and_fail(data, size, "C2: failure without an error message", NULL);
	unsigned line;
	int consumed = 0;
	if (sscanf(error, "line %u: %n", &line, &consumed) != 1 || consumed == 0)
		dump_and_fail(data, size, "C2: the error does not start with \"line N: \"", error);
	size_t lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (line < 1 || line > lines)
		dump_and_fail(data, size, "C2: the error names a line outside the input", error);
	if (!getenv("LOADFIX_FUZZ_ALLOW_KNOWN"))
		for (const char *c = error; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				dump_and_fail(data, size, "C6: a control character in the error message", error);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1u << 18))
		return 0;
	lf_config a, b;
	char *error_a, *error_b;
	bool ok_a = parse(data, size, &a, &error_a);
	check_outcome(data, size, ok_a, &a, error_a);
	bool ok_b = parse(data, size, &b, &error_b);
	if (ok_a != ok_b || (!ok_a && strcmp(error_a, error_b) != 0) || (ok_a && !configs_equal(&a, &b)))
		dump_and_fail(data, size, "C4: two parses of the same text differ", error_a);
	lf_config_finish(&b);
	free(error_b);
	if (ok_a) {
		static const char tail[] = "\n# a comment\n";
		uint8_t *longer = malloc(size + sizeof tail - 1);
		memcpy(longer, data, size);
		memcpy(longer + size, tail, sizeof tail - 1);
		lf_config c;
		char *error_c;
		bool ok_c = parse(longer, size + sizeof tail - 1, &c, &error_c);
		if (!ok_c || !configs_equal(&a, &c))
			dump_and_fail(data, size, "C5: appending a comment line changed the outcome", error_c);
		lf_config_finish(&c);
		free(longer);
	}
	lf_config_finish(&a);
	free(error_a);
	return 0;
}
