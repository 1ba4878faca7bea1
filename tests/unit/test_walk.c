/*
 * lf_walk: file discovery (README, "Walking, pull requests and
 * configuration"): `*.py` only, default and configured exclusions, hidden
 * directories, virtualenvs marked by pyvenv.cfg, symbolic links not
 * followed, FIFOs never read, files named on the command line always
 * checked, sorted output, errors that do not stop the walk, and .gitignore
 * honoured inside a git work tree.  Each test builds its tree in a fresh
 * temporary directory (outside any repository) and walks it by a relative
 * name, so paths read "t/...".
 */
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

#include "loadfix/buf.h"
#include "loadfix/walk.h"

static char start_dir[PATH_MAX];

static int enter(void **state)
{
	char *dir = strdup("/tmp/loadfix-walk-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chdir(dir), 0);
	*state = dir;
	return 0;
}

static int leave(void **state)
{
	char *dir = *state;
	assert_int_equal(chdir(start_dir), 0);
	char *command = lf_xasprintf("rm -rf '%s'", dir);
	int status = system(command);
	free(command);
	free(dir);
	return status == 0 ? 0 : -1;
}

/* Creates `path` and its parent directories; a path ending in '/' is a
 * directory, anything else an empty file. */
static void make(const char *path)
{
	char *copy = lf_xstrdup(path);
	for (char *slash = strchr(copy + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(copy, 0777) != 0)
			assert_int_equal(errno, EEXIST);
		*slash = '/';
	}
	size_t len = strlen(copy);
	if (copy[len - 1] != '/') {
		int fd = open(copy, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		assert_true(fd >= 0);
		close(fd);
	}
	free(copy);
}

static void write_text(const char *path, const char *text)
{
	make(path);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* The walk of `roots` as one newline-separated string; errors to *errors
 * (caller frees) when asked. */
static char *walk(const char *const *roots, const lf_walk_options *options, bool *ok, char **errors)
{
	size_t count = 0;
	while (roots[count])
		count++;
	lf_file_list files;
	lf_file_list_init(&files);
	lf_buf err;
	lf_buf_init(&err);
	bool result = lf_walk(roots, count, options, &files, &err);
	if (ok)
		*ok = result;
	lf_buf out;
	lf_buf_init(&out);
	lf_buf_reserve(&out, 1);
	for (size_t i = 0; i < files.count; i++)
		lf_buf_printf(&out, "%s\n", files.paths[i]);
	lf_file_list_finish(&files);
	char *text = lf_buf_steal(&out, NULL);
	char *error_text = err.len ? lf_buf_steal(&err, NULL) : lf_xstrdup("");
	lf_buf_finish(&err);
	if (errors)
		*errors = error_text;
	else {
		if (error_text[0])
			fail_msg("unexpected walk errors: %s", error_text);
		free(error_text);
	}
	return text;
}

static void expect_walk(const lf_walk_options *options, const char *want, const char *const *roots)
{
	bool ok;
	char *got = walk(roots, options, &ok, NULL);
	if (strcmp(got, want) != 0)
		fail_msg("walk found:\n%s\nwant:\n%s", got, want);
	assert_true(ok);
	free(got);
}

#define EXPECT_WALK(options, want, ...) expect_walk((options), (want), (const char *const[]){__VA_ARGS__, NULL})

static const lf_walk_options defaults = {.use_gitignore = true};

/* ---- tests ---------------------------------------------------------------- */

static void test_python_files_only_sorted(void **state)
{
	(void)state;
	make("t/b.py");
	make("t/a.py");
	make("t/pkg/__init__.py");
	make("t/pkg/Z.py");
	make("t/notes.txt");
	make("t/c.pyc");
	make("t/d.pyi");
	make("t/e.py.bak");
	make("t/py");
	make("t/.py");
	make("t/.hidden.py"); /* `.*` hides directories only */
	make("t/dir.py/inner.py");
	EXPECT_WALK(&defaults, "t/.hidden.py\nt/a.py\nt/b.py\nt/dir.py/inner.py\nt/pkg/Z.py\nt/pkg/__init__.py\n", "t");
}

static void test_default_excludes(void **state)
{
	(void)state;
	static const char *const skipped[] = {".git",  ".venv", "venv",          "node_modules", "__pycache__",
	                                      "build", "dist",  "site-packages", ".tox",         ".hidden"};
	for (size_t i = 0; i < sizeof skipped / sizeof skipped[0]; i++) {
		char *path = lf_xasprintf("t/%s/x.py", skipped[i]);
		make(path);
		free(path);
		path = lf_xasprintf("t/pkg/%s/y.py", skipped[i]); /* at any depth */
		make(path);
		free(path);
	}
	make("t/pkg/keep.py");
	make("t/builder/keep.py"); /* names are matched whole */
	EXPECT_WALK(&defaults, "t/builder/keep.py\nt/pkg/keep.py\n", "t");
}

static void test_virtualenv_skipped_by_marker(void **state)
{
	(void)state;
	make("t/myenv/pyvenv.cfg");
	make("t/myenv/lib/python3.11/x.py");
	make("t/pkg/env2/pyvenv.cfg");
	make("t/pkg/env2/y.py");
	make("t/pkg/a.py");
	make("t/notenv/pyvenv.cfg.bak");
	make("t/notenv/z.py");
	EXPECT_WALK(&defaults, "t/notenv/z.py\nt/pkg/a.py\n", "t");
	/* even with the default exclusions replaced */
	lf_string_list none = {0};
	lf_walk_options options = {.use_gitignore = true, .exclude = &none};
	EXPECT_WALK(&options, "t/notenv/z.py\nt/pkg/a.py\n", "t");
}

static void test_symlinks_not_followed(void **state)
{
	(void)state;
	make("t/real.py");
	make("outside/pkg/far.py");
	assert_int_equal(symlink("real.py", "t/link.py"), 0);
	assert_int_equal(symlink("../outside/pkg", "t/linkdir"), 0);
	assert_int_equal(symlink("../outside/pkg/far.py", "t/far_link.py"), 0);
	assert_int_equal(symlink("nowhere.py", "t/dangling.py"), 0);
	EXPECT_WALK(&defaults, "t/real.py\n", "t");
	/* a link named on the command line is checked: the user asked */
	EXPECT_WALK(&defaults, "t/link.py\nt/real.py\n", "t", "t/link.py");
}

static void test_fifo_not_read(void **state)
{
	(void)state;
	make("t/a.py");
	assert_int_equal(mkfifo("t/pipe.py", 0666), 0);
	/* would block forever if it were opened: nobody writes to it */
	EXPECT_WALK(&defaults, "t/a.py\n", "t");
}

static void test_named_files_always_checked(void **state)
{
	(void)state;
	make("t/script");
	make("t/build/gen.py");
	make("t/.hidden/h.py");
	make("t/a.py");
	EXPECT_WALK(&defaults, "t/.hidden/h.py\nt/a.py\nt/build/gen.py\nt/script\n", "t/script", "t/build/gen.py",
	            "t/.hidden/h.py", "t");
	/* a directory named on the command line is walked, whatever its name */
	EXPECT_WALK(&defaults, "t/build/gen.py\n", "t/build");
}

static void test_duplicates_dropped(void **state)
{
	(void)state;
	make("t/a.py");
	make("t/b.py");
	EXPECT_WALK(&defaults, "t/a.py\nt/b.py\n", "t", "t/a.py", "t");
}

static void test_missing_root_reported_walk_goes_on(void **state)
{
	(void)state;
	make("t/a.py");
	bool ok = true;
	char *errors;
	const char *const roots[] = {"missing", "t", "t/gone.py", NULL};
	char *got = walk(roots, &defaults, &ok, &errors);
	assert_false(ok);
	assert_string_equal(got, "t/a.py\n");
	assert_string_equal(errors, "missing: No such file or directory\nt/gone.py: No such file or directory\n");
	free(got);
	free(errors);
}

static void test_exclude_replaces_defaults(void **state)
{
	(void)state;
	make("t/build/b.py");
	make("t/.hidden/h.py");
	make("t/vendored/v.py");
	make("t/pkg/vendored/w.py");
	make("t/a.py");
	char *globs[] = {"vendored"};
	lf_string_list exclude = {.items = globs, .count = 1};
	lf_walk_options options = {.use_gitignore = true, .exclude = &exclude};
	EXPECT_WALK(&options, "t/.hidden/h.py\nt/a.py\nt/build/b.py\n", "t");
}

static void test_extend_exclude_adds(void **state)
{
	(void)state;
	make("t/a.py");
	make("t/msg_pb2.py");
	make("t/pkg/x_pb2.py");
	make("t/gen/g.py");
	make("t/build/b.py");
	char *globs[] = {"*_pb2.py", "gen"};
	lf_string_list extend = {.items = globs, .count = 2};
	lf_walk_options options = {.use_gitignore = true, .extend_exclude = &extend};
	EXPECT_WALK(&options, "t/a.py\n", "t");
}

static void test_globs_match_walked_and_base_relative_paths(void **state)
{
	(void)state;
	make("proj/pkg/gen/g.py");
	make("proj/pkg/keep/k.py");
	make("proj/other/gen/o.py");
	/* the path as walked */
	char *walked[] = {"proj/pkg/gen"};
	lf_string_list by_walked = {.items = walked, .count = 1};
	lf_walk_options options = {.use_gitignore = true, .extend_exclude = &by_walked};
	EXPECT_WALK(&options, "proj/other/gen/o.py\nproj/pkg/keep/k.py\n", "proj");
	/* relative to the configuration's directory */
	char *relative[] = {"pkg/gen"};
	lf_string_list by_base = {.items = relative, .count = 1};
	options = (lf_walk_options){.use_gitignore = true, .extend_exclude = &by_base, .base = "proj"};
	EXPECT_WALK(&options, "proj/other/gen/o.py\nproj/pkg/keep/k.py\n", "proj");
	/* ...and without a base, that glob matches nothing */
	options.base = NULL;
	EXPECT_WALK(&options, "proj/other/gen/o.py\nproj/pkg/gen/g.py\nproj/pkg/keep/k.py\n", "proj");
}

static void test_path_excluded(void **state)
{
	(void)state;
	make("proj/pkg/a.py");
	const char *globs[] = {"a.py"};
	assert_true(lf_walk_path_excluded("proj/pkg/a.py", globs, 1, NULL));
	assert_false(lf_walk_path_excluded("proj/pkg/b.py", globs, 1, NULL));
	const char *walked[] = {"proj/*/a.py"};
	assert_true(lf_walk_path_excluded("proj/pkg/a.py", walked, 1, NULL));
	assert_true(lf_walk_path_excluded("./proj/pkg/a.py", walked, 1, NULL));
	const char *relative[] = {"pkg/a.py"};
	assert_false(lf_walk_path_excluded("proj/pkg/a.py", relative, 1, NULL));
	assert_true(lf_walk_path_excluded("proj/pkg/a.py", relative, 1, "proj"));
	assert_false(lf_walk_path_excluded("proj/pkg/a.py", relative, 1, "proj/pkg"));
	assert_false(lf_walk_path_excluded("proj/pkg/a.py", globs, 0, NULL));
}

static void test_deep_tree(void **state)
{
	(void)state;
	lf_buf path;
	lf_buf_init(&path);
	lf_buf_puts(&path, "t");
	for (int i = 0; i < 200; i++)
		lf_buf_puts(&path, "/d");
	lf_buf_puts(&path, "/deep.py");
	make(path.data);
	char *want = lf_xasprintf("%s\n", path.data);
	EXPECT_WALK(&defaults, want, "t");
	free(want);
	lf_buf_finish(&path);
}

static void test_gitignore_in_work_tree(void **state)
{
	(void)state;
	make("repo/a.py");
	make("repo/ignored_dir/x.py");
	make("repo/pkg/skip.gen.py");
	make("repo/pkg/keep.py");
	make("repo/pkg/local.py");
	make("repo/pkg/sub/nested_ignored.py");
	assert_int_equal(system("git init -q repo"), 0);
	write_text("repo/.gitignore", "ignored_dir/\n*.gen.py\n");
	write_text("repo/pkg/.gitignore", "sub/\n");
	write_text("repo/.git/info/exclude", "local.py\n");
	EXPECT_WALK(&defaults, "repo/a.py\nrepo/pkg/keep.py\n", "repo");
	/* walked from inside the tree too */
	EXPECT_WALK(&defaults, "repo/pkg/keep.py\n", "repo/pkg");
	/* use_gitignore false: everything */
	lf_walk_options options = {.use_gitignore = false};
	EXPECT_WALK(&options,
	            "repo/a.py\nrepo/ignored_dir/x.py\nrepo/pkg/keep.py\nrepo/pkg/local.py\nrepo/pkg/skip.gen.py\n"
	            "repo/pkg/sub/nested_ignored.py\n",
	            "repo");
	/* a file named on the command line is checked even when ignored */
	EXPECT_WALK(&defaults, "repo/pkg/skip.gen.py\n", "repo/pkg/skip.gen.py");
}

static void test_gitignore_not_applied_outside_a_work_tree(void **state)
{
	(void)state;
	/* a .gitignore in a directory that is not a git work tree means
	 * nothing (git would not read it either) */
	make("t/a.py");
	make("t/x.gen.py");
	write_text("t/.gitignore", "*.gen.py\n");
	EXPECT_WALK(&defaults, "t/a.py\nt/x.gen.py\n", "t");
}

int main(void)
{
	assert_non_null(getcwd(start_dir, sizeof start_dir));
	/* no global excludes file of the machine's user may change the walk */
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
	setenv("HOME", "/nonexistent", 1);
	git_libgit2_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_python_files_only_sorted, enter, leave),
	        cmocka_unit_test_setup_teardown(test_default_excludes, enter, leave),
	        cmocka_unit_test_setup_teardown(test_virtualenv_skipped_by_marker, enter, leave),
	        cmocka_unit_test_setup_teardown(test_symlinks_not_followed, enter, leave),
	        cmocka_unit_test_setup_teardown(test_fifo_not_read, enter, leave),
	        cmocka_unit_test_setup_teardown(test_named_files_always_checked, enter, leave),
	        cmocka_unit_test_setup_teardown(test_duplicates_dropped, enter, leave),
	        cmocka_unit_test_setup_teardown(test_missing_root_reported_walk_goes_on, enter, leave),
	        cmocka_unit_test_setup_teardown(test_exclude_replaces_defaults, enter, leave),
	        cmocka_unit_test_setup_teardown(test_extend_exclude_adds, enter, leave),
	        cmocka_unit_test_setup_teardown(test_globs_match_walked_and_base_relative_paths, enter, leave),
	        cmocka_unit_test_setup_teardown(test_path_excluded, enter, leave),
	        cmocka_unit_test_setup_teardown(test_deep_tree, enter, leave),
	        cmocka_unit_test_setup_teardown(test_gitignore_in_work_tree, enter, leave),
	        cmocka_unit_test_setup_teardown(test_gitignore_not_applied_outside_a_work_tree, enter, leave),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	git_libgit2_shutdown();
	return failed;
}
