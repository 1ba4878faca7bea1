#include "loadfix/partial.h"

#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"
#include "loadfix/evidence.h"
#include "loadfix/targets.h"

/* A fixpoint that needs more passes than this is a chain of aliases
 * written backwards through a huge file: parse it whole instead. */
#define MAX_PASSES 64

/* An open-addressing set of words (borrowed texts). */
typedef struct word_set {
	const uint8_t **texts;
	uint32_t *lens;
	uint32_t *hashes;
	uint32_t cap; /* a power of two */
	uint32_t count;
} word_set;

static void set_init(word_set *s)
{
	s->cap = 256;
	s->count = 0;
	s->texts = lf_xcalloc(s->cap, sizeof *s->texts);
	s->lens = lf_xcalloc(s->cap, sizeof *s->lens);
	s->hashes = lf_xcalloc(s->cap, sizeof *s->hashes);
}

static void set_finish(word_set *s)
{
	free(s->texts);
	free(s->lens);
	free(s->hashes);
}

static bool set_has(const word_set *s, const uint8_t *text, uint32_t len, uint32_t hash)
{
	for (uint32_t i = hash & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (!s->texts[i])
			return false;
		if (s->hashes[i] == hash && s->lens[i] == len && memcmp(s->texts[i], text, len) == 0)
			return true;
	}
}

static void set_insert(word_set *s, const uint8_t *text, uint32_t len, uint32_t hash);

static void set_grow(word_set *s)
{
	word_set bigger = {.cap = s->cap * 2};
	bigger.texts = lf_xcalloc(bigger.cap, sizeof *bigger.texts);
	bigger.lens = lf_xcalloc(bigger.cap, sizeof *bigger.lens);
	bigger.hashes = lf_xcalloc(bigger.cap, sizeof *bigger.hashes);
	for (uint32_t i = 0; i < s->cap; i++)
		if (s->texts[i])
			set_insert(&bigger, s->texts[i], s->lens[i], s->hashes[i]);
	set_finish(s);
	*s = bigger;
}

/* Adds a word; returns nothing, the callers track change by segment. */
static void set_insert(word_set *s, const uint8_t *text, uint32_t len, uint32_t hash)
{
	if (2 * (s->count + 1) > s->cap)
		set_grow(s);
	uint32_t i = hash & (s->cap - 1);
	while (s->texts[i]) {
		if (s->hashes[i] == hash && s->lens[i] == len && memcmp(s->texts[i], text, len) == 0)
			return;
		i = (i + 1) & (s->cap - 1);
	}
	s->texts[i] = text;
	s->lens[i] = len;
	s->hashes[i] = hash;
	s->count++;
}

static void set_insert_string(word_set *s, const char *text)
{
	uint32_t len = (uint32_t)strlen(text);
	set_insert(s, (const uint8_t *)text, len, lf_word_hash((const uint8_t *)text, len));
}

/*
 * The loader table's words: the last component of each loader's name
 * (`load`, `Unpickler`, `load_state_dict_from_url`).  A reference to a
 * loader spells it (`torch.load`, `ser.load`, `from torch import load`) or
 * spells a name some statement bound to it (`l = torch.load`, `from torch
 * import load as l`), and that statement spells the component: such names
 * join through the fixpoint.  The names the reference goes through on the
 * way (`torch`, `ser`) are "used", so the imports and assignments that bind
 * them are selected as binders.  A loader that any callee can be (LF106)
 * is found by its keyword instead.  Words inside one-line string literals
 * count as spelled (lf_word.attribute: they name nothing).
 */
static void seed(word_set *relevant)
{
	for (uint32_t id = 1; id < lf_name_count(); id++) {
		const lf_name *name = lf_name_get(id);
		if (name->target && !name->target->spelled && strcmp(name->component, "*") != 0)
			set_insert_string(relevant, name->component);
	}
	/* The rows' deciding keywords too (LF106's `trust_remote_code`, and
	 * `weights_only`, which a call of a project's wrapper of torch.load
	 * must pass): a call that passes one is relevant whatever its callee. */
	for (size_t i = 0; i < lf_target_count; i++)
		if (lf_targets[i].keyword)
			set_insert_string(relevant, lf_targets[i].keyword);
	/* What LF001's fix safety reads besides (loadfix/evidence.h). */
	for (const char *const *word = lf_evidence_words; *word; word++)
		set_insert_string(relevant, *word);
}

