#include "loadfix/lsp/server.h"

#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loadfix/buf.h"
#include "loadfix/check.h"
#include "loadfix/cli.h"
#include "loadfix/config.h"
#include "loadfix/lsp/documents.h"
#include "loadfix/lsp/notebooks.h"
#include "loadfix/lsp/position.h"
#include "loadfix/lsp/transport.h"
#include "loadfix/notebook_check.h"
#include "loadfix/project_rules.h"
#include "loadfix/rules.h"

#define FIX_ALL_KIND "source.fixAll.loadfix"

/* JSON-RPC and LSP error codes. */
enum {
	PARSE_ERROR = -32700,
	INVALID_REQUEST = -32600,
	METHOD_NOT_FOUND = -32601,
	INVALID_PARAMS = -32602,
	SERVER_NOT_INITIALIZED = -32002,
};

/* window/logMessage types. */
enum { LOG_ERROR = 1, LOG_WARNING = 2, LOG_INFO = 3 };

typedef struct server {
	int out;
	bool initialized, shut_down, exit_requested, output_failed;
	lf_lsp_encoding encoding;
	char *root; /* owned: the workspace's directory, or NULL */
	lf_settings settings;
	bool have_settings;
	lf_worker *worker;
	lf_lsp_documents documents;
	lf_lsp_notebooks notebooks;
} server;

/* ---- sending ------------------------------------------------------------- */

static void send_message(server *s, json_t *message)
{
	json_object_set_new(message, "jsonrpc", json_string("2.0"));
	if (!s->output_failed && !lf_lsp_write(s->out, message))
		s->output_failed = true; /* the client is gone: the loop ends */
	json_decref(message);
}

static void send_result(server *s, json_t *id, json_t *result)
{
	send_message(s, json_pack("{s:O, s:o}", "id", id, "result", result ? result : json_null()));
}

static void send_error(server *s, json_t *id, int code, const char *text)
{
	send_message(s, json_pack("{s:O, s:{s:i, s:s}}", "id", id ? id : json_null(), "error", "code", code, "message",
	                          text));
}

static void send_notification(server *s, const char *method, json_t *params)
{
	send_message(s, json_pack("{s:s, s:o}", "method", method, "params", params));
}

__attribute__((format(printf, 3, 4))) static void log_message(server *s, int type, const char *fmt, ...)
{
	va_list args;
	va_start(args, fmt);
	char *text = lf_xvasprintf(fmt, args);
	va_end(args);
	send_notification(s, "window/logMessage", json_pack("{s:i, s:s+}", "type", type, "message", "loadfix: ", text));
	free(text);
}

/* ---- settings ------------------------------------------------------------ */

/* Whether a selector from the configuration names some rule (lf_cli_parse
 * exits on one that does not; a server must log it and go on). */
static bool selector_known(const char *selector)
{
	if (!selector[0])
		return false;
	if (strcmp(selector, "ALL") == 0)
		return true;
	for (size_t i = 0; i < lf_rule_count; i++)
		if (strncmp(lf_rules[i].code, selector, strlen(selector)) == 0)
			return true;
	return false;
}

static const char *unknown_selector(const lf_config *config)
{
	const lf_string_list *lists[] = {&config->select, &config->ignore};
	for (size_t l = 0; l < 2; l++)
		for (size_t i = 0; i < lists[l]->count; i++)
			if (!selector_known(lists[l]->items[i]))
				return lists[l]->items[i];
	for (size_t i = 0; i < config->per_file_ignore_count; i++)
		for (size_t k = 0; k < config->per_file_ignores[i].codes.count; k++)
			if (!selector_known(config->per_file_ignores[i].codes.items[k]))
				return config->per_file_ignores[i].codes.items[k];
	return NULL;
}

/*
 * The settings for the workspace: the [tool.loadfix] table of the nearest
 * pyproject.toml at or above the root, through the command line's own
 * merge (lf_cli_parse with --config), so that the editor and `loadfix`
 * agree.  A configuration that the command line would refuse is logged and
 * replaced by the defaults (--isolated): the editor keeps working.
 */
static void load_settings(server *s)
{
	if (s->have_settings)
		lf_settings_finish(&s->settings);
	char *path = s->root ? lf_config_find(s->root) : NULL;
	if (path) {
		lf_config probe;
		lf_config_init(&probe);
		char *error = NULL;
		const char *bad = NULL;
		if (!lf_config_load(path, &probe, &error)) {
			log_message(s, LOG_ERROR, "%s: %s; using the default settings", path, error);
			free(error);
			free(path);
			path = NULL;
		} else if ((bad = unknown_selector(&probe))) {
			log_message(s, LOG_ERROR, "%s: unknown rule selector '%s'; using the default settings", path,
			            bad);
			free(path);
			path = NULL;
		}
		lf_config_finish(&probe);
	}
	char *argv[] = {"loadfix", path ? "--config" : "--isolated", path, NULL};
	optind = 0; /* getopt_long starts over (glibc) */
	lf_cli_parse(path ? 3 : 2, argv, &s->settings);
	s->have_settings = true;
	/* The project's torch versions decide LF001's fix safety, as on the
	 * command line. */
	lf_project_rules project;
	lf_project_rules_init(&project, &s->settings, s->root);
	s->settings.check.torch = project.versions;
	lf_project_rules_finish(&project);
	if (path)
		log_message(s, LOG_INFO, "settings from %s", path);
	free(path);
}

