#ifndef LOADFIX_SYNTAX_H
#define LOADFIX_SYNTAX_H

#include <tree_sitter/api.h>

/*
 * The node types and fields of the Python grammar that loadfix looks at,
 * as small integers.  Comparing type names with strcmp on every node was
 * a tenth of the run time; the tables mapping the grammar's symbols and
 * field ids to these are built once, from the names, so they follow the
 * grammar whatever its numbering.  Only named symbols are mapped: the
 * keyword `lambda` and the expression `lambda` share a name.
 */
typedef enum lf_kind {
	LF_KIND_OTHER = 0,
#define LF_KIND(id, name) id,
#include "loadfix/syntax_kinds.h"
#undef LF_KIND
	LF_KIND_COUNT
} lf_kind;

typedef enum lf_field {
	LF_FIELD_OTHER = 0,
#define LF_FIELD(id, name) id,
#include "loadfix/syntax_fields.h"
#undef LF_FIELD
	LF_FIELD_COUNT
} lf_field;

lf_kind lf_kind_of(TSNode node);
lf_field lf_field_of(TSFieldId id);
/* The grammar's field id for one of ours (for ts_node_child_by_field_id). */
TSFieldId lf_field_id(lf_field field);

#endif
