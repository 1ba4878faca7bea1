/*
 * Wrapper discovery and wrapper calls (loadfix/wrappers.h), alone and
 * across a small project written to a temporary directory; and the
 * prefilter's promise for them: a file in which a wrapper call is found
 * always spells `weights_only` (lf_prefilter_names_weights_only), so the
 * pipeline never skips it.
 */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

#include "loadfix/parse.h"
#include "loadfix/prefilter.h"
#include "loadfix/project.h"
#include "loadfix/resolve.h"
#include "loadfix/wrappers.h"

/* The wrappers `code` (the file `path`) defines, their names joined by
 * spaces, in discovery order; caller frees. */
static char *discover(const char *code, const char *path, lf_project *project)
{
	lf_source src;
	source_from(&src, code);
	lf_parser *parser = lf_parser_create();
	TSTree *tree = lf_parser_parse(parser, src.bytes, src.len);
	lf_resolve_context context = {.project = project, .path = path};
	lf_refs refs;
	lf_refs_init(&refs);
	lf_resolve_load_refs_in(tree, &src, &context, &refs);
	lf_wrappers found;
	lf_wrappers_init(&found);
	lf_wrappers_discover(tree, &src, &context, &refs, &found);
	char *names = calloc(1, 1);
	for (size_t i = 0; i < found.count; i++) {
		size_t len = strlen(names);
		names = realloc(names, len + strlen(found.items[i].name) + 2);
		sprintf(names + len, "%s%s", len ? " " : "", found.items[i].name);
	}
	lf_wrappers_finish(&found);
	lf_refs_finish(&refs);
	ts_tree_delete(tree);
	lf_parser_destroy(parser);
	lf_source_finish(&src);
	return names;
}

static void test_discovers_forwarding_functions_only(void **state)
{
	(void)state;
	const char *code = "import torch\n"
	                   "def direct(p, weights_only=True):\n"
	                   "    return torch.load(p, weights_only=weights_only)\n"
	                   "def typed(p, *, weights_only: bool = True):\n"
	                   "    return torch.load(p, weights_only=(weights_only))\n"
	                   "def splat(p, **kw):\n"
	                   "    return torch.load(p, **kw)\n"
	                   "def chained(p, **kw):\n"
	                   "    return splat(p, **kw)\n"
	                   "def ignoring(p, weights_only=True):\n"
	                   "    return torch.load(p, weights_only=True)\n"
	                   "def other_splat(p, **kw):\n"
	                   "    opts = {}\n"
	                   "    return torch.load(p, **opts)\n"
	                   "def own_keyword(p, **kw):\n"
	                   "    return torch.load(p, weights_only=False, **kw)\n"
	                   "class C:\n"
	                   "    def method(self, p, weights_only=True):\n"
	                   "        return torch.load(p, weights_only=weights_only)\n"
	                   "def outer(p):\n"
	                   "    def inner(q, weights_only=True):\n"
	                   "        return torch.load(q, weights_only=weights_only)\n"
	                   "    return inner(p)\n"
	                   "lam = lambda p, weights_only=True: torch.load(p, weights_only=weights_only)\n";
	char *names = discover(code, "m.py", NULL);
	assert_string_equal(names, "direct typed splat chained");
	free(names);
}

