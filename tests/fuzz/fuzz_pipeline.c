/*
 * The whole per-file pipeline (lf_check) on arbitrary bytes, checking what
 * the README promises rather than only "no crash".  The input is used as a
 * Python file AS IS (so every corpus or crash file is a plain .py file that
 * `loadfix` itself can be run on); its first byte's low bit chooses
 * --unsafe-fixes (odd: on; e.g. a file starting with "import" or "#" gets
 * unsafe fixes, one starting with "from" or a newline does not).
 *
 * Invariants, each checked on every input:
 *  P1 findings: spans in bounds and sorted; a fix exists iff it has edits;
 *     every edit in [0, len], inside its finding's span, and of the shapes
 *     the README allows: ", weights_only=True" after an argument,
 *     "weights_only=True" right after "(", a vertical line
 *     "<indent>weights_only=True[,]<eol>" (eol \n, \r\n or lone \r) before a ")" line (with a separate
 *     "," exactly when the line has none), or "False" -> "True" (LF002,
 *     unsafe).  LF003's only fix: a string literal (true at run time)
 *     replaced by "True", safe.
 *  P2 the edit set of each round (accepted in finding order, as lf_check
 *     does) is sorted, non-overlapping, in bounds, and lf_edit_set_apply
 *     equals a naive reference applier; so every byte outside the fixed
 *     findings' spans is unchanged.
 *  P3 lf_check --fix equals that round-by-round simulation byte for byte,
 *     with the same fixed_count and the same findings left; it never
 *     reports a refused fix (the verification guard "must never trigger").
 *  P4 the fixed text has no more parse errors than the input (fresh parse).
 *  P5 idempotence: --fix on the fixed text changes nothing (unless the first
 *     run hit the internal round cap, which is noted once).
 *  P6 lf_diff_append(input, output) applied by a strict reference applier
 *     to the input gives exactly the output.
 *  P7 accounting: report-mode findings == findings left + fixed; when no
 *     fix of the first round conflicted, one round fixes everything (for
 *     input without parse errors; LOADFIX_FUZZ_STRICT_RECOVERY=1: always).
 *  P8 reports: the text report is one line; the JSON report parses, and its
 *     code, offsets, lines, columns and edits agree with the finding.
 *  P9 the prefilter has no false negatives: when it rejects a file that
 *     parses without errors, the resolver finds no reference to torch.load
 *     in it either, and when the file does not spell weights_only either,
 *     no call of a wrapper of torch.load (loadfix/wrappers.h)
 *     (LOADFIX_FUZZ_STRICT_PREFILTER=1: files with errors too).
 *  P10 the findings do not depend on what the worker checked before: a
 *     worker that first checked a primer (the part of the input before a
 *     "\n#=====NEXT-FILE=====\n" line, else the input itself) finds the
 *     same as a fresh one.  Every other check uses a fresh worker per run,
 *     so that each input's outcome is reproducible on its own.
 * Opt-in stricter check: LOADFIX_FUZZ_CAP_FATAL (P5 round cap is a failure).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "loadfix/buf.h"
#include "loadfix/check.h"
#include "loadfix/diff.h"
#include "loadfix/edit.h"
#include "loadfix/fixer.h"
#include "loadfix/parse.h"
#include "loadfix/prefilter.h"
#include "loadfix/wrappers.h"
#include "loadfix/report.h"
#include "loadfix/resolve.h"
#include "loadfix/source.h"

/* src/check.c's MAX_FIX_ROUNDS: lf_check applies at most this many rounds. */
#define FIX_ROUND_CAP 8
#define MAX_INPUT (1u << 20)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static lf_parser *parser;
static lf_prefilter *prefilter;
/* LOADFIX_FUZZ_ALLOW_KNOWN=1 (scripts/fuzz --allow-known): tolerate the
 * reported, unfixed bug classes listed in README.md so that a long run can
 * look for new ones.  Never set for the replay tests or --smoke. */
static bool allow_known(void)
{
	static int allow = -1;
	if (allow < 0)
		allow = getenv("LOADFIX_FUZZ_ALLOW_KNOWN") != NULL;
	return allow;
}

static const uint8_t *g_input;
static size_t g_input_len;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	lf_diff_init();
	parser = lf_parser_create();
	prefilter = lf_prefilter_create();
	return 0;
}

__attribute__((format(printf, 3, 4), noreturn)) static void fail_on(const uint8_t *text, uint32_t len, const char *fmt,
                                                                    ...)
{
	fuzz_dump("fuzz input", g_input, g_input_len);
	if (text && (text != g_input || len != g_input_len))
		fuzz_dump("text being checked", text, len);
	char message[1024];
	va_list args;
	va_start(args, fmt);
	vsnprintf(message, sizeof message, fmt, args);
	va_end(args);
	fuzz_fail("%s", message);
}

#define CHECK(cond, text, len, ...)                      \
	do {                                             \
		if (!(cond))                             \
			fail_on(text, len, __VA_ARGS__); \
	} while (0)

