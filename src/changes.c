#include "loadfix/changes.h"

#include <git2.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loadfix/notebook.h"

static char *git_error_text(const char *what)
{
	const git_error *e = git_error_last();
	return lf_xasprintf("%s: %s", what, e && e->message ? e->message : "unknown libgit2 error");
}

static bool is_python_path(const char *path)
{
	size_t len = strlen(path);
	return (len > 3 && strcmp(path + len - 3, ".py") == 0) || lf_notebook_path(path);
}

/* Whether the absolute path `file` lies under one of the roots. */
static bool under_roots(const char *file, char *const *roots_real, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		if (!roots_real[i])
			continue;
		size_t n = strlen(roots_real[i]);
		if (strcmp(roots_real[i], "/") == 0 || strcmp(file, roots_real[i]) == 0 ||
		    (strncmp(file, roots_real[i], n) == 0 && file[n] == '/'))
			return true;
	}
	return false;
}

bool lf_changed_files(const char *rev, const char *const *roots, size_t root_count, lf_file_list *out, char **error)
{
	git_repository *repo = NULL;
	git_object *object = NULL;
	git_tree *tree = NULL;
	git_diff *diff = NULL;
	char *cwd = getcwd(NULL, 0);
	bool ok = false;
	char **roots_real = lf_xcalloc(root_count ? root_count : 1, sizeof(char *));
	for (size_t i = 0; i < root_count; i++)
		roots_real[i] = realpath(roots[i], NULL);

	if (!cwd || git_repository_open_ext(&repo, ".", 0, NULL) != 0) {
		*error = git_error_text("not in a git repository");
		goto done;
	}
	const char *workdir_raw = git_repository_workdir(repo);
	char *workdir = workdir_raw ? realpath(workdir_raw, NULL) : NULL;
	if (!workdir) {
		*error = lf_xstrdup("the repository has no work tree");
		goto done;
	}
	if (git_revparse_single(&object, repo, rev) != 0 ||
	    git_object_peel((git_object **)&tree, object, GIT_OBJECT_TREE) != 0) {
		*error = git_error_text("no such revision");
		free(workdir);
		goto done;
	}
	git_diff_options options;
	git_diff_options_init(&options, GIT_DIFF_OPTIONS_VERSION);
	options.flags |= GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS;
	if (git_diff_tree_to_workdir_with_index(&diff, repo, tree, &options) != 0) {
		*error = git_error_text("cannot diff against the working tree");
		free(workdir);
		goto done;
	}
	git_diff_find_options find;
	git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);
	find.flags = GIT_DIFF_FIND_RENAMES;
	git_diff_find_similar(diff, &find);

	size_t cwd_len = strlen(cwd);
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *delta = git_diff_get_delta(diff, i);
		if (delta->status == GIT_DELTA_DELETED || delta->status == GIT_DELTA_IGNORED ||
		    delta->status == GIT_DELTA_UNMODIFIED || !is_python_path(delta->new_file.path))
			continue;
		char *absolute = lf_xasprintf("%s/%s", strcmp(workdir, "/") == 0 ? "" : workdir, delta->new_file.path);
		if (root_count && !under_roots(absolute, roots_real, root_count)) {
			free(absolute);
			continue;
		}
		if (strncmp(absolute, cwd, cwd_len) == 0 && absolute[cwd_len] == '/') {
			lf_file_list_add(out, lf_xstrdup(absolute + cwd_len + 1));
			free(absolute);
		} else {
			lf_file_list_add(out, absolute);
		}
	}
	free(workdir);
	lf_file_list_sort_unique(out);
	ok = true;
done:
	for (size_t i = 0; i < root_count; i++)
		free(roots_real[i]);
	free(roots_real);
	git_diff_free(diff);
	git_tree_free(tree);
	git_object_free(object);
	git_repository_free(repo);
	free(cwd);
	return ok;
}
