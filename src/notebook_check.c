/*
 * Checking and fixing a notebook through the ordinary pipeline; see
 * loadfix/notebook_check.h.
 */
#include "loadfix/notebook_check.h"

#include <stdlib.h>
#include <string.h>

#include "loadfix/edit.h"

static bool locate(const void *context, uint32_t offset, lf_report_position *pos)
{
	lf_notebook_position where;
	if (!lf_notebook_locate(context, offset, &where))
		return false;
	*pos = (lf_report_position){.cell = where.cell,
	                            .line = where.line,
	                            .column = where.column,
	                            .file_offset = where.json_offset,
	                            .file_line = where.json_line,
	                            .file_column = where.json_column};
	return true;
}

static void show(lf_notebook_check *check, const lf_notebook *nb, const lf_source *file)
{
	check->map = (lf_report_map){.locate = locate, .context = nb, .file = file};
}

/* A malloc'd copy with the spare byte lf_source_init wants. */
static uint8_t *copy_bytes(const uint8_t *bytes, uint32_t len)
{
	uint8_t *copy = lf_xmalloc((size_t)len + 1);
	if (len)
		memcpy(copy, bytes, len);
	copy[len] = 0;
	return copy;
}

/*
 * Replays the pipeline's fix rounds into the JSON.  Round k's edits are in
 * the coordinates of round k's input text, so each round is spliced into
 * the notebook that round k-1 produced, re-parsed, and its combined source
 * compared with the pipeline's own text after round k (that text applied
 * to the previous one): an adapter bug can refuse a fix, never write a
 * notebook whose code is not what the pipeline verified.  Returns the
 * final notebook (owned) or NULL with *error set.
 */
static lf_notebook *replay(const lf_notebook_check *check, char **error)
{
	const lf_doc *doc = &check->doc;
	const lf_notebook *current = check->input;
	lf_notebook *owned = NULL;
	uint32_t text_len = doc->original.len;
	uint8_t *text = copy_bytes(doc->original.bytes, text_len);
	for (uint32_t r = 0; r < doc->round_count; r++) {
		const lf_fix *round = &doc->rounds[r];
		char *why = NULL;
		lf_buf json;
		lf_buf_init(&json);
		if (!lf_notebook_apply(current, round->edits, round->count, &json, &why)) {
			*error = lf_xasprintf("cannot splice fix round %u into the notebook: %s; no fix was applied",
			                      r + 1, why);
			free(why);
			lf_buf_finish(&json);
			break;
		}
		lf_notebook *next = lf_notebook_parse((const uint8_t *)json.data, (uint32_t)json.len, &why);
		lf_buf_finish(&json);
		if (!next) {
			*error = lf_xasprintf("the fixed notebook does not read back (%s); no fix was applied", why);
			free(why);
			break;
		}
		lf_edit_set set = {.edits = round->edits, .count = round->count, .cap = round->count};
		uint32_t next_len;
		uint8_t *next_text = lf_edit_set_apply(&set, text, text_len, &next_len);
		free(text);
		text = next_text;
		text_len = next_len;
		uint32_t got_len;
		const uint8_t *got = lf_notebook_source(next, &got_len);
		if (got_len != text_len || memcmp(got, text, text_len) != 0) {
			*error = lf_xasprintf(
			        "the fixed notebook's code differs from the checked fix (round %u); no fix "
			        "was applied (please report this as a loadfix bug)",
			        r + 1);
			lf_notebook_destroy(next);
			break;
		}
		lf_notebook_destroy(owned);
		owned = next;
		current = next;
	}
	/* The last round's text is the document's fixed text. */
	if (!*error && (text_len != doc->fixed.len || memcmp(text, doc->fixed.bytes, text_len) != 0))
		*error = lf_xstrdup("the replayed fix rounds differ from the checked fix; no fix was applied "
		                    "(please report this as a loadfix bug)");
	free(text);
	if (*error) {
		lf_notebook_destroy(owned);
		return NULL;
	}
	return owned;
}

bool lf_notebook_check_run(lf_worker *worker, const lf_check_options *options, lf_source *file,
                           lf_notebook_check *check, char **error)
{
	memset(check, 0, sizeof *check);
	lf_doc_init(&check->doc);
	check->input = lf_notebook_parse(file->bytes, file->len, error);
	if (!check->input) {
		lf_doc_finish(&check->doc);
		return false;
	}
	check->input_file = *file;
	memset(file, 0, sizeof *file);
	uint32_t len;
	const uint8_t *code = lf_notebook_source(check->input, &len);
	lf_source src;
	lf_source_init(&src, copy_bytes(code, len), len);
	lf_check_source(worker, options, &src, &check->doc);
	show(check, check->input, &check->input_file);
	if (!check->doc.changed)
		return true;
	char *why = NULL;
	check->output = replay(check, &why);
	if (!check->output) {
		/* As when verification refuses a round: the error is reported and
		 * the findings are the original text's. */
		free(check->doc.error);
		check->doc.error = why;
		lf_doc_revert(&check->doc);
		return true;
	}
	uint32_t json_len;
	const uint8_t *json = lf_notebook_json(check->output, &json_len);
	lf_source_init(&check->output_file, copy_bytes(json, json_len), json_len);
	show(check, check->output, &check->output_file);
	return true;
}

const uint8_t *lf_notebook_check_original(const lf_notebook_check *check, uint32_t *len)
{
	*len = check->input_file.len;
	return check->input_file.bytes;
}

const uint8_t *lf_notebook_check_json(const lf_notebook_check *check, uint32_t *len)
{
	const lf_source *file = check->output ? &check->output_file : &check->input_file;
	*len = file->len;
	return file->bytes;
}

void lf_notebook_check_revert(lf_notebook_check *check)
{
	lf_doc_revert(&check->doc);
	if (check->output) {
		lf_notebook_destroy(check->output);
		check->output = NULL;
		lf_source_finish(&check->output_file);
		memset(&check->output_file, 0, sizeof check->output_file);
	}
	show(check, check->input, &check->input_file);
}

void lf_notebook_check_finish(lf_notebook_check *check)
{
	lf_notebook_check_revert(check);
	lf_doc_finish(&check->doc);
	lf_notebook_destroy(check->input);
	if (check->input_file.bytes)
		lf_source_finish(&check->input_file);
	memset(check, 0, sizeof *check);
}
