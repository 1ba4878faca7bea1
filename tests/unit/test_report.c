/*
 * report.c: the display path's escaping, the text line, the JSON object,
 * the SARIF result and document, GitHub annotations and their escaping
 * (README, "Usage" and "Reports").
 */
#include <jansson.h>
#include <unistd.h>

#include "helpers.h"

#include "loadfix/buf.h"
#include "loadfix/check.h"
#include "loadfix/fixer.h"
#include "loadfix/report.h"

/* ---- helpers -------------------------------------------------------------- */

static const lf_rule *rule(const char *code)
{
	const lf_fixer *fixer = lf_fixer_find(code);
	assert_non_null(fixer);
	return fixer->rule;
}

/* A finding of `code` over [start, end) with an optional one-edit fix. */
static void make_diag(lf_diags *diags, const char *code, uint32_t start, uint32_t end, const char *message,
                      lf_applicability applicability, uint32_t edit_start, uint32_t edit_end, const char *text)
{
	lf_fix fix;
	lf_fix_init(&fix);
	if (applicability != LF_FIX_NONE) {
		fix.applicability = applicability;
		lf_fix_replace(&fix, edit_start, edit_end, text);
	}
	lf_diags_push(diags, rule(code), start, end, lf_xstrdup(message), &fix);
}

static char *steal(lf_buf *buf)
{
	return lf_buf_steal(buf, NULL);
}

static json_t *parse_json(const char *text)
{
	json_error_t error;
	json_t *value = json_loads(text, JSON_REJECT_DUPLICATES, &error);
	if (!value)
		fail_msg("invalid JSON (%s): %s", error.text, text);
	return value;
}

static json_int_t int_at(json_t *object, const char *key)
{
	json_t *value = json_object_get(object, key);
	if (!json_is_integer(value))
		fail_msg("no integer %s", key);
	return json_integer_value(value);
}

static const char *string_at(json_t *object, const char *key)
{
	json_t *value = json_object_get(object, key);
	if (!json_is_string(value))
		fail_msg("no string %s", key);
	return json_string_value(value);
}

static void assert_location(json_t *location, json_int_t line, json_int_t column, json_int_t offset)
{
	assert_non_null(location);
	assert_int_equal(json_object_size(location), 3);
	assert_int_equal(int_at(location, "line"), line);
	assert_int_equal(int_at(location, "column"), column);
	assert_int_equal(int_at(location, "offset"), offset);
}

static lf_check_options options_with(bool unsafe)
{
	lf_check_options options;
	memset(&options, 0, sizeof options);
	for (size_t i = 0; i < lf_fixer_count; i++)
		options.enabled[i] = true;
	options.fix = true;
	options.unsafe_fixes = unsafe;
	return options;
}

/* ---- display path --------------------------------------------------------- */

static void check_display(const char *path, const char *want)
{
	char *got = lf_display_path(path);
	if (strcmp(got, want) != 0)
		fail_msg("display of \"%s\": \"%s\", want \"%s\"", path, got, want);
	free(got);
}

static void test_display_path_plain(void **state)
{
	(void)state;
	check_display("pkg/a.py", "pkg/a.py");
	check_display("a file.py", "a file.py");
	check_display("caf\xC3\xA9/\xE6\x97\xA5\xE6\x9C\xAC.py", "caf\xC3\xA9/\xE6\x97\xA5\xE6\x9C\xAC.py");
	check_display("\xF0\x9F\x90\x8D.py", "\xF0\x9F\x90\x8D.py"); /* 4-byte sequence */
	check_display("nbsp\xC2\xA0.py", "nbsp\xC2\xA0.py");         /* U+00A0 is not a control */
	check_display("", "");
}

static void test_display_path_controls(void **state)
{
	(void)state;
	check_display("a\nb.py", "a\\nb.py");
	check_display("a\tb.py", "a\\tb.py");
	check_display("a\\b.py", "a\\\\b.py");
	check_display("a\rb.py", "a\\x0Db.py");
	check_display("\x1b[31mred.py", "\\x1B[31mred.py");
	check_display("\x01\x1f\x7f", "\\x01\\x1F\\x7F");
	check_display("c1\xC2\x85.py", "c1\\u0085.py"); /* C1 controls (NEL) */
	check_display("c1\xC2\x9B.py", "c1\\u009B.py"); /* CSI */
}

