/*
 * Random edit sets over random bytes (src/edit.c), against a reference model:
 *  E1 lf_edit_set_add_fix accepts a fix exactly when every edit is in
 *     [0, len] with start <= end and overlaps neither the set nor another
 *     edit of the same fix (two insertions at one offset overlap); a
 *     refused fix leaves the set unchanged;
 *  E2 the set stays sorted by (start, end) and free of overlaps;
 *  E3 lf_edit_set_apply's length is len + sum(text) - sum(deleted) and its
 *     bytes equal a naive reference applier's.
 *
 * Input layout: byte 0 = number of fixes (mod 32); per fix one byte of edit
 * count (mod 5) and per edit: start (2 bytes), a span byte (bit 7: end
 * BEFORE start, an invalid edit), a text-length byte (mod 8) and the text;
 * all remaining bytes are the source.  Starts are taken mod (len + 3), so
 * edits just past the end are tried too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "loadfix/edit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FIXES 32
#define MAX_EDITS 4

typedef struct raw_edit {
	uint16_t start;
	uint8_t span;
	char text[8];
} raw_edit;

typedef struct reader {
	const uint8_t *data;
	size_t size, pos;
} reader;

static uint8_t next_byte(reader *r)
{
	return r->pos < r->size ? r->data[r->pos++] : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	reader r = {data, size, 0};
	uint32_t fix_count = next_byte(&r) % (MAX_FIXES + 1);
	raw_edit raw[MAX_FIXES][MAX_EDITS];
	uint32_t raw_count[MAX_FIXES];
	for (uint32_t f = 0; f < fix_count; f++) {
		raw_count[f] = next_byte(&r) % (MAX_EDITS + 1);
		for (uint32_t e = 0; e < raw_count[f]; e++) {
			raw_edit *re = &raw[f][e];
			re->start = (uint16_t)(next_byte(&r) | next_byte(&r) << 8);
			re->span = next_byte(&r);
			uint32_t text_len = next_byte(&r) % 8;
			for (uint32_t i = 0; i < text_len; i++) {
				uint8_t c = next_byte(&r);
				re->text[i] = c ? (char)c : 'x';
			}
			re->text[text_len] = 0;
		}
	}
	const uint8_t *src = data + r.pos;
	uint32_t len = (uint32_t)(size - r.pos);

	lf_fix fixes[MAX_FIXES];
	for (uint32_t f = 0; f < fix_count; f++) {
		lf_fix_init(&fixes[f]);
		fixes[f].applicability = LF_FIX_SAFE;
		for (uint32_t e = 0; e < raw_count[f]; e++) {
			const raw_edit *re = &raw[f][e];
			uint32_t start = re->start % (len + 3);
			uint32_t end = start + (re->span & 0x0f);
			if (re->span & 0x80) {
				uint32_t back = 1 + (re->span & 3);
				end = start >= back ? start - back : start;
			}
			if (start == end)
				lf_fix_insert(&fixes[f], start, re->text);
			else
				lf_fix_replace(&fixes[f], start, end, re->text);
		}
	}

	lf_edit_set set;
	lf_edit_set_init(&set);
	lf_edit model[MAX_FIXES * MAX_EDITS];
	uint32_t model_count = 0;
	int64_t delta = 0;
	for (uint32_t f = 0; f < fix_count; f++) {
		const lf_fix *fix = &fixes[f];
		bool expect = true;
		for (uint32_t e = 0; e < fix->count && expect; e++) {
			const lf_edit *ed = &fix->edits[e];
			if (ed->start > ed->end || ed->end > len)
				expect = false;
			for (uint32_t m = 0; m < model_count && expect; m++)
				if (fuzz_edits_overlap(ed->start, ed->end, model[m].start, model[m].end))
					expect = false;
			for (uint32_t k = 0; k < e && expect; k++)
				if (fuzz_edits_overlap(ed->start, ed->end, fix->edits[k].start, fix->edits[k].end))
					expect = false;
		}
		uint32_t before_count = set.count;
		lf_edit *before = malloc(sizeof(lf_edit) * (set.count + 1));
		if (set.count)
			memcpy(before, set.edits, sizeof(lf_edit) * set.count);
		bool added = lf_edit_set_add_fix(&set, fix, len);
		if (added != expect) {
			for (uint32_t e = 0; e < fix->count; e++)
				fprintf(stderr, "  fix %u edit %u: [%u,%u) \"%s\"\n", f, e, fix->edits[e].start,
				        fix->edits[e].end, fix->edits[e].text);
			for (uint32_t m = 0; m < model_count; m++)
				fprintf(stderr, "  accepted: [%u,%u)\n", model[m].start, model[m].end);
			fuzz_fail(
			        "E1: lf_edit_set_add_fix returned %d for fix %u, the model says %d (source length %u)",
			        added, f, expect, len);
		}
		if (!added) {
			if (set.count != before_count ||
			    (before_count && memcmp(before, set.edits, sizeof(lf_edit) * before_count) != 0))
				fuzz_fail("E1: a refused fix changed the set");
		} else {
			for (uint32_t e = 0; e < fix->count; e++) {
				model[model_count++] = fix->edits[e];
				delta +=
				        (int64_t)strlen(fix->edits[e].text) - (fix->edits[e].end - fix->edits[e].start);
			}
		}
		free(before);
		if (set.count != model_count)
			fuzz_fail("E2: the set holds %u edits, the model %u", set.count, model_count);
		for (uint32_t i = 1; i < set.count; i++) {
			const lf_edit *a = &set.edits[i - 1], *b = &set.edits[i];
			if (a->start > b->start || (a->start == b->start && a->end >= b->end))
				fuzz_fail("E2: set edits %u and %u out of order: [%u,%u) [%u,%u)", i - 1, i, a->start,
				          a->end, b->start, b->end);
			if (fuzz_edits_overlap(a->start, a->end, b->start, b->end))
				fuzz_fail("E2: set edits %u and %u overlap", i - 1, i);
		}
	}

	uint32_t out_len, ref_len;
	uint8_t *out = lf_edit_set_apply(&set, src, len, &out_len);
	uint8_t *ref = fuzz_naive_apply(src, len, model, model_count, &ref_len);
	if ((int64_t)out_len != (int64_t)len + delta)
		fuzz_fail("E3: applied length %u, expected %lld", out_len, (long long)len + delta);
	if (out_len != ref_len || memcmp(out, ref, ref_len) != 0)
		fuzz_fail("E3: lf_edit_set_apply differs from the reference applier");
	if (out[out_len] != 0)
		fuzz_fail("E3: the applied buffer is not NUL-terminated");
	free(out);
	free(ref);
	lf_edit_set_finish(&set);
	for (uint32_t f = 0; f < fix_count; f++)
		lf_fix_finish(&fixes[f]);
	return 0;
}
