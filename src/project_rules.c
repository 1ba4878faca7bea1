/*
 * LF006 and LF008: the checks made once per run on the project's
 * non-Python files; see loadfix/project_rules.h.
 */
#include "loadfix/project_rules.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "loadfix/buf.h"
#include "loadfix/report.h"
#include "loadfix/rules.h"
#include "loadfix/targets.h"
#include "loadfix/suppress.h"
#include "loadfix/walk.h"

#define ESCAPE_HATCH LF_TORCH_ESCAPE_HATCH
#define ESCAPE_HATCH_LEN (sizeof ESCAPE_HATCH - 1)
/* Directories below the root that LF006 looks into (a bound against
 * pathological trees; real projects are far inside). */
#define MAX_DEPTH 32

/* ---- the root ------------------------------------------------------------- */

static bool is_directory(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The directory part of `path` ("." for a bare name), lexically. */
static char *parent_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return lf_xstrdup(".");
	if (slash == path)
		return lf_xstrdup("/");
	return lf_xasprintf("%.*s", (int)(slash - path), path);
}

static char *find_root(const char *first)
{
	char *start = is_directory(first) ? lf_xstrdup(first) : parent_of(first);
	/* Lexically upwards: "a/b" -> "a" -> "."; "/x/y" -> "/x" -> "/". */
	char *dir = lf_xstrdup(start);
	for (;;) {
		char *candidate = lf_xasprintf("%s/pyproject.toml", dir);
		bool found = is_file(candidate);
		free(candidate);
		if (found) {
			free(start);
			return dir;
		}
		if (strcmp(dir, ".") == 0 || strcmp(dir, "/") == 0 || strcmp(dir, "..") == 0 ||
		    (strlen(dir) >= 3 && strcmp(dir + strlen(dir) - 3, "/..") == 0))
			break;
		char *up = parent_of(dir);
		free(dir);
		dir = up;
	}
	free(dir);
	return start;
}

/* "./x" -> "x": paths as the walk shows them. */
static const char *shown(const char *path)
{
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	return path;
}

void lf_project_rules_init(lf_project_rules *project, const lf_settings *settings, const char *first_path)
{
	memset(project, 0, sizeof *project);
	project->root = find_root(first_path ? first_path : ".");
	lf_torchreq_list_init(&project->requirements);
	if (settings->config.target_torch_version) {
		lf_torch_versions_from_version(settings->config.target_torch_version, &project->versions);
		return;
	}
	lf_torchreq_discover(project->root, &project->requirements);
	lf_torch_versions_from_list(&project->requirements, &project->versions);
}

void lf_project_rules_finish(lf_project_rules *project)
{
	for (size_t i = 0; i < project->file_count; i++) {
		free(project->files[i].path);
		lf_doc_finish(&project->files[i].doc);
	}
	free(project->files);
	lf_torchreq_list_finish(&project->requirements);
	free(project->root);
	memset(project, 0, sizeof *project);
}

/* ---- findings ------------------------------------------------------------- */

/* The document for `path`, read on first use; NULL when it cannot be read
 * (discovery already read it, so this is a race we ignore). */
static lf_doc *doc_for(lf_project_rules *project, const char *path)
{
	const char *name = shown(path);
	for (size_t i = 0; i < project->file_count; i++)
		if (strcmp(project->files[i].path, name) == 0)
			return &project->files[i].doc;
	lf_source src;
	char *error = NULL;
	if (!lf_source_read(&src, path, UINT32_MAX - 1, &error)) {
		free(error);
		return NULL;
	}
	project->files = lf_xrealloc(project->files, (project->file_count + 1) * sizeof *project->files);
	lf_project_rules_file *f = &project->files[project->file_count++];
	f->path = lf_xstrdup(name);
	lf_doc_init(&f->doc);
	f->doc.original = src;
	return &f->doc;
}

/* Byte offset of 1-based `line`, `column` (in characters). */
static uint32_t offset_of(const lf_source *src, uint32_t line, uint32_t column)
{
	if (line == 0 || line > src->line_count)
		return 0;
	uint32_t at = src->line_starts[line - 1];
	for (uint32_t c = 1; c < column && at < src->len && src->bytes[at] != '\n' && src->bytes[at] != '\r'; c++) {
		size_t n = lf_utf8_valid_length(src->bytes + at, src->len - at);
		at += n ? (uint32_t)n : 1;
	}
	return at;
}

