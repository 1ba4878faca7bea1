#ifndef LOADFIX_PARSE_H
#define LOADFIX_PARSE_H

#include <stdbool.h>
#include <stdint.h>
#include <tree_sitter/api.h>

/* The tree-sitter Python grammar: global, read-only, shared by all threads. */
const TSLanguage *lf_python_language(void);

/* One parser per thread (TSParser is not thread-safe); create/destroy. */
typedef struct lf_parser lf_parser;

lf_parser *lf_parser_create(void);
void lf_parser_destroy(lf_parser *parser);
/* Parses bytes; the caller owns the returned tree (ts_tree_delete). */
TSTree *lf_parser_parse(lf_parser *parser, const uint8_t *bytes, uint32_t len);
/* The same, reusing `previous` (borrowed, may be NULL): an earlier parse
 * that ts_tree_edit has told about every change since, so that tree-sitter
 * re-parses only what changed (the language server after each edit, the
 * fix loop's verification after each round).  The old tree carries each
 * token's serialized scanner state, so the fresh scanner needs nothing
 * from the old one. */
TSTree *lf_parser_reparse(lf_parser *parser, const uint8_t *bytes, uint32_t len, const TSTree *previous);

/*
 * Number of ERROR and MISSING nodes in a subtree.  Iterative (a tree
 * cursor, no recursion) so that deeply nested input cannot overflow the
 * stack, and it only descends into subtrees that contain an error.
 */
uint32_t lf_count_parse_errors(TSNode node);

/* An ERROR node (tree-sitter 0.20 has no ts_node_is_error). */
bool lf_node_is_error(TSNode node);

#endif