/* ---- checking and diagnostics -------------------------------------------- */

/* The options for a document named `name` (its path, else its URI). */
static lf_check_options options_for(const server *s, const char *name, bool fix, bool unsafe)
{
	lf_check_options options;
	lf_settings_for_file(&s->settings, name, &options);
	options.fix = fix;
	options.unsafe_fixes = unsafe;
	options.project = NULL;
	options.path = name;
	options.previous_tree = NULL;
	options.keep_tree = false;
	return options;
}

/* The name settings are matched with: the file's path, else its URI. */
static const char *document_name(const lf_lsp_document *doc)
{
	return doc->path ? doc->path : doc->uri;
}

/* Runs the pipeline on a copy of `text` into *out. */
static void run_check(server *s, const lf_source *text, const lf_check_options *options, lf_doc *out)
{
	uint8_t *copy = lf_xmalloc((size_t)text->len + 1);
	memcpy(copy, text->bytes, text->len);
	lf_check(s->worker, options, copy, text->len, out);
}

static json_t *position_json(const lf_source *text, uint32_t offset, lf_lsp_encoding encoding)
{
	lf_lsp_position p = lf_lsp_position_of(text, offset, encoding);
	return json_pack("{s:I, s:I}", "line", (json_int_t)p.line, "character", (json_int_t)p.character);
}

static json_t *range_json(const lf_source *text, uint32_t start, uint32_t end, lf_lsp_encoding encoding)
{
	return json_pack("{s:o, s:o}", "start", position_json(text, start, encoding), "end",
	                 position_json(text, end, encoding));
}

/* A finding as an LSP Diagnostic, its range [start, end) in `text`. */
static json_t *diagnostic_json(const server *s, const lf_source *text, uint32_t start, uint32_t end,
                               const lf_diag *diag)
{
	const lf_rule *rule = diag->rule;
	/* LSP severities: 1 error, 2 warning. */
	int severity = rule->level == LF_LEVEL_ERROR ? 1 : 2;
	char *href = lf_rule_help_uri(rule);
	json_t *diagnostic =
	        json_pack("{s:o, s:i, s:s, s:{s:s}, s:s, s:s}", "range", range_json(text, start, end, s->encoding),
	                  "severity", severity, "code", rule->code, "codeDescription", "href", href, "source",
	                  "loadfix", "message", diag->message);
	free(href);
	return diagnostic;
}

static void publish(server *s, const lf_lsp_document *doc)
{
	json_t *diagnostics = json_array();
	for (uint32_t i = 0; i < doc->findings.diags.count; i++)
		json_array_append_new(diagnostics,
		                      diagnostic_json(s, &doc->text, doc->findings.diags.items[i].start,
		                                      doc->findings.diags.items[i].end, &doc->findings.diags.items[i]));
	json_t *params = json_pack("{s:s, s:o}", "uri", doc->uri, "diagnostics", diagnostics);
	json_object_set_new(params, "version", json_integer(doc->version));
	send_notification(s, "textDocument/publishDiagnostics", params);
}

static void check_and_publish(server *s, lf_lsp_document *doc)
{
	/* The last parse, already told about the changes since. */
	TSTree *previous = doc->findings.tree;
	doc->findings.tree = NULL;
	lf_doc_finish(&doc->findings);
	if (doc->python) {
		lf_check_options options = options_for(s, document_name(doc), false, false);
		options.previous_tree = previous;
		options.keep_tree = true;
		run_check(s, &doc->text, &options, &doc->findings);
		if (doc->findings.error)
			log_message(s, LOG_WARNING, "%s: %s", doc->uri, doc->findings.error);
	}
	if (previous)
		ts_tree_delete(previous);
	publish(s, doc);
}

/* ---- code actions ---------------------------------------------------------- */

static json_t *text_edit_json(const server *s, const lf_source *doc, uint32_t start, uint32_t end, const char *text)
{
	return json_pack("{s:o, s:s}", "range", range_json(doc, start, end, s->encoding), "newText", text);
}

static json_t *workspace_edit(const char *uri, json_t *edits)
{
	return json_pack("{s:{s:o}}", "changes", uri, edits);
}

static json_t *action_json(const char *title, const char *kind, json_t *diagnostic, bool preferred, json_t *edit)
{
	json_t *action =
	        json_pack("{s:s, s:s, s:b, s:o}", "title", title, "kind", kind, "isPreferred", preferred, "edit", edit);
	if (diagnostic)
		json_object_set_new(action, "diagnostics", json_pack("[o]", diagnostic));
	return action;
}

static uint32_t count_rule(const lf_doc *result, const lf_rule *rule)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < result->diags.count; i++)
		n += result->diags.items[i].rule == rule;
	return n;
}

/*
 * Where `# noqa: CODE` goes for a finding: appended to the last line of
 * its span, else the first (the two lines suppression reads), or added to
 * a `# noqa:` list already there.  The candidate is proved by re-checking
 * the edited text: a line that ends inside a string or after a backslash
 * would not take a comment, and then the other line is tried; when
 * neither works no action is offered.
 */
