#include "loadfix/rules.h"

#include "loadfix/buf.h"

#include <stdlib.h>
#include <string.h>

/*
 * Severities follow GitHub's bands (critical >= 9.0, high >= 7.0, medium
 * >= 4.0): a load that runs code from a crafted file is high (8.8, as
 * CVE-2025-32434 was scored); a value we cannot prove safe is high but
 * lower (7.0); a reference whose callers may be unchecked is medium.
 */
const lf_rule lf_rules[] = {
        {.code = "LF001",
         .name = "torch-load-without-weights-only",
         .summary = "`torch.load` called without `weights_only=True`",
         .help = "torch.load unpickles arbitrary objects, so a crafted checkpoint runs code as it is loaded "
                 "(CWE-502). Pass weights_only=True, which restricts unpickling to tensors and plain containers; "
                 "allow other types with torch.serialization.add_safe_globals.",
         .level = LF_LEVEL_ERROR,
         .security_severity = "8.8",
         .cwe = "CWE-502",
         .fix_title = "Add weights_only=True",
         .bandit = "B614",
         .example = "import torch\n\nstate = torch.load(\"model.pt\")\n",
         .example_fixed = "import torch\n\nstate = torch.load(\"model.pt\", weights_only=True)\n",
         .applicability = "safe (applied by --fix); unsafe when the project admits torch < 1.13, which lacks "
                          "weights_only, or when the code shows the checkpoint will not load weights-only (a whole "
                          "module, an argparse.Namespace or numpy values saved to the same path, in the file or, "
                          "by a literal path, in another checked file; the loaded value "
                          "used as a module, an except TypeError fallback, a retry after a weights-only load). No "
                          "fix when the call passes pickle_module, *args or **kwargs."},
        {.code = "LF002",
         .name = "torch-load-weights-only-false",
         .summary = "`torch.load` called with `weights_only=False`",
         .help = "weights_only=False unpickles arbitrary objects (CWE-502). Switch to weights_only=True; if the "
                 "checkpoint holds numpy arrays, argparse.Namespace or other classes, allow exactly those with "
                 "torch.serialization.add_safe_globals or the safe_globals context manager.",
         .level = LF_LEVEL_ERROR,
         .security_severity = "8.8",
         .cwe = "CWE-502",
         .fix_title = "Use weights_only=True; may reject checkpoints holding other objects",
         .bandit = "B614",
         .example = "state = torch.load(path, weights_only=False)\n",
         .example_fixed = "state = torch.load(path, weights_only=True)\n",
         .applicability = "unsafe (applied with --fix --unsafe-fixes): checkpoints holding numpy arrays or other "
                          "classes stop loading. No fix when the call passes pickle_module, *args or **kwargs."},
        {.code = "LF003",
         .name = "torch-load-weights-only-dynamic",
         .summary = "`torch.load` called with a non-literal `weights_only`",
         .help = "The value of weights_only is computed at run time, so nothing proves that untrusted "
                 "checkpoints are loaded with weights_only=True. Pass the literal True where the input may be "
                 "untrusted.",
         .level = LF_LEVEL_ERROR,
         .security_severity = "7.0",
         .cwe = "CWE-502",
         .fix_title = "Write the literal True",
         .bandit = "B614",
         .example = "state = torch.load(path, weights_only=trusted)\n",
         .example_fixed = NULL,
         .applicability = "never fixed: only the author knows the value. A non-empty string literal is known to be "
                          "true and gets a safe fix to True."},
        {.code = "LF004",
         .name = "torch-load-as-value",
         .summary = "`torch.load` used as a value",
         .help = "A reference to torch.load that is not a call (a callback, an alias, functools.partial) hides "
                 "the eventual call's arguments. Bind weights_only=True where the reference is made, e.g. "
                 "functools.partial(torch.load, weights_only=True).",
         .level = LF_LEVEL_WARNING,
         .security_severity = "5.0",
         .cwe = "CWE-502",
         .fix_title = "Add weights_only=True to the partial",
         .bandit = "B614",
         .example = "loader = functools.partial(torch.load, map_location=\"cpu\")\n",
         .example_fixed = "loader = functools.partial(torch.load, map_location=\"cpu\", weights_only=True)\n",
         .applicability = "safe inside functools.partial; other references (loader = torch.load, pool.map(torch.load, "
                          "...)) are reported only."},
        {.code = "LF005",
         .name = "torch-load-unsafe-fallback",
         .summary = "`torch.load` retried without `weights_only=True` after a weights-only load failed",
         .help = "A try whose body loads with weights_only=True and whose except handler loads the same file "
                 "again with weights_only=False (or without weights_only, where the project admits torch < 2.6) "
                 "unpickles exactly the checkpoints the check refused, a crafted one included (CWE-502). Remove "
                 "the fallback, or allow the checkpoint's classes with torch.serialization.add_safe_globals and "
                 "keep weights_only=True.",
         .level = LF_LEVEL_ERROR,
         .security_severity = "8.8",
         .cwe = "CWE-502",
         .bandit = "B614",
         .example = "try:\n    state = torch.load(path, weights_only=True)\nexcept Exception:\n"
                    "    state = torch.load(path, weights_only=False)\n",
         .example_fixed = NULL,
         .applicability = "never fixed (report only): whether to fail or to allow the checkpoint's classes is the "
                          "author's decision. Handlers that cannot catch the refusal (pickle.UnpicklingError), "
                          "such as except FileNotFoundError, are not reported."},
        {.code = "LF006",
         .name = "torch-force-no-weights-only-load",
         .summary = "`TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD` switched on",
         .help = "PyTorch's TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD escape hatch makes every torch.load that does not "
                 "pass weights_only load with weights_only=False, so crafted checkpoints run code again "
                 "(CWE-502). loadfix reports it where Python code (os.environ[...] =, setdefault, update, "
                 "os.putenv), a Dockerfile (ENV), a shell script (export, VAR=1 cmd), a .env file or a GitHub "
                 "workflow's env: block sets it to a value PyTorch treats as true. Remove it and allow the "
                 "checkpoint's classes with torch.serialization.add_safe_globals instead.",
         .level = LF_LEVEL_ERROR,
         .security_severity = "8.8",
         .cwe = "CWE-502",
         .example = "ENV TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1\n",
         .example_fixed = NULL,
         .applicability = "never fixed (report only)."},
        {.code = "LF007",
         .name = "torch-load-replaced",
         .summary = "torch's `load` replaced at run time",
         .help = "Assigning torch.load or torch.serialization.load (torch.load = ..., setattr, pytest's "
                 "monkeypatch.setattr, mock.patch with a replacement) or writing its __kwdefaults__ / "
                 "__defaults__ changes what every later call does: a replacement can drop or override "
                 "weights_only=True, and a default of weights_only=False makes every call without the keyword "
                 "unpickle anything (CWE-502). Tests count: they run in CI, often with secrets. Call the "
                 "original function with weights_only=True instead.",
         .level = LF_LEVEL_ERROR,
         .security_severity = "8.8",
         .cwe = "CWE-502",
         .example =
                 "import functools\nimport torch\n\ntorch.load = functools.partial(torch.load, weights_only=False)\n",
         .example_fixed = NULL,
         .applicability = "never fixed (report only)."},
        {.code = "LF008",
         .name = "torch-requirement-admits-vulnerable-release",
         .summary = "torch requirement admits a release where weights_only=True is bypassable or unsafe",
         .help = "The project's declared torch requirement (pyproject.toml, requirements*.txt, setup.cfg, "
                 "setup.py, environment.yml) admits a release where torch.load(weights_only=True) can still "
                 "run code: before 2.6.0 it can be bypassed (CVE-2025-32434), before 2.10.0 the weights-only "
                 "unpickler has memory-safety bugs (CVE-2026-24747). Require torch>=2.10.",
         .level = LF_LEVEL_ERROR,
         .security_severity = "8.8",
         .cwe = "CWE-1395",
         .example = "torch>=2.0\n",
         .example_fixed = NULL,
         .applicability = "never fixed (report only): raising the requirement is the project's decision."},
        {.code = "LF101",
         .name = "pickle-load",
         .summary = "pickle-family load of data that may be untrusted",
         .help = "pickle, _pickle, cPickle, dill, cloudpickle, jsonpickle, shelve and pandas.read_pickle "
                 "rebuild arbitrary objects, so a crafted file runs code as it is loaded (CWE-502). Store data in "
                 "a format that cannot carry code: safetensors for tensors, JSON or .npz for data, skops.io for "
                 "scikit-learn models.",
         .level = LF_LEVEL_ERROR,
         .security_severity = "8.8",
         .cwe = "CWE-502",
         .bandit = "B301",
         .example = "import pickle\n\nmodel = pickle.load(open(\"model.pkl\", \"rb\"))\n",
         .example_fixed = NULL,
         .applicability = "never fixed: no argument makes a pickle load safe; change the file format."},
        {.code = "LF102",
         .name = "joblib-load",
         .summary = "`joblib.load` of a file that may be untrusted",
         .help = "joblib.load unpickles the file, so a crafted model file runs code as it is loaded (CWE-502). "
                 "Save scikit-learn models with skops.io (which loads only trusted types) and arrays with "
                 "safetensors or .npz.",
         .level = LF_LEVEL_ERROR,
         .security_severity = "8.8",
         .cwe = "CWE-502",
         .bandit = "B301",
         .example = "import joblib\n\nmodel = joblib.load(\"model.joblib\")\n",
         .example_fixed = NULL,
         .applicability = "never fixed: change the file format (skops.io, safetensors, .npz)."},
        {.code = "LF103",
         .name = "numpy-load-allow-pickle",
         .summary = "`numpy.load` with `allow_pickle` true",
         .help = "allow_pickle=True lets numpy.load unpickle object arrays, so a crafted .npy or .npz file runs "
                 "code as it is loaded (CWE-502). False is the default since NumPy 1.16.3; store object data in a "
                 "format that cannot carry code.",
         .level = LF_LEVEL_ERROR,
         .security_severity = "8.8",
         .cwe = "CWE-502",
         .fix_title = "Use allow_pickle=False; object arrays stop loading",
         .example = "arrays = numpy.load(\"data.npz\", allow_pickle=True)\n",
         .example_fixed = "arrays = numpy.load(\"data.npz\", allow_pickle=False)\n",
         .applicability = "unsafe (applied with --fix --unsafe-fixes): files that really hold object arrays stop "
                          "loading. A value not known statically is reported without a fix."},
        {.code = "LF104",
         .name = "yaml-unsafe-load",
         .summary = "PyYAML load without a safe Loader",
         .help = "yaml.load with Loader, FullLoader or UnsafeLoader (and unsafe_load, full_load) constructs "
                 "Python objects named by the document, so a crafted YAML file runs code (CWE-502). Use "
                 "yaml.safe_load or Loader=yaml.SafeLoader (yaml.CSafeLoader for the C loader).",
         .level = LF_LEVEL_ERROR,
         .security_severity = "8.8",
         .cwe = "CWE-502",
         .fix_title = "Use the safe loader; documents with Python tags stop loading",
         .bandit = "B506",
         .example = "config = yaml.load(text, Loader=yaml.FullLoader)\n",
         .example_fixed = "config = yaml.load(text, Loader=yaml.SafeLoader)\n",
         .applicability = "unsafe (applied with --fix --unsafe-fixes): documents with Python tags stop loading. No fix "
                          "when the function or loader was imported by name, or *args/**kwargs may carry the Loader."},
        {.code = "LF105",
         .name = "keras-unsafe-load-model",
         .summary = "Keras `load_model` that can run code from the model file",
         .help = "safe_mode=False lets Keras deserialize Lambda layers, which run code stored in the model "
                 "file; the legacy HDF5 format (.h5, .hdf5) is not covered by safe_mode at all (CWE-502). Keep "
                 "safe_mode=True and save models in the .keras format.",
         .level = LF_LEVEL_ERROR,
         .security_severity = "8.8",
         .cwe = "CWE-502",
         .fix_title = "Use safe_mode=True; Lambda layers stop loading",
         .example = "model = keras.models.load_model(\"model.keras\", safe_mode=False)\n",
         .example_fixed = "model = keras.models.load_model(\"model.keras\", safe_mode=True)\n",
         .applicability = "unsafe (applied with --fix --unsafe-fixes): models with Lambda layers stop loading. Legacy "
                          ".h5 files are reported only."},
        {.code = "LF106",
         .name = "trust-remote-code",
         .summary = "`trust_remote_code=True` runs code from the model repository",
         .help = "trust_remote_code=True (transformers from_pretrained and pipeline, datasets load_dataset, "
                 "...) downloads Python files from the model or dataset repository and runs them on this "
                 "machine. Use a model class the library ships, or pin a reviewed revision and vendor its "
                 "code.",
         .level = LF_LEVEL_ERROR,
         .security_severity = "7.5",
         .cwe = "CWE-829",
         .example = "model = AutoModel.from_pretrained(name, trust_remote_code=True)\n",
         .example_fixed = NULL,
         .applicability = "never fixed (report only)."},
};

const size_t lf_rule_count = sizeof lf_rules / sizeof lf_rules[0];

static int compare_code(const void *key, const void *entry)
{
	return strcmp(key, ((const lf_rule *)entry)->code);
}

const lf_rule *lf_rule_find(const char *code)
{
	return bsearch(code, lf_rules, lf_rule_count, sizeof lf_rules[0], compare_code);
}

size_t lf_rule_index(const lf_rule *rule)
{
	return (size_t)(rule - lf_rules);
}

char *lf_rule_help_uri(const lf_rule *rule)
{
	/* "CWE-502" -> its MITRE page.  A URL of loadfix's own docs would need
	 * a published home; the CWE page is true wherever loadfix runs, and
	 * `loadfix --explain CODE` prints the rule's own documentation. */
	return lf_xasprintf("https://cwe.mitre.org/data/definitions/%s.html", rule->cwe + 4);
}
