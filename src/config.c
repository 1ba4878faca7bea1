/*
 * A reader for the `[tool.loadfix]` table of pyproject.toml.
 *
 * Why hand-written: Debian packages no C TOML library, and vendoring one is
 * third-party source in the repository.  So this reads the subset of TOML
 * 1.0 that pyproject.toml files use, to be able to SKIP everything that is
 * not ours correctly and to read our few keys:
 *   - comments, blank lines, `[table]` and `[[array.of.tables]]` headers
 *     (bare, "quoted" and 'literal' key parts, dotted);
 *   - `key = value` with bare, quoted and dotted keys;
 *   - values: basic and literal strings, single- and multi-line, with all
 *     escapes; booleans; arrays (nested, multi-line, comments, trailing
 *     comma); inline tables; any other scalar (numbers, dates, times, inf,
 *     nan) is skipped as an opaque token up to the next delimiter.
 * Not checked: redefinition of keys and tables, the exact grammar of
 * numbers and dates.  Nesting is capped so hostile input cannot exhaust the
 * stack.  It is fuzzed (tests/fuzz/fuzz_config.c) and tested against real
 * pyproject.toml files (tests/unit/test_config.c).
 */
#include "loadfix/config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loadfix/buf.h"
#include "loadfix/pep440.h"
#include "loadfix/source.h"

#define MAX_DEPTH 32
#define MAX_KEY_PARTS 16

enum value_type { VALUE_STRING, VALUE_BOOL, VALUE_ARRAY, VALUE_TABLE, VALUE_OTHER };

typedef struct value value;
struct value {
	enum value_type type;
	char *string; /* VALUE_STRING */
	bool boolean;
	value **items; /* VALUE_ARRAY, VALUE_TABLE (values) */
	char **keys;   /* VALUE_TABLE: one key per item (dotted keys joined by NUL-free '.') */
	size_t count;
	size_t offset; /* of the value's first byte in the text */
};

typedef struct parser {
	const char *text;
	size_t len;
	size_t pos;
	unsigned line;
	char *error;
} parser;

static void value_free(value *v)
{
	if (!v)
		return;
	free(v->string);
	for (size_t i = 0; i < v->count; i++) {
		value_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v);
}

__attribute__((format(printf, 2, 3))) static bool fail(parser *p, const char *fmt, ...)
{
	if (p->error)
		return false;
	va_list args;
	va_start(args, fmt);
	char message[256];
	vsnprintf(message, sizeof message, fmt, args);
	va_end(args);
	/* Keys from the file are quoted in messages: escape control characters
	 * so a hostile pyproject.toml cannot colour or forge lines of output. */
	lf_buf text;
	lf_buf_init(&text);
	lf_buf_printf(&text, "line %u: ", p->line);
	for (const unsigned char *c = (const unsigned char *)message; *c; c++) {
		if (*c < 0x20 || *c == 0x7f)
			lf_buf_printf(&text, "\\x%02X", *c);
		else
			lf_buf_putc(&text, (char)*c);
	}
	p->error = lf_buf_steal(&text, NULL);
	return false;
}

static int peek(const parser *p)
{
	return p->pos < p->len ? (unsigned char)p->text[p->pos] : -1;
}

static bool at(const parser *p, const char *s)
{
	size_t n = strlen(s);
	return p->len - p->pos >= n && memcmp(p->text + p->pos, s, n) == 0;
}

static void skip_spaces(parser *p)
{
	while (peek(p) == ' ' || peek(p) == '\t')
		p->pos++;
}

static void skip_comment(parser *p)
{
	if (peek(p) != '#')
		return;
	while (p->pos < p->len && p->text[p->pos] != '\n')
		p->pos++;
}

/* Whitespace, newlines and comments, as allowed inside arrays. */
static void skip_blank(parser *p)
{
	for (;;) {
		skip_spaces(p);
		skip_comment(p);
		if (peek(p) == '\n') {
			p->pos++;
			p->line++;
		} else if (at(p, "\r\n")) {
			p->pos += 2;
			p->line++;
		} else {
			return;
		}
	}
}