static uint8_t *dup_bytes(const uint8_t *bytes, uint32_t len)
{
	uint8_t *copy = malloc((size_t)len + 1);
	if (len)
		memcpy(copy, bytes, len);
	copy[len] = 0;
	return copy;
}

static void run_check(const lf_check_options *options, const uint8_t *bytes, uint32_t len, lf_doc *result)
{
	/* A fresh worker for every run: each result depends on its input alone
	 * (P10 checks separately that a reused worker gives the same). */
	lf_worker *worker = lf_worker_create();
	lf_check(worker, options, dup_bytes(bytes, len), len, result);
	lf_worker_destroy(worker);
}

/* A parser whose state cannot depend on earlier parses (bug B4: the
 * grammar's scanner keeps state across ts_parser_reset). */
static lf_parser *clean_parser(void)
{
	lf_parser_destroy(parser);
	parser = lf_parser_create();
	return parser;
}

static uint32_t parse_errors(const uint8_t *bytes, uint32_t len)
{
	clean_parser();
	TSTree *tree = lf_parser_parse(parser, bytes, len);
	if (!tree)
		fail_on(bytes, len, "tree-sitter returned no tree");
	uint32_t errors = lf_count_parse_errors(ts_tree_root_node(tree));
	ts_tree_delete(tree);
	return errors;
}

/* ---- P1: the shape of findings and fixes ----------------------------------- */

static bool is_indent(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\f';
}

/* "<indent>weights_only=True[,]<eol>"; sets *comma. */
static bool is_vertical_line(const char *text, bool *comma)
{
	const char *p = text;
	while (is_indent((uint8_t)*p))
		p++;
	static const char kw[] = "weights_only=True";
	if (strncmp(p, kw, sizeof kw - 1) != 0)
		return false;
	p += sizeof kw - 1;
	*comma = *p == ',';
	if (*comma)
		p++;
	return strcmp(p, "\n") == 0 || strcmp(p, "\r\n") == 0 || strcmp(p, "\r") == 0;
}

/* Whether a line ends right before `at`: after '\n', or after a '\r' not
 * followed by '\n' (lines end as Python ends them: \n, \r\n, lone \r). */
static bool line_break_before(const uint8_t *text, uint32_t len, uint32_t at)
{
	return text[at - 1] == '\n' || (text[at - 1] == '\r' && (at == len || text[at] != '\n'));
}

/* The insertion of a vertical line: at a line start, before a ")" line. */
static bool at_close_paren_line(const uint8_t *text, uint32_t len, uint32_t at)
{
	if (at != 0 && !line_break_before(text, len, at))
		return false;
	while (at < len && is_indent(text[at]))
		at++;
	return at < len && text[at] == ')';
}

static void check_fix_shape(const uint8_t *text, uint32_t len, const lf_diag *diag)
{
	const lf_fix *fix = &diag->fix;
	const char *code = diag->rule->code;
	if (strcmp(code, "LF003") == 0) {
		if (fix->count == 0)
			return;
		/* only weights_only="..." (a non-empty string, true at run time)
		 * has one: the string, possibly parenthesized, becomes True */
		const lf_edit *e = &fix->edits[0];
		CHECK(fix->count == 1 && fix->applicability == LF_FIX_SAFE && strcmp(e->text, "True") == 0 &&
		              e->end > e->start &&
		              (text[e->end - 1] == '"' || text[e->end - 1] == '\'' || text[e->end - 1] == ')') &&
		              (memchr(text + e->start, '"', e->end - e->start) ||
		               memchr(text + e->start, '\'', e->end - e->start)),
		      text, len, "LF003 finding at %u has a fix other than a string's replacement by True",
		      diag->start);
		return;
	}
	if (fix->count == 0)
		return;
	if (strcmp(code, "LF002") == 0) {
		CHECK(fix->applicability == LF_FIX_UNSAFE, text, len, "LF002 fix at %u is not unsafe", diag->start);
		CHECK(fix->count == 1 && strcmp(fix->edits[0].text, "True") == 0, text, len,
		      "LF002 fix at %u is not one replacement by \"True\"", diag->start);
		const lf_edit *e = &fix->edits[0];
		CHECK(e->end - e->start == 5 && memcmp(text + e->start, "False", 5) == 0, text, len,
		      "LF002 fix at %u replaces [%u,%u), which is not \"False\"", diag->start, e->start, e->end);
		return;
	}
	if (strcmp(code, "LF001") != 0 && strcmp(code, "LF004") != 0)
		return; /* a rule this harness does not know yet: bounds only */
	/* LF001's fix is unsafe where the file's own evidence says True breaks
	 * the load (loadfix/evidence.h: `m = torch.load(p)` then `m.eval()`),
	 * or where the project admits torch < 1.13 (none here); LF004's never. */
	if (strcmp(code, "LF001") == 0)
		CHECK(fix->applicability == LF_FIX_SAFE || fix->applicability == LF_FIX_UNSAFE, text, len,
		      "LF001 fix at %u is neither safe nor unsafe", diag->start);
	else
		CHECK(fix->applicability == LF_FIX_SAFE, text, len, "%s fix at %u is not safe", code, diag->start);
	for (uint32_t i = 0; i < fix->count; i++)
		CHECK(fix->edits[i].start == fix->edits[i].end, text, len, "%s fix at %u has a non-insertion edit",
		      code, diag->start);
	const lf_edit *e0 = &fix->edits[0];
	bool comma;
	if (fix->count == 1 && strcmp(e0->text, ", weights_only=True") == 0) {
		CHECK(e0->start > 0 && e0->start < len, text, len, "%s: \", weights_only=True\" at the file edge",
		      code);
		return;
	}
	if (fix->count == 1 && strcmp(e0->text, "weights_only=True") == 0) {
		CHECK(e0->start > 0 && text[e0->start - 1] == '(', text, len,
		      "%s: \"weights_only=True\" inserted at %u, not right after \"(\"", code, e0->start);
		return;
	}
	if (fix->count == 1 && is_vertical_line(e0->text, &comma)) {
		CHECK(comma, text, len, "%s: vertical line without a comma and no comma edit at %u", code, e0->start);
		CHECK(at_close_paren_line(text, len, e0->start), text, len,
		      "%s: vertical line inserted at %u, not at the start of a \")\" line", code, e0->start);
		return;
	}
	if (fix->count == 2 && strcmp(e0->text, ",") == 0 && is_vertical_line(fix->edits[1].text, &comma)) {
		CHECK(!comma, text, len, "%s: both a \",\" edit and a vertical line ending in \",\" at %u", code,
		      e0->start);
		CHECK(e0->start < fix->edits[1].start, text, len, "%s: the \",\" edit is not before the line", code);
		CHECK(at_close_paren_line(text, len, fix->edits[1].start), text, len,
		      "%s: vertical line inserted at %u, not at the start of a \")\" line", code, fix->edits[1].start);
		return;
	}
	fail_on(text, len, "%s fix at %u has an unexpected shape (%u edits, first text \"%s\")", code, diag->start,
	        fix->count, e0->text);
}

