#include "loadfix/segment.h"

#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"

/*
 * One pass over the bytes with a small stack of lexical contexts: plain
 * code at the bottom, and above it the f-strings being read and their
 * replacement fields (PEP 701 lets a field hold any string, quotes of the
 * enclosing f-string included, so nesting is a stack, not a flag).
 * Statement boundaries are only ever placed in plain code at bracket depth
 * 0, at the start of a logical line at column 0.  Merging two statements
 * is always safe (the segment parses as the file has it); splitting one is
 * not, so every doubt ends in "unsure".
 */

#define MAX_CONTEXTS 64

typedef enum context_kind {
	CONTEXT_CODE,    /* code; `depth` counts open brackets */
	CONTEXT_FSTRING, /* the literal text of an f-string */
	CONTEXT_FIELD,   /* an f-string replacement field's expression */
	CONTEXT_SPEC,    /* a field's conversion or format spec */
} context_kind;

typedef struct context {
	context_kind kind;
	uint8_t quote; /* FSTRING: ' or " */
	bool triple;   /* FSTRING: ''' or """ */
	uint32_t depth;
} context;

typedef struct lexer {
	const uint8_t *bytes;
	uint32_t len;
	uint32_t pos;
	context stack[MAX_CONTEXTS];
	uint32_t top;
	lf_segments *out;
	bool unsure;
	bool at_line_start;     /* a logical line may begin here */
	bool seen_statement;    /* the first statement opens no new segment */
	bool after_decorator;   /* the last column-0 logical line was `@...` */
	bool in_body;           /* inside a def/class body ... */
	uint32_t body_indent;   /* ... whose header sat at this indentation */
	bool module_scope_line; /* the current logical line is module scope */
	bool global_names;      /* after `global`, up to `;` or the line's end */
	bool after_import;      /* the last token was the keyword `import` */
	/* Binding places (lf_word.binding), up to `;` or the line's end. */
	uint32_t statement_first_word; /* the simple statement's first word */
	bool bind_next;                /* after `as`, `def`, `class` */
	bool binding_run;              /* after `import`, `global`, `del`, `for` (up to `in`) */
	bool case_line;                /* a `case` clause binds its captures */
	uint8_t previous;              /* the last significant byte of code */
	bool previous_dangles;         /* the last token cannot end a line (below) */
	bool line_is_header;           /* the logical line opens a compound statement */
	bool import_pending;           /* the logical line began `from` and no `import` yet */
	bool needs_colon;              /* ... began a compound header (not match/case) */
	bool colon_seen;               /* a `:` at depth 0 in it, not a lambda's */
	uint32_t open_lambdas;         /* `lambda`s at depth 0 still without their `:` */
} lexer;

uint32_t lf_word_hash(const uint8_t *text, uint32_t len)
{
	uint32_t h = 2166136261u;
	for (uint32_t i = 0; i < len; i++)
		h = (h ^ text[i]) * 16777619u;
	return h;
}

void lf_segments_init(lf_segments *segments)
{
	memset(segments, 0, sizeof *segments);
}

void lf_segments_finish(lf_segments *segments)
{
	free(segments->items);
	free(segments->words);
	lf_segments_init(segments);
}

