/*
 * Discovery of the declared torch requirement: requirement strings (PEP
 * 508, conda match specs), each file kind on the fixtures under
 * tests/torchreq/, and include handling (cycles, missing files, depth,
 * relative paths) on temporary trees.  Takes the source root.
 */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

#include "loadfix/buf.h"
#include "loadfix/torchreq.h"

static const char *source_root;

static void test_normalize_name(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
	        {"torch", "torch"},
	        {"Torch", "torch"},
	        {"TORCH", "torch"},
	        {"torch_geometric", "torch-geometric"},
	        {"Torch.._-Vision", "torch-vision"},
	        {"py-torch", "py-torch"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *n = lf_torchreq_normalize_name(cases[i][0], strlen(cases[i][0]));
		assert_string_equal(n, cases[i][1]);
		free(n);
	}
}

typedef struct expect {
	const char *text;
	const char *name, *extras, *specifier, *marker;
	bool parsed;
} expect;

static void check_parsed(const expect *e, bool conda)
{
	lf_torchreq req;
	bool found = conda ? lf_torchreq_parse_conda(e->text, strlen(e->text), &req)
	                   : lf_torchreq_parse_pep508(e->text, strlen(e->text), &req);
	if (!e->name) {
		if (found)
			fail_msg("'%s' is not torch", e->text);
		return;
	}
	if (!found)
		fail_msg("'%s' not recognised", e->text);
	assert_string_equal(req.name, e->name);
	if (e->extras)
		assert_string_equal(req.extras, e->extras);
	else
		assert_null(req.extras);
	if (e->marker)
		assert_string_equal(req.marker, e->marker);
	else
		assert_null(req.marker);
	assert_string_equal(req.specifier, e->specifier);
	if (req.parsed != e->parsed)
		fail_msg("'%s': parsed %d", e->text, req.parsed);
	lf_torchreq_finish(&req);
}

