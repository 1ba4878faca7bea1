#include "loadfix/doc.h"

#include <stdlib.h>
#include <string.h>

void lf_doc_init(lf_doc *doc)
{
	memset(doc, 0, sizeof *doc);
	lf_diags_init(&doc->diags);
	lf_diags_init(&doc->original_diags);
}

static void drop_fixes(lf_doc *doc)
{
	if (doc->changed)
		lf_source_finish(&doc->fixed);
	memset(&doc->fixed, 0, sizeof doc->fixed);
	for (uint32_t i = 0; i < doc->round_count; i++)
		lf_fix_finish(&doc->rounds[i]);
	doc->round_count = 0;
	doc->changed = false;
	doc->fixed_count = 0;
}

void lf_doc_finish(lf_doc *doc)
{
	drop_fixes(doc);
	lf_source_finish(&doc->original);
	lf_diags_finish(&doc->diags);
	lf_diags_finish(&doc->original_diags);
	free(doc->error);
	if (doc->tree)
		ts_tree_delete(doc->tree);
	lf_doc_init(doc);
}

const lf_source *lf_doc_text(const lf_doc *doc)
{
	return doc->changed ? &doc->fixed : &doc->original;
}

void lf_doc_revert(lf_doc *doc)
{
	if (!doc->changed)
		return;
	drop_fixes(doc);
	lf_diags_finish(&doc->diags);
	doc->diags = doc->original_diags;
	lf_diags_init(&doc->original_diags);
}
