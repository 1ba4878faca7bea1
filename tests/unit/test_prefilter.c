/*
 * The byte-level prefilter: may it skip a file?  False positives are
 * allowed, false negatives never.  Takes the source root as its argument to
 * check every golden case that has findings.
 */
#include <dirent.h>
#include <stdio.h>

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
	        /* not Python, but tree-sitter's error recovery binds them */
	        "from torch\n# c\n import load as tl\n",
	        "from torch # c\nimport *\n",
	        "from yaml # c\nimport load\n",
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
	        "import pytorch_lightning\nmodel.load(p)\n",
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
