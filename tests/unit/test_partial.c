/* The statement splitter (segment.c) and the statement selection of partial
 * parsing (partial.c). */
#include "helpers.h"

#include <dirent.h>
#include <stdio.h>

#include "loadfix/partial.h"
#include "loadfix/segment.h"

/* Splits `code` and checks that the segments start with the lines in
 * `firsts` ('|'-separated first lines), in order. */
static void assert_segments(const char *code, const char *firsts)
{
	lf_segments segs;
	lf_segments_init(&segs);
	uint32_t len = (uint32_t)strlen(code);
	assert_true(lf_segments_split((const uint8_t *)code, len, &segs));
	char got[1024] = "";
	for (uint32_t i = 0; i < segs.count; i++) {
		const char *start = code + segs.items[i].start;
		size_t n = strcspn(start, "\n");
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%.*s", i ? "|" : "", (int)n, start);
		if (i > 0)
			assert_int_equal(segs.items[i].start, segs.items[i - 1].end);
	}
	assert_int_equal(segs.items[0].start, 0);
	assert_int_equal(segs.items[segs.count - 1].end, len);
	assert_string_equal(got, firsts);
	lf_segments_finish(&segs);
}

static bool sure(const char *code)
{
	lf_segments segs;
	lf_segments_init(&segs);
	bool ok = lf_segments_split((const uint8_t *)code, (uint32_t)strlen(code), &segs);
	lf_segments_finish(&segs);
	return ok;
}

static void test_statements(void **state)
{
	(void)state;
	assert_segments("import torch\nx = 1\n", "import torch|x = 1");
	assert_segments("# c\nimport a\n# d\n\nb\n", "# c|b");
	assert_segments("x = (\n1,\n2)\ny = [\n]\n", "x = (|y = [");
	assert_segments("x = 1 + \\\n2\ny\n", "x = 1 + \\|y");
	assert_segments("x = 1\r\ny = 2\r\nz = 3", "x = 1\r|y = 2\r|z = 3");
	assert_segments("def f():\n    a\n# col 0 comment\n    b\nc\n", "def f():|c");
	assert_segments("\xEF\xBB\xBFimport torch\nx\n", "\xEF\xBB\xBFimport torch|x");
}

static void test_decorators_and_clauses(void **state)
{
	(void)state;
	assert_segments("@dec\n@dec2(\n  1)\ndef f():\n    pass\nx = 1\n", "@dec|x = 1");
	assert_segments("if a:\n  b\nelif c:\n  d\nelse:\n  e\ntry:\n  f\nexcept E:\n  g\nfinally:\n  h\nz\n",
	                "if a:|try:|z");
	assert_segments("for a in b:\n  c\nelse:\n  d\nelsewhere = 1\n", "for a in b:|elsewhere = 1");
}

static void test_strings(void **state)
{
	(void)state;
	assert_segments("x = \"\"\"\nimport torch\ny = 1\n\"\"\"\nz = 2\n", "x = \"\"\"|z = 2");
	assert_segments("x = '''a\n'b'\n'''\nz = 2\n", "x = '''a|z = 2");
	assert_segments("x = Rb'a\\'b'\ny = 2\n", "x = Rb'a\\'b'|y = 2");
	assert_segments("x = 'a\\\nb'\ny = 2\n", "x = 'a\\|y = 2");
	assert_segments("x = '#'\ny = 2\n", "x = '#'|y = 2");
	/* f-strings: nested quotes (PEP 701), nested f-strings, format specs
	 * holding a quote, escaped braces */
	assert_segments("x = f\"{d[\"k\"]}\"\ny = 1\n", "x = f\"{d[\"k\"]}\"|y = 1");
	assert_segments("x = fR'''{f\"{a}\"}\nimport os'''\ny = 1\n", "x = fR'''{f\"{a}\"}|y = 1");
	assert_segments("x = f\"{v:'>10}\"\ny = 1\n", "x = f\"{v:'>10}\"|y = 1");
	assert_segments("x = f\"{v!r:{w}}\"\ny = 1\n", "x = f\"{v!r:{w}}\"|y = 1");
	assert_segments("x = f\"{{\" + '}'\ny = 1\n", "x = f\"{{\" + '}'|y = 1");
	assert_segments("x = f\"{a != b}\"\ny = 1\n", "x = f\"{a != b}\"|y = 1");
}

