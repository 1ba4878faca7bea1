#define PCRE2_CODE_UNIT_WIDTH 8
#include "loadfix/prefilter.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uninorm.h>

#include "loadfix/buf.h"
#include "loadfix/targets.h"

/*
 * What text must a reference to torch's load contain?  In ML code most
 * files mention torch and few load checkpoints, so "mentions torch" is far
 * too weak (in PyTorch's own sources it would parse 9 files in 10).
 *
 *  1. Every route starts at an import of torch, so the word `torch` must
 *     occur.                                                  TORCH_WORD
 *  2. The function imported by name: `from torch import load [as x]`,
 *     `from torch import *`, `from torch import serialization`, and the
 *     same from torch.serialization (parenthesised, multi-line and
 *     backslash-continued import lists included).            FROM_TORCH
 *  3. Otherwise it is reached as an attribute `.load` whose object is a
 *     name for torch or torch.serialization: `torch`, `serialization`, an
 *     `import torch... as NAME` alias, or a name assigned from one of those
 *     (`th = torch`, followed transitively, as the resolver does).  The
 *     object may also be parenthesised: `(torch).load`.      DOT_LOAD,
 *                                                     IMPORT_AS, ASSIGN
 * Between the dot and its neighbours there may be spaces, newlines and
 * comments (inside brackets) or line continuations.  Dynamic access
 * (getattr(torch, "load"), importlib) is out of scope and documented.
 */
/* Possessive: a comment runs to the end of its line and spaces are spaces,
 * so nothing is ever given back; backtracking into it was exponential on
 * commented-out code after a '.' (PCRE2 gave up, and the file was parsed). */
#define GAP "(?:\\s++|\\\\|#[^\\n]*+)*+"
/* One or more of GAP's pieces, between the words of an import.  Python
 * allows no comment there, but tree-sitter's error recovery joins
 * `from torch` / `# c` / ` import load` into one import (the fuzzer found
 * it), and the prefilter must never reject what the resolver binds. */
#define BREAK "(?:\\s++|\\\\|#[^\\n]*+)++"
static const char *const TORCH_WORD = "\\btorch\\b";
static const char *const FROM_TORCH =
        "\\bfrom" BREAK "torch(?:" GAP "\\." GAP "serialization)?" BREAK "import\\b" GAP
        "(?:\\*|\\([^)]*?\\b(?:load|serialization)\\b|(?:[^;(\\n\\\\]|\\\\\\r?\\n)*?\\b(?:load|serialization)\\b)";
static const char *const DOT_LOAD = "\\." GAP "load\\b";
/* Names are bytes: without UTF mode \\w is ASCII, and Python allows
 * non-ASCII identifiers. */
#define NAME "[\\w\\x80-\\xff]+"
static const char *const IMPORT_AS = "\\btorch\\b(?:" GAP "\\." GAP NAME ")*[\\s\\\\]+as[\\s\\\\]+(" NAME ")";
/* Any `= name...` (also in a chain, after `;`, inside brackets,
 * `x = torch.serialization`): the first name on the right is enough to
 * over-approximate the resolver's aliases.  The pattern starts at the `=`
 * (a pattern starting at a name is tried at every word); the target is
 * found by scanning backwards. */
static const char *const ASSIGN = "(?<![=!<>])=(?!=)[\\s\\\\(]*(" NAME ")";

/*
 * The other loaders come from the target table (loadfix/targets.h), so a
 * new row is prefiltered without touching this file:
 *  4. torch's other entry points (torch.hub.load_state_dict_from_url,
 *     torch.utils.model_zoo.load_url) are rare words: the word itself,
 *     in a file that mentions torch.                          TORCH_OTHER
 *  5. Every other loader is reached from an import of its top-level
 *     module (`import numpy as np`, `from yaml import load`, `import os,
 *     pickle`, `from sklearn.externals import joblib`), so such an import
 *     must occur, and the loader's own last name (numpy's `load`, pandas'
 *     `read_pickle`) must occur as a word too: most files that import
 *     numpy never call np.load.  A file that names pickle only in a
 *     comment or a string is not parsed.         OTHER_IMPORT + root words
 *  6. LF106 looks at any call: the keyword's own word.       ANY_KEYWORD
 *  7. A star import of a module that is not a loader's (`from pkg.utils
 *     import *`) may bind one from the project (loadfix/project.h): the
 *     prefilter cannot see the other file, so it lists the star imports
 *     (lf_prefilter_star_imports) and the project says whether any binds a
 *     loader.                                                 STAR_IMPORT
 */