static bool parse_escape(parser *p, lf_buf *out)
{
	p->pos++; /* the backslash */
	int c = peek(p);
	const char *simple = "b\bt\tn\nf\fr\r\"\"\\\\e\x1b";
	for (const char *s = simple; *s; s += 2) {
		if (c == s[0]) {
			lf_buf_putc(out, s[1]);
			p->pos++;
			return true;
		}
	}
	if (c == 'u' || c == 'U') {
		int digits = c == 'u' ? 4 : 8;
		uint32_t cp = 0;
		p->pos++;
		for (int i = 0; i < digits; i++) {
			int h = peek(p);
			int v = h >= '0' && h <= '9'   ? h - '0'
			        : h >= 'a' && h <= 'f' ? h - 'a' + 10
			        : h >= 'A' && h <= 'F' ? h - 'A' + 10
			                               : -1;
			if (v < 0)
				return fail(p, "bad unicode escape");
			cp = cp * 16 + (uint32_t)v;
			p->pos++;
		}
		if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return fail(p, "bad unicode escape");
		lf_buf_put_utf8(out, cp);
		return true;
	}
	/* Line-ending backslash in multi-line strings: trim to next non-blank. */
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
		size_t save = p->pos;
		while (peek(p) == ' ' || peek(p) == '\t')
			p->pos++;
		if (peek(p) == '\n' || at(p, "\r\n")) {
			while (peek(p) == ' ' || peek(p) == '\t' || peek(p) == '\n' || peek(p) == '\r') {
				if (peek(p) == '\n')
					p->line++;
				p->pos++;
			}
			return true;
		}
		p->pos = save;
	}
	return fail(p, "bad escape sequence");
}

/* Any of the four string forms; *out gets the decoded text. */
static bool parse_string(parser *p, char **out)
{
	bool literal = peek(p) == '\'';
	const char *triple = literal ? "'''" : "\"\"\"";
	bool multi = at(p, triple);
	char quote = literal ? '\'' : '"';
	lf_buf text;
	lf_buf_init(&text);
	lf_buf_reserve(&text, 0);
	p->pos += multi ? 3 : 1;
	if (multi && peek(p) == '\n')
		p->pos++, p->line++; /* a newline right after the opening is trimmed */
	else if (multi && at(p, "\r\n"))
		p->pos += 2, p->line++;
	for (;;) {
		int c = peek(p);
		if (c < 0) {
			lf_buf_finish(&text);
			return fail(p, "unterminated string");
		}
		if (multi && at(p, triple)) {
			/* Up to two quotes may end the content right before the closer. */
			size_t extra = 0;
			while (extra < 2 && p->pos + 3 + extra < p->len && p->text[p->pos + 3 + extra] == quote)
				extra++;
			lf_buf_append(&text, p->text + p->pos, extra);
			p->pos += 3 + extra;
			break;
		}
		if (!multi && c == quote) {
			p->pos++;
			break;
		}
		if (!multi && (c == '\n' || c == '\r')) {
			lf_buf_finish(&text);
			return fail(p, "newline in a single-line string");
		}
		if (c == '\\' && !literal) {
			if (!parse_escape(p, &text)) {
				lf_buf_finish(&text);
				return false;
			}
			continue;
		}
		if (c == '\n')
			p->line++;
		lf_buf_putc(&text, (char)c);
		p->pos++;
	}
	*out = lf_buf_steal(&text, NULL);
	return true;
}

static bool is_bare_key_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* A dotted key: parts[] get owned strings. */
static bool parse_key(parser *p, char **parts, size_t *count)
{
	*count = 0;
	for (;;) {
		skip_spaces(p);
		if (*count == MAX_KEY_PARTS)
			return fail(p, "key has too many parts");
		int c = peek(p);
		if (c == '"' || c == '\'') {
			if (!parse_string(p, &parts[*count]))
				return false;
		} else if (is_bare_key_char(c)) {
			size_t start = p->pos;
			while (is_bare_key_char(peek(p)))
				p->pos++;
			parts[*count] = lf_xstrndup(p->text + start, p->pos - start);
		} else {
			return fail(p, "expected a key");
		}
		(*count)++;
		skip_spaces(p);
		if (peek(p) != '.')
			return true;
		p->pos++;
	}
}