static void test_display_path_invalid_utf8(void **state)
{
	(void)state;
	check_display("latin\xE9.py", "latin\\xE9.py");
	check_display("\xFF\xFE", "\\xFF\\xFE");
	check_display("over\xC0\xAF.py", "over\\xC0\\xAF.py");           /* overlong '/' */
	check_display("cut\xE2\x82", "cut\\xE2\\x82");                   /* truncated */
	check_display("sur\xED\xA0\x80.py", "sur\\xED\\xA0\\x80.py");    /* UTF-16 surrogate */
	check_display("\xE2\x82\xAC\xE2\x82", "\xE2\x82\xAC\\xE2\\x82"); /* valid, then cut */
}

/* ---- text ----------------------------------------------------------------- */

static void test_text_line(void **state)
{
	(void)state;
	const char *code = "import torch\nstate = torch.load(\"a.pt\")\n";
	lf_source src;
	source_from(&src, code);
	lf_diags diags;
	lf_diags_init(&diags);
	uint32_t at = offset_of(code, "torch.load");
	make_diag(&diags, "LF001", at, at + 18, "msg one", LF_FIX_SAFE, at + 17, at + 17, ", weights_only=True");
	lf_buf out;
	lf_buf_init(&out);
	lf_report_text(&out, "pkg/a.py", &src, NULL, &diags.items[0], true, false);
	lf_report_text(&out, "pkg/a.py", &src, NULL, &diags.items[0], false, false);
	char *text = steal(&out);
	assert_string_equal(text, "pkg/a.py:2:9: LF001 [*] msg one\npkg/a.py:2:9: LF001 msg one\n");
	free(text);
	lf_diags_finish(&diags);
	lf_source_finish(&src);
}

static void test_text_columns_in_characters(void **state)
{
	(void)state;
	/* two-byte é, three-byte €, an invalid byte (one character), CRLF and
	 * a lone CR ending lines */
	const char *code = "import torch\r\n\xC3\xA9\xE2\x82\xAC\xFF = torch.load(p)\rx = torch.load(q)\n";
	lf_source src;
	source_from(&src, code);
	lf_diags diags;
	lf_diags_init(&diags);
	uint32_t first = offset_of(code, "torch.load(p)");
	uint32_t second = offset_of(code, "torch.load(q)");
	make_diag(&diags, "LF001", first, first + 13, "m", LF_FIX_NONE, 0, 0, NULL);
	make_diag(&diags, "LF001", second, second + 13, "m", LF_FIX_NONE, 0, 0, NULL);
	lf_buf out;
	lf_buf_init(&out);
	lf_report_text(&out, "a.py", &src, NULL, &diags.items[0], false, false);
	lf_report_text(&out, "a.py", &src, NULL, &diags.items[1], false, false);
	char *text = steal(&out);
	assert_string_equal(text, "a.py:2:7: LF001 m\na.py:3:5: LF001 m\n");
	free(text);
	lf_diags_finish(&diags);
	lf_source_finish(&src);
}

/* ---- JSON ----------------------------------------------------------------- */