static uint32_t line_end(const lf_source *src, uint32_t offset)
{
	while (offset < src->len && src->bytes[offset] != '\n' && src->bytes[offset] != '\r')
		offset++;
	return offset;
}

/* A `# noqa` on the finding's line: these files' comments start with '#'
 * at the line's start or after a blank (a '#' inside a quoted value may be
 * taken for one: a false suppression only where someone wrote noqa). */
static bool suppressed(const lf_source *src, uint32_t offset, const char *code)
{
	uint32_t at = lf_source_line_start(src, offset), end = line_end(src, offset);
	for (uint32_t i = at; i < end; i++)
		if (src->bytes[i] == '#' && (i == at || src->bytes[i - 1] == ' ' || src->bytes[i - 1] == '\t'))
			return lf_comment_suppresses(src->bytes + i, end - i, code);
	return false;
}

/* Adds a finding unless the rule is off for the file or suppressed there;
 * takes `message`. */
static void report(lf_project_rules *project, const lf_settings *settings, const char *path, const lf_rule *rule,
                   uint32_t line, uint32_t column, uint32_t length, char *message)
{
	lf_check_options options;
	lf_settings_for_file(settings, shown(path), &options);
	lf_doc *doc = options.enabled[lf_rule_index(rule)] ? doc_for(project, path) : NULL;
	if (!doc) {
		free(message);
		return;
	}
	uint32_t start = offset_of(&doc->original, line, column);
	uint32_t end = length ? start + length : line_end(&doc->original, start);
	if (end > line_end(&doc->original, start))
		end = line_end(&doc->original, start);
	if (suppressed(&doc->original, start, rule->code)) {
		free(message);
		return;
	}
	lf_diags_push(&doc->diags, rule, start, end, message, NULL);
}

static char *join(const char *dir, const char *name);

/* ---- LF008 ----------------------------------------------------------------- */

/* What each vulnerability makes of weights_only=True, for the message. */
static const char *consequence(lf_advisory_id id)
{
	switch (id) {
	case LF_ADVISORY_CVE_2025_32434: return "weights_only=True can be bypassed to run code";
	case LF_ADVISORY_CVE_2026_24747: return "the weights-only unpickler has memory-safety bugs";
	default: return lf_advisory_get(id)->summary;
	}
}

/*
 * "`torch>=2.0,<3` admits 2.0, where weights_only=True can be bypassed to
 * run code (CVE-2025-32434, fixed in 2.6.0) and the weights-only unpickler
 * has memory-safety bugs (CVE-2026-24747, fixed in 2.10.0); require
 * torch>=2.10.0".  The witness is the first admitted vulnerability's: the
 * table's ranges all start at the first release, so it lies in each later
 * one's range too.  NULL when nothing is admitted.
 */
static char *vulnerability_message(const char *what, bool unpinned, const lf_advisory_verdict *verdict)
{
	lf_buf out;
	lf_buf_init(&out);
	const char *latest_fix = NULL;
	bool first = true;
	for (int id = 0; id < LF_ADVISORY_COUNT; id++) {
		const lf_advisory *a = lf_advisory_get((lf_advisory_id)id);
		if (!a->vulnerability || !lf_advisory_admitted(verdict, (lf_advisory_id)id))
			continue;
		if (first) {
			if (unpinned)
				lf_buf_printf(&out, "%s pins no version, so it admits releases before %s, where ", what,
				              a->fixed);
			else if (verdict->admission[id] == LF_PEP440_ADMITS_WITNESS) {
				char version[128];
				lf_pep440_version_format(&verdict->witness[id], version, sizeof version);
				lf_buf_printf(&out, "%s admits %s, where ", what, version);
			} else
				lf_buf_printf(&out, "%s may admit a release before %s, where ", what, a->fixed);
		} else
			lf_buf_puts(&out, " and ");
		lf_buf_printf(&out, "%s (%s, fixed in %s)", consequence((lf_advisory_id)id), a->name, a->fixed);
		latest_fix = a->fixed;
		first = false;
	}
	if (first) {
		lf_buf_finish(&out);
		return NULL;
	}
	lf_buf_printf(&out, "; require torch>=%s", latest_fix);
	return lf_buf_steal(&out, NULL);
}

