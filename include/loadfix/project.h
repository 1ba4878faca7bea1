#ifndef LOADFIX_PROJECT_H
#define LOADFIX_PROJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loadfix/evidence.h"

/*
 * The per-run project index: which files the run checks, and for a module
 * of the project, what a star import of it binds (`from pkg.utils import
 * *` binds what pkg/utils.py binds at module level: `torch`, `loads`
 * from pickle, ...).  It is built once per run from the walked paths and
 * shared by the workers; a module's exports are computed the first time a
 * star import asks for them (parsing that file once) and kept.
 *
 * Decisions: a module is found the way a project run from its own tree
 * finds it: `a.b` as `a/b.py` or `a/b/__init__.py` in the importing
 * file's directory or any directory above it; relative imports from the
 * importing file's package.  Only files the run checks count (a module
 * outside the tree resolves to nothing, as before).  `__all__` is not
 * read: every module-level binding of a known loader or module is
 * exported, which can only err toward reporting.  A cycle of star imports
 * resolves to nothing where it closes.
 */

typedef struct lf_project lf_project;

/* One exported name: `name` (owned by the project) stands for name id `id`
 * (loadfix/targets.h). */
typedef struct lf_export {
	const char *name;
	uint32_t id;
} lf_export;

typedef struct lf_exports {
	const lf_export *items; /* owned by the project; valid for its lifetime */
	size_t count;
} lf_exports;

/* The index of `paths` (as walked; copied).  Never NULL. */
lf_project *lf_project_create(const char *const *paths, size_t count);
void lf_project_destroy(lf_project *project);

/*
 * What `from <module> import *` in the file `importer` binds: `module` is
 * the dotted name without leading dots and `level` the number of leading
 * dots (0 for an absolute import).  Empty when the module is not a file of
 * the project.  Thread-safe.
 */
lf_exports lf_project_star_exports(lf_project *project, const char *importer, const char *module, unsigned level);

struct lf_wrapper;

/*
 * The wrapper of torch.load called `name` that the module `module` (as for
 * lf_project_star_exports) defines (loadfix/wrappers.h), or NULL.  A
 * module's wrappers are found the first time one is asked for (parsing it
 * once) and kept for the project's lifetime.  Thread-safe.
 */
const struct lf_wrapper *lf_project_wrapper(lf_project *project, const char *importer, const char *module,
                                            unsigned level, const char *name);

/* How many modules were parsed only to know their exports or wrappers. */
uint64_t lf_project_modules_parsed(const lf_project *project);

/* What the project's files save to one literal path (loadfix/save_index.h). */
typedef struct lf_project_save {
	lf_evidence_kind kind; /* STATE_DICT, or the unsafe kind that wins */
	const char *where;     /* "train.py:12" (display path and 1-based line), owned by the project */
	const char *path;      /* the normalised literal, owned by the project */
} lf_project_save;

/*
 * What the project's files other than `asker` (as walked; may be NULL)
 * save to the normalised literal `path` (lf_evidence_file_saves): false
 * when none saves there what loadfix can judge.  When they disagree the
 * unsafe kind wins (the first such save in path order is told): a broken
 * program is worse than a fix left for --unsafe-fixes.  The files' saves
 * are found the first time any load asks (the files that may call torch's
 * save are parsed once) and kept.  Thread-safe.
 */
bool lf_project_saved(lf_project *project, const char *asker, const char *path, lf_project_save *out);

/* How many files were parsed only for their saves. */
uint64_t lf_project_save_files_parsed(const lf_project *project);

struct lf_prefilter;

/* Whether any star import in `bytes` (the file `importer`) binds a known
 * name: the prefilter's answer for what it cannot see.  False without a
 * project. */
bool lf_project_star_imports_bind(lf_project *project, struct lf_prefilter *prefilter, const char *importer,
                                  const uint8_t *bytes, size_t len);

#endif
