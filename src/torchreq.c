/*
 * Discovery of a project's declared torch requirement (see torchreq.h for
 * the files read).
 *
 * Each reader is narrow on purpose: it finds requirement strings in the
 * places packaging tools read them from and leaves the rest of the file
 * alone.  None executes anything:
 *   - pyproject.toml goes through config.c's TOML reader
 *     (lf_config_visit_strings), which gives each string's key path and
 *     offset;
 *   - requirements files follow pip's own preprocessing: join lines ending
 *     in a backslash, drop `#` comments that start a line or follow
 *     whitespace, then a line is an option (-r/-c followed, others
 *     skipped), a URL or path (a torch wheel's file name gives its
 *     version), or a requirement whose per-requirement options
 *     (--hash=...) start at the first word beginning with '-';
 *   - setup.cfg is read as configparser and setuptools read it: full-line
 *     `#`/`;` comments, values continued on indented lines, a multi-line
 *     install_requires split on lines and a one-line one on ';';
 *   - setup.py is parsed with tree-sitter-python (already linked), so
 *     strings, comments and brackets inside them cannot confuse it; only
 *     literal lists count (and a module-level NAME = [...] they name),
 *     since anything computed would need running the file, which a
 *     linter must not do;
 *   - environment.yml is read line by line for the one shape conda
 *     documents: a top-level `dependencies:` block sequence whose items
 *     are match specs or a `pip:` sub-sequence.
 * A requirement whose version part cannot be read is kept with
 * parsed = false, which LF008 must treat as unpinned: erring towards a
 * report, never towards silence.
 */
#include "loadfix/torchreq.h"

#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <tree_sitter/api.h>

#include "loadfix/buf.h"
#include "loadfix/config.h"
#include "loadfix/parse.h"
#include "loadfix/source.h"

#define MAX_FILE_SIZE (16u * 1024 * 1024)
#define MAX_INCLUDE_DEPTH 32

/* ---- lists ------------------------------------------------------------- */

void lf_torchreq_list_init(lf_torchreq_list *list)
{
	memset(list, 0, sizeof *list);
}

void lf_torchreq_finish(lf_torchreq *req)
{
	free(req->path);
	free(req->text);
	free(req->name);
	free(req->extras);
	free(req->specifier);
	free(req->marker);
	free(req->group);
	lf_pep440_set_finish(&req->set);
	memset(req, 0, sizeof *req);
}

void lf_torchreq_list_finish(lf_torchreq_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		lf_torchreq_finish(&list->items[i]);
	free(list->items);
	for (size_t i = 0; i < list->warning_count; i++)
		free(list->warnings[i]);
	free(list->warnings);
	lf_torchreq_list_init(list);
}

__attribute__((format(printf, 2, 3))) static void warn(lf_torchreq_list *list, const char *fmt, ...)
{
	va_list args;
	va_start(args, fmt);
	lf_buf text;
	lf_buf_init(&text);
	char piece[512];
	vsnprintf(piece, sizeof piece, fmt, args);
	va_end(args);
	lf_buf_puts(&text, piece);
	list->warnings = lf_xrealloc(list->warnings, (list->warning_count + 1) * sizeof *list->warnings);
	list->warnings[list->warning_count++] = lf_buf_steal(&text, NULL);
}

/* ---- names and requirement strings ------------------------------------- */

char *lf_torchreq_normalize_name(const char *name, size_t len)
{
	lf_buf out;
	lf_buf_init(&out);
	lf_buf_reserve(&out, len + 1);
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (c == '-' || c == '_' || c == '.') {
			while (i + 1 < len && (name[i + 1] == '-' || name[i + 1] == '_' || name[i + 1] == '.'))
				i++;
			lf_buf_putc(&out, '-');
		} else {
			lf_buf_putc(&out, (char)tolower((unsigned char)c));
		}
	}
	return lf_buf_steal(&out, NULL);
}

static bool is_name_char(int c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.';
}

static bool is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static void trim(const char **text, size_t *len)
{
	while (*len && is_blank((unsigned char)**text))
		(*text)++, (*len)--;
	while (*len && is_blank((unsigned char)(*text)[*len - 1]))
		(*len)--;
}

static char *dup_trimmed(const char *text, size_t len)
{
	trim(&text, &len);
	return lf_xstrndup(text, len);
}

/* Parses `spec` into req->set; parsed = false when it is not PEP 440. */
static void set_specifier(lf_torchreq *req, char *spec)
{
	req->specifier = spec;
	req->parsed = lf_pep440_set_parse(spec, strlen(spec), &req->set, NULL);
}

/*
 * A wheel's version from its URL or path: ".../torch-2.1.0%2Bcu121-cp311-
 * cp311-linux_x86_64.whl" -> "==2.1.0+cu121".  NULL when the file is not a
 * torch wheel.
 */
static char *wheel_specifier(const char *url, size_t len)
{
	size_t end = len;
	for (size_t i = 0; i < len; i++)
		if (url[i] == '#' || url[i] == '?') {
			end = i;
			break;
		}
	size_t start = end;
	while (start > 0 && url[start - 1] != '/' && url[start - 1] != '\\')
		start--;
	lf_buf file;
	lf_buf_init(&file);
	for (size_t i = start; i < end; i++) {
		int h1, h2;
		if (url[i] == '%' && i + 2 < end && (h1 = lf_hex_value(url[i + 1])) >= 0 &&
		    (h2 = lf_hex_value(url[i + 2])) >= 0) {
			lf_buf_putc(&file, (char)(h1 * 16 + h2));
			i += 2;
		} else {
			lf_buf_putc(&file, url[i]);
		}
	}
	char *result = NULL;
	const char *f = file.data ? file.data : "";
	size_t n = file.len;
	const char *dash = memchr(f, '-', n);
	if (n > 4 && strcasecmp(f + n - 4, ".whl") == 0 && dash) {
		char *name = lf_torchreq_normalize_name(f, (size_t)(dash - f));
		const char *version = dash + 1;
		const char *next = strchr(version, '-');
		if (strcmp(name, "torch") == 0 && next && next > version)
			result = lf_xasprintf("==%.*s", (int)(next - version), version);
		free(name);
	}
	lf_buf_finish(&file);
	return result;
}

