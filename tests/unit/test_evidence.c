/*
 * LF001's fix-safety evidence (loadfix/evidence.h) alone: the verdict for
 * one load from its own file, the saves a file makes to literal paths
 * (what the project's index is built from) and how literal paths are
 * normalised; the project's index across files (loadfix/save_index.h,
 * lf_project_saved: the unsafe kind wins, the asker's own file is left
 * out); and the prefilter's promise for it: every save that
 * lf_evidence_file_saves finds is in a file lf_save_index_may_save lets
 * through, checked on PyTorch's own sources.
 */
#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

#include "loadfix/buf.h"
#include "loadfix/evidence.h"
#include "loadfix/parse.h"
#include "loadfix/project.h"
#include "loadfix/resolve.h"
#include "loadfix/save_index.h"

/* The call at byte `at` of the tree (the innermost call starting there). */
static TSNode call_at(TSTree *tree, uint32_t at)
{
	TSNode node = ts_node_descendant_for_byte_range(ts_tree_root_node(tree), at, at);
	while (!ts_node_is_null(node) && strcmp(ts_node_type(node), "call") != 0)
		node = ts_node_parent(node);
	assert_false(ts_node_is_null(node));
	return node;
}

/* The evidence for the n-th `torch.load(` of `code` (whose path argument
 * is its first), as the file `path` of `project` (may be NULL); with its
 * explanation in *why when unsafe (caller frees). */
static lf_evidence_kind judge_nth(const char *code, int n, lf_project *project, const char *path, char **why)
{
	lf_source src;
	source_from(&src, code);
	lf_parser *parser = lf_parser_create();
	TSTree *tree = lf_parser_parse(parser, src.bytes, src.len);
	TSNode call = call_at(tree, offset_of_nth(code, "torch.load(", n));
	TSNode arguments = ts_node_child_by_field_name(call, "arguments", 9);
	TSNode first = ts_node_named_child_count(arguments) ? ts_node_named_child(arguments, 0) : (TSNode){0};
	lf_evidence_file *file = lf_evidence_file_create(tree, &src);
	if (project)
		lf_evidence_file_set_project(file, project, path);
	lf_evidence evidence;
	lf_evidence_judge(file, call, first, &evidence);
	if (why)
		*why = lf_evidence_unsafe(&evidence) ? lf_evidence_explain(&evidence, &src) : NULL;
	lf_evidence_file_destroy(file);
	ts_tree_delete(tree);
	lf_parser_destroy(parser);
	lf_source_finish(&src);
	return evidence.kind;
}

static lf_evidence_kind judge(const char *code)
{
	return judge_nth(code, 0, NULL, NULL, NULL);
}

static void test_judges_one_file(void **state)
{
	(void)state;
	const char *module = "import torch\nimport torch.nn as nn\n"
	                     "m = nn.Linear(2, 2)\n"
	                     "torch.save(m.eval(), 'm.pt')\n"
	                     "x = torch.load(\"m.pt\")\n";
	assert_int_equal(judge(module), LF_EVIDENCE_MODULE_SAVED);
	const char *state_dict = "import torch\n"
	                         "torch.save(model.state_dict(), p)\n"
	                         "x = torch.load(p)\n";
	assert_int_equal(judge(state_dict), LF_EVIDENCE_STATE_DICT);
	const char *namespace = "import torch\n"
	                        "args = parser.parse_args()\n"
	                        "torch.save({'args': args, 'sd': sd}, 'c.pt')\n"
	                        "x = torch.load('c.pt')\n";
	assert_int_equal(judge(namespace), LF_EVIDENCE_NAMESPACE_SAVED);
	const char *vars_args = "import torch\n"
	                        "args = parser.parse_args()\n"
	                        "torch.save({'args': vars(args)}, 'c.pt')\n"
	                        "x = torch.load('c.pt')\n";
	assert_int_equal(judge(vars_args), LF_EVIDENCE_NONE);
	const char *numpy = "import numpy as np, torch\n"
	                    "torch.save({'a': np.zeros(3)}, 'n.pt')\n"
	                    "x = torch.load('n.pt')\n";
	assert_int_equal(judge(numpy), LF_EVIDENCE_NUMPY_SAVED);
	const char *used = "import torch\nm = torch.load(p)\nm.eval()\n";
	assert_int_equal(judge(used), LF_EVIDENCE_USED_AS_MODULE);
	const char *fallback = "import torch\n"
	                       "try:\n    x = torch.load(p, weights_only=True)\n"
	                       "except TypeError:\n    x = torch.load(p)\n";
	assert_int_equal(judge_nth(fallback, 1, NULL, NULL, NULL), LF_EVIDENCE_TYPEERROR_FALLBACK);
	const char *retry = "import torch\n"
	                    "try:\n    x = torch.load(p, weights_only=True)\n"
	                    "except Exception:\n    x = torch.load(p)\n";
	assert_int_equal(judge_nth(retry, 1, NULL, NULL, NULL), LF_EVIDENCE_RETRY_FALLBACK);
	/* the unsafe kind wins over a state_dict to the same path */
	const char *both = "import torch, torch.nn as nn\n"
	                   "torch.save(model.state_dict(), 'b.pt')\n"
	                   "torch.save(nn.Linear(1, 1), 'b.pt')\n"
	                   "x = torch.load('b.pt')\n";
	assert_int_equal(judge(both), LF_EVIDENCE_MODULE_SAVED);
	/* an unrelated path, a save of another module's `save` */
	const char *other = "import torch, torch.nn as nn\n"
	                    "torch.save(nn.Linear(1, 1), 'a.pt')\n"
	                    "x = torch.load('b.pt')\n";
	assert_int_equal(judge(other), LF_EVIDENCE_NONE);
}