static void test_json_object(void **state)
{
	(void)state;
	/* the README's example */
	const char *code = "import torch\nstate = torch.load(\"a.pt\")\n";
	lf_source src;
	source_from(&src, code);
	lf_diags diags;
	lf_diags_init(&diags);
	make_diag(&diags, "LF001", 21, 39, "the message", LF_FIX_SAFE, 38, 38, ", weights_only=True");
	lf_check_options options = options_with(false);
	lf_buf out;
	lf_buf_init(&out);
	lf_report_json(&out, "unsafe.py", &src, NULL, &diags.items[0], &options);
	char *text = steal(&out);
	assert_null(strchr(text, '\n')); /* one object, no trailing newline or comma */
	assert_int_equal(text[0], '{');
	assert_int_equal(text[strlen(text) - 1], '}');
	json_t *object = parse_json(text);
	assert_string_equal(string_at(object, "path"), "unsafe.py");
	assert_string_equal(string_at(object, "code"), "LF001");
	assert_string_equal(string_at(object, "name"), "torch-load-without-weights-only");
	assert_string_equal(string_at(object, "message"), "the message");
	assert_location(json_object_get(object, "start"), 2, 9, 21);
	assert_location(json_object_get(object, "end"), 2, 27, 39);
	json_t *fix = json_object_get(object, "fix");
	assert_true(json_is_object(fix));
	assert_string_equal(string_at(fix, "applicability"), "safe");
	assert_true(json_is_true(json_object_get(fix, "applied_with_options")));
	json_t *edits = json_object_get(fix, "edits");
	assert_int_equal(json_array_size(edits), 1);
	json_t *edit = json_array_get(edits, 0);
	assert_string_equal(string_at(edit, "content"), ", weights_only=True");
	assert_location(json_object_get(edit, "start"), 2, 26, 38);
	assert_location(json_object_get(edit, "end"), 2, 26, 38);
	/* field order as documented */
	const char *keys[] = {"path", "code", "name", "message", "start", "end", "fix"};
	const char *previous = text;
	for (size_t i = 0; i < 7; i++) {
		char *quoted = lf_xasprintf("\"%s\":", keys[i]);
		const char *found = strstr(previous, quoted);
		if (!found)
			fail_msg("key %s missing or out of order in %s", keys[i], text);
		previous = found;
		free(quoted);
	}
	json_decref(object);
	free(text);
	lf_diags_finish(&diags);
	lf_source_finish(&src);
}

static void test_json_fix_null_and_unsafe(void **state)
{
	(void)state;
	const char *code = "import torch\nx = torch.load(p, weights_only=False)\ny = torch.load(q, pickle_module=m)\n";
	lf_source src;
	source_from(&src, code);
	lf_diags diags;
	lf_diags_init(&diags);
	uint32_t kw = offset_of(code, "weights_only=False");
	uint32_t value = offset_of(code, "False");
	make_diag(&diags, "LF002", kw, kw + 18, "m2", LF_FIX_UNSAFE, value, value + 5, "True");
	uint32_t call = offset_of(code, "torch.load(q");
	make_diag(&diags, "LF001", call, call + 31, "m1", LF_FIX_NONE, 0, 0, NULL);
	for (int unsafe = 0; unsafe < 2; unsafe++) {
		lf_check_options options = options_with(unsafe);
		lf_buf out;
		lf_buf_init(&out);
		lf_report_json(&out, "b.py", &src, NULL, &diags.items[0], &options);
		char *text = steal(&out);
		json_t *object = parse_json(text);
		json_t *fix = json_object_get(object, "fix");
		assert_string_equal(string_at(fix, "applicability"), "unsafe");
		assert_int_equal(json_is_true(json_object_get(fix, "applied_with_options")), unsafe);
		json_t *edit = json_array_get(json_object_get(fix, "edits"), 0);
		assert_string_equal(string_at(edit, "content"), "True");
		assert_location(json_object_get(edit, "start"), 2, 32, value);
		assert_location(json_object_get(edit, "end"), 2, 37, value + 5);
		json_decref(object);
		free(text);
	}
	lf_check_options options = options_with(true);
	lf_buf out;
	lf_buf_init(&out);
	lf_report_json(&out, "b.py", &src, NULL, &diags.items[1], &options);
	char *text = steal(&out);
	json_t *object = parse_json(text);
	assert_true(json_is_null(json_object_get(object, "fix")));
	json_decref(object);
	free(text);
	lf_diags_finish(&diags);
	lf_source_finish(&src);
}