static void test_unsure(void **state)
{
	(void)state;
	assert_true(sure("x = 1\n"));
	assert_false(sure("x = 'abc\ny = 1\n"));          /* unterminated string */
	assert_false(sure("x = '''abc\ny = 1\n"));        /* unterminated triple */
	assert_false(sure("x = (\ny = 1\n"));             /* open bracket */
	assert_false(sure("x = 1)\ny = 1\n"));            /* unbalanced close */
	assert_false(sure("\xEF\xBD\x94orch.load(x)\n")); /* fullwidth t: NFKC makes it torch */
	assert_false(sure("x = f'''{a # c\n}'''\n"));     /* a comment in a field */
	assert_false(sure("x = f'{a'\n"));                /* the f-string ends in a field */
	assert_false(sure("x = 1 \\ y\n"));               /* a stray backslash */
	assert_false(sure("x = 1\ry = 2\n"));             /* a carriage return alone */
	assert_false(sure("x = 1 \\\ry = 2\n"));          /* ... after a backslash */
	assert_false(sure("x = 1\n\fdef f(): pass\n"));   /* a form feed resets the column */
	assert_false(sure("    import a\n"));             /* an indented first statement */
}

/* Where Python allows no NEWLINE, tree-sitter joins the next line into the
 * statement, without an error: a split there would change the parse. */
static void test_lines_tree_sitter_joins(void **state)
{
	(void)state;
	static const char *const joined[] = {
	        "import torch as\nth\n",
	        "from torch import\nload\n",
	        "from torch import # c\nload\n",
	        "x =\ny\n",
	        "x = a +\nb\n",
	        "t = torch.\nload\n",
	        "x = not\ny\n",
	        "x = a if b else\nc\n",
	        "x = lambda:\ny\n",
	        "d:\nint\n",
	        "@\nfoo\ndef f(): pass\n",
	        "def f() ->\nint: pass\n",
	        "del\nx\n",
	        "global\nx\n",
	        "x = a in\nb\n",
	        "x = -\n1\n",
	        "def f():\n    x = a or\n    b\n",
	        "from m\nimport torch\n",
	        "from m # c\n\nimport torch\n",
	        "assert x,\ny\n",
	        "global a,\nb\n",
	        "for x in y\n: pass\n",
	        "class A(B)\n: pass\n",
	        "f = lambda x\n: x\n",
	        "if a: f = lambda x\n: x\n",
	};
	for (size_t i = 0; i < sizeof joined / sizeof joined[0]; i++)
		if (sure(joined[i]))
			fail_msg("split where tree-sitter joins: %s", joined[i]);
	/* lines that do end where they seem to */
	static const char *const ended[] = {
	        "if x:\n  y\n",
	        "class A(B):\n  pass\n",
	        "from a import *\ny\n",
	        "x = ...\ny\n",
	        "def f(): ...\ny\n",
	        "msg = f\"{x:.2f}\"\ny\n",
	        "x = f\"{a}\" 'b:'\ny\n",
	        "try:\n  a\nexcept E:\n  b\n",
	        "return\n",
	        "from . import (a,\n  b)\nc\n",
	        "f = lambda x: x\ny\n",
	        "if a: b\nc\n",
	        "match = 1\ny\n",
	        "with a as b, c:\n  pass\nd\n",
	        "yield\nx\n",
	        "async def f():\n  pass\n",
	};
	for (size_t i = 0; i < sizeof ended / sizeof ended[0]; i++)
		if (!sure(ended[i]))
			fail_msg("unsure at a line that ends: %s", ended[i]);
}

/* The words of `code`, as "name", "name'" (not module scope), ".name"
 * (attribute), "name=" (in a binding place), space-separated. */
static void assert_words(const char *code, const char *expected)
{
	lf_segments segs;
	lf_segments_init(&segs);
	assert_true(lf_segments_split((const uint8_t *)code, (uint32_t)strlen(code), &segs));
	char got[1024] = "";
	for (uint32_t i = 0; i < segs.word_count; i++) {
		const lf_word *w = &segs.words[i];
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s%.*s%s%s", i ? " " : "",
		         w->attribute ? "." : "", (int)w->len, code + w->start, w->module_scope ? "" : "'",
		         w->binding ? "=" : "");
	}
	if (strcmp(got, expected) != 0)
		fprintf(stderr, "words of %s: %s\n", code, got);
	assert_string_equal(got, expected);
	lf_segments_finish(&segs);
}