static bool is_word_start(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_word_byte(uint8_t c)
{
	return is_word_start(c) || (c >= '0' && c <= '9');
}

static uint32_t word_len_at(const lexer *lx, uint32_t at)
{
	uint32_t end = at;
	while (end < lx->len && is_word_byte(lx->bytes[end]))
		end++;
	return end - at;
}

static bool word_is(const uint8_t *text, uint32_t len, const char *word)
{
	return strlen(word) == len && memcmp(text, word, len) == 0;
}

/* Python's hard keywords: never a name anything binds.  (The soft ones,
 * `match`, `case`, `type`, `_`, are names too.) */
static bool is_keyword(const uint8_t *text, uint32_t len)
{
	static const char *const keywords[] = {
	        "False", "None",     "True",  "and",    "as",   "assert", "async",  "await",    "break",
	        "class", "continue", "def",   "del",    "elif", "else",   "except", "finally",  "for",
	        "from",  "global",   "if",    "import", "in",   "is",     "lambda", "nonlocal", "not",
	        "or",    "pass",     "raise", "return", "try",  "while",  "with",   "yield",
	};
	if (len < 2 || len > 8)
		return false;
	for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
		if (keywords[i][0] == text[0] && word_is(text, len, keywords[i]))
			return true;
	return false;
}

/*
 * Where Python's grammar allows no NEWLINE, tree-sitter-python's scanner
 * emits none: the newline is skipped as whitespace and the next line
 * joins the statement (`import torch as` / `th` parses as one import,
 * `x = a +` / `b` as one assignment, no error; Python rejects both).  A
 * split there would parse differently from the whole file, so a line
 * ending in such a token makes the splitter unsure.  These are the hard
 * keywords that cannot end a simple statement (`await` too: tree-sitter
 * reads it as a name here, but it is cheap to be careful) and, in
 * line_ends_open, the operators.  Being unsure where Python would not join
 * costs only speed.
 */
static bool keyword_dangles(const uint8_t *text, uint32_t len)
{
	static const char *const dangling[] = {
	        "and",  "as",     "assert",   "async", "await", "class",  "def",   "del",    "elif",
	        "else", "except", "finally",  "for",   "from",  "global", "if",    "import", "in",
	        "is",   "lambda", "nonlocal", "not",   "or",    "try",    "while", "with",
	};
	for (size_t i = 0; i < sizeof dangling / sizeof dangling[0]; i++)
		if (word_is(text, len, dangling[i]))
			return true;
	return false;
}

/* The first words of a compound statement's header, whose line ends in a
 * `:` that tree-sitter does end the line at. */
static bool header_keyword(const uint8_t *text, uint32_t len)
{
	static const char *const headers[] = {
	        "async",   "case", "class", "def",   "elif", "else",  "except",
	        "finally", "for",  "if",    "match", "try",  "while", "with",
	};
	for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++)
		if (word_is(text, len, headers[i]))
			return true;
	return false;
}

/* At a newline that would end the logical line: whether tree-sitter
 * joins the next line instead (keyword_dangles). */
static bool line_ends_open(const lexer *lx)
{
	if (lx->previous_dangles || lx->import_pending || lx->open_lambdas > 0)
		return true; /* `from m` / `import x`: one import to tree-sitter */
	if (lx->needs_colon && !lx->colon_seen)
		return true; /* `for x in y` / `: pass` is one statement to it */
	switch (lx->previous) {
	case ':': return !lx->line_is_header;
	case '=':
	case '+':
	case '-':
	case '*': /* not `from m import *`: previous_dangles is false there */
	case '/':
	case '%':
	case '&':
	case '|':
	case '^':
	case '<':
	case '>':
	case '~':
	case '.': /* not `...`, an atom: code() records it as '0' */
	case ',': /* `assert x,` / `y`, `global a,` / `b` join; `x = 1,` would not */
	case '@': return true;
	default: return false;
	}
}

static void open_segment(lexer *lx, uint32_t start)
{
	lf_segments *s = lx->out;
	if (s->count == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->items = lf_xrealloc(s->items, s->cap * sizeof *s->items);
	}
	if (s->count > 0) {
		lf_segment *last = &s->items[s->count - 1];
		last->end = start;
		last->word_count = s->word_count - last->first_word;
	}
	s->items[s->count++] = (lf_segment){.start = start,
	                                    .end = lx->len,
	                                    .statement = LF_NO_STATEMENT,
	                                    .head = LF_NO_STATEMENT,
	                                    .first_word = s->word_count};
}

static void add_word(lexer *lx, uint32_t start, uint32_t len, bool attribute)
{
	lf_segments *s = lx->out;
	if (s->word_count == s->word_cap) {
		s->word_cap = s->word_cap ? 2 * s->word_cap : 256;
		s->words = lf_xrealloc(s->words, s->word_cap * sizeof *s->words);
	}
	s->words[s->word_count++] = (lf_word){
	        .start = start,
	        .len = len,
	        .hash = lf_word_hash(lx->bytes + start, len),
	        .module_scope = lx->module_scope_line || lx->global_names,
	        .attribute = attribute,
	        .binding = !attribute && (lx->bind_next || lx->binding_run || lx->case_line || lx->global_names),
	};
	lx->bind_next = false;
}