static void test_json_invalid_utf8_replaced(void **state)
{
	(void)state;
	const char *code = "import torch\nx = torch.load(p)\n";
	lf_source src;
	source_from(&src, code);
	lf_diags diags;
	lf_diags_init(&diags);
	make_diag(&diags, "LF001", 17, 30, "bad \xFF byte", LF_FIX_NONE, 0, 0, NULL);
	lf_check_options options = options_with(false);
	lf_buf out;
	lf_buf_init(&out);
	lf_report_json(&out, "caf\xE9/\xC3\xA9\n.py", &src, NULL, &diags.items[0], &options);
	char *text = steal(&out);
	/* ASCII-only output: the raw bytes never get through */
	for (const unsigned char *c = (const unsigned char *)text; *c; c++)
		assert_true(*c >= 0x20 && *c < 0x7f);
	json_t *object = parse_json(text);
	assert_string_equal(string_at(object, "path"), "caf\xEF\xBF\xBD/\xC3\xA9\n.py");
	assert_string_equal(string_at(object, "message"), "bad \xEF\xBF\xBD byte");
	json_decref(object);
	free(text);
	lf_diags_finish(&diags);
	lf_source_finish(&src);
}

/* ---- SARIF ---------------------------------------------------------------- */

static void test_path_to_uri(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
	        {"pkg/a.py", "pkg/a.py"},
	        {"./pkg/a.py", "pkg/a.py"},
	        {"a b.py", "a%20b.py"},
	        {"100%.py", "100%25.py"},
	        {"caf\xC3\xA9.py", "caf%C3%A9.py"},
	        {"bad\xFF\n.py", "bad%FF%0A.py"},
	        {"A-Z_a~z.0-9", "A-Z_a~z.0-9"},
	        {"q?#[]@!$&'()*+,;=:", "q%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%3A"},
	        {"/abs/a.py", "/abs/a.py"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *uri = lf_path_to_uri(cases[i][0]);
		if (strcmp(uri, cases[i][1]) != 0)
			fail_msg("uri of \"%s\": \"%s\", want \"%s\"", cases[i][0], uri, cases[i][1]);
		free(uri);
	}
}

static json_t *sarif_result(const char *path, const lf_source *src, const lf_diag *diag)
{
	lf_buf out;
	lf_buf_init(&out);
	size_t index = 0;
	for (size_t i = 0; i < lf_fixer_count; i++)
		if (lf_fixers[i]->rule == diag->rule)
			index = i;
	lf_report_sarif_result(&out, path, src, NULL, diag, index, 0);
	char *text = steal(&out);
	json_t *result = parse_json(text);
	free(text);
	return result;
}

