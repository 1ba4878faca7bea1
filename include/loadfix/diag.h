#ifndef LOADFIX_DIAG_H
#define LOADFIX_DIAG_H

#include <stdint.h>

#include "loadfix/edit.h"
#include "loadfix/rules.h"

/* One finding.  Positions are byte offsets into the source it was found in. */
typedef struct lf_diag {
	const lf_rule *rule;
	uint32_t start, end;
	/* The reference the finding belongs to (the whole call, for a finding
	 * on one keyword): a suppression comment counts on the first or the
	 * last line of this span.  lf_diags_push sets it to [start, end). */
	uint32_t span_start, span_end;
	char *message; /* owned */
	lf_fix fix;    /* owned; applicability LF_FIX_NONE when there is none */
} lf_diag;

typedef struct lf_diags {
	lf_diag *items; /* owned */
	uint32_t count;
	uint32_t cap;
} lf_diags;

void lf_diags_init(lf_diags *diags);
void lf_diags_finish(lf_diags *diags);
/* Appends a finding; takes ownership of `message` and of the fix's edits
 * (`fix` is reset), which may be NULL for none. */
void lf_diags_push(lf_diags *diags, const lf_rule *rule, uint32_t start, uint32_t end, char *message, lf_fix *fix);
/* Removes items[i], freeing it, keeping order. */
void lf_diags_remove(lf_diags *diags, uint32_t i);

#endif
