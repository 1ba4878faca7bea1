/* The notebook adapter (src/notebook.c): reading, masking, positions,
 * splicing edits into the JSON, and every error. */
#include "helpers.h"

#include <stdio.h>

#include "loadfix/notebook.h"

/* A notebook in nbformat's layout around the JSON text of its cells. */
#define NB_META                                                                                                \
	"\"metadata\": {\"kernelspec\": {\"display_name\": \"Python 3\", \"language\": \"python\", \"name\": " \
	"\"python3\"}}"
#define NOTEBOOK(cells) \
	"{\n \"cells\": [\n" cells "\n ],\n " NB_META ",\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n"
#define CODE(source)                                                                                                   \
	"  {\n   \"cell_type\": \"code\",\n   \"execution_count\": null,\n   \"metadata\": {},\n   \"outputs\": [],\n" \
	"   \"source\": " source "\n  }"
#define MARKDOWN(source) "  {\n   \"cell_type\": \"markdown\",\n   \"metadata\": {},\n   \"source\": " source "\n  }"
#define RAW(source) "  {\n   \"cell_type\": \"raw\",\n   \"metadata\": {},\n   \"source\": " source "\n  }"

static lf_notebook *parse_ok(const char *json)
{
	char *error = NULL;
	lf_notebook *nb = lf_notebook_parse((const uint8_t *)json, (uint32_t)strlen(json), &error);
	if (!nb)
		fail_msg("parse failed: %s", error);
	assert_null(error);
	return nb;
}

static void assert_parse_fails(const char *json, uint32_t len, const char *reason_part)
{
	char *error = NULL;
	lf_notebook *nb = lf_notebook_parse((const uint8_t *)json, len, &error);
	assert_null(nb);
	assert_non_null(error);
	if (!strstr(error, reason_part))
		fail_msg("error \"%s\" does not say \"%s\"", error, reason_part);
	free(error);
}

static void assert_source(const lf_notebook *nb, const char *expected)
{
	uint32_t len;
	const uint8_t *src = lf_notebook_source(nb, &len);
	if (len != strlen(expected) || memcmp(src, expected, len) != 0)
		fail_msg("combined source is \"%.*s\", expected \"%s\"", (int)len, (const char *)src, expected);
	assert_int_equal(src[len], 0);
}

static const char *source_of(const lf_notebook *nb)
{
	uint32_t len;
	return (const char *)lf_notebook_source(nb, &len);
}

/* Applies edits; returns the new JSON (caller frees) or NULL with *error. */
static char *apply(const lf_notebook *nb, const lf_edit *edits, uint32_t count, char **error)
{
	lf_buf out;
	lf_buf_init(&out);
	*error = NULL;
	if (!lf_notebook_apply(nb, edits, count, &out, error)) {
		assert_non_null(*error);
		assert_int_equal(out.len, 0);
		lf_buf_finish(&out);
		return NULL;
	}
	size_t len;
	char *text = lf_buf_steal(&out, &len);
	return text ? text : lf_xstrdup("");
}

static char *apply1(const lf_notebook *nb, uint32_t start, uint32_t end, const char *text)
{
	lf_edit ed = {start, end, (char *)text};
	char *error = NULL;
	char *out = apply(nb, &ed, 1, &error);
	if (!out)
		fail_msg("edit refused: %s", error);
	return out;
}

static void assert_refused(const lf_notebook *nb, uint32_t start, uint32_t end, const char *text, const char *why)
{
	lf_edit ed = {start, end, (char *)text};
	char *error = NULL;
	char *out = apply(nb, &ed, 1, &error);
	assert_null(out);
	if (!strstr(error, why))
		fail_msg("refusal \"%s\" does not say \"%s\"", error, why);
	free(error);
}

/* `json` with `from` replaced by `to` (once), to state expected output. */
static char *replaced(const char *json, const char *from, const char *to)
{
	const char *at = strstr(json, from);
	assert_non_null(at);
	return lf_xasprintf("%.*s%s%s", (int)(at - json), json, to, at + strlen(from));
}

static void assert_applies(const lf_notebook *nb, uint32_t start, uint32_t end, const char *text, const char *json,
                           const char *from, const char *to)
{
	char *out = apply1(nb, start, end, text);
	char *expected = replaced(json, from, to);
	assert_string_equal(out, expected);
	free(out);
	free(expected);
}

