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

#endif
