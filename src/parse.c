#include "loadfix/parse.h"

#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"

/* tree-sitter 0.20 has no ts_node_is_error(); ERROR nodes carry this symbol. */
#define ERROR_SYMBOL ((TSSymbol)-1)

const TSLanguage *tree_sitter_python(void);

const TSLanguage *lf_python_language(void)
{
	return tree_sitter_python();
}

struct lf_parser {
	TSParser *ts;
};

lf_parser *lf_parser_create(void)
{
	lf_parser *parser = lf_xcalloc(1, sizeof *parser);
	parser->ts = ts_parser_new();
	if (!ts_parser_set_language(parser->ts, lf_python_language())) {
		/* The grammar's ABI is pinned at build time; a mismatch is a build bug. */
		fputs("loadfix: internal error: tree-sitter rejected the Python grammar (ABI mismatch)\n", stderr);
		abort();
	}
	return parser;
}

void lf_parser_destroy(lf_parser *parser)
{
	if (!parser)
		return;
	ts_parser_delete(parser->ts);
	free(parser);
}

/* A lone '\r' (not before '\n') somewhere in bytes? */
static bool has_lone_cr(const uint8_t *bytes, uint32_t len)
{
	for (const uint8_t *p = bytes; (p = memchr(p, '\r', (size_t)(bytes + len - p))); p++)
		if (p + 1 == bytes + len || p[1] != '\n')
			return true;
	return false;
}

TSTree *lf_parser_parse(lf_parser *parser, const uint8_t *bytes, uint32_t len)
{
	return lf_parser_reparse(parser, bytes, len, NULL);
}

TSTree *lf_parser_reparse(lf_parser *parser, const uint8_t *bytes, uint32_t len, const TSTree *previous)
{
	/*
	 * A fresh external scanner for every parse.  tree-sitter-python
	 * 0.23.6's scanner does not clear its "inside an f-string" flag when
	 * reset, so after a file ending in an unterminated f-string the next
	 * parse on this parser lost its DEDENT tokens and misplaced code (the
	 * fuzzer found findings hidden that way).  Setting the language again
	 * recreates the scanner; ts_parser_reset alone does not.
	 */
	ts_parser_reset(parser->ts);
	ts_parser_set_language(parser->ts, lf_python_language());
	if (!has_lone_cr(bytes, len))
		return ts_parser_parse_string_encoding(parser->ts, previous, (const char *)bytes, len,
		                                       TSInputEncodingUTF8);
	/*
	 * Python ends a line at a lone '\r'; the grammar does not (a comment
	 * would run on over the next line and hide a call in it).  Parse a copy
	 * with each lone '\r' turned into '\n': same length, so every offset in
	 * the tree is an offset into the original bytes.  tree-sitter keeps no
	 * pointer to its input, so the copy can go right away.
	 */
	uint8_t *copy = lf_xmalloc((size_t)len + 1);
	memcpy(copy, bytes, len);
	for (uint32_t i = 0; i < len; i++)
		if (copy[i] == '\r' && (i + 1 == len || copy[i + 1] != '\n'))
			copy[i] = '\n';
	TSTree *tree =
	        ts_parser_parse_string_encoding(parser->ts, previous, (const char *)copy, len, TSInputEncodingUTF8);
	free(copy);
	return tree;
}

uint32_t lf_count_parse_errors(TSNode node)
{
	if (!ts_node_has_error(node))
		return 0;
	uint32_t count = 0;
	TSTreeCursor cursor = ts_tree_cursor_new(node);
	for (;;) {
		TSNode current = ts_tree_cursor_current_node(&cursor);
		if (ts_node_symbol(current) == ERROR_SYMBOL || ts_node_is_missing(current))
			count++;
		if (ts_node_has_error(current) && ts_tree_cursor_goto_first_child(&cursor))
			continue;
		while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
			if (!ts_tree_cursor_goto_parent(&cursor)) {
				ts_tree_cursor_delete(&cursor);
				return count;
			}
		}
	}
}

bool lf_node_is_error(TSNode node)
{
	return ts_node_symbol(node) == ERROR_SYMBOL;
}