static void test_describe_names_module_and_place(void **state)
{
	(void)state;
	const char *code = "import torch\n\ndef load(p, **kw):\n    return torch.load(p, **kw)\n";
	lf_source src;
	source_from(&src, code);
	lf_parser *parser = lf_parser_create();
	TSTree *tree = lf_parser_parse(parser, src.bytes, src.len);
	lf_resolve_context context = {.path = "pkg/__init__.py"};
	lf_refs refs;
	lf_refs_init(&refs);
	lf_resolve_load_refs_in(tree, &src, &context, &refs);
	lf_wrappers found;
	lf_wrappers_init(&found);
	lf_wrappers_discover(tree, &src, &context, &refs, &found);
	assert_int_equal(found.count, 1);
	assert_true(found.items[0].kwargs);
	char *text = lf_wrapper_describe(&found.items[0]);
	assert_string_equal(text, "`pkg.load` forwards `weights_only` to `torch.load` (pkg/__init__.py:4)");
	free(text);
	lf_wrappers_finish(&found);
	lf_refs_finish(&refs);
	ts_tree_delete(tree);
	lf_parser_destroy(parser);
	lf_source_finish(&src);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* How many wrapper calls `code`, as the file `path` of `project`, holds. */
static uint32_t wrapper_calls(const char *code, const char *path, lf_project *project)
{
	lf_source src;
	source_from(&src, code);
	lf_parser *parser = lf_parser_create();
	TSTree *tree = lf_parser_parse(parser, src.bytes, src.len);
	lf_resolve_context context = {.project = project, .path = path};
	lf_refs refs;
	lf_refs_init(&refs);
	lf_resolve_load_refs_in(tree, &src, &context, &refs);
	lf_wrappers own;
	lf_wrappers_init(&own);
	lf_wrappers_discover(tree, &src, &context, &refs, &own);
	uint32_t before = refs.count;
	lf_wrappers_add_calls(tree, &src, &context, &own, &refs);
	uint32_t calls = refs.count - before;
	lf_wrappers_finish(&own);
	lf_refs_finish(&refs);
	ts_tree_delete(tree);
	lf_parser_destroy(parser);
	lf_source_finish(&src);
	return calls;
}

typedef struct caller_case {
	const char *code;
	uint32_t calls;
} caller_case;

static const caller_case callers[] = {
        {"from pkg.io import load\nload('a', weights_only=False)\n", 1},
        {"from pkg.io import load as l\nl('a', weights_only=x)\nl('b')\n", 1},
        {"import pkg.io\npkg.io.load('a', weights_only=False)\n", 1},
        {"import pkg.io as io\nio.load_kw('a', weights_only=False)\n", 1},
        {"from pkg import io\nio.load('a', weights_only=False)\n", 1},
        {"from .io import load\nload('a', weights_only=False)\n", 1},
        {"from . import io\nio.load('a', weights_only=False)\n", 1},
        {"from pkg.chains import chain\nchain('a', weights_only=False)\n", 1},
        {"from pkg.io import chain\nchain('a', weights_only=False)\n", 0}, /* io defines no chain */
        {"from pkg.io import load\ndef f(load):\n    load('a', weights_only=False)\n", 0},
        {"from pkg.io import load\nload = other\nload('a', weights_only=False)\n", 0},
        {"from pkg.io import ignoring\nignoring('a', weights_only=False)\n", 0},
        {"from pkg.unrelated import load\nload('a', weights_only=False)\n", 0},
        {"from nowhere import load\nload('a', weights_only=False)\n", 0},
        {"from pkg.io import load\nload('a', False)\n", 0}, /* positional: not followed (README) */
        /* LF106's any-callee row ties the call to a target too: still a wrapper call */
        {"from pkg.io import load\nload('a', weights_only=False, trust_remote_code=True)\n", 1},
        {"from pkg.io import load\nload('a', ｗｅｉｇｈｔｓ_only=False)\n", 1},
};

static void test_calls_across_a_project_and_the_prefilter(void **state)
{
	(void)state;
	char dir[] = "/tmp/loadfix-wrappers-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *cwd = getcwd(NULL, 0);
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(mkdir("pkg", 0700), 0);
	write_file("pkg/__init__.py", "");
	write_file("pkg/io.py", "import torch\n"
	                        "def load(p, weights_only=True):\n"
	                        "    return torch.load(p, weights_only=weights_only)\n"
	                        "def load_kw(p, **kw):\n"
	                        "    return torch.load(p, **kw)\n"
	                        "def ignoring(p, weights_only=True):\n"
	                        "    return torch.load(p, weights_only=True)\n");
	/* a wrapper of a wrapper in a module that never names torch */
	write_file("pkg/chains.py", "from pkg.io import load_kw\ndef chain(p, **kw):\n    return load_kw(p, **kw)\n");
	write_file("pkg/unrelated.py", "def load(p, weights_only=True):\n    return p\n");
	const char *paths[] = {"pkg/__init__.py", "pkg/io.py", "pkg/chains.py", "pkg/unrelated.py", "pkg/caller.py"};
	lf_project *project = lf_project_create(paths, sizeof paths / sizeof paths[0]);
	int failures = 0;
	for (size_t i = 0; i < sizeof callers / sizeof callers[0]; i++) {
		const caller_case *c = &callers[i];
		uint32_t expected = c->calls;
		uint32_t got = wrapper_calls(c->code, "pkg/caller.py", project);
		if (got != expected) {
			print_error("case %zu: %u wrapper calls, want %u:\n%s\n", i, got, expected, c->code);
			failures++;
		}
		/* the prefilter's promise: never skip a file with a wrapper call */
		if (got && !lf_prefilter_names_weights_only((const uint8_t *)c->code, strlen(c->code))) {
			print_error("case %zu: the prefilter would skip a wrapper call:\n%s\n", i, c->code);
			failures++;
		}
	}
	lf_project_destroy(project);
	assert_int_equal(chdir(cwd), 0);
	free(cwd);
	char cleanup[128];
	snprintf(cleanup, sizeof cleanup, "rm -rf '%s'", dir);
	assert_int_equal(system(cleanup), 0);
	assert_int_equal(failures, 0);
}

/* Hostile depth: a wrapper call 100,000 attribute accesses deep, a callee
 * chain as long, and a wrapper whose torch.load call is as deep, in linear
 * time and without deep recursion (the hostile e2e suite has a time limit). */
static void test_deep_nesting_is_linear(void **state)
{
	(void)state;
	enum { N = 100000 };
	const char *head = "import torch\n"
	                   "def load(p, weights_only=True):\n"
	                   "    return torch.load(p, weights_only=weights_only)";
	size_t cap = strlen(head) + 8 * (size_t)N + 256;
	char *code = malloc(cap);
	assert_non_null(code);
	strcpy(code, head);
	size_t len = strlen(code);
	for (int i = 0; i < N; i++, len += 2)
		memcpy(code + len, ".a", 2);
	len += (size_t)sprintf(code + len, "\nx = load(p, weights_only=False)");
	for (int i = 0; i < N; i++, len += 2)
		memcpy(code + len, ".a", 2);
	len += (size_t)sprintf(code + len, "\ny = ");
	for (int i = 0; i < N; i++, len += 2)
		memcpy(code + len, "q.", 2);
	sprintf(code + len, "load(p, weights_only=False)\n");
	char *names = discover(code, "deep.py", NULL);
	assert_string_equal(names, "load");
	free(names);
	/* the call on x is a wrapper call; y's callee is no module's */
	assert_int_equal(wrapper_calls(code, "deep.py", NULL), 1);
	free(code);
}

static void test_prefilter_word(void **state)
{
	(void)state;
	const char *yes = "x = f(p, weights_only=False)\n", *no = "x = f(p, weights=False)\n";
	const char *full_width = "x = f(p, ｗｅｉｇｈｔｓ_only=False)\n";
	assert_true(lf_prefilter_names_weights_only((const uint8_t *)yes, strlen(yes)));
	assert_false(lf_prefilter_names_weights_only((const uint8_t *)no, strlen(no)));
	assert_true(lf_prefilter_names_weights_only((const uint8_t *)full_width, strlen(full_width)));
}

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_discovers_forwarding_functions_only),
	        cmocka_unit_test(test_describe_names_module_and_place),
	        cmocka_unit_test(test_calls_across_a_project_and_the_prefilter),
	        cmocka_unit_test(test_deep_nesting_is_linear),
	        cmocka_unit_test(test_prefilter_word),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
