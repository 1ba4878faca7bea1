#ifndef LOADFIX_INSPECT_CODE_H
#define LOADFIX_INSPECT_CODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * `loadfix inspect --code PATH` (src/inspect/code.c): the torch.load calls
 * under PATH that the linter reports (LF001 missing weights_only, LF002
 * weights_only=False, LF003 not literal) and that load a checkpoint by a
 * literal path, so that inspect can say whether each call's fix is safe for
 * the checkpoint it loads.
 */

typedef struct lf_code_load {
	char *file;       /* owned: the Python file, as walked */
	uint32_t line;    /* 1-based, of the finding */
	uint32_t column;  /* 1-based, in characters */
	const char *rule; /* static: "LF001" */
	char *literal;    /* owned: the path literal, as written */
} lf_code_load;

/* init/finish: the caller owns the struct, it owns the loads. */
typedef struct lf_code_index {
	lf_code_load *items;
	size_t count, cap;
} lf_code_index;

void lf_code_index_init(lf_code_index *index);
void lf_code_index_finish(lf_code_index *index);

/*
 * Walks `root` (a file or directory, as the linter walks it: .gitignore
 * and the default exclusions honoured) and records every reported
 * torch.load call whose first argument is a plain string literal.
 * Returns false with *error set (caller frees) when the walk failed.
 */
bool lf_code_index_build(const char *root, lf_code_index *index, char **error);

/*
 * Whether `load` loads the checkpoint at `checkpoint`: its literal, taken
 * relative to the Python file's directory or to the current directory,
 * names the same file (device and inode); when neither exists, the file
 * names (basenames) are equal.
 */
bool lf_code_load_matches(const lf_code_load *load, const char *checkpoint);

#endif