static bool noqa_edit(server *s, const char *name, const lf_source *text, const lf_doc *findings, const lf_diag *diag,
                      uint32_t *at, char **insert)
{
	uint32_t last =
	        lf_source_line_of(text, diag->span_end > diag->span_start ? diag->span_end - 1 : diag->span_end);
	uint32_t first = lf_source_line_of(text, diag->span_start);
	uint32_t lines[2] = {last, first};
	for (int i = 0; i < (first == last ? 1 : 2); i++) {
		uint32_t start = text->line_starts[lines[i]];
		lf_lsp_position end_pos = {lines[i], UINT32_MAX};
		uint32_t end = lf_lsp_offset_of(text, end_pos, LF_LSP_UTF8);
		const char *line = (const char *)text->bytes + start;
		const char *existing = memmem(line, end - start, "# noqa:", 7);
		char *candidate;
		uint32_t where;
		if (existing) {
			/* after the list's last code */
			const char *p = existing + 7, *last_code = NULL;
			while (p < line + (end - start) && strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789, \t", *p)) {
				if (*p != ' ' && *p != '\t' && *p != ',')
					last_code = p;
				p++;
			}
			where = last_code ? (uint32_t)(last_code + 1 - (const char *)text->bytes)
			                  : (uint32_t)(existing + 7 - (const char *)text->bytes);
			candidate = lf_xasprintf("%s%s", last_code ? ", " : " ", diag->rule->code);
		} else {
			where = end;
			candidate = lf_xasprintf("  # noqa: %s", diag->rule->code);
		}
		/* prove it */
		size_t clen = strlen(candidate);
		uint8_t *bytes = lf_xmalloc((size_t)text->len + clen + 1);
		memcpy(bytes, text->bytes, where);
		memcpy(bytes + where, candidate, clen);
		memcpy(bytes + where + clen, text->bytes + where, text->len - where);
		lf_check_options options = options_for(s, name, false, false);
		lf_doc after;
		lf_check(s->worker, &options, bytes, (uint32_t)(text->len + clen), &after);
		bool works = count_rule(&after, diag->rule) < count_rule(findings, diag->rule);
		lf_doc_finish(&after);
		if (works) {
			*at = where;
			*insert = candidate;
			return true;
		}
		free(candidate);
	}
	return false;
}

/* Whether the client asked for this kind of action (`only` lists kinds or
 * their prefixes: "source" covers "source.fixAll.loadfix"). */
static bool kind_wanted(const json_t *only, const char *kind)
{
	if (!json_is_array(only))
		return true;
	size_t i;
	json_t *item;
	json_array_foreach(only, i, item)
	{
		const char *want = json_string_value(item);
		size_t n = want ? strlen(want) : 0;
		if (want && strncmp(kind, want, n) == 0 && (kind[n] == '\0' || kind[n] == '.'))
			return true;
	}
	return false;
}

/* The safe fixes of the whole document as text edits: the first round's
 * edits when one round did it (minimal edits), else one edit covering what
 * changed between the text and the fixed text. */
/* One text edit turning `a` into `b` (b_len bytes): what lies between
 * their common prefix and suffix. */
static json_t *replacement_edit(const server *s, const lf_source *a, const uint8_t *b, uint32_t b_len)
{
	uint32_t prefix = 0;
	while (prefix < a->len && prefix < b_len && a->bytes[prefix] == b[prefix])
		prefix++;
	uint32_t suffix = 0;
	while (suffix < a->len - prefix && suffix < b_len - prefix &&
	       a->bytes[a->len - 1 - suffix] == b[b_len - 1 - suffix])
		suffix++;
	/* Do not split a UTF-8 sequence: back up to a character start. */
	while (prefix > 0 && (a->bytes[prefix] & 0xC0) == 0x80)
		prefix--;
	while (suffix > 0 && (a->bytes[a->len - suffix] & 0xC0) == 0x80)
		suffix--;
	char *middle = lf_xstrndup((const char *)b + prefix, b_len - prefix - suffix);
	json_t *edit = text_edit_json(s, a, prefix, a->len - suffix, middle);
	free(middle);
	return edit;
}

static json_t *fix_all_edits(server *s, const lf_lsp_document *doc)
{
	lf_check_options options = options_for(s, document_name(doc), true, false);
	lf_doc fixed;
	run_check(s, &doc->text, &options, &fixed);
	json_t *edits = NULL;
	if (fixed.changed && fixed.round_count == 1) {
		edits = json_array();
		const lf_fix *round = &fixed.rounds[0];
		for (uint32_t i = 0; i < round->count; i++)
			json_array_append_new(edits, text_edit_json(s, &doc->text, round->edits[i].start,
			                                            round->edits[i].end, round->edits[i].text));
	} else if (fixed.changed) {
		edits = json_pack("[o]", replacement_edit(s, &doc->text, fixed.fixed.bytes, fixed.fixed.len));
	}
	lf_doc_finish(&fixed);
	return edits;
}

static bool read_range(const lf_source *text, const json_t *range, lf_lsp_encoding encoding, uint32_t *start,
                       uint32_t *end)
{
	json_t *from = json_object_get(range, "start"), *to = json_object_get(range, "end");
	json_t *values[4] = {json_object_get(from, "line"), json_object_get(from, "character"),
	                     json_object_get(to, "line"), json_object_get(to, "character")};
	for (int i = 0; i < 4; i++)
		if (!json_is_integer(values[i]) || json_integer_value(values[i]) < 0 ||
		    json_integer_value(values[i]) > UINT32_MAX)
			return false;
	lf_lsp_position a = {(uint32_t)json_integer_value(values[0]), (uint32_t)json_integer_value(values[1])};
	lf_lsp_position b = {(uint32_t)json_integer_value(values[2]), (uint32_t)json_integer_value(values[3])};
	*start = lf_lsp_offset_of(text, a, encoding);
	*end = lf_lsp_offset_of(text, b, encoding);
	return *start <= *end;
}