static void test_literal_paths_link(void **state)
{
	(void)state;
	/* "./out//m.pt" is "out/m.pt", and so is os.path.join("out", "m.pt") */
	const char *normalised = "import os, torch, torch.nn as nn\n"
	                         "torch.save(nn.Linear(1, 1), './out//m.pt')\n"
	                         "x = torch.load(os.path.join('out', 'm.pt'))\n";
	assert_int_equal(judge(normalised), LF_EVIDENCE_MODULE_SAVED);
	/* an absolute part restarts the join, as posixpath.join does */
	const char *absolute = "import os, torch, torch.nn as nn\n"
	                       "torch.save(nn.Linear(1, 1), '/ckpt/m.pt')\n"
	                       "x = torch.load(os.path.join('out', '/ckpt', 'm.pt'))\n";
	assert_int_equal(judge(absolute), LF_EVIDENCE_MODULE_SAVED);
	/* ".." is kept */
	const char *parent = "import torch, torch.nn as nn\n"
	                     "torch.save(nn.Linear(1, 1), 'a/../m.pt')\n"
	                     "x = torch.load('m.pt')\n";
	assert_int_equal(judge(parent), LF_EVIDENCE_NONE);
	/* a name bound to one literal links by the literal */
	const char *constant = "import torch, torch.nn as nn\n"
	                       "CKPT = 'last.pt'\n"
	                       "torch.save(nn.Linear(1, 1), CKPT)\n"
	                       "x = torch.load('last.pt')\n";
	assert_int_equal(judge(constant), LF_EVIDENCE_MODULE_SAVED);
	/* ... not one bound to two */
	const char *two = "import torch, torch.nn as nn\n"
	                  "CKPT = 'last.pt'\nCKPT = 'best.pt'\n"
	                  "torch.save(nn.Linear(1, 1), CKPT)\n"
	                  "x = torch.load('last.pt')\n";
	assert_int_equal(judge(two), LF_EVIDENCE_NONE);
	/* an f-string with fields is no literal */
	const char *fstring = "import torch, torch.nn as nn\n"
	                      "torch.save(nn.Linear(1, 1), f'{d}/m.pt')\n"
	                      "x = torch.load('/m.pt')\n";
	assert_int_equal(judge(fstring), LF_EVIDENCE_NONE);
}

static void collect_save(void *user, const lf_evidence_save *save)
{
	lf_buf *out = user;
	static const char *const kinds[] = {[LF_EVIDENCE_STATE_DICT] = "state_dict",
	                                    [LF_EVIDENCE_MODULE_SAVED] = "module",
	                                    [LF_EVIDENCE_NAMESPACE_SAVED] = "namespace",
	                                    [LF_EVIDENCE_NUMPY_SAVED] = "numpy"};
	const char *kind = save->kind < sizeof kinds / sizeof kinds[0] && kinds[save->kind] ? kinds[save->kind] : "?";
	lf_buf_printf(out, "%s%s=%s", out->len ? " " : "", save->path, kind);
}

/* The saves `code` makes to literal paths, as "path=kind" joined by
 * spaces; caller frees. */
