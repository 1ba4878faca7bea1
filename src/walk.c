#include "loadfix/walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <git2.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loadfix/notebook.h"

/* Version control, caches, build output and the usual homes of installed
 * third-party code, which is not ours to rewrite.  `.*` (hidden) applies to
 * directories only. */
const char *const lf_walk_default_excludes[] = {
        ".git", ".venv", "venv", "node_modules", "__pycache__", "build", "dist", "site-packages", ".*", NULL,
};

/* Of those, the names that are build output only by convention: a real
 * package may be called that (mmengine keeps its distributed helpers in
 * `mmengine/dist/`).  In a git work tree a directory git tracks is source
 * and is walked (`.gitignore` decides about build output there); outside
 * git, or untracked, the name alone excludes it. */
static const char *const tracked_overrides[] = {"build", "dist", NULL};

void lf_file_list_init(lf_file_list *list)
{
	memset(list, 0, sizeof *list);
}

void lf_file_list_finish(lf_file_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->paths[i]);
	free(list->paths);
	lf_file_list_init(list);
}

void lf_file_list_add(lf_file_list *list, char *path)
{
	if (list->count == list->cap) {
		list->cap = list->cap ? list->cap * 2 : 64;
		list->paths = lf_xrealloc(list->paths, sizeof(char *) * list->cap);
	}
	list->paths[list->count++] = path;
}