static json_t *code_actions(server *s, lf_lsp_document *doc, uint32_t start, uint32_t end, const json_t *only)
{
	json_t *actions = json_array();
	bool quickfix = kind_wanted(only, "quickfix");
	for (uint32_t i = 0; quickfix && i < doc->findings.diags.count; i++) {
		const lf_diag *diag = &doc->findings.diags.items[i];
		/* a finding touching the range (an empty range at its end too) */
		if (diag->start > end || diag->end < start)
			continue;
		const char *code = diag->rule->code;
		if (diag->fix.count > 0 && diag->fix.applicability != LF_FIX_NONE) {
			bool safe = diag->fix.applicability == LF_FIX_SAFE;
			json_t *edits = json_array();
			for (uint32_t k = 0; k < diag->fix.count; k++)
				json_array_append_new(edits,
				                      text_edit_json(s, &doc->text, diag->fix.edits[k].start,
				                                     diag->fix.edits[k].end, diag->fix.edits[k].text));
			char *title =
			        lf_xasprintf("%s: %s%s", code, diag->rule->fix_title ? diag->rule->fix_title : "Fix",
			                     safe ? "" : " (unsafe)");
			json_array_append_new(actions,
			                      action_json(title, "quickfix",
			                                  diagnostic_json(s, &doc->text, diag->start, diag->end, diag),
			                                  safe, workspace_edit(doc->uri, edits)));
			free(title);
		}
		uint32_t at;
		char *insert;
		if (noqa_edit(s, document_name(doc), &doc->text, &doc->findings, diag, &at, &insert)) {
			char *title = lf_xasprintf("Suppress %s with `# noqa: %s`", code, code);
			json_t *edits = json_pack("[o]", text_edit_json(s, &doc->text, at, at, insert));
			json_array_append_new(actions,
			                      action_json(title, "quickfix",
			                                  diagnostic_json(s, &doc->text, diag->start, diag->end, diag),
			                                  false, workspace_edit(doc->uri, edits)));
			free(title);
			free(insert);
		}
	}
	if (doc->python && kind_wanted(only, FIX_ALL_KIND)) {
		json_t *edits = fix_all_edits(s, doc);
		if (edits)
			json_array_append_new(actions, action_json("Fix all safe loadfix findings", FIX_ALL_KIND, NULL,
			                                           false, workspace_edit(doc->uri, edits)));
	}
	return actions;
}

/* ---- notebooks ------------------------------------------------------------ */

static const char *notebook_name(const lf_lsp_notebook *nb)
{
	return nb->path ? nb->path : nb->uri;
}

/* The combined source the notebook's findings point into. */
static const lf_source *notebook_source(const lf_lsp_notebook *nb)
{
	return lf_doc_text(&nb->findings);
}

/* A finding's range inside the cell holding its start; false when no code
 * cell holds it.  A finding that runs past its cell (an unclosed bracket
 * continued in the next cell) ends at its cell's end. */
static bool finding_in_cell(const lf_lsp_notebook *nb, uint32_t start, uint32_t end, size_t *cell,
                            uint32_t *local_start, uint32_t *local_end)
{
	if (!lf_lsp_notebook_locate(nb, start, cell, local_start))
		return false;
	size_t end_cell;
	uint32_t local;
	if (lf_lsp_notebook_locate(nb, end, &end_cell, &local) && end_cell == *cell)
		*local_end = local;
	else
		*local_end = lf_lsp_notebook_cell_text(nb, *cell)->text.len;
	if (*local_end < *local_start)
		*local_end = *local_start;
	return true;
}

/* An edit of the combined source as an edit of cell `cell`'s text; false
 * when it is not inside that cell's text (its synthetic newline is not). */
static bool edit_in_cell(const lf_lsp_notebook *nb, size_t cell, uint32_t start, uint32_t end, uint32_t *local_start,
                         uint32_t *local_end)
{
	uint32_t span_start, span_length;
	if (!lf_lsp_notebook_cell_span(nb, cell, &span_start, &span_length))
		return false;
	uint32_t len = lf_lsp_notebook_cell_text(nb, cell)->text.len;
	if (start < span_start || end > span_start + len)
		return false;
	*local_start = start - span_start;
	*local_end = end - span_start;
	return true;
}

/* Publishes every cell's diagnostics (an empty list for a cell without
 * findings, so that a finding gone from a cell goes from the editor). */
static void publish_notebook(server *s, const lf_lsp_notebook *nb)
{
	json_t **lists = lf_xcalloc(nb->count + 1, sizeof *lists);
	for (size_t i = 0; i < nb->count; i++)
		lists[i] = json_array();
	for (uint32_t k = 0; k < nb->findings.diags.count; k++) {
		const lf_diag *diag = &nb->findings.diags.items[k];
		size_t cell;
		uint32_t start, end;
		if (finding_in_cell(nb, diag->start, diag->end, &cell, &start, &end))
			json_array_append_new(
			        lists[cell],
			        diagnostic_json(s, &lf_lsp_notebook_cell_text(nb, cell)->text, start, end, diag));
	}
	for (size_t i = 0; i < nb->count; i++) {
		json_t *params = json_pack("{s:s, s:o}", "uri", nb->cells[i].uri, "diagnostics", lists[i]);
		json_object_set_new(params, "version", json_integer(lf_lsp_notebook_cell_text(nb, i)->version));
		send_notification(s, "textDocument/publishDiagnostics", params);
	}
	free(lists);
}

