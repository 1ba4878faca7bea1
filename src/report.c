#include "loadfix/report.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "loadfix/color.h"
#include "loadfix/explain.h"
#include "loadfix/fixer.h"
#include <stdlib.h>
#include <string.h>

char *lf_display_path(const char *path)
{
	lf_buf out;
	lf_buf_init(&out);
	const unsigned char *p = (const unsigned char *)path;
	size_t len = strlen(path);
	for (size_t i = 0; i < len;) {
		unsigned char c = p[i];
		size_t n = lf_utf8_valid_length(p + i, len - i);
		if (c == '\n')
			lf_buf_puts(&out, "\\n");
		else if (c == '\t')
			lf_buf_puts(&out, "\\t");
		else if (c == '\\')
			lf_buf_puts(&out, "\\\\");
		else if (n == 0 || c < 0x20 || c == 0x7f)
			lf_buf_printf(&out, "\\x%02X", c);
		else if (n == 2 && c == 0xC2 && p[i + 1] < 0xA0)
			lf_buf_printf(&out, "\\u%04X", p[i + 1]); /* C1 controls */
		else
			lf_buf_append(&out, p + i, n);
		i += n ? n : 1;
	}
	return lf_buf_steal(&out, NULL);
}

/* Where `offset` of the checked source is shown: through the map when
 * there is one, else the source's own line and column. */
static void position(const lf_source *src, const lf_report_map *map, uint32_t offset, lf_report_position *pos)
{
	if (map && map->locate(map->context, offset, pos))
		return;
	uint32_t line = lf_source_line_of(src, offset) + 1, column = lf_source_column_of(src, offset);
	*pos = (lf_report_position){
	        .line = line, .column = column, .file_offset = offset, .file_line = line, .file_column = column};
}

void lf_report_text(lf_buf *out, const char *display_path, const lf_source *src, const lf_report_map *map,
                    const lf_diag *diag, bool fixable, bool color)
{
	lf_report_position pos;
	position(src, map, diag->start, &pos);
	/* Each style is reset at once, so a line never leaks colour into the
	 * next one or into the shell. */
	const char *bold = color ? LF_SGR_BOLD : "", *cyan = color ? LF_SGR_CYAN : "",
	           *reset = color ? LF_SGR_RESET : "";
	const char *code_style = !color                                  ? ""
	                         : diag->rule->level == LF_LEVEL_WARNING ? LF_SGR_BOLD_YELLOW
	                                                                 : LF_SGR_BOLD_RED;
	lf_buf_printf(out, "%s%s%s%s:%s", bold, display_path, reset, cyan, reset);
	if (pos.cell)
		lf_buf_printf(out, "cell %u%s:%s", pos.cell, cyan, reset);
	lf_buf_printf(out, "%u%s:%s%u%s:%s %s%s%s ", pos.line, cyan, reset, pos.column, cyan, reset, code_style,
	              diag->rule->code, reset);
	if (fixable)
		lf_buf_printf(out, "%s[*]%s ", cyan, reset);
	lf_buf_printf(out, "%s\n", diag->message);
}

/* A JSON string from bytes that may not be UTF-8. */
static json_t *lossy_string(const char *bytes, size_t len)
{
	lf_buf text;
	lf_buf_init(&text);
	const unsigned char *p = (const unsigned char *)bytes;
	for (size_t i = 0; i < len;) {
		size_t n = lf_utf8_valid_length(p + i, len - i);
		if (n)
			lf_buf_append(&text, p + i, n);
		else
			lf_buf_puts(&text, "\xEF\xBF\xBD");
		i += n ? n : 1;
	}
	json_t *string = json_stringn(text.data ? text.data : "", text.len);
	lf_buf_finish(&text);
	return string;
}

static json_t *location(const lf_source *src, const lf_report_map *map, uint32_t offset)
{
	lf_report_position pos;
	position(src, map, offset, &pos);
	return json_pack("{s:i, s:i, s:i}", "line", (json_int_t)pos.line, "column", (json_int_t)pos.column, "offset",
	                 (json_int_t)pos.file_offset);
}