/* ---- reading ------------------------------------------------------------------ */

static const char list_nb[] = NOTEBOOK(MARKDOWN("[\n    \"# Loading\\n\",\n    \"text\"\n   ]") ",\n" CODE(
        "[\n    \"import torch\\n\",\n    "
        "\"m = "
        "torch.load(\\\"m.pt\\\")\\n\"\n  "
        " ]") ",\n" RAW("[]") ",\n" CODE("[\n    \"x = 1\"\n   ]"));

static void test_list_sources_and_cell_numbers(void **state)
{
	(void)state;
	lf_notebook *nb = parse_ok(list_nb);
	assert_true(lf_notebook_is_python(nb));
	assert_source(nb, "import torch\nm = torch.load(\"m.pt\")\nx = 1\n");
	assert_int_equal(lf_notebook_cell_count(nb), 4);
	const lf_notebook_cell *c1 = lf_notebook_cell_at(nb, 0), *c2 = lf_notebook_cell_at(nb, 1);
	const lf_notebook_cell *c3 = lf_notebook_cell_at(nb, 2), *c4 = lf_notebook_cell_at(nb, 3);
	assert_int_equal(c1->type, LF_CELL_MARKDOWN);
	assert_int_equal(c1->length, 0);
	assert_int_equal(c2->number, 2);
	assert_int_equal(c2->type, LF_CELL_CODE);
	assert_int_equal(c2->start, 0);
	assert_int_equal(c2->length, 36);
	assert_int_equal(c3->type, LF_CELL_RAW);
	assert_int_equal(c4->number, 4);
	assert_int_equal(c4->start, 36);
	assert_int_equal(c4->length, 6); /* "x = 1" and a synthetic newline */
	assert_null(lf_notebook_cell_at(nb, 4));
	/* The source values' spans in the JSON text. */
	const char *list2 = strstr(list_nb, "[\n    \"import");
	assert_int_equal(c2->json_start, (uint32_t)(list2 - list_nb));
	assert_int_equal(c2->json_end, (uint32_t)(strstr(list2, "]") + 1 - list_nb));
	assert_int_equal(c3->json_end - c3->json_start, 2); /* [] */
	assert_int_equal(c4->json_end, (uint32_t)(strstr(list_nb, "\"x = 1\"\n   ]") + 12 - list_nb));
	uint32_t len;
	const uint8_t *json = lf_notebook_json(nb, &len);
	assert_int_equal(len, strlen(list_nb));
	assert_memory_equal(json, list_nb, len);
	lf_notebook_destroy(nb);
}

static const char string_nb[] = NOTEBOOK(CODE("\"import torch\\ntorch.load(p)\""));

static void test_single_string_without_trailing_newline(void **state)
{
	(void)state;
	lf_notebook *nb = parse_ok(string_nb);
	assert_source(nb, "import torch\ntorch.load(p)\n");
	const char *src = source_of(nb);
	/* An inline insertion, and one at the very end of the cell's text. */
	assert_applies(nb, offset_of(src, ")"), offset_of(src, ")"), ", weights_only=True", string_nb,
	               "torch.load(p)\"", "torch.load(p, weights_only=True)\"");
	uint32_t end = (uint32_t)strlen(src) - 1;
	assert_applies(nb, end, end, "  # end", string_nb, "(p)\"", "(p)  # end\"");
	/* A newline inside a one-string source stays an escape in that string. */
	assert_applies(nb, end, end, "\nx = 2", string_nb, "(p)\"", "(p)\\nx = 2\"");
	/* The synthetic newline is not in the notebook. */
	assert_refused(nb, end, end + 1, "", "crosses the end of cell 1");
	assert_refused(nb, end + 1, end + 1, "y", "crosses the end of cell 1");
	lf_notebook_destroy(nb);
}

static void test_zero_edits_give_the_same_bytes(void **state)
{
	(void)state;
	const char *cases[] = {list_nb, string_nb, NOTEBOOK(CODE("[]")),
	                       "{\"nbformat\":4,\"cells\":[],\"metadata\":{}}"};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		lf_notebook *nb = parse_ok(cases[i]);
		char *error = NULL;
		char *out = apply(nb, NULL, 0, &error);
		assert_non_null(out);
		assert_string_equal(out, cases[i]);
		free(out);
		lf_notebook_destroy(nb);
	}
}