static void clear_diagnostics(server *s, const char *uri)
{
	send_notification(s, "textDocument/publishDiagnostics", json_pack("{s:s, s:[]}", "uri", uri, "diagnostics"));
}

static void check_and_publish_notebook(server *s, lf_lsp_notebook *nb)
{
	lf_doc_finish(&nb->findings);
	if (nb->view) {
		uint32_t len;
		const uint8_t *code = lf_notebook_source(nb->view, &len);
		/* only its bytes and length are read: run_check copies them */
		lf_source combined = {.bytes = (uint8_t *)code, .len = len};
		lf_check_options options = options_for(s, notebook_name(nb), false, false);
		run_check(s, &combined, &options, &nb->findings);
		if (nb->findings.error)
			log_message(s, LOG_WARNING, "%s: %s", nb->uri, nb->findings.error);
	}
	publish_notebook(s, nb);
}

/*
 * source.fixAll for a notebook: the command line's notebook fix
 * (lf_notebook_check_run: the fix rounds replayed into the notebook's JSON,
 * refused when they would touch masked IPython syntax), then one edit per
 * changed cell from that cell's old text to its new one, all in one
 * WorkspaceEdit.  NULL when nothing changes.
 */
static json_t *notebook_fix_all(server *s, const lf_lsp_notebook *nb)
{
	if (!nb->view)
		return NULL;
	uint32_t len;
	const uint8_t *json = lf_notebook_json(nb->view, &len);
	uint8_t *copy = lf_xmalloc((size_t)len + 1);
	memcpy(copy, json, len);
	lf_source file;
	lf_source_init(&file, copy, len);
	lf_check_options options = options_for(s, notebook_name(nb), true, false);
	lf_notebook_check check;
	char *error = NULL;
	if (!lf_notebook_check_run(s->worker, &options, &file, &check, &error)) {
		log_message(s, LOG_ERROR, "%s: %s", nb->uri, error);
		free(error);
		lf_source_finish(&file);
		return NULL;
	}
	json_t *changes = NULL;
	if (check.output) {
		const uint8_t *fixed = lf_notebook_check_json(&check, &len);
		json_t *root = json_loadb((const char *)fixed, len, 0, NULL);
		json_t *cells = json_object_get(root, "cells");
		for (size_t i = 0; i < nb->count && i < json_array_size(cells); i++) {
			json_t *source = json_object_get(json_array_get(cells, i), "source");
			const lf_source *old = &lf_lsp_notebook_cell_text(nb, i)->text;
			if (!json_is_string(source) || (json_string_length(source) == old->len &&
			                                memcmp(json_string_value(source), old->bytes, old->len) == 0))
				continue;
			if (!changes)
				changes = json_object();
			json_object_set_new(
			        changes, nb->cells[i].uri,
			        json_pack("[o]", replacement_edit(s, old, (const uint8_t *)json_string_value(source),
			                                          (uint32_t)json_string_length(source))));
		}
		json_decref(root);
	} else if (check.doc.error) {
		log_message(s, LOG_WARNING, "%s: %s", nb->uri, check.doc.error);
	}
	lf_notebook_check_finish(&check);
	return changes ? json_pack("{s:o}", "changes", changes) : NULL;
}

/* textDocument/codeAction on cell `cell` of a notebook: as for a text
 * document, with the findings of the whole notebook that start in this
 * cell and edits in the cell's own coordinates. */
static json_t *notebook_code_actions(server *s, lf_lsp_notebook *nb, size_t cell, uint32_t start, uint32_t end,
                                     const json_t *only)
{
	json_t *actions = json_array();
	const lf_lsp_document *text = lf_lsp_notebook_cell_text(nb, cell);
	const char *uri = nb->cells[cell].uri;
	bool quickfix = kind_wanted(only, "quickfix");
	for (uint32_t i = 0; quickfix && i < nb->findings.diags.count; i++) {
		const lf_diag *diag = &nb->findings.diags.items[i];
		size_t in;
		uint32_t diag_start, diag_end;
		if (!finding_in_cell(nb, diag->start, diag->end, &in, &diag_start, &diag_end) || in != cell ||
		    diag_start > end || diag_end < start)
			continue;
		const char *code = diag->rule->code;
		if (diag->fix.count > 0 && diag->fix.applicability != LF_FIX_NONE) {
			bool safe = diag->fix.applicability == LF_FIX_SAFE;
			json_t *edits = json_array();
			for (uint32_t k = 0; edits && k < diag->fix.count; k++) {
				uint32_t a, b;
				if (edit_in_cell(nb, cell, diag->fix.edits[k].start, diag->fix.edits[k].end, &a, &b)) {
					json_array_append_new(
					        edits, text_edit_json(s, &text->text, a, b, diag->fix.edits[k].text));
				} else { /* a fix reaching outside its cell is not offered */
					json_decref(edits);
					edits = NULL;
				}
			}
			if (edits) {
				char *title = lf_xasprintf("%s: %s%s", code,
				                           diag->rule->fix_title ? diag->rule->fix_title : "Fix",
				                           safe ? "" : " (unsafe)");
				json_array_append_new(actions, action_json(title, "quickfix",
				                                           diagnostic_json(s, &text->text, diag_start,
				                                                           diag_end, diag),
				                                           safe, workspace_edit(uri, edits)));
				free(title);
			}
		}
		uint32_t at, local;
		char *insert;
		if (noqa_edit(s, notebook_name(nb), notebook_source(nb), &nb->findings, diag, &at, &insert)) {
			if (edit_in_cell(nb, cell, at, at, &local, &local)) {
				char *title = lf_xasprintf("Suppress %s with `# noqa: %s`", code, code);
				json_t *edits = json_pack("[o]", text_edit_json(s, &text->text, local, local, insert));
				json_array_append_new(actions, action_json(title, "quickfix",
				                                           diagnostic_json(s, &text->text, diag_start,
				                                                           diag_end, diag),
				                                           false, workspace_edit(uri, edits)));
				free(title);
			}
			free(insert);
		}
	}
	if (kind_wanted(only, FIX_ALL_KIND)) {
		json_t *edit = notebook_fix_all(s, nb);
		if (edit)
			json_array_append_new(actions, action_json("Fix all safe loadfix findings in the notebook",
			                                           FIX_ALL_KIND, NULL, false, edit));
	}
	return actions;
}

