#ifndef LOADFIX_EVIDENCE_H
#define LOADFIX_EVIDENCE_H

#include <stdbool.h>
#include <stdint.h>
#include <tree_sitter/api.h>

#include "loadfix/source.h"

/*
 * What the code around one torch.load call says about whether adding
 * `weights_only=True` keeps it loading (LF001's fix safety; the README's
 * "Fix-safety evidence" lists the rules).  Read from the call's own file,
 * syntactically: a torch.save to the same literal path or variable, how the
 * loaded value is used, the except handler the call sits in; and from the
 * project's other files, a torch.save to the same literal path (the
 * project's index, loadfix/project.h, built from lf_evidence_file_saves).
 * It runs only for a call LF001 reports; the file is indexed once
 * (lf_evidence_file).
 *
 * When both kinds are found, the unsafe kind wins: a fix that breaks a
 * working program is worse than a fix left for --unsafe-fixes.
 */
typedef enum lf_evidence_kind {
	LF_EVIDENCE_NONE,       /* nothing either way */
	LF_EVIDENCE_STATE_DICT, /* safe: a state_dict goes through this load */
	/* Unsafe, in the order they are looked for (the first found is told): */
	LF_EVIDENCE_TYPEERROR_FALLBACK, /* inside `except TypeError:` (old torch without weights_only) */
	LF_EVIDENCE_RETRY_FALLBACK,     /* inside an except handler of a try that loads with weights_only=True */
	LF_EVIDENCE_MODULE_SAVED,       /* torch.save of a whole module to the same path */
	LF_EVIDENCE_NAMESPACE_SAVED,    /* torch.save of an argparse.Namespace (alone or in a dict) */
	LF_EVIDENCE_NUMPY_SAVED,        /* torch.save of numpy values */
	LF_EVIDENCE_USED_AS_MODULE,     /* the loaded value is called or used as an nn.Module */
} lf_evidence_kind;

typedef struct lf_evidence {
	lf_evidence_kind kind;
	uint32_t at; /* byte offset of what proves it (the save, the use, the handler) */
	/* A save in another file of the project: where ("train.py:12") and
	 * the normalised literal path; both borrowed from the project, NULL
	 * for this file's own evidence. */
	const char *where;
	const char *path;
} lf_evidence;

/*
 * What one file says, indexed once: its assignments, saves, classes and
 * the names used.  Created empty per file by the pipeline and built the
 * first time a call is judged (files without an LF001 finding never pay).
 * Borrows the tree and source, which must outlive it.
 */
typedef struct lf_evidence_file lf_evidence_file;
lf_evidence_file *lf_evidence_file_create(TSTree *tree, const lf_source *src);
void lf_evidence_file_destroy(lf_evidence_file *file);

struct lf_project;
/* The project whose other files' saves to a literal path count too, and
 * this file's path in it (as walked; so that its own saves, judged here
 * with more links, are not counted twice).  Both borrowed; without a call,
 * no other file is read. */
void lf_evidence_file_set_project(lf_evidence_file *file, struct lf_project *project, const char *path);

/* Judges the torch.load call `call` of `file` whose path argument is
 * `path` (may be null). */
void lf_evidence_judge(lf_evidence_file *file, TSNode call, TSNode path, lf_evidence *out);

/* One torch.save of a file to a literal path, with what it saves. */
typedef struct lf_evidence_save {
	const char *path;      /* normalised (see below); valid during the visit only */
	lf_evidence_kind kind; /* STATE_DICT or a *_SAVED kind; saves of unknown values are not visited */
	uint32_t at;           /* byte offset of the save call */
} lf_evidence_save;

/*
 * Calls `visit` for every call of torch's save in the file (`torch.save`,
 * `th.save` after `import torch as th`, a bare `save` after `from torch
 * import save` or `*`) whose path is a literal: a string without fields,
 * `os.path.join` of such strings, or a name the file binds to one such
 * literal only.  The path is normalised: empty and "." segments dropped
 * (`./ckpt.pt` is `ckpt.pt`); the same normalisation links loads.  What is
 * saved is judged as for a load of the same file (names followed through
 * the file's assignments, its classes deriving from nn.Module).
 */
void lf_evidence_file_saves(lf_evidence_file *file, void (*visit)(void *user, const lf_evidence_save *save),
                            void *user);

/* Whether the evidence makes the fix unsafe. */
bool lf_evidence_unsafe(const lf_evidence *evidence);

/* The word of each statement the evidence reads beyond the load's own
 * statement and the names it binds or uses (`torch.save`), NULL-ended:
 * partial parsing selects the statements that spell one, and through
 * them the bindings of the names they use (`model = Net()`, `class
 * Net(nn.Module)`, `args = parser.parse_args()`). */
extern const char *const lf_evidence_words[];

/* Why the fix is unsafe and what to do instead, for LF001's message
 * ("line 12 saves a whole module ...", "`train.py:12` saves a whole module
 * to "ckpt.pt" ..."); malloc'd, caller frees.  Only for unsafe evidence. */
char *lf_evidence_explain(const lf_evidence *evidence, const lf_source *src);

/*
 * Whether `call` sits in an except handler (of this function, not of a
 * caller) of a try whose body loads with `weights_only=True`: the retry
 * that LF005 reports, when the handler can catch the refusal (a bare
 * except, Exception, pickle.UnpicklingError, a name we do not know; not
 * TypeError or FileNotFoundError).  *first_load is then the byte offset of
 * that load.
 */
bool lf_evidence_in_retry(TSNode call, const lf_source *src, uint32_t *first_load);

#endif