/* A new simple statement: after a logical line's end or a `;`. */
static void end_simple_statement(lexer *lx)
{
	lx->global_names = false;
	lx->binding_run = false;
	lx->bind_next = false;
	lx->statement_first_word = lx->out->word_count;
}

/* At an assignment's `=` (or `+=` ...): every name so far in the simple
 * statement may be a target. */
static void mark_targets(lexer *lx)
{
	for (uint32_t i = lx->statement_first_word; i < lx->out->word_count; i++)
		if (!lx->out->words[i].attribute)
			lx->out->words[i].binding = true;
}

static bool push(lexer *lx, context c)
{
	if (lx->top + 1 == MAX_CONTEXTS) {
		lx->unsure = true;
		return false;
	}
	lx->stack[++lx->top] = c;
	return true;
}

static bool is_newline(uint8_t c)
{
	return c == '\n' || c == '\r';
}

/* Past a newline at pos ("\r\n" is one). */
static uint32_t past_newline(const lexer *lx, uint32_t pos)
{
	if (lx->bytes[pos] == '\r' && pos + 1 < lx->len && lx->bytes[pos + 1] == '\n')
		return pos + 2;
	return pos + 1;
}

/* A `\r` not followed by `\n` in code: Python ends a line there, other
 * tools may not; rather than guess where a statement begins, be unsure. */
static bool lone_carriage_return(const lexer *lx, uint32_t pos)
{
	return lx->bytes[pos] == '\r' && (pos + 1 == lx->len || lx->bytes[pos + 1] != '\n');
}

/*
 * At the start of a physical line in plain code at depth 0: decides
 * whether a statement begins here and whether the line is module scope.
 * Blank and comment-only lines begin nothing.
 */
static void line_start(lexer *lx)
{
	const uint8_t *b = lx->bytes;
	uint32_t line = lx->pos, p = line, indent = 0;
	/* Columns as Python counts them: a tab moves to the next multiple of
	 * 8, so a body indented with tabs is not taken for a dedent. */
	for (; p < lx->len && (b[p] == ' ' || b[p] == '\t' || b[p] == '\f'); p++)
		indent = b[p] == '\t' ? (indent / 8 + 1) * 8 : indent + 1;
	lx->pos = p;
	if (p == lx->len || is_newline(b[p]) || b[p] == '#')
		return; /* the newline's handler comes back here */
	lx->at_line_start = false;
	if (memchr(b + line, '\f', p - line) || (indent > 0 && !lx->seen_statement)) {
		/* A form feed resets Python's column count, so `\fdef f():`
		 * begins a statement this would merge into the one before,
		 * taking f's header for part of a body: neither partial parsing
		 * nor the star summary (which would stub only the first def)
		 * may miss it.  An indented first statement is an error. */
		lx->unsure = true;
		return;
	}
	uint32_t head_len = word_len_at(lx, p);
	const uint8_t *head = b + p;
	bool header = word_is(head, head_len, "def") || word_is(head, head_len, "class");
	if (word_is(head, head_len, "async")) {
		uint32_t q = p + head_len;
		while (q < lx->len && (b[q] == ' ' || b[q] == '\t'))
			q++;
		header = word_is(b + q, word_len_at(lx, q), "def");
	}
	if (lx->in_body && indent <= lx->body_indent)
		lx->in_body = false;
	if (indent == 0) {
		bool clause = word_is(head, head_len, "else") || word_is(head, head_len, "elif") ||
		              word_is(head, head_len, "except") || word_is(head, head_len, "finally");
		if (lx->seen_statement && !lx->after_decorator && !clause)
			open_segment(lx, p);
		lf_segment *seg = &lx->out->items[lx->out->count - 1];
		if (seg->statement == LF_NO_STATEMENT)
			seg->statement = p;
		if (b[p] != '@' && !clause && seg->head == LF_NO_STATEMENT) {
			seg->head = p;
			seg->definition = header;
		}
		lx->seen_statement = true;
		lx->after_decorator = b[p] == '@';
	}
	lx->module_scope_line = !lx->in_body;
	lx->case_line = word_is(head, head_len, "case");
	lx->line_is_header = header_keyword(head, head_len);
	lx->import_pending = word_is(head, head_len, "from");
	lx->needs_colon = lx->line_is_header && !word_is(head, head_len, "match") && !word_is(head, head_len, "case");
	lx->colon_seen = false;
	lx->open_lambdas = 0;
	end_simple_statement(lx);
	if (!lx->in_body && header) {
		lx->in_body = true;
		lx->body_indent = indent;
	}
}