static void test_pep508(void **state)
{
	(void)state;
	static const expect cases[] = {
	        {"torch", "torch", NULL, "", NULL, true},
	        {"  Torch  ", "Torch", NULL, "", NULL, true},
	        {"torch>=2.0,<3", "torch", NULL, ">=2.0,<3", NULL, true},
	        {"torch[cuda, xla] >= 2.0", "torch", "cuda,xla", ">= 2.0", NULL, true},
	        {"torch (>=2.0, <3)", "torch", NULL, ">=2.0, <3", NULL, true},
	        {"torch==2.6.*; python_version >= '3.9'", "torch", NULL, "==2.6.*", "python_version >= '3.9'", true},
	        {"torch ; sys_platform == 'linux'", "torch", NULL, "", "sys_platform == 'linux'", true},
	        {"torch @ https://h/whl/cu121/torch-2.1.0%2Bcu121-cp311-cp311-linux_x86_64.whl", "torch", NULL,
	         "==2.1.0+cu121", NULL, true},
	        {"torch @ https://h/torch-2.5.1-cp311-none-any.whl ; os_name == 'nt'", "torch", NULL, "==2.5.1",
	         "os_name == 'nt'", true},
	        {"torch @ git+https://github.com/pytorch/pytorch@v2.1.0", "torch", NULL, "", NULL, false},
	        {"torch>=2.0 garbage", "torch", NULL, ">=2.0 garbage", NULL, false},
	        {"torch=2.1", "torch", NULL, "=2.1", NULL, false}, /* conda syntax is not PEP 508 */
	        {"torchvision>=0.16", NULL, NULL, NULL, NULL, false},
	        {"torch-geometric", NULL, NULL, NULL, NULL, false},
	        {"pytorch", NULL, NULL, NULL, NULL, false}, /* a placeholder on PyPI, not torch */
	        {"", NULL, NULL, NULL, NULL, false},
	        {">=2.0", NULL, NULL, NULL, NULL, false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_parsed(&cases[i], false);
}

static void test_conda(void **state)
{
	(void)state;
	static const expect cases[] = {
	        {"pytorch", "pytorch", NULL, "", NULL, true},
	        {"pytorch=2.1", "pytorch", NULL, "==2.1.*", NULL, true},
	        {"pytorch=2.1.*", "pytorch", NULL, "==2.1.*", NULL, true},
	        {"pytorch=2.1.0=py3.11_cuda12.1_0", "pytorch", NULL, "==2.1.0", NULL, true},
	        {"pytorch=2.1*=py3.11*", "pytorch", NULL, "==2.1.*", NULL, true},
	        {"pytorch==2.10.0=py3.11_cuda12.1_0", "pytorch", NULL, "==2.10.0", NULL, true},
	        {"pytorch>=2.0", "pytorch", NULL, ">=2.0", NULL, true},
	        {"pytorch>=2.0,<=3", "pytorch", NULL, ">=2.0,<=3", NULL, true},
	        {"pytorch >=2.0 cuda*", "pytorch", NULL, ">=2.0", NULL, true},
	        {"pytorch 2.6.*", "pytorch", NULL, "==2.6.*", NULL, true},
	        {"pytorch 2.1 py3.11_0", "pytorch", NULL, "==2.1.*", NULL, true},
	        {"conda-forge::pytorch>=2.0,<2.6", "pytorch", NULL, ">=2.0,<2.6", NULL, true},
	        {"torch=2.1", "torch", NULL, "==2.1.*", NULL, true},
	        {"pytorch-gpu=2.3", "pytorch-gpu", NULL, "==2.3.*", NULL, true},
	        {"pytorch>=1.0|<0.5", "pytorch", NULL, ">=1.0|<0.5", NULL, false},
	        {"pytorch[version='>=2']", "pytorch", NULL, "[version='>=2']", NULL, false},
	        {"torchvision=0.16", NULL, NULL, NULL, NULL, false},
	        {"pytorch-lightning", NULL, NULL, NULL, NULL, false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_parsed(&cases[i], true);
}

/* One expected requirement of a discovered list. */
typedef struct row {
	const char *path; /* relative to the fixture */
	uint32_t line, column;
	lf_torchreq_kind kind;
	const char *specifier;
	const char *group;
	bool parsed, constraint;
} row;

static void discover(const char *dir, lf_torchreq_list *list)
{
	lf_torchreq_list_init(list);
	lf_torchreq_discover(dir, list);
}

static char *fixture(const char *name)
{
	return lf_xasprintf("%s/tests/torchreq/%s", source_root, name);
}

static void check_rows(const char *dir, const lf_torchreq_list *list, const row *rows, size_t count)
{
	for (size_t i = 0; i < list->count && i < count; i++) {
		const lf_torchreq *r = &list->items[i];
		char *path = lf_xasprintf("%s/%s", dir, rows[i].path);
		if (strcmp(r->path, path) != 0 || r->line != rows[i].line || r->column != rows[i].column ||
		    r->kind != rows[i].kind || strcmp(r->specifier, rows[i].specifier) != 0 ||
		    (r->group == NULL) != (rows[i].group == NULL) || (r->group && strcmp(r->group, rows[i].group)) ||
		    r->parsed != rows[i].parsed || r->constraint != rows[i].constraint)
			fail_msg("row %zu: got %s:%u:%u kind %d '%s' group %s parsed %d constraint %d; expected "
			         "%s:%u:%u "
			         "kind %d '%s'",
			         i, r->path, r->line, r->column, r->kind, r->specifier, r->group ? r->group : "-",
			         r->parsed, r->constraint, path, rows[i].line, rows[i].column, rows[i].kind,
			         rows[i].specifier);
		free(path);
	}
	if (list->count != count)
		fail_msg("%s: %zu requirements, expected %zu", dir, list->count, count);
}

static void test_pyproject(void **state)
{
	(void)state;
	char *dir = fixture("pyproject");
	lf_torchreq_list list;
	discover(dir, &list);
	const lf_torchreq_kind K = LF_TORCHREQ_PYPROJECT;
	const row rows[] = {
	        {"pyproject.toml", 8, 6, K, ">=2.0,<3", NULL, true, false},
	        {"pyproject.toml", 9, 6, K, ">= 2.10", NULL, true, false},
	        {"pyproject.toml", 13, 9, K, ">=1.10, <1.13", "old", true, false},
	        {"pyproject.toml", 15, 6, K, "==2.6.*", "pinned", true, false},
	        {"pyproject.toml", 19, 20, K, ">=2.10", "test", true, false},
	};
	check_rows(dir, &list, rows, sizeof rows / sizeof rows[0]);
	assert_string_equal(list.items[1].name, "Torch");
	assert_string_equal(list.items[1].extras, "cuda");
	assert_string_equal(list.items[1].marker, "sys_platform == \"linux\"");
	assert_int_equal(list.warning_count, 0); /* the [tool.loadfix] typo is not ours to report */
	lf_torchreq_list_finish(&list);
	free(dir);
}

static void test_requirements(void **state)
{
	(void)state;
	char *dir = fixture("requirements");
	lf_torchreq_list list;
	discover(dir, &list);
	const lf_torchreq_kind K = LF_TORCHREQ_REQUIREMENTS;
	/* requirements-dev.txt sorts first and includes requirements.txt,
	 * which includes requirements/base.txt, which includes
	 * requirements.txt again (a cycle: read once). */
	const row rows[] = {
	        {"requirements/base.txt", 2, 1, K, "==2.6.*", NULL, true, false},
	        {"requirements/base.txt", 3, 1, K, ">= 2.10", NULL, true, false},
	        {"constraints.txt", 1, 1, K, "<2.9", NULL, true, true},
	        {"requirements.txt", 7, 1, K, ">=2.1", NULL, true, false},
	        {"requirements.txt", 9, 1, K, "==2.1.0+cu121", NULL, true, false},
	        {"requirements-dev.txt", 3, 1, K, "#not a comment: no space before the hash", NULL, false, false},
	        {"requirements-dev.txt", 4, 1, K, "==2.5.1", NULL, true, false},
	};
	check_rows(dir, &list, rows, sizeof rows / sizeof rows[0]);
	assert_string_equal(list.items[0].marker, "python_version>=\"3.9\"");
	assert_string_equal(list.items[1].extras, "cpu");
	assert_int_equal(list.warning_count, 1);
	assert_non_null(strstr(list.warnings[0], "missing.txt: no such file"));
	lf_torchreq_list_finish(&list);
	free(dir);
}

static void test_setup_cfg(void **state)
{
	(void)state;
	char *dir = fixture("setupcfg");
	lf_torchreq_list list;
	discover(dir, &list);
	const lf_torchreq_kind K = LF_TORCHREQ_SETUP_CFG;
	const row rows[] = {
	        {"setup.cfg", 10, 5, K, ">=2.6,<2.10", NULL, true, false},
	        {"setup.cfg", 14, 7, K, "==1.12.1", "old", true, false},
	        {"setup.cfg", 16, 5, K, ">= 2.10", "new", true, false},
	};
	check_rows(dir, &list, rows, sizeof rows / sizeof rows[0]);
	lf_torchreq_list_finish(&list);
	free(dir);
}

static void test_setup_py(void **state)
{
	(void)state;
	char *dir = fixture("setuppy");
	lf_torchreq_list list;
	discover(dir, &list);
	const lf_torchreq_kind K = LF_TORCHREQ_SETUP_PY;
	const row rows[] = {
	        {"setup.py", 4, 19, K, ">=2.0", NULL, true, false}, /* through BASE */
	        {"setup.py", 11, 18, K, "==2.10.0", "gpu", true, false},
	        {"setup.py", 12, 21, K, "<1.13", "legacy", true, false}, /* "torch" "<1.13" */
	        {"setup.py", 18, 27, K, ">=2.6", NULL, true, false},     /* r"..." yes, b"..." no */
	};
	check_rows(dir, &list, rows, sizeof rows / sizeof rows[0]);
	assert_string_equal(list.items[1].extras, "cuda");
	lf_torchreq_list_finish(&list);
	free(dir);
}

static void test_environment_yml(void **state)
{
	(void)state;
	char *dir = fixture("conda");
	lf_torchreq_list list;
	discover(dir, &list);
	const lf_torchreq_kind C = LF_TORCHREQ_CONDA, P = LF_TORCHREQ_CONDA_PIP;
	const row rows[] = {
	        {"environment.yml", 7, 5, C, "==2.1.*", NULL, true, false},
	        {"environment.yml", 8, 6, C, ">=2.0,<2.6", NULL, true, false},
	        {"environment.yml", 9, 5, C, "==2.10.0", NULL, true, false},
	        {"environment.yml", 10, 5, C, "==2.6.*", NULL, true, false},
	        {"environment.yml", 11, 5, C, "", NULL, true, false},
	        {"environment.yml", 15, 7, P, ">=2.10", NULL, true, false},
	        {"pip-extra.txt", 1, 1, P, "<1.13", NULL, true, false},
	};
	check_rows(dir, &list, rows, sizeof rows / sizeof rows[0]);
	lf_torchreq_list_finish(&list);
	free(dir);
}

static void test_no_torch(void **state)
{
	(void)state;
	char *dir = fixture("none");
	lf_torchreq_list list;
	discover(dir, &list);
	assert_int_equal(list.count, 0);
	assert_int_equal(list.warning_count, 0);
	lf_torchreq_list_finish(&list);
	free(dir);
	/* A root without any of the files is not an error either. */
	discover("/nonexistent-loadfix-root", &list);
	assert_int_equal(list.count, 0);
	assert_int_equal(list.warning_count, 0);
	lf_torchreq_list_finish(&list);
}

/* ---- temporary trees ---------------------------------------------------- */

static void write_file(const char *dir, const char *name, const char *text)
{
	char *path = lf_xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(path);
}

static char *temp_tree(void)
{
	char *dir = lf_xstrdup("/tmp/loadfix-torchreq-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return dir;
}

static void remove_tree(const char *dir)
{
	char *cmd = lf_xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static void test_include_cycles(void **state)
{
	(void)state;
	char *dir = temp_tree();
	char *sub = lf_xasprintf("%s/deps", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	write_file(dir, "requirements.txt", "-r deps/a.txt\n-r requirements.txt\ntorch>=1\n");
	write_file(sub, "a.txt", "-r b.txt\r\ntorch==2.0\r\n");                    /* relative to deps/ */
	write_file(sub, "b.txt", "--requirement a.txt\n-r ../requirements.txt\n"); /* back to the start */
	lf_torchreq_list list;
	discover(dir, &list);
	/* requirements/ is a directory of requirement files too, but deps/ is not */
	const lf_torchreq_kind K = LF_TORCHREQ_REQUIREMENTS;
	const row rows[] = {
	        {"deps/a.txt", 2, 1, K, "==2.0", NULL, true, false},
	        {"requirements.txt", 3, 1, K, ">=1", NULL, true, false},
	};
	check_rows(dir, &list, rows, sizeof rows / sizeof rows[0]);
	assert_int_equal(list.warning_count, 0);
	lf_torchreq_list_finish(&list);
	remove_tree(dir);
	free(sub);
	free(dir);
}

static void test_include_depth_and_remote(void **state)
{
	(void)state;
	char *dir = temp_tree();
	char *sub = lf_xasprintf("%s/requirements", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	/* a chain of 40 includes: discovery stops at 32 and says so */
	for (int i = 0; i < 40; i++) {
		char name[32], text[64];
		snprintf(name, sizeof name, "r%02d.txt", i);
		snprintf(text, sizeof text, "-r r%02d.txt\ntorch<%d\n", i + 1, i + 3);
		write_file(sub, name, text);
	}
	write_file(dir, "requirements.txt", "-r https://example.com/requirements.txt\n-r requirements/r00.txt\n");
	lf_torchreq_list list;
	discover(dir, &list);
	assert_int_equal(list.count, 40); /* the chain's deep end is read as a root file of requirements/ */
	bool remote = false, deep = false;
	for (size_t i = 0; i < list.warning_count; i++) {
		remote = remote || strstr(list.warnings[i], "not followed (remote or empty)");
		deep = deep || strstr(list.warnings[i], "nested too deeply");
	}
	assert_true(remote);
	assert_true(deep);
	lf_torchreq_list_finish(&list);
	remove_tree(dir);
	free(sub);
	free(dir);
}

static void test_columns_in_characters(void **state)
{
	(void)state;
	char *dir = temp_tree();
	write_file(dir, "pyproject.toml", "[project]\ndependencies = [\"caf\xc3\xa9\", \"  torch\"]\n");
	write_file(dir, "setup.cfg", "[options]\ninstall_requires = numpy; torch>=2.0\n");
	write_file(dir, "environment.yaml", "dependencies:\n- pytorch  # unpinned\n- pip:\n  - Torch>=2.6  # pip\n");
	lf_torchreq_list list;
	discover(dir, &list);
	const row rows[] = {
	        /* é is one character: the quote is at column 25, the text at 28 */
	        {"pyproject.toml", 2, 28, LF_TORCHREQ_PYPROJECT, "", NULL, true, false},
	        /* one line: split on ';' as setuptools does */
	        {"setup.cfg", 2, 27, LF_TORCHREQ_SETUP_CFG, ">=2.0", NULL, true, false},
	        {"environment.yaml", 2, 3, LF_TORCHREQ_CONDA, "", NULL, true, false},
	        {"environment.yaml", 4, 5, LF_TORCHREQ_CONDA_PIP, ">=2.6", NULL, true, false},
	};
	check_rows(dir, &list, rows, sizeof rows / sizeof rows[0]);
	lf_torchreq_list_finish(&list);
	remove_tree(dir);
	free(dir);
}

static void test_setup_cfg_file_directive(void **state)
{
	(void)state;
	char *dir = temp_tree();
	write_file(dir, "setup.cfg", "[options]\ninstall_requires = file: reqs/base.in, extra.in\n");
	char *sub = lf_xasprintf("%s/reqs", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	write_file(sub, "base.in", "torch~=2.4\n");
	write_file(dir, "extra.in", "# nothing\n\ntorch!=2.5.0\n");
	lf_torchreq_list list;
	discover(dir, &list);
	const row rows[] = {
	        {"reqs/base.in", 1, 1, LF_TORCHREQ_REQUIREMENTS, "~=2.4", NULL, true, false},
	        {"extra.in", 3, 1, LF_TORCHREQ_REQUIREMENTS, "!=2.5.0", NULL, true, false},
	};
	check_rows(dir, &list, rows, sizeof rows / sizeof rows[0]);
	lf_torchreq_list_finish(&list);
	remove_tree(dir);
	free(sub);
	free(dir);
}

static void test_setuptools_dynamic(void **state)
{
	(void)state;
	char *dir = temp_tree();
	write_file(dir, "pyproject.toml",
	           "[project]\ndynamic = [\"dependencies\", \"optional-dependencies\"]\n"
	           "[tool.setuptools.dynamic]\ndependencies = {file = [\"deps.in\"]}\n"
	           "optional-dependencies.gpu = {file = \"gpu.in\"}\n"
	           "readme = {file = \"README.txt\"}\n");
	write_file(dir, "deps.in", "torch>=2.1\n");
	write_file(dir, "gpu.in", "numpy\ntorch[cuda]==2.10.*\n");
	write_file(dir, "README.txt", "torch<1\n");
	lf_torchreq_list list;
	discover(dir, &list);
	const row rows[] = {
	        {"deps.in", 1, 1, LF_TORCHREQ_REQUIREMENTS, ">=2.1", NULL, true, false},
	        {"gpu.in", 2, 1, LF_TORCHREQ_REQUIREMENTS, "==2.10.*", NULL, true, false},
	};
	check_rows(dir, &list, rows, sizeof rows / sizeof rows[0]);
	lf_torchreq_list_finish(&list);
	remove_tree(dir);
	free(dir);
}

static void test_poetry(void **state)
{
	(void)state;
	char *dir = temp_tree();
	write_file(
	        dir, "pyproject.toml",
	        "[tool.poetry.dependencies]\n"
	        "python = \"^3.10\"\n"
	        "torch = \"^2.1\"\n"
	        "[tool.poetry.dev-dependencies]\n"
	        "Torch = \"*\"\n"
	        "[tool.poetry.group.gpu.dependencies]\n"
	        "torch = {version = \"~2.6\", source = \"pytorch\"}\n"
	        "[tool.poetry.group.old.dependencies]\n"
	        "torch = [{version = \"^0.4.1\", markers = \"python_version < '3.8'\"}, {version = \">= 2.10, <3\"}]\n"
	        "[tool.poetry.group.pins.dependencies]\n"
	        "torch = \"2.5.1\"\n"
	        "torch-geometric = \"^2\"\n"
	        "[tool.poetry.group.alt.dependencies]\n"
	        "torch = \"^1.13 || ^2.6\"\n"
	        "[tool.poetry.group.zero.dependencies]\n"
	        "torch = \"^0.0.3\"\n");
	lf_torchreq_list list;
	discover(dir, &list);
	const lf_torchreq_kind K = LF_TORCHREQ_POETRY;
	const row rows[] = {
	        {"pyproject.toml", 3, 10, K, ">=2.1,<3", NULL, true, false},
	        {"pyproject.toml", 5, 10, K, "", "dev", true, false},
	        {"pyproject.toml", 7, 21, K, ">=2.6,<2.7", "gpu", true, false},
	        {"pyproject.toml", 9, 22, K, ">=0.4.1,<0.5", "old", true, false},
	        {"pyproject.toml", 9, 80, K, ">=2.10,<3", "old", true, false},
	        {"pyproject.toml", 11, 10, K, "==2.5.1", "pins", true, false},
	        {"pyproject.toml", 14, 10, K, "^1.13 || ^2.6", "alt", false, false},
	        {"pyproject.toml", 16, 10, K, ">=0.0.3,<0.0.4", "zero", true, false},
	};
	check_rows(dir, &list, rows, sizeof rows / sizeof rows[0]);
	assert_string_equal(list.items[1].name, "Torch");
	lf_torchreq_list_finish(&list);
	remove_tree(dir);
	free(dir);
}

static void test_invalid_pyproject_warns(void **state)
{
	(void)state;
	char *dir = temp_tree();
	write_file(dir, "pyproject.toml", "[project]\ndependencies = [\"torch>=2\"\n");
	lf_torchreq_list list;
	discover(dir, &list);
	assert_int_equal(list.warning_count, 1);
	assert_non_null(strstr(list.warnings[0], "pyproject.toml: line"));
	lf_torchreq_list_finish(&list);
	remove_tree(dir);
	free(dir);
}

int main(int argc, char **argv)
{
	source_root = argc > 1 ? argv[1] : ".";
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_normalize_name),
	        cmocka_unit_test(test_pep508),
	        cmocka_unit_test(test_conda),
	        cmocka_unit_test(test_pyproject),
	        cmocka_unit_test(test_requirements),
	        cmocka_unit_test(test_setup_cfg),
	        cmocka_unit_test(test_setup_py),
	        cmocka_unit_test(test_environment_yml),
	        cmocka_unit_test(test_no_torch),
	        cmocka_unit_test(test_include_cycles),
	        cmocka_unit_test(test_include_depth_and_remote),
	        cmocka_unit_test(test_columns_in_characters),
	        cmocka_unit_test(test_setup_cfg_file_directive),
	        cmocka_unit_test(test_setuptools_dynamic),
	        cmocka_unit_test(test_poetry),
	        cmocka_unit_test(test_invalid_pyproject_warns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