static void test_words(void **state)
{
	(void)state;
	assert_words("def f(a=torch.load):\n    b = 1\nc = 2\n", "f= a torch .load b'= c=");
	assert_words("class A:\n    x = 1\n    def m(self):\n        y\nif t:\n    z\n", "A= x'= m'= self' y' t z");
	assert_words("def f():\n    global g; h = 1\n    global i, j\n", "f= g= h'= i= j=");
	assert_words("x = f'{torch.load(p)}' + 'pickle'\n", "x= torch .load p .pickle");
	/* a tab counts to the next multiple of 8: still the body */
	assert_words("if x:\n        def f():\n\t\tg = 1\n\th = 2\n", "x f= g'= h=");
	assert_words("async def f():\n    await g\nasync for x in y: pass\n", "f= g' x= y");
	lf_segments segs;
	lf_segments_init(&segs);
	const char *star = "from m import *\n", *no_star = "from m import (a)\nx = 2 * 3\n";
	assert_true(lf_segments_split((const uint8_t *)star, (uint32_t)strlen(star), &segs));
	assert_true(segs.star_import);
	assert_true(lf_segments_split((const uint8_t *)no_star, (uint32_t)strlen(no_star), &segs));
	assert_false(segs.star_import);
	lf_segments_finish(&segs);
}

/* The partial text of `code` must keep exactly the lines in `kept`
 * ('|'-separated) and blank every other line. */
static void assert_selects(const char *code, const char *kept)
{
	lf_partial partial;
	uint32_t len = (uint32_t)strlen(code);
	assert_true(lf_partial_init(&partial, (const uint8_t *)code, len));
	assert_int_equal(partial.len, len);
	char got[2048] = "";
	for (const char *line = code; *line;) {
		size_t n = strcspn(line, "\n");
		const char *copy = (const char *)partial.text + (line - code);
		if (memcmp(copy, line, n) == 0 && n > 0)
			snprintf(got + strlen(got), sizeof got - strlen(got), "%s%.*s", got[0] ? "|" : "", (int)n,
			         line);
		else
			for (size_t i = 0; i < n; i++)
				assert_int_equal(copy[i], ' ');
		line += n + (line[n] == '\n');
	}
	assert_string_equal(got, kept);
	lf_partial_finish(&partial);
}

static void test_selection(void **state)
{
	(void)state;
	/* the call and what binds the names it goes through */
	assert_selects("import torch\nimport os\nx = os.getcwd()\ny = torch.load(p)\n",
	               "import torch|y = torch.load(p)");
	/* an alias, bound by a statement that spells the loader */
	assert_selects("from torch import load as l\nz = 1\nl(p)\n", "from torch import load as l|l(p)");
	/* an alias of an alias, bound after its use */
	assert_selects("m(p)\nz = 1\nm = l\nl = t.load\nimport torch as t\n",
	               "m(p)|m = l|l = t.load|import torch as t");
	/* what shadows a builtin the call's argument goes through */
	assert_selects("import torch\ndef print(*a):\n    pass\nz = 1\nprint(torch.load)\n",
	               "import torch|def print(*a):|    pass|print(torch.load)");
	/* `global` makes a function's binding the module's */
	assert_selects("def setup():\n    global l\n    l = torch.load\nz = 1\nl(p)\n",
	               "def setup():|    global l|    l = torch.load|l(p)");
	/* a function's locals are no aliases outside it: `l(p)` is not
	 * relevant; but they are used names, so what may bind them at module
	 * level is selected too (an over-approximation, never a miss) */
	assert_selects("def f():\n    l = torch.load\nl(p)\n", "def f():|    l = torch.load");
	assert_selects("def f():\n    l = torch.load\nl = 2\nz = l\n", "def f():|    l = torch.load|l = 2");
	/* every binding place */
	assert_selects("torch.load(a, b, c, d, e, f, g, h, i)\na = 1\nb += 1\n(c, [d]) = 1, 2\nfor e in x: pass\n"
	               "with x as f: pass\nimport g\nfrom x import h\nif (i := 3): pass\nu(a)\nv == a\n",
	               "torch.load(a, b, c, d, e, f, g, h, i)|a = 1|b += 1|(c, [d]) = 1, 2|for e in x: pass|"
	               "with x as f: pass|import g|from x import h|if (i := 3): pass");
	/* a loader's name in a string is spelled (LF007's setattr), and a
	 * deciding keyword selects a call whatever its callee (wrappers) */
	assert_selects("import torch\nz = 1\nsetattr(torch, \"load\", f)\n",
	               "import torch|setattr(torch, \"load\", f)");
	/* LF006's rows by the variable's name in any string, not by `update` */
	assert_selects("import os\nd.update(x)\nos.environ.update({'''TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD''': '1'})\n",
	               "import os|os.environ.update({'''TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD''': '1'})");
	/* LF001's evidence: a save and what it saves, through the bindings */
	assert_selects("import torch\nimport torch.nn as nn\nclass Net(nn.Module): pass\nother = 1\nnet = Net()\n"
	               "torch.save(net, 'a.pt')\nx = torch.load('a.pt')\n",
	               "import torch|import torch.nn as nn|class Net(nn.Module): pass|net = Net()|"
	               "torch.save(net, 'a.pt')|x = torch.load('a.pt')");
	assert_selects("from utils import my_load\nz = 1\nmy_load(p, weights_only=False)\n",
	               "from utils import my_load|my_load(p, weights_only=False)");
	/* LF106 by its keyword, whatever the callee */
	assert_selects("import transformers as tr\nz = 1\nm = tr.from_pretrained(n, trust_remote_code=True)\n",
	               "import transformers as tr|m = tr.from_pretrained(n, trust_remote_code=True)");
	/* a star import binds names nothing spells: parse whole */
	lf_partial partial;
	const char *star = "from helpers import *\nl(p)\n";
	assert_false(lf_partial_init(&partial, (const uint8_t *)star, (uint32_t)strlen(star)));
}