static const char ascii_nb[] =
        NOTEBOOK(CODE("[\n    \"s = \\\"caf\\u00e9 na\\u00efve\\\"\\n\",\n    \"t = \\\"\\/\\\\\\t\\\"\"\n   ]"));

static void test_ensure_ascii_escapes(void **state)
{
	(void)state;
	lf_notebook *nb = parse_ok(ascii_nb);
	assert_source(nb, "s = \"caf\xc3\xa9 na\xc3\xafve\"\nt = \"/\\\t\"\n");
	const char *src = source_of(nb);
	/* Non-ASCII is escaped the way the notebook does; so are quote,
	 * backslash, tab and other control characters. */
	uint32_t at = offset_of(src, "t =");
	assert_applies(nb, at, at, "\xc3\xbc\"\\\t\x01", ascii_nb, "\"t = ", "\"\\u00fc\\\"\\\\\\t\\u0001t = ");
	/* Positions after an escape count the character once. */
	lf_notebook_position pos;
	assert_true(lf_notebook_locate(nb, offset_of(src, " na"), &pos));
	assert_int_equal(pos.cell, 1);
	assert_int_equal(pos.line, 1);
	assert_int_equal(pos.column, 10);
	/* The JSON column is that of the raw text: after "\u00e9". */
	const char *line = strstr(ascii_nb, "    \"s = ");
	assert_int_equal(pos.json_offset, (uint32_t)(strstr(ascii_nb, " na\\u00ef") - ascii_nb));
	assert_int_equal(pos.json_column, (uint32_t)(strstr(ascii_nb, " na\\u00ef") - line) + 1);
	/* Inside the two bytes of é: refused. */
	uint32_t e_acute = offset_of(src, "\xc3\xa9");
	assert_refused(nb, e_acute + 1, e_acute + 1, "x", "splits a character");
	lf_notebook_destroy(nb);

	/* Upper-case hex digits are kept too. */
	static const char upper[] = NOTEBOOK(CODE("\"s = \\\"\\u00C9\\\"\\n\""));
	nb = parse_ok(upper);
	assert_applies(nb, 0, 0, "\xc3\xa9", upper, "\"s = ", "\"\\u00E9s = ");
	lf_notebook_destroy(nb);

	/* A notebook with raw UTF-8 gets raw UTF-8. */
	static const char raw[] = NOTEBOOK(CODE("\"s = '\xc3\xa9'\\n\""));
	nb = parse_ok(raw);
	assert_applies(nb, 0, 0, "\xc3\xbc", raw, "\"s = ", "\"\xc3\xbcs = ");
	/* Nor inside a raw UTF-8 character. */
	assert_refused(nb, 6, 6, "x", "splits a character");
	lf_notebook_destroy(nb);
}

static const char pair_nb[] = NOTEBOOK(CODE("\"e = '\\ud83d\\ude00'; torch.load(p)\\n\""));

static void test_surrogate_pairs(void **state)
{
	(void)state;
	lf_notebook *nb = parse_ok(pair_nb);
	assert_source(nb, "e = '\xf0\x9f\x98\x80'; torch.load(p)\n");
	const char *src = source_of(nb);
	lf_notebook_position pos;
	assert_true(lf_notebook_locate(nb, offset_of(src, "torch"), &pos));
	assert_int_equal(pos.column, 10); /* the emoji is one character */
	assert_int_equal(pos.json_offset, (uint32_t)(strstr(pair_nb, "torch") - pair_nb));
	for (uint32_t k = 1; k < 4; k++) {
		assert_refused(nb, 5 + k, 5 + k, "x", "splits a character");
		/* A replacement starting or ending inside it too. */
		assert_refused(nb, 5 + k, 11, "x", "splits a character");
		assert_refused(nb, 4, 5 + k, "x", "splits a character");
	}
	/* An emoji inserted into an ensure_ascii notebook: a surrogate pair. */
	assert_applies(nb, 4, 4, "\xf0\x9f\x8e\x89", pair_nb, "'\\ud83d", "\\ud83c\\udf89'\\ud83d");
	/* Invalid UTF-8 cannot be written into JSON. */
	assert_refused(nb, 4, 4, "\xff", "not UTF-8");
	lf_notebook_destroy(nb);
	/* A lone surrogate is invalid JSON text for jansson. */
	static const char lone[] = NOTEBOOK(CODE("\"x = '\\ud83d'\""));
	assert_parse_fails(lone, sizeof lone - 1, "invalid JSON");
}