static void check_diags(const uint8_t *text, uint32_t len, const lf_diags *diags)
{
	for (uint32_t i = 0; i < diags->count; i++) {
		const lf_diag *d = &diags->items[i];
		CHECK(d->rule && d->rule->code && d->message, text, len, "finding %u has no rule or message", i);
		CHECK(d->start <= d->end && d->end <= len, text, len, "finding %u span [%u,%u) out of [0,%u]", i,
		      d->start, d->end, len);
		CHECK(i == 0 || diags->items[i - 1].start <= d->start, text, len, "findings not sorted at %u", i);
		CHECK((d->fix.applicability == LF_FIX_NONE) == (d->fix.count == 0), text, len,
		      "finding %u (%s): applicability %d with %u edits", i, d->rule->code, (int)d->fix.applicability,
		      d->fix.count);
		for (uint32_t k = 0; k < d->fix.count; k++) {
			const lf_edit *e = &d->fix.edits[k];
			CHECK(e->text, text, len, "edit without text");
			CHECK(e->start <= e->end && e->end <= len, text, len, "%s edit [%u,%u) out of [0,%u]",
			      d->rule->code, e->start, e->end, len);
			CHECK(d->start <= e->start && e->end <= d->end, text, len,
			      "%s edit [%u,%u) outside its finding's span [%u,%u)", d->rule->code, e->start, e->end,
			      d->start, d->end);
		}
		check_fix_shape(text, len, d);
	}
}

/* ---- P8: reports ---------------------------------------------------------------- */