static lf_lsp_notebook *notebook_of(server *s, const json_t *params)
{
	const char *uri = json_string_value(json_object_get(json_object_get(params, "notebookDocument"), "uri"));
	lf_lsp_notebook *nb = uri ? lf_lsp_notebooks_find(&s->notebooks, uri) : NULL;
	if (!uri)
		log_message(s, LOG_ERROR, "a notebook notification without notebookDocument.uri; ignored");
	else if (!nb)
		log_message(s, LOG_ERROR, "%s is not open (send notebookDocument/didOpen first); ignored", uri);
	return nb;
}

static void handle_notebook_did_open(server *s, const json_t *params)
{
	char *error = NULL;
	lf_lsp_notebook *nb = lf_lsp_notebooks_open(&s->notebooks, params, &error);
	if (error) {
		log_message(s, LOG_ERROR, "%s", error);
		free(error);
	}
	if (nb)
		check_and_publish_notebook(s, nb);
}

static void handle_notebook_did_change(server *s, const json_t *params)
{
	lf_lsp_notebook *nb = notebook_of(s, params);
	if (!nb)
		return;
	/* The cells before the change: those removed get their diagnostics
	 * cleared. */
	size_t before = nb->count;
	char **old_uris = lf_xcalloc(before + 1, sizeof *old_uris);
	for (size_t i = 0; i < before; i++)
		old_uris[i] = lf_xstrdup(nb->cells[i].uri);
	char *error = NULL;
	lf_lsp_notebook_apply_change(nb, json_object_get(params, "change"), s->encoding, &error);
	if (error) {
		log_message(s, LOG_ERROR, "%s: %s", nb->uri, error);
		free(error);
	}
	json_t *version = json_object_get(json_object_get(params, "notebookDocument"), "version");
	if (json_is_integer(version))
		nb->version = json_integer_value(version);
	for (size_t i = 0; i < before; i++) {
		size_t index;
		if (lf_lsp_notebooks_find_cell(&s->notebooks, old_uris[i], &index) != nb)
			clear_diagnostics(s, old_uris[i]);
		free(old_uris[i]);
	}
	free(old_uris);
	check_and_publish_notebook(s, nb);
}

static void handle_notebook_did_save(server *s, const json_t *params)
{
	lf_lsp_notebook *nb = notebook_of(s, params);
	if (nb)
		check_and_publish_notebook(s, nb);
}

static void handle_notebook_did_close(server *s, const json_t *params)
{
	lf_lsp_notebook *nb = notebook_of(s, params);
	if (!nb)
		return;
	for (size_t i = 0; i < nb->count; i++)
		clear_diagnostics(s, nb->cells[i].uri);
	lf_lsp_notebooks_close(&s->notebooks, nb->uri);
}

/* ---- handlers ------------------------------------------------------------ */

static bool offers_utf8(const json_t *params)
{
	json_t *encodings = json_object_get(json_object_get(json_object_get(params, "capabilities"), "general"),
	                                    "positionEncodings");
	size_t i;
	json_t *item;
	json_array_foreach(encodings, i, item)
	{
		if (json_is_string(item) && strcmp(json_string_value(item), "utf-8") == 0)
			return true;
	}
	return false;
}

/* The workspace directory: rootUri, else the first workspace folder, else
 * the deprecated rootPath. */
static char *workspace_root(const json_t *params)
{
	const char *uri = json_string_value(json_object_get(params, "rootUri"));
	if (!uri) {
		json_t *folders = json_object_get(params, "workspaceFolders");
		uri = json_string_value(json_object_get(json_array_get(folders, 0), "uri"));
	}
	if (uri)
		return lf_lsp_uri_to_path(uri);
	const char *path = json_string_value(json_object_get(params, "rootPath"));
	return path ? lf_xstrdup(path) : NULL;
}