static void test_sarif_result(void **state)
{
	(void)state;
	const char *code = "import torch\nstate = torch.load(\"a.pt\")\n";
	lf_source src;
	source_from(&src, code);
	lf_diags diags;
	lf_diags_init(&diags);
	make_diag(&diags, "LF001", 21, 39, "the message", LF_FIX_SAFE, 38, 38, ", weights_only=True");
	json_t *result = sarif_result("pkg/my file.py", &src, &diags.items[0]);
	assert_string_equal(string_at(result, "ruleId"), "LF001");
	assert_int_equal(int_at(result, "ruleIndex"), 0);
	assert_string_equal(string_at(result, "level"), "error");
	assert_string_equal(string_at(json_object_get(result, "message"), "text"), "the message");
	json_t *physical = json_object_get(json_array_get(json_object_get(result, "locations"), 0), "physicalLocation");
	json_t *artifact = json_object_get(physical, "artifactLocation");
	assert_string_equal(string_at(artifact, "uri"), "pkg/my%20file.py");
	assert_string_equal(string_at(artifact, "uriBaseId"), "%SRCROOT%");
	json_t *region = json_object_get(physical, "region");
	assert_int_equal(int_at(region, "startLine"), 2);
	assert_int_equal(int_at(region, "startColumn"), 9);
	assert_int_equal(int_at(region, "endLine"), 2);
	assert_int_equal(int_at(region, "endColumn"), 27);
	assert_int_equal(int_at(region, "byteOffset"), 21);
	assert_int_equal(int_at(region, "byteLength"), 18);
	assert_string_equal(string_at(json_object_get(region, "snippet"), "text"), "torch.load(\"a.pt\")");
	json_t *context = json_object_get(physical, "contextRegion");
	assert_int_equal(int_at(context, "startLine"), 2);
	assert_int_equal(int_at(context, "endLine"), 2);
	assert_string_equal(string_at(json_object_get(context, "snippet"), "text"), "state = torch.load(\"a.pt\")\n");
	/* the fix: an insertion is an empty deletedRegion */
	json_t *fixes = json_object_get(result, "fixes");
	assert_int_equal(json_array_size(fixes), 1);
	json_t *fix = json_array_get(fixes, 0);
	assert_non_null(strstr(string_at(json_object_get(fix, "description"), "text"), "weights_only=True"));
	json_t *changes = json_object_get(fix, "artifactChanges");
	assert_int_equal(json_array_size(changes), 1);
	json_t *change = json_array_get(changes, 0);
	assert_string_equal(string_at(json_object_get(change, "artifactLocation"), "uri"), "pkg/my%20file.py");
	json_t *replacements = json_object_get(change, "replacements");
	assert_int_equal(json_array_size(replacements), 1);
	json_t *replacement = json_array_get(replacements, 0);
	json_t *deleted = json_object_get(replacement, "deletedRegion");
	assert_int_equal(int_at(deleted, "byteOffset"), 38);
	assert_int_equal(int_at(deleted, "byteLength"), 0);
	assert_int_equal(int_at(deleted, "startLine"), 2);
	assert_int_equal(int_at(deleted, "startColumn"), 26);
	assert_int_equal(int_at(deleted, "endColumn"), 26);
	assert_string_equal(string_at(json_object_get(replacement, "insertedContent"), "text"), ", weights_only=True");
	json_decref(result);
	lf_diags_finish(&diags);
	lf_source_finish(&src);
}

static void test_sarif_result_levels_and_absolute_path(void **state)
{
	(void)state;
	const char *code = "import torch\r\nf = torch.load\r\nx = torch.load(p, weights_only=False)\r\n";
	lf_source src;
	source_from(&src, code);
	lf_diags diags;
	lf_diags_init(&diags);
	uint32_t value_ref = offset_of(code, "torch.load\r");
	make_diag(&diags, "LF004", value_ref, value_ref + 10, "value", LF_FIX_NONE, 0, 0, NULL);
	uint32_t kw = offset_of(code, "weights_only=False");
	uint32_t value = offset_of(code, "False");
	make_diag(&diags, "LF002", kw, kw + 18, "false", LF_FIX_UNSAFE, value, value + 5, "True");

	json_t *result = sarif_result("/abs/dir/a.py", &src, &diags.items[0]);
	assert_string_equal(string_at(result, "ruleId"), "LF004");
	assert_int_equal(int_at(result, "ruleIndex"), 3);
	assert_string_equal(string_at(result, "level"), "warning");
	assert_null(json_object_get(result, "fixes"));
	json_t *physical = json_object_get(json_array_get(json_object_get(result, "locations"), 0), "physicalLocation");
	json_t *artifact = json_object_get(physical, "artifactLocation");
	assert_string_equal(string_at(artifact, "uri"), "file:///abs/dir/a.py");
	assert_null(json_object_get(artifact, "uriBaseId"));
	/* the context is the whole line, with its own CRLF */
	assert_string_equal(string_at(json_object_get(json_object_get(physical, "contextRegion"), "snippet"), "text"),
	                    "f = torch.load\r\n");
	json_decref(result);

	result = sarif_result("b.py", &src, &diags.items[1]);
	assert_string_equal(string_at(result, "level"), "error");
	assert_int_equal(int_at(result, "ruleIndex"), 1);
	json_t *replacement = json_array_get(
	        json_object_get(json_array_get(json_object_get(json_array_get(json_object_get(result, "fixes"), 0),
	                                                       "artifactChanges"),
	                                       0),
	                        "replacements"),
	        0);
	json_t *deleted = json_object_get(replacement, "deletedRegion");
	assert_int_equal(int_at(deleted, "byteOffset"), value);
	assert_int_equal(int_at(deleted, "byteLength"), 5);
	assert_int_equal(int_at(deleted, "startLine"), 3);
	assert_string_equal(string_at(json_object_get(replacement, "insertedContent"), "text"), "True");
	json_decref(result);
	lf_diags_finish(&diags);
	lf_source_finish(&src);
}

