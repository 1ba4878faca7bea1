#ifndef LOADFIX_CALL_H
#define LOADFIX_CALL_H

#include <stdbool.h>
#include <stdint.h>
#include <tree_sitter/api.h>

#include "loadfix/edit.h"
#include "loadfix/resolve.h"
#include "loadfix/source.h"

/*
 * What the arguments of one loader call (or partial(torch.load, ...)) say
 * about the keyword that decides its safety (the target's spec in
 * loadfix/targets.h: weights_only, allow_pickle, Loader, safe_mode, ...),
 * and where a new keyword would go.  For torch.load:
 *     torch.load(f, map_location=None, pickle_module=None, *,
 *                weights_only=..., **pickle_load_args)
 */
typedef struct lf_call_args {
	bool is_argument_list; /* false: `torch.load(x for x in y)` */
	bool has_error;        /* a parse error inside the call */
	TSNode open_paren, close_paren;
	TSNode last;             /* last argument, or null */
	TSNode trailing_comma;   /* the comma after `last`, or null */
	uint32_t positional;     /* the function's own positional arguments */
	bool star_args;          /* *args */
	bool star_kwargs;        /* **kwargs */
	TSNode keyword;          /* the deciding argument (keyword_argument, or the
	                              positional argument at its position), or null */
	TSNode keyword_value;    /* its value without parentheses */
	bool keyword_positional; /* given positionally */
	TSNode blocker;          /* the blocking argument (torch.load's pickle_module,
	                              keyword or third positional) unless it is None, or null */
	TSNode first_argument;   /* the first positional argument (a path), or null */
	/* Not about the call: the run's torch version facts (lf_check_options'),
	 * set by the pipeline so that fixers see them; NULL when unknown. */
	const struct lf_torch_versions *torch;
	/* The file's evidence index (loadfix/evidence.h), also set by the
	 * pipeline; NULL: no evidence is read. */
	struct lf_evidence_file *evidence;
} lf_call_args;

/* What Python's truth test makes of a literal value, when the source says. */
typedef enum lf_truth {
	LF_TRUTH_UNKNOWN, /* not a literal (a name, a call, an f-string with fields, ...) */
	LF_TRUTH_TRUE,    /* True, a non-empty string or bytes literal, a non-zero integer */
	LF_TRUTH_FALSE,   /* False, None, an empty string or bytes literal, a zero integer */
} lf_truth;

typedef enum lf_literal {
	LF_LITERAL_NONE,   /* not a literal */
	LF_LITERAL_BOOL,   /* True, False */
	LF_LITERAL_NULL,   /* None */
	LF_LITERAL_STRING, /* a string or bytes literal without fields */
	LF_LITERAL_NUMBER, /* an integer literal */
} lf_literal;

/* The truth of `value` (already unparenthesized); `*kind` says what kind
 * of literal it is. */
lf_truth lf_literal_truth(TSNode value, lf_literal *kind);
/* The same, judging integer literals too (`allow_pickle=1`), which needs
 * their text. */
lf_truth lf_literal_truth_in(TSNode value, const lf_source *src, lf_literal *kind);

/* The text of a string literal with no fields and no escape sequences
 * (`"1"`, `'TORCH_...'`, r"x"): true with [*text, *text + *len) in `src`.
 * Escapes are not decoded: such a literal is not known (false). */
bool lf_string_literal_value(TSNode value, const lf_source *src, const uint8_t **text, uint32_t *len);

void lf_call_args_analyze(const lf_load_ref *ref, const lf_source *src, lf_call_args *args);

/*
 * Adds to `fix` the edits that append the keyword argument `keyword`
 * (e.g. "weights_only=True") after the call's last argument, in the file's
 * own layout (see the README, "How a fix is placed").  Returns false when
 * the call has no argument list to extend.
 */
bool lf_call_append_keyword(const lf_call_args *args, const lf_source *src, const char *keyword, lf_fix *fix);

#endif
