#include "loadfix/star_summary.h"

#include <string.h>

#include "loadfix/segment.h"

static bool is_name_byte(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

static const uint8_t *skip_blanks(const uint8_t *p, const uint8_t *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* The name a definition's header line at `head` (`def`, `async def` or
 * `class`, as lf_segment.definition says) binds, or NULL when the line is
 * not a plain one (then the statement is copied whole). */
static const uint8_t *defined_name(const uint8_t *head, const uint8_t *end, size_t *len, bool *is_class)
{
	const uint8_t *p = head;
	if (*p == 'a')
		p = skip_blanks(p + strlen("async"), end);
	*is_class = *p == 'c';
	p += *is_class ? strlen("class") : strlen("def");
	const uint8_t *name = skip_blanks(p, end);
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

/* One top-level statement, with the comments and blank lines after it. */
static void emit(lf_buf *out, const uint8_t *b, const lf_segment *seg)
{
	size_t len = 0;
	bool is_class = false;
	const uint8_t *start = b + seg->statement, *end = b + seg->end;
	const uint8_t *name = seg->definition ? defined_name(b + seg->head, end, &len, &is_class) : NULL;
	if (name && !has_global_word(start, end) && !memmem(start, (size_t)(end - start), ":=", 2)) {
		lf_buf_puts(out, is_class ? "class " : "def ");
		lf_buf_append(out, name, len);
		lf_buf_puts(out, is_class ? ": pass\n" : "(): pass\n");
		return;
	}
	lf_buf_append(out, start, (size_t)(end - start));
	if (end[-1] != '\n')
		lf_buf_putc(out, '\n');
}

/* Statements come from segment.c, the one splitter, which replaced a scanner
 * of this file's own.  Where the two differed the more careful one was
 * kept: the old scanner read a comment up to `\n` past a lone `\r` (Python
 * ends the line there, so code after it was taken for comment) and read
 * non-ASCII identifiers as any other; segment.c now also gives up on form
 * feeds in indentation, lone `\r` and an indented first statement, as this
 * file did, but reads a line holding only a form feed as blank. */
bool lf_star_summary(const uint8_t *bytes, size_t len, lf_buf *out)
{
	if (len > UINT32_MAX)
		return false;
	lf_segments segments;
	lf_segments_init(&segments);
	bool sure = lf_segments_split(bytes, (uint32_t)len, &segments);
	for (uint32_t i = 0; sure && i < segments.count; i++)
		if (segments.items[i].statement != LF_NO_STATEMENT)
			emit(out, bytes, &segments.items[i]);
	lf_segments_finish(&segments);
	return sure;
}