/* ---- masking ------------------------------------------------------------------- */

static const char magic_nb[] = NOTEBOOK(CODE(
        "[\n    \"%matplotlib inline\\n\",\n    \"!pip install torch\\n\",\n    \"files = !ls "
        "*.pt\\n\",\n"
        "    \"torch.load?\\n\",\n    \"??torch.load\\n\",\n    \"for f in files:\\n\",\n"
        "    \"    %time torch.load(f)\\n\",\n    \"!echo a \\\\\\n\",\n    \"  b\\n\",\n"
        "    \"s = '''\\n\",\n    \"!not a shell line\\n\",\n    \"'''\\n\",\n    \"x = (1,\\n\",\n"
        "    \"!2)\\n\",\n    \"y = a != b\\n\",\n    \"# why?\\n\",\n    \"m = torch.load(p)\"\n   "
        "]") ",\n" CODE("\"%%time\\nm = torch.load(p)\\n\"") ",\n" CODE("\"%%bash\\npython -c "
                                                                        "'torch.load(p)'\\n\"") ","
                                                                                                "\n" CODE(
                                                                                                        "\"%%"
                                                                                                        "writefi"
                                                                                                        "le "
                                                                                                        "x."
                                                                                                        "py\\nto"
                                                                                                        "rch."
                                                                                                        "load(p)"
                                                                                                        "\\n\"") ","
                                                                                                                 "\n" CODE(
                                                                                                                         "\"%%"
                                                                                                                         "capture "
                                                                                                                         "out\\ntor"
                                                                                                                         "ch.load("
                                                                                                                         "q)\"") ","
                                                                                                                                 "\n" CODE(
                                                                                                                                         "\"%%html\\n<b>torch.load(p)</b>\""));

static void test_magics_are_masked(void **state)
{
	(void)state;
	lf_notebook *nb = parse_ok(magic_nb);
	assert_source(nb, "0                 \n"
	                  "0                 \n"
	                  "0               \n"
	                  "0          \n"
	                  "0           \n"
	                  "for f in files:\n"
	                  "    0                  \n"
	                  "0        \n"
	                  "   \n"
	                  "s = '''\n"
	                  "!not a shell line\n"
	                  "'''\n"
	                  "x = (1,\n"
	                  "!2)\n"
	                  "y = a != b\n"
	                  "# why?\n"
	                  "m = torch.load(p)\n"
	                  /* %%time: only the magic line is masked */
	                  "0     \nm = torch.load(p)\n"
	                  /* %%bash, %%writefile: opaque, no text */
	                  /* %%capture: Python */
	                  "0            \ntorch.load(q)\n"
	              /* %%html: opaque */);
	assert_false(lf_notebook_cell_at(nb, 0)->opaque);
	assert_false(lf_notebook_cell_at(nb, 1)->opaque);
	assert_true(lf_notebook_cell_at(nb, 2)->opaque);
	assert_int_equal(lf_notebook_cell_at(nb, 2)->length, 0);
	assert_true(lf_notebook_cell_at(nb, 3)->opaque);
	assert_false(lf_notebook_cell_at(nb, 4)->opaque);
	assert_true(lf_notebook_cell_at(nb, 5)->opaque);
	/* The capture cell is cell 5 (opaque cells still count). */
	lf_notebook_position pos;
	assert_true(lf_notebook_locate(nb, offset_of(source_of(nb), "torch.load(q)"), &pos));
	assert_int_equal(pos.cell, 5);
	assert_int_equal(pos.line, 2);
	assert_int_equal(pos.column, 1);
	lf_notebook_destroy(nb);
}

/* ruff's list of cell magics whose body is Python (src/notebook.c): each one
 * leaves its body checked; a look-alike (`%%python2`, `%%script python3`)
 * makes the cell opaque. */