typedef struct selection {
	const uint8_t *bytes;
	const lf_segments *segments;
	word_set relevant_words; /* the table's words and what relevant statements bind */
	word_set used_words;     /* what selected statements use */
	bool *relevant;
	bool *selected;
} selection;

/* Which of a statement's words a test or an addition looks at. */
typedef enum word_filter {
	ALL_WORDS,          /* everything spelled, attribute names included */
	NAMES,              /* names (not attribute names) */
	MODULE_SCOPE_NAMES, /* names in module-scope code */
	MODULE_BINDINGS,    /* those in a binding place: what it may bind */
} word_filter;

static bool passes(const lf_word *w, word_filter filter)
{
	switch (filter) {
	case ALL_WORDS: return true;
	case NAMES: return !w->attribute;
	case MODULE_SCOPE_NAMES: return !w->attribute && w->module_scope;
	case MODULE_BINDINGS: return w->binding && w->module_scope;
	}
	return true;
}

static bool spells_any(const selection *sel, const lf_segment *seg, const word_set *words, word_filter filter)
{
	if (seg->word_count == 0) /* and words may be NULL: no offset from it */
		return false;
	const lf_word *w = sel->segments->words + seg->first_word;
	for (uint32_t i = 0; i < seg->word_count; i++)
		if (passes(&w[i], filter) && set_has(words, sel->bytes + w[i].start, w[i].len, w[i].hash))
			return true;
	return false;
}

static void add_words(selection *sel, const lf_segment *seg, word_set *words, word_filter filter)
{
	if (seg->word_count == 0)
		return;
	const lf_word *w = sel->segments->words + seg->first_word;
	for (uint32_t i = 0; i < seg->word_count; i++)
		if (passes(&w[i], filter))
			set_insert(words, sel->bytes + w[i].start, w[i].len, w[i].hash);
}

/* One pass over the statements not yet decided; returns whether any
 * statement was newly selected or became relevant. */
static bool pass(selection *sel)
{
	bool changed = false;
	for (uint32_t s = 0; s < sel->segments->count; s++) {
		const lf_segment *seg = &sel->segments->items[s];
		if (!sel->relevant[s] && spells_any(sel, seg, &sel->relevant_words, ALL_WORDS)) {
			sel->relevant[s] = sel->selected[s] = true;
			add_words(sel, seg, &sel->relevant_words, MODULE_BINDINGS);
			add_words(sel, seg, &sel->used_words, NAMES);
			changed = true;
		} else if (!sel->selected[s] && spells_any(sel, seg, &sel->used_words, MODULE_BINDINGS)) {
			sel->selected[s] = true;
			add_words(sel, seg, &sel->used_words, MODULE_SCOPE_NAMES);
			changed = true;
		}
	}
	return changed;
}

/*
 * The rows selected by bytes rather than by a component (lf_target.spelled:
 * LF006's `os.environ.update(...)` reports only a statement that holds
 * the variable's name in a string, any quote form, so the component
 * `update` would select every `.update(`).  A statement holding the bytes
 * is relevant, as if it spelled a component.
 */
static void select_spelling(selection *sel)
{
	for (size_t t = 0; t < lf_target_count; t++) {
		const char *spelled = lf_targets[t].spelled;
		if (!spelled || (t > 0 && lf_targets[t - 1].spelled && strcmp(lf_targets[t - 1].spelled, spelled) == 0))
			continue; /* rows sharing the bytes sit together: look once */
		size_t n = strlen(spelled);
		for (uint32_t s = 0; s < sel->segments->count; s++) {
			const lf_segment *seg = &sel->segments->items[s];
			if (sel->relevant[s] || !memmem(sel->bytes + seg->start, seg->end - seg->start, spelled, n))
				continue;
			sel->relevant[s] = sel->selected[s] = true;
			add_words(sel, seg, &sel->relevant_words, MODULE_BINDINGS);
			add_words(sel, seg, &sel->used_words, NAMES);
		}
	}
}

static void add_range(lf_partial *partial, uint32_t start, uint32_t end)
{
	if (partial->range_count > 0 && partial->ranges[2 * partial->range_count - 1] == start) {
		partial->ranges[2 * partial->range_count - 1] = end;
		return;
	}
	partial->ranges[2 * partial->range_count] = start;
	partial->ranges[2 * partial->range_count + 1] = end;
	partial->range_count++;
}

