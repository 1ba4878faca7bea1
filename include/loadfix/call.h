#ifndef LOADFIX_CALL_H
#define LOADFIX_CALL_H

#include <stdbool.h>
#include <stdint.h>
#include <tree_sitter/api.h>

#include "loadfix/edit.h"
#include "loadfix/resolve.h"
#include "loadfix/source.h"

/*
 * What the arguments of one torch.load call (or partial(torch.load, ...))
 * say about weights_only, and where a new keyword would go.  Signature:
 *     torch.load(f, map_location=None, pickle_module=pickle, *,
 *                weights_only=..., **pickle_load_args)
 */
typedef struct lf_call_args {
	bool is_argument_list; /* false: `torch.load(x for x in y)` */
	bool has_error;        /* a parse error inside the call */
	TSNode open_paren, close_paren;
	TSNode last;               /* last argument, or null */
	TSNode trailing_comma;     /* the comma after `last`, or null */
	uint32_t positional;       /* load's own positional arguments */
	bool star_args;            /* *args */
	bool star_kwargs;          /* **kwargs */
	TSNode weights_only;       /* the keyword_argument, or null */
	TSNode weights_only_value; /* its value without parentheses */
	TSNode pickle_module;      /* keyword or third positional argument, or null */
} lf_call_args;

/* What Python's truth test makes of a literal value, when the source says. */
typedef enum lf_truth {
	LF_TRUTH_UNKNOWN, /* not a literal (a name, a call, an f-string with fields, ...) */
	LF_TRUTH_TRUE,    /* True, or a non-empty string or bytes literal */
	LF_TRUTH_FALSE,   /* False, or an empty string or bytes literal */
} lf_truth;

/* The truth of `value` (already unparenthesized); `*is_string` says whether
 * it is a string or bytes literal rather than True/False. */
lf_truth lf_literal_truth(TSNode value, bool *is_string);

void lf_call_args_analyze(const lf_load_ref *ref, const lf_source *src, lf_call_args *args);

/*
 * Adds to `fix` the edits that append the keyword argument `keyword`
 * (e.g. "weights_only=True") after the call's last argument, in the file's
 * own layout (see the README, "How a fix is placed").  Returns false when
 * the call has no argument list to extend.
 */
bool lf_call_append_keyword(const lf_call_args *args, const lf_source *src, const char *keyword, lf_fix *fix);

#endif