/*
 *  8. LF006 in Python reports only a literal variable name, so the name
 *     itself must occur (most files import os; few set this).  ENV_WORD
 *  9. LF007's `setattr(torch, "load", f)` (and monkeypatch's, mock's
 *     patch.object) spell `load` in a string, not after a dot: `setattr(`
 *     or `patch.object(` whose first argument starts with a name for torch
 *     (pattern 3's names: `setattr(th.serialization, ...)`; the resolver
 *     classifies that argument as a name or a dotted chain). A bare word
 *     setattr was too weak: typing.py and most large modules use it.
 *                                                             REPLACE_CALL
 *     (`torch.load = f`, `torch.load.__kwdefaults__` and the "torch.load"
 *     strings of monkeypatch and mock.patch are pattern 3's `.load`.)
 */
#define ENV_WORD_LITERAL "TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"
static const char *const ENV_WORD = "\\b" ENV_WORD_LITERAL "\\b";
static const char *const REPLACE_CALL =
        "\\b(?:setattr|patch" GAP "\\." GAP "object)" GAP "\\((?:\\s++|\\(|\\\\|#[^\\n]*+)*+(" NAME ")";
static const char *const STAR_IMPORT =
        "(?m)(?:^|[;:])[ \\t]*+from" BREAK "(\\.*+)" GAP "([\\w.]*+)" BREAK "import" GAP "\\*";
enum {
	TORCH_WORD_RE,
	FROM_TORCH_RE,
	DOT_LOAD_RE,
	IMPORT_AS_RE,
	ASSIGN_RE,
	TORCH_OTHER_RE,
	OTHER_IMPORT_RE,
	ANY_KEYWORD_RE,
	STAR_IMPORT_RE,
	ENV_WORD_RE,
	REPLACE_CALL_RE,
	PATTERN_COUNT
};

static pcre2_code *patterns[PATTERN_COUNT];
static pthread_once_t patterns_once = PTHREAD_ONCE_INIT;

static pcre2_code *compile(const char *pattern)
{
	int error;
	PCRE2_SIZE offset;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &error, &offset, NULL);
	if (!code) {
		/* A pattern that does not compile is a bug in this file. */
		fprintf(stderr, "loadfix: internal error: bad prefilter pattern %s at %zu\n", pattern, (size_t)offset);
		abort();
	}
	/* JIT is an optimisation: without it (e.g. W^X memory) matching still
	 * works.  LOADFIX_NO_JIT=1 turns it off for valgrind, which cannot
	 * follow JIT-compiled code and reports false errors in it. */
	if (!getenv("LOADFIX_NO_JIT"))
		(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	return code;
}

/* Appends `word` to an alternation unless it is there already. */
static void add_alternative(lf_buf *alternation, const char *word, size_t len)
{
	for (size_t at = 0; at < alternation->len;) {
		const char *bar = memchr(alternation->data + at, '|', alternation->len - at);
		size_t end = bar ? (size_t)(bar - alternation->data) : alternation->len;
		if (end - at == len && memcmp(alternation->data + at, word, len) == 0)
			return;
		at = end + 1;
	}
	if (alternation->len)
		lf_buf_putc(alternation, '|');
	lf_buf_append(alternation, word, len);
}

/* Per top-level module of the other loaders: the last names of its rows,
 * as one word pattern (pattern 5's second half). */
#define MAX_ROOTS 32
static struct {
	char name[32];
	pcre2_code *words;
} root_words[MAX_ROOTS];
static size_t root_count;

