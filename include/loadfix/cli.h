#ifndef LOADFIX_CLI_H
#define LOADFIX_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "loadfix/check.h"
#include "loadfix/config.h"

/*
 * The settings of one run: the command line merged with the
 * [tool.loadfix] table of the nearest pyproject.toml (or --config FILE;
 * --isolated ignores configuration).  The command line wins: --select
 * replaces the configured selection, --ignore adds to the configured
 * ignores, --exclude replaces the configured exclusions, --extend-exclude
 * adds to them.
 */

typedef enum lf_mode { LF_MODE_REPORT, LF_MODE_FIX, LF_MODE_DIFF } lf_mode;
typedef enum lf_format { LF_FORMAT_TEXT, LF_FORMAT_JSON, LF_FORMAT_SARIF, LF_FORMAT_GITHUB } lf_format;

typedef struct lf_settings {
	lf_mode mode;
	lf_format format;
	lf_check_options check;
	const char *stdin_filename;
	bool exit_zero;
	bool quiet;
	bool statistics;
	bool show_settings;
	bool use_gitignore;
	bool color;                 /* colour the text report (--color, NO_COLOR, FORCE_COLOR, a terminal) */
	bool no_default_path;       /* --no-default-path: no PATH means no file, not '.' */
	const char *since;          /* --since REV, or NULL */
	const char *sarif_category; /* --sarif-category, "loadfix" by default (borrowed) */
	unsigned threads;
	unsigned long long max_file_size;
	lf_config config;       /* what was read (config.path NULL when none) */
	lf_string_list exclude; /* effective exclusions (when has_exclude) */
	bool has_exclude;
	lf_string_list extend_exclude; /* effective additions */
	const char **paths;            /* borrowed from argv; "." when none */
	size_t path_count;
} lf_settings;

/*
 * Parses argv and loads the configuration.  Exits with status 2 and a
 * message on a usage or configuration error; exits 0 for --help/--version.
 */
void lf_cli_parse(int argc, char **argv, lf_settings *settings);
void lf_settings_finish(lf_settings *settings);

/*
 * The rules enabled for one file: the run's selection minus the
 * per-file-ignores whose glob matches `path`.
 */
void lf_settings_for_file(const lf_settings *settings, const char *path, lf_check_options *out);

/* Prints the resolved settings as JSON (--show-settings). */
void lf_settings_print(const lf_settings *settings);

#endif
