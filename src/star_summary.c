#include "loadfix/star_summary.h"

#include <string.h>

/* Strings nest only through f-string replacement fields; deeper than this
 * is not code anyone writes, and the scan gives up rather than recurse. */
#define MAX_NESTING 64
#define NO_LINE SIZE_MAX

typedef struct scan {
	const uint8_t *b;
	size_t len, at;
	int nesting;
	bool ok; /* false: the scan is unsure; the caller parses the whole module */
} scan;

static bool is_name_byte(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

static bool is_quote(uint8_t c)
{
	return c == '\'' || c == '"';
}

/* Whether the `n` name bytes before a quote are a string prefix (r, u, b,
 * f and their valid pairs, any case), and which kind of string it opens. */
static bool string_prefix(const uint8_t *p, size_t n, bool *raw, bool *format)
{
	bool r = false, f = false, b = false, u = false;
	if (n > 2)
		return false;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i] | 0x20;
		bool *flag = c == 'r' ? &r : c == 'f' ? &f : c == 'b' ? &b : c == 'u' ? &u : NULL;
		if (!flag || *flag)
			return false;
		*flag = true;
	}
	if ((u && n != 1) || (f && b))
		return false;
	*raw = r;
	*format = f;
	return true;
}

static void skip_string(scan *s, bool raw, bool format);

static void skip_to_line_end(scan *s)
{
	const uint8_t *eol = memchr(s->b + s->at, '\n', s->len - s->at);
	s->at = eol ? (size_t)(eol - s->b) : s->len;
}

/* After a name run ending at s->at: a quote right after it opens a string
 * when the run is a prefix (`rb"..."`); otherwise the quote is seen next. */
static void after_name(scan *s, size_t start)
{
	bool raw, format;
	if (s->at < s->len && is_quote(s->b[s->at]) && string_prefix(s->b + start, s->at - start, &raw, &format))
		skip_string(s, raw, format);
}

static void skip_expression(scan *s);

/* An f-string's format spec (after `:` in a replacement field), up to and
 * including the field's `}`; `{` opens a nested field. */
static void skip_format_spec(scan *s)
{
	while (s->ok && s->at < s->len) {
		uint8_t c = s->b[s->at++];
		if (c == '{')
			skip_expression(s);
		else if (c == '}')
			return;
	}
	s->ok = false;
}

/* A replacement field of an f-string, after its `{`, up to and including
 * its `}`: an expression in which strings nest (Python 3.12, and
 * tree-sitter-python, allow the enclosing quote there). */
static void skip_expression(scan *s)
{
	if (++s->nesting > MAX_NESTING) {
		s->ok = false;
		return;
	}
	int depth = 0;
	while (s->ok && s->at < s->len) {
		uint8_t c = s->b[s->at];
		if (is_quote(c)) {
			skip_string(s, false, false);
		} else if (is_name_byte(c)) {
			size_t start = s->at;
			while (s->at < s->len && is_name_byte(s->b[s->at]))
				s->at++;
			after_name(s, start);
		} else if (c == '#') {
			skip_to_line_end(s);
		} else {
			s->at++;
			if (c == '(' || c == '[' || c == '{') {
				depth++;
			} else if (c == ')' || c == ']' || (c == '}' && depth > 0)) {
				if (--depth < 0)
					s->ok = false;
			} else if (c == '}') {
				s->nesting--;
				return;
			} else if (c == ':' && depth == 0) {
				skip_format_spec(s);
				s->nesting--;
				return;
			}
		}
	}
	s->ok = false;
}

/* A string literal; s->at is at its opening quote. */
static void skip_string(scan *s, bool raw, bool format)
{
	const uint8_t *b = s->b;
	uint8_t quote = b[s->at];
	bool triple = s->at + 2 < s->len && b[s->at + 1] == quote && b[s->at + 2] == quote;
	s->at += triple ? 3 : 1;
	if (++s->nesting > MAX_NESTING) {
		s->ok = false;
		return;
	}
	while (s->ok && s->at < s->len) {
		uint8_t c = b[s->at];
		if (c == '\\') {
			uint8_t next = s->at + 1 < s->len ? b[s->at + 1] : 0;
			if (format && !raw && next == 'N' && s->at + 2 < s->len && b[s->at + 2] == '{') {
				/* \N{NAME}: its braces open no field */
				const uint8_t *close = memchr(b + s->at, '}', s->len - s->at);
				if (!close)
					break;
				s->at = (size_t)(close - b) + 1;
			} else if (format && next == '{') {
				s->at++; /* `\{` is no escape: the brace still opens a field */
			} else {
				/* escapes the next byte, in raw strings too (as far as
				 * where the string ends goes); \r\n is one line end */
				s->at += next == '\r' && s->at + 2 < s->len && b[s->at + 2] == '\n' ? 3 : 2;
			}
		} else if (c == quote &&
		           (!triple || (s->at + 2 < s->len && b[s->at + 1] == quote && b[s->at + 2] == quote))) {
			s->at += triple ? 3 : 1;
			s->nesting--;
			return;
		} else if ((c == '\n' || c == '\r') && !triple) {
			break; /* unterminated */
		} else if (format && c == '{') {
			if (s->at + 1 < s->len && b[s->at + 1] == '{') {
				s->at += 2;
			} else {
				s->at++;
				skip_expression(s);
			}
		} else {
			s->at++;
		}
	}
	s->ok = false;
}

/* From the start of a line to just past the newline that ends its logical
 * line (brackets and backslashes join physical lines). */