static void test_python_cell_magics_follow_ruff(void **state)
{
	(void)state;
	static const char *const python[] = {"capture", "debug",   "ipytest", "prun",  "pypy",
	                                     "python",  "python3", "time",    "timeit"};
	static const char *const opaque[] = {"python2", "script python3", "pythonx", "bash", "timeitx"};
	char json[512];
	for (size_t i = 0; i < sizeof python / sizeof *python + sizeof opaque / sizeof *opaque; i++) {
		bool is_python = i < sizeof python / sizeof *python;
		const char *magic = is_python ? python[i] : opaque[i - sizeof python / sizeof *python];
		snprintf(json, sizeof json, NOTEBOOK(CODE("\"%%%%%s\\nm = torch.load(p)\\n\"")), magic);
		lf_notebook *nb = parse_ok(json);
		if (lf_notebook_cell_at(nb, 0)->opaque == is_python)
			fail_msg("%%%%%s: the cell is %s", magic, is_python ? "opaque" : "checked");
		if (is_python && !strstr(source_of(nb), "\nm = torch.load(p)\n"))
			fail_msg("%%%%%s: the body is not in the combined source: \"%s\"", magic, source_of(nb));
		lf_notebook_destroy(nb);
	}
}

static void test_edits_in_masked_text_are_refused(void **state)
{
	(void)state;
	lf_notebook *nb = parse_ok(magic_nb);
	const char *src = source_of(nb);
	uint32_t time_line = offset_of(src, "    0 ");
	/* In, at either end of, or over a masked line. */
	assert_refused(nb, time_line + 6, time_line + 6, "x", "masked");
	assert_refused(nb, time_line, time_line, "x", "masked");
	assert_refused(nb, time_line + 10, time_line + 23, "", "masked");
	assert_refused(nb, 0, 0, "x", "masked");
	uint32_t cell2 = lf_notebook_cell_at(nb, 1)->start;
	assert_refused(nb, cell2 + 2, cell2 + 2, "x", "masked");
	/* The continuation line of a shell escape is masked too. */
	uint32_t cont = offset_of(src, "0        \n   \n") + 10;
	assert_refused(nb, cont + 1, cont + 1, "x", "masked");
	/* The line after a masked one is ordinary code. */
	uint32_t loop = offset_of(src, "for f");
	char *out = apply1(nb, loop, loop, "#");
	assert_non_null(strstr(out, "\"#for f in files:\\n\""));
	free(out);
	lf_notebook_destroy(nb);
}

static void test_non_python_kernel_is_opaque(void **state)
{
	(void)state;
	static const char r_nb[] =
	        "{\"cells\": [{\"cell_type\": \"code\", \"metadata\": {}, \"outputs\": [], "
	        "\"execution_count\": null, \"source\": \"torch.load(p)\"}], \"metadata\": "
	        "{\"kernelspec\": {\"name\": \"ir\", \"display_name\": \"R\", \"language\": \"R\"}}, "
	        "\"nbformat\": 4, \"nbformat_minor\": 5}";
	lf_notebook *nb = parse_ok(r_nb);
	assert_false(lf_notebook_is_python(nb));
	assert_source(nb, "");
	assert_true(lf_notebook_cell_at(nb, 0)->opaque);
	lf_notebook_position pos;
	assert_false(lf_notebook_locate(nb, 0, &pos));
	assert_refused(nb, 0, 0, "x", "not in a code cell");
	lf_notebook_destroy(nb);
	/* language_info.name when there is no kernelspec; Python by default. */
	static const char julia[] =
	        "{\"cells\": [{\"cell_type\": \"code\", \"source\": \"x\"}], \"metadata\": "
	        "{\"language_info\": {\"name\": \"julia\"}}, \"nbformat\": 4, \"nbformat_minor\": 5}";
	nb = parse_ok(julia);
	assert_false(lf_notebook_is_python(nb));
	lf_notebook_destroy(nb);
	static const char none[] = "{\"cells\": [{\"cell_type\": \"code\", \"source\": \"x\"}], \"metadata\": {}, "
	                           "\"nbformat\": 4, \"nbformat_minor\": 5}";
	nb = parse_ok(none);
	assert_true(lf_notebook_is_python(nb));
	assert_source(nb, "x\n");
	lf_notebook_destroy(nb);
}