static void handle_initialize(server *s, json_t *id, const json_t *params)
{
	if (s->initialized) {
		send_error(s, id, INVALID_REQUEST, "initialize was already received");
		return;
	}
	s->initialized = true;
	s->encoding = offers_utf8(params) ? LF_LSP_UTF8 : LF_LSP_UTF16;
	s->root = workspace_root(params);
	load_settings(s);
	/* Notebooks: Jupyter's (VS Code's notebookType for .ipynb), Python
	 * cells; the client then syncs their cells through notebookDocument/ and
	 * not as text documents. */
	json_t *capabilities = json_pack(
	        "{s:s, s:{s:b, s:i, s:{s:b}}, s:{s:[s, s], s:b}, s:{s:[{s:{s:s}, s:[{s:s}]}], s:b}}",
	        "positionEncoding", s->encoding == LF_LSP_UTF8 ? "utf-8" : "utf-16", "textDocumentSync", "openClose", 1,
	        "change", 2 /* incremental */, "save", "includeText", 0, "codeActionProvider", "codeActionKinds",
	        "quickfix", FIX_ALL_KIND, "resolveProvider", 0, "notebookDocumentSync", "notebookSelector", "notebook",
	        "notebookType", "jupyter-notebook", "cells", "language", "python", "save", 1);
	send_result(s, id,
	            json_pack("{s:o, s:{s:s, s:s}}", "capabilities", capabilities, "serverInfo", "name", "loadfix",
	                      "version", LOADFIX_VERSION));
}

static lf_lsp_document *document_of(server *s, const json_t *params, json_t *id)
{
	const char *uri = json_string_value(json_object_get(json_object_get(params, "textDocument"), "uri"));
	if (!uri) {
		if (id)
			send_error(s, id, INVALID_PARAMS, "textDocument.uri is missing");
		else
			log_message(s, LOG_ERROR, "a notification without textDocument.uri; ignored");
		return NULL;
	}
	lf_lsp_document *doc = lf_lsp_documents_find(&s->documents, uri);
	if (!doc) {
		char *text = lf_xasprintf("%s is not open (send textDocument/didOpen first)", uri);
		if (id)
			send_error(s, id, INVALID_PARAMS, text);
		else
			log_message(s, LOG_ERROR, "%s; ignored", text);
		free(text);
	}
	return doc;
}

static void handle_did_open(server *s, const json_t *params)
{
	json_t *item = json_object_get(params, "textDocument");
	const char *uri = json_string_value(json_object_get(item, "uri"));
	json_t *text = json_object_get(item, "text");
	if (!uri || !json_is_string(text) || json_string_length(text) >= UINT32_MAX) {
		log_message(s, LOG_ERROR, "didOpen without textDocument.uri and text; ignored");
		return;
	}
	lf_lsp_document *doc = lf_lsp_documents_open(
	        &s->documents, uri, json_string_value(json_object_get(item, "languageId")), json_string_value(text),
	        json_string_length(text), json_integer_value(json_object_get(item, "version")));
	check_and_publish(s, doc);
}

static void handle_did_change(server *s, const json_t *params)
{
	lf_lsp_document *doc = document_of(s, params, NULL);
	if (!doc)
		return;
	json_t *changes = json_object_get(params, "contentChanges");
	size_t i;
	json_t *change;
	json_array_foreach(changes, i, change)
	{
		char *error = NULL;
		if (!lf_lsp_document_apply_change(doc, change, s->encoding, &error)) {
			log_message(s, LOG_ERROR, "%s: %s; change ignored", doc->uri, error);
			free(error);
		}
	}
	json_t *version = json_object_get(json_object_get(params, "textDocument"), "version");
	if (json_is_integer(version))
		doc->version = json_integer_value(version);
	check_and_publish(s, doc);
}

static void handle_did_close(server *s, const json_t *params)
{
	lf_lsp_document *doc = document_of(s, params, NULL);
	if (!doc)
		return;
	/* Clear what the editor shows for a file no longer open. */
	send_notification(s, "textDocument/publishDiagnostics",
	                  json_pack("{s:s, s:[]}", "uri", doc->uri, "diagnostics"));
	lf_lsp_documents_close(&s->documents, doc->uri);
}

static void handle_did_save(server *s, const json_t *params)
{
	lf_lsp_document *doc = document_of(s, params, NULL);
	if (!doc)
		return;
	/* Saving the configuration changes every document's findings. */
	const char *base = doc->path ? strrchr(doc->path, '/') : NULL;
	if (base && strcmp(base + 1, "pyproject.toml") == 0) {
		load_settings(s);
		for (size_t i = 0; i < s->documents.count; i++)
			check_and_publish(s, s->documents.items[i]);
		for (size_t i = 0; i < s->notebooks.count; i++)
			check_and_publish_notebook(s, s->notebooks.items[i]);
		return;
	}
	check_and_publish(s, doc);
}

static void handle_code_action(server *s, json_t *id, const json_t *params)
{
	/* A notebook cell's URI, or a text document's. */
	const char *uri = json_string_value(json_object_get(json_object_get(params, "textDocument"), "uri"));
	size_t cell;
	lf_lsp_notebook *nb = uri ? lf_lsp_notebooks_find_cell(&s->notebooks, uri, &cell) : NULL;
	lf_lsp_document *doc = nb ? NULL : document_of(s, params, id);
	if (!nb && !doc)
		return;
	const lf_source *text = nb ? &lf_lsp_notebook_cell_text(nb, cell)->text : &doc->text;
	uint32_t start, end;
	if (!read_range(text, json_object_get(params, "range"), s->encoding, &start, &end)) {
		send_error(s, id, INVALID_PARAMS, "codeAction: a malformed range");
		return;
	}
	json_t *only = json_object_get(json_object_get(params, "context"), "only");
	send_result(s, id,
	            nb ? notebook_code_actions(s, nb, cell, start, end, only) : code_actions(s, doc, start, end, only));
}

