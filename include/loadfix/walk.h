#ifndef LOADFIX_WALK_H
#define LOADFIX_WALK_H

#include <stdbool.h>
#include <stddef.h>

#include "loadfix/buf.h"
#include "loadfix/config.h"

/*
 * Turns the command line's paths into the sorted list of files to check.
 * A file named on the command line is always checked, whatever its name.
 * Directories are walked for `*.py` and `*.ipynb` (notebooks, checked
 * through loadfix/notebook.h):
 *   - never following symbolic links, never reading FIFOs, sockets or devices;
 *   - skipping what git ignores (.gitignore files, .git/info/exclude, the
 *     global excludes file), through libgit2's own ignore rules, unless
 *     `use_gitignore` is false;
 *   - skipping names and paths that match an exclusion glob (fnmatch): the
 *     defaults (lf_walk_default_excludes) or `exclude` when set, plus
 *     `extend_exclude`; and any virtualenv (a directory with pyvenv.cfg).
 * A glob matches an entry's name, its path as walked, or its path relative
 * to `base` (the config file's directory) when given.
 * Problems (a path that does not exist, an unreadable directory) are
 * appended to `errors` as "path: reason" lines; the walk goes on.
 */
typedef struct lf_file_list {
	char **paths; /* owned */
	size_t count;
	size_t cap;
} lf_file_list;

typedef struct lf_walk_options {
	bool use_gitignore;
	const lf_string_list *exclude;        /* replaces the defaults; NULL: defaults */
	const lf_string_list *extend_exclude; /* added; may be NULL */
	const char *base;                     /* directory globs are relative to; may be NULL */
} lf_walk_options;

extern const char *const lf_walk_default_excludes[];

void lf_file_list_init(lf_file_list *list);
void lf_file_list_finish(lf_file_list *list);
void lf_file_list_add(lf_file_list *list, char *path); /* takes ownership */
/* Sorts by path (bytewise) and drops duplicates. */
void lf_file_list_sort_unique(lf_file_list *list);

/* Returns false when any error was recorded. */
bool lf_walk(const char *const *roots, size_t root_count, const lf_walk_options *options, lf_file_list *out,
             lf_buf *errors);

/* Whether `path` (a file or directory as walked) matches one of the globs. */
bool lf_walk_path_excluded(const char *path, const char *const *globs, size_t count, const char *base);

#endif
