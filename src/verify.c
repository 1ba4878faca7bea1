#include "loadfix/verify.h"

#include <stdlib.h>

bool lf_apply_verified(lf_parser *parser, const lf_source *src, uint32_t errors_before, const lf_edit_set *edits,
                       uint8_t **out, uint32_t *out_len, TSTree **out_tree)
{
	*out = NULL;
	*out_tree = NULL;
	uint32_t len;
	uint8_t *bytes = lf_edit_set_apply(edits, src->bytes, src->len, &len);
	TSTree *tree = lf_parser_parse(parser, bytes, len);
	if (!tree || lf_count_parse_errors(ts_tree_root_node(tree)) > errors_before) {
		if (tree)
			ts_tree_delete(tree);
		free(bytes);
		return false;
	}
	*out = bytes;
	*out_len = len;
	*out_tree = tree;
	return true;
}
