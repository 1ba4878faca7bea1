/*
 * The byte-level prefilter: may it skip a file?  False positives are
 * allowed, false negatives never.  Takes the source root as its argument to
 * check every golden case that has findings.
 */
#include <dirent.h>
#include <stdio.h>
#include <uninorm.h>

#include "helpers.h"

#include "loadfix/prefilter.h"
#include "loadfix/source.h"

#include "resolve_cases.h"

static const char *source_root;

static bool may_refer_bytes(const char *bytes, size_t len)
{
	lf_prefilter *prefilter = lf_prefilter_create();
	assert_non_null(prefilter);
	bool result = lf_prefilter_may_refer(prefilter, (const uint8_t *)bytes, len);
	lf_prefilter_destroy(prefilter);
	return result;
}

static bool may_refer(const char *code)
{
	return may_refer_bytes(code, strlen(code));
}

static void check_all(const char *const *codes, size_t count, bool expected)
{
	int failures = 0;
	for (size_t i = 0; i < count; i++) {
		if (may_refer(codes[i]) != expected) {
			print_error("expected %s for:\n%s\n", expected ? "true" : "false", codes[i]);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

static void test_may_refer(void **state)
{
	(void)state;
	static const char *const codes[] = {
	        "import torch\ntorch.load(p)\n",
	        "import torch as t\nt . load(p)\n",
	        "from torch import load\n",
	        "from torch.serialization import *\n",
	        "import torch\nx = (torch.\n  load)\n",
	        "import torch\nx = (torch.  # why\n  load)\n",
	        "import torch\nx = torch.\\\n    load(p)\n",
	        "from \\\n  torch import load as l\n",
	        "from\ttorch import *\n",
	        "import torch as th\nsetattr(th, 'load', f)\n",
	        "import torch\nsetattr( (torch.serialization), 'load', f)\n",
	        "import torch\nmock.patch.object(torch, 'load', f)\n",
	        /* not Python, but tree-sitter's error recovery binds them */
	        "from torch\n# c\n import load as tl\n",
	        "from torch # c\nimport *\n",
	        "from yaml # c\nimport load\n",
	        "from torch import\nload\n", /* tree-sitter joins the lines */
	        "from torch import # c\n  load as l\n",
	        "import torch.serialization as ser\nser.load(p)\n",
	        "import torch\nf = functools.partial(torch.load)\n",
	        "\xef\xbb\xbfimport torch\r\ntorch.load(p)\r\n",
	        "# caf\xe9 \xff\nimport torch\ntorch.load(p)\n",
	        /* the loader table's other rows */
	        "import torch\ntorch.hub.load_state_dict_from_url(u)\n",
	        "from torch.utils.model_zoo import load_url\n",
	        "import pickle\npickle.load(f)\n",
	        "import os, sys as system, pickle\nloads(b)\n",
	        "import os.path,\\\n    pickle\nx = pickle.Unpickler(f)\n",
	        "from numpy import load\n",
	        "import numpy as np\nx = np.load(p)\n",
	        "from sklearn.externals import joblib\njoblib.load(p)\n",
	        "import tensorflow as tf\ntf.keras.models.load_model(p)\n",
	        "import yaml\nyaml.full_load(s)\n",
	        "  from  dill  import  loads\n",
	        "model = AutoModel.from_pretrained(name, trust_remote_code=True)\n",
	        "import os\nos.environ['TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD'] = '1'\n",
	};
	check_all(codes, sizeof codes / sizeof codes[0], true);
}

static void test_may_not_refer(void **state)
{
	(void)state;
	static const char *const codes[] = {
	        "",
	        "import json\njson.load(f)\n",
	        /* a loader named only in a comment, a string or another name */
	        "# we could use pickle here\nx = 'import pickle'[1:]\n",
	        "pickled = unpickle(data)\nimportance = yaml_text\n",
	        "import mypickle\nmypickle.load(f)\n",
	        "from .pickle import load\n",
	        "x = trust_remote_code_flag\n",
	        /* a loader's module imported, none of its loaders named */
	        "import numpy as np\nx = np.zeros(3)\n",
	        "import pickle\ndata = pickle.dumps(obj)\n",
	        "import pandas as pd\ndf = pd.read_csv(p)\n",
	        "import torch\nprint(1)\n",
	        "import torch\nmodel.save(p)\n",
	        "torch_load(x)\n",
	        "import torch\ntorch.loads(x)\n",
	        "import torch\nmodel.load_state_dict(sd)\n",
	        /* setattr and patch.object of something else, in a file naming torch */
	        "import torch\nsetattr(obj, 'load', f)\n",
	        "# no torch here\nsetattr(cls, name, value)\nmock.patch.object(os, 'getcwd', g)\n",
	        "import pytorch_lightning\nmodel.load(p)\n",
	        "import os\nos.environ['TORCH_FORCE_NO_WEIGHTS_ONLY_LOADER'] = '1'\n",
	        "import mytorch\nmytorch.load(p)\n",
	        "import torchvision\ntorchvision.load(p)\n",
	        "from torchvision import load\n",
	        "import torch\nx = load(p)\n",
	        /* .load on an object that no torch import or alias names */
	        "import torch\nstate = model.load(p)\n",
	        "import torch\nmodel = Net()\nmodel.load(p)\n",
	};
	check_all(codes, sizeof codes / sizeof codes[0], false);
}

static void test_length_is_respected(void **state)
{
	(void)state;
	/* bytes after `len` are not part of the file */
	const char code[] = "import torch\ntorch.load(p)\n";
	assert_true(may_refer_bytes(code, sizeof code - 1));
	assert_false(may_refer_bytes(code, 13));
	/* a NUL byte does not end the file */
	const char with_nul[] = "import torch\n\0\ntorch.load(p)\n";
	assert_true(may_refer_bytes(with_nul, sizeof with_nul - 1));
}

static void test_prefilter_reusable(void **state)
{
	(void)state;
	lf_prefilter *prefilter = lf_prefilter_create();
	const char *yes = "import torch\ntorch.load(p)\n", *no = "import torch\n";
	for (int i = 0; i < 3; i++) {
		assert_true(lf_prefilter_may_refer(prefilter, (const uint8_t *)yes, strlen(yes)));
		assert_false(lf_prefilter_may_refer(prefilter, (const uint8_t *)no, strlen(no)));
	}
	lf_prefilter_destroy(prefilter);
	lf_prefilter_destroy(NULL);
}

/* False negatives are never allowed: every snippet in which the resolver
 * must find a reference has to get past the prefilter. */
static void test_never_skips_a_resolved_reference(void **state)
{
	(void)state;
	lf_prefilter *prefilter = lf_prefilter_create();
	int checked = 0, failures = 0;
	for (size_t i = 0; i < RESOLVE_CASE_COUNT; i++) {
		const resolve_case *c = &resolve_cases[i];
		if (c->expected[0] == '\0')
			continue;
		checked++;
		if (!lf_prefilter_may_refer(prefilter, (const uint8_t *)c->code, strlen(c->code))) {
			print_error("prefilter skips resolve case %s (refs: %s):\n%s\n", c->name, c->expected, c->code);
			failures++;
		}
	}
	lf_prefilter_destroy(prefilter);
	assert_true(checked >= 40);
	assert_int_equal(failures, 0);
}

/* Whether a golden expected.txt reports at least one finding. */
static bool report_has_findings(const lf_source *report)
{
	for (uint32_t line = 0; line < report->line_count; line++) {
		const char *text = (const char *)report->bytes + report->line_starts[line];
		if (strncmp(text, "input.py:", 9) == 0)
			return true;
	}
	return false;
}

static void test_golden_cases_with_findings_pass(void **state)
{
	(void)state;
	assert_non_null(source_root);
	char dir_path[4096];
	snprintf(dir_path, sizeof dir_path, "%s/tests/golden", source_root);
	DIR *dir = opendir(dir_path);
	if (!dir)
		print_error("cannot open %s\n", dir_path);
	assert_non_null(dir);
	lf_prefilter *prefilter = lf_prefilter_create();
	int checked = 0, failures = 0;
	struct dirent *entry;
	while ((entry = readdir(dir))) {
		if (entry->d_name[0] == '.')
			continue;
		char path[4096 + 512];
		snprintf(path, sizeof path, "%s/%s/expected.txt", dir_path, entry->d_name);
		lf_source report, input;
		char *error = NULL;
		if (!lf_source_read(&report, path, 1 << 20, &error)) {
			free(error); /* not a case directory, or no report */
			continue;
		}
		bool findings = report_has_findings(&report);
		lf_source_finish(&report);
		if (!findings)
			continue;
		snprintf(path, sizeof path, "%s/%s/input.py", dir_path, entry->d_name);
		if (!lf_source_read(&input, path, 1 << 20, &error)) {
			print_error("%s: %s\n", path, error);
			free(error);
			failures++;
			continue;
		}
		if (!lf_prefilter_may_refer(prefilter, input.bytes, input.len)) {
			print_error("prefilter skips %s, which has findings\n", entry->d_name);
			failures++;
		}
		lf_source_finish(&input);
		checked++;
	}
	closedir(dir);
	lf_prefilter_destroy(prefilter);
	assert_int_equal(failures, 0);
	/* the fixtures were really found (there are dozens) */
	assert_true(checked >= 20);
}

/* Names that reach a loader only after NFKC (PEP 3131): the byte patterns
 * reject each of them, the second look at the words with non-ASCII bytes
 * in normal form must not. */
static void test_nfkc_words(void **state)
{
	(void)state;
	static const char *const codes[] = {
	        /* full-width ｔｏｒｃｈ as the object, and in the import */
	        "import torch\n\xef\xbd\x94\xef\xbd\x8f\xef\xbd\x92\xef\xbd\x83\xef\xbd\x88.load(p)\n",
	        "import \xef\xbd\x94\xef\xbd\x8f\xef\xbd\x92\xef\xbd\x83\xef\xbd\x88\n"
	        "\xef\xbd\x94\xef\xbd\x8f\xef\xbd\x92\xef\xbd\x83\xef\xbd\x88.\xef\xbd\x8c\xef\xbd\x8f\xef\xbd\x81"
	        "\xef\xbd\x84(p)\n",
	        /* the ligature U+FB01 is `fi`: an alias bound as one, used as the other */
	        "import torch as \xef\xac\x81\nfi.load(p)\n",
	        "import torch\n\xef\xac\x81 = torch\nfi.load(p)\n",
	        "import torch as fi\n\xef\xac\x81.load(p)\n",
	        /* a loader's module, and the keyword, spelled in full width */
	        "import \xef\xbd\x90ickle\npickle.loads(b)\n",
	        "f(x, trust_remote_\xef\xbd\x83ode=True)\n",
	        /* a full-width dot between the names: normalised with them */
	        "import torch\n\xef\xbd\x94orch\xef\xbc\x8eload(p)\n",
	};
	check_all(codes, sizeof codes / sizeof codes[0], true);
	/* non-ASCII in comments, strings and other names changes nothing */
	static const char *const others[] = {
	        ("import torch\n# caf\xc3\xa9 \xe2\x98\x83 \xe6\x97\xa5\xe6\x9c\xac\n"
	         "x = 'na\xc3\xafve'\nmodel.load(p)\n"),
	        "import numpy as np\n# \xef\xbd\x8e\xef\xbd\x90\nnp.zeros(3)\n",
	        "import torch\nmod\xc3\xa8le.load(p)\n",
	        "import torch\n\xff\xfe.load(p)\n",
	};
	check_all(others, sizeof others / sizeof others[0], false);
}

/* Normalising words instead of the file admits everything normalising the
 * file admitted (NFKC of the whole text is what the prefilter used to
 * look at): any snippet whose whole-file normal form passes must pass. */
static void check_word_fold_covers_file_fold(lf_prefilter *prefilter, const char *code, int *failures)
{
	size_t len = strlen(code), normal_len = 0;
	uint8_t *normal = u8_normalize(UNINORM_NFKC, (const uint8_t *)code, len, NULL, &normal_len);
	if (!normal)
		return; /* not UTF-8: the file fold gave up on such files */
	if (lf_prefilter_may_refer(prefilter, normal, normal_len) &&
	    !lf_prefilter_may_refer(prefilter, (const uint8_t *)code, len)) {
		print_error("passes in whole-file NFKC, rejected by words:\n%s\n", code);
		(*failures)++;
	}
	free(normal);
}

/* Writes `template` with its `@`s replaced by fill[0], fill[1], fill[2]. */
static void fill_template(char *out, size_t size, const char *template, const char *const fill[3])
{
	size_t used = 0, next = 0;
	for (const char *c = template; *c && used + 1 < size; c++) {
		const char *piece = *c == '@' && next < 3 ? fill[next++] : NULL;
		size_t len = piece ? strlen(piece) : 1;
		if (used + len >= size)
			break;
		memcpy(out + used, piece ? piece : c, len);
		used += len;
	}
	out[used] = '\0';
}

static void test_word_fold_covers_file_fold(void **state)
{
	(void)state;
	/* every identifier-ish spelling of the words the patterns look for */
	static const char *const wide_torch = "\xef\xbd\x94\xef\xbd\x8f\xef\xbd\x92\xef\xbd\x83\xef\xbd\x88";
	static const char *const wide_load = "\xef\xbd\x8c\xef\xbd\x8f\xef\xbd\x81\xef\xbd\x84";
	/* `@` is replaced by the words, in order */
	static const char *const templates[] = {
	        "import @\n@.@(p)\n",
	        "from @ import @ as @\n",
	        "import @ as m\nx = m\nx.@(@)\n",
	        "# @ @ @\nx = 1\n",
	        "s = '@.@(@)'\n",
	        "import torch as @\n@.@(p)\n",
	        "@ = torch\n@.@(p)\n",
	        "import @\n@\xef\xbc\x8e@(p)\n",
	};
	const char *words[] = {"torch", "load", wide_torch, wide_load, "\xef\xac\x81", "fi", "pickle", "numpy"};
	const size_t n = sizeof words / sizeof words[0];
	lf_prefilter *prefilter = lf_prefilter_create();
	int failures = 0, checked = 0;
	char code[512];
	for (size_t t = 0; t < sizeof templates / sizeof templates[0]; t++)
		for (size_t a = 0; a < n; a++)
			for (size_t b = 0; b < n; b++)
				for (size_t c = 0; c < n; c++) {
					const char *fill[] = {words[a], words[b], words[c]};
					fill_template(code, sizeof code, templates[t], fill);
					check_word_fold_covers_file_fold(prefilter, code, &failures);
					checked++;
				}
	for (size_t i = 0; i < RESOLVE_CASE_COUNT; i++)
		check_word_fold_covers_file_fold(prefilter, resolve_cases[i].code, &failures);
	lf_prefilter_destroy(prefilter);
	assert_true(checked > 1000);
	assert_int_equal(failures, 0);
}

typedef struct star_list {
	char text[256];
} star_list;

static bool list_star(void *user, const char *module, unsigned level)
{
	star_list *list = user;
	size_t used = strlen(list->text);
	snprintf(list->text + used, sizeof list->text - used, "%u:%s;", level, module);
	return false;
}

/* The star-import listing (a file whose star imports may bind a loader of
 * the project's is parsed) sees every form the pattern allows, and the
 * literal gate in front of it drops none. */
static void test_star_imports(void **state)
{
	(void)state;
	static const struct {
		const char *code, *expected;
	} cases[] = {
	        {"from pkg.utils import *\n", "0:pkg.utils;"},
	        {"from .a import *\nfrom ..b.c import *\n", "1:a;2:b.c;"},
	        {"from pkg import \\\n    *\n", "0:pkg;"},
	        {"x = 1; from pkg import *\n", "0:pkg;"},
	        {"try: from pkg import *\nexcept ImportError: pass\n", "0:pkg;"},
	        /* tree-sitter's recovery binds what Python would refuse */
	        {"from pkg import # c\n*\n", "0:pkg;"},
	        {"from pkg import load\nx = a * b\n", ""},
	        {"import os\nprint(*args)\n", ""},
	        {"s = 'from pkg import' * 2\n", ""},
	        {"", ""},
	};
	lf_prefilter *prefilter = lf_prefilter_create();
	int failures = 0;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		star_list list = {{0}};
		lf_prefilter_star_imports(prefilter, (const uint8_t *)cases[i].code, strlen(cases[i].code), list_star,
		                          &list);
		if (strcmp(list.text, cases[i].expected) != 0) {
			print_error("star imports of:\n%s\ngot \"%s\", expected \"%s\"\n", cases[i].code, list.text,
			            cases[i].expected);
			failures++;
		}
	}
	lf_prefilter_destroy(prefilter);
	assert_int_equal(failures, 0);
}

int main(int argc, char **argv)
{
	source_root = argc > 1 ? argv[1] : ".";
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_may_refer),
	        cmocka_unit_test(test_may_not_refer),
	        cmocka_unit_test(test_length_is_respected),
	        cmocka_unit_test(test_prefilter_reusable),
	        cmocka_unit_test(test_never_skips_a_resolved_reference),
	        cmocka_unit_test(test_golden_cases_with_findings_pass),
	        cmocka_unit_test(test_nfkc_words),
	        cmocka_unit_test(test_word_fold_covers_file_fold),
	        cmocka_unit_test(test_star_imports),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