/* ---- positions ------------------------------------------------------------------ */

static void test_position_mapping(void **state)
{
	(void)state;
	lf_notebook *nb = parse_ok(list_nb);
	const char *src = source_of(nb);
	lf_notebook_position pos;
	/* "torch.load" in cell 2, line 2, column 5. */
	assert_true(lf_notebook_locate(nb, offset_of_nth(src, "torch", 1), &pos));
	assert_int_equal(pos.cell, 2);
	assert_int_equal(pos.line, 2);
	assert_int_equal(pos.column, 5);
	const char *raw = strstr(list_nb, "torch.load");
	assert_int_equal(pos.json_offset, (uint32_t)(raw - list_nb));
	/* The .ipynb line: count newlines before it. */
	uint32_t line = 1;
	for (const char *p = list_nb; p < raw; p++)
		line += *p == '\n';
	assert_int_equal(pos.json_line, line);
	assert_int_equal(pos.json_column, 10); /* after `    "m = ` */
	/* Cell 4 starts a new cell: line 1 again. */
	assert_true(lf_notebook_locate(nb, offset_of(src, "x = 1"), &pos));
	assert_int_equal(pos.cell, 4);
	assert_int_equal(pos.line, 1);
	assert_int_equal(pos.column, 1);
	assert_int_equal(pos.json_offset, (uint32_t)(strstr(list_nb, "x = 1") - list_nb));
	/* The synthetic newline and the end point at the closing quote. */
	uint32_t len = (uint32_t)strlen(src);
	const char *closing = strstr(list_nb, "x = 1\"") + 5;
	assert_true(lf_notebook_locate(nb, len - 1, &pos));
	assert_int_equal(pos.json_offset, (uint32_t)(closing - list_nb));
	assert_true(lf_notebook_locate(nb, len, &pos));
	assert_int_equal(pos.cell, 4);
	assert_int_equal(pos.json_offset, (uint32_t)(closing - list_nb));
	lf_notebook_destroy(nb);
}

/* ---- splicing -------------------------------------------------------------------- */

static const char vertical_nb[] = NOTEBOOK(CODE("[\n    \"import torch\\n\",\n    \"m = torch.load(\\n\",\n"
                                                "    \"    path,\\n\",\n    \")\\n\",\n    \"y = 1\"\n   ]"));

static void test_inline_insertion(void **state)
{
	(void)state;
	lf_notebook *nb = parse_ok(list_nb);
	const char *src = source_of(nb);
	uint32_t at = offset_of(src, ")\n");
	assert_applies(nb, at, at, ", weights_only=True", list_nb, "(\\\"m.pt\\\")",
	               "(\\\"m.pt\\\", weights_only=True)");
	/* A replacement inside one string. */
	assert_applies(nb, offset_of(src, "m.pt"), offset_of(src, "m.pt") + 1, "model", list_nb, "\\\"m.pt",
	               "\\\"model.pt");
	/* Two edits in two cells at once. */
	lf_edit eds[2] = {{at, at, ", weights_only=True"}, {offset_of(src, "1"), offset_of(src, "1") + 1, "2"}};
	char *error = NULL;
	char *out = apply(nb, eds, 2, &error);
	assert_non_null(out);
	char *step = replaced(list_nb, "(\\\"m.pt\\\")", "(\\\"m.pt\\\", weights_only=True)");
	char *expected = replaced(step, "x = 1", "x = 2");
	assert_string_equal(out, expected);
	free(out);
	free(step);
	free(expected);
	/* Out of order: refused whole. */
	lf_edit back[2] = {eds[1], eds[0]};
	assert_null(apply(nb, back, 2, &error));
	assert_non_null(strstr(error, "not sorted"));
	free(error);
	lf_notebook_destroy(nb);
}