static void test_sarif_document(void **state)
{
	(void)state;
	const char *results = "{\"ruleId\": \"LF001\"},{\"ruleId\": \"LF004\"}";
	lf_buf out;
	lf_buf_init(&out);
	lf_report_sarif_document(&out, results, strlen(results), "loadfix");
	char *text = steal(&out);
	assert_int_equal(text[strlen(text) - 1], '\n');
	json_t *doc = parse_json(text);
	free(text);
	assert_string_equal(string_at(doc, "version"), "2.1.0");
	assert_non_null(strstr(string_at(doc, "$schema"), "sarif-schema-2.1.0.json"));
	json_t *runs = json_object_get(doc, "runs");
	assert_int_equal(json_array_size(runs), 1);
	json_t *run = json_array_get(runs, 0);
	assert_string_equal(string_at(run, "columnKind"), "unicodeCodePoints");
	json_t *run_results = json_object_get(run, "results");
	assert_int_equal(json_array_size(run_results), 2);
	assert_string_equal(string_at(json_array_get(run_results, 1), "ruleId"), "LF004");
	/* %SRCROOT% is the current directory, as a file:// URI ending in '/' */
	char *cwd = getcwd(NULL, 0);
	char *cwd_uri = lf_path_to_uri(cwd);
	char *want_root = lf_xasprintf("file://%s/", cwd_uri);
	assert_string_equal(string_at(json_object_get(json_object_get(run, "originalUriBaseIds"), "%SRCROOT%"), "uri"),
	                    want_root);
	free(want_root);
	free(cwd_uri);
	free(cwd);
	json_t *driver = json_object_get(json_object_get(run, "tool"), "driver");
	assert_string_equal(string_at(driver, "name"), "loadfix");
	assert_string_equal(string_at(driver, "version"), LOADFIX_VERSION);
	json_t *rules = json_object_get(driver, "rules");
	assert_int_equal(json_array_size(rules), lf_fixer_count);
	/* LF001-LF008, LF101-LF106 */
	static const char *const severities[] = {"8.8", "8.8", "7.0", "5.0", "8.8", "8.8", "8.8",
	                                         "8.8", "8.8", "8.8", "8.8", "8.8", "8.8", "7.5"};
	static const char *const levels[] = {"error", "error", "error", "warning", "error", "error", "error",
	                                     "error", "error", "error", "error",   "error", "error", "error"};
	assert_int_equal(sizeof severities / sizeof severities[0], lf_rule_count);
	assert_int_equal(lf_fixer_count, lf_rule_count);
	for (size_t i = 0; i < lf_fixer_count; i++) {
		json_t *r = json_array_get(rules, i);
		const lf_rule *want = lf_fixers[i]->rule;
		assert_string_equal(string_at(r, "id"), want->code);
		assert_string_equal(string_at(json_object_get(r, "shortDescription"), "text"), want->summary);
		assert_string_equal(string_at(json_object_get(r, "fullDescription"), "text"), want->help);
		json_t *help = json_object_get(r, "help");
		assert_string_equal(string_at(help, "text"), want->help);
		/* LF106 (remote code) is CWE-829, LF008 (a vulnerable torch
		 * admitted) CWE-1395; every load is CWE-502 */
		const char *cwe_id = strcmp(want->code, "LF106") == 0   ? "829"
		                     : strcmp(want->code, "LF008") == 0 ? "1395"
		                                                        : "502";
		char *cwe_name = lf_xasprintf("CWE-%s", cwe_id);
		char *cwe_tag = lf_xasprintf("external/cwe/cwe-%s", cwe_id);
		char *cwe_uri = lf_xasprintf("https://cwe.mitre.org/data/definitions/%s.html", cwe_id);
		assert_non_null(strstr(string_at(help, "markdown"), cwe_name));
		assert_string_equal(string_at(r, "helpUri"), cwe_uri);
		assert_string_equal(string_at(json_object_get(r, "defaultConfiguration"), "level"), levels[i]);
		json_t *properties = json_object_get(r, "properties");
		assert_string_equal(string_at(properties, "security-severity"), severities[i]);
		json_t *tags = json_object_get(properties, "tags");
		bool cwe = false, external = false;
		for (size_t t = 0; t < json_array_size(tags); t++) {
			const char *tag = json_string_value(json_array_get(tags, t));
			cwe |= strcmp(tag, cwe_name) == 0;
			external |= strcmp(tag, cwe_tag) == 0;
		}
		assert_true(cwe && external);
		free(cwe_name);
		free(cwe_tag);
		free(cwe_uri);
		/* a PascalCase name: no dashes, starts upper-case */
		const char *name = string_at(r, "name");
		assert_null(strchr(name, '-'));
		assert_true(name[0] >= 'A' && name[0] <= 'Z');
	}
	assert_string_equal(string_at(json_array_get(rules, 0), "name"), "TorchLoadWithoutWeightsOnly");
	json_decref(doc);

	/* no results: an empty array */
	lf_buf_init(&out);
	lf_report_sarif_document(&out, "", 0, "py/");
	text = steal(&out);
	doc = parse_json(text);
	free(text);
	/* the category's trailing '/' is not doubled */
	assert_string_equal(
	        string_at(json_object_get(json_array_get(json_object_get(doc, "runs"), 0), "automationDetails"), "id"),
	        "py/");
	assert_int_equal(json_array_size(json_object_get(json_array_get(json_object_get(doc, "runs"), 0), "results")),
	                 0);
	json_decref(doc);
}