bool lf_torchreq_parse_pep508(const char *text, size_t len, lf_torchreq *out)
{
	trim(&text, &len);
	size_t i = 0;
	while (i < len && is_name_char((unsigned char)text[i]))
		i++;
	if (i == 0)
		return false;
	char *normal = lf_torchreq_normalize_name(text, i);
	bool torch = strcmp(normal, "torch") == 0;
	free(normal);
	if (!torch)
		return false;
	memset(out, 0, sizeof *out);
	lf_pep440_set_init(&out->set);
	out->text = lf_xstrndup(text, len);
	out->name = lf_xstrndup(text, i);
	while (i < len && is_blank((unsigned char)text[i]))
		i++;
	if (i < len && text[i] == '[') {
		const char *close = memchr(text + i, ']', len - i);
		size_t stop = close ? (size_t)(close - text) : len;
		lf_buf extras;
		lf_buf_init(&extras);
		for (size_t k = i + 1; k < stop; k++)
			if (!is_blank((unsigned char)text[k]))
				lf_buf_putc(&extras, text[k]);
		out->extras = lf_buf_steal(&extras, NULL);
		i = close ? stop + 1 : len;
	}
	while (i < len && is_blank((unsigned char)text[i]))
		i++;
	const char *semi = memchr(text + i, ';', len - i);
	size_t spec_end = semi ? (size_t)(semi - text) : len;
	if (i < len && text[i] == '@') {
		/* A direct reference: the URL ends at whitespace; a marker after " ;". */
		size_t u = i + 1;
		while (u < len && is_blank((unsigned char)text[u]))
			u++;
		size_t url_end = u;
		while (url_end < len && !is_blank((unsigned char)text[url_end]))
			url_end++;
		semi = memchr(text + url_end, ';', len - url_end);
		char *spec = wheel_specifier(text + u, url_end - u);
		if (spec)
			set_specifier(out, spec);
		else
			out->specifier = lf_xstrdup(""), out->parsed = false;
	} else {
		const char *spec = text + i;
		size_t n = spec_end - i;
		trim(&spec, &n);
		if (n >= 2 && spec[0] == '(' && spec[n - 1] == ')')
			spec++, n -= 2;
		set_specifier(out, dup_trimmed(spec, n));
	}
	if (semi)
		out->marker = dup_trimmed(semi + 1, len - (size_t)(semi + 1 - text));
	return true;
}

static bool is_conda_torch(const char *normal)
{
	return strcmp(normal, "pytorch") == 0 || strcmp(normal, "torch") == 0 || strcmp(normal, "pytorch-gpu") == 0 ||
	       strcmp(normal, "pytorch-cpu") == 0;
}

/* A conda version ("2.1", "2.1.*", "2.1*") as a PEP 440 prefix match. */
static char *conda_fuzzy(const char *v, size_t n)
{
	if (n >= 2 && v[n - 2] == '.' && v[n - 1] == '*')
		n -= 2;
	else if (n >= 1 && v[n - 1] == '*')
		n -= 1;
	return lf_xasprintf("==%.*s.*", (int)n, v);
}

/*
 * Conda match specs: "pytorch", "pytorch=2.1" (fuzzy: 2.1.*),
 * "pytorch=2.1.0=py3.11_cuda12.1_0" (exact with a build), "pytorch==2.1",
 * "pytorch>=2.0,<3", "pytorch 2.1.*", "conda-forge::pytorch".  An
 * alternative (|) or the bracket form is not translated: parsed = false.
 */
bool lf_torchreq_parse_conda(const char *text, size_t len, lf_torchreq *out)
{
	trim(&text, &len);
	const char *full = text;
	size_t full_len = len;
	for (size_t k = 0; k + 1 < len; k++)
		if (text[k] == ':' && text[k + 1] == ':') {
			text += k + 2, len -= k + 2;
			break;
		}
	size_t i = 0;
	while (i < len && is_name_char((unsigned char)text[i]))
		i++;
	if (i == 0)
		return false;
	char *normal = lf_torchreq_normalize_name(text, i);
	bool torch = is_conda_torch(normal);
	free(normal);
	if (!torch)
		return false;
	memset(out, 0, sizeof *out);
	lf_pep440_set_init(&out->set);
	out->text = lf_xstrndup(full, full_len);
	out->name = lf_xstrndup(text, i);
	const char *rest = text + i;
	size_t n = len - i;
	trim(&rest, &n);
	if (n == 0) {
		set_specifier(out, lf_xstrdup(""));
		return true;
	}
	if (memchr(rest, '|', n) || rest[0] == '[') {
		out->specifier = lf_xstrndup(rest, n);
		out->parsed = false;
		return true;
	}
	if (rest[0] == '=' && (n < 2 || rest[1] != '=')) {
		const char *v = rest + 1;
		const char *build = memchr(v, '=', n - 1);
		size_t vn = build ? (size_t)(build - v) : n - 1;
		trim(&v, &vn);
		if (build && !(vn && v[vn - 1] == '*'))
			set_specifier(out, lf_xasprintf("==%.*s", (int)vn, v));
		else
			set_specifier(out, conda_fuzzy(v, vn));
		return true;
	}
	/* "pytorch 2.1.* build": the version is the first word. */
	size_t w = 0;
	while (w < n && !is_blank((unsigned char)rest[w]))
		w++;
	if (strchr("<>=!~", rest[0])) {
		/* The version ends at a blank ("pytorch >=2.0 build") or at an '='
		 * that follows it ("pytorch==2.10.0=py3.11_cuda12.1_0"). */
		size_t v = 0;
		while (v < w && strchr("<>=!~", rest[v]))
			v++;
		while (v < w && !(rest[v] == '=' && !strchr("<>=!~", rest[v - 1])))
			v++;
		set_specifier(out, lf_xstrndup(rest, v));
	} else {
		set_specifier(out, conda_fuzzy(rest, w));
	}
	return true;
}

