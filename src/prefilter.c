#define PCRE2_CODE_UNIT_WIDTH 8
#include "loadfix/prefilter.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "loadfix/buf.h"

/*
 * What text must a reference to torch's load contain?
 *  - Every route goes through a name bound by an import of torch
 *    (`import torch...`, `from torch... import`), so the word `torch`
 *    must occur.                                          -> TORCH_WORD
 *  - Then either the function is reached as an attribute (`torch.load`,
 *    `th.load`, `ser.load`, `torch . serialization . load`, with line
 *    continuations or, inside brackets, newlines and comments between the
 *    dot and the name)                                    -> DOT_LOAD
 *  - or it is imported by name from torch or torch.serialization
 *    (`from torch import load as l`, `from torch import *`) -> FROM_TORCH
 * Dynamic access (getattr(torch, "load"), importlib) is out of scope and
 * documented as such.
 */
static const char *const TORCH_WORD = "\\btorch\\b";
static const char *const DOT_LOAD = "\\.(?:\\s|\\\\|#[^\\n]*)*load\\b";
static const char *const FROM_TORCH = "\\bfrom(?:\\s|\\\\)+torch\\b";

enum { PATTERN_TORCH_WORD, PATTERN_DOT_LOAD, PATTERN_FROM_TORCH, PATTERN_COUNT };

static pcre2_code *patterns[PATTERN_COUNT];
static pthread_once_t patterns_once = PTHREAD_ONCE_INIT;

static pcre2_code *compile(const char *pattern)
{
	int error;
	PCRE2_SIZE offset;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &error, &offset, NULL);
	if (!code) {
		/* A pattern that does not compile is a bug in this file. */
		fprintf(stderr, "loadfix: internal error: bad prefilter pattern %s\n", pattern);
		abort();
	}
	/* JIT is an optimisation: without it (e.g. W^X memory) matching still works. */
	(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	return code;
}

static void compile_patterns(void)
{
	patterns[PATTERN_TORCH_WORD] = compile(TORCH_WORD);
	patterns[PATTERN_DOT_LOAD] = compile(DOT_LOAD);
	patterns[PATTERN_FROM_TORCH] = compile(FROM_TORCH);
}

struct lf_prefilter {
	pcre2_match_data *match;
};

lf_prefilter *lf_prefilter_create(void)
{
	pthread_once(&patterns_once, compile_patterns);
	lf_prefilter *prefilter = lf_xcalloc(1, sizeof *prefilter);
	prefilter->match = pcre2_match_data_create(1, NULL);
	if (!prefilter->match) {
		fputs("loadfix: out of memory\n", stderr);
		exit(2);
	}
	return prefilter;
}

void lf_prefilter_destroy(lf_prefilter *prefilter)
{
	if (!prefilter)
		return;
	pcre2_match_data_free(prefilter->match);
	free(prefilter);
}

static bool matches(lf_prefilter *prefilter, int which, const uint8_t *bytes, size_t len)
{
	/* NO_UTF_CHECK is implied: the patterns are compiled without UTF mode, so
	 * bytes are bytes and invalid UTF-8 cannot make matching fail. */
	int rc = pcre2_match(patterns[which], bytes, len, 0, 0, prefilter->match, NULL);
	/* Any matching error (e.g. a resource limit) counts as "may refer":
	 * the prefilter may only ever err towards parsing. */
	return rc != PCRE2_ERROR_NOMATCH;
}

bool lf_prefilter_may_refer(lf_prefilter *prefilter, const uint8_t *bytes, size_t len)
{
	if (!matches(prefilter, PATTERN_TORCH_WORD, bytes, len))
		return false;
	return matches(prefilter, PATTERN_DOT_LOAD, bytes, len) ||
	       matches(prefilter, PATTERN_FROM_TORCH, bytes, len);
}
