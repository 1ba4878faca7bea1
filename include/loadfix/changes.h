#ifndef LOADFIX_CHANGES_H
#define LOADFIX_CHANGES_H

#include <stdbool.h>

#include "loadfix/walk.h"

/*
 * Pull-request mode: the Python files that differ between the revision
 * `rev` and the working tree, in git's own view (libgit2's diff of REV's
 * tree against the working directory through the index, renames followed),
 * plus untracked files that are not ignored, so a new file is reviewed
 * before it is committed too.  Deleted files are left out.  Only files under
 * one of `roots` are kept.  Paths are relative to the current directory
 * when it lies inside the work tree, else absolute.  On failure returns
 * false with *error set (caller frees).
 */
bool lf_changed_files(const char *rev, const char *const *roots, size_t root_count, lf_file_list *out, char **error);

#endif