/* ---- discovery state ------------------------------------------------------ */

typedef struct discovery {
	lf_torchreq_list *list;
	char **visited; /* realpaths of the requirements files read */
	size_t visited_count;
} discovery;

static void push(discovery *d, lf_torchreq *req, const char *path, const lf_source *src, uint32_t offset,
                 lf_torchreq_kind kind)
{
	req->kind = kind;
	req->path = lf_xstrdup(path);
	req->line = lf_source_line_of(src, offset) + 1;
	req->column = lf_source_column_of(src, offset);
	lf_torchreq_list *list = d->list;
	list->items = lf_xrealloc(list->items, (list->count + 1) * sizeof *list->items);
	list->items[list->count++] = *req;
}

static bool read_file(discovery *d, const char *path, lf_source *src, bool missing_ok)
{
	char *error = NULL;
	if (lf_source_read(src, path, MAX_FILE_SIZE, &error))
		return true;
	if (!missing_ok)
		warn(d->list, "%s: %s", path, error);
	free(error);
	return false;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return lf_xstrdup(".");
	return lf_xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
}

static char *join_path(const char *dir, const char *name, size_t len)
{
	if (len && name[0] == '/')
		return lf_xstrndup(name, len);
	return lf_xasprintf("%s/%.*s", dir, (int)len, name);
}

static bool exists(const char *path)
{
	FILE *f = fopen(path, "r");
	if (f)
		fclose(f);
	return f != NULL;
}

/* ---- requirements files ------------------------------------------------ */

static void read_requirements(discovery *d, const char *path, lf_torchreq_kind kind, bool constraint, int depth);

/* Removes matching quotes, as pip's shlex split of an option's value does. */
static void unquote(const char **s, size_t *n)
{
	if (*n >= 2 && ((*s)[0] == '"' || (*s)[0] == '\'') && (*s)[*n - 1] == (*s)[0])
		(*s)++, *n -= 2;
}

/* Is `line` the option `name` (short "-r" or long "--requirement")?  Sets
 * the argument: "-r x", "-rx", "--requirement x", "--requirement=x". */
static bool option_argument(const char *line, size_t len, const char *shrt, const char *lng, const char **arg,
                            size_t *arg_len)
{
	size_t n = 0;
	if (len >= strlen(lng) && memcmp(line, lng, strlen(lng)) == 0) {
		n = strlen(lng);
		if (n < len && line[n] == '=')
			n++;
		else if (n < len && !is_blank((unsigned char)line[n]))
			return false;
	} else if (len >= 2 && memcmp(line, shrt, 2) == 0) {
		n = 2;
		if (n < len && line[n] == '=')
			n++;
	} else {
		return false;
	}
	*arg = line + n;
	*arg_len = len - n;
	trim(arg, arg_len);
	unquote(arg, arg_len);
	return true;
}

/*
 * One logical line of a requirements file (comments already removed).
 * map[i] is the file offset of line[i], for positions.
 */
static void requirement_line(discovery *d, const char *path, const lf_source *src, const char *line, size_t len,
                             const uint32_t *map, lf_torchreq_kind kind, bool constraint, int depth)
{
	size_t start = 0;
	while (start < len && is_blank((unsigned char)line[start]))
		start++;
	while (len > start && is_blank((unsigned char)line[len - 1]))
		len--;
	if (start == len)
		return;
	const char *text = line + start;
	size_t n = len - start;
	if (text[0] == '-') {
		const char *arg;
		size_t arg_len;
		bool include = option_argument(text, n, "-r", "--requirement", &arg, &arg_len);
		bool constrain = !include && option_argument(text, n, "-c", "--constraint", &arg, &arg_len);
		if (!include && !constrain)
			return; /* -e, --index-url, -f, ...: nothing about torch's version */
		if (arg_len == 0 || memmem(arg, arg_len, "://", 3)) {
			warn(d->list, "%s:%u: %.*s: not followed (remote or empty)", path,
			     lf_source_line_of(src, map[start]) + 1, (int)n, text);
			return;
		}
		if (depth >= MAX_INCLUDE_DEPTH) {
			warn(d->list, "%s: includes nested too deeply", path);
			return;
		}
		char *dir = dir_of(path);
		char *target = join_path(dir, arg, arg_len);
		read_requirements(d, target, kind, constraint || constrain, depth + 1);
		free(target);
		free(dir);
		return;
	}
	/* Per-requirement options start at the first word beginning with '-'. */
	size_t end = n;
	for (size_t k = 1; k < n; k++)
		if (text[k] == '-' && is_blank((unsigned char)text[k - 1])) {
			end = k;
			break;
		}
	lf_torchreq req;
	bool found;
	if (memmem(text, end, "://", 3) && !memchr(text, '@', end)) {
		/* A bare URL or path: a torch wheel names its version. */
		char *spec = wheel_specifier(text, end);
		found = spec != NULL;
		if (found) {
			memset(&req, 0, sizeof req);
			lf_pep440_set_init(&req.set);
			req.text = dup_trimmed(text, end);
			req.name = lf_xstrdup("torch");
			set_specifier(&req, spec);
		}
	} else if (text[0] == '.' || text[0] == '/') {
		char *spec = wheel_specifier(text, end);
		found = spec != NULL;
		if (found) {
			memset(&req, 0, sizeof req);
			lf_pep440_set_init(&req.set);
			req.text = dup_trimmed(text, end);
			req.name = lf_xstrdup("torch");
			set_specifier(&req, spec);
		}
	} else {
		found = lf_torchreq_parse_pep508(text, end, &req);
	}
	if (!found)
		return;
	req.constraint = constraint;
	push(d, &req, path, src, map[start], kind);
}