/* Strictly valid UTF-8 sequence length at p within avail bytes, or 0. */
static uint32_t strict_utf8(const uint8_t *p, uint32_t avail)
{
	uint8_t b = p[0];
	uint32_t n, cp, min;
	if (b < 0x80)
		return 1;
	if (b >= 0xC2 && b <= 0xDF)
		n = 2, cp = b & 0x1F, min = 0x80;
	else if (b >= 0xE0 && b <= 0xEF)
		n = 3, cp = b & 0x0F, min = 0x800;
	else if (b >= 0xF0 && b <= 0xF4)
		n = 4, cp = b & 0x07, min = 0x10000;
	else
		return 0;
	if (n > avail)
		return 0;
	for (uint32_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

/* The documented position of a byte offset: 1-based line (lines end at
 * \n, \r\n or a lone \r) and
 * column in characters, each byte that is not valid UTF-8 counting as one. */
static void reference_position(const uint8_t *text, uint32_t len, uint32_t offset, uint32_t *line, uint32_t *column)
{
	uint32_t l = 1, start = 0;
	for (uint32_t i = 1; i <= offset; i++)
		if (line_break_before(text, len, i))
			l++, start = i;
	uint32_t c = 1;
	for (uint32_t pos = start; pos < offset; c++) {
		uint32_t n = strict_utf8(text + pos, offset - pos);
		pos += n ? n : 1;
	}
	*line = l;
	*column = c;
}

static void check_location(const uint8_t *text, uint32_t len, json_t *loc, uint32_t offset, const char *what)
{
	json_int_t line, column, off;
	CHECK(json_unpack(loc, "{s:I, s:I, s:I}", "line", &line, "column", &column, "offset", &off) == 0, text, len,
	      "JSON %s is not {line, column, offset}", what);
	uint32_t ref_line, ref_column;
	reference_position(text, len, offset, &ref_line, &ref_column);
	CHECK(off == offset, text, len, "JSON %s offset %lld, expected %u", what, (long long)off, offset);
	CHECK(line == ref_line, text, len, "JSON %s line %lld, expected %u", what, (long long)line, ref_line);
	CHECK(column == ref_column, text, len, "JSON %s column %lld, expected %u (offset %u)", what, (long long)column,
	      ref_column, offset);
}

static void check_reports(const lf_check_options *options, const lf_source *src, const lf_diags *diags)
{
	const uint8_t *text = src->bytes;
	uint32_t len = src->len;
	static const char path[] = "dir/na\xffme\n\"q\".py";
	char *display = lf_display_path(path);
	CHECK(!strchr(display, '\n'), text, len, "lf_display_path kept a newline");
	for (uint32_t i = 0; i < diags->count; i++) {
		const lf_diag *d = &diags->items[i];
		lf_buf out;
		lf_buf_init(&out);
		lf_report_text(&out, display, src, NULL, d, lf_check_fix_applies(options, d), false);
		CHECK(out.len > 0 && out.data[out.len - 1] == '\n' &&
		              memchr(out.data, '\n', out.len) == out.data + out.len - 1,
		      text, len, "the text report of finding %u is not exactly one line", i);
		lf_buf_finish(&out);

		lf_buf_init(&out);
		lf_report_json(&out, path, src, NULL, d, options);
		json_error_t error;
		json_t *obj = json_loadb(out.data ? out.data : "", out.len, 0, &error);
		CHECK(obj && json_is_object(obj), text, len, "the JSON report of finding %u does not parse: %s", i,
		      error.text);
		const char *code;
		json_t *start, *end, *fix;
		CHECK(json_unpack(obj, "{s:s, s:o, s:o, s:o}", "code", &code, "start", &start, "end", &end, "fix",
		                  &fix) == 0,
		      text, len, "the JSON report of finding %u lacks code/start/end/fix", i);
		CHECK(strcmp(code, d->rule->code) == 0, text, len, "JSON code %s, expected %s", code, d->rule->code);
		check_location(text, len, start, d->start, "start");
		check_location(text, len, end, d->end, "end");
		if (d->fix.count == 0) {
			CHECK(json_is_null(fix), text, len, "JSON fix is not null for a finding without one");
		} else {
			json_t *edits;
			int applied;
			CHECK(json_unpack(fix, "{s:b, s:o}", "applied_with_options", &applied, "edits", &edits) == 0 &&
			              json_is_array(edits) && json_array_size(edits) == d->fix.count,
			      text, len, "JSON fix of finding %u is malformed", i);
			CHECK((bool)applied == lf_check_fix_applies(options, d), text, len,
			      "JSON applied_with_options disagrees");
			for (uint32_t k = 0; k < d->fix.count; k++) {
				const char *content;
				json_t *es, *ee;
				CHECK(json_unpack(json_array_get(edits, k), "{s:s, s:o, s:o}", "content", &content,
				                  "start", &es, "end", &ee) == 0,
				      text, len, "JSON edit %u is malformed", k);
				CHECK(strcmp(content, d->fix.edits[k].text) == 0, text, len,
				      "JSON edit content differs");
				check_location(text, len, es, d->fix.edits[k].start, "edit start");
				check_location(text, len, ee, d->fix.edits[k].end, "edit end");
			}
		}
		json_decref(obj);
		lf_buf_finish(&out);
	}
	free(display);
}

/* ---- P9: the prefilter ------------------------------------------------------ */

static void check_prefilter(const uint8_t *data, uint32_t len)
{
	if (lf_prefilter_may_refer(prefilter, data, len))
		return;
	lf_source src;
	lf_source_init(&src, dup_bytes(data, len), len);
	TSTree *tree = lf_parser_parse(clean_parser(), src.bytes, len);
	lf_refs refs;
	lf_refs_init(&refs);
	lf_resolve_load_refs(tree, &src, &refs);
	/* On a file that does not parse, the resolver reads tree-sitter's error
	 * recovery (`th 0= torch` may bind th), which no text pattern can
	 * follow; Python would not run such a file.  Strict only on request. */
	static int strict = -1;
	if (strict < 0)
		strict = getenv("LOADFIX_FUZZ_STRICT_PREFILTER") != NULL;
	if (refs.count && (strict || lf_count_parse_errors(ts_tree_root_node(tree)) == 0))
		fail_on(data, len,
		        "the prefilter rejected a file in which the resolver finds %u reference(s) to torch.load "
		        "(first at byte %u)",
		        refs.count, ts_node_start_byte(refs.items[0].node));
	/* Wrapper calls (loadfix/wrappers.h): the pipeline also parses a file
	 * that spells weights_only; one that does not must hold none. */
	if (!lf_prefilter_names_weights_only(data, len)) {
		lf_resolve_context context = {.path = "fuzz.py"};
		lf_wrappers own;
		lf_wrappers_init(&own);
		lf_wrappers_discover(tree, &src, &context, &refs, &own);
		uint32_t before = refs.count;
		lf_wrappers_add_calls(tree, &src, &context, &own, &refs);
		if (refs.count > before && (strict || lf_count_parse_errors(ts_tree_root_node(tree)) == 0))
			fail_on(data, len, "the prefilter rejected a file with a wrapper call (at byte %u)",
			        ts_node_start_byte(refs.items[before].node));
		lf_wrappers_finish(&own);
	}
	lf_refs_finish(&refs);
	ts_tree_delete(tree);
	lf_source_finish(&src);
}

/* ---- the round-by-round simulation of lf_check --fix --------------------------- */

typedef struct finding_key {
	const char *code;
	uint32_t start, end;
	lf_applicability applicability;
} finding_key;

typedef struct simulation {
	uint8_t *text; /* the final text */
	uint32_t len;
	uint32_t rounds;      /* rounds that applied something */
	uint32_t fixed;       /* findings fixed over all rounds */
	uint32_t applicable1; /* round one: findings whose fix applies */
	uint32_t accepted1;   /* round one: of those, accepted by the edit set */
	uint32_t found1;      /* round one: findings (report mode) */
	bool cap_hit;         /* fixes were still pending after FIX_ROUND_CAP rounds */
	bool refused;         /* a round raised the parse errors (allow_known only) */
	finding_key *left;    /* the findings of the last lint */
	uint32_t left_count;
} simulation;

/* One round on `text`: lint (report mode), validate, build the edit set as
 * lf_check does, check it, apply it two ways.  Returns the accepted count;
 * *next (malloc'd) is the fixed text when it is > 0. */
static uint32_t simulate_round(const lf_check_options *report, const uint8_t *text, uint32_t len, lf_doc *lint,
                               uint32_t *applicable, uint8_t **next, uint32_t *next_len)
{
	run_check(report, text, len, lint);
	CHECK(!lint->changed && !lint->error && lint->fixed_count == 0, text, len,
	      "report mode changed the text or reported a fix");
	check_diags(text, len, &lint->diags);
	check_reports(report, &lint->original, &lint->diags);

	lf_edit_set set;
	lf_edit_set_init(&set);
	lf_edit *flat = NULL;
	uint32_t flat_count = 0, accepted = 0;
	int64_t delta = 0;
	*applicable = 0;
	for (uint32_t i = 0; i < lint->diags.count; i++) {
		const lf_diag *d = &lint->diags.items[i];
		if (!lf_check_fix_applies(report, d))
			continue;
		(*applicable)++;
		/* Independently: does this fix overlap what was accepted so far? */
		bool conflict = false;
		for (uint32_t k = 0; k < d->fix.count && !conflict; k++) {
			for (uint32_t j = 0; j < flat_count && !conflict; j++)
				conflict = fuzz_edits_overlap(d->fix.edits[k].start, d->fix.edits[k].end, flat[j].start,
				                              flat[j].end);
			for (uint32_t j = 0; j < k && !conflict; j++)
				conflict = fuzz_edits_overlap(d->fix.edits[k].start, d->fix.edits[k].end,
				                              d->fix.edits[j].start, d->fix.edits[j].end);
		}
		bool added = lf_edit_set_add_fix(&set, &d->fix, len);
		CHECK(added == !conflict, text, len, "lf_edit_set_add_fix %s the fix of finding %u (%s at %u)",
		      added ? "accepted an overlapping" : "refused a non-overlapping", i, d->rule->code, d->start);
		if (!added)
			continue;
		accepted++;
		flat = realloc(flat, sizeof(lf_edit) * (flat_count + d->fix.count));
		for (uint32_t k = 0; k < d->fix.count; k++) {
			flat[flat_count++] = d->fix.edits[k];
			delta += (int64_t)strlen(d->fix.edits[k].text) - (d->fix.edits[k].end - d->fix.edits[k].start);
		}
	}
	CHECK(set.count == flat_count, text, len, "the edit set holds %u edits, %u were accepted", set.count,
	      flat_count);
	for (uint32_t i = 0; i < set.count; i++) {
		CHECK(set.edits[i].start <= set.edits[i].end && set.edits[i].end <= len, text, len,
		      "edit set: edit out of bounds");
		CHECK(i == 0 || (set.edits[i - 1].end <= set.edits[i].start &&
		                 !fuzz_edits_overlap(set.edits[i - 1].start, set.edits[i - 1].end, set.edits[i].start,
		                                     set.edits[i].end)),
		      text, len, "edit set: edits %u and %u overlap or are out of order", i - 1, i);
	}
	*next = NULL;
	if (accepted) {
		uint32_t lib_len, ref_len;
		uint8_t *lib = lf_edit_set_apply(&set, text, len, &lib_len);
		uint8_t *ref = fuzz_naive_apply(text, len, flat, flat_count, &ref_len);
		CHECK((int64_t)lib_len == (int64_t)len + delta, text, len, "applied length %u, expected %lld", lib_len,
		      (long long)len + delta);
		CHECK(lib_len == ref_len && memcmp(lib, ref, ref_len) == 0, text, len,
		      "lf_edit_set_apply differs from the reference applier");
		free(lib);
		*next = ref;
		*next_len = ref_len;
	}
	lf_edit_set_finish(&set);
	free(flat);
	return accepted;
}

static finding_key *keys_of(const lf_diags *diags)
{
	finding_key *keys = malloc(sizeof(finding_key) * (diags->count + 1));
	for (uint32_t i = 0; i < diags->count; i++) {
		const lf_diag *d = &diags->items[i];
		keys[i] = (finding_key){d->rule->code, d->start, d->end, d->fix.applicability};
	}
	return keys;
}

static void simulate(const lf_check_options *fix_options, const uint8_t *data, uint32_t len, simulation *sim)
{
	lf_check_options report = *fix_options;
	report.fix = false;
	memset(sim, 0, sizeof *sim);
	uint8_t *text = dup_bytes(data, len);
	uint32_t text_len = len;
	finding_key *first_keys = NULL;
	for (bool first = true;; first = false) {
		lf_doc lint;
		uint32_t applicable;
		uint8_t *next;
		uint32_t next_len;
		uint32_t accepted = simulate_round(&report, text, text_len, &lint, &applicable, &next, &next_len);
		if (first) {
			sim->applicable1 = applicable;
			sim->accepted1 = accepted;
			sim->found1 = lint.diags.count;
			first_keys = keys_of(&lint.diags);
		}
		if (accepted == 0 || sim->rounds == FIX_ROUND_CAP) {
			sim->cap_hit = accepted > 0;
			free(next);
			sim->left_count = lint.diags.count;
			sim->left = keys_of(&lint.diags);
			lf_doc_finish(&lint);
			break;
		}
		lf_doc_finish(&lint);
		/* What lf_apply_verified would refuse: a guard that must never trigger. */
		uint32_t before = parse_errors(text, text_len), after = parse_errors(next, next_len);
		if (after > before && before > 0 && allow_known()) {
			/* Bug B2's class (README.md; fixed in 0a189f0, tolerated under
			 * --allow-known only): tree-sitter's error recovery in a file
			 * that already has errors.  lf_check then refuses every fix and
			 * reports the original's findings. */
			sim->refused = true;
			free(next);
			free(text);
			text = dup_bytes(data, len);
			text_len = len;
			sim->rounds = 0;
			sim->fixed = 0;
			sim->left_count = sim->found1;
			sim->left = first_keys;
			first_keys = NULL;
			break;
		}
		if (after > before) {
			fuzz_dump("text after the round", next, next_len);
			fail_on(text, text_len,
			        "round %u of fixes raised the parse errors from %u to %u (lf_check refuses "
			        "the fix: \"a fix would have introduced a syntax error\")",
			        sim->rounds + 1, before, after);
		}
		free(text);
		text = next;
		text_len = next_len;
		sim->rounds++;
		sim->fixed += accepted;
	}
	free(first_keys);
	sim->text = text;
	sim->len = text_len;
}

/* ---- the harness --------------------------------------------------------------- */

/* Whether the text holds an f-string opening: f or F, perhaps with an r/R
 * before or after it, then ' " or ` (the grammar's scanner also takes `
 * as a quote).  Such a string is what leaves the scanner in a state that
 * leaks into the next parse (bug B4). */
static bool is_quote(uint8_t c)
{
	return c == '\'' || c == '"' || c == '`';
}

static bool may_leak_scanner_state(const uint8_t *data, uint32_t len)
{
	for (uint32_t i = 0; i + 1 < len; i++) {
		if (data[i] != 'f' && data[i] != 'F')
			continue;
		uint32_t j = i + 1;
		if (data[j] == 'r' || data[j] == 'R')
			j++;
		if (j < len && is_quote(data[j]))
			return true;
	}
	return false;
}

/* P10: a worker reused after checking `primer` gives the same findings on
 * `data` as a fresh worker. */
static void check_state_independence(const lf_check_options *options, const uint8_t *primer, uint32_t primer_len,
                                     const uint8_t *data, uint32_t len)
{
	if (allow_known())
		return; /* bug B4 (README.md) */
	lf_check_options report = *options;
	report.fix = false;
	lf_doc fresh, reused, ignored;
	run_check(&report, data, len, &fresh);
	lf_worker *worker = lf_worker_create();
	lf_check(worker, &report, dup_bytes(primer, primer_len), primer_len, &ignored);
	lf_doc_finish(&ignored);
	lf_check(worker, &report, dup_bytes(data, len), len, &reused);
	lf_worker_destroy(worker);
	uint32_t differ = fresh.diags.count == reused.diags.count ? UINT32_MAX : 0;
	for (uint32_t i = 0; differ == UINT32_MAX && i < fresh.diags.count; i++) {
		const lf_diag *a = &fresh.diags.items[i], *b = &reused.diags.items[i];
		if (a->rule != b->rule || a->start != b->start || a->end != b->end ||
		    a->fix.applicability != b->fix.applicability || a->fix.count != b->fix.count)
			differ = i;
	}
	if (differ != UINT32_MAX) {
		fuzz_dump("the file checked before (primer)", primer, primer_len);
		const lf_diag *a = differ < fresh.diags.count ? &fresh.diags.items[differ] : NULL;
		const lf_diag *b = differ < reused.diags.count ? &reused.diags.items[differ] : NULL;
		fail_on(data, len,
		        "P10: the findings depend on the file the worker checked before: a fresh worker finds %u, "
		        "one that checked the primer first finds %u; finding %u: %s at [%u,%u) vs %s at [%u,%u)",
		        fresh.diags.count, reused.diags.count, differ, a ? a->rule->code : "none", a ? a->start : 0,
		        a ? a->end : 0, b ? b->rule->code : "none", b ? b->start : 0, b ? b->end : 0);
	}
	lf_doc_finish(&fresh);
	lf_doc_finish(&reused);
}

/* An input "PRIMER" NEXT_FILE "FILE" checks FILE after PRIMER on one worker
 * (P10); without the separator the file is its own primer. */
static const char NEXT_FILE[] = "\n#=====NEXT-FILE=====\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT)
		return 0;
	g_input = data;
	g_input_len = size;
	const uint8_t *primer = data;
	uint32_t primer_len = (uint32_t)size;
	const uint8_t *sep = memmem(data, size, NEXT_FILE, sizeof NEXT_FILE - 1);
	if (sep) {
		primer_len = (uint32_t)(sep - data);
		data = sep + sizeof NEXT_FILE - 1;
		size -= primer_len + sizeof NEXT_FILE - 1;
	}
	uint32_t len = (uint32_t)size;

	lf_check_options options;
	memset(&options, 0, sizeof options);
	for (size_t i = 0; i < lf_fixer_count && i < LF_MAX_RULES; i++)
		options.enabled[i] = true;
	options.fix = true;
	options.unsafe_fixes = size > 0 && (data[0] & 1);

	check_prefilter(data, len);
	check_state_independence(&options, primer, primer_len, data, len);

	/* P1, P2: report mode, round by round. */
	simulation sim;
	simulate(&options, data, len, &sim);

	/* P3: lf_check --fix agrees with the simulation. */
	lf_doc fixed;
	run_check(&options, data, len, &fixed);
	if (allow_known() && may_leak_scanner_state(data, len) &&
	    (!fixed.error != !sim.refused || fixed.changed != (sim.rounds > 0) || lf_doc_text(&fixed)->len != sim.len ||
	     memcmp(lf_doc_text(&fixed)->bytes, sim.text, sim.len) != 0 || fixed.diags.count != sim.left_count)) {
		/* Bug B4: lf_check's own parses (rounds, verification) reuse one
		 * parser, so an f-string can change what the next parse sees. */
		lf_doc_finish(&fixed);
		free(sim.text);
		free(sim.left);
		return 0;
	}
	CHECK(!fixed.error == !sim.refused, data, len, "lf_check error \"%s\", the simulation %s",
	      fixed.error ? fixed.error : "(none)", sim.refused ? "expected a refusal" : "applied every round");
	CHECK(fixed.changed == (sim.rounds > 0), data, len, "lf_check changed=%d, the simulation applied %u rounds",
	      fixed.changed, sim.rounds);
	const lf_source *out = lf_doc_text(&fixed);
	CHECK(out->len == sim.len && memcmp(out->bytes, sim.text, sim.len) == 0, data, len,
	      "lf_check --fix output differs from the round-by-round simulation (%u rounds)", sim.rounds);
	CHECK(fixed.fixed_count == sim.fixed, data, len, "fixed_count %u, the simulation fixed %u", fixed.fixed_count,
	      sim.fixed);
	CHECK(fixed.diags.count == sim.left_count, data, len, "lf_check left %u findings, the simulation %u",
	      fixed.diags.count, sim.left_count);
	for (uint32_t i = 0; i < sim.left_count; i++) {
		const lf_diag *d = &fixed.diags.items[i];
		CHECK(strcmp(d->rule->code, sim.left[i].code) == 0 && d->start == sim.left[i].start &&
		              d->end == sim.left[i].end && d->fix.applicability == sim.left[i].applicability,
		      data, len, "finding %u left by lf_check differs from the simulation's", i);
	}
	check_diags(out->bytes, out->len, &fixed.diags);

	/* P3b: on input that parses, partial parsing (loadfix/partial.h)
	 * finds and fixes exactly what the whole-file parse does (README
	 * "Partial parsing").  Not on input with a syntax error: a whole
	 * parse's error recovery may swallow the statements after it, which
	 * partial parsing, blanking the broken statement, still checks. */
	if (!(allow_known() && may_leak_scanner_state(data, len)) && parse_errors(data, len) == 0) {
		lf_check_options partial_options = options;
		partial_options.partial = true;
		lf_doc partial;
		run_check(&partial_options, data, len, &partial);
		const lf_source *partial_out = lf_doc_text(&partial);
		CHECK(!partial.error == !fixed.error && partial.changed == fixed.changed &&
		              partial.fixed_count == fixed.fixed_count && partial_out->len == out->len &&
		              memcmp(partial_out->bytes, out->bytes, out->len) == 0,
		      data, len, "partial parsing fixed differently from the whole-file parse");
		CHECK(partial.diags.count == fixed.diags.count, data, len,
		      "partial parsing left %u findings, the whole-file parse %u", partial.diags.count,
		      fixed.diags.count);
		for (uint32_t i = 0; i < fixed.diags.count; i++) {
			const lf_diag *a = &fixed.diags.items[i], *b = &partial.diags.items[i];
			CHECK(a->rule == b->rule && a->start == b->start && a->end == b->end &&
			              strcmp(a->message, b->message) == 0 &&
			              a->fix.applicability == b->fix.applicability,
			      data, len, "finding %u differs between partial and whole-file parsing", i);
		}
		lf_doc_finish(&partial);
	}

	/* P4 */
	if (fixed.changed) {
		uint32_t before = parse_errors(data, len), after = parse_errors(out->bytes, out->len);
		CHECK(after <= before, data, len, "the fixed text has %u parse errors, the input %u", after, before);
	}

	/* P7 */
	/* In a file that already has syntax errors, an edit can change how
	 * tree-sitter recovers around it, so the findings after a fix may
	 * differ beyond the fixed ones (README.md, observation O2).  Strict
	 * there only on request. */
	static int strict_recovery = -1;
	if (strict_recovery < 0)
		strict_recovery = getenv("LOADFIX_FUZZ_STRICT_RECOVERY") != NULL;
	bool strict_p7 = strict_recovery || parse_errors(data, len) == 0;
	if (!sim.cap_hit && !sim.refused && strict_p7)
		CHECK(sim.found1 == fixed.diags.count + fixed.fixed_count, data, len,
		      "report mode found %u findings, --fix fixed %u and left %u", sim.found1, fixed.fixed_count,
		      fixed.diags.count);
	if (sim.accepted1 == sim.applicable1 && !sim.refused && strict_p7)
		CHECK(sim.rounds <= 1, data, len,
		      "no fix of round one conflicted (%u applied), yet %u rounds were needed", sim.accepted1,
		      sim.rounds);

	/* P5 */
	if (sim.cap_hit) {
		static bool noted;
		if (!noted) {
			noted = true;
			fprintf(stderr,
			        "NOTE: fixes still pending after %d rounds (the round cap); idempotence not "
			        "checked for such inputs\n",
			        FIX_ROUND_CAP);
		}
		if (getenv("LOADFIX_FUZZ_CAP_FATAL"))
			fail_on(data, len, "fixes still pending after %d rounds", FIX_ROUND_CAP);
	} else if (fixed.changed) {
		lf_doc again;
		run_check(&options, out->bytes, out->len, &again);
		CHECK(!again.changed && again.fixed_count == 0 && !again.error, out->bytes, out->len,
		      "not idempotent: --fix on the fixed text fixed %u more", again.fixed_count);
		lf_doc_finish(&again);
	}

	/* P6 */
	if (fixed.changed) {
		lf_buf diff;
		lf_buf_init(&diff);
		CHECK(lf_diff_append(&diff, "pkg/f.py", data, len, out->bytes, out->len), data, len,
		      "lf_diff_append failed");
		CHECK(diff.len > 0, data, len, "empty diff for a changed file");
		lf_buf applied;
		lf_buf_init(&applied);
		const char *why;
		if (!fuzz_apply_unified(data, len, diff.data, diff.len, &applied, &why)) {
			fuzz_dump("diff", (const uint8_t *)diff.data, diff.len);
			fail_on(data, len, "the diff does not apply: %s", why);
		}
		if (applied.len != out->len || memcmp(applied.data, out->bytes, out->len) != 0) {
			fuzz_dump("diff", (const uint8_t *)diff.data, diff.len);
			fail_on(data, len, "the diff applied to the input does not give the output");
		}
		lf_buf_finish(&applied);
		lf_buf_finish(&diff);
	}

	lf_doc_finish(&fixed);
	free(sim.text);
	free(sim.left);
	return 0;
}
