#include "loadfix/walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Directory names never descended into: version control, caches, and the
 * usual homes of installed third-party code, which is not ours to rewrite. */
static const char *const SKIPPED_DIRECTORIES[] = {
    "__pycache__", "venv", "node_modules", "site-packages", "__pypackages__", "build", "dist",
};

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

static void list_add(lf_file_list *list, char *path)
{
	if (list->count == list->cap) {
		list->cap = list->cap ? list->cap * 2 : 64;
		list->paths = lf_xrealloc(list->paths, sizeof(char *) * list->cap);
	}
	list->paths[list->count++] = path;
}

static bool skipped_directory(const char *name, int parent_fd)
{
	if (name[0] == '.')
		return true; /* .git, .venv, .tox, .mypy_cache, any hidden directory */
	for (size_t i = 0; i < sizeof SKIPPED_DIRECTORIES / sizeof SKIPPED_DIRECTORIES[0]; i++)
		if (strcmp(name, SKIPPED_DIRECTORIES[i]) == 0)
			return true;
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
	return len > 3 && strcmp(name + len - 3, ".py") == 0;
}

static char *join(const char *dir, const char *name)
{
	size_t len = strlen(dir);
	return len && dir[len - 1] == '/' ? lf_xasprintf("%s%s", dir, name) : lf_xasprintf("%s/%s", dir, name);
}

/* Iterative: a pending stack of directories, so depth costs heap, not stack. */
static bool walk_directory(const char *root, lf_file_list *out, lf_buf *errors)
{
	bool ok = true;
	lf_file_list pending;
	lf_file_list_init(&pending);
	list_add(&pending, lf_xstrdup(root));
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
			if (type == DT_DIR) {
				if (!skipped_directory(name, dirfd(dir)))
					list_add(&pending, join(dir_path, name));
			} else if (type == DT_REG && is_python_name(name)) {
				list_add(out, join(dir_path, name));
			}
		}
		closedir(dir);
		free(dir_path);
	}
	lf_file_list_finish(&pending);
	return ok;
}

static int compare_paths(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

bool lf_walk(const char *const *roots, size_t root_count, lf_file_list *out, lf_buf *errors)
{
	bool ok = true;
	for (size_t i = 0; i < root_count; i++) {
		struct stat st;
		if (stat(roots[i], &st) != 0) {
			lf_buf_printf(errors, "%s: %s\n", roots[i], strerror(errno));
			ok = false;
		} else if (S_ISDIR(st.st_mode)) {
			ok = walk_directory(roots[i], out, errors) && ok;
		} else {
			list_add(out, lf_xstrdup(roots[i]));
		}
	}
	qsort(out->paths, out->count, sizeof(char *), compare_paths);
	/* The same file named twice (or found twice) is checked once. */
	size_t kept = 0;
	for (size_t i = 0; i < out->count; i++) {
		if (kept && strcmp(out->paths[kept - 1], out->paths[i]) == 0)
			free(out->paths[i]);
		else
			out->paths[kept++] = out->paths[i];
	}
	out->count = kept;
	return ok;
}