bool lf_partial_init(lf_partial *partial, const uint8_t *bytes, uint32_t len)
{
	memset(partial, 0, sizeof *partial);
	lf_segments segments;
	lf_segments_init(&segments);
	if (!lf_segments_split(bytes, len, &segments) || segments.star_import) {
		lf_segments_finish(&segments);
		return false;
	}
	selection sel = {.bytes = bytes, .segments = &segments};
	set_init(&sel.relevant_words);
	set_init(&sel.used_words);
	seed(&sel.relevant_words);
	sel.relevant = lf_xcalloc(segments.count, sizeof *sel.relevant);
	sel.selected = lf_xcalloc(segments.count, sizeof *sel.selected);
	select_spelling(&sel);
	int passes = 0;
	while (pass(&sel))
		if (++passes == MAX_PASSES)
			for (uint32_t s = 0; s < segments.count; s++)
				sel.selected[s] = true;

	partial->len = len;
	partial->text = lf_xmalloc((size_t)len + 1);
	partial->ranges = lf_xmalloc(2 * (size_t)segments.count * sizeof *partial->ranges);
	partial->statements = segments.count;
	for (uint32_t s = 0; s < segments.count; s++) {
		const lf_segment *seg = &segments.items[s];
		uint8_t *to = partial->text + seg->start;
		const uint8_t *from = bytes + seg->start;
		uint32_t n = seg->end - seg->start;
		if (sel.selected[s]) {
			memcpy(to, from, n);
			add_range(partial, seg->start, seg->end);
			partial->selected_bytes += n;
			partial->selected_statements++;
		} else {
			for (uint32_t i = 0; i < n; i++)
				to[i] = from[i] == '\n' || from[i] == '\r' ? from[i] : ' ';
		}
	}
	/* Python ends a line at a lone '\r', the grammar does not: do here
	 * what lf_parser_parse does on a copy (same length), so that the rows
	 * of incremental edits (loadfix/verify.h) count the same lines. */
	for (uint32_t i = 0; i < len; i++)
		if (partial->text[i] == '\r' && (i + 1 == len || partial->text[i + 1] != '\n'))
			partial->text[i] = '\n';
	partial->text[len] = 0;
	free(sel.relevant);
	free(sel.selected);
	set_finish(&sel.relevant_words);
	set_finish(&sel.used_words);
	lf_segments_finish(&segments);
	return true;
}

void lf_partial_finish(lf_partial *partial)
{
	free(partial->text);
	free(partial->ranges);
	memset(partial, 0, sizeof *partial);
}

/* An edit is inside a range when it starts and ends in it; an insertion at
 * a range's end is not (it would sit at the next statement's column 0). */
bool lf_partial_covers(const lf_partial *partial, const lf_edit_set *edits)
{
	uint32_t r = 0;
	for (uint32_t i = 0; i < edits->count; i++) {
		const lf_edit *e = &edits->edits[i];
		while (r < partial->range_count && partial->ranges[2 * r + 1] <= e->start)
			r++;
		if (r == partial->range_count || e->start < partial->ranges[2 * r] ||
		    e->end > partial->ranges[2 * r + 1])
			return false;
	}
	return true;
}

void lf_partial_apply(lf_partial *partial, const lf_edit_set *edits, uint8_t *text_after, uint32_t len_after)
{
	free(partial->text);
	partial->text = text_after;
	partial->len = len_after;
	/* Each range bound moves by what the edits before it added. */
	int64_t shift = 0;
	uint32_t e = 0;
	for (uint32_t i = 0; i < 2 * partial->range_count; i++) {
		uint32_t bound = partial->ranges[i];
		while (e < edits->count && edits->edits[e].start < bound) {
			const lf_edit *edit = &edits->edits[e++];
			shift += (int64_t)strlen(edit->text) - (int64_t)(edit->end - edit->start);
		}
		partial->ranges[i] = (uint32_t)((int64_t)bound + shift);
	}
	partial->selected_bytes = 0;
	for (uint32_t r = 0; r < partial->range_count; r++)
		partial->selected_bytes += partial->ranges[2 * r + 1] - partial->ranges[2 * r];
}