static void free_parts(char **parts, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(parts[i]);
}

static value *new_value(enum value_type type)
{
	value *v = lf_xcalloc(1, sizeof *v);
	v->type = type;
	return v;
}

static void push_item(value *container, char *key, value *item)
{
	container->items = lf_xrealloc(container->items, sizeof(value *) * (container->count + 1));
	if (container->type == VALUE_TABLE) {
		container->keys = lf_xrealloc(container->keys, sizeof(char *) * (container->count + 1));
		container->keys[container->count] = key;
	}
	container->items[container->count++] = item;
}

static value *parse_value(parser *p, int depth);

static value *parse_array(parser *p, int depth)
{
	value *array = new_value(VALUE_ARRAY);
	p->pos++; /* [ */
	for (;;) {
		skip_blank(p);
		if (peek(p) == ']') {
			p->pos++;
			return array;
		}
		value *item = parse_value(p, depth + 1);
		if (!item) {
			value_free(array);
			return NULL;
		}
		push_item(array, NULL, item);
		skip_blank(p);
		if (peek(p) == ',') {
			p->pos++;
		} else if (peek(p) != ']') {
			value_free(array);
			fail(p, "expected ',' or ']' in an array");
			return NULL;
		}
	}
}

static char *join_parts(char **parts, size_t count)
{
	lf_buf key;
	lf_buf_init(&key);
	for (size_t i = 0; i < count; i++) {
		if (i)
			lf_buf_putc(&key, '\x1f'); /* parts are joined by a byte no key uses unescaped */
		lf_buf_puts(&key, parts[i]);
	}
	return lf_buf_steal(&key, NULL);
}

static value *parse_inline_table(parser *p, int depth)
{
	value *table = new_value(VALUE_TABLE);
	p->pos++; /* { */
	skip_blank(p);
	if (peek(p) == '}') {
		p->pos++;
		return table;
	}
	for (;;) {
		char *parts[MAX_KEY_PARTS];
		size_t count;
		skip_blank(p);
		if (!parse_key(p, parts, &count)) {
			free_parts(parts, count);
			value_free(table);
			return NULL;
		}
		skip_spaces(p);
		if (peek(p) != '=') {
			free_parts(parts, count);
			value_free(table);
			fail(p, "expected '=' in an inline table");
			return NULL;
		}
		p->pos++;
		skip_spaces(p);
		value *item = parse_value(p, depth + 1);
		if (!item) {
			free_parts(parts, count);
			value_free(table);
			return NULL;
		}
		push_item(table, join_parts(parts, count), item);
		free_parts(parts, count);
		skip_blank(p);
		if (peek(p) == ',') {
			p->pos++;
		} else if (peek(p) == '}') {
			p->pos++;
			return table;
		} else {
			value_free(table);
			fail(p, "expected ',' or '}' in an inline table");
			return NULL;
		}
	}
}

static value *parse_value(parser *p, int depth)
{
	if (depth > MAX_DEPTH) {
		fail(p, "values nested too deeply");
		return NULL;
	}
	int c = peek(p);
	if (c == '"' || c == '\'') {
		value *v = new_value(VALUE_STRING);
		v->offset = p->pos;
		if (!parse_string(p, &v->string)) {
			value_free(v);
			return NULL;
		}
		return v;
	}
	if (c == '[')
		return parse_array(p, depth);
	if (c == '{')
		return parse_inline_table(p, depth);
	/* A scalar: a boolean, or an opaque number/date/time token. */
	size_t start = p->pos;
	while (p->pos < p->len && !strchr(",]}#\n\r", p->text[p->pos]))
		p->pos++;
	size_t end = p->pos;
	while (end > start && (p->text[end - 1] == ' ' || p->text[end - 1] == '\t'))
		end--;
	if (end == start) {
		fail(p, "expected a value");
		return NULL;
	}
	value *v = new_value(VALUE_OTHER);
	if (end - start == 4 && memcmp(p->text + start, "true", 4) == 0)
		v->type = VALUE_BOOL, v->boolean = true;
	else if (end - start == 5 && memcmp(p->text + start, "false", 5) == 0)
		v->type = VALUE_BOOL, v->boolean = false;
	return v;
}