static void root_word_patterns(void)
{
	for (size_t i = 0; i < lf_target_count; i++) {
		const lf_target *t = &lf_targets[i];
		if (strcmp(t->name, "*") == 0 || t->family == LF_FAMILY_TORCH_LOAD || t->family == LF_FAMILY_ENV_SWITCH)
			continue;
		const char *dot = strchr(t->name, '.');
		size_t len = dot ? (size_t)(dot - t->name) : strlen(t->name);
		size_t r = 0;
		while (r < root_count &&
		       !(strlen(root_words[r].name) == len && memcmp(root_words[r].name, t->name, len) == 0))
			r++;
		if (r == root_count) {
			if (root_count == MAX_ROOTS || len >= sizeof root_words[0].name)
				abort(); /* a table larger than this is a bug in this file */
			memcpy(root_words[r].name, t->name, len);
			root_words[r].name[len] = '\0';
			root_count++;
		}
	}
	for (size_t r = 0; r < root_count; r++) {
		lf_buf words;
		lf_buf_init(&words);
		for (size_t i = 0; i < lf_target_count; i++) {
			const char *name = lf_targets[i].name;
			size_t len = strlen(root_words[r].name);
			if (strncmp(name, root_words[r].name, len) != 0 || name[len] != '.')
				continue;
			const char *last = strrchr(name, '.') + 1;
			add_alternative(&words, last, strlen(last));
		}
		lf_buf_putc(&words, '\0');
		char *pattern = lf_xasprintf("\\b(?:%s)\\b", words.data);
		root_words[r].words = compile(pattern);
		free(pattern);
		lf_buf_finish(&words);
	}
}

/* Patterns 4-6, built from the target table (names are plain words). */
static void table_patterns(char **torch_other, char **other_import, char **any_keyword)
{
	lf_buf words, roots, keywords;
	lf_buf_init(&words);
	lf_buf_init(&roots);
	lf_buf_init(&keywords);
	for (size_t i = 0; i < lf_target_count; i++) {
		const lf_target *t = &lf_targets[i];
		if (t->family == LF_FAMILY_ENV_SWITCH) {
			continue; /* pattern 8 */
		} else if (strcmp(t->name, "*") == 0) {
			add_alternative(&keywords, t->keyword, strlen(t->keyword));
		} else if (t->family == LF_FAMILY_TORCH_LOAD) {
			const char *last = strrchr(t->name, '.') + 1;
			if (strcmp(last, "load") != 0) /* `load` is patterns 1-3's */
				add_alternative(&words, last, strlen(last));
		} else {
			const char *dot = strchr(t->name, '.');
			add_alternative(&roots, t->name, dot ? (size_t)(dot - t->name) : strlen(t->name));
		}
	}
	lf_buf_putc(&words, '\0');
	lf_buf_putc(&roots, '\0');
	lf_buf_putc(&keywords, '\0');
	*torch_other = lf_xasprintf("\\b(?:%s)\\b", words.data);
	/* `import a, b.c as d, ROOT` or `from ROOT`, continuations included,
	 * where a statement can start: a line's start, after `;` or after the
	 * `:` of a compound statement (`try: import pickle`).  Text in a
	 * string (`'import pickle'`) does not start a statement. */
	*other_import = lf_xasprintf("(?m)(?:^|[;:])[ \\t]*+(?:from" BREAK "|import" BREAK "(?:[\\w.]+" GAP
	                             "(?:as" BREAK "\\w+" GAP ")?," GAP ")*+)(%s)\\b",
	                             roots.data);
	*any_keyword = lf_xasprintf("\\b(?:%s)\\b", keywords.data);
	lf_buf_finish(&words);
	lf_buf_finish(&roots);
	lf_buf_finish(&keywords);
}

/*
 * Literal-first: every precise pattern above needs one of a few words to
 * occur in the file (as a substring: a necessary condition, so only false
 * positives): `torch` and `load` both for patterns 1-4 (every route to
 * torch's loaders ends in a name that contains `load`; pattern 2 also takes
 * `serialization` and `import *`), a top-level module
 * of the other loaders for pattern 5, the keyword for pattern 6.  One pass
 * over the bytes finds which of them occur, and only the patterns whose
 * words do run; most files contain none and are rejected after that pass
 * (it was up to four regex scans, plus the NFKC rescan).  The pass tests
 * the 4-byte window at each position whose byte starts a literal against a
 * bitmap of the literals' first four bytes, so its cost per byte does not
 * grow with the number of literals (about 12 instructions, callgrind).
 */
