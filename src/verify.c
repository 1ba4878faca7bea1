#include "loadfix/verify.h"

#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"

bool lf_apply_verified(lf_parser *parser, const lf_source *src, uint32_t errors_before, const lf_edit_set *edits,
                       uint8_t **out, uint32_t *out_len, TSTree **out_tree)
{
	*out = NULL;
	*out_tree = NULL;
	uint32_t len;
	uint8_t *bytes = lf_edit_set_apply(edits, src->bytes, src->len, &len);
	TSTree *tree = lf_parser_parse(parser, bytes, len);
	if (!tree || lf_count_parse_errors(ts_tree_root_node(tree)) > errors_before) {
		if (tree)
			ts_tree_delete(tree);
		free(bytes);
		return false;
	}
	*out = bytes;
	*out_len = len;
	*out_tree = tree;
	return true;
}

/* Where `offset` of `text` sits, in tree-sitter's terms: rows end at '\n',
 * columns count bytes.  `from`/`at` carry the scan on between calls with
 * growing offsets. */
static TSPoint point_at(const uint8_t *text, uint32_t offset, uint32_t *from, TSPoint *at)
{
	for (; *from < offset; (*from)++) {
		if (text[*from] == '\n') {
			at->row++;
			at->column = 0;
		} else {
			at->column++;
		}
	}
	return *at;
}

/* The point just past `text` inserted at `start`. */
static TSPoint point_after(TSPoint start, const char *text)
{
	for (; *text; text++) {
		if (*text == '\n') {
			start.row++;
			start.column = 0;
		} else {
			start.column++;
		}
	}
	return start;
}

/* Tells `tree` of the edits, last first, so that each edit's offsets and
 * points are still those of the text before it. */
static void edit_tree(TSTree *tree, const uint8_t *text, const lf_edit_set *edits)
{
	TSInputEdit *changes = lf_xcalloc(edits->count ? edits->count : 1, sizeof *changes);
	uint32_t from = 0;
	TSPoint at = {0, 0};
	for (uint32_t i = 0; i < edits->count; i++) {
		const lf_edit *e = &edits->edits[i];
		TSPoint start = point_at(text, e->start, &from, &at);
		TSPoint old_end = point_at(text, e->end, &from, &at);
		changes[i] = (TSInputEdit){
		        .start_byte = e->start,
		        .old_end_byte = e->end,
		        .new_end_byte = e->start + (uint32_t)strlen(e->text),
		        .start_point = start,
		        .old_end_point = old_end,
		        .new_end_point = point_after(start, e->text),
		};
	}
	for (uint32_t i = edits->count; i-- > 0;)
		ts_tree_edit(tree, &changes[i]);
	free(changes);
}

bool lf_apply_verified_partial(lf_parser *parser, const lf_source *src, lf_partial *partial, const TSTree *tree,
                               uint32_t errors_before, const lf_edit_set *edits, uint8_t **out, uint32_t *out_len,
                               TSTree **out_tree)
{
	*out = NULL;
	*out_tree = NULL;
	uint32_t text_len;
	uint8_t *text = lf_edit_set_apply(edits, partial->text, partial->len, &text_len);
	TSTree *old = ts_tree_copy(tree);
	edit_tree(old, partial->text, edits);
	TSTree *fixed_tree = lf_parser_reparse(parser, text, text_len, old);
	ts_tree_delete(old);
	if (!fixed_tree || lf_count_parse_errors(ts_tree_root_node(fixed_tree)) > errors_before) {
		if (fixed_tree)
			ts_tree_delete(fixed_tree);
		free(text);
		return false;
	}
	*out = lf_edit_set_apply(edits, src->bytes, src->len, out_len);
	*out_tree = fixed_tree;
	lf_partial_apply(partial, edits, text, text_len);
	return true;
}
