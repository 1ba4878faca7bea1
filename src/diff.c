#include "loadfix/diff.h"

#include <git2.h>
#include <string.h>

void lf_diff_init(void)
{
	git_libgit2_init();
}

void lf_diff_shutdown(void)
{
	git_libgit2_shutdown();
}

bool lf_diff_append(lf_buf *out, const char *path, const uint8_t *old, uint32_t old_len, const uint8_t *new,
                    uint32_t new_len)
{
	git_diff_options options;
	git_diff_options_init(&options, GIT_DIFF_OPTIONS_VERSION);
	/* Python files are text even with a stray NUL or invalid UTF-8. */
	options.flags |= GIT_DIFF_FORCE_TEXT;
	options.context_lines = 3;
	git_patch *patch = NULL;
	if (git_patch_from_buffers(&patch, old, old_len, path, new, new_len, path, &options) != 0)
		return false;
	git_buf text = {0};
	bool ok = git_patch_to_buf(&text, patch) == 0;
	if (ok)
		lf_buf_append(out, text.ptr, text.size);
	git_buf_dispose(&text);
	git_patch_free(patch);
	return ok;
}