/* A plain (not f-) string; pos is just past the opening quote(s). */
static void plain_string(lexer *lx, uint8_t quote, bool triple)
{
	const uint8_t *b = lx->bytes;
	while (lx->pos < lx->len) {
		uint8_t c = b[lx->pos];
		if (c == '\\') {
			/* escapes the next byte, in raw strings too (r"\"" is one string) */
			lx->pos = lx->pos + 1 < lx->len ? past_newline(lx, lx->pos + 1) : lx->len;
		} else if (c == quote) {
			if (!triple) {
				lx->pos++;
				return;
			}
			if (lx->pos + 2 < lx->len && b[lx->pos + 1] == quote && b[lx->pos + 2] == quote) {
				lx->pos += 3;
				return;
			}
			lx->pos++;
		} else if (is_newline(c) && !triple) {
			lx->unsure = true; /* unterminated */
			return;
		} else if (is_word_start(c) && !triple) {
			/* A word in a one-line string is spelled (`setattr(torch,
			 * "load", f)`), but names nothing: recorded as an attribute
			 * is.  Triple-quoted strings are docstrings and prose: a
			 * docstring that says "open()" must not select its class. */
			uint32_t n = word_len_at(lx, lx->pos);
			add_word(lx, lx->pos, n, true);
			lx->pos += n;
		} else {
			lx->pos++;
		}
	}
	lx->unsure = true;
}

/* Opens a string whose first quote is at pos; `fstring` for an f prefix. */
static void open_string(lexer *lx, bool fstring)
{
	const uint8_t *b = lx->bytes;
	uint8_t quote = b[lx->pos];
	bool triple = lx->pos + 2 < lx->len && b[lx->pos + 1] == quote && b[lx->pos + 2] == quote;
	lx->pos += triple ? 3 : 1;
	if (fstring)
		push(lx, (context){.kind = CONTEXT_FSTRING, .quote = quote, .triple = triple});
	else
		plain_string(lx, quote, triple);
}

/* r, u, b, f and the two-letter mixes Python accepts, in any case. */
static bool string_prefix(const uint8_t *text, uint32_t len, bool *fstring)
{
	if (len == 0 || len > 2)
		return false;
	char a = (char)(text[0] | 0x20), c = len == 2 ? (char)(text[1] | 0x20) : 0;
	*fstring = a == 'f' || c == 'f';
	if (len == 1)
		return a == 'r' || a == 'u' || a == 'b' || a == 'f';
	return (a == 'r' && (c == 'b' || c == 'f')) || ((a == 'b' || a == 'f') && c == 'r');
}

/* The literal text of an f-string (the context on top). */
static void fstring_text(lexer *lx)
{
	const uint8_t *b = lx->bytes;
	context *ctx = &lx->stack[lx->top];
	uint8_t c = b[lx->pos];
	if (c == '\\' && lx->pos + 1 < lx->len && b[lx->pos + 1] != '{') {
		lx->pos = past_newline(lx, lx->pos + 1);
	} else if (c == ctx->quote) {
		if (!ctx->triple) {
			lx->pos++;
			lx->top--;
		} else if (lx->pos + 2 < lx->len && b[lx->pos + 1] == c && b[lx->pos + 2] == c) {
			lx->pos += 3;
			lx->top--;
		} else {
			lx->pos++;
		}
		/* the f-string is an atom, whatever its fields ended in */
		lx->previous = '"';
		lx->previous_dangles = false;
	} else if (is_newline(c) && !ctx->triple) {
		lx->unsure = true;
	} else if (c == '{' && lx->pos + 1 < lx->len && b[lx->pos + 1] == '{') {
		lx->pos += 2;
	} else if (c == '{') {
		lx->pos++;
		push(lx, (context){.kind = CONTEXT_FIELD});
	} else {
		lx->pos++;
	}
}

