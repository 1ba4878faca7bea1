#include "loadfix/check.h"

#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"
#include "loadfix/call.h"
#include "loadfix/edit.h"
#include "loadfix/evidence.h"
#include "loadfix/fixer.h"
#include "loadfix/parse.h"
#include "loadfix/partial.h"
#include "loadfix/prefilter.h"
#include "loadfix/project.h"
#include "loadfix/resolve.h"
#include "loadfix/suppress.h"
#include "loadfix/verify.h"
#include "loadfix/wrappers.h"

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
	lf_resolve_context context = {.project = options->project, .path = options->path};
	lf_resolve_load_refs_in(tree, src, &context, &refs);
	/* Calls of the project's wrappers of torch.load (this file's and other
	 * modules'), checked as torch.load's keyword is.  Only a file that
	 * spells weights_only can hold one (loadfix/wrappers.h). */
	lf_wrappers own;
	lf_wrappers_init(&own);
	if (lf_prefilter_names_weights_only(src->bytes, src->len)) {
		lf_wrappers_discover(tree, src, &context, &refs, &own);
		lf_wrappers_add_calls(tree, src, &context, &own, &refs);
	}
	lf_evidence_file *evidence = lf_evidence_file_create(tree, src);
	/* The project's other files' saves to a literal path count too
	 * (loadfix/save_index.h); the index is built on the first question. */
	lf_evidence_file_set_project(evidence, options->project, options->path);
	for (uint32_t i = 0; i < refs.count; i++) {
		const lf_load_ref *ref = &refs.items[i];
		lf_call_args args;
		lf_call_args_analyze(ref, src, &args);
		args.torch = &options->torch;
		args.evidence = evidence;
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
	lf_wrappers_finish(&own);
	lf_evidence_file_destroy(evidence);
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

/*
 * Parses the partial text.  A parse error there may come from a statement
 * the lexer split wrongly, or be one whose recovery a whole parse would
 * spread differently: either way the file is parsed whole (*partial_parse
 * becomes false and `partial` is finished), so partial parsing only ever
 * sees files whose selected statements parse cleanly.
 */
static TSTree *parse_partial(lf_parser *parser, lf_partial *partial, const uint8_t *bytes, uint32_t len,
                             bool *partial_parse)
{
	TSTree *tree = lf_parser_parse(parser, partial->text, partial->len);
	if (!ts_node_has_error(ts_tree_root_node(tree)))
		return tree;
	ts_tree_delete(tree);
	lf_partial_finish(partial);
	*partial_parse = false;
	return lf_parser_parse(parser, bytes, len);
}

void lf_check(lf_worker *worker, const lf_check_options *options, uint8_t *bytes, uint32_t len, lf_doc *doc)
{
	lf_source src;
	lf_source_init(&src, bytes, len);
	lf_check_source(worker, options, &src, doc);
}

/* Records a round's edits in the document, as owned copies (the set
 * borrows its texts from findings that the next round frees). */
static void record_round(lf_doc *doc, const lf_edit_set *edits)
{
	lf_fix *round = &doc->rounds[doc->round_count++];
	lf_fix_init(round);
	for (uint32_t i = 0; i < edits->count; i++)
		lf_fix_replace(round, edits->edits[i].start, edits->edits[i].end, edits->edits[i].text);
}

void lf_check_source(lf_worker *worker, const lf_check_options *options, lf_source *src, lf_doc *doc)
{
	lf_doc_init(doc);
	doc->original = *src;
	memset(src, 0, sizeof *src);
	uint8_t *bytes = doc->original.bytes;
	uint32_t len = doc->original.len;
	if (!lf_prefilter_may_refer(worker->prefilter, bytes, len) &&
	    !lf_project_star_imports_bind(options->project, worker->prefilter, options->path, bytes, len) &&
	    !(options->project && lf_prefilter_names_weights_only(bytes, len)))
		return;
	if (max_bracket_depth(bytes, len) > MAX_BRACKET_DEPTH) {
		doc->error = lf_xasprintf("brackets are nested more than %d deep (Python allows 200); not checked",
		                          MAX_BRACKET_DEPTH);
		return;
	}

	const lf_source *current = &doc->original;
	doc->parsed = true;
	/* The partial parse's tree is of a blanked copy: it cannot be kept for
	 * an editor's incremental reparse (loadfix server), nor start from one.
	 * The server reparses incrementally instead. */
	lf_partial partial;
	bool partial_parse = options->partial && !options->previous_tree && !options->keep_tree &&
	                     lf_partial_init(&partial, bytes, len);
	bool tried_partial = partial_parse;
	TSTree *tree = partial_parse ? parse_partial(worker->parser, &partial, bytes, len, &partial_parse)
	                             : lf_parser_reparse(worker->parser, bytes, len, options->previous_tree);
	doc->whole_reparses += tried_partial && !partial_parse;
	doc->parsed_bytes = partial_parse ? partial.selected_bytes : len;
	uint32_t errors = lf_count_parse_errors(ts_tree_root_node(tree));
	for (int round = 0;; round++) {
		lint_tree(options, current, tree, &doc->diags);
		if (!options->fix || round == LF_MAX_FIX_ROUNDS)
			break;
		lf_edit_set edits;
		lf_edit_set_init(&edits);
		uint32_t applied = 0;
		for (uint32_t i = 0; i < doc->diags.count; i++)
			if (lf_check_fix_applies(options, &doc->diags.items[i]) &&
			    lf_edit_set_add_fix(&edits, &doc->diags.items[i].fix, current->len))
				applied++;
		if (applied == 0) {
			lf_edit_set_finish(&edits);
			break;
		}
		uint8_t *fixed_bytes;
		uint32_t fixed_len;
		TSTree *fixed_tree;
		if (partial_parse && !lf_partial_covers(&partial, &edits)) {
			/* Never expected (fixes edit the calls found, which are
			 * selected): go on with whole parses. */
			lf_partial_finish(&partial);
			partial_parse = false;
			ts_tree_delete(tree);
			tree = lf_parser_parse(worker->parser, current->bytes, current->len);
			errors = lf_count_parse_errors(ts_tree_root_node(tree));
		}
		bool ok = partial_parse ? lf_apply_verified_partial(worker->parser, current, &partial, tree, errors,
		                                                    &edits, &fixed_bytes, &fixed_len, &fixed_tree)
		                        : lf_apply_verified(worker->parser, current, errors, &edits, &fixed_bytes,
		                                            &fixed_len, &fixed_tree);
		if (!ok) {
			/* Never expected: keep the original text and say so. */
			lf_edit_set_finish(&edits);
			doc->error = lf_xstrdup("a fix would have introduced a syntax error; no fix was applied "
			                        "(please report this as a loadfix bug)");
			break;
		}
		record_round(doc, &edits);
		lf_edit_set_finish(&edits);
		ts_tree_delete(tree);
		tree = fixed_tree;
		errors = lf_count_parse_errors(ts_tree_root_node(tree));
		if (doc->changed)
			lf_source_finish(&doc->fixed);
		lf_source_init(&doc->fixed, fixed_bytes, fixed_len);
		current = &doc->fixed;
		if (!doc->changed) {
			/* round 0's findings are the original text's: kept for a revert */
			doc->original_diags = doc->diags;
			lf_diags_init(&doc->diags);
		} else {
			lf_diags_finish(&doc->diags);
		}
		doc->changed = true;
		doc->fixed_count += applied;
	}
	/* Only the original text's parse is worth keeping (a fixed text is
	 * not what the editor holds). */
	if (options->keep_tree && !doc->changed)
		doc->tree = tree;
	else
		ts_tree_delete(tree);
	if (partial_parse)
		lf_partial_finish(&partial);
	if (doc->error) {
		/* Report against the original, unchanged text and its findings:
		 * no second run of the pipeline. */
		lf_doc_revert(doc);
	}
}
