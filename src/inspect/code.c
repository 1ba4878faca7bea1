/*
 * Connecting checkpoints to the code that loads them.  The linter's own
 * pipeline finds the calls (so resolution, aliases and suppressions are
 * the linter's); this file only reads the first argument's text back from
 * the source, and only a plain string literal counts: a path built at run
 * time cannot be matched statically.
 */
#include "loadfix/inspect/code.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "loadfix/buf.h"
#include "loadfix/check.h"
#include "loadfix/diff.h"
#include "loadfix/fixer.h"
#include "loadfix/walk.h"

void lf_code_index_init(lf_code_index *index)
{
	memset(index, 0, sizeof *index);
}

void lf_code_index_finish(lf_code_index *index)
{
	for (size_t i = 0; i < index->count; i++) {
		free(index->items[i].file);
		free(index->items[i].literal);
	}
	free(index->items);
	memset(index, 0, sizeof *index);
}

static bool space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\\';
}

/* The offset of the '(' opening the call that contains `at` (LF002/LF003
 * point at the keyword, inside the argument list), or UINT32_MAX.  A
 * bracket inside a string literal before it can mislead this; then the
 * call is not matched, never matched wrongly to another literal's file. */
static uint32_t enclosing_paren(const uint8_t *s, uint32_t at)
{
	int depth = 0;
	for (uint32_t i = at; i-- > 0;) {
		if (s[i] == ')' || s[i] == ']' || s[i] == '}')
			depth++;
		else if (s[i] == '(' || s[i] == '[' || s[i] == '{') {
			if (depth == 0)
				return s[i] == '(' ? i : UINT32_MAX;
			depth--;
		}
	}
	return UINT32_MAX;
}

/* The plain string literal right after the '(' at `paren`, or NULL. */
static char *first_literal(const uint8_t *s, uint32_t len, uint32_t paren)
{
	uint32_t p = paren + 1;
	while (p < len && space(s[p]))
		p++;
	if (p < len && (s[p] == 'r' || s[p] == 'R' || s[p] == 'u' || s[p] == 'U'))
		p++;
	if (p >= len || (s[p] != '\'' && s[p] != '"'))
		return NULL;
	uint8_t quote = s[p++];
	uint32_t begin = p;
	while (p < len && s[p] != quote) {
		if (s[p] == '\\' || s[p] == '\n' || s[p] == '\r' || s[p] == 0)
			return NULL; /* escapes and odd literals: not matched */
		p++;
	}
	if (p >= len || p == begin || (p + 1 < len && s[p + 1] == quote))
		return NULL; /* unterminated, empty, or a triple quote */
	return lf_xstrndup((const char *)s + begin, p - begin);
}

static void add_load(lf_code_index *index, const char *file, const lf_source *text, const lf_diag *d, char *literal)
{
	if (index->count == index->cap) {
		index->cap = index->cap ? index->cap * 2 : 16;
		index->items = lf_xrealloc(index->items, sizeof *index->items * index->cap);
	}
	index->items[index->count++] = (lf_code_load){
	        .file = lf_xstrdup(file),
	        .line = lf_source_line_of(text, d->start) + 1,
	        .column = lf_source_column_of(text, d->start),
	        .rule = d->rule->code,
	        .literal = literal,
	};
}

bool lf_code_index_build(const char *root, lf_code_index *index, char **error)
{
	lf_file_list files;
	lf_file_list_init(&files);
	lf_buf errors;
	lf_buf_init(&errors);
	lf_walk_options walk = {.use_gitignore = true};
	lf_diff_init(); /* libgit2, for the ignore rules */
	bool ok = lf_walk(&root, 1, &walk, &files, &errors);
	if (!ok || errors.len) {
		*error = lf_xasprintf("--code %s: %s", root, errors.len ? errors.data : "cannot walk it");
		if ((*error)[strlen(*error) - 1] == '\n')
			(*error)[strlen(*error) - 1] = '\0';
		lf_buf_finish(&errors);
		lf_file_list_finish(&files);
		lf_diff_shutdown();
		return false;
	}
	lf_buf_finish(&errors);
	lf_check_options options = {0};
	for (size_t i = 0; i < lf_fixer_count; i++)
		options.enabled[i] = true;
	lf_worker *worker = lf_worker_create();
	for (size_t f = 0; f < files.count; f++) {
		lf_source src;
		char *why = NULL;
		if (!lf_source_read(&src, files.paths[f], 10ull << 20, &why)) {
			free(why); /* the linter reports unreadable files; here they just load nothing */
			continue;
		}
		lf_doc result;
		lf_check_source(worker, &options, &src, &result);
		const lf_source *text = lf_doc_text(&result);
		for (uint32_t i = 0; i < result.diags.count; i++) {
			const lf_diag *d = &result.diags.items[i];
			const char *code = d->rule->code;
			uint32_t paren = UINT32_MAX;
			if (strcmp(code, "LF001") == 0) {
				/* LF001 spans the call: the callee, then its '(' */
				const uint8_t *open = memchr(text->bytes + d->start, '(', d->end - d->start);
				if (open)
					paren = (uint32_t)(open - text->bytes);
			} else if (strcmp(code, "LF002") == 0 || strcmp(code, "LF003") == 0) {
				paren = enclosing_paren(text->bytes, d->start);
			}
			char *literal = paren == UINT32_MAX ? NULL : first_literal(text->bytes, text->len, paren);
			if (literal)
				add_load(index, files.paths[f], text, d, literal);
		}
		lf_doc_finish(&result);
	}
	lf_worker_destroy(worker);
	lf_file_list_finish(&files);
	lf_diff_shutdown();
	return true;
}

static bool same_file(const char *a, const struct stat *b)
{
	struct stat st;
	return stat(a, &st) == 0 && st.st_dev == b->st_dev && st.st_ino == b->st_ino;
}

bool lf_code_load_matches(const lf_code_load *load, const char *checkpoint)
{
	struct stat ck;
	if (stat(checkpoint, &ck) != 0)
		return false;
	char *dir_copy = lf_xstrdup(load->file);
	char *relative = load->literal[0] == '/' ? lf_xstrdup(load->literal)
	                                         : lf_xasprintf("%s/%s", dirname(dir_copy), load->literal);
	free(dir_copy);
	struct stat st;
	bool exists_rel = stat(relative, &st) == 0, exists_cwd = stat(load->literal, &st) == 0;
	bool match = same_file(relative, &ck) || same_file(load->literal, &ck);
	free(relative);
	if (match || exists_rel || exists_cwd)
		return match;
	char *a = lf_xstrdup(load->literal), *b = lf_xstrdup(checkpoint);
	match = strcmp(basename(a), basename(b)) == 0;
	free(a);
	free(b);
	return match;
}