static char *saves_of(const char *code)
{
	lf_source src;
	source_from(&src, code);
	lf_parser *parser = lf_parser_create();
	TSTree *tree = lf_parser_parse(parser, src.bytes, src.len);
	lf_evidence_file *file = lf_evidence_file_create(tree, &src);
	lf_buf out;
	lf_buf_init(&out);
	lf_buf_puts(&out, "");
	lf_evidence_file_saves(file, collect_save, &out);
	lf_evidence_file_destroy(file);
	ts_tree_delete(tree);
	lf_parser_destroy(parser);
	lf_source_finish(&src);
	return lf_buf_steal(&out, NULL);
}

static void test_finds_torch_saves_to_literals(void **state)
{
	(void)state;
	char *found = saves_of("import torch\nimport torch.nn as nn\n"
	                       "class Net(nn.Module):\n    pass\n"
	                       "torch.save(Net(), 'a.pt')\n"
	                       "torch.save(Net().state_dict(), f='./b.pt')\n"
	                       "torch.save(unknown, 'c.pt')\n"
	                       "torch.save(Net(), f'{d}.pt')\n"
	                       "np.save('d.npy', Net())\n"
	                       "model.save('e.pt')\n");
	assert_string_equal(found, "a.pt=module b.pt=state_dict");
	free(found);
	found = saves_of("import torch as th\n"
	                 "args = parser.parse_args()\n"
	                 "th.save({'args': args}, 'a.pt')\n"
	                 "torch.save({'x': x.numpy()}, 'b.pt')\n");
	assert_string_equal(found, "a.pt=namespace b.pt=numpy");
	free(found);
	found = saves_of("from torch import save\nimport torch.nn as nn\nsave(nn.Linear(1, 1), 'a.pt')\n");
	assert_string_equal(found, "a.pt=module");
	free(found);
	/* a bare `save` that is not torch's */
	found = saves_of("from mylib import save\nimport torch.nn as nn\nsave(nn.Linear(1, 1), 'a.pt')\n");
	assert_string_equal(found, "");
	free(found);
}

static void test_may_save(void **state)
{
	(void)state;
	const char *yes[] = {"import torch\ntorch.save(m, p)\n", "import torch as th\nth.save (m, p)\n",
	                     "from torch import save\nsave\\\n(m, p)\n"};
	const char *no[] = {"import torch\nmodel.save_pretrained(p)\n", "torch.load(p)\nautosave(x)\n",
	                    "pickle.save(m, p)\n", "import torch\nsave = 1\n"};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		assert_true(lf_save_index_may_save((const uint8_t *)yes[i], strlen(yes[i])));
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		assert_false(lf_save_index_may_save((const uint8_t *)no[i], strlen(no[i])));
}

static void count_save(void *user, const lf_evidence_save *save)
{
	(void)save;
	(*(uint32_t *)user)++;
}

/* The promise, on a tree of real sources: no file with a save that
 * lf_evidence_file_saves finds is turned away by the cheap test. */
static void check_tree(const char *dir, lf_parser *parser, uint32_t *files, uint32_t *with_saves, int *failures)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		if (e->d_name[0] == '.')
			continue;
		char *path = lf_xasprintf("%s/%s", dir, e->d_name);
		struct stat st;
		size_t len = strlen(e->d_name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			check_tree(path, parser, files, with_saves, failures);
		} else if (S_ISREG(st.st_mode) && len > 3 && strcmp(e->d_name + len - 3, ".py") == 0) {
			lf_source src;
			char *error = NULL;
			/* a file without "save" cannot hold a call named save:
			 * only the others need a parse */
			if (lf_source_read(&src, path, (uint64_t)10 << 20, &error) &&
			    memmem(src.bytes, src.len, "save", 4)) {
				TSTree *tree = lf_parser_parse(parser, src.bytes, src.len);
				lf_evidence_file *file = lf_evidence_file_create(tree, &src);
				uint32_t saves = 0;
				lf_evidence_file_saves(file, count_save, &saves);
				(*files)++;
				*with_saves += saves > 0;
				if (saves && !lf_save_index_may_save(src.bytes, src.len)) {
					print_error("%s: %u saves, but lf_save_index_may_save says none\n", path,
					            saves);
					(*failures)++;
				}
				lf_evidence_file_destroy(file);
				ts_tree_delete(tree);
			}
			free(error);
			if (src.bytes)
				lf_source_finish(&src);
		}
		free(path);
	}
	closedir(d);
}

static const char *source_root = ".";

