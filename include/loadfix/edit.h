#ifndef LOADFIX_EDIT_H
#define LOADFIX_EDIT_H

#include <stdbool.h>
#include <stdint.h>

/*
 * An edit replaces the bytes [start, end) with `text`: an insertion has
 * start == end, a deletion has empty text (ruff's Edit, in bytes).  A fix is
 * the list of edits that together repair one finding, with how safe it is to
 * apply unasked.  A fix is applied whole or not at all.
 */
typedef struct lf_edit {
	uint32_t start;
	uint32_t end;
	char *text; /* owned, NUL-terminated */
} lf_edit;

typedef enum lf_applicability {
	LF_FIX_NONE = 0, /* no fix: the finding is only reported */
	LF_FIX_UNSAFE,   /* may change behaviour: applied with --unsafe-fixes */
	LF_FIX_SAFE,     /* applied by --fix */
} lf_applicability;

typedef struct lf_fix {
	lf_edit *edits; /* owned, in the order added */
	uint32_t count;
	lf_applicability applicability;
} lf_fix;

void lf_fix_init(lf_fix *fix);
void lf_fix_finish(lf_fix *fix);
void lf_fix_insert(lf_fix *fix, uint32_t at, const char *text);
void lf_fix_replace(lf_fix *fix, uint32_t start, uint32_t end, const char *text);

/*
 * A set of non-overlapping edits kept sorted by (start, end).  Edits in the
 * set borrow their text from the fixes that were added, which must outlive
 * the set.
 */
typedef struct lf_edit_set {
	lf_edit *edits;
	uint32_t count;
	uint32_t cap;
} lf_edit_set;

void lf_edit_set_init(lf_edit_set *set);
void lf_edit_set_finish(lf_edit_set *set);
/*
 * Adds every edit of `fix`, or none: returns false (set unchanged) when an
 * edit is out of [0, source_len], overlaps an edit already in the set or
 * another edit of the same fix.  Two insertions at the same offset overlap
 * (their order would be arbitrary).
 */
bool lf_edit_set_add_fix(lf_edit_set *set, const lf_fix *fix, uint32_t source_len);
/* Returns a new buffer (caller frees; NUL-terminated) with all edits applied. */
uint8_t *lf_edit_set_apply(const lf_edit_set *set, const uint8_t *source, uint32_t len, uint32_t *out_len);

#endif