static void skip_logical_line(scan *s)
{
	int depth = 0;
	while (s->ok && s->at < s->len) {
		uint8_t c = s->b[s->at];
		if (is_quote(c)) {
			skip_string(s, false, false);
		} else if (is_name_byte(c)) {
			size_t start = s->at;
			while (s->at < s->len && is_name_byte(s->b[s->at]))
				s->at++;
			after_name(s, start);
		} else if (c == '#') {
			skip_to_line_end(s);
		} else if (c == '\\') {
			/* a continuation: the newline after it ends no line */
			const uint8_t *next = s->b + s->at + 1, *end = s->b + s->len;
			s->at += next < end && *next == '\n'                            ? 2
			         : next + 1 < end && next[0] == '\r' && next[1] == '\n' ? 3
			                                                                : 1;
		} else if (c == '\r') {
			if (s->at + 1 >= s->len || s->b[s->at + 1] != '\n') {
				s->ok = false; /* a lone \r ends a line for Python: not handled here */
				return;
			}
			s->at++;
		} else {
			s->at++;
			if (c == '(' || c == '[' || c == '{') {
				depth++;
			} else if (c == ')' || c == ']' || c == '}') {
				if (--depth < 0)
					s->ok = false;
			} else if (c == '\n' && depth == 0) {
				/* a backslash before it was consumed with it above */
				return;
			}
		}
	}
	if (depth != 0)
		s->ok = false;
}

static bool starts_with_word(const uint8_t *p, const uint8_t *end, const char *word)
{
	size_t n = strlen(word);
	return (size_t)(end - p) >= n && memcmp(p, word, n) == 0 && (p + n == end || !is_name_byte(p[n]));
}

/* The name a `def`/`class` line at `head` binds, or NULL when the line is
 * not a plain one (then the statement is copied whole). */
static const uint8_t *defined_name(const uint8_t *head, const uint8_t *end, size_t *len, bool *is_class)
{
	const uint8_t *p = head;
	if (starts_with_word(p, end, "async")) {
		p += 5;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
	}
	if (starts_with_word(p, end, "def")) {
		p += 3;
		*is_class = false;
	} else if (p == head && starts_with_word(p, end, "class")) {
		p += 5;
		*is_class = true;
	} else {
		return NULL;
	}
	const uint8_t *name = p;
	while (name < end && (*name == ' ' || *name == '\t'))
		name++;
	if (name == p || name == end || (*name >= '0' && *name <= '9'))
		return NULL;
	const uint8_t *stop = name;
	while (stop < end && is_name_byte(*stop))
		stop++;
	*len = (size_t)(stop - name);
	return *len ? name : NULL;
}

/* Whether the word `global` occurs in [p, end) (not `global_step`, not
 * `globals()`: a statement is looked at as text, strings included, which
 * only keeps more than needed). */
static bool has_global_word(const uint8_t *p, const uint8_t *end)
{
	for (const uint8_t *at = p; (at = memmem(at, (size_t)(end - at), "global", 6)) != NULL; at += 6)
		if ((at == p || !is_name_byte(at[-1])) && (at + 6 == end || !is_name_byte(at[6])))
			return true;
	return false;
}

/* One top-level statement, [start, end); `head` is its `def`/`class` line
 * after any decorators, or NO_LINE. */
static void emit(lf_buf *out, const uint8_t *b, size_t start, size_t head, size_t end)
{
	size_t len = 0;
	bool is_class = false;
	const uint8_t *name = head == NO_LINE ? NULL : defined_name(b + head, b + end, &len, &is_class);
	if (name && !has_global_word(b + start, b + end) && !memmem(b + start, end - start, ":=", 2)) {
		lf_buf_puts(out, is_class ? "class " : "def ");
		lf_buf_append(out, name, len);
		lf_buf_puts(out, is_class ? ": pass\n" : "(): pass\n");
		return;
	}
	lf_buf_append(out, b + start, end - start);
	if (b[end - 1] != '\n')
		lf_buf_putc(out, '\n');
}

bool lf_star_summary(const uint8_t *bytes, size_t len, lf_buf *out)
{
	scan s = {.b = bytes, .len = len, .ok = true};
	if (len >= 3 && memcmp(bytes, "\xef\xbb\xbf", 3) == 0)
		s.at = 3;
	size_t statement = NO_LINE, head = NO_LINE;
	bool decorating = false; /* the statement's last column-0 line is a decorator */
	while (s.ok && s.at < len) {
		size_t line = s.at, text = line;
		while (text < len && (bytes[text] == ' ' || bytes[text] == '\t'))
			text++;
		if (text < len && bytes[text] == '\f') {
			s.ok = false; /* a form feed resets the indentation count */
			break;
		}
		bool blank = text == len || bytes[text] == '\n' || bytes[text] == '\r' || bytes[text] == '#';
		if (!blank && text == line) {
			const uint8_t *end = bytes + len;
			bool clause = starts_with_word(bytes + line, end, "else") ||
			              starts_with_word(bytes + line, end, "elif") ||
			              starts_with_word(bytes + line, end, "except") ||
			              starts_with_word(bytes + line, end, "finally");
			if (statement == NO_LINE || !(decorating || clause)) {
				if (statement != NO_LINE)
					emit(out, bytes, statement, head, line);
				statement = line;
				head = NO_LINE;
			}
			decorating = bytes[line] == '@';
			if (!decorating && head == NO_LINE && !clause)
				head = line;
		} else if (!blank && statement == NO_LINE) {
			s.ok = false; /* the first statement is indented */
			break;
		}
		skip_logical_line(&s);
	}
	if (s.ok && statement != NO_LINE)
		emit(out, bytes, statement, head, len);
	if (!s.ok) {
		lf_buf_finish(out);
		lf_buf_init(out);
	}
	return s.ok;
}