static bool visited(discovery *d, const char *path)
{
	char *real = realpath(path, NULL);
	if (!real)
		return false;
	for (size_t i = 0; i < d->visited_count; i++)
		if (strcmp(d->visited[i], real) == 0) {
			free(real);
			return true;
		}
	d->visited = lf_xrealloc(d->visited, (d->visited_count + 1) * sizeof *d->visited);
	d->visited[d->visited_count++] = real;
	return false;
}

/* pip's COMMENT_RE, (^|\s+)#.*$: the length of the line before it. */
static size_t before_comment(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (line[i] == '#' && (i == 0 || is_blank((unsigned char)line[i - 1])))
			return i;
	return len;
}

static void read_requirements(discovery *d, const char *path, lf_torchreq_kind kind, bool constraint, int depth)
{
	if (!exists(path)) {
		warn(d->list, "%s: no such file", path);
		return;
	}
	if (visited(d, path))
		return; /* read already: an include cycle or a second mention */
	lf_source src;
	if (!read_file(d, path, &src, false))
		return;
	lf_buf line;
	lf_buf_init(&line);
	uint32_t *map = NULL;
	size_t map_cap = 0;
	uint32_t pos = src.len >= 3 && memcmp(src.bytes, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	while (pos < src.len) {
		/* One logical line: physical lines joined where one ends in '\'. */
		line.len = 0;
		for (;;) {
			uint32_t end = pos;
			while (end < src.len && src.bytes[end] != '\n' && src.bytes[end] != '\r')
				end++;
			uint32_t next = end;
			if (next < src.len && src.bytes[next] == '\r')
				next++;
			if (next < src.len && src.bytes[next] == '\n' && (next == end || src.bytes[end] == '\r'))
				next++;
			if (next == end && end < src.len)
				next++;
			bool continued = end > pos && src.bytes[end - 1] == '\\';
			uint32_t copy_end = continued ? end - 1 : end;
			if (map_cap < line.len + (copy_end - pos) + 1) {
				map_cap = (line.len + (copy_end - pos) + 1) * 2;
				map = lf_xrealloc(map, map_cap * sizeof *map);
			}
			for (uint32_t k = pos; k < copy_end; k++) {
				map[line.len] = k;
				lf_buf_putc(&line, (char)src.bytes[k]);
			}
			pos = next;
			if (!continued || pos >= src.len)
				break;
		}
		size_t len = before_comment(line.data ? line.data : "", line.len);
		if (len)
			requirement_line(d, path, &src, line.data, len, map, kind, constraint, depth);
	}
	free(map);
	lf_buf_finish(&line);
	lf_source_finish(&src);
}

/* ---- pyproject.toml ---------------------------------------------------- */

/* The release components of a Poetry operand ("2.1.3" -> 2, 1, 3). */
static unsigned poetry_release(const char *v, size_t n, uint64_t *out)
{
	lf_pep440_version parsed;
	if (!lf_pep440_version_parse(v, n, &parsed))
		return 0;
	memcpy(out, parsed.release, parsed.release_count * sizeof *out);
	return parsed.release_count;
}

/* ">=V,<U" with U the release bumped at `at` and cut after it. */
static void poetry_bounded(lf_buf *out, const char *v, size_t n, const uint64_t *r, unsigned count, unsigned at)
{
	lf_buf_printf(out, ">=%.*s,<", (int)n, v);
	for (unsigned i = 0; i <= at; i++)
		lf_buf_printf(out, "%s%llu", i ? "." : "", (unsigned long long)(i < count ? r[i] : 0) + (i == at));
}

/*
 * Poetry's constraint syntax as PEP 440, by poetry-core's rules: "^2.1" is
 * ">=2.1,<3", "^0.2.3" ">=0.2.3,<0.3", "~2.1" ">=2.1,<2.2", "~2" ">=2,<3",
 * "*" "", a bare "2.1" "==2.1"; PEP 440 operators and wildcards pass
 * through; clauses are separated by commas or blanks.  NULL for what is
 * not translated ("^2 || ^3": an alternative), which leaves the
 * requirement unparsed, i.e. unpinned.
 */
static char *poetry_specifier(const char *text)
{
	if (strstr(text, "||") || strchr(text, '|'))
		return NULL;
	lf_buf out;
	lf_buf_init(&out);
	lf_buf_puts(&out, "");
	const char *p = text;
	bool ok = true;
	while (ok && *p) {
		while (*p && (is_blank((unsigned char)*p) || *p == ','))
			p++;
		if (!*p)
			break;
		/* one clause: operator, optional blanks, operand */
		const char *op = p;
		while (*p && strchr("<>=!~^", *p))
			p++;
		size_t op_len = (size_t)(p - op);
		while (*p && is_blank((unsigned char)*p))
			p++;
		const char *v = p;
		while (*p && !is_blank((unsigned char)*p) && *p != ',')
			p++;
		size_t n = (size_t)(p - v);
		uint64_t r[LF_PEP440_MAX_RELEASE];
		unsigned count;
		if (op_len == 0 && n == 1 && *v == '*')
			continue; /* any version */
		if (out.len)
			lf_buf_putc(&out, ',');
		if (op_len == 1 && (*op == '^' || *op == '~') && (count = poetry_release(v, n, r)) > 0) {
			/* ~: bump the minor (the major when alone); ^: bump the
			 * first non-zero component (the last when all are zero) */
			unsigned at = 0;
			if (*op == '~') {
				at = count > 1 ? 1 : 0;
			} else {
				while (at < count && r[at] == 0)
					at++;
				if (at == count)
					at = count - 1;
			}
			poetry_bounded(&out, v, n, r, count, at);
		} else if (op_len == 0) {
			lf_buf_printf(&out, "==%.*s", (int)n, v);
		} else if ((*op == '^' || *op == '~') && !(op_len == 2 && op[1] == '=')) {
			ok = false;
		} else {
			lf_buf_printf(&out, "%.*s%.*s", (int)op_len, op, (int)n, v);
		}
	}
	if (!ok) {
		lf_buf_finish(&out);
		return NULL;
	}
	return lf_buf_steal(&out, NULL);
}

/* [tool.poetry.dependencies] torch = "^2.1" (or {version = ...}, or a list
 * of those), also dev-dependencies and group.<g>.dependencies: the group
 * or NULL when the path is not a Poetry torch version. */
static bool poetry_path(const char *const *path, size_t depth, const char **group)
{
	if (depth < 3 || strcmp(path[0], "tool") != 0 || strcmp(path[1], "poetry") != 0)
		return false;
	size_t name_at;
	if (strcmp(path[2], "dependencies") == 0)
		name_at = 3, *group = NULL;
	else if (strcmp(path[2], "dev-dependencies") == 0)
		name_at = 3, *group = "dev";
	else if (depth >= 5 && strcmp(path[2], "group") == 0 && strcmp(path[4], "dependencies") == 0)
		name_at = 5, *group = path[3];
	else
		return false;
	if (!(depth == name_at + 1 || (depth == name_at + 2 && strcmp(path[name_at + 1], "version") == 0)))
		return false;
	char *normal = lf_torchreq_normalize_name(path[name_at], strlen(path[name_at]));
	bool torch = strcmp(normal, "torch") == 0;
	free(normal);
	return torch;
}

typedef struct toml_visit {
	discovery *d;
	const char *path;
	const lf_source *src;
} toml_visit;

/* Pushes a requirement read from the TOML string at `offset` (its quote). */
static void push_toml(toml_visit *v, lf_torchreq *req, size_t offset, lf_torchreq_kind kind)
{
	/* The requirement starts after the opening quote (one or three). */
	const uint8_t *q = v->src->bytes + offset;
	size_t quote = offset + 3 <= v->src->len && q[1] == q[0] && q[2] == q[0] ? 3 : 1;
	uint32_t at = (uint32_t)(offset + quote);
	if (quote == 3 && at < v->src->len && v->src->bytes[at] == '\n')
		at++;
	/* Leading blanks inside the string are not part of the requirement. */
	while (at < v->src->len && (v->src->bytes[at] == ' ' || v->src->bytes[at] == '\t'))
		at++;
	push(v->d, req, v->path, v->src, at, kind);
}

static void pyproject_string(void *context, const char *const *path, size_t depth, const char *value, size_t offset)
{
	toml_visit *v = context;
	const char *group = NULL;
	/* [tool.setuptools.dynamic] dependencies = {file = [...]} and
	 * optional-dependencies.<extra> = {file = ...}: requirements files
	 * relative to pyproject.toml. */
	if (depth >= 5 && strcmp(path[0], "tool") == 0 && strcmp(path[1], "setuptools") == 0 &&
	    strcmp(path[2], "dynamic") == 0 && strcmp(path[depth - 1], "file") == 0 &&
	    ((depth == 5 && strcmp(path[3], "dependencies") == 0) ||
	     (depth == 6 && strcmp(path[3], "optional-dependencies") == 0))) {
		char *dir = dir_of(v->path);
		char *target = join_path(dir, value, strlen(value));
		read_requirements(v->d, target, LF_TORCHREQ_REQUIREMENTS, false, 1);
		free(target);
		free(dir);
		return;
	}
	if (poetry_path(path, depth, &group)) {
		lf_torchreq req;
		memset(&req, 0, sizeof req);
		lf_pep440_set_init(&req.set);
		req.text = lf_xstrdup(value);
		req.name = lf_xstrdup(path[strcmp(path[2], "group") == 0 ? 5 : 3]);
		req.group = group ? lf_xstrdup(group) : NULL;
		char *spec = poetry_specifier(value);
		if (spec)
			set_specifier(&req, spec);
		else
			req.specifier = lf_xstrdup(value), req.parsed = false;
		push_toml(v, &req, offset, LF_TORCHREQ_POETRY);
		return;
	}
	if (depth == 2 && strcmp(path[0], "project") == 0 && strcmp(path[1], "dependencies") == 0)
		group = NULL;
	else if (depth == 3 && strcmp(path[0], "project") == 0 && strcmp(path[1], "optional-dependencies") == 0)
		group = path[2];
	else if (depth == 2 && strcmp(path[0], "dependency-groups") == 0)
		group = path[1];
	else
		return;
	lf_torchreq req;
	if (!lf_torchreq_parse_pep508(value, strlen(value), &req))
		return;
	req.group = group ? lf_xstrdup(group) : NULL;
	push_toml(v, &req, offset, LF_TORCHREQ_PYPROJECT);
}

static void read_pyproject(discovery *d, const char *path)
{
	lf_source src;
	if (!read_file(d, path, &src, true))
		return;
	toml_visit v = {d, path, &src};
	char *error = NULL;
	if (!lf_config_visit_strings((const char *)src.bytes, src.len, pyproject_string, &v, &error))
		warn(d->list, "%s: %s", path, error);
	free(error);
	lf_source_finish(&src);
}

/* ---- setup.cfg --------------------------------------------------------- */

typedef struct cfg_piece {
	uint32_t start, end; /* one line's value text */
	bool continued;      /* on an indented continuation line */
} cfg_piece;

static bool key_is(const char *key, size_t n, const char *want)
{
	if (n != strlen(want))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = (char)tolower((unsigned char)key[i]);
		if (c == '-')
			c = '_';
		if (c != want[i])
			return false;
	}
	return true;
}