/* ---- applying values to the config ---------------------------------------- */

static void list_finish(lf_string_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

static bool take_string_list(parser *p, const value *v, lf_string_list *out, const char *key)
{
	if (v->type != VALUE_ARRAY)
		return fail(p, "'%s' must be an array of strings", key);
	for (size_t i = 0; i < v->count; i++)
		if (v->items[i]->type != VALUE_STRING)
			return fail(p, "'%s' must be an array of strings", key);
	list_finish(out);
	out->items = lf_xcalloc(v->count, sizeof(char *));
	for (size_t i = 0; i < v->count; i++)
		out->items[i] = lf_xstrdup(v->items[i]->string);
	out->count = v->count;
	return true;
}

static bool add_per_file_ignore(parser *p, lf_config *config, const char *pattern, const value *codes)
{
	lf_per_file_ignore entry = {.pattern = lf_xstrdup(pattern)};
	if (!take_string_list(p, codes, &entry.codes, "per-file-ignores")) {
		free(entry.pattern);
		return false;
	}
	config->per_file_ignores =
	        lf_xrealloc(config->per_file_ignores, sizeof(lf_per_file_ignore) * (config->per_file_ignore_count + 1));
	config->per_file_ignores[config->per_file_ignore_count++] = entry;
	return true;
}

/* `path` is the full key below [tool.loadfix]; value `v`. */
static bool apply_setting(parser *p, lf_config *config, char **path, size_t count, const value *v)
{
	const char *key = path[0];
	if (count == 1) {
		if (strcmp(key, "select") == 0)
			return (config->has_select = true) && take_string_list(p, v, &config->select, key);
		if (strcmp(key, "ignore") == 0)
			return (config->has_ignore = true) && take_string_list(p, v, &config->ignore, key);
		if (strcmp(key, "exclude") == 0)
			return (config->has_exclude = true) && take_string_list(p, v, &config->exclude, key);
		if (strcmp(key, "extend-exclude") == 0)
			return (config->has_extend_exclude = true) &&
			       take_string_list(p, v, &config->extend_exclude, key);
		if (strcmp(key, "target-torch-version") == 0) {
			/* Checked here, so that a typo is an error naming the
			 * file and line; its meaning is lf_advisory_check_version's. */
			lf_pep440_version version;
			if (v->type != VALUE_STRING || !lf_pep440_version_parse(v->string, strlen(v->string), &version))
				return fail(p, "'target-torch-version' must be a PEP 440 version string (\"2.6\")");
			free(config->target_torch_version);
			config->target_torch_version = lf_xstrdup(v->string);
			return true;
		}
		if (strcmp(key, "unsafe-fixes") == 0) {
			if (v->type != VALUE_BOOL)
				return fail(p, "'unsafe-fixes' must be true or false");
			config->has_unsafe_fixes = true;
			config->unsafe_fixes = v->boolean;
			return true;
		}
	}
	if (strcmp(key, "per-file-ignores") == 0) {
		if (count == 2)
			return add_per_file_ignore(p, config, path[1], v);
		if (count == 1 && v->type == VALUE_TABLE) {
			for (size_t i = 0; i < v->count; i++) {
				if (strchr(v->keys[i], '\x1f'))
					return fail(p, "per-file-ignores: quote patterns that contain dots");
				if (!add_per_file_ignore(p, config, v->keys[i], v->items[i]))
					return false;
			}
			return true;
		}
		return fail(p, "'per-file-ignores' must map glob patterns to arrays of codes");
	}
	return fail(p, "unknown setting '%s' in [tool.loadfix]", key);
}

static bool is_loadfix_path(char **parts, size_t count)
{
	return count >= 2 && strcmp(parts[0], "tool") == 0 && strcmp(parts[1], "loadfix") == 0;
}

void lf_config_init(lf_config *config)
{
	memset(config, 0, sizeof *config);
}

void lf_config_finish(lf_config *config)
{
	free(config->path);
	free(config->directory);
	list_finish(&config->select);
	list_finish(&config->ignore);
	list_finish(&config->exclude);
	list_finish(&config->extend_exclude);
	for (size_t i = 0; i < config->per_file_ignore_count; i++) {
		free(config->per_file_ignores[i].pattern);
		list_finish(&config->per_file_ignores[i].codes);
	}
	free(config->per_file_ignores);
	free(config->target_torch_version);
	lf_config_init(config);
}

static bool end_of_line(parser *p)
{
	skip_spaces(p);
	skip_comment(p);
	if (peek(p) < 0)
		return true;
	if (peek(p) == '\n') {
		p->pos++;
		p->line++;
		return true;
	}
	if (at(p, "\r\n")) {
		p->pos += 2;
		p->line++;
		return true;
	}
	return fail(p, "unexpected text after a value");
}

/* Calls the visitor for each string in v, with the path extended by the
 * keys of inline tables (dotted keys there are joined by '\x1f'). */
static void visit_value(const value *v, const char **path, size_t depth, lf_config_string_visitor visit, void *context)
{
	if (v->type == VALUE_STRING) {
		visit(context, path, depth, v->string, v->offset);
		return;
	}
	for (size_t i = 0; i < v->count; i++) {
		if (v->type != VALUE_TABLE) {
			visit_value(v->items[i], path, depth, visit, context);
			continue;
		}
		/* Split the joined key back into parts, up to the path's room. */
		const char *parts[MAX_KEY_PARTS];
		char *copy = lf_xstrdup(v->keys[i]);
		size_t n = 0;
		for (char *part = copy, *sep; n < MAX_KEY_PARTS; part = sep + 1) {
			sep = strchr(part, '\x1f');
			parts[n++] = part;
			if (!sep)
				break;
			*sep = '\0';
		}
		if (depth + n <= 2 * MAX_KEY_PARTS + MAX_DEPTH) {
			const char *full[2 * MAX_KEY_PARTS + MAX_DEPTH];
			memcpy(full, path, depth * sizeof *path);
			memcpy(full + depth, parts, n * sizeof *parts);
			visit_value(v->items[i], full, depth + n, visit, context);
		}
		free(copy);
	}
}

/* The document loop; `config` NULL: only visit strings. */
static bool parse_document(const char *text, size_t len, lf_config *config, lf_config_string_visitor visit,
                           void *context, char **error)
{
	parser p = {.text = text, .len = len, .line = 1};
	char *table[MAX_KEY_PARTS];
	size_t table_count = 0;
	bool ok = true;
	if (at(&p, "\xEF\xBB\xBF"))
		p.pos += 3;
	while (ok && p.pos < p.len) {
		skip_blank(&p);
		if (p.pos >= p.len)
			break;
		if (peek(&p) == '[') {
			bool array_table = at(&p, "[[");
			p.pos += array_table ? 2 : 1;
			free_parts(table, table_count);
			table_count = 0;
			ok = parse_key(&p, table, &table_count);
			if (ok && !(array_table ? at(&p, "]]") : peek(&p) == ']'))
				ok = fail(&p, "expected ']' after a table name");
			if (ok) {
				p.pos += array_table ? 2 : 1;
				bool ours = config && is_loadfix_path(table, table_count);
				if (ours && array_table)
					ok = fail(&p, "[[tool.loadfix]] must be a table, not an array of tables");
				else if (ours && table_count == 2)
					config->found = true;
				else if (ours && !(table_count == 3 && strcmp(table[2], "per-file-ignores") == 0))
					ok = fail(&p, "unknown table [tool.loadfix.%s]", table[2]);
				ok = ok && end_of_line(&p);
			}
			continue;
		}
		char *key[MAX_KEY_PARTS];
		size_t key_count = 0;
		ok = parse_key(&p, key, &key_count);
		if (ok) {
			skip_spaces(&p);
			if (peek(&p) != '=')
				ok = fail(&p, "expected '=' after a key");
		}
		value *v = NULL;
		if (ok) {
			p.pos++;
			skip_spaces(&p);
			v = parse_value(&p, 0);
			ok = v != NULL;
		}
		if (ok) {
			/* The full path of this key: the table's, then the key's parts. */
			char *full[2 * MAX_KEY_PARTS];
			size_t n = 0;
			for (size_t i = 0; i < table_count; i++)
				full[n++] = table[i];
			for (size_t i = 0; i < key_count; i++)
				full[n++] = key[i];
			if (visit)
				visit_value(v, (const char **)full, n, visit, context);
			if (config && is_loadfix_path(full, n)) {
				config->found = true;
				ok = n > 2 ? apply_setting(&p, config, full + 2, n - 2, v)
				           : fail(&p, "[tool] loadfix must be a table");
			}
		}
		value_free(v);
		free_parts(key, key_count);
		ok = ok && end_of_line(&p);
	}
	free_parts(table, table_count);
	if (!ok) {
		*error = p.error ? p.error : lf_xstrdup("invalid TOML");
		return false;
	}
	free(p.error);
	return true;
}

bool lf_config_parse(const char *text, size_t len, lf_config *config, char **error)
{
	return parse_document(text, len, config, NULL, NULL, error);
}

bool lf_config_visit_strings(const char *text, size_t len, lf_config_string_visitor visit, void *context, char **error)
{
	return parse_document(text, len, NULL, visit, context, error);
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return lf_xstrdup(".");
	if (slash == path)
		return lf_xstrdup("/");
	return lf_xstrndup(path, (size_t)(slash - path));
}

bool lf_config_load(const char *path, lf_config *config, char **error)
{
	lf_source src;
	if (!lf_source_read(&src, path, 16u * 1024 * 1024, error))
		return false;
	bool ok = lf_config_parse((const char *)src.bytes, src.len, config, error);
	lf_source_finish(&src);
	if (ok) {
		config->path = lf_xstrdup(path);
		config->directory = dir_of(path);
	}
	return ok;
}

char *lf_config_find(const char *start)
{
	char *dir = realpath(start, NULL);
	/* A path that does not exist (`loadfix missing.py real.py`) still
	 * says where to look: its directory.  Skipping the configuration for it
	 * would check the other paths with the wrong rules. */
	if (!dir) {
		char *probe = lf_xstrdup(start);
		while (!dir) {
			char *parent = dir_of(probe);
			bool last = strcmp(parent, probe) == 0 || strcmp(parent, ".") == 0 || strcmp(parent, "/") == 0;
			dir = realpath(parent, NULL);
			free(probe);
			probe = parent;
			if (last)
				break;
		}
		free(probe);
		if (!dir)
			return NULL;
	}
	struct stat st;
	if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
		char *parent = dir_of(dir);
		free(dir);
		dir = parent;
	}
	for (;;) {
		char *candidate = lf_xasprintf("%s/pyproject.toml", strcmp(dir, "/") == 0 ? "" : dir);
		lf_config config;
		lf_config_init(&config);
		char *error = NULL;
		/* A pyproject.toml without our table is skipped, as ruff does; one
		 * with our table is chosen even if it has errors (reported later). */
		bool ok = lf_config_load(candidate, &config, &error);
		bool ours = ok ? config.found : (error && strstr(error, "loadfix") != NULL);
		if (!ok && error && access(candidate, F_OK) == 0 && !ours) {
			/* Unreadable or invalid TOML: does it mention our table at all? */
			lf_source src;
			char *ignored = NULL;
			if (lf_source_read(&src, candidate, 16u * 1024 * 1024, &ignored)) {
				ours = memmem(src.bytes, src.len, "tool.loadfix", 12) != NULL;
				lf_source_finish(&src);
			}
			free(ignored);
		}
		free(error);
		lf_config_finish(&config);
		if (ours) {
			free(dir);
			return candidate;
		}
		free(candidate);
		if (strcmp(dir, "/") == 0)
			break;
		char *parent = dir_of(dir);
		free(dir);
		dir = parent;
	}
	free(dir);
	return NULL;
}
