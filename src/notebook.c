/*
 * The notebook adapter (see include/loadfix/notebook.h): .ipynb JSON <->
 * one combined Python source <-> JSON byte offsets.
 *
 * Reading is done twice, on purpose.  jansson (json_loadb) validates the
 * JSON and gives the structure (nbformat, kernel language, cell types), but
 * it keeps no source positions, and a byte-preserving fix needs to know
 * where each `cells[i].source` string sits in the original text and which
 * raw byte every decoded byte came from.  So a small scanner below walks the
 * same text (after jansson accepted it) and records the string tokens of
 * each cell's source; its decoded strings are then compared with jansson's,
 * cell by cell and element by element, so the two readers can never
 * silently disagree about what the notebook says.
 */
#include "loadfix/notebook.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "loadfix/source.h"

typedef enum source_kind {
	SOURCE_NONE,    /* no "source" key found by the scanner */
	SOURCE_STRING,  /* "source": "..." */
	SOURCE_LIST,    /* "source": ["...", ...] */
	SOURCE_INVALID, /* anything else */
} source_kind;

/* One JSON string token of a cell's source. */
typedef struct nb_token {
	uint32_t raw_start; /* first byte after the opening quote */
	uint32_t raw_end;   /* the closing quote */
	uint32_t start;     /* its decoded text in the combined source: [start, end) */
	uint32_t end;
} nb_token;

typedef struct nb_cell {
	source_kind kind;
	uint32_t list_open; /* SOURCE_LIST: offset of '[' */
	uint32_t first_token, token_count;
	uint32_t text_len; /* decoded text in the combined source, without the synthetic "\n" */
} nb_cell;

typedef struct nb_range {
	uint32_t start, end; /* a masked line's bytes in the combined source */
} nb_range;

struct lf_notebook {
	uint8_t *json;
	uint32_t json_len;
	uint32_t *json_lines; /* start of each line of the JSON text */
	uint32_t json_line_count;
	bool python;
	bool ascii_escapes; /* the notebook writes non-ASCII as \uXXXX */
	bool hex_upper;     /* ... with upper-case hex digits */
	lf_notebook_cell *cells;
	nb_cell *extra; /* parallel to cells */
	uint32_t cell_count;
	nb_token *tokens;
	uint32_t token_count, token_cap;
	lf_source src;    /* the combined source */
	uint32_t *raw_of; /* raw JSON offset of each combined byte, and of the end */
	nb_range *masks;
	uint32_t mask_count, mask_cap;
};

/* ---- small vectors --------------------------------------------------------- */

typedef struct u32vec {
	uint32_t *v;
	uint32_t n, cap;
} u32vec;

static void u32vec_push(u32vec *vec, uint32_t x)
{
	if (vec->n == vec->cap) {
		vec->cap = vec->cap ? vec->cap * 2 : 64;
		vec->v = lf_xrealloc(vec->v, sizeof(uint32_t) * vec->cap);
	}
	vec->v[vec->n++] = x;
}

/* ---- depth bound, before jansson ------------------------------------------- */

/* The deepest nesting of arrays and objects, counted outside strings; stops
 * as soon as it passes `limit`.  Malformed text is jansson's to report. */