/* `file: a.txt, b.txt`: requirements files relative to setup.cfg. */
static void cfg_files(discovery *d, const char *path, const char *v, size_t n)
{
	char *dir = dir_of(path);
	const char *p = v + 5, *end = v + n;
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma ? comma : end;
		const char *name = p;
		size_t len = (size_t)(stop - p);
		trim(&name, &len);
		if (len) {
			char *target = join_path(dir, name, len);
			read_requirements(d, target, LF_TORCHREQ_REQUIREMENTS, false, 1);
			free(target);
		}
		p = stop + 1;
	}
	free(dir);
}

/*
 * One setuptools "list-semi" value of install_requires or an extra: split
 * on lines when it spans several, on ';' when it is one line (setuptools
 * does so, and warns that a marker there is split off).
 */
static void cfg_value(discovery *d, const char *path, const lf_source *src, const cfg_piece *pieces, size_t count,
                      const char *group)
{
	const char *text = (const char *)src->bytes;
	bool one_line = count == 1 && !pieces[0].continued;
	for (size_t i = 0; i < count; i++) {
		uint32_t s = pieces[i].start, e = pieces[i].end;
		if (e - s > 5 && strncmp(text + s, "file:", 5) == 0) {
			cfg_files(d, path, text + s, e - s);
			continue;
		}
		while (s < e) {
			uint32_t stop = e;
			const char *semi = one_line ? memchr(text + s, ';', e - s) : NULL;
			if (semi)
				stop = (uint32_t)(semi - text);
			uint32_t a = s, b = stop;
			while (a < b && is_blank((unsigned char)text[a]))
				a++;
			while (b > a && is_blank((unsigned char)text[b - 1]))
				b--;
			lf_torchreq req;
			if (b > a && text[a] != '#' && lf_torchreq_parse_pep508(text + a, b - a, &req)) {
				req.group = group ? lf_xstrdup(group) : NULL;
				push(d, &req, path, src, a, LF_TORCHREQ_SETUP_CFG);
			}
			s = stop + 1;
		}
	}
}