void lf_report_json(lf_buf *out, const char *path, const lf_source *src, const lf_report_map *map, const lf_diag *diag,
                    const lf_check_options *options)
{
	json_t *fix = json_null();
	if (diag->fix.count) {
		json_t *edits = json_array();
		for (uint32_t i = 0; i < diag->fix.count; i++) {
			const lf_edit *edit = &diag->fix.edits[i];
			json_array_append_new(edits, json_pack("{s:o, s:o, s:o}", "content",
			                                       lossy_string(edit->text, strlen(edit->text)), "start",
			                                       location(src, map, edit->start), "end",
			                                       location(src, map, edit->end)));
		}
		fix = json_pack("{s:s, s:b, s:o}", "applicability",
		                diag->fix.applicability == LF_FIX_SAFE ? "safe" : "unsafe", "applied_with_options",
		                lf_check_fix_applies(options, diag), "edits", edits);
	}
	json_t *object = json_pack("{s:o, s:s, s:s, s:o, s:o, s:o, s:o}", "path", lossy_string(path, strlen(path)),
	                           "code", diag->rule->code, "name", diag->rule->name, "message",
	                           lossy_string(diag->message, strlen(diag->message)), "start",
	                           location(src, map, diag->start), "end", location(src, map, diag->end), "fix", fix);
	lf_report_position pos;
	position(src, map, diag->start, &pos);
	if (pos.cell) {
		/* After "path": rebuild the object in that order. */
		json_t *ordered = json_object();
		json_object_set(ordered, "path", json_object_get(object, "path"));
		json_object_set_new(ordered, "cell", json_integer(pos.cell));
		json_object_update(ordered, object);
		json_decref(object);
		object = ordered;
	}
	char *text = json_dumps(object, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	lf_buf_puts(out, text);
	free(text);
	json_decref(object);
}

/* ---- SARIF ---------------------------------------------------------------- */

char *lf_path_to_uri(const char *path)
{
	lf_buf out;
	lf_buf_init(&out);
	lf_buf_reserve(&out, 0);
	const unsigned char *p = (const unsigned char *)path;
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	for (; *p; p++) {
		unsigned char c = *p;
		bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		                  c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
		if (unreserved)
			lf_buf_putc(&out, (char)c);
		else
			lf_buf_printf(&out, "%%%02X", c);
	}
	return lf_buf_steal(&out, NULL);
}

static json_t *sarif_region(const lf_source *src, uint32_t start, uint32_t end)
{
	return json_pack("{s:i, s:i, s:i, s:i, s:i, s:i}", "startLine", (json_int_t)lf_source_line_of(src, start) + 1,
	                 "startColumn", (json_int_t)lf_source_column_of(src, start), "endLine",
	                 (json_int_t)lf_source_line_of(src, end) + 1, "endColumn",
	                 (json_int_t)lf_source_column_of(src, end), "byteOffset", (json_int_t)start, "byteLength",
	                 (json_int_t)(end - start));
}

static json_t *artifact_location(const char *path)
{
	char *uri = lf_path_to_uri(path);
	json_t *location = path[0] == '/' ? json_pack("{s:s}", "uri", "")
	                                  : json_pack("{s:s, s:s}", "uri", uri, "uriBaseId", "%SRCROOT%");
	if (path[0] == '/') {
		/* An absolute path: a file:// URI of its own. */
		char *absolute = lf_xasprintf("file://%s", uri);
		json_object_set_new(location, "uri", json_string(absolute));
		free(absolute);
	}
	free(uri);
	return location;
}

/* The whole lines [first line of start, end of the line of end), or NULL
 * when they are longer than a snippet may be. */
static json_t *sarif_context_region(const lf_source *src, uint32_t start, uint32_t end)
{
	uint32_t first = lf_source_line_start(src, start);
	uint32_t last_line = lf_source_line_of(src, end > start ? end - 1 : end);
	uint32_t stop = last_line + 1 < src->line_count ? src->line_starts[last_line + 1] : src->len;
	if (stop - first > LF_SARIF_MAX_SNIPPET)
		return NULL;
	json_t *region = json_pack("{s:i, s:i}", "startLine", (json_int_t)lf_source_line_of(src, first) + 1, "endLine",
	                           (json_int_t)last_line + 1);
	json_object_set_new(region, "snippet",
	                    json_pack("{s:o}", "text", lossy_string((const char *)src->bytes + first, stop - first)));
	return region;
}

static const char *level_name(const lf_rule *rule)
{
	return rule->level == LF_LEVEL_WARNING ? "warning" : "error";
}

/* FNV-1a, 64 bits: small, fixed and easy to re-implement from the README
 * (a fingerprint needs stability, not secrecy). */
#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

static uint64_t fnv1a(uint64_t hash, const void *bytes, size_t len)
{
	const unsigned char *p = bytes;
	for (size_t i = 0; i < len; i++)
		hash = (hash ^ p[i]) * FNV_PRIME;
	return hash;
}

static bool is_python_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* The finding's text with every whitespace byte dropped: re-indenting or
 * re-wrapping a call does not move its alert. */
static uint64_t normalised_text_hash(uint64_t hash, const lf_source *src, const lf_diag *diag)
{
	for (uint32_t i = diag->start; i < diag->end && i < src->len; i++)
		if (!is_python_space(src->bytes[i]))
			hash = fnv1a(hash, &src->bytes[i], 1);
	return hash;
}

uint64_t lf_report_text_hash(const lf_source *src, const lf_diag *diag)
{
	return normalised_text_hash(FNV_OFFSET, src, diag);
}

void lf_report_fingerprint(char out[17], const char *path, const lf_source *src, const lf_diag *diag,
                           uint32_t occurrence)
{
	char *uri = lf_path_to_uri(path);
	char index[16];
	snprintf(index, sizeof index, "%u", occurrence);
	uint64_t hash = fnv1a(FNV_OFFSET, diag->rule->code, strlen(diag->rule->code) + 1);
	hash = fnv1a(hash, uri, strlen(uri) + 1);
	hash = normalised_text_hash(hash, src, diag);
	hash = fnv1a(hash, "", 1);
	hash = fnv1a(hash, index, strlen(index));
	snprintf(out, 17, "%016llx", (unsigned long long)hash);
	free(uri);
}

void lf_report_sarif_result(lf_buf *out, const char *path, const lf_source *src, const lf_report_map *map,
                            const lf_diag *diag, size_t rule_index, uint32_t occurrence)
{
	/* From the checked source, before any map: a notebook's fingerprint
	 * does not change when a cell's JSON is re-indented. */
	char fingerprint[17];
	lf_report_fingerprint(fingerprint, path, src, diag, occurrence);
	/* Through a map, the region is the file's own: the finding's offsets
	 * become the file's, and snippets come from the file's text. */
	lf_diag mapped;
	uint32_t cell = 0;
	if (map && map->file) {
		lf_report_position start, end;
		position(src, map, diag->start, &start);
		position(src, map, diag->end, &end);
		mapped = *diag;
		mapped.start = start.file_offset;
		mapped.end = end.file_offset > start.file_offset ? end.file_offset : start.file_offset;
		mapped.fix.count = 0;
		diag = &mapped;
		src = map->file;
		cell = start.cell;
	}
	json_t *region = sarif_region(src, diag->start, diag->end);
	/* Snippets are optional: past LF_SARIF_MAX_SNIPPET they are left out,
	 * or a minified one-line file would repeat its whole line in every
	 * result (and blow GitHub's 10 MB limit and our memory). */
	if (diag->end - diag->start <= LF_SARIF_MAX_SNIPPET)
		json_object_set_new(
		        region, "snippet",
		        json_pack("{s:o}", "text",
		                  lossy_string((const char *)src->bytes + diag->start, diag->end - diag->start)));
	json_t *result = json_pack("{s:s, s:i, s:s, s:{s:o}, s:[{s:{s:o, s:o}}]}", "ruleId", diag->rule->code,
	                           "ruleIndex", (json_int_t)rule_index, "level", level_name(diag->rule), "message",
	                           "text", lossy_string(diag->message, strlen(diag->message)), "locations",
	                           "physicalLocation", "artifactLocation", artifact_location(path), "region", region);
	json_t *context = sarif_context_region(src, diag->start, diag->end);
	if (context)
		json_object_set_new(
		        json_object_get(json_array_get(json_object_get(result, "locations"), 0), "physicalLocation"),
		        "contextRegion", context);
	json_object_set_new(result, "partialFingerprints", json_pack("{s:s}", LF_SARIF_FINGERPRINT_KEY, fingerprint));
	if (cell)
		json_object_set_new(result, "properties", json_pack("{s:i}", "cell", (json_int_t)cell));
	if (diag->fix.count) {
		json_t *replacements = json_array();
		for (uint32_t i = 0; i < diag->fix.count; i++) {
			const lf_edit *edit = &diag->fix.edits[i];
			json_array_append_new(replacements,
			                      json_pack("{s:o, s:{s:o}}", "deletedRegion",
			                                sarif_region(src, edit->start, edit->end), "insertedContent",
			                                "text", lossy_string(edit->text, strlen(edit->text))));
		}
		char *description = lf_xasprintf("%s (%s fix)", diag->rule->fix_title ? diag->rule->fix_title : "Fix",
		                                 diag->fix.applicability == LF_FIX_SAFE ? "safe" : "unsafe");
		json_object_set_new(result, "fixes",
		                    json_pack("[{s:{s:s}, s:[{s:o, s:o}]}]", "description", "text", description,
		                              "artifactChanges", "artifactLocation", artifact_location(path),
		                              "replacements", replacements));
		free(description);
	}
	char *text = json_dumps(result, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	lf_buf_puts(out, text);
	free(text);
	json_decref(result);
}

void lf_report_sarif_document(lf_buf *out, const char *results, size_t results_len, const char *category)
{
	json_t *rules = json_array();
	for (size_t i = 0; i < lf_rule_count; i++) {
		const lf_rule *rule = &lf_rules[i];
		/* GitHub maps security-severity to critical/high/medium/low (the
		 * scores are in the rule table, src/rules.c). */
		const char *severity = rule->security_severity;
		/* "CWE-502" -> the MITRE page and GitHub's tag "external/cwe/cwe-502" */
		const char *cwe_number = rule->cwe + 4;
		char *cwe_uri = lf_rule_help_uri(rule);
		char *cwe_tag = lf_xasprintf("external/cwe/cwe-%s", cwe_number);
		lf_buf markdown_buf;
		lf_buf_init(&markdown_buf);
		lf_explain_markdown(&markdown_buf, rule, cwe_uri);
		char *markdown = lf_buf_steal(&markdown_buf, NULL);
		/* SARIF viewers expect a PascalCase friendly name. */
		lf_buf pascal;
		lf_buf_init(&pascal);
		for (const char *c = rule->name; *c; c++) {
			if (*c == '-')
				continue;
			bool word_start = c == rule->name || c[-1] == '-';
			lf_buf_putc(&pascal, word_start && *c >= 'a' && *c <= 'z' ? (char)(*c - 'a' + 'A') : *c);
		}
		json_array_append_new(
		        rules,
		        json_pack("{s:s, s:s, s:{s:s}, s:{s:s}, s:{s:s, s:s}, s:s, s:{s:s}, s:{s:[s, s, s], s:s, s:s}}",
		                  "id", rule->code, "name", pascal.data, "shortDescription", "text", rule->summary,
		                  "fullDescription", "text", rule->help, "help", "text", rule->help, "markdown",
		                  markdown, "helpUri", cwe_uri, "defaultConfiguration", "level", level_name(rule),
		                  "properties", "tags", "security", rule->cwe, cwe_tag, "precision", "high",
		                  "security-severity", severity));
		free(markdown);
		free(cwe_uri);
		free(cwe_tag);
		lf_buf_finish(&pascal);
	}
	char *cwd = getcwd(NULL, 0);
	char *cwd_uri = cwd ? lf_path_to_uri(cwd) : lf_xstrdup("");
	char *root = lf_xasprintf("file://%s/", strcmp(cwd_uri, "/") == 0 ? "" : cwd_uri);
	json_t *document = json_pack(
	        "{s:s, s:s, s:[{s:{s:{s:s, s:s, s:s, s:s, s:o}}, s:{s:{s:s}}, s:s, s:[]}]}", "$schema",
	        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json", "version",
	        "2.1.0", "runs", "tool", "driver", "name", "loadfix", "version", LOADFIX_VERSION, "semanticVersion",
	        LOADFIX_VERSION, "informationUri", "https://cwe.mitre.org/data/definitions/502.html", "rules", rules,
	        "originalUriBaseIds", "%SRCROOT%", "uri", root, "columnKind", "unicodeCodePoints", "results");
	/* One run, in one category (GitHub rejects two runs of one tool and
	 * category in an upload).  The id ends in "/": it names the category
	 * only, the run id is GitHub's to give.  upload-sarif keeps an id the
	 * report has, so the category is ours to set (--sarif-category). */
	size_t category_len = strlen(category);
	char *automation_id =
	        lf_xasprintf("%s%s", category, category_len && category[category_len - 1] == '/' ? "" : "/");
	json_object_set_new(json_array_get(json_object_get(document, "runs"), 0), "automationDetails",
	                    json_pack("{s:s}", "id", automation_id));
	free(automation_id);
	free(root);
	free(cwd_uri);
	free(cwd);
	/* The results were serialised per file by the workers; splice them in
	 * rather than re-parse them. */
	char *text = json_dumps(document, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(document);
	char *slot = strstr(text, "\"results\": []");
	if (!slot) {
		lf_buf_puts(out, text);
	} else {
		size_t head = (size_t)(slot - text) + strlen("\"results\": [");
		lf_buf_append(out, text, head);
		if (results_len) {
			lf_buf_puts(out, "\n");
			lf_buf_append(out, results, results_len);
			lf_buf_puts(out, "\n      ");
		}
		lf_buf_puts(out, slot + strlen("\"results\": ["));
	}
	lf_buf_putc(out, '\n');
	free(text);
}

/* ---- GitHub Actions --------------------------------------------------------- */

/* Workflow-command escaping: data escapes %, CR, LF; property values also
 * ':' and ','.  Control characters are escaped too so nothing raw reaches
 * the log. */
static void github_escape(lf_buf *out, const char *text, bool property)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p == '%' || *p < 0x20 || *p == 0x7f || (property && (*p == ':' || *p == ',')))
			lf_buf_printf(out, "%%%02X", *p);
		else
			lf_buf_putc(out, (char)*p);
	}
}

void lf_report_github(lf_buf *out, const char *path, const lf_source *src, const lf_report_map *map,
                      const lf_diag *diag)
{
	lf_report_position start, end;
	position(src, map, diag->start, &start);
	position(src, map, diag->end, &end);
	/* GitHub matches annotations to repository-relative paths: `./a.py`
	 * would match nothing, so name it `a.py`, as ruff does. */
	while (path[0] == '.' && path[1] == '/')
		for (path += 2; *path == '/';)
			path++;
	char *display = lf_display_path(path);
	lf_buf_puts(out, diag->rule->level == LF_LEVEL_WARNING ? "::warning file=" : "::error file=");
	github_escape(out, display, true);
	lf_buf_printf(out, ",line=%u,col=%u,endLine=%u,endColumn=%u,title=", start.file_line, start.file_column,
	              end.file_line, end.file_column);
	char *title = lf_xasprintf("%s %s", diag->rule->code, diag->rule->name);
	github_escape(out, title, true);
	lf_buf_puts(out, "::");
	github_escape(out, diag->message, false);
	lf_buf_putc(out, '\n');
	free(title);
	free(display);
}