static void test_new_line_insertion_across_list_elements(void **state)
{
	(void)state;
	lf_notebook *nb = parse_ok(vertical_nb);
	const char *src = source_of(nb);
	/* The vertical fix: a whole line before ")" becomes its own element,
	 * separated and indented like its neighbours. */
	uint32_t close = offset_of(src, ")\n");
	assert_applies(nb, close, close, "    weights_only=True,\n", vertical_nb, "    \")\\n\"",
	               "    \"    weights_only=True,\\n\",\n    \")\\n\"");
	/* Two lines in the middle of an element split it in three. */
	uint32_t mid = offset_of(src, "path") + 2;
	assert_applies(nb, mid, mid, "A\nB\nC", vertical_nb, "\"    path,\\n\"",
	               "\"    paA\\n\",\n    \"B\\n\",\n    \"Cth,\\n\"");
	/* A line appended at the end of the last element. */
	uint32_t end = (uint32_t)strlen(src) - 1;
	assert_applies(nb, end, end, "\nz = 3\n", vertical_nb, "\"y = 1\"", "\"y = 1\\n\",\n    \"z = 3\\n\"");
	/* A replacement across elements joins them. */
	uint32_t comma = offset_of(src, ",\n)");
	assert_applies(nb, comma, comma + 2, "", vertical_nb, "\"    path,\\n\",\n    \")\\n\"", "\"    path)\\n\"");
	lf_notebook_destroy(nb);

	/* A one-element list: "," and the bytes after '['. */
	static const char one[] = NOTEBOOK(CODE("[\n    \"f(\\n\"\n   ]"));
	nb = parse_ok(one);
	assert_applies(nb, 3, 3, "x\n", one, "\"f(\\n\"", "\"f(\\n\",\n    \"x\\n\"");
	lf_notebook_destroy(nb);
}

static void test_edits_crossing_cells_are_refused(void **state)
{
	(void)state;
	lf_notebook *nb = parse_ok(list_nb);
	const char *src = source_of(nb);
	uint32_t cell4 = offset_of(src, "x = 1");
	assert_refused(nb, cell4 - 2, cell4 + 1, "", "crosses the end of cell 2");
	assert_refused(nb, 0, (uint32_t)strlen(src) + 1, "", "outside the source");
	/* An insertion at a cell's start goes into that cell. */
	char *out = apply1(nb, cell4, cell4, "#");
	assert_non_null(strstr(out, "\"#x = 1\""));
	free(out);
	lf_notebook_destroy(nb);
}

/* ---- errors ----------------------------------------------------------------------- */

static void test_errors(void **state)
{
	(void)state;
	static const char bad_json[] = "{\"cells\": [}";
	assert_parse_fails(bad_json, sizeof bad_json - 1, "invalid JSON");
	assert_parse_fails("", 0, "invalid JSON");
	static const char v3[] = "{\"nbformat\": 3, \"nbformat_minor\": 0, \"worksheets\": [], \"metadata\": {}}";
	assert_parse_fails(v3, sizeof v3 - 1, "nbformat 3 is not supported");
	static const char no_version[] = "{\"cells\": []}";
	assert_parse_fails(no_version, sizeof no_version - 1, "no \"nbformat\"");
	static const char top_array[] = "[1, 2]";
	assert_parse_fails(top_array, sizeof top_array - 1, "not a JSON object");
	static const char no_cells[] = "{\"nbformat\": 4, \"metadata\": {}}";
	assert_parse_fails(no_cells, sizeof no_cells - 1, "\"cells\" is missing");
	static const char number_source[] = NOTEBOOK(RAW("\"ok\"") ",\n" CODE("42"));
	assert_parse_fails(number_source, sizeof number_source - 1,
	                   "cell 2: \"source\" is neither a string nor a list of strings");
	static const char mixed_list[] = NOTEBOOK(CODE("[\"a\\n\", 7]"));
	assert_parse_fails(mixed_list, sizeof mixed_list - 1, "cell 1: \"source\" is neither");
	static const char object_source[] = NOTEBOOK(CODE("{\"a\": \"b\"}"));
	assert_parse_fails(object_source, sizeof object_source - 1, "cell 1: \"source\" is neither");
	static const char no_type[] = "{\"nbformat\": 4, \"cells\": [{\"source\": \"x\"}]}";
	assert_parse_fails(no_type, sizeof no_type - 1, "cell 1 has no \"cell_type\"");
	static const char dup[] = "{\"nbformat\": 4, \"cells\": [], \"cells\": []}";
	assert_parse_fails(dup, sizeof dup - 1, "duplicate");

	/* Nesting: refused before jansson parses it. */
	size_t depth = LF_NOTEBOOK_MAX_DEPTH + 1;
	lf_buf deep;
	lf_buf_init(&deep);
	lf_buf_puts(&deep, "{\"nbformat\": 4, \"cells\": [], \"metadata\": ");
	for (size_t i = 0; i < depth; i++)
		lf_buf_puts(&deep, "[");
	for (size_t i = 0; i < depth; i++)
		lf_buf_puts(&deep, "]");
	lf_buf_puts(&deep, "}");
	assert_parse_fails(deep.data, (uint32_t)deep.len, "nested deeper than 128");
	lf_buf_finish(&deep);
	/* At the bound it is fine (the metadata array sits at depth 2). */
	lf_buf_init(&deep);
	lf_buf_puts(&deep, "{\"nbformat\": 4, \"cells\": [], \"metadata\": {\"x\": ");
	for (size_t i = 0; i < LF_NOTEBOOK_MAX_DEPTH - 2; i++)
		lf_buf_puts(&deep, "[");
	for (size_t i = 0; i < LF_NOTEBOOK_MAX_DEPTH - 2; i++)
		lf_buf_puts(&deep, "]");
	lf_buf_puts(&deep, "}}");
	char *error = NULL;
	lf_notebook *nb = lf_notebook_parse((const uint8_t *)deep.data, (uint32_t)deep.len, &error);
	assert_non_null(nb);
	lf_notebook_destroy(nb);
	lf_buf_finish(&deep);

	/* A 50 MB cell. */
	lf_buf big;
	lf_buf_init(&big);
	lf_buf_puts(&big, "{\"nbformat\": 4, \"metadata\": {}, \"cells\": [{\"cell_type\": \"markdown\", \"source\": "
	                  "\"a\"}, {\"cell_type\": \"code\", \"source\": \"");
	size_t size = 50u * 1024 * 1024;
	lf_buf_reserve(&big, size + 16);
	memset(big.data + big.len, 'x', size);
	big.len += size;
	lf_buf_puts(&big, "\"}]}");
	assert_parse_fails(big.data, (uint32_t)big.len, "cell 2: source over 16 MiB");
	lf_buf_finish(&big);
}