static void read_setup_cfg(discovery *d, const char *path)
{
	lf_source src;
	if (!read_file(d, path, &src, true))
		return;
	const char *text = (const char *)src.bytes;
	char section[128] = "";
	char group[128] = "";
	cfg_piece *pieces = NULL;
	size_t count = 0, cap = 0;
	bool collecting = false, extras = false;
	for (uint32_t l = 0; l <= src.line_count; l++) {
		bool last = l == src.line_count;
		uint32_t start = last ? src.len : src.line_starts[l];
		uint32_t end = last ? src.len : (l + 1 < src.line_count ? src.line_starts[l + 1] : src.len);
		while (end > start && (text[end - 1] == '\n' || text[end - 1] == '\r'))
			end--;
		uint32_t a = start;
		while (a < end && is_blank((unsigned char)text[a]))
			a++;
		bool blank = a == end;
		bool comment = !blank && (text[a] == '#' || text[a] == ';');
		bool continuation = !last && a > start && !blank;
		if (!last && (comment || (blank && collecting)))
			continue;
		if (collecting && continuation) {
			if (count == cap)
				cap = cap ? cap * 2 : 8, pieces = lf_xrealloc(pieces, cap * sizeof *pieces);
			uint32_t b = end;
			while (b > a && is_blank((unsigned char)text[b - 1]))
				b--;
			pieces[count++] = (cfg_piece){a, b, true};
			continue;
		}
		if (collecting) {
			cfg_value(d, path, &src, pieces, count, extras ? group : NULL);
			collecting = false;
			count = 0;
		}
		if (last || blank)
			continue;
		if (text[a] == '[') {
			const char *close = memchr(text + a, ']', end - a);
			size_t n = close ? (size_t)(close - (text + a + 1)) : 0;
			snprintf(section, sizeof section, "%.*s", (int)(n < sizeof section ? n : sizeof section - 1),
			         text + a + 1);
			continue;
		}
		const char *eq = NULL;
		for (uint32_t k = a; k < end; k++)
			if (text[k] == '=' || text[k] == ':') {
				eq = text + k;
				break;
			}
		if (!eq)
			continue;
		size_t key_len = (size_t)(eq - (text + a));
		while (key_len && is_blank((unsigned char)text[a + key_len - 1]))
			key_len--;
		bool install = strcmp(section, "options") == 0 && key_is(text + a, key_len, "install_requires");
		extras = strcmp(section, "options.extras_require") == 0;
		if (!install && !extras)
			continue;
		snprintf(group, sizeof group, "%.*s", (int)(key_len < sizeof group ? key_len : sizeof group - 1),
		         text + a);
		uint32_t v = (uint32_t)(eq + 1 - text);
		while (v < end && is_blank((unsigned char)text[v]))
			v++;
		uint32_t b = end;
		while (b > v && is_blank((unsigned char)text[b - 1]))
			b--;
		if (cap == 0)
			cap = 8, pieces = lf_xrealloc(pieces, cap * sizeof *pieces);
		count = 0;
		if (b > v)
			pieces[count++] = (cfg_piece){v, b, false};
		collecting = true;
	}
	free(pieces);
	lf_source_finish(&src);
}

/* ---- setup.py ------------------------------------------------------------ */

typedef struct py_context {
	discovery *d;
	const char *path;
	const lf_source *src;
	TSNode root;
} py_context;

