#ifndef LOADFIX_PREFILTER_H
#define LOADFIX_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Decides from the bytes alone whether a file can refer to torch's load, so
 * that most files are never parsed.  False positives are fine (the resolver
 * decides); false negatives never are.  The compiled PCRE2 patterns are
 * global and read-only; match data is per prefilter (one per thread).
 */
typedef struct lf_prefilter lf_prefilter;

lf_prefilter *lf_prefilter_create(void);
void lf_prefilter_destroy(lf_prefilter *prefilter);
bool lf_prefilter_may_refer(lf_prefilter *prefilter, const uint8_t *bytes, size_t len);

/* Whether a module may bind a loader's module or function at all (what a
 * star import of it would export): it names torch or imports another
 * loader's module.  Weaker than lf_prefilter_may_refer, which also wants a
 * use. */
bool lf_prefilter_may_bind(lf_prefilter *prefilter, const uint8_t *bytes, size_t len);

/* Whether the bytes spell `weights_only` (also in NFKC form, as Python
 * compares names): every call of a project wrapper of torch.load that
 * loadfix checks passes it by keyword (loadfix/wrappers.h), so a file
 * without it holds none.  Needs no prefilter state. */
bool lf_prefilter_names_weights_only(const uint8_t *bytes, size_t len);

/* Calls `visit` for each `from MODULE import *` (MODULE without its
 * leading dots, `level` the number of dots) until it returns true; returns
 * whether one did (or a match limit was hit: "may"). */
bool lf_prefilter_star_imports(lf_prefilter *prefilter, const uint8_t *bytes, size_t len,
                               bool (*visit)(void *user, const char *module, unsigned level), void *user);

#endif
