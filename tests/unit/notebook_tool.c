/*
 * A test-only front end to the notebook adapter (src/notebook.c), for the
 * Python round-trip driver tests/unit/notebook_roundtrip.py: reads a
 * notebook on stdin and
 *   notebook_tool source          writes the combined Python source
 *   notebook_tool apply EDITS     applies the edits in the JSON file EDITS
 *                                 ([[start, end, "text"], ...], offsets in
 *                                 the combined source) and writes the new
 *                                 notebook
 *   notebook_tool locate OFFSET   writes "cell line column json_line json_column"
 * Errors go to stderr with exit status 2.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"
#include "loadfix/edit.h"
#include "loadfix/notebook.h"
#include "loadfix/source.h"

static int die(const char *what, char *why)
{
	fprintf(stderr, "notebook_tool: %s: %s\n", what, why);
	free(why);
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: notebook_tool source|apply EDITS|locate OFFSET < notebook.ipynb\n");
		return 2;
	}
	lf_source in;
	char *error = NULL;
	if (!lf_source_read(&in, NULL, UINT32_MAX, &error))
		return die("stdin", error);
	lf_notebook *nb = lf_notebook_parse(in.bytes, in.len, &error);
	lf_source_finish(&in);
	if (!nb)
		return die("stdin", error);
	int status = 0;
	if (!strcmp(argv[1], "source")) {
		uint32_t len;
		const uint8_t *src = lf_notebook_source(nb, &len);
		fwrite(src, 1, len, stdout);
	} else if (!strcmp(argv[1], "apply") && argc == 3) {
		json_error_t jerr;
		json_t *list = json_load_file(argv[2], JSON_ALLOW_NUL, &jerr);
		if (!json_is_array(list)) {
			fprintf(stderr, "notebook_tool: %s: %s\n", argv[2], jerr.text);
			return 2;
		}
		size_t n = json_array_size(list);
		lf_edit *edits = calloc(n ? n : 1, sizeof(lf_edit));
		for (size_t i = 0; i < n; i++) {
			json_t *e = json_array_get(list, i);
			edits[i].start = (uint32_t)json_integer_value(json_array_get(e, 0));
			edits[i].end = (uint32_t)json_integer_value(json_array_get(e, 1));
			edits[i].text = (char *)json_string_value(json_array_get(e, 2));
		}
		lf_buf out;
		lf_buf_init(&out);
		if (lf_notebook_apply(nb, edits, (uint32_t)n, &out, &error))
			fwrite(out.data ? out.data : "", 1, out.len, stdout);
		else
			status = die("apply", error);
		lf_buf_finish(&out);
		free(edits);
		json_decref(list);
	} else if (!strcmp(argv[1], "locate") && argc == 3) {
		lf_notebook_position pos;
		if (lf_notebook_locate(nb, (uint32_t)strtoul(argv[2], NULL, 10), &pos))
			printf("%u %u %u %u %u\n", pos.cell, pos.line, pos.column, pos.json_line, pos.json_column);
		else
			status = die("locate", lf_xstrdup("no position (empty source)"));
	} else {
		fprintf(stderr, "notebook_tool: unknown command %s\n", argv[1]);
		status = 2;
	}
	lf_notebook_destroy(nb);
	return status;
}
