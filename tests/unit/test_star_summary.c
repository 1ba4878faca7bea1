/*
 * The star-import summary (loadfix/star_summary.h): what it keeps and
 * leaves out, when it gives up, and the differential check that matters:
 * on real modules (PyTorch's sources from Debian's python3-torch, the
 * standard library, this repository's fixtures) the exports computed from
 * the summary equal those computed from the whole module.
 */
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <unistd.h>

#include "helpers.h"

#include "loadfix/buf.h"
#include "loadfix/parse.h"
#include "loadfix/resolve.h"
#include "loadfix/star_summary.h"

static const char *source_root;

static char *summary_of(const char *code, bool *ok)
{
	lf_buf out;
	lf_buf_init(&out);
	*ok = lf_star_summary((const uint8_t *)code, strlen(code), &out);
	lf_buf_putc(&out, '\0');
	return lf_buf_steal(&out, NULL);
}

static void test_summaries(void **state)
{
	(void)state;
	static const struct {
		const char *code, *expected;
	} cases[] = {
	        {"import torch\n\ndef f(x):\n    return torch.load(x)\n", "import torch\n\ndef f(): pass\n"},
	        {"@decorator(\n  a)\n@other\nasync def g():\n    import pickle\n", "def g(): pass\n"},
	        {"class C(Base, metaclass=M):\n    load = torch.load\n", "class C: pass\n"},
	        /* a body that may bind a module name is kept */
	        {"def f():\n    global load\n    load = torch.load\n",
	         "def f():\n    global load\n    load = torch.load\n"},
	        {"def f(x=(y := torch.load)):\n    pass\n", "def f(x=(y := torch.load)):\n    pass\n"},
	        /* compound statements and their clauses are kept whole */
	        {"try:\n    from yaml import CLoader as L\nexcept ImportError:\n    L = None\nelse:\n    pass\n"
	         "finally:\n    pass\n",
	         "try:\n    from yaml import CLoader as L\nexcept ImportError:\n    L = None\nelse:\n    pass\n"
	         "finally:\n    pass\n"},
	        /* strings and brackets hide what looks like a statement */
	        {"x = '''\ndef f():\n'''\ndef g(): pass\n", "x = '''\ndef f():\n'''\ndef g(): pass\n"},
	        {"x = f\"{a['b']:>{w}}\" rb'\\''\ndef g(): pass\n", "x = f\"{a['b']:>{w}}\" rb'\\''\ndef g(): pass\n"},
	        {"x = f\"{d[\"k\"]}\"\ndef g():\n  x\n", "x = f\"{d[\"k\"]}\"\ndef g(): pass\n"},
	        {"x = (1,\ndef)\nimport os \\\n  ,sys\n", "x = (1,\ndef)\nimport os \\\n  ,sys\n"},
	        {"\xef\xbb\xbf# comment\n\nimport a\n", "import a\n"},
	        {"import a", "import a\n"},
	        {"def f():\n  pass\r\nimport b\r\n", "def f(): pass\nimport b\r\n"},
	};
	int failures = 0;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		bool ok;
		char *got = summary_of(cases[i].code, &ok);
		if (!ok || strcmp(got, cases[i].expected) != 0) {
			print_error("summary of:\n%s\n--- got (%s):\n%s\n--- expected:\n%s\n", cases[i].code,
			            ok ? "ok" : "gave up", got, cases[i].expected);
			failures++;
		}
		free(got);
	}
	assert_int_equal(failures, 0);
}

static void test_gives_up_when_unsure(void **state)
{
	(void)state;
	static const char *const codes[] = {
	        "x = 'unterminated\nimport a\n",
	        "x = '''never closed\n",
	        "x = (1,\n",
	        "x = f'{a'\n",
	        "    import a\n",
	        "import a\rimport b\n",
	        "\fimport a\n",
	        "x = 1)\n",
	        /* segment.c gives up on a non-ASCII identifier (NFKC decides
	         * what it names): the summary would not need to, but one
	         * splitter serves both, and the cost is a whole parse */
	        "def \xef\xbd\x86():\n  pass\n",
	};
	int failures = 0;
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		bool ok;
		char *got = summary_of(codes[i], &ok);
		if (ok || got[0]) {
			print_error("expected the scan to give up on:\n%s\n", codes[i]);
			failures++;
		}
		free(got);
	}
	assert_int_equal(failures, 0);
}