static bool node_is(TSNode node, const char *type)
{
	return strcmp(ts_node_type(node), type) == 0;
}

static bool node_text_is(const py_context *c, TSNode node, const char *text)
{
	uint32_t s = ts_node_start_byte(node), e = ts_node_end_byte(node);
	return e - s == strlen(text) && memcmp(c->src->bytes + s, text, e - s) == 0;
}

/*
 * The value of a plain string literal (prefixes r/u only; f-strings and
 * bytes are not requirements), with the offset of its first character.
 * Escapes are kept as written: requirement strings have none that matter.
 * An implicit concatenation ("torch" ">=2") is joined.
 */
static char *py_string(const py_context *c, TSNode node, uint32_t *offset)
{
	if (node_is(node, "concatenated_string")) {
		lf_buf out;
		lf_buf_init(&out);
		bool ok = true, first = true;
		for (uint32_t i = 0; i < ts_node_named_child_count(node) && ok; i++) {
			uint32_t at;
			char *piece = py_string(c, ts_node_named_child(node, i), &at);
			ok = piece != NULL;
			if (ok && first)
				*offset = at, first = false;
			if (ok)
				lf_buf_puts(&out, piece);
			free(piece);
		}
		if (!ok) {
			lf_buf_finish(&out);
			return NULL;
		}
		return lf_buf_steal(&out, NULL);
	}
	if (!node_is(node, "string"))
		return NULL;
	const char *text = (const char *)c->src->bytes;
	uint32_t s = ts_node_start_byte(node), e = ts_node_end_byte(node);
	uint32_t p = s;
	while (p < e && isalpha((unsigned char)text[p])) {
		char k = (char)tolower((unsigned char)text[p]);
		if (k != 'r' && k != 'u')
			return NULL;
		p++;
	}
	if (p >= e)
		return NULL;
	uint32_t q = e - p >= 6 && text[p + 1] == text[p] && text[p + 2] == text[p] ? 3 : 1;
	if (e - p < 2 * q)
		return NULL;
	*offset = p + q;
	return lf_xstrndup(text + p + q, e - p - 2 * q);
}

/* A module-level NAME = [...] the keyword's value refers to. */
static TSNode py_resolve(const py_context *c, TSNode value)
{
	if (!node_is(value, "identifier"))
		return value;
	TSNode found = {0};
	for (uint32_t i = 0; i < ts_node_named_child_count(c->root); i++) {
		TSNode stmt = ts_node_named_child(c->root, i);
		if (!node_is(stmt, "expression_statement") || ts_node_named_child_count(stmt) == 0)
			continue;
		TSNode assign = ts_node_named_child(stmt, 0);
		if (!node_is(assign, "assignment"))
			continue;
		TSNode left = ts_node_child_by_field_name(assign, "left", 4);
		TSNode right = ts_node_child_by_field_name(assign, "right", 5);
		uint32_t vs = ts_node_start_byte(value), ve = ts_node_end_byte(value);
		uint32_t ls = ts_node_start_byte(left), le = ts_node_end_byte(left);
		if (!ts_node_is_null(right) && node_is(left, "identifier") && ve - vs == le - ls &&
		    memcmp(c->src->bytes + vs, c->src->bytes + ls, ve - vs) == 0)
			found = right; /* the last assignment wins, as at run time */
	}
	return ts_node_is_null(found) ? value : found;
}

static void py_list(const py_context *c, TSNode list, const char *group)
{
	list = py_resolve(c, list);
	if (!node_is(list, "list") && !node_is(list, "tuple"))
		return;
	for (uint32_t i = 0; i < ts_node_named_child_count(list); i++) {
		uint32_t at = 0;
		char *value = py_string(c, ts_node_named_child(list, i), &at);
		lf_torchreq req;
		if (value && lf_torchreq_parse_pep508(value, strlen(value), &req)) {
			req.group = group ? lf_xstrdup(group) : NULL;
			while (at < c->src->len && (c->src->bytes[at] == ' ' || c->src->bytes[at] == '\t'))
				at++;
			push(c->d, &req, c->path, c->src, at, LF_TORCHREQ_SETUP_PY);
		}
		free(value);
	}
}

static void py_keyword(const py_context *c, TSNode kw)
{
	TSNode name = ts_node_child_by_field_name(kw, "name", 4);
	TSNode value = ts_node_child_by_field_name(kw, "value", 5);
	if (ts_node_is_null(name) || ts_node_is_null(value))
		return;
	if (node_text_is(c, name, "install_requires")) {
		py_list(c, value, NULL);
	} else if (node_text_is(c, name, "extras_require")) {
		value = py_resolve(c, value);
		if (!node_is(value, "dictionary"))
			return;
		for (uint32_t i = 0; i < ts_node_named_child_count(value); i++) {
			TSNode pair = ts_node_named_child(value, i);
			if (!node_is(pair, "pair"))
				continue;
			uint32_t at;
			char *key = py_string(c, ts_node_child_by_field_name(pair, "key", 3), &at);
			py_list(c, ts_node_child_by_field_name(pair, "value", 5), key);
			free(key);
		}
	}
}

static void read_setup_py(discovery *d, const char *path)
{
	lf_source src;
	if (!read_file(d, path, &src, true))
		return;
	lf_parser *parser = lf_parser_create();
	TSTree *tree = parser ? lf_parser_parse(parser, src.bytes, src.len) : NULL;
	if (!tree) {
		warn(d->list, "%s: could not be parsed", path);
	} else {
		py_context c = {d, path, &src, ts_tree_root_node(tree)};
		/* Iterative walk: hostile nesting cannot exhaust the stack. */
		TSTreeCursor cursor = ts_tree_cursor_new(c.root);
		for (;;) {
			TSNode node = ts_tree_cursor_current_node(&cursor);
			if (node_is(node, "keyword_argument"))
				py_keyword(&c, node);
			if (ts_tree_cursor_goto_first_child(&cursor))
				continue;
			while (!ts_tree_cursor_goto_next_sibling(&cursor))
				if (!ts_tree_cursor_goto_parent(&cursor))
					goto done;
		}
	done:
		ts_tree_cursor_delete(&cursor);
		ts_tree_delete(tree);
	}
	lf_parser_destroy(parser);
	lf_source_finish(&src);
}

