#include "loadfix/diag.h"

#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"

void lf_diags_init(lf_diags *diags)
{
	memset(diags, 0, sizeof *diags);
}

static void diag_finish(lf_diag *diag)
{
	free(diag->message);
	lf_fix_finish(&diag->fix);
}

void lf_diags_finish(lf_diags *diags)
{
	for (uint32_t i = 0; i < diags->count; i++)
		diag_finish(&diags->items[i]);
	free(diags->items);
	lf_diags_init(diags);
}

void lf_diags_push(lf_diags *diags, const lf_rule *rule, uint32_t start, uint32_t end, char *message, lf_fix *fix)
{
	if (diags->count == diags->cap) {
		diags->cap = diags->cap ? diags->cap * 2 : 8;
		diags->items = lf_xrealloc(diags->items, sizeof(lf_diag) * diags->cap);
	}
	lf_diag *diag = &diags->items[diags->count++];
	diag->rule = rule;
	diag->start = start;
	diag->end = end;
	diag->span_start = start;
	diag->span_end = end;
	diag->message = message;
	if (fix) {
		diag->fix = *fix;
		lf_fix_init(fix);
	} else {
		lf_fix_init(&diag->fix);
	}
}

void lf_diags_remove(lf_diags *diags, uint32_t i)
{
	diag_finish(&diags->items[i]);
	memmove(&diags->items[i], &diags->items[i + 1], sizeof(lf_diag) * (diags->count - i - 1));
	diags->count--;
}