static void collect(void *user, const uint8_t *name, size_t len, uint32_t id)
{
	lf_buf_printf(user, "%.*s=%u;", (int)len, (const char *)name, id);
}

static void exports_of(lf_parser *parser, const uint8_t *bytes, uint32_t len, lf_buf *out, bool *errors)
{
	lf_source src;
	source_from_bytes(&src, (const char *)bytes, len);
	TSTree *tree = lf_parser_parse(parser, src.bytes, src.len);
	*errors = ts_node_has_error(ts_tree_root_node(tree));
	lf_resolve_module_exports(tree, &src, NULL, collect, out);
	ts_tree_delete(tree);
	lf_source_finish(&src);
}

static struct {
	lf_parser *parser;
	unsigned files, summarised, with_exports, differences;
	uint64_t bytes, summary_bytes;
} diff;

static int compare_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	size_t n = strlen(path);
	if (type != FTW_F || n < 3 || strcmp(path + n - 3, ".py") != 0)
		return 0;
	lf_source src;
	char *error = NULL;
	if (!lf_source_read(&src, path, 10u << 20, &error)) {
		free(error);
		return 0;
	}
	diff.files++;
	diff.bytes += src.len;
	lf_buf summary, whole, reduced;
	lf_buf_init(&summary);
	lf_buf_init(&whole);
	lf_buf_init(&reduced);
	bool whole_errors = false, summary_errors = false;
	if (lf_star_summary(src.bytes, src.len, &summary)) {
		exports_of(diff.parser, src.bytes, src.len, &whole, &whole_errors);
		exports_of(diff.parser, (const uint8_t *)summary.data, (uint32_t)summary.len, &reduced,
		           &summary_errors);
		/* the project index parses the whole module when the summary has
		 * errors; a module with errors is not compared (see project.c) */
		if (!summary_errors && !whole_errors) {
			diff.summarised++;
			diff.summary_bytes += summary.len;
			diff.with_exports += whole.len > 0;
			if (whole.len != reduced.len ||
			    (whole.len && memcmp(whole.data, reduced.data, whole.len) != 0)) {
				print_error("%s: exports differ\nwhole:   %s\nsummary: %s\n", path,
				            whole.len ? whole.data : "", reduced.len ? reduced.data : "");
				diff.differences++;
			}
		}
	}
	lf_buf_finish(&summary);
	lf_buf_finish(&whole);
	lf_buf_finish(&reduced);
	lf_source_finish(&src);
	return 0;
}

static void test_same_exports_as_whole_module(void **state)
{
	(void)state;
	diff.parser = lf_parser_create();
	char fixtures[4096];
	snprintf(fixtures, sizeof fixtures, "%s/tests", source_root);
	/* PyTorch is a test dependency (python3-torch); the standard library
	 * is Debian's python3's, whichever version that is */
	char stdlib[4096] = "";
	DIR *lib = opendir("/usr/lib");
	assert_non_null(lib);
	for (struct dirent *e; (e = readdir(lib));) {
		char typing[4096];
		snprintf(typing, sizeof typing, "/usr/lib/%s/typing.py", e->d_name);
		if (strncmp(e->d_name, "python3.", 8) == 0 && access(typing, R_OK) == 0)
			snprintf(stdlib, sizeof stdlib, "/usr/lib/%s", e->d_name);
	}
	closedir(lib);
	assert_true(stdlib[0] != '\0');
	const char *const roots[] = {fixtures, "/usr/lib/python3/dist-packages/torch", stdlib};
	for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++)
		assert_int_equal(nftw(roots[i], compare_one, 16, FTW_PHYS), 0);
	lf_parser_destroy(diff.parser);
	print_message("star summary: %u of %u modules summarised (%u with exports), %.1f of %.1f MB parsed\n",
	              diff.summarised, diff.files, diff.with_exports, diff.summary_bytes / 1e6, diff.bytes / 1e6);
	assert_int_equal(diff.differences, 0);
	/* the corpus was really read, and most of it summarised */
	assert_true(diff.files > 1000);
	assert_true(diff.summarised * 10 > diff.files * 9);
	assert_true(diff.with_exports > 100);
}

int main(int argc, char **argv)
{
	source_root = argc > 1 ? argv[1] : ".";
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_summaries),
	        cmocka_unit_test(test_gives_up_when_unsure),
	        cmocka_unit_test(test_same_exports_as_whole_module),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
