#ifndef LOADFIX_SAVE_INDEX_H
#define LOADFIX_SAVE_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loadfix/project.h"

/*
 * The project's torch.save calls to literal paths, and what each saves
 * (loadfix/evidence.h): the evidence LF001 reads across files, so that a
 * `torch.save(model, "ckpt.pt")` in train.py makes the fix of
 * `torch.load("ckpt.pt")` in eval.py unsafe.  Built once per run, on the
 * first LF001 finding with a literal path (lf_project_saved), by reading
 * every checked file; only those that may call torch's save
 * (lf_save_index_may_save) are parsed.  Read-only once built.
 */
typedef struct lf_save_index lf_save_index;

/* The saves of the files `paths` (Python files and notebooks, as walked;
 * borrowed: they must outlive the index).  A file that cannot be read or
 * is over `max_size` bytes adds nothing (its own check says why).  Never
 * NULL. */
lf_save_index *lf_save_index_build(const char *const *paths, size_t count, uint64_t max_size);
void lf_save_index_destroy(lf_save_index *index);

/* What the files other than `asker` (may be NULL) save to `path`, as
 * lf_project_saved says; the strings are the index's. */
bool lf_save_index_find(const lf_save_index *index, const char *asker, const char *path, lf_project_save *out);

/* How many files were parsed for their saves. */
uint64_t lf_save_index_files_parsed(const lf_save_index *index);

/* The cheap test that keeps the others unparsed: the bytes spell `torch`
 * and a call of a name `save` (`save` not inside a longer name, then
 * optional blanks and line continuations, then `(`).  Every save
 * lf_evidence_file_saves visits passes it (test_evidence checks that on
 * PyTorch's own sources). */
bool lf_save_index_may_save(const uint8_t *bytes, size_t len);

#endif