static void test_may_save_never_misses_on_pytorch(void **state)
{
	(void)state;
	/* PyTorch's sources (many calls of save, few to literal paths) and
	 * the golden fixtures (saves to literals of every kind) */
	char *golden = lf_xasprintf("%s/tests/golden", source_root);
	const char *roots[] = {"/usr/lib/python3/dist-packages/torch", "/usr/lib/python3/dist-packages/torchvision",
	                       golden};
	lf_parser *parser = lf_parser_create();
	uint32_t files = 0, with_saves = 0;
	int failures = 0;
	for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++)
		check_tree(roots[i], parser, &files, &with_saves, &failures);
	lf_parser_destroy(parser);
	free(golden);
	print_message("%u files spelling save, %u with a torch.save to a literal path\n", files, with_saves);
	assert_true(with_saves >= 5);
	assert_int_equal(failures, 0);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_project_across_files(void **state)
{
	(void)state;
	char dir[] = "/tmp/loadfix-evidence-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *cwd = getcwd(NULL, 0);
	assert_int_equal(chdir(dir), 0);
	/* the state_dict's file comes first in path order */
	write_file("a.py", "import torch\ntorch.save(model.state_dict(), 'ckpt.pt')\n"
	                   "torch.save(model.state_dict(), 'sd.pt')\n");
	write_file("b.py", "import torch, torch.nn as nn\n\n"
	                   "torch.save(nn.Linear(2, 2), 'ckpt.pt')\n");
	/* no call of save: never parsed for it */
	write_file("c.py", "import torch\nx = 1\n");
	const char *paths[] = {"b.py", "a.py", "c.py", "eval.py"};
	lf_project *project = lf_project_create(paths, sizeof paths / sizeof paths[0]);
	lf_project_save found;
	/* a state_dict in a.py, a module in b.py: unsafe, told with b.py's line */
	assert_true(lf_project_saved(project, "eval.py", "ckpt.pt", &found));
	assert_int_equal(found.kind, LF_EVIDENCE_MODULE_SAVED);
	assert_string_equal(found.where, "b.py:3");
	assert_string_equal(found.path, "ckpt.pt");
	/* the asker's own saves are its file's evidence, not the project's */
	assert_true(lf_project_saved(project, "b.py", "ckpt.pt", &found));
	assert_int_equal(found.kind, LF_EVIDENCE_STATE_DICT);
	assert_true(lf_project_saved(project, "eval.py", "sd.pt", &found));
	assert_int_equal(found.kind, LF_EVIDENCE_STATE_DICT);
	assert_false(lf_project_saved(project, "eval.py", "other.pt", &found));
	/* two files parsed, c.py not */
	assert_int_equal(lf_project_save_files_parsed(project), 2);

	/* the load's message names the other file and the path */
	char *why = NULL;
	assert_int_equal(judge_nth("import torch\nx = torch.load('./ckpt.pt')\n", 0, project, "eval.py", &why),
	                 LF_EVIDENCE_MODULE_SAVED);
	assert_non_null(why);
	assert_non_null(strstr(why, "`b.py:3` saves a whole module to \"ckpt.pt\", which `weights_only=True` "
	                            "refuses to load; save the state_dict instead"));
	free(why);
	/* this file's own unsafe evidence is told first */
	assert_int_equal(judge_nth("import torch\nm = torch.load('ckpt.pt')\nm.eval()\n", 0, project, "eval.py", &why),
	                 LF_EVIDENCE_USED_AS_MODULE);
	assert_non_null(strstr(why, "(line 3)"));
	free(why);
	/* a state_dict elsewhere confirms the safe fix */
	assert_int_equal(judge_nth("import torch\nx = torch.load('sd.pt')\n", 0, project, "eval.py", NULL),
	                 LF_EVIDENCE_STATE_DICT);
	lf_project_destroy(project);

	/* a project of no files (`--fix -`) knows no saves */
	lf_project *empty = lf_project_create(NULL, 0);
	assert_false(lf_project_saved(empty, "eval.py", "ckpt.pt", &found));
	lf_project_destroy(empty);

	assert_int_equal(chdir(cwd), 0);
	free(cwd);
	char cleanup[128];
	snprintf(cleanup, sizeof cleanup, "rm -rf '%s'", dir);
	assert_int_equal(system(cleanup), 0);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		source_root = argv[1];
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_judges_one_file),
	        cmocka_unit_test(test_literal_paths_link),
	        cmocka_unit_test(test_finds_torch_saves_to_literals),
	        cmocka_unit_test(test_may_save),
	        cmocka_unit_test(test_may_save_never_misses_on_pytorch),
	        cmocka_unit_test(test_project_across_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