typedef enum {
	GROUP_TORCH = 1u << 0,   /* `torch` */
	GROUP_LOAD = 1u << 1,    /* `load`, `serialization` (with GROUP_TORCH, or an
	                           * `import *`: patterns 1-4) */
	GROUP_ROOT = 1u << 2,    /* some other loader's module: pattern 5 */
	GROUP_KEYWORD = 1u << 3, /* a keyword of a rule that looks at any call: pattern 6 */
	GROUP_ENV = 1u << 4,     /* LF006's variable: pattern 8 */
} literal_group;

#define MAX_LITERALS 64
typedef struct literal {
	const char *text; /* static: the target table's or this file's */
	size_t len;
	uint32_t prefix; /* the first four bytes, as memcpy reads them */
	unsigned group;
} literal;
static literal literals[MAX_LITERALS];
static size_t literal_count;
/* Groups that are present whatever the text (a literal shorter than the
 * window cannot be looked up: its group always counts as found). */
static unsigned always_present;
#define PREFIX_BITS 16
static uint64_t prefix_bitmap[(1u << PREFIX_BITS) / 64];
/* The literals' first bytes: most bytes of a file are none of them, and
 * skip the window test. */
static bool first_bytes[256];

static uint32_t prefix_hash(uint32_t window)
{
	return (window * 2654435761u) >> (32 - PREFIX_BITS);
}

static void add_literal(const char *text, size_t len, unsigned group)
{
	/* A literal that holds one already there (`cloudpickle`, `pickle`)
	 * occurs only where that one does: the shorter one stands for both
	 * (one added before the shorter one is merely kept as well). */
	for (size_t i = 0; i < literal_count; i++)
		if (literals[i].len <= len && memmem(text, len, literals[i].text, literals[i].len)) {
			literals[i].group |= group;
			return;
		}
	if (len < 4) {
		always_present |= group;
		return;
	}
	if (literal_count == MAX_LITERALS)
		abort(); /* a table larger than this is a bug in this file */
	uint32_t prefix;
	memcpy(&prefix, text, 4);
	literals[literal_count++] = (literal){text, len, prefix, group};
	uint32_t h = prefix_hash(prefix);
	prefix_bitmap[h / 64] |= (uint64_t)1 << (h % 64);
	first_bytes[(uint8_t)text[0]] = true;
}

static void literal_table(void)
{
	add_literal("torch", 5, GROUP_TORCH);
	add_literal("load", 4, GROUP_LOAD);
	add_literal("serialization", 13, GROUP_LOAD);
	add_literal(ENV_WORD_LITERAL, sizeof ENV_WORD_LITERAL - 1, GROUP_ENV);
	for (size_t r = 0; r < root_count; r++)
		add_literal(root_words[r].name, strlen(root_words[r].name), GROUP_ROOT);
	for (size_t i = 0; i < lf_target_count; i++)
		if (strcmp(lf_targets[i].name, "*") == 0)
			add_literal(lf_targets[i].keyword, strlen(lf_targets[i].keyword), GROUP_KEYWORD);
}

/* Which groups' literals occur in the bytes (the pass stops once all have). */
static unsigned literal_groups(const uint8_t *bytes, size_t len)
{
	const unsigned all = GROUP_TORCH | GROUP_LOAD | GROUP_ROOT | GROUP_KEYWORD;
	unsigned found = always_present;
	for (size_t at = 0; at + 4 <= len && found != all; at++) {
		if (!first_bytes[bytes[at]])
			continue;
		uint32_t window;
		memcpy(&window, bytes + at, 4);
		uint32_t h = prefix_hash(window);
		if (!(prefix_bitmap[h / 64] >> (h % 64) & 1))
			continue;
		for (size_t i = 0; i < literal_count; i++)
			if (literals[i].prefix == window && literals[i].len <= len - at &&
			    memcmp(bytes + at + 4, literals[i].text + 4, literals[i].len - 4) == 0)
				found |= literals[i].group;
	}
	return found;
}

