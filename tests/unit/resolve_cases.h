/*
 * Python snippets and the torch.load references the resolver must find in
 * them, in document order, as "KIND@LINE:TEXT" joined by "; " (LINE 1-based,
 * TEXT the bytes of the ref's node); "" means no ref at all.
 *
 * Shared by test_resolve.c (which checks exactly these refs) and
 * test_prefilter.c (which checks that the prefilter never skips a snippet
 * that has a ref).
 */
#ifndef LOADFIX_TEST_RESOLVE_CASES_H
#define LOADFIX_TEST_RESOLVE_CASES_H

typedef struct resolve_case {
	const char *name;
	const char *code;
	const char *expected;
} resolve_case;

static const resolve_case resolve_cases[] = {
        /* ---- the ways to reach torch.load ---------------------------------- */
        {"import_torch", "import torch\ntorch.load(p)\n", "CALL@2:torch.load(p)"},
        {"import_torch_as_th", "import torch as th\nth.load(p)\n", "CALL@2:th.load(p)"},
        {"import_torch_as_th_leaves_torch_unbound", "import torch as th\ntorch.load(p)\n", ""},
        {"import_torch_nn_binds_torch", "import torch.nn\ntorch.load(p)\n", "CALL@2:torch.load(p)"},
        {"import_several_modules", "import os, torch as t, sys\nt.load(p)\n", "CALL@2:t.load(p)"},
        {"from_torch_import_load", "from torch import load\nload(p)\n", "CALL@2:load(p)"},
        {"from_torch_import_load_as_l", "from torch import load as l\nl(p)\n", "CALL@2:l(p)"},
        {"from_torch_import_parenthesized", "from torch import (save,\n    load as l)\nl(p)\n", "CALL@3:l(p)"},
        {"torch_serialization_load", "import torch\ntorch.serialization.load(p)\n",
         "CALL@2:torch.serialization.load(p)"},
        {"import_torch_serialization", "import torch.serialization\ntorch.serialization.load(p)\n",
         "CALL@2:torch.serialization.load(p)"},
        {"from_torch_serialization_import_load", "from torch.serialization import load\nload(p)\n", "CALL@2:load(p)"},
        {"import_torch_serialization_as_ser", "import torch.serialization as ser\nser.load(p)\n", "CALL@2:ser.load(p)"},
        {"from_torch_import_serialization", "from torch import serialization\nserialization.load(p)\n",
         "CALL@2:serialization.load(p)"},
        {"from_torch_import_load_used_as_value", "from torch import load\nloaders = [load]\nf(load=1)\n",
         "VALUE@2:load"},

        /* ---- scopes ----------------------------------------------------------- */
        {"import_inside_function_only_visible_there",
         "def f(p):\n    import torch\n    return torch.load(p)\n\ntorch.load(q)\n", "CALL@3:torch.load(p)"},
        {"import_in_enclosing_function_visible_in_nested",
         "def f(p):\n    import torch\n    def g():\n        return torch.load(p)\n", "CALL@4:torch.load(p)"},
        {"try_except_import_error_torch_none",
         "try:\n    import torch\nexcept ImportError:\n    torch = None\n\ntorch.load(p)\n", "CALL@6:torch.load(p)"},
        {"parameter_named_torch_shadows", "import torch\n\ndef f(torch, p):\n    return torch.load(p)\n", ""},
        {"every_parameter_form_shadows",
         "import torch\n"
         "def a(torch): torch.load(p)\n"
         "def b(torch: int): torch.load(p)\n"
         "def c(torch=None): torch.load(p)\n"
         "def d(torch: int = 0): torch.load(p)\n"
         "def e(*torch): torch.load(p)\n"
         "def f(**torch): torch.load(p)\n"
         "def g(*, torch): torch.load(p)\n"
         "def h(a, /, torch): torch.load(p)\n"
         "k = lambda torch: torch.load(p)\n"
         "def ok(x): torch.load(p)\n",
         "CALL@11:torch.load(p)"},
        {"class_body_import_not_visible_in_method", "class A:\n  import torch\n  def f(self): torch.load(p)\n", ""},
        {"class_body_import_visible_in_class_body", "class A:\n    import torch\n    model = torch.load(p)\n",
         "CALL@3:torch.load(p)"},
        {"class_body_binding_does_not_shadow_module_in_method",
         "import torch\nclass A:\n    torch = None\n    def f(self, p):\n        return torch.load(p)\n",
         "CALL@5:torch.load(p)"},
        {"function_scope_visible_through_nested_class",
         "def outer():\n    import torch\n    class A:\n        def f(self, p):\n            return torch.load(p)\n",
         "CALL@5:torch.load(p)"},
        {"global_import_in_function_binds_module",
         "def setup():\n    global torch\n    import torch\n    torch.load(q)\n\nsetup()\ntorch.load(p)\n",
         "CALL@4:torch.load(q); CALL@7:torch.load(p)"},
        {"global_skips_enclosing_function_binding",
         "import torch\ndef f():\n    torch = None\n    def g():\n        global torch\n        return torch.load(p)\n",
         "CALL@6:torch.load(p)"},
        {"comprehension_variable_shadows",
         "import torch\n"
         "x = [torch.load(p) for torch in loaders]\n"
         "y = {torch.load(p) for torch in loaders}\n"
         "z = {k: torch.load(p) for k, torch in items}\n"
         "w = list(torch.load(p) for torch in loaders)\n",
         ""},
        {"comprehension_over_paths", "import torch\nx = [torch.load(p) for p in paths]\n", "CALL@2:torch.load(p)"},
        {"with_and_except_targets_shadow_in_function",
         "import torch\ndef f():\n    with open(p) as torch:\n        torch.load(p)\n"
         "def g():\n    try:\n        pass\n    except E as torch:\n        torch.load(p)\n",
         ""},
        /* `nonlocal torch` + an import in the inner function binds the outer
     * function's torch, just as `global torch` binds the module's. */
        {"nonlocal_import_visible_in_inner_function",
         "def outer():\n    torch = None\n    def inner(p):\n        nonlocal torch\n        import torch\n"
         "        return torch.load(p)\n",
         "CALL@6:torch.load(p)"},
        {"nonlocal_import_binds_enclosing_function",
         "def outer(p):\n    torch = None\n    def inner():\n        nonlocal torch\n        import torch\n"
         "    inner()\n    return torch.load(p)\n",
         "CALL@7:torch.load(p)"},
        {"for_target_shadows_in_function", "import torch\ndef f():\n    for torch in xs:\n        torch.load(p)\n", ""},
        {"walrus_in_comprehension_binds_enclosing_function",
         "import torch\ndef f():\n    [(torch := 1) for _ in x]\n    torch.load(p)\n", ""},

        /* ---- aliases ----------------------------------------------------------- */
        {"module_alias", "import torch\nth = torch\nth.load(p)\n", "CALL@3:th.load(p)"},
        {"function_alias", "import torch\nfn = torch.load\nfn(p)\n", "VALUE@2:torch.load; CALL@3:fn(p)"},
        {"function_alias_used_in_function", "import torch\nfn = torch.load\ndef f(p):\n    return fn(p)\n",
         "VALUE@2:torch.load; CALL@4:fn(p)"},
        {"alias_through_serialization", "import torch\nt = torch\ns = t.serialization\nf = s.load\nf(p)\n",
         "VALUE@4:s.load; CALL@5:f(p)"},
        {"alias_rebound_to_other_name", "import torch\nfn = torch.load\nif cond:\n    fn = other\nfn(p)\n",
         "VALUE@2:torch.load"},
        {"alias_rebound_to_other_load",
         "import torch, pickle\nfn = torch.load\nif cond:\n    fn = pickle.load\nfn(p)\n", "VALUE@2:torch.load"},
        {"alias_rebound_to_call_result", "import torch\nfn = torch.load\nfn = make_loader()\nfn(p)\n",
         "VALUE@2:torch.load"},
        {"alias_cycle_terminates", "a = b\nb = a\na(p)\n", ""},
        /* bound after their use, in reverse order, and the scopes of a
         * statement phase 2 steps over still number those after it */
        {"alias_chain_bound_in_reverse_order",
         "def f(p):\n    return c.load(p)\nclass K:\n    def g(self):\n        pass\nc = b\nb = a\na = torch\n"
         "import torch\n",
         "CALL@2:c.load(p)"},
        {"scopes_after_a_statement_stepped_over",
         "import torch\nclass K:\n    def g(self, x):\n        return [x for x in y]\n"
         "def h(torch):\n    return torch.load(p)\ndef k():\n    return torch.load(p)\n",
         "CALL@8:torch.load(p)"},

        /* every way of spelling an alias (the prefilter must see them too) */
        {"module_alias_crlf", "import torch\r\nth = torch\r\nth.load(p)\r\n", "CALL@3:th.load(p)"},
        {"module_alias_same_line", "import torch; th = torch; th.load(p)\n", "CALL@1:th.load(p)"},
        {"module_alias_trailing_semicolon", "import torch\nth = torch;\nth.load(p)\n", "CALL@3:th.load(p)"},
        {"module_alias_in_one_line_if", "import torch\nif ok: th = torch\nth.load(p)\n", "CALL@3:th.load(p)"},
        {"module_alias_parenthesized_multiline", "import torch\nth = (\n    torch\n)\nth.load(p)\n",
         "CALL@5:th.load(p)"},
        {"module_alias_annotated_with_comment", "import torch\nth: Any = torch  # alias\nth.load(p)\n",
         "CALL@3:th.load(p)"},
        {"serialization_alias", "import torch\ns = torch.serialization\ns.load(p)\n", "CALL@3:s.load(p)"},
        {"import_as_after_other_module", "import numpy as np, torch as th\nth.load(p)\n", "CALL@2:th.load(p)"},
        {"import_serialization_as_after_other", "import torch.nn, torch.serialization as ser\nser.load(p)\n",
         "CALL@2:ser.load(p)"},
        {"non_ascii_import_alias", "import torch as t\xc3\xb6\nt\xc3\xb6.load(p)\n", "CALL@2:t\xc3\xb6.load(p)"},
        {"non_ascii_module_alias", "import torch\n\xc3\xa9 = torch\n\xc3\xa9.load(p)\n", "CALL@3:\xc3\xa9.load(p)"},
        /* phase 2's statement filter (statement_may_refer): a statement with
         * non-ASCII text is walked when a word in it may be a known name */
        {"non_ascii_fullwidth_spelling", "import pickle\n\xef\xbd\x90ickle.load(f)\n",
         "CALL@2:\xef\xbd\x90ickle.load(f) [pickle.load]"},
        {"non_ascii_text_then_known_name", "import pickle\ns = 'caf\xc3\xa9'; pickle.load(f)\n",
         "CALL@2:pickle.load(f) [pickle.load]"},
        {"non_ascii_alias_among_accented_text",
         "import torch as t\xc3\xb6\ns = 'caf\xc3\xa9'  # \xc3\xa9\ndef f():\n    return t\xc3\xb6.load(p)  # "
         "\xc3\xa9\n",
         "CALL@4:t\xc3\xb6.load(p)"},
        {"non_ascii_name_not_folded_is_other",
         "import pickle\np\xc3\xaf"
         "ckle = 1\np\xc3\xaf"
         "ckle.load(f)\n",
         ""},

        /* ---- star imports -------------------------------------------------------- */
        {"star_import_torch", "from torch import *\nload(p)\n", "CALL@2:load(p)"},
        {"star_import_torch_serialization", "from torch.serialization import *\nload(p)\n", "CALL@2:load(p)"},
        {"star_import_other_module", "from numpy import *\nload(p)\n", "CALL@2:load(p) [numpy.load]"},
        {"star_import_unknown_module", "from mylib import *\nload(p)\n", ""},
        {"star_import_binds_no_submodule", "from torch import *\nhub.load_state_dict_from_url(u)\n", ""},
        {"star_import_shadowed_by_def_load", "from torch import *\ndef load(p):\n    pass\nload(p)\n", ""},
        {"star_import_def_load_in_other_scope",
         "from torch import *\ndef f():\n    def load(p): pass\n    load(p)\nload(p)\n", "CALL@5:load(p)"},

        /* ---- never torch.load ------------------------------------------------------ */
        {"other_load_functions",
         "import torch, json, pickle\n"
         "torch.jit.load(p)\n"
         "torch.hub.load(repo, model)\n"
         "json.load(f)\n"
         "x = torch.load.__doc__\n",
         ""},
        {"other_loaders_are_their_own_targets", "import pickle, numpy as np\npickle.load(f)\nnp.load(f)\n",
         "CALL@2:pickle.load(f) [pickle.load]; CALL@3:np.load(f) [numpy.load]"},
        /* ---- the other loaders of the table: the same scoping rules ---------------- */
        {"numpy_import_as", "import numpy as np\nnp.load(f)\n", "CALL@2:np.load(f) [numpy.load]"},
        {"joblib_from_import_as", "from joblib import load as jl\njl(f)\n", "CALL@2:jl(f) [joblib.load]"},
        {"pandas_import_as", "import pandas as pd\npd.read_pickle(f)\n",
         "CALL@2:pd.read_pickle(f) [pandas.read_pickle]"},
        {"submodule_import_binds_package", "import sklearn.externals.joblib\nsklearn.externals.joblib.load(f)\n",
         "CALL@2:sklearn.externals.joblib.load(f) [sklearn.externals.joblib.load]"},
        {"from_package_import_module", "from sklearn.externals import joblib\njoblib.load(f)\n",
         "CALL@2:joblib.load(f) [sklearn.externals.joblib.load]"},
        {"tensorflow_keras_chain", "import tensorflow as tf\ntf.keras.models.load_model(p)\n",
         "CALL@2:tf.keras.models.load_model(p) [tensorflow.keras.models.load_model]"},
        {"pickle_in_function_scope", "def f():\n    import pickle\n    return pickle.loads(b)\npickle.loads(b)\n",
         "CALL@3:pickle.loads(b) [pickle.loads]"},
        {"pickle_shadowed_by_parameter", "import pickle\ndef f(pickle):\n    pickle.load(x)\n", ""},
        {"pickle_try_except_import",
         "try:\n    import cPickle as pickle\nexcept ImportError:\n    import pickle\npickle.load(f)\n",
         "CALL@5:pickle.load(f) [pickle.load]; CALL@5:pickle.load(f) [cPickle.load]"},
        {"pickle_alias_assignment", "import pickle\nloader = pickle.loads\nloader(b)\n",
         "CALL@3:loader(b) [pickle.loads]"},
        {"pickle_global_import", "def setup():\n    global pickle\n    import pickle\ndef use():\n    pickle.load(f)\n",
         "CALL@5:pickle.load(f) [pickle.load]"},
        {"pickle_class_body_not_visible", "class C:\n    import pickle\n    def m(self):\n        pickle.load(f)\n",
         ""},
        {"yaml_loader_resolved", "import yaml\nyaml.load(s, Loader=yaml.SafeLoader)\n",
         "CALL@2:yaml.load(s, Loader=yaml.SafeLoader) [yaml.load]"},
        {"ruamel_is_not_pyyaml", "from ruamel.yaml import YAML\nYAML().load(s)\n", ""},
        {"relative_pickle_is_not_pickle", "from . import pickle\npickle.load(f)\n", ""},
        {"json_and_self_load_are_nothing", "import json\njson.loads(s)\nself.load(f)\n", ""},
        {"trust_remote_code_any_callee", "m = Auto.from_pretrained(n, trust_remote_code=True)\n",
         "CALL@1:Auto.from_pretrained(n, trust_remote_code=True) [*]"},
        {"alias_to_two_loaders_is_ambiguous", "import torch, pickle\nfn = torch.load\nfn = pickle.load\nfn(p)\n",
         "VALUE@2:torch.load"},
        {"text_in_strings_and_comments",
         "import torch\n"
         "'''torch.load(p)'''\n"
         "x = 'torch.load(p)'\n"
         "# torch.load(p)\n"
         "y = f\"torch.load(p) {p}\"\n"
         "z = b'torch.load'\n",
         ""},
        {"fstring_interpolation", "import torch\ns = f\"loaded {torch.load(p)}\"\n", "CALL@2:torch.load(p)"},
        {"torch_never_imported", "torch.load(p)\nx = torch.load\nfrom torch import load as l\nl(p)\n", "CALL@4:l(p)"},
        {"torch_name_from_other_module", "from mylib import torch\ntorch.load(p)\n", ""},

        /* ---- partial and value references ------------------------------------------ */
        {"functools_partial", "import functools\nimport torch\nf = functools.partial(torch.load, map_location='cpu')\n",
         "PARTIAL@3:functools.partial(torch.load, map_location='cpu')"},
        {"from_functools_import_partial", "from functools import partial\nimport torch\nf = partial(torch.load)\n",
         "PARTIAL@3:partial(torch.load)"},
        {"partial_of_parenthesized_load", "import functools, torch\nf = functools.partial((torch.load), p)\n",
         "PARTIAL@2:functools.partial((torch.load), p)"},
        {"partial_of_other_function", "import functools, torch\nf = functools.partial(g, torch.load)\n",
         "VALUE@2:torch.load"},
        {"partial_not_from_functools", "import torch\nfrom mylib import partial\nf = partial(torch.load)\n",
         "VALUE@3:torch.load"},
        {"passed_to_map", "import torch\nstates = pool.map(torch.load, paths)\n", "VALUE@2:torch.load"},
        {"parenthesized_callee", "import torch\n(torch.load)(p)\n", "CALL@2:(torch.load)(p)"},
        {"generator_argument", "import torch\ntorch.load(x for x in y)\n", "CALL@2:torch.load(x for x in y)"},

        /* ---- where defaults and decorators are evaluated ---------------------------- */
        {"default_argument", "import torch\ndef f(x=torch.load(p)):\n    pass\n", "CALL@2:torch.load(p)"},
        {"default_argument_beside_parameter_named_torch",
         "import torch\ndef f(torch, x=torch.load(p)):\n    return torch\n", "CALL@2:torch.load(p)"},
        {"lambda_default_beside_parameter_named_torch", "import torch\ng = lambda torch, x=torch.load(p): x\n",
         "CALL@2:torch.load(p)"},
        {"decorator_argument_beside_parameter_named_torch",
         "import torch\n@register(torch.load(p))\ndef f(torch):\n    pass\n", "CALL@2:torch.load(p)"},
        {"nested_calls", "import torch\nm.load_state_dict(torch.load(torch.load(p)))\n",
         "CALL@2:torch.load(torch.load(p)); CALL@2:torch.load(p)"},

        /* ---- LF007: torch's load replaced at run time ---------------------- */
        {"replace_by_assignment", "import torch as t\nt.load = f\n", "REPLACE@2:t.load = f"},
        {"replace_serialization_load", "from torch import serialization as s\ns.load = f\n", "REPLACE@2:s.load = f"},
        {"replace_by_setattr", "import torch\nsetattr(torch, 'load', f)\n", "REPLACE@2:setattr(torch, 'load', f)"},
        {"setattr_shadowed_is_not_the_builtin", "import torch\ndef setattr(*a): pass\nsetattr(torch, 'load', f)\n", ""},
        {"replace_by_monkeypatch_string", "def test(monkeypatch):\n    monkeypatch.setattr('torch.load', f)\n",
         "REPLACE@2:monkeypatch.setattr('torch.load', f)"},
        {"mock_patch_without_replacement_loads_nothing", "from unittest import mock\nmock.patch('torch.load')\n", ""},
        {"replace_by_mock_patch_object",
         "import torch\nfrom unittest import mock\nmock.patch . object(torch, 'load', new=f)\n",
         "REPLACE@3:mock.patch . object(torch, 'load', new=f)"},
        {"write_kwdefaults_item", "import torch\ntorch.load.__kwdefaults__['weights_only'] = False\n",
         "REPLACE@2:torch.load.__kwdefaults__['weights_only'] = False"},
        {"assignment_to_a_parameter_named_torch", "import torch\ndef f(torch):\n    torch.load = g\n", ""},
        {"assignment_to_other_object_load", "import torch\nobj.load = g\n", ""},
        /* ---- LF006 from Python: os.environ's refs (the prefilter asks for the
         * variable's name: only a literal one is ever reported) ----------- */
        {"environ_item_and_setdefault",
         "from os import environ\nK = 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD'\nenviron[K] = '1'\n"
         "environ.setdefault(K, '1')\n",
         "VALUE@3:environ [os.environ]; CALL@4:environ.setdefault(K, '1') [os.environ.setdefault]"},
};

#define RESOLVE_CASE_COUNT (sizeof resolve_cases / sizeof resolve_cases[0])

#endif