static bool depth_within(const uint8_t *p, uint32_t len, uint32_t limit)
{
	uint32_t depth = 0;
	bool in_string = false;
	for (uint32_t i = 0; i < len; i++) {
		uint8_t c = p[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '[' || c == '{') {
			if (++depth > limit)
				return false;
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return true;
}

/* ---- JSON string decoding --------------------------------------------------- */

static bool read_hex4(const uint8_t *p, uint32_t at, uint32_t end, uint32_t *out)
{
	if (end < 4 || at > end - 4)
		return false;
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		int h = lf_hex_value(p[at + i]);
		if (h < 0)
			return false;
		v = v << 4 | (uint32_t)h;
	}
	*out = v;
	return true;
}

/*
 * Decodes the JSON string whose content is p[start, end) (between the
 * quotes), appending the bytes to `out` and, when `map` is given, for each
 * decoded byte the raw offset of the character or escape it came from (all
 * bytes of one character share the offset: a boundary test is
 * map[k] != map[k-1]).  Also notes whether the string escapes non-ASCII.
 */
static bool decode_string(const uint8_t *p, uint32_t start, uint32_t end, lf_buf *out, u32vec *map, int *style)
{
	uint32_t i = start;
	while (i < end) {
		uint32_t at = i;
		size_t before = out->len;
		uint8_t c = p[i];
		if (c != '\\') {
			/* A raw UTF-8 sequence is one character: its bytes share
			 * one offset, so no edit can land inside it. */
			size_t n = c >= 0x80 ? lf_utf8_valid_length(p + i, end - i) : 1;
			if (n == 0)
				n = 1;
			lf_buf_append(out, p + i, n);
			i += (uint32_t)n;
			if (c >= 0x80 && style)
				*style |= 1; /* raw non-ASCII */
		} else {
			if (i + 1 >= end)
				return false;
			uint8_t e = p[i + 1];
			i += 2;
			switch (e) {
			case '"': lf_buf_putc(out, '"'); break;
			case '\\': lf_buf_putc(out, '\\'); break;
			case '/': lf_buf_putc(out, '/'); break;
			case 'b': lf_buf_putc(out, '\b'); break;
			case 'f': lf_buf_putc(out, '\f'); break;
			case 'n': lf_buf_putc(out, '\n'); break;
			case 'r': lf_buf_putc(out, '\r'); break;
			case 't': lf_buf_putc(out, '\t'); break;
			case 'u': {
				uint32_t cp;
				if (!read_hex4(p, i, end, &cp))
					return false;
				if (style && cp >= 0x80) {
					*style |= 2; /* \u escapes for non-ASCII */
					for (int k = 0; k < 4; k++)
						if (p[i + k] >= 'A' && p[i + k] <= 'F')
							*style |= 4;
				}
				i += 4;
				if (cp >= 0xd800 && cp <= 0xdbff) {
					uint32_t lo;
					if (i + 1 >= end || p[i] != '\\' || p[i + 1] != 'u' ||
					    !read_hex4(p, i + 2, end, &lo) || lo < 0xdc00 || lo > 0xdfff)
						return false; /* a lone high surrogate (jansson refuses it too) */
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					i += 6;
				} else if (cp >= 0xdc00 && cp <= 0xdfff) {
					return false; /* a lone low surrogate */
				}
				lf_buf_put_utf8(out, cp);
				break;
			}
			default: return false;
			}
		}
		if (map)
			for (size_t k = before; k < out->len; k++)
				u32vec_push(map, at);
	}
	return true;
}

/* ---- the position scanner ----------------------------------------------------- */

typedef enum role {
	ROLE_ANY,
	ROLE_ROOT,
	ROLE_CELLS,
	ROLE_CELL,
	ROLE_SOURCE,
} role;

typedef struct scan_cell {
	source_kind kind;
	uint32_t list_open;
	uint32_t value_start, value_end;
	uint32_t first_token, token_count;
} scan_cell;

typedef struct scanner {
	const uint8_t *p;
	uint32_t len, pos;
	uint32_t depth;
	scan_cell *cells;
	uint32_t cell_count, cell_cap;
	bool cells_seen;
	nb_token *tokens;
	uint32_t token_count, token_cap;
	int style;
} scanner;

static void skip_ws(scanner *s)
{
	while (s->pos < s->len &&
	       (s->p[s->pos] == ' ' || s->p[s->pos] == '\t' || s->p[s->pos] == '\n' || s->p[s->pos] == '\r'))
		s->pos++;
}

/* At an opening quote: moves past the closing one; [*start, *end) is the content. */
static bool scan_string(scanner *s, uint32_t *start, uint32_t *end)
{
	if (s->pos >= s->len || s->p[s->pos] != '"')
		return false;
	uint32_t i = s->pos + 1;
	while (i < s->len && s->p[i] != '"') {
		if (s->p[i] == '\\')
			i++;
		i++;
	}
	if (i >= s->len)
		return false;
	*start = s->pos + 1;
	*end = i;
	s->pos = i + 1;
	return true;
}

static void push_token(scanner *s, uint32_t start, uint32_t end)
{
	if (s->token_count == s->token_cap) {
		s->token_cap = s->token_cap ? s->token_cap * 2 : 64;
		s->tokens = lf_xrealloc(s->tokens, sizeof(nb_token) * s->token_cap);
	}
	s->tokens[s->token_count++] = (nb_token){.raw_start = start, .raw_end = end};
}

static bool key_is(scanner *s, uint32_t start, uint32_t end, const char *name)
{
	lf_buf key;
	lf_buf_init(&key);
	bool ok = decode_string(s->p, start, end, &key, NULL, NULL) && key.len == strlen(name) &&
	          memcmp(key.data, name, key.len) == 0;
	lf_buf_finish(&key);
	return ok;
}

static bool scan_value(scanner *s, role r);

static bool scan_object(scanner *s, role r)
{
	s->pos++; /* '{' */
	skip_ws(s);
	if (s->pos < s->len && s->p[s->pos] == '}') {
		s->pos++;
		return true;
	}
	for (;;) {
		uint32_t ks, ke;
		skip_ws(s);
		if (!scan_string(s, &ks, &ke))
			return false;
		skip_ws(s);
		if (s->pos >= s->len || s->p[s->pos] != ':')
			return false;
		s->pos++;
		skip_ws(s);
		role child = ROLE_ANY;
		if (r == ROLE_ROOT && key_is(s, ks, ke, "cells")) {
			child = ROLE_CELLS;
			s->cells_seen = true;
		} else if (r == ROLE_CELL && key_is(s, ks, ke, "source")) {
			child = ROLE_SOURCE;
		}
		if (!scan_value(s, child))
			return false;
		skip_ws(s);
		if (s->pos >= s->len)
			return false;
		if (s->p[s->pos] == '}') {
			s->pos++;
			return true;
		}
		if (s->p[s->pos] != ',')
			return false;
		s->pos++;
	}
}

static bool scan_array(scanner *s, role r)
{
	scan_cell *cell = r == ROLE_SOURCE ? &s->cells[s->cell_count - 1] : NULL;
	if (cell) {
		cell->kind = SOURCE_LIST;
		cell->list_open = s->pos;
		cell->first_token = s->token_count;
	}
	s->pos++; /* '[' */
	skip_ws(s);
	if (s->pos < s->len && s->p[s->pos] == ']') {
		s->pos++;
		return true;
	}
	for (;;) {
		skip_ws(s);
		if (r == ROLE_CELLS) {
			if (s->cell_count == s->cell_cap) {
				s->cell_cap = s->cell_cap ? s->cell_cap * 2 : 16;
				s->cells = lf_xrealloc(s->cells, sizeof(scan_cell) * s->cell_cap);
			}
			s->cells[s->cell_count++] = (scan_cell){.kind = SOURCE_NONE};
			if (!scan_value(s, ROLE_CELL))
				return false;
		} else if (cell && s->pos < s->len && s->p[s->pos] == '"') {
			uint32_t a, b;
			if (!scan_string(s, &a, &b))
				return false;
			push_token(s, a, b);
			/* The array may be reallocated by nothing here, but re-take it. */
			cell = &s->cells[s->cell_count - 1];
			cell->token_count++;
		} else {
			if (cell)
				cell->kind = SOURCE_INVALID;
			if (!scan_value(s, ROLE_ANY))
				return false;
			cell = NULL; /* the list is invalid: record no more tokens */
		}
		skip_ws(s);
		if (s->pos >= s->len)
			return false;
		if (s->p[s->pos] == ']') {
			s->pos++;
			return true;
		}
		if (s->p[s->pos] != ',')
			return false;
		s->pos++;
	}
}

static bool scan_value_at(scanner *s, role r);

static bool scan_value(scanner *s, role r)
{
	skip_ws(s);
	uint32_t start = s->pos;
	bool ok = scan_value_at(s, r);
	if (ok && r == ROLE_SOURCE) {
		s->cells[s->cell_count - 1].value_start = start;
		s->cells[s->cell_count - 1].value_end = s->pos;
	}
	return ok;
}

static bool scan_value_at(scanner *s, role r)
{
	if (s->pos >= s->len)
		return false;
	uint8_t c = s->p[s->pos];
	if (c == '{' || c == '[') {
		/* depth_within already bounded this; the check keeps the
		 * scanner safe on its own. */
		if (++s->depth > LF_NOTEBOOK_MAX_DEPTH + 1)
			return false;
		bool ok = c == '{' ? scan_object(s, r == ROLE_CELLS || r == ROLE_SOURCE ? ROLE_ANY : r)
		                   : scan_array(s, r == ROLE_CELLS || r == ROLE_SOURCE ? r : ROLE_ANY);
		if (c == '{' && r == ROLE_SOURCE)
			s->cells[s->cell_count - 1].kind = SOURCE_INVALID;
		s->depth--;
		return ok;
	}
	if (r == ROLE_SOURCE)
		s->cells[s->cell_count - 1].kind = c == '"' ? SOURCE_STRING : SOURCE_INVALID;
	if (c == '"') {
		uint32_t a, b;
		if (!scan_string(s, &a, &b))
			return false;
		if (r == ROLE_SOURCE) {
			scan_cell *cell = &s->cells[s->cell_count - 1];
			cell->first_token = s->token_count;
			cell->token_count = 1;
			push_token(s, a, b);
		}
		return true;
	}
	/* number, true, false, null: jansson validated them */
	while (s->pos < s->len && !strchr(",]} \t\r\n", s->p[s->pos]))
		s->pos++;
	return true;
}

/* ---- masking IPython syntax ----------------------------------------------------- */

/*
 * Cell magics whose body is Python, so the body is checked and only the
 * `%%` line is masked: ruff's list, `is_magic_cell` in
 * crates/ruff_notebook/src/cell.rs (astral-sh/ruff at fca5c7c, 2026-08;
 * ipytest: ruff issue 13718).  `%%python`, `%%python3` and `%%pypy` run
 * the body in a new interpreter, not in the kernel, but it is still
 * Python that loads files, so it is checked too (its names resolve as if
 * in the kernel: a body that uses the kernel's `torch` without importing
 * it fails at run time anyway).  Every other cell magic (`%%bash`,
 * `%%script`, `%%writefile`) makes its cell opaque, which can only miss
 * findings, never invent them.  Sorted.
 */
static const char *const python_cell_magics[] = {"capture", "debug",   "ipytest", "prun",  "pypy",
                                                 "python",  "python3", "time",    "timeit"};

static bool is_python_cell_magic(const uint8_t *name, uint32_t len)
{
	for (size_t i = 0; i < sizeof python_cell_magics / sizeof *python_cell_magics; i++)
		if (strlen(python_cell_magics[i]) == len && memcmp(python_cell_magics[i], name, len) == 0)
			return true;
	return false;
}

static bool is_ident_byte(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

static void add_mask(lf_notebook *nb, uint32_t start, uint32_t end)
{
	if (nb->mask_count == nb->mask_cap) {
		nb->mask_cap = nb->mask_cap ? nb->mask_cap * 2 : 16;
		nb->masks = lf_xrealloc(nb->masks, sizeof(nb_range) * nb->mask_cap);
	}
	nb->masks[nb->mask_count++] = (nb_range){start, end};
}

/* [start, end) is a line's content, without its line ending. Whether it is
 * IPython syntax when it starts a logical line. */
static bool is_ipython_line(const uint8_t *t, uint32_t start, uint32_t end)
{
	uint32_t i = start;
	while (i < end && (t[i] == ' ' || t[i] == '\t' || t[i] == '\f'))
		i++;
	if (i == end)
		return false;
	/* %magic, %%magic (misplaced), !shell, ?help, ??help: none can start
	 * a Python statement. */
	if (t[i] == '%' || t[i] == '!' || t[i] == '?')
		return true;
	/* x = !ls, x = %env, a, b = !cmd: a plain target list, one '=', then ! or %. */
	uint32_t j = i;
	while (j < end && (is_ident_byte(t[j]) || strchr(" \t.,[]()*'\"", t[j])))
		j++;
	if (j < end && j > i && t[j] == '=' && (j + 1 >= end || t[j + 1] != '=')) {
		uint32_t k = j + 1;
		while (k < end && (t[k] == ' ' || t[k] == '\t'))
			k++;
		if (k < end && (t[k] == '!' || t[k] == '%'))
			return true;
	}
	/* obj?, obj.attr??: a dotted name and one or two '?' ending the line. */
	uint32_t e = end;
	while (e > i && (t[e - 1] == ' ' || t[e - 1] == '\t'))
		e--;
	if (e > i && t[e - 1] == '?') {
		e--;
		if (e > i && t[e - 1] == '?')
			e--;
		if (e == i || (t[i] >= '0' && t[i] <= '9'))
			return false;
		for (uint32_t k = i; k < e; k++)
			if (!is_ident_byte(t[k]) && t[k] != '.')
				return false;
		return true;
	}
	return false;
}

/* Replaces a masked line's content: indentation kept, then "0" and spaces
 * (or all spaces for a continuation line). */
static void blank_line(uint8_t *t, uint32_t start, uint32_t end, bool keep_statement)
{
	uint32_t i = start;
	if (keep_statement) {
		while (i < end && (t[i] == ' ' || t[i] == '\t' || t[i] == '\f'))
			i++;
		if (i < end)
			t[i++] = '0';
	}
	for (; i < end; i++)
		t[i] = ' ';
}

typedef struct lexer {
	uint8_t quote; /* 0, or the quote character of the open string */
	bool triple;
	uint32_t depth;
	bool continued;
} lexer;

/* Tracks strings, brackets and backslash continuations over one line of
 * Python, just enough to know whether the next line starts a statement. */
static void lex_line(lexer *lx, const uint8_t *t, uint32_t start, uint32_t end)
{
	bool backslash_at_end = false;
	for (uint32_t i = start; i < end; i++) {
		uint8_t c = t[i];
		backslash_at_end = false;
		if (lx->quote) {
			if (c == '\\') {
				if (i + 1 == end)
					backslash_at_end = true;
				i++;
			} else if (c == lx->quote) {
				if (!lx->triple)
					lx->quote = 0;
				else if (i + 2 < end && t[i + 1] == c && t[i + 2] == c) {
					lx->quote = 0;
					i += 2;
				}
			}
			continue;
		}
		if (c == '#')
			break;
		if (c == '\'' || c == '"') {
			lx->quote = c;
			lx->triple = i + 2 < end && t[i + 1] == c && t[i + 2] == c;
			if (lx->triple)
				i += 2;
		} else if (c == '(' || c == '[' || c == '{') {
			lx->depth++;
		} else if ((c == ')' || c == ']' || c == '}') && lx->depth > 0) {
			lx->depth--;
		} else if (c == '\\' && i + 1 == end) {
			backslash_at_end = true;
		}
	}
	lx->continued = backslash_at_end;
	if (lx->quote && !lx->triple && !backslash_at_end)
		lx->quote = 0; /* an unterminated one-line string ends with its line */
}

static uint32_t line_end_of(const uint8_t *t, uint32_t i, uint32_t len, uint32_t *next)
{
	while (i < len && t[i] != '\n' && t[i] != '\r')
		i++;
	uint32_t end = i;
	if (i < len && t[i] == '\r' && i + 1 < len && t[i + 1] == '\n')
		i += 2;
	else if (i < len)
		i++;
	*next = i;
	return end;
}

/* Masks the cell's text t[0, len) (at offset `base` of the combined
 * source) in place; false when the cell is opaque (a non-Python cell magic). */
static bool mask_cell(lf_notebook *nb, uint8_t *t, uint32_t len, uint32_t base)
{
	uint32_t pos = 0;
	if (len >= 2 && t[0] == '%' && t[1] == '%') {
		uint32_t n = 2;
		while (n < len && is_ident_byte(t[n]))
			n++;
		if (!is_python_cell_magic(t + 2, n - 2))
			return false;
		uint32_t next, end = line_end_of(t, 0, len, &next);
		blank_line(t, 0, end, true);
		add_mask(nb, base, base + end);
		pos = next;
	}
	lexer lx = {0};
	while (pos < len) {
		uint32_t next, end = line_end_of(t, pos, len, &next);
		bool logical_start = !lx.quote && lx.depth == 0 && !lx.continued;
		if (logical_start && is_ipython_line(t, pos, end)) {
			bool more = end > pos && t[end - 1] == '\\';
			blank_line(t, pos, end, true);
			add_mask(nb, base + pos, base + end);
			pos = next;
			while (more && pos < len) {
				end = line_end_of(t, pos, len, &next);
				more = end > pos && t[end - 1] == '\\';
				blank_line(t, pos, end, false);
				add_mask(nb, base + pos, base + end);
				pos = next;
			}
			lx.continued = false;
			continue;
		}
		lex_line(&lx, t, pos, end);
		pos = next;
	}
	return true;
}

/* ---- reading ------------------------------------------------------------------- */

static char *fail(lf_notebook *nb, char *why)
{
	lf_notebook_destroy(nb);
	return why;
}

static lf_notebook_cell_type cell_type_of(const char *name)
{
	if (!strcmp(name, "code"))
		return LF_CELL_CODE;
	if (!strcmp(name, "markdown"))
		return LF_CELL_MARKDOWN;
	if (!strcmp(name, "raw"))
		return LF_CELL_RAW;
	return LF_CELL_OTHER;
}

static bool language_is_python(json_t *root)
{
	json_t *meta = json_object_get(root, "metadata");
	const char *lang = json_string_value(json_object_get(json_object_get(meta, "kernelspec"), "language"));
	if (!lang)
		lang = json_string_value(json_object_get(json_object_get(meta, "language_info"), "name"));
	/* No language at all: assume Python, as ruff and Jupyter do. */
	return !lang || strncasecmp(lang, "python", 6) == 0;
}

/* Whether the scanner's decoded token equals jansson's string. */
static bool same_string(const uint8_t *json, const nb_token *tok, json_t *value)
{
	if (!json_is_string(value))
		return false;
	lf_buf b;
	lf_buf_init(&b);
	bool ok = decode_string(json, tok->raw_start, tok->raw_end, &b, NULL, NULL) &&
	          b.len == json_string_length(value) &&
	          (b.len == 0 || memcmp(b.data, json_string_value(value), b.len) == 0);
	lf_buf_finish(&b);
	return ok;
}

/* Checks the structure with jansson; fills cell numbers, types, kernel. */
static char *check_structure(lf_notebook *nb, json_t *root, json_t **cells_out)
{
	if (!json_is_object(root))
		return lf_xstrdup("not a notebook: the top level is not a JSON object");
	json_t *version = json_object_get(root, "nbformat");
	if (!version)
		return lf_xstrdup("not a notebook: no \"nbformat\" key");
	if (!json_is_integer(version))
		return lf_xstrdup("not a notebook: \"nbformat\" is not an integer");
	if (json_integer_value(version) != 4)
		return lf_xasprintf("nbformat %lld is not supported, only nbformat 4 (convert it with `jupyter "
		                    "nbconvert --to notebook --nbformat 4`)",
		                    (long long)json_integer_value(version));
	json_t *cells = json_object_get(root, "cells");
	if (!json_is_array(cells))
		return lf_xstrdup("not a notebook: \"cells\" is missing or not a list");
	nb->python = language_is_python(root);
	nb->cell_count = (uint32_t)json_array_size(cells);
	nb->cells = lf_xcalloc(nb->cell_count ? nb->cell_count : 1, sizeof(lf_notebook_cell));
	nb->extra = lf_xcalloc(nb->cell_count ? nb->cell_count : 1, sizeof(nb_cell));
	for (uint32_t i = 0; i < nb->cell_count; i++) {
		json_t *cell = json_array_get(cells, i);
		if (!json_is_object(cell))
			return lf_xasprintf("cell %u is not a JSON object", i + 1);
		const char *type = json_string_value(json_object_get(cell, "cell_type"));
		if (!type)
			return lf_xasprintf("cell %u has no \"cell_type\" string", i + 1);
		nb->cells[i].number = i + 1;
		nb->cells[i].type = cell_type_of(type);
		if (nb->cells[i].type != LF_CELL_CODE)
			continue;
		json_t *source = json_object_get(cell, "source");
		bool ok = json_is_string(source) || json_is_array(source);
		for (size_t k = 0; ok && json_is_array(source) && k < json_array_size(source); k++)
			ok = json_is_string(json_array_get(source, k));
		if (!ok)
			return lf_xasprintf("cell %u: \"source\" is neither a string nor a list of strings", i + 1);
	}
	*cells_out = cells;
	return NULL;
}

/* Runs the position scanner and checks it agrees with jansson. */
static char *scan_positions(lf_notebook *nb, json_t *cells)
{
	scanner s = {.p = nb->json, .len = nb->json_len};
	bool ok = scan_value(&s, ROLE_ROOT) && s.cells_seen && s.cell_count == nb->cell_count;
	for (uint32_t i = 0; ok && i < nb->cell_count; i++) {
		scan_cell *sc = &s.cells[i];
		if (sc->kind == SOURCE_STRING || sc->kind == SOURCE_LIST) {
			nb->cells[i].json_start = sc->value_start;
			nb->cells[i].json_end = sc->value_end;
		}
		if (nb->cells[i].type != LF_CELL_CODE)
			continue;
		json_t *source = json_object_get(json_array_get(cells, i), "source");
		if (sc->kind == SOURCE_STRING)
			ok = same_string(nb->json, &s.tokens[sc->first_token], source);
		else if (sc->kind == SOURCE_LIST && json_is_array(source) && json_array_size(source) == sc->token_count)
			for (uint32_t k = 0; ok && k < sc->token_count; k++)
				ok = same_string(nb->json, &s.tokens[sc->first_token + k], json_array_get(source, k));
		else
			ok = false;
		nb->extra[i].kind = sc->kind;
		nb->extra[i].list_open = sc->list_open;
		nb->extra[i].first_token = sc->first_token;
		nb->extra[i].token_count = sc->token_count;
	}
	nb->tokens = s.tokens;
	nb->token_count = s.token_count;
	free(s.cells);
	if (!ok)
		return lf_xstrdup(
		        "internal error: the notebook's source strings could not be located in the JSON text");
	return NULL;
}

/* Decodes the code cells into one source and masks IPython syntax. */
static char *build_source(lf_notebook *nb)
{
	lf_buf text;
	lf_buf_init(&text);
	u32vec map = {0};
	int style = 0;
	for (uint32_t i = 0; i < nb->cell_count; i++) {
		lf_notebook_cell *cell = &nb->cells[i];
		nb_cell *x = &nb->extra[i];
		cell->start = (uint32_t)text.len;
		if (cell->type != LF_CELL_CODE)
			continue;
		if (!nb->python) {
			cell->opaque = true;
			continue;
		}
		uint64_t raw_total = 0;
		for (uint32_t k = 0; k < x->token_count; k++)
			raw_total += nb->tokens[x->first_token + k].raw_end - nb->tokens[x->first_token + k].raw_start;
		/* Decoded text is never longer than its JSON form. */
		if (raw_total > LF_NOTEBOOK_MAX_CELL) {
			lf_buf_finish(&text);
			free(map.v);
			return lf_xasprintf("cell %u: source over %u MiB", cell->number, LF_NOTEBOOK_MAX_CELL >> 20);
		}
		for (uint32_t k = 0; k < x->token_count; k++) {
			nb_token *tok = &nb->tokens[x->first_token + k];
			tok->start = (uint32_t)text.len;
			if (!decode_string(nb->json, tok->raw_start, tok->raw_end, &text, &map, &style)) {
				lf_buf_finish(&text);
				free(map.v);
				return lf_xasprintf("cell %u: invalid string escape", cell->number);
			}
			tok->end = (uint32_t)text.len;
		}
		x->text_len = (uint32_t)text.len - cell->start;
		if (x->text_len > 0 && !mask_cell(nb, (uint8_t *)text.data + cell->start, x->text_len, cell->start)) {
			/* Opaque (mask_cell adds no mask then): drop its text. */
			cell->opaque = true;
			text.len = cell->start;
			map.n = cell->start;
			x->text_len = 0;
			for (uint32_t k = 0; k < x->token_count; k++)
				nb->tokens[x->first_token + k].start = nb->tokens[x->first_token + k].end = cell->start;
			continue;
		}
		if (x->text_len > 0 && text.data[text.len - 1] != '\n' && text.data[text.len - 1] != '\r') {
			lf_buf_putc(&text, '\n'); /* synthetic: not in the notebook */
			u32vec_push(&map, nb->tokens[x->first_token + x->token_count - 1].raw_end);
		}
		cell->length = (uint32_t)text.len - cell->start;
	}
	/* The end of the source points after the last code text. */
	uint32_t end_raw = 0;
	for (uint32_t i = nb->cell_count; i-- > 0;)
		if (nb->cells[i].length > 0) {
			end_raw = nb->tokens[nb->extra[i].first_token + nb->extra[i].token_count - 1].raw_end;
			break;
		}
	u32vec_push(&map, end_raw);
	nb->raw_of = map.v;
	/* The notebook's style for non-ASCII, from every string scanned: raw
	 * UTF-8 wins (nbformat writes ensure_ascii=False); \u escapes only
	 * when there is no raw non-ASCII at all. */
	int file_style = style;
	for (uint32_t i = 0; i < nb->json_len && !(file_style & 1); i++)
		if (nb->json[i] >= 0x80)
			file_style |= 1;
	if (!(file_style & 1) && !(file_style & 2)) {
		/* No non-ASCII in the sources: look for \u escapes anywhere
		 * (outputs, metadata) to tell an ensure_ascii notebook. */
		for (uint32_t i = 0; i + 5 < nb->json_len; i++)
			if (nb->json[i] == '\\' && nb->json[i + 1] == 'u') {
				uint32_t cp;
				if (read_hex4(nb->json, i + 2, nb->json_len, &cp) && cp >= 0x80) {
					file_style |= 2;
					for (int k = 0; k < 4; k++)
						if (nb->json[i + 2 + k] >= 'A' && nb->json[i + 2 + k] <= 'F')
							file_style |= 4;
					break;
				}
				i++;
			} else if (nb->json[i] == '\\') {
				i++;
			}
	}
	nb->ascii_escapes = !(file_style & 1) && (file_style & 2);
	nb->hex_upper = (file_style & 4) != 0;
	size_t len;
	uint8_t *bytes = (uint8_t *)lf_buf_steal(&text, &len);
	if (!bytes)
		bytes = lf_xcalloc(1, 1);
	lf_source_init(&nb->src, bytes, (uint32_t)len);
	return NULL;
}

lf_notebook *lf_notebook_parse(const uint8_t *json, uint32_t len, char **error)
{
	*error = NULL;
	if (!depth_within(json, len, LF_NOTEBOOK_MAX_DEPTH)) {
		*error = lf_xasprintf("JSON nested deeper than %d levels", LF_NOTEBOOK_MAX_DEPTH);
		return NULL;
	}
	json_error_t jerr;
	json_t *root = json_loadb((const char *)json, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (!root) {
		*error = lf_xasprintf("invalid JSON: %s (line %d, column %d)", jerr.text, jerr.line, jerr.column);
		return NULL;
	}
	lf_notebook *nb = lf_xcalloc(1, sizeof *nb);
	nb->json = lf_xmalloc((size_t)len + 1);
	memcpy(nb->json, json, len);
	nb->json[len] = 0;
	nb->json_len = len;
	json_t *cells = NULL;
	char *why = check_structure(nb, root, &cells);
	if (!why)
		why = scan_positions(nb, cells);
	json_decref(root);
	if (!why)
		why = build_source(nb);
	if (why) {
		*error = fail(nb, why);
		return NULL;
	}
	u32vec lines = {0};
	u32vec_push(&lines, 0);
	for (uint32_t i = 0; i < len; i++)
		if (json[i] == '\n')
			u32vec_push(&lines, i + 1);
	nb->json_lines = lines.v;
	nb->json_line_count = lines.n;
	return nb;
}

void lf_notebook_destroy(lf_notebook *nb)
{
	if (!nb)
		return;
	free(nb->json);
	free(nb->json_lines);
	free(nb->cells);
	free(nb->extra);
	free(nb->tokens);
	if (nb->src.bytes)
		lf_source_finish(&nb->src);
	free(nb->raw_of);
	free(nb->masks);
	free(nb);
}

const uint8_t *lf_notebook_source(const lf_notebook *nb, uint32_t *len)
{
	*len = nb->src.len;
	return nb->src.bytes;
}

const uint8_t *lf_notebook_json(const lf_notebook *nb, uint32_t *len)
{
	*len = nb->json_len;
	return nb->json;
}

bool lf_notebook_path(const char *path)
{
	size_t len = strlen(path);
	return len > 6 && strcmp(path + len - 6, ".ipynb") == 0;
}

bool lf_notebook_is_python(const lf_notebook *nb)
{
	return nb->python;
}

uint32_t lf_notebook_cell_count(const lf_notebook *nb)
{
	return nb->cell_count;
}

const lf_notebook_cell *lf_notebook_cell_at(const lf_notebook *nb, uint32_t i)
{
	return i < nb->cell_count ? &nb->cells[i] : NULL;
}

/* ---- positions ------------------------------------------------------------------- */

/* The code cell holding `offset`: the last cell with text starting at or
 * before it (the end of the source belongs to the last code cell). */
static int32_t cell_of(const lf_notebook *nb, uint32_t offset)
{
	uint32_t lo = 0, hi = nb->cell_count;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (nb->cells[mid].start <= offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (uint32_t i = lo; i-- > 0;)
		if (nb->cells[i].length > 0)
			return (int32_t)i;
	return -1;
}

static uint32_t utf8_chars(const uint8_t *p, uint32_t from, uint32_t to)
{
	uint32_t n = 0;
	while (from < to) {
		size_t k = lf_utf8_valid_length(p + from, to - from);
		from += k ? (uint32_t)k : 1;
		n++;
	}
	return n;
}

bool lf_notebook_locate(const lf_notebook *nb, uint32_t offset, lf_notebook_position *pos)
{
	if (nb->src.len == 0)
		return false;
	if (offset > nb->src.len)
		offset = nb->src.len;
	int32_t c = cell_of(nb, offset);
	if (c < 0)
		return false;
	const lf_notebook_cell *cell = &nb->cells[c];
	pos->cell = cell->number;
	pos->line = lf_source_line_of(&nb->src, offset) - lf_source_line_of(&nb->src, cell->start) + 1;
	pos->column = lf_source_column_of(&nb->src, offset);
	uint32_t raw = nb->raw_of[offset];
	pos->json_offset = raw;
	uint32_t lo = 0, hi = nb->json_line_count;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (nb->json_lines[mid] <= raw)
			lo = mid;
		else
			hi = mid;
	}
	pos->json_line = lo + 1;
	pos->json_column = utf8_chars(nb->json, nb->json_lines[lo], raw) + 1;
	return true;
}

/* ---- writing ------------------------------------------------------------------- */

static void put_u_escape(lf_buf *out, uint32_t unit, bool upper)
{
	lf_buf_printf(out, upper ? "\\u%04X" : "\\u%04x", unit);
}

/* Appends text[0, len) JSON-escaped in the notebook's style, as Python's
 * json module writes it (nbformat's writer). */
static void escape_text(const lf_notebook *nb, lf_buf *out, const uint8_t *t, uint32_t len)
{
	for (uint32_t i = 0; i < len;) {
		uint8_t c = t[i];
		switch (c) {
		case '"':
			lf_buf_puts(out, "\\\"");
			i++;
			continue;
		case '\\':
			lf_buf_puts(out, "\\\\");
			i++;
			continue;
		case '\n':
			lf_buf_puts(out, "\\n");
			i++;
			continue;
		case '\r':
			lf_buf_puts(out, "\\r");
			i++;
			continue;
		case '\t':
			lf_buf_puts(out, "\\t");
			i++;
			continue;
		case '\b':
			lf_buf_puts(out, "\\b");
			i++;
			continue;
		case '\f':
			lf_buf_puts(out, "\\f");
			i++;
			continue;
		default: break;
		}
		if (c < 0x20 || (c == 0x7f && nb->ascii_escapes)) {
			put_u_escape(out, c, nb->hex_upper);
			i++;
		} else if (c < 0x80 || !nb->ascii_escapes) {
			lf_buf_putc(out, (char)c);
			i++;
		} else {
			/* Valid UTF-8 (checked by the caller) to \uXXXX, pairs above the BMP. */
			size_t n = lf_utf8_valid_length(t + i, len - i);
			uint32_t cp = n == 2   ? (uint32_t)(c & 0x1f) << 6 | (t[i + 1] & 0x3f)
			              : n == 3 ? (uint32_t)(c & 0x0f) << 12 | (uint32_t)(t[i + 1] & 0x3f) << 6 |
			                                 (t[i + 2] & 0x3f)
			                       : (uint32_t)(c & 0x07) << 18 | (uint32_t)(t[i + 1] & 0x3f) << 12 |
			                                 (uint32_t)(t[i + 2] & 0x3f) << 6 | (t[i + 3] & 0x3f);
			if (cp >= 0x10000) {
				cp -= 0x10000;
				put_u_escape(out, 0xd800 + (cp >> 10), nb->hex_upper);
				put_u_escape(out, 0xdc00 + (cp & 0x3ff), nb->hex_upper);
			} else {
				put_u_escape(out, cp, nb->hex_upper);
			}
			i += (uint32_t)n;
		}
	}
}

static bool valid_utf8(const uint8_t *t, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t n = lf_utf8_valid_length(t + i, len - i);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

/* What goes between two list elements: the bytes Jupyter put between the
 * neighbours of token `k` (",\n    " in nbformat's layout), else, for a
 * one-element list, "," and whatever follows its '['. */
static void separator_of(const lf_notebook *nb, const nb_cell *x, uint32_t k, lf_buf *sep)
{
	const nb_token *tok = &nb->tokens[x->first_token];
	uint32_t from, to;
	if (x->token_count >= 2) {
		uint32_t a = k + 1 < x->token_count ? k : k - 1;
		from = tok[a].raw_end + 1;
		to = tok[a + 1].raw_start - 1;
		lf_buf_append(sep, nb->json + from, to - from);
	} else {
		lf_buf_putc(sep, ',');
		from = x->list_open + 1;
		to = tok[0].raw_start - 1;
		lf_buf_append(sep, nb->json + from, to - from);
	}
}

static bool touches_mask(const lf_notebook *nb, uint32_t s, uint32_t e)
{
	for (uint32_t i = 0; i < nb->mask_count; i++)
		if (s <= nb->masks[i].end && e >= nb->masks[i].start)
			return true;
	return false;
}

/* The token of cell x holding offset `at`: for a start, the token with
 * start <= at < end (so a boundary goes to the following token, whose
 * line it begins); for an end, start < at <= end. */
static const nb_token *token_at(const lf_notebook *nb, const nb_cell *x, uint32_t at, bool is_end)
{
	const nb_token *last = NULL;
	for (uint32_t k = 0; k < x->token_count; k++) {
		const nb_token *t = &nb->tokens[x->first_token + k];
		if (t->start == t->end)
			continue;
		if (!is_end && t->start <= at && at < t->end)
			return t;
		if (is_end && t->start < at && at <= t->end)
			return t;
		last = t;
	}
	/* At the very end of the text (an insertion there). */
	return last && at == last->end ? last : NULL;
}

static uint32_t raw_at(const lf_notebook *nb, const nb_token *t, uint32_t at, bool *split)
{
	if (at == t->end)
		return t->raw_end;
	*split = at > t->start && nb->raw_of[at] == nb->raw_of[at - 1];
	return nb->raw_of[at];
}

bool lf_notebook_apply(const lf_notebook *nb, const lf_edit *edits, uint32_t count, lf_buf *out, char **error)
{
	*error = NULL;
	lf_buf res;
	lf_buf_init(&res);
	uint32_t copied = 0;
	for (uint32_t i = 0; i < count; i++) {
		const lf_edit *ed = &edits[i];
		uint32_t s = ed->start, e = ed->end;
		size_t text_len = strlen(ed->text);
		if (s > e || e > nb->src.len) {
			*error = lf_xasprintf("edit %u: [%u, %u) is outside the source", i, s, e);
			goto refuse;
		}
		if (i > 0 && (s < edits[i - 1].end ||
		              (s == e && s == edits[i - 1].start && edits[i - 1].start == edits[i - 1].end))) {
			*error = lf_xasprintf("edit %u: not sorted or overlaps the previous edit", i);
			goto refuse;
		}
		if (!valid_utf8((const uint8_t *)ed->text, text_len)) {
			*error = lf_xasprintf("edit %u: text is not UTF-8", i);
			goto refuse;
		}
		int32_t c = cell_of(nb, s);
		if (c < 0) {
			*error = lf_xasprintf("edit %u: not in a code cell", i);
			goto refuse;
		}
		const lf_notebook_cell *cell = &nb->cells[c];
		const nb_cell *x = &nb->extra[c];
		if (e > cell->start + x->text_len || s > cell->start + x->text_len) {
			*error = lf_xasprintf("edit %u: crosses the end of cell %u", i, cell->number);
			goto refuse;
		}
		if (touches_mask(nb, s, e)) {
			*error = lf_xasprintf("edit %u: touches IPython syntax (masked) in cell %u", i, cell->number);
			goto refuse;
		}
		const nb_token *t = token_at(nb, x, s, false);
		const nb_token *u = s == e ? t : token_at(nb, x, e, true);
		if (!t || !u) {
			*error = lf_xasprintf("edit %u: no source string to edit in cell %u", i, cell->number);
			goto refuse;
		}
		bool split_start = false, split_end = false;
		uint32_t raw_s = raw_at(nb, t, s, &split_start);
		uint32_t raw_e = s == e ? raw_s : raw_at(nb, u, e, &split_end);
		if (split_start || split_end || raw_s < copied || raw_e < raw_s) {
			*error = lf_xasprintf("edit %u: splits a character or a string escape", i);
			goto refuse;
		}
		lf_buf_append(&res, nb->json + copied, raw_s - copied);
		const uint8_t *text = (const uint8_t *)ed->text;
		bool tail_empty = e == u->end;
		/* A replacement that removes the line ending of an element and
		 * puts none back joins it with the next element, as Jupyter would
		 * split the lines. */
		uint32_t uk = (uint32_t)(u - &nb->tokens[x->first_token]);
		if (x->kind == SOURCE_LIST && s < e && tail_empty && uk + 1 < x->token_count &&
		    nb->src.bytes[e - 1] == '\n' && (text_len == 0 || text[text_len - 1] != '\n')) {
			raw_e = nb->tokens[x->first_token + uk + 1].raw_start;
			tail_empty = false;
		}
		if (x->kind == SOURCE_LIST && s == e && s == t->end && s > t->start && nb->src.bytes[s - 1] == '\n' &&
		    text_len > 0) {
			/* Text after the last line's ending starts a new element. */
			lf_buf_putc(&res, '"');
			separator_of(nb, x, (uint32_t)(t - &nb->tokens[x->first_token]), &res);
			lf_buf_putc(&res, '"');
		}
		uint32_t from = 0;
		for (uint32_t k = 0; k < text_len; k++) {
			if (text[k] != '\n' || x->kind != SOURCE_LIST || (k + 1 == text_len && tail_empty))
				continue;
			/* A new line of text: close this element and open one. */
			escape_text(nb, &res, text + from, k + 1 - from);
			lf_buf_putc(&res, '"');
			separator_of(nb, x, (uint32_t)(t - &nb->tokens[x->first_token]), &res);
			lf_buf_putc(&res, '"');
			from = k + 1;
		}
		escape_text(nb, &res, text + from, (uint32_t)text_len - from);
		copied = raw_e;
	}
	lf_buf_append(&res, nb->json + copied, nb->json_len - copied);
	lf_buf_append(out, res.data ? res.data : "", res.len);
	lf_buf_finish(&res);
	return true;
refuse:
	lf_buf_finish(&res);
	return false;
}

bool lf_notebook_apply_set(const lf_notebook *nb, const lf_edit_set *set, lf_buf *out, char **error)
{
	return lf_notebook_apply(nb, set->edits, set->count, out, error);
}