/* target-torch-version: reported on its own line of the config file. */
static void check_target(lf_project_rules *project, const lf_settings *settings)
{
	const char *version = settings->config.target_torch_version;
	lf_advisory_verdict verdict;
	if (!settings->config.path || !lf_advisory_check_version(version, strlen(version), &verdict))
		return;
	char *what = lf_xasprintf("target-torch-version = \"%s\"", version);
	char *message = vulnerability_message(what, false, &verdict);
	free(what);
	if (!message)
		return;
	/* The key's line: the first line that starts with it. */
	lf_source src;
	char *error = NULL;
	uint32_t line = 0, column = 1;
	if (lf_source_read(&src, settings->config.path, UINT32_MAX - 1, &error)) {
		for (uint32_t i = 0; i < src.line_count && !line; i++) {
			uint32_t at = src.line_starts[i];
			while (at < src.len && (src.bytes[at] == ' ' || src.bytes[at] == '\t'))
				at++;
			if (src.len - at >= 20 && memcmp(src.bytes + at, "target-torch-version", 20) == 0) {
				line = i + 1;
				column = lf_source_column_of(&src, at);
			}
		}
		lf_source_finish(&src);
	}
	free(error);
	if (!line) {
		free(message);
		return;
	}
	/* Shown from the root, as the other files are, when it is the root's. */
	char *root = realpath(project->root, NULL), *dir = realpath(settings->config.directory, NULL);
	const char *base = strrchr(settings->config.path, '/');
	char *path = root && dir && strcmp(root, dir) == 0
	                     ? join(project->root, base ? base + 1 : settings->config.path)
	                     : lf_xstrdup(settings->config.path);
	report(project, settings, path, lf_rule_find("LF008"), line, column, 0, message);
	free(path);
	free(root);
	free(dir);
}

static void check_requirements(lf_project_rules *project, const lf_settings *settings)
{
	if (settings->config.target_torch_version) {
		check_target(project, settings);
		return;
	}
	const lf_torchreq_list *list = &project->requirements;
	for (size_t i = 0; i < list->count; i++) {
		const lf_torchreq *req = &list->items[i];
		lf_advisory_verdict verdict;
		lf_advisory_check_listed(list, i, &verdict);
		char *what = lf_xasprintf("`%s`", req->text);
		bool unpinned = !req->parsed || !req->set.count;
		/* A -c constraint that pins nothing narrows nothing: the
		 * requirements it constrains are reported themselves. */
		char *message = req->constraint && unpinned ? NULL : vulnerability_message(what, unpinned, &verdict);
		free(what);
		if (message)
			report(project, settings, req->path, lf_rule_find("LF008"), req->line, req->column,
			       (uint32_t)strlen(req->text), message);
	}
}

/* ---- LF006 ----------------------------------------------------------------- */

/*
 * PyTorch's test, as torch/serialization.py writes it: Debian's 1.13
 * (/usr/lib/python3/dist-packages/torch/serialization.py, torch.load) has
 * only the opposite variable,
 *     if os.getenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "0").lower() in ['1', 'y', 'yes', 'true']:
 * and no TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD at all; 2.x reads both with the
 * same list of true values (`true_values = ["1", "y", "yes", "true"]`).
 * Compared case-insensitively, as 1.13 does: erring towards a report.
 */
bool lf_project_rules_env_true(const char *value, size_t len)
{
	static const char *const true_values[] = {"1", "y", "yes", "true"};
	for (size_t i = 0; i < sizeof true_values / sizeof true_values[0]; i++)
		if (strlen(true_values[i]) == len && strncasecmp(value, true_values[i], len) == 0)
			return true;
	return false;
}