static void test_edits_move_the_selection(void **state)
{
	(void)state;
	const char *code = "import torch\nz = 1\nx = torch.load(p)\n";
	lf_partial partial;
	assert_true(lf_partial_init(&partial, (const uint8_t *)code, (uint32_t)strlen(code)));
	assert_int_equal(partial.range_count, 2);
	uint32_t at = offset_of_nth(code, "p)", 0) + 1;
	lf_fix inside, outside;
	lf_fix_init(&inside);
	lf_fix_init(&outside);
	lf_fix_insert(&inside, at, ", weights_only=True");
	lf_fix_insert(&outside, offset_of_nth(code, "1", 0), "0");
	lf_edit_set set;
	lf_edit_set_init(&set);
	assert_true(lf_edit_set_add_fix(&set, &outside, (uint32_t)strlen(code)));
	assert_false(lf_partial_covers(&partial, &set));
	lf_edit_set_finish(&set);
	lf_edit_set_init(&set);
	assert_true(lf_edit_set_add_fix(&set, &inside, (uint32_t)strlen(code)));
	assert_true(lf_partial_covers(&partial, &set));
	uint32_t len;
	uint8_t *text = lf_edit_set_apply(&set, partial.text, partial.len, &len);
	lf_partial_apply(&partial, &set, text, len);
	assert_int_equal(partial.ranges[3], strlen(code) + strlen(", weights_only=True"));
	assert_int_equal(partial.ranges[2], offset_of_nth(code, "x =", 0));
	assert_string_equal((const char *)partial.text + partial.ranges[2], "x = torch.load(p, weights_only=True)\n");
	lf_edit_set_finish(&set);
	lf_fix_finish(&inside);
	lf_fix_finish(&outside);
	lf_partial_finish(&partial);
}

static const char *source_root;

/* Every golden input splits into segments that cover it (or is unsure). */
static void test_golden_inputs_cover(void **state)
{
	(void)state;
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/tests/golden", source_root);
	DIR *d = opendir(dir);
	assert_non_null(d);
	unsigned checked = 0;
	for (struct dirent *e; (e = readdir(d));) {
		char path[8192];
		snprintf(path, sizeof path, "%s/%s/input.py", dir, e->d_name);
		lf_source src;
		char *error = NULL;
		if (e->d_name[0] == '.' || !lf_source_read(&src, path, UINT32_MAX - 1, &error)) {
			free(error);
			continue;
		}
		lf_segments segs;
		lf_segments_init(&segs);
		if (lf_segments_split(src.bytes, src.len, &segs)) {
			assert_int_equal(segs.items[0].start, 0);
			for (uint32_t i = 1; i < segs.count; i++)
				assert_int_equal(segs.items[i].start, segs.items[i - 1].end);
			assert_int_equal(segs.items[segs.count - 1].end, src.len);
		}
		checked++;
		lf_segments_finish(&segs);
		lf_source_finish(&src);
	}
	closedir(d);
	assert_true(checked > 50);
}

int main(int argc, char **argv)
{
	source_root = argc > 1 ? argv[1] : ".";
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_statements),
	        cmocka_unit_test(test_decorators_and_clauses),
	        cmocka_unit_test(test_strings),
	        cmocka_unit_test(test_unsure),
	        cmocka_unit_test(test_lines_tree_sitter_joins),
	        cmocka_unit_test(test_words),
	        cmocka_unit_test(test_selection),
	        cmocka_unit_test(test_edits_move_the_selection),
	        cmocka_unit_test(test_golden_inputs_cover),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