static void handle_request(server *s, const char *method, json_t *id, const json_t *params)
{
	if (strcmp(method, "initialize") == 0) {
		handle_initialize(s, id, params);
	} else if (!s->initialized) {
		send_error(s, id, SERVER_NOT_INITIALIZED, "the server is not initialized");
	} else if (s->shut_down) {
		send_error(s, id, INVALID_REQUEST, "the server is shut down");
	} else if (strcmp(method, "shutdown") == 0) {
		s->shut_down = true;
		send_result(s, id, NULL);
	} else if (strcmp(method, "textDocument/codeAction") == 0) {
		handle_code_action(s, id, params);
	} else {
		char *text = lf_xasprintf("unknown method %s", method);
		send_error(s, id, METHOD_NOT_FOUND, text);
		free(text);
	}
}

static void handle_notification(server *s, const char *method, const json_t *params)
{
	if (strcmp(method, "exit") == 0) {
		s->exit_requested = true;
		return;
	}
	/* Before initialize and after shutdown, notifications are dropped. */
	if (!s->initialized || s->shut_down)
		return;
	if (strcmp(method, "textDocument/didOpen") == 0)
		handle_did_open(s, params);
	else if (strcmp(method, "textDocument/didChange") == 0)
		handle_did_change(s, params);
	else if (strcmp(method, "textDocument/didClose") == 0)
		handle_did_close(s, params);
	else if (strcmp(method, "textDocument/didSave") == 0)
		handle_did_save(s, params);
	else if (strcmp(method, "notebookDocument/didOpen") == 0)
		handle_notebook_did_open(s, params);
	else if (strcmp(method, "notebookDocument/didChange") == 0)
		handle_notebook_did_change(s, params);
	else if (strcmp(method, "notebookDocument/didSave") == 0)
		handle_notebook_did_save(s, params);
	else if (strcmp(method, "notebookDocument/didClose") == 0)
		handle_notebook_did_close(s, params);
	else if (strcmp(method, "workspace/didChangeConfiguration") == 0) {
		load_settings(s);
		for (size_t i = 0; i < s->documents.count; i++)
			check_and_publish(s, s->documents.items[i]);
		for (size_t i = 0; i < s->notebooks.count; i++)
			check_and_publish_notebook(s, s->notebooks.items[i]);
	}
	/* anything else (initialized, $/cancelRequest, $/setTrace, ...):
	 * nothing to do, and the protocol says to ignore what we do not know */
}

static void handle(server *s, json_t *message)
{
	if (!json_is_object(message)) {
		send_error(s, NULL, INVALID_REQUEST, "a message must be a JSON object");
		return;
	}
	json_t *id = json_object_get(message, "id");
	json_t *method = json_object_get(message, "method");
	if (!method) {
		/* a response to a request of ours (we send none), or nonsense */
		if (!json_object_get(message, "result") && !json_object_get(message, "error"))
			send_error(s, id, INVALID_REQUEST, "a message without a method");
		return;
	}
	if (!json_is_string(method) || (id && !json_is_integer(id) && !json_is_string(id))) {
		if (id)
			send_error(s, json_is_integer(id) || json_is_string(id) ? id : NULL, INVALID_REQUEST,
			           "method must be a string and id a number or string");
		return;
	}
	json_t *params = json_object_get(message, "params");
	if (id)
		handle_request(s, json_string_value(method), id, params);
	else
		handle_notification(s, json_string_value(method), params);
}

int lf_lsp_server_main(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		puts("Usage: loadfix server\n\nA Language Server on standard input and output (see the README's "
		     "\"Editors\" section).");
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "loadfix: server: unexpected argument '%s'\n", argv[1]);
		return 2;
	}
	/* A client that closes the pipe ends the server through EOF or a
	 * failed write, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	server s = {.out = STDOUT_FILENO};
	s.worker = lf_worker_create();
	lf_lsp_documents_init(&s.documents);
	lf_lsp_notebooks_init(&s.notebooks);
	lf_lsp_reader reader;
	lf_lsp_reader_init(&reader, STDIN_FILENO);
	while (!s.exit_requested && !s.output_failed) {
		json_t *message;
		char *error;
		lf_lsp_read_result got = lf_lsp_read(&reader, &message, &error);
		if (got == LF_LSP_READ_EOF)
			break;
		if (got == LF_LSP_READ_BAD) {
			/* JSON-RPC: a parse error is answered with a null id. */
			send_error(&s, NULL, PARSE_ERROR, error);
			free(error);
			continue;
		}
		if (error) {
			log_message(&s, LOG_WARNING, "%s", error);
			free(error);
		}
		handle(&s, message);
		json_decref(message);
	}
	lf_lsp_reader_finish(&reader);
	lf_lsp_documents_finish(&s.documents);
	lf_lsp_notebooks_finish(&s.notebooks);
	lf_worker_destroy(s.worker);
	if (s.have_settings)
		lf_settings_finish(&s.settings);
	free(s.root);
	return s.shut_down ? 0 : 1;
}
