/*
 * The notebook adapter (src/notebook.c) on arbitrary bytes.  The input is
 * the .ipynb text as is (every seed is a notebook loadfix could be run
 * on); the edits tried on it are drawn from a PRNG seeded by a hash of the
 * input, so a crash file reproduces alone.
 *  N1 lf_notebook_parse either fails with a reason or succeeds without one;
 *     it succeeds only on what jansson accepts as an nbformat 4 object with
 *     a cells list, and the cell count and types agree with jansson's;
 *  N2 zero edits give back the input, byte for byte;
 *  N3 every offset of the combined source locates inside a cell whose text
 *     starts at or before it, with its JSON offset inside that cell's
 *     source span;
 *  N4 for up to 8 random edit sets (1-3 edits, sorted, not overlapping,
 *     texts from a table of awkward ones): when lf_notebook_apply accepts,
 *     the output re-reads as a notebook with the same cells (count and
 *     types), no byte outside the cells' source spans changed (the spans of
 *     the old and the new notebook, compared piece by piece), every other
 *     JSON value is equal (jansson, sources removed), each code cell's
 *     decoded source is the old one with exactly the edits that fall in
 *     it, and every accepted edit lies inside one checked code cell's text;
 *     when it refuses, the reason is set and nothing was written.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "loadfix/buf.h"
#include "loadfix/notebook.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t rng_state;

static uint32_t next_random(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

static const char *const texts[] = {
        ", weights_only=True",
        "    weights_only=True,\n",
        "weights_only=True",
        "\n",
        "",
        "x\ny\n",
        "\"\\\t\x01\x1f\x7f",
        "\xc3\xa9",
        "\xf0\x9f\x98\x80",
        "\r\n",
        "%time x\n",
        "\\u00e9",
};

/* A code cell's source as jansson decodes it (joined list or string). */
static void jansson_source(json_t *cell, lf_buf *out)
{
	json_t *source = json_object_get(cell, "source");
	if (json_is_string(source)) {
		lf_buf_append(out, json_string_value(source), json_string_length(source));
		return;
	}
	for (size_t k = 0; k < json_array_size(source); k++) {
		json_t *line = json_array_get(source, k);
		lf_buf_append(out, json_string_value(line), json_string_length(line));
	}
}

static json_t *load(const uint8_t *bytes, size_t len)
{
	return json_loadb((const char *)bytes, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL);
}