/* ---- environment.yml ----------------------------------------------------- */

/* A YAML plain or quoted scalar on one line, comment removed. */
static void yaml_scalar(const char *text, uint32_t *a, uint32_t *b)
{
	if (*a < *b && (text[*a] == '"' || text[*a] == '\'')) {
		const char *close = memchr(text + *a + 1, text[*a], *b - *a - 1);
		if (close) {
			*b = (uint32_t)(close - text);
			(*a)++;
			return;
		}
	}
	for (uint32_t k = *a; k < *b; k++)
		if (text[k] == '#' && (k == *a || is_blank((unsigned char)text[k - 1]))) {
			*b = k;
			break;
		}
	while (*b > *a && is_blank((unsigned char)text[*b - 1]))
		(*b)--;
}

static void read_environment(discovery *d, const char *path)
{
	lf_source src;
	if (!read_file(d, path, &src, true))
		return;
	const char *text = (const char *)src.bytes;
	bool in_deps = false, in_pip = false;
	long item_indent = -1, pip_indent = -1;
	uint32_t *map = NULL;
	for (uint32_t l = 0; l < src.line_count; l++) {
		uint32_t start = src.line_starts[l];
		uint32_t end = l + 1 < src.line_count ? src.line_starts[l + 1] : src.len;
		while (end > start && (text[end - 1] == '\n' || text[end - 1] == '\r'))
			end--;
		uint32_t a = start;
		while (a < end && (text[a] == ' ' || text[a] == '\t'))
			a++;
		if (a == end || text[a] == '#')
			continue;
		long indent = (long)(a - start);
		if (indent == 0 && text[a] != '-') {
			in_deps = end - a >= 13 && memcmp(text + a, "dependencies:", 13) == 0;
			in_pip = false, item_indent = -1;
			continue;
		}
		if (!in_deps || text[a] != '-' || a + 1 >= end || !is_blank((unsigned char)text[a + 1]))
			continue;
		uint32_t v = a + 1;
		while (v < end && is_blank((unsigned char)text[v]))
			v++;
		uint32_t b = end;
		if (in_pip && indent > item_indent) {
			if (pip_indent < 0)
				pip_indent = indent;
			yaml_scalar(text, &v, &b);
			map = lf_xrealloc(map, (b - v + 1) * sizeof *map);
			for (uint32_t k = v; k < b; k++)
				map[k - v] = k;
			size_t len = before_comment(text + v, b - v);
			requirement_line(d, path, &src, text + v, len, map, LF_TORCHREQ_CONDA_PIP, false, 1);
			continue;
		}
		if (item_indent < 0)
			item_indent = indent;
		if (indent != item_indent)
			continue;
		in_pip = false;
		yaml_scalar(text, &v, &b);
		if (b - v >= 4 && memcmp(text + v, "pip:", 4) == 0) {
			in_pip = true, pip_indent = -1;
			continue;
		}
		lf_torchreq req;
		if (lf_torchreq_parse_conda(text + v, b - v, &req))
			push(d, &req, path, &src, v, LF_TORCHREQ_CONDA);
	}
	free(map);
	lf_source_finish(&src);
}

/* ---- discovery ------------------------------------------------------------ */

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of regular files in dir matching the requirements pattern. */
static void requirements_in(const char *dir, bool any_txt, char ***names, size_t *count)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return;
	struct dirent *e;
	while ((e = readdir(dp))) {
		size_t n = strlen(e->d_name);
		bool txt = n > 4 && strcmp(e->d_name + n - 4, ".txt") == 0;
		bool match = txt && (any_txt || strncmp(e->d_name, "requirements", 12) == 0);
		if (!match)
			continue;
		*names = lf_xrealloc(*names, (*count + 1) * sizeof **names);
		(*names)[(*count)++] = lf_xasprintf("%s/%s", dir, e->d_name);
	}
	closedir(dp);
	if (*count > 1) /* qsort(NULL, 0, ...) is undefined */
		qsort(*names, *count, sizeof **names, compare_names);
}

void lf_torchreq_discover(const char *root, lf_torchreq_list *list)
{
	discovery d = {.list = list};
	char *path = lf_xasprintf("%s/pyproject.toml", root);
	read_pyproject(&d, path);
	free(path);
	path = lf_xasprintf("%s/setup.cfg", root);
	read_setup_cfg(&d, path);
	free(path);
	path = lf_xasprintf("%s/setup.py", root);
	read_setup_py(&d, path);
	free(path);
	char **names = NULL;
	size_t count = 0;
	requirements_in(root, false, &names, &count);
	char *subdir = lf_xasprintf("%s/requirements", root);
	requirements_in(subdir, true, &names, &count);
	free(subdir);
	for (size_t i = 0; i < count; i++) {
		read_requirements(&d, names[i], LF_TORCHREQ_REQUIREMENTS, false, 0);
		free(names[i]);
	}
	free(names);
	const char *envs[] = {"environment.yml", "environment.yaml"};
	for (size_t i = 0; i < 2; i++) {
		path = lf_xasprintf("%s/%s", root, envs[i]);
		read_environment(&d, path);
		free(path);
	}
	for (size_t i = 0; i < d.visited_count; i++)
		free(d.visited[i]);
	free(d.visited);
}
