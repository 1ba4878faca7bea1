#include "loadfix/lsp/position.h"

/* Bytes and code units of the character at p (at most `avail` bytes). */
static void character_at(const uint8_t *p, uint32_t avail, lf_lsp_encoding encoding, uint32_t *bytes, uint32_t *units)
{
	size_t n = lf_utf8_valid_length(p, avail);
	*bytes = n ? (uint32_t)n : 1;
	if (encoding == LF_LSP_UTF8)
		*units = *bytes;
	else
		*units = n == 4 ? 2 : 1;
}

/* Where line `line`'s content ends: before its line break. */
static uint32_t line_content_end(const lf_source *src, uint32_t line)
{
	if (line + 1 >= src->line_count)
		return src->len;
	uint32_t end = src->line_starts[line + 1];
	if (end > 0 && src->bytes[end - 1] == '\n')
		end--;
	if (end > src->line_starts[line] && src->bytes[end - 1] == '\r')
		end--;
	return end;
}

lf_lsp_position lf_lsp_position_of(const lf_source *src, uint32_t offset, lf_lsp_encoding encoding)
{
	if (offset > src->len)
		offset = src->len;
	uint32_t line = lf_source_line_of(src, offset);
	uint32_t at = src->line_starts[line], character = 0;
	if (encoding == LF_LSP_UTF8)
		return (lf_lsp_position){line, offset - at};
	while (at < offset) {
		uint32_t bytes, units;
		character_at(src->bytes + at, src->len - at, encoding, &bytes, &units);
		at += bytes;
		character += units;
	}
	return (lf_lsp_position){line, character};
}

uint32_t lf_lsp_offset_of(const lf_source *src, lf_lsp_position position, lf_lsp_encoding encoding)
{
	if (position.line >= src->line_count)
		return src->len;
	uint32_t at = src->line_starts[position.line];
	uint32_t end = line_content_end(src, position.line);
	uint32_t counted = 0;
	while (at < end) {
		uint32_t bytes, units;
		character_at(src->bytes + at, end - at, encoding, &bytes, &units);
		if (counted + units > position.character)
			break;
		at += bytes;
		counted += units;
	}
	return at;
}
