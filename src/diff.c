#include "loadfix/diff.h"

#include <git2.h>
#include <string.h>

static bool initialized;

void lf_diff_init(void)
{
	if (!initialized)
		git_libgit2_init();
	initialized = true;
}

void lf_diff_shutdown(void)
{
	if (initialized)
		git_libgit2_shutdown();
	initialized = false;
}

/*
 * Copies the patch, adding what git adds and libgit2 does not: a tab after
 * a `---`/`+++` file name that contains a space.  GNU patch takes the name
 * to end at the first tab (or whitespace, without one), so without it
 * `patch -p1` cannot find "a file.py".  Only header lines, before the first
 * hunk, are touched.
 */
static void append_with_header_tabs(lf_buf *out, const char *text, size_t len)
{
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		const char *line = text + pos;
		size_t line_len = end - pos;
		if (line_len >= 2 && memcmp(line, "@@", 2) == 0) {
			lf_buf_append(out, line, len - pos); /* the hunks: verbatim */
			return;
		}
		lf_buf_append(out, line, line_len);
		bool header = line_len > 4 && (memcmp(line, "--- ", 4) == 0 || memcmp(line, "+++ ", 4) == 0);
		if (header && memchr(line + 4, ' ', line_len - 4) && line[line_len - 1] != '\t')
			lf_buf_putc(out, '\t');
		if (nl)
			lf_buf_putc(out, '\n');
		pos = end + 1;
	}
}

bool lf_diff_append(lf_buf *out, const char *path, const uint8_t *old, uint32_t old_len, const uint8_t *new,
                    uint32_t new_len)
{
	git_diff_options options;
	git_diff_options_init(&options, GIT_DIFF_OPTIONS_VERSION);
	/* Python files are text even with a stray NUL or invalid UTF-8. */
	options.flags |= GIT_DIFF_FORCE_TEXT;
	options.context_lines = 3;
	/* `a/./x.py` is the path as walked from ".", but git apply refuses a
	 * "." component: name the file without the leading "./". */
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	git_patch *patch = NULL;
	if (git_patch_from_buffers(&patch, old, old_len, path, new, new_len, path, &options) != 0)
		return false;
	git_buf text = {0};
	bool ok = git_patch_to_buf(&text, patch) == 0;
	if (ok)
		append_with_header_tabs(out, text.ptr, text.size);
	git_buf_dispose(&text);
	git_patch_free(patch);
	return ok;
}
