#ifndef LOADFIX_CONFIG_H
#define LOADFIX_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Settings from the `[tool.loadfix]` table of a pyproject.toml, as ruff and
 * bandit users expect:
 *
 *     [tool.loadfix]
 *     select = ["LF"]                 # rule codes or prefixes
 *     ignore = ["LF004"]
 *     exclude = ["vendored"]          # replaces the default exclusions
 *     extend-exclude = ["*_pb2.py"]   # adds to them
 *     unsafe-fixes = true
 *     per-file-ignores = { "test_*.py" = ["LF001"] }
 *     target-torch-version = "2.6"    # the torch the project runs on: no discovery
 *     # or as a table:  [tool.loadfix.per-file-ignores]  "test_*.py" = ["LF001"]
 *
 * Debian packages no C TOML library, so config.c reads the TOML subset this
 * needs and skips everything else correctly (see config.c for the subset).
 */

typedef struct lf_string_list {
	char **items; /* owned */
	size_t count;
} lf_string_list;

typedef struct lf_per_file_ignore {
	char *pattern; /* fnmatch glob, relative to the config's directory */
	lf_string_list codes;
} lf_per_file_ignore;

typedef struct lf_config {
	char *path;      /* the file read, or NULL */
	char *directory; /* its directory: globs are relative to it */
	bool found;      /* a [tool.loadfix] table was present */
	bool has_select, has_ignore, has_exclude, has_extend_exclude, has_unsafe_fixes;
	lf_string_list select, ignore, exclude, extend_exclude;
	bool unsafe_fixes;
	lf_per_file_ignore *per_file_ignores; /* owned */
	size_t per_file_ignore_count;
	char *target_torch_version; /* owned, a valid PEP 440 version, or NULL: discover */
} lf_config;

void lf_config_init(lf_config *config);
void lf_config_finish(lf_config *config);

/*
 * Parses TOML text.  Returns false with *error set ("line N: reason"; the
 * caller frees) when the text is not valid in the supported subset or a
 * loadfix setting has the wrong type.  Unknown keys in [tool.loadfix] are
 * errors too (a typo must not silently disable a rule).
 */
bool lf_config_parse(const char *text, size_t len, lf_config *config, char **error);

/*
 * Reads any TOML document with the same reader and calls `visit` for every
 * string value in it, in document order, also those inside arrays and
 * inline tables.  `path` is the key path of the value (table header parts,
 * then the key's parts, then inline-table keys; array positions are not
 * part of it): `[project] dependencies = ["torch"]` gives "project",
 * "dependencies".  `offset` is the byte offset of the string's opening
 * quote in `text`; `value` is the decoded string.  Both are borrowed for
 * the call.  Nothing of [tool.loadfix] is checked.  Returns false with
 * *error set (caller frees) on invalid TOML; strings before the error
 * have been visited.
 */
typedef void (*lf_config_string_visitor)(void *context, const char *const *path, size_t depth, const char *value,
                                         size_t offset);
bool lf_config_visit_strings(const char *text, size_t len, lf_config_string_visitor visit, void *context, char **error);

/* Reads and parses a file; errors are prefixed with nothing (the caller
 * names the file). */
bool lf_config_load(const char *path, lf_config *config, char **error);

/*
 * The nearest pyproject.toml with a [tool.loadfix] table, searching from
 * `start` (a file or directory) up to the filesystem root; NULL if none.
 * Caller frees.
 */
char *lf_config_find(const char *start);

#endif