static int compare_paths(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void lf_file_list_sort_unique(lf_file_list *list)
{
	if (list->count > 1)
		qsort(list->paths, list->count, sizeof(char *), compare_paths);
	size_t kept = 0;
	for (size_t i = 0; i < list->count; i++) {
		if (kept && strcmp(list->paths[kept - 1], list->paths[i]) == 0)
			free(list->paths[i]);
		else
			list->paths[kept++] = list->paths[i];
	}
	list->count = kept;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static const char *strip_dot_slash(const char *path)
{
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	return path;
}

/* `path` relative to `base`, when it lies under it (both resolved). */
static char *relative_to(const char *path, const char *base)
{
	char *dir_part = lf_xstrdup(path);
	char *slash = strrchr(dir_part, '/');
	const char *name = base_name(path);
	char *dir_real;
	if (slash) {
		*slash = '\0';
		dir_real = realpath(dir_part[0] ? dir_part : "/", NULL);
	} else {
		dir_real = realpath(".", NULL);
	}
	free(dir_part);
	char *base_real = realpath(base, NULL);
	char *result = NULL;
	if (dir_real && base_real) {
		size_t n = strlen(base_real);
		if (strcmp(base_real, "/") == 0)
			result = lf_xasprintf("%s/%s", dir_real + 1, name);
		else if (strncmp(dir_real, base_real, n) == 0 && dir_real[n] == '\0')
			result = lf_xstrdup(name);
		else if (strncmp(dir_real, base_real, n) == 0 && dir_real[n] == '/')
			result = lf_xasprintf("%s/%s", dir_real + n + 1, name);
	}
	free(dir_real);
	free(base_real);
	return result;
}

bool lf_walk_path_excluded(const char *path, const char *const *globs, size_t count, const char *base)
{
	const char *name = base_name(path);
	const char *walked = strip_dot_slash(path);
	char *relative = NULL;
	bool computed = false;
	bool excluded = false;
	for (size_t i = 0; i < count && !excluded; i++) {
		const char *glob = globs[i];
		if (fnmatch(glob, name, 0) == 0 || fnmatch(glob, walked, 0) == 0) {
			excluded = true;
		} else if (base && strchr(glob, '/')) {
			if (!computed) {
				relative = relative_to(path, base);
				computed = true;
			}
			excluded = relative && fnmatch(glob, relative, 0) == 0;
		}
	}
	free(relative);
	return excluded;
}

typedef struct walker {
	const lf_walk_options *options;
	const char **globs; /* exclusion globs, applying to files and directories */
	size_t glob_count;
	const char **soft_globs; /* default globs that yield to a directory git tracks */
	size_t soft_glob_count;
	bool hidden_dirs; /* the default `.*`: directories only */
	git_repository *repo;
	git_index *index; /* the repository's index, loaded when first needed */
	bool index_tried;
	char *workdir;    /* the repository's work tree, resolved, with a trailing '/' */
	char *root_real;  /* the walk root, resolved */
	size_t root_len;  /* length of the root as walked, to map paths onto root_real */
	bool root_is_dot; /* walking ".": paths are named without a "./" prefix */
} walker;

/* The path below the walk root, without a leading '/'. */
static const char *below_root(const walker *w, const char *path)
{
	const char *suffix = w->root_is_dot ? path : path + w->root_len;
	while (*suffix == '/')
		suffix++;
	return suffix;
}

/* `path` relative to the work tree, or NULL when it lies outside it. */
static char *workdir_relative(const walker *w, const char *path)
{
	char *real = lf_xasprintf("%s/%s", w->root_real, below_root(w, path));
	size_t n = strlen(w->workdir);
	char *relative = NULL;
	/* root_real has no trailing '/', workdir has one (or is "/") */
	const char *r = real[0] == '/' && real[1] == '/' ? real + 1 : real;
	if (strncmp(r, w->workdir, n) == 0 && r[n])
		relative = lf_xstrdup(r + n);
	free(real);
	return relative;
}

static bool git_ignored(walker *w, const char *path, bool is_dir)
{
	if (!w->repo)
		return false;
	int ignored = 0;
	char *relative = workdir_relative(w, path);
	if (relative) {
		char *query = lf_xasprintf("%s%s", relative, is_dir ? "/" : "");
		if (git_ignore_path_is_ignored(&ignored, w->repo, query) != 0)
			ignored = 0;
		free(query);
		free(relative);
	}
	return ignored == 1;
}

/* Whether git tracks a file under the directory `path`. */
static bool git_tracks_directory(walker *w, const char *path)
{
	if (!w->repo)
		return false;
	if (!w->index_tried) {
		w->index_tried = true;
		if (git_repository_index(&w->index, w->repo) != 0)
			w->index = NULL;
	}
	if (!w->index)
		return false;
	char *relative = workdir_relative(w, path);
	if (!relative)
		return false;
	char *prefix = lf_xasprintf("%s/", relative);
	size_t at;
	bool tracked = git_index_find_prefix(&at, w->index, prefix) == 0;
	free(prefix);
	free(relative);
	return tracked;
}

static bool is_virtualenv(int parent_fd, const char *name)
{
	/* A virtualenv under any name is marked by pyvenv.cfg (PEP 405). */
	int dir = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dir < 0)
		return false;
	bool venv = faccessat(dir, "pyvenv.cfg", F_OK, AT_SYMLINK_NOFOLLOW) == 0;
	close(dir);
	return venv;
}

static bool is_python_name(const char *name)
{
	size_t len = strlen(name);
	return (len > 3 && strcmp(name + len - 3, ".py") == 0) || lf_notebook_path(name);
}

static char *join(const char *dir, const char *name)
{
	size_t len = strlen(dir);
	return len && dir[len - 1] == '/' ? lf_xasprintf("%s%s", dir, name) : lf_xasprintf("%s/%s", dir, name);
}

static void walker_open(walker *w, const char *root)
{
	w->root_real = realpath(root, NULL);
	w->root_len = strlen(root);
	w->root_is_dot = strcmp(strip_dot_slash(root), "") == 0 || strcmp(strip_dot_slash(root), ".") == 0;
	if (!w->root_real)
		w->root_real = lf_xstrdup(root);
	if (!w->options->use_gitignore)
		return;
	if (git_repository_open_ext(&w->repo, w->root_real, 0, NULL) != 0) {
		w->repo = NULL;
		return;
	}
	const char *workdir = git_repository_workdir(w->repo);
	char *resolved = workdir ? realpath(workdir, NULL) : NULL;
	if (!resolved) {
		git_repository_free(w->repo);
		w->repo = NULL;
		return;
	}
	w->workdir = lf_xasprintf("%s%s", resolved, strcmp(resolved, "/") == 0 ? "" : "/");
	free(resolved);
}

static void walker_close(walker *w)
{
	git_index_free(w->index);
	w->index = NULL;
	w->index_tried = false;
	git_repository_free(w->repo);
	w->repo = NULL;
	free(w->workdir);
	free(w->root_real);
	w->workdir = w->root_real = NULL;
}

/* Iterative: a pending stack of directories, so depth costs heap, not stack. */
static bool walk_directory(walker *w, const char *root, lf_file_list *out, lf_buf *errors)
{
	bool ok = true;
	walker_open(w, root);
	lf_file_list pending;
	lf_file_list_init(&pending);
	lf_file_list_add(&pending, lf_xstrdup(root));
	while (pending.count) {
		char *dir_path = pending.paths[--pending.count];
		DIR *dir = opendir(dir_path);
		if (!dir) {
			lf_buf_printf(errors, "%s: %s\n", dir_path, strerror(errno));
			ok = false;
			free(dir_path);
			continue;
		}
		struct dirent *entry;
		while ((entry = readdir(dir))) {
			const char *name = entry->d_name;
			if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
				continue;
			unsigned char type = entry->d_type;
			if (type == DT_UNKNOWN) {
				struct stat st;
				if (fstatat(dirfd(dir), name, &st, AT_SYMLINK_NOFOLLOW) != 0)
					continue;
				type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
			}
			/* Symbolic links, FIFOs, sockets and devices are never followed
			 * or read while walking. */
			bool is_dir = type == DT_DIR;
			if (!is_dir && !(type == DT_REG && is_python_name(name)))
				continue;
			if (is_dir && w->hidden_dirs && name[0] == '.')
				continue;
			/* Walking ".", name files as ruff and ripgrep do: `pkg/a.py`. */
			char *path =
			        w->root_is_dot && strcmp(dir_path, root) == 0 ? lf_xstrdup(name) : join(dir_path, name);
			bool skip = lf_walk_path_excluded(path, w->globs, w->glob_count, w->options->base) ||
			            (is_dir && is_virtualenv(dirfd(dir), name)) || git_ignored(w, path, is_dir) ||
			            (is_dir && lf_walk_path_excluded(path, w->soft_globs, w->soft_glob_count, NULL) &&
			             !git_tracks_directory(w, path));
			if (skip)
				free(path);
			else
				lf_file_list_add(is_dir ? &pending : out, path);
		}
		closedir(dir);
		free(dir_path);
	}
	lf_file_list_finish(&pending);
	walker_close(w);
	return ok;
}

bool lf_walk(const char *const *roots, size_t root_count, const lf_walk_options *options, lf_file_list *out,
             lf_buf *errors)
{
	walker w = {.options = options};
	size_t capacity = 16;
	if (options->exclude)
		capacity += options->exclude->count;
	if (options->extend_exclude)
		capacity += options->extend_exclude->count;
	w.globs = lf_xcalloc(capacity, sizeof(char *));
	w.soft_globs = lf_xcalloc(capacity, sizeof(char *));
	if (options->exclude) {
		for (size_t i = 0; i < options->exclude->count; i++)
			w.globs[w.glob_count++] = options->exclude->items[i];
	} else {
		for (size_t i = 0; lf_walk_default_excludes[i]; i++) {
			const char *glob = lf_walk_default_excludes[i];
			bool soft = false;
			for (size_t k = 0; tracked_overrides[k]; k++)
				soft = soft || strcmp(glob, tracked_overrides[k]) == 0;
			if (strcmp(glob, ".*") == 0)
				w.hidden_dirs = true;
			else if (soft)
				w.soft_globs[w.soft_glob_count++] = glob;
			else
				w.globs[w.glob_count++] = glob;
		}
	}
	if (options->extend_exclude)
		for (size_t i = 0; i < options->extend_exclude->count; i++)
			w.globs[w.glob_count++] = options->extend_exclude->items[i];

	bool ok = true;
	for (size_t i = 0; i < root_count; i++) {
		struct stat st;
		if (stat(roots[i], &st) != 0) {
			lf_buf_printf(errors, "%s: %s\n", roots[i], strerror(errno));
			ok = false;
		} else if (S_ISDIR(st.st_mode)) {
			ok = walk_directory(&w, roots[i], out, errors) && ok;
		} else {
			lf_file_list_add(out, lf_xstrdup(roots[i]));
		}
	}
	free(w.globs);
	free(w.soft_globs);
	lf_file_list_sort_unique(out);
	return ok;
}