static void compile_patterns(void)
{
	patterns[TORCH_WORD_RE] = compile(TORCH_WORD);
	patterns[FROM_TORCH_RE] = compile(FROM_TORCH);
	patterns[DOT_LOAD_RE] = compile(DOT_LOAD);
	patterns[IMPORT_AS_RE] = compile(IMPORT_AS);
	patterns[ASSIGN_RE] = compile(ASSIGN);
	patterns[STAR_IMPORT_RE] = compile(STAR_IMPORT);
	patterns[ENV_WORD_RE] = compile(ENV_WORD);
	patterns[REPLACE_CALL_RE] = compile(REPLACE_CALL);
	root_word_patterns();
	char *torch_other, *other_import, *any_keyword;
	table_patterns(&torch_other, &other_import, &any_keyword);
	patterns[TORCH_OTHER_RE] = compile(torch_other);
	patterns[OTHER_IMPORT_RE] = compile(other_import);
	patterns[ANY_KEYWORD_RE] = compile(any_keyword);
	free(torch_other);
	free(other_import);
	free(any_keyword);
	literal_table();
}

/* A small set of names (byte slices of the source). */
typedef struct name_set {
	const uint8_t **names;
	size_t *lens;
	size_t count, cap;
} name_set;

static bool name_set_has(const name_set *set, const uint8_t *name, size_t len)
{
	for (size_t i = 0; i < set->count; i++)
		if (set->lens[i] == len && memcmp(set->names[i], name, len) == 0)
			return true;
	return false;
}

static void name_set_add(name_set *set, const uint8_t *name, size_t len)
{
	if (name_set_has(set, name, len))
		return;
	if (set->count == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 8;
		set->names = lf_xrealloc(set->names, sizeof(uint8_t *) * set->cap);
		set->lens = lf_xrealloc(set->lens, sizeof(size_t) * set->cap);
	}
	set->names[set->count] = name;
	set->lens[set->count++] = len;
}

/*
 * The object before the `.` at `dot`: scanning backwards is hand-written
 * because PCRE2 lookbehind must have a fixed length, and a forward pattern
 * that starts with the object's name would be tried at every word in the
 * file (it was half the run time).  Spaces, newlines and backslash
 * continuations are skipped; a comment cannot be recognised backwards, so
 * anything unexpected answers "may be torch" (only false positives allowed).
 */
static bool object_may_be_torch(const uint8_t *bytes, size_t dot, const name_set *names)
{
	size_t end = dot;
	while (end > 0 && (bytes[end - 1] == ' ' || bytes[end - 1] == '\t' || bytes[end - 1] == '\n' ||
	                   bytes[end - 1] == '\r' || bytes[end - 1] == '\\' || bytes[end - 1] == '\f'))
		end--;
	if (end == 0)
		return false;
	uint8_t last = bytes[end - 1];
	if (last == ')')
		return true; /* `(torch).load` */
	bool word = (last >= 'a' && last <= 'z') || (last >= 'A' && last <= 'Z') || (last >= '0' && last <= '9') ||
	            last == '_' || last >= 0x80;
	if (!word)
		return end != dot; /* something after a comment, perhaps: be safe */
	size_t start = end;
	while (start > 0) {
		uint8_t c = bytes[start - 1];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		      c >= 0x80))
			break;
		start--;
	}
	/* A line broken inside brackets may hide a comment between the name and
	 * the dot (`torch  # why\n  .load`); `name_set_has` on the word before
	 * the comment would miss it, so a newline in the gap means "maybe". */
	for (size_t i = end; i < dot; i++)
		if (bytes[i] == '\n')
			return true;
	return name_set_has(names, bytes + start, end - start);
}