static bool is_name_char(uint8_t c)
{
	return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* A value at p (up to end): quoted ('...' or "...") or a bare word. */
static void read_value(const uint8_t *p, const uint8_t *end, const uint8_t **value, size_t *len, const uint8_t **after)
{
	if (p < end && (*p == '"' || *p == '\'')) {
		uint8_t quote = *p++;
		const uint8_t *close = memchr(p, quote, (size_t)(end - p));
		*value = p;
		*len = (size_t)((close ? close : end) - p);
		*after = close ? close + 1 : end;
		return;
	}
	const uint8_t *q = p;
	while (q < end && *q != ' ' && *q != '\t' && *q != ';' && *q != '&' && *q != '|' && *q != ')' && *q != '#' &&
	       *q != '\\')
		q++;
	*value = p;
	*len = (size_t)(q - p);
	*after = q;
}

static void report_hatch(lf_project_rules *project, const lf_settings *settings, const char *path, const lf_source *src,
                         uint32_t offset, uint32_t length, const char *how)
{
	char *message = lf_xasprintf("%s sets " ESCAPE_HATCH ", which makes every torch.load that does not pass "
	                             "weights_only unpickle anything: crafted checkpoints run code again",
	                             how);
	report(project, settings, path, lf_rule_find("LF006"), lf_source_line_of(src, offset) + 1,
	       lf_source_column_of(src, offset), length, message);
}

/* `VAR=value` anywhere on a shell line (export VAR=1, VAR=1 cmd, env
 * VAR=1 cmd, declare -x VAR=1, a Dockerfile's ENV VAR=1 or RUN ...), up to
 * a comment. */
static void scan_shell_line(lf_project_rules *project, const lf_settings *settings, const char *path,
                            const lf_source *src, uint32_t at, uint32_t end, const char *how)
{
	const uint8_t *b = src->bytes;
	for (uint32_t i = at; i + ESCAPE_HATCH_LEN < end; i++) {
		if (b[i] == '#' && (i == at || b[i - 1] == ' ' || b[i - 1] == '\t'))
			return;
		if (memcmp(b + i, ESCAPE_HATCH, ESCAPE_HATCH_LEN) != 0 || b[i + ESCAPE_HATCH_LEN] != '=' ||
		    (i > at && (is_name_char(b[i - 1]) || b[i - 1] == '$')))
			continue;
		const uint8_t *value, *after;
		size_t len;
		read_value(b + i + ESCAPE_HATCH_LEN + 1, b + end, &value, &len, &after);
		if (lf_project_rules_env_true((const char *)value, len))
			report_hatch(project, settings, path, src, i, (uint32_t)(after - (b + i)), how);
		i += ESCAPE_HATCH_LEN;
	}
}

static uint32_t skip_blanks(const lf_source *src, uint32_t at, uint32_t end)
{
	while (at < end && (src->bytes[at] == ' ' || src->bytes[at] == '\t'))
		at++;
	return at;
}

static void scan_shell(lf_project_rules *project, const lf_settings *settings, const char *path, const lf_source *src,
                       const char *how)
{
	for (uint32_t l = 0; l < src->line_count; l++) {
		uint32_t at = src->line_starts[l], end = line_end(src, at);
		scan_shell_line(project, settings, path, src, at, end, how);
	}
}

/* Dockerfiles: `ENV VAR=1 [OTHER=2]` and RUN lines are shell-like; the
 * legacy `ENV VAR 1` (the rest of the line is the value) is read here. */
static void scan_dockerfile(lf_project_rules *project, const lf_settings *settings, const char *path,
                            const lf_source *src)
{
	scan_shell(project, settings, path, src, "the Dockerfile");
	for (uint32_t l = 0; l < src->line_count; l++) {
		uint32_t at = skip_blanks(src, src->line_starts[l], line_end(src, src->line_starts[l]));
		uint32_t end = line_end(src, at);
		if (end - at < 4 || strncasecmp((const char *)src->bytes + at, "ENV", 3) != 0 ||
		    (src->bytes[at + 3] != ' ' && src->bytes[at + 3] != '\t'))
			continue;
		uint32_t name = skip_blanks(src, at + 3, end);
		uint32_t after = name + (uint32_t)ESCAPE_HATCH_LEN;
		if (after >= end || memcmp(src->bytes + name, ESCAPE_HATCH, ESCAPE_HATCH_LEN) != 0 ||
		    (src->bytes[after] != ' ' && src->bytes[after] != '\t'))
			continue;
		uint32_t v = skip_blanks(src, after, end), e = end;
		while (e > v && (src->bytes[e - 1] == ' ' || src->bytes[e - 1] == '\t'))
			e--;
		const uint8_t *value = src->bytes + v, *rest;
		size_t len = e - v;
		if (len && (*value == '"' || *value == '\''))
			read_value(value, src->bytes + e, &value, &len, &rest);
		if (lf_project_rules_env_true((const char *)value, len))
			report_hatch(project, settings, path, src, name, e - name, "the Dockerfile");
	}
}

/* The indentation of the line at `at` (spaces), or -1 for a blank or
 * comment line. */
static int indent_of(const lf_source *src, uint32_t at)
{
	uint32_t end = line_end(src, at), p = skip_blanks(src, at, end);
	return p == end || src->bytes[p] == '#' ? -1 : (int)(p - at);
}

/* GitHub workflows: `VAR: 1` directly under an `env:` key (workflow, job
 * or step level); `run:` scripts are scanned as shell lines. */
static void scan_workflow(lf_project_rules *project, const lf_settings *settings, const char *path,
                          const lf_source *src)
{
	scan_shell(project, settings, path, src, "the workflow");
	const uint8_t *b = src->bytes;
	for (uint32_t l = 0; l < src->line_count; l++) {
		uint32_t start = src->line_starts[l], end = line_end(src, start);
		uint32_t key = skip_blanks(src, start, end);
		uint32_t k = key;
		bool quoted = k < end && (b[k] == '"' || b[k] == '\'');
		k += quoted;
		if (end - k < ESCAPE_HATCH_LEN || memcmp(b + k, ESCAPE_HATCH, ESCAPE_HATCH_LEN) != 0)
			continue;
		k += ESCAPE_HATCH_LEN + quoted;
		k = skip_blanks(src, k, end);
		if (k >= end || b[k] != ':')
			continue;
		uint32_t v = skip_blanks(src, k + 1, end);
		const uint8_t *value, *after;
		size_t len;
		read_value(b + v, b + end, &value, &len, &after);
		if (!lf_project_rules_env_true((const char *)value, len))
			continue;
		/* The enclosing key: the nearest line above that is indented less. */
		int indent = (int)(key - start);
		bool under_env = false;
		for (uint32_t up = l; up-- > 0;) {
			int i = indent_of(src, src->line_starts[up]);
			if (i < 0 || i >= indent)
				continue;
			uint32_t p = src->line_starts[up] + (uint32_t)i, e = line_end(src, p);
			if (e - p >= 2 && b[p] == '-' && b[p + 1] == ' ')
				p = skip_blanks(src, p + 2, e);
			while (e > p && (b[e - 1] == ' ' || b[e - 1] == '\t'))
				e--;
			under_env = e - p == 4 && memcmp(b + p, "env:", 4) == 0;
			break;
		}
		if (under_env)
			report_hatch(project, settings, path, src, key, (uint32_t)(after - (b + key)), "the workflow");
	}
}

typedef enum file_kind { KIND_NONE, KIND_DOCKERFILE, KIND_SHELL, KIND_DOTENV, KIND_WORKFLOW } file_kind;

static bool ends_with(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);
	return n >= s && strcasecmp(name + n - s, suffix) == 0;
}

