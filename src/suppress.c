#define PCRE2_CODE_UNIT_WIDTH 8
#include "loadfix/suppress.h"

#include "loadfix/rules.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A directive and its optional code list: "noqa", "noqa: LF001,LF002",
 * "nosec B614", "nosec: B614, B301".  Codes are an uppercase prefix and
 * digits, as both tools define them. */
static const char *const DIRECTIVE =
        "#\\s*(?i:(noqa|nosec))(?![\\w-])(?:[ \\t]*:?[ \\t]*([A-Z]+[0-9]+(?:[ \\t]*,?[ \\t]*[A-Z]+[0-9]+)*))?";
static const char *const CODE = "[A-Z]+[0-9]+";

static pcre2_code *directive_re, *code_re;
static pthread_once_t compile_once = PTHREAD_ONCE_INIT;

static pcre2_code *compile(const char *pattern)
{
	int error;
	PCRE2_SIZE offset;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &error, &offset, NULL);
	if (!re) {
		fprintf(stderr, "loadfix: internal error: bad suppression pattern %s\n", pattern);
		abort();
	}
	if (!getenv("LOADFIX_NO_JIT")) /* see prefilter.c */
		(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

static void compile_patterns(void)
{
	directive_re = compile(DIRECTIVE);
	code_re = compile(CODE);
}

/* Whether the code list [start, end) names `code` (or, for nosec, the
 * rule's Bandit code: B614 for torch.load, B301 for pickle, ...). */
static bool list_names(const uint8_t *text, size_t start, size_t end, const char *code, bool nosec,
                       pcre2_match_data *match)
{
	const lf_rule *rule = lf_rule_find(code);
	const char *alias = rule ? rule->bandit : NULL;
	size_t alias_len = alias ? strlen(alias) : 0;
	while (start < end && pcre2_match(code_re, text, end, start, 0, match, NULL) > 0) {
		PCRE2_SIZE *ovector = pcre2_get_ovector_pointer(match);
		size_t len = ovector[1] - ovector[0];
		const char *found = (const char *)text + ovector[0];
		if ((len == strlen(code) && memcmp(found, code, len) == 0) ||
		    (nosec && alias && len == alias_len && memcmp(found, alias, len) == 0))
			return true;
		start = ovector[1];
	}
	return false;
}

bool lf_comment_suppresses(const uint8_t *comment, uint32_t len, const char *code)
{
	pthread_once(&compile_once, compile_patterns);
	pcre2_match_data *match = pcre2_match_data_create(4, NULL);
	pcre2_match_data *codes = pcre2_match_data_create(1, NULL);
	if (!match || !codes) {
		fputs("loadfix: out of memory\n", stderr);
		exit(2);
	}
	bool suppressed = false;
	size_t at = 0;
	while (!suppressed && at < len && pcre2_match(directive_re, comment, len, at, 0, match, NULL) > 0) {
		PCRE2_SIZE *ovector = pcre2_get_ovector_pointer(match);
		bool nosec = (ovector[3] - ovector[2]) == 5; /* "nosec" vs "noqa" */
		if (ovector[4] == PCRE2_UNSET)
			suppressed = true; /* a blanket directive */
		else
			suppressed = list_names(comment, ovector[4], ovector[5], code, nosec, codes);
		at = ovector[1] > at ? ovector[1] : at + 1;
	}
	pcre2_match_data_free(match);
	pcre2_match_data_free(codes);
	return suppressed;
}

/* Whether a comment on the line holding `offset` suppresses `code`. */
static bool line_suppresses(const lf_source *src, TSNode root, uint32_t offset, const char *code)
{
	uint32_t line = lf_source_line_of(src, offset);
	uint32_t pos = src->line_starts[line];
	uint32_t end = line + 1 < src->line_count ? src->line_starts[line + 1] : src->len;
	while (pos < end) {
		const uint8_t *hash = memchr(src->bytes + pos, '#', end - pos);
		if (!hash)
			return false;
		pos = (uint32_t)(hash - src->bytes);
		TSNode node = ts_node_descendant_for_byte_range(root, pos, pos + 1);
		if (strcmp(ts_node_type(node), "comment") == 0 && ts_node_start_byte(node) == pos) {
			uint32_t comment_end = ts_node_end_byte(node);
			return lf_comment_suppresses(src->bytes + pos, comment_end - pos, code);
		}
		pos++;
	}
	return false;
}

bool lf_suppressed(const lf_source *src, TSNode root, uint32_t start, uint32_t end, const char *code)
{
	uint32_t last = end > start ? end - 1 : start;
	return line_suppresses(src, root, start, code) ||
	       (lf_source_line_of(src, last) != lf_source_line_of(src, start) &&
	        line_suppresses(src, root, last, code));
}