/* A field's conversion or format spec: literal up to a nested field or the
 * field's end. */
static void spec_text(lexer *lx)
{
	uint8_t c = lx->bytes[lx->pos];
	const context *fstring = &lx->stack[lx->top - 1];
	if (c == '{') {
		lx->pos++;
		push(lx, (context){.kind = CONTEXT_FIELD});
	} else if (c == '}') {
		lx->pos++;
		lx->top--;
	} else if (c == fstring->quote || (is_newline(c) && !fstring->triple)) {
		lx->unsure = true; /* an f-string ends inside a field */
	} else {
		lx->pos++;
	}
}

static void word(lexer *lx)
{
	const uint8_t *b = lx->bytes;
	uint32_t start = lx->pos, len = word_len_at(lx, start);
	lx->pos += len;
	bool fstring;
	if (lx->pos < lx->len && (b[lx->pos] == '"' || b[lx->pos] == '\'') && string_prefix(b + start, len, &fstring)) {
		open_string(lx, fstring);
		lx->previous = '"';
		lx->previous_dangles = false;
		lx->after_import = false;
		return;
	}
	if (lx->pos < lx->len && b[lx->pos] >= 0x80) {
		lx->unsure = true; /* a non-ASCII identifier: NFKC decides what it names */
		return;
	}
	bool attribute = lx->previous == '.';
	lx->previous = 'a';
	const uint8_t *text = b + start;
	lx->previous_dangles = keyword_dangles(text, len);
	lx->after_import = word_is(text, len, "import");
	if (lx->after_import)
		lx->import_pending = false;
	if (word_is(text, len, "lambda") && lx->top == 0 && lx->stack[0].depth == 0)
		lx->open_lambdas++;
	if (word_is(text, len, "global"))
		lx->global_names = true;
	if (word_is(text, len, "as") || word_is(text, len, "def") || word_is(text, len, "class"))
		lx->bind_next = true;
	if (lx->after_import || word_is(text, len, "del") || word_is(text, len, "for"))
		lx->binding_run = true;
	if (word_is(text, len, "in"))
		lx->binding_run = false;
	if (!is_keyword(b + start, len))
		add_word(lx, start, len, attribute);
}