static bool is_name_byte(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

/* The name just before `end` (after skipping spaces), or NULL. */
static const uint8_t *name_before(const uint8_t *bytes, size_t end, size_t *len)
{
	while (end > 0 && (bytes[end - 1] == ' ' || bytes[end - 1] == '\t'))
		end--;
	size_t start = end;
	while (start > 0 && is_name_byte(bytes[start - 1]))
		start--;
	*len = end - start;
	return end > start ? bytes + start : NULL;
}

/*
 * Adds the target of the assignment whose `=` is at `equals`: the name
 * before it, and for an annotated `x: T = ...` also the name before the
 * first `:` on that line.  Over-approximating is fine.
 */
static void add_assignment_targets(const uint8_t *bytes, size_t equals, name_set *names)
{
	size_t len;
	const uint8_t *name = name_before(bytes, equals, &len);
	if (name)
		name_set_add(names, name, len);
	/* The statement's start: the line's, or the last `;` before it; at most
	 * a bounded look back, so that a line of 10,000 statements stays linear. */
	size_t line = equals;
	while (line > 0 && equals - line < 256 && bytes[line - 1] != '\n' && bytes[line - 1] != ';')
		line--;
	const uint8_t *colon = memchr(bytes + line, ':', equals - line);
	if (colon && (name = name_before(bytes, (size_t)(colon - bytes), &len)))
		name_set_add(names, name, len);
}

struct lf_prefilter {
	pcre2_match_data *match;
};

lf_prefilter *lf_prefilter_create(void)
{
	pthread_once(&patterns_once, compile_patterns);
	lf_prefilter *prefilter = lf_xcalloc(1, sizeof *prefilter);
	prefilter->match = pcre2_match_data_create(4, NULL);
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

/* Matches pattern `which` at or after `*at`; on a match, *at moves past it.
 * Any matching error counts as a match: the prefilter may only ever err
 * towards parsing. */
typedef enum { NO_MATCH, MATCH, MATCH_ERROR } match_result;

static match_result next_match(lf_prefilter *p, int which, const uint8_t *bytes, size_t len, size_t *at)
{
	if (*at > len)
		return NO_MATCH;
	int rc = pcre2_match(patterns[which], bytes, len, *at, 0, p->match, NULL);
	if (rc == PCRE2_ERROR_NOMATCH)
		return NO_MATCH;
	if (rc < 0)
		return MATCH_ERROR;
	PCRE2_SIZE *ovector = pcre2_get_ovector_pointer(p->match);
	*at = ovector[1] > ovector[0] ? ovector[1] : ovector[0] + 1;
	return MATCH;
}

/* Capture group `group` of the last match, or false when it did not take part. */
static bool group(lf_prefilter *p, int n, const uint8_t *bytes, const uint8_t **start, size_t *len)
{
	PCRE2_SIZE *ovector = pcre2_get_ovector_pointer(p->match);
	if (ovector[2 * n] == PCRE2_UNSET)
		return false;
	*start = bytes + ovector[2 * n];
	*len = ovector[2 * n + 1] - ovector[2 * n];
	return true;
}

static bool may_refer(lf_prefilter *p, const uint8_t *bytes, size_t len);

/*
 * Python compares identifiers after NFKC normalisation (PEP 3131:
 * `ｔｏｒｃｈ.load` is torch.load), so a file the byte patterns reject is
 * looked at again with each word that has a non-ASCII byte in its normal
 * form.  Only such words are normalised, not the file: a word is a run of
 * name bytes (ASCII letters, digits, `_`, any byte >= 0x80, so that a
 * non-ASCII dot or equals sign next to a name is normalised with it, as
 * normalising the whole file did), and ASCII text is already normal.  A
 * word that is not valid UTF-8 stays as it is (Python would not accept it
 * as a name).  Returns the folded copy (caller frees), or NULL when no word
 * changes: then the second look could only repeat the first.
 */
static uint8_t *fold_words(const uint8_t *bytes, size_t len, size_t *out_len)
{
	lf_buf folded;
	bool changed = false;
	lf_buf_init(&folded);
	size_t copied = 0; /* bytes[copied..] are not in `folded` yet */
	for (size_t at = 0; at < len;) {
		size_t start = at;
		while (start < len && bytes[start] < 0x80)
			start++;
		if (start == len)
			break;
		/* widen the run of name bytes around the non-ASCII byte */
		while (start > at && is_name_byte(bytes[start - 1]))
			start--;
		size_t end = start;
		while (end < len && is_name_byte(bytes[end]))
			end++;
		size_t normal_len = 0;
		uint8_t *normal = u8_normalize(UNINORM_NFKC, bytes + start, end - start, NULL, &normal_len);
		if (normal && (normal_len != end - start || memcmp(normal, bytes + start, normal_len) != 0)) {
			lf_buf_append(&folded, (const char *)bytes + copied, start - copied);
			lf_buf_append(&folded, (const char *)normal, normal_len);
			copied = end;
			changed = true;
		}
		free(normal);
		at = end;
	}
	if (!changed) {
		lf_buf_finish(&folded);
		return NULL;
	}
	lf_buf_append(&folded, (const char *)bytes + copied, len - copied);
	*out_len = folded.len;
	return (uint8_t *)folded.data;
}

bool lf_prefilter_may_refer(lf_prefilter *p, const uint8_t *bytes, size_t len)
{
	if (may_refer(p, bytes, len))
		return true;
	size_t folded_len = 0;
	uint8_t *folded = fold_words(bytes, len, &folded_len);
	if (!folded)
		return false;
	bool result = may_refer(p, folded, folded_len);
	free(folded);
	return result;
}

static bool may_refer_torch(lf_prefilter *p, const uint8_t *bytes, size_t len);

bool lf_prefilter_names_weights_only(const uint8_t *bytes, size_t len)
{
	static const char word[] = "weights_only";
	if (memmem(bytes, len, word, sizeof word - 1))
		return true;
	bool ascii = true;
	for (size_t i = 0; i < len && ascii; i++)
		ascii = bytes[i] < 0x80;
	if (ascii)
		return false;
	/* `ｗｅｉｇｈｔｓ_only=False` is the same keyword to Python */
	size_t normal_len = 0;
	uint8_t *normal = u8_normalize(UNINORM_NFKC, bytes, len, NULL, &normal_len);
	if (!normal)
		return false;
	bool found = memmem(normal, normal_len, word, sizeof word - 1) != NULL;
	free(normal);
	return found;
}

bool lf_prefilter_may_bind(lf_prefilter *p, const uint8_t *bytes, size_t len)
{
	unsigned groups = literal_groups(bytes, len);
	size_t at = 0;
	if ((groups & GROUP_TORCH) && next_match(p, TORCH_WORD_RE, bytes, len, &at) != NO_MATCH)
		return true;
	at = 0;
	return (groups & GROUP_ROOT) && next_match(p, OTHER_IMPORT_RE, bytes, len, &at) != NO_MATCH;
}

/*
 * Whether `import`, then spaces, continuations or comments, then `*` occur
 * (what STAR_IMPORT needs): a few memmem hops over the file instead of a
 * pattern tried at every line start.
 */
static bool has_import_star(const uint8_t *bytes, size_t len)
{
	static const char word[] = "import";
	const size_t word_len = sizeof word - 1;
	for (const uint8_t *at = bytes, *end = bytes + len;
	     (at = memmem(at, (size_t)(end - at), word, word_len)) != NULL;) {
		at += word_len;
		while (at < end) {
			if (*at == '#') {
				const uint8_t *eol = memchr(at, '\n', (size_t)(end - at));
				at = eol ? eol : end;
			} else if (*at == ' ' || *at == '\t' || *at == '\n' || *at == '\r' || *at == '\v' ||
			           *at == '\f' || *at == '\\') {
				at++;
			} else {
				break;
			}
		}
		if (at < end && *at == '*')
			return true;
	}
	return false;
}

bool lf_prefilter_star_imports(lf_prefilter *p, const uint8_t *bytes, size_t len,
                               bool (*visit)(void *user, const char *module, unsigned level), void *user)
{
	if (!has_import_star(bytes, len))
		return false;
	size_t at = 0;
	match_result r;
	while ((r = next_match(p, STAR_IMPORT_RE, bytes, len, &at)) != NO_MATCH) {
		if (r == MATCH_ERROR)
			return true;
		const uint8_t *dots, *name;
		size_t dots_len = 0, name_len = 0;
		if (!group(p, 1, bytes, &dots, &dots_len))
			dots_len = 0;
		if (!group(p, 2, bytes, &name, &name_len))
			name_len = 0;
		char *module = lf_xmalloc(name_len + 1);
		if (name_len)
			memcpy(module, name, name_len);
		module[name_len] = '\0';
		bool binds = visit(user, module, (unsigned)dots_len);
		free(module);
		if (binds)
			return true;
	}
	return false;
}

static bool may_refer(lf_prefilter *p, const uint8_t *bytes, size_t len)
{
	/* Any error (PCRE2's match limits) answers "may refer". */
	unsigned groups = literal_groups(bytes, len);
	size_t at = 0;
	if ((groups & GROUP_KEYWORD) && next_match(p, ANY_KEYWORD_RE, bytes, len, &at) != NO_MATCH)
		return true;
	at = 0;
	if ((groups & GROUP_ENV) && next_match(p, ENV_WORD_RE, bytes, len, &at) != NO_MATCH)
		return true;
	bool checked[MAX_ROOTS] = {false};
	match_result r;
	for (at = 0; (groups & GROUP_ROOT) && (r = next_match(p, OTHER_IMPORT_RE, bytes, len, &at)) != NO_MATCH;) {
		const uint8_t *root;
		size_t root_len;
		if (r == MATCH_ERROR || !group(p, 1, bytes, &root, &root_len))
			return true;
		for (size_t k = 0; k < root_count; k++) {
			if (checked[k] || strlen(root_words[k].name) != root_len ||
			    memcmp(root_words[k].name, root, root_len) != 0)
				continue;
			checked[k] = true;
			int rc = pcre2_match(root_words[k].words, bytes, len, 0, 0, p->match, NULL);
			if (rc >= 0 || rc != PCRE2_ERROR_NOMATCH)
				return true;
		}
	}
	return (groups & GROUP_TORCH) && ((groups & GROUP_LOAD) || has_import_star(bytes, len)) &&
	       may_refer_torch(p, bytes, len);
}

static bool may_refer_torch(lf_prefilter *p, const uint8_t *bytes, size_t len)
{
	size_t at = 0;
	match_result r = next_match(p, TORCH_WORD_RE, bytes, len, &at);
	if (r != MATCH)
		return r == MATCH_ERROR;
	at = 0;
	if (next_match(p, TORCH_OTHER_RE, bytes, len, &at) != NO_MATCH)
		return true;
	at = 0;
	r = next_match(p, FROM_TORCH_RE, bytes, len, &at);
	if (r != NO_MATCH)
		return true;

	/* Names that may stand for torch or torch.serialization. */
	name_set names = {0};
	name_set_add(&names, (const uint8_t *)"torch", 5);
	name_set_add(&names, (const uint8_t *)"serialization", 13);
	const uint8_t *name;
	size_t name_len;
	bool may_refer = false;
	for (at = 0; (r = next_match(p, IMPORT_AS_RE, bytes, len, &at)) != NO_MATCH;) {
		if (r == MATCH_ERROR) {
			may_refer = true;
			goto done;
		}
		if (group(p, 1, bytes, &name, &name_len))
			name_set_add(&names, name, name_len);
	}
	/* Aliases by assignment, to a fixed point (each round adds a name or
	 * stops), for as many rounds as the resolver follows aliases: a longer
	 * chain is not followed there either, and each round scans the file. */
	size_t before = 0;
	for (int round = 0; round < 8 && before != names.count; round++) {
		before = names.count;
		for (at = 0; (r = next_match(p, ASSIGN_RE, bytes, len, &at)) != NO_MATCH;) {
			if (r == MATCH_ERROR) {
				may_refer = true;
				goto done;
			}
			const uint8_t *source;
			size_t source_len;
			if (group(p, 1, bytes, &source, &source_len) && name_set_has(&names, source, source_len))
				add_assignment_targets(bytes, pcre2_get_ovector_pointer(p->match)[0], &names);
		}
	}
	for (at = 0; !may_refer && (r = next_match(p, REPLACE_CALL_RE, bytes, len, &at)) != NO_MATCH;)
		may_refer = r == MATCH_ERROR || !group(p, 1, bytes, &name, &name_len) ||
		            name_set_has(&names, name, name_len);
	for (at = 0; !may_refer && (r = next_match(p, DOT_LOAD_RE, bytes, len, &at)) != NO_MATCH;) {
		if (r == MATCH_ERROR) {
			may_refer = true;
			break;
		}
		PCRE2_SIZE dot = pcre2_get_ovector_pointer(p->match)[0];
		may_refer = object_may_be_torch(bytes, dot, &names);
	}
done:
	free(names.names);
	free(names.lens);
	return may_refer;
}