/* ---- GitHub --------------------------------------------------------------- */

static char *github(const char *path, const lf_source *src, const lf_diag *diag)
{
	lf_buf out;
	lf_buf_init(&out);
	lf_report_github(&out, path, src, NULL, diag);
	return steal(&out);
}

static void test_github_annotation(void **state)
{
	(void)state;
	const char *code = "import torch\nstate = torch.load(\"a.pt\")\nf = torch.load\n";
	lf_source src;
	source_from(&src, code);
	lf_diags diags;
	lf_diags_init(&diags);
	make_diag(&diags, "LF001", 21, 39, "`torch.load` without it", LF_FIX_SAFE, 38, 38, ", weights_only=True");
	uint32_t value_ref = offset_of(code, "torch.load\n");
	make_diag(&diags, "LF004", value_ref, value_ref + 10, "used as a value", LF_FIX_NONE, 0, 0, NULL);
	char *line = github("pkg/a.py", &src, &diags.items[0]);
	assert_string_equal(line, "::error file=pkg/a.py,line=2,col=9,endLine=2,endColumn=27,"
	                          "title=LF001 torch-load-without-weights-only::`torch.load` without it\n");
	free(line);
	line = github("pkg/a.py", &src, &diags.items[1]);
	assert_string_equal(line, "::warning file=pkg/a.py,line=3,col=5,endLine=3,endColumn=15,"
	                          "title=LF004 torch-load-as-value::used as a value\n");
	free(line);
	lf_diags_finish(&diags);
	lf_source_finish(&src);
}

static void test_github_escaping(void **state)
{
	(void)state;
	const char *code = "import torch\nx = torch.load(p)\n";
	lf_source src;
	source_from(&src, code);
	lf_diags diags;
	lf_diags_init(&diags);
	make_diag(&diags, "LF001", 17, 30, "100% sure: a, b\r\nnext\x1b[0m", LF_FIX_NONE, 0, 0, NULL);
	/* properties escape % : , and controls; data escapes % and controls
	 * only; the path is the display path first (\n -> \\n) */
	char *line = github("d:1,2%/a\nb.py", &src, &diags.items[0]);
	assert_string_equal(line, "::error file=d%3A1%2C2%25/a\\nb.py,line=2,col=5,endLine=2,endColumn=18,"
	                          "title=LF001 torch-load-without-weights-only::100%25 sure: a, b%0D%0Anext%1B[0m\n");
	/* one line, whatever the input */
	assert_ptr_equal(strchr(line, '\n'), line + strlen(line) - 1);
	assert_null(strchr(line, '\r'));
	free(line);
	lf_diags_finish(&diags);
	lf_source_finish(&src);
}

