#include "loadfix/syntax.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"
#include "loadfix/parse.h"

static const char *const KIND_NAMES[LF_KIND_COUNT] = {
#define LF_KIND(id, name) [id] = name,
#include "loadfix/syntax_kinds.h"
#undef LF_KIND
};

static const char *const FIELD_NAMES[LF_FIELD_COUNT] = {
#define LF_FIELD(id, name) [id] = name,
#include "loadfix/syntax_fields.h"
#undef LF_FIELD
};

static uint8_t *kind_by_symbol; /* indexed by TSSymbol */
static uint32_t symbol_count;
static uint8_t *field_by_id; /* indexed by TSFieldId */
static uint32_t field_count;
static TSFieldId id_by_field[LF_FIELD_COUNT];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void build_tables(void)
{
	const TSLanguage *language = lf_python_language();
	symbol_count = ts_language_symbol_count(language);
	kind_by_symbol = lf_xcalloc(symbol_count, 1);
	for (uint32_t symbol = 0; symbol < symbol_count; symbol++) {
		if (ts_language_symbol_type(language, (TSSymbol)symbol) != TSSymbolTypeRegular)
			continue;
		const char *name = ts_language_symbol_name(language, (TSSymbol)symbol);
		for (int kind = 1; kind < LF_KIND_COUNT; kind++)
			if (name && strcmp(name, KIND_NAMES[kind]) == 0)
				kind_by_symbol[symbol] = (uint8_t)kind;
	}
	field_count = ts_language_field_count(language) + 1;
	field_by_id = lf_xcalloc(field_count, 1);
	for (int field = 1; field < LF_FIELD_COUNT; field++) {
		TSFieldId id = ts_language_field_id_for_name(language, FIELD_NAMES[field],
		                                             (uint32_t)strlen(FIELD_NAMES[field]));
		if (id == 0 || id >= field_count) {
			/* The pinned grammar has every one of these fields. */
			fprintf(stderr, "loadfix: internal error: grammar lacks field %s\n", FIELD_NAMES[field]);
			abort();
		}
		field_by_id[id] = (uint8_t)field;
		id_by_field[field] = id;
	}
}

lf_kind lf_kind_of(TSNode node)
{
	pthread_once(&tables_once, build_tables);
	TSSymbol symbol = ts_node_symbol(node);
	return symbol < symbol_count ? (lf_kind)kind_by_symbol[symbol] : LF_KIND_OTHER;
}

lf_field lf_field_of(TSFieldId id)
{
	pthread_once(&tables_once, build_tables);
	return id < field_count ? (lf_field)field_by_id[id] : LF_FIELD_OTHER;
}

TSFieldId lf_field_id(lf_field field)
{
	pthread_once(&tables_once, build_tables);
	return id_by_field[field];
}
