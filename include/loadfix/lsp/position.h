#ifndef LOADFIX_LSP_POSITION_H
#define LOADFIX_LSP_POSITION_H

#include <stdint.h>

#include "loadfix/source.h"

/*
 * LSP positions are (line, character) with `character` counted in the
 * encoding negotiated at initialize: UTF-16 code units (the protocol's
 * default) or UTF-8 bytes.  loadfix works in byte offsets; these convert
 * at the edge, as ruff's server does.  Lines end as lf_source ends them
 * (\n, \r\n, lone \r), which is also the protocol's definition.  A byte
 * that is not valid UTF-8 counts as one UTF-16 unit (the client shows it
 * as U+FFFD); a character outside the BMP counts as two.
 */
typedef enum lf_lsp_encoding {
	LF_LSP_UTF16 = 0,
	LF_LSP_UTF8,
} lf_lsp_encoding;

typedef struct lf_lsp_position {
	uint32_t line;
	uint32_t character;
} lf_lsp_position;

lf_lsp_position lf_lsp_position_of(const lf_source *src, uint32_t offset, lf_lsp_encoding encoding);
/* The byte offset of a position.  Past the end of its line: the line's end
 * (before its line break); past the last line: the end of the text; inside
 * a character (half a surrogate pair, part of a UTF-8 sequence): the start
 * of that character.  Clients rely on this clamping. */
uint32_t lf_lsp_offset_of(const lf_source *src, lf_lsp_position position, lf_lsp_encoding encoding);

#endif
