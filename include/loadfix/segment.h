#ifndef LOADFIX_SEGMENT_H
#define LOADFIX_SEGMENT_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A lexical pass, no parser: splits a Python file into its top-level
 * statements and lists the identifiers of each, so that partial parsing
 * (loadfix/partial.h) can pick the statements a finding may depend on.
 *
 * A segment is [start, end): a top-level statement from its first byte at
 * column 0 up to the next one's, with the comments and blank lines that
 * follow it; the first segment also holds what precedes the first
 * statement.  The segments cover the file exactly, in order.  Decorators and
 * the continuation clauses (`else`, `elif`, `except`, `finally`) belong to
 * the statement they continue.  The lexer knows strings of every quote form
 * and prefix, f-string replacement fields (nested quotes as in PEP 701),
 * comments, brackets, backslash continuations and indentation.  When it is
 * unsure (an unterminated string, an unbalanced bracket, a comment inside
 * an f-string field, a non-ASCII identifier, whose meaning depends on NFKC,
 * a form feed in a line's indentation, a carriage return alone, a first
 * statement that is indented) it says so and the caller parses the whole
 * file.  Partial parsing and the star-import summary
 * (loadfix/star_summary.h) both use this one splitter.
 */

#define LF_NO_STATEMENT UINT32_MAX

typedef struct lf_segment {
	uint32_t start;
	uint32_t end;
	/* The statement's first byte: `start`, but past the comments and blank
	 * lines before the first statement; LF_NO_STATEMENT when the file has
	 * none (then there is one segment). */
	uint32_t statement;
	/* Its first column-0 line that is no decorator (LF_NO_STATEMENT if it
	 * has none), and whether that line begins `def`, `async def` or
	 * `class`: the segment is then one (decorated) function or class. */
	uint32_t head;
	bool definition;
	uint32_t first_word; /* its identifiers: words[first_word, first_word + word_count) */
	uint32_t word_count;
} lf_segment;

/* An identifier (keywords left out). */
typedef struct lf_word {
	uint32_t start;
	uint32_t len;
	uint32_t hash;
	/* In module scope: not inside a def or class body (a def/class
	 * header is), or a name a `global` statement declares.  What such a
	 * statement binds is seen by the other top-level statements. */
	bool module_scope;
	bool attribute; /* after a '.': spelled, but no name is bound or used */
	/* In a place where Python binds a name (over-approximated): an
	 * assignment's or augmented assignment's left side, before `:=`, after
	 * `as`, `def`, `class`, `import`, `global`, `del`, between `for` and
	 * `in`, anywhere in a `case` line. */
	bool binding;
} lf_word;

typedef struct lf_segments {
	lf_segment *items; /* owned */
	uint32_t count;
	uint32_t cap;
	lf_word *words; /* owned, in file order */
	uint32_t word_count;
	uint32_t word_cap;
	bool star_import; /* some `import *`: it binds names no statement spells */
} lf_segments;

void lf_segments_init(lf_segments *segments);
void lf_segments_finish(lf_segments *segments);

/* Splits `bytes`.  Returns false when the lexer is unsure (see above); the
 * segments are then meaningless.  `segments` is reset first. */
bool lf_segments_split(const uint8_t *bytes, uint32_t len, lf_segments *segments);

/* The hash lf_word.hash holds (FNV-1a). */
uint32_t lf_word_hash(const uint8_t *text, uint32_t len);

#endif