/* Which files LF006 reads, by name (README, "LF006 outside Python"). */
static file_kind kind_of(const char *name)
{
	if (strncasecmp(name, "Dockerfile", 10) == 0 || ends_with(name, ".dockerfile"))
		return KIND_DOCKERFILE;
	if (ends_with(name, ".sh") || ends_with(name, ".bash"))
		return KIND_SHELL;
	if (strcmp(name, ".env") == 0 || ends_with(name, ".env"))
		return KIND_DOTENV;
	return KIND_NONE;
}

static bool names_hatch(const lf_source *src)
{
	for (uint32_t i = 0; i + ESCAPE_HATCH_LEN <= src->len; i++)
		if (src->bytes[i] == 'T' && memcmp(src->bytes + i, ESCAPE_HATCH, ESCAPE_HATCH_LEN) == 0)
			return true;
	return false;
}

static void scan_file(lf_project_rules *project, const lf_settings *settings, const char *path, file_kind kind)
{
	lf_source src;
	char *error = NULL;
	if (!lf_source_read(&src, path, settings->max_file_size, &error)) {
		free(error);
		return;
	}
	/* Cheap test first: most files never name the variable. */
	if (names_hatch(&src)) {
		switch (kind) {
		case KIND_DOCKERFILE: scan_dockerfile(project, settings, path, &src); break;
		case KIND_SHELL: scan_shell(project, settings, path, &src, "the shell script"); break;
		case KIND_DOTENV: scan_shell(project, settings, path, &src, "the .env file"); break;
		case KIND_WORKFLOW: scan_workflow(project, settings, path, &src); break;
		case KIND_NONE: break;
		}
	}
	lf_source_finish(&src);
}

