#ifndef LOADFIX_WALK_H
#define LOADFIX_WALK_H

#include <stdbool.h>
#include <stddef.h>

#include "loadfix/buf.h"

/*
 * Turns the command line's paths into the sorted list of files to check.
 * A file named on the command line is always checked, whatever its name;
 * directories are walked for `*.py`, without following symbolic links and
 * skipping hidden directories, `__pycache__`, virtualenvs and the other
 * default exclusions (see walk.c).  Problems (a path that does not exist, an
 * unreadable directory) are appended to `errors` as "path: reason" lines;
 * the walk goes on.
 */
typedef struct lf_file_list {
	char **paths; /* owned */
	size_t count;
	size_t cap;
} lf_file_list;

void lf_file_list_init(lf_file_list *list);
void lf_file_list_finish(lf_file_list *list);
/* Returns false when any error was recorded. */
bool lf_walk(const char *const *roots, size_t root_count, lf_file_list *out, lf_buf *errors);

#endif