/* ---- SARIF fingerprints and colour (README, "GitHub code scanning") ------- */

static void fingerprint_of(char out[17], const char *code, uint32_t start, uint32_t end, uint32_t occurrence)
{
	lf_source src;
	source_from(&src, code);
	lf_diags diags;
	lf_diags_init(&diags);
	make_diag(&diags, "LF001", start, end, "m", LF_FIX_NONE, 0, 0, NULL);
	lf_report_fingerprint(out, "pkg/a.py", &src, &diags.items[0], occurrence);
	lf_diags_finish(&diags);
	lf_source_finish(&src);
}

static void test_fingerprint_ignores_lines_above_and_whitespace(void **state)
{
	(void)state;
	char plain[17], moved[17], wrapped[17], second[17];
	fingerprint_of(plain, "import torch\nx = torch.load(p)\n", 17, 30, 0);
	fingerprint_of(moved, "import torch\n\n\n# new\nx = torch.load(p)\n", 25, 38, 0);
	fingerprint_of(wrapped, "import torch\nx = torch.load(\n    p\n)\n", 17, 36, 0);
	fingerprint_of(second, "import torch\nx = torch.load(p)\n", 17, 30, 1);
	assert_int_equal(strlen(plain), 16);
	assert_string_equal(plain, moved);
	assert_string_equal(plain, wrapped);
	/* the second identical call of the file */
	assert_string_not_equal(plain, second);
}

static void test_text_line_in_colour(void **state)
{
	(void)state;
	lf_source src;
	source_from(&src, "import torch\nx = torch.load(p)\nf = torch.load\n");
	lf_diags diags;
	lf_diags_init(&diags);
	make_diag(&diags, "LF001", 17, 30, "msg", LF_FIX_SAFE, 29, 29, ", weights_only=True");
	make_diag(&diags, "LF004", 35, 45, "ref", LF_FIX_NONE, 0, 0, NULL);
	lf_buf out;
	lf_buf_init(&out);
	lf_report_text(&out, "a.py", &src, NULL, &diags.items[0], true, true);
	lf_report_text(&out, "a.py", &src, NULL, &diags.items[1], false, true);
	char *text = steal(&out);
	assert_string_equal(text, "\033[1ma.py\033[0m\033[36m:\033[0m2\033[36m:\033[0m5\033[36m:\033[0m "
	                          "\033[1;31mLF001\033[0m \033[36m[*]\033[0m msg\n"
	                          "\033[1ma.py\033[0m\033[36m:\033[0m3\033[36m:\033[0m5\033[36m:\033[0m "
	                          "\033[1;33mLF004\033[0m ref\n");
	free(text);
	lf_diags_finish(&diags);
	lf_source_finish(&src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_display_path_plain),
	        cmocka_unit_test(test_display_path_controls),
	        cmocka_unit_test(test_display_path_invalid_utf8),
	        cmocka_unit_test(test_text_line),
	        cmocka_unit_test(test_text_columns_in_characters),
	        cmocka_unit_test(test_json_object),
	        cmocka_unit_test(test_json_fix_null_and_unsafe),
	        cmocka_unit_test(test_json_invalid_utf8_replaced),
	        cmocka_unit_test(test_path_to_uri),
	        cmocka_unit_test(test_sarif_result),
	        cmocka_unit_test(test_sarif_result_levels_and_absolute_path),
	        cmocka_unit_test(test_sarif_document),
	        cmocka_unit_test(test_github_annotation),
	        cmocka_unit_test(test_github_escaping),
	        cmocka_unit_test(test_fingerprint_ignores_lines_above_and_whitespace),
	        cmocka_unit_test(test_text_line_in_colour),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