/* N4's checks on an accepted edit set. */
static void check_output(const lf_notebook *nb, const uint8_t *old, size_t old_len, const lf_edit *edits,
                         uint32_t count, const uint8_t *new_bytes, size_t new_len)
{
	char *error = NULL;
	lf_notebook *again = lf_notebook_parse(new_bytes, (uint32_t)new_len, &error);
	if (!again) {
		fuzz_dump("output", new_bytes, new_len);
		fuzz_fail("N4: the edited notebook does not re-read: %s", error);
	}
	uint32_t cells = lf_notebook_cell_count(nb);
	if (lf_notebook_cell_count(again) != cells)
		fuzz_fail("N4: %u cells became %u", cells, lf_notebook_cell_count(again));
	/* Byte for byte outside the source spans. */
	uint32_t old_pos = 0, new_pos = 0;
	for (uint32_t i = 0; i <= cells; i++) {
		const lf_notebook_cell *a = i < cells ? lf_notebook_cell_at(nb, i) : NULL;
		const lf_notebook_cell *b = i < cells ? lf_notebook_cell_at(again, i) : NULL;
		if (a && a->type != b->type)
			fuzz_fail("N4: cell %u changed type", i + 1);
		if (a && (a->json_end == 0) != (b->json_end == 0))
			fuzz_fail("N4: cell %u gained or lost its source", i + 1);
		if (a && a->json_end == 0)
			continue;
		uint32_t old_to = a ? a->json_start : (uint32_t)old_len;
		uint32_t new_to = b ? b->json_start : (uint32_t)new_len;
		if (old_to - old_pos != new_to - new_pos ||
		    memcmp(old + old_pos, new_bytes + new_pos, old_to - old_pos) != 0) {
			fuzz_dump("output", new_bytes, new_len);
			if (i == cells)
				fuzz_fail("N4: bytes after the last source string changed");
			fuzz_fail("N4: bytes outside the source strings changed before cell %u", i + 1);
		}
		if (a) {
			/* Cells without edits keep their span's bytes too. */
			old_pos = a->json_end;
			new_pos = b->json_end;
		}
	}
	/* Every other value, and the decoded sources. */
	json_t *jo = load(old, old_len), *jn = load(new_bytes, new_len);
	if (!jo || !jn)
		fuzz_fail("N4: jansson does not read the notebook before or after");
	json_t *co = json_object_get(jo, "cells"), *cn = json_object_get(jn, "cells");
	uint32_t accounted = 0;
	for (uint32_t i = 0; i < cells; i++) {
		const lf_notebook_cell *cell = lf_notebook_cell_at(nb, i);
		json_t *a = json_array_get(co, i), *b = json_array_get(cn, i);
		lf_buf before, after, expected;
		lf_buf_init(&before);
		lf_buf_init(&after);
		lf_buf_init(&expected);
		jansson_source(a, &before);
		jansson_source(b, &after);
		uint32_t copied = 0;
		for (uint32_t k = 0; k < count; k++) {
			const lf_edit *ed = &edits[k];
			/* The cell an offset belongs to: the last one with text
			 * starting at or before it. */
			uint32_t owner = UINT32_MAX;
			for (uint32_t c = 0; c < cells; c++)
				if (lf_notebook_cell_at(nb, c)->length > 0 &&
				    lf_notebook_cell_at(nb, c)->start <= ed->start)
					owner = c;
			if (owner != i)
				continue;
			if (cell->type != LF_CELL_CODE || cell->opaque)
				fuzz_fail("N4: accepted edit %u in cell %u, which is not checked code", k, i + 1);
			if (ed->end > cell->start + before.len)
				fuzz_fail("N4: accepted edit %u [%u,%u) leaves cell %u", k, ed->start, ed->end, i + 1);
			uint32_t s = ed->start - cell->start, e = ed->end - cell->start;
			lf_buf_append(&expected, before.data + copied, s - copied);
			lf_buf_puts(&expected, ed->text);
			copied = e;
			accounted++;
		}
		lf_buf_append(&expected, before.data ? before.data + copied : "", before.len - copied);
		if (expected.len != after.len || (after.len && memcmp(expected.data, after.data, after.len) != 0)) {
			fuzz_dump("expected", (const uint8_t *)expected.data, expected.len);
			fuzz_dump("got", (const uint8_t *)after.data, after.len);
			fuzz_fail("N4: cell %u's source is not the old one with its edits", i + 1);
		}
		lf_buf_finish(&before);
		lf_buf_finish(&after);
		lf_buf_finish(&expected);
		json_object_del(a, "source");
		json_object_del(b, "source");
	}
	if (accounted != count)
		fuzz_fail("N4: %u of %u accepted edits are in no checked code cell", count - accounted, count);
	if (!json_equal(jo, jn))
		fuzz_fail("N4: a JSON value other than a source changed");
	json_decref(jo);
	json_decref(jn);
	lf_notebook_destroy(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1u << 20))
		return 0;
	char *error = NULL;
	lf_notebook *nb = lf_notebook_parse(data, (uint32_t)size, &error);
	json_t *root = load(data, size);
	if (!nb) {
		if (!error)
			fuzz_fail("N1: parse failed without a reason");
		free(error);
		json_decref(root);
		return 0;
	}
	if (error)
		fuzz_fail("N1: parse succeeded with a reason: %s", error);
	json_t *jcells = json_object_get(root, "cells");
	if (!root || !json_is_array(jcells) || json_integer_value(json_object_get(root, "nbformat")) != 4)
		fuzz_fail("N1: accepted what is not an nbformat 4 notebook to jansson");
	if (json_array_size(jcells) != lf_notebook_cell_count(nb))
		fuzz_fail("N1: %u cells, jansson has %zu", lf_notebook_cell_count(nb), json_array_size(jcells));
	for (uint32_t i = 0; i < lf_notebook_cell_count(nb); i++) {
		const char *type = json_string_value(json_object_get(json_array_get(jcells, i), "cell_type"));
		if ((lf_notebook_cell_at(nb, i)->type == LF_CELL_CODE) != (type && !strcmp(type, "code")))
			fuzz_fail("N1: cell %u's type disagrees with jansson", i + 1);
	}
	json_decref(root);

	lf_buf out;
	lf_buf_init(&out);
	if (!lf_notebook_apply(nb, NULL, 0, &out, &error))
		fuzz_fail("N2: zero edits refused: %s", error);
	if (out.len != size || (size && memcmp(out.data, data, size) != 0))
		fuzz_fail("N2: zero edits changed the bytes");
	lf_buf_finish(&out);

	uint32_t src_len;
	lf_notebook_source(nb, &src_len);
	lf_notebook_position none;
	if (src_len == 0 && lf_notebook_locate(nb, 0, &none))
		fuzz_fail("N3: an empty source has a position");
	for (uint32_t off = 0; src_len > 0 && off <= src_len; off += 1 + src_len / 64) {
		lf_notebook_position pos;
		if (!lf_notebook_locate(nb, off, &pos))
			fuzz_fail("N3: offset %u of %u has no position", off, src_len);
		const lf_notebook_cell *cell = lf_notebook_cell_at(nb, pos.cell - 1);
		if (!cell || cell->type != LF_CELL_CODE || cell->start > off || pos.line == 0 || pos.column == 0)
			fuzz_fail("N3: offset %u located in cell %u line %u column %u", off, pos.cell, pos.line,
			          pos.column);
		if (pos.json_offset < cell->json_start || pos.json_offset >= cell->json_end || pos.json_line == 0)
			fuzz_fail("N3: offset %u maps to JSON offset %u, outside cell %u's source [%u,%u)", off,
			          pos.json_offset, pos.cell, cell->json_start, cell->json_end);
	}

	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 1099511628211ull;
	rng_state = h;
	for (int round = 0; round < 8; round++) {
		lf_edit edits[3];
		uint32_t count = 1 + next_random() % 3;
		uint32_t at = 0;
		uint32_t made = 0;
		for (uint32_t k = 0; k < count; k++) {
			uint32_t room = src_len + 1 - at;
			if (room == 0)
				break;
			uint32_t s = at + next_random() % room;
			uint32_t e = s + (next_random() % 3 == 0 ? next_random() % 4 : 0);
			if (e > src_len)
				e = src_len;
			/* No two insertions at one offset. */
			if (made && s == e && edits[made - 1].start == edits[made - 1].end &&
			    edits[made - 1].start == s)
				continue;
			edits[made++] = (lf_edit){s, e, (char *)texts[next_random() % (sizeof texts / sizeof *texts)]};
			at = e + (s == e);
			if (at > src_len)
				break;
		}
		lf_buf_init(&out);
		lf_buf_puts(&out, "sentinel");
		error = NULL;
		bool ok = lf_notebook_apply(nb, edits, made, &out, &error);
		if (!ok) {
			if (!error)
				fuzz_fail("N4: refused without a reason");
			if (out.len != 8 || memcmp(out.data, "sentinel", 8) != 0)
				fuzz_fail("N4: a refused edit set wrote output");
			free(error);
		} else {
			if (error)
				fuzz_fail("N4: accepted with a reason");
			check_output(nb, data, size, edits, made, (const uint8_t *)out.data + 8, out.len - 8);
		}
		lf_buf_finish(&out);
	}
	lf_notebook_destroy(nb);
	return 0;
}
