#include "loadfix/check.h"

#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"
#include "loadfix/call.h"
#include "loadfix/edit.h"
#include "loadfix/fixer.h"
#include "loadfix/parse.h"
#include "loadfix/prefilter.h"
#include "loadfix/resolve.h"
#include "loadfix/suppress.h"
#include "loadfix/verify.h"

/* Fixes are applied in rounds, as ruff does: a fix dropped because it
 * overlapped another is retried on the re-parsed result.  Each round fixes
 * at least one finding, so this cap is never reached on real code. */
#define MAX_FIX_ROUNDS 8

/*
 * CPython refuses more than 200 nested brackets; tree-sitter 0.20.7 frees
 * an invalid pointer while recovering from about 65,000 unclosed ones.  A
 * file nested deeper than this is not Python and is refused before it
 * reaches the parser, with an error naming the reason.
 */
#define MAX_BRACKET_DEPTH 10000

/* The deepest bracket nesting, counted naively over the bytes (brackets in
 * strings count too; with a limit 50 times CPython's, that cannot matter). */
static uint32_t max_bracket_depth(const uint8_t *bytes, uint32_t len)
{
	uint32_t depth = 0, deepest = 0;
	for (uint32_t i = 0; i < len; i++) {
		uint8_t c = bytes[i];
		if (c == '(' || c == '[' || c == '{') {
			if (++depth > deepest)
				deepest = depth;
		} else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return deepest;
}

struct lf_worker {
	lf_prefilter *prefilter;
	lf_parser *parser;
};

lf_worker *lf_worker_create(void)
{
	lf_worker *worker = lf_xcalloc(1, sizeof *worker);
	worker->prefilter = lf_prefilter_create();
	worker->parser = lf_parser_create();
	return worker;
}

void lf_worker_destroy(lf_worker *worker)
{
	if (!worker)
		return;
	lf_prefilter_destroy(worker->prefilter);
	lf_parser_destroy(worker->parser);
	free(worker);
}

bool lf_check_fix_applies(const lf_check_options *options, const lf_diag *diag)
{
	return diag->fix.count > 0 && (diag->fix.applicability == LF_FIX_SAFE ||
	                               (diag->fix.applicability == LF_FIX_UNSAFE && options->unsafe_fixes));
}

static int diag_order(const void *a, const void *b)
{
	const lf_diag *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	int by_code = strcmp(x->rule->code, y->rule->code);
	/* qsort is not stable: order fully, so that equal findings from two
	 * resolutions of one call always keep the same survivor. */
	return by_code ? by_code : strcmp(x->message, y->message);
}

/* Finds what is wrong with `src`, given its parse. */
static void lint_tree(const lf_check_options *options, const lf_source *src, TSTree *tree, lf_diags *diags)
{
	lf_refs refs;
	lf_refs_init(&refs);
	lf_resolve_load_refs(tree, src, &refs);
	for (uint32_t i = 0; i < refs.count; i++) {
		const lf_load_ref *ref = &refs.items[i];
		lf_call_args args;
		lf_call_args_analyze(ref, src, &args);
		uint32_t first = diags->count;
		for (size_t f = 0; f < lf_fixer_count; f++)
			if (options->enabled[f] && lf_fixers[f]->family == ref->target->family)
				lf_fixers[f]->check(lf_fixers[f]->rule, ref, &args, src, diags);
		/* A finding on `weights_only=False` inside a multi-line call is
		 * suppressed where the README says, on the call's first or last
		 * line, not on the keyword's own line. */
		for (uint32_t d = first; d < diags->count; d++) {
			diags->items[d].span_start = ts_node_start_byte(ref->node);
			diags->items[d].span_end = ts_node_end_byte(ref->node);
		}
	}
	lf_refs_finish(&refs);
	TSNode root = ts_tree_root_node(tree);
	for (uint32_t i = diags->count; i-- > 0;) {
		const lf_diag *diag = &diags->items[i];
		if (lf_suppressed(src, root, diag->span_start, diag->span_end, diag->rule->code))
			lf_diags_remove(diags, i);
	}
	if (diags->count > 1)
		qsort(diags->items, diags->count, sizeof(lf_diag), diag_order);
	/* A call that flow-insensitive resolution ties to two loaders of one
	 * family (`try: import cPickle as pickle` / `except: import pickle`)
	 * is one finding, not two. */
	for (uint32_t i = diags->count; i-- > 1;) {
		const lf_diag *a = &diags->items[i - 1], *b = &diags->items[i];
		if (a->rule == b->rule && a->start == b->start && a->end == b->end)
			lf_diags_remove(diags, i);
	}
}

void lf_check(lf_worker *worker, const lf_check_options *options, uint8_t *bytes, uint32_t len, lf_check_result *result)
{
	lf_source src;
	lf_source_init(&src, bytes, len);
	lf_check_source(worker, options, &src, result);
}

void lf_check_source(lf_worker *worker, const lf_check_options *options, lf_source *src, lf_check_result *result)
{
	memset(result, 0, sizeof *result);
	result->original = *src;
	memset(src, 0, sizeof *src);
	uint8_t *bytes = result->original.bytes;
	uint32_t len = result->original.len;
	lf_diags_init(&result->diags);
	if (!lf_prefilter_may_refer(worker->prefilter, bytes, len))
		return;
	if (max_bracket_depth(bytes, len) > MAX_BRACKET_DEPTH) {
		result->error = lf_xasprintf("brackets are nested more than %d deep (Python allows 200); not checked",
		                             MAX_BRACKET_DEPTH);
		return;
	}

	const lf_source *current = &result->original;
	lf_source next = {0};
	result->parsed = true;
	TSTree *tree = lf_parser_parse(worker->parser, bytes, len);
	uint32_t errors = lf_count_parse_errors(ts_tree_root_node(tree));
	for (int round = 0;; round++) {
		lint_tree(options, current, tree, &result->diags);
		if (!options->fix || round == MAX_FIX_ROUNDS)
			break;
		lf_edit_set edits;
		lf_edit_set_init(&edits);
		uint32_t applied = 0;
		for (uint32_t i = 0; i < result->diags.count; i++)
			if (lf_check_fix_applies(options, &result->diags.items[i]) &&
			    lf_edit_set_add_fix(&edits, &result->diags.items[i].fix, current->len))
				applied++;
		if (applied == 0) {
			lf_edit_set_finish(&edits);
			break;
		}
		uint8_t *fixed_bytes;
		uint32_t fixed_len;
		TSTree *fixed_tree;
		bool ok = lf_apply_verified(worker->parser, current, errors, &edits, &fixed_bytes, &fixed_len,
		                            &fixed_tree);
		lf_edit_set_finish(&edits);
		if (!ok) {
			/* Never expected: keep the last good text and say so. */
			result->error = lf_xstrdup("a fix would have introduced a syntax error; no fix was applied "
			                           "(please report this as a loadfix bug)");
			break;
		}
		ts_tree_delete(tree);
		tree = fixed_tree;
		errors = lf_count_parse_errors(ts_tree_root_node(tree));
		lf_source_init(&next, fixed_bytes, fixed_len);
		if (result->changed)
			lf_source_finish(&result->fixed);
		result->fixed = next;
		result->changed = true;
		current = &result->fixed;
		result->fixed_count += applied;
		lf_diags_finish(&result->diags);
	}
	if (result->error) {
		/* Report against the original, unchanged text. */
		if (result->changed)
			lf_source_finish(&result->fixed);
		result->changed = false;
		result->fixed_count = 0;
		lf_diags_finish(&result->diags);
		ts_tree_delete(tree);
		tree = lf_parser_parse(worker->parser, bytes, len);
		lf_check_options report_only = *options;
		report_only.fix = false;
		lint_tree(&report_only, &result->original, tree, &result->diags);
	}
	ts_tree_delete(tree);
}

void lf_check_result_finish(lf_check_result *result)
{
	lf_source_finish(&result->original);
	if (result->changed)
		lf_source_finish(&result->fixed);
	lf_diags_finish(&result->diags);
	free(result->error);
	memset(result, 0, sizeof *result);
}

const lf_source *lf_check_result_text(const lf_check_result *result)
{
	return result->changed ? &result->fixed : &result->original;
}