/* Code, at the bottom of the stack or in an f-string's field. */
static void code(lexer *lx)
{
	const uint8_t *b = lx->bytes;
	context *ctx = &lx->stack[lx->top];
	uint8_t c = b[lx->pos];
	if (c == ' ' || c == '\t' || c == '\f') {
		lx->pos++;
		return;
	}
	if (is_newline(c)) {
		if (lone_carriage_return(lx, lx->pos)) {
			lx->unsure = true;
			return;
		}
		if (lx->top == 0 && ctx->depth == 0 && line_ends_open(lx)) {
			lx->unsure = true;
			return;
		}
		lx->pos = past_newline(lx, lx->pos);
		if (lx->top == 0 && ctx->depth == 0) {
			lx->at_line_start = true;
			end_simple_statement(lx);
		}
		return;
	}
	if (c == '#') {
		if (lx->top > 0) {
			lx->unsure = true; /* a comment in a field: 3.12 only, and rare */
			return;
		}
		while (lx->pos < lx->len && !is_newline(b[lx->pos]))
			lx->pos++;
		return;
	}
	if (c == '\\') {
		if (lx->pos + 1 < lx->len && is_newline(b[lx->pos + 1]) && !lone_carriage_return(lx, lx->pos + 1))
			lx->pos = past_newline(lx, lx->pos + 1); /* a continuation line */
		else
			lx->unsure = true;
		return;
	}
	if (is_word_start(c)) {
		word(lx);
		return;
	}
	if (c >= 0x80 || (c < 0x20 && c != '\t' && c != '\f')) {
		lx->unsure = true;
		return;
	}
	bool star_import = c == '*' && lx->after_import;
	lx->after_import = false;
	if (star_import)
		lx->out->star_import = true;
	lx->previous = star_import ? '0' : c; /* `import *` ends a line */
	lx->previous_dangles = false;
	if (c == '"' || c == '\'') {
		open_string(lx, false);
		return;
	}
	if (c >= '0' && c <= '9') {
		/* the letters of 1e5 or 0x1f are read as a word next: harmless */
		while (lx->pos < lx->len && ((b[lx->pos] >= '0' && b[lx->pos] <= '9') || b[lx->pos] == '_'))
			lx->pos++;
		lx->previous = '0';
		return;
	}
	lx->pos++;
	switch (c) {
	case '(':
	case '[':
	case '{': ctx->depth++; break;
	case ')':
	case ']':
	case '}':
		if (ctx->depth > 0)
			ctx->depth--;
		else if (ctx->kind == CONTEXT_FIELD && c == '}')
			lx->top--;
		else
			lx->unsure = true;
		break;
	case ':':
		if (ctx->kind == CONTEXT_FIELD && ctx->depth == 0)
			ctx->kind = CONTEXT_SPEC;
		else if (lx->top == 0 && ctx->depth == 0 && lx->open_lambdas > 0)
			lx->open_lambdas--;
		else if (lx->top == 0 && ctx->depth == 0)
			lx->colon_seen = true;
		break;
	case '!':
		if (ctx->kind == CONTEXT_FIELD && ctx->depth == 0 && (lx->pos == lx->len || b[lx->pos] != '='))
			ctx->kind = CONTEXT_SPEC;
		break;
	case ';': end_simple_statement(lx); break;
	case '.':
		if (lx->pos >= 3 && b[lx->pos - 2] == '.' && b[lx->pos - 3] == '.')
			lx->previous = '0'; /* `...`, an atom that ends a line */
		break;
	case '=': {
		/* not ==, <=, >=, != (but <<= and >>= are assignments) */
		uint8_t before = lx->pos >= 2 ? b[lx->pos - 2] : 0;
		uint8_t twice = lx->pos >= 3 ? b[lx->pos - 3] : 0;
		bool comparison = (lx->pos < lx->len && b[lx->pos] == '=') || before == '=' || before == '!' ||
		                  ((before == '<' || before == '>') && twice != before);
		if (before == ':') {
			/* a walrus binds the name before it, at any depth */
			if (lx->out->word_count > lx->statement_first_word)
				lx->out->words[lx->out->word_count - 1].binding = true;
		} else if (!comparison && lx->top == 0 && ctx->depth == 0) {
			mark_targets(lx);
		}
		break;
	}
	default: break;
	}
}

bool lf_segments_split(const uint8_t *bytes, uint32_t len, lf_segments *segments)
{
	segments->count = 0;
	segments->word_count = 0;
	segments->star_import = false;
	lexer lx = {.bytes = bytes, .len = len, .out = segments, .at_line_start = true, .module_scope_line = true};
	open_segment(&lx, 0);
	if (len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0)
		lx.pos = 3; /* a UTF-8 byte order mark is no code */
	while (lx.pos < len && !lx.unsure) {
		if (lx.top == 0 && lx.at_line_start) {
			line_start(&lx);
			if (lx.pos == len)
				break;
		}
		switch (lx.stack[lx.top].kind) {
		case CONTEXT_CODE:
		case CONTEXT_FIELD: code(&lx); break;
		case CONTEXT_FSTRING: fstring_text(&lx); break;
		case CONTEXT_SPEC: spec_text(&lx); break;
		}
	}
	if (lx.top > 0 || lx.stack[0].depth > 0)
		lx.unsure = true; /* an open string or bracket at the end */
	lf_segment *last = &segments->items[segments->count - 1];
	last->end = len;
	last->word_count = segments->word_count - last->first_word;
	return !lx.unsure;
}
