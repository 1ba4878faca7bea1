#include "loadfix/edit.h"

#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"

void lf_fix_init(lf_fix *fix)
{
	memset(fix, 0, sizeof *fix);
}

void lf_fix_finish(lf_fix *fix)
{
	for (uint32_t i = 0; i < fix->count; i++)
		free(fix->edits[i].text);
	free(fix->edits);
	lf_fix_init(fix);
}

void lf_fix_replace(lf_fix *fix, uint32_t start, uint32_t end, const char *text)
{
	fix->edits = lf_xrealloc(fix->edits, sizeof(lf_edit) * (fix->count + 1));
	fix->edits[fix->count++] = (lf_edit){.start = start, .end = end, .text = lf_xstrdup(text)};
}

void lf_fix_insert(lf_fix *fix, uint32_t at, const char *text)
{
	lf_fix_replace(fix, at, at, text);
}

void lf_edit_set_init(lf_edit_set *set)
{
	memset(set, 0, sizeof *set);
}

void lf_edit_set_finish(lf_edit_set *set)
{
	free(set->edits);
	lf_edit_set_init(set);
}

static bool edits_overlap(const lf_edit *a, const lf_edit *b)
{
	if (a->start == a->end && b->start == b->end)
		return a->start == b->start;
	return a->start < b->end && b->start < a->end;
}

static int edit_order(const lf_edit *a, const lf_edit *b)
{
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->end != b->end)
		return a->end < b->end ? -1 : 1;
	return 0;
}

/* Index of the first edit in the set that does not sort before `edit`. */
static uint32_t lower_bound(const lf_edit_set *set, const lf_edit *edit)
{
	uint32_t lo = 0, hi = set->count;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (edit_order(&set->edits[mid], edit) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool conflicts_with_set(const lf_edit_set *set, const lf_edit *edit)
{
	/* The set is sorted and non-overlapping, so only the neighbours at the
	 * insertion point can overlap: one before, and those after that start
	 * before this edit ends (at most one, plus an insertion at its end). */
	uint32_t at = lower_bound(set, edit);
	if (at > 0 && edits_overlap(&set->edits[at - 1], edit))
		return true;
	for (uint32_t i = at; i < set->count && set->edits[i].start <= edit->end; i++)
		if (edits_overlap(&set->edits[i], edit))
			return true;
	return false;
}

bool lf_edit_set_add_fix(lf_edit_set *set, const lf_fix *fix, uint32_t source_len)
{
	for (uint32_t i = 0; i < fix->count; i++) {
		const lf_edit *edit = &fix->edits[i];
		if (edit->start > edit->end || edit->end > source_len)
			return false;
		if (conflicts_with_set(set, edit))
			return false;
		for (uint32_t j = 0; j < i; j++)
			if (edits_overlap(&fix->edits[j], edit))
				return false;
	}
	for (uint32_t i = 0; i < fix->count; i++) {
		if (set->count == set->cap) {
			set->cap = set->cap ? set->cap * 2 : 8;
			set->edits = lf_xrealloc(set->edits, sizeof(lf_edit) * set->cap);
		}
		uint32_t at = lower_bound(set, &fix->edits[i]);
		memmove(&set->edits[at + 1], &set->edits[at], sizeof(lf_edit) * (set->count - at));
		set->edits[at] = fix->edits[i];
		set->count++;
	}
	return true;
}

uint8_t *lf_edit_set_apply(const lf_edit_set *set, const uint8_t *source, uint32_t len, uint32_t *out_len)
{
	lf_buf out;
	lf_buf_init(&out);
	lf_buf_reserve(&out, len);
	uint32_t copied = 0; /* source bytes before this offset are already in `out` */
	for (uint32_t i = 0; i < set->count; i++) {
		const lf_edit *edit = &set->edits[i];
		lf_buf_append(&out, source + copied, edit->start - copied);
		lf_buf_puts(&out, edit->text);
		copied = edit->end;
	}
	lf_buf_append(&out, source + copied, len - copied);
	size_t total;
	uint8_t *bytes = (uint8_t *)lf_buf_steal(&out, &total);
	*out_len = (uint32_t)total;
	return bytes;
}