/* A notebook saved with CRLF line endings (the JSON's, not the code's), and
 * code with CRLF inside its strings: the new element copies the CRLF
 * separator, and a CRLF in the text still ends its line. */
static void test_crlf_layout(void **state)
{
	(void)state;
	static const char crlf[] = "{\r\n \"cells\": [\r\n  {\r\n   \"cell_type\": \"code\",\r\n   \"source\": [\r\n"
	                           "    \"f(\\r\\n\",\r\n    \")\\r\\n\"\r\n   ]\r\n  }\r\n ],\r\n"
	                           " \"metadata\": {},\r\n \"nbformat\": 4,\r\n \"nbformat_minor\": 5\r\n}\r\n";
	lf_notebook *nb = parse_ok(crlf);
	assert_source(nb, "f(\r\n)\r\n");
	lf_notebook_position pos;
	assert_true(lf_notebook_locate(nb, 4, &pos));
	assert_int_equal(pos.line, 2);
	assert_int_equal(pos.json_line, 7);
	assert_applies(nb, 4, 4, "    x,\r\n", crlf, "    \")\\r\\n\"", "    \"    x,\\r\\n\",\r\n    \")\\r\\n\"");
	lf_notebook_destroy(nb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_list_sources_and_cell_numbers),
	        cmocka_unit_test(test_single_string_without_trailing_newline),
	        cmocka_unit_test(test_zero_edits_give_the_same_bytes),
	        cmocka_unit_test(test_ensure_ascii_escapes),
	        cmocka_unit_test(test_surrogate_pairs),
	        cmocka_unit_test(test_magics_are_masked),
	        cmocka_unit_test(test_edits_in_masked_text_are_refused),
	        cmocka_unit_test(test_python_cell_magics_follow_ruff),
	        cmocka_unit_test(test_non_python_kernel_is_opaque),
	        cmocka_unit_test(test_position_mapping),
	        cmocka_unit_test(test_inline_insertion),
	        cmocka_unit_test(test_new_line_insertion_across_list_elements),
	        cmocka_unit_test(test_edits_crossing_cells_are_refused),
	        cmocka_unit_test(test_crlf_layout),
	        cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