static bool excluded(const lf_settings *settings, const char *path)
{
	const char *base = settings->config.directory;
	size_t defaults = 0;
	while (lf_walk_default_excludes[defaults])
		defaults++;
	if (settings->has_exclude ? lf_walk_path_excluded(path, (const char *const *)settings->exclude.items,
	                                                  settings->exclude.count, base)
	                          : lf_walk_path_excluded(path, lf_walk_default_excludes, defaults, base))
		return true;
	return lf_walk_path_excluded(path, (const char *const *)settings->extend_exclude.items,
	                             settings->extend_exclude.count, base);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted entries of a directory (caller frees each and the array). */
static char **list_dir(const char *dir, size_t *count)
{
	*count = 0;
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	char **names = NULL;
	size_t cap = 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (*count == cap)
			names = lf_xrealloc(names, (cap = cap ? cap * 2 : 16) * sizeof *names);
		names[(*count)++] = lf_xstrdup(e->d_name);
	}
	closedir(d);
	if (*count)
		qsort(names, *count, sizeof *names, compare_names);
	return names;
}

static char *join(const char *dir, const char *name)
{
	return strcmp(dir, ".") == 0 ? lf_xstrdup(name) : lf_xasprintf("%s/%s", dir, name);
}

/* Directories are never followed through symbolic links; hidden ones and
 * excluded ones are skipped (the walk's rules), and so are virtualenvs. */
static void scan_dir(lf_project_rules *project, const lf_settings *settings, const char *dir, int depth)
{
	size_t count;
	char **names = list_dir(dir, &count);
	for (size_t i = 0; i < count; i++) {
		char *path = join(dir, names[i]);
		struct stat st;
		if (lstat(path, &st) == 0) {
			file_kind kind = kind_of(names[i]);
			if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH && names[i][0] != '.' &&
			    !excluded(settings, path)) {
				char *venv = lf_xasprintf("%s/pyvenv.cfg", path);
				if (!is_file(venv))
					scan_dir(project, settings, path, depth + 1);
				free(venv);
			} else if (S_ISREG(st.st_mode) && kind != KIND_NONE)
				scan_file(project, settings, path, kind);
		}
		free(path);
		free(names[i]);
	}
	free(names);
}

/* .github/workflows/ *.yml and *.yaml at the root (hidden, so not walked). */
static void scan_workflows(lf_project_rules *project, const lf_settings *settings)
{
	char *dir = join(project->root, ".github/workflows");
	size_t count;
	char **names = list_dir(dir, &count);
	for (size_t i = 0; i < count; i++) {
		char *path = lf_xasprintf("%s/%s", dir, names[i]);
		struct stat st;
		if ((ends_with(names[i], ".yml") || ends_with(names[i], ".yaml")) && lstat(path, &st) == 0 &&
		    S_ISREG(st.st_mode))
			scan_file(project, settings, path, KIND_WORKFLOW);
		free(path);
		free(names[i]);
	}
	free(names);
	free(dir);
}

static int compare_files(const void *a, const void *b)
{
	return strcmp(((const lf_project_rules_file *)a)->path, ((const lf_project_rules_file *)b)->path);
}

/* Findings in file order (the scans above run one after another). */
static int compare_diags(const void *a, const void *b)
{
	const lf_diag *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return strcmp(x->rule->code, y->rule->code);
}

void lf_project_rules_check(lf_project_rules *project, const lf_settings *settings)
{
	/* Files that are not there are the common case here: keep the errno
	 * of a failed write to stdout, which main reports. */
	int saved_errno = errno;
	if (settings->check.enabled[lf_rule_index(lf_rule_find("LF008"))])
		check_requirements(project, settings);
	if (settings->check.enabled[lf_rule_index(lf_rule_find("LF006"))]) {
		scan_dir(project, settings, project->root, 0);
		scan_workflows(project, settings);
	}
	if (project->file_count > 1)
		qsort(project->files, project->file_count, sizeof *project->files, compare_files);
	for (size_t i = 0; i < project->file_count; i++)
		if (project->files[i].doc.diags.count > 1)
			qsort(project->files[i].doc.diags.items, project->files[i].doc.diags.count, sizeof(lf_diag),
			      compare_diags);
	errno = saved_errno;
}

void lf_project_rules_emit(const lf_project_rules *project, const lf_settings *settings, lf_run_totals *totals)
{
	for (size_t i = 0; i < project->file_count; i++) {
		const lf_project_rules_file *f = &project->files[i];
		if (!f->doc.diags.count)
			continue;
		lf_check_options options;
		lf_settings_for_file(settings, f->path, &options);
		lf_file_report report;
		memset(&report, 0, sizeof report);
		char *display = lf_display_path(f->path);
		lf_print_findings(settings, &options, &f->doc, f->path, display, NULL, false, &report);
		lf_totals_add(totals, &report, stdout, stderr);
		lf_file_report_finish(&report);
		free(display);
	}
}
